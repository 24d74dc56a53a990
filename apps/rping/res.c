/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * droce-rping's NDK objects, as rping sets up its verbs objects: a PD, one CQ for both
 * queues, an RC QP (RPING_SQ_DEPTH sends, 2 receives, one SGE each) and the four buffers
 * rping registers. Every asynchronous call is waited for here, so the protocol code reads
 * as a sequence; callbacks only record their result and wake the waiting thread.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rping.h"

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Sleep on the semaphore for up to ms (a callback cuts it short). */
void
res_nap(struct rping *r, unsigned int ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += (long)(ms % 1000) * 1000000;
	ts.tv_sec += ms / 1000 + ts.tv_nsec / 1000000000;
	ts.tv_nsec %= 1000000000;
	(void)sem_timedwait(&r->sem, &ts);
}

/*
 * Wait until *flag reaches want (when want > 0) or drops to 0 (want == 0). ms 0 waits
 * until a signal. Returns 0, -ETIMEDOUT or -EINTR (SIGINT / SIGTERM).
 */
int
res_wait(struct rping *r, int *flag, int want, unsigned int ms)
{
	uint64_t end = now_ms() + ms;

	for (;;) {
		int v = __atomic_load_n(flag, __ATOMIC_ACQUIRE);

		if (want > 0 ? v >= want : v == 0)
			return 0;
		if (rping_stop)
			return -EINTR;
		if (ms != 0 && now_ms() >= end)
			return -ETIMEDOUT;
		res_nap(r, 100);
	}
}

static void
on_created(void *ctx, int status, struct ndk_object_header *obj)
{
	struct rping *r = ctx;

	r->created = obj;
	r->status = status;
	__atomic_sub_fetch(&r->pending, 1, __ATOMIC_RELEASE);
	sem_post(&r->sem);
}

void
res_request_cb(void *ctx, int status)
{
	struct rping *r = ctx;

	r->status = status;
	__atomic_sub_fetch(&r->pending, 1, __ATOMIC_RELEASE);
	sem_post(&r->sem);
}

static void
on_closed(void *ctx)
{
	struct rping *r = ctx;

	__atomic_sub_fetch(&r->pending, 1, __ATOMIC_RELEASE);
	sem_post(&r->sem);
}

/* CQ notifications run on the engine's polling thread: only wake the main thread. */
static void
on_cq(void *ctx, int cq_status)
{
	struct rping *r = ctx;

	if (cq_status != 0)
		r->status = cq_status;
	sem_post(&r->sem);
}

/*
 * The result of a call made with r->pending raised by one: NDK_PENDING waits for its
 * callback; anything else means no callback will come. Prints what failed.
 */
int
res_request(struct rping *r, int ret, const char *what)
{
	if (ret == NDK_PENDING) {
		ret = res_wait(r, &r->pending, 0, RPING_STEP_MS);
		if (ret == 0)
			ret = r->status;
	} else {
		__atomic_sub_fetch(&r->pending, 1, __ATOMIC_RELEASE);
	}
	if (ret != 0)
		fprintf(stderr, "droce-rping: %s: %s (%s)\n", what, droce_strerror(ret),
			ndk_status_name(ret));
	return ret;
}

/* Raise pending, then make the call: its callback may run as soon as it returns. */
#define REQUEST(r, what, call) \
	(__atomic_add_fetch(&(r)->pending, 1, __ATOMIC_ACQ_REL), res_request(r, call, what))

static int
create(struct rping *r, int ret, const char *what, void *out)
{
	ret = res_request(r, ret, what);
	if (ret == 0)
		*(struct ndk_object_header **)out = r->created;
	return ret;
}

#define CREATE(r, what, out, call) \
	(__atomic_add_fetch(&(r)->pending, 1, __ATOMIC_ACQ_REL), create(r, call, what, out))

static int
reg(struct rping *r, struct ndk_mr **mr, void *buf, size_t len, uint32_t flags)
{
	int ret = ndk_create_mr(r->pd, false, NULL, NULL, mr);

	if (ret != 0) {
		fprintf(stderr, "droce-rping: create_mr: %s\n", droce_strerror(ret));
		return ret;
	}
	return REQUEST(r, "register_mr", ndk_register_mr(*mr, buf, len, flags,
							 res_request_cb, r));
}

