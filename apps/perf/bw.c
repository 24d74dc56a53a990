/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The bandwidth tests, perftest's run_iter_bw() / run_iter_bw_server() / run_iter_bi()
 * on NDK: each QP keeps -t requests outstanding, posted -l at a time (all but the last
 * with DEFER, so one doorbell submits the list), every -Q'th one signalled and the rest
 * SILENT_SUCCESS (a signalled completion retires the silent ones before it: RC
 * completes in order). Completions are taken 64 at a time; nothing is allocated and no
 * lock is taken on this path. The message order on the control channel around a run is
 * perftest's for each test (see run_sizes()).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "perf.h"

#define BURST		64
#define CTX_QP_SHIFT	20

/* --data_validation's pattern: byte i of every message is (i * 7 + 3) & 0xff. */
void
bw_fill(struct perf *p, uint64_t size)
{
	int i;
	uint64_t k;

	for (i = 0; i < p->o->qps; i++)
		for (k = 0; k < size; k++)
			p->q[i].src[k] = (char)((k * 7 + 3) & 0xff);
	/* Tests prove the check works by corrupting one byte on the sender. */
	if (getenv("DROCE_PERF_TEST_CORRUPT") != NULL)
		for (i = 0; i < p->o->qps; i++)
			p->q[i].src[size / 2] ^= 0x5a;
}

int
bw_check(struct perf *p, const char *buf, uint64_t size)
{
	uint64_t k;

	for (k = 0; k < size; k++)
		if (buf[k] != (char)((k * 7 + 3) & 0xff)) {
			if (p->validate_errors++ == 0)
				fprintf(stderr, " Data validation failed: byte %lu of a %lu-byte"
					" message is 0x%02x, expected 0x%02x\n",
					(unsigned long)k, (unsigned long)size,
					(unsigned char)buf[k], (unsigned)((k * 7 + 3) & 0xff));
			return -EBADMSG;
		}
	return 0;
}

static int
post_one(struct perf *p, int i, uint64_t size, bool signal, bool defer)
{
	struct perf_qp *q = &p->q[i];
	struct ndk_sge s = { .va = q->src, .length = (uint32_t)size, .token = p->lkey };
	uint32_t flags = defer ? NDK_OP_FLAG_DEFER : 0;
	void *ctx = NULL;

	if (signal) {
		ctx = (void *)(uintptr_t)(((uint64_t)i << CTX_QP_SHIFT) | (q->unsignaled + 1));
		q->unsignaled = 0;
	} else {
		flags |= NDK_OP_FLAG_SILENT_SUCCESS;
		q->unsignaled++;
	}
	if (p->o->verb < PERF_READ && size <= (uint64_t)p->o->inline_size)
		flags |= NDK_OP_FLAG_INLINE;
	q->scnt++;
	if (p->o->imm)		/* the message's number on its QP */
		return res_post_imm(p, q, ctx, &s, flags, (uint32_t)(q->scnt - 1));
	switch (p->o->verb) {
	case PERF_WRITE:
		return ndk_write(q->qp, ctx, &s, 1, q->rem.vaddr, q->rem.rkey, flags);
	case PERF_READ:		/* into the source region: cleared before the run */
		return ndk_read(q->qp, ctx, &s, 1, q->rem.vaddr, q->rem.rkey, flags);
	case PERF_ATOMIC:
		return res_post_atomic(p, q, ctx, flags);
	default:
		return ndk_send(q->qp, ctx, &s, 1, flags);
	}
}

/* Fill QP i's send queue: whole post lists while they fit. */
static int
fill_sq(struct perf *p, int i, uint64_t size, uint64_t iters, bool timed)
{
	const struct perf_opts *o = p->o;
	struct perf_qp *q = &p->q[i];
	int k, ret;

	while ((timed || q->scnt < iters) &&
	       q->scnt - q->ccnt + (uint64_t)o->post_list <= (uint64_t)o->tx_depth) {
		for (k = 0; k < o->post_list && (timed || q->scnt < iters); k++) {
			bool last = k == o->post_list - 1 || (!timed && q->scnt + 1 == iters);
			bool sig = (q->scnt + 1) % (uint64_t)o->cq_mod == 0 ||
				   (!timed && q->scnt + 1 == iters);

			ret = post_one(p, i, size, sig, !last);
			if (ret != 0) {
				fprintf(stderr, " Couldn't post send: qp %d scnt=%lu: %s\n", i,
					(unsigned long)q->scnt, droce_strerror(ret));
				return ret;
			}
		}
	}
	return 0;
}

