/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The completer (pmd/eng/eng_comp.c): ACKs, NAKs, READ responses and atomic ACKs built
 * with the wire codec and handed to eng_comp_rx(). It completes and rewinds the
 * requester's queue, so eng_req.c is compiled in too and sends the requests (and their
 * retransmissions); the rest of the engine is stubbed (eng_ut.h). No EAL.
 */
#include "eng_req.c"
#include "eng_comp.c"

#define UT_HAVE_REQ
#include "eng_ut.h"

#define P	UT_SQ_PSN
#define ORIG	0x1122334455667788ull

static uint8_t data[4096];

static void
rx_ack(uint32_t psn, uint8_t syndrome)
{
	struct roce_pkt p = { .opcode = ROCE_OP_ACK, .psn = psn,
			      .aeth = { .syndrome = syndrome, .msn = 1 } };

	ut_rx(eng_comp_rx, p, NULL);
}

/* A READ response of len bytes of data[] from off. */
static void
rx_read_resp(uint8_t opcode, uint32_t psn, uint32_t off, uint32_t len)
{
	struct roce_pkt p = { .opcode = opcode, .psn = psn, .payload_len = len,
			      .aeth = { .syndrome = UT_ACK_SYN, .msn = 1 } };

	ut_rx(eng_comp_rx, p, data + off);
}

static void
rx_atomic_ack(uint32_t psn, uint64_t orig)
{
	struct roce_pkt p = { .opcode = ROCE_OP_ATOMIC_ACK, .psn = psn, .atomic_orig = orig,
			      .aeth = { .syndrome = UT_ACK_SYN, .msn = 1 } };

	ut_rx(eng_comp_rx, p, NULL);
}

/* n SENDs of 10 bytes (wr_id 1..n, PSNs P..P+n-1), sent. */
static void
post_sends(unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		ut_post_op(ENG_WR_SEND, i + 1, i * 100, 10);
	ck_assert_uint_eq(ut_req_progress_all(), n);
}

static void
setup(void)
{
	ut_setup();
	ut_fill(data, sizeof(data), 77);
}

START_TEST(test_eng_comp_rx_ack_coalesced)
{
	ut_post_op(ENG_WR_SEND, 1, 0, 100);		/* P */
	ut_post_op(ENG_WR_WRITE, 2, 1000, 600);		/* P+1 .. P+3 */
	ut_post_op(ENG_WR_SEND, 3, 2000, 100);		/* P+4 */
	ck_assert_uint_eq(ut_req_progress_all(), 5);
	ut.now = UT_T0 + 500;
	rx_ack(P + 3, UT_ACK_SYN);
	/* IBA 9.7.5.2.4: one ACK completes every WQE up to its PSN, in posting order. */
	ck_assert_uint_eq(ut.ncqe, 2);
	ck_assert_uint_eq(ut_expect_cqe(0, &ut.scq, 1, ENG_WC_SUCCESS, ENG_WC_SEND)->byte_len,
			  100);
	ck_assert_uint_eq(ut_expect_cqe(1, &ut.scq, 2, ENG_WC_SUCCESS, ENG_WC_WRITE)->byte_len,
			  600);
	ck_assert_uint_eq(ut.qp->req.acked_psn, P + 4);
	ck_assert_uint_eq(ut_qp_ctr(ENG_ACK_RX), 1);
	/* Progress restarts the local ACK timer. */
	ck_assert_uint_eq(ut.qp->req.rto_deadline, UT_T0 + 500 + UT_RTO);
	rx_ack(P + 4, UT_ACK_SYN);
	ut_expect_cqe(2, &ut.scq, 3, ENG_WC_SUCCESS, ENG_WC_SEND);
	/* Nothing outstanding: the timer stops. */
	ck_assert_uint_eq(ut.qp->req.rto_deadline, 0);
}
END_TEST

