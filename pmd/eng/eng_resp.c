/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Responder (IBA 1.4 9.7.5): takes the request packets addressed to a QP, places SEND and
 * RDMA WRITE data, answers RDMA READ and atomic requests, and acknowledges. RC packets go
 * through a flat sequence of checks (state, PSN, opcode sequence, length, access) before
 * one handler per operation runs, as Linux rxe's responder does; UD SENDs only need a
 * Q_Key and a receive WQE.
 *
 * READ and atomic responses are kept in the responder resources (IRD) and sent by
 * eng_resp_progress() in PSN order; ACKs are coalesced (IBA 9.7.6.1.1), and neither they
 * nor sequence and RNR NAKs overtake responses for earlier PSNs. Everything here runs on the QP's owning slot.
 */
#include <netinet/in.h>
#include <string.h>

#include <rte_common.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_udp.h>

#include "eng_pvt.h"
#include "roce_hdr.h"
#include "roce_opcode.h"
#include "roce_pkt.h"
#include "roce_psn.h"

#define RESP_MIN_PMTU		256
#define RESP_MAX_PMTU		4096	/* IBA largest MTU: bounds every RC payload */
#define RESP_GRH_LEN		40	/* the GRH area of a UD receive buffer */
#define RESP_ACK_SYNDROME	(ROCE_AETH_ACK | ROCE_AETH_CREDIT_INVALID)

static uint32_t
resp_pmtu(const struct eng_qp *qp)
{
	uint32_t mtu = qp->attr.path_mtu;

	if (mtu == 0)
		mtu = port_path_mtu(qp->eng->port);
	return RTE_MIN(RTE_MAX(mtu, (uint32_t)RESP_MIN_PMTU), (uint32_t)RESP_MAX_PMTU);
}

static void
msn_inc(struct eng_resp *r)
{
	r->msn = (r->msn + 1) & ROCE_MSN_MASK;
}

/* Completions. */

/* Complete the receive WQE in qp->resp.recv on the receive CQ. */
static void
recv_done(struct eng_qp *qp, enum eng_wc_status st, enum eng_wc_opcode op, uint32_t len,
	  const struct roce_pkt *p)
{
	struct eng_cqe c;

	memset(&c, 0, sizeof(c));
	c.wr_id = qp->resp.recv.wr_id;
	c.qpn = qp->qpn;
	c.byte_len = len;
	c.status = st;
	c.opcode = op;
	if (p != NULL && (p->op->flags & ROCE_OPF_IMM) != 0) {
		c.flags |= ENG_WC_WITH_IMM;
		c.imm = p->imm;		/* wire order, as verbs hands it out */
	}
	if (p != NULL && (p->op->flags & ROCE_OPF_INV) != 0) {
		c.flags |= ENG_WC_WITH_INV;
		c.inv_rkey = p->inv_rkey;
	}
	if (p != NULL && roce_opcode_has(p->op, ROCE_EXT_DETH)) {
		c.src_qp = p->deth.sqpn;
		memcpy(c.smac, p->smac.addr_bytes, sizeof(c.smac));
	}
	/* IBA 9.2.1.1: SE on the message's last packet asks for a solicited event. */
	if (p != NULL && p->se)
		c.flags |= ENG_WC_SOLICITED;
	qp->resp.recv_active = false;
	if (qp->recv_cq != NULL)
		(void)eng_cq_push(qp, qp->recv_cq, &c);
}

static enum eng_wc_status
copy_to_recv(struct eng_qp *qp, uint32_t off, const void *data, uint32_t len)
{
	const struct eng_recv_wr *wr = &qp->resp.recv;
	unsigned int nsge = RTE_MIN(wr->num_sge, (uint32_t)ENG_MAX_SGE);

	if (len == 0)
		return ENG_WC_SUCCESS;
	/* to_sge only reads data; the helper's prototype serves both directions. */
	return eng_sge_copy(qp->eng, qp->pd, wr->sge, nsge, off, (void *)(uintptr_t)data, len,
			    true);
}

/* Access checks. */

/*
 * Remote access to [va, va + len) with rkey (an MR or a bound window): the QP must allow
 * it and the key grant it. *host receives the process address of va: an MR's address
 * space need not be the process's (fast registration). A zero-length transfer touches no
 * memory and checks no key (IBA 9.7.4.1.3); *host is then NULL.
 */
static bool
remote_ok(struct eng_qp *qp, uint32_t rkey, uint64_t va, uint32_t len, uint32_t access,
	  uint8_t **host)
{
	*host = NULL;
	if (len == 0)
		return true;
	if ((qp->attr.access & access) == 0)
		return false;
	return eng_mr_check(qp->eng, rkey, true, qp->pd, va, len, access, host) == ENG_MR_OK;
}

/* ACKs and NAKs. */

