/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Posting work requests: NDK's calls become engine work requests on the QP's queues.
 * Sends, writes and reads are built in their send queue entry (eng_post_send_begin()),
 * where the engine takes them: no copy of the request on the way. The consumer
 * serialises posting per queue, so there are no locks here. An inline error leaves no
 * trace; a request the engine accepted completes exactly once (a silent success
 * excepted). Local tokens are checked by the engine when it reaches the request.
 *
 * DEFER is doorbell batching: the request is queued (checked, inline data copied) but
 * not published, and the slot sees the batch at the next post without DEFER. An
 * inline error rings the doorbell before it is returned, so the requests deferred before
 * it are submitted (NDK deferred processing).
 */
#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>

#include <droce/ndk_ext.h>

#include "ndk_pvt.h"

#define PAGE_4K		4096u
#define COMMON_FLAGS	(NDK_OP_FLAG_SILENT_SUCCESS | NDK_OP_FLAG_READ_FENCE | \
			 NDK_OP_FLAG_DEFER)
#define SEND_FLAGS	(COMMON_FLAGS | NDK_OP_FLAG_SEND_AND_SOLICIT_EVENT | NDK_OP_FLAG_INLINE)
#define RDMA_FLAGS	(COMMON_FLAGS | NDK_OP_FLAG_INLINE)
#define MW_FLAGS	(COMMON_FLAGS | NDK_OP_FLAG_ALLOW_REMOTE_READ | \
			 NDK_OP_FLAG_ALLOW_REMOTE_WRITE)
#define FR_FLAGS	(MW_FLAGS | NDK_OP_FLAG_ALLOW_LOCAL_WRITE | NDK_OP_FLAG_RDMA_READ_SINK)

/* An inline error: what was deferred before it goes to the engine first. */
static int
refuse(struct lib_qp *qp, int ret)
{
	eng_post_doorbell(qp->eqp);
	return ret;
}

/* The common checks of an initiator post: the QP may take work, the flags are known. */
static int
check(struct lib_qp *qp, uint32_t flags, uint32_t allowed)
{
	if (!obj_live(&qp->o))
		return -ENOTCONN;
	if ((flags & ~allowed) != 0)
		return -EINVAL;
	return 0;
}

/* The head of a WR: cleared, then what every initiator request has. */
static void
init_wr(struct eng_send_wr *wr, uint32_t flags, uint64_t req_ctx)
{
	memset(wr, 0, offsetof(struct eng_send_wr, sge));
	wr->wr_id = req_ctx;
	if (!(flags & NDK_OP_FLAG_SILENT_SUCCESS))
		wr->flags |= ENG_WR_SIGNALED;
	if (flags & NDK_OP_FLAG_READ_FENCE)
		wr->flags |= ENG_WR_FENCE;
	if (flags & NDK_OP_FLAG_SEND_AND_SOLICIT_EVENT)
		wr->flags |= ENG_WR_SOLICITED;
}

static int
begin(struct lib_qp *qp, uint32_t flags, uint32_t allowed, uint64_t req_ctx,
      struct eng_send_wr *wr)
{
	int ret = check(qp, flags, allowed);

	if (ret == 0)
		init_wr(wr, flags, req_ctx);
	return ret;
}

/*
 * The SGEs, into a WR built in its queue entry. INLINE: the bytes are gathered into the
 * entry now (the count may exceed the QP's SGE limit, tokens are ignored).
 */
static int
set_sges(struct lib_qp *qp, struct eng_send_wr *wr, const struct ndk_sge *sge, uint32_t nsge,
	 uint32_t flags)
{
	uint32_t i, len = 0;

	if (nsge > 0 && sge == NULL)
		return -EINVAL;
	if (!(flags & NDK_OP_FLAG_INLINE)) {
		if (nsge > qp->max_isge)
			return -EINVAL;
		for (i = 0; i < nsge; i++)
			wr->sge[i] = (struct eng_sge){ .addr = sge[i].logical,
						       .length = sge[i].length,
						       .lkey = sge[i].token };
		wr->num_sge = (uint8_t)nsge;
		return 0;
	}
	wr->flags |= ENG_WR_INLINE;
	for (i = 0; i < nsge; i++) {
		if (sge[i].length > qp->inline_size - len)
			return -EINVAL;
		memcpy(wr->inline_data + len, sge[i].va, sge[i].length);
		len += sge[i].length;
	}
	wr->inline_len = len;
	return 0;
}

static struct lib_qp *
qp_of(struct ndk_qp *pub)
{
	return (struct lib_qp *)pub;
}