START_TEST(test_eng_comp_rx_ack_mid_message)
{
	ut_post_op(ENG_WR_SEND, 1, 0, 100);
	ut_post_op(ENG_WR_SEND, 2, 1000, 600);		/* P+1 .. P+3 */
	ut_req_progress_all();
	rx_ack(P + 2, UT_ACK_SYN);
	ck_assert_uint_eq(ut.ncqe, 1);
	ut_expect_cqe(0, &ut.scq, 1, ENG_WC_SUCCESS, ENG_WC_SEND);
	ck_assert_uint_eq(ut.qp->req.acked_psn, P + 3);
	/* A timeout now resends only the packet not acknowledged. */
	ut.now = ut.qp->req.rto_deadline;
	eng_req_timers(ut.qp, ut.now);
	ck_assert_uint_eq(ut_req_progress_all(), 1);
	ut_expect_pkt(4, ROCE_OP_SEND_LAST, P + 3, 600 - 512);
	ut_expect_bytes(4, ut.lbuf + 1000 + 512, 88);
}
END_TEST

START_TEST(test_eng_comp_rx_ack_duplicate)
{
	uint64_t deadline;

	post_sends(2);
	rx_ack(P, UT_ACK_SYN);
	deadline = ut.qp->req.rto_deadline;
	ut.now += 100;
	rx_ack(P, UT_ACK_SYN);
	rx_ack(P - 1, UT_ACK_SYN);
	/* Nothing new: no completion, no PSN moved, the timer not restarted. */
	ck_assert_uint_eq(ut.ncqe, 1);
	ck_assert_uint_eq(ut.qp->req.acked_psn, P + 1);
	ck_assert_uint_eq(ut.qp->req.rto_deadline, deadline);
	ck_assert_uint_eq(ut_qp_ctr(ENG_DUP_RESPONSES), 2);
	ck_assert_uint_eq(ut_req_progress_all(), 0);
}
END_TEST

START_TEST(test_eng_comp_rx_seq_nak_rewinds)
{
	post_sends(4);
	/* IBA 9.7.5.2.3: the responder expects P+2: P and P+1 arrived, the rest goes again. */
	rx_ack(P + 2, ROCE_AETH_NAK | ROCE_NAK_PSN_SEQ);
	ck_assert_uint_eq(ut_qp_ctr(ENG_NAK_SEQ_RX), 1);
	ck_assert_uint_eq(ut.ncqe, 2);
	ut_expect_cqe(1, &ut.scq, 2, ENG_WC_SUCCESS, ENG_WC_SEND);
	ck_assert_uint_eq(ut_req_progress_all(), 2);
	ut_expect_pkt(4, ROCE_OP_SEND_ONLY, P + 2, 10);
	ut_expect_bytes(4, ut.lbuf + 200, 10);
	ut_expect_pkt(5, ROCE_OP_SEND_ONLY, P + 3, 10);
	ck_assert_uint_eq(ut_qp_ctr(ENG_RETRANSMIT_PKTS), 2);
	/* A copy of the same NAK is not another retry. */
	rx_ack(P + 2, ROCE_AETH_NAK | ROCE_NAK_PSN_SEQ);
	ck_assert_uint_eq(ut_req_progress_all(), 0);
	ck_assert_uint_eq(ut.qp->req.retries, 1);
	rx_ack(P + 3, UT_ACK_SYN);
	ck_assert_uint_eq(ut.ncqe, 4);
	ck_assert_uint_eq(ut.qp->req.retries, 0);
}
END_TEST

START_TEST(test_eng_comp_rx_seq_nak_stale)
{
	post_sends(2);
	rx_ack(P, UT_ACK_SYN);
	/* A NAK for a PSN already acknowledged changes nothing. */
	rx_ack(P, ROCE_AETH_NAK | ROCE_NAK_PSN_SEQ);
	ck_assert_uint_eq(ut_req_progress_all(), 0);
	ck_assert_uint_eq(ut.qp->req.retries, 0);
	ck_assert_uint_eq(ut.ncqe, 1);
}
END_TEST

START_TEST(test_eng_comp_rx_seq_nak_retry_exhausted)
{
	ut.qp->attr.retry_cnt = 1;
	post_sends(2);
	rx_ack(P, ROCE_AETH_NAK | ROCE_NAK_PSN_SEQ);
	ck_assert_uint_eq(ut_req_progress_all(), 2);
	/* The retransmission did not get through either: the timer counts the second retry. */
	ut.now = ut.qp->req.rto_deadline;
	eng_req_timers(ut.qp, ut.now);
	ck_assert_int_eq(eng_qp_state_get(ut.qp), ENG_QPS_ERR);
	ut_expect_cqe(0, &ut.scq, 1, ENG_WC_RETRY_EXC_ERR, ENG_WC_SEND);
	ut_expect_cqe(1, &ut.scq, 2, ENG_WC_WR_FLUSH_ERR, ENG_WC_SEND);
}
END_TEST

