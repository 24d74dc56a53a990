/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * perftest's rdma_cm mode (-R), both roles. In perftest's order:
 *  1. the control connection (client: rdma_connect to port -p; server: the first
 *     connect request on -p), a one-SEND/one-RECV channel ("comm QP");
 *  2. the version string (16 bytes), page size and cache-line size (4 bytes each,
 *     big endian), the MTU as text (2 bytes) - each an exchange: the client sends and
 *     then receives, the server receives and then sends;
 *  3. a sync (a QP record), the -q data connections on the same port, a sync;
 *  4. afterwards the tests exchange QP records (rkey, vaddr: struct pingpong_dest in
 *     network byte order), syncs and reports the same way.
 * Each receive is reposted as soon as it is consumed, as perftest does.
 */
#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <droce/ndk_ext.h>

#include "perf.h"

/* Control-channel state: one send and one receive in flight at most. */
static int sends_done;
static int recv_len = -1;

static int
post_recv(struct perf *p)
{
	struct ndk_sge s = { .va = p->cbuf, .length = 64, .token = p->cmr_lkey };

	return ndk_receive(p->cqp, (void *)1, &s, 1);
}

/* Poll the control CQ once; returns < 0 on a failed completion. */
static int
ctl_poll(struct perf *p)
{
	struct ndk_result r[2];
	uint32_t n = res_poll(p, p->ccq, r, 2), i;

	for (i = 0; i < n; i++) {
		if (r[i].status != 0) {
			fprintf(stderr, "droce-perf: control channel: %s\n",
				ndk_status_name(r[i].status));
			return r[i].status;
		}
		if (r[i].request_context == (void *)1)
			recv_len = (int)r[i].bytes_transferred;
		else
			sends_done++;
	}
	return 0;
}

bool
conn_poll_peer(struct perf *p)
{
	(void)ctl_poll(p);
	return recv_len >= 0;
}

static int
ctl_wait(struct perf *p, bool want_recv, int sends)
{
	uint64_t end = perf_now_ns() + (uint64_t)PERF_STEP_MS * 1000000;
	uint32_t pass = 0;

	while (want_recv ? recv_len < 0 : sends_done < sends) {
		if (ctl_poll(p) != 0)
			return -ECONNRESET;
		/*
		 * A peer that left after our last message only fails a receive. Its last
		 * message completes before its DREQ can come (RC acknowledged it first), but
		 * the disconnect may be seen after a poll that came too early for that
		 * completion: poll once more before calling the channel gone.
		 */
		if (want_recv && recv_len < 0 &&
		    __atomic_load_n(&p->disconnected, __ATOMIC_ACQUIRE)) {
			if (ctl_poll(p) != 0 || recv_len < 0)
				return -ECONNRESET;
		}
		/* The clock every 16th pass (as run_once): a write_bw server waits here. */
		if (perf_stop || ((pass++ & 15) == 0 && perf_now_ns() > end))
			return perf_stop ? -EINTR : -ETIMEDOUT;
	}
	return 0;
}

static int
ctl_send(struct perf *p, const void *data, uint32_t len)
{
	struct ndk_sge s = { .va = p->cbuf + 64, .length = len, .token = p->cmr_lkey };
	int want = sends_done + 1;

	memcpy(p->cbuf + 64, data, len);
	if (ndk_send(p->cqp, (void *)2, &s, 1, 0) != 0)
		return -EIO;
	return ctl_wait(p, false, want);
}

static int
ctl_recv(struct perf *p, void *data, uint32_t len)
{
	int ret = ctl_wait(p, true, 0);

	if (ret != 0)
		return ret;
	memcpy(data, p->cbuf, len);
	recv_len = -1;
	return post_recv(p);
}

/* perftest's ctx_xchg_data(): the client writes first, the server reads first. */
int
conn_xchg(struct perf *p, const void *mine, void *theirs, uint32_t len)
{
	int ret;

	if (perf_server(p)) {
		ret = ctl_recv(p, theirs, len);
		if (ret == 0)
			ret = ctl_send(p, mine, len);
	} else {
		ret = ctl_send(p, mine, len);
		if (ret == 0)
			ret = ctl_recv(p, theirs, len);
	}
	if (ret != 0)
		fprintf(stderr, " Failed to exchange data between server and clients (%s)\n",
			droce_strerror(ret));
	return ret;
}

