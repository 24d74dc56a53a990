/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The requester (pmd/eng/eng_req.c) on its own: WQEs posted into a hand-built QP, packets
 * captured and parsed back, ACKs played by hand (the completer has test_eng_comp_ut.c),
 * time from a fake clock. No EAL (eng_ut.h).
 */
#include "eng_req.c"

#define UT_HAVE_REQ
#include "eng_ut.h"

#define P	UT_SQ_PSN

/*
 * What the completer does on an ACK of psn: every started WQE up to it is done, READs and
 * atomics included (their responses came), and the requester completes them in order.
 */
static void
ack(uint32_t psn)
{
	struct eng_req *r = &ut.qp->req;
	uint32_t i;

	for (i = r->head; i != r->tail; i++) {
		struct eng_swqe *w = eng_swqe(ut.qp, i);

		if (!w->started || w->acked || roce_psn_cmp(w->last_psn, psn) > 0)
			continue;
		w->acked = true;
		if (eng_wqe_is_rd_atomic(w))
			r->rd_inflight--;
	}
	r->acked_psn = roce_psn_add(psn, 1);
	eng_req_complete(ut.qp);
}

START_TEST(test_eng_req_progress_send_segmented)
{
	struct eng_swqe *w = eng_swqe(ut.qp, 0);

	ut_post_op(ENG_WR_SEND, 1, 0, 600);
	eng_req_progress(ut.qp);
	ck_assert_uint_eq(ut.npkt, 3);
	ck_assert(!ut_expect_pkt(0, ROCE_OP_SEND_FIRST, P, 256)->ackreq);
	ck_assert(!ut_expect_pkt(1, ROCE_OP_SEND_MIDDLE, P + 1, 256)->ackreq);
	ck_assert(ut_expect_pkt(2, ROCE_OP_SEND_LAST, P + 2, 88)->ackreq);
	ut_expect_bytes(0, ut.lbuf, 600);
	ck_assert_uint_eq(w->first_psn, P);
	ck_assert_uint_eq(w->last_psn, P + 2);
	ck_assert_uint_eq(ut.qp->req.psn, P + 3);
	/* Nothing completes before the responder acknowledges it. */
	ck_assert_uint_eq(ut.ncqe, 0);
	ck_assert_uint_eq(ut_qp_ctr(ENG_RETRANSMIT_PKTS), 0);
}
END_TEST

START_TEST(test_eng_req_progress_psn_wraps)
{
	ut_set_sq_psn(0xfffffe);
	ut_post_op(ENG_WR_SEND, 1, 0, 1000);
	ut_post_op(ENG_WR_SEND, 2, 1000, 10);
	eng_req_progress(ut.qp);
	ut_expect_pkt(0, ROCE_OP_SEND_FIRST, 0xfffffe, 256);
	ut_expect_pkt(1, ROCE_OP_SEND_MIDDLE, 0xffffff, 256);
	ut_expect_pkt(2, ROCE_OP_SEND_MIDDLE, 0, 256);
	ut_expect_pkt(3, ROCE_OP_SEND_LAST, 1, 232);
	ut_expect_pkt(4, ROCE_OP_SEND_ONLY, 2, 10);
	ut_expect_bytes(0, ut.lbuf, 1010);
	ck_assert_uint_eq(ut.qp->req.psn, 3);
}
END_TEST

START_TEST(test_eng_req_progress_ackreq_every)
{
	uint32_t n = 70, i;

	ut_post_op(ENG_WR_SEND, 1, 0, n * UT_PMTU);
	ck_assert_uint_eq(ut_req_progress_all(), n);
	/* The 64th packet without one asks for an ACK, and so does the last. */
	for (i = 0; i < n; i++)
		ck_assert_msg(ut_pkt_at(i)->ackreq == (i == ENG_ACKREQ_EVERY - 1 || i == n - 1),
			      "packet %u: AckReq %d", i, ut_pkt_at(i)->ackreq);
	ut_expect_pkt(n - 1, ROCE_OP_SEND_LAST, P + n - 1, UT_PMTU);
	ut_expect_bytes(0, ut.lbuf, n * UT_PMTU);
}
END_TEST

START_TEST(test_eng_req_progress_burst_budget)
{
	ut_post_op(ENG_WR_SEND, 1, 0, 20 * UT_PMTU);
	eng_req_progress(ut.qp);
	ck_assert_uint_eq(ut.npkt, ENG_REQ_BURST);
	eng_req_progress(ut.qp);
	ck_assert_uint_eq(ut.npkt, 20);
	ut_expect_pkt(ENG_REQ_BURST, ROCE_OP_SEND_MIDDLE, P + ENG_REQ_BURST, UT_PMTU);
	ut_expect_bytes(0, ut.lbuf, 20 * UT_PMTU);
}
END_TEST

