/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CM_MAD_H
#define CM_MAD_H

/*
 * InfiniBand Communication Management MADs (IBA 1.4 chapter 12), the wire codec.
 *
 * The CM talks over QP1 (GSI, UD, Q_Key 0x80010000) in 256-byte MADs: the 24-byte MAD
 * common header (IBA 13.4, MAD format) followed by a 232-byte CM message. This file turns
 * the connection messages rdma_cm uses (REQ, MRA, REJ, REP, RTU, DREQ, DREP) into
 * host-order structs and back, and handles rdma_cm's own header at the start of REQ
 * private data.
 *
 * Pure functions on plain buffers: no EAL, no engine, no allocation. Every function may be
 * called from any thread and never blocks. Field placement follows the IBA message tables
 * as Linux encodes them (include/rdma/ibta_vol1_c12.h); Wireshark agrees except that 4.0
 * misreads the REQ path flow label and packet rate (tests/oracle/test_tshark_cm.py).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CM_MAD_SIZE		256
#define CM_MAD_HDR_SIZE		24
#define CM_MSG_SIZE		(CM_MAD_SIZE - CM_MAD_HDR_SIZE)
#define CM_GSI_QPN		1
#define CM_GSI_QKEY		0x80010000u	/* IBA 13.4.6.1: QP1 Q_Key */
#define CM_BASE_VERSION		1
#define CM_MGMT_CLASS		0x07
#define CM_CLASS_VERSION	2
#define CM_METHOD_SEND		0x03	/* the only method of the connection messages */

/* CM attribute IDs (IBA 12.6, Linux cm_msgs.h). cm_mad_build()/parse() handle REQ..DREP. */
enum cm_attr {
	CM_ATTR_CLASS_PORT_INFO	= 0x0001,
	CM_ATTR_REQ		= 0x0010,
	CM_ATTR_MRA		= 0x0011,
	CM_ATTR_REJ		= 0x0012,
	CM_ATTR_REP		= 0x0013,
	CM_ATTR_RTU		= 0x0014,
	CM_ATTR_DREQ		= 0x0015,
	CM_ATTR_DREP		= 0x0016,
	CM_ATTR_SIDR_REQ	= 0x0017,
	CM_ATTR_SIDR_REP	= 0x0018,
	CM_ATTR_LAP		= 0x0019,
	CM_ATTR_APR		= 0x001a,
};

/* Private data sizes: what is left of the 232-byte message (IBA 12.6, Linux ib_cm.h). */
#define CM_REQ_PDATA		92
#define CM_MRA_PDATA		222
#define CM_REJ_PDATA		148
#define CM_REP_PDATA		196
#define CM_RTU_PDATA		224
#define CM_DREQ_PDATA		220
#define CM_DREP_PDATA		224
#define CM_REJ_ARI		72	/* Additional Rejection Information */

/* REQ Transport Service Type (2 bits); EXT defers to the Extended Transport Type. */
#define CM_QPT_RC		0
#define CM_QPT_UC		1
#define CM_QPT_RD		2
#define CM_QPT_EXT		3
#define CM_EXT_XRC		1	/* the only extended transport defined */

/* Path MTU, the IB enum (IBA 9.4 / ibv_mtu): 1 = 256 .. 5 = 4096; 0 and 6-15 reserved. */
#define CM_MTU_256		1
#define CM_MTU_4096		5

/* REJ Message REJected and MRA Message MRAed (2 bits); 3 is reserved in both. */
#define CM_MSG_REQ		0
#define CM_MSG_REP		1
#define CM_MSG_OTHER		2	/* REJ: not a REQ or REP (e.g. a timeout) */
#define CM_MSG_LAP		2	/* MRA */

/* REJ reasons (IBA 12.6.7, the rejection reason table; Linux enum ib_cm_rej_reason). */
enum cm_rej_reason {
	CM_REJ_NO_QP			= 1,
	CM_REJ_NO_EEC			= 2,
	CM_REJ_NO_RESOURCES		= 3,
	CM_REJ_TIMEOUT			= 4,
	CM_REJ_UNSUPPORTED		= 5,
	CM_REJ_INVALID_COMM_ID		= 6,
	CM_REJ_INVALID_COMM_INSTANCE	= 7,
	CM_REJ_INVALID_SERVICE_ID	= 8,
	CM_REJ_INVALID_TRANSPORT_TYPE	= 9,
	CM_REJ_STALE_CONN		= 10,
	CM_REJ_RDC_NOT_EXIST		= 11,
	CM_REJ_INVALID_GID		= 12,
	CM_REJ_INVALID_LID		= 13,
	CM_REJ_INVALID_SL		= 14,
	CM_REJ_INVALID_TRAFFIC_CLASS	= 15,
	CM_REJ_INVALID_HOP_LIMIT	= 16,
	CM_REJ_INVALID_PACKET_RATE	= 17,
	CM_REJ_INVALID_ALT_GID		= 18,
	CM_REJ_INVALID_ALT_LID		= 19,
	CM_REJ_INVALID_ALT_SL		= 20,
	CM_REJ_INVALID_ALT_TRAFFIC_CLASS = 21,
	CM_REJ_INVALID_ALT_HOP_LIMIT	= 22,
	CM_REJ_INVALID_ALT_PACKET_RATE	= 23,
	CM_REJ_PORT_CM_REDIRECT		= 24,
	CM_REJ_PORT_REDIRECT		= 25,
	CM_REJ_INVALID_MTU		= 26,
	CM_REJ_INSUFFICIENT_RESP_RESOURCES = 27,
	CM_REJ_CONSUMER_DEFINED		= 28,
	CM_REJ_INVALID_RNR_RETRY	= 29,
	CM_REJ_DUPLICATE_LOCAL_COMM_ID	= 30,
	CM_REJ_INVALID_CLASS_VERSION	= 31,
	CM_REJ_INVALID_FLOW_LABEL	= 32,
	CM_REJ_INVALID_ALT_FLOW_LABEL	= 33,
	CM_REJ_VENDOR_OPTION_NOT_SUPPORTED = 35,
};

