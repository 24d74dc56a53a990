/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Memory windows, fast-register MRs and the privileged local key, end to end: B binds a
 * window over part of an MR (or fast-registers an MR at a virtual address other than its
 * memory) and A reads and writes through the key; binds and registrations that IBA refuses
 * fail with the status it names; LOCAL_INV and a peer's SEND with invalidate take keys
 * away; the privileged key gathers from any memory and is never a remote key.
 *
 * A remote access error ends both QPs of a connection, and a local error the QP it
 * happened on: each case that fails after another one runs on a pair of its own.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "eng_harness.h"

#define MAX_OBJS	16
#define RW		(ENG_ACCESS_REMOTE_WRITE | ENG_ACCESS_REMOTE_READ)
#define FR_VA		0x5a5a00000100ull	/* far from any buffer of this process */

/* Windows and MRs a test makes besides the harness's buffers: freed by the teardown. */
static struct eng_mw *mws[MAX_OBJS];
static struct eng_mr *mrs[MAX_OBJS];
static uint32_t next_psn = 0x400000;

struct pair {
	struct eng_qp *a;
	struct eng_qp *b;
};

static void
teardown(void)
{
	unsigned int i;

	/* Keys go before their engines: no slot runs, so free at once. */
	for (i = 0; i < MAX_OBJS; i++) {
		eng_mw_free(mws[i]);
		eng_mr_dereg(mrs[i]);
		mws[i] = NULL;
		mrs[i] = NULL;
	}
	eh_teardown();
}

static unsigned int
free_slot(void **tab)
{
	unsigned int i;

	for (i = 0; i < MAX_OBJS && tab[i] != NULL; i++)
		;
	ck_assert_uint_lt(i, MAX_OBJS);
	return i;
}

static struct eng_mw *
mw_new(struct eh_side *s, uint32_t pd)
{
	unsigned int i = free_slot((void **)mws);

	ck_assert_int_eq(eng_mw_alloc(s->eng, pd, &mws[i]), 0);
	ck_assert_uint_ne(eng_mw_rkey(mws[i]), 0);
	return mws[i];
}

static struct eng_mr *
fr_new(struct eh_side *s, uint32_t max_pages, bool remote)
{
	unsigned int i = free_slot((void **)mrs);

	ck_assert_int_eq(eng_mr_alloc_fr(s->eng, EH_PD, max_pages, remote, &mrs[i]), 0);
	ck_assert_uint_eq(eng_mr_lkey(mrs[i]), eng_mr_rkey(mrs[i]));
	return mrs[i];
}

static struct eng_mr *
priv_new(struct eh_side *s)
{
	unsigned int i = free_slot((void **)mrs);

	ck_assert_int_eq(eng_mr_reg_privileged(s->eng, EH_PD, &mrs[i]), 0);
	return mrs[i];
}

/* A second connected A-B pair on the same engines, CQs and PD. */
static struct pair
pair_new(void)
{
	struct pair p = { eh_qp_new(&eh_a), eh_qp_new(&eh_b) };

	eh_qp_connect(p.a, &eh_a, eng_qp_num(p.b), &eh_default_conf, next_psn,
		      next_psn + 0x1000);
	eh_qp_connect(p.b, &eh_b, eng_qp_num(p.a), &eh_default_conf, next_psn + 0x1000,
		      next_psn);
	next_psn += 0x10000;
	return p;
}

static void
post(struct eng_qp *qp, const struct eng_send_wr *wr)
{
	ck_assert_int_eq(eng_post_send(qp, wr), 0);
}

/* One completion on cq from qp; opcode and length are checked on success only (verbs). */
static void
expect(struct eng_cq *cq, const struct eng_qp *qp, uint64_t wr_id, enum eng_wc_status st,
       enum eng_wc_opcode op, uint32_t len)
{
	struct eng_cqe c;

	if (eh_wait_cqes(cq, &c, 1, EH_WAIT_MS) != 1) {
		eh_dump("timeout");
		ck_abort_msg("no completion for wr_id %" PRIu64, wr_id);
	}
	ck_assert_uint_eq(c.wr_id, wr_id);
	ck_assert_msg(c.status == st, "wr_id %" PRIu64 ": %s, expected %s", wr_id,
		      eng_wc_status_names[c.status], eng_wc_status_names[st]);
	ck_assert_uint_eq(c.qpn, eng_qp_num(qp));
	if (st != ENG_WC_SUCCESS)
		return;
	ck_assert_uint_eq(c.opcode, op);
	ck_assert_uint_eq(c.byte_len, len);
}

static void
bind_mr(struct eng_qp *qp, uint64_t wr_id, struct eng_mw *mw, struct eng_mr *mr,
	uint64_t addr, uint64_t len, uint32_t access, uint8_t flags)
{
	struct eng_send_wr wr;

	eh_wr_init(&wr, wr_id, ENG_WR_BIND_MW, flags);
	wr.bind.mw = mw;
	wr.bind.mr = mr;
	wr.bind.addr = addr;
	wr.bind.length = len;
	wr.bind.access = access;
	post(qp, &wr);
}

/* Signalled bind of mw to [off, off + len) of b. */
static void
bind(struct eng_qp *qp, uint64_t wr_id, struct eng_mw *mw, const struct eh_buf *b,
     size_t off, uint64_t len, uint32_t access)
{
	bind_mr(qp, wr_id, mw, b->mr, eh_va(b, off), len, access, ENG_WR_SIGNALED);
}

/* Fast-register mr over [va, va + len) backed by b's bytes from off. */
static void
reg(struct eng_qp *qp, uint64_t wr_id, struct eng_mr *mr, const struct eh_buf *b,
    size_t off, uint64_t va, uint64_t len, uint32_t access)
{
	struct eng_send_wr wr;

	eh_wr_init(&wr, wr_id, ENG_WR_REG_MR, ENG_WR_SIGNALED);
	wr.reg.mr = mr;
	wr.reg.mem = eh_va(b, off);
	wr.reg.va = va;
	wr.reg.length = len;
	wr.reg.access = access;
	post(qp, &wr);
}

static void
local_inv(struct eng_qp *qp, uint64_t wr_id, uint32_t key)
{
	struct eng_send_wr wr;

	eh_wr_init(&wr, wr_id, ENG_WR_LOCAL_INV, ENG_WR_SIGNALED);
	wr.inv_rkey = key;
	post(qp, &wr);
}

