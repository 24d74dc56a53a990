/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Memory windows (IBA 10.6.7, type 2A) and fast registration of MRs: objects whose range
 * is set by a work request on a slot while other slots may be checking their keys. Both
 * work requests run through the key state protocol of eng_pvt.h: the writer claims an
 * invalid key, writes the range, and publishes it valid.
 */
#include <errno.h>

#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include "eng_pvt.h"

#define REMOTE_ACCESS	(ENG_ACCESS_REMOTE_WRITE | ENG_ACCESS_REMOTE_READ | \
			 ENG_ACCESS_REMOTE_ATOMIC)

int
eng_mw_alloc(struct eng *eng, uint32_t pd, struct eng_mw **out)
{
	struct eng_mw *mw;
	int ret;

	mw = eng_zalloc("droce_mw", sizeof(*mw), 0);
	if (mw == NULL)
		return -ENOMEM;
	/* Unbound: invalid, so every access by its key fails until a bind. */
	mw->k = (struct eng_key){ .kind = ENG_KEY_MW, .pd = pd, .state = ENG_KEY_INVALID };
	ret = eng_key_publish(eng, &mw->k);
	if (ret != 0) {
		eng_free(mw);
		return ret;
	}
	*out = mw;
	return 0;
}

uint32_t
eng_mw_rkey(const struct eng_mw *mw)
{
	return mw->k.key;
}

void
eng_mw_free(struct eng_mw *mw)
{
	if (mw == NULL)
		return;
	eng_key_unpublish(&mw->k);
	eng_free(mw);
}

void
eng_mw_close_start(struct eng_mw *mw)
{
	eng_key_unpublish(&mw->k);
	/* After the unpublish: a slot still holding the window has not passed this token. */
	mw->k.token = rte_rcu_qsbr_start(mw->k.eng->rcu);
}

bool
eng_mw_close_poll(struct eng_mw *mw)
{
	/* Acquire: pairs with the release of the last WQE's drop (eng_wr_keys_drop()). */
	if (__atomic_load_n(&mw->k.wqe_refs, __ATOMIC_ACQUIRE) != 0 ||
	    !eng_rcu_passed(mw->k.eng->rcu, mw->k.token))
		return false;
	eng_free(mw);
	return true;
}

/* Is k still published, and of one of the kinds? (The caller's object may be closing.) */
static bool
published(struct eng *eng, const struct eng_key *k, enum eng_key_kind a,
	  enum eng_key_kind b)
{
	return eng_key_lookup(eng, k->key) == k && (k->kind == a || k->kind == b);
}

