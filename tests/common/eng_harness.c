/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The two-engine harness (see eng_harness.h): setup over net_ring, deterministic polling,
 * guarded buffers, completion waits, counters and table-driven fault hooks.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_bus_vdev.h>
#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_pause.h>
#include <rte_eal.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_ring.h>

#include "eng_harness.h"

/* RTE_IPV4() shifts a signed int into the sign bit, which UBSan reports. */
#define EH_IP4(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (c) << 8 | (d))

#define EH_MAX_BUFS	64
#define EH_MAX_QPS	16
#define EH_NB_XSTATS	256

const struct eh_conf eh_default_conf = {
	.mtu = 1500,
	.path_mtu = 1024,
	.psn_a = 0x000100,
	.psn_b = 0x123456,
	.timeout = 10,
	.retry_cnt = 7,
	.rnr_retry = 7,
	.min_rnr_timer = 1,
	.max_rd_atomic = ENG_MAX_RD_ATOMIC,
	.qp_access = EH_ACC_REMOTE,
};

struct eh_side eh_a, eh_b;
struct eh_faults eh_fa, eh_fb;

static struct eh_buf bufs[EH_MAX_BUFS];
static struct eng_qp *extra_qps[EH_MAX_QPS];
static unsigned int base_pools;

static void
count_pool(struct rte_mempool *mp, void *arg)
{
	(void)mp;
	(*(unsigned int *)arg)++;
}

static unsigned int
nb_pools(void)
{
	unsigned int n = 0;

	rte_mempool_walk(count_pool, &n);
	return n;
}

const char *eh_eal_lcores;