static void
ack_now(struct eng_qp *qp)
{
	struct eng_resp *r = &qp->resp;

	eng_send_ack(qp, r->ack_psn, RESP_ACK_SYNDROME, r->msn);
	r->ack_pending = false;
	r->unacked = 0;
}

/*
 * IBA 9.7.6.1.1: a response acknowledges every request before it, so a coalesced ACK of
 * an earlier PSN has nothing left to say once a READ response or atomic ACK went out.
 */
static void
ack_covered(struct eng_qp *qp, uint32_t psn)
{
	struct eng_resp *r = &qp->resp;

	if (r->ack_pending && roce_psn_diff(psn, r->ack_psn) > 0) {
		r->ack_pending = false;
		r->unacked = 0;
	}
}

/* A NAK now; a coalesced ACK of an earlier PSN goes first to keep PSN order. */
static void
nak_now(struct eng_qp *qp, uint32_t psn, uint8_t syndrome)
{
	struct eng_resp *r = &qp->resp;

	if (r->ack_pending && r->read_active == NULL)
		ack_now(qp);
	eng_send_ack(qp, psn, syndrome, r->msn);
}

/*
 * A sequence or RNR NAK. Responses leave in PSN order (IBA 9.7.5.1.3), NAKs included:
 * while READ responses or atomic ACKs of earlier PSNs are due, the NAK waits behind them
 * (eng_resp_progress() sends it), else the requester would take it for the loss of those
 * responses, go back and ask for them again. One NAK waits at a time: the requester goes
 * back to the first anyway.
 */
static void
send_nak(struct eng_qp *qp, uint32_t psn, uint8_t syndrome)
{
	struct eng_resp *r = &qp->resp;

	if (r->read_active == NULL) {
		nak_now(qp, psn, syndrome);
		return;
	}
	if (!r->nak_held) {
		r->nak_held = true;
		r->nak_psn = psn;
		r->nak_syndrome = syndrome;
	}
}

/* The held NAK, once the responses before it are out; dropped if the gap has filled. */
static void
send_held_nak(struct eng_qp *qp)
{
	struct eng_resp *r = &qp->resp;

	r->nak_held = false;
	if (roce_psn_cmp(r->nak_psn, r->epsn) >= 0)
		nak_now(qp, r->nak_psn, r->nak_syndrome);
}

/*
 * A class of error that ends the connection (IBA 9.7.5.2): NAK it at once (the error
 * state drops the responses still due), then the error state.
 */
static void
resp_fatal(struct eng_qp *qp, uint32_t psn, uint8_t nak_code)
{
	nak_now(qp, psn, ROCE_AETH_NAK | nak_code);
	eng_qp_to_error(qp);
}

static void
resp_invalid(struct eng_qp *qp, const struct roce_pkt *p)
{
	eng_qp_count(qp, ENG_RX_BAD_OPCODE);
	resp_fatal(qp, p->psn, ROCE_NAK_INVALID_REQ);
}

/*
 * No receive WQE: RNR NAK with our timer code; epsn stays so the retry is in order.
 * nak_sent is set as well: packets the requester pipelined behind this one must not draw
 * a PSN sequence NAK, which would make it retry at once instead of waiting the RNR timer
 * (and spend its transport retries on a receiver that is merely slow).
 */
static void
rnr_nak(struct eng_qp *qp, const struct roce_pkt *p)
{
	send_nak(qp, p->psn, ROCE_AETH_RNR_NAK | (qp->attr.min_rnr_timer & ROCE_AETH_CODE_MASK));
	qp->resp.nak_sent = true;
}

/*
 * An in-order SEND or WRITE packet was placed: advance and coalesce its ACK. AckReq does
 * not send it at once: one ACK covers every packet of the receive burst (IBA 9.7.6.1.1
 * lets a responder coalesce ACKs), so a burst of 32 one-packet WRITEs draws one ACK
 * instead of 32. When the poll brought only a few packets (a ping-pong's request),
 * eng_resp_progress() holds the ACK until the slot's next poll, and the requester sends
 * it before any request of its own (eng_resp_ack_first()): the reply a ping-pong's user
 * posts once it sees the receive leaves in the same transmit burst, behind the ACK. On
 * net_af_xdp each burst is a sendto() that carries the packets through the kernel to the
 * peer, the larger part of a veth half round trip. A stream's ACK is not held: the
 * requester's window waits on it.
 */
static void
ack_in_order(struct eng_qp *qp, const struct roce_pkt *p)
{
	struct eng_resp *r = &qp->resp;

	r->epsn = roce_psn_add(r->epsn, 1);
	if (!r->ack_pending)
		r->ack_poll = qp->slot->ctr[ENG_POLLS];
	r->unacked++;
	r->ack_pending = true;
	r->ack_psn = p->psn;
	/* Deferred while READ responses of earlier PSNs are due: progress sends it after. */
	if (r->unacked >= ENG_ACK_EVERY && r->read_active == NULL)
		ack_now(qp);
}

