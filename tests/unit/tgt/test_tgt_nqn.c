/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tgt_nqn.c: the NQNs of the capture accepted; each NVMe Base 2.0 4.5 rule shown refusing
 * a name with its errno and its reason; the length limit at its boundary.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "check_run.h"
#include "nvmf_wire.h"

/* Expect nqn refused with err and a reason containing want. */
static void
expect_refused(const char *nqn, int err, const char *want)
{
	char why[128] = "";

	ck_assert_int_eq(nvmf_nqn_check(nqn, why, sizeof(why)), err);
	ck_assert_msg(strstr(why, want) != NULL, "\"%s\": reason \"%s\", want \"%s\"", nqn,
		      why, want);
}

static void
expect_ok(const char *nqn)
{
	char why[64] = "untouched";

	ck_assert_msg(nvmf_nqn_check(nqn, why, sizeof(why)) == 0, "\"%s\" refused: %s", nqn,
		      why);
	ck_assert_str_eq(why, "untouched");
}

START_TEST(test_nvmf_nqn_check_capture)
{
	/* subnqn of pcap#9 and #94, hostnqn of both. */
	expect_ok(NVMF_DISCOVERY_NQN);
	expect_ok("nqn.2024-01.io.rxe-vm:test");
	expect_ok("nqn.2014-08.org.nvmexpress:uuid:63f3ae67-b2b0-4c44-9f58-e1cb37d65010");
	ck_assert_int_eq(nvmf_nqn_check("nqn.2024-01.io.rxe-vm:test", NULL, 0), 0);
}
END_TEST

START_TEST(test_nvmf_nqn_check_valid_forms)
{
	expect_ok("nqn.2016-06.io.spdk:cnode1");
	expect_ok("nqn.1999-12.com.example.storage:array-1:disk/7");
	expect_ok("nqn.2014-08.org.nvmexpress:uuid:ABCDEF01-2345-6789-ABCD-EF0123456789");
	expect_ok("nqn.2020-10.a1-b.c:x");
	expect_ok("nqn.2020-10.com.example:d\xc3\xa9j\xc3\xa0-vu");	/* UTF-8 */
	expect_ok("nqn.2020-10.com.example:\xe2\x82\xac\xf0\x9f\x92\xbe");
}
END_TEST

START_TEST(test_nvmf_nqn_check_length)
{
	char nqn[300];
	char why[64];
	size_t plen = strlen("nqn.2024-01.io.rxe-vm:");

	/* 223 bytes: the longest allowed; 224: refused. */
	memset(nqn, 0, sizeof(nqn));
	memcpy(nqn, "nqn.2024-01.io.rxe-vm:", plen);
	memset(nqn + plen, 'x', NVMF_NQN_MAX_LEN - plen);
	ck_assert_uint_eq(strlen(nqn), 223);
	ck_assert_int_eq(nvmf_nqn_check(nqn, why, sizeof(why)), 0);
	nqn[223] = 'x';
	expect_refused(nqn, -ENAMETOOLONG, "223");
	memset(nqn + 224, 'y', 50);
	expect_refused(nqn, -ENAMETOOLONG, "223");
	expect_refused("", -EINVAL, "empty");
}
END_TEST

START_TEST(test_nvmf_nqn_check_date)
{
	expect_refused("nqm.2024-01.io.rxe-vm:test", -EINVAL, "nqn.");
	expect_refused("NQN.2024-01.io.rxe-vm:test", -EINVAL, "nqn.");
	expect_refused("nqn.24-01.io.rxe-vm:test", -EINVAL, "year");
	expect_refused("nqn.202a-01.io.rxe-vm:test", -EINVAL, "year");
	expect_refused("nqn.2024-1.io.rxe-vm:test", -EINVAL, "month");
	expect_refused("nqn.2024_01.io.rxe-vm:test", -EINVAL, "month");
	expect_refused("nqn.2024-00.io.rxe-vm:test", -EINVAL, "01-12");
	expect_refused("nqn.2024-13.io.rxe-vm:test", -EINVAL, "01-12");
	expect_refused("nqn.2024-01:io.rxe-vm:test", -EINVAL, "'.' after the date");
	expect_refused("nqn.2024-01", -EINVAL, "too short");
	expect_ok("nqn.2024-12.io.rxe-vm:test");
}
END_TEST

