/* SPDX-License-Identifier: BSD-3-Clause */
/* The object core: identity checks, references, pending creates and requests, close. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>

#include "ndk_pvt.h"

const char *const obj_state_names[OBJ_STATE_MAX] = {
	[OBJ_CREATING] = "creating",
	[OBJ_LIVE] = "live",
	[OBJ_CLOSING] = "closing",
};

void
obj_init(struct obj *o, struct adapter *ad, enum ndk_object_type type, const void *dispatch,
	 const struct obj_ops *ops)
{
	o->header.version = ad != NULL ? ad->o.header.version : (struct ndk_version){ 0, 0 };
	o->header.type = type;
	o->dispatch = dispatch;
	o->magic = OBJ_MAGIC;
	o->state = OBJ_CREATING;
	o->ops = ops;
	o->ad = ad;
}

struct obj *
obj_get(const void *pub, enum ndk_object_type type, int *err)
{
	struct obj *o = (struct obj *)(uintptr_t)pub;

	if (o == NULL) {
		*err = -EINVAL;
		return NULL;
	}
	/* The header's type is public; the magic says the rest of the object is ours. */
	if (o->header.type != (uint32_t)type || o->magic != OBJ_MAGIC) {
		*err = -EBADF;
		return NULL;
	}
	*err = 0;
	return o;
}

void
obj_ref(struct obj *o)
{
	__atomic_fetch_add(&o->refs, 1, __ATOMIC_ACQ_REL);
}

void
obj_unref(struct obj *o)
{
	/* The control context sees zero on its next walk of the closing list. */
	if (__atomic_sub_fetch(&o->refs, 1, __ATOMIC_ACQ_REL) == 0 &&
	    __atomic_load_n(&o->state, __ATOMIC_ACQUIRE) == OBJ_CLOSING)
		ctl_wake(o->ad);
}

void
obj_hold_ante(struct obj *o, struct obj *a)
{
	unsigned int i;

	for (i = 0; i < OBJ_MAX_ANTE; i++)
		if (o->ante[i] == NULL) {
			obj_ref(a);
			o->ante[i] = a;
			return;
		}
	RTE_VERIFY(false);	/* every type holds at most OBJ_MAX_ANTE */
}

static void
drop_antes(struct obj *o)
{
	unsigned int i;

	for (i = 0; i < OBJ_MAX_ANTE; i++)
		if (o->ante[i] != NULL) {
			obj_unref(o->ante[i]);
			o->ante[i] = NULL;
		}
}

bool
obj_live(const struct obj *o)
{
	return __atomic_load_n(&o->state, __ATOMIC_ACQUIRE) == OBJ_LIVE;
}

static void
link_obj(struct obj *o)
{
	rte_spinlock_lock(&o->ad->lock);
	TAILQ_INSERT_TAIL(&o->ad->objs, o, all);
	o->ad->counts[o->header.type]++;
	rte_spinlock_unlock(&o->ad->lock);
}

static void
unlink_obj(struct obj *o)
{
	rte_spinlock_lock(&o->ad->lock);
	TAILQ_REMOVE(&o->ad->objs, o, all);
	o->ad->counts[o->header.type]--;
	rte_spinlock_unlock(&o->ad->lock);
}

void
obj_publish(struct obj *o)
{
	link_obj(o);
	__atomic_store_n(&o->state, OBJ_LIVE, __ATOMIC_RELEASE);
}

int
obj_create_pending(struct obj *o, void (*run)(struct ctl_item *it), ndk_create_cb cb,
		   void *ctx)
{
	o->create_cb = cb;
	o->create_ctx = ctx;
	o->item.run = run;
	/* Counted from now: the adapter's close waits for creates in flight too. */
	link_obj(o);
	ctl_push(o->ad, &o->item);
	return NDK_PENDING;
}

void
obj_discard(struct obj *o)
{
	unlink_obj(o);
	drop_antes(o);
	o->magic = 0;
	o->ops->free(o);
}

void
obj_create_done(struct obj *o, int ret)
{
	ndk_create_cb cb = o->create_cb;
	void *ctx = o->create_ctx;

	if (ret != 0) {
		obj_discard(o);
		cb(ctx, ret, NULL);
		return;
	}
	__atomic_store_n(&o->state, OBJ_LIVE, __ATOMIC_RELEASE);
	cb(ctx, 0, &o->header);
}

/* Control context: the close was issued; start it and keep polling it. */
static void
close_run(struct ctl_item *it)
{
	struct obj *o = container_of(it, struct obj, item);

	if (o->ops->close_begin != NULL)
		o->ops->close_begin(o);
	TAILQ_INSERT_TAIL(&o->ad->closing, o, closing);
}

