/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef NDK_PVT_H
#define NDK_PVT_H

/*
 * The NDK object core. Every object starts with the public part (header, dispatch) and
 * carries a reference count: one for each successor (a QP on its PD and CQs, an MW on the
 * MR it is bound to, ...) and one for each request still pending on it. A close marks the
 * object closing (new work is refused) and hands it to the adapter's control context,
 * which waits until the count is zero and the object's own poll says it has quiesced (an
 * RCU grace period over the engine's slots, or the engine's own close pair), then frees
 * it and calls the close callback. The control context is one thread, so a close
 * callback has returned before anything else is looked at.
 *
 * Callbacks run on the control context or, for CQ notifications, on an engine slot;
 * nothing in here holds a lock while calling out.
 */

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>

#include <rte_spinlock.h>
#include <rte_tailq.h>

#include "droce/ndk.h"
#include "pmd_api.h"
#include "env_pvt.h"

#define OBJ_MAGIC	0x6e646b6fu	/* "ndko" */
#define OBJ_MAX_ANTE	4

struct adapter;
struct obj;
struct cm;
struct sockaddr;

/* One unit of work for the control context (a create, a close, a request, a kick). */
struct ctl_item {
	struct ctl_item *next;
	void (*run)(struct ctl_item *it);
};

enum obj_state {
	OBJ_CREATING,		/* a pending create has not completed */
	OBJ_LIVE,
	OBJ_CLOSING,		/* the consumer closed it; it waits for refs and quiescence */
	OBJ_STATE_MAX
};

extern const char *const obj_state_names[OBJ_STATE_MAX];

struct obj_ops {
	const char *name;
	/* Control context, once the close is processed: stop what must stop now. */
	void (*close_begin)(struct obj *o);
	/* Control context, with no references left: true once quiesced and its engine
	 * resources are gone. NULL = nothing to wait for. */
	bool (*close_poll)(struct obj *o);
	/* Free the memory (called after close_poll said true). */
	void (*free)(struct obj *o);
	/* What a close with no references left waits for, in words (snprintf's return).
	 * Any thread, under the adapter's lock. NULL = "its quiescence". */
	int (*close_wait)(const struct obj *o, char *buf, size_t len);
};

struct obj {
	/* Public part: the same layout as every struct ndk_<object>. */
	struct ndk_object_header header;
	const void *dispatch;
	/* Private. */
	uint32_t magic;
	uint32_t state;				/* enum obj_state, atomic */
	uint32_t refs;				/* successors + pending requests, atomic */
	const struct obj_ops *ops;
	struct adapter *ad;
	struct obj *ante[OBJ_MAX_ANTE];		/* antecedents this object holds a ref on */
	ndk_close_cb close_cb;
	void *close_ctx;
	ndk_create_cb create_cb;
	void *create_ctx;
	struct ctl_item item;			/* create, then close */
	uint64_t close_tsc;			/* when the close started (timer cycles) */
	uint64_t warn_tsc;			/* its last warning (control context) */
	TAILQ_ENTRY(obj) all;			/* adapter's objects (under ad->lock) */
	TAILQ_ENTRY(obj) closing;		/* control context only */
};

/*
 * The connection manager (lib/cm) as the adapter sees it. lib/cm builds on this object
 * core, so the core does not call it by name: cm registers these at load time
 * (adapter_register_cm(), from an RTE_INIT constructor), as DPDK's drivers register with
 * their bus. Without one, connectors, listeners and shared endpoints are -ENOTSUP.
 */
struct adapter_cm_ops {
	/* Adapter open: take QP1 (-EBUSY: another adapter of the engine has it). */
	int (*init)(struct adapter *ad);
	/* Adapter close (blocks until QP1's grace period passed); also after a failed init. */
	void (*fini)(struct adapter *ad);
	/* Control context: received MADs, timers; returns the work done. */
	int (*poll)(struct adapter *ad);
	/* Milliseconds until the CM's next timer, at most max. */
	int (*wait_ms)(struct adapter *ad, int max);
	/* The adapter's dispatch entries for the CM's objects. */
	int (*create_connector)(struct ndk_adapter *pub, ndk_create_cb cb, void *ctx,
				struct ndk_connector **out);
	int (*create_listener)(struct ndk_adapter *pub, ndk_connect_event_cb event,
			       void *event_ctx, ndk_create_cb cb, void *ctx,
			       struct ndk_listener **out);
	int (*create_sep)(struct ndk_adapter *pub, const struct sockaddr *addr,
			  socklen_t len, ndk_create_cb cb, void *ctx,
			  struct ndk_shared_endpoint **out);
};