/* Responder resources: READ and atomic responses. */

static bool
res_due(const struct eng_resp_res *res)
{
	return res->opcode != 0 && roce_psn_diff(res->cur_psn, res->last_psn) <= 0;
}

/* Resource slots in use: the IRD granted to the peer (IBA 9.7.5.1.3). */
static unsigned int
res_slots(const struct eng_qp *qp)
{
	return RTE_MIN(RTE_MAX(qp->attr.max_dest_rd_atomic, 1u), (unsigned int)ENG_MAX_RD_ATOMIC);
}

/* The due resource with the earliest next PSN, searching them all. */
static struct eng_resp_res *
earliest_due(struct eng_qp *qp)
{
	struct eng_resp_res *best = NULL;
	struct eng_resp_res *res;
	unsigned int i;

	for (i = 0; i < res_slots(qp); i++) {
		res = &qp->resp.res[i];
		if (!res_due(res))
			continue;
		if (best == NULL || roce_psn_diff(res->cur_psn, best->cur_psn) < 0)
			best = res;
	}
	if (best == NULL)
		qp->resp.res_rearmed = false;
	return best;
}

/*
 * The resource whose responses go after done's, in PSN order. Resources are taken round
 * robin in PSN order (res_alloc()), so the due ones follow one another and the next is
 * the slot after done's; only a duplicate, which re-arms an older one (dup_response()),
 * breaks that order, and then every slot is searched until none is due. With 128 slots
 * a search per response was a large part of a 64 B READ's responder.
 */
static struct eng_resp_res *
next_due(struct eng_qp *qp, const struct eng_resp_res *done)
{
	struct eng_resp_res *res;

	if (qp->resp.res_rearmed)
		return earliest_due(qp);
	res = &qp->resp.res[(unsigned int)(done - qp->resp.res + 1) % res_slots(qp)];
	return res_due(res) ? res : NULL;
}

static unsigned int send_responses(struct eng_qp *qp, unsigned int budget);

/*
 * The next slot round robin over the IRD the peer was granted (IBA 9.7.5.1.3), or NULL.
 * A slot still owing responses is the oldest request: a requester with more READs and
 * atomics outstanding than the IRD (Linux rdma_cm accepts with the initiator depth its
 * consumer asks, even above what our REQ offered) gets that one answered first, as rxe
 * answers each READ before the next. Without room to send, NULL: the caller drops the
 * request as if lost, and the PSN sequence NAK the next request draws makes the
 * requester send it again.
 */
static struct eng_resp_res *
res_alloc(struct eng_qp *qp, const struct roce_pkt *p)
{
	struct eng_resp *r = &qp->resp;
	struct eng_resp_res *res;

	res = &r->res[r->res_next % res_slots(qp)];
	if (res_due(res)) {
		eng_qp_count(qp, ENG_IRD_EXCEEDED);
		/* Responses leave in PSN order: those of earlier replays go first. */
		while (res_due(res))
			if (send_responses(qp, 1) == 0)
				return NULL;
	}
	r->res_next++;
	memset(res, 0, sizeof(*res));
	res->opcode = p->opcode;
	res->first_psn = p->psn;
	res->last_psn = p->psn;
	res->cur_psn = p->psn;
	return res;
}

static void
resp_pkt_init(struct roce_pkt *p, uint8_t opcode, uint32_t psn, uint32_t len, uint32_t msn)
{
	memset(p, 0, sizeof(*p));
	p->opcode = opcode;
	p->op = roce_opcode(opcode);
	p->psn = psn;
	p->payload_len = len;
	p->aeth.syndrome = RESP_ACK_SYNDROME;	/* ignored by opcodes without an AETH */
	p->aeth.msn = msn;
}

/* Position of the response in its READ: a replay from the middle continues MIDDLE/LAST. */
static uint8_t
read_resp_opcode(const struct eng_resp_res *res)
{
	int32_t k = roce_psn_diff(res->cur_psn, res->first_psn);
	int32_t last = roce_psn_diff(res->last_psn, res->first_psn);

	if (last == 0)
		return ROCE_OP_READ_RESP_ONLY;
	if (k == 0)
		return ROCE_OP_READ_RESP_FIRST;
	return k == last ? ROCE_OP_READ_RESP_LAST : ROCE_OP_READ_RESP_MIDDLE;
}

