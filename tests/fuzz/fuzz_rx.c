/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: arbitrary Ethernet frames into one engine whose RC and UD QPs are in
 * RTS with receives posted and whose MRs are live.
 *
 * The setup is the responder of the Linux rxe captures in tests/data/captures
 * (52:54:00:77:00:01, 192.168.77.11; the peer is ...:02, .12). QPs are created until their
 * numbers are the captured destination QPNs (0x11..0x18; of the QPs that fill the gap, 2 is
 * UD with the GSI Q_Key and 0x0a..0x10 are variants, see qp_conf), each RC QP expects the
 * PSN of the first request it got there, QP 0x17 keeps requests of its own outstanding for
 * the captured ACKs, and the MRs carry the captured rkeys at the captured virtual addresses
 * (one of them read-only). Captured frames used as seeds therefore pass the port, the PSN
 * check and, for READ, WRITE and atomics, the access check; mutations start from there.
 * Nothing in an input is rewritten: LLVMFuzzerCustomMutator repairs the lengths, the IPv4
 * and ICMP checksums and the ICRC of most mutants so that they get past the parser, and the
 * corpus holds the repaired frames.
 *
 * One input is one frame, truncated to an mbuf's data room, and split over two or three
 * chained segments when a hash of its bytes says so. QP state carries over from input to
 * input as a peer's stream would. QPs that end in the error state are brought back through
 * RESET, INIT, RTR and RTS; all of them are every FZ_RESET_EVERY inputs, or before every
 * input with FUZZ_RX_RESET_EACH=1 (a single input then reproduces on its own).
 *
 * After every input, abort() (a finding) unless:
 * - the guard pages around each buffer, registered in no MR, still hold their pattern (the
 *   pages past them are PROT_NONE: touching one is a crash), and the read-only MR is as it
 *   was;
 * - every mbuf is back in the pool once the tx ring is drained;
 * - every RoCEv2 frame the engine sent parses back, ICRC included;
 * - each posted receive and send completes once, in posting order, and all of a QP's have
 *   completed once it is flushed.
 *
 * FUZZ_RX_STATS=1 prints the engine's and the port's non-zero counters at exit.
 */
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_eth_ring.h>
#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_ring.h>

#include "port.h"
#include "roce_hdr.h"
#include "roce_icrc.h"
#include "roce_pkt.h"

#define FZ_PAGE		4096u
#define FZ_PD		1
#define FZ_MTU		1500		/* path MTU 1024, as in the captures */
#define FZ_PATH_MTU	1024
#define FZ_NB_MBUFS	512
#define FZ_RING_SIZE	1024
#define FZ_CQ_DEPTH	4096		/* far above what can be outstanding: no overflow */
#define FZ_POLLS	4		/* engine polls per input */
#define FZ_EXTRA_POLLS	16		/* before mbufs still out are called a leak */
#define FZ_RESET_EVERY	256		/* inputs between resets of every QP */
#define FZ_QPN_FIRST	2
#define FZ_QPN_LAST	0x18
#define FZ_NB_QP	(FZ_QPN_LAST - FZ_QPN_FIRST + 1)
#define FZ_RQ_DEPTH	4
#define FZ_SQ_DEPTH	8
#define FZ_SQ_OUT	3		/* WRs kept outstanding on the requester QP */
#define FZ_RECV_SGE0	2048		/* two SGEs per receive: 4160 bytes */
#define FZ_RECV_SGE1	2112
#define FZ_RECV_LEN	(FZ_RECV_SGE0 + FZ_RECV_SGE1)
#define FZ_RECV_SHORT	64		/* FZ_RECV_SMALL: one SGE, shorter than a packet */
#define FZ_SEND_LEN	64
#define FZ_NB_MR	4
#define FZ_MR_RO	1		/* mr_conf[] index of the read-only MR */
#define FZ_MR_LEN	FZ_PAGE		/* each captured transfer fits in one page */
#define FZ_QKEY		0x11111111u	/* ud_send.pcap */
#define FZ_ACC_REMOTE	(ENG_ACCESS_REMOTE_WRITE | ENG_ACCESS_REMOTE_READ | \
			 ENG_ACCESS_REMOTE_ATOMIC)
#define FZ_ACC_ALL	(ENG_ACCESS_LOCAL_WRITE | FZ_ACC_REMOTE)
/* RTE_IPV4() shifts a signed int into the sign bit, which UBSan reports. */
#define FZ_IP4(a, b, c, d) \
	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size,
			       unsigned int seed);

/* A buffer between two guard pages, between two PROT_NONE pages. */
struct fz_region {
	const char *name;
	uint8_t *data;
	size_t len;			/* a page multiple */
	uint8_t *map;
	size_t map_len;
};

/* What a QP's receives look like. */
enum fz_recv {
	FZ_RECV_NORMAL,			/* two SGEs, FZ_RECV_LEN bytes */
	FZ_RECV_NONE,			/* none: RNR NAKs */
	FZ_RECV_SMALL,			/* FZ_RECV_SHORT bytes: local length errors */
	FZ_RECV_BAD_KEY,		/* an lkey no MR has: local protection errors */
};

