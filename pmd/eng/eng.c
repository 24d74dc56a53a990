/* SPDX-License-Identifier: BSD-3-Clause */
/* Engine: slots, receive dispatch to the owning slot, transmit flush, counters, RCU. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include "eng_pvt.h"

RTE_LOG_REGISTER(eng_logtype, droce.eng, INFO);

#define INBOX_SIZE	1024

static const char *const ctr_names[ENG_CTR_MAX] = {
	[ENG_RX_PKTS] = "rx_pkts",
	[ENG_TX_PKTS] = "tx_pkts",
	[ENG_RX_NO_QP] = "rx_no_qp",
	[ENG_RX_BAD_STATE] = "rx_bad_state",
	[ENG_RX_BAD_OPCODE] = "rx_bad_opcode",
	[ENG_RX_HANDOFF] = "rx_handoff",
	[ENG_TX_NO_MBUF] = "tx_no_mbuf",
	[ENG_TX_BUSY] = "tx_busy",
	[ENG_TX_DROPS] = "tx_drops",
	[ENG_RETRANSMIT_TIMEOUTS] = "retransmit_timeouts",
	[ENG_RETRANSMIT_PKTS] = "retransmit_pkts",
	[ENG_DUP_REQUESTS] = "dup_requests",
	[ENG_OUT_OF_SEQ] = "out_of_seq",
	[ENG_ACK_TX] = "ack_tx",
	[ENG_ACK_RX] = "ack_rx",
	[ENG_NAK_SEQ_TX] = "nak_seq_tx",
	[ENG_NAK_SEQ_RX] = "nak_seq_rx",
	[ENG_RNR_NAK_TX] = "rnr_nak_tx",
	[ENG_RNR_NAK_RX] = "rnr_nak_rx",
	[ENG_NAK_ACCESS_TX] = "nak_access_tx",
	[ENG_NAK_ACCESS_RX] = "nak_access_rx",
	[ENG_NAK_INVALID_TX] = "nak_invalid_tx",
	[ENG_NAK_INVALID_RX] = "nak_invalid_rx",
	[ENG_NAK_OPERR_TX] = "nak_operr_tx",
	[ENG_NAK_OPERR_RX] = "nak_operr_rx",
	[ENG_DUP_RESPONSES] = "dup_responses",
	[ENG_CQ_OVERFLOWS] = "cq_overflows",
	[ENG_FAULTS] = "faults",
	[ENG_ECN_CE_RX] = "ecn_ce_rx",
	[ENG_CNP_TX] = "cnp_tx",
	[ENG_CNP_RX] = "cnp_rx",
	[ENG_CC_PACED] = "cc_paced",
	[ENG_RX_PAYLOAD_BYTES] = "rx_payload_bytes",
	[ENG_TX_PAYLOAD_BYTES] = "tx_payload_bytes",
	[ENG_IDLE_YIELDS] = "idle_yields",
	[ENG_POLLS] = "polls",
	[ENG_BUSY_POLLS] = "busy_polls",
	[ENG_TX_BURSTS] = "tx_bursts",
	[ENG_ICRC_CACHE_MISSES] = "icrc_cache_misses",
	[ENG_IRD_EXCEEDED] = "ird_exceeded",
	/* verbs' ibv_wc_status names, lower case */
	[ENG_CQE_FIRST + ENG_WC_SUCCESS] = "cqe_success",
	[ENG_CQE_FIRST + ENG_WC_LOC_LEN_ERR] = "cqe_loc_len_err",
	[ENG_CQE_FIRST + ENG_WC_LOC_PROT_ERR] = "cqe_loc_prot_err",
	[ENG_CQE_FIRST + ENG_WC_WR_FLUSH_ERR] = "cqe_wr_flush_err",
	[ENG_CQE_FIRST + ENG_WC_REM_INV_REQ_ERR] = "cqe_rem_inv_req_err",
	[ENG_CQE_FIRST + ENG_WC_REM_ACCESS_ERR] = "cqe_rem_access_err",
	[ENG_CQE_FIRST + ENG_WC_REM_OP_ERR] = "cqe_rem_op_err",
	[ENG_CQE_FIRST + ENG_WC_RETRY_EXC_ERR] = "cqe_retry_exc_err",
	[ENG_CQE_FIRST + ENG_WC_RNR_RETRY_EXC_ERR] = "cqe_rnr_retry_exc_err",
	[ENG_CQE_FIRST + ENG_WC_MW_BIND_ERR] = "cqe_mw_bind_err",
};

