/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CM_UT_H
#define CM_UT_H

/*
 * The connection manager in a box, SPDK's *_ut.c pattern: lib/cm's sources and the NDK
 * object core (lib/ndk/ndk_obj.c) are included; the engine below them is stubbed. Two
 * adapters, A (side 0, 10.77.0.1) and B (side 1, 10.77.0.2), each run a CM whose QP1 sends
 * go onto a wire the test delivers by hand (in order, or dropping what it chooses), on a
 * clock the test moves. The control context of each is a queue ut_pump() runs. No EAL,
 * no threads: every outcome is deterministic.
 */

#define CM_CLOCK_HOOK 1

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef CM_UT_ABORT
/*
 * Built without Check (tests/fuzz/fuzz_cm.c): outside a Check test a failed ck_assert has
 * nowhere to jump to, so each one used here prints what failed, and where, and aborts.
 */
#include <stdint.h>

#define ut_die(...) do { \
	fprintf(stderr, "%s:%d: ", __FILE__, __LINE__); \
	fprintf(stderr, __VA_ARGS__); \
	fputc('\n', stderr); \
	abort(); \
} while (0)
#define ut_cmp(T, F, X, OP, Y) do { \
	T ut_x_ = (T)(X), ut_y_ = (T)(Y); \
	if (!(ut_x_ OP ut_y_)) \
		ut_die("%s %s %s (" F " vs " F ")", #X, #OP, #Y, ut_x_, ut_y_); \
} while (0)
#define ck_assert_msg(C, ...)	do { if (!(C)) ut_die(__VA_ARGS__); } while (0)
#define ck_assert(C)		ck_assert_msg(C, "%s", #C)
#define ck_abort_msg(...)	ut_die(__VA_ARGS__)
#define ck_assert_int_eq(X, Y)	ut_cmp(intmax_t, "%jd", X, ==, Y)
#define ck_assert_uint_eq(X, Y)	ut_cmp(uintmax_t, "%ju", X, ==, Y)
#define ck_assert_uint_ne(X, Y)	ut_cmp(uintmax_t, "%ju", X, !=, Y)
#define ck_assert_uint_lt(X, Y)	ut_cmp(uintmax_t, "%ju", X, <, Y)
#define ck_assert_uint_ge(X, Y)	ut_cmp(uintmax_t, "%ju", X, >=, Y)
#define ck_assert_ptr_nonnull(P) ck_assert_msg((P) != NULL, "%s is NULL", #P)
#else
#include <check.h>
#endif

#include <rte_ip.h>
#include <rte_rcu_qsbr.h>

#include "ndk_obj.c"
#include "droce_addr.c"
#include "cm.c"
#include "cm_send.c"
#include "cm_recv.c"
#include "cm_conn.c"
#include "cm_conn_ext.c"

#ifndef CM_UT_ABORT
#include "check_run.h"
#endif

#define UT_SIDES	2
#define UT_WIRE_MAX	256
#ifndef UT_ITEMS_MAX		/* a test that queues more may say how many */
#define UT_ITEMS_MAX	256
#endif
#define UT_QPS_MAX	16
#define UT_PORT		4420

int lib_logtype;

/* The engine objects lib/cm sees only as pointers. */
struct eng_qp {
	int side;
	uint32_t qpn;
	enum eng_qp_state state;
	unsigned int modifies;
	bool gsi;
	bool closing;
};
struct eng_cq {
	int side;
	bool recv;
};
struct eng_mr {
	int side;
};
struct port {
	int side;
};
struct droce_engine {
	int side;
};
struct eng {
	int side;
};

/* A MAD on the wire: who sent it, to where, and its bytes. */
struct ut_mad {
	int from;
	uint8_t dmac[6];
	uint8_t sgid[16], dgid[16];
	uint8_t bytes[CM_MAD_SIZE];
};

/* What a consumer callback saw. */
struct ut_call {
	int n;			/* callbacks: must end at exactly 1 */
	int status;
	uint64_t seq;		/* global order */
};

