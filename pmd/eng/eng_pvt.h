/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef ENG_PVT_H
#define ENG_PVT_H

/*
 * Engine internals shared by eng.c (slots, dispatch, counters), eng_run.c (slots on lcores
 * and services), eng_tx.c (packet building), eng_cq.c (CQ rings), eng_mr.c (the key
 * table, MRs, key checks), eng_mw.c (memory windows, fast registration), eng_srq.c,
 * eng_sge.c (SGE copies), eng_qp.c (QP objects and posting), eng_req.c (requester),
 * eng_comp.c (completer), eng_resp.c (responder), eng_ecn.c and eng_cc.c (congestion)
 * and eng_tel.c (telemetry). Functions are declared below by the file that defines them.
 *
 * Ownership: everything under qp->req and qp->resp is touched only by the QP's slot.
 */

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include <rte_log.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_ring.h>
#include <rte_ring_peek_zc.h>

#include "eng_cc.h"
#include "pmd_api.h"
#include "port.h"
#include "roce_hdr.h"
#include "roce_icrc.h"
#include "roce_pkt.h"
#include "roce_psn.h"

/*
 * The engine's objects (QPs and their WQE arrays, CQs, MRs, MWs, SRQs) come from DPDK's
 * heap, which AddressSanitizer does not watch (Debian's DPDK is not built with it). In a
 * sanitizer build they come from libc instead, so that a use of one after its
 * RCU-deferred free fails the sanitizer suite.
 */
#if defined(__SANITIZE_ADDRESS__)
#define ENG_LIBC_HEAP 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ENG_LIBC_HEAP 1
#endif
#endif

static inline void *
eng_zalloc(const char *what, size_t size, unsigned int align)
{
#ifdef ENG_LIBC_HEAP
	void *p;

	RTE_SET_USED(what);
	if (posix_memalign(&p, RTE_MAX(align, (unsigned int)RTE_CACHE_LINE_SIZE), size) != 0)
		return NULL;
	memset(p, 0, size);
	return p;
#else
	return rte_zmalloc(what, size, align);
#endif
}

static inline void
eng_free(void *p)
{
#ifdef ENG_LIBC_HEAP
	free(p);
#else
	rte_free(p);
#endif
}

extern int eng_logtype;
#define ENG_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, eng_logtype, "droce.eng: " fmt "\n", ##__VA_ARGS__)

#define ENG_SLOT_FREE		0u
#define ENG_SLOT_RUNNER		1u
#define ENG_SLOT_CLOSER		2u

#define ENG_TX_BURST		64
/* Packets a slot holds when the device's transmit ring is full (backpressure). */
#define ENG_TX_BUF		512
#define ENG_TX_HEADROOM		16	/* kept free for ACKs and CNPs */
#define ENG_RX_BURST		32
/*
 * Packets one QP's requester sends per poll. It sees ACKs only between polls, so a poll
 * that sends 64 small packets (~10 us here) delays the ACK that frees its window by as
 * much: perftest's write_bw defaults (128 outstanding, a completion every 100th) then
 * idled half the time; 16 gave 5.2-5.4 against 4.0-4.3 Mmsg/s at 64 B on memif. Where
 * each transmit burst is a system call (port_tx_syscall(): net_af_xdp's sendto()),
 * the call costs more than the wait: 64 B write_bw over veth 0.64-0.83 Mmsg/s with 64,
 * 0.55-0.60 with 16.
 */
#define ENG_REQ_BURST		16
#define ENG_REQ_BURST_SYSCALL	64
/* IBA 9.7.6.1.1 lets the responder coalesce ACKs; rxe ACKs at least every 64 packets. */
#define ENG_ACK_EVERY		64
#define ENG_ACK_HOLD_MAX	4	/* packets whose ACK may wait a poll (eng_resp.c) */
/* The requester sets AckReq at least this often within a long message (rxe does too). */
#define ENG_ACKREQ_EVERY	64
/* Packets a requester keeps in flight before waiting for ACKs (half the PSN window is
 * the limit IBA 9.7.1 allows; this keeps retransmission bounded). */
#define ENG_MAX_INFLIGHT	1024
/* READ response packets one QP emits per poll, so one large READ cannot starve others. */
#define ENG_READ_BURST		32

