/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Completer (IBA 9.7.5.2 requester side of responses): ACKs and NAKs, READ responses and
 * atomic ACKs into local buffers, completions in posting order, RNR waits and the NAK
 * classes that end a QP (IBA 9.9.3).
 */
#include <string.h>

#include "eng_pvt.h"

static bool
psn_in(uint32_t psn, const struct eng_swqe *w)
{
	return roce_psn_cmp(psn, w->first_psn) >= 0 && roce_psn_cmp(psn, w->last_psn) <= 0;
}

static void
advance_acked(struct eng_qp *qp, uint32_t next)
{
	struct eng_req *r = &qp->req;

	if (roce_psn_cmp(next, r->acked_psn) > 0) {
		r->acked_psn = next;
		r->retries = 0;		/* progress resets the retry counters (IBA 9.7.6.1.3) */
		r->rnr_retries = 0;
		r->gap_rewound = false;
	}
}

/*
 * A response showed that an earlier one was lost (responses come in PSN order, IBA
 * 9.7.5.1): go back N now rather than wait for the timer, but only once per gap, or
 * every later response of the same burst would restart the retransmission.
 */
static void
rewind_gap(struct eng_qp *qp)
{
	if (qp->req.gap_rewound)
		return;
	qp->req.gap_rewound = true;
	eng_req_rewind(qp);
}

/*
 * Acknowledge every SEND/WRITE packet up to and including psn. A READ or atomic still
 * waiting for its response stops the walk: if the ACK goes past it, its response was
 * lost and the request is asked again. Returns false in that case.
 */
static bool
ack_upto(struct eng_qp *qp, uint32_t psn)
{
	struct eng_req *r = &qp->req;
	uint32_t i;

	for (i = r->head; i != r->tail; i++) {
		struct eng_swqe *w = eng_swqe(qp, i);

		if (!w->started)
			break;
		if (w->acked)
			continue;
		if (eng_wqe_is_rd_atomic(w)) {
			if (roce_psn_cmp(psn, w->first_psn) >= 0) {
				advance_acked(qp, w->first_psn);
				return false;
			}
			break;
		}
		if (roce_psn_cmp(psn, w->last_psn) < 0)
			break;
		w->acked = true;
	}
	advance_acked(qp, roce_psn_add(psn, 1));
	return true;
}

static struct eng_swqe *
find_wqe(struct eng_qp *qp, uint32_t psn)
{
	struct eng_req *r = &qp->req;
	uint32_t i;

	for (i = r->head; i != r->tail; i++) {
		struct eng_swqe *w = eng_swqe(qp, i);

		if (!w->started)
			break;
		if (psn_in(psn, w))
			return w;
	}
	return NULL;
}

static void
fail_at(struct eng_qp *qp, uint32_t psn, enum eng_wc_status st)
{
	struct eng_swqe *w = find_wqe(qp, psn);

	ack_upto(qp, roce_psn_add(psn, ROCE_PSN_MASK));
	eng_req_complete(qp);
	if (w != NULL && !w->acked) {
		w->status = st;
		w->acked = true;
	}
	eng_qp_to_error(qp);
}

static void
rnr_nak(struct eng_qp *qp, const struct roce_pkt *p)
{
	struct eng_req *r = &qp->req;

	eng_qp_count(qp, ENG_RNR_NAK_RX);
	/*
	 * A late or duplicated RNR NAK for a PSN already acknowledged is stale, as any NAK:
	 * it must not hold the requester for the RNR time nor spend an RNR retry.
	 */
	if (roce_psn_cmp(p->psn, r->acked_psn) < 0)
		return;
	ack_upto(qp, roce_psn_add(p->psn, ROCE_PSN_MASK));
	eng_req_complete(qp);
	/* IBA 9.7.5.2.8: rnr_retry 7 retries for ever. */
	if (qp->attr.rnr_retry != 7 && ++r->rnr_retries > qp->attr.rnr_retry) {
		fail_at(qp, p->psn, ENG_WC_RNR_RETRY_EXC_ERR);
		return;
	}
	r->rnr_deadline = eng_tsc() + eng_rnr_cycles(qp->eng, p->aeth.syndrome);
	r->rto_deadline = 0;
	eng_req_rewind(qp);
}

