/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The NDK API as an embedding application runs it (the NFV case): no lcore of droce's and
 * no control thread. Two engines over net_ring whose slots this thread polls with
 * droce_engine_poll(), two adapters in manual_control mode whose control work it runs
 * with ndk_adapter_control_poll(): every callback comes on this thread, inside one of
 * those two calls. Then what a thread that polls does when it stops: its slot goes
 * offline and closes finish without it (a QP's too), it comes back with the next poll,
 * and ndk_close_adapter() from it takes its slot offline itself; from inside a callback
 * ndk_close_adapter() is refused, not a deadlock. And, deterministically here, that no
 * close completes while a slot is inside a callback.
 */
#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>

#include <rte_eal.h>
#include <rte_eth_ring.h>
#include <rte_log.h>
#include <rte_ring.h>

#include "check_run.h"
#include "droce/droce.h"
#include "droce/ndk.h"
#include "droce/ndk_ext.h"

#define PUMP_MAX	200000u		/* pump rounds before a wait gives up */
#define WARN_MS		50u		/* the adapters' close_warn_ms */

static struct droce_port *port[2];
static struct droce_engine *eng[2];
static struct ndk_adapter *ad[2];
static pthread_t me;
static unsigned int foreign;		/* callbacks on another thread: must stay 0 */
static unsigned int polls_skipped[2];	/* slots this thread does not poll (offline) */

/* A callback's outcome. */
struct call {
	int n;
	int status;
	struct ndk_object_header *obj;
};

static void
on_thread(void)
{
	if (!pthread_equal(pthread_self(), me))
		foreign++;
}

static void
create_cb(void *ctx, int status, struct ndk_object_header *obj)
{
	struct call *c = ctx;

	on_thread();
	c->n++;
	c->status = status;
	c->obj = obj;
}

static void
request_cb(void *ctx, int status)
{
	struct call *c = ctx;

	on_thread();
	c->n++;
	c->status = status;
}

static void
close_cb(void *ctx)
{
	request_cb(ctx, 0);
}

static void
notify_cb(void *ctx, int status)
{
	request_cb(ctx, status);
}

/* One round: each slot polled (unless offline), each adapter's control work. */
static void
pump(void)
{
	unsigned int i;

	for (i = 0; i < 2; i++) {
		if (polls_skipped[i] == 0)
			ck_assert_int_ge(droce_engine_poll(eng[i], 0), 0);
		ck_assert_int_ge(ndk_adapter_control_poll(ad[i]), 0);
	}
}

static void
wait_call(struct call *c, const char *what)
{
	unsigned int i;

	for (i = 0; i < PUMP_MAX && c->n == 0; i++)
		pump();
	ck_assert_msg(c->n == 1, "%s: %d callbacks", what, c->n);
}

static struct ndk_object_header *
created(int ret, struct call *c, const char *what)
{
	ck_assert_msg(ret == NDK_PENDING, "%s: %d", what, ret);
	/* Never from inside the call that started it. */
	ck_assert_int_eq(c->n, 0);
	wait_call(c, what);
	ck_assert_msg(c->status == 0, "%s: %d", what, c->status);
	return c->obj;
}

static void
close_obj(void *obj)
{
	struct call c = { 0 };
	int ret = ndk_close(obj, close_cb, &c);

	ck_assert(ret == 0 || ret == NDK_PENDING);
	if (ret == NDK_PENDING)
		wait_call(&c, "close");
	else
		ck_assert_int_eq(c.n, 0);
}

/* One side's objects. */
struct side {
	struct ndk_pd *pd;
	struct ndk_cq *cq;
	struct ndk_mr *mr;
	struct ndk_qp *qp;
	uint8_t buf[4096];
};

static void
side_open_notify(struct side *s, int i, ndk_cq_notify_cb notify)
{
	struct call c = { 0 }, r = { 0 }, n = { 0 };

	memset(s, 0, sizeof(*s));
	s->pd = (struct ndk_pd *)created(ndk_create_pd(ad[i], create_cb, &c, NULL), &c, "pd");
	memset(&c, 0, sizeof(c));
	s->cq = (struct ndk_cq *)created(ndk_create_cq(ad[i], 64, notify, &n, -1, create_cb,
						       &c, NULL), &c, "cq");
	ck_assert_int_eq(ndk_create_mr(s->pd, false, create_cb, &c, &s->mr), 0);
	ck_assert_int_eq(ndk_register_mr(s->mr, s->buf, sizeof(s->buf), NDK_MR_FLAG_LOCAL_WRITE,
					 request_cb, &r), NDK_PENDING);
	wait_call(&r, "register");
	memset(&c, 0, sizeof(c));
	s->qp = (struct ndk_qp *)created(ndk_create_qp(s->pd, s->cq, s->cq, s, 16, 16, 1, 1, 0,
						       create_cb, &c, NULL), &c, "qp");
}

static void
side_open(struct side *s, int i)
{
	side_open_notify(s, i, notify_cb);
}

static void
side_close(struct side *s)
{
	if (s->qp != NULL)
		close_obj(s->qp);
	close_obj(s->mr);
	close_obj(s->cq);
	close_obj(s->pd);
}

static void
gid(int i, uint8_t out[16])
{
	ck_assert_int_eq(droce_addr_parse(i == 0 ? "10.79.0.1" : "10.79.0.2", out, NULL), 0);
}

static void
qp_connect(struct side *a, struct side *b)
{
	const struct droce_qp_ext *ext = NULL;
	struct droce_qp_path pa = { .sq_psn = 10, .rq_psn = 20, .timeout = 17 };
	struct droce_qp_path pb = { .sq_psn = 20, .rq_psn = 10, .timeout = 17 };

	ck_assert_int_eq(ndk_query_extension(&a->qp->header, NDK_EXT_DROCE_QP,
					     (struct ndk_version){ 1, 0 }, (const void **)&ext), 0);
	droce_port_mac(port[1], pa.dmac);
	droce_port_mac(port[0], pb.dmac);
	gid(0, pa.sgid);
	gid(1, pa.dgid);
	gid(1, pb.sgid);
	gid(0, pb.dgid);
	pa.dest_qpn = ext->qpn(b->qp);
	pb.dest_qpn = ext->qpn(a->qp);
	ck_assert_int_eq(ext->connect(a->qp, &pa), 0);
	ck_assert_int_eq(ext->connect(b->qp, &pb), 0);
}

/* A SEND of len bytes from a to b; every byte checked. */
static void
exchange(struct side *a, struct side *b, uint32_t len, uint8_t seed)
{
	struct ndk_sge r = { .va = b->buf, .length = len, .token = ndk_get_local_token_mr(b->mr) };
	struct ndk_sge s = { .va = a->buf, .length = len, .token = ndk_get_local_token_mr(a->mr) };
	struct ndk_result ra, rb;
	uint32_t got_a = 0, got_b = 0, i;

	for (i = 0; i < len; i++)
		a->buf[i] = (uint8_t)(seed + i);
	ck_assert_int_eq(ndk_receive(b->qp, (void *)7, &r, 1), 0);
	ck_assert_int_eq(ndk_send(a->qp, (void *)8, &s, 1, 0), 0);
	for (i = 0; i < PUMP_MAX && (got_a == 0 || got_b == 0); i++) {
		pump();
		got_a += ndk_get_cq_results(a->cq, &ra, 1);
		got_b += ndk_get_cq_results(b->cq, &rb, 1);
	}
	ck_assert_uint_eq(got_a, 1);
	ck_assert_uint_eq(got_b, 1);
	ck_assert_int_eq(ra.status, 0);
	ck_assert_int_eq(rb.status, 0);
	ck_assert_ptr_eq(rb.request_context, (void *)7);
	ck_assert_ptr_eq(rb.qp_context, b);
	ck_assert_uint_eq(rb.bytes_transferred, len);
	ck_assert_int_eq(memcmp(a->buf, b->buf, len), 0);
}

static void
adapters_open(void)
{
	struct ndk_adapter_conf conf = { .manual_control = true, .close_warn_ms = WARN_MS };
	int i;

	me = pthread_self();
	foreign = 0;
	memset(polls_skipped, 0, sizeof(polls_skipped));
	for (i = 0; i < 2; i++)
		ck_assert_int_eq(ndk_open_adapter(eng[i], (struct ndk_version){ 2, 0 }, &conf,
						  &ad[i]), 0);
}

static void
adapters_close(void)
{
	unsigned int counts[NDK_OBJECT_MAX];
	int i;

	for (i = 0; i < 2; i++) {
		ck_assert_int_eq(ndk_adapter_live(ad[i], counts), 0);
		ck_assert_int_eq(ndk_close_adapter(ad[i]), 0);
	}
	ck_assert_uint_eq(foreign, 0);
}

START_TEST(test_manual_control_traffic)
{
	struct side a, b;

	side_open(&a, 0);
	side_open(&b, 1);
	qp_connect(&a, &b);
	exchange(&a, &b, 3000, 1);
	exchange(&b, &a, 64, 9);
	side_close(&a);
	side_close(&b);
}
END_TEST

/*
 * The thread that polls A's slot stops polling (its slot offline): A's QP still closes,
 * with nothing but the control work, and a grace period passes. The slot comes back
 * with the next poll and carries traffic again.
 */
START_TEST(test_offline_slot_close)
{
	struct call closed = { 0 }, c = { 0 };
	struct side a, b;
	unsigned int i;

	side_open(&a, 0);
	side_open(&b, 1);
	qp_connect(&a, &b);
	exchange(&a, &b, 100, 3);
	droce_engine_slot_offline(eng[0], 0);
	polls_skipped[0] = 1;
	ck_assert_int_eq(ndk_close(&a.qp->header, close_cb, &closed), NDK_PENDING);
	a.qp = NULL;
	for (i = 0; i < PUMP_MAX && closed.n == 0; i++)
		pump();
	ck_assert_int_eq(closed.n, 1);
	/* Back online with the next poll: a new QP on it carries traffic. */
	polls_skipped[0] = 0;
	a.qp = (struct ndk_qp *)created(ndk_create_qp(a.pd, a.cq, a.cq, &a, 16, 16, 1, 1, 0,
						      create_cb, &c, NULL), &c, "qp");
	close_obj(b.qp);
	memset(&c, 0, sizeof(c));
	b.qp = (struct ndk_qp *)created(ndk_create_qp(b.pd, b.cq, b.cq, &b, 16, 16, 1, 1, 0,
						      create_cb, &c, NULL), &c, "qp");
	qp_connect(&a, &b);
	exchange(&a, &b, 500, 5);
	side_close(&a);
	side_close(&b);
}
END_TEST

/* Callbacks that try to close the adapter: refused (-EDEADLK), nothing else happens. */
static int close_in_cb;

static void
close_adapter_cb(void *ctx)
{
	close_in_cb = ndk_close_adapter(ctx);
}

static void
notify_close_adapter_cb(void *ctx, int status)
{
	(void)status;
	close_in_cb = ndk_close_adapter(ctx);
}

START_TEST(test_close_adapter_in_callback)
{
	struct call c = { 0 };
	struct ndk_cq *cq;
	struct ndk_pd *pd;
	struct side a, b;

	/* From a close callback: on the control work of the adapter itself. */
	pd = (struct ndk_pd *)created(ndk_create_pd(ad[0], create_cb, &c, NULL), &c, "pd");
	close_in_cb = 1;
	ck_assert_int_eq(ndk_close(&pd->header, close_adapter_cb, ad[0]), NDK_PENDING);
	for (int i = 0; i < 1000 && close_in_cb == 1; i++)
		pump();
	ck_assert_int_eq(close_in_cb, -EDEADLK);
	/* From a CQ notification: inside the poll of an engine slot. */
	memset(&c, 0, sizeof(c));
	cq = (struct ndk_cq *)created(ndk_create_cq(ad[1], 64, notify_close_adapter_cb, ad[1],
						    -1, create_cb, &c, NULL), &c, "cq");
	side_open(&a, 0);
	side_open(&b, 1);
	close_obj(b.qp);
	memset(&c, 0, sizeof(c));
	b.qp = (struct ndk_qp *)created(ndk_create_qp(b.pd, cq, cq, &b, 16, 16, 1, 1, 0,
						      create_cb, &c, NULL), &c, "qp");
	qp_connect(&a, &b);
	ndk_arm_cq(cq, NDK_CQ_NOTIFY_ANY);
	close_in_cb = 1;
	{
		struct ndk_sge r = { .va = b.buf, .length = 8,
				     .token = ndk_get_local_token_mr(b.mr) };
		struct ndk_sge s = { .va = a.buf, .length = 8,
				     .token = ndk_get_local_token_mr(a.mr) };
		struct ndk_result res;

		ck_assert_int_eq(ndk_receive(b.qp, NULL, &r, 1), 0);
		ck_assert_int_eq(ndk_send(a.qp, NULL, &s, 1, NDK_OP_FLAG_SILENT_SUCCESS), 0);
		for (unsigned int i = 0; i < PUMP_MAX && close_in_cb == 1; i++)
			pump();
		ck_assert_int_eq(close_in_cb, -EDEADLK);
		ck_assert_uint_eq(ndk_get_cq_results(cq, &res, 1), 1);
		ck_assert_int_eq(res.status, 0);
	}
	side_close(&a);
	side_close(&b);
	close_obj(cq);
}
END_TEST

/*
 * The thread that polls the slots closes an adapter with a QP still open: its slot goes
 * offline for it (no wait on itself), everything closes; the next poll takes it back.
 */
START_TEST(test_close_adapter_polling_thread)
{
	struct ndk_adapter_conf conf = { .manual_control = true };
	struct side a, b;

	side_open(&a, 0);
	side_open(&b, 1);
	qp_connect(&a, &b);
	exchange(&a, &b, 64, 2);
	/* Leftovers: closed by the adapter's close, logged as a consumer bug. */
	ck_assert_int_eq(ndk_close_adapter(ad[0]), 0);
	ck_assert_int_eq(ndk_open_adapter(eng[0], (struct ndk_version){ 2, 0 }, &conf, &ad[0]),
			 0);
	side_close(&b);
	side_open(&a, 0);
	side_open(&b, 1);
	qp_connect(&a, &b);
	exchange(&b, &a, 64, 4);
	side_close(&a);
	side_close(&b);
}
END_TEST

/* Pump for ms milliseconds of wall time. */
static void
pump_ms(unsigned int ms)
{
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		pump();
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000 < ms);
}

