/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rc-pingpong: rdma-core's ibv_rc_pingpong, on the droce engine, so that a real RoCEv2
 * peer (Linux rxe) can run the other side. Same TCP exchange on port 18515: a 52-byte
 * "LID:QPN:PSN:GID" record each way (GID as 32 hex digits of its bytes), then the client
 * sends "done"; same QP settings (path MTU 1024, timeout 14, retry 7, RNR retry 7, min
 * RNR timer 12); same ping-pong of SENDs. ibv_rc_pingpong receives into and sends from
 * one buffer, so it echoes what it receives: every iteration droce sends a different
 * pattern and checks that exactly that comes back.
 *
 *   rc-pingpong --vdev <devargs> --ip <addr>/<len> [-n iters] [-s size] [-p port] [server]
 *
 * Prints "rc-pingpong: ok <n> iters <bytes> bytes verified" or "rc-pingpong: FAIL ...".
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <getopt.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>

#include "pmd_api.h"
#include "roce_hdr.h"
#include "roce_pkt.h"

#define MSG_LEN		sizeof("0000:000000:000000:00000000000000000000000000000000")
#define RX_DEPTH	64
#define WAIT_S		30

static struct {
	const char *vdev;
	const char *ip;
	const char *server;
	unsigned int iters;
	unsigned int size;
	unsigned int port;
	struct port *eport;
	struct eng *eng;
	struct eng_cq *cq;
	struct eng_qp *qp;
	struct eng_mr *mr;
	uint8_t *buf;			/* [0, size): send; then RX_DEPTH receive slots */
	uint8_t gid[16];
	uint32_t psn;
} P = { .iters = 1000, .size = 4096, .port = 18515 };

