/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DROCE_NDK_H
#define DROCE_NDK_H

/**
 * @file
 * droce's NDK-style RDMA API, modelled on Windows NDKPI (the Network Direct Kernel Provider
 * Interface) with Linux types.
 *
 * Objects. Every object (adapter, PD, CQ, MR, MW, QP, SRQ, connector, listener, shared
 * endpoint) is an object header followed by a pointer to
 * its dispatch table. The consumer calls through the table, directly or with the ndk_*
 * wrappers below, which check the object first. droce sets the dispatch pointer before it
 * hands an object out and never reads it again, so a consumer may interpose its own table.
 * The header's reserved words belong to the consumer.
 *
 * The asynchronous contract. A function that can complete later takes a callback and its
 * context last and returns:
 *  - 0: done; a create stored the object in its out-parameter; the callback is never called;
 *  - NDK_PENDING: the callback is called exactly once, later, never inside this call; a
 *    create hands the object (or NULL with an error) to the callback only;
 *  - a negative errno: failed, nothing changed, the callback is never called.
 * Close never fails: 0 (closed, no callback) or NDK_PENDING (one close callback later). Its
 * callback is the last call droce ever makes for that object; after starting a close the
 * consumer must not use the object again. Closing an object before the objects that
 * depend on it (a PD before its QPs and MRs, a CQ before its QPs, an MR before an MW bound
 * to it) is legal and stays pending until they are closed.
 *
 * Contexts. ndk_open_adapter() and ndk_close_adapter() may block and run on a control
 * thread of the consumer, never on a thread that polls an engine slot and never in a
 * callback. ndk_query_adapter_info() does not block in droce (NDK lets a provider block
 * there, so portable consumers call it from a control thread too). Every other function
 * never blocks (some take a droce lock for a short critical section) and may be called
 * from any thread, from an lcore and from inside any callback. Callbacks run either on
 * the thread that polls the engine slot that made a completion (CQ notifications: an
 * engine lcore, or the thread calling droce_engine_poll()) or on the adapter's control
 * context: the control thread ndk_open_adapter() starts or, with
 * ndk_adapter_conf.manual_control, the thread calling ndk_adapter_control_poll() or
 * ndk_close_adapter() (everything else, and CQ notifications an arm found due at once).
 * They run never with a droce lock held and never inside the call that started them, and
 * must not block; from inside one the consumer may post, poll, arm and close.
 *
 * Statuses are 0, NDK_PENDING or a negative errno. ndk_status_ntstatus() maps them to
 * NDK's NTSTATUS values; the table is in its doc comment.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Returned when a callback will report the result (STATUS_PENDING's value). */
#define NDK_PENDING		0x103

/** NDK's version pair. droce runs 1.2 for major 1 consumers and 2.1 for major 2. */
struct ndk_version {
	uint16_t major;
	uint16_t minor;
};

/** Object types, with NDK_OBJECT_TYPE's values. */
enum ndk_object_type {
	NDK_OBJECT_UNDEFINED = 0,
	NDK_OBJECT_ADAPTER = 1,
	NDK_OBJECT_QP = 2,
	NDK_OBJECT_CQ = 3,
	NDK_OBJECT_MR = 4,
	NDK_OBJECT_MW = 5,
	NDK_OBJECT_PD = 6,
	NDK_OBJECT_SHARED_ENDPOINT = 7,
	NDK_OBJECT_CONNECTOR = 8,
	NDK_OBJECT_LISTENER = 9,
	NDK_OBJECT_SRQ = 10,
	NDK_OBJECT_MAX
};

/** The first member of every object. */
struct ndk_object_header {
	struct ndk_version version;	/**< the negotiated version */
	uint32_t type;			/**< enum ndk_object_type, never 0 */
	void *reserved[4];		/**< the consumer's; droce only zeroes it at creation */
};

struct ndk_adapter;
struct ndk_pd;
struct ndk_cq;
struct ndk_mr;
struct ndk_mw;
struct ndk_qp;
struct ndk_srq;
struct ndk_connector;
struct ndk_listener;
struct ndk_shared_endpoint;
struct droce_engine;

/** Create completion: status and, on success, the new object's header. */
typedef void (*ndk_create_cb)(void *ctx, int status, struct ndk_object_header *obj);
/** Completion of a request (register, deregister, modify, ...). */
typedef void (*ndk_request_cb)(void *ctx, int status);
/** Close completion: the last callback for the object. */
typedef void (*ndk_close_cb)(void *ctx);
/**
 * CQ notification, at most once per ndk_arm_cq(). cq_status: 0, -EOVERFLOW (a completion
 * was lost because the CQ was full: the CQ and its QPs are unusable) or -EIO (fatal;
 * reserved: this version never reports it).
 */
typedef void (*ndk_cq_notify_cb)(void *ctx, int cq_status);
/** SRQ notification: the queued receives fell below the threshold (0) or -EIO (reserved:
 *  this version never reports it). */
typedef void (*ndk_srq_notify_cb)(void *ctx, int srq_status);
/** A connection request reached a listener: conn is the consumer's from now on. */
typedef void (*ndk_connect_event_cb)(void *ctx, struct ndk_connector *conn);
/** The peer disconnected (called at most once; nothing is flushed by it). */
typedef void (*ndk_disconnect_event_cb)(void *ctx);

/** Scatter/gather element. */
struct ndk_sge {
	union {
		void *va;		/**< with an MR's local token: an address in the MR */
		uint64_t logical;	/**< with the privileged token: a logical address */
	};
	uint32_t length;
	uint32_t token;			/**< local token of the MR (ignored for INLINE) */
};

/** Work request flags (NDK_OP_FLAG_*). */
#define NDK_OP_FLAG_SILENT_SUCCESS		0x001	/**< no completion unless it fails */
#define NDK_OP_FLAG_READ_FENCE			0x002	/**< wait for earlier reads */
#define NDK_OP_FLAG_SEND_AND_SOLICIT_EVENT	0x004	/**< peer's SOLICITED arm fires */
#define NDK_OP_FLAG_ALLOW_REMOTE_READ		0x008	/**< bind, fast-register */
#define NDK_OP_FLAG_ALLOW_LOCAL_WRITE		0x010	/**< fast-register */
#define NDK_OP_FLAG_ALLOW_REMOTE_WRITE		0x030	/**< includes local write */
#define NDK_OP_FLAG_INLINE			0x040	/**< payload copied at post time */
#define NDK_OP_FLAG_RDMA_READ_SINK		0x080	/**< fast-register: read target */
#define NDK_OP_FLAG_RDMA_READ_LOCAL_INVALIDATE	0x100	/**< not supported (flag not set) */
#define NDK_OP_FLAG_DEFER			0x200	/**< doorbell batching hint */

/** Memory registration flags (NDK_MR_FLAG_*). Local read is implicit. */
#define NDK_MR_FLAG_LOCAL_WRITE		0x1
#define NDK_MR_FLAG_REMOTE_READ		0x2
#define NDK_MR_FLAG_REMOTE_WRITE	0x5	/**< includes local write */
#define NDK_MR_FLAG_RDMA_READ_SINK	0x8

/** CQ arm types, merged ANY > SOLICITED > ERRORS when armed twice. */
enum ndk_cq_notify_type {
	NDK_CQ_NOTIFY_ERRORS = 0,
	NDK_CQ_NOTIFY_ANY = 1,
	NDK_CQ_NOTIFY_SOLICITED = 2,
};

/** What a completion was (NDK_OPERATION_TYPE). */
enum ndk_operation_type {
	NDK_OP_RECEIVE = 1,
	NDK_OP_SEND = 2,
	NDK_OP_FAST_REGISTER = 4,
	NDK_OP_BIND = 8,
	NDK_OP_INVALIDATE = 16,
	NDK_OP_READ = 32,
	NDK_OP_WRITE = 64,
	NDK_OP_RECEIVE_AND_INVALIDATE = 0x8001,
};

/** One completion (NDK_RESULT). */
struct ndk_result {
	int32_t status;			/**< 0, or -ECANCELED (flushed), -ETIMEDOUT, ... */
	uint32_t bytes_transferred;	/**< receives: bytes placed */
	void *qp_context;		/**< as given to create_qp */
	void *request_context;		/**< as given when posting */
};

/** One completion with its type (NDK_RESULT_EX). */
struct ndk_result_ex {
	int32_t status;
	uint32_t bytes_transferred;
	void *qp_context;
	void *request_context;
	uint32_t type;			/**< enum ndk_operation_type */
	uint32_t provider_error_code;	/**< 0 on success; else droce's completion code */
	uint64_t type_specific;		/**< RECEIVE_AND_INVALIDATE: the invalidated token */
};

/** Adapter flags (NDK_ADAPTER_FLAG_*). */
#define NDK_ADAPTER_FLAG_IN_ORDER_DMA			0x1
#define NDK_ADAPTER_FLAG_RDMA_READ_SINK_NOT_REQUIRED	0x2
#define NDK_ADAPTER_FLAG_CQ_INTERRUPT_MODERATION	0x4
#define NDK_ADAPTER_FLAG_MULTI_ENGINE			0x8
#define NDK_ADAPTER_FLAG_RDMA_READ_LOCAL_INVALIDATE	0x10
#define NDK_ADAPTER_FLAG_CQ_RESIZE			0x100
#define NDK_ADAPTER_FLAG_LOOPBACK_CONNECTIONS		0x10000

/** RDMA technologies (NDK_RDMA_TECHNOLOGY). */
enum ndk_rdma_technology {
	NDK_RDMA_UNDEFINED = 0,
	NDK_RDMA_IWARP = 1,
	NDK_RDMA_INFINIBAND = 2,
	NDK_RDMA_ROCE = 3,
	NDK_RDMA_ROCEV2 = 4,
};

/** NDK_ADAPTER_INFO. */
struct ndk_adapter_info {
	uint32_t info_version;		/**< sizeof(struct ndk_adapter_info) */
	struct ndk_version version;	/**< negotiated */
	uint32_t vendor_id;
	uint32_t device_id;
	size_t max_registration_size;
	size_t max_window_size;
	uint32_t frmr_page_count;
	uint32_t max_initiator_request_sge;
	uint32_t max_receive_request_sge;
	uint32_t max_read_request_sge;
	uint32_t max_transfer_length;
	uint32_t max_inline_data_size;
	uint32_t max_inbound_read_limit;
	uint32_t max_outbound_read_limit;
	uint32_t max_receive_queue_depth;
	uint32_t max_initiator_queue_depth;
	uint32_t max_srq_depth;
	uint32_t max_cq_depth;
	uint32_t large_request_threshold;
	uint32_t max_caller_data;
	uint32_t max_callee_data;
	uint32_t adapter_flags;
	uint32_t rdma_technology;	/**< enum ndk_rdma_technology: RoCEv2 */
};

/*
 * Dispatch tables, in NDKPI's member order. Every table but the adapter's starts with
 * close and query_extension.
 */

/** Close any object but the adapter: 0 or NDK_PENDING; never fails (see above). */
typedef int (*ndk_close_fn)(struct ndk_object_header *obj, ndk_close_cb cb, void *ctx);
/**
 * droce-specific extras: the dispatch table of extension id at a version, or -ENOTSUP.
 * Extension ids are in droce/ndk_ext.h.
 */
typedef int (*ndk_query_extension_fn)(struct ndk_object_header *obj, uint32_t id,
				      struct ndk_version version, const void **dispatch);

