/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Connection management: what a received MAD does to the connection it names (the IBA
 * 12.9 state machine, duplicates answered again as 12.9.6 asks). Everything here runs
 * under the CM lock; the consumer hears of it through queued control items.
 */
#include <errno.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ip.h>

#include "cm_pvt.h"
#include "pmd_api.h"

static struct lib_conn *
find_local(struct cm *cm, uint32_t local_id)
{
	struct lib_conn *c;

	TAILQ_FOREACH(c, &cm->conns, next)
		if (c->local_id == local_id && c->st != CONN_IDLE)
			return c;
	return NULL;
}

/* A passive connection by the peer's communication ID and address. */
static struct lib_conn *
find_remote(struct cm *cm, uint32_t remote_id, const uint8_t src[16])
{
	struct lib_conn *c;

	TAILQ_FOREACH(c, &cm->conns, next)
		if (!c->active && c->remote_id == remote_id && memcmp(c->raddr, src, 16) == 0)
			return c;
	return NULL;
}

static struct lib_listener *
find_listener(struct cm *cm, uint16_t port, const uint8_t addr[16])
{
	struct lib_listener *l;

	TAILQ_FOREACH(l, &cm->listeners, next)
		if (l->bind != NULL && l->bind->port == port &&
		    (cm_addr_zero(l->bind->addr) || memcmp(l->bind->addr, addr, 16) == 0))
			return l;
	return NULL;
}

static void
event_run(struct ctl_item *it)
{
	struct lib_conn *c = container_of(it, struct lib_conn, event);
	struct lib_listener *l = c->lis;
	struct cm *cm = c->o.ad->cm;

	/* A listener closing or paused since: refuse as if nobody listened. */
	if (!obj_live(&l->o) || l->paused) {
		pthread_mutex_lock(&cm->lock);
		if (c->st == CONN_REQ_RCVD && cm_send_rej(cm, c, NULL, 0) == 0)
			c->st = CONN_CLOSED;
		pthread_mutex_unlock(&cm->lock);
		obj_close(&c->o, NULL, NULL, NULL);
		obj_unref(&c->o);
		return;
	}
	l->event(l->event_ctx, (struct ndk_connector *)c);
	obj_unref(&c->o);
}

static void
on_req(struct cm *cm, const struct cm_mad *m, const uint8_t mac[6], const uint8_t src[16],
       const uint8_t dst[16])
{
	const struct cm_req *r = &m->req;
	uint8_t csrc[16], cdst[16];
	struct lib_listener *l;
	struct lib_conn *c;
	uint16_t sport;

	/* A duplicate: answer again what we answered (IBA 12.9.6). */
	TAILQ_FOREACH(c, &cm->conns, next)
		if (!c->active && c->remote_id == r->local_comm_id &&
		    memcmp(c->raddr, src, 16) == 0) {
			if (c->st == CONN_REP_SENT)
				(void)cm_send_mad(cm, c->rmac, c->laddr, c->raddr, c->mad);
			else if (c->st == CONN_REQ_RCVD)
				cm_send_mra(cm, c, CM_MSG_REQ);
			return;
		}
	if ((r->service_id & CMA_SID_MASK) != CMA_PS_TCP_SID ||
	    cma_hdr_parse(r->pdata, CM_REQ_PDATA, csrc, cdst, &sport) != 0) {
		cm_answer_stray(cm, m, CM_ATTR_REJ, CM_REJ_INVALID_SERVICE_ID, mac, dst, src);
		return;
	}
	l = find_listener(cm, (uint16_t)(r->service_id & 0xffff), dst);
	if (l == NULL || l->paused || !obj_live(&l->o) || r->qp_type != CM_QPT_RC) {
		cm_answer_stray(cm, m, CM_ATTR_REJ, CM_REJ_INVALID_SERVICE_ID, mac, dst, src);
		return;
	}
	c = conn_new_passive(cm, l);
	if (c == NULL) {
		cm_answer_stray(cm, m, CM_ATTR_REJ, CM_REJ_NO_RESOURCES, mac, dst, src);
		return;
	}
	c->tid = m->tid;
	c->remote_id = r->local_comm_id;
	c->rqpn = r->local_qpn;
	c->rpsn = r->starting_psn;
	c->peer_ird = r->resp_resources;
	c->peer_ord = r->init_depth;
	c->path_mtu = RTE_MIN(r->path_mtu,
			      cm_mtu_enum(port_path_mtu(env_engine_port(cm->ad->de))));
	c->ack_timeout = r->primary.local_ack_timeout ? r->primary.local_ack_timeout :
							 CM_ACK_TIMEOUT;
	c->retry = r->retry_count;
	c->rnr_retry = r->rnr_retry_count;
	/* Our REP (and DREQ) waits what the REQ says its sender answers within. */
	c->retry_tsc = cm_answer_tsc(r->local_cm_timeout);
	c->max_retries = r->max_cm_retries;
	memcpy(c->rmac, mac, 6);
	memcpy(c->raddr, src, 16);
	memcpy(c->laddr, dst, 16);
	c->rport = sport;
	c->lport = l->bind->port;
	memcpy(c->pdata, r->pdata + CMA_HDR_SIZE, CM_REQ_PDATA - CMA_HDR_SIZE);
	c->rds = CM_REQ_PDATA - CMA_HDR_SIZE;
	c->st = CONN_REQ_RCVD;
	c->event.run = event_run;
	obj_ref(&c->o);
	ctl_push(cm->ad, &c->event);
}

