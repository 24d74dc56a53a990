/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Connectors and listeners over the IB CM on QP1, two adapters over net_ring: connect with
 * private data both ways, accept, complete, move data, disconnect from either side;
 * rejects with private data; nobody listening; paused listeners; an unresolvable peer and
 * a silent one; NetworkDirect's listener-closing, receive-on-closed-connector and
 * reject-then-close cases; consumers slower than the peer's retransmissions (MRA); a
 * thousand connections one after another and 256 at once.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <droce/ndk_ext.h>

#include "check_run.h"
#include "ndk_harness.h"

#define PORT		4420
#define MAX_CONN	64

/* One side of a connection: its objects and what its callbacks saw. */
struct end {
	struct ndk_pd *pd;
	struct ndk_cq *cq;
	struct ndk_qp *qp;
	struct ndk_mr *mr;
	struct ndk_connector *conn;
	struct nh_call req, disc_done, disc_event;
	uint8_t buf[4096];
};

/* The listener's side: connect events queue the new connectors. */
struct lis {
	struct ndk_listener *l;
	struct ndk_connector *got[MAX_CONN];
	int n;				/* atomic */
};

static void
on_connect_event(void *ctx, struct ndk_connector *conn)
{
	struct lis *l = ctx;
	int i = __atomic_load_n(&l->n, __ATOMIC_SEQ_CST);

	if (i < MAX_CONN)
		l->got[i] = conn;
	__atomic_store_n(&l->n, i + 1, __ATOMIC_SEQ_CST);
}

static void
on_disc_event(void *ctx)
{
	nh_close_cb(ctx);
}

static void
end_open(struct end *e, int side)
{
	memset(e, 0, sizeof(*e));
	e->pd = nh_pd(side);
	e->cq = nh_cq(side, 256, NULL, NULL);
	e->qp = nh_qp(e->pd, e->cq, e->cq, e, 32);
	e->mr = nh_mr(e->pd, e->buf, sizeof(e->buf), NDK_MR_FLAG_REMOTE_WRITE);
}

static void
end_close(struct end *e)
{
	if (e->conn != NULL)
		nh_close_obj(e->conn);
	if (e->qp != NULL)
		nh_close_obj(e->qp);
	nh_close_obj(e->mr);
	nh_close_obj(e->cq);
	nh_close_obj(e->pd);
}

static void
lis_open(struct lis *l, uint16_t port)
{
	struct sockaddr_in a = nh_sa4("10.77.0.2", port);

	memset(l, 0, sizeof(*l));
	ck_assert_int_eq(ndk_create_listener(nh_ad[1], on_connect_event, l, nh_create_cb, NULL,
					     &l->l), 0);
	ck_assert_int_eq(ndk_listen(l->l, (struct sockaddr *)&a, sizeof(a), nh_request_cb,
				    NULL), 0);
}

static struct ndk_connector *
wait_event(struct lis *l, int n)
{
	unsigned int ms;

	for (ms = 0; ms < NH_WAIT_MS && __atomic_load_n(&l->n, __ATOMIC_SEQ_CST) < n; ms++)
		nh_sleep_ms(1);
	ck_assert_int_ge(__atomic_load_n(&l->n, __ATOMIC_SEQ_CST), n);
	return l->got[n - 1];
}

static int
start_connect(struct end *a, uint16_t port, const char *pdata)
{
	struct sockaddr_in dst = nh_sa4("10.77.0.2", port);

	ck_assert_int_eq(ndk_create_connector(nh_ad[0], nh_create_cb, NULL, &a->conn), 0);
	return ndk_connect(a->conn, a->qp, NULL, 0, (struct sockaddr *)&dst, sizeof(dst), 4, 4,
			   pdata, pdata != NULL ? (uint32_t)strlen(pdata) + 1 : 0, nh_request_cb,
			   &a->req);
}

/* The whole handshake; returns with both sides established. */
static void
connect_pair(struct end *a, struct end *b, struct lis *l, int nth)
{
	char pd[196];
	uint32_t len = 0, ird, ord;

	ck_assert_int_eq(start_connect(a, PORT, "hello from A"), NDK_PENDING);
	b->conn = wait_event(l, nth);
	/* GetConnectionData: ask the size, then read. */
	ck_assert_int_eq(ndk_get_connection_data(b->conn, &ird, &ord, NULL, &len), 0);
	ck_assert_uint_eq(len, 56);
	ck_assert_int_eq(ndk_get_connection_data(b->conn, &ird, &ord, pd, &len), 0);
	ck_assert_str_eq(pd, "hello from A");
	ck_assert_uint_eq(ird, 4);
	ck_assert_uint_eq(ord, 4);
	ck_assert_int_eq(ndk_accept(b->conn, b->qp, 2, 3, "welcome", 8, on_disc_event,
				    &b->disc_event, nh_request_cb, &b->req), NDK_PENDING);
	nh_wait(&a->req, "connect");
	ck_assert_int_eq(a->req.status, 0);
	len = sizeof(pd);
	ck_assert_int_eq(ndk_get_connection_data(a->conn, &ird, &ord, pd, &len), 0);
	ck_assert_uint_eq(len, 196);
	ck_assert_str_eq(pd, "welcome");
	/* Negotiated down: B serves 2 reads and issues 3. */
	ck_assert_uint_eq(ird, 3);
	ck_assert_uint_eq(ord, 2);
	a->req.done = 0;
	ck_assert_int_eq(ndk_complete_connect(a->conn, on_disc_event, &a->disc_event,
					      nh_request_cb, &a->req), NDK_PENDING);
	nh_wait(&a->req, "complete_connect");
	ck_assert_int_eq(a->req.status, 0);
	nh_wait(&b->req, "accept");
	ck_assert_int_eq(b->req.status, 0);
}

