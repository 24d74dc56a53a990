/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Connection management over QP1 (IBA 12.9 state machine, rdma_cm's conventions on
 * RoCE): the GSI QP and its buffers, sending and retransmitting MADs, and the handlers of
 * each message. Everything here runs under the CM lock.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_ip.h>
#include <rte_random.h>
#include <rte_rcu_qsbr.h>

#include "cm.h"
#include "eng_api.h"

#define GSI_RECVS	512		/* as Linux ib_mad: bursts of requests fit */
#define GRH_LEN		40
#define GSI_BUF		(GRH_LEN + CM_MAD_SIZE)
#define RESOLVE_MS	5000		/* neighbour resolution gives up after this */
#define ACK_TIMEOUT	14		/* local ACK timeout we ask for: 67 ms */
/* Packet lifetime: rdma_cm asks for a local ACK timeout of the lifetime plus one. */
#define PKT_LIFETIME	(ACK_TIMEOUT - 1)
/* The service timeout of the MRAs we send: rdma_cm's CMA_CM_MRA_SETTING, about 69 s. */
#define MRA_TIMEOUT	24

const char *const conn_state_names[CONN_STATE_MAX] = {
	[CONN_IDLE] = "idle", [CONN_RESOLVING] = "resolving", [CONN_REQ_SENT] = "req-sent",
	[CONN_REP_RCVD] = "rep-rcvd", [CONN_REQ_RCVD] = "req-rcvd",
	[CONN_REP_SENT] = "rep-sent", [CONN_ESTABLISHED] = "established",
	[CONN_DREQ_SENT] = "dreq-sent", [CONN_DREQ_RCVD] = "dreq-rcvd",
	[CONN_CLOSED] = "closed",
};

static uint64_t
ms_tsc(unsigned int ms)
{
	return rte_get_timer_hz() / 1000 * ms;
}

/* IBA's timeout encoding, 4.096 us * 2^exp, in TSC cycles. */
static uint64_t
iba_tsc(unsigned int exp)
{
	uint64_t ns = 4096ull << RTE_MIN(exp, 31u);

	return ns * (rte_get_timer_hz() / 1000000) / 1000;
}

/*
 * How long to wait for an answer before sending again: the response timeout the answering
 * side advertised plus a round trip of two packet lifetimes, as Linux's cm.c computes it.
 */
static uint64_t
answer_tsc(uint8_t response_timeout)
{
	return iba_tsc(response_timeout) + 2 * iba_tsc(PKT_LIFETIME);
}

static uint8_t
mtu_enum(uint32_t bytes)
{
	uint8_t e = 1;

	while (e < CM_MTU_4096 && (256u << e) <= bytes)
		e++;
	return e;
}

/* Port space. */

static bool
addr_zero(const uint8_t a[16])
{
	static const uint8_t z[16];

	return memcmp(a, z, 16) == 0;
}

int
cm_bind_get(struct cm *cm, const uint8_t addr[16], uint16_t port, struct cm_bind **out)
{
	struct cm_bind *b;
	unsigned int tries;

	if (port == 0) {
		/* Ephemeral ports as Linux's default range ends: 49152-65535. */
		for (tries = 0; tries < 16384; tries++) {
			uint16_t p = (uint16_t)(49152 + (cm->next_port++ % 16384));

			if (cm_bind_get(cm, addr, p, out) == 0)
				return 0;
		}
		return -ENOSPC;
	}
	TAILQ_FOREACH(b, &cm->binds, next)
		if (b->port == port && (addr_zero(b->addr) || addr_zero(addr) ||
					memcmp(b->addr, addr, 16) == 0))
			return -EADDRINUSE;
	b = calloc(1, sizeof(*b));
	if (b == NULL)
		return -ENOMEM;
	memcpy(b->addr, addr, 16);
	b->port = port;
	b->refs = 1;
	TAILQ_INSERT_TAIL(&cm->binds, b, next);
	*out = b;
	return 0;
}

void
cm_bind_put(struct cm *cm, struct cm_bind *b)
{
	if (b != NULL && --b->refs == 0) {
		TAILQ_REMOVE(&cm->binds, b, next);
		free(b);
	}
}