START_TEST(test_eng_comp_rx_rnr_nak_waits)
{
	uint64_t until;

	post_sends(2);
	ut.now = UT_T0 + 10;
	rx_ack(P, ROCE_AETH_RNR_NAK | 5);
	ck_assert_uint_eq(ut_qp_ctr(ENG_RNR_NAK_RX), 1);
	/* IBA 9.7.5.2.8: wait the timer the NAK names, then send from its PSN again. */
	ck_assert_uint_eq(ut.rnr_code & ROCE_AETH_CODE_MASK, 5);
	until = UT_T0 + 10 + UT_RNR_CYCLES(5);
	ck_assert_uint_eq(ut.qp->req.rnr_deadline, until);
	ck_assert_uint_eq(ut.qp->req.rto_deadline, 0);
	ck_assert_uint_eq(ut_req_progress_all(), 0);
	eng_req_timers(ut.qp, until - 1);
	ck_assert_uint_eq(ut_req_progress_all(), 0);
	eng_req_timers(ut.qp, until);
	ck_assert_uint_eq(ut_req_progress_all(), 2);
	ut_expect_pkt(2, ROCE_OP_SEND_ONLY, P, 10);
	ut_expect_bytes(2, ut.lbuf, 10);
	ut_expect_pkt(3, ROCE_OP_SEND_ONLY, P + 1, 10);
	rx_ack(P + 1, UT_ACK_SYN);
	ck_assert_uint_eq(ut.ncqe, 2);
	ut_expect_cqe(1, &ut.scq, 2, ENG_WC_SUCCESS, ENG_WC_SEND);
}
END_TEST

/* RNR NAK, wait, resend: n times. */
static void
rnr_rounds(unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n && eng_qp_state_get(ut.qp) == ENG_QPS_RTS; i++) {
		rx_ack(P, ROCE_AETH_RNR_NAK | 1);
		ut.now += UT_RNR_CYCLES(1);
		eng_req_timers(ut.qp, ut.now);
		ut_req_progress_all();
	}
}

START_TEST(test_eng_comp_rx_rnr_retry_exhausted)
{
	ut.qp->attr.rnr_retry = 2;
	post_sends(2);
	rnr_rounds(3);
	/* Two retries went out; the third RNR NAK fails the WQE (IBA 9.7.5.2.8). */
	ck_assert_uint_eq(ut.npkt, 2 + 2 * 2);
	ck_assert_int_eq(eng_qp_state_get(ut.qp), ENG_QPS_ERR);
	ck_assert_uint_eq(ut.ncqe, 2);
	ut_expect_cqe(0, &ut.scq, 1, ENG_WC_RNR_RETRY_EXC_ERR, ENG_WC_SEND);
	ut_expect_cqe(1, &ut.scq, 2, ENG_WC_WR_FLUSH_ERR, ENG_WC_SEND);
}
END_TEST

START_TEST(test_eng_comp_rx_rnr_retry_infinite)
{
	ut.qp->attr.rnr_retry = 7;
	post_sends(1);
	rnr_rounds(20);
	ck_assert_int_eq(eng_qp_state_get(ut.qp), ENG_QPS_RTS);
	ck_assert_uint_eq(ut.npkt, 21);
	ck_assert_uint_eq(ut.ncqe, 0);
}
END_TEST