START_TEST(test_nvmf_nqn_check_domain)
{
	char nqn[128];

	expect_refused("nqn.2024-01.io.rxe-vm", -EINVAL, "no ':'");
	expect_refused("nqn.2024-01.:test", -EINVAL, "empty reverse domain");
	expect_refused("nqn.2024-01.1o.rxe:test", -EINVAL, "start with a letter");
	expect_refused("nqn.2024-01.io.-rxe:test", -EINVAL, "start with a letter");
	expect_refused("nqn.2024-01.io.rxe-:test", -EINVAL, "ending with '-'");
	expect_refused("nqn.2024-01.io-.rxe:test", -EINVAL, "ending with '-'");
	expect_refused("nqn.2024-01.io..rxe:test", -EINVAL, "label empty");
	expect_refused("nqn.2024-01.io.rxe.:test", -EINVAL, "label empty");
	expect_refused("nqn.2024-01.io.rxe_vm:test", -EINVAL, "other than letter");
	/* A 63-byte label is the longest. */
	memset(nqn, 0, sizeof(nqn));
	strcpy(nqn, "nqn.2024-01.io.");
	memset(nqn + strlen(nqn), 'a', 63);
	strcat(nqn, ":t");
	expect_ok(nqn);
	memset(nqn, 0, sizeof(nqn));
	strcpy(nqn, "nqn.2024-01.io.");
	memset(nqn + strlen(nqn), 'a', 64);
	strcat(nqn, ":t");
	expect_refused(nqn, -EINVAL, "longer than 63");
}
END_TEST

START_TEST(test_nvmf_nqn_check_user_string)
{
	expect_refused("nqn.2024-01.io.rxe-vm:", -EINVAL, "empty string after ':'");
	expect_refused("nqn.2024-01.io.rxe-vm:te\tst", -EINVAL, "control");
	expect_refused("nqn.2024-01.io.rxe-vm:te\x7fst", -EINVAL, "control");
	expect_refused("nqn.2024-01.io.rxe-vm:\xff", -EINVAL, "UTF-8");
	expect_refused("nqn.2024-01.io.rxe-vm:\xc3(", -EINVAL, "UTF-8");	/* continuation */
	expect_refused("nqn.2024-01.io.rxe-vm:\xe2\x82", -EINVAL, "UTF-8");	/* truncated */
	expect_refused("nqn.2024-01.io.rxe-vm:\xc0\xaf", -EINVAL, "UTF-8");	/* overlong */
}
END_TEST

START_TEST(test_nvmf_nqn_check_uuid_form)
{
	const char *p = NVMF_UUID_NQN_PREFIX;
	char nqn[128];

	snprintf(nqn, sizeof(nqn), "%s63f3ae67-b2b0-4c44-9f58-e1cb37d6501", p);	/* 35 */
	expect_refused(nqn, -EINVAL, "36-character UUID");
	snprintf(nqn, sizeof(nqn), "%s63f3ae67-b2b0-4c44-9f58-e1cb37d650100", p);	/* 37 */
	expect_refused(nqn, -EINVAL, "36-character UUID");
	snprintf(nqn, sizeof(nqn), "%s63f3ae67b-2b0-4c44-9f58-e1cb37d65010", p);	/* dash */
	expect_refused(nqn, -EINVAL, "36-character UUID");
	snprintf(nqn, sizeof(nqn), "%s63f3ae67-b2b0-4c44-9f58-e1cb37d6501g", p);	/* hex */
	expect_refused(nqn, -EINVAL, "36-character UUID");
	snprintf(nqn, sizeof(nqn), "%s", p);
	expect_refused(nqn, -EINVAL, "36-character UUID");
}
END_TEST

START_TEST(test_nvmf_nqn_is_discovery)
{
	char why[8];

	ck_assert(nvmf_nqn_is_discovery("nqn.2014-08.org.nvmexpress.discovery"));
	ck_assert(!nvmf_nqn_is_discovery("nqn.2014-08.org.nvmexpress.discovery2"));
	ck_assert(!nvmf_nqn_is_discovery("nqn.2014-08.org.nvmexpress.discover"));
	ck_assert(!nvmf_nqn_is_discovery("nqn.2024-01.io.rxe-vm:test"));
	/* Without the special case the discovery NQN would fail the ':' rule. */
	ck_assert_int_eq(nvmf_nqn_check("nqn.2014-08.org.nvmexpress.discovery2", NULL, 0),
			 -EINVAL);
	/* A short reason buffer is truncated, still NUL-terminated. */
	ck_assert_int_eq(nvmf_nqn_check("", why, sizeof(why)), -EINVAL);
	ck_assert_str_eq(why, "empty");
	ck_assert_int_eq(nvmf_nqn_check("nqn.2024-13.io.x:y", why, sizeof(why)), -EINVAL);
	ck_assert_uint_eq(strlen(why), sizeof(why) - 1);
}
END_TEST

static Suite *
tgt_nqn_suite(void)
{
	Suite *s = suite_create("tgt_nqn");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_nvmf_nqn_check_capture);
	tcase_add_test(tc, test_nvmf_nqn_check_valid_forms);
	tcase_add_test(tc, test_nvmf_nqn_check_length);
	tcase_add_test(tc, test_nvmf_nqn_check_date);
	tcase_add_test(tc, test_nvmf_nqn_check_domain);
	tcase_add_test(tc, test_nvmf_nqn_check_user_string);
	tcase_add_test(tc, test_nvmf_nqn_check_uuid_form);
	tcase_add_test(tc, test_nvmf_nqn_is_discovery);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return test_run_suite(tgt_nqn_suite());
}
