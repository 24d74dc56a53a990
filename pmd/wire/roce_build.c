/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>

#include <rte_ip.h>
#include <rte_mbuf.h>

#include "roce_hdr.h"
#include "roce_icrc.h"
#include "roce_pkt.h"

/* RoCEv2 sets DF (Annex A17.4.3; rxe does too) and never fragments. */
#define IPV4_DF		RTE_BE16(RTE_IPV4_HDR_DF_FLAG)

static uint32_t
build_l2(uint8_t *buf, const struct roce_pkt *p)
{
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)buf;
	rte_be16_t type = p->ipv6 ? RTE_BE16(RTE_ETHER_TYPE_IPV6) : RTE_BE16(RTE_ETHER_TYPE_IPV4);

	eth->dst_addr = p->dmac;
	eth->src_addr = p->smac;
	if (!p->vlan) {
		eth->ether_type = type;
		return sizeof(*eth);
	}
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_VLAN);
	struct rte_vlan_hdr *vh = (struct rte_vlan_hdr *)(eth + 1);

	vh->vlan_tci = rte_cpu_to_be_16(p->vlan_tci);
	vh->eth_proto = type;
	return sizeof(*eth) + sizeof(*vh);
}

static void
build_ipv4(uint8_t *l3, const struct roce_pkt *p, uint32_t ip_len)
{
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)l3;

	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->type_of_service = p->tclass;
	ip->total_length = rte_cpu_to_be_16(ip_len);
	ip->packet_id = 0;
	ip->fragment_offset = IPV4_DF;
	ip->time_to_live = p->hop_limit;
	ip->next_proto_id = IPPROTO_UDP;
	ip->hdr_checksum = 0;
	memcpy(&ip->src_addr, p->sip + 12, 4);
	memcpy(&ip->dst_addr, p->dip + 12, 4);
	ip->hdr_checksum = (uint16_t)~roce_ipv4_sum20(ip);
}

static void
build_ipv6(uint8_t *l3, const struct roce_pkt *p, uint32_t ip_len)
{
	struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)l3;

	ip->vtc_flow = rte_cpu_to_be_32(6u << 28 | (uint32_t)p->tclass << 20 |
					(p->flow_label & 0xfffff));
	ip->payload_len = rte_cpu_to_be_16(ip_len - sizeof(*ip));
	ip->proto = IPPROTO_UDP;
	ip->hop_limits = p->hop_limit;
	memcpy(ip->src_addr, p->sip, 16);
	memcpy(ip->dst_addr, p->dip, 16);
}

static void
build_bth(struct roce_bth *bth, const struct roce_pkt *p, uint8_t pad)
{
	bth->opcode = p->opcode;
	bth->flags = 0;
	roce_bth_set_se(bth, p->se);
	roce_bth_set_migreq(bth, p->migreq);
	roce_bth_set_padcnt(bth, pad);
	roce_bth_set_tver(bth, p->tver);
	bth->pkey = rte_cpu_to_be_16(p->pkey);
	bth->qpn = 0;
	roce_bth_set_qpn(bth, p->dqpn);
	roce_bth_set_ecn_bits(bth, p->fecn, p->becn);
	bth->apsn = 0;
	roce_bth_set_psn(bth, p->psn);
	roce_bth_set_ackreq(bth, p->ackreq);
}

