/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NDK conformance, the object contract: creates and closes call back exactly once and
 * never on the calling thread; a close is the last callback and waits for successors and
 * running callbacks; closes from inside callbacks; CQ arming, merging and notifications.
 * Callbacks only record (they run on other threads); the test thread asserts. Every test
 * closes what it created and the fixture asserts nothing is left.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_common.h>

#include "check_run.h"
#include "ndk_pair.h"

/* 1. Create contract. */

/* A create callback that records the thread it ran on. */
struct tcall {
	struct nh_call c;
	pthread_t thr;
};

static void
thread_create_cb(void *ctx, int status, struct ndk_object_header *obj)
{
	struct tcall *t = ctx;

	t->thr = pthread_self();
	nh_create_cb(&t->c, status, obj);
}

static struct ndk_object_header *
check_created(int ret, struct tcall *t, void *out, enum ndk_object_type type,
	      const char *what)
{
	ck_assert_msg(ret == NDK_PENDING, "%s: %d", what, ret);
	nh_wait(&t->c, what);
	nh_sleep_ms(SETTLE_MS);
	ck_assert_msg(done(&t->c) == 1, "%s: %d callbacks", what, done(&t->c));
	ck_assert_int_eq(t->c.status, 0);
	ck_assert_ptr_nonnull(t->c.obj);
	ck_assert_uint_eq(t->c.obj->type, type);
	ck_assert_uint_eq(t->c.obj->version.major, nh_ad[0]->header.version.major);
	ck_assert_uint_eq(t->c.obj->version.minor, nh_ad[0]->header.version.minor);
	/* Never inside the call: the callback ran on another thread. */
	ck_assert_msg(!pthread_equal(t->thr, pthread_self()), "%s: called back inline", what);
	/* A pending create hands the object to the callback only. */
	ck_assert_ptr_eq(out, SENTINEL);
	return t->c.obj;
}

START_TEST(test_create_pending)
{
	struct tcall t[5];
	struct nh_call note = { 0 };
	struct ndk_pd *pd = SENTINEL;
	struct ndk_cq *cq = SENTINEL;
	struct ndk_mw *mw = SENTINEL;
	struct ndk_srq *srq = SENTINEL;
	struct ndk_qp *qp = SENTINEL;
	struct ndk_pd *p;
	struct ndk_cq *c;
	struct ndk_object_header *w, *s, *q;

	memset(t, 0, sizeof(t));
	p = (struct ndk_pd *)check_created(ndk_create_pd(nh_ad[0], thread_create_cb, &t[0], &pd),
					   &t[0], pd, NDK_OBJECT_PD, "pd");
	c = (struct ndk_cq *)check_created(ndk_create_cq(nh_ad[0], 16, nh_notify_cb, &note, -1,
							 thread_create_cb, &t[1], &cq),
					   &t[1], cq, NDK_OBJECT_CQ, "cq");
	w = check_created(ndk_create_mw(p, thread_create_cb, &t[2], &mw), &t[2], mw,
			  NDK_OBJECT_MW, "mw");
	s = check_created(ndk_create_srq(p, 8, 1, 0, NULL, NULL, -1, thread_create_cb, &t[3],
					 &srq), &t[3], srq, NDK_OBJECT_SRQ, "srq");
	q = check_created(ndk_create_qp(p, c, c, NULL, 8, 8, 1, 1, 0, thread_create_cb, &t[4],
					&qp), &t[4], qp, NDK_OBJECT_QP, "qp");
	nh_close_obj(q);
	nh_close_obj(s);
	nh_close_obj(w);
	nh_close_obj(c);
	nh_close_obj(p);
	ck_assert_int_eq(done(&note), 0);
}
END_TEST

START_TEST(test_create_mr_inline)
{
	struct nh_call c = { 0 };
	struct ndk_mr *mr = NULL, *fr = NULL;
	struct ndk_pd *pd = nh_pd(0);

	ck_assert_int_eq(ndk_create_mr(pd, false, nh_create_cb, &c, &mr), 0);
	ck_assert_ptr_nonnull(mr);
	ck_assert_uint_eq(mr->header.type, NDK_OBJECT_MR);
	ck_assert_int_eq(ndk_create_mr(pd, true, nh_create_cb, &c, &fr), 0);
	ck_assert_ptr_nonnull(fr);
	ck_assert_ptr_ne(fr, mr);
	ck_assert_uint_eq(fr->header.type, NDK_OBJECT_MR);
	nh_sleep_ms(SETTLE_MS);
	ck_assert_int_eq(done(&c), 0);
	nh_close_obj(fr);
	nh_close_obj(mr);
	nh_close_obj(pd);
	ck_assert_int_eq(done(&c), 0);
}
END_TEST

