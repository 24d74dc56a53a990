/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * QP objects: numbers, the state machine (IBA 10.3.1), posting from the consumer's thread
 * into single-producer/single-consumer rings the owning slot drains, and flushing.
 *
 * Creating and destroying a QP changes its slot's list, so for now it happens while the
 * slot is not being polled concurrently (tests poll from the creating thread). The
 * RCU-quiesced close of the NDK-style API takes over that rule.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include "eng_pvt.h"

#define DEF_DEPTH	256
#define MAX_DEPTH	16384

struct eng_qp *
eng_qp_lookup(struct eng *eng, uint32_t qpn)
{
	struct eng_qp *qp;

	if (qpn > ROCE_QPN_MASK)
		return NULL;
	/* Acquire: pairs with the publishing release store; a QP's number never changes. */
	qp = __atomic_load_n(&eng->qps[ENG_QPN_IDX(qpn)], __ATOMIC_ACQUIRE);
	return qp != NULL && qp->qpn == qpn ? qp : NULL;
}

struct eng_qp *
eng_qp_get(struct eng *eng, uint32_t qpn)
{
	return eng_qp_lookup(eng, qpn);
}

void
eng_qp_info(const struct eng_qp *qp, struct eng_qp_info *i)
{
	/* attr changes only on modify (control thread); the PSNs move on the slot. */
	*i = (struct eng_qp_info){
		.qpn = qp->qpn, .type = qp->type, .state = eng_qp_state_get(qp),
		.slot = qp->slot->idx,
		.closing = __atomic_load_n(&qp->closing, __ATOMIC_ACQUIRE),
		.dest_qpn = qp->attr.dest_qpn, .path_mtu = qp->attr.path_mtu,
		.sq_psn = __atomic_load_n(&qp->req.psn, __ATOMIC_RELAXED),
		.acked_psn = __atomic_load_n(&qp->req.acked_psn, __ATOMIC_RELAXED),
		.rq_psn = __atomic_load_n(&qp->resp.epsn, __ATOMIC_RELAXED),
		.timeout = qp->attr.timeout, .retry_cnt = qp->attr.retry_cnt,
		.rnr_retry = qp->attr.rnr_retry, .max_rd_atomic = qp->attr.max_rd_atomic,
		.max_dest_rd_atomic = qp->attr.max_dest_rd_atomic,
		.sq_depth = qp->sq_depth, .rq_depth = qp->rq_depth,
		.rate_mbps = qp->cc.rc / 1e6,
	};
	memcpy(i->dmac, qp->attr.dmac, sizeof(i->dmac));
	memcpy(i->sgid, qp->attr.sgid, sizeof(i->sgid));
	memcpy(i->dgid, qp->attr.dgid, sizeof(i->dgid));
}

/*
 * A free index, round robin from where the last one was found, and its next number: a
 * closed QP's number is not given out again until every other index and, for the same
 * index, 4095 generations went by, so completions and packets still about for it never
 * reach its successor (and a peer's CM does not take a new connection for a stale one).
 * Under tables_lock.
 */
static int
alloc_qpn(struct eng *eng)
{
	uint32_t i, idx;

	for (i = 0; i < ENG_MAX_QP; i++) {
		idx = eng->qp_next++ % ENG_MAX_QP;
		if (idx < ENG_FIRST_QPN || eng->qps[idx] != NULL)
			continue;
		return (int)((uint32_t)(eng->qp_gen[idx]++ & 0xfff) << 12 | idx);
	}
	return -ENOSPC;
}

static struct eng_slot *
pick_slot(struct eng *eng, int want)
{
	unsigned int i, best = 0;

	if (want >= 0)
		return (unsigned int)want < eng->nb_slots ? &eng->slots[want] : NULL;
	for (i = 1; i < eng->nb_slots; i++)
		if (__atomic_load_n(&eng->slots[i].nb_qps, __ATOMIC_RELAXED) <
		    __atomic_load_n(&eng->slots[best].nb_qps, __ATOMIC_RELAXED))
			best = i;
	return &eng->slots[best];
}