/* Counters: one enum, one name table (eng.c), each slot increments its own copy. */
enum eng_ctr {
	ENG_RX_PKTS,
	ENG_TX_PKTS,
	ENG_RX_NO_QP,			/* no QP with that number */
	ENG_RX_BAD_STATE,		/* QP cannot take packets in its state */
	ENG_RX_BAD_OPCODE,		/* opcode wrong for the QP type or sequence */
	ENG_RX_HANDOFF,			/* handed to the owning slot */
	ENG_TX_NO_MBUF,
	ENG_TX_BUSY,			/* the device ring was full: sending waited */
	ENG_TX_DROPS,
	ENG_RETRANSMIT_TIMEOUTS,	/* local ACK timeouts */
	ENG_RETRANSMIT_PKTS,		/* packets sent again */
	ENG_DUP_REQUESTS,		/* responder: duplicate requests seen */
	ENG_OUT_OF_SEQ,			/* responder: PSN ahead of expected */
	ENG_ACK_TX,
	ENG_ACK_RX,
	ENG_NAK_SEQ_TX,
	ENG_NAK_SEQ_RX,
	ENG_RNR_NAK_TX,
	ENG_RNR_NAK_RX,
	ENG_NAK_ACCESS_TX,
	ENG_NAK_ACCESS_RX,
	ENG_NAK_INVALID_TX,
	ENG_NAK_INVALID_RX,
	ENG_NAK_OPERR_TX,
	ENG_NAK_OPERR_RX,
	ENG_DUP_RESPONSES,		/* completer: responses for PSNs already done */
	ENG_CQ_OVERFLOWS,
	ENG_FAULTS,			/* packets the fault hook changed */
	ENG_ECN_CE_RX,			/* packets that arrived marked CE */
	ENG_CNP_TX,
	ENG_CNP_RX,
	ENG_CC_PACED,			/* times pacing held a requester back */
	ENG_RX_PAYLOAD_BYTES,		/* payload of packets handed to a QP */
	ENG_TX_PAYLOAD_BYTES,		/* payload of packets a QP built */
	ENG_IDLE_YIELDS,		/* idle polls that gave the CPU away (idle_yield) */
	ENG_IRD_EXCEEDED,		/* responder: a READ or atomic beyond the IRD */
	ENG_POLLS,			/* eng_poll() calls */
	ENG_BUSY_POLLS,			/* polls that received or sent a packet */
	ENG_TX_BURSTS,			/* device transmit calls that took packets */
	ENG_ICRC_CACHE_MISSES,		/* ICRCs whose correction was not cached */
	ENG_CQE_FIRST,			/* completions by status: + enum eng_wc_status */
	ENG_CTR_MAX = ENG_CQE_FIRST + ENG_WC_MAX
};

/*
 * Counters a QP keeps of its own too (struct eng_qp.ctr, same enum): the engine's
 * counters but those that mean nothing for one QP (no QP found, handoffs, the device's
 * ring, the fault hook). eng_qp_xstats() reports these.
 */
#define ENG_QP_CTR_EXCLUDED \
	((1ull << ENG_RX_NO_QP) | (1ull << ENG_RX_HANDOFF) | (1ull << ENG_TX_BUSY) | \
	 (1ull << ENG_TX_DROPS) | (1ull << ENG_FAULTS) | (1ull << ENG_IDLE_YIELDS) | \
	 (1ull << ENG_POLLS) | (1ull << ENG_BUSY_POLLS) | (1ull << ENG_TX_BURSTS) | \
	 (1ull << ENG_ICRC_CACHE_MISSES))

struct eng_cq {
	struct eng *eng;
	struct rte_ring *ring;		/* MP/SC ring of struct eng_cqe */
	bool overflow;
	eng_cq_notify_cb notify;	/* published with release order; NULL = none */
	void *notify_arg;
	uint64_t nr_any;		/* completions pushed (atomic) */
	uint64_t nr_sol;		/* of which solicited or failed (atomic) */
};

struct eng_srq {
	struct eng *eng;
	struct rte_ring *ring;		/* SP/MC ring of struct eng_recv_wr */
	uint32_t pd;
};