const char *const eng_wc_status_names[ENG_WC_MAX] = {
	[ENG_WC_SUCCESS] = "success",
	[ENG_WC_LOC_LEN_ERR] = "local length error",
	[ENG_WC_LOC_PROT_ERR] = "local protection error",
	[ENG_WC_WR_FLUSH_ERR] = "flushed",
	[ENG_WC_REM_INV_REQ_ERR] = "remote invalid request",
	[ENG_WC_REM_ACCESS_ERR] = "remote access error",
	[ENG_WC_REM_OP_ERR] = "remote operational error",
	[ENG_WC_RETRY_EXC_ERR] = "transport retry counter exceeded",
	[ENG_WC_RNR_RETRY_EXC_ERR] = "RNR retry counter exceeded",
	[ENG_WC_MW_BIND_ERR] = "memory window bind error",
};

const char *const eng_qp_state_names[ENG_QPS_MAX] = {
	[ENG_QPS_RESET] = "RESET",
	[ENG_QPS_INIT] = "INIT",
	[ENG_QPS_RTR] = "RTR",
	[ENG_QPS_RTS] = "RTS",
	[ENG_QPS_SQD] = "SQD",
	[ENG_QPS_SQE] = "SQE",
	[ENG_QPS_ERR] = "ERR",
};

/* IBA table 45: RNR NAK timer field to microseconds (rxe_comp.c rnrnak_usec, roce.md 7.4). */
static const uint32_t rnr_usec[32] = {
	655360, 10, 20, 30, 40, 60, 80, 120, 160, 240, 320, 480, 640, 960, 1280, 1920,
	2560, 3840, 5120, 7680, 10240, 15360, 20480, 30720, 40960, 61440, 81920, 122880,
	163840, 245760, 327680, 491520,
};

int
eng_wc_errno(enum eng_wc_status s)
{
	switch (s) {
	case ENG_WC_SUCCESS:
		return 0;
	case ENG_WC_LOC_LEN_ERR:
		return -EOVERFLOW;
	case ENG_WC_LOC_PROT_ERR:
	case ENG_WC_REM_ACCESS_ERR:
	case ENG_WC_MW_BIND_ERR:
		return -EACCES;
	case ENG_WC_WR_FLUSH_ERR:
		return -ECANCELED;
	case ENG_WC_REM_INV_REQ_ERR:
		return -EINVAL;
	case ENG_WC_RETRY_EXC_ERR:
	case ENG_WC_RNR_RETRY_EXC_ERR:
		return -ETIMEDOUT;
	default:
		return -EREMOTEIO;
	}
}

uint64_t
eng_tsc(void)
{
	return rte_get_tsc_cycles();
}

uint64_t
eng_ack_timeout_cycles(const struct eng *eng, uint8_t timeout)
{
	/* IBA 9.7.6.1.3: 4.096 us * 2^timeout; 0 means the timer is off. */
	if (timeout == 0)
		return 0;
	return (uint64_t)((double)eng->tsc_hz * 4.096e-6 * (double)(1ull << (timeout & 31)));
}

uint64_t
eng_rnr_cycles(const struct eng *eng, uint8_t code)
{
	return eng->tsc_hz / 1000000 * rnr_usec[code & 31];
}

static void
qp_rx(struct eng_qp *qp, struct rte_mbuf *m, const struct roce_pkt *p)
{
	/* The slot counted the packet when it arrived (eng_rx); the QP counts it here, on
	 * its own slot, which is the only writer of its counters. */
	eng_qp_ctr_add(qp, ENG_RX_PKTS, 1);
	eng_qp_ctr_add(qp, ENG_RX_PAYLOAD_BYTES, p->payload_len);
	qp->slot->ctr[ENG_RX_PAYLOAD_BYTES] += p->payload_len;
	/* Annex A17.9: CE means a switch saw congestion on the way here. */
	if ((p->tclass & 3) == 3)
		eng_ecn_ce_rx(qp);
	if (p->op->flags & ROCE_OPF_REQ) {
		eng_resp_rx(qp, m, p);
	} else if (p->op->flags & ROCE_OPF_RESP) {
		eng_comp_rx(qp, m, p);
	} else {
		eng_ecn_cnp_rx(qp);
		rte_pktmbuf_free(m);
	}
}