struct ndk_adapter_dispatch {
	ndk_query_extension_fn query_extension;
	int (*query_adapter_info)(struct ndk_adapter *ad, struct ndk_adapter_info *info,
				  size_t *size);
	int (*create_cq)(struct ndk_adapter *ad, uint32_t depth, ndk_cq_notify_cb notify,
			 void *notify_ctx, int lcore_hint, ndk_create_cb cb, void *ctx,
			 struct ndk_cq **out);
	int (*create_pd)(struct ndk_adapter *ad, ndk_create_cb cb, void *ctx,
			 struct ndk_pd **out);
	int (*create_shared_endpoint)(struct ndk_adapter *ad, const struct sockaddr *addr,
				      socklen_t addr_len, ndk_create_cb cb, void *ctx,
				      struct ndk_shared_endpoint **out);
	int (*create_connector)(struct ndk_adapter *ad, ndk_create_cb cb, void *ctx,
				struct ndk_connector **out);
	int (*create_listener)(struct ndk_adapter *ad, ndk_connect_event_cb connect_event,
			       void *event_ctx, ndk_create_cb cb, void *ctx,
			       struct ndk_listener **out);
	int (*build_lam)(struct ndk_adapter *ad, void *buf, size_t length, ndk_request_cb cb,
			 void *ctx, uint64_t *pages, uint32_t *page_count, uint32_t *fbo);
	void (*release_lam)(struct ndk_adapter *ad, uint64_t *pages, uint32_t page_count);
};

struct ndk_pd_dispatch {
	ndk_close_fn close;
	ndk_query_extension_fn query_extension;
	int (*create_mr)(struct ndk_pd *pd, bool fast_register, ndk_create_cb cb, void *ctx,
			 struct ndk_mr **out);
	int (*create_mw)(struct ndk_pd *pd, ndk_create_cb cb, void *ctx, struct ndk_mw **out);
	int (*create_srq)(struct ndk_pd *pd, uint32_t depth, uint32_t max_sge,
			  uint32_t notify_threshold, ndk_srq_notify_cb notify, void *notify_ctx,
			  int lcore_hint, ndk_create_cb cb, void *ctx, struct ndk_srq **out);
	int (*create_qp)(struct ndk_pd *pd, struct ndk_cq *rcq, struct ndk_cq *icq,
			 void *qp_ctx, uint32_t rq_depth, uint32_t iq_depth, uint32_t max_rsge,
			 uint32_t max_isge, uint32_t inline_size, ndk_create_cb cb, void *ctx,
			 struct ndk_qp **out);
	int (*create_qp_with_srq)(struct ndk_pd *pd, struct ndk_cq *rcq, struct ndk_cq *icq,
				  struct ndk_srq *srq, void *qp_ctx, uint32_t iq_depth,
				  uint32_t max_isge, uint32_t inline_size, ndk_create_cb cb,
				  void *ctx, struct ndk_qp **out);
	int (*get_privileged_token)(struct ndk_pd *pd, uint32_t *token);
};

struct ndk_cq_dispatch {
	ndk_close_fn close;
	ndk_query_extension_fn query_extension;
	int (*resize)(struct ndk_cq *cq, uint32_t depth, ndk_request_cb cb, void *ctx);
	void (*arm)(struct ndk_cq *cq, enum ndk_cq_notify_type type);
	uint32_t (*get_results)(struct ndk_cq *cq, struct ndk_result *r, uint32_t n);
	int (*control_moderation)(struct ndk_cq *cq, uint32_t interval_us, uint32_t count);
	uint32_t (*get_results_ex)(struct ndk_cq *cq, struct ndk_result_ex *r, uint32_t n);
};

struct ndk_mr_dispatch {
	ndk_close_fn close;
	ndk_query_extension_fn query_extension;
	int (*register_mr)(struct ndk_mr *mr, void *buf, size_t length, uint32_t flags,
			   ndk_request_cb cb, void *ctx);
	int (*deregister_mr)(struct ndk_mr *mr, ndk_request_cb cb, void *ctx);
	int (*init_fast_register)(struct ndk_mr *mr, uint32_t page_count, bool remote,
				  ndk_request_cb cb, void *ctx);
	uint32_t (*get_remote_token)(struct ndk_mr *mr);
	uint32_t (*get_local_token)(struct ndk_mr *mr);
};

struct ndk_mw_dispatch {
	ndk_close_fn close;
	ndk_query_extension_fn query_extension;
	uint32_t (*get_remote_token)(struct ndk_mw *mw);
};

struct ndk_srq_dispatch {
	ndk_close_fn close;
	ndk_query_extension_fn query_extension;
	int (*modify)(struct ndk_srq *srq, uint32_t depth, uint32_t notify_threshold,
		      ndk_request_cb cb, void *ctx);
	int (*receive)(struct ndk_srq *srq, void *req_ctx, const struct ndk_sge *sge,
		       uint32_t nsge);
};

struct ndk_qp_dispatch {
	ndk_close_fn close;
	ndk_query_extension_fn query_extension;
	void (*flush)(struct ndk_qp *qp);
	int (*send)(struct ndk_qp *qp, void *req_ctx, const struct ndk_sge *sge,
		    uint32_t nsge, uint32_t flags);
	int (*receive)(struct ndk_qp *qp, void *req_ctx, const struct ndk_sge *sge,
		       uint32_t nsge);
	int (*bind)(struct ndk_qp *qp, void *req_ctx, struct ndk_mr *mr, struct ndk_mw *mw,
		    void *va, size_t length, uint32_t flags);
	int (*fast_register)(struct ndk_qp *qp, void *req_ctx, struct ndk_mr *mr,
			     uint32_t page_count, const uint64_t *pages, uint32_t fbo,
			     size_t length, void *base_va, uint32_t flags);
	int (*invalidate)(struct ndk_qp *qp, void *req_ctx, struct ndk_object_header *mr_or_mw,
			  uint32_t flags);
	int (*read)(struct ndk_qp *qp, void *req_ctx, const struct ndk_sge *sge, uint32_t nsge,
		    uint64_t remote_addr, uint32_t remote_token, uint32_t flags);
	int (*write)(struct ndk_qp *qp, void *req_ctx, const struct ndk_sge *sge,
		     uint32_t nsge, uint64_t remote_addr, uint32_t remote_token,
		     uint32_t flags);
	int (*send_and_invalidate)(struct ndk_qp *qp, void *req_ctx, const struct ndk_sge *sge,
				   uint32_t nsge, uint32_t flags, uint32_t remote_token);
};

struct ndk_connector_dispatch {
	ndk_close_fn close;
	ndk_query_extension_fn query_extension;
	int (*connect)(struct ndk_connector *conn, struct ndk_qp *qp,
		       const struct sockaddr *src, socklen_t src_len, const struct sockaddr *dst,
		       socklen_t dst_len, uint32_t ird, uint32_t ord, const void *pdata,
		       uint32_t pdata_len, ndk_request_cb cb, void *ctx);
	int (*connect_with_shared_endpoint)(struct ndk_connector *conn, struct ndk_qp *qp,
					    struct ndk_shared_endpoint *ep,
					    const struct sockaddr *dst, socklen_t dst_len,
					    uint32_t ird, uint32_t ord, const void *pdata,
					    uint32_t pdata_len, ndk_request_cb cb, void *ctx);
	int (*complete_connect)(struct ndk_connector *conn, ndk_disconnect_event_cb disc,
				void *disc_ctx, ndk_request_cb cb, void *ctx);
	int (*accept)(struct ndk_connector *conn, struct ndk_qp *qp, uint32_t ird, uint32_t ord,
		      const void *pdata, uint32_t pdata_len, ndk_disconnect_event_cb disc,
		      void *disc_ctx, ndk_request_cb cb, void *ctx);
	int (*reject)(struct ndk_connector *conn, const void *pdata, uint32_t pdata_len);
	int (*get_connection_data)(struct ndk_connector *conn, uint32_t *ird, uint32_t *ord,
				   void *pdata, uint32_t *pdata_len);
	int (*get_local_address)(struct ndk_connector *conn, struct sockaddr *addr,
				 socklen_t *len);
	int (*get_peer_address)(struct ndk_connector *conn, struct sockaddr *addr,
				socklen_t *len);
	int (*disconnect)(struct ndk_connector *conn, ndk_request_cb cb, void *ctx);
};

struct ndk_listener_dispatch {
	ndk_close_fn close;
	ndk_query_extension_fn query_extension;
	int (*listen)(struct ndk_listener *l, const struct sockaddr *addr, socklen_t len,
		      ndk_request_cb cb, void *ctx);
	int (*get_local_address)(struct ndk_listener *l, struct sockaddr *addr, socklen_t *len);
	void (*control_connect_events)(struct ndk_listener *l, bool pause);
};

struct ndk_shared_endpoint_dispatch {
	ndk_close_fn close;
	ndk_query_extension_fn query_extension;
	int (*get_local_address)(struct ndk_shared_endpoint *ep, struct sockaddr *addr,
				 socklen_t *len);
};

/* The objects: a header and the dispatch table. */
struct ndk_adapter {
	struct ndk_object_header header;
	const struct ndk_adapter_dispatch *dispatch;
};
struct ndk_pd { struct ndk_object_header header; const struct ndk_pd_dispatch *dispatch; };
struct ndk_cq { struct ndk_object_header header; const struct ndk_cq_dispatch *dispatch; };
struct ndk_mr { struct ndk_object_header header; const struct ndk_mr_dispatch *dispatch; };
struct ndk_mw { struct ndk_object_header header; const struct ndk_mw_dispatch *dispatch; };
struct ndk_qp { struct ndk_object_header header; const struct ndk_qp_dispatch *dispatch; };
struct ndk_srq { struct ndk_object_header header; const struct ndk_srq_dispatch *dispatch; };
struct ndk_connector {
	struct ndk_object_header header;
	const struct ndk_connector_dispatch *dispatch;
};
struct ndk_listener {
	struct ndk_object_header header;
	const struct ndk_listener_dispatch *dispatch;
};
struct ndk_shared_endpoint {
	struct ndk_object_header header;
	const struct ndk_shared_endpoint_dispatch *dispatch;
};

/** Adapter settings. Zero-initialise. */
struct ndk_adapter_conf {
	/**
	 * false (default): the adapter runs a control thread of its own (create/close
	 * completions, RCU reclamation, SRQ thresholds). true: the application calls
	 * ndk_adapter_control_poll() itself, from one thread (e.g. an rte_service).
	 */
	bool manual_control;
	/**
	 * A close pending longer than this many milliseconds is logged (WARNING, with the
	 * object and what it waits for: successors, a slot, a grace period), and again each
	 * time as long again has passed; telemetry's /droce/closes lists every pending
	 * close. 0 = 1000.
	 */
	uint32_t close_warn_ms;
};

/**
 * Open an adapter on a running engine, negotiating the version: major 1 runs at 1.2, major
 * 2 at 2.1; version.minor is the lowest minor the consumer accepts. Unless
 * conf->manual_control, a control thread ("droce-ctl") starts. The first adapter on an
 * engine takes QP1 and runs the connection manager; a second adapter on the same engine
 * has none (its ndk_create_connector(), ndk_create_listener() and
 * ndk_create_shared_endpoint() return -ENOTSUP).
 *
 * Context: a control thread of the consumer; never on a thread that polls an engine slot,
 * never from a callback. May block (starting the control thread, setting up QP1). Runs no
 * callback.
 *
 * @param eng
 *   The engine, created by droce_engine_create().
 * @param version
 *   The NDK version the consumer speaks.
 * @param conf
 *   Settings, or NULL for defaults (a control thread of its own).
 * @param out
 *   Receives the adapter. Untouched on failure.
 * @return
 *   - 0: *out is the adapter.
 *   - -EINVAL: eng or out is NULL.
 *   - -EPROTONOSUPPORT: major not 1 or 2, or minor above droce's (2 for 1, 1 for 2).
 *   - -ENOMEM: out of memory.
 *   - Another negative errno: setting up QP1, creating the eventfd or starting the
 *     control thread failed.
 */
