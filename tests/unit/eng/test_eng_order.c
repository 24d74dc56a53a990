/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Requester ordering rules: the outstanding READ/atomic limit (ORD, IBA 9.7.4.2), fences
 * (IBA 10.8.3.3), and segmentation at every path MTU (256..4096) one byte either side of
 * each packet boundary.
 */
#include <check.h>

#include "eng_harness.h"
#include "roce_opcode.h"

/* Distinct PSNs A sent READ requests for (retransmissions counted once). */
static uint32_t read_psns[256];
static unsigned int nb_read_psns;

static enum eng_fault
count_reads(void *arg, const struct roce_pkt *p)
{
	unsigned int i;

	(void)arg;
	if (p->opcode != ROCE_OP_READ_REQ)
		return ENG_FAULT_PASS;
	for (i = 0; i < nb_read_psns; i++)
		if (read_psns[i] == p->psn)
			return ENG_FAULT_PASS;
	if (nb_read_psns < RTE_DIM(read_psns))
		read_psns[nb_read_psns++] = p->psn;
	return ENG_FAULT_PASS;
}

START_TEST(test_eng_ord_limits_outstanding_reads)
{
	struct eh_conf c = eh_default_conf;
	struct eh_buf *la, *lb;
	struct eh_faults *fb;
	struct eng_cqe cqe[5];
	unsigned int i;

	c.max_rd_atomic = 2;
	eh_setup(&c);
	la = eh_buf_new(&eh_a, 5 * 512, EH_PD, EH_ACC_ALL);
	lb = eh_buf_new(&eh_b, 5 * 512, EH_PD, EH_ACC_ALL);
	eh_fill(lb, 0, lb->len, 21);
	nb_read_psns = 0;
	eng_set_fault_hook(eh_a.eng, count_reads, NULL);
	/* B's responses are lost for now: A's READs stay outstanding. */
	fb = eh_faults_on(&eh_b);
	eh_faults_add(fb, ROCE_OP_READ_RESP_ONLY, 0, ENG_FAULT_DROP);
	for (i = 0; i < 5; i++)
		eh_post_one(&eh_a, i, ENG_WR_READ, la, i * 512, 512, lb, i * 512);
	eh_run_for(20);
	ck_assert_uint_eq(nb_read_psns, 2);
	fb->nb_rules = 0;
	ck_assert_uint_eq(eh_wait_cqes(eh_a.scq, cqe, 5, EH_WAIT_MS), 5);
	for (i = 0; i < 5; i++) {
		ck_assert_uint_eq(cqe[i].wr_id, i);
		ck_assert_uint_eq(cqe[i].status, ENG_WC_SUCCESS);
	}
	ck_assert_uint_eq(nb_read_psns, 5);
	eh_assert_same(la, 0, lb, 0, la->len);
	eng_set_fault_hook(eh_a.eng, NULL, NULL);
}
END_TEST

/*
 * ENG_MAX_RD_ATOMIC (128) READs in flight: 100 go out before any response comes. Their
 * responses lost once, the retried requests re-arm B's resources (duplicates, answered
 * in PSN order), and every READ completes in order with its bytes; then 100 more without
 * loss take B's in-order path.
 */