/* Ask this process's own telemetry socket; the reply's text into out. */
static void
telemetry(const char *cmd, char *out, size_t len)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	ssize_t n;

	ck_assert_int_ge(fd, 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/dpdk_telemetry.v2",
		 rte_eal_get_runtime_dir());
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	n = read(fd, out, len - 1);		/* the greeting */
	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(write(fd, cmd, strlen(cmd)), (ssize_t)strlen(cmd));
	n = read(fd, out, len - 1);
	ck_assert_int_gt(n, 0);
	out[n] = '\0';
	close(fd);
}

/*
 * A close that takes long says why: in the log once it passed close_warn_ms, and in
 * telemetry's /droce/closes while it is pending: a PD behind the MR on it, a QP behind
 * its slot (online, but nobody polls it).
 */
START_TEST(test_close_wait_reported)
{
	struct call closed = { 0 }, qclosed = { 0 };
	char *log = NULL, reply[4096];
	size_t log_len = 0;
	FILE *f = open_memstream(&log, &log_len);
	struct side a, b;

	ck_assert_ptr_nonnull(f);
	side_open(&a, 0);
	side_open(&b, 1);
	rte_openlog_stream(f);
	ck_assert_int_eq(ndk_close(&a.pd->header, close_cb, &closed), NDK_PENDING);
	polls_skipped[0] = 1;		/* A's slot stays online, unpolled */
	ck_assert_int_eq(ndk_close(&a.qp->header, close_cb, &qclosed), NDK_PENDING);
	a.qp = NULL;
	pump_ms(3 * WARN_MS);
	telemetry("/droce/closes", reply, sizeof(reply));
	fflush(f);
	ck_assert_msg(strstr(reply, "pd 0x") != NULL && strstr(reply, "successors") != NULL,
		      "%s", reply);
	ck_assert_msg(strstr(reply, "slot 0 (online) to unlink QP") != NULL, "%s", reply);
	ck_assert_msg(strstr(log, "closing for") != NULL &&
		      strstr(log, "waiting for slot 0 (online) to unlink QP") != NULL, "%s", log);
	ck_assert_int_eq(qclosed.n, 0);
	polls_skipped[0] = 0;
	wait_call(&qclosed, "the QP's close");
	rte_openlog_stream(NULL);
	fclose(f);
	free(log);
	close_obj(a.mr);
	wait_call(&closed, "the PD's close");
	close_obj(a.cq);
	side_close(&b);
}
END_TEST

