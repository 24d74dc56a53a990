/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef ROCE_PKT_H
#define ROCE_PKT_H

/*
 * A RoCEv2 packet in host-order fields: what roce_parse() fills in from a frame and what
 * roce_build() turns into one. IPv4 addresses are held as IPv4-mapped IPv6 addresses
 * (::ffff:a.b.c.d), the form RoCEv2 GIDs take (Annex A17.4.5.1).
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>

#include "roce_opcode.h"

struct roce_icrc_cache;

struct rte_mbuf;

/* Why a frame was rejected; each reason has a counter. Keep roce_drop_names in step. */
enum roce_drop {
	ROCE_DROP_TRUNC_L2,		/* shorter than Ethernet (+802.1Q) header */
	ROCE_DROP_NOT_IP,		/* EtherType neither IPv4 nor IPv6 */
	ROCE_DROP_TRUNC_L3,		/* shorter than the IP header or its total length */
	ROCE_DROP_IP_VERSION,		/* version nibble disagrees with the EtherType */
	ROCE_DROP_IP_HDR_LEN,		/* IPv4 IHL below 5 */
	ROCE_DROP_IP_CSUM,		/* IPv4 header checksum wrong */
	ROCE_DROP_IP_FRAG,		/* IPv4 fragment (RoCEv2 sets DF and never fragments) */
	ROCE_DROP_NOT_UDP,		/* IP protocol or IPv6 next header is not UDP */
	ROCE_DROP_TOO_LONG,		/* IP packet longer than the port MTU */
	ROCE_DROP_TRUNC_L4,		/* shorter than the UDP header */
	ROCE_DROP_UDP_LEN,		/* UDP length disagrees with the IP length */
	ROCE_DROP_UDP_PORT,		/* UDP destination port is not 4791 */
	ROCE_DROP_TRUNC_BTH,		/* shorter than BTH + ICRC */
	ROCE_DROP_ICRC,			/* invariant CRC wrong */
	ROCE_DROP_TVER,			/* BTH transport header version not 0 */
	ROCE_DROP_OPCODE,		/* unknown or reserved opcode */
	ROCE_DROP_TRUNC_EXT,		/* shorter than the opcode's extension headers */
	ROCE_DROP_PAD,			/* pad count larger than the payload */
	ROCE_DROP_PAYLOAD,		/* payload on an opcode that carries none, or an
					 * ATOMIC WRITE payload that is not 8 bytes */
	ROCE_DROP_MAX
};

extern const char *const roce_drop_names[ROCE_DROP_MAX];

struct roce_rx_stats {
	uint64_t ok;
	uint64_t drop[ROCE_DROP_MAX];
};

struct roce_pkt {
	/* Ethernet */
	struct rte_ether_addr dmac;
	struct rte_ether_addr smac;
	bool vlan;
	uint16_t vlan_tci;

	/* IP: RoCEv2 over IPv4 when !ipv6 (addresses IPv4-mapped) */
	bool ipv6;
	uint8_t sip[16];
	uint8_t dip[16];
	uint8_t tclass;			/* IPv4 TOS or IPv6 traffic class (DSCP + ECN) */
	uint8_t hop_limit;		/* IPv4 TTL or IPv6 hop limit */
	uint32_t flow_label;		/* IPv6 only */
	uint16_t sport;			/* UDP source port (flow entropy) */

	/* BTH */
	uint8_t opcode;
	bool se;
	bool migreq;
	bool fecn;
	bool becn;
	bool ackreq;
	uint8_t padcnt;			/* parse output; the builder derives it */
	uint8_t tver;
	uint16_t pkey;
	uint32_t dqpn;
	uint32_t psn;

	/* Extension headers, meaningful when the opcode carries them */
	struct {
		uint64_t va;
		uint32_t rkey;
		uint32_t len;
	} reth;
	struct {
		uint8_t syndrome;
		uint32_t msn;
	} aeth;
	struct {
		uint64_t va;
		uint32_t rkey;
		uint64_t swap_add;
		uint64_t compare;
	} atomic;
	uint64_t atomic_orig;		/* AtomicAckETH */
	uint32_t imm;			/* ImmDt, kept in wire (big-endian) byte order as verbs do */
	uint32_t inv_rkey;		/* IETH */
	struct {
		uint32_t qkey;
		uint32_t sqpn;
	} deth;
	uint32_t feth;

	/* Layout: set by roce_parse(), and by roce_build_hdr() from payload_len */
	uint32_t payload_len;		/* payload bytes, pad and ICRC excluded */
	uint16_t l3_off;
	uint16_t l4_off;
	uint16_t bth_off;
	uint16_t payload_off;
	uint32_t frame_len;		/* Ethernet header to ICRC inclusive */
	const struct roce_opcode_info *op;
};

