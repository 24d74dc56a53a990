/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DROCE_NDK_EXT_H
#define DROCE_NDK_EXT_H

/**
 * @file
 * droce's extensions to the NDK-style API, reached with ndk_query_extension().
 */

#include <stdint.h>

#include "droce/ndk.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * QP extension, version 1.0: the QP number, and connecting a QP to a peer's whose number,
 * address and starting PSN were exchanged out of band (as ibv_rc_pingpong does), without
 * the connection manager.
 */
#define NDK_EXT_DROCE_QP	0x64720001u

/** The path to a peer QP and the transport parameters. */
struct droce_qp_path {
	uint8_t dmac[6];		/**< the peer's (or next hop's) MAC */
	uint8_t sgid[16];		/**< our address: IPv4-mapped or IPv6 */
	uint8_t dgid[16];		/**< the peer's */
	uint32_t dest_qpn;
	uint32_t rq_psn;		/**< first PSN expected from the peer (its sq_psn) */
	uint32_t sq_psn;		/**< our first PSN */
	uint32_t path_mtu;		/**< 256..4096; 0 = the port's */
	uint8_t timeout;		/**< local ACK timeout 4.096 us * 2^timeout; 0 = 14 */
	uint8_t retry_cnt;		/**< 0..7; 0 = 7 */
	uint8_t rnr_retry;		/**< 0..7, 7 = infinite; 0 = 7 */
	uint8_t inbound_read_limit;	/**< IRD: 1..max; 0 = the adapter's maximum */
	uint8_t outbound_read_limit;	/**< ORD: 1..max; 0 = the adapter's maximum */
};

/** NDK_EXT_DROCE_QP's dispatch table (ndk_query_extension() on a QP). */
struct droce_qp_ext {
	/**
	 * The QP's number, as the peer's droce_qp_path.dest_qpn names it.
	 *
	 * Context: any thread, including an lcore and inside any callback; never blocks.
	 *
	 * @param qp
	 *   The QP.
	 * @return
	 *   The QP number (2..4095); 0 for a NULL QP or an object that is not a QP.
	 */
	uint32_t (*qpn)(struct ndk_qp *qp);
	/**
	 * Connect the QP (RTR, then RTS) to the peer's, synchronously: when 0 is returned
	 * the QP sends and receives. Once: a QP that was connected, flushed or is closing
	 * returns -EISCONN / -ENOTCONN.
	 *
	 * Context: any thread, including an lcore and inside any callback; never blocks;
	 * runs no callback.
	 *
	 * @param qp
	 *   A QP never connected (by this call or a connector).
	 * @param path
	 *   The path and transport parameters; dest_qpn, rq_psn and sq_psn fit 24 bits,
	 *   path_mtu is 0 or a power of two 256..the port's path MTU, timeout at most 31.
	 * @return
	 *   - 0: connected.
	 *   - -EINVAL: qp or path is NULL; a read limit above 128, retry_cnt or rnr_retry
	 *     above 7, a bad path_mtu, dest_qpn or rq_psn. A bad sq_psn or timeout is found
	 *     only after the move to RTR, which stays done (a second call: -EISCONN).
	 *   - -EISCONN: the QP was connected before.
	 *   - -ENOTCONN: the QP is closing or flushed.
	 *   - -EBADF: qp is not a QP.
	 */
	int (*connect)(struct ndk_qp *qp, const struct droce_qp_path *path);
};

/**
 * Verbs extension, version 1.0, on a QP: what RoCE peers (verbs, perftest) use and NDK
 * lacks: SEND and RDMA WRITE with 32-bit immediate data (IBA 9.4.1/9.4.3.1), and the
 * atomics compare-and-swap and fetch-and-add (IBA 9.4.5). Flags as for ndk_send (INLINE
 * and SEND_AND_SOLICIT_EVENT for the immediate forms; SILENT_SUCCESS, READ_FENCE, DEFER
 * for all). The same inline-error and completion rules as the NDK calls.
 */
#define NDK_EXT_DROCE_VERBS	0x64720002u

