/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * roce_parse.c: captured frames, one malformed frame (or more) per drop reason with only that
 * defect, counted once, flat and segmented; Ethernet trailers and IPv4 options.
 * Robustness (truncation, mutation) is in test_roce_parse_robust.c.
 */
#include "test_util.h"

static void
check_counters(const struct roce_rx_stats *st, int want, const char *what)
{
	unsigned int i;

	ck_assert_msg(st->ok == (want < 0 ? 1u : 0u), "%s: ok counter %lu", what,
		      (unsigned long)st->ok);
	for (i = 0; i < ROCE_DROP_MAX; i++)
		ck_assert_msg(st->drop[i] == ((int)i == want ? 1u : 0u), "%s: counter %s = %lu",
			      what, roce_drop_names[i], (unsigned long)st->drop[i]);
}

/* expect_ctx() for one context: flat, one mbuf, three segments. */
static void
expect_ctx_one(const uint8_t *f, uint32_t len, const struct roce_parse_ctx *ctx, int want,
	       const char *what)
{
	uint8_t *copy = malloc(len > 0 ? len : 1);
	uint32_t cuts[2] = { len / 3, 2 * len / 3 };
	struct roce_rx_stats st;
	struct test_chain c;
	struct roce_pkt p;
	enum roce_drop reason;
	unsigned int v;
	int ret;

	ck_assert_ptr_nonnull(copy);
	memcpy(copy, f, len);
	for (v = 0; v < 3; v++) {
		memset(&st, 0, sizeof(st));
		reason = ROCE_DROP_MAX;
		if (v == 0) {
			ret = roce_parse_buf(copy, len, ctx, &p, &st, &reason);
		} else {
			struct rte_mbuf *m = test_chain_init(&c, f, len, cuts,
							     v == 1 || len < 3 ? 0 : 2, 0);

			ret = roce_parse_mbuf(m, ctx, &p, &st, &reason);
			test_chain_free(&c);
		}
		if (want < 0) {
			ck_assert_msg(ret == 0, "%s (variant %u): %d %s", what, v, ret,
				      test_drop_name(reason));
		} else {
			ck_assert_msg(ret == -EBADMSG, "%s (variant %u): ret %d", what, v, ret);
			ck_assert_msg(reason == (enum roce_drop)want,
				      "%s (variant %u): %s, want %s", what, v,
				      test_drop_name(reason), test_drop_name(want));
		}
		check_counters(&st, want, what);
	}
	free(copy);
}

/*
 * One ICRC cache for every parse the tests make: entries from earlier frames hit for later
 * ones of the same length and masked bytes, so a corrupted frame is checked on a hit too.
 */
static struct roce_icrc_cache cache;

/*
 * Parse a copy of f (exactly len bytes, so ASan sees over-reads) flat, as one mbuf and as
 * three segments, without and with an ICRC cache; each must report want (or success for
 * want < 0) and count it once.
 */
static void
expect_ctx(const uint8_t *f, uint32_t len, const struct roce_parse_ctx *ctx, int want,
	   const char *what)
{
	struct roce_parse_ctx cached = *ctx;

	expect_ctx_one(f, len, ctx, want, what);
	if (cache.ones == 0)
		roce_icrc_cache_init(&cache);
	cached.icrc_cache = &cache;
	expect_ctx_one(f, len, &cached, want, what);
}

static void
expect_drop(const uint8_t *f, uint32_t len, enum roce_drop want, const char *what)
{
	expect_ctx(f, len, &test_ctx, want, what);
}

static void
expect_ok(const uint8_t *f, uint32_t len, const char *what)
{
	expect_ctx(f, len, &test_ctx, -1, what);
}

START_TEST(test_roce_drop_names)
{
	/* A reason missing here is a reason without a drop test below. */
	static const char *const want[ROCE_DROP_MAX] = {
		[ROCE_DROP_TOO_LONG] = "too_long",
		[ROCE_DROP_TRUNC_L2] = "trunc_l2",
		[ROCE_DROP_NOT_IP] = "not_ip",
		[ROCE_DROP_TRUNC_L3] = "trunc_l3",
		[ROCE_DROP_IP_VERSION] = "ip_version",
		[ROCE_DROP_IP_HDR_LEN] = "ip_hdr_len",
		[ROCE_DROP_IP_CSUM] = "ip_csum",
		[ROCE_DROP_IP_FRAG] = "ip_frag",
		[ROCE_DROP_NOT_UDP] = "not_udp",
		[ROCE_DROP_TRUNC_L4] = "trunc_l4",
		[ROCE_DROP_UDP_LEN] = "udp_len",
		[ROCE_DROP_UDP_PORT] = "udp_port",
		[ROCE_DROP_TRUNC_BTH] = "trunc_bth",
		[ROCE_DROP_ICRC] = "icrc",
		[ROCE_DROP_TVER] = "tver",
		[ROCE_DROP_OPCODE] = "opcode",
		[ROCE_DROP_TRUNC_EXT] = "trunc_ext",
		[ROCE_DROP_PAD] = "pad",
		[ROCE_DROP_PAYLOAD] = "payload",
	};
	unsigned int i;

	for (i = 0; i < ROCE_DROP_MAX; i++) {
		ck_assert_msg(want[i] != NULL, "drop reason %u has no test", i);
		ck_assert_ptr_nonnull(roce_drop_names[i]);
		ck_assert_str_eq(roce_drop_names[i], want[i]);
	}
}
END_TEST