TAILQ_HEAD(obj_list, obj);
TAILQ_HEAD(req_list, req_item);

struct adapter {
	struct obj o;
	struct droce_engine *de;
	struct eng *eng;
	struct rte_rcu_qsbr *rcu;
	struct ctl_item *queue;			/* lock-free LIFO of work, atomic */
	int efd;				/* eventfd waking the control thread */
	bool manual;
	bool stop;				/* control thread: leave when idle */
	pthread_t thr;
	bool thr_running;
	rte_spinlock_t lock;			/* objs and counts */
	struct obj_list objs;
	uint32_t counts[NDK_OBJECT_MAX];
	struct obj_list closing;		/* control context only */
	TAILQ_HEAD(, lib_srq) srqs;			/* control context only: live SRQs */
	struct req_list polling;		/* control context only: requests in progress */
	uint32_t next_pd;			/* atomic */
	struct cm *cm;				/* NULL: another adapter owns QP1 */
	uint64_t close_warn_tsc;		/* ndk_adapter_conf.close_warn_ms in cycles */
	unsigned int tel_idx;			/* its place in the telemetry registry */
	const struct adapter_cm_ops *cm_ops;	/* NULL: no connection manager */
};

/* Pending requests on an object: a reference held until the callback returned. */
struct req_item {
	struct ctl_item item;
	TAILQ_ENTRY(req_item) next;		/* control context: still polling */
	struct obj *o;
	ndk_request_cb cb;
	void *ctx;
	/* The work: returns the status, or NDK_PENDING to be called again later. */
	int (*fn)(struct req_item *r);
	/* Ends the object's one-request guard: after the callback was taken, before it runs. */
	void (*release)(struct req_item *r);
	uint64_t args[4];
};

/* Private views used by several files. */
struct lib_pd {
	struct obj o;
	uint32_t pdn;
	struct eng_mr *priv;			/* the privileged key */
	bool priv_closing;
};

struct lib_cq {
	struct obj o;
	struct eng_cq *ecq;
	ndk_cq_notify_cb notify;
	void *notify_ctx;
	uint32_t depth;
	uint32_t arm;				/* ARM_* level | ARM_BUSY_SET, atomic */
	uint32_t busy;				/* a notification is running, atomic */
	uint64_t seen_any;			/* counts at the last notification, atomic */
	uint64_t seen_sol;
	bool err_told;
	uint32_t kick_queued;			/* atomic */
	struct ctl_item kick;
	uint64_t token;
	bool token_taken;
};

struct lib_srq {
	struct obj o;
	TAILQ_ENTRY(lib_srq) srq_next;
	struct eng_srq *esrq;
	uint32_t depth;
	uint32_t capacity;
	uint32_t max_sge;
	uint32_t threshold;			/* 0 = not armed; control context */
	uint32_t modifying;			/* a modify is pending, atomic */
	ndk_srq_notify_cb notify;
	void *notify_ctx;
	struct req_item req;
};

struct lib_mr {
	struct obj o;
	struct lib_pd *pd;
	struct eng_mr *emr;			/* published after register/init completes */
	struct eng_mr *old;			/* being deregistered */
	bool fast;
	bool closing;
	uint32_t busy;				/* a request is pending, atomic */
	uint32_t max_pages;
	uint32_t lkey, rkey;			/* atomic: valid after register */
	struct req_item req;
};

struct lib_mw {
	struct obj o;
	struct lib_pd *pd;
	struct eng_mw *emw;
	uint32_t rkey;
	struct lib_mr *bound;			/* the MR of the last bind, referenced */
	bool closing;
};