/*
 * Keys: MRs and memory windows share one table (eng->keys[], by key >> 8), each entry
 * starting with a struct eng_key. A key's range can change while slots read it (a bind,
 * a fast registration), so its state word works as a sequence lock without a lock:
 *   state = generation << 2 | ENG_KEY_INVALID / ENG_KEY_BUSY / ENG_KEY_VALID
 * INVALID -> BUSY: one writer (a bind or a registration) claims the key by CAS;
 * BUSY -> VALID: it publishes the range it wrote (release);
 * VALID -> INVALID: any thread invalidates by CAS, adding one generation, so no two valid
 * periods share a state word. Readers (eng_key_view()) load the state (acquire), read the
 * fields, and check that the state did not change: a reader that saw a field of a later
 * period also sees the state that period started with (the writer's release fence).
 * Every field below state is read and written with relaxed atomics.
 */
enum eng_key_kind {
	ENG_KEY_MR,			/* eng_mr_reg(): fixed range */
	ENG_KEY_FR,			/* eng_mr_alloc_fr(): range set by ENG_WR_REG_MR */
	ENG_KEY_PRIV,			/* eng_mr_reg_privileged(): all memory, local only */
	ENG_KEY_MW,			/* eng_mw_alloc(): part of an MR, by ENG_WR_BIND_MW */
};

#define ENG_KEY_INVALID		0u
#define ENG_KEY_BUSY		1u
#define ENG_KEY_VALID		2u
#define ENG_KEY_ST_MASK		3u
#define ENG_KEY_GEN		4u	/* one generation in the state word */

struct eng_key {
	struct eng *eng;
	uint8_t kind;			/* enum eng_key_kind */
	uint32_t key;			/* table index << 8 | generation byte */
	uint32_t pd;
	uint32_t state;			/* see above */
	uint64_t token;			/* RCU token of the close */
	uint64_t va;			/* the range, in the key's address space */
	uint64_t length;
	uint64_t xlate;			/* MRs: process address = va + xlate (mod 2^64) */
	uint32_t access;		/* ENG_ACCESS_* */
	uint32_t mr_key;		/* MW: the MR it is bound to, */
	uint32_t mr_state;		/* and that MR's state word when bound */
	/*
	 * Queued bind and fast-register WQEs that name this key's object (atomic): taken
	 * when the WR is posted, dropped when its WQE retires. The close waits for 0 as well
	 * as for its grace period, so a WQE held behind a fence never reads freed memory.
	 */
	uint32_t wqe_refs;
};

struct eng_mr {
	struct eng_key k;		/* first: the table holds &mr->k */
	uint64_t max_len;		/* FR: largest registration */
	bool remote;			/* FR: registrations may grant remote access */
};

struct eng_mw {
	struct eng_key k;		/* first: the table holds &mw->k */
};

/* A consistent copy of a valid key's fields (eng_key_view()). */
struct eng_key_view {
	uint32_t state;
	uint64_t va;
	uint64_t length;
	uint64_t xlate;
	uint32_t access;
	uint32_t mr_key;
	uint32_t mr_state;
};

/*
 * A send WQE as the requester tracks it (IBA 9.7 requester behaviour). A cache line of
 * its own at each end: the poster writes the next entry's WR while the slot updates the
 * state of the entries before it, from another thread when the engine has its lcore.
 */
struct eng_swqe {
	struct eng_send_wr wr;
	uint32_t length;		/* total payload (sum of SGEs / inline) */
	uint32_t first_psn;
	uint32_t last_psn;
	uint32_t npkts;			/* packets (responses for READ) the WQE spans */
	uint32_t sent;			/* bytes sent so far (segmentation progress) */
	uint32_t next_psn;		/* PSN of the next packet to send for this WQE */
	uint32_t rcvd;			/* READ: bytes received so far */
	bool started;			/* first packet sent */
	bool sent_all;			/* every request packet sent */
	bool acked;			/* completed by the responder */
	enum eng_wc_status status;
} __rte_cache_aligned;