static void
exchange(struct end *from, struct end *to, uint32_t len, uint8_t seed)
{
	struct ndk_sge s = { .va = to->buf, .length = len,
			     .token = ndk_get_local_token_mr(to->mr) };
	struct ndk_result_ex r;
	uint32_t i;

	ck_assert_int_eq(ndk_receive(to->qp, (void *)1, &s, 1), 0);
	for (i = 0; i < len; i++)
		from->buf[i] = (uint8_t)(seed + i);
	s = (struct ndk_sge){ .va = from->buf, .length = len,
			      .token = ndk_get_local_token_mr(from->mr) };
	ck_assert_int_eq(ndk_send(from->qp, (void *)2, &s, 1, 0), 0);
	ck_assert_uint_eq(nh_results(from->cq, &r, 1, NH_WAIT_MS), 1);
	ck_assert_int_eq(r.status, 0);
	ck_assert_uint_eq(nh_results(to->cq, &r, 1, NH_WAIT_MS), 1);
	ck_assert_int_eq(r.status, 0);
	ck_assert_uint_eq(r.bytes_transferred, len);
	ck_assert_int_eq(memcmp(to->buf, from->buf, len), 0);
}

START_TEST(test_connect_data_disconnect)
{
	struct end a, b;
	struct lis l;
	struct sockaddr_in6 sa;
	socklen_t sl = sizeof(sa);
	struct sockaddr_in *s4 = (struct sockaddr_in *)&sa;
	struct ndk_result_ex r;
	struct ndk_sge s;
	char ip[INET_ADDRSTRLEN];

	end_open(&a, 0);
	end_open(&b, 1);
	lis_open(&l, PORT);
	connect_pair(&a, &b, &l, 1);
	ck_assert_int_eq(ndk_get_peer_address(b.conn, (struct sockaddr *)&sa, &sl), 0);
	ck_assert_uint_eq(sl, sizeof(struct sockaddr_in));
	inet_ntop(AF_INET, &s4->sin_addr, ip, sizeof(ip));
	ck_assert_str_eq(ip, "10.77.0.1");
	ck_assert_uint_ge(ntohs(s4->sin_port), 49152);
	sl = sizeof(sa);
	ck_assert_int_eq(ndk_get_local_address(a.conn, (struct sockaddr *)&sa, &sl), 0);
	ck_assert_uint_ge(ntohs(s4->sin_port), 49152);
	exchange(&a, &b, 3000, 1);
	exchange(&b, &a, 100, 7);
	/* A receive outstanding on B when A disconnects: B's QP is not flushed by A's
	 * disconnect; it is when B disconnects too. */
	s = (struct ndk_sge){ .va = b.buf, .length = 64, .token = ndk_get_local_token_mr(b.mr) };
	ck_assert_int_eq(ndk_receive(b.qp, (void *)9, &s, 1), 0);
	ck_assert_int_eq(ndk_disconnect(a.conn, nh_request_cb, &a.disc_done), NDK_PENDING);
	nh_wait(&a.disc_done, "disconnect");
	ck_assert_int_eq(a.disc_done.status, 0);
	nh_wait(&b.disc_event, "disconnect event");
	nh_sleep_ms(20);
	ck_assert_int_eq(b.disc_event.done, 1);
	ck_assert_int_eq(a.disc_event.done, 0);
	ck_assert_uint_eq(ndk_get_cq_results_ex(b.cq, &r, 1), 0);
	ck_assert_int_eq(ndk_disconnect(b.conn, nh_request_cb, &b.disc_done), NDK_PENDING);
	nh_wait(&b.disc_done, "peer's disconnect");
	ck_assert_int_eq(b.disc_done.status, 0);
	ck_assert_uint_eq(nh_results(b.cq, &r, 1, NH_WAIT_MS), 1);
	ck_assert_int_eq(r.status, -ECANCELED);
	ck_assert_ptr_eq(r.request_context, (void *)9);
	/* A QP is not reused after a disconnect. */
	ck_assert_int_eq(ndk_send(a.qp, NULL, NULL, 0, 0), 0);
	ck_assert_uint_eq(nh_results(a.cq, &r, 1, NH_WAIT_MS), 1);
	ck_assert_int_eq(r.status, -ECANCELED);
	end_close(&a);
	end_close(&b);
	nh_close_obj(l.l);
}
END_TEST

