/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * droce-perf: perftest's send/write/read/atomic bw/lat tests on a droce port, through
 * the public API only, wire-compatible with perftest's rdma_cm mode (-R). One binary;
 * the test comes from the first argument or from the name it was called by
 * (droce_write_bw ...). Options are perftest's, with droce's port options.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <libgen.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app_engine.h"
#include "perf.h"

volatile int perf_stop;

static const char *const tests[] = { "send_bw", "write_bw", "read_bw", "atomic_bw",
				     "send_lat", "write_lat", "read_lat", "atomic_lat" };

const char *
perf_test_name(const struct perf_opts *o)
{
	return tests[(o->lat ? 4 : 0) + o->verb];
}

static void
on_signal(int sig)
{
	(void)sig;
	perf_stop = 1;
}

static void
usage(const char *prog)
{
	printf("NAME\n    droce-perf - perftest's RC tests on a droce port\n\n"
	       "SYNOPSIS\n    %s <test> [options] [--vdev ... --ip ...]            (server)\n"
	       "    %s <test> [options] [--vdev ... --ip ...] <server>   (client)\n"
	       "    droce_<test> ...   (through a symlink named like perftest's ib_<test>)\n\n"
	       "    <test>: send_bw write_bw read_bw atomic_bw send_lat write_lat read_lat"
	       " atomic_lat\n\n"
	       "DESCRIPTION\n    Runs perftest's test over droce's NDK API. The connection is"
	       " perftest's rdma_cm\n    mode (-R): stock perftest with -R talks to it in"
	       " either role.\n    Both sides take the same options.\n\n"
	       "OPTIONS (perftest's)\n"
	       "  -s, --size <bytes>       message size (default 65536 bw, 2 lat, 8 atomic:"
	       " fixed)\n"
	       "  -a, --all                sizes 2 .. 2^23 (with -s: 2 .. that size)\n"
	       "  -n, --iters <n>          iterations (default 5000 bw, 1000 lat)\n"
	       "  -D, --duration <s>       run for s seconds (a progress line per second on"
	       " stderr)\n"
	       "  -q, --qp <n>             data QPs (bw tests, default 1, at most %d)\n"
	       "  -t, --tx-depth <n>       outstanding requests per QP (default 128 bw, 1 lat)\n"
	       "  -r, --rx-depth <n>       receives per QP (send tests, default 512)\n"
	       "  -m <bytes>               path MTU at most: 256..4096 (client: in its REQ)\n"
	       "  -I, --inline_size <n>    inline up to n bytes (default 220 write, 236 send)\n"
	       "  -Q, --cq-mod <n>         signal every n-th request (default 100)\n"
	       "  -l, --post_list <n>      post n requests per doorbell (NDK DEFER)\n"
	       "  -b, --bidirectional      both sides send (bw tests)\n"
	       "  -p, --port <port>        rdma_cm port (default %d)\n"
	       "  -R, --rdma_cm            accepted: droce always uses the CM\n"
	       "  -u, --qp-timeout <0-31>  local ACK timeout 4.096 us * 2^n (client: in its REQ)\n"
	       "      --retry_count <0-7>  transport retries (client: in its REQ; 0 = 7)\n"
	       "  -A, --atomic_type <t>    CMP_AND_SWAP or FETCH_AND_ADD (default; atomic"
	       " tests)\n"
	       "  -e, --events             sleep on CQ notifications instead of busy polling\n"
	       "      --use-srq            receive through an SRQ (send tests)\n"
	       "      --data_validation    check every byte received, read or written (atomics:\n"
	       "                           every value fetched, the server's targets)\n"
	       "      --report_gbits       BW in Gb/sec instead of MiB/sec\n"
	       "      --out_json           write the result to a JSON file\n"
	       "      --out_json_file <f>  its name (default perftest_out.json)\n"
	       "      --cpu_util           add the host CPU utilisation column\n"
	       "      --write_with_imm     write tests: RDMA WRITE with immediate data; the"
	       " peer\n                           takes each on a receive (-r, default 512)\n"
	       "      --send_with_imm      send tests: SEND with immediate data\n"
	       "  -h, --help               this text\n\n"
	       "  The atomic tests run at the start of the server's buffer: fetch-and-add 1,"
	       " or\n  compare-and-swap 0 for 0 (perftest's operands), through droce's"
	       " verbs extension.\n\n"
	       "  The engine: with one lcore (--lcores 0@3, or none given) the test thread"
	       " polls it\n  itself while it measures (run to completion: one CPU, no"
	       " thread switch); with\n  a worker lcore (--lcores 0@2,1@3) the engine runs"
	       " there. -e needs a thread\n  polling besides the one that sleeps: without"
	       " a worker lcore, droce-perf's own.\n\n%s\nEXIT STATUS\n    0 when the test completed, 1 otherwise.\n",
	       prog, prog, PERF_MAX_QPS, PERF_PORT, APP_PORT_USAGE);
}

