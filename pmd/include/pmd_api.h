/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PMD_API_H
#define PMD_API_H

/*
 * The contract between lib/ (the public API) and the datapath: lib/ includes this header
 * and nothing else of pmd/ (its meson units see only pmd/include). It declares the port
 * (pmd/port: attach, addresses, neighbours, counters) and the engine (pmd/eng: slots, QPs,
 * CQs, MRs, MWs, SRQs, work requests). Return values follow the project rule: >= 0
 * success (a count where useful), negative errno on failure.
 *
 * Threading: a port is owned by the one thread that polls it (port_poll(), or slot 0
 * of the engine on it); every function taking a port is called from that thread unless it
 * says otherwise. The engine's threading is described with its part below.
 */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct roce_pkt;
struct port;

#define PORT_MAX_ADDRS	16	/* GID table size */
#define PMD_XSTAT_NAME_LEN	64

struct port_conf {
	uint16_t nb_rxq;		/* 0 = 1 */
	uint16_t nb_txq;		/* 0 = 1 */
	uint16_t nb_rxd;		/* 0 = 1024, clamped to the device's limits */
	uint16_t nb_txd;		/* 0 = 1024, clamped to the device's limits */
	uint32_t nb_mbufs;		/* 0 = 8192 */
	uint16_t mtu;			/* IP MTU; 0 = 1500 or the device maximum if lower */
	bool set_mac;			/* use mac[] instead of the device's address */
	uint8_t mac[6];
	uint8_t neigh_tries;		/* ARP/NS requests before giving up; 0 = 3 */
	uint16_t neigh_retry_ms;	/* between requests, and failure hold; 0 = 1000 */
};

struct pmd_xstat {
	char name[PMD_XSTAT_NAME_LEN];
	uint64_t value;
};

/*
 * Attach a DPDK ethdev. devargs names a device already probed (e.g. a --vdev given to the
 * EAL, a net_ring made with rte_eth_from_rings) or one to hot-plug ("net_memif0,role=...",
 * "net_af_packet0,iface=veth0", a PCI address). Configures queues and an mbuf pool, starts
 * the device. Returns 0 and *out, or -ENODEV (no such device), -EBUSY (already attached),
 * -EINVAL (bad conf), -ENOMEM, or the ethdev's error.
 */
int port_attach(const char *devargs, const struct port_conf *conf,
		    struct port **out);
/*
 * devargs as attach probes them: net_af_xdp gets busy_budget=0 unless they name one (see
 * port.c). Writes out (len bytes); -ENAMETOOLONG if they do not fit.
 */
#define PORT_DEVARGS_MAX	1100
int port_devargs(const char *devargs, char *out, size_t len);
int port_attach_id(uint16_t port_id, const struct port_conf *conf,
		       struct port **out);
/* Stop the device and free everything; hot-plugged devices are removed again. */
void port_detach(struct port *port);

uint16_t port_ethdev_id(const struct port *port);
void port_mac(const struct port *port, uint8_t mac[6]);
uint16_t port_mtu(const struct port *port);
/* The RoCE path MTU in bytes: 256..4096, derived from the port MTU as Linux rxe does. */
uint32_t port_path_mtu(const struct port *port);

/*
 * GID table. addr is 16 bytes (IPv4 as ::ffff:a.b.c.d). Index 0 holds the IPv6 link-local
 * address made from the MAC (as Linux does). add returns the new index, -EEXIST, -ENOSPC
 * or -EINVAL (prefix too long, unspecified or multicast address).
 */
int port_addr_add(struct port *port, const uint8_t addr[16], uint8_t prefix_len);
int port_addr_del(struct port *port, const uint8_t addr[16]);
/* The used entries in table order (their indexes are lost); fills up to n of them. */
int port_addrs(const struct port *port, uint8_t (*addrs)[16], uint8_t *prefix_lens,
		   unsigned int n);

/*
 * One poll iteration: receive a burst on every queue, answer ARP/ND/ICMP echo, hand RoCEv2
 * frames to the RoCE handler, count and drop the rest, run neighbour timers.
 * Returns the number of frames handled (0 = idle).
 */
int port_poll(struct port *port);