START_TEST(test_eng_many_reads_outstanding)
{
	enum { N = 100, LEN = 64 };
	struct eh_buf *la, *lb;
	struct eh_faults *fb;
	struct eng_cqe cqe[N];
	unsigned int i, round;
	uint64_t resent = 0, dups = 0;

	eh_setup(NULL);
	la = eh_buf_new(&eh_a, N * LEN, EH_PD, EH_ACC_ALL);
	lb = eh_buf_new(&eh_b, N * LEN, EH_PD, EH_ACC_ALL);
	nb_read_psns = 0;
	eng_set_fault_hook(eh_a.eng, count_reads, NULL);
	fb = eh_faults_on(&eh_b);
	eh_faults_add(fb, ROCE_OP_READ_RESP_ONLY, 0, ENG_FAULT_DROP);
	for (round = 0; round < 2; round++) {
		eh_fill(la, 0, la->len, 60 + round);
		eh_fill(lb, 0, lb->len, 70 + round);
		for (i = 0; i < N; i++)
			eh_post_one(&eh_a, round * N + i, ENG_WR_READ, la, i * LEN, LEN, lb,
				    i * LEN);
		if (round == 0) {
			eh_run_for(20);
			ck_assert_uint_eq(nb_read_psns, N);
			fb->nb_rules = 0;
		}
		ck_assert_uint_eq(eh_wait_cqes(eh_a.scq, cqe, N, EH_WAIT_MS), N);
		for (i = 0; i < N; i++) {
			ck_assert_uint_eq(cqe[i].wr_id, round * N + i);
			ck_assert_uint_eq(cqe[i].status, ENG_WC_SUCCESS);
		}
		eh_assert_same(la, 0, lb, 0, la->len);
		if (round == 0) {
			resent = eh_ctr(&eh_a, "retransmit_pkts");
			dups = eh_ctr(&eh_b, "dup_requests");
			ck_assert_uint_ge(dups, 1);
		}
	}
	/* Without loss, responses left in PSN order: nothing was asked twice. */
	ck_assert_uint_eq(eh_ctr(&eh_a, "retransmit_pkts"), resent);
	ck_assert_uint_eq(eh_ctr(&eh_b, "dup_requests"), dups);
	ck_assert_uint_eq(eh_ctr(&eh_b, "ird_exceeded"), 0);
	eng_set_fault_hook(eh_a.eng, NULL, NULL);
	eh_buf_free(la);
	eh_buf_free(lb);
	eh_assert_quiet();
}
END_TEST

/*
 * A requester with more READs and atomics outstanding than the responder's IRD (a Linux
 * rdma_cm peer accepts with the initiator depth its consumer asks for, above what our REQ
 * offered): B, granting 2, answers the oldest before reusing its slot, so all 8 READs of
 * 3 packets and 2 FETCH_ADDs complete, in order, with every byte, each add done once.
 * (Before, the third request took the first one's slot with its responses unsent; that
 * READ went unanswered and its retries found no resource: retry exceeded.)
 */
START_TEST(test_eng_requests_beyond_ird)
{
	enum { READS = 8, LEN = 3000 };
	struct eh_conf c = eh_default_conf;
	struct eng_cqe cqe[READS + 2];
	struct eh_buf *la, *lb;
	struct eng_send_wr wr;
	unsigned int i;

	c.max_dest_rd_atomic = 2;
	eh_setup(&c);
	la = eh_buf_new(&eh_a, READS * LEN + 16, EH_PD, EH_ACC_ALL);
	lb = eh_buf_new(&eh_b, READS * LEN + 8, EH_PD, EH_ACC_ALL);
	eh_fill(lb, 0, lb->len, 41);
	eh_put64(lb, READS * LEN, 100);
	for (i = 0; i < READS + 2; i++) {
		if (i == 3 || i == 7) {		/* atomics among the READs */
			eh_wr_init(&wr, i, ENG_WR_FETCH_ADD, ENG_WR_SIGNALED);
			eh_wr_sge(&wr, la, READS * LEN + (i == 3 ? 0 : 8), 8);
			eh_wr_remote(&wr, lb, READS * LEN);
			wr.compare_add = 5;
			eh_post_send(&eh_a, &wr);
			continue;
		}
		eh_post_one(&eh_a, i, ENG_WR_READ, la, (i - (i > 3) - (i > 7)) * LEN, LEN, lb,
			    (i - (i > 3) - (i > 7)) * LEN);
	}
	ck_assert_uint_eq(eh_wait_cqes(eh_a.scq, cqe, READS + 2, EH_WAIT_MS), READS + 2);
	for (i = 0; i < READS + 2; i++) {
		ck_assert_uint_eq(cqe[i].wr_id, i);
		ck_assert_uint_eq(cqe[i].status, ENG_WC_SUCCESS);
	}
	eh_assert_same(la, 0, lb, 0, READS * LEN);
	ck_assert_uint_eq(eh_get64(la, READS * LEN), 100);
	ck_assert_uint_eq(eh_get64(la, READS * LEN + 8), 105);
	ck_assert_uint_eq(eh_get64(lb, READS * LEN), 110);
	ck_assert_uint_gt(eh_ctr(&eh_b, "ird_exceeded"), 0);
	ck_assert_uint_eq(eh_ctr(&eh_a, "retransmit_timeouts"), 0);
}
END_TEST

static unsigned int sends_seen;

