/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef ROCE_HDR_H
#define ROCE_HDR_H

/*
 * RoCEv2 wire headers (IBA 1.4 chapter 9 transport headers, Annex A17 RoCEv2).
 *
 * Ethernet, 802.1Q, IPv4, IPv6 and UDP use DPDK's definitions (rte_ether.h, rte_ip.h,
 * rte_udp.h); the InfiniBand transport headers are defined here. Every header is packed:
 * on the wire BTH sits at offset 42 (IPv4) or 62 (IPv6), so nothing beyond 2-byte
 * alignment can be assumed. All multi-byte fields are big-endian on the wire; the
 * accessors below take and return host order.
 */

#include <assert.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_udp.h>

#define ROCE_UDP_DPORT		4791	/* IANA RoCEv2 port (Annex A17.2.1) */
#define ROCE_BTH_TVER		0	/* IBA 9.2.5: transport header version */
#define ROCE_DEFAULT_PKEY	0xffff
#define ROCE_GSI_QKEY		0x80010000u	/* IBA 13.4.6.1: QP1 Q_Key */
#define ROCE_ICRC_LEN		4
#define ROCE_PSN_MASK		0xffffffu
#define ROCE_QPN_MASK		0xffffffu
#define ROCE_MSN_MASK		0xffffffu

/* Base Transport Header, IBA 9.2. */
struct roce_bth {
	uint8_t opcode;
	uint8_t flags;		/* SE:1 MigReq:1 PadCnt:2 TVer:4 */
	rte_be16_t pkey;
	rte_be32_t qpn;		/* FECN:1 BECN:1 resv:6 DestQP:24 */
	rte_be32_t apsn;	/* AckReq:1 resv:7 PSN:24 */
} __rte_packed;

#define ROCE_BTH_SE		0x80
#define ROCE_BTH_MIG		0x40
#define ROCE_BTH_PAD_SHIFT	4
#define ROCE_BTH_PAD_MASK	0x30
#define ROCE_BTH_TVER_MASK	0x0f
#define ROCE_BTH_FECN		0x80000000u
#define ROCE_BTH_BECN		0x40000000u
#define ROCE_BTH_RESV6		0x3f000000u
#define ROCE_BTH_ACKREQ		0x80000000u

/* RDMA Extended Transport Header, IBA 9.3.3. */
struct roce_reth {
	rte_be64_t va;
	rte_be32_t rkey;
	rte_be32_t len;
} __rte_packed;

/* ACK Extended Transport Header, IBA 9.3.5: syndrome 8 bits, MSN 24 bits. */
struct roce_aeth {
	rte_be32_t smsn;
} __rte_packed;

/* Atomic Extended Transport Header, IBA 9.3.4. */
struct roce_atmeth {
	rte_be64_t va;
	rte_be32_t rkey;
	rte_be64_t swap_add;
	rte_be64_t compare;
} __rte_packed;

/* Atomic ACK Extended Transport Header, IBA 9.3.6. */
struct roce_atmack {
	rte_be64_t orig;
} __rte_packed;

/* Immediate data, IBA 9.3.7. */
struct roce_immdt {
	rte_be32_t imm;
} __rte_packed;

/* Invalidate Extended Transport Header, IBA 9.3.8. */
struct roce_ieth {
	rte_be32_t rkey;
} __rte_packed;

/* Datagram Extended Transport Header, IBA 9.3.2: Q_Key, resv8, source QP 24 bits. */
struct roce_deth {
	rte_be32_t qkey;
	rte_be32_t sqpn;
} __rte_packed;

/* Flush Extended Transport Header (IBA 1.5 9.3.12): selectivity and placement type. */
struct roce_feth {
	rte_be32_t bits;
} __rte_packed;

/* CNP body after BTH (Annex A17.9.3): 16 reserved bytes. */
struct roce_cnp {
	uint8_t rsvd[16];
} __rte_packed;