/*
 * Resolve a neighbour's MAC (ARP for IPv4-mapped addresses, ND for IPv6). Returns 0 and
 * mac; -EAGAIN while a resolution is in flight (it was started if needed); -EHOSTUNREACH
 * when the peer did not answer any of the tries (kept for a hold time, then retried);
 * -ENETUNREACH when the port has no address of that family; -ENOSPC when the table is
 * full; -EINVAL for an unspecified or multicast address.
 */
int port_neigh_resolve(struct port *port, const uint8_t addr[16], uint8_t mac[6]);
/*
 * The same from any thread (a control thread): the polling thread sends the requests on
 * its next timer scan. Never blocks for longer than a table lookup.
 */
int port_neigh_resolve_mt(struct port *port, const uint8_t addr[16], uint8_t mac[6]);

/* Print the neighbour table (address, MAC, state), one entry a line. */
void port_neigh_dump(const struct port *port, FILE *f);

/*
 * Counters as name/value pairs: the port's own, one per RoCE drop reason (roce_drop_*),
 * and the device's losses (dev_*). Returns the number of counters; fills up to n.
 */
int port_xstats(const struct port *port, struct pmd_xstat *xs, unsigned int n);

/* ---- The engine (pmd/eng) ---- */

/*
 * The RoCEv2 engine: an engine owns one port and a set of poll slots. Each slot is run by
 * one thread (an EAL lcore, a service core, or a test calling eng_poll() itself) and owns
 * the QPs assigned to it: their transport state is touched only from that slot. The QP, MR
 * and CQ tables are published with release stores and read without locks; every slot is
 * an rte_rcu_qsbr reader that reports a quiescent state at the end of each eng_poll().
 *
 * Return values: >= 0 success, negative errno failure.
 */

struct eng;
struct eng_qp;
struct eng_cq;
struct eng_mr;
struct eng_mw;
struct eng_srq;
struct rte_rcu_qsbr;

#define ENG_MAX_SLOTS		8
#define ENG_MAX_SGE		16
#define ENG_MAX_INLINE		256
/*
 * QPs of an engine at once. A QP number is 24 bits: its table index (2..ENG_MAX_QP-1; 0 and
 * 1 are the SMI and GSI QPs) in the low 12, a generation above, and indexes are taken
 * round robin: a number is not used again for a long while after its QP closed.
 */
#define ENG_MAX_QP		4096
#define ENG_MAX_MR		4096	/* keys: MRs and memory windows together */
#define ENG_MAX_RD_ATOMIC	128	/* largest ORD / IRD (rxe's; ConnectX offers 16) */
#define ENG_MAX_FR_PAGES	(1u << 20)	/* 4 KiB pages of a fast-register MR (4 GiB) */

/* Work request opcodes (IBA 10.8.3 / verbs ibv_wr_opcode). */
enum eng_wr_opcode {
	ENG_WR_SEND,
	ENG_WR_SEND_IMM,
	ENG_WR_SEND_INV,
	ENG_WR_WRITE,
	ENG_WR_WRITE_IMM,
	ENG_WR_READ,
	ENG_WR_CMP_SWAP,
	ENG_WR_FETCH_ADD,
	ENG_WR_LOCAL_INV,
	ENG_WR_BIND_MW,			/* bind wr->bind.mw to a range of wr->bind.mr */
	ENG_WR_REG_MR,			/* fast-register wr->reg.mr (eng_mr_alloc_fr()) */
	ENG_WR_MAX
};

#define ENG_WR_SIGNALED		(1u << 0)	/* completion even on success */
#define ENG_WR_FENCE		(1u << 1)	/* wait for earlier READ/atomic (IBA 10.8.3.3) */
#define ENG_WR_SOLICITED	(1u << 2)	/* BTH SE on the last packet */
#define ENG_WR_INLINE		(1u << 3)	/* data copied at post time */

struct eng_sge {
	uint64_t addr;
	uint32_t length;
	uint32_t lkey;
};

