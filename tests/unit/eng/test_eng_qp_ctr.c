/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Per-QP counters (eng_qp_xstats()) and observing QPs from outside the slots: packets
 * and payload bytes match what the workload moved, NAKs and retransmissions land on the
 * QP that saw them, completions are counted by status, the engine's counters are the sum;
 * an observer (eng_observe_begin()) keeps a closing QP allocated until it is done.
 */
#include <check.h>
#include <string.h>

#include "eng_harness.h"
#include "roce_opcode.h"
#include "roce_psn.h"

/* A QP's counter by name; fails the test when it has none. */
static uint64_t
qp_ctr(const struct eng_qp *qp, const char *name)
{
	struct pmd_xstat xs[128];
	int i, n = eng_qp_xstats(qp, xs, 128);

	ck_assert_int_le(n, 128);
	for (i = 0; i < n; i++)
		if (strcmp(xs[i].name, name) == 0)
			return xs[i].value;
	ck_abort_msg("QP has no counter %s", name);
	return 0;
}

START_TEST(test_eng_qp_xstats_names)
{
	struct pmd_xstat xs[128];
	int i, n;

	eh_setup(NULL);
	n = eng_qp_xstats(eh_a.qp, xs, 128);
	ck_assert_int_eq(eng_qp_xstats(eh_a.qp, NULL, 0), n);
	for (i = 0; i < n; i++) {
		/* Engine-only counters are not a QP's. */
		ck_assert_str_ne(xs[i].name, "rx_no_qp");
		ck_assert_str_ne(xs[i].name, "rx_handoff");
		ck_assert_str_ne(xs[i].name, "polls");
		ck_assert_str_ne(xs[i].name, "busy_polls");
		ck_assert_uint_eq(xs[i].value, 0);
	}
	qp_ctr(eh_a.qp, "cqe_success");
	qp_ctr(eh_a.qp, "cqe_wr_flush_err");
	qp_ctr(eh_a.qp, "rnr_nak_rx");
	qp_ctr(eh_a.qp, "cnp_tx");
}
END_TEST

/* SENDs, WRITEs and READs: packets and payload bytes on both QPs, and completions. */
START_TEST(test_eng_qp_ctr_traffic)
{
	static const uint32_t lens[] = { 1, 1000, 1024, 3000, 8192 };
	struct eh_buf *la, *lb;
	uint64_t bytes = 0, pkts = 0, rbytes = 0, rpkts = 0;
	unsigned int i;

	eh_setup(NULL);
	la = eh_buf_new(&eh_a, 8192 + 64, EH_PD, EH_ACC_ALL);
	lb = eh_buf_new(&eh_b, 8192 + 64, EH_PD, EH_ACC_ALL);
	for (i = 0; i < RTE_DIM(lens); i++) {
		eh_transfer(ENG_WR_SEND, lens[i], i, la, lb);
		eh_transfer(ENG_WR_WRITE, lens[i], i + 10, la, lb);
		bytes += 2ull * lens[i];
		pkts += 2ull * ((lens[i] + 1023) / 1024);
		eh_transfer(ENG_WR_READ, lens[i], i + 20, la, lb);
		rbytes += lens[i];
		rpkts += (lens[i] + 1023) / 1024;
	}
	/* A built the requests (a READ request has no payload), B the READ responses. */
	ck_assert_uint_eq(qp_ctr(eh_a.qp, "tx_payload_bytes"), bytes);
	ck_assert_uint_eq(qp_ctr(eh_b.qp, "rx_payload_bytes"), bytes);
	ck_assert_uint_eq(qp_ctr(eh_b.qp, "tx_payload_bytes"), rbytes);
	ck_assert_uint_eq(qp_ctr(eh_a.qp, "rx_payload_bytes"), rbytes);
	/* Packets: requests plus READ requests one way, ACKs and responses the other. */
	ck_assert_uint_eq(qp_ctr(eh_a.qp, "tx_pkts"), pkts + RTE_DIM(lens));
	ck_assert_uint_eq(qp_ctr(eh_b.qp, "rx_pkts"), pkts + RTE_DIM(lens));
	ck_assert_uint_eq(qp_ctr(eh_b.qp, "tx_pkts"), rpkts + qp_ctr(eh_b.qp, "ack_tx"));
	ck_assert_uint_eq(qp_ctr(eh_a.qp, "rx_pkts"), qp_ctr(eh_b.qp, "tx_pkts"));
	ck_assert_uint_eq(qp_ctr(eh_a.qp, "ack_rx"), qp_ctr(eh_b.qp, "ack_tx"));
	/* Every WR completed on A; B's receives (one per SEND) completed on B. */
	ck_assert_uint_eq(qp_ctr(eh_a.qp, "cqe_success"), 3 * RTE_DIM(lens));
	ck_assert_uint_eq(qp_ctr(eh_b.qp, "cqe_success"), RTE_DIM(lens));
	ck_assert_uint_eq(qp_ctr(eh_a.qp, "retransmit_pkts"), 0);
	/* One QP per engine: the engine's counters are the QP's. */
	ck_assert_uint_eq(eh_ctr(&eh_a, "tx_payload_bytes"), bytes);
	ck_assert_uint_eq(eh_ctr(&eh_b, "rx_payload_bytes"), bytes);
	ck_assert_uint_eq(eh_ctr(&eh_a, "cqe_success"), 3 * RTE_DIM(lens));
	ck_assert_uint_eq(eh_ctr(&eh_a, "rx_pkts"), qp_ctr(eh_a.qp, "rx_pkts"));
	eh_buf_free(la);
	eh_buf_free(lb);
	eh_assert_quiet();
}
END_TEST

