/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rping's two roles on an NDK connection. The order of messages, the 16-byte
 * advertisements in network byte order, the ping text and the rule by which the server
 * tells a source advertisement from a sink one are rping's, so either side talks to
 * librdmacm's rping. Completions are handled on this thread: the CQ is armed and the
 * notification only wakes it.
 */
#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "rping.h"

enum { CTX_RECV = 1, CTX_SEND, CTX_READ, CTX_WRITE };

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/*
 * rping's ping text: "rdma-ping-<n>: " then letters from 'A' + n % 58 counting up and
 * wrapping from 'z' to 'A', NUL-terminated at size - 1.
 */
static void
fill_ping(char *buf, int size, int ping)
{
	int i = snprintf(buf, (size_t)size, RPING_MSG_FMT, ping);
	int c = 65 + ping % 58;

	for (; i < size; i++) {
		buf[i] = (char)c;
		if (++c > 122)
			c = 65;
	}
	buf[size - 1] = '\0';
}

static int
post_recv(struct rping *r)
{
	struct ndk_sge s = { .va = &r->recv_buf, .length = sizeof(r->recv_buf),
			     .token = ndk_get_local_token_mr(r->recv_mr) };

	return ndk_receive(r->qp, (void *)CTX_RECV, &s, 1);
}

static int
post_send(struct rping *r)
{
	struct ndk_sge s = { .va = &r->send_buf, .length = sizeof(r->send_buf),
			     .token = ndk_get_local_token_mr(r->send_mr) };

	return ndk_send(r->qp, (void *)CTX_SEND, &s, 1, 0);
}

/* rping_format_send(): advertise buf through its MR. */
static int
advertise(struct rping *r, char *buf, struct ndk_mr *mr)
{
	r->send_buf.buf = htobe64((uint64_t)(uintptr_t)buf);
	r->send_buf.rkey = htonl(ndk_get_remote_token_mr(mr));
	r->send_buf.size = htonl((uint32_t)r->o->size);
	DBG(r, "RDMA addr %" PRIx64 " rkey %x len %d\n", (uint64_t)(uintptr_t)buf,
	    ndk_get_remote_token_mr(mr), r->o->size);
	return post_send(r);
}

/* A receive: the advertisement and rping's state rule for each role. */
static int
on_recv(struct rping *r, const struct ndk_result_ex *res)
{
	if (res->bytes_transferred != sizeof(r->recv_buf)) {
		fprintf(stderr, "droce-rping: received bogus data, size %u\n",
			res->bytes_transferred);
		return -EPROTO;
	}
	if (r->o->server) {
		r->remote_rkey = ntohl(r->recv_buf.rkey);
		r->remote_addr = be64toh(r->recv_buf.buf);
		r->remote_len = ntohl(r->recv_buf.size);
		DBG(r, "received rkey %x addr %" PRIx64 " len %u from peer\n", r->remote_rkey,
		    r->remote_addr, r->remote_len);
		r->state = r->state <= ST_CONNECTED || r->state == ST_WRITE_COMPLETE ?
			   ST_READ_ADV : ST_WRITE_ADV;
	} else {
		r->state = r->state == ST_READ_ADV ? ST_WRITE_ADV : ST_WRITE_COMPLETE;
	}
	return post_recv(r);
}

/* One completion. Returns 1 when it moved the state, 0 when not, < 0 on failure. */
static int
on_completion(struct rping *r, const struct ndk_result_ex *res)
{
	if (res->status == -ECANCELED)
		return 0;	/* flushed by a disconnect: the event says the rest */
	if (res->status != 0) {
		fprintf(stderr, "droce-rping: completion failed: %s (%s, context %d)\n",
			droce_strerror(res->status), ndk_status_name(res->status),
			(int)(uintptr_t)res->request_context);
		return res->status;
	}
	switch ((uintptr_t)res->request_context) {
	case CTX_SEND:
		DBG(r, "send completion\n");
		return 0;
	case CTX_READ:
		DBG(r, "rdma read completion\n");
		r->state = ST_READ_COMPLETE;
		return 1;
	case CTX_WRITE:
		DBG(r, "rdma write completion\n");
		r->state = ST_WRITE_COMPLETE;
		return 1;
	case CTX_RECV:
		DBG(r, "recv completion\n");
		return on_recv(r, res) == 0 ? 1 : -EPROTO;
	default:
		return -EPROTO;
	}
}

