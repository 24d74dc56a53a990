/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PERF_H
#define PERF_H

/*
 * droce-perf: perftest's eight RC tests (send/write/read/atomic, bw/lat) on droce's
 * public NDK API. The control channel and the order of its messages are perftest's
 * rdma_cm mode (-R): one rdma_cm connection on port -p carries perftest's records as
 * SENDs, then -q data connections are made on the same port. Whatever perftest puts on
 * that channel (version, page and cache-line size, MTU, QP records, reports) is sent in
 * perftest's byte layout, so either side talks to stock perftest.
 */

#include <semaphore.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

#include <droce/droce.h>
#include <droce/ndk.h>
#include <droce/ndk_ext.h>

#include "app_engine.h"
#include "app_opts.h"

#define PERF_VERSION		"6.06"		/* perftest's, as Debian 12's 4.5-0.17 */
#define PERF_PORT		18515
#define PERF_MAX_SIZE		(8u << 20)	/* -a sweeps 2 .. 2^23 */
#define PERF_MAX_QPS		64
#define PERF_CYCLE_BUFFER	4096		/* perftest's page-size exchange */
#define PERF_CACHE_LINE		64
#define PERF_DEST_LEN		56		/* sizeof(struct pingpong_dest) in perftest */
#define PERF_STEP_MS		30000		/* a control step may take this long */
#define PERF_ATOMIC_SIZE	8		/* atomics move 8 bytes; -s is fixed */
#define PERF_ATOMIC_ADD		1		/* perftest's fetch-and-add operand */
#define PERF_ATOMIC_SWAP	0		/* perftest's compare and swap operands */

enum perf_verb { PERF_SEND, PERF_WRITE, PERF_READ, PERF_ATOMIC };

struct perf_opts {
	struct app_port_opts port;
	enum perf_verb verb;
	bool lat;			/* a _lat test, else _bw */
	const char *server;		/* client: the server's address; NULL = server */
	struct sockaddr_storage addr;	/* listen on (server) or connect to (client) */
	uint16_t tcp_port;		/* -p */
	uint64_t size;			/* -s */
	bool all;			/* -a */
	uint64_t iters;			/* -n */
	int duration;			/* -D seconds; 0 = iterations */
	int qps, tx_depth, rx_depth, mtu, inline_size, cq_mod, post_list;
	int qp_timeout, retry_count;
	bool bidir, use_srq, events, cpu_util, gbits, validate, out_json;
	bool cmp_swap;			/* -A CMP_AND_SWAP, else FETCH_AND_ADD */
	bool imm;			/* --send_with_imm / --write_with_imm */
	bool imm_send, imm_write;	/* which of them was given */
	const char *json_file;
	bool size_set, iters_set, inline_set, tx_set, rx_set, cq_mod_set;
};

/* perftest's struct pingpong_dest, as it goes over the control channel (big endian). */
struct perf_dest {
	uint32_t lid, out_reads, qpn, psn, rkey, pad;
	uint64_t vaddr;
	uint8_t gid[16];
	uint32_t srqn;
	int32_t gid_index;
} __attribute__((packed));

/* One bw result, as perftest's xchg_bw_reports() exchanges it. */
struct perf_bw_rep {
	uint64_t size, iters;
	double bw_peak, bw_avg, msg_rate;
};

struct perf_qp {
	struct ndk_qp *qp;
	struct ndk_connector *conn;
	uint64_t scnt, ccnt, rcnt;	/* posted, completed sends; receives */
	uint32_t unsignaled;		/* silent WRs since the last signalled one */
	char *src, *dst;		/* this QP's source and sink regions */
	uint64_t rem_addr;
	uint32_t rem_rkey;
	struct perf_dest my, rem;
};

