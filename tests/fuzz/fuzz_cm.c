/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: the connection manager (lib/cm) in the box of tests/unit/cm/cm_ut.h,
 * two CMs, A (side 0) and B (side 1), on a wire, a clock and control queues the input
 * drives. An input is a program for a small VM: one opcode byte (taken modulo OP_MAX), then
 * its operand bytes; an input that ends early reads zeros, and at most FZ_OPS_MAX ops run.
 * "obj", "conn", "qp", "lis", "sep" pick the (byte mod n)-th object of that kind the
 * program has and has not closed, in creation order; a connector a listener hands over in
 * its connect event joins the list then. An op that finds no object does nothing.
 *
 *   QP side; CONN side; LIS side react	make a QP, connector, listener on a side
 *   LISTEN lis how port; SEP side how port	address how&3: 0.0.0.0, the side's, the
 *					peer's, ::; how&4 short; port&3: 4420, 4421, 0,
 *					49152 + port/4
 *   PAUSE lis b				control_connect_events(b & 1)
 *   CONNECT conn qp how ird ord len react	how&7: 5 no callback, 6 unspecified dst,
 *   CONNECT_SEP conn qp sep (the same)	7 short dst; how>>3&3: dst port 4420, a
 *					listener's, 4421, 0; how>>5&3: src NULL,
 *					0.0.0.0, the side's :4421, :4420; how&128: IPv6
 *					socket address; ird, ord mod 132, len mod 60
 *   ACCEPT conn qp how ird ord len react	how&7: 6 no callback, 7 NULL data; how&8 no
 *					disconnect callback; len mod 152
 *   REJECT conn how len; COMPLETE conn how react; DISCONNECT conn how react
 *   GET_DATA conn how len; GET_ADDR obj how; PARAMS conn how timeout retry rnr mtu
 *   CLOSE obj how				how&7 == 7: without a callback
 *   DELIVER k; DROP k; DUP k		the (k mod n)-th MAD on the wire
 *   MUTATE k n (off val)*n			xor val into bytes of a MAD on the wire
 *   REPLAY h how conn off val		a MAD that left the wire h MADs ago, again
 *   INJECT side how attr conn addr bytes[256]	a made-up MAD into a side's inbox
 *   CLOCK v; PUMP; POLL side; CTL side; LOCAL; SQ_FULL side; NEIGH n
 *
 * INJECT and REPLAY may patch what they send (how&1 INJECT only: keep the header raw,
 * else it becomes a CM MAD of attribute attrs[attr & 15]; how&2: the remote ID becomes
 * the local ID of a connector of the receiving side, how&4: the local ID its remote one;
 * how&8: a REQ gets a listener's service ID and a valid rdma_cm header; how&16: a REJ
 * becomes a REJ of a given-up REQ), so that a few input bytes reach deep into cm_recv.c.
 * A request's react byte is what its callback does next (complete, reject, disconnect,
 * close), a listener's what its connect event does (accept on a new QP, reject, close).
 *
 * Each input starts from a fresh box, and rte_rand() from the same seed: an input
 * reproduces on its own. abort() with a message (a finding) when:
 * - a call returns what ndk.h does not list for it, -ENOMEM while QP1 has room, or fails
 *   having changed its connector's state or timer, its QP, or sent a MAD;
 * - a request callback comes inside a call, for a call that did not return NDK_PENDING,
 *   twice, after its connector's close callback, or with a status ndk.h does not list;
 * - a close callback comes twice, for a close that returned 0, or before the callback of
 *   a request on the object; a disconnect event comes twice, without accept or
 *   complete_connect having armed it, or after the close started;
 * - a connect event comes for a listener that does not listen, is paused or closing, or
 *   hands over a connector the program has already, or two for one request;
 * - at the end, once the wire is lossless and every timer has fired (FZ_SETTLE_MAX
 *   rounds at most), a request on an open connector still waits; then, with everything
 *   closed and settled again, a request or close did not call back exactly once, the CMs
 *   keep a connection, listener or port reservation, or an object or control item is
 *   left (ut_teardown()).
 * The box's own checks (ck_assert in its stubs) abort too.
 *
 * FUZZ_CM_TRACE=1 prints each op and callback; FUZZ_CM_SEEDS=dir writes the seed programs
 * of seeds[] there and exits.
 */
#define CM_UT_ABORT	1	/* no Check test around: the box's checks abort */
#define UT_ITEMS_MAX	1024	/* every request, event and close of FZ_OBJS in flight */

#include <inttypes.h>
#include <stdarg.h>

#include <rte_random.h>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"	/* the box's helpers unused here */
#include "cm_ut.h"
#pragma GCC diagnostic pop

#define FZ_OPS_MAX	512
#define FZ_OBJS		48
#define FZ_RECS		1024
#define FZ_WIRE_KEEP	48		/* the wire loses its oldest MADs beyond this */
#define FZ_INBOX_MAX	48		/* a delivery to a fuller inbox waits */
#define FZ_HIST		16		/* MADs kept after they left the wire */
#define FZ_SETTLE_MAX	4096
#define FZ_SEED		0x64726f6365ull
#define FZ_MASK(t)	(1u << (t))
#define FZ_ANY		(FZ_MASK(NDK_OBJECT_CONNECTOR) | FZ_MASK(NDK_OBJECT_LISTENER) | \
			 FZ_MASK(NDK_OBJECT_SHARED_ENDPOINT) | FZ_MASK(NDK_OBJECT_QP))

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum fz_op {
	OP_QP, OP_CONN, OP_LIS, OP_LISTEN, OP_PAUSE, OP_SEP, OP_CONNECT, OP_CONNECT_SEP,
	OP_ACCEPT, OP_REJECT, OP_COMPLETE, OP_DISCONNECT, OP_GET_DATA, OP_GET_ADDR,
	OP_PARAMS, OP_CLOSE, OP_DELIVER, OP_DROP, OP_DUP, OP_MUTATE, OP_REPLAY, OP_INJECT,
	OP_CLOCK, OP_PUMP, OP_POLL, OP_CTL, OP_LOCAL, OP_SQ_FULL, OP_NEIGH, OP_MAX
};

static const char *const op_names[OP_MAX] = {
	"qp", "conn", "lis", "listen", "pause", "sep", "connect", "connect_sep", "accept",
	"reject", "complete", "disconnect", "get_data", "get_addr", "params", "close",
	"deliver", "drop", "dup", "mutate", "replay", "inject", "clock", "pump", "poll",
	"ctl", "local", "sq_full", "neigh",
};

/* The calls that call back. */
enum fz_kind { K_CONNECT, K_ACCEPT, K_COMPLETE, K_DISCONNECT, K_CLOSE, K_MAX };

static const char *const kind_names[K_MAX] = {
	"connect", "accept", "complete_connect", "disconnect", "close",
};

/* What ndk.h says each request's callback may report. */
static const int st_connect[] = {
	0, -ECONNREFUSED, -ETIMEDOUT, -EHOSTUNREACH, -ECONNABORTED, -ECANCELED,
};
static const int st_accept[] = { 0, -ETIMEDOUT, -ECONNABORTED, -ECANCELED };
static const int st_complete[] = { 0, -ECANCELED };
static const int st_disconnect[] = { 0, -ETIMEDOUT };

/* One call with a callback, and what came back. */
struct fz_rec {
	uint8_t kind;
	uint8_t react;
	bool in_call;
	int obj;			/* fz.objs index; -1: a connector the program never had */
	int ret;
	int calls;
	int status;
};

struct fz_obj {
	enum ndk_object_type type;
	int side;
	void *p;
	bool closed;			/* the program closed it: never used again */
	bool freed;			/* its close callback came */
	bool passive;			/* a connector from a connect event */
	bool disc_armed;		/* accept or complete_connect took a disconnect callback */
	uint8_t disc_react;
	int discs;
	bool listening, paused;		/* a listener */
	uint8_t event_react;
};