/*
 * A close started while a slot is inside a callback completes only after the slot has
 * returned from it: the grace period over the slots (rte_rcu_qsbr) is what makes a free
 * safe. B's CQ notification, run by this thread's droce_engine_poll(), closes an MR and a
 * CQ nothing uses and runs B's control work a thousand times over: neither close may
 * complete in there. (A build with -Drcu_skip_check=true fails here.)
 */
static struct {
	struct ndk_mr *mr;
	struct ndk_cq *cq;
	int fired;
	int ret[2];
	struct call closed[2];
	int closed_inside;
} held;

static void
notify_hold(void *ctx, int status)
{
	unsigned int i;

	(void)ctx;
	(void)status;
	on_thread();
	if (held.fired++ != 0)
		return;
	held.ret[0] = ndk_close(&held.mr->header, close_cb, &held.closed[0]);
	held.ret[1] = ndk_close(&held.cq->header, close_cb, &held.closed[1]);
	for (i = 0; i < 1000; i++)
		(void)ndk_adapter_control_poll(ad[1]);
	held.closed_inside = held.closed[0].n + held.closed[1].n;
}

START_TEST(test_close_waits_for_callback)
{
	struct call c = { 0 }, r = { 0 }, n = { 0 };
	static uint8_t spare[4096];
	struct side a, b;
	struct ndk_sge rs, ss;
	unsigned int i;

	memset(&held, 0, sizeof(held));
	side_open(&a, 0);
	side_open_notify(&b, 1, notify_hold);
	ck_assert_int_eq(ndk_create_mr(b.pd, false, NULL, NULL, &held.mr), 0);
	ck_assert_int_eq(ndk_register_mr(held.mr, spare, sizeof(spare), NDK_MR_FLAG_LOCAL_WRITE,
					 request_cb, &r), NDK_PENDING);
	wait_call(&r, "register");
	held.cq = (struct ndk_cq *)created(ndk_create_cq(ad[1], 8, notify_cb, &n, -1, create_cb,
							 &c, NULL), &c, "cq");
	qp_connect(&a, &b);
	ndk_arm_cq(b.cq, NDK_CQ_NOTIFY_ANY);
	rs = (struct ndk_sge){ .va = b.buf, .length = 64, .token = ndk_get_local_token_mr(b.mr) };
	ss = (struct ndk_sge){ .va = a.buf, .length = 64, .token = ndk_get_local_token_mr(a.mr) };
	ck_assert_int_eq(ndk_receive(b.qp, NULL, &rs, 1), 0);
	ck_assert_int_eq(ndk_send(a.qp, NULL, &ss, 1, 0), 0);
	for (i = 0; i < PUMP_MAX && held.fired == 0; i++)
		pump();
	ck_assert_int_eq(held.fired, 1);
	ck_assert_int_eq(held.ret[0], NDK_PENDING);
	ck_assert_int_eq(held.ret[1], NDK_PENDING);
	ck_assert_msg(held.closed_inside == 0,
		      "%d closes completed while a slot was inside a callback",
		      held.closed_inside);
	/* Out of the callback, the slot's next poll ends the grace period. */
	wait_call(&held.closed[0], "the MR's close");
	wait_call(&held.closed[1], "the CQ's close");
	side_close(&a);
	side_close(&b);
}
END_TEST

