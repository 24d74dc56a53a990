/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The latency tests, as perftest runs them (one QP, one request at a time):
 *  write_lat: ping-pong by RDMA WRITE; each side spins on the last byte of its sink
 *    for the iteration number the peer wrote there (run_iter_lat_write()); the server
 *    writes first;
 *  send_lat: ping-pong by SEND (run_iter_lat_send()); the server polls its receive
 *    first, so the client sends first;
 *  read_lat, atomic_lat: the client reads (or runs an atomic on the server's first 8
 *    bytes), one at a time; the server only waits.
 * Ping-pong samples are the time between two of our posts, halved (one way); read
 * samples are post to completion. Both roles of a ping-pong report.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "perf.h"

struct lat_run {
	uint64_t size, iters, end;	/* end: deadline in ns with -D, else 0 */
	uint64_t rsize;			/* receive buffers: the largest size */
	bool timed;
};

static bool
expired(const struct lat_run *l)
{
	return perf_stop || (l->timed && perf_now_ns() >= l->end);
}

/* One iteration's latency: kept while there is room (-D: the first million), counted. */
static void
sample(struct perf *p, const struct lat_run *l, uint64_t ns)
{
	if (p->nsamples < l->iters)
		p->samples[p->nsamples++] = ns;
	p->done++;
	p->lat_sum_ns += ns;
}

/*
 * The peer disconnected while we wait for its message: it failed (its message would
 * have come before its DREQ). Seen once, one more poll is given to the message.
 */
static bool
peer_gone(struct perf *p, int *seen)
{
	if (!__atomic_load_n(&p->disconnected, __ATOMIC_ACQUIRE) || (*seen)++ == 0)
		return false;
	fprintf(stderr, " The peer disconnected before its message\n");
	return true;
}

/* One signalled request (imm: its number, with --*_with_imm); waits for its completion. */
static int
post_wait(struct perf *p, uint64_t size, bool read, uint32_t imm)
{
	struct perf_qp *q = &p->q[0];
	struct ndk_sge s = { .va = q->src, .length = (uint32_t)size, .token = p->lkey };
	uint32_t flags = !read && size <= (uint64_t)p->o->inline_size ? NDK_OP_FLAG_INLINE : 0;
	struct ndk_result r;
	int ret;

	if (p->o->imm)
		ret = res_post_imm(p, q, NULL, &s, flags, imm);
	else if (read && p->o->verb == PERF_ATOMIC)
		ret = res_post_atomic(p, q, NULL, 0);
	else if (read)
		ret = ndk_read(q->qp, NULL, &s, 1, q->rem.vaddr, q->rem.rkey, 0);
	else if (p->o->verb == PERF_WRITE)
		ret = ndk_write(q->qp, NULL, &s, 1, q->rem.vaddr, q->rem.rkey, flags);
	else
		ret = ndk_send(q->qp, NULL, &s, 1, flags);
	if (ret != 0) {
		fprintf(stderr, "Couldn't post send: %s\n", droce_strerror(ret));
		return ret;
	}
	while (res_poll(p, p->scq, &r, 1) == 0)
		if (perf_stop)
			return -EINTR;
	if (r.status != 0) {
		fprintf(stderr, " Completion with error: %s\n", ndk_status_name(r.status));
		return r.status;
	}
	return 0;
}

static int
post_recv(struct perf *p, uint64_t size)
{
	struct ndk_sge s = { .va = p->q[0].dst, .length = (uint32_t)size, .token = p->lkey };

	if (p->srq != NULL)
		return ndk_srq_receive(p->srq, NULL, &s, 1);
	return ndk_receive(p->q[0].qp, NULL, &s, 1);
}

/*
 * Wait for the peer's n-th message: a byte in our sink (WRITE) or a receive (SEND, and
 * WRITE with immediate data, whose imm is n).
 */
static int
wait_peer(struct perf *p, const struct lat_run *l, uint64_t n)
{
	volatile char *poll_buf = p->q[0].dst + l->size - 1;
	struct ndk_result_ex r;
	int ret, seen = 0;

	if (p->o->verb == PERF_WRITE && !p->o->imm) {
		while (*poll_buf != (char)n) {
			if (expired(l))
				return -ETIMEDOUT;
			if (peer_gone(p, &seen))
				return -ECONNRESET;
			res_idle(p);	/* poll the engine that writes it, or yield to it */
		}
		return 0;
	}
	while (res_poll_ex(p, p->rcq, &r, 1) == 0) {
		if (expired(l))
			return -ETIMEDOUT;
		if (peer_gone(p, &seen))
			return -ECONNRESET;
	}
	ret = res_check_recv(p, &r, n);
	if (ret != 0)
		return ret;
	/* The last byte carries the iteration number. */
	if (p->o->validate && bw_check(p, p->q[0].dst, l->size - 1) != 0)
		return -EBADMSG;
	return post_recv(p, l->rsize);
}

/*
 * perftest's run_iter_lat_write() / run_iter_lat_send(): the first mover (write: the
 * server, send: the client) posts first; then each side waits for the peer's n-th
 * message before posting its own n-th (n + 1-th for the first mover), until both sent
 * and received -n messages.
 */