int
obj_close(struct obj *o, ndk_close_cb cb, void *ctx, bool (*inline_ok)(struct obj *o))
{
	uint32_t live = OBJ_LIVE;

	/* Only a live object closes once: a second close (or one racing a pending
	 * create, which the consumer does not hold yet) is a usage error. */
	if (!__atomic_compare_exchange_n(&o->state, &live, OBJ_CLOSING, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		LIB_LOG(ERR, "close of %s %p that is %s: a double close", o->ops->name,
			(void *)o, live < OBJ_STATE_MAX ? obj_state_names[live] : "freed");
		return -EALREADY;
	}
	o->close_cb = cb;
	o->close_ctx = ctx;
	o->close_tsc = rte_get_timer_cycles();
	o->warn_tsc = o->close_tsc;
	if (inline_ok != NULL && __atomic_load_n(&o->refs, __ATOMIC_ACQUIRE) == 0 &&
	    inline_ok(o)) {
		unlink_obj(o);
		drop_antes(o);
		o->magic = 0;
		o->ops->free(o);
		return 0;
	}
	o->item.run = close_run;
	ctl_push(o->ad, &o->item);
	return NDK_PENDING;
}

/* Control context: finish every closing object that is ready. Returns how many. */
int
obj_close_wait(const struct obj *o, char *buf, size_t len)
{
	uint32_t refs = __atomic_load_n(&o->refs, __ATOMIC_ACQUIRE);

	if (refs != 0)
		return snprintf(buf, len, "%u successors or pending requests", refs);
	if (o->ops->close_wait != NULL)
		return o->ops->close_wait(o, buf, len);
	return snprintf(buf, len, "its quiescence");
}

/* A close pending for longer than the adapter's close_warn_ms: say what it waits for. */
static void
warn_if_long(struct adapter *ad, struct obj *o)
{
	uint64_t now = rte_get_timer_cycles(), hz = rte_get_timer_hz();
	char why[160];

	if (hz == 0 || now - o->warn_tsc < ad->close_warn_tsc)
		return;		/* (no timer before the EAL: no warning either) */
	o->warn_tsc = now;
	rte_spinlock_lock(&ad->lock);
	obj_close_wait(o, why, sizeof(why));
	rte_spinlock_unlock(&ad->lock);
	LIB_LOG(WARNING, "%s %p: closing for %" PRIu64 " ms, waiting for %s", o->ops->name,
		(void *)o, (now - o->close_tsc) * 1000 / hz, why);
}

int
obj_closes_poll(struct adapter *ad)
{
	struct obj *o, *tmp;
	int n = 0;

	RTE_TAILQ_FOREACH_SAFE(o, &ad->closing, closing, tmp) {
		ndk_close_cb cb;
		void *ctx;

		if (__atomic_load_n(&o->refs, __ATOMIC_ACQUIRE) != 0 ||
		    (o->ops->close_poll != NULL && !o->ops->close_poll(o))) {
			warn_if_long(ad, o);
			continue;
		}
		TAILQ_REMOVE(&ad->closing, o, closing);
		cb = o->close_cb;
		ctx = o->close_ctx;
		o->magic = 0;
		/* The callback runs before the antecedents learn of it: a PD's close
		 * cannot complete while its QP's close callback still runs. */
		if (cb != NULL)
			cb(ctx);
		unlink_obj(o);
		drop_antes(o);
		o->ops->free(o);
		n++;
	}
	return n;
}

int
obj_close_fn(struct ndk_object_header *hdr, ndk_close_cb cb, void *ctx)
{
	struct obj *o = (struct obj *)hdr;

	return obj_close(o, cb, ctx, NULL);
}

int
ext_none(struct ndk_object_header *obj, uint32_t id, struct ndk_version version,
	 const void **dispatch)
{
	RTE_SET_USED(obj);
	RTE_SET_USED(id);
	RTE_SET_USED(version);
	if (dispatch != NULL)
		*dispatch = NULL;
	return -ENOTSUP;
}

static void
req_finish(struct req_item *r, int st)
{
	struct obj *o = r->o;
	ndk_request_cb cb = r->cb;
	void *ctx = r->ctx;

	/*
	 * The callback is taken before the object's one-request guard is released: from then
	 * on a new request (from another thread, or from inside this callback) may refill r.
	 */
	if (r->release != NULL)
		r->release(r);
	cb(ctx, st);
	/* After the callback returned: a close waiting on this request may finish. */
	obj_unref(o);
}

static void
req_run(struct ctl_item *it)
{
	struct req_item *r = container_of(it, struct req_item, item);
	int st = r->fn(r);

	if (st == NDK_PENDING)
		TAILQ_INSERT_TAIL(&r->o->ad->polling, r, next);
	else
		req_finish(r, st);
}

int
req_poll(struct adapter *ad)
{
	struct req_item *r, *tmp;
	int n = 0;

	RTE_TAILQ_FOREACH_SAFE(r, &ad->polling, next, tmp) {
		int st = r->fn(r);

		if (st == NDK_PENDING)
			continue;
		TAILQ_REMOVE(&ad->polling, r, next);
		req_finish(r, st);
		n++;
	}
	return n;
}

int
req_pending(struct req_item *r, struct obj *o, int (*fn)(struct req_item *r),
	    void (*release)(struct req_item *r), ndk_request_cb cb, void *ctx)
{
	r->o = o;
	r->fn = fn;
	r->release = release;
	r->cb = cb;
	r->ctx = ctx;
	r->item.run = req_run;
	obj_ref(o);
	ctl_push(o->ad, &r->item);
	return NDK_PENDING;
}