static void
build_ext(uint8_t *x, const struct roce_opcode_info *oi, const struct roce_pkt *p)
{
	/* The CNP's body is reserved (zero); every other extension is written whole below. */
	if (roce_opcode_has(oi, ROCE_EXT_CNP))
		memset(x + oi->ext_off[ROCE_EXT_CNP], 0, sizeof(struct roce_cnp));
	if (roce_opcode_has(oi, ROCE_EXT_DETH)) {
		struct roce_deth *d = (void *)(x + oi->ext_off[ROCE_EXT_DETH]);

		d->qkey = rte_cpu_to_be_32(p->deth.qkey);
		roce_deth_set_sqpn(d, p->deth.sqpn);
	}
	if (roce_opcode_has(oi, ROCE_EXT_FETH)) {
		struct roce_feth *f = (void *)(x + oi->ext_off[ROCE_EXT_FETH]);

		f->bits = rte_cpu_to_be_32(p->feth);
	}
	if (roce_opcode_has(oi, ROCE_EXT_RETH)) {
		struct roce_reth *r = (void *)(x + oi->ext_off[ROCE_EXT_RETH]);

		r->va = rte_cpu_to_be_64(p->reth.va);
		r->rkey = rte_cpu_to_be_32(p->reth.rkey);
		r->len = rte_cpu_to_be_32(p->reth.len);
	}
	if (roce_opcode_has(oi, ROCE_EXT_ATMETH)) {
		struct roce_atmeth *a = (void *)(x + oi->ext_off[ROCE_EXT_ATMETH]);

		a->va = rte_cpu_to_be_64(p->atomic.va);
		a->rkey = rte_cpu_to_be_32(p->atomic.rkey);
		a->swap_add = rte_cpu_to_be_64(p->atomic.swap_add);
		a->compare = rte_cpu_to_be_64(p->atomic.compare);
	}
	if (roce_opcode_has(oi, ROCE_EXT_AETH))
		roce_aeth_set((void *)(x + oi->ext_off[ROCE_EXT_AETH]), p->aeth.syndrome,
			      p->aeth.msn);
	if (roce_opcode_has(oi, ROCE_EXT_ATMACK)) {
		struct roce_atmack *a = (void *)(x + oi->ext_off[ROCE_EXT_ATMACK]);

		a->orig = rte_cpu_to_be_64(p->atomic_orig);
	}
	if (roce_opcode_has(oi, ROCE_EXT_IMMDT))
		memcpy(x + oi->ext_off[ROCE_EXT_IMMDT], &p->imm, sizeof(p->imm));
	if (roce_opcode_has(oi, ROCE_EXT_IETH)) {
		struct roce_ieth *i = (void *)(x + oi->ext_off[ROCE_EXT_IETH]);

		i->rkey = rte_cpu_to_be_32(p->inv_rkey);
	}
}

/*
 * The checks and sizes every header build shares: the opcode's, the payload's and the
 * IP length's. Returns the header length (l2 + l3 + UDP + BTH + extensions), sets *ip_len
 * and *pad, or a negative errno.
 */
static int
hdr_layout(const struct roce_pkt *p, const struct roce_opcode_info *oi, uint32_t l2,
	   uint32_t l3, uint32_t cap, uint32_t *ip_len, uint8_t *pad)
{
	uint32_t hdr_len;

	if (!(oi->flags & ROCE_OPF_VALID))
		return -EINVAL;
	if (p->payload_len != 0 && !(oi->flags & ROCE_OPF_PAYLOAD))
		return -EINVAL;
	if (p->opcode == ROCE_OP_ATOMIC_WRITE && p->payload_len != ROCE_ATOMIC_WRITE_LEN)
		return -EINVAL;
	/* IBA 9.2.3: pad the payload to a multiple of 4 bytes. */
	*pad = (uint8_t)(-p->payload_len & 3);
	hdr_len = l2 + l3 + sizeof(struct rte_udp_hdr) + sizeof(struct roce_bth) + oi->ext_len;
	/* Checked before the sum so that a length near 2^32 cannot wrap past the limit. */
	if (p->payload_len > UINT16_MAX)
		return -EINVAL;
	*ip_len = hdr_len - l2 + p->payload_len + *pad + ROCE_ICRC_LEN;
	if (*ip_len > UINT16_MAX)
		return -EINVAL;
	if (cap < hdr_len)
		return -ENOSPC;
	return (int)hdr_len;
}