/* 2. Close. */

START_TEST(test_close_last_callback)
{
	struct nh_call note = { 0 }, cc = { 0 };
	struct ndk_result_ex r[4];
	struct pair p;
	int i;

	pair_open_cb(&p, NULL, NULL, nh_notify_cb, &note, 256);
	for (i = 0; i < 4; i++)
		recv_on(&p, 1, 0x10 + i, (uint32_t)i * 1024, 1024);
	ndk_arm_cq(p.cq[1], NDK_CQ_NOTIFY_ANY);
	/* The QP holds the CQ: its close pends, and completions still arrive into it. */
	close_pending(p.cq[1], &cc);
	ndk_flush(p.qp[1]);
	nh_sleep_ms(SETTLE_MS);
	ck_assert_int_eq(done(&cc), 0);
	nh_close_obj(p.qp[1]);
	p.qp[1] = NULL;
	ck_assert_int_eq(wait_n(&cc, 1), 1);
	nh_sleep_ms(SETTLE_MS);
	ck_assert_int_eq(done(&cc), 1);
	/* Armed, completions arrived, but its close had started: no notification. */
	ck_assert_int_eq(done(&note), 0);
	p.cq[1] = NULL;
	ck_assert_uint_eq(ndk_get_cq_results_ex(p.cq[0], r, 4), 0);
	pair_close(&p);
}
END_TEST

START_TEST(test_close_double)
{
	struct nh_call c1 = { 0 }, c2 = { 0 }, cq_c = { 0 };
	struct ndk_pd *pd = nh_pd(0);
	struct ndk_cq *cq = nh_cq(0, 16, NULL, NULL);
	struct ndk_qp *qp = mk_qp(pd, cq, cq, NULL, 8);

	/* Both closes pend on the QP, so the objects are still there to be closed again. */
	close_pending(pd, &c1);
	ck_assert_int_eq(ndk_close(&pd->header, nh_close_cb, &c2), -EALREADY);
	close_pending(cq, &cq_c);
	ck_assert_int_eq(ndk_close(&cq->header, nh_close_cb, &c2), -EALREADY);
	nh_close_obj(qp);
	ck_assert_int_eq(wait_n(&c1, 1), 1);
	ck_assert_int_eq(wait_n(&cq_c, 1), 1);
	nh_sleep_ms(SETTLE_MS);
	ck_assert_int_eq(done(&c1), 1);
	ck_assert_int_eq(done(&cq_c), 1);
	ck_assert_int_eq(done(&c2), 0);
}
END_TEST

START_TEST(test_close_inline)
{
	struct nh_call c = { 0 };
	struct ndk_pd *pd = nh_pd(0);
	struct ndk_mr *mr = NULL, *fr = NULL;
	unsigned int counts[NDK_OBJECT_MAX];

	ck_assert_int_eq(ndk_create_mr(pd, false, nh_create_cb, &c, &mr), 0);
	ck_assert_int_eq(ndk_create_mr(pd, true, nh_create_cb, &c, &fr), 0);
	live_counts(0, counts);
	ck_assert_uint_eq(counts[NDK_OBJECT_MR], 2);
	/* Never registered: closed inline, gone at once, never a callback. */
	ck_assert_int_eq(ndk_close(&mr->header, nh_close_cb, &c), 0);
	ck_assert_int_eq(ndk_close(&fr->header, nh_close_cb, &c), 0);
	live_counts(0, counts);
	ck_assert_uint_eq(counts[NDK_OBJECT_MR], 0);
	nh_sleep_ms(SETTLE_MS);
	ck_assert_int_eq(done(&c), 0);
	nh_close_obj(pd);
}
END_TEST

/* 3. Antecedents closed first. */