/* polls and busy_polls: every eng_poll() counts, only one that moved a packet is busy. */
START_TEST(test_eng_poll_ctrs)
{
	struct eh_buf *la, *lb;
	uint64_t polls, busy, busy_b;
	unsigned int i;

	eh_setup(NULL);
	la = eh_buf_new(&eh_a, 4096, EH_PD, EH_ACC_ALL);
	lb = eh_buf_new(&eh_b, 4096, EH_PD, EH_ACC_ALL);
	eh_run_for(EH_SETTLE_MS);
	busy = eh_ctr(&eh_a, "busy_polls");
	busy_b = eh_ctr(&eh_b, "busy_polls");
	eh_transfer(ENG_WR_WRITE, 3000, 1, la, lb);
	eh_run_for(EH_SETTLE_MS);	/* the last ACK taken: both sides idle */
	/*
	 * A sent 3 packets and took B's ACKs (one per B poll that received): at least a
	 * poll for each, at most one per packet; B received in 1 to 3 polls.
	 */
	ck_assert_uint_ge(eh_ctr(&eh_a, "busy_polls") - busy, 2);
	ck_assert_uint_le(eh_ctr(&eh_a, "busy_polls") - busy, 6);
	ck_assert_uint_ge(eh_ctr(&eh_b, "busy_polls") - busy_b, 1);
	ck_assert_uint_le(eh_ctr(&eh_b, "busy_polls") - busy_b, 3);
	/* Idle polls count, and only as polls. */
	polls = eh_ctr(&eh_a, "polls");
	busy = eh_ctr(&eh_a, "busy_polls");
	ck_assert_uint_gt(polls, busy);
	for (i = 0; i < 100; i++)
		eh_poll();
	ck_assert_uint_eq(eh_ctr(&eh_a, "polls"), polls + 100);
	ck_assert_uint_eq(eh_ctr(&eh_a, "busy_polls"), busy);
	eh_buf_free(la);
	eh_buf_free(lb);
	eh_assert_quiet();
}
END_TEST

/* A lost middle packet: B NAKs the sequence, A goes back; both counted on the QPs. */
START_TEST(test_eng_qp_ctr_nak_retransmit)
{
	struct eh_buf *la, *lb;
	struct eh_faults *fa;

	eh_setup(NULL);
	la = eh_buf_new(&eh_a, 4096, EH_PD, EH_ACC_ALL);
	lb = eh_buf_new(&eh_b, 4096, EH_PD, EH_ACC_ALL);
	fa = eh_faults_on(&eh_a);
	eh_faults_add(fa, ROCE_OP_SEND_MIDDLE, 1, ENG_FAULT_DROP);
	eh_transfer(ENG_WR_SEND, 3000, 7, la, lb);
	ck_assert_uint_eq(qp_ctr(eh_b.qp, "nak_seq_tx"), 1);
	ck_assert_uint_eq(qp_ctr(eh_a.qp, "nak_seq_rx"), 1);
	ck_assert_uint_ge(qp_ctr(eh_a.qp, "retransmit_pkts"), 2);
	ck_assert_uint_eq(qp_ctr(eh_a.qp, "retransmit_pkts"), eh_ctr(&eh_a, "retransmit_pkts"));
	ck_assert_uint_ge(qp_ctr(eh_b.qp, "out_of_seq"), 1);
	/* The dropped packet was built: A's QP counts it, B never saw it. */
	ck_assert_uint_eq(qp_ctr(eh_a.qp, "tx_pkts"), qp_ctr(eh_b.qp, "rx_pkts") + 1);
	eh_buf_free(la);
	eh_buf_free(lb);
	eh_assert_quiet();
}
END_TEST