struct fz_qp {
	uint32_t qpn;
	enum eng_qp_type type;
	uint32_t rq_psn;
	uint32_t sq_psn;
	uint32_t qkey;
	bool requester;			/* keeps FZ_SQ_OUT WRs outstanding */
	enum fz_recv recv;
	bool ipv6;			/* the path is fd00:77::11 - fd00:77::12 */
	uint32_t deny;			/* remote rights the QP does not grant */
	uint32_t path_mtu;		/* 0: FZ_PATH_MTU */
	struct eng_qp *qp;
	uint64_t recv_posted;
	uint64_t recv_done;
	uint64_t send_posted;
	uint64_t send_done;
	uint64_t send_first;		/* send_posted when the QP last reached RTS */
};

struct fz_mr_conf {
	const char *name;
	uint64_t va;
	uint32_t rkey;
	uint32_t access;
};

/*
 * The responder's QPs in the captures: number, first request PSN. Of the QPs below them,
 * 0x0a..0x10 expect a captured PSN too but differ in one respect (a captured frame reaches
 * them when its QPN byte is mutated); the others are plain RC QPs.
 */
static const struct fz_qp qp_conf[] = {
	{ .qpn = 0x02, .type = ENG_QPT_UD, .qkey = ROCE_GSI_QKEY },	/* QP1-like */
	{ .qpn = 0x0a, .rq_psn = 9863341, .ipv6 = true },		/* rc_send's */
	{ .qpn = 0x0b, .rq_psn = 9863341, .recv = FZ_RECV_BAD_KEY },	/* rc_send's */
	{ .qpn = 0x0c, .rq_psn = 9863341, .recv = FZ_RECV_SMALL },	/* rc_send's */
	{ .qpn = 0x0d, .rq_psn = 9863341, .path_mtu = 256 },		/* rc_send's */
	{ .qpn = 0x0e, .rq_psn = 15922690,				/* rc_write's */
	  .deny = ENG_ACCESS_REMOTE_WRITE | ENG_ACCESS_REMOTE_ATOMIC },
	{ .qpn = 0x0f, .rq_psn = 4982621, .deny = ENG_ACCESS_REMOTE_READ },	/* rc_read's */
	{ .qpn = 0x10, .rq_psn = 9863341, .recv = FZ_RECV_NONE },	/* rc_send's */
	{ .qpn = 0x11, .rq_psn = 9863341 },		/* rc_send.pcap */
	{ .qpn = 0x12, .rq_psn = 15922690 },		/* rc_write.pcap */
	{ .qpn = 0x13, .rq_psn = 4982621 },		/* rc_read.pcap */
	{ .qpn = 0x14, .rq_psn = 5106032 },		/* rc_atomic_fetch_add.pcap */
	{ .qpn = 0x15, .rq_psn = 14899402 },		/* rc_atomic_cmp_swap.pcap */
	{ .qpn = 0x16, .type = ENG_QPT_UD, .qkey = FZ_QKEY },	/* ud_send.pcap */
	/* rdma_cm_send.pcap: 0x17 also sends, and the capture holds the peer's ACKs. */
	{ .qpn = 0x17, .rq_psn = 5393493, .sq_psn = 6576758, .requester = true },
	{ .qpn = 0x18, .rq_psn = 13023381 },
};

/* The MRs the captured requests name: where the responder had them, and their rkeys. */
static const struct fz_mr_conf mr_conf[FZ_NB_MR] = {
	{ "write", 0x55bb3b3a8000ull, 0x31e, FZ_ACC_ALL },		/* rc_write.pcap */
	{ "read-only", 0x5579c97f6000ull, 0x413, ENG_ACCESS_REMOTE_READ },	/* rc_read */
	{ "fetch_add", 0x561317eeb000ull, 0x504, FZ_ACC_ALL },
	{ "cmp_swap", 0x5652aadbb000ull, 0x67b, FZ_ACC_ALL },
};

static const uint8_t fz_mac[6] = { 0x52, 0x54, 0x00, 0x77, 0x00, 0x01 };
static const uint8_t peer_mac[6] = { 0x52, 0x54, 0x00, 0x77, 0x00, 0x02 };
/* For IPv6 seeds: fd00:77::11. */
static const uint8_t fz_ip6[16] = { 0xfd, 0x00, 0x00, 0x77, [15] = 0x11 };

static struct {
	struct rte_ring *rx;		/* frames to the port */
	struct rte_ring *tx;		/* frames from the port */
	struct port *port;
	struct rte_mempool *pool;
	struct eng *eng;
	struct eng_cq *scq;
	struct eng_cq *rcq;
	struct fz_region local;		/* receive and send buffers: local write only */
	uint32_t lkey;
	struct fz_region mr[FZ_NB_MR];
	uint8_t *ro_copy;		/* what the read-only MR must keep holding */
	struct fz_qp qps[FZ_NB_QP];
	uint8_t gid[16];
	uint8_t peer_gid[16];
	uint8_t peer_ip6[16];
	uint64_t inputs;
	bool reset_each;
	uint8_t guard[FZ_PAGE];		/* the guard pages' pattern */
} fz;

