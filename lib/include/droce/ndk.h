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
 * Contexts. ndk_open_adapter(), ndk_close_adapter() and ndk_query_adapter_info() may block
 * and run on a control thread of the consumer, never on an engine lcore or in a callback.
 * Every other function never blocks and may be called from any thread, from an lcore and
 * from inside any callback. Callbacks run on an engine lcore (CQ notifications) or on the
 * adapter's control thread (everything else), never with a droce lock held, and must not
 * block; from inside one the consumer may post, poll, arm and close.
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
	void *reserved[4];		/**< the consumer's; droce zeroes it and never touches it */
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
 * was lost because the CQ was full: the CQ and its QPs are unusable) or -EIO (fatal).
 */
typedef void (*ndk_cq_notify_cb)(void *ctx, int cq_status);
/** SRQ notification: the queued receives fell below the threshold (0) or -EIO. */
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
struct ndk_adapter { struct ndk_object_header header; const struct ndk_adapter_dispatch *dispatch; };
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
};

/**
 * Open an adapter on a running engine, negotiating the version: major 1 runs at 1.2, major
 * 2 at 2.1; version.minor is the lowest minor the consumer accepts.
 *
 * @return 0 and *out; -EPROTONOSUPPORT (major not 1 or 2, or minor above droce's),
 *         -EINVAL (NULL engine or out), -ENOMEM, or the error starting the control thread.
 * Control thread of the consumer; may block.
 */
int ndk_open_adapter(struct droce_engine *eng, struct ndk_version version,
		     const struct ndk_adapter_conf *conf, struct ndk_adapter **out);

/**
 * Close an adapter: the one blocking call, and a barrier. It waits for every pending close
 * to complete; objects the consumer never closed are closed now (without callbacks, and
 * logged by name as a consumer bug). When it returns no consumer callback is running
 * anywhere and none will run again. The engine's slots must keep running until it returns.
 * Control thread of the consumer; never from a callback or an lcore.
 */
void ndk_close_adapter(struct ndk_adapter *ad);

/**
 * With ndk_adapter_conf.manual_control: one round of control work (completions, closes,
 * notifications). @return the work done, 0 when idle. One thread at a time.
 */
int ndk_adapter_control_poll(struct ndk_adapter *ad);

/**
 * Live objects of an adapter by type, and closes still pending; ndk_adapter_dump() names
 * what each pending close waits on. @return the number of live objects (all types).
 * Any thread.
 */
int ndk_adapter_live(struct ndk_adapter *ad, unsigned int counts[NDK_OBJECT_MAX]);
void ndk_adapter_dump(struct ndk_adapter *ad, void *file);

/* The wrappers. Each checks its object (NULL: -EINVAL; another type: -EBADF, or 0 and no
 * effect for functions without a status) and calls through the object's dispatch table. */

/** Close any object but the adapter. @return 0, NDK_PENDING, or -EINVAL / -EBADF for a
 *  NULL / adapter / unknown object, -EALREADY when its close already started. */
int ndk_close(struct ndk_object_header *obj, ndk_close_cb cb, void *ctx);
int ndk_query_extension(struct ndk_object_header *obj, uint32_t id,
			struct ndk_version version, const void **dispatch);

/**
 * Fill info; *size is the buffer size in and the size needed out.
 * @return 0, -ENOBUFS (too small; *size says how much). May block; control thread.
 */
int ndk_query_adapter_info(struct ndk_adapter *ad, struct ndk_adapter_info *info,
			   size_t *size);
/**
 * Create a CQ of at least depth entries (1..max_cq_depth). notify runs at most once per
 * ndk_arm_cq(), on an engine lcore or the control thread, serialised per CQ.
 * lcore_hint is a preference only (-1: none).
 * @return NDK_PENDING (cb hands over the CQ), -EINVAL (depth, NULL notify or cb).
 */
