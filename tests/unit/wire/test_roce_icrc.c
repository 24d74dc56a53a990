/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * roce_icrc.c: known answers from captured rxe frames, the Annex A17.3.3 masking rule checked
 * byte by byte and against a bitwise reference CRC, the mbuf walk against the flat one
 * at every segment boundary, and the correction cache on hits and misses.
 */
#include "test_util.h"

/* Bitwise CRC-32 (IEEE 802.3, reflected 0xEDB88320), zlib-style chaining. */
static uint32_t
ref_crc32(uint32_t crc, const uint8_t *p, uint32_t len)
{
	unsigned int k;

	crc = ~crc;
	while (len-- > 0) {
		crc ^= *p++;
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
	}
	return ~crc;
}

/* The ICRC as Annex A17.3.3 words it, written without looking at roce_icrc.c. */
static uint32_t
ref_icrc(const uint8_t *l3, uint32_t len)
{
	static const uint8_t lrh[8] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint8_t *m = malloc(len);
	uint32_t l4, crc;

	ck_assert_ptr_nonnull(m);
	memcpy(m, l3, len);
	if ((m[0] >> 4) == 6) {
		m[0] |= 0x0f;			/* traffic class */
		m[1] = m[2] = m[3] = 0xff;	/* traffic class, flow label */
		m[7] = 0xff;			/* hop limit */
		l4 = 40;
	} else {
		m[1] = 0xff;			/* TOS */
		m[8] = 0xff;			/* TTL */
		m[10] = m[11] = 0xff;		/* header checksum */
		l4 = (m[0] & 0x0f) * 4u;
	}
	m[l4 + 6] = m[l4 + 7] = 0xff;		/* UDP checksum */
	m[l4 + 8 + 4] = 0xff;			/* BTH FECN, BECN, resv6 */
	crc = ref_crc32(ref_crc32(0, lrh, sizeof(lrh)), m, len);
	free(m);
	return crc;
}

/*
 * Set by the cached_* tests: frame_icrc() then goes through it (roce_icrc_cached()), so
 * the masking and coverage checks run on cache hits and misses alike.
 */
static struct roce_icrc_cache *use_cache;

/* ICRC of a whole frame whose IP header starts at l3_off, ICRC field excluded. */
static uint32_t
frame_icrc(const uint8_t *f, uint32_t len, uint32_t l3_off)
{
	if (use_cache != NULL)
		return roce_icrc_cached(use_cache, f + l3_off, len - ROCE_ICRC_LEN - l3_off);
	return roce_icrc_buf(f + l3_off, len - ROCE_ICRC_LEN - l3_off);
}

static void
check_known_answer(const uint8_t *f, uint32_t len, uint32_t want)
{
	ck_assert_uint_eq(roce_icrc_get(f + len - ROCE_ICRC_LEN), want);
	ck_assert_uint_eq(frame_icrc(f, len, 14), want);
	ck_assert_uint_eq(ref_icrc(f + 14, len - 18), want);
}

START_TEST(test_roce_icrc_buf_capture_rc_ack)
{
	check_known_answer(test_cap_rc_ack, sizeof(test_cap_rc_ack), 0x7f6f8897);
}
END_TEST

START_TEST(test_roce_icrc_buf_capture_atomic)
{
	check_known_answer(test_cap_atomic_ack, sizeof(test_cap_atomic_ack), 0x53eb318d);
	check_known_answer(test_cap_cmp_swap, sizeof(test_cap_cmp_swap), 0xf876744b);
}
END_TEST

START_TEST(test_roce_icrc_buf_ipv6_vector)
{
	check_known_answer(test_vec_v6_send, sizeof(test_vec_v6_send), 0x0997dcc9);
}
END_TEST