int ndk_open_adapter(struct droce_engine *eng, struct ndk_version version,
		     const struct ndk_adapter_conf *conf, struct ndk_adapter **out);

/**
 * Close an adapter: the one blocking call, and a barrier. It waits for every pending close
 * to complete; objects the consumer never closed are closed now (without callbacks, and
 * logged by name as a consumer bug). When it returns 0 no consumer callback is running
 * anywhere and none will run again. Slots that are offline (droce_engine_slot_offline())
 * hold nothing up: their share of the closes is done for them.
 *
 * Context: a thread of the consumer that is not running one of this adapter's callbacks
 * (a callback on the control context, or on an engine slot, is refused: it would wait
 * for itself). A thread that polls a slot of the engine may call it: its slot is taken
 * offline first, and the next droce_engine_poll() resumes it. Blocks until every close has
 * completed and an RCU grace period has passed. The close callbacks of closes still
 * pending, and the callbacks of creates and requests still in flight, run before it
 * returns: on the control thread, or with manual_control inside this call, on the calling
 * thread.
 *
 * @param ad
 *   The adapter. Freed when this returns 0.
 * @return
 *   - 0: closed.
 *   - -EDEADLK: called from inside one of the adapter's callbacks; nothing was done
 *     (logged).
 *   - -EINVAL: ad is NULL; -EBADF: ad is not an adapter (logged; nothing done).
 */
int ndk_close_adapter(struct ndk_adapter *ad);

/**
 * With ndk_adapter_conf.manual_control: one round of control work: pending creates and
 * requests, received connection management messages and timers, SRQ thresholds, closes
 * whose objects have quiesced.
 *
 * Context: one thread at a time (e.g. an rte_service), and not from inside a callback it
 * runs. Never blocks (it takes the connection manager's lock briefly). Runs, on the
 * calling thread, every callback of the adapter except the CQ notifications the engine's
 * slots make: create, request and close completions, connect and disconnect events, SRQ
 * notifications, and CQ notifications an ndk_arm_cq() found due.
 *
 * @param ad
 *   The adapter.
 * @return
 *   - The work done (items run, messages received, requests and closes finished); 0 when
 *     idle.
 *   - -EINVAL: ad is NULL, or was not opened with manual_control.
 *   - -EBADF: ad is not an adapter.
 */
int ndk_adapter_control_poll(struct ndk_adapter *ad);

/**
 * The adapter's objects by type: those being created, live, and closing (a close
 * whose callback has not run yet). ndk_adapter_dump() names what each pending close waits
 * on.
 *
 * Context: any thread; never blocks (takes the adapter's lock briefly). Runs no callback.
 *
 * @param ad
 *   The adapter.
 * @param counts
 *   Receives the count of each enum ndk_object_type (the adapter itself is not counted);
 *   NULL: only the total is returned.
 * @return
 *   - The number of objects (all types).
 *   - -EINVAL: ad is NULL.
 *   - -EBADF: ad is not an adapter.
 */
int ndk_adapter_live(struct ndk_adapter *ad, unsigned int counts[NDK_OBJECT_MAX]);

/**
 * Print every object of the adapter, one a line: its type, address and state, and for a
 * closing one what it waits on (successors or requests still holding it, or the engine's
 * grace period).
 *
 * Context: any thread. Holds the adapter's lock while it prints (creates and closes of
 * other threads wait for it); blocks on writes to file. Runs no callback.
 *
 * @param ad
 *   The adapter; NULL or not an adapter: nothing is printed.
 * @param file
 *   A FILE *; NULL means stderr.
 */
void ndk_adapter_dump(struct ndk_adapter *ad, void *file);

/* The wrappers. Each checks its object (NULL: -EINVAL; another type: -EBADF, or 0 and no
 * effect for functions without a status) and calls through the object's dispatch table. */

/**
 * Close any object but the adapter. New work on it is refused from now on (posts return
 * -ENOTCONN, a CQ starts no new notification); the rest happens on the control context:
 * a connector tells its peer (a REJ while the connection is being set up, with reason
 * timeout for its own REQ, as Linux's CM does on destroy; a DREQ, not waited for, on an
 * established connection; nothing while it resolves the peer's address), flushes its QP
 * and completes each pending request once: a connect, accept or complete_connect with
 * -ECANCELED, a disconnect under way with 0; a listener stops listening; a QP is flushed (every outstanding
 * request completes as cancelled) once no connector holds it any more. The close
 * completes when every successor has closed (a QP on its PD, CQs and SRQ; an MR, MW or
 * SRQ on its PD; an MW on the MR it was last bound to; a connector on its listener or
 * shared endpoint and on the QP it was given), no request on the object is pending, and an
 * RCU grace period shows no engine slot still uses it.
 *
 * Context: any thread, including an lcore and inside any callback (also one of the object
 * itself). Never blocks. cb runs exactly once when NDK_PENDING is returned (and cb is not
 * NULL), later, on the adapter's control context; it is the last callback droce makes for
 * the object, and the object's memory is gone when it returns.
 *
 * @param obj
 *   The object's header. The consumer must not use the object after this call.
 * @param cb
 *   The close callback; NULL: none (the close still completes).
 * @param ctx
 *   Passed to cb.
 * @return
 *   - 0: closed and freed now, no callback (only an MR that is not registered or
 *     initialised, never or no more, with no request pending and no memory window bound
 *     to it).
 *   - NDK_PENDING: cb follows, once.
 *   - -EINVAL: obj is NULL.
 *   - -EBADF: obj is an adapter (use ndk_close_adapter()), of an unknown type, or not a
 *     droce object.
 *   - -EALREADY: its close has started already, or its create has not completed (a
 *     usage error, logged).
 */
int ndk_close(struct ndk_object_header *obj, ndk_close_cb cb, void *ctx);

/**
 * droce's extensions to an object (droce/ndk_ext.h): the dispatch table of extension id
 * at a version. QPs have NDK_EXT_DROCE_QP and NDK_EXT_DROCE_VERBS, connectors
 * NDK_EXT_DROCE_CONN, at version 1.x; other objects have none. A table stays valid for
 * the library's lifetime and serves every object of that type.
 *
 * Context: any thread, including an lcore and inside any callback; never blocks; runs no
 * callback.
 *
 * @param obj
 *   The object's header (an adapter too).
 * @param id
 *   The extension id (NDK_EXT_DROCE_*).
 * @param version
 *   The extension version; only major 1 exists, the minor is not checked.
 * @param dispatch
 *   Receives the table; NULL when the extension does not exist.
 * @return
 *   - 0: *dispatch is the table.
 *   - -EINVAL: obj or dispatch is NULL.
 *   - -EBADF: obj is not a droce object.
 *   - -ENOTSUP: the object has no such extension at that major version.
 */
int ndk_query_extension(struct ndk_object_header *obj, uint32_t id,
			struct ndk_version version, const void **dispatch);

/**
 * Fill info with the adapter's limits and features (NDK_ADAPTER_INFO); *size is the
 * buffer size in and the size needed out.
 *
 * Context: any thread; never blocks in droce (NDK lets a provider block here, so portable
 * consumers call it from a control thread). Runs no callback.
 *
 * @param ad
 *   The adapter.
 * @param info
 *   Receives the information; NULL (with *size 0) asks the size.
 * @param size
 *   In: the size of info in bytes. Out: sizeof(struct ndk_adapter_info).
 * @return
 *   - 0: info is filled.
 *   - -ENOBUFS: *size was too small (info NULL and *size 0 included); *size says how much.
 *   - -EINVAL: ad or size is NULL, or info is NULL with *size not 0.
 *   - -EBADF: ad is not an adapter.
 */
int ndk_query_adapter_info(struct ndk_adapter *ad, struct ndk_adapter_info *info,
			   size_t *size);

/**
 * Create a CQ of at least depth entries. notify runs at most once per ndk_arm_cq(), never
 * two at a time for one CQ, with 0 or -EOVERFLOW (a completion was lost: the CQ and its
 * QPs are unusable).
 *
 * Context: any thread, including an lcore and inside any callback; never blocks. cb runs
 * exactly once, later, on the adapter's control context. notify runs on the thread that
 * polls the slot that added a completion (an engine lcore, or the thread calling
 * droce_engine_poll()), or on the control context when an arm found a notification due.
 *
 * @param ad
 *   The adapter.
 * @param depth
 *   Entries, 1..max_cq_depth (2^20).
 * @param notify
 *   The notification callback; not NULL.
 * @param notify_ctx
 *   Passed to notify.
 * @param lcore_hint
 *   A preference for where notifications run; ignored (they run where completions are
 *   made). -1: none.
 * @param cb
 *   The create callback; not NULL. Gets 0 and the CQ, or -ENOMEM and NULL.
 * @param ctx
 *   Passed to cb.
 * @param out
 *   Not used (a pending create hands the CQ to cb only); may be NULL.
 * @return
 *   - NDK_PENDING: cb follows, once.
 *   - -EINVAL: ad, notify or cb is NULL, or depth is 0 or above max_cq_depth.
 *   - -EBADF: ad is not an adapter.
 *   - -ENOMEM: out of memory.
 */
int ndk_create_cq(struct ndk_adapter *ad, uint32_t depth, ndk_cq_notify_cb notify,
		  void *notify_ctx, int lcore_hint, ndk_create_cb cb, void *ctx,
		  struct ndk_cq **out);

/**
 * Create a protection domain, with its privileged token (ndk_get_privileged_token()).
 *
 * Context: any thread, including an lcore and inside any callback; never blocks. cb runs
 * exactly once, later, on the adapter's control context.
 *
 * @param ad
 *   The adapter.
 * @param cb
 *   The create callback; not NULL. Gets 0 and the PD, or -ENOMEM or -ENOSPC (the engine's
 *   4096 keys, shared by MRs, MWs and PDs, are used up) and NULL.
 * @param ctx
 *   Passed to cb.
 * @param out
 *   Not used (a pending create hands the PD to cb only); may be NULL.
 * @return
 *   - NDK_PENDING: cb follows, once.
 *   - -EINVAL: ad or cb is NULL.
 *   - -EBADF: ad is not an adapter.
 *   - -ENOMEM: out of memory.
 */
int ndk_create_pd(struct ndk_adapter *ad, ndk_create_cb cb, void *ctx, struct ndk_pd **out);

/**
 * Map a buffer to logical addresses for the privileged token and fast registration:
 * droce's logical addresses are process addresses, so pages[i] is the i-th 4 KiB page of
 * the buffer and fbo the offset of buf in the first. Completes inline: cb is never called.
 *
 * Context: any thread, including an lcore and inside any callback; never blocks.
 *
 * @param ad
 *   The adapter.
 * @param buf
 *   The buffer; not NULL.
 * @param length
 *   Its length in bytes; not 0.
 * @param cb
 *   Not used (never called); may be NULL.
 * @param ctx
 *   Not used.
 * @param pages
 *   Receives the logical address of each page; NULL asks the count.
 * @param page_count
 *   In: the capacity of pages. Out: the pages the buffer spans.
 * @param fbo
 *   Receives the first byte's offset in the first page.
 * @return
 *   - 0: pages, *page_count and *fbo are filled.
 *   - -ENOBUFS: pages is NULL or *page_count too small; *page_count says how many.
 *   - -EINVAL: ad, buf, page_count or fbo is NULL, length is 0, or the buffer spans more
 *     than 2^32 - 1 pages.
 *   - -EBADF: ad is not an adapter.
 */
