/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rc-peer: one end of a long, verified RC workload between two processes over a real link
 * (net_memif, net_af_packet on a veth pair), for rc_link.py. One engine with one poll
 * slot on one port, polled from main().
 *
 * The client drives a mixed sequence per QP: SEND, SEND with immediate, WRITE (each read
 * back at once), WRITE with immediate, READ of a fixed pattern, CMP_SWAP chains and
 * FETCH_ADD. The operation and size of message i of a QP are a pure function of (seed,
 * QP, i), and so is every payload byte: the server checks what it receives on its own
 * (bytes, lengths, immediate data = i), in order and each exactly once. A FETCH_ADD
 * returns how many ran before it; a CMP_SWAP succeeds only if the one before it ran
 * exactly once. QPNs, PSNs, rkeys and addresses go through files (<exchange>.client and
 * .server, written atomically), the test's stand-in for the CM; the client ends with a
 * marker SEND per QP and <exchange>.client.done.
 *
 * Prints "rc_peer <role>: ok ..." with the counters and exits 0, or "rc_peer <role>: FAIL
 * <reason>" and exits 1 (2: usage).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>

#include "pmd_api.h"
#include "roce_pkt.h"

#define MAX_QPS		16
/*
 * Per QP: WIN WRs outstanding (client), 2 * WIN receives posted (server; more than WIN:
 * no RNR) and 4 * WIN WRITE targets (message i uses i % NB_WSLOT, so one is checked
 * before it is written again). WIN shrinks for large messages, to keep each QP's memory
 * near 64 MiB; both peers derive it from --size-max, which they check agree.
 */
#define WIN_MAX		64
#define WIN		(P.win)
#define NB_RECV		(2 * P.win)
#define NB_WSLOT	(4 * P.win)
#define CQ_DEPTH	4096
#define PD		1
#define MARKER_IMM	0xffffffffu
#define MARKER_MAGIC	0x72635f7065657221ull
#define POISON		0xee
#define KEY_STATIC	(1ull << 47)	/* pattern of the READ-only region */
#define KEY_CHAIN	(1ull << 46)	/* CMP_SWAP chain values */
#define ACC_REMOTE	(ENG_ACCESS_REMOTE_WRITE | ENG_ACCESS_REMOTE_READ | \
			 ENG_ACCESS_REMOTE_ATOMIC)
#define NB_FAULTS	4
#define PATH_LEN	1100

enum kind { K_PLAIN, K_READ, K_ATOMIC };

/* A work request in flight on the client, in posting order. */
struct pend {
	uint64_t i;			/* message index */
	uint8_t op, kind;
	uint32_t len;
	uint64_t key, off;		/* K_READ: the pattern expected there */
	uint64_t expect;		/* K_ATOMIC: the original value */
};

struct pqp {
	struct eng_qp *qp;
	struct eng_mr *mr;
	uint8_t *mem;
	uint32_t psn, r_qpn, r_psn, r_rkey;	/* ours; the peer's QP, PSN, rkey, memory */
	uint64_t r_base;
	uint64_t nops;			/* client: messages issued; server: next to expect */
	uint64_t posted, done;		/* client: WRs */
	uint64_t nrecv;			/* receive-consuming messages sent / received */
	uint64_t nadds, ncas;		/* FETCH_ADDs issued; CMP_SWAP chain position */
	bool finished;			/* server: end marker received */
	struct pend win[WIN_MAX];
};

struct marker {
	uint64_t magic, nops, nrecv, nadds, ncas;
};

static struct {
	/* options */
	const char *vdev, *exchange, *role;
	bool server;
	uint8_t ip[16], peer[16], prefix, timeout, retry, ord;
	unsigned int qps;
	uint64_t iters, seed;
	double duration, wait, linger, fault[NB_FAULTS];
	uint32_t size_max;
	uint32_t win;			/* WRs outstanding per QP, from size_max */
	/* state */
	struct port *port;
	struct eng *eng;
	struct eng_cq *scq, *rcq;
	struct pqp q[MAX_QPS];
	uint8_t peer_mac[6];
	uint32_t pmtu, slot;
	size_t off_static, off_atomic;	/* server memory: recv, WRITE targets, these */
	uint64_t rng, frng, msgs, bytes, hz, last_progress;
} P;

static volatile sig_atomic_t stop;

static const char *const op_names[ENG_WR_MAX] = {
	"SEND", "SEND_IMM", "SEND_INV", "WRITE", "WRITE_IMM", "READ", "CMP_SWAP", "FETCH_ADD",
	"LOCAL_INV",
};

static const uint8_t wc_of[ENG_WR_MAX] = {
	[ENG_WR_WRITE] = ENG_WC_WRITE, [ENG_WR_WRITE_IMM] = ENG_WC_WRITE,
	[ENG_WR_READ] = ENG_WC_READ, [ENG_WR_CMP_SWAP] = ENG_WC_CMP_SWAP,
	[ENG_WR_FETCH_ADD] = ENG_WC_FETCH_ADD,		/* SENDs: ENG_WC_SEND (0) */
};