static_assert(sizeof(struct rte_ether_hdr) == 14, "Ethernet header is 14 bytes");
static_assert(sizeof(struct rte_vlan_hdr) == 4, "802.1Q tag is 4 bytes");
static_assert(sizeof(struct rte_ipv4_hdr) == 20, "IPv4 header is 20 bytes");
static_assert(sizeof(struct rte_ipv6_hdr) == 40, "IPv6 header is 40 bytes");
static_assert(sizeof(struct rte_udp_hdr) == 8, "UDP header is 8 bytes");
static_assert(sizeof(struct roce_bth) == 12, "BTH is 12 bytes");
static_assert(sizeof(struct roce_reth) == 16, "RETH is 16 bytes");
static_assert(sizeof(struct roce_aeth) == 4, "AETH is 4 bytes");
static_assert(sizeof(struct roce_atmeth) == 28, "AtomicETH is 28 bytes");
static_assert(sizeof(struct roce_atmack) == 8, "AtomicAckETH is 8 bytes");
static_assert(sizeof(struct roce_immdt) == 4, "ImmDt is 4 bytes");
static_assert(sizeof(struct roce_ieth) == 4, "IETH is 4 bytes");
static_assert(sizeof(struct roce_deth) == 8, "DETH is 8 bytes");
static_assert(sizeof(struct roce_feth) == 4, "FETH is 4 bytes");
static_assert(sizeof(struct roce_cnp) == 16, "CNP body is 16 bytes");

/*
 * RFC 1071's one's complement sum of a 20-byte IPv4 header (no options, what droce
 * sends) in five 32-bit loads, folded: rte_raw_cksum()'s generic loop was 40 % of
 * building a header and ~55 instructions of parsing one. The sum does not depend on byte
 * order: a header's checksum field is ~sum over it with the field zero, stored as it is,
 * and a received header is intact when the sum over it is 0xffff.
 */
