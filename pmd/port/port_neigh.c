/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Neighbour table: IP (IPv4-mapped or IPv6) to MAC, with resolution by ARP or ND.
 * Owned by the port's polling thread, which sends the requests; a spinlock lets other
 * threads look entries up and ask for a resolution (port_neigh_resolve_mt()) meanwhile.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_hash.h>
#include <rte_jhash.h>
#include <rte_malloc.h>
#include <rte_spinlock.h>

#include "port_pvt.h"

#define NEIGH_MAX	1024
#define SCAN_US		1000	/* how often pending resolutions are looked at */

enum neigh_state {
	NEIGH_INCOMPLETE,
	NEIGH_REACHABLE,
	NEIGH_FAILED,
};

static const char *const neigh_state_names[] = {
	[NEIGH_INCOMPLETE] = "incomplete",
	[NEIGH_REACHABLE] = "reachable",
	[NEIGH_FAILED] = "failed",
};

struct neigh_entry {
	uint8_t addr[16];
	struct rte_ether_addr mac;
	enum neigh_state state;
	uint8_t tries;
	uint64_t deadline;		/* next request, or end of the failure hold */
};

/* Hash keys must be 4-byte aligned for rte_jhash(); packet fields are not. */
union neigh_key {
	uint8_t b[16];
	uint32_t w[4];
};

static const void *
make_key(union neigh_key *k, const uint8_t addr[16])
{
	memcpy(k->b, addr, sizeof(k->b));
	return k;
}

struct neigh_table {
	rte_spinlock_t lock;		/* every access; held briefly, never while blocking */
	struct rte_hash *h;
	uint32_t pending;		/* entries in NEIGH_INCOMPLETE */
	uint64_t next_scan;
	struct neigh_entry e[NEIGH_MAX];
};

struct neigh_table *
neigh_create(const char *name, int socket_id)
{
	struct rte_hash_parameters hp = {
		.name = name,
		.entries = NEIGH_MAX,
		.key_len = 16,
		.hash_func = rte_jhash,
		.socket_id = socket_id < 0 ? SOCKET_ID_ANY : socket_id,
	};
	struct neigh_table *nt = rte_zmalloc("droce_neigh", sizeof(*nt), 0);

	if (nt == NULL)
		return NULL;
	rte_spinlock_init(&nt->lock);
	nt->h = rte_hash_create(&hp);
	if (nt->h == NULL) {
		rte_free(nt);
		return NULL;
	}
	return nt;
}

void
neigh_free(struct neigh_table *nt)
{
	if (nt == NULL)
		return;
	rte_hash_free(nt->h);
	rte_free(nt);
}

static uint64_t
ms_to_cycles(uint32_t ms)
{
	return rte_get_timer_hz() / 1000 * ms;
}

static int
solicit(struct port *port, const uint8_t addr[16])
{
	return roce_addr_is_v4mapped(addr) ? port_arp_request(port, addr) :
					     port_nd_solicit(port, addr);
}

static void
fmt_addr(const uint8_t addr[16], char *buf, size_t len)
{
	if (roce_addr_is_v4mapped(addr))
		inet_ntop(AF_INET, addr + 12, buf, len);
	else
		inet_ntop(AF_INET6, addr, buf, len);
}

/* Another thread asks: the polling thread sends the first request on its next scan. */
static int
defer_resolve(struct port *port, struct neigh_entry *e)
{
	if (e->state != NEIGH_INCOMPLETE)
		port->neigh->pending++;
	e->state = NEIGH_INCOMPLETE;
	e->tries = 0;
	e->deadline = 0;
	port->neigh->next_scan = 0;
	return -EAGAIN;
}

static int
start_resolve(struct port *port, struct neigh_entry *e)
{
	int ret = solicit(port, e->addr);

	if (ret != 0)
		return ret;
	if (e->state != NEIGH_INCOMPLETE)
		port->neigh->pending++;
	e->state = NEIGH_INCOMPLETE;
	e->tries = 1;
	e->deadline = rte_get_timer_cycles() + ms_to_cycles(port->neigh_retry_ms);
	return -EAGAIN;
}

static int
resolve(struct port *port, const uint8_t addr[16], uint8_t mac[6], bool send_now)
{
	struct neigh_table *nt = port->neigh;
	struct neigh_entry *e;
	union neigh_key key;
	int pos;

	if (addr[0] == 0xff || (roce_addr_is_v4mapped(addr) && addr[12] >= 0xe0))
		return -EINVAL;
	if (port_src_addr(port, addr) == NULL)
		return -ENETUNREACH;
	pos = rte_hash_lookup(nt->h, make_key(&key, addr));
	if (pos < 0) {
		pos = rte_hash_add_key(nt->h, &key);
		if (pos < 0)
			return pos == -ENOSPC ? -ENOSPC : -EINVAL;
		e = &nt->e[pos];
		memcpy(e->addr, addr, 16);
		e->state = NEIGH_FAILED;	/* start_resolve() moves it to incomplete */
		return send_now ? start_resolve(port, e) : defer_resolve(port, e);
	}
	e = &nt->e[pos];
	switch (e->state) {
	case NEIGH_REACHABLE:
		memcpy(mac, e->mac.addr_bytes, RTE_ETHER_ADDR_LEN);
		return 0;
	case NEIGH_FAILED:
		if (rte_get_timer_cycles() < e->deadline)
			return -EHOSTUNREACH;
		return send_now ? start_resolve(port, e) : defer_resolve(port, e);
	default:
		return -EAGAIN;
	}
}

