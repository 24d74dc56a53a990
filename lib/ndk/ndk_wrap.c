/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ndk_* wrappers: check the object (NULL -> -EINVAL, not one of ours or another type
 * -> -EBADF) and call through the dispatch table the object carries, which may be one the
 * consumer interposed.
 */
#include <errno.h>

#include "ndk_pvt.h"

#define CHECK(pub, type) do { \
	int err_; \
	if (obj_get(pub, type, &err_) == NULL) \
		return err_; \
} while (0)

#define CHECK_QUIET(pub, type, ret) do { \
	int err_; \
	if (obj_get(pub, type, &err_) == NULL) \
		return ret; \
} while (0)

int
ndk_close(struct ndk_object_header *obj, ndk_close_cb cb, void *ctx)
{
	const struct ndk_pd *any = (const struct ndk_pd *)obj;

	if (obj == NULL)
		return -EINVAL;
	if (obj->type == NDK_OBJECT_UNDEFINED || obj->type == NDK_OBJECT_ADAPTER ||
	    obj->type >= NDK_OBJECT_MAX || ((const struct obj *)obj)->magic != OBJ_MAGIC)
		return -EBADF;
	/* Every table but the adapter's starts with close. */
	return any->dispatch->close(obj, cb, ctx);
}

int
ndk_query_extension(struct ndk_object_header *obj, uint32_t id, struct ndk_version version,
		    const void **dispatch)
{
	if (obj == NULL || dispatch == NULL)
		return -EINVAL;
	if (obj->type == NDK_OBJECT_UNDEFINED || obj->type >= NDK_OBJECT_MAX ||
	    ((const struct obj *)obj)->magic != OBJ_MAGIC)
		return -EBADF;
	if (obj->type == NDK_OBJECT_ADAPTER)
		return ((struct ndk_adapter *)obj)->dispatch->query_extension(obj, id, version,
									       dispatch);
	return ((struct ndk_pd *)obj)->dispatch->query_extension(obj, id, version, dispatch);
}

int
ndk_query_adapter_info(struct ndk_adapter *ad, struct ndk_adapter_info *info, size_t *size)
{
	CHECK(ad, NDK_OBJECT_ADAPTER);
	return ad->dispatch->query_adapter_info(ad, info, size);
}

int
ndk_create_cq(struct ndk_adapter *ad, uint32_t depth, ndk_cq_notify_cb notify,
	      void *notify_ctx, int lcore_hint, ndk_create_cb cb, void *ctx, struct ndk_cq **out)
{
	CHECK(ad, NDK_OBJECT_ADAPTER);
	return ad->dispatch->create_cq(ad, depth, notify, notify_ctx, lcore_hint, cb, ctx, out);
}

int
ndk_create_pd(struct ndk_adapter *ad, ndk_create_cb cb, void *ctx, struct ndk_pd **out)
{
	CHECK(ad, NDK_OBJECT_ADAPTER);
	return ad->dispatch->create_pd(ad, cb, ctx, out);
}

int
ndk_build_lam(struct ndk_adapter *ad, void *buf, size_t length, ndk_request_cb cb, void *ctx,
	      uint64_t *pages, uint32_t *page_count, uint32_t *fbo)
{
	CHECK(ad, NDK_OBJECT_ADAPTER);
	return ad->dispatch->build_lam(ad, buf, length, cb, ctx, pages, page_count, fbo);
}

void
ndk_release_lam(struct ndk_adapter *ad, uint64_t *pages, uint32_t page_count)
{
	CHECK_QUIET(ad, NDK_OBJECT_ADAPTER, );
	ad->dispatch->release_lam(ad, pages, page_count);
}

int
ndk_create_mr(struct ndk_pd *pd, bool fast_register, ndk_create_cb cb, void *ctx,
	      struct ndk_mr **out)
{
	CHECK(pd, NDK_OBJECT_PD);
	return pd->dispatch->create_mr(pd, fast_register, cb, ctx, out);
}

int
ndk_create_mw(struct ndk_pd *pd, ndk_create_cb cb, void *ctx, struct ndk_mw **out)
{
	CHECK(pd, NDK_OBJECT_PD);
	return pd->dispatch->create_mw(pd, cb, ctx, out);
}

int
ndk_create_srq(struct ndk_pd *pd, uint32_t depth, uint32_t max_sge, uint32_t notify_threshold,
	       ndk_srq_notify_cb notify, void *notify_ctx, int lcore_hint, ndk_create_cb cb,
	       void *ctx, struct ndk_srq **out)
{
	CHECK(pd, NDK_OBJECT_PD);
	return pd->dispatch->create_srq(pd, depth, max_sge, notify_threshold, notify,
					notify_ctx, lcore_hint, cb, ctx, out);
}