static int
post_imm(struct ndk_qp *pub, void *req_ctx, const struct ndk_sge *sge, uint32_t nsge,
	 uint32_t flags, uint32_t allowed, uint8_t opcode, uint64_t raddr, uint32_t rtoken,
	 uint32_t imm)
{
	struct lib_qp *qp = qp_of(pub);
	struct eng_send_wr *wr;
	int ret = check(qp, flags, allowed);

	/* In place: the WR is built in its send queue entry, the engine takes it there. */
	if (ret == 0)
		ret = eng_post_send_begin(qp->eqp, &wr);
	if (ret == 0) {
		init_wr(wr, flags, (uintptr_t)req_ctx);
		ret = set_sges(qp, wr, sge, nsge, flags);
	}
	if (ret != 0)
		return refuse(qp, ret);
	wr->opcode = opcode;
	wr->remote_addr = raddr;
	wr->rkey = rtoken;
	wr->inv_rkey = rtoken;
	wr->imm = rte_cpu_to_be_32(imm);
	return eng_post_send_end(qp->eqp, (flags & NDK_OP_FLAG_DEFER) != 0);
}

static int
post_data(struct ndk_qp *pub, void *req_ctx, const struct ndk_sge *sge, uint32_t nsge,
	  uint32_t flags, uint32_t allowed, uint8_t opcode, uint64_t raddr, uint32_t rtoken)
{
	return post_imm(pub, req_ctx, sge, nsge, flags, allowed, opcode, raddr, rtoken, 0);
}

int
qp_post_send(struct ndk_qp *pub, void *req_ctx, const struct ndk_sge *sge,
		   uint32_t nsge, uint32_t flags)
{
	return post_data(pub, req_ctx, sge, nsge, flags, SEND_FLAGS, ENG_WR_SEND, 0, 0);
}

int
qp_post_send_inv(struct ndk_qp *pub, void *req_ctx, const struct ndk_sge *sge,
		       uint32_t nsge, uint32_t flags, uint32_t rtoken)
{
	return post_data(pub, req_ctx, sge, nsge, flags, SEND_FLAGS, ENG_WR_SEND_INV, 0,
			 rtoken);
}

int
qp_post_read(struct ndk_qp *pub, void *req_ctx, const struct ndk_sge *sge,
		   uint32_t nsge, uint64_t raddr, uint32_t rtoken, uint32_t flags)
{
	/* A READ's data lands in the SGEs: inline means nothing for it. */
	return post_data(pub, req_ctx, sge, nsge, flags, COMMON_FLAGS, ENG_WR_READ, raddr,
			 rtoken);
}

int
qp_post_write(struct ndk_qp *pub, void *req_ctx, const struct ndk_sge *sge,
		    uint32_t nsge, uint64_t raddr, uint32_t rtoken, uint32_t flags)
{
	return post_data(pub, req_ctx, sge, nsge, flags, RDMA_FLAGS, ENG_WR_WRITE, raddr,
			 rtoken);
}

static int
recv_wr(const struct ndk_sge *sge, uint32_t nsge, uint32_t max_sge, void *req_ctx,
	struct eng_recv_wr *wr)
{
	uint32_t i;

	if (nsge > max_sge || (nsge > 0 && sge == NULL))
		return -EINVAL;
	wr->wr_id = (uintptr_t)req_ctx;
	wr->num_sge = nsge;
	for (i = 0; i < nsge; i++)
		wr->sge[i] = (struct eng_sge){ .addr = sge[i].logical, .length = sge[i].length,
					       .lkey = sge[i].token };
	return 0;
}

int
qp_post_receive(struct ndk_qp *pub, void *req_ctx, const struct ndk_sge *sge,
		      uint32_t nsge)
{
	struct lib_qp *qp = qp_of(pub);
	struct eng_recv_wr wr;
	int ret;

	if (!obj_live(&qp->o))
		return -ENOTCONN;
	if (qp->srq != NULL)
		return -EINVAL;		/* receives come from the SRQ */
	ret = recv_wr(sge, nsge, qp->max_rsge, req_ctx, &wr);
	return ret != 0 ? ret : eng_post_recv(qp->eqp, &wr);
}

int
srq_post_receive(struct ndk_srq *pub, void *req_ctx, const struct ndk_sge *sge,
		     uint32_t nsge)
{
	struct lib_srq *srq = (struct lib_srq *)pub;
	struct eng_recv_wr wr;
	int ret;

	if (!obj_live(&srq->o))
		return -ENOTCONN;
	ret = recv_wr(sge, nsge, srq->max_sge, req_ctx, &wr);
	if (ret != 0)
		return ret;
	if (eng_srq_count(srq->esrq) >= __atomic_load_n(&srq->depth, __ATOMIC_ACQUIRE))
		return -ENOMEM;
	return eng_post_srq_recv(srq->esrq, &wr);
}

