/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RC between two engines over net_ring on a clean link: every operation for message sizes
 * around the path MTU and up to 8 MiB, many SGEs, inline data, unsignalled WRs, ordering,
 * PSN wrap, path MTU 4096; and the errors a WR can meet: bad posts, short receive
 * buffers, remote access violations, RNR. Every byte that should arrive is compared, every
 * byte that should not change (rest of the target, guard areas) is checked, and every
 * completion is taken and its fields compared.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_common.h>

#include "eng_harness.h"

#define MIB		(1024u * 1024u)
#define SIZES_BUF	(MIB + 64)

static const uint32_t sizes[] = {
	0, 1, 2, 3, 4, 1023, 1024, 1025, 2047, 2048, 2049, 3071, 3072, 3073, 65536, MIB,
};

/* Loop index 0: the default start PSNs; 1: both sides start at 0xfffff0 and wrap. */
static void
setup_psn(int i)
{
	struct eh_conf c = eh_default_conf;

	if (i == 1)
		c.psn_a = c.psn_b = 0xfffff0;
	eh_setup(&c);
}

static void
run_sizes(enum eng_wr_opcode op, int psn_case)
{
	struct eh_buf *la, *lb;
	unsigned int k;

	setup_psn(psn_case);
	la = eh_buf_new(&eh_a, SIZES_BUF, EH_PD, EH_ACC_ALL);
	lb = eh_buf_new(&eh_b, SIZES_BUF, EH_PD, EH_ACC_ALL);
	for (k = 0; k < RTE_DIM(sizes); k++)
		eh_transfer(op, sizes[k], k + 1, la, lb);
	eh_assert_quiet();
}

START_TEST(test_post_send_send_sizes)
{
	run_sizes(ENG_WR_SEND, _i);
}
END_TEST

START_TEST(test_post_send_send_imm_sizes)
{
	run_sizes(ENG_WR_SEND_IMM, _i);
}
END_TEST

START_TEST(test_post_send_send_inv_sizes)
{
	run_sizes(ENG_WR_SEND_INV, _i);
}
END_TEST

START_TEST(test_post_send_write_sizes)
{
	run_sizes(ENG_WR_WRITE, _i);
}
END_TEST

START_TEST(test_post_send_write_imm_sizes)
{
	run_sizes(ENG_WR_WRITE_IMM, _i);
}
END_TEST

START_TEST(test_post_send_read_sizes)
{
	run_sizes(ENG_WR_READ, _i);
}
END_TEST

/* Loop index: SEND, WRITE, READ of 8 MiB. */
START_TEST(test_post_send_8mib)
{
	static const enum eng_wr_opcode ops[] = { ENG_WR_SEND, ENG_WR_WRITE, ENG_WR_READ };
	struct eh_buf *la, *lb;

	eh_setup(NULL);
	la = eh_buf_new(&eh_a, 8 * MIB + 64, EH_PD, EH_ACC_ALL);
	lb = eh_buf_new(&eh_b, 8 * MIB + 64, EH_PD, EH_ACC_ALL);
	eh_transfer(ops[_i], 8 * MIB, 77, la, lb);
	eh_assert_quiet();
}
END_TEST

/* One atomic on B's 8 bytes at offset 8; the original value lands at A's offset 16. */
static void
atomic(enum eng_wr_opcode op, uint64_t wr_id, uint64_t cmp_add, uint64_t swap,
       struct eh_buf *la, struct eh_buf *lb)
{
	struct eng_send_wr wr;

	eh_put64(la, 16, 0xeeeeeeeeeeeeeeeeull);
	eh_wr_init(&wr, wr_id, op, ENG_WR_SIGNALED);
	eh_wr_sge(&wr, la, 16, 8);
	eh_wr_remote(&wr, lb, 8);
	wr.compare_add = cmp_add;
	wr.swap = swap;
	eh_post_send(&eh_a, &wr);
	eh_expect_cqe(eh_a.scq, &eh_a, wr_id, ENG_WC_SUCCESS, eh_wc_of(op), 8);
}

/* The 8 bytes around both atomic slots keep their pattern. */
static void
assert_atomic_rest(const struct eh_buf *la, const struct eh_buf *lb)
{
	ck_assert_int_eq(eh_check_pattern(la, 0, 16, 1), -1);
	ck_assert_int_eq(eh_check_pattern(la, 24, la->len - 24, 1), -1);
	ck_assert_int_eq(eh_check_pattern(lb, 0, 8, 2), -1);
	ck_assert_int_eq(eh_check_pattern(lb, 16, lb->len - 16, 2), -1);
	eh_assert_guards(la);
	eh_assert_guards(lb);
}

START_TEST(test_post_send_cmp_swap)
{
	struct eh_buf *la, *lb;

	setup_psn(_i);
	la = eh_buf_new(&eh_a, 64, EH_PD, EH_ACC_ALL);
	lb = eh_buf_new(&eh_b, 64, EH_PD, EH_ACC_ALL);
	eh_fill(la, 0, 64, 1);
	eh_fill(lb, 0, 64, 2);
	eh_put64(lb, 8, 0x1122334455667788ull);
	/* Compare matches: swapped, the original comes back. */
	atomic(ENG_WR_CMP_SWAP, 1, 0x1122334455667788ull, 0xa5a5a5a55a5a5a5aull, la, lb);
	ck_assert_uint_eq(eh_get64(la, 16), 0x1122334455667788ull);
	ck_assert_uint_eq(eh_get64(lb, 8), 0xa5a5a5a55a5a5a5aull);
	/* Compare fails: unchanged, the current value comes back. */
	atomic(ENG_WR_CMP_SWAP, 2, 0x1122334455667788ull, 0, la, lb);
	ck_assert_uint_eq(eh_get64(la, 16), 0xa5a5a5a55a5a5a5aull);
	ck_assert_uint_eq(eh_get64(lb, 8), 0xa5a5a5a55a5a5a5aull);
	assert_atomic_rest(la, lb);
	eh_assert_quiet();
}
END_TEST

START_TEST(test_post_send_fetch_add)
{
	struct eh_buf *la, *lb;

	setup_psn(_i);
	la = eh_buf_new(&eh_a, 64, EH_PD, EH_ACC_ALL);
	lb = eh_buf_new(&eh_b, 64, EH_PD, EH_ACC_ALL);
	eh_fill(la, 0, 64, 1);
	eh_fill(lb, 0, 64, 2);
	eh_put64(lb, 8, 0xfffffffffffffffeull);
	atomic(ENG_WR_FETCH_ADD, 1, 5, 0, la, lb);	/* wraps modulo 2^64 */
	ck_assert_uint_eq(eh_get64(la, 16), 0xfffffffffffffffeull);
	ck_assert_uint_eq(eh_get64(lb, 8), 3);
	atomic(ENG_WR_FETCH_ADD, 2, 0x100000000ull, 0, la, lb);
	ck_assert_uint_eq(eh_get64(la, 16), 3);
	ck_assert_uint_eq(eh_get64(lb, 8), 0x100000003ull);
	assert_atomic_rest(la, lb);
	eh_assert_quiet();
}
END_TEST

/* A scatter/gather list and the bytes it holds, in order. */
struct sgl {
	unsigned int n;
	struct eh_buf *b[ENG_MAX_SGE];
	size_t off[ENG_MAX_SGE];
	uint32_t len[ENG_MAX_SGE];
};

