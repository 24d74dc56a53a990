/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef ENG_UT_H
#define ENG_UT_H

/*
 * Role-level unit tests of the engine, in SPDK's *_ut.c pattern: a test file includes the
 * .c of the role under test (eng_req.c, eng_resp.c, eng_comp.c), then this header, which
 * builds an RC QP in RTS by hand on plain memory and stubs every neighbour the roles call:
 *
 *   eng_pkt_alloc/eng_pkt_send/eng_send_ack (eng_tx.c): each packet is built with the wire
 *	codec into a fake mbuf, finished (pad, ICRC) and parsed back into ut.pkt[];
 *   eng_cq_push (eng_cq.c): completions go to ut.cqe[], in order, with their CQ;
 *   eng_qp_to_error, eng_rq_take (eng_qp.c): the error state and flushes of the roles
 *	compiled in; receive WQEs from ut.rq[];
 *   eng_sge_copy, eng_sge_len (eng_sge.c), eng_mr_check (eng_mr.c): two MRs, ut.lbuf
 *	(local write, UT_LKEY) and ut.rbuf (remote access too, UT_RKEY); an address is the
 *	process address;
 *   eng_mr_invalidate (eng_mr.c), eng_mw_bind, eng_mr_fast_reg (eng_mw.c): recorded, and
 *	they return ut.inv_ret, ut.local_st;
 *   eng_tsc, eng_rnr_cycles (eng.c): the fake clock ut.now, RNR codes to UT_RNR_CYCLES(code);
 *   eng_ecn_may_send (eng_ecn.c), port_path_mtu (port): always yes, UT_PORT_PMTU.
 *
 * No EAL: mbufs are malloc'ed struct rte_mbuf with a reference count of 2, so the
 * roles' rte_pktmbuf_free() and eng_pkt_free() only drop it to 1 (ut_mbuf_freed()) and
 * never reach a mempool.
 *
 * Before including it, a test file says which roles it compiled in: UT_HAVE_REQ
 * (eng_req.c), UT_HAVE_RESP (eng_resp.c). eng_qp_to_error() flushes those; without the
 * responder, eng_resp_ack_first() is a stub that counts.
 */

#include <check.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <rte_mbuf.h>

#include "check_run.h"
#include "eng_pvt.h"
#include "roce_pkt.h"

#define UT_QPN		0x12
#define UT_DQPN		0x345
#define UT_PD		7
#define UT_PMTU		256		/* the QP's path MTU */
#define UT_PORT_PMTU	1024		/* port_path_mtu() */
#define UT_SQ_DEPTH	64
#define UT_SQ_PSN	0x100
#define UT_RQ_PSN	0x500
#define UT_RTO		1000ull		/* local ACK timeout in fake cycles */
#define UT_T0		1000000ull	/* the fake clock at the start of a test */
#define UT_RNR_CYCLES(code)	(100ull * ((code) + 1))
#define UT_MIN_RNR	12		/* the QP's min_rnr_timer */
#define UT_LKEY		0x1100
#define UT_RKEY		0x2200
#define UT_PEER_RKEY	0x77aa		/* a key of the peer's, for requests */
#define UT_PEER_VA	0x7f0000001000ull
#define UT_BUF		(64 * 1024)
#define UT_PKTS_MAX	512
#define UT_CQES_MAX	256
#define UT_MBUFS_MAX	1024
#define UT_ROOM		(4096 + 256)	/* a fake mbuf's room: largest MTU, headers */
#define UT_RQ_MAX	32
#define UT_ACK_SYN	(ROCE_AETH_ACK | ROCE_AETH_CREDIT_INVALID)

/* A packet a role sent, parsed back from its frame. */
struct ut_pkt {
	struct rte_mbuf *m;
	struct roce_pkt p;
	const uint8_t *payload;
};

struct ut_cqe {
	const struct eng_cq *cq;
	struct eng_cqe c;
};

struct ut_mr {
	uint32_t key;
	uint32_t pd;
	uint8_t *base;
	uint64_t len;
	uint32_t access;
};

