/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Connectors, listeners and shared endpoints: NDK's connection objects on top of the CM
 * (cm.c). Each call checks its arguments, then takes the CM lock to move the connection's
 * state; completions are queued to the control context, so none runs inside the call.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include <rte_random.h>

#include "cm_pvt.h"

/* Addresses: sockaddr_in / sockaddr_in6 to 16 bytes (IPv4 mapped) and a port. */
static int
from_sockaddr(const struct sockaddr *sa, socklen_t len, uint8_t addr[16], uint16_t *port)
{
	if (sa == NULL)
		return -EINVAL;
	memset(addr, 0, 16);
	if (sa->sa_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *in = (const void *)sa;

		addr[10] = addr[11] = 0xff;
		memcpy(addr + 12, &in->sin_addr, 4);
		*port = ntohs(in->sin_port);
		return 0;
	}
	if (sa->sa_family == AF_INET6 && len >= sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *in6 = (const void *)sa;

		memcpy(addr, &in6->sin6_addr, 16);
		*port = ntohs(in6->sin6_port);
		return 0;
	}
	return -EINVAL;
}

static bool
addr_any(const uint8_t a[16])
{
	static const uint8_t zero[16];

	return memcmp(a, zero, 16) == 0;
}

static bool
v4_any(const uint8_t a[16])
{
	static const uint8_t any4[16] = { [10] = 0xff, [11] = 0xff };

	return memcmp(a, any4, 16) == 0;
}

static int
to_sockaddr(const uint8_t addr[16], uint16_t port, bool v4, struct sockaddr *sa,
	    socklen_t *len)
{
	socklen_t need = v4 ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);

	if (len == NULL || (sa == NULL && *len != 0))
		return -EINVAL;
	if (*len < need) {
		*len = need;
		return -ENOBUFS;
	}
	*len = need;
	memset(sa, 0, need);
	if (v4) {
		struct sockaddr_in *in = (void *)sa;

		in->sin_family = AF_INET;
		memcpy(&in->sin_addr, addr + 12, 4);
		in->sin_port = htons(port);
	} else {
		struct sockaddr_in6 *in6 = (void *)sa;

		in6->sin6_family = AF_INET6;
		memcpy(&in6->sin6_addr, addr, 16);
		in6->sin6_port = htons(port);
	}
	return 0;
}

static struct cm *
cm_of(struct obj *o)
{
	return o->ad->cm;
}

/* Connectors. */

/* Best effort on a close: the peer is told, if QP1 has room. */
static void
close_tell_peer(struct cm *cm, struct lib_conn *c)
{
	uint8_t mad[CM_MAD_SIZE];

	switch (c->st) {
	case CONN_REQ_SENT:		/* our REQ given up: REJ, reason timeout */
	case CONN_REQ_RCVD:		/* a request nobody accepted is rejected (NDK 2.6) */
	case CONN_REP_RCVD:
	case CONN_REP_SENT:		/* accepted, not yet established */
		(void)cm_send_rej(cm, c, NULL, 0);
		break;
	case CONN_ESTABLISHED:		/* abortive: tell the peer, flush, do not wait */
		if (cm_build_dreq(c, ++cm->next_tid, mad) == 0)
			(void)cm_send_conn(cm, c, mad, false);
		break;
	default:			/* resolving: nothing was sent yet */
		break;
	}
}

static void
conn_close_begin(struct obj *o)
{
	struct lib_conn *c = container_of(o, struct lib_conn, o);
	struct cm *cm = cm_of(o);

	pthread_mutex_lock(&cm->lock);
	close_tell_peer(cm, c);
	cm_flush_qp(c);
	/* Each pending request completes once; a disconnect under way is done. */
	cm_req_done(c, &c->est, -ECANCELED);
	cm_req_done(c, &c->cc, -ECANCELED);
	cm_req_done(c, &c->dis, c->st == CONN_DREQ_SENT ? 0 : -ECANCELED);
	c->st = CONN_CLOSED;
	c->deadline = 0;
	TAILQ_REMOVE(&cm->conns, c, next);
	cm_bind_put(cm, c->bind);
	c->bind = NULL;
	pthread_mutex_unlock(&cm->lock);
}