struct perf {
	struct perf_opts *o;
	struct droce_port *port;
	struct droce_engine *eng;
	struct app_engine *ae;
	/* Run to completion: the test thread polls the engine itself (no worker lcore). */
	bool rtc;
	struct ndk_adapter *ad;
	struct ndk_pd *pd;
	struct ndk_cq *scq, *rcq, *ccq;	/* data send, data receive, control */
	struct ndk_srq *srq;
	struct ndk_mr *mr, *cmr;
	struct ndk_listener *lis;
	uint32_t lkey, cmr_lkey;
	const struct droce_verbs_ext *verbs;	/* atomics (NDK_EXT_DROCE_VERBS) */
	char *buf;			/* 2 * qps regions of buf_region bytes */
	size_t buf_region, buf_len;
	uint32_t max_inline, max_ord;
	uint32_t path_mtu;
	/* The control channel (perftest's comm QP). */
	struct ndk_qp *cqp;
	struct ndk_connector *cconn;
	uint8_t *cbuf;			/* [0, 64) receive, [64, 128) send */
	char rem_version[16];
	struct perf_qp q[PERF_MAX_QPS];
	int nq;				/* data QPs connected */
	/* Incoming connect requests (server), from the control thread. */
	struct ndk_connector *incoming[PERF_MAX_QPS + 2];
	int nb_incoming, nb_taken;
	/* Callback results, each followed by a post of sem. */
	sem_t sem;
	int pending, status, disconnected;
	struct ndk_object_header *created;
	/* Measurements of the last run. */
	uint64_t *samples;		/* lat: ns per iteration */
	uint64_t nsamples;
	uint64_t t_start, t_end;	/* ns */
	uint64_t done;			/* messages completed; lat: samples taken */
	uint64_t lat_sum_ns;		/* lat: their sum */
	double peak_bw;			/* bytes per ns */
	int validate_errors;
	long long cpu_busy[2], cpu_total[2];
};

extern volatile int perf_stop;

static inline bool
perf_server(const struct perf *p)
{
	return p->o->server == NULL;
}

/*
 * The messages consume the peer's receives: SEND, and WRITE with immediate data (its
 * receiver takes them as send_bw's does: receives posted before a sync, both report).
 */
static inline bool
perf_receives(const struct perf_opts *o)
{
	return o->verb == PERF_SEND || (o->verb == PERF_WRITE && o->imm);
}

uint64_t perf_now_ns(void);

/* main.c: the name of a test ("write_bw"). */
const char *perf_test_name(const struct perf_opts *o);

/* res.c: NDK objects and waiting for callbacks. */
int res_open(struct perf *p);
int res_create_qp(struct perf *p, bool control, struct ndk_qp **qp);
void res_close(struct perf *p);
int res_request(struct perf *p, int ret, const char *what);
int res_wait(struct perf *p, int *flag, int want, unsigned int ms);
void res_request_cb(void *ctx, int status);
/* Nothing to do: poll the engine (run to completion) or give the CPU away. */
void res_idle(struct perf *p);
uint32_t res_poll(struct perf *p, struct ndk_cq *cq, struct ndk_result *r, uint32_t n);
uint32_t res_poll_ex(struct perf *p, struct ndk_cq *cq, struct ndk_result_ex *r, uint32_t n);
int res_post_imm(struct perf *p, struct perf_qp *q, void *ctx, const struct ndk_sge *s,
		 uint32_t flags, uint32_t imm);
int res_check_recv(struct perf *p, const struct ndk_result_ex *r, uint64_t seq);
int res_post_atomic(struct perf *p, struct perf_qp *q, void *ctx, uint32_t flags);
void res_cpu_sample(struct perf *p, int i);
#define PREQ(p, what, call) \
	(__atomic_add_fetch(&(p)->pending, 1, __ATOMIC_ACQ_REL), res_request(p, call, what))

/* conn.c: the control channel and the data connections. */
int conn_setup(struct perf *p);
int conn_xchg(struct perf *p, const void *mine, void *theirs, uint32_t len);
int conn_hand_shake(struct perf *p, int qp);
int conn_xchg_reports(struct perf *p, const struct perf_bw_rep *mine,
		      struct perf_bw_rep *theirs);
void conn_teardown(struct perf *p);
bool conn_poll_peer(struct perf *p);

/* bw.c / lat.c: the tests; 0 on success. */
int bw_run(struct perf *p);
int lat_run(struct perf *p);
void bw_fill(struct perf *p, uint64_t size);
int bw_check(struct perf *p, const char *buf, uint64_t size);

/* report.c: perftest's banner, tables and JSON. */
void report_banner(struct perf *p);
void report_dests(struct perf *p);
void report_bw_header(struct perf *p);
void report_bw_line(struct perf *p, const struct perf_bw_rep *r);
void report_bw_rep(struct perf *p, uint64_t size, uint64_t iters, struct perf_bw_rep *r);
void report_lat_header(struct perf *p);
void report_lat_line(struct perf *p, uint64_t size);
void report_line(void);
int report_json_bw(struct perf *p, const struct perf_bw_rep *r);

#endif /* PERF_H */