START_TEST(test_eng_req_progress_write_reth_first_only)
{
	const struct roce_pkt *p;
	unsigned int i;

	ut_post_op(ENG_WR_WRITE, 1, 0, 600);
	ut_post_op(ENG_WR_WRITE, 2, 1000, 100);
	eng_req_progress(ut.qp);
	ck_assert_uint_eq(ut.npkt, 4);
	p = ut_expect_pkt(0, ROCE_OP_WRITE_FIRST, P, 256);
	ck_assert_uint_eq(p->reth.va, UT_PEER_VA);
	ck_assert_uint_eq(p->reth.rkey, UT_PEER_RKEY);
	ck_assert_uint_eq(p->reth.len, 600);
	ut_expect_pkt(1, ROCE_OP_WRITE_MIDDLE, P + 1, 256);
	ut_expect_pkt(2, ROCE_OP_WRITE_LAST, P + 2, 88);
	p = ut_expect_pkt(3, ROCE_OP_WRITE_ONLY, P + 3, 100);
	ck_assert_uint_eq(p->reth.va, UT_PEER_VA + 1000);
	ck_assert_uint_eq(p->reth.len, 100);
	for (i = 0; i < 4; i++)
		ck_assert(roce_opcode_has(ut_pkt_at(i)->op, ROCE_EXT_RETH) == (i == 0 || i == 3));
	ut_expect_bytes(0, ut.lbuf, 600);
	ut_expect_bytes(3, ut.lbuf + 1000, 100);
}
END_TEST

START_TEST(test_eng_req_progress_imm_inv_solicited)
{
	struct eng_send_wr wr = ut_wr(ENG_WR_SEND_IMM, 1, 0, 600);
	const struct roce_pkt *p;

	wr.imm = RTE_BE32(0x11223344);
	wr.flags |= ENG_WR_SOLICITED;
	ut_post(&wr);
	wr = ut_wr(ENG_WR_SEND_INV, 2, 0, 100);
	wr.inv_rkey = 0x4321;
	ut_post(&wr);
	wr = ut_wr(ENG_WR_WRITE_IMM, 3, 0, 300);
	wr.imm = RTE_BE32(0x55667788);
	ut_post(&wr);
	eng_req_progress(ut.qp);
	/* Immediate data, IETH and SE only on a message's last packet. */
	ck_assert(!ut_expect_pkt(0, ROCE_OP_SEND_FIRST, P, 256)->se);
	ck_assert(!ut_expect_pkt(1, ROCE_OP_SEND_MIDDLE, P + 1, 256)->se);
	p = ut_expect_pkt(2, ROCE_OP_SEND_LAST_IMM, P + 2, 88);
	ck_assert(p->se);
	ck_assert_uint_eq(p->imm, RTE_BE32(0x11223344));
	p = ut_expect_pkt(3, ROCE_OP_SEND_ONLY_INV, P + 3, 100);
	ck_assert_uint_eq(p->inv_rkey, 0x4321);
	ck_assert(!p->se);
	p = ut_expect_pkt(4, ROCE_OP_WRITE_FIRST, P + 4, 256);
	ck_assert_uint_eq(p->reth.len, 300);
	p = ut_expect_pkt(5, ROCE_OP_WRITE_LAST_IMM, P + 5, 44);
	ck_assert_uint_eq(p->imm, RTE_BE32(0x55667788));
}
END_TEST

START_TEST(test_eng_req_progress_zero_length)
{
	ut_post_op(ENG_WR_SEND, 1, 0, 0);
	ut_post_op(ENG_WR_READ, 2, 0, 0);
	ut_post_op(ENG_WR_SEND, 3, 0, 1);
	eng_req_progress(ut.qp);
	/* An empty message still takes one packet and one PSN. */
	ck_assert(ut_expect_pkt(0, ROCE_OP_SEND_ONLY, P, 0)->ackreq);
	ck_assert_uint_eq(ut_expect_pkt(1, ROCE_OP_READ_REQ, P + 1, 0)->reth.len, 0);
	ut_expect_pkt(2, ROCE_OP_SEND_ONLY, P + 2, 1);
}
END_TEST