static enum eng_fault
count_sends(void *arg, const struct roce_pkt *p)
{
	(void)arg;
	if (p->opcode == ROCE_OP_SEND_ONLY)
		sends_seen++;
	return ENG_FAULT_PASS;
}

static void
fence_case(bool fence)
{
	struct eh_buf *la, *lb;
	struct eh_faults *fb;
	struct eng_send_wr wr;
	struct eng_cqe c[2];

	eh_setup(NULL);
	la = eh_buf_new(&eh_a, 8192, EH_PD, EH_ACC_ALL);
	lb = eh_buf_new(&eh_b, 8192, EH_PD, EH_ACC_ALL);
	eh_fill(lb, 0, 4096, 31);
	eh_post_recv(&eh_b, 50, lb, 4096, 4096);
	sends_seen = 0;
	eng_set_fault_hook(eh_a.eng, count_sends, NULL);
	fb = eh_faults_on(&eh_b);
	eh_faults_add(fb, EH_OP_ANY, 0, ENG_FAULT_DROP);	/* B's answers are lost */
	eh_post_one(&eh_a, 1, ENG_WR_READ, la, 0, 4096, lb, 0);
	eh_wr_init(&wr, 2, ENG_WR_SEND, ENG_WR_SIGNALED | (fence ? ENG_WR_FENCE : 0));
	eh_wr_sge(&wr, la, 4096, 100);
	eh_post_send(&eh_a, &wr);
	eh_run_for(10);
	/* A fenced SEND waits for the READ before it; an unfenced one goes at once (and is
	 * retransmitted, as its ACK is lost too). */
	if (fence)
		ck_assert_uint_eq(sends_seen, 0);
	else
		ck_assert_uint_ge(sends_seen, 1);
	fb->nb_rules = 0;
	ck_assert_uint_eq(eh_wait_cqes(eh_a.scq, c, 2, EH_WAIT_MS), 2);
	ck_assert_uint_eq(c[0].wr_id, 1);
	ck_assert_uint_eq(c[0].status, ENG_WC_SUCCESS);
	ck_assert_uint_eq(c[1].wr_id, 2);
	ck_assert_uint_eq(c[1].status, ENG_WC_SUCCESS);
	ck_assert_uint_ge(sends_seen, 1);
	eh_assert_same(la, 0, lb, 0, 4096);
	eng_set_fault_hook(eh_a.eng, NULL, NULL);
}

START_TEST(test_eng_fence_waits_for_read)
{
	fence_case(true);
}
END_TEST

START_TEST(test_eng_no_fence_does_not_wait)
{
	fence_case(false);
}
END_TEST

/* Sizes around each packet boundary for SEND, WRITE and READ at one path MTU. */
static void
mtu_sweep(uint16_t port_mtu, uint32_t pmtu)
{
	static const enum eng_wr_opcode ops[] = { ENG_WR_SEND, ENG_WR_WRITE, ENG_WR_READ };
	struct eh_conf c = eh_default_conf;
	struct eh_buf *la, *lb;
	unsigned int i, k;
	int d;

	c.mtu = port_mtu;
	c.path_mtu = pmtu;
	eh_setup(&c);
	la = eh_buf_new(&eh_a, 4 * pmtu + 64, EH_PD, EH_ACC_ALL);
	lb = eh_buf_new(&eh_b, 4 * pmtu + 64, EH_PD, EH_ACC_ALL);
	for (i = 0; i < RTE_DIM(ops); i++)
		for (k = 1; k <= 3; k++)
			for (d = -1; d <= 1; d++)
				eh_transfer(ops[i], k * pmtu + d, i * 100 + k * 3 + d, la, lb);
	eh_assert_quiet();
}

START_TEST(test_eng_path_mtu_256)
{
	mtu_sweep(1500, 256);
}
END_TEST

START_TEST(test_eng_path_mtu_512)
{
	mtu_sweep(1500, 512);
}
END_TEST

START_TEST(test_eng_path_mtu_2048)
{
	mtu_sweep(4200, 2048);
}
END_TEST

START_TEST(test_eng_path_mtu_4096)
{
	mtu_sweep(4200, 4096);
}
END_TEST

/*
 * A READ's response is lost, a later READ's arrives: the later one is out of order and
 * must not acknowledge the SEND between them or the lost READ (found by rc-link: the
 * SEND was delivered twice, or the QP failed).
 */