int ndk_build_lam(struct ndk_adapter *ad, void *buf, size_t length, ndk_request_cb cb,
		  void *ctx, uint64_t *pages, uint32_t *page_count, uint32_t *fbo);

/**
 * Release a mapping made by ndk_build_lam(); no work request may still use it. droce
 * holds nothing for a mapping, so this does nothing.
 *
 * Context: any thread, including an lcore and inside any callback; never blocks.
 *
 * @param ad
 *   The adapter; NULL or not an adapter is ignored.
 * @param pages
 *   The pages ndk_build_lam() filled.
 * @param page_count
 *   Their count.
 */
void ndk_release_lam(struct ndk_adapter *ad, uint64_t *pages, uint32_t page_count);

/**
 * Create an MR object, inline: register it next (ndk_register_mr()), or initialise it for
 * fast registration (ndk_init_fast_register_mr()). Its tokens are 0 until then.
 *
 * Context: any thread, including an lcore and inside any callback; never blocks. cb is
 * never called.
 *
 * @param pd
 *   The protection domain.
 * @param fast_register
 *   true: a fast-register MR (ndk_fast_register()); false: a registered one.
 * @param cb
 *   Not used (the create completes inline); may be NULL.
 * @param ctx
 *   Not used.
 * @param out
 *   Receives the MR; not NULL.
 * @return
 *   - 0: *out is the MR.
 *   - -EINVAL: pd or out is NULL.
 *   - -EBADF: pd is not a PD.
 *   - -ENOMEM: out of memory.
 */
int ndk_create_mr(struct ndk_pd *pd, bool fast_register, ndk_create_cb cb, void *ctx,
		  struct ndk_mr **out);

/**
 * Create a memory window; its remote token (ndk_get_remote_token_mw()) is fixed from
 * now on and grants access once ndk_bind() has bound it.
 *
 * Context: any thread, including an lcore and inside any callback; never blocks. cb runs
 * exactly once, later, on the adapter's control context.
 *
 * @param pd
 *   The protection domain.
 * @param cb
 *   The create callback; not NULL. Gets 0 and the MW, or -ENOMEM or -ENOSPC (no key
 *   left) and NULL.
 * @param ctx
 *   Passed to cb.
 * @param out
 *   Not used (a pending create hands the MW to cb only); may be NULL.
 * @return
 *   - NDK_PENDING: cb follows, once.
 *   - -EINVAL: pd or cb is NULL.
 *   - -EBADF: pd is not a PD.
 *   - -ENOMEM: out of memory.
 */
int ndk_create_mw(struct ndk_pd *pd, ndk_create_cb cb, void *ctx, struct ndk_mw **out);

/**
 * Create an SRQ of depth receives with up to max_sge SGEs each. notify (optional) fires
 * once when fewer than notify_threshold receives are queued, then is disarmed until
 * ndk_modify_srq() sets a threshold again.
 *
 * Context: any thread, including an lcore and inside any callback; never blocks. cb runs
 * exactly once, later, on the adapter's control context; notify runs there too (with 0),
 * at most once per arm, never once the SRQ's close started.
 *
 * @param pd
 *   The protection domain.
 * @param depth
 *   Receives it holds, 1..max_srq_depth (65536).
 * @param max_sge
 *   SGEs per receive, 1..max_receive_request_sge (16).
 * @param notify_threshold
 *   Arm notify for fewer than this many queued receives, 0..depth; 0: not armed.
 * @param notify
 *   The notification callback; NULL (then notify_threshold must be 0): none.
 * @param notify_ctx
 *   Passed to notify.
 * @param lcore_hint
 *   Ignored. -1: none.
 * @param cb
 *   The create callback; not NULL. Gets 0 and the SRQ, or -ENOMEM and NULL.
 * @param ctx
 *   Passed to cb.
 * @param out
 *   Not used (a pending create hands the SRQ to cb only); may be NULL.
 * @return
 *   - NDK_PENDING: cb follows, once.
 *   - -EINVAL: pd or cb is NULL; depth or max_sge is 0 or above the adapter's maximum;
 *     notify_threshold is above depth, or not 0 without notify.
 *   - -EBADF: pd is not a PD.
 *   - -ENOMEM: out of memory.
 */
int ndk_create_srq(struct ndk_pd *pd, uint32_t depth, uint32_t max_sge,
		   uint32_t notify_threshold, ndk_srq_notify_cb notify, void *notify_ctx,
		   int lcore_hint, ndk_create_cb cb, void *ctx, struct ndk_srq **out);

/**
 * Create an RC QP. It starts ready for receives (ndk_receive() works at once); sends,
 * reads, writes and binds need a connection (ndk_connect(), ndk_accept(), or the
 * NDK_EXT_DROCE_QP extension).
 *
 * Context: any thread, including an lcore and inside any callback; never blocks. cb runs
 * exactly once, later, on the adapter's control context.
 *
 * @param pd
 *   The protection domain.
 * @param rcq
 *   The CQ receives complete on: a live CQ of the PD's adapter.
 * @param icq
 *   The CQ initiator requests complete on: a live CQ of the PD's adapter (may be rcq).
 * @param qp_ctx
 *   The QP's context, reported in every completion of its requests (qp_context).
 * @param rq_depth
 *   Receives outstanding, 1..max_receive_queue_depth (16384).
 * @param iq_depth
 *   Initiator requests outstanding, 1..max_initiator_queue_depth (16384).
 * @param max_rsge
 *   SGEs per receive, 1..max_receive_request_sge (16).
 * @param max_isge
 *   SGEs per initiator request, 0..max_initiator_request_sge (16).
 * @param inline_size
 *   Bytes an NDK_OP_FLAG_INLINE request may carry, 0..max_inline_data_size (256).
 * @param cb
 *   The create callback; not NULL. Gets 0 and the QP, or a negative errno and NULL:
 *   -ENOSPC (no QP number left), -ENOMEM.
 * @param ctx
 *   Passed to cb.
 * @param out
 *   Not used (a pending create hands the QP to cb only); may be NULL.
 * @return
 *   - NDK_PENDING: cb follows, once.
 *   - -EINVAL: pd, cb, rcq or icq is NULL; a CQ of another adapter, or one closing or
 *     still being created; a depth or SGE count outside its range; inline_size too large.
 *   - -EBADF: pd, rcq or icq is an object of the wrong type.
 *   - -ENOMEM: out of memory.
 */
int ndk_create_qp(struct ndk_pd *pd, struct ndk_cq *rcq, struct ndk_cq *icq, void *qp_ctx,
		  uint32_t rq_depth, uint32_t iq_depth, uint32_t max_rsge, uint32_t max_isge,
		  uint32_t inline_size, ndk_create_cb cb, void *ctx, struct ndk_qp **out);

/**
 * As ndk_create_qp(), receiving from an SRQ of the same PD: ndk_receive() on the QP
 * returns -EINVAL, its receives are posted with ndk_srq_receive() and complete on rcq.
 *
 * Context: as ndk_create_qp(): any thread; never blocks; cb exactly once, later, on the
 * adapter's control context.
 *
 * @param pd
 *   The protection domain.
 * @param rcq
 *   The CQ receives complete on: a live CQ of the PD's adapter.
 * @param icq
 *   The CQ initiator requests complete on: a live CQ of the PD's adapter.
 * @param srq
 *   A live SRQ of pd.
 * @param qp_ctx
 *   The QP's context, reported in every completion of its requests.
 * @param iq_depth
 *   Initiator requests outstanding, 1..max_initiator_queue_depth (16384).
 * @param max_isge
 *   SGEs per initiator request, 0..max_initiator_request_sge (16).
 * @param inline_size
 *   Bytes an NDK_OP_FLAG_INLINE request may carry, 0..max_inline_data_size (256).
 * @param cb
 *   The create callback; not NULL. Gets 0 and the QP, or -ENOSPC / -ENOMEM and NULL.
 * @param ctx
 *   Passed to cb.
 * @param out
 *   Not used; may be NULL.
 * @return
 *   - NDK_PENDING: cb follows, once.
 *   - -EINVAL: as ndk_create_qp(), and srq is NULL, of another PD, closing or still being
 *     created.
 *   - -EBADF: pd, rcq, icq or srq is an object of the wrong type.
 *   - -ENOMEM: out of memory.
 */
int ndk_create_qp_with_srq(struct ndk_pd *pd, struct ndk_cq *rcq, struct ndk_cq *icq,
			   struct ndk_srq *srq, void *qp_ctx, uint32_t iq_depth,
			   uint32_t max_isge, uint32_t inline_size, ndk_create_cb cb, void *ctx,
			   struct ndk_qp **out);

/**
 * The PD's privileged token: a local token for SGEs whose logical addresses (process
 * addresses, ndk_build_lam()) lie anywhere; local read and write, never remote.
 *
 * Context: any thread, including an lcore and inside any callback; never blocks.
 *
 * @param pd
 *   The protection domain.
 * @param token
 *   Receives the token.
 * @return
 *   - 0: *token is set.
 *   - -EINVAL: pd or token is NULL.
 *   - -EBADF: pd is not a PD.
 */
int ndk_get_privileged_token(struct ndk_pd *pd, uint32_t *token);

/**
 * Resize a CQ: not supported (no NDK_ADAPTER_FLAG_CQ_RESIZE); cb is never called.
 *
 * Context: any thread; never blocks.
 *
 * @param cq
 *   The CQ.
 * @param depth
 *   Not used.
 * @param cb
 *   Not used (never called).
 * @param ctx
 *   Not used.
 * @return
 *   - -ENOTSUP: for every CQ.
 *   - -EINVAL: cq is NULL.
 *   - -EBADF: cq is not a CQ.
 */
int ndk_resize_cq(struct ndk_cq *cq, uint32_t depth, ndk_request_cb cb, void *ctx);

/**
 * Arm the CQ: its notify callback fires once when a completion of the type arrives; at
 * once (soon after this returns, never inside it) if such completions arrived since the
 * last notification (or since the CQ was created). Arming twice before a notification
 * keeps the wider type (ANY > SOLICITED > ERRORS). SOLICITED matches completions of
 * receives with the solicit flag and failed completions; ERRORS matches only a CQ
 * overrun, which any arm reports (with -EOVERFLOW, once).
 *
 * Context: any thread, including an lcore and inside the CQ's own notification (to
 * re-arm); never blocks. notify then runs at most once for this arm, on the slot thread
 * that adds the matching completion or, when one is already due, on the adapter's control
 * context.
 *
 * @param cq
 *   The CQ; NULL or not a CQ is ignored.
 * @param type
 *   What to wait for; an unknown value is ignored.
 */
void ndk_arm_cq(struct ndk_cq *cq, enum ndk_cq_notify_type type);

