/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The NDK object core (lib/ndk/ndk_obj.c) on its own, in SPDK's *_ut.c pattern: the .c is
 * included, the control context (ndk_ctl.c's ctl_push/ctl_wake) is stubbed by a queue the
 * test runs by hand, the adapter is a struct built in memory, and the objects are test
 * objects whose close_poll the test answers. Every call out (create, close and request
 * callbacks, close_begin, close_poll, free) is logged, so the tests assert counts and
 * order. No EAL; DPDK's log goes to a memory stream.
 */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ndk_obj.c"

#include "check_run.h"

#define EVENTS_MAX	64
#define ITEMS_MAX	32

int lib_logtype;

struct t_obj {
	struct obj o;
	char name[8];
	bool quiesced;		/* what close_poll answers */
	unsigned int polls;	/* close_poll calls */
};

static struct {
	struct adapter *ad;
	struct ctl_item *items[ITEMS_MAX];	/* pushed, not yet run: FIFO */
	unsigned int nitems;
	unsigned int wakes;
	char events[EVENTS_MAX][32];
	unsigned int nevents;
	int (*req_fn)(struct req_item *r);	/* the work of the next request poll */
	int req_status;
	uint32_t refs_in_cb;			/* watch's refs seen inside a callback */
	struct t_obj *watch;
	struct t_obj *watch_from;		/* whose close callback looks at watch */
	struct ndk_object_header *created;	/* what a successful create hands out */
	uint32_t magic_at_free;
	char *log;
	size_t log_len;
	FILE *log_f;
} ut;

static void
event(const char *what, const struct obj *o, int status)
{
	const struct t_obj *t = container_of(o, const struct t_obj, o);

	ck_assert_uint_lt(ut.nevents, EVENTS_MAX);
	snprintf(ut.events[ut.nevents++], sizeof(ut.events[0]), "%s %s %d", what, t->name,
		 status);
}

/* The events since the last call are exactly these, in this order. */
static void
expect_events(const char *const *want, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n && i < ut.nevents; i++)
		ck_assert_str_eq(ut.events[i], want[i]);
	ck_assert_msg(ut.nevents == n, "%u events, expected %u (last: %s)", ut.nevents, n,
		      ut.nevents > 0 ? ut.events[ut.nevents - 1] : "none");
	ut.nevents = 0;
}

#define EXPECT(...) do { \
	static const char *const want_[] = { __VA_ARGS__ }; \
	expect_events(want_, RTE_DIM(want_)); \
} while (0)

/* Stubs of ndk_ctl.c: the control context's queue and its wake-up. */

void
ctl_push(struct adapter *ad, struct ctl_item *it)
{
	ck_assert_ptr_eq(ad, ut.ad);
	ck_assert_uint_lt(ut.nitems, ITEMS_MAX);
	ut.items[ut.nitems++] = it;
}

void
ctl_wake(struct adapter *ad)
{
	ck_assert_ptr_eq(ad, ut.ad);
	ut.wakes++;
}

/* The control context: what is queued (oldest first), requests, then closes. */
static void
ctl_step(void)
{
	unsigned int i, n = ut.nitems;

	for (i = 0; i < n; i++)
		ut.items[i]->run(ut.items[i]);
	memmove(ut.items, ut.items + n, (ut.nitems - n) * sizeof(ut.items[0]));
	ut.nitems -= n;
	req_poll(ut.ad);
	obj_closes_poll(ut.ad);
}

/* Test objects. */

static void
t_close_begin(struct obj *o)
{
	event("begin", o, 0);
}

static bool
t_close_poll(struct obj *o)
{
	struct t_obj *t = container_of(o, struct t_obj, o);

	t->polls++;
	event("poll", o, t->quiesced);
	return t->quiesced;
}

static void
t_free(struct obj *o)
{
	event("free", o, 0);
	ut.magic_at_free = o->magic;
	free(container_of(o, struct t_obj, o));
}

static const struct obj_ops t_ops = {
	.name = "tobj",
	.close_begin = t_close_begin,
	.close_poll = t_close_poll,
	.free = t_free,
};

static struct t_obj *
t_new(const char *name, enum ndk_object_type type)
{
	struct t_obj *t = calloc(1, sizeof(*t));

	ck_assert_ptr_nonnull(t);
	snprintf(t->name, sizeof(t->name), "%s", name);
	t->quiesced = true;
	obj_init(&t->o, ut.ad, type, NULL, &t_ops);
	return t;
}