static void
lost_read_response(uint32_t send_len)
{
	struct eh_buf *la, *lb;
	struct eng_cqe c[3];
	unsigned int i;

	eh_setup(NULL);
	la = eh_buf_new(&eh_a, 8192, EH_PD, EH_ACC_ALL);
	lb = eh_buf_new(&eh_b, 8192, EH_PD, EH_ACC_ALL);
	eh_fill(la, 0, la->len, 41);
	eh_fill(lb, 0, lb->len, 42);
	eh_faults_add(eh_faults_on(&eh_b), ROCE_OP_READ_RESP_ONLY, 1, ENG_FAULT_DROP);
	eh_post_recv(&eh_b, 0x71, lb, 4096, 2048);
	eh_post_recv(&eh_b, 0x72, lb, 6144, 2048);
	eh_post_one(&eh_a, 1, ENG_WR_READ, la, 0, 100, lb, 0);
	eh_post_one(&eh_a, 2, ENG_WR_SEND, la, 1024, send_len, NULL, 0);
	eh_post_one(&eh_a, 3, ENG_WR_READ, la, 3072, 100, lb, 200);
	ck_assert_uint_eq(eh_wait_cqes(eh_a.scq, c, 3, EH_WAIT_MS), 3);
	for (i = 0; i < 3; i++) {
		ck_assert_uint_eq(c[i].wr_id, i + 1);
		ck_assert_uint_eq(c[i].status, ENG_WC_SUCCESS);
	}
	ck_assert_uint_eq(eh_wait_cqes(eh_b.rcq, c, 1, EH_WAIT_MS), 1);
	ck_assert_uint_eq(c[0].wr_id, 0x71);
	ck_assert_uint_eq(c[0].byte_len, send_len);
	eh_assert_same(la, 0, lb, 0, 100);
	eh_assert_same(la, 3072, lb, 200, 100);
	eh_assert_same(lb, 4096, la, 1024, send_len);
	ck_assert_uint_eq(eh_ctr(&eh_b, "nak_invalid_tx"), 0);
	eh_assert_quiet();		/* and no second receive */
}

START_TEST(test_eng_lost_read_response_empty_send)
{
	lost_read_response(0);
}
END_TEST

START_TEST(test_eng_lost_read_response_two_packet_send)
{
	lost_read_response(2000);
}
END_TEST

/*
 * One gap, its NAK delivered twice (a duplicating or reordering link): that is one
 * retry, not two. With retry_cnt 1 the message must still get through (found by
 * rc-link's reordering run, where a QP ran out of retries on repeated NAKs).
 */
START_TEST(test_eng_duplicate_seq_nak_one_retry)
{
	struct eh_conf c = eh_default_conf;
	struct eh_buf *la, *lb;

	c.retry_cnt = 1;
	eh_setup(&c);
	la = eh_buf_new(&eh_a, 8192 + 64, EH_PD, EH_ACC_ALL);
	lb = eh_buf_new(&eh_b, 8192 + 64, EH_PD, EH_ACC_ALL);
	eh_faults_add(eh_faults_on(&eh_a), ROCE_OP_SEND_MIDDLE, 1, ENG_FAULT_DROP);
	/* The NAK names the dropped packet: the message's second PSN. */
	eh_faults_add_psn(eh_faults_on(&eh_b), ROCE_OP_ACK, c.psn_a + 1, 1, ENG_FAULT_DUP);
	eh_transfer(ENG_WR_SEND, 5000, 51, la, lb);
	ck_assert_uint_eq(eh_ctr(&eh_b, "nak_seq_tx"), 1);
	ck_assert_uint_eq(eh_ctr(&eh_a, "nak_seq_rx"), 2);
	ck_assert_int_eq(eng_qp_state(eh_a.qp), ENG_QPS_RTS);
}
END_TEST

/* First transmissions are not retransmissions, wherever the start PSN is. */
/* B's reply, posted from inside its poll when A's SEND completes a receive. */
static struct eh_buf *reply_buf;
static unsigned int replies;

static void
reply_on_recv(void *arg, struct eng_cq *cq)
{
	(void)arg;
	(void)cq;
	if (replies++ == 0)
		eh_post_one(&eh_b, 20, ENG_WR_SEND, reply_buf, 0, 8, NULL, 0);
}

static int
first_of(const struct eh_faults *f, uint8_t opcode)
{
	unsigned int i;

	for (i = 0; i < f->nb_order; i++)
		if (f->order[i] == opcode)
			return (int)i;
	return -1;
}