START_TEST(test_close_pd_first)
{
	struct nh_call cpd = { 0 }, cqp = { 0 }, cmr = { 0 };
	struct pair p;

	pair_open(&p);
	close_pending(p.pd[0], &cpd);
	nh_sleep_ms(SETTLE_MS);
	ck_assert_int_eq(done(&cpd), 0);
	close_pending(p.qp[0], &cqp);
	ck_assert_int_eq(wait_n(&cqp, 1), 1);
	nh_sleep_ms(SETTLE_MS);
	ck_assert_int_eq(done(&cpd), 0);	/* the MR is still open */
	close_pending(p.mr[0], &cmr);
	ck_assert_int_eq(wait_n(&cmr, 1), 1);
	ck_assert_int_eq(wait_n(&cpd, 1), 1);
	nh_sleep_ms(SETTLE_MS);
	ck_assert_int_eq(done(&cpd) + done(&cqp) + done(&cmr), 3);
	ck_assert_uint_gt(cpd.seq, cqp.seq);
	ck_assert_uint_gt(cpd.seq, cmr.seq);
	p.pd[0] = NULL;
	p.qp[0] = NULL;
	p.mr[0] = NULL;
	pair_close(&p);
}
END_TEST

START_TEST(test_close_cq_first)
{
	struct nh_call ccq = { 0 }, cqp = { 0 };
	struct pair p;

	pair_open(&p);
	close_pending(p.cq[0], &ccq);
	nh_sleep_ms(SETTLE_MS);
	ck_assert_int_eq(done(&ccq), 0);
	close_pending(p.qp[0], &cqp);
	ck_assert_int_eq(wait_n(&ccq, 1), 1);
	nh_sleep_ms(SETTLE_MS);
	ck_assert_int_eq(done(&ccq), 1);
	ck_assert_int_eq(done(&cqp), 1);
	ck_assert_uint_gt(ccq.seq, cqp.seq);
	p.cq[0] = NULL;
	p.qp[0] = NULL;
	pair_close(&p);
}
END_TEST


START_TEST(test_close_mr_before_mw)
{
	struct nh_call cmr = { 0 }, cmw = { 0 };
	struct ndk_result_ex r;
	struct ndk_mw *mw;
	struct pair p;

	pair_open(&p);
	mw = mk_mw(p.pd[0]);
	ck_assert_int_eq(ndk_bind(p.qp[0], (void *)0xb1, p.mr[0], mw, p.buf[0] + 1024, 2048,
				  NDK_OP_FLAG_ALLOW_REMOTE_WRITE), 0);
	take(p.cq[0], &r, 1);
	ck_assert_int_eq(r.status, 0);
	ck_assert_uint_eq(r.type, NDK_OP_BIND);
	/* From the bind on the MR is the window's antecedent. */
	close_pending(p.mr[0], &cmr);
	nh_sleep_ms(SETTLE_MS);
	ck_assert_int_eq(done(&cmr), 0);
	close_pending(mw, &cmw);
	ck_assert_int_eq(wait_n(&cmw, 1), 1);
	ck_assert_int_eq(wait_n(&cmr, 1), 1);
	nh_sleep_ms(SETTLE_MS);
	ck_assert_int_eq(done(&cmr) + done(&cmw), 2);
	ck_assert_uint_gt(cmr.seq, cmw.seq);
	p.mr[0] = NULL;
	pair_close(&p);
}
END_TEST

/* 4. Close from inside callbacks and while one runs. */

/* Closes its CQ from inside its notification. */
struct close_in {
	struct nh_call note;
	struct nh_call closed;
	struct ndk_object_header *obj;
	int ret;
};

static void
close_in_notify_cb(void *ctx, int cq_status)
{
	struct close_in *ci = ctx;

	ci->ret = ndk_close(ci->obj, nh_close_cb, &ci->closed);
	nh_notify_cb(&ci->note, cq_status);
}

static void
close_in_request_cb(void *ctx, int status)
{
	struct close_in *ci = ctx;

	ci->ret = ndk_close(ci->obj, nh_close_cb, &ci->closed);
	nh_request_cb(&ci->note, status);
}

