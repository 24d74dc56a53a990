/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RC recovery from loss, duplication, reordering and corruption, injected by the engines'
 * fault hooks (the requester A's, the responder B's, or both) on chosen packets of
 * five-packet SEND, WRITE and READ messages and of atomics. Whatever happened on the wire,
 * each WR must complete exactly once and successfully, every byte must arrive, B must see
 * exactly one receive completion per message, an atomic must take effect exactly once, and
 * the counters must show how the engines recovered. A second, clean message then checks
 * that both QPs are still in step. Last, retry exhaustion when nothing gets through.
 */
#include <check.h>
#include <string.h>

#include <rte_common.h>

#include "eng_harness.h"

/* Five packets at path MTU 1024, the last one short. */
#define MSG_LEN		(5 * 1024 - 100)

/* What the counters must show afterwards. */
#define X_NAK_SEQ	(1u << 0)	/* B NAKed a PSN sequence error, A got it */
#define X_TIMEOUT	(1u << 1)	/* A's local ACK timer fired */
#define X_RETX		(1u << 2)	/* A sent packets again */
#define X_DUP_REQ	(1u << 3)	/* B saw duplicate requests */
#define X_DUP_RESP	(1u << 4)	/* A saw responses for PSNs already done */
#define X_OOS		(1u << 5)	/* B saw a PSN ahead of the expected one */
#define X_ICRC_A	(1u << 6)	/* A's port dropped exactly one frame for its ICRC */
#define X_ICRC_B	(1u << 7)	/* B's port did */

struct rule_spec {
	bool on_b;			/* B's hook (responder) rather than A's */
	uint8_t opcode;
	int32_t psn_off;		/* only this PSN (from A's first); -1: any */
	uint32_t nth;
	enum eng_fault action;		/* ENG_FAULT_PASS: no rule */
};

struct fault_case {
	const char *name;
	enum eng_wr_opcode op;
	struct rule_spec r[2];
	uint32_t expect;
};

#define RA(op, n, act)	{ false, ROCE_OP_ ## op, -1, n, ENG_FAULT_ ## act }
#define RB(op, n, act)	{ true, ROCE_OP_ ## op, -1, n, ENG_FAULT_ ## act }
/* The first ACK acknowledging the message's last PSN, however B coalesces its ACKs. */
#define RB_LAST_ACK(act) { true, ROCE_OP_ACK, 4, 1, ENG_FAULT_ ## act }
#define SEND		ENG_WR_SEND
#define WRITE		ENG_WR_WRITE
#define READ		ENG_WR_READ
#define CAS		ENG_WR_CMP_SWAP
#define FAA		ENG_WR_FETCH_ADD