/*
 * A REQ path (44 bytes on the wire). On RoCE the GIDs are the IP addresses (IPv4 as
 * ::ffff:a.b.c.d) and rdma_cm puts 0xffff in both LIDs. Widths: flow_label 20 bits,
 * packet_rate 6, sl 4, subnet_local 1, local_ack_timeout 5.
 */
struct cm_path {
	uint16_t slid;			/* Local Port LID */
	uint16_t dlid;			/* Remote Port LID */
	uint8_t sgid[16];		/* Local Port GID */
	uint8_t dgid[16];		/* Remote Port GID */
	uint32_t flow_label;
	uint8_t packet_rate;
	uint8_t tclass;
	uint8_t hop_limit;
	uint8_t sl;
	uint8_t subnet_local;
	uint8_t local_ack_timeout;
};

/* REQ, IBA 12.6.5. Widths where not the type's: the comment after the field. */
struct cm_req {
	uint32_t local_comm_id;
	uint64_t service_id;
	uint64_t local_ca_guid;
	uint32_t local_qkey;
	uint32_t local_qpn;		/* 24 */
	uint8_t resp_resources;
	uint8_t init_depth;
	uint8_t remote_cm_timeout;	/* 5 */
	uint8_t qp_type;		/* 2: CM_QPT_* */
	uint8_t flow_ctrl;		/* 1: end-to-end flow control */
	uint32_t starting_psn;		/* 24 */
	uint8_t local_cm_timeout;	/* 5 */
	uint8_t retry_count;		/* 3 */
	uint16_t pkey;
	uint8_t path_mtu;		/* 4: CM_MTU_* */
	uint8_t rdc_exists;		/* 1 */
	uint8_t rnr_retry_count;	/* 3 */
	uint8_t max_cm_retries;		/* 4 */
	uint8_t srq;			/* 1 */
	uint8_t ext_transport;		/* 3: CM_EXT_* when qp_type is CM_QPT_EXT */
	struct cm_path primary;
	bool has_alt;			/* the alternate path's local LID is not zero */
	struct cm_path alt;
	uint8_t pdata[CM_REQ_PDATA];
};

/* REP, IBA 12.6.8. */
struct cm_rep {
	uint32_t local_comm_id;
	uint32_t remote_comm_id;
	uint32_t local_qkey;
	uint32_t local_qpn;		/* 24 */
	uint32_t local_eecn;		/* 24 */
	uint32_t starting_psn;		/* 24 */
	uint8_t resp_resources;
	uint8_t init_depth;
	uint8_t target_ack_delay;	/* 5 */
	uint8_t failover_accepted;	/* 2 */
	uint8_t flow_ctrl;		/* 1 */
	uint8_t rnr_retry_count;	/* 3 */
	uint8_t srq;			/* 1 */
	uint64_t local_ca_guid;
	uint8_t pdata[CM_REP_PDATA];
};

/* RTU, IBA 12.6.9. */
struct cm_rtu {
	uint32_t local_comm_id;
	uint32_t remote_comm_id;
	uint8_t pdata[CM_RTU_PDATA];
};

/* REJ, IBA 12.6.7. Only the first ari_len bytes of ari travel; the rest read back zero. */
struct cm_rej {
	uint32_t local_comm_id;
	uint32_t remote_comm_id;
	uint8_t msg_rejected;		/* 2: CM_MSG_REQ, CM_MSG_REP or CM_MSG_OTHER */
	uint8_t ari_len;		/* 7, at most CM_REJ_ARI */
	uint16_t reason;		/* enum cm_rej_reason */
	uint8_t ari[CM_REJ_ARI];
	uint8_t pdata[CM_REJ_PDATA];
};

/* MRA, IBA 12.6.6. */
struct cm_mra {
	uint32_t local_comm_id;
	uint32_t remote_comm_id;
	uint8_t msg_mraed;		/* 2: CM_MSG_REQ, CM_MSG_REP or CM_MSG_LAP */
	uint8_t service_timeout;	/* 5 */
	uint8_t pdata[CM_MRA_PDATA];
};