struct eng_send_wr {
	uint64_t wr_id;
	uint8_t opcode;			/* enum eng_wr_opcode */
	uint8_t flags;			/* ENG_WR_* */
	uint8_t num_sge;
	uint8_t rsvd;
	uint32_t imm;			/* immediate data, wire byte order */
	uint32_t inv_rkey;		/* SEND_INV, LOCAL_INV */
	uint32_t rkey;
	uint64_t remote_addr;
	uint64_t compare_add;		/* CMP_SWAP compare, FETCH_ADD add */
	uint64_t swap;
	/*
	 * ENG_WR_INLINE: eng_post_send() copies the bytes the SGEs point at into
	 * inline_data (lkeys are not checked, as verbs do) and sets inline_len; the
	 * caller leaves both alone and may reuse its buffers once the call returns. A WR
	 * built in place (eng_post_send_begin()) has its bytes in inline_data and their
	 * count in inline_len instead, and no SGEs.
	 */
	uint32_t inline_len;
	/*
	 * One of these, by opcode and QP type: overlaid they take 48 bytes instead of 136,
	 * and the head of a WR is what is written and read of it.
	 */
	union {
		struct {		/* UD: where the datagram goes (an address handle) */
			uint8_t dmac[6];
			uint8_t dgid[16];
			uint8_t sgid[16];	/* our address to send from; all zero = the QP's */
			uint32_t dest_qpn;
			uint32_t qkey;
		} ud;
		/*
		 * ENG_WR_BIND_MW (IBA 10.6.7.2, type 2): mw grants access (the ENG_ACCESS_REMOTE_*
		 * bits of access; others are ignored) to [addr, addr + length) of mr, addresses in
		 * mr's address space. Fails with
		 * ENG_WC_MW_BIND_ERR when the range is not inside mr, remote write or atomic access
		 * is asked of an MR without local write, mr is not valid, mr, mw and the QP are not
		 * all of one PD, mr is the privileged MR, or mw is bound (invalidate it first). The
		 * window keeps its key.
		 */
		struct {
			struct eng_mw *mw;
			struct eng_mr *mr;
			uint64_t addr;
			uint64_t length;
			uint32_t access;
		} bind;
		/*
		 * ENG_WR_REG_MR (fast registration, IBA 10.6.3): mr (from eng_mr_alloc_fr()) covers
		 * [va, va + length) in the address space peers and SGEs use, backed by the process
		 * memory at mem: an access at address x touches mem + (x - va). access is
		 * ENG_ACCESS_* (remote write or atomic need local write too; atomics need
		 * (mem - va) % 8 == 0). Fails with ENG_WC_LOC_PROT_ERR when mr is still valid
		 * (invalidate it first), length > max_pages * 4096, remote access is asked of an MR
		 * allocated without it, mr is of another PD than the QP, or a range wraps.
		 */
		struct {
			struct eng_mr *mr;
			uint64_t mem;
			uint64_t va;
			uint64_t length;
			uint32_t access;
		} reg;
	};
	struct eng_sge sge[ENG_MAX_SGE];
	uint8_t inline_data[ENG_MAX_INLINE];
};

struct eng_recv_wr {
	uint64_t wr_id;
	uint32_t num_sge;
	struct eng_sge sge[ENG_MAX_SGE];
};

/* Completion status, as IBA 11.6.2 / verbs ibv_wc_status name them. */
enum eng_wc_status {
	ENG_WC_SUCCESS,
	ENG_WC_LOC_LEN_ERR,		/* receive buffer too small */
	ENG_WC_LOC_PROT_ERR,		/* bad lkey, or access outside the local MR */
	ENG_WC_WR_FLUSH_ERR,		/* flushed: the QP went to the error state */
	ENG_WC_REM_INV_REQ_ERR,		/* NAK invalid request */
	ENG_WC_REM_ACCESS_ERR,		/* NAK remote access error */
	ENG_WC_REM_OP_ERR,		/* NAK remote operational error */
	ENG_WC_RETRY_EXC_ERR,		/* transport retry counter exceeded */
	ENG_WC_RNR_RETRY_EXC_ERR,	/* RNR retry counter exceeded */
	ENG_WC_MW_BIND_ERR,		/* memory window bind refused (IBA 10.6.7.2) */
	ENG_WC_MAX
};

extern const char *const eng_wc_status_names[ENG_WC_MAX];
/* The errno a completion status maps to (0, -ECANCELED, -ETIMEDOUT, -EACCES, ...). */
int eng_wc_errno(enum eng_wc_status s);