START_TEST(test_reject_with_private_data)
{
	struct end a, b;
	struct lis l;
	char pd[148];
	uint32_t len = sizeof(pd);

	end_open(&a, 0);
	end_open(&b, 1);
	lis_open(&l, PORT);
	ck_assert_int_eq(start_connect(&a, PORT, "may I"), NDK_PENDING);
	b.conn = wait_event(&l, 1);
	ck_assert_int_eq(ndk_reject(b.conn, "no, busy", 9), 0);
	nh_wait(&a.req, "connect");
	ck_assert_int_eq(a.req.status, -ECONNREFUSED);
	ck_assert_int_eq(ndk_get_connection_data(a.conn, NULL, NULL, pd, &len), 0);
	ck_assert_uint_eq(len, 148);
	ck_assert_str_eq(pd, "no, busy");
	ck_assert_int_eq(ndk_reject(b.conn, NULL, 0), -ECONNABORTED);
	end_close(&a);
	end_close(&b);
	nh_close_obj(l.l);
}
END_TEST

START_TEST(test_nobody_listening)
{
	struct end a;
	struct lis l;

	end_open(&a, 0);
	ck_assert_int_eq(start_connect(&a, PORT + 1, NULL), NDK_PENDING);
	nh_wait(&a.req, "connect");
	ck_assert_int_eq(a.req.status, -ECONNREFUSED);
	nh_close_obj(a.conn);
	a.conn = NULL;
	/* A paused listener refuses too; resumed, it hears the next request. */
	lis_open(&l, PORT);
	ndk_control_connect_events(l.l, true);
	memset(&a.req, 0, sizeof(a.req));
	ck_assert_int_eq(start_connect(&a, PORT, NULL), -EISCONN);	/* QP used */
	end_close(&a);
	end_open(&a, 0);
	ck_assert_int_eq(start_connect(&a, PORT, NULL), NDK_PENDING);
	nh_wait(&a.req, "connect");
	ck_assert_int_eq(a.req.status, -ECONNREFUSED);
	ck_assert_int_eq(l.n, 0);
	end_close(&a);
	nh_close_obj(l.l);
}
END_TEST

START_TEST(test_unreachable_and_bad_args)
{
	struct sockaddr_in dst = nh_sa4("10.77.0.99", PORT), bad = nh_sa4("10.9.9.9", 0);
	struct sockaddr_in6 v6 = { .sin6_family = AF_INET6, .sin6_port = htons(PORT) };
	struct sockaddr_in src4 = nh_sa4("10.77.0.1", 0);
	struct end a;
	struct lis l;

	end_open(&a, 0);
	ck_assert_int_eq(ndk_create_connector(nh_ad[0], nh_create_cb, NULL, &a.conn), 0);
	/* Bad arguments first: nothing changes. */
	ck_assert_int_eq(ndk_connect(a.conn, a.qp, NULL, 0, NULL, 0, 0, 0, NULL, 0,
				     nh_request_cb, &a.req), -EINVAL);
	ck_assert_int_eq(ndk_connect(a.conn, a.qp, NULL, 0, (struct sockaddr *)&dst,
				     sizeof(dst), 129, 0, NULL, 0, nh_request_cb, &a.req), -EINVAL);
	ck_assert_int_eq(ndk_connect(a.conn, a.qp, NULL, 0, (struct sockaddr *)&dst,
				     sizeof(dst), 0, 0, "x", 57, nh_request_cb, &a.req), -EINVAL);
	ck_assert_int_eq(ndk_connect(a.conn, a.qp, (struct sockaddr *)&bad, sizeof(bad),
				     (struct sockaddr *)&dst, sizeof(dst), 0, 0, NULL, 0,
				     nh_request_cb, &a.req), -EADDRNOTAVAIL);
	/* Nobody lives at the unspecified address; a source of another family. */
	ck_assert_int_eq(ndk_connect(a.conn, a.qp, NULL, 0, (struct sockaddr *)&v6, sizeof(v6),
				     0, 0, NULL, 0, nh_request_cb, &a.req), -EINVAL);
	inet_pton(AF_INET6, "fd77::2", &v6.sin6_addr);
	ck_assert_int_eq(ndk_connect(a.conn, a.qp, (struct sockaddr *)&src4, sizeof(src4),
				     (struct sockaddr *)&v6, sizeof(v6), 0, 0, NULL, 0,
				     nh_request_cb, &a.req), -EINVAL);
	ck_assert_int_eq(ndk_connect(a.conn, (struct ndk_qp *)a.pd, NULL, 0,
				     (struct sockaddr *)&dst, sizeof(dst), 0, 0, NULL, 0,
				     nh_request_cb, &a.req), -EBADF);
	ck_assert_int_eq(a.req.done, 0);
	/* CM settings the REQ's fields cannot carry (5-bit timeout, 4-bit retries). */
	{
		struct droce_engine_conf ec = { .cm_timeout = 32 };
		struct droce_engine *e = NULL;

		ck_assert_int_eq(droce_engine_create(nh_port[0], &ec, &e), -EINVAL);
		ec = (struct droce_engine_conf){ .cm_retries = 16 };
		ck_assert_int_eq(droce_engine_create(nh_port[0], &ec, &e), -EINVAL);
		ck_assert_ptr_null(e);
	}
	/* A peer that never answers address resolution. */
	ck_assert_int_eq(ndk_connect(a.conn, a.qp, NULL, 0, (struct sockaddr *)&dst,
				     sizeof(dst), 0, 0, NULL, 0, nh_request_cb, &a.req),
			 NDK_PENDING);
	for (int ms = 0; ms < 8000 && a.req.done == 0; ms++)
		nh_sleep_ms(1);
	ck_assert_int_eq(a.req.done, 1);
	ck_assert_int_eq(a.req.status, -EHOSTUNREACH);
	/* Ports in use. */
	lis_open(&l, PORT);
	{
		struct ndk_listener *l2;
		struct sockaddr_in same = nh_sa4("0.0.0.0", PORT);

		ck_assert_int_eq(ndk_create_listener(nh_ad[1], on_connect_event, &l, nh_create_cb,
						     NULL, &l2), 0);
		ck_assert_int_eq(ndk_listen(l2, (struct sockaddr *)&same, sizeof(same),
					    nh_request_cb, NULL), -EADDRINUSE);
		nh_close_obj(l2);
	}
	end_close(&a);
	nh_close_obj(l.l);
}
END_TEST