/*
 * Handle completions until one moves the state (rping's sem_wait), the peer disconnects,
 * or the step takes too long. wait_ms 0: no limit (a server waiting for the next ping).
 */
static enum rping_state
step(struct rping *r, unsigned int wait_ms)
{
	uint64_t end = now_ms() + wait_ms;
	struct ndk_result_ex res;
	int ret;

	for (;;) {
		if (ndk_get_cq_results_ex(r->cq, &res, 1) == 1) {
			ret = on_completion(r, &res);
			if (ret < 0)
				return r->state = ST_ERROR;
			if (ret > 0)
				return r->state;
			continue;
		}
		if (__atomic_load_n(&r->disconnected, __ATOMIC_ACQUIRE))
			return r->state = ST_DISCONNECTED;
		if (rping_stop || (wait_ms != 0 && now_ms() >= end)) {
			fprintf(stderr, "droce-rping: %s in state %d\n",
				rping_stop ? "interrupted" : "timed out", r->state);
			return r->state = ST_ERROR;
		}
		/* Armed after an empty poll: it fires at once if anything came since. */
		ndk_arm_cq(r->cq, NDK_CQ_NOTIFY_ANY);
		res_nap(r, 100);
	}
}

static bool
expect(enum rping_state got, enum rping_state want, const char *name)
{
	if (got == want)
		return true;
	fprintf(stderr, "droce-rping: wait for %s state %d\n", name, got);
	return false;
}

static int
rdma(struct rping *r, bool write, uint32_t len)
{
	struct ndk_sge s = { .va = r->rdma_buf, .length = len,
			     .token = ndk_get_local_token_mr(r->rdma_mr) };

	if (write)
		return ndk_write(r->qp, (void *)CTX_WRITE, &s, 1, r->remote_addr, r->remote_rkey,
				 0);
	return ndk_read(r->qp, (void *)CTX_READ, &s, 1, r->remote_addr, r->remote_rkey, 0);
}

/* -V on the server: the data read must be rping's text for this ping. */
static bool
check_read(struct rping *r)
{
	char want[RPING_BUFSIZE];

	fill_ping(want, (int)r->remote_len, r->pings);
	if (memcmp(want, r->rdma_buf, r->remote_len) == 0)
		return true;
	fprintf(stderr, "droce-rping: data mismatch in ping %d (read %u bytes)\n", r->pings,
		r->remote_len);
	return false;
}

/*
 * After a failed run: what the transport saw, for the log a failed interop case prints
 * (a READ that timed out: did requests leave, responses arrive, retries go?).
 */
static void
report_failure(const struct rping *r)
{
	static const char *const names[] = {
		"tx_pkts", "rx_pkts", "ack_tx", "ack_rx", "retransmit_timeouts",
		"retransmit_pkts", "dup_requests", "dup_responses", "out_of_seq", "nak_seq_tx",
		"nak_seq_rx", "rnr_nak_tx", "rnr_nak_rx", "rx_no_qp", "rx_bad_state",
		"tx_no_mbuf", "tx_busy", "ird_exceeded",
	};
	size_t i;

	fprintf(stderr, "droce-rping: engine counters:");
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		fprintf(stderr, " %s %lld", names[i],
			(long long)droce_engine_xstat(r->eng, names[i]));
	fprintf(stderr, "\n");
	droce_port_dump(r->port, stderr);
}