static void __attribute__((noreturn, format(printf, 1, 2)))
fz_die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fuzz_rx: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (input %" PRIu64 ")\n", fz.inputs);
	abort();
}

/* Buffers and guards. */

static void
region_map(struct fz_region *r, const char *name, uint64_t va, size_t len)
{
	uint8_t *want = va != 0 ? (uint8_t *)(uintptr_t)(va - 2 * FZ_PAGE) : NULL;
	int flags = MAP_PRIVATE | MAP_ANONYMOUS;
	uint8_t *p;

	r->name = name;
	r->len = RTE_ALIGN_CEIL(len, FZ_PAGE);
	r->map_len = r->len + 4 * FZ_PAGE;
	p = mmap(want, r->map_len, PROT_READ | PROT_WRITE,
		 flags | (want != NULL ? MAP_FIXED_NOREPLACE : 0), -1, 0);
	if (p != MAP_FAILED && p != want && want != NULL) {
		munmap(p, r->map_len);		/* a kernel that took the flag as a hint */
		p = MAP_FAILED;
	}
	if (p == MAP_FAILED && want != NULL) {
		fprintf(stderr, "fuzz_rx: the %s MR cannot sit at %#" PRIx64 " (%s): "
			"captured requests will miss it\n", name, va, strerror(errno));
		p = mmap(NULL, r->map_len, PROT_READ | PROT_WRITE, flags, -1, 0);
	}
	if (p == MAP_FAILED)
		fz_die("mmap %zu bytes for %s: %s", r->map_len, name, strerror(errno));
	if (mprotect(p, FZ_PAGE, PROT_NONE) != 0 ||
	    mprotect(p + r->map_len - FZ_PAGE, FZ_PAGE, PROT_NONE) != 0)
		fz_die("mprotect: %s", strerror(errno));
	r->map = p;
	r->data = p + 2 * FZ_PAGE;
	memcpy(r->data - FZ_PAGE, fz.guard, FZ_PAGE);
	memcpy(r->data + r->len, fz.guard, FZ_PAGE);
	memset(r->data, 0x5a, r->len);
}

static long
first_diff(const uint8_t *a, const uint8_t *b, size_t n)
{
	size_t i;

	if (memcmp(a, b, n) == 0)
		return -1;
	for (i = 0; i < n; i++)
		if (a[i] != b[i])
			return (long)i;
	return -1;
}

static void
region_check(const struct fz_region *r)
{
	long lo = first_diff(r->data - FZ_PAGE, fz.guard, FZ_PAGE);
	long hi = first_diff(r->data + r->len, fz.guard, FZ_PAGE);

	if (lo >= 0)
		fz_die("guard page before the %s buffer written at -%ld", r->name,
		       (long)FZ_PAGE - lo);
	if (hi >= 0)
		fz_die("guard page after the %s buffer (%zu bytes) written at +%ld", r->name,
		       r->len, hi);
}

static void
check_memory(void)
{
	long d;
	unsigned int i;

	region_check(&fz.local);
	for (i = 0; i < FZ_NB_MR; i++)
		region_check(&fz.mr[i]);
	d = first_diff(fz.mr[FZ_MR_RO].data, fz.ro_copy, fz.mr[FZ_MR_RO].len);
	if (d >= 0)
		fz_die("the read-only MR changed at byte %ld", d);
}

/*
 * Register r under the captured rkey where the engine's key scheme allows it (table index
 * << 8 | a generation byte, eng_mr.c): hold the free slots below the index, then register
 * and deregister there until the generation before the wanted one was handed out. Another
 * scheme gets whatever key the engine picks, and a note.
 */
static struct eng_mr *
mr_dummy(struct fz_region *r)
{
	struct eng_mr *mr;
	int ret = eng_mr_reg(fz.eng, FZ_PD, r->data, 1, 0, &mr);

	if (ret != 0)
		fz_die("eng_mr_reg: %s", strerror(-ret));
	return mr;
}

static void
mr_reg_key(struct fz_region *r, uint32_t access, uint32_t want)
{
	struct eng_mr *hold[8], *mr = mr_dummy(r);
	unsigned int nhold = 0, i;
	int ret;

	while ((eng_mr_lkey(mr) >> 8) < (want >> 8) && nhold < RTE_DIM(hold)) {
		hold[nhold++] = mr;
		mr = mr_dummy(r);
	}
	for (i = 0; i < 256 && ((eng_mr_lkey(mr) + 1) & 0xff) != (want & 0xff); i++) {
		eng_mr_dereg(mr);
		mr = mr_dummy(r);
	}
	eng_mr_dereg(mr);
	ret = eng_mr_reg(fz.eng, FZ_PD, r->data, FZ_MR_LEN, access, &mr);
	if (ret != 0)
		fz_die("eng_mr_reg %s: %s", r->name, strerror(-ret));
	while (nhold > 0)
		eng_mr_dereg(hold[--nhold]);
	if (eng_mr_rkey(mr) != want)
		fprintf(stderr, "fuzz_rx: the %s MR got rkey %#x, not the captured %#x\n",
			r->name, eng_mr_rkey(mr), want);
}

