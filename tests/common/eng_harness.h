/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef ENG_HARNESS_H
#define ENG_HARNESS_H

/*
 * Two RoCEv2 engines in one process, A and B, each on its own port over a pair of
 * net_ring rings (A's transmit ring is B's receive ring and back), polled from the test
 * thread in turn so every run is the same. Each engine has one poll slot, a send CQ and a
 * receive CQ, and one RC QP connected to the other side's QP.
 *
 * Every object the harness hands out (buffers with their MRs, extra QPs) is tracked so
 * eh_teardown() can free it after a failed assertion too: Check runs the cases in this
 * process (CK_NOFORK) and a failure longjmps out of the test body. eh_teardown() then
 * asserts that nothing was left over: no completion nobody took, no CQ overflow, every
 * mbuf back in its pool, every pool and ring freed.
 */

#include <check.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "pmd_api.h"
#include "roce_pkt.h"

#define EH_PD		1u		/* the PD of both QPs and of the usual MRs */
#define EH_PD_OTHER	2u
#define EH_GUARD	4096u		/* guard bytes on each side of a buffer */
#define EH_GUARD_BYTE	0xa5
#define EH_CQ_DEPTH	4096u
#define EH_RING_SIZE	8192u		/* frames a net_ring holds */
#define EH_WAIT_MS	5000u		/* default time limit to wait for completions */
#define EH_SETTLE_MS	10u		/* quiet time before checking that CQs stay empty */

/* ck_assert() writes to Check's log on success too; use this in per-byte loops. */
#define EH_REQUIRE(cond, ...) do { \
	if (!(cond)) \
		ck_abort_msg(__VA_ARGS__); \
} while (0)

#define EH_ACC_ALL	(ENG_ACCESS_LOCAL_WRITE | ENG_ACCESS_REMOTE_WRITE | \
			 ENG_ACCESS_REMOTE_READ | ENG_ACCESS_REMOTE_ATOMIC)
#define EH_ACC_REMOTE	(ENG_ACCESS_REMOTE_WRITE | ENG_ACCESS_REMOTE_READ | \
			 ENG_ACCESS_REMOTE_ATOMIC)

/* How a test wants the two sides set up; start from eh_default_conf. */
struct eh_conf {
	uint16_t mtu;			/* port IP MTU: 1500 (path MTU 1024) or 4200 (4096) */
	uint32_t path_mtu;		/* QP path MTU */
	uint32_t psn_a;			/* A's first send PSN (B's rq_psn) */
	uint32_t psn_b;			/* B's first send PSN (A's rq_psn) */
	uint8_t timeout;		/* local ACK timeout code: 10 = 4.2 ms */
	uint8_t retry_cnt;
	uint8_t rnr_retry;		/* 7 = infinite */
	uint8_t min_rnr_timer;		/* 1 = 10 us */
	uint8_t max_rd_atomic;
	uint8_t max_dest_rd_atomic;	/* the IRD each QP grants; 0 = ENG_MAX_RD_ATOMIC */
	uint32_t qp_access;		/* ENG_ACCESS_REMOTE_* on both QPs */
	uint8_t slots;			/* poll slots per engine (port tx queues); 0 = 1 */
	uint32_t line_mbps;		/* engine link rate for DCQCN; 0 = the default */
	bool idle_yield;		/* lcore slots yield after an idle poll */
	uint32_t sq_depth;		/* the two QPs' send queues; 0 = the engine's 256 */
	uint32_t ring_size;		/* frames a net_ring holds + 1; 0 = EH_RING_SIZE */
};

/* Set before eh_main(): the EAL --lcores list (default "0", the main lcore only). */
extern const char *eh_eal_lcores;
/* Set while lcores or service cores run the slots: the harness then only waits. */
extern bool eh_slots_on_lcores;

extern const struct eh_conf eh_default_conf;

struct eh_side {
	const char *name;		/* "A" or "B" */
	struct rte_ring *rx;		/* frames towards this side */
	uint16_t port_id;
	bool vdev;			/* the net_ring vdev exists */
	struct port *port;
	struct eng *eng;
	struct eng_cq *scq;
	struct eng_cq *rcq;
	struct eng_qp *qp;
	uint8_t mac[6];
	uint8_t gid[16];		/* ::ffff:192.0.2.1 / .2 */
	struct eng_qp_attr attr;	/* what the QP was connected with (RTS) */
};

extern struct eh_side eh_a, eh_b;

/* A buffer between two guard areas, registered as one MR. */
struct eh_buf {
	struct eh_side *side;
	uint8_t *alloc;			/* page aligned: guard, data, guard */
	uint8_t *p;			/* the registered bytes */
	size_t len;
	struct eng_mr *mr;
};

