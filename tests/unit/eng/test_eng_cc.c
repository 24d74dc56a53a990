/* SPDX-License-Identifier: BSD-3-Clause */
/* DCQCN reaction point arithmetic on a simulated clock (1 GHz: one cycle a nanosecond). */
#include <check.h>

#include "check_run.h"
#include "eng_cc.h"

#define HZ	1000000000ull
#define US	1000ull
#define LINE	10e9

static struct eng_cc_params prm;
static struct eng_cc cc;

static void
setup(void)
{
	eng_cc_params_default(&prm, LINE, HZ);
	eng_cc_init(&cc, &prm);
}

START_TEST(test_eng_cc_init_unlimited)
{
	ck_assert(!cc.limited);
	ck_assert_double_eq(cc.rc, LINE);
	/* Not limited: any amount goes, at any time. */
	ck_assert(eng_cc_send(&cc, &prm, 0, 1 << 30));
	ck_assert_double_eq_tol(prm.alpha_cycles, 55 * US, 1);
}
END_TEST

START_TEST(test_eng_cc_cnp_cuts_by_alpha)
{
	eng_cc_cnp(&cc, &prm, 0);
	/* alpha starts at 1: the first cut halves the rate and alpha stays 1. */
	ck_assert(cc.limited);
	ck_assert_double_eq_tol(cc.rc, LINE / 2, 1);
	ck_assert_double_eq_tol(cc.rt, LINE, 1);
	ck_assert_double_eq_tol(cc.alpha, 1.0, 1e-12);
	eng_cc_cnp(&cc, &prm, 1);
	ck_assert_double_eq_tol(cc.rc, LINE / 4, 1);
	ck_assert_double_eq_tol(cc.rt, LINE / 2, 1);
	ck_assert_uint_eq(cc.cnps, 2);
}
END_TEST

START_TEST(test_eng_cc_floor)
{
	unsigned int i;

	for (i = 0; i < 100; i++)
		eng_cc_cnp(&cc, &prm, i);
	ck_assert_double_eq_tol(cc.rc, prm.min_bps, 1);
}
END_TEST

START_TEST(test_eng_cc_alpha_decays)
{
	eng_cc_cnp(&cc, &prm, 0);
	eng_cc_tick(&cc, &prm, 10 * 55 * US);
	/* Ten alpha intervals without a CNP: alpha *= (1 - g)^10. */
	ck_assert_double_eq_tol(cc.alpha, 0.9616, 1e-3);
	/* A cut now takes less: by alpha/2, not by half. */
	eng_cc_cnp(&cc, &prm, 10 * 55 * US);
	ck_assert_double_gt(cc.alpha, 0.9616);
}
END_TEST

START_TEST(test_eng_cc_fast_recovery_then_additive)
{
	double rc;
	unsigned int i;

	eng_cc_cnp(&cc, &prm, 0);
	rc = cc.rc;
	/* Fast recovery: each timer event halves the distance to the target rate. */
	for (i = 1; i <= prm.f; i++) {
		eng_cc_tick(&cc, &prm, i * 55 * US);
		ck_assert_double_eq_tol(cc.rc, (LINE + rc) / 2, 1);
		rc = cc.rc;
	}
	ck_assert_double_eq_tol(cc.rt, LINE, 1);
	ck_assert(cc.limited);
	/* Past F stages the target grows (capped at the line); the rate reaches it. */
	eng_cc_tick(&cc, &prm, 40 * 55 * US);
	ck_assert(!cc.limited);
	ck_assert_double_eq(cc.rc, LINE);
}
END_TEST

START_TEST(test_eng_cc_additive_increase_raises_target)
{
	unsigned int i;

	eng_cc_cnp(&cc, &prm, 0);
	eng_cc_cnp(&cc, &prm, 0);		/* rt = line / 2 now */
	for (i = 1; i <= prm.f; i++)
		eng_cc_tick(&cc, &prm, i * 55 * US);
	ck_assert_double_eq_tol(cc.rt, LINE / 2, 1);
	eng_cc_tick(&cc, &prm, (prm.f + 1) * 55 * US);
	ck_assert_double_eq_tol(cc.rt, LINE / 2 + prm.ai_bps, 1);
}
END_TEST

START_TEST(test_eng_cc_pacing_follows_rate)
{
	uint64_t t, sent = 0;

	eng_cc_cnp(&cc, &prm, 0);		/* 5 Gb/s */
	cc.rate_at = UINT64_MAX;		/* hold the rate for this measurement */
	cc.alpha_at = UINT64_MAX;
	/* Offer 1500-byte packets every 100 ns for 1 ms: 120 Gb/s of demand. */
	for (t = 0; t < 1000 * US; t += 100)
		if (eng_cc_send(&cc, &prm, t, 1500))
			sent += 1500;
	/* 5 Gb/s for 1 ms is 625000 bytes, plus the bucket's 64 KiB head start. */
	ck_assert_uint_le(sent, 625000 + 65536 + 1500);
	ck_assert_uint_ge(sent, 625000 - 1500);
}
END_TEST

START_TEST(test_eng_cc_byte_counter_event)
{
	uint64_t t = 0;
	double rc;

	eng_cc_cnp(&cc, &prm, 0);
	cc.rate_at = UINT64_MAX;		/* byte counter events only */
	rc = cc.rc;
	while (cc.b_stage == 0) {
		t += 1000;
		eng_cc_send(&cc, &prm, t, 4096);
	}
	ck_assert_double_eq_tol(cc.rc, (LINE + rc) / 2, 1);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("eng_cc");
	TCase *tc = tcase_create("dcqcn");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_eng_cc_init_unlimited);
	tcase_add_test(tc, test_eng_cc_cnp_cuts_by_alpha);
	tcase_add_test(tc, test_eng_cc_floor);
	tcase_add_test(tc, test_eng_cc_alpha_decays);
	tcase_add_test(tc, test_eng_cc_fast_recovery_then_additive);
	tcase_add_test(tc, test_eng_cc_additive_increase_raises_target);
	tcase_add_test(tc, test_eng_cc_pacing_follows_rate);
	tcase_add_test(tc, test_eng_cc_byte_counter_event);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