START_TEST(test_roce_ipv4_to_mapped)
{
	static const uint8_t want[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff,
					  192, 168, 77, 11 };
	uint8_t a[16];

	memset(a, 0xaa, sizeof(a));
	roce_ipv4_to_mapped(a, TEST_IPV4_BE(192, 168, 77, 11));
	ck_assert_mem_eq(a, want, 16);
	ck_assert(roce_addr_is_v4mapped(a));
	a[10] = 0xfe;
	ck_assert(!roce_addr_is_v4mapped(a));
	a[10] = 0xff;
	a[0] = 0x20;
	ck_assert(!roce_addr_is_v4mapped(a));
}
END_TEST

START_TEST(test_roce_parse_buf_capture_rc_ack)
{
	static const struct rte_ether_addr dmac = {{ 0x52, 0x54, 0x00, 0x77, 0x00, 0x02 }};
	struct roce_rx_stats st = { 0 };
	uint8_t sip[16];
	struct roce_pkt p;

	ck_assert_int_eq(roce_parse_buf(test_cap_rc_ack, sizeof(test_cap_rc_ack), &test_ctx, &p,
					&st, NULL), 0);
	check_counters(&st, -1, "capture");
	ck_assert(rte_is_same_ether_addr(&p.dmac, &dmac));
	ck_assert(!p.vlan && !p.ipv6);
	roce_ipv4_to_mapped(sip, TEST_IPV4_BE(192, 168, 77, 11));
	ck_assert_mem_eq(p.sip, sip, 16);
	ck_assert_uint_eq(p.tclass, 0);
	ck_assert_uint_eq(p.hop_limit, 64);
	ck_assert_uint_eq(p.sport, 49441);
	ck_assert_uint_eq(p.opcode, ROCE_OP_ACK);
	ck_assert_uint_eq(p.pkey, 0xffff);
	ck_assert_uint_eq(p.dqpn, 0x11);
	ck_assert_uint_eq(p.psn, 0x9680b0);
	ck_assert(!p.ackreq && !p.se && !p.fecn && !p.becn);
	ck_assert_uint_eq(p.aeth.syndrome, 0x1f);
	ck_assert_uint_eq(p.aeth.msn, 1);
	ck_assert_uint_eq(p.payload_len, 0);
	ck_assert_uint_eq(p.frame_len, 62);
}
END_TEST

START_TEST(test_roce_parse_buf_capture_atomic)
{
	struct roce_pkt p;

	ck_assert_int_eq(roce_parse_buf(test_cap_cmp_swap, sizeof(test_cap_cmp_swap), &test_ctx,
					&p, NULL, NULL), 0);
	ck_assert_uint_eq(p.opcode, ROCE_OP_CMP_SWAP);
	ck_assert(p.ackreq);
	ck_assert_uint_eq(p.dqpn, 0x15);
	ck_assert_uint_eq(p.psn, 0xe358ca);
	ck_assert_uint_eq(p.atomic.va, 0x5652aadbb000ull);
	ck_assert_uint_eq(p.atomic.rkey, 0x67b);
	ck_assert_uint_eq(p.atomic.swap_add, 0);
	ck_assert_uint_eq(p.atomic.compare, 0);
	ck_assert_int_eq(roce_parse_buf(test_cap_atomic_ack, sizeof(test_cap_atomic_ack),
					&test_ctx, &p, NULL, NULL), 0);
	ck_assert_uint_eq(p.opcode, ROCE_OP_ATOMIC_ACK);
	ck_assert_uint_eq(p.aeth.syndrome, 0x1f);
	ck_assert_uint_eq(p.aeth.msn, 1);
	ck_assert_uint_eq(p.atomic_orig, 0xd247587c363891eeull);
}
END_TEST

