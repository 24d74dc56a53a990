/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NDK_EXT_DROCE_VERBS (ndk_ext.h) on a connected pair: SEND and RDMA WRITE with immediate
 * data reach the peer's receive with the value and the right completion type; compare-
 * and-swap and fetch-and-add change the peer's memory and return the original value;
 * atomics on a region registered without the atomic flag fail with an access error; every
 * bad argument is refused inline with nothing completed.
 */
#include <errno.h>
#include <string.h>

#include <droce/ndk_ext.h>

#include "check_run.h"
#include "ndk_pair.h"

static const struct droce_verbs_ext *
verbs(struct ndk_qp *qp)
{
	const void *d = NULL;

	ck_assert_int_eq(ndk_query_extension((struct ndk_object_header *)qp, NDK_EXT_DROCE_VERBS, (struct ndk_version){ 1, 0 },
					     &d), 0);
	ck_assert_ptr_nonnull(d);
	return d;
}

START_TEST(test_ext_query)
{
	struct pair p;
	const void *d = SENTINEL;

	pair_open(&p);
	ck_assert_int_eq(ndk_query_extension((struct ndk_object_header *)p.qp[0], NDK_EXT_DROCE_VERBS,
					     (struct ndk_version){ 2, 0 }, &d), -ENOTSUP);
	ck_assert_ptr_null(d);
	ck_assert_int_eq(ndk_query_extension((struct ndk_object_header *)p.cq[0], NDK_EXT_DROCE_VERBS,
					     (struct ndk_version){ 1, 0 }, &d), -ENOTSUP);
	ck_assert_int_eq(ndk_query_extension((struct ndk_object_header *)p.qp[0], 0x64729999u, (struct ndk_version){ 1, 0 },
					     &d), -ENOTSUP);
	verbs(p.qp[0]);
	pair_close(&p);
}
END_TEST

START_TEST(test_send_imm)
{
	struct pair p;
	struct ndk_result_ex r;
	struct ndk_sge s;

	pair_open(&p);
	recv_on(&p, 1, 11, 0, 256);
	fill(p.buf[0], 100, 3);
	s = sge(p.mr[0], p.buf[0], 100);
	ck_assert_int_eq(verbs(p.qp[0])->send_imm(p.qp[0], (void *)12, &s, 1, 0, 0xdeadbeef), 0);
	take(p.cq[0], &r, 1);
	ck_assert_int_eq(r.status, 0);
	ck_assert_uint_eq(r.type, NDK_OP_SEND);
	ck_assert_ptr_eq(r.request_context, (void *)12);
	take(p.cq[1], &r, 1);
	ck_assert_int_eq(r.status, 0);
	ck_assert_uint_eq(r.type, NDK_OP_DROCE_RECEIVE_IMM);
	ck_assert_uint_eq(r.type_specific, 0xdeadbeef);
	ck_assert_uint_eq(r.bytes_transferred, 100);
	ck_assert_int_eq(memcmp(p.buf[1], p.buf[0], 100), 0);
	/* Inline; then a plain SEND: its receive has no immediate, type_specific stays 0. */
	recv_on(&p, 1, 13, 0, 256);
	s.length = QP_INLINE;
	ck_assert_int_eq(verbs(p.qp[0])->send_imm(p.qp[0], (void *)14, &s, 1,
						  NDK_OP_FLAG_INLINE, 7), 0);
	take(p.cq[0], &r, 1);
	take(p.cq[1], &r, 1);
	ck_assert_uint_eq(r.type_specific, 7);
	recv_on(&p, 1, 15, 0, 256);
	send_from(&p, 0, 16, 0, 10, 0);
	take(p.cq[0], &r, 1);
	take(p.cq[1], &r, 1);
	ck_assert_uint_eq(r.type, NDK_OP_RECEIVE);
	ck_assert_uint_eq(r.type_specific, 0);
	pair_close(&p);
}
END_TEST