/* A live object, created inline. */
static struct t_obj *
t_live(const char *name, enum ndk_object_type type)
{
	struct t_obj *t = t_new(name, type);

	obj_publish(&t->o);
	return t;
}

static void
close_cb(void *ctx)
{
	struct t_obj *t = ctx;

	event("closed", &t->o, 0);
	if (t == ut.watch_from)
		ut.refs_in_cb = __atomic_load_n(&ut.watch->o.refs, __ATOMIC_ACQUIRE);
}

/* ctx: the object's name (a failed create frees the object before calling back). */
static void
create_cb(void *ctx, int status, struct ndk_object_header *obj)
{
	/* Success hands out the object's header, failure nothing. */
	ck_assert(status == 0 ? obj != NULL && obj == ut.created : obj == NULL);
	ck_assert_uint_lt(ut.nevents, EVENTS_MAX);
	snprintf(ut.events[ut.nevents++], sizeof(ut.events[0]), "created %s %d",
		 (const char *)ctx, status);
}

/* The consumer's close: pending, and no callback from inside the call. */
static void
close_pending(struct t_obj *t)
{
	unsigned int before = ut.nevents;

	ck_assert_int_eq(obj_close(&t->o, close_cb, t, NULL), NDK_PENDING);
	ck_assert_uint_eq(ut.nevents, before);
}

/* Nothing of the adapter's is left: every object closed and freed. */
static void
expect_no_objects(void)
{
	unsigned int i;

	for (i = 0; i < NDK_OBJECT_MAX; i++)
		ck_assert_msg(ut.ad->counts[i] == 0, "%u objects of type %u", ut.ad->counts[i],
			      i);
	ck_assert(TAILQ_EMPTY(&ut.ad->objs));
	ck_assert(TAILQ_EMPTY(&ut.ad->closing));
	ck_assert(TAILQ_EMPTY(&ut.ad->polling));
	ck_assert_uint_eq(ut.nitems, 0);
}

/* Close t, the last object, as every test ends: its close callback once, its free,
 * nothing left. */
static void
close_last(struct t_obj *t)
{
	static const char *const what[] = { "begin %s 0", "poll %s 1", "closed %s 0",
					     "free %s 0" };
	char want[RTE_DIM(what)][32];
	const char *w[RTE_DIM(what)];
	unsigned int i;

	for (i = 0; i < RTE_DIM(what); i++) {
		snprintf(want[i], sizeof(want[i]), what[i], t->name);
		w[i] = want[i];
	}
	close_pending(t);
	ctl_step();
	expect_events(w, RTE_DIM(w));
	expect_no_objects();
}

static void
setup(void)
{
	memset(&ut, 0, sizeof(ut));
	ut.ad = calloc(1, sizeof(*ut.ad));
	ck_assert_ptr_nonnull(ut.ad);
	ut.ad->o.header.version = (struct ndk_version){ 2, 1 };
	rte_spinlock_init(&ut.ad->lock);
	TAILQ_INIT(&ut.ad->objs);
	TAILQ_INIT(&ut.ad->closing);
	TAILQ_INIT(&ut.ad->polling);
	TAILQ_INIT(&ut.ad->srqs);
	ut.log_f = open_memstream(&ut.log, &ut.log_len);
	ck_assert_ptr_nonnull(ut.log_f);
	rte_openlog_stream(ut.log_f);
}

static void
teardown(void)
{
	rte_openlog_stream(NULL);
	fclose(ut.log_f);
	free(ut.log);
	free(ut.ad);
}

/* What the library logged so far. */
static const char *
logged(void)
{
	fflush(ut.log_f);
	return ut.log != NULL ? ut.log : "";
}

START_TEST(test_obj_get_null)
{
	int err = 0;

	ck_assert_ptr_null(obj_get(NULL, NDK_OBJECT_QP, &err));
	ck_assert_int_eq(err, -EINVAL);
}
END_TEST