static void
conn_free(struct obj *o)
{
	struct lib_conn *c = container_of(o, struct lib_conn, o);

	if (c->qp != NULL)
		obj_unref(&c->qp->o);
	free(c);
}

static const struct obj_ops conn_ops = {
	.name = "connector",
	.close_begin = conn_close_begin,
	.free = conn_free,
};

static struct lib_conn *
conn_alloc(struct adapter *ad)
{
	struct lib_conn *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return NULL;
	obj_init(&c->o, ad, NDK_OBJECT_CONNECTOR, &conn_dispatch, &conn_ops);
	return c;
}

/* Under the CM lock. */
static void
conn_link(struct cm *cm, struct lib_conn *c)
{
	do {
		c->local_id = cm->next_id++;
	} while (c->local_id == 0);
	c->tid = ++cm->next_tid;
	TAILQ_INSERT_TAIL(&cm->conns, c, next);
}

int
conn_create(struct ndk_adapter *pub, ndk_create_cb cb, void *ctx,
			  struct ndk_connector **out)
{
	struct adapter *ad = (struct adapter *)pub;
	struct lib_conn *c;

	RTE_SET_USED(cb);	/* inline */
	RTE_SET_USED(ctx);
	if (out == NULL)
		return -EINVAL;
	if (obj_parent_ok(&ad->o) != 0)
		return -EBADF;
	if (ad->cm == NULL)
		return -ENOTSUP;	/* another adapter on this engine owns QP1 */
	c = conn_alloc(ad);
	if (c == NULL)
		return -ENOMEM;
	c->active = true;
	pthread_mutex_lock(&ad->cm->lock);
	conn_link(ad->cm, c);
	pthread_mutex_unlock(&ad->cm->lock);
	obj_publish(&c->o);
	*out = (struct ndk_connector *)c;
	return 0;
}

struct lib_conn *
conn_new_passive(struct cm *cm, struct lib_listener *l)
{
	struct lib_conn *c = conn_alloc(cm->ad);

	if (c == NULL)
		return NULL;
	c->lis = l;
	obj_hold_ante(&c->o, &l->o);	/* the listener closes after its connectors */
	c->bind = l->bind;
	c->bind->refs++;
	conn_link(cm, c);
	obj_publish(&c->o);
	return c;
}

/* The QP a connection runs on: ours, live, never attached before (no reuse). */
static int
take_qp(struct lib_conn *c, struct ndk_qp *pub)
{
	int err;
	struct lib_qp *qp = (struct lib_qp *)obj_get(pub, NDK_OBJECT_QP, &err);

	if (qp == NULL)
		return err;
	if (qp->o.ad != c->o.ad || !obj_live(&qp->o))
		return -EINVAL;
	if (__atomic_exchange_n(&qp->attached, true, __ATOMIC_ACQ_REL))
		return -EISCONN;
	obj_ref(&qp->o);
	c->qp = qp;
	return 0;
}

/* Undo take_qp() for a call that fails: the QP is free to connect again. */
static void
release_qp(struct lib_conn *c)
{
	__atomic_store_n(&c->qp->attached, false, __ATOMIC_RELEASE);
	obj_unref(&c->qp->o);
	c->qp = NULL;
}

static int
check_limits(struct lib_conn *c, uint32_t ird, uint32_t ord, uint32_t len, uint32_t max)
{
	struct ndk_adapter_info info;

	adapter_info(c->o.ad, &info);
	if (ird > info.max_inbound_read_limit || ord > info.max_outbound_read_limit ||
	    len > max)
		return -EINVAL;
	return 0;
}

