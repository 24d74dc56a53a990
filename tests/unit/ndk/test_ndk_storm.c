/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The close storm. Two engines of two slots each; a traffic thread moves numbered messages
 * over a long-lived QP pair and checks every byte, while this thread, a thousand times:
 * creates on both sides a PD, two CQs, an MR, a window, a fast-register MR, a bare MR, an
 * SRQ and a QP (B's on the SRQ); connects the two QPs over the CM (a listener on B that
 * accepts from its connect event, a shared endpoint and a connector on A that completes
 * from its connect callback); moves data both ways, writes, binds and fast-registers; and
 * closes all of it, connectors, listener and endpoint included, in a random order.
 *
 * The rounds differ in when the closes start: during the handshake, right after posting,
 * after a disconnect, once everything completed, or from inside a CQ notification on an
 * engine lcore (everything closed from there, that CQ too), or each from the previous one's
 * close callback. CQs are polled only in their notifications, which re-arm every time.
 *
 * What is checked, on every callback and completion as it comes:
 * - no callback of an object after its close completion, every close completes once, and
 *   every request callback (connect, accept, complete, disconnect) comes exactly once,
 *   before its connector's close completion, with a status the API lists;
 * - every completion carries this round's QP context and a request of this round's QP
 *   that was posted and not completed before (none twice), received bytes are what was
 *   sent, and in a round that waits, everything succeeds;
 * - in a QP's close callback nothing it had outstanding is missing from its CQs (those
 *   whose close has not started; a closing CQ's completions are not the consumer's);
 * - at the end, the engines' heaps and memzones are where they started.
 * SRQ receives nobody consumed end with the SRQ without a completion, as in Verbs.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_malloc.h>
#include <rte_memzone.h>
#include <rte_spinlock.h>

#include "check_run.h"
#include "ndk_harness.h"

#define ROUNDS		1000
#define SLOTS		2
#define PORT		7471
#define TRAFFIC_MSG	512
#define NB_MSG		4		/* sends each way per round */
#define MSG_SPACE	512		/* receive buffer of one message */
#define FR_PAGES	4
/* Each side's registered buffer: receives, send sources, A's write, A's window. */
#define BUF_LEN		32768
#define RX_OFF		0		/* NB_MSG * MSG_SPACE */
#define TX_OFF		2048		/* NB_MSG * MSG_SPACE */
#define WR_SRC		4096		/* A: the writes' source */
#define WR_DST		8192		/* B: where A writes, NB_WRITE * WR_LEN */
#define WR_LEN		4096		/* several packets each */
#define NB_WRITE	4
#define WIN_OFF		24576		/* A: the window */
#define WIN_LEN		4096
#define FR_WR_OFF	1000		/* where A writes through B's FR MR */
#define FR_WR_LEN	1024
#define FR_BASE		((uintptr_t)0x4000000000ull)

/* The objects of one side in one round. */
enum {
	O_PD, O_RCQ, O_ICQ, O_MR, O_MW, O_FRMR, O_BARE, O_SRQ, O_QP, O_CONN,
	O_EXTRA,			/* A: the shared endpoint; B: the listener */
	O_PER_SIDE
};
#define NB_OBJ		(2 * O_PER_SIDE)

/* When a round's closes start. */
enum round_kind {
	K_HANDSHAKE,			/* while the connection is being set up */
	K_IN_CALLBACK,			/* from a CQ notification, on an engine lcore */
	K_DISCONNECTED,			/* after A disconnected */
	K_ALL_DONE,			/* once every request completed, successfully */
	K_POSTED,			/* right after posting */
	K_CHAINED,			/* each from the previous one's close callback */
	K_NB
};

/* The kinds of work request; request contexts encode round, side, kind and index. */
enum { W_SEND, W_RECV, W_WRITE, W_BIND, W_FR, W_NB };
#define W_MAX		8

static void *
wr_ctx(unsigned int round, int side, int kind, unsigned int idx)
{
	return (void *)(uintptr_t)((round << 12) | ((unsigned int)side << 11) |
				   ((unsigned int)kind << 8) | (idx + 1));
}

/* What the test knows of one object. */
struct tracked {
	struct ndk_object_header *obj;
	int side;
	bool closing;			/* the close was started (under the round's lock) */
	int closed;			/* close completion seen (atomic) */
	int close_cbs;			/* atomic */
	int in_notify;			/* CQs: notifications running (atomic) */
};

/* One asynchronous request on a connector. */
struct req {
	const char *what;
	struct tracked *of;
	int started;			/* the call returned NDK_PENDING (or is about to) */
	int done;			/* callbacks (atomic) */
	int status;
	const int *allowed;		/* statuses the API lists for it, 0-terminated after 0 */
};

/* The QP context: which round's QP a completion names. */
struct qp_ctx {
	unsigned int round;
	int side;
};

struct round {
	unsigned int nr;
	enum round_kind kind;
	unsigned int seed;
	rte_spinlock_t lock;		/* posting, polling, and the decision to close */
	bool closing;			/* the close phase started: no new connector calls */
	struct tracked t[NB_OBJ];
	struct qp_ctx qctx[2];
	struct req connect, complete, accept, disc[2];
	int events;			/* connect events (atomic) */
	int established;		/* complete and accept callbacks with 0 (atomic) */
	/* Per side and kind: posted, completed (a bit per index), under the lock. */
	uint32_t posted[2][W_NB], seen[2][W_NB];
	unsigned int sq_posted[2], sq_done[2], rq_posted[2], rq_done[2];
	int qp_checks;			/* QP close callbacks that checked (atomic) */
	int srq_notifies[2];		/* atomic */
	struct ndk_result trigger;	/* K_IN_CALLBACK: the completion that starts closing */
	bool cb_closer;			/* K_IN_CALLBACK: a notification took the closing on */
	int cb_close_done;		/* K_IN_CALLBACK: close_all() returned (atomic) */
	int order[NB_OBJ];		/* the order of the closes */
	int chain_pos;			/* K_CHAINED: the next in order to close (atomic) */
	/* Below: not cleared between rounds. */
	uint8_t buf[2][BUF_LEN];
	uint8_t fr_buf[4096] __rte_aligned(4096);
};

static struct round rd;
static char first_violation[256];
static int violations;
/* Over all rounds: notifications, receives that succeeded, in-callback close phases (of
 * them on a slot). */
static int nb_notify, nb_rx_ok, nb_cb_closes, nb_slot_closes;

static void
violation(const char *fmt, ...)
{
	va_list ap;

	if (__atomic_fetch_add(&violations, 1, __ATOMIC_SEQ_CST) != 0)
		return;
	va_start(ap, fmt);
	vsnprintf(first_violation, sizeof(first_violation), fmt, ap);
	va_end(ap);
	fprintf(stderr, "storm: %s\n", first_violation);
	/*
	 * Where the failure is expected (a build whose closes skip the grace period), end at
	 * once: tearing down engines after a use after free could hang instead of failing.
	 */
	if (getenv("STORM_FAIL_FAST") != NULL)
		_exit(EXIT_FAILURE);
}