START_TEST(test_obj_get_wrong_type)
{
	struct t_obj *t = t_live("qp", NDK_OBJECT_QP);
	struct obj fake;
	int err = 0;

	ck_assert_ptr_null(obj_get(&t->o, NDK_OBJECT_CQ, &err));
	ck_assert_int_eq(err, -EBADF);
	/* The public type is right, the rest is not ours. */
	memset(&fake, 0, sizeof(fake));
	fake.header.type = NDK_OBJECT_QP;
	ck_assert_ptr_null(obj_get(&fake, NDK_OBJECT_QP, &err));
	ck_assert_int_eq(err, -EBADF);
	ck_assert_ptr_eq(obj_get(&t->o.header, NDK_OBJECT_QP, &err), &t->o);
	ck_assert_int_eq(err, 0);
	/* The version is the adapter's. */
	ck_assert_uint_eq(t->o.header.version.major, 2);
	ck_assert_uint_eq(t->o.header.version.minor, 1);
	close_last(t);
}
END_TEST

static void
create_run_ok(struct ctl_item *it)
{
	obj_create_done(container_of(it, struct obj, item), 0);
}

static void
create_run_fail(struct ctl_item *it)
{
	obj_create_done(container_of(it, struct obj, item), -ENOMEM);
}

START_TEST(test_obj_create_pending_one_callback)
{
	struct t_obj *t = t_new("pd", NDK_OBJECT_PD);

	ut.created = &t->o.header;
	ck_assert_int_eq(obj_create_pending(&t->o, create_run_ok, create_cb, "pd"), NDK_PENDING);
	/* Counted from now (the adapter's close waits for it), live only when done. */
	ck_assert_uint_eq(ut.nevents, 0);
	ck_assert_uint_eq(ut.ad->counts[NDK_OBJECT_PD], 1);
	ck_assert(!obj_live(&t->o));
	ck_assert_uint_eq(ut.nitems, 1);
	ctl_step();
	EXPECT("created pd 0");
	ck_assert(obj_live(&t->o));
	ctl_step();
	ck_assert_uint_eq(ut.nevents, 0);
	close_last(t);
}
END_TEST

START_TEST(test_obj_create_done_failure)
{
	struct t_obj *pd = t_live("pd", NDK_OBJECT_PD);
	struct t_obj *mr = t_new("mr", NDK_OBJECT_MR);

	obj_hold_ante(&mr->o, &pd->o);
	ck_assert_uint_eq(pd->o.refs, 1);
	ck_assert_int_eq(obj_create_pending(&mr->o, create_run_fail, create_cb, "mr"),
			 NDK_PENDING);
	ctl_step();
	/* Freed (unpublished, magic gone, its antecedent released), then told. */
	EXPECT("free mr 0", "created mr -12");
	ck_assert_uint_eq(ut.magic_at_free, 0);
	ck_assert_uint_eq(pd->o.refs, 0);
	ck_assert_uint_eq(ut.ad->counts[NDK_OBJECT_MR], 0);
	close_last(pd);
}
END_TEST

START_TEST(test_obj_close_waits_for_successor)
{
	struct t_obj *pd = t_live("pd", NDK_OBJECT_PD);
	struct t_obj *qp = t_live("qp", NDK_OBJECT_QP);

	obj_hold_ante(&qp->o, &pd->o);
	pd->quiesced = false;
	/* The parent first: legal; it waits for its successor. */
	close_pending(pd);
	ck_assert(!obj_live(&pd->o));
	ctl_step();
	ctl_step();
	EXPECT("begin pd 0");
	ck_assert_uint_eq(pd->polls, 0);	/* not asked while referenced */
	close_pending(qp);
	ck_assert_uint_eq(ut.wakes, 0);
	ctl_step();
	/* The last reference went: the control context is woken for the parent. */
	EXPECT("begin qp 0", "poll qp 1", "closed qp 0", "free qp 0");
	ck_assert_uint_eq(ut.wakes, 1);
	/* Then close_poll decides. */
	ctl_step();
	EXPECT("poll pd 0");
	pd->quiesced = true;
	ctl_step();
	EXPECT("poll pd 1", "closed pd 0", "free pd 0");
	ctl_step();
	ck_assert_uint_eq(ut.nevents, 0);
	expect_no_objects();
}
END_TEST