static int
connect_common(struct lib_conn *c, struct ndk_qp *qp, struct cm_bind *bind,
	       const uint8_t laddr[16], const uint8_t raddr[16], uint16_t rport, uint32_t ird,
	       uint32_t ord, const void *pdata, uint32_t len, ndk_request_cb cb, void *ctx)
{
	struct cm *cm = cm_of(&c->o);
	int ret = take_qp(c, qp);

	if (ret != 0)
		return ret;
	memcpy(c->laddr, laddr, 16);
	memcpy(c->raddr, raddr, 16);
	c->lport = bind->port;
	c->rport = rport;
	c->bind = bind;
	c->ird = (uint8_t)ird;
	c->ord = (uint8_t)ord;
	c->lpsn = (uint32_t)rte_rand() & 0xffffff;
	if (!c->params_set) {		/* NDK_EXT_DROCE_CONN may have set them */
		c->ack_timeout = CM_ACK_TIMEOUT;
		c->retry = 7;
		c->rnr_retry = 7;
	}
	memset(c->pdata, 0, sizeof(c->pdata));
	if (len != 0)
		memcpy(c->pdata, pdata, len);
	ret = cm_start_connect(cm, c);
	if (ret != 0) {
		/* Nothing went (cm_start_connect() changes nothing when it fails). */
		c->bind = NULL;
		release_qp(c);
		return ret;
	}
	cm_req_start(c, &c->est, cb, ctx);
	return 0;
}

static int
conn_connect(struct ndk_connector *pub, struct ndk_qp *qp, const struct sockaddr *src,
	     socklen_t src_len, const struct sockaddr *dst, socklen_t dst_len, uint32_t ird,
	     uint32_t ord, const void *pdata, uint32_t len, ndk_request_cb cb, void *ctx)
{
	struct lib_conn *c = (struct lib_conn *)pub;
	struct ndk_adapter_info info;
	uint8_t laddr[16], raddr[16];
	uint16_t lport, rport;
	struct cm_bind *bind;
	struct cm *cm = cm_of(&c->o);
	int ret;

	adapter_info(c->o.ad, &info);
	if (cb == NULL || (len != 0 && pdata == NULL) ||
	    check_limits(c, ird, ord, len, info.max_caller_data) != 0 ||
	    from_sockaddr(dst, dst_len, raddr, &rport) != 0 || rport == 0)
		return -EINVAL;
	if (src == NULL) {
		memset(laddr, 0, 16);
		lport = 0;
	} else if (from_sockaddr(src, src_len, laddr, &lport) != 0 ||
		   src->sa_family != dst->sa_family) {
		return -EINVAL;
	}
	if (v4_any(laddr))
		memset(laddr, 0, 16);
	if (addr_any(raddr) || v4_any(raddr))
		return -EINVAL;		/* nobody lives at the unspecified address */
	pthread_mutex_lock(&cm->lock);
	if (c->st != CONN_IDLE || !c->active) {
		ret = -EISCONN;
		goto out;
	}
	ret = cm_local_addr(cm, laddr, raddr);
	if (ret == 0)
		ret = cm_bind_get(cm, laddr, lport, &bind);
	if (ret == 0) {
		ret = connect_common(c, qp, bind, laddr, raddr, rport, ird, ord, pdata, len, cb,
				     ctx);
		if (ret != 0)
			cm_bind_put(cm, bind);
	}
out:
	pthread_mutex_unlock(&cm->lock);
	return ret == 0 ? NDK_PENDING : ret;
}

static int
conn_connect_sep(struct ndk_connector *pub, struct ndk_qp *qp, struct ndk_shared_endpoint *ep,
		 const struct sockaddr *dst, socklen_t dst_len, uint32_t ird, uint32_t ord,
		 const void *pdata, uint32_t len, ndk_request_cb cb, void *ctx)
{
	struct lib_conn *c = (struct lib_conn *)pub;
	struct ndk_adapter_info info;
	struct cm *cm = cm_of(&c->o);
	uint8_t laddr[16], raddr[16];
	struct lib_sep *sep;
	uint16_t rport;
	int ret;

	adapter_info(c->o.ad, &info);
	sep = (struct lib_sep *)obj_get(ep, NDK_OBJECT_SHARED_ENDPOINT, &ret);
	if (sep == NULL)
		return ret;
	if (cb == NULL || (len != 0 && pdata == NULL) || sep->o.ad != c->o.ad ||
	    check_limits(c, ird, ord, len, info.max_caller_data) != 0 ||
	    from_sockaddr(dst, dst_len, raddr, &rport) != 0 || rport == 0)
		return -EINVAL;
	pthread_mutex_lock(&cm->lock);
	if (!obj_live(&sep->o) || sep->bind == NULL) {
		ret = -EBADF;		/* its close has started */
		goto out;
	}
	memcpy(laddr, sep->bind->addr, 16);
	if (c->st != CONN_IDLE || !c->active)
		ret = -EISCONN;
	else
		ret = cm_local_addr(cm, laddr, raddr);
	if (ret == 0) {
		sep->bind->refs++;
		ret = connect_common(c, qp, sep->bind, laddr, raddr, rport, ird, ord, pdata, len,
				     cb, ctx);
		if (ret != 0)
			sep->bind->refs--;
		else
			obj_hold_ante(&c->o, &sep->o);
	}
out:
	pthread_mutex_unlock(&cm->lock);
	return ret == 0 ? NDK_PENDING : ret;
}