/* A WRITE or READ of len bytes at local+loff against (va, rkey) on the peer. */
static void
rdma(struct eng_qp *qp, uint64_t wr_id, enum eng_wr_opcode op, const struct eh_buf *local,
     size_t loff, uint32_t len, uint64_t va, uint32_t rkey)
{
	struct eng_send_wr wr;

	eh_wr_init(&wr, wr_id, op, ENG_WR_SIGNALED);
	eh_wr_sge(&wr, local, loff, len);
	wr.remote_addr = va;
	wr.rkey = rkey;
	post(qp, &wr);
}

static void
recv_on(struct eng_qp *qp, uint64_t wr_id, const struct eh_buf *b, size_t off, uint32_t len)
{
	struct eng_recv_wr wr = { .wr_id = wr_id, .num_sge = 1,
				  .sge = { { eh_va(b, off), len, eh_lkey(b) } } };

	ck_assert_int_eq(eng_post_recv(qp, &wr), 0);
}

/* A SEND of one SGE given by address and key (keys other than the harness buffers'). */
static void
send_sge(struct eng_qp *qp, uint64_t wr_id, uint64_t addr, uint32_t len, uint32_t lkey,
	 uint8_t flags)
{
	struct eng_send_wr wr;

	eh_wr_init(&wr, wr_id, ENG_WR_SEND, ENG_WR_SIGNALED | flags);
	wr.num_sge = 1;
	wr.sge[0] = (struct eng_sge){ addr, len, lkey };
	post(qp, &wr);
}

static void
assert_untouched(const struct eh_buf *b, uint32_t seed)
{
	ck_assert_int_lt(eh_check_pattern(b, 0, b->len, seed), 0);
	eh_assert_guards(b);
}

/* Memory windows. */

START_TEST(test_eng_mw_write_read)
{
	struct eh_buf *la, *x;
	struct eng_mw *mw;
	uint32_t key;

	eh_setup(NULL);
	la = eh_buf_new(&eh_a, 8192, EH_PD, EH_ACC_ALL);
	/* The MR grants no remote access itself: the window does (verbs semantics). */
	x = eh_buf_new(&eh_b, 8192, EH_PD, ENG_ACCESS_LOCAL_WRITE);
	eh_fill(la, 0, la->len, 1);
	eh_fill(x, 0, x->len, 2);
	mw = mw_new(&eh_b, EH_PD);
	key = eng_mw_rkey(mw);
	ck_assert_uint_ne(key, eh_rkey(x));
	bind(eh_b.qp, 1, mw, x, 1000, 3000, RW);
	expect(eh_b.scq, eh_b.qp, 1, ENG_WC_SUCCESS, ENG_WC_BIND_MW, 0);
	ck_assert_uint_eq(eng_mw_rkey(mw), key);
	/* A 3-packet WRITE through the window lands in the window and nowhere else. */
	rdma(eh_a.qp, 2, ENG_WR_WRITE, la, 0, 3000, eh_va(x, 1000), key);
	expect(eh_a.scq, eh_a.qp, 2, ENG_WC_SUCCESS, ENG_WC_WRITE, 3000);
	eh_assert_same(x, 1000, la, 0, 3000);
	eh_assert_rest(x, 1000, 3000, 2);
	/* READ back the window's last 2000 bytes. */
	rdma(eh_a.qp, 3, ENG_WR_READ, la, 4000, 2000, eh_va(x, 2000), key);
	expect(eh_a.scq, eh_a.qp, 3, ENG_WC_SUCCESS, ENG_WC_READ, 2000);
	eh_assert_same(la, 4000, x, 2000, 2000);
	eh_assert_rest(la, 4000, 2000, 1);
	eh_assert_quiet();
}
END_TEST

START_TEST(test_eng_mw_write_outside_range)
{
	struct eh_buf *la, *x;
	struct eng_mw *mw;
	struct pair p;

	eh_setup(NULL);
	la = eh_buf_new(&eh_a, 4096, EH_PD, EH_ACC_ALL);
	x = eh_buf_new(&eh_b, 4096, EH_PD, EH_ACC_ALL);
	eh_fill(la, 0, la->len, 1);
	eh_fill(x, 0, x->len, 2);
	mw = mw_new(&eh_b, EH_PD);
	bind(eh_b.qp, 1, mw, x, 1000, 500, RW);
	expect(eh_b.scq, eh_b.qp, 1, ENG_WC_SUCCESS, ENG_WC_BIND_MW, 0);
	/* Past the end by 50 bytes (inside the MR, whose own key would allow it). */
	rdma(eh_a.qp, 2, ENG_WR_WRITE, la, 0, 100, eh_va(x, 1450), eng_mw_rkey(mw));
	expect(eh_a.scq, eh_a.qp, 2, ENG_WC_REM_ACCESS_ERR, ENG_WC_WRITE, 0);
	assert_untouched(x, 2);
	/* One byte before the start. */
	p = pair_new();
	rdma(p.a, 3, ENG_WR_WRITE, la, 0, 1, eh_va(x, 999), eng_mw_rkey(mw));
	expect(eh_a.scq, p.a, 3, ENG_WC_REM_ACCESS_ERR, ENG_WC_WRITE, 0);
	assert_untouched(x, 2);
	/* Exactly the window still works. */
	p = pair_new();
	rdma(p.a, 4, ENG_WR_WRITE, la, 0, 500, eh_va(x, 1000), eng_mw_rkey(mw));
	expect(eh_a.scq, p.a, 4, ENG_WC_SUCCESS, ENG_WC_WRITE, 500);
	eh_assert_same(x, 1000, la, 0, 500);
	eh_assert_rest(x, 1000, 500, 2);
	eh_assert_quiet();
}
END_TEST

START_TEST(test_eng_mw_read_only_window)
{
	struct eh_buf *la, *x;
	struct eng_mw *mw;

	eh_setup(NULL);
	la = eh_buf_new(&eh_a, 4096, EH_PD, EH_ACC_ALL);
	x = eh_buf_new(&eh_b, 4096, EH_PD, EH_ACC_ALL);
	eh_fill(la, 0, la->len, 1);
	eh_fill(x, 0, x->len, 2);
	mw = mw_new(&eh_b, EH_PD);
	bind(eh_b.qp, 1, mw, x, 0, 2048, ENG_ACCESS_REMOTE_READ);
	expect(eh_b.scq, eh_b.qp, 1, ENG_WC_SUCCESS, ENG_WC_BIND_MW, 0);
	rdma(eh_a.qp, 2, ENG_WR_READ, la, 0, 1500, eh_va(x, 100), eng_mw_rkey(mw));
	expect(eh_a.scq, eh_a.qp, 2, ENG_WC_SUCCESS, ENG_WC_READ, 1500);
	eh_assert_same(la, 0, x, 100, 1500);
	eh_fill(la, 0, la->len, 3);
	rdma(eh_a.qp, 3, ENG_WR_WRITE, la, 0, 100, eh_va(x, 100), eng_mw_rkey(mw));
	expect(eh_a.scq, eh_a.qp, 3, ENG_WC_REM_ACCESS_ERR, ENG_WC_WRITE, 0);
	assert_untouched(x, 2);
	eh_assert_quiet();
}
END_TEST