static void
setup_memory(void)
{
	size_t local = FZ_NB_QP * FZ_RQ_DEPTH * FZ_RECV_LEN + FZ_SQ_DEPTH * FZ_SEND_LEN;
	struct eng_mr *mr;
	unsigned int i;
	int ret;

	region_map(&fz.local, "local", 0, local);
	ret = eng_mr_reg(fz.eng, FZ_PD, fz.local.data, fz.local.len, ENG_ACCESS_LOCAL_WRITE,
			 &mr);
	if (ret != 0)
		fz_die("eng_mr_reg local: %s", strerror(-ret));
	fz.lkey = eng_mr_lkey(mr);
	for (i = 0; i < FZ_NB_MR; i++)
		mr_reg_key(&fz.mr[i], mr_conf[i].access, mr_conf[i].rkey);
	fz.ro_copy = malloc(fz.mr[FZ_MR_RO].len);
	if (fz.ro_copy == NULL)
		fz_die("out of memory");
	memcpy(fz.ro_copy, fz.mr[FZ_MR_RO].data, fz.mr[FZ_MR_RO].len);
}

/* Port, engine, CQs. */

static void
eal_start(const char *prog)
{
	char a0[128], a1[] = "--no-huge", a2[] = "-m", a3[] = "256", a4[] = "--no-pci";
	char a5[] = "--no-shconf", a6[64], a7[] = "--log-level=*:error";
	char *argv[] = { a0, a1, a2, a3, a4, a5, a6, a7, NULL };

	snprintf(a0, sizeof(a0), "%s", prog);
	/* droce-<pid> as droce_eal_init() names it: a later one removes the directory DPDK
	 * leaves once this process is gone. */
	snprintf(a6, sizeof(a6), "--file-prefix=droce-%d", (int)getpid());
	if (rte_eal_init((int)RTE_DIM(argv) - 1, argv) < 0)
		fz_die("EAL init failed: %s", rte_strerror(rte_errno));
}