START_TEST(test_close_in_notify)
{
	struct close_in ci = { .ret = 1 };
	struct pair p;

	pair_open_cb(&p, close_in_notify_cb, &ci, NULL, NULL, 256);
	ci.obj = &p.cq[0]->header;
	ndk_arm_cq(p.cq[0], NDK_CQ_NOTIFY_ANY);
	write_a(&p, 0x1, 0, 100);
	ck_assert_int_eq(wait_n(&ci.note, 1), 1);
	/* The QP still holds the CQ: the close pends until it closes. */
	ck_assert_int_eq(ci.ret, NDK_PENDING);
	nh_close_obj(p.qp[0]);
	p.qp[0] = NULL;
	ck_assert_int_eq(wait_n(&ci.closed, 1), 1);
	nh_sleep_ms(SETTLE_MS);
	ck_assert_int_eq(done(&ci.note), 1);
	ck_assert_int_eq(done(&ci.closed), 1);
	ck_assert_uint_gt(ci.closed.seq, ci.note.seq);
	p.cq[0] = NULL;
	pair_close(&p);
}
END_TEST

START_TEST(test_close_in_register_cb)
{
	struct close_in ci = { .ret = 1 };
	struct ndk_pd *pd = nh_pd(0);
	struct ndk_mr *mr = NULL;
	static uint8_t buf[4096];

	ck_assert_int_eq(ndk_create_mr(pd, false, nh_create_cb, &ci.note, &mr), 0);
	ci.obj = &mr->header;
	ck_assert_int_eq(ndk_register_mr(mr, buf, sizeof(buf), NDK_MR_FLAG_LOCAL_WRITE,
					 close_in_request_cb, &ci), NDK_PENDING);
	ck_assert_int_eq(wait_n(&ci.closed, 1), 1);
	nh_sleep_ms(SETTLE_MS);
	ck_assert_int_eq(done(&ci.note), 1);
	ck_assert_int_eq(ci.note.status, 0);
	ck_assert_int_eq(ci.ret, NDK_PENDING);
	ck_assert_int_eq(done(&ci.closed), 1);
	ck_assert_uint_gt(ci.closed.seq, ci.note.seq);
	nh_close_obj(pd);
}
END_TEST

/* A notification that re-arms, waits until the CQ's close was issued, then 20 ms more. */
struct slow {
	struct ndk_cq *cq;
	int calls;
	int entered;
	int closing;
	int exited;
	uint64_t exit_seq;
};

static void
slow_notify_cb(void *ctx, int cq_status)
{
	struct slow *s = ctx;
	unsigned int t;

	RTE_SET_USED(cq_status);
	__atomic_fetch_add(&s->calls, 1, __ATOMIC_SEQ_CST);
	ndk_arm_cq(s->cq, NDK_CQ_NOTIFY_ANY);
	__atomic_store_n(&s->entered, 1, __ATOMIC_SEQ_CST);
	for (t = 0; t < 2000 && !__atomic_load_n(&s->closing, __ATOMIC_SEQ_CST); t++)
		nh_sleep_ms(1);
	nh_sleep_ms(20);
	s->exit_seq = nh_next_seq();
	__atomic_store_n(&s->exited, 1, __ATOMIC_SEQ_CST);
}

START_TEST(test_close_cq_notify_running)
{
	struct nh_call cc = { 0 };
	struct slow s = { 0 };
	struct pair p;
	int exited_at_close;
	unsigned int t;

	pair_open_cb(&p, NULL, NULL, slow_notify_cb, &s, 256);
	s.cq = p.cq[1];
	recv_on(&p, 1, 0x1, 0, 1024);
	recv_on(&p, 1, 0x2, 1024, 1024);
	recv_on(&p, 1, 0x3, 2048, 1024);
	ndk_arm_cq(p.cq[1], NDK_CQ_NOTIFY_ANY);
	send_from(&p, 0, 0xa, 0, 100, 0);
	for (t = 0; t < NH_WAIT_MS * 10 && !__atomic_load_n(&s.entered, __ATOMIC_SEQ_CST); t++)
		sleep_us(100);
	ck_assert_int_eq(__atomic_load_n(&s.entered, __ATOMIC_SEQ_CST), 1);
	close_pending(p.cq[1], &cc);
	exited_at_close = __atomic_load_n(&s.exited, __ATOMIC_SEQ_CST);
	__atomic_store_n(&s.closing, 1, __ATOMIC_SEQ_CST);
	/* The QP's close flushes two more receives into the closing, re-armed CQ. */
	nh_close_obj(p.qp[1]);
	p.qp[1] = NULL;
	ck_assert_int_eq(wait_n(&cc, 1), 1);
	nh_sleep_ms(SETTLE_MS);
	ck_assert_msg(exited_at_close == 0, "the notification had returned before the close");
	ck_assert_int_eq(__atomic_load_n(&s.exited, __ATOMIC_SEQ_CST), 1);
	ck_assert_uint_gt(cc.seq, s.exit_seq);
	ck_assert_int_eq(done(&cc), 1);
	ck_assert_int_eq(__atomic_load_n(&s.calls, __ATOMIC_SEQ_CST), 1);
	p.cq[1] = NULL;
	pair_close(&p);
}
END_TEST