int
eh_main(const char *prog, Suite *s)
{
	char a0[64], prefix[64];
	char a1[] = "--no-huge", a2[] = "-m", a3[] = "512", a4[] = "--no-pci";
	char a5[] = "--no-shconf", a7[] = "--log-level=lib.eal:error";
	char a8[] = "--log-level=droce.port:warning";	/* not "device keeps its MAC" */
	char lcores[64];
	char *argv[] = { a0, a1, a2, a3, a4, a5, prefix, a7, a8, lcores, NULL };
	SRunner *sr;
	int failed;

	snprintf(a0, sizeof(a0), "%s", prog);
	/* droce-<pid> as droce_eal_init() names it: a later one removes the directory DPDK
	 * leaves once this process is gone. */
	snprintf(prefix, sizeof(prefix), "--file-prefix=droce-%d", (int)getpid());
	/* Worker lcores as threads free to run on any CPU (tests with slots on lcores). */
	snprintf(lcores, sizeof(lcores), "--lcores=%s", eh_eal_lcores ? eh_eal_lcores : "0");
	if (rte_eal_init((int)RTE_DIM(argv) - 1, argv) < 0) {
		fprintf(stderr, "EAL init failed: %s\n", rte_strerror(rte_errno));
		return EXIT_FAILURE;
	}
	base_pools = nb_pools();
	sr = srunner_create(s);
	/* The EAL lives in this process: a forked case could not give it back. */
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	rte_eal_cleanup();
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

static void
drain_ring(struct rte_ring *r)
{
	void *m;

	while (r != NULL && rte_ring_dequeue(r, &m) == 0)
		rte_pktmbuf_free(m);
}

static struct eng_qp *
qp_create(struct eh_side *s, struct eng_srq *srq, uint32_t sq_depth)
{
	struct eng_qp_init in = {
		.type = ENG_QPT_RC, .pd = EH_PD, .send_cq = s->scq, .recv_cq = s->rcq,
		.slot = -1,	/* least loaded: the first QP lands on slot 0 */
		.srq = srq, .sq_depth = sq_depth,
	};
	struct eng_qp *qp = NULL;
	int ret;

	ret = eng_qp_create(s->eng, &in, &qp);
	ck_assert_msg(ret == 0, "eng_qp_create on %s: %s", s->name, strerror(-ret));
	ck_assert_uint_ge(eng_qp_num(qp), 2);
	ck_assert_uint_lt(eng_qp_num(qp), ENG_MAX_QP);
	ck_assert_int_eq(eng_qp_state(qp), ENG_QPS_RESET);
	return qp;
}

static void
port_up(struct eh_side *s, const char *name, uint8_t last, uint32_t ip,
	struct rte_ring *tx, const struct eh_conf *c)
{
	unsigned int slots = c->slots ? c->slots : 1;
	struct port_conf pc = { .nb_txq = slots, .mtu = c->mtu, .set_mac = true };
	struct eng_conf ec = { .nb_slots = slots, .line_mbps = c->line_mbps,
			       .idle_yield = c->idle_yield };
	struct rte_ring *txs[ENG_MAX_SLOTS];
	unsigned int i;
	int ret;

	s->name = name;
	memcpy(s->mac, (uint8_t[6]){ 0x02, 0, 0, 0, 0, last }, 6);
	memcpy(pc.mac, s->mac, 6);
	/* One transmit queue per slot, all into the peer's receive ring. */
	for (i = 0; i < slots; i++)
		txs[i] = tx;
	ret = rte_eth_from_rings(last == 0x0a ? "eh_a" : "eh_b", &s->rx, 1, txs, slots,
				 SOCKET_ID_ANY);
	ck_assert_msg(ret >= 0, "rte_eth_from_rings %s: %s", name, rte_strerror(rte_errno));
	s->port_id = (uint16_t)ret;
	s->vdev = true;
	ret = port_attach_id(s->port_id, &pc, &s->port);
	ck_assert_msg(ret == 0, "port_attach %s: %s", name, strerror(-ret));
	roce_ipv4_to_mapped(s->gid, rte_cpu_to_be_32(ip));
	ck_assert_int_ge(port_addr_add(s->port, s->gid, 24), 1);
	ec.port = s->port;
	ec.name = last == 0x0a ? "eh_eng_a" : "eh_eng_b";
	ret = eng_create(&ec, &s->eng);
	ck_assert_msg(ret == 0, "eng_create %s: %s", name, strerror(-ret));
	ck_assert_int_eq(eng_cq_create(s->eng, EH_CQ_DEPTH, &s->scq), 0);
	ck_assert_int_eq(eng_cq_create(s->eng, EH_CQ_DEPTH, &s->rcq), 0);
	s->qp = qp_create(s, NULL, c->sq_depth);
}

void
eh_setup(const struct eh_conf *conf)
{
	const struct eh_conf *c = conf != NULL ? conf : &eh_default_conf;
	uint32_t ring = c->ring_size != 0 ? c->ring_size : EH_RING_SIZE;
	struct rte_ring *a2b, *b2a;

	eh_teardown();		/* whatever a setup that failed half way left */
	memset(&eh_fa, 0, sizeof(eh_fa));
	memset(&eh_fb, 0, sizeof(eh_fb));
	/* Several slots (lcores) may transmit into one ring: multi-producer then. */
	a2b = rte_ring_create("eh_a2b", ring, SOCKET_ID_ANY,
			      (c->slots > 1 ? 0 : RING_F_SP_ENQ) | RING_F_SC_DEQ);
	b2a = rte_ring_create("eh_b2a", ring, SOCKET_ID_ANY,
			      (c->slots > 1 ? 0 : RING_F_SP_ENQ) | RING_F_SC_DEQ);
	eh_a.rx = b2a;
	eh_b.rx = a2b;
	ck_assert(a2b != NULL && b2a != NULL);
	port_up(&eh_a, "A", 0x0a, EH_IP4(192, 0, 2, 1), a2b, c);
	port_up(&eh_b, "B", 0x0b, EH_IP4(192, 0, 2, 2), b2a, c);
	eh_qp_connect(eh_a.qp, &eh_a, eng_qp_num(eh_b.qp), c, c->psn_a, c->psn_b);
	eh_qp_connect(eh_b.qp, &eh_b, eng_qp_num(eh_a.qp), c, c->psn_b, c->psn_a);
}

static void
qp_step(struct eng_qp *qp, struct eng_qp_attr *at, enum eng_qp_state st)
{
	int ret;

	at->state = st;
	ret = eng_qp_modify(qp, at);
	ck_assert_msg(ret == 0, "eng_qp_modify to %s: %s", eng_qp_state_names[st],
		      strerror(-ret));
	ck_assert_int_eq(eng_qp_state(qp), st);
}

void
eh_qp_connect(struct eng_qp *qp, struct eh_side *s, uint32_t peer_qpn,
	      const struct eh_conf *c, uint32_t sq_psn, uint32_t rq_psn)
{
	struct eh_side *peer = s == &eh_a ? &eh_b : &eh_a;
	struct eng_qp_attr at = {
		.dest_qpn = peer_qpn,
		.hop_limit = 64,
		.path_mtu = c->path_mtu,
		.rq_psn = rq_psn,
		.sq_psn = sq_psn,
		.timeout = c->timeout,
		.retry_cnt = c->retry_cnt,
		.rnr_retry = c->rnr_retry,
		.min_rnr_timer = c->min_rnr_timer,
		.max_rd_atomic = c->max_rd_atomic,
		.max_dest_rd_atomic = c->max_dest_rd_atomic ? c->max_dest_rd_atomic :
						      ENG_MAX_RD_ATOMIC,
		.access = c->qp_access,
	};

	memcpy(at.dmac, peer->mac, 6);
	memcpy(at.sgid, s->gid, 16);
	memcpy(at.dgid, peer->gid, 16);
	qp_step(qp, &at, ENG_QPS_INIT);
	qp_step(qp, &at, ENG_QPS_RTR);
	qp_step(qp, &at, ENG_QPS_RTS);
	if (qp == s->qp)
		s->attr = at;
}

struct eng_qp *
eh_qp_new_srq(struct eh_side *s, struct eng_srq *srq)
{
	unsigned int i;

	for (i = 0; i < EH_MAX_QPS && extra_qps[i] != NULL; i++)
		;
	ck_assert_uint_lt(i, EH_MAX_QPS);
	extra_qps[i] = qp_create(s, srq, 0);
	return extra_qps[i];
}

struct eng_qp *
eh_qp_new(struct eh_side *s)
{
	return eh_qp_new_srq(s, NULL);
}

void
eh_qp_destroy(struct eng_qp *qp)
{
	unsigned int i;

	for (i = 0; i < EH_MAX_QPS; i++)
		if (extra_qps[i] == qp)
			extra_qps[i] = NULL;
	eng_qp_destroy(qp);
}

static void
check_pool(struct rte_mempool *mp, void *arg)
{
	unsigned int *bad = arg;

	if (rte_mempool_full(mp))
		return;
	fprintf(stderr, "harness: pool %s has %u of %u mbufs out\n", mp->name,
		rte_mempool_in_use_count(mp), mp->size);
	(*bad)++;
}

static void
side_down_objects(struct eh_side *s)
{
	if (s->eng != NULL)
		eng_set_fault_hook(s->eng, NULL, NULL);
	if (s->qp != NULL)
		eng_qp_destroy(s->qp);
	s->qp = NULL;
}

static void
side_down_engine(struct eh_side *s)
{
	if (s->scq != NULL)
		eng_cq_destroy(s->scq);
	if (s->rcq != NULL)
		eng_cq_destroy(s->rcq);
	s->scq = s->rcq = NULL;
	if (s->eng != NULL)
		eng_destroy(s->eng);
	s->eng = NULL;
}

static void
side_down_port(struct eh_side *s)
{
	if (s->port != NULL)
		port_detach(s->port);
	s->port = NULL;
	/* The ring vdev outlives its ethdev; remove it so the next case can remake it. */
	if (s->vdev)
		rte_vdev_uninit(s == &eh_a ? "net_ring_eh_a" : "net_ring_eh_b");
	s->vdev = false;
}

void
eh_teardown(void)
{
	unsigned int i, busy_pools = 0, pools;
	bool had_rings = eh_a.rx != NULL;

	/* A test that failed with slots on lcores left them running: stop them first. */
	if (eh_slots_on_lcores) {
		if (eh_a.eng != NULL) {
			eng_stop(eh_a.eng);
			eng_service_unregister(eh_a.eng);
		}
		if (eh_b.eng != NULL) {
			eng_stop(eh_b.eng);
			eng_service_unregister(eh_b.eng);
		}
		eh_slots_on_lcores = false;
	}
	side_down_objects(&eh_a);
	side_down_objects(&eh_b);
	for (i = 0; i < EH_MAX_QPS; i++)
		if (extra_qps[i] != NULL)
			eh_qp_destroy(extra_qps[i]);
	for (i = 0; i < EH_MAX_BUFS; i++)
		if (bufs[i].alloc != NULL)
			eh_buf_free(&bufs[i]);
	/* Let the engines take what is still on the wire, then empty the rings before any
	 * pool the frames came from can go away with its engine. */
	for (i = 0; i < 4 && eh_a.eng != NULL && eh_b.eng != NULL; i++)
		eh_poll();
	drain_ring(eh_a.rx);
	drain_ring(eh_b.rx);
	side_down_engine(&eh_a);
	side_down_engine(&eh_b);
	rte_mempool_walk(check_pool, &busy_pools);
	side_down_port(&eh_a);
	side_down_port(&eh_b);
	rte_ring_free(eh_a.rx);
	rte_ring_free(eh_b.rx);
	eh_a.rx = eh_b.rx = NULL;
	pools = nb_pools();
	if (!had_rings)
		return;
	ck_assert_msg(busy_pools == 0, "%u mempools still had mbufs out after teardown",
		      busy_pools);
	ck_assert_msg(pools == base_pools, "%u mempools left after teardown (%u before)",
		      pools, base_pools);
	ck_assert(rte_ring_lookup("eh_a2b") == NULL && rte_ring_lookup("eh_b2a") == NULL);
}

bool eh_slots_on_lcores;

int
eh_poll(void)
{
	int a, b;

	/* Lcores or service cores run the slots: waiting is all there is to do here. */
	if (eh_slots_on_lcores) {
		rte_pause();
		return 0;
	}
	a = eng_poll(eh_a.eng, 0);
	b = eng_poll(eh_b.eng, 0);
	EH_REQUIRE(a >= 0 && b >= 0, "eng_poll returned %d / %d", a, b);
	return a + b;
}

bool
eh_run_until(bool (*cond)(void *arg), void *arg, unsigned int timeout_ms)
{
	uint64_t end = rte_get_timer_cycles() + rte_get_timer_hz() * timeout_ms / 1000;

	for (;;) {
		if (cond != NULL && cond(arg))
			return true;
		if (rte_get_timer_cycles() >= end)
			return cond == NULL;
		eh_poll();
	}
}

void
eh_run_for(unsigned int ms)
{
	eh_run_until(NULL, NULL, ms);
}

struct eh_buf *
eh_buf_new(struct eh_side *s, size_t len, uint32_t pd, uint32_t access)
{
	size_t total = RTE_ALIGN_CEIL(2 * EH_GUARD + len, 4096);
	struct eh_buf *b = NULL;
	unsigned int i;
	int ret;

	for (i = 0; i < EH_MAX_BUFS && b == NULL; i++)
		if (bufs[i].alloc == NULL)
			b = &bufs[i];
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_gt(len, 0);
	b->alloc = aligned_alloc(4096, total);
	ck_assert_ptr_nonnull(b->alloc);
	b->side = s;
	b->p = b->alloc + EH_GUARD;
	b->len = len;
	memset(b->alloc, EH_GUARD_BYTE, EH_GUARD);
	memset(b->p, 0, len);
	memset(b->p + len, EH_GUARD_BYTE, EH_GUARD);
	ret = eng_mr_reg(s->eng, pd, b->p, len, access, &b->mr);
	ck_assert_msg(ret == 0, "eng_mr_reg %zu bytes on %s: %s", len, s->name,
		      strerror(-ret));
	ck_assert_uint_ne(eng_mr_lkey(b->mr), 0);
	return b;
}

void
eh_buf_free(struct eh_buf *b)
{
	/* With slots running, an MR is freed only after an RCU grace period. */
	if (b->mr != NULL && eh_slots_on_lcores) {
		eng_mr_close_start(b->mr);
		while (!eng_mr_close_poll(b->mr))
			rte_pause();
	} else if (b->mr != NULL) {
		eng_mr_dereg(b->mr);
	}
	free(b->alloc);
	memset(b, 0, sizeof(*b));
}

uint8_t
eh_pattern(uint32_t seed, size_t i)
{
	/* A position hash, so a byte landing at the wrong offset never matches by accident
	 * of a period (1024, 4096...) lining up with packet sizes. */
	uint32_t x = (uint32_t)i * 0x9e3779b1u + seed * 0x85ebca6bu + (uint32_t)(i >> 32);

	x ^= x >> 16;
	x *= 0x7feb352du;
	x ^= x >> 15;
	return (uint8_t)x;
}

void
eh_fill(struct eh_buf *b, size_t off, size_t len, uint32_t seed)
{
	size_t i;

	ck_assert_uint_le(off + len, b->len);
	for (i = 0; i < len; i++)
		b->p[off + i] = eh_pattern(seed, off + i);
}

long
eh_check_pattern(const struct eh_buf *b, size_t off, size_t len, uint32_t seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (b->p[off + i] != eh_pattern(seed, off + i))
			return (long)(off + i);
	return -1;
}

void
eh_assert_guards(const struct eh_buf *b)
{
	size_t i;

	for (i = 0; i < EH_GUARD; i++) {
		EH_REQUIRE(b->alloc[i] == EH_GUARD_BYTE,
			   "guard before %s buffer overwritten at -%zu", b->side->name,
			   EH_GUARD - i);
		EH_REQUIRE(b->p[b->len + i] == EH_GUARD_BYTE,
			   "guard after %s buffer overwritten at +%zu", b->side->name, i);
	}
}

void
eh_assert_same(const struct eh_buf *dst, size_t doff, const struct eh_buf *src,
	       size_t soff, size_t len)
{
	size_t i;

	ck_assert_uint_le(doff + len, dst->len);
	ck_assert_uint_le(soff + len, src->len);
	if (len == 0 || memcmp(dst->p + doff, src->p + soff, len) == 0)
		return;
	for (i = 0; dst->p[doff + i] == src->p[soff + i]; i++)
		;
	ck_abort_msg("%zu-byte copy differs at byte %zu: %02x, expected %02x", len, i,
		     dst->p[doff + i], src->p[soff + i]);
}

void
eh_wr_sge(struct eng_send_wr *wr, const struct eh_buf *b, size_t off, uint32_t len)
{
	ck_assert_uint_lt(wr->num_sge, ENG_MAX_SGE);
	ck_assert_uint_le(off + len, b->len);
	wr->sge[wr->num_sge].addr = eh_va(b, off);
	wr->sge[wr->num_sge].length = len;
	wr->sge[wr->num_sge].lkey = eh_lkey(b);
	wr->num_sge++;
}

void
eh_post_send(struct eh_side *s, const struct eng_send_wr *wr)
{
	int ret = eng_post_send(s->qp, wr);

	ck_assert_msg(ret == 0, "eng_post_send on %s (wr_id %" PRIu64 "): %s", s->name,
		      wr->wr_id, strerror(-ret));
}

void
eh_post_recv(struct eh_side *s, uint64_t wr_id, const struct eh_buf *b, size_t off,
	     uint32_t len)
{
	struct eng_recv_wr wr = { .wr_id = wr_id };
	int ret;

	if (len > 0) {
		ck_assert_uint_le(off + len, b->len);
		wr.num_sge = 1;
		wr.sge[0].addr = eh_va(b, off);
		wr.sge[0].length = len;
		wr.sge[0].lkey = eh_lkey(b);
	}
	ret = eng_post_recv(s->qp, &wr);
	ck_assert_msg(ret == 0, "eng_post_recv on %s: %s", s->name, strerror(-ret));
}

void
eh_post_one(struct eh_side *s, uint64_t wr_id, enum eng_wr_opcode op,
	    const struct eh_buf *local, size_t loff, uint32_t len,
	    const struct eh_buf *remote, size_t roff)
{
	struct eng_send_wr wr;

	eh_wr_init(&wr, wr_id, op, ENG_WR_SIGNALED);
	if (len > 0)
		eh_wr_sge(&wr, local, loff, len);
	if (remote != NULL)
		eh_wr_remote(&wr, remote, roff);
	eh_post_send(s, &wr);
}

static bool
has_recv(enum eng_wr_opcode op)
{
	return op == ENG_WR_SEND || op == ENG_WR_SEND_IMM || op == ENG_WR_SEND_INV ||
	       op == ENG_WR_WRITE_IMM;
}

enum eng_wc_opcode
eh_wc_of(enum eng_wr_opcode op)
{
	switch (op) {
	case ENG_WR_WRITE:
	case ENG_WR_WRITE_IMM:
		return ENG_WC_WRITE;
	case ENG_WR_READ:
		return ENG_WC_READ;
	case ENG_WR_CMP_SWAP:
		return ENG_WC_CMP_SWAP;
	case ENG_WR_FETCH_ADD:
		return ENG_WC_FETCH_ADD;
	default:
		return ENG_WC_SEND;
	}
}

void
eh_assert_rest(const struct eh_buf *b, size_t off, size_t len, uint32_t seed)
{
	long bad = eh_check_pattern(b, 0, off, seed);

	ck_assert_msg(bad < 0, "%s byte %ld before the data changed", b->side->name, bad);
	bad = eh_check_pattern(b, off + len, b->len - off - len, seed);
	ck_assert_msg(bad < 0, "%s byte %ld after the data changed (%zu bytes at %zu)",
		      b->side->name, bad, len, off);
	eh_assert_guards(b);
}

void
eh_transfer(enum eng_wr_opcode op, uint32_t len, uint32_t seed, struct eh_buf *la,
	    struct eh_buf *lb)
{
	const bool read = op == ENG_WR_READ, recv = has_recv(op);
	struct eh_buf *src = read ? lb : la, *dst = read ? la : lb, *rb = NULL, *inv = NULL;
	const size_t soff = read ? EH_ROFF : EH_LOFF, doff = read ? EH_LOFF : EH_ROFF;
	uint32_t imm = rte_cpu_to_be_32(0xc0de0000u ^ len);
	struct eng_send_wr wr;
	struct eng_cqe c;

	eh_fill(src, 0, src->len, seed);
	eh_fill(dst, 0, dst->len, seed ^ 0x5555);
	eh_wr_init(&wr, len, op, ENG_WR_SIGNALED);
	if (len > 0)
		eh_wr_sge(&wr, la, EH_LOFF, len);
	if (op == ENG_WR_WRITE || op == ENG_WR_WRITE_IMM || read)
		eh_wr_remote(&wr, lb, EH_ROFF);
	wr.imm = imm;
	if (op == ENG_WR_SEND_INV) {
		inv = eh_buf_new(&eh_b, 64, EH_PD, EH_ACC_ALL | ENG_ACCESS_INVALIDATE);
		wr.inv_rkey = eh_rkey(inv);
	}
	if (op == ENG_WR_WRITE_IMM) {
		/* WRITE_IMM consumes a receive but must not touch its buffer. */
		rb = eh_buf_new(&eh_b, 64, EH_PD, EH_ACC_ALL);
		eh_fill(rb, 0, 64, seed);
		eh_post_recv(&eh_b, 0x7000 + len, rb, 0, 64);
	} else if (recv) {
		eh_post_recv(&eh_b, 0x7000 + len, lb, EH_ROFF, (uint32_t)(lb->len - EH_ROFF));
	}
	eh_post_send(&eh_a, &wr);
	eh_expect_cqe(eh_a.scq, &eh_a, len, ENG_WC_SUCCESS, eh_wc_of(op), len);
	if (recv) {
		ck_assert_uint_eq(eh_wait_cqes(eh_b.rcq, &c, 1, EH_WAIT_MS), 1);
		eh_check_cqe(&c, &eh_b, 0x7000 + len, ENG_WC_SUCCESS,
			     rb != NULL ? ENG_WC_RECV_WRITE_IMM : ENG_WC_RECV, len);
		if (op == ENG_WR_SEND_IMM || op == ENG_WR_WRITE_IMM) {
			ck_assert_uint_eq(c.flags, ENG_WC_WITH_IMM);
			ck_assert_uint_eq(c.imm, imm);
		} else if (op == ENG_WR_SEND_INV) {
			ck_assert_uint_eq(c.flags, ENG_WC_WITH_INV);
			ck_assert_uint_eq(c.inv_rkey, wr.inv_rkey);
		} else {
			ck_assert_uint_eq(c.flags, 0);
		}
	}
	eh_assert_same(dst, doff, src, soff, len);
	eh_assert_rest(dst, doff, len, seed ^ 0x5555);
	eh_assert_rest(src, 0, 0, seed);
	if (rb != NULL) {
		eh_assert_rest(rb, 0, 0, seed);
		eh_buf_free(rb);
	}
	if (inv != NULL)
		eh_buf_free(inv);
}

struct cq_wait {
	struct eng_cq *cq;
	struct eng_cqe *out;
	unsigned int n;
	unsigned int got;
};

static bool
cq_wait_done(void *arg)
{
	struct cq_wait *w = arg;
	int n;

	if (w->got < w->n) {
		n = eng_cq_poll(w->cq, w->out + w->got, w->n - w->got);
		EH_REQUIRE(n >= 0 && (unsigned int)n <= w->n - w->got,
			   "eng_cq_poll returned %d for %u", n, w->n - w->got);
		w->got += (unsigned int)n;
	}
	return w->got == w->n;
}

unsigned int
eh_wait_cqes(struct eng_cq *cq, struct eng_cqe *out, unsigned int n, unsigned int timeout_ms)
{
	struct cq_wait w = { .cq = cq, .out = out, .n = n };

	eh_run_until(cq_wait_done, &w, timeout_ms);
	return w.got;
}

static const char *
st_name(unsigned int st)
{
	return st < ENG_WC_MAX ? eng_wc_status_names[st] : "(bad status)";
}

void
eh_check_cqe(const struct eng_cqe *c, struct eh_side *s, uint64_t wr_id,
	     enum eng_wc_status status, enum eng_wc_opcode opcode, uint32_t byte_len)
{
	ck_assert_msg(c->wr_id == wr_id, "%s: completion for wr_id %" PRIu64 ", expected %"
		      PRIu64, s->name, c->wr_id, wr_id);
	ck_assert_msg(c->status == status, "%s: wr_id %" PRIu64 " completed %s, expected %s",
		      s->name, wr_id, st_name(c->status), st_name(status));
	ck_assert_msg(c->qpn == eng_qp_num(s->qp), "%s: completion for QP %u, expected %u",
		      s->name, c->qpn, eng_qp_num(s->qp));
	/* As in verbs, only wr_id, status and QP number of an error completion are valid. */
	if (status != ENG_WC_SUCCESS)
		return;
	ck_assert_msg(c->opcode == opcode, "%s: wr_id %" PRIu64 " opcode %u, expected %u",
		      s->name, wr_id, c->opcode, opcode);
	ck_assert_msg(c->byte_len == byte_len, "%s: wr_id %" PRIu64 " byte_len %u, expected %u",
		      s->name, wr_id, c->byte_len, byte_len);
}

void
eh_expect_cqe(struct eng_cq *cq, struct eh_side *s, uint64_t wr_id,
	      enum eng_wc_status status, enum eng_wc_opcode opcode, uint32_t byte_len)
{
	struct eng_cqe c;

	if (eh_wait_cqes(cq, &c, 1, EH_WAIT_MS) != 1) {
		eh_dump("timeout");
		ck_abort_msg("%s: no completion for wr_id %" PRIu64 " within %u ms", s->name,
			     wr_id, EH_WAIT_MS);
	}
	eh_check_cqe(&c, s, wr_id, status, opcode, byte_len);
}

void
eh_assert_quiet(void)
{
	struct eng_cq *cq[4] = { eh_a.scq, eh_a.rcq, eh_b.scq, eh_b.rcq };
	static const char *const names[4] = { "A send", "A recv", "B send", "B recv" };
	struct eng_cqe c;
	unsigned int i;

	eh_run_for(EH_SETTLE_MS);
	for (i = 0; i < RTE_DIM(cq); i++) {
		ck_assert_msg(eng_cq_poll(cq[i], &c, 1) == 0,
			      "%s CQ: unexpected completion wr_id %" PRIu64 " status %s opcode %u",
			      names[i], c.wr_id, st_name(c.status), c.opcode);
		ck_assert_msg(!eng_cq_overflowed(cq[i]), "%s CQ overflowed", names[i]);
	}
	/* Without fault rules nothing may have been lost between the engines. */
	if (eh_fa.nb_rules == 0 && eh_fb.nb_rules == 0) {
		ck_assert_uint_eq(eh_ctr(&eh_a, "tx_drops") + eh_ctr(&eh_b, "tx_drops"), 0);
		ck_assert_uint_eq(eh_port_ctr(&eh_a, "tx_drops") +
				  eh_port_ctr(&eh_b, "tx_drops"), 0);
		/* Every ICRC filled, whenever the slot flushed (fill_icrcs()). */
		ck_assert_uint_eq(eh_port_ctr(&eh_a, "roce_drop_icrc") +
				  eh_port_ctr(&eh_b, "roce_drop_icrc"), 0);
	}
	ck_assert_uint_eq(eh_ctr(&eh_a, "tx_no_mbuf") + eh_ctr(&eh_b, "tx_no_mbuf"), 0);
	ck_assert_uint_eq(eh_ctr(&eh_a, "cq_overflows") + eh_ctr(&eh_b, "cq_overflows"), 0);
}

static uint64_t
find_xstat(const struct eh_side *s, const char *name, bool port)
{
	static struct pmd_xstat xs[EH_NB_XSTATS];
	int i, n;

	n = port ? port_xstats(s->port, xs, RTE_DIM(xs)) : eng_xstats(s->eng, xs, RTE_DIM(xs));
	ck_assert_int_gt(n, 0);
	ck_assert_int_le(n, (int)RTE_DIM(xs));
	for (i = 0; i < n; i++)
		if (strcmp(xs[i].name, name) == 0)
			return xs[i].value;
	ck_abort_msg("%s %s has no counter %s", s->name, port ? "port" : "engine", name);
	return 0;
}

uint64_t
eh_ctr(const struct eh_side *s, const char *name)
{
	uint64_t v = find_xstat(s, name, false);

	ck_assert_uint_eq(eng_xstat(s->eng, name), v);
	return v;
}

uint64_t
eh_port_ctr(const struct eh_side *s, const char *name)
{
	return find_xstat(s, name, true);
}

static void
dump_side(const struct eh_side *s)
{
	struct pmd_xstat xs[EH_NB_XSTATS];
	int i, n;

	if (s->eng == NULL)
		return;
	fprintf(stderr, "  %s: QP %u %s;", s->name, s->qp ? eng_qp_num(s->qp) : 0,
		s->qp ? eng_qp_state_names[eng_qp_state(s->qp)] : "-");
	n = eng_xstats(s->eng, xs, RTE_DIM(xs));
	for (i = 0; i < n && i < (int)RTE_DIM(xs); i++)
		if (xs[i].value != 0)
			fprintf(stderr, " %s=%" PRIu64, xs[i].name, xs[i].value);
	fprintf(stderr, "\n");
}

void
eh_dump(const char *why)
{
	fprintf(stderr, "harness: %s\n", why);
	dump_side(&eh_a);
	dump_side(&eh_b);
}

static enum eng_fault
fault_cb(void *arg, const struct roce_pkt *p)
{
	struct eh_faults *f = arg;
	enum eng_fault act = ENG_FAULT_PASS;
	bool fired = false;
	unsigned int i;

	f->seen[p->opcode]++;
	if (f->nb_order < EH_ORDER_MAX)
		f->order[f->nb_order++] = (uint8_t)p->opcode;
	f->total++;
	if (f->watch && p->psn == f->watch_psn && (roce_opcode(p->opcode)->flags & ROCE_OPF_REQ))
		f->watch_tx++;
	if (p->psn >= 0xfffff0)
		f->saw_top = true;
	else if (f->saw_top && p->psn < 0x10)
		f->saw_wrap = true;
	for (i = 0; i < f->nb_rules; i++) {
		struct eh_rule *r = &f->rule[i];

		if ((r->opcode != EH_OP_ANY && r->opcode != p->opcode) ||
		    (r->by_psn && r->psn != p->psn))
			continue;
		r->seen++;
		if (!fired && (r->nth == 0 || r->nth == r->seen)) {
			fired = true;
			r->hits++;
			act = r->action;
		}
	}
	return act;
}

struct eh_rule *
eh_faults_add_psn(struct eh_faults *f, uint16_t opcode, uint32_t psn, uint32_t nth,
		  enum eng_fault a)
{
	struct eh_rule *r = eh_faults_add(f, opcode, nth, a);

	r->by_psn = true;
	r->psn = psn;
	return r;
}

struct eh_rule *
eh_faults_add(struct eh_faults *f, uint16_t opcode, uint32_t nth, enum eng_fault a)
{
	struct eh_rule *r;

	ck_assert_uint_lt(f->nb_rules, EH_MAX_RULES);
	r = &f->rule[f->nb_rules++];
	memset(r, 0, sizeof(*r));
	r->opcode = opcode;
	r->nth = nth;
	r->action = a;
	return r;
}

struct eh_faults *
eh_faults_on(struct eh_side *s)
{
	struct eh_faults *f = s == &eh_a ? &eh_fa : &eh_fb;

	eng_set_fault_hook(s->eng, fault_cb, f);
	return f;
}

uint32_t
eh_faults_hits(const struct eh_faults *f)
{
	uint32_t n = 0;
	unsigned int i;

	for (i = 0; i < f->nb_rules; i++)
		if (f->rule[i].action != ENG_FAULT_PASS)
			n += f->rule[i].hits;
	return n;
}
