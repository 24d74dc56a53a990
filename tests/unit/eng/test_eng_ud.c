/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * UD QPs (IBA 9.8): datagrams with a DETH from A's UD QP to B's, the 40-byte GRH area in
 * front of the payload, the source QP, MAC and immediate data in the completion, Q_Key
 * checks, datagrams larger than the path MTU refused locally, and the GSI QP's number.
 */
#include <check.h>
#include <errno.h>
#include <string.h>

#include <rte_ip.h>

#include "eng_harness.h"

#define QKEY	0x80010000u	/* QP1's Q_Key (IBA 13.4.6.1), as CM traffic will use */

static struct eng_qp *ua, *ub;

/* B's UD QP is its GSI QP (QP1), as connection management uses it. */
static struct eng_qp *
ud_qp(struct eh_side *s, uint32_t qpn)
{
	struct eng_qp_init in = { .type = ENG_QPT_UD, .pd = EH_PD, .send_cq = s->scq,
				  .recv_cq = s->rcq, .slot = 0, .qpn = qpn };
	struct eng_qp_attr a = { .state = ENG_QPS_INIT, .qkey = QKEY, .hop_limit = 64 };
	struct eng_qp *qp;

	ck_assert_int_eq(eng_qp_create(s->eng, &in, &qp), 0);
	memcpy(a.sgid, s->gid, 16);
	ck_assert_int_eq(eng_qp_modify(qp, &a), 0);
	a.state = ENG_QPS_RTR;
	ck_assert_int_eq(eng_qp_modify(qp, &a), 0);
	a.state = ENG_QPS_RTS;
	ck_assert_int_eq(eng_qp_modify(qp, &a), 0);
	return qp;
}

static void
setup(void)
{
	eh_setup(NULL);
	ua = ud_qp(&eh_a, 0);
	ub = ud_qp(&eh_b, 1);
}

static void
teardown(void)
{
	eng_qp_destroy(ua);
	eng_qp_destroy(ub);
	ua = ub = NULL;
	eh_teardown();
}

static void
send_dgram(uint64_t wr_id, enum eng_wr_opcode op, const struct eh_buf *b, uint32_t len,
	   uint32_t qkey)
{
	struct eng_send_wr wr;

	eh_wr_init(&wr, wr_id, op, ENG_WR_SIGNALED);
	eh_wr_sge(&wr, b, 0, len);
	memcpy(wr.ud.dmac, eh_b.mac, 6);
	memcpy(wr.ud.dgid, eh_b.gid, 16);
	wr.ud.dest_qpn = eng_qp_num(ub);
	wr.ud.qkey = qkey;
	wr.imm = 0xdeadbeef;
	ck_assert_int_eq(eng_post_send(ua, &wr), 0);
}

/* The sender's completion, from the UD QP. */
static void
expect_send(uint64_t wr_id, enum eng_wc_status st, uint32_t len)
{
	struct eng_cqe c;

	ck_assert_uint_eq(eh_wait_cqes(eh_a.scq, &c, 1, EH_WAIT_MS), 1);
	ck_assert_uint_eq(c.wr_id, wr_id);
	ck_assert_uint_eq(c.status, st);
	ck_assert_uint_eq(c.qpn, eng_qp_num(ua));
	if (st == ENG_WC_SUCCESS) {
		ck_assert_uint_eq(c.opcode, ENG_WC_SEND);
		ck_assert_uint_eq(c.byte_len, len);
	}
}

static void
post_ud_recv(uint64_t wr_id, const struct eh_buf *b, uint32_t len)
{
	struct eng_recv_wr wr = { .wr_id = wr_id, .num_sge = 1,
				  .sge = { { eh_va(b, 0), len, eh_lkey(b) } } };

	ck_assert_int_eq(eng_post_recv(ub, &wr), 0);
}

START_TEST(test_eng_ud_datagram_with_grh)
{
	struct eh_buf *src = eh_buf_new(&eh_a, 1024, EH_PD, EH_ACC_ALL);
	struct eh_buf *dst = eh_buf_new(&eh_b, 2048, EH_PD, EH_ACC_ALL);
	const struct rte_ipv4_hdr *ip = (const void *)(dst->p + 20);
	struct eng_cqe c;
	unsigned int i;

	eh_fill(src, 0, src->len, 4);
	post_ud_recv(7, dst, 2048);
	send_dgram(1, ENG_WR_SEND_IMM, src, 1000, QKEY);
	expect_send(1, ENG_WC_SUCCESS, 1000);
	ck_assert_uint_eq(eh_wait_cqes(eh_b.rcq, &c, 1, EH_WAIT_MS), 1);
	ck_assert_uint_eq(c.wr_id, 7);
	ck_assert_uint_eq(c.status, ENG_WC_SUCCESS);
	ck_assert_uint_eq(c.opcode, ENG_WC_RECV);
	ck_assert_uint_eq(c.byte_len, 40 + 1000);
	ck_assert_uint_eq(c.src_qp, eng_qp_num(ua));
	ck_assert_uint_eq(c.qpn, 1);
	ck_assert_mem_eq(c.smac, eh_a.mac, 6);
	ck_assert_uint_eq(c.flags, ENG_WC_WITH_IMM);
	ck_assert_uint_eq(c.imm, 0xdeadbeef);
	/* RoCEv2 over IPv4: 20 zero bytes, then the IPv4 header the datagram came in. */
	for (i = 0; i < 20; i++)
		ck_assert_uint_eq(dst->p[i], 0);
	ck_assert_uint_eq(ip->version_ihl, 0x45);
	ck_assert_uint_eq(ip->next_proto_id, IPPROTO_UDP);
	ck_assert_mem_eq(&ip->src_addr, eh_a.gid + 12, 4);
	ck_assert_mem_eq(&ip->dst_addr, eh_b.gid + 12, 4);
	ck_assert_uint_eq(rte_raw_cksum(ip, sizeof(*ip)), 0xffff);
	ck_assert_mem_eq(dst->p + 40, src->p, 1000);
	eh_assert_quiet();
}
END_TEST