START_TEST(test_eng_comp_rx_read_response_segments)
{
	struct eng_send_wr wr = ut_wr(ENG_WR_READ, 1, 0, 400);
	const struct eng_cqe *c;

	wr.num_sge = 2;
	wr.sge[1] = (struct eng_sge){ (uintptr_t)ut.lbuf + 1000, 200, UT_LKEY };
	ut_post(&wr);
	ut_post_op(ENG_WR_SEND, 2, 2000, 10);
	ut_req_progress_all();
	ut_expect_pkt(1, ROCE_OP_SEND_ONLY, P + 3, 10);
	rx_read_resp(ROCE_OP_READ_RESP_FIRST, P, 0, 256);
	rx_read_resp(ROCE_OP_READ_RESP_MIDDLE, P + 1, 256, 256);
	ck_assert_uint_eq(ut.ncqe, 0);
	rx_read_resp(ROCE_OP_READ_RESP_LAST, P + 2, 512, 88);
	/* The bytes land across both SGEs; the READ completes, the SEND waits its ACK. */
	ck_assert_mem_eq(ut.lbuf, data, 400);
	ck_assert_mem_eq(ut.lbuf + 1000, data + 400, 200);
	ck_assert_uint_eq(ut.ncqe, 1);
	c = ut_expect_cqe(0, &ut.scq, 1, ENG_WC_SUCCESS, ENG_WC_READ);
	ck_assert_uint_eq(c->byte_len, 600);
	ck_assert_uint_eq(ut.qp->req.rd_inflight, 0);
	ck_assert_uint_eq(ut.qp->req.acked_psn, P + 3);
}
END_TEST

START_TEST(test_eng_comp_rx_read_response_only)
{
	ut_post_op(ENG_WR_READ, 1, 0, 100);
	memset(ut.lbuf, 0, 100);
	ut_req_progress_all();
	rx_read_resp(ROCE_OP_READ_RESP_ONLY, P, 0, 100);
	ck_assert_mem_eq(ut.lbuf, data, 100);
	ck_assert_uint_eq(ut_expect_cqe(0, &ut.scq, 1, ENG_WC_SUCCESS, ENG_WC_READ)->byte_len,
			  100);
	/* A READ response in two segments lands the same. */
	ut_post_op(ENG_WR_READ, 2, 200, 200);
	ut_req_progress_all();
	ut_rx_seg(eng_comp_rx, (struct roce_pkt){ .opcode = ROCE_OP_READ_RESP_ONLY, .psn = P + 1,
						 .payload_len = 200, .aeth.syndrome = UT_ACK_SYN },
		  data + 1000, true);
	ck_assert_mem_eq(ut.lbuf + 200, data + 1000, 200);
	ut_expect_cqe(1, &ut.scq, 2, ENG_WC_SUCCESS, ENG_WC_READ);
	/* A copy of the first later lands nowhere. */
	rx_read_resp(ROCE_OP_READ_RESP_ONLY, P, 100, 100);
	ck_assert_mem_eq(ut.lbuf, data, 100);
	ck_assert_uint_eq(ut.ncqe, 2);
	ck_assert_uint_eq(ut_qp_ctr(ENG_DUP_RESPONSES), 1);
}
END_TEST

START_TEST(test_eng_comp_rx_read_response_out_of_order)
{
	static const uint8_t zero[600];
	const struct roce_pkt *p;

	ut_post_op(ENG_WR_READ, 1, 0, 600);
	memset(ut.lbuf, 0, 600);
	ut_req_progress_all();
	/* The FIRST was lost: the MIDDLE is dropped and the READ asked again. */
	rx_read_resp(ROCE_OP_READ_RESP_MIDDLE, P + 1, 256, 256);
	ck_assert_mem_eq(ut.lbuf, zero, 600);
	ck_assert_uint_eq(ut_req_progress_all(), 1);
	p = ut_expect_pkt(1, ROCE_OP_READ_REQ, P, 0);
	ck_assert_uint_eq(p->reth.len, 600);
	rx_read_resp(ROCE_OP_READ_RESP_FIRST, P, 0, 256);
	/* Now the MIDDLE is lost: only what did not arrive is asked again (rxe does too). */
	rx_read_resp(ROCE_OP_READ_RESP_LAST, P + 2, 512, 88);
	ck_assert_mem_eq(ut.lbuf + 256, zero, 344);
	ck_assert_uint_eq(ut_req_progress_all(), 1);
	p = ut_expect_pkt(2, ROCE_OP_READ_REQ, P + 1, 0);
	ck_assert_uint_eq(p->reth.va, UT_PEER_VA + 256);
	ck_assert_uint_eq(p->reth.len, 344);
	rx_read_resp(ROCE_OP_READ_RESP_MIDDLE, P + 1, 256, 256);
	rx_read_resp(ROCE_OP_READ_RESP_LAST, P + 2, 512, 88);
	ck_assert_mem_eq(ut.lbuf, data, 600);
	ut_expect_cqe(0, &ut.scq, 1, ENG_WC_SUCCESS, ENG_WC_READ);
	ck_assert_uint_eq(ut.ncqe, 1);
}
END_TEST