START_TEST(test_eng_mw_bind_errors)
{
	struct eh_buf *la, *x, *ro, *other;
	struct eng_mw *mw;
	struct pair p;

	eh_setup(NULL);
	ck_assert_int_eq(eng_wc_errno(ENG_WC_MW_BIND_ERR), -EACCES);
	ck_assert_str_eq(eng_wc_status_names[ENG_WC_MW_BIND_ERR], "memory window bind error");
	la = eh_buf_new(&eh_a, 4096, EH_PD, EH_ACC_ALL);
	x = eh_buf_new(&eh_b, 4096, EH_PD, EH_ACC_ALL);
	ro = eh_buf_new(&eh_b, 4096, EH_PD, ENG_ACCESS_REMOTE_READ);	/* no local write */
	other = eh_buf_new(&eh_b, 4096, EH_PD_OTHER, EH_ACC_ALL);
	eh_fill(la, 0, la->len, 1);
	eh_fill(x, 0, x->len, 2);
	mw = mw_new(&eh_b, EH_PD);
	/* The range must lie inside the MR: 4000 + 200 > 4096. */
	bind(eh_b.qp, 1, mw, x, 4000, 200, RW);
	expect(eh_b.scq, eh_b.qp, 1, ENG_WC_MW_BIND_ERR, ENG_WC_BIND_MW, 0);
	ck_assert_int_eq(eng_qp_state(eh_b.qp), ENG_QPS_ERR);
	/* Remote write (or atomic) needs an MR with local write; remote read does not. */
	p = pair_new();
	bind(p.b, 2, mw, ro, 0, 100, ENG_ACCESS_REMOTE_WRITE);
	expect(eh_b.scq, p.b, 2, ENG_WC_MW_BIND_ERR, ENG_WC_BIND_MW, 0);
	p = pair_new();
	bind(p.b, 3, mw, ro, 0, 100, ENG_ACCESS_REMOTE_ATOMIC);
	expect(eh_b.scq, p.b, 3, ENG_WC_MW_BIND_ERR, ENG_WC_BIND_MW, 0);
	/* An MR of another PD. */
	p = pair_new();
	bind(p.b, 4, mw, other, 0, 100, RW);
	expect(eh_b.scq, p.b, 4, ENG_WC_MW_BIND_ERR, ENG_WC_BIND_MW, 0);
	/* None of these bound it: a good bind works now ... */
	p = pair_new();
	bind(p.b, 5, mw, x, 0, 1000, RW);
	expect(eh_b.scq, p.b, 5, ENG_WC_SUCCESS, ENG_WC_BIND_MW, 0);
	/* ... and a second one without an invalidate between is refused (type 2) ... */
	bind(p.b, 6, mw, x, 2000, 1000, RW);
	expect(eh_b.scq, p.b, 6, ENG_WC_MW_BIND_ERR, ENG_WC_BIND_MW, 0);
	/* ... leaving the first binding as it was. */
	p = pair_new();
	rdma(p.a, 7, ENG_WR_WRITE, la, 0, 1000, eh_va(x, 0), eng_mw_rkey(mw));
	expect(eh_a.scq, p.a, 7, ENG_WC_SUCCESS, ENG_WC_WRITE, 1000);
	eh_assert_same(x, 0, la, 0, 1000);
	eh_assert_rest(x, 0, 1000, 2);
	eh_assert_quiet();
}
END_TEST

/* A window and a QP of different PDs do not bind (type 2A windows belong to a PD). */
START_TEST(test_eng_mw_bind_other_pd)
{
	struct eh_buf *x;
	struct eng_mw *mw;

	eh_setup(NULL);
	x = eh_buf_new(&eh_b, 4096, EH_PD, EH_ACC_ALL);
	mw = mw_new(&eh_b, EH_PD_OTHER);
	bind(eh_b.qp, 1, mw, x, 0, 100, RW);
	expect(eh_b.scq, eh_b.qp, 1, ENG_WC_MW_BIND_ERR, ENG_WC_BIND_MW, 0);
	/* Local operations posted to a QP in error flush like any WR. */
	bind_mr(eh_b.qp, 2, mw, x->mr, eh_va(x, 0), 100, RW, 0);
	reg(eh_b.qp, 3, fr_new(&eh_b, 1, true), x, 0, FR_VA, 100, EH_ACC_ALL);
	expect(eh_b.scq, eh_b.qp, 2, ENG_WC_WR_FLUSH_ERR, ENG_WC_BIND_MW, 0);
	expect(eh_b.scq, eh_b.qp, 3, ENG_WC_WR_FLUSH_ERR, ENG_WC_REG_MR, 0);
	eh_assert_quiet();
}
END_TEST

START_TEST(test_eng_mw_local_inv)
{
	struct eh_buf *la, *x;
	struct eng_mw *mw;
	struct pair p;

	eh_setup(NULL);
	la = eh_buf_new(&eh_a, 4096, EH_PD, EH_ACC_ALL);
	x = eh_buf_new(&eh_b, 4096, EH_PD, EH_ACC_ALL);
	eh_fill(la, 0, la->len, 1);
	eh_fill(x, 0, x->len, 2);
	mw = mw_new(&eh_b, EH_PD);
	/* Unsignalled: it completes silently, in order, before the WRITE can arrive. */
	bind_mr(eh_b.qp, 1, mw, x->mr, eh_va(x, 0), 2048, RW, 0);
	eh_run_for(1);
	rdma(eh_a.qp, 2, ENG_WR_WRITE, la, 0, 100, eh_va(x, 0), eng_mw_rkey(mw));
	expect(eh_a.scq, eh_a.qp, 2, ENG_WC_SUCCESS, ENG_WC_WRITE, 100);
	eh_assert_same(x, 0, la, 0, 100);
	local_inv(eh_b.qp, 3, eng_mw_rkey(mw));
	expect(eh_b.scq, eh_b.qp, 3, ENG_WC_SUCCESS, ENG_WC_LOCAL_INV, 0);
	eh_fill(x, 0, x->len, 4);
	rdma(eh_a.qp, 4, ENG_WR_WRITE, la, 0, 100, eh_va(x, 0), eng_mw_rkey(mw));
	expect(eh_a.scq, eh_a.qp, 4, ENG_WC_REM_ACCESS_ERR, ENG_WC_WRITE, 0);
	assert_untouched(x, 4);
	/* Invalidated, it binds again, to another range, under the same key. */
	p = pair_new();
	bind(p.b, 5, mw, x, 3000, 1000, ENG_ACCESS_REMOTE_WRITE);
	expect(eh_b.scq, p.b, 5, ENG_WC_SUCCESS, ENG_WC_BIND_MW, 0);
	rdma(p.a, 6, ENG_WR_WRITE, la, 100, 1000, eh_va(x, 3000), eng_mw_rkey(mw));
	expect(eh_a.scq, p.a, 6, ENG_WC_SUCCESS, ENG_WC_WRITE, 1000);
	eh_assert_same(x, 3000, la, 100, 1000);
	eh_assert_rest(x, 3000, 1000, 4);
	eh_assert_quiet();
}
END_TEST