int
ndk_create_qp(struct ndk_pd *pd, struct ndk_cq *rcq, struct ndk_cq *icq, void *qp_ctx,
	      uint32_t rq_depth, uint32_t iq_depth, uint32_t max_rsge, uint32_t max_isge,
	      uint32_t inline_size, ndk_create_cb cb, void *ctx, struct ndk_qp **out)
{
	CHECK(pd, NDK_OBJECT_PD);
	return pd->dispatch->create_qp(pd, rcq, icq, qp_ctx, rq_depth, iq_depth, max_rsge,
				       max_isge, inline_size, cb, ctx, out);
}

int
ndk_create_qp_with_srq(struct ndk_pd *pd, struct ndk_cq *rcq, struct ndk_cq *icq,
		       struct ndk_srq *srq, void *qp_ctx, uint32_t iq_depth, uint32_t max_isge,
		       uint32_t inline_size, ndk_create_cb cb, void *ctx, struct ndk_qp **out)
{
	CHECK(pd, NDK_OBJECT_PD);
	return pd->dispatch->create_qp_with_srq(pd, rcq, icq, srq, qp_ctx, iq_depth, max_isge,
						inline_size, cb, ctx, out);
}

int
ndk_get_privileged_token(struct ndk_pd *pd, uint32_t *token)
{
	CHECK(pd, NDK_OBJECT_PD);
	return pd->dispatch->get_privileged_token(pd, token);
}

int
ndk_resize_cq(struct ndk_cq *cq, uint32_t depth, ndk_request_cb cb, void *ctx)
{
	CHECK(cq, NDK_OBJECT_CQ);
	return cq->dispatch->resize(cq, depth, cb, ctx);
}

void
ndk_arm_cq(struct ndk_cq *cq, enum ndk_cq_notify_type type)
{
	CHECK_QUIET(cq, NDK_OBJECT_CQ, );
	cq->dispatch->arm(cq, type);
}

uint32_t
ndk_get_cq_results(struct ndk_cq *cq, struct ndk_result *r, uint32_t n)
{
	CHECK_QUIET(cq, NDK_OBJECT_CQ, 0);
	if (r == NULL)
		return 0;
	return cq->dispatch->get_results(cq, r, n);
}

uint32_t
ndk_get_cq_results_ex(struct ndk_cq *cq, struct ndk_result_ex *r, uint32_t n)
{
	CHECK_QUIET(cq, NDK_OBJECT_CQ, 0);
	if (r == NULL)
		return 0;
	return cq->dispatch->get_results_ex(cq, r, n);
}

int
ndk_control_cq_moderation(struct ndk_cq *cq, uint32_t interval_us, uint32_t count)
{
	CHECK(cq, NDK_OBJECT_CQ);
	return cq->dispatch->control_moderation(cq, interval_us, count);
}

int
ndk_register_mr(struct ndk_mr *mr, void *buf, size_t length, uint32_t flags,
		ndk_request_cb cb, void *ctx)
{
	CHECK(mr, NDK_OBJECT_MR);
	return mr->dispatch->register_mr(mr, buf, length, flags, cb, ctx);
}

int
ndk_deregister_mr(struct ndk_mr *mr, ndk_request_cb cb, void *ctx)
{
	CHECK(mr, NDK_OBJECT_MR);
	return mr->dispatch->deregister_mr(mr, cb, ctx);
}

int
ndk_init_fast_register_mr(struct ndk_mr *mr, uint32_t page_count, bool remote,
			  ndk_request_cb cb, void *ctx)
{
	CHECK(mr, NDK_OBJECT_MR);
	return mr->dispatch->init_fast_register(mr, page_count, remote, cb, ctx);
}

uint32_t
ndk_get_remote_token_mr(struct ndk_mr *mr)
{
	CHECK_QUIET(mr, NDK_OBJECT_MR, 0);
	return mr->dispatch->get_remote_token(mr);
}

uint32_t
ndk_get_local_token_mr(struct ndk_mr *mr)
{
	CHECK_QUIET(mr, NDK_OBJECT_MR, 0);
	return mr->dispatch->get_local_token(mr);
}

uint32_t
ndk_get_remote_token_mw(struct ndk_mw *mw)
{
	CHECK_QUIET(mw, NDK_OBJECT_MW, 0);
	return mw->dispatch->get_remote_token(mw);
}