struct lib_qp {
	struct obj o;
	struct lib_pd *pd;
	struct eng_qp *eqp;
	void *qp_ctx;
	uint32_t rq_depth, iq_depth, max_rsge, max_isge, inline_size;
	struct lib_cq *rcq, *icq;
	struct lib_srq *srq;
	bool started_close;
	bool attached;				/* to a connector, once: never reused */
};


/* ---- Functions, by the file that defines them ---- */

/* ndk_obj.c: the object core. */
void obj_init(struct obj *o, struct adapter *ad, enum ndk_object_type type,
	      const void *dispatch, const struct obj_ops *ops);
/* The object behind a public pointer, if it is one of ours of that type; else NULL
 * and *err = -EINVAL (NULL) or -EBADF (not an object, or another type). */
struct obj *obj_get(const void *pub, enum ndk_object_type type, int *err);
void obj_ref(struct obj *o);
void obj_unref(struct obj *o);
/* Hold a reference on antecedent a until this object is freed. */
void obj_hold_ante(struct obj *o, struct obj *a);
bool obj_live(const struct obj *o);
/* Creates on a parent whose close has started are refused: 0, or -EBADF. */
static inline int
obj_parent_ok(const struct obj *parent)
{
	return obj_live(parent) ? 0 : -EBADF;
}
/* Pending create: run on the control context, which calls back with the result. */
int obj_create_pending(struct obj *o, void (*run)(struct ctl_item *it), ndk_create_cb cb,
		       void *ctx);
/* Control context: finish a pending create (ret 0: publish and call back with it). */
void obj_create_done(struct obj *o, int ret);
/* Inline create: publish now. */
void obj_publish(struct obj *o);
/* The generic close: 0 (freed inline when inline_ok says so) or NDK_PENDING. */
int obj_close(struct obj *o, ndk_close_cb cb, void *ctx, bool (*inline_ok)(struct obj *o));
/* Free an object that never completed its create (control context). */
void obj_discard(struct obj *o);
/* Control context: finish the closes that are ready; returns how many. */
int obj_closes_poll(struct adapter *ad);
/* What o's pending close waits for, in words (snprintf's return). Under ad->lock. */
int obj_close_wait(const struct obj *o, char *buf, size_t len);
int req_pending(struct req_item *r, struct obj *o, int (*fn)(struct req_item *r),
		void (*release)(struct req_item *r), ndk_request_cb cb, void *ctx);
/* Control context: poll the requests still in progress; returns how many finished. */
int req_poll(struct adapter *ad);
/* The query_extension of objects without extensions, and the close every type uses. */
int ext_none(struct ndk_object_header *obj, uint32_t id, struct ndk_version version,
	     const void **dispatch);
int obj_close_fn(struct ndk_object_header *obj, ndk_close_cb cb, void *ctx);

/* ndk_ctl.c: the control context. */
void ctl_push(struct adapter *ad, struct ctl_item *it);
int ctl_poll(struct adapter *ad);
int ctl_start(struct adapter *ad);
/* Stop the control thread (its eventfd stays: a slot may still wake it). */
void ctl_stop(struct adapter *ad);
/* Close the eventfd, once nothing can wake the control context any more. */
void ctl_fini(struct adapter *ad);
/* Is the calling thread running ad's control work (one of its callbacks)? */
bool ctl_in_callback(const struct adapter *ad);
void ctl_wake(struct adapter *ad);

/* ndk_adapter.c */
extern const struct ndk_adapter_dispatch adapter_dispatch;
/* The adapter's limits (NDK_ADAPTER_INFO). */
void adapter_info(const struct adapter *ad, struct ndk_adapter_info *i);
/* The connection manager adapters opened from now on run. Load time, once. */
void adapter_register_cm(const struct adapter_cm_ops *ops);

/*
 * The dispatch entries one file defines and another puts in its table (the adapter
 * creates PDs and CQs, a PD creates MRs, MWs, SRQs and QPs), with the tables.
 */
/* ndk_pd.c */
extern const struct ndk_pd_dispatch pd_dispatch;
int pd_create(struct ndk_adapter *pub, ndk_create_cb cb, void *ctx, struct ndk_pd **out);
/* ndk_cq.c */
extern const struct ndk_cq_dispatch cq_dispatch;
int cq_create(struct ndk_adapter *pub, uint32_t depth, ndk_cq_notify_cb notify,
	      void *notify_ctx, int lcore_hint, ndk_create_cb cb, void *ctx,
	      struct ndk_cq **out);