/**
 * Take up to n completions, oldest first. Each carries the qp_context its QP was created
 * with, taken when the completion was made: a completion of a QP closed since still names
 * that QP's context.
 *
 * Context: any thread, including an lcore and inside any callback, one caller per CQ at a
 * time; never blocks; runs no callback.
 *
 * @param cq
 *   The CQ.
 * @param r
 *   Receives the completions.
 * @param n
 *   The number of entries r holds.
 * @return
 *   How many completions were taken, 0..n (0: empty, or cq or r NULL, or cq not a CQ).
 */
uint32_t ndk_get_cq_results(struct ndk_cq *cq, struct ndk_result *r, uint32_t n);

/**
 * ndk_get_cq_results() with each completion's type (enum ndk_operation_type, or an
 * NDK_OP_DROCE_* of droce/ndk_ext.h), the engine's completion code (provider_error_code,
 * 0 on success) and type_specific (the invalidated token, or the immediate data).
 *
 * Context: as ndk_get_cq_results(): any thread, one caller per CQ at a time; never blocks.
 *
 * @param cq
 *   The CQ.
 * @param r
 *   Receives the completions.
 * @param n
 *   The number of entries r holds.
 * @return
 *   How many completions were taken, 0..n (0: empty, or cq or r NULL, or cq not a CQ).
 */
uint32_t ndk_get_cq_results_ex(struct ndk_cq *cq, struct ndk_result_ex *r, uint32_t n);

/**
 * Interrupt moderation: it does not apply to a polled engine.
 *
 * Context: any thread; never blocks.
 *
 * @param cq
 *   The CQ.
 * @param interval_us
 *   Not used.
 * @param count
 *   Not used.
 * @return
 *   - -ENOTSUP: for every CQ.
 *   - -EINVAL: cq is NULL.
 *   - -EBADF: cq is not a CQ.
 */
int ndk_control_cq_moderation(struct ndk_cq *cq, uint32_t interval_us, uint32_t count);

/**
 * Register buf (process memory) with NDK_MR_FLAG_* flags (and droce's
 * NDK_MR_FLAG_DROCE_REMOTE_ATOMIC); local read is always allowed. The tokens are valid
 * once it completes with 0.
 *
 * Context: any thread, including an lcore and inside any callback; never blocks. cb runs
 * exactly once, later, on the adapter's control context.
 *
 * @param mr
 *   An MR created with fast_register false, not registered.
 * @param buf
 *   The memory; not NULL. It must stay mapped until deregistration or close completes.
 * @param length
 *   Its length in bytes, 1..max_registration_size (2^40).
 * @param flags
 *   NDK_MR_FLAG_* bits.
 * @param cb
 *   The completion callback; not NULL. Gets 0 (registered), -ENOMEM, or -ENOSPC (the
 *   engine's 4096 keys are used up).
 * @param ctx
 *   Passed to cb.
 * @return
 *   - NDK_PENDING: cb follows, once.
 *   - -EINVAL: mr, buf or cb is NULL; length 0 or too long; unknown flags; a fast-register
 *     MR; already registered; another request on the MR is still pending.
 *   - -EBADF: mr is not an MR.
 */
int ndk_register_mr(struct ndk_mr *mr, void *buf, size_t length, uint32_t flags,
		    ndk_request_cb cb, void *ctx);

/**
 * Deregister an MR: its tokens read 0 and stop granting access once the control context
 * starts the request; it completes after an RCU grace period, so no engine slot touches
 * the buffer any more when cb runs. The MR object stays (register again, or close it).
 *
 * Context: any thread, including an lcore and inside any callback; never blocks. cb runs
 * exactly once, later, on the adapter's control context, with 0.
 *
 * @param mr
 *   A registered MR (not a fast-register one).
 * @param cb
 *   The completion callback; not NULL.
 * @param ctx
 *   Passed to cb.
 * @return
 *   - NDK_PENDING: cb follows, once.
 *   - -EINVAL: mr or cb is NULL; a fast-register MR; not registered; another request on
 *     the MR is still pending.
 *   - -EBADF: mr is not an MR.
 */
int ndk_deregister_mr(struct ndk_mr *mr, ndk_request_cb cb, void *ctx);

/**
 * Prepare a fast-register MR for up to page_count 4 KiB pages; its tokens are valid once
 * it completes (and grant access after an ndk_fast_register()). Called again, droce keeps
 * the first preparation: 0 when it has room for page_count pages, -E2BIG otherwise.
 *
 * Context: any thread, including an lcore and inside any callback; never blocks. When
 * NDK_PENDING is returned cb runs exactly once, later, on the adapter's control context.
 *
 * @param mr
 *   An MR created with fast_register true.
 * @param page_count
 *   Pages, 1..frmr_page_count * 16 (4096).
 * @param remote
 *   true: fast registrations may grant remote access; false: a fast registration that
 *   asks for it completes with -EACCES.
 * @param cb
 *   The completion callback; not NULL. Gets 0, -ENOMEM or -ENOSPC (no key left).
 * @param ctx
 *   Passed to cb.
 * @return
 *   - NDK_PENDING: cb follows, once.
 *   - 0: prepared before with room for page_count pages; no callback.
 *   - -E2BIG: page_count above 4096, or above what the first preparation allowed.
 *   - -EINVAL: mr or cb is NULL, page_count is 0, mr is not a fast-register MR, or
 *     another request on the MR is still pending.
 *   - -EBADF: mr is not an MR.
 */
int ndk_init_fast_register_mr(struct ndk_mr *mr, uint32_t page_count, bool remote,
			      ndk_request_cb cb, void *ctx);

/**
 * The MR's remote token, for a peer's reads and writes (and atomics).
 *
 * Context: any thread, including an lcore and inside any callback; never blocks.
 *
 * @param mr
 *   The MR.
 * @return
 *   The token; 0 for a NULL MR, an object that is not an MR, or an MR not registered (or
 *   initialised) or being deregistered.
 */
uint32_t ndk_get_remote_token_mr(struct ndk_mr *mr);

/**
 * The MR's local token, for SGEs of local requests.
 *
 * Context: any thread, including an lcore and inside any callback; never blocks.
 *
 * @param mr
 *   The MR.
 * @return
 *   The token; 0 for a NULL MR, an object that is not an MR, or an MR not registered (or
 *   initialised) or being deregistered.
 */
uint32_t ndk_get_local_token_mr(struct ndk_mr *mr);

/**
 * The memory window's remote token. It is fixed when the MW is created and grants the
 * access of the last ndk_bind() (none before one, or after an invalidation).
 *
 * Context: any thread, including an lcore and inside any callback; never blocks.
 *
 * @param mw
 *   The memory window.
 * @return
 *   The token; 0 for a NULL MW or an object that is not an MW.
 */
uint32_t ndk_get_remote_token_mw(struct ndk_mw *mw);

/**
 * Change how many receives the SRQ takes and re-arm its notification threshold. A lower
 * depth does not drop receives already queued; ndk_srq_receive() refuses more until the
 * count falls below it.
 *
 * Context: any thread, including an lcore and inside any callback; never blocks. cb runs
 * exactly once, later, on the adapter's control context, with 0; the new depth and
 * threshold apply from then on.
 *
 * @param srq
 *   The SRQ.
 * @param depth
 *   The new depth, at most the depth the SRQ was created with; 0: keep.
 * @param notify_threshold
 *   Arm the notification for fewer than this many queued receives (at most the new or
 *   current depth); 0: keep the current threshold (none once a notification fired).
 * @param cb
 *   The completion callback; not NULL.
 * @param ctx
 *   Passed to cb.
 * @return
 *   - NDK_PENDING: cb follows, once.
 *   - -EINVAL: srq or cb is NULL, or notify_threshold is above the depth.
 *   - -ENOTSUP: depth is above the depth the SRQ was created with.
 *   - -EBUSY: a modify of the SRQ is still pending.
 *   - -EBADF: srq is not an SRQ.
 */
int ndk_modify_srq(struct ndk_srq *srq, uint32_t depth, uint32_t notify_threshold,
		   ndk_request_cb cb, void *ctx);

/**
 * Post a receive to the SRQ. A message to any QP on the SRQ consumes it; it completes
 * exactly once, on that QP's receive CQ (with -ECANCELED when flushed).
 *
 * Context: any thread, including an lcore and inside any callback, one poster per SRQ at
 * a time; never blocks; runs no callback.
 *
 * @param srq
 *   The SRQ.
 * @param req_ctx
 *   Reported as the completion's request_context.
 * @param sge
 *   The buffers; may be NULL when nsge is 0.
 * @param nsge
 *   The number of SGEs, 0..max_sge of the SRQ.
 * @return
 *   - 0: queued.
 *   - -ENOMEM: the SRQ holds its depth of receives.
 *   - -EINVAL: srq is NULL, nsge is above max_sge, or sge is NULL with nsge > 0.
 *   - -ENOTCONN: the SRQ's close has started.
 *   - -EBADF: srq is not an SRQ.
 */
int ndk_srq_receive(struct ndk_srq *srq, void *req_ctx, const struct ndk_sge *sge,
		    uint32_t nsge);

/*
 * Posting. A post returns 0 (exactly one completion follows on the QP's CQ, none for a
 * NDK_OP_FLAG_SILENT_SUCCESS request that succeeds) or an error with no completion ever;
 * an error also submits the requests deferred (NDK_OP_FLAG_DEFER) before it. The
 * initiator queue holds iq_depth requests not yet completed (silent successes included);
 * a request's place is free by the time its completion can be taken. Local tokens are
 * checked when the engine reaches the request: a bad token completes with -EACCES. A
 * flushed QP (ndk_flush(), a disconnect) still accepts posts: they complete with
 * -ECANCELED. One poster per queue at a time: the initiator queue (every post but
 * ndk_receive()) and the receive queue.
 */

/**
 * Move the QP to the error state: every request outstanding on it, initiator and
 * receive, completes with -ECANCELED, and so will every request posted afterwards. A
 * flushed QP cannot be connected again.
 *
 * Context: any thread, including an lcore and inside any callback; never blocks. The
 * completions are made by the slot that owns the QP, after this returns (CQ
 * notifications follow the ndk_arm_cq() rules).
 *
 * @param qp
 *   The QP; NULL or not a QP is ignored.
 */
void ndk_flush(struct ndk_qp *qp);

/**
 * Send a message: the peer's next receive (posted on its QP or SRQ) takes it. Completes
 * on the initiator CQ as NDK_OP_SEND.
 *
 * Context: any thread, including an lcore and inside any callback, one poster per
 * initiator queue at a time; never blocks; runs no callback.
 *
 * @param qp
 *   A connected QP.
 * @param req_ctx
 *   Reported as the completion's request_context.
 * @param sge
 *   The data; may be NULL when nsge is 0. With NDK_OP_FLAG_INLINE the va fields are
 *   copied from now and tokens are ignored.
 * @param nsge
 *   The number of SGEs: 0..max_isge of the QP (with INLINE any number whose lengths add
 *   up to at most its inline_size).
 * @param flags
 *   NDK_OP_FLAG_SILENT_SUCCESS, READ_FENCE, SEND_AND_SOLICIT_EVENT, INLINE, DEFER.
 * @return
 *   - 0: queued; one completion follows.
 *   - -ENOTCONN: the QP was never connected, or its close has started.
 *   - -ENOMEM: the initiator queue is full.
 *   - -EINVAL: qp is NULL; other flags; too many SGEs; sge NULL with nsge > 0; INLINE data
 *     longer than the QP's inline_size.
 *   - -EBADF: qp is not a QP.
 */
int ndk_send(struct ndk_qp *qp, void *req_ctx, const struct ndk_sge *sge, uint32_t nsge,
	     uint32_t flags);