START_TEST(test_eng_comp_rx_read_response_short)
{
	/*
	 * A READ of 600 bytes is answered FIRST/MIDDLE/LAST (path MTU 256); an ONLY that
	 * carries 256 of them, or a LAST or MIDDLE of the wrong length, is out of sequence
	 * (IBA 9.7.5.2, as rxe checks it) and is dropped: taking it would complete the READ
	 * with part of its buffer never written. The right responses then complete it.
	 */
	ut_post_op(ENG_WR_READ, 1, 0, 600);
	ut_req_progress_all();
	rx_read_resp(ROCE_OP_READ_RESP_ONLY, P, 0, 256);
	ck_assert_uint_eq(ut.ncqe, 0);
	ck_assert_uint_eq(ut_qp_ctr(ENG_DUP_RESPONSES), 1);
	rx_read_resp(ROCE_OP_READ_RESP_FIRST, P, 0, 256);
	rx_read_resp(ROCE_OP_READ_RESP_LAST, P + 1, 256, 256);
	rx_read_resp(ROCE_OP_READ_RESP_MIDDLE, P + 1, 256, 200);
	ck_assert_uint_eq(ut.ncqe, 0);
	ck_assert_uint_eq(ut_qp_ctr(ENG_DUP_RESPONSES), 3);
	rx_read_resp(ROCE_OP_READ_RESP_MIDDLE, P + 1, 256, 256);
	rx_read_resp(ROCE_OP_READ_RESP_LAST, P + 2, 512, 88);
	ck_assert_mem_eq(ut.lbuf, data, 600);
	ck_assert_uint_eq(ut_expect_cqe(0, &ut.scq, 1, ENG_WC_SUCCESS, ENG_WC_READ)->byte_len,
			  600);
}
END_TEST

START_TEST(test_eng_comp_rx_atomic_ack)
{
	uint64_t v;

	ut_post_op(ENG_WR_CMP_SWAP, 1, 64, 8);
	ut_post_op(ENG_WR_FETCH_ADD, 2, 72, 8);
	ut_req_progress_all();
	rx_atomic_ack(P, ORIG);
	rx_atomic_ack(P + 1, 5);
	/* The original value lands in the local buffer in host order, as verbs do. */
	memcpy(&v, ut.lbuf + 64, 8);
	ck_assert_uint_eq(v, ORIG);
	memcpy(&v, ut.lbuf + 72, 8);
	ck_assert_uint_eq(v, 5);
	ck_assert_uint_eq(ut_expect_cqe(0, &ut.scq, 1, ENG_WC_SUCCESS, ENG_WC_CMP_SWAP)->byte_len,
			  8);
	ut_expect_cqe(1, &ut.scq, 2, ENG_WC_SUCCESS, ENG_WC_FETCH_ADD);
	ck_assert_uint_eq(ut.qp->req.rd_inflight, 0);
	/* A duplicate ATOMIC ACK after the WQE completed changes nothing. */
	rx_atomic_ack(P, ORIG + 1);
	memcpy(&v, ut.lbuf + 64, 8);
	ck_assert_uint_eq(v, ORIG);
	ck_assert_uint_eq(ut.ncqe, 2);
	ck_assert_uint_eq(ut_qp_ctr(ENG_DUP_RESPONSES), 1);
}
END_TEST