static void
teardown_all(void)
{
	int i;

	for (i = 0; i < 2; i++) {
		droce_engine_destroy(eng[i]);
		droce_port_detach(port[i]);
	}
	rte_eal_cleanup();
}

static void
init_all(void)
{
	char *argv[] = { "test_ndk_embed", "--no-huge", "-m", "256", "--no-pci", "--no-shconf",
			 "--log-level=lib.eal:error", "--file-prefix", NULL };
	static const char *const addrs[2] = { "10.79.0.1/24", "10.79.0.2/24" };
	struct rte_ring *a2b, *b2a;
	char prefix[64];
	int i, pid[2];

	snprintf(prefix, sizeof(prefix), "--file-prefix=droce-%d", (int)getpid());
	argv[7] = prefix;
	if (rte_eal_init((int)RTE_DIM(argv) - 1, argv) < 0) {
		fprintf(stderr, "rte_eal_init failed\n");
		exit(1);
	}
	a2b = rte_ring_create("em_a2b", 4096, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
	b2a = rte_ring_create("em_b2a", 4096, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
	pid[0] = rte_eth_from_rings("em_a", &b2a, 1, &a2b, 1, SOCKET_ID_ANY);
	pid[1] = rte_eth_from_rings("em_b", &a2b, 1, &b2a, 1, SOCKET_ID_ANY);
	for (i = 0; i < 2; i++) {
		uint8_t mac[6] = { 0x02, 0, 0, 0, 0x79, (uint8_t)(i + 1) };
		struct droce_port_conf pc = { .mac = mac };
		/* No lcores: this thread polls the slot (droce_engine_poll()). */
		struct droce_engine_conf ec = { .nb_slots = 1 };

		if (pid[i] < 0 || droce_port_attach_id((uint16_t)pid[i], &pc, &port[i]) != 0 ||
		    droce_port_addr_add(port[i], addrs[i]) < 0 ||
		    droce_engine_create(port[i], &ec, &eng[i]) != 0) {
			fprintf(stderr, "setting up side %d failed\n", i);
			exit(1);
		}
	}
	atexit(teardown_all);
}

int
main(void)
{
	Suite *s = suite_create("ndk_embed");
	TCase *tc = tcase_create("embed"), *grace = tcase_create("grace");

	init_all();
	/* Alone as well (CK_RUN_CASE=grace): the test a build without the grace period
	 * must fail (meson test ndk-grace). */
	tcase_add_checked_fixture(grace, adapters_open, adapters_close);
	tcase_add_test(grace, test_close_waits_for_callback);
	suite_add_tcase(s, grace);
	tcase_add_checked_fixture(tc, adapters_open, adapters_close);
	tcase_add_test(tc, test_manual_control_traffic);
	tcase_add_test(tc, test_offline_slot_close);
	tcase_add_test(tc, test_close_adapter_in_callback);
	tcase_add_test(tc, test_close_adapter_polling_thread);
	tcase_add_test(tc, test_close_wait_reported);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