/**
 * ndk_send() that also invalidates remote_token at the peer: its receive completes as
 * NDK_OP_RECEIVE_AND_INVALIDATE with the token in type_specific.
 *
 * Context: as ndk_send(): any thread, one poster per initiator queue; never blocks.
 *
 * @param qp
 *   A connected QP.
 * @param req_ctx
 *   Reported as the completion's request_context.
 * @param sge
 *   The data; may be NULL when nsge is 0.
 * @param nsge
 *   The number of SGEs, as ndk_send().
 * @param flags
 *   As ndk_send().
 * @param remote_token
 *   The peer's MR or MW token to invalidate.
 * @return
 *   As ndk_send().
 */
int ndk_send_and_invalidate(struct ndk_qp *qp, void *req_ctx, const struct ndk_sge *sge,
			    uint32_t nsge, uint32_t flags, uint32_t remote_token);

/**
 * Post a receive. It completes exactly once on the QP's receive CQ: when a message (or an
 * RDMA write with immediate data) consumes it, or with -ECANCELED when the QP is flushed.
 * A QP takes receives from its creation on, before it is connected.
 *
 * Context: any thread, including an lcore and inside any callback, one poster per
 * receive queue at a time; never blocks; runs no callback.
 *
 * @param qp
 *   A QP created without an SRQ.
 * @param req_ctx
 *   Reported as the completion's request_context.
 * @param sge
 *   The buffers; may be NULL when nsge is 0.
 * @param nsge
 *   The number of SGEs, 0..max_rsge of the QP.
 * @return
 *   - 0: queued; one completion follows.
 *   - -ENOTCONN: the QP's close has started.
 *   - -ENOMEM: the receive queue is full.
 *   - -EINVAL: qp is NULL; the QP receives from an SRQ; too many SGEs; sge NULL with
 *     nsge > 0.
 *   - -EBADF: qp is not a QP.
 */
int ndk_receive(struct ndk_qp *qp, void *req_ctx, const struct ndk_sge *sge, uint32_t nsge);

/**
 * RDMA read of the peer's memory at remote_addr into the SGEs (their MRs need local
 * write). Completes on the initiator CQ as NDK_OP_READ.
 *
 * Context: as ndk_send(): any thread, one poster per initiator queue; never blocks.
 *
 * @param qp
 *   A connected QP.
 * @param req_ctx
 *   Reported as the completion's request_context.
 * @param sge
 *   Where the data lands; may be NULL when nsge is 0.
 * @param nsge
 *   The number of SGEs, 0..max_isge of the QP.
 * @param remote_addr
 *   The address in the peer's MR or MW.
 * @param remote_token
 *   The peer's remote token.
 * @param flags
 *   NDK_OP_FLAG_SILENT_SUCCESS, READ_FENCE, DEFER (no INLINE).
 * @return
 *   As ndk_send() (INLINE is refused with -EINVAL).
 */
int ndk_read(struct ndk_qp *qp, void *req_ctx, const struct ndk_sge *sge, uint32_t nsge,
	     uint64_t remote_addr, uint32_t remote_token, uint32_t flags);

/**
 * RDMA write of the SGEs to the peer's memory at remote_addr. Completes on the initiator
 * CQ as NDK_OP_WRITE.
 *
 * Context: as ndk_send(): any thread, one poster per initiator queue; never blocks.
 *
 * @param qp
 *   A connected QP.
 * @param req_ctx
 *   Reported as the completion's request_context.
 * @param sge
 *   The data; may be NULL when nsge is 0.
 * @param nsge
 *   The number of SGEs, as ndk_send().
 * @param remote_addr
 *   The address in the peer's MR or MW.
 * @param remote_token
 *   The peer's remote token.
 * @param flags
 *   NDK_OP_FLAG_SILENT_SUCCESS, READ_FENCE, INLINE, DEFER.
 * @return
 *   As ndk_send().
 */
int ndk_write(struct ndk_qp *qp, void *req_ctx, const struct ndk_sge *sge, uint32_t nsge,
	      uint64_t remote_addr, uint32_t remote_token, uint32_t flags);

/**
 * Bind mw to [va, va + length) of mr, granting the peer the access flags name through
 * the MW's remote token (fixed since the MW's creation). Completes on the initiator CQ as
 * NDK_OP_BIND (-EACCES when the MR's own rights do not allow it). From now on mr cannot
 * finish closing before mw is closed or bound to another MR.
 *
 * Context: as ndk_send(): any thread, one poster per initiator queue; never blocks.
 *
 * @param qp
 *   A connected QP of the same PD.
 * @param req_ctx
 *   Reported as the completion's request_context.
 * @param mr
 *   A registered (not fast-register) MR of the QP's PD, not closing.
 * @param mw
 *   A memory window of the QP's PD, not closing.
 * @param va
 *   The window's start in the MR; not NULL (no zero-based windows).
 * @param length
 *   The window's length in bytes; not 0.
 * @param flags
 *   NDK_OP_FLAG_ALLOW_REMOTE_READ, ALLOW_REMOTE_WRITE, SILENT_SUCCESS, READ_FENCE, DEFER.
 * @return
 *   - 0: queued; one completion follows.
 *   - -ENOTCONN: the QP was never connected, or its close has started.
 *   - -ENOMEM: the initiator queue is full.
 *   - -EINVAL: qp, mr or mw is NULL; other flags; va NULL or length 0; mr or mw of
 *     another PD, closing, or mr not registered or a fast-register MR.
 *   - -EBADF: qp, mr or mw is an object of the wrong type.
 */
int ndk_bind(struct ndk_qp *qp, void *req_ctx, struct ndk_mr *mr, struct ndk_mw *mw,
	     void *va, size_t length, uint32_t flags);

/**
 * Fast-register mr over pages (virtually contiguous in droce) at base_va: its tokens then
 * grant the access flags name over [base_va, base_va + length), backed by the memory at
 * pages[0] + fbo. Completes on the initiator CQ as NDK_OP_FAST_REGISTER (-EACCES when the
 * MR is still valid: invalidate it first; or asks for remote access and was prepared
 * without it).
 *
 * Context: as ndk_send(): any thread, one poster per initiator queue; never blocks.
 *
 * @param qp
 *   A connected QP.
 * @param req_ctx
 *   Reported as the completion's request_context.
 * @param mr
 *   A fast-register MR of the QP's PD, prepared by ndk_init_fast_register_mr().
 * @param page_count
 *   The number of pages, 1..the count the MR was prepared for.
 * @param pages
 *   The pages' logical addresses (ndk_build_lam()): pages[i] = pages[0] + i * 4096.
 * @param fbo
 *   The first byte's offset in the first page, below 4096.
 * @param length
 *   The length in bytes; not 0; fbo + length at most page_count * 4096.
 * @param base_va
 *   The address peers and SGEs use for the first byte; not NULL, and its offset in its
 *   4 KiB page equal to fbo.
 * @param flags
 *   NDK_OP_FLAG_ALLOW_REMOTE_READ, ALLOW_REMOTE_WRITE, ALLOW_LOCAL_WRITE, RDMA_READ_SINK,
 *   SILENT_SUCCESS, READ_FENCE, DEFER.
 * @return
 *   - 0: queued; one completion follows.
 *   - -ENOTCONN: the QP was never connected, or its close has started.
 *   - -ENOMEM: the initiator queue is full.
 *   - -EINVAL: qp or mr is NULL; other flags; mr not a prepared fast-register MR of the
 *     QP's PD; pages or base_va NULL; page_count, fbo, length or base_va out of range;
 *     pages not contiguous.
 *   - -EBADF: qp or mr is an object of the wrong type.
 */
int ndk_fast_register(struct ndk_qp *qp, void *req_ctx, struct ndk_mr *mr,
		      uint32_t page_count, const uint64_t *pages, uint32_t fbo, size_t length,
		      void *base_va, uint32_t flags);

/**
 * Invalidate a fast-registered MR or a bound MW: its token stops granting access.
 * Completes on the initiator CQ as NDK_OP_INVALIDATE.
 *
 * Context: as ndk_send(): any thread, one poster per initiator queue; never blocks.
 *
 * @param qp
 *   A connected QP.
 * @param req_ctx
 *   Reported as the completion's request_context.
 * @param mr_or_mw
 *   The header of a fast-register MR (prepared by ndk_init_fast_register_mr()) or of a
 *   memory window.
 * @param flags
 *   NDK_OP_FLAG_SILENT_SUCCESS, READ_FENCE, DEFER.
 * @return
 *   - 0: queued; one completion follows.
 *   - -ENOTCONN: the QP was never connected, or its close has started.
 *   - -ENOMEM: the initiator queue is full.
 *   - -EINVAL: qp or mr_or_mw is NULL; other flags; an MR that is not a prepared
 *     fast-register MR.
 *   - -EBADF: qp is not a QP, or mr_or_mw neither an MR nor an MW.
 */
int ndk_invalidate(struct ndk_qp *qp, void *req_ctx, struct ndk_object_header *mr_or_mw,
		   uint32_t flags);

/*
 * Connection management: IB CM over QP1, as Linux's rdma_cm speaks it (service ID
 * 0x0000000001060000 | port, rdma_cm's 36-byte private-data header), so droce connects
 * to rping, perftest -R and nvme-rdma. Addresses are struct sockaddr_in / sockaddr_in6 of
 * the port's addresses; ports are rdma_cm (TCP space) ports. Only the first adapter on an
 * engine runs it. Its calls take the connection manager's lock briefly; requests complete
 * on the adapter's control context.
 */

/**
 * Create a connector, inline: for ndk_connect() or ndk_connect_with_shared_endpoint().
 * (Passive connectors come from a listener's connect event.)
 *
 * Context: any thread, including an lcore and inside any callback; never blocks. cb is
 * never called.
 *
 * @param ad
 *   The adapter.
 * @param cb
 *   Not used (the create completes inline); may be NULL.
 * @param ctx
 *   Not used.
 * @param out
 *   Receives the connector; not NULL.
 * @return
 *   - 0: *out is the connector.
 *   - -EINVAL: ad or out is NULL.
 *   - -ENOTSUP: the adapter has no connection manager (another adapter on the engine
 *     has QP1).
 *   - -ENOMEM: out of memory.
 *   - -EBADF: ad is not an adapter.
 */
int ndk_create_connector(struct ndk_adapter *ad, ndk_create_cb cb, void *ctx,
			 struct ndk_connector **out);

/**
 * Create a listener, inline; it hears requests once ndk_listen() succeeded.
 *
 * Context: any thread, including an lcore and inside any callback; never blocks. cb is
 * never called. connect_event runs on the adapter's control context, once for each
 * connection request that reaches the listener while it listens, is not paused and is
 * not closing (a request duplicated by the peer's retransmission is one request); the
 * connector it hands over is the consumer's to accept or reject, and to close.
 *
 * @param ad
 *   The adapter.
 * @param connect_event
 *   The connect event callback; not NULL.
 * @param event_ctx
 *   Passed to connect_event.
 * @param cb
 *   Not used (the create completes inline); may be NULL.
 * @param ctx
 *   Not used.
 * @param out
 *   Receives the listener; not NULL.
 * @return
 *   - 0: *out is the listener.
 *   - -EINVAL: ad, connect_event or out is NULL.
 *   - -ENOTSUP: the adapter has no connection manager.
 *   - -ENOMEM: out of memory.
 *   - -EBADF: ad is not an adapter.
 */