static void
dest_to_wire(const struct perf_dest *d, struct perf_dest *w)
{
	memset(w, 0, sizeof(*w));
	w->lid = htonl(d->lid);
	w->out_reads = htonl(d->out_reads);
	w->qpn = htonl(d->qpn);
	w->psn = htonl(d->psn);
	w->rkey = htonl(d->rkey);
	w->vaddr = htobe64(d->vaddr);
	memcpy(w->gid, d->gid, 16);
	w->srqn = htonl(d->srqn);
	w->gid_index = (int32_t)htonl((uint32_t)d->gid_index);
}

static void
dest_from_wire(const struct perf_dest *w, struct perf_dest *d)
{
	d->lid = ntohl(w->lid);
	d->out_reads = ntohl(w->out_reads);
	d->qpn = ntohl(w->qpn);
	d->psn = ntohl(w->psn);
	d->rkey = ntohl(w->rkey);
	d->vaddr = be64toh(w->vaddr);
	memcpy(d->gid, w->gid, 16);
}

/* perftest's ctx_hand_shake(): QP i's record each way (a sync when nothing changes). */
int
conn_hand_shake(struct perf *p, int i)
{
	struct perf_dest mine, theirs;
	int ret;

	dest_to_wire(&p->q[i].my, &mine);
	ret = conn_xchg(p, &mine, &theirs, PERF_DEST_LEN);
	if (ret == 0)
		dest_from_wire(&theirs, &p->q[i].rem);
	return ret;
}

static uint64_t
dbl_be(double v)
{
	uint64_t u;

	memcpy(&u, &v, sizeof(u));
	return htobe64(u);
}

static double
dbl_host(uint64_t u)
{
	double v;

	u = be64toh(u);
	memcpy(&v, &u, sizeof(v));
	return v;
}

/* perftest's xchg_bw_reports(): size, iterations, peak, average, message rate. */
int
conn_xchg_reports(struct perf *p, const struct perf_bw_rep *m, struct perf_bw_rep *t)
{
	uint64_t mine[5] = { htobe64(m->size), htobe64(m->iters), dbl_be(m->bw_peak),
			     dbl_be(m->bw_avg), dbl_be(m->msg_rate) };
	uint64_t theirs[5];
	int i, ret = 0;

	for (i = 0; i < 5 && ret == 0; i++)
		ret = conn_xchg(p, &mine[i], &theirs[i], 8);
	if (ret != 0)
		return ret;
	t->size = be64toh(theirs[0]);
	t->iters = be64toh(theirs[1]);
	t->bw_peak = dbl_host(theirs[2]);
	t->bw_avg = dbl_host(theirs[3]);
	t->msg_rate = dbl_host(theirs[4]);
	return 0;
}

static socklen_t
sa_len(const struct sockaddr_storage *ss)
{
	return ss->ss_family == AF_INET ? sizeof(struct sockaddr_in) :
					  sizeof(struct sockaddr_in6);
}

static void
on_disconnect(void *ctx)
{
	struct perf *p = ctx;

	__atomic_store_n(&p->disconnected, 1, __ATOMIC_RELEASE);
	sem_post(&p->sem);
}

/*
 * One rdma_connect(), as perftest's client: retried while the server is not there
 * (perftest's server listens for the data connections only once the control channel
 * has synced, so the first REQ may meet a REJ). A QP that went through a connect is not
 * taken by another one (ndk_connect: -EISCONN), so each retry gets a fresh *qp.
 */
/*
 * -u, --retry_count and the path MTU (-m, and what the MTU exchange agreed): the REQ
 * carries them and the server's QP takes them too (NDK_EXT_DROCE_CONN), as with
 * perftest's client under rdma_cm. perftest's 0 (no retries) is droce's default 7.
 */
static int
set_params(struct perf *p, struct ndk_connector *conn)
{
	struct droce_conn_params cp = { .ack_timeout = (uint8_t)p->o->qp_timeout,
					.retry_cnt = (uint8_t)p->o->retry_count,
					.path_mtu = p->path_mtu };
	const struct droce_conn_ext *x = NULL;
	int ret = ndk_query_extension(&conn->header, NDK_EXT_DROCE_CONN,
				      (struct ndk_version){ 1, 0 }, (const void **)&x);

	if (ret == 0)
		ret = x->set_params(conn, &cp);
	if (ret != 0)
		fprintf(stderr, "droce-perf: connection parameters: %s\n", droce_strerror(ret));
	return ret;
}

static int
connect_one(struct perf *p, struct ndk_qp **qp, bool control, uint32_t rd,
	    struct ndk_connector **out)
{
	const struct perf_opts *o = p->o;
	int tries, ret = -ECONNREFUSED;