START_TEST(test_obj_closes_poll_callback_before_antecedents)
{
	struct t_obj *pd = t_live("pd", NDK_OBJECT_PD);
	struct t_obj *cq = t_live("cq", NDK_OBJECT_CQ);
	struct t_obj *qp = t_live("qp", NDK_OBJECT_QP);

	obj_hold_ante(&qp->o, &pd->o);
	obj_hold_ante(&qp->o, &cq->o);
	close_pending(qp);
	close_pending(cq);
	close_pending(pd);
	ut.watch = pd;
	ut.watch_from = qp;
	ctl_step();
	/* The QP's close callback runs while it still holds its PD: a PD's close cannot
	 * complete before its QP's callback returned. Each callback once, then the free. */
	ck_assert_uint_eq(ut.refs_in_cb, 1);
	ctl_step();
	EXPECT("begin qp 0", "begin cq 0", "begin pd 0", "poll qp 1", "closed qp 0", "free qp 0",
	       "poll cq 1", "closed cq 0", "free cq 0", "poll pd 1", "closed pd 0", "free pd 0");
	expect_no_objects();
}
END_TEST

START_TEST(test_obj_close_double)
{
	struct t_obj *t = t_live("cq", NDK_OBJECT_CQ);

	close_pending(t);
	/* A usage error, caught and named; the first close goes on. */
	ck_assert_int_eq(obj_close(&t->o, close_cb, t, NULL), -EALREADY);
	ck_assert_ptr_nonnull(strstr(logged(), "double close"));
	ck_assert_ptr_nonnull(strstr(logged(), "closing"));
	ctl_step();
	EXPECT("begin cq 0", "poll cq 1", "closed cq 0", "free cq 0");
	expect_no_objects();
}
END_TEST

START_TEST(test_obj_close_while_creating)
{
	struct t_obj *t = t_new("mr", NDK_OBJECT_MR);

	ut.created = &t->o.header;
	ck_assert_int_eq(obj_create_pending(&t->o, create_run_ok, create_cb, "mr"), NDK_PENDING);
	/* The consumer does not hold it yet: closing it is a usage error. */
	ck_assert_int_eq(obj_close(&t->o, close_cb, t, NULL), -EALREADY);
	ck_assert_ptr_nonnull(strstr(logged(), "creating"));
	ctl_step();
	EXPECT("created mr 0");
	close_last(t);
}
END_TEST

static unsigned int inline_asked;

static bool
inline_yes(struct obj *o)
{
	RTE_SET_USED(o);
	inline_asked++;
	return true;
}

START_TEST(test_obj_close_inline)
{
	struct t_obj *pd = t_live("pd", NDK_OBJECT_PD);
	struct t_obj *mw = t_live("mw", NDK_OBJECT_MW);

	obj_hold_ante(&mw->o, &pd->o);
	/* Referenced: pending, whatever the type would allow. */
	ck_assert_int_eq(obj_close(&pd->o, close_cb, pd, inline_yes), NDK_PENDING);
	ck_assert_uint_eq(inline_asked, 0);
	/* Unreferenced and allowed: freed inside the call, with no callback ever. */
	ck_assert_int_eq(obj_close(&mw->o, close_cb, mw, inline_yes), 0);
	ck_assert_uint_eq(inline_asked, 1);
	EXPECT("free mw 0");
	ck_assert_uint_eq(ut.magic_at_free, 0);
	ck_assert_uint_eq(pd->o.refs, 0);
	ctl_step();
	EXPECT("begin pd 0", "poll pd 1", "closed pd 0", "free pd 0");
	expect_no_objects();
}
END_TEST

static int
req_work(struct req_item *r)
{
	RTE_SET_USED(r);
	return ut.req_status;
}

static void
req_cb(void *ctx, int status)
{
	struct t_obj *t = ctx;

	/* The request's reference is held until its callback returned. */
	ut.refs_in_cb = __atomic_load_n(&t->o.refs, __ATOMIC_ACQUIRE);
	event("request", &t->o, status);
}

START_TEST(test_req_pending_holds_reference)
{
	struct t_obj *mr = t_live("mr", NDK_OBJECT_MR);
	struct req_item r;

	ut.req_status = NDK_PENDING;
	ck_assert_int_eq(req_pending(&r, &mr->o, req_work, NULL, req_cb, mr), NDK_PENDING);
	ck_assert_uint_eq(mr->o.refs, 1);
	close_pending(mr);
	ctl_step();
	ctl_step();
	/* In progress: the close waits for it. */
	EXPECT("begin mr 0");
	ck_assert_uint_eq(mr->polls, 0);
	ut.req_status = -EIO;
	ctl_step();
	/* The request's callback, then (woken by its last reference) the close's, last. */
	ck_assert_uint_eq(ut.refs_in_cb, 1);
	ck_assert_uint_eq(ut.wakes, 1);
	EXPECT("request mr -5", "poll mr 1", "closed mr 0", "free mr 0");
	expect_no_objects();
}
END_TEST