START_TEST(test_write_imm)
{
	struct pair p;
	struct ndk_result_ex r;
	struct ndk_sge s;

	pair_open(&p);
	recv_on(&p, 1, 21, 0, 16);		/* consumed, its buffer untouched */
	memset(p.buf[1], 0xee, BUF_SIZE);
	fill(p.buf[0], 3000, 9);
	s = sge(p.mr[0], p.buf[0], 3000);
	ck_assert_int_eq(verbs(p.qp[0])->write_imm(p.qp[0], (void *)22, &s, 1,
						   (uintptr_t)(p.buf[1] + 4096),
						   ndk_get_remote_token_mr(p.mr[1]), 0,
						   0x01020304), 0);
	take(p.cq[0], &r, 1);
	ck_assert_int_eq(r.status, 0);
	ck_assert_uint_eq(r.type, NDK_OP_WRITE);
	take(p.cq[1], &r, 1);
	ck_assert_int_eq(r.status, 0);
	ck_assert_uint_eq(r.type, NDK_OP_DROCE_RECEIVE_WRITE_IMM);
	ck_assert_uint_eq(r.type_specific, 0x01020304);
	ck_assert_uint_eq(r.bytes_transferred, 3000);
	ck_assert_ptr_eq(r.request_context, (void *)21);
	ck_assert_int_eq(memcmp(p.buf[1] + 4096, p.buf[0], 3000), 0);
	ck_assert_uint_eq(p.buf[1][0], 0xee);
	ck_assert_uint_eq(p.buf[1][4095], 0xee);
	ck_assert_uint_eq(p.buf[1][4096 + 3000], 0xee);
	pair_close(&p);
}
END_TEST

/* Side 1's atomic target: a registered, 8-byte aligned word. */
struct target {
	uint64_t word[4] __attribute__((aligned(8)));
	struct ndk_mr *mr;
};

START_TEST(test_atomics)
{
	static struct target t;
	struct pair p;
	struct ndk_result_ex r;
	uint64_t *res = (uint64_t *)(void *)p.buf[0];
	struct ndk_sge s;
	const struct droce_verbs_ext *v;
	uint32_t tok;

	pair_open(&p);
	v = verbs(p.qp[0]);
	t.mr = nh_mr(p.pd[1], t.word, sizeof(t.word), NDK_MR_FLAG_DROCE_REMOTE_ATOMIC);
	tok = ndk_get_remote_token_mr(t.mr);
	t.word[1] = 5;
	s = sge(p.mr[0], res, 8);
	ck_assert_int_eq(v->compare_swap(p.qp[0], (void *)31, &s, (uintptr_t)&t.word[1], tok, 5,
					 9, 0), 0);
	take(p.cq[0], &r, 1);
	ck_assert_int_eq(r.status, 0);
	ck_assert_uint_eq(r.type, NDK_OP_DROCE_COMPARE_SWAP);
	ck_assert_uint_eq(r.bytes_transferred, 8);
	ck_assert_uint_eq(*res, 5);
	ck_assert_uint_eq(t.word[1], 9);
	/* A compare that does not match leaves the word and still returns it. */
	ck_assert_int_eq(v->compare_swap(p.qp[0], (void *)32, &s, (uintptr_t)&t.word[1], tok, 5,
					 11, 0), 0);
	take(p.cq[0], &r, 1);
	ck_assert_int_eq(r.status, 0);
	ck_assert_uint_eq(*res, 9);
	ck_assert_uint_eq(t.word[1], 9);
	ck_assert_int_eq(v->fetch_add(p.qp[0], (void *)33, &s, (uintptr_t)&t.word[1], tok,
				      0x100000003ull, 0), 0);
	take(p.cq[0], &r, 1);
	ck_assert_int_eq(r.status, 0);
	ck_assert_uint_eq(r.type, NDK_OP_DROCE_FETCH_ADD);
	ck_assert_uint_eq(*res, 9);
	ck_assert_uint_eq(t.word[1], 0x10000000cull);
	ck_assert_uint_eq(t.word[0], 0);
	ck_assert_uint_eq(t.word[2], 0);
	/* The pair's MRs grant remote write, not atomics: the peer's access error. */
	ck_assert_int_eq(v->fetch_add(p.qp[0], (void *)34, &s, (uintptr_t)p.buf[1],
				      ndk_get_remote_token_mr(p.mr[1]), 1, 0), 0);
	take(p.cq[0], &r, 1);
	ck_assert_int_eq(r.status, -EREMOTEIO);
	ck_assert_uint_eq(*(uint64_t *)(void *)p.buf[1], 0);
	nh_close_obj(t.mr);
	pair_close(&p);
}
END_TEST

