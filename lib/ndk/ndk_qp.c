/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Queue pairs: creation on the control context (the engine's QP table has one writer),
 * flush, the droce QP extension (connect without the CM), and close, which the engine
 * turns into a flush (every posted request completes as cancelled) before it unlinks the
 * QP and waits for a grace period.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "droce/ndk_ext.h"
#include "ndk_pvt.h"

#define DEF_TIMEOUT	14	/* 67 ms, rdma_cm's default */
#define DEF_RETRY	7

static void
qp_create_run(struct ctl_item *it)
{
	struct lib_qp *qp = container_of(it, struct lib_qp, o.item);
	struct eng_qp_init init = {
		.type = ENG_QPT_RC, .pd = qp->pd->pdn, .send_cq = qp->icq->ecq,
		.recv_cq = qp->rcq->ecq, .srq = qp->srq != NULL ? qp->srq->esrq : NULL,
		.sq_depth = qp->iq_depth, .rq_depth = qp->rq_depth != 0 ? qp->rq_depth : 1,
		.slot = -1,
		.ctx = (uintptr_t)qp->qp_ctx,	/* in every completion: not looked up by QPN */
	};
	/* INIT at once: receives may be posted before the connection exists. */
	struct eng_qp_attr attr = { .state = ENG_QPS_INIT,
				    .access = ENG_ACCESS_REMOTE_WRITE | ENG_ACCESS_REMOTE_READ |
					      ENG_ACCESS_REMOTE_ATOMIC };
	int ret = eng_qp_create(qp->o.ad->eng, &init, &qp->eqp);

	if (ret == 0) {
		ret = eng_qp_modify(qp->eqp, &attr);
		if (ret != 0)
			eng_qp_destroy(qp->eqp);
	}
	obj_create_done(&qp->o, ret);
}

/*
 * The close starts at once, even while a connector still holds the QP: its outstanding
 * requests are flushed and packets stop reaching it now; only the free waits for the
 * connector (and the grace period).
 */
static void
qp_close_begin(struct obj *o)
{
	struct lib_qp *qp = container_of(o, struct lib_qp, o);
	struct eng_qp_attr err = { .state = ENG_QPS_ERR };

	if (qp->eqp != NULL && !qp->started_close) {
		(void)eng_qp_modify(qp->eqp, &err);
		eng_qp_close_start(qp->eqp);
		qp->started_close = true;
	}
}

static bool
qp_close_poll(struct obj *o)
{
	struct lib_qp *qp = container_of(o, struct lib_qp, o);

	qp_close_begin(o);
	return eng_qp_close_poll(qp->eqp);
}

static int
qp_close_wait(const struct obj *o, char *buf, size_t len)
{
	const struct lib_qp *qp = container_of(o, const struct lib_qp, o);

	return qp->started_close ? eng_qp_close_wait(qp->eqp, buf, len) :
				   snprintf(buf, len, "its control context");
}

static void
qp_free(struct obj *o)
{
	free(container_of(o, struct lib_qp, o));
}

static const struct obj_ops qp_ops = {
	.name = "qp",
	.close_begin = qp_close_begin,
	.close_poll = qp_close_poll,
	.close_wait = qp_close_wait,
	.free = qp_free,
};

static int
check_cq(struct adapter *ad, struct ndk_cq *pub, struct lib_cq **out)
{
	int err;
	struct obj *o = obj_get(pub, NDK_OBJECT_CQ, &err);

	if (o == NULL)
		return err;
	if (o->ad != ad || !obj_live(o))
		return -EINVAL;
	*out = (struct lib_cq *)o;
	return 0;
}

static int
create(struct lib_pd *pd, struct ndk_cq *rcq, struct ndk_cq *icq, struct ndk_srq *srq,
       void *qp_ctx, uint32_t rq_depth, uint32_t iq_depth, uint32_t max_rsge,
       uint32_t max_isge, uint32_t inline_size, ndk_create_cb cb, void *ctx)
{
	struct ndk_adapter_info info;
	struct lib_qp *qp;
	struct lib_cq *r = NULL, *i = NULL;
	struct obj *so = NULL;
	int ret;

	adapter_info(pd->o.ad, &info);
	if (cb == NULL)
		return -EINVAL;
	if (obj_parent_ok(&pd->o) != 0)
		return -EBADF;
	ret = check_cq(pd->o.ad, rcq, &r);
	if (ret == 0)
		ret = check_cq(pd->o.ad, icq, &i);
	if (ret != 0)
		return ret;
	if (srq != NULL) {
		so = obj_get(srq, NDK_OBJECT_SRQ, &ret);
		if (so == NULL)
			return ret;
		if (((struct lib_srq *)so)->o.ante[0] != &pd->o || !obj_live(so))
			return -EINVAL;
	}
	if (iq_depth == 0 || iq_depth > info.max_initiator_queue_depth ||
	    max_isge > info.max_initiator_request_sge || inline_size > info.max_inline_data_size ||
	    (srq == NULL && (rq_depth == 0 || rq_depth > info.max_receive_queue_depth ||
			     max_rsge == 0 || max_rsge > info.max_receive_request_sge)))
		return -EINVAL;
	qp = calloc(1, sizeof(*qp));
	if (qp == NULL)
		return -ENOMEM;
	obj_init(&qp->o, pd->o.ad, NDK_OBJECT_QP, &qp_dispatch, &qp_ops);
	qp->pd = pd;
	qp->rcq = r;
	qp->icq = i;
	qp->srq = (struct lib_srq *)so;
	qp->qp_ctx = qp_ctx;
	qp->rq_depth = srq == NULL ? rq_depth : 0;
	qp->iq_depth = iq_depth;
	qp->max_rsge = srq == NULL ? max_rsge : 0;
	qp->max_isge = max_isge;
	qp->inline_size = inline_size;
	/* The QP's antecedents (NDK 2.4): they cannot finish closing before it. */
	obj_hold_ante(&qp->o, &pd->o);
	obj_hold_ante(&qp->o, &r->o);
	obj_hold_ante(&qp->o, &i->o);
	if (so != NULL)
		obj_hold_ante(&qp->o, so);
	return obj_create_pending(&qp->o, qp_create_run, cb, ctx);
}

int
qp_create(struct ndk_pd *pub, struct ndk_cq *rcq, struct ndk_cq *icq, void *qp_ctx,
		   uint32_t rq_depth, uint32_t iq_depth, uint32_t max_rsge, uint32_t max_isge,
		   uint32_t inline_size, ndk_create_cb cb, void *ctx, struct ndk_qp **out)
{
	RTE_SET_USED(out);
	return create((struct lib_pd *)pub, rcq, icq, NULL, qp_ctx, rq_depth, iq_depth,
		      max_rsge, max_isge, inline_size, cb, ctx);
}

int
qp_create_with_srq(struct ndk_pd *pub, struct ndk_cq *rcq, struct ndk_cq *icq,
		       struct ndk_srq *srq, void *qp_ctx, uint32_t iq_depth, uint32_t max_isge,
		       uint32_t inline_size, ndk_create_cb cb, void *ctx, struct ndk_qp **out)
{
	RTE_SET_USED(out);
	if (srq == NULL)
		return -EINVAL;
	return create((struct lib_pd *)pub, rcq, icq, srq, qp_ctx, 0, iq_depth, 0, max_isge,
		      inline_size, cb, ctx);
}

/* NdkFlush: the error state; the owning slot completes everything as cancelled. */
static void
qp_flush(struct ndk_qp *pub)
{
	struct lib_qp *qp = (struct lib_qp *)pub;
	struct eng_qp_attr attr = { .state = ENG_QPS_ERR };

	(void)eng_qp_modify(qp->eqp, &attr);
}

static uint32_t
ext_qpn(struct ndk_qp *pub)
{
	int err;
	struct obj *o = obj_get(pub, NDK_OBJECT_QP, &err);

	return o != NULL ? eng_qp_num(((struct lib_qp *)o)->eqp) : 0;
}

static int
ext_connect(struct ndk_qp *pub, const struct droce_qp_path *p)
{
	struct eng_qp_attr a = { 0 };
	struct lib_qp *qp;
	int err;

	qp = (struct lib_qp *)obj_get(pub, NDK_OBJECT_QP, &err);
	if (qp == NULL)
		return err;
	if (p == NULL || p->inbound_read_limit > ENG_MAX_RD_ATOMIC ||
	    p->outbound_read_limit > ENG_MAX_RD_ATOMIC || p->retry_cnt > 7 || p->rnr_retry > 7)
		return -EINVAL;
	if (!obj_live(&qp->o) || eng_qp_state(qp->eqp) == ENG_QPS_ERR)
		return -ENOTCONN;
	if (eng_qp_state(qp->eqp) != ENG_QPS_INIT)
		return -EISCONN;
	a.state = ENG_QPS_RTR;
	/* NDK QPs take every remote operation; MR and MW rights decide. */
	a.access = ENG_ACCESS_REMOTE_WRITE | ENG_ACCESS_REMOTE_READ | ENG_ACCESS_REMOTE_ATOMIC;
	a.dest_qpn = p->dest_qpn;
	memcpy(a.dmac, p->dmac, sizeof(a.dmac));
	memcpy(a.sgid, p->sgid, sizeof(a.sgid));
	memcpy(a.dgid, p->dgid, sizeof(a.dgid));
	a.hop_limit = 64;
	a.path_mtu = p->path_mtu;
	a.rq_psn = p->rq_psn;
	a.sq_psn = p->sq_psn;
	a.timeout = p->timeout != 0 ? p->timeout : DEF_TIMEOUT;
	a.retry_cnt = p->retry_cnt != 0 ? p->retry_cnt : DEF_RETRY;
	a.rnr_retry = p->rnr_retry != 0 ? p->rnr_retry : 7;
	a.min_rnr_timer = 1;
	a.max_rd_atomic = p->outbound_read_limit != 0 ? p->outbound_read_limit :
			  ENG_MAX_RD_ATOMIC;
	a.max_dest_rd_atomic = p->inbound_read_limit != 0 ? p->inbound_read_limit :
			       ENG_MAX_RD_ATOMIC;
	err = eng_qp_modify(qp->eqp, &a);
	if (err != 0)
		return err;
	a.state = ENG_QPS_RTS;
	return eng_qp_modify(qp->eqp, &a);
}

static const struct droce_qp_ext qp_ext = {
	.qpn = ext_qpn,
	.connect = ext_connect,
};

static int
qp_query_extension(struct ndk_object_header *obj, uint32_t id, struct ndk_version version,
		   const void **dispatch)
{
	RTE_SET_USED(obj);
	if (dispatch == NULL)
		return -EINVAL;
	*dispatch = NULL;
	if (version.major != 1)
		return -ENOTSUP;
	if (id == NDK_EXT_DROCE_QP)
		*dispatch = &qp_ext;
	else if (id == NDK_EXT_DROCE_VERBS)
		*dispatch = &verbs_ext;
	else
		return -ENOTSUP;
	return 0;
}

const struct ndk_qp_dispatch qp_dispatch = {
	.close = obj_close_fn,
	.query_extension = qp_query_extension,
	.flush = qp_flush,
	.send = qp_post_send,
	.receive = qp_post_receive,
	.bind = qp_post_bind,
	.fast_register = qp_post_fr,
	.invalidate = qp_post_invalidate,
	.read = qp_post_read,
	.write = qp_post_write,
	.send_and_invalidate = qp_post_send_inv,
};