START_TEST(test_eng_mw_send_inv)
{
	struct eh_buf *la, *x, *rb;
	struct eng_send_wr wr;
	struct eng_mw *mw;
	struct eng_cqe c;

	eh_setup(NULL);
	la = eh_buf_new(&eh_a, 4096, EH_PD, EH_ACC_ALL);
	x = eh_buf_new(&eh_b, 4096, EH_PD, EH_ACC_ALL);
	rb = eh_buf_new(&eh_b, 4096, EH_PD, EH_ACC_ALL);
	eh_fill(la, 0, la->len, 1);
	eh_fill(x, 0, x->len, 2);
	mw = mw_new(&eh_b, EH_PD);
	bind(eh_b.qp, 1, mw, x, 0, 4096, RW);
	expect(eh_b.scq, eh_b.qp, 1, ENG_WC_SUCCESS, ENG_WC_BIND_MW, 0);
	rdma(eh_a.qp, 2, ENG_WR_WRITE, la, 0, 64, eh_va(x, 0), eng_mw_rkey(mw));
	expect(eh_a.scq, eh_a.qp, 2, ENG_WC_SUCCESS, ENG_WC_WRITE, 64);
	/* The peer takes the window away with its SEND (IBA 10.6.7.2.5 / 9.4.1.2). */
	eh_post_recv(&eh_b, 9, rb, 0, 100);
	eh_wr_init(&wr, 3, ENG_WR_SEND_INV, ENG_WR_SIGNALED);
	eh_wr_sge(&wr, la, 0, 10);
	wr.inv_rkey = eng_mw_rkey(mw);
	eh_post_send(&eh_a, &wr);
	eh_expect_cqe(eh_a.scq, &eh_a, 3, ENG_WC_SUCCESS, ENG_WC_SEND, 10);
	ck_assert_uint_eq(eh_wait_cqes(eh_b.rcq, &c, 1, EH_WAIT_MS), 1);
	eh_check_cqe(&c, &eh_b, 9, ENG_WC_SUCCESS, ENG_WC_RECV, 10);
	ck_assert_uint_eq(c.flags, ENG_WC_WITH_INV);
	ck_assert_uint_eq(c.inv_rkey, eng_mw_rkey(mw));
	eh_assert_same(rb, 0, la, 0, 10);
	eh_fill(x, 0, x->len, 5);
	rdma(eh_a.qp, 4, ENG_WR_WRITE, la, 0, 64, eh_va(x, 0), eng_mw_rkey(mw));
	expect(eh_a.scq, eh_a.qp, 4, ENG_WC_REM_ACCESS_ERR, ENG_WC_WRITE, 0);
	assert_untouched(x, 5);
	eh_assert_quiet();
}
END_TEST

/*
 * A window lives on its MR: an MR invalidated, closed, or invalidated and registered again
 * (a new valid period, same key) takes the window with it.
 */
