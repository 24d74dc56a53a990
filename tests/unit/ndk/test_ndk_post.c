/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NDK conformance, work requests and memory: inline errors leave no completion, silent
 * successes, inline and deferred posts, fences, token errors, flush (also racing with
 * posting); every bad argument's error; the status table; the privileged token, memory
 * windows, fast registration, send with invalidate; SRQ thresholds.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_common.h>

#include "check_run.h"
#include "ndk_pair.h"

/* 6. Work requests. */

START_TEST(test_post_inline_errors)
{
	struct ndk_result_ex r;
	struct ndk_sge s[QP_SGE + 1];
	struct ndk_qp *u;
	struct pair p;
	uint64_t raddr;
	uint32_t rkey;
	int i;

	pair_open(&p);
	u = mk_qp(p.pd[0], p.cq[0], p.cq[0], NULL, 8);
	raddr = (uintptr_t)p.buf[1];
	rkey = ndk_get_remote_token_mr(p.mr[1]);
	for (i = 0; i < (int)RTE_DIM(s); i++)
		s[i] = sge(p.mr[0], p.buf[0] + i * 16, 16);
	recv_on(&p, 1, 0x1, 0, 4096);
	/* Too many SGEs. */
	ck_assert_int_eq(ndk_send(p.qp[0], (void *)0xe1, s, QP_SGE + 1, 0), -EINVAL);
	ck_assert_int_eq(ndk_write(p.qp[0], (void *)0xe1, s, QP_SGE + 1, raddr, rkey, 0),
			 -EINVAL);
	ck_assert_int_eq(ndk_receive(p.qp[1], (void *)0xe1, s, QP_SGE + 1), -EINVAL);
	/* INLINE longer than the QP's inline size. */
	s[0].length = QP_INLINE + 1;
	ck_assert_int_eq(ndk_send(p.qp[0], (void *)0xe2, s, 1, NDK_OP_FLAG_INLINE), -EINVAL);
	s[0].length = QP_INLINE / 2 + 8;
	s[1].length = QP_INLINE / 2;
	ck_assert_int_eq(ndk_send(p.qp[0], (void *)0xe2, s, 2, NDK_OP_FLAG_INLINE), -EINVAL);
	s[0].length = 16;
	s[1].length = 16;
	/* Unknown flags. */
	ck_assert_int_eq(ndk_send(p.qp[0], (void *)0xe3, s, 1, 0x8000), -EINVAL);
	ck_assert_int_eq(ndk_send(p.qp[0], (void *)0xe3, s, 1, 0x400), -EINVAL);
	ck_assert_int_eq(ndk_write(p.qp[0], (void *)0xe3, s, 1, raddr, rkey, 0x8000), -EINVAL);
	/* A NULL SGE array with SGEs. */
	ck_assert_int_eq(ndk_send(p.qp[0], (void *)0xe4, NULL, 1, 0), -EINVAL);
	ck_assert_int_eq(ndk_write(p.qp[0], (void *)0xe4, NULL, 1, raddr, rkey, 0), -EINVAL);
	ck_assert_int_eq(ndk_read(p.qp[0], (void *)0xe4, NULL, 1, raddr, rkey, 0), -EINVAL);
	ck_assert_int_eq(ndk_receive(p.qp[1], (void *)0xe4, NULL, 1), -EINVAL);
	/* Not connected. */
	ck_assert_int_eq(ndk_send(u, (void *)0xe5, s, 1, 0), -ENOTCONN);
	ck_assert_int_eq(ndk_write(u, (void *)0xe5, s, 1, raddr, rkey, 0), -ENOTCONN);
	ck_assert_int_eq(ndk_read(u, (void *)0xe5, s, 1, raddr, rkey, 0), -ENOTCONN);
	expect_empty(p.cq[0]);
	expect_empty(p.cq[1]);
	/* The queues are intact: one good send, one completion on each side. */
	send_from(&p, 0, 0x77, 0, 100, 0);
	take(p.cq[0], &r, 1);
	ck_assert_ptr_eq(r.request_context, (void *)0x77);
	ck_assert_int_eq(r.status, 0);
	take(p.cq[1], &r, 1);
	ck_assert_ptr_eq(r.request_context, (void *)0x1);
	ck_assert_uint_eq(r.bytes_transferred, 100);
	expect_empty(p.cq[0]);
	expect_empty(p.cq[1]);
	nh_close_obj(u);
	pair_close(&p);
}
END_TEST

START_TEST(test_post_silent)
{
	struct ndk_result_ex r[2];
	struct ndk_sge s;
	struct pair p;

	pair_open(&p);
	recv_on(&p, 1, 0x1, 0, 1024);
	recv_on(&p, 1, 0x2, 1024, 1024);
	send_from(&p, 0, 0xa, 0, 100, NDK_OP_FLAG_SILENT_SUCCESS);
	send_from(&p, 0, 0xb, 0, 200, 0);
	take(p.cq[1], r, 2);
	ck_assert_uint_eq(r[0].bytes_transferred, 100);
	ck_assert_uint_eq(r[1].bytes_transferred, 200);
	take(p.cq[0], r, 1);
	ck_assert_ptr_eq(r[0].request_context, (void *)0xb);
	expect_empty(p.cq[0]);
	/* A silent request that fails still completes. */
	s = sge(p.mr[0], p.buf[0], 100);
	s.token ^= 0x00ff0000;
	ck_assert_int_eq(ndk_write(p.qp[0], (void *)0xc, &s, 1, (uintptr_t)p.buf[1],
				   ndk_get_remote_token_mr(p.mr[1]), NDK_OP_FLAG_SILENT_SUCCESS),
			 0);
	take(p.cq[0], r, 1);
	ck_assert_ptr_eq(r[0].request_context, (void *)0xc);
	ck_assert_int_eq(r[0].status, -EACCES);
	expect_empty(p.cq[0]);
	pair_close(&p);
}
END_TEST

START_TEST(test_post_inline_many_sge)
{
	uint8_t src[60], want[60];
	struct ndk_sge s[6];
	struct ndk_result_ex r;
	struct pair p;
	int i;

	pair_open(&p);
	fill(src, sizeof(src), 3);
	memcpy(want, src, sizeof(want));
	/* Unregistered memory, garbage tokens, more SGEs than the QP's maximum. */
	for (i = 0; i < 6; i++)
		s[i] = (struct ndk_sge){ .va = src + i * 10, .length = 10, .token = 0xdeadbeef };
	recv_on(&p, 1, 0x1, 0, 4096);
	ck_assert_int_eq(ndk_send(p.qp[0], (void *)0xa, s, 6, NDK_OP_FLAG_INLINE), 0);
	memset(src, 0, sizeof(src));	/* copied at post time */
	take(p.cq[0], &r, 1);
	ck_assert_int_eq(r.status, 0);
	ck_assert_uint_eq(r.type, NDK_OP_SEND);
	take(p.cq[1], &r, 1);
	ck_assert_int_eq(r.status, 0);
	ck_assert_uint_eq(r.bytes_transferred, sizeof(want));
	ck_assert_int_eq(memcmp(p.buf[1], want, sizeof(want)), 0);
	pair_close(&p);
}
END_TEST

/*
 * One INLINE SGE is copied straight from the caller's bytes (no gather): unregistered
 * memory and a garbage token, the full inline size, a deferred post (copied into the
 * staging list) and an immediate one, each source cleared as soon as the call returns.
 */