START_TEST(test_roce_icrc_get_put)
{
	uint8_t b[6] = { 0xaa, 0, 0, 0, 0, 0xbb };

	roce_icrc_put(b + 1, 0x12345678);
	ck_assert_uint_eq(b[1], 0x78);	/* least significant byte first */
	ck_assert_uint_eq(b[2], 0x56);
	ck_assert_uint_eq(b[3], 0x34);
	ck_assert_uint_eq(b[4], 0x12);
	ck_assert_uint_eq(b[0], 0xaa);
	ck_assert_uint_eq(b[5], 0xbb);
	ck_assert_uint_eq(roce_icrc_get(b + 1), 0x12345678);
}
END_TEST

/* Random IPv4 (any IHL) and IPv6 packets agree with the reference. */
START_TEST(test_roce_icrc_buf_matches_reference)
{
	static uint8_t pkt[2200];
	uint64_t seed = 0x1c2c0001;
	unsigned int i, j;

	for (i = 0; i < 2000; i++) {
		bool v6 = i & 1;
		uint32_t hdr = v6 ? 40 : (5 + i % 11) * 4u;
		uint32_t len = hdr + 20 + test_rand(&seed) % 2000;

		for (j = 0; j < len; j++)
			pkt[j] = (uint8_t)test_rand(&seed);
		pkt[0] = v6 ? (0x60 | (pkt[0] & 0x0f)) : (0x40 | hdr / 4);
		TEST_REQUIRE(roce_icrc_buf(pkt, len) == ref_icrc(pkt, len), "pkt %u len %u", i,
			     len);
	}
}
END_TEST

/* Each byte at one of offs[] takes all values under value_mask without changing the ICRC. */
static void
check_masked(uint8_t *f, uint32_t len, uint32_t l3_off, const uint32_t *offs, unsigned int n,
	     const uint8_t *value_mask)
{
	uint32_t want = frame_icrc(f, len, l3_off);
	unsigned int i, v;

	for (i = 0; i < n; i++) {
		uint8_t save = f[offs[i]];

		for (v = 0; v < 256; v++) {
			f[offs[i]] = (uint8_t)((save & ~value_mask[i]) | (v & value_mask[i]));
			TEST_REQUIRE(frame_icrc(f, len, l3_off) == want, "byte %u value %#x",
				     offs[i], f[offs[i]]);
		}
		f[offs[i]] = save;
	}
}

/* Any change to a byte not listed in masked[] (l3_off..ICRC) changes the ICRC. */
static void
check_covered(uint8_t *f, uint32_t len, uint32_t l3_off, const uint32_t *masked,
	      unsigned int n)
{
	uint32_t want = frame_icrc(f, len, l3_off);
	uint32_t at, k;
	unsigned int v;

	for (at = 0; at < len; at++) {
		uint8_t save = f[at];
		bool skip = false;

		for (k = 0; k < n; k++)
			skip |= masked[k] == at;
		if (skip)
			continue;
		for (v = 1; v < 256; v++) {
			f[at] = save ^ v;
			if (at < l3_off || at >= len - ROCE_ICRC_LEN)
				TEST_REQUIRE(frame_icrc(f, len, l3_off) == want, "L2/ICRC byte %u",
					     at);
			else
				TEST_REQUIRE(frame_icrc(f, len, l3_off) != want, "byte %u ^%#x",
					     at, v);
		}
		f[at] = save;
	}
}

static void
ipv4_masked_fields(void)
{
	uint8_t f[sizeof(test_cap_rc_ack)];
	/* TOS, TTL, checksum (2), UDP checksum (2), BTH byte 4 (FECN, BECN, resv6). */
	static const uint32_t offs[] = { 15, 22, 24, 25, 40, 41, 46 };
	static const uint8_t all[] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

	memcpy(f, test_cap_rc_ack, sizeof(f));
	check_masked(f, sizeof(f), 14, offs, RTE_DIM(offs), all);
	ck_assert_mem_eq(f, test_cap_rc_ack, sizeof(f));
	check_covered(f, sizeof(f), 14, offs, RTE_DIM(offs));
}

