/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Slots run by threads other than the test's: EAL worker lcores started by the engine,
 * service cores of a "host application" (this test), and several slots per engine with
 * packets handed from the port-polling slot to the QP's owner. The test thread only
 * posts and polls CQs, as a consumer would.
 */
#include <check.h>
#include <errno.h>

#include <rte_cycles.h>
#include <rte_lcore.h>
#include <rte_rcu_qsbr.h>
#include <rte_service.h>

#include "eng_harness.h"

static const enum eng_wr_opcode ops[] = { ENG_WR_SEND, ENG_WR_WRITE, ENG_WR_READ,
					  ENG_WR_SEND_IMM, ENG_WR_WRITE_IMM };

/* Each opcode at a few sizes, data and completions checked by eh_transfer(). */
static void
traffic(void)
{
	static const uint32_t sizes[] = { 0, 1, 1025, 65536, 1 << 20 };
	struct eh_buf *la = eh_buf_new(&eh_a, (1 << 20) + 64, EH_PD, EH_ACC_ALL);
	struct eh_buf *lb = eh_buf_new(&eh_b, (1 << 20) + 64, EH_PD, EH_ACC_ALL);
	unsigned int i, j;

	for (i = 0; i < RTE_DIM(ops); i++)
		for (j = 0; j < RTE_DIM(sizes); j++)
			eh_transfer(ops[i], sizes[j], i * 16 + j, la, lb);
	eh_buf_free(la);
	eh_buf_free(lb);
}

/*
 * The default local ACK timeout (2^10 * 4.096 us, 4 ms) times 7 retries is shorter than
 * a slot can wait for a CPU here: up to five threads spin on two CPUs and the scheduler
 * gives each several milliseconds, so a starved slot ran out of retries (2 runs in 40
 * under load). No frame is lost in these tests; a retransmission only means starvation.
 */
static struct eh_conf
lcore_conf(void)
{
	struct eh_conf c = eh_default_conf;

	c.timeout = 16;		/* 268 ms */
	return c;
}

/* Every online reader passes a quiescent point soon: a grace period ends. */
static void
assert_grace_period(struct eng *eng)
{
	struct rte_rcu_qsbr *v = eng_rcu(eng);
	uint64_t t = rte_rcu_qsbr_start(v);

	ck_assert_int_eq(rte_rcu_qsbr_check(v, t, true), 1);
}

START_TEST(test_eng_start_lcores)
{
	unsigned int a = 1, b = 2, main_lcore = rte_get_main_lcore();
	struct eh_conf c = lcore_conf();

	eh_setup(&c);
	ck_assert_int_eq(eng_start(eh_a.eng, &main_lcore, 1), -EBUSY);
	ck_assert_int_eq(eng_start(eh_a.eng, &a, 2), -EINVAL);
	ck_assert_int_eq(eng_start(eh_a.eng, &a, 1), 0);
	ck_assert_int_eq(eng_start(eh_b.eng, &a, 1), -EBUSY);	/* lcore 1 is taken */
	ck_assert_int_eq(eng_start(eh_b.eng, &b, 1), 0);
	eh_slots_on_lcores = true;
	traffic();
	assert_grace_period(eh_a.eng);
	assert_grace_period(eh_b.eng);
	ck_assert_int_eq(eng_stop(eh_a.eng), 0);
	ck_assert_int_eq(eng_stop(eh_b.eng), 0);
	eh_slots_on_lcores = false;
	/* Stopped slots are offline readers: grace periods do not wait for them. */
	assert_grace_period(eh_a.eng);
	ck_assert_int_eq(rte_eal_get_lcore_state(a), WAIT);
	ck_assert_uint_eq(eh_ctr(&eh_a, "idle_yields"), 0);	/* idle_yield is off */
	eh_assert_quiet();
}
END_TEST

/*
 * idle_yield: slots sharing a CPU give it away after idle polls (counted), and move
 * the same traffic with the same completions as spinning ones.
 */