/* 16 odd-sized entries alternating between b0 and b1, at odd offsets. */
static uint32_t
make_sgl(struct sgl *l, struct eh_buf *b0, struct eh_buf *b1, const uint32_t *lens)
{
	size_t off[2] = { 1, 7 };
	uint32_t total = 0;
	unsigned int i;

	l->n = ENG_MAX_SGE;
	for (i = 0; i < ENG_MAX_SGE; i++) {
		l->b[i] = i % 2 ? b1 : b0;
		l->off[i] = off[i % 2];
		l->len[i] = lens[i];
		off[i % 2] += lens[i] + 3;
		total += lens[i];
	}
	return total;
}

static void
sgl_to_wr(const struct sgl *l, struct eng_sge *sge)
{
	unsigned int i;

	for (i = 0; i < l->n; i++) {
		sge[i].addr = eh_va(l->b[i], l->off[i]);
		sge[i].length = l->len[i];
		sge[i].lkey = eh_lkey(l->b[i]);
	}
}

/* The bytes list l holds, in order. */
static void
gather(const struct sgl *l, uint8_t *out)
{
	uint32_t pos = 0;
	unsigned int i;

	for (i = 0; i < l->n; i++) {
		memcpy(out + pos, l->b[i]->p + l->off[i], l->len[i]);
		pos += l->len[i];
	}
}

/*
 * Assert b holds seed's pattern everywhere except where list d placed the first total
 * bytes of data (entries of d in other buffers only advance the position).
 */
static void
assert_image(const struct eh_buf *b, uint32_t seed, const struct sgl *d, const uint8_t *data,
	     uint32_t total)
{
	uint8_t *img = malloc(b->len);
	uint32_t pos = 0, n;
	size_t i;

	ck_assert_ptr_nonnull(img);
	for (i = 0; i < b->len; i++)
		img[i] = eh_pattern(seed, i);
	for (i = 0; i < d->n && pos < total; i++) {
		n = RTE_MIN(d->len[i], total - pos);
		if (d->b[i] == b)
			memcpy(img + d->off[i], data + pos, n);
		pos += n;
	}
	for (i = 0; i < b->len && img[i] == b->p[i]; i++)
		;
	free(img);
	ck_assert_msg(i == b->len, "%s buffer differs from the expected image at byte %zu",
		      b->side->name, i);
	eh_assert_guards(b);
}

START_TEST(test_post_send_many_sges)
{
	static const uint32_t slens[ENG_MAX_SGE] = {
		1, 3, 17, 255, 1023, 1025, 5, 7, 4095, 333, 999, 13, 2049, 77, 511, 1,
	};
	static const uint32_t rlens[ENG_MAX_SGE] = {
		7, 1001, 33, 3, 2047, 129, 515, 1, 4097, 61, 777, 19, 1499, 9, 1023, 2001,
	};
	static uint8_t data[65536];
	struct eh_buf *a0, *a1, *b0, *b1;
	struct sgl s, r, one;
	struct eng_recv_wr rwr = { .wr_id = 9, .num_sge = ENG_MAX_SGE };
	struct eng_send_wr wr;
	struct eng_cqe c;
	uint32_t total, rtotal;

	eh_setup(NULL);
	a0 = eh_buf_new(&eh_a, 65536, EH_PD, EH_ACC_ALL);
	a1 = eh_buf_new(&eh_a, 65536, EH_PD, EH_ACC_ALL);
	b0 = eh_buf_new(&eh_b, 65536, EH_PD, EH_ACC_ALL);
	b1 = eh_buf_new(&eh_b, 65536, EH_PD, EH_ACC_ALL);
	eh_fill(a0, 0, a0->len, 1);
	eh_fill(a1, 0, a1->len, 2);
	eh_fill(b0, 0, b0->len, 3);
	eh_fill(b1, 0, b1->len, 4);
	total = make_sgl(&s, a0, a1, slens);
	rtotal = make_sgl(&r, b0, b1, rlens);
	ck_assert_uint_gt(rtotal, total);

	/* SEND: gathered from 16 SGEs over two MRs, scattered into 16 over two more. */
	sgl_to_wr(&r, rwr.sge);
	ck_assert_int_eq(eng_post_recv(eh_b.qp, &rwr), 0);
	eh_wr_init(&wr, 1, ENG_WR_SEND, ENG_WR_SIGNALED);
	wr.num_sge = ENG_MAX_SGE;
	sgl_to_wr(&s, wr.sge);
	eh_post_send(&eh_a, &wr);
	eh_expect_cqe(eh_a.scq, &eh_a, 1, ENG_WC_SUCCESS, ENG_WC_SEND, total);
	ck_assert_uint_eq(eh_wait_cqes(eh_b.rcq, &c, 1, EH_WAIT_MS), 1);
	eh_check_cqe(&c, &eh_b, 9, ENG_WC_SUCCESS, ENG_WC_RECV, total);
	gather(&s, data);
	assert_image(b0, 3, &r, data, total);
	assert_image(b1, 4, &r, data, total);

	/* WRITE: gathered from 16 SGEs into one contiguous range of b0. */
	eh_fill(b0, 0, b0->len, 3);
	one = (struct sgl){ .n = 1, .b = { b0 }, .off = { 40000 }, .len = { total } };
	wr.opcode = ENG_WR_WRITE;
	wr.wr_id = 2;
	eh_wr_remote(&wr, b0, 40000);
	eh_post_send(&eh_a, &wr);
	eh_expect_cqe(eh_a.scq, &eh_a, 2, ENG_WC_SUCCESS, ENG_WC_WRITE, total);
	assert_image(b0, 3, &one, data, total);

	/* READ: b1's bytes at 40000 scattered into A's 16 SGEs. */
	eh_fill(b1, 0, b1->len, 4);
	one.b[0] = b1;
	gather(&one, data);
	wr.opcode = ENG_WR_READ;
	wr.wr_id = 3;
	eh_wr_remote(&wr, b1, 40000);
	eh_post_send(&eh_a, &wr);
	eh_expect_cqe(eh_a.scq, &eh_a, 3, ENG_WC_SUCCESS, ENG_WC_READ, total);
	assert_image(a0, 1, &s, data, total);
	assert_image(a1, 2, &s, data, total);
	assert_image(b1, 4, &one, data, 0);
	eh_assert_quiet();
}
END_TEST

/*
 * Inline (verbs IBV_SEND_INLINE semantics): the SGEs' bytes are copied at post time, so
 * they may live in unregistered memory (lkey 0) and be reused as soon as the post returns.
 * Two SGEs; the last round is a WRITE of the largest inline size.
 */
