/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef ENG_API_H
#define ENG_API_H

/*
 * The contract between lib/ (the public API) and the engine. lib/ includes this header and
 * nothing else from pmd/. Return values follow the project rule: >= 0 success (a count where
 * useful), negative errno on failure.
 *
 * Threading: a port is owned by the one thread that polls it (eng_port_poll()); every
 * function taking a port is called from that thread unless it says otherwise.
 */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct rte_mbuf;
struct rte_mempool;
struct roce_pkt;
struct eng_port;

#define ENG_PORT_MAX_ADDRS	16	/* GID table size */
#define ENG_XSTAT_NAME_LEN	64

struct eng_port_conf {
	uint16_t nb_rxq;		/* 0 = 1 */
	uint16_t nb_txq;		/* 0 = 1 */
	uint16_t nb_rxd;		/* 0 = 1024, clamped to the device's limits */
	uint16_t nb_txd;		/* 0 = 1024, clamped to the device's limits */
	uint32_t nb_mbufs;		/* 0 = 8192 */
	uint16_t mtu;			/* IP MTU; 0 = 1500 or the device maximum if lower */
	bool set_mac;			/* use mac[] instead of the device's address */
	uint8_t mac[6];
	uint8_t neigh_tries;		/* ARP/NS requests before giving up; 0 = 3 */
	uint16_t neigh_retry_ms;	/* between requests, and failure hold; 0 = 1000 */
};

struct eng_xstat {
	char name[ENG_XSTAT_NAME_LEN];
	uint64_t value;
};

/*
 * Called for every RoCEv2 frame that parsed and passed its ICRC. The handler owns m.
 * Runs on the polling thread.
 */
typedef void (*eng_roce_rx_cb)(void *arg, struct rte_mbuf *m, const struct roce_pkt *p);

/*
 * Attach a DPDK ethdev. devargs names a device already probed (e.g. a --vdev given to the
 * EAL, a net_ring made with rte_eth_from_rings) or one to hot-plug ("net_memif0,role=...",
 * "net_af_packet0,iface=veth0", a PCI address). Configures queues and an mbuf pool, starts
 * the device. Returns 0 and *out, or -ENODEV (no such device), -EBUSY (already attached),
 * -EINVAL (bad conf), -ENOMEM, or the ethdev's error.
 */
int eng_port_attach(const char *devargs, const struct eng_port_conf *conf,
		    struct eng_port **out);
/*
 * devargs as attach probes them: net_af_xdp gets busy_budget=0 unless they name one (see
 * port.c). Writes out (len bytes); -ENAMETOOLONG if they do not fit.
 */
#define ENG_DEVARGS_MAX	1100
int eng_port_devargs(const char *devargs, char *out, size_t len);
int eng_port_attach_id(uint16_t port_id, const struct eng_port_conf *conf,
		       struct eng_port **out);
/* Stop the device and free everything; hot-plugged devices are removed again. */
void eng_port_detach(struct eng_port *port);

uint16_t eng_port_id(const struct eng_port *port);
/* The ethdev's name ("net_memif0"). Any thread. */
const char *eng_port_name(const struct eng_port *port);
void eng_port_mac(const struct eng_port *port, uint8_t mac[6]);
uint16_t eng_port_mtu(const struct eng_port *port);
/* The RoCE path MTU in bytes: 256..4096, derived from the port MTU as Linux rxe does. */
uint32_t eng_port_path_mtu(const struct eng_port *port);
/*
 * True when each transmit burst enters the kernel (net_af_xdp's and net_af_packet's
 * sendto(), net_tap's writes): senders then gather more packets into one burst.
 */
bool eng_port_tx_syscall(const struct eng_port *port);
/* Path MTU for an IP MTU, exposed for tests: mtu - 80 header bytes, rounded down. */
uint32_t eng_path_mtu_from_mtu(uint32_t mtu);

/*
 * GID table. addr is 16 bytes (IPv4 as ::ffff:a.b.c.d). Index 0 holds the IPv6 link-local
 * address made from the MAC (as Linux does). add returns the new index, -EEXIST, -ENOSPC
 * or -EINVAL (prefix too long, unspecified or multicast address).
 */
int eng_port_addr_add(struct eng_port *port, const uint8_t addr[16], uint8_t prefix_len);
int eng_port_addr_del(struct eng_port *port, const uint8_t addr[16]);
/*
 * GID table entry i (0..ENG_PORT_MAX_ADDRS-1, the index add returned): 0, or -ENOENT
 * when unused. Any thread: an entry changing meanwhile may read half old, half new.
 */
int eng_port_gid(const struct eng_port *port, unsigned int i, uint8_t addr[16],
		 uint8_t *prefix_len);
/* The used entries in table order (their indexes are lost); fills up to n of them. */
int eng_port_addrs(const struct eng_port *port, uint8_t (*addrs)[16], uint8_t *prefix_lens,
		   unsigned int n);

void eng_port_set_roce_rx(struct eng_port *port, eng_roce_rx_cb cb, void *arg);

/*
 * One poll iteration: receive a burst on every queue, answer ARP/ND/ICMP echo, hand RoCEv2
 * frames to the RoCE handler, count and drop the rest, run neighbour timers.
 * Returns the number of frames handled (0 = idle).
 */
int eng_port_poll(struct eng_port *port);

/* Transmit on queue 0; frames the device refuses are freed and counted. Returns sent. */
uint16_t eng_port_tx(struct eng_port *port, struct rte_mbuf **pkts, uint16_t n);
/*
 * Transmit on queue q for an engine slot (each slot has its own queue). Does not touch
 * the port's counters (the slot counts); returns how many the device took, the caller
 * frees the rest.
 */
uint16_t eng_port_tx_queue(struct eng_port *port, uint16_t q, struct rte_mbuf **pkts,
			   uint16_t n);
/* The port's mbuf pool, for engines building packets. */
struct rte_mempool *eng_port_pool(struct eng_port *port);
uint16_t eng_port_nb_txq(const struct eng_port *port);

/*
 * Resolve a neighbour's MAC (ARP for IPv4-mapped addresses, ND for IPv6). Returns 0 and
 * mac; -EAGAIN while a resolution is in flight (it was started if needed); -EHOSTUNREACH
 * when the peer did not answer any of the tries (kept for a hold time, then retried);
 * -ENETUNREACH when the port has no address of that family; -ENOSPC when the table is
 * full; -EINVAL for an unspecified or multicast address.
 */
int eng_neigh_resolve(struct eng_port *port, const uint8_t addr[16], uint8_t mac[6]);
/*
 * The same from any thread (a control thread): the polling thread sends the requests on
 * its next timer scan. Never blocks for longer than a table lookup.
 */
int eng_neigh_resolve_mt(struct eng_port *port, const uint8_t addr[16], uint8_t mac[6]);

/* Print the neighbour table (address, MAC, state), one entry a line. */
void eng_neigh_dump(const struct eng_port *port, FILE *f);

/*
 * Counters as name/value pairs: the port's own, one per RoCE drop reason (roce_drop_*),
 * and the device's losses (dev_*). Returns the number of counters; fills up to n.
 */
int eng_port_xstats(const struct eng_port *port, struct eng_xstat *xs, unsigned int n);

#endif /* ENG_API_H */