/*
 * 16 one-packet WRITEs posted together leave in one poll (the requester's burst) and
 * arrive in one receive burst: each asks for an ACK (AckReq on a message's last packet),
 * and B answers the burst with one ACK of the last PSN (IBA 9.7.6.1.1), which completes
 * all 16 on A, in order, every byte in place.
 */
START_TEST(test_eng_ack_coalesced)
{
	enum { N = 16, LEN = 64 };
	struct eng_cqe c[N];
	struct eh_buf *la, *lb;
	unsigned int i;

	eh_setup(NULL);
	la = eh_buf_new(&eh_a, N * LEN, EH_PD, EH_ACC_ALL);
	lb = eh_buf_new(&eh_b, N * LEN, EH_PD, EH_ACC_ALL);
	eh_fill(la, 0, N * LEN, 11);
	eh_fill(lb, 0, N * LEN, 12);
	for (i = 0; i < N; i++)
		eh_post_one(&eh_a, i, ENG_WR_WRITE, la, i * LEN, LEN, lb, i * LEN);
	ck_assert_uint_eq(eh_wait_cqes(eh_a.scq, c, N, EH_WAIT_MS), N);
	for (i = 0; i < N; i++)
		eh_check_cqe(&c[i], &eh_a, i, ENG_WC_SUCCESS, ENG_WC_WRITE, LEN);
	eh_assert_same(lb, 0, la, 0, N * LEN);
	ck_assert_uint_eq(qp_ctr(eh_b.qp, "rx_pkts"), N);
	ck_assert_uint_eq(qp_ctr(eh_b.qp, "ack_tx"), 1);
	ck_assert_uint_eq(qp_ctr(eh_a.qp, "ack_rx"), 1);
	ck_assert_uint_eq(qp_ctr(eh_a.qp, "retransmit_pkts"), 0);
	eh_buf_free(la);
	eh_buf_free(lb);
	eh_assert_quiet();
}
END_TEST

/*
 * A stream longer than half the PSN space (IBA 9.7.1: 2^23 packets) with no loss: not one
 * packet counts as a retransmission. The count compared each PSN with the PSN of the last
 * go-back (here the first PSN), and past 2^23 packets every PSN compared as before it.
 * 1 MiB WRITEs at path MTU 256 (4096 packets each), from just below the PSN wrap.
 */
START_TEST(test_eng_qp_ctr_psn_half_window)
{
	enum { LEN = 1 << 20, PKTS = LEN / 256, BATCH = 8 };
	struct eh_conf conf = eh_default_conf;
	uint32_t n = (ROCE_PSN_MOD / 2) / PKTS + 2, i, k;
	struct eng_cqe c[BATCH];
	struct eh_buf *la, *lb;

	conf.path_mtu = 256;
	conf.psn_a = ROCE_PSN_MOD - 1000;
	eh_setup(&conf);
	la = eh_buf_new(&eh_a, LEN, EH_PD, EH_ACC_ALL);
	lb = eh_buf_new(&eh_b, LEN, EH_PD, EH_ACC_ALL);
	eh_fill(la, 0, LEN, 21);
	for (i = 0; i < n; i += BATCH) {
		uint32_t m = RTE_MIN((uint32_t)BATCH, n - i);

		for (k = 0; k < m; k++) {
			struct eng_send_wr wr;

			eh_wr_init(&wr, i + k, ENG_WR_WRITE, ENG_WR_SIGNALED);
			eh_wr_sge(&wr, la, 0, LEN);
			eh_wr_remote(&wr, lb, 0);
			eh_post_send(&eh_a, &wr);
		}
		ck_assert_uint_eq(eh_wait_cqes(eh_a.scq, c, m, EH_WAIT_MS), m);
		for (k = 0; k < m; k++)
			eh_check_cqe(&c[k], &eh_a, i + k, ENG_WC_SUCCESS, ENG_WC_WRITE, LEN);
	}
	ck_assert_uint_eq(qp_ctr(eh_a.qp, "tx_pkts"), (uint64_t)n * PKTS);
	ck_assert_uint_gt(qp_ctr(eh_a.qp, "tx_pkts"), ROCE_PSN_MOD / 2);
	ck_assert_uint_eq(qp_ctr(eh_b.qp, "rx_pkts"), (uint64_t)n * PKTS);
	ck_assert_uint_eq(qp_ctr(eh_a.qp, "retransmit_pkts"), 0);
	ck_assert_uint_eq(eh_ctr(&eh_a, "retransmit_pkts"), 0);
	eh_assert_same(lb, 0, la, 0, LEN);
	eh_buf_free(la);
	eh_buf_free(lb);
	eh_assert_quiet();
}
END_TEST