/* One ping, server side, once the source advertisement arrived. */
static int
serve_one(struct rping *r)
{
	uint32_t len;

	if (r->remote_len < 2 || r->remote_len > r->rdma_len) {
		fprintf(stderr, "droce-rping: advertised length %u out of range\n",
			r->remote_len);
		return -EPROTO;
	}
	if (rdma(r, false, r->remote_len) != 0 ||
	    !expect(step(r, RPING_STEP_MS), ST_READ_COMPLETE, "RDMA_READ_COMPLETE"))
		return -EIO;
	if (r->o->verbose)
		printf("server ping data: %s\n", r->rdma_buf);
	if (r->o->validate && !check_read(r))
		return -EBADMSG;
	if (post_send(r) != 0 ||
	    !expect(step(r, RPING_STEP_MS), ST_WRITE_ADV, "RDMA_WRITE_ADV"))
		return -EIO;
	/* rping writes back the string it read, with its NUL. */
	len = (uint32_t)strnlen(r->rdma_buf, r->remote_len - 1) + 1;
	if (len > r->remote_len) {
		fprintf(stderr, "droce-rping: sink of %u bytes too small\n", r->remote_len);
		return -EPROTO;
	}
	if (rdma(r, true, len) != 0 ||
	    !expect(step(r, RPING_STEP_MS), ST_WRITE_COMPLETE, "RDMA_WRITE_COMPLETE"))
		return -EIO;
	return post_send(r) != 0 ? -EIO : 0;
}

/* rping_test_server(): serve pings until the client disconnects. */
static int
serve(struct rping *r)
{
	enum rping_state st;

	for (;;) {
		st = step(r, 0);
		if (st == ST_DISCONNECTED)
			break;
		if (!expect(st, ST_READ_ADV, "RDMA_READ_ADV") || serve_one(r) != 0)
			return -1;
		r->pings++;
		fflush(stdout);
	}
	if (r->o->count != 0 && r->pings != r->o->count) {
		fprintf(stderr, "droce-rping: client left after %d of %d pings\n", r->pings,
			r->o->count);
		return -1;
	}
	return 0;
}

/* rping_test_client(): count pings, each validated with -V. */
static int
pings(struct rping *r)
{
	int ping;

	for (ping = 0; (r->o->count == 0 || ping < r->o->count) && !rping_stop; ping++) {
		r->state = ST_READ_ADV;
		fill_ping(r->start_buf, r->o->size, ping);
		if (advertise(r, r->start_buf, r->start_mr) != 0 ||
		    !expect(step(r, RPING_STEP_MS), ST_WRITE_ADV, "RDMA_WRITE_ADV"))
			return -1;
		if (advertise(r, r->rdma_buf, r->rdma_mr) != 0 ||
		    !expect(step(r, RPING_STEP_MS), ST_WRITE_COMPLETE, "RDMA_WRITE_COMPLETE"))
			return -1;
		if (r->o->validate && memcmp(r->start_buf, r->rdma_buf, (size_t)r->o->size)) {
			fprintf(stderr, "droce-rping: data mismatch!\n");
			return -1;
		}
		if (r->o->verbose)
			printf("ping data: %s\n", r->rdma_buf);
		fflush(stdout);
		r->pings++;
	}
	return 0;
}

static void
on_disconnect(void *ctx)
{
	struct rping *r = ctx;

	fprintf(stderr, "%s DISCONNECT EVENT...\n", r->o->server ? "server" : "client");
	__atomic_store_n(&r->disconnected, 1, __ATOMIC_RELEASE);
	sem_post(&r->sem);
}

#define REQ(r, what, call) \
	(__atomic_add_fetch(&(r)->pending, 1, __ATOMIC_ACQ_REL), res_request(r, call, what))

/*
 * Our disconnect: DREQ and the peer's DREP, or just the flush after the peer's DREQ. A
 * peer gone by then (rping's server exits once it sees the DREQ, and its DREP may be
 * lost) never answers: the disconnect times out, the QP is flushed all the same, and
 * librdmacm's rping does not wait for the DREP at all. Not an error.
 */
static int
disconnect(struct rping *r)
{
	int ret;

	__atomic_add_fetch(&r->pending, 1, __ATOMIC_ACQ_REL);
	ret = ndk_disconnect(r->conn, res_request_cb, r);
	if (ret == NDK_PENDING) {
		ret = res_wait(r, &r->pending, 0, RPING_STEP_MS);
		if (ret == 0)
			ret = r->status;
	} else {
		__atomic_sub_fetch(&r->pending, 1, __ATOMIC_RELEASE);
	}
	if (ret == -ETIMEDOUT) {
		DBG(r, "the peer did not answer our disconnect; the QP is flushed\n");
		return 0;
	}
	if (ret != 0)
		fprintf(stderr, "droce-rping: disconnect: %s (%s)\n", droce_strerror(ret),
			ndk_status_name(ret));
	return ret;
}