/* Share of each operation in the mix, percent. */
static const struct { uint8_t op, pct; } op_mix[] = {
	{ ENG_WR_SEND, 25 }, { ENG_WR_SEND_IMM, 5 }, { ENG_WR_WRITE, 20 },
	{ ENG_WR_WRITE_IMM, 15 }, { ENG_WR_READ, 15 }, { ENG_WR_CMP_SWAP, 10 },
	{ ENG_WR_FETCH_ADD, 10 },
};

/* The port's counters on one line; head and the engine's counters on the next. */
static void
print_counters(const char *head)
{
	struct pmd_xstat xs[256];
	int i, n;

	if (P.port != NULL) {
		n = RTE_MIN(port_xstats(P.port, xs, RTE_DIM(xs)), (int)RTE_DIM(xs));
		printf("rc_peer %s: port", P.role);
		for (i = 0; i < n; i++)
			printf(" %s=%" PRIu64, xs[i].name, xs[i].value);
		printf("\n");
	}
	printf("rc_peer %s: %s", P.role, head);
	n = P.eng != NULL ? RTE_MIN(eng_xstats(P.eng, xs, RTE_DIM(xs)), (int)RTE_DIM(xs)) : 0;
	for (i = 0; i < n; i++)
		printf(" %s=%" PRIu64, xs[i].name, xs[i].value);
	printf("\n");
}