START_TEST(test_roce_parse_buf_ipv6_vector)
{
	struct roce_pkt p;

	ck_assert_int_eq(roce_parse_buf(test_vec_v6_send, sizeof(test_vec_v6_send), &test_ctx,
					&p, NULL, NULL), 0);
	ck_assert(p.ipv6);
	ck_assert_mem_eq(p.sip, test_vec_v6_send + 22, 16);
	ck_assert_mem_eq(p.dip, test_vec_v6_send + 38, 16);
	ck_assert_uint_eq(p.tclass, 0x6a);
	ck_assert_uint_eq(p.flow_label, 0x12345);
	ck_assert_uint_eq(p.hop_limit, 37);
	ck_assert(p.se && p.fecn && p.becn && p.ackreq && !p.migreq);
	ck_assert_uint_eq(p.padcnt, 3);
	ck_assert_uint_eq(p.dqpn, 0x123);
	ck_assert_uint_eq(p.psn, 0xabcdef);
	ck_assert_uint_eq(p.payload_off, 74);
	ck_assert_uint_eq(p.payload_len, 5);
}
END_TEST

/* What a router may rewrite (ECN, DSCP, TTL, UDP checksum, FECN/BECN) keeps the ICRC valid. */
START_TEST(test_roce_parse_buf_router_rewrites)
{
	uint8_t f[sizeof(test_cap_rc_ack)];
	struct roce_pkt p;

	memcpy(f, test_cap_rc_ack, sizeof(f));
	f[15] = 0x03;		/* ECN CE */
	f[22] = 1;		/* TTL */
	test_fix_ipv4_csum(f, 14);
	f[40] = 0x12;		/* UDP checksum */
	f[46] |= 0x80;		/* FECN */
	ck_assert_int_eq(roce_parse_buf(f, sizeof(f), &test_ctx, &p, NULL, NULL), 0);
	ck_assert(p.fecn && !p.becn);
	ck_assert_uint_eq(p.tclass, 3);
	ck_assert_uint_eq(p.hop_limit, 1);
}
END_TEST

START_TEST(test_roce_parse_buf_no_icrc_check)
{
	uint8_t f[sizeof(test_cap_rc_ack)];
	struct roce_pkt p;

	memcpy(f, test_cap_rc_ack, sizeof(f));
	f[sizeof(f) - 1] ^= 1;
	expect_drop(f, sizeof(f), ROCE_DROP_ICRC, "bad ICRC");
	expect_ctx(f, sizeof(f), &test_ctx_nocrc, -1, "bad ICRC, not verified");
	/* NULL stats and reason are allowed either way. */
	ck_assert_int_eq(roce_parse_buf(f, sizeof(f), &test_ctx, &p, NULL, NULL), -EBADMSG);
	ck_assert_int_eq(roce_parse_buf(f, sizeof(f), &test_ctx_nocrc, &p, NULL, NULL), 0);
}
END_TEST

START_TEST(test_roce_parse_buf_drop_too_long)
{
	struct roce_parse_ctx ctx = { .mtu = 20 + 8 + 12 + 1024 + 4, .verify_icrc = true };
	struct test_frame f;

	test_frame_make(&f, ROCE_OP_SEND_ONLY, false, false, 1024);
	expect_ctx(f.b, f.len, &ctx, -1, "IP length == MTU");
	ctx.mtu--;
	expect_ctx(f.b, f.len, &ctx, ROCE_DROP_TOO_LONG, "IP length == MTU + 1");
	test_frame_make(&f, ROCE_OP_SEND_ONLY, true, true, 1024);
	expect_ctx(f.b, f.len, &ctx, ROCE_DROP_TOO_LONG, "IPv6 + VLAN");
}
END_TEST

START_TEST(test_roce_parse_buf_drop_trunc_l2)
{
	struct test_frame f;
	uint32_t n;

	test_frame_make(&f, ROCE_OP_ACK, false, false, 0);
	for (n = 0; n < 14; n++)
		expect_drop(f.b, n, ROCE_DROP_TRUNC_L2, "short Ethernet header");
	test_frame_make(&f, ROCE_OP_ACK, false, true, 0);
	for (n = 14; n < 18; n++)
		expect_drop(f.b, n, ROCE_DROP_TRUNC_L2, "802.1Q tag cut");
}
END_TEST

START_TEST(test_roce_parse_buf_drop_not_ip)
{
	struct test_frame f;

	test_frame_make(&f, ROCE_OP_ACK, false, false, 0);
	f.b[12] = 0x08;
	f.b[13] = 0x06;
	expect_drop(f.b, f.len, ROCE_DROP_NOT_IP, "ARP");
	f.b[12] = 0x89;
	f.b[13] = 0x15;
	expect_drop(f.b, f.len, ROCE_DROP_NOT_IP, "RoCEv1 EtherType");
	test_frame_make(&f, ROCE_OP_ACK, true, true, 0);
	f.b[16] = 0x08;
	f.b[17] = 0x06;
	expect_drop(f.b, f.len, ROCE_DROP_NOT_IP, "ARP inside 802.1Q");
}
END_TEST