START_TEST(test_eng_mw_follows_its_mr)
{
	struct eh_buf *la, *x, *y, *z;
	struct eng_mw *mw1, *mw2, *mw3;
	struct eng_mr *fr;
	struct pair p;

	eh_setup(NULL);
	la = eh_buf_new(&eh_a, 4096, EH_PD, EH_ACC_ALL);
	x = eh_buf_new(&eh_b, 4096, EH_PD, ENG_ACCESS_LOCAL_WRITE | ENG_ACCESS_INVALIDATE);
	y = eh_buf_new(&eh_b, 4096, EH_PD, ENG_ACCESS_LOCAL_WRITE);
	z = eh_buf_new(&eh_b, 4096, EH_PD, ENG_ACCESS_LOCAL_WRITE);
	eh_fill(la, 0, la->len, 1);
	eh_fill(x, 0, x->len, 2);
	eh_fill(y, 0, y->len, 3);
	mw1 = mw_new(&eh_b, EH_PD);
	mw2 = mw_new(&eh_b, EH_PD);
	mw3 = mw_new(&eh_b, EH_PD);
	fr = fr_new(&eh_b, 1, true);
	bind(eh_b.qp, 1, mw1, x, 0, 4096, RW);
	expect(eh_b.scq, eh_b.qp, 1, ENG_WC_SUCCESS, ENG_WC_BIND_MW, 0);
	bind(eh_b.qp, 2, mw2, y, 0, 4096, RW);
	expect(eh_b.scq, eh_b.qp, 2, ENG_WC_SUCCESS, ENG_WC_BIND_MW, 0);
	rdma(eh_a.qp, 3, ENG_WR_WRITE, la, 0, 100, eh_va(y, 0), eng_mw_rkey(mw2));
	expect(eh_a.scq, eh_a.qp, 3, ENG_WC_SUCCESS, ENG_WC_WRITE, 100);
	eh_assert_same(y, 0, la, 0, 100);
	eh_fill(y, 0, y->len, 3);
	/* A window over a fast-register MR, in the MR's address space. */
	reg(eh_b.qp, 4, fr, z, 0, FR_VA, 4096, EH_ACC_ALL);
	bind_mr(eh_b.qp, 5, mw3, fr, FR_VA + 1024, 1024, RW, ENG_WR_SIGNALED);
	expect(eh_b.scq, eh_b.qp, 4, ENG_WC_SUCCESS, ENG_WC_REG_MR, 0);
	expect(eh_b.scq, eh_b.qp, 5, ENG_WC_SUCCESS, ENG_WC_BIND_MW, 0);
	rdma(eh_a.qp, 6, ENG_WR_WRITE, la, 0, 100, FR_VA + 1024, eng_mw_rkey(mw3));
	expect(eh_a.scq, eh_a.qp, 6, ENG_WC_SUCCESS, ENG_WC_WRITE, 100);
	eh_assert_same(z, 1024, la, 0, 100);
	/* Invalidated and registered again as it was: the MR works, the window does not. */
	eh_fill(z, 0, z->len, 4);
	local_inv(eh_b.qp, 7, eng_mr_rkey(fr));
	reg(eh_b.qp, 8, fr, z, 0, FR_VA, 4096, EH_ACC_ALL);
	expect(eh_b.scq, eh_b.qp, 7, ENG_WC_SUCCESS, ENG_WC_LOCAL_INV, 0);
	expect(eh_b.scq, eh_b.qp, 8, ENG_WC_SUCCESS, ENG_WC_REG_MR, 0);
	rdma(eh_a.qp, 9, ENG_WR_READ, la, 0, 100, FR_VA + 1024, eng_mr_rkey(fr));
	expect(eh_a.scq, eh_a.qp, 9, ENG_WC_SUCCESS, ENG_WC_READ, 100);
	eh_assert_same(la, 0, z, 1024, 100);
	eh_fill(la, 0, la->len, 1);
	rdma(eh_a.qp, 10, ENG_WR_WRITE, la, 0, 100, FR_VA + 1024, eng_mw_rkey(mw3));
	expect(eh_a.scq, eh_a.qp, 10, ENG_WC_REM_ACCESS_ERR, ENG_WC_WRITE, 0);
	assert_untouched(z, 4);
	/* An invalidated MR. */
	ck_assert_int_eq(eng_mr_invalidate(eh_b.eng, eh_rkey(x), EH_PD), 0);
	p = pair_new();
	rdma(p.a, 11, ENG_WR_WRITE, la, 0, 100, eh_va(x, 0), eng_mw_rkey(mw1));
	expect(eh_a.scq, p.a, 11, ENG_WC_REM_ACCESS_ERR, ENG_WC_WRITE, 0);
	assert_untouched(x, 2);
	/* A closed MR. No slot runs between polls here: it may go at once. */
	eng_mr_dereg(y->mr);
	y->mr = NULL;
	p = pair_new();
	rdma(p.a, 12, ENG_WR_WRITE, la, 0, 100, eh_va(y, 0), eng_mw_rkey(mw2));
	expect(eh_a.scq, p.a, 12, ENG_WC_REM_ACCESS_ERR, ENG_WC_WRITE, 0);
	assert_untouched(y, 3);
	eh_assert_quiet();
}
END_TEST

START_TEST(test_eng_mw_key_is_not_local)
{
	struct eh_buf *x;
	struct eng_mw *mw;

	eh_setup(NULL);
	x = eh_buf_new(&eh_b, 4096, EH_PD, EH_ACC_ALL);
	mw = mw_new(&eh_b, EH_PD);
	bind(eh_b.qp, 1, mw, x, 0, 4096, RW);
	expect(eh_b.scq, eh_b.qp, 1, ENG_WC_SUCCESS, ENG_WC_BIND_MW, 0);
	/* The gather fails before a packet goes: A sees nothing. */
	send_sge(eh_b.qp, 2, eh_va(x, 0), 100, eng_mw_rkey(mw), 0);
	expect(eh_b.scq, eh_b.qp, 2, ENG_WC_LOC_PROT_ERR, ENG_WC_SEND, 0);
	ck_assert_int_eq(eng_qp_state(eh_b.qp), ENG_QPS_ERR);
	ck_assert_int_eq(eng_qp_state(eh_a.qp), ENG_QPS_RTS);
	eh_assert_quiet();
}
END_TEST

START_TEST(test_eng_mw_alloc_close)
{
	static struct eng_mw *all[ENG_MAX_MR];
	struct eh_buf *la, *x;
	struct eng_mw *mw;
	unsigned int n = 0, i;
	int ret;

	eh_setup(NULL);
	/* MRs and windows share the key table; a full one says -ENOSPC. */
	while (n < ENG_MAX_MR && (ret = eng_mw_alloc(eh_a.eng, EH_PD, &all[n])) == 0)
		n++;
	for (i = 0; i < n; i++)
		eng_mw_free(all[i]);
	ck_assert_int_eq(ret, -ENOSPC);
	ck_assert_uint_eq(n, ENG_MAX_MR - 1);	/* index 0 is never a key */
	/* Closed while the engines poll: its key fails at once; freed after a grace period. */
	la = eh_buf_new(&eh_a, 4096, EH_PD, EH_ACC_ALL);
	x = eh_buf_new(&eh_b, 4096, EH_PD, EH_ACC_ALL);
	eh_fill(x, 0, x->len, 2);
	mw = mw_new(&eh_b, EH_PD);
	bind(eh_b.qp, 1, mw, x, 0, 4096, RW);
	expect(eh_b.scq, eh_b.qp, 1, ENG_WC_SUCCESS, ENG_WC_BIND_MW, 0);
	mws[0] = NULL;		/* the close owns it now */
	eng_mw_close_start(mw);
	rdma(eh_a.qp, 2, ENG_WR_WRITE, la, 0, 100, eh_va(x, 0), eng_mw_rkey(mw));
	expect(eh_a.scq, eh_a.qp, 2, ENG_WC_REM_ACCESS_ERR, ENG_WC_WRITE, 0);
	assert_untouched(x, 2);
	for (i = 0; i < 1000 && !eng_mw_close_poll(mw); i++)
		eh_poll();
	ck_assert_uint_lt(i, 1000);
	eh_assert_quiet();
}
END_TEST

/*
 * A window closed while a bind naming it waits behind a fence: the close (unpublished,
 * grace period passed) still waits until that bind retired, which fails (the window is
 * gone), so the slot never reads freed memory nor binds a key another window took since.
 */