static uint32_t
access_of(uint32_t flags)
{
	uint32_t a = 0;

	if (flags & NDK_OP_FLAG_ALLOW_REMOTE_READ)
		a |= ENG_ACCESS_REMOTE_READ;
	if ((flags & NDK_OP_FLAG_ALLOW_REMOTE_WRITE) == NDK_OP_FLAG_ALLOW_REMOTE_WRITE)
		a |= ENG_ACCESS_REMOTE_WRITE | ENG_ACCESS_LOCAL_WRITE;
	if (flags & (NDK_OP_FLAG_ALLOW_LOCAL_WRITE | NDK_OP_FLAG_RDMA_READ_SINK))
		a |= ENG_ACCESS_LOCAL_WRITE;
	return a;
}

int
qp_post_bind(struct ndk_qp *pub, void *req_ctx, struct ndk_mr *mrp, struct ndk_mw *mwp,
		   void *va, size_t length, uint32_t flags)
{
	struct lib_qp *qp = qp_of(pub);
	struct lib_mr *mr;
	struct lib_mw *mw;
	struct eng_send_wr wr;
	int ret = begin(qp, flags, MW_FLAGS, (uintptr_t)req_ctx, &wr);

	if (ret != 0)
		return refuse(qp, ret);
	mr = (struct lib_mr *)obj_get(mrp, NDK_OBJECT_MR, &ret);
	if (mr == NULL)
		return refuse(qp, ret);
	mw = (struct lib_mw *)obj_get(mwp, NDK_OBJECT_MW, &ret);
	if (mw == NULL)
		return refuse(qp, ret);
	/* NDK: no zero-based windows; both in the QP's PD; the MR registered. */
	if (va == NULL || length == 0 || mr->pd != qp->pd || mw->pd != qp->pd ||
	    mr->emr == NULL || mr->fast || !obj_live(&mr->o) || !obj_live(&mw->o))
		return refuse(qp, -EINVAL);
	wr.opcode = ENG_WR_BIND_MW;
	wr.bind.mw = mw->emw;
	wr.bind.mr = mr->emr;
	wr.bind.addr = (uintptr_t)va;
	wr.bind.length = length;
	wr.bind.access = access_of(flags) & ~ENG_ACCESS_LOCAL_WRITE;
	ret = eng_post_send_defer(qp->eqp, &wr, (flags & NDK_OP_FLAG_DEFER) != 0);
	if (ret != 0)
		return refuse(qp, ret);
	/* From the bind on, the MR is the MW's antecedent (NDK 1.3). */
	if (mw->bound != mr) {
		struct lib_mr *old = mw->bound;

		obj_ref(&mr->o);
		mw->bound = mr;
		if (old != NULL)
			obj_unref(&old->o);
	}
	return 0;
}

int
qp_post_fr(struct ndk_qp *pub, void *req_ctx, struct ndk_mr *mrp, uint32_t page_count,
		 const uint64_t *pages, uint32_t fbo, size_t length, void *base_va,
		 uint32_t flags)
{
	struct lib_qp *qp = qp_of(pub);
	struct eng_send_wr wr;
	struct lib_mr *mr;
	uint32_t i;
	int ret = begin(qp, flags, FR_FLAGS, (uintptr_t)req_ctx, &wr);

	if (ret != 0)
		return refuse(qp, ret);
	mr = (struct lib_mr *)obj_get(mrp, NDK_OBJECT_MR, &ret);
	if (mr == NULL)
		return refuse(qp, ret);
	if (!mr->fast || mr->emr == NULL || !obj_live(&mr->o) || mr->pd != qp->pd ||
	    pages == NULL || page_count == 0 || page_count > mr->max_pages || fbo >= PAGE_4K ||
	    length == 0 ||
	    fbo + length > (uint64_t)page_count * PAGE_4K || base_va == NULL ||
	    ((uintptr_t)base_va & (PAGE_4K - 1)) != fbo)
		return refuse(qp, -EINVAL);
	/* Logical addresses are process addresses; the engine maps one contiguous run. */
	for (i = 1; i < page_count; i++)
		if (pages[i] != pages[0] + (uint64_t)i * PAGE_4K)
			return refuse(qp, -EINVAL);
	wr.opcode = ENG_WR_REG_MR;
	wr.reg.mr = mr->emr;
	wr.reg.mem = pages[0] + fbo;
	wr.reg.va = (uintptr_t)base_va;
	wr.reg.length = length;
	wr.reg.access = access_of(flags);
	return eng_post_send_defer(qp->eqp, &wr, (flags & NDK_OP_FLAG_DEFER) != 0);
}

