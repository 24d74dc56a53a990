/* SPDX-License-Identifier: BSD-3-Clause */
/* droce_addr_parse(), droce_addr_format(), droce_strerror(). */
#include <check.h>
#include <errno.h>
#include <string.h>

#include <droce/droce.h>

#include "check_run.h"

static const uint8_t v4mapped_192_0_2_1[16] = { [10] = 0xff, [11] = 0xff, 192, 0, 2, 1 };

START_TEST(test_droce_addr_parse_ipv4)
{
	uint8_t a[16], len = 0;

	ck_assert_int_eq(droce_addr_parse("192.0.2.1/24", a, &len), 0);
	ck_assert_mem_eq(a, v4mapped_192_0_2_1, 16);
	ck_assert_uint_eq(len, 24);
	ck_assert_int_eq(droce_addr_parse("192.0.2.1", a, &len), 0);
	ck_assert_uint_eq(len, 32);
	ck_assert_int_eq(droce_addr_parse("192.0.2.1", a, NULL), 0);
	ck_assert_mem_eq(a, v4mapped_192_0_2_1, 16);
}
END_TEST

START_TEST(test_droce_addr_parse_ipv6)
{
	static const uint8_t want[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x02 };
	uint8_t a[16], len = 0;

	ck_assert_int_eq(droce_addr_parse("2001:db8::2/64", a, &len), 0);
	ck_assert_mem_eq(a, want, 16);
	ck_assert_uint_eq(len, 64);
	ck_assert_int_eq(droce_addr_parse("2001:db8::2", a, &len), 0);
	ck_assert_uint_eq(len, 128);
	/* The IPv4-mapped IPv6 form is the same address as the IPv4 one. */
	ck_assert_int_eq(droce_addr_parse("::ffff:192.0.2.1", a, NULL), 0);
	ck_assert_mem_eq(a, v4mapped_192_0_2_1, 16);
}
END_TEST

START_TEST(test_droce_addr_parse_bad)
{
	static const char *const bad[] = {
		"", "192.0.2", "192.0.2.256", "192.0.2.1/", "192.0.2.1/0", "192.0.2.1/33",
		"/24", "192.0.2.1/24x", "192.0.2.1/-1", "2001:db8::1/129", "2001:db8:::1",
		"host.example", "192.0.2.1 ", "2001:db8::1/64/64",
		"0123456789012345678901234567890123456789012345678901234567890",
	};
	uint8_t a[16], len;
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(droce_addr_parse(bad[i], a, &len) == -EINVAL, "'%s' accepted",
			      bad[i]);
	/* A prefix where none is wanted (an address to resolve) is refused. */
	ck_assert_int_eq(droce_addr_parse("192.0.2.1/24", a, NULL), -EINVAL);
	ck_assert_int_eq(droce_addr_parse(NULL, a, &len), -EINVAL);
}
END_TEST

START_TEST(test_droce_addr_format)
{
	uint8_t a[16];
	char buf[DROCE_ADDR_STRLEN];

	ck_assert_str_eq(droce_addr_format(v4mapped_192_0_2_1, buf, sizeof(buf)), "192.0.2.1");
	ck_assert_int_eq(droce_addr_parse("2001:db8::2", a, NULL), 0);
	ck_assert_str_eq(droce_addr_format(a, buf, sizeof(buf)), "2001:db8::2");
}
END_TEST

START_TEST(test_droce_strerror_names)
{
	ck_assert_str_eq(droce_strerror(-EHOSTUNREACH), "peer did not answer address resolution");
	ck_assert_str_eq(droce_strerror(-ENODEV), "no such device");
	ck_assert_str_eq(droce_strerror(-ETIMEDOUT), "timed out");
	ck_assert_str_eq(droce_strerror(-EINVAL), strerror(EINVAL));
	ck_assert_str_eq(droce_strerror(0), "success");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("droce_addr");
	TCase *tc = tcase_create("addr");

	tcase_add_test(tc, test_droce_addr_parse_ipv4);
	tcase_add_test(tc, test_droce_addr_parse_ipv6);
	tcase_add_test(tc, test_droce_addr_parse_bad);
	tcase_add_test(tc, test_droce_addr_format);
	tcase_add_test(tc, test_droce_strerror_names);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