/* Is addr one of the port's? With addr zero, pick the first of peer's family. */
int
cm_local_addr(struct cm *cm, uint8_t addr[16], const uint8_t peer[16])
{
	uint8_t all[ENG_PORT_MAX_ADDRS][16], len[ENG_PORT_MAX_ADDRS];
	struct eng_port *port = droce_engine_port(cm->ad->de);
	int i, n = eng_port_addrs(port, all, len, ENG_PORT_MAX_ADDRS);
	bool v4 = peer != NULL ? roce_addr_is_v4mapped(peer) : roce_addr_is_v4mapped(addr);

	for (i = 1; i < n; i++) {	/* entry 0 is the link-local address */
		if (addr_zero(addr) ? roce_addr_is_v4mapped(all[i]) == v4 :
				      memcmp(all[i], addr, 16) == 0) {
			memcpy(addr, all[i], 16);
			return 0;
		}
	}
	return addr_zero(addr) ? -ENETUNREACH : -EADDRNOTAVAIL;
}

/* Sending. */

static int
send_mad(struct cm *cm, const uint8_t mac[6], const uint8_t src[16], const uint8_t dst[16],
	 const uint8_t mad[CM_MAD_SIZE])
{
	struct eng_send_wr wr;
	struct eng_cqe c[16];

	/* Drain the send completions first: the queue is ours alone. */
	while (eng_cq_poll(cm->scq, c, RTE_DIM(c)) > 0)
		;
	memset(&wr, 0, offsetof(struct eng_send_wr, sge));
	wr.opcode = ENG_WR_SEND;
	wr.flags = ENG_WR_SIGNALED | ENG_WR_INLINE;
	wr.num_sge = 1;
	wr.sge[0] = (struct eng_sge){ .addr = (uintptr_t)mad, .length = CM_MAD_SIZE };
	memcpy(wr.ud.dmac, mac, 6);
	memcpy(wr.ud.dgid, dst, 16);
	memcpy(wr.ud.sgid, src, 16);
	wr.ud.dest_qpn = CM_GSI_QPN;
	wr.ud.qkey = CM_GSI_QKEY;
	return eng_post_send(cm->gsi, &wr);
}

/* Send c's message in c->mad and arm its retransmission. */
static int
send_conn(struct cm *cm, struct lib_conn *c, bool retransmit)
{
	int ret = send_mad(cm, c->rmac, c->laddr, c->raddr, c->mad);

	if (retransmit) {
		c->retries = 0;
		c->deadline = rte_get_timer_cycles() + c->retry_tsc;
	} else {
		c->deadline = 0;
	}
	return ret;
}

static int
build(struct lib_conn *c, struct cm_mad *m)
{
	m->method = CM_METHOD_SEND;
	m->tid = c->tid;
	return cm_mad_build(m, c->mad) == CM_MAD_SIZE ? 0 : -EINVAL;
}

/*
 * Our CA GUID: the EUI-64 of the port's MAC, as rxe makes its node GUID. Linux's CM keys
 * duplicate-REQ and stale-connection detection on (remote QPN or comm ID, remote CA GUID):
 * with 0, two droce hosts both using QPN 2 looked like one stale connection to Linux.
 */
static uint64_t
ca_guid(struct cm *cm)
{
	uint8_t m[6];

	eng_port_mac(droce_engine_port(cm->ad->de), m);
	return (uint64_t)(m[0] ^ 2) << 56 | (uint64_t)m[1] << 48 | (uint64_t)m[2] << 40 |
	       (uint64_t)0xfffe << 24 | (uint64_t)m[3] << 16 | (uint64_t)m[4] << 8 | m[5];
}

static void
fill_path(struct lib_conn *c, struct cm_path *p, uint32_t pmtu)
{
	RTE_SET_USED(pmtu);
	p->slid = p->dlid = 0xffff;	/* rdma_cm on RoCE: permissive LIDs */
	memcpy(p->sgid, c->laddr, 16);
	memcpy(p->dgid, c->raddr, 16);
	p->hop_limit = 64;
	p->packet_rate = 3;		/* 2.5 Gb/s class, as rxe reports */
	p->local_ack_timeout = ACK_TIMEOUT;
	/* Linux's cm_format_req(): subnet local only for a hop limit of 1 or less. */
	p->subnet_local = 0;
}