static void
on_rep(struct cm *cm, struct lib_conn *c, const struct cm_mad *m)
{
	const struct cm_rep *r = &m->rep;

	if (c->st == CONN_ESTABLISHED) {	/* our RTU was lost */
		(void)cm_send_rtu(cm, c);
		return;
	}
	if (c->st == CONN_REP_RCVD) {		/* our consumer has not completed yet */
		cm_send_mra(cm, c, CM_MSG_REP);
		return;
	}
	if (c->st != CONN_REQ_SENT)
		return;
	c->remote_id = r->local_comm_id;
	c->rqpn = r->local_qpn;
	c->rpsn = r->starting_psn;
	c->peer_ird = r->resp_resources;
	c->peer_ord = r->init_depth;
	/* IBA 12.7.27/28: reads we issue are bounded by what the peer serves. */
	c->ord = RTE_MIN(c->ord, r->resp_resources);
	c->ird = RTE_MIN(c->ird, r->init_depth);
	c->rnr_retry = r->rnr_retry_count;
	memcpy(c->pdata, r->pdata, CM_REP_PDATA);
	c->rds = CM_REP_PDATA;
	c->deadline = 0;
	if (cm_qp_rtr(c) != 0) {
		c->st = CONN_REP_RCVD;		/* the REJ rejects the REP */
		(void)cm_send_rej(cm, c, NULL, 0);
		c->st = CONN_CLOSED;
		cm_req_done(c, &c->est, -ECONNABORTED);
		return;
	}
	c->st = CONN_REP_RCVD;
	cm_req_done(c, &c->est, 0);
}

static void
on_rtu(struct cm *cm, struct lib_conn *c)
{
	RTE_SET_USED(cm);
	if (c->st != CONN_REP_SENT)
		return;
	c->st = CONN_ESTABLISHED;
	c->deadline = 0;
	cm_req_done(c, &c->est, 0);
}

static void
on_rej(struct cm *cm, struct lib_conn *c, const struct cm_mad *m)
{
	RTE_SET_USED(cm);
	switch (c->st) {
	case CONN_REQ_SENT:
		c->st = CONN_CLOSED;
		cm_req_done(c, &c->est, -ECONNREFUSED);
		break;
	case CONN_REP_SENT:
		/* The active side gave up (rejected our accept). */
		c->st = CONN_CLOSED;
		cm_flush_qp(c);
		cm_req_done(c, &c->est, -ECONNABORTED);
		break;
	case CONN_REQ_RCVD:
		c->st = CONN_CLOSED;
		break;
	case CONN_REP_RCVD:
		/* The peer gave up after its REP: complete_connect finds the connection over. */
		c->st = CONN_CLOSED;
		cm_flush_qp(c);
		break;
	default:
		/*
		 * Nothing in flight a REJ can refuse (IBA 12.9.2: REJ is an answer to a REQ
		 * or a REP). Above all it must not stop the DREQ's timer: the disconnect would
		 * then wait forever.
		 */
		return;
	}
	memcpy(c->pdata, m->rej.pdata, CM_REJ_PDATA);
	c->rds = CM_REJ_PDATA;
	c->deadline = 0;
}

