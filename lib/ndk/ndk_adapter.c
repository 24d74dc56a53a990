/* SPDX-License-Identifier: BSD-3-Clause */
/* The adapter: version negotiation, limits, logical address mappings, the closing barrier. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_rcu_qsbr.h>

#include "ndk_pvt.h"

#define PAGE_4K			4096u
#define ADAPTER_VENDOR_ID	0x0000u		/* no OUI: a software device */
#define ADAPTER_DEVICE_ID	0xd0ceu
#define MAX_DEPTH		16384u		/* the engine's send/receive queue limit */
#define MAX_CQ_DEPTH		(1u << 20)
#define MAX_SRQ_DEPTH		(1u << 16)
#define MAX_TRANSFER		(1u << 30)
#define FRMR_PAGES		256u
#define CLOSE_WAIT_NS		1000000		/* adapter close polls every millisecond */

void
adapter_info(const struct adapter *ad, struct ndk_adapter_info *i)
{
	memset(i, 0, sizeof(*i));
	i->info_version = sizeof(*i);
	i->version = ad->o.header.version;
	i->vendor_id = ADAPTER_VENDOR_ID;
	i->device_id = ADAPTER_DEVICE_ID;
	i->max_registration_size = (size_t)1 << 40;
	i->max_window_size = (size_t)1 << 40;
	i->frmr_page_count = FRMR_PAGES;
	i->max_initiator_request_sge = ENG_MAX_SGE;
	i->max_receive_request_sge = ENG_MAX_SGE;
	i->max_read_request_sge = ENG_MAX_SGE;
	i->max_transfer_length = MAX_TRANSFER;
	i->max_inline_data_size = ENG_MAX_INLINE;
	i->max_inbound_read_limit = ENG_MAX_RD_ATOMIC;
	i->max_outbound_read_limit = ENG_MAX_RD_ATOMIC;
	i->max_receive_queue_depth = MAX_DEPTH;
	i->max_initiator_queue_depth = MAX_DEPTH;
	i->max_srq_depth = MAX_SRQ_DEPTH;
	i->max_cq_depth = MAX_CQ_DEPTH;
	i->large_request_threshold = 4096;
	/* IB CM private data (IBA 12.6): REQ 92 bytes less rdma_cm's 36-byte header;
	 * REP and REJ 196 and 148, the smaller bounds accept and reject alike. */
	i->max_caller_data = 56;
	i->max_callee_data = 148;
	/* The responder copies in order, so the last byte lands last; a READ writes
	 * into any MR with local write. */
	i->adapter_flags = NDK_ADAPTER_FLAG_IN_ORDER_DMA |
			   NDK_ADAPTER_FLAG_RDMA_READ_SINK_NOT_REQUIRED |
			   NDK_ADAPTER_FLAG_MULTI_ENGINE;
	i->rdma_technology = NDK_RDMA_ROCEV2;
}

static int
query_info(struct ndk_adapter *pub, struct ndk_adapter_info *info, size_t *size)
{
	struct adapter *ad = (struct adapter *)pub;

	if (size == NULL || (info == NULL && *size != 0))
		return -EINVAL;
	if (*size < sizeof(*info)) {
		*size = sizeof(*info);
		return -ENOBUFS;
	}
	*size = sizeof(*info);
	adapter_info(ad, info);
	return 0;
}

static const struct adapter_cm_ops *registered_cm;

void
adapter_register_cm(const struct adapter_cm_ops *ops)
{
	registered_cm = ops;
}

static int
create_connector(struct ndk_adapter *pub, ndk_create_cb cb, void *ctx,
		 struct ndk_connector **out)
{
	const struct adapter_cm_ops *cm = ((struct adapter *)pub)->cm_ops;

	return cm != NULL ? cm->create_connector(pub, cb, ctx, out) : -ENOTSUP;
}

static int
create_listener(struct ndk_adapter *pub, ndk_connect_event_cb event, void *event_ctx,
		ndk_create_cb cb, void *ctx, struct ndk_listener **out)
{
	const struct adapter_cm_ops *cm = ((struct adapter *)pub)->cm_ops;

	return cm != NULL ? cm->create_listener(pub, event, event_ctx, cb, ctx, out) :
			    -ENOTSUP;
}

static int
create_sep(struct ndk_adapter *pub, const struct sockaddr *addr, socklen_t len,
	   ndk_create_cb cb, void *ctx, struct ndk_shared_endpoint **out)
{
	const struct adapter_cm_ops *cm = ((struct adapter *)pub)->cm_ops;

	return cm != NULL ? cm->create_sep(pub, addr, len, cb, ctx, out) : -ENOTSUP;
}

