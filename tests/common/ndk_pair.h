/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef NDK_PAIR_H
#define NDK_PAIR_H

/*
 * Helpers of the NDK conformance suites (test_ndk_contract.c, test_ndk_post.c): a
 * connected QP pair with PDs, CQs and registered buffers on both sides, posting and
 * polling shortcuts.
 */
#include <stdint.h>

#include "ndk_harness.h"

#define SETTLE_MS	30u	/* long enough for a wrong callback or completion to show */
#define SENTINEL	((void *)(uintptr_t)0x5e5e5e50)
#define BUF_SIZE	8192u
#define QP_DEPTH	64u
#define QP_SGE		4u
#define QP_INLINE	64u
#define LAM_PAGES	8u

/* A connected pair of QPs with their PDs, CQs and a registered buffer on each side. */
struct pair {
	struct ndk_pd *pd[2];
	struct ndk_cq *cq[2];
	struct ndk_qp *qp[2];
	struct ndk_mr *mr[2];
	uint8_t buf[2][BUF_SIZE];
};

int done(const struct nh_call *c);
void sleep_us(long us);
int wait_n(const struct nh_call *c, int n);
void expect_empty(struct ndk_cq *cq);
void take(struct ndk_cq *cq, struct ndk_result_ex *r, uint32_t n);
struct ndk_qp *mk_qp(struct ndk_pd *pd, struct ndk_cq *rcq, struct ndk_cq *icq, void *qp_ctx,
		     uint32_t depth);
void pair_open_cb(struct pair *p, ndk_cq_notify_cb n0, void *c0, ndk_cq_notify_cb n1,
		  void *c1, uint32_t cq_depth);
void pair_open(struct pair *p);
void pair_close(struct pair *p);
struct ndk_sge sge(struct ndk_mr *mr, void *va, uint32_t len);
void recv_on(struct pair *p, int side, uintptr_t ctx, uint32_t off, uint32_t len);
void send_from(struct pair *p, int side, uintptr_t ctx, uint32_t off, uint32_t len,
	       uint32_t flags);
void write_a(struct pair *p, uintptr_t ctx, uint32_t off, uint32_t len);
void fill(uint8_t *b, size_t n, unsigned int seed);
void close_pending(void *obj, struct nh_call *c);
void live_counts(int side, unsigned int counts[NDK_OBJECT_MAX]);
struct ndk_mw *mk_mw(struct ndk_pd *pd);

#endif /* NDK_PAIR_H */
