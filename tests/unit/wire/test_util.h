/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TEST_UTIL_H
#define TEST_UTIL_H

/*
 * Helpers shared by the RoCEv2 codec unit tests: a cheap assertion for hot loops, a seeded
 * PRNG, fake mbuf chains that need neither EAL nor a mempool, a roce_pkt with every field
 * set, fix-ups that keep a deliberately edited frame otherwise valid, and frames captured
 * from Linux rxe.
 */

#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ip.h>
#include <rte_mbuf.h>

#include "check_run.h"
#include "roce_hdr.h"
#include "roce_icrc.h"
#include "roce_opcode.h"
#include "roce_pkt.h"

/*
 * ck_assert() records its location (a write to Check's pipe) on every success; loops that
 * assert hundreds of thousands of times use this instead, which costs nothing unless it fails.
 */
#define TEST_REQUIRE(cond, ...) do { \
	if (!(cond)) \
		ck_abort_msg(__VA_ARGS__); \
} while (0)

#define TEST_FRAME_MAX	8192

/* DPDK 22.11's RTE_IPV4() shifts an int (UB for a >= 128 under UBSan); this one does not. */
#define TEST_IPV4_BE(a, b, c, d) RTE_BE32((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | \
					  (uint32_t)(c) << 8 | (uint32_t)(d))

/* Accepts every frame roce_build() makes in these tests (IP packets up to ~4.2 KB). */
static const struct roce_parse_ctx test_ctx = { .mtu = 9000, .verify_icrc = true };
static const struct roce_parse_ctx test_ctx_nocrc = { .mtu = 9000, .verify_icrc = false };

/* xorshift64*: fixed seeds keep every run identical. */
static inline uint32_t
test_rand(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return (uint32_t)((*s * 0x2545f4914f6cdd1dull) >> 32);
}

static inline void
test_fill_payload(uint8_t *buf, uint32_t len, uint32_t seed)
{
	uint32_t i;

	for (i = 0; i < len; i++)
		buf[i] = (uint8_t)(seed * 31 + i * 7 + (i >> 8));
}

/*
 * Fake mbuf chain: each segment's data lives in its own heap buffer holding exactly its
 * headroom, data_len and tailroom bytes, so a read past a segment shows up under ASan.
 * Segments get 0, 2 or 4 bytes of 0x5a headroom (data_off), so code that ignores data_off
 * reads garbage. rte_pktmbuf_read(), rte_pktmbuf_mtod() and rte_pktmbuf_append() work on
 * these without EAL.
 */
#define TEST_SEGS_MAX	192

struct test_chain {
	unsigned int n;
	struct rte_mbuf seg[TEST_SEGS_MAX];
	uint8_t *buf[TEST_SEGS_MAX];
};

/* Split frame[0..len) at the ascending offsets cuts[]; the last segment gets tailroom. */
static inline struct rte_mbuf *
test_chain_init(struct test_chain *c, const uint8_t *frame, uint32_t len,
		const uint32_t *cuts, unsigned int ncuts, uint16_t tailroom)
{
	uint32_t start = 0, end;
	unsigned int i;

	ck_assert_uint_lt(ncuts, TEST_SEGS_MAX);
	c->n = ncuts + 1;
	for (i = 0; i < c->n; i++) {
		struct rte_mbuf *m = &c->seg[i];
		uint16_t room = i == ncuts ? tailroom : 0;
		uint16_t head = 2 * (i % 3);

		end = i < ncuts ? cuts[i] : len;
		ck_assert_uint_le(start, end);
		memset(m, 0, sizeof(*m));
		c->buf[i] = malloc(RTE_MAX(head + end - start + room, 1u));
		ck_assert_ptr_nonnull(c->buf[i]);
		memset(c->buf[i], 0x5a, head);
		if (end > start)
			memcpy(c->buf[i] + head, frame + start, end - start);
		m->buf_addr = c->buf[i];
		m->buf_len = (uint16_t)(head + end - start + room);
		m->data_off = head;
		m->data_len = (uint16_t)(end - start);
		m->nb_segs = 1;
		m->next = i + 1 < c->n ? &c->seg[i + 1] : NULL;
		start = end;
	}
	c->seg[0].nb_segs = (uint16_t)c->n;
	c->seg[0].pkt_len = len;
	return &c->seg[0];
}

static inline void
test_chain_free(struct test_chain *c)
{
	unsigned int i;

	for (i = 0; i < c->n; i++)
		free(c->buf[i]);
	c->n = 0;
}

