/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Connection management: the messages we send (IBA 12.6), built from a connection's
 * state and put on QP1, with the retransmission timer armed for those that want an
 * answer. A consumer's call first reserves QP1's send entry (cm_reserve()), then changes
 * state, then sends: with QP1's queue full it returns having changed nothing. Everything
 * here runs under the CM lock.
 */
#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_cycles.h>

#include "cm_pvt.h"
#include "pmd_api.h"

#define RESOLVE_MS	5000		/* neighbour resolution gives up after this */
/* The service timeout of the MRAs we send: rdma_cm's CMA_CM_MRA_SETTING, about 69 s. */
#define MRA_TIMEOUT	24

int
cm_reserve(struct cm *cm, struct eng_send_wr **wr)
{
	struct eng_cqe c[16];

	/* Drain the send completions first: the queue is ours alone. */
	while (eng_cq_poll(cm->scq, c, RTE_DIM(c)) > 0)
		;
	return eng_post_send_begin(cm->gsi, wr);
}

/* The MAD as a UD SEND to QP1 of the peer, in the entry cm_reserve() gave. */
static void
post_to(struct cm *cm, struct eng_send_wr *wr, const uint8_t mac[6], const uint8_t src[16],
	const uint8_t dst[16], const uint8_t mad[CM_MAD_SIZE])
{
	memset(wr, 0, offsetof(struct eng_send_wr, sge));
	wr->opcode = ENG_WR_SEND;
	wr->flags = ENG_WR_SIGNALED | ENG_WR_INLINE;
	memcpy(wr->inline_data, mad, CM_MAD_SIZE);
	wr->inline_len = CM_MAD_SIZE;
	memcpy(wr->ud.dmac, mac, 6);
	memcpy(wr->ud.dgid, dst, 16);
	memcpy(wr->ud.sgid, src, 16);
	wr->ud.dest_qpn = CM_GSI_QPN;
	wr->ud.qkey = CM_GSI_QKEY;
	/* A UD SEND of CM_MAD_SIZE inline bytes is well formed: ending it cannot fail. */
	(void)eng_post_send_end(cm->gsi, false);
}

int
cm_send_mad(struct cm *cm, const uint8_t mac[6], const uint8_t src[16], const uint8_t dst[16],
	    const uint8_t mad[CM_MAD_SIZE])
{
	struct eng_send_wr *wr;
	int ret = cm_reserve(cm, &wr);

	if (ret == 0)
		post_to(cm, wr, mac, src, dst, mad);
	return ret;
}

void
cm_post(struct cm *cm, struct lib_conn *c, struct eng_send_wr *wr, const uint8_t mad[CM_MAD_SIZE],
	bool retransmit)
{
	post_to(cm, wr, c->rmac, c->laddr, c->raddr, mad);
	if (mad != c->mad)
		memcpy(c->mad, mad, CM_MAD_SIZE);
	if (retransmit) {
		c->retries = 0;
		c->deadline = cm_clock() + c->retry_tsc;
	} else {
		c->deadline = 0;
	}
}

int
cm_send_conn(struct cm *cm, struct lib_conn *c, const uint8_t mad[CM_MAD_SIZE], bool retransmit)
{
	struct eng_send_wr *wr;
	int ret = cm_reserve(cm, &wr);

	if (ret == 0)
		cm_post(cm, c, wr, mad, retransmit);
	return ret;
}

static int
build(struct cm_mad *m, uint64_t tid, uint8_t mad[CM_MAD_SIZE])
{
	m->method = CM_METHOD_SEND;
	m->tid = tid;
	return cm_mad_build(m, mad) == CM_MAD_SIZE ? 0 : -EINVAL;
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

	port_mac(env_engine_port(cm->ad->de), m);
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
	p->local_ack_timeout = c->ack_timeout;
	/* Linux's cm_format_req(): subnet local only for a hop limit of 1 or less. */
	p->subnet_local = 0;
}

static int
send_req(struct cm *cm, struct lib_conn *c, const uint8_t *upd, uint32_t ulen)
{
	struct cm_mad m = { .attr_id = CM_ATTR_REQ };
	struct cm_req *r = &m.req;
	uint32_t pmtu = port_path_mtu(env_engine_port(cm->ad->de));
	uint8_t mad[CM_MAD_SIZE];
	struct eng_send_wr *wr;
	int ret;

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
	r->retry_count = c->retry;
	r->rnr_retry_count = c->rnr_retry;
	r->pkey = 0xffff;
	r->path_mtu = cm_mtu_enum(pmtu);
	if (c->max_mtu != 0 && c->max_mtu < r->path_mtu)
		r->path_mtu = c->max_mtu;
	r->max_cm_retries = cm->retries;
	r->srq = c->qp->srq != NULL;
	fill_path(c, &r->primary, pmtu);
	if (cma_hdr_build(r->pdata, c->laddr, c->raddr, c->lport) < 0)
		return -EINVAL;
	memcpy(r->pdata + CMA_HDR_SIZE, upd, ulen);
	if (build(&m, c->tid, mad) != 0)
		return -EINVAL;
	ret = cm_reserve(cm, &wr);
	if (ret != 0)
		return ret;
	c->path_mtu = r->path_mtu;
	/* We said the peer answers within cm->timeout; the DREQ later waits as long. */
	c->retry_tsc = cm_answer_tsc(cm->timeout);
	c->max_retries = cm->retries;
	c->st = CONN_REQ_SENT;
	cm_post(cm, c, wr, mad, true);
	return 0;
}