static struct tracked *
obj_of(int side, int o)
{
	return &rd.t[side * O_PER_SIDE + o];
}

#define OBJ(side, o, type)	((struct type *)obj_of(side, o)->obj)

/* Any callback of an object: never after its close completion. */
static void
alive(struct tracked *t, const char *what)
{
	if (__atomic_load_n(&t->closed, __ATOMIC_SEQ_CST))
		violation("round %u: %s after the close completion of object %d", rd.nr, what,
			  (int)(t - rd.t));
}

static void chain_next(void);

static void
on_closed(void *ctx)
{
	struct tracked *t = ctx;

	if (__atomic_fetch_add(&t->close_cbs, 1, __ATOMIC_SEQ_CST) != 0)
		violation("round %u: object %d closed twice", rd.nr, (int)(t - rd.t));
	if (__atomic_load_n(&t->in_notify, __ATOMIC_SEQ_CST) != 0)
		violation("round %u: CQ %d closed while its notification ran", rd.nr,
			  (int)(t - rd.t));
	__atomic_store_n(&t->closed, 1, __ATOMIC_SEQ_CST);
	if (rd.kind == K_CHAINED)
		chain_next();
}

static void on_qp_closed(void *ctx);

/* Start t's close; the caller holds no lock. */
static void
close_obj(struct tracked *t)
{
	ndk_close_cb cb = (t - rd.t) % O_PER_SIDE == O_QP ? on_qp_closed : on_closed;
	int ret;

	bool first;

	/* B's connector: the connect event and close_all() may both come to it. */
	rte_spinlock_lock(&rd.lock);
	first = !t->closing;
	t->closing = true;
	rte_spinlock_unlock(&rd.lock);
	if (!first)
		return;
	ret = ndk_close(t->obj, cb, t);
	if (ret == 0)
		cb(t);
	else if (ret != NDK_PENDING)
		violation("round %u: close of object %d: %d", rd.nr, (int)(t - rd.t), ret);
}

/* ---- completions ------------------------------------------------------------------ */

static uint8_t
pattern(unsigned int round, int side, unsigned int k, uint32_t i)
{
	return (uint8_t)(round * 7 + (unsigned int)side * 101 + k * 13 + i);
}

static uint32_t
msg_len(unsigned int k)
{
	return k % 2 == 0 ? 32 : 100 + 97 * k;		/* the even ones inline */
}

/* One completion off side's CQ (rcq: receives); under the lock. */
static void
take_result(int side, bool rcq, const struct ndk_result *r)
{
	uintptr_t c = (uintptr_t)r->request_context;
	unsigned int round = (unsigned int)(c >> 12), idx = (unsigned int)(c & 0xff) - 1;
	int wside = (int)((c >> 11) & 1), kind = (int)((c >> 8) & 7);
	const struct qp_ctx *q = r->qp_context;

	if (q != &rd.qctx[side] || q->round != rd.nr || q->side != side) {
		violation("round %u side %d: completion with QP context %p", rd.nr, side, q);
		return;
	}
	if (round != rd.nr || wside != side || kind >= W_NB || idx >= W_MAX ||
	    (kind == W_RECV) != rcq) {
		violation("round %u side %d: completion of request %#lx", rd.nr, side,
			  (unsigned long)c);
		return;
	}
	if (!(rd.posted[side][kind] & (1u << idx)) || (rd.seen[side][kind] & (1u << idx))) {
		violation("round %u side %d: request %#lx completed %s", rd.nr, side,
			  (unsigned long)c, rd.seen[side][kind] & (1u << idx) ? "twice" :
			  "without being posted");
		return;
	}
	rd.seen[side][kind] |= 1u << idx;
	if (rcq)
		rd.rq_done[side]++;
	else
		rd.sq_done[side]++;
	if (rd.kind == K_ALL_DONE && r->status != 0)
		violation("round %u side %d: request %#lx: status %d", rd.nr, side,
			  (unsigned long)c, r->status);
	if (kind == W_RECV && r->status == 0) {
		/* Receive idx holds the peer's message idx: one QP, posted in order. */
		const uint8_t *m = rd.buf[side] + RX_OFF + idx * MSG_SPACE;
		uint32_t i, len = msg_len(idx);

		if (r->bytes_transferred != len)
			violation("round %u side %d: receive %u: %u bytes, not %u", rd.nr, side,
				  idx, r->bytes_transferred, len);
		for (i = 0; i < len && r->bytes_transferred == len; i++)
			if (m[i] != pattern(rd.nr, !side, idx, i)) {
				violation("round %u side %d: receive %u: byte %u is %u", rd.nr, side,
					  idx, i, m[i]);
				break;
			}
		__atomic_fetch_add(&nb_rx_ok, 1, __ATOMIC_RELAXED);
	}
	if (rd.kind == K_IN_CALLBACK && !rcq && side == 0 && kind == W_SEND &&
	    idx == NB_MSG - 1)
		rd.trigger = *r;
}

/* Poll side's CQ dry unless its close started; under the lock. */
static void
drain(int side, bool rcq)
{
	struct tracked *t = obj_of(side, rcq ? O_RCQ : O_ICQ);
	struct ndk_result r[16];
	uint32_t i, n;

	if (t->closing)
		return;
	do {
		n = ndk_get_cq_results((struct ndk_cq *)t->obj, r, RTE_DIM(r));
		for (i = 0; i < n; i++)
			take_result(side, rcq, &r[i]);
	} while (n > 0);
}

static void close_all(void);

/*
 * The CQ notification: poll, re-arm; on an engine lcore. It counts itself in and out: the
 * CQ's close callback must find none running. In K_IN_CALLBACK rounds the one that closes
 * everything, its own CQ too, stays 2 ms more, and when it runs on a slot, the closes
 * that wait for a grace period (the side's MR, window and FR MR) must not complete
 * meanwhile: no slot may be inside a callback when they do (a build whose closes skip the
 * grace period fails here).
 */