/* Copy the chain's bytes into out; returns how many were copied. */
static inline uint32_t
test_chain_linear(const struct rte_mbuf *m, uint8_t *out, uint32_t cap)
{
	uint32_t n = 0;

	for (; m != NULL; m = m->next) {
		ck_assert_uint_le(n + m->data_len, cap);
		memcpy(out + n, rte_pktmbuf_mtod(m, const uint8_t *), m->data_len);
		n += m->data_len;
	}
	return n;
}

/* A packet with every field set to a distinctive value that fits its wire width. */
static inline void
test_pkt_fill(struct roce_pkt *p, uint8_t opcode, bool ipv6, bool vlan, uint32_t payload_len)
{
	static const uint8_t sip6[16] = { 0xfe, 0x80, 0, 0, 0, 0, 0, 0,
					  0x02, 0x11, 0x22, 0xff, 0xfe, 0x33, 0x44, 0x55 };
	static const uint8_t dip6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0xaa, 0xbb, 0, 0,
					  0, 0, 0, 0, 0, 0, 0x01, 0x02 };
	static const struct rte_ether_addr dmac = {{ 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 }};
	static const struct rte_ether_addr smac = {{ 0x02, 0x66, 0x77, 0x88, 0x99, 0xaa }};

	memset(p, 0, sizeof(*p));
	p->dmac = dmac;
	p->smac = smac;
	p->vlan = vlan;
	p->vlan_tci = vlan ? 0xb123 : 0;	/* PCP 5, DEI 1, VID 0x123 */
	p->ipv6 = ipv6;
	if (ipv6) {
		memcpy(p->sip, sip6, 16);
		memcpy(p->dip, dip6, 16);
		p->flow_label = 0xabcde;
	} else {
		roce_ipv4_to_mapped(p->sip, TEST_IPV4_BE(192, 168, 77, 11));
		roce_ipv4_to_mapped(p->dip, TEST_IPV4_BE(10, 200, 1, 254));
	}
	p->tclass = 0x6b;
	p->hop_limit = 0x3f;
	p->sport = 0xc0de;
	p->opcode = opcode;
	p->se = true;
	p->migreq = true;
	p->fecn = true;
	p->becn = true;
	p->ackreq = true;
	p->pkey = 0x8001;
	p->dqpn = 0xabcdef;
	p->psn = 0xfedcba;
	p->reth.va = 0x0123456789abcdefull;
	p->reth.rkey = 0x11223344;
	p->reth.len = 0x55667788;
	p->aeth.syndrome = 0x61;
	p->aeth.msn = 0x123456;
	p->atomic.va = 0x8877665544332211ull;
	p->atomic.rkey = 0x99aabbcc;
	p->atomic.swap_add = 0xf0e1d2c3b4a59687ull;
	p->atomic.compare = 0x0102030405060708ull;
	p->atomic_orig = 0xcafebabedeadbeefull;
	p->imm = RTE_BE32(0xdeadbeef);
	p->inv_rkey = 0x5a5aa5a5;
	p->deth.qkey = 0x80010000;
	p->deth.sqpn = 0x654321;
	p->feth = 0x00000321;
	p->payload_len = payload_len;
}

/* Build a frame for p with a payload pattern; asserts success and returns the length. */
static inline uint32_t
test_build(uint8_t *buf, uint32_t cap, struct roce_pkt *p, uint8_t *payload_out)
{
	static uint8_t payload[TEST_FRAME_MAX];
	int n;

	test_fill_payload(payload, p->payload_len, p->opcode);
	n = roce_build(buf, cap, p, payload);
	ck_assert_msg(n > 0, "roce_build(op 0x%02x) = %d", p->opcode, n);
	if (payload_out != NULL)
		memcpy(payload_out, payload, p->payload_len);
	return (uint32_t)n;
}

/* Fill p, then build; returns the frame length. */
static inline uint32_t
test_make(uint8_t *buf, struct roce_pkt *p, uint8_t opcode, bool ipv6, bool vlan,
	  uint32_t payload_len)
{
	test_pkt_fill(p, opcode, ipv6, vlan, payload_len);
	return test_build(buf, TEST_FRAME_MAX, p, NULL);
}

static inline uint32_t
test_l4_off(const uint8_t *f, uint32_t l3_off)
{
	if ((f[l3_off] >> 4) == 6)
		return l3_off + sizeof(struct rte_ipv6_hdr);
	return l3_off + (f[l3_off] & 0x0f) * 4u;
}

static inline void
test_fix_ipv4_csum(uint8_t *f, uint32_t l3_off)
{
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(f + l3_off);

	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
}