static struct {
	struct eng *eng;
	struct eng_slot *slot;
	struct eng_qp *qp;
	struct eng_cq scq, rcq;
	uint64_t now;
	struct ut_pkt pkt[UT_PKTS_MAX];
	unsigned int npkt;
	struct ut_cqe cqe[UT_CQES_MAX];
	unsigned int ncqe;
	struct rte_mbuf *mbufs[UT_MBUFS_MAX];	/* every fake mbuf, freed at teardown */
	unsigned int nmbufs;
	struct ut_mr mr[2];
	struct eng_recv_wr rq[UT_RQ_MAX];
	unsigned int rq_head, rq_tail;
	unsigned int alloc_fail;	/* eng_pkt_alloc() fails this many more times */
	unsigned int to_error;		/* eng_qp_to_error() calls */
	unsigned int ack_first;		/* eng_resp_ack_first() calls (stubbed) */
	unsigned int ack_first_npkt;	/* packets sent before the first of them */
	unsigned int sge_copies;	/* eng_sge_copy() calls */
	enum eng_wc_status local_st;	/* what eng_mw_bind() and eng_mr_fast_reg() return */
	unsigned int keys_dropped;	/* eng_wr_keys_drop() calls: WQEs retired */
	int inv_ret;			/* what eng_mr_invalidate() returns */
	unsigned int inv_calls;
	uint32_t inv_key;
	uint8_t rnr_code;		/* last eng_rnr_cycles() code */
	uint8_t lbuf[UT_BUF] __rte_aligned(8);
	uint8_t rbuf[UT_BUF] __rte_aligned(8);
} ut;

static const struct roce_parse_ctx ut_parse_ctx = { .mtu = 9000, .verify_icrc = true };

/* Fake mbufs. */

static inline void *
ut_zalloc(size_t len)
{
	size_t n = RTE_ALIGN_CEIL(len, RTE_CACHE_LINE_SIZE);
	void *p = aligned_alloc(RTE_CACHE_LINE_SIZE, n);

	ck_assert_ptr_nonnull(p);
	memset(p, 0, n);
	return p;
}

static inline struct rte_mbuf *
ut_mbuf_new(void)
{
	struct rte_mbuf *m = ut_zalloc(sizeof(*m) + UT_ROOM);

	ck_assert_uint_lt(ut.nmbufs, UT_MBUFS_MAX);
	ut.mbufs[ut.nmbufs++] = m;
	m->buf_addr = m + 1;
	m->buf_len = UT_ROOM;
	m->nb_segs = 1;
	rte_mbuf_refcnt_set(m, 2);
	return m;
}

/* The role freed m (exactly once: a second free would reach the NULL mempool). */
static inline bool
ut_mbuf_freed(const struct rte_mbuf *m)
{
	return rte_mbuf_refcnt_read(m) == 1;
}

/* Ethernet and IP addresses of a packet between us (10.0.0.1) and the peer (10.0.0.2). */
static inline void
ut_addr(struct roce_pkt *p, bool outbound)
{
	static const struct rte_ether_addr us = {{ 0x02, 0, 0, 0, 0, 0x01 }};
	static const struct rte_ether_addr peer = {{ 0x02, 0, 0, 0, 0, 0x02 }};

	p->smac = outbound ? us : peer;
	p->dmac = outbound ? peer : us;
	p->ipv6 = false;
	roce_ipv4_to_mapped(p->sip, outbound ? RTE_BE32(0x0a000001) : RTE_BE32(0x0a000002));
	roce_ipv4_to_mapped(p->dip, outbound ? RTE_BE32(0x0a000002) : RTE_BE32(0x0a000001));
	p->hop_limit = 64;
}

/* A frame from the peer to our QP, built from p and parsed back into p (op, offsets). */
static inline struct rte_mbuf *
ut_frame_in(struct roce_pkt *p, const void *payload)
{
	struct rte_mbuf *m = ut_mbuf_new();
	int n;

	ut_addr(p, false);
	p->dqpn = UT_QPN;
	p->pkey = ROCE_DEFAULT_PKEY;
	n = roce_build(rte_pktmbuf_mtod(m, uint8_t *), UT_ROOM, p, payload);
	ck_assert_int_gt(n, 0);
	m->data_len = (uint16_t)n;
	m->pkt_len = (uint32_t)n;
	ck_assert_int_eq(roce_parse_mbuf(m, &ut_parse_ctx, p, NULL, NULL), 0);
	return m;
}

/* Move m's bytes from at on to a second segment: a chain, as some PMDs deliver. */
static inline void
ut_mbuf_split(struct rte_mbuf *m, uint16_t at)
{
	struct rte_mbuf *t = ut_mbuf_new();

	ck_assert_uint_lt(at, m->data_len);
	t->data_len = (uint16_t)(m->data_len - at);
	memcpy(rte_pktmbuf_mtod(t, uint8_t *), rte_pktmbuf_mtod_offset(m, uint8_t *, at),
	       t->data_len);
	m->data_len = at;
	m->next = t;
	m->nb_segs = 2;
}