struct eng_req {
	uint32_t head;			/* oldest WQE not yet completed; release order */
	uint32_t cur;			/* next WQE with packets left to send */
	uint32_t tail;			/* next free entry */
	uint32_t psn;			/* PSN of the next new packet */
	uint32_t msn;			/* last MSN seen in an ACK */
	uint32_t rd_inflight;		/* READ/atomic requests outstanding (ORD) */
	uint32_t pkts_since_ackreq;
	uint64_t rto_deadline;		/* TSC; 0 = timer stopped */
	uint64_t rnr_deadline;		/* TSC; 0 = not waiting on an RNR NAK */
	uint8_t retries;		/* transport retries used for the oldest WQE */
	uint8_t rnr_retries;
	uint32_t acked_psn;		/* last PSN acknowledged + 1 (PSN of the oldest unacked) */
	uint32_t sent_end;		/* highest PSN ever made outstanding + 1 */
	/*
	 * After a go-back (eng_req_rewind()), packets before resend_until are sent again;
	 * resending ends with the first packet at or after it. Without the flag a PSN more
	 * than 2^23 past the last go-back compares as before it (IBA 9.7.1's half window)
	 * and every packet of a long stream counted as a retransmission.
	 */
	uint32_t resend_until;
	bool resending;
	bool gap_rewound;		/* went back N for the current gap in responses */
	/* The local ACK timeout in TSC cycles (attr.timeout, IBA 9.7.6.1.3), from to_rts():
	 * the timer restarts at every progress, and the floating-point product cost a
	 * 64 B READ ~40 instructions each time. */
	uint64_t rto_cycles;
};

/* Responder resources for a READ or atomic request (IBA 9.7.5.1.3, IRD). */
struct eng_resp_res {
	uint8_t opcode;			/* ROCE_OP_READ_REQ, CMP_SWAP, FETCH_ADD; 0 = free */
	uint32_t first_psn;
	uint32_t last_psn;
	uint64_t va;
	uint32_t rkey;
	uint32_t length;
	uint32_t cur_psn;		/* READ: next response PSN to send */
	uint32_t sent;			/* READ: bytes sent */
	uint64_t atomic_orig;		/* atomic: the value before the operation */
};

struct eng_resp {
	uint32_t epsn;			/* next PSN expected */
	uint32_t msn;			/* messages completed (AETH MSN) */
	bool nak_sent;			/* a PSN sequence NAK for the current gap went out */
	bool nak_held;			/* a NAK waits behind due responses (eng_resp.c) */
	uint8_t nak_syndrome;
	uint32_t nak_psn;
	bool ack_pending;
	uint32_t ack_psn;		/* PSN the pending ACK acknowledges */
	uint32_t unacked;		/* packets since the last ACK */
	uint64_t ack_poll;		/* the slot's poll that made the ACK pending */
	bool recv_active;		/* a multi-packet SEND is filling recv */
	struct eng_recv_wr recv;
	uint32_t recv_off;
	bool write_active;		/* a multi-packet WRITE is in progress */
	uint64_t write_va;
	uint32_t write_rkey;
	uint32_t write_left;
	struct eng_resp_res res[ENG_MAX_RD_ATOMIC];
	uint32_t res_next;		/* next resource slot to use (round robin) */
	bool res_rearmed;		/* a duplicate re-armed a resource (next_due()) */
	struct eng_resp_res *read_active;	/* READ responses still being sent */
};

/*
 * The send queue's producer side. The queue is the WQE array itself: the poster (one per
 * queue, NDK's rule) builds each WR in its entry and the slot takes it from there, with
 * no ring between them and no copy. [req.head, req.tail) are the slot's, [req.tail,
 * prod) posted and not yet taken, [prod, next) deferred until the doorbell. Its own
 * cache line: the slot only reads prod, the poster only reads req.head.
 */
struct eng_sq {
	uint32_t prod;			/* published with release order; the slot reads it */
	uint32_t next;			/* poster: the entry the next WR goes to */
	uint32_t head_seen;		/* poster: req.head when it last looked */
} __rte_cache_aligned;

