/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Shared receive queues and key invalidation: two QPs of B take their receives from one
 * SRQ; SEND with invalidate takes a key away for good; LOCAL_INV does the same locally;
 * keys that may not be invalidated are refused with the errors IBA gives them.
 */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "eng_harness.h"

static struct eng_srq *srq;

static void
teardown(void)
{
	eh_teardown();		/* destroys the QPs using the SRQ first */
	eng_srq_destroy(srq);
	srq = NULL;
}

/* A second connected pair whose B side takes receives from srq. */
static void
pair_on_srq(struct eng_qp **qa, struct eng_qp **qb, uint32_t psn)
{
	*qa = eh_qp_new(&eh_a);
	*qb = eh_qp_new_srq(&eh_b, srq);
	eh_qp_connect(*qa, &eh_a, eng_qp_num(*qb), &eh_default_conf, psn, psn + 0x1000);
	eh_qp_connect(*qb, &eh_b, eng_qp_num(*qa), &eh_default_conf, psn + 0x1000, psn);
}

static void
post_srq(uint64_t wr_id, const struct eh_buf *b, size_t off, uint32_t len)
{
	struct eng_recv_wr wr = { .wr_id = wr_id, .num_sge = 1,
				  .sge = { { eh_va(b, off), len, eh_lkey(b) } } };

	ck_assert_int_eq(eng_post_srq_recv(srq, &wr), 0);
}

static void
send_on(struct eng_qp *qp, uint64_t wr_id, const struct eh_buf *b, size_t off, uint32_t len)
{
	struct eng_send_wr wr;

	eh_wr_init(&wr, wr_id, ENG_WR_SEND, ENG_WR_SIGNALED);
	eh_wr_sge(&wr, b, off, len);
	ck_assert_int_eq(eng_post_send(qp, &wr), 0);
}

START_TEST(test_eng_srq_shared_by_two_qps)
{
	struct eng_qp *qa1, *qb1, *qa2, *qb2;
	struct eh_buf *src, *dst;
	struct eng_cqe c[4];
	unsigned int i, on1 = 0, on2 = 0, seen = 0;
	struct eng_recv_wr bad = { .wr_id = 1, .num_sge = 1 };

	eh_setup(NULL);
	ck_assert_int_eq(eng_srq_create(eh_b.eng, EH_PD, 64, &srq), 0);
	pair_on_srq(&qa1, &qb1, 0x100);
	pair_on_srq(&qa2, &qb2, 0x200);
	/* A QP on an SRQ has no receive queue of its own. */
	ck_assert_int_eq(eng_post_recv(qb1, &bad), -EINVAL);
	src = eh_buf_new(&eh_a, 4 * 3000, EH_PD, EH_ACC_ALL);
	dst = eh_buf_new(&eh_b, 4 * 3000, EH_PD, EH_ACC_ALL);
	eh_fill(src, 0, src->len, 11);
	for (i = 0; i < 4; i++)
		post_srq(100 + i, dst, i * 3000, 3000);
	ck_assert_uint_eq(eng_srq_count(srq), 4);
	send_on(qa1, 1, src, 0, 3000);
	send_on(qa2, 2, src, 3000, 3000);
	send_on(qa1, 3, src, 6000, 3000);
	send_on(qa2, 4, src, 9000, 3000);
	ck_assert_uint_eq(eh_wait_cqes(eh_a.scq, c, 4, EH_WAIT_MS), 4);
	for (i = 0; i < 4; i++)
		ck_assert_uint_eq(c[i].status, ENG_WC_SUCCESS);
	ck_assert_uint_eq(eh_wait_cqes(eh_b.rcq, c, 4, EH_WAIT_MS), 4);
	for (i = 0; i < 4; i++) {
		ck_assert_uint_eq(c[i].status, ENG_WC_SUCCESS);
		ck_assert_uint_eq(c[i].byte_len, 3000);
		on1 += c[i].qpn == eng_qp_num(qb1);
		on2 += c[i].qpn == eng_qp_num(qb2);
	}
	/* Each QP took two of the shared WQEs; all four buffers hold one message each. */
	ck_assert_uint_eq(on1, 2);
	ck_assert_uint_eq(on2, 2);
	ck_assert_uint_eq(eng_srq_count(srq), 0);
	/* WQEs went out in SRQ order, messages in arrival order: each buffer holds one. */
	for (i = 0; i < 4; i++) {
		unsigned int j, match = 4;

		for (j = 0; j < 4; j++)
			if (memcmp(dst->p + i * 3000, src->p + j * 3000, 3000) == 0)
				match = j;
		ck_assert_uint_lt(match, 4);
		ck_assert_uint_eq(seen & (1u << match), 0);
		seen |= 1u << match;
	}
	/* SRQ empty: the next SEND waits (RNR) until a WQE is posted. */
	send_on(qa1, 5, src, 0, 100);
	eh_run_for(5);
	ck_assert_uint_gt(eh_ctr(&eh_b, "rnr_nak_tx"), 0);
	post_srq(200, dst, 0, 100);
	ck_assert_uint_eq(eh_wait_cqes(eh_a.scq, c, 1, EH_WAIT_MS), 1);
	ck_assert_uint_eq(c[0].status, ENG_WC_SUCCESS);
	ck_assert_uint_eq(eh_wait_cqes(eh_b.rcq, c, 1, EH_WAIT_MS), 1);
	ck_assert_uint_eq(c[0].wr_id, 200);
	eh_assert_quiet();
}
END_TEST

