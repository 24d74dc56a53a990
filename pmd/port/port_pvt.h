/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PORT_PVT_H
#define PORT_PVT_H

/* Port internals shared by port.c, port_arp.c, port_icmp.c, port_nd.c and neigh.c. */

#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_log.h>
#include <rte_mbuf.h>

#include "port.h"
#include "roce_icrc.h"
#include "roce_pkt.h"

extern int port_logtype;
#define PORT_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, port_logtype, "droce.port: " fmt "\n", ##__VA_ARGS__)

#define PORT_BURST	32

/* Counters: one enum, one name table (port.c), incremented only by the polling thread. */
enum port_ctr {
	PORT_RX_PKTS,
	PORT_RX_BYTES,
	PORT_TX_PKTS,
	PORT_TX_BYTES,
	PORT_TX_DROPS,
	PORT_RX_NOT_MINE,	/* unicast to another MAC */
	PORT_RX_OTHER,		/* not ARP/ND/ICMP echo/RoCEv2: counted and dropped */
	PORT_RX_MALFORMED,	/* ARP/ICMP/ND frames that fail their checks */
	PORT_ARP_REQ_RX,
	PORT_ARP_REP_RX,
	PORT_ARP_REQ_TX,
	PORT_ARP_REP_TX,
	PORT_ND_NS_RX,
	PORT_ND_NA_RX,
	PORT_ND_NS_TX,
	PORT_ND_NA_TX,
	PORT_ICMP_ECHO_RX,
	PORT_ICMP_ECHO_TX,
	PORT_ICMP6_ECHO_RX,
	PORT_ICMP6_ECHO_TX,
	PORT_NEIGH_RESOLVED,
	PORT_NEIGH_FAILED,
	PORT_NO_MBUF,
	PORT_MEMIF_PAGES_FAULTED,	/* memif shared memory faulted in at link up */
	PORT_CTR_MAX
};

extern const char *const port_ctr_names[PORT_CTR_MAX];

struct port_addr {
	uint8_t addr[16];
	uint8_t prefix_len;
	bool used;
};

struct neigh_table;

struct port {
	uint16_t port_id;
	bool hotplugged;		/* probed by attach: removed again by detach */
	bool started;
	char devname[RTE_ETH_NAME_MAX_LEN];
	uint16_t nb_rxq;
	uint16_t nb_txq;
	uint16_t mtu;
	uint32_t path_mtu;
	struct rte_ether_addr mac;
	struct rte_mempool *pool;
	struct port_addr addrs[PORT_MAX_ADDRS];
	struct neigh_table *neigh;
	uint8_t neigh_tries;
	uint16_t neigh_retry_ms;
	port_roce_rx_cb roce_cb;
	void *roce_arg;
	struct roce_parse_ctx parse_ctx;
	struct roce_icrc_cache icrc_cache;	/* the poller's, for parse_ctx */
	struct roce_rx_stats roce_stats;
	uint64_t ctr[PORT_CTR_MAX];
	bool tx_syscall;		/* each transmit burst is a system call */
	bool memif;			/* a net_memif device (port_memif.c) */
	bool memif_faulted;		/* its shared memory faulted in since link up */
	uint16_t memif_polls;
};

static inline void
port_count(struct port *port, enum port_ctr c)
{
	port->ctr[c]++;
}

/* net_memif (port_memif.c). */
bool port_is_memif(uint16_t port_id);
/* From the poll loop: fault memif's shared memory in when the link comes up. */
void port_memif_watch(struct port *port);
/* At detach: take the link down in turn with the peer (see port_memif.c). */
void port_memif_take_turn(const struct port *port);

/* Addresses. */
bool port_addr_is_mine(const struct port *port, const uint8_t addr[16]);
/* Our address to use as source towards dst: same prefix first, then any of its family. */
const uint8_t *port_src_addr(const struct port *port, const uint8_t dst[16]);

static inline void
port_drop(struct port *port, struct rte_mbuf *m, enum port_ctr why)
{
	port_count(port, why);
	rte_pktmbuf_free(m);
}

/* Send m back where it came from: Ethernet source becomes destination; count ctr. */
void port_reply(struct port *port, struct rte_mbuf *m, enum port_ctr ctr);
/* Allocate a frame with room for len bytes; counts PORT_NO_MBUF on failure. */
struct rte_mbuf *port_alloc(struct port *port, uint16_t len);
/* Send one control frame (ARP, ND, ICMP) on queue 0. */
void port_tx_one(struct port *port, struct rte_mbuf *m);

/* RoCE frames nobody asked for are freed. */
void port_default_roce_rx(void *arg, struct rte_mbuf *m, const struct roce_pkt *p);
/* Protocol handlers; each consumes m. l3 is the offset of the ARP/IP header. */
void port_arp_input(struct port *port, struct rte_mbuf *m, uint16_t l3);
int port_arp_request(struct port *port, const uint8_t target[16]);
void port_icmp_input(struct port *port, struct rte_mbuf *m, uint16_t l3);
void port_icmp6_input(struct port *port, struct rte_mbuf *m, uint16_t l3);
int port_nd_solicit(struct port *port, const uint8_t target[16]);

/* Neighbour table (neigh.c). */
struct neigh_table *neigh_create(const char *name, int socket_id);
void neigh_free(struct neigh_table *nt);
/* Learn or update a neighbour; solicited = answers our request. */
void neigh_update(struct port *port, const uint8_t addr[16],
		  const struct rte_ether_addr *mac, bool create);
/* Retransmit or fail pending resolutions whose timer expired. */
void neigh_timers(struct port *port);

#endif /* PORT_PVT_H */