/* Over IPv6: rdma_cm's header carries IPv6 addresses, the GIDs are the addresses. */
START_TEST(test_connect_ipv6)
{
	struct sockaddr_in6 any = { .sin6_family = AF_INET6, .sin6_port = htons(PORT) };
	struct sockaddr_in6 dst = any, peer;
	socklen_t sl = sizeof(peer);
	char ip[INET6_ADDRSTRLEN];
	struct end a, b;
	struct lis l;

	inet_pton(AF_INET6, "fd77::2", &dst.sin6_addr);
	end_open(&a, 0);
	end_open(&b, 1);
	memset(&l, 0, sizeof(l));
	ck_assert_int_eq(ndk_create_listener(nh_ad[1], on_connect_event, &l, nh_create_cb, NULL,
					     &l.l), 0);
	ck_assert_int_eq(ndk_listen(l.l, (struct sockaddr *)&any, sizeof(any), nh_request_cb,
				    NULL), 0);
	ck_assert_int_eq(ndk_create_connector(nh_ad[0], nh_create_cb, NULL, &a.conn), 0);
	ck_assert_int_eq(ndk_connect(a.conn, a.qp, NULL, 0, (struct sockaddr *)&dst,
				     sizeof(dst), 1, 1, "v6", 3, nh_request_cb, &a.req),
			 NDK_PENDING);
	b.conn = wait_event(&l, 1);
	ck_assert_int_eq(ndk_get_peer_address(b.conn, (struct sockaddr *)&peer, &sl), 0);
	ck_assert_uint_eq(sl, sizeof(struct sockaddr_in6));
	inet_ntop(AF_INET6, &peer.sin6_addr, ip, sizeof(ip));
	ck_assert_str_eq(ip, "fd77::1");
	ck_assert_int_eq(ndk_accept(b.conn, b.qp, 1, 1, NULL, 0, NULL, NULL, nh_request_cb,
				    &b.req), NDK_PENDING);
	nh_wait(&a.req, "connect");
	ck_assert_int_eq(a.req.status, 0);
	a.req.done = 0;
	ck_assert_int_eq(ndk_complete_connect(a.conn, NULL, NULL, nh_request_cb, &a.req),
			 NDK_PENDING);
	nh_wait(&a.req, "complete");
	nh_wait(&b.req, "accept");
	ck_assert_int_eq(b.req.status, 0);
	exchange(&a, &b, 2000, 3);
	exchange(&b, &a, 2000, 4);
	end_close(&a);
	end_close(&b);
	nh_close_obj(l.l);
}
END_TEST

/* A thousand connections one after another, each used and torn down. */
START_TEST(test_sequential_connections)
{
	struct lis l;
	int i;

	lis_open(&l, PORT);
	for (i = 0; i < 1000; i++) {
		struct end a, b;

		end_open(&a, 0);
		end_open(&b, 1);
		l.n = 0;
		connect_pair(&a, &b, &l, 1);
		exchange(&a, &b, 64, (uint8_t)i);
		ck_assert_int_eq(ndk_disconnect(a.conn, nh_request_cb, &a.disc_done),
				 NDK_PENDING);
		nh_wait(&a.disc_done, "disconnect");
		ck_assert_int_eq(a.disc_done.status, 0);
		end_close(&a);
		end_close(&b);
	}
	nh_close_obj(l.l);
}
END_TEST

