/* SPDX-License-Identifier: BSD-3-Clause */
/* ARP (RFC 826) for the port's IPv4 addresses. */
#include <errno.h>
#include <string.h>

#include <rte_arp.h>

#include "port_pvt.h"

static bool
arp_valid(const struct rte_arp_hdr *a)
{
	return a->arp_hardware == RTE_BE16(RTE_ARP_HRD_ETHER) &&
	       a->arp_protocol == RTE_BE16(RTE_ETHER_TYPE_IPV4) &&
	       a->arp_hlen == RTE_ETHER_ADDR_LEN && a->arp_plen == 4;
}

/* Turn the request in m into our reply, in place (an 802.1Q tag stays as it was). */
static void
arp_reply(struct port *port, struct rte_mbuf *m, struct rte_arp_hdr *a)
{
	struct rte_arp_ipv4 *d = &a->arp_data;
	uint32_t tip = d->arp_tip;

	a->arp_opcode = RTE_BE16(RTE_ARP_OP_REPLY);
	d->arp_tha = d->arp_sha;
	d->arp_tip = d->arp_sip;
	d->arp_sha = port->mac;
	d->arp_sip = tip;
	port_reply(port, m, PORT_ARP_REP_TX);
}

void
port_arp_input(struct port *port, struct rte_mbuf *m, uint16_t l3)
{
	struct rte_arp_hdr *a;
	uint8_t sip[16], tip[16];
	bool for_me;

	if (rte_pktmbuf_data_len(m) < l3 + sizeof(*a)) {
		port_drop(port, m, PORT_RX_MALFORMED);
		return;
	}
	a = rte_pktmbuf_mtod_offset(m, struct rte_arp_hdr *, l3);
	if (!arp_valid(a)) {
		port_drop(port, m, PORT_RX_MALFORMED);
		return;
	}
	roce_ipv4_to_mapped(sip, a->arp_data.arp_sip);
	roce_ipv4_to_mapped(tip, a->arp_data.arp_tip);
	for_me = port_addr_is_mine(port, tip);
	/* RFC 826 "merge": update a known sender; learn it when we are the target. */
	if (a->arp_data.arp_sip != 0)
		neigh_update(port, sip, &a->arp_data.arp_sha, for_me);
	if (a->arp_opcode == RTE_BE16(RTE_ARP_OP_REQUEST)) {
		port_count(port, PORT_ARP_REQ_RX);
		if (for_me) {
			arp_reply(port, m, a);
			return;
		}
	} else if (a->arp_opcode == RTE_BE16(RTE_ARP_OP_REPLY)) {
		port_count(port, PORT_ARP_REP_RX);
	} else {
		port_count(port, PORT_RX_MALFORMED);
	}
	rte_pktmbuf_free(m);
}

int
port_arp_request(struct port *port, const uint8_t target[16])
{
	const uint8_t *src = port_src_addr(port, target);
	struct rte_ether_hdr *eth;
	struct rte_arp_hdr *a;
	struct rte_mbuf *m;

	if (src == NULL)
		return -ENETUNREACH;
	m = port_alloc(port, sizeof(*eth) + sizeof(*a));
	if (m == NULL)
		return -ENOMEM;
	eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	memset(&eth->dst_addr, 0xff, sizeof(eth->dst_addr));
	eth->src_addr = port->mac;
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_ARP);
	a = (struct rte_arp_hdr *)(eth + 1);
	a->arp_hardware = RTE_BE16(RTE_ARP_HRD_ETHER);
	a->arp_protocol = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	a->arp_hlen = RTE_ETHER_ADDR_LEN;
	a->arp_plen = 4;
	a->arp_opcode = RTE_BE16(RTE_ARP_OP_REQUEST);
	a->arp_data.arp_sha = port->mac;
	memcpy(&a->arp_data.arp_sip, src + 12, 4);
	memset(&a->arp_data.arp_tha, 0, sizeof(a->arp_data.arp_tha));
	memcpy(&a->arp_data.arp_tip, target + 12, 4);
	port_count(port, PORT_ARP_REQ_TX);
	port_tx_one(port, m);
	return 0;
}
