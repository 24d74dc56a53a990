/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * droce-perf's NDK objects, as perftest's ctx_init() sets up its verbs objects: one PD,
 * a send CQ and a receive CQ shared by the data QPs, an SRQ with --use-srq, one buffer
 * registered once (2 * qps regions: sources, then the sinks the peer writes and reads),
 * and a small control QP with its own CQ. Asynchronous calls are waited for here, so
 * the control flow reads as a sequence; callbacks only record results and post sem.
 */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_cycles.h>

#include "perf.h"

/*
 * The TSC, as perftest's get_cycles(): the loops read the time once per poll, and
 * clock_gettime() took a tenth of a 64 B write_bw client's CPU on a kvm-clock guest.
 * Before the EAL measured the TSC (option parsing), the monotonic clock.
 */
uint64_t
perf_now_ns(void)
{
	static double ns_per_tsc;
	struct timespec ts;

	if (ns_per_tsc == 0 && rte_get_tsc_hz() != 0)
		ns_per_tsc = 1e9 / (double)rte_get_tsc_hz();
	if (ns_per_tsc != 0)
		return (uint64_t)((double)rte_get_tsc_cycles() * ns_per_tsc);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void
nap(struct perf *p, unsigned int ms)
{
	struct timespec ts;

	if (p->rtc) {		/* nobody else polls the engine: no sleeping */
		res_idle(p);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += (long)(ms % 1000) * 1000000;
	ts.tv_sec += ms / 1000 + ts.tv_nsec / 1000000000;
	ts.tv_nsec %= 1000000000;
	(void)sem_timedwait(&p->sem, &ts);
}

/* Wait until *flag reaches want (want > 0) or drops to 0 (want == 0). */
int
res_wait(struct perf *p, int *flag, int want, unsigned int ms)
{
	uint64_t end = perf_now_ns() + (uint64_t)ms * 1000000;

	for (;;) {
		int v = __atomic_load_n(flag, __ATOMIC_ACQUIRE);

		if (want > 0 ? v >= want : v == 0)
			return 0;
		if (perf_stop)
			return -EINTR;
		if (perf_now_ns() >= end)
			return -ETIMEDOUT;
		nap(p, 20);
	}
}

static void
on_created(void *ctx, int status, struct ndk_object_header *obj)
{
	struct perf *p = ctx;

	p->created = obj;
	p->status = status;
	__atomic_sub_fetch(&p->pending, 1, __ATOMIC_RELEASE);
	sem_post(&p->sem);
}

void
res_request_cb(void *ctx, int status)
{
	struct perf *p = ctx;

	p->status = status;
	__atomic_sub_fetch(&p->pending, 1, __ATOMIC_RELEASE);
	sem_post(&p->sem);
}

static void
on_closed(void *ctx)
{
	struct perf *p = ctx;

	__atomic_sub_fetch(&p->pending, 1, __ATOMIC_RELEASE);
	sem_post(&p->sem);
}

/* CQ notifications run on an engine lcore: only wake the test thread (-e). */
static void
on_cq(void *ctx, int cq_status)
{
	struct perf *p = ctx;

	if (cq_status != 0)
		p->status = cq_status;
	sem_post(&p->sem);
}

/* The result of a call made with pending raised by one. Prints what failed. */
int
res_request(struct perf *p, int ret, const char *what)
{
	if (ret == NDK_PENDING) {
		ret = res_wait(p, &p->pending, 0, PERF_STEP_MS);
		if (ret == 0)
			ret = p->status;
	} else {
		__atomic_sub_fetch(&p->pending, 1, __ATOMIC_RELEASE);
	}
	if (ret != 0)
		fprintf(stderr, "droce-perf: %s: %s (%s)\n", what, droce_strerror(ret),
			ndk_status_name(ret));
	return ret;
}

static int
create(struct perf *p, int ret, const char *what, void *out)
{
	ret = res_request(p, ret, what);
	if (ret == 0)
		*(struct ndk_object_header **)out = p->created;
	return ret;
}

#define CREATE(p, what, out, call) \
	(__atomic_add_fetch(&(p)->pending, 1, __ATOMIC_ACQ_REL), create(p, call, what, out))

void
res_idle(struct perf *p)
{
	if (p->rtc)
		(void)app_engine_poll(p->ae);
	else
		sched_yield();	/* the engine may share this CPU */
}

/* Nothing on cq: yield (busy polling) or arm it (-e). */
static void
idle(struct perf *p, struct ndk_cq *cq)
{
	if (!p->o->events) {
		res_idle(p);
		return;
	}
	ndk_arm_cq(cq, NDK_CQ_NOTIFY_ANY);
}

/*
 * Take up to n completions. Those already in the CQ come first, and the engine is polled
 * (run to completion) only when there are none: a ping-pong that took its send's
 * completion and the peer's message in one poll then posts its reply before the engine
 * polls again, and the engine sends the ACK it owes and the reply in one burst. With -e
 * an empty CQ is armed and the thread sleeps until the notification (or 1 ms, so a
 * control message on another CQ is still seen); the second poll after arming closes the
 * race with a completion that came in between.
 */
uint32_t
res_poll(struct perf *p, struct ndk_cq *cq, struct ndk_result *r, uint32_t n)
{
	uint32_t got = ndk_get_cq_results(cq, r, n);

	if (got != 0)
		return got;
	if (p->rtc) {		/* run to completion: poll the engine, never idle */
		(void)app_engine_poll(p->ae);
		return ndk_get_cq_results(cq, r, n);
	}
	idle(p, cq);
	if (!p->o->events)
		return 0;
	got = ndk_get_cq_results(cq, r, n);
	if (got == 0)
		nap(p, 1);
	return got;
}

/* res_poll() with the extended results: the completion type and immediate data. */
uint32_t
res_poll_ex(struct perf *p, struct ndk_cq *cq, struct ndk_result_ex *r, uint32_t n)
{
	uint32_t got = ndk_get_cq_results_ex(cq, r, n);

	if (got != 0)
		return got;
	if (p->rtc) {		/* run to completion: poll the engine, never idle */
		(void)app_engine_poll(p->ae);
		return ndk_get_cq_results_ex(cq, r, n);
	}
	idle(p, cq);
	if (!p->o->events)
		return 0;
	got = ndk_get_cq_results_ex(cq, r, n);
	if (got == 0)
		nap(p, 1);
	return got;
}

static int
verbs_ext(struct perf *p, struct perf_qp *q)
{
	if (p->verbs != NULL)
		return 0;
	return ndk_query_extension(&q->qp->header, NDK_EXT_DROCE_VERBS,
				   (struct ndk_version){ 1, 0 }, (const void **)&p->verbs);
}

/*
 * --send_with_imm / --write_with_imm: the message carries imm (its number on the QP; a
 * test's corrupted run sends the next one's).
 */
int
res_post_imm(struct perf *p, struct perf_qp *q, void *ctx, const struct ndk_sge *s,
	     uint32_t flags, uint32_t imm)
{
	static uint32_t bad;
	int ret;

	if (p->verbs == NULL) {
		bad = getenv("DROCE_PERF_TEST_CORRUPT") != NULL;
		ret = verbs_ext(p, q);
		if (ret != 0)
			return ret;
	}
	imm += bad;
	if (p->o->verb == PERF_WRITE)
		return p->verbs->write_imm(q->qp, ctx, s, 1, q->rem.vaddr, q->rem.rkey, flags,
					   imm);
	return p->verbs->send_imm(q->qp, ctx, s, 1, flags, imm);
}

/*
 * A receive's completion: its status, the type the test's messages give it, and with
 * --data_validation the immediate data (seq, the message's number on its QP: RC
 * delivers in order).
 */
int
res_check_recv(struct perf *p, const struct ndk_result_ex *r, uint64_t seq)
{
	uint32_t want = !p->o->imm ? NDK_OP_RECEIVE : p->o->verb == PERF_WRITE ?
			NDK_OP_DROCE_RECEIVE_WRITE_IMM : NDK_OP_DROCE_RECEIVE_IMM;

	if (r->status != 0) {
		fprintf(stderr, " Completion with error at server: %s\n",
			ndk_status_name(r->status));
		return r->status;
	}
	if (r->type != want) {
		fprintf(stderr, " Completion of type %#x, expected %#x\n", r->type, want);
		return -EPROTO;
	}
	if (p->o->imm && p->o->validate && r->type_specific != (uint32_t)seq) {
		if (p->validate_errors++ == 0)
			fprintf(stderr, " Data validation failed: immediate data %#lx, expected"
				" %#x\n", (unsigned long)r->type_specific, (uint32_t)seq);
		return -EBADMSG;
	}
	return 0;
}

static int
reg(struct perf *p, struct ndk_mr **mr, void *buf, size_t len, uint32_t flags)
{
	int ret = ndk_create_mr(p->pd, false, NULL, NULL, mr);

	if (ret != 0) {
		fprintf(stderr, "droce-perf: create_mr: %s\n", droce_strerror(ret));
		return ret;
	}
	return PREQ(p, "register_mr", ndk_register_mr(*mr, buf, len, flags, res_request_cb, p));
}

/*
 * One atomic on QP q, as perftest posts them: at the start of the peer's region, the
 * original value into the first 8 bytes of ours; fetch-and-add adds 1, compare-and-swap
 * swaps 0 for 0 (perftest's operands: the region stays as it was).
 */
int
res_post_atomic(struct perf *p, struct perf_qp *q, void *ctx, uint32_t flags)
{
	struct ndk_sge s = { .va = q->src, .length = PERF_ATOMIC_SIZE, .token = p->lkey };
	/* Tests prove the checks work with wrong operands (as bw_fill's corrupted byte). */
	static uint64_t bad;
	int ret;

	if (p->verbs == NULL) {
		bad = getenv("DROCE_PERF_TEST_CORRUPT") != NULL;
		ret = verbs_ext(p, q);
		if (ret != 0)
			return ret;
	}
	if (p->o->cmp_swap)
		return p->verbs->compare_swap(q->qp, ctx, &s, q->rem.vaddr, q->rem.rkey,
					      PERF_ATOMIC_SWAP, PERF_ATOMIC_SWAP + bad, flags);
	return p->verbs->fetch_add(q->qp, ctx, &s, q->rem.vaddr, q->rem.rkey,
				   PERF_ATOMIC_ADD + bad, flags);
}

/* A data QP (control false) or the control QP: perftest's depths and SGE counts. */
int
res_create_qp(struct perf *p, bool control, struct ndk_qp **qp)
{
	const struct perf_opts *o = p->o;
	uint32_t inl = control ? 0 : (uint32_t)o->inline_size;
	uint32_t tx = control ? 2 : (uint32_t)o->tx_depth;
	uint32_t rx = control ? 2 : (uint32_t)o->rx_depth;
	struct ndk_cq *scq = control ? p->ccq : p->scq, *rcq = control ? p->ccq : p->rcq;

	if (!control && p->srq != NULL)
		return CREATE(p, "create_qp", qp,
			      ndk_create_qp_with_srq(p->pd, rcq, scq, p->srq, p, tx, 1, inl,
						     on_created, p, NULL));
	return CREATE(p, "create_qp", qp,
		      ndk_create_qp(p->pd, rcq, scq, p, rx, tx, 1, 1, inl, on_created, p,
				    NULL));
}

static int
open_cqs(struct perf *p)
{
	const struct perf_opts *o = p->o;
	uint32_t sdepth = (uint32_t)(o->tx_depth * o->qps);
	uint32_t rdepth = (uint32_t)(o->rx_depth * o->qps);
	int ret;

	ret = CREATE(p, "create_cq", &p->scq,
		     ndk_create_cq(p->ad, sdepth, on_cq, p, -1, on_created, p, NULL));
	if (ret == 0)
		ret = CREATE(p, "create_cq", &p->rcq,
			     ndk_create_cq(p->ad, rdepth, on_cq, p, -1, on_created, p, NULL));
	if (ret == 0)
		ret = CREATE(p, "create_cq", &p->ccq,
			     ndk_create_cq(p->ad, 8, on_cq, p, -1, on_created, p, NULL));
	if (ret == 0 && o->use_srq)
		ret = CREATE(p, "create_srq", &p->srq,
			     ndk_create_srq(p->pd, (uint32_t)o->rx_depth, 1, 0, NULL, NULL, -1,
					    on_created, p, NULL));
	return ret;
}

/* Check the options against the adapter's limits (perftest checks the device's). */
static int
check_limits(struct perf *p)
{
	struct ndk_adapter_info info = { .info_version = sizeof(info) };
	size_t len = sizeof(info);
	struct perf_opts *o = p->o;

	if (ndk_query_adapter_info(p->ad, &info, &len) != 0)
		return -EIO;
	p->max_inline = info.max_inline_data_size;
	p->max_ord = info.max_outbound_read_limit;
	if (o->inline_size > (int)info.max_inline_data_size) {
		if (o->inline_set) {
			fprintf(stderr, " Max inline size is %u\n", info.max_inline_data_size);
			return -EINVAL;
		}
		o->inline_size = (int)info.max_inline_data_size;
	}
	if ((uint32_t)o->tx_depth > info.max_initiator_queue_depth ||
	    (uint32_t)o->rx_depth > info.max_receive_queue_depth) {
		fprintf(stderr, " tx depth %d / rx depth %d above the adapter's %u / %u\n",
			o->tx_depth, o->rx_depth, info.max_initiator_queue_depth,
			info.max_receive_queue_depth);
		return -EINVAL;
	}
	return 0;
}

int
res_open(struct perf *p)
{
	const struct perf_opts *o = p->o;
	uint64_t max = o->all ? (o->size_set ? o->size : PERF_MAX_SIZE) : o->size;
	int ret;

	ret = ndk_open_adapter(p->eng, (struct ndk_version){ 2, 0 }, NULL, &p->ad);
	if (ret != 0) {
		fprintf(stderr, "droce-perf: open_adapter: %s\n", droce_strerror(ret));
		return ret;
	}
	p->path_mtu = droce_port_path_mtu(p->port);
	/* -m: at most this path MTU (the client asks for it in its REQs). */
	if (p->o->mtu != 0 && (uint32_t)p->o->mtu < p->path_mtu)
		p->path_mtu = (uint32_t)p->o->mtu;
	ret = check_limits(p);
	if (ret == 0)
		ret = CREATE(p, "create_pd", &p->pd, ndk_create_pd(p->ad, on_created, p, NULL));
	if (ret == 0)
		ret = open_cqs(p);
	if (ret != 0)
		return ret;
	/* perftest's BUFF_SIZE: the message size, at least a page; 64-byte aligned. */
	p->buf_region = (max < PERF_CYCLE_BUFFER ? PERF_CYCLE_BUFFER : max + 63) & ~63ull;
	p->buf_len = p->buf_region * 2 * (size_t)o->qps;
	p->buf = aligned_alloc(4096, (p->buf_len + 4095) & ~4095ull);
	p->cbuf = calloc(1, 128);
	if (p->buf == NULL || p->cbuf == NULL)
		return -ENOMEM;
	memset(p->buf, 0, p->buf_len);
	ret = reg(p, &p->mr, p->buf, p->buf_len,
		  NDK_MR_FLAG_REMOTE_READ | NDK_MR_FLAG_REMOTE_WRITE |
		  (o->verb == PERF_ATOMIC ? NDK_MR_FLAG_DROCE_REMOTE_ATOMIC : 0));
	if (ret == 0)
		ret = reg(p, &p->cmr, p->cbuf, 128, NDK_MR_FLAG_LOCAL_WRITE);
	if (ret != 0)
		return ret;
	p->lkey = ndk_get_local_token_mr(p->mr);
	p->cmr_lkey = ndk_get_local_token_mr(p->cmr);
	return res_create_qp(p, true, &p->cqp);
}

static void
close_obj(struct perf *p, void *obj)
{
	if (obj == NULL)
		return;
	__atomic_add_fetch(&p->pending, 1, __ATOMIC_ACQ_REL);
	if (ndk_close(obj, on_closed, p) != NDK_PENDING)
		__atomic_sub_fetch(&p->pending, 1, __ATOMIC_RELEASE);
}

/* Close everything at once (a close waits for its dependants), then the adapter. */
void
res_close(struct perf *p)
{
	int i, j;

	if (p->ad == NULL)
		return;
	__atomic_store_n(&p->pending, 0, __ATOMIC_RELEASE);
	for (i = p->nb_taken; i < p->nb_incoming; i++)
		close_obj(p, p->incoming[i]);
	for (i = 0; i < p->o->qps; i++) {
		close_obj(p, p->q[i].conn);
		close_obj(p, p->q[i].qp);
	}
	close_obj(p, p->cconn);
	close_obj(p, p->lis);
	close_obj(p, p->cqp);
	close_obj(p, p->mr);
	close_obj(p, p->cmr);
	close_obj(p, p->srq);
	close_obj(p, p->scq);
	close_obj(p, p->rcq);
	close_obj(p, p->ccq);
	close_obj(p, p->pd);
	for (j = 0; j < 300 && __atomic_load_n(&p->pending, __ATOMIC_ACQUIRE) > 0; j++)
		nap(p, 100);
	if (p->pending > 0)
		fprintf(stderr, "droce-perf: %d closes still pending\n", p->pending);
	ndk_close_adapter(p->ad);
	p->ad = NULL;
	free(p->buf);
	free(p->cbuf);
	free(p->samples);
}

/* /proc/stat totals for --cpu_util: busy = everything but idle and iowait. */
void
res_cpu_sample(struct perf *p, int i)
{
	long long v[10] = { 0 };
	FILE *f = fopen("/proc/stat", "r");
	int k;

	if (f == NULL)
		return;
	if (fscanf(f, "cpu %lld %lld %lld %lld %lld %lld %lld %lld", &v[0], &v[1], &v[2],
		   &v[3], &v[4], &v[5], &v[6], &v[7]) == 8) {
		p->cpu_total[i] = 0;
		for (k = 0; k < 8; k++)
			p->cpu_total[i] += v[k];
		p->cpu_busy[i] = p->cpu_total[i] - v[3] - v[4];
	}
	fclose(f);
}