/* 5. CQ arming. */

START_TEST(test_arm_none)
{
	struct nh_call note = { 0 };
	struct ndk_result_ex r[3];
	struct pair p;

	pair_open_cb(&p, nh_notify_cb, &note, NULL, NULL, 256);
	write_a(&p, 1, 0, 64);
	write_a(&p, 2, 64, 64);
	write_a(&p, 3, 128, 64);
	take(p.cq[0], r, 3);
	nh_sleep_ms(SETTLE_MS);
	ck_assert_int_eq(done(&note), 0);
	pair_close(&p);
}
END_TEST

START_TEST(test_arm_once)
{
	struct nh_call note = { 0 };
	struct ndk_result_ex r[5];
	struct pair p;
	int i;

	pair_open_cb(&p, nh_notify_cb, &note, NULL, NULL, 256);
	ndk_arm_cq(p.cq[0], NDK_CQ_NOTIFY_ANY);
	for (i = 0; i < 5; i++)
		write_a(&p, (uintptr_t)i + 1, (uint32_t)i * 64, 64);
	take(p.cq[0], r, 5);
	ck_assert_int_eq(wait_n(&note, 1), 1);
	nh_sleep_ms(SETTLE_MS);
	ck_assert_int_eq(done(&note), 1);
	ck_assert_int_eq(note.status, 0);
	pair_close(&p);
}
END_TEST

START_TEST(test_arm_no_lost_wakeup)
{
	struct nh_call note = { 0 };
	struct ndk_result_ex r;
	struct pair p;

	pair_open_cb(&p, NULL, NULL, nh_notify_cb, &note, 256);
	recv_on(&p, 1, 0x1, 0, 1024);
	recv_on(&p, 1, 0x2, 1024, 1024);
	ndk_arm_cq(p.cq[1], NDK_CQ_NOTIFY_ANY);
	send_from(&p, 0, 0xa, 0, 100, 0);
	ck_assert_int_eq(wait_n(&note, 1), 1);
	take(p.cq[1], &r, 1);
	ck_assert_uint_eq(ndk_get_cq_results_ex(p.cq[1], &r, 1), 0);	/* polled empty */
	take(p.cq[0], &r, 1);
	/* A completion arrives after the poll (A's send completes once B received)... */
	send_from(&p, 0, 0xb, 0, 100, 0);
	take(p.cq[0], &r, 1);
	nh_sleep_ms(SETTLE_MS);
	ck_assert_int_eq(done(&note), 1);
	/* ... and the arm that follows must call back for it. */
	ndk_arm_cq(p.cq[1], NDK_CQ_NOTIFY_ANY);
	ck_assert_int_eq(wait_n(&note, 2), 2);
	take(p.cq[1], &r, 1);
	ck_assert_ptr_eq(r.request_context, (void *)0x2);
	nh_sleep_ms(SETTLE_MS);
	ck_assert_int_eq(done(&note), 2);
	pair_close(&p);
}
END_TEST

START_TEST(test_arm_errors_normal)
{
	struct nh_call note = { 0 };
	struct ndk_result_ex r[3];
	struct pair p;

	pair_open_cb(&p, nh_notify_cb, &note, NULL, NULL, 256);
	ndk_arm_cq(p.cq[0], NDK_CQ_NOTIFY_ERRORS);
	write_a(&p, 1, 0, 64);
	write_a(&p, 2, 64, 64);
	take(p.cq[0], r, 2);
	/* A failed completion is not a CQ error either. */
	recv_on(&p, 0, 0x3, 0, 64);
	ndk_flush(p.qp[0]);
	take(p.cq[0], r, 1);
	ck_assert_int_eq(r[0].status, -ECANCELED);
	nh_sleep_ms(SETTLE_MS);
	ck_assert_int_eq(done(&note), 0);
	pair_close(&p);
}
END_TEST