enum eng_wc_opcode {
	ENG_WC_SEND,
	ENG_WC_WRITE,
	ENG_WC_READ,
	ENG_WC_CMP_SWAP,
	ENG_WC_FETCH_ADD,
	ENG_WC_LOCAL_INV,
	ENG_WC_RECV,
	ENG_WC_RECV_WRITE_IMM,
	ENG_WC_BIND_MW,
	ENG_WC_REG_MR,
};

#define ENG_WC_WITH_IMM		(1u << 0)
#define ENG_WC_WITH_INV		(1u << 1)
#define ENG_WC_SOLICITED	(1u << 2)	/* the message carried BTH SE */

struct eng_cqe {
	uint64_t wr_id;
	uint64_t qp_ctx;		/* the QP's eng_qp_init.ctx, taken when pushed */
	uint32_t byte_len;		/* receives: bytes placed; sends: the WR's length */
	uint32_t qpn;
	uint32_t imm;			/* wire byte order, valid with ENG_WC_WITH_IMM */
	uint32_t inv_rkey;		/* valid with ENG_WC_WITH_INV */
	uint32_t src_qp;		/* UD receives */
	uint8_t status;			/* enum eng_wc_status */
	uint8_t opcode;			/* enum eng_wc_opcode */
	uint8_t flags;			/* ENG_WC_WITH_* */
	uint8_t rsvd;
	uint8_t smac[6];		/* UD receives: the sender's MAC (verbs wc.smac) */
};

/* Memory access rights (verbs IBV_ACCESS_*). */
#define ENG_ACCESS_LOCAL_WRITE		(1u << 0)
#define ENG_ACCESS_REMOTE_WRITE		(1u << 1)
#define ENG_ACCESS_REMOTE_READ		(1u << 2)
#define ENG_ACCESS_REMOTE_ATOMIC	(1u << 3)
/*
 * The key may be invalidated by LOCAL_INV or a peer's SEND with invalidate (IBA 10.6.7).
 * Memory windows and fast-register MRs always may be; the privileged MR never.
 */
#define ENG_ACCESS_INVALIDATE		(1u << 4)

enum eng_qp_type {
	ENG_QPT_RC,
	ENG_QPT_UD,
};

enum eng_qp_state {
	ENG_QPS_RESET,
	ENG_QPS_INIT,
	ENG_QPS_RTR,
	ENG_QPS_RTS,
	ENG_QPS_SQD,
	ENG_QPS_SQE,
	ENG_QPS_ERR,
	ENG_QPS_MAX
};

extern const char *const eng_qp_state_names[ENG_QPS_MAX];

struct eng_qp_init {
	enum eng_qp_type type;
	uint32_t pd;
	struct eng_cq *send_cq;
	struct eng_cq *recv_cq;
	struct eng_srq *srq;		/* receives come from this SRQ; NULL = own RQ */
	uint32_t sq_depth;		/* power of two not required; 0 = 256 */
	uint32_t rq_depth;		/* 0 = 256 */
	int slot;			/* owning poll slot; -1 = least loaded */
	uint32_t qpn;			/* 0 = any; 1 = the GSI QP (UD, IBA 10.2.4) */
	uint64_t ctx;			/* the creator's, in every completion of the QP */
};

/* The path to the peer and the transport parameters, set on INIT->RTR->RTS. */
struct eng_qp_attr {
	enum eng_qp_state state;
	uint32_t dest_qpn;
	uint8_t dmac[6];
	uint8_t sgid[16];		/* our address (IPv4-mapped or IPv6) */
	uint8_t dgid[16];		/* the peer's */
	uint8_t tclass;
	uint8_t hop_limit;
	uint32_t flow_label;
	uint32_t path_mtu;		/* 256..4096 bytes; 0 = the port's */
	uint32_t rq_psn;		/* first PSN expected from the peer */
	uint32_t sq_psn;		/* first PSN we send */
	uint8_t timeout;		/* local ACK timeout: 4.096 us * 2^timeout; 0 = infinite */
	uint8_t retry_cnt;		/* 0..7 */
	uint8_t rnr_retry;		/* 0..7, 7 = infinite */
	uint8_t min_rnr_timer;		/* RNR timer code we send in RNR NAKs (IBA table 45) */
	uint8_t max_rd_atomic;		/* ORD: our outstanding READ/atomic limit */
	uint8_t max_dest_rd_atomic;	/* IRD: READ/atomic requests we keep for the peer */
	uint32_t access;		/* ENG_ACCESS_REMOTE_* allowed on this QP */
	uint32_t qkey;			/* UD */
};