int
port_neigh_resolve(struct port *port, const uint8_t addr[16], uint8_t mac[6])
{
	int ret;

	rte_spinlock_lock(&port->neigh->lock);
	ret = resolve(port, addr, mac, true);
	rte_spinlock_unlock(&port->neigh->lock);
	return ret;
}

int
port_neigh_resolve_mt(struct port *port, const uint8_t addr[16], uint8_t mac[6])
{
	int ret;

	rte_spinlock_lock(&port->neigh->lock);
	ret = resolve(port, addr, mac, false);
	rte_spinlock_unlock(&port->neigh->lock);
	return ret;
}

void
neigh_update(struct port *port, const uint8_t addr[16], const struct rte_ether_addr *mac,
	     bool create)
{
	struct neigh_table *nt = port->neigh;
	union neigh_key key;
	struct neigh_entry *e;
	int pos;

	rte_spinlock_lock(&nt->lock);
	pos = rte_hash_lookup(nt->h, make_key(&key, addr));
	if (pos < 0) {
		if (!create || (pos = rte_hash_add_key(nt->h, &key)) < 0) {
			rte_spinlock_unlock(&nt->lock);
			return;
		}
		e = &nt->e[pos];
		memcpy(e->addr, addr, 16);
	} else {
		e = &nt->e[pos];
		if (e->state == NEIGH_INCOMPLETE) {
			nt->pending--;
			port_count(port, PORT_NEIGH_RESOLVED);
		}
	}
	e->mac = *mac;
	e->state = NEIGH_REACHABLE;
	rte_spinlock_unlock(&nt->lock);
}

static void
expire(struct port *port, struct neigh_entry *e, uint64_t now)
{
	char buf[INET6_ADDRSTRLEN];

	if (e->tries < port->neigh_tries && solicit(port, e->addr) == 0) {
		e->tries++;
		e->deadline = now + ms_to_cycles(port->neigh_retry_ms);
		return;
	}
	/* Failed: answer -EHOSTUNREACH for one retry interval, then try afresh. */
	fmt_addr(e->addr, buf, sizeof(buf));
	PORT_LOG(WARNING, "%s: no %s reply from %s after %u tries", port->devname,
		 roce_addr_is_v4mapped(e->addr) ? "ARP" : "neighbour advertisement", buf,
		 e->tries);
	e->state = NEIGH_FAILED;
	e->deadline = now + ms_to_cycles(port->neigh_retry_ms);
	port->neigh->pending--;
	port_count(port, PORT_NEIGH_FAILED);
}

void
neigh_timers(struct port *port)
{
	struct neigh_table *nt = port->neigh;
	const void *key;
	void *data;
	uint32_t iter = 0;
	uint64_t now;
	int pos;

	if (__atomic_load_n(&nt->pending, __ATOMIC_RELAXED) == 0)
		return;
	now = rte_get_timer_cycles();
	rte_spinlock_lock(&nt->lock);
	if (now >= nt->next_scan) {
		nt->next_scan = now + rte_get_timer_hz() / 1000000 * SCAN_US;
		while ((pos = rte_hash_iterate(nt->h, &key, &data, &iter)) >= 0) {
			struct neigh_entry *e = &nt->e[pos];

			if (e->state == NEIGH_INCOMPLETE && now >= e->deadline)
				expire(port, e, now);
		}
	}
	rte_spinlock_unlock(&nt->lock);
}

void
port_neigh_dump(const struct port *port, FILE *f)
{
	const struct neigh_table *nt = port->neigh;
	char buf[INET6_ADDRSTRLEN];
	const void *key;
	void *data;
	uint32_t iter = 0;
	int pos;

	while ((pos = rte_hash_iterate(nt->h, &key, &data, &iter)) >= 0) {
		const struct neigh_entry *e = &nt->e[pos];

		fmt_addr(e->addr, buf, sizeof(buf));
		fprintf(f, "    %-40s %02x:%02x:%02x:%02x:%02x:%02x %s\n", buf,
			e->mac.addr_bytes[0], e->mac.addr_bytes[1], e->mac.addr_bytes[2],
			e->mac.addr_bytes[3], e->mac.addr_bytes[4], e->mac.addr_bytes[5],
			neigh_state_names[e->state]);
	}
}
