/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CM_H
#define CM_H

/*
 * Connection management (IBA chapter 12) over the engine's QP1, as Linux's rdma_cm speaks
 * it on RoCE. One CM per adapter. Its state (connections, listeners, port reservations,
 * the GSI QP's send queue) is guarded by one mutex: consumer calls take it briefly, the
 * control context takes it to handle received MADs and timers. Nobody calls out with it
 * held: completions and events are queued as control items and run on the control context.
 */

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>
#include <string.h>
#include <sys/socket.h>

#include <rte_common.h>
#include <rte_cycles.h>

#include "cm_mad.h"
#include "ndk_pvt.h"

#define CM_GRH_LEN	40		/* the GRH area in front of every received MAD */
#define CM_ACK_TIMEOUT	14		/* local ACK timeout we ask for: 67 ms */
/* Packet lifetime: rdma_cm asks for a local ACK timeout of the lifetime plus one. */
#define CM_PKT_LIFETIME	(CM_ACK_TIMEOUT - 1)

enum conn_state {
	CONN_IDLE,		/* created, nothing asked */
	CONN_RESOLVING,		/* active: waiting for the peer's MAC */
	CONN_REQ_SENT,		/* active: REQ out, waiting for REP or REJ */
	CONN_REP_RCVD,		/* active: connect completed, waiting for complete/reject */
	CONN_REQ_RCVD,		/* passive: handed to the consumer, waiting for accept */
	CONN_REP_SENT,		/* passive: accepted, waiting for RTU */
	CONN_ESTABLISHED,
	CONN_DREQ_SENT,		/* our disconnect, waiting for DREP */
	CONN_DREQ_RCVD,		/* the peer disconnected (DREP sent) */
	CONN_CLOSED,		/* done: disconnected, rejected or failed */
	CONN_STATE_MAX
};

extern const char *const conn_state_names[CONN_STATE_MAX];

/* A reserved local address and port (an implicit or shared endpoint, a listener). */
struct cm_bind {
	uint8_t addr[16];		/* all zero: every address of the port */
	uint16_t port;
	int refs;
	TAILQ_ENTRY(cm_bind) next;
};

struct lib_listener;
struct lib_sep;
struct lib_conn;

/*
 * One consumer request on a connector (connect or accept, complete_connect, disconnect),
 * each with a record of its own: filled under the CM lock when the call succeeds, and
 * completed once, pushing its own control item, which calls back. Each is used at most
 * once in a connector's life (the state machine allows no second connect, accept,
 * complete or disconnect), so one record never carries two callbacks.
 */
struct conn_req {
	struct ctl_item item;
	struct lib_conn *c;
	ndk_request_cb cb;
	void *ctx;
	int status;
	bool pending;			/* started and not completed, under the CM lock */
};

struct lib_conn {
	struct obj o;
	enum conn_state st;		/* under the CM lock */
	bool active;
	struct lib_qp *qp;		/* referenced while attached */
	struct lib_listener *lis;	/* passive: referenced */
	struct lib_sep *sep;		/* from a shared endpoint: referenced */
	struct cm_bind *bind;		/* the local address and port in use */
	uint8_t laddr[16], raddr[16];
	uint16_t lport, rport;
	uint8_t rmac[6];
	uint32_t local_id, remote_id;
	uint32_t rqpn, rpsn, lpsn;
	uint64_t tid;
	uint8_t ird, ord;		/* ours: asked, then effective */
	uint8_t peer_ird, peer_ord;	/* the peer's responder resources, initiator depth */
	uint8_t path_mtu;		/* CM_MTU_* agreed */
	uint8_t ack_timeout, retry, rnr_retry;
	uint8_t max_mtu;		/* CM_MTU_* the consumer allows; 0 = the port's */
	bool params_set;		/* NDK_EXT_DROCE_CONN set_params() was called */
	uint8_t pdata[CM_REP_PDATA];	/* the peer's private data (REQ, REP or REJ) */
	uint32_t rds;			/* its size as GetConnectionData reports it */
	uint8_t mad[CM_MAD_SIZE];	/* the last message sent, for retransmission */
	uint64_t deadline;		/* retransmit (or give up) at this TSC */
	uint64_t retry_tsc;		/* how long the peer may take to answer (IBA 12.6.5) */
	unsigned int retries;
	uint8_t max_retries;		/* then it is silent: ours, or what its REQ said */
	struct conn_req est;		/* connect or accept: until established or failed */
	struct conn_req cc;		/* complete_connect */
	struct conn_req dis;		/* disconnect */
	ndk_disconnect_event_cb disc;
	void *disc_ctx;
	struct ctl_item disc_item;
	bool disc_queued;
	struct ctl_item event;		/* passive: the listener's connect event */
	TAILQ_ENTRY(lib_conn) next;	/* the CM's connections */
};