/* Flushed receives are counted as cqe_wr_flush_err on the QP that flushed them. */
START_TEST(test_eng_qp_ctr_flush)
{
	struct eng_qp_attr err = { .state = ENG_QPS_ERR };
	struct eng_cqe c[3];
	struct eh_buf *lb;

	eh_setup(NULL);
	lb = eh_buf_new(&eh_b, 4096, EH_PD, EH_ACC_ALL);
	eh_post_recv(&eh_b, 1, lb, 0, 64);
	eh_post_recv(&eh_b, 2, lb, 64, 64);
	eh_post_recv(&eh_b, 3, lb, 128, 64);
	ck_assert_int_eq(eng_qp_modify(eh_b.qp, &err), 0);
	ck_assert_uint_eq(eh_wait_cqes(eh_b.rcq, c, 3, EH_WAIT_MS), 3);
	ck_assert_uint_eq(qp_ctr(eh_b.qp, "cqe_wr_flush_err"), 3);
	ck_assert_uint_eq(qp_ctr(eh_b.qp, "cqe_success"), 0);
	ck_assert_uint_eq(qp_ctr(eh_a.qp, "cqe_wr_flush_err"), 0);
	ck_assert_uint_eq(eh_ctr(&eh_b, "cqe_wr_flush_err"), 3);
	eh_buf_free(lb);
}
END_TEST

static bool
qp_closed(void *arg)
{
	return eng_qp_close_poll(arg);
}

/*
 * An observer that found a QP keeps it allocated through a close: the grace period
 * waits for eng_observe_end(). One that comes later no longer finds it.
 */
START_TEST(test_eng_observe_close)
{
	struct eng_qp_attr err = { .state = ENG_QPS_ERR };
	struct eng_qp_init init = { .type = ENG_QPT_RC, .pd = EH_PD, .slot = 0 };
	struct eng_qp_info qi;
	struct eng_qp *qp, *seen;
	uint32_t qpn;

	eh_setup(NULL);
	/* Not the harness's (eh_qp_new()): this test closes it itself. */
	init.send_cq = eh_a.scq;
	init.recv_cq = eh_a.rcq;
	ck_assert_int_eq(eng_qp_create(eh_a.eng, &init, &qp), 0);
	qpn = eng_qp_num(qp);
	eng_observe_begin(eh_a.eng);
	seen = eng_qp_get(eh_a.eng, qpn);
	ck_assert_ptr_eq(seen, qp);
	ck_assert_int_eq(eng_qp_modify(qp, &err), 0);
	eng_qp_close_start(qp);
	/* Unpublished, but still allocated for the observer that holds it. */
	ck_assert_ptr_null(eng_qp_get(eh_a.eng, qpn));
	ck_assert(!eh_run_until(qp_closed, qp, 50));
	eng_qp_info(seen, &qi);
	ck_assert_uint_eq(qi.qpn, qpn);
	ck_assert(qi.closing);
	ck_assert_uint_eq(qp_ctr(seen, "cqe_success"), 0);
	eng_observe_end(eh_a.eng);
	ck_assert(eh_run_until(qp_closed, qp, EH_WAIT_MS));
	eng_observe_begin(eh_a.eng);
	ck_assert_ptr_null(eng_qp_get(eh_a.eng, qpn));
	eng_observe_end(eh_a.eng);
}
END_TEST