static void __attribute__((noreturn, format(printf, 1, 2)))
fail(const char *fmt, ...)
{
	va_list ap;

	printf("rc-pingpong: FAIL ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	exit(1);
}

static void
eal_init(const char *prog)
{
	char prefix[64], vdev[512], lcores[64];
	char *argv[] = { (char *)prog, "--no-huge", "-m", "512", "--no-pci", "--no-shconf",
			 prefix, vdev, lcores, "--log-level=lib.eal:warning", NULL };
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	/* droce-<pid> as droce_eal_init() names it: a later one removes the directory DPDK
	 * leaves once this process is gone. */
	snprintf(prefix, sizeof(prefix), "--file-prefix=droce-%d", (int)getpid());
	snprintf(vdev, sizeof(vdev), "--vdev=%s", P.vdev);
	/* Not pinned: two of these on a small machine must not share one CPU. */
	snprintf(lcores, sizeof(lcores), "--lcores=0@(0-%ld)", ncpu > 1 ? ncpu - 1 : 0);
	if (rte_eal_init(10, argv) < 0)
		fail("EAL init");
}

/* ibv_rc_pingpong's wire form: the 16 GID bytes in order, as 32 hex digits. */
static void
gid_to_wire(const uint8_t gid[16], char *out)
{
	int i;

	for (i = 0; i < 16; i++)
		sprintf(out + 2 * i, "%02x", gid[i]);
}

static int
wire_to_gid(const char *in, uint8_t gid[16])
{
	unsigned int b, i;

	if (strlen(in) != 32)
		return -1;
	for (i = 0; i < 16; i++) {
		if (sscanf(in + 2 * i, "%2x", &b) != 1)
			return -1;
		gid[i] = b;
	}
	return 0;
}

static void
poll_once(void)
{
	eng_poll(P.eng, 0);
}

/* "a.b.c.d/len" -> IPv4-mapped GID and prefix. */
static int
parse_ip(const char *s, uint8_t gid[16], uint8_t *prefix)
{
	char buf[32];
	const char *slash = strchr(s, '/');
	unsigned long len = 32;

	if (slash == NULL || (size_t)(slash - s) >= sizeof(buf))
		return -1;
	memcpy(buf, s, slash - s);
	buf[slash - s] = '\0';
	len = strtoul(slash + 1, NULL, 10);
	memset(gid, 0, 16);
	gid[10] = gid[11] = 0xff;
	if (inet_pton(AF_INET, buf, gid + 12) != 1 || len == 0 || len > 32)
		return -1;
	*prefix = (uint8_t)len;
	return 0;
}

static void
port_up(void)
{
	struct port_conf pc = { 0 };
	struct eng_conf ec = { .nb_slots = 1, .name = "pp" };
	uint8_t prefix;

	if (parse_ip(P.ip, P.gid, &prefix) != 0)
		fail("--ip %s: not an IPv4 address with a prefix", P.ip);
	if (port_attach(P.vdev, &pc, &P.eport) != 0 ||
	    port_addr_add(P.eport, P.gid, prefix) < 0)
		fail("cannot attach %s", P.vdev);
	ec.port = P.eport;
	if (eng_create(&ec, &P.eng) != 0 || eng_cq_create(P.eng, 4 * RX_DEPTH, &P.cq) != 0)
		fail("engine");
}

static void
qp_up(void)
{
	struct eng_qp_init in = { .type = ENG_QPT_RC, .pd = 1, .send_cq = P.cq,
				  .recv_cq = P.cq, .sq_depth = 16, .rq_depth = RX_DEPTH };
	struct eng_qp_attr a = { .state = ENG_QPS_INIT };
	size_t len = (size_t)P.size * (RX_DEPTH + 1);

	P.buf = aligned_alloc(4096, RTE_ALIGN_CEIL(len, 4096));
	if (P.buf == NULL ||
	    eng_mr_reg(P.eng, 1, P.buf, len, ENG_ACCESS_LOCAL_WRITE, &P.mr) != 0 ||
	    eng_qp_create(P.eng, &in, &P.qp) != 0 || eng_qp_modify(P.qp, &a) != 0)
		fail("QP setup");
	P.psn = (uint32_t)(rte_rdtsc() ^ getpid()) & ROCE_PSN_MASK;
}

static void
post_recv(unsigned int slot)
{
	struct eng_recv_wr wr = { .wr_id = 100 + slot, .num_sge = 1 };

	wr.sge[0] = (struct eng_sge){ (uintptr_t)(P.buf + (size_t)P.size * (1 + slot)), P.size,
				      eng_mr_lkey(P.mr) };
	if (eng_post_recv(P.qp, &wr) != 0)
		fail("post receive");
}

/* The peer's record -> RTR/RTS with ibv_rc_pingpong's settings. */
static void
connect_qp(const char *msg)
{
	struct eng_qp_attr a = { .path_mtu = 1024, .timeout = 14, .retry_cnt = 7,
				 .rnr_retry = 7, .min_rnr_timer = 12, .max_rd_atomic = 1,
				 .max_dest_rd_atomic = 1, .hop_limit = 64 };
	unsigned int lid, qpn, psn;
	char gid[40];
	uint64_t end = rte_get_timer_cycles() + WAIT_S * rte_get_timer_hz();
	int ret;

	if (sscanf(msg, "%x:%x:%x:%39s", &lid, &qpn, &psn, gid) != 4 ||
	    wire_to_gid(gid, a.dgid) != 0)
		fail("peer record '%.*s'", (int)MSG_LEN, msg);
	printf("  remote address: LID 0x%04x, QPN 0x%06x, PSN 0x%06x, GID %s\n", lid, qpn, psn,
	       gid);
	while ((ret = port_neigh_resolve(P.eport, a.dgid, a.dmac)) != 0) {
		if ((ret != -EAGAIN && ret != -EHOSTUNREACH) || rte_get_timer_cycles() > end)
			fail("cannot resolve the peer's MAC: %s", strerror(-ret));
		poll_once();
	}
	memcpy(a.sgid, P.gid, 16);
	a.dest_qpn = qpn;
	a.rq_psn = psn;
	a.sq_psn = P.psn;
	a.state = ENG_QPS_RTR;
	if (eng_qp_modify(P.qp, &a) != 0)
		fail("RTR");
	a.state = ENG_QPS_RTS;
	if (eng_qp_modify(P.qp, &a) != 0)
		fail("RTS");
}

static void
my_record(char *msg)
{
	char gid[33];

	gid_to_wire(P.gid, gid);
	snprintf(msg, MSG_LEN, "%04x:%06x:%06x:%s", 0, eng_qp_num(P.qp), P.psn, gid);
	printf("  local address:  LID 0x0000, QPN 0x%06x, PSN 0x%06x, GID %s\n",
	       eng_qp_num(P.qp), P.psn, gid);
}

/*
 * Move len bytes over the TCP connection, polling the engine meanwhile: the peer may
 * need our ARP answers before it gets to its side of the exchange.
 */
static void
xfer_len(int fd, char *msg, size_t len, bool out)
{
	uint64_t end = rte_get_timer_cycles() + WAIT_S * rte_get_timer_hz();
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = out ? send(fd, msg + done, len - done, MSG_DONTWAIT | MSG_NOSIGNAL) :
			  recv(fd, msg + done, len - done, MSG_DONTWAIT);
		if (n > 0) {
			done += n;
			continue;
		}
		if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
			fail("TCP exchange: %s", n == 0 ? "closed by the peer" : strerror(errno));
		if (rte_get_timer_cycles() > end)
			fail("TCP exchange: no answer in %d s", WAIT_S);
		poll_once();
	}
}

