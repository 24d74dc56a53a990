/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Memory regions and windows. An MR object exists before and after its registration:
 * register and deregister are requests the control context runs (the engine's key table
 * has one writer). A deregistration completes only after a grace period, so the consumer
 * may free the buffer the moment it is told: no slot still copies into it.
 */
#include <errno.h>
#include <stdlib.h>

#include <droce/ndk_ext.h>

#include "ndk_pvt.h"

#define MR_FLAGS_ALL	(NDK_MR_FLAG_LOCAL_WRITE | NDK_MR_FLAG_REMOTE_READ | \
			 NDK_MR_FLAG_REMOTE_WRITE | NDK_MR_FLAG_RDMA_READ_SINK | \
			 NDK_MR_FLAG_DROCE_REMOTE_ATOMIC)

static uint32_t
mr_access(uint32_t flags)
{
	uint32_t a = 0;

	if (flags & NDK_MR_FLAG_LOCAL_WRITE)
		a |= ENG_ACCESS_LOCAL_WRITE;
	if (flags & NDK_MR_FLAG_REMOTE_READ)
		a |= ENG_ACCESS_REMOTE_READ;
	/* REMOTE_WRITE's value carries LOCAL_WRITE's bit (0x5 = 0x4 | 0x1). */
	if ((flags & NDK_MR_FLAG_REMOTE_WRITE) == NDK_MR_FLAG_REMOTE_WRITE)
		a |= ENG_ACCESS_REMOTE_WRITE;
	/* A READ lands in any MR with local write (RDMA_READ_SINK_NOT_REQUIRED). */
	if (flags & NDK_MR_FLAG_RDMA_READ_SINK)
		a |= ENG_ACCESS_LOCAL_WRITE;
	/* ndk_ext.h: atomics write the region, so the flag carries local write too. */
	if ((flags & NDK_MR_FLAG_DROCE_REMOTE_ATOMIC) == NDK_MR_FLAG_DROCE_REMOTE_ATOMIC)
		a |= ENG_ACCESS_REMOTE_ATOMIC | ENG_ACCESS_LOCAL_WRITE;
	return a;
}

/* Take the MR for one request at a time: a second while one runs is a consumer bug. */
static bool
mr_claim(struct lib_mr *mr)
{
	uint32_t zero = 0;

	return __atomic_compare_exchange_n(&mr->busy, &zero, 1, false, __ATOMIC_ACQ_REL,
					   __ATOMIC_ACQUIRE);
}

static void
mr_release(struct lib_mr *mr)
{
	__atomic_store_n(&mr->busy, 0, __ATOMIC_RELEASE);
}

/* A request's end (req_finish()): the MR takes its next request. */
static void
mr_req_release(struct req_item *r)
{
	mr_release(container_of(r, struct lib_mr, req));
}

static int
register_run(struct req_item *r)
{
	struct lib_mr *mr = container_of(r, struct lib_mr, req);
	struct eng_mr *emr;
	int ret = eng_mr_reg(mr->o.ad->eng, mr->pd->pdn, (void *)(uintptr_t)r->args[0],
			     r->args[1], (uint32_t)r->args[2], &emr);

	if (ret == 0) {
		mr->emr = emr;
		__atomic_store_n(&mr->lkey, eng_mr_lkey(emr), __ATOMIC_RELEASE);
		__atomic_store_n(&mr->rkey, eng_mr_rkey(emr), __ATOMIC_RELEASE);
	}
	return ret;
}

static int
mr_register(struct ndk_mr *pub, void *buf, size_t length, uint32_t flags, ndk_request_cb cb,
	    void *ctx)
{
	struct lib_mr *mr = (struct lib_mr *)pub;
	struct ndk_adapter_info info;

	adapter_info(mr->o.ad, &info);
	if (buf == NULL || length == 0 || length > info.max_registration_size ||
	    (flags & ~MR_FLAGS_ALL) != 0 || cb == NULL || mr->fast)
		return -EINVAL;
	if (!mr_claim(mr))
		return -EINVAL;
	if (mr->emr != NULL) {
		mr_release(mr);
		return -EINVAL;		/* already registered */
	}
	mr->req.args[0] = (uintptr_t)buf;
	mr->req.args[1] = length;
	mr->req.args[2] = mr_access(flags);
	return req_pending(&mr->req, &mr->o, register_run, mr_req_release, cb, ctx);
}