int ndk_create_cq(struct ndk_adapter *ad, uint32_t depth, ndk_cq_notify_cb notify,
		  void *notify_ctx, int lcore_hint, ndk_create_cb cb, void *ctx,
		  struct ndk_cq **out);
/** Create a protection domain. @return NDK_PENDING or -EINVAL. */
int ndk_create_pd(struct ndk_adapter *ad, ndk_create_cb cb, void *ctx, struct ndk_pd **out);
/**
 * Map a buffer to logical addresses for the privileged token and fast registration:
 * droce's logical addresses are process addresses, so pages[i] is the i-th 4 KiB page of
 * the buffer and fbo the offset of buf in the first. *page_count: capacity in, used out.
 * @return 0, -ENOBUFS (*page_count says how many are needed), -EINVAL.
 */
int ndk_build_lam(struct ndk_adapter *ad, void *buf, size_t length, ndk_request_cb cb,
		  void *ctx, uint64_t *pages, uint32_t *page_count, uint32_t *fbo);
/** Release a mapping made by ndk_build_lam(); no work request may still use it. */
void ndk_release_lam(struct ndk_adapter *ad, uint64_t *pages, uint32_t page_count);

/** Create an MR object (register it next, or initialise it for fast registration).
 *  @return 0 (inline) or -EINVAL. */
int ndk_create_mr(struct ndk_pd *pd, bool fast_register, ndk_create_cb cb, void *ctx,
		  struct ndk_mr **out);
/** Create a memory window. @return NDK_PENDING or -EINVAL. */
int ndk_create_mw(struct ndk_pd *pd, ndk_create_cb cb, void *ctx, struct ndk_mw **out);
/**
 * Create an SRQ of depth receives with up to max_sge SGEs each. notify (optional) fires
 * once when fewer than notify_threshold receives are queued (0: not armed); re-arm with
 * ndk_modify_srq(). @return NDK_PENDING or -EINVAL (limits).
 */
int ndk_create_srq(struct ndk_pd *pd, uint32_t depth, uint32_t max_sge,
		   uint32_t notify_threshold, ndk_srq_notify_cb notify, void *notify_ctx,
		   int lcore_hint, ndk_create_cb cb, void *ctx, struct ndk_srq **out);
/**
 * Create an RC QP. Depths and SGE counts must be 1..the adapter's maxima, inline_size at
 * most max_inline_data_size; the CQs must belong to the PD's adapter.
 * @return NDK_PENDING; -EINVAL (limits, NULL CQ, CQ of another adapter); -EBADF (an object
 *         of the wrong type); -ENOSPC (no QP number left).
 */
int ndk_create_qp(struct ndk_pd *pd, struct ndk_cq *rcq, struct ndk_cq *icq, void *qp_ctx,
		  uint32_t rq_depth, uint32_t iq_depth, uint32_t max_rsge, uint32_t max_isge,
		  uint32_t inline_size, ndk_create_cb cb, void *ctx, struct ndk_qp **out);
/** As ndk_create_qp(), receiving from an SRQ of the same PD (-EINVAL otherwise). */
int ndk_create_qp_with_srq(struct ndk_pd *pd, struct ndk_cq *rcq, struct ndk_cq *icq,
			   struct ndk_srq *srq, void *qp_ctx, uint32_t iq_depth,
			   uint32_t max_isge, uint32_t inline_size, ndk_create_cb cb, void *ctx,
			   struct ndk_qp **out);
/** The PD's privileged token: local read and write over logical addresses; never remote.
 *  @return 0. */
int ndk_get_privileged_token(struct ndk_pd *pd, uint32_t *token);

/** CQ resizing is not supported (no NDK_ADAPTER_FLAG_CQ_RESIZE): -ENOTSUP. */
int ndk_resize_cq(struct ndk_cq *cq, uint32_t depth, ndk_request_cb cb, void *ctx);
/**
 * Arm the CQ: its notify callback fires once when a completion of the type arrives; at
 * once (soon after this returns, never inside it) if such completions arrived since the
 * last callback. ERRORS fires only for CQ errors; failed completions match SOLICITED.
 */