START_TEST(test_eng_idle_yield)
{
	struct eh_conf c = lcore_conf();
	unsigned int a = 1, b = 2;
	uint64_t before;

	c.idle_yield = true;
	eh_setup(&c);
	ck_assert_int_eq(eng_start(eh_a.eng, &a, 1), 0);
	ck_assert_int_eq(eng_start(eh_b.eng, &b, 1), 0);
	eh_slots_on_lcores = true;
	traffic();
	assert_grace_period(eh_a.eng);
	/* (eng_xstat() alone while the slots run: eh_ctr() compares two reads.) */
	before = eng_xstat(eh_b.eng, "idle_yields");
	rte_delay_ms(20);	/* nothing to do: every poll yields */
	ck_assert_uint_gt(eng_xstat(eh_b.eng, "idle_yields"), before);
	ck_assert_int_eq(eng_stop(eh_a.eng), 0);
	ck_assert_int_eq(eng_stop(eh_b.eng), 0);
	eh_slots_on_lcores = false;
	ck_assert_uint_gt(eh_ctr(&eh_a, "idle_yields"), 0);
	eh_assert_quiet();
}
END_TEST

START_TEST(test_eng_start_multi_slot_handoff)
{
	struct eh_conf c = lcore_conf();
	unsigned int la[2] = { 1, 2 }, lb[2] = { 3, 4 };
	struct eng_qp *qa, *qb, *keep_a, *keep_b;

	c.slots = 2;
	eh_setup(&c);
	/* The second QP of each side goes to the least loaded slot: slot 1. */
	qa = eh_qp_new(&eh_a);
	qb = eh_qp_new(&eh_b);
	eh_qp_connect(qa, &eh_a, eng_qp_num(qb), &c, 0x100, 0x200);
	eh_qp_connect(qb, &eh_b, eng_qp_num(qa), &c, 0x200, 0x100);
	ck_assert_int_eq(eng_start(eh_a.eng, la, 2), 0);
	ck_assert_int_eq(eng_start(eh_b.eng, lb, 2), 0);
	eh_slots_on_lcores = true;
	traffic();
	keep_a = eh_a.qp;
	keep_b = eh_b.qp;
	eh_a.qp = qa;
	eh_b.qp = qb;
	traffic();
	eh_a.qp = keep_a;
	eh_b.qp = keep_b;
	eng_stop(eh_a.eng);
	eng_stop(eh_b.eng);
	eh_slots_on_lcores = false;
	/* Slot 0 polls the port; packets for slot 1's QP went there through its inbox. */
	ck_assert_uint_gt(eh_ctr(&eh_a, "rx_handoff"), 0);
	ck_assert_uint_gt(eh_ctr(&eh_b, "rx_handoff"), 0);
	ck_assert_uint_eq(eh_ctr(&eh_a, "rx_no_qp"), 0);
	eh_assert_quiet();
}
END_TEST

static void
service_core(uint32_t id, unsigned int lcore)
{
	ck_assert_int_eq(rte_service_lcore_add(lcore), 0);
	ck_assert_int_eq(rte_service_map_lcore_set(id, lcore, 1), 0);
	ck_assert_int_eq(rte_service_runstate_set(id, 1), 0);
	ck_assert_int_eq(rte_service_lcore_start(lcore), 0);
}

static void
service_core_release(unsigned int lcore)
{
	ck_assert_int_eq(rte_service_lcore_stop(lcore), 0);
	ck_assert_int_eq(rte_service_lcore_del(lcore), 0);
}

START_TEST(test_eng_service_register)
{
	struct eh_conf c = lcore_conf();
	uint32_t ida, idb, id;

	eh_setup(&c);
	ck_assert_int_eq(eng_service_register(eh_a.eng, &ida), 0);
	ck_assert_int_eq(eng_service_register(eh_b.eng, &idb), 0);
	/* Named after the engine and slot, so a host application can find them. */
	ck_assert_int_eq(rte_service_get_by_name("droce_eh_eng_a_0", &id), 0);
	ck_assert_uint_eq(id, ida);
	service_core(ida, 1);
	service_core(idb, 2);
	eh_slots_on_lcores = true;
	traffic();
	assert_grace_period(eh_a.eng);
	ck_assert_int_eq(eng_service_unregister(eh_a.eng), 0);
	ck_assert_int_eq(eng_service_unregister(eh_b.eng), 0);
	eh_slots_on_lcores = false;
	service_core_release(1);
	service_core_release(2);
	ck_assert_int_eq(rte_service_get_count(), 0);
	eh_assert_quiet();
}
END_TEST