static int
ping_pong(struct perf *p, struct lat_run *l)
{
	bool first = p->o->verb == PERF_WRITE ? perf_server(p) : !perf_server(p);
	uint64_t scnt = 0, rcnt = 0, prev = 0, now;
	int ret;

	while (l->timed || scnt < l->iters || rcnt < l->iters) {
		if ((l->timed || rcnt < l->iters) && !(first && scnt == 0)) {
			ret = wait_peer(p, l, ++rcnt);
			if (ret == -ETIMEDOUT && l->timed)
				break;
			if (ret != 0)
				return ret;
		}
		if (!l->timed && scnt >= l->iters)
			continue;
		if (expired(l))
			break;
		now = perf_now_ns();
		if (scnt > 0)
			sample(p, l, (now - prev) / 2);
		prev = now;
		p->q[0].src[l->size - 1] = (char)++scnt;
		ret = post_wait(p, l->size, false, (uint32_t)scnt);
		if (ret != 0)
			return ret;
	}
	return 0;
}

/*
 * --data_validation of an atomic's result: fetch-and-add returns the number of adds
 * before it (the target started at 0), compare-and-swap of 0 for 0 always 0.
 */
static int
check_atomic(struct perf *p, uint64_t i)
{
	uint64_t v, want = p->o->cmp_swap ? 0 : i * PERF_ATOMIC_ADD;

	memcpy(&v, p->q[0].src, sizeof(v));
	if (v == want)
		return 0;
	fprintf(stderr, " Data validation failed: atomic %lu returned %lu, expected %lu\n",
		(unsigned long)i, (unsigned long)v, (unsigned long)want);
	p->validate_errors++;
	return -EBADMSG;
}

/* perftest's run_iter_lat() for READ and ATOMIC: post, wait, sample. */
static int
reads(struct perf *p, struct lat_run *l)
{
	bool atomic = p->o->verb == PERF_ATOMIC;
	uint64_t t, i;
	int ret;

	for (i = 0; l->timed || i < l->iters; i++) {
		if (expired(l))
			break;
		t = perf_now_ns();
		ret = post_wait(p, l->size, true, 0);
		if (ret != 0)
			return ret;
		sample(p, l, perf_now_ns() - t);
		if (atomic && p->o->validate && check_atomic(p, i) != 0)
			return -EBADMSG;
	}
	if (p->o->validate && !atomic)
		return bw_check(p, p->q[0].src, l->size);
	return 0;
}

static int
one_size(struct perf *p, uint64_t size, uint64_t rsize)
{
	const struct perf_opts *o = p->o;
	struct lat_run l = { .size = size, .rsize = rsize, .timed = o->duration > 0 };
	int ret;

	/* send_lat: a sync before each size, once the receives are up (perftest posts -r
	 * receives for the size first; ours, of the largest size, are reposted). */
	if (perf_receives(o)) {
		ret = conn_hand_shake(p, 0);
		if (ret != 0)
			return ret;
	}
	/* With -D the samples array holds the first million; all count in t_avg. */
	l.iters = l.timed ? 1000000 : o->iters;
	l.end = perf_now_ns() + (uint64_t)o->duration * 1000000000ull;
	p->nsamples = p->done = p->lat_sum_ns = 0;
	p->t_start = perf_now_ns();
	if (o->verb >= PERF_READ)
		memset(p->q[0].src, 0, size);
	ret = o->verb >= PERF_READ ? reads(p, &l) : ping_pong(p, &l);
	p->t_end = perf_now_ns();
	if (ret == 0) {
		res_cpu_sample(p, 1);
		report_lat_line(p, size);
	}
	return ret;
}

int
lat_run(struct perf *p)
{
	const struct perf_opts *o = p->o;
	uint64_t lo = o->all ? 2 : o->size, hi = o->all ? (o->size_set ? o->size :
							       PERF_MAX_SIZE) : o->size;
	bool active = o->verb < PERF_READ || !perf_server(p);
	uint64_t size;
	int ret, k;

	p->samples = calloc(o->duration > 0 ? 1000000 : o->iters, sizeof(*p->samples));
	if (p->samples == NULL)
		return -ENOMEM;
	if (o->validate && o->verb != PERF_ATOMIC) {	/* atomics: targets start at 0 */
		bw_fill(p, hi);
		memcpy(p->q[0].dst, p->q[0].src, hi);	/* what a READ serves */
	}
	/*
	 * perftest's records before the run: write_lat, read_lat and atomic_lat sync,
	 * exchange the QP's record twice and sync after RTR; send_lat exchanges the
	 * record, syncs after RTR and exchanges the record again (send_bw's order).
	 */
	ret = conn_hand_shake(p, 0);
	if (ret == 0)
		ret = conn_hand_shake(p, 0);
	if (ret == 0)
		ret = conn_hand_shake(p, 0);
	if (ret == 0 && o->verb != PERF_SEND)
		ret = conn_hand_shake(p, 0);
	for (k = 0; ret == 0 && perf_receives(o) && k < o->rx_depth; k++)
		ret = post_recv(p, hi);
	if (ret != 0)
		return ret;
	report_dests(p);
	if (active)
		report_lat_header(p);
	res_cpu_sample(p, 0);
	for (size = lo; active && size <= hi && ret == 0; size *= 2)
		ret = one_size(p, size, hi);
	if (active)
		report_line();
	/* ctx_close_connection(): write_lat ends without it. */
	if (ret == 0 && o->verb != PERF_WRITE)
		ret = conn_hand_shake(p, 0);
	return ret;
}