static int
make_rings(struct eng_qp *qp)
{
	static uint32_t seq;
	char name[RTE_RING_NAMESIZE];
	uint32_t id = __atomic_fetch_add(&seq, 1, __ATOMIC_RELAXED);

	/* Not named by QPN: a closing QP keeps its rings until its grace period ends,
	 * while its number may already serve a new QP. */
	snprintf(name, sizeof(name), "%s_rq%u", qp->eng->name, id);
	qp->rq = rte_ring_create_elem(name, sizeof(struct eng_recv_wr),
				      rte_align32pow2(qp->rq_depth + 1), SOCKET_ID_ANY,
				      RING_F_SP_ENQ | RING_F_SC_DEQ);
	qp->wqe_mask = rte_align32pow2(qp->sq_depth) - 1;
	qp->wqe = eng_zalloc("droce_swqe", sizeof(struct eng_swqe) * (qp->wqe_mask + 1), 0);
	return qp->rq && qp->wqe ? 0 : -ENOMEM;
}

static void
free_qp(struct eng_qp *qp)
{
	uint32_t i;

	/* WQEs that never retired (a QP closed unflushed) let go of what they name. */
	for (i = qp->req.head; qp->wqe != NULL && i != qp->sq.next; i++)
		eng_wr_keys_drop(&eng_swqe(qp, i)->wr);
	rte_ring_free(qp->rq);
	eng_free(qp->wqe);
	eng_free(qp);
}

/* Make qp the QP of number qpn and publish it (under tables_lock). */
static int
publish(struct eng *eng, struct eng_slot *slot, const struct eng_qp_init *init, int qpn,
	struct eng_qp *qp)
{
	*qp = (struct eng_qp){ .eng = eng, .slot = slot, .qpn = qpn, .type = init->type,
			       .ctx = init->ctx,
			       .pd = init->pd, .send_cq = init->send_cq,
			       .recv_cq = init->recv_cq, .srq = init->srq, .state = ENG_QPS_RESET,
			       .sq_depth = init->sq_depth ? init->sq_depth : DEF_DEPTH,
			       .rq_depth = init->rq_depth ? init->rq_depth : DEF_DEPTH };
	if (make_rings(qp) != 0)
		return -ENOMEM;
	/* The slot links it into its list on its own thread (eng_slot_qps_update). */
	if (rte_ring_enqueue(slot->ctl, qp) != 0)
		return -ENOSPC;
	__atomic_fetch_add(&slot->nb_qps, 1, __ATOMIC_RELAXED);
	/* Release: a slot that finds the QP by number sees it initialised. */
	__atomic_store_n(&eng->qps[ENG_QPN_IDX(qpn)], qp, __ATOMIC_RELEASE);
	return 0;
}

int
eng_qp_create(struct eng *eng, const struct eng_qp_init *init, struct eng_qp **out)
{
	struct eng_slot *slot = pick_slot(eng, init->slot);
	struct eng_qp *qp;
	int qpn, ret;

	if (slot == NULL || init->send_cq == NULL || init->recv_cq == NULL ||
	    (init->srq != NULL && init->srq->pd != init->pd) ||
	    init->sq_depth > MAX_DEPTH || init->rq_depth > MAX_DEPTH ||
	    (init->type != ENG_QPT_RC && init->type != ENG_QPT_UD))
		return -EINVAL;
	if (init->qpn != 0 && !(init->qpn == 1 && init->type == ENG_QPT_UD))
		return -EINVAL;
	qp = eng_zalloc("droce_qp", sizeof(*qp), RTE_CACHE_LINE_SIZE);
	if (qp == NULL)
		return -ENOMEM;
	pthread_mutex_lock(&eng->tables_lock);
	/* QP1 exists once per engine, for connection management over UD. */
	if (init->qpn == 1)
		qpn = eng->qps[1] == NULL ? 1 : -EBUSY;
	else
		qpn = alloc_qpn(eng);
	ret = qpn < 0 ? qpn : publish(eng, slot, init, qpn, qp);
	pthread_mutex_unlock(&eng->tables_lock);
	if (ret != 0) {
		free_qp(qp);
		return ret;
	}
	*out = qp;
	return 0;
}


void
eng_slot_qps_update(struct eng_slot *s)
{
	struct eng_qp *qp;

	while (rte_ring_dequeue(s->ctl, (void **)&qp) == 0) {
		if (__atomic_load_n(&qp->closing, __ATOMIC_ACQUIRE)) {
			/* Closed before the slot took it: still flush what was posted. */
			eng_qp_to_error(qp);
			__atomic_store_n(&qp->unlinked, true, __ATOMIC_RELEASE);
		} else {
			TAILQ_INSERT_TAIL(&s->qps, qp, next);
		}
	}
}

