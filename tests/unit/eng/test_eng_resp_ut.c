/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The responder (pmd/eng/eng_resp.c): request packets built with the wire codec and handed
 * to eng_resp_rx(), receive WQEs from a fake RQ, the peer's MR at ut.rbuf (UT_RKEY), and
 * every ACK, NAK, READ response and atomic ACK captured and parsed back. No EAL
 * (eng_ut.h).
 */
#include "eng_resp.c"

#define UT_HAVE_RESP
#include "eng_ut.h"

#define E		UT_RQ_PSN
#define NAK(code)	(ROCE_AETH_NAK | (code))

static uint8_t data[8192];

/* A request of the peer's: opcode, PSN and payload length; the caller adds the rest. */
static struct roce_pkt
req(uint8_t opcode, uint32_t psn, uint32_t len)
{
	return (struct roce_pkt){ .opcode = opcode, .psn = psn, .payload_len = len };
}

/* data[off, off + len) as the payload of p. */
static void
rx(struct roce_pkt p, uint32_t off)
{
	ut_rx(eng_resp_rx, p, data + off);
}

/* A WRITE of len bytes of data[off..] to ut.rbuf + roff (FIRST/ONLY carry the RETH). */
static void
rx_write(uint8_t opcode, uint32_t psn, uint32_t off, uint32_t len, uint32_t roff,
	 uint32_t total)
{
	struct roce_pkt p = req(opcode, psn, len);

	p.reth.va = (uintptr_t)ut.rbuf + roff;
	p.reth.rkey = UT_RKEY;
	p.reth.len = total;
	rx(p, off);
}

static void
rx_read(uint32_t psn, uint64_t va, uint32_t rkey, uint32_t len)
{
	struct roce_pkt p = req(ROCE_OP_READ_REQ, psn, 0);

	p.reth.va = va;
	p.reth.rkey = rkey;
	p.reth.len = len;
	rx(p, 0);
}

static void
rx_atomic(uint8_t opcode, uint32_t psn, uint32_t roff, uint64_t swap_add, uint64_t compare)
{
	struct roce_pkt p = req(opcode, psn, 0);

	p.atomic.va = (uintptr_t)ut.rbuf + roff;
	p.atomic.rkey = UT_RKEY;
	p.atomic.swap_add = swap_add;
	p.atomic.compare = compare;
	rx(p, 0);
}

/* The slot's next poll: a held ACK goes now. */
static void
next_poll(void)
{
	ut.slot->ctr[ENG_POLLS]++;
	eng_resp_progress(ut.qp);
}

static uint64_t
word_at(uint32_t roff)
{
	uint64_t v;

	memcpy(&v, ut.rbuf + roff, sizeof(v));
	return v;
}

static void
setup(void)
{
	ut_setup();
	ut_fill(data, sizeof(data), 5);
	ut_fill(ut.rbuf, UT_BUF, 6);
}

START_TEST(test_eng_resp_rx_send_lands)
{
	const struct eng_cqe *c;

	ut_post_recv(7, 0, 1000);
	rx(req(ROCE_OP_SEND_ONLY, E, 100), 0);
	ck_assert_mem_eq(ut.lbuf, data, 100);
	ck_assert_uint_eq(ut.ncqe, 1);
	c = ut_expect_cqe(0, &ut.rcq, 7, ENG_WC_SUCCESS, ENG_WC_RECV);
	ck_assert_uint_eq(c->byte_len, 100);
	ck_assert_uint_eq(c->flags, 0);
	ck_assert_uint_eq(ut.qp->resp.epsn, E + 1);
	/* A few packets' ACK is held for one poll (coalescing, IBA 9.7.6.1.1). */
	eng_resp_progress(ut.qp);
	ck_assert_uint_eq(ut.npkt, 0);
	next_poll();
	ck_assert_uint_eq(ut.npkt, 1);
	ut_expect_ack(0, E, UT_ACK_SYN, 1);
}
END_TEST

START_TEST(test_eng_resp_rx_send_chained_mbuf)
{
	ut_post_recv(7, 0, 1000);
	ut_rx_seg(eng_resp_rx, req(ROCE_OP_SEND_ONLY, E, 200), data, true);
	ck_assert_mem_eq(ut.lbuf, data, 200);
	ck_assert_uint_eq(ut_expect_cqe(0, &ut.rcq, 7, ENG_WC_SUCCESS, ENG_WC_RECV)->byte_len,
			  200);
}
END_TEST

