/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * droce-portd: bring up a droce port and serve it: answer ARP, neighbour solicitation and
 * ping; optionally resolve peers and report what happened. The smallest program that puts
 * droce on a link.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <droce/droce.h>

#include "app_opts.h"

#define MAX_RESOLVE	8

struct portd_opts {
	struct app_port_opts port;
	const char *resolve[MAX_RESOLVE];
	unsigned int nb_resolve;
	unsigned int timeout_ms;
	double duration;
	bool quiet;
};

static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void
usage(const char *prog)
{
	printf("usage: %s [port options] [--resolve <addr>]... [--timeout <ms>]\n"
	       "          [--duration <s>] [--quiet]\n\n"
	       "Serve a droce port: answer ARP, IPv6 neighbour solicitations and ping until\n"
	       "--duration seconds pass or SIGINT/SIGTERM arrives, then print the port's\n"
	       "addresses, neighbours and counters. --resolve looks up a peer's MAC once the\n"
	       "port is up (exit status 2 if any peer cannot be resolved).\n\n"
	       "  --resolve <addr>   IPv4 or IPv6 address to resolve (repeatable)\n"
	       "  --timeout <ms>     give up resolving after this long (default 5000)\n"
	       "  --duration <s>     serve this long; 0 (default) = until a signal\n"
	       "  --quiet            do not print the final report\n\n%s", prog, APP_PORT_USAGE);
}

static int
parse_num(const char *opt, const char *arg, double max, double *out)
{
	char *end;
	double v = strtod(arg, &end);

	if (*arg == '\0' || *end != '\0' || v < 0 || v > max) {
		fprintf(stderr, "%s %s: expected a number from 0 to %.0f\n", opt, arg, max);
		return -1;
	}
	*out = v;
	return 0;
}

static int
parse_args(int argc, char **argv, struct portd_opts *o)
{
	static const struct option longopts[] = {
		APP_PORT_LONGOPTS,
		{ "resolve", required_argument, NULL, 'r' },
		{ "timeout", required_argument, NULL, 't' },
		{ "duration", required_argument, NULL, 'd' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	double v;
	int opt, ret;

	o->timeout_ms = 5000;
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		ret = app_port_opt(&o->port, opt, optarg);
		if (ret < 0)
			return -1;
		if (ret > 0)
			continue;
		switch (opt) {
		case 'r':
			if (o->nb_resolve == MAX_RESOLVE) {
				fprintf(stderr, "at most %d --resolve options\n", MAX_RESOLVE);
				return -1;
			}
			o->resolve[o->nb_resolve++] = optarg;
			break;
		case 't':
			if (parse_num("--timeout", optarg, 600000, &v) != 0)
				return -1;
			o->timeout_ms = (unsigned int)v;
			break;
		case 'd':
			if (parse_num("--duration", optarg, 86400, &o->duration) != 0)
				return -1;
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'h':
			usage(argv[0]);
			exit(0);
		default:
			usage(argv[0]);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "unexpected argument: %s\n", argv[optind]);
		return -1;
	}
	return app_port_opts_check(&o->port);
}

/* Resolve each peer; print "resolved <addr> <mac>" or the reason. Returns failures. */
static int
resolve_all(struct droce_port *port, const struct portd_opts *o)
{
	unsigned int i;
	uint8_t mac[6];
	int ret, failed = 0;

	for (i = 0; i < o->nb_resolve; i++) {
		ret = droce_port_resolve_wait(port, o->resolve[i], mac, o->timeout_ms);
		if (ret == 0) {
			printf("resolved %s %02x:%02x:%02x:%02x:%02x:%02x\n", o->resolve[i],
			       mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
		} else {
			printf("unresolved %s: %s\n", o->resolve[i], droce_strerror(ret));
			failed++;
		}
		fflush(stdout);
	}
	return failed;
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
serve(struct droce_port *port, double duration)
{
	double end = now_s() + duration;
	unsigned int idle = 0;

	while (!stop && (duration == 0 || now_s() < end)) {
		if (droce_port_poll(port) > 0) {
			idle = 0;
			continue;
		}
		/* A control-plane daemon: back off when idle rather than spin a shared core. */
		if (++idle > 1000)
			usleep(100);
	}
}

int
main(int argc, char **argv)
{
	struct portd_opts o = { 0 };
	struct droce_port *port;
	char buf[DROCE_ADDR_STRLEN];
	uint8_t mac[6];
	int failed;

	if (parse_args(argc, argv, &o) != 0) {
		app_port_opts_free(&o.port);
		return 1;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if (app_port_open(argv[0], &o.port, &port) != 0) {
		app_port_opts_free(&o.port);
		return 1;
	}
	droce_port_mac(port, mac);
	droce_port_addr_get(port, 0, buf, sizeof(buf));
	printf("ready port %u mac %02x:%02x:%02x:%02x:%02x:%02x mtu %u path_mtu %u\n",
	       droce_port_id(port), mac[0], mac[1], mac[2], mac[3], mac[4], mac[5],
	       droce_port_mtu(port), droce_port_path_mtu(port));
	fflush(stdout);
	failed = resolve_all(port, &o);
	serve(port, o.duration);
	if (!o.quiet)
		droce_port_dump(port, stdout);
	app_port_close(&o.port, port);
	return failed ? 2 : 0;
}
