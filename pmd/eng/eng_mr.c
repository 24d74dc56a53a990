/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Completion queues, the key table (memory regions and windows), key checks and copies
 * between packets and SGE lists.
 */
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

int
eng_key_publish(struct eng *eng, struct eng_key *k)
{
	uint32_t i;

	for (i = 1; i < ENG_MAX_MR; i++)
		if (__atomic_load_n(&eng->keys[i], __ATOMIC_ACQUIRE) == NULL)
			break;
	if (i == ENG_MAX_MR)
		return -ENOSPC;
	eng->mr_gen++;
	/* Key = table index << 8 | a generation byte, so a stale key misses a reused slot. */
	k->eng = eng;
	k->key = i << 8 | (eng->mr_gen & 0xff);
	/* The state's generation starts from the engine's too: a window that recorded an MR's
	 * state never matches an MR that later took the same index and key byte. */
	k->state = eng->mr_gen << 2 | (k->state & ENG_KEY_ST_MASK);
	/* Release: an lcore that sees the pointer sees the filled-in key. */
	__atomic_store_n(&eng->keys[i], k, __ATOMIC_RELEASE);
	return 0;
}

void
eng_key_unpublish(struct eng_key *k)
{
	__atomic_store_n(&k->eng->keys[k->key >> 8], NULL, __ATOMIC_RELEASE);
}

struct eng_key *
eng_key_lookup(struct eng *eng, uint32_t key)
{
	uint32_t idx = key >> 8;
	struct eng_key *k;

	if (idx == 0 || idx >= ENG_MAX_MR)
		return NULL;
	/* Acquire: pairs with the publishing release store; the key word never changes. */
	k = __atomic_load_n(&eng->keys[idx], __ATOMIC_ACQUIRE);
	return k != NULL && k->key == key ? k : NULL;
}

bool
eng_key_view(const struct eng_key *k, struct eng_key_view *v)
{
	/* Acquire: the fields of the valid period this state started are visible. */
	v->state = __atomic_load_n(&k->state, __ATOMIC_ACQUIRE);
	if ((v->state & ENG_KEY_ST_MASK) != ENG_KEY_VALID)
		return false;
	v->va = __atomic_load_n(&k->va, __ATOMIC_RELAXED);
	v->length = __atomic_load_n(&k->length, __ATOMIC_RELAXED);
	v->xlate = __atomic_load_n(&k->xlate, __ATOMIC_RELAXED);
	v->access = __atomic_load_n(&k->access, __ATOMIC_RELAXED);
	v->mr_key = __atomic_load_n(&k->mr_key, __ATOMIC_RELAXED);
	v->mr_state = __atomic_load_n(&k->mr_state, __ATOMIC_RELAXED);
	/*
	 * Acquire fence before the second load: had any field above come from a writer that
	 * claimed the key after our first load, this load sees that claim (or later), since
	 * the writer's release fence came between its claim and its field stores.
	 */
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	return __atomic_load_n(&k->state, __ATOMIC_RELAXED) == v->state;
}

/* A new MR of kind over [va, va + length), valid or not, translation 0. */
static int
mr_new(struct eng *eng, uint32_t pd, enum eng_key_kind kind, bool valid, uint64_t va,
       uint64_t length, uint32_t access, struct eng_mr **out)
{
	struct eng_mr *mr;
	int ret;

	mr = rte_zmalloc("droce_mr", sizeof(*mr), 0);
	if (mr == NULL)
		return -ENOMEM;
	mr->k = (struct eng_key){ .kind = kind, .pd = pd, .va = va, .length = length,
				  .access = access,
				  .state = valid ? ENG_KEY_VALID : ENG_KEY_INVALID };
	ret = eng_key_publish(eng, &mr->k);
	if (ret != 0) {
		rte_free(mr);
		return ret;
	}
	*out = mr;
	return 0;
}

int
eng_mr_reg(struct eng *eng, uint32_t pd, void *addr, uint64_t length, uint32_t access,
	   struct eng_mr **out)
{
	/* Verbs rule: remote write or atomic access needs local write too. */
	if ((access & (ENG_ACCESS_REMOTE_WRITE | ENG_ACCESS_REMOTE_ATOMIC)) &&
	    !(access & ENG_ACCESS_LOCAL_WRITE))
		return -EINVAL;
	if (addr == NULL && length != 0)
		return -EINVAL;
	/* The range must not wrap: checks compute va - base against length. */
	if (length > UINT64_MAX - (uintptr_t)addr)
		return -EINVAL;
	return mr_new(eng, pd, ENG_KEY_MR, true, (uintptr_t)addr, length, access, out);
}

int
eng_mr_alloc_fr(struct eng *eng, uint32_t pd, uint32_t max_pages, bool remote,
		struct eng_mr **out)
{
	struct eng_mr *mr;
	int ret;

	if (max_pages == 0 || max_pages > ENG_MAX_FR_PAGES)
		return -EINVAL;
	/* Invalid until an ENG_WR_REG_MR gives it a range. */
	ret = mr_new(eng, pd, ENG_KEY_FR, false, 0, 0, 0, &mr);
	if (ret != 0)
		return ret;
	mr->max_len = (uint64_t)max_pages * 4096;
	mr->remote = remote;
	*out = mr;
	return 0;
}

int
eng_mr_reg_privileged(struct eng *eng, uint32_t pd, struct eng_mr **out)
{
	/* Every address, translation 0: SGE addresses are process addresses. */
	return mr_new(eng, pd, ENG_KEY_PRIV, true, 0, UINT64_MAX, ENG_ACCESS_LOCAL_WRITE, out);
}