START_TEST(test_eng_resp_rx_send_multi_packet)
{
	struct eng_recv_wr *wr = &ut.rq[0];
	const struct eng_cqe *c;

	ut_post_recv(7, 0, 300);
	wr->num_sge = 2;
	wr->sge[1] = (struct eng_sge){ (uintptr_t)ut.lbuf + 2000, 400, UT_LKEY };
	rx(req(ROCE_OP_SEND_FIRST, E, 256), 0);
	rx(req(ROCE_OP_SEND_MIDDLE, E + 1, 256), 256);
	ck_assert_uint_eq(ut.ncqe, 0);
	rx(req(ROCE_OP_SEND_LAST, E + 2, 100), 512);
	/* One message, one WQE across its SGEs, one completion, one MSN. */
	ck_assert_mem_eq(ut.lbuf, data, 300);
	ck_assert_mem_eq(ut.lbuf + 2000, data + 300, 312);
	ck_assert_uint_eq(ut.ncqe, 1);
	c = ut_expect_cqe(0, &ut.rcq, 7, ENG_WC_SUCCESS, ENG_WC_RECV);
	ck_assert_uint_eq(c->byte_len, 612);
	ck_assert_uint_eq(ut.rq_head, 1);
	next_poll();
	ut_expect_ack(0, E + 2, UT_ACK_SYN, 1);
}
END_TEST

START_TEST(test_eng_resp_rx_send_imm_solicited)
{
	struct roce_pkt p = req(ROCE_OP_SEND_ONLY_IMM, E, 10);
	const struct eng_cqe *c;

	ut_post_recv(1, 0, 100);
	p.imm = RTE_BE32(0xcafe0001);
	p.se = true;
	rx(p, 0);
	c = ut_expect_cqe(0, &ut.rcq, 1, ENG_WC_SUCCESS, ENG_WC_RECV);
	ck_assert_uint_eq(c->flags, ENG_WC_WITH_IMM | ENG_WC_SOLICITED);
	ck_assert_uint_eq(c->imm, RTE_BE32(0xcafe0001));	/* wire order, as verbs */
	ck_assert_uint_eq(c->byte_len, 10);
}
END_TEST

START_TEST(test_eng_resp_rx_send_inv)
{
	struct roce_pkt p = req(ROCE_OP_SEND_ONLY_INV, E, 10);
	const struct eng_cqe *c;

	ut_post_recv(1, 0, 100);
	p.inv_rkey = 0x4242;
	rx(p, 0);
	/* IBA 9.4.4: the key is invalidated before the completion tells of it. */
	ck_assert_uint_eq(ut.inv_calls, 1);
	ck_assert_uint_eq(ut.inv_key, 0x4242);
	c = ut_expect_cqe(0, &ut.rcq, 1, ENG_WC_SUCCESS, ENG_WC_RECV);
	ck_assert_uint_eq(c->flags, ENG_WC_WITH_INV);
	ck_assert_uint_eq(c->inv_rkey, 0x4242);
}
END_TEST

START_TEST(test_eng_resp_rx_send_inv_bad_key)
{
	struct roce_pkt p = req(ROCE_OP_SEND_ONLY_INV, E, 10);

	ut_post_recv(1, 0, 100);
	ut.inv_ret = -EINVAL;
	p.inv_rkey = 0x4242;
	rx(p, 0);
	/* A key we cannot invalidate: the receive fails and the request is invalid. */
	ut_expect_cqe(0, &ut.rcq, 1, ENG_WC_REM_INV_REQ_ERR, ENG_WC_RECV);
	ut_expect_ack(0, E, NAK(ROCE_NAK_INVALID_REQ), 0);
	ck_assert_int_eq(eng_qp_state_get(ut.qp), ENG_QPS_ERR);
}
END_TEST

START_TEST(test_eng_resp_rx_send_no_wqe_rnr)
{
	rx(req(ROCE_OP_SEND_ONLY, E, 10), 0);
	/* IBA 9.7.5.2.8: RNR NAK with our timer; the PSN stays expected. */
	ck_assert_uint_eq(ut.npkt, 1);
	ut_expect_ack(0, E, ROCE_AETH_RNR_NAK | UT_MIN_RNR, 0);
	ck_assert_uint_eq(ut.qp->resp.epsn, E);
	/* What the requester pipelined behind it draws no sequence NAK. */
	rx(req(ROCE_OP_SEND_ONLY, E + 1, 10), 10);
	ck_assert_uint_eq(ut.npkt, 1);
	/* The retry, once a WQE is there, is in order. */
	ut_post_recv(1, 0, 100);
	ut_post_recv(2, 100, 100);
	rx(req(ROCE_OP_SEND_ONLY, E, 10), 0);
	rx(req(ROCE_OP_SEND_ONLY, E + 1, 10), 10);
	ck_assert_uint_eq(ut.ncqe, 2);
	ck_assert_mem_eq(ut.lbuf + 100, data + 10, 10);
	ck_assert_uint_eq(ut.qp->resp.epsn, E + 2);
	ck_assert_int_eq(eng_qp_state_get(ut.qp), ENG_QPS_RTS);
}
END_TEST