/*
 * A ping-pong of 8 B SENDs: 64 B buffers on both sides filled with seed's and seed + 1's
 * pattern, a 32 B receive at offset 32 on each (A's wr 10, B's wr 11).
 */
static void
ping_pong_setup(struct eh_buf **la, struct eh_buf **lb, uint32_t seed)
{
	eh_setup(NULL);
	*la = eh_buf_new(&eh_a, 64, EH_PD, EH_ACC_ALL);
	*lb = eh_buf_new(&eh_b, 64, EH_PD, EH_ACC_ALL);
	eh_fill(*la, 0, 64, seed);
	eh_fill(*lb, 0, 64, seed + 1);
	eh_post_recv(&eh_a, 10, *la, 32, 32);
	eh_post_recv(&eh_b, 11, *lb, 32, 32);
}

/* A's SEND (wr 1) and B's reply (wr 20) completed, A received the reply, bytes crossed. */
static void
ping_pong_done(const struct eh_buf *la, const struct eh_buf *lb)
{
	struct eng_cqe c;

	ck_assert_uint_eq(eh_wait_cqes(eh_a.scq, &c, 1, EH_WAIT_MS), 1);
	eh_check_cqe(&c, &eh_a, 1, ENG_WC_SUCCESS, ENG_WC_SEND, 8);
	ck_assert_uint_eq(eh_wait_cqes(eh_a.rcq, &c, 1, EH_WAIT_MS), 1);
	eh_check_cqe(&c, &eh_a, 10, ENG_WC_SUCCESS, ENG_WC_RECV, 8);
	ck_assert_uint_eq(eh_wait_cqes(eh_b.scq, &c, 1, EH_WAIT_MS), 1);
	eh_check_cqe(&c, &eh_b, 20, ENG_WC_SUCCESS, ENG_WC_SEND, 8);
	eh_assert_same(lb, 32, la, 0, 8);
	eh_assert_same(la, 32, lb, 0, 8);
}

/*
 * A reply posted while the poll that received the request still runs (a ping-pong
 * thread woken by the CQ notification) leaves after the ACK of that request, as it
 * would from a responder that ACKs on arrival: the coalesced ACK once went at the end of
 * the poll, after the reply, and perftest -e on rxe (send CQ event awaited after the
 * receive's) hung on that order.
 */
START_TEST(test_eng_ack_before_reply)
{
	struct eh_buf *la, *lb;
	struct eh_faults *fb;
	struct eng_cqe c;

	ping_pong_setup(&la, &lb, 31);
	reply_buf = lb;
	replies = 0;
	fb = eh_faults_on(&eh_b);
	eng_cq_set_notify(eh_b.rcq, reply_on_recv, NULL);
	eh_post_one(&eh_a, 1, ENG_WR_SEND, la, 0, 8, NULL, 0);
	ck_assert_uint_eq(eh_wait_cqes(eh_b.rcq, &c, 1, EH_WAIT_MS), 1);
	eh_check_cqe(&c, &eh_b, 11, ENG_WC_SUCCESS, ENG_WC_RECV, 8);
	ping_pong_done(la, lb);
	eng_cq_set_notify(eh_b.rcq, NULL, NULL);
	ck_assert_uint_eq(replies, 1);
	/* B sent the ACK of A's SEND, then its own SEND. */
	ck_assert_int_ge(first_of(fb, ROCE_OP_ACK), 0);
	ck_assert_int_ge(first_of(fb, ROCE_OP_SEND_ONLY), 0);
	ck_assert_int_lt(first_of(fb, ROCE_OP_ACK), first_of(fb, ROCE_OP_SEND_ONLY));
	eh_buf_free(la);
	eh_buf_free(lb);
	eh_assert_quiet();
}
END_TEST

/* One poll of one side; asserts it did not fail. */
static void
poll_side(struct eh_side *s)
{
	ck_assert_int_ge(eng_poll(s->eng, 0), 0);
}

/*
 * The ACK of a request waits for the poll after the one that received it, and a reply
 * the user posts in between leaves in the same transmit burst, behind the ACK: one
 * device call (one sendto() on net_af_xdp) per half round trip of a ping-pong.
 */