/* DREQ, IBA 12.6.10. */
struct cm_dreq {
	uint32_t local_comm_id;
	uint32_t remote_comm_id;
	uint32_t remote_qpn;		/* 24: Remote QPN/EECN */
	uint8_t pdata[CM_DREQ_PDATA];
};

/* DREP, IBA 12.6.11. */
struct cm_drep {
	uint32_t local_comm_id;
	uint32_t remote_comm_id;
	uint8_t pdata[CM_DREP_PDATA];
};

/* A CM MAD in host order: the common header fields that vary, then the message. */
struct cm_mad {
	uint8_t method;			/* CM_METHOD_SEND */
	uint16_t status;
	uint64_t tid;			/* Transaction ID, a big-endian number on the wire */
	uint16_t attr_id;		/* enum cm_attr: selects the union member */
	uint32_t attr_mod;
	union {
		struct cm_req req;
		struct cm_rep rep;
		struct cm_rtu rtu;
		struct cm_rej rej;
		struct cm_mra mra;
		struct cm_dreq dreq;
		struct cm_drep drep;
	};
};

/*
 * Encode m into out: the MAD common header (base version 1, class 0x07, class version 2,
 * class-specific 0) and the message m->attr_id selects. Reserved fields, and the alternate
 * path of a REQ without one, are written as zero.
 *
 * @param m	the message; only the union member of m->attr_id is read
 * @param out	CM_MAD_SIZE bytes
 * @return CM_MAD_SIZE, or -EINVAL with out zeroed: attribute not one of REQ..DREP, method
 *	not Send, a field wider than its wire width (QPN or PSN >= 2^24, retry count > 7, ...),
 *	a reserved encoding (REQ transport type CM_QPT_EXT without CM_EXT_XRC, REQ path MTU
 *	outside 1..5, REJ/MRA message 3, REJ ari_len > CM_REJ_ARI), or a REQ with has_alt
 *	and a zero alternate local LID (which would read back as no alternate path).
 */
int cm_mad_build(const struct cm_mad *m, uint8_t out[CM_MAD_SIZE]);

/*
 * Decode the CM MAD in buf (bytes past CM_MAD_SIZE are ignored).
 *
 * @param buf	the MAD, as received on QP1 (the UD payload after the DETH)
 * @param len	bytes at buf
 * @param m	filled in; zeroed first
 * @return 0;
 *	-EINVAL when len < CM_MAD_SIZE, the base version is not 1, the class not 0x07 or
 *	the class version not 2 (m untouched), or the attribute is not one of REQ..DREP
 *	(m holds the header fields, so the caller sees m->attr_id);
 *	-EPROTO for a malformed message: method not Send (connection messages only travel
 *	as Send; Linux ib_mad drops CM MADs with another method), a REQ with a reserved
 *	transport type or path MTU, a REJ or MRA naming message 3, a REJ ari_len above
 *	CM_REJ_ARI. m then holds every field as decoded (the communication IDs included),
 *	so the caller may answer with a REJ (CM_REJ_INVALID_TRANSPORT_TYPE,
 *	CM_REJ_INVALID_MTU, ...) or drop it.
 */
int cm_mad_parse(const uint8_t *buf, size_t len, struct cm_mad *m);

/* "REQ", "REP", ..., "ClassPortInfo", or "unknown": a name for logs. Never NULL. */
const char *cm_attr_name(uint16_t attr_id);

/*
 * rdma_cm's header at the start of REQ private data (Linux cma.c struct cma_hdr; IBA
 * Annex A11 IP CM service): cma_version 0, IP version in bits 7:4 of the second byte,
 * the source port, then the source and destination addresses, 16 bytes each. IPv4
 * addresses take the last 4 bytes of their 16 with the 12 before them zero. droce holds
 * every address as 16 bytes, IPv4 as ::ffff:a.b.c.d. The ULP's private data follows.
 */
#define CMA_HDR_SIZE		36
#define CMA_VERSION		0x00
#define CMA_PS_TCP_SID		0x0000000001060000ull	/* RDMA_PS_TCP service IDs */
#define CMA_SID_MASK		0xffffffffffff0000ull	/* the port space part */

/*
 * Write the header for a connection from src:src_port to dst.
 *
 * @return CMA_HDR_SIZE, or -EINVAL if one address is IPv4-mapped and the other is not.
 */
int cma_hdr_build(uint8_t pdata[CMA_HDR_SIZE], const uint8_t src[16], const uint8_t dst[16],
		  uint16_t src_port);

/*
 * Read the header at the start of REQ private data.
 *
 * @param src, dst	16 bytes each; IPv4 addresses come back as ::ffff:a.b.c.d
 * @return 0, or -EINVAL when len < CMA_HDR_SIZE, cma_version is not 0 or the IP version
 *	is neither 4 nor 6 (outputs untouched).
 */
int cma_hdr_parse(const uint8_t *pdata, size_t len, uint8_t src[16], uint8_t dst[16],
		  uint16_t *src_port);

/* The REQ service ID rdma_cm uses for a TCP port-space listener on port. */
static inline uint64_t
cma_service_id(uint16_t port)
{
	return CMA_PS_TCP_SID | port;
}

#endif /* CM_MAD_H */