START_TEST(test_eng_resp_rx_out_of_seq_one_nak)
{
	uint8_t before[24];

	memcpy(before, ut.rbuf, sizeof(before));
	rx_write(ROCE_OP_WRITE_ONLY, E + 2, 0, 8, 0, 8);
	rx_write(ROCE_OP_WRITE_ONLY, E + 3, 0, 8, 8, 8);
	rx_write(ROCE_OP_WRITE_ONLY, E + 5, 0, 8, 16, 8);
	/* IBA 9.7.5.1.1: one PSN sequence NAK per gap, for the PSN expected. */
	ck_assert_uint_eq(ut.npkt, 1);
	ut_expect_ack(0, E, NAK(ROCE_NAK_PSN_SEQ), 0);
	ck_assert_uint_eq(ut_qp_ctr(ENG_OUT_OF_SEQ), 3);
	ck_assert_uint_eq(ut.qp->resp.epsn, E);
	ck_assert_mem_eq(ut.rbuf, before, sizeof(before));	/* nothing placed */
	/* The gap closes; a new one draws a new NAK. */
	rx_write(ROCE_OP_WRITE_ONLY, E, 0, 8, 0, 8);
	rx_write(ROCE_OP_WRITE_ONLY, E + 1, 8, 8, 8, 8);
	rx_write(ROCE_OP_WRITE_ONLY, E + 4, 0, 8, 0, 8);
	ck_assert_uint_eq(ut.npkt, 3);
	/* The coalesced ACK of what arrived goes before the NAK, in PSN order. */
	ut_expect_ack(1, E + 1, UT_ACK_SYN, 2);
	ut_expect_ack(2, E + 2, NAK(ROCE_NAK_PSN_SEQ), 2);
}
END_TEST

START_TEST(test_eng_resp_rx_duplicate_reack)
{
	uint8_t before[16];

	ut_post_recv(1, 0, 100);
	ut_post_recv(2, 100, 100);
	rx(req(ROCE_OP_SEND_ONLY, E, 10), 0);
	rx_write(ROCE_OP_WRITE_ONLY, E + 1, 0, 16, 0, 16);
	next_poll();
	ut_expect_ack(0, E + 1, UT_ACK_SYN, 2);
	memcpy(before, ut.rbuf, sizeof(before));
	/* IBA 9.7.5.1.2: duplicates are acknowledged again and change nothing. */
	rx(req(ROCE_OP_SEND_ONLY, E, 10), 100);
	rx_write(ROCE_OP_WRITE_ONLY, E + 1, 500, 16, 0, 16);
	ck_assert_uint_eq(ut.npkt, 3);
	ut_expect_ack(1, E + 1, UT_ACK_SYN, 2);
	ut_expect_ack(2, E + 1, UT_ACK_SYN, 2);
	ck_assert_uint_eq(ut.ncqe, 1);
	ck_assert_uint_eq(ut.rq_head, 1);
	ck_assert_mem_eq(ut.rbuf, before, sizeof(before));
	ck_assert_uint_eq(ut_qp_ctr(ENG_DUP_REQUESTS), 2);
	ck_assert_uint_eq(ut.qp->resp.epsn, E + 2);
}
END_TEST

START_TEST(test_eng_resp_rx_write_lands)
{
	rx_write(ROCE_OP_WRITE_FIRST, E, 0, 256, 100, 600);
	rx_write(ROCE_OP_WRITE_MIDDLE, E + 1, 256, 256, 0, 0);
	rx_write(ROCE_OP_WRITE_LAST, E + 2, 512, 88, 0, 0);
	ck_assert_mem_eq(ut.rbuf + 100, data, 600);
	ck_assert_uint_eq(ut.ncqe, 0);
	ck_assert_uint_eq(ut.qp->resp.msn, 1);
	ck_assert_uint_eq(ut.qp->resp.epsn, E + 3);
	next_poll();
	ck_assert_uint_eq(ut.npkt, 1);
	ut_expect_ack(0, E + 2, UT_ACK_SYN, 1);
}
END_TEST

START_TEST(test_eng_resp_rx_write_length_mismatch)
{
	uint8_t before[64];

	memcpy(before, ut.rbuf + 600, sizeof(before));
	rx_write(ROCE_OP_WRITE_FIRST, E, 0, 256, 0, 600);
	rx_write(ROCE_OP_WRITE_MIDDLE, E + 1, 256, 256, 0, 0);
	/* The LAST must end the message exactly where the RETH said: 88 bytes, not 100. */
	rx_write(ROCE_OP_WRITE_LAST, E + 2, 512, 100, 0, 0);
	ut_expect_ack(0, E + 1, UT_ACK_SYN, 0);
	ut_expect_ack(1, E + 2, NAK(ROCE_NAK_INVALID_REQ), 0);
	ck_assert_int_eq(eng_qp_state_get(ut.qp), ENG_QPS_ERR);
	ck_assert_mem_eq(ut.rbuf + 600, before, sizeof(before));
}
END_TEST

START_TEST(test_eng_resp_rx_write_only_length_mismatch)
{
	/* An ONLY carries its whole message: RETH length and payload agree. */
	rx_write(ROCE_OP_WRITE_ONLY, E, 0, 16, 0, 32);
	ut_expect_ack(0, E, NAK(ROCE_NAK_INVALID_REQ), 0);
	ck_assert_int_eq(eng_qp_state_get(ut.qp), ENG_QPS_ERR);
}
END_TEST