int
ndk_modify_srq(struct ndk_srq *srq, uint32_t depth, uint32_t notify_threshold,
	       ndk_request_cb cb, void *ctx)
{
	CHECK(srq, NDK_OBJECT_SRQ);
	return srq->dispatch->modify(srq, depth, notify_threshold, cb, ctx);
}

int
ndk_srq_receive(struct ndk_srq *srq, void *req_ctx, const struct ndk_sge *sge, uint32_t nsge)
{
	CHECK(srq, NDK_OBJECT_SRQ);
	return srq->dispatch->receive(srq, req_ctx, sge, nsge);
}

void
ndk_flush(struct ndk_qp *qp)
{
	CHECK_QUIET(qp, NDK_OBJECT_QP, );
	qp->dispatch->flush(qp);
}

int
ndk_send(struct ndk_qp *qp, void *req_ctx, const struct ndk_sge *sge, uint32_t nsge,
	 uint32_t flags)
{
	CHECK(qp, NDK_OBJECT_QP);
	return qp->dispatch->send(qp, req_ctx, sge, nsge, flags);
}

int
ndk_send_and_invalidate(struct ndk_qp *qp, void *req_ctx, const struct ndk_sge *sge,
			uint32_t nsge, uint32_t flags, uint32_t remote_token)
{
	CHECK(qp, NDK_OBJECT_QP);
	return qp->dispatch->send_and_invalidate(qp, req_ctx, sge, nsge, flags, remote_token);
}

int
ndk_receive(struct ndk_qp *qp, void *req_ctx, const struct ndk_sge *sge, uint32_t nsge)
{
	CHECK(qp, NDK_OBJECT_QP);
	return qp->dispatch->receive(qp, req_ctx, sge, nsge);
}

int
ndk_read(struct ndk_qp *qp, void *req_ctx, const struct ndk_sge *sge, uint32_t nsge,
	 uint64_t remote_addr, uint32_t remote_token, uint32_t flags)
{
	CHECK(qp, NDK_OBJECT_QP);
	return qp->dispatch->read(qp, req_ctx, sge, nsge, remote_addr, remote_token, flags);
}

int
ndk_write(struct ndk_qp *qp, void *req_ctx, const struct ndk_sge *sge, uint32_t nsge,
	  uint64_t remote_addr, uint32_t remote_token, uint32_t flags)
{
	CHECK(qp, NDK_OBJECT_QP);
	return qp->dispatch->write(qp, req_ctx, sge, nsge, remote_addr, remote_token, flags);
}

int
ndk_bind(struct ndk_qp *qp, void *req_ctx, struct ndk_mr *mr, struct ndk_mw *mw, void *va,
	 size_t length, uint32_t flags)
{
	CHECK(qp, NDK_OBJECT_QP);
	return qp->dispatch->bind(qp, req_ctx, mr, mw, va, length, flags);
}

int
ndk_fast_register(struct ndk_qp *qp, void *req_ctx, struct ndk_mr *mr, uint32_t page_count,
		  const uint64_t *pages, uint32_t fbo, size_t length, void *base_va,
		  uint32_t flags)
{
	CHECK(qp, NDK_OBJECT_QP);
	return qp->dispatch->fast_register(qp, req_ctx, mr, page_count, pages, fbo, length,
					   base_va, flags);
}

int
ndk_invalidate(struct ndk_qp *qp, void *req_ctx, struct ndk_object_header *mr_or_mw,
	       uint32_t flags)
{
	CHECK(qp, NDK_OBJECT_QP);
	return qp->dispatch->invalidate(qp, req_ctx, mr_or_mw, flags);
}

int
ndk_create_connector(struct ndk_adapter *ad, ndk_create_cb cb, void *ctx,
		     struct ndk_connector **out)
{
	CHECK(ad, NDK_OBJECT_ADAPTER);
	return ad->dispatch->create_connector(ad, cb, ctx, out);
}

int
ndk_create_listener(struct ndk_adapter *ad, ndk_connect_event_cb connect_event,
		    void *event_ctx, ndk_create_cb cb, void *ctx, struct ndk_listener **out)
{
	CHECK(ad, NDK_OBJECT_ADAPTER);
	return ad->dispatch->create_listener(ad, connect_event, event_ctx, cb, ctx, out);
}

int
ndk_create_shared_endpoint(struct ndk_adapter *ad, const struct sockaddr *addr,
			   socklen_t addr_len, ndk_create_cb cb, void *ctx,
			   struct ndk_shared_endpoint **out)
{
	CHECK(ad, NDK_OBJECT_ADAPTER);
	return ad->dispatch->create_shared_endpoint(ad, addr, addr_len, cb, ctx, out);
}