static void
on_notify(void *ctx, int st)
{
	struct tracked *t = ctx;
	int o = (int)(t - rd.t) % O_PER_SIDE;
	bool close_now = false;

	__atomic_fetch_add(&t->in_notify, 1, __ATOMIC_SEQ_CST);
	alive(t, "a notification");
	__atomic_fetch_add(&nb_notify, 1, __ATOMIC_RELAXED);
	if (st != 0)
		violation("round %u: notification status %d", rd.nr, st);
	rte_spinlock_lock(&rd.lock);
	if (!t->closing) {
		drain(t->side, o == O_RCQ);
		ndk_arm_cq((struct ndk_cq *)t->obj, NDK_CQ_NOTIFY_ANY);
		/* Claimed here: two notifications may find the trigger at once. */
		close_now = rd.trigger.request_context != NULL && !rd.cb_closer;
		rd.cb_closer = rd.cb_closer || close_now;
	}
	rte_spinlock_unlock(&rd.lock);
	if (close_now) {
		static const int graced[] = { O_MR, O_MW, O_FRMR };
		bool on_slot = nh_on_slot(t->side);
		unsigned int i;

		__atomic_fetch_add(&nb_cb_closes, 1, __ATOMIC_RELAXED);
		close_all();
		rte_delay_us_block(2000);
		for (i = 0; i < RTE_DIM(graced) && on_slot; i++)
			if (__atomic_load_n(&obj_of(t->side, graced[i])->closed, __ATOMIC_SEQ_CST))
				violation("round %u: object %d closed while a slot was inside a "
					  "callback", rd.nr, t->side * O_PER_SIDE + graced[i]);
		if (on_slot)
			__atomic_fetch_add(&nb_slot_closes, 1, __ATOMIC_RELAXED);
		__atomic_store_n(&rd.cb_close_done, 1, __ATOMIC_SEQ_CST);
	}
	__atomic_fetch_sub(&t->in_notify, 1, __ATOMIC_SEQ_CST);
}

/*
 * A QP's close completion: every request it had outstanding completed into its CQs by now.
 * Drain the ones not closing and count.
 */
static void
on_qp_closed(void *ctx)
{
	struct tracked *t = ctx;
	int s = t->side;

	rte_spinlock_lock(&rd.lock);
	drain(s, false);
	drain(s, true);
	if (!obj_of(s, O_ICQ)->closing && rd.sq_done[s] != rd.sq_posted[s])
		violation("round %u side %d: QP closed with %u of %u sends completed", rd.nr, s,
			  rd.sq_done[s], rd.sq_posted[s]);
	/* B receives through its SRQ: those are not the QP's. */
	if (s == 0 && !obj_of(s, O_RCQ)->closing && rd.rq_done[s] != rd.rq_posted[s])
		violation("round %u side %d: QP closed with %u of %u receives completed", rd.nr,
			  s, rd.rq_done[s], rd.rq_posted[s]);
	rte_spinlock_unlock(&rd.lock);
	__atomic_fetch_add(&rd.qp_checks, 1, __ATOMIC_SEQ_CST);
	on_closed(ctx);
}

/* ---- the connection ------------------------------------------------------------------ */

static const int st_connect[] = { 0, -ECONNREFUSED, -ETIMEDOUT, -ECONNABORTED, -ECANCELED,
				  1 };
static const int st_accept[] = { 0, -ETIMEDOUT, -ECONNABORTED, -ECANCELED, 1 };
static const int st_complete[] = { 0, -ECANCELED, 1 };
static const int st_disc[] = { 0, -ECANCELED, -ETIMEDOUT, 1 };

static void
req_init(struct req *q, const char *what, struct tracked *of, const int *allowed)
{
	memset(q, 0, sizeof(*q));
	q->what = what;
	q->of = of;
	q->allowed = allowed;
}

/* Record a request's callback; true when it succeeded. */
static bool
req_done(struct req *q, int status)
{
	int i;

	alive(q->of, q->what);
	if (!__atomic_load_n(&q->started, __ATOMIC_SEQ_CST))
		violation("round %u: %s called back, never started", rd.nr, q->what);
	if (__atomic_fetch_add(&q->done, 1, __ATOMIC_SEQ_CST) != 0)
		violation("round %u: %s called back twice", rd.nr, q->what);
	q->status = status;
	for (i = 0; q->allowed[i] != 1; i++)
		if (q->allowed[i] == status)
			break;
	if (q->allowed[i] == 1)
		violation("round %u: %s: status %d", rd.nr, q->what, status);
	if (rd.kind != K_HANDSHAKE && q != &rd.disc[0] && q != &rd.disc[1] && status != 0)
		violation("round %u: %s: status %d", rd.nr, q->what, status);
	return status == 0;
}

/* Start q by ret (the call's return, made with started already set). */
static void
req_started(struct req *q, int ret)
{
	if (ret == NDK_PENDING)
		return;
	__atomic_store_n(&q->started, 0, __ATOMIC_SEQ_CST);
	violation("round %u: %s returned %d", rd.nr, q->what, ret);
}

static void
on_disconnected(void *ctx, int st)
{
	req_done(ctx, st);
}

/* The peer disconnected: answer with a disconnect of our own, unless closing. */
static void
on_disc_event(void *ctx)
{
	struct tracked *t = ctx;
	struct req *q = &rd.disc[t->side];

	alive(t, "a disconnect event");
	rte_spinlock_lock(&rd.lock);
	if (!rd.closing && !q->started) {
		q->started = 1;
		req_started(q, ndk_disconnect((struct ndk_connector *)t->obj, on_disconnected, q));
	}
	rte_spinlock_unlock(&rd.lock);
}

static void
on_established(void *ctx, int st)
{
	if (req_done(ctx, st))
		__atomic_fetch_add(&rd.established, 1, __ATOMIC_SEQ_CST);
}

/* A's connect completed: complete it, from this callback. */
static void
on_connected(void *ctx, int st)
{
	struct tracked *conn = obj_of(0, O_CONN);

	if (!req_done(ctx, st))
		return;
	rte_spinlock_lock(&rd.lock);
	if (!rd.closing) {
		rd.complete.started = 1;
		req_started(&rd.complete,
			    ndk_complete_connect((struct ndk_connector *)conn->obj, on_disc_event,
						 conn, on_established, &rd.complete));
	}
	rte_spinlock_unlock(&rd.lock);
}

/* Connectors from earlier rounds' requests, rejected and closing (atomic). */
static int stale_open, nb_stale;

static void
on_stale_closed(void *ctx)
{
	(void)ctx;
	__atomic_fetch_sub(&stale_open, 1, __ATOMIC_SEQ_CST);
}

/*
 * B's listener heard a request: accept this round's on B's QP from here, or close it when
 * it came too late. A request of an earlier round's connector (its REQ left A's slot late,
 * after that connector had closed: a busy host) is rejected and closed, as a server does
 * with a request it cannot place; the private data says which round a request is of.
 */