START_TEST(test_eng_req_progress_read_request)
{
	const struct roce_pkt *p;

	ut_post_op(ENG_WR_READ, 1, 0, 1000);
	ut_post_op(ENG_WR_SEND, 2, 2000, 10);
	eng_req_progress(ut.qp);
	ck_assert_uint_eq(ut.npkt, 2);
	p = ut_expect_pkt(0, ROCE_OP_READ_REQ, P, 0);
	ck_assert(p->ackreq);
	ck_assert_uint_eq(p->reth.va, UT_PEER_VA);
	ck_assert_uint_eq(p->reth.rkey, UT_PEER_RKEY);
	ck_assert_uint_eq(p->reth.len, 1000);
	/* The READ takes the PSNs of its four responses (IBA 9.7.5.1). */
	ck_assert_uint_eq(eng_swqe(ut.qp, 0)->last_psn, P + 3);
	ut_expect_pkt(1, ROCE_OP_SEND_ONLY, P + 4, 10);
	ck_assert_uint_eq(ut.qp->req.rd_inflight, 1);
}
END_TEST

START_TEST(test_eng_req_progress_atomics)
{
	struct eng_send_wr wr = ut_wr(ENG_WR_CMP_SWAP, 1, 0, 8);
	const struct roce_pkt *p;

	wr.compare_add = 0x0102030405060708ull;
	wr.swap = 0x1112131415161718ull;
	ut_post(&wr);
	wr = ut_wr(ENG_WR_FETCH_ADD, 2, 8, 8);
	wr.compare_add = 42;
	ut_post(&wr);
	eng_req_progress(ut.qp);
	p = ut_expect_pkt(0, ROCE_OP_CMP_SWAP, P, 0);
	ck_assert(p->ackreq);
	ck_assert_uint_eq(p->atomic.va, UT_PEER_VA);
	ck_assert_uint_eq(p->atomic.rkey, UT_PEER_RKEY);
	ck_assert_uint_eq(p->atomic.compare, 0x0102030405060708ull);
	ck_assert_uint_eq(p->atomic.swap_add, 0x1112131415161718ull);
	p = ut_expect_pkt(1, ROCE_OP_FETCH_ADD, P + 1, 0);
	ck_assert_uint_eq(p->atomic.va, UT_PEER_VA + 8);
	ck_assert_uint_eq(p->atomic.swap_add, 42);
	ck_assert_uint_eq(ut.qp->req.rd_inflight, 2);
}
END_TEST

START_TEST(test_eng_req_progress_ord_limit)
{
	ut.qp->attr.max_rd_atomic = 2;
	ut_post_op(ENG_WR_READ, 1, 0, 100);
	ut_post_op(ENG_WR_CMP_SWAP, 2, 128, 8);
	ut_post_op(ENG_WR_FETCH_ADD, 3, 136, 8);
	ut_post_op(ENG_WR_SEND, 4, 200, 10);
	ut_req_progress_all();
	/* Two outstanding: the third waits, and what is behind it (in order, IBA 9.7.4.2). */
	ck_assert_uint_eq(ut.npkt, 2);
	ut_expect_pkt(0, ROCE_OP_READ_REQ, P, 0);
	ut_expect_pkt(1, ROCE_OP_CMP_SWAP, P + 1, 0);
	ck_assert_uint_eq(ut.qp->req.rd_inflight, 2);
	ack(P);
	ck_assert_uint_eq(ut.ncqe, 1);
	ut_req_progress_all();
	ck_assert_uint_eq(ut.npkt, 4);
	ut_expect_pkt(2, ROCE_OP_FETCH_ADD, P + 2, 0);
	ut_expect_pkt(3, ROCE_OP_SEND_ONLY, P + 3, 10);
	ck_assert_uint_eq(ut.qp->req.rd_inflight, 2);
}
END_TEST

START_TEST(test_eng_req_progress_fence_waits_for_read)
{
	struct eng_send_wr wr = ut_wr(ENG_WR_SEND, 3, 300, 10);

	ut_post_op(ENG_WR_READ, 1, 0, 100);
	ut_post_op(ENG_WR_SEND, 2, 200, 10);	/* no fence: goes at once */
	wr.flags |= ENG_WR_FENCE;
	ut_post(&wr);
	ut_post_op(ENG_WR_WRITE, 4, 400, 10);
	ut_req_progress_all();
	ck_assert_uint_eq(ut.npkt, 2);
	ut_expect_pkt(0, ROCE_OP_READ_REQ, P, 0);
	ut_expect_pkt(1, ROCE_OP_SEND_ONLY, P + 1, 10);
	/* The SEND is acknowledged, the READ not yet: the fence still holds. */
	ut.qp->req.acked_psn = P;
	eng_swqe(ut.qp, 1)->acked = true;
	ut_req_progress_all();
	ck_assert_uint_eq(ut.npkt, 2);
	ack(P + 1);
	ck_assert_uint_eq(ut.ncqe, 2);
	ut_req_progress_all();
	ut_expect_pkt(2, ROCE_OP_SEND_ONLY, P + 2, 10);
	ut_expect_pkt(3, ROCE_OP_WRITE_ONLY, P + 3, 10);
}
END_TEST