START_TEST(test_eng_resp_rx_write_imm)
{
	struct roce_pkt p = req(ROCE_OP_WRITE_ONLY_IMM, E, 50);
	const struct eng_cqe *c;

	ut_post_recv(3, 0, 100);
	memset(ut.lbuf, 0, 100);
	p.reth = (typeof(p.reth)){ (uintptr_t)ut.rbuf + 64, UT_RKEY, 50 };
	p.imm = RTE_BE32(0x1234);
	rx(p, 0);
	ck_assert_mem_eq(ut.rbuf + 64, data, 50);
	/* The WQE is consumed, its buffer untouched; byte_len is the WRITE's. */
	c = ut_expect_cqe(0, &ut.rcq, 3, ENG_WC_SUCCESS, ENG_WC_RECV_WRITE_IMM);
	ck_assert_uint_eq(c->byte_len, 50);
	ck_assert_uint_eq(c->flags, ENG_WC_WITH_IMM);
	ck_assert_uint_eq(c->imm, RTE_BE32(0x1234));
	ck_assert_uint_eq(ut.lbuf[0], 0);
}
END_TEST

START_TEST(test_eng_resp_rx_write_bad_rkey)
{
	struct roce_pkt p = req(ROCE_OP_WRITE_ONLY, E, 16);
	uint8_t before[16];

	memcpy(before, ut.rbuf, sizeof(before));
	p.reth = (typeof(p.reth)){ (uintptr_t)ut.rbuf, 0xbad, 16 };
	rx(p, 0);
	/* IBA 9.7.5.2.4 (class C): remote access error NAK, then the error state. */
	ck_assert_uint_eq(ut.npkt, 1);
	ut_expect_ack(0, E, NAK(ROCE_NAK_REMOTE_ACCESS), 0);
	ck_assert_int_eq(eng_qp_state_get(ut.qp), ENG_QPS_ERR);
	ck_assert_mem_eq(ut.rbuf, before, sizeof(before));
}
END_TEST

START_TEST(test_eng_resp_rx_write_out_of_bounds)
{
	uint8_t before[50];

	memcpy(before, ut.rbuf + UT_BUF - 50, sizeof(before));
	rx_write(ROCE_OP_WRITE_ONLY, E, 0, 100, UT_BUF - 50, 100);
	ut_expect_ack(0, E, NAK(ROCE_NAK_REMOTE_ACCESS), 0);
	ck_assert_mem_eq(ut.rbuf + UT_BUF - 50, before, sizeof(before));
	ck_assert_int_eq(eng_qp_state_get(ut.qp), ENG_QPS_ERR);
}
END_TEST

START_TEST(test_eng_resp_rx_write_qp_access)
{
	/* The MR grants remote write, the QP does not. */
	ut.qp->attr.access = ENG_ACCESS_REMOTE_READ;
	rx_write(ROCE_OP_WRITE_ONLY, E, 0, 16, 0, 16);
	ut_expect_ack(0, E, NAK(ROCE_NAK_REMOTE_ACCESS), 0);
	ck_assert_int_eq(eng_qp_state_get(ut.qp), ENG_QPS_ERR);
}
END_TEST

START_TEST(test_eng_resp_rx_read_segmented)
{
	const struct roce_pkt *p;

	rx_read(E, (uintptr_t)ut.rbuf + 10, UT_RKEY, 600);
	/* The READ takes the PSNs of its responses (IBA 9.7.5.1); they go on progress. */
	ck_assert_uint_eq(ut.qp->resp.epsn, E + 3);
	ck_assert_uint_eq(ut.npkt, 0);
	eng_resp_progress(ut.qp);
	ck_assert_uint_eq(ut.npkt, 3);
	p = ut_expect_pkt(0, ROCE_OP_READ_RESP_FIRST, E, 256);
	ck_assert_uint_eq(p->aeth.syndrome, UT_ACK_SYN);
	ck_assert_uint_eq(p->aeth.msn, 1);
	p = ut_expect_pkt(1, ROCE_OP_READ_RESP_MIDDLE, E + 1, 256);
	ck_assert(!roce_opcode_has(p->op, ROCE_EXT_AETH));
	p = ut_expect_pkt(2, ROCE_OP_READ_RESP_LAST, E + 2, 88);
	ck_assert_uint_eq(p->aeth.msn, 1);
	ut_expect_bytes(0, ut.rbuf + 10, 600);
	next_poll();
	ck_assert_uint_eq(ut.npkt, 3);
}
END_TEST

START_TEST(test_eng_resp_rx_read_zero_length)
{
	/* No memory touched, no key checked (IBA 9.7.4.1.3); one empty response. */
	rx_read(E, 0, 0xbad, 0);
	eng_resp_progress(ut.qp);
	ck_assert_uint_eq(ut.npkt, 1);
	ut_expect_pkt(0, ROCE_OP_READ_RESP_ONLY, E, 0);
	ck_assert_uint_eq(ut.qp->resp.epsn, E + 1);
}
END_TEST