/* One READ response packet; false when none could be sent. */
static bool
send_read_resp(struct eng_qp *qp, struct eng_resp_res *res)
{
	uint32_t len = RTE_MIN(resp_pmtu(qp), res->length - res->sent);
	uint64_t va = res->va + res->sent;
	struct rte_mbuf *m;
	struct roce_pkt p;
	uint8_t *payload;
	uint8_t *src;

	/* The key may have gone or changed since the request: check before every read. */
	if (!remote_ok(qp, res->rkey, va, len, ENG_ACCESS_REMOTE_READ, &src)) {
		resp_fatal(qp, res->cur_psn, ROCE_NAK_REMOTE_ACCESS);
		return false;
	}
	resp_pkt_init(&p, read_resp_opcode(res), res->cur_psn, len, qp->resp.msn);
	m = eng_pkt_alloc(qp, &p, &payload);
	if (m == NULL)
		return false;		/* no mbuf: retried on the next progress call */
	if (len > 0)
		memcpy(payload, src, len);
	eng_pkt_send(qp, m, &p);
	res->sent += len;
	res->cur_psn = roce_psn_add(res->cur_psn, 1);
	if (p.opcode != ROCE_OP_READ_RESP_MIDDLE)
		ack_covered(qp, p.psn);
	return true;
}

/* ATOMIC_ACKNOWLEDGE with the saved original value (also for duplicates). */
static bool
send_atomic_ack(struct eng_qp *qp, struct eng_resp_res *res)
{
	struct rte_mbuf *m;
	struct roce_pkt p;
	uint8_t *payload;

	resp_pkt_init(&p, ROCE_OP_ATOMIC_ACK, res->first_psn, 0, qp->resp.msn);
	p.atomic_orig = res->atomic_orig;
	m = eng_pkt_alloc(qp, &p, &payload);
	if (m == NULL)
		return false;
	eng_pkt_send(qp, m, &p);
	res->cur_psn = roce_psn_add(res->first_psn, 1);
	ack_covered(qp, p.psn);
	return true;
}

/* Send up to budget response packets in PSN order; returns how many went. */
static unsigned int
send_responses(struct eng_qp *qp, unsigned int budget)
{
	struct eng_resp *r = &qp->resp;
	struct eng_resp_res *res;
	unsigned int n = 0;
	bool sent;

	while (n < budget && (res = r->read_active) != NULL) {
		if (res->opcode == ROCE_OP_READ_REQ)
			sent = send_read_resp(qp, res);
		else
			sent = send_atomic_ack(qp, res);
		if (!sent)
			break;		/* no mbuf, or the QP went to error (state flushed) */
		n++;
		if (!res_due(res))
			r->read_active = next_due(qp, res);
	}
	return n;
}

/*
 * A resource has responses to (re)send: queue it; an atomic ACK goes now if first in line.
 * A new one comes after every due one (its PSN is the latest); a re-armed duplicate may
 * go before them.
 */
static void
queue_response(struct eng_qp *qp, struct eng_resp_res *res)
{
	struct eng_resp *r = &qp->resp;

	if (r->res_rearmed)
		r->read_active = earliest_due(qp);
	else if (r->read_active == NULL)
		r->read_active = res;
	if (r->read_active == res && res->opcode != ROCE_OP_READ_REQ)
		send_responses(qp, 1);
}

/* PSN checks and duplicates. */

/* IBA 9.7.5.1.1: one PSN sequence error NAK per gap, for the PSN we expect. */
static void
out_of_seq(struct eng_qp *qp)
{
	struct eng_resp *r = &qp->resp;

	eng_qp_count(qp, ENG_OUT_OF_SEQ);
	if (r->nak_sent)
		return;
	r->nak_sent = true;
	send_nak(qp, r->epsn, ROCE_AETH_NAK | ROCE_NAK_PSN_SEQ);
}

/* The resource of p's opcode whose PSN range holds p's PSN (an atomic has one PSN). */
static struct eng_resp_res *
find_res(struct eng_qp *qp, const struct roce_pkt *p)
{
	struct eng_resp_res *res;
	unsigned int i;

	for (i = 0; i < res_slots(qp); i++) {
		res = &qp->resp.res[i];
		if (res->opcode == p->opcode &&
		    roce_psn_diff(p->psn, res->first_psn) >= 0 &&
		    roce_psn_diff(p->psn, res->last_psn) <= 0)
			return res;
	}
	return NULL;
}

/*
 * IBA 9.7.5.1.3: a duplicate READ or atomic is answered again from its resource, from the
 * PSN the requester retries at; an atomic is never executed twice. READ bytes come from the
 * saved, checked request (offset = PSNs into it times the path MTU), not from the retried
 * RETH, so a retry cannot widen it. Without a resource the duplicate is dropped.
 */
static void
dup_response(struct eng_qp *qp, const struct roce_pkt *p)
{
	struct eng_resp_res *res = find_res(qp, p);

	if (res == NULL)
		return;
	res->cur_psn = p->psn;
	res->sent = (uint32_t)roce_psn_diff(p->psn, res->first_psn) * resp_pmtu(qp);
	qp->resp.res_rearmed = true;
	queue_response(qp, res);
}

/* A duplicate SEND or WRITE: acknowledge all we have, with no side effect. */
static void
dup_reack(struct eng_qp *qp)
{
	struct eng_resp *r = &qp->resp;

	r->ack_pending = true;
	r->ack_psn = roce_psn_add(r->epsn, ROCE_PSN_MASK);	/* epsn - 1 */
	if (r->read_active == NULL)
		ack_now(qp);
}

