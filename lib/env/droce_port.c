/* SPDX-License-Identifier: BSD-3-Clause */
/* Public port API: argument checks at the boundary, then the engine's port layer. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_pause.h>

#include "droce/droce.h"
#include "pmd_api.h"
#include "env_pvt.h"

struct droce_port {
	struct port *eng;
};

struct port *
env_port_pmd(struct droce_port *port)
{
	return port->eng;
}

static void
to_eng_conf(const struct droce_port_conf *c, struct port_conf *ec)
{
	memset(ec, 0, sizeof(*ec));
	if (c == NULL)
		return;
	ec->nb_rxq = c->nb_rxq;
	ec->nb_txq = c->nb_txq;
	ec->nb_rxd = c->nb_rxd;
	ec->nb_txd = c->nb_txd;
	ec->nb_mbufs = c->nb_mbufs;
	ec->mtu = c->mtu;
	ec->neigh_tries = c->neigh_tries;
	ec->neigh_retry_ms = c->neigh_retry_ms;
	if (c->mac != NULL) {
		ec->set_mac = true;
		memcpy(ec->mac, c->mac, sizeof(ec->mac));
	}
}

static int
wrap(int ret, struct port *eng, struct droce_port **out)
{
	struct droce_port *port;

	if (ret != 0)
		return ret;
	port = calloc(1, sizeof(*port));
	if (port == NULL) {
		port_detach(eng);
		return -ENOMEM;
	}
	port->eng = eng;
	*out = port;
	return 0;
}

int
droce_port_attach(const char *devargs, const struct droce_port_conf *conf,
		  struct droce_port **out)
{
	struct port_conf ec;
	struct port *eng = NULL;
	int ret;

	if (devargs == NULL || out == NULL)
		return -EINVAL;
	to_eng_conf(conf, &ec);
	ret = port_attach(devargs, &ec, &eng);
	return wrap(ret, eng, out);
}

int
droce_port_attach_id(uint16_t port_id, const struct droce_port_conf *conf,
		     struct droce_port **out)
{
	struct port_conf ec;
	struct port *eng = NULL;
	int ret;

	if (out == NULL)
		return -EINVAL;
	to_eng_conf(conf, &ec);
	ret = port_attach_id(port_id, &ec, &eng);
	return wrap(ret, eng, out);
}

void
droce_port_detach(struct droce_port *port)
{
	if (port == NULL)
		return;
	port_detach(port->eng);
	free(port);
}

void
droce_port_mac(const struct droce_port *port, uint8_t mac[6])
{
	port_mac(port->eng, mac);
}

uint16_t
droce_port_mtu(const struct droce_port *port)
{
	return port_mtu(port->eng);
}

uint32_t
droce_port_path_mtu(const struct droce_port *port)
{
	return port_path_mtu(port->eng);
}

uint16_t
droce_port_id(const struct droce_port *port)
{
	return port_ethdev_id(port->eng);
}

int
droce_port_addr_add(struct droce_port *port, const char *addr)
{
	uint8_t a[16], len;
	int ret = droce_addr_parse(addr, a, &len);

	return ret != 0 ? ret : port_addr_add(port->eng, a, len);
}

int
droce_port_addr_del(struct droce_port *port, const char *addr)
{
	uint8_t a[16];
	int ret = droce_addr_parse(addr, a, NULL);

	return ret != 0 ? ret : port_addr_del(port->eng, a);
}

int
droce_port_addr_get(const struct droce_port *port, unsigned int i, char *buf, size_t len)
{
	uint8_t addrs[PORT_MAX_ADDRS][16], plen[PORT_MAX_ADDRS];
	char a[DROCE_ADDR_STRLEN];
	int n = port_addrs(port->eng, addrs, plen, PORT_MAX_ADDRS);

	if (i >= (unsigned int)n)
		return -ENOENT;
	droce_addr_format(addrs[i], a, sizeof(a));
	if ((size_t)snprintf(buf, len, "%s/%u", a, plen[i]) >= len)
		return -ENOSPC;
	return 0;
}

int
droce_port_poll(struct droce_port *port)
{
	return port_poll(port->eng);
}

int
droce_port_resolve(struct droce_port *port, const char *addr, uint8_t mac[6])
{
	uint8_t a[16];
	int ret = droce_addr_parse(addr, a, NULL);

	return ret != 0 ? ret : port_neigh_resolve(port->eng, a, mac);
}

int
droce_port_resolve_wait(struct droce_port *port, const char *addr, uint8_t mac[6],
			unsigned int timeout_ms)
{
	uint64_t end = rte_get_timer_cycles() + rte_get_timer_hz() / 1000 * timeout_ms;
	int ret;

	while ((ret = droce_port_resolve(port, addr, mac)) == -EAGAIN) {
		if (rte_get_timer_cycles() > end)
			return -ETIMEDOUT;
		if (droce_port_poll(port) == 0)
			rte_pause();
	}
	return ret;
}

int
droce_port_xstats(const struct droce_port *port, struct droce_xstat *xs, unsigned int n)
{
	struct pmd_xstat *es = NULL;
	int total = port_xstats(port->eng, NULL, 0);
	int i;

	if (n == 0 || xs == NULL)
		return total;
	es = calloc(total, sizeof(*es));
	if (es == NULL)
		return -ENOMEM;
	port_xstats(port->eng, es, total);
	for (i = 0; i < total && (unsigned int)i < n; i++) {
		snprintf(xs[i].name, sizeof(xs[i].name), "%s", es[i].name);
		xs[i].value = es[i].value;
	}
	free(es);
	return total;
}

int64_t
droce_port_xstat(const struct droce_port *port, const char *name)
{
	struct droce_xstat xs[128];
	int n = droce_port_xstats(port, xs, RTE_DIM(xs));
	int i;

	for (i = 0; i < n && i < (int)RTE_DIM(xs); i++)
		if (strcmp(xs[i].name, name) == 0)
			return (int64_t)xs[i].value;
	return -ENOENT;
}

void
droce_port_dump(const struct droce_port *port, FILE *f)
{
	struct droce_xstat xs[128];
	char buf[DROCE_ADDR_STRLEN];
	uint8_t mac[6];
	unsigned int i;
	int n;

	droce_port_mac(port, mac);
	fprintf(f, "port %u: mac %02x:%02x:%02x:%02x:%02x:%02x mtu %u path_mtu %u\n",
		droce_port_id(port), mac[0], mac[1], mac[2], mac[3], mac[4], mac[5],
		droce_port_mtu(port), droce_port_path_mtu(port));
	for (i = 0; droce_port_addr_get(port, i, buf, sizeof(buf)) == 0; i++)
		fprintf(f, "  gid[%u] %s\n", i, buf);
	fprintf(f, "  neighbours:\n");
	port_neigh_dump(port->eng, f);
	n = droce_port_xstats(port, xs, RTE_DIM(xs));
	for (i = 0; i < (unsigned int)n && i < RTE_DIM(xs); i++)
		if (xs[i].value != 0)
			fprintf(f, "  %-28s %" PRIu64 "\n", xs[i].name, xs[i].value);
}