static int
post_recv(struct perf *p, int i, uint64_t size)
{
	struct perf_qp *q = &p->q[p->srq != NULL ? 0 : i];
	struct ndk_sge s = { .va = q->dst, .length = (uint32_t)size, .token = p->lkey };

	if (p->srq != NULL)
		return ndk_srq_receive(p->srq, (void *)(uintptr_t)i, &s, 1);
	return ndk_receive(q->qp, (void *)(uintptr_t)i, &s, 1);
}

/*
 * The messages one receive queue takes in a run of -n: each QP's, or all of them through
 * the SRQ; 0 with -D (no end known).
 */
static uint64_t
rq_msgs(const struct perf *p)
{
	const struct perf_opts *o = p->o;

	if (o->duration > 0)
		return 0;
	return o->iters * (p->srq != NULL ? (uint64_t)o->qps : 1);
}

/*
 * perftest's ctx_set_recv_wqes(): -r receives per QP (or in the SRQ), no more than the
 * run's messages, and run_iter_bw_server() reposts only while more are to come, so every
 * receive queue is empty after a run of -n and the next size (-a) posts afresh.
 */
static int
post_recvs(struct perf *p, uint64_t size)
{
	int i, k, n = p->srq != NULL ? 1 : p->o->qps, ret;
	uint64_t depth = (uint64_t)p->o->rx_depth, msgs = rq_msgs(p);

	if (msgs != 0 && msgs < depth)
		depth = msgs;
	for (i = 0; i < n; i++)
		for (k = 0; k < (int)depth; k++) {
			ret = post_recv(p, i, size);
			if (ret != 0) {
				fprintf(stderr, " Failed to post receive recv_wqes: %s\n",
					droce_strerror(ret));
				return ret;
			}
		}
	return 0;
}

/*
 * Peak: the best rate over windows of at least a tenth of the run (or 100 ms), each at
 * least PEAK_MIN_NS long: completions are taken in bursts, and a burst over a few
 * microseconds is no rate (a receiver that polled 64 completions at once saw 1000x its
 * average). A window ends only with a completion, so it spans whole completion
 * intervals: with -Q 100, the 100 messages a completion retires were posted since the
 * previous one, not within the last window of no completions. A run shorter than that
 * reports its average as its peak.
 */
#define PEAK_MIN_NS	10000000ull

struct peak {
	uint64_t t0, n0, win_msgs, win_ns;
};

static void
peak_update(struct perf *p, struct peak *pk, uint64_t size, uint64_t now)
{
	double bw;

	if (p->done == pk->n0 || now - pk->t0 < PEAK_MIN_NS ||
	    (p->done - pk->n0 < pk->win_msgs && now - pk->t0 < pk->win_ns))
		return;
	if (now > pk->t0) {
		bw = (double)((p->done - pk->n0) * size) / (double)(now - pk->t0);
		if (bw > p->peak_bw)
			p->peak_bw = bw;
	}
	pk->t0 = now;
	pk->n0 = p->done;
}

static int
on_send_done(struct perf *p, const struct ndk_result *r)
{
	uintptr_t c = (uintptr_t)r->request_context;
	struct perf_qp *q = &p->q[c >> CTX_QP_SHIFT];
	uint64_t n = c & ((1u << CTX_QP_SHIFT) - 1);

	if (r->status != 0) {
		fprintf(stderr, " Completion with error at client: %s (qp %lu, ccnt %lu)\n",
			ndk_status_name(r->status), (unsigned long)(c >> CTX_QP_SHIFT),
			(unsigned long)q->ccnt);
		return r->status;
	}
	q->ccnt += n;
	p->done += n;
	return 0;
}

/*
 * A receive. It counts in the rate only on a side that does not send: with -b each side
 * reports its sends, as perftest's run_iter_bi(), and the two reports are summed.
 */