/**
 * Completion types (ndk_result_ex.type) beyond NDK's: the atomics' own completions, and
 * receives consumed by a message with immediate data, type_specific holding the
 * immediate value. RECEIVE_WRITE_IMM reports the RDMA WRITE's length in
 * bytes_transferred (the data went where the WRITE said, not into the receive's SGEs).
 */
#define NDK_OP_DROCE_COMPARE_SWAP	0x10001u
#define NDK_OP_DROCE_FETCH_ADD		0x10002u
#define NDK_OP_DROCE_RECEIVE_IMM	0x10003u
#define NDK_OP_DROCE_RECEIVE_WRITE_IMM	0x10004u

/** ndk_register_mr() flag: peers may run atomics on the region (includes local write). */
#define NDK_MR_FLAG_DROCE_REMOTE_ATOMIC	0x10001u

/** NDK_EXT_DROCE_VERBS's dispatch table (ndk_query_extension() on a QP). */
struct droce_verbs_ext {
	/**
	 * SEND carrying imm: the peer's receive completes as NDK_OP_DROCE_RECEIVE_IMM with
	 * imm in type_specific. Completes here as ndk_send() does.
	 *
	 * Context: as ndk_send(): any thread, one poster per initiator queue; never blocks;
	 * runs no callback.
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
	 *   As ndk_send(): SILENT_SUCCESS, READ_FENCE, SEND_AND_SOLICIT_EVENT, INLINE, DEFER.
	 * @param imm
	 *   The immediate data.
	 * @return
	 *   As ndk_send(): 0, -ENOTCONN, -ENOMEM, -EINVAL, -EBADF.
	 */
	int (*send_imm)(struct ndk_qp *qp, void *req_ctx, const struct ndk_sge *sge,
			uint32_t nsge, uint32_t flags, uint32_t imm);
	/**
	 * RDMA WRITE carrying imm: the peer's next receive completes with it (a receive must
	 * be posted there), as NDK_OP_DROCE_RECEIVE_WRITE_IMM with imm in type_specific.
	 * Completes here as ndk_write() does.
	 *
	 * Context: as ndk_send(): any thread, one poster per initiator queue; never blocks;
	 * runs no callback.
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
	 *   SILENT_SUCCESS, READ_FENCE, SEND_AND_SOLICIT_EVENT, INLINE, DEFER.
	 * @param imm
	 *   The immediate data.
	 * @return
	 *   As ndk_write(): 0, -ENOTCONN, -ENOMEM, -EINVAL, -EBADF.
	 */
	int (*write_imm)(struct ndk_qp *qp, void *req_ctx, const struct ndk_sge *sge,
			 uint32_t nsge, uint64_t remote_addr, uint32_t remote_token,
			 uint32_t flags, uint32_t imm);
	/**
	 * If the 8 bytes at remote_addr (8-byte aligned, in a region registered with
	 * NDK_MR_FLAG_DROCE_REMOTE_ATOMIC) equal compare, write swap there; either way the
	 * original value lands in result (one SGE of exactly 8 bytes). Completes on the
	 * initiator CQ as NDK_OP_DROCE_COMPARE_SWAP.
	 *
	 * Context: as ndk_send(): any thread, one poster per initiator queue; never blocks;
	 * runs no callback.
	 *
	 * @param qp
	 *   A connected QP.
	 * @param req_ctx
	 *   Reported as the completion's request_context.
	 * @param result
	 *   One SGE of exactly 8 bytes for the original value.
	 * @param remote_addr
	 *   The peer's address, 8-byte aligned.
	 * @param remote_token
	 *   The peer's remote token.
	 * @param compare
	 *   The value to compare with.
	 * @param swap
	 *   The value written when they are equal.
	 * @param flags
	 *   NDK_OP_FLAG_SILENT_SUCCESS, READ_FENCE, DEFER.
	 * @return
	 *   - 0: queued; one completion follows.
	 *   - -EINVAL: qp or result is NULL; result->length not 8; remote_addr not 8-byte
	 *     aligned; other flags.
	 *   - -ENOTCONN: the QP was never connected, or its close has started.
	 *   - -ENOMEM: the initiator queue is full.
	 *   - -EBADF: qp is not a QP.
	 */
	int (*compare_swap)(struct ndk_qp *qp, void *req_ctx, const struct ndk_sge *result,
			    uint64_t remote_addr, uint32_t remote_token, uint64_t compare,
			    uint64_t swap, uint32_t flags);
	/**
	 * Add add to the 8 bytes at remote_addr (8-byte aligned, in a region registered with
	 * NDK_MR_FLAG_DROCE_REMOTE_ATOMIC); the original value lands in result. Completes
	 * on the initiator CQ as NDK_OP_DROCE_FETCH_ADD.
	 *
	 * Context: as ndk_send(): any thread, one poster per initiator queue; never blocks;
	 * runs no callback.
	 *
	 * @param qp
	 *   A connected QP.
	 * @param req_ctx
	 *   Reported as the completion's request_context.
	 * @param result
	 *   One SGE of exactly 8 bytes for the original value.
	 * @param remote_addr
	 *   The peer's address, 8-byte aligned.
	 * @param remote_token
	 *   The peer's remote token.
	 * @param add
	 *   The value to add (modulo 2^64).
	 * @param flags
	 *   NDK_OP_FLAG_SILENT_SUCCESS, READ_FENCE, DEFER.
	 * @return
	 *   As compare_swap: 0, -EINVAL, -ENOTCONN, -ENOMEM, -EBADF.
	 */
	int (*fetch_add)(struct ndk_qp *qp, void *req_ctx, const struct ndk_sge *result,
			 uint64_t remote_addr, uint32_t remote_token, uint64_t add,
			 uint32_t flags);
};

