/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The connection manager's connector requests, in the box of cm_ut.h (two CMs, a wire and
 * a clock under the test's control): every request's callback comes exactly once, with
 * its own status, whatever else is queued; a call that returns an error changes nothing
 * and calls nothing back (QP1's send queue full); a connector closed while it waits on its
 * peer tells the peer; a shared endpoint whose close has started is refused.
 */
#include "cm_ut.h"

/*
 * One connection's objects and what their callbacks saw. Static: the teardown closes what
 * a test left open, and the callbacks that causes must still find it.
 */
struct conn_ut {
	struct ndk_qp *qa, *qb;
	struct ndk_connector *a, *b;
	struct ut_call connect, accept, complete, disc_a, disc_b, event_a, event_b, closed;
};

static struct conn_ut T;

static void
setup(void)
{
	memset(&T, 0, sizeof(T));
	ut_setup();
}

static void
ut_disc_event(void *ctx)
{
	ut_call_cb(ctx, 0);
}

/* A connects; B has the request (REQ_RCVD), not yet accepted. */
static void
request(struct conn_ut *t)
{
	ut_listen();
	t->qa = ut_qp(0);
	t->qb = ut_qp(1);
	t->a = ut_connector(0);
	ck_assert_int_eq(ut_connect(t->a, t->qa, &t->connect), NDK_PENDING);
	ut_pump();
	ck_assert_uint_eq(ut.s[1].nevents, 1);
	t->b = ut.s[1].events[0];
	ck_assert_int_eq(t->connect.n, 0);
}

static int
do_accept(struct conn_ut *t)
{
	return t->b->dispatch->accept(t->b, t->qb, 4, 4, NULL, 0, ut_disc_event, &t->event_b,
				      ut_call_cb, &t->accept);
}

static int
complete(struct conn_ut *t)
{
	return t->a->dispatch->complete_connect(t->a, ut_disc_event, &t->event_a, ut_call_cb,
						&t->complete);
}

static int
disconnect(struct ndk_connector *c, struct ut_call *call)
{
	return c->dispatch->disconnect(c, ut_call_cb, call);
}

/* A connection up on both sides: connect, accept and complete each called back once. */
static void
establish(struct conn_ut *t)
{
	request(t);
	ck_assert_int_eq(do_accept(t), NDK_PENDING);
	ut_pump();
	ck_assert_int_eq(t->connect.n, 1);
	ck_assert_int_eq(t->connect.status, 0);
	ck_assert_int_eq(complete(t), NDK_PENDING);
	ut_pump();
	ck_assert_int_eq(t->complete.n, 1);
	ck_assert_int_eq(t->accept.n, 1);
	ck_assert_int_eq(t->accept.status, 0);
	ck_assert_int_eq(ut_eqp(t->qa)->state, ENG_QPS_RTS);
	ck_assert_int_eq(ut_eqp(t->qb)->state, ENG_QPS_RTS);
}

START_TEST(test_connect_accept_disconnect)
{
	struct conn_ut *t = &T;

	establish(t);
	ck_assert_int_eq(disconnect(t->a, &t->disc_a), NDK_PENDING);
	ut_pump();
	/* A's disconnect completes when B's DREP comes; B hears of it once. */
	ck_assert_int_eq(t->disc_a.n, 1);
	ck_assert_int_eq(t->disc_a.status, 0);
	ck_assert_int_eq(t->event_b.n, 1);
	ck_assert_int_eq(t->event_a.n, 0);
	ck_assert_int_eq(ut_eqp(t->qa)->state, ENG_QPS_ERR);
	ck_assert_uint_eq(ut_sent(1, CM_ATTR_DREP), 1);
	ck_assert_int_eq(t->connect.n + t->accept.n + t->complete.n, 3);
}
END_TEST

START_TEST(test_complete_connect_then_disconnect)
{
	struct conn_ut *t = &T;

	/*
	 * complete_connect and, at once, disconnect: two requests, two callbacks. The
	 * disconnect's comes when the peer's DREP does, not before.
	 */
	request(t);
	ck_assert_int_eq(do_accept(t), NDK_PENDING);
	ut_pump();
	ck_assert_int_eq(t->connect.n, 1);
	ck_assert_int_eq(complete(t), NDK_PENDING);
	ck_assert_int_eq(disconnect(t->a, &t->disc_a), NDK_PENDING);
	ut_run_local();			/* A's control context runs; nothing reaches B */
	ck_assert_int_eq(t->complete.n, 1);
	ck_assert_int_eq(t->complete.status, 0);
	ck_assert_int_eq(t->disc_a.n, 0);
	ut_pump();
	ck_assert_int_eq(t->complete.n, 1);
	ck_assert_int_eq(t->disc_a.n, 1);
	ck_assert_int_eq(t->disc_a.status, 0);
	ck_assert_uint_eq(ut_sent(1, CM_ATTR_DREP), 1);
	ck_assert(t->complete.seq < t->disc_a.seq);
}
END_TEST

START_TEST(test_completion_while_close_queued)
{
	struct conn_ut *t = &T;

	/*
	 * A closes its connector while its connect waits; before the close item runs, B's
	 * REP arrives and completes the connect. The connect is called back once, then
	 * the close: a second completion of the same request (by the close) must not be.
	 */
	request(t);
	ck_assert_int_eq(do_accept(t), NDK_PENDING);
	ut_forget(t->a);
	ck_assert_int_eq(obj_close_fn(&t->a->header, ut_close_cb, &t->closed), NDK_PENDING);
	ut_deliver(NULL);
	ck_assert_int_ge(cm_poll(ut.s[0].ad), 1);	/* the REP, under the CM lock */
	ut_pump();
	ck_assert_int_eq(t->connect.n, 1);
	ck_assert_int_eq(t->closed.n, 1);
	ck_assert(t->connect.seq < t->closed.seq);
	/* B's accept ends too: the close told B (a DREQ or a REJ), its QP is flushed. */
	ck_assert_int_eq(t->accept.n, 1);
}
END_TEST

/* The connector's accept failed: nothing happened, nothing will, and it can try again. */
START_TEST(test_accept_send_queue_full)
{
	struct conn_ut *t = &T;

	request(t);
	ut.s[1].sq_full = true;
	ck_assert_int_eq(do_accept(t), -ENOMEM);
	ck_assert_uint_eq(ut_eqp(t->qb)->modifies, 0);
	ut.s[1].sq_full = false;
	ut_advance_ms(5000);
	ut_pump();
	ut_advance_ms(5000);
	ut_pump();
	ck_assert_int_eq(t->accept.n, 0);
	ck_assert_int_eq(t->connect.n, 0);
	ck_assert_uint_eq(ut_sent(1, CM_ATTR_REP), 0);
	/* Still a request to accept, on the same QP. */
	ck_assert_int_eq(do_accept(t), NDK_PENDING);
	ut_pump();
	ck_assert_int_eq(t->connect.n, 1);
	ck_assert_int_eq(t->connect.status, 0);
	ck_assert_int_eq(complete(t), NDK_PENDING);
	ut_pump();
	ck_assert_int_eq(t->accept.n, 1);
	ck_assert_int_eq(t->accept.status, 0);
}
END_TEST

START_TEST(test_disconnect_send_queue_full)
{
	struct conn_ut *t = &T;

	establish(t);
	ut.s[0].sq_full = true;
	ck_assert_int_eq(disconnect(t->a, &t->disc_a), -ENOMEM);
	ut.s[0].sq_full = false;
	ut_advance_ms(5000);
	ut_pump();
	ck_assert_int_eq(t->disc_a.n, 0);
	ck_assert_int_eq(t->event_b.n, 0);
	ck_assert_uint_eq(ut_sent(0, CM_ATTR_DREQ), 0);
	ck_assert_int_eq(ut_eqp(t->qa)->state, ENG_QPS_RTS);
	/* Still connected: the next disconnect goes, and is answered once. */
	ck_assert_int_eq(disconnect(t->a, &t->disc_a), NDK_PENDING);
	ut_pump();
	ck_assert_int_eq(t->disc_a.n, 1);
	ck_assert_int_eq(t->disc_a.status, 0);
	ck_assert_int_eq(t->event_b.n, 1);
}
END_TEST

START_TEST(test_connect_send_queue_full)
{
	struct conn_ut *t = &T;
	unsigned int i;

	ut_listen();
	t->qa = ut_qp(0);
	t->qb = ut_qp(1);
	t->a = ut_connector(0);
	ut.s[0].sq_full = true;
	ck_assert_int_eq(ut_connect(t->a, t->qa, &t->connect), -ENOMEM);
	ut.s[0].sq_full = false;
	/* No REQ later from a connector that failed: no retransmission, no callback. */
	for (i = 0; i < 5; i++) {
		ut_advance_ms(1000);
		ut_pump();
	}
	ck_assert_uint_eq(ut_sent(0, CM_ATTR_REQ), 0);
	ck_assert_int_eq(t->connect.n, 0);
	ck_assert_uint_eq(ut.s[1].nevents, 0);
	/* The connector and its QP are as they were: connect again. */
	ck_assert_int_eq(ut_connect(t->a, t->qa, &t->connect), NDK_PENDING);
	ut_pump();
	ck_assert_uint_eq(ut_sent(0, CM_ATTR_REQ), 1);
	ck_assert_uint_eq(ut.s[1].nevents, 1);
	t->b = ut.s[1].events[0];
	ck_assert_int_eq(do_accept(t), NDK_PENDING);
	ut_pump();
	ck_assert_int_eq(t->connect.n, 1);
	ck_assert_int_eq(t->connect.status, 0);
}
END_TEST

START_TEST(test_close_req_sent_rejects)
{
	struct conn_ut *t = &T;

	/* A gives up on its REQ: B's request is rejected, not left to time out. */
	request(t);
	ut_close(t->a);
	ck_assert_int_eq(t->connect.n, 1);
	ck_assert_int_eq(t->connect.status, -ECANCELED);
	ck_assert_uint_eq(ut_sent(0, CM_ATTR_REJ), 1);
	ck_assert_int_eq(do_accept(t), -ECONNABORTED);
}
END_TEST

static bool
drop_rep(unsigned int i, const struct ut_mad *m)
{
	RTE_SET_USED(i);
	return m->from == 1 && (m->bytes[16] << 8 | m->bytes[17]) == CM_ATTR_REP;
}

START_TEST(test_close_rep_sent_rejects)
{
	struct conn_ut *t = &T;

	/* B closes its accepted connector before the RTU: A's connect is refused. */
	request(t);
	ck_assert_int_eq(do_accept(t), NDK_PENDING);
	ut_deliver(drop_rep);
	ut_close(t->b);
	ck_assert_int_eq(t->accept.n, 1);
	ck_assert_int_eq(t->accept.status, -ECANCELED);
	ck_assert_uint_eq(ut_sent(1, CM_ATTR_REJ), 1);
	ut_pump();
	ck_assert_int_eq(t->connect.n, 1);
	ck_assert_int_eq(t->connect.status, -ECONNREFUSED);
}
END_TEST

START_TEST(test_close_resolving_sends_nothing)
{
	struct conn_ut *t = &T;

	/* Closed while the peer's address resolves: no REQ ever went, nothing to tell. */
	ut_listen();
	t->a = ut_connector(0);
	ut.neigh_eagain = 1000;
	ck_assert_int_eq(ut_connect(t->a, ut_qp(0), &t->connect), NDK_PENDING);
	ut_run_local();
	ut_close(t->a);
	ck_assert_int_eq(t->connect.n, 1);
	ck_assert_int_eq(t->connect.status, -ECANCELED);
	ck_assert_uint_eq(ut_sent(0, CM_ATTR_REQ) + ut_sent(0, CM_ATTR_REJ), 0);
	ut.neigh_eagain = 0;
}
END_TEST

START_TEST(test_shared_endpoint_closing)
{
	struct sockaddr_in any = { .sin_family = AF_INET, .sin_port = htons(5000) };
	struct sockaddr_in dst = { .sin_family = AF_INET, .sin_port = htons(UT_PORT) };
	struct ndk_shared_endpoint *sep;
	struct ndk_connector *c1, *c2;
	struct conn_ut *t = &T;
	struct sockaddr_in got;
	socklen_t len = sizeof(got);

	/*
	 * A shared endpoint stays while a connector made from it lives; once its close has
	 * started it is refused, clearly, not dereferenced.
	 */
	ut_listen();
	memcpy(&dst.sin_addr, ut_addr[1] + 12, 4);
	ck_assert_int_eq(sep_create((struct ndk_adapter *)ut.s[0].ad, (struct sockaddr *)&any,
				    sizeof(any), NULL, NULL, &sep), 0);
	c1 = ut_connector(0);
	c2 = ut_connector(0);
	ck_assert_int_eq(c1->dispatch->connect_with_shared_endpoint(c1, ut_qp(0), sep,
			 (struct sockaddr *)&dst, sizeof(dst), 4, 4, NULL, 0, ut_call_cb,
			 &t->connect), NDK_PENDING);
	ut_forget(sep);
	ck_assert_int_eq(obj_close_fn(&sep->header, ut_close_cb, &t->closed), NDK_PENDING);
	ut_pump();
	ck_assert_int_eq(t->closed.n, 0);			/* c1 holds it */
	ck_assert_int_eq(c2->dispatch->connect_with_shared_endpoint(c2, ut_qp(0), sep,
			 (struct sockaddr *)&dst, sizeof(dst), 4, 4, NULL, 0, ut_call_cb,
			 &t->connect), -EBADF);
	ck_assert_int_eq(sep->dispatch->get_local_address(sep, (struct sockaddr *)&got, &len),
			 -EBADF);
	ut_close(c1);
	ck_assert_int_eq(t->closed.n, 1);
	ck_assert_int_eq(t->connect.n, 1);
}
END_TEST

static bool
drop_all(unsigned int i, const struct ut_mad *m)
{
	RTE_SET_USED(i);
	RTE_SET_USED(m);
	return true;
}

static uint32_t
local_id(struct ndk_connector *c)
{
	return ((struct lib_conn *)c)->local_id;
}

START_TEST(test_dreq_in_req_sent_ignored)
{
	struct cm_mad dreq = { .attr_id = CM_ATTR_DREQ, .tid = 77 };
	struct conn_ut *t = &T;

	/*
	 * A DREQ naming a connector whose REQ is unanswered (a stale or forged one): nothing
	 * to disconnect yet, so it is dropped, as Linux's CM drops it. The REQ it must not
	 * stop: lost on the wire, it goes again, and the connection still comes up.
	 */
	ut_listen();
	t->qa = ut_qp(0);
	t->qb = ut_qp(1);
	t->a = ut_connector(0);
	ck_assert_int_eq(ut_connect(t->a, t->qa, &t->connect), NDK_PENDING);
	ut_deliver(drop_all);
	dreq.dreq.remote_comm_id = local_id(t->a);
	dreq.dreq.local_comm_id = 0x1234;
	ut_inject(0, &dreq);
	ut_run_local();
	ck_assert_uint_eq(ut_sent(0, CM_ATTR_DREP), 0);
	ut_advance_ms(400);
	ut_run_local();
	ck_assert_uint_eq(ut_sent(0, CM_ATTR_REQ), 2);
	ut_pump();
	ck_assert_uint_eq(ut.s[1].nevents, 1);
	t->b = ut.s[1].events[0];
	ck_assert_int_eq(do_accept(t), NDK_PENDING);
	ut_pump();
	ck_assert_int_eq(t->connect.n, 1);
	ck_assert_int_eq(t->connect.status, 0);
}
END_TEST

START_TEST(test_rej_in_dreq_sent_ignored)
{
	struct cm_mad rej = { .attr_id = CM_ATTR_REJ, .tid = 78 };
	struct conn_ut *t = &T;

	/*
	 * A REJ while our DREQ waits for its DREP: it rejects nothing in that state. The
	 * DREQ goes again when its DREP is late, and the disconnect completes once, with 0.
	 */
	establish(t);
	ck_assert_int_eq(disconnect(t->a, &t->disc_a), NDK_PENDING);
	ut_deliver(drop_all);
	rej.rej.remote_comm_id = local_id(t->a);
	rej.rej.local_comm_id = local_id(t->b);
	rej.rej.reason = CM_REJ_CONSUMER_DEFINED;
	ut_inject(0, &rej);
	ut_run_local();
	ck_assert_int_eq(t->disc_a.n, 0);
	ut_advance_ms(400);
	ut_run_local();
	ck_assert_uint_eq(ut_sent(0, CM_ATTR_DREQ), 2);
	ut_pump();
	ck_assert_int_eq(t->disc_a.n, 1);
	ck_assert_int_eq(t->disc_a.status, 0);
	ck_assert_int_eq(t->event_b.n, 1);
}
END_TEST

/* A connects on qp; the address resolves on A's next poll, while QP1's queue is full. */
static void
resolve_into_full_queue(struct conn_ut *t, struct ndk_qp *qp)
{
	ut_listen();
	t->a = ut_connector(0);
	ut.neigh_eagain = 1;
	ck_assert_int_eq(ut_connect(t->a, qp, &t->connect), NDK_PENDING);
	ut.s[0].sq_full = true;
	ut_advance_ms(1);
	ut_run_local();
	ck_assert_int_eq(t->connect.n, 0);
}

START_TEST(test_resolved_send_queue_full)
{
	struct conn_ut *t = &T;

	/*
	 * The address resolves while QP1's send queue is full: the REQ goes when the queue
	 * has room, within the resolution's deadline; the connect is not failed with the
	 * queue's -ENOMEM (which only a call returns).
	 */
	t->qa = ut_qp(0);
	t->qb = ut_qp(1);
	resolve_into_full_queue(t, t->qa);
	ut.s[0].sq_full = false;
	ut_advance_ms(1);
	ut_run_local();			/* the REQ goes on A's next poll */
	ck_assert_uint_eq(ut_sent(0, CM_ATTR_REQ), 1);
	ut_pump();
	ck_assert_uint_eq(ut.s[1].nevents, 1);
	t->b = ut.s[1].events[0];
	ck_assert_int_eq(do_accept(t), NDK_PENDING);
	ut_pump();
	ck_assert_int_eq(t->connect.n, 1);
	ck_assert_int_eq(t->connect.status, 0);
}
END_TEST

START_TEST(test_resolved_send_queue_full_times_out)
{
	struct conn_ut *t = &T;

	/* The queue stays full past the deadline: the connect fails as unanswered. */
	resolve_into_full_queue(t, ut_qp(0));
	ut_advance_ms(6000);
	ut_run_local();
	ck_assert_int_eq(t->connect.n, 1);
	ck_assert_int_eq(t->connect.status, -ETIMEDOUT);
	ut.s[0].sq_full = false;
	ut_pump();
	ck_assert_uint_eq(ut_sent(0, CM_ATTR_REQ), 0);
	ck_assert_int_eq(t->connect.n, 1);
}
END_TEST

START_TEST(test_rej_after_rep_ends_connection)
{
	struct conn_ut *t = &T;

	/*
	 * B closes its accepted connector after A has B's REP but before A completes: B's
	 * REJ ends A's connection, so complete_connect refuses instead of sending an RTU to
	 * a peer that has gone, and A's QP is flushed.
	 */
	request(t);
	ck_assert_int_eq(do_accept(t), NDK_PENDING);
	ut_pump();
	ck_assert_int_eq(t->connect.n, 1);
	ck_assert_int_eq(t->connect.status, 0);
	ut_close(t->b);
	ck_assert_uint_eq(ut_sent(1, CM_ATTR_REJ), 1);
	ut_pump();
	ck_assert_int_eq(complete(t), -ECONNABORTED);
	ck_assert_int_eq(ut_eqp(t->qa)->state, ENG_QPS_ERR);
	ck_assert_uint_eq(ut_sent(0, CM_ATTR_RTU), 0);
	ck_assert_int_eq(t->complete.n, 0);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("cm_conn");
	TCase *tc = tcase_create("requests");

	tcase_add_checked_fixture(tc, setup, ut_teardown);
	tcase_add_test(tc, test_connect_accept_disconnect);
	tcase_add_test(tc, test_complete_connect_then_disconnect);
	tcase_add_test(tc, test_completion_while_close_queued);
	tcase_add_test(tc, test_accept_send_queue_full);
	tcase_add_test(tc, test_disconnect_send_queue_full);
	tcase_add_test(tc, test_connect_send_queue_full);
	tcase_add_test(tc, test_close_req_sent_rejects);
	tcase_add_test(tc, test_close_rep_sent_rejects);
	tcase_add_test(tc, test_close_resolving_sends_nothing);
	tcase_add_test(tc, test_shared_endpoint_closing);
	tcase_add_test(tc, test_dreq_in_req_sent_ignored);
	tcase_add_test(tc, test_rej_in_dreq_sent_ignored);
	tcase_add_test(tc, test_resolved_send_queue_full);
	tcase_add_test(tc, test_resolved_send_queue_full_times_out);
	tcase_add_test(tc, test_rej_after_rep_ends_connection);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