int
ndk_connect(struct ndk_connector *conn, struct ndk_qp *qp, const struct sockaddr *src,
	    socklen_t src_len, const struct sockaddr *dst, socklen_t dst_len, uint32_t ird,
	    uint32_t ord, const void *pdata, uint32_t pdata_len, ndk_request_cb cb, void *ctx)
{
	CHECK(conn, NDK_OBJECT_CONNECTOR);
	return conn->dispatch->connect(conn, qp, src, src_len, dst, dst_len, ird, ord, pdata,
				       pdata_len, cb, ctx);
}

int
ndk_connect_with_shared_endpoint(struct ndk_connector *conn, struct ndk_qp *qp,
				 struct ndk_shared_endpoint *ep, const struct sockaddr *dst,
				 socklen_t dst_len, uint32_t ird, uint32_t ord, const void *pdata,
				 uint32_t pdata_len, ndk_request_cb cb, void *ctx)
{
	CHECK(conn, NDK_OBJECT_CONNECTOR);
	return conn->dispatch->connect_with_shared_endpoint(conn, qp, ep, dst, dst_len, ird,
							    ord, pdata, pdata_len, cb, ctx);
}

int
ndk_complete_connect(struct ndk_connector *conn, ndk_disconnect_event_cb disc, void *disc_ctx,
		     ndk_request_cb cb, void *ctx)
{
	CHECK(conn, NDK_OBJECT_CONNECTOR);
	return conn->dispatch->complete_connect(conn, disc, disc_ctx, cb, ctx);
}

int
ndk_accept(struct ndk_connector *conn, struct ndk_qp *qp, uint32_t ird, uint32_t ord,
	   const void *pdata, uint32_t pdata_len, ndk_disconnect_event_cb disc, void *disc_ctx,
	   ndk_request_cb cb, void *ctx)
{
	CHECK(conn, NDK_OBJECT_CONNECTOR);
	return conn->dispatch->accept(conn, qp, ird, ord, pdata, pdata_len, disc, disc_ctx, cb,
				      ctx);
}

int
ndk_reject(struct ndk_connector *conn, const void *pdata, uint32_t pdata_len)
{
	CHECK(conn, NDK_OBJECT_CONNECTOR);
	return conn->dispatch->reject(conn, pdata, pdata_len);
}

int
ndk_get_connection_data(struct ndk_connector *conn, uint32_t *ird, uint32_t *ord, void *pdata,
			uint32_t *pdata_len)
{
	CHECK(conn, NDK_OBJECT_CONNECTOR);
	return conn->dispatch->get_connection_data(conn, ird, ord, pdata, pdata_len);
}

int
ndk_get_local_address(struct ndk_connector *conn, struct sockaddr *addr, socklen_t *len)
{
	CHECK(conn, NDK_OBJECT_CONNECTOR);
	return conn->dispatch->get_local_address(conn, addr, len);
}

int
ndk_get_peer_address(struct ndk_connector *conn, struct sockaddr *addr, socklen_t *len)
{
	CHECK(conn, NDK_OBJECT_CONNECTOR);
	return conn->dispatch->get_peer_address(conn, addr, len);
}

int
ndk_disconnect(struct ndk_connector *conn, ndk_request_cb cb, void *ctx)
{
	CHECK(conn, NDK_OBJECT_CONNECTOR);
	return conn->dispatch->disconnect(conn, cb, ctx);
}

int
ndk_listen(struct ndk_listener *l, const struct sockaddr *addr, socklen_t len,
	   ndk_request_cb cb, void *ctx)
{
	CHECK(l, NDK_OBJECT_LISTENER);
	return l->dispatch->listen(l, addr, len, cb, ctx);
}

int
ndk_get_listener_address(struct ndk_listener *l, struct sockaddr *addr, socklen_t *len)
{
	CHECK(l, NDK_OBJECT_LISTENER);
	return l->dispatch->get_local_address(l, addr, len);
}

void
ndk_control_connect_events(struct ndk_listener *l, bool pause)
{
	CHECK_QUIET(l, NDK_OBJECT_LISTENER, );
	l->dispatch->control_connect_events(l, pause);
}

int
ndk_get_shared_endpoint_address(struct ndk_shared_endpoint *ep, struct sockaddr *addr,
				socklen_t *len)
{
	CHECK(ep, NDK_OBJECT_SHARED_ENDPOINT);
	return ep->dispatch->get_local_address(ep, addr, len);
}