struct eng_qp {
	struct eng_sq sq;
	struct eng *eng;
	struct eng_slot *slot;
	TAILQ_ENTRY(eng_qp) next;	/* in slot->qps */
	uint32_t qpn;
	uint64_t ctx;			/* eng_qp_init.ctx, for its completions */
	enum eng_qp_type type;
	uint32_t pd;
	struct eng_cq *send_cq;
	struct eng_cq *recv_cq;
	struct eng_srq *srq;
	int state;			/* enum eng_qp_state; written with release order */
	struct eng_qp_attr attr;
	uint16_t sport;			/* UDP source port (flow entropy, roce.md 7.1) */
	bool tmpl_ok;			/* tmpl holds the path's headers (RC, from RTR) */
	struct roce_hdr_tmpl tmpl;
	struct rte_ring *rq;		/* SP/SC ring of struct eng_recv_wr, poster -> slot */
	uint32_t sq_depth;
	uint32_t rq_depth;
	/*
	 * The send queue (struct eng_sq): wqe_mask + 1 WQEs (eng_swqe()), sq_depth rounded
	 * up to a power of two, of which sq_depth are in use at most; a counter's entry is
	 * counter & wqe_mask. A mask, not % sq_depth: the division was a fifth of the
	 * requester's time, and a remainder jumps when a counter wraps past 2^32 unless the
	 * depth is a power of two. Storage of the QP's, outside struct eng_req, which a reset
	 * clears.
	 */
	struct eng_swqe *wqe;
	uint32_t wqe_mask;
	struct eng_req req;
	struct eng_resp resp;
	bool closing;			/* eng_qp_close_start() ran: the slot unlinks it */
	bool unlinked;			/* the slot dropped it from its list */
	bool token_valid;
	uint64_t token;			/* RCU token taken once unlinked */
	struct eng_cc cc;		/* DCQCN reaction point of this flow */
	uint64_t cnp_at;		/* earliest time the next CNP may go (notification point) */
	/*
	 * The QP's own counters (enum eng_ctr): written only by its slot, with relaxed
	 * stores so that a reader on another thread (eng_qp_xstats(), telemetry) never
	 * sees a torn value; no atomic read-modify-write on the data path.
	 */
	uint64_t ctr[ENG_CTR_MAX];
};

struct eng_slot {
	struct eng *eng;
	unsigned int idx;
	struct rte_ring *inbox;		/* MP/SC: packets other slots received for our QPs */
	struct rte_ring *ctl;		/* MP/SC: new QPs for the slot to link */
	struct rte_mbuf *tx[ENG_TX_BUF];
	uint8_t tx_l3[ENG_TX_BUF];	/* IP header offset of a packet whose ICRC is unset */
	uint16_t nb_tx;
	uint16_t icrc_from;		/* tx[] below this have their ICRC */
	struct roce_icrc_cache icrc_cache;
	struct rte_mbuf *held;		/* ENG_FAULT_HOLD: sent after the next packet */
	/*
	 * The polling lcore's cache of eng->pool, set for the length of an eng_poll() (NULL
	 * outside it, where an allocation goes to the pool itself): rte_pktmbuf_alloc()
	 * looks the cache up per packet through rte_lcore_id(), a call to __tls_get_addr()
	 * from a shared library.
	 */
	struct rte_mempool_cache *mcache;
	bool online;			/* registered RCU reader is online */
	/*
	 * Who runs the slot's share of the work (atomic): SLOT_FREE while it is offline,
	 * SLOT_RUNNER from its thread going online to its going offline, SLOT_CLOSER while
	 * a close does an offline slot's share itself (eng_qp_close_poll()).
	 */
	uint32_t owner;
	pthread_t runner;		/* the thread that took it online */
	uint64_t quiescent_tsc;		/* its last quiescent state (for the close's log) */
	bool stop;			/* tells the lcore running the slot to return */
	uint32_t clock_polls;		/* polls: the clock is read every 8th */
	uint64_t now;			/* the timers' clock: the TSC of a recent poll */
	unsigned int lcore;		/* the lcore eng_start() launched it on */
	uint32_t service_id;		/* when run as an rte_service */
	TAILQ_HEAD(, eng_qp) qps;
	uint32_t nb_qps;
	uint64_t ctr[ENG_CTR_MAX];
};