static int
send_req(struct cm *cm, struct lib_conn *c, const uint8_t *upd, uint32_t ulen)
{
	struct cm_mad m = { .attr_id = CM_ATTR_REQ };
	struct cm_req *r = &m.req;
	uint32_t pmtu = eng_port_path_mtu(droce_engine_port(cm->ad->de));

	r->local_comm_id = c->local_id;
	r->service_id = cma_service_id(c->rport);
	r->local_ca_guid = ca_guid(cm);
	r->local_qpn = eng_qp_num(c->qp->eqp);
	r->resp_resources = c->ird;
	r->init_depth = c->ord;
	r->remote_cm_timeout = cm->timeout;
	r->local_cm_timeout = cm->timeout;
	r->qp_type = CM_QPT_RC;
	r->starting_psn = c->lpsn;
	r->retry_count = 7;
	r->rnr_retry_count = 7;
	r->pkey = 0xffff;
	r->path_mtu = mtu_enum(pmtu);
	r->max_cm_retries = cm->retries;
	r->srq = c->qp->srq != NULL;
	fill_path(c, &r->primary, pmtu);
	if (cma_hdr_build(r->pdata, c->laddr, c->raddr, c->lport) < 0)
		return -EINVAL;
	memcpy(r->pdata + CMA_HDR_SIZE, upd, ulen);
	c->path_mtu = r->path_mtu;
	/* We said the peer answers within cm->timeout; the DREQ later waits as long. */
	c->retry_tsc = answer_tsc(cm->timeout);
	c->max_retries = cm->retries;
	if (build(c, &m) != 0)
		return -EINVAL;
	c->st = CONN_REQ_SENT;
	return send_conn(cm, c, true);
}

/* The user's private data kept for the REQ until the MAC is known. */
int
cm_start_connect(struct cm *cm, struct lib_conn *c)
{
	uint8_t mac[6];
	int ret = eng_neigh_resolve_mt(droce_engine_port(cm->ad->de), c->raddr, mac);

	if (ret == -EAGAIN) {
		if (c->deadline == 0) {
			c->deadline = rte_get_timer_cycles() + ms_tsc(RESOLVE_MS);
			/* The control context may sleep 100 ms: resolution is polled each ms. */
			ctl_wake(cm->ad);
		}
		c->st = CONN_RESOLVING;
		return 0;
	}
	if (ret != 0)
		return ret;
	memcpy(c->rmac, mac, 6);
	return send_req(cm, c, c->pdata, CM_REQ_PDATA - CMA_HDR_SIZE);
}

int
cm_send_rep(struct cm *cm, struct lib_conn *c, const void *pdata, uint32_t len)
{
	struct cm_mad m = { .attr_id = CM_ATTR_REP };
	struct cm_rep *r = &m.rep;

	r->local_comm_id = c->local_id;
	r->remote_comm_id = c->remote_id;
	r->local_qpn = eng_qp_num(c->qp->eqp);
	r->local_ca_guid = ca_guid(cm);
	r->starting_psn = c->lpsn;
	r->resp_resources = c->ird;
	r->init_depth = c->ord;
	r->target_ack_delay = 15;
	r->rnr_retry_count = 7;
	r->srq = c->qp->srq != NULL;
	if (len != 0)
		memcpy(r->pdata, pdata, len);
	if (build(c, &m) != 0)
		return -EINVAL;
	c->st = CONN_REP_SENT;
	return send_conn(cm, c, true);
}

int
cm_send_rtu(struct cm *cm, struct lib_conn *c)
{
	struct cm_mad m = { .attr_id = CM_ATTR_RTU };

	m.rtu.local_comm_id = c->local_id;
	m.rtu.remote_comm_id = c->remote_id;
	if (build(c, &m) != 0)
		return -EINVAL;
	return send_conn(cm, c, false);
}

