/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cfgfile.h>
#include <rte_common.h>

#include "app_opts.h"

static int
add_ip(struct app_port_opts *o, const char *ip)
{
	uint8_t a[16], len;

	if (o->nb_ips >= APP_MAX_IPS) {
		fprintf(stderr, "at most %d --ip options\n", APP_MAX_IPS);
		return -1;
	}
	if (droce_addr_parse(ip, a, &len) != 0) {
		fprintf(stderr, "--ip %s: not an IPv4 or IPv6 address with an optional /prefix\n",
			ip);
		return -1;
	}
	o->ips[o->nb_ips++] = ip;
	return 1;
}

static int
parse_mtu(struct app_port_opts *o, const char *arg)
{
	char *end;
	unsigned long v = strtoul(arg, &end, 10);

	if (*arg == '\0' || *end != '\0' || v < 576 || v > 65535) {
		fprintf(stderr, "--mtu %s: expected a number from 576 to 65535\n", arg);
		return -1;
	}
	o->mtu = v;
	return 1;
}

/* --cm-timeout (IBA's 5-bit exponent) and --cm-retries (4 bits): droce_engine_conf. */
static int
parse_cm(const char *name, const char *arg, unsigned long max, uint8_t *out)
{
	char *end;
	unsigned long v = strtoul(arg, &end, 10);

	if (*arg == '\0' || *end != '\0' || v < 1 || v > max) {
		fprintf(stderr, "--%s %s: expected a number from 1 to %lu\n", name, arg, max);
		return -1;
	}
	*out = (uint8_t)v;
	return 1;
}

static int
parse_mac(struct app_port_opts *o, const char *arg)
{
	unsigned int b[6];
	char end;
	int i;

	if (sscanf(arg, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
		   &end) != 6 || strlen(arg) != 17 || (b[0] & 1)) {
		fprintf(stderr, "--mac %s: expected a unicast MAC like 02:00:00:00:00:01\n", arg);
		return -1;
	}
	for (i = 0; i < 6; i++)
		o->mac[i] = b[i];
	o->has_mac = true;
	return 1;
}

static int
parse_bool(const char *key, const char *v, bool *out)
{
	if (strcmp(v, "yes") == 0 || strcmp(v, "true") == 0 || strcmp(v, "1") == 0)
		*out = true;
	else if (strcmp(v, "no") == 0 || strcmp(v, "false") == 0 || strcmp(v, "0") == 0)
		*out = false;
	else {
		fprintf(stderr, "config: %s = %s: expected yes or no\n", key, v);
		return -1;
	}
	return 1;
}

/* One "key = value" of the [port], [engine] or [eal] section. */
static int
config_entry(struct app_port_opts *o, const char *sect, const char *key, const char *v)
{
	if (strcmp(sect, "port") == 0) {
		if (strcmp(key, "vdev") == 0)
			return app_port_opt(o, APP_OPT_BASE + 0, v);
		if (strcmp(key, "pci") == 0)
			return app_port_opt(o, APP_OPT_BASE + 1, v);
		if (strcmp(key, "ip") == 0)
			return add_ip(o, v);
		if (strcmp(key, "mtu") == 0)
			return parse_mtu(o, v);
		if (strcmp(key, "mac") == 0)
			return parse_mac(o, v);
	} else if (strcmp(sect, "engine") == 0) {
		if (strcmp(key, "cm_timeout") == 0)
			return app_port_opt(o, APP_OPT_BASE + 9, v);
		if (strcmp(key, "cm_retries") == 0)
			return app_port_opt(o, APP_OPT_BASE + 10, v);
	} else if (strcmp(sect, "eal") == 0) {
		if (strcmp(key, "lcores") == 0)
			return app_port_opt(o, APP_OPT_BASE + 3, v);
		if (strcmp(key, "args") == 0)
			return app_port_opt(o, APP_OPT_BASE + 4, v);
		if (strcmp(key, "hugepages") == 0)
			return parse_bool(key, v, &o->hugepages);
	}
	fprintf(stderr, "config: unknown key %s in [%s]\n", key, sect);
	return -1;
}

/* Values must outlive the parsed file: keep our own copies. */
static const char *
keep(struct app_port_opts *o, const char *v)
{
	if (o->nb_owned >= RTE_DIM(o->owned))
		return NULL;
	o->owned[o->nb_owned] = strdup(v);
	return o->owned[o->nb_owned++];
}

static int
load_section(struct app_port_opts *o, struct rte_cfgfile *cfg, const char *sect)
{
	struct rte_cfgfile_entry e[16];
	int n, i;

	n = rte_cfgfile_section_entries(cfg, sect, e, RTE_DIM(e));
	if (n < 0 || n > (int)RTE_DIM(e)) {
		fprintf(stderr, "config: [%s] has more than %zu keys\n", sect, RTE_DIM(e));
		return -1;
	}
	for (i = 0; i < n; i++) {
		const char *v = keep(o, e[i].value);

		if (v == NULL || config_entry(o, sect, e[i].name, v) < 0)
			return -1;
	}
	return 0;
}

