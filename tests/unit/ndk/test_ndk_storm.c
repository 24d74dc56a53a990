/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The close storm: both engines move traffic on a connected QP pair (a traffic thread
 * sends and receives and checks every byte) while this thread creates PDs, CQs, MRs,
 * MWs and QPs on both sides, connects them, posts work, binds windows, and closes
 * everything again in a random order, parents first as often as not, a thousand times.
 * Every callback is checked against its object's record: none may come after the
 * object's close completion, every close completes exactly once, and at the end the
 * engines' heaps and memzones are back where they started. Run under ASan too.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_malloc.h>
#include <rte_memzone.h>

#include "check_run.h"
#include "ndk_harness.h"

#define ROUNDS		1000
#define NB_OBJ		14		/* per round: 7 per side */
#define TRAFFIC_MSG	512

/* What the test knows of one object: its callbacks must stop at its close completion. */
struct tracked {
	struct ndk_object_header *obj;
	int closed;			/* close completion seen (atomic) */
	int close_cbs;
	int late;			/* callbacks after the close completion (atomic) */
	int notifies;
};

static int violations;

static void
storm_notify(void *ctx, int st)
{
	struct tracked *t = ctx;

	(void)st;
	if (__atomic_load_n(&t->closed, __ATOMIC_SEQ_CST))
		__atomic_fetch_add(&violations, 1, __ATOMIC_SEQ_CST);
	__atomic_fetch_add(&t->notifies, 1, __ATOMIC_SEQ_CST);
}

static void
storm_close(void *ctx)
{
	struct tracked *t = ctx;

	if (__atomic_fetch_add(&t->close_cbs, 1, __ATOMIC_SEQ_CST) != 0)
		__atomic_fetch_add(&violations, 1, __ATOMIC_SEQ_CST);
	__atomic_store_n(&t->closed, 1, __ATOMIC_SEQ_CST);
}

/* The background traffic: A sends numbered messages to B over their own pair. */
struct traffic {
	struct ndk_pd *pd[2];
	struct ndk_cq *cq[2];
	struct ndk_qp *qp[2];
	struct ndk_mr *mr[2];
	uint8_t buf[2][64 * TRAFFIC_MSG];
	bool stop;
	uint64_t delivered;
	int errors;
};

static struct ndk_sge
sge_of(struct ndk_mr *mr, void *va, uint32_t len)
{
	return (struct ndk_sge){ .va = va, .length = len, .token = ndk_get_local_token_mr(mr) };
}

static void *
traffic_main(void *arg)
{
	struct traffic *t = arg;
	struct ndk_result r[16];
	uint64_t sent = 0, posted = 0, acked = 0;
	uint32_t i, n;

	/* Until told to stop and all is delivered; a failed message will never be. */
	while ((!__atomic_load_n(&t->stop, __ATOMIC_ACQUIRE) || acked < sent ||
		t->delivered < sent) && t->errors == 0) {
		/* Keep 32 receives and up to 16 sends outstanding. */
		while (posted < t->delivered + 32) {
			struct ndk_sge s = sge_of(t->mr[1], t->buf[1] + (posted % 64) * TRAFFIC_MSG,
						  TRAFFIC_MSG);

			if (ndk_receive(t->qp[1], (void *)(uintptr_t)posted, &s, 1) != 0)
				break;
			posted++;
		}
		while (!__atomic_load_n(&t->stop, __ATOMIC_ACQUIRE) && sent < acked + 16 &&
		       sent < posted) {
			uint8_t *m = t->buf[0] + (sent % 64) * TRAFFIC_MSG;
			struct ndk_sge s = sge_of(t->mr[0], m, TRAFFIC_MSG);

			memset(m, (int)(sent & 0xff), TRAFFIC_MSG);
			if (ndk_send(t->qp[0], (void *)(uintptr_t)sent, &s, 1, 0) != 0)
				break;
			sent++;
		}
		n = ndk_get_cq_results(t->cq[0], r, RTE_DIM(r));
		for (i = 0; i < n; i++)
			if (r[i].status != 0 || (uintptr_t)r[i].request_context != acked++)
				t->errors++;
		n = ndk_get_cq_results(t->cq[1], r, RTE_DIM(r));
		for (i = 0; i < n; i++) {
			uint64_t k = (uintptr_t)r[i].request_context;
			const uint8_t *m = t->buf[1] + (k % 64) * TRAFFIC_MSG;

			if (r[i].status != 0 || k != t->delivered ||
			    r[i].bytes_transferred != TRAFFIC_MSG || m[0] != (k & 0xff) ||
			    m[TRAFFIC_MSG - 1] != (k & 0xff))
				t->errors++;
			t->delivered++;
		}
	}
	return NULL;
}