START_TEST(test_eng_ack_rides_with_reply)
{
	struct eh_buf *la, *lb;
	struct eh_faults *fb;
	struct eng_cqe c;
	uint64_t pkts, bursts, acks;

	ping_pong_setup(&la, &lb, 41);
	eh_run_for(EH_SETTLE_MS);
	fb = eh_faults_on(&eh_b);
	pkts = eh_ctr(&eh_b, "tx_pkts");
	bursts = eh_ctr(&eh_b, "tx_bursts");
	acks = eh_ctr(&eh_b, "ack_tx");
	eh_post_one(&eh_a, 1, ENG_WR_SEND, la, 0, 8, NULL, 0);
	poll_side(&eh_a);
	poll_side(&eh_b);
	/* B took the SEND and completed the receive; its ACK has not gone yet. */
	ck_assert_int_eq(eng_cq_poll(eh_b.rcq, &c, 1), 1);
	eh_check_cqe(&c, &eh_b, 11, ENG_WC_SUCCESS, ENG_WC_RECV, 8);
	ck_assert_uint_eq(eh_ctr(&eh_b, "tx_pkts"), pkts);
	ck_assert_uint_eq(eh_ctr(&eh_b, "ack_tx"), acks);
	eh_post_one(&eh_b, 20, ENG_WR_SEND, lb, 0, 8, NULL, 0);
	poll_side(&eh_b);
	/* The next poll sent both, in one burst, the ACK first. */
	ck_assert_uint_eq(eh_ctr(&eh_b, "tx_pkts"), pkts + 2);
	ck_assert_uint_eq(eh_ctr(&eh_b, "tx_bursts"), bursts + 1);
	ck_assert_uint_eq(eh_ctr(&eh_b, "ack_tx"), acks + 1);
	ck_assert_uint_eq(fb->nb_order, 2);
	ck_assert_uint_eq(fb->order[0], ROCE_OP_ACK);
	ck_assert_uint_eq(fb->order[1], ROCE_OP_SEND_ONLY);
	ping_pong_done(la, lb);
	eh_buf_free(la);
	eh_buf_free(lb);
	eh_assert_quiet();
}
END_TEST

/* A pair with A's and B's len-byte buffers filled (seeds seed, seed + 1), settled. */
static void
write_setup(struct eh_buf **la, struct eh_buf **lb, size_t len, uint32_t seed)
{
	eh_setup(NULL);
	*la = eh_buf_new(&eh_a, len, EH_PD, EH_ACC_ALL);
	*lb = eh_buf_new(&eh_b, len, EH_PD, EH_ACC_ALL);
	eh_fill(*la, 0, len, seed);
	eh_fill(*lb, 0, len, seed + 1);
	eh_run_for(EH_SETTLE_MS);
}

/* A's n WRITEs of len bytes completed in order from wr_id first; the buffers freed. */
static void
writes_done(struct eh_buf *la, struct eh_buf *lb, uint64_t first, int n, uint32_t len)
{
	struct eng_cqe c[32];
	int i;

	ck_assert_int_le(n, 32);
	ck_assert_int_eq(eng_cq_poll(eh_a.scq, c, (uint32_t)n), n);
	for (i = 0; i < n; i++)
		eh_check_cqe(&c[i], &eh_a, first + (uint64_t)i, ENG_WC_SUCCESS, ENG_WC_WRITE, len);
	eh_buf_free(la);
	eh_buf_free(lb);
	eh_assert_quiet();
}

/*
 * A device that takes only part of a burst: the slot keeps the rest, in order, and keeps
 * queueing behind them; every packet leaves with its ICRC (filled at the flush that first
 * offers it) and nothing is sent twice. The ring between the engines holds 31 frames and
 * B is not polled until A has built all 64 packets of its four 16 KiB WRITEs.
 */