/* Parse context: what the receiving port accepts. */
struct roce_parse_ctx {
	uint32_t mtu;			/* largest IP packet accepted (port MTU) */
	bool verify_icrc;		/* false only for tests that inspect raw fields */
	struct roce_icrc_cache *icrc_cache;	/* NULL: none; else used by one thread */
};

/*
 * Parse and validate one frame held in (possibly chained) mbuf m. Headers up to the
 * extension headers are read with rte_pktmbuf_read(), so they may span segments.
 * Returns 0 and fills *p (counting st->ok), or -EBADMSG after counting the reason in
 * st->drop[] and storing it in *reason. st and reason may be NULL. Never reads outside
 * the frame, whatever it holds.
 */
int roce_parse_mbuf(const struct rte_mbuf *m, const struct roce_parse_ctx *ctx,
		    struct roce_pkt *p, struct roce_rx_stats *st, enum roce_drop *reason);

/* The same on a contiguous frame buffer (tests, tools, pcap files). */
int roce_parse_buf(const uint8_t *frame, uint32_t len, const struct roce_parse_ctx *ctx,
		   struct roce_pkt *p, struct roce_rx_stats *st, enum roce_drop *reason);

/*
 * Write the Ethernet, IP, UDP, BTH and extension headers for p into buf. Lengths, pad
 * count and the IPv4 checksum follow from p->payload_len; p's layout fields are set.
 * Returns the header length (the payload offset) or -EINVAL (unknown opcode, payload on an
 * opcode without one) / -ENOSPC (cap too small).
 */
int roce_build_hdr(uint8_t *buf, uint32_t cap, struct roce_pkt *p);

/*
 * The Ethernet, IP and UDP headers every packet of one path shares (an RC QP's), as
 * roce_build_hdr() writes them for an IP length of 0 (the IPv4 checksum is taken with
 * that; the UDP and IPv6 lengths are meaningless until patched): a packet's headers are
 * then a copy and the patched lengths (over IPv4, the checksum updated for its length).
 */
#define ROCE_TMPL_MAX	(RTE_ETHER_HDR_LEN + 4 + 40 + 8)	/* 802.1Q, IPv6, UDP */

struct roce_hdr_tmpl {
	uint8_t hdr[ROCE_TMPL_MAX];
	uint8_t len;			/* bytes of hdr in use */
	uint8_t l3_off;
	bool ipv6;
	uint16_t cksum0;		/* IPv4 header checksum with total length 0 */
};

/*
 * Fill t from p's Ethernet, IP and UDP fields (dmac to sport). Returns 0, or -EINVAL as
 * roce_build_hdr() for addresses of the wrong family.
 */
int roce_tmpl_init(struct roce_hdr_tmpl *t, const struct roce_pkt *p);

/*
 * roce_build_hdr() with the Ethernet, IP and UDP headers from t instead of p's fields
 * (p->vlan and p->ipv6 are taken from t): the same bytes, the same returns.
 */
int roce_build_hdr_tmpl(uint8_t *buf, uint32_t cap, const struct roce_hdr_tmpl *t,
			struct roce_pkt *p);

/*
 * Build a whole frame into buf: headers, payload_len bytes from payload, zero pad and
 * ICRC. Returns the frame length or a negative errno as roce_build_hdr().
 */
int roce_build(uint8_t *buf, uint32_t cap, struct roce_pkt *p, const void *payload);

/*
 * Finish a frame in an mbuf chain whose first bytes were written by roce_build_hdr() and
 * whose payload follows (in any number of segments): append pad and ICRC to the last
 * segment and compute the ICRC over the chain. Returns 0, or -ENOSPC if the last segment
 * has no tailroom, -EINVAL if the chain length disagrees with p.
 */
int roce_build_finish_mbuf(struct rte_mbuf *m, const struct roce_pkt *p);

/*
 * roce_build_finish_mbuf() without the ICRC: pad appended and zeroed, the ICRC field
 * appended and left for the caller to fill (roce_build_icrc_mbuf(), later: a CRC over
 * bytes just stored waits for the stores, one over bytes stored a while ago does not).
 * The same returns.
 */
int roce_build_pad_mbuf(struct rte_mbuf *m, const struct roce_pkt *p);

/*
 * Fill the ICRC field of a contiguous frame finished by roce_build_pad_mbuf(), whose IP
 * header is at l3_off, through cache c (roce_icrc.h).
 */
void roce_build_icrc_mbuf(struct rte_mbuf *m, uint32_t l3_off, struct roce_icrc_cache *c);

/* IPv4-mapped IPv6 helpers. */
void roce_ipv4_to_mapped(uint8_t mapped[16], rte_be32_t ip);
bool roce_addr_is_v4mapped(const uint8_t a[16]);

#endif /* ROCE_PKT_H */