struct ut_side {
	struct adapter *ad;
	struct droce_engine de;
	struct port port;
	struct eng eng;
	struct eng_qp gsi;
	struct eng_cq scq, rcq;
	struct eng_mr mr;
	struct rte_rcu_qsbr *rcu;
	struct ctl_item *items[UT_ITEMS_MAX];	/* the control queue, FIFO */
	unsigned int nitems;
	uint32_t recv_ids[1024];		/* posted QP1 receive buffers, FIFO */
	unsigned int recv_head, recv_tail;
	struct ut_mad inbox[UT_WIRE_MAX];	/* delivered, not yet polled */
	unsigned int ninbox;
	bool sq_full;				/* QP1's send queue refuses posts */
	struct eng_send_wr wr;			/* QP1's send entry */
	unsigned int sent[CM_ATTR_DREP + 1 - CM_ATTR_REQ];	/* MADs posted, by attribute */
	struct lib_qp *qps[UT_QPS_MAX];
	unsigned int nqps;
	struct ndk_connector *conns[16];	/* made with ut_connector() */
	unsigned int nconns;
	/* The listener's connect events. */
	struct ndk_listener *lis;
	struct ndk_connector *events[64];
	unsigned int nevents;
};

static struct {
	struct ut_side s[UT_SIDES];
	struct ut_mad wire[UT_WIRE_MAX];	/* posted, not yet delivered */
	unsigned int nwire;
	uint64_t now;				/* ns: the CM's clock */
	uint64_t seq;
	unsigned int neigh_eagain;		/* address resolutions still pending */
} ut;

/* ---- The CM's clock ---- */

uint64_t
cm_clock(void)
{
	return ut.now;
}

uint64_t
cm_clock_hz(void)
{
	return 1000000000ull;
}

static void
ut_advance_ms(uint64_t ms)
{
	ut.now += ms * 1000000ull;
}

/* ---- Stubs: the NDK core's neighbours ---- */

void
ctl_push(struct adapter *ad, struct ctl_item *it)
{
	unsigned int i;

	for (i = 0; i < UT_SIDES; i++)
		if (ut.s[i].ad == ad) {
			ck_assert_uint_lt(ut.s[i].nitems, UT_ITEMS_MAX);
			ut.s[i].items[ut.s[i].nitems++] = it;
			return;
		}
	ck_abort_msg("ctl_push on an adapter of no side");
}

void
ctl_wake(struct adapter *ad)
{
	RTE_SET_USED(ad);
}

void
adapter_register_cm(const struct adapter_cm_ops *ops)
{
	RTE_SET_USED(ops);
}

/* ndk_adapter.c's limits, the ones the CM checks. */
void
adapter_info(const struct adapter *ad, struct ndk_adapter_info *i)
{
	RTE_SET_USED(ad);
	memset(i, 0, sizeof(*i));
	i->max_inbound_read_limit = ENG_MAX_RD_ATOMIC;
	i->max_outbound_read_limit = ENG_MAX_RD_ATOMIC;
	i->max_caller_data = 56;
	i->max_callee_data = 148;
}

/* lib/env's accessors. */
struct port *
env_engine_port(struct droce_engine *de)
{
	return &ut.s[de->side].port;
}

void
env_engine_cm_conf(const struct droce_engine *de, uint8_t *timeout, uint8_t *retries)
{
	RTE_SET_USED(de);
	*timeout = 16;		/* 268 ms, and two packet lifetimes: 334 ms a retry */
	*retries = 3;
}

/* ---- Stubs: the engine and the port ---- */

static int
side_of_qp(const struct eng_qp *qp)
{
	return qp->side;
}

int
eng_cq_create(struct eng *eng, uint32_t depth, struct eng_cq **out)
{
	struct ut_side *s = &ut.s[eng->side];

	RTE_SET_USED(depth);
	*out = s->scq.side < 0 ? &s->scq : &s->rcq;
	(*out)->side = eng->side;
	return 0;
}

void
eng_cq_destroy(struct eng_cq *cq)
{
	RTE_SET_USED(cq);
}

void
eng_cq_set_notify(struct eng_cq *cq, eng_cq_notify_cb cb, void *arg)
{
	RTE_SET_USED(cq);
	RTE_SET_USED(cb);
	RTE_SET_USED(arg);
}

int
eng_mr_reg(struct eng *eng, uint32_t pd, void *addr, uint64_t length, uint32_t access,
	   struct eng_mr **out)
{
	RTE_SET_USED(pd);
	RTE_SET_USED(addr);
	RTE_SET_USED(length);
	RTE_SET_USED(access);
	*out = &ut.s[eng->side].mr;
	return 0;
}

