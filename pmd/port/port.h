/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PORT_H
#define PORT_H

/*
 * The port unit's interface inside the datapath: what the engine and the tests use beyond
 * the part of the contract lib sees (pmd_api.h: attach, addresses, neighbours, counters,
 * poll). Threading as there: the polling thread unless a function says otherwise.
 */

#include <stdbool.h>
#include <stdint.h>

#include "pmd_api.h"

struct rte_mbuf;
struct rte_mempool;
struct rte_tel_data;

/*
 * Called for every RoCEv2 frame that parsed and passed its ICRC. The handler owns m.
 * Runs on the polling thread.
 */
typedef void (*port_roce_rx_cb)(void *arg, struct rte_mbuf *m, const struct roce_pkt *p);

/* The ethdev's name ("net_memif0"). Any thread. */
const char *port_ethdev_name(const struct port *port);
/*
 * True when each transmit burst enters the kernel (net_af_xdp's and net_af_packet's
 * sendto(), net_tap's writes): senders then gather more packets into one burst.
 */
bool port_tx_syscall(const struct port *port);
/* Path MTU for an IP MTU, exposed for tests: mtu - 80 header bytes, rounded down. */
uint32_t port_path_mtu_from_mtu(uint32_t mtu);
/*
 * GID table entry i (0..PORT_MAX_ADDRS-1, the index add returned): 0, or -ENOENT
 * when unused. Any thread: an entry changing meanwhile may read half old, half new.
 */
int port_gid(const struct port *port, unsigned int i, uint8_t addr[16],
		 uint8_t *prefix_len);
void port_set_roce_rx(struct port *port, port_roce_rx_cb cb, void *arg);

/* Transmit on queue 0; frames the device refuses are freed and counted. Returns sent. */
uint16_t port_tx(struct port *port, struct rte_mbuf **pkts, uint16_t n);
/*
 * Transmit on queue q for an engine slot (each slot has its own queue). Does not touch
 * the port's counters (the slot counts); returns how many the device took, the caller
 * frees the rest.
 */
uint16_t port_tx_queue(struct port *port, uint16_t q, struct rte_mbuf **pkts,
			   uint16_t n);
/* The port's mbuf pool, for engines building packets. */
struct rte_mempool *port_pool(struct port *port);
uint16_t port_nb_txq(const struct port *port);

/*
 * Telemetry (port_tel.c): /droce/ports and /droce/port. attach adds the port, detach
 * removes it (returning once no request reads it); an engine names itself as the port's
 * user with set_owner (NULL when it goes). Control thread.
 */
#define PORT_TEL_OWNER_LEN	32
void port_tel_add(struct port *port);
void port_tel_del(struct port *port);
void port_tel_set_owner(struct port *port, const char *name);
/*
 * Answer helpers for droce's telemetry endpoints (the engine's use them too): an
 * {"error": why} dict (returns 0, what an endpoint returns), counters as u64 entries of
 * a dict, a MAC and an address (IPv4-mapped shown as IPv4) as strings, and a decimal
 * parameter that is all of s and at most max (0, or -EINVAL).
 */
int port_tel_error(struct rte_tel_data *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void port_tel_xstats(struct rte_tel_data *d, const struct pmd_xstat *xs, int n);
void port_tel_mac(struct rte_tel_data *d, const char *name, const uint8_t m[6]);
void port_tel_addr(struct rte_tel_data *d, const char *name, const uint8_t a[16]);
int port_tel_uint(const char *s, unsigned long max, unsigned long *out);

#endif /* PORT_H */
