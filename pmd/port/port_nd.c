/* SPDX-License-Identifier: BSD-3-Clause */
/* ICMPv6: neighbour discovery (RFC 4861) and echo (RFC 4443) for the port's addresses. */
#include <assert.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <rte_ip.h>

#include "port_pvt.h"

#define ICMP6_ECHO_REQUEST	128
#define ICMP6_ECHO_REPLY	129
#define ND_NS			135
#define ND_NA			136
#define ND_OPT_SRC_LLADDR	1
#define ND_OPT_TGT_LLADDR	2
#define ND_NA_SOLICITED		0x40
#define ND_NA_OVERRIDE		0x20
#define ND_HOP_LIMIT		255	/* RFC 4861 7.1.1: anything else was forwarded */
#define ECHO_HOP_LIMIT		64

/* Neighbour solicitation or advertisement with one link-layer address option. */
struct nd_msg {
	uint8_t type;
	uint8_t code;
	rte_be16_t cksum;
	uint8_t flags;			/* NA only: R S O */
	uint8_t rsvd[3];
	uint8_t target[16];
	uint8_t opt_type;
	uint8_t opt_len;		/* in units of 8 bytes */
	struct rte_ether_addr lladdr;
};
/* Natural alignment leaves no holes: 8 fixed + 16 target + 8 option bytes. */
static_assert(sizeof(struct nd_msg) == 32, "ND message with one option is 32 bytes");

struct icmp6_hdr {
	uint8_t type;
	uint8_t code;
	rte_be16_t cksum;
};

static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 0x01 };

/* Build an ND message frame (Ethernet, IPv6 with hop limit 255, nd_msg) and send it. */
static int
nd_send(struct port *port, const struct rte_ether_addr *dmac, const uint8_t *src,
	const uint8_t *dst, const struct nd_msg *msg)
{
	struct rte_mbuf *m = port_alloc(port, sizeof(struct rte_ether_hdr) +
					sizeof(struct rte_ipv6_hdr) + sizeof(*msg));
	struct rte_ether_hdr *eth;
	struct rte_ipv6_hdr *ip;
	struct nd_msg *nd;

	if (m == NULL)
		return -ENOMEM;
	eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	eth->dst_addr = *dmac;
	eth->src_addr = port->mac;
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV6);
	ip = (struct rte_ipv6_hdr *)(eth + 1);
	ip->vtc_flow = RTE_BE32(6u << 28);
	ip->payload_len = rte_cpu_to_be_16(sizeof(*msg));
	ip->proto = IPPROTO_ICMPV6;
	ip->hop_limits = ND_HOP_LIMIT;
	memcpy(ip->src_addr, src, 16);
	memcpy(ip->dst_addr, dst, 16);
	nd = (struct nd_msg *)(ip + 1);
	*nd = *msg;
	nd->cksum = 0;
	nd->cksum = rte_ipv6_udptcp_cksum(ip, nd);
	port_tx_one(port, m);
	return 0;
}

int
port_nd_solicit(struct port *port, const uint8_t target[16])
{
	const uint8_t *src = port_src_addr(port, target);
	struct nd_msg ns = {
		.type = ND_NS,
		.opt_type = ND_OPT_SRC_LLADDR,
		.opt_len = 1,
		.lladdr = port->mac,
	};
	/* RFC 4291 2.7.1: solicited-node multicast ff02::1:ffXX:XXXX, MAC 33:33:ff:XX:XX:XX. */
	uint8_t dst[16] = { 0xff, 0x02, [11] = 0x01, [12] = 0xff };
	struct rte_ether_addr dmac = {{ 0x33, 0x33, 0xff, target[13], target[14], target[15] }};

	if (src == NULL)
		return -ENETUNREACH;
	memcpy(dst + 13, target + 13, 3);
	memcpy(ns.target, target, 16);
	port_count(port, PORT_ND_NS_TX);
	return nd_send(port, &dmac, src, dst, &ns);
}

/* Link-layer address option of the given type in an ND message of len bytes, or NULL. */
static const struct rte_ether_addr *
nd_lladdr(const struct nd_msg *msg, uint16_t len, uint8_t type)
{
	if (len < sizeof(*msg) || msg->opt_type != type || msg->opt_len != 1)
		return NULL;
	return &msg->lladdr;
}

