/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ports' rte_telemetry endpoints, and the helpers the engine's endpoints (eng_tel.c)
 * answer with too. Read them with dpdk-telemetry.py or droce-info --telemetry on the
 * process's socket, <runtime dir>/dpdk_telemetry.v2 (see eng_tel.c for the runtime dir).
 *
 *   /droce/ports                   ids of the attached ports
 *   /droce/port,<id>               name, MAC, MTU, path MTU, link, engine, GID table
 *                                  (gid<index>: "addr/prefix"), the port's counters
 *
 * Counters are u64 values named as port_xstats() names them. A bad or unknown
 * parameter answers {"error": "<why>"} (a dict, so the reason reaches the user; DPDK's
 * own endpoints answer null).
 *
 * Safety: requests run on telemetry's threads (one per client) and take one lock, which
 * attach, detach and the engine naming its port take too (control path only).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_telemetry.h>

#include "port_pvt.h"
#include "roce_pkt.h"

#define TEL_XSTATS	256

static pthread_mutex_t tel_lock = PTHREAD_MUTEX_INITIALIZER;
static struct port *ports[RTE_MAX_ETHPORTS];
static char owners[RTE_MAX_ETHPORTS][PORT_TEL_OWNER_LEN];

int
port_tel_error(struct rte_tel_data *d, const char *fmt, ...)
{
	char msg[RTE_TEL_MAX_STRING_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "error", msg);
	return 0;
}

void
port_tel_xstats(struct rte_tel_data *d, const struct pmd_xstat *xs, int n)
{
	int i;

	for (i = 0; i < n && i < TEL_XSTATS; i++)
		rte_tel_data_add_dict_u64(d, xs[i].name, xs[i].value);
}

void
port_tel_mac(struct rte_tel_data *d, const char *name, const uint8_t m[6])
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%02x:%02x:%02x:%02x:%02x:%02x",
		 m[0], m[1], m[2], m[3], m[4], m[5]);
	rte_tel_data_add_dict_string(d, name, buf);
}

/* IPv4-mapped addresses as IPv4, as droce_addr_format() shows them. */
static void
addr_format(const uint8_t a[16], char *buf, size_t len)
{
	if (roce_addr_is_v4mapped(a))
		inet_ntop(AF_INET, a + 12, buf, len);
	else
		inet_ntop(AF_INET6, a, buf, len);
}

void
port_tel_addr(struct rte_tel_data *d, const char *name, const uint8_t a[16])
{
	char buf[INET6_ADDRSTRLEN];

	addr_format(a, buf, sizeof(buf));
	rte_tel_data_add_dict_string(d, name, buf);
}

int
port_tel_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end;

	if (s == NULL || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	*out = strtoul(s, &end, 10);
	return *end != '\0' || errno != 0 || *out > max ? -EINVAL : 0;
}

static int
tel_ports(const char *cmd, const char *params, struct rte_tel_data *d)
{
	unsigned int i;

	RTE_SET_USED(cmd);
	RTE_SET_USED(params);
	rte_tel_data_start_array(d, RTE_TEL_INT_VAL);
	pthread_mutex_lock(&tel_lock);
	for (i = 0; i < RTE_MAX_ETHPORTS; i++)
		if (ports[i] != NULL)
			rte_tel_data_add_array_int(d, i);
	pthread_mutex_unlock(&tel_lock);
	return 0;
}

static void
port_gids(struct rte_tel_data *d, const struct port *port)
{
	char name[16], a[INET6_ADDRSTRLEN], buf[INET6_ADDRSTRLEN + 8];
	uint8_t addr[16], plen;
	unsigned int i, n = 0;

	/* Keyed by table index, which a deleted entry leaves unused. */
	for (i = 0; i < PORT_MAX_ADDRS; i++) {
		if (port_gid(port, i, addr, &plen) != 0)
			continue;
		addr_format(addr, a, sizeof(a));
		snprintf(name, sizeof(name), "gid%u", i);
		snprintf(buf, sizeof(buf), "%s/%u", a, plen);
		rte_tel_data_add_dict_string(d, name, buf);
		n++;
	}
	rte_tel_data_add_dict_int(d, "gid_count", n);
}

/* Under tel_lock. */
static void
port_info(struct rte_tel_data *d, const struct port *port)
{
	static struct pmd_xstat xs[TEL_XSTATS];	/* under tel_lock */
	struct rte_eth_link link = { 0 };
	uint16_t id = port_ethdev_id(port);
	uint8_t mac[6];

	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_int(d, "port_id", id);
	rte_tel_data_add_dict_string(d, "name", port_ethdev_name(port));
	port_mac(port, mac);
	port_tel_mac(d, "mac", mac);
	rte_tel_data_add_dict_int(d, "mtu", port_mtu(port));
	rte_tel_data_add_dict_int(d, "path_mtu", port_path_mtu(port));
	rte_eth_link_get_nowait(id, &link);
	rte_tel_data_add_dict_string(d, "link", link.link_status ? "up" : "down");
	rte_tel_data_add_dict_u64(d, "link_speed_mbps", link.link_speed);
	if (owners[id][0] != '\0')
		rte_tel_data_add_dict_string(d, "engine", owners[id]);
	port_gids(d, port);
	port_tel_xstats(d, xs, port_xstats(port, xs, TEL_XSTATS));
}

static int
tel_port(const char *cmd, const char *params, struct rte_tel_data *d)
{
	unsigned long id;

	RTE_SET_USED(cmd);
	if (params == NULL)
		return port_tel_error(d, "usage: /droce/port,<port id>");
	if (port_tel_uint(params, RTE_MAX_ETHPORTS - 1, &id) != 0)
		return port_tel_error(d, "bad port id %s", params);
	pthread_mutex_lock(&tel_lock);
	if (ports[id] == NULL)
		port_tel_error(d, "no droce port %lu", id);
	else
		port_info(d, ports[id]);
	pthread_mutex_unlock(&tel_lock);
	return 0;
}

/* At load time, as DPDK's libraries register theirs: a process with no engine yet answers. */
RTE_INIT(register_cmds)
{
	if (rte_telemetry_register_cmd("/droce/ports", tel_ports,
				       "droce port ids. No parameters") != 0 ||
	    rte_telemetry_register_cmd("/droce/port", tel_port,
				       "A droce port. Parameters: int port_id") != 0)
		PORT_LOG(WARNING, "telemetry: cannot register the /droce/port endpoints");
}

void
port_tel_add(struct port *port)
{
	pthread_mutex_lock(&tel_lock);
	ports[port_ethdev_id(port)] = port;
	owners[port_ethdev_id(port)][0] = '\0';
	pthread_mutex_unlock(&tel_lock);
}

void
port_tel_del(struct port *port)
{
	pthread_mutex_lock(&tel_lock);
	if (ports[port_ethdev_id(port)] == port)
		ports[port_ethdev_id(port)] = NULL;
	pthread_mutex_unlock(&tel_lock);
}

void
port_tel_set_owner(struct port *port, const char *name)
{
	pthread_mutex_lock(&tel_lock);
	snprintf(owners[port_ethdev_id(port)], PORT_TEL_OWNER_LEN, "%s", name != NULL ? name : "");
	pthread_mutex_unlock(&tel_lock);
}