static void
seq_nak(struct eng_qp *qp, const struct roce_pkt *p)
{
	struct eng_req *r = &qp->req;

	eng_qp_count(qp, ENG_NAK_SEQ_RX);
	/* A NAK for a PSN already acknowledged is stale. */
	if (roce_psn_cmp(p->psn, r->acked_psn) < 0)
		return;
	ack_upto(qp, roce_psn_add(p->psn, ROCE_PSN_MASK));
	eng_req_complete(qp);
	/*
	 * Already going back N for this gap, with no progress since: a duplicated or
	 * reordered copy of the same NAK is not another retry (rxe ignores NAKs while its
	 * retry is under way too). A lost retransmission is the ACK timer's to count.
	 */
	if (r->gap_rewound)
		return;
	if (++r->retries > qp->attr.retry_cnt) {
		fail_at(qp, p->psn, ENG_WC_RETRY_EXC_ERR);
		return;
	}
	rewind_gap(qp);
}

static void
aeth_rx(struct eng_qp *qp, const struct roce_pkt *p)
{
	uint8_t syn = p->aeth.syndrome;

	switch (syn & ROCE_AETH_TYPE_MASK) {
	case ROCE_AETH_ACK:
		eng_qp_count(qp, ENG_ACK_RX);
		/*
		 * An ACK for nothing new (a duplicate, or overtaken) changes nothing, nor
		 * does one for a PSN never sent (a ghost: only outstanding requests can be
		 * acknowledged; rxe completes a WQE from an ACK once all of it left).
		 * After a go-back-N an ACK may cover packets not sent again yet: those
		 * were sent before, so sent_end is the highest PSN ever sent.
		 */
		if (roce_psn_cmp(roce_psn_add(p->psn, 1), qp->req.acked_psn) <= 0 ||
		    roce_psn_cmp(p->psn, qp->req.sent_end) >= 0) {
			eng_qp_count(qp, ENG_DUP_RESPONSES);
			return;
		}
		if (!ack_upto(qp, p->psn))
			rewind_gap(qp);
		return;
	case ROCE_AETH_RNR_NAK:
		rnr_nak(qp, p);
		return;
	case ROCE_AETH_NAK:
		break;
	default:
		return;		/* reserved syndrome: ignored */
	}
	switch (syn & ROCE_AETH_CODE_MASK) {
	case ROCE_NAK_PSN_SEQ:
		seq_nak(qp, p);
		break;
	case ROCE_NAK_REMOTE_ACCESS:
		eng_qp_count(qp, ENG_NAK_ACCESS_RX);
		fail_at(qp, p->psn, ENG_WC_REM_ACCESS_ERR);
		break;
	case ROCE_NAK_REMOTE_OP:
		eng_qp_count(qp, ENG_NAK_OPERR_RX);
		fail_at(qp, p->psn, ENG_WC_REM_OP_ERR);
		break;
	default:
		eng_qp_count(qp, ENG_NAK_INVALID_RX);
		fail_at(qp, p->psn, ENG_WC_REM_INV_REQ_ERR);
		break;
	}
}

/*
 * A response acknowledges every request before it (IBA 9.7.5.2.4), unless an
 * earlier READ or atomic is still unanswered: then that one's response was lost and this
 * one is out of order. Returns false (and goes back N) in that case.
 */
static bool
in_order_after(struct eng_qp *qp, uint32_t before)
{
	if (ack_upto(qp, roce_psn_add(before, ROCE_PSN_MASK)))
		return true;
	eng_qp_count(qp, ENG_DUP_RESPONSES);
	rewind_gap(qp);
	return false;
}

/* The response's payload; copied out only when it spans segments. */
static const void *
payload(const struct rte_mbuf *m, const struct roce_pkt *p, void *buf)
{
	return rte_pktmbuf_read(m, p->payload_off, p->payload_len, buf);
}

/*
 * Is p the READ response w expects next? IBA 9.7.5.1.1/9.7.5.2: the responder segments
 * a READ by the path MTU, so FIRST and MIDDLE carry exactly one path MTU of a READ that
 * has more to come, LAST and ONLY exactly what is left. A response that ends the READ
 * early (an ONLY of 256 of 600 bytes) is out of sequence: taking it would complete the
 * READ with part of its buffer never written.
 */
static bool
read_resp_in_order(const struct eng_qp *qp, const struct eng_swqe *w,
		   const struct roce_pkt *p)
{
	uint32_t pmtu = qp->attr.path_mtu, left = w->length - w->rcvd;
	bool first = w->rcvd == 0;

	switch (p->opcode) {
	case ROCE_OP_READ_RESP_FIRST:
		return first && p->payload_len == pmtu && left > pmtu;
	case ROCE_OP_READ_RESP_MIDDLE:
		return !first && p->payload_len == pmtu && left > pmtu;
	case ROCE_OP_READ_RESP_LAST:
		return !first && p->payload_len == left;
	case ROCE_OP_READ_RESP_ONLY:
		return first && p->payload_len == left;
	default:
		return false;
	}
}