START_TEST(test_eng_mw_close_with_bind_queued)
{
	struct eh_buf *lb, *xa, *x;
	struct eng_cqe c[2];
	struct eng_mw *mw;
	unsigned int got = 0, i;
	bool closed = false;

	eh_setup(NULL);
	lb = eh_buf_new(&eh_b, 4096, EH_PD, EH_ACC_ALL);
	xa = eh_buf_new(&eh_a, 4096, EH_PD, EH_ACC_ALL);
	x = eh_buf_new(&eh_b, 4096, EH_PD, EH_ACC_ALL);
	eh_fill(xa, 0, xa->len, 5);
	mw = mw_new(&eh_b, EH_PD);
	mws[0] = NULL;		/* the close owns it now */
	/* A READ from A, then the bind behind it (IBA 10.8.3.3: the fence waits for it). */
	rdma(eh_b.qp, 1, ENG_WR_READ, lb, 0, 4096, eh_va(xa, 0), eh_rkey(xa));
	bind_mr(eh_b.qp, 2, mw, x->mr, eh_va(x, 0), 4096, RW, ENG_WR_SIGNALED | ENG_WR_FENCE);
	eng_mw_close_start(mw);
	for (i = 0; i < 1000 && !closed; i++) {
		eh_poll();
		got += (unsigned int)eng_cq_poll(eh_b.scq, c + got, 2 - got);
		closed = eng_mw_close_poll(mw);
		ck_assert_msg(!closed || got == 2, "the window closed with its bind still queued");
	}
	ck_assert(closed);
	ck_assert_uint_eq(c[0].wr_id, 1);
	ck_assert_uint_eq(c[0].status, ENG_WC_SUCCESS);
	ck_assert_uint_eq(c[1].wr_id, 2);
	ck_assert_uint_eq(c[1].status, ENG_WC_MW_BIND_ERR);
	ck_assert_int_eq(eh_check_pattern(lb, 0, 4096, 5), -1);
	eh_assert_quiet();
}
END_TEST

/* Fast-register MRs. */

START_TEST(test_eng_fr_reg_translates)
{
	struct eh_buf *la, *z, *ra;
	struct eng_send_wr wr;
	struct eng_mr *fr;
	uint64_t orig;

	eh_setup(NULL);
	la = eh_buf_new(&eh_a, 8192, EH_PD, EH_ACC_ALL);
	ra = eh_buf_new(&eh_a, 4096, EH_PD, EH_ACC_ALL);
	z = eh_buf_new(&eh_b, 8192, EH_PD, ENG_ACCESS_LOCAL_WRITE);
	eh_fill(la, 0, la->len, 1);
	eh_fill(z, 0, z->len, 2);
	fr = fr_new(&eh_b, 2, true);
	/* [FR_VA, FR_VA + 6000) is z's bytes from 512 on. */
	reg(eh_b.qp, 1, fr, z, 512, FR_VA, 6000, EH_ACC_ALL);
	expect(eh_b.scq, eh_b.qp, 1, ENG_WC_SUCCESS, ENG_WC_REG_MR, 0);
	rdma(eh_a.qp, 2, ENG_WR_WRITE, la, 0, 3000, FR_VA + 100, eng_mr_rkey(fr));
	expect(eh_a.scq, eh_a.qp, 2, ENG_WC_SUCCESS, ENG_WC_WRITE, 3000);
	eh_assert_same(z, 612, la, 0, 3000);
	eh_assert_rest(z, 612, 3000, 2);
	rdma(eh_a.qp, 3, ENG_WR_READ, la, 4000, 1500, FR_VA + 4000, eng_mr_rkey(fr));
	expect(eh_a.scq, eh_a.qp, 3, ENG_WC_SUCCESS, ENG_WC_READ, 1500);
	eh_assert_same(la, 4000, z, 4512, 1500);
	/* An atomic on FR_VA + 0x800 acts on z + 512 + 0x800. */
	eh_put64(z, 512 + 0x800, 40);
	eh_wr_init(&wr, 4, ENG_WR_FETCH_ADD, ENG_WR_SIGNALED);
	eh_wr_sge(&wr, la, 6000, 8);
	wr.remote_addr = FR_VA + 0x800;
	wr.rkey = eng_mr_rkey(fr);
	wr.compare_add = 2;
	post(eh_a.qp, &wr);
	expect(eh_a.scq, eh_a.qp, 4, ENG_WC_SUCCESS, ENG_WC_FETCH_ADD, 8);
	orig = eh_get64(la, 6000);
	ck_assert_uint_eq(orig, 40);
	ck_assert_uint_eq(eh_get64(z, 512 + 0x800), 42);
	/* Its lkey gathers at the translated address too: SGE list and inline. */
	eh_post_recv(&eh_a, 8, ra, 0, 100);
	eh_post_recv(&eh_a, 9, ra, 100, 100);
	send_sge(eh_b.qp, 5, FR_VA + 100, 100, eng_mr_lkey(fr), 0);
	send_sge(eh_b.qp, 6, FR_VA + 200, 100, eng_mr_lkey(fr), ENG_WR_INLINE);
	expect(eh_b.scq, eh_b.qp, 5, ENG_WC_SUCCESS, ENG_WC_SEND, 100);
	expect(eh_b.scq, eh_b.qp, 6, ENG_WC_SUCCESS, ENG_WC_SEND, 100);
	expect(eh_a.rcq, eh_a.qp, 8, ENG_WC_SUCCESS, ENG_WC_RECV, 100);
	expect(eh_a.rcq, eh_a.qp, 9, ENG_WC_SUCCESS, ENG_WC_RECV, 100);
	eh_assert_same(ra, 0, z, 612, 200);
	eh_assert_quiet();
}
END_TEST

START_TEST(test_eng_fr_invalidate_reregister)
{
	struct eh_buf *la, *z;
	struct eng_mr *fr;
	struct pair p;

	eh_setup(NULL);
	la = eh_buf_new(&eh_a, 4096, EH_PD, EH_ACC_ALL);
	z = eh_buf_new(&eh_b, 8192, EH_PD, ENG_ACCESS_LOCAL_WRITE);
	eh_fill(la, 0, la->len, 1);
	eh_fill(z, 0, z->len, 2);
	fr = fr_new(&eh_b, 1, true);
	reg(eh_b.qp, 1, fr, z, 0, FR_VA, 4096, EH_ACC_ALL);
	expect(eh_b.scq, eh_b.qp, 1, ENG_WC_SUCCESS, ENG_WC_REG_MR, 0);
	rdma(eh_a.qp, 2, ENG_WR_WRITE, la, 0, 100, FR_VA, eng_mr_rkey(fr));
	expect(eh_a.scq, eh_a.qp, 2, ENG_WC_SUCCESS, ENG_WC_WRITE, 100);
	eh_assert_same(z, 0, la, 0, 100);
	local_inv(eh_b.qp, 3, eng_mr_lkey(fr));
	expect(eh_b.scq, eh_b.qp, 3, ENG_WC_SUCCESS, ENG_WC_LOCAL_INV, 0);
	eh_fill(z, 0, z->len, 4);
	rdma(eh_a.qp, 4, ENG_WR_WRITE, la, 0, 100, FR_VA, eng_mr_rkey(fr));
	expect(eh_a.scq, eh_a.qp, 4, ENG_WC_REM_ACCESS_ERR, ENG_WC_WRITE, 0);
	assert_untouched(z, 4);
	/* Registered again over other memory, same key: the old mapping is gone. */
	p = pair_new();
	reg(p.b, 5, fr, z, 4096, FR_VA, 4096, EH_ACC_ALL);
	expect(eh_b.scq, p.b, 5, ENG_WC_SUCCESS, ENG_WC_REG_MR, 0);
	rdma(p.a, 6, ENG_WR_WRITE, la, 0, 100, FR_VA + 8, eng_mr_rkey(fr));
	expect(eh_a.scq, p.a, 6, ENG_WC_SUCCESS, ENG_WC_WRITE, 100);
	eh_assert_same(z, 4104, la, 0, 100);
	eh_assert_rest(z, 4104, 100, 4);
	eh_assert_quiet();
}
END_TEST