int ndk_create_listener(struct ndk_adapter *ad, ndk_connect_event_cb connect_event,
			void *event_ctx, ndk_create_cb cb, void *ctx, struct ndk_listener **out);

/**
 * Reserve a local address and port that several connectors share to reach different
 * peers (ndk_connect_with_shared_endpoint()), inline.
 *
 * Context: any thread, including an lcore and inside any callback; never blocks. cb is
 * never called.
 *
 * @param ad
 *   The adapter.
 * @param addr
 *   A sockaddr_in or sockaddr_in6: one of the port's addresses other than the link-local
 *   GID entry 0, or the unspecified address (every address of the port); port 0 picks an
 *   ephemeral port (49152-65535).
 * @param addr_len
 *   The size of *addr.
 * @param cb
 *   Not used (the create completes inline); may be NULL.
 * @param ctx
 *   Not used.
 * @param out
 *   Receives the shared endpoint; not NULL.
 * @return
 *   - 0: *out is the shared endpoint.
 *   - -EINVAL: ad, addr or out is NULL; addr is not AF_INET or AF_INET6, or addr_len is
 *     too short.
 *   - -EADDRNOTAVAIL: not an address of the port.
 *   - -EADDRINUSE: the port is taken on that address.
 *   - -ENOSPC: no ephemeral port is free.
 *   - -ENOTSUP: the adapter has no connection manager.
 *   - -ENOMEM: out of memory.
 *   - -EBADF: ad is not an adapter.
 */
int ndk_create_shared_endpoint(struct ndk_adapter *ad, const struct sockaddr *addr,
			       socklen_t addr_len, ndk_create_cb cb, void *ctx,
			       struct ndk_shared_endpoint **out);

/**
 * Connect qp to dst (the peer's listener address and port) from src, asking to serve ird
 * incoming reads and issue ord, with private data. The peer's MAC is resolved first (at
 * most 5 s), then a REQ is sent and retransmitted (engine conf cm_timeout, cm_retries).
 * When cb reports 0 the peer accepted: read its answer with ndk_get_connection_data(),
 * then call ndk_complete_connect() or ndk_reject(). A QP serves one connection, ever.
 *
 * Context: any thread, including an lcore and inside any callback; never blocks. cb runs
 * exactly once, later, on the adapter's control context.
 *
 * @param conn
 *   A connector from ndk_create_connector(), never used before.
 * @param qp
 *   A live QP of the connector's adapter, never given to a connector before.
 * @param src
 *   The local address: one of the port's (not the link-local entry 0), or the unspecified
 *   address for the port's first of dst's family; port 0: ephemeral. NULL: unspecified,
 *   ephemeral.
 * @param src_len
 *   The size of *src.
 * @param dst
 *   The peer's sockaddr_in or sockaddr_in6 (the same family as src), not unspecified,
 *   port not 0.
 * @param dst_len
 *   The size of *dst.
 * @param ird
 *   Incoming reads to serve, 0..max_inbound_read_limit (128).
 * @param ord
 *   Outgoing reads to issue, 0..max_outbound_read_limit (128).
 * @param pdata
 *   Private data for the peer; may be NULL when pdata_len is 0.
 * @param pdata_len
 *   Its length, 0..max_caller_data (56).
 * @param cb
 *   The completion callback; not NULL. Gets 0 (the peer accepted), -ECONNREFUSED
 *   (rejected, nobody listens, or the listener is paused), -ETIMEDOUT (no answer, or
 *   QP1's send queue stayed full until resolution's deadline), -EHOSTUNREACH (address
 *   resolution failed), -ECONNABORTED (the QP could not take the peer's answer; a REJ
 *   was sent), -ECANCELED (the connector was closed), or another negative errno of
 *   address resolution.
 * @param ctx
 *   Passed to cb.
 * @return
 *   - NDK_PENDING: cb follows, once.
 *   - -EINVAL: conn, qp, cb or dst is NULL; pdata NULL with pdata_len > 0; ird, ord or
 *     pdata_len too large; a bad or unspecified dst, dst port 0; a bad src or one of
 *     another family; a QP of another adapter or closing.
 *   - -EBADF: conn or qp is an object of the wrong type.
 *   - -EISCONN: the connector is in use (connect was called, or it came from a listener),
 *     or the QP was given to a connector before.
 *   - -EADDRNOTAVAIL: src is not an address of the port.
 *   - -ENETUNREACH: the port has no address of dst's family.
 *   - -EADDRINUSE: src's port is taken.
 *   - -ENOSPC: no ephemeral port is free, or the neighbour table is full.
 *   - -EHOSTUNREACH: resolving dst failed a moment ago (the failure is remembered for
 *     the port's neigh_retry_ms).
 *   - -ENOMEM: out of memory, or QP1's send queue is full: nothing changed, cb never
 *     called (the connector and the QP may be used again).
 */
int ndk_connect(struct ndk_connector *conn, struct ndk_qp *qp, const struct sockaddr *src,
		socklen_t src_len, const struct sockaddr *dst, socklen_t dst_len, uint32_t ird,
		uint32_t ord, const void *pdata, uint32_t pdata_len, ndk_request_cb cb,
		void *ctx);

/**
 * ndk_connect() from a shared endpoint's address and port. The shared endpoint cannot
 * finish closing before the connector is closed.
 *
 * Context: as ndk_connect(): any thread; never blocks; cb exactly once, later, on the
 * adapter's control context.
 *
 * @param conn
 *   A connector from ndk_create_connector(), never used before.
 * @param qp
 *   A live QP of the connector's adapter, never given to a connector before.
 * @param ep
 *   A shared endpoint of the connector's adapter, not closed.
 * @param dst
 *   The peer's sockaddr_in or sockaddr_in6, port not 0.
 * @param dst_len
 *   The size of *dst.
 * @param ird
 *   Incoming reads to serve, 0..max_inbound_read_limit (128).
 * @param ord
 *   Outgoing reads to issue, 0..max_outbound_read_limit (128).
 * @param pdata
 *   Private data for the peer; may be NULL when pdata_len is 0.
 * @param pdata_len
 *   Its length, 0..max_caller_data (56).
 * @param cb
 *   The completion callback; not NULL. Gets what ndk_connect()'s does.
 * @param ctx
 *   Passed to cb.
 * @return
 *   - NDK_PENDING: cb follows, once.
 *   - -EINVAL: as ndk_connect(), and ep NULL or of another adapter.
 *   - -EBADF: conn, qp or ep is an object of the wrong type.
 *   - -EISCONN, -ENETUNREACH, -EADDRNOTAVAIL, -ENOSPC, -EHOSTUNREACH, -ENOMEM: as
 *     ndk_connect().
 */
int ndk_connect_with_shared_endpoint(struct ndk_connector *conn, struct ndk_qp *qp,
				     struct ndk_shared_endpoint *ep, const struct sockaddr *dst,
				     socklen_t dst_len, uint32_t ird, uint32_t ord,
				     const void *pdata, uint32_t pdata_len, ndk_request_cb cb,
				     void *ctx);

/**
 * Active side, after the connect completed with 0: send the final handshake message (RTU)
 * and arm disc for the peer's disconnect. The QP can send from now on.
 *
 * Context: any thread, including an lcore and inside any callback; never blocks. cb runs
 * exactly once, later, on the adapter's control context, with 0 (established). disc runs
 * there at most once, when the peer disconnects (not once the connector's close has
 * started); it flushes nothing: answer it with ndk_disconnect() or a close.
 *
 * @param conn
 *   A connector whose connect completed with 0.
 * @param disc
 *   The disconnect event callback; NULL: the peer's disconnect is not reported.
 * @param disc_ctx
 *   Passed to disc.
 * @param cb
 *   The completion callback; not NULL.
 * @param ctx
 *   Passed to cb.
 * @return
 *   - NDK_PENDING: cb follows, once.
 *   - -EINVAL: conn or cb is NULL, or the QP refused the negotiated parameters.
 *   - -ENOTCONN: no accepted connect waits to be completed.
 *   - -ECONNABORTED: the connection is over (rejected, failed, closed).
 *   - -ENOMEM: QP1's send queue is full: nothing changed, cb never called.
 *   - -EBADF: conn is not a connector.
 */
int ndk_complete_connect(struct ndk_connector *conn, ndk_disconnect_event_cb disc,
			 void *disc_ctx, ndk_request_cb cb, void *ctx);

/**
 * Passive side, on a connector from a connect event: accept on qp with private data; the
 * read limits in effect are min(ird, the peer's ord) and min(ord, the peer's ird).
 *
 * Context: any thread, including an lcore and inside any callback (the connect event's
 * too); never blocks. cb runs exactly once, later, on the adapter's control context.
 * disc runs there at most once, when the peer disconnects (not once the connector's close
 * has started); it flushes nothing.
 *
 * @param conn
 *   A connector handed over by a connect event, not yet answered.
 * @param qp
 *   A live QP of the connector's adapter, never given to a connector before.
 * @param ird
 *   Incoming reads to serve, 0..max_inbound_read_limit (128).
 * @param ord
 *   Outgoing reads to issue, 0..max_outbound_read_limit (128).
 * @param pdata
 *   Private data for the peer; may be NULL when pdata_len is 0.
 * @param pdata_len
 *   Its length, 0..max_callee_data (148).
 * @param disc
 *   The disconnect event callback; NULL: the peer's disconnect is not reported.
 * @param disc_ctx
 *   Passed to disc.
 * @param cb
 *   The completion callback; not NULL. Gets 0 (established), -ETIMEDOUT (the peer never
 *   completed; the QP is flushed), -ECONNABORTED (the peer rejected the accept or
 *   disconnected first), or -ECANCELED (the connector was closed).
 * @param ctx
 *   Passed to cb.
 * @return
 *   - NDK_PENDING: cb follows, once.
 *   - -EINVAL: conn, qp or cb is NULL; pdata NULL with pdata_len > 0; ird, ord or
 *     pdata_len too large; a QP of another adapter or closing, or one that refused the
 *     negotiated parameters.
 *   - -ENOTCONN: not a request waiting for an answer.
 *   - -ECONNABORTED: the peer gave up on the request.
 *   - -EISCONN: the QP was given to a connector before.
 *   - -ENOMEM: QP1's send queue is full: nothing changed (the request still waits for an
 *     answer, the QP is free), cb never called.
 *   - -EBADF: conn or qp is an object of the wrong type.
 */
int ndk_accept(struct ndk_connector *conn, struct ndk_qp *qp, uint32_t ird, uint32_t ord,
	       const void *pdata, uint32_t pdata_len, ndk_disconnect_event_cb disc,
	       void *disc_ctx, ndk_request_cb cb, void *ctx);

/**
 * Reject a request (passive: the peer's connect completes with -ECONNREFUSED) or an
 * accepted connect (active: the QP is flushed and the peer's accept completes with
 * -ECONNABORTED), with private data. The connection is over; close the connector.
 *
 * Context: any thread, including an lcore and inside any callback; never blocks; runs no
 * callback.
 *
 * @param conn
 *   A connector from a connect event not yet answered, or one whose connect completed
 *   with 0 and was not completed.
 * @param pdata
 *   Private data for the peer; may be NULL when pdata_len is 0.
 * @param pdata_len
 *   Its length, 0..148.
 * @return
 *   - 0: rejected.
 *   - -EINVAL: conn is NULL, pdata_len is above 148, or pdata is NULL with pdata_len > 0.
 *   - -ENOTCONN: nothing to reject.
 *   - -ECONNABORTED: the connection is over already (rejected, refused, timed out).
 *   - -ENOMEM: QP1's send queue is full: nothing changed (reject again, or close).
 *   - -EBADF: conn is not a connector.
 */