	for (tries = 0; tries < 100 && !perf_stop; tries++) {
		if (tries > 0) {
			(void)ndk_close(&(*qp)->header, NULL, NULL);
			*qp = NULL;
			ret = res_create_qp(p, control, qp);
			if (ret != 0)
				break;
		}
		ret = ndk_create_connector(p->ad, NULL, NULL, out);
		if (ret == 0)
			ret = set_params(p, *out);
		if (ret != 0)
			break;
		__atomic_add_fetch(&p->pending, 1, __ATOMIC_ACQ_REL);
		ret = ndk_connect(*out, *qp, NULL, 0, (const struct sockaddr *)&o->addr,
				  sa_len(&o->addr), rd, rd, NULL, 0, res_request_cb, p);
		ret = ret == NDK_PENDING ? res_wait(p, &p->pending, 0, PERF_STEP_MS) : ret;
		if (ret == 0)
			ret = p->status;
		else
			__atomic_store_n(&p->pending, 0, __ATOMIC_RELEASE);
		if (ret == 0)
			return PREQ(p, "complete_connect",
				    ndk_complete_connect(*out, on_disconnect, p, res_request_cb,
							 p));
		(void)ndk_close(&(*out)->header, NULL, NULL);
		*out = NULL;
		if (ret != -ECONNREFUSED && ret != -ETIMEDOUT)
			break;
		usleep(100 * 1000);	/* perftest's retry delay */
	}
	fprintf(stderr, "droce-perf: cannot connect to the server: %s\n", droce_strerror(ret));
	return ret;
}

static void
on_connect_event(void *ctx, struct ndk_connector *conn)
{
	struct perf *p = ctx;
	int i = __atomic_load_n(&p->nb_incoming, __ATOMIC_ACQUIRE);

	if (i >= (int)(sizeof(p->incoming) / sizeof(p->incoming[0]))) {
		(void)ndk_reject(conn, NULL, 0);
		(void)ndk_close(&conn->header, NULL, NULL);
		return;
	}
	p->incoming[i] = conn;
	__atomic_store_n(&p->nb_incoming, i + 1, __ATOMIC_RELEASE);
	sem_post(&p->sem);
}

/* The next connect request, accepted on qp with the read limits it asked for (capped). */
static int
accept_one(struct perf *p, struct ndk_qp *qp, struct ndk_connector **out)
{
	uint32_t ird = 0, ord = 0, len = 0;
	unsigned int ms = p->nb_taken == 0 ? 24u * 3600 * 1000 : PERF_STEP_MS;
	int ret = res_wait(p, &p->nb_incoming, p->nb_taken + 1, ms);

	if (ret != 0) {
		fprintf(stderr, "droce-perf: no connect request: %s\n", droce_strerror(ret));
		return ret;
	}
	*out = p->incoming[p->nb_taken++];
	(void)ndk_get_connection_data(*out, &ird, &ord, NULL, &len);
	return PREQ(p, "accept", ndk_accept(*out, qp, ird, ord, NULL, 0, on_disconnect, p,
					    res_request_cb, p));
}

static int
listen_port(struct perf *p)
{
	struct sockaddr_storage a = p->o->addr;
	int ret;

	ret = ndk_create_listener(p->ad, on_connect_event, p, NULL, NULL, &p->lis);
	if (ret == 0)
		ret = ndk_listen(p->lis, (struct sockaddr *)&a, sa_len(&a), NULL, NULL);
	if (ret != 0)
		fprintf(stderr, "droce-perf: listen on port %u: %s\n", p->o->tcp_port,
			droce_strerror(ret));
	return ret;
}

/* perftest's exchange_versions(), check_sys_data() and check_mtu(). */
static int
exchange_params(struct perf *p)
{
	char ver[16] = PERF_VERSION, mtu[2], rmtu[3] = { 0 };
	uint32_t page = htonl(PERF_CYCLE_BUFFER), line = htonl(PERF_CACHE_LINE), r;
	int ibv_mtu = 0, ret;

	for (r = p->path_mtu; r > 128; r >>= 1)
		ibv_mtu++;			/* IBV_MTU_256 = 1 ... IBV_MTU_4096 = 5 */
	mtu[0] = (char)('0' + ibv_mtu);
	mtu[1] = '\0';
	ret = conn_xchg(p, ver, p->rem_version, sizeof(ver));
	p->rem_version[15] = '\0';
	if (ret == 0 && atof(p->rem_version) < 5.70) {
		fprintf(stderr, "Current implementation is not compatible with versions older"
			" than 5.70\n");
		return -EPROTO;
	}
	if (ret == 0)
		ret = conn_xchg(p, &page, &r, 4);
	if (ret == 0)
		ret = conn_xchg(p, &line, &r, 4);
	if (ret == 0)
		ret = conn_xchg(p, mtu, rmtu, 2);
	if (ret == 0 && rmtu[0] >= '1' && rmtu[0] < '0' + ibv_mtu)
		p->path_mtu = 128u << (rmtu[0] - '0');
	return ret;
}

