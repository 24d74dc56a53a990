/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * roce_parse.c robustness, kept apart from test_roce_parse.c for size: the longest header run
 * split at every byte, every truncation of valid frames, and thousands of random mutations
 * (fixed seeds). Run under ASan/UBSan: parsing never reads outside the frame, the flat and
 * segmented parses always agree, and every success is self-consistent.
 */
#include "test_util.h"

/*
 * The longest header run: 802.1Q, IPv4 with 40 bytes of options, UDP, BTH and AtomicETH end
 * at byte 126. Split anywhere, the segmented parse reads it all and agrees with the flat one.
 */
START_TEST(test_roce_parse_mbuf_longest_headers)
{
	struct test_frame f;
	struct roce_pkt p, q;
	struct test_chain c;
	uint32_t l3, cut;
	const char *d;

	test_frame_make(&f, ROCE_OP_CMP_SWAP, false, true, 0);
	l3 = f.p.l3_off;
	memmove(f.b + l3 + 60, f.b + l3 + 20, f.len - l3 - 20);
	memset(f.b + l3 + 20, 0x01, 40);
	f.b[l3] = 0x4f;
	f.len += 40;
	test_frame_resize(&f, f.len);
	ck_assert_int_eq(roce_parse_buf(f.b, f.len, &test_ctx, &p, NULL, NULL), 0);
	ck_assert_uint_eq(p.payload_off, 126);
	ck_assert_uint_eq(p.atomic.compare, f.p.atomic.compare);
	ck_assert_uint_eq(p.atomic.swap_add, f.p.atomic.swap_add);
	for (cut = 1; cut < f.len; cut++) {
		int ret = roce_parse_mbuf(test_chain_init(&c, f.b, f.len, &cut, 1, 0), &test_ctx,
					  &q, NULL, NULL);

		test_chain_free(&c);
		ck_assert_msg(ret == 0, "cut %u: %d", cut, ret);
		d = test_pkt_diff(&p, &q);
		ck_assert_msg(d == NULL, "cut %u: %s differs", cut, d);
	}
}
END_TEST

/* Valid frames of several shapes, and the captured ACK. */
static uint32_t
robust_frame(unsigned int i, uint8_t *f)
{
	static const struct { uint8_t op; bool v6, vlan; uint32_t plen; } shapes[] = {
		{ ROCE_OP_WRITE_ONLY_IMM, false, true, 33 },
		{ ROCE_OP_CMP_SWAP, true, true, 0 },
		{ ROCE_OP_UD_SEND_ONLY_IMM, true, false, 5 },
		{ ROCE_OP_CNP, false, false, 0 },
		{ ROCE_OP_READ_RESP_FIRST, false, false, 300 },
		{ ROCE_OP_ATOMIC_ACK, true, false, 0 },
	};
	struct roce_pkt p;

	if (i == RTE_DIM(shapes)) {
		memcpy(f, test_cap_rc_ack, sizeof(test_cap_rc_ack));
		return sizeof(test_cap_rc_ack);
	}
	return test_make(f, &p, shapes[i].op, shapes[i].v6, shapes[i].vlan, shapes[i].plen);
}

#define ROBUST_FRAMES 7

/* Parse f[0..len) flat and split; both agree and any success is self-consistent. */
static int
parse_any(const uint8_t *f, uint32_t len, const struct roce_parse_ctx *ctx, uint64_t *seed)
{
	uint8_t *copy = malloc(len > 0 ? len : 1);
	struct roce_rx_stats st = { 0 };
	enum roce_drop r1 = ROCE_DROP_MAX, r2 = ROCE_DROP_MAX;
	struct roce_pkt p, q;
	struct test_chain c;
	uint32_t cuts[3];
	unsigned int n = 0, k;
	const char *d;
	int ret, ret2;

	memcpy(copy, f, len);
	ret = roce_parse_buf(copy, len, ctx, &p, &st, &r1);
	TEST_REQUIRE(ret == 0 || (ret == -EBADMSG && r1 < ROCE_DROP_MAX), "ret %d", ret);
	for (k = 0; k < ROCE_DROP_MAX; k++)
		n += st.drop[k];
	TEST_REQUIRE(st.ok + n == 1 && (ret == 0 || st.drop[r1] == 1), "one counter");
	n = 0;
	if (ret == 0) {
		TEST_REQUIRE(p.frame_len <= len && p.op == roce_opcode(p.opcode) &&
			     roce_opcode_valid(p.opcode) && p.tver == 0, "ok frame");
		TEST_REQUIRE(p.payload_off == p.bth_off + 12 + p.op->ext_len, "payload_off");
		TEST_REQUIRE(p.payload_off + p.payload_len + p.padcnt + ROCE_ICRC_LEN ==
			     p.frame_len, "layout adds up");
		TEST_REQUIRE(p.payload_len == 0 || (p.op->flags & ROCE_OPF_PAYLOAD), "payload");
		TEST_REQUIRE((p.l3_off == 14 || p.l3_off == 18) && p.bth_off == p.l4_off + 8,
			     "offsets");
		if (ctx->verify_icrc)
			TEST_REQUIRE(roce_icrc_get(copy + p.frame_len - 4) ==
				     roce_icrc_buf(copy + p.l3_off, p.frame_len - 4 - p.l3_off),
				     "ICRC");
	}
	for (k = 0; k < 3 && len > 1; k++) {
		uint32_t at = 1 + test_rand(seed) % (len - 1);

		if (n == 0 || at > cuts[n - 1])
			cuts[n++] = at;
	}
	ret2 = roce_parse_mbuf(test_chain_init(&c, copy, len, cuts, n, 0), ctx, &q, NULL, &r2);
	test_chain_free(&c);
	TEST_REQUIRE(ret2 == ret, "mbuf ret %d, flat %d (%s)", ret2, ret, test_drop_name(r1));
	if (ret == 0) {
		d = test_pkt_diff(&p, &q);
		TEST_REQUIRE(d == NULL, "mbuf parse differs in %s", d);
	} else {
		TEST_REQUIRE(r1 == r2, "mbuf %s, flat %s", test_drop_name(r2), test_drop_name(r1));
	}
	free(copy);
	return ret;
}