static void
duplicate(struct eng_qp *qp, const struct roce_pkt *p)
{
	eng_qp_count(qp, ENG_DUP_REQUESTS);
	if (p->opcode == ROCE_OP_READ_REQ || p->opcode == ROCE_OP_CMP_SWAP ||
	    p->opcode == ROCE_OP_FETCH_ADD)
		dup_response(qp, p);
	else
		dup_reack(qp);
}

/* True when p is the packet we expect; ahead or behind it is handled here. */
static bool
check_psn(struct eng_qp *qp, const struct roce_pkt *p)
{
	int32_t d = roce_psn_diff(p->psn, qp->resp.epsn);

	if (d > 0) {
		out_of_seq(qp);
		return false;
	}
	if (d < 0) {
		duplicate(qp, p);
		return false;
	}
	qp->resp.nak_sent = false;
	return true;
}

/*
 * IBA 9.7.5 opcode sequence: a multi-packet SEND or WRITE continues with MIDDLE/LAST of
 * the same kind only; otherwise a new message starts (FIRST or ONLY; READ and atomics are
 * ONLY). FLUSH and ATOMIC WRITE (IBA 1.5) are not supported: invalid request.
 */
static bool
check_op_seq(const struct eng_qp *qp, const struct roce_pkt *p)
{
	uint32_t f = p->op->flags;

	if (p->opcode == ROCE_OP_FLUSH || p->opcode == ROCE_OP_ATOMIC_WRITE)
		return false;
	if (qp->resp.recv_active)
		return (f & ROCE_OPF_SEND) != 0 && (f & ROCE_OPF_FIRST) == 0;
	if (qp->resp.write_active)
		return (f & ROCE_OPF_WRITE) != 0 && (f & ROCE_OPF_FIRST) == 0;
	return (f & ROCE_OPF_FIRST) != 0;
}

/* FIRST and MIDDLE carry exactly the path MTU, LAST 1..MTU bytes, ONLY at most the MTU. */
static bool
check_length(const struct eng_qp *qp, const struct roce_pkt *p)
{
	uint32_t f = p->op->flags & ROCE_OPF_ONLY;
	uint32_t len = p->payload_len;
	uint32_t pmtu = resp_pmtu(qp);

	if (f == ROCE_OPF_ONLY)
		return len <= pmtu;
	if (f == ROCE_OPF_LAST)
		return len >= 1 && len <= pmtu;
	return len == pmtu;
}

/* Operations. */

/*
 * SEND: the first packet takes a receive WQE, each packet appends at recv_off, the last
 * completes it. A message longer than the WQE is an invalid request; a WQE we cannot
 * write is a remote operational error (IBA 9.7.5.2). Both end the connection.
 */
static void
resp_send(struct eng_qp *qp, const struct roce_pkt *p, const uint8_t *data)
{
	struct eng_resp *r = &qp->resp;
	enum eng_wc_status st;

	if ((p->op->flags & ROCE_OPF_FIRST) != 0) {
		if (!eng_rq_take(qp, &r->recv)) {
			rnr_nak(qp, p);
			return;
		}
		r->recv_active = true;
		r->recv_off = 0;
	}
	st = copy_to_recv(qp, r->recv_off, data, p->payload_len);
	if (st != ENG_WC_SUCCESS) {
		recv_done(qp, st, ENG_WC_RECV, r->recv_off, p);
		resp_fatal(qp, p->psn, st == ENG_WC_LOC_LEN_ERR ?
			   ROCE_NAK_INVALID_REQ : ROCE_NAK_REMOTE_OP);
		return;
	}
	r->recv_off += p->payload_len;
	if ((p->op->flags & ROCE_OPF_LAST) == 0) {
		ack_in_order(qp, p);
		return;
	}
	/* IBA 9.4.4: SEND with invalidate; a key we cannot invalidate is an invalid request. */
	if ((p->op->flags & ROCE_OPF_INV) != 0 &&
	    eng_mr_invalidate(qp->eng, p->inv_rkey, qp->pd) != 0) {
		recv_done(qp, ENG_WC_REM_INV_REQ_ERR, ENG_WC_RECV, r->recv_off, p);
		resp_fatal(qp, p->psn, ROCE_NAK_INVALID_REQ);
		return;
	}
	recv_done(qp, ENG_WC_SUCCESS, ENG_WC_RECV, r->recv_off, p);
	msn_inc(r);
	ack_in_order(qp, p);
}