/* Is sect one of ours? */
static bool
port_section(const char *sect)
{
	return strcmp(sect, "port") == 0 || strcmp(sect, "engine") == 0 ||
	       strcmp(sect, "eal") == 0;
}

static int
load_sections(struct app_port_opts *o, struct rte_cfgfile *cfg)
{
	int nsect = rte_cfgfile_num_sections(cfg, "", 0), s, ret = 1;
	char (*names)[CFG_NAME_LEN] = calloc(RTE_MAX(nsect, 1), CFG_NAME_LEN);
	char **ptrs = calloc(RTE_MAX(nsect, 1), sizeof(*ptrs));

	if (names == NULL || ptrs == NULL) {
		fprintf(stderr, "config: out of memory\n");
		ret = -1;
		nsect = 0;
	}
	for (s = 0; s < nsect; s++)
		ptrs[s] = names[s];
	if (nsect > 0)
		nsect = rte_cfgfile_sections(cfg, ptrs, nsect);
	for (s = 0; s < nsect && ret > 0; s++) {
		if (port_section(names[s])) {
			ret = load_section(o, cfg, names[s]) < 0 ? -1 : 1;
		} else if (!o->other_sections) {
			fprintf(stderr, "config: unknown section [%s]\n", names[s]);
			ret = -1;
		}
	}
	free(names);
	free(ptrs);
	return ret;
}

static int
load_config(struct app_port_opts *o, const char *file)
{
	struct rte_cfgfile *cfg;
	int ret;

	if (o->config_loaded) {
		fprintf(stderr, "--config given twice\n");
		return -1;
	}
	o->config_loaded = true;
	cfg = rte_cfgfile_load(file, 0);
	if (cfg == NULL) {
		fprintf(stderr, "--config %s: cannot read or parse it\n", file);
		return -1;
	}
	ret = load_sections(o, cfg);
	rte_cfgfile_close(cfg);
	return ret;
}

int
app_port_opt(struct app_port_opts *o, int opt, const char *arg)
{
	switch (opt) {
	case APP_OPT_BASE + 0:
		o->vdev = arg;
		return 1;
	case APP_OPT_BASE + 1:
		o->pci = arg;
		return 1;
	case APP_OPT_BASE + 2:
		return add_ip(o, arg);
	case APP_OPT_BASE + 3:
		o->lcores = arg;
		return 1;
	case APP_OPT_BASE + 4:
		o->eal = arg;
		return 1;
	case APP_OPT_BASE + 5:
		return parse_mtu(o, arg);
	case APP_OPT_BASE + 6:
		o->hugepages = true;
		return 1;
	case APP_OPT_BASE + 7:
		return load_config(o, arg);
	case APP_OPT_BASE + 8:
		return parse_mac(o, arg);
	case APP_OPT_BASE + 9:
		return parse_cm("cm-timeout", arg, 31, &o->cm_timeout);
	case APP_OPT_BASE + 10:
		return parse_cm("cm-retries", arg, 15, &o->cm_retries);
	default:
		return 0;
	}
}

int
app_port_opts_check(const struct app_port_opts *o)
{
	if ((o->vdev == NULL) == (o->pci == NULL)) {
		fprintf(stderr, "name exactly one port: --vdev <devargs> or --pci <bdf>\n");
		return -1;
	}
	if (o->nb_ips == 0) {
		fprintf(stderr, "give the port an address: --ip <addr>/<prefix>\n");
		return -1;
	}
	return 0;
}

int
app_port_open(const char *prog, struct app_port_opts *o, struct droce_port **port)
{
	struct droce_eal_conf ec = {
		.pci = &o->pci,
		.nb_pci = o->pci != NULL,
		.lcores = o->lcores,
		.extra = o->eal,
		.hugepages = o->hugepages,
	};
	struct droce_port_conf pc = { .mtu = o->mtu, .mac = o->has_mac ? o->mac : NULL };
	unsigned int i;
	int ret;

	ret = droce_eal_init(prog, &ec);
	if (ret != 0) {
		fprintf(stderr, "%s: cannot start DPDK: %s\n", prog, droce_strerror(ret));
		return -1;
	}
	ret = droce_port_attach(o->vdev != NULL ? o->vdev : o->pci, &pc, port);
	if (ret != 0) {
		fprintf(stderr, "%s: cannot attach %s: %s\n", prog, o->vdev ? o->vdev : o->pci,
			droce_strerror(ret));
		droce_eal_cleanup();
		return -1;
	}
	for (i = 0; i < o->nb_ips; i++) {
		ret = droce_port_addr_add(*port, o->ips[i]);
		if (ret < 0) {
			fprintf(stderr, "%s: address %s: %s\n", prog, o->ips[i],
				droce_strerror(ret));
			app_port_close(o, *port);
			return -1;
		}
	}
	return 0;
}

void
app_port_close(struct app_port_opts *o, struct droce_port *port)
{
	/* Over net_memif this takes turns with the peer (see droce_port_detach()). */
	droce_port_detach(port);
	droce_eal_cleanup();
	app_port_opts_free(o);
}

void
app_port_opts_free(struct app_port_opts *o)
{
	unsigned int i;

	for (i = 0; i < o->nb_owned; i++)
		free(o->owned[i]);
	o->nb_owned = 0;
}
