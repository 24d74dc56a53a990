/* SPDX-License-Identifier: BSD-3-Clause */
/* The NDK API end to end: open, create, connect, move data, close, in the documented order. */
#include <errno.h>
#include <string.h>

#include "check_run.h"
#include "ndk_harness.h"

/* A connected pair of QPs with their PDs, CQs and a registered buffer on each side. */
struct pair {
	struct ndk_pd *pd[2];
	struct ndk_cq *cq[2];
	struct ndk_qp *qp[2];
	struct ndk_mr *mr[2];
	uint8_t buf[2][8192];
};

static void
pair_open(struct pair *p)
{
	int i;

	memset(p, 0, sizeof(*p));
	for (i = 0; i < 2; i++) {
		p->pd[i] = nh_pd(i);
		p->cq[i] = nh_cq(i, 256, NULL, NULL);
		p->qp[i] = nh_qp(p->pd[i], p->cq[i], p->cq[i], &p->qp[i], 64);
		p->mr[i] = nh_mr(p->pd[i], p->buf[i], sizeof(p->buf[i]),
				 NDK_MR_FLAG_REMOTE_WRITE | NDK_MR_FLAG_REMOTE_READ);
	}
	nh_connect(p->qp[0], p->qp[1]);
}

static void
pair_close(struct pair *p)
{
	int i;

	for (i = 0; i < 2; i++) {
		nh_close_obj(p->qp[i]);
		nh_close_obj(p->mr[i]);
		nh_close_obj(p->cq[i]);
		nh_close_obj(p->pd[i]);
	}
}

static struct ndk_sge
sge(struct ndk_mr *mr, void *va, uint32_t len)
{
	return (struct ndk_sge){ .va = va, .length = len, .token = ndk_get_local_token_mr(mr) };
}

START_TEST(test_open_version)
{
	struct ndk_adapter *ad = NULL;
	struct ndk_adapter_info info;
	size_t size = 0;

	ck_assert_int_eq(ndk_open_adapter(nh_eng[0], (struct ndk_version){ 3, 0 }, NULL, &ad),
			 -EPROTONOSUPPORT);
	ck_assert_int_eq(ndk_open_adapter(nh_eng[0], (struct ndk_version){ 1, 3 }, NULL, &ad),
			 -EPROTONOSUPPORT);
	ck_assert_int_eq(ndk_open_adapter(nh_eng[0], (struct ndk_version){ 0, 0 }, NULL, &ad),
			 -EPROTONOSUPPORT);
	ck_assert_int_eq(ndk_open_adapter(NULL, (struct ndk_version){ 2, 0 }, NULL, &ad),
			 -EINVAL);
	ck_assert_ptr_null(ad);
	ck_assert_int_eq(ndk_open_adapter(nh_eng[0], (struct ndk_version){ 1, 1 }, NULL, &ad),
			 0);
	ck_assert_uint_eq(ad->header.version.major, 1);
	ck_assert_uint_eq(ad->header.version.minor, 2);
	ck_assert_uint_eq(ad->header.type, NDK_OBJECT_ADAPTER);
	ck_assert_int_eq(ndk_query_adapter_info(ad, NULL, &size), -ENOBUFS);
	ck_assert_uint_eq(size, sizeof(info));
	size = sizeof(info) - 1;
	ck_assert_int_eq(ndk_query_adapter_info(ad, &info, &size), -ENOBUFS);
	size = sizeof(info);
	ck_assert_int_eq(ndk_query_adapter_info(ad, &info, &size), 0);
	ck_assert_uint_eq(info.rdma_technology, NDK_RDMA_ROCEV2);
	ck_assert_uint_eq(info.version.minor, 2);
	ck_assert_uint_ge(info.max_inline_data_size, 64);
	ck_assert_uint_ge(info.frmr_page_count, 16);
	ck_assert_uint_eq(info.max_inbound_read_limit, 128);
	ndk_close_adapter(ad);
}
END_TEST

