/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Completion queues and their notifications.
 *
 * Arming stores a level (ERRORS < SOLICITED < ANY; arming twice keeps the higher, which is
 * NDK's merge table). A notification fires when the CQ is armed and something of the armed
 * kind arrived since the previous notification: the engine's counts of all and of
 * solicited-or-failed completions are compared with the counts taken when the previous
 * notification was delivered. Whoever fires swaps the level to 0 first, so each arm yields
 * at most one callback, and holds the busy flag while calling out, so callbacks never
 * overlap. The engine calls cq_try_notify() after each completion it pushes; an arm never
 * calls back itself (the callback must not run inside the call) but asks the control
 * context to, when something is already due. Nothing is lost between a poll that found the
 * CQ empty and the arm: the counts moved, so the arm finds the notification due.
 */
#include <errno.h>
#include <stdlib.h>

#include <rte_rcu_qsbr.h>

#include <rte_byteorder.h>

#include <droce/ndk_ext.h>

#include "ndk_pvt.h"

#define ARM_ERRORS	1u
#define ARM_SOLICITED	2u
#define ARM_ANY		3u
#define ARM_LEVEL	0x3u
#define ARM_SETTING	0x100u		/* an arm is being published: do not take it yet */
#define POLL_BATCH	32u

/* Is a notification due at this level? Sets *status (0, or the CQ's error). */
static bool
due(struct lib_cq *cq, uint32_t level, int *status)
{
	uint64_t any, sol;

	*status = 0;
	if (level == 0)
		return false;
	if (eng_cq_overflowed(cq->ecq) && !__atomic_load_n(&cq->err_told, __ATOMIC_SEQ_CST)) {
		*status = -EOVERFLOW;
		return true;
	}
	eng_cq_counts(cq->ecq, &any, &sol);
	if (level == ARM_ANY)
		return any != __atomic_load_n(&cq->seen_any, __ATOMIC_SEQ_CST);
	if (level == ARM_SOLICITED)
		return sol != __atomic_load_n(&cq->seen_sol, __ATOMIC_SEQ_CST);
	return false;
}

/*
 * May a notification start for arm word a? Not while the arm is being set, and never
 * once the CQ is closing (one already running is waited for by the close's grace period).
 */
static bool
takeable(struct lib_cq *cq, uint32_t a, int *st)
{
	return a != 0 && (a & ARM_SETTING) == 0 && obj_live(&cq->o) &&
	       due(cq, a & ARM_LEVEL, st);
}

/* Take the arm and call back once, if due. Caller holds busy. */
static bool
fire_once(struct lib_cq *cq)
{
	uint32_t a = __atomic_load_n(&cq->arm, __ATOMIC_SEQ_CST);
	uint64_t any, sol;
	int st;

	if (!takeable(cq, a, &st))
		return false;
	if (!__atomic_compare_exchange_n(&cq->arm, &a, 0, false, __ATOMIC_SEQ_CST,
					 __ATOMIC_SEQ_CST))
		return false;
	/* Counts taken before calling out: what arrives during the callback is new. */
	eng_cq_counts(cq->ecq, &any, &sol);
	__atomic_store_n(&cq->seen_any, any, __ATOMIC_SEQ_CST);
	__atomic_store_n(&cq->seen_sol, sol, __ATOMIC_SEQ_CST);
	if (st != 0)
		__atomic_store_n(&cq->err_told, true, __ATOMIC_SEQ_CST);
	cq->notify(cq->notify_ctx, st);
	return true;
}

void
cq_try_notify(struct lib_cq *cq)
{
	int st;

	for (;;) {
		uint32_t a;

		if (__atomic_exchange_n(&cq->busy, 1, __ATOMIC_SEQ_CST) != 0)
			return;		/* the holder looks again after its release */
		if (fire_once(cq)) {
			__atomic_store_n(&cq->busy, 0, __ATOMIC_SEQ_CST);
			continue;	/* re-armed inside the callback? */
		}
		__atomic_store_n(&cq->busy, 0, __ATOMIC_SEQ_CST);
		/* Something that arrived while we held busy found it taken: look again. */
		a = __atomic_load_n(&cq->arm, __ATOMIC_SEQ_CST);
		if (!takeable(cq, a, &st))
			return;
	}
}

/* Engine hook, on the slot that pushed a completion. */
static void
cq_engine_notify(void *arg, struct eng_cq *ecq)
{
	RTE_SET_USED(ecq);
	cq_try_notify(arg);
}

static void
cq_kick_run(struct ctl_item *it)
{
	struct lib_cq *cq = container_of(it, struct lib_cq, kick);

	__atomic_store_n(&cq->kick_queued, 0, __ATOMIC_SEQ_CST);
	if (obj_live(&cq->o))
		cq_try_notify(cq);
}

static void
cq_arm(struct ndk_cq *pub, enum ndk_cq_notify_type type)
{
	static const uint32_t level[] = {
		[NDK_CQ_NOTIFY_ERRORS] = ARM_ERRORS,
		[NDK_CQ_NOTIFY_ANY] = ARM_ANY,
		[NDK_CQ_NOTIFY_SOLICITED] = ARM_SOLICITED,
	};
	struct lib_cq *cq = (struct lib_cq *)pub;
	uint32_t a, want, zero = 0;
	int st;

	if ((unsigned int)type >= RTE_DIM(level))
		return;
	a = __atomic_load_n(&cq->arm, __ATOMIC_SEQ_CST);
	/* Merge (ANY > SOLICITED > ERRORS) and hide the arm while it is being set. */
	do {
		want = RTE_MAX(a & ARM_LEVEL, level[type]) | ARM_SETTING;
	} while (!__atomic_compare_exchange_n(&cq->arm, &a, want, false, __ATOMIC_SEQ_CST,
					      __ATOMIC_SEQ_CST));
	__atomic_fetch_and(&cq->arm, ~ARM_SETTING, __ATOMIC_SEQ_CST);
	/* Completions that arrived meanwhile were not told: ask the control context. */
	if (!due(cq, want & ARM_LEVEL, &st))
		return;
	if (__atomic_compare_exchange_n(&cq->kick_queued, &zero, 1, false, __ATOMIC_SEQ_CST,
					__ATOMIC_SEQ_CST))
		ctl_push(cq->o.ad, &cq->kick);
}

static void
to_result(const struct eng_cqe *c, struct ndk_result *r)
{
	r->status = status_of_wc(c->status);
	r->bytes_transferred = c->byte_len;
	r->qp_context = (void *)(uintptr_t)c->qp_ctx;
	r->request_context = (void *)(uintptr_t)c->wr_id;
}

static uint32_t
op_type(const struct eng_cqe *c)
{
	switch (c->opcode) {
	case ENG_WC_RECV:
		if (c->flags & ENG_WC_WITH_INV)
			return NDK_OP_RECEIVE_AND_INVALIDATE;
		return (c->flags & ENG_WC_WITH_IMM) ? NDK_OP_DROCE_RECEIVE_IMM : NDK_OP_RECEIVE;
	case ENG_WC_RECV_WRITE_IMM:
		return NDK_OP_DROCE_RECEIVE_WRITE_IMM;
	case ENG_WC_CMP_SWAP:
		return NDK_OP_DROCE_COMPARE_SWAP;
	case ENG_WC_FETCH_ADD:
		return NDK_OP_DROCE_FETCH_ADD;
	case ENG_WC_WRITE:
		return NDK_OP_WRITE;
	case ENG_WC_READ:
		return NDK_OP_READ;
	case ENG_WC_LOCAL_INV:
		return NDK_OP_INVALIDATE;
	case ENG_WC_BIND_MW:
		return NDK_OP_BIND;
	case ENG_WC_REG_MR:
		return NDK_OP_FAST_REGISTER;
	default:
		return NDK_OP_SEND;
	}
}

static uint32_t
get_results(struct ndk_cq *pub, struct ndk_result *r, uint32_t n)
{
	struct lib_cq *cq = (struct lib_cq *)pub;
	struct eng_cqe c[POLL_BATCH];
	uint32_t done = 0;

	while (done < n) {
		uint32_t want = RTE_MIN(n - done, POLL_BATCH);
		int got = eng_cq_poll(cq->ecq, c, want);
		int i;

		for (i = 0; i < got; i++)
			to_result(&c[i], &r[done + i]);
		done += got;
		if ((uint32_t)got < want)
			break;
	}
	return done;
}

static uint32_t
get_results_ex(struct ndk_cq *pub, struct ndk_result_ex *r, uint32_t n)
{
	struct lib_cq *cq = (struct lib_cq *)pub;
	struct eng_cqe c[POLL_BATCH];
	uint32_t done = 0;

	while (done < n) {
		uint32_t want = RTE_MIN(n - done, POLL_BATCH);
		int got = eng_cq_poll(cq->ecq, c, want);
		int i;

		for (i = 0; i < got; i++) {
			struct ndk_result plain;
			struct ndk_result_ex *x = &r[done + i];

			to_result(&c[i], &plain);
			x->status = plain.status;
			x->bytes_transferred = plain.bytes_transferred;
			x->qp_context = plain.qp_context;
			x->request_context = plain.request_context;
			x->type = op_type(&c[i]);
			x->provider_error_code = c[i].status;
			if (x->type == NDK_OP_RECEIVE_AND_INVALIDATE)
				x->type_specific = c[i].inv_rkey;
			else if (c[i].flags & ENG_WC_WITH_IMM)
				x->type_specific = rte_be_to_cpu_32(c[i].imm);
			else
				x->type_specific = 0;
		}
		done += got;
		if ((uint32_t)got < want)
			break;
	}
	return done;
}

static int
cq_resize(struct ndk_cq *pub, uint32_t depth, ndk_request_cb cb, void *ctx)
{
	RTE_SET_USED(pub);
	RTE_SET_USED(depth);
	RTE_SET_USED(cb);
	RTE_SET_USED(ctx);
	return -ENOTSUP;	/* no NDK_ADAPTER_FLAG_CQ_RESIZE */
}

static int
cq_moderation(struct ndk_cq *pub, uint32_t interval_us, uint32_t count)
{
	RTE_SET_USED(pub);
	RTE_SET_USED(interval_us);
	RTE_SET_USED(count);
	return -ENOTSUP;	/* a polled engine has no interrupts to moderate */
}

static void
cq_create_run(struct ctl_item *it)
{
	struct lib_cq *cq = container_of(it, struct lib_cq, o.item);
	int ret = eng_cq_create(cq->o.ad->eng, cq->depth, &cq->ecq);

	if (ret == 0)
		eng_cq_set_notify(cq->ecq, cq_engine_notify, cq);
	obj_create_done(&cq->o, ret);
}

/* The consumer's close: no notification starts after this store (it may still be
 * running on a slot; the grace period waits for it). */
static void
cq_close_begin(struct obj *o)
{
	struct lib_cq *cq = container_of(o, struct lib_cq, o);

	eng_cq_set_notify(cq->ecq, NULL, NULL);
	cq->token = rte_rcu_qsbr_start(o->ad->rcu);
	cq->token_taken = true;
}

static bool
cq_close_poll(struct obj *o)
{
	struct lib_cq *cq = container_of(o, struct lib_cq, o);

	/* Every QP on the CQ has closed (no references); a kick still queued would
	 * touch the CQ after the free. */
	if (__atomic_load_n(&cq->kick_queued, __ATOMIC_SEQ_CST) != 0)
		return false;
	if (!eng_rcu_passed(o->ad->rcu, cq->token))
		return false;
	eng_cq_destroy(cq->ecq);
	cq->ecq = NULL;
	return true;
}

static void
cq_free(struct obj *o)
{
	free(container_of(o, struct lib_cq, o));
}

static const struct obj_ops cq_ops = {
	.name = "cq",
	.close_begin = cq_close_begin,
	.close_poll = cq_close_poll,
	.free = cq_free,
};

int
cq_create(struct ndk_adapter *pub, uint32_t depth, ndk_cq_notify_cb notify,
		   void *notify_ctx, int lcore_hint, ndk_create_cb cb, void *ctx,
		   struct ndk_cq **out)
{
	struct adapter *ad = (struct adapter *)pub;
	struct ndk_adapter_info info;
	struct lib_cq *cq;

	RTE_SET_USED(lcore_hint);	/* notifications run where completions are made */
	RTE_SET_USED(out);
	adapter_info(ad, &info);
	if (depth == 0 || depth > info.max_cq_depth || notify == NULL || cb == NULL)
		return -EINVAL;
	if (obj_parent_ok(&ad->o) != 0)
		return -EBADF;
	cq = calloc(1, sizeof(*cq));
	if (cq == NULL)
		return -ENOMEM;
	obj_init(&cq->o, ad, NDK_OBJECT_CQ, &cq_dispatch, &cq_ops);
	cq->depth = depth;
	cq->notify = notify;
	cq->notify_ctx = notify_ctx;
	cq->kick.run = cq_kick_run;
	return obj_create_pending(&cq->o, cq_create_run, cb, ctx);
}

const struct ndk_cq_dispatch cq_dispatch = {
	.close = obj_close_fn,
	.query_extension = ext_none,
	.resize = cq_resize,
	.arm = cq_arm,
	.get_results = get_results,
	.control_moderation = cq_moderation,
	.get_results_ex = get_results_ex,
};