START_TEST(test_eng_fr_send_inv)
{
	struct eh_buf *la, *z, *rb;
	struct eng_send_wr wr;
	struct eng_mr *fr;
	struct eng_cqe c;

	eh_setup(NULL);
	la = eh_buf_new(&eh_a, 4096, EH_PD, EH_ACC_ALL);
	z = eh_buf_new(&eh_b, 4096, EH_PD, ENG_ACCESS_LOCAL_WRITE);
	rb = eh_buf_new(&eh_b, 4096, EH_PD, EH_ACC_ALL);
	eh_fill(z, 0, z->len, 2);
	fr = fr_new(&eh_b, 1, true);
	reg(eh_b.qp, 1, fr, z, 0, FR_VA, 4096, EH_ACC_ALL);
	expect(eh_b.scq, eh_b.qp, 1, ENG_WC_SUCCESS, ENG_WC_REG_MR, 0);
	eh_post_recv(&eh_b, 9, rb, 0, 100);
	eh_wr_init(&wr, 2, ENG_WR_SEND_INV, ENG_WR_SIGNALED);
	eh_wr_sge(&wr, la, 0, 10);
	wr.inv_rkey = eng_mr_rkey(fr);
	eh_post_send(&eh_a, &wr);
	eh_expect_cqe(eh_a.scq, &eh_a, 2, ENG_WC_SUCCESS, ENG_WC_SEND, 10);
	ck_assert_uint_eq(eh_wait_cqes(eh_b.rcq, &c, 1, EH_WAIT_MS), 1);
	eh_check_cqe(&c, &eh_b, 9, ENG_WC_SUCCESS, ENG_WC_RECV, 10);
	ck_assert_uint_eq(c.flags, ENG_WC_WITH_INV);
	ck_assert_uint_eq(c.inv_rkey, eng_mr_rkey(fr));
	eh_fill(la, 0, la->len, 3);
	rdma(eh_a.qp, 3, ENG_WR_WRITE, la, 0, 100, FR_VA, eng_mr_rkey(fr));
	expect(eh_a.scq, eh_a.qp, 3, ENG_WC_REM_ACCESS_ERR, ENG_WC_WRITE, 0);
	assert_untouched(z, 2);
	eh_assert_quiet();
}
END_TEST

START_TEST(test_eng_fr_reg_errors)
{
	struct eh_buf *la, *z, *ra;
	struct eng_mr *fr, *small, *local;
	struct pair p;

	eh_setup(NULL);
	la = eh_buf_new(&eh_a, 4096, EH_PD, EH_ACC_ALL);
	ra = eh_buf_new(&eh_a, 4096, EH_PD, EH_ACC_ALL);
	z = eh_buf_new(&eh_b, 3 * 4096, EH_PD, ENG_ACCESS_LOCAL_WRITE);
	eh_fill(la, 0, la->len, 1);
	eh_fill(z, 0, z->len, 2);
	ck_assert_int_eq(eng_mr_alloc_fr(eh_b.eng, EH_PD, 0, true, &fr), -EINVAL);
	fr = fr_new(&eh_b, 2, true);
	/* Allocated invalid: its key is refused before any registration. */
	rdma(eh_a.qp, 1, ENG_WR_WRITE, la, 0, 100, FR_VA, eng_mr_rkey(fr));
	expect(eh_a.scq, eh_a.qp, 1, ENG_WC_REM_ACCESS_ERR, ENG_WC_WRITE, 0);
	assert_untouched(z, 2);
	/* Registering a valid MR again is refused; the first registration stays. */
	p = pair_new();
	reg(p.b, 2, fr, z, 0, FR_VA, 8192, EH_ACC_ALL);
	expect(eh_b.scq, p.b, 2, ENG_WC_SUCCESS, ENG_WC_REG_MR, 0);
	reg(p.b, 3, fr, z, 4096, FR_VA, 4096, EH_ACC_ALL);
	expect(eh_b.scq, p.b, 3, ENG_WC_LOC_PROT_ERR, ENG_WC_REG_MR, 0);
	p = pair_new();
	rdma(p.a, 4, ENG_WR_WRITE, la, 0, 100, FR_VA + 8000, eng_mr_rkey(fr));
	expect(eh_a.scq, p.a, 4, ENG_WC_SUCCESS, ENG_WC_WRITE, 100);
	eh_assert_same(z, 8000, la, 0, 100);
	eh_assert_rest(z, 8000, 100, 2);
	/* More than max_pages * 4096 bytes. */
	small = fr_new(&eh_b, 1, true);
	p = pair_new();
	reg(p.b, 5, small, z, 0, FR_VA, 4097, EH_ACC_ALL);
	expect(eh_b.scq, p.b, 5, ENG_WC_LOC_PROT_ERR, ENG_WC_REG_MR, 0);
	p = pair_new();
	reg(p.b, 6, small, z, 0, FR_VA, 4096, EH_ACC_ALL);
	expect(eh_b.scq, p.b, 6, ENG_WC_SUCCESS, ENG_WC_REG_MR, 0);
	/* Remote access of an MR allocated without it; local access is fine. */
	local = fr_new(&eh_b, 1, false);
	p = pair_new();
	reg(p.b, 7, local, z, 0, FR_VA, 4096,
	    ENG_ACCESS_LOCAL_WRITE | ENG_ACCESS_REMOTE_READ);
	expect(eh_b.scq, p.b, 7, ENG_WC_LOC_PROT_ERR, ENG_WC_REG_MR, 0);
	p = pair_new();
	reg(p.b, 8, local, z, 100, FR_VA, 4096, ENG_ACCESS_LOCAL_WRITE);
	expect(eh_b.scq, p.b, 8, ENG_WC_SUCCESS, ENG_WC_REG_MR, 0);
	recv_on(p.a, 10, ra, 0, 50);
	send_sge(p.b, 9, FR_VA + 10, 50, eng_mr_lkey(local), 0);
	expect(eh_b.scq, p.b, 9, ENG_WC_SUCCESS, ENG_WC_SEND, 50);
	expect(eh_a.rcq, p.a, 10, ENG_WC_SUCCESS, ENG_WC_RECV, 50);
	eh_assert_same(ra, 0, z, 110, 50);
	eh_assert_quiet();
}
END_TEST