/* WRITE FIRST/ONLY: lengths and access, before a byte is written; *dst: where it goes. */
static bool
write_check_first(struct eng_qp *qp, const struct roce_pkt *p, uint8_t **dst)
{
	bool only = (p->op->flags & ROCE_OPF_LAST) != 0;

	/* ONLY carries the whole message; FIRST announces more than it carries. */
	if (only ? p->payload_len != p->reth.len : p->reth.len <= p->payload_len) {
		resp_invalid(qp, p);
		return false;
	}
	if (!remote_ok(qp, p->reth.rkey, p->reth.va, p->reth.len, ENG_ACCESS_REMOTE_WRITE,
		       dst)) {
		resp_fatal(qp, p->psn, ROCE_NAK_REMOTE_ACCESS);
		return false;
	}
	return true;
}

/* WRITE MIDDLE/LAST: stay inside what the RETH announced; *dst: where the bytes go. */
static bool
write_check_next(struct eng_qp *qp, const struct roce_pkt *p, uint8_t **dst)
{
	struct eng_resp *r = &qp->resp;
	bool last = (p->op->flags & ROCE_OPF_LAST) != 0;

	/* A MIDDLE leaves bytes for the LAST; the LAST ends the message exactly. */
	if (last ? p->payload_len != r->write_left : p->payload_len >= r->write_left) {
		resp_invalid(qp, p);
		return false;
	}
	/* The key may have gone or changed since the FIRST packet. */
	if (!remote_ok(qp, r->write_rkey, r->write_va, p->payload_len,
		       ENG_ACCESS_REMOTE_WRITE, dst)) {
		resp_fatal(qp, p->psn, ROCE_NAK_REMOTE_ACCESS);
		return false;
	}
	return true;
}

static void
resp_write(struct eng_qp *qp, const struct roce_pkt *p, const uint8_t *data)
{
	struct eng_resp *r = &qp->resp;
	uint32_t f = p->op->flags;
	uint8_t *dst;
	bool ok;

	ok = (f & ROCE_OPF_FIRST) != 0 ? write_check_first(qp, p, &dst) :
					 write_check_next(qp, p, &dst);
	if (!ok)
		return;
	/* WRITE with immediate consumes a receive WQE: find it before touching memory. */
	if ((f & ROCE_OPF_IMM) != 0 && !eng_rq_take(qp, &r->recv)) {
		rnr_nak(qp, p);
		return;
	}
	if ((f & ROCE_OPF_FIRST) != 0) {
		r->write_active = true;
		r->write_va = p->reth.va;
		r->write_rkey = p->reth.rkey;
		r->write_left = p->reth.len;
		r->recv_off = 0;	/* counts the WRITE's bytes: no SEND is active */
	}
	if (p->payload_len > 0)
		memcpy(dst, data, p->payload_len);
	r->write_va += p->payload_len;
	r->write_left -= p->payload_len;
	r->recv_off += p->payload_len;
	if ((f & ROCE_OPF_LAST) != 0) {
		r->write_active = false;
		if ((f & ROCE_OPF_IMM) != 0)
			recv_done(qp, ENG_WC_SUCCESS, ENG_WC_RECV_WRITE_IMM, r->recv_off, p);
		msn_inc(r);
	}
	ack_in_order(qp, p);
}

/* READ request: check, save as a resource; progress sends the responses. */
static void
resp_read(struct eng_qp *qp, const struct roce_pkt *p)
{
	struct eng_resp *r = &qp->resp;
	uint32_t pmtu = resp_pmtu(qp);
	uint32_t npkts = p->reth.len / pmtu + (p->reth.len % pmtu != 0);
	struct eng_resp_res *res;
	uint8_t *src;		/* unused: each response checks and reads again */

	npkts = RTE_MAX(npkts, 1u);	/* a zero-length READ still gets one response */
	/* IBA 9.7.1: the responses' PSNs must fit in half the PSN space. */
	if (npkts >= ROCE_PSN_MOD / 2) {
		resp_invalid(qp, p);
		return;
	}
	if (!remote_ok(qp, p->reth.rkey, p->reth.va, p->reth.len, ENG_ACCESS_REMOTE_READ,
		       &src)) {
		resp_fatal(qp, p->psn, ROCE_NAK_REMOTE_ACCESS);
		return;
	}
	res = res_alloc(qp, p);
	if (res == NULL)
		return;		/* as if lost: epsn stays */
	res->va = p->reth.va;
	res->rkey = p->reth.rkey;
	res->length = p->reth.len;
	res->last_psn = roce_psn_add(p->psn, npkts - 1);
	/*
	 * IBA 9.7.5.1: a READ consumes the PSNs of all its responses. The data is read as they
	 * go out, so a later WRITE may overtake it: IBA lets it, requesters fence (10.8.3.3).
	 */
	r->epsn = roce_psn_add(p->psn, npkts);
	msn_inc(r);
	queue_response(qp, res);
}

/*
 * Execute on the 64-bit word in host byte order (as rxe). Sequentially consistent atomics:
 * other slots' QPs and local CPUs see one indivisible update of the word, and it is ordered
 * after the stores of this QP's earlier WRITEs.
 */
