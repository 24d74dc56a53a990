/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Connection management over QP1 (IBA chapter 12, rdma_cm's conventions on RoCE): port
 * reservations, the consumer's completions and events, the negotiated QP attributes,
 * timers (retransmission and giving up), and the GSI QP with its buffers. The messages we
 * send are in cm_send.c, what received ones do in cm_recv.c. Everything here runs under
 * the CM lock.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_random.h>
#include <rte_rcu_qsbr.h>

#include "cm_pvt.h"
#include "pmd_api.h"

#define GSI_RECVS	512		/* as Linux ib_mad: bursts of requests fit */
#define GSI_BUF		(CM_GRH_LEN + CM_MAD_SIZE)

const char *const conn_state_names[CONN_STATE_MAX] = {
	[CONN_IDLE] = "idle", [CONN_RESOLVING] = "resolving", [CONN_REQ_SENT] = "req-sent",
	[CONN_REP_RCVD] = "rep-rcvd", [CONN_REQ_RCVD] = "req-rcvd",
	[CONN_REP_SENT] = "rep-sent", [CONN_ESTABLISHED] = "established",
	[CONN_DREQ_SENT] = "dreq-sent", [CONN_DREQ_RCVD] = "dreq-rcvd",
	[CONN_CLOSED] = "closed",
};

/* Port space. */

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
		if (b->port == port && (cm_addr_zero(b->addr) || cm_addr_zero(addr) ||
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
	uint8_t all[PORT_MAX_ADDRS][16], len[PORT_MAX_ADDRS];
	struct port *port = env_engine_port(cm->ad->de);
	int i, n = port_addrs(port, all, len, PORT_MAX_ADDRS);
	bool v4 = peer != NULL ? env_addr_is_v4mapped(peer) : env_addr_is_v4mapped(addr);

	for (i = 1; i < n; i++) {	/* entry 0 is the link-local address */
		if (cm_addr_zero(addr) ? env_addr_is_v4mapped(all[i]) == v4 :
				      memcmp(all[i], addr, 16) == 0) {
			memcpy(addr, all[i], 16);
			return 0;
		}
	}
	return cm_addr_zero(addr) ? -ENETUNREACH : -EADDRNOTAVAIL;
}

/* Completions and events: queued, run on the control context without the lock. */

static void
conn_req_run(struct ctl_item *it)
{
	struct conn_req *r = container_of(it, struct conn_req, item);
	struct lib_conn *c = r->c;

	/* Nobody writes r while its item is queued: it completed, and never restarts. */
	r->cb(r->ctx, r->status);
	obj_unref(&c->o);
}

void
cm_req_start(struct lib_conn *c, struct conn_req *r, ndk_request_cb cb, void *ctx)
{
	r->c = c;
	r->cb = cb;
	r->ctx = ctx;
	r->pending = true;
}

void
cm_req_done(struct lib_conn *c, struct conn_req *r, int status)
{
	if (!r->pending)
		return;
	r->pending = false;
	r->status = status;
	r->item.run = conn_req_run;
	obj_ref(&c->o);
	ctl_push(c->o.ad, &r->item);
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

void
cm_tell_disconnect(struct lib_conn *c)
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
		/* Resolved, but QP1's send queue is full: the REQ goes on a later poll. */
		if (ret == -ENOMEM && now < c->deadline)
			return;
		c->st = CONN_CLOSED;
		c->deadline = 0;
		/* -ENOMEM only a call returns; to the callback, a REQ never sent is unanswered. */
		cm_req_done(c, &c->est, ret == -ENOMEM ? -ETIMEDOUT : ret != 0 ? ret : -EHOSTUNREACH);
		return;
	}
	if (now < c->deadline)
		return;
	if (++c->retries <= c->max_retries) {
		(void)cm_send_mad(cm, c->rmac, c->laddr, c->raddr, c->mad);
		c->deadline = now + c->retry_tsc;
		return;
	}
	c->deadline = 0;
	switch (c->st) {
	case CONN_REQ_SENT:
		c->st = CONN_CLOSED;
		cm_req_done(c, &c->est, -ETIMEDOUT);
		break;
	case CONN_REP_SENT:
		c->st = CONN_CLOSED;
		cm_flush_qp(c);
		cm_req_done(c, &c->est, -ETIMEDOUT);
		break;
	case CONN_DREQ_SENT:
		/* The graceful part timed out; the QP is flushed all the same. */
		c->st = CONN_CLOSED;
		cm_flush_qp(c);
		cm_req_done(c, &c->dis, -ETIMEDOUT);
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
				cm_handle(cm, cm->bufs + e[i].wr_id * GSI_BUF, e[i].byte_len,
				       e[i].smac);
			(void)post_recv(cm, (unsigned int)e[i].wr_id);
		}
		work += n;
	}
	while (eng_cq_poll(cm->scq, e, RTE_DIM(e)) > 0)
		;
	now = cm_clock();
	TAILQ_FOREACH(c, &cm->conns, next)
		if (c->deadline != 0 || c->st == CONN_RESOLVING)
			expire(cm, c, now);
	pthread_mutex_unlock(&cm->lock);
	return work;
}

int
cm_wait_ms(struct adapter *ad, int max)
{
	uint64_t now = cm_clock(), next = UINT64_MAX, per_ms = cm_ms_tsc(1);
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
	env_engine_cm_conf(ad->de, &cm->timeout, &cm->retries);
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

static const struct adapter_cm_ops cm_ops = {
	.init = cm_init,
	.fini = cm_fini,
	.poll = cm_poll,
	.wait_ms = cm_wait_ms,
	.create_connector = conn_create,
	.create_listener = lis_create,
	.create_sep = sep_create,
};

/* The object core runs the CM through these (see struct adapter_cm_ops). */
RTE_INIT(cm_register)
{
	adapter_register_cm(&cm_ops);
}