int
cm_send_rej(struct cm *cm, struct lib_conn *c, const void *pdata, uint32_t len)
{
	struct cm_mad m = { .attr_id = CM_ATTR_REJ };

	m.rej.local_comm_id = c->local_id;
	m.rej.remote_comm_id = c->remote_id;
	m.rej.msg_rejected = c->active ? CM_MSG_REP : CM_MSG_REQ;
	m.rej.reason = CM_REJ_CONSUMER_DEFINED;
	if (pdata != NULL)
		memcpy(m.rej.pdata, pdata, len);
	if (build(c, &m) != 0)
		return -EINVAL;
	c->st = CONN_CLOSED;
	return send_conn(cm, c, false);
}

int
cm_send_dreq(struct cm *cm, struct lib_conn *c)
{
	struct cm_mad m = { .attr_id = CM_ATTR_DREQ };

	m.dreq.local_comm_id = c->local_id;
	m.dreq.remote_comm_id = c->remote_id;
	m.dreq.remote_qpn = c->rqpn;
	/* A new request gets a new transaction ID (IBA 13.4.6.4); the DREP will carry it. */
	c->tid = ++cm->next_tid;
	if (build(c, &m) != 0)
		return -EINVAL;
	c->st = CONN_DREQ_SENT;
	return send_conn(cm, c, true);
}

/* A reply to a message that matches no connection (REJ for a REQ, DREP for a DREQ). */
static void
answer_stray(struct cm *cm, const struct cm_mad *in, uint16_t attr, uint16_t reason,
	     const uint8_t mac[6], const uint8_t src[16], const uint8_t dst[16])
{
	struct cm_mad m = { .attr_id = attr, .method = CM_METHOD_SEND, .tid = in->tid };
	uint8_t buf[CM_MAD_SIZE];

	if (attr == CM_ATTR_REJ) {
		m.rej.remote_comm_id = in->req.local_comm_id;
		m.rej.msg_rejected = CM_MSG_REQ;
		m.rej.reason = reason;
	} else {
		m.drep.remote_comm_id = in->dreq.local_comm_id;
		m.drep.local_comm_id = in->dreq.remote_comm_id;
	}
	if (cm_mad_build(&m, buf) == CM_MAD_SIZE)
		(void)send_mad(cm, mac, src, dst, buf);
}

/*
 * A peer sent its REQ or REP again while our consumer is still deciding: tell it to wait
 * (IBA 12.6.6) instead of letting it give up. rdma_cm does the same (an MRA delayed until
 * a duplicate arrives) with the same service timeout.
 */
static void
send_mra(struct cm *cm, const struct lib_conn *c, uint8_t msg)
{
	struct cm_mad m = { .attr_id = CM_ATTR_MRA, .method = CM_METHOD_SEND, .tid = c->tid };
	uint8_t buf[CM_MAD_SIZE];

	m.mra.local_comm_id = c->local_id;
	m.mra.remote_comm_id = c->remote_id;
	m.mra.msg_mraed = msg;
	m.mra.service_timeout = MRA_TIMEOUT;
	if (cm_mad_build(&m, buf) == CM_MAD_SIZE)
		(void)send_mad(cm, c->rmac, c->laddr, c->raddr, buf);
}

/* Completions and events: queued, run on the control context without the lock. */

static void
done_run(struct ctl_item *it)
{
	struct lib_conn *c = container_of(it, struct lib_conn, done);
	ndk_request_cb cb = c->cb;

	c->cb = NULL;
	cb(c->cb_ctx, c->cb_status);
	obj_unref(&c->o);
}

void
cm_complete(struct lib_conn *c, int status)
{
	if (c->cb == NULL)
		return;
	c->cb_status = status;
	c->done.run = done_run;
	obj_ref(&c->o);
	ctl_push(c->o.ad, &c->done);
}

static void
disc_run(struct ctl_item *it)
{
	struct lib_conn *c = container_of(it, struct lib_conn, disc_item);

	/* Once, and never to a consumer that is closing the connector. */
	if (obj_live(&c->o) && c->disc != NULL)
		c->disc(c->disc_ctx);
	obj_unref(&c->o);
}