START_TEST(test_arm_solicited)
{
	struct nh_call note = { 0 };
	struct ndk_result_ex r;
	struct pair p;

	pair_open_cb(&p, NULL, NULL, nh_notify_cb, &note, 256);
	recv_on(&p, 1, 0x1, 0, 1024);
	recv_on(&p, 1, 0x2, 1024, 1024);
	recv_on(&p, 1, 0x3, 2048, 1024);
	ndk_arm_cq(p.cq[1], NDK_CQ_NOTIFY_SOLICITED);
	send_from(&p, 0, 0xa, 0, 100, 0);
	take(p.cq[0], &r, 1);
	take(p.cq[1], &r, 1);
	nh_sleep_ms(SETTLE_MS);
	ck_assert_int_eq(done(&note), 0);	/* an unsolicited success */
	send_from(&p, 0, 0xb, 0, 100, NDK_OP_FLAG_SEND_AND_SOLICIT_EVENT);
	ck_assert_int_eq(wait_n(&note, 1), 1);
	take(p.cq[1], &r, 1);
	ck_assert_ptr_eq(r.request_context, (void *)0x2);
	take(p.cq[0], &r, 1);
	/* A failed completion matches SOLICITED. */
	ndk_arm_cq(p.cq[1], NDK_CQ_NOTIFY_SOLICITED);
	ndk_flush(p.qp[1]);
	ck_assert_int_eq(wait_n(&note, 2), 2);
	take(p.cq[1], &r, 1);
	ck_assert_int_eq(r.status, -ECANCELED);
	nh_sleep_ms(SETTLE_MS);
	ck_assert_int_eq(done(&note), 2);
	ck_assert_int_eq(note.status, 0);
	pair_close(&p);
}
END_TEST

/* Arm B's CQ with first then second, and report whether a plain send to B fired it. */
static int
arm_twice_plain(struct pair *p, struct nh_call *note, enum ndk_cq_notify_type first,
		enum ndk_cq_notify_type second)
{
	struct ndk_result_ex r;

	recv_on(p, 1, 0x1, 0, 1024);
	recv_on(p, 1, 0x2, 1024, 1024);
	ndk_arm_cq(p->cq[1], first);
	ndk_arm_cq(p->cq[1], second);
	send_from(p, 0, 0xa, 0, 100, 0);
	take(p->cq[0], &r, 1);
	take(p->cq[1], &r, 1);
	nh_sleep_ms(SETTLE_MS);
	return done(note);
}

START_TEST(test_arm_merge_errors_solicited)
{
	struct nh_call note = { 0 };
	struct ndk_result_ex r;
	struct pair p;

	pair_open_cb(&p, NULL, NULL, nh_notify_cb, &note, 256);
	/* Not ANY: a plain success does not fire. */
	ck_assert_int_eq(arm_twice_plain(&p, &note, NDK_CQ_NOTIFY_ERRORS,
					 NDK_CQ_NOTIFY_SOLICITED), 0);
	/* Not ERRORS: a solicited receive fires. */
	send_from(&p, 0, 0xb, 0, 100, NDK_OP_FLAG_SEND_AND_SOLICIT_EVENT);
	ck_assert_int_eq(wait_n(&note, 1), 1);
	take(p.cq[1], &r, 1);
	take(p.cq[0], &r, 1);
	nh_sleep_ms(SETTLE_MS);
	ck_assert_int_eq(done(&note), 1);
	pair_close(&p);
}
END_TEST

START_TEST(test_arm_merge_solicited_any)
{
	struct nh_call note = { 0 };
	struct pair p;

	pair_open_cb(&p, NULL, NULL, nh_notify_cb, &note, 256);
	ck_assert_int_eq(arm_twice_plain(&p, &note, NDK_CQ_NOTIFY_SOLICITED,
					 NDK_CQ_NOTIFY_ANY), 1);
	pair_close(&p);
}
END_TEST