/* The slot drops a closing QP from its list; its memory stays until the grace period. */
static bool
unlink_if_closing(struct eng_qp *qp, bool flush)
{
	if (!__atomic_load_n(&qp->closing, __ATOMIC_ACQUIRE))
		return false;
	/* Every request still queued completes as flushed before the QP goes (IBA 10.3.1):
	 * a close is a flush the consumer never has to ask for. */
	if (flush)
		eng_qp_to_error(qp);
	TAILQ_REMOVE(&qp->slot->qps, qp, next);
	__atomic_fetch_sub(&qp->slot->nb_qps, 1, __ATOMIC_RELAXED);
	/* Release: after this store the slot never touches the QP again. */
	__atomic_store_n(&qp->unlinked, true, __ATOMIC_RELEASE);
	return true;
}

void
eng_qp_close_start(struct eng_qp *qp)
{
	/* Unpublish first: receive dispatch stops finding it. */
	pthread_mutex_lock(&qp->eng->tables_lock);
	__atomic_store_n(&qp->eng->qps[ENG_QPN_IDX(qp->qpn)], NULL, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&qp->eng->tables_lock);
	__atomic_store_n(&qp->closing, true, __ATOMIC_RELEASE);
}

int
eng_qp_close_wait(const struct eng_qp *qp, char *buf, size_t len)
{
	const struct eng_slot *s = qp->slot;
	uint64_t now = rte_get_tsc_cycles(), hz = rte_get_tsc_hz();
	unsigned int i;
	int n;

	if (!__atomic_load_n(&qp->unlinked, __ATOMIC_ACQUIRE))
		return snprintf(buf, len, "slot %u (%s) to unlink QP %#x", s->idx,
				__atomic_load_n(&s->owner, __ATOMIC_RELAXED) == ENG_SLOT_FREE ?
				"offline" : "online", qp->qpn);
	n = snprintf(buf, len, "a grace period of QP %#x:", qp->qpn);
	for (i = 0; i < qp->eng->nb_slots && n >= 0 && (size_t)n < len; i++) {
		const struct eng_slot *o = &qp->eng->slots[i];
		uint64_t qs = __atomic_load_n(&o->quiescent_tsc, __ATOMIC_RELAXED);

		if (__atomic_load_n(&o->owner, __ATOMIC_RELAXED) == ENG_SLOT_RUNNER)
			n += snprintf(buf + n, len - n, " slot %u last quiescent %" PRIu64
				      " ms ago", i, qs != 0 && now > qs ? (now - qs) * 1000 / hz :
									0);
	}
	return n;
}

/*
 * The share of a close an offline slot would do on its next poll, done by the closer:
 * link the QPs made for it, unlink the closing ones (flushing what they hold). Only while
 * the slot is offline, holding it so it cannot come back meanwhile: a slot whose thread
 * stopped polling (an application's thread that blocks, a paused service) never holds up
 * a close. Control thread.
 */
