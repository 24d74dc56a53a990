/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>

#include <rte_ip.h>
#include <rte_mbuf.h>

#include "roce_hdr.h"
#include "roce_icrc.h"
#include "roce_pkt.h"

const char *const roce_drop_names[ROCE_DROP_MAX] = {
	[ROCE_DROP_TRUNC_L2] = "trunc_l2",
	[ROCE_DROP_NOT_IP] = "not_ip",
	[ROCE_DROP_TRUNC_L3] = "trunc_l3",
	[ROCE_DROP_IP_VERSION] = "ip_version",
	[ROCE_DROP_IP_HDR_LEN] = "ip_hdr_len",
	[ROCE_DROP_IP_CSUM] = "ip_csum",
	[ROCE_DROP_IP_FRAG] = "ip_frag",
	[ROCE_DROP_NOT_UDP] = "not_udp",
	[ROCE_DROP_TOO_LONG] = "too_long",
	[ROCE_DROP_TRUNC_L4] = "trunc_l4",
	[ROCE_DROP_UDP_LEN] = "udp_len",
	[ROCE_DROP_UDP_PORT] = "udp_port",
	[ROCE_DROP_TRUNC_BTH] = "trunc_bth",
	[ROCE_DROP_ICRC] = "icrc",
	[ROCE_DROP_TVER] = "tver",
	[ROCE_DROP_OPCODE] = "opcode",
	[ROCE_DROP_TRUNC_EXT] = "trunc_ext",
	[ROCE_DROP_PAD] = "pad",
	[ROCE_DROP_PAYLOAD] = "payload",
};

/*
 * Longest header run parse looks at: Ethernet + 802.1Q (18), IPv4 with options (60), UDP
 * (8), BTH (12), the longest extension header set (AtomicETH, 28).
 */
#define HDR_MAX		128
#define PARSE_OK	ROCE_DROP_MAX

void
roce_ipv4_to_mapped(uint8_t mapped[16], rte_be32_t ip)
{
	memset(mapped, 0, 10);
	mapped[10] = 0xff;
	mapped[11] = 0xff;
	memcpy(mapped + 12, &ip, 4);
}

bool
roce_addr_is_v4mapped(const uint8_t a[16])
{
	static const uint8_t pfx[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	return memcmp(a, pfx, sizeof(pfx)) == 0;
}

static enum roce_drop
parse_l2(const uint8_t *h, uint32_t len, struct roce_pkt *p, uint16_t *ethertype)
{
	const struct rte_ether_hdr *eth = (const struct rte_ether_hdr *)h;
	uint16_t off = sizeof(*eth);

	if (len < off)
		return ROCE_DROP_TRUNC_L2;
	p->dmac = eth->dst_addr;
	p->smac = eth->src_addr;
	*ethertype = rte_be_to_cpu_16(eth->ether_type);
	p->vlan = *ethertype == RTE_ETHER_TYPE_VLAN;
	if (p->vlan) {
		const struct rte_vlan_hdr *vh = (const struct rte_vlan_hdr *)(h + off);

		off += sizeof(*vh);
		if (len < off)
			return ROCE_DROP_TRUNC_L2;
		p->vlan_tci = rte_be_to_cpu_16(vh->vlan_tci);
		*ethertype = rte_be_to_cpu_16(vh->eth_proto);
	}
	p->l3_off = off;
	return PARSE_OK;
}

/* IPv4 rules of RFC 791 that matter to RoCEv2: no fragments, a valid header checksum. */
static enum roce_drop
parse_ipv4(const uint8_t *h, uint32_t hlen, uint32_t frame_len, struct roce_pkt *p,
	   uint32_t *ip_end)
{
	const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)(h + p->l3_off);
	uint32_t avail = frame_len - p->l3_off;
	uint32_t ihl, total;

	if (hlen < p->l3_off + sizeof(*ip))
		return ROCE_DROP_TRUNC_L3;
	if ((ip->version_ihl >> 4) != 4)
		return ROCE_DROP_IP_VERSION;
	ihl = (uint32_t)(ip->version_ihl & 0x0f) * 4;
	if (ihl < sizeof(*ip))
		return ROCE_DROP_IP_HDR_LEN;
	total = rte_be_to_cpu_16(ip->total_length);
	if (hlen < p->l3_off + ihl || total > avail)
		return ROCE_DROP_TRUNC_L3;
	if (total < ihl)
		return ROCE_DROP_IP_HDR_LEN;
	if ((ihl == sizeof(*ip) ? roce_ipv4_sum20(ip) : rte_raw_cksum(ip, ihl)) != 0xffff)
		return ROCE_DROP_IP_CSUM;
	if ((rte_be_to_cpu_16(ip->fragment_offset) &
	     (RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK)) != 0)
		return ROCE_DROP_IP_FRAG;
	if (ip->next_proto_id != IPPROTO_UDP)
		return ROCE_DROP_NOT_UDP;
	p->ipv6 = false;
	roce_ipv4_to_mapped(p->sip, ip->src_addr);
	roce_ipv4_to_mapped(p->dip, ip->dst_addr);
	p->tclass = ip->type_of_service;
	p->hop_limit = ip->time_to_live;
	p->flow_label = 0;
	p->l4_off = p->l3_off + ihl;
	*ip_end = p->l3_off + total;
	return PARSE_OK;
}