/* NetworkDirect's ndconnectlistenerclosing: the listener closes with a request pending. */
START_TEST(test_listener_closing_during_connect)
{
	struct nh_call lclose = { 0 }, cclose = { 0 };
	struct end a, b, a2;
	struct lis l;

	end_open(&a, 0);
	end_open(&a2, 0);
	end_open(&b, 1);
	lis_open(&l, PORT);
	ck_assert_int_eq(start_connect(&a, PORT, NULL), NDK_PENDING);
	b.conn = wait_event(&l, 1);
	/* Pending: its connector came from it and is still open. New requests are refused
	 * at once. */
	ck_assert_int_eq(ndk_close(&l.l->header, nh_close_cb, &lclose), NDK_PENDING);
	ck_assert_int_eq(start_connect(&a2, PORT, NULL), NDK_PENDING);
	nh_wait(&a2.req, "second connect");
	ck_assert_int_eq(a2.req.status, -ECONNREFUSED);
	ck_assert_int_eq(lclose.done, 0);
	/* Closing the request it handed over rejects it; then the listener goes. */
	ck_assert_int_eq(ndk_close(&b.conn->header, nh_close_cb, &cclose), NDK_PENDING);
	b.conn = NULL;
	nh_wait(&a.req, "connect");
	ck_assert_int_eq(a.req.status, -ECONNREFUSED);
	nh_wait(&cclose, "connector close");
	nh_wait(&lclose, "listener close");
	ck_assert_uint_gt(lclose.seq, cclose.seq);
	end_close(&a);
	end_close(&a2);
	end_close(&b);
}
END_TEST

/* ndreceiveconnectorclosed: closing a connector flushes its QP's receives. */
START_TEST(test_receive_connector_closed)
{
	struct ndk_result_ex r;
	struct end a, b;
	struct ndk_sge s;
	struct lis l;

	end_open(&a, 0);
	end_open(&b, 1);
	lis_open(&l, PORT);
	connect_pair(&a, &b, &l, 1);
	s = (struct ndk_sge){ .va = a.buf, .length = 64, .token = ndk_get_local_token_mr(a.mr) };
	ck_assert_int_eq(ndk_receive(a.qp, (void *)5, &s, 1), 0);
	nh_close_obj(a.conn);
	a.conn = NULL;
	ck_assert_uint_eq(nh_results(a.cq, &r, 1, NH_WAIT_MS), 1);
	ck_assert_int_eq(r.status, -ECANCELED);
	ck_assert_ptr_eq(r.request_context, (void *)5);
	/* The peer hears of it once, and posting on the closed side is refused... */
	nh_wait(&b.disc_event, "disconnect event");
	ck_assert_int_eq(ndk_receive(a.qp, (void *)6, &s, 1), 0);
	ck_assert_uint_eq(nh_results(a.cq, &r, 1, NH_WAIT_MS), 1);
	ck_assert_int_eq(r.status, -ECANCELED);
	nh_sleep_ms(20);
	ck_assert_int_eq(b.disc_event.done, 1);
	end_close(&a);
	end_close(&b);
	nh_close_obj(l.l);
}
END_TEST

/*
 * A QP closed while its connector still holds it: its close starts at once (what is
 * outstanding on it completes as flushed now), and completes once the connector closed.
 */
START_TEST(test_qp_closed_before_connector)
{
	struct nh_call closed = { 0 };
	struct ndk_result_ex r;
	struct end a, b;
	struct ndk_sge s;
	struct lis l;

	end_open(&a, 0);
	end_open(&b, 1);
	lis_open(&l, PORT);
	connect_pair(&a, &b, &l, 1);
	s = (struct ndk_sge){ .va = a.buf, .length = 64, .token = ndk_get_local_token_mr(a.mr) };
	ck_assert_int_eq(ndk_receive(a.qp, (void *)5, &s, 1), 0);
	ck_assert_int_eq(ndk_close(&a.qp->header, nh_close_cb, &closed), NDK_PENDING);
	a.qp = NULL;
	ck_assert_uint_eq(nh_results(a.cq, &r, 1, NH_WAIT_MS), 1);
	ck_assert_int_eq(r.status, -ECANCELED);
	ck_assert_ptr_eq(r.request_context, (void *)5);
	nh_sleep_ms(20);
	ck_assert_int_eq(__atomic_load_n(&closed.done, __ATOMIC_SEQ_CST), 0);
	nh_close_obj(a.conn);
	a.conn = NULL;
	nh_wait(&closed, "the QP's close");
	end_close(&a);
	end_close(&b);
	nh_close_obj(l.l);
}
END_TEST

/* ndconnrejectclose: reject, then close: one close callback, nothing else. */
START_TEST(test_reject_then_close)
{
	struct end a, b;
	struct lis l;

	end_open(&a, 0);
	end_open(&b, 1);
	lis_open(&l, PORT);
	ck_assert_int_eq(start_connect(&a, PORT, NULL), NDK_PENDING);
	b.conn = wait_event(&l, 1);
	ck_assert_int_eq(ndk_reject(b.conn, NULL, 0), 0);
	nh_close_obj(b.conn);
	b.conn = NULL;
	nh_wait(&a.req, "connect");
	ck_assert_int_eq(a.req.status, -ECONNREFUSED);
	ck_assert_int_eq(ndk_complete_connect(a.conn, NULL, NULL, nh_request_cb, &a.disc_done),
			 -ECONNABORTED);
	nh_sleep_ms(20);
	ck_assert_int_eq(a.req.done, 1);
	ck_assert_int_eq(a.disc_done.done, 0);
	end_close(&a);
	end_close(&b);
	nh_close_obj(l.l);
}
END_TEST

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/*
 * A peer whose engine runs but whose CM is gone: the request times out, and not before
 * the engine's CM settings let it (NH_CM_RETRIES retransmissions, NH_CM_RETRY_MS apart).
 */