/* A pending create, waited for; its record gets the object. */
static void
wait_created(int ret, struct nh_call *c, struct tracked *t, const char *what)
{
	ck_assert_msg(ret == NDK_PENDING || ret == 0, "%s: %d", what, ret);
	if (ret == NDK_PENDING) {
		nh_wait(c, what);
		ck_assert_msg(c->status == 0, "%s: %d", what, c->status);
		t->obj = c->obj;
	}
}

struct round {
	struct tracked t[NB_OBJ];
	uint8_t buf[2][4096];
};

/* Create one side's objects: PD, two CQs, MR, MW, QP, and an MR left unregistered. */
static void
create_side(struct round *rd, int side)
{
	struct tracked *t = &rd->t[side * 7];
	struct nh_call c[6];
	struct ndk_mr *mr = NULL, *bare = NULL;
	struct ndk_pd *pd;
	int i;

	memset(c, 0, sizeof(c));
	wait_created(ndk_create_pd(nh_ad[side], nh_create_cb, &c[0], NULL), &c[0], &t[0], "pd");
	pd = (struct ndk_pd *)t[0].obj;
	for (i = 1; i <= 2; i++) {
		wait_created(ndk_create_cq(nh_ad[side], 64, storm_notify, &t[i], -1, nh_create_cb,
					   &c[i], NULL), &c[i], &t[i], "cq");
		ndk_arm_cq((struct ndk_cq *)t[i].obj, NDK_CQ_NOTIFY_ANY);
	}
	ck_assert_int_eq(ndk_create_mr(pd, false, nh_create_cb, &c[3], &mr), 0);
	t[3].obj = &mr->header;
	ck_assert_int_eq(ndk_register_mr(mr, rd->buf[side], sizeof(rd->buf[side]),
					 NDK_MR_FLAG_REMOTE_WRITE, nh_request_cb, &c[3]),
			 NDK_PENDING);
	nh_wait(&c[3], "register");
	ck_assert_int_eq(c[3].status, 0);
	wait_created(ndk_create_mw(pd, nh_create_cb, &c[4], NULL), &c[4], &t[4], "mw");
	wait_created(ndk_create_qp(pd, (struct ndk_cq *)t[1].obj, (struct ndk_cq *)t[2].obj,
				   &t[5], 16, 16, 2, 2, 32, nh_create_cb, &c[5], NULL),
		     &c[5], &t[5], "qp");
	ck_assert_int_eq(ndk_create_mr(pd, false, nh_create_cb, &c[3], &bare), 0);
	t[6].obj = &bare->header;
}

/* Work that is in flight when the closes start. */
static void
post_work(struct round *rd, unsigned int seed)
{
	struct ndk_qp *a = (struct ndk_qp *)rd->t[5].obj, *b = (struct ndk_qp *)rd->t[12].obj;
	struct ndk_mr *ma = (struct ndk_mr *)rd->t[3].obj, *mb = (struct ndk_mr *)rd->t[10].obj;
	struct ndk_sge s;
	int i;

	nh_connect(a, b);
	for (i = 0; i < 4; i++) {
		s = sge_of(mb, rd->buf[1] + i * 512, 512);
		ck_assert_int_eq(ndk_receive(b, NULL, &s, 1), 0);
		/* Some inline (the QP takes 32 bytes inline), some from the MR. */
		bool inl = (seed >> i) & 1;

		s = sge_of(ma, rd->buf[0] + i * 512, inl ? 32 : 512);
		ck_assert_int_eq(ndk_send(a, NULL, &s, 1, inl ? NDK_OP_FLAG_INLINE : 0), 0);
	}
	s = sge_of(ma, rd->buf[0], 256);
	ck_assert_int_eq(ndk_write(a, NULL, &s, 1, (uintptr_t)rd->buf[1] + 2048,
				   ndk_get_remote_token_mr(mb), 0), 0);
	ck_assert_int_eq(ndk_bind(a, NULL, ma, (struct ndk_mw *)rd->t[4].obj, rd->buf[0] + 1024,
				  1024, NDK_OP_FLAG_ALLOW_REMOTE_WRITE), 0);
}