/* Each QP's state and oldest outstanding WR, the counters, then the FAIL line. */
static __rte_noreturn void __rte_format_printf(1, 2)
fail(const char *fmt, ...)
{
	unsigned int k;
	char why[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	for (k = 0; k < P.qps && P.q[k].qp != NULL; k++) {
		const struct pqp *q = &P.q[k];
		const struct pend *pd = &q->win[q->done % WIN];

		printf("rc_peer %s: qp %u (QPN %u) %s: messages %" PRIu64 ", receives %" PRIu64
		       ", WRs %" PRIu64 " posted %" PRIu64 " done", P.role, k, eng_qp_num(q->qp),
		       eng_qp_state_names[eng_qp_state(q->qp)], q->nops, q->nrecv, q->posted,
		       q->done);
		if (q->done < q->posted)
			printf("; oldest: %s of %u bytes, message %" PRIu64, op_names[pd->op],
			       pd->len, pd->i);
		printf("\n");
	}
	print_counters("counters");
	printf("rc_peer %s: FAIL %s\n", P.role, why);
	exit(1);
}

/* A flushed WR did not fail itself: its QP had gone to error (the counters say why). */
#define FLUSH_HINT(st)	((st) == ENG_WC_WR_FLUSH_ERR ? " (the QP had gone to error)" : "")

static uint64_t
mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

static uint64_t
msg_key(unsigned int qp, uint64_t i)
{
	return mix64(P.seed ^ mix64((uint64_t)qp << 56 ^ i));
}

static uint64_t
chain_val(unsigned int qp, uint64_t j)
{
	return j == 0 ? 0 : mix64(msg_key(qp, KEY_CHAIN + j)) | 1;
}

/*
 * Byte off of key's pattern: a hash per 8-byte word, so any subrange can be checked on
 * its own. With check, returns the first byte that differs (or -1) instead of writing.
 */
static long
pattern(uint8_t *p, uint64_t key, uint64_t off, uint32_t len, bool check)
{
	uint64_t w = 0;
	uint32_t k;

	for (k = 0; k < len; k++, off++) {
		if (k == 0 || (off & 7) == 0)
			w = mix64(key ^ (off >> 3));
		if (!check)
			p[k] = (uint8_t)(w >> ((off & 7) * 8));
		else if (p[k] != (uint8_t)(w >> ((off & 7) * 8)))
			return (long)k;
	}
	return -1;
}

/* Message i of QP qp: operation and size, the same on both sides. */
static void
gen(unsigned int qp, uint64_t i, uint8_t *op, uint32_t *len)
{
	const uint32_t m = P.pmtu, mx = P.size_max;
	const uint32_t edge[] = { 0, 1, 7, 8, m - 1, m, m + 1, 2 * m - 1, 2 * m, 2 * m + 1,
				  3 * m, mx - 1, mx };
	uint64_t r = mix64(msg_key(qp, i) + 1);
	uint32_t pick = (uint32_t)(r % 100);
	unsigned int k;

	for (k = 0; pick >= op_mix[k].pct; k++)
		pick -= op_mix[k].pct;
	*op = op_mix[k].op;
	r >>= 8;
	/* A quarter on the path MTU's edges, the rest anywhere in [0, size_max]. */
	if ((r & 3) == 0)
		*len = RTE_MIN(edge[(r >> 2) % RTE_DIM(edge)], mx);
	else
		*len = (uint32_t)((r >> 2) % (mx + 1));
}

static bool
consumes_recv(uint8_t op)
{
	return op == ENG_WR_SEND || op == ENG_WR_SEND_IMM || op == ENG_WR_WRITE_IMM;
}

static size_t
off_wslot(uint64_t i)
{
	return (NB_RECV + i % NB_WSLOT) * (size_t)P.slot;
}

static void
poll_once(void)
{
	int ret = eng_poll(P.eng, 0);

	if (ret < 0)
		fail("eng_poll: %s", strerror(-ret));
	if (stop)
		fail("stopped by a signal");
}

static void
check_stall(void)
{
	if (rte_get_timer_cycles() - P.last_progress > (uint64_t)(P.wait * P.hz))
		fail("no progress for %.0f s", P.wait);
}

/* Seeded random faults on the packets this engine sends (drop, dup, hold, corrupt). */
static enum eng_fault
fault_hook(void *arg, const struct roce_pkt *p)
{
	static const enum eng_fault act[NB_FAULTS] = {
		ENG_FAULT_DROP, ENG_FAULT_DUP, ENG_FAULT_HOLD, ENG_FAULT_CORRUPT,
	};
	double x;
	int k;

	RTE_SET_USED(arg);
	RTE_SET_USED(p);
	P.frng = mix64(P.frng);
	x = (double)(P.frng >> 11) * 0x1p-53 * 100.0;
	for (k = 0; k < NB_FAULTS; x -= P.fault[k], k++)
		if (x < P.fault[k])
			return act[k];
	return ENG_FAULT_PASS;
}

/* Exchange files. */

static void
write_info(void)
{
	char path[PATH_LEN], tmp[PATH_LEN + 8];
	unsigned int k;
	FILE *f;

	snprintf(path, sizeof(path), "%s.%s", P.exchange, P.role);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (f == NULL)
		fail("cannot write %s", tmp);
	fprintf(f, "seed %" PRIu64 " size_max %u pmtu %u qps %u\n", P.seed, P.size_max,
		port_path_mtu(P.port), P.qps);
	for (k = 0; k < P.qps; k++)
		fprintf(f, "qp %u %u %u %" PRIu64 "\n", eng_qp_num(P.q[k].qp), P.q[k].psn,
			eng_mr_rkey(P.q[k].mr), (uint64_t)(uintptr_t)P.q[k].mem);
	/* Written whole, then renamed: the peer never reads half a file. */
	if (fflush(f) != 0 || fsync(fileno(f)) != 0 || fclose(f) != 0 || rename(tmp, path) != 0)
		fail("cannot write %s", path);
}

/* Wait for the peer's file, polling the engine meanwhile (the peer may ask our MAC). */
static void
read_info(void)
{
	uint64_t seed, end = rte_get_timer_cycles() + (uint64_t)(P.wait * P.hz);
	uint32_t size_max, pmtu;
	char path[PATH_LEN];
	unsigned int k, qps;
	FILE *f;

	snprintf(path, sizeof(path), "%s.%s", P.exchange, P.server ? "client" : "server");
	while (access(path, F_OK) != 0) {
		if (rte_get_timer_cycles() > end)
			fail("no %s within %.0f s", path, P.wait);
		poll_once();
	}
	f = fopen(path, "r");
	if (f == NULL || fscanf(f, "seed %" SCNu64 " size_max %u pmtu %u qps %u", &seed,
				&size_max, &pmtu, &qps) != 4 || qps != P.qps)
		fail("%s: unreadable, or not %u QPs", path, P.qps);
	for (k = 0; k < qps; k++)
		if (fscanf(f, " qp %u %u %u %" SCNu64, &P.q[k].r_qpn, &P.q[k].r_psn,
			   &P.q[k].r_rkey, &P.q[k].r_base) != 4)
			fail("%s: QP %u unreadable", path, k);
	fclose(f);
	/* Our memory is laid out for our --size-max already: the peers must agree. */
	if (size_max != P.size_max)
		fail("--size-max %u here, %u on the peer", P.size_max, size_max);
	/* The client's seed defines the workload; the smaller path MTU wins. */
	if (P.server)
		P.seed = seed;
	P.pmtu = RTE_MIN(pmtu, port_path_mtu(P.port));
}

/* Setup. */

static int
eal_init(const char *prog)
{
	char a0[256], prefix[64], vdev[PATH_LEN], lcores[300];
	char a1[] = "--no-huge", a2[] = "-m", a3[] = "512", a4[] = "--no-pci";
	char a5[] = "--no-shconf", a6[] = "--log-level=lib.eal:warning";
	char *argv[] = { a0, a1, a2, a3, a4, a5, a6, prefix, vdev, lcores, NULL };
	size_t off = (size_t)snprintf(lcores, sizeof(lcores), "--lcores=0@(");
	cpu_set_t set;
	int cpu;

	snprintf(a0, sizeof(a0), "%s", prog);
	/* droce-<pid> as droce_eal_init() names it: a later one removes the directory DPDK
	 * leaves once this process is gone. */
	snprintf(prefix, sizeof(prefix), "--file-prefix=droce-%d", (int)getpid());
	snprintf(vdev, sizeof(vdev), "--vdev=%s", P.vdev);
	/* One lcore the kernel may move between our CPUs: two busy peers on two cores. */
	if (sched_getaffinity(0, sizeof(set), &set) != 0)
		CPU_ZERO(&set);
	for (cpu = 0; cpu < CPU_SETSIZE && off < sizeof(lcores) - 8; cpu++)
		if (CPU_ISSET(cpu, &set))
			off += (size_t)snprintf(lcores + off, sizeof(lcores) - off, "%d,", cpu);
	if (lcores[off - 1] == ',')
		lcores[off - 1] = ')';
	else
		snprintf(lcores, sizeof(lcores), "--lcores=0");
	return rte_eal_init((int)RTE_DIM(argv) - 1, argv);
}

static void
setup_qp(unsigned int k)
{
	struct eng_qp_init in = { .type = ENG_QPT_RC, .pd = PD, .send_cq = P.scq,
				  .recv_cq = P.rcq, .sq_depth = WIN, .rq_depth = NB_RECV };
	struct pqp *q = &P.q[k];
	size_t len = RTE_ALIGN_CEIL(P.server ? P.off_atomic + 64 : (size_t)WIN * P.slot, 4096);
	int ret;

	q->mem = aligned_alloc(4096, len);
	if (q->mem == NULL)
		fail("no memory for QP %u", k);
	memset(q->mem, 0, len);
	ret = eng_mr_reg(P.eng, PD, q->mem, len, ENG_ACCESS_LOCAL_WRITE |
			 (P.server ? ACC_REMOTE : 0), &q->mr);
	ret = ret ?: eng_qp_create(P.eng, &in, &q->qp);
	if (ret != 0)
		fail("QP %u: %s", k, strerror(-ret));
	/* QP 0 starts just below the PSN wrap, the others anywhere. */
	q->psn = (uint32_t)mix64(P.seed ^ (P.server ? 0x5e : 0xc1) ^ (uint64_t)k << 8);
	q->psn = k == 0 ? 0xffffff - (q->psn & 0x3f) : q->psn & 0xffffff;
}

static void
setup(void)
{
	struct port_conf pc = { .nb_txq = 1, .neigh_retry_ms = 200 };
	struct eng_conf ec = { .nb_slots = 1, .name = "rc_peer" };
	uint64_t end;
	unsigned int k;
	int ret;

	ret = port_attach(P.vdev, &pc, &P.port);
	if (ret != 0)
		fail("cannot attach %s: %s", P.vdev, strerror(-ret));
	ret = port_addr_add(P.port, P.ip, P.prefix);
	ec.port = P.port;
	ret = ret < 0 ? ret : eng_create(&ec, &P.eng);
	ret = ret ?: eng_cq_create(P.eng, CQ_DEPTH, &P.scq);
	ret = ret ?: eng_cq_create(P.eng, CQ_DEPTH, &P.rcq);
	if (ret != 0)
		fail("address or engine: %s", strerror(-ret));
	P.slot = RTE_ALIGN_CEIL(RTE_MAX(P.size_max, 64u), 64);
	P.win = RTE_MAX(4u, RTE_MIN((uint32_t)WIN_MAX, (uint32_t)((64u << 20) / (4 * P.slot))));
	P.off_static = (NB_RECV + NB_WSLOT) * (size_t)P.slot;
	P.off_atomic = P.off_static + 2 * (size_t)P.slot;	/* counter, then chain */
	for (k = 0; k < P.qps; k++)
		setup_qp(k);
	if (P.fault[0] + P.fault[1] + P.fault[2] + P.fault[3] > 0) {
		P.frng = mix64(P.seed ^ (P.server ? 0xfa5 : 0xfac));
		eng_set_fault_hook(P.eng, fault_hook, NULL);
	}
	printf("rc_peer %s: attached %s path_mtu %u\n", P.role, P.vdev,
	       port_path_mtu(P.port));
	end = rte_get_timer_cycles() + (uint64_t)(P.wait * P.hz);
	while ((ret = port_neigh_resolve(P.port, P.peer, P.peer_mac)) != 0) {
		if ((ret != -EAGAIN && ret != -EHOSTUNREACH) || rte_get_timer_cycles() > end)
			fail("cannot resolve the peer: %s", strerror(-ret));
		poll_once();
	}
}

static void
post_recv(struct pqp *q, uint32_t j)
{
	struct eng_recv_wr wr = { .wr_id = j, .num_sge = 1 };
	uint8_t *buf = q->mem + (size_t)j * P.slot;
	int ret;

	memset(buf, POISON, P.slot);
	wr.sge[0] = (struct eng_sge){ (uint64_t)(uintptr_t)buf, P.slot, eng_mr_lkey(q->mr) };
	ret = eng_post_recv(q->qp, &wr);
	if (ret != 0)
		fail("post receive: %s", strerror(-ret));
}

static void
connect_qp(unsigned int k)
{
	static const enum eng_qp_state steps[] = { ENG_QPS_INIT, ENG_QPS_RTR, ENG_QPS_RTS };
	struct pqp *q = &P.q[k];
	struct eng_qp_attr a = {
		.dest_qpn = q->r_qpn, .hop_limit = 64, .path_mtu = P.pmtu, .rq_psn = q->r_psn,
		.sq_psn = q->psn, .timeout = P.timeout, .retry_cnt = P.retry, .rnr_retry = 7,
		.min_rnr_timer = 1, .max_rd_atomic = P.ord,
		.max_dest_rd_atomic = ENG_MAX_RD_ATOMIC, .access = P.server ? ACC_REMOTE : 0,
	};
	unsigned int s, j;
	int ret;

	memcpy(a.dmac, P.peer_mac, 6);
	memcpy(a.sgid, P.ip, 16);
	memcpy(a.dgid, P.peer, 16);
	for (s = 0; s < RTE_DIM(steps); s++) {
		a.state = steps[s];
		ret = eng_qp_modify(q->qp, &a);
		if (ret != 0)
			fail("QP %u to %s: %s", k, eng_qp_state_names[steps[s]], strerror(-ret));
		for (j = 0; P.server && s == 0 && j < NB_RECV; j++)
			post_recv(q, j);
	}
	if (P.server)
		pattern(q->mem + P.off_static, msg_key(k, KEY_STATIC), 0, 2 * P.slot, false);
}

/* Client. */

static uint8_t *
slot_buf(struct pqp *q, uint64_t wr)
{
	return q->mem + (wr % WIN) * P.slot;
}

/* Post one signalled WR of one SGE (the next window slot's buffer), remembered as pd. */
static void
post(struct pqp *q, struct eng_send_wr *wr, const struct pend *pd)
{
	int ret;

	wr->wr_id = q->posted;
	wr->flags = ENG_WR_SIGNALED;
	wr->num_sge = 1;
	wr->sge[0] = (struct eng_sge){ (uint64_t)(uintptr_t)slot_buf(q, q->posted), pd->len,
				       eng_mr_lkey(q->mr) };
	q->win[q->posted % WIN] = *pd;
	ret = eng_post_send(q->qp, wr);
	if (ret != 0)
		fail("post %s: %s", op_names[wr->opcode], strerror(-ret));
	q->posted++;
}

static void
prep_atomic(struct pqp *q, unsigned int k, struct eng_send_wr *wr, struct pend *pd)
{
	bool miss = (mix64(P.rng++) & 7) == 0;

	pd->kind = K_ATOMIC;
	pd->len = 8;
	wr->remote_addr = q->r_base + P.off_atomic + (pd->op == ENG_WR_CMP_SWAP ? 8 : 0);
	if (pd->op == ENG_WR_FETCH_ADD) {
		wr->compare_add = 1;
		pd->expect = q->nadds++;
		return;
	}
	/* One in eight compares wrong: it must fail, return the word and leave it. */
	wr->compare_add = chain_val(k, q->ncas) ^ (miss ? 2 : 0);
	wr->swap = chain_val(k, q->ncas + 1);
	pd->expect = chain_val(k, q->ncas);
	q->ncas += !miss;
}

/* Issue message q->nops (a WRITE with its READ back); false when the window is full. */
static bool
issue(unsigned int k)
{
	struct pqp *q = &P.q[k];
	struct pend pd = { .i = q->nops, .kind = K_PLAIN };
	struct eng_send_wr wr;

	gen(k, q->nops, &pd.op, &pd.len);
	if (q->posted - q->done + (pd.op == ENG_WR_WRITE ? 2 : 1) > WIN)
		return false;
	memset(&wr, 0, offsetof(struct eng_send_wr, inline_data));
	wr.opcode = pd.op;
	wr.rkey = q->r_rkey;
	if (pd.op == ENG_WR_READ) {
		pd.kind = K_READ;
		pd.key = msg_key(k, KEY_STATIC);
		pd.off = mix64(P.rng++) % (2 * P.slot - pd.len + 1);
		wr.remote_addr = q->r_base + P.off_static + pd.off;
	} else if (pd.op == ENG_WR_CMP_SWAP || pd.op == ENG_WR_FETCH_ADD) {
		prep_atomic(q, k, &wr, &pd);
	} else {
		pattern(slot_buf(q, q->posted), msg_key(k, pd.i), 0, pd.len, false);
		wr.imm = rte_cpu_to_be_32((uint32_t)pd.i);
		wr.remote_addr = q->r_base + off_wslot(pd.i);
		q->nrecv += consumes_recv(pd.op);
	}
	post(q, &wr, &pd);
	if (pd.op == ENG_WR_WRITE) {
		/* Read it back at once: the responder places it before it reads (PSN order). */
		pd = (struct pend){ .i = pd.i, .op = ENG_WR_READ, .kind = K_READ, .len = pd.len,
				    .key = msg_key(k, pd.i) };
		wr.opcode = ENG_WR_READ;
		memset(slot_buf(q, q->posted), POISON, pd.len);
		post(q, &wr, &pd);
	}
	q->nops++;
	return true;
}

static struct pqp *
qp_by_num(uint32_t qpn, unsigned int *k)
{
	for (*k = 0; *k < P.qps; (*k)++)
		if (eng_qp_num(P.q[*k].qp) == qpn)
			return &P.q[*k];
	fail("completion for unknown QP %u", qpn);
}

/* Completions come in posting order; every field and byte is checked. */
static void
client_cqe(const struct eng_cqe *c)
{
	unsigned int k;
	struct pqp *q = qp_by_num(c->qpn, &k);
	const struct pend *pd = &q->win[q->done % WIN];
	uint8_t *buf = slot_buf(q, q->done);
	uint64_t v;
	long bad;

	if (c->wr_id != q->done)
		fail("qp %u: completion of WR %" PRIu64 ", expected %" PRIu64, k, c->wr_id,
		     q->done);
	if (c->status != ENG_WC_SUCCESS)
		fail("qp %u: %s of %u bytes (message %" PRIu64 ") completed: %s%s", k,
		     op_names[pd->op], pd->len, pd->i, eng_wc_status_names[c->status],
		     FLUSH_HINT(c->status));
	if (c->opcode != wc_of[pd->op] || c->byte_len != pd->len)
		fail("qp %u: %s message %" PRIu64 ": completion opcode %u length %u, want %u %u",
		     k, op_names[pd->op], pd->i, c->opcode, c->byte_len, wc_of[pd->op], pd->len);
	memcpy(&v, buf, sizeof(v));
	if (pd->kind == K_READ && (bad = pattern(buf, pd->key, pd->off, pd->len, true)) >= 0)
		fail("qp %u: READ of %u bytes (message %" PRIu64 ", %s) wrong at byte %ld", k,
		     pd->len, pd->i, pd->key == msg_key(k, KEY_STATIC) ? "fixed pattern" :
		     "back after its WRITE", bad);
	if (pd->kind == K_ATOMIC && v != pd->expect)
		fail("qp %u: %s message %" PRIu64 " returned %#" PRIx64 ", want %#" PRIx64
		     " (executed twice or not at all?)", k, op_names[pd->op], pd->i, v,
		     pd->expect);
	q->done++;
	P.msgs++;
	P.bytes += pd->len;
	P.last_progress = rte_get_timer_cycles();
}

static void
drain(struct eng_cq *cq, void (*fn)(const struct eng_cqe *c))
{
	struct eng_cqe c[64];
	int i, n;

	do {
		n = eng_cq_poll(cq, c, RTE_DIM(c));
		for (i = 0; i < n; i++)
			fn(&c[i]);
	} while (n == (int)RTE_DIM(c));
	if (eng_cq_overflowed(cq))
		fail("a CQ overflowed");
}

static void
no_cqe(const struct eng_cqe *c)
{
	fail("unexpected completion on QP %u (wr_id %" PRIu64 ", status %u)", c->qpn, c->wr_id,
	     c->status);
}

/* One round of the client: poll, check completions; returns the QPs still busy. */
static unsigned int
client_poll(void)
{
	unsigned int k, busy = 0;

	poll_once();
	drain(P.scq, client_cqe);
	drain(P.rcq, no_cqe);
	check_stall();
	for (k = 0; k < P.qps; k++)
		busy += P.q[k].posted != P.q[k].done;
	return busy;
}

/* The end marker: what was sent; the server checks its counter and chain against it. */
static void
client_end(struct pqp *q)
{
	struct pend pd = { .i = q->nops, .op = ENG_WR_SEND_IMM, .len = sizeof(struct marker) };
	struct marker mk = { MARKER_MAGIC, q->nops, q->nrecv, q->nadds, q->ncas };
	struct eng_send_wr wr;

	memset(&wr, 0, offsetof(struct eng_send_wr, inline_data));
	memcpy(slot_buf(q, q->posted), &mk, sizeof(mk));
	wr.opcode = ENG_WR_SEND_IMM;
	wr.imm = rte_cpu_to_be_32(MARKER_IMM);
	post(q, &wr, &pd);
}

static void
client_run(void)
{
	uint64_t end = P.duration > 0 ? rte_get_timer_cycles() + (uint64_t)(P.duration * P.hz) :
		       UINT64_MAX;
	unsigned int k, n, left;
	char path[PATH_LEN];
	FILE *f;

	do {
		for (k = 0, left = 0; k < P.qps; k++) {
			for (n = 0; n < 16 && P.q[k].nops < P.iters && issue(k); n++)
				;
			left += P.q[k].nops < P.iters;
		}
		client_poll();
	} while (left > 0 && rte_get_timer_cycles() < end);
	while (client_poll() > 0)
		;
	for (k = 0; k < P.qps; k++)
		client_end(&P.q[k]);
	while (client_poll() > 0)
		;
	snprintf(path, sizeof(path), "%s.client.done", P.exchange);
	f = fopen(path, "w");
	if (f == NULL || fclose(f) != 0)
		fail("cannot write %s", path);
}

/* Server. */

static void
server_marker(unsigned int k, struct pqp *q, const uint8_t *buf, uint32_t len)
{
	struct marker mk;
	uint64_t v[2], i;
	uint32_t l;
	uint8_t op;

	memcpy(&mk, buf, sizeof(mk));
	if (len != sizeof(mk) || mk.magic != MARKER_MAGIC)
		fail("qp %u: bad end marker (%u bytes)", k, len);
	if (mk.nrecv != q->nrecv)
		fail("qp %u: %" PRIu64 " messages received, the client sent %" PRIu64, k,
		     q->nrecv, mk.nrecv);
	for (i = q->nops; i < mk.nops; i++) {
		gen(k, i, &op, &l);
		if (consumes_recv(op))
			fail("qp %u: message %" PRIu64 " (%s) never arrived", k, i, op_names[op]);
	}
	memcpy(v, q->mem + P.off_atomic, sizeof(v));
	if (v[0] != mk.nadds || v[1] != chain_val(k, mk.ncas))
		fail("qp %u: counter %" PRIu64 " after %" PRIu64 " FETCH_ADDs; chain %#" PRIx64
		     ", want %#" PRIx64, k, v[0], mk.nadds, v[1], chain_val(k, mk.ncas));
	q->finished = true;
}

/* A receive must be the next receive-consuming message, whole, exactly once. */
static void
server_cqe(const struct eng_cqe *c)
{
	unsigned int k;
	struct pqp *q = qp_by_num(c->qpn, &k);
	uint8_t *buf = q->mem + (c->wr_id % NB_RECV) * P.slot, *data = buf;
	bool imm = (c->flags & ENG_WC_WITH_IMM) != 0;
	uint32_t len, got = rte_be_to_cpu_32(c->imm);
	uint64_t i;
	uint8_t op;
	long bad;

	if (c->status != ENG_WC_SUCCESS)
		fail("qp %u: receive %" PRIu64 " completed: %s%s", k, q->nrecv,
		     eng_wc_status_names[c->status], FLUSH_HINT(c->status));
	if (q->finished || c->wr_id != q->nrecv % NB_RECV)
		fail("qp %u: receive WQE %" PRIu64 " completed, expected %" PRIu64 "%s", k,
		     c->wr_id, q->nrecv % NB_RECV, q->finished ? " (after the end)" : "");
	if (imm && got == MARKER_IMM && c->opcode == ENG_WC_RECV) {
		server_marker(k, q, buf, c->byte_len);
		return;
	}
	do {
		i = q->nops++;
		gen(k, i, &op, &len);
	} while (!consumes_recv(op));
	if (c->opcode != (op == ENG_WR_WRITE_IMM ? ENG_WC_RECV_WRITE_IMM : ENG_WC_RECV) ||
	    imm != (op != ENG_WR_SEND) || c->byte_len != len || (imm && got != i))
		fail("qp %u: receive %" PRIu64 " should be %s message %" PRIu64 " of %u bytes, "
		     "is opcode %u imm %s%u of %u bytes (delivered twice or lost?)", k, q->nrecv,
		     op_names[op], i, len, c->opcode, imm ? "" : "none ", got, c->byte_len);
	/* WRITE_IMM places its bytes in the WRITE target and leaves the receive buffer. */
	if (op == ENG_WR_WRITE_IMM)
		data = q->mem + off_wslot(i);
	bad = pattern(data, msg_key(k, i), 0, len, true);
	if (bad < 0 && op != ENG_WR_WRITE_IMM && len < P.slot && buf[len] != POISON)
		bad = len;
	if (bad < 0 && op == ENG_WR_WRITE_IMM && buf[0] != POISON)
		bad = 0;
	if (bad >= 0)
		fail("qp %u: %s message %" PRIu64 " of %u bytes wrong at byte %ld", k,
		     op_names[op], i, len, bad);
	q->nrecv++;
	P.msgs++;
	P.bytes += len;
	post_recv(q, (uint32_t)c->wr_id);
}

static void
server_run(void)
{
	uint64_t rx = 0, next = 0;
	unsigned int k, left;
	char path[PATH_LEN];

	snprintf(path, sizeof(path), "%s.client.done", P.exchange);
	for (;;) {
		poll_once();
		drain(P.rcq, server_cqe);
		drain(P.scq, no_cqe);
		if (rte_get_timer_cycles() < next)
			continue;
		/* Every 10 ms: any packet is progress; done once the client says so. */
		next = rte_get_timer_cycles() + P.hz / 100;
		if (eng_xstat(P.eng, "rx_pkts") != rx) {
			rx = eng_xstat(P.eng, "rx_pkts");
			P.last_progress = rte_get_timer_cycles();
		}
		check_stall();
		for (k = 0, left = 0; k < P.qps; k++)
			left += !P.q[k].finished;
		if (left == 0 && access(path, F_OK) == 0)
			return;
	}
}

/* --linger: the QPs stay, the engine keeps being polled, until the time is up or a signal. */
static void
linger(void)
{
	uint64_t end = rte_get_timer_cycles() + (uint64_t)(P.linger * P.hz);

	if (P.linger > 0)
		printf("rc_peer %s: lingering %.1f s\n", P.role, P.linger);
	while (!stop && rte_get_timer_cycles() < end)
		if (eng_poll(P.eng, 0) == 0)
			usleep(100);
}

/* Options. */

static __rte_noreturn void
usage(void)
{
	fprintf(stderr, "usage: rc-peer --vdev <devargs> --ip <addr>/<prefix> --peer <addr>\n"
		"  --role server|client --exchange <path> [--qps N] [--iters N | --duration S]\n"
		"  [--size-max B] [--timeout T] [--retry N] [--ord N] [--seed S] [--wait S]\n"
		"  [--drop P] [--dup P] [--hold P] [--corrupt P]  (engine fault hook, %% of packets)\n"
		"  [--linger S]  (keep the QPs S seconds after the report, e.g. for telemetry)\n");
	exit(2);
}

/* An IPv4 (as ::ffff:a.b.c.d, prefix in IPv4 bits) or IPv6 address, /prefix optional. */
static void
parse_addr(const char *s, uint8_t a[16], uint8_t *prefix)
{
	char buf[64], *slash;
	struct in_addr v4;
	unsigned long p;

	snprintf(buf, sizeof(buf), "%s", s);
	slash = strchr(buf, '/');
	if (slash != NULL)
		*slash++ = '\0';
	if (inet_pton(AF_INET, buf, &v4) == 1)
		roce_ipv4_to_mapped(a, v4.s_addr);
	else if (inet_pton(AF_INET6, buf, a) != 1)
		usage();
	p = slash != NULL ? strtoul(slash, NULL, 10) : 128;
	*prefix = (uint8_t)RTE_MIN(p, roce_addr_is_v4mapped(a) ? 32ul : 128ul);
	if (p > 128)
		usage();
}

static double
num(const char *s, double def, double lo, double hi)
{
	char *end;
	double v;

	if (s == NULL)
		return def;
	v = strtod(s, &end);
	if (*s == '\0' || *end != '\0' || v < lo || v > hi)
		usage();
	return v;
}

static void
parse_args(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "vdev", 1, NULL, 'v' }, { "ip", 1, NULL, 'i' }, { "peer", 1, NULL, 'p' },
		{ "role", 1, NULL, 'r' }, { "exchange", 1, NULL, 'x' }, { "qps", 1, NULL, 'q' },
		{ "iters", 1, NULL, 'n' }, { "duration", 1, NULL, 'd' },
		{ "size-max", 1, NULL, 's' }, { "timeout", 1, NULL, 't' },
		{ "retry", 1, NULL, 'R' }, { "ord", 1, NULL, 'o' }, { "seed", 1, NULL, 'S' },
		{ "wait", 1, NULL, 'w' }, { "drop", 1, NULL, '0' }, { "dup", 1, NULL, '1' },
		{ "hold", 1, NULL, '2' }, { "corrupt", 1, NULL, '3' }, { "linger", 1, NULL, 'L' },
		{ NULL, 0, NULL, 0 },
	};
	char *arg[128] = { NULL };
	uint8_t unused;
	int c;

	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1)
		if (c > 0 && c < 128)
			arg[c] = optarg;
		else
			usage();
	if (optind != argc || arg['v'] == NULL || arg['x'] == NULL || arg['i'] == NULL ||
	    arg['p'] == NULL || arg['r'] == NULL || strlen(arg['x']) > 1000)
		usage();
	P.vdev = arg['v'];
	P.exchange = arg['x'];
	P.role = arg['r'];
	P.server = strcmp(P.role, "server") == 0;
	if (!P.server && strcmp(P.role, "client") != 0)
		usage();
	parse_addr(arg['i'], P.ip, &P.prefix);
	parse_addr(arg['p'], P.peer, &unused);
	P.qps = (unsigned int)num(arg['q'], 1, 1, MAX_QPS);
	P.duration = num(arg['d'], 0, 0, 3600);
	P.iters = arg['d'] != NULL ? UINT64_MAX : (uint64_t)num(arg['n'], 1000, 1, 1e12);
	P.size_max = (uint32_t)num(arg['s'], 4096, 16, 8 << 20);
	P.timeout = (uint8_t)num(arg['t'], 13, 0, 31);
	P.retry = (uint8_t)num(arg['R'], 7, 0, 7);
	P.ord = (uint8_t)num(arg['o'], ENG_MAX_RD_ATOMIC, 1, ENG_MAX_RD_ATOMIC);
	P.seed = (uint64_t)num(arg['S'], 1, 0, 1e15);
	P.wait = num(arg['w'], 30, 1, 3600);
	P.linger = num(arg['L'], 0, 0, 3600);
	for (c = 0; c < NB_FAULTS; c++)
		P.fault[c] = num(arg['0' + c], 0, 0, 100);
}