static void
tell_disconnect(struct lib_conn *c)
{
	if (c->disc_queued)
		return;
	c->disc_queued = true;
	c->disc_item.run = disc_run;
	obj_ref(&c->o);
	ctl_push(c->o.ad, &c->disc_item);
}

void
cm_flush_qp(struct lib_conn *c)
{
	struct eng_qp_attr a = { .state = ENG_QPS_ERR };

	if (c->qp != NULL)
		(void)eng_qp_modify(c->qp->eqp, &a);
}

/* The QP attributes a connection negotiated, for its move to state. */
static void
conn_attr(const struct lib_conn *c, enum eng_qp_state state, struct eng_qp_attr *a)
{
	static const uint32_t mtu[] = { 0, 256, 512, 1024, 2048, 4096 };

	*a = (struct eng_qp_attr){ .state = state };
	a->access = ENG_ACCESS_REMOTE_WRITE | ENG_ACCESS_REMOTE_READ | ENG_ACCESS_REMOTE_ATOMIC;
	a->dest_qpn = c->rqpn;
	memcpy(a->dmac, c->rmac, 6);
	memcpy(a->sgid, c->laddr, 16);
	memcpy(a->dgid, c->raddr, 16);
	a->hop_limit = 64;
	a->path_mtu = mtu[c->path_mtu];
	/*
	 * The Starting PSN a REQ or REP carries is the first PSN its sender expects to
	 * receive: the peer's send queue starts there. Linux's cm.c keeps the REQ's as the
	 * passive side's sq_psn and the REP's as its own rq_psn; captured Linux-to-Linux
	 * traffic (rdma_cm_send.pcap) has each side send from the other's Starting PSN.
	 */
	a->rq_psn = c->lpsn;
	a->sq_psn = c->rpsn;
	a->timeout = c->ack_timeout;
	a->retry_cnt = c->retry;
	a->rnr_retry = c->rnr_retry;
	a->min_rnr_timer = 1;
	a->max_rd_atomic = c->ord != 0 ? c->ord : 1;
	a->max_dest_rd_atomic = c->ird != 0 ? c->ird : 1;
}

int
cm_qp_rtr(struct lib_conn *c)
{
	struct eng_qp_attr a;

	conn_attr(c, ENG_QPS_RTR, &a);
	return eng_qp_modify(c->qp->eqp, &a);
}

int
cm_qp_rts(struct lib_conn *c)
{
	struct eng_qp_attr a;

	conn_attr(c, ENG_QPS_RTS, &a);
	return eng_qp_modify(c->qp->eqp, &a);
}

/* Receiving. */

static struct lib_conn *
find_local(struct cm *cm, uint32_t local_id)
{
	struct lib_conn *c;

	TAILQ_FOREACH(c, &cm->conns, next)
		if (c->local_id == local_id && c->st != CONN_IDLE)
			return c;
	return NULL;
}

static struct lib_listener *
find_listener(struct cm *cm, uint16_t port, const uint8_t addr[16])
{
	struct lib_listener *l;

	TAILQ_FOREACH(l, &cm->listeners, next)
		if (l->bind != NULL && l->bind->port == port &&
		    (addr_zero(l->bind->addr) || memcmp(l->bind->addr, addr, 16) == 0))
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
		if (c->st == CONN_REQ_RCVD)
			(void)cm_send_rej(cm, c, NULL, 0);
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
				(void)send_mad(cm, c->rmac, c->laddr, c->raddr, c->mad);
			else if (c->st == CONN_REQ_RCVD)
				send_mra(cm, c, CM_MSG_REQ);
			return;
		}
	if ((r->service_id & CMA_SID_MASK) != CMA_PS_TCP_SID ||
	    cma_hdr_parse(r->pdata, CM_REQ_PDATA, csrc, cdst, &sport) != 0) {
		answer_stray(cm, m, CM_ATTR_REJ, CM_REJ_INVALID_SERVICE_ID, mac, dst, src);
		return;
	}
	l = find_listener(cm, (uint16_t)(r->service_id & 0xffff), dst);
	if (l == NULL || l->paused || !obj_live(&l->o) || r->qp_type != CM_QPT_RC) {
		answer_stray(cm, m, CM_ATTR_REJ, CM_REJ_INVALID_SERVICE_ID, mac, dst, src);
		return;
	}
	c = conn_new_passive(cm, l);
	if (c == NULL) {
		answer_stray(cm, m, CM_ATTR_REJ, CM_REJ_NO_RESOURCES, mac, dst, src);
		return;
	}
	c->tid = m->tid;
	c->remote_id = r->local_comm_id;
	c->rqpn = r->local_qpn;
	c->rpsn = r->starting_psn;
	c->peer_ird = r->resp_resources;
	c->peer_ord = r->init_depth;
	c->path_mtu = RTE_MIN(r->path_mtu,
			      mtu_enum(eng_port_path_mtu(droce_engine_port(cm->ad->de))));
	c->ack_timeout = r->primary.local_ack_timeout ? r->primary.local_ack_timeout :
							 ACK_TIMEOUT;
	c->retry = r->retry_count;
	c->rnr_retry = r->rnr_retry_count;
	/* Our REP (and DREQ) waits what the REQ says its sender answers within. */
	c->retry_tsc = answer_tsc(r->local_cm_timeout);
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
		send_mra(cm, c, CM_MSG_REP);
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
		(void)cm_send_rej(cm, c, NULL, 0);
		cm_complete(c, -ECONNABORTED);
		return;
	}
	c->st = CONN_REP_RCVD;
	cm_complete(c, 0);
}

