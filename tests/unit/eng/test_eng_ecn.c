/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ECN and DCQCN end to end: A's packets are marked CE on the way (the fault hook plays
 * the congested switch), B answers with rate-limited CNPs, A cuts its rate and paces,
 * data still arrives intact, and the rate recovers once the marking stops.
 */
#include <check.h>

#include <rte_cycles.h>

#include "eng_harness.h"
#include "roce_opcode.h"

#define LINE_MBPS	1000	/* a 1 Gb/s link, so pacing shows in milliseconds */

static struct eh_conf
conf(void)
{
	struct eh_conf c = eh_default_conf;

	c.line_mbps = LINE_MBPS;
	return c;
}

START_TEST(test_eng_ecn_ce_cnp_rate_cut_and_recovery)
{
	struct eh_conf c = conf();
	struct eh_buf *la, *lb;
	struct eh_faults *f;
	uint64_t t0, elapsed_us, cnps;

	eh_setup(&c);
	la = eh_buf_new(&eh_a, (1 << 20) + 64, EH_PD, EH_ACC_ALL);
	lb = eh_buf_new(&eh_b, (1 << 20) + 64, EH_PD, EH_ACC_ALL);
	ck_assert_double_eq(eng_qp_rate_mbps(eh_a.qp), LINE_MBPS);
	f = eh_faults_on(&eh_a);
	eh_faults_add(f, EH_OP_ANY, 0, ENG_FAULT_CE);
	t0 = rte_get_timer_cycles();
	eh_transfer(ENG_WR_WRITE, 1 << 20, 7, la, lb);
	elapsed_us = (rte_get_timer_cycles() - t0) * 1000000 / rte_get_timer_hz();
	cnps = eh_ctr(&eh_b, "cnp_tx");
	/* Every packet of A arrived marked; B answered, at most once per 50 us. */
	ck_assert_uint_ge(eh_ctr(&eh_b, "ecn_ce_rx"), 1024);
	ck_assert_uint_ge(cnps, 1);
	ck_assert_uint_le(cnps, elapsed_us / 50 + 1);
	ck_assert_uint_eq(eh_ctr(&eh_a, "cnp_rx"), cnps);
	ck_assert_uint_gt(eh_ctr(&eh_a, "cc_paced"), 0);
	ck_assert_double_lt(eng_qp_rate_mbps(eh_a.qp), LINE_MBPS);
	/* Marking stops: DCQCN raises the rate back to the line rate within milliseconds. */
	f->nb_rules = 0;
	eh_run_for(50);
	ck_assert_double_eq(eng_qp_rate_mbps(eh_a.qp), LINE_MBPS);
	eh_transfer(ENG_WR_WRITE, 65536, 8, la, lb);
	ck_assert_uint_eq(eh_ctr(&eh_b, "cnp_tx"), cnps);
	eh_buf_free(la);
	eh_buf_free(lb);
	eh_assert_quiet();
}
END_TEST

START_TEST(test_eng_ecn_unmarked_no_cnp)
{
	struct eh_conf c = conf();
	struct eh_buf *la, *lb;

	eh_setup(&c);
	la = eh_buf_new(&eh_a, (1 << 20) + 64, EH_PD, EH_ACC_ALL);
	lb = eh_buf_new(&eh_b, (1 << 20) + 64, EH_PD, EH_ACC_ALL);
	eh_transfer(ENG_WR_WRITE, 1 << 20, 9, la, lb);
	ck_assert_uint_eq(eh_ctr(&eh_b, "ecn_ce_rx"), 0);
	ck_assert_uint_eq(eh_ctr(&eh_b, "cnp_tx"), 0);
	ck_assert_uint_eq(eh_ctr(&eh_a, "cc_paced"), 0);
	ck_assert_double_eq(eng_qp_rate_mbps(eh_a.qp), LINE_MBPS);
	eh_buf_free(la);
	eh_buf_free(lb);
	eh_assert_quiet();
}
END_TEST

int
main(int argc, char **argv)
{
	Suite *s = suite_create("eng_ecn");
	TCase *tc = tcase_create("ecn");

	(void)argc;
	tcase_add_checked_fixture(tc, NULL, eh_teardown);
	tcase_add_test(tc, test_eng_ecn_ce_cnp_rate_cut_and_recovery);
	tcase_add_test(tc, test_eng_ecn_unmarked_no_cnp);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);
	return eh_main(argv[0], s);
}