/* A QP of an SRQ fails: its SRQ's WQEs stay for the other QPs (IBA 10.2.9.5). */
START_TEST(test_eng_srq_survives_qp_error)
{
	struct eng_qp *qa1, *qb1, *qa2, *qb2;
	struct eh_buf *src, *dst;
	struct eng_qp_attr err = { .state = ENG_QPS_ERR };
	struct eng_cqe c;

	eh_setup(NULL);
	ck_assert_int_eq(eng_srq_create(eh_b.eng, EH_PD, 16, &srq), 0);
	pair_on_srq(&qa1, &qb1, 0x100);
	pair_on_srq(&qa2, &qb2, 0x200);
	src = eh_buf_new(&eh_a, 100, EH_PD, EH_ACC_ALL);
	dst = eh_buf_new(&eh_b, 100, EH_PD, EH_ACC_ALL);
	post_srq(1, dst, 0, 100);
	ck_assert_int_eq(eng_qp_modify(qb1, &err), 0);
	eh_run_for(2);
	ck_assert_uint_eq(eng_srq_count(srq), 1);
	send_on(qa2, 7, src, 0, 100);
	ck_assert_uint_eq(eh_wait_cqes(eh_b.rcq, &c, 1, EH_WAIT_MS), 1);
	ck_assert_uint_eq(c.wr_id, 1);
	ck_assert_uint_eq(c.qpn, eng_qp_num(qb2));
	ck_assert_uint_eq(eh_wait_cqes(eh_a.scq, &c, 1, EH_WAIT_MS), 1);
	ck_assert_uint_eq(c.status, ENG_WC_SUCCESS);
}
END_TEST

START_TEST(test_eng_send_inv_takes_key_away)
{
	struct eh_buf *la, *x;
	struct eng_send_wr wr;
	struct eng_cqe c;

	eh_setup(NULL);
	la = eh_buf_new(&eh_a, 4096, EH_PD, EH_ACC_ALL);
	x = eh_buf_new(&eh_b, 4096, EH_PD, EH_ACC_ALL | ENG_ACCESS_INVALIDATE);
	eh_fill(la, 0, la->len, 1);
	eh_fill(x, 0, x->len, 2);
	/* B's key works ... */
	eh_post_one(&eh_a, 1, ENG_WR_WRITE, la, 0, 100, x, 0);
	eh_expect_cqe(eh_a.scq, &eh_a, 1, ENG_WC_SUCCESS, ENG_WC_WRITE, 100);
	eh_assert_same(x, 0, la, 0, 100);
	/* ... until a SEND with invalidate names it ... */
	eh_post_recv(&eh_b, 9, x, 200, 100);
	eh_wr_init(&wr, 2, ENG_WR_SEND_INV, ENG_WR_SIGNALED);
	eh_wr_sge(&wr, la, 0, 10);
	wr.inv_rkey = eh_rkey(x);
	eh_post_send(&eh_a, &wr);
	eh_expect_cqe(eh_a.scq, &eh_a, 2, ENG_WC_SUCCESS, ENG_WC_SEND, 10);
	ck_assert_uint_eq(eh_wait_cqes(eh_b.rcq, &c, 1, EH_WAIT_MS), 1);
	ck_assert_uint_eq(c.status, ENG_WC_SUCCESS);
	ck_assert_uint_eq(c.flags, ENG_WC_WITH_INV);
	ck_assert_uint_eq(c.inv_rkey, eh_rkey(x));
	/* ... after which it is refused and nothing is written. */
	eh_fill(la, 0, la->len, 3);
	eh_post_one(&eh_a, 3, ENG_WR_WRITE, la, 0, 100, x, 0);
	eh_expect_cqe(eh_a.scq, &eh_a, 3, ENG_WC_REM_ACCESS_ERR, ENG_WC_WRITE, 0);
	ck_assert_int_eq(memcmp(x->p, la->p, 100) != 0, 1);
	eh_assert_guards(x);
}
END_TEST

