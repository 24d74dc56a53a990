/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Requester (IBA 9.7.2 - 9.7.4): turns send WQEs into request packets segmented by the
 * path MTU, assigns PSNs, keeps the READ/atomic limit (ORD) and fences, and goes back N
 * from the oldest unacknowledged PSN on a local ACK timeout (IBA 9.7.6.1.3).
 */
#include <string.h>

#include "eng_pvt.h"

static bool
is_atomic(const struct eng_swqe *w)
{
	return w->wr.opcode == ENG_WR_CMP_SWAP || w->wr.opcode == ENG_WR_FETCH_ADD;
}

/* Memory operations on this side only: no packet, done when the send queue reaches them. */
static bool
is_local(const struct eng_send_wr *wr)
{
	return wr->opcode == ENG_WR_LOCAL_INV || wr->opcode == ENG_WR_BIND_MW ||
	       wr->opcode == ENG_WR_REG_MR;
}

static uint32_t
npkts(const struct eng_qp *qp, const struct eng_swqe *w)
{
	uint32_t pmtu = qp->attr.path_mtu;

	if (is_local(&w->wr))
		return 0;
	if (is_atomic(w) || w->length == 0)
		return 1;
	return (w->length + pmtu - 1) / pmtu;
}

/* The WRs the poster published since the last look: they become the requester's WQEs. */
static void
refill(struct eng_qp *qp)
{
	struct eng_req *r = &qp->req;
	uint32_t prod = __atomic_load_n(&qp->sq.prod, __ATOMIC_ACQUIRE);

	for (; r->tail != prod; r->tail++) {
		struct eng_swqe *w = eng_swqe(qp, r->tail);

		if (is_local(&w->wr))
			w->length = 0;		/* no payload; SGEs, if any, mean nothing */
		else if (w->wr.flags & ENG_WR_INLINE)
			w->length = w->wr.inline_len;
		else
			w->length = (uint32_t)eng_sge_len(w->wr.sge, w->wr.num_sge);
		w->npkts = npkts(qp, w);	/* once: a division, can_start() and start() */
		w->started = w->sent_all = w->acked = false;
		w->sent = w->rcvd = 0;
		w->status = ENG_WC_SUCCESS;
	}
}

/* IBA 10.8.3.3 fences and 9.7.4.2 ORD; and a bounded number of packets in flight. */
static bool
can_start(const struct eng_qp *qp, const struct eng_swqe *w)
{
	const struct eng_req *r = &qp->req;
	uint32_t n = w->npkts;

	if ((w->wr.flags & ENG_WR_FENCE) && r->rd_inflight > 0)
		return false;
	if (eng_wqe_is_rd_atomic(w) && r->rd_inflight >= qp->attr.max_rd_atomic)
		return false;
	return r->psn == r->acked_psn ||
	       (uint32_t)roce_psn_diff(r->psn, r->acked_psn) + n <= ENG_MAX_INFLIGHT;
}

/* IBA 10.8.2: LOCAL_INV, bind (10.6.7.2) and fast registration act when started. */
static enum eng_wc_status
local_op(struct eng_qp *qp, const struct eng_send_wr *wr)
{
	switch (wr->opcode) {
	case ENG_WR_BIND_MW:
		return eng_mw_bind(qp, wr);
	case ENG_WR_REG_MR:
		return eng_mr_fast_reg(qp, wr);
	default:
		return eng_mr_invalidate(qp->eng, wr->inv_rkey, qp->pd) == 0 ?
		       ENG_WC_SUCCESS : ENG_WC_LOC_PROT_ERR;
	}
}