START_TEST(test_arm_merge_any_errors)
{
	struct nh_call note = { 0 };
	struct pair p;

	pair_open_cb(&p, NULL, NULL, nh_notify_cb, &note, 256);
	ck_assert_int_eq(arm_twice_plain(&p, &note, NDK_CQ_NOTIFY_ANY,
					 NDK_CQ_NOTIFY_ERRORS), 1);
	pair_close(&p);
}
END_TEST

/* Polls its CQ empty and re-arms, from inside the notification. */
struct rearm {
	struct ndk_cq *cq;
	int notifies;
	int polled;
	int bad;
};

static void
rearm_cb(void *ctx, int cq_status)
{
	struct rearm *ra = ctx;
	struct ndk_result_ex r[8];
	uint32_t n, i;

	if (cq_status != 0)
		__atomic_fetch_add(&ra->bad, 1, __ATOMIC_SEQ_CST);
	while ((n = ndk_get_cq_results_ex(ra->cq, r, RTE_DIM(r))) > 0) {
		for (i = 0; i < n; i++)
			if (r[i].status != 0)
				__atomic_fetch_add(&ra->bad, 1, __ATOMIC_SEQ_CST);
		__atomic_fetch_add(&ra->polled, (int)n, __ATOMIC_SEQ_CST);
	}
	ndk_arm_cq(ra->cq, NDK_CQ_NOTIFY_ANY);
	__atomic_fetch_add(&ra->notifies, 1, __ATOMIC_SEQ_CST);
}

START_TEST(test_arm_rearm_in_callback)
{
	struct rearm ra = { 0 };
	struct pair p;
	unsigned int t;
	int k;

	pair_open_cb(&p, rearm_cb, &ra, NULL, NULL, 256);
	ra.cq = p.cq[0];
	ndk_arm_cq(p.cq[0], NDK_CQ_NOTIFY_ANY);
	for (k = 1; k <= 3; k++) {
		write_a(&p, (uintptr_t)k, 0, 64);
		for (t = 0; t < NH_WAIT_MS * 10 &&
		     __atomic_load_n(&ra.polled, __ATOMIC_SEQ_CST) < k; t++)
			sleep_us(100);
		ck_assert_int_eq(__atomic_load_n(&ra.polled, __ATOMIC_SEQ_CST), k);
	}
	nh_sleep_ms(SETTLE_MS);
	ck_assert_int_eq(__atomic_load_n(&ra.polled, __ATOMIC_SEQ_CST), 3);
	ck_assert_int_eq(__atomic_load_n(&ra.notifies, __ATOMIC_SEQ_CST), 3);
	ck_assert_int_eq(ra.bad, 0);
	pair_close(&p);
}
END_TEST

START_TEST(test_arm_overflow)
{
	struct nh_call note = { 0 };
	struct ndk_pd *pd = nh_pd(1);
	struct ndk_cq *small = nh_cq(1, 4, nh_notify_cb, &note);
	struct ndk_cq *big = nh_cq(1, 64, NULL, NULL);
	struct ndk_qp *qp = mk_qp(pd, small, big, NULL, 32);
	uintptr_t i;

	for (i = 0; i < 16; i++)
		ck_assert_int_eq(ndk_receive(qp, (void *)(i + 1), NULL, 0), 0);
	ndk_arm_cq(small, NDK_CQ_NOTIFY_ERRORS);
	/* Sixteen flushed receives into a CQ of depth 4. */
	ndk_flush(qp);
	ck_assert_int_eq(wait_n(&note, 1), 1);
	ck_assert_int_eq(note.status, -EOVERFLOW);
	nh_sleep_ms(SETTLE_MS);
	ck_assert_int_eq(done(&note), 1);
	nh_close_obj(qp);
	nh_close_obj(small);
	nh_close_obj(big);
	nh_close_obj(pd);
}
END_TEST

/*
 * A completion names the QP it came from even when that QP closed before it was polled
 * and a new QP was made at once: the context travels in the completion (QP numbers are
 * not reused at once either).
 */