START_TEST(test_req_run_done_at_once)
{
	struct t_obj *mr = t_live("mr", NDK_OBJECT_MR);
	struct req_item r;

	ut.req_status = 0;
	ck_assert_int_eq(req_pending(&r, &mr->o, req_work, NULL, req_cb, mr), NDK_PENDING);
	/* Never called back from inside the call that started it. */
	ck_assert_uint_eq(ut.nevents, 0);
	ctl_step();
	EXPECT("request mr 0");
	ck_assert_uint_eq(mr->o.refs, 0);
	ck_assert(TAILQ_EMPTY(&ut.ad->polling));
	/* A live object's last reference wakes nobody. */
	ck_assert_uint_eq(ut.wakes, 0);
	close_last(mr);
}
END_TEST

static void
req_cb_second(void *ctx, int status)
{
	event("second", &((struct t_obj *)ctx)->o, status);
}

/* The object's one-request guard opens: a second request starts at once on the record. */
static void
req_release_restart(struct req_item *r)
{
	ut.req_status = -EIO;
	ck_assert_int_eq(req_pending(r, r->o, req_work, NULL, req_cb_second, r->ctx),
			 NDK_PENDING);
}

/*
 * A request's callback is taken before its object takes the next request (the release
 * hook, where a guard like an MR's busy flag opens): a request started the moment the
 * guard opens (another thread, or the callback itself) neither steals the first callback
 * nor gets its own twice.
 */
START_TEST(test_req_release_then_callback)
{
	struct t_obj *mr = t_live("mr", NDK_OBJECT_MR);
	struct req_item r;

	ut.req_status = 0;
	ck_assert_int_eq(req_pending(&r, &mr->o, req_work, req_release_restart, req_cb, mr),
			 NDK_PENDING);
	ctl_step();
	EXPECT("request mr 0");
	ctl_step();
	EXPECT("second mr -5");
	ck_assert_uint_eq(mr->o.refs, 0);
	close_last(mr);
}
END_TEST

START_TEST(test_obj_hold_ante_limit)
{
	struct t_obj *pd = t_live("pd", NDK_OBJECT_PD);
	struct t_obj *qp = t_live("qp", NDK_OBJECT_QP);
	unsigned int i;

	for (i = 0; i < OBJ_MAX_ANTE; i++)
		obj_hold_ante(&qp->o, &pd->o);
	ck_assert_uint_eq(pd->o.refs, OBJ_MAX_ANTE);
	/* One more is a bug of the library's own: it panics (SIGABRT). This child's
	 * stderr would only show the expected stack dump. */
	ck_assert_ptr_nonnull(freopen("/dev/null", "w", stderr));
	obj_hold_ante(&qp->o, &pd->o);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("ndk_obj");
	TCase *tc = tcase_create("core");

	lib_logtype = rte_log_register_type_and_pick_level("droce.lib", RTE_LOG_INFO);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_obj_get_null);
	tcase_add_test(tc, test_obj_get_wrong_type);
	tcase_add_test(tc, test_obj_create_pending_one_callback);
	tcase_add_test(tc, test_obj_create_done_failure);
	tcase_add_test(tc, test_obj_close_waits_for_successor);
	tcase_add_test(tc, test_obj_closes_poll_callback_before_antecedents);
	tcase_add_test(tc, test_obj_close_double);
	tcase_add_test(tc, test_obj_close_while_creating);
	tcase_add_test(tc, test_obj_close_inline);
	tcase_add_test(tc, test_req_pending_holds_reference);
	tcase_add_test(tc, test_req_run_done_at_once);
	tcase_add_test(tc, test_req_release_then_callback);
	/* A panic ends the process: only where each test runs in a child of its own. */
	if (getenv("CK_FORK") == NULL || strcmp(getenv("CK_FORK"), "no") != 0)
		tcase_add_test_raise_signal(tc, test_obj_hold_ante_limit, SIGABRT);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