START_TEST(test_post_send_inline)
{
	static const uint32_t lens[] = { 1, 100, ENG_MAX_INLINE, ENG_MAX_INLINE };
	static uint8_t src[ENG_MAX_INLINE], want[ENG_MAX_INLINE];
	struct eh_buf *lb;
	struct eng_send_wr wr;
	struct eng_cqe c;
	unsigned int k, i;

	eh_setup(NULL);
	lb = eh_buf_new(&eh_b, 8192, EH_PD, EH_ACC_ALL);
	for (k = 0; k < RTE_DIM(lens); k++) {
		const uint32_t len = lens[k], half = lens[k] / 2;
		const bool write = k == RTE_DIM(lens) - 1;

		eh_fill(lb, 0, lb->len, 50 + k);
		for (i = 0; i < len; i++)
			want[i] = src[i] = eh_pattern(k, i);
		eh_wr_init(&wr, 10 + k, write ? ENG_WR_WRITE : ENG_WR_SEND,
			   ENG_WR_SIGNALED | ENG_WR_INLINE);
		wr.num_sge = 2;
		wr.sge[0] = (struct eng_sge){ (uintptr_t)src, half, 0 };
		wr.sge[1] = (struct eng_sge){ (uintptr_t)(src + half), len - half, 0 };
		if (write)
			eh_wr_remote(&wr, lb, 4000);
		else
			eh_post_recv(&eh_b, 20 + k, lb, 4000, 4000);
		eh_post_send(&eh_a, &wr);
		/* Copied at post time: neither the WR nor the source matters any more. */
		memset(&wr, 0xee, sizeof(wr));
		memset(src, 0xee, sizeof(src));
		eh_expect_cqe(eh_a.scq, &eh_a, 10 + k, ENG_WC_SUCCESS,
			      write ? ENG_WC_WRITE : ENG_WC_SEND, len);
		if (!write) {
			ck_assert_uint_eq(eh_wait_cqes(eh_b.rcq, &c, 1, EH_WAIT_MS), 1);
			eh_check_cqe(&c, &eh_b, 20 + k, ENG_WC_SUCCESS, ENG_WC_RECV, len);
		}
		ck_assert_mem_eq(lb->p + 4000, want, len);
		eh_assert_rest(lb, 4000, len, 50 + k);
	}
	eh_assert_quiet();
}
END_TEST

START_TEST(test_post_send_unsignaled)
{
	struct eh_buf *la, *lb;
	struct eng_send_wr wr;
	struct eng_cqe c;

	eh_setup(NULL);
	la = eh_buf_new(&eh_a, 16384, EH_PD, EH_ACC_ALL);
	lb = eh_buf_new(&eh_b, 16384, EH_PD, EH_ACC_ALL);
	eh_fill(la, 0, la->len, 1);
	eh_fill(lb, 0, lb->len, 2);
	eh_post_recv(&eh_b, 100, lb, 12000, 1000);
	eh_wr_init(&wr, 1, ENG_WR_WRITE, 0);
	eh_wr_sge(&wr, la, 0, 3000);
	eh_wr_remote(&wr, lb, 0);
	eh_post_send(&eh_a, &wr);
	eh_wr_init(&wr, 2, ENG_WR_SEND, 0);
	eh_wr_sge(&wr, la, 4000, 100);
	eh_post_send(&eh_a, &wr);
	eh_wr_init(&wr, 3, ENG_WR_WRITE, ENG_WR_SIGNALED);
	eh_wr_sge(&wr, la, 8000, 500);
	eh_wr_remote(&wr, lb, 8000);
	eh_post_send(&eh_a, &wr);
	/* Only the signalled WR completes on A; the SEND still completes on B. */
	eh_expect_cqe(eh_a.scq, &eh_a, 3, ENG_WC_SUCCESS, ENG_WC_WRITE, 500);
	ck_assert_uint_eq(eh_wait_cqes(eh_b.rcq, &c, 1, EH_WAIT_MS), 1);
	eh_check_cqe(&c, &eh_b, 100, ENG_WC_SUCCESS, ENG_WC_RECV, 100);
	eh_assert_same(lb, 0, la, 0, 3000);
	eh_assert_same(lb, 12000, la, 4000, 100);
	eh_assert_same(lb, 8000, la, 8000, 500);
	ck_assert_int_eq(eh_check_pattern(lb, 3000, 5000, 2), -1);
	ck_assert_int_eq(eh_check_pattern(lb, 8500, 3500, 2), -1);
	ck_assert_int_eq(eh_check_pattern(lb, 12100, lb->len - 12100, 2), -1);
	eh_assert_guards(lb);
	eh_assert_quiet();
}
END_TEST

/* 100 WRs: SEND, WRITE, READ, SEND repeated; completions in posting order on each side. */
START_TEST(test_post_send_mixed_order)
{
	static const enum eng_wr_opcode ops[4] = {
		ENG_WR_SEND, ENG_WR_WRITE, ENG_WR_READ, ENG_WR_SEND,
	};
	static struct eng_cqe c[100];
	struct eh_buf *la, *lb;
	unsigned int i, nrecv = 0;

	eh_setup(NULL);
	la = eh_buf_new(&eh_a, 100 * 4096, EH_PD, EH_ACC_ALL);
	lb = eh_buf_new(&eh_b, 100 * 4096, EH_PD, EH_ACC_ALL);
	eh_fill(la, 0, la->len, 1);
	eh_fill(lb, 0, lb->len, 2);
	for (i = 0; i < 100; i++)
		if (ops[i % 4] == ENG_WR_SEND)
			eh_post_recv(&eh_b, i, lb, i * 4096, 4096);
	for (i = 0; i < 100; i++)
		eh_post_one(&eh_a, i, ops[i % 4], la, i * 4096, 1 + (i * 379) % 3000,
			    ops[i % 4] == ENG_WR_SEND ? NULL : lb, i * 4096);
	ck_assert_uint_eq(eh_wait_cqes(eh_a.scq, c, 100, EH_WAIT_MS), 100);
	for (i = 0; i < 100; i++)
		eh_check_cqe(&c[i], &eh_a, i, ENG_WC_SUCCESS, eh_wc_of(ops[i % 4]),
			     1 + (i * 379) % 3000);
	ck_assert_uint_eq(eh_wait_cqes(eh_b.rcq, c, 50, EH_WAIT_MS), 50);
	for (i = 0; i < 100; i++) {
		uint32_t len = 1 + (i * 379) % 3000;

		if (ops[i % 4] == ENG_WR_SEND)
			eh_check_cqe(&c[nrecv++], &eh_b, i, ENG_WC_SUCCESS, ENG_WC_RECV, len);
		if (ops[i % 4] == ENG_WR_READ)
			eh_assert_same(la, i * 4096, lb, i * 4096, len);
		else
			eh_assert_same(lb, i * 4096, la, i * 4096, len);
	}
	eh_assert_quiet();
}
END_TEST

/*
 * A send queue 5 deep (not a power of two): 60 WRs, up to 5 in flight at once, take the
 * WQE slots round and round; every completion in posting order, every byte written.
 * Halfway both QPs go through ERR and RESET and are connected again (reset() clears the
 * requester's state but keeps its WQE array: the fuzzer found the mask lost there).
 */