struct eng {
	char name[16];
	struct port *port;
	struct rte_mempool *pool;
	unsigned int nb_slots;
	struct eng_slot slots[ENG_MAX_SLOTS];
	struct rte_rcu_qsbr *rcu;
	/*
	 * The tables the slots read without locks, by QP number's index and key >> 8. Their
	 * writers (creates and closes of every adapter on the engine, each on its own
	 * control thread) claim and release entries under tables_lock, one at a time.
	 */
	pthread_mutex_t tables_lock;
	struct eng_qp *qps[ENG_MAX_QP];		/* published with release order */
	uint16_t qp_gen[ENG_MAX_QP];		/* each index's next QPN generation */
	uint32_t qp_next;			/* the next index to try (round robin) */
	struct eng_key *keys[ENG_MAX_MR];	/* by key >> 8, published with release order */
	uint32_t mr_gen;
	unsigned int running;		/* slots launched on lcores by eng_start() */
	bool idle_yield;		/* eng_conf.idle_yield */
	unsigned int nb_services;	/* slots registered as services */
	struct eng_cc_params cc_params;
	bool ecn;			/* mark ECT(0), answer CE with CNPs */
	unsigned int req_burst;		/* packets a QP's requester sends per poll */
	eng_fault_cb fault_cb;
	void *fault_arg;
	uint64_t tsc_hz;
};

/* The send WQE of counter i (head, cur, tail or between). */
static inline struct eng_swqe *
eng_swqe(struct eng_qp *qp, uint32_t i)
{
	return &qp->wqe[i & qp->wqe_mask];
}

static inline void
eng_count(struct eng_slot *s, enum eng_ctr c)
{
	s->ctr[c]++;
}

/* Add n to a QP's own counter c (its slot only; see struct eng_qp.ctr). */
static inline void
eng_qp_ctr_add(struct eng_qp *qp, enum eng_ctr c, uint64_t n)
{
	__atomic_store_n(&qp->ctr[c], qp->ctr[c] + n, __ATOMIC_RELAXED);
}

/* Count an event of a QP: its slot's counter (the engine's sum) and the QP's own. */
static inline void
eng_qp_count(struct eng_qp *qp, enum eng_ctr c)
{
	eng_count(qp->slot, c);
	eng_qp_ctr_add(qp, c, 1);
}

/* READ and atomics: answered with data, limited by ORD, fenced against. */
static inline bool
eng_wqe_is_rd_atomic(const struct eng_swqe *w)
{
	return w->wr.opcode == ENG_WR_READ || w->wr.opcode == ENG_WR_CMP_SWAP ||
	       w->wr.opcode == ENG_WR_FETCH_ADD;
}

static inline enum eng_qp_state
eng_qp_state_get(const struct eng_qp *qp)
{
	return (enum eng_qp_state)__atomic_load_n(&qp->state, __ATOMIC_ACQUIRE);
}

/* QP lookup by number from any slot (the table is read without locks). */
/* The first index (and QPN) of an ordinary QP: 0 and 1 are the SMI and GSI QPs (IBA 10.2.4). */
#define ENG_FIRST_QPN		2
/* A QP number's index in eng->qps[] (its low 12 bits; a generation is above them). */
#define ENG_QPN_IDX(qpn)	((qpn) & (ENG_MAX_QP - 1))
struct eng_qp *eng_qp_lookup(struct eng *eng, uint32_t qpn);

/* eng_qp.c: link new QPs and unlink closing ones; the slot's own thread only. */
void eng_slot_qps_update(struct eng_slot *s);
/* eng_qp.c: one poll of an owned QP: timers, requester and responder progress. */
void eng_qp_poll(struct eng_qp *qp, uint64_t now);
/* eng_qp.c: move a QP to the error state and flush its queues (slot context). */
void eng_qp_to_error(struct eng_qp *qp);
/* Take the next posted receive WQE; false if none (slot context). */
bool eng_rq_take(struct eng_qp *qp, struct eng_recv_wr *wr);

/* eng_cq.c: a completion of qp's work into cq, counted by status on the slot and the QP. */
int eng_cq_push(struct eng_qp *qp, struct eng_cq *cq, const struct eng_cqe *cqe);
/* eng_mr.c: the key table and key checks. */
/* Give k a free table index and key, and publish it; -ENOSPC when the table is full. */
int eng_key_publish(struct eng *eng, struct eng_key *k);
/* Release: lookups after this miss the key. */
void eng_key_unpublish(struct eng_key *k);
/* The key published under key's index with that exact key, or NULL (slot context). */
struct eng_key *eng_key_lookup(struct eng *eng, uint32_t key);
/* Copy a valid key's fields consistently; false when it is not valid (or changed). */
bool eng_key_view(const struct eng_key *k, struct eng_key_view *v);
/* Range [va, va + len) inside [base, base + length), written to avoid overflow. */
static inline bool
eng_range_in(uint64_t va, uint64_t len, uint64_t base, uint64_t length)
{
	return va >= base && len <= length && va - base <= length - len;
}
/*
 * Check a remote access (rkey: an MR or a bound window) or a local one (lkey: an MR) to
 * [va, va+len) with access rights for a QP of pd. On ENG_MR_OK, *host (if not NULL) is
 * the process address of va.
 */
