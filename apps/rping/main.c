/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * droce-rping: librdmacm's rping (rdma-core librdmacm/examples/rping.c) on a droce port,
 * through the public API only. Either role talks to Linux's rping over rdma_cm: the
 * connection is made by droce's CM on QP1, the pings are rping's SEND / RDMA READ /
 * RDMA WRITE sequence.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "app_engine.h"
#include "rping.h"

volatile int rping_stop;

static void
on_signal(int sig)
{
	(void)sig;
	rping_stop = 1;
}

static void
usage(const char *prog)
{
	printf("usage: %s -s [-vVd] [-S size] [-C count] [-a addr] [-p port] [port options]\n"
	       "       %s -c [-vVd] [-S size] [-C count] [-I addr] -a addr [-p port]"
	       " [port options]\n\n"
	       "rping's ping-pong over RDMA READ and WRITE, with rping's wire protocol.\n"
	       "The server serves one client and exits when it disconnects (status 0 when\n"
	       "it left between pings, and after -C pings if -C was given).\n\n"
	       "  -s           server\n"
	       "  -c           client\n"
	       "  -a <addr>    server: address to listen on (default 0.0.0.0);\n"
	       "               client: the server's address\n"
	       "  -I <addr>    client: source address (default: the port's first)\n"
	       "  -p <port>    rdma_cm port (default %d)\n"
	       "  -C <count>   pings (default 0: until SIGINT, as rping)\n"
	       "  -S <size>    ping size, %d to %d (default 64)\n"
	       "  -v           print each ping's data\n"
	       "  -V           validate the data (client: what came back; server: what it\n"
	       "               read is rping's text); a mismatch fails the run\n"
	       "  -d           debug output\n\n%s", prog, prog, RPING_PORT, RPING_MIN_SIZE,
	       RPING_BUFSIZE - 1, APP_PORT_USAGE);
}

static int
parse_addr(const char *s, struct sockaddr_storage *ss)
{
	struct sockaddr_in *in = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, s, &in->sin_addr) == 1) {
		in->sin_family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		return 0;
	}
	fprintf(stderr, "%s: not an IPv4 or IPv6 address\n", s);
	return -1;
}

static int
parse_int(const char *opt, const char *arg, long min, long max, int *out)
{
	char *end;
	long v = strtol(arg, &end, 10);

	if (*arg == '\0' || *end != '\0' || v < min || v > max) {
		fprintf(stderr, "-%s %s: expected %ld to %ld\n", opt, arg, min, max);
		return -1;
	}
	*out = (int)v;
	return 0;
}

static int
rping_opt(struct rping_opts *o, int opt, const char *arg)
{
	int v;

	switch (opt) {
	case 's':
		o->server = true;
		return 0;
	case 'c':
		o->client = true;
		return 0;
	case 'a':
		return parse_addr(arg, &o->addr);
	case 'I':
		o->has_src = true;
		return parse_addr(arg, &o->src);
	case 'p':
		if (parse_int("p", arg, 1, 65535, &v) != 0)
			return -1;
		o->tcp_port = (uint16_t)v;
		return 0;
	case 'C':
		return parse_int("C", arg, 0, INT32_MAX, &o->count);
	case 'S':
		/* rping's limits: the text of the largest ping number fits; below 64 KiB. */
		return parse_int("S", arg, RPING_MIN_SIZE, RPING_BUFSIZE - 1, &o->size);
	case 'v':
		o->verbose = true;
		return 0;
	case 'V':
		o->validate = true;
		return 0;
	case 'd':
		o->debug = true;
		return 0;
	default:
		return -1;
	}
}

static int
parse_args(int argc, char **argv, struct rping_opts *o)
{
	static const struct option longopts[] = {
		APP_PORT_LONGOPTS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool has_addr = false;
	int opt, ret;

	o->tcp_port = RPING_PORT;
	o->size = 64;
	((struct sockaddr_in *)&o->addr)->sin_family = AF_INET;	/* 0.0.0.0 */
	while ((opt = getopt_long(argc, argv, "scI:a:p:C:S:vVdh", longopts, NULL)) != -1) {
		ret = app_port_opt(&o->port, opt, optarg);
		if (ret < 0)
			return -1;
		if (ret > 0)
			continue;
		if (opt == 'h') {
			usage(argv[0]);
			exit(0);
		}
		has_addr |= opt == 'a';
		if (rping_opt(o, opt, optarg) != 0) {
			if (opt == '?')
				usage(argv[0]);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "unexpected argument: %s\n", argv[optind]);
		return -1;
	}
	if (o->server == o->client || (o->client && !has_addr)) {
		fprintf(stderr, "give -s, or -c with -a <server address>\n");
		return -1;
	}
	if (o->has_src && o->src.ss_family != o->addr.ss_family) {
		fprintf(stderr, "-I and -a must be of the same family\n");
		return -1;
	}
	if (o->addr.ss_family == AF_INET)
		((struct sockaddr_in *)&o->addr)->sin_port = htons(o->tcp_port);
	else
		((struct sockaddr_in6 *)&o->addr)->sin6_port = htons(o->tcp_port);
	return app_port_opts_check(&o->port);
}

int
main(int argc, char **argv)
{
	struct rping_opts o = { 0 };
	struct rping r = { .o = &o, .state = ST_IDLE };
	struct app_engine ae = { 0 };
	int ret = -1;

	if (parse_args(argc, argv, &o) != 0) {
		app_port_opts_free(&o.port);
		return 1;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	sem_init(&r.sem, 0, 0);
	if (app_port_open(argv[0], &o.port, &r.port) != 0) {
		app_port_opts_free(&o.port);
		return 1;
	}
	if (app_engine_start("droce-rping", "rping", r.port, &o.port, &ae) == 0) {
		r.eng = ae.eng;
		DBG(&r, "engine slot on %s %d\n", ae.lcore >= 0 ? "lcore" : "a thread of its own",
		    ae.lcore);
	}
	if (r.eng != NULL && res_open(&r) == 0)
		ret = o.server ? ping_server(&r) : ping_client(&r);
	res_close(&r);
	app_engine_stop(&ae);
	app_port_close(&o.port, r.port);
	sem_destroy(&r.sem);
	return ret == 0 ? 0 : 1;
}