START_TEST(test_eng_req_progress_fence_waits_for_atomic)
{
	struct eng_send_wr wr = ut_wr(ENG_WR_WRITE, 2, 300, 10);

	ut_post_op(ENG_WR_FETCH_ADD, 1, 0, 8);
	wr.flags |= ENG_WR_FENCE;
	ut_post(&wr);
	ut_req_progress_all();
	ck_assert_uint_eq(ut.npkt, 1);
	ack(P);
	ut_req_progress_all();
	ut_expect_pkt(1, ROCE_OP_WRITE_ONLY, P + 1, 10);
}
END_TEST

START_TEST(test_eng_req_progress_inline)
{
	struct eng_send_wr wr = { .wr_id = 1, .opcode = ENG_WR_SEND,
				  .flags = ENG_WR_SIGNALED | ENG_WR_INLINE, .inline_len = 200 };

	/* The in-place form (eng_post_send_begin()): the bytes are in the WR, no SGE. */
	ut_fill(wr.inline_data, 200, 9);
	ut_post(&wr);
	wr.flags = ENG_WR_INLINE;
	wr.opcode = ENG_WR_WRITE;
	wr.inline_len = ENG_MAX_INLINE;
	ut_fill(wr.inline_data, ENG_MAX_INLINE, 10);
	ut_post(&wr);
	eng_req_progress(ut.qp);
	ut_expect_pkt(0, ROCE_OP_SEND_ONLY, P, 200);
	ut_expect_bytes(0, eng_swqe(ut.qp, 0)->wr.inline_data, 200);
	ut_expect_pkt(1, ROCE_OP_WRITE_ONLY, P + 1, ENG_MAX_INLINE);
	ut_expect_bytes(1, eng_swqe(ut.qp, 1)->wr.inline_data, ENG_MAX_INLINE);
	/* No SGE, no key looked at. */
	ck_assert_uint_eq(ut.sge_copies, 0);
}
END_TEST

START_TEST(test_eng_req_progress_sge_list)
{
	static const uint32_t off[3] = { 0, 1000, 5000 }, len[3] = { 100, 300, 50 };
	struct eng_send_wr wr = ut_wr(ENG_WR_SEND, 1, 0, 0);
	uint8_t expect[450];
	uint32_t at = 0;
	unsigned int i;

	wr.num_sge = 3;
	for (i = 0; i < 3; i++) {
		wr.sge[i] = (struct eng_sge){ (uintptr_t)ut.lbuf + off[i], len[i], UT_LKEY };
		ut_fill(ut.lbuf + off[i], len[i], i + 1);
		memcpy(expect + at, ut.lbuf + off[i], len[i]);
		at += len[i];
	}
	ut_post(&wr);
	eng_req_progress(ut.qp);
	/* The packet boundary falls inside the second SGE. */
	ut_expect_pkt(0, ROCE_OP_SEND_FIRST, P, 256);
	ut_expect_pkt(1, ROCE_OP_SEND_LAST, P + 1, 194);
	ut_expect_bytes(0, expect, sizeof(expect));
}
END_TEST

START_TEST(test_eng_req_progress_bad_lkey)
{
	struct eng_send_wr wr = ut_wr(ENG_WR_SEND, 1, 0, 100);

	wr.sge[0].lkey = 0xdead;
	wr.flags = 0;
	ut_post(&wr);
	ut_post_op(ENG_WR_SEND, 2, 0, 10);
	eng_req_progress(ut.qp);
	/* IBA 10.8.3: a local protection error completes the WQE (signalled or not) and
	 * moves the QP to error; what follows is flushed. The packet never leaves. */
	ck_assert_uint_eq(ut.npkt, 0);
	ck_assert_uint_eq(ut.nmbufs, 1);
	ck_assert(ut_mbuf_freed(ut.mbufs[0]));
	ck_assert_uint_eq(ut.to_error, 1);
	ck_assert_int_eq(eng_qp_state_get(ut.qp), ENG_QPS_ERR);
	ck_assert_uint_eq(ut.ncqe, 2);
	ut_expect_cqe(0, &ut.scq, 1, ENG_WC_LOC_PROT_ERR, ENG_WC_SEND);
	ut_expect_cqe(1, &ut.scq, 2, ENG_WC_WR_FLUSH_ERR, ENG_WC_SEND);
}
END_TEST

