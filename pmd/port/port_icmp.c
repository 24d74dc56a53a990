/* SPDX-License-Identifier: BSD-3-Clause */
/* ICMP echo (RFC 792) for the port's IPv4 addresses. */
#include <rte_icmp.h>
#include <rte_ip.h>

#include "port_pvt.h"

#define ECHO_TTL	64

void
port_icmp_input(struct port *port, struct rte_mbuf *m, uint16_t l3)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, l3);
	uint16_t ihl = (ip->version_ihl & 0x0f) * 4;
	uint16_t total = rte_be_to_cpu_16(ip->total_length);
	struct rte_icmp_hdr *icmp;
	uint8_t dst[16];
	rte_be32_t addr;

	if (ihl < sizeof(*ip) || total < ihl + sizeof(*icmp) ||
	    rte_pktmbuf_data_len(m) < l3 + total || rte_raw_cksum(ip, ihl) != 0xffff) {
		port_drop(port, m, PORT_RX_MALFORMED);
		return;
	}
	icmp = (struct rte_icmp_hdr *)((uint8_t *)ip + ihl);
	if (rte_raw_cksum(icmp, total - ihl) != 0xffff) {
		port_drop(port, m, PORT_RX_MALFORMED);
		return;
	}
	roce_ipv4_to_mapped(dst, ip->dst_addr);
	if (icmp->icmp_type != RTE_IP_ICMP_ECHO_REQUEST || icmp->icmp_code != 0 ||
	    (rte_be_to_cpu_16(ip->fragment_offset) & RTE_IPV4_HDR_OFFSET_MASK) != 0) {
		port_drop(port, m, PORT_RX_OTHER);
		return;
	}
	if (!port_addr_is_mine(port, dst)) {
		port_drop(port, m, PORT_RX_NOT_MINE);
		return;
	}
	port_count(port, PORT_ICMP_ECHO_RX);
	/* Reply in place: swap addresses, drop Ethernet padding, fix both checksums. */
	rte_pktmbuf_trim(m, rte_pktmbuf_pkt_len(m) - l3 - total);
	addr = ip->src_addr;
	ip->src_addr = ip->dst_addr;
	ip->dst_addr = addr;
	ip->time_to_live = ECHO_TTL;
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	icmp->icmp_type = RTE_IP_ICMP_ECHO_REPLY;
	icmp->icmp_cksum = 0;
	icmp->icmp_cksum = ~rte_raw_cksum(icmp, total - ihl);
	port_reply(port, m, PORT_ICMP_ECHO_TX);
}