static void
nd_ns_input(struct port *port, struct rte_mbuf *m, const struct rte_ipv6_hdr *ip,
	    const struct nd_msg *ns, uint16_t len)
{
	static const uint8_t unspec[16];
	const struct rte_ether_addr *ll = nd_lladdr(ns, len, ND_OPT_SRC_LLADDR);
	bool dad = memcmp(ip->src_addr, unspec, 16) == 0;
	struct nd_msg na = {
		.type = ND_NA,
		.flags = ND_NA_OVERRIDE,
		.opt_type = ND_OPT_TGT_LLADDR,
		.opt_len = 1,
		.lladdr = port->mac,
	};
	struct rte_ether_addr dmac = {{ 0x33, 0x33, 0, 0, 0, 1 }};

	port_count(port, PORT_ND_NS_RX);
	if (!port_addr_is_mine(port, ns->target)) {
		port_drop(port, m, PORT_RX_NOT_MINE);
		return;
	}
	memcpy(na.target, ns->target, 16);
	if (!dad) {
		/* RFC 4861 7.2.3: learn the solicitor, answer it directly, solicited flag set. */
		if (ll != NULL)
			neigh_update(port, ip->src_addr, ll, true);
		dmac = ll != NULL ? *ll : rte_pktmbuf_mtod(m, struct rte_ether_hdr *)->src_addr;
		na.flags |= ND_NA_SOLICITED;
	}
	port_count(port, PORT_ND_NA_TX);
	nd_send(port, &dmac, ns->target, dad ? all_nodes : ip->src_addr, &na);
	rte_pktmbuf_free(m);
}

static void
nd_na_input(struct port *port, struct rte_mbuf *m, const struct nd_msg *na, uint16_t len)
{
	const struct rte_ether_addr *ll = nd_lladdr(na, len, ND_OPT_TGT_LLADDR);

	port_count(port, PORT_ND_NA_RX);
	if (ll == NULL)
		ll = &rte_pktmbuf_mtod(m, struct rte_ether_hdr *)->src_addr;
	neigh_update(port, na->target, ll, false);
	rte_pktmbuf_free(m);
}

static void
echo_input(struct port *port, struct rte_mbuf *m, struct rte_ipv6_hdr *ip,
	   struct icmp6_hdr *icmp, uint16_t l3)
{
	uint8_t tmp[16];

	if (!port_addr_is_mine(port, ip->dst_addr)) {
		port_drop(port, m, PORT_RX_NOT_MINE);
		return;
	}
	port_count(port, PORT_ICMP6_ECHO_RX);
	rte_pktmbuf_trim(m, rte_pktmbuf_pkt_len(m) - l3 - sizeof(*ip) -
			 rte_be_to_cpu_16(ip->payload_len));
	memcpy(tmp, ip->src_addr, 16);
	memcpy(ip->src_addr, ip->dst_addr, 16);
	memcpy(ip->dst_addr, tmp, 16);
	ip->hop_limits = ECHO_HOP_LIMIT;
	icmp->type = ICMP6_ECHO_REPLY;
	icmp->cksum = 0;
	icmp->cksum = rte_ipv6_udptcp_cksum(ip, icmp);
	port_reply(port, m, PORT_ICMP6_ECHO_TX);
}

void
port_icmp6_input(struct port *port, struct rte_mbuf *m, uint16_t l3)
{
	struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, l3);
	uint16_t len = rte_be_to_cpu_16(ip->payload_len);
	struct icmp6_hdr *icmp = (struct icmp6_hdr *)(ip + 1);

	if (len < sizeof(*icmp) || rte_pktmbuf_data_len(m) < l3 + sizeof(*ip) + len ||
	    rte_ipv6_udptcp_cksum_verify(ip, icmp) != 0) {
		port_drop(port, m, PORT_RX_MALFORMED);
		return;
	}
	if (icmp->type == ICMP6_ECHO_REQUEST && icmp->code == 0) {
		echo_input(port, m, ip, icmp, l3);
		return;
	}
	if (icmp->type != ND_NS && icmp->type != ND_NA) {
		port_drop(port, m, PORT_RX_OTHER);
		return;
	}
	/* RFC 4861 7.1: hop limit 255, code 0, at least the fixed part with the target. */
	if (ip->hop_limits != ND_HOP_LIMIT || icmp->code != 0 ||
	    len < offsetof(struct nd_msg, opt_type)) {
		port_drop(port, m, PORT_RX_MALFORMED);
		return;
	}
	if (icmp->type == ND_NS)
		nd_ns_input(port, m, ip, (const struct nd_msg *)icmp, len);
	else
		nd_na_input(port, m, (const struct nd_msg *)icmp, len);
}