struct lib_listener {
	struct obj o;
	ndk_connect_event_cb event;
	void *event_ctx;
	struct cm_bind *bind;
	bool v4;			/* listens with an IPv4 address */
	bool paused;
	TAILQ_ENTRY(lib_listener) next;
};

struct lib_sep {
	struct obj o;
	struct cm_bind *bind;
	bool v4;
};

struct cm {
	struct adapter *ad;
	pthread_mutex_t lock;
	struct eng_qp *gsi;
	struct eng_cq *scq, *rcq;
	struct eng_mr *mr;
	uint8_t *bufs;			/* receive buffers: GRH area + MAD */
	uint32_t pdn;
	uint32_t next_id;
	uint64_t next_tid;
	uint16_t next_port;
	uint8_t timeout, retries;	/* the engine's CM settings */
	TAILQ_HEAD(, lib_conn) conns;
	TAILQ_HEAD(, lib_listener) listeners;
	TAILQ_HEAD(, cm_bind) binds;
	bool closing_gsi;
};

/*
 * The CM's clock, in timer cycles. Its unit tests (tests/unit/cm) define CM_CLOCK_HOOK and
 * give it a clock they move by hand.
 */
#ifdef CM_CLOCK_HOOK
uint64_t cm_clock(void);
uint64_t cm_clock_hz(void);
#else
static inline uint64_t
cm_clock(void)
{
	return rte_get_timer_cycles();
}

static inline uint64_t
cm_clock_hz(void)
{
	return rte_get_timer_hz();
}
#endif

static inline uint64_t
cm_ms_tsc(unsigned int ms)
{
	return cm_clock_hz() / 1000 * ms;
}

/* IBA's timeout encoding, 4.096 us * 2^exp, in TSC cycles. */
static inline uint64_t
cm_iba_tsc(unsigned int exp)
{
	uint64_t ns = 4096ull << RTE_MIN(exp, 31u);

	return ns * (cm_clock_hz() / 1000000) / 1000;
}

/*
 * How long to wait for an answer before sending again: the response timeout the answering
 * side advertised plus a round trip of two packet lifetimes, as Linux's cm.c computes it.
 */
static inline uint64_t
cm_answer_tsc(uint8_t response_timeout)
{
	return cm_iba_tsc(response_timeout) + 2 * cm_iba_tsc(CM_PKT_LIFETIME);
}

/* The IBA MTU code (CM_MTU_*) of the largest path MTU within bytes. */
static inline uint8_t
cm_mtu_enum(uint32_t bytes)
{
	uint8_t e = 1;

	while (e < CM_MTU_4096 && (256u << e) <= bytes)
		e++;
	return e;
}

static inline bool
cm_addr_zero(const uint8_t a[16])
{
	static const uint8_t z[16];

	return memcmp(a, z, 16) == 0;
}

/* cm.c */
int cm_init(struct adapter *ad);
/* Adapter close: take QP1 down (blocks until its grace period passed). */
void cm_fini(struct adapter *ad);
/* Control context: received MADs, timers, address resolution. Returns the work done. */
int cm_poll(struct adapter *ad);
/* Milliseconds until the CM's next timer, at most max (MADs arriving wake the context). */
int cm_wait_ms(struct adapter *ad, int max);

/* Under the CM lock. */
/* cm.c */
int cm_bind_get(struct cm *cm, const uint8_t addr[16], uint16_t port, struct cm_bind **out);
void cm_bind_put(struct cm *cm, struct cm_bind *b);
int cm_local_addr(struct cm *cm, uint8_t addr[16], const uint8_t peer[16]);
/* cm_send.c */
/*
 * QP1's next send entry, reserved (-ENOMEM: the send queue is full). The MAD put in it
 * then cannot fail to go, so a consumer's call reserves first and changes its connection
 * only once it holds one: an error return leaves everything as it was.
 */
struct eng_send_wr;
int cm_reserve(struct cm *cm, struct eng_send_wr **wr);
/* Send mad to c's peer in the reserved wr; with retransmit keep it in c->mad and arm its
 * timer (c->retry_tsc), else stop the timer. */