START_TEST(test_post_inline_one_sge)
{
	uint8_t a[QP_INLINE], b[QP_INLINE], want[2 * QP_INLINE];
	struct ndk_result_ex r;
	struct ndk_sge s;
	struct pair p;

	pair_open(&p);
	fill(a, sizeof(a), 7);
	fill(b, sizeof(b), 11);
	memcpy(want, a, sizeof(a));
	memcpy(want + QP_INLINE, b, sizeof(b));
	recv_on(&p, 1, 0x1, 0, QP_INLINE);
	recv_on(&p, 1, 0x2, QP_INLINE, QP_INLINE);
	s = (struct ndk_sge){ .va = a, .length = QP_INLINE, .token = 0xdeadbeef };
	ck_assert_int_eq(ndk_send(p.qp[0], (void *)0xa, &s, 1,
				  NDK_OP_FLAG_INLINE | NDK_OP_FLAG_DEFER), 0);
	memset(a, 0, sizeof(a));
	s.va = b;
	ck_assert_int_eq(ndk_send(p.qp[0], (void *)0xb, &s, 1, NDK_OP_FLAG_INLINE), 0);
	memset(b, 0, sizeof(b));
	take(p.cq[0], &r, 1);
	ck_assert_ptr_eq(r.request_context, (void *)0xa);
	ck_assert_int_eq(r.status, 0);
	take(p.cq[0], &r, 1);
	ck_assert_ptr_eq(r.request_context, (void *)0xb);
	ck_assert_int_eq(r.status, 0);
	take(p.cq[1], &r, 1);
	ck_assert_uint_eq(r.bytes_transferred, QP_INLINE);
	take(p.cq[1], &r, 1);
	ck_assert_uint_eq(r.bytes_transferred, QP_INLINE);
	ck_assert_int_eq(memcmp(p.buf[1], want, sizeof(want)), 0);
	pair_close(&p);
}
END_TEST

START_TEST(test_post_defer)
{
	struct ndk_result_ex r[4];
	struct pair p;
	uintptr_t i;

	pair_open(&p);
	fill(p.buf[0], 4096, 5);
	for (i = 0; i < 4; i++)
		recv_on(&p, 1, 0x10 + i, (uint32_t)i * 1024, 1024);
	for (i = 0; i < 3; i++)
		send_from(&p, 0, 0x20 + i, (uint32_t)i * 1000, 1000, NDK_OP_FLAG_DEFER);
	/* The doorbell is held: nothing reached the peer yet. */
	nh_sleep_ms(SETTLE_MS);
	expect_empty(p.cq[0]);
	expect_empty(p.cq[1]);
	send_from(&p, 0, 0x23, 3000, 1000, 0);
	take(p.cq[0], r, 4);
	for (i = 0; i < 4; i++) {
		ck_assert_int_eq(r[i].status, 0);
		ck_assert_ptr_eq(r[i].request_context, (void *)(0x20 + i));
	}
	take(p.cq[1], r, 4);
	for (i = 0; i < 4; i++) {
		ck_assert_int_eq(r[i].status, 0);
		ck_assert_ptr_eq(r[i].request_context, (void *)(0x10 + i));
		ck_assert_uint_eq(r[i].bytes_transferred, 1000);
		ck_assert_int_eq(memcmp(p.buf[1] + i * 1024, p.buf[0] + i * 1000, 1000), 0);
	}
	expect_empty(p.cq[0]);
	pair_close(&p);
}
END_TEST

/*
 * The initiator queue holds its depth of requests, no more (STATUS_INSUFFICIENT_RESOURCES
 * beyond, NDK's rule): with no receive on the peer, QP_DEPTH SENDs wait on RNR NAKs and
 * the next is refused; the receives let all of them complete in order, and the queue
 * takes requests again.
 */
START_TEST(test_post_queue_depth)
{
	static struct ndk_result_ex r[QP_DEPTH];
	struct ndk_sge s;
	struct pair p;
	uintptr_t i;

	pair_open(&p);
	fill(p.buf[0], BUF_SIZE, 9);
	for (i = 0; i < QP_DEPTH; i++)
		send_from(&p, 0, 0x100 + i, (uint32_t)i * 16, 16, 0);
	s = sge(p.mr[0], p.buf[0], 16);
	ck_assert_int_eq(ndk_send(p.qp[0], (void *)0x99, &s, 1, 0), -ENOMEM);
	ck_assert_int_eq(ndk_send(p.qp[0], (void *)0x99, &s, 1, NDK_OP_FLAG_INLINE), -ENOMEM);
	nh_sleep_ms(SETTLE_MS);
	expect_empty(p.cq[0]);
	for (i = 0; i < QP_DEPTH; i++)
		recv_on(&p, 1, 0x200 + i, (uint32_t)i * 16, 16);
	take(p.cq[0], r, QP_DEPTH);
	for (i = 0; i < QP_DEPTH; i++) {
		ck_assert_int_eq(r[i].status, 0);
		ck_assert_ptr_eq(r[i].request_context, (void *)(0x100 + i));
	}
	take(p.cq[1], r, QP_DEPTH);
	ck_assert_int_eq(memcmp(p.buf[1], p.buf[0], QP_DEPTH * 16), 0);
	recv_on(&p, 1, 0x300, 0, 16);
	send_from(&p, 0, 0x301, 0, 16, NDK_OP_FLAG_INLINE);
	take(p.cq[0], r, 1);
	ck_assert_ptr_eq(r[0].request_context, (void *)0x301);
	take(p.cq[1], r, 1);
	pair_close(&p);
}
END_TEST

/*
 * A reaped completion frees its request's place in the queue: with QP_DEPTH WRITEs kept
 * outstanding, each completion taken is followed by a post at once, from this thread
 * while the engine runs on its own; no post is refused and 20000 complete in order.
 * (test_post_send_room_before_completion in the engine suite pins the order in which
 * the engine frees the entry and shows the completion; this runs the queue between two
 * threads.)
 */
START_TEST(test_post_refill_on_completion)
{
	const uint32_t total = 20000;
	struct ndk_result_ex r[16];
	struct ndk_sge s;
	uint32_t posted = 0, done_n = 0, k, n;
	uint32_t rkey;
	struct pair p;
	time_t deadline = time(NULL) + 30;

	pair_open(&p);
	s = sge(p.mr[0], p.buf[0], 32);
	rkey = ndk_get_remote_token_mr(p.mr[1]);
	while (done_n < total && time(NULL) < deadline) {
		while (posted < total && posted - done_n < QP_DEPTH) {
			ck_assert_int_eq(ndk_write(p.qp[0], (void *)(uintptr_t)(posted + 1), &s, 1,
						   (uintptr_t)p.buf[1], rkey, 0), 0);
			posted++;
		}
		n = ndk_get_cq_results_ex(p.cq[0], r, RTE_DIM(r));
		for (k = 0; k < n; k++, done_n++) {
			ck_assert_int_eq(r[k].status, 0);
			ck_assert_ptr_eq(r[k].request_context, (void *)(uintptr_t)(done_n + 1));
		}
	}
	ck_assert_uint_eq(done_n, total);
	pair_close(&p);
}
END_TEST

/* An inline error rings the doorbell first: the deferred requests before it complete. */
START_TEST(test_post_defer_then_error)
{
	struct ndk_result_ex r[3];
	struct ndk_sge s[QP_SGE + 1];
	struct pair p;
	uintptr_t i;

	pair_open(&p);
	for (i = 0; i < 2; i++) {
		recv_on(&p, 1, 0x10 + i, (uint32_t)i * 1024, 1024);
		send_from(&p, 0, 0x20 + i, (uint32_t)i * 100, 100, NDK_OP_FLAG_DEFER);
	}
	nh_sleep_ms(SETTLE_MS);
	expect_empty(p.cq[0]);
	for (i = 0; i <= QP_SGE; i++)
		s[i] = sge(p.mr[0], p.buf[0], 8);
	ck_assert_int_eq(ndk_send(p.qp[0], (void *)0x99, s, QP_SGE + 1, NDK_OP_FLAG_DEFER),
			 -EINVAL);
	take(p.cq[0], r, 2);
	for (i = 0; i < 2; i++) {
		ck_assert_int_eq(r[i].status, 0);
		ck_assert_ptr_eq(r[i].request_context, (void *)(0x20 + i));
	}
	take(p.cq[1], r, 2);
	nh_sleep_ms(SETTLE_MS);
	expect_empty(p.cq[0]);		/* none for the refused one */
	pair_close(&p);
}
END_TEST

