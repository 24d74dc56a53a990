/* SPDX-License-Identifier: BSD-3-Clause */
/* Completion queues, memory regions and copies between packets and SGE lists. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include "eng_pvt.h"

static uint32_t cq_seq;

int
eng_cq_create(struct eng *eng, uint32_t depth, struct eng_cq **out)
{
	char name[RTE_RING_NAMESIZE];
	struct eng_cq *cq;

	if (depth == 0 || depth > (1u << 20))
		return -EINVAL;
	cq = rte_zmalloc("droce_cq", sizeof(*cq), RTE_CACHE_LINE_SIZE);
	if (cq == NULL)
		return -ENOMEM;
	snprintf(name, sizeof(name), "%s_cq%u", eng->name,
		 __atomic_fetch_add(&cq_seq, 1, __ATOMIC_RELAXED));
	/* Several slots may complete into one CQ: multi-producer, one consumer. */
	cq->ring = rte_ring_create_elem(name, sizeof(struct eng_cqe), rte_align32pow2(depth + 1),
					SOCKET_ID_ANY, RING_F_SC_DEQ);
	if (cq->ring == NULL) {
		rte_free(cq);
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
	rte_free(cq);
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
	 * callback sees its argument. Clearing stores NULL first for the same reason. */
	if (cb == NULL) {
		__atomic_store_n(&cq->notify, NULL, __ATOMIC_RELEASE);
		cq->notify_arg = NULL;
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
eng_cq_push(struct eng_slot *s, struct eng_cq *cq, const struct eng_cqe *cqe)
{
	struct eng_cqe copy = *cqe;	/* the ring API takes a non-const pointer */

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
	eng_count(s, ENG_CQ_OVERFLOWS);
	cq_notify(cq);
	return -ENOSPC;
}

int
eng_mr_reg(struct eng *eng, uint32_t pd, void *addr, uint64_t length, uint32_t access,
	   struct eng_mr **out)
{
	struct eng_mr *mr;
	uint32_t i, key;

	/* Verbs rule: remote write or atomic access needs local write too. */
	if ((access & (ENG_ACCESS_REMOTE_WRITE | ENG_ACCESS_REMOTE_ATOMIC)) &&
	    !(access & ENG_ACCESS_LOCAL_WRITE))
		return -EINVAL;
	if (addr == NULL && length != 0)
		return -EINVAL;
	for (i = 1; i < ENG_MAX_MR; i++)
		if (__atomic_load_n(&eng->mrs[i], __ATOMIC_ACQUIRE) == NULL)
			break;
	if (i == ENG_MAX_MR)
		return -ENOSPC;
	mr = rte_zmalloc("droce_mr", sizeof(*mr), 0);
	if (mr == NULL)
		return -ENOMEM;
	/* Key = table index << 8 | a generation byte, so a stale key misses a reused slot. */
	key = i << 8 | (++eng->mr_gen & 0xff);
	*mr = (struct eng_mr){ .eng = eng, .addr = (uintptr_t)addr, .length = length,
			       .lkey = key, .rkey = key, .access = access, .pd = pd };
	/* Release: an lcore that sees the pointer sees the filled-in MR. */
	__atomic_store_n(&eng->mrs[i], mr, __ATOMIC_RELEASE);
	*out = mr;
	return 0;
}

uint32_t
eng_mr_lkey(const struct eng_mr *mr)
{
	return mr->lkey;
}

uint32_t
eng_mr_rkey(const struct eng_mr *mr)
{
	return mr->rkey;
}

/* The MR published under key's table index, or NULL; the caller compares the key. */
static struct eng_mr *
mr_lookup(struct eng *eng, uint32_t key)
{
	uint32_t idx = key >> 8;

	if (idx == 0 || idx >= ENG_MAX_MR)
		return NULL;
	return __atomic_load_n(&eng->mrs[idx], __ATOMIC_ACQUIRE);
}

/* Release: lookups after this miss the MR. */
static void
mr_unpublish(struct eng_mr *mr)
{
	__atomic_store_n(&mr->eng->mrs[mr->lkey >> 8], NULL, __ATOMIC_RELEASE);
}

void
eng_mr_dereg(struct eng_mr *mr)
{
	if (mr == NULL)
		return;
	mr_unpublish(mr);
	rte_free(mr);
}

void
eng_mr_close_start(struct eng_mr *mr)
{
	mr_unpublish(mr);
	/* After the unpublish: a slot still holding the MR has not passed this token. */
	mr->token = rte_rcu_qsbr_start(mr->eng->rcu);
}

bool
eng_mr_close_poll(struct eng_mr *mr)
{
	if (rte_rcu_qsbr_check(mr->eng->rcu, mr->token, false) != 1)
		return false;
	rte_free(mr);
	return true;
}

enum eng_mr_check
eng_mr_check(struct eng *eng, uint32_t key, bool remote, uint32_t pd, uint64_t va,
	     uint64_t len, uint32_t access, struct eng_mr **out)
{
	struct eng_mr *mr = mr_lookup(eng, key);

	if (mr == NULL || (remote ? mr->rkey : mr->lkey) != key || mr->pd != pd ||
	    __atomic_load_n(&mr->invalid, __ATOMIC_ACQUIRE))
		return ENG_MR_BAD_KEY;
	/* Written to avoid overflow: va - addr + len <= length. */
	if (va < mr->addr || len > mr->length || va - mr->addr > mr->length - len)
		return ENG_MR_BOUNDS;
	if ((mr->access & access) != access)
		return ENG_MR_ACCESS;
	if (out != NULL)
		*out = mr;
	return ENG_MR_OK;
}

int
eng_mr_invalidate(struct eng *eng, uint32_t key, uint32_t pd)
{
	struct eng_mr *mr = mr_lookup(eng, key);

	if (mr == NULL || mr->rkey != key || mr->pd != pd ||
	    !(mr->access & ENG_ACCESS_INVALIDATE))
		return -EINVAL;
	/* Release: accesses checked after this see the key gone. */
	__atomic_store_n(&mr->invalid, true, __ATOMIC_RELEASE);
	return 0;
}

int
eng_srq_create(struct eng *eng, uint32_t pd, uint32_t depth, struct eng_srq **out)
{
	static uint32_t seq;
	char name[RTE_RING_NAMESIZE];
	struct eng_srq *srq;

	if (depth == 0 || depth > (1u << 16))
		return -EINVAL;
	srq = rte_zmalloc("droce_srq", sizeof(*srq), RTE_CACHE_LINE_SIZE);
	if (srq == NULL)
		return -ENOMEM;
	snprintf(name, sizeof(name), "%s_srq%u", eng->name,
		 __atomic_fetch_add(&seq, 1, __ATOMIC_RELAXED));
	/* One poster, consumed by the slots of every QP attached. */
	srq->ring = rte_ring_create_elem(name, sizeof(struct eng_recv_wr),
					 rte_align32pow2(depth + 1), SOCKET_ID_ANY, RING_F_SP_ENQ);
	if (srq->ring == NULL) {
		rte_free(srq);
		return -ENOMEM;
	}
	srq->eng = eng;
	srq->pd = pd;
	*out = srq;
	return 0;
}

void
eng_srq_destroy(struct eng_srq *srq)
{
	if (srq == NULL)
		return;
	rte_ring_free(srq->ring);
	rte_free(srq);
}

int
eng_post_srq_recv(struct eng_srq *srq, const struct eng_recv_wr *wr)
{
	if (wr->num_sge > ENG_MAX_SGE)
		return -EINVAL;
	return rte_ring_enqueue_elem(srq->ring, (void *)(uintptr_t)wr, sizeof(*wr)) == 0 ?
	       0 : -ENOMEM;
}

unsigned int
eng_srq_count(const struct eng_srq *srq)
{
	return rte_ring_count(srq->ring);
}

uint64_t
eng_sge_len(const struct eng_sge *sge, unsigned int nsge)
{
	uint64_t len = 0;
	unsigned int i;

	for (i = 0; i < nsge; i++)
		len += sge[i].length;
	return len;
}

enum eng_wc_status
eng_sge_copy(struct eng *eng, uint32_t pd, const struct eng_sge *sge, unsigned int nsge,
	     uint32_t off, void *data, uint32_t len, bool to_sge)
{
	uint32_t access = to_sge ? ENG_ACCESS_LOCAL_WRITE : 0;
	uint8_t *d = data;
	unsigned int i;

	for (i = 0; i < nsge && len > 0; i++) {
		uint32_t chunk;
		uint64_t va;

		if (off >= sge[i].length) {
			off -= sge[i].length;
			continue;
		}
		chunk = RTE_MIN(len, sge[i].length - off);
		va = sge[i].addr + off;
		if (eng_mr_check(eng, sge[i].lkey, false, pd, va, chunk, access, NULL) != ENG_MR_OK)
			return ENG_WC_LOC_PROT_ERR;
		if (to_sge)
			memcpy((void *)(uintptr_t)va, d, chunk);
		else
			memcpy(d, (const void *)(uintptr_t)va, chunk);
		d += chunk;
		len -= chunk;
		off = 0;
	}
	return len == 0 ? ENG_WC_SUCCESS : ENG_WC_LOC_LEN_ERR;
}