START_TEST(test_post_send_odd_sq_depth)
{
	struct eh_conf conf = eh_default_conf;
	static struct eng_cqe c[5];
	struct eh_buf *la, *lb;
	unsigned int i, k, round;

	conf.sq_depth = 5;
	eh_setup(&conf);
	la = eh_buf_new(&eh_a, 60 * 2048, EH_PD, EH_ACC_ALL);
	lb = eh_buf_new(&eh_b, 60 * 2048, EH_PD, EH_ACC_ALL);
	eh_fill(la, 0, la->len, 1);
	eh_fill(lb, 0, lb->len, 2);
	for (round = 0; round < 12; round++) {
		if (round == 6) {
			struct eng_qp_attr st = { .state = ENG_QPS_ERR };

			eh_run_for(EH_SETTLE_MS);	/* the last ACKs in */
			ck_assert_int_eq(eng_qp_modify(eh_a.qp, &st), 0);
			ck_assert_int_eq(eng_qp_modify(eh_b.qp, &st), 0);
			eh_run_for(EH_SETTLE_MS);
			st.state = ENG_QPS_RESET;
			ck_assert_int_eq(eng_qp_modify(eh_a.qp, &st), 0);
			ck_assert_int_eq(eng_qp_modify(eh_b.qp, &st), 0);
			eh_qp_connect(eh_a.qp, &eh_a, eng_qp_num(eh_b.qp), &conf, 0x500, 0x700);
			eh_qp_connect(eh_b.qp, &eh_b, eng_qp_num(eh_a.qp), &conf, 0x700, 0x500);
		}
		for (k = 0; k < 5; k++) {
			i = round * 5 + k;
			eh_post_one(&eh_a, i, i % 3 == 2 ? ENG_WR_READ : ENG_WR_WRITE, la,
				    i * 2048, 1 + (i * 611) % 2048, lb, i * 2048);
		}
		ck_assert_uint_eq(eh_wait_cqes(eh_a.scq, c, 5, EH_WAIT_MS), 5);
		for (k = 0; k < 5; k++) {
			i = round * 5 + k;
			eh_check_cqe(&c[k], &eh_a, i, ENG_WC_SUCCESS,
				     i % 3 == 2 ? ENG_WC_READ : ENG_WC_WRITE, 1 + (i * 611) % 2048);
		}
	}
	for (i = 0; i < 60; i++) {
		if (i % 3 == 2)
			eh_assert_same(la, i * 2048, lb, i * 2048, 1 + (i * 611) % 2048);
		else
			eh_assert_same(lb, i * 2048, la, i * 2048, 1 + (i * 611) % 2048);
	}
	eh_assert_guards(la);
	eh_assert_guards(lb);
	eh_assert_quiet();
}
END_TEST

/*
 * The send queue holds sq_depth WRs, no more: posted with no poll between them, the 6th
 * of a 5-deep queue is refused with -ENOMEM; once the slot completed them there is room
 * for 5 again. All 10 complete in posting order, every byte written.
 */
START_TEST(test_post_send_queue_full)
{
	struct eh_conf conf = eh_default_conf;
	struct eng_cqe c[5];
	struct eng_send_wr wr;
	struct eh_buf *la, *lb;
	unsigned int i, k, round;

	conf.sq_depth = 5;
	eh_setup(&conf);
	la = eh_buf_new(&eh_a, 10 * 512, EH_PD, EH_ACC_ALL);
	lb = eh_buf_new(&eh_b, 10 * 512, EH_PD, EH_ACC_ALL);
	eh_fill(la, 0, la->len, 3);
	eh_fill(lb, 0, lb->len, 4);
	for (round = 0; round < 2; round++) {
		for (k = 0; k < 5; k++) {
			i = round * 5 + k;
			eh_post_one(&eh_a, i, ENG_WR_WRITE, la, i * 512, 512, lb, i * 512);
		}
		eh_wr_init(&wr, 99, ENG_WR_WRITE, ENG_WR_SIGNALED);
		eh_wr_sge(&wr, la, 0, 8);
		eh_wr_remote(&wr, lb, 0);
		ck_assert_int_eq(eng_post_send(eh_a.qp, &wr), -ENOMEM);
		ck_assert_uint_eq(eh_wait_cqes(eh_a.scq, c, 5, EH_WAIT_MS), 5);
		for (k = 0; k < 5; k++)
			eh_check_cqe(&c[k], &eh_a, round * 5 + k, ENG_WC_SUCCESS, ENG_WC_WRITE,
				     512);
	}
	eh_assert_same(lb, 0, la, 0, 10 * 512);
	eh_assert_guards(lb);
	eh_assert_quiet();
}
END_TEST

/*
 * Posting in place (what the NDK layer does): the WR is built in its queue entry. An
 * entry begun and not ended is not posted, and the next begin gets it again; end refuses
 * a malformed WR (-EINVAL) and queues nothing; begin refuses a QP not ready (-ENOTCONN)
 * and a full queue (-ENOMEM). Inline bytes go straight into the entry.
 */
START_TEST(test_post_send_in_place)
{
	struct eh_conf conf = eh_default_conf;
	struct eng_send_wr *wr, *again;
	struct eh_buf *la, *lb;
	struct eng_qp *idle;
	unsigned int i;

	conf.sq_depth = 2;
	eh_setup(&conf);
	la = eh_buf_new(&eh_a, 4096, EH_PD, EH_ACC_ALL);
	lb = eh_buf_new(&eh_b, 4096, EH_PD, EH_ACC_ALL);
	eh_fill(la, 0, la->len, 5);
	eh_fill(lb, 0, lb->len, 6);
	idle = eh_qp_new(&eh_a);
	ck_assert_int_eq(eng_post_send_begin(idle, &wr), -ENOTCONN);

	ck_assert_int_eq(eng_post_send_begin(eh_a.qp, &wr), 0);
	eh_wr_init(wr, 1, ENG_WR_MAX, ENG_WR_SIGNALED);		/* abandoned */
	ck_assert_int_eq(eng_post_send_begin(eh_a.qp, &again), 0);
	ck_assert_ptr_eq(again, wr);
	ck_assert_int_eq(eng_post_send_end(eh_a.qp, false), -EINVAL);
	eh_wr_init(wr, 2, ENG_WR_WRITE, ENG_WR_SIGNALED | ENG_WR_INLINE);
	wr->inline_len = ENG_MAX_INLINE + 1;
	ck_assert_int_eq(eng_post_send_end(eh_a.qp, false), -EINVAL);
	eh_wr_init(wr, 3, ENG_WR_READ, ENG_WR_SIGNALED | ENG_WR_INLINE);
	wr->inline_len = 8;
	ck_assert_int_eq(eng_post_send_end(eh_a.qp, false), -EINVAL);

	/* Two good ones fill the queue: an inline WRITE and a WRITE from the MR. */
	ck_assert_int_eq(eng_post_send_begin(eh_a.qp, &wr), 0);
	eh_wr_init(wr, 4, ENG_WR_WRITE, ENG_WR_SIGNALED | ENG_WR_INLINE);
	eh_wr_remote(wr, lb, 0);
	for (i = 0; i < 200; i++)
		wr->inline_data[i] = (uint8_t)(0xa0 ^ i);
	wr->inline_len = 200;
	ck_assert_int_eq(eng_post_send_end(eh_a.qp, false), 0);
	ck_assert_int_eq(eng_post_send_begin(eh_a.qp, &wr), 0);
	eh_wr_init(wr, 5, ENG_WR_WRITE, ENG_WR_SIGNALED);
	eh_wr_sge(wr, la, 1000, 1500);
	eh_wr_remote(wr, lb, 1000);
	ck_assert_int_eq(eng_post_send_end(eh_a.qp, false), 0);
	ck_assert_int_eq(eng_post_send_begin(eh_a.qp, &wr), -ENOMEM);

	eh_expect_cqe(eh_a.scq, &eh_a, 4, ENG_WC_SUCCESS, ENG_WC_WRITE, 200);
	eh_expect_cqe(eh_a.scq, &eh_a, 5, ENG_WC_SUCCESS, ENG_WC_WRITE, 1500);
	for (i = 0; i < 200; i++)
		ck_assert_uint_eq(lb->p[i], (uint8_t)(0xa0 ^ i));
	ck_assert_int_eq(eh_check_pattern(lb, 200, 800, 6), -1);
	eh_assert_same(lb, 1000, la, 1000, 1500);
	ck_assert_int_eq(eh_check_pattern(lb, 2500, 4096 - 2500, 6), -1);
	eh_assert_guards(lb);
	eh_qp_destroy(idle);
	eh_assert_quiet();
}
END_TEST

