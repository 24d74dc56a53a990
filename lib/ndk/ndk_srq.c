/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Shared receive queues. The engine's ring is made for the depth asked at creation; a
 * modify may lower the depth the consumer can fill (and raise it back up to that), and
 * re-arms the threshold the control context watches.
 */
#include <errno.h>
#include <stdlib.h>

#include "ndk_pvt.h"

static void
srq_create_run(struct ctl_item *it)
{
	struct lib_srq *srq = container_of(it, struct lib_srq, o.item);
	struct lib_pd *pd = (struct lib_pd *)srq->o.ante[0];
	int ret = eng_srq_create(srq->o.ad->eng, pd->pdn, srq->capacity, &srq->esrq);

	if (ret == 0)
		TAILQ_INSERT_TAIL(&srq->o.ad->srqs, srq, srq_next);
	obj_create_done(&srq->o, ret);
}

static bool
srq_close_poll(struct obj *o)
{
	struct lib_srq *srq = container_of(o, struct lib_srq, o);

	/* Every QP on the SRQ has closed, and with them the slots' last reads. */
	TAILQ_REMOVE(&o->ad->srqs, srq, srq_next);
	eng_srq_destroy(srq->esrq);
	return true;
}

static void
srq_free(struct obj *o)
{
	free(container_of(o, struct lib_srq, o));
}

static const struct obj_ops srq_ops = {
	.name = "srq",
	.close_poll = srq_close_poll,
	.free = srq_free,
};

static int
modify_run(struct req_item *r)
{
	struct lib_srq *srq = container_of(r, struct lib_srq, req);

	if (r->args[0] != 0)
		__atomic_store_n(&srq->depth, (uint32_t)r->args[0], __ATOMIC_RELEASE);
	if (r->args[1] != 0)
		srq->threshold = (uint32_t)r->args[1];
	return 0;
}

/* The modify's end (req_finish()): the SRQ takes the next one. */
static void
modify_release(struct req_item *r)
{
	struct lib_srq *srq = container_of(r, struct lib_srq, req);

	__atomic_store_n(&srq->modifying, 0, __ATOMIC_RELEASE);
}

static int
srq_modify(struct ndk_srq *pub, uint32_t depth, uint32_t threshold, ndk_request_cb cb,
	   void *ctx)
{
	struct lib_srq *srq = (struct lib_srq *)pub;
	uint32_t zero = 0;

	if (cb == NULL || (depth != 0 && threshold > depth) ||
	    (depth == 0 && threshold > srq->depth))
		return -EINVAL;
	if (depth > srq->capacity)
		return -ENOTSUP;	/* the ring was sized at creation */
	if (!__atomic_compare_exchange_n(&srq->modifying, &zero, 1, false, __ATOMIC_ACQ_REL,
					 __ATOMIC_ACQUIRE))
		return -EBUSY;		/* one modify at a time */
	srq->req.args[0] = depth;
	srq->req.args[1] = threshold;
	return req_pending(&srq->req, &srq->o, modify_run, modify_release, cb, ctx);
}

int
srq_create(struct ndk_pd *pub, uint32_t depth, uint32_t max_sge, uint32_t threshold,
		    ndk_srq_notify_cb notify, void *notify_ctx, int lcore_hint, ndk_create_cb cb,
		    void *ctx, struct ndk_srq **out)
{
	struct lib_pd *pd = (struct lib_pd *)pub;
	struct ndk_adapter_info info;
	struct lib_srq *srq;

	RTE_SET_USED(lcore_hint);
	RTE_SET_USED(out);
	adapter_info(pd->o.ad, &info);
	if (cb == NULL || depth == 0 || depth > info.max_srq_depth || max_sge == 0 ||
	    max_sge > info.max_receive_request_sge || threshold > depth ||
	    (threshold != 0 && notify == NULL))
		return -EINVAL;
	if (obj_parent_ok(&pd->o) != 0)
		return -EBADF;
	srq = calloc(1, sizeof(*srq));
	if (srq == NULL)
		return -ENOMEM;
	obj_init(&srq->o, pd->o.ad, NDK_OBJECT_SRQ, &srq_dispatch, &srq_ops);
	srq->depth = depth;
	srq->capacity = depth;
	srq->max_sge = max_sge;
	srq->threshold = threshold;
	srq->notify = notify;
	srq->notify_ctx = notify_ctx;
	obj_hold_ante(&srq->o, &pd->o);		/* ante[0]: the PD */
	return obj_create_pending(&srq->o, srq_create_run, cb, ctx);
}

const struct ndk_srq_dispatch srq_dispatch = {
	.close = obj_close_fn,
	.query_extension = ext_none,
	.modify = srq_modify,
	.receive = srq_post_receive,
};