static void
on_signal(int sig)
{
	RTE_SET_USED(sig);
	stop = 1;
}

int
main(int argc, char **argv)
{
	char head[128];
	unsigned int k;
	uint64_t t0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	parse_args(argc, argv);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	if (eal_init(argv[0]) < 0) {
		printf("rc_peer %s: FAIL EAL init: %s\n", P.role, rte_strerror(rte_errno));
		return 1;
	}
	P.hz = rte_get_timer_hz();
	P.rng = mix64(P.seed ^ 0x5151);
	setup();
	/* The client writes first; the server connects, then answers: it is ready then. */
	if (!P.server)
		write_info();
	read_info();
	for (k = 0; k < P.qps; k++)
		connect_qp(k);
	if (P.server)
		write_info();
	t0 = P.last_progress = rte_get_timer_cycles();
	if (P.server)
		server_run();
	else
		client_run();
	printf("rc_peer %s: %.2f s\n", P.role, (double)(rte_get_timer_cycles() - t0) / P.hz);
	snprintf(head, sizeof(head), "ok qps=%u msgs=%" PRIu64 " bytes=%" PRIu64, P.qps, P.msgs,
		 P.bytes);
	print_counters(head);
	linger();
	for (k = 0; k < P.qps; k++) {
		eng_qp_destroy(P.q[k].qp);
		eng_mr_dereg(P.q[k].mr);
		free(P.q[k].mem);
	}
	eng_cq_destroy(P.scq);
	eng_cq_destroy(P.rcq);
	eng_destroy(P.eng);
	port_detach(P.port);
	rte_eal_cleanup();
	return 0;
}