enum eng_mr_check {
	ENG_MR_OK,
	ENG_MR_BAD_KEY,			/* no such key, invalid, of another PD or kind */
	ENG_MR_BOUNDS,			/* [va, va+len) outside the MR or window */
	ENG_MR_ACCESS,			/* the MR or window does not grant the access */
};
enum eng_mr_check eng_mr_check(struct eng *eng, uint32_t key, bool remote, uint32_t pd,
			       uint64_t va, uint64_t len, uint32_t access, uint8_t **host);
/* eng_mw.c: the actions of ENG_WR_BIND_MW and ENG_WR_REG_MR for a QP (slot context). */
enum eng_wc_status eng_mw_bind(struct eng_qp *qp, const struct eng_send_wr *wr);
enum eng_wc_status eng_mr_fast_reg(struct eng_qp *qp, const struct eng_send_wr *wr);
/* The objects a bind or fast-register WR names: held by its poster, dropped at retire. */
void eng_wr_keys_hold(const struct eng_send_wr *wr);
void eng_wr_keys_drop(const struct eng_send_wr *wr);
/*
 * eng_sge.c: eng_post_send() inline data: the process address of an SGE's bytes. The lkey is not
 * checked (verbs rule); a valid fast-register MR's translation is applied when it covers
 * the SGE, else the address is taken as it is.
 */
const void *eng_sge_inline_src(struct eng *eng, const struct eng_sge *sge);
/*
 * Copy len bytes between a packet and an SGE list, starting off bytes into the list.
 * to_sge: packet -> memory (needs LOCAL_WRITE); else memory -> packet.
 * Returns ENG_WC_SUCCESS, ENG_WC_LOC_PROT_ERR (bad lkey / bounds / rights) or
 * ENG_WC_LOC_LEN_ERR (the list is shorter than off + len).
 */
enum eng_wc_status eng_sge_copy(struct eng *eng, uint32_t pd, const struct eng_sge *sge,
				unsigned int nsge, uint32_t off, void *data, uint32_t len,
				bool to_sge);
/* Total bytes of an SGE list. */
uint64_t eng_sge_len(const struct eng_sge *sge, unsigned int nsge);

/*
 * The bytes of a send WR that mean something: the fixed part, num_sge SGEs and, inline,
 * inline_len bytes. A WR is 720 bytes with all 16 SGEs and 256 inline bytes; a 64 B
 * WRITE uses 200 of them, and the send queue copies each WR in and out once.
 */
static inline size_t
eng_wr_head_len(const struct eng_send_wr *wr)
{
	return offsetof(struct eng_send_wr, sge) + wr->num_sge * sizeof(wr->sge[0]);
}

/* A receive WR's used bytes: 28 of 268 for one SGE. */
static inline void
eng_recv_wr_copy_used(struct eng_recv_wr *dst, const struct eng_recv_wr *src)
{
	memcpy(dst, src, offsetof(struct eng_recv_wr, sge) + src->num_sge * sizeof(src->sge[0]));
}

/* eng_tx.c: packets from a QP to its peer. */
/* Build qp->tmpl from its path (to_rtr()); an RC QP's packets then copy it. */
void eng_qp_tmpl_init(struct eng_qp *qp);
/*
 * Allocate an mbuf and write Ethernet..extension headers for p, addressed from qp->attr
 * (dest QPN, MACs, IPs, UDP source port, P_Key). p->payload_len must be set. *payload
 * receives where p->payload_len bytes go. NULL when no mbuf is free (counted).
 */