/* Make the IP packet ip_len bytes long: IP length, UDP length and IPv4 checksum. */
static inline void
test_set_ip_len(uint8_t *f, uint32_t l3_off, uint32_t ip_len)
{
	uint32_t l4 = test_l4_off(f, l3_off);
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(f + l4);

	if ((f[l3_off] >> 4) == 6) {
		struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)(f + l3_off);

		ip->payload_len = rte_cpu_to_be_16(ip_len - sizeof(*ip));
	} else {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(f + l3_off);

		ip->total_length = rte_cpu_to_be_16(ip_len);
		test_fix_ipv4_csum(f, l3_off);
	}
	udp->dgram_len = rte_cpu_to_be_16(ip_len - (l4 - l3_off));
}

/* Recompute the ICRC of the IP packet that ends (ICRC included) at frame_len. */
static inline void
test_fix_icrc(uint8_t *f, uint32_t l3_off, uint32_t frame_len)
{
	uint32_t at = frame_len - ROCE_ICRC_LEN;

	roce_icrc_put(f + at, roce_icrc_buf(f + l3_off, at - l3_off));
}

/* A frame being crafted: its bytes, length and the packet it was built from. */
struct test_frame {
	uint8_t b[TEST_FRAME_MAX];
	uint32_t len;
	struct roce_pkt p;
};

static inline const char *
test_drop_name(enum roce_drop r)
{
	return r < ROCE_DROP_MAX ? roce_drop_names[r] : "(none)";
}

static inline void
test_frame_make(struct test_frame *f, uint8_t op, bool v6, bool vlan, uint32_t plen)
{
	f->len = test_make(f->b, &f->p, op, v6, vlan, plen);
}

/* Make the IP packet end (ICRC included) at new_len: IP/UDP lengths, checksum, ICRC. */
static inline void
test_frame_resize(struct test_frame *f, uint32_t new_len)
{
	f->len = new_len;
	test_set_ip_len(f->b, f->p.l3_off, new_len - f->p.l3_off);
	test_fix_icrc(f->b, f->p.l3_off, new_len);
}

/* After editing header bytes: IPv4 checksum and ICRC valid again. */
static inline void
test_frame_fix(struct test_frame *f)
{
	if (!f->p.ipv6)
		test_fix_ipv4_csum(f->b, f->p.l3_off);
	test_fix_icrc(f->b, f->p.l3_off, f->len);
}

/* Name of the first field where a and b differ, or NULL. */
static inline const char *
test_pkt_diff(const struct roce_pkt *a, const struct roce_pkt *b)
{
#define DIFF(f) do { if (a->f != b->f) return #f; } while (0)
#define DIFF_MEM(f) do { if (memcmp(&a->f, &b->f, sizeof(a->f)) != 0) return #f; } while (0)
	DIFF_MEM(dmac);
	DIFF_MEM(smac);
	DIFF(vlan);
	DIFF(vlan_tci);
	DIFF(ipv6);
	DIFF_MEM(sip);
	DIFF_MEM(dip);
	DIFF(tclass);
	DIFF(hop_limit);
	DIFF(flow_label);
	DIFF(sport);
	DIFF(opcode);
	DIFF(se);
	DIFF(migreq);
	DIFF(fecn);
	DIFF(becn);
	DIFF(ackreq);
	DIFF(padcnt);
	DIFF(tver);
	DIFF(pkey);
	DIFF(dqpn);
	DIFF(psn);
	DIFF(reth.va);
	DIFF(reth.rkey);
	DIFF(reth.len);
	DIFF(aeth.syndrome);
	DIFF(aeth.msn);
	DIFF(atomic.va);
	DIFF(atomic.rkey);
	DIFF(atomic.swap_add);
	DIFF(atomic.compare);
	DIFF(atomic_orig);
	DIFF(imm);
	DIFF(inv_rkey);
	DIFF(deth.qkey);
	DIFF(deth.sqpn);
	DIFF(feth);
	DIFF(payload_len);
	DIFF(l3_off);
	DIFF(l4_off);
	DIFF(bth_off);
	DIFF(payload_off);
	DIFF(frame_len);
	DIFF(op);
#undef DIFF
#undef DIFF_MEM
	return NULL;
}

/*
 * Frames captured from Linux rxe (tests/data/captures), ICRC as sent; the ICRC of
 * every frame there was verified independently (captures/icrc-check.txt).
 */

