/* SPDX-License-Identifier: BSD-3-Clause */
/* Port identity: GID table (IPv4-mapped and IPv6 addresses), MTUs, counters. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "port_pvt.h"

static bool
is_unspecified_or_mcast(const uint8_t a[16])
{
	static const uint8_t zero[16];

	if (roce_addr_is_v4mapped(a))
		return (a[12] & 0xf0) == 0xe0 || memcmp(a + 12, zero, 4) == 0 || a[12] == 0xff;
	return a[0] == 0xff || memcmp(a, zero, 16) == 0;
}

/* Do a and b share their first bits bits? */
static bool
prefix_match(const uint8_t *a, const uint8_t *b, unsigned int bits)
{
	unsigned int full = bits / 8, rest = bits % 8;
	uint8_t mask = (uint8_t)(0xff00 >> rest);

	if (memcmp(a, b, full) != 0)
		return false;
	return rest == 0 || ((a[full] ^ b[full]) & mask) == 0;
}

static int
find_addr(const struct port *port, const uint8_t addr[16])
{
	int i;

	for (i = 0; i < PORT_MAX_ADDRS; i++)
		if (port->addrs[i].used && memcmp(port->addrs[i].addr, addr, 16) == 0)
			return i;
	return -ENOENT;
}

int
port_addr_add(struct port *port, const uint8_t addr[16], uint8_t prefix_len)
{
	bool v4 = roce_addr_is_v4mapped(addr);
	int i;

	if (is_unspecified_or_mcast(addr) || prefix_len > (v4 ? 32 : 128) || prefix_len == 0)
		return -EINVAL;
	if (find_addr(port, addr) >= 0)
		return -EEXIST;
	for (i = 0; i < PORT_MAX_ADDRS; i++) {
		if (!port->addrs[i].used) {
			memcpy(port->addrs[i].addr, addr, 16);
			port->addrs[i].prefix_len = prefix_len;
			port->addrs[i].used = true;
			return i;
		}
	}
	return -ENOSPC;
}

int
port_addr_del(struct port *port, const uint8_t addr[16])
{
	int i = find_addr(port, addr);

	if (i < 0)
		return i;
	port->addrs[i].used = false;
	return 0;
}

int
port_addrs(const struct port *port, uint8_t (*addrs)[16], uint8_t *prefix_lens,
	       unsigned int n)
{
	unsigned int count = 0;
	int i;

	for (i = 0; i < PORT_MAX_ADDRS; i++) {
		if (!port->addrs[i].used)
			continue;
		if (count < n) {
			memcpy(addrs[count], port->addrs[i].addr, 16);
			prefix_lens[count] = port->addrs[i].prefix_len;
		}
		count++;
	}
	return count;
}

int
port_gid(const struct port *port, unsigned int i, uint8_t addr[16],
	     uint8_t *prefix_len)
{
	if (i >= PORT_MAX_ADDRS || !port->addrs[i].used)
		return -ENOENT;
	memcpy(addr, port->addrs[i].addr, 16);
	*prefix_len = port->addrs[i].prefix_len;
	return 0;
}

bool
port_addr_is_mine(const struct port *port, const uint8_t addr[16])
{
	return find_addr(port, addr) >= 0;
}

const uint8_t *
port_src_addr(const struct port *port, const uint8_t dst[16])
{
	bool v4 = roce_addr_is_v4mapped(dst);
	const uint8_t *any = NULL;
	int i;

	for (i = 0; i < PORT_MAX_ADDRS; i++) {
		const struct port_addr *a = &port->addrs[i];

		if (!a->used || roce_addr_is_v4mapped(a->addr) != v4)
			continue;
		if (v4 ? prefix_match(a->addr + 12, dst + 12, a->prefix_len) :
			 prefix_match(a->addr, dst, a->prefix_len))
			return a->addr;
		if (any == NULL)
			any = a->addr;
	}
	return any;
}

uint16_t
port_ethdev_id(const struct port *port)
{
	return port->port_id;
}

const char *
port_ethdev_name(const struct port *port)
{
	return port->devname;
}

void
port_mac(const struct port *port, uint8_t mac[6])
{
	memcpy(mac, port->mac.addr_bytes, RTE_ETHER_ADDR_LEN);
}

uint16_t
port_mtu(const struct port *port)
{
	return port->mtu;
}

uint32_t
port_path_mtu(const struct port *port)
{
	return port->path_mtu;
}

bool
port_tx_syscall(const struct port *port)
{
	return port->tx_syscall;
}

int
port_xstats(const struct port *port, struct pmd_xstat *xs, unsigned int n)
{
	struct rte_eth_stats es;
	unsigned int count = 0;
	int i;

#define PUT(fmt, arg, val) do { \
		if (count < n) { \
			snprintf(xs[count].name, sizeof(xs[count].name), fmt, arg); \
			xs[count].value = (val); \
		} \
		count++; \
	} while (0)
	for (i = 0; i < PORT_CTR_MAX; i++)
		PUT("%s", port_ctr_names[i], port->ctr[i]);
	PUT("roce_rx_%s", "ok", port->roce_stats.ok);
	for (i = 0; i < ROCE_DROP_MAX; i++)
		PUT("roce_drop_%s", roce_drop_names[i], port->roce_stats.drop[i]);
	PUT("roce_%s", "icrc_cache_misses", port->icrc_cache.misses);
	/* What the device itself lost, before droce saw it. */
	if (rte_eth_stats_get(port->port_id, &es) != 0)
		memset(&es, 0, sizeof(es));
	PUT("dev_%s", "rx_missed", es.imissed);
	PUT("dev_%s", "rx_errors", es.ierrors);
	PUT("dev_%s", "rx_nombuf", es.rx_nombuf);
	PUT("dev_%s", "tx_errors", es.oerrors);
#undef PUT
	return count;
}