START_TEST(test_roce_parse_buf_every_truncation)
{
	static uint8_t f[TEST_FRAME_MAX];
	uint64_t seed = 0x7a0c0001;
	uint32_t len, n, l3;
	unsigned int i;

	for (i = 0; i < ROBUST_FRAMES; i++) {
		len = robust_frame(i, f);
		l3 = (f[12] == 0x81) ? 18 : 14;
		for (n = 0; n <= len; n++) {
			struct roce_rx_stats st = { 0 };
			enum roce_drop r = ROCE_DROP_MAX;
			struct roce_pkt p;
			int ret;

			ret = parse_any(f, n, &test_ctx, &seed);
			parse_any(f, n, &test_ctx_nocrc, &seed);
			TEST_REQUIRE((ret == 0) == (n == len), "frame %u cut %u: ret %d", i, n,
				     ret);
			if (n == len)
				continue;
			/* The IP length still claims the whole packet. */
			roce_parse_buf(f, n, &test_ctx, &p, &st, &r);
			TEST_REQUIRE(r == (n < l3 ? ROCE_DROP_TRUNC_L2 : ROCE_DROP_TRUNC_L3),
				     "frame %u cut %u: %s", i, n, test_drop_name(r));
		}
	}
}
END_TEST

/* Random byte mutations (and length changes), ICRC checked and not. */
START_TEST(test_roce_parse_buf_random_mutations)
{
	static uint8_t f[TEST_FRAME_MAX], m[TEST_FRAME_MAX];
	uint64_t seed = 0x7a0c0002;
	unsigned int i, it, k, nmut, oks = 0;
	uint32_t len, mlen;

	for (i = 0; i < ROBUST_FRAMES; i++) {
		len = robust_frame(i, f);
		for (it = 0; it < 3000; it++) {
			memcpy(m, f, len);
			mlen = len;
			nmut = 1 + test_rand(&seed) % 4;
			for (k = 0; k < nmut; k++) {
				uint32_t span = test_rand(&seed) & 1 ? RTE_MIN(len, 100u) : len;

				m[test_rand(&seed) % span] = (uint8_t)test_rand(&seed);
			}
			if (test_rand(&seed) % 8 == 0)
				mlen = test_rand(&seed) % (len + 16);
			for (k = len; k < mlen; k++)
				m[k] = (uint8_t)test_rand(&seed);
			oks += parse_any(m, mlen, &test_ctx_nocrc, &seed) == 0;
			parse_any(m, mlen, &test_ctx, &seed);
		}
	}
	ck_assert_uint_gt(oks, 0);
}
END_TEST

/* Mutations behind valid outer headers: checksum and ICRC repaired, so BTH checks run. */
START_TEST(test_roce_parse_buf_transport_mutations)
{
	static uint8_t f[TEST_FRAME_MAX], m[TEST_FRAME_MAX];
	uint64_t seed = 0x7a0c0003;
	unsigned int i, it, k, nmut, oks = 0, drops = 0;
	uint32_t len, bth, span;

	for (i = 0; i < ROBUST_FRAMES; i++) {
		len = robust_frame(i, f);
		bth = test_l4_off(f, f[12] == 0x81 ? 18 : 14) + 8;
		span = RTE_MIN(len - ROCE_ICRC_LEN - bth, 44u);
		for (it = 0; it < 3000; it++) {
			memcpy(m, f, len);
			nmut = 1 + test_rand(&seed) % 3;
			for (k = 0; k < nmut; k++)
				m[bth + test_rand(&seed) % span] = (uint8_t)test_rand(&seed);
			test_fix_icrc(m, f[12] == 0x81 ? 18 : 14, len);
			if (parse_any(m, len, &test_ctx, &seed) == 0)
				oks++;
			else
				drops++;
		}
	}
	ck_assert_uint_gt(oks, 0);
	ck_assert_uint_gt(drops, 0);
}
END_TEST

static Suite *
roce_parse_robust_suite(void)
{
	Suite *s = suite_create("roce_parse_robust");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 240);
	tcase_add_test(tc, test_roce_parse_mbuf_longest_headers);
	tcase_add_test(tc, test_roce_parse_buf_every_truncation);
	tcase_add_test(tc, test_roce_parse_buf_random_mutations);
	tcase_add_test(tc, test_roce_parse_buf_transport_mutations);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return test_run_suite(roce_parse_robust_suite());
}