void cm_post(struct cm *cm, struct lib_conn *c, struct eng_send_wr *wr,
	     const uint8_t mad[CM_MAD_SIZE], bool retransmit);
/* cm_reserve() and cm_post() together: 0, or -ENOMEM and nothing sent nor changed. */
int cm_send_conn(struct cm *cm, struct lib_conn *c, const uint8_t mad[CM_MAD_SIZE],
		 bool retransmit);
int cm_send_mad(struct cm *cm, const uint8_t mac[6], const uint8_t src[16],
		const uint8_t dst[16], const uint8_t mad[CM_MAD_SIZE]);
/* Resolve the peer and send the REQ (state CONN_RESOLVING or CONN_REQ_SENT). */
int cm_start_connect(struct cm *cm, struct lib_conn *c);
/* The messages, built from c into mad (0, or -EINVAL): nothing sent, nothing changed. */
int cm_build_rep(struct cm *cm, const struct lib_conn *c, const void *pdata, uint32_t len,
		 uint8_t mad[CM_MAD_SIZE]);
int cm_build_rtu(const struct lib_conn *c, uint8_t mad[CM_MAD_SIZE]);
int cm_build_rej(struct cm *cm, const struct lib_conn *c, const void *pdata, uint32_t len,
		 uint8_t mad[CM_MAD_SIZE]);
int cm_build_dreq(const struct lib_conn *c, uint64_t tid, uint8_t mad[CM_MAD_SIZE]);
/* Built and sent at once (no retransmission; the state is the caller's to change). */
int cm_send_rtu(struct cm *cm, struct lib_conn *c);
int cm_send_rej(struct cm *cm, struct lib_conn *c, const void *pdata, uint32_t len);
/* A reply to a message that matches no connection (REJ for a REQ, DREP for a DREQ). */
void cm_answer_stray(struct cm *cm, const struct cm_mad *in, uint16_t attr, uint16_t reason,
		     const uint8_t mac[6], const uint8_t src[16], const uint8_t dst[16]);
/* An MRA for the peer's REQ or REP (msg: CM_MSG_REQ or CM_MSG_REP). */
void cm_send_mra(struct cm *cm, const struct lib_conn *c, uint8_t msg);
/* cm_recv.c: one received MAD (GRH area first), from the sender's MAC. */
void cm_handle(struct cm *cm, const uint8_t *buf, uint32_t len, const uint8_t mac[6]);
/* cm.c */
/* Start request r of c with its callback (under the CM lock, once the call succeeded). */
void cm_req_start(struct lib_conn *c, struct conn_req *r, ndk_request_cb cb, void *ctx);
/* Complete r with status, once: queues its callback for the control context. A request
 * not pending (never started, or completed already) is left alone. */
void cm_req_done(struct lib_conn *c, struct conn_req *r, int status);
/* Report the peer's disconnect to the consumer, once. */
void cm_tell_disconnect(struct lib_conn *c);
/* Move the connection's QP to the error state (flush). */
void cm_flush_qp(struct lib_conn *c);
/* The QP's RTR and RTS from what was negotiated. */
int cm_qp_rtr(struct lib_conn *c);
int cm_qp_rts(struct lib_conn *c);

/* cm_conn.c: the adapter's create entries for connectors, listeners, shared endpoints. */
int conn_create(struct ndk_adapter *pub, ndk_create_cb cb, void *ctx,
			      struct ndk_connector **out);
int lis_create(struct ndk_adapter *pub, ndk_connect_event_cb event,
			     void *event_ctx, ndk_create_cb cb, void *ctx,
			     struct ndk_listener **out);
int sep_create(struct ndk_adapter *pub, const struct sockaddr *addr, socklen_t len,
			ndk_create_cb cb, void *ctx, struct ndk_shared_endpoint **out);

extern const struct ndk_connector_dispatch conn_dispatch;
/* cm_conn_ext.c: NDK_EXT_DROCE_CONN */
int conn_query_extension(struct ndk_object_header *obj, uint32_t id,
			 struct ndk_version version, const void **dispatch);
extern const struct ndk_listener_dispatch listener_dispatch;
extern const struct ndk_shared_endpoint_dispatch sep_dispatch;
/* A new passive connection for a REQ (under the CM lock); NULL when out of memory. */
struct lib_conn *conn_new_passive(struct cm *cm, struct lib_listener *l);

#endif /* CM_H */