START_TEST(test_result_qp_context_after_close)
{
	static int ctx_a, ctx_b;
	struct ndk_pd *pd = nh_pd(1);
	struct ndk_cq *cq = nh_cq(1, 64, NULL, NULL);
	struct ndk_qp *a = mk_qp(pd, cq, cq, &ctx_a, 32);
	struct ndk_qp *b;
	struct ndk_result_ex r[8];
	uintptr_t i;

	for (i = 0; i < 4; i++)
		ck_assert_int_eq(ndk_receive(a, (void *)(i + 1), NULL, 0), 0);
	ndk_flush(a);
	nh_sleep_ms(SETTLE_MS);
	nh_close_obj(a);
	b = mk_qp(pd, cq, cq, &ctx_b, 32);
	ck_assert_uint_eq(nh_results(cq, r, 4, 1000), 4);
	for (i = 0; i < 4; i++) {
		ck_assert_int_eq(r[i].status, -ECANCELED);
		ck_assert_ptr_eq(r[i].qp_context, &ctx_a);
		ck_assert_ptr_eq(r[i].request_context, (void *)(i + 1));
	}
	nh_close_obj(b);
	nh_close_obj(cq);
	nh_close_obj(pd);
}
END_TEST

/* Nothing is created on a parent whose close has started: -EBADF, at once. */
START_TEST(test_create_on_closing_parent)
{
	struct nh_call closed = { 0 }, c = { 0 };
	struct ndk_pd *pd = nh_pd(1);
	struct ndk_cq *cq = nh_cq(1, 16, NULL, NULL);
	struct ndk_mr *mr = NULL, *mr2 = NULL;
	struct ndk_mw *mw = NULL;
	struct ndk_qp *qp = NULL;
	struct ndk_srq *srq = NULL;
	static char buf[64];

	/* The MR, registered, holds the PD's close pending. */
	mr = nh_mr(pd, buf, sizeof(buf), NDK_MR_FLAG_LOCAL_WRITE);
	ck_assert_int_eq(ndk_close(&pd->header, nh_close_cb, &closed), NDK_PENDING);
	ck_assert_int_eq(ndk_create_mr(pd, false, nh_create_cb, &c, &mr2), -EBADF);
	ck_assert_int_eq(ndk_create_mw(pd, nh_create_cb, &c, &mw), -EBADF);
	ck_assert_int_eq(ndk_create_qp(pd, cq, cq, NULL, 4, 4, 1, 1, 0, nh_create_cb, &c, &qp),
			 -EBADF);
	ck_assert_int_eq(ndk_create_srq(pd, 4, 1, 0, NULL, NULL, -1, nh_create_cb, &c, &srq),
			 -EBADF);
	nh_sleep_ms(SETTLE_MS);
	ck_assert_int_eq(done(&c), 0);
	ck_assert_int_eq(done(&closed), 0);
	nh_close_obj(mr);
	nh_wait(&closed, "the PD's close");
	nh_close_obj(cq);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("ndk-contract");
	TCase *tc = tcase_create("contract");

	tcase_add_checked_fixture(tc, nh_open, nh_close);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_create_pending);
	tcase_add_test(tc, test_create_mr_inline);
	tcase_add_test(tc, test_close_last_callback);
	tcase_add_test(tc, test_close_double);
	tcase_add_test(tc, test_close_inline);
	tcase_add_test(tc, test_close_pd_first);
	tcase_add_test(tc, test_close_cq_first);
	tcase_add_test(tc, test_close_mr_before_mw);
	tcase_add_test(tc, test_close_in_notify);
	tcase_add_test(tc, test_close_in_register_cb);
	tcase_add_test(tc, test_close_cq_notify_running);
	tcase_add_test(tc, test_arm_none);
	tcase_add_test(tc, test_arm_once);
	tcase_add_test(tc, test_arm_no_lost_wakeup);
	tcase_add_test(tc, test_arm_errors_normal);
	tcase_add_test(tc, test_arm_solicited);
	tcase_add_test(tc, test_arm_merge_errors_solicited);
	tcase_add_test(tc, test_arm_merge_solicited_any);
	tcase_add_test(tc, test_arm_merge_any_errors);
	tcase_add_test(tc, test_arm_rearm_in_callback);
	tcase_add_test(tc, test_arm_overflow);
	tcase_add_test(tc, test_result_qp_context_after_close);
	tcase_add_test(tc, test_create_on_closing_parent);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	nh_init();
	return test_run_suite(suite());
}