static struct {
	const uint8_t *in;
	size_t size, off;
	unsigned int op;
	unsigned int calling;		/* API calls under way (callbacks run in none) */
	struct fz_obj objs[FZ_OBJS];
	unsigned int nobjs;
	struct fz_rec recs[FZ_RECS];
	unsigned int nrecs;
	struct ut_mad hist[FZ_HIST];
	unsigned int nhist;
} fz;

static bool fz_trace;
static uint64_t fz_inputs;

#define TRACE(...) do { if (fz_trace) fprintf(stderr, "fuzz_cm: " __VA_ARGS__); } while (0)

static void __attribute__((noreturn, format(printf, 1, 2)))
fz_die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fuzz_cm: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (op %u of input %" PRIu64 ")\n", fz.op, fz_inputs);
	abort();
}

static uint8_t
u8(void)
{
	return fz.off < fz.size ? fz.in[fz.off++] : 0;
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void
put_be(uint8_t *p, unsigned int n, uint64_t v)
{
	while (n-- > 0) {
		p[n] = (uint8_t)v;
		v >>= 8;
	}
}

static bool
one_of(int v, const int *set, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (set[i] == v)
			return true;
	return false;
}

#define ONE_OF(v, ...) \
	one_of(v, (const int[]){ __VA_ARGS__ }, RTE_DIM(((const int[]){ __VA_ARGS__ })))

/* ---- Objects and records ---- */

static bool
usable(unsigned int i, unsigned int types, int side)
{
	const struct fz_obj *o = &fz.objs[i];

	return !o->closed && (types & FZ_MASK(o->type)) != 0 && (side < 0 || o->side == side);
}

/* The (b mod n)-th usable object of those types (on side, unless -1), or -1. */
static int
pick(unsigned int types, int side, uint8_t b)
{
	unsigned int i, n = 0, k;

	for (i = 0; i < fz.nobjs; i++)
		n += usable(i, types, side);
	if (n == 0)
		return -1;
	k = b % n;
	for (i = 0; i < fz.nobjs; i++)
		if (usable(i, types, side) && k-- == 0)
			break;
	return (int)i;
}

static int
obj_add(enum ndk_object_type type, int side, void *p)
{
	struct fz_obj *o;

	if (fz.nobjs == FZ_OBJS)
		return -1;
	o = &fz.objs[fz.nobjs];
	memset(o, 0, sizeof(*o));
	o->type = type;
	o->side = side;
	o->p = p;
	return (int)fz.nobjs++;
}

/* The program's index of an object, or -1. */
static int
obj_index(const void *p)
{
	unsigned int i;

	for (i = 0; i < fz.nobjs; i++)
		if (fz.objs[i].p == p && !fz.objs[i].freed)
			return (int)i;
	return -1;
}

static struct lib_conn *
conn_at(int i)
{
	return fz.objs[i].p;
}

static struct fz_rec *
rec_new(enum fz_kind kind, int obj, uint8_t react)
{
	struct fz_rec *r;

	if (fz.nrecs == FZ_RECS)
		return NULL;
	r = &fz.recs[fz.nrecs++];
	memset(r, 0, sizeof(*r));
	r->kind = (uint8_t)kind;
	r->obj = obj;
	r->react = react;
	return r;
}

static void
call_begin(struct fz_rec *r)
{
	fz.calling++;
	if (r != NULL)
		r->in_call = true;
}

static void
call_end(struct fz_rec *r, int ret)
{
	fz.calling--;
	if (r != NULL) {
		r->in_call = false;
		r->ret = ret;
	}
}

static void
cb_enter(const char *what)
{
	if (fz.calling != 0)
		fz_die("%s ran inside an API call", what);
}

/* A call's return: listed for it, and -ENOMEM only with QP1's send queue full. */
static void
check_ret(const char *call, int side, int ret, const int *ok, size_t n)
{
	if (!one_of(ret, ok, n))
		fz_die("%s returned %d, which ndk.h does not list", call, ret);
	if (ret == -ENOMEM && !ut.s[side].sq_full)
		fz_die("%s returned -ENOMEM with QP1's send queue not full", call);
}

#define CHECK_RET(call, side, ret, ...) \
	check_ret(call, side, ret, (const int[]){ __VA_ARGS__ }, \
		  RTE_DIM(((const int[]){ __VA_ARGS__ })))

/* What a failed call must leave as it was. */
struct fz_snap {
	enum conn_state st;
	uint64_t deadline;
	bool attached;
	unsigned int modifies;
	unsigned int nwire;
};

static void
snap_take(struct fz_snap *s, int ci, int qi)
{
	memset(s, 0, sizeof(*s));
	s->st = conn_at(ci)->st;
	s->deadline = conn_at(ci)->deadline;
	if (qi >= 0) {
		struct lib_qp *q = fz.objs[qi].p;

		s->attached = q->attached;
		s->modifies = q->eqp->modifies;
	}
	s->nwire = ut.nwire;
}

static void
snap_check(const struct fz_snap *s, int ci, int qi, const char *call, int ret)
{
	struct fz_snap now;

	snap_take(&now, ci, qi);
	if (now.st != s->st || now.deadline != s->deadline)
		fz_die("%s returned %d but moved its connector from %s to %s (timer %" PRIu64
		       " -> %" PRIu64 ")", call, ret, conn_state_names[s->st],
		       conn_state_names[now.st], s->deadline, now.deadline);
	if (now.attached != s->attached || now.modifies != s->modifies)
		fz_die("%s returned %d but changed its QP (attached %d -> %d, modified %u times)",
		       call, ret, s->attached, now.attached, now.modifies - s->modifies);
	if (now.nwire != s->nwire)
		fz_die("%s returned %d but sent %u MADs", call, ret, now.nwire - s->nwire);
}

/* ---- Callbacks ---- */

static void do_close(int oi, uint8_t how);
static void do_reject(int ci, uint8_t how, uint32_t len);
static void do_complete(int ci, uint8_t how, uint8_t react);
static void do_accept(int ci, int qi, uint8_t how, uint32_t ird, uint32_t ord, uint32_t len,
		      uint8_t react);
static void do_disconnect(int ci, uint8_t how, uint8_t react);

static bool
status_ok(enum fz_kind kind, int st)
{
	switch (kind) {
	case K_CONNECT:
		return one_of(st, st_connect, RTE_DIM(st_connect));
	case K_ACCEPT:
		return one_of(st, st_accept, RTE_DIM(st_accept));
	case K_COMPLETE:
		return one_of(st, st_complete, RTE_DIM(st_complete));
	case K_DISCONNECT:
		return one_of(st, st_disconnect, RTE_DIM(st_disconnect));
	default:
		return false;
	}
}

/* What a request's callback does next: react&3, on its connector if still open. */
static void
react_req(const struct fz_rec *r, int status)
{
	int ci = r->obj;

	if (fz.objs[ci].closed)
		return;
	switch (r->kind) {
	case K_CONNECT:
		if (status != 0) {
			if (r->react & 4)
				do_close(ci, 0);
			return;
		}
		if ((r->react & 3) == 1)
			do_complete(ci, 0, r->react >> 2);
		else if ((r->react & 3) == 2)
			do_reject(ci, 0, 0);
		else if ((r->react & 3) == 3)
			do_close(ci, 0);
		break;
	case K_ACCEPT:
	case K_COMPLETE:
		if ((r->react & 3) == 1)
			do_disconnect(ci, 0, 0);
		else if ((r->react & 3) == 2)
			do_close(ci, 0);
		break;
	case K_DISCONNECT:
		if (r->react & 1)
			do_close(ci, 0);
		break;
	default:
		break;
	}
}

static void
fz_req_cb(void *ctx, int status)
{
	struct fz_rec *r = ctx;
	const char *k = kind_names[r->kind];

	cb_enter("a request callback");
	TRACE("  %s callback of connector %d: %d\n", k, r->obj, status);
	if (r->in_call)
		fz_die("the %s callback ran inside the call", k);
	if (r->ret != NDK_PENDING)
		fz_die("a %s callback (status %d) for a call that returned %d", k, status, r->ret);
	if (r->calls != 0)
		fz_die("a second %s callback (status %d, then %d)", k, r->status, status);
	if (fz.objs[r->obj].freed)
		fz_die("a %s callback (status %d) after its connector's close callback", k,
		       status);
	if (!status_ok(r->kind, status))
		fz_die("a %s callback with status %d, which ndk.h does not list", k, status);
	r->calls = 1;
	r->status = status;
	react_req(r, status);
}

static void
fz_close_cb(void *ctx)
{
	struct fz_rec *r = ctx;
	unsigned int i;

	cb_enter("a close callback");
	TRACE("  close callback of object %d\n", r->obj);
	if (r->in_call)
		fz_die("a close callback inside the close");
	if (r->ret != NDK_PENDING)
		fz_die("a close callback for a close that returned %d", r->ret);
	if (r->calls++ != 0)
		fz_die("a second close callback of object %d", r->obj);
	if (r->obj < 0)
		return;
	fz.objs[r->obj].freed = true;
	for (i = 0; i < fz.nrecs; i++) {
		const struct fz_rec *q = &fz.recs[i];

		if (q->obj == r->obj && q->kind != K_CLOSE && q->ret == NDK_PENDING &&
		    q->calls == 0)
			fz_die("connector %d's close callback came before its %s callback",
			       r->obj, kind_names[q->kind]);
	}
}

static void
fz_disc_cb(void *ctx)
{
	struct fz_obj *o = ctx;
	int ci = (int)(o - fz.objs);

	cb_enter("a disconnect event");
	TRACE("  disconnect event of connector %d\n", ci);
	if (!o->disc_armed)
		fz_die("a disconnect event on connector %d, armed by no accept or complete", ci);
	if (o->closed || o->freed)
		fz_die("a disconnect event on connector %d after its close started", ci);
	if (o->discs++ != 0)
		fz_die("a second disconnect event on connector %d", ci);
	if ((o->disc_react & 3) == 1)
		do_disconnect(ci, 0, 0);
	else if ((o->disc_react & 3) == 2)
		do_close(ci, 0);
}

/* A connector the program has no room for: closed at once. */
static void
close_unknown(struct ndk_connector *conn)
{
	struct fz_rec *r = rec_new(K_CLOSE, -1, 0);
	int ret;

	call_begin(r);
	ret = conn->dispatch->close(&conn->header, r != NULL ? fz_close_cb : NULL, r);
	call_end(r, ret);
	CHECK_RET("close", 0, ret, 0, NDK_PENDING);
}

static int new_qp(int side);

static void
fz_event_cb(void *ctx, struct ndk_connector *conn)
{
	struct fz_obj *l = ctx;
	struct lib_conn *c = (struct lib_conn *)conn, *d;
	int li = (int)(l - fz.objs), ci;
	unsigned int i;

	cb_enter("a connect event");
	TRACE("  connect event on listener %d\n", li);
	if (!l->listening || l->paused || l->closed || l->freed)
		fz_die("a connect event on listener %d (listening %d, paused %d, closed %d)",
		       li, l->listening, l->paused, l->closed);
	if (conn == NULL || c->o.ad != ut.s[l->side].ad)
		fz_die("listener %d's connect event hands over %p, not a connector of its side",
		       li, (void *)conn);
	for (i = 0; i < fz.nobjs; i++) {
		if (fz.objs[i].closed || fz.objs[i].type != NDK_OBJECT_CONNECTOR)
			continue;
		if (fz.objs[i].p == conn)
			fz_die("connector %u handed over again by listener %d", i, li);
		d = fz.objs[i].p;
		if (fz.objs[i].passive && fz.objs[i].side == l->side &&
		    d->remote_id == c->remote_id && memcmp(d->raddr, c->raddr, 16) == 0)
			fz_die("two connect events for one request (communication ID %#x): "
			       "connector %u is still open", c->remote_id, i);
	}
	ci = obj_add(NDK_OBJECT_CONNECTOR, l->side, conn);
	if (ci < 0) {
		close_unknown(conn);
		return;
	}
	fz.objs[ci].passive = true;
	switch (l->event_react & 3) {
	case 1:
		do_accept(ci, new_qp(l->side), 0, 4, 4, 0, l->event_react >> 2);
		break;
	case 2:
		do_reject(ci, 0, 0);
		do_close(ci, 0);
		break;
	case 3:
		do_close(ci, 0);
		break;
	default:
		break;
	}
}

/* ---- Consumer calls ---- */

static const uint8_t fz_pdata[256] = { 0xd7, 0x0c, 0xe0 };

static int
new_qp(int side)
{
	if (ut.s[side].nqps >= UT_QPS_MAX || fz.nobjs == FZ_OBJS)
		return -1;
	return obj_add(NDK_OBJECT_QP, side, ut_qp(side));
}

static void
do_close(int oi, uint8_t how)
{
	struct fz_obj *o = &fz.objs[oi];
	struct fz_rec *r = (how & 7) == 7 ? NULL : rec_new(K_CLOSE, oi, 0);
	struct ndk_object_header *h = o->p;
	ndk_close_cb cb = r != NULL ? fz_close_cb : NULL;
	int ret;

	TRACE("  close object %d (type %d)\n", oi, o->type);
	o->closed = true;
	ut_forget(o->p);
	call_begin(r);
	switch (o->type) {
	case NDK_OBJECT_CONNECTOR:
		ret = ((struct ndk_connector *)o->p)->dispatch->close(h, cb, r);
		break;
	case NDK_OBJECT_LISTENER:
		ret = ((struct ndk_listener *)o->p)->dispatch->close(h, cb, r);
		break;
	case NDK_OBJECT_SHARED_ENDPOINT:
		ret = ((struct ndk_shared_endpoint *)o->p)->dispatch->close(h, cb, r);
		break;
	default:
		ret = obj_close_fn(h, cb, r);
		break;
	}
	call_end(r, ret);
	CHECK_RET("close", o->side, ret, 0, NDK_PENDING);
	if (ret == 0)
		o->freed = true;
}

static void
sockaddr_of(struct sockaddr_in6 *sa, socklen_t *len, const uint8_t a[16], uint16_t port,
	    bool v6)
{
	memset(sa, 0, sizeof(*sa));
	if (v6) {
		sa->sin6_family = AF_INET6;
		sa->sin6_port = htons(port);
		memcpy(&sa->sin6_addr, a, 16);
		*len = sizeof(*sa);
	} else {
		struct sockaddr_in *in = (struct sockaddr_in *)sa;

		in->sin_family = AF_INET;
		in->sin_port = htons(port);
		memcpy(&in->sin_addr, a + 12, 4);
		*len = sizeof(*in);
	}
}

/* A port a listener of side listens on, else 4420. */
static uint16_t
listen_port(int side)
{
	unsigned int i;

	for (i = 0; i < fz.nobjs; i++) {
		struct lib_listener *l = fz.objs[i].p;

		if (usable(i, FZ_MASK(NDK_OBJECT_LISTENER), side) && fz.objs[i].listening &&
		    l->bind != NULL)
			return l->bind->port;
	}
	return UT_PORT;
}

static void
do_connect(int ci, int qi, int si, uint8_t how, uint32_t ird, uint32_t ord, uint32_t len,
	   uint8_t react)
{
	static const uint8_t any4[16] = { [10] = 0xff, [11] = 0xff };
	struct fz_obj *o = &fz.objs[ci];
	struct ndk_connector *c = o->p;
	struct ndk_qp *qp = qi >= 0 ? fz.objs[qi].p : NULL;
	struct fz_rec *r = rec_new(K_CONNECT, ci, react);
	uint16_t ports[4] = { UT_PORT, listen_port(1 - o->side), UT_PORT + 1, 0 };
	struct sockaddr_in6 dst, src;
	socklen_t dlen, slen = 0;
	bool v6 = how & 128, nocb = (how & 7) == 5, src_null = ((how >> 5) & 3) == 0;
	struct fz_snap s;
	int ret;

	if (r == NULL)
		return;
	sockaddr_of(&dst, &dlen, (how & 7) == 6 ? any4 : ut_addr[1 - o->side],
		    ports[(how >> 3) & 3], v6);
	if ((how & 7) == 7)
		dlen = 4;
	switch ((how >> 5) & 3) {
	case 1:
		sockaddr_of(&src, &slen, any4, 0, false);
		break;
	case 2:
		sockaddr_of(&src, &slen, ut_addr[o->side], UT_PORT + 1, v6);
		break;
	case 3:
		sockaddr_of(&src, &slen, ut_addr[o->side], UT_PORT, v6);
		break;
	default:
		break;
	}
	snap_take(&s, ci, qi);
	call_begin(r);
	if (si < 0)
		ret = c->dispatch->connect(c, qp, src_null ? NULL : (struct sockaddr *)&src, slen,
					   (struct sockaddr *)&dst, dlen, ird, ord, fz_pdata, len,
					   nocb ? NULL : fz_req_cb, r);
	else
		ret = c->dispatch->connect_with_shared_endpoint(c, qp, fz.objs[si].p,
				(struct sockaddr *)&dst, dlen, ird, ord, fz_pdata, len,
				nocb ? NULL : fz_req_cb, r);
	call_end(r, ret);
	TRACE("  connect connector %d qp %d sep %d: %d\n", ci, qi, si, ret);
	CHECK_RET("connect", o->side, ret, NDK_PENDING, -EINVAL, -EBADF, -EISCONN,
		  -EADDRNOTAVAIL, -ENETUNREACH, -EADDRINUSE, -ENOSPC, -EHOSTUNREACH, -ENOMEM);
	if (ret != NDK_PENDING)
		snap_check(&s, ci, qi, "connect", ret);
}

static void
do_accept(int ci, int qi, uint8_t how, uint32_t ird, uint32_t ord, uint32_t len,
	  uint8_t react)
{
	struct fz_obj *o = &fz.objs[ci];
	struct ndk_connector *c = o->p;
	struct ndk_qp *qp = qi >= 0 ? fz.objs[qi].p : NULL;
	struct fz_rec *r = rec_new(K_ACCEPT, ci, react);
	bool nodisc = how & 8;
	struct fz_snap s;
	int ret;

	if (r == NULL)
		return;
	snap_take(&s, ci, qi);
	call_begin(r);
	ret = c->dispatch->accept(c, qp, ird, ord, (how & 7) == 7 ? NULL : fz_pdata, len,
				  nodisc ? NULL : fz_disc_cb, o,
				  (how & 7) == 6 ? NULL : fz_req_cb, r);
	call_end(r, ret);
	TRACE("  accept connector %d qp %d: %d\n", ci, qi, ret);
	CHECK_RET("accept", o->side, ret, NDK_PENDING, -EINVAL, -ENOTCONN, -ECONNABORTED,
		  -EISCONN, -ENOMEM, -EBADF);
	if (ret != NDK_PENDING) {
		snap_check(&s, ci, qi, "accept", ret);
		return;
	}
	o->disc_armed = !nodisc;
	o->disc_react = react >> 4;
}

static void
do_complete(int ci, uint8_t how, uint8_t react)
{
	struct fz_obj *o = &fz.objs[ci];
	struct ndk_connector *c = o->p;
	struct fz_rec *r = rec_new(K_COMPLETE, ci, react);
	bool nodisc = how & 8;
	struct fz_snap s;
	int ret;

	if (r == NULL)
		return;
	snap_take(&s, ci, -1);
	call_begin(r);
	ret = c->dispatch->complete_connect(c, nodisc ? NULL : fz_disc_cb, o,
					    (how & 7) == 7 ? NULL : fz_req_cb, r);
	call_end(r, ret);
	TRACE("  complete_connect connector %d: %d\n", ci, ret);
	CHECK_RET("complete_connect", o->side, ret, NDK_PENDING, -EINVAL, -ENOTCONN,
		  -ECONNABORTED, -ENOMEM, -EBADF);
	if (ret != NDK_PENDING) {
		snap_check(&s, ci, -1, "complete_connect", ret);
		return;
	}
	o->disc_armed = !nodisc;
	o->disc_react = react >> 4;
}

static void
do_disconnect(int ci, uint8_t how, uint8_t react)
{
	struct fz_obj *o = &fz.objs[ci];
	struct ndk_connector *c = o->p;
	struct fz_rec *r = rec_new(K_DISCONNECT, ci, react);
	struct fz_snap s;
	int ret;

	if (r == NULL)
		return;
	snap_take(&s, ci, -1);
	call_begin(r);
	ret = c->dispatch->disconnect(c, (how & 7) == 7 ? NULL : fz_req_cb, r);
	call_end(r, ret);
	TRACE("  disconnect connector %d: %d\n", ci, ret);
	CHECK_RET("disconnect", o->side, ret, NDK_PENDING, -EINVAL, -ENOTCONN, -ENOMEM,
		  -EBADF);
	if (ret != NDK_PENDING)
		snap_check(&s, ci, -1, "disconnect", ret);
}

static void
do_reject(int ci, uint8_t how, uint32_t len)
{
	struct fz_obj *o = &fz.objs[ci];
	struct ndk_connector *c = o->p;
	struct fz_snap s;
	int ret;

	snap_take(&s, ci, -1);
	call_begin(NULL);
	ret = c->dispatch->reject(c, (how & 7) == 7 ? NULL : fz_pdata, len);
	call_end(NULL, ret);
	TRACE("  reject connector %d: %d\n", ci, ret);
	CHECK_RET("reject", o->side, ret, 0, -EINVAL, -ENOTCONN, -ECONNABORTED, -ENOMEM,
		  -EBADF);
	if (ret != 0)
		snap_check(&s, ci, -1, "reject", ret);
}

static void
do_get_data(int ci, uint8_t how, uint8_t len)
{
	struct ndk_connector *c = fz.objs[ci].p;
	uint32_t l = len, ird = 0, ord = 0;
	uint8_t buf[256];
	int ret;

	call_begin(NULL);
	switch (how & 3) {
	case 0:
		l = 0;
		ret = c->dispatch->get_connection_data(c, &ird, &ord, NULL, &l);
		break;
	case 1:
		ret = c->dispatch->get_connection_data(c, &ird, &ord, buf, &l);
		break;
	case 2:
		l |= 1;
		ret = c->dispatch->get_connection_data(c, NULL, NULL, NULL, &l);
		break;
	default:
		ret = c->dispatch->get_connection_data(c, NULL, &ord, buf, NULL);
		break;
	}
	call_end(NULL, ret);
	CHECK_RET("get_connection_data", 0, ret, 0, -ENOBUFS, -EINVAL, -ENOTCONN);
	if ((ret == 0 || ret == -ENOBUFS) && !ONE_OF((int)l, 56, CM_REJ_PDATA, CM_REP_PDATA))
		fz_die("get_connection_data says the private data is %u bytes", l);
	if (ret == 0 && (ird > ENG_MAX_RD_ATOMIC || ord > ENG_MAX_RD_ATOMIC))
		fz_die("get_connection_data: read limits %u, %u above the adapter's", ird, ord);
}

static void
do_get_addr(int oi, uint8_t how)
{
	struct fz_obj *o = &fz.objs[oi];
	struct sockaddr_in6 sa;
	socklen_t len = (how & 6) == 4 ? 4 : sizeof(sa), *lp = (how & 6) == 6 ? NULL : &len;
	struct sockaddr *p = (how & 6) == 2 ? NULL : (struct sockaddr *)&sa;
	int ret;

	if ((how & 6) == 2)
		len = 0;
	call_begin(NULL);
	if (o->type == NDK_OBJECT_CONNECTOR) {
		struct ndk_connector *c = o->p;

		ret = how & 1 ? c->dispatch->get_peer_address(c, p, lp) :
				c->dispatch->get_local_address(c, p, lp);
	} else if (o->type == NDK_OBJECT_LISTENER) {
		struct ndk_listener *l = o->p;

		ret = l->dispatch->get_local_address(l, p, lp);
	} else {
		struct ndk_shared_endpoint *e = o->p;

		ret = e->dispatch->get_local_address(e, p, lp);
	}
	call_end(NULL, ret);
	CHECK_RET("get_address", 0, ret, 0, -ENOBUFS, -EINVAL, -ENOTCONN);
	if (ret == 0 && p != NULL && !(sa.sin6_family == AF_INET6 && len == sizeof(sa)) &&
	    !(sa.sin6_family == AF_INET && len == sizeof(struct sockaddr_in)))
		fz_die("get_address: family %u, length %u", sa.sin6_family, len);
}

static void
do_params(int ci, uint8_t how)
{
	static const uint32_t mtus[8] = { 0, 256, 512, 1024, 2048, 4096, 100, 8192 };
	struct ndk_connector *c = fz.objs[ci].p;
	struct droce_conn_params p = { 0 };
	const struct droce_conn_ext *ext;
	const void *d;
	int ret;

	call_begin(NULL);
	ret = c->dispatch->query_extension(&c->header, NDK_EXT_DROCE_CONN,
					   (struct ndk_version){ 1, 0 }, &d);
	if (ret != 0)
		fz_die("NDK_EXT_DROCE_CONN: %d", ret);
	ext = d;
	if (how & 1) {
		p.ack_timeout = u8() % 33;
		p.retry_cnt = u8() % 9;
		p.rnr_retry = u8() % 9;
		p.path_mtu = mtus[u8() & 7];
		ret = ext->set_params(c, (how & 6) == 6 ? NULL : &p);
		call_end(NULL, ret);
		CHECK_RET("set_params", 0, ret, 0, -EINVAL, -EISCONN);
	} else {
		ret = ext->get_params(c, (how & 6) == 6 ? NULL : &p);
		call_end(NULL, ret);
		CHECK_RET("get_params", 0, ret, 0, -EINVAL, -ENOTCONN);
	}
}

/* Listen address how&3: 0.0.0.0, the side's, the peer's, ::; how&4: too short. */
static void
bind_addr(struct sockaddr_in6 *sa, socklen_t *len, int side, uint8_t how, uint8_t port)
{
	static const uint8_t any4[16] = { [10] = 0xff, [11] = 0xff }, any6[16];
	uint16_t ports[4] = { UT_PORT, UT_PORT + 1, 0, (uint16_t)(49152 + (port >> 2)) };
	const uint8_t *a[4] = { any4, ut_addr[side], ut_addr[1 - side], any6 };

	sockaddr_of(sa, len, a[how & 3], ports[port & 3], (how & 3) == 3);
	if (how & 4)
		*len = 4;
}

static void
op_listen(int li, uint8_t how, uint8_t port)
{
	struct fz_obj *o = &fz.objs[li];
	struct ndk_listener *l = o->p;
	struct sockaddr_in6 sa;
	socklen_t len;
	int ret;

	bind_addr(&sa, &len, o->side, how, port);
	call_begin(NULL);
	ret = l->dispatch->listen(l, (struct sockaddr *)&sa, len, NULL, NULL);
	call_end(NULL, ret);
	TRACE("  listen %d: %d\n", li, ret);
	CHECK_RET("listen", o->side, ret, 0, -EINVAL, -EISCONN, -EADDRNOTAVAIL, -EADDRINUSE,
		  -ENOSPC);
	if (ret == 0)
		o->listening = true;
}

static void
op_lis(int side, uint8_t react)
{
	struct fz_obj *o = &fz.objs[fz.nobjs];
	struct ndk_listener *l;
	int ret;

	if (fz.nobjs == FZ_OBJS)
		return;
	call_begin(NULL);
	ret = lis_create((struct ndk_adapter *)ut.s[side].ad, fz_event_cb, o, NULL, NULL, &l);
	call_end(NULL, ret);
	if (ret != 0)
		fz_die("create_listener: %d", ret);
	obj_add(NDK_OBJECT_LISTENER, side, l);
	o->event_react = react;
}

static void
op_conn(int side)
{
	struct ndk_connector *c;
	int ret;

	if (fz.nobjs == FZ_OBJS)
		return;
	call_begin(NULL);
	ret = conn_create((struct ndk_adapter *)ut.s[side].ad, NULL, NULL, &c);
	call_end(NULL, ret);
	if (ret != 0)
		fz_die("create_connector: %d", ret);
	obj_add(NDK_OBJECT_CONNECTOR, side, c);
}

static void
op_sep(int side, uint8_t how, uint8_t port)
{
	struct ndk_shared_endpoint *e;
	struct sockaddr_in6 sa;
	socklen_t len;
	int ret;

	if (fz.nobjs == FZ_OBJS)
		return;
	bind_addr(&sa, &len, side, how, port);
	call_begin(NULL);
	ret = sep_create((struct ndk_adapter *)ut.s[side].ad, (struct sockaddr *)&sa, len,
			 NULL, NULL, &e);
	call_end(NULL, ret);
	CHECK_RET("create_shared_endpoint", side, ret, 0, -EINVAL, -EADDRNOTAVAIL,
		  -EADDRINUSE, -ENOSPC);
	if (ret == 0)
		obj_add(NDK_OBJECT_SHARED_ENDPOINT, side, e);
}

/* ---- The wire ---- */

static void
hist_put(const struct ut_mad *m)
{
	fz.hist[fz.nhist++ % FZ_HIST] = *m;
}

/* The k-th MAD off the wire (kept in the history). */
static struct ut_mad
wire_take(unsigned int k)
{
	struct ut_mad m = ut.wire[k];

	memmove(&ut.wire[k], &ut.wire[k + 1], (ut.nwire - k - 1) * sizeof(m));
	ut.nwire--;
	hist_put(&m);
	return m;
}

static bool
inbox_put(int side, const struct ut_mad *m, unsigned int max)
{
	struct ut_side *s = &ut.s[side];

	if (s->ninbox >= max)
		return false;
	TRACE("  %s to side %d\n", cm_attr_name(get16(m->bytes + 16)), side);
	s->inbox[s->ninbox++] = *m;
	return true;
}

/* ut_pump() with the history kept: deliver, poll, run the queues until nothing moves. */
static void
fz_pump(void)
{
	unsigned int work, i;

	do {
		work = ut.nwire;
		for (i = 0; i < ut.nwire; i++) {
			hist_put(&ut.wire[i]);
			if (!inbox_put(1 - ut.wire[i].from, &ut.wire[i], UT_WIRE_MAX))
				fz_die("side %d's inbox overflows", 1 - ut.wire[i].from);
		}
		ut.nwire = 0;
		for (i = 0; i < UT_SIDES; i++)
			work += (unsigned int)cm_poll(ut.s[i].ad) + ut_ctl(i);
	} while (work > 0);
}

static void
op_wire(enum fz_op op, uint8_t k)
{
	struct ut_mad m;
	unsigned int n, i;

	if (ut.nwire == 0)
		return;
	k %= ut.nwire;
	if (op == OP_DUP) {
		(void)inbox_put(1 - ut.wire[k].from, &ut.wire[k], FZ_INBOX_MAX);
		hist_put(&ut.wire[k]);
	} else if (op == OP_MUTATE) {
		n = u8() % 4 + 1;
		for (i = 0; i < n; i++) {
			uint8_t off = u8();

			ut.wire[k].bytes[off] ^= u8();
		}
	} else if (op == OP_DROP) {
		(void)wire_take(k);
	} else if (ut.s[1 - ut.wire[k].from].ninbox < FZ_INBOX_MAX) {
		m = wire_take(k);
		(void)inbox_put(1 - m.from, &m, FZ_INBOX_MAX);
	}
}

/* The attributes an injected MAD takes: CM messages mostly, a few the CM ignores. */
static const uint16_t attrs[16] = {
	CM_ATTR_REQ, CM_ATTR_MRA, CM_ATTR_REJ, CM_ATTR_REP, CM_ATTR_RTU, CM_ATTR_DREQ,
	CM_ATTR_DREP, CM_ATTR_REQ, CM_ATTR_REJ, CM_ATTR_REP, CM_ATTR_DREQ, CM_ATTR_DREP,
	CM_ATTR_CLASS_PORT_INFO, CM_ATTR_SIDR_REQ, CM_ATTR_LAP, 0xffff,
};

/* A REQ a listener of side takes: its service ID, RC, a valid MTU, rdma_cm's header. */
static void
patch_req(uint8_t *b, int side, uint8_t sport, const uint8_t src[16], const uint8_t dst[16])
{
	uint8_t *msg = b + CM_MAD_HDR_SIZE;

	put_be(msg + 8, 8, cma_service_id(listen_port(side)));
	msg[43] &= (uint8_t)~0x06;				/* transport: RC */
	msg[50] = (uint8_t)((msg[50] & 0x0f) | 3 << 4);	/* path MTU 1024 */
	(void)cma_hdr_build(msg + 140, src, dst, (uint16_t)(5000 + sport));
}

static void
patch(uint8_t *b, int side, uint8_t how, uint8_t cb, const uint8_t src[16],
      const uint8_t dst[16])
{
	uint8_t *msg = b + CM_MAD_HDR_SIZE;
	int ci = pick(FZ_MASK(NDK_OBJECT_CONNECTOR), side, cb);

	if ((how & 2) && ci >= 0)
		put_be(msg + 4, 4, conn_at(ci)->local_id);
	if ((how & 4) && ci >= 0)
		put_be(msg, 4, conn_at(ci)->remote_id);
	if ((how & 8) && get16(b + 16) == CM_ATTR_REQ)
		patch_req(b, side, cb, src, dst);
	if ((how & 16) && get16(b + 16) == CM_ATTR_REJ) {
		msg[8] = (uint8_t)((msg[8] & 0x3f) | CM_MSG_OTHER << 6);
		msg[9] = (uint8_t)((msg[9] & 1) | 8 << 1);	/* ARI: a CA GUID */
		put_be(msg + 10, 2, CM_REJ_TIMEOUT);
	}
}

/* A sender's address: the peer's, the side's own, 10.77.0.x or 0.0.0.0. */
static void
fake_addr(uint8_t a[16], int side, uint8_t how)
{
	memcpy(a, ut_addr[(how & 3) == 1 ? side : 1 - side], 16);
	if ((how & 3) == 2)
		a[15] = (uint8_t)(3 + ((how >> 2) & 7));
	else if ((how & 3) == 3)
		memset(a + 12, 0, 4);
}

static void
op_inject(void)
{
	int side = u8() & 1;
	uint8_t how = u8(), attr = u8(), cb = u8(), ab = u8();
	struct ut_mad m;
	unsigned int i;

	memset(&m, 0, sizeof(m));
	for (i = 0; i < CM_MAD_SIZE; i++)
		m.bytes[i] = u8();
	m.from = 1 - side;
	fake_addr(m.sgid, side, ab);
	memcpy(m.dgid, ut_addr[side], 16);
	if (ab & 0x80)
		m.dgid[15] = 9;
	if (!(how & 1)) {
		m.bytes[0] = CM_BASE_VERSION;
		m.bytes[1] = CM_MGMT_CLASS;
		m.bytes[2] = CM_CLASS_VERSION;
		m.bytes[3] = CM_METHOD_SEND;
		put_be(m.bytes + 16, 2, attrs[attr & 15]);
	}
	patch(m.bytes, side, how, cb, m.sgid, m.dgid);
	(void)inbox_put(side, &m, FZ_INBOX_MAX);
}

static void
op_replay(void)
{
	uint8_t h = u8(), how = u8(), cb = u8(), off = u8(), val = u8();
	unsigned int n = RTE_MIN(fz.nhist, (unsigned int)FZ_HIST);
	struct ut_mad m;
	int side;

	if (n == 0)
		return;
	m = fz.hist[(fz.nhist - 1 - h % n) % FZ_HIST];
	side = how & 32 ? m.from : 1 - m.from;		/* back to its sender? */
	m.from = 1 - side;
	patch(m.bytes, side, how, cb, m.sgid, m.dgid);
	m.bytes[off] ^= val;
	(void)inbox_put(side, &m, FZ_INBOX_MAX);
}

/* ---- The clock ---- */

static uint64_t
next_deadline(void)
{
	struct lib_conn *c;
	uint64_t next = 0;
	unsigned int i;

	for (i = 0; i < UT_SIDES; i++)
		TAILQ_FOREACH(c, &ut.s[i].ad->cm->conns, next)
			if (c->deadline != 0 && (next == 0 || c->deadline < next))
				next = c->deadline;
	return next;
}

static void
op_clock(uint8_t v)
{
	static const uint32_t ms[13] = {
		1, 10, 67, 100, 268, 335, 500, 1000, 1400, 5000, 10000, 70000, 600000,
	};
	uint64_t next = next_deadline();

	if ((v & 15) < RTE_DIM(ms))
		ut_advance_ms(ms[v & 15]);
	else if ((v & 15) == 13 && next > ut.now)
		ut.now = next;				/* the next timer fires */
	else if ((v & 15) == 14 && next > ut.now + 1)
		ut.now = next - 1;			/* ... or just does not */
	else
		ut.now += (uint64_t)(v >> 4) * 7000000;
}

/* ---- The program ---- */

static void
op_request(enum fz_op op)
{
	int ci = pick(FZ_MASK(NDK_OBJECT_CONNECTOR), -1, u8()), qi = -1, si = -1;
	uint8_t how, ird, ord, len;

	if (op == OP_CONNECT || op == OP_CONNECT_SEP || op == OP_ACCEPT)
		qi = pick(FZ_MASK(NDK_OBJECT_QP), -1, u8());
	if (op == OP_CONNECT_SEP)
		si = pick(FZ_MASK(NDK_OBJECT_SHARED_ENDPOINT), -1, u8());
	how = u8();
	if (op == OP_CONNECT || op == OP_CONNECT_SEP || op == OP_ACCEPT) {
		ird = u8() % 132;
		ord = u8() % 132;
		len = u8();
		if (ci < 0 || (op == OP_CONNECT_SEP && si < 0))
			return;
		if (op == OP_ACCEPT)
			do_accept(ci, qi, how, ird, ord, len % 152, u8());
		else
			do_connect(ci, qi, si, how, ird, ord, len % 60, u8());
		return;
	}
	if (op == OP_REJECT) {
		len = u8();
		if (ci >= 0)
			do_reject(ci, how, len % 152);
	} else if (op == OP_GET_DATA) {
		len = u8();
		if (ci >= 0)
			do_get_data(ci, how, len);
	} else if (op == OP_PARAMS) {
		if (ci >= 0)
			do_params(ci, how);
	} else {
		uint8_t react = u8();

		if (ci >= 0 && op == OP_COMPLETE)
			do_complete(ci, how, react);
		else if (ci >= 0)
			do_disconnect(ci, how, react);
	}
}

static void
run_op(enum fz_op op)
{
	uint8_t a = u8(), b, c;
	int i;

	switch (op) {
	case OP_QP:
		(void)new_qp(a & 1);
		break;
	case OP_CONN:
		op_conn(a & 1);
		break;
	case OP_LIS:
		op_lis(a & 1, u8());
		break;
	case OP_LISTEN:
		b = u8();
		c = u8();
		i = pick(FZ_MASK(NDK_OBJECT_LISTENER), -1, a);
		if (i >= 0)
			op_listen(i, b, c);
		break;
	case OP_PAUSE:
		b = u8();
		i = pick(FZ_MASK(NDK_OBJECT_LISTENER), -1, a);
		if (i >= 0) {
			struct ndk_listener *l = fz.objs[i].p;

			l->dispatch->control_connect_events(l, b & 1);
			fz.objs[i].paused = b & 1;
		}
		break;
	case OP_SEP:
		b = u8();
		op_sep(a & 1, b, u8());
		break;
	case OP_GET_ADDR:
		b = u8();
		i = pick(FZ_ANY & ~FZ_MASK(NDK_OBJECT_QP), -1, a);
		if (i >= 0)
			do_get_addr(i, b);
		break;
	case OP_CLOSE:
		b = u8();
		i = pick(FZ_ANY, -1, a);
		if (i >= 0)
			do_close(i, b);
		break;
	case OP_DELIVER:
	case OP_DROP:
	case OP_DUP:
	case OP_MUTATE:
		op_wire(op, a);
		break;
	case OP_CLOCK:
		op_clock(a);
		break;
	case OP_POLL:
		(void)cm_poll(ut.s[a & 1].ad);
		break;
	case OP_CTL:
		(void)ut_ctl(a & 1);
		break;
	case OP_SQ_FULL:
		ut.s[a & 1].sq_full = !ut.s[a & 1].sq_full;
		break;
	case OP_NEIGH:
		ut.neigh_eagain = (a & 7) == 7 ? 1000000 : a & 7;
		break;
	default:
		break;
	}
}

/* A connection waiting for its peer (or its peer's address) has a timer to give up by. */
static void
check_timers(void)
{
	struct lib_conn *c;
	unsigned int i;

	for (i = 0; i < UT_SIDES; i++)
		TAILQ_FOREACH(c, &ut.s[i].ad->cm->conns, next)
			if ((c->st == CONN_RESOLVING || c->st == CONN_REQ_SENT ||
			     c->st == CONN_REP_SENT || c->st == CONN_DREQ_SENT) && c->deadline == 0)
				fz_die("side %u: connector %d in state %s has no timer: it waits "
				       "forever", i, obj_index(c), conn_state_names[c->st]);
}

static void
run_program(void)
{
	enum fz_op op;

	for (fz.op = 0; fz.op < FZ_OPS_MAX && fz.off < fz.size; fz.op++) {
		check_timers();
		while (ut.nwire > FZ_WIRE_KEEP)
			(void)wire_take(0);		/* a congested wire loses the oldest */
		op = (enum fz_op)(u8() % OP_MAX);
		TRACE("op %u: %s\n", fz.op, op_names[op]);
		switch (op) {
		case OP_CONNECT:
		case OP_CONNECT_SEP:
		case OP_ACCEPT:
		case OP_REJECT:
		case OP_COMPLETE:
		case OP_DISCONNECT:
		case OP_GET_DATA:
		case OP_PARAMS:
			op_request(op);
			break;
		case OP_REPLAY:
			op_replay();
			break;
		case OP_INJECT:
			op_inject();
			break;
		case OP_PUMP:
			fz_pump();
			break;
		case OP_LOCAL:
			ut_run_local();
			break;
		default:
			run_op(op);
			break;
		}
	}
}

/* A lossless wire, and every timer fired, until nothing is left to happen. */
static void
settle(const char *when)
{
	unsigned int i;
	uint64_t next;

	for (i = 0; i < FZ_SETTLE_MAX; i++) {
		fz_pump();
		check_timers();
		next = next_deadline();
		if (next == 0)
			return;
		if (next > ut.now)
			ut.now = next;
	}
	fz_die("%s: the CMs still have timers after %u rounds", when, FZ_SETTLE_MAX);
}

static void
finish(void)
{
	unsigned int i;

	ut.s[0].sq_full = ut.s[1].sq_full = false;
	ut.neigh_eagain = 0;
	while (ut.nwire > FZ_WIRE_KEEP)
		(void)wire_take(0);
	check_timers();
	fz.op = FZ_OPS_MAX;
	settle("the program's end");
	for (i = 0; i < fz.nrecs; i++) {
		const struct fz_rec *r = &fz.recs[i];

		if (r->kind != K_CLOSE && r->ret == NDK_PENDING && r->calls == 0 &&
		    !fz.objs[r->obj].closed)
			fz_die("connector %d's %s still waits with no timer left (state %s)",
			       r->obj, kind_names[r->kind], conn_state_names[conn_at(r->obj)->st]);
	}
	for (i = 0; i < fz.nobjs; i++)
		if (!fz.objs[i].closed)
			do_close((int)i, 0);
	settle("the closes");
	for (i = 0; i < fz.nrecs; i++) {
		const struct fz_rec *r = &fz.recs[i];

		if (r->ret == NDK_PENDING && r->calls != 1)
			fz_die("%s of object %d: %d callbacks after everything closed",
			       kind_names[r->kind], r->obj, r->calls);
	}
	for (i = 0; i < UT_SIDES; i++) {
		struct cm *cm = ut.s[i].ad->cm;

		if (!TAILQ_EMPTY(&cm->conns) || !TAILQ_EMPTY(&cm->listeners) ||
		    !TAILQ_EMPTY(&cm->binds))
			fz_die("side %u's CM keeps a connection (%d), listener (%d) or port (%d)",
			       i, !TAILQ_EMPTY(&cm->conns), !TAILQ_EMPTY(&cm->listeners),
			       !TAILQ_EMPTY(&cm->binds));
	}
	ut_teardown();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	memset(&fz, 0, sizeof(fz));
	fz.in = data;
	fz.size = size;
	fz_inputs++;
	rte_srand(FZ_SEED);
	ut_setup();
	run_program();
	finish();
	return 0;
}

/* ---- Seeds: programs that reach the ends of the handshake ---- */

#define ESTABLISH \
	OP_QP, 0, OP_QP, 1, OP_LIS, 1, 0, OP_LISTEN, 0, 0, 0, OP_CONN, 0, \
	OP_CONNECT, 0, 0, 0, 4, 4, 8, 0, OP_PUMP, \
	OP_ACCEPT, 1, 1, 0, 4, 4, 16, 0, OP_PUMP, OP_GET_DATA, 0, 1, 255, \
	OP_COMPLETE, 0, 0, 0, OP_PUMP

static const uint8_t seed_disconnect[] = {
	ESTABLISH, OP_DISCONNECT, 0, 0, 0, OP_PUMP, OP_CLOSE, 3, 0, OP_PUMP,
};
static const uint8_t seed_peer_disconnect[] = {
	ESTABLISH, OP_DISCONNECT, 1, 0, 0, OP_PUMP, OP_DISCONNECT, 0, 0, 0, OP_PUMP,
};
static const uint8_t seed_both_disconnect[] = {
	ESTABLISH, OP_DISCONNECT, 0, 0, 0, OP_DISCONNECT, 1, 0, 0, OP_PUMP,
};
static const uint8_t seed_lost_drep[] = {
	ESTABLISH, OP_DISCONNECT, 0, 0, 0, OP_DELIVER, 0, OP_POLL, 1, OP_DROP, 0,
	OP_CLOCK, 13, OP_POLL, 0, OP_CLOCK, 13, OP_PUMP,
};
static const uint8_t seed_replay[] = {
	ESTABLISH, OP_REPLAY, 1, 0, 0, 0, 0, OP_REPLAY, 2, 0, 0, 0, 0, OP_PUMP,
	OP_INJECT, 0, 6, 5, 0, 0,
};
static const uint8_t seed_reject[] = {
	OP_QP, 0, OP_QP, 1, OP_LIS, 1, 0, OP_LISTEN, 0, 0, 0, OP_CONN, 0,
	OP_CONNECT, 0, 0, 0, 4, 4, 0, 0, OP_PUMP, OP_GET_DATA, 1, 0, 0,
	OP_REJECT, 1, 0, 20, OP_PUMP, OP_GET_DATA, 0, 1, 255,
};
static const uint8_t seed_active_reject[] = {
	OP_QP, 0, OP_QP, 1, OP_LIS, 1, 0, OP_LISTEN, 0, 0, 0, OP_CONN, 0,
	OP_CONNECT, 0, 0, 0, 4, 4, 0, 0, OP_PUMP, OP_ACCEPT, 1, 1, 0, 4, 4, 0, 0, OP_PUMP,
	OP_REJECT, 0, 0, 0, OP_PUMP,
};
static const uint8_t seed_timeout[] = {
	OP_QP, 0, OP_QP, 1, OP_LIS, 1, 0, OP_LISTEN, 0, 0, 0, OP_CONN, 0,
	OP_CONNECT, 0, 0, 0, 4, 4, 0, 0,
	OP_DROP, 0, OP_CLOCK, 13, OP_POLL, 0, OP_DROP, 0, OP_CLOCK, 13, OP_POLL, 0,
	OP_DROP, 0, OP_CLOCK, 13, OP_POLL, 0, OP_DROP, 0, OP_CLOCK, 13, OP_POLL, 0,
	OP_CTL, 0,
};
static const uint8_t seed_reactions[] = {
	OP_QP, 0, OP_LIS, 1, 0x01, OP_LISTEN, 0, 0, 0, OP_CONN, 0,
	OP_CONNECT, 0, 0, 0, 4, 4, 0, 0x41, OP_PUMP, OP_CLOCK, 7, OP_DISCONNECT, 1, 0, 0,
	OP_PUMP,
};
static const uint8_t seed_sq_full[] = {
	OP_QP, 0, OP_QP, 1, OP_LIS, 1, 0, OP_LISTEN, 0, 0, 0, OP_CONN, 0,
	OP_SQ_FULL, 0, OP_CONNECT, 0, 0, 0, 4, 4, 0, 0, OP_SQ_FULL, 0,
	OP_CONNECT, 0, 0, 0, 4, 4, 0, 0, OP_PUMP,
	OP_SQ_FULL, 1, OP_ACCEPT, 1, 1, 0, 4, 4, 0, 0, OP_SQ_FULL, 1,
	OP_ACCEPT, 1, 1, 0, 4, 4, 0, 0, OP_PUMP, OP_SQ_FULL, 0, OP_COMPLETE, 0, 0, 0,
	OP_SQ_FULL, 0, OP_COMPLETE, 0, 0, 0, OP_PUMP, OP_SQ_FULL, 1,
	OP_DISCONNECT, 1, 0, 0, OP_SQ_FULL, 1, OP_DISCONNECT, 1, 0, 0, OP_PUMP,
};
static const uint8_t seed_paused[] = {
	OP_QP, 0, OP_QP, 1, OP_LIS, 1, 0, OP_LISTEN, 0, 0, 0, OP_PAUSE, 0, 1, OP_CONN, 0,
	OP_CONNECT, 0, 0, 0, 4, 4, 0, 0, OP_PUMP, OP_PAUSE, 0, 0, OP_CONN, 0, OP_QP, 0,
	OP_CONNECT, 1, 2, 0, 4, 4, 0, 0, OP_POLL, 0, OP_DELIVER, 0, OP_POLL, 1,
	OP_PAUSE, 0, 1, OP_PUMP,
};
static const uint8_t seed_resolve[] = {
	OP_QP, 0, OP_QP, 0, OP_QP, 1, OP_LIS, 1, 0, OP_LISTEN, 0, 0, 0, OP_CONN, 0, OP_CONN, 0,
	OP_NEIGH, 3, OP_CONNECT, 0, 0, 0, 4, 4, 0, 0, OP_POLL, 0, OP_POLL, 0, OP_POLL, 0,
	OP_PUMP, OP_NEIGH, 7, OP_CONNECT, 1, 1, 0, 4, 4, 0, 0, OP_CLOCK, 9, OP_POLL, 0,
	OP_CTL, 0,
};
static const uint8_t seed_close_early[] = {
	OP_QP, 0, OP_QP, 1, OP_LIS, 1, 0, OP_LISTEN, 0, 0, 0, OP_CONN, 0,
	OP_CONNECT, 0, 0, 0, 4, 4, 0, 0, OP_PUMP, OP_ACCEPT, 1, 1, 0, 4, 4, 0, 0,
	OP_CLOSE, 3, 0, OP_DELIVER, 0, OP_POLL, 0, OP_PUMP, OP_CLOSE, 3, 0, OP_PUMP,
};
static const uint8_t seed_duplicates[] = {
	OP_QP, 0, OP_QP, 1, OP_LIS, 1, 0, OP_LISTEN, 0, 0, 0, OP_CONN, 0,
	OP_CONNECT, 0, 0, 0, 4, 4, 0, 0, OP_DUP, 0, OP_DELIVER, 0, OP_POLL, 1, OP_CTL, 1,
	OP_ACCEPT, 1, 1, 0, 4, 4, 0, 0, OP_DUP, 0, OP_DELIVER, 0, OP_POLL, 0, OP_CTL, 0,
	OP_MUTATE, 0, 1, 40, 1, OP_PUMP,
};
static const uint8_t seed_sep[] = {
	OP_QP, 0, OP_QP, 1, OP_LIS, 1, 0, OP_LISTEN, 0, 0, 2, OP_SEP, 0, 0, 2, OP_CONN, 0,
	OP_CONNECT_SEP, 0, 0, 0, 8, 4, 4, 0, 0x41, OP_GET_ADDR, 2, 0, OP_CLOSE, 3, 0,
	OP_PUMP, OP_GET_ADDR, 0, 1,
};

static const struct {
	const char *name;
	const uint8_t *prog;
	size_t len;
} seeds[] = {
#define SEED(s) { #s, s, sizeof(s) }
	SEED(seed_disconnect), SEED(seed_peer_disconnect), SEED(seed_both_disconnect),
	SEED(seed_lost_drep), SEED(seed_replay), SEED(seed_reject), SEED(seed_active_reject),
	SEED(seed_timeout), SEED(seed_reactions), SEED(seed_sq_full), SEED(seed_paused),
	SEED(seed_resolve), SEED(seed_close_early), SEED(seed_duplicates), SEED(seed_sep),
#undef SEED
};

static void
write_seeds(const char *dir)
{
	char path[4096];
	unsigned int i;
	FILE *f;

	for (i = 0; i < RTE_DIM(seeds); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, seeds[i].name);
		f = fopen(path, "wb");
		if (f == NULL || fwrite(seeds[i].prog, 1, seeds[i].len, f) != seeds[i].len ||
		    fclose(f) != 0) {
			fprintf(stderr, "fuzz_cm: cannot write %s\n", path);
			exit(1);
		}
	}
	exit(0);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *v = getenv("FUZZ_CM_TRACE");

	RTE_SET_USED(argc);
	RTE_SET_USED(argv);
	fz_trace = v != NULL && v[0] != '\0' && strcmp(v, "0") != 0;
	v = getenv("FUZZ_CM_SEEDS");
	if (v != NULL && v[0] != '\0')
		write_seeds(v);
	return 0;
}