struct room_probe {
	struct eng_qp *qp;
	unsigned int calls;
	unsigned int had_room;
};

/* A CQ notification: is there room in the send queue for one more WR right now? */
static void
probe_room(void *arg, struct eng_cq *cq)
{
	struct room_probe *rp = arg;
	struct eng_send_wr *wr;

	(void)cq;
	rp->calls++;
	if (eng_post_send_begin(rp->qp, &wr) == 0)
		rp->had_room++;		/* begun, never ended: nothing is posted */
}

/*
 * A send WQE's queue entry is free before its completion shows: a consumer that reaped
 * it may post at once, from any thread. The CQ's notification runs right after each
 * push, on the slot: with a full 2-deep queue, each finds room for one more.
 */
START_TEST(test_post_send_room_before_completion)
{
	struct eh_conf conf = eh_default_conf;
	struct room_probe rp = { 0 };
	struct eh_buf *la, *lb;
	struct eng_send_wr *wr;
	struct eng_cqe c[2];

	conf.sq_depth = 2;
	eh_setup(&conf);
	la = eh_buf_new(&eh_a, 4096, EH_PD, EH_ACC_ALL);
	lb = eh_buf_new(&eh_b, 4096, EH_PD, EH_ACC_ALL);
	rp.qp = eh_a.qp;
	eh_post_one(&eh_a, 1, ENG_WR_WRITE, la, 0, 100, lb, 0);
	eh_post_one(&eh_a, 2, ENG_WR_WRITE, la, 100, 100, lb, 100);
	ck_assert_int_eq(eng_post_send_begin(eh_a.qp, &wr), -ENOMEM);
	eng_cq_set_notify(eh_a.scq, probe_room, &rp);
	ck_assert_uint_eq(eh_wait_cqes(eh_a.scq, c, 2, EH_WAIT_MS), 2);
	eng_cq_set_notify(eh_a.scq, NULL, NULL);
	eh_check_cqe(&c[0], &eh_a, 1, ENG_WC_SUCCESS, ENG_WC_WRITE, 100);
	eh_check_cqe(&c[1], &eh_a, 2, ENG_WC_SUCCESS, ENG_WC_WRITE, 100);
	ck_assert_uint_eq(rp.calls, 2);
	ck_assert_uint_eq(rp.had_room, 2);
	eh_assert_quiet();
}
END_TEST

/*
 * Deferred WRs wait in the queue until the doorbell (the slot sees nothing of them), or
 * until ENG_DEFER_MAX wait; a QP that goes to ERR flushes the WRs it never took, in
 * posting order.
 */
START_TEST(test_post_send_defer_and_flush)
{
	struct eng_qp_attr st = { .state = ENG_QPS_ERR };
	struct eng_cqe c[ENG_DEFER_MAX];
	struct eng_send_wr wr;
	struct eh_buf *la, *lb;
	uint64_t sent;
	unsigned int i;

	eh_setup(NULL);
	la = eh_buf_new(&eh_a, 4096, EH_PD, EH_ACC_ALL);
	lb = eh_buf_new(&eh_b, 4096, EH_PD, EH_ACC_ALL);
	eh_fill(la, 0, la->len, 7);
	sent = eh_ctr(&eh_a, "tx_pkts");
	for (i = 0; i < 3; i++) {
		eh_wr_init(&wr, 10 + i, ENG_WR_WRITE, ENG_WR_SIGNALED);
		eh_wr_sge(&wr, la, i * 64, 64);
		eh_wr_remote(&wr, lb, i * 64);
		ck_assert_int_eq(eng_post_send_defer(eh_a.qp, &wr, true), 0);
	}
	eh_run_for(EH_SETTLE_MS);
	ck_assert_uint_eq(eh_ctr(&eh_a, "tx_pkts"), sent);
	ck_assert_uint_eq(eng_cq_poll(eh_a.scq, c, 1), 0);
	eng_post_doorbell(eh_a.qp);
	ck_assert_uint_eq(eh_wait_cqes(eh_a.scq, c, 3, EH_WAIT_MS), 3);
	for (i = 0; i < 3; i++)
		eh_check_cqe(&c[i], &eh_a, 10 + i, ENG_WC_SUCCESS, ENG_WC_WRITE, 64);
	eh_assert_same(lb, 0, la, 0, 3 * 64);

	/* ENG_DEFER_MAX deferred ring the doorbell themselves. */
	for (i = 0; i < ENG_DEFER_MAX; i++) {
		eh_wr_init(&wr, 20 + i, ENG_WR_WRITE, ENG_WR_SIGNALED);
		eh_wr_sge(&wr, la, i * 8, 8);
		eh_wr_remote(&wr, lb, 1024 + i * 8);
		ck_assert_int_eq(eng_post_send_defer(eh_a.qp, &wr, true), 0);
	}
	ck_assert_uint_eq(eh_wait_cqes(eh_a.scq, c, ENG_DEFER_MAX, EH_WAIT_MS), ENG_DEFER_MAX);
	for (i = 0; i < ENG_DEFER_MAX; i++)
		eh_check_cqe(&c[i], &eh_a, 20 + i, ENG_WC_SUCCESS, ENG_WC_WRITE, 8);

	/* Posted, never taken by the slot (no poll between), then ERR: all flushed. */
	for (i = 0; i < 4; i++) {
		eh_wr_init(&wr, 40 + i, ENG_WR_WRITE, i == 2 ? 0 : ENG_WR_SIGNALED);
		eh_wr_sge(&wr, la, 0, 16);
		eh_wr_remote(&wr, lb, 2048);
		ck_assert_int_eq(eng_post_send(eh_a.qp, &wr), 0);
	}
	ck_assert_int_eq(eng_qp_modify(eh_a.qp, &st), 0);
	ck_assert_uint_eq(eh_wait_cqes(eh_a.scq, c, 4, EH_WAIT_MS), 4);
	for (i = 0; i < 4; i++) {
		ck_assert_uint_eq(c[i].wr_id, 40 + i);
		ck_assert_uint_eq(c[i].status, ENG_WC_WR_FLUSH_ERR);
	}
	for (i = 0; i < 16; i++)
		ck_assert_uint_eq(lb->p[2048 + i], 0);	/* eh_buf_new() zeroed it */
}
END_TEST