static uint64_t
atomic_exec(const struct roce_pkt *p, uint8_t *host)
{
	uint64_t *word = (uint64_t *)(void *)host;
	uint64_t orig = p->atomic.compare;

	if (p->opcode == ROCE_OP_CMP_SWAP) {
		/* orig keeps compare on success and receives the current value otherwise */
		__atomic_compare_exchange_n(word, &orig, p->atomic.swap_add, false,
					    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
		return orig;
	}
	return __atomic_fetch_add(word, p->atomic.swap_add, __ATOMIC_SEQ_CST);
}

static void
resp_atomic(struct eng_qp *qp, const struct roce_pkt *p)
{
	struct eng_resp *r = &qp->resp;
	struct eng_resp_res *res;
	uint8_t *word;
	uint64_t orig;

	/* Atomics act on a naturally aligned 64-bit word; else an invalid request. */
	if ((p->atomic.va & 7) != 0) {
		resp_invalid(qp, p);
		return;
	}
	if (!remote_ok(qp, p->atomic.rkey, p->atomic.va, sizeof(uint64_t),
		       ENG_ACCESS_REMOTE_ATOMIC, &word)) {
		resp_fatal(qp, p->psn, ROCE_NAK_REMOTE_ACCESS);
		return;
	}
	/* A fast registration may map an aligned va to a misaligned process address. */
	if (((uintptr_t)word & 7) != 0) {
		resp_invalid(qp, p);
		return;
	}
	/* The resource first: an atomic dropped for want of one must not have executed. */
	res = res_alloc(qp, p);
	if (res == NULL)
		return;		/* as if lost: epsn stays */
	orig = atomic_exec(p, word);
	res->va = p->atomic.va;
	res->rkey = p->atomic.rkey;
	res->length = sizeof(uint64_t);
	res->atomic_orig = orig;	/* IBA 9.7.5.1.3: replayed to duplicates */
	r->epsn = roce_psn_add(p->psn, 1);
	msn_inc(r);
	queue_response(qp, res);
}

static void
resp_rc(struct eng_qp *qp, const struct roce_pkt *p, const uint8_t *data)
{
	uint32_t f = p->op->flags;

	/* UC (or any other transport's) requests never reach an RC QP's state. */
	if (roce_opcode_transport(p->opcode) != ROCE_TRANSPORT_RC) {
		eng_qp_count(qp, ENG_RX_BAD_OPCODE);
		return;
	}
	if (!check_psn(qp, p))
		return;
	if (!check_op_seq(qp, p) || !check_length(qp, p)) {
		resp_invalid(qp, p);
		return;
	}
	if ((f & ROCE_OPF_SEND) != 0)
		resp_send(qp, p, data);
	else if ((f & ROCE_OPF_WRITE) != 0)
		resp_write(qp, p, data);
	else if ((f & ROCE_OPF_READ) != 0)
		resp_read(qp, p);
	else
		resp_atomic(qp, p);
}

/* UD. */

static void
grh_ipv6(const struct roce_pkt *p, struct rte_ipv6_hdr *ip6, uint16_t udp_len)
{
	ip6->vtc_flow = rte_cpu_to_be_32(6u << 28 | (uint32_t)p->tclass << 20 |
					 (p->flow_label & 0xfffff));
	ip6->payload_len = rte_cpu_to_be_16(udp_len);
	ip6->proto = IPPROTO_UDP;
	ip6->hop_limits = p->hop_limit;
	memcpy(ip6->src_addr, p->sip, sizeof(ip6->src_addr));
	memcpy(ip6->dst_addr, p->dip, sizeof(ip6->dst_addr));
}

static void
grh_ipv4(const struct roce_pkt *p, struct rte_ipv4_hdr *ip4, uint16_t udp_len)
{
	ip4->version_ihl = 0x45;
	ip4->type_of_service = p->tclass;
	ip4->total_length = rte_cpu_to_be_16(sizeof(*ip4) + udp_len);
	ip4->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
	ip4->time_to_live = p->hop_limit;
	ip4->next_proto_id = IPPROTO_UDP;
	memcpy(&ip4->src_addr, p->sip + 12, sizeof(ip4->src_addr));	/* ::ffff:a.b.c.d */
	memcpy(&ip4->dst_addr, p->dip + 12, sizeof(ip4->dst_addr));
	ip4->hdr_checksum = rte_ipv4_cksum(ip4);
}

/*
 * Verbs semantics: a UD receive buffer starts with 40 bytes for the GRH. On RoCEv2 that is
 * the IP header the datagram came in: IPv6 fills all 40; IPv4 takes the last 20 after 20
 * zero bytes, as rxe does.
 */
static void
ud_grh(const struct roce_pkt *p, uint8_t grh[RESP_GRH_LEN])
{
	uint16_t udp_len = sizeof(struct rte_udp_hdr) + sizeof(struct roce_bth) +
			   p->op->ext_len + p->payload_len + p->padcnt + ROCE_ICRC_LEN;

	memset(grh, 0, RESP_GRH_LEN);
	if (p->ipv6)
		grh_ipv6(p, (struct rte_ipv6_hdr *)grh, udp_len);
	else
		grh_ipv4(p, (struct rte_ipv4_hdr *)(grh + RESP_GRH_LEN -
						     sizeof(struct rte_ipv4_hdr)), udp_len);
}

/*
 * UD SEND: no PSN checks, no ACKs, no RNR (a datagram without a receive WQE is lost). A
 * buffer too small completes with a length error and leaves the QP usable; one we may not
 * write is a protection error that, as for any local QP error, ends in the error state.
 */
static void
resp_ud(struct eng_qp *qp, const struct roce_pkt *p, const uint8_t *data)
{
	uint8_t grh[RESP_GRH_LEN];
	enum eng_wc_status st;

	if ((p->opcode != ROCE_OP_UD_SEND_ONLY && p->opcode != ROCE_OP_UD_SEND_ONLY_IMM) ||
	    p->deth.qkey != qp->attr.qkey) {
		eng_qp_count(qp, ENG_RX_BAD_OPCODE);
		return;
	}
	if (!eng_rq_take(qp, &qp->resp.recv))
		return;
	ud_grh(p, grh);
	st = copy_to_recv(qp, 0, grh, RESP_GRH_LEN);
	if (st == ENG_WC_SUCCESS)
		st = copy_to_recv(qp, RESP_GRH_LEN, data, p->payload_len);
	recv_done(qp, st, ENG_WC_RECV, RESP_GRH_LEN + p->payload_len, p);
	if (st == ENG_WC_LOC_PROT_ERR)
		eng_qp_to_error(qp);
}

/* Entry points. */

static bool
state_accepts(const struct eng_qp *qp)
{
	enum eng_qp_state s = eng_qp_state_get(qp);

	return s == ENG_QPS_RTR || s == ENG_QPS_RTS || s == ENG_QPS_SQD || s == ENG_QPS_SQE;
}

void
eng_resp_rx(struct eng_qp *qp, struct rte_mbuf *m, const struct roce_pkt *p)
{
	/* Used only when the payload spans segments; no RoCE payload exceeds the IBA MTU. */
	uint8_t bounce[RESP_MAX_PMTU];
	const uint8_t *data = NULL;

	if (!state_accepts(qp)) {
		eng_qp_count(qp, ENG_RX_BAD_STATE);
		goto out;
	}
	if (p->payload_len <= sizeof(bounce))
		data = rte_pktmbuf_read(m, p->payload_off, p->payload_len, bounce);
	if (data == NULL) {
		eng_qp_count(qp, ENG_RX_BAD_OPCODE);
		goto out;
	}
	if (qp->type == ENG_QPT_UD)
		resp_ud(qp, p, data);
	else
		resp_rc(qp, p, data);
out:
	eng_pkt_free(qp, m);
}

void
eng_resp_progress(struct eng_qp *qp)
{
	struct eng_resp *r = &qp->resp;

	if (r->read_active != NULL)
		send_responses(qp, ENG_READ_BURST);
	if (r->nak_held && r->read_active == NULL)
		send_held_nak(qp);
	/*
	 * The coalesced ACK waits for READ responses of earlier PSNs: an ACK of a later PSN
	 * would tell the requester those READs were answered (IBA 9.7.6.1.1). A few packets'
	 * ACK is held for one poll, a stream's is not (see ack_in_order()).
	 */
	if (r->ack_pending && r->read_active == NULL &&
	    (r->ack_poll != qp->slot->ctr[ENG_POLLS] || r->unacked > ENG_ACK_HOLD_MAX))
		ack_now(qp);
}

/*
 * The requester is about to send a request: a deferred ACK goes first. A reply must not
 * overtake the ACK of the request it answers: perftest -e on rxe takes the receive's
 * completion, then waits for its send's, and hung when the reply came first.
 */
void
eng_resp_ack_first(struct eng_qp *qp)
{
	struct eng_resp *r = &qp->resp;

	if (r->ack_pending && r->read_active == NULL)
		ack_now(qp);
}

void
eng_resp_flush(struct eng_qp *qp)
{
	struct eng_resp *r = &qp->resp;

	/* A receive WQE taken off the RQ and partly filled is ours alone to complete. */
	if (r->recv_active)
		recv_done(qp, ENG_WC_WR_FLUSH_ERR, ENG_WC_RECV, 0, NULL);
	r->recv_active = false;
	r->recv_off = 0;
	r->write_active = false;
	r->write_left = 0;
	r->ack_pending = false;
	r->unacked = 0;
	r->nak_sent = false;
	r->nak_held = false;
	memset(r->res, 0, sizeof(r->res));
	r->read_active = NULL;
	r->res_rearmed = false;
}