static void
start(struct eng_qp *qp, struct eng_swqe *w)
{
	struct eng_req *r = &qp->req;
	uint32_t n = w->npkts;

	w->first_psn = r->psn;
	w->last_psn = roce_psn_add(r->psn, n ? n - 1 : 0);
	w->next_psn = r->psn;
	r->psn = roce_psn_add(r->psn, n);
	w->started = true;
	if (eng_wqe_is_rd_atomic(w))
		r->rd_inflight++;
	/* A local operation sends nothing; it completes in order with the rest. */
	if (n == 0) {
		w->sent_all = w->acked = true;
		w->status = local_op(qp, &w->wr);
	}
}

/* IBA table 35 opcodes for packet (first, last) of a SEND or WRITE message. */
static uint8_t
msg_opcode(const struct eng_swqe *w, bool first, bool last)
{
	static const uint8_t send[4] = { ROCE_OP_SEND_MIDDLE, ROCE_OP_SEND_FIRST,
					 ROCE_OP_SEND_LAST, ROCE_OP_SEND_ONLY };
	static const uint8_t write[4] = { ROCE_OP_WRITE_MIDDLE, ROCE_OP_WRITE_FIRST,
					  ROCE_OP_WRITE_LAST, ROCE_OP_WRITE_ONLY };
	unsigned int k = (first ? 1 : 0) | (last ? 2 : 0);

	switch (w->wr.opcode) {
	case ENG_WR_SEND_IMM:
		return last ? (first ? ROCE_OP_SEND_ONLY_IMM : ROCE_OP_SEND_LAST_IMM) : send[k];
	case ENG_WR_SEND_INV:
		return last ? (first ? ROCE_OP_SEND_ONLY_INV : ROCE_OP_SEND_LAST_INV) : send[k];
	case ENG_WR_WRITE:
		return write[k];
	case ENG_WR_WRITE_IMM:
		return last ? (first ? ROCE_OP_WRITE_ONLY_IMM : ROCE_OP_WRITE_LAST_IMM) : write[k];
	default:
		return send[k];
	}
}

/* A local error on a WQE: it completes with status and the QP goes to error (IBA 10.8.3). */
static void
fail_wqe(struct eng_qp *qp, struct eng_swqe *w, enum eng_wc_status st)
{
	w->status = st;
	w->acked = true;
	eng_qp_to_error(qp);
}

/*
 * A packet of PSN psn went out, making PSNs up to last outstanding (a READ request
 * reserves its responses' PSNs). sent_end bounds what an ACK may acknowledge.
 */
static void
note_sent(struct eng_qp *qp, uint32_t psn, uint32_t last)
{
	struct eng_req *r = &qp->req;

	if (roce_psn_cmp(last, r->sent_end) >= 0)
		r->sent_end = roce_psn_add(last, 1);

	if (r->resending) {
		if (roce_psn_diff(psn, r->resend_until) < 0)
			eng_qp_count(qp, ENG_RETRANSMIT_PKTS);
		else
			r->resending = false;
	}
	if (r->rto_deadline == 0 && qp->attr.timeout != 0)
		r->rto_deadline = eng_tsc() + r->rto_cycles;
}

/* Payload bytes [off, off + len) of a WQE: from its inline copy or its SGE list. */
static enum eng_wc_status
gather(struct eng_qp *qp, const struct eng_swqe *w, uint32_t off, uint8_t *data,
       uint32_t len)
{
	if (w->wr.flags & ENG_WR_INLINE) {
		memcpy(data, w->wr.inline_data + off, len);
		return ENG_WC_SUCCESS;
	}
	return eng_sge_copy(qp->eng, qp->pd, w->wr.sge, w->wr.num_sge, off, data, len, false);
}