START_TEST(test_send_write_read)
{
	struct pair p;
	struct ndk_result_ex r[4];
	struct ndk_sge s;
	int i;

	pair_open(&p);
	for (i = 0; i < 4096; i++)
		p.buf[0][i] = (uint8_t)(i * 7 + 1);
	s = sge(p.mr[1], p.buf[1], 4096);
	ck_assert_int_eq(ndk_receive(p.qp[1], (void *)0x11, &s, 1), 0);
	s = sge(p.mr[0], p.buf[0], 3000);
	ck_assert_int_eq(ndk_send(p.qp[0], (void *)0x22, &s, 1, 0), 0);
	ck_assert_uint_eq(nh_results(p.cq[0], r, 1, NH_WAIT_MS), 1);
	ck_assert_int_eq(r[0].status, 0);
	ck_assert_uint_eq(r[0].type, NDK_OP_SEND);
	ck_assert_ptr_eq(r[0].request_context, (void *)0x22);
	ck_assert_ptr_eq(r[0].qp_context, &p.qp[0]);
	ck_assert_uint_eq(nh_results(p.cq[1], r, 1, NH_WAIT_MS), 1);
	ck_assert_int_eq(r[0].status, 0);
	ck_assert_uint_eq(r[0].type, NDK_OP_RECEIVE);
	ck_assert_uint_eq(r[0].bytes_transferred, 3000);
	ck_assert_ptr_eq(r[0].request_context, (void *)0x11);
	ck_assert_ptr_eq(r[0].qp_context, &p.qp[1]);
	ck_assert_int_eq(memcmp(p.buf[1], p.buf[0], 3000), 0);

	/* WRITE 5000 bytes into B's buffer at offset 100, then READ them back into A. */
	s = sge(p.mr[0], p.buf[0], 5000);
	ck_assert_int_eq(ndk_write(p.qp[0], (void *)0x33, &s, 1, (uintptr_t)(p.buf[1] + 100),
				   ndk_get_remote_token_mr(p.mr[1]), 0), 0);
	ck_assert_uint_eq(nh_results(p.cq[0], r, 1, NH_WAIT_MS), 1);
	ck_assert_int_eq(r[0].status, 0);
	ck_assert_uint_eq(r[0].type, NDK_OP_WRITE);
	ck_assert_int_eq(memcmp(p.buf[1] + 100, p.buf[0], 5000), 0);
	s = sge(p.mr[0], p.buf[0] + 6000, 2000);
	ck_assert_int_eq(ndk_read(p.qp[0], (void *)0x44, &s, 1, (uintptr_t)(p.buf[1] + 100),
				  ndk_get_remote_token_mr(p.mr[1]), 0), 0);
	ck_assert_uint_eq(nh_results(p.cq[0], r, 1, NH_WAIT_MS), 1);
	ck_assert_int_eq(r[0].status, 0);
	ck_assert_uint_eq(r[0].type, NDK_OP_READ);
	ck_assert_int_eq(memcmp(p.buf[0] + 6000, p.buf[0], 2000), 0);
	pair_close(&p);
}
END_TEST

static int slow_close_returned;

static void
slow_close(void *ctx)
{
	(void)ctx;
	nh_sleep_ms(50);
	__atomic_store_n(&slow_close_returned, 1, __ATOMIC_SEQ_CST);
}

/* Adapter close is the barrier: it returns only after the last callback returned. */
START_TEST(test_close_adapter_barrier)
{
	struct ndk_adapter *ad = NULL;
	struct nh_call c = { 0 }, n = { 0 };
	struct ndk_cq *cq;

	ck_assert_int_eq(ndk_open_adapter(nh_eng[0], (struct ndk_version){ 2, 0 }, NULL, &ad),
			 0);
	ck_assert_int_eq(ndk_create_cq(ad, 16, nh_notify_cb, &n, -1, nh_create_cb, &c, NULL),
			 NDK_PENDING);
	nh_wait(&c, "create_cq");
	cq = (struct ndk_cq *)c.obj;
	__atomic_store_n(&slow_close_returned, 0, __ATOMIC_SEQ_CST);
	ck_assert_int_eq(ndk_close(&cq->header, slow_close, NULL), NDK_PENDING);
	ndk_close_adapter(ad);
	ck_assert_int_eq(__atomic_load_n(&slow_close_returned, __ATOMIC_SEQ_CST), 1);
	ck_assert_int_eq(n.done, 0);
}
END_TEST

/* Objects the consumer forgot are closed by the adapter's close, without callbacks. */
START_TEST(test_close_adapter_leftovers)
{
	struct ndk_adapter *ad = NULL;
	struct nh_call c[3];
	unsigned int counts[NDK_OBJECT_MAX];
	struct ndk_mr *mr = NULL;

	memset(c, 0, sizeof(c));
	ck_assert_int_eq(ndk_open_adapter(nh_eng[1], (struct ndk_version){ 2, 1 }, NULL, &ad),
			 0);
	ck_assert_int_eq(ndk_create_pd(ad, nh_create_cb, &c[0], NULL), NDK_PENDING);
	nh_wait(&c[0], "create_pd");
	ck_assert_int_eq(ndk_create_cq(ad, 16, nh_notify_cb, &c[2], -1, nh_create_cb, &c[1],
				       NULL), NDK_PENDING);
	nh_wait(&c[1], "create_cq");
	ck_assert_int_eq(ndk_create_mr((struct ndk_pd *)c[0].obj, false, nh_create_cb, &c[2], &mr),
			 0);
	ck_assert_int_eq(ndk_adapter_live(ad, counts), 3);
	ck_assert_uint_eq(counts[NDK_OBJECT_PD], 1);
	ck_assert_uint_eq(counts[NDK_OBJECT_CQ], 1);
	ck_assert_uint_eq(counts[NDK_OBJECT_MR], 1);
	ndk_close_adapter(ad);
	ck_assert_int_eq(c[0].done + c[1].done + c[2].done, 2);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("ndk-basic");
	TCase *tc = tcase_create("basic");

	tcase_add_checked_fixture(tc, nh_open, nh_close);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_open_version);
	tcase_add_test(tc, test_send_write_read);
	tcase_add_test(tc, test_close_adapter_barrier);
	tcase_add_test(tc, test_close_adapter_leftovers);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	nh_init();
	return test_run_suite(suite());
}
