/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * droce-info: what ibv_devinfo -v shows for a droce device: ports, MACs, GID tables, link
 * state, MTUs, the adapter's limits, engines and their slots, counters. Either it opens
 * the port itself (the shared port options), or it asks a running droce process through
 * its telemetry socket, since a DPDK port belongs to the one process that owns it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "info.h"

struct info_opts {
	struct app_port_opts port;
	bool port_given;		/* any port option was seen */
	const char *telemetry;
	bool verbose;
	bool json;
};

static void
usage(const char *prog)
{
	printf("usage: %s [-v] [--json] [port options]\n"
	       "       %s [-v] [--json] --telemetry <pid | file-prefix | socket path>\n\n"
	       "Show a droce device as ibv_devinfo does: ports, MAC, GID table, link, MTU and\n"
	       "path MTU, engines and their slots; -v adds the adapter's limits, counters and\n"
	       "(with --telemetry) every QP. With port options droce-info opens the port\n"
	       "itself; --telemetry asks a running droce process instead, through\n"
	       "<runtime dir>/dpdk_telemetry.v2 (/var/run/dpdk/droce-<pid> for root).\n\n"
	       "  -v, --verbose        limits, counters, QPs\n"
	       "  --json               print the description as JSON\n"
	       "  --telemetry <target> a PID (file prefix droce-<pid>), a file prefix, the\n"
	       "                       runtime directory or the socket itself\n\n%s",
	       prog, prog, APP_PORT_USAGE);
}

static int
parse_args(int argc, char **argv, struct info_opts *o)
{
	static const struct option longopts[] = {
		APP_PORT_LONGOPTS,
		{ "telemetry", required_argument, NULL, 't' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt, ret;

	opterr = 0;	/* we say what was wrong ourselves */
	while ((opt = getopt_long(argc, argv, ":hv", longopts, NULL)) != -1) {
		ret = app_port_opt(&o->port, opt, optarg);
		if (ret < 0)
			return -1;
		if (ret > 0) {
			o->port_given = true;
			continue;
		}
		switch (opt) {
		case 't':
			o->telemetry = optarg;
			break;
		case 'v':
			o->verbose = true;
			break;
		case 'j':
			o->json = true;
			break;
		case 'h':
			usage(argv[0]);
			exit(0);
		case ':':
			fprintf(stderr, "%s: %s needs a value\n", argv[0], argv[optind - 1]);
			return -1;
		default:
			fprintf(stderr, "%s: unknown option %s (see --help)\n", argv[0],
				argv[optind - 1]);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument: %s\n", argv[0], argv[optind]);
		return -1;
	}
	if (o->telemetry != NULL && o->port_given) {
		fprintf(stderr, "%s: --telemetry reads a running process: no port options "
			"with it\n", argv[0]);
		return -1;
	}
	if (o->telemetry == NULL && (o->port.vdev == NULL) == (o->port.pci == NULL)) {
		fprintf(stderr, "%s: name exactly one port (--vdev <devargs> or --pci <bdf>), "
			"or ask a running process with --telemetry <pid>\n", argv[0]);
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct info_opts o = { 0 };
	json_t *model = NULL;
	int ret;

	if (parse_args(argc, argv, &o) != 0) {
		app_port_opts_free(&o.port);
		return 1;
	}
	if (o.telemetry != NULL)
		ret = info_telemetry(o.telemetry, o.verbose, &model);
	else
		ret = info_local(argv[0], &o.port, &model);
	app_port_opts_free(&o.port);
	if (ret != 0)
		return 1;
	if (o.json)
		json_dumpf(model, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	else
		info_print(model, o.verbose);
	if (o.json)
		printf("\n");
	json_decref(model);
	return 0;
}