static void
on_connect_event(void *ctx, struct ndk_connector *c)
{
	struct tracked *conn = obj_of(1, O_CONN);
	uint8_t pdata[56];
	uint32_t len = sizeof(pdata), ird, ord, round = 0;
	bool late;
	int ret;

	alive(ctx, "a connect event");
	ret = ndk_get_connection_data(c, &ird, &ord, pdata, &len);
	if (ret == 0 && len >= 4)
		memcpy(&round, pdata, 4);
	if (ret != 0 || round != rd.nr) {
		__atomic_fetch_add(&stale_open, 1, __ATOMIC_SEQ_CST);
		__atomic_fetch_add(&nb_stale, 1, __ATOMIC_RELAXED);
		(void)ndk_reject(c, NULL, 0);
		if (ndk_close(&c->header, on_stale_closed, NULL) != NDK_PENDING)
			on_stale_closed(NULL);
		return;
	}
	if (__atomic_fetch_add(&rd.events, 1, __ATOMIC_SEQ_CST) != 0) {
		violation("round %u: a second connect event", rd.nr);
		return;
	}
	rte_spinlock_lock(&rd.lock);
	conn->obj = &c->header;
	late = rd.closing;
	if (!late) {
		rd.accept.started = 1;
		req_started(&rd.accept, ndk_accept(c, OBJ(1, O_QP, ndk_qp), 4, 4, NULL, 0,
						   on_disc_event, conn, on_established,
						   &rd.accept));
	}
	rte_spinlock_unlock(&rd.lock);
	if (late)
		close_obj(conn);
}

static void
start_connection(void)
{
	struct sockaddr_in b = nh_sa4("10.77.0.2", PORT), any = nh_sa4("0.0.0.0", 0);
	struct ndk_listener *l;
	struct ndk_shared_endpoint *ep;
	struct ndk_connector *c;
	int ret;

	ck_assert_int_eq(ndk_create_listener(nh_ad[1], on_connect_event, obj_of(1, O_EXTRA),
					     NULL, NULL, &l), 0);
	obj_of(1, O_EXTRA)->obj = &l->header;
	ck_assert_int_eq(ndk_listen(l, (struct sockaddr *)&b, sizeof(b), NULL, NULL), 0);
	ck_assert_int_eq(ndk_create_shared_endpoint(nh_ad[0], (struct sockaddr *)&any,
						    sizeof(any), NULL, NULL, &ep), 0);
	obj_of(0, O_EXTRA)->obj = &ep->header;
	ck_assert_int_eq(ndk_create_connector(nh_ad[0], NULL, NULL, &c), 0);
	obj_of(0, O_CONN)->obj = &c->header;
	rd.connect.started = 1;
	ret = ndk_connect_with_shared_endpoint(c, OBJ(0, O_QP, ndk_qp), ep, (struct sockaddr *)&b,
					       sizeof(b), 4, 4, &rd.nr, sizeof(rd.nr), on_connected,
					       &rd.connect);
	ck_assert_int_eq(ret, NDK_PENDING);
}

/* ---- objects and work ----------------------------------------------------------------- */

/*
 * Wait for n pending calls at once, then check each was called back exactly once (one
 * settling pause for all) and succeeded.
 */
static void
wait_all(struct nh_call *c, int n, const char *what)
{
	int i;

	for (i = 0; i < n; i++) {
		unsigned int ms;

		for (ms = 0; ms < NH_WAIT_MS && __atomic_load_n(&c[i].done, __ATOMIC_SEQ_CST) == 0;
		     ms++)
			nh_sleep_ms(1);
	}
	nh_sleep_ms(NH_SETTLE_MS);
	for (i = 0; i < n; i++)
		ck_assert_msg(__atomic_load_n(&c[i].done, __ATOMIC_SEQ_CST) == 1 &&
			      c[i].status == 0, "round %u: %s %d: %d callbacks, status %d",
			      rd.nr, what, i, c[i].done, c[i].status);
}

static struct ndk_sge
sge_of(struct ndk_mr *mr, void *va, uint32_t len)
{
	return (struct ndk_sge){ .va = va, .length = len, .token = ndk_get_local_token_mr(mr) };
}

static void
pending(int ret, const char *what)
{
	ck_assert_msg(ret == NDK_PENDING, "round %u: %s: %d", rd.nr, what, ret);
}

/* An SRQ ran low (A's, which nobody fills, at once): at most once, it is armed once. */
static void
on_srq_low(void *ctx, int st)
{
	struct tracked *t = ctx;

	alive(t, "an SRQ notification");
	if (st != 0 || __atomic_fetch_add(&rd.srq_notifies[t->side], 1, __ATOMIC_SEQ_CST) != 0)
		violation("round %u side %d: SRQ notification %d, status %d", rd.nr, t->side,
			  rd.srq_notifies[t->side], st);
}

/* Both sides' objects, in three waves of calls pending at once. */
static void
create_objects(void)
{
	struct nh_call c[2][8];
	struct ndk_mr *mr;
	struct ndk_pd *pd;
	int side, i;

	memset(c, 0, sizeof(c));
	for (side = 0; side < 2; side++) {
		for (i = 0; i < O_PER_SIDE; i++)
			obj_of(side, i)->side = side;
		pending(ndk_create_pd(nh_ad[side], nh_create_cb, &c[side][0], NULL), "pd");
		for (i = O_RCQ; i <= O_ICQ; i++)
			pending(ndk_create_cq(nh_ad[side], 64, on_notify, obj_of(side, i), -1,
					      nh_create_cb, &c[side][i], NULL), "cq");
	}
	for (side = 0; side < 2; side++) {
		wait_all(c[side], 3, "pd and cqs");
		obj_of(side, O_PD)->obj = c[side][0].obj;
		for (i = O_RCQ; i <= O_ICQ; i++) {
			obj_of(side, i)->obj = c[side][i].obj;
			ndk_arm_cq((struct ndk_cq *)obj_of(side, i)->obj, NDK_CQ_NOTIFY_ANY);
		}
	}
	for (side = 0; side < 2; side++) {
		pd = OBJ(side, O_PD, ndk_pd);
		ck_assert_int_eq(ndk_create_mr(pd, false, NULL, NULL, &mr), 0);
		obj_of(side, O_MR)->obj = &mr->header;
		pending(ndk_register_mr(mr, rd.buf[side], BUF_LEN, NDK_MR_FLAG_REMOTE_WRITE,
					nh_request_cb, &c[side][3]), "register");
		pending(ndk_create_mw(pd, nh_create_cb, &c[side][4], NULL), "mw");
		ck_assert_int_eq(ndk_create_mr(pd, true, NULL, NULL, &mr), 0);
		obj_of(side, O_FRMR)->obj = &mr->header;
		pending(ndk_init_fast_register_mr(mr, FR_PAGES, true, nh_request_cb, &c[side][5]),
			"init_fast_register_mr");
		ck_assert_int_eq(ndk_create_mr(pd, false, NULL, NULL, &mr), 0);
		obj_of(side, O_BARE)->obj = &mr->header;
		/* Told when fewer than 2 receives are left (A's, never filled, at once). */
		pending(ndk_create_srq(pd, 16, 1, 2, on_srq_low, obj_of(side, O_SRQ), -1,
				       nh_create_cb, &c[side][6], NULL), "srq");
	}
	for (side = 0; side < 2; side++) {
		wait_all(c[side] + 3, 4, "register, mw, init_fast_register_mr, srq");
		obj_of(side, O_MW)->obj = c[side][4].obj;
		obj_of(side, O_SRQ)->obj = c[side][6].obj;
		rd.qctx[side] = (struct qp_ctx){ .round = rd.nr, .side = side };
	}
	pd = OBJ(0, O_PD, ndk_pd);
	pending(ndk_create_qp(pd, OBJ(0, O_RCQ, ndk_cq), OBJ(0, O_ICQ, ndk_cq), &rd.qctx[0], 16,
			      16, 1, 1, 32, nh_create_cb, &c[0][7], NULL), "qp");
	pd = OBJ(1, O_PD, ndk_pd);
	pending(ndk_create_qp_with_srq(pd, OBJ(1, O_RCQ, ndk_cq), OBJ(1, O_ICQ, ndk_cq),
				       OBJ(1, O_SRQ, ndk_srq), &rd.qctx[1], 16, 1, 32,
				       nh_create_cb, &c[1][7], NULL), "qp");
	for (side = 0; side < 2; side++) {
		wait_all(c[side] + 7, 1, "qp");
		obj_of(side, O_QP)->obj = c[side][7].obj;
	}
}