/* droce's logical addresses are process addresses: the pages of the buffer itself. */
static int
build_lam(struct ndk_adapter *pub, void *buf, size_t length, ndk_request_cb cb, void *ctx,
	  uint64_t *pages, uint32_t *page_count, uint32_t *fbo)
{
	uintptr_t first = (uintptr_t)buf & ~(uintptr_t)(PAGE_4K - 1);
	uint64_t need;
	uint32_t i;

	RTE_SET_USED(pub);
	RTE_SET_USED(cb);
	RTE_SET_USED(ctx);
	if (buf == NULL || length == 0 || page_count == NULL || fbo == NULL)
		return -EINVAL;
	need = ((uintptr_t)buf - first + length + PAGE_4K - 1) / PAGE_4K;
	if (need > UINT32_MAX)
		return -EINVAL;
	if (pages == NULL || *page_count < need) {
		*page_count = (uint32_t)need;
		return -ENOBUFS;
	}
	for (i = 0; i < need; i++)
		pages[i] = first + (uint64_t)i * PAGE_4K;
	*page_count = (uint32_t)need;
	*fbo = (uint32_t)((uintptr_t)buf - first);
	return 0;
}

static void
release_lam(struct ndk_adapter *pub, uint64_t *pages, uint32_t page_count)
{
	RTE_SET_USED(pub);
	RTE_SET_USED(pages);
	RTE_SET_USED(page_count);
}

const struct ndk_adapter_dispatch adapter_dispatch = {
	.query_extension = ext_none,
	.query_adapter_info = query_info,
	.create_cq = cq_create,
	.create_pd = pd_create,
	.create_shared_endpoint = create_sep,
	.create_connector = create_connector,
	.create_listener = create_listener,
	.build_lam = build_lam,
	.release_lam = release_lam,
};

static void
adapter_free(struct obj *o)
{
	RTE_SET_USED(o);
}

static const struct obj_ops adapter_ops = { .name = "adapter", .free = adapter_free };

/* NDK version negotiation (NdkOpenAdapter): a major we know, at our highest minor. */
static int
negotiate(struct ndk_version want, struct ndk_version *run)
{
	static const struct ndk_version highest[] = { { 0, 0 }, { 1, 2 }, { 2, 1 } };

	if (want.major < 1 || want.major > 2 || want.minor > highest[want.major].minor)
		return -EPROTONOSUPPORT;
	*run = highest[want.major];
	return 0;
}

int
ndk_open_adapter(struct droce_engine *de, struct ndk_version version,
		 const struct ndk_adapter_conf *conf, struct ndk_adapter **out)
{
	struct ndk_version run;
	struct adapter *ad;
	int ret;

	if (de == NULL || out == NULL)
		return -EINVAL;
	ret = negotiate(version, &run);
	if (ret != 0)
		return ret;
	ad = calloc(1, sizeof(*ad));
	if (ad == NULL)
		return -ENOMEM;
	obj_init(&ad->o, NULL, NDK_OBJECT_ADAPTER, &adapter_dispatch, &adapter_ops);
	ad->o.header.version = run;
	ad->o.ad = ad;
	ad->o.state = OBJ_LIVE;
	ad->de = de;
	ad->eng = env_engine_pmd(de);
	ad->rcu = eng_rcu(ad->eng);
	ad->manual = conf != NULL && conf->manual_control;
	ad->close_warn_tsc = rte_get_timer_hz() / 1000 *
			     (conf != NULL && conf->close_warn_ms != 0 ? conf->close_warn_ms : 1000);
	rte_spinlock_init(&ad->lock);
	TAILQ_INIT(&ad->objs);
	TAILQ_INIT(&ad->closing);
	TAILQ_INIT(&ad->srqs);
	TAILQ_INIT(&ad->polling);
	/* Connection management needs QP1: the first adapter on an engine has it. */
	ad->cm_ops = registered_cm;
	ret = ad->cm_ops != NULL ? ad->cm_ops->init(ad) : 0;
	if (ret == -EBUSY)
		ret = 0;
	if (ret == 0)
		ret = ctl_start(ad);
	if (ret != 0) {
		if (ad->cm_ops != NULL)
			ad->cm_ops->fini(ad);
		free(ad);
		return ret;
	}
	ndk_tel_add(ad);
	*out = (struct ndk_adapter *)ad;
	return 0;
}

static unsigned int
live_total(struct adapter *ad)
{
	unsigned int i, n = 0;

	rte_spinlock_lock(&ad->lock);
	for (i = 0; i < NDK_OBJECT_MAX; i++)
		n += ad->counts[i];
	rte_spinlock_unlock(&ad->lock);
	return n;
}