START_TEST(test_eng_send_inv_refused_key)
{
	struct eh_buf *la, *y;
	struct eng_send_wr wr;
	struct eng_cqe c;

	eh_setup(NULL);
	la = eh_buf_new(&eh_a, 4096, EH_PD, EH_ACC_ALL);
	y = eh_buf_new(&eh_b, 4096, EH_PD, EH_ACC_ALL);	/* not invalidatable */
	eh_post_recv(&eh_b, 9, y, 0, 100);
	eh_wr_init(&wr, 1, ENG_WR_SEND_INV, ENG_WR_SIGNALED);
	eh_wr_sge(&wr, la, 0, 10);
	wr.inv_rkey = eh_rkey(y);
	eh_post_send(&eh_a, &wr);
	eh_expect_cqe(eh_a.scq, &eh_a, 1, ENG_WC_REM_INV_REQ_ERR, ENG_WC_SEND, 0);
	ck_assert_uint_eq(eh_wait_cqes(eh_b.rcq, &c, 1, EH_WAIT_MS), 1);
	ck_assert_uint_eq(c.status, ENG_WC_REM_INV_REQ_ERR);
	ck_assert_int_eq(eng_qp_state(eh_a.qp), ENG_QPS_ERR);
	/* The key still works for anyone who holds it. */
	ck_assert_int_eq(eng_mr_invalidate(eh_b.eng, eh_rkey(y), EH_PD), -EINVAL);
}
END_TEST

START_TEST(test_eng_local_inv)
{
	struct eh_buf *y, *lb;
	struct eng_send_wr wr;

	eh_setup(NULL);
	y = eh_buf_new(&eh_a, 4096, EH_PD, EH_ACC_ALL | ENG_ACCESS_INVALIDATE);
	lb = eh_buf_new(&eh_b, 4096, EH_PD, EH_ACC_ALL);
	eh_wr_init(&wr, 1, ENG_WR_LOCAL_INV, ENG_WR_SIGNALED);
	wr.inv_rkey = eh_lkey(y);
	eh_post_send(&eh_a, &wr);
	eh_expect_cqe(eh_a.scq, &eh_a, 1, ENG_WC_SUCCESS, ENG_WC_LOCAL_INV, 0);
	/* Gathering from the invalidated MR is a local protection error. */
	eh_post_recv(&eh_b, 9, lb, 0, 100);
	eh_post_one(&eh_a, 2, ENG_WR_SEND, y, 0, 100, NULL, 0);
	eh_expect_cqe(eh_a.scq, &eh_a, 2, ENG_WC_LOC_PROT_ERR, ENG_WC_SEND, 0);
	ck_assert_int_eq(eng_qp_state(eh_a.qp), ENG_QPS_ERR);
}
END_TEST

START_TEST(test_eng_local_inv_refused_key)
{
	struct eh_buf *y;
	struct eng_send_wr wr;

	eh_setup(NULL);
	y = eh_buf_new(&eh_a, 4096, EH_PD, EH_ACC_ALL);
	eh_wr_init(&wr, 1, ENG_WR_LOCAL_INV, ENG_WR_SIGNALED);
	wr.inv_rkey = eh_lkey(y);
	eh_post_send(&eh_a, &wr);
	eh_expect_cqe(eh_a.scq, &eh_a, 1, ENG_WC_LOC_PROT_ERR, ENG_WC_LOCAL_INV, 0);
	ck_assert_int_eq(eng_qp_state(eh_a.qp), ENG_QPS_ERR);
	ck_assert_int_eq(eng_mr_invalidate(eh_a.eng, 0x7fff01, EH_PD), -EINVAL);
}
END_TEST

int
main(int argc, char **argv)
{
	Suite *s = suite_create("eng_srq_inv");
	TCase *tc = tcase_create("srq_inv");

	(void)argc;
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, test_eng_srq_shared_by_two_qps);
	tcase_add_test(tc, test_eng_srq_survives_qp_error);
	tcase_add_test(tc, test_eng_send_inv_takes_key_away);
	tcase_add_test(tc, test_eng_send_inv_refused_key);
	tcase_add_test(tc, test_eng_local_inv);
	tcase_add_test(tc, test_eng_local_inv_refused_key);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return eh_main(argv[0], s);
}