/* Fire the CQ's notification if it is armed and due (engine slot or control context). */
void cq_try_notify(struct lib_cq *cq);
/* ndk_mr.c */
extern const struct ndk_mr_dispatch mr_dispatch;
extern const struct ndk_mw_dispatch mw_dispatch;
int mr_create(struct ndk_pd *pub, bool fast, ndk_create_cb cb, void *ctx,
	      struct ndk_mr **out);
int mw_create(struct ndk_pd *pub, ndk_create_cb cb, void *ctx, struct ndk_mw **out);
/* ndk_srq.c */
extern const struct ndk_srq_dispatch srq_dispatch;
int srq_create(struct ndk_pd *pub, uint32_t depth, uint32_t max_sge, uint32_t threshold,
	       ndk_srq_notify_cb notify, void *notify_ctx, int lcore_hint, ndk_create_cb cb,
	       void *ctx, struct ndk_srq **out);
/* ndk_qp.c */
extern const struct ndk_qp_dispatch qp_dispatch;
int qp_create(struct ndk_pd *pub, struct ndk_cq *rcq, struct ndk_cq *icq, void *qp_ctx,
	      uint32_t rq_depth, uint32_t iq_depth, uint32_t max_rsge, uint32_t max_isge,
	      uint32_t inline_size, ndk_create_cb cb, void *ctx, struct ndk_qp **out);
int qp_create_with_srq(struct ndk_pd *pub, struct ndk_cq *rcq, struct ndk_cq *icq,
		       struct ndk_srq *srq, void *qp_ctx, uint32_t iq_depth,
		       uint32_t max_isge, uint32_t inline_size, ndk_create_cb cb, void *ctx,
		       struct ndk_qp **out);

/* ndk_post.c: the QP's and SRQ's posting entries, and NDK_EXT_DROCE_VERBS (ndk_ext.h). */
extern const struct droce_verbs_ext verbs_ext;
int qp_post_send(struct ndk_qp *pub, void *req_ctx, const struct ndk_sge *sge,
		 uint32_t nsge, uint32_t flags);
int qp_post_send_inv(struct ndk_qp *pub, void *req_ctx, const struct ndk_sge *sge,
		     uint32_t nsge, uint32_t flags, uint32_t rtoken);
int qp_post_receive(struct ndk_qp *pub, void *req_ctx, const struct ndk_sge *sge,
		    uint32_t nsge);
int qp_post_read(struct ndk_qp *pub, void *req_ctx, const struct ndk_sge *sge,
		 uint32_t nsge, uint64_t raddr, uint32_t rtoken, uint32_t flags);
int qp_post_write(struct ndk_qp *pub, void *req_ctx, const struct ndk_sge *sge,
		  uint32_t nsge, uint64_t raddr, uint32_t rtoken, uint32_t flags);
int qp_post_bind(struct ndk_qp *pub, void *req_ctx, struct ndk_mr *mr, struct ndk_mw *mw,
		 void *va, size_t length, uint32_t flags);
int qp_post_fr(struct ndk_qp *pub, void *req_ctx, struct ndk_mr *mr, uint32_t page_count,
	       const uint64_t *pages, uint32_t fbo, size_t length, void *base_va,
	       uint32_t flags);
int qp_post_invalidate(struct ndk_qp *pub, void *req_ctx, struct ndk_object_header *target,
		       uint32_t flags);
int srq_post_receive(struct ndk_srq *pub, void *req_ctx, const struct ndk_sge *sge,
		     uint32_t nsge);

/* ndk_tel.c: the telemetry registry of open adapters (/droce/closes). add at open;
 * del before the adapter is freed, returning once no request reads it. */
void ndk_tel_add(struct adapter *ad);
void ndk_tel_del(struct adapter *ad);

/* ndk_status.c: the status of an engine completion (0 or a negative errno). */
int status_of_wc(enum eng_wc_status st);

#endif /* NDK_PVT_H */