START_TEST(test_eng_comp_rx_ack_past_read_rewinds)
{
	ut_post_op(ENG_WR_SEND, 1, 0, 10);		/* P */
	ut_post_op(ENG_WR_READ, 2, 100, 100);		/* P+1 */
	ut_post_op(ENG_WR_SEND, 3, 200, 10);		/* P+2 */
	ut_req_progress_all();
	/* An ACK past an unanswered READ: its response was lost (IBA 9.7.5.2.4). */
	rx_ack(P + 2, UT_ACK_SYN);
	ck_assert_uint_eq(ut.ncqe, 1);
	ck_assert_uint_eq(ut.qp->req.acked_psn, P + 1);
	ck_assert_uint_eq(ut_req_progress_all(), 2);
	ck_assert_uint_eq(ut_expect_pkt(3, ROCE_OP_READ_REQ, P + 1, 0)->reth.len, 100);
	ut_expect_pkt(4, ROCE_OP_SEND_ONLY, P + 2, 10);
	rx_read_resp(ROCE_OP_READ_RESP_ONLY, P + 1, 0, 100);
	rx_ack(P + 2, UT_ACK_SYN);
	ck_assert_uint_eq(ut.ncqe, 3);
	ut_expect_cqe(1, &ut.scq, 2, ENG_WC_SUCCESS, ENG_WC_READ);
	ut_expect_cqe(2, &ut.scq, 3, ENG_WC_SUCCESS, ENG_WC_SEND);
	ck_assert_mem_eq(ut.lbuf + 100, data, 100);
}
END_TEST

START_TEST(test_eng_comp_rx_response_acks_earlier)
{
	ut_post_op(ENG_WR_SEND, 1, 0, 10);		/* P */
	ut_post_op(ENG_WR_READ, 2, 100, 100);		/* P+1 */
	ut_post_op(ENG_WR_WRITE, 3, 200, 10);		/* P+2 */
	ut_post_op(ENG_WR_FETCH_ADD, 4, 304, 8);	/* P+3 */
	ut_req_progress_all();
	/* The ACKs of P and P+2 were lost: a response acknowledges every request before it
	 * (IBA 9.7.5.2.4, responses come in PSN order), in posting order. */
	rx_read_resp(ROCE_OP_READ_RESP_ONLY, P + 1, 0, 100);
	ck_assert_uint_eq(ut.ncqe, 2);
	ut_expect_cqe(0, &ut.scq, 1, ENG_WC_SUCCESS, ENG_WC_SEND);
	ut_expect_cqe(1, &ut.scq, 2, ENG_WC_SUCCESS, ENG_WC_READ);
	rx_atomic_ack(P + 3, ORIG);
	ck_assert_uint_eq(ut.ncqe, 4);
	ut_expect_cqe(2, &ut.scq, 3, ENG_WC_SUCCESS, ENG_WC_WRITE);
	ut_expect_cqe(3, &ut.scq, 4, ENG_WC_SUCCESS, ENG_WC_FETCH_ADD);
	ck_assert_uint_eq(ut.qp->req.acked_psn, P + 4);
}
END_TEST

/* NAK codes that end the QP, and the status the WQE fails with (IBA 9.9.3). */
static const struct {
	uint8_t code;
	enum eng_wc_status st;
	enum eng_ctr ctr;
} fatal_naks[] = {
	{ ROCE_NAK_REMOTE_ACCESS, ENG_WC_REM_ACCESS_ERR, ENG_NAK_ACCESS_RX },
	{ ROCE_NAK_INVALID_REQ, ENG_WC_REM_INV_REQ_ERR, ENG_NAK_INVALID_RX },
	{ ROCE_NAK_REMOTE_OP, ENG_WC_REM_OP_ERR, ENG_NAK_OPERR_RX },
	{ ROCE_NAK_INVALID_RD, ENG_WC_REM_INV_REQ_ERR, ENG_NAK_INVALID_RX },
};

START_TEST(test_eng_comp_rx_nak_fails_wqe)
{
	ut_post_op(ENG_WR_SEND, 1, 0, 10);		/* P */
	ut_post_op(ENG_WR_WRITE, 2, 100, 300);		/* P+1, P+2 */
	ut_post_op(ENG_WR_SEND, 3, 500, 10);		/* P+3 */
	ut_req_progress_all();
	rx_ack(P + 2, ROCE_AETH_NAK | fatal_naks[_i].code);
	/* Before it: done; it: the NAK's error; after it: flushed. */
	ck_assert_int_eq(eng_qp_state_get(ut.qp), ENG_QPS_ERR);
	ck_assert_uint_eq(ut_qp_ctr(fatal_naks[_i].ctr), 1);
	ck_assert_uint_eq(ut.ncqe, 3);
	ut_expect_cqe(0, &ut.scq, 1, ENG_WC_SUCCESS, ENG_WC_SEND);
	ut_expect_cqe(1, &ut.scq, 2, fatal_naks[_i].st, ENG_WC_WRITE);
	ut_expect_cqe(2, &ut.scq, 3, ENG_WC_WR_FLUSH_ERR, ENG_WC_SEND);
}
END_TEST