START_TEST(test_eng_tx_partial_bursts)
{
	struct eh_conf conf = eh_default_conf;
	struct eh_buf *la, *lb;
	struct eng_cqe c[4];
	uint64_t rx_ok;
	unsigned int i;

	conf.ring_size = 32;
	eh_setup(&conf);
	la = eh_buf_new(&eh_a, 65536, EH_PD, EH_ACC_ALL);
	lb = eh_buf_new(&eh_b, 65536, EH_PD, EH_ACC_ALL);
	eh_fill(la, 0, 65536, 47);
	rx_ok = eh_port_ctr(&eh_b, "roce_rx_ok");
	for (i = 0; i < 4; i++)
		eh_post_one(&eh_a, 200 + i, ENG_WR_WRITE, la, 16384 * i, 16384, lb, 16384 * i);
	for (i = 0; i < 4; i++)
		poll_side(&eh_a);
	ck_assert_uint_eq(eh_ctr(&eh_a, "tx_pkts"), 31);
	ck_assert_uint_eq(rte_ring_count(eh_b.rx), 31);
	ck_assert_uint_eq(eh_wait_cqes(eh_a.scq, c, 4, EH_WAIT_MS), 4);
	for (i = 0; i < 4; i++)
		eh_check_cqe(&c[i], &eh_a, 200 + i, ENG_WC_SUCCESS, ENG_WC_WRITE, 16384);
	eh_assert_same(lb, 0, la, 0, 65536);
	/* Each of the 64 packets arrived once, none dropped for its ICRC, none resent. */
	ck_assert_uint_eq(eh_port_ctr(&eh_b, "roce_rx_ok") - rx_ok, 64);
	ck_assert_uint_eq(eh_port_ctr(&eh_b, "roce_drop_icrc"), 0);
	ck_assert_uint_eq(eh_ctr(&eh_a, "retransmit_pkts"), 0);
	/* Two lengths (with and without RETH), one path: the corrections were cached. */
	ck_assert_uint_eq(eh_ctr(&eh_a, "icrc_cache_misses"), 2);
	ck_assert_uint_eq(eh_port_ctr(&eh_b, "roce_icrc_cache_misses"), 2);
	eh_buf_free(la);
	eh_buf_free(lb);
	eh_assert_quiet();
}
END_TEST

/* With no reply to ride with, the ACK leaves on the next poll by itself. */
START_TEST(test_eng_ack_next_poll)
{
	struct eh_buf *la, *lb;
	uint64_t acks, bursts;

	write_setup(&la, &lb, 64, 43);
	acks = eh_ctr(&eh_b, "ack_tx");
	bursts = eh_ctr(&eh_b, "tx_bursts");
	eh_post_one(&eh_a, 1, ENG_WR_WRITE, la, 0, 16, lb, 8);
	poll_side(&eh_a);
	poll_side(&eh_b);
	eh_assert_same(lb, 8, la, 0, 16);
	ck_assert_uint_eq(eh_ctr(&eh_b, "ack_tx"), acks);
	poll_side(&eh_b);
	ck_assert_uint_eq(eh_ctr(&eh_b, "ack_tx"), acks + 1);
	ck_assert_uint_eq(eh_ctr(&eh_b, "tx_bursts"), bursts + 1);
	poll_side(&eh_a);
	writes_done(la, lb, 1, 1, 16);
}
END_TEST

/*
 * A stream's ACK is not held: a poll that received more than ENG_ACK_HOLD_MAX packets
 * sends their ACK before it ends, since the requester's window waits on it.
 */
START_TEST(test_eng_stream_ack_same_poll)
{
	struct eh_buf *la, *lb;
	uint64_t acks;
	int i;

	write_setup(&la, &lb, 64, 45);
	acks = eh_ctr(&eh_b, "ack_tx");
	for (i = 0; i < 8; i++)
		eh_post_one(&eh_a, 100 + i, ENG_WR_WRITE, la, 8 * i, 8, lb, 8 * i);
	poll_side(&eh_a);
	poll_side(&eh_b);
	eh_assert_same(lb, 0, la, 0, 64);
	ck_assert_uint_eq(eh_ctr(&eh_b, "ack_tx"), acks + 1);
	poll_side(&eh_a);
	writes_done(la, lb, 100, 8, 8);
}
END_TEST

/*
 * A held ACK waits one poll, not more: a request arriving in that next poll does not hold
 * it again (a trickle of one request per poll would otherwise go unacknowledged until
 * ENG_ACK_EVERY packets).
 */