START_TEST(test_silent_peer_times_out)
{
	struct end a;
	uint64_t t0;

	ndk_close_adapter(nh_ad[1]);	/* B's QP1 goes with it */
	end_open(&a, 0);
	t0 = now_ms();
	ck_assert_int_eq(start_connect(&a, PORT, NULL), NDK_PENDING);
	for (int ms = 0; ms < 10000 && a.req.done == 0; ms++)
		nh_sleep_ms(1);
	ck_assert_int_eq(a.req.done, 1);
	ck_assert_int_eq(a.req.status, -ETIMEDOUT);
	ck_assert_uint_ge(now_ms() - t0, (NH_CM_RETRIES + 1) * NH_CM_RETRY_MS - 50);
	end_close(&a);
	ck_assert_int_eq(ndk_open_adapter(nh_eng[1], (struct ndk_version){ 2, 0 }, NULL,
					  &nh_ad[1]), 0);
}
END_TEST

static const struct droce_conn_ext *
conn_ext(struct ndk_connector *c)
{
	const void *d = NULL;

	ck_assert_int_eq(ndk_query_extension((struct ndk_object_header *)c, NDK_EXT_DROCE_CONN,
					     (struct ndk_version){ 1, 0 }, &d), 0);
	return d;
}

/*
 * NDK_EXT_DROCE_CONN: the active side's ACK timeout, retry counts and path MTU cap go in
 * its REQ (cm_wire.py checks them on the wire), both sides report what they use, and data
 * crosses at the smaller MTU.
 */
START_TEST(test_conn_params)
{
	struct sockaddr_in dst = nh_sa4("10.77.0.2", PORT);
	struct droce_conn_params want = { .ack_timeout = 18, .retry_cnt = 3, .rnr_retry = 5,
					  .path_mtu = 512 }, got, bad;
	const struct droce_conn_ext *x;
	struct end a, b;
	struct lis l;

	end_open(&a, 0);
	end_open(&b, 1);
	lis_open(&l, PORT);
	ck_assert_int_eq(ndk_create_connector(nh_ad[0], nh_create_cb, NULL, &a.conn), 0);
	x = conn_ext(a.conn);
	ck_assert_int_eq(x->get_params(a.conn, &got), -ENOTCONN);
	ck_assert_int_eq(x->set_params(a.conn, NULL), -EINVAL);
	ck_assert_int_eq(x->get_params(a.conn, NULL), -EINVAL);
	bad = want;
	bad.ack_timeout = 32;
	ck_assert_int_eq(x->set_params(a.conn, &bad), -EINVAL);
	bad = want;
	bad.retry_cnt = 8;
	ck_assert_int_eq(x->set_params(a.conn, &bad), -EINVAL);
	bad = want;
	bad.path_mtu = 300;
	ck_assert_int_eq(x->set_params(a.conn, &bad), -EINVAL);
	bad.path_mtu = 8192;
	ck_assert_int_eq(x->set_params(a.conn, &bad), -EINVAL);
	ck_assert_int_eq(x->set_params((struct ndk_connector *)a.qp, &want), -EBADF);
	ck_assert_int_eq(x->set_params(a.conn, &want), 0);
	ck_assert_int_eq(ndk_connect(a.conn, a.qp, NULL, 0, (struct sockaddr *)&dst, sizeof(dst),
				     1, 1, NULL, 0, nh_request_cb, &a.req), NDK_PENDING);
	ck_assert_int_eq(x->set_params(a.conn, &want), -EISCONN);
	b.conn = wait_event(&l, 1);
	ck_assert_int_eq(x->set_params(b.conn, &want), -EINVAL);	/* the REQ decided */
	ck_assert_int_eq(x->get_params(b.conn, &got), 0);
	ck_assert_uint_eq(got.ack_timeout, 18);
	ck_assert_uint_eq(got.retry_cnt, 3);
	ck_assert_uint_eq(got.rnr_retry, 5);
	ck_assert_uint_eq(got.path_mtu, 512);
	ck_assert_int_eq(ndk_accept(b.conn, b.qp, 1, 1, NULL, 0, NULL, NULL, nh_request_cb,
				    &b.req), NDK_PENDING);
	nh_wait(&a.req, "connect");
	ck_assert_int_eq(a.req.status, 0);
	ck_assert_int_eq(x->get_params(a.conn, &got), 0);
	ck_assert_uint_eq(got.ack_timeout, 18);
	ck_assert_uint_eq(got.retry_cnt, 3);
	ck_assert_uint_eq(got.rnr_retry, 7);		/* the REP's, for our QP */
	ck_assert_uint_eq(got.path_mtu, 512);
	a.req.done = 0;
	ck_assert_int_eq(ndk_complete_connect(a.conn, NULL, NULL, nh_request_cb, &a.req),
			 NDK_PENDING);
	nh_wait(&a.req, "complete_connect");
	nh_wait(&b.req, "accept");
	ck_assert_int_eq(b.req.status, 0);
	exchange(&a, &b, 3000, 5);
	exchange(&b, &a, 1025, 6);
	end_close(&a);
	end_close(&b);
	nh_close_obj(l.l);
}
END_TEST