/* Count a post made under the lock; kind and idx name it. */
static void
posted(int side, int kind, unsigned int idx, int ret)
{
	if (ret != 0) {
		violation("round %u side %d: post of kind %d: %d", rd.nr, side, kind, ret);
		return;
	}
	rd.posted[side][kind] |= 1u << idx;
	if (kind == W_RECV)
		rd.rq_posted[side]++;
	else
		rd.sq_posted[side]++;
}

/* A's receives on its QP, B's on its SRQ: before the connection, as a server would. */
static void
post_receives(void)
{
	unsigned int k;
	int side;

	rte_spinlock_lock(&rd.lock);
	for (side = 0; side < 2; side++)
		for (k = 0; k < NB_MSG; k++) {
			struct ndk_sge s = sge_of(OBJ(side, O_MR, ndk_mr),
						  rd.buf[side] + RX_OFF + k * MSG_SPACE,
						  MSG_SPACE);
			void *ctx = wr_ctx(rd.nr, side, W_RECV, k);

			posted(side, W_RECV, k, side == 0 ?
			       ndk_receive(OBJ(side, O_QP, ndk_qp), ctx, &s, 1) :
			       ndk_srq_receive(OBJ(side, O_SRQ, ndk_srq), ctx, &s, 1));
		}
	rte_spinlock_unlock(&rd.lock);
}

/* Sends both ways (the short ones inline); A writes into B's MR and binds its window; B
 * fast-registers its FR MR. */
static void
post_work(const uint64_t *pages, uint32_t count, uint32_t fbo)
{
	struct ndk_sge s;
	unsigned int k;
	uint32_t i;
	int side;

	for (side = 0; side < 2; side++)
		for (k = 0; k < NB_MSG; k++)
			for (i = 0; i < msg_len(k); i++)
				rd.buf[side][TX_OFF + k * MSG_SPACE + i] = pattern(rd.nr, side, k, i);
	for (i = 0; i < WR_LEN; i++)
		rd.buf[0][WR_SRC + i] = pattern(rd.nr, 0, 100, i);
	rte_spinlock_lock(&rd.lock);
	for (k = 0; k < NB_MSG; k++)
		for (side = 0; side < 2; side++) {
			uint32_t len = msg_len(k);

			s = sge_of(OBJ(side, O_MR, ndk_mr), rd.buf[side] + TX_OFF + k * MSG_SPACE,
				   len);
			posted(side, W_SEND, k, ndk_send(OBJ(side, O_QP, ndk_qp),
						       wr_ctx(rd.nr, side, W_SEND, k), &s, 1,
						       len <= 32 ? NDK_OP_FLAG_INLINE : 0));
		}
	s = sge_of(OBJ(0, O_MR, ndk_mr), rd.buf[0] + WR_SRC, WR_LEN);
	for (k = 0; k < NB_WRITE; k++)
		posted(0, W_WRITE, k, ndk_write(OBJ(0, O_QP, ndk_qp), wr_ctx(rd.nr, 0, W_WRITE, k),
						&s, 1, (uintptr_t)(rd.buf[1] + WR_DST + k * WR_LEN),
						ndk_get_remote_token_mr(OBJ(1, O_MR, ndk_mr)), 0));
	posted(0, W_BIND, 0, ndk_bind(OBJ(0, O_QP, ndk_qp), wr_ctx(rd.nr, 0, W_BIND, 0),
				      OBJ(0, O_MR, ndk_mr), OBJ(0, O_MW, ndk_mw),
				      rd.buf[0] + WIN_OFF, WIN_LEN,
				      NDK_OP_FLAG_ALLOW_REMOTE_WRITE));
	posted(1, W_FR, 0, ndk_fast_register(OBJ(1, O_QP, ndk_qp), wr_ctx(rd.nr, 1, W_FR, 0),
					     OBJ(1, O_FRMR, ndk_mr), count, pages, fbo,
					     sizeof(rd.fr_buf), (void *)(FR_BASE + fbo),
					     NDK_OP_FLAG_ALLOW_REMOTE_WRITE));
	rte_spinlock_unlock(&rd.lock);
}

/* ---- closing ----------------------------------------------------------------------------- */

/*
 * Successors before antecedents, for closes chained through close callbacks: a close that
 * stays pending for its successors would never call back to start theirs.
 */
static const int close_level[O_PER_SIDE] = {
	[O_CONN] = 0, [O_EXTRA] = 1, [O_QP] = 2, [O_MW] = 3, [O_MR] = 4, [O_FRMR] = 4,
	[O_BARE] = 4, [O_SRQ] = 4, [O_RCQ] = 5, [O_ICQ] = 5, [O_PD] = 6,
};

/* Close the next object of the order; from a close callback. */
static void
chain_next(void)
{
	int i = __atomic_fetch_add(&rd.chain_pos, 1, __ATOMIC_SEQ_CST);

	if (i < NB_OBJ)
		close_obj(&rd.t[rd.order[i]]);
}

/*
 * Close every object of the round in a random order (K_CHAINED: successors first, each
 * close started by the previous one's callback); from any thread. Once a round: the
 * order is the round's, and two callers shuffling it at once lost objects from it.
 */