START_TEST(test_roce_parse_buf_drop_trunc_l3)
{
	struct test_frame f;
	uint32_t total;

	test_frame_make(&f, ROCE_OP_ACK, false, false, 0);
	expect_drop(f.b, 14 + 19, ROCE_DROP_TRUNC_L3, "IPv4 header cut");
	total = f.len - 14;
	test_set_ip_len(f.b, 14, total + 1);
	expect_drop(f.b, f.len, ROCE_DROP_TRUNC_L3, "IPv4 total length beyond frame");
	test_frame_make(&f, ROCE_OP_ACK, false, false, 0);
	f.b[14] = 0x4f;		/* IHL 15: 60 bytes, but the frame ends first */
	test_fix_ipv4_csum(f.b, 14);
	expect_drop(f.b, 14 + 50, ROCE_DROP_TRUNC_L3, "IPv4 options cut");

	test_frame_make(&f, ROCE_OP_ACK, true, false, 0);
	expect_drop(f.b, 14 + 39, ROCE_DROP_TRUNC_L3, "IPv6 header cut");
	f.b[19]++;		/* payload length one beyond the frame */
	expect_drop(f.b, f.len, ROCE_DROP_TRUNC_L3, "IPv6 payload length beyond frame");
}
END_TEST

START_TEST(test_roce_parse_buf_drop_ip_version)
{
	struct test_frame f;

	test_frame_make(&f, ROCE_OP_ACK, false, false, 0);
	f.b[14] = 0x65;
	test_frame_fix(&f);
	expect_drop(f.b, f.len, ROCE_DROP_IP_VERSION, "version 6 under 0x0800");
	test_frame_make(&f, ROCE_OP_ACK, true, true, 0);
	f.b[18] = 0x46;
	test_frame_fix(&f);
	expect_drop(f.b, f.len, ROCE_DROP_IP_VERSION, "version 4 under 0x86dd");
}
END_TEST

START_TEST(test_roce_parse_buf_drop_ip_hdr_len)
{
	struct test_frame f;

	test_frame_make(&f, ROCE_OP_ACK, false, false, 0);
	f.b[14] = 0x44;
	expect_drop(f.b, f.len, ROCE_DROP_IP_HDR_LEN, "IHL 4");
	f.b[14] = 0x40;
	expect_drop(f.b, f.len, ROCE_DROP_IP_HDR_LEN, "IHL 0");
	test_frame_make(&f, ROCE_OP_ACK, false, false, 0);
	f.b[16] = 0;
	f.b[17] = 19;		/* total length shorter than the header */
	test_fix_ipv4_csum(f.b, 14);
	expect_drop(f.b, f.len, ROCE_DROP_IP_HDR_LEN, "total length 19");
}
END_TEST

START_TEST(test_roce_parse_buf_drop_ip_csum)
{
	struct test_frame f;

	test_frame_make(&f, ROCE_OP_ACK, false, false, 0);
	f.b[25] ^= 0x01;
	expect_drop(f.b, f.len, ROCE_DROP_IP_CSUM, "checksum byte");
	test_frame_make(&f, ROCE_OP_ACK, false, true, 0);
	f.b[26]--;		/* TTL changed, checksum not updated */
	test_fix_icrc(f.b, 18, f.len);
	expect_drop(f.b, f.len, ROCE_DROP_IP_CSUM, "stale checksum");
}
END_TEST

/*
 * The header checksum over headers whose words carry out of 16 and 32 bits: random TOS,
 * IDs, TTLs and addresses with the checksum fixed parse, and every single-bit error in
 * the checksum field, or a one-bit change of the ID, is refused.
 */
START_TEST(test_roce_parse_buf_ip_csum_sums)
{
	struct test_frame f;
	unsigned int i, bit;

	srand(7);
	for (i = 0; i < 2000; i++) {
		test_frame_make(&f, ROCE_OP_ACK, false, false, 0);
		f.b[15] = (uint8_t)rand();		/* TOS */
		f.b[18] = (uint8_t)rand();		/* identification */
		f.b[19] = i < 1000 ? 0xff : (uint8_t)rand();
		f.b[22] = (uint8_t)(i < 1000 ? 0xff : rand());	/* TTL */
		f.b[26] = f.b[27] = f.b[28] = f.b[29] = 0xff;	/* source address */
		if (i >= 1000)
			f.b[26 + i % 4] = (uint8_t)rand();
		test_fix_ipv4_csum(f.b, 14);
		test_fix_icrc(f.b, 14, f.len);
		expect_ok(f.b, f.len, "random header, checksum fixed");
		for (bit = 0; bit < 16; bit++) {
			f.b[24 + bit / 8] ^= (uint8_t)(1u << (bit % 8));
			expect_drop(f.b, f.len, ROCE_DROP_IP_CSUM, "checksum bit flipped");
			f.b[24 + bit / 8] ^= (uint8_t)(1u << (bit % 8));
		}
		f.b[19] ^= 0x10;
		expect_drop(f.b, f.len, ROCE_DROP_IP_CSUM, "identification changed");
	}
}
END_TEST