/* Port receive callback (slot 0 polls the port): run here or hand to the owner. */
static void
eng_rx(void *arg, struct rte_mbuf *m, const struct roce_pkt *p)
{
	struct eng *eng = arg;
	struct eng_slot *s = &eng->slots[0];
	struct eng_qp *qp = eng_qp_lookup(eng, p->dqpn);

	eng_count(s, ENG_RX_PKTS);
	if (qp == NULL) {
		eng_count(s, ENG_RX_NO_QP);
		rte_pktmbuf_free(m);
		return;
	}
	if (qp->slot == s) {
		qp_rx(qp, m, p);
		return;
	}
	eng_count(s, ENG_RX_HANDOFF);
	if (rte_ring_enqueue(qp->slot->inbox, m) != 0)
		rte_pktmbuf_free(m);
}

/* Packets another slot received for our QPs; parsed again (the ICRC was checked). */
static int
drain_inbox(struct eng *eng, struct eng_slot *s)
{
	static const struct roce_parse_ctx ctx = { .mtu = UINT16_MAX, .verify_icrc = false };
	struct rte_mbuf *pkts[ENG_RX_BURST];
	struct roce_pkt p;
	struct eng_qp *qp;
	unsigned int n, i;

	n = rte_ring_dequeue_burst(s->inbox, (void **)pkts, ENG_RX_BURST, NULL);
	for (i = 0; i < n; i++) {
		qp = NULL;
		if (roce_parse_mbuf(pkts[i], &ctx, &p, NULL, NULL) == 0)
			qp = eng_qp_lookup(eng, p.dqpn);
		if (qp == NULL || qp->slot != s) {
			eng_count(s, ENG_RX_NO_QP);
			rte_pktmbuf_free(pkts[i]);
			continue;
		}
		qp_rx(qp, pkts[i], &p);
	}
	return n;
}

/*
 * The ICRCs of the packets queued since the last flush. Taken here rather than as each
 * packet is built: a CRC over bytes just stored waits for the stores to drain, and
 * independent CRCs in a row overlap (a 64 B write's packet, measured here: ~90 cycles
 * built and summed over a masked copy at once, ~31 built a few packets earlier and
 * summed as it is with the cached correction, roce_icrc_cached()).
 */
static void
fill_icrcs(struct eng_slot *s)
{
	uint16_t i;

	for (i = s->icrc_from; i < s->nb_tx; i++) {
		if (s->tx_l3[i] != 0)
			roce_build_icrc_mbuf(s->tx[i], s->tx_l3[i], &s->icrc_cache);
	}
	s->icrc_from = s->nb_tx;
	s->ctr[ENG_ICRC_CACHE_MISSES] = s->icrc_cache.misses;
}

/* Hand queued packets to the device; what it cannot take yet stays queued, in order. */
static void
flush_tx(struct eng *eng, struct eng_slot *s)
{
	uint16_t sent;

	if (s->nb_tx == 0)
		return;
	fill_icrcs(s);
	sent = port_tx_queue(eng->port, s->idx, s->tx, s->nb_tx);
	s->ctr[ENG_TX_PKTS] += sent;
	s->ctr[ENG_TX_BURSTS] += sent != 0;
	if (sent < s->nb_tx)
		memmove(s->tx, s->tx + sent, (s->nb_tx - sent) * sizeof(s->tx[0]));
	s->nb_tx -= sent;
	s->icrc_from = s->nb_tx;
}

bool
eng_slot_tx_room(struct eng_slot *s, unsigned int reserve)
{
	if (s->nb_tx + reserve < ENG_TX_BUF)
		return true;
	flush_tx(s->eng, s);
	return s->nb_tx + reserve < ENG_TX_BUF;
}