static void
close_all(struct round *rd, unsigned int *seed)
{
	int order[NB_OBJ], i, j, ms;

	for (i = 0; i < NB_OBJ; i++)
		order[i] = i;
	for (i = NB_OBJ - 1; i > 0; i--) {
		j = rand_r(seed) % (i + 1);
		int tmp = order[i];

		order[i] = order[j];
		order[j] = tmp;
	}
	for (i = 0; i < NB_OBJ; i++) {
		struct tracked *t = &rd->t[order[i]];
		int ret = ndk_close(t->obj, storm_close, t);

		ck_assert_msg(ret == NDK_PENDING || ret == 0, "close: %d", ret);
		if (ret == 0)
			storm_close(t);
	}
	for (ms = 0; ms < 10000; ms++) {
		for (i = 0; i < NB_OBJ; i++)
			if (!__atomic_load_n(&rd->t[i].closed, __ATOMIC_SEQ_CST))
				break;
		if (i == NB_OBJ)
			break;
		nh_sleep_ms(1);
	}
	for (i = 0; i < NB_OBJ; i++)
		ck_assert_msg(rd->t[i].close_cbs == 1, "object %d: %d close callbacks", i,
			      rd->t[i].close_cbs);
}

static void
count_mz(const struct rte_memzone *mz, void *arg)
{
	(void)mz;
	(*(int *)arg)++;
}

static int
nb_memzones(void)
{
	int n = 0;

	rte_memzone_walk(count_mz, &n);
	return n;
}

START_TEST(test_close_storm)
{
	static struct traffic tr;
	static struct round rd;
	struct rte_malloc_socket_stats before, after;
	unsigned int seed = 0x5eed, round;
	pthread_t thr;
	int i, mz;

	memset(&tr, 0, sizeof(tr));
	for (i = 0; i < 2; i++) {
		tr.pd[i] = nh_pd(i);
		tr.cq[i] = nh_cq(i, 1024, NULL, NULL);
		tr.qp[i] = nh_qp(tr.pd[i], tr.cq[i], tr.cq[i], NULL, 64);
		tr.mr[i] = nh_mr(tr.pd[i], tr.buf[i], sizeof(tr.buf[i]), NDK_MR_FLAG_LOCAL_WRITE);
	}
	nh_connect(tr.qp[0], tr.qp[1]);
	rte_malloc_get_socket_stats(0, &before);
	mz = nb_memzones();
	pthread_create(&thr, NULL, traffic_main, &tr);
	for (round = 0; round < ROUNDS; round++) {
		memset(&rd.t, 0, sizeof(rd.t));
		create_side(&rd, 0);
		create_side(&rd, 1);
		post_work(&rd, rand_r(&seed));
		close_all(&rd, &seed);
		NH_REQUIRE(__atomic_load_n(&violations, __ATOMIC_SEQ_CST) == 0,
			   "round %u: a callback after a close completion", round);
	}
	__atomic_store_n(&tr.stop, true, __ATOMIC_RELEASE);
	pthread_join(thr, NULL);
	ck_assert_int_eq(tr.errors, 0);
	ck_assert_uint_gt(tr.delivered, ROUNDS);
	/* Nothing the storm made is left in the engines' memory. */
	rte_malloc_get_socket_stats(0, &after);
	ck_assert_uint_eq(after.alloc_count, before.alloc_count);
	ck_assert_int_eq(nb_memzones(), mz);
	fprintf(stderr, "storm: %u rounds, %" PRIu64 " messages delivered meanwhile\n", ROUNDS,
		tr.delivered);
	for (i = 0; i < 2; i++) {
		nh_close_obj(tr.qp[i]);
		nh_close_obj(tr.mr[i]);
		nh_close_obj(tr.cq[i]);
		nh_close_obj(tr.pd[i]);
	}
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("ndk-storm");
	TCase *tc = tcase_create("storm");

	tcase_add_checked_fixture(tc, nh_open, nh_close);
	tcase_set_timeout(tc, 280);
	tcase_add_test(tc, test_close_storm);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	nh_init();
	return test_run_suite(suite());
}