START_TEST(test_roce_parse_buf_drop_ip_frag)
{
	struct test_frame f;

	test_frame_make(&f, ROCE_OP_ACK, false, false, 0);
	f.b[20] |= 0x20;	/* MF */
	test_frame_fix(&f);
	expect_drop(f.b, f.len, ROCE_DROP_IP_FRAG, "MF");
	test_frame_make(&f, ROCE_OP_ACK, false, false, 0);
	f.b[21] = 0x01;		/* offset 8 */
	test_frame_fix(&f);
	expect_drop(f.b, f.len, ROCE_DROP_IP_FRAG, "offset");
	f.b[20] = 0x1f;		/* DF clear, offset high bits */
	f.b[21] = 0x00;
	test_frame_fix(&f);
	expect_drop(f.b, f.len, ROCE_DROP_IP_FRAG, "offset high bits");
}
END_TEST

START_TEST(test_roce_parse_buf_drop_not_udp)
{
	struct test_frame f;

	test_frame_make(&f, ROCE_OP_ACK, false, false, 0);
	f.b[23] = IPPROTO_TCP;
	test_frame_fix(&f);
	expect_drop(f.b, f.len, ROCE_DROP_NOT_UDP, "TCP");
	test_frame_make(&f, ROCE_OP_ACK, true, false, 0);
	f.b[20] = 0;		/* hop-by-hop options header */
	test_frame_fix(&f);
	expect_drop(f.b, f.len, ROCE_DROP_NOT_UDP, "IPv6 hop-by-hop");
	f.b[20] = 44;		/* fragment header */
	test_frame_fix(&f);
	expect_drop(f.b, f.len, ROCE_DROP_NOT_UDP, "IPv6 fragment");
}
END_TEST

START_TEST(test_roce_parse_buf_drop_trunc_l4)
{
	struct test_frame f;

	test_frame_make(&f, ROCE_OP_ACK, false, false, 0);
	test_set_ip_len(f.b, 14, 20 + 7);
	expect_drop(f.b, f.len, ROCE_DROP_TRUNC_L4, "IPv4 with 7 UDP bytes");
	test_frame_make(&f, ROCE_OP_ACK, true, true, 0);
	f.b[22] = 0;
	f.b[23] = 4;		/* IPv6 payload length 4 */
	expect_drop(f.b, f.len, ROCE_DROP_TRUNC_L4, "IPv6 with 4 UDP bytes");
}
END_TEST

START_TEST(test_roce_parse_buf_drop_udp_len)
{
	struct test_frame f;

	test_frame_make(&f, ROCE_OP_ACK, false, false, 0);
	f.b[39]++;
	test_fix_icrc(f.b, 14, f.len);
	expect_drop(f.b, f.len, ROCE_DROP_UDP_LEN, "UDP length + 1");
	f.b[39] -= 2;
	test_fix_icrc(f.b, 14, f.len);
	expect_drop(f.b, f.len, ROCE_DROP_UDP_LEN, "UDP length - 1");
	test_frame_make(&f, ROCE_OP_ACK, true, false, 0);
	f.b[59] = 0;
	test_fix_icrc(f.b, 14, f.len);
	expect_drop(f.b, f.len, ROCE_DROP_UDP_LEN, "IPv6, UDP length 0");
}
END_TEST

START_TEST(test_roce_parse_buf_drop_udp_port)
{
	struct test_frame f;

	test_frame_make(&f, ROCE_OP_ACK, false, false, 0);
	f.b[37] = 0xb8;		/* 4792 */
	test_frame_fix(&f);
	expect_drop(f.b, f.len, ROCE_DROP_UDP_PORT, "4792");
	f.b[36] = 0xb7;		/* 4791 byte-swapped */
	f.b[37] = 0x12;
	test_frame_fix(&f);
	expect_drop(f.b, f.len, ROCE_DROP_UDP_PORT, "0xb712");
}
END_TEST