static int
on_recv_done(struct perf *p, const struct ndk_result_ex *r, uint64_t size, bool count)
{
	uint64_t msgs = rq_msgs(p);
	int i = (int)(uintptr_t)r->request_context;
	struct perf_qp *q = &p->q[p->srq != NULL ? 0 : i];
	/* Through an SRQ the QPs' messages mix: their numbers are checked only per QP. */
	uint64_t seq = p->srq != NULL && p->o->qps > 1 ? r->type_specific : q->rcnt;
	int ret = res_check_recv(p, r, seq);

	if (ret != 0 && ret != -EBADMSG)
		return ret;
	if (p->o->validate && (r->bytes_transferred != size || bw_check(p, q->dst, size)))
		p->validate_errors += r->bytes_transferred != size;
	q->rcnt++;
	p->done += count;
	if (msgs != 0 && q->rcnt + (uint64_t)p->o->rx_depth > msgs)
		return 0;	/* the receives still posted take the rest */
	return post_recv(p, i, size);
}

static void
progress(struct perf *p, uint64_t size, uint64_t now, uint64_t *next, uint64_t *last_done)
{
	double secs = 1.0;

	if (now < *next)
		return;
	fprintf(stderr, " [%lu s] %.2f MiB/sec\n",
		(unsigned long)((now - p->t_start) / 1000000000ull),
		(double)((p->done - *last_done) * size) / secs / 1048576.0);
	*last_done = p->done;
	*next += 1000000000ull;
}

/*
 * One run at one size. send: the client sends, the server receives (-b: both); other
 * verbs: the client posts (-b: both) and the peer's CPU takes no part.
 */
static int
run_once(struct perf *p, uint64_t size, uint64_t iters)
{
	const struct perf_opts *o = p->o;
	bool sender = !perf_server(p) || o->bidir;
	bool receiver = perf_receives(o) && (perf_server(p) || o->bidir);
	bool timed = o->duration > 0;
	uint64_t want_s = sender ? iters * (uint64_t)o->qps : 0;
	uint64_t want_r = receiver ? iters * (uint64_t)o->qps : 0;
	uint64_t sent = 0, rcvd = 0, now = 0, end, next, last = 0;
	struct ndk_result r[BURST];
	struct ndk_result_ex rx[BURST];
	struct peak pk = { .win_msgs = (want_s + want_r) / 10 + 1, .win_ns = 100000000 };
	uint32_t n, k, pass = 0;
	int i, ret, gone = 0;

	for (i = 0; i < o->qps; i++)
		p->q[i].scnt = p->q[i].ccnt = p->q[i].rcnt = p->q[i].unsignaled = 0;
	p->done = 0;
	p->peak_bw = 0;
	p->t_start = pk.t0 = perf_now_ns();
	end = p->t_start + (uint64_t)o->duration * 1000000000ull;
	next = p->t_start + 1000000000ull;
	for (;;) {
		/*
		 * The clock every 16th pass: a read of the TSC costs ~10 ns on these guests,
		 * 7 % of a 64 B client when read every pass. A pass polls a CQ at least, so
		 * the clock the deadline and the peak window see lags by well under 1 us.
		 */
		if ((pass++ & 15) == 0)
			now = perf_now_ns();
		if (timed && (now >= end || (!sender && conn_poll_peer(p))))
			break;
		if (!timed && sent >= want_s && rcvd >= want_r)
			break;
		if (perf_stop)
			return -EINTR;
		/* A peer that left before its last message failed; one more poll first. */
		if (!timed && __atomic_load_n(&p->disconnected, __ATOMIC_ACQUIRE) && gone++ > 0) {
			fprintf(stderr, " The peer disconnected after %lu of %lu messages\n",
				(unsigned long)rcvd, (unsigned long)want_r);
			return -ECONNRESET;
		}
		for (i = 0; sender && (timed || sent < want_s) && i < o->qps; i++) {
			ret = fill_sq(p, i, size, iters, timed);
			if (ret != 0)
				return ret;
		}
		n = sender ? res_poll(p, p->scq, r, BURST) : 0;
		for (k = 0; k < n; k++) {
			uint64_t before = p->done;

			if (on_send_done(p, &r[k]) != 0)
				return -EIO;
			sent += p->done - before;
		}
		n = receiver ? res_poll_ex(p, p->rcq, rx, BURST) : 0;
		for (k = 0; k < n; k++, rcvd++)
			if (on_recv_done(p, &rx[k], size, !sender) != 0)
				return -EIO;
		peak_update(p, &pk, size, now);
		if (timed)
			progress(p, size, now, &next, &last);
	}
	p->t_end = perf_now_ns();
	peak_update(p, &pk, size, p->t_end);
	if (sender && o->verb == PERF_READ && o->validate)
		for (i = 0; i < o->qps; i++)
			(void)bw_check(p, p->q[i].src, size);
	return 0;
}