START_TEST(test_eng_req_progress_no_mbuf)
{
	ut_post_op(ENG_WR_SEND, 1, 0, 600);
	ut.alloc_fail = 1;
	eng_req_progress(ut.qp);
	ck_assert_uint_eq(ut.npkt, 0);
	/* Tried again on the next progress, from the same packet and PSN. */
	eng_req_progress(ut.qp);
	ck_assert_uint_eq(ut.npkt, 3);
	ut_expect_pkt(0, ROCE_OP_SEND_FIRST, P, 256);
	ut_expect_pkt(2, ROCE_OP_SEND_LAST, P + 2, 88);
	ut_expect_bytes(0, ut.lbuf, 600);
	ck_assert_uint_eq(ut.qp->req.psn, P + 3);
}
END_TEST

START_TEST(test_eng_req_progress_inflight_limit)
{
	struct eng_req *r = &ut.qp->req;

	/* As if 1000 packets were unacknowledged: 30 more would pass ENG_MAX_INFLIGHT. */
	r->acked_psn = roce_psn_add(P, ROCE_PSN_MOD - 1000);
	ut_post_op(ENG_WR_WRITE, 1, 0, 30 * UT_PMTU);
	eng_req_progress(ut.qp);
	ck_assert_uint_eq(ut.npkt, 0);
	r->acked_psn = roce_psn_add(P, ROCE_PSN_MOD - (ENG_MAX_INFLIGHT - 30));
	eng_req_progress(ut.qp);
	ut_expect_pkt(0, ROCE_OP_WRITE_FIRST, P, UT_PMTU);
}
END_TEST

START_TEST(test_eng_req_progress_ack_first)
{
	ut.qp->resp.ack_pending = true;
	ut_post_op(ENG_WR_SEND, 1, 0, 10);
	eng_req_progress(ut.qp);
	/* The responder's deferred ACK leaves before the request (eng_resp_ack_first()). */
	ck_assert_uint_eq(ut.ack_first, 1);
	ck_assert_uint_eq(ut.ack_first_npkt, 0);
	ck_assert_uint_eq(ut.npkt, 1);
}
END_TEST

/* A SEND, a local operation (wr_id 2, flags, LOCAL_INV of 0xabc), a SEND; progress. */
static void
local_op_between(uint8_t opcode, uint8_t flags)
{
	struct eng_send_wr wr = ut_wr(opcode, 2, 0, 0);

	ut_post_op(ENG_WR_SEND, 1, 0, 10);
	wr.num_sge = 0;
	wr.flags = flags;
	wr.inv_rkey = 0xabc;
	ut_post(&wr);
	ut_post_op(ENG_WR_SEND, 3, 100, 10);
	eng_req_progress(ut.qp);
}

START_TEST(test_eng_req_progress_local_ops_in_order)
{
	local_op_between(ENG_WR_LOCAL_INV, ENG_WR_SIGNALED);
	/* No packet and no PSN for the local operation; it acts when the queue reaches it. */
	ck_assert_uint_eq(ut.npkt, 2);
	ut_expect_pkt(1, ROCE_OP_SEND_ONLY, P + 1, 10);
	ck_assert_uint_eq(ut.inv_calls, 1);
	ck_assert_uint_eq(ut.inv_key, 0xabc);
	/* Done, but it completes behind the SEND before it. */
	ck_assert_uint_eq(ut.ncqe, 0);
	ack(P);
	ck_assert_uint_eq(ut.ncqe, 2);
	ut_expect_cqe(0, &ut.scq, 1, ENG_WC_SUCCESS, ENG_WC_SEND);
	ut_expect_cqe(1, &ut.scq, 2, ENG_WC_SUCCESS, ENG_WC_LOCAL_INV);
	ack(P + 1);
	ut_expect_cqe(2, &ut.scq, 3, ENG_WC_SUCCESS, ENG_WC_SEND);
}
END_TEST

START_TEST(test_eng_req_progress_local_op_fails)
{
	ut.local_st = ENG_WC_MW_BIND_ERR;
	local_op_between(ENG_WR_BIND_MW, 0);
	/* A local error: the QP stops there; the SEND before it is flushed with the rest. */
	ck_assert_uint_eq(ut.npkt, 1);
	ck_assert_int_eq(eng_qp_state_get(ut.qp), ENG_QPS_ERR);
	ck_assert_uint_eq(ut.ncqe, 3);
	ut_expect_cqe(0, &ut.scq, 1, ENG_WC_WR_FLUSH_ERR, ENG_WC_SEND);
	ut_expect_cqe(1, &ut.scq, 2, ENG_WC_MW_BIND_ERR, ENG_WC_BIND_MW);
	ut_expect_cqe(2, &ut.scq, 3, ENG_WC_WR_FLUSH_ERR, ENG_WC_SEND);
}
END_TEST

