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

struct droce_qp_ext {
	/** The QP's number. */
	uint32_t (*qpn)(struct ndk_qp *qp);
	/**
	 * Connect the QP (RTR, then RTS) to the peer's. Once: a QP that was connected,
	 * flushed or is closing returns -EISCONN / -ENOTCONN.
	 * @return 0; -EINVAL (path MTU, read limits); -EISCONN; -ENOTCONN.
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

struct droce_verbs_ext {
	/** SEND carrying imm. @return as ndk_send(). */
	int (*send_imm)(struct ndk_qp *qp, void *req_ctx, const struct ndk_sge *sge,
			uint32_t nsge, uint32_t flags, uint32_t imm);
	/**
	 * RDMA WRITE carrying imm: the peer's next receive completes with it (a receive must
	 * be posted there). @return as ndk_write().
	 */
	int (*write_imm)(struct ndk_qp *qp, void *req_ctx, const struct ndk_sge *sge,
			 uint32_t nsge, uint64_t remote_addr, uint32_t remote_token,
			 uint32_t flags, uint32_t imm);
	/**
	 * If the 8 bytes at remote_addr (8-byte aligned, in a region registered with
	 * NDK_MR_FLAG_DROCE_REMOTE_ATOMIC) equal compare, write swap there; either way the
	 * original value lands in result (one SGE of exactly 8 bytes).
	 * @return 0; -EINVAL (alignment, result not one 8-byte SGE, flags); -ENOTCONN;
	 *         -ENOMEM (queue full).
	 */
	int (*compare_swap)(struct ndk_qp *qp, void *req_ctx, const struct ndk_sge *result,
			    uint64_t remote_addr, uint32_t remote_token, uint64_t compare,
			    uint64_t swap, uint32_t flags);
	/** Add add to the 8 bytes at remote_addr; the original value lands in result. */
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

struct droce_conn_ext {
	/**
	 * Before connect: what the connection asks for. They go in the REQ and the passive
	 * side takes them (IB CM: the REQ carries the path, its ACK timeout and retry
	 * counts), so a connector handed over by a listener refuses them.
	 * @return 0; -EINVAL (out of range, NULL, a listener's connector); -EISCONN
	 *         (connect was called).
	 */
	int (*set_params)(struct ndk_connector *conn, const struct droce_conn_params *p);
	/**
	 * Once the peer's parameters are known (connect completed; a listener's connector):
	 * what the connection uses.
	 * @return 0; -EINVAL (NULL); -ENOTCONN (not connected yet).
	 */
	int (*get_params)(struct ndk_connector *conn, struct droce_conn_params *p);
};

#ifdef __cplusplus
}
#endif

#endif /* DROCE_NDK_EXT_H */