START_TEST(test_roce_parse_buf_drop_trunc_bth)
{
	struct test_frame f;

	test_frame_make(&f, ROCE_OP_ACK, false, false, 0);
	f.len = 14 + 20 + 8 + 12;	/* BTH but no ICRC */
	test_set_ip_len(f.b, 14, f.len - 14);
	expect_drop(f.b, f.len, ROCE_DROP_TRUNC_BTH, "no room for ICRC");
	test_frame_make(&f, ROCE_OP_ACK, true, false, 0);
	f.len = 14 + 40 + 8 + 11 + 4;
	test_set_ip_len(f.b, 14, f.len - 14);
	expect_drop(f.b, f.len, ROCE_DROP_TRUNC_BTH, "IPv6, BTH one byte short");
}
END_TEST

/* Every byte from UDP to the ICRC except the masked ones, flipped, fails the ICRC. */
START_TEST(test_roce_parse_buf_drop_icrc)
{
	struct test_frame f;
	uint64_t hits = cache.hits;
	uint32_t at;
	unsigned int k;

	for (k = 0; k < 2; k++) {
		test_frame_make(&f, ROCE_OP_WRITE_ONLY_IMM, k, k, 6);
		for (at = f.p.l4_off; at < f.len; at++) {
			uint32_t rel = at - f.p.l4_off;

			/* UDP port and length are checked first; checksum and FECN byte masked */
			if ((rel >= 2 && rel < 8) || at == f.p.bth_off + 4u)
				continue;
			f.b[at] ^= 0x10;
			expect_drop(f.b, f.len, ROCE_DROP_ICRC, "flipped byte");
			f.b[at] ^= 0x10;
		}
		/* Addresses are covered too. */
		f.b[f.p.l3_off + (k ? 8 : 12)] ^= 1;
		if (!k)
			test_fix_ipv4_csum(f.b, f.p.l3_off);
		expect_drop(f.b, f.len, ROCE_DROP_ICRC, "source address");
	}
	/* Most flipped frames kept the masked bytes and length of an earlier one. */
	ck_assert_uint_gt(cache.hits, hits + 50);
}
END_TEST

START_TEST(test_roce_parse_buf_drop_tver)
{
	static const uint8_t tvers[] = { 1, 15 };
	struct test_frame f;
	unsigned int i;

	for (i = 0; i < RTE_DIM(tvers); i++) {
		test_pkt_fill(&f.p, ROCE_OP_SEND_ONLY, i, false, 4);
		f.p.tver = tvers[i];
		f.len = test_build(f.b, sizeof(f.b), &f.p, NULL);
		expect_drop(f.b, f.len, ROCE_DROP_TVER, "TVer");
	}
}
END_TEST

START_TEST(test_roce_parse_buf_drop_opcode)
{
	static const uint8_t ops[] = { 0x15, 0x18, 0x1f, 0x2c, 0x40, 0x4c, 0x66, 0x80, 0x82,
				       0xff };
	struct test_frame f;
	unsigned int i;

	for (i = 0; i < RTE_DIM(ops); i++) {
		test_frame_make(&f, ROCE_OP_ACK, i & 1, false, 0);
		f.b[f.p.bth_off] = ops[i];
		test_frame_fix(&f);
		expect_drop(f.b, f.len, ROCE_DROP_OPCODE, "reserved opcode");
	}
}
END_TEST

START_TEST(test_roce_parse_buf_drop_trunc_ext)
{
	struct test_frame f;

	test_frame_make(&f, ROCE_OP_READ_REQ, false, false, 0);
	test_frame_resize(&f, f.p.bth_off + 12 + 8 + ROCE_ICRC_LEN);
	expect_drop(f.b, f.len, ROCE_DROP_TRUNC_EXT, "READ_REQ cut inside RETH");
	test_frame_make(&f, ROCE_OP_CMP_SWAP, true, true, 0);
	test_frame_resize(&f, f.p.bth_off + 12 + 27 + ROCE_ICRC_LEN);
	expect_drop(f.b, f.len, ROCE_DROP_TRUNC_EXT, "AtomicETH one byte short");
	test_frame_make(&f, ROCE_OP_ACK, false, true, 0);
	test_frame_resize(&f, f.p.bth_off + 12 + ROCE_ICRC_LEN);
	expect_drop(f.b, f.len, ROCE_DROP_TRUNC_EXT, "ACK without AETH");
}
END_TEST