static void
on_dreq(struct cm *cm, struct lib_conn *c, const struct cm_mad *m, const uint8_t mac[6],
	const uint8_t src[16], const uint8_t dst[16])
{
	struct cm_mad rep = { .attr_id = CM_ATTR_DREP };
	uint8_t drep[CM_MAD_SIZE];

	if (c == NULL) {
		cm_answer_stray(cm, m, CM_ATTR_DREP, 0, mac, dst, src);
		return;
	}
	switch (c->st) {
	case CONN_REP_SENT:
	case CONN_ESTABLISHED:
	case CONN_DREQ_SENT:
	case CONN_DREQ_RCVD:
	case CONN_CLOSED:
		break;
	default:
		/*
		 * No connection yet that the peer could end (our REQ or REP unanswered, or
		 * the consumer still deciding): dropped, as Linux's cm_dreq_handler() does.
		 * Answering would also have put the DREP in place of the message our timer
		 * sends again.
		 */
		return;
	}
	rep.drep.local_comm_id = c->local_id;
	rep.drep.remote_comm_id = c->remote_id;
	rep.method = CM_METHOD_SEND;
	rep.tid = m->tid;
	/* Not the connection's retransmitted message: a duplicate DREQ gets a new DREP. */
	if (cm_mad_build(&rep, drep) == CM_MAD_SIZE)
		(void)cm_send_mad(cm, c->rmac, c->laddr, c->raddr, drep);
	switch (c->st) {
	case CONN_REP_SENT:
		c->deadline = 0;
		cm_req_done(c, &c->est, -ECONNABORTED);
		/* fall through */
	case CONN_ESTABLISHED:
		c->st = CONN_DREQ_RCVD;
		cm_tell_disconnect(c);
		break;
	case CONN_DREQ_SENT:
		/* Both sides disconnected at once: ours is answered by theirs. */
		c->st = CONN_CLOSED;
		c->deadline = 0;
		cm_flush_qp(c);
		cm_req_done(c, &c->dis, 0);
		break;
	default:
		break;
	}
}

static void
on_drep(struct cm *cm, struct lib_conn *c)
{
	RTE_SET_USED(cm);
	if (c->st != CONN_DREQ_SENT)
		return;
	c->st = CONN_CLOSED;
	c->deadline = 0;
	cm_flush_qp(c);
	cm_req_done(c, &c->dis, 0);
}

/* The sender's address from the GRH area (IPv4 header in its last 20 bytes). */
static void
grh_addrs(const uint8_t *grh, uint8_t src[16], uint8_t dst[16])
{
	const struct rte_ipv4_hdr *ip4 = (const void *)(grh + 20);

	if ((grh[20] >> 4) == 4 && grh[0] == 0) {
		memset(src, 0, 16);
		memset(dst, 0, 16);
		src[10] = src[11] = dst[10] = dst[11] = 0xff;
		memcpy(src + 12, &ip4->src_addr, 4);
		memcpy(dst + 12, &ip4->dst_addr, 4);
	} else {
		memcpy(src, grh + 8, 16);
		memcpy(dst, grh + 24, 16);
	}
}

void
cm_handle(struct cm *cm, const uint8_t *buf, uint32_t len, const uint8_t mac[6])
{
	uint8_t src[16], dst[16];
	struct lib_conn *c = NULL;
	struct cm_mad m;

	if (len < CM_GRH_LEN + CM_MAD_SIZE)
		return;
	grh_addrs(buf, src, dst);
	if (cm_mad_parse(buf + CM_GRH_LEN, len - CM_GRH_LEN, &m) != 0)
		return;
	if (m.attr_id == CM_ATTR_REQ) {
		on_req(cm, &m, mac, src, dst);
		return;
	}
	/* Every other message names our communication ID as its remote one. */
	c = find_local(cm, m.rep.remote_comm_id);
	/*
	 * But a REJ for a REQ given up by its sender (reason TIMEOUT) names none of ours yet:
	 * it carries the sender's ID, and its CA GUID as ARI (IBA 12.6.7.2, as Linux finds it).
	 */
	if (c == NULL && m.attr_id == CM_ATTR_REJ && m.rej.reason == CM_REJ_TIMEOUT)
		c = find_remote(cm, m.rej.local_comm_id, src);
	switch (m.attr_id) {
	case CM_ATTR_REP:
		if (c != NULL)
			on_rep(cm, c, &m);
		break;
	case CM_ATTR_RTU:
		if (c != NULL)
			on_rtu(cm, c);
		break;
	case CM_ATTR_REJ:
		if (c != NULL)
			on_rej(cm, c, &m);
		break;
	case CM_ATTR_MRA:
		/*
		 * The peer's consumer needs longer: wait its service timeout plus a packet
		 * lifetime before sending again (IBA 12.6.6, Linux's cm_mra_handler()).
		 */
		if (c != NULL && c->deadline != 0)
			c->deadline = cm_clock() + cm_iba_tsc(m.mra.service_timeout) +
				      cm_iba_tsc(CM_PKT_LIFETIME);
		break;
	case CM_ATTR_DREQ:
		on_dreq(cm, c, &m, mac, src, dst);
		break;
	case CM_ATTR_DREP:
		if (c != NULL)
			on_drep(cm, c);
		break;
	default:
		break;
	}
}