static enum roce_drop
parse_ipv6(const uint8_t *h, uint32_t hlen, uint32_t frame_len, struct roce_pkt *p,
	   uint32_t *ip_end)
{
	const struct rte_ipv6_hdr *ip = (const struct rte_ipv6_hdr *)(h + p->l3_off);
	uint32_t avail = frame_len - p->l3_off;
	uint32_t flow;

	if (hlen < p->l3_off + sizeof(*ip))
		return ROCE_DROP_TRUNC_L3;
	flow = rte_be_to_cpu_32(ip->vtc_flow);
	if ((flow >> 28) != 6)
		return ROCE_DROP_IP_VERSION;
	if (sizeof(*ip) + rte_be_to_cpu_16(ip->payload_len) > avail)
		return ROCE_DROP_TRUNC_L3;
	/* RoCEv2 carries no IPv6 extension headers: UDP must follow directly. */
	if (ip->proto != IPPROTO_UDP)
		return ROCE_DROP_NOT_UDP;
	p->ipv6 = true;
	memcpy(p->sip, ip->src_addr, 16);
	memcpy(p->dip, ip->dst_addr, 16);
	p->tclass = (flow >> 20) & 0xff;
	p->flow_label = flow & 0xfffff;
	p->hop_limit = ip->hop_limits;
	p->l4_off = p->l3_off + sizeof(*ip);
	*ip_end = p->l4_off + rte_be_to_cpu_16(ip->payload_len);
	return PARSE_OK;
}

/* Ethernet, IP and UDP up to the point where the ICRC can be checked. */
static enum roce_drop
parse_outer(const uint8_t *h, uint32_t hlen, uint32_t frame_len,
	    const struct roce_parse_ctx *ctx, struct roce_pkt *p)
{
	const struct rte_udp_hdr *udp;
	uint16_t ethertype;
	uint32_t ip_end;
	enum roce_drop r;

	r = parse_l2(h, hlen, p, &ethertype);
	if (r != PARSE_OK)
		return r;
	if (ethertype == RTE_ETHER_TYPE_IPV4)
		r = parse_ipv4(h, hlen, frame_len, p, &ip_end);
	else if (ethertype == RTE_ETHER_TYPE_IPV6)
		r = parse_ipv6(h, hlen, frame_len, p, &ip_end);
	else
		r = ROCE_DROP_NOT_IP;
	if (r != PARSE_OK)
		return r;
	/* The IP packet, not the frame: Ethernet padding or a kept FCS may follow it. */
	if (ip_end - p->l3_off > ctx->mtu)
		return ROCE_DROP_TOO_LONG;
	/* hlen covers UDP and BTH whenever ip_end does: they end within HDR_MAX bytes. */
	if (ip_end - p->l4_off < sizeof(*udp))
		return ROCE_DROP_TRUNC_L4;
	udp = (const struct rte_udp_hdr *)(h + p->l4_off);
	if (rte_be_to_cpu_16(udp->dgram_len) != ip_end - p->l4_off)
		return ROCE_DROP_UDP_LEN;
	if (udp->dst_port != RTE_BE16(ROCE_UDP_DPORT))
		return ROCE_DROP_UDP_PORT;
	p->sport = rte_be_to_cpu_16(udp->src_port);
	p->bth_off = p->l4_off + sizeof(*udp);
	if (ip_end < p->bth_off + sizeof(struct roce_bth) + ROCE_ICRC_LEN)
		return ROCE_DROP_TRUNC_BTH;
	p->frame_len = ip_end;
	return PARSE_OK;
}