/* What a fault hook decides for one outgoing RoCE packet (tests only). */
enum eng_fault {
	ENG_FAULT_PASS,
	ENG_FAULT_DROP,
	ENG_FAULT_DUP,			/* send it twice */
	ENG_FAULT_HOLD,			/* send it after the next packet (reorder) */
	ENG_FAULT_CORRUPT,		/* flip a payload byte after the ICRC was computed */
	ENG_FAULT_CE,			/* mark it ECN CE, as a congested switch would */
};

typedef enum eng_fault (*eng_fault_cb)(void *arg, const struct roce_pkt *p);

struct eng_conf {
	struct port *port;
	unsigned int nb_slots;		/* poll slots; the port needs nb_slots tx queues */
	const char *name;		/* unique per process */
	uint32_t line_mbps;		/* link rate DCQCN recovers to; 0 = 100000 */
	bool no_ecn;			/* do not mark ECT(0) nor answer CE with CNPs */
	bool idle_yield;		/* lcore slots sched_yield() after an idle poll */
};

int eng_create(const struct eng_conf *conf, struct eng **out);
/* Every QP, MR and CQ must be destroyed first. */
void eng_destroy(struct eng *eng);
/*
 * One poll iteration of a slot, from the one thread that runs it. Slot 0 also polls the
 * port (ARP, ND, ping, RoCE receive). Returns the work done (packets), 0 when idle.
 * The first call puts the slot's RCU reader online.
 */
int eng_poll(struct eng *eng, unsigned int slot);
/*
 * The thread running a slot stops (or is about to block): take its RCU reader offline.
 * A close then does the slot's share of it itself (nothing waits for an offline slot),
 * and the slot's next eng_poll() takes it back.
 */
void eng_slot_offline(struct eng *eng, unsigned int slot);
/* The slot of eng the calling thread runs (online), or -1. */
int eng_thread_slot(const struct eng *eng);
/* Is the calling thread inside eng_poll() (a CQ notification runs there)? */
bool eng_thread_in_poll(void);

/*
 * Run slot i on EAL worker lcore lcores[i] (n = the number of slots) until eng_stop().
 * Returns 0, -EINVAL (wrong count, already running) or -EBUSY (an lcore is the main
 * lcore, disabled, a service core, or busy). Main thread only.
 */
int eng_start(struct eng *eng, const unsigned int *lcores, unsigned int n);
/* Stop the slots eng_start() launched and wait for their lcores. Blocks. Main thread. */
int eng_stop(struct eng *eng);
/*
 * For a host DPDK application: register each slot as an rte_service (ids[i] for slot i,
 * named droce_<engine>_<i>); the application maps them to its service cores and sets
 * their run state. Returns 0 or the service library's error.
 */
int eng_service_register(struct eng *eng, uint32_t *ids);
/* Stop the services, wait until none is running, unregister them. Control thread. */
int eng_service_unregister(struct eng *eng);
struct rte_rcu_qsbr *eng_rcu(struct eng *eng);
/*
 * Has the grace period that began with token (rte_rcu_qsbr_start() on v) passed? Every
 * close waits on this before it frees. In a build with -Drcu_skip_check=true it answers
 * yes at once: for tests only, to show the close storm fails without the RCU step.
 */
bool eng_rcu_passed(struct rte_rcu_qsbr *v, uint64_t token);
void eng_set_fault_hook(struct eng *eng, eng_fault_cb cb, void *arg);
/*
 * Per-engine counters, summed over slots: rx_pkts, tx_pkts, rx_no_qp, rx_bad_state,
 * rx_bad_opcode, rx_handoff, tx_no_mbuf, tx_busy (the device's ring was full and sending
 * waited), tx_drops (packets freed unsent; the fault hook's drops count as faults), retransmit_timeouts, retransmit_pkts, dup_requests,
 * out_of_seq, ack_tx/rx, nak_seq_tx/rx, rnr_nak_tx/rx, nak_access_tx/rx,
 * nak_invalid_tx/rx, nak_operr_tx/rx, dup_responses, cq_overflows, faults, ecn_ce_rx,
 * cnp_tx, cnp_rx, cc_paced, idle_yields, ird_exceeded (READs and atomics that came while
 * the peer already had the IRD outstanding), polls and busy_polls (eng_poll() calls, and
 * those that received or sent a packet: how loaded the slots are).
 * eng_xstat() returns UINT64_MAX for an unknown name.
 */