static bool
send_msg_pkt(struct eng_qp *qp, struct eng_swqe *w)
{
	uint32_t len = RTE_MIN(qp->attr.path_mtu, w->length - w->sent);
	bool first = w->sent == 0, last = w->sent + len == w->length;
	struct roce_pkt p = { .opcode = msg_opcode(w, first, last), .psn = w->next_psn,
			      .payload_len = len };
	enum eng_wc_status st;
	struct rte_mbuf *m;
	uint8_t *data;

	if (first && (w->wr.opcode == ENG_WR_WRITE || w->wr.opcode == ENG_WR_WRITE_IMM))
		p.reth = (typeof(p.reth)){ w->wr.remote_addr, w->wr.rkey, w->length };
	/* AckReq on the last packet, and every so often in a long message (rxe does too). */
	p.ackreq = last || ++qp->req.pkts_since_ackreq >= ENG_ACKREQ_EVERY;
	if (p.ackreq)
		qp->req.pkts_since_ackreq = 0;
	p.se = last && (w->wr.flags & ENG_WR_SOLICITED);
	p.imm = w->wr.imm;
	p.inv_rkey = w->wr.inv_rkey;
	if (!eng_ecn_may_send(qp, len))
		return false;
	m = eng_pkt_alloc(qp, &p, &data);
	if (m == NULL)
		return false;
	st = gather(qp, w, w->sent, data, len);
	if (st != ENG_WC_SUCCESS) {
		rte_pktmbuf_free(m);
		fail_wqe(qp, w, st);
		return false;
	}
	eng_pkt_send(qp, m, &p);
	note_sent(qp, p.psn, p.psn);
	w->sent += len;
	w->next_psn = roce_psn_add(w->next_psn, 1);
	w->sent_all = last;
	return true;
}

/* READ request for what has not arrived yet, or an atomic: one packet, AckReq set. */
static bool
send_rd_atomic_pkt(struct eng_qp *qp, struct eng_swqe *w)
{
	struct roce_pkt p = { .psn = w->next_psn, .ackreq = true };
	struct rte_mbuf *m;
	uint8_t *data;

	if (w->wr.opcode == ENG_WR_READ) {
		p.opcode = ROCE_OP_READ_REQ;
		p.reth = (typeof(p.reth)){ w->wr.remote_addr + w->rcvd, w->wr.rkey,
					   w->length - w->rcvd };
	} else {
		p.opcode = w->wr.opcode == ENG_WR_CMP_SWAP ? ROCE_OP_CMP_SWAP : ROCE_OP_FETCH_ADD;
		p.atomic.va = w->wr.remote_addr;
		p.atomic.rkey = w->wr.rkey;
		p.atomic.swap_add = w->wr.opcode == ENG_WR_CMP_SWAP ? w->wr.swap :
								      w->wr.compare_add;
		p.atomic.compare = w->wr.compare_add;
	}
	if (!eng_ecn_may_send(qp, 0))
		return false;
	m = eng_pkt_alloc(qp, &p, &data);
	if (m == NULL)
		return false;
	eng_pkt_send(qp, m, &p);
	note_sent(qp, p.psn, p.opcode == ROCE_OP_READ_REQ ? w->last_psn : p.psn);
	w->sent_all = true;
	return true;
}

/*
 * UD (IBA 9.8): one SEND_ONLY packet with a DETH per WQE, no acknowledgement; the WQE
 * completes once the packet is queued.
 */
static bool
send_ud_pkt(struct eng_qp *qp, struct eng_swqe *w)
{
	struct roce_pkt p = {
		.opcode = w->wr.opcode == ENG_WR_SEND_IMM ? ROCE_OP_UD_SEND_ONLY_IMM :
							    ROCE_OP_UD_SEND_ONLY,
		.psn = qp->req.psn, .dqpn = w->wr.ud.dest_qpn, .payload_len = w->length,
		.imm = w->wr.imm, .se = (w->wr.flags & ENG_WR_SOLICITED) != 0,
		.deth = { .qkey = w->wr.ud.qkey, .sqpn = qp->qpn },
	};
	enum eng_wc_status st;
	struct rte_mbuf *m;
	uint8_t *data;

	if (w->length > qp->attr.path_mtu) {
		w->status = ENG_WC_LOC_LEN_ERR;		/* a datagram is one packet */
		w->sent_all = w->acked = true;
		return true;
	}
	memcpy(p.dmac.addr_bytes, w->wr.ud.dmac, 6);
	memcpy(p.dip, w->wr.ud.dgid, 16);
	memcpy(p.sip, w->wr.ud.sgid, 16);
	m = eng_pkt_alloc(qp, &p, &data);
	if (m == NULL)
		return false;
	st = gather(qp, w, 0, data, w->length);
	if (st == ENG_WC_SUCCESS)
		eng_pkt_send(qp, m, &p);
	else
		rte_pktmbuf_free(m);
	qp->req.psn = roce_psn_add(qp->req.psn, 1);
	w->status = st;
	w->sent_all = w->acked = true;
	return true;
}