static void
parse_ext(const uint8_t *x, const struct roce_opcode_info *oi, struct roce_pkt *p)
{
	if (roce_opcode_has(oi, ROCE_EXT_DETH)) {
		const struct roce_deth *d = (const void *)(x + oi->ext_off[ROCE_EXT_DETH]);

		p->deth.qkey = rte_be_to_cpu_32(d->qkey);
		p->deth.sqpn = roce_deth_sqpn(d);
	}
	if (roce_opcode_has(oi, ROCE_EXT_FETH)) {
		const struct roce_feth *f = (const void *)(x + oi->ext_off[ROCE_EXT_FETH]);

		p->feth = rte_be_to_cpu_32(f->bits);
	}
	if (roce_opcode_has(oi, ROCE_EXT_RETH)) {
		const struct roce_reth *r = (const void *)(x + oi->ext_off[ROCE_EXT_RETH]);

		p->reth.va = rte_be_to_cpu_64(r->va);
		p->reth.rkey = rte_be_to_cpu_32(r->rkey);
		p->reth.len = rte_be_to_cpu_32(r->len);
	}
	if (roce_opcode_has(oi, ROCE_EXT_ATMETH)) {
		const struct roce_atmeth *a = (const void *)(x + oi->ext_off[ROCE_EXT_ATMETH]);

		p->atomic.va = rte_be_to_cpu_64(a->va);
		p->atomic.rkey = rte_be_to_cpu_32(a->rkey);
		p->atomic.swap_add = rte_be_to_cpu_64(a->swap_add);
		p->atomic.compare = rte_be_to_cpu_64(a->compare);
	}
	if (roce_opcode_has(oi, ROCE_EXT_AETH)) {
		const struct roce_aeth *a = (const void *)(x + oi->ext_off[ROCE_EXT_AETH]);

		p->aeth.syndrome = roce_aeth_syndrome(a);
		p->aeth.msn = roce_aeth_msn(a);
	}
	if (roce_opcode_has(oi, ROCE_EXT_ATMACK)) {
		const struct roce_atmack *a = (const void *)(x + oi->ext_off[ROCE_EXT_ATMACK]);

		p->atomic_orig = rte_be_to_cpu_64(a->orig);
	}
	if (roce_opcode_has(oi, ROCE_EXT_IMMDT))
		memcpy(&p->imm, x + oi->ext_off[ROCE_EXT_IMMDT], sizeof(p->imm));
	if (roce_opcode_has(oi, ROCE_EXT_IETH)) {
		const struct roce_ieth *i = (const void *)(x + oi->ext_off[ROCE_EXT_IETH]);

		p->inv_rkey = rte_be_to_cpu_32(i->rkey);
	}
}

/* BTH and extension headers, after the ICRC has been verified (IBA 9.6.1 header checks). */
static enum roce_drop
parse_transport(const uint8_t *h, struct roce_pkt *p)
{
	const struct roce_bth *bth = (const struct roce_bth *)(h + p->bth_off);
	const struct roce_opcode_info *oi;
	uint32_t ext_end, raw;

	p->opcode = bth->opcode;
	p->tver = roce_bth_tver(bth);
	if (p->tver != ROCE_BTH_TVER)
		return ROCE_DROP_TVER;
	oi = roce_opcode(bth->opcode);
	if (!(oi->flags & ROCE_OPF_VALID))
		return ROCE_DROP_OPCODE;
	ext_end = p->bth_off + sizeof(*bth) + oi->ext_len;
	if (ext_end + ROCE_ICRC_LEN > p->frame_len)
		return ROCE_DROP_TRUNC_EXT;
	raw = p->frame_len - ROCE_ICRC_LEN - ext_end;
	p->padcnt = roce_bth_padcnt(bth);
	if (p->padcnt > raw)
		return ROCE_DROP_PAD;
	if (raw != 0 && !(oi->flags & ROCE_OPF_PAYLOAD))
		return ROCE_DROP_PAYLOAD;
	/* IBA 1.5 9.3.13: an ATOMIC WRITE carries exactly 8 bytes. */
	if (bth->opcode == ROCE_OP_ATOMIC_WRITE && raw - p->padcnt != ROCE_ATOMIC_WRITE_LEN)
		return ROCE_DROP_PAYLOAD;
	p->op = oi;
	p->se = roce_bth_se(bth);
	p->migreq = roce_bth_migreq(bth);
	p->pkey = rte_be_to_cpu_16(bth->pkey);
	p->fecn = roce_bth_fecn(bth);
	p->becn = roce_bth_becn(bth);
	p->dqpn = roce_bth_qpn(bth);
	p->ackreq = roce_bth_ackreq(bth);
	p->psn = roce_bth_psn(bth);
	p->payload_off = ext_end;
	p->payload_len = raw - p->padcnt;
	parse_ext(h + p->bth_off + sizeof(*bth), oi, p);
	return PARSE_OK;
}