void
eng_slot_queue(struct eng_slot *s, struct rte_mbuf *m, uint8_t icrc_l3)
{
	if (!eng_slot_tx_room(s, 0)) {
		eng_count(s, ENG_TX_DROPS);	/* only if a caller ignored the backpressure */
		rte_pktmbuf_free(m);
		return;
	}
	s->tx_l3[s->nb_tx] = icrc_l3;
	s->tx[s->nb_tx++] = m;
	if (s->nb_tx >= ENG_TX_BURST)
		flush_tx(s->eng, s);
}

/* Is the calling thread inside eng_poll()? */
static __thread bool thread_in_poll;

/*
 * Going online: take the slot from whoever else may hold it. That is only a close doing
 * an offline slot's share, which takes a few microseconds and never waits for us.
 */
static void
slot_take(struct eng_slot *s)
{
	uint32_t free;

	do {
		free = ENG_SLOT_FREE;
		if (__atomic_compare_exchange_n(&s->owner, &free, ENG_SLOT_RUNNER, false,
						__ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
			return;
		rte_pause();
	} while (true);
}

int
eng_poll(struct eng *eng, unsigned int slot)
{
	struct eng_slot *s = &eng->slots[slot];
	struct eng_qp *qp, *tmp;
	uint64_t tx_before = s->ctr[ENG_TX_PKTS];	/* work = packets sent this poll */
	int work = 0;

	if (!s->online) {
		slot_take(s);
		rte_rcu_qsbr_thread_online(eng->rcu, slot);
		s->online = true;
		s->runner = pthread_self();
	}
	thread_in_poll = true;
	s->mcache = rte_mempool_default_cache(eng->pool, rte_lcore_id());
	if (slot == 0)
		work += port_poll(eng->port);
	eng_slot_qps_update(s);
	work += drain_inbox(eng, s);
	/*
	 * The timers' clock, read every 8th poll: a read of the TSC was more than half of
	 * an idle poll and 4 % of a 64 B write_bw sender's CPU. Timers then fire up to 8
	 * polls late (a poll takes 0.1-10 us, the timers 10 us to seconds) and never early:
	 * deadlines are set from a fresh read.
	 */
	if ((s->clock_polls++ & 7) == 0)
		s->now = eng_tsc();
	for (qp = TAILQ_FIRST(&s->qps); qp != NULL; qp = tmp) {
		tmp = TAILQ_NEXT(qp, next);
		eng_qp_poll(qp, s->now);
	}
	flush_tx(eng, s);
	work += s->ctr[ENG_TX_PKTS] - tx_before;
	s->ctr[ENG_POLLS]++;
	s->ctr[ENG_BUSY_POLLS] += work != 0;
	s->mcache = NULL;
	thread_in_poll = false;
	/* Nothing of this slot's is referenced past here: a grace period may end. */
	rte_rcu_qsbr_quiescent(eng->rcu, slot);
	if ((s->clock_polls & 7) == 1)
		__atomic_store_n(&s->quiescent_tsc, s->now, __ATOMIC_RELAXED);
	return work;
}

void
eng_slot_offline(struct eng *eng, unsigned int slot)
{
	struct eng_slot *s = &eng->slots[slot];

	if (s->online) {
		rte_rcu_qsbr_thread_offline(eng->rcu, slot);
		s->online = false;
		/* Release: a close that takes the slot now sees all it did. */
		__atomic_store_n(&s->owner, ENG_SLOT_FREE, __ATOMIC_RELEASE);
	}
}

bool
eng_rcu_passed(struct rte_rcu_qsbr *v, uint64_t token)
{
#ifdef DROCE_RCU_SKIP_CHECK
	RTE_SET_USED(v);
	RTE_SET_USED(token);
	return true;
#else
	return rte_rcu_qsbr_check(v, token, false) == 1;
#endif
}

int
eng_thread_slot(const struct eng *eng)
{
	unsigned int i;

	/* Only its runner wrote runner: a thread finds itself, never a torn other. */
	for (i = 0; i < eng->nb_slots; i++)
		if (__atomic_load_n(&eng->slots[i].owner, __ATOMIC_RELAXED) == ENG_SLOT_RUNNER &&
		    pthread_equal(eng->slots[i].runner, pthread_self()))
			return (int)i;
	return -1;
}

bool
eng_thread_in_poll(void)
{
	return thread_in_poll;
}

static int
init_slots(struct eng *eng)
{
	char name[RTE_RING_NAMESIZE];
	unsigned int i;

	for (i = 0; i < eng->nb_slots; i++) {
		struct eng_slot *s = &eng->slots[i];

		s->eng = eng;
		s->idx = i;
		TAILQ_INIT(&s->qps);
		roce_icrc_cache_init(&s->icrc_cache);
		if (snprintf(name, sizeof(name), "%s_in%u", eng->name, i) >= (int)sizeof(name))
			return -ENAMETOOLONG;
		s->inbox = rte_ring_create(name, INBOX_SIZE, SOCKET_ID_ANY, RING_F_SC_DEQ);
		if (snprintf(name, sizeof(name), "%s_ctl%u", eng->name, i) >= (int)sizeof(name))
			return -ENAMETOOLONG;
		s->ctl = rte_ring_create(name, ENG_MAX_QP, SOCKET_ID_ANY, RING_F_SC_DEQ);
		if (s->inbox == NULL || s->ctl == NULL)
			return -rte_errno;
		if (rte_rcu_qsbr_thread_register(eng->rcu, i) != 0)
			return -EINVAL;
	}
	return 0;
}

int
eng_create(const struct eng_conf *conf, struct eng **out)
{
	struct eng *eng;
	size_t sz;
	int ret;

	if (conf == NULL || conf->port == NULL || conf->nb_slots == 0 ||
	    conf->nb_slots > ENG_MAX_SLOTS || conf->nb_slots > port_nb_txq(conf->port) ||
	    conf->name == NULL || strlen(conf->name) >= 16)
		return -EINVAL;
	eng = eng_zalloc("droce_eng", sizeof(*eng), RTE_CACHE_LINE_SIZE);
	if (eng == NULL)
		return -ENOMEM;
	snprintf(eng->name, sizeof(eng->name), "%s", conf->name);
	pthread_mutex_init(&eng->tables_lock, NULL);
	eng->qp_next = ENG_FIRST_QPN;
	eng->port = conf->port;
	eng->req_burst = conf->port != NULL && port_tx_syscall(conf->port) ?
			 ENG_REQ_BURST_SYSCALL : ENG_REQ_BURST;
	eng->pool = port_pool(conf->port);
	eng->nb_slots = conf->nb_slots;
	eng->tsc_hz = rte_get_tsc_hz();
	eng->ecn = !conf->no_ecn;
	eng->idle_yield = conf->idle_yield;
	eng_cc_params_default(&eng->cc_params,
			      (conf->line_mbps ? conf->line_mbps : 100000) * 1e6, eng->tsc_hz);
	/* One reader per slot, and one more for an observer (eng_observe_begin()). */
	sz = rte_rcu_qsbr_get_memsize(conf->nb_slots + 1);
	eng->rcu = eng_zalloc("droce_rcu", sz, RTE_CACHE_LINE_SIZE);
	ret = eng->rcu == NULL ? -ENOMEM : rte_rcu_qsbr_init(eng->rcu, conf->nb_slots + 1);
	ret = ret ?: init_slots(eng);
	if (ret == 0 && rte_rcu_qsbr_thread_register(eng->rcu, conf->nb_slots) != 0)
		ret = -EINVAL;
	if (ret != 0) {
		eng_destroy(eng);
		return ret;
	}
	port_set_roce_rx(conf->port, eng_rx, eng);
	eng_tel_eng_add(eng);
	*out = eng;
	return 0;
}

void
eng_destroy(struct eng *eng)
{
	unsigned int i;

	if (eng == NULL)
		return;
	/* First: when this returns no telemetry request is reading the engine. */
	eng_tel_eng_del(eng);
	eng_stop(eng);
	eng_service_unregister(eng);
	if (eng->port != NULL)
		port_set_roce_rx(eng->port, NULL, NULL);
	for (i = 0; i < eng->nb_slots; i++) {
		struct eng_slot *s = &eng->slots[i];
		struct rte_mbuf *m;

		flush_tx(eng, s);
		rte_pktmbuf_free_bulk(s->tx, s->nb_tx);
		s->nb_tx = 0;
		rte_pktmbuf_free(s->held);
		while (s->inbox != NULL && rte_ring_dequeue(s->inbox, (void **)&m) == 0)
			rte_pktmbuf_free(m);
		rte_ring_free(s->inbox);
		rte_ring_free(s->ctl);
		if (eng->rcu != NULL) {
			eng_slot_offline(eng, i);
			rte_rcu_qsbr_thread_unregister(eng->rcu, i);
		}
	}
	if (eng->rcu != NULL)
		rte_rcu_qsbr_thread_unregister(eng->rcu, eng->nb_slots);
	eng_free(eng->rcu);
	pthread_mutex_destroy(&eng->tables_lock);
	eng_free(eng);
}

struct rte_rcu_qsbr *
eng_rcu(struct eng *eng)
{
	return eng->rcu;
}

void
eng_set_fault_hook(struct eng *eng, eng_fault_cb cb, void *arg)
{
	eng->fault_arg = arg;
	eng->fault_cb = cb;
}

int
eng_xstats(const struct eng *eng, struct pmd_xstat *xs, unsigned int n)
{
	unsigned int c, i;

	for (c = 0; c < ENG_CTR_MAX && c < n; c++) {
		snprintf(xs[c].name, sizeof(xs[c].name), "%s", ctr_names[c]);
		xs[c].value = 0;
		for (i = 0; i < eng->nb_slots; i++)
			xs[c].value += eng->slots[i].ctr[c];
	}
	return ENG_CTR_MAX;
}

uint64_t
eng_xstat(const struct eng *eng, const char *name)
{
	struct pmd_xstat xs[ENG_CTR_MAX];
	int i;

	eng_xstats(eng, xs, ENG_CTR_MAX);
	for (i = 0; i < ENG_CTR_MAX; i++)
		if (strcmp(xs[i].name, name) == 0)
			return xs[i].value;
	return UINT64_MAX;
}

/*
 * The observer is the engine's extra RCU reader: while it is online a grace period cannot
 * end, so a QP it looked up stays allocated (eng_qp_close_poll() frees only after one).
 * Online/offline publish with the ordering rte_rcu_qsbr documents for intermittent
 * readers: an observer that comes online after a close took its token cannot find the QP,
 * which was unpublished before the token.
 */
void
eng_observe_begin(struct eng *eng)
{
	rte_rcu_qsbr_thread_online(eng->rcu, eng->nb_slots);
}

void
eng_observe_end(struct eng *eng)
{
	rte_rcu_qsbr_thread_offline(eng->rcu, eng->nb_slots);
}

const char *
eng_name(const struct eng *eng)
{
	return eng->name;
}

struct port *
eng_get_port(const struct eng *eng)
{
	return eng->port;
}

unsigned int
eng_nb_slots(const struct eng *eng)
{
	return eng->nb_slots;
}

int
eng_slot_info(const struct eng *eng, unsigned int slot, unsigned int *nb_qps)
{
	const struct eng_slot *s = &eng->slots[slot];

	*nb_qps = __atomic_load_n(&s->nb_qps, __ATOMIC_RELAXED);
	return slot < __atomic_load_n(&eng->running, __ATOMIC_RELAXED) ? (int)s->lcore : -1;
}

int
eng_qp_xstats(const struct eng_qp *qp, struct pmd_xstat *xs, unsigned int n)
{
	unsigned int c, count = 0;

	for (c = 0; c < ENG_CTR_MAX; c++) {
		if (ENG_QP_CTR_EXCLUDED & (1ull << c))
			continue;
		if (count < n) {
			snprintf(xs[count].name, sizeof(xs[count].name), "%s", ctr_names[c]);
			/* Relaxed: the slot writes with relaxed stores, never torn. */
			xs[count].value = __atomic_load_n(&qp->ctr[c], __ATOMIC_RELAXED);
		}
		count++;
	}
	return count;
}