static void
close_all(void)
{
	int i, j, tmp;
	bool first;

	rte_spinlock_lock(&rd.lock);
	first = !rd.closing;
	rd.closing = true;
	rte_spinlock_unlock(&rd.lock);
	if (!first)
		return;
	for (i = 0; i < NB_OBJ; i++)
		rd.order[i] = i;
	for (i = NB_OBJ - 1; i > 0; i--) {
		j = (int)(rand_r(&rd.seed) % (unsigned int)(i + 1));
		tmp = rd.order[i];
		rd.order[i] = rd.order[j];
		rd.order[j] = tmp;
	}
	if (rd.kind == K_CHAINED) {
		/* Stable by level: random within one. */
		for (i = 1; i < NB_OBJ; i++)
			for (j = i; j > 0 && close_level[rd.order[j - 1] % O_PER_SIDE] >
					     close_level[rd.order[j] % O_PER_SIDE]; j--) {
				tmp = rd.order[j];
				rd.order[j] = rd.order[j - 1];
				rd.order[j - 1] = tmp;
			}
		chain_next();
		return;
	}
	for (i = 0; i < NB_OBJ; i++) {
		struct tracked *t = &rd.t[rd.order[i]];
		bool skip;

		/* B's connector is the connect event's, which closes one that comes late. */
		rte_spinlock_lock(&rd.lock);
		skip = t->obj == NULL;
		rte_spinlock_unlock(&rd.lock);
		if (!skip)
			close_obj(t);
	}
}

/* Until cond holds (read under the lock) or NH_WAIT_MS passed. */
#define WAIT_FOR(cond, ...) do { \
	unsigned int ms_; \
	bool ok_ = false; \
	for (ms_ = 0; ms_ < NH_WAIT_MS && !ok_; ms_++) { \
		rte_spinlock_lock(&rd.lock); \
		ok_ = (cond); \
		rte_spinlock_unlock(&rd.lock); \
		if (!ok_) \
			nh_sleep_ms(1); \
	} \
	NH_REQUIRE(ok_, __VA_ARGS__); \
} while (0)

/* What all_closed() still waits for, for the failure message. */
static const char *
not_closed(void)
{
	static char buf[512];
	size_t n = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < NB_OBJ && n < sizeof(buf) - 64; i++)
		if (rd.t[i].obj != NULL && !__atomic_load_n(&rd.t[i].closed, __ATOMIC_SEQ_CST))
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, " %d%s", i,
					      rd.t[i].closing ? "(closing)" : "(never closed)");
	return buf;
}

static bool
all_closed(void)
{
	int i;

	/* Once the listener closed no connect event can bring B a connector. */
	if (!__atomic_load_n(&obj_of(1, O_EXTRA)->closed, __ATOMIC_SEQ_CST))
		return false;
	for (i = 0; i < NB_OBJ; i++)
		if (rd.t[i].obj != NULL && !__atomic_load_n(&rd.t[i].closed, __ATOMIC_SEQ_CST))
			return false;
	return true;
}

static bool
all_completed(void)
{
	return rd.sq_done[0] == rd.sq_posted[0] && rd.sq_done[1] == rd.sq_posted[1] &&
	       rd.rq_done[0] == rd.rq_posted[0] && rd.rq_done[1] == rd.rq_posted[1];
}

/* ---- the round ----------------------------------------------------------------------------- */

static void
check_req(const struct req *q)
{
	int done = __atomic_load_n(&q->done, __ATOMIC_SEQ_CST);

	NH_REQUIRE(done == (q->started ? 1 : 0), "round %u: %s %s, %d callbacks", rd.nr, q->what,
		   q->started ? "started" : "never started", done);
}

static void
run_round(unsigned int nr, unsigned int seed, const uint64_t *pages, uint32_t count,
	  uint32_t fbo)
{
	struct ndk_sge s;
	int i;

	memset(&rd, 0, offsetof(struct round, buf));
	rd.nr = nr;
	rd.seed = seed;
	rd.kind = (enum round_kind)(seed % K_NB);
	rte_spinlock_init(&rd.lock);
	req_init(&rd.connect, "connect", obj_of(0, O_CONN), st_connect);
	req_init(&rd.complete, "complete_connect", obj_of(0, O_CONN), st_complete);
	req_init(&rd.accept, "accept", obj_of(1, O_CONN), st_accept);
	req_init(&rd.disc[0], "A's disconnect", obj_of(0, O_CONN), st_disc);
	req_init(&rd.disc[1], "B's disconnect", obj_of(1, O_CONN), st_disc);
	create_objects();
	post_receives();
	start_connection();
	if (rd.kind == K_HANDSHAKE) {
		/* Somewhere in the handshake: before the REQ left, or after the REP came. */
		nh_sleep_ms((seed >> 8) % 3);
		close_all();
	} else {
		WAIT_FOR(__atomic_load_n(&rd.established, __ATOMIC_SEQ_CST) == 2,
			 "round %u: not established (connect %d, accept %d, complete %d): %s", nr,
			 rd.connect.status, rd.accept.status, rd.complete.status,
			 first_violation);
		post_work(pages, count, fbo);
		switch (rd.kind) {
		case K_IN_CALLBACK:
			WAIT_FOR(__atomic_load_n(&rd.cb_close_done, __ATOMIC_SEQ_CST) != 0,
				 "round %u: the notification did not close", nr);
			break;
		case K_DISCONNECTED:
			rte_spinlock_lock(&rd.lock);
			rd.disc[0].started = 1;
			req_started(&rd.disc[0], ndk_disconnect(OBJ(0, O_CONN, ndk_connector),
								on_disconnected, &rd.disc[0]));
			rte_spinlock_unlock(&rd.lock);
			close_all();
			break;
		case K_ALL_DONE:
			WAIT_FOR(all_completed(), "round %u: sends %u/%u %u/%u, receives %u/%u "
				 "%u/%u", nr, rd.sq_done[0], rd.sq_posted[0], rd.sq_done[1],
				 rd.sq_posted[1], rd.rq_done[0], rd.rq_posted[0], rd.rq_done[1],
				 rd.rq_posted[1]);
			for (i = 0; i < NB_WRITE; i++)
				NH_REQUIRE(memcmp(rd.buf[1] + WR_DST + i * WR_LEN, rd.buf[0] + WR_SRC,
						  WR_LEN) == 0, "round %u: write %d did not land", nr,
					   i);
			/* A's window and B's fast-registered MR took: write through both. */
			rte_spinlock_lock(&rd.lock);
			s = sge_of(OBJ(1, O_MR, ndk_mr), rd.buf[1] + WR_DST, WIN_LEN);
			posted(1, W_WRITE, 0, ndk_write(OBJ(1, O_QP, ndk_qp),
							wr_ctx(nr, 1, W_WRITE, 0), &s, 1,
							(uintptr_t)(rd.buf[0] + WIN_OFF),
							ndk_get_remote_token_mw(OBJ(0, O_MW,
										    ndk_mw)), 0));
			s = sge_of(OBJ(0, O_MR, ndk_mr), rd.buf[0] + WR_SRC, FR_WR_LEN);
			posted(0, W_WRITE, NB_WRITE,
			       ndk_write(OBJ(0, O_QP, ndk_qp), wr_ctx(nr, 0, W_WRITE, NB_WRITE), &s,
					 1, FR_BASE + fbo + FR_WR_OFF,
					 ndk_get_remote_token_mr(OBJ(1, O_FRMR, ndk_mr)), 0));
			rte_spinlock_unlock(&rd.lock);
			WAIT_FOR(all_completed(), "round %u: writes through the window and FR MR",
				 nr);
			NH_REQUIRE(memcmp(rd.buf[0] + WIN_OFF, rd.buf[0] + WR_SRC, WIN_LEN) == 0,
				   "round %u: the write through A's window did not land", nr);
			NH_REQUIRE(memcmp(rd.fr_buf + FR_WR_OFF, rd.buf[0] + WR_SRC, FR_WR_LEN) == 0,
				   "round %u: the write through B's FR MR did not land", nr);
			close_all();
			break;
		default:
			close_all();
			break;
		}
	}
	WAIT_FOR(all_closed(), "round %u (kind %d): closes pending:%s%s", nr, rd.kind,
		 not_closed(), first_violation);
	NH_REQUIRE(__atomic_load_n(&violations, __ATOMIC_SEQ_CST) == 0, "%s", first_violation);
	for (i = 0; i < NB_OBJ; i++)
		NH_REQUIRE(rd.t[i].obj == NULL || rd.t[i].close_cbs == 1,
			   "round %u: object %d: %d close callbacks", nr, i, rd.t[i].close_cbs);
	check_req(&rd.connect);
	check_req(&rd.complete);
	check_req(&rd.accept);
	check_req(&rd.disc[0]);
	check_req(&rd.disc[1]);
	NH_REQUIRE(rd.qp_checks == 2, "round %u: %d QP close callbacks", nr, rd.qp_checks);
	if (rd.kind != K_HANDSHAKE)
		NH_REQUIRE(rd.events == 1, "round %u: %d connect events", nr, rd.events);
	if (rd.kind == K_DISCONNECTED)
		NH_REQUIRE(rd.disc[0].done == 1, "round %u: no disconnect callback", nr);
}