/* A failure names its loop index: the row of this table. */
static const struct fault_case cases[] = {
	{ "send drop first", SEND, { RA(SEND_FIRST, 1, DROP) }, X_NAK_SEQ | X_RETX },
	{ "send drop middle", SEND, { RA(SEND_MIDDLE, 2, DROP) }, X_NAK_SEQ | X_RETX },
	{ "send drop last", SEND, { RA(SEND_LAST, 1, DROP) }, X_TIMEOUT | X_RETX },
	{ "send drop ack", SEND, { RB_LAST_ACK(DROP) }, X_TIMEOUT | X_RETX | X_DUP_REQ },
	{ "send dup first", SEND, { RA(SEND_FIRST, 1, DUP) }, X_DUP_REQ },
	{ "send dup middle", SEND, { RA(SEND_MIDDLE, 2, DUP) }, X_DUP_REQ },
	{ "send dup last", SEND, { RA(SEND_LAST, 1, DUP) }, X_DUP_REQ },
	{ "send dup ack", SEND, { RB_LAST_ACK(DUP) }, X_DUP_RESP },
	{ "send hold middle", SEND, { RA(SEND_MIDDLE, 2, HOLD) }, X_OOS },
	{ "send corrupt middle", SEND, { RA(SEND_MIDDLE, 2, CORRUPT) },
	  X_ICRC_B | X_NAK_SEQ | X_RETX },
	{ "send drop middle and ack", SEND, { RA(SEND_MIDDLE, 1, DROP), RB_LAST_ACK(DROP) },
	  X_NAK_SEQ | X_TIMEOUT | X_RETX | X_DUP_REQ },

	{ "write drop first", WRITE, { RA(WRITE_FIRST, 1, DROP) }, X_NAK_SEQ | X_RETX },
	{ "write drop middle", WRITE, { RA(WRITE_MIDDLE, 2, DROP) }, X_NAK_SEQ | X_RETX },
	{ "write drop last", WRITE, { RA(WRITE_LAST, 1, DROP) }, X_TIMEOUT | X_RETX },
	{ "write drop ack", WRITE, { RB_LAST_ACK(DROP) }, X_TIMEOUT | X_RETX | X_DUP_REQ },
	{ "write dup first", WRITE, { RA(WRITE_FIRST, 1, DUP) }, X_DUP_REQ },
	{ "write dup middle", WRITE, { RA(WRITE_MIDDLE, 2, DUP) }, X_DUP_REQ },
	{ "write dup last", WRITE, { RA(WRITE_LAST, 1, DUP) }, X_DUP_REQ },
	{ "write dup ack", WRITE, { RB_LAST_ACK(DUP) }, X_DUP_RESP },
	{ "write hold middle", WRITE, { RA(WRITE_MIDDLE, 2, HOLD) }, X_OOS },
	{ "write corrupt middle", WRITE, { RA(WRITE_MIDDLE, 2, CORRUPT) },
	  X_ICRC_B | X_NAK_SEQ | X_RETX },
	{ "write drop last and dup ack", WRITE, { RA(WRITE_LAST, 1, DROP), RB_LAST_ACK(DUP) },
	  X_TIMEOUT | X_RETX | X_DUP_RESP },

	{ "read drop request", READ, { RA(READ_REQ, 1, DROP) }, X_TIMEOUT | X_RETX },
	{ "read drop first response", READ, { RB(READ_RESP_FIRST, 1, DROP) },
	  X_RETX | X_DUP_REQ },
	{ "read drop middle response", READ, { RB(READ_RESP_MIDDLE, 2, DROP) },
	  X_RETX | X_DUP_REQ },
	{ "read drop last response", READ, { RB(READ_RESP_LAST, 1, DROP) },
	  X_TIMEOUT | X_RETX | X_DUP_REQ },
	{ "read dup request", READ, { RA(READ_REQ, 1, DUP) }, X_DUP_REQ },
	{ "read dup first response", READ, { RB(READ_RESP_FIRST, 1, DUP) }, X_DUP_RESP },
	{ "read dup middle response", READ, { RB(READ_RESP_MIDDLE, 2, DUP) }, X_DUP_RESP },
	{ "read dup last response", READ, { RB(READ_RESP_LAST, 1, DUP) }, X_DUP_RESP },
	{ "read hold middle response", READ, { RB(READ_RESP_MIDDLE, 2, HOLD) }, X_RETX },
	{ "read corrupt middle response", READ, { RB(READ_RESP_MIDDLE, 2, CORRUPT) },
	  X_ICRC_A | X_RETX },
	{ "read drop request and last response", READ,
	  { RA(READ_REQ, 1, DROP), RB(READ_RESP_LAST, 1, DROP) },
	  X_TIMEOUT | X_RETX | X_DUP_REQ },

	{ "cmp_swap drop request", CAS, { RA(CMP_SWAP, 1, DROP) }, X_TIMEOUT | X_RETX },
	{ "cmp_swap drop ack", CAS, { RB(ATOMIC_ACK, 1, DROP) },
	  X_TIMEOUT | X_RETX | X_DUP_REQ },
	{ "cmp_swap dup request", CAS, { RA(CMP_SWAP, 1, DUP) }, X_DUP_REQ },
	{ "cmp_swap dup ack", CAS, { RB(ATOMIC_ACK, 1, DUP) }, X_DUP_RESP },
	{ "fetch_add drop request", FAA, { RA(FETCH_ADD, 1, DROP) }, X_TIMEOUT | X_RETX },
	{ "fetch_add drop ack", FAA, { RB(ATOMIC_ACK, 1, DROP) },
	  X_TIMEOUT | X_RETX | X_DUP_REQ },
	{ "fetch_add dup request", FAA, { RA(FETCH_ADD, 1, DUP) }, X_DUP_REQ },
	{ "fetch_add dup ack", FAA, { RB(ATOMIC_ACK, 1, DUP) }, X_DUP_RESP },
	{ "fetch_add drop request and ack", FAA,
	  { RA(FETCH_ADD, 1, DROP), RB(ATOMIC_ACK, 1, DROP) },
	  X_TIMEOUT | X_RETX | X_DUP_REQ },
};

static bool
is_atomic(enum eng_wr_opcode op)
{
	return op == ENG_WR_CMP_SWAP || op == ENG_WR_FETCH_ADD;
}

/*
 * One atomic on B's 8 bytes at offset 8, the original value landing at A's offset 0.
 * Executed twice, FETCH_ADD would have added twice and a second CMP_SWAP would have
 * returned the swapped value: both are checked.
 */