/* Longer than a peer waits for an answer without an MRA: all its retransmissions. */
#define SLOWER_THAN_PEER_MS	((NH_CM_RETRIES + 4) * NH_CM_RETRY_MS)

/*
 * A listener's consumer slower to accept than the active side retransmits: the duplicate
 * REQs are answered with an MRA (IBA 12.6.6, as rdma_cm does), so the active side keeps
 * waiting instead of timing out, and they offer no second connection.
 */
START_TEST(test_slow_accept_sends_mra)
{
	struct end a, b;
	struct lis l;

	end_open(&a, 0);
	end_open(&b, 1);
	lis_open(&l, PORT);
	ck_assert_int_eq(start_connect(&a, PORT, "patience"), NDK_PENDING);
	b.conn = wait_event(&l, 1);
	nh_sleep_ms(SLOWER_THAN_PEER_MS);
	ck_assert_int_eq(a.req.done, 0);
	ck_assert_int_eq(__atomic_load_n(&l.n, __ATOMIC_SEQ_CST), 1);
	ck_assert_int_eq(ndk_accept(b.conn, b.qp, 1, 1, NULL, 0, on_disc_event, &b.disc_event,
				    nh_request_cb, &b.req), NDK_PENDING);
	nh_wait(&a.req, "connect");
	ck_assert_int_eq(a.req.status, 0);
	a.req.done = 0;
	ck_assert_int_eq(ndk_complete_connect(a.conn, on_disc_event, &a.disc_event,
					      nh_request_cb, &a.req), NDK_PENDING);
	nh_wait(&a.req, "complete_connect");
	ck_assert_int_eq(a.req.status, 0);
	nh_wait(&b.req, "accept");
	ck_assert_int_eq(b.req.status, 0);
	exchange(&a, &b, 512, 3);
	ck_assert_int_eq(ndk_disconnect(a.conn, nh_request_cb, &a.disc_done), NDK_PENDING);
	nh_wait(&a.disc_done, "disconnect");
	ck_assert_int_eq(a.disc_done.status, 0);
	end_close(&a);
	end_close(&b);
	nh_close_obj(l.l);
}
END_TEST

/*
 * The active side's consumer slow to complete the connection: the passive side's
 * duplicate REPs get an MRA, and its accept completes when the RTU finally comes.
 */
START_TEST(test_slow_complete_sends_mra)
{
	struct end a, b;
	struct lis l;

	end_open(&a, 0);
	end_open(&b, 1);
	lis_open(&l, PORT);
	ck_assert_int_eq(start_connect(&a, PORT, NULL), NDK_PENDING);
	b.conn = wait_event(&l, 1);
	ck_assert_int_eq(ndk_accept(b.conn, b.qp, 1, 1, NULL, 0, on_disc_event, &b.disc_event,
				    nh_request_cb, &b.req), NDK_PENDING);
	nh_wait(&a.req, "connect");
	ck_assert_int_eq(a.req.status, 0);
	nh_sleep_ms(SLOWER_THAN_PEER_MS);
	ck_assert_int_eq(b.req.done, 0);
	a.req.done = 0;
	ck_assert_int_eq(ndk_complete_connect(a.conn, on_disc_event, &a.disc_event,
					      nh_request_cb, &a.req), NDK_PENDING);
	nh_wait(&a.req, "complete_connect");
	ck_assert_int_eq(a.req.status, 0);
	nh_wait(&b.req, "accept");
	ck_assert_int_eq(b.req.status, 0);
	exchange(&b, &a, 700, 9);
	ck_assert_int_eq(ndk_disconnect(b.conn, nh_request_cb, &b.disc_done), NDK_PENDING);
	nh_wait(&b.disc_done, "disconnect");
	ck_assert_int_eq(b.disc_done.status, 0);
	nh_wait(&a.disc_event, "disconnect event");
	end_close(&a);
	end_close(&b);
	nh_close_obj(l.l);
}
END_TEST

/* 256 connections handshaking at once. */
#define BURST 256

static void
conc_event(void *ctx, struct ndk_connector *conn)
{
	struct ndk_connector **got = ctx;
	int i;

	for (i = 0; i < BURST; i++)
		if (__atomic_load_n(&got[i], __ATOMIC_SEQ_CST) == NULL) {
			__atomic_store_n(&got[i], conn, __ATOMIC_SEQ_CST);
			return;
		}
}