uint32_t
eng_mr_lkey(const struct eng_mr *mr)
{
	return mr->k.key;
}

uint32_t
eng_mr_rkey(const struct eng_mr *mr)
{
	return mr->k.key;
}

void
eng_mr_dereg(struct eng_mr *mr)
{
	if (mr == NULL)
		return;
	eng_key_unpublish(&mr->k);
	rte_free(mr);
}

void
eng_mr_close_start(struct eng_mr *mr)
{
	eng_key_unpublish(&mr->k);
	/* After the unpublish: a slot still holding the MR has not passed this token. */
	mr->k.token = rte_rcu_qsbr_start(mr->k.eng->rcu);
}

bool
eng_mr_close_poll(struct eng_mr *mr)
{
	if (rte_rcu_qsbr_check(mr->k.eng->rcu, mr->k.token, false) != 1)
		return false;
	rte_free(mr);
	return true;
}

/*
 * A window's check goes through to its MR: the MR must still be published and in the
 * very valid period the window was bound in (not invalidated or re-registered since).
 */
static enum eng_mr_check
mw_check(struct eng *eng, const struct eng_key_view *w, uint64_t va, uint64_t len,
	 uint32_t access, uint8_t **host)
{
	struct eng_key *mk = eng_key_lookup(eng, w->mr_key);
	struct eng_key_view m;

	if (!eng_range_in(va, len, w->va, w->length))
		return ENG_MR_BOUNDS;
	if ((w->access & access) != access)
		return ENG_MR_ACCESS;
	if (mk == NULL || !eng_key_view(mk, &m) || m.state != w->mr_state)
		return ENG_MR_BAD_KEY;
	if (host != NULL)
		*host = (uint8_t *)(uintptr_t)(va + m.xlate);
	return ENG_MR_OK;
}

enum eng_mr_check
eng_mr_check(struct eng *eng, uint32_t key, bool remote, uint32_t pd, uint64_t va,
	     uint64_t len, uint32_t access, uint8_t **host)
{
	struct eng_key *k = eng_key_lookup(eng, key);
	struct eng_key_view v;

	if (k == NULL || k->pd != pd || !eng_key_view(k, &v))
		return ENG_MR_BAD_KEY;
	/* A window is a remote key only; the privileged key a local one only. */
	if (k->kind == (remote ? ENG_KEY_PRIV : ENG_KEY_MW))
		return ENG_MR_BAD_KEY;
	if (k->kind == ENG_KEY_MW)
		return mw_check(eng, &v, va, len, access, host);
	if (!eng_range_in(va, len, v.va, v.length))
		return ENG_MR_BOUNDS;
	if ((v.access & access) != access)
		return ENG_MR_ACCESS;
	if (host != NULL)
		*host = (uint8_t *)(uintptr_t)(va + v.xlate);
	return ENG_MR_OK;
}

static bool
invalidatable(const struct eng_key *k)
{
	switch (k->kind) {
	case ENG_KEY_FR:
	case ENG_KEY_MW:
		return true;
	case ENG_KEY_MR:
		return (k->access & ENG_ACCESS_INVALIDATE) != 0;
	default:
		return false;
	}
}

int
eng_mr_invalidate(struct eng *eng, uint32_t key, uint32_t pd)
{
	struct eng_key *k = eng_key_lookup(eng, key);
	uint32_t s;

	if (k == NULL || k->pd != pd || !invalidatable(k))
		return -EINVAL;
	s = __atomic_load_n(&k->state, __ATOMIC_ACQUIRE);
	/*
	 * VALID -> INVALID of the next generation. Already invalid: nothing to do. BUSY (a
	 * bind or registration being written on a slot) counts as not yet valid: this
	 * invalidation came first, and the key becomes valid after it.
	 * Release: accesses checked after this see the key gone.
	 */
	while ((s & ENG_KEY_ST_MASK) == ENG_KEY_VALID)
		if (__atomic_compare_exchange_n(&k->state, &s,
						(s & ~ENG_KEY_ST_MASK) + ENG_KEY_GEN, false,
						__ATOMIC_RELEASE, __ATOMIC_ACQUIRE))
			break;
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
		uint8_t *host;
		uint32_t chunk;
		uint64_t va;

		if (off >= sge[i].length) {
			off -= sge[i].length;
			continue;
		}
		chunk = RTE_MIN(len, sge[i].length - off);
		va = sge[i].addr + off;
		if (eng_mr_check(eng, sge[i].lkey, false, pd, va, chunk, access, &host) !=
		    ENG_MR_OK)
			return ENG_WC_LOC_PROT_ERR;
		if (to_sge)
			memcpy(host, d, chunk);
		else
			memcpy(d, host, chunk);
		d += chunk;
		len -= chunk;
		off = 0;
	}
	return len == 0 ? ENG_WC_SUCCESS : ENG_WC_LOC_LEN_ERR;
}

const void *
eng_sge_inline_src(struct eng *eng, const struct eng_sge *sge)
{
	struct eng_key *k = eng_key_lookup(eng, sge->lkey);
	struct eng_key_view v;

	if (k != NULL && k->kind == ENG_KEY_FR && eng_key_view(k, &v) &&
	    eng_range_in(sge->addr, sge->length, v.va, v.length))
		return (const void *)(uintptr_t)(sge->addr + v.xlate);
	return (const void *)(uintptr_t)sge->addr;
}