static void
atomic_once(enum eng_wr_opcode op, uint64_t wr_id, struct eh_buf *la, struct eh_buf *lb)
{
	const uint64_t before = eh_get64(lb, 8), swap = before ^ 0xffff0000ffff0000ull;
	struct eng_send_wr wr;

	eh_put64(la, 0, 0xeeeeeeeeeeeeeeeeull);
	eh_wr_init(&wr, wr_id, op, ENG_WR_SIGNALED);
	eh_wr_sge(&wr, la, 0, 8);
	eh_wr_remote(&wr, lb, 8);
	wr.compare_add = op == ENG_WR_CMP_SWAP ? before : 7;
	wr.swap = swap;
	eh_post_send(&eh_a, &wr);
	eh_expect_cqe(eh_a.scq, &eh_a, wr_id, ENG_WC_SUCCESS, eh_wc_of(op), 8);
	ck_assert_uint_eq(eh_get64(la, 0), before);
	ck_assert_uint_eq(eh_get64(lb, 8), (op == ENG_WR_CMP_SWAP ? swap : before + 7));
	/* The bytes around the target are untouched. */
	ck_assert_int_eq(eh_check_pattern(lb, 0, 8, 2), -1);
	ck_assert_int_eq(eh_check_pattern(lb, 16, lb->len - 16, 2), -1);
	eh_assert_guards(lb);
	eh_assert_guards(la);
}

static void
one_message(const struct fault_case *fc, uint32_t seed, struct eh_buf *la, struct eh_buf *lb)
{
	if (is_atomic(fc->op))
		atomic_once(fc->op, seed, la, lb);
	else
		eh_transfer(fc->op, MSG_LEN, seed, la, lb);
}

static void
check_expect(const struct fault_case *fc)
{
	const uint32_t x = fc->expect;

	if (x & X_NAK_SEQ) {
		ck_assert_uint_gt(eh_ctr(&eh_b, "out_of_seq"), 0);
		ck_assert_uint_gt(eh_ctr(&eh_b, "nak_seq_tx"), 0);
		ck_assert_uint_gt(eh_ctr(&eh_a, "nak_seq_rx"), 0);
	}
	if (x & X_TIMEOUT)
		ck_assert_uint_gt(eh_ctr(&eh_a, "retransmit_timeouts"), 0);
	if (x & X_RETX)
		ck_assert_uint_gt(eh_ctr(&eh_a, "retransmit_pkts"), 0);
	if (x & X_DUP_REQ)
		ck_assert_uint_gt(eh_ctr(&eh_b, "dup_requests"), 0);
	if (x & X_DUP_RESP)
		ck_assert_uint_gt(eh_ctr(&eh_a, "dup_responses"), 0);
	if (x & X_OOS)
		ck_assert_uint_gt(eh_ctr(&eh_b, "out_of_seq"), 0);
	ck_assert_uint_eq(eh_port_ctr(&eh_a, "roce_drop_icrc"), (x & X_ICRC_A) ? 1 : 0);
	ck_assert_uint_eq(eh_port_ctr(&eh_b, "roce_drop_icrc"), (x & X_ICRC_B) ? 1 : 0);
	/* Nothing a hook did not ask for was lost on the way. */
	ck_assert_uint_eq(eh_ctr(&eh_a, "tx_drops"), 0);
	ck_assert_uint_eq(eh_ctr(&eh_b, "tx_drops"), 0);
	ck_assert_uint_eq(eh_ctr(&eh_a, "tx_no_mbuf"), 0);
	ck_assert_uint_eq(eh_ctr(&eh_b, "tx_no_mbuf"), 0);
}

START_TEST(test_fault_hook_recovery)
{
	const struct fault_case *fc = &cases[_i];
	const uint32_t psn0 = eh_default_conf.psn_a;
	struct eh_rule *rule[2] = { NULL, NULL };
	struct eh_buf *la, *lb;
	struct eh_faults *f;
	unsigned int k;

	eh_setup(NULL);
	la = eh_buf_new(&eh_a, MSG_LEN + 64, EH_PD, EH_ACC_ALL);
	lb = eh_buf_new(&eh_b, MSG_LEN + 64, EH_PD, EH_ACC_ALL);
	eh_fill(la, 0, la->len, 1);
	eh_fill(lb, 0, lb->len, 2);
	eh_faults_on(&eh_a);
	eh_faults_on(&eh_b);
	for (k = 0; k < RTE_DIM(fc->r); k++) {
		const struct rule_spec *rs = &fc->r[k];

		if (rs->action == ENG_FAULT_PASS)
			continue;
		f = rs->on_b ? &eh_fb : &eh_fa;
		if (rs->psn_off >= 0)
			rule[k] = eh_faults_add_psn(f, rs->opcode, psn0 + (uint32_t)rs->psn_off,
						    rs->nth, rs->action);
		else
			rule[k] = eh_faults_add(f, rs->opcode, rs->nth, rs->action);
	}
	one_message(fc, 1, la, lb);
	/* Each rule hit its packet once, and the engine counted what its hook changed. */
	for (k = 0; k < RTE_DIM(rule); k++)
		ck_assert_msg(rule[k] == NULL || rule[k]->hits == 1,
			      "%s: rule %u fired %u times", fc->name, k, rule[k]->hits);
	ck_assert_uint_eq(eh_ctr(&eh_a, "faults"), eh_faults_hits(&eh_fa));
	ck_assert_uint_eq(eh_ctr(&eh_b, "faults"), eh_faults_hits(&eh_fb));
	check_expect(fc);
	/* Both QPs are still in step: the next message goes through as on a clean link. */
	one_message(fc, 2, la, lb);
	ck_assert_int_eq(eng_qp_state(eh_a.qp), ENG_QPS_RTS);
	ck_assert_int_eq(eng_qp_state(eh_b.qp), ENG_QPS_RTS);
	eh_assert_quiet();
}
END_TEST