static void
setup_port(void)
{
	struct port_conf pc = { .nb_txq = 1, .mtu = FZ_MTU, .nb_mbufs = FZ_NB_MBUFS,
				    .set_mac = true };
	struct eng_conf ec = { .nb_slots = 1, .name = "fuzz" };
	int ret;

	memcpy(pc.mac, fz_mac, sizeof(pc.mac));
	fz.rx = rte_ring_create("fz_rx", FZ_RING_SIZE, SOCKET_ID_ANY,
				RING_F_SP_ENQ | RING_F_SC_DEQ);
	fz.tx = rte_ring_create("fz_tx", FZ_RING_SIZE, SOCKET_ID_ANY,
				RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (fz.rx == NULL || fz.tx == NULL)
		fz_die("rte_ring_create: %s", rte_strerror(rte_errno));
	if (rte_eth_from_rings("fuzz", &fz.rx, 1, &fz.tx, 1, SOCKET_ID_ANY) < 0)
		fz_die("rte_eth_from_rings: %s", rte_strerror(rte_errno));
	ret = port_attach("net_ring_fuzz", &pc, &fz.port);
	if (ret != 0)
		fz_die("port_attach: %s", strerror(-ret));
	fz.pool = port_pool(fz.port);
	roce_ipv4_to_mapped(fz.gid, rte_cpu_to_be_32(FZ_IP4(192, 168, 77, 11)));
	roce_ipv4_to_mapped(fz.peer_gid, rte_cpu_to_be_32(FZ_IP4(192, 168, 77, 12)));
	memcpy(fz.peer_ip6, fz_ip6, sizeof(fz.peer_ip6));
	fz.peer_ip6[15] = 0x12;
	if (port_addr_add(fz.port, fz.gid, 24) < 0 ||
	    port_addr_add(fz.port, fz_ip6, 64) < 0)
		fz_die("port_addr_add failed");
	ec.port = fz.port;
	ret = eng_create(&ec, &fz.eng);
	if (ret != 0)
		fz_die("eng_create: %s", strerror(-ret));
	if (eng_cq_create(fz.eng, FZ_CQ_DEPTH, &fz.scq) != 0 ||
	    eng_cq_create(fz.eng, FZ_CQ_DEPTH, &fz.rcq) != 0)
		fz_die("eng_cq_create failed");
}

/* Frames out: every RoCEv2 frame the engine sends must parse back. */

static bool
is_roce(const struct rte_mbuf *m)
{
	uint8_t buf[RTE_ETHER_HDR_LEN + 60 + 8];
	uint32_t len = RTE_MIN(rte_pktmbuf_pkt_len(m), (uint32_t)sizeof(buf));
	const uint8_t *h = rte_pktmbuf_read(m, 0, len, buf);
	uint32_t l4;

	if (h == NULL || len < RTE_ETHER_HDR_LEN + 20)
		return false;
	if ((h[12] << 8 | h[13]) == RTE_ETHER_TYPE_IPV4 && h[23] == IPPROTO_UDP)
		l4 = RTE_ETHER_HDR_LEN + (h[14] & 0x0fu) * 4;
	else if ((h[12] << 8 | h[13]) == RTE_ETHER_TYPE_IPV6 && h[20] == IPPROTO_UDP)
		l4 = RTE_ETHER_HDR_LEN + 40;
	else
		return false;
	return l4 + 4 <= len && (h[l4 + 2] << 8 | h[l4 + 3]) == ROCE_UDP_DPORT;
}

static void
drain_tx(void)
{
	static const struct roce_parse_ctx ctx = { .mtu = FZ_MTU, .verify_icrc = true };
	struct rte_mbuf *m[32];
	enum roce_drop why = ROCE_DROP_MAX;
	struct roce_pkt p;
	unsigned int n, i;

	while ((n = rte_ring_dequeue_burst(fz.tx, (void **)m, RTE_DIM(m), NULL)) > 0) {
		for (i = 0; i < n; i++) {
			if (is_roce(m[i]) && roce_parse_mbuf(m[i], &ctx, &p, NULL, &why) != 0)
				fz_die("the engine sent a RoCEv2 frame of %u bytes that does not "
				       "parse: %s", rte_pktmbuf_pkt_len(m[i]),
				       roce_drop_names[why]);
			rte_pktmbuf_free(m[i]);
		}
	}
}

/* Completions: each posted WR exactly once, in posting order per queue. */

static uint64_t
wr_id(const struct fz_qp *q, uint64_t seq)
{
	return (uint64_t)q->qpn << 32 | (seq & UINT32_MAX);
}

static struct fz_qp *
qp_of(uint32_t qpn)
{
	if (qpn < FZ_QPN_FIRST || qpn > FZ_QPN_LAST)
		return NULL;
	return &fz.qps[qpn - FZ_QPN_FIRST];
}

static void
cqe_check(const struct eng_cqe *c, bool recv)
{
	struct fz_qp *q = qp_of(c->qpn);
	bool recv_op = c->opcode == ENG_WC_RECV || c->opcode == ENG_WC_RECV_WRITE_IMM;
	uint64_t *done, posted;
	uint32_t cap;

	if (q == NULL || c->wr_id >> 32 != c->qpn || recv_op != recv)
		fz_die("%s CQ: completion (QP %#x, wr_id %#" PRIx64 ", opcode %u) of a WR "
		       "never posted there", recv ? "receive" : "send", c->qpn, c->wr_id,
		       c->opcode);
	done = recv ? &q->recv_done : &q->send_done;
	posted = recv ? q->recv_posted : q->send_posted;
	if (*done == posted || (c->wr_id & UINT32_MAX) != (*done & UINT32_MAX))
		fz_die("QP %#x: %s WR %" PRIu64 " completed (%s), expected WR %" PRIu64
		       " of %" PRIu64 " posted", c->qpn, recv ? "receive" : "send",
		       c->wr_id & UINT32_MAX, eng_wc_status_names[c->status % ENG_WC_MAX],
		       *done, posted);
	cap = q->recv == FZ_RECV_SMALL ? FZ_RECV_SHORT : FZ_RECV_LEN;
	if (c->status == ENG_WC_SUCCESS && c->opcode == ENG_WC_RECV && c->byte_len > cap)
		fz_die("QP %#x: receive of %u bytes into %u", c->qpn, c->byte_len, cap);
	(*done)++;
}

static void
drain_cq(struct eng_cq *cq, bool recv)
{
	struct eng_cqe c[64];
	int n, i;

	while ((n = eng_cq_poll(cq, c, RTE_DIM(c))) > 0)
		for (i = 0; i < n; i++)
			cqe_check(&c[i], recv);
	if (eng_cq_overflowed(cq))
		fz_die("%s CQ overflowed: more completions than WRs",
		       recv ? "receive" : "send");
}

static void
run_engine(unsigned int polls)
{
	unsigned int i;

	for (i = 0; i < polls; i++) {
		if (eng_poll(fz.eng, 0) < 0)
			fz_die("eng_poll failed");
		drain_tx();
	}
	drain_cq(fz.rcq, true);
	drain_cq(fz.scq, false);
}

/* QPs. */

static void
post_recvs(struct fz_qp *q)
{
	unsigned int idx = q - fz.qps;
	struct eng_recv_wr wr = { .num_sge = 2 };
	uint64_t va;
	int ret;

	while (q->recv != FZ_RECV_NONE && q->recv_posted - q->recv_done < FZ_RQ_DEPTH) {
		va = (uintptr_t)fz.local.data +
		     (idx * FZ_RQ_DEPTH + q->recv_posted % FZ_RQ_DEPTH) * FZ_RECV_LEN;
		wr.wr_id = wr_id(q, q->recv_posted);
		wr.sge[0] = (struct eng_sge){ va, FZ_RECV_SGE0, fz.lkey };
		wr.sge[1] = (struct eng_sge){ va + FZ_RECV_SGE0, FZ_RECV_SGE1, fz.lkey };
		if (q->recv == FZ_RECV_SMALL) {
			wr.num_sge = 1;
			wr.sge[0].length = FZ_RECV_SHORT;
		}
		if (q->recv == FZ_RECV_BAD_KEY)
			wr.sge[0].lkey = fz.lkey ^ 0x80000;
		ret = eng_post_recv(q->qp, &wr);
		if (ret != 0)
			fz_die("eng_post_recv QP %#x: %s", q->qpn, strerror(-ret));
		q->recv_posted++;
	}
}

/*
 * The requester keeps SENDs, a READ and an atomic outstanding for responses to complete:
 * SEND, READ and SEND_IMM from the first PSN on (the capture's ACKs), then in turn.
 */
static void
post_sends(struct fz_qp *q)
{
	static const uint8_t ops[] = { ENG_WR_SEND, ENG_WR_READ, ENG_WR_SEND_IMM,
				       ENG_WR_FETCH_ADD };
	uint8_t *send = fz.local.data + FZ_NB_QP * FZ_RQ_DEPTH * FZ_RECV_LEN;
	struct eng_send_wr wr;
	int ret;

	while (q->requester && q->send_posted - q->send_done < FZ_SQ_OUT) {
		memset(&wr, 0, sizeof(wr));
		wr.wr_id = wr_id(q, q->send_posted);
		wr.opcode = ops[(q->send_posted - q->send_first) % RTE_DIM(ops)];
		wr.flags = ENG_WR_SIGNALED;
		wr.num_sge = 1;
		wr.sge[0].addr = (uintptr_t)(send + q->send_posted % FZ_SQ_DEPTH * FZ_SEND_LEN);
		wr.sge[0].length = wr.opcode == ENG_WR_FETCH_ADD ? 8 : FZ_SEND_LEN;
		wr.sge[0].lkey = fz.lkey;
		wr.remote_addr = mr_conf[0].va;	/* the peer's; aligned for the atomic */
		wr.rkey = mr_conf[0].rkey;
		wr.compare_add = 1;
		ret = eng_post_send(q->qp, &wr);
		if (ret != 0)
			fz_die("eng_post_send QP %#x: %s", q->qpn, strerror(-ret));
		q->send_posted++;
	}
}

static void
qp_modify(struct fz_qp *q, struct eng_qp_attr *a, enum eng_qp_state st)
{
	int ret;

	a->state = st;
	ret = eng_qp_modify(q->qp, a);
	if (ret != 0)
		fz_die("QP %#x to %s: %s", q->qpn, eng_qp_state_names[st], strerror(-ret));
}

/* RESET -> INIT -> RTR -> RTS towards the captured peer, which used the same QPNs. */
static void
qp_up(struct fz_qp *q)
{
	struct eng_qp_attr a = {
		.dest_qpn = q->qpn, .hop_limit = 64,
		.path_mtu = q->path_mtu != 0 ? q->path_mtu : FZ_PATH_MTU,
		.rq_psn = q->rq_psn, .sq_psn = q->sq_psn, .timeout = 0, .retry_cnt = 3,
		.rnr_retry = 3, .min_rnr_timer = 1, .max_rd_atomic = 4,
		.max_dest_rd_atomic = ENG_MAX_RD_ATOMIC, .access = FZ_ACC_REMOTE & ~q->deny,
		.qkey = q->qkey,
	};

	memcpy(a.dmac, peer_mac, sizeof(a.dmac));
	memcpy(a.sgid, q->ipv6 ? fz_ip6 : fz.gid, sizeof(a.sgid));
	memcpy(a.dgid, q->ipv6 ? fz.peer_ip6 : fz.peer_gid, sizeof(a.dgid));
	qp_modify(q, &a, ENG_QPS_INIT);
	qp_modify(q, &a, ENG_QPS_RTR);
	qp_modify(q, &a, ENG_QPS_RTS);
	q->send_first = q->send_posted;
	post_recvs(q);
	post_sends(q);
}

static void
setup_qps(void)
{
	struct eng_qp_init in = { .pd = FZ_PD, .sq_depth = FZ_SQ_DEPTH,
				  .rq_depth = FZ_RQ_DEPTH, .slot = 0 };
	struct fz_qp *q;
	unsigned int i;
	int ret;

	for (i = 0; i < FZ_NB_QP; i++)
		fz.qps[i] = (struct fz_qp){ .qpn = FZ_QPN_FIRST + i, .type = ENG_QPT_RC };
	for (i = 0; i < RTE_DIM(qp_conf); i++)
		*qp_of(qp_conf[i].qpn) = qp_conf[i];
	in.send_cq = fz.scq;
	in.recv_cq = fz.rcq;
	for (i = 0; i < FZ_NB_QP; i++) {
		q = &fz.qps[i];
		in.type = q->type;
		ret = eng_qp_create(fz.eng, &in, &q->qp);
		if (ret != 0)
			fz_die("eng_qp_create: %s", strerror(-ret));
		if (eng_qp_num(q->qp) != q->qpn)
			fz_die("got QPN %#x, wanted %#x", eng_qp_num(q->qp), q->qpn);
		qp_up(q);
	}
}

/* Bring back the QPs in the error state (all of them: every QP) with fresh PSNs. */
static void
qps_recover(bool all)
{
	struct eng_qp_attr a = { .state = ENG_QPS_ERR };
	bool need[FZ_NB_QP], any = false;
	struct fz_qp *q;
	unsigned int i;

	for (i = 0; i < FZ_NB_QP; i++) {
		need[i] = all || eng_qp_state(fz.qps[i].qp) == ENG_QPS_ERR;
		if (all && eng_qp_state(fz.qps[i].qp) != ENG_QPS_ERR)
			qp_modify(&fz.qps[i], &a, ENG_QPS_ERR);
		any |= need[i];
	}
	if (!any)
		return;
	run_engine(1);		/* the slot flushes what QPs in the error state hold */
	for (i = 0; i < FZ_NB_QP; i++) {
		q = &fz.qps[i];
		if (!need[i])
			continue;
		if (q->recv_done != q->recv_posted || q->send_done != q->send_posted)
			fz_die("QP %#x flushed, yet %" PRIu64 " receives and %" PRIu64
			       " sends never completed", q->qpn, q->recv_posted - q->recv_done,
			       q->send_posted - q->send_done);
		qp_modify(q, &a, ENG_QPS_RESET);
		qp_up(q);
	}
	run_engine(1);		/* the requester's WRs go out before the next frame arrives */
}

static void
refill(void)
{
	unsigned int i;

	for (i = 0; i < FZ_NB_QP; i++) {
		post_recvs(&fz.qps[i]);
		post_sends(&fz.qps[i]);
	}
}

/* The datapath holds no mbuf between polls: any still out after a drain is leaked. */
static void
check_mbufs(void)
{
	unsigned int out, i;

	for (i = 0; (out = rte_mempool_in_use_count(fz.pool)) != 0 && i < FZ_EXTRA_POLLS; i++)
		run_engine(1);
	if (out != 0)
		fz_die("%u mbufs still out of the pool after the input was handled (leak)", out);
}

/* Frames in. */

static uint32_t
fnv1a(const uint8_t *d, uint32_t n)
{
	uint32_t h = 2166136261u;

	while (n-- > 0) {
		h ^= *d++;
		h *= 16777619u;
	}
	return h;
}

/* Where a frame is split into chained segments (one in four is): returns the cut count. */
static unsigned int
cut_points(const uint8_t *d, uint32_t len, uint32_t cut[2])
{
	uint32_t h = fnv1a(d, len);

	if (len < 16 || (h & 3) != 0)
		return 0;
	cut[0] = 1 + (h >> 8) % (len - 2);
	if ((h & 4) == 0)
		return 1;
	cut[1] = cut[0] + 1 + (h >> 20) % (len - cut[0] - 1);
	return 2;
}

static struct rte_mbuf *
seg_new(const uint8_t *d, uint32_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(fz.pool);
	char *p;

	if (m == NULL)
		fz_die("no mbuf left for the input");
	p = rte_pktmbuf_append(m, (uint16_t)len);
	if (p == NULL)
		fz_die("no room for %u bytes in an mbuf", len);
	if (len > 0)
		memcpy(p, d, len);
	return m;
}

static struct rte_mbuf *
frame_mbuf(const uint8_t *data, size_t size)
{
	uint32_t room = rte_pktmbuf_data_room_size(fz.pool) - RTE_PKTMBUF_HEADROOM;
	uint32_t len = (uint32_t)RTE_MIN(size, (size_t)room), cut[2], start = 0, end;
	unsigned int n = cut_points(data, len, cut), i;
	struct rte_mbuf *head = NULL, *seg;

	for (i = 0; i <= n; i++) {
		end = i < n ? cut[i] : len;
		seg = seg_new(data + start, end - start);
		if (head == NULL)
			head = seg;
		else if (rte_pktmbuf_chain(head, seg) != 0)
			fz_die("rte_pktmbuf_chain failed");
		start = end;
	}
	return head;
}

/* libFuzzer entry points. */

static void
print_xstats(const char *what, const struct pmd_xstat *xs, int n)
{
	int i;

	fprintf(stderr, "fuzz_rx: %s:", what);
	for (i = 0; i < n; i++)
		if (xs[i].value != 0)
			fprintf(stderr, " %s=%" PRIu64, xs[i].name, xs[i].value);
	fprintf(stderr, "\n");
}

static void
print_stats(void)
{
	struct pmd_xstat xs[256];
	int n;

	fprintf(stderr, "fuzz_rx: %" PRIu64 " inputs\n", fz.inputs);
	n = eng_xstats(fz.eng, xs, RTE_DIM(xs));
	print_xstats("engine", xs, RTE_MIN(n, (int)RTE_DIM(xs)));
	n = port_xstats(fz.port, xs, RTE_DIM(xs));
	print_xstats("port", xs, RTE_MIN(n, (int)RTE_DIM(xs)));
}

static bool
env_on(const char *name)
{
	const char *v = getenv(name);

	return v != NULL && v[0] != '\0' && strcmp(v, "0") != 0;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	unsigned int i;

	RTE_SET_USED(argc);
	for (i = 0; i < FZ_PAGE; i++)
		fz.guard[i] = (uint8_t)(0xa5 ^ (i * 7));
	/* Before the EAL takes address space: the MRs go where the captures had them. */
	for (i = 0; i < FZ_NB_MR; i++)
		region_map(&fz.mr[i], mr_conf[i].name, mr_conf[i].va, FZ_MR_LEN);
	eal_start((*argv)[0]);
	setup_port();
	setup_memory();
	setup_qps();
	run_engine(1);
	fz.reset_each = env_on("FUZZ_RX_RESET_EACH");
	if (env_on("FUZZ_RX_STATS"))
		atexit(print_stats);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rte_mbuf *m;

	if (++fz.inputs % FZ_RESET_EVERY == 0 || fz.reset_each)
		qps_recover(true);
	m = frame_mbuf(data, size);
	if (rte_ring_enqueue(fz.rx, m) != 0)
		fz_die("the port's rx ring is full");
	run_engine(FZ_POLLS);
	qps_recover(false);
	refill();
	check_mbufs();
	check_memory();
	return 0;
}

/* Custom mutator: libFuzzer's mutations, then most mutants made consistent. */

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void
put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* RFC 1071 checksum of len bytes, ready to store. */
static uint16_t
inet_csum(const uint8_t *p, uint32_t len)
{
	uint32_t sum = 0, i;

	for (i = 0; i + 1 < len; i += 2)
		sum += get16(p + i);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* UDP length, then the ICRC of a RoCEv2 packet [l3, end). */
static void
repair_udp(uint8_t *b, uint32_t l3, uint32_t l4, uint32_t end, bool fix_len)
{
	if (end < l4 + 8)
		return;
	if (fix_len)
		put16(b + l4 + 4, end - l4);
	if (get16(b + l4 + 2) != ROCE_UDP_DPORT ||
	    end < l4 + 8 + sizeof(struct roce_bth) + ROCE_ICRC_LEN)
		return;
	roce_icrc_put(b + end - ROCE_ICRC_LEN,
		      roce_icrc_buf(b + l3, end - ROCE_ICRC_LEN - l3));
}

static void
repair_ipv4(uint8_t *b, uint32_t len, uint32_t l3, bool fix_len)
{
	uint8_t *ip = b + l3;
	uint32_t ihl, total;

	if (len < l3 + 20)
		return;
	ihl = (ip[0] & 0x0fu) * 4;
	if (ihl < 20 || len < l3 + ihl)
		return;
	if (fix_len)
		put16(ip + 2, len - l3);
	total = get16(ip + 2);
	put16(ip + 10, 0);
	put16(ip + 10, inet_csum(ip, ihl));
	if (total < ihl || l3 + total > len)
		return;
	if (ip[9] == IPPROTO_UDP) {
		repair_udp(b, l3, l3 + ihl, l3 + total, fix_len);
	} else if (ip[9] == IPPROTO_ICMP && total >= ihl + 4) {
		put16(ip + ihl + 2, 0);
		put16(ip + ihl + 2, inet_csum(ip + ihl, total - ihl));
	}
}

static void
repair_ipv6(uint8_t *b, uint32_t len, uint32_t l3, bool fix_len)
{
	uint32_t end;

	if (len < l3 + 40)
		return;
	if (fix_len)
		put16(b + l3 + 4, len - l3 - 40);
	end = l3 + 40 + get16(b + l3 + 4);
	if (end <= len && b[l3 + 6] == IPPROTO_UDP)
		repair_udp(b, l3, l3 + 40, end, fix_len);
}

static void
repair(uint8_t *b, size_t size, bool fix_len)
{
	uint32_t len = (uint32_t)RTE_MIN(size, (size_t)UINT16_MAX), l3 = RTE_ETHER_HDR_LEN;
	uint16_t type;

	if (len < RTE_ETHER_HDR_LEN + 4)
		return;
	type = get16(b + 12);
	if (type == RTE_ETHER_TYPE_VLAN) {
		type = get16(b + 16);
		l3 += 4;
	}
	if (type == RTE_ETHER_TYPE_IPV4)
		repair_ipv4(b, len, l3, fix_len);
	else if (type == RTE_ETHER_TYPE_IPV6)
		repair_ipv6(b, len, l3, fix_len);
}

size_t
LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
	size = LLVMFuzzerMutate(data, size, max_size);
	/* One mutant in eight stays raw for the parser's own checks; a quarter keep lengths. */
	if ((seed & 7) != 0)
		repair(data, size, (seed & 0x18) != 0);
	return size;
}
