/* SPDX-License-Identifier: BSD-3-Clause */
/* Packets from a QP to its peer: headers from the QP's path, ICRC, the test fault hook. */
#include <string.h>

#include <rte_ip.h>

#include "eng_pvt.h"

static bool
addr_is_zero(const uint8_t a[16])
{
	static const uint8_t zero[16];

	return memcmp(a, zero, sizeof(zero)) == 0;
}

/* The path's fields of a packet of qp's: Ethernet, IP and UDP. */
static void
path_fields(struct eng_qp *qp, struct roce_pkt *p)
{
	const struct eng_qp_attr *a = &qp->attr;

	port_mac(qp->eng->port, p->smac.addr_bytes);
	/* RC: the path of the connection. UD: the caller set dmac, dip and dqpn per WR. */
	if (qp->type == ENG_QPT_RC) {
		memcpy(p->dmac.addr_bytes, a->dmac, sizeof(a->dmac));
		memcpy(p->dip, a->dgid, 16);
	}
	p->ipv6 = !roce_addr_is_v4mapped(p->dip);
	/* A UD WR may name its source address (the GSI QP answers on either family). */
	if (qp->type != ENG_QPT_UD || addr_is_zero(p->sip))
		memcpy(p->sip, a->sgid, 16);
	/* RFC 3168 ECT(0) on everything but CNPs, which must not be marked again. */
	p->tclass = a->tclass & ~3;
	if (qp->eng->ecn && p->opcode != ROCE_OP_CNP)
		p->tclass |= 2;
	p->hop_limit = a->hop_limit ? a->hop_limit : 64;
	p->flow_label = a->flow_label;
	p->sport = qp->sport;
}

/*
 * An RC QP's packets share their Ethernet, IP and UDP headers but for the lengths: built
 * once when the path is set (RTR), copied per packet. Building them field by field was
 * a tenth of a 64 B write_bw sender's CPU.
 */
void
eng_qp_tmpl_init(struct eng_qp *qp)
{
	struct roce_pkt p = { .opcode = ROCE_OP_SEND_ONLY };

	qp->tmpl_ok = false;
	if (qp->type != ENG_QPT_RC)
		return;
	path_fields(qp, &p);
	qp->tmpl_ok = roce_tmpl_init(&qp->tmpl, &p) == 0;
}

struct rte_mbuf *
eng_pkt_alloc(struct eng_qp *qp, struct roce_pkt *p, uint8_t **payload)
{
	struct rte_mbuf *m;
	uint8_t *buf;
	int hdr_len;

	/* The device is behind: new requests and responses wait; ACKs and CNPs may use
	 * the headroom kept for them. */
	if (!eng_slot_tx_room(qp->slot, p->opcode == ROCE_OP_ACK || p->opcode == ROCE_OP_CNP ?
					0 : ENG_TX_HEADROOM)) {
		eng_qp_count(qp, ENG_TX_BUSY);
		return NULL;
	}
	/* rte_pktmbuf_alloc() through the slot's cache: only the poll of a QP's slot builds
	 * its packets, as only it queues them on the slot (eng_pkt_send()). */
	if (rte_mempool_generic_get(qp->eng->pool, (void **)&m, 1, qp->slot->mcache) != 0) {
		eng_qp_count(qp, ENG_TX_NO_MBUF);
		return NULL;
	}
	rte_pktmbuf_reset(m);
	if (qp->type == ENG_QPT_RC)
		p->dqpn = qp->attr.dest_qpn;
	p->pkey = ROCE_DEFAULT_PKEY;
	buf = rte_pktmbuf_mtod(m, uint8_t *);
	/* CNPs carry no ECT (path_fields()): the template's tclass is not theirs. */
	if (qp->tmpl_ok && p->opcode != ROCE_OP_CNP) {
		hdr_len = roce_build_hdr_tmpl(buf, rte_pktmbuf_tailroom(m), &qp->tmpl, p);
	} else {
		path_fields(qp, p);
		hdr_len = roce_build_hdr(buf, rte_pktmbuf_tailroom(m), p);
	}
	/* Room for payload, pad and ICRC: the pool is sized for the port MTU. */
	if (hdr_len < 0 || rte_pktmbuf_tailroom(m) < p->frame_len) {
		rte_pktmbuf_free(m);
		eng_qp_count(qp, ENG_TX_NO_MBUF);
		return NULL;
	}
	*payload = (uint8_t *)rte_pktmbuf_append(m, hdr_len + p->payload_len) + hdr_len;
	return m;
}

/* Flip the last payload byte (or an ICRC byte) after the ICRC was computed. */
static void
corrupt(struct rte_mbuf *m)
{
	uint8_t *last = rte_pktmbuf_mtod_offset(m, uint8_t *, rte_pktmbuf_data_len(m) - 5);

	*last ^= 0x5a;
}