/* Both sides start at 0xfffff0; 64-packet messages in each direction cross 2^24. */
START_TEST(test_post_send_psn_wrap)
{
	struct eh_conf conf = eh_default_conf;
	struct eh_buf *la, *lb;
	struct eh_faults *fa, *fb;
	struct eng_cqe c;

	conf.psn_a = conf.psn_b = 0xfffff0;
	eh_setup(&conf);
	fa = eh_faults_on(&eh_a);
	fb = eh_faults_on(&eh_b);
	la = eh_buf_new(&eh_a, 65536 + 64, EH_PD, EH_ACC_ALL);
	lb = eh_buf_new(&eh_b, 65536 + 64, EH_PD, EH_ACC_ALL);
	eh_transfer(ENG_WR_SEND, 65536, 1, la, lb);
	ck_assert(fa->saw_wrap);
	if (eh_ctr(&eh_a, "retransmit_pkts") == 0) {
		ck_assert_uint_eq(fa->seen[ROCE_OP_SEND_FIRST], 1);
		ck_assert_uint_eq(fa->seen[ROCE_OP_SEND_MIDDLE], 62);
		ck_assert_uint_eq(fa->seen[ROCE_OP_SEND_LAST], 1);
	}
	eh_transfer(ENG_WR_WRITE, 65536, 2, la, lb);
	eh_transfer(ENG_WR_READ, 65536, 3, la, lb);
	/* B's own send PSNs wrap too (B's hook sees only B's requests now). */
	fb->saw_top = fb->saw_wrap = false;
	eh_fill(lb, 0, lb->len, 4);
	eh_post_recv(&eh_a, 5, la, 0, (uint32_t)la->len);
	eh_post_one(&eh_b, 6, ENG_WR_SEND, lb, 0, 65536, NULL, 0);
	eh_expect_cqe(eh_b.scq, &eh_b, 6, ENG_WC_SUCCESS, ENG_WC_SEND, 65536);
	ck_assert_uint_eq(eh_wait_cqes(eh_a.rcq, &c, 1, EH_WAIT_MS), 1);
	eh_check_cqe(&c, &eh_a, 5, ENG_WC_SUCCESS, ENG_WC_RECV, 65536);
	eh_assert_same(la, 0, lb, 0, 65536);
	ck_assert(fb->saw_wrap);
	eh_assert_quiet();
}
END_TEST

/* Jumbo ports (MTU 4200): path MTU 4096, a 64 KiB message is 16 packets. */
START_TEST(test_post_send_path_mtu_4096)
{
	struct eh_conf conf = eh_default_conf;
	struct eh_buf *la, *lb;
	struct eh_faults *fa, *fb;

	conf.mtu = 4200;
	conf.path_mtu = 4096;
	eh_setup(&conf);
	ck_assert_uint_eq(port_path_mtu(eh_a.port), 4096);
	ck_assert_uint_eq(port_path_mtu(eh_b.port), 4096);
	fa = eh_faults_on(&eh_a);
	fb = eh_faults_on(&eh_b);
	la = eh_buf_new(&eh_a, 65536 + 64, EH_PD, EH_ACC_ALL);
	lb = eh_buf_new(&eh_b, 65536 + 64, EH_PD, EH_ACC_ALL);
	eh_transfer(ENG_WR_WRITE, 65536, 1, la, lb);
	eh_transfer(ENG_WR_READ, 65536, 2, la, lb);
	eh_transfer(ENG_WR_SEND, 4097, 3, la, lb);
	if (eh_ctr(&eh_a, "retransmit_pkts") == 0) {
		ck_assert_uint_eq(fa->seen[ROCE_OP_WRITE_FIRST], 1);
		ck_assert_uint_eq(fa->seen[ROCE_OP_WRITE_MIDDLE], 14);
		ck_assert_uint_eq(fa->seen[ROCE_OP_WRITE_LAST], 1);
		ck_assert_uint_eq(fa->seen[ROCE_OP_SEND_FIRST], 1);
		ck_assert_uint_eq(fa->seen[ROCE_OP_SEND_LAST], 1);
		ck_assert_uint_eq(fb->seen[ROCE_OP_READ_RESP_FIRST], 1);
		ck_assert_uint_eq(fb->seen[ROCE_OP_READ_RESP_MIDDLE], 14);
		ck_assert_uint_eq(fb->seen[ROCE_OP_READ_RESP_LAST], 1);
	}
	eh_assert_quiet();
}
END_TEST

START_TEST(test_qp_modify_bad_transition)
{
	struct eng_qp_attr at = { .state = ENG_QPS_RTS };
	struct eng_qp *qp;

	eh_setup(NULL);
	qp = eh_qp_new(&eh_a);
	ck_assert_int_eq(eng_qp_modify(qp, &at), -EINVAL);
	ck_assert_int_eq(eng_qp_state(qp), ENG_QPS_RESET);
	at.state = ENG_QPS_RTR;
	ck_assert_int_eq(eng_qp_modify(qp, &at), -EINVAL);
	ck_assert_int_eq(eng_qp_state(qp), ENG_QPS_RESET);
	eh_assert_quiet();
}
END_TEST

START_TEST(test_post_send_not_ready)
{
	struct eng_qp_attr at = { .state = ENG_QPS_INIT, .access = EH_ACC_REMOTE };
	struct eng_recv_wr rwr = { .wr_id = 2 };
	struct eng_send_wr wr;
	struct eh_buf *la;
	struct eng_qp *qp;

	eh_setup(NULL);
	la = eh_buf_new(&eh_a, 64, EH_PD, EH_ACC_ALL);
	qp = eh_qp_new(&eh_a);
	eh_wr_init(&wr, 1, ENG_WR_SEND, ENG_WR_SIGNALED);
	eh_wr_sge(&wr, la, 0, 64);
	ck_assert_int_eq(eng_post_send(qp, &wr), -ENOTCONN);
	ck_assert_int_eq(eng_post_recv(qp, &rwr), -ENOTCONN);
	/* As in verbs: a QP in INIT takes receives but not sends. */
	ck_assert_int_eq(eng_qp_modify(qp, &at), 0);
	ck_assert_int_eq(eng_post_send(qp, &wr), -ENOTCONN);
	ck_assert_int_eq(eng_post_recv(qp, &rwr), 0);
	eh_assert_quiet();
}
END_TEST