START_TEST(test_roce_icrc_buf_ipv4_masked_fields)
{
	ipv4_masked_fields();
}
END_TEST

static void
ipv6_masked_fields(void)
{
	uint8_t f[sizeof(test_vec_v6_send)];
	/* TC low nibble of byte 0, TC + flow label, hop limit, UDP checksum, BTH byte 4. */
	static const uint32_t offs[] = { 14, 15, 16, 17, 21, 60, 61, 66 };
	static const uint8_t vmask[] = { 0x0f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	unsigned int v;

	memcpy(f, test_vec_v6_send, sizeof(f));
	check_masked(f, sizeof(f), 14, offs, RTE_DIM(offs), vmask);
	ck_assert_mem_eq(f, test_vec_v6_send, sizeof(f));
	/* The version nibble of byte 0 is covered; the rest is checked byte by byte. */
	for (v = 1; v < 16; v++) {
		f[14] = test_vec_v6_send[14] ^ (v << 4);
		ck_assert_uint_ne(frame_icrc(f, sizeof(f), 14), 0x0997dcc9);
	}
	f[14] = test_vec_v6_send[14];
	check_covered(f, sizeof(f), 14, offs, RTE_DIM(offs));
}

START_TEST(test_roce_icrc_buf_ipv6_masked_fields)
{
	ipv6_masked_fields();
}
END_TEST

/* With IPv4 options the UDP and BTH masks move with the IHL; option bytes are covered. */
static void
ipv4_options(void)
{
	uint8_t f[sizeof(test_cap_rc_ack) + 8];
	static const uint32_t offs[] = { 15, 22, 24, 25, 48, 49, 54 };
	static const uint8_t all[] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

	/* IHL 7: two option words (NOP padding) after the 20-byte header. */
	memcpy(f, test_cap_rc_ack, 34);
	memset(f + 34, 0x01, 8);
	memcpy(f + 42, test_cap_rc_ack + 34, sizeof(test_cap_rc_ack) - 34);
	f[14] = 0x47;
	test_set_ip_len(f, 14, sizeof(f) - 14);
	test_fix_icrc(f, 14, sizeof(f));
	ck_assert_uint_eq(frame_icrc(f, sizeof(f), 14), ref_icrc(f + 14, sizeof(f) - 18));
	check_masked(f, sizeof(f), 14, offs, RTE_DIM(offs), all);
	check_covered(f, sizeof(f), 14, offs, RTE_DIM(offs));
}

START_TEST(test_roce_icrc_buf_ipv4_options)
{
	ipv4_options();
}
END_TEST

START_TEST(test_roce_icrc_buf_input_untouched)
{
	uint8_t f[sizeof(test_vec_v6_send)];

	memcpy(f, test_vec_v6_send, sizeof(f));
	(void)frame_icrc(f, sizeof(f), 14);
	ck_assert_mem_eq(f, test_vec_v6_send, sizeof(f));
}
END_TEST

/* roce_icrc_mbuf over chain m equals roce_icrc_buf over the frame, and writes nothing. */
static void
check_chain(const uint8_t *f, uint32_t len, uint32_t l3_off, const uint32_t *cuts,
	    unsigned int ncuts)
{
	static uint8_t back[TEST_FRAME_MAX];
	struct test_chain c;
	struct rte_mbuf *m = test_chain_init(&c, f, len, cuts, ncuts, 0);
	uint32_t crc = 0;
	int ret;

	ret = roce_icrc_mbuf(m, l3_off, len - ROCE_ICRC_LEN - l3_off, &crc);
	TEST_REQUIRE(ret == 0, "ret %d, %u cuts, first %u", ret, ncuts, ncuts ? cuts[0] : 0);
	TEST_REQUIRE(crc == frame_icrc(f, len, l3_off), "crc %#x, %u cuts, first %u last %u",
		     crc, ncuts, ncuts ? cuts[0] : 0, ncuts ? cuts[ncuts - 1] : 0);
	TEST_REQUIRE(test_chain_linear(m, back, sizeof(back)) == len, "chain length");
	TEST_REQUIRE(memcmp(back, f, len) == 0, "roce_icrc_mbuf wrote to the chain");
	test_chain_free(&c);
}

/* Frames with different l3 offsets and masking layouts. */
static uint32_t
sample_frame(unsigned int i, uint8_t *f, uint32_t *l3_off)
{
	struct roce_pkt p;

	*l3_off = 14;
	switch (i) {
	case 0:
		memcpy(f, test_cap_rc_ack, sizeof(test_cap_rc_ack));
		return sizeof(test_cap_rc_ack);
	case 1:
		memcpy(f, test_vec_v6_send, sizeof(test_vec_v6_send));
		return sizeof(test_vec_v6_send);
	case 2:
		*l3_off = 18;
		return test_make(f, &p, ROCE_OP_UD_SEND_ONLY_IMM, false, true, 37);
	default:
		*l3_off = 18;
		return test_make(f, &p, ROCE_OP_CMP_SWAP, true, true, 0);
	}
}

START_TEST(test_roce_icrc_mbuf_two_segments)
{
	static uint8_t f[TEST_FRAME_MAX];
	uint32_t len, l3_off, at;
	unsigned int i;

	for (i = 0; i < 4; i++) {
		len = sample_frame(i, f, &l3_off);
		check_chain(f, len, l3_off, NULL, 0);
		for (at = 1; at < len; at++)
			check_chain(f, len, l3_off, &at, 1);
	}
}
END_TEST

START_TEST(test_roce_icrc_mbuf_three_segments)
{
	static uint8_t f[TEST_FRAME_MAX];
	uint32_t len, l3_off, cuts[2];
	unsigned int i;

	for (i = 0; i < 4; i++) {
		len = sample_frame(i, f, &l3_off);
		for (cuts[0] = 1; cuts[0] < len; cuts[0]++)
			for (cuts[1] = cuts[0] + 1; cuts[1] < len; cuts[1]++)
				check_chain(f, len, l3_off, cuts, 2);
	}
}
END_TEST

START_TEST(test_roce_icrc_mbuf_one_byte_segments)
{
	static uint8_t f[TEST_FRAME_MAX];
	uint32_t cuts[TEST_SEGS_MAX], len, l3_off, k;
	unsigned int i;

	for (i = 0; i < 4; i++) {
		len = sample_frame(i, f, &l3_off);
		ck_assert_uint_lt(len, TEST_SEGS_MAX);
		for (k = 1; k < len; k++)
			cuts[k - 1] = k;
		check_chain(f, len, l3_off, cuts, len - 1);
	}
}
END_TEST

/* Empty segments anywhere in the chain are skipped. */
START_TEST(test_roce_icrc_mbuf_empty_segments)
{
	uint32_t len = sizeof(test_cap_rc_ack);
	uint32_t cuts[3], at;

	for (at = 0; at <= len; at++) {
		cuts[0] = at;
		cuts[1] = at;
		check_chain(test_cap_rc_ack, len, 14, cuts, 2);
	}
	cuts[0] = 0;
	cuts[1] = 30;
	cuts[2] = 30;
	check_chain(test_cap_rc_ack, len, 14, cuts, 3);
}
END_TEST

/* A 4 KB payload cut into random pieces. */
START_TEST(test_roce_icrc_mbuf_large_random)
{
	static uint8_t f[TEST_FRAME_MAX];
	uint32_t cuts[64];
	uint64_t seed = 0x1c2c0002;
	struct roce_pkt p;
	uint32_t len;
	unsigned int i, k, n;

	len = test_make(f, &p, ROCE_OP_WRITE_ONLY_IMM, true, true, 4093);
	for (i = 0; i < 500; i++) {
		n = 1 + test_rand(&seed) % RTE_DIM(cuts);
		cuts[0] = 1 + test_rand(&seed) % 200;
		for (k = 1; k < n; k++)
			cuts[k] = cuts[k - 1] + 1 + test_rand(&seed) % 150;
		while (n > 0 && cuts[n - 1] >= len)
			n--;
		check_chain(f, len, p.l3_off, cuts, n);
	}
}
END_TEST

START_TEST(test_roce_icrc_mbuf_short_chain)
{
	uint32_t len = sizeof(test_cap_rc_ack), at = 30, crc = 0xdeadbeef;
	struct test_chain c;
	struct rte_mbuf *m = test_chain_init(&c, test_cap_rc_ack, len, &at, 1, 0);

	ck_assert_int_eq(roce_icrc_mbuf(m, 14, len - 14 + 1, &crc), -EINVAL);
	ck_assert_int_eq(roce_icrc_mbuf(m, 20, len - 14, &crc), -EINVAL);
	ck_assert_uint_eq(crc, 0xdeadbeef);
	ck_assert_int_eq(roce_icrc_mbuf(m, 14, len - 14 - ROCE_ICRC_LEN, &crc), 0);
	ck_assert_uint_eq(crc, 0x7f6f8897);
	test_chain_free(&c);
}
END_TEST

/* The masking and coverage checks again, through a cache: hits and misses both right. */
START_TEST(test_roce_icrc_cached_masked_fields)
{
	struct roce_icrc_cache c;

	roce_icrc_cache_init(&c);
	use_cache = &c;
	ipv4_masked_fields();
	ipv6_masked_fields();
	ipv4_options();
	/* A masked byte's value is a miss; a covered byte flipped keeps the key: a hit. */
	ck_assert_uint_gt(c.misses, 3 * 255);
	ck_assert_uint_gt(c.hits, 10000);
}
END_TEST

/* Random packets, then the same with new unmasked bytes (hits), against the reference. */
START_TEST(test_roce_icrc_cached_matches_reference)
{
	static uint8_t pkt[2200];
	struct roce_icrc_cache c;
	uint64_t seed = 0x1c2c0002;
	unsigned int i, j, round;

	roce_icrc_cache_init(&c);
	for (i = 0; i < 500; i++) {
		bool v6 = i & 1;
		uint32_t hdr = v6 ? 40 : (5 + i % 11) * 4u;
		uint32_t len = hdr + 20 + test_rand(&seed) % 2000;
		uint64_t misses = c.misses;

		for (round = 0; round < 3; round++) {
			/* Round 0 draws every byte; later rounds only those past the BTH. */
			for (j = round == 0 ? 0 : hdr + 20; j < len; j++)
				pkt[j] = (uint8_t)test_rand(&seed);
			pkt[0] = v6 ? (0x60 | (pkt[0] & 0x0f)) : (0x40 | hdr / 4);
			TEST_REQUIRE(roce_icrc_cached(&c, pkt, len) == ref_icrc(pkt, len),
				     "pkt %u round %u len %u", i, round, len);
		}
		TEST_REQUIRE(c.misses == misses + 1, "pkt %u: %" PRIu64 " misses", i,
			     c.misses - misses);
	}
	ck_assert_uint_eq(c.hits, 1000);
}
END_TEST

/* Same masked bytes, other lengths: each length its own entry; eviction stays right. */
START_TEST(test_roce_icrc_cached_lengths)
{
	/* From IPv6 + UDP + BTH up: four times as many lengths as entries. */
	enum { MIN = 40 + 8 + 12, N = 4 * ROCE_ICRC_CACHE_SIZE };
	uint8_t f[14 + MIN + N];
	struct roce_icrc_cache c;
	uint32_t len, pass;

	memcpy(f, test_vec_v6_send, sizeof(test_vec_v6_send));
	memset(f + sizeof(test_vec_v6_send), 0x3c, sizeof(f) - sizeof(test_vec_v6_send));
	roce_icrc_cache_init(&c);
	ck_assert_uint_eq(roce_icrc_cached(&c, f + 14, sizeof(test_vec_v6_send) - 18), 0x0997dcc9);
	for (pass = 0; pass < 2; pass++) {
		for (len = MIN; len < MIN + N; len++)
			TEST_REQUIRE(roce_icrc_cached(&c, f + 14, len) == ref_icrc(f + 14, len),
				     "pass %u len %u", pass, len);
	}
	/* The second pass finds at most one entry's worth of the first's. */
	ck_assert_uint_eq(c.hits + c.misses, 1 + 2 * N);
	ck_assert_uint_ge(c.misses, 1 + 2 * N - 1 - ROCE_ICRC_CACHE_SIZE);
}
END_TEST

/* Shorter than IP + UDP + BTH: no key to take (it would read past len), no entry. */
START_TEST(test_roce_icrc_cached_short)
{
	uint8_t f[20 + 8 + 11];
	struct roce_icrc_cache c;

	memcpy(f, test_cap_rc_ack + 14, sizeof(f));
	roce_icrc_cache_init(&c);
	ck_assert_uint_eq(roce_icrc_cached(&c, f, sizeof(f)), roce_icrc_buf(f, sizeof(f)));
	ck_assert_uint_eq(c.hits + c.misses, 0);
	ck_assert_uint_eq(roce_icrc_cached(&c, f, sizeof(f)), ref_icrc(f, sizeof(f)));
}
END_TEST

START_TEST(test_roce_icrc_cached_input_untouched)
{
	uint8_t f[sizeof(test_vec_v6_send)];
	struct roce_icrc_cache c;

	memcpy(f, test_vec_v6_send, sizeof(f));
	roce_icrc_cache_init(&c);
	ck_assert_uint_eq(roce_icrc_cached(&c, f + 14, sizeof(f) - 18), 0x0997dcc9);
	ck_assert_uint_eq(roce_icrc_cached(&c, f + 14, sizeof(f) - 18), 0x0997dcc9);
	ck_assert_mem_eq(f, test_vec_v6_send, sizeof(f));
	ck_assert_uint_eq(c.hits, 1);
	ck_assert_uint_eq(c.misses, 1);
}
END_TEST

static void
no_cache(void)
{
	use_cache = NULL;
}

static Suite *
roce_icrc_suite(void)
{
	Suite *s = suite_create("roce_icrc");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, no_cache, NULL);
	tcase_add_test(tc, test_roce_icrc_buf_capture_rc_ack);
	tcase_add_test(tc, test_roce_icrc_buf_capture_atomic);
	tcase_add_test(tc, test_roce_icrc_buf_ipv6_vector);
	tcase_add_test(tc, test_roce_icrc_get_put);
	tcase_add_test(tc, test_roce_icrc_buf_matches_reference);
	tcase_add_test(tc, test_roce_icrc_buf_ipv4_masked_fields);
	tcase_add_test(tc, test_roce_icrc_buf_ipv6_masked_fields);
	tcase_add_test(tc, test_roce_icrc_buf_ipv4_options);
	tcase_add_test(tc, test_roce_icrc_buf_input_untouched);
	tcase_add_test(tc, test_roce_icrc_mbuf_two_segments);
	tcase_add_test(tc, test_roce_icrc_mbuf_three_segments);
	tcase_add_test(tc, test_roce_icrc_mbuf_one_byte_segments);
	tcase_add_test(tc, test_roce_icrc_mbuf_empty_segments);
	tcase_add_test(tc, test_roce_icrc_mbuf_large_random);
	tcase_add_test(tc, test_roce_icrc_mbuf_short_chain);
	tcase_add_test(tc, test_roce_icrc_cached_masked_fields);
	tcase_add_test(tc, test_roce_icrc_cached_matches_reference);
	tcase_add_test(tc, test_roce_icrc_cached_lengths);
	tcase_add_test(tc, test_roce_icrc_cached_short);
	tcase_add_test(tc, test_roce_icrc_cached_input_untouched);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return test_run_suite(roce_icrc_suite());
}