/* Close, without a callback, what the consumer left open; returns how many. */
static unsigned int
close_leftovers(struct adapter *ad)
{
	struct obj *left[64];
	unsigned int i, n = 0;
	struct obj *o;

	rte_spinlock_lock(&ad->lock);
	TAILQ_FOREACH(o, &ad->objs, all)
		if (__atomic_load_n(&o->state, __ATOMIC_ACQUIRE) == OBJ_LIVE && n < RTE_DIM(left))
			left[n++] = o;
	rte_spinlock_unlock(&ad->lock);
	for (i = 0; i < n; i++) {
		LIB_LOG(ERR, "adapter closed with %s %p still open: closing it", left[i]->ops->name,
			(void *)left[i]);
		obj_close(left[i], NULL, NULL, NULL);
	}
	return n;
}

static void
wait_tick(struct adapter *ad)
{
	struct timespec ts = { 0, CLOSE_WAIT_NS };

	if (ad->manual)
		ctl_poll(ad);
	else
		nanosleep(&ts, NULL);
}

int
ndk_close_adapter(struct ndk_adapter *pub)
{
	struct adapter *ad = (struct adapter *)pub;
	int err, slot;

	if (obj_get(pub, NDK_OBJECT_ADAPTER, &err) == NULL) {
		LIB_LOG(ERR, "ndk_close_adapter: not an adapter (%d)", err);
		return err;
	}
	/* From a callback it would wait for itself: for its control work, or its slot. */
	if (ctl_in_callback(ad) || eng_thread_in_poll()) {
		LIB_LOG(ERR, "ndk_close_adapter: called from a callback (%s), which it would "
			"wait for; close the adapter from a thread of the application",
			eng_thread_in_poll() ? "an engine slot's" : "the adapter's control");
		return -EDEADLK;
	}
	/* A thread that polls a slot blocks here: the slot goes offline, nothing waits. */
	slot = eng_thread_slot(ad->eng);
	if (slot >= 0)
		eng_slot_offline(ad->eng, (unsigned int)slot);
	ad->o.state = OBJ_CLOSING;
	while (live_total(ad) > 0) {
		close_leftovers(ad);
		wait_tick(ad);
	}
	ctl_stop(ad);
	if (ad->cm_ops != NULL)
		ad->cm_ops->fini(ad);
	/* The barrier: a CQ notification that started before its CQ closed has ended
	 * once every slot has passed a quiescent point (offline slots count as passed). */
	rte_rcu_qsbr_synchronize(ad->rcu, RTE_QSBR_THRID_INVALID);
	/*
	 * Only now the eventfd: QP1's notification hook (cleared by the CM's fini) and CQ
	 * notifications wake the control context through it, and its number, once closed,
	 * may name another file.
	 */
	ctl_fini(ad);
	ndk_tel_del(ad);
	ad->o.magic = 0;
	free(ad);
	return 0;
}

int
ndk_adapter_control_poll(struct ndk_adapter *pub)
{
	struct adapter *ad = (struct adapter *)pub;
	int err;

	if (obj_get(pub, NDK_OBJECT_ADAPTER, &err) == NULL)
		return err;
	if (!ad->manual)
		return -EINVAL;
	return ctl_poll(ad);
}

int
ndk_adapter_live(struct ndk_adapter *pub, unsigned int counts[NDK_OBJECT_MAX])
{
	struct adapter *ad = (struct adapter *)pub;
	unsigned int i, n = 0;
	int err;

	if (obj_get(pub, NDK_OBJECT_ADAPTER, &err) == NULL)
		return err;
	rte_spinlock_lock(&ad->lock);
	for (i = 0; i < NDK_OBJECT_MAX; i++) {
		if (counts != NULL)
			counts[i] = ad->counts[i];
		n += ad->counts[i];
	}
	rte_spinlock_unlock(&ad->lock);
	return (int)n;
}

void
ndk_adapter_dump(struct ndk_adapter *pub, void *file)
{
	struct adapter *ad = (struct adapter *)pub;
	FILE *f = file != NULL ? file : stderr;
	struct obj *o;
	int err;

	if (obj_get(pub, NDK_OBJECT_ADAPTER, &err) == NULL)
		return;
	rte_spinlock_lock(&ad->lock);
	TAILQ_FOREACH(o, &ad->objs, all) {
		uint32_t st = __atomic_load_n(&o->state, __ATOMIC_ACQUIRE);
		char why[160];

		fprintf(f, "%s %p: %s", o->ops->name, (void *)o,
			st < OBJ_STATE_MAX ? obj_state_names[st] : "?");
		if (st == OBJ_CLOSING) {
			obj_close_wait(o, why, sizeof(why));
			fprintf(f, ", waits for %s", why);
		}
		fputc('\n', f);
	}
	rte_spinlock_unlock(&ad->lock);
}