static int
conn_complete_connect(struct ndk_connector *pub, ndk_disconnect_event_cb disc, void *dctx,
		      ndk_request_cb cb, void *ctx)
{
	struct lib_conn *c = (struct lib_conn *)pub;
	struct cm *cm = cm_of(&c->o);
	uint8_t mad[CM_MAD_SIZE];
	struct eng_send_wr *wr;
	int ret;

	if (cb == NULL)
		return -EINVAL;
	pthread_mutex_lock(&cm->lock);
	if (c->st != CONN_REP_RCVD) {
		ret = c->st == CONN_CLOSED ? -ECONNABORTED : -ENOTCONN;
		goto out;
	}
	ret = cm_build_rtu(c, mad);
	if (ret == 0)
		ret = cm_reserve(cm, &wr);
	if (ret == 0)
		ret = cm_qp_rts(c);
	if (ret != 0)
		goto out;
	cm_post(cm, c, wr, mad, false);
	c->st = CONN_ESTABLISHED;
	c->disc = disc;
	c->disc_ctx = dctx;
	cm_req_start(c, &c->cc, cb, ctx);
	cm_req_done(c, &c->cc, 0);
out:
	pthread_mutex_unlock(&cm->lock);
	return ret == 0 ? NDK_PENDING : ret;
}

static int
conn_accept(struct ndk_connector *pub, struct ndk_qp *qp, uint32_t ird, uint32_t ord,
	    const void *pdata, uint32_t len, ndk_disconnect_event_cb disc, void *dctx,
	    ndk_request_cb cb, void *ctx)
{
	struct lib_conn *c = (struct lib_conn *)pub;
	struct cm *cm = cm_of(&c->o);
	struct ndk_adapter_info info;
	uint8_t mad[CM_MAD_SIZE];
	struct eng_send_wr *wr;
	int ret;

	adapter_info(c->o.ad, &info);
	if (cb == NULL || (len != 0 && pdata == NULL) ||
	    check_limits(c, ird, ord, len, info.max_callee_data) != 0)
		return -EINVAL;
	pthread_mutex_lock(&cm->lock);
	if (c->st != CONN_REQ_RCVD) {
		ret = c->st == CONN_CLOSED ? -ECONNABORTED : -ENOTCONN;
		goto out;
	}
	/* QP1's entry first: with it held the REP cannot fail to go after the QP moved. */
	ret = cm_reserve(cm, &wr);
	if (ret == 0)
		ret = take_qp(c, qp);
	if (ret != 0)
		goto out;
	/* IBA 12.7.27/28: serve no more reads than the peer issues, and back. */
	c->ird = (uint8_t)RTE_MIN(ird, c->peer_ord);
	c->ord = (uint8_t)RTE_MIN(ord, c->peer_ird);
	c->lpsn = (uint32_t)rte_rand() & 0xffffff;
	ret = cm_build_rep(cm, c, pdata, len, mad);
	if (ret == 0)
		ret = cm_qp_rtr(c);
	if (ret == 0)
		ret = cm_qp_rts(c);
	if (ret != 0) {
		release_qp(c);
		goto out;
	}
	c->disc = disc;
	c->disc_ctx = dctx;
	c->st = CONN_REP_SENT;
	cm_post(cm, c, wr, mad, true);
	cm_req_start(c, &c->est, cb, ctx);
out:
	pthread_mutex_unlock(&cm->lock);
	return ret == 0 ? NDK_PENDING : ret;
}