enum {
	OPT_RETRY = 0x2000, OPT_GBITS, OPT_JSON, OPT_JSON_FILE, OPT_VALIDATE, OPT_SRQ,
	OPT_WIMM, OPT_SIMM, OPT_CPU,
};

static int
num(const char *name, const char *arg, long long min, long long max, long long *out)
{
	char *end;
	long long v = strtoll(arg, &end, 0);

	if (*arg == '\0' || *end != '\0' || v < min || v > max) {
		fprintf(stderr, " %s should be between %lld and %lld\n", name, min, max);
		return -1;
	}
	*out = v;
	return 0;
}

#define NUM(name, min, max, field) \
	(num(name, arg, min, max, &v) != 0 ? -1 : ((field) = v, 0))

static int
perf_opt(struct perf_opts *o, int opt, const char *arg)
{
	long long v;

	switch (opt) {
	case 's': o->size_set = true; return NUM("Message size", 1, PERF_MAX_SIZE, o->size);
	case 'a': o->all = true; return 0;
	case 'n': o->iters_set = true; return NUM("Iteration num", 5, 100000000, o->iters);
	case 'D': return NUM("Duration", 1, 86400, o->duration);
	case 'q': return NUM("Num of qps", 1, PERF_MAX_QPS, o->qps);
	case 't': o->tx_set = true; return NUM("Tx depth", 1, 15000, o->tx_depth);
	case 'r': o->rx_set = true; return NUM("Rx depth", 1, 16384, o->rx_depth);
	case 'm':
		if (num("MTU", arg, 256, 4096, &v) != 0 || (v & (v - 1)) != 0) {
			fprintf(stderr, " Invalid MTU - %s (256, 512, 1024, 2048 or 4096)\n", arg);
			return -1;
		}
		o->mtu = (int)v;
		return 0;
	case 'I': o->inline_set = true; return NUM("Inline size", 0, 912, o->inline_size);
	case 'Q': o->cq_mod_set = true; return NUM("CQ moderation", 1, 1024, o->cq_mod);
	case 'l': return NUM("Post list", 1, 15000, o->post_list);
	case 'b': o->bidir = true; return 0;
	case 'p': return NUM("Port", 1, 65535, o->tcp_port);
	case 'R': return 0;
	case 'u': return NUM("QP timeout", 0, 31, o->qp_timeout);
	case OPT_RETRY: return NUM("Retry count", 0, 7, o->retry_count);
	case 'e': o->events = true; return 0;
	case OPT_GBITS: o->gbits = true; return 0;
	case OPT_JSON: o->out_json = true; return 0;
	case OPT_JSON_FILE: o->out_json = true; o->json_file = arg; return 0;
	case OPT_VALIDATE: o->validate = true; return 0;
	case OPT_SRQ: o->use_srq = true; return 0;
	case OPT_CPU: o->cpu_util = true; return 0;
	case 'A':
		if (strcmp(arg, "CMP_AND_SWAP") != 0 && strcmp(arg, "FETCH_AND_ADD") != 0) {
			fprintf(stderr, " Invalid Atomic type! please choose from"
				" {CMP_AND_SWAP,FETCH_AND_ADD}\n");
			return -1;
		}
		o->cmp_swap = arg[0] == 'C';
		return 0;
	case OPT_WIMM: o->imm_write = true; return 0;
	case OPT_SIMM: o->imm_send = true; return 0;
	default:
		return -1;
	}
}