START_TEST(test_post_send_bad_wr)
{
	struct eng_recv_wr rwr = { .wr_id = 5, .num_sge = ENG_MAX_SGE + 1 };
	struct eh_buf *la, *lb;
	struct eng_send_wr wr;

	eh_setup(NULL);
	la = eh_buf_new(&eh_a, 4096, EH_PD, EH_ACC_ALL);
	lb = eh_buf_new(&eh_b, 4096, EH_PD, EH_ACC_ALL);
	eh_fill(la, 0, la->len, 1);
	eh_wr_init(&wr, 1, ENG_WR_SEND, ENG_WR_SIGNALED);
	eh_wr_sge(&wr, la, 0, 16);
	wr.num_sge = ENG_MAX_SGE + 1;
	ck_assert_int_eq(eng_post_send(eh_a.qp, &wr), -EINVAL);
	eh_wr_init(&wr, 2, ENG_WR_SEND, ENG_WR_SIGNALED | ENG_WR_INLINE);
	eh_wr_sge(&wr, la, 0, ENG_MAX_INLINE - 10);
	eh_wr_sge(&wr, la, 1000, 11);
	ck_assert_int_eq(eng_post_send(eh_a.qp, &wr), -EINVAL);
	/* Atomics take exactly one 8-byte SGE and an 8-byte aligned remote address. */
	eh_post_one(&eh_a, 7, ENG_WR_FETCH_ADD, la, 0, 8, lb, 8);
	eh_expect_cqe(eh_a.scq, &eh_a, 7, ENG_WC_SUCCESS, ENG_WC_FETCH_ADD, 8);
	eh_wr_init(&wr, 3, ENG_WR_FETCH_ADD, ENG_WR_SIGNALED);
	eh_wr_sge(&wr, la, 0, 4);
	eh_wr_remote(&wr, lb, 8);
	ck_assert_int_eq(eng_post_send(eh_a.qp, &wr), -EINVAL);
	eh_wr_init(&wr, 3, ENG_WR_CMP_SWAP, ENG_WR_SIGNALED);
	eh_wr_sge(&wr, la, 0, 8);
	eh_wr_remote(&wr, lb, 12);
	ck_assert_int_eq(eng_post_send(eh_a.qp, &wr), -EINVAL);
	eh_wr_init(&wr, 3, ENG_WR_MAX, ENG_WR_SIGNALED);
	ck_assert_int_eq(eng_post_send(eh_a.qp, &wr), -EINVAL);
	ck_assert_int_eq(eng_post_recv(eh_b.qp, &rwr), -EINVAL);
	/* Nothing of the refused WRs was queued: the next ones are the first to complete. */
	eh_post_recv(&eh_b, 6, lb, 0, 4096);
	eh_post_one(&eh_a, 4, ENG_WR_SEND, la, 0, 1000, NULL, 0);
	eh_expect_cqe(eh_a.scq, &eh_a, 4, ENG_WC_SUCCESS, ENG_WC_SEND, 1000);
	eh_expect_cqe(eh_b.rcq, &eh_b, 6, ENG_WC_SUCCESS, ENG_WC_RECV, 1000);
	eh_assert_same(lb, 0, la, 0, 1000);
	eh_assert_quiet();
}
END_TEST

/* Loop index 0: 101 bytes into 100; 1: a 3-packet SEND into 2000 bytes. */
START_TEST(test_post_recv_too_small)
{
	static const uint32_t send_len[] = { 101, 3000 }, recv_len[] = { 100, 2000 };
	struct eh_buf *la, *lb;

	eh_setup(NULL);
	la = eh_buf_new(&eh_a, 4096, EH_PD, EH_ACC_ALL);
	lb = eh_buf_new(&eh_b, 4096, EH_PD, EH_ACC_ALL);
	eh_fill(la, 0, la->len, 1);
	eh_fill(lb, 0, lb->len, 2);
	eh_post_recv(&eh_b, 7, lb, 0, recv_len[_i]);
	eh_post_one(&eh_a, 8, ENG_WR_SEND, la, 0, send_len[_i], NULL, 0);
	eh_expect_cqe(eh_b.rcq, &eh_b, 7, ENG_WC_LOC_LEN_ERR, ENG_WC_RECV, 0);
	eh_expect_cqe(eh_a.scq, &eh_a, 8, ENG_WC_REM_INV_REQ_ERR, ENG_WC_SEND, 0);
	ck_assert_int_eq(eng_qp_state(eh_a.qp), ENG_QPS_ERR);
	/* Nothing past the receive buffer was written. */
	ck_assert_int_eq(eh_check_pattern(lb, recv_len[_i], lb->len - recv_len[_i], 2), -1);
	eh_assert_guards(lb);
	ck_assert_uint_eq(eh_ctr(&eh_a, "nak_invalid_rx"), 1);
	eh_assert_quiet();
}
END_TEST

/* Remote access violations; each must leave the target untouched. */
enum acc_key { KEY_OK, KEY_UNKNOWN, KEY_STALE };

static const struct acc_case {
	enum eng_wr_opcode op;
	enum acc_key key;
	uint32_t pd;			/* of the target MR */
	uint32_t access;		/* of the target MR */
	bool oob;			/* last byte one past the MR end */
} acc_cases[] = {
	{ ENG_WR_WRITE, KEY_UNKNOWN, EH_PD, EH_ACC_ALL, false },
	{ ENG_WR_READ, KEY_UNKNOWN, EH_PD, EH_ACC_ALL, false },
	{ ENG_WR_FETCH_ADD, KEY_UNKNOWN, EH_PD, EH_ACC_ALL, false },
	{ ENG_WR_WRITE, KEY_STALE, EH_PD, EH_ACC_ALL, false },
	{ ENG_WR_READ, KEY_STALE, EH_PD, EH_ACC_ALL, false },
	{ ENG_WR_WRITE, KEY_OK, EH_PD, EH_ACC_ALL, true },
	{ ENG_WR_READ, KEY_OK, EH_PD, EH_ACC_ALL, true },
	{ ENG_WR_WRITE, KEY_OK, EH_PD_OTHER, EH_ACC_ALL, false },
	{ ENG_WR_READ, KEY_OK, EH_PD_OTHER, EH_ACC_ALL, false },
	{ ENG_WR_CMP_SWAP, KEY_OK, EH_PD_OTHER, EH_ACC_ALL, false },
	{ ENG_WR_WRITE, KEY_OK, EH_PD, EH_ACC_ALL & ~ENG_ACCESS_REMOTE_WRITE, false },
	{ ENG_WR_READ, KEY_OK, EH_PD, EH_ACC_ALL & ~ENG_ACCESS_REMOTE_READ, false },
	{ ENG_WR_CMP_SWAP, KEY_OK, EH_PD, EH_ACC_ALL & ~ENG_ACCESS_REMOTE_ATOMIC, false },
	{ ENG_WR_FETCH_ADD, KEY_OK, EH_PD, EH_ACC_ALL & ~ENG_ACCESS_REMOTE_ATOMIC, false },
};