static inline uint16_t
roce_ipv4_sum20(const void *ip)
{
	uint32_t w[5];
	uint64_t sum;

	memcpy(w, ip, sizeof(w));	/* the header is only 2-byte aligned */
	sum = (uint64_t)w[0] + w[1] + w[2] + w[3] + w[4];
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* BTH accessors. */
static inline uint8_t
roce_bth_padcnt(const struct roce_bth *b)
{
	return (b->flags & ROCE_BTH_PAD_MASK) >> ROCE_BTH_PAD_SHIFT;
}

static inline void
roce_bth_set_padcnt(struct roce_bth *b, uint8_t pad)
{
	b->flags = (b->flags & ~ROCE_BTH_PAD_MASK) | ((pad << ROCE_BTH_PAD_SHIFT) & ROCE_BTH_PAD_MASK);
}

static inline uint8_t
roce_bth_tver(const struct roce_bth *b)
{
	return b->flags & ROCE_BTH_TVER_MASK;
}

static inline void
roce_bth_set_tver(struct roce_bth *b, uint8_t tver)
{
	b->flags = (b->flags & ~ROCE_BTH_TVER_MASK) | (tver & ROCE_BTH_TVER_MASK);
}

static inline bool
roce_bth_se(const struct roce_bth *b)
{
	return (b->flags & ROCE_BTH_SE) != 0;
}

static inline void
roce_bth_set_se(struct roce_bth *b, bool on)
{
	b->flags = on ? (b->flags | ROCE_BTH_SE) : (b->flags & ~ROCE_BTH_SE);
}

static inline bool
roce_bth_migreq(const struct roce_bth *b)
{
	return (b->flags & ROCE_BTH_MIG) != 0;
}

static inline void
roce_bth_set_migreq(struct roce_bth *b, bool on)
{
	b->flags = on ? (b->flags | ROCE_BTH_MIG) : (b->flags & ~ROCE_BTH_MIG);
}

static inline uint32_t
roce_bth_qpn(const struct roce_bth *b)
{
	return rte_be_to_cpu_32(b->qpn) & ROCE_QPN_MASK;
}

static inline void
roce_bth_set_qpn(struct roce_bth *b, uint32_t qpn)
{
	uint32_t v = rte_be_to_cpu_32(b->qpn);

	b->qpn = rte_cpu_to_be_32((v & ~ROCE_QPN_MASK) | (qpn & ROCE_QPN_MASK));
}

static inline bool
roce_bth_fecn(const struct roce_bth *b)
{
	return (rte_be_to_cpu_32(b->qpn) & ROCE_BTH_FECN) != 0;
}

static inline bool
roce_bth_becn(const struct roce_bth *b)
{
	return (rte_be_to_cpu_32(b->qpn) & ROCE_BTH_BECN) != 0;
}

static inline void
roce_bth_set_ecn_bits(struct roce_bth *b, bool fecn, bool becn)
{
	uint32_t v = rte_be_to_cpu_32(b->qpn) & ~(ROCE_BTH_FECN | ROCE_BTH_BECN);

	v |= (fecn ? ROCE_BTH_FECN : 0) | (becn ? ROCE_BTH_BECN : 0);
	b->qpn = rte_cpu_to_be_32(v);
}

static inline uint32_t
roce_bth_psn(const struct roce_bth *b)
{
	return rte_be_to_cpu_32(b->apsn) & ROCE_PSN_MASK;
}

static inline void
roce_bth_set_psn(struct roce_bth *b, uint32_t psn)
{
	uint32_t v = rte_be_to_cpu_32(b->apsn);

	b->apsn = rte_cpu_to_be_32((v & ~ROCE_PSN_MASK) | (psn & ROCE_PSN_MASK));
}

static inline bool
roce_bth_ackreq(const struct roce_bth *b)
{
	return (rte_be_to_cpu_32(b->apsn) & ROCE_BTH_ACKREQ) != 0;
}

static inline void
roce_bth_set_ackreq(struct roce_bth *b, bool on)
{
	uint32_t v = rte_be_to_cpu_32(b->apsn);

	v = on ? (v | ROCE_BTH_ACKREQ) : (v & ~ROCE_BTH_ACKREQ);
	b->apsn = rte_cpu_to_be_32(v);
}

/* AETH accessors, IBA 9.3.5 and table 45 (syndrome encoding). */
#define ROCE_AETH_TYPE_MASK	0x60
#define ROCE_AETH_ACK		0x00	/* low 5 bits: credit count */
#define ROCE_AETH_RNR_NAK	0x20	/* low 5 bits: RNR timer code */
#define ROCE_AETH_NAK		0x60	/* low 5 bits: NAK code */
#define ROCE_AETH_CODE_MASK	0x1f
#define ROCE_AETH_CREDIT_INVALID 0x1f
#define ROCE_NAK_PSN_SEQ	0x00
#define ROCE_NAK_INVALID_REQ	0x01
#define ROCE_NAK_REMOTE_ACCESS	0x02
#define ROCE_NAK_REMOTE_OP	0x03
#define ROCE_NAK_INVALID_RD	0x04

static inline uint8_t
roce_aeth_syndrome(const struct roce_aeth *a)
{
	return rte_be_to_cpu_32(a->smsn) >> 24;
}

static inline uint32_t
roce_aeth_msn(const struct roce_aeth *a)
{
	return rte_be_to_cpu_32(a->smsn) & ROCE_MSN_MASK;
}

static inline void
roce_aeth_set(struct roce_aeth *a, uint8_t syndrome, uint32_t msn)
{
	a->smsn = rte_cpu_to_be_32(((uint32_t)syndrome << 24) | (msn & ROCE_MSN_MASK));
}

/* DETH source QP accessors (the top byte is reserved). */
static inline uint32_t
roce_deth_sqpn(const struct roce_deth *d)
{
	return rte_be_to_cpu_32(d->sqpn) & ROCE_QPN_MASK;
}

static inline void
roce_deth_set_sqpn(struct roce_deth *d, uint32_t sqpn)
{
	d->sqpn = rte_cpu_to_be_32(sqpn & ROCE_QPN_MASK);
}

#endif /* ROCE_HDR_H */