START_TEST(test_eng_req_complete_unsignaled)
{
	struct eng_send_wr wr = ut_wr(ENG_WR_SEND, 1, 0, 10);
	const struct eng_cqe *c;

	wr.flags = 0;
	ut_post(&wr);
	wr = ut_wr(ENG_WR_WRITE, 2, 100, 300);
	ut_post(&wr);
	wr = ut_wr(ENG_WR_SEND, 3, 0, 10);
	wr.flags = 0;
	ut_post(&wr);
	eng_req_progress(ut.qp);
	ack(P + 3);
	/* IBA 10.8.3.1: only the signalled WR completes on the CQ; all three entries free. */
	ck_assert_uint_eq(ut.ncqe, 1);
	c = ut_expect_cqe(0, &ut.scq, 2, ENG_WC_SUCCESS, ENG_WC_WRITE);
	ck_assert_uint_eq(c->byte_len, 300);
	ck_assert_uint_eq(ut.qp->req.head, 3);
	ck_assert_uint_eq(ut.qp->req.tail, 3);
}
END_TEST

START_TEST(test_eng_req_complete_in_posting_order)
{
	ut_post_op(ENG_WR_SEND, 1, 0, 600);
	ut_post_op(ENG_WR_WRITE, 2, 1000, 10);
	eng_req_progress(ut.qp);
	/* The later WQE is done first: it waits for the one before it. */
	eng_swqe(ut.qp, 1)->acked = true;
	eng_req_complete(ut.qp);
	ck_assert_uint_eq(ut.ncqe, 0);
	ack(P + 2);
	ck_assert_uint_eq(ut.ncqe, 2);
	ck_assert_uint_eq(ut_expect_cqe(0, &ut.scq, 1, ENG_WC_SUCCESS, ENG_WC_SEND)->byte_len,
			  600);
	ut_expect_cqe(1, &ut.scq, 2, ENG_WC_SUCCESS, ENG_WC_WRITE);
}
END_TEST

START_TEST(test_eng_req_timers_go_back_n)
{
	const struct roce_pkt *p;

	ut_post_op(ENG_WR_SEND, 1, 0, 600);	/* P .. P+2 */
	ut_post_op(ENG_WR_WRITE, 2, 1000, 300);	/* P+3, P+4 */
	eng_req_progress(ut.qp);
	ck_assert_uint_eq(ut.npkt, 5);
	ck_assert_uint_eq(ut.qp->req.rto_deadline, UT_T0 + UT_RTO);
	ack(P);		/* the first packet only: the SEND is not done */
	ck_assert_uint_eq(ut.ncqe, 0);
	eng_req_timers(ut.qp, UT_T0 + UT_RTO - 1);
	ck_assert_uint_eq(ut_req_progress_all(), 0);
	ck_assert_uint_eq(ut_qp_ctr(ENG_RETRANSMIT_TIMEOUTS), 0);
	/* IBA 9.7.6.1.3: back to the oldest unacknowledged PSN, mid-message. */
	ut.now = UT_T0 + UT_RTO;
	eng_req_timers(ut.qp, ut.now);
	ck_assert_uint_eq(ut_qp_ctr(ENG_RETRANSMIT_TIMEOUTS), 1);
	ck_assert_uint_eq(ut.qp->req.rto_deadline, ut.now + UT_RTO);
	ck_assert_uint_eq(ut_req_progress_all(), 4);
	ut_expect_pkt(5, ROCE_OP_SEND_MIDDLE, P + 1, 256);
	ut_expect_pkt(6, ROCE_OP_SEND_LAST, P + 2, 88);
	ut_expect_bytes(5, ut.lbuf + 256, 344);
	p = ut_expect_pkt(7, ROCE_OP_WRITE_FIRST, P + 3, 256);
	ck_assert_uint_eq(p->reth.len, 300);
	ut_expect_pkt(8, ROCE_OP_WRITE_LAST, P + 4, 44);
	ut_expect_bytes(7, ut.lbuf + 1000, 300);
	ck_assert_uint_eq(ut_qp_ctr(ENG_RETRANSMIT_PKTS), 4);
	/* New work after the resent packets is not a retransmission. */
	ut_post_op(ENG_WR_SEND, 3, 2000, 10);
	eng_req_progress(ut.qp);
	ut_expect_pkt(9, ROCE_OP_SEND_ONLY, P + 5, 10);
	ck_assert_uint_eq(ut_qp_ctr(ENG_RETRANSMIT_PKTS), 4);
}
END_TEST