START_TEST(test_post_read_fence)
{
	struct ndk_result_ex r[2];
	struct ndk_sge s;
	struct pair p;
	uint32_t rkey;

	pair_open(&p);
	rkey = ndk_get_remote_token_mr(p.mr[1]);
	fill(p.buf[1], 1000, 9);
	/* READ B[0..1000) into A[4096..), then WRITE A[4096..) to B[2000..) behind a fence:
	 * the write carries what the read brought only if it waited for it. */
	s = sge(p.mr[0], p.buf[0] + 4096, 1000);
	ck_assert_int_eq(ndk_read(p.qp[0], (void *)0x1, &s, 1, (uintptr_t)p.buf[1], rkey, 0), 0);
	ck_assert_int_eq(ndk_write(p.qp[0], (void *)0x2, &s, 1, (uintptr_t)(p.buf[1] + 2000),
				   rkey, NDK_OP_FLAG_READ_FENCE), 0);
	take(p.cq[0], r, 2);
	ck_assert_int_eq(r[0].status, 0);
	ck_assert_uint_eq(r[0].type, NDK_OP_READ);
	ck_assert_int_eq(r[1].status, 0);
	ck_assert_uint_eq(r[1].type, NDK_OP_WRITE);
	ck_assert_int_eq(memcmp(p.buf[1] + 2000, p.buf[1], 1000), 0);
	pair_close(&p);
}
END_TEST

START_TEST(test_post_bad_token)
{
	struct ndk_result_ex r;
	struct ndk_sge s;
	struct pair p;

	pair_open(&p);
	recv_on(&p, 1, 0x1, 0, 1024);
	s = sge(p.mr[0], p.buf[0], 100);
	s.token ^= 0x00ff0000;
	ck_assert_int_eq(ndk_send(p.qp[0], (void *)0xa, &s, 1, 0), 0);
	take(p.cq[0], &r, 1);
	ck_assert_int_eq(r.status, -EACCES);
	ck_assert_uint_eq(r.type, NDK_OP_SEND);
	ck_assert_ptr_eq(r.request_context, (void *)0xa);
	ck_assert_uint_ne(r.provider_error_code, 0);
	expect_empty(p.cq[0]);
	expect_empty(p.cq[1]);
	pair_close(&p);
}
END_TEST

START_TEST(test_post_other_pd_token)
{
	static uint8_t other[4096];
	struct ndk_result_ex r;
	struct ndk_pd *pd2;
	struct ndk_mr *mr2;
	struct pair p;
	struct ndk_sge s;

	pair_open(&p);
	memset(other, 0, sizeof(other));
	pd2 = nh_pd(1);
	mr2 = nh_mr(pd2, other, sizeof(other), NDK_MR_FLAG_REMOTE_WRITE);
	fill(p.buf[0], 512, 1);
	s = sge(p.mr[0], p.buf[0], 512);
	ck_assert_int_eq(ndk_write(p.qp[0], (void *)0xa, &s, 1, (uintptr_t)other,
				   ndk_get_remote_token_mr(mr2), 0), 0);
	take(p.cq[0], &r, 1);
	ck_assert_int_eq(r.status, -EREMOTEIO);
	ck_assert_uint_eq(r.type, NDK_OP_WRITE);
	ck_assert_ptr_eq(r.request_context, (void *)0xa);
	ck_assert_int_eq(other[0] | other[511], 0);
	pair_close(&p);
	nh_close_obj(mr2);
	nh_close_obj(pd2);
}
END_TEST

/*
 * NetworkDirect's ndoverreadwrite / ndinvalidreadwrite: a READ or WRITE running past the
 * end of the remote region fails with a remote error and touches nothing; a local SGE
 * past the end of its MR fails with an access violation; a message longer than the
 * receive fails on both sides. Each failure ends the QP, so each case has a fresh pair.
 */
START_TEST(test_post_overlong)
{
	uint8_t keep[64];
	struct ndk_result_ex r;
	struct ndk_sge s;
	struct pair p;

	pair_open(&p);
	fill(p.buf[0], BUF_SIZE, 3);
	fill(p.buf[1], BUF_SIZE, 9);
	memcpy(keep, p.buf[1] + BUF_SIZE - 64, 64);
	s = sge(p.mr[0], p.buf[0], 100);
	ck_assert_int_eq(ndk_write(p.qp[0], (void *)1, &s, 1,
				   (uintptr_t)(p.buf[1] + BUF_SIZE - 50),
				   ndk_get_remote_token_mr(p.mr[1]), 0), 0);
	take(p.cq[0], &r, 1);
	ck_assert_int_eq(r.status, -EREMOTEIO);
	ck_assert_int_eq(memcmp(p.buf[1] + BUF_SIZE - 64, keep, 64), 0);
	pair_close(&p);

	pair_open(&p);
	fill(p.buf[0], BUF_SIZE, 3);
	memcpy(keep, p.buf[0], 64);
	s = sge(p.mr[0], p.buf[0], 100);
	ck_assert_int_eq(ndk_read(p.qp[0], (void *)2, &s, 1,
				  (uintptr_t)(p.buf[1] + BUF_SIZE - 50),
				  ndk_get_remote_token_mr(p.mr[1]), 0), 0);
	take(p.cq[0], &r, 1);
	ck_assert_int_eq(r.status, -EREMOTEIO);
	ck_assert_uint_eq(r.type, NDK_OP_READ);
	ck_assert_int_eq(memcmp(p.buf[0], keep, 64), 0);
	pair_close(&p);

	pair_open(&p);
	s = sge(p.mr[0], p.buf[0] + BUF_SIZE - 10, 20);
	ck_assert_int_eq(ndk_write(p.qp[0], (void *)3, &s, 1, (uintptr_t)p.buf[1],
				   ndk_get_remote_token_mr(p.mr[1]), 0), 0);
	take(p.cq[0], &r, 1);
	ck_assert_int_eq(r.status, -EACCES);
	pair_close(&p);

	pair_open(&p);
	recv_on(&p, 1, 0x4, 0, 64);
	send_from(&p, 0, 0x5, 0, 65, 0);
	take(p.cq[1], &r, 1);
	ck_assert_int_eq(r.status, -EOVERFLOW);
	ck_assert_ptr_eq(r.request_context, (void *)0x4);
	take(p.cq[0], &r, 1);
	ck_assert_int_eq(r.status, -EREMOTEIO);
	ck_assert_ptr_eq(r.request_context, (void *)0x5);
	pair_close(&p);
}
END_TEST

START_TEST(test_flush_cancels)
{
	struct ndk_result_ex r[8];
	unsigned int seen = 0;
	struct pair p;
	uintptr_t i;

	pair_open(&p);
	for (i = 0; i < 8; i++)
		recv_on(&p, 1, i + 1, (uint32_t)i * 1024, 1024);
	ndk_flush(p.qp[1]);
	take(p.cq[1], r, 8);
	for (i = 0; i < 8; i++) {
		uintptr_t ctx = (uintptr_t)r[i].request_context;

		ck_assert_int_eq(r[i].status, -ECANCELED);
		ck_assert_uint_eq(r[i].type, NDK_OP_RECEIVE);
		ck_assert_ptr_eq(r[i].qp_context, &p.qp[1]);
		ck_assert(ctx >= 1 && ctx <= 8);
		ck_assert_msg((seen & (1u << ctx)) == 0, "context %u seen twice", (unsigned)ctx);
		seen |= 1u << ctx;
	}
	/* Posted after the flush: accepted, and cancelled once. */
	send_from(&p, 1, 0x99, 0, 100, 0);
	take(p.cq[1], r, 1);
	ck_assert_int_eq(r[0].status, -ECANCELED);
	ck_assert_ptr_eq(r[0].request_context, (void *)0x99);
	ck_assert_uint_eq(r[0].type, NDK_OP_SEND);
	expect_empty(p.cq[1]);
	pair_close(&p);
}
END_TEST

#define RACE_POSTS	4000u