int
qp_post_invalidate(struct ndk_qp *pub, void *req_ctx, struct ndk_object_header *target,
			 uint32_t flags)
{
	struct lib_qp *qp = qp_of(pub);
	struct eng_send_wr wr;
	struct obj *o;
	int ret = begin(qp, flags, COMMON_FLAGS, (uintptr_t)req_ctx, &wr);

	if (ret != 0)
		return refuse(qp, ret);
	if (target == NULL)
		return refuse(qp, -EINVAL);
	if (target->type == NDK_OBJECT_MW) {
		o = obj_get(target, NDK_OBJECT_MW, &ret);
		if (o == NULL)
			return refuse(qp, ret);
		wr.inv_rkey = ((struct lib_mw *)o)->rkey;
	} else {
		o = obj_get(target, NDK_OBJECT_MR, &ret);
		if (o == NULL)
			return refuse(qp, ret);
		/* Only fast-registered MRs; a registered one is deregistered instead. */
		if (!((struct lib_mr *)o)->fast || ((struct lib_mr *)o)->emr == NULL)
			return refuse(qp, -EINVAL);
		wr.inv_rkey = ((struct lib_mr *)o)->rkey;
	}
	wr.opcode = ENG_WR_LOCAL_INV;
	return eng_post_send_defer(qp->eqp, &wr, (flags & NDK_OP_FLAG_DEFER) != 0);
}

/* NDK_EXT_DROCE_VERBS: immediate data and atomics. */

static int
ext_send_imm(struct ndk_qp *pub, void *req_ctx, const struct ndk_sge *sge, uint32_t nsge,
	     uint32_t flags, uint32_t imm)
{
	int ret;

	/* Extensions are called through their table: check the object as ndk_*() do. */
	if (obj_get(pub, NDK_OBJECT_QP, &ret) == NULL)
		return ret;
	return post_imm(pub, req_ctx, sge, nsge, flags, SEND_FLAGS, ENG_WR_SEND_IMM, 0, 0, imm);
}

static int
ext_write_imm(struct ndk_qp *pub, void *req_ctx, const struct ndk_sge *sge, uint32_t nsge,
	      uint64_t raddr, uint32_t rtoken, uint32_t flags, uint32_t imm)
{
	int ret;

	if (obj_get(pub, NDK_OBJECT_QP, &ret) == NULL)
		return ret;
	return post_imm(pub, req_ctx, sge, nsge, flags, SEND_FLAGS, ENG_WR_WRITE_IMM, raddr,
			rtoken, imm);
}

/* IBA 9.4.5: one 8-byte, 8-byte-aligned target; the original value lands in result. */
static int
post_atomic(struct ndk_qp *pub, void *req_ctx, const struct ndk_sge *result, uint64_t raddr,
	    uint32_t rtoken, uint8_t opcode, uint64_t compare_add, uint64_t swap,
	    uint32_t flags)
{
	struct eng_send_wr wr;
	struct lib_qp *qp;
	int ret;

	qp = (struct lib_qp *)obj_get(pub, NDK_OBJECT_QP, &ret);
	if (qp == NULL)
		return ret;
	ret = begin(qp, flags, COMMON_FLAGS, (uintptr_t)req_ctx, &wr);
	if (ret != 0)
		return refuse(qp, ret);
	if (result == NULL || result->length != 8 || (raddr & 7) != 0)
		return refuse(qp, -EINVAL);
	wr.opcode = opcode;
	wr.num_sge = 1;
	wr.sge[0] = (struct eng_sge){ .addr = result->logical, .length = 8,
				      .lkey = result->token };
	wr.remote_addr = raddr;
	wr.rkey = rtoken;
	wr.compare_add = compare_add;
	wr.swap = swap;
	return eng_post_send_defer(qp->eqp, &wr, (flags & NDK_OP_FLAG_DEFER) != 0);
}

static int
ext_compare_swap(struct ndk_qp *pub, void *req_ctx, const struct ndk_sge *result,
		 uint64_t raddr, uint32_t rtoken, uint64_t compare, uint64_t swap,
		 uint32_t flags)
{
	return post_atomic(pub, req_ctx, result, raddr, rtoken, ENG_WR_CMP_SWAP, compare, swap,
			   flags);
}

static int
ext_fetch_add(struct ndk_qp *pub, void *req_ctx, const struct ndk_sge *result, uint64_t raddr,
	      uint32_t rtoken, uint64_t add, uint32_t flags)
{
	return post_atomic(pub, req_ctx, result, raddr, rtoken, ENG_WR_FETCH_ADD, add, 0,
			   flags);
}

const struct droce_verbs_ext verbs_ext = {
	.send_imm = ext_send_imm,
	.write_imm = ext_write_imm,
	.compare_swap = ext_compare_swap,
	.fetch_add = ext_fetch_add,
};
