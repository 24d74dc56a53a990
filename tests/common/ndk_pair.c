/* SPDX-License-Identifier: BSD-3-Clause */
/* Shared helpers of the NDK conformance suites. */
#include <errno.h>
#include <string.h>
#include <time.h>

#include <rte_common.h>

#include "ndk_pair.h"

int
done(const struct nh_call *c)
{
	return __atomic_load_n(&c->done, __ATOMIC_SEQ_CST);
}

void
sleep_us(long us)
{
	struct timespec ts = { 0, us * 1000 };

	nanosleep(&ts, NULL);
}

/* Wait until c has seen at least n callbacks, or time out. @return what it saw. */
int
wait_n(const struct nh_call *c, int n)
{
	unsigned int t;

	for (t = 0; t < NH_WAIT_MS * 10 && done(c) < n; t++)
		sleep_us(100);
	return done(c);
}

/* Nothing more arrives on cq once things have settled. */
void
expect_empty(struct ndk_cq *cq)
{
	struct ndk_result_ex r;

	nh_sleep_ms(SETTLE_MS);
	ck_assert_uint_eq(ndk_get_cq_results_ex(cq, &r, 1), 0);
}

/* Exactly n completions arrive on cq. */
void
take(struct ndk_cq *cq, struct ndk_result_ex *r, uint32_t n)
{
	uint32_t got = nh_results(cq, r, n, NH_WAIT_MS);

	ck_assert_msg(got == n, "%u of %u completions", got, n);
}

struct ndk_qp *
mk_qp(struct ndk_pd *pd, struct ndk_cq *rcq, struct ndk_cq *icq, void *qp_ctx,
      uint32_t depth)
{
	struct nh_call c = { 0 };
	int ret = ndk_create_qp(pd, rcq, icq, qp_ctx, depth, depth, QP_SGE, QP_SGE, QP_INLINE,
				nh_create_cb, &c, NULL);

	ck_assert_int_eq(ret, NDK_PENDING);
	nh_wait(&c, "create_qp");
	ck_assert_int_eq(c.status, 0);
	return (struct ndk_qp *)c.obj;
}

/* Open a pair; notify/ctx for side i's CQ (NULL: the harness's counter). */
void
pair_open_cb(struct pair *p, ndk_cq_notify_cb n0, void *c0, ndk_cq_notify_cb n1, void *c1,
	     uint32_t cq_depth)
{
	ndk_cq_notify_cb fn[2] = { n0, n1 };
	void *ctx[2] = { c0, c1 };
	int i;

	memset(p, 0, sizeof(*p));
	for (i = 0; i < 2; i++) {
		p->pd[i] = nh_pd(i);
		p->cq[i] = nh_cq(i, cq_depth, fn[i], ctx[i]);
		p->qp[i] = mk_qp(p->pd[i], p->cq[i], p->cq[i], &p->qp[i], QP_DEPTH);
		p->mr[i] = nh_mr(p->pd[i], p->buf[i], sizeof(p->buf[i]),
				 NDK_MR_FLAG_REMOTE_WRITE | NDK_MR_FLAG_REMOTE_READ);
	}
	nh_connect(p->qp[0], p->qp[1]);
}

void
pair_open(struct pair *p)
{
	pair_open_cb(p, NULL, NULL, NULL, NULL, 256);
}

/* Close what is left of a pair (members set to NULL were closed by the test). */
void
pair_close(struct pair *p)
{
	int i;

	for (i = 0; i < 2; i++) {
		if (p->qp[i] != NULL)
			nh_close_obj(p->qp[i]);
		if (p->mr[i] != NULL)
			nh_close_obj(p->mr[i]);
		if (p->cq[i] != NULL)
			nh_close_obj(p->cq[i]);
		if (p->pd[i] != NULL)
			nh_close_obj(p->pd[i]);
	}
}

struct ndk_sge
sge(struct ndk_mr *mr, void *va, uint32_t len)
{
	return (struct ndk_sge){ .va = va, .length = len, .token = ndk_get_local_token_mr(mr) };
}

void
recv_on(struct pair *p, int side, uintptr_t ctx, uint32_t off, uint32_t len)
{
	struct ndk_sge s = sge(p->mr[side], p->buf[side] + off, len);

	ck_assert_int_eq(ndk_receive(p->qp[side], (void *)ctx, &s, 1), 0);
}

void
send_from(struct pair *p, int side, uintptr_t ctx, uint32_t off, uint32_t len, uint32_t flags)
{
	struct ndk_sge s = sge(p->mr[side], p->buf[side] + off, len);

	ck_assert_int_eq(ndk_send(p->qp[side], (void *)ctx, &s, 1, flags), 0);
}

/* A writes len bytes from its buffer into B's at off. */
void
write_a(struct pair *p, uintptr_t ctx, uint32_t off, uint32_t len)
{
	struct ndk_sge s = sge(p->mr[0], p->buf[0], len);

	ck_assert_int_eq(ndk_write(p->qp[0], (void *)ctx, &s, 1, (uintptr_t)(p->buf[1] + off),
				   ndk_get_remote_token_mr(p->mr[1]), 0), 0);
}

void
fill(uint8_t *b, size_t n, unsigned int seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		b[i] = (uint8_t)(i * 13 + seed * 7 + 1);
}

/* Close obj and check the close is pending (it waits for something). */
void
close_pending(void *obj, struct nh_call *c)
{
	ck_assert_int_eq(ndk_close(obj, nh_close_cb, c), NDK_PENDING);
}

void
live_counts(int side, unsigned int counts[NDK_OBJECT_MAX])
{
	ck_assert_int_ge(ndk_adapter_live(nh_ad[side], counts), 0);
}


struct ndk_mw *
mk_mw(struct ndk_pd *pd)
{
	struct nh_call c = { 0 };

	ck_assert_int_eq(ndk_create_mw(pd, nh_create_cb, &c, NULL), NDK_PENDING);
	nh_wait(&c, "create_mw");
	ck_assert_int_eq(c.status, 0);
	return (struct ndk_mw *)c.obj;
}
