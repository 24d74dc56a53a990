/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The key table (memory regions and windows share it), memory regions, and the checks of
 * a key against an access: its kind, PD, rights, range and validity.
 */
#include <errno.h>
#include <string.h>

#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include "eng_pvt.h"

int
eng_key_publish(struct eng *eng, struct eng_key *k)
{
	uint32_t i;

	/* One writer at a time: two adapters' control threads must not claim one index. */
	pthread_mutex_lock(&eng->tables_lock);
	for (i = 1; i < ENG_MAX_MR; i++)
		if (__atomic_load_n(&eng->keys[i], __ATOMIC_ACQUIRE) == NULL)
			break;
	if (i == ENG_MAX_MR) {
		pthread_mutex_unlock(&eng->tables_lock);
		return -ENOSPC;
	}
	eng->mr_gen++;
	/* Key = table index << 8 | a generation byte, so a stale key misses a reused slot. */
	k->eng = eng;
	k->key = i << 8 | (eng->mr_gen & 0xff);
	/* The state's generation starts from the engine's too: a window that recorded an MR's
	 * state never matches an MR that later took the same index and key byte. */
	k->state = eng->mr_gen << 2 | (k->state & ENG_KEY_ST_MASK);
	/* Release: an lcore that sees the pointer sees the filled-in key. */
	__atomic_store_n(&eng->keys[i], k, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&eng->tables_lock);
	return 0;
}

void
eng_key_unpublish(struct eng_key *k)
{
	pthread_mutex_lock(&k->eng->tables_lock);
	__atomic_store_n(&k->eng->keys[k->key >> 8], NULL, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&k->eng->tables_lock);
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

	mr = eng_zalloc("droce_mr", sizeof(*mr), 0);
	if (mr == NULL)
		return -ENOMEM;
	mr->k = (struct eng_key){ .kind = kind, .pd = pd, .va = va, .length = length,
				  .access = access,
				  .state = valid ? ENG_KEY_VALID : ENG_KEY_INVALID };
	ret = eng_key_publish(eng, &mr->k);
	if (ret != 0) {
		eng_free(mr);
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
	eng_free(mr);
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
	/* Acquire: pairs with the release of the last WQE's drop (eng_wr_keys_drop()). */
	if (__atomic_load_n(&mr->k.wqe_refs, __ATOMIC_ACQUIRE) != 0 ||
	    !eng_rcu_passed(mr->k.eng->rcu, mr->k.token))
		return false;
	eng_free(mr);
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