/* EAL once per process; runs the suite without forking; returns the exit status. */
int eh_main(const char *prog, Suite *s);

/* Ports, engines, CQs and one connected RC QP on each side. conf NULL: the defaults. */
void eh_setup(const struct eh_conf *conf);
/* Checked teardown fixture: frees everything, then asserts nothing was left over. */
void eh_teardown(void);

/* One eng_poll() of each engine; returns the work done. */
int eh_poll(void);
/* Poll until cond(arg) holds; false if timeout_ms passed first. */
bool eh_run_until(bool (*cond)(void *arg), void *arg, unsigned int timeout_ms);
/* Poll for ms milliseconds. */
void eh_run_for(unsigned int ms);

/* Buffers: len (> 0) bytes registered on side s with pd and access. */
struct eh_buf *eh_buf_new(struct eh_side *s, size_t len, uint32_t pd, uint32_t access);
void eh_buf_free(struct eh_buf *b);

static inline uint64_t
eh_va(const struct eh_buf *b, size_t off)
{
	return (uint64_t)(uintptr_t)(b->p + off);
}

static inline uint32_t
eh_lkey(const struct eh_buf *b)
{
	return eng_mr_lkey(b->mr);
}

static inline uint32_t
eh_rkey(const struct eh_buf *b)
{
	return eng_mr_rkey(b->mr);
}

/* 8 bytes at b+off in host order (atomic operands). */
static inline uint64_t
eh_get64(const struct eh_buf *b, size_t off)
{
	uint64_t v;

	memcpy(&v, b->p + off, 8);
	return v;
}

static inline void
eh_put64(struct eh_buf *b, size_t off, uint64_t v)
{
	memcpy(b->p + off, &v, 8);
}

/* The pattern byte of seed at position i; fill or check a range with it. */
uint8_t eh_pattern(uint32_t seed, size_t i);
void eh_fill(struct eh_buf *b, size_t off, size_t len, uint32_t seed);
/* Offset of the first byte in [off, off+len) not holding the pattern, or -1. */
long eh_check_pattern(const struct eh_buf *b, size_t off, size_t len, uint32_t seed);
/* Assert that both guard areas still hold EH_GUARD_BYTE. */
void eh_assert_guards(const struct eh_buf *b);
/* Assert dst[doff..+len) equals src[soff..+len). */
void eh_assert_same(const struct eh_buf *dst, size_t doff, const struct eh_buf *src,
		    size_t soff, size_t len);

/* Send WRs: zeroed, then opcode, wr_id and flags; add SGEs and the remote side. */
static inline void
eh_wr_init(struct eng_send_wr *wr, uint64_t wr_id, enum eng_wr_opcode op, uint8_t flags)
{
	memset(wr, 0, sizeof(*wr));
	wr->wr_id = wr_id;
	wr->opcode = (uint8_t)op;
	wr->flags = flags;
}

void eh_wr_sge(struct eng_send_wr *wr, const struct eh_buf *b, size_t off, uint32_t len);

static inline void
eh_wr_remote(struct eng_send_wr *wr, const struct eh_buf *b, size_t off)
{
	wr->remote_addr = eh_va(b, off);
	wr->rkey = eh_rkey(b);
}

/* Post and assert it was taken. */
void eh_post_send(struct eh_side *s, const struct eng_send_wr *wr);
/* Post a receive of one SGE (len 0: no SGE) and assert it was taken. */
void eh_post_recv(struct eh_side *s, uint64_t wr_id, const struct eh_buf *b, size_t off,
		  uint32_t len);
/* The common case: one signalled WR of one SGE towards remote (NULL for SENDs). */
void eh_post_one(struct eh_side *s, uint64_t wr_id, enum eng_wr_opcode op,
		 const struct eh_buf *local, size_t loff, uint32_t len,
		 const struct eh_buf *remote, size_t roff);

/* The completion opcode of a WR opcode. */
enum eng_wc_opcode eh_wc_of(enum eng_wr_opcode op);
/* Assert b holds seed's pattern outside [off, off+len) and its guards are intact. */
void eh_assert_rest(const struct eh_buf *b, size_t off, size_t len, uint32_t seed);

/*
 * One signalled A->B message of len bytes (B->A data for READ; SEND, SEND_IMM, SEND_INV,
 * WRITE, WRITE_IMM or READ): A's data at la + EH_LOFF, B's at lb + EH_ROFF. The source is
 * filled with seed's pattern, the destination with another; B gets a receive where the
 * opcode needs one. Takes exactly one completion on A (wr_id len) and, where the opcode
 * consumes a receive, one on B (wr_id 0x7000 + len), compares every field, then every
 * byte of both buffers and their guards.
 */