static socklen_t
sa_len(const struct sockaddr_storage *ss)
{
	return ss->ss_family == AF_INET ? sizeof(struct sockaddr_in) :
					  sizeof(struct sockaddr_in6);
}

int
ping_client(struct rping *r)
{
	const struct rping_opts *o = r->o;
	int ret;

	ret = ndk_create_connector(r->ad, NULL, NULL, &r->conn);
	if (ret != 0 || post_recv(r) != 0) {
		fprintf(stderr, "droce-rping: connector: %s\n", droce_strerror(ret));
		return -1;
	}
	/* rping_init_conn_param(): one read each way; no private data. */
	ret = REQ(r, "connect", ndk_connect(r->conn, r->qp,
					    o->has_src ? (const void *)&o->src : NULL,
					    o->has_src ? sa_len(&o->src) : 0,
					    (const void *)&o->addr, sa_len(&o->addr), 1, 1, NULL, 0,
					    res_request_cb, r));
	if (ret == 0)
		ret = REQ(r, "complete_connect",
			  ndk_complete_connect(r->conn, on_disconnect, r, res_request_cb, r));
	if (ret != 0)
		return -1;
	DBG(r, "rdma_connect successful\n");
	r->state = ST_CONNECTED;
	ret = pings(r);
	if (ret != 0) {
		fprintf(stderr, "droce-rping: rping client failed after %d pings\n", r->pings);
		report_failure(r);
	}
	/* A failed disconnect (no DREP) fails the run too: the peer's CM did not answer. */
	if (disconnect(r) != 0)
		ret = -1;
	return ret;
}

static void
on_refused_closed(void *ctx)
{
	(void)ctx;
}

static void
on_connect_event(void *ctx, struct ndk_connector *conn)
{
	struct rping *r = ctx;

	struct ndk_connector *none = NULL;

	/* rping -s serves one connection: refuse the others. */
	if (!__atomic_compare_exchange_n(&r->incoming, &none, conn, false, __ATOMIC_ACQ_REL,
					 __ATOMIC_ACQUIRE)) {
		(void)ndk_reject(conn, NULL, 0);
		(void)ndk_close(&conn->header, on_refused_closed, NULL);
		return;
	}
	sem_post(&r->sem);
}

static int
listen_and_accept(struct rping *r)
{
	struct sockaddr_storage a = r->o->addr;
	uint32_t ird = 0, ord = 0, len = 0;
	int ret;

	ret = ndk_create_listener(r->ad, on_connect_event, r, NULL, NULL, &r->lis);
	if (ret == 0)
		ret = ndk_listen(r->lis, (struct sockaddr *)&a, sa_len(&a), NULL, NULL);
	if (ret != 0) {
		fprintf(stderr, "droce-rping: listen: %s\n", droce_strerror(ret));
		return -1;
	}
	printf("droce-rping: listening on port %u\n", r->o->tcp_port);
	fflush(stdout);
	while (__atomic_load_n(&r->incoming, __ATOMIC_ACQUIRE) == NULL) {
		if (rping_stop)
			return -1;
		res_nap(r, 100);
	}
	r->conn = r->incoming;
	if (ndk_get_connection_data(r->conn, &ird, &ord, NULL, &len) == 0)
		DBG(r, "connect request: ird %u ord %u\n", ird, ord);
	if (post_recv(r) != 0)
		return -1;
	/* rdma_accept(id, NULL) answers with the request's limits; rping asks for 1. */
	ret = REQ(r, "accept", ndk_accept(r->conn, r->qp, 1, 1, NULL, 0, on_disconnect, r,
					  res_request_cb, r));
	if (ret != 0)
		return -1;
	DBG(r, "accepted\n");
	r->state = ST_CONNECTED;
	return 0;
}

int
ping_server(struct rping *r)
{
	int ret;

	if (listen_and_accept(r) != 0)
		return -1;
	ret = serve(r);
	if (ret != 0) {
		fprintf(stderr, "droce-rping: rping server failed after %d pings\n", r->pings);
		report_failure(r);
	}
	if (disconnect(r) != 0)
		ret = -1;
	return ret;
}