START_TEST(test_eng_comp_rx_bad_state)
{
	post_sends(1);
	ut.qp->state = ENG_QPS_RTR;
	rx_ack(P, UT_ACK_SYN);
	ck_assert_uint_eq(ut_qp_ctr(ENG_RX_BAD_STATE), 1);
	ck_assert_uint_eq(ut.ncqe, 0);
	ck_assert_uint_eq(ut.qp->req.acked_psn, P);
}
END_TEST

START_TEST(test_eng_comp_rx_rnr_nak_stale)
{
	/*
	 * An RNR NAK for a PSN already acknowledged (a late or duplicated copy) is stale,
	 * as any NAK, and rxe ignores it: it must not stop the requester for the RNR time,
	 * go back N nor spend an RNR retry.
	 */
	post_sends(1);
	rnr_rounds(1);
	rx_ack(P, UT_ACK_SYN);
	ck_assert_uint_eq(ut.ncqe, 1);
	rx_ack(P, ROCE_AETH_RNR_NAK | 1);
	ck_assert_uint_eq(ut.qp->req.rnr_deadline, 0);
	ck_assert_uint_eq(ut.qp->req.rnr_retries, 0);
	ut_post_op(ENG_WR_SEND, 2, 100, 10);
	ck_assert_uint_eq(ut_req_progress_all(), 1);
}
END_TEST

START_TEST(test_eng_comp_rx_ghost_ack)
{
	/*
	 * An ACK for PSNs never sent acknowledges nothing: only an outstanding request can
	 * be acknowledged (rxe completes a WQE from an ACK only once all of it was sent).
	 * A SEND of which one packet of three left must not complete on an ACK of its
	 * last PSN. (After a go-back-N an ACK may cover packets not sent again yet; those
	 * were sent before, unlike these: ack_mid_message covers that.)
	 */
	ut.eng->req_burst = 1;
	ut_post_op(ENG_WR_SEND, 1, 0, 600);
	eng_req_progress(ut.qp);
	ck_assert_uint_eq(ut.npkt, 1);
	rx_ack(P + 2, UT_ACK_SYN);
	ck_assert_uint_eq(ut.ncqe, 0);
	ck_assert_uint_eq(ut.qp->req.acked_psn, P);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("eng_comp");
	TCase *tc = tcase_create("completer");

	tcase_add_checked_fixture(tc, setup, ut_teardown);
	tcase_add_test(tc, test_eng_comp_rx_ack_coalesced);
	tcase_add_test(tc, test_eng_comp_rx_ack_mid_message);
	tcase_add_test(tc, test_eng_comp_rx_ack_duplicate);
	tcase_add_test(tc, test_eng_comp_rx_ghost_ack);
	tcase_add_test(tc, test_eng_comp_rx_seq_nak_rewinds);
	tcase_add_test(tc, test_eng_comp_rx_seq_nak_stale);
	tcase_add_test(tc, test_eng_comp_rx_seq_nak_retry_exhausted);
	tcase_add_test(tc, test_eng_comp_rx_rnr_nak_waits);
	tcase_add_test(tc, test_eng_comp_rx_rnr_retry_exhausted);
	tcase_add_test(tc, test_eng_comp_rx_rnr_retry_infinite);
	tcase_add_test(tc, test_eng_comp_rx_rnr_nak_stale);
	tcase_add_test(tc, test_eng_comp_rx_read_response_segments);
	tcase_add_test(tc, test_eng_comp_rx_read_response_only);
	tcase_add_test(tc, test_eng_comp_rx_read_response_out_of_order);
	tcase_add_test(tc, test_eng_comp_rx_read_response_short);
	tcase_add_test(tc, test_eng_comp_rx_atomic_ack);
	tcase_add_test(tc, test_eng_comp_rx_ack_past_read_rewinds);
	tcase_add_test(tc, test_eng_comp_rx_response_acks_earlier);
	tcase_add_loop_test(tc, test_eng_comp_rx_nak_fails_wqe, 0, RTE_DIM(fatal_naks));
	tcase_add_test(tc, test_eng_comp_rx_bad_state);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