START_TEST(test_ext_bad_args)
{
	static struct target t;
	struct pair p;
	struct ndk_sge s, s4;
	const struct droce_verbs_ext *v;
	uint64_t ra;
	uint32_t tok;

	pair_open(&p);
	v = verbs(p.qp[0]);
	t.mr = nh_mr(p.pd[1], t.word, sizeof(t.word), NDK_MR_FLAG_DROCE_REMOTE_ATOMIC);
	tok = ndk_get_remote_token_mr(t.mr);
	ra = (uintptr_t)&t.word[1];
	s = sge(p.mr[0], p.buf[0], 8);
	s4 = sge(p.mr[0], p.buf[0], 4);
	ck_assert_int_eq(v->compare_swap(p.qp[0], NULL, &s, ra + 4, tok, 0, 0, 0), -EINVAL);
	ck_assert_int_eq(v->compare_swap(p.qp[0], NULL, &s4, ra, tok, 0, 0, 0), -EINVAL);
	ck_assert_int_eq(v->compare_swap(p.qp[0], NULL, NULL, ra, tok, 0, 0, 0), -EINVAL);
	ck_assert_int_eq(v->fetch_add(p.qp[0], NULL, &s, ra, tok, 1, NDK_OP_FLAG_INLINE),
			 -EINVAL);
	ck_assert_int_eq(v->fetch_add(NULL, NULL, &s, ra, tok, 1, 0), -EINVAL);
	ck_assert_int_eq(v->fetch_add((struct ndk_qp *)p.pd[0], NULL, &s, ra, tok, 1, 0), -EBADF);
	ck_assert_int_eq(v->send_imm((struct ndk_qp *)p.cq[0], NULL, &s, 1, 0, 1), -EBADF);
	ck_assert_int_eq(v->send_imm(NULL, NULL, &s, 1, 0, 1), -EINVAL);
	ck_assert_int_eq(v->send_imm(p.qp[0], NULL, &s, QP_SGE + 1, 0, 1), -EINVAL);
	ck_assert_int_eq(v->send_imm(p.qp[0], NULL, &s, 1, 0x80000000u, 1), -EINVAL);
	ck_assert_int_eq(v->write_imm(p.qp[0], NULL, &s, 1, 0, 0, NDK_OP_FLAG_ALLOW_REMOTE_READ,
				      1), -EINVAL);
	/* Unknown MR flags beyond the extension's are refused. */
	{
		struct ndk_mr *mr;
		struct nh_call c = { 0 };

		ck_assert_int_eq(ndk_create_mr(p.pd[1], false, nh_create_cb, &c, &mr), 0);
		ck_assert_int_eq(ndk_register_mr(mr, t.word, 8, 0x20000, nh_request_cb, &c),
				 -EINVAL);
		nh_close_obj(mr);
	}
	nh_sleep_ms(SETTLE_MS);
	expect_empty(p.cq[0]);
	expect_empty(p.cq[1]);
	nh_close_obj(t.mr);
	pair_close(&p);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("ndk-ext");
	TCase *tc = tcase_create("verbs");

	tcase_add_checked_fixture(tc, nh_open, nh_close);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_ext_query);
	tcase_add_test(tc, test_send_imm);
	tcase_add_test(tc, test_write_imm);
	tcase_add_test(tc, test_atomics);
	tcase_add_test(tc, test_ext_bad_args);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	nh_init();
	return test_run_suite(suite());
}