/* Deregistration: unpublish the key now, complete after the grace period. */
static int
deregister_run(struct req_item *r)
{
	struct lib_mr *mr = container_of(r, struct lib_mr, req);

	if (mr->old == NULL) {
		mr->old = mr->emr;
		mr->emr = NULL;
		__atomic_store_n(&mr->lkey, 0, __ATOMIC_RELEASE);
		__atomic_store_n(&mr->rkey, 0, __ATOMIC_RELEASE);
		eng_mr_close_start(mr->old);
	}
	if (!eng_mr_close_poll(mr->old))
		return NDK_PENDING;
	mr->old = NULL;
	return 0;
}

static int
mr_deregister(struct ndk_mr *pub, ndk_request_cb cb, void *ctx)
{
	struct lib_mr *mr = (struct lib_mr *)pub;

	if (cb == NULL || mr->fast)
		return -EINVAL;
	if (!mr_claim(mr))
		return -EINVAL;
	if (mr->emr == NULL) {
		mr_release(mr);
		return -EINVAL;		/* not registered */
	}
	return req_pending(&mr->req, &mr->o, deregister_run, mr_req_release, cb, ctx);
}

static int
init_fr_run(struct req_item *r)
{
	struct lib_mr *mr = container_of(r, struct lib_mr, req);
	struct eng_mr *emr;
	int ret = eng_mr_alloc_fr(mr->o.ad->eng, mr->pd->pdn, (uint32_t)r->args[0],
				  r->args[1] != 0, &emr);

	if (ret == 0) {
		mr->emr = emr;
		mr->max_pages = (uint32_t)r->args[0];
		__atomic_store_n(&mr->lkey, eng_mr_lkey(emr), __ATOMIC_RELEASE);
		__atomic_store_n(&mr->rkey, eng_mr_rkey(emr), __ATOMIC_RELEASE);
	}
	return ret;
}

static int
mr_init_fast_register(struct ndk_mr *pub, uint32_t page_count, bool remote,
		      ndk_request_cb cb, void *ctx)
{
	struct lib_mr *mr = (struct lib_mr *)pub;
	struct ndk_adapter_info info;

	adapter_info(mr->o.ad, &info);
	if (!mr->fast || page_count == 0 || cb == NULL)
		return -EINVAL;
	if (page_count > info.frmr_page_count * 16)
		return -E2BIG;
	if (!mr_claim(mr))
		return -EINVAL;
	/* NDK lets it be called again; droce keeps the first allocation's key. */
	if (mr->emr != NULL) {
		mr_release(mr);
		return page_count <= mr->max_pages ? 0 : -E2BIG;
	}
	mr->req.args[0] = page_count;
	mr->req.args[1] = remote;
	return req_pending(&mr->req, &mr->o, init_fr_run, mr_req_release, cb, ctx);
}

static uint32_t
mr_remote_token(struct ndk_mr *pub)
{
	return __atomic_load_n(&((struct lib_mr *)pub)->rkey, __ATOMIC_ACQUIRE);
}

static uint32_t
mr_local_token(struct ndk_mr *pub)
{
	return __atomic_load_n(&((struct lib_mr *)pub)->lkey, __ATOMIC_ACQUIRE);
}

/* A never-registered MR has nothing in the engine: it closes inline. */
static bool
mr_close_inline(struct obj *o)
{
	struct lib_mr *mr = container_of(o, struct lib_mr, o);

	return mr->emr == NULL && __atomic_load_n(&mr->busy, __ATOMIC_ACQUIRE) == 0;
}

static int
mr_close_fn(struct ndk_object_header *hdr, ndk_close_cb cb, void *ctx)
{
	return obj_close((struct obj *)hdr, cb, ctx, mr_close_inline);
}