/* Wait for every signalled request of a timed run, so the QPs are idle afterwards. */
static void
drain(struct perf *p)
{
	struct ndk_result r[BURST];
	uint64_t end = perf_now_ns() + 2000000000ull;
	uint32_t n, k;
	int i, busy;

	do {
		n = res_poll(p, p->scq, r, BURST);
		for (k = 0; k < n; k++)
			(void)on_send_done(p, &r[k]);
		for (busy = 0, i = 0; i < p->o->qps; i++)
			busy |= p->q[i].scnt - p->q[i].unsignaled > p->q[i].ccnt;
	} while (busy && perf_now_ns() < end);
}

static int
one_size(struct perf *p, uint64_t size, struct perf_bw_rep *mine)
{
	const struct perf_opts *o = p->o;
	uint64_t iters = o->duration > 0 ? 0 : o->iters;
	int i, ret;

	if (o->validate && o->verb == PERF_READ)
		for (i = 0; i < o->qps; i++)
			memset(p->q[i].src, 0, size);
	ret = run_once(p, size, iters);
	if (ret != 0)
		return ret;
	if (o->duration > 0)
		drain(p);
	res_cpu_sample(p, 1);
	/* perftest's #iterations counts every QP's messages (-q 2 -n 100: 200). */
	report_bw_rep(p, size, o->duration > 0 ? p->done : o->iters * (uint64_t)o->qps, mine);
	return 0;
}

/* Both sides' results as one line (-b), as perftest's print_full_bw_report(). */
static void
print_sum(struct perf *p, const struct perf_bw_rep *a, const struct perf_bw_rep *b)
{
	struct perf_bw_rep s = *a;

	s.bw_peak += b->bw_peak;
	s.bw_avg += b->bw_avg;
	s.msg_rate += b->msg_rate;
	report_bw_line(p, &s);
	(void)report_json_bw(p, &s);
}

/*
 * --data_validation of what the peer did to our sinks: WRITE, the last (largest) message
 * it wrote; fetch-and-add, one add per message it reported (every QP's target word
 * started at 0); compare-and-swap (0 for 0), nothing changed.
 */
static void
check_written(struct perf *p, uint64_t size, uint64_t peer_msgs)
{
	uint64_t sum = 0, v;
	int i;

	if (!p->o->validate)
		return;
	for (i = 0; i < p->o->qps; i++) {
		if (p->o->verb == PERF_WRITE)
			(void)bw_check(p, p->q[i].dst, size);
		memcpy(&v, p->q[i].dst, sizeof(v));
		sum += v;
	}
	if (p->o->verb != PERF_ATOMIC || sum == (p->o->cmp_swap ? 0 : peer_msgs))
		return;
	fprintf(stderr, " Data validation failed: the atomic targets hold %lu in all, expected"
		" %lu\n", (unsigned long)sum, (unsigned long)(p->o->cmp_swap ? 0 : peer_msgs));
	p->validate_errors++;
}