START_TEST(test_eng_req_timers_retry_exhausted)
{
	struct eng_send_wr wr = ut_wr(ENG_WR_SEND, 2, 100, 10);
	unsigned int i;

	ut.qp->attr.retry_cnt = 2;
	ut_post_op(ENG_WR_SEND, 1, 0, 10);
	wr.flags = 0;
	ut_post(&wr);
	ut_post_op(ENG_WR_WRITE, 3, 200, 10);
	eng_req_progress(ut.qp);
	ut_post_op(ENG_WR_SEND, 4, 300, 10);	/* posted, not yet taken by the requester */
	/* retry_cnt retries, each from the oldest PSN ... */
	for (i = 1; i <= 2; i++) {
		ut.now += UT_RTO;
		eng_req_timers(ut.qp, ut.now);
		ck_assert_uint_eq(ut_req_progress_all(), 4);
		ut_expect_pkt(4 * i - 1, ROCE_OP_SEND_ONLY, P, 10);
	}
	ck_assert_uint_eq(ut.ncqe, 0);
	/* ... then the oldest fails with a retry error and the rest flush, in order. */
	ut.now += UT_RTO;
	eng_req_timers(ut.qp, ut.now);
	ck_assert_int_eq(eng_qp_state_get(ut.qp), ENG_QPS_ERR);
	ck_assert_uint_eq(ut.ncqe, 4);
	ut_expect_cqe(0, &ut.scq, 1, ENG_WC_RETRY_EXC_ERR, ENG_WC_SEND);
	ut_expect_cqe(1, &ut.scq, 2, ENG_WC_WR_FLUSH_ERR, ENG_WC_SEND);
	ut_expect_cqe(2, &ut.scq, 3, ENG_WC_WR_FLUSH_ERR, ENG_WC_WRITE);
	ut_expect_cqe(3, &ut.scq, 4, ENG_WC_WR_FLUSH_ERR, ENG_WC_SEND);
	ck_assert_uint_eq(ut.npkt, 11);
	ck_assert_uint_eq(ut_qp_ctr(ENG_RETRANSMIT_TIMEOUTS), 3);
}
END_TEST

START_TEST(test_eng_req_timers_stop_when_idle)
{
	ut_post_op(ENG_WR_SEND, 1, 0, 10);
	eng_req_progress(ut.qp);
	ack(P);
	ck_assert_uint_eq(ut.ncqe, 1);
	/* Nothing outstanding when it fires: it stops, no timeout is counted. */
	eng_req_timers(ut.qp, UT_T0 + 5 * UT_RTO);
	ck_assert_uint_eq(ut.qp->req.rto_deadline, 0);
	ck_assert_uint_eq(ut_qp_ctr(ENG_RETRANSMIT_TIMEOUTS), 0);
	ck_assert_uint_eq(ut_req_progress_all(), 0);
}
END_TEST

START_TEST(test_eng_req_timers_infinite_timeout)
{
	ut.qp->attr.timeout = 0;
	ut_post_op(ENG_WR_SEND, 1, 0, 10);
	eng_req_progress(ut.qp);
	/* IBA 9.7.6.1.3: timeout 0 is infinite: the timer never starts. */
	ck_assert_uint_eq(ut.qp->req.rto_deadline, 0);
	eng_req_timers(ut.qp, UINT64_MAX);
	ck_assert_uint_eq(ut_req_progress_all(), 0);
	ck_assert_uint_eq(ut_qp_ctr(ENG_RETRANSMIT_TIMEOUTS), 0);
}
END_TEST

START_TEST(test_eng_req_flush_posting_order)
{
	struct eng_req *r = &ut.qp->req;
	struct eng_send_wr wr = ut_wr(ENG_WR_SEND, 3, 400, 10);

	ut_post_op(ENG_WR_SEND, 1, 0, 10);
	ut_post_op(ENG_WR_READ, 2, 100, 100);
	wr.flags = 0;
	ut_post(&wr);
	eng_req_progress(ut.qp);
	ut_post_op(ENG_WR_WRITE, 4, 500, 10);	/* not taken yet */
	ack(P);
	ck_assert_uint_eq(ut.ncqe, 1);
	eng_qp_to_error(ut.qp);
	/* Every WR completes, unsignalled ones too, in posting order (IBA 10.3.1). */
	ck_assert_uint_eq(ut.ncqe, 4);
	ut_expect_cqe(1, &ut.scq, 2, ENG_WC_WR_FLUSH_ERR, ENG_WC_READ);
	ut_expect_cqe(2, &ut.scq, 3, ENG_WC_WR_FLUSH_ERR, ENG_WC_SEND);
	ut_expect_cqe(3, &ut.scq, 4, ENG_WC_WR_FLUSH_ERR, ENG_WC_WRITE);
	ck_assert_uint_eq(r->head, 4);
	ck_assert_uint_eq(r->tail, 4);
	ck_assert_uint_eq(r->rd_inflight, 0);
	ck_assert_uint_eq(r->rto_deadline, 0);
	/* Posted in the error state: flushed by the next poll's flush. */
	ut_post_op(ENG_WR_SEND, 5, 0, 10);
	eng_req_flush(ut.qp);
	ut_expect_cqe(4, &ut.scq, 5, ENG_WC_WR_FLUSH_ERR, ENG_WC_SEND);
	ck_assert_uint_eq(ut.npkt, 3);
}
END_TEST