/* The user's private data kept for the REQ until the MAC is known. */
int
cm_start_connect(struct cm *cm, struct lib_conn *c)
{
	uint8_t mac[6];
	int ret = port_neigh_resolve_mt(env_engine_port(cm->ad->de), c->raddr, mac);

	if (ret == -EAGAIN) {
		if (c->deadline == 0) {
			c->deadline = cm_clock() + cm_ms_tsc(RESOLVE_MS);
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
cm_build_rep(struct cm *cm, const struct lib_conn *c, const void *pdata, uint32_t len,
	     uint8_t mad[CM_MAD_SIZE])
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
	return build(&m, c->tid, mad);
}

int
cm_build_rtu(const struct lib_conn *c, uint8_t mad[CM_MAD_SIZE])
{
	struct cm_mad m = { .attr_id = CM_ATTR_RTU };

	m.rtu.local_comm_id = c->local_id;
	m.rtu.remote_comm_id = c->remote_id;
	return build(&m, c->tid, mad);
}

int
cm_send_rtu(struct cm *cm, struct lib_conn *c)
{
	uint8_t mad[CM_MAD_SIZE];

	return cm_build_rtu(c, mad) != 0 ? -EINVAL : cm_send_conn(cm, c, mad, false);
}

/*
 * The REJ for c in its state, as Linux's CM words it: a request we received (REQ), a reply
 * either side sent or received (REP), or our REQ given up (reason TIMEOUT with our CA
 * GUID as ARI: the peer finds its connection by that and our communication ID, as it
 * knows no ID of ours yet; IBA 12.6.7.2).
 */
int
cm_build_rej(struct cm *cm, const struct lib_conn *c, const void *pdata, uint32_t len,
	     uint8_t mad[CM_MAD_SIZE])
{
	struct cm_mad m = { .attr_id = CM_ATTR_REJ };
	uint64_t guid;

	m.rej.local_comm_id = c->local_id;
	m.rej.remote_comm_id = c->remote_id;
	m.rej.reason = CM_REJ_CONSUMER_DEFINED;
	switch (c->st) {
	case CONN_REQ_RCVD:
		m.rej.msg_rejected = CM_MSG_REQ;
		break;
	case CONN_REP_RCVD:
	case CONN_REP_SENT:
		m.rej.msg_rejected = CM_MSG_REP;
		break;
	default:
		m.rej.msg_rejected = CM_MSG_OTHER;
		m.rej.reason = CM_REJ_TIMEOUT;
		guid = rte_cpu_to_be_64(ca_guid(cm));
		memcpy(m.rej.ari, &guid, sizeof(guid));
		m.rej.ari_len = sizeof(guid);
		break;
	}
	if (pdata != NULL)
		memcpy(m.rej.pdata, pdata, len);
	return build(&m, c->tid, mad);
}

int
cm_send_rej(struct cm *cm, struct lib_conn *c, const void *pdata, uint32_t len)
{
	uint8_t mad[CM_MAD_SIZE];

	return cm_build_rej(cm, c, pdata, len, mad) != 0 ? -EINVAL :
							   cm_send_conn(cm, c, mad, false);
}

int
cm_build_dreq(const struct lib_conn *c, uint64_t tid, uint8_t mad[CM_MAD_SIZE])
{
	struct cm_mad m = { .attr_id = CM_ATTR_DREQ };

	m.dreq.local_comm_id = c->local_id;
	m.dreq.remote_comm_id = c->remote_id;
	m.dreq.remote_qpn = c->rqpn;
	return build(&m, tid, mad);
}

/* A reply to a message that matches no connection (REJ for a REQ, DREP for a DREQ). */
void
cm_answer_stray(struct cm *cm, const struct cm_mad *in, uint16_t attr, uint16_t reason,
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
		(void)cm_send_mad(cm, mac, src, dst, buf);
}

/*
 * A peer sent its REQ or REP again while our consumer is still deciding: tell it to wait
 * (IBA 12.6.6) instead of letting it give up. rdma_cm does the same (an MRA delayed until
 * a duplicate arrives) with the same service timeout.
 */
void
cm_send_mra(struct cm *cm, const struct lib_conn *c, uint8_t msg)
{
	struct cm_mad m = { .attr_id = CM_ATTR_MRA, .method = CM_METHOD_SEND, .tid = c->tid };
	uint8_t buf[CM_MAD_SIZE];

	m.mra.local_comm_id = c->local_id;
	m.mra.remote_comm_id = c->remote_id;
	m.mra.msg_mraed = msg;
	m.mra.service_timeout = MRA_TIMEOUT;
	if (cm_mad_build(&m, buf) == CM_MAD_SIZE)
		(void)cm_send_mad(cm, c->rmac, c->laddr, c->raddr, buf);
}