static void
offline_share(struct eng_slot *s)
{
	uint32_t free = ENG_SLOT_FREE;
	struct eng_qp *qp, *tmp;

	/* Acquire: see everything the slot did before it went offline. */
	if (!__atomic_compare_exchange_n(&s->owner, &free, ENG_SLOT_CLOSER, false,
					 __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return;		/* polled: its own thread does it */
	eng_slot_qps_update(s);
	for (qp = TAILQ_FIRST(&s->qps); qp != NULL; qp = tmp) {
		tmp = TAILQ_NEXT(qp, next);
		unlink_if_closing(qp, true);
	}
	/* Release: the slot, back online, sees the list as left here. */
	__atomic_store_n(&s->owner, ENG_SLOT_FREE, __ATOMIC_RELEASE);
}

bool
eng_qp_close_poll(struct eng_qp *qp)
{
	struct rte_rcu_qsbr *v = qp->eng->rcu;

	if (!__atomic_load_n(&qp->unlinked, __ATOMIC_ACQUIRE))
		offline_share(qp->slot);
	if (!__atomic_load_n(&qp->unlinked, __ATOMIC_ACQUIRE))
		return false;
	/* A slot that looked the QP up before it was unpublished may still hold it. */
	if (!qp->token_valid) {
		qp->token = rte_rcu_qsbr_start(v);
		qp->token_valid = true;
	}
	if (!eng_rcu_passed(v, qp->token))
		return false;
	free_qp(qp);
	return true;
}

void
eng_qp_destroy(struct eng_qp *qp)
{
	if (qp == NULL)
		return;
	eng_qp_close_start(qp);
	/* No grace period here: a telemetry request that found it must be done first. */
	eng_tel_quiesce();
	/* No thread polls the slot: do its part here. */
	eng_slot_qps_update(qp->slot);
	if (!qp->unlinked)
		unlink_if_closing(qp, false);
	free_qp(qp);
}

uint32_t
eng_qp_num(const struct eng_qp *qp)
{
	return qp->qpn;
}

double
eng_qp_rate_mbps(const struct eng_qp *qp)
{
	return qp->cc.rc / 1e6;
}

enum eng_qp_state
eng_qp_state(const struct eng_qp *qp)
{
	return eng_qp_state_get(qp);
}

static void
set_state(struct eng_qp *qp, enum eng_qp_state st)
{
	/* Release: posters and other slots that see the state see the fields set before. */
	__atomic_store_n(&qp->state, st, __ATOMIC_RELEASE);
}

/* rdma_calc_flow_label + rdma_flow_label_to_udp_sport (roce.md 7.1): entropy in 0xC000+. */
static uint16_t
udp_sport(uint32_t lqpn, uint32_t rqpn)
{
	uint64_t v = (uint64_t)lqpn * rqpn;
	uint32_t fl;

	v ^= v >> 20;
	v ^= v >> 40;
	fl = v & 0xfffff;
	return (uint16_t)(((fl & 0x3fff) ^ ((fl & 0xfc000) >> 14)) | 0xc000);
}

static int
check_path(const struct eng_qp *qp, const struct eng_qp_attr *a)
{
	uint32_t pmtu = a->path_mtu ? a->path_mtu : port_path_mtu(qp->eng->port);

	if (qp->type == ENG_QPT_UD)
		return 0;
	if (pmtu < 256 || pmtu > port_path_mtu(qp->eng->port) || (pmtu & (pmtu - 1)))
		return -EINVAL;
	if (a->dest_qpn > ROCE_QPN_MASK || a->rq_psn > ROCE_PSN_MASK ||
	    a->max_dest_rd_atomic > ENG_MAX_RD_ATOMIC)
		return -EINVAL;
	return 0;
}

static int
to_rtr(struct eng_qp *qp, const struct eng_qp_attr *a)
{
	int ret = check_path(qp, a);

	if (ret != 0)
		return ret;
	qp->attr = *a;
	if (qp->attr.path_mtu == 0)
		qp->attr.path_mtu = port_path_mtu(qp->eng->port);
	qp->sport = udp_sport(qp->qpn, qp->type == ENG_QPT_UD ? qp->qpn : a->dest_qpn);
	eng_qp_tmpl_init(qp);
	memset(&qp->resp, 0, sizeof(qp->resp));
	qp->resp.epsn = a->rq_psn;
	return 0;
}

static int
to_rts(struct eng_qp *qp, const struct eng_qp_attr *a)
{
	if (a->sq_psn > ROCE_PSN_MASK || a->retry_cnt > 7 || a->rnr_retry > 7 ||
	    a->timeout > 31 || a->max_rd_atomic > ENG_MAX_RD_ATOMIC)
		return -EINVAL;
	qp->attr.sq_psn = a->sq_psn;
	qp->attr.timeout = a->timeout;
	qp->attr.retry_cnt = a->retry_cnt;
	qp->attr.rnr_retry = a->rnr_retry;
	qp->attr.max_rd_atomic = a->max_rd_atomic ? a->max_rd_atomic : 1;
	qp->req.psn = a->sq_psn;
	qp->req.acked_psn = a->sq_psn;
	qp->req.sent_end = a->sq_psn;
	qp->req.resend_until = a->sq_psn;	/* nothing sent yet is a retransmission */
	qp->req.resending = false;
	qp->req.rto_cycles = eng_ack_timeout_cycles(qp->eng, a->timeout);
	eng_cc_init(&qp->cc, &qp->eng->cc_params);
	return 0;
}

static void
reset(struct eng_qp *qp)
{
	memset(&qp->resp, 0, sizeof(qp->resp));
	memset(&qp->req, 0, sizeof(qp->req));
	memset(&qp->sq, 0, sizeof(qp->sq));
}

int
eng_qp_modify(struct eng_qp *qp, const struct eng_qp_attr *a)
{
	enum eng_qp_state cur = eng_qp_state_get(qp);
	int ret = 0;

	/* The slot sees ERR on its next poll and flushes: queue state is the slot's. */
	if (a->state == ENG_QPS_ERR) {
		set_state(qp, ENG_QPS_ERR);
		return 0;
	}
	if (a->state == ENG_QPS_INIT && cur == ENG_QPS_RESET)
		qp->attr.access = a->access;
	else if (a->state == ENG_QPS_RTR && cur == ENG_QPS_INIT)
		ret = to_rtr(qp, a);
	else if (a->state == ENG_QPS_RTS && cur == ENG_QPS_RTR)
		ret = to_rts(qp, a);
	else if (a->state == ENG_QPS_RESET && (cur == ENG_QPS_ERR || cur == ENG_QPS_RESET))
		reset(qp);
	else
		ret = -EINVAL;
	if (ret == 0)
		set_state(qp, a->state);
	return ret;
}

/*
 * A WR's checks. in_place: built in its queue entry (eng_post_send_begin()), where an
 * inline WR's bytes are in inline_data already; else the caller's form, whose SGEs point
 * at them.
 */
static bool
wr_valid(const struct eng_qp *qp, const struct eng_send_wr *wr, bool in_place)
{
	if (wr->opcode >= ENG_WR_MAX || wr->num_sge > ENG_MAX_SGE)
		return false;
	if (qp->type == ENG_QPT_UD && wr->opcode != ENG_WR_SEND && wr->opcode != ENG_WR_SEND_IMM)
		return false;
	if ((wr->opcode == ENG_WR_CMP_SWAP || wr->opcode == ENG_WR_FETCH_ADD) &&
	    (eng_sge_len(wr->sge, wr->num_sge) != 8 || (wr->remote_addr & 7) != 0))
		return false;
	if (!(wr->flags & ENG_WR_INLINE))
		return true;
	return wr->opcode <= ENG_WR_WRITE_IMM &&
	       (in_place ? wr->inline_len : eng_sge_len(wr->sge, wr->num_sge)) <= ENG_MAX_INLINE;
}

/* A caller's WR into its queue entry: inline data read now (the buffers may be reused
 * once the post returns). Only the bytes that mean something are copied. */
static void
copy_wr(struct eng_qp *qp, const struct eng_send_wr *wr, struct eng_send_wr *dst)
{
	unsigned int i;

	memcpy(dst, wr, eng_wr_head_len(wr));
	if (!(wr->flags & ENG_WR_INLINE))
		return;
	dst->inline_len = 0;
	for (i = 0; i < wr->num_sge; i++) {
		memcpy(dst->inline_data + dst->inline_len,
		       eng_sge_inline_src(qp->eng, &wr->sge[i]), wr->sge[i].length);
		dst->inline_len += wr->sge[i].length;
	}
}

void
eng_post_doorbell(struct eng_qp *qp)
{
	/* Release: the slot that sees prod sees the WRs before it. */
	if (qp->sq.prod != qp->sq.next)
		__atomic_store_n(&qp->sq.prod, qp->sq.next, __ATOMIC_RELEASE);
}

int
eng_post_send_begin(struct eng_qp *qp, struct eng_send_wr **wr)
{
	struct eng_sq *sq = &qp->sq;
	int ret = 0;

	/* Posting is allowed from RTS on; in ERR the WR completes as flushed (IBA 10.8.3). */
	if (eng_qp_state_get(qp) < ENG_QPS_RTS) {
		ret = -ENOTCONN;
	} else if (sq->next - sq->head_seen >= qp->sq_depth) {
		/* Acquire: the slot is done with the entries it completed. */
		sq->head_seen = __atomic_load_n(&qp->req.head, __ATOMIC_ACQUIRE);
		if (sq->next - sq->head_seen >= qp->sq_depth)
			ret = -ENOMEM;
	}
	if (ret != 0) {
		eng_post_doorbell(qp);
		return ret;
	}
	*wr = &eng_swqe(qp, sq->next)->wr;
	return 0;
}

/* The WR at sq.next enters the queue; the doorbell rings unless it is deferred. */
static void
enqueue(struct eng_qp *qp, bool defer)
{
	/* A bind or fast-register WQE keeps what it names until it retires. */
	eng_wr_keys_hold(&eng_swqe(qp, qp->sq.next)->wr);
	qp->sq.next++;
	if (!defer || qp->sq.next - qp->sq.prod >= ENG_DEFER_MAX)
		eng_post_doorbell(qp);
}

int
eng_post_send_end(struct eng_qp *qp, bool defer)
{
	if (!wr_valid(qp, &eng_swqe(qp, qp->sq.next)->wr, true)) {
		eng_post_doorbell(qp);
		return -EINVAL;
	}
	enqueue(qp, defer);
	return 0;
}

int
eng_post_send_defer(struct eng_qp *qp, const struct eng_send_wr *wr, bool defer)
{
	struct eng_send_wr *dst;
	int ret = eng_post_send_begin(qp, &dst);

	if (ret == -ENOTCONN)
		return ret;
	if (!wr_valid(qp, wr, false)) {
		eng_post_doorbell(qp);
		return -EINVAL;
	}
	if (ret != 0)
		return ret;
	copy_wr(qp, wr, dst);
	enqueue(qp, defer);
	return 0;
}

int
eng_post_send(struct eng_qp *qp, const struct eng_send_wr *wr)
{
	return eng_post_send_defer(qp, wr, false);
}

int
eng_post_recv(struct eng_qp *qp, const struct eng_recv_wr *wr)
{
	struct rte_ring_zc_data zcd;

	if (eng_qp_state_get(qp) == ENG_QPS_RESET)
		return -ENOTCONN;
	if (wr->num_sge > ENG_MAX_SGE || qp->srq != NULL)
		return -EINVAL;
	/* In place and only the SGEs used, as the send queue (the RQ ring is SP/SC). */
	if (rte_ring_enqueue_zc_bulk_elem_start(qp->rq, sizeof(*wr), 1, &zcd, NULL) != 1)
		return -ENOMEM;
	eng_recv_wr_copy_used(zcd.ptr1, wr);
	rte_ring_enqueue_zc_elem_finish(qp->rq, 1);
	return 0;
}

/* The next receive WR of the QP's own RQ, copied in place (eng_recv_wr_copy_used()). */
static bool
rq_take(struct eng_qp *qp, struct eng_recv_wr *wr)
{
	struct rte_ring_zc_data zcd;

	if (rte_ring_dequeue_zc_bulk_elem_start(qp->rq, sizeof(*wr), 1, &zcd, NULL) != 1)
		return false;
	eng_recv_wr_copy_used(wr, zcd.ptr1);
	rte_ring_dequeue_zc_elem_finish(qp->rq, 1);
	return true;
}

/* An SRQ's ring has many consumers (no zero-copy API): a plain copy. */
bool
eng_rq_take(struct eng_qp *qp, struct eng_recv_wr *wr)
{
	if (qp->srq != NULL)
		return rte_ring_dequeue_elem(qp->srq->ring, wr, sizeof(*wr)) == 0;
	return rq_take(qp, wr);
}

/* Every posted receive completes as flushed (IBA 10.3.1 error state). */
static void
flush_rq(struct eng_qp *qp)
{
	struct eng_recv_wr wr;
	struct eng_cqe cqe;

	/* An SRQ's WQEs belong to every QP attached: they stay (IBA 10.2.9.5). */
	while (rq_take(qp, &wr)) {
		cqe = (struct eng_cqe){ .wr_id = wr.wr_id, .qpn = qp->qpn,
					.status = ENG_WC_WR_FLUSH_ERR, .opcode = ENG_WC_RECV };
		eng_cq_push(qp, qp->recv_cq, &cqe);
	}
}

void
eng_qp_to_error(struct eng_qp *qp)
{
	set_state(qp, ENG_QPS_ERR);
	eng_req_flush(qp);
	eng_resp_flush(qp);
	flush_rq(qp);
}

void
eng_qp_poll(struct eng_qp *qp, uint64_t now)
{
	if (unlink_if_closing(qp, true))
		return;
	switch (eng_qp_state_get(qp)) {
	case ENG_QPS_ERR:
		/* Whatever is still queued, or posted after the error, completes as flushed. */
		eng_req_flush(qp);
		eng_resp_flush(qp);
		flush_rq(qp);
		break;
	case ENG_QPS_RTS:
	case ENG_QPS_SQD:
		eng_cc_tick(&qp->cc, &qp->eng->cc_params, now);
		eng_req_timers(qp, now);
		/*
		 * What we owe the peer first: READ responses, and the coalesced ACK of what
		 * earlier polls received; the ACK of this poll's packets waits for the next
		 * poll unless a request of ours goes first (eng_resp_ack_first()): a
		 * reply must not overtake the ACK of the request it answers (perftest -e
		 * on rxe waited for its send completion's event after taking the
		 * receive's, and hung 1 run in 3).
		 */
		eng_resp_progress(qp);
		eng_req_progress(qp);
		break;
	case ENG_QPS_RTR:
	case ENG_QPS_SQE:
		eng_resp_progress(qp);
		break;
	default:
		break;
	}
}