START_TEST(test_roce_parse_buf_drop_pad)
{
	struct test_frame f;

	/* One payload byte and PadCnt 3, the pad bytes cut off. */
	test_frame_make(&f, ROCE_OP_SEND_ONLY, false, false, 1);
	ck_assert_uint_eq(f.p.padcnt, 3);
	test_frame_resize(&f, f.p.payload_off + 1 + ROCE_ICRC_LEN);
	expect_drop(f.b, f.len, ROCE_DROP_PAD, "PadCnt 3, 1 byte");
	/* No payload at all, PadCnt 1. */
	test_frame_make(&f, ROCE_OP_SEND_ONLY, true, false, 0);
	f.b[f.p.bth_off + 1] |= 1 << ROCE_BTH_PAD_SHIFT;
	test_frame_fix(&f);
	expect_drop(f.b, f.len, ROCE_DROP_PAD, "PadCnt 1, 0 bytes");
	/* Pad count equal to the bytes present is a zero-length payload. */
	test_frame_make(&f, ROCE_OP_SEND_ONLY, false, false, 1);
	f.b[f.p.bth_off + 1] &= ~ROCE_BTH_PAD_MASK;
	test_frame_fix(&f);
	expect_ok(f.b, f.len, "PadCnt 0, 4 bytes");
	f.b[f.p.bth_off + 1] |= 3 << ROCE_BTH_PAD_SHIFT;
	test_frame_resize(&f, f.p.payload_off + 3 + ROCE_ICRC_LEN);
	expect_ok(f.b, f.len, "PadCnt 3, 3 bytes");
}
END_TEST

START_TEST(test_roce_parse_buf_drop_payload)
{
	static const uint8_t ops[] = { ROCE_OP_ACK, ROCE_OP_READ_REQ, ROCE_OP_CMP_SWAP,
				       ROCE_OP_ATOMIC_ACK, ROCE_OP_FLUSH, ROCE_OP_CNP };
	struct test_frame f;
	unsigned int i;

	for (i = 0; i < RTE_DIM(ops); i++) {
		test_frame_make(&f, ops[i], i & 1, i & 2, 0);
		test_frame_resize(&f, f.len + 4);
		expect_drop(f.b, f.len, ROCE_DROP_PAYLOAD, "4 extra bytes");
	}
	/* ATOMIC WRITE carries exactly 8 bytes (IBA 1.5 9.3.13). */
	test_frame_make(&f, ROCE_OP_ATOMIC_WRITE, false, false, ROCE_ATOMIC_WRITE_LEN);
	expect_ok(f.b, f.len, "ATOMIC WRITE, 8 bytes");
	test_frame_resize(&f, f.p.payload_off + 4 + ROCE_ICRC_LEN);
	expect_drop(f.b, f.len, ROCE_DROP_PAYLOAD, "ATOMIC WRITE, 4 bytes");
	test_frame_resize(&f, f.p.payload_off + 12 + ROCE_ICRC_LEN);
	expect_drop(f.b, f.len, ROCE_DROP_PAYLOAD, "ATOMIC WRITE, 12 bytes");
	f.b[f.p.bth_off + 1] |= 3 << ROCE_BTH_PAD_SHIFT;
	test_frame_fix(&f);
	expect_drop(f.b, f.len, ROCE_DROP_PAYLOAD, "ATOMIC WRITE, 9 bytes + pad 3");
	/* A pad byte (counted by PadCnt) on an ACK is still a payload. */
	test_frame_make(&f, ROCE_OP_ACK, false, false, 0);
	f.b[f.p.bth_off + 1] |= 1 << ROCE_BTH_PAD_SHIFT;
	test_frame_resize(&f, f.len + 1);
	expect_drop(f.b, f.len, ROCE_DROP_PAYLOAD, "ACK with a pad byte");
}
END_TEST

/* A 58-byte frame padded to the 60-byte Ethernet minimum, with any trailer bytes. */
START_TEST(test_roce_parse_buf_ethernet_trailer)
{
	struct test_frame f;
	struct roce_pkt p;
	uint32_t cut = 58;
	struct test_chain c;

	test_frame_make(&f, ROCE_OP_SEND_MIDDLE, false, false, 0);
	ck_assert_uint_eq(f.len, 58);
	f.b[58] = 0;
	f.b[59] = 0;
	expect_ok(f.b, 60, "zero trailer");
	ck_assert_int_eq(roce_parse_buf(f.b, 60, &test_ctx, &p, NULL, NULL), 0);
	ck_assert_uint_eq(p.frame_len, 58);
	ck_assert_uint_eq(p.payload_len, 0);
	memset(f.b + 58, 0xaa, 6);
	expect_ok(f.b, 64, "0xaa trailer");
	/* The trailer alone in the second segment. */
	ck_assert_int_eq(roce_parse_mbuf(test_chain_init(&c, f.b, 64, &cut, 1, 0), &test_ctx, &p,
					 NULL, NULL), 0);
	test_chain_free(&c);
	ck_assert_uint_eq(p.frame_len, 58);
	test_frame_make(&f, ROCE_OP_SEND_ONLY, true, true, 3);
	memset(f.b + f.len, 0x55, 8);
	expect_ok(f.b, f.len + 8, "IPv6 with trailer");
}
END_TEST