/* QP1 is asked for by number and exists once; no other number may be asked for. */
START_TEST(test_eng_ud_gsi_qpn)
{
	struct eng_qp_init in = { .type = ENG_QPT_UD, .pd = EH_PD, .send_cq = eh_b.scq,
				  .recv_cq = eh_b.rcq, .slot = 0, .qpn = 1 };
	struct eng_qp *qp = NULL;

	ck_assert_uint_eq(eng_qp_num(ub), 1);
	ck_assert_int_eq(eng_qp_create(eh_b.eng, &in, &qp), -EBUSY);
	in.qpn = 5;
	ck_assert_int_eq(eng_qp_create(eh_b.eng, &in, &qp), -EINVAL);
	in.qpn = 1;
	in.type = ENG_QPT_RC;
	ck_assert_int_eq(eng_qp_create(eh_b.eng, &in, &qp), -EINVAL);
	ck_assert_ptr_null(qp);
	eh_assert_quiet();
}
END_TEST

START_TEST(test_eng_ud_wrong_qkey_dropped)
{
	struct eh_buf *src = eh_buf_new(&eh_a, 64, EH_PD, EH_ACC_ALL);
	struct eh_buf *dst = eh_buf_new(&eh_b, 256, EH_PD, EH_ACC_ALL);
	uint64_t bad = eh_ctr(&eh_b, "rx_bad_opcode");
	struct eng_cqe c;

	post_ud_recv(7, dst, 256);
	send_dgram(1, ENG_WR_SEND, src, 64, 0x11111111);
	expect_send(1, ENG_WC_SUCCESS, 64);
	/* UD is unreliable: the sender is done; the receiver drops it and counts why. */
	eh_run_for(5);
	ck_assert_uint_eq(eh_wait_cqes(eh_b.rcq, &c, 1, 5), 0);
	ck_assert_uint_eq(eh_ctr(&eh_b, "rx_bad_opcode"), bad + 1);
	/* The receive is still posted: the next, right datagram takes it. */
	send_dgram(2, ENG_WR_SEND, src, 64, QKEY);
	expect_send(2, ENG_WC_SUCCESS, 64);
	ck_assert_uint_eq(eh_wait_cqes(eh_b.rcq, &c, 1, EH_WAIT_MS), 1);
	ck_assert_uint_eq(c.wr_id, 7);
	ck_assert_uint_eq(c.byte_len, 40 + 64);
}
END_TEST

START_TEST(test_eng_ud_too_big_and_too_small)
{
	struct eh_buf *src = eh_buf_new(&eh_a, 2048, EH_PD, EH_ACC_ALL);
	struct eh_buf *dst = eh_buf_new(&eh_b, 256, EH_PD, EH_ACC_ALL);
	struct eng_cqe c;

	/* A datagram is one packet: more than the path MTU (1024) is a local length error. */
	send_dgram(1, ENG_WR_SEND, src, 1025, QKEY);
	expect_send(1, ENG_WC_LOC_LEN_ERR, 0);
	/* A receive buffer too small for GRH + payload: that receive fails, the QP lives. */
	post_ud_recv(8, dst, 100);
	send_dgram(2, ENG_WR_SEND, src, 100, QKEY);
	expect_send(2, ENG_WC_SUCCESS, 100);
	ck_assert_uint_eq(eh_wait_cqes(eh_b.rcq, &c, 1, EH_WAIT_MS), 1);
	ck_assert_uint_eq(c.status, ENG_WC_LOC_LEN_ERR);
	ck_assert_int_eq(eng_qp_state(ub), ENG_QPS_RTS);
}
END_TEST

int
main(int argc, char **argv)
{
	Suite *s = suite_create("eng_ud");
	TCase *tc = tcase_create("ud");

	(void)argc;
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_eng_ud_datagram_with_grh);
	tcase_add_test(tc, test_eng_ud_gsi_qpn);
	tcase_add_test(tc, test_eng_ud_wrong_qkey_dropped);
	tcase_add_test(tc, test_eng_ud_too_big_and_too_small);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return eh_main(argv[0], s);
}