/* ---- the long-lived pair ------------------------------------------------------------------- */

/* A sends numbered messages to B over their own pair, polled by this thread. */
struct traffic {
	struct ndk_pd *pd[2];
	struct ndk_cq *cq[2];
	struct ndk_qp *qp[2];
	struct ndk_mr *mr[2];
	uint8_t buf[2][64 * TRAFFIC_MSG];
	bool stop;
	uint64_t delivered;
	int errors;
};

static void *
traffic_main(void *arg)
{
	struct traffic *t = arg;
	struct ndk_result r[16];
	uint64_t sent = 0, posted_rx = 0, acked = 0, deadline = 0;
	uint32_t i, n;

	/* Until told to stop and all is delivered (within NH_WAIT_MS); a failed message will
	 * never be. */
	while ((!__atomic_load_n(&t->stop, __ATOMIC_ACQUIRE) || acked < sent ||
		t->delivered < sent) && t->errors == 0) {
		if (__atomic_load_n(&t->stop, __ATOMIC_ACQUIRE) && deadline == 0)
			deadline = rte_get_timer_cycles() + rte_get_timer_hz() * NH_WAIT_MS / 1000;
		if (deadline != 0 && rte_get_timer_cycles() > deadline) {
			t->errors++;
			break;
		}
		/* Keep 32 receives and up to 16 sends outstanding. */
		while (posted_rx < t->delivered + 32) {
			struct ndk_sge s = sge_of(t->mr[1],
						  t->buf[1] + (posted_rx % 64) * TRAFFIC_MSG,
						  TRAFFIC_MSG);

			if (ndk_receive(t->qp[1], (void *)(uintptr_t)posted_rx, &s, 1) != 0)
				break;
			posted_rx++;
		}
		while (!__atomic_load_n(&t->stop, __ATOMIC_ACQUIRE) && sent < acked + 16 &&
		       sent < posted_rx) {
			uint8_t *m = t->buf[0] + (sent % 64) * TRAFFIC_MSG;
			struct ndk_sge s = sge_of(t->mr[0], m, TRAFFIC_MSG);

			memset(m, (int)(sent & 0xff), TRAFFIC_MSG);
			if (ndk_send(t->qp[0], (void *)(uintptr_t)sent, &s, 1, 0) != 0)
				break;
			sent++;
		}
		n = ndk_get_cq_results(t->cq[0], r, RTE_DIM(r));
		for (i = 0; i < n; i++)
			if (r[i].status != 0 || (uintptr_t)r[i].request_context != acked++)
				t->errors++;
		n = ndk_get_cq_results(t->cq[1], r, RTE_DIM(r));
		for (i = 0; i < n; i++) {
			uint64_t k = (uintptr_t)r[i].request_context;
			const uint8_t *m = t->buf[1] + (k % 64) * TRAFFIC_MSG;

			if (r[i].status != 0 || k != t->delivered ||
			    r[i].bytes_transferred != TRAFFIC_MSG || m[0] != (k & 0xff) ||
			    m[TRAFFIC_MSG - 1] != (k & 0xff))
				t->errors++;
			t->delivered++;
		}
	}
	return NULL;
}

static void
count_mz(const struct rte_memzone *mz, void *arg)
{
	(void)mz;
	(*(int *)arg)++;
}

static int
nb_memzones(void)
{
	int n = 0;

	rte_memzone_walk(count_mz, &n);
	return n;
}

static struct traffic tr;
static pthread_t traffic_thr;
static bool traffic_running;

static void
traffic_stop(void)
{
	if (!traffic_running)
		return;
	__atomic_store_n(&tr.stop, true, __ATOMIC_RELEASE);
	pthread_join(traffic_thr, NULL);
	traffic_running = false;
}

/* A failed check leaves the test at once: stop the traffic before its objects go. */
static void
storm_teardown(void)
{
	traffic_stop();
	nh_close();
}