static int
finish(enum roce_drop r, struct roce_rx_stats *st, enum roce_drop *reason)
{
	if (r == PARSE_OK) {
		if (st != NULL)
			st->ok++;
		return 0;
	}
	if (st != NULL)
		st->drop[r]++;
	if (reason != NULL)
		*reason = r;
	return -EBADMSG;
}

/* The ICRC of a contiguous packet, through the context's cache when it has one. */
static uint32_t
icrc_of(const struct roce_parse_ctx *ctx, const uint8_t *l3, uint32_t len)
{
	if (ctx->icrc_cache != NULL)
		return roce_icrc_cached(ctx->icrc_cache, l3, len);
	return roce_icrc_buf(l3, len);
}

int
roce_parse_buf(const uint8_t *frame, uint32_t len, const struct roce_parse_ctx *ctx,
	       struct roce_pkt *p, struct roce_rx_stats *st, enum roce_drop *reason)
{
	const uint8_t *icrc_at;
	enum roce_drop r;

	memset(p, 0, sizeof(*p));
	r = parse_outer(frame, len, len, ctx, p);
	if (r == PARSE_OK && ctx->verify_icrc) {
		icrc_at = frame + p->frame_len - ROCE_ICRC_LEN;
		if (icrc_of(ctx, frame + p->l3_off, icrc_at - (frame + p->l3_off)) !=
		    roce_icrc_get(icrc_at))
			r = ROCE_DROP_ICRC;
	}
	if (r == PARSE_OK)
		r = parse_transport(frame, p);
	return finish(r, st, reason);
}

int
roce_parse_mbuf(const struct rte_mbuf *m, const struct roce_parse_ctx *ctx,
		struct roce_pkt *p, struct roce_rx_stats *st, enum roce_drop *reason)
{
	uint32_t len = rte_pktmbuf_pkt_len(m);
	uint32_t hlen = RTE_MIN(len, (uint32_t)HDR_MAX);
	uint8_t copy[HDR_MAX], icrc_copy[ROCE_ICRC_LEN];
	const uint8_t *h, *icrc_at;
	uint32_t crc;
	bool ok;
	enum roce_drop r;

	memset(p, 0, sizeof(*p));
	/* Headers may straddle segments: read them into one place (no copy when contiguous). */
	h = rte_pktmbuf_read(m, 0, hlen, copy);
	r = parse_outer(h, hlen, len, ctx, p);
	if (r == PARSE_OK && ctx->verify_icrc) {
		icrc_at = rte_pktmbuf_read(m, p->frame_len - ROCE_ICRC_LEN, ROCE_ICRC_LEN,
					   icrc_copy);
		if (rte_pktmbuf_data_len(m) >= p->frame_len)
			ok = icrc_of(ctx, rte_pktmbuf_mtod_offset(m, const uint8_t *, p->l3_off),
				     p->frame_len - ROCE_ICRC_LEN - p->l3_off) ==
			     roce_icrc_get(icrc_at);
		else
			ok = roce_icrc_mbuf(m, p->l3_off, p->frame_len - ROCE_ICRC_LEN - p->l3_off,
					    &crc) == 0 && crc == roce_icrc_get(icrc_at);
		if (!ok)
			r = ROCE_DROP_ICRC;
	}
	if (r == PARSE_OK)
		r = parse_transport(h, p);
	return finish(r, st, reason);
}