/* INVALID -> BUSY: this slot alone writes the key's range now. */
static bool
key_claim(struct eng_key *k)
{
	uint32_t s = __atomic_load_n(&k->state, __ATOMIC_ACQUIRE);

	if ((s & ENG_KEY_ST_MASK) != ENG_KEY_INVALID ||
	    !__atomic_compare_exchange_n(&k->state, &s, s | ENG_KEY_BUSY, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return false;
	/*
	 * Release fence between the claim and the field stores (sequence lock writer): a
	 * reader that loads any field stored below, then fences, sees the claim.
	 */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	return true;
}

/* BUSY -> VALID of the same generation. Release: readers of VALID see the fields. */
static void
key_publish_valid(struct eng_key *k)
{
	uint32_t s = __atomic_load_n(&k->state, __ATOMIC_RELAXED);

	__atomic_store_n(&k->state, (s & ~ENG_KEY_ST_MASK) | ENG_KEY_VALID, __ATOMIC_RELEASE);
}

static void
key_set_range(struct eng_key *k, uint64_t va, uint64_t length, uint64_t xlate,
	      uint32_t access)
{
	__atomic_store_n(&k->va, va, __ATOMIC_RELAXED);
	__atomic_store_n(&k->length, length, __ATOMIC_RELAXED);
	__atomic_store_n(&k->xlate, xlate, __ATOMIC_RELAXED);
	__atomic_store_n(&k->access, access, __ATOMIC_RELAXED);
}

/*
 * IBA 10.6.7.2 (type 2 bind, o10-37.2.x): the window, its MR and the QP share one PD; the
 * MR is valid and not the privileged one; the range lies inside it; remote write or atomic
 * access needs an MR with local write; a bound type 2 window must be invalidated before it
 * is bound again. The window records which valid period of the MR it was bound in.
 */
enum eng_wc_status
eng_mw_bind(struct eng_qp *qp, const struct eng_send_wr *wr)
{
	uint32_t access = wr->bind.access & REMOTE_ACCESS;
	struct eng_mw *mw = wr->bind.mw;
	struct eng_mr *mr = wr->bind.mr;
	struct eng_key_view m;

	if (mw == NULL || mr == NULL ||
	    !published(qp->eng, &mw->k, ENG_KEY_MW, ENG_KEY_MW) ||
	    !published(qp->eng, &mr->k, ENG_KEY_MR, ENG_KEY_FR))
		return ENG_WC_MW_BIND_ERR;
	if (mw->k.pd != qp->pd || mr->k.pd != mw->k.pd || !eng_key_view(&mr->k, &m))
		return ENG_WC_MW_BIND_ERR;
	if ((access & (ENG_ACCESS_REMOTE_WRITE | ENG_ACCESS_REMOTE_ATOMIC)) &&
	    !(m.access & ENG_ACCESS_LOCAL_WRITE))
		return ENG_WC_MW_BIND_ERR;
	if (!eng_range_in(wr->bind.addr, wr->bind.length, m.va, m.length))
		return ENG_WC_MW_BIND_ERR;
	if (!key_claim(&mw->k))
		return ENG_WC_MW_BIND_ERR;	/* bound, or being bound elsewhere */
	key_set_range(&mw->k, wr->bind.addr, wr->bind.length, 0, access);
	__atomic_store_n(&mw->k.mr_key, mr->k.key, __ATOMIC_RELAXED);
	__atomic_store_n(&mw->k.mr_state, m.state, __ATOMIC_RELAXED);
	key_publish_valid(&mw->k);
	return ENG_WC_SUCCESS;
}

/*
 * Fast registration: an invalid fast-register MR of the QP's PD gets [va, va + length)
 * backed by mem. Neither range may wrap (checks compute va - base against length), and
 * the verbs access rules of eng_mr_reg() apply.
 */
enum eng_wc_status
eng_mr_fast_reg(struct eng_qp *qp, const struct eng_send_wr *wr)
{
	uint32_t access = wr->reg.access;
	struct eng_mr *mr = wr->reg.mr;

	if (mr == NULL || !published(qp->eng, &mr->k, ENG_KEY_FR, ENG_KEY_FR) ||
	    mr->k.pd != qp->pd)
		return ENG_WC_LOC_PROT_ERR;
	if (wr->reg.length > mr->max_len || wr->reg.length > UINT64_MAX - wr->reg.va ||
	    wr->reg.length > UINT64_MAX - wr->reg.mem)
		return ENG_WC_LOC_PROT_ERR;
	if ((access & REMOTE_ACCESS) && !mr->remote)
		return ENG_WC_LOC_PROT_ERR;
	if ((access & (ENG_ACCESS_REMOTE_WRITE | ENG_ACCESS_REMOTE_ATOMIC)) &&
	    !(access & ENG_ACCESS_LOCAL_WRITE))
		return ENG_WC_LOC_PROT_ERR;
	if (!key_claim(&mr->k))
		return ENG_WC_LOC_PROT_ERR;	/* still valid: invalidate first */
	/* Unsigned wrap-around makes va + xlate == mem for any order of the two. */
	key_set_range(&mr->k, wr->reg.va, wr->reg.length, wr->reg.mem - wr->reg.va, access);
	key_publish_valid(&mr->k);
	return ENG_WC_SUCCESS;
}

static void
key_ref(struct eng_key *k, int d)
{
	if (k != NULL)
		__atomic_fetch_add(&k->wqe_refs, d, __ATOMIC_ACQ_REL);
}

static void
wr_keys(const struct eng_send_wr *wr, int d)
{
	if (wr->opcode == ENG_WR_BIND_MW) {
		key_ref(wr->bind.mw != NULL ? &wr->bind.mw->k : NULL, d);
		key_ref(wr->bind.mr != NULL ? &wr->bind.mr->k : NULL, d);
	} else if (wr->opcode == ENG_WR_REG_MR) {
		key_ref(wr->reg.mr != NULL ? &wr->reg.mr->k : NULL, d);
	}
}

void
eng_wr_keys_hold(const struct eng_send_wr *wr)
{
	wr_keys(wr, 1);
}

/* The last touch of the objects: after it their close may free them. */
void
eng_wr_keys_drop(const struct eng_send_wr *wr)
{
	wr_keys(wr, -1);
}