/* The privileged key. */

START_TEST(test_eng_privileged_gathers_any_memory)
{
	static uint8_t data[700];	/* static storage: not on any heap */
	struct eng_recv_wr rwr = { .wr_id = 7, .num_sge = 1 };
	struct eng_mr *pa, *pb;
	struct eng_send_wr wr;
	uint8_t *heap, *dst;
	unsigned int i;

	eh_setup(NULL);
	pa = priv_new(&eh_a);
	pb = priv_new(&eh_b);
	ck_assert_uint_ne(eng_mr_lkey(pa), 0);
	heap = malloc(2000);
	dst = malloc(4096);
	ck_assert_ptr_nonnull(heap);
	ck_assert_ptr_nonnull(dst);
	for (i = 0; i < 2000; i++)
		heap[i] = (uint8_t)(i * 7 + 1);
	for (i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 13 + 5);
	memset(dst, 0xee, 4096);
	/* Neither side registered these bytes: the privileged keys cover them. */
	rwr.sge[0] = (struct eng_sge){ (uintptr_t)(dst + 100), 3000, eng_mr_lkey(pb) };
	ck_assert_int_eq(eng_post_recv(eh_b.qp, &rwr), 0);
	eh_wr_init(&wr, 1, ENG_WR_SEND, ENG_WR_SIGNALED);
	wr.num_sge = 2;
	wr.sge[0] = (struct eng_sge){ (uintptr_t)heap, 2000, eng_mr_lkey(pa) };
	wr.sge[1] = (struct eng_sge){ (uintptr_t)data, sizeof(data), eng_mr_lkey(pa) };
	post(eh_a.qp, &wr);
	expect(eh_a.scq, eh_a.qp, 1, ENG_WC_SUCCESS, ENG_WC_SEND, 2700);
	expect(eh_b.rcq, eh_b.qp, 7, ENG_WC_SUCCESS, ENG_WC_RECV, 2700);
	ck_assert_int_eq(memcmp(dst + 100, heap, 2000), 0);
	ck_assert_int_eq(memcmp(dst + 2100, data, sizeof(data)), 0);
	for (i = 0; i < 100; i++)
		EH_REQUIRE(dst[i] == 0xee, "byte %u before the receive changed", i);
	for (i = 2800; i < 4096; i++)
		EH_REQUIRE(dst[i] == 0xee, "byte %u after the receive changed", i);
	free(heap);
	free(dst);
	/* Never invalidated. */
	ck_assert_int_eq(eng_mr_invalidate(eh_a.eng, eng_mr_lkey(pa), EH_PD), -EINVAL);
	eh_assert_quiet();
}
END_TEST

START_TEST(test_eng_privileged_not_remote)
{
	struct eh_buf *la, *x;
	struct eng_mr *pb;
	struct eng_mw *mw;
	struct pair p;

	eh_setup(NULL);
	la = eh_buf_new(&eh_a, 4096, EH_PD, EH_ACC_ALL);
	x = eh_buf_new(&eh_b, 4096, EH_PD, EH_ACC_ALL);
	eh_fill(la, 0, la->len, 1);
	eh_fill(x, 0, x->len, 2);
	pb = priv_new(&eh_b);
	rdma(eh_a.qp, 1, ENG_WR_WRITE, la, 0, 100, eh_va(x, 0), eng_mr_rkey(pb));
	expect(eh_a.scq, eh_a.qp, 1, ENG_WC_REM_ACCESS_ERR, ENG_WC_WRITE, 0);
	assert_untouched(x, 2);
	ck_assert_uint_gt(eh_ctr(&eh_b, "nak_access_tx"), 0);
	p = pair_new();
	rdma(p.a, 2, ENG_WR_READ, la, 0, 100, eh_va(x, 0), eng_mr_rkey(pb));
	expect(eh_a.scq, p.a, 2, ENG_WC_REM_ACCESS_ERR, ENG_WC_READ, 0);
	/* Nor can a window lend it remote rights. */
	mw = mw_new(&eh_b, EH_PD);
	p = pair_new();
	bind_mr(p.b, 3, mw, pb, eh_va(x, 0), 100, RW, ENG_WR_SIGNALED);
	expect(eh_b.scq, p.b, 3, ENG_WC_MW_BIND_ERR, ENG_WC_BIND_MW, 0);
	eh_assert_quiet();
}
END_TEST

int
main(int argc, char **argv)
{
	Suite *s = suite_create("eng_mw");
	TCase *tc = tcase_create("mw");

	(void)argc;
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, test_eng_mw_write_read);
	tcase_add_test(tc, test_eng_mw_write_outside_range);
	tcase_add_test(tc, test_eng_mw_read_only_window);
	tcase_add_test(tc, test_eng_mw_bind_errors);
	tcase_add_test(tc, test_eng_mw_bind_other_pd);
	tcase_add_test(tc, test_eng_mw_local_inv);
	tcase_add_test(tc, test_eng_mw_send_inv);
	tcase_add_test(tc, test_eng_mw_follows_its_mr);
	tcase_add_test(tc, test_eng_mw_key_is_not_local);
	tcase_add_test(tc, test_eng_mw_alloc_close);
	tcase_add_test(tc, test_eng_mw_close_with_bind_queued);
	tcase_add_test(tc, test_eng_fr_reg_translates);
	tcase_add_test(tc, test_eng_fr_invalidate_reregister);
	tcase_add_test(tc, test_eng_fr_send_inv);
	tcase_add_test(tc, test_eng_fr_reg_errors);
	tcase_add_test(tc, test_eng_privileged_gathers_any_memory);
	tcase_add_test(tc, test_eng_privileged_not_remote);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return eh_main(argv[0], s);
}