static int
conn_reject(struct ndk_connector *pub, const void *pdata, uint32_t len)
{
	struct lib_conn *c = (struct lib_conn *)pub;
	struct cm *cm = cm_of(&c->o);
	int ret;

	if (len > CM_REJ_PDATA || (len != 0 && pdata == NULL))
		return -EINVAL;
	pthread_mutex_lock(&cm->lock);
	if (c->st == CONN_REQ_RCVD || c->st == CONN_REP_RCVD) {
		ret = cm_send_rej(cm, c, pdata, len);
		if (ret == 0 && c->st == CONN_REP_RCVD)
			cm_flush_qp(c);
		if (ret == 0)
			c->st = CONN_CLOSED;
	} else {
		ret = c->st == CONN_CLOSED ? -ECONNABORTED : -ENOTCONN;
	}
	pthread_mutex_unlock(&cm->lock);
	return ret;
}

static int
conn_get_data(struct ndk_connector *pub, uint32_t *ird, uint32_t *ord, void *pdata,
	      uint32_t *len)
{
	struct lib_conn *c = (struct lib_conn *)pub;
	struct cm *cm = cm_of(&c->o);
	struct ndk_adapter_info info;
	int ret = 0;

	if (len == NULL || (pdata == NULL && *len != 0))
		return -EINVAL;
	adapter_info(c->o.ad, &info);
	pthread_mutex_lock(&cm->lock);
	if (c->rds == 0) {
		ret = -ENOTCONN;
		goto out;
	}
	/* Effective limits: before an accept, ours are the adapter's maxima. */
	if (ird != NULL)
		*ird = c->active ? c->ird : RTE_MIN(info.max_inbound_read_limit, c->peer_ord);
	if (ord != NULL)
		*ord = c->active ? c->ord : RTE_MIN(info.max_outbound_read_limit, c->peer_ird);
	if (pdata != NULL)
		memcpy(pdata, c->pdata, RTE_MIN(*len, c->rds));
	if (*len < c->rds && !(pdata == NULL && *len == 0))
		ret = -ENOBUFS;
	*len = c->rds;
out:
	pthread_mutex_unlock(&cm->lock);
	return ret;
}

static int
conn_addr(struct ndk_connector *pub, struct sockaddr *sa, socklen_t *len, bool local)
{
	struct lib_conn *c = (struct lib_conn *)pub;
	struct cm *cm = cm_of(&c->o);
	uint8_t a[16];
	uint16_t port;
	int ret;

	pthread_mutex_lock(&cm->lock);
	memcpy(a, local ? c->laddr : c->raddr, 16);
	port = local ? c->lport : c->rport;
	ret = c->st == CONN_IDLE ? -ENOTCONN : 0;
	pthread_mutex_unlock(&cm->lock);
	return ret != 0 ? ret : to_sockaddr(a, port, env_addr_is_v4mapped(a), sa, len);
}

static int
conn_local(struct ndk_connector *pub, struct sockaddr *sa, socklen_t *len)
{
	return conn_addr(pub, sa, len, true);
}

static int
conn_peer(struct ndk_connector *pub, struct sockaddr *sa, socklen_t *len)
{
	return conn_addr(pub, sa, len, false);
}

static int
conn_disconnect(struct ndk_connector *pub, ndk_request_cb cb, void *ctx)
{
	struct lib_conn *c = (struct lib_conn *)pub;
	struct cm *cm = cm_of(&c->o);
	uint64_t tid = cm->next_tid + 1;
	uint8_t mad[CM_MAD_SIZE];
	struct eng_send_wr *wr;
	int ret = 0;

	if (cb == NULL)
		return -EINVAL;
	pthread_mutex_lock(&cm->lock);
	if (c->st == CONN_ESTABLISHED) {
		/* A new request gets a new transaction ID (IBA 13.4.6.4); the DREP carries it. */
		ret = cm_build_dreq(c, tid, mad);
		if (ret == 0)
			ret = cm_reserve(cm, &wr);
		if (ret == 0) {
			cm->next_tid = tid;
			c->tid = tid;
			c->st = CONN_DREQ_SENT;
			cm_post(cm, c, wr, mad, true);
			cm_req_start(c, &c->dis, cb, ctx);
		}
	} else if (c->st == CONN_DREQ_RCVD) {
		/* The peer went first and has its DREP: flush and be done. */
		c->st = CONN_CLOSED;
		cm_flush_qp(c);
		cm_req_start(c, &c->dis, cb, ctx);
		cm_req_done(c, &c->dis, 0);
	} else {
		ret = -ENOTCONN;
	}
	pthread_mutex_unlock(&cm->lock);
	return ret == 0 ? NDK_PENDING : ret;
}