#define EH_LOFF		3u	/* unaligned on purpose */
#define EH_ROFF		5u
void eh_transfer(enum eng_wr_opcode op, uint32_t len, uint32_t seed, struct eh_buf *la,
		 struct eh_buf *lb);

/* Poll until n completions arrived on cq or timeout_ms passed; returns how many. */
unsigned int eh_wait_cqes(struct eng_cq *cq, struct eng_cqe *out, unsigned int n,
			  unsigned int timeout_ms);
/* Wait for exactly one completion (EH_WAIT_MS) and assert its fields. */
void eh_expect_cqe(struct eng_cq *cq, struct eh_side *s, uint64_t wr_id,
		   enum eng_wc_status status, enum eng_wc_opcode opcode, uint32_t byte_len);
/* Assert one completion's fields; qpn is checked against side s's QP. */
void eh_check_cqe(const struct eng_cqe *c, struct eh_side *s, uint64_t wr_id,
		  enum eng_wc_status status, enum eng_wc_opcode opcode, uint32_t byte_len);
/* Poll EH_SETTLE_MS, then assert no completion is waiting on any of the four CQs. */
void eh_assert_quiet(void);

/* Counters: fails the test when the engine or the port has no counter of that name. */
uint64_t eh_ctr(const struct eh_side *s, const char *name);
uint64_t eh_port_ctr(const struct eh_side *s, const char *name);
/* Print both engines' counters and QP states to stderr (on failures). */
void eh_dump(const char *why);

/* QPs beyond the two that eh_setup() makes; destroyed by eh_teardown(). */
struct eng_qp *eh_qp_new(struct eh_side *s);
/* The same, taking its receives from srq (destroyed by the teardown too). */
struct eng_qp *eh_qp_new_srq(struct eh_side *s, struct eng_srq *srq);
/* Move a QP through INIT, RTR and RTS towards peer_qpn on the other side. */
void eh_qp_connect(struct eng_qp *qp, struct eh_side *s, uint32_t peer_qpn,
		   const struct eh_conf *c, uint32_t sq_psn, uint32_t rq_psn);
void eh_qp_destroy(struct eng_qp *qp);

/*
 * Fault tables for eng_set_fault_hook(): each rule matches an opcode (or any), optionally
 * one PSN, and fires on the n-th packet it matches among those this engine sent (0 = on
 * every one), saying what to do with it. The first rule that fires wins. The hook also
 * counts packets by opcode, the transmissions of one watched request PSN, and whether the
 * PSNs it saw wrapped past 2^24 - 1.
 */
#define EH_OP_ANY	0x100
#define EH_MAX_RULES	8

struct eh_rule {
	uint16_t opcode;		/* ROCE_OP_* or EH_OP_ANY */
	bool by_psn;			/* match only packets carrying psn */
	uint32_t psn;
	uint32_t nth;			/* 1 = the first match; 0 = every one */
	enum eng_fault action;
	uint32_t seen;			/* packets matched */
	uint32_t hits;			/* times it fired */
};

#define EH_ORDER_MAX	64

struct eh_faults {
	struct eh_rule rule[EH_MAX_RULES];
	unsigned int nb_rules;
	uint32_t seen[256];		/* packets per opcode */
	uint32_t total;
	uint8_t order[EH_ORDER_MAX];	/* opcodes of the first packets, in send order */
	unsigned int nb_order;
	bool watch;			/* count request packets carrying watch_psn */
	uint32_t watch_psn;
	uint32_t watch_tx;
	bool saw_top;			/* a PSN in [0xfffff0, 0xffffff] */
	bool saw_wrap;			/* a PSN below 0x10 after saw_top */
};

/* Each side's table: cleared by eh_setup(), installed by eh_faults_on(). */
extern struct eh_faults eh_fa, eh_fb;

struct eh_rule *eh_faults_add(struct eh_faults *f, uint16_t opcode, uint32_t nth,
			      enum eng_fault a);
/* The same for the packets carrying one PSN only (e.g. the ACK of a message's last PSN). */
struct eh_rule *eh_faults_add_psn(struct eh_faults *f, uint16_t opcode, uint32_t psn,
				  uint32_t nth, enum eng_fault a);
/* Install side s's table as the hook of its engine (rules may be added later too). */
struct eh_faults *eh_faults_on(struct eh_side *s);
/* Times the rules changed a packet, summed over the table. */
uint32_t eh_faults_hits(const struct eh_faults *f);

#endif /* ENG_HARNESS_H */