static void
read_resp_rx(struct eng_qp *qp, const struct rte_mbuf *m, const struct roce_pkt *p)
{
	uint8_t buf[4096];
	struct eng_swqe *w = find_wqe(qp, p->psn);
	enum eng_wc_status st;
	uint32_t expect;

	if (w == NULL || w->wr.opcode != ENG_WR_READ || w->acked) {
		eng_qp_count(qp, ENG_DUP_RESPONSES);
		return;
	}
	if (!in_order_after(qp, w->first_psn))
		return;
	expect = roce_psn_add(w->first_psn, w->rcvd / qp->attr.path_mtu);
	if (roce_psn_cmp(p->psn, expect) > 0)
		rewind_gap(qp);		/* a response of this READ went missing */
	if (p->psn != expect || !read_resp_in_order(qp, w, p) ||
	    w->rcvd + p->payload_len > w->length || p->payload_len > sizeof(buf)) {
		eng_qp_count(qp, ENG_DUP_RESPONSES);
		return;
	}
	st = eng_sge_copy(qp->eng, qp->pd, w->wr.sge, w->wr.num_sge, w->rcvd,
			  (void *)(uintptr_t)payload(m, p, buf), p->payload_len, true);
	if (st != ENG_WC_SUCCESS) {
		fail_at(qp, p->psn, st);
		return;
	}
	w->rcvd += p->payload_len;
	qp->req.retries = 0;
	qp->req.gap_rewound = false;
	/*
	 * Each response is progress: a long READ must not look like a lost one. The last
	 * advances acked_psn, and eng_comp_rx() restarts the timer for that.
	 */
	if (p->opcode != ROCE_OP_READ_RESP_LAST && p->opcode != ROCE_OP_READ_RESP_ONLY) {
		if (qp->attr.timeout != 0)
			qp->req.rto_deadline = eng_tsc() + qp->req.rto_cycles;
		return;
	}
	w->acked = true;
	qp->req.rd_inflight--;
	advance_acked(qp, roce_psn_add(w->last_psn, 1));
}

static void
atomic_ack_rx(struct eng_qp *qp, const struct roce_pkt *p)
{
	struct eng_swqe *w = find_wqe(qp, p->psn);
	uint64_t orig = p->atomic_orig;
	enum eng_wc_status st;

	if (w == NULL || w->acked || w->wr.opcode == ENG_WR_READ || !eng_wqe_is_rd_atomic(w)) {
		eng_qp_count(qp, ENG_DUP_RESPONSES);
		return;
	}
	if (!in_order_after(qp, p->psn))
		return;
	/* The original value lands in the local buffer in host order, as verbs do. */
	st = eng_sge_copy(qp->eng, qp->pd, w->wr.sge, w->wr.num_sge, 0, &orig, sizeof(orig),
			  true);
	if (st != ENG_WC_SUCCESS) {
		fail_at(qp, p->psn, st);
		return;
	}
	w->acked = true;
	qp->req.rd_inflight--;
	advance_acked(qp, roce_psn_add(p->psn, 1));
}

void
eng_comp_rx(struct eng_qp *qp, struct rte_mbuf *m, const struct roce_pkt *p)
{
	enum eng_qp_state st = eng_qp_state_get(qp);
	struct eng_req *r = &qp->req;
	uint32_t acked = r->acked_psn;

	if (qp->type != ENG_QPT_RC || (st != ENG_QPS_RTS && st != ENG_QPS_SQD &&
				       st != ENG_QPS_SQE)) {
		eng_qp_count(qp, ENG_RX_BAD_STATE);
		rte_pktmbuf_free(m);
		return;
	}
	if (p->opcode == ROCE_OP_ACK)
		aeth_rx(qp, p);
	else if (p->opcode == ROCE_OP_ATOMIC_ACK)
		atomic_ack_rx(qp, p);
	else
		read_resp_rx(qp, m, p);
	eng_pkt_free(qp, m);
	if (eng_qp_state_get(qp) == ENG_QPS_ERR)
		return;
	eng_req_complete(qp);
	/* Progress restarts the local ACK timer; nothing outstanding stops it. */
	if (r->head == r->tail)
		r->rto_deadline = 0;
	else if (r->acked_psn != acked && qp->attr.timeout != 0 && r->rnr_deadline == 0)
		r->rto_deadline = eng_tsc() + r->rto_cycles;
}