/* rc_send.pcap: RC ACKNOWLEDGE, QPN 0x11, PSN 0x9680b0, AETH syndrome 0x1f MSN 1. */
static const uint8_t test_cap_rc_ack[62] = {
	0x52, 0x54, 0x00, 0x77, 0x00, 0x02, 0x52, 0x54, 0x00, 0x77, 0x00, 0x01,
	0x08, 0x00, 0x45, 0x00, 0x00, 0x30, 0x9d, 0x39, 0x40, 0x00, 0x40, 0x11,
	0x82, 0x1b, 0xc0, 0xa8, 0x4d, 0x0b, 0xc0, 0xa8, 0x4d, 0x0c, 0xc1, 0x21,
	0x12, 0xb7, 0x00, 0x1c, 0x00, 0x00, 0x11, 0x00, 0xff, 0xff, 0x00, 0x00,
	0x00, 0x11, 0x00, 0x96, 0x80, 0xb0, 0x1f, 0x00, 0x00, 0x01, 0x97, 0x88,
	0x6f, 0x7f,
};

/* rc_atomic_cmp_swap.pcap: RC ATOMIC_ACKNOWLEDGE, QPN 0x15, PSN 0xe358ca. */
static const uint8_t test_cap_atomic_ack[70] = {
	0x52, 0x54, 0x00, 0x77, 0x00, 0x02, 0x52, 0x54, 0x00, 0x77, 0x00, 0x01,
	0x08, 0x00, 0x45, 0x00, 0x00, 0x38, 0xb2, 0x89, 0x40, 0x00, 0x40, 0x11,
	0x6c, 0xc3, 0xc0, 0xa8, 0x4d, 0x0b, 0xc0, 0xa8, 0x4d, 0x0c, 0xc1, 0xb9,
	0x12, 0xb7, 0x00, 0x24, 0x00, 0x00, 0x12, 0x00, 0xff, 0xff, 0x00, 0x00,
	0x00, 0x15, 0x00, 0xe3, 0x58, 0xca, 0x1f, 0x00, 0x00, 0x01, 0xd2, 0x47,
	0x58, 0x7c, 0x36, 0x38, 0x91, 0xee, 0x8d, 0x31, 0xeb, 0x53,
};

/* rc_atomic_cmp_swap.pcap: RC COMPARE_SWAP, AckReq, VA 0x5652aadbb000, R_Key 0x67b. */
static const uint8_t test_cap_cmp_swap[86] = {
	0x52, 0x54, 0x00, 0x77, 0x00, 0x01, 0x52, 0x54, 0x00, 0x77, 0x00, 0x02,
	0x08, 0x00, 0x45, 0x00, 0x00, 0x48, 0x91, 0x1b, 0x40, 0x00, 0x40, 0x11,
	0x8e, 0x21, 0xc0, 0xa8, 0x4d, 0x0c, 0xc0, 0xa8, 0x4d, 0x0b, 0xc1, 0xb9,
	0x12, 0xb7, 0x00, 0x34, 0x00, 0x00, 0x13, 0x00, 0xff, 0xff, 0x00, 0x00,
	0x00, 0x15, 0x80, 0xe3, 0x58, 0xca, 0x00, 0x00, 0x56, 0x52, 0xaa, 0xdb,
	0xb0, 0x00, 0x00, 0x00, 0x06, 0x7b, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x4b, 0x74,
	0x76, 0xf8,
};

/*
 * No capture has IPv6, so this RC SEND_ONLY (5-byte payload, PadCnt 3, TC 0x6a, flow label
 * 0x12345, hop limit 37, UDP checksum 0xabcd, FECN and BECN set, SE, QPN 0x123,
 * AckReq, PSN 0xabcdef) had its ICRC computed by Python's zlib.crc32 over eight 0xff
 * bytes and the header masked per Annex A17.3.3, independently of roce_icrc.c. The same
 * script reproduces the ICRC of test_cap_rc_ack.
 */
static const uint8_t test_vec_v6_send[86] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x86, 0xdd, 0x66, 0xa1, 0x23, 0x45, 0x00, 0x20, 0x11, 0x25, 0xfe, 0x80,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x01, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0xc1, 0x23, 0x12, 0xb7, 0x00, 0x20,
	0xab, 0xcd, 0x04, 0xb0, 0xff, 0xff, 0xc0, 0x00, 0x01, 0x23, 0x80, 0xab,
	0xcd, 0xef, 0x11, 0x22, 0x33, 0x44, 0x55, 0x00, 0x00, 0x00, 0xc9, 0xdc,
	0x97, 0x09,
};

#endif /* TEST_UTIL_H */