void ndk_arm_cq(struct ndk_cq *cq, enum ndk_cq_notify_type type);
/** Take up to n completions. @return how many (0 = empty). One caller per CQ at a time. */
uint32_t ndk_get_cq_results(struct ndk_cq *cq, struct ndk_result *r, uint32_t n);
uint32_t ndk_get_cq_results_ex(struct ndk_cq *cq, struct ndk_result_ex *r, uint32_t n);
/** Interrupt moderation does not apply to a polled engine: -ENOTSUP. */
int ndk_control_cq_moderation(struct ndk_cq *cq, uint32_t interval_us, uint32_t count);

/**
 * Register buf (process memory) with NDK_MR_FLAG_* flags. The tokens are valid once it
 * completes. @return NDK_PENDING; -EINVAL (NULL buf, length 0 or above
 * max_registration_size, unknown flags, already registered, a fast-register MR).
 */
int ndk_register_mr(struct ndk_mr *mr, void *buf, size_t length, uint32_t flags,
		    ndk_request_cb cb, void *ctx);
/** @return NDK_PENDING, or -EINVAL when not registered. */
int ndk_deregister_mr(struct ndk_mr *mr, ndk_request_cb cb, void *ctx);
/** Prepare a fast-register MR for up to page_count pages (1..frmr_page_count * 16).
 *  @return NDK_PENDING, -EINVAL, -E2BIG (too many pages). */
int ndk_init_fast_register_mr(struct ndk_mr *mr, uint32_t page_count, bool remote,
			      ndk_request_cb cb, void *ctx);
/** Tokens (0 for a NULL or unregistered MR). */
uint32_t ndk_get_remote_token_mr(struct ndk_mr *mr);
uint32_t ndk_get_local_token_mr(struct ndk_mr *mr);
uint32_t ndk_get_remote_token_mw(struct ndk_mw *mw);

/** Change depth (0 = keep; at most the depth created) and re-arm the threshold
 *  (0 = keep). @return NDK_PENDING, -EINVAL, -ENOTSUP (growing). */
int ndk_modify_srq(struct ndk_srq *srq, uint32_t depth, uint32_t notify_threshold,
		   ndk_request_cb cb, void *ctx);
/** Post a receive to the SRQ. @return 0, -ENOMEM (full), -EINVAL (SGEs). */
int ndk_srq_receive(struct ndk_srq *srq, void *req_ctx, const struct ndk_sge *sge,
		    uint32_t nsge);

/**
 * Posting. Each returns 0 (exactly one completion follows, none for a SILENT_SUCCESS
 * success) or an error with no completion ever: -ENOTCONN (QP not connected or closing),
 * -ENOMEM (queue full), -EINVAL (too many SGEs, inline too long, bad flags, zero-length
 * SGE list element, NULL SGE array with nsge > 0), -EBADF (an object of another type).
 * The initiator queue holds iq_depth requests not yet completed (silent successes
 * included); a request's place is free by the time its completion can be taken.
 * Local tokens are checked when the engine reaches the request: a bad token completes
 * with -EACCES. One poster per queue at a time.
 */
void ndk_flush(struct ndk_qp *qp);
int ndk_send(struct ndk_qp *qp, void *req_ctx, const struct ndk_sge *sge, uint32_t nsge,
	     uint32_t flags);
int ndk_send_and_invalidate(struct ndk_qp *qp, void *req_ctx, const struct ndk_sge *sge,
			    uint32_t nsge, uint32_t flags, uint32_t remote_token);
int ndk_receive(struct ndk_qp *qp, void *req_ctx, const struct ndk_sge *sge, uint32_t nsge);
int ndk_read(struct ndk_qp *qp, void *req_ctx, const struct ndk_sge *sge, uint32_t nsge,
	     uint64_t remote_addr, uint32_t remote_token, uint32_t flags);