int eng_xstats(const struct eng *eng, struct pmd_xstat *xs, unsigned int n);
uint64_t eng_xstat(const struct eng *eng, const char *name);
/*
 * rx_payload_bytes and tx_payload_bytes count RoCE payload (no headers, pad nor ICRC) of
 * packets handed to a QP and built by one; cqe_<status> (cqe_success, cqe_wr_flush_err,
 * ... verbs' ibv_wc_status names) count completions by status.
 */

/* What the engine is: its name, port and slots. Any thread. */
const char *eng_name(const struct eng *eng);
struct port *eng_get_port(const struct eng *eng);
unsigned int eng_nb_slots(const struct eng *eng);
/* A slot's QP count and the lcore eng_start() runs it on (-1: services or eng_poll()). */
int eng_slot_info(const struct eng *eng, unsigned int slot, unsigned int *nb_qps);

/*
 * Observing from a thread that is not a slot (telemetry): between begin and end the
 * caller is an RCU reader of the engine (the reader after the slots'), so a QP it
 * found with eng_qp_get() is not freed under it: eng_qp_close_poll() waits for end.
 * One observer at a time per engine (callers serialise); never blocks; keep the window
 * short, as closes wait for it.
 */
void eng_observe_begin(struct eng *eng);
void eng_observe_end(struct eng *eng);

/* CQs: multi-producer rings of struct eng_cqe. */
int eng_cq_create(struct eng *eng, uint32_t depth, struct eng_cq **out);
void eng_cq_destroy(struct eng_cq *cq);
/* Take up to n completions. Returns how many; any thread, one consumer at a time. */
int eng_cq_poll(struct eng_cq *cq, struct eng_cqe *cqe, unsigned int n);
/* True once a completion was lost because the CQ was full. */
bool eng_cq_overflowed(const struct eng_cq *cq);
/*
 * Called on the slot that pushed, after every completion entered the CQ (and once for a
 * completion the full CQ lost). It runs inside eng_poll(), before the slot's quiescent
 * state: after eng_cq_set_notify(cq, NULL, NULL) and one RCU grace period no call is
 * running. Must not block.
 */
typedef void (*eng_cq_notify_cb)(void *arg, struct eng_cq *cq);
void eng_cq_set_notify(struct eng_cq *cq, eng_cq_notify_cb cb, void *arg);
/*
 * Completions pushed since creation: all of them, and those that were solicited
 * (ENG_WC_SOLICITED) or failed. Sequentially consistent loads; any thread.
 */
void eng_cq_counts(const struct eng_cq *cq, uint64_t *any, uint64_t *sol);

/* Memory regions: addr/length of this process's memory, keys chosen by the engine. */
int eng_mr_reg(struct eng *eng, uint32_t pd, void *addr, uint64_t length, uint32_t access,
	       struct eng_mr **out);
uint32_t eng_mr_lkey(const struct eng_mr *mr);
uint32_t eng_mr_rkey(const struct eng_mr *mr);
/*
 * Unpublish and free at once: only while no thread polls the engine's slots (tests, after
 * eng_stop()). With slots running, use the close pair below.
 */
void eng_mr_dereg(struct eng_mr *mr);
/*
 * Non-blocking close for running engines: start unpublishes the MR (new accesses by its
 * keys fail) and takes an RCU token; poll returns true once every slot has passed a
 * quiescent point, and the MR is then freed. Control thread; never blocks.
 */
void eng_mr_close_start(struct eng_mr *mr);
bool eng_mr_close_poll(struct eng_mr *mr);