const struct ndk_connector_dispatch conn_dispatch = {
	.close = obj_close_fn,
	.query_extension = conn_query_extension,
	.connect = conn_connect,
	.connect_with_shared_endpoint = conn_connect_sep,
	.complete_connect = conn_complete_connect,
	.accept = conn_accept,
	.reject = conn_reject,
	.get_connection_data = conn_get_data,
	.get_local_address = conn_local,
	.get_peer_address = conn_peer,
	.disconnect = conn_disconnect,
};

/* Listeners. */

static void
lis_close_begin(struct obj *o)
{
	struct lib_listener *l = container_of(o, struct lib_listener, o);
	struct cm *cm = cm_of(o);

	/* New requests are refused from now on (obj_live is false already). */
	pthread_mutex_lock(&cm->lock);
	if (l->bind != NULL) {
		TAILQ_REMOVE(&cm->listeners, l, next);
		cm_bind_put(cm, l->bind);
		l->bind = NULL;
	}
	pthread_mutex_unlock(&cm->lock);
}

static void
lis_free(struct obj *o)
{
	free(container_of(o, struct lib_listener, o));
}

static const struct obj_ops lis_ops = {
	.name = "listener",
	.close_begin = lis_close_begin,
	.free = lis_free,
};

int
lis_create(struct ndk_adapter *pub, ndk_connect_event_cb event, void *event_ctx,
			 ndk_create_cb cb, void *ctx, struct ndk_listener **out)
{
	struct adapter *ad = (struct adapter *)pub;
	struct lib_listener *l;

	RTE_SET_USED(cb);
	RTE_SET_USED(ctx);
	if (event == NULL || out == NULL)
		return -EINVAL;
	if (obj_parent_ok(&ad->o) != 0)
		return -EBADF;
	if (ad->cm == NULL)
		return -ENOTSUP;
	l = calloc(1, sizeof(*l));
	if (l == NULL)
		return -ENOMEM;
	obj_init(&l->o, ad, NDK_OBJECT_LISTENER, &listener_dispatch, &lis_ops);
	l->event = event;
	l->event_ctx = event_ctx;
	obj_publish(&l->o);
	*out = (struct ndk_listener *)l;
	return 0;
}

static int
lis_listen(struct ndk_listener *pub, const struct sockaddr *sa, socklen_t len,
	   ndk_request_cb cb, void *ctx)
{
	struct lib_listener *l = (struct lib_listener *)pub;
	struct cm *cm = cm_of(&l->o);
	uint8_t addr[16];
	uint16_t port;
	int ret;

	RTE_SET_USED(cb);	/* inline */
	RTE_SET_USED(ctx);
	if (from_sockaddr(sa, len, addr, &port) != 0)
		return -EINVAL;
	l->v4 = sa->sa_family == AF_INET;
	pthread_mutex_lock(&cm->lock);
	if (l->bind != NULL) {
		ret = -EISCONN;
		goto out;
	}
	/* The unspecified address listens on every address of the port. */
	if (v4_any(addr))
		memset(addr, 0, 16);
	ret = addr_any(addr) ? 0 : cm_local_addr(cm, addr, NULL);
	if (ret == 0)
		ret = cm_bind_get(cm, addr, port, &l->bind);
	if (ret == 0)
		TAILQ_INSERT_TAIL(&cm->listeners, l, next);
out:
	pthread_mutex_unlock(&cm->lock);
	return ret;
}