int ndk_write(struct ndk_qp *qp, void *req_ctx, const struct ndk_sge *sge, uint32_t nsge,
	      uint64_t remote_addr, uint32_t remote_token, uint32_t flags);
/** Bind mw to [va, va + length) of mr; the MW's token is valid when this returns. */
int ndk_bind(struct ndk_qp *qp, void *req_ctx, struct ndk_mr *mr, struct ndk_mw *mw,
	     void *va, size_t length, uint32_t flags);
/** Fast-register mr over pages (virtually contiguous in droce) at base_va. */
int ndk_fast_register(struct ndk_qp *qp, void *req_ctx, struct ndk_mr *mr,
		      uint32_t page_count, const uint64_t *pages, uint32_t fbo, size_t length,
		      void *base_va, uint32_t flags);
/** Invalidate a fast-registered MR or a bound MW. */
int ndk_invalidate(struct ndk_qp *qp, void *req_ctx, struct ndk_object_header *mr_or_mw,
		   uint32_t flags);

/*
 * Connection management: IB CM over QP1, as Linux's rdma_cm speaks it (service ID
 * 0x0000000001060000 | port, rdma_cm's 36-byte private-data header), so droce connects
 * to rping, perftest -R and nvme-rdma. Addresses are struct sockaddr_in / sockaddr_in6 of
 * the port's addresses; ports are rdma_cm (TCP space) ports.
 */

/**
 * Create a connector (inline). @return 0 and *out, -EINVAL.
 */
int ndk_create_connector(struct ndk_adapter *ad, ndk_create_cb cb, void *ctx,
			 struct ndk_connector **out);
/**
 * Create a listener; connect_event runs on the control thread for each request once it
 * listens. @return 0 and *out (inline), -EINVAL (NULL callback).
 */
int ndk_create_listener(struct ndk_adapter *ad, ndk_connect_event_cb connect_event,
			void *event_ctx, ndk_create_cb cb, void *ctx, struct ndk_listener **out);
/**
 * Reserve a local address and port (0: an ephemeral port, 49152-65535) that several
 * connectors share to reach different peers. @return 0 and *out (inline); -EADDRNOTAVAIL
 * (not an address of the port), -EADDRINUSE (taken), -ENOSPC (no ephemeral port), -EINVAL.
 */
int ndk_create_shared_endpoint(struct ndk_adapter *ad, const struct sockaddr *addr,
			       socklen_t addr_len, ndk_create_cb cb, void *ctx,
			       struct ndk_shared_endpoint **out);

/**
 * Connect qp to dst (the peer's listener address and port) from src (a port address; port
 * 0 = ephemeral; the unspecified address = the port's first of dst's family), asking to
 * serve ird incoming reads and issue ord, with up to max_caller_data bytes of private data.
 * Completes (cb, on the control thread) when the peer accepted (0: now call
 * ndk_get_connection_data() and ndk_complete_connect() or ndk_reject()) or did not:
 * -ECONNREFUSED (rejected, or nobody listens), -ETIMEDOUT (no answer),
 * -EHOSTUNREACH (address resolution failed), -ECANCELED (the connector was closed).
 * @return NDK_PENDING; -EINVAL (arguments, private data too long), -EADDRNOTAVAIL (src is
 *         not the port's), -EADDRINUSE (src port taken), -ENETUNREACH (no address of
 *         dst's family), -EISCONN (the connector or QP is already in use).
 */
int ndk_connect(struct ndk_connector *conn, struct ndk_qp *qp, const struct sockaddr *src,
		socklen_t src_len, const struct sockaddr *dst, socklen_t dst_len, uint32_t ird,
		uint32_t ord, const void *pdata, uint32_t pdata_len, ndk_request_cb cb,
		void *ctx);