/*
 * Fast-register MRs (IBA base memory management extensions, 10.6.3): allocated invalid,
 * with a key but no memory. An ENG_WR_REG_MR makes one valid over up to max_pages * 4096
 * bytes; ENG_WR_LOCAL_INV or a peer's SEND with invalidate makes it invalid again; it keeps
 * its key throughout. remote: registrations may grant ENG_ACCESS_REMOTE_*. Close like any
 * MR (eng_mr_dereg() or the close pair). Returns 0, -EINVAL (max_pages 0 or above
 * ENG_MAX_FR_PAGES), -ENOSPC (key table full) or -ENOMEM. Control thread.
 */
int eng_mr_alloc_fr(struct eng *eng, uint32_t pd, uint32_t max_pages, bool remote,
		    struct eng_mr **out);
/*
 * The PD's privileged local key (IBA's reserved L_Key): local write over all process
 * memory, SGE address = process address. Never accepted as a remote key (a peer using it
 * gets a remote access error), never invalidated, never the MR of a window. Close like
 * any MR. Returns 0, -ENOSPC or -ENOMEM. Control thread.
 */
int eng_mr_reg_privileged(struct eng *eng, uint32_t pd, struct eng_mr **out);

/*
 * Memory windows (IBA 10.6.7, type 2A): a remote key over part of an MR, bound by an
 * ENG_WR_BIND_MW on a QP of the window's PD. A bound window grants its access bits to its
 * range only, to QPs of its PD, and only while the MR it is bound to stays published and
 * valid (not invalidated nor re-registered); its key is never a local key. LOCAL_INV or a
 * peer's SEND with invalidate of its key unbinds it; it may then be bound again.
 */
/*
 * Allocate an unbound window: every access by its key fails until a bind. Returns 0,
 * -ENOSPC (key table full) or -ENOMEM. Control thread.
 */
int eng_mw_alloc(struct eng *eng, uint32_t pd, struct eng_mw **out);
/* The window's key; a bind keeps it. Any thread. */
uint32_t eng_mw_rkey(const struct eng_mw *mw);
/* Unpublish and free at once: only while no thread polls the engine's slots. */
void eng_mw_free(struct eng_mw *mw);
/* Non-blocking close, as eng_mr_close_start()/eng_mr_close_poll(). Control thread. */
void eng_mw_close_start(struct eng_mw *mw);
bool eng_mw_close_poll(struct eng_mw *mw);

/*
 * Shared receive queues (IBA 10.2.9): one producer (the poster), any number of QPs on any
 * slots consuming. Posted WQEs stay in the SRQ when one of its QPs fails.
 */
int eng_srq_create(struct eng *eng, uint32_t pd, uint32_t depth, struct eng_srq **out);
void eng_srq_destroy(struct eng_srq *srq);
int eng_post_srq_recv(struct eng_srq *srq, const struct eng_recv_wr *wr);
/* Receive WQEs waiting in the SRQ. Any thread. */
unsigned int eng_srq_count(const struct eng_srq *srq);
/*
 * Invalidate a key (what LOCAL_INV and SEND with invalidate do): an MR registered with
 * ENG_ACCESS_INVALIDATE, a fast-register MR, or a memory window (unbound). A key already
 * invalid stays so and succeeds. Returns 0, or -EINVAL for a key that is unknown, of
 * another PD, or not invalidatable. Any thread.
 */
int eng_mr_invalidate(struct eng *eng, uint32_t key, uint32_t pd);

/* QPs. */
int eng_qp_create(struct eng *eng, const struct eng_qp_init *init, struct eng_qp **out);
uint32_t eng_qp_num(const struct eng_qp *qp);
enum eng_qp_state eng_qp_state(const struct eng_qp *qp);
/* The QP with that number, or NULL: a slot, or an observer (eng_observe_begin()). */
struct eng_qp *eng_qp_get(struct eng *eng, uint32_t qpn);