/* BTH, extensions and p's layout fields, after the headers up to UDP. */
static void
hdr_finish(uint8_t *buf, struct roce_pkt *p, const struct roce_opcode_info *oi,
	   uint32_t l2, uint32_t l3, uint32_t hdr_len, uint32_t ip_len, uint8_t pad)
{
	uint32_t bth_off = l2 + l3 + sizeof(struct rte_udp_hdr);

	build_bth((struct roce_bth *)(buf + bth_off), p, pad);
	build_ext(buf + bth_off + sizeof(struct roce_bth), oi, p);
	p->op = oi;
	p->padcnt = pad;
	p->l3_off = l2;
	p->l4_off = l2 + l3;
	p->bth_off = bth_off;
	p->payload_off = hdr_len;
	p->frame_len = l2 + ip_len;
}

static uint32_t
l2_len(bool vlan)
{
	return vlan ? sizeof(struct rte_ether_hdr) + sizeof(struct rte_vlan_hdr) :
		      sizeof(struct rte_ether_hdr);
}

static uint32_t
l3_len(bool ipv6)
{
	return ipv6 ? sizeof(struct rte_ipv6_hdr) : sizeof(struct rte_ipv4_hdr);
}

/* Ethernet, IP and UDP headers for an IP packet of ip_len bytes. */
static void
build_to_udp(uint8_t *buf, const struct roce_pkt *p, uint32_t l2, uint32_t l3,
	     uint32_t ip_len)
{
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(buf + l2 + l3);

	build_l2(buf, p);
	if (p->ipv6)
		build_ipv6(buf + l2, p, ip_len);
	else
		build_ipv4(buf + l2, p, ip_len);
	udp->src_port = rte_cpu_to_be_16(p->sport);
	udp->dst_port = RTE_BE16(ROCE_UDP_DPORT);
	udp->dgram_len = rte_cpu_to_be_16(ip_len - l3);
	/*
	 * Zero for IPv6 too: the ICRC protects the packet, RFC 6935/6936 allow zero UDP
	 * checksums for tunnels, and rxe and RoCE NICs send and accept zero.
	 */
	udp->dgram_cksum = 0;
}

static bool
addrs_fit(const struct roce_pkt *p)
{
	return p->ipv6 || (roce_addr_is_v4mapped(p->sip) && roce_addr_is_v4mapped(p->dip));
}

int
roce_build_hdr(uint8_t *buf, uint32_t cap, struct roce_pkt *p)
{
	const struct roce_opcode_info *oi = roce_opcode(p->opcode);
	uint32_t l2 = l2_len(p->vlan), l3 = l3_len(p->ipv6), ip_len;
	uint8_t pad;
	int hdr_len;

	if (!addrs_fit(p))
		return -EINVAL;
	hdr_len = hdr_layout(p, oi, l2, l3, cap, &ip_len, &pad);
	if (hdr_len < 0)
		return hdr_len;
	build_to_udp(buf, p, l2, l3, ip_len);
	hdr_finish(buf, p, oi, l2, l3, (uint32_t)hdr_len, ip_len, pad);
	return hdr_len;
}

int
roce_tmpl_init(struct roce_hdr_tmpl *t, const struct roce_pkt *p)
{
	uint32_t l2 = l2_len(p->vlan), l3 = l3_len(p->ipv6);

	if (!addrs_fit(p))
		return -EINVAL;
	memset(t, 0, sizeof(*t));
	build_to_udp(t->hdr, p, l2, l3, 0);
	t->len = (uint8_t)(l2 + l3 + sizeof(struct rte_udp_hdr));
	t->l3_off = (uint8_t)l2;
	t->ipv6 = p->ipv6;
	if (!p->ipv6)
		t->cksum0 = ((const struct rte_ipv4_hdr *)(t->hdr + l2))->hdr_checksum;
	return 0;
}

int
roce_build_hdr_tmpl(uint8_t *buf, uint32_t cap, const struct roce_hdr_tmpl *t,
		    struct roce_pkt *p)
{
	const struct roce_opcode_info *oi = roce_opcode(p->opcode);
	uint32_t l2 = t->l3_off, l3 = t->len - t->l3_off - sizeof(struct rte_udp_hdr);
	struct rte_udp_hdr *udp;
	uint32_t ip_len, sum;
	uint8_t pad;
	int hdr_len;