uint32_t
eng_mr_lkey(const struct eng_mr *mr)
{
	RTE_SET_USED(mr);
	return 0x100;
}

void
eng_mr_close_start(struct eng_mr *mr)
{
	RTE_SET_USED(mr);
}

bool
eng_mr_close_poll(struct eng_mr *mr)
{
	RTE_SET_USED(mr);
	return true;
}

int
eng_qp_create(struct eng *eng, const struct eng_qp_init *init, struct eng_qp **out)
{
	struct eng_qp *qp = &ut.s[eng->side].gsi;

	ck_assert_uint_eq(init->qpn, CM_GSI_QPN);
	qp->side = eng->side;
	qp->qpn = CM_GSI_QPN;
	qp->gsi = true;
	*out = qp;
	return 0;
}

uint32_t
eng_qp_num(const struct eng_qp *qp)
{
	return qp->qpn;
}

int
eng_qp_modify(struct eng_qp *qp, const struct eng_qp_attr *attr)
{
	qp->state = attr->state;
	qp->modifies++;
	return 0;
}

void
eng_qp_close_start(struct eng_qp *qp)
{
	qp->closing = true;
}

bool
eng_qp_close_poll(struct eng_qp *qp)
{
	return qp->closing;
}

int
eng_post_recv(struct eng_qp *qp, const struct eng_recv_wr *wr)
{
	struct ut_side *s = &ut.s[side_of_qp(qp)];

	s->recv_ids[s->recv_tail++ % RTE_DIM(s->recv_ids)] = (uint32_t)wr->wr_id;
	return 0;
}

/* QP1's next send entry, or -ENOMEM when the test says its send queue is full. */
int
eng_post_send_begin(struct eng_qp *qp, struct eng_send_wr **wr)
{
	struct ut_side *s = &ut.s[side_of_qp(qp)];

	ck_assert(qp->gsi);
	if (s->sq_full)
		return -ENOMEM;
	*wr = &s->wr;
	return 0;
}

/* The MAD in the entry onto the wire. */
int
eng_post_send_end(struct eng_qp *qp, bool defer)
{
	struct ut_side *s = &ut.s[side_of_qp(qp)];
	struct ut_mad *m;
	uint16_t attr;

	ck_assert(!defer);
	ck_assert(!s->sq_full);
	ck_assert_uint_eq(s->wr.inline_len, CM_MAD_SIZE);
	ck_assert_uint_eq(s->wr.ud.dest_qpn, CM_GSI_QPN);
	ck_assert_uint_lt(ut.nwire, UT_WIRE_MAX);
	m = &ut.wire[ut.nwire++];
	m->from = qp->side;
	memcpy(m->dmac, s->wr.ud.dmac, 6);
	memcpy(m->sgid, s->wr.ud.sgid, 16);
	memcpy(m->dgid, s->wr.ud.dgid, 16);
	memcpy(m->bytes, s->wr.inline_data, CM_MAD_SIZE);
	attr = (uint16_t)(m->bytes[16] << 8 | m->bytes[17]);
	if (attr >= CM_ATTR_REQ && attr <= CM_ATTR_DREP)
		s->sent[attr - CM_ATTR_REQ]++;
	memset(&s->wr, 0xa5, sizeof(s->wr));	/* the next begin gets garbage, as the engine's */
	return 0;
}

