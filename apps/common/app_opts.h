/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef APP_OPTS_H
#define APP_OPTS_H

/*
 * The port options every droce application takes, so that nobody has to know EAL
 * arguments: --vdev <devargs> | --pci <bdf>, --ip <addr>/<prefix> (repeatable),
 * --lcores <list>, --eal "<extra EAL args>", --mtu <bytes>, --mac <addr>, --hugepages,
 * --cm-timeout <n>, --cm-retries <n>, --config <file>.
 */

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include <droce/droce.h>

#define APP_MAX_IPS	8

struct app_port_opts {
	const char *vdev;
	const char *pci;
	const char *ips[APP_MAX_IPS];
	unsigned int nb_ips;
	const char *lcores;
	const char *eal;
	unsigned int mtu;
	bool has_mac;
	uint8_t mac[6];
	bool hugepages;
	uint8_t cm_timeout, cm_retries;	/* 0: the engine's defaults */
	char *owned[32];		/* --config values, freed by app_port_close() */
	unsigned int nb_owned;
	bool config_loaded;
	/* Set before parsing by an application that reads other sections of the --config
	 * file itself (droce-tgt): they are left to it instead of refused. */
	bool other_sections;
};

/* getopt_long() entries for the options above; values from APP_OPT_BASE up. */
#define APP_OPT_BASE	0x1000
#define APP_PORT_LONGOPTS \
	{ "vdev", required_argument, NULL, APP_OPT_BASE + 0 }, \
	{ "pci", required_argument, NULL, APP_OPT_BASE + 1 }, \
	{ "ip", required_argument, NULL, APP_OPT_BASE + 2 }, \
	{ "lcores", required_argument, NULL, APP_OPT_BASE + 3 }, \
	{ "eal", required_argument, NULL, APP_OPT_BASE + 4 }, \
	{ "mtu", required_argument, NULL, APP_OPT_BASE + 5 }, \
	{ "hugepages", no_argument, NULL, APP_OPT_BASE + 6 }, \
	{ "config", required_argument, NULL, APP_OPT_BASE + 7 }, \
	{ "mac", required_argument, NULL, APP_OPT_BASE + 8 }, \
	{ "cm-timeout", required_argument, NULL, APP_OPT_BASE + 9 }, \
	{ "cm-retries", required_argument, NULL, APP_OPT_BASE + 10 }

#define APP_PORT_USAGE \
	"port options:\n" \
	"  --vdev <devargs>     DPDK virtual device, e.g. net_af_packet0,iface=veth0\n" \
	"                       or net_memif0,role=server,socket=/tmp/droce.sock\n" \
	"  --pci <bdf>          PCI NIC, e.g. 0000:01:00.0\n" \
	"  --ip <addr>/<len>    IPv4 or IPv6 address of the port (repeatable)\n" \
	"  --lcores <list>      EAL lcore list (default: one lcore on any CPU)\n" \
	"  --eal \"<args>\"       extra EAL arguments\n" \
	"  --mtu <bytes>        IP MTU (default 1500 or the device maximum)\n" \
	"  --mac <xx:..:xx>     use this MAC instead of the device's\n" \
	"  --hugepages          use hugepages (default: ordinary memory)\n" \
	"  --cm-timeout <n>     CM response timeout 4.096 us * 2^n (default 20, ~4.3 s)\n" \
	"  --cm-retries <n>     CM retransmissions before giving up (default 15)\n" \
	"  --config <file>      INI file: [port] vdev, pci, ip, mtu, mac;\n" \
	"                       [engine] cm_timeout, cm_retries;\n" \
	"                       [eal] lcores, args, hugepages\n"

/*
 * Handle one getopt_long() result. Returns 1 if it was a port option, 0 if not,
 * -1 (after printing why) on a bad value.
 */
int app_port_opt(struct app_port_opts *o, int opt, const char *arg);
/* Check the collected options (a port named, addresses parse). Prints why; -1 / 0. */
int app_port_opts_check(const struct app_port_opts *o);
/* Start the EAL and attach the port with its addresses. Prints why; -1 / 0. */
int app_port_open(const char *prog, struct app_port_opts *o, struct droce_port **port);
void app_port_close(struct app_port_opts *o, struct droce_port *port);
/* Free what option parsing kept (app_port_close() does this too). */
void app_port_opts_free(struct app_port_opts *o);

#endif /* APP_OPTS_H */