/**
 * Connector extension, version 1.0: the transport parameters a connection asks for and
 * what it got. rdma_cm users set these with rdma_set_option() and the QP attributes;
 * perftest with -u, --retry_count and -m.
 */
#define NDK_EXT_DROCE_CONN	0x64720003u

struct droce_conn_params {
	uint8_t ack_timeout;		/**< local ACK timeout 4.096 us * 2^n, 1..31; 0 = 14 */
	uint8_t retry_cnt;		/**< transport retries 1..7; 0 = 7 */
	uint8_t rnr_retry;		/**< RNR retries 1..7 (7 = infinite); 0 = 7 */
	uint32_t path_mtu;		/**< at most this path MTU (256..4096); 0 = the port's */
};

/** NDK_EXT_DROCE_CONN's dispatch table (ndk_query_extension() on a connector). */
struct droce_conn_ext {
	/**
	 * Before connect: what the connection asks for. They go in the REQ and the passive
	 * side takes them (IB CM: the REQ carries the path, its ACK timeout and retry
	 * counts), so a connector handed over by a listener refuses them.
	 *
	 * Context: any thread, including an lcore and inside any callback; never blocks
	 * (takes the connection manager's lock briefly); runs no callback.
	 *
	 * @param conn
	 *   A connector from ndk_create_connector(), before ndk_connect().
	 * @param p
	 *   The parameters; 0 in a field means its default.
	 * @return
	 *   - 0: the next connect asks for them.
	 *   - -EINVAL: conn or p is NULL; ack_timeout above 31, retry_cnt or rnr_retry above
	 *     7, path_mtu not 0 or a power of two 256..4096; a listener's connector.
	 *   - -EISCONN: connect was called.
	 *   - -EBADF: conn is not a connector.
	 */
	int (*set_params)(struct ndk_connector *conn, const struct droce_conn_params *p);
	/**
	 * Once the peer's parameters are known (connect completed; a listener's connector):
	 * what the connection uses (path_mtu in bytes).
	 *
	 * Context: any thread, including an lcore and inside any callback; never blocks
	 * (takes the connection manager's lock briefly); runs no callback.
	 *
	 * @param conn
	 *   The connector.
	 * @param p
	 *   Receives the parameters.
	 * @return
	 *   - 0: *p is filled.
	 *   - -EINVAL: conn or p is NULL.
	 *   - -ENOTCONN: the peer has not answered yet (connect not called, resolving the
	 *     peer's address, or the REQ not answered).
	 *   - -EBADF: conn is not a connector.
	 */
	int (*get_params)(struct ndk_connector *conn, struct droce_conn_params *p);
};

#ifdef __cplusplus
}
#endif

#endif /* DROCE_NDK_EXT_H */