/*
 * Every packet towards B is lost and retry_cnt is 2: the first packet goes out three
 * times (the try and two retries), then the WR fails and the QP is in the error state.
 * Loop index: a one-packet SEND, a five-packet WRITE, a READ.
 */
START_TEST(test_fault_hook_retry_exhausted)
{
	static const enum eng_wr_opcode ops[] = { ENG_WR_SEND, ENG_WR_WRITE, ENG_WR_READ };
	static const uint32_t lens[] = { 100, MSG_LEN, MSG_LEN };
	const enum eng_wr_opcode op = ops[_i];
	struct eh_conf conf = eh_default_conf;
	struct eh_buf *la, *lb;
	struct eh_faults *fa;

	conf.retry_cnt = 2;
	eh_setup(&conf);
	la = eh_buf_new(&eh_a, MSG_LEN + 64, EH_PD, EH_ACC_ALL);
	lb = eh_buf_new(&eh_b, MSG_LEN + 64, EH_PD, EH_ACC_ALL);
	eh_fill(la, 0, la->len, 1);
	eh_fill(lb, 0, lb->len, 2);
	fa = eh_faults_on(&eh_a);
	eh_faults_add(fa, EH_OP_ANY, 0, ENG_FAULT_DROP);
	fa->watch = true;
	fa->watch_psn = conf.psn_a;
	if (op == ENG_WR_SEND)
		eh_post_recv(&eh_b, 50, lb, 0, (uint32_t)lb->len);
	eh_post_one(&eh_a, 1, op, la, 0, lens[_i], op == ENG_WR_SEND ? NULL : lb, 0);
	eh_expect_cqe(eh_a.scq, &eh_a, 1, ENG_WC_RETRY_EXC_ERR, eh_wc_of(op), 0);
	ck_assert_uint_eq(fa->watch_tx, 3);
	ck_assert_uint_ge(eh_ctr(&eh_a, "retransmit_timeouts"), 2);
	ck_assert_uint_eq(eh_ctr(&eh_b, "rx_pkts"), 0);
	ck_assert_int_eq(eng_qp_state(eh_a.qp), ENG_QPS_ERR);
	/* Nothing reached B: its buffer is as it was, its receive still posted. */
	ck_assert_int_eq(eh_check_pattern(lb, 0, lb->len, 2), -1);
	ck_assert_int_eq(eh_check_pattern(la, 0, la->len, 1), -1);
	eh_post_one(&eh_a, 2, op, la, 0, 64, op == ENG_WR_SEND ? NULL : lb, 0);
	eh_expect_cqe(eh_a.scq, &eh_a, 2, ENG_WC_WR_FLUSH_ERR, eh_wc_of(op), 0);
	/* The flushed WR put nothing on the wire either. */
	ck_assert_uint_eq(eh_ctr(&eh_b, "rx_pkts"), 0);
	eh_assert_quiet();
}
END_TEST

static Suite *
eng_faults_suite(void)
{
	Suite *s = suite_create("eng_faults");
	TCase *tc = tcase_create("faults");

	tcase_set_timeout(tc, 0);
	tcase_add_checked_fixture(tc, NULL, eh_teardown);
	tcase_add_loop_test(tc, test_fault_hook_recovery, 0, (int)RTE_DIM(cases));
	tcase_add_loop_test(tc, test_fault_hook_retry_exhausted, 0, 3);
	suite_add_tcase(s, tc);
	return s;
}

int
main(int argc, char **argv)
{
	(void)argc;
	return eh_main(argv[0], eng_faults_suite());
}