/** ndk_connect() from a shared endpoint's address and port. */
int ndk_connect_with_shared_endpoint(struct ndk_connector *conn, struct ndk_qp *qp,
				     struct ndk_shared_endpoint *ep, const struct sockaddr *dst,
				     socklen_t dst_len, uint32_t ird, uint32_t ord,
				     const void *pdata, uint32_t pdata_len, ndk_request_cb cb,
				     void *ctx);
/**
 * Active side, after the connect completed with 0: send the final handshake message (RTU)
 * and arm disc (optional) for the peer's disconnect. Completes with 0 (established).
 * @return NDK_PENDING; -ENOTCONN (no accepted connect to complete).
 */
int ndk_complete_connect(struct ndk_connector *conn, ndk_disconnect_event_cb disc,
			 void *disc_ctx, ndk_request_cb cb, void *ctx);
/**
 * Passive side, on a connector from a connect event: accept on qp. Completes with 0 once
 * established, -ETIMEDOUT (the peer never completed), -ECONNABORTED (the peer gave up).
 * @return NDK_PENDING; -EINVAL; -ENOTCONN (not a pending request); -EISCONN (QP in use).
 */
int ndk_accept(struct ndk_connector *conn, struct ndk_qp *qp, uint32_t ird, uint32_t ord,
	       const void *pdata, uint32_t pdata_len, ndk_disconnect_event_cb disc,
	       void *disc_ctx, ndk_request_cb cb, void *ctx);
/** Reject a request (passive) or an accepted connect (active), with private data.
 *  @return 0, -ENOTCONN (nothing to reject), -EINVAL (private data too long). */
int ndk_reject(struct ndk_connector *conn, const void *pdata, uint32_t pdata_len);
/**
 * The peer's read limits (effective: already capped by ours) and private data. pdata NULL
 * with *len 0 asks the size (RDS: 56 for a request, 196 for an accept, 148 for a reject).
 * @return 0, -ENOBUFS (*len < RDS: min(*len, RDS) bytes copied), -EINVAL, -ENOTCONN.
 */
int ndk_get_connection_data(struct ndk_connector *conn, uint32_t *ird, uint32_t *ord,
			    void *pdata, uint32_t *pdata_len);
/** Local and peer addresses. @return 0, -ENOBUFS (*len too small; set), -ENOTCONN. */
int ndk_get_local_address(struct ndk_connector *conn, struct sockaddr *addr, socklen_t *len);
int ndk_get_peer_address(struct ndk_connector *conn, struct sockaddr *addr, socklen_t *len);
/**
 * Graceful disconnect (DREQ/DREP); then the QP is flushed: every outstanding request
 * completes as cancelled. Completes 0, or -ETIMEDOUT when the peer did not answer (the QP
 * is flushed all the same). @return NDK_PENDING, -ENOTCONN.
 */
int ndk_disconnect(struct ndk_connector *conn, ndk_request_cb cb, void *ctx);

/**
 * Listen on addr (a port address, or the unspecified address for all of them; port 0 =
 * ephemeral). @return 0 (inline); -EADDRINUSE, -EADDRNOTAVAIL, -ENOSPC, -EINVAL,
 * -EISCONN (already listening).
 */
int ndk_listen(struct ndk_listener *l, const struct sockaddr *addr, socklen_t len,
	       ndk_request_cb cb, void *ctx);
/** The address listened on, with the port chosen for port 0. */
int ndk_get_listener_address(struct ndk_listener *l, struct sockaddr *addr, socklen_t *len);
/** Pause (true) or resume connect events; while paused requests are refused as if no one
 *  listened. */
void ndk_control_connect_events(struct ndk_listener *l, bool pause);
/** A shared endpoint's address and port. */
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
 */
uint32_t ndk_status_ntstatus(int status);
/** NTSTATUS name of a droce status ("STATUS_CANCELLED"). */
const char *ndk_status_name(int status);

#ifdef __cplusplus
}
#endif

#endif /* DROCE_NDK_H */