/* IPv4 options (IHL 6) move UDP and BTH; the ICRC covers the option word. */
START_TEST(test_roce_parse_buf_ipv4_options)
{
	struct test_frame f;
	struct roce_pkt p;
	uint32_t l3;

	test_frame_make(&f, ROCE_OP_WRITE_FIRST, false, true, 9);
	l3 = f.p.l3_off;
	memmove(f.b + l3 + 24, f.b + l3 + 20, f.len - l3 - 20);
	memset(f.b + l3 + 20, 0x01, 4);		/* NOP options */
	f.b[l3] = 0x46;
	f.len += 4;
	test_frame_resize(&f, f.len);
	expect_ok(f.b, f.len, "IHL 6");
	ck_assert_int_eq(roce_parse_buf(f.b, f.len, &test_ctx, &p, NULL, NULL), 0);
	ck_assert_uint_eq(p.l4_off, l3 + 24);
	ck_assert_uint_eq(p.bth_off, l3 + 32);
	ck_assert_uint_eq(p.reth.va, f.p.reth.va);
	ck_assert_uint_eq(p.payload_len, 9);
	ck_assert_uint_eq(p.psn, f.p.psn);
}
END_TEST

START_TEST(test_roce_parse_mbuf_empty)
{
	struct test_chain c;
	struct roce_rx_stats st = { 0 };
	enum roce_drop r = ROCE_DROP_MAX;
	struct roce_pkt p;

	ck_assert_int_eq(roce_parse_mbuf(test_chain_init(&c, test_cap_rc_ack, 0, NULL, 0, 0),
					 &test_ctx, &p, &st, &r), -EBADMSG);
	ck_assert_int_eq(r, ROCE_DROP_TRUNC_L2);
	check_counters(&st, ROCE_DROP_TRUNC_L2, "empty mbuf");
	test_chain_free(&c);
}
END_TEST

static Suite *
roce_parse_suite(void)
{
	Suite *s = suite_create("roce_parse");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 240);
	tcase_add_test(tc, test_roce_drop_names);
	tcase_add_test(tc, test_roce_ipv4_to_mapped);
	tcase_add_test(tc, test_roce_parse_buf_capture_rc_ack);
	tcase_add_test(tc, test_roce_parse_buf_capture_atomic);
	tcase_add_test(tc, test_roce_parse_buf_ipv6_vector);
	tcase_add_test(tc, test_roce_parse_buf_router_rewrites);
	tcase_add_test(tc, test_roce_parse_buf_no_icrc_check);
	tcase_add_test(tc, test_roce_parse_buf_drop_too_long);
	tcase_add_test(tc, test_roce_parse_buf_drop_trunc_l2);
	tcase_add_test(tc, test_roce_parse_buf_drop_not_ip);
	tcase_add_test(tc, test_roce_parse_buf_drop_trunc_l3);
	tcase_add_test(tc, test_roce_parse_buf_drop_ip_version);
	tcase_add_test(tc, test_roce_parse_buf_drop_ip_hdr_len);
	tcase_add_test(tc, test_roce_parse_buf_drop_ip_csum);
	tcase_add_test(tc, test_roce_parse_buf_ip_csum_sums);
	tcase_add_test(tc, test_roce_parse_buf_drop_ip_frag);
	tcase_add_test(tc, test_roce_parse_buf_drop_not_udp);
	tcase_add_test(tc, test_roce_parse_buf_drop_trunc_l4);
	tcase_add_test(tc, test_roce_parse_buf_drop_udp_len);
	tcase_add_test(tc, test_roce_parse_buf_drop_udp_port);
	tcase_add_test(tc, test_roce_parse_buf_drop_trunc_bth);
	tcase_add_test(tc, test_roce_parse_buf_drop_icrc);
	tcase_add_test(tc, test_roce_parse_buf_drop_tver);
	tcase_add_test(tc, test_roce_parse_buf_drop_opcode);
	tcase_add_test(tc, test_roce_parse_buf_drop_trunc_ext);
	tcase_add_test(tc, test_roce_parse_buf_drop_pad);
	tcase_add_test(tc, test_roce_parse_buf_drop_payload);
	tcase_add_test(tc, test_roce_parse_buf_ethernet_trailer);
	tcase_add_test(tc, test_roce_parse_buf_ipv4_options);
	tcase_add_test(tc, test_roce_parse_mbuf_empty);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return test_run_suite(roce_parse_suite());
}