typedef void (*ut_rx_fn)(struct eng_qp *qp, struct rte_mbuf *m, const struct roce_pkt *p);

/*
 * Hand the peer's packet p (payload_len bytes of payload) to a role, in one segment or,
 * chained, split in the middle of its payload. The role must free it, every segment once.
 */
static inline void
ut_rx_seg(ut_rx_fn role, struct roce_pkt p, const void *payload, bool chained)
{
	struct rte_mbuf *m = ut_frame_in(&p, payload);

	if (chained)
		ut_mbuf_split(m, (uint16_t)(p.payload_off + p.payload_len / 2));
	role(ut.qp, m, &p);
	ck_assert_msg(ut_mbuf_freed(m), "packet psn 0x%x not freed once", p.psn);
	ck_assert(m->next == NULL || ut_mbuf_freed(m->next));
}

static inline void
ut_rx(ut_rx_fn role, struct roce_pkt p, const void *payload)
{
	ut_rx_seg(role, p, payload, false);
}

/* The fixture: one engine, slot 0, an RC QP in RTS with both MRs registered. */

static inline void
ut_setup(void)
{
	struct eng_qp *qp;

	memset(&ut, 0, sizeof(ut));
	ut.now = UT_T0;
	ut.eng = ut_zalloc(sizeof(*ut.eng));
	ut.eng->req_burst = ENG_REQ_BURST;
	ut.slot = &ut.eng->slots[0];
	ut.slot->eng = ut.eng;
	ut.qp = qp = ut_zalloc(sizeof(*qp));
	qp->eng = ut.eng;
	qp->slot = ut.slot;
	qp->qpn = UT_QPN;
	qp->type = ENG_QPT_RC;
	qp->pd = UT_PD;
	qp->send_cq = &ut.scq;
	qp->recv_cq = &ut.rcq;
	qp->state = ENG_QPS_RTS;
	qp->attr = (struct eng_qp_attr){
		.state = ENG_QPS_RTS, .dest_qpn = UT_DQPN, .path_mtu = UT_PMTU,
		.rq_psn = UT_RQ_PSN, .sq_psn = UT_SQ_PSN, .timeout = 14, .retry_cnt = 3,
		.rnr_retry = 3, .min_rnr_timer = UT_MIN_RNR, .max_rd_atomic = 2,
		.max_dest_rd_atomic = 4,
		.access = ENG_ACCESS_REMOTE_WRITE | ENG_ACCESS_REMOTE_READ |
			  ENG_ACCESS_REMOTE_ATOMIC,
	};
	qp->sq_depth = UT_SQ_DEPTH;
	qp->wqe_mask = UT_SQ_DEPTH - 1;
	qp->wqe = ut_zalloc(sizeof(struct eng_swqe) * UT_SQ_DEPTH);
	qp->req.psn = qp->req.acked_psn = qp->req.resend_until = UT_SQ_PSN;
	qp->req.rto_cycles = UT_RTO;
	qp->resp.epsn = UT_RQ_PSN;
	ut.mr[0] = (struct ut_mr){ UT_LKEY, UT_PD, ut.lbuf, UT_BUF, ENG_ACCESS_LOCAL_WRITE };
	ut.mr[1] = (struct ut_mr){ UT_RKEY, UT_PD, ut.rbuf, UT_BUF,
				   ENG_ACCESS_LOCAL_WRITE | ENG_ACCESS_REMOTE_WRITE |
				   ENG_ACCESS_REMOTE_READ | ENG_ACCESS_REMOTE_ATOMIC };
}

static inline void
ut_teardown(void)
{
	unsigned int i;

	for (i = 0; i < ut.nmbufs; i++)
		free(ut.mbufs[i]);
	free(ut.qp->wqe);
	free(ut.qp);
	free(ut.eng);
}

/* Start both PSNs at psn (wrap-around tests). */
static inline void
ut_set_sq_psn(uint32_t psn)
{
	struct eng_req *r = &ut.qp->req;

	ut.qp->attr.sq_psn = r->psn = r->acked_psn = r->resend_until = psn;
}

/* Send work requests. */

static inline void
ut_fill(uint8_t *buf, uint32_t len, uint32_t seed)
{
	uint32_t i;

	for (i = 0; i < len; i++)
		buf[i] = (uint8_t)(seed * 13 + i * 7 + (i >> 8));
}