static bool
send_next(struct eng_qp *qp, struct eng_swqe *w)
{
	if (qp->type == ENG_QPT_UD)
		return send_ud_pkt(qp, w);
	return eng_wqe_is_rd_atomic(w) ? send_rd_atomic_pkt(qp, w) : send_msg_pkt(qp, w);
}

void
eng_req_progress(struct eng_qp *qp)
{
	struct eng_req *r = &qp->req;
	unsigned int budget = qp->eng->req_burst;

	if (r->rnr_deadline != 0)
		return;		/* waiting out an RNR NAK */
	refill(qp);
	while (r->cur != r->tail && budget > 0) {
		struct eng_swqe *w = eng_swqe(qp, r->cur);
		bool ok;

		if (!w->started && qp->type == ENG_QPT_UD) {
			w->started = true;
		} else if (!w->started) {
			if (!can_start(qp, w))
				break;
			start(qp, w);
			/* A local operation that failed is a local error: the QP stops. */
			if (w->status != ENG_WC_SUCCESS) {
				fail_wqe(qp, w, w->status);
				break;
			}
		}
		if (w->sent_all) {
			r->cur++;
			continue;
		}
		if (qp->resp.ack_pending)
			eng_resp_ack_first(qp);
		ok = send_next(qp, w);
		if (!ok || eng_qp_state_get(qp) == ENG_QPS_ERR)
			break;
		budget--;
	}
	eng_req_complete(qp);
}

void
eng_req_rewind(struct eng_qp *qp)
{
	struct eng_req *r = &qp->req;
	uint32_t pmtu = qp->attr.path_mtu;
	uint32_t i;

	r->resend_until = r->psn;
	r->resending = true;
	r->pkts_since_ackreq = 0;
	for (i = r->head; i != r->tail; i++) {
		struct eng_swqe *w = eng_swqe(qp, i);
		int32_t k;

		if (!w->started)
			break;
		if (w->acked)
			continue;
		w->sent_all = false;
		if (w->wr.opcode == ENG_WR_READ) {
			/* Ask again only for the responses that did not arrive (rxe does too). */
			w->next_psn = roce_psn_add(w->first_psn, w->rcvd / pmtu);
		} else if (is_atomic(w)) {
			w->next_psn = w->first_psn;
		} else {
			/* Go back N from the oldest unacknowledged PSN, mid-message if need be. */
			k = RTE_MAX(roce_psn_diff(r->acked_psn, w->first_psn), 0);
			w->sent = RTE_MIN((uint32_t)k * pmtu, w->length);
			w->next_psn = roce_psn_add(w->first_psn, k);
		}
	}
	r->cur = r->head;
}

/* The oldest outstanding WQE failed for good: it completes with st, the rest flush. */
void
eng_req_fail_head(struct eng_qp *qp, enum eng_wc_status st)
{
	struct eng_req *r = &qp->req;

	if (r->head != r->tail)
		fail_wqe(qp, eng_swqe(qp, r->head), st);
	else
		eng_qp_to_error(qp);
}