START_TEST(test_eng_resp_rx_read_duplicate_replays)
{
	rx_read(E, (uintptr_t)ut.rbuf + 10, UT_RKEY, 600);
	eng_resp_progress(ut.qp);
	ck_assert_uint_eq(ut.npkt, 3);
	/* IBA 9.7.5.1.3: a retry from the middle is answered again from the saved request
	 * (not from its RETH, which points elsewhere here), from the PSN it asks for. */
	rx_read(E + 1, (uintptr_t)ut.rbuf + 5000, UT_RKEY, 344);
	eng_resp_progress(ut.qp);
	ck_assert_uint_eq(ut.npkt, 5);
	ut_expect_pkt(3, ROCE_OP_READ_RESP_MIDDLE, E + 1, 256);
	ut_expect_pkt(4, ROCE_OP_READ_RESP_LAST, E + 2, 88);
	ut_expect_bytes(3, ut.rbuf + 10 + 256, 344);
	ck_assert_uint_eq(ut_qp_ctr(ENG_DUP_REQUESTS), 1);
	ck_assert_uint_eq(ut.qp->resp.epsn, E + 3);
	ck_assert_uint_eq(ut.qp->resp.msn, 1);
}
END_TEST

START_TEST(test_eng_resp_rx_read_bad_rkey)
{
	rx_read(E, (uintptr_t)ut.rbuf, 0xbad, 100);
	eng_resp_progress(ut.qp);
	ck_assert_uint_eq(ut.npkt, 1);
	ut_expect_ack(0, E, NAK(ROCE_NAK_REMOTE_ACCESS), 0);
	ck_assert_int_eq(eng_qp_state_get(ut.qp), ENG_QPS_ERR);
}
END_TEST

START_TEST(test_eng_resp_rx_read_ird_exceeded)
{
	ut.qp->attr.max_dest_rd_atomic = 1;
	rx_read(E, (uintptr_t)ut.rbuf, UT_RKEY, 300);			/* E, E+1 */
	rx_read(E + 2, (uintptr_t)ut.rbuf + 1000, UT_RKEY, 100);
	/* One resource: the older READ's responses go out first, in PSN order. */
	ck_assert_uint_eq(ut_qp_ctr(ENG_IRD_EXCEEDED), 1);
	ck_assert_uint_eq(ut.npkt, 2);
	ut_expect_pkt(0, ROCE_OP_READ_RESP_FIRST, E, 256);
	ut_expect_pkt(1, ROCE_OP_READ_RESP_LAST, E + 1, 44);
	eng_resp_progress(ut.qp);
	ut_expect_pkt(2, ROCE_OP_READ_RESP_ONLY, E + 2, 100);
	ut_expect_bytes(2, ut.rbuf + 1000, 100);
}
END_TEST

START_TEST(test_eng_resp_rx_cmp_swap_once)
{
	const struct roce_pkt *p;
	uint64_t v = 5;

	memcpy(ut.rbuf + 64, &v, sizeof(v));
	rx_atomic(ROCE_OP_CMP_SWAP, E, 64, 9, 5);
	ck_assert_uint_eq(word_at(64), 9);
	/* The ATOMIC ACK goes at once, with the original value. */
	ck_assert_uint_eq(ut.npkt, 1);
	p = ut_expect_pkt(0, ROCE_OP_ATOMIC_ACK, E, 0);
	ck_assert_uint_eq(p->atomic_orig, 5);
	ck_assert_uint_eq(p->aeth.msn, 1);
	/* IBA 9.7.5.1.3: a duplicate is not executed again; the saved result is replayed. */
	rx_atomic(ROCE_OP_CMP_SWAP, E, 64, 13, 9);
	ck_assert_uint_eq(word_at(64), 9);
	ck_assert_uint_eq(ut.npkt, 2);
	ck_assert_uint_eq(ut_expect_pkt(1, ROCE_OP_ATOMIC_ACK, E, 0)->atomic_orig, 5);
	ck_assert_uint_eq(ut.qp->resp.epsn, E + 1);
	/* No match: nothing swapped, the current value returned. */
	rx_atomic(ROCE_OP_CMP_SWAP, E + 1, 64, 20, 7);
	ck_assert_uint_eq(word_at(64), 9);
	ck_assert_uint_eq(ut_expect_pkt(2, ROCE_OP_ATOMIC_ACK, E + 1, 0)->atomic_orig, 9);
}
END_TEST

START_TEST(test_eng_resp_rx_fetch_add_once)
{
	uint64_t v = 100;

	memcpy(ut.rbuf + 8, &v, sizeof(v));
	rx_atomic(ROCE_OP_FETCH_ADD, E, 8, 5, 0);
	ck_assert_uint_eq(word_at(8), 105);
	ck_assert_uint_eq(ut_expect_pkt(0, ROCE_OP_ATOMIC_ACK, E, 0)->atomic_orig, 100);
	rx_atomic(ROCE_OP_FETCH_ADD, E, 8, 5, 0);
	ck_assert_uint_eq(word_at(8), 105);
	ck_assert_uint_eq(ut_expect_pkt(1, ROCE_OP_ATOMIC_ACK, E, 0)->atomic_orig, 100);
	ck_assert_uint_eq(ut_qp_ctr(ENG_DUP_REQUESTS), 1);
}
END_TEST

