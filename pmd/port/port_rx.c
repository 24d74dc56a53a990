/* SPDX-License-Identifier: BSD-3-Clause */
/* Port datapath: receive bursts, classify, transmit. */
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_udp.h>

#include "port_pvt.h"
#include "roce_hdr.h"

struct rte_mbuf *
port_alloc(struct port *port, uint16_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(port->pool);

	if (m == NULL) {
		port_count(port, PORT_NO_MBUF);
		return NULL;
	}
	if (rte_pktmbuf_append(m, len) == NULL) {
		rte_pktmbuf_free(m);
		port_count(port, PORT_NO_MBUF);
		return NULL;
	}
	return m;
}

uint16_t
port_tx(struct port *port, struct rte_mbuf **pkts, uint16_t n)
{
	uint64_t bytes = 0;
	uint16_t sent, i;

	sent = rte_eth_tx_burst(port->port_id, 0, pkts, n);
	for (i = 0; i < sent; i++)
		bytes += rte_pktmbuf_pkt_len(pkts[i]);
	port->ctr[PORT_TX_PKTS] += sent;
	port->ctr[PORT_TX_BYTES] += bytes;
	if (sent < n) {
		port->ctr[PORT_TX_DROPS] += n - sent;
		rte_pktmbuf_free_bulk(pkts + sent, n - sent);
	}
	return sent;
}

uint16_t
port_tx_queue(struct port *port, uint16_t q, struct rte_mbuf **pkts, uint16_t n)
{
	return rte_eth_tx_burst(port->port_id, q, pkts, n);
}

struct rte_mempool *
port_pool(struct port *port)
{
	return port->pool;
}

uint16_t
port_nb_txq(const struct port *port)
{
	return port->nb_txq;
}

void
port_tx_one(struct port *port, struct rte_mbuf *m)
{
	port_tx(port, &m, 1);
}

void
port_reply(struct port *port, struct rte_mbuf *m, enum port_ctr ctr)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);

	eth->dst_addr = eth->src_addr;
	eth->src_addr = port->mac;
	port_count(port, ctr);
	port_tx_one(port, m);
}

void
port_default_roce_rx(void *arg, struct rte_mbuf *m, const struct roce_pkt *p)
{
	RTE_SET_USED(arg);
	RTE_SET_USED(p);
	rte_pktmbuf_free(m);
}

static void
roce_input(struct port *port, struct rte_mbuf *m)
{
	struct roce_pkt p;

	/* The parser validates everything and counts why it refuses a frame. */
	if (roce_parse_mbuf(m, &port->parse_ctx, &p, &port->roce_stats, NULL) != 0) {
		rte_pktmbuf_free(m);
		return;
	}
	if (!port_addr_is_mine(port, p.dip)) {
		port_drop(port, m, PORT_RX_NOT_MINE);
		return;
	}
	port->roce_cb(port->roce_arg, m, &p);
}

/*
 * Is a UDP datagram for the RoCE parser? Port 4791, or too short to show its port: then
 * the parser counts why it refuses it.
 */
static bool
udp_is_roce(const struct rte_mbuf *m, uint16_t l4)
{
	const struct rte_udp_hdr *udp;

	if (rte_pktmbuf_data_len(m) < l4 + sizeof(*udp))
		return true;
	udp = rte_pktmbuf_mtod_offset(m, const struct rte_udp_hdr *, l4);
	return udp->dst_port == RTE_BE16(ROCE_UDP_DPORT);
}

static void
ipv4_input(struct port *port, struct rte_mbuf *m, uint16_t l3)
{
	const struct rte_ipv4_hdr *ip;
	uint16_t l4;

	if (rte_pktmbuf_data_len(m) < l3 + sizeof(*ip)) {
		port_drop(port, m, PORT_RX_MALFORMED);
		return;
	}
	ip = rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *, l3);
	l4 = l3 + (ip->version_ihl & 0x0f) * 4;
	if (ip->next_proto_id == IPPROTO_ICMP)
		port_icmp_input(port, m, l3);
	else if (ip->next_proto_id == IPPROTO_UDP && udp_is_roce(m, l4))
		roce_input(port, m);
	else
		port_drop(port, m, PORT_RX_OTHER);
}

static void
ipv6_input(struct port *port, struct rte_mbuf *m, uint16_t l3)
{
	const struct rte_ipv6_hdr *ip;
	uint16_t l4 = l3 + sizeof(*ip);

	if (rte_pktmbuf_data_len(m) < l4) {
		port_drop(port, m, PORT_RX_MALFORMED);
		return;
	}
	ip = rte_pktmbuf_mtod_offset(m, const struct rte_ipv6_hdr *, l3);
	if (ip->proto == IPPROTO_ICMPV6)
		port_icmp6_input(port, m, l3);
	else if (ip->proto == IPPROTO_UDP && udp_is_roce(m, l4))
		roce_input(port, m);
	else
		port_drop(port, m, PORT_RX_OTHER);
}

static bool
mac_is_mine(const struct port *port, const struct rte_ether_addr *dst)
{
	/* Broadcast and multicast are accepted here; ARP and ND check the target address. */
	return rte_is_same_ether_addr(dst, &port->mac) || rte_is_multicast_ether_addr(dst);
}

static void
port_input(struct port *port, struct rte_mbuf *m)
{
	const struct rte_ether_hdr *eth;
	uint16_t type, l3 = sizeof(*eth);

	port_count(port, PORT_RX_PKTS);
	port->ctr[PORT_RX_BYTES] += rte_pktmbuf_pkt_len(m);
	if (rte_pktmbuf_data_len(m) < sizeof(*eth) + sizeof(struct rte_vlan_hdr)) {
		port_drop(port, m, PORT_RX_MALFORMED);
		return;
	}
	eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	if (!mac_is_mine(port, &eth->dst_addr)) {
		port_drop(port, m, PORT_RX_NOT_MINE);
		return;
	}
	type = rte_be_to_cpu_16(eth->ether_type);
	if (type == RTE_ETHER_TYPE_VLAN) {
		type = rte_be_to_cpu_16(((const struct rte_vlan_hdr *)(eth + 1))->eth_proto);
		l3 += sizeof(struct rte_vlan_hdr);
	}
	if (type == RTE_ETHER_TYPE_ARP)
		port_arp_input(port, m, l3);
	else if (type == RTE_ETHER_TYPE_IPV4)
		ipv4_input(port, m, l3);
	else if (type == RTE_ETHER_TYPE_IPV6)
		ipv6_input(port, m, l3);
	else
		port_drop(port, m, PORT_RX_OTHER);
}

int
port_poll(struct port *port)
{
	struct rte_mbuf *pkts[PORT_BURST];
	uint16_t q, n, i;
	int total = 0;

	for (q = 0; q < port->nb_rxq; q++) {
		n = rte_eth_rx_burst(port->port_id, q, pkts, PORT_BURST);
		for (i = 0; i < n; i++)
			port_input(port, pkts[i]);
		total += n;
	}
	neigh_timers(port);
	if (port->memif)
		port_memif_watch(port);
	return total;
}

void
port_set_roce_rx(struct port *port, port_roce_rx_cb cb, void *arg)
{
	port->roce_cb = cb != NULL ? cb : port_default_roce_rx;
	port->roce_arg = arg;
}
