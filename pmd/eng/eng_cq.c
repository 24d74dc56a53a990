/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Completion queues: multi-producer rings of completions (several slots may complete into
 * one CQ), their overflow flag, counts and notification.
 */
#include <errno.h>
#include <stdio.h>

#include <rte_malloc.h>

#include "eng_pvt.h"

static uint32_t cq_seq;

int
eng_cq_create(struct eng *eng, uint32_t depth, struct eng_cq **out)
{
	char name[RTE_RING_NAMESIZE];
	struct eng_cq *cq;

	if (depth == 0 || depth > (1u << 20))
		return -EINVAL;
	cq = eng_zalloc("droce_cq", sizeof(*cq), RTE_CACHE_LINE_SIZE);
	if (cq == NULL)
		return -ENOMEM;
	snprintf(name, sizeof(name), "%s_cq%u", eng->name,
		 __atomic_fetch_add(&cq_seq, 1, __ATOMIC_RELAXED));
	/* Several slots may complete into one CQ: multi-producer, one consumer. */
	cq->ring = rte_ring_create_elem(name, sizeof(struct eng_cqe), rte_align32pow2(depth + 1),
					SOCKET_ID_ANY, RING_F_SC_DEQ);
	if (cq->ring == NULL) {
		eng_free(cq);
		return -ENOMEM;
	}
	cq->eng = eng;
	*out = cq;
	return 0;
}

void
eng_cq_destroy(struct eng_cq *cq)
{
	if (cq == NULL)
		return;
	rte_ring_free(cq->ring);
	eng_free(cq);
}

int
eng_cq_poll(struct eng_cq *cq, struct eng_cqe *cqe, unsigned int n)
{
	return rte_ring_dequeue_burst_elem(cq->ring, cqe, sizeof(*cqe), n, NULL);
}

bool
eng_cq_overflowed(const struct eng_cq *cq)
{
	return __atomic_load_n(&cq->overflow, __ATOMIC_ACQUIRE);
}

void
eng_cq_set_notify(struct eng_cq *cq, eng_cq_notify_cb cb, void *arg)
{
	/* The argument first, then the callback with release: a slot that sees the new
	 * callback sees its argument. Clearing leaves the argument alone: a slot that
	 * loaded the old callback just before may still load it (the caller's grace
	 * period keeps what it points to alive). */
	if (cb == NULL) {
		__atomic_store_n(&cq->notify, NULL, __ATOMIC_RELEASE);
		return;
	}
	__atomic_store_n(&cq->notify_arg, arg, __ATOMIC_RELAXED);
	__atomic_store_n(&cq->notify, cb, __ATOMIC_RELEASE);
}

void
eng_cq_counts(const struct eng_cq *cq, uint64_t *any, uint64_t *sol)
{
	*any = __atomic_load_n(&cq->nr_any, __ATOMIC_SEQ_CST);
	*sol = __atomic_load_n(&cq->nr_sol, __ATOMIC_SEQ_CST);
}

static void
cq_notify(struct eng_cq *cq)
{
	eng_cq_notify_cb cb = __atomic_load_n(&cq->notify, __ATOMIC_ACQUIRE);

	if (cb != NULL)
		cb(__atomic_load_n(&cq->notify_arg, __ATOMIC_RELAXED), cq);
}

int
eng_cq_push(struct eng_qp *qp, struct eng_cq *cq, const struct eng_cqe *cqe)
{
	struct eng_cqe copy = *cqe;	/* the ring API takes a non-const pointer */

	/* The QP's context travels with its completion: the QP may be gone when it is read. */
	copy.qp_ctx = qp->ctx;

	if (cqe->status < ENG_WC_MAX)
		eng_qp_count(qp, ENG_CQE_FIRST + cqe->status);
	if (rte_ring_enqueue_elem(cq->ring, &copy, sizeof(copy)) == 0) {
		/* Seq-cst after the enqueue: whoever reads the count (an arm) can find
		 * the entry, and whoever missed it is told through the callback. */
		if ((cqe->flags & ENG_WC_SOLICITED) || cqe->status != ENG_WC_SUCCESS)
			__atomic_fetch_add(&cq->nr_sol, 1, __ATOMIC_SEQ_CST);
		__atomic_fetch_add(&cq->nr_any, 1, __ATOMIC_SEQ_CST);
		cq_notify(cq);
		return 0;
	}
	/* A lost completion is fatal to the CQ's consumer: say so through the flag. */
	__atomic_store_n(&cq->overflow, true, __ATOMIC_SEQ_CST);
	eng_qp_count(qp, ENG_CQ_OVERFLOWS);
	cq_notify(cq);
	return -ENOSPC;
}