START_TEST(test_eng_resp_rx_atomic_misaligned)
{
	uint64_t before = word_at(0);

	rx_atomic(ROCE_OP_FETCH_ADD, E, 4, 1, 0);
	ck_assert_uint_eq(ut.npkt, 1);
	ut_expect_ack(0, E, NAK(ROCE_NAK_INVALID_REQ), 0);
	ck_assert_uint_eq(word_at(0), before);
	ck_assert_int_eq(eng_qp_state_get(ut.qp), ENG_QPS_ERR);
}
END_TEST

START_TEST(test_eng_resp_rx_ack_every)
{
	uint32_t i;

	/* One poll's burst: one ACK every ENG_ACK_EVERY packets, without waiting. */
	for (i = 0; i < ENG_ACK_EVERY; i++)
		rx_write(ROCE_OP_WRITE_ONLY, E + i, i, 8, 8 * i, 8);
	ck_assert_uint_eq(ut.npkt, 1);
	ut_expect_ack(0, E + ENG_ACK_EVERY - 1, UT_ACK_SYN, ENG_ACK_EVERY);
	/* A few packets' ACK (ENG_ACK_HOLD_MAX) is held for the next poll ... */
	for (i = ENG_ACK_EVERY; i < ENG_ACK_EVERY + ENG_ACK_HOLD_MAX; i++)
		rx_write(ROCE_OP_WRITE_ONLY, E + i, i, 8, 8 * i, 8);
	eng_resp_progress(ut.qp);
	ck_assert_uint_eq(ut.npkt, 1);
	next_poll();
	ut_expect_ack(1, E + i - 1, UT_ACK_SYN, i);
	/* ... a stream's is not. */
	for (; i < ENG_ACK_EVERY + 2 * ENG_ACK_HOLD_MAX + 1; i++)
		rx_write(ROCE_OP_WRITE_ONLY, E + i, i, 8, 8 * i, 8);
	eng_resp_progress(ut.qp);
	ck_assert_uint_eq(ut.npkt, 3);
	ut_expect_ack(2, E + i - 1, UT_ACK_SYN, i);
}
END_TEST

START_TEST(test_eng_resp_progress_read_covers_ack)
{
	rx_write(ROCE_OP_WRITE_ONLY, E, 0, 8, 0, 8);
	rx_read(E + 1, (uintptr_t)ut.rbuf, UT_RKEY, 100);
	eng_resp_progress(ut.qp);
	/* IBA 9.7.6.1.1: the response acknowledges the WRITE before it; no ACK of its own. */
	ck_assert_uint_eq(ut.npkt, 1);
	ck_assert_uint_eq(ut_expect_pkt(0, ROCE_OP_READ_RESP_ONLY, E + 1, 100)->aeth.msn, 2);
	next_poll();
	ck_assert_uint_eq(ut.npkt, 1);
}
END_TEST

START_TEST(test_eng_resp_progress_ack_after_read)
{
	uint32_t i;

	rx_read(E, (uintptr_t)ut.rbuf, UT_RKEY, 600);		/* E .. E+2 */
	for (i = 0; i < ENG_ACK_EVERY; i++)
		rx_write(ROCE_OP_WRITE_ONLY, E + 3 + i, i, 8, 1000 + 8 * i, 8);
	/* The ACK of the later WRITEs waits for the READ's responses, even a full
	 * ENG_ACK_EVERY of them: PSN order. */
	ck_assert_uint_eq(ut.npkt, 0);
	next_poll();
	ck_assert_uint_eq(ut.npkt, 4);
	ut_expect_pkt(2, ROCE_OP_READ_RESP_LAST, E + 2, 88);
	ut_expect_ack(3, E + 2 + ENG_ACK_EVERY, UT_ACK_SYN, 1 + ENG_ACK_EVERY);
}
END_TEST

START_TEST(test_eng_resp_rx_duplicate_waits_for_read)
{
	rx_write(ROCE_OP_WRITE_ONLY, E, 0, 8, 0, 8);
	next_poll();
	rx_read(E + 1, (uintptr_t)ut.rbuf, UT_RKEY, 600);	/* E+1 .. E+3 */
	/* A duplicate's ACK (of E+3) must not overtake the READ's responses either. */
	rx_write(ROCE_OP_WRITE_ONLY, E, 0, 8, 0, 8);
	ck_assert_uint_eq(ut.npkt, 1);
	eng_resp_progress(ut.qp);
	ck_assert_uint_eq(ut.npkt, 5);
	ut_expect_pkt(3, ROCE_OP_READ_RESP_LAST, E + 3, 88);
	ut_expect_ack(4, E + 3, UT_ACK_SYN, 2);
}
END_TEST