/* The CQs: the receive CQ gives what was delivered into the next posted buffers. */
int
eng_cq_poll(struct eng_cq *cq, struct eng_cqe *cqe, unsigned int n)
{
	struct ut_side *s = &ut.s[cq->side];
	struct rte_ipv4_hdr ip;
	unsigned int i, k = 0;
	uint8_t *buf;

	if (!cq->recv)
		return 0;
	for (i = 0; i < s->ninbox && k < n; i++, k++) {
		ck_assert_uint_ne(s->recv_head, s->recv_tail);
		memset(&cqe[k], 0, sizeof(cqe[k]));
		cqe[k].wr_id = s->recv_ids[s->recv_head++ % RTE_DIM(s->recv_ids)];
		cqe[k].byte_len = CM_GRH_LEN + CM_MAD_SIZE;
		cqe[k].status = ENG_WC_SUCCESS;
		cqe[k].smac[5] = (uint8_t)(s->inbox[i].from + 1);
		/* The GRH area of an IPv4 datagram: the IP header in its last 20 bytes. */
		buf = s->ad->cm->bufs + cqe[k].wr_id * GSI_BUF;
		memset(buf, 0, CM_GRH_LEN);
		memset(&ip, 0, sizeof(ip));
		ip.version_ihl = RTE_IPV4_VHL_DEF;
		memcpy(&ip.src_addr, s->inbox[i].sgid + 12, 4);
		memcpy(&ip.dst_addr, s->inbox[i].dgid + 12, 4);
		memcpy(buf + 20, &ip, sizeof(ip));
		memcpy(buf + CM_GRH_LEN, s->inbox[i].bytes, CM_MAD_SIZE);
	}
	memmove(s->inbox, s->inbox + k, (s->ninbox - k) * sizeof(s->inbox[0]));
	s->ninbox -= k;
	return (int)k;
}

static const uint8_t ut_addr[UT_SIDES][16] = {
	{ [10] = 0xff, [11] = 0xff, 10, 77, 0, 1 },
	{ [10] = 0xff, [11] = 0xff, 10, 77, 0, 2 },
};

int
port_addrs(const struct port *port, uint8_t (*addrs)[16], uint8_t *prefix_lens,
	   unsigned int n)
{
	static const uint8_t ll[16] = { 0xfe, 0x80 };

	ck_assert_uint_ge(n, 2);
	memcpy(addrs[0], ll, 16);		/* entry 0: the link-local address */
	memcpy(addrs[1], ut_addr[port->side], 16);
	prefix_lens[0] = 64;
	prefix_lens[1] = 24;
	return 2;
}

void
port_mac(const struct port *port, uint8_t mac[6])
{
	static const uint8_t base[6] = { 0x02, 0, 0, 0, 0, 0 };

	memcpy(mac, base, 6);
	mac[5] = (uint8_t)(port->side + 1);
}

uint32_t
port_path_mtu(const struct port *port)
{
	RTE_SET_USED(port);
	return 1024;
}

int
port_neigh_resolve_mt(struct port *port, const uint8_t addr[16], uint8_t mac[6])
{
	int peer = memcmp(addr, ut_addr[0], 16) == 0 ? 0 : 1;

	RTE_SET_USED(port);
	if (ut.neigh_eagain > 0) {
		ut.neigh_eagain--;
		return -EAGAIN;
	}
	port_mac(&ut.s[peer].port, mac);
	return 0;
}

/* ---- The test's side ---- */

static void
ut_call_cb(void *ctx, int status)
{
	struct ut_call *c = ctx;

	c->n++;
	c->status = status;
	c->seq = ++ut.seq;
}

static void
ut_close_cb(void *ctx)
{
	ut_call_cb(ctx, 0);
}

static void
ut_event_cb(void *ctx, struct ndk_connector *conn)
{
	struct ut_side *s = ctx;

	ck_assert_uint_lt(s->nevents, RTE_DIM(s->events));
	s->events[s->nevents++] = conn;
}

/* Run the control queue of a side: its items (oldest first), requests, closes. */
static unsigned int
ut_ctl(int side)
{
	struct ut_side *s = &ut.s[side];
	unsigned int i, n = s->nitems;

	for (i = 0; i < n; i++)
		s->items[i]->run(s->items[i]);
	memmove(s->items, s->items + n, (s->nitems - n) * sizeof(s->items[0]));
	s->nitems -= n;
	return n + (unsigned int)req_poll(s->ad) + (unsigned int)obj_closes_poll(s->ad);
}

/* Deliver what is on the wire, the i-th MAD dropped when drop(i, mad) says so. */
static unsigned int
ut_deliver(bool (*drop)(unsigned int i, const struct ut_mad *m))
{
	unsigned int i, n = ut.nwire;

	for (i = 0; i < n; i++) {
		struct ut_side *to = &ut.s[1 - ut.wire[i].from];

		if (drop != NULL && drop(i, &ut.wire[i]))
			continue;
		ck_assert_uint_lt(to->ninbox, UT_WIRE_MAX);
		to->inbox[to->ninbox++] = ut.wire[i];
	}
	ut.nwire = 0;
	return n;
}