START_TEST(test_close_storm)
{
	struct rte_malloc_socket_stats before, after;
	unsigned int seed = 0x5eed, nr, kinds[K_NB] = { 0 };
	uint64_t pages[FR_PAGES];
	uint32_t count = FR_PAGES, fbo = 0;
	int i, mz;

	memset(&tr, 0, sizeof(tr));
	for (i = 0; i < 2; i++) {
		tr.pd[i] = nh_pd(i);
		tr.cq[i] = nh_cq(i, 1024, NULL, NULL);
		tr.qp[i] = nh_qp(tr.pd[i], tr.cq[i], tr.cq[i], NULL, 64);
		tr.mr[i] = nh_mr(tr.pd[i], tr.buf[i], sizeof(tr.buf[i]), NDK_MR_FLAG_LOCAL_WRITE);
	}
	nh_connect(tr.qp[0], tr.qp[1]);
	ck_assert_int_eq(ndk_build_lam(nh_ad[1], rd.fr_buf, sizeof(rd.fr_buf), NULL, NULL, pages,
				       &count, &fbo), 0);
	rte_malloc_get_socket_stats(0, &before);
	mz = nb_memzones();
	ck_assert_int_eq(pthread_create(&traffic_thr, NULL, traffic_main, &tr), 0);
	traffic_running = true;
	for (nr = 1; nr <= ROUNDS; nr++) {
		run_round(nr, (unsigned int)rand_r(&seed), pages, count, fbo);
		kinds[rd.kind]++;
	}
	traffic_stop();
	for (i = 0; i < (int)NH_WAIT_MS && __atomic_load_n(&stale_open, __ATOMIC_SEQ_CST) != 0; i++)
		nh_sleep_ms(1);
	ck_assert_int_eq(stale_open, 0);
	ck_assert_int_eq(tr.errors, 0);
	ck_assert_uint_gt(tr.delivered, ROUNDS);
	/* Every kind of round ran; notifications polled the data that arrived. */
	for (i = 0; i < K_NB; i++)
		ck_assert_uint_gt(kinds[i], ROUNDS / K_NB / 2);
	ck_assert_int_ge(nb_cb_closes, (int)kinds[K_IN_CALLBACK]);
	ck_assert_int_gt(nb_slot_closes, 0);
	ck_assert_int_gt(nb_rx_ok, (int)(kinds[K_ALL_DONE] * 2 * NB_MSG) - 1);
	ck_assert_int_gt(nb_notify, ROUNDS);
	/* Nothing the storm made is left in the engines' memory. */
	rte_malloc_get_socket_stats(0, &after);
	ck_assert_uint_eq(after.alloc_count, before.alloc_count);
	ck_assert_int_eq(nb_memzones(), mz);
	fprintf(stderr, "storm: %u rounds, %d notifications, %d receives checked, %d stale "
		"requests rejected, %" PRIu64 " messages delivered meanwhile\n", ROUNDS,
		nb_notify, nb_rx_ok, nb_stale, tr.delivered);
	ndk_release_lam(nh_ad[1], pages, count);
	for (i = 0; i < 2; i++) {
		nh_close_obj(tr.qp[i]);
		nh_close_obj(tr.mr[i]);
		nh_close_obj(tr.cq[i]);
		nh_close_obj(tr.pd[i]);
	}
}
END_TEST

/*
 * Two adapters on one engine (two consumers of one port): their creates and closes run on
 * two control threads at once, into the engine's one QP table and one key table. No QP
 * number and no token is handed out twice while in use, and all of it closes.
 */
#define SHARE_ROUNDS	200
#define SHARE_N		8

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* n values, none twice. */
static void
all_distinct(uint32_t *v, unsigned int n, const char *what, unsigned int round)
{
	unsigned int i;

	qsort(v, n, sizeof(*v), cmp_u32);
	for (i = 1; i < n; i++)
		NH_REQUIRE(v[i] != v[i - 1], "round %u: %s %#x handed out twice", round, what,
			   v[i]);
}

START_TEST(test_adapters_share_engine)
{
	struct ndk_adapter *ads[2] = { nh_ad[0], NULL };
	const struct droce_qp_ext *ext = NULL;
	static uint8_t buf[2][SHARE_N][256];
	struct ndk_pd *pd[2];
	struct ndk_cq *cq[2];
	unsigned int round, n;
	int a, k;

	ck_assert_int_eq(ndk_open_adapter(nh_eng[0], (struct ndk_version){ 2, 0 }, NULL,
					  &ads[1]), 0);
	for (a = 0; a < 2; a++) {
		static struct nh_call never;	/* the CQs are never armed */
		struct nh_call c[2];

		memset(c, 0, sizeof(c));
		pending(ndk_create_pd(ads[a], nh_create_cb, &c[0], NULL), "pd");
		pending(ndk_create_cq(ads[a], 2 * SHARE_N, nh_notify_cb, &never, -1, nh_create_cb,
				      &c[1], NULL), "cq");
		wait_all(c, 2, "pd and cq");
		pd[a] = (struct ndk_pd *)c[0].obj;
		cq[a] = (struct ndk_cq *)c[1].obj;
	}
	for (round = 0; round < SHARE_ROUNDS; round++) {
		struct nh_call qc[2][SHARE_N], mc[2][SHARE_N], cc[2][2 * SHARE_N];
		struct ndk_mr *mr[2][SHARE_N];
		uint32_t qpns[2 * SHARE_N], ltok[2 * SHARE_N], rtok[2 * SHARE_N];

		memset(qc, 0, sizeof(qc));
		memset(mc, 0, sizeof(mc));
		memset(cc, 0, sizeof(cc));
		/* Both control threads get work at once. */
		for (k = 0; k < SHARE_N; k++)
			for (a = 0; a < 2; a++) {
				pending(ndk_create_qp(pd[a], cq[a], cq[a], NULL, 4, 4, 1, 1, 0,
						      nh_create_cb, &qc[a][k], NULL), "qp");
				ck_assert_int_eq(ndk_create_mr(pd[a], false, NULL, NULL, &mr[a][k]),
						 0);
				pending(ndk_register_mr(mr[a][k], buf[a][k], sizeof(buf[a][k]),
							NDK_MR_FLAG_REMOTE_WRITE, nh_request_cb,
							&mc[a][k]), "register");
			}
		n = 0;
		for (a = 0; a < 2; a++) {
			wait_all(qc[a], SHARE_N, "qp");
			wait_all(mc[a], SHARE_N, "register");
			for (k = 0; k < SHARE_N; k++, n++) {
				if (ext == NULL)
					ck_assert_int_eq(ndk_query_extension(qc[a][k].obj,
									     NDK_EXT_DROCE_QP,
									     (struct ndk_version){
										     1, 0 },
									     (const void **)&ext),
							 0);
				qpns[n] = ext->qpn((struct ndk_qp *)qc[a][k].obj);
				ltok[n] = ndk_get_local_token_mr(mr[a][k]);
				rtok[n] = ndk_get_remote_token_mr(mr[a][k]);
			}
		}
		all_distinct(qpns, n, "QP number", round);
		all_distinct(ltok, n, "local token", round);
		all_distinct(rtok, n, "remote token", round);
		for (k = 0; k < SHARE_N; k++)
			for (a = 0; a < 2; a++) {
				pending(ndk_close(qc[a][k].obj, nh_close_cb, &cc[a][2 * k]), "close");
				pending(ndk_close(&mr[a][k]->header, nh_close_cb, &cc[a][2 * k + 1]),
					"close");
			}
		for (a = 0; a < 2; a++)
			wait_all(cc[a], 2 * SHARE_N, "close");
	}
	for (a = 0; a < 2; a++) {
		nh_close_obj(cq[a]);
		nh_close_obj(pd[a]);
	}
	ck_assert_int_eq(ndk_close_adapter(ads[1]), 0);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("ndk-storm");
	TCase *tc = tcase_create("storm");

	tcase_add_checked_fixture(tc, nh_open, storm_teardown);
	tcase_set_timeout(tc, 280);
	tcase_add_test(tc, test_close_storm);
	tcase_add_test(tc, test_adapters_share_engine);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	nh_init_slots(SLOTS);
	return test_run_suite(suite());
}