	p->vlan = l2 != sizeof(struct rte_ether_hdr);
	p->ipv6 = t->ipv6;
	hdr_len = hdr_layout(p, oi, l2, l3, cap, &ip_len, &pad);
	if (hdr_len < 0)
		return hdr_len;
	/* All of hdr where it fits: a copy of constant size is a few vector moves, not a
	 * call; the bytes past t->len are overwritten below or lie past the headers. */
	if (cap >= sizeof(t->hdr))
		memcpy(buf, t->hdr, sizeof(t->hdr));
	else
		memcpy(buf, t->hdr, t->len);
	if (t->ipv6) {
		struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)(buf + l2);

		ip6->payload_len = rte_cpu_to_be_16(ip_len - l3);
	} else {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(buf + l2);

		/*
		 * RFC 1624: the template's sum was taken with a zero length; adding the
		 * length word (in the byte order the sum was taken in) updates it.
		 */
		ip->total_length = rte_cpu_to_be_16(ip_len);
		sum = (uint16_t)~t->cksum0 + (uint32_t)ip->total_length;
		sum = (sum & 0xffff) + (sum >> 16);
		ip->hdr_checksum = (uint16_t)~sum;
	}
	udp = (struct rte_udp_hdr *)(buf + l2 + l3);
	udp->dgram_len = rte_cpu_to_be_16(ip_len - l3);
	hdr_finish(buf, p, oi, l2, l3, (uint32_t)hdr_len, ip_len, pad);
	return hdr_len;
}

int
roce_build(uint8_t *buf, uint32_t cap, struct roce_pkt *p, const void *payload)
{
	int hdr_len = roce_build_hdr(buf, cap, p);
	uint32_t icrc_off;

	if (hdr_len < 0)
		return hdr_len;
	if (cap < p->frame_len)
		return -ENOSPC;
	if (p->payload_len != 0)
		memcpy(buf + hdr_len, payload, p->payload_len);
	memset(buf + hdr_len + p->payload_len, 0, p->padcnt);
	icrc_off = p->frame_len - ROCE_ICRC_LEN;
	roce_icrc_put(buf + icrc_off, roce_icrc_buf(buf + p->l3_off, icrc_off - p->l3_off));
	return p->frame_len;
}

int
roce_build_pad_mbuf(struct rte_mbuf *m, const struct roce_pkt *p)
{
	uint8_t *tail;

	if (rte_pktmbuf_pkt_len(m) != (uint32_t)p->payload_off + p->payload_len)
		return -EINVAL;
	tail = (uint8_t *)rte_pktmbuf_append(m, p->padcnt + ROCE_ICRC_LEN);
	if (tail == NULL)
		return -ENOSPC;
	/* The pad (at most 3 bytes) and the ICRC field's first bytes: one fixed store, not
	 * a memset() call of a variable length; the ICRC is written over it. */
	memset(tail, 0, ROCE_ICRC_LEN);
	return 0;
}

int
roce_build_finish_mbuf(struct rte_mbuf *m, const struct roce_pkt *p)
{
	uint32_t icrc_off = p->frame_len - ROCE_ICRC_LEN;
	struct rte_mbuf *last = rte_pktmbuf_lastseg(m);
	uint32_t crc;
	int ret;

	ret = roce_build_pad_mbuf(m, p);
	if (ret == 0)
		ret = roce_icrc_mbuf(m, p->l3_off, icrc_off - p->l3_off, &crc);
	if (ret != 0)
		return ret;
	/* The pad and the ICRC field went to the last segment. */
	roce_icrc_put(rte_pktmbuf_mtod_offset(last, uint8_t *,
					      rte_pktmbuf_data_len(last) - ROCE_ICRC_LEN), crc);
	return 0;
}

void
roce_build_icrc_mbuf(struct rte_mbuf *m, uint32_t l3_off, struct roce_icrc_cache *c)
{
	uint8_t *frame = rte_pktmbuf_mtod(m, uint8_t *);
	uint32_t icrc_off = rte_pktmbuf_data_len(m) - ROCE_ICRC_LEN;

	roce_icrc_put(frame + icrc_off, roce_icrc_cached(c, frame + l3_off, icrc_off - l3_off));
}