START_TEST(test_eng_req_progress_ud)
{
	struct eng_send_wr wr = ut_wr(ENG_WR_SEND, 1, 0, 100);
	const struct roce_pkt *p;

	ut.qp->type = ENG_QPT_UD;
	wr.ud.dest_qpn = 0x99;
	wr.ud.qkey = 0x11110000;
	roce_ipv4_to_mapped(wr.ud.dgid, RTE_BE32(0x0a000003));
	roce_ipv4_to_mapped(wr.ud.sgid, RTE_BE32(0x0a000001));
	ut_post(&wr);
	wr = ut_wr(ENG_WR_SEND, 2, 0, UT_PMTU + 1);
	wr.ud = eng_swqe(ut.qp, 0)->wr.ud;
	ut_post(&wr);
	eng_req_progress(ut.qp);
	/* IBA 9.8: one packet with a DETH, done once sent; a datagram cannot be segmented. */
	ck_assert_uint_eq(ut.npkt, 1);
	p = ut_pkt_at(0);
	ck_assert_uint_eq(p->opcode, ROCE_OP_UD_SEND_ONLY);
	ck_assert_uint_eq(p->dqpn, 0x99);
	ck_assert_uint_eq(p->deth.qkey, 0x11110000);
	ck_assert_uint_eq(p->deth.sqpn, UT_QPN);
	ut_expect_bytes(0, ut.lbuf, 100);
	ck_assert_uint_eq(ut.ncqe, 2);
	ut_expect_cqe(0, &ut.scq, 1, ENG_WC_SUCCESS, ENG_WC_SEND);
	ut_expect_cqe(1, &ut.scq, 2, ENG_WC_LOC_LEN_ERR, ENG_WC_SEND);
	ck_assert_int_eq(eng_qp_state_get(ut.qp), ENG_QPS_RTS);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("eng_req");
	TCase *tc = tcase_create("requester");

	tcase_add_checked_fixture(tc, ut_setup, ut_teardown);
	tcase_add_test(tc, test_eng_req_progress_send_segmented);
	tcase_add_test(tc, test_eng_req_progress_psn_wraps);
	tcase_add_test(tc, test_eng_req_progress_ackreq_every);
	tcase_add_test(tc, test_eng_req_progress_burst_budget);
	tcase_add_test(tc, test_eng_req_progress_write_reth_first_only);
	tcase_add_test(tc, test_eng_req_progress_imm_inv_solicited);
	tcase_add_test(tc, test_eng_req_progress_zero_length);
	tcase_add_test(tc, test_eng_req_progress_read_request);
	tcase_add_test(tc, test_eng_req_progress_atomics);
	tcase_add_test(tc, test_eng_req_progress_ord_limit);
	tcase_add_test(tc, test_eng_req_progress_fence_waits_for_read);
	tcase_add_test(tc, test_eng_req_progress_fence_waits_for_atomic);
	tcase_add_test(tc, test_eng_req_progress_inline);
	tcase_add_test(tc, test_eng_req_progress_sge_list);
	tcase_add_test(tc, test_eng_req_progress_bad_lkey);
	tcase_add_test(tc, test_eng_req_progress_no_mbuf);
	tcase_add_test(tc, test_eng_req_progress_inflight_limit);
	tcase_add_test(tc, test_eng_req_progress_ack_first);
	tcase_add_test(tc, test_eng_req_progress_local_ops_in_order);
	tcase_add_test(tc, test_eng_req_progress_local_op_fails);
	tcase_add_test(tc, test_eng_req_progress_ud);
	tcase_add_test(tc, test_eng_req_complete_unsignaled);
	tcase_add_test(tc, test_eng_req_complete_in_posting_order);
	tcase_add_test(tc, test_eng_req_timers_go_back_n);
	tcase_add_test(tc, test_eng_req_timers_retry_exhausted);
	tcase_add_test(tc, test_eng_req_timers_stop_when_idle);
	tcase_add_test(tc, test_eng_req_timers_infinite_timeout);
	tcase_add_test(tc, test_eng_req_flush_posting_order);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