/* A QP as an observer sees it: fields the slot moves are read relaxed, each on its own. */
struct eng_qp_info {
	uint32_t qpn;
	enum eng_qp_type type;
	enum eng_qp_state state;
	unsigned int slot;
	bool closing;			/* eng_qp_close_start() ran */
	uint32_t dest_qpn;
	uint8_t dmac[6];
	uint8_t sgid[16];
	uint8_t dgid[16];
	uint32_t path_mtu;
	uint32_t sq_psn;		/* next PSN the requester sends */
	uint32_t acked_psn;		/* oldest PSN not yet acknowledged */
	uint32_t rq_psn;		/* next PSN the responder expects */
	uint8_t timeout, retry_cnt, rnr_retry, max_rd_atomic, max_dest_rd_atomic;
	uint32_t sq_depth;
	uint32_t rq_depth;
	double rate_mbps;		/* DCQCN rate */
};
void eng_qp_info(const struct eng_qp *qp, struct eng_qp_info *info);
/*
 * The QP's own counters (the engine's names, but rx_no_qp, rx_handoff, tx_busy,
 * tx_drops and faults): tx_pkts counts packets the QP built (the engine's, packets the
 * device took), rx_pkts packets delivered to it. Only the QP's slot writes them; read
 * with relaxed loads, never torn. Returns the number of counters; fills up to n. The
 * QP's slot, its creator while no slot polls, or an observer.
 */
int eng_qp_xstats(const struct eng_qp *qp, struct pmd_xstat *xs, unsigned int n);
/* Move to attr->state (RESET->INIT->RTR->RTS, any->ERR); -EINVAL on a bad transition. */
int eng_qp_modify(struct eng_qp *qp, const struct eng_qp_attr *attr);
/* The QP's current DCQCN send rate in Mb/s (the line rate when not limited). */
double eng_qp_rate_mbps(const struct eng_qp *qp);
/* Close at once: only while no thread polls the QP's slot (tests, after eng_stop()). */
void eng_qp_destroy(struct eng_qp *qp);
/*
 * Non-blocking close for running engines (what the NDK close path drives): start
 * unpublishes the QP so no packet reaches it and asks its slot to unlink it; poll returns
 * true once the slot has done so and an RCU grace period has passed over every slot, and
 * the QP is then freed. Flush the QP (modify to ERR, drain the CQ) before starting.
 * Control thread; never blocks.
 */
void eng_qp_close_start(struct eng_qp *qp);
bool eng_qp_close_poll(struct eng_qp *qp);
/* What a started close waits for, in words, into buf (snprintf's return). Any thread. */
int eng_qp_close_wait(const struct eng_qp *qp, char *buf, size_t len);
/*
 * Post work requests (the poster is the only producer of each queue). A QP attached to
 * an SRQ takes no receives of its own (-EINVAL). Inline data is
 * copied now. Returns 0, -ENOMEM when the queue is full, -EINVAL for a malformed WR
 * (too many SGEs, inline too long, opcode not valid for the QP type), -ENOTCONN when the
 * QP's state forbids posting.
 */
int eng_post_send(struct eng_qp *qp, const struct eng_send_wr *wr);
/*
 * Doorbell batching: with defer, the WR is checked, its inline data copied and its place
 * in the send queue reserved, but the slot sees it only at the next post without defer,
 * at eng_post_doorbell(), or when ENG_DEFER_MAX are waiting; they then enter the queue
 * together. An error return rings the doorbell first, so what was deferred before it is
 * submitted. Returns as eng_post_send().
 */
#define ENG_DEFER_MAX	8
int eng_post_send_defer(struct eng_qp *qp, const struct eng_send_wr *wr, bool defer);
/*
 * Posting in place, without a copy of the WR: *wr is the WR's entry in the send queue,
 * its contents undefined; the caller sets every field the WR uses (the head up to sge,
 * num_sge SGEs; with ENG_WR_INLINE the bytes in inline_data and inline_len, no SGEs) and
 * then calls eng_post_send_end(), which checks it and queues it (defer as for
 * eng_post_send_defer()). A WR begun and never ended is not posted: the next begin
 * returns the same entry. Returns 0, -ENOTCONN (the QP's state forbids posting) or
 * -ENOMEM (the queue is full; sq_depth WRs are outstanding); eng_post_send_end() 0 or
 * -EINVAL. Their errors ring the doorbell, as eng_post_send_defer()'s do.
 */
int eng_post_send_begin(struct eng_qp *qp, struct eng_send_wr **wr);
int eng_post_send_end(struct eng_qp *qp, bool defer);
/* Submit what was deferred. Poster only. */
void eng_post_doorbell(struct eng_qp *qp);
int eng_post_recv(struct eng_qp *qp, const struct eng_recv_wr *wr);

#endif /* PMD_API_H */