START_TEST(test_concurrent_connections)
{
	static struct ndk_connector *got[BURST], *ac[BURST];
	static struct nh_call creq[BURST], areq[BURST], dreq[BURST];
	static struct ndk_qp *aq[BURST], *bq[BURST];
	struct sockaddr_in any = nh_sa4("0.0.0.0", PORT), dst = nh_sa4("10.77.0.2", PORT);
	struct ndk_pd *pa = nh_pd(0), *pb = nh_pd(1);
	struct ndk_cq *ca = nh_cq(0, 4096, NULL, NULL), *cb = nh_cq(1, 4096, NULL, NULL);
	struct ndk_listener *l;
	int i, accepted = 0;

	memset(got, 0, sizeof(got));
	memset(creq, 0, sizeof(creq));
	memset(areq, 0, sizeof(areq));
	memset(dreq, 0, sizeof(dreq));
	ck_assert_int_eq(ndk_create_listener(nh_ad[1], conc_event, got, nh_create_cb, NULL, &l),
			 0);
	ck_assert_int_eq(ndk_listen(l, (struct sockaddr *)&any, sizeof(any), nh_request_cb,
				    NULL), 0);
	for (i = 0; i < BURST; i++) {
		aq[i] = nh_qp(pa, ca, ca, NULL, 4);
		bq[i] = nh_qp(pb, cb, cb, NULL, 4);
		ck_assert_int_eq(ndk_create_connector(nh_ad[0], nh_create_cb, NULL, &ac[i]), 0);
	}
	for (i = 0; i < BURST; i++)
		ck_assert_int_eq(ndk_connect(ac[i], aq[i], NULL, 0, (struct sockaddr *)&dst,
					     sizeof(dst), 1, 1, NULL, 0, nh_request_cb, &creq[i]),
				 NDK_PENDING);
	for (int ms = 0; accepted < BURST && ms < 20000; ms++) {
		while (accepted < BURST && __atomic_load_n(&got[accepted], __ATOMIC_SEQ_CST)) {
			ck_assert_int_eq(ndk_accept(got[accepted], bq[accepted], 1, 1, NULL, 0,
						    NULL, NULL, nh_request_cb, &areq[accepted]),
					 NDK_PENDING);
			accepted++;
		}
		nh_sleep_ms(1);
	}
	ck_assert_int_eq(accepted, BURST);
	for (i = 0; i < BURST; i++) {
		nh_wait(&creq[i], "connect");
		ck_assert_int_eq(creq[i].status, 0);
		creq[i].done = 0;
		ck_assert_int_eq(ndk_complete_connect(ac[i], NULL, NULL, nh_request_cb, &creq[i]),
				 NDK_PENDING);
	}
	for (i = 0; i < BURST; i++) {
		nh_wait(&creq[i], "complete");
		if (getenv("NDK_CM_DEBUG") != NULL && areq[i].done == 0) {
			nh_sleep_ms(3000);
			fprintf(stderr, "conn %d: accept done %d\n", i, areq[i].done);
		}
		nh_wait(&areq[i], "accept");
		NH_REQUIRE(creq[i].status == 0 && areq[i].status == 0, "connection %d: %d %d", i,
			   creq[i].status, areq[i].status);
		ck_assert_int_eq(ndk_disconnect(ac[i], nh_request_cb, &dreq[i]), NDK_PENDING);
	}
	for (i = 0; i < BURST; i++) {
		nh_wait(&dreq[i], "disconnect");
		ck_assert_int_eq(dreq[i].status, 0);
		nh_close_obj(ac[i]);
		nh_close_obj(got[i]);
		nh_close_obj(aq[i]);
		nh_close_obj(bq[i]);
	}
	nh_close_obj(l);
	nh_close_obj(ca);
	nh_close_obj(cb);
	nh_close_obj(pa);
	nh_close_obj(pb);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("ndk-cm");
	TCase *tc = tcase_create("cm");

	tcase_add_checked_fixture(tc, nh_open, nh_close);
	tcase_set_timeout(tc, 240);
	tcase_add_test(tc, test_connect_data_disconnect);
	tcase_add_test(tc, test_reject_with_private_data);
	tcase_add_test(tc, test_connect_ipv6);
	tcase_add_test(tc, test_nobody_listening);
	tcase_add_test(tc, test_unreachable_and_bad_args);
	tcase_add_test(tc, test_sequential_connections);
	tcase_add_test(tc, test_listener_closing_during_connect);
	tcase_add_test(tc, test_receive_connector_closed);
	tcase_add_test(tc, test_qp_closed_before_connector);
	tcase_add_test(tc, test_reject_then_close);
	tcase_add_test(tc, test_silent_peer_times_out);
	tcase_add_test(tc, test_conn_params);
	tcase_add_test(tc, test_slow_accept_sends_mra);
	tcase_add_test(tc, test_slow_complete_sends_mra);
	tcase_add_test(tc, test_concurrent_connections);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	nh_init();
	return test_run_suite(suite());
}