static bool
mr_close_poll(struct obj *o)
{
	struct lib_mr *mr = container_of(o, struct lib_mr, o);

	/* No request is pending any more (they hold references). */
	if (mr->emr == NULL)
		return true;
	if (!mr->closing) {
		eng_mr_close_start(mr->emr);
		mr->closing = true;
	}
	if (!eng_mr_close_poll(mr->emr))
		return false;
	mr->emr = NULL;
	return true;
}

static void
mr_free(struct obj *o)
{
	free(container_of(o, struct lib_mr, o));
}

static const struct obj_ops mr_ops = {
	.name = "mr",
	.close_poll = mr_close_poll,
	.free = mr_free,
};

int
mr_create(struct ndk_pd *pub, bool fast, ndk_create_cb cb, void *ctx,
		   struct ndk_mr **out)
{
	struct lib_pd *pd = (struct lib_pd *)pub;
	struct lib_mr *mr;

	RTE_SET_USED(cb);	/* completes inline */
	RTE_SET_USED(ctx);
	if (out == NULL)
		return -EINVAL;
	if (obj_parent_ok(&pd->o) != 0)
		return -EBADF;
	mr = calloc(1, sizeof(*mr));
	if (mr == NULL)
		return -ENOMEM;
	obj_init(&mr->o, pd->o.ad, NDK_OBJECT_MR, &mr_dispatch, &mr_ops);
	mr->pd = pd;
	mr->fast = fast;
	obj_hold_ante(&mr->o, &pd->o);
	obj_publish(&mr->o);
	*out = (struct ndk_mr *)mr;
	return 0;
}

const struct ndk_mr_dispatch mr_dispatch = {
	.close = mr_close_fn,
	.query_extension = ext_none,
	.register_mr = mr_register,
	.deregister_mr = mr_deregister,
	.init_fast_register = mr_init_fast_register,
	.get_remote_token = mr_remote_token,
	.get_local_token = mr_local_token,
};

/* Memory windows. */

static void
mw_create_run(struct ctl_item *it)
{
	struct lib_mw *mw = container_of(it, struct lib_mw, o.item);
	int ret = eng_mw_alloc(mw->o.ad->eng, mw->pd->pdn, &mw->emw);

	if (ret == 0)
		mw->rkey = eng_mw_rkey(mw->emw);
	obj_create_done(&mw->o, ret);
}

static bool
mw_close_poll(struct obj *o)
{
	struct lib_mw *mw = container_of(o, struct lib_mw, o);

	if (!mw->closing) {
		eng_mw_close_start(mw->emw);
		mw->closing = true;
	}
	return eng_mw_close_poll(mw->emw);
}

static void
mw_free(struct obj *o)
{
	struct lib_mw *mw = container_of(o, struct lib_mw, o);

	if (mw->bound != NULL)
		obj_unref(&mw->bound->o);
	free(mw);
}

static const struct obj_ops mw_ops = {
	.name = "mw",
	.close_poll = mw_close_poll,
	.free = mw_free,
};

static uint32_t
mw_remote_token(struct ndk_mw *pub)
{
	return ((struct lib_mw *)pub)->rkey;
}

int
mw_create(struct ndk_pd *pub, ndk_create_cb cb, void *ctx, struct ndk_mw **out)
{
	struct lib_pd *pd = (struct lib_pd *)pub;
	struct lib_mw *mw;

	RTE_SET_USED(out);
	if (cb == NULL)
		return -EINVAL;
	if (obj_parent_ok(&pd->o) != 0)
		return -EBADF;
	mw = calloc(1, sizeof(*mw));
	if (mw == NULL)
		return -ENOMEM;
	obj_init(&mw->o, pd->o.ad, NDK_OBJECT_MW, &mw_dispatch, &mw_ops);
	mw->pd = pd;
	obj_hold_ante(&mw->o, &pd->o);
	return obj_create_pending(&mw->o, mw_create_run, cb, ctx);
}

const struct ndk_mw_dispatch mw_dispatch = {
	.close = obj_close_fn,
	.query_extension = ext_none,
	.get_remote_token = mw_remote_token,
};