static void
xfer(int fd, char *msg, bool out)
{
	xfer_len(fd, msg, MSG_LEN, out);
}

/* Client: connect, send ours, read theirs, send "done" (as pp_client_exch_dest). */
static void
exchange_client(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(P.port) };
	char msg[MSG_LEN];
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (inet_pton(AF_INET, P.server, &sa.sin_addr) != 1 ||
	    connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0)
		fail("cannot connect to %s:%u: %s", P.server, P.port, strerror(errno));
	my_record(msg);
	xfer(fd, msg, true);
	xfer(fd, msg, false);
	xfer_len(fd, (char *)"done", sizeof("done"), true);
	close(fd);
	connect_qp(msg);
}

/* Server: read theirs, connect, send ours, read "done" (as pp_server_exch_dest). */
static void
exchange_server(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(P.port) };
	char msg[MSG_LEN];
	int one = 1, lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), fd;

	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(lfd, 1) != 0)
		fail("cannot listen on port %u: %s", P.port, strerror(errno));
	printf("rc-pingpong: listening on port %u\n", P.port);
	fflush(stdout);
	while ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK)) < 0) {
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			fail("accept: %s", strerror(errno));
		poll_once();
	}
	close(lfd);
	xfer(fd, msg, false);
	connect_qp(msg);
	my_record(msg);
	xfer(fd, msg, true);
	xfer_len(fd, msg, sizeof("done"), false);
	close(fd);
}

/* SEND the send buffer as it is. */
static void
post_send(void)
{
	struct eng_send_wr wr = { .wr_id = 1, .opcode = ENG_WR_SEND, .flags = ENG_WR_SIGNALED,
				  .num_sge = 1 };

	wr.sge[0] = (struct eng_sge){ (uintptr_t)P.buf, P.size, eng_mr_lkey(P.mr) };
	if (eng_post_send(P.qp, &wr) != 0)
		fail("post send");
}

/* Client: a pattern of its own each iteration, so the echo proves this message came back. */
static void
fill_send(unsigned int iter)
{
	unsigned int i;

	for (i = 0; i < P.size; i++)
		P.buf[i] = (uint8_t)(iter * 31 + i * 7 + (i >> 8));
}

/* One completion (send or receive) within the time limit. */
static struct eng_cqe
wait_cqe(void)
{
	uint64_t end = rte_get_timer_cycles() + WAIT_S * rte_get_timer_hz();
	struct eng_cqe c;

	while (eng_cq_poll(P.cq, &c, 1) == 0) {
		if (rte_get_timer_cycles() > end)
			fail("no completion in %d s (QP %s)", WAIT_S,
			     eng_qp_state_names[eng_qp_state(P.qp)]);
		poll_once();
	}
	if (c.status != ENG_WC_SUCCESS)
		fail("wr_id %" PRIu64 ": %s", c.wr_id, eng_wc_status_names[c.status]);
	return c;
}