/* Poll a close to its end as a control thread would; bounded. */
static bool
closed(bool (*poll)(void *), void *obj)
{
	uint64_t end = rte_get_timer_cycles() + rte_get_timer_hz();

	while (rte_get_timer_cycles() < end)
		if (poll(obj))
			return true;
	return false;
}

static bool
qp_poll(void *qp)
{
	return eng_qp_close_poll(qp);
}

static bool
mr_poll(void *mr)
{
	return eng_mr_close_poll(mr);
}

/* QPs and MRs come and go while lcores run the slots: nothing is freed under them. */
START_TEST(test_eng_qp_close_while_running)
{
	struct eng_qp_init in = { .type = ENG_QPT_RC, .pd = EH_PD, .slot = -1 };
	struct eng_qp_attr err = { .state = ENG_QPS_ERR };
	unsigned int a = 1, b = 2, round;
	struct eng_qp *qa, *qb, *keep_a = NULL, *keep_b = NULL;
	struct eh_buf *la, *lb;
	struct eng_mr *mr;
	static uint8_t mem[4096];
	struct eh_conf c = lcore_conf();

	eh_setup(&c);
	ck_assert_int_eq(eng_start(eh_a.eng, &a, 1), 0);
	ck_assert_int_eq(eng_start(eh_b.eng, &b, 1), 0);
	eh_slots_on_lcores = true;
	la = eh_buf_new(&eh_a, 65536 + 64, EH_PD, EH_ACC_ALL);
	lb = eh_buf_new(&eh_b, 65536 + 64, EH_PD, EH_ACC_ALL);
	for (round = 0; round < 3; round++) {
		in.send_cq = eh_a.scq;
		in.recv_cq = eh_a.rcq;
		ck_assert_int_eq(eng_qp_create(eh_a.eng, &in, &qa), 0);
		in.send_cq = eh_b.scq;
		in.recv_cq = eh_b.rcq;
		ck_assert_int_eq(eng_qp_create(eh_b.eng, &in, &qb), 0);
		eh_qp_connect(qa, &eh_a, eng_qp_num(qb), &c, 0x10, 0x20);
		eh_qp_connect(qb, &eh_b, eng_qp_num(qa), &c, 0x20, 0x10);
		keep_a = eh_a.qp;
		keep_b = eh_b.qp;
		eh_a.qp = qa;
		eh_b.qp = qb;
		eh_transfer(ENG_WR_SEND, 65536, round, la, lb);
		eh_transfer(ENG_WR_READ, 65536, round + 10, la, lb);
		eh_a.qp = keep_a;
		eh_b.qp = keep_b;
		ck_assert_int_eq(eng_qp_modify(qa, &err), 0);
		ck_assert_int_eq(eng_qp_modify(qb, &err), 0);
		eng_qp_close_start(qa);
		eng_qp_close_start(qb);
		ck_assert(closed(qp_poll, qa));
		ck_assert(closed(qp_poll, qb));
	}
	ck_assert_int_eq(eng_mr_reg(eh_b.eng, EH_PD, mem, sizeof(mem), EH_ACC_ALL, &mr), 0);
	eng_mr_close_start(mr);
	ck_assert(closed(mr_poll, mr));
	/* The QPs of the setup were never disturbed. */
	traffic();
	eh_buf_free(la);
	eh_buf_free(lb);
	eng_stop(eh_a.eng);
	eng_stop(eh_b.eng);
	eh_slots_on_lcores = false;
	eh_assert_quiet();
}
END_TEST

int
main(int argc, char **argv)
{
	Suite *s = suite_create("eng_lcores");
	TCase *tc = tcase_create("lcores");

	(void)argc;
	/* Main lcore plus four workers, all free to run on either CPU of a small machine. */
	eh_eal_lcores = "0@(0-1),1@(0-1),2@(0-1),3@(0-1),4@(0-1)";
	tcase_add_checked_fixture(tc, NULL, eh_teardown);
	tcase_add_test(tc, test_eng_start_lcores);
	tcase_add_test(tc, test_eng_idle_yield);
	tcase_add_test(tc, test_eng_start_multi_slot_handoff);
	tcase_add_test(tc, test_eng_service_register);
	tcase_add_test(tc, test_eng_qp_close_while_running);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);
	return eh_main(argv[0], s);
}
