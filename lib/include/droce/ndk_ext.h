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

#ifdef __cplusplus
}
#endif

#endif /* DROCE_NDK_EXT_H */