/* Set ECN CE in the IP header; the ICRC masks these bits, the IPv4 checksum does not. */
static void
mark_ce(struct rte_mbuf *m, const struct roce_pkt *p)
{
	if (p->ipv6) {
		struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *,
								  p->l3_off);

		ip->vtc_flow |= rte_cpu_to_be_32(3u << 20);
	} else {
		struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *,
								  p->l3_off);

		ip->type_of_service |= 3;
		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
	}
}

/* Apply the test fault hook; returns false when the packet is not to be queued now. */
static bool
fault(struct eng_qp *qp, struct rte_mbuf *m, const struct roce_pkt *p)
{
	struct eng_slot *s = qp->slot;
	struct rte_mbuf *dup;

	switch (qp->eng->fault_cb(qp->eng->fault_arg, p)) {
	case ENG_FAULT_DROP:
		eng_count(s, ENG_FAULTS);
		rte_pktmbuf_free(m);
		return false;
	case ENG_FAULT_DUP:
		eng_count(s, ENG_FAULTS);
		dup = rte_pktmbuf_copy(m, qp->eng->pool, 0, UINT32_MAX);
		if (dup != NULL)
			eng_slot_queue(s, dup, 0);
		return true;
	case ENG_FAULT_HOLD:
		eng_count(s, ENG_FAULTS);
		if (s->held != NULL)
			eng_slot_queue(s, s->held, 0);
		s->held = m;
		return false;
	case ENG_FAULT_CORRUPT:
		eng_count(s, ENG_FAULTS);
		corrupt(m);
		return true;
	case ENG_FAULT_CE:
		eng_count(s, ENG_FAULTS);
		mark_ce(m, p);
		return true;
	default:
		return true;
	}
}

void
eng_pkt_send(struct eng_qp *qp, struct rte_mbuf *m, const struct roce_pkt *p)
{
	struct eng_slot *s = qp->slot;
	/* The ICRC waits for the flush (fill_icrcs()) unless the fault hook is to see the
	 * finished packet (corruption after the ICRC, a duplicate). */
	bool later = qp->eng->fault_cb == NULL && m->nb_segs == 1 && p->l3_off <= UINT8_MAX;

	if ((later ? roce_build_pad_mbuf(m, p) : roce_build_finish_mbuf(m, p)) != 0) {
		eng_qp_count(qp, ENG_TX_NO_MBUF);
		rte_pktmbuf_free(m);
		return;
	}
	/* The slot counts packets as the device takes them (flush_tx); a QP counts what it
	 * built, as the slot no longer knows whose packet the device took. */
	eng_qp_ctr_add(qp, ENG_TX_PKTS, 1);
	eng_qp_ctr_add(qp, ENG_TX_PAYLOAD_BYTES, p->payload_len);
	s->ctr[ENG_TX_PAYLOAD_BYTES] += p->payload_len;
	if (qp->eng->fault_cb != NULL && !fault(qp, m, p))
		return;
	eng_slot_queue(s, m, later ? (uint8_t)p->l3_off : 0);
	/* A held packet goes out right after the one that overtook it. */
	if (s->held != NULL) {
		eng_slot_queue(s, s->held, 0);
		s->held = NULL;
	}
}

static enum eng_ctr
ack_ctr(uint8_t syndrome)
{
	switch (syndrome & ROCE_AETH_TYPE_MASK) {
	case ROCE_AETH_ACK:
		return ENG_ACK_TX;
	case ROCE_AETH_RNR_NAK:
		return ENG_RNR_NAK_TX;
	default:
		break;
	}
	switch (syndrome & ROCE_AETH_CODE_MASK) {
	case ROCE_NAK_PSN_SEQ:
		return ENG_NAK_SEQ_TX;
	case ROCE_NAK_REMOTE_ACCESS:
		return ENG_NAK_ACCESS_TX;
	case ROCE_NAK_REMOTE_OP:
		return ENG_NAK_OPERR_TX;
	default:
		return ENG_NAK_INVALID_TX;
	}
}

void
eng_send_ack(struct eng_qp *qp, uint32_t psn, uint8_t syndrome, uint32_t msn)
{
	struct roce_pkt p = {
		.opcode = ROCE_OP_ACK,
		.psn = psn,
		.aeth = { .syndrome = syndrome, .msn = msn },
	};
	struct rte_mbuf *m;
	uint8_t *payload;

	m = eng_pkt_alloc(qp, &p, &payload);
	if (m == NULL)
		return;
	eng_qp_count(qp, ack_ctr(syndrome));
	eng_pkt_send(qp, m, &p);
}