START_TEST(test_eng_ack_held_one_poll)
{
	struct eh_buf *la, *lb;
	uint64_t acks;

	write_setup(&la, &lb, 64, 47);
	acks = eh_ctr(&eh_b, "ack_tx");
	eh_post_one(&eh_a, 1, ENG_WR_WRITE, la, 0, 8, lb, 0);
	poll_side(&eh_a);
	poll_side(&eh_b);
	ck_assert_uint_eq(eh_ctr(&eh_b, "ack_tx"), acks);
	eh_post_one(&eh_a, 2, ENG_WR_WRITE, la, 8, 8, lb, 8);
	poll_side(&eh_a);
	poll_side(&eh_b);
	eh_assert_same(lb, 0, la, 0, 16);
	ck_assert_uint_eq(eh_ctr(&eh_b, "ack_tx"), acks + 1);
	poll_side(&eh_a);
	writes_done(la, lb, 1, 2, 8);
}
END_TEST

/*
 * A QP sends 16 packets a poll (ENG_REQ_BURST in pmd/eng_pvt.h) on a port whose transmit
 * is no system call (net_ring), so that it looks for ACKs between them; the rest go in
 * the next poll.
 */
START_TEST(test_eng_req_burst_per_poll)
{
	enum { REQ_BURST = 16, N = REQ_BURST + 4 };
	struct eh_buf *la, *lb;
	uint64_t pkts;
	int i;

	write_setup(&la, &lb, 8 * N, 49);
	pkts = eh_ctr(&eh_a, "tx_pkts");
	for (i = 0; i < N; i++)
		eh_post_one(&eh_a, 200 + i, ENG_WR_WRITE, la, 8 * i, 8, lb, 8 * i);
	poll_side(&eh_a);
	ck_assert_uint_eq(eh_ctr(&eh_a, "tx_pkts"), pkts + REQ_BURST);
	poll_side(&eh_a);
	ck_assert_uint_eq(eh_ctr(&eh_a, "tx_pkts"), pkts + N);
	poll_side(&eh_b);
	poll_side(&eh_a);
	eh_assert_same(lb, 0, la, 0, 8 * N);
	writes_done(la, lb, 200, N, 8);
}
END_TEST

START_TEST(test_eng_retransmit_count_clean)
{
	struct eh_conf c = eh_default_conf;
	struct eh_buf *la, *lb;

	c.psn_a = 0xfff000;
	c.psn_b = 0x900000;
	eh_setup(&c);
	la = eh_buf_new(&eh_a, 65536 + 64, EH_PD, EH_ACC_ALL);
	lb = eh_buf_new(&eh_b, 65536 + 64, EH_PD, EH_ACC_ALL);
	eh_transfer(ENG_WR_WRITE, 65536, 1, la, lb);
	eh_transfer(ENG_WR_READ, 65536, 2, la, lb);
	ck_assert_uint_eq(eh_ctr(&eh_a, "retransmit_pkts"), 0);
	ck_assert_uint_eq(eh_ctr(&eh_b, "retransmit_pkts"), 0);
}
END_TEST

int
main(int argc, char **argv)
{
	Suite *s = suite_create("eng_order");
	TCase *tc = tcase_create("order");

	(void)argc;
	tcase_add_checked_fixture(tc, NULL, eh_teardown);
	tcase_add_test(tc, test_eng_ord_limits_outstanding_reads);
	tcase_add_test(tc, test_eng_many_reads_outstanding);
	tcase_add_test(tc, test_eng_requests_beyond_ird);
	tcase_add_test(tc, test_eng_fence_waits_for_read);
	tcase_add_test(tc, test_eng_no_fence_does_not_wait);
	tcase_add_test(tc, test_eng_path_mtu_256);
	tcase_add_test(tc, test_eng_path_mtu_512);
	tcase_add_test(tc, test_eng_path_mtu_2048);
	tcase_add_test(tc, test_eng_path_mtu_4096);
	tcase_add_test(tc, test_eng_lost_read_response_empty_send);
	tcase_add_test(tc, test_eng_lost_read_response_two_packet_send);
	tcase_add_test(tc, test_eng_retransmit_count_clean);
	tcase_add_test(tc, test_eng_ack_before_reply);
	tcase_add_test(tc, test_eng_ack_rides_with_reply);
	tcase_add_test(tc, test_eng_ack_next_poll);
	tcase_add_test(tc, test_eng_stream_ack_same_poll);
	tcase_add_test(tc, test_eng_ack_held_one_poll);
	tcase_add_test(tc, test_eng_req_burst_per_poll);
	tcase_add_test(tc, test_eng_tx_partial_bursts);
	tcase_add_test(tc, test_eng_duplicate_seq_nak_one_retry);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);
	return eh_main(argv[0], s);
}