static void
on_rtu(struct cm *cm, struct lib_conn *c)
{
	RTE_SET_USED(cm);
	if (c->st != CONN_REP_SENT)
		return;
	c->st = CONN_ESTABLISHED;
	c->deadline = 0;
	cm_complete(c, 0);
}

static void
on_rej(struct cm *cm, struct lib_conn *c, const struct cm_mad *m)
{
	RTE_SET_USED(cm);
	memcpy(c->pdata, m->rej.pdata, CM_REJ_PDATA);
	c->rds = CM_REJ_PDATA;
	c->deadline = 0;
	if (c->st == CONN_REQ_SENT) {
		c->st = CONN_CLOSED;
		cm_complete(c, -ECONNREFUSED);
	} else if (c->st == CONN_REP_SENT) {
		/* The active side gave up (rejected our accept). */
		c->st = CONN_CLOSED;
		cm_flush_qp(c);
		cm_complete(c, -ECONNABORTED);
	} else if (c->st == CONN_REQ_RCVD) {
		c->st = CONN_CLOSED;
	}
}

static void
on_dreq(struct cm *cm, struct lib_conn *c, const struct cm_mad *m, const uint8_t mac[6],
	const uint8_t src[16], const uint8_t dst[16])
{
	struct cm_mad rep = { .attr_id = CM_ATTR_DREP };

	if (c == NULL) {
		answer_stray(cm, m, CM_ATTR_DREP, 0, mac, dst, src);
		return;
	}
	rep.drep.local_comm_id = c->local_id;
	rep.drep.remote_comm_id = c->remote_id;
	rep.method = CM_METHOD_SEND;
	rep.tid = m->tid;
	if (cm_mad_build(&rep, c->mad) == CM_MAD_SIZE)
		(void)send_conn(cm, c, false);
	switch (c->st) {
	case CONN_REP_SENT:
		cm_complete(c, -ECONNABORTED);
		/* fall through */
	case CONN_ESTABLISHED:
		c->st = CONN_DREQ_RCVD;
		tell_disconnect(c);
		break;
	case CONN_DREQ_SENT:
		/* Both sides disconnected at once: ours is answered by theirs. */
		c->st = CONN_CLOSED;
		cm_flush_qp(c);
		cm_complete(c, 0);
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
	cm_complete(c, 0);
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

static void
handle(struct cm *cm, const uint8_t *buf, uint32_t len, const uint8_t mac[6])
{
	uint8_t src[16], dst[16];
	struct lib_conn *c = NULL;
	struct cm_mad m;

	if (len < GRH_LEN + CM_MAD_SIZE)
		return;
	grh_addrs(buf, src, dst);
	if (cm_mad_parse(buf + GRH_LEN, len - GRH_LEN, &m) != 0)
		return;
	if (m.attr_id == CM_ATTR_REQ) {
		on_req(cm, &m, mac, src, dst);
		return;
	}
	/* Every other message names our communication ID as its remote one. */
	c = find_local(cm, m.rep.remote_comm_id);
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
			c->deadline = rte_get_timer_cycles() + iba_tsc(m.mra.service_timeout) +
				      iba_tsc(PKT_LIFETIME);
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

static int
post_recv(struct cm *cm, unsigned int i)
{
	struct eng_recv_wr wr = { .wr_id = i, .num_sge = 1 };

	wr.sge[0] = (struct eng_sge){ .addr = (uintptr_t)(cm->bufs + (size_t)i * GSI_BUF),
				      .length = GSI_BUF, .lkey = eng_mr_lkey(cm->mr) };
	return eng_post_recv(cm->gsi, &wr);
}

/* A message not answered in time: send again, or give up. */
static void
expire(struct cm *cm, struct lib_conn *c, uint64_t now)
{
	if (c->st == CONN_RESOLVING) {
		int ret = cm_start_connect(cm, c);

		if (ret == 0 && (c->st != CONN_RESOLVING || now < c->deadline))
			return;
		c->st = CONN_CLOSED;
		c->deadline = 0;
		cm_complete(c, ret != 0 ? ret : -EHOSTUNREACH);
		return;
	}
	if (now < c->deadline)
		return;
	if (++c->retries <= c->max_retries) {
		(void)send_mad(cm, c->rmac, c->laddr, c->raddr, c->mad);
		c->deadline = now + c->retry_tsc;
		return;
	}
	c->deadline = 0;
	switch (c->st) {
	case CONN_REQ_SENT:
		c->st = CONN_CLOSED;
		cm_complete(c, -ETIMEDOUT);
		break;
	case CONN_REP_SENT:
		c->st = CONN_CLOSED;
		cm_flush_qp(c);
		cm_complete(c, -ETIMEDOUT);
		break;
	case CONN_DREQ_SENT:
		/* The graceful part timed out; the QP is flushed all the same. */
		c->st = CONN_CLOSED;
		cm_flush_qp(c);
		cm_complete(c, -ETIMEDOUT);
		break;
	default:
		break;
	}
}

int
cm_poll(struct adapter *ad)
{
	struct cm *cm = ad->cm;
	struct lib_conn *c;
	struct eng_cqe e[16];
	uint64_t now;
	int i, n, work = 0;

	if (cm == NULL || cm->gsi == NULL)
		return 0;
	pthread_mutex_lock(&cm->lock);
	while ((n = eng_cq_poll(cm->rcq, e, RTE_DIM(e))) > 0) {
		for (i = 0; i < n; i++) {
			if (e[i].status == ENG_WC_SUCCESS)
				handle(cm, cm->bufs + e[i].wr_id * GSI_BUF, e[i].byte_len,
				       e[i].smac);
			(void)post_recv(cm, (unsigned int)e[i].wr_id);
		}
		work += n;
	}
	while (eng_cq_poll(cm->scq, e, RTE_DIM(e)) > 0)
		;
	now = rte_get_timer_cycles();
	TAILQ_FOREACH(c, &cm->conns, next)
		if (c->deadline != 0 || c->st == CONN_RESOLVING)
			expire(cm, c, now);
	pthread_mutex_unlock(&cm->lock);
	return work;
}

int
cm_wait_ms(struct adapter *ad, int max)
{
	uint64_t now = rte_get_timer_cycles(), next = UINT64_MAX, per_ms = ms_tsc(1);
	struct cm *cm = ad->cm;
	struct lib_conn *c;

	if (cm == NULL)
		return max;
	pthread_mutex_lock(&cm->lock);
	TAILQ_FOREACH(c, &cm->conns, next) {
		if (c->st == CONN_RESOLVING)	/* the neighbour table is polled */
			next = now + per_ms;
		else if (c->deadline != 0 && c->deadline < next)
			next = c->deadline;
	}
	pthread_mutex_unlock(&cm->lock);
	if (next <= now)
		return 0;
	return next - now >= (uint64_t)max * per_ms ? max : (int)((next - now + per_ms - 1) / per_ms);
}

/* The GSI QP: our side of QP1. */

static void
gsi_notify(void *arg, struct eng_cq *cq)
{
	RTE_SET_USED(cq);
	ctl_wake(arg);
}

int
cm_init(struct adapter *ad)
{
	struct eng_qp_attr a = { .state = ENG_QPS_INIT, .qkey = CM_GSI_QKEY, .hop_limit = 64 };
	struct eng_qp_init in = { .type = ENG_QPT_UD, .sq_depth = 256, .rq_depth = GSI_RECVS,
				  .slot = -1, .qpn = CM_GSI_QPN };
	struct cm *cm = calloc(1, sizeof(*cm));
	unsigned int i;
	int ret;

	if (cm == NULL)
		return -ENOMEM;
	cm->ad = ad;
	droce_engine_cm_conf(ad->de, &cm->timeout, &cm->retries);
	pthread_mutex_init(&cm->lock, NULL);
	TAILQ_INIT(&cm->conns);
	TAILQ_INIT(&cm->listeners);
	TAILQ_INIT(&cm->binds);
	cm->next_id = (uint32_t)rte_rand();
	cm->next_port = (uint16_t)rte_rand();
	cm->pdn = __atomic_add_fetch(&ad->next_pd, 1, __ATOMIC_RELAXED);
	cm->bufs = calloc(GSI_RECVS, GSI_BUF);
	ret = cm->bufs == NULL ? -ENOMEM : eng_cq_create(ad->eng, 1024, &cm->scq);
	if (ret == 0)
		ret = eng_cq_create(ad->eng, GSI_RECVS * 2, &cm->rcq);
	if (ret == 0)
		ret = eng_mr_reg(ad->eng, cm->pdn, cm->bufs, (uint64_t)GSI_RECVS * GSI_BUF,
				 ENG_ACCESS_LOCAL_WRITE, &cm->mr);
	in.pd = cm->pdn;
	in.send_cq = cm->scq;
	in.recv_cq = cm->rcq;
	if (ret == 0)
		ret = eng_qp_create(ad->eng, &in, &cm->gsi);
	if (ret == 0)
		ret = eng_qp_modify(cm->gsi, &a);
	a.state = ENG_QPS_RTR;
	if (ret == 0)
		ret = eng_qp_modify(cm->gsi, &a);
	a.state = ENG_QPS_RTS;
	if (ret == 0)
		ret = eng_qp_modify(cm->gsi, &a);
	for (i = 0; ret == 0 && i < GSI_RECVS; i++)
		ret = post_recv(cm, i);
	ad->cm = cm;
	if (ret != 0) {
		cm_fini(ad);
		return ret;
	}
	eng_cq_set_notify(cm->rcq, gsi_notify, ad);
	return 0;
}

static void
wait_ms(unsigned int ms)
{
	struct timespec ts = { 0, (long)ms * 1000000 };

	nanosleep(&ts, NULL);
}

void
cm_fini(struct adapter *ad)
{
	struct cm *cm = ad->cm;
	struct cm_bind *b;

	if (cm == NULL)
		return;
	if (cm->rcq != NULL)
		eng_cq_set_notify(cm->rcq, NULL, NULL);
	if (cm->gsi != NULL) {
		eng_qp_close_start(cm->gsi);
		while (!eng_qp_close_poll(cm->gsi))
			wait_ms(1);
	}
	if (cm->mr != NULL) {
		eng_mr_close_start(cm->mr);
		while (!eng_mr_close_poll(cm->mr))
			wait_ms(1);
	}
	/* The QP's grace period passed: no slot pushes into the CQs any more. */
	rte_rcu_qsbr_synchronize(ad->rcu, RTE_QSBR_THRID_INVALID);
	eng_cq_destroy(cm->scq);
	eng_cq_destroy(cm->rcq);
	while ((b = TAILQ_FIRST(&cm->binds)) != NULL) {
		TAILQ_REMOVE(&cm->binds, b, next);
		free(b);
	}
	pthread_mutex_destroy(&cm->lock);
	free(cm->bufs);
	free(cm);
	ad->cm = NULL;
}