START_TEST(test_post_send_access_error)
{
	const struct acc_case *ac = &acc_cases[_i];
	const bool atom = ac->op == ENG_WR_CMP_SWAP || ac->op == ENG_WR_FETCH_ADD;
	const uint32_t len = atom ? 8 : 64;
	struct eh_buf *la, *tb, *gb;
	struct eng_send_wr wr;
	struct eng_cqe c[3];
	uint32_t stale = 0;

	eh_setup(NULL);
	if (ac->key == KEY_STALE) {
		tb = eh_buf_new(&eh_b, 4096, EH_PD, EH_ACC_ALL);
		stale = eh_rkey(tb);
		eh_buf_free(tb);
	}
	la = eh_buf_new(&eh_a, 4096, EH_PD, EH_ACC_ALL);
	tb = eh_buf_new(&eh_b, 4096, ac->pd, ac->access);
	gb = eh_buf_new(&eh_b, 4096, EH_PD, EH_ACC_ALL);
	eh_fill(la, 0, la->len, 1);
	eh_fill(tb, 0, tb->len, 2);
	eh_fill(gb, 0, gb->len, 3);
	eh_wr_init(&wr, 1, ac->op, ENG_WR_SIGNALED);
	eh_wr_sge(&wr, la, 0, len);
	eh_wr_remote(&wr, tb, ac->oob ? tb->len - len + 1 : 8);
	if (ac->key == KEY_UNKNOWN)
		wr.rkey += 100u << 8;
	else if (ac->key == KEY_STALE)
		wr.rkey = stale;
	ck_assert(ac->key != KEY_STALE || wr.rkey != eh_rkey(tb));
	wr.compare_add = 1;
	eh_post_send(&eh_a, &wr);
	/* Posted behind the bad WR, before its NAK: flushed, never executed. */
	eh_post_one(&eh_a, 2, ENG_WR_WRITE, la, 0, 64, gb, 0);
	ck_assert_uint_eq(eh_wait_cqes(eh_a.scq, c, 2, EH_WAIT_MS), 2);
	eh_check_cqe(&c[0], &eh_a, 1, ENG_WC_REM_ACCESS_ERR, eh_wc_of(ac->op), 0);
	eh_check_cqe(&c[1], &eh_a, 2, ENG_WC_WR_FLUSH_ERR, ENG_WC_WRITE, 0);
	ck_assert_int_eq(eng_qp_state(eh_a.qp), ENG_QPS_ERR);
	/* Posted once in the error state: flushed as well. */
	eh_post_one(&eh_a, 3, ENG_WR_WRITE, la, 0, 64, gb, 0);
	eh_expect_cqe(eh_a.scq, &eh_a, 3, ENG_WC_WR_FLUSH_ERR, ENG_WC_WRITE, 0);
	ck_assert_int_eq(eh_check_pattern(tb, 0, tb->len, 2), -1);
	ck_assert_int_eq(eh_check_pattern(gb, 0, gb->len, 3), -1);
	ck_assert_int_eq(eh_check_pattern(la, 0, la->len, 1), -1);
	eh_assert_guards(tb);
	eh_assert_guards(gb);
	eh_assert_guards(la);
	ck_assert_uint_eq(eh_ctr(&eh_a, "nak_access_rx"), 1);
	ck_assert_uint_eq(eh_ctr(&eh_b, "nak_access_tx"), 1);
	eh_assert_quiet();
}
END_TEST

/* rnr_retry 7: the sender retries for as long as it takes the receiver to post. */
START_TEST(test_post_send_rnr_infinite)
{
	struct eh_buf *la, *lb;
	struct eng_cqe c;
	uint64_t n1, n2;

	eh_setup(NULL);
	la = eh_buf_new(&eh_a, 4096, EH_PD, EH_ACC_ALL);
	lb = eh_buf_new(&eh_b, 4096, EH_PD, EH_ACC_ALL);
	eh_fill(la, 0, la->len, 1);
	/* One packet: only the RNR path, no sequence NAKs for later packets. */
	eh_post_one(&eh_a, 1, ENG_WR_SEND, la, 0, 1000, NULL, 0);
	eh_run_for(20);
	ck_assert_int_eq(eng_cq_poll(eh_a.scq, &c, 1), 0);
	n1 = eh_ctr(&eh_a, "rnr_nak_rx");
	ck_assert_uint_ge(n1, 2);
	ck_assert_uint_ge(eh_ctr(&eh_b, "rnr_nak_tx"), n1);
	eh_run_for(20);
	ck_assert_int_eq(eng_cq_poll(eh_a.scq, &c, 1), 0);
	n2 = eh_ctr(&eh_a, "rnr_nak_rx");
	ck_assert_uint_gt(n2, n1);
	ck_assert_int_eq(eng_qp_state(eh_a.qp), ENG_QPS_RTS);
	eh_post_recv(&eh_b, 2, lb, 0, 4096);
	eh_expect_cqe(eh_a.scq, &eh_a, 1, ENG_WC_SUCCESS, ENG_WC_SEND, 1000);
	eh_expect_cqe(eh_b.rcq, &eh_b, 2, ENG_WC_SUCCESS, ENG_WC_RECV, 1000);
	eh_assert_same(lb, 0, la, 0, 1000);
	eh_assert_quiet();
}
END_TEST

/* rnr_retry 2: the first try and two retries meet RNR NAKs, then the WR fails. */
START_TEST(test_post_send_rnr_exhausted)
{
	struct eh_conf conf = eh_default_conf;
	struct eh_buf *la;

	conf.rnr_retry = 2;
	eh_setup(&conf);
	la = eh_buf_new(&eh_a, 4096, EH_PD, EH_ACC_ALL);
	eh_post_one(&eh_a, 1, ENG_WR_SEND, la, 0, 100, NULL, 0);
	eh_expect_cqe(eh_a.scq, &eh_a, 1, ENG_WC_RNR_RETRY_EXC_ERR, ENG_WC_SEND, 0);
	ck_assert_int_eq(eng_qp_state(eh_a.qp), ENG_QPS_ERR);
	ck_assert_uint_eq(eh_ctr(&eh_a, "rnr_nak_rx"), 3);
	ck_assert_uint_eq(eh_ctr(&eh_b, "rnr_nak_tx"), 3);
	eh_post_one(&eh_a, 2, ENG_WR_SEND, la, 0, 100, NULL, 0);
	eh_expect_cqe(eh_a.scq, &eh_a, 2, ENG_WC_WR_FLUSH_ERR, ENG_WC_SEND, 0);
	eh_assert_quiet();
}
END_TEST

static Suite *
eng_rc_suite(void)
{
	Suite *s = suite_create("eng_rc");
	TCase *tc = tcase_create("rc");

	tcase_set_timeout(tc, 0);
	tcase_add_checked_fixture(tc, NULL, eh_teardown);
	tcase_add_loop_test(tc, test_post_send_send_sizes, 0, 2);
	tcase_add_loop_test(tc, test_post_send_send_imm_sizes, 0, 2);
	tcase_add_loop_test(tc, test_post_send_send_inv_sizes, 0, 2);
	tcase_add_loop_test(tc, test_post_send_write_sizes, 0, 2);
	tcase_add_loop_test(tc, test_post_send_write_imm_sizes, 0, 2);
	tcase_add_loop_test(tc, test_post_send_read_sizes, 0, 2);
	tcase_add_loop_test(tc, test_post_send_8mib, 0, 3);
	tcase_add_loop_test(tc, test_post_send_cmp_swap, 0, 2);
	tcase_add_loop_test(tc, test_post_send_fetch_add, 0, 2);
	tcase_add_test(tc, test_post_send_many_sges);
	tcase_add_test(tc, test_post_send_inline);
	tcase_add_test(tc, test_post_send_unsignaled);
	tcase_add_test(tc, test_post_send_mixed_order);
	tcase_add_test(tc, test_post_send_odd_sq_depth);
	tcase_add_test(tc, test_post_send_queue_full);
	tcase_add_test(tc, test_post_send_in_place);
	tcase_add_test(tc, test_post_send_room_before_completion);
	tcase_add_test(tc, test_post_send_defer_and_flush);
	tcase_add_test(tc, test_post_send_psn_wrap);
	tcase_add_test(tc, test_post_send_path_mtu_4096);
	tcase_add_test(tc, test_qp_modify_bad_transition);
	tcase_add_test(tc, test_post_send_not_ready);
	tcase_add_test(tc, test_post_send_bad_wr);
	tcase_add_loop_test(tc, test_post_recv_too_small, 0, 2);
	tcase_add_loop_test(tc, test_post_send_access_error, 0, (int)RTE_DIM(acc_cases));
	tcase_add_test(tc, test_post_send_rnr_infinite);
	tcase_add_test(tc, test_post_send_rnr_exhausted);
	suite_add_tcase(s, tc);
	return s;
}

int
main(int argc, char **argv)
{
	(void)argc;
	return eh_main(argv[0], eng_rc_suite());
}