/* Until nothing moves: deliver the wire, poll both CMs, run both control queues. */
static void
ut_pump(void)
{
	unsigned int work, i;

	do {
		work = ut_deliver(NULL);
		for (i = 0; i < UT_SIDES; i++)
			work += (unsigned int)cm_poll(ut.s[i].ad) + ut_ctl(i);
	} while (work > 0);
}

/* Poll and run the control queues without delivering anything (a lost wire). */
static void
ut_run_local(void)
{
	unsigned int work, i;

	do {
		work = 0;
		for (i = 0; i < UT_SIDES; i++)
			work += (unsigned int)cm_poll(ut.s[i].ad) + ut_ctl(i);
	} while (work > 0);
}

/* A MAD as if side 1 - to had sent it: into to's inbox, polled by its next cm_poll(). */
static __rte_unused void
ut_inject(int to, const struct cm_mad *m)
{
	struct ut_side *s = &ut.s[to];
	struct cm_mad c = *m;
	struct ut_mad *w;

	ck_assert_uint_lt(s->ninbox, UT_WIRE_MAX);
	w = &s->inbox[s->ninbox++];
	memset(w, 0, sizeof(*w));
	w->from = 1 - to;
	memcpy(w->sgid, ut_addr[1 - to], 16);
	memcpy(w->dgid, ut_addr[to], 16);
	c.method = CM_METHOD_SEND;
	ck_assert_int_eq(cm_mad_build(&c, w->bytes), CM_MAD_SIZE);
}

static unsigned int
ut_sent(int side, uint16_t attr)
{
	return ut.s[side].sent[attr - CM_ATTR_REQ];
}

static const struct ndk_qp_dispatch ut_qp_dispatch;

static void
ut_qp_free(struct obj *o)
{
	free(container_of(o, struct lib_qp, o));
}

static const struct obj_ops ut_qp_ops = {
	.name = "qp",
	.free = ut_qp_free,
};

/* A live QP of side's adapter, in RESET. */
static struct ndk_qp *
ut_qp(int side)
{
	struct ut_side *s = &ut.s[side];
	struct lib_qp *q = calloc(1, sizeof(*q) + sizeof(struct eng_qp));
	struct eng_qp *e;

	ck_assert_ptr_nonnull(q);
	ck_assert_uint_lt(s->nqps, UT_QPS_MAX);
	e = (struct eng_qp *)(q + 1);
	e->side = side;
	e->qpn = 100 + s->nqps;
	q->eqp = e;
	obj_init(&q->o, s->ad, NDK_OBJECT_QP, &ut_qp_dispatch, &ut_qp_ops);
	obj_publish(&q->o);
	s->qps[s->nqps++] = q;
	return (struct ndk_qp *)q;
}

static struct eng_qp *
ut_eqp(struct ndk_qp *qp)
{
	return ((struct lib_qp *)qp)->eqp;
}

static struct ndk_connector *
ut_connector(int side)
{
	struct ndk_connector *c = NULL;

	struct ut_side *s = &ut.s[side];

	ck_assert_uint_lt(s->nconns, RTE_DIM(s->conns));
	ck_assert_int_eq(conn_create((struct ndk_adapter *)s->ad, NULL, NULL, &c), 0);
	s->conns[s->nconns++] = c;
	return c;
}

/* B listens on UT_PORT; its connect events land in ut.s[1].events. */
static void
ut_listen(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(UT_PORT) };
	struct ut_side *s = &ut.s[1];

	ck_assert_int_eq(lis_create((struct ndk_adapter *)s->ad, ut_event_cb, s, NULL, NULL,
				    &s->lis), 0);
	ck_assert_int_eq(s->lis->dispatch->listen(s->lis, (struct sockaddr *)&a, sizeof(a), NULL,
						  NULL), 0);
}

/* A connects conn on qp to B's listener; returns what connect returned. */
static int
ut_connect(struct ndk_connector *conn, struct ndk_qp *qp, struct ut_call *call)
{
	struct sockaddr_in dst = { .sin_family = AF_INET, .sin_port = htons(UT_PORT) };

	memcpy(&dst.sin_addr, ut_addr[1] + 12, 4);
	return conn->dispatch->connect(conn, qp, NULL, 0, (struct sockaddr *)&dst, sizeof(dst),
				       4, 4, NULL, 0, ut_call_cb, call);
}