/* write/read bw: the server only waits for the client's report (unless -b). */
static int
rdma_sizes(struct perf *p, uint64_t lo, uint64_t hi)
{
	struct perf_bw_rep mine = { 0 }, theirs = { 0 };
	uint64_t size;
	int ret = 0;

	if (perf_server(p) && !p->o->bidir) {
		ret = conn_hand_shake(p, 0);
		if (ret == 0)
			ret = conn_xchg_reports(p, &mine, &theirs);
		if (ret == 0) {
			report_bw_line(p, &theirs);
			(void)report_json_bw(p, &theirs);
			check_written(p, hi, theirs.iters);
		}
		return ret;
	}
	for (size = lo; size <= hi && ret == 0; size *= 2) {
		if (p->o->bidir)
			ret = conn_hand_shake(p, 0);
		if (ret == 0)
			ret = one_size(p, size, &mine);
		if (ret == 0 && p->o->bidir && p->o->all)
			ret = conn_hand_shake(p, 0);
		if (ret != 0)
			break;
		if (!p->o->bidir) {
			report_bw_line(p, &mine);
			(void)report_json_bw(p, &mine);
		} else {
			ret = conn_xchg_reports(p, &mine, &theirs);
			if (ret == 0)
				print_sum(p, &mine, &theirs);
		}
	}
	if (ret == 0 && !p->o->bidir) {
		ret = conn_hand_shake(p, 0);
		if (ret == 0)
			ret = conn_xchg_reports(p, &mine, &theirs);
	}
	if (ret == 0 && p->o->bidir)
		check_written(p, hi, theirs.iters);
	return ret;
}

/*
 * send bw (and write bw with immediate data): receives posted before a sync, both sides
 * report (send_bw.c's order).
 */
static int
send_sizes(struct perf *p, uint64_t lo, uint64_t hi)
{
	struct perf_bw_rep mine = { 0 }, theirs = { 0 };
	uint64_t size;
	int ret = 0;

	for (size = lo; size <= hi && ret == 0; size *= 2) {
		if (perf_server(p) || p->o->bidir)
			ret = post_recvs(p, size);	/* SEND or WRITE with imm */
		if (ret == 0)
			ret = conn_hand_shake(p, 0);
		if (ret == 0)
			ret = one_size(p, size, &mine);
		if (ret != 0)
			break;
		if (!p->o->bidir) {
			report_bw_line(p, &mine);
			(void)report_json_bw(p, &mine);
		} else {
			ret = conn_xchg_reports(p, &mine, &theirs);
			if (ret == 0)
				print_sum(p, &mine, &theirs);
		}
		if (ret == 0 && p->o->all)
			ret = conn_hand_shake(p, 0);
		/* Receives left over from a timed run are flushed at disconnect. */
	}
	return ret;
}

int
bw_run(struct perf *p)
{
	const struct perf_opts *o = p->o;
	uint64_t lo = o->all ? 2 : o->size, hi = o->all ? (o->size_set ? o->size :
							       PERF_MAX_SIZE) : o->size;
	int i, ret = 0;

	if (o->validate) {
		/* Sources hold the pattern; READ serves it from the sink regions. */
		bw_fill(p, hi);
		for (i = 0; i < o->qps; i++)
			if (o->verb == PERF_READ)
				memcpy(p->q[i].dst, p->q[i].src, hi);
	}
	/*
	 * perftest: every QP's record, then every QP's record again (printed) and the sync
	 * after RTR; send_bw does that sync between the two rounds.
	 */
	for (i = 0; i < o->qps && ret == 0; i++)
		ret = conn_hand_shake(p, i);
	if (ret == 0 && o->verb == PERF_SEND)
		ret = conn_hand_shake(p, 0);
	for (i = 0; i < o->qps && ret == 0; i++)
		ret = conn_hand_shake(p, i);
	if (ret == 0 && o->verb != PERF_SEND)
		ret = conn_hand_shake(p, 0);		/* after RTR */
	if (ret != 0)
		return ret;
	report_dests(p);
	report_bw_header(p);
	res_cpu_sample(p, 0);
	ret = perf_receives(o) ? send_sizes(p, lo, hi) : rdma_sizes(p, lo, hi);
	report_line();
	if (ret == 0)
		ret = conn_hand_shake(p, 0);		/* ctx_close_connection() */
	if (ret == 0 && p->validate_errors != 0) {
		fprintf(stderr, " Data validation: %d bad messages\n", p->validate_errors);
		ret = -EBADMSG;
	}
	return ret;
}