/* A signalled WR of len bytes at ut.lbuf + off (one SGE), to the peer's UT_PEER_VA + off. */
static inline struct eng_send_wr
ut_wr(uint8_t opcode, uint64_t wr_id, uint32_t off, uint32_t len)
{
	struct eng_send_wr wr = {
		.wr_id = wr_id, .opcode = opcode, .flags = ENG_WR_SIGNALED, .num_sge = 1,
		.rkey = UT_PEER_RKEY, .remote_addr = UT_PEER_VA + off,
	};

	wr.sge[0] = (struct eng_sge){ (uintptr_t)ut.lbuf + off, len, UT_LKEY };
	return wr;
}

/* Post wr as eng_post_send() does (its head, the doorbell rung). */
static inline void
ut_post(const struct eng_send_wr *wr)
{
	struct eng_qp *qp = ut.qp;

	memcpy(&eng_swqe(qp, qp->sq.next)->wr, wr, sizeof(*wr));
	qp->sq.next++;
	qp->sq.prod = qp->sq.next;
}

/* ut_wr() posted; its payload bytes filled with a pattern of wr_id. */
static inline void
ut_post_op(uint8_t opcode, uint64_t wr_id, uint32_t off, uint32_t len)
{
	struct eng_send_wr wr = ut_wr(opcode, wr_id, off, len);

	ut_fill(ut.lbuf + off, len, (uint32_t)wr_id);
	ut_post(&wr);
}

/* Post a receive WQE of len bytes at ut.lbuf + off. */
static inline void
ut_post_recv(uint64_t wr_id, uint32_t off, uint32_t len)
{
	struct eng_recv_wr *wr = &ut.rq[ut.rq_tail++ % UT_RQ_MAX];

	memset(wr, 0, sizeof(*wr));
	wr->wr_id = wr_id;
	wr->num_sge = 1;
	wr->sge[0] = (struct eng_sge){ (uintptr_t)ut.lbuf + off, len, UT_LKEY };
}

/* Assertions on what was captured. */

static inline const struct roce_pkt *
ut_pkt_at(unsigned int i)
{
	ck_assert_msg(i < ut.npkt, "packet %u of %u", i, ut.npkt);
	return &ut.pkt[i].p;
}

/* Packet i has this opcode and PSN, goes to the peer's QP, carries len payload bytes. */
static inline const struct roce_pkt *
ut_expect_pkt(unsigned int i, uint8_t opcode, uint32_t psn, uint32_t len)
{
	const struct roce_pkt *p = ut_pkt_at(i);

	ck_assert_msg(p->opcode == opcode, "packet %u: opcode 0x%02x, expected 0x%02x", i,
		      p->opcode, opcode);
	ck_assert_msg(p->psn == psn, "packet %u: psn 0x%x, expected 0x%x", i, p->psn, psn);
	ck_assert_uint_eq(p->dqpn, UT_DQPN);
	ck_assert_uint_eq(p->payload_len, len);
	return p;
}

/* Packet i is an ACK/NAK with this PSN, syndrome and MSN. */
static inline void
ut_expect_ack(unsigned int i, uint32_t psn, uint8_t syndrome, uint32_t msn)
{
	const struct roce_pkt *p = ut_expect_pkt(i, ROCE_OP_ACK, psn, 0);

	ck_assert_msg(p->aeth.syndrome == syndrome, "packet %u: syndrome 0x%02x, expected 0x%02x",
		      i, p->aeth.syndrome, syndrome);
	ck_assert_uint_eq(p->aeth.msn, msn);
}

static inline const struct eng_cqe *
ut_expect_cqe(unsigned int i, const struct eng_cq *cq, uint64_t wr_id,
	      enum eng_wc_status st, enum eng_wc_opcode op)
{
	const struct eng_cqe *c;

	ck_assert_msg(i < ut.ncqe, "completion %u of %u", i, ut.ncqe);
	c = &ut.cqe[i].c;
	ck_assert_ptr_eq(ut.cqe[i].cq, cq);
	ck_assert_msg(c->wr_id == wr_id, "completion %u: wr_id %" PRIu64 ", expected %" PRIu64,
		      i, c->wr_id, wr_id);
	ck_assert_msg(c->status == st, "completion %u (wr_id %" PRIu64 "): status %u, expected %u",
		      i, c->wr_id, c->status, st);
	ck_assert_uint_eq(c->opcode, op);
	ck_assert_uint_eq(c->qpn, UT_QPN);
	return c;
}