/* This side's QP records: what perftest's set_up_connection() fills in. */
static void
fill_dests(struct perf *p)
{
	const struct droce_qp_ext *ext = NULL;
	uint8_t gid[16] = { 0 }, plen;
	int i;

	(void)ndk_query_extension(&p->q[0].qp->header, NDK_EXT_DROCE_QP,
				  (struct ndk_version){ 1, 0 }, (const void **)&ext);
	(void)droce_addr_parse(p->o->port.ips[0], gid, &plen);
	for (i = 0; i < p->o->qps; i++) {
		struct perf_dest *d = &p->q[i].my;

		memset(d, 0, sizeof(*d));
		d->out_reads = p->o->verb == PERF_READ || p->o->verb == PERF_ATOMIC ?
			       p->max_ord : 0;
		d->qpn = ext != NULL ? ext->qpn(p->q[i].qp) : 0;
		d->psn = (uint32_t)lrand48() & 0xffffff;
		d->rkey = ndk_get_remote_token_mr(p->mr);
		d->vaddr = (uint64_t)(uintptr_t)p->q[i].dst;
		memcpy(d->gid, gid, 16);
		d->gid_index = 1;
	}
}

static int
data_connections(struct perf *p)
{
	uint32_t rd = p->o->verb == PERF_READ || p->o->verb == PERF_ATOMIC ? p->max_ord : 0;
	int i, ret = 0;

	for (i = 0; i < p->o->qps && ret == 0; i++) {
		struct perf_qp *q = &p->q[i];

		q->src = p->buf + p->buf_region * (size_t)i;
		q->dst = p->buf + p->buf_region * (size_t)(p->o->qps + i);
		ret = res_create_qp(p, false, &q->qp);
		if (ret == 0)
			ret = perf_server(p) ? accept_one(p, q->qp, &q->conn) :
					       connect_one(p, &q->qp, false, rd, &q->conn);
		if (ret == 0)
			p->nq++;
	}
	return ret;
}

int
conn_setup(struct perf *p)
{
	int ret;

	if (perf_server(p)) {
		ret = listen_port(p);
		if (ret != 0)
			return ret;
		printf("\n************************************\n"
		       "* Waiting for client to connect... *\n"
		       "************************************\n");
		fflush(stdout);
		ret = post_recv(p);
		if (ret == 0)
			ret = accept_one(p, p->cqp, &p->cconn);
	} else {
		/* The receive after connecting: a retry replaces the QP (the client sends
		 * first, so nothing arrives before it is posted). */
		ret = connect_one(p, &p->cqp, true, 0, &p->cconn);
		if (ret == 0)
			ret = post_recv(p);
	}
	if (ret == 0)
		ret = exchange_params(p);
	/* create_rdma_cm_connection(): sync, the data connections, sync. */
	if (ret == 0)
		ret = conn_hand_shake(p, 0);
	if (ret == 0)
		ret = data_connections(p);
	if (ret == 0)
		ret = conn_hand_shake(p, 0);
	if (ret == 0)
		fill_dests(p);
	return ret;
}

/* Disconnect every connection at once and wait (the peer may have gone already). */
void
conn_teardown(struct perf *p)
{
	int i;

	__atomic_store_n(&p->pending, 0, __ATOMIC_RELEASE);
	for (i = 0; i < p->nq; i++) {
		__atomic_add_fetch(&p->pending, 1, __ATOMIC_ACQ_REL);
		if (ndk_disconnect(p->q[i].conn, res_request_cb, p) != NDK_PENDING)
			__atomic_sub_fetch(&p->pending, 1, __ATOMIC_RELEASE);
	}
	if (p->cconn != NULL) {
		__atomic_add_fetch(&p->pending, 1, __ATOMIC_ACQ_REL);
		if (ndk_disconnect(p->cconn, res_request_cb, p) != NDK_PENDING)
			__atomic_sub_fetch(&p->pending, 1, __ATOMIC_RELEASE);
	}
	(void)res_wait(p, &p->pending, 0, 10000);
}