START_TEST(test_eng_resp_rx_nak_after_read_responses)
{
	unsigned int i;

	/*
	 * Responses leave in PSN order, NAKs included (IBA 9.7.5.1.3): the sequence NAK for
	 * E+3 waits behind the responses of the READ at E..E+2. Sent first, the requester
	 * would read it as those responses lost, go back to the READ and ask for it again.
	 */
	rx_read(E, (uintptr_t)ut.rbuf, UT_RKEY, 600);		/* E .. E+2 */
	rx_write(ROCE_OP_WRITE_ONLY, E + 4, 0, 8, 1000, 8);	/* E+3 was lost */
	ck_assert_uint_eq(ut.npkt, 0);
	eng_resp_progress(ut.qp);
	ck_assert_uint_eq(ut.npkt, 4);
	for (i = 0; i < 3; i++)
		ck_assert_msg(ut_pkt_at(i)->opcode != ROCE_OP_ACK,
			      "packet %u is the NAK, before the READ response of PSN 0x%x", i,
			      E + 2);
	ut_expect_ack(3, E + 3, NAK(ROCE_NAK_PSN_SEQ), 1);
}
END_TEST

START_TEST(test_eng_resp_rx_held_nak_stale)
{
	/* A NAK held behind responses is dropped when the gap fills before it can go. */
	rx_read(E, (uintptr_t)ut.rbuf, UT_RKEY, 600);		/* E .. E+2 */
	rx_write(ROCE_OP_WRITE_ONLY, E + 4, 0, 8, 1000, 8);	/* E+3 late */
	rx_write(ROCE_OP_WRITE_ONLY, E + 3, 0, 8, 1000, 8);
	ck_assert_uint_eq(ut.qp->resp.epsn, E + 4);
	eng_resp_progress(ut.qp);
	ck_assert_uint_eq(ut.npkt, 3);
	ck_assert_uint_eq(ut_pkt_at(2)->opcode, ROCE_OP_READ_RESP_LAST);
	ck_assert(!ut.qp->resp.nak_held);
}
END_TEST

START_TEST(test_eng_resp_rx_bad_opcode_sequence)
{
	/* IBA 9.7.5.1.4: a MIDDLE without a FIRST is an invalid request (class C). */
	rx_write(ROCE_OP_WRITE_MIDDLE, E, 0, 256, 0, 0);
	ck_assert_uint_eq(ut.npkt, 1);
	ut_expect_ack(0, E, NAK(ROCE_NAK_INVALID_REQ), 0);
	ck_assert_int_eq(eng_qp_state_get(ut.qp), ENG_QPS_ERR);
	ck_assert_uint_eq(ut_qp_ctr(ENG_RX_BAD_OPCODE), 1);
}
END_TEST

START_TEST(test_eng_resp_rx_bad_length)
{
	ut_post_recv(1, 0, 1000);
	/* A FIRST carries exactly the path MTU. */
	rx(req(ROCE_OP_SEND_FIRST, E, 100), 0);
	ut_expect_ack(0, E, NAK(ROCE_NAK_INVALID_REQ), 0);
	ck_assert_int_eq(eng_qp_state_get(ut.qp), ENG_QPS_ERR);
	ck_assert_uint_eq(ut.rq_head, 0);
}
END_TEST

START_TEST(test_eng_resp_rx_send_too_long)
{
	ut_post_recv(1, 0, 100);
	rx(req(ROCE_OP_SEND_ONLY, E, 200), 0);
	/* Longer than the WQE: the receive fails with a length error, the request is
	 * invalid (IBA 9.7.5.2) and the QP stops. */
	ck_assert_uint_eq(ut.ncqe, 1);
	ut_expect_cqe(0, &ut.rcq, 1, ENG_WC_LOC_LEN_ERR, ENG_WC_RECV);
	ut_expect_ack(0, E, NAK(ROCE_NAK_INVALID_REQ), 0);
	ck_assert_int_eq(eng_qp_state_get(ut.qp), ENG_QPS_ERR);
}
END_TEST

START_TEST(test_eng_resp_rx_bad_state)
{
	ut_post_recv(1, 0, 100);
	ut.qp->state = ENG_QPS_INIT;
	rx(req(ROCE_OP_SEND_ONLY, E, 10), 0);
	ck_assert_uint_eq(ut_qp_ctr(ENG_RX_BAD_STATE), 1);
	ck_assert_uint_eq(ut.npkt, 0);
	ck_assert_uint_eq(ut.ncqe, 0);
	ck_assert_uint_eq(ut.qp->resp.epsn, E);
}
END_TEST

START_TEST(test_eng_resp_flush_partial_send)
{
	ut_post_recv(9, 0, 1000);
	rx(req(ROCE_OP_SEND_FIRST, E, 256), 0);
	rx_read(E + 1, (uintptr_t)ut.rbuf, UT_RKEY, 10);	/* out of sequence: invalid */
	/* The ACK of the FIRST, then the NAK, in PSN order; the WQE the message was
	 * filling completes as flushed; nothing stays due. */
	ck_assert_uint_eq(ut.npkt, 2);
	ut_expect_ack(0, E, UT_ACK_SYN, 0);
	ut_expect_ack(1, E + 1, NAK(ROCE_NAK_INVALID_REQ), 0);
	ck_assert_int_eq(eng_qp_state_get(ut.qp), ENG_QPS_ERR);
	ut_expect_cqe(0, &ut.rcq, 9, ENG_WC_WR_FLUSH_ERR, ENG_WC_RECV);
	ck_assert(!ut.qp->resp.recv_active);
	ck_assert_ptr_null(ut.qp->resp.read_active);
	eng_resp_progress(ut.qp);
	ck_assert_uint_eq(ut.npkt, 2);
}
END_TEST