void
eng_req_timers(struct eng_qp *qp, uint64_t now)
{
	struct eng_req *r = &qp->req;

	if (r->rnr_deadline != 0 && now >= r->rnr_deadline)
		r->rnr_deadline = 0;	/* eng_req_rewind() ran when the RNR NAK came */
	if (r->rto_deadline == 0 || now < r->rto_deadline)
		return;
	if (r->head == r->tail || !eng_swqe(qp, r->head)->started) {
		r->rto_deadline = 0;
		return;
	}
	eng_qp_count(qp, ENG_RETRANSMIT_TIMEOUTS);
	/* IBA 9.7.6.1.3: retry_cnt retries, then the WQE fails with a retry error. */
	if (++r->retries > qp->attr.retry_cnt) {
		eng_req_fail_head(qp, ENG_WC_RETRY_EXC_ERR);
		return;
	}
	eng_req_rewind(qp);
	r->rto_deadline = now + r->rto_cycles;
}

static uint8_t
wc_opcode(const struct eng_swqe *w)
{
	switch (w->wr.opcode) {
	case ENG_WR_WRITE:
	case ENG_WR_WRITE_IMM:
		return ENG_WC_WRITE;
	case ENG_WR_READ:
		return ENG_WC_READ;
	case ENG_WR_CMP_SWAP:
		return ENG_WC_CMP_SWAP;
	case ENG_WR_FETCH_ADD:
		return ENG_WC_FETCH_ADD;
	case ENG_WR_LOCAL_INV:
		return ENG_WC_LOCAL_INV;
	case ENG_WR_BIND_MW:
		return ENG_WC_BIND_MW;
	case ENG_WR_REG_MR:
		return ENG_WC_REG_MR;
	default:
		return ENG_WC_SEND;
	}
}

static void
complete(struct eng_qp *qp, uint32_t i, enum eng_wc_status st)
{
	const struct eng_swqe *w = eng_swqe(qp, i);
	/* Unsignalled WRs complete silently unless they failed (IBA 10.8.3.1). */
	bool push = (w->wr.flags & ENG_WR_SIGNALED) || st != ENG_WC_SUCCESS;
	struct eng_cqe cqe;

	if (push)
		cqe = (struct eng_cqe){ .wr_id = w->wr.wr_id, .qpn = qp->qpn, .status = st,
					.opcode = wc_opcode(w), .byte_len = w->length };

	/* Retired: what a bind or fast-register names may be freed after this. */
	eng_wr_keys_drop(&w->wr);
	/*
	 * The entry is free once read, and free before its completion shows: a consumer
	 * that reaped it may post again at once, from another thread (release: the poster
	 * that sees the new head sees this WQE read).
	 */
	__atomic_store_n(&qp->req.head, i + 1, __ATOMIC_RELEASE);
	if (push)
		eng_cq_push(qp, qp->send_cq, &cqe);
}

void
eng_req_complete(struct eng_qp *qp)
{
	struct eng_req *r = &qp->req;

	while (r->head != r->tail) {
		struct eng_swqe *w = eng_swqe(qp, r->head);

		if (!w->acked)
			break;
		if (r->cur == r->head)
			r->cur++;
		complete(qp, r->head, w->status);	/* advances r->head */
	}
}

void
eng_req_flush(struct eng_qp *qp)
{
	struct eng_req *r = &qp->req;
	uint32_t prod = __atomic_load_n(&qp->sq.prod, __ATOMIC_ACQUIRE);

	/* In posting order: done ones as they ended, a failed one with its error, the
	 * rest flushed; then what was posted and not yet taken. complete() advances head. */
	while (r->head != r->tail) {
		struct eng_swqe *w = eng_swqe(qp, r->head);

		complete(qp, r->head, w->acked ? w->status : ENG_WC_WR_FLUSH_ERR);
	}
	while (r->head != prod) {
		eng_swqe(qp, r->head)->length = 0;
		complete(qp, r->head, ENG_WC_WR_FLUSH_ERR);
	}
	r->tail = r->cur = prod;
	r->rd_inflight = 0;
	r->rto_deadline = 0;
	r->rnr_deadline = 0;
}