/* The test closed obj itself: the teardown leaves it alone (it may be freed). */
static void
ut_forget(const void *obj)
{
	unsigned int i, k;

	for (i = 0; i < UT_SIDES; i++) {
		struct ut_side *s = &ut.s[i];

		for (k = 0; k < s->nevents; k++)
			if (s->events[k] == obj)
				s->events[k] = NULL;
		for (k = 0; k < s->nconns; k++)
			if (s->conns[k] == obj)
				s->conns[k] = NULL;
		for (k = 0; k < s->nqps; k++)
			if ((const void *)s->qps[k] == obj)
				s->qps[k] = NULL;
		if ((const void *)s->lis == obj)
			s->lis = NULL;
	}
}

/* Close obj, run the control queues until its close callback came, once. */
static void
ut_close(void *obj)
{
	struct ut_call done = { 0 };
	int ret;

	ut_forget(obj);
	ret = obj_close_fn(obj, ut_close_cb, &done);

	ck_assert(ret == 0 || ret == NDK_PENDING);
	ut_pump();
	ck_assert_int_eq(done.n, ret == 0 ? 0 : 1);
}

static void
ut_side_open(int side)
{
	struct ut_side *s = &ut.s[side];
	size_t sz = rte_rcu_qsbr_get_memsize(1);

	s->de.side = side;
	s->port.side = side;
	s->eng.side = side;
	s->scq.side = -1;		/* eng_cq_create(): the first one made is the send CQ */
	s->rcq.recv = true;
	s->rcu = aligned_alloc(RTE_CACHE_LINE_SIZE, RTE_ALIGN(sz, RTE_CACHE_LINE_SIZE));
	ck_assert_ptr_nonnull(s->rcu);
	ck_assert_int_eq(rte_rcu_qsbr_init(s->rcu, 1), 0);
	s->ad = calloc(1, sizeof(*s->ad));
	ck_assert_ptr_nonnull(s->ad);
	obj_init(&s->ad->o, NULL, NDK_OBJECT_ADAPTER, NULL, NULL);
	s->ad->o.header.version = (struct ndk_version){ 2, 1 };
	s->ad->o.ad = s->ad;
	s->ad->o.state = OBJ_LIVE;
	s->ad->de = &s->de;
	s->ad->eng = &s->eng;
	s->ad->rcu = s->rcu;
	rte_spinlock_init(&s->ad->lock);
	TAILQ_INIT(&s->ad->objs);
	TAILQ_INIT(&s->ad->closing);
	TAILQ_INIT(&s->ad->srqs);
	TAILQ_INIT(&s->ad->polling);
	ck_assert_int_eq(cm_init(s->ad), 0);
}

static void
ut_setup(void)
{
	unsigned int i;

	memset(&ut, 0, sizeof(ut));
	ut.now = 1000000000ull;
	for (i = 0; i < UT_SIDES; i++)
		ut_side_open(i);
}

/* Close what is left, then check that nothing is: no object, no queued work. */
static void
ut_teardown(void)
{
	unsigned int i, k;

	for (i = 0; i < UT_SIDES; i++) {
		struct ut_side *s = &ut.s[i];

		for (k = 0; k < s->nevents; k++)
			if (s->events[k] != NULL)
				ut_close(s->events[k]);
		for (k = 0; k < s->nconns; k++)
			if (s->conns[k] != NULL)
				ut_close(s->conns[k]);
		if (s->lis != NULL)
			ut_close(s->lis);
		for (k = 0; k < s->nqps; k++)
			if (s->qps[k] != NULL)
				ut_close(s->qps[k]);
	}
	ut_pump();
	for (i = 0; i < UT_SIDES; i++) {
		struct ut_side *s = &ut.s[i];

		for (k = 0; k < NDK_OBJECT_MAX; k++)
			ck_assert_msg(s->ad->counts[k] == 0, "side %u: %u objects of type %u left",
				      i, s->ad->counts[k], k);
		ck_assert_uint_eq(s->nitems, 0);
		cm_fini(s->ad);
		free(s->ad);
		free(s->rcu);
	}
}

#endif /* CM_UT_H */