/* The echo of what we sent (client), or what the peer sent (server: kept to send back). */
static void
check_recv(const struct eng_cqe *c, unsigned int iter, bool client)
{
	const uint8_t *got = P.buf + (size_t)P.size * (1 + (c->wr_id - 100));

	if (c->byte_len != P.size)
		fail("iteration %u: received %u bytes, want %u", iter, c->byte_len, P.size);
	if (client && memcmp(got, P.buf, P.size) != 0)
		fail("iteration %u: the echo differs from what was sent", iter);
	if (!client)
		memcpy(P.buf, got, P.size);	/* like ibv_rc_pingpong: send back what came */
}

static void
pingpong(bool client)
{
	uint64_t t0 = rte_get_timer_cycles();
	unsigned int iter, got;
	double s;

	for (iter = 0; iter < P.iters; iter++) {
		if (client) {
			fill_send(iter);
			post_send();
		}
		for (got = 0; got < (client ? 2u : 1u); got++) {
			struct eng_cqe c = wait_cqe();

			if (c.wr_id >= 100) {
				check_recv(&c, iter, client);
				post_recv(c.wr_id - 100);
			} else if (!client) {
				fail("unexpected send completion");
			}
		}
		if (!client) {
			post_send();
			if (wait_cqe().wr_id != 1)
				fail("expected the send completion");
		}
	}
	s = (double)(rte_get_timer_cycles() - t0) / rte_get_timer_hz();
	printf("rc-pingpong: ok %u iters %llu bytes verified in %.2f s (%.1f usec/iter)\n",
	       P.iters, (unsigned long long)P.iters * P.size * 2, s, s * 1e6 / P.iters);
}

static void
print_counters(void)
{
	struct pmd_xstat xs[64];
	int i, n = eng_xstats(P.eng, xs, RTE_DIM(xs));

	printf("rc-pingpong: engine");
	for (i = 0; i < n && i < (int)RTE_DIM(xs); i++)
		if (xs[i].value != 0)
			printf(" %s=%" PRIu64, xs[i].name, xs[i].value);
	printf("\n");
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "vdev", 1, NULL, 'v' }, { "ip", 1, NULL, 'i' }, { "iters", 1, NULL, 'n' },
		{ "size", 1, NULL, 's' }, { "port", 1, NULL, 'p' }, { NULL, 0, NULL, 0 },
	};
	uint64_t t_end;
	unsigned int i;
	int c;

	while ((c = getopt_long(argc, argv, "n:s:p:", opts, NULL)) != -1) {
		if (c == 'v')
			P.vdev = optarg;
		else if (c == 'i')
			P.ip = optarg;
		else if (c == 'n')
			P.iters = strtoul(optarg, NULL, 0);
		else if (c == 's')
			P.size = strtoul(optarg, NULL, 0);
		else if (c == 'p')
			P.port = strtoul(optarg, NULL, 0);
		else
			fail("usage: rc-pingpong --vdev D --ip A/L [-n N] [-s S] [-p P] [server]");
	}
	if (optind < argc)
		P.server = argv[optind];
	if (P.vdev == NULL || P.ip == NULL || P.size == 0 || P.size > (1 << 20))
		fail("usage: rc-pingpong --vdev D --ip A/L [-n N] [-s S] [-p P] [server]");
	setvbuf(stdout, NULL, _IOLBF, 0);
	eal_init(argv[0]);
	port_up();
	qp_up();
	for (i = 0; i < RX_DEPTH; i++)
		post_recv(i);
	if (P.server != NULL)
		exchange_client();
	else
		exchange_server();
	pingpong(P.server != NULL);
	/* Keep answering a while: our last ACK may need resending after a loss. */
	t_end = rte_get_timer_cycles() + rte_get_timer_hz() / 2;
	while (rte_get_timer_cycles() < t_end)
		poll_once();
	print_counters();
	return 0;
}