int
res_open(struct rping *r)
{
	/* The server reads whatever size the client advertises, up to rping's largest. */
	uint32_t len = r->o->server ? RPING_BUFSIZE : (uint32_t)r->o->size;
	int ret;

	ret = ndk_open_adapter(r->eng, (struct ndk_version){ 2, 0 }, NULL, &r->ad);
	if (ret != 0) {
		fprintf(stderr, "droce-rping: open_adapter: %s\n", droce_strerror(ret));
		return ret;
	}
	ret = CREATE(r, "create_pd", &r->pd, ndk_create_pd(r->ad, on_created, r, NULL));
	if (ret == 0)
		ret = CREATE(r, "create_cq", &r->cq,
			     ndk_create_cq(r->ad, RPING_SQ_DEPTH * 2, on_cq, r, -1, on_created,
					   r, NULL));
	if (ret == 0)
		ret = CREATE(r, "create_qp", &r->qp,
			     ndk_create_qp(r->pd, r->cq, r->cq, r, 2, RPING_SQ_DEPTH, 1, 1, 0,
					   on_created, r, NULL));
	if (ret != 0)
		return ret;
	r->rdma_len = len;
	r->rdma_buf = calloc(1, len);
	r->start_buf = r->o->server ? NULL : calloc(1, len);
	if (r->rdma_buf == NULL || (!r->o->server && r->start_buf == NULL))
		return -ENOMEM;
	/* rping's access rights: receive buffer local write, send buffer none. */
	ret = reg(r, &r->recv_mr, &r->recv_buf, sizeof(r->recv_buf), NDK_MR_FLAG_LOCAL_WRITE);
	if (ret == 0)
		ret = reg(r, &r->send_mr, &r->send_buf, sizeof(r->send_buf), 0);
	if (ret == 0)
		ret = reg(r, &r->rdma_mr, r->rdma_buf, len,
			  NDK_MR_FLAG_REMOTE_READ | NDK_MR_FLAG_REMOTE_WRITE);
	if (ret == 0 && !r->o->server)
		ret = reg(r, &r->start_mr, r->start_buf, len,
			  NDK_MR_FLAG_REMOTE_READ | NDK_MR_FLAG_REMOTE_WRITE);
	return ret;
}

static void
close_obj(struct rping *r, void *obj)
{
	if (obj == NULL)
		return;
	__atomic_add_fetch(&r->pending, 1, __ATOMIC_ACQ_REL);
	if (ndk_close(obj, on_closed, r) != NDK_PENDING)
		__atomic_sub_fetch(&r->pending, 1, __ATOMIC_RELEASE);
}

/* Close everything at once (a close waits for its dependants), then the adapter. */
void
res_close(struct rping *r)
{
	uint64_t end;

	if (r->ad == NULL)
		return;
	__atomic_store_n(&r->pending, 0, __ATOMIC_RELEASE);
	close_obj(r, r->incoming != r->conn ? r->incoming : NULL);
	close_obj(r, r->conn);
	close_obj(r, r->lis);
	close_obj(r, r->qp);
	close_obj(r, r->recv_mr);
	close_obj(r, r->send_mr);
	close_obj(r, r->rdma_mr);
	close_obj(r, r->start_mr);
	close_obj(r, r->cq);
	close_obj(r, r->pd);
	/* Not cut short by a signal: the adapter's close would log the leftovers. */
	for (end = now_ms() + RPING_STEP_MS;
	     __atomic_load_n(&r->pending, __ATOMIC_ACQUIRE) > 0 && now_ms() < end;)
		res_nap(r, 100);
	if (r->pending > 0)
		fprintf(stderr, "droce-rping: %d closes still pending\n", r->pending);
	ndk_close_adapter(r->ad);
	r->ad = NULL;
	free(r->rdma_buf);
	free(r->start_buf);
}
