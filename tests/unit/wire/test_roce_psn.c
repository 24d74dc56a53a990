/* SPDX-License-Identifier: BSD-3-Clause */
/* roce_psn.h: 24-bit PSN arithmetic with wrap-around (IBA 9.7.1). */
#include "roce_psn.h"
#include "test_util.h"

#define HALF	(1u << 23)

START_TEST(test_roce_psn_add_wrap)
{
	ck_assert_uint_eq(roce_psn_add(0xffffff, 1), 0);
	ck_assert_uint_eq(roce_psn_add(0xfffffe, 3), 1);
	ck_assert_uint_eq(roce_psn_add(0, 0), 0);
	ck_assert_uint_eq(roce_psn_add(0x123456, 0), 0x123456);
	ck_assert_uint_eq(roce_psn_add(0x123456, ROCE_PSN_MOD), 0x123456);
	ck_assert_uint_eq(roce_psn_add(0x000001, 0xffffff), 0);
	ck_assert_uint_eq(roce_psn_add(0x800000, HALF), 0);
	/* Adding 2^24 - 1 is subtracting one. */
	ck_assert_uint_eq(roce_psn_add(0, ROCE_PSN_MOD - 1), 0xffffff);
	ck_assert_uint_eq(roce_psn_add(5, ROCE_PSN_MOD - 1), 4);
}
END_TEST

START_TEST(test_roce_psn_diff_wrap)
{
	ck_assert_int_eq(roce_psn_diff(0, 0xffffff), 1);
	ck_assert_int_eq(roce_psn_diff(0xffffff, 0), -1);
	ck_assert_int_eq(roce_psn_diff(5, 5), 0);
	ck_assert_int_eq(roce_psn_diff(0xffffff, 0xffffff), 0);
	ck_assert_int_eq(roce_psn_diff(10, 3), 7);
	ck_assert_int_eq(roce_psn_diff(3, 10), -7);
	ck_assert_int_eq(roce_psn_diff(2, 0xfffffe), 4);
	ck_assert_int_eq(roce_psn_diff(0xfffffe, 2), -4);
}
END_TEST

/* The result lies in [-2^23, 2^23): exactly half a window away reads as "before". */
START_TEST(test_roce_psn_diff_half_window)
{
	ck_assert_int_eq(roce_psn_diff(HALF - 1, 0), (int32_t)HALF - 1);
	ck_assert_int_eq(roce_psn_diff(0, HALF - 1), -((int32_t)HALF - 1));
	ck_assert_int_eq(roce_psn_diff(HALF, 0), -(int32_t)HALF);
	ck_assert_int_eq(roce_psn_diff(0, HALF), -(int32_t)HALF);
	ck_assert_int_eq(roce_psn_diff(HALF + 1, 0), -((int32_t)HALF - 1));
	ck_assert_int_eq(roce_psn_diff(0, HALF + 1), (int32_t)HALF - 1);
	ck_assert_int_eq(roce_psn_diff(0xffffff, HALF - 1), -(int32_t)HALF);
	ck_assert_int_eq(roce_psn_diff(0x7fffff + 0x123, 0x123), (int32_t)HALF - 1);
	ck_assert_int_eq(roce_psn_cmp(HALF - 1, 0), 1);
	ck_assert_int_eq(roce_psn_cmp(HALF, 0), -1);
	ck_assert_int_eq(roce_psn_cmp(HALF + 1, 0), -1);
}
END_TEST

START_TEST(test_roce_psn_cmp_basic)
{
	ck_assert_int_eq(roce_psn_cmp(0, 0xffffff), 1);
	ck_assert_int_eq(roce_psn_cmp(0xffffff, 0), -1);
	ck_assert_int_eq(roce_psn_cmp(7, 7), 0);
	ck_assert_int_eq(roce_psn_cmp(8, 7), 1);
	ck_assert_int_eq(roce_psn_cmp(7, 8), -1);
	ck_assert_int_eq(roce_psn_cmp(100000, 3), 1);
}
END_TEST

/* Random pairs strictly inside the window: add, diff and cmp agree and are antisymmetric. */
START_TEST(test_roce_psn_cmp_random_consistent)
{
	uint64_t seed = 0x5eed0001;
	unsigned int i;

	for (i = 0; i < 200000; i++) {
		uint32_t a = test_rand(&seed) & ROCE_PSN_MASK;
		int32_t d = (int32_t)(test_rand(&seed) % (2 * HALF - 1)) - (int32_t)(HALF - 1);
		uint32_t b = roce_psn_add(a, (uint32_t)d & ROCE_PSN_MASK);
		int s = (d > 0) - (d < 0);

		TEST_REQUIRE(b <= ROCE_PSN_MASK, "add out of range");
		TEST_REQUIRE(roce_psn_diff(b, a) == d, "diff(%#x,%#x)=%d want %d", b, a,
			     roce_psn_diff(b, a), d);
		TEST_REQUIRE(roce_psn_diff(a, b) == -d, "diff(%#x,%#x) not -%d", a, b, d);
		TEST_REQUIRE(roce_psn_cmp(b, a) == s, "cmp(%#x,%#x)", b, a);
		TEST_REQUIRE(roce_psn_cmp(a, b) == -s, "cmp(%#x,%#x)", a, b);
		TEST_REQUIRE(roce_psn_add(b, (uint32_t)-d & ROCE_PSN_MASK) == a, "add back");
	}
}
END_TEST

/* Three PSNs spanning less than half a window are ordered transitively, across the wrap. */
START_TEST(test_roce_psn_cmp_transitive)
{
	uint64_t seed = 0x5eed0002;
	unsigned int i;

	for (i = 0; i < 100000; i++) {
		uint32_t a = test_rand(&seed) & ROCE_PSN_MASK;
		uint32_t x = test_rand(&seed) % (HALF / 2);
		uint32_t y = test_rand(&seed) % (HALF / 2);
		uint32_t b = roce_psn_add(a, x);
		uint32_t c = roce_psn_add(b, y);

		TEST_REQUIRE(roce_psn_cmp(a, b) <= 0 && roce_psn_cmp(b, c) <= 0, "order");
		TEST_REQUIRE(roce_psn_cmp(a, c) == ((x + y) != 0 ? -1 : 0), "transitive");
		TEST_REQUIRE(roce_psn_diff(c, a) == (int32_t)(x + y), "sum of steps");
	}
}
END_TEST

static Suite *
roce_psn_suite(void)
{
	Suite *s = suite_create("roce_psn");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_roce_psn_add_wrap);
	tcase_add_test(tc, test_roce_psn_diff_wrap);
	tcase_add_test(tc, test_roce_psn_diff_half_window);
	tcase_add_test(tc, test_roce_psn_cmp_basic);
	tcase_add_test(tc, test_roce_psn_cmp_random_consistent);
	tcase_add_test(tc, test_roce_psn_cmp_transitive);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return test_run_suite(roce_psn_suite());
}