static int
set_test(struct perf_opts *o, const char *name)
{
	unsigned int i;

	for (i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
		if (strcmp(name, tests[i]) == 0) {
			o->lat = i >= 4;
			o->verb = (enum perf_verb)(i % 4);
			return 0;
		}
	return -1;
}

/* perftest's defaults for the test, where the user gave none. */
static void
defaults(struct perf_opts *o)
{
	o->imm = (o->imm_write && o->verb == PERF_WRITE) || (o->imm_send && o->verb == PERF_SEND);
	if (!o->size_set)
		o->size = o->verb == PERF_ATOMIC ? PERF_ATOMIC_SIZE : o->lat ? 2 : 65536;
	if (!o->iters_set)
		o->iters = o->lat ? 1000 : 5000;
	if (!o->tx_set)
		o->tx_depth = o->lat ? 1 : 128;
	if (!o->rx_set)
		o->rx_depth = perf_receives(o) ? 512 : 1;
	if (!o->inline_set)
		o->inline_size = o->verb == PERF_WRITE ? 220 : o->verb == PERF_SEND ? 236 : 0;
	if (o->verb >= PERF_READ)	/* perftest: nothing goes inline in a request */
		o->inline_size = 0;
	if (o->tx_depth > (int)o->iters && o->duration == 0)
		o->tx_depth = (int)o->iters;
	/* perftest: a post list without -Q signals once per list. */
	if (o->post_list > 1 && !o->cq_mod_set && !o->lat)
		o->cq_mod = o->post_list;
	if (o->cq_mod > o->tx_depth)
		o->cq_mod = o->tx_depth;
}

/* Combinations perftest refuses, with its words where it has them. */
static int
check(struct perf_opts *o)
{
	if (o->verb == PERF_ATOMIC && (o->all || o->size != PERF_ATOMIC_SIZE)) {
		fprintf(stderr, " Message size cannot be changed for Atomic tests\n");
		return -1;
	}
	if ((o->imm_write && o->verb != PERF_WRITE) || (o->imm_send && o->verb != PERF_SEND)) {
		fprintf(stderr, " --%s is for %s\n", o->imm_write ? "write_with_imm" :
			"send_with_imm", o->imm_write ? "write_bw and write_lat" :
			"send_bw and send_lat");
		return -1;
	}
	if (o->verb != PERF_ATOMIC && o->cmp_swap) {
		fprintf(stderr, " -A is for the atomic tests\n");
		return -1;
	}
	if (o->use_srq && o->verb != PERF_SEND) {
		fprintf(stderr, " Using SRQ only avavilible in SEND tests.\n");
		return -1;
	}
	if (o->lat && (o->bidir || o->qps > 1 || o->post_list > 1)) {
		fprintf(stderr, " %s is only available in BW tests\n",
			o->bidir ? "Bidirectional" : o->qps > 1 ? "More than 1 QP" : "Post list");
		return -1;
	}
	if (o->duration > 0 && (o->iters_set || o->all)) {
		fprintf(stderr, " Duration mode (-D) cannot be combined with %s\n",
			o->all ? "-a" : "-n");
		return -1;
	}
	if (o->post_list > 1 && o->duration == 0 && o->iters % (uint64_t)o->post_list != 0) {
		fprintf(stderr, " Number of iterations must be a multiple of post list size\n");
		return -1;
	}
	if (o->post_list > 1 && o->cq_mod_set && o->post_list % o->cq_mod != 0) {
		fprintf(stderr, " Post list size must be a multiple of CQ moderation\n");
		return -1;
	}
	if (o->post_list > o->tx_depth) {
		fprintf(stderr, " Post list (%d) cannot exceed the tx depth (%d)\n",
			o->post_list, o->tx_depth);
		return -1;
	}
	if (o->verb == PERF_SEND && o->use_srq && o->rx_depth < o->qps) {
		fprintf(stderr, " Using SRQ depth should be greater than number of QPs.\n");
		return -1;
	}
	if (o->lat && o->verb == PERF_WRITE && !o->imm && o->validate) {
		fprintf(stderr, " --data_validation is not available in write_lat (but with"
			" --write_with_imm)\n");
		return -1;
	}
	if (o->post_list > 1 && !o->cq_mod_set)
		printf("-------------------------------------------------------------------------"
		       "--------------\nPost List requested - CQ moderation will be the size of"
		       " the post list\n");
	return 0;
}

static int
set_addr(struct perf_opts *o)
{
	struct sockaddr_in *in = (struct sockaddr_in *)&o->addr;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&o->addr;

	memset(&o->addr, 0, sizeof(o->addr));
	if (o->server == NULL || inet_pton(AF_INET, o->server, &in->sin_addr) == 1) {
		in->sin_family = AF_INET;
		in->sin_port = htons(o->tcp_port);
		return 0;
	}
	if (inet_pton(AF_INET6, o->server, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(o->tcp_port);
		return 0;
	}
	fprintf(stderr, " %s: not an IPv4 or IPv6 address\n", o->server);
	return -1;
}

static int
positional(struct perf_opts *o, char **argv, int argc, bool named)
{
	if (!named) {
		if (optind >= argc || set_test(o, argv[optind]) != 0) {
			fprintf(stderr, " %s: name a test: send_bw write_bw read_bw atomic_bw"
				" send_lat write_lat read_lat atomic_lat\n",
				optind < argc ? argv[optind] : "droce-perf");
			return -1;
		}
		optind++;
	}
	if (optind < argc)
		o->server = argv[optind++];
	if (optind < argc) {
		fprintf(stderr, " unexpected argument: %s\n", argv[optind]);
		return -1;
	}
	return 0;
}

static int
parse_args(int argc, char **argv, struct perf_opts *o)
{
	static const struct option longopts[] = {
		APP_PORT_LONGOPTS,
		{ "size", required_argument, NULL, 's' },
		{ "all", no_argument, NULL, 'a' },
		{ "iters", required_argument, NULL, 'n' },
		{ "duration", required_argument, NULL, 'D' },
		{ "qp", required_argument, NULL, 'q' },
		{ "tx-depth", required_argument, NULL, 't' },
		{ "rx-depth", required_argument, NULL, 'r' },
		{ "inline_size", required_argument, NULL, 'I' },
		{ "cq-mod", required_argument, NULL, 'Q' },
		{ "post_list", required_argument, NULL, 'l' },
		{ "bidirectional", no_argument, NULL, 'b' },
		{ "port", required_argument, NULL, 'p' },
		{ "rdma_cm", no_argument, NULL, 'R' },
		{ "qp-timeout", required_argument, NULL, 'u' },
		{ "retry_count", required_argument, NULL, OPT_RETRY },
		{ "events", no_argument, NULL, 'e' },
		{ "report_gbits", no_argument, NULL, OPT_GBITS },
		{ "out_json", no_argument, NULL, OPT_JSON },
		{ "out_json_file", required_argument, NULL, OPT_JSON_FILE },
		{ "data_validation", no_argument, NULL, OPT_VALIDATE },
		{ "use-srq", no_argument, NULL, OPT_SRQ },
		{ "write_with_imm", no_argument, NULL, OPT_WIMM },
		{ "send_with_imm", no_argument, NULL, OPT_SIMM },
		{ "cpu_util", no_argument, NULL, OPT_CPU },
		{ "atomic_type", required_argument, NULL, 'A' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *base = basename(argv[0]);
	bool named = strncmp(base, "droce_", 6) == 0 && set_test(o, base + 6) == 0;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "s:an:D:q:t:r:m:I:Q:l:bp:Ru:eA:h", longopts,
				  NULL)) != -1) {
		ret = app_port_opt(&o->port, opt, optarg);
		if (ret < 0)
			return -1;
		if (ret > 0)
			continue;
		if (opt == 'h') {
			usage(argv[0]);
			exit(0);
		}
		if (perf_opt(o, opt, optarg) != 0) {
			if (opt == '?')
				fprintf(stderr, " see %s --help\n", argv[0]);
			return -1;
		}
	}
	if (positional(o, argv, argc, named) != 0)
		return -1;
	defaults(o);
	if (check(o) != 0 || set_addr(o) != 0)
		return -1;
	return app_port_opts_check(&o->port);
}

static int
run(struct perf *p)
{
	int ret = res_open(p);

	if (ret == 0)
		ret = conn_setup(p);
	if (ret != 0)
		return ret;
	report_banner(p);
	/*
	 * Without a worker lcore (--lcores with one CPU) the test thread polls the engine
	 * itself while it measures, as perftest's thread drives its NIC; -e sleeps on
	 * notifications instead, so a thread of ours keeps polling.
	 */
	p->rtc = !p->o->events && app_engine_take(p->ae);
	ret = p->o->lat ? lat_run(p) : bw_run(p);
	app_engine_give(p->ae);
	p->rtc = false;
	if (ret != 0 && ret != -EBADMSG)
		fprintf(stderr, " Test exited with Error (%s)\n", droce_strerror(ret));
	return ret;
}

int
main(int argc, char **argv)
{
	struct perf_opts o = { .tcp_port = PERF_PORT, .qps = 1, .cq_mod = 100,
			       .post_list = 1, .qp_timeout = 14, .retry_count = 7 };
	struct perf p = { .o = &o };
	struct app_engine ae = { 0 };
	int ret = -1;

	if (parse_args(argc, argv, &o) != 0) {
		app_port_opts_free(&o.port);
		return 1;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	sem_init(&p.sem, 0, 0);
	srand48(getpid());
	if (app_port_open(argv[0], &o.port, &p.port) != 0) {
		app_port_opts_free(&o.port);
		return 1;
	}
	if (app_engine_start("droce-perf", "perf", p.port, &o.port, &ae) == 0) {
		p.eng = ae.eng;
		p.ae = &ae;
		ret = run(&p);
	}
	if (p.ad != NULL)
		conn_teardown(&p);
	res_close(&p);
	app_engine_stop(&ae);
	app_port_close(&o.port, p.port);
	sem_destroy(&p.sem);
	return ret == 0 ? 0 : 1;
}
