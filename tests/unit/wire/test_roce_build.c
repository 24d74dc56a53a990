/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * roce_build.c: every valid opcode built over IPv4/IPv6, with and without 802.1Q, at several
 * payload lengths, parsed back (flat and segmented) field by field; the header-only build
 * finished in an mbuf chain; the wire image of the outer headers; the error returns.
 */
#include "test_util.h"

static const uint32_t plens[] = { 0, 1, 2, 3, 4, 5, 1024, 4093 };

/* Every input field comes back; headers the opcode does not carry read back as zero. */
static void
check_fields(const struct roce_pkt *in, const struct roce_pkt *out, const char *tag)
{
	const struct roce_opcode_info *oi = roce_opcode(in->opcode);

#define SAME(f) TEST_REQUIRE(out->f == in->f, "%s: " #f, tag)
#define HAS_OR_ZERO(e, f) \
	TEST_REQUIRE(out->f == (roce_opcode_has(oi, ROCE_EXT_##e) ? in->f : 0), "%s: " #f, tag)
	TEST_REQUIRE(rte_is_same_ether_addr(&out->dmac, &in->dmac), "%s: dmac", tag);
	TEST_REQUIRE(rte_is_same_ether_addr(&out->smac, &in->smac), "%s: smac", tag);
	SAME(vlan);
	SAME(vlan_tci);
	SAME(ipv6);
	TEST_REQUIRE(memcmp(out->sip, in->sip, 16) == 0, "%s: sip", tag);
	TEST_REQUIRE(memcmp(out->dip, in->dip, 16) == 0, "%s: dip", tag);
	SAME(tclass);
	SAME(hop_limit);
	SAME(flow_label);
	SAME(sport);
	SAME(opcode);
	SAME(se);
	SAME(migreq);
	SAME(ackreq);
	SAME(fecn);
	SAME(becn);
	SAME(pkey);
	SAME(dqpn);
	SAME(psn);
	SAME(tver);
	SAME(padcnt);
	HAS_OR_ZERO(RETH, reth.va);
	HAS_OR_ZERO(RETH, reth.rkey);
	HAS_OR_ZERO(RETH, reth.len);
	HAS_OR_ZERO(AETH, aeth.syndrome);
	HAS_OR_ZERO(AETH, aeth.msn);
	HAS_OR_ZERO(ATMETH, atomic.va);
	HAS_OR_ZERO(ATMETH, atomic.rkey);
	HAS_OR_ZERO(ATMETH, atomic.swap_add);
	HAS_OR_ZERO(ATMETH, atomic.compare);
	HAS_OR_ZERO(ATMACK, atomic_orig);
	HAS_OR_ZERO(IMMDT, imm);
	HAS_OR_ZERO(IETH, inv_rkey);
	HAS_OR_ZERO(DETH, deth.qkey);
	HAS_OR_ZERO(DETH, deth.sqpn);
	HAS_OR_ZERO(FETH, feth);
	SAME(payload_len);
	SAME(l3_off);
	SAME(l4_off);
	SAME(bth_off);
	SAME(payload_off);
	SAME(frame_len);
	TEST_REQUIRE(out->op == oi, "%s: op", tag);
#undef SAME
#undef HAS_OR_ZERO
}

/* Parse the frame split at cuts[] and compare with the flat parse. */
static void
check_mbuf_parse(const uint8_t *f, uint32_t len, const struct roce_pkt *flat, uint32_t *cuts,
		 unsigned int ncuts, const char *tag)
{
	struct roce_rx_stats st = { 0 };
	struct test_chain c;
	struct rte_mbuf *m;
	struct roce_pkt out;
	const char *d;
	unsigned int i, n = 0;
	int ret;

	/* Keep the cuts that fall inside the frame, ascending. */
	for (i = 0; i < ncuts; i++)
		if (cuts[i] > 0 && cuts[i] < len && (n == 0 || cuts[i] > cuts[n - 1]))
			cuts[n++] = cuts[i];
	m = test_chain_init(&c, f, len, cuts, n, 0);
	ret = roce_parse_mbuf(m, &test_ctx, &out, &st, NULL);
	TEST_REQUIRE(ret == 0, "%s: roce_parse_mbuf %d (%u segs, first cut %u)", tag, ret, n + 1,
		     n ? cuts[0] : 0);
	TEST_REQUIRE(st.ok == 1, "%s: ok counter", tag);
	d = test_pkt_diff(flat, &out);
	TEST_REQUIRE(d == NULL, "%s: mbuf parse differs in %s (%u segs, first cut %u)", tag, d,
		     n + 1, n ? cuts[0] : 0);
	test_chain_free(&c);
}

static void
roundtrip(uint8_t op, bool v6, bool vlan, uint32_t plen)
{
	static uint8_t f[TEST_FRAME_MAX], payload[TEST_FRAME_MAX];
	struct roce_rx_stats st = { 0 };
	struct roce_pkt in, out;
	enum roce_drop reason = ROCE_DROP_MAX;
	uint32_t len, i;
	char tag[64];
	int ret;

	snprintf(tag, sizeof(tag), "op 0x%02x v%d vlan %d len %u", op, v6 ? 6 : 4, vlan, plen);
	test_pkt_fill(&in, op, v6, vlan, plen);	/* IPv4: flow_label 0, as parse reports */
	len = test_build(f, sizeof(f), &in, payload);
	TEST_REQUIRE(len == in.frame_len, "%s: length", tag);
	TEST_REQUIRE(in.padcnt == (-plen & 3), "%s: padcnt", tag);

	ret = roce_parse_buf(f, len, &test_ctx, &out, &st, &reason);
	TEST_REQUIRE(ret == 0, "%s: parse %d (%s)", tag, ret,
		     reason < ROCE_DROP_MAX ? roce_drop_names[reason] : "?");
	TEST_REQUIRE(st.ok == 1, "%s: ok counter", tag);
	for (i = 0; i < ROCE_DROP_MAX; i++)
		TEST_REQUIRE(st.drop[i] == 0, "%s: drop counter %u", tag, i);
	check_fields(&in, &out, tag);
	TEST_REQUIRE(memcmp(f + out.payload_off, payload, plen) == 0, "%s: payload", tag);
	for (i = 0; i < out.padcnt; i++)
		TEST_REQUIRE(f[out.payload_off + plen + i] == 0, "%s: pad byte", tag);

	/* Cut inside L2, IP, UDP, the masked BTH byte, the ext headers, payload and ICRC. */
	{
		uint32_t cuts[][3] = {
			{ 0, 0, 0 },
			{ 7, 0, 0 },
			{ in.l3_off + 3u, 0, 0 },
			{ in.l4_off + 5u, 0, 0 },
			{ in.bth_off + 4u, 0, 0 },
			{ in.bth_off + 13u, 0, 0 },
			{ in.payload_off + 1u, 0, 0 },
			{ len - 2, 0, 0 },
			{ in.l3_off + 1u, in.bth_off + 1u, len - 5 },
			{ 1, in.payload_off, in.payload_off + plen / 2 },
		};

		for (i = 0; i < RTE_DIM(cuts); i++)
			check_mbuf_parse(f, len, &out, cuts[i], 3, tag);
	}
}

/* Payload lengths to try for op; ATOMIC WRITE carries exactly 8 bytes (IBA 1.5 9.3.13). */
static unsigned int
op_plens(unsigned int op, const uint32_t **out)
{
	static const uint32_t none = 0, atomic_write = ROCE_ATOMIC_WRITE_LEN;

	if (op == ROCE_OP_ATOMIC_WRITE) {
		*out = &atomic_write;
		return 1;
	}
	if (!(roce_opcode(op)->flags & ROCE_OPF_PAYLOAD)) {
		*out = &none;
		return 1;
	}
	*out = plens;
	return RTE_DIM(plens);
}

static void
roundtrip_all(bool v6, bool vlan)
{
	unsigned int op, i, k, n = 0;
	const uint32_t *pl;

	for (op = 0; op < 256; op++) {
		if (!roce_opcode_valid(op))
			continue;
		k = op_plens(op, &pl);
		for (i = 0; i < k; i++)
			roundtrip(op, v6, vlan, pl[i]);
		n += k;
	}
	ck_assert_uint_eq(n, 32 * RTE_DIM(plens) + 1 + 7);
}

START_TEST(test_roce_build_roundtrip_ipv4)
{
	roundtrip_all(false, false);
}
END_TEST

START_TEST(test_roce_build_roundtrip_ipv4_vlan)
{
	roundtrip_all(false, true);
}
END_TEST

START_TEST(test_roce_build_roundtrip_ipv6)
{
	roundtrip_all(true, false);
}
END_TEST

START_TEST(test_roce_build_roundtrip_ipv6_vlan)
{
	roundtrip_all(true, true);
}
END_TEST

/* roce_build_hdr + payload segments + roce_build_finish_mbuf == roce_build, byte for byte. */
static void
check_finish(uint8_t op, bool v6, bool vlan, uint32_t plen, unsigned int payload_segs)
{
	static uint8_t want[TEST_FRAME_MAX], img[TEST_FRAME_MAX], back[TEST_FRAME_MAX];
	static uint8_t payload[TEST_FRAME_MAX];
	struct roce_pkt p, parsed;
	struct test_chain c;
	struct rte_mbuf *m;
	uint32_t len, cuts[3];
	unsigned int n = 0;
	int hlen, ret;

	test_pkt_fill(&p, op, v6, vlan, plen);
	len = test_build(want, sizeof(want), &p, payload);

	test_pkt_fill(&p, op, v6, vlan, plen);
	memset(img, 0xee, sizeof(img));
	hlen = roce_build_hdr(img, sizeof(img), &p);
	TEST_REQUIRE(hlen > 0 && (uint32_t)hlen == p.payload_off, "hdr %d", hlen);
	TEST_REQUIRE(p.frame_len == len, "frame_len %u want %u", p.frame_len, len);
	memcpy(img + hlen, payload, plen);
	if (plen > 0)
		cuts[n++] = hlen;
	if (payload_segs > 1 && plen > 1)
		cuts[n++] = hlen + plen / 2;
	/* The last segment has exactly the room pad and ICRC need. */
	m = test_chain_init(&c, img, hlen + plen, cuts, n, p.padcnt + ROCE_ICRC_LEN);
	ret = roce_build_finish_mbuf(m, &p);
	TEST_REQUIRE(ret == 0, "op 0x%02x len %u: finish %d", op, plen, ret);
	TEST_REQUIRE(rte_pktmbuf_pkt_len(m) == len, "op 0x%02x: pkt_len %u want %u", op,
		     rte_pktmbuf_pkt_len(m), len);
	TEST_REQUIRE(test_chain_linear(m, back, sizeof(back)) == len, "chain length");
	TEST_REQUIRE(memcmp(back, want, len) == 0, "op 0x%02x v%d vlan %d len %u: bytes differ",
		     op, v6 ? 6 : 4, vlan, plen);
	TEST_REQUIRE(roce_parse_mbuf(m, &test_ctx, &parsed, NULL, NULL) == 0, "parse back");
	test_chain_free(&c);
}

/*
 * The engine's way, in one segment: roce_build_pad_mbuf() (pad zeroed over whatever the
 * buffer held) and later roce_build_icrc_mbuf() through a cache == roce_build.
 */
static void
check_pad_icrc(uint8_t op, bool v6, bool vlan, uint32_t plen, struct roce_icrc_cache *cache)
{
	static uint8_t want[TEST_FRAME_MAX], img[TEST_FRAME_MAX], payload[TEST_FRAME_MAX];
	struct roce_pkt p;
	struct test_chain c;
	struct rte_mbuf *m;
	uint32_t len;
	int hlen;

	test_pkt_fill(&p, op, v6, vlan, plen);
	len = test_build(want, sizeof(want), &p, payload);
	test_pkt_fill(&p, op, v6, vlan, plen);
	hlen = roce_build_hdr(img, sizeof(img), &p);
	TEST_REQUIRE(hlen > 0, "hdr %d", hlen);
	memcpy(img + hlen, payload, plen);
	m = test_chain_init(&c, img, hlen + plen, NULL, 0, p.padcnt + ROCE_ICRC_LEN);
	memset(rte_pktmbuf_mtod_offset(m, uint8_t *, hlen + plen), 0xee, rte_pktmbuf_tailroom(m));
	TEST_REQUIRE(roce_build_pad_mbuf(m, &p) == 0, "op 0x%02x len %u: pad", op, plen);
	TEST_REQUIRE(rte_pktmbuf_pkt_len(m) == len, "op 0x%02x: pkt_len %u want %u", op,
		     rte_pktmbuf_pkt_len(m), len);
	roce_build_icrc_mbuf(m, p.l3_off, cache);
	TEST_REQUIRE(memcmp(rte_pktmbuf_mtod(m, uint8_t *), want, len) == 0,
		     "op 0x%02x v%d vlan %d len %u: bytes differ", op, v6 ? 6 : 4, vlan, plen);
	test_chain_free(&c);
}

START_TEST(test_roce_build_finish_mbuf_matches_build)
{
	struct roce_icrc_cache cache;
	unsigned int op, i, k, n;
	const uint32_t *pl;

	roce_icrc_cache_init(&cache);
	for (op = 0; op < 256; op++) {
		if (!roce_opcode_valid(op))
			continue;
		n = op_plens(op, &pl);
		for (k = 0; k < 4; k++) {
			for (i = 0; i < n; i++) {
				check_finish(op, k & 1, k & 2, pl[i], 1);
				check_finish(op, k & 1, k & 2, pl[i], 2);
				check_pad_icrc(op, k & 1, k & 2, pl[i], &cache);
			}
		}
	}
	ck_assert_uint_gt(cache.misses, 0);
}
END_TEST

START_TEST(test_roce_build_finish_mbuf_errors)
{
	uint8_t img[256];
	struct roce_pkt p;
	struct test_chain c;
	struct rte_mbuf *m;
	uint32_t cut;
	int hlen;

	test_pkt_fill(&p, ROCE_OP_SEND_ONLY, false, false, 5);	/* pad 3 */
	hlen = roce_build_hdr(img, sizeof(img), &p);
	ck_assert_int_eq(hlen, 54);
	memset(img + hlen, 0x42, 5);
	cut = hlen;
	/* One byte short of pad + ICRC. */
	m = test_chain_init(&c, img, hlen + 5, &cut, 1, 3 + ROCE_ICRC_LEN - 1);
	ck_assert_int_eq(roce_build_finish_mbuf(m, &p), -ENOSPC);
	ck_assert_int_eq(roce_build_pad_mbuf(m, &p), -ENOSPC);
	ck_assert_uint_eq(rte_pktmbuf_pkt_len(m), hlen + 5);
	test_chain_free(&c);
	/* Chain shorter than header + payload_len. */
	m = test_chain_init(&c, img, hlen + 4, &cut, 1, 16);
	ck_assert_int_eq(roce_build_finish_mbuf(m, &p), -EINVAL);
	ck_assert_int_eq(roce_build_pad_mbuf(m, &p), -EINVAL);
	ck_assert_uint_eq(rte_pktmbuf_pkt_len(m), hlen + 4);
	test_chain_free(&c);
	/* ... and longer. */
	m = test_chain_init(&c, img, hlen + 6, &cut, 1, 16);
	ck_assert_int_eq(roce_build_finish_mbuf(m, &p), -EINVAL);
	ck_assert_int_eq(roce_build_pad_mbuf(m, &p), -EINVAL);
	test_chain_free(&c);
}
END_TEST

START_TEST(test_roce_build_unknown_opcode)
{
	uint8_t buf[512];
	struct roce_pkt p;
	unsigned int op;

	for (op = 0; op < 256; op++) {
		if (roce_opcode_valid(op))
			continue;
		test_pkt_fill(&p, op, false, false, 0);
		ck_assert_int_eq(roce_build_hdr(buf, sizeof(buf), &p), -EINVAL);
		ck_assert_int_eq(roce_build(buf, sizeof(buf), &p, NULL), -EINVAL);
	}
}
END_TEST

START_TEST(test_roce_build_payload_on_no_payload_opcode)
{
	static const uint8_t ops[] = { ROCE_OP_ACK, ROCE_OP_ATOMIC_ACK, ROCE_OP_READ_REQ,
				       ROCE_OP_CMP_SWAP, ROCE_OP_FETCH_ADD, ROCE_OP_FLUSH,
				       ROCE_OP_CNP };
	uint8_t buf[512], payload[8] = { 0 };
	struct roce_pkt p;
	unsigned int i;

	for (i = 0; i < RTE_DIM(ops); i++) {
		ck_assert(!(roce_opcode(ops[i])->flags & ROCE_OPF_PAYLOAD));
		test_pkt_fill(&p, ops[i], i & 1, false, 1);
		ck_assert_int_eq(roce_build_hdr(buf, sizeof(buf), &p), -EINVAL);
		p.payload_len = 4;
		ck_assert_int_eq(roce_build(buf, sizeof(buf), &p, payload), -EINVAL);
		p.payload_len = 0;
		ck_assert_int_gt(roce_build(buf, sizeof(buf), &p, NULL), 0);
	}
}
END_TEST

START_TEST(test_roce_build_atomic_write_len)
{
	static const uint32_t bad[] = { 0, 4, 7, 9, 16 };
	uint8_t buf[512], payload[16] = { 0 };
	struct roce_pkt p;
	unsigned int i;

	for (i = 0; i < RTE_DIM(bad); i++) {
		test_pkt_fill(&p, ROCE_OP_ATOMIC_WRITE, false, false, bad[i]);
		ck_assert_int_eq(roce_build(buf, sizeof(buf), &p, payload), -EINVAL);
	}
	test_pkt_fill(&p, ROCE_OP_ATOMIC_WRITE, false, false, 8);
	ck_assert_int_eq(roce_build(buf, sizeof(buf), &p, payload), 14 + 20 + 8 + 12 + 16 + 8 + 4);
	ck_assert_uint_eq(p.padcnt, 0);
}
END_TEST

START_TEST(test_roce_build_ipv4_unmapped_addr)
{
	uint8_t buf[512];
	struct roce_pkt p;

	test_pkt_fill(&p, ROCE_OP_SEND_ONLY, false, false, 0);
	p.sip[9] = 1;			/* ::1ff:... is not ::ffff:a.b.c.d */
	ck_assert_int_eq(roce_build(buf, sizeof(buf), &p, NULL), -EINVAL);
	test_pkt_fill(&p, ROCE_OP_SEND_ONLY, false, false, 0);
	p.dip[10] = 0;
	ck_assert_int_eq(roce_build_hdr(buf, sizeof(buf), &p), -EINVAL);
	/* A real IPv6 address asked to go out as IPv4. */
	test_pkt_fill(&p, ROCE_OP_SEND_ONLY, true, false, 0);
	p.ipv6 = false;
	ck_assert_int_eq(roce_build(buf, sizeof(buf), &p, NULL), -EINVAL);
	/* IPv4-mapped addresses inside IPv6 are fine. */
	test_pkt_fill(&p, ROCE_OP_SEND_ONLY, false, false, 0);
	p.ipv6 = true;
	ck_assert_int_gt(roce_build(buf, sizeof(buf), &p, NULL), 0);
}
END_TEST

/* Exactly-sized heap buffers: ASan reports any write past cap. */
START_TEST(test_roce_build_small_cap)
{
	static uint8_t payload[1024];
	struct roce_pkt p;
	uint32_t cap, hdr_len, frame_len;
	uint8_t *buf;

	test_pkt_fill(&p, ROCE_OP_WRITE_FIRST, true, true, 1001);
	buf = malloc(TEST_FRAME_MAX);
	ck_assert_int_gt(roce_build(buf, TEST_FRAME_MAX, &p, payload), 0);
	free(buf);
	hdr_len = p.payload_off;
	frame_len = p.frame_len;
	ck_assert_uint_eq(hdr_len, 18 + 40 + 8 + 12 + 16);
	ck_assert_uint_eq(frame_len, hdr_len + 1001 + 3 + 4);
	for (cap = 0; cap <= frame_len; cap++) {
		int want_hdr = cap < hdr_len ? -ENOSPC : (int)hdr_len;
		int want = cap < frame_len ? -ENOSPC : (int)frame_len;

		buf = malloc(cap > 0 ? cap : 1);
		test_pkt_fill(&p, ROCE_OP_WRITE_FIRST, true, true, 1001);
		TEST_REQUIRE(roce_build_hdr(buf, cap, &p) == want_hdr, "hdr cap %u", cap);
		test_pkt_fill(&p, ROCE_OP_WRITE_FIRST, true, true, 1001);
		TEST_REQUIRE(roce_build(buf, cap, &p, payload) == want, "cap %u", cap);
		free(buf);
	}
}
END_TEST

START_TEST(test_roce_build_hdr_oversized_payload)
{
	static uint8_t payload[65536];
	struct roce_pkt p, out;
	uint8_t *buf = malloc(70000);
	struct roce_parse_ctx ctx = { .mtu = 65535, .verify_icrc = true };
	uint8_t hdr[128];

	/* IPv4 SEND_ONLY: IP length = 40 + payload + pad + 4 must fit 16 bits. */
	test_pkt_fill(&p, ROCE_OP_SEND_ONLY, false, false, 65489);
	ck_assert_int_eq(roce_build_hdr(hdr, sizeof(hdr), &p), -EINVAL);
	p.payload_len = 70000;
	ck_assert_int_eq(roce_build_hdr(hdr, sizeof(hdr), &p), -EINVAL);
	/* The largest one fits and parses. */
	test_pkt_fill(&p, ROCE_OP_SEND_ONLY, false, false, 65488);
	ck_assert_int_eq(roce_build(buf, 70000, &p, payload), 14 + 65532);
	ck_assert_int_eq(roce_parse_buf(buf, 14 + 65532, &ctx, &out, NULL, NULL), 0);
	ck_assert_uint_eq(out.payload_len, 65488);
	free(buf);
}
END_TEST

/*
 * A payload_len near 2^32 must be rejected like any other oversized one. roce_build_hdr()
 * computes ip_len = hdr - l2 + payload_len + pad + 4 in 32 bits; it wraps to a small value,
 * passes the UINT16_MAX check and the header claims a tiny packet (roce_build() would then
 * memcpy ~4 GB).
 */
START_TEST(test_roce_build_hdr_payload_len_wrap)
{
	uint8_t hdr[128];
	struct roce_pkt p;

	test_pkt_fill(&p, ROCE_OP_SEND_ONLY, false, false, UINT32_MAX - 3);
	ck_assert_int_eq(roce_build_hdr(hdr, sizeof(hdr), &p), -EINVAL);
	test_pkt_fill(&p, ROCE_OP_SEND_ONLY, true, true, UINT32_MAX - 60);
	ck_assert_int_eq(roce_build_hdr(hdr, sizeof(hdr), &p), -EINVAL);
}
END_TEST

START_TEST(test_roce_build_hdr_layout)
{
	static const struct { bool v6, vlan; uint16_t l3, l4; } lay[] = {
		{ false, false, 14, 34 }, { false, true, 18, 38 },
		{ true, false, 14, 54 }, { true, true, 18, 58 },
	};
	uint8_t buf[512];
	struct roce_pkt p;
	unsigned int i;

	for (i = 0; i < RTE_DIM(lay); i++) {
		test_pkt_fill(&p, ROCE_OP_UD_SEND_ONLY_IMM, lay[i].v6, lay[i].vlan, 7);
		ck_assert_int_eq(roce_build_hdr(buf, sizeof(buf), &p), lay[i].l4 + 8 + 12 + 12);
		ck_assert_uint_eq(p.l3_off, lay[i].l3);
		ck_assert_uint_eq(p.l4_off, lay[i].l4);
		ck_assert_uint_eq(p.bth_off, lay[i].l4 + 8);
		ck_assert_uint_eq(p.payload_off, lay[i].l4 + 8 + 12 + 12);
		ck_assert_uint_eq(p.padcnt, 1);
		ck_assert_uint_eq(p.frame_len, p.payload_off + 7 + 1 + 4);
		ck_assert_ptr_eq(p.op, roce_opcode(ROCE_OP_UD_SEND_ONLY_IMM));
	}
}
END_TEST

START_TEST(test_roce_build_ipv4_wire)
{
	uint8_t f[512];
	struct roce_pkt p;
	uint32_t len = test_make(f, &p, ROCE_OP_SEND_ONLY, false, true, 5);

	ck_assert_uint_eq(len, 18 + 20 + 8 + 12 + 8 + 4);
	ck_assert_uint_eq(f[12], 0x81);		/* 802.1Q */
	ck_assert_uint_eq(f[13], 0x00);
	ck_assert_uint_eq(f[14], 0xb1);		/* TCI 0xb123 */
	ck_assert_uint_eq(f[15], 0x23);
	ck_assert_uint_eq(f[16], 0x08);
	ck_assert_uint_eq(f[17], 0x00);
	ck_assert_uint_eq(f[18], 0x45);		/* IPv4, IHL 5 */
	ck_assert_uint_eq(f[19], 0x6b);		/* TOS = tclass */
	ck_assert_uint_eq(f[20] << 8 | f[21], len - 18);
	ck_assert_uint_eq(f[24], 0x40);		/* DF, offset 0 (Annex A17.4.3) */
	ck_assert_uint_eq(f[25], 0x00);
	ck_assert_uint_eq(f[26], 0x3f);		/* TTL = hop limit */
	ck_assert_uint_eq(f[27], 17);
	ck_assert_uint_eq(rte_raw_cksum(f + 18, 20), 0xffff);
	ck_assert_uint_eq(f[30], 192);
	ck_assert_uint_eq(f[33], 11);
	ck_assert_uint_eq(f[34], 10);
	ck_assert_uint_eq(f[37], 254);
	ck_assert_uint_eq(f[38] << 8 | f[39], 0xc0de);
	ck_assert_uint_eq(f[40] << 8 | f[41], 4791);
	ck_assert_uint_eq(f[42] << 8 | f[43], len - 38);
	ck_assert_uint_eq(f[44] | f[45], 0);		/* UDP checksum 0 (Annex A17.4.2) */
	ck_assert_uint_eq(f[46], ROCE_OP_SEND_ONLY);
	ck_assert_uint_eq(f[47], 0x80 | 0x40 | 0x30);	/* SE, MigReq, PadCnt 3, TVer 0 */
	ck_assert_uint_eq(f[50], 0xc0);			/* FECN, BECN, resv6 0 */
	ck_assert_uint_eq(f[54], 0x80);			/* AckReq, resv7 0 */
	ck_assert_uint_eq(f[63] | f[64] | f[65], 0);	/* pad */
	ck_assert_uint_eq(roce_icrc_get(f + len - 4), roce_icrc_buf(f + 18, len - 22));
}
END_TEST

START_TEST(test_roce_build_ipv6_wire)
{
	uint8_t f[512];
	struct roce_pkt p;
	uint32_t len = test_make(f, &p, ROCE_OP_ACK, true, false, 0);

	ck_assert_uint_eq(len, 14 + 40 + 8 + 12 + 4 + 4);
	ck_assert_uint_eq(f[12] << 8 | f[13], 0x86dd);
	/* version 6, TC 0x6b, flow label 0xabcde */
	ck_assert_uint_eq(f[14], 0x66);
	ck_assert_uint_eq(f[15], 0xba);
	ck_assert_uint_eq(f[16], 0xbc);
	ck_assert_uint_eq(f[17], 0xde);
	ck_assert_uint_eq(f[18] << 8 | f[19], len - 14 - 40);
	ck_assert_uint_eq(f[20], 17);
	ck_assert_uint_eq(f[21], 0x3f);
	ck_assert_mem_eq(f + 22, p.sip, 16);
	ck_assert_mem_eq(f + 38, p.dip, 16);
	ck_assert_uint_eq(f[58] << 8 | f[59], len - 54);
	/* AETH: syndrome 0x61, MSN 0x123456 */
	ck_assert_uint_eq(f[74], 0x61);
	ck_assert_uint_eq(f[75] << 16 | f[76] << 8 | f[77], 0x123456);
}
END_TEST

/* Reserved bits and the CNP body are written as zero whatever the buffer held. */
START_TEST(test_roce_build_reserved_zero)
{
	static const uint8_t zero[16];
	uint8_t f[512];
	struct roce_pkt p;

	memset(f, 0xff, sizeof(f));
	test_pkt_fill(&p, ROCE_OP_CNP, false, false, 0);
	ck_assert_int_eq(roce_build(f, sizeof(f), &p, NULL), 14 + 20 + 8 + 12 + 16 + 4);
	ck_assert_mem_eq(f + p.payload_off - 16, zero, 16);
	ck_assert_uint_eq(f[p.bth_off + 4] & 0x3f, 0);
	ck_assert_uint_eq(f[p.bth_off + 8] & 0x7f, 0);

	memset(f, 0xff, sizeof(f));
	test_pkt_fill(&p, ROCE_OP_UD_SEND_ONLY, true, false, 0);
	ck_assert_int_gt(roce_build(f, sizeof(f), &p, NULL), 0);
	ck_assert_uint_eq(f[p.bth_off + 12 + 4], 0);	/* DETH reserved byte */
}
END_TEST

/* The header checksum is rte_ipv4_cksum()'s over varied TOS, TTL, lengths and addresses. */
START_TEST(test_roce_build_ipv4_cksum)
{
	uint8_t f[512];
	struct roce_pkt p;
	uint32_t i, x = 12345;

	for (i = 0; i < 5000; i++) {
		struct rte_ipv4_hdr *ip;
		uint16_t got;

		x = x * 1103515245 + 12345;
		test_pkt_fill(&p, ROCE_OP_WRITE_ONLY, false, (x >> 7) & 1, (x >> 8) % 300);
		p.tclass = (uint8_t)(x >> 16);
		p.hop_limit = (uint8_t)(x >> 24);
		roce_ipv4_to_mapped(p.sip, rte_cpu_to_be_32(x ^ 0xffff0000));
		roce_ipv4_to_mapped(p.dip, rte_cpu_to_be_32(~x));
		ck_assert_int_gt(roce_build_hdr(f, sizeof(f), &p), 0);
		ip = (struct rte_ipv4_hdr *)(f + p.l3_off);
		got = ip->hdr_checksum;
		ip->hdr_checksum = 0;
		if (got != rte_ipv4_cksum(ip))	/* ck_assert logs each pass: not in a loop */
			ck_abort_msg("header %u: checksum %04x, want %04x", i, got,
				     rte_ipv4_cksum(ip));
	}
}
END_TEST

/* What the buffer held before does not show: every valid opcode builds the same frame. */
START_TEST(test_roce_build_any_buffer)
{
	uint8_t f0[512], f1[512];
	struct roce_pkt p;
	unsigned int op;

	for (op = 0; op < 256; op++) {
		const struct roce_opcode_info *oi = roce_opcode((uint8_t)op);
		uint32_t len = 0;
		int n0, n1;

		if (!(oi->flags & ROCE_OPF_VALID))
			continue;
		if (op == ROCE_OP_ATOMIC_WRITE)
			len = ROCE_ATOMIC_WRITE_LEN;
		else if (oi->flags & ROCE_OPF_PAYLOAD)
			len = 13;
		test_pkt_fill(&p, (uint8_t)op, op & 1, false, len);
		memset(f0, 0, sizeof(f0));
		memset(f1, 0xff, sizeof(f1));
		n0 = roce_build(f0, sizeof(f0), &p, f0 + 400);
		n1 = roce_build(f1, sizeof(f1), &p, f0 + 400);
		ck_assert_int_gt(n0, 0);
		ck_assert_int_eq(n0, n1);
		ck_assert_msg(memcmp(f0, f1, (size_t)n0) == 0, "opcode 0x%02x: frames differ", op);
	}
}
END_TEST

/*
 * Headers from a path template and from the fields: the same bytes and layout, for
 * (opcode, family, 802.1Q) and payload lengths, errors included.
 */
static void
tmpl_same(uint8_t op, bool v6, bool vlan, uint32_t len, uint32_t seed)
{
	uint8_t f0[256], f1[256];
	struct roce_hdr_tmpl t;
	struct roce_pkt p0, p1;
	int n0, n1;

	test_pkt_fill(&p0, op, v6, vlan, len);
	p0.tclass = (uint8_t)seed;
	p0.hop_limit = (uint8_t)(seed >> 8);
	p0.sport = (uint16_t)(seed >> 16);
	if (!v6) {
		roce_ipv4_to_mapped(p0.sip, rte_cpu_to_be_32(seed * 2654435761u));
		roce_ipv4_to_mapped(p0.dip, rte_cpu_to_be_32(~seed));
	}
	ck_assert_int_eq(roce_tmpl_init(&t, &p0), 0);
	p1 = p0;
	/* The template's fields win over p's. */
	p1.vlan = !vlan;
	p1.ipv6 = !v6;
	memset(p1.sip, 0x5a, 16);
	memset(f0, 0xee, sizeof(f0));
	memset(f1, 0x11, sizeof(f1));
	n0 = roce_build_hdr(f0, sizeof(f0), &p0);
	n1 = roce_build_hdr_tmpl(f1, sizeof(f1), &t, &p1);
	if (n0 != n1 || (n0 > 0 && memcmp(f0, f1, (size_t)n0) != 0) ||
	    p0.frame_len != p1.frame_len || p0.payload_off != p1.payload_off ||
	    p0.l3_off != p1.l3_off || p0.l4_off != p1.l4_off || p0.bth_off != p1.bth_off ||
	    p0.padcnt != p1.padcnt || p1.vlan != vlan || p1.ipv6 != v6)
		ck_abort_msg("op 0x%02x v6 %d vlan %d len %u: %d/%d bytes differ", op, v6, vlan,
			     len, n0, n1);
}

START_TEST(test_roce_build_tmpl_same_bytes)
{
	unsigned int op, i, k, v;
	const uint32_t *pl;

	for (v = 0; v < 4; v++)
		for (op = 0; op < 256; op++) {
			if (!roce_opcode_valid(op))
				continue;
			k = op_plens(op, &pl);
			for (i = 0; i < k; i++)
				tmpl_same((uint8_t)op, v & 1, v & 2, pl[i], op * 7919 + i);
		}
}
END_TEST

/* Every IP length, so that the checksum update meets every carry (RFC 1624). */
START_TEST(test_roce_build_tmpl_every_length)
{
	uint32_t len, seed;

	for (seed = 1; seed < 4; seed++)
		for (len = 0; len <= UINT16_MAX; len++)
			tmpl_same(ROCE_OP_WRITE_ONLY, false, seed == 2, len, seed * 0x9e3779b9u);
	for (len = 0; len <= UINT16_MAX; len += 97)
		tmpl_same(ROCE_OP_SEND_ONLY, true, false, len, len);
}
END_TEST

/* The template refuses what roce_build_hdr() refuses, with the same errors. */
START_TEST(test_roce_build_tmpl_errors)
{
	uint8_t f[256];
	struct roce_hdr_tmpl t;
	struct roce_pkt p;

	test_pkt_fill(&p, ROCE_OP_SEND_ONLY, false, false, 0);
	memset(p.dip, 0, 16);
	ck_assert_int_eq(roce_tmpl_init(&t, &p), -EINVAL);
	test_pkt_fill(&p, ROCE_OP_WRITE_FIRST, false, false, 8);
	ck_assert_int_eq(roce_tmpl_init(&t, &p), 0);
	ck_assert_int_eq(roce_build_hdr_tmpl(f, 14 + 20 + 8 + 12 + 16 - 1, &t, &p), -ENOSPC);
	ck_assert_int_eq(roce_build_hdr_tmpl(f, 14 + 20 + 8 + 12 + 16, &t, &p),
			 14 + 20 + 8 + 12 + 16);
	p.opcode = 0x1f;	/* reserved */
	ck_assert_int_eq(roce_build_hdr_tmpl(f, sizeof(f), &t, &p), -EINVAL);
	p.opcode = ROCE_OP_ACK;
	ck_assert_int_eq(roce_build_hdr_tmpl(f, sizeof(f), &t, &p), -EINVAL);
	p.opcode = ROCE_OP_WRITE_ONLY;
	p.payload_len = UINT16_MAX - 20 - 8 - 12 - 16 - 4 + 1;
	ck_assert_int_eq(roce_build_hdr_tmpl(f, sizeof(f), &t, &p), -EINVAL);
	p.payload_len = 1u << 31;
	ck_assert_int_eq(roce_build_hdr_tmpl(f, sizeof(f), &t, &p), -EINVAL);
}
END_TEST

static Suite *
roce_build_suite(void)
{
	Suite *s = suite_create("roce_build");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 240);
	tcase_add_test(tc, test_roce_build_roundtrip_ipv4);
	tcase_add_test(tc, test_roce_build_roundtrip_ipv4_vlan);
	tcase_add_test(tc, test_roce_build_roundtrip_ipv6);
	tcase_add_test(tc, test_roce_build_roundtrip_ipv6_vlan);
	tcase_add_test(tc, test_roce_build_finish_mbuf_matches_build);
	tcase_add_test(tc, test_roce_build_finish_mbuf_errors);
	tcase_add_test(tc, test_roce_build_unknown_opcode);
	tcase_add_test(tc, test_roce_build_payload_on_no_payload_opcode);
	tcase_add_test(tc, test_roce_build_atomic_write_len);
	tcase_add_test(tc, test_roce_build_ipv4_unmapped_addr);
	tcase_add_test(tc, test_roce_build_small_cap);
	tcase_add_test(tc, test_roce_build_hdr_oversized_payload);
	tcase_add_test(tc, test_roce_build_hdr_payload_len_wrap);
	tcase_add_test(tc, test_roce_build_hdr_layout);
	tcase_add_test(tc, test_roce_build_ipv4_wire);
	tcase_add_test(tc, test_roce_build_ipv6_wire);
	tcase_add_test(tc, test_roce_build_reserved_zero);
	tcase_add_test(tc, test_roce_build_ipv4_cksum);
	tcase_add_test(tc, test_roce_build_any_buffer);
	tcase_add_test(tc, test_roce_build_tmpl_same_bytes);
	tcase_add_test(tc, test_roce_build_tmpl_every_length);
	tcase_add_test(tc, test_roce_build_tmpl_errors);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return test_run_suite(roce_build_suite());
}