/* The payloads of packets first.. (in order) are the len bytes at src. */
static inline void
ut_expect_bytes(unsigned int first, const uint8_t *src, uint32_t len)
{
	unsigned int i;
	uint32_t at = 0;

	for (i = first; at < len; i++) {
		const struct roce_pkt *p = ut_pkt_at(i);

		ck_assert_uint_le(at + p->payload_len, len);
		ck_assert_msg(memcmp(ut.pkt[i].payload, src + at, p->payload_len) == 0,
			      "packet %u: payload differs from byte %u on", i, at);
		at += p->payload_len;
	}
}

static inline uint64_t
ut_qp_ctr(enum eng_ctr c)
{
	return ut.qp->ctr[c];
}

#ifdef UT_HAVE_REQ
/* Run the requester until it sends nothing more; returns the packets it sent. */
static inline unsigned int
ut_req_progress_all(void)
{
	unsigned int before = ut.npkt, n;

	do {
		n = ut.npkt;
		eng_req_progress(ut.qp);
	} while (ut.npkt != n);
	return ut.npkt - before;
}
#endif

/* Stubs of the neighbours. */

struct rte_mbuf *
eng_pkt_alloc(struct eng_qp *qp, struct roce_pkt *p, uint8_t **payload)
{
	struct rte_mbuf *m;
	int hdr;

	if (ut.alloc_fail > 0) {
		ut.alloc_fail--;
		return NULL;
	}
	m = ut_mbuf_new();
	/* RC: the connection's path. UD: the WR set dmac, dip and sip (IPv4-mapped here). */
	if (qp->type == ENG_QPT_RC) {
		p->dqpn = qp->attr.dest_qpn;
		ut_addr(p, true);
	}
	p->pkey = ROCE_DEFAULT_PKEY;
	hdr = roce_build_hdr(rte_pktmbuf_mtod(m, uint8_t *), UT_ROOM, p);
	ck_assert_int_gt(hdr, 0);
	*payload = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(hdr + p->payload_len)) + hdr;
	return m;
}

void
eng_pkt_send(struct eng_qp *qp, struct rte_mbuf *m, const struct roce_pkt *p)
{
	struct ut_pkt *c = &ut.pkt[ut.npkt];

	RTE_SET_USED(qp);
	ck_assert_uint_lt(ut.npkt, UT_PKTS_MAX);
	ck_assert_int_eq(roce_build_finish_mbuf(m, p), 0);
	ck_assert_int_eq(roce_parse_mbuf(m, &ut_parse_ctx, &c->p, NULL, NULL), 0);
	c->m = m;
	c->payload = rte_pktmbuf_mtod_offset(m, const uint8_t *, c->p.payload_off);
	ut.npkt++;
}

void
eng_send_ack(struct eng_qp *qp, uint32_t psn, uint8_t syndrome, uint32_t msn)
{
	struct roce_pkt p = { .opcode = ROCE_OP_ACK, .psn = psn,
			      .aeth = { .syndrome = syndrome, .msn = msn } };
	struct rte_mbuf *m;
	uint8_t *payload;

	m = eng_pkt_alloc(qp, &p, &payload);
	if (m != NULL)
		eng_pkt_send(qp, m, &p);
}

int
eng_cq_push(struct eng_qp *qp, struct eng_cq *cq, const struct eng_cqe *cqe)
{
	RTE_SET_USED(qp);
	ck_assert_uint_lt(ut.ncqe, UT_CQES_MAX);
	ut.cqe[ut.ncqe].cq = cq;
	ut.cqe[ut.ncqe].c = *cqe;
	ut.ncqe++;
	return 0;
}

/* eng_qp.c's order: the state, then the requester's and the responder's flushes. */
void
eng_qp_to_error(struct eng_qp *qp)
{
	ut.to_error++;
	__atomic_store_n(&qp->state, ENG_QPS_ERR, __ATOMIC_RELEASE);
#ifdef UT_HAVE_REQ
	eng_req_flush(qp);
#endif
#ifdef UT_HAVE_RESP
	eng_resp_flush(qp);
#endif
}

bool
eng_rq_take(struct eng_qp *qp, struct eng_recv_wr *wr)
{
	RTE_SET_USED(qp);
	if (ut.rq_head == ut.rq_tail)
		return false;
	*wr = ut.rq[ut.rq_head++ % UT_RQ_MAX];
	return true;
}