static int
lis_addr(struct ndk_listener *pub, struct sockaddr *sa, socklen_t *len)
{
	struct lib_listener *l = (struct lib_listener *)pub;
	struct cm *cm = cm_of(&l->o);
	uint8_t a[16];
	uint16_t port;
	int ret = 0;

	pthread_mutex_lock(&cm->lock);
	if (l->bind == NULL) {
		ret = -ENOTCONN;
	} else {
		memcpy(a, l->bind->addr, 16);
		port = l->bind->port;
	}
	pthread_mutex_unlock(&cm->lock);
	if (ret != 0)
		return ret;
	if (addr_any(a) && l->v4)
		a[10] = a[11] = 0xff;	/* 0.0.0.0 */
	return to_sockaddr(a, port, l->v4, sa, len);
}

static void
lis_pause(struct ndk_listener *pub, bool pause)
{
	__atomic_store_n(&((struct lib_listener *)pub)->paused, pause, __ATOMIC_RELEASE);
}

const struct ndk_listener_dispatch listener_dispatch = {
	.close = obj_close_fn,
	.query_extension = ext_none,
	.listen = lis_listen,
	.get_local_address = lis_addr,
	.control_connect_events = lis_pause,
};

/* Shared endpoints. */

static void
sep_close_begin(struct obj *o)
{
	struct lib_sep *s = container_of(o, struct lib_sep, o);
	struct cm *cm = cm_of(o);

	pthread_mutex_lock(&cm->lock);
	cm_bind_put(cm, s->bind);
	s->bind = NULL;
	pthread_mutex_unlock(&cm->lock);
}

static void
sep_free(struct obj *o)
{
	free(container_of(o, struct lib_sep, o));
}

static const struct obj_ops sep_ops = {
	.name = "shared endpoint",
	.close_begin = sep_close_begin,
	.free = sep_free,
};

int
sep_create(struct ndk_adapter *pub, const struct sockaddr *sa, socklen_t len,
		    ndk_create_cb cb, void *ctx, struct ndk_shared_endpoint **out)
{
	struct adapter *ad = (struct adapter *)pub;
	struct lib_sep *s;
	uint8_t addr[16];
	uint16_t port;
	int ret;

	RTE_SET_USED(cb);
	RTE_SET_USED(ctx);
	if (out == NULL || from_sockaddr(sa, len, addr, &port) != 0)
		return -EINVAL;
	if (obj_parent_ok(&ad->o) != 0)
		return -EBADF;
	if (ad->cm == NULL)
		return -ENOTSUP;
	if (v4_any(addr))
		memset(addr, 0, 16);
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return -ENOMEM;
	obj_init(&s->o, ad, NDK_OBJECT_SHARED_ENDPOINT, &sep_dispatch, &sep_ops);
	s->v4 = sa->sa_family == AF_INET;
	pthread_mutex_lock(&ad->cm->lock);
	ret = addr_any(addr) ? 0 : cm_local_addr(ad->cm, addr, NULL);
	if (ret == 0)
		ret = cm_bind_get(ad->cm, addr, port, &s->bind);
	pthread_mutex_unlock(&ad->cm->lock);
	if (ret != 0) {
		free(s);
		return ret;
	}
	obj_publish(&s->o);
	*out = (struct ndk_shared_endpoint *)s;
	return 0;
}

static int
sep_addr(struct ndk_shared_endpoint *pub, struct sockaddr *sa, socklen_t *len)
{
	struct lib_sep *s = (struct lib_sep *)pub;
	struct cm *cm = cm_of(&s->o);
	uint16_t port = 0;
	uint8_t a[16];
	int ret = 0;

	pthread_mutex_lock(&cm->lock);
	if (s->bind == NULL) {
		ret = -EBADF;		/* its close has started */
	} else {
		memcpy(a, s->bind->addr, 16);
		port = s->bind->port;
	}
	pthread_mutex_unlock(&cm->lock);
	if (ret != 0)
		return ret;
	if (addr_any(a) && s->v4)
		a[10] = a[11] = 0xff;	/* 0.0.0.0 */
	return to_sockaddr(a, port, s->v4, sa, len);
}

const struct ndk_shared_endpoint_dispatch sep_dispatch = {
	.close = obj_close_fn,
	.query_extension = ext_none,
	.get_local_address = sep_addr,
};