int ndk_reject(struct ndk_connector *conn, const void *pdata, uint32_t pdata_len);

/**
 * The peer's read limits and private data. The private data is that of the last message
 * the peer sent: its request (passive), its accept or its reject (active); its size (RDS)
 * is 56 for a request, 196 for an accept, 148 for a reject. The limits are the effective
 * ones: on the active side after the accept, ours capped by the peer's; on the passive
 * side the most an accept can get, the adapter's maxima capped by the peer's.
 *
 * Context: any thread, including an lcore and inside any callback; never blocks; runs no
 * callback.
 *
 * @param conn
 *   The connector.
 * @param ird
 *   Receives the incoming reads we serve; may be NULL.
 * @param ord
 *   Receives the outgoing reads we may issue; may be NULL.
 * @param pdata
 *   Receives the private data; NULL with *pdata_len 0 asks the size.
 * @param pdata_len
 *   In: the size of pdata. Out: RDS.
 * @return
 *   - 0: filled (or, with pdata NULL and *pdata_len 0, *pdata_len set).
 *   - -ENOBUFS: *pdata_len was below RDS: that many bytes were copied; *pdata_len says
 *     RDS.
 *   - -EINVAL: conn or pdata_len is NULL, or pdata is NULL with *pdata_len not 0.
 *   - -ENOTCONN: the peer has sent nothing yet.
 *   - -EBADF: conn is not a connector.
 */
int ndk_get_connection_data(struct ndk_connector *conn, uint32_t *ird, uint32_t *ord,
			    void *pdata, uint32_t *pdata_len);

/**
 * The connection's local address and port (the ones chosen for an unspecified address
 * or port 0).
 *
 * Context: any thread, including an lcore and inside any callback; never blocks; runs no
 * callback.
 *
 * @param conn
 *   The connector.
 * @param addr
 *   Receives a sockaddr_in or sockaddr_in6; NULL with *len 0 asks the size.
 * @param len
 *   In: the size of addr. Out: the size of the address.
 * @return
 *   - 0: *addr and *len are set.
 *   - -ENOBUFS: *len was too small; *len says how much.
 *   - -EINVAL: conn or len is NULL, or addr is NULL with *len not 0.
 *   - -ENOTCONN: connect was not called on the connector.
 *   - -EBADF: conn is not a connector.
 */
int ndk_get_local_address(struct ndk_connector *conn, struct sockaddr *addr, socklen_t *len);

/**
 * The connection's peer address and port.
 *
 * Context: any thread, including an lcore and inside any callback; never blocks; runs no
 * callback.
 *
 * @param conn
 *   The connector.
 * @param addr
 *   Receives a sockaddr_in or sockaddr_in6; NULL with *len 0 asks the size.
 * @param len
 *   In: the size of addr. Out: the size of the address.
 * @return
 *   - 0: *addr and *len are set.
 *   - -ENOBUFS: *len was too small; *len says how much.
 *   - -EINVAL: conn or len is NULL, or addr is NULL with *len not 0.
 *   - -ENOTCONN: connect was not called on the connector.
 *   - -EBADF: conn is not a connector.
 */
int ndk_get_peer_address(struct ndk_connector *conn, struct sockaddr *addr, socklen_t *len);

/**
 * Graceful disconnect (DREQ/DREP); then the QP is flushed: every outstanding request
 * completes as cancelled. After the peer disconnected first (its disconnect event), this
 * only flushes.
 *
 * Context: any thread, including an lcore and inside any callback (the disconnect
 * event's too); never blocks. cb runs exactly once, later, on the adapter's control
 * context: with 0 (the peer answered, disconnected too, or had disconnected first; also
 * when the connector is closed meanwhile) or -ETIMEDOUT (the peer did not answer; the QP
 * is flushed all the same).
 *
 * @param conn
 *   An established connector, or one whose peer disconnected.
 * @param cb
 *   The completion callback; not NULL.
 * @param ctx
 *   Passed to cb.
 * @return
 *   - NDK_PENDING: cb follows, once.
 *   - -EINVAL: conn or cb is NULL.
 *   - -ENOTCONN: not connected (never, or no more: a disconnect is pending or done).
 *   - -ENOMEM: QP1's send queue is full: nothing changed (still connected), cb never
 *     called.
 *   - -EBADF: conn is not a connector.
 */
int ndk_disconnect(struct ndk_connector *conn, ndk_request_cb cb, void *ctx);

/**
 * Listen on addr, inline; connection requests that arrive from now on raise the
 * listener's connect event.
 *
 * Context: any thread, including an lcore and inside any callback; never blocks. cb is
 * never called.
 *
 * @param l
 *   The listener.
 * @param addr
 *   A sockaddr_in or sockaddr_in6: one of the port's addresses other than the link-local
 *   GID entry 0, or the unspecified address for all of them; port 0: ephemeral.
 * @param len
 *   The size of *addr.
 * @param cb
 *   Not used (listen completes inline); may be NULL.
 * @param ctx
 *   Not used.
 * @return
 *   - 0: listening.
 *   - -EINVAL: l or addr is NULL; addr is not AF_INET or AF_INET6, or len too short.
 *   - -EISCONN: the listener listens already.
 *   - -EADDRNOTAVAIL: not an address of the port.
 *   - -EADDRINUSE: the port is taken on that address.
 *   - -ENOSPC: no ephemeral port is free.
 *   - -ENOMEM: out of memory.
 *   - -EBADF: l is not a listener.
 */
int ndk_listen(struct ndk_listener *l, const struct sockaddr *addr, socklen_t len,
	       ndk_request_cb cb, void *ctx);

/**
 * The address listened on (0.0.0.0 or :: for all of the port's), with the port chosen for
 * port 0, in the family listen was given.
 *
 * Context: any thread, including an lcore and inside any callback; never blocks; runs no
 * callback.
 *
 * @param l
 *   The listener.
 * @param addr
 *   Receives a sockaddr_in or sockaddr_in6; NULL with *len 0 asks the size.
 * @param len
 *   In: the size of addr. Out: the size of the address.
 * @return
 *   - 0: *addr and *len are set.
 *   - -ENOBUFS: *len was too small; *len says how much.
 *   - -EINVAL: l or len is NULL, or addr is NULL with *len not 0.
 *   - -ENOTCONN: the listener does not listen.
 *   - -EBADF: l is not a listener.
 */
int ndk_get_listener_address(struct ndk_listener *l, struct sockaddr *addr, socklen_t *len);

/**
 * Pause (true) or resume (false) connect events. While paused, requests are rejected as
 * if no one listened (the peer's connect completes with -ECONNREFUSED), those that
 * arrived but whose event had not run yet included; resuming does not bring them back.
 *
 * Context: any thread, including an lcore and inside any callback; never blocks; runs no
 * callback.
 *
 * @param l
 *   The listener; NULL or not a listener is ignored.
 * @param pause
 *   true: pause; false: resume.
 */
void ndk_control_connect_events(struct ndk_listener *l, bool pause);

/**
 * A shared endpoint's address (0.0.0.0 or :: when it was created with the unspecified
 * one) and port.
 *
 * Context: any thread, including an lcore and inside any callback; never blocks; runs no
 * callback.
 *
 * @param ep
 *   The shared endpoint, not closed.
 * @param addr
 *   Receives a sockaddr_in or sockaddr_in6; NULL with *len 0 asks the size.
 * @param len
 *   In: the size of addr. Out: the size of the address.
 * @return
 *   - 0: *addr and *len are set.
 *   - -ENOBUFS: *len was too small; *len says how much.
 *   - -EINVAL: ep or len is NULL, or addr is NULL with *len not 0.
 *   - -EBADF: ep is not a shared endpoint.
 */
int ndk_get_shared_endpoint_address(struct ndk_shared_endpoint *ep, struct sockaddr *addr,
				    socklen_t *len);

/**
 * The NTSTATUS value NDK uses for a droce status:
 *
 * | droce          | NTSTATUS                        |
 * |----------------|---------------------------------|
 * | 0              | STATUS_SUCCESS 0x00000000       |
 * | NDK_PENDING    | STATUS_PENDING 0x00000103       |
 * | -EOVERFLOW     | STATUS_BUFFER_OVERFLOW 0x80000005 (CQ overrun; completions: DATA_OVERRUN) |
 * | -EACCES        | STATUS_ACCESS_VIOLATION 0xC0000005 |
 * | -EINVAL        | STATUS_INVALID_PARAMETER 0xC000000D |
 * | -EBADF         | STATUS_INVALID_HANDLE 0xC0000008 |
 * | -ENOBUFS       | STATUS_BUFFER_TOO_SMALL 0xC0000023 |
 * | -EADDRINUSE    | STATUS_SHARING_VIOLATION 0xC0000043 |
 * | -ENOMEM, -ENOSPC | STATUS_INSUFFICIENT_RESOURCES 0xC000009A |
 * | -ETIMEDOUT     | STATUS_IO_TIMEOUT 0xC00000B5    |
 * | -ENOTSUP       | STATUS_NOT_SUPPORTED 0xC00000BB |
 * | -EIO           | STATUS_INTERNAL_ERROR 0xC00000E5 |
 * | -ECANCELED     | STATUS_CANCELLED 0xC0000120     |
 * | -EREMOTEIO     | STATUS_REMOTE_RESOURCES 0xC000013D |
 * | -EADDRNOTAVAIL | STATUS_INVALID_ADDRESS 0xC0000141 |
 * | -ECONNREFUSED  | STATUS_CONNECTION_REFUSED 0xC0000236 |
 * | -ENOTCONN      | STATUS_CONNECTION_INVALID 0xC000023A |
 * | -EISCONN       | STATUS_CONNECTION_ACTIVE 0xC000023B |
 * | -ENETUNREACH   | STATUS_NETWORK_UNREACHABLE 0xC000023C |
 * | -EHOSTUNREACH  | STATUS_HOST_UNREACHABLE 0xC000023D |
 * | -ECONNABORTED  | STATUS_CONNECTION_ABORTED 0xC0000241 |
 * | -E2BIG         | STATUS_IMPLEMENTATION_LIMIT 0xC000042B |
 * | -EPROTONOSUPPORT | NDIS_STATUS_BAD_VERSION 0xC0010004 |
 * | -EALREADY      | STATUS_INVALID_DEVICE_STATE 0xC0000184 |
 * | other          | STATUS_UNSUCCESSFUL 0xC0000001  |
 *
 * Context: any thread, with or without an adapter; never blocks.
 *
 * @param status
 *   A droce status: 0, NDK_PENDING or a negative errno (a call's return, a callback's
 *   status, a completion's status).
 * @return
 *   The NTSTATUS value; STATUS_UNSUCCESSFUL (0xC0000001) for a status not in the table
 *   (-EBUSY, for one).
 */
uint32_t ndk_status_ntstatus(int status);

/**
 * The NTSTATUS name of a droce status ("STATUS_CANCELLED"), as ndk_status_ntstatus()
 * maps it.
 *
 * Context: any thread, with or without an adapter; never blocks.
 *
 * @param status
 *   A droce status: 0, NDK_PENDING or a negative errno.
 * @return
 *   A static string, never NULL; "STATUS_UNSUCCESSFUL" for a status not in the table.
 */
const char *ndk_status_name(int status);

#ifdef __cplusplus
}
#endif

#endif /* DROCE_NDK_H */