struct rte_mbuf *eng_pkt_alloc(struct eng_qp *qp, struct roce_pkt *p, uint8_t **payload);
/* Finish (pad, ICRC) and queue for transmission on the QP's slot. */
void eng_pkt_send(struct eng_qp *qp, struct rte_mbuf *m, const struct roce_pkt *p);
/*
 * rte_pktmbuf_free() of a packet a QP received, on its slot's poll: a direct one-segment
 * mbuf of the engine's pool goes back through the slot's cache (see eng_slot.mcache);
 * anything else the usual way.
 */
static inline void
eng_pkt_free(struct eng_qp *qp, struct rte_mbuf *m)
{
	if (likely(m->nb_segs == 1 && m->pool == qp->eng->pool)) {
		m = rte_pktmbuf_prefree_seg(m);
		if (m != NULL)
			rte_mempool_generic_put(m->pool, (void **)&m, 1, qp->slot->mcache);
		return;
	}
	rte_pktmbuf_free(m);
}
/* Build and queue an ACK or NAK (AETH syndrome/MSN) for psn (responder). */
void eng_send_ack(struct eng_qp *qp, uint32_t psn, uint8_t syndrome, uint32_t msn);

/* eng.c */
uint64_t eng_tsc(void);
/*
 * Queue m for the slot's transmit burst. icrc_l3: 0 when m is complete; else the offset
 * of its IP header, and its ICRC field (roce_build_pad_mbuf()) is filled at the flush.
 */
void eng_slot_queue(struct eng_slot *s, struct rte_mbuf *m, uint8_t icrc_l3);
/* Is there room to queue more packets (after trying to send what is queued)? */
bool eng_slot_tx_room(struct eng_slot *s, unsigned int reserve);
/* Local ACK timeout in TSC cycles (4.096 us * 2^timeout), 0 for infinite. */
uint64_t eng_ack_timeout_cycles(const struct eng *eng, uint8_t timeout);
/* RNR NAK timer code to TSC cycles (IBA table 45). */
uint64_t eng_rnr_cycles(const struct eng *eng, uint8_t code);

/* eng_ecn.c: a packet arrived with ECN CE set; a CNP arrived. */
void eng_ecn_ce_rx(struct eng_qp *qp);
void eng_ecn_cnp_rx(struct eng_qp *qp);
/* eng_ecn.c: may the requester send len more bytes now (DCQCN pacing)? */
bool eng_ecn_may_send(struct eng_qp *qp, uint32_t len);

/* Transport roles: each handles one packet for a QP it owns, or makes progress. */
void eng_req_progress(struct eng_qp *qp);		/* eng_req.c: send new packets */
void eng_req_timers(struct eng_qp *qp, uint64_t now);	/* eng_req.c: retransmit, RNR */
void eng_comp_rx(struct eng_qp *qp, struct rte_mbuf *m, const struct roce_pkt *p);
void eng_resp_rx(struct eng_qp *qp, struct rte_mbuf *m, const struct roce_pkt *p);
void eng_resp_progress(struct eng_qp *qp);	/* eng_resp.c: READ responses, ACK flush */
void eng_resp_ack_first(struct eng_qp *qp);	/* eng_resp.c: a deferred ACK, now */
void eng_req_flush(struct eng_qp *qp);		/* eng_req.c: complete all as flushed */
/* eng_req.c: complete acknowledged WQEs at the head, in posting order. */
void eng_req_complete(struct eng_qp *qp);
/* eng_req.c: go back N from the oldest unacknowledged PSN (IBA 9.7.6.1.3). */
void eng_req_rewind(struct eng_qp *qp);
/* eng_req.c: the oldest WQE fails with st, the QP goes to error. */
void eng_req_fail_head(struct eng_qp *qp, enum eng_wc_status st);
void eng_resp_flush(struct eng_qp *qp);		/* eng_resp.c: drop responder state */

/*
 * eng_tel.c: the /droce/engine, /droce/qps and /droce/qp telemetry endpoints. An engine
 * enters the registry when created and leaves it first thing when destroyed (del returns
 * once no request reads it); the endpoints are registered at load time.
 */
void eng_tel_eng_add(struct eng *eng);
void eng_tel_eng_del(struct eng *eng);
/*
 * Wait for the telemetry request running now, if any: what it found before a QP was
 * unpublished is then no longer in use. For eng_qp_destroy(), which frees without an
 * RCU grace period.
 */
void eng_tel_quiesce(void);

#endif /* ENG_PVT_H */