/*
 * QP numbers are not reused at once: the next QP gets another number, the closed one's
 * number finds nothing, and when its table index comes round again the number differs
 * (a new generation), so completions and packets still about for it never name a new
 * QP. Each completion carries its QP's context from creation.
 */
START_TEST(test_eng_qpn_not_reused)
{
	struct eng_qp_init init = { .type = ENG_QPT_RC, .pd = EH_PD, .slot = 0, .ctx = 77 };
	struct eng_qp *qp, *next;
	uint32_t qpn, got = 0, n, i;

	eh_setup(NULL);
	init.send_cq = eh_a.scq;
	init.recv_cq = eh_a.rcq;
	ck_assert_int_eq(eng_qp_create(eh_a.eng, &init, &qp), 0);
	qpn = eng_qp_num(qp);
	eng_qp_close_start(qp);
	ck_assert(eh_run_until(qp_closed, qp, EH_WAIT_MS));
	ck_assert_ptr_null(eng_qp_get(eh_a.eng, qpn));
	/* Round robin: the next numbers go on; none is the closed one. */
	for (i = 0, n = 0; i < ENG_MAX_QP && n != (qpn & (ENG_MAX_QP - 1)); i++) {
		ck_assert_int_eq(eng_qp_create(eh_a.eng, &init, &next), 0);
		got = eng_qp_num(next);
		n = got & (ENG_MAX_QP - 1);
		ck_assert_uint_ne(got, qpn);
		ck_assert_ptr_null(eng_qp_get(eh_a.eng, qpn));
		eng_qp_close_start(next);
		ck_assert(eh_run_until(qp_closed, next, EH_WAIT_MS));
	}
	/* The same index again, a new number: 24 bits, the generation above the index. */
	ck_assert_uint_eq(n, qpn & (ENG_MAX_QP - 1));
	ck_assert_uint_eq(got, qpn + ENG_MAX_QP);
}
END_TEST

/* A completion names its QP's context as pushed, whatever happened to the QP since. */
START_TEST(test_eng_cqe_qp_ctx)
{
	struct eng_recv_wr wr = { .wr_id = 5, .num_sge = 0 };
	struct eng_qp_attr err = { .state = ENG_QPS_ERR };
	struct eng_qp_init init = { .type = ENG_QPT_RC, .pd = EH_PD, .slot = 0,
				    .ctx = 0x1234567890ull };
	struct eng_qp_attr at = { .state = ENG_QPS_INIT };
	struct eng_cqe c;
	struct eng_qp *qp;

	eh_setup(NULL);
	init.send_cq = eh_a.scq;
	init.recv_cq = eh_a.rcq;
	ck_assert_int_eq(eng_qp_create(eh_a.eng, &init, &qp), 0);
	ck_assert_int_eq(eng_qp_modify(qp, &at), 0);
	ck_assert_int_eq(eng_post_recv(qp, &wr), 0);
	ck_assert_int_eq(eng_qp_modify(qp, &err), 0);		/* flushes the receive */
	eng_qp_close_start(qp);
	ck_assert(eh_run_until(qp_closed, qp, EH_WAIT_MS));
	ck_assert_int_eq(eng_cq_poll(eh_a.rcq, &c, 1), 1);
	ck_assert_uint_eq(c.wr_id, 5);
	ck_assert_uint_eq(c.status, ENG_WC_WR_FLUSH_ERR);
	ck_assert_uint_eq(c.qp_ctx, 0x1234567890ull);
}
END_TEST

int
main(int argc, char **argv)
{
	Suite *s = suite_create("eng_qp_ctr");
	TCase *tc = tcase_create("qp_ctr");

	(void)argc;
	tcase_add_checked_fixture(tc, NULL, eh_teardown);
	tcase_add_test(tc, test_eng_qp_xstats_names);
	tcase_add_test(tc, test_eng_qp_ctr_traffic);
	tcase_add_test(tc, test_eng_poll_ctrs);
	tcase_add_test(tc, test_eng_qp_ctr_nak_retransmit);
	tcase_add_test(tc, test_eng_ack_coalesced);
	tcase_add_test(tc, test_eng_qp_ctr_psn_half_window);
	tcase_add_test(tc, test_eng_qp_ctr_flush);
	tcase_add_test(tc, test_eng_observe_close);
	tcase_add_test(tc, test_eng_qpn_not_reused);
	tcase_add_test(tc, test_eng_cqe_qp_ctx);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return eh_main(argv[0], s);
}