START_TEST(test_eng_resp_rx_ud)
{
	struct roce_pkt p = req(ROCE_OP_UD_SEND_ONLY, 0x77, 30);
	const struct eng_cqe *c;
	uint8_t zero[20] = { 0 };

	ut.qp->type = ENG_QPT_UD;
	ut.qp->attr.qkey = 0x11110000;
	ut_post_recv(4, 0, 200);
	p.deth.qkey = 0x11110000;
	p.deth.sqpn = 0x99;
	rx(p, 0);
	/* 40 bytes of GRH first: over IPv4, 20 zero bytes and the IP header (as rxe). */
	c = ut_expect_cqe(0, &ut.rcq, 4, ENG_WC_SUCCESS, ENG_WC_RECV);
	ck_assert_uint_eq(c->byte_len, 40 + 30);
	ck_assert_uint_eq(c->src_qp, 0x99);
	ck_assert_uint_eq(c->smac[5], 0x02);
	ck_assert_mem_eq(ut.lbuf, zero, 20);
	ck_assert_uint_eq(ut.lbuf[20], 0x45);
	ck_assert_mem_eq(ut.lbuf + 40, data, 30);
	/* No ACK; a wrong Q_Key is dropped and leaves the WQE. */
	ut_post_recv(5, 200, 200);
	p.deth.qkey = 0x22220000;
	rx(p, 0);
	ck_assert_uint_eq(ut.ncqe, 1);
	ck_assert_uint_eq(ut.rq_head, 1);
	ck_assert_uint_eq(ut.npkt, 0);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("eng_resp");
	TCase *tc = tcase_create("responder");

	tcase_add_checked_fixture(tc, setup, ut_teardown);
	tcase_add_test(tc, test_eng_resp_rx_send_lands);
	tcase_add_test(tc, test_eng_resp_rx_send_chained_mbuf);
	tcase_add_test(tc, test_eng_resp_rx_send_multi_packet);
	tcase_add_test(tc, test_eng_resp_rx_send_imm_solicited);
	tcase_add_test(tc, test_eng_resp_rx_send_inv);
	tcase_add_test(tc, test_eng_resp_rx_send_inv_bad_key);
	tcase_add_test(tc, test_eng_resp_rx_send_no_wqe_rnr);
	tcase_add_test(tc, test_eng_resp_rx_out_of_seq_one_nak);
	tcase_add_test(tc, test_eng_resp_rx_duplicate_reack);
	tcase_add_test(tc, test_eng_resp_rx_write_lands);
	tcase_add_test(tc, test_eng_resp_rx_write_length_mismatch);
	tcase_add_test(tc, test_eng_resp_rx_write_only_length_mismatch);
	tcase_add_test(tc, test_eng_resp_rx_write_imm);
	tcase_add_test(tc, test_eng_resp_rx_write_bad_rkey);
	tcase_add_test(tc, test_eng_resp_rx_write_out_of_bounds);
	tcase_add_test(tc, test_eng_resp_rx_write_qp_access);
	tcase_add_test(tc, test_eng_resp_rx_read_segmented);
	tcase_add_test(tc, test_eng_resp_rx_read_zero_length);
	tcase_add_test(tc, test_eng_resp_rx_read_duplicate_replays);
	tcase_add_test(tc, test_eng_resp_rx_read_bad_rkey);
	tcase_add_test(tc, test_eng_resp_rx_read_ird_exceeded);
	tcase_add_test(tc, test_eng_resp_rx_cmp_swap_once);
	tcase_add_test(tc, test_eng_resp_rx_fetch_add_once);
	tcase_add_test(tc, test_eng_resp_rx_atomic_misaligned);
	tcase_add_test(tc, test_eng_resp_rx_ack_every);
	tcase_add_test(tc, test_eng_resp_progress_read_covers_ack);
	tcase_add_test(tc, test_eng_resp_progress_ack_after_read);
	tcase_add_test(tc, test_eng_resp_rx_duplicate_waits_for_read);
	tcase_add_test(tc, test_eng_resp_rx_nak_after_read_responses);
	tcase_add_test(tc, test_eng_resp_rx_held_nak_stale);
	tcase_add_test(tc, test_eng_resp_rx_bad_opcode_sequence);
	tcase_add_test(tc, test_eng_resp_rx_bad_length);
	tcase_add_test(tc, test_eng_resp_rx_send_too_long);
	tcase_add_test(tc, test_eng_resp_rx_bad_state);
	tcase_add_test(tc, test_eng_resp_flush_partial_send);
	tcase_add_test(tc, test_eng_resp_rx_ud);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