struct racer {
	struct pair *p;
	uint32_t accepted;		/* atomic */
	int err;
	int finished;			/* atomic */
};

static void *
race_post(void *arg)
{
	struct racer *rc = arg;
	struct pair *p = rc->p;
	struct ndk_sge s = sge(p->mr[0], p->buf[0], 64);
	uint32_t rkey = ndk_get_remote_token_mr(p->mr[1]);
	uint32_t n = 0;
	unsigned long spins = 0;

	while (n < RACE_POSTS && spins < 100000000ul) {
		int ret = ndk_write(p->qp[0], (void *)(uintptr_t)(n + 1), &s, 1,
				    (uintptr_t)p->buf[1], rkey, 0);

		if (ret == 0) {
			n++;
			__atomic_store_n(&rc->accepted, n, __ATOMIC_SEQ_CST);
		} else if (ret != -ENOMEM) {
			rc->err = ret;
			break;
		}
		spins++;
	}
	__atomic_store_n(&rc->finished, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

START_TEST(test_flush_race)
{
	static uint8_t seen[RACE_POSTS + 1];
	struct racer rc = { 0 };
	struct ndk_result_ex r[64];
	uint32_t got = 0, cancelled = 0, i, n;
	struct pair p;
	pthread_t thr;
	unsigned int t;
	bool flushed = false;

	pair_open_cb(&p, NULL, NULL, NULL, NULL, 2 * RACE_POSTS);
	memset(seen, 0, sizeof(seen));
	rc.p = &p;
	ck_assert_int_eq(pthread_create(&thr, NULL, race_post, &rc), 0);
	for (t = 0; t < NH_WAIT_MS * 20; t++) {
		n = ndk_get_cq_results_ex(p.cq[0], r, RTE_DIM(r));
		for (i = 0; i < n; i++) {
			uintptr_t ctx = (uintptr_t)r[i].request_context;

			NH_REQUIRE(ctx >= 1 && ctx <= RACE_POSTS, "context %lu",
				   (unsigned long)ctx);
			NH_REQUIRE(r[i].status == 0 || r[i].status == -ECANCELED, "status %d",
				   r[i].status);
			seen[ctx]++;
			cancelled += r[i].status == -ECANCELED;
		}
		got += n;
		if (!flushed && __atomic_load_n(&rc.accepted, __ATOMIC_SEQ_CST) >= 200) {
			ndk_flush(p.qp[0]);
			flushed = true;
		}
		if (__atomic_load_n(&rc.finished, __ATOMIC_SEQ_CST) &&
		    got >= __atomic_load_n(&rc.accepted, __ATOMIC_SEQ_CST))
			break;
		if (n == 0)
			sleep_us(50);
	}
	pthread_join(thr, NULL);
	ck_assert_int_eq(rc.err, 0);
	ck_assert(flushed);
	ck_assert_uint_eq(rc.accepted, RACE_POSTS);
	ck_assert_uint_eq(got, rc.accepted);
	ck_assert_uint_gt(cancelled, 0);
	for (i = 1; i <= RACE_POSTS; i++)
		NH_REQUIRE(seen[i] == 1, "request %u completed %u times", i, seen[i]);
	expect_empty(p.cq[0]);
	pair_close(&p);
}
END_TEST

/* 7. Bad arguments. */

static void
assert_same_counts(int side, const unsigned int before[NDK_OBJECT_MAX])
{
	unsigned int now[NDK_OBJECT_MAX];

	live_counts(side, now);
	ck_assert_int_eq(memcmp(before, now, sizeof(now)), 0);
}

START_TEST(test_args_null)
{
	unsigned int before[NDK_OBJECT_MAX];
	struct nh_call c = { 0 };
	struct ndk_sge s = { 0 };
	struct ndk_pd *pd = nh_pd(0);
	struct ndk_cq *cq = nh_cq(0, 16, NULL, NULL);
	uint32_t tok = 1;

	live_counts(0, before);
	ck_assert_int_eq(ndk_close(NULL, nh_close_cb, &c), -EINVAL);
	ck_assert_int_eq(ndk_create_pd(NULL, nh_create_cb, &c, NULL), -EINVAL);
	ck_assert_int_eq(ndk_create_cq(NULL, 16, nh_notify_cb, &c, -1, nh_create_cb, &c, NULL),
			 -EINVAL);
	ck_assert_int_eq(ndk_create_mr(NULL, false, nh_create_cb, &c, NULL), -EINVAL);
	ck_assert_int_eq(ndk_create_mw(NULL, nh_create_cb, &c, NULL), -EINVAL);
	ck_assert_int_eq(ndk_create_srq(NULL, 8, 1, 0, NULL, NULL, -1, nh_create_cb, &c, NULL),
			 -EINVAL);
	ck_assert_int_eq(ndk_create_qp(NULL, cq, cq, NULL, 8, 8, 1, 1, 0, nh_create_cb, &c,
				       NULL), -EINVAL);
	ck_assert_int_eq(ndk_create_qp(pd, NULL, cq, NULL, 8, 8, 1, 1, 0, nh_create_cb, &c,
				       NULL), -EINVAL);
	ck_assert_int_eq(ndk_create_qp(pd, cq, NULL, NULL, 8, 8, 1, 1, 0, nh_create_cb, &c,
				       NULL), -EINVAL);
	ck_assert_int_eq(ndk_create_qp_with_srq(pd, cq, cq, NULL, NULL, 8, 1, 0, nh_create_cb,
						&c, NULL), -EINVAL);
	ck_assert_int_eq(ndk_get_privileged_token(NULL, &tok), -EINVAL);
	ck_assert_int_eq(ndk_register_mr(NULL, &s, 1, 0, nh_request_cb, &c), -EINVAL);
	ck_assert_int_eq(ndk_deregister_mr(NULL, nh_request_cb, &c), -EINVAL);
	ck_assert_int_eq(ndk_init_fast_register_mr(NULL, 1, true, nh_request_cb, &c), -EINVAL);
	ck_assert_int_eq(ndk_modify_srq(NULL, 0, 1, nh_request_cb, &c), -EINVAL);
	ck_assert_int_eq(ndk_srq_receive(NULL, NULL, &s, 1), -EINVAL);
	ck_assert_int_eq(ndk_send(NULL, NULL, &s, 1, 0), -EINVAL);
	ck_assert_int_eq(ndk_receive(NULL, NULL, &s, 1), -EINVAL);
	ck_assert_int_eq(ndk_write(NULL, NULL, &s, 1, 0, 0, 0), -EINVAL);
	ck_assert_int_eq(ndk_resize_cq(NULL, 8, nh_request_cb, &c), -EINVAL);
	ck_assert_uint_eq(ndk_get_cq_results(NULL, NULL, 1), 0);
	ck_assert_uint_eq(ndk_get_remote_token_mr(NULL), 0);
	ck_assert_uint_eq(ndk_get_local_token_mr(NULL), 0);
	ck_assert_uint_eq(ndk_get_remote_token_mw(NULL), 0);
	ndk_arm_cq(NULL, NDK_CQ_NOTIFY_ANY);
	ndk_flush(NULL);
	/* NULL callbacks where one is needed. */
	ck_assert_int_eq(ndk_create_pd(nh_ad[0], NULL, NULL, NULL), -EINVAL);
	ck_assert_int_eq(ndk_create_cq(nh_ad[0], 16, NULL, NULL, -1, nh_create_cb, &c, NULL),
			 -EINVAL);
	ck_assert_int_eq(ndk_create_cq(nh_ad[0], 16, nh_notify_cb, &c, -1, NULL, NULL, NULL),
			 -EINVAL);
	nh_sleep_ms(SETTLE_MS);
	ck_assert_int_eq(done(&c), 0);
	assert_same_counts(0, before);
	nh_close_obj(cq);
	nh_close_obj(pd);
}
END_TEST

START_TEST(test_args_type)
{
	unsigned int before[NDK_OBJECT_MAX];
	struct nh_call c = { 0 };
	struct ndk_result r;
	struct ndk_sge s = { 0 };
	struct ndk_pd *pd = nh_pd(0);
	struct ndk_cq *cq = nh_cq(0, 16, NULL, NULL);
	struct ndk_qp *qp = mk_qp(pd, cq, cq, NULL, 8);
	static uint8_t buf[256];

	live_counts(0, before);
	/* A PD as a CQ, a CQ as a PD or an adapter, ... */
	ck_assert_int_eq(ndk_create_qp(pd, (struct ndk_cq *)pd, cq, NULL, 8, 8, 1, 1, 0,
				       nh_create_cb, &c, NULL), -EBADF);
	ck_assert_int_eq(ndk_create_qp(pd, cq, (struct ndk_cq *)qp, NULL, 8, 8, 1, 1, 0,
				       nh_create_cb, &c, NULL), -EBADF);
	ck_assert_int_eq(ndk_create_qp((struct ndk_pd *)cq, cq, cq, NULL, 8, 8, 1, 1, 0,
				       nh_create_cb, &c, NULL), -EBADF);
	ck_assert_int_eq(ndk_create_qp_with_srq(pd, cq, cq, (struct ndk_srq *)pd, NULL, 8, 1, 0,
						nh_create_cb, &c, NULL), -EBADF);
	ck_assert_int_eq(ndk_create_pd((struct ndk_adapter *)pd, nh_create_cb, &c, NULL),
			 -EBADF);
	ck_assert_int_eq(ndk_create_cq((struct ndk_adapter *)cq, 16, nh_notify_cb, &c, -1,
				       nh_create_cb, &c, NULL), -EBADF);
	ck_assert_int_eq(ndk_create_mr((struct ndk_pd *)qp, false, nh_create_cb, &c, NULL),
			 -EBADF);
	ck_assert_int_eq(ndk_register_mr((struct ndk_mr *)pd, buf, sizeof(buf), 0,
					 nh_request_cb, &c), -EBADF);
	ck_assert_int_eq(ndk_modify_srq((struct ndk_srq *)qp, 0, 1, nh_request_cb, &c), -EBADF);
	ck_assert_int_eq(ndk_send((struct ndk_qp *)cq, NULL, &s, 1, 0), -EBADF);
	ck_assert_int_eq(ndk_receive((struct ndk_qp *)pd, NULL, &s, 1), -EBADF);
	ck_assert_int_eq(ndk_close(&nh_ad[0]->header, nh_close_cb, &c), -EBADF);
	/* Calls without a status do nothing. */
	ck_assert_uint_eq(ndk_get_cq_results((struct ndk_cq *)pd, &r, 1), 0);
	ck_assert_uint_eq(ndk_get_remote_token_mr((struct ndk_mr *)pd), 0);
	ndk_arm_cq((struct ndk_cq *)qp, NDK_CQ_NOTIFY_ANY);
	ndk_flush((struct ndk_qp *)cq);
	nh_sleep_ms(SETTLE_MS);
	ck_assert_int_eq(done(&c), 0);
	assert_same_counts(0, before);
	nh_close_obj(qp);
	nh_close_obj(cq);
	nh_close_obj(pd);
}
END_TEST

START_TEST(test_args_limits)
{
	unsigned int before[NDK_OBJECT_MAX];
	struct ndk_adapter_info info;
	size_t size = sizeof(info);
	struct nh_call c = { 0 };
	struct ndk_pd *pd = nh_pd(0);
	struct ndk_cq *cq = nh_cq(0, 16, NULL, NULL);
	uint32_t d, g;

	ck_assert_int_eq(ndk_query_adapter_info(nh_ad[0], &info, &size), 0);
	d = info.max_receive_queue_depth;
	g = info.max_receive_request_sge;
	live_counts(0, before);
	ck_assert_int_eq(ndk_create_cq(nh_ad[0], 0, nh_notify_cb, &c, -1, nh_create_cb, &c,
				       NULL), -EINVAL);
	ck_assert_int_eq(ndk_create_cq(nh_ad[0], info.max_cq_depth + 1, nh_notify_cb, &c, -1,
				       nh_create_cb, &c, NULL), -EINVAL);
	ck_assert_int_eq(ndk_create_qp(pd, cq, cq, NULL, d + 1, 8, 1, 1, 0, nh_create_cb, &c,
				       NULL), -EINVAL);
	ck_assert_int_eq(ndk_create_qp(pd, cq, cq, NULL, 8, info.max_initiator_queue_depth + 1,
				       1, 1, 0, nh_create_cb, &c, NULL), -EINVAL);
	ck_assert_int_eq(ndk_create_qp(pd, cq, cq, NULL, 0, 8, 1, 1, 0, nh_create_cb, &c, NULL),
			 -EINVAL);
	ck_assert_int_eq(ndk_create_qp(pd, cq, cq, NULL, 8, 0, 1, 1, 0, nh_create_cb, &c, NULL),
			 -EINVAL);
	ck_assert_int_eq(ndk_create_qp(pd, cq, cq, NULL, 8, 8, g + 1, 1, 0, nh_create_cb, &c,
				       NULL), -EINVAL);
	ck_assert_int_eq(ndk_create_qp(pd, cq, cq, NULL, 8, 8, 1,
				       info.max_initiator_request_sge + 1, 0, nh_create_cb, &c,
				       NULL), -EINVAL);
	ck_assert_int_eq(ndk_create_qp(pd, cq, cq, NULL, 8, 8, 1, 1,
				       info.max_inline_data_size + 1, nh_create_cb, &c, NULL),
			 -EINVAL);
	ck_assert_int_eq(ndk_create_srq(pd, info.max_srq_depth + 1, 1, 0, NULL, NULL, -1,
					nh_create_cb, &c, NULL), -EINVAL);
	ck_assert_int_eq(ndk_create_srq(pd, 8, g + 1, 0, NULL, NULL, -1, nh_create_cb, &c,
					NULL), -EINVAL);
	ck_assert_int_eq(ndk_create_srq(pd, 0, 1, 0, NULL, NULL, -1, nh_create_cb, &c, NULL),
			 -EINVAL);
	nh_sleep_ms(SETTLE_MS);
	ck_assert_int_eq(done(&c), 0);
	assert_same_counts(0, before);
	nh_close_obj(cq);
	nh_close_obj(pd);
}
END_TEST

START_TEST(test_args_other_adapter_cq)
{
	unsigned int before[NDK_OBJECT_MAX];
	struct nh_call c = { 0 };
	struct ndk_pd *pd = nh_pd(0);
	struct ndk_cq *cq = nh_cq(0, 16, NULL, NULL);
	struct ndk_cq *other = nh_cq(1, 16, NULL, NULL);

	live_counts(0, before);
	ck_assert_int_eq(ndk_create_qp(pd, other, cq, NULL, 8, 8, 1, 1, 0, nh_create_cb, &c,
				       NULL), -EINVAL);
	ck_assert_int_eq(ndk_create_qp(pd, cq, other, NULL, 8, 8, 1, 1, 0, nh_create_cb, &c,
				       NULL), -EINVAL);
	nh_sleep_ms(SETTLE_MS);
	ck_assert_int_eq(done(&c), 0);
	assert_same_counts(0, before);
	nh_close_obj(other);
	nh_close_obj(cq);
	nh_close_obj(pd);
}
END_TEST

START_TEST(test_args_register)
{
	static uint8_t buf[4096];
	struct nh_call c = { 0 };
	struct ndk_pd *pd = nh_pd(0);
	struct ndk_mr *mr = NULL, *fr = NULL;

	ck_assert_int_eq(ndk_create_mr(pd, false, nh_create_cb, &c, &mr), 0);
	ck_assert_int_eq(ndk_create_mr(pd, true, nh_create_cb, &c, &fr), 0);
	ck_assert_int_eq(ndk_register_mr(mr, NULL, sizeof(buf), 0, nh_request_cb, &c), -EINVAL);
	ck_assert_int_eq(ndk_register_mr(mr, buf, 0, 0, nh_request_cb, &c), -EINVAL);
	ck_assert_int_eq(ndk_register_mr(mr, buf, sizeof(buf), 0x100, nh_request_cb, &c),
			 -EINVAL);
	ck_assert_int_eq(ndk_register_mr(mr, buf, sizeof(buf), NDK_MR_FLAG_LOCAL_WRITE, NULL,
					 NULL), -EINVAL);
	/* A fast-register MR is not registered. */
	ck_assert_int_eq(ndk_register_mr(fr, buf, sizeof(buf), 0, nh_request_cb, &c), -EINVAL);
	nh_sleep_ms(SETTLE_MS);
	ck_assert_int_eq(done(&c), 0);
	/* Nothing changed: no tokens, and both still close inline. */
	ck_assert_uint_eq(ndk_get_local_token_mr(mr), 0);
	ck_assert_uint_eq(ndk_get_remote_token_mr(mr), 0);
	ck_assert_int_eq(ndk_close(&mr->header, nh_close_cb, &c), 0);
	ck_assert_int_eq(ndk_close(&fr->header, nh_close_cb, &c), 0);
	nh_sleep_ms(SETTLE_MS);
	ck_assert_int_eq(done(&c), 0);
	nh_close_obj(pd);
}
END_TEST

START_TEST(test_args_deregister)
{
	struct nh_call c = { 0 };
	struct ndk_pd *pd = nh_pd(0);
	struct ndk_mr *mr = NULL;

	ck_assert_int_eq(ndk_create_mr(pd, false, nh_create_cb, &c, &mr), 0);
	ck_assert_int_eq(ndk_deregister_mr(mr, nh_request_cb, &c), -EINVAL);
	nh_sleep_ms(SETTLE_MS);
	ck_assert_int_eq(done(&c), 0);
	ck_assert_int_eq(ndk_close(&mr->header, nh_close_cb, &c), 0);
	nh_sleep_ms(SETTLE_MS);
	ck_assert_int_eq(done(&c), 0);
	nh_close_obj(pd);
}
END_TEST

START_TEST(test_status_table)
{
	static const struct {
		int status;
		uint32_t nt;
		const char *name;
	} t[] = {
		{ 0, 0x00000000, "STATUS_SUCCESS" },
		{ NDK_PENDING, 0x00000103, "STATUS_PENDING" },
		{ -EOVERFLOW, 0x80000005, "STATUS_BUFFER_OVERFLOW" },
		{ -EACCES, 0xC0000005, "STATUS_ACCESS_VIOLATION" },
		{ -EINVAL, 0xC000000D, "STATUS_INVALID_PARAMETER" },
		{ -EBADF, 0xC0000008, "STATUS_INVALID_HANDLE" },
		{ -ENOBUFS, 0xC0000023, "STATUS_BUFFER_TOO_SMALL" },
		{ -EADDRINUSE, 0xC0000043, "STATUS_SHARING_VIOLATION" },
		{ -ENOMEM, 0xC000009A, "STATUS_INSUFFICIENT_RESOURCES" },
		{ -ENOSPC, 0xC000009A, "STATUS_INSUFFICIENT_RESOURCES" },
		{ -ETIMEDOUT, 0xC00000B5, "STATUS_IO_TIMEOUT" },
		{ -ENOTSUP, 0xC00000BB, "STATUS_NOT_SUPPORTED" },
		{ -EIO, 0xC00000E5, "STATUS_INTERNAL_ERROR" },
		{ -ECANCELED, 0xC0000120, "STATUS_CANCELLED" },
		{ -EREMOTEIO, 0xC000013D, "STATUS_REMOTE_RESOURCES" },
		{ -EADDRNOTAVAIL, 0xC0000141, "STATUS_INVALID_ADDRESS" },
		{ -ECONNREFUSED, 0xC0000236, "STATUS_CONNECTION_REFUSED" },
		{ -ENOTCONN, 0xC000023A, "STATUS_CONNECTION_INVALID" },
		{ -EISCONN, 0xC000023B, "STATUS_CONNECTION_ACTIVE" },
		{ -ENETUNREACH, 0xC000023C, "STATUS_NETWORK_UNREACHABLE" },
		{ -EHOSTUNREACH, 0xC000023D, "STATUS_HOST_UNREACHABLE" },
		{ -ECONNABORTED, 0xC0000241, "STATUS_CONNECTION_ABORTED" },
		{ -E2BIG, 0xC000042B, "STATUS_IMPLEMENTATION_LIMIT" },
		{ -EPROTONOSUPPORT, 0xC0010004, "NDIS_STATUS_BAD_VERSION" },
		{ -EALREADY, 0xC0000184, "STATUS_INVALID_DEVICE_STATE" },
		{ -EPERM, 0xC0000001, "STATUS_UNSUCCESSFUL" },
		{ -EDOM, 0xC0000001, "STATUS_UNSUCCESSFUL" },
		{ 7, 0xC0000001, "STATUS_UNSUCCESSFUL" },
	};
	unsigned int i;

	for (i = 0; i < RTE_DIM(t); i++) {
		NH_REQUIRE(ndk_status_ntstatus(t[i].status) == t[i].nt, "%d: 0x%08x, want 0x%08x",
			   t[i].status, ndk_status_ntstatus(t[i].status), t[i].nt);
		NH_REQUIRE(ndk_status_name(t[i].status) != NULL &&
			   strcmp(ndk_status_name(t[i].status), t[i].name) == 0,
			   "%d: %s, want %s", t[i].status, ndk_status_name(t[i].status),
			   t[i].name);
	}
}
END_TEST

/* 8. Memory. */

START_TEST(test_mem_privileged)
{
	uint64_t pages[LAM_PAGES];
	uint32_t count = 0, fbo = 0, tok = 0, k, off, left;
	struct ndk_sge s[LAM_PAGES];
	struct ndk_result_ex r;
	uint8_t *mem, *data;
	struct pair p;

	pair_open(&p);
	mem = aligned_alloc(4096, 3 * 4096);
	ck_assert_ptr_nonnull(mem);
	data = mem + 3500;		/* 5000 bytes over three pages */
	fill(data, 5000, 4);
	ck_assert_int_eq(ndk_get_privileged_token(p.pd[0], &tok), 0);
	ck_assert_uint_ne(tok, 0);
	ck_assert_int_eq(ndk_build_lam(nh_ad[0], data, 5000, NULL, NULL, NULL, &count, &fbo),
			 -ENOBUFS);
	ck_assert_uint_eq(count, 3);
	count = LAM_PAGES;
	ck_assert_int_eq(ndk_build_lam(nh_ad[0], data, 5000, NULL, NULL, pages, &count, &fbo),
			 0);
	ck_assert_uint_eq(count, 3);
	ck_assert_uint_eq(fbo, 3500);
	/* One SGE per page, addressed by logical address, under the privileged token. */
	for (k = 0, off = fbo, left = 5000; k < count; k++) {
		uint32_t len = RTE_MIN(left, 4096 - off);

		s[k] = (struct ndk_sge){ .logical = pages[k] + off, .length = len, .token = tok };
		left -= len;
		off = 0;
	}
	recv_on(&p, 1, 0x1, 0, BUF_SIZE);
	ck_assert_int_eq(ndk_send(p.qp[0], (void *)0xa, s, count, 0), 0);
	take(p.cq[0], &r, 1);
	ck_assert_int_eq(r.status, 0);
	take(p.cq[1], &r, 1);
	ck_assert_int_eq(r.status, 0);
	ck_assert_uint_eq(r.bytes_transferred, 5000);
	ck_assert_int_eq(memcmp(p.buf[1], data, 5000), 0);
	/* Never a remote token: the peer's WRITE with it fails and changes nothing. */
	fill(p.buf[1], 256, 8);
	s[0] = sge(p.mr[1], p.buf[1], 256);
	ck_assert_int_eq(ndk_write(p.qp[1], (void *)0xb, s, 1, (uintptr_t)data, tok, 0), 0);
	take(p.cq[1], &r, 1);
	ck_assert_int_eq(r.status, -EREMOTEIO);
	ck_assert_ptr_eq(r.request_context, (void *)0xb);
	fill(p.buf[0], 256, 4);		/* what data[0..256) still holds */
	ck_assert_int_eq(memcmp(data, p.buf[0], 256), 0);
	ndk_release_lam(nh_ad[0], pages, count);
	pair_close(&p);
	free(mem);
}
END_TEST

/* B writes len bytes of its buffer to addr with token; returns the completion status. */
static int
write_b(struct pair *p, uintptr_t ctx, uint64_t addr, uint32_t token, uint32_t len)
{
	struct ndk_sge s = sge(p->mr[1], p->buf[1], len);
	struct ndk_result_ex r;

	ck_assert_int_eq(ndk_write(p->qp[1], (void *)ctx, &s, 1, addr, token, 0), 0);
	take(p->cq[1], &r, 1);
	ck_assert_ptr_eq(r.request_context, (void *)ctx);
	return r.status;
}

START_TEST(test_mem_mw)
{
	struct ndk_result_ex r;
	struct ndk_mw *mw;
	struct pair p;
	uint32_t tok;
	uint8_t *win;

	pair_open(&p);
	mw = mk_mw(p.pd[0]);
	win = p.buf[0] + 1024;
	ck_assert_int_eq(ndk_bind(p.qp[0], (void *)0xb1, p.mr[0], mw, win, 2048,
				  NDK_OP_FLAG_ALLOW_REMOTE_WRITE), 0);
	tok = ndk_get_remote_token_mw(mw);
	ck_assert_uint_ne(tok, 0);
	ck_assert_uint_ne(tok, ndk_get_remote_token_mr(p.mr[0]));
	take(p.cq[0], &r, 1);
	ck_assert_int_eq(r.status, 0);
	ck_assert_uint_eq(r.type, NDK_OP_BIND);
	ck_assert_ptr_eq(r.request_context, (void *)0xb1);
	fill(p.buf[1], 512, 6);
	ck_assert_int_eq(write_b(&p, 0x1, (uintptr_t)(win + 100), tok, 512), 0);
	ck_assert_int_eq(memcmp(win + 100, p.buf[1], 512), 0);
	ck_assert_int_eq(ndk_invalidate(p.qp[0], (void *)0xb2, &mw->header, 0), 0);
	take(p.cq[0], &r, 1);
	ck_assert_int_eq(r.status, 0);
	ck_assert_uint_eq(r.type, NDK_OP_INVALIDATE);
	ck_assert_ptr_eq(r.request_context, (void *)0xb2);
	fill(p.buf[1], 512, 7);
	ck_assert_int_eq(write_b(&p, 0x2, (uintptr_t)(win + 100), tok, 512), -EREMOTEIO);
	ck_assert_int_ne(memcmp(win + 100, p.buf[1], 512), 0);
	nh_close_obj(mw);
	pair_close(&p);
}
END_TEST

/* A fast-register MR on side of p over [buf, buf + len) at base_va; its remote token. */
struct frmr {
	struct ndk_mr *mr;
	uint64_t pages[LAM_PAGES];
	uint32_t count;
	uint32_t fbo;
};

static void
fr_create(struct pair *p, int side, struct frmr *f)
{
	struct nh_call c = { 0 };

	memset(f, 0, sizeof(*f));
	ck_assert_int_eq(ndk_create_mr(p->pd[side], true, nh_create_cb, &c, &f->mr), 0);
	ck_assert_int_eq(ndk_init_fast_register_mr(f->mr, LAM_PAGES, true, nh_request_cb, &c),
			 NDK_PENDING);
	nh_wait(&c, "init_fast_register_mr");
	ck_assert_int_eq(c.status, 0);
	nh_sleep_ms(SETTLE_MS);
	ck_assert_int_eq(done(&c), 1);
	ck_assert_uint_ne(ndk_get_remote_token_mr(f->mr), 0);
}

static void
fr_register(struct pair *p, int side, struct frmr *f, uint8_t *buf, uint32_t len,
	    uintptr_t base)
{
	struct ndk_result_ex r;

	f->count = LAM_PAGES;
	ck_assert_int_eq(ndk_build_lam(nh_ad[side], buf, len, NULL, NULL, f->pages, &f->count,
				       &f->fbo), 0);
	ck_assert_int_eq(ndk_fast_register(p->qp[side], (void *)0xf1, f->mr, f->count,
					   f->pages, f->fbo, len, (void *)(base + f->fbo),
					   NDK_OP_FLAG_ALLOW_REMOTE_WRITE), 0);
	take(p->cq[side], &r, 1);
	ck_assert_int_eq(r.status, 0);
	ck_assert_uint_eq(r.type, NDK_OP_FAST_REGISTER);
	ck_assert_ptr_eq(r.request_context, (void *)0xf1);
}

#define FR_BASE		((uintptr_t)0x4000000000ull)

START_TEST(test_mem_fast_register)
{
	struct ndk_result_ex r;
	struct frmr f;
	struct pair p;
	uint8_t *mem, *buf;
	struct ndk_sge s;

	pair_open(&p);
	mem = aligned_alloc(4096, 3 * 4096);
	ck_assert_ptr_nonnull(mem);
	memset(mem, 0, 3 * 4096);
	buf = mem + 100;
	fr_create(&p, 1, &f);
	fr_register(&p, 1, &f, buf, 8000, FR_BASE);
	ck_assert_uint_eq(f.fbo, 100);
	ck_assert_uint_eq(f.count, 2);
	/* A writes at base_va + 500: the bytes land at buf + 500. */
	fill(p.buf[0], 3000, 2);
	s = sge(p.mr[0], p.buf[0], 3000);
	ck_assert_int_eq(ndk_write(p.qp[0], (void *)0xa, &s, 1, FR_BASE + f.fbo + 500,
				   ndk_get_remote_token_mr(f.mr), 0), 0);
	take(p.cq[0], &r, 1);
	ck_assert_int_eq(r.status, 0);
	ck_assert_int_eq(memcmp(buf + 500, p.buf[0], 3000), 0);
	ck_assert_int_eq(buf[499] | buf[3500], 0);
	ndk_release_lam(nh_ad[1], f.pages, f.count);
	nh_close_obj(f.mr);
	pair_close(&p);
	free(mem);
}
END_TEST

START_TEST(test_mem_send_invalidate)
{
	struct ndk_result_ex x;
	struct ndk_result r;
	struct ndk_sge s;
	struct frmr f;
	struct pair p;
	unsigned int t;
	uint32_t n = 0;
	uint8_t *mem;
	uint32_t tok;

	pair_open(&p);
	mem = aligned_alloc(4096, 2 * 4096);
	ck_assert_ptr_nonnull(mem);
	fr_create(&p, 1, &f);
	tok = ndk_get_remote_token_mr(f.mr);
	fr_register(&p, 1, &f, mem, 4096, FR_BASE);
	recv_on(&p, 1, 0x1, 0, 1024);
	recv_on(&p, 1, 0x2, 1024, 1024);
	s = sge(p.mr[0], p.buf[0], 64);
	ck_assert_int_eq(ndk_send_and_invalidate(p.qp[0], (void *)0xa, &s, 1, 0, tok), 0);
	take(p.cq[0], &x, 1);
	ck_assert_int_eq(x.status, 0);
	ck_assert_uint_eq(x.type, NDK_OP_SEND);
	take(p.cq[1], &x, 1);
	ck_assert_int_eq(x.status, 0);
	ck_assert_uint_eq(x.type, NDK_OP_RECEIVE_AND_INVALIDATE);
	ck_assert_uint_eq(x.type_specific, tok);
	ck_assert_uint_eq(x.bytes_transferred, 64);
	ck_assert_ptr_eq(x.request_context, (void *)0x1);
	/* It was invalidated: registering it again succeeds. */
	fr_register(&p, 1, &f, mem, 4096, FR_BASE);
	s = sge(p.mr[0], p.buf[0], 32);
	ck_assert_int_eq(ndk_send_and_invalidate(p.qp[0], (void *)0xb, &s, 1, 0, tok), 0);
	take(p.cq[0], &x, 1);
	ck_assert_int_eq(x.status, 0);
	/* Plain results return a receive-and-invalidate like any receive. */
	for (t = 0; t < NH_WAIT_MS * 10 && n == 0; t++) {
		n = ndk_get_cq_results(p.cq[1], &r, 1);
		if (n == 0)
			sleep_us(100);
	}
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(r.status, 0);
	ck_assert_uint_eq(r.bytes_transferred, 32);
	ck_assert_ptr_eq(r.request_context, (void *)0x2);
	ck_assert_ptr_eq(r.qp_context, &p.qp[1]);
	expect_empty(p.cq[1]);
	ndk_release_lam(nh_ad[1], f.pages, f.count);
	nh_close_obj(f.mr);
	pair_close(&p);
	free(mem);
}
END_TEST

/* 9. Shared receive queues. */

#define SRQ_QPS		2

START_TEST(test_srq_threshold)
{
	struct nh_call note = { 0 }, c = { 0 }, m = { 0 };
	struct ndk_qp *qa[SRQ_QPS], *qb[SRQ_QPS];
	struct ndk_result_ex r[16];
	struct ndk_sge s;
	struct ndk_srq *srq;
	struct pair p;
	uintptr_t i;
	int k;

	pair_open(&p);
	ck_assert_int_eq(ndk_create_srq(p.pd[1], 16, 1, 4, nh_notify_cb, &note, -1,
					nh_create_cb, &c, NULL), NDK_PENDING);
	nh_wait(&c, "create_srq");
	ck_assert_int_eq(c.status, 0);
	srq = (struct ndk_srq *)c.obj;
	/* Created empty, so already below the threshold: it fires at once, once. */
	ck_assert_int_eq(wait_n(&note, 1), 1);
	ck_assert_int_eq(note.status, 0);
	for (k = 0; k < SRQ_QPS; k++) {
		memset(&c, 0, sizeof(c));
		qa[k] = mk_qp(p.pd[0], p.cq[0], p.cq[0], NULL, 16);
		ck_assert_int_eq(ndk_create_qp_with_srq(p.pd[1], p.cq[1], p.cq[1], srq, &qb[k],
							16, QP_SGE, 0, nh_create_cb, &c, NULL),
				 NDK_PENDING);
		nh_wait(&c, "create_qp_with_srq");
		ck_assert_int_eq(c.status, 0);
		qb[k] = (struct ndk_qp *)c.obj;
		nh_connect(qa[k], qb[k]);
	}
	s = sge(p.mr[1], p.buf[1], 256);
	ck_assert_int_eq(ndk_receive(qb[0], NULL, &s, 1), -EINVAL);	/* the SRQ's job */
	for (i = 0; i < 8; i++) {
		s = sge(p.mr[1], p.buf[1] + i * 256, 256);
		ck_assert_int_eq(ndk_srq_receive(srq, (void *)(0x100 + i), &s, 1), 0);
	}
	/* Both QPs take from it: 6 of 8 consumed, 2 left, below 4 but disarmed. */
	for (i = 0; i < 6; i++) {
		s = sge(p.mr[0], p.buf[0], 100);
		ck_assert_int_eq(ndk_send(qa[i % SRQ_QPS], (void *)i, &s, 1, 0), 0);
	}
	take(p.cq[0], r, 6);
	take(p.cq[1], r, 6);
	for (i = 0; i < 6; i++) {
		ck_assert_int_eq(r[i].status, 0);
		ck_assert_uint_eq(r[i].bytes_transferred, 100);
		ck_assert((uintptr_t)r[i].request_context >= 0x100 &&
			  (uintptr_t)r[i].request_context < 0x108);
		ck_assert(r[i].qp_context == &qb[0] || r[i].qp_context == &qb[1]);
	}
	nh_sleep_ms(SETTLE_MS);
	ck_assert_int_eq(done(&note), 1);
	/* Refill to 10 and re-arm at 4: nothing yet. */
	for (i = 8; i < 16; i++) {
		s = sge(p.mr[1], p.buf[1] + (i - 8) * 256, 256);
		ck_assert_int_eq(ndk_srq_receive(srq, (void *)(0x100 + i), &s, 1), 0);
	}
	ck_assert_int_eq(ndk_modify_srq(srq, 0, 4, nh_request_cb, &m), NDK_PENDING);
	nh_wait(&m, "modify_srq");
	ck_assert_int_eq(m.status, 0);
	nh_sleep_ms(SETTLE_MS);
	ck_assert_int_eq(done(&m), 1);
	ck_assert_int_eq(done(&note), 1);
	/* 10 -> 4: still not below. */
	for (i = 0; i < 6; i++) {
		s = sge(p.mr[0], p.buf[0], 100);
		ck_assert_int_eq(ndk_send(qa[i % SRQ_QPS], (void *)i, &s, 1, 0), 0);
	}
	take(p.cq[0], r, 6);
	take(p.cq[1], r, 6);
	nh_sleep_ms(SETTLE_MS);
	ck_assert_int_eq(done(&note), 1);
	/* 4 -> 3: below, once; 3 -> 1: not again. */
	s = sge(p.mr[0], p.buf[0], 100);
	ck_assert_int_eq(ndk_send(qa[0], (void *)0x50, &s, 1, 0), 0);
	take(p.cq[0], r, 1);
	take(p.cq[1], r, 1);
	ck_assert_int_eq(wait_n(&note, 2), 2);
	ck_assert_int_eq(ndk_send(qa[1], (void *)0x51, &s, 1, 0), 0);
	ck_assert_int_eq(ndk_send(qa[0], (void *)0x52, &s, 1, 0), 0);
	take(p.cq[0], r, 2);
	take(p.cq[1], r, 2);
	nh_sleep_ms(SETTLE_MS);
	ck_assert_int_eq(done(&note), 2);
	for (k = 0; k < SRQ_QPS; k++) {
		nh_close_obj(qa[k]);
		nh_close_obj(qb[k]);
	}
	nh_close_obj(srq);
	pair_close(&p);
}
END_TEST


static Suite *
suite(void)
{
	Suite *s = suite_create("ndk-post");
	TCase *tc = tcase_create("post");

	tcase_add_checked_fixture(tc, nh_open, nh_close);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_post_inline_errors);
	tcase_add_test(tc, test_post_silent);
	tcase_add_test(tc, test_post_inline_many_sge);
	tcase_add_test(tc, test_post_inline_one_sge);
	tcase_add_test(tc, test_post_defer);
	tcase_add_test(tc, test_post_defer_then_error);
	tcase_add_test(tc, test_post_queue_depth);
	tcase_add_test(tc, test_post_refill_on_completion);
	tcase_add_test(tc, test_post_read_fence);
	tcase_add_test(tc, test_post_bad_token);
	tcase_add_test(tc, test_post_other_pd_token);
	tcase_add_test(tc, test_post_overlong);
	tcase_add_test(tc, test_flush_cancels);
	tcase_add_test(tc, test_flush_race);
	tcase_add_test(tc, test_args_null);
	tcase_add_test(tc, test_args_type);
	tcase_add_test(tc, test_args_limits);
	tcase_add_test(tc, test_args_other_adapter_cq);
	tcase_add_test(tc, test_args_register);
	tcase_add_test(tc, test_args_deregister);
	tcase_add_test(tc, test_status_table);
	tcase_add_test(tc, test_mem_privileged);
	tcase_add_test(tc, test_mem_mw);
	tcase_add_test(tc, test_mem_fast_register);
	tcase_add_test(tc, test_mem_send_invalidate);
	tcase_add_test(tc, test_srq_threshold);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	nh_init();
	return test_run_suite(suite());
}