enum eng_mr_check
eng_mr_check(struct eng *eng, uint32_t key, bool remote, uint32_t pd, uint64_t va,
	     uint64_t len, uint32_t access, uint8_t **host)
{
	const struct ut_mr *mr = NULL;
	unsigned int i;

	RTE_SET_USED(eng);
	RTE_SET_USED(remote);
	for (i = 0; i < RTE_DIM(ut.mr); i++)
		if (ut.mr[i].key == key)
			mr = &ut.mr[i];
	if (mr == NULL || mr->pd != pd)
		return ENG_MR_BAD_KEY;
	if (!eng_range_in(va, len, (uintptr_t)mr->base, mr->len))
		return ENG_MR_BOUNDS;
	if ((mr->access & access) != access)
		return ENG_MR_ACCESS;
	if (host != NULL)
		*host = (uint8_t *)(uintptr_t)va;
	return ENG_MR_OK;
}

/*
 * eng_sge.c's contract, computed another way: SGE i holds bytes [at, at + length) of the
 * list; the part of [off, off + len) it overlaps is checked (eng_mr_check() above) and
 * copied. A list shorter than off + len is a length error.
 */
enum eng_wc_status
eng_sge_copy(struct eng *eng, uint32_t pd, const struct eng_sge *sge, unsigned int nsge,
	     uint32_t off, void *data, uint32_t len, bool to_sge)
{
	uint64_t at = 0, end = (uint64_t)off + len;
	uint8_t *host;
	unsigned int i;

	ut.sge_copies++;
	for (i = 0; i < nsge; at += sge[i++].length) {
		uint64_t lo = RTE_MAX(at, (uint64_t)off);
		uint64_t hi = RTE_MIN(at + sge[i].length, end);
		uint8_t *d = (uint8_t *)data + (lo - off);

		if (lo >= hi)
			continue;
		if (eng_mr_check(eng, sge[i].lkey, false, pd, sge[i].addr + (lo - at), hi - lo,
				 to_sge ? ENG_ACCESS_LOCAL_WRITE : 0, &host) != ENG_MR_OK)
			return ENG_WC_LOC_PROT_ERR;
		memmove(to_sge ? host : d, to_sge ? d : host, hi - lo);
	}
	return end <= at ? ENG_WC_SUCCESS : ENG_WC_LOC_LEN_ERR;
}

uint64_t
eng_sge_len(const struct eng_sge *sge, unsigned int nsge)
{
	uint64_t len = 0;

	while (nsge-- > 0)
		len += sge[nsge].length;
	return len;
}

int
eng_mr_invalidate(struct eng *eng, uint32_t key, uint32_t pd)
{
	RTE_SET_USED(eng);
	ck_assert_uint_eq(pd, UT_PD);
	ut.inv_calls++;
	ut.inv_key = key;
	return ut.inv_ret;
}

enum eng_wc_status
eng_mw_bind(struct eng_qp *qp, const struct eng_send_wr *wr)
{
	RTE_SET_USED(qp);
	RTE_SET_USED(wr);
	return ut.local_st;
}

enum eng_wc_status
eng_mr_fast_reg(struct eng_qp *qp, const struct eng_send_wr *wr)
{
	RTE_SET_USED(qp);
	RTE_SET_USED(wr);
	return ut.local_st;
}

/* A retired WQE lets go of what it names: counted, so a test can see every retire. */
void
eng_wr_keys_drop(const struct eng_send_wr *wr)
{
	RTE_SET_USED(wr);
	ut.keys_dropped++;
}

uint64_t
eng_tsc(void)
{
	return ut.now;
}

uint64_t
eng_rnr_cycles(const struct eng *eng, uint8_t code)
{
	RTE_SET_USED(eng);
	ut.rnr_code = code;
	return UT_RNR_CYCLES(code & 31);
}

bool
eng_ecn_may_send(struct eng_qp *qp, uint32_t len)
{
	RTE_SET_USED(qp);
	RTE_SET_USED(len);
	return true;
}

uint32_t
port_path_mtu(const struct port *port)
{
	RTE_SET_USED(port);
	return UT_PORT_PMTU;
}

#ifndef UT_HAVE_RESP
/* The requester sends a deferred ACK first: count it, and how many packets preceded it. */
void
eng_resp_ack_first(struct eng_qp *qp)
{
	if (ut.ack_first++ == 0)
		ut.ack_first_npkt = ut.npkt;
	qp->resp.ack_pending = false;
}
#endif

#endif /* ENG_UT_H */
