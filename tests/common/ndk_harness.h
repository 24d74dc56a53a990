/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef NDK_HARNESS_H
#define NDK_HARNESS_H

/*
 * Two droce engines in one process over net_ring (A's transmit ring is B's receive ring),
 * each with an NDK adapter, used only through the public API. Each engine's slot runs on an
 * EAL worker lcore of its own for the whole process; each adapter runs its own control
 * thread. So
 * callbacks really run on other threads, as they would in an application.
 *
 * Tests run in this process (CK_NOFORK). nh_open() in a checked fixture opens the two
 * adapters; nh_close() closes them and asserts that no object is left. Every callback of
 * the nh_*_cb helpers is counted: nh_wait() checks that its call was called back exactly
 * once (it waits a moment more for a second), and nh_close() that no helper callback came
 * after the adapters' close returned (the barrier ndk_close_adapter() promises).
 */

#include <check.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "droce/droce.h"
#include "droce/ndk.h"
#include "droce/ndk_ext.h"

#define NH_WAIT_MS	5000u
/* The engines' CM settings (droce_engine_conf): what a silent peer costs. */
#define NH_CM_TIMEOUT	16
#define NH_CM_RETRIES	5
/* One CM retransmission interval in ms: 4.096 us * 2^16 plus two 2^13 packet lifetimes. */
#define NH_CM_RETRY_MS	(268u + 2u * 33u)

/* Side A is 10.77.0.1 and fd77::1, side B 10.77.0.2 and fd77::2. */

/* ck_assert() logs on success too; use this in loops. */
#define NH_REQUIRE(cond, ...) do { \
	if (!(cond)) \
		ck_abort_msg(__VA_ARGS__); \
} while (0)

extern struct ndk_adapter *nh_ad[2];
extern struct droce_engine *nh_eng[2];
extern struct droce_port *nh_port[2];
/*
 * The local ACK timeout nh_connect() gives both QPs: 17 (537 ms, "retry exceeded" after
 * about 4 s). net_ring loses nothing, so only a slot descheduled on a loaded host ever
 * makes a QP retransmit; short timeouts turned such stalls into failed tests.
 */
extern uint8_t nh_ack_timeout;

/* One asynchronous call's outcome, filled by the nh_*_cb callbacks. */
struct nh_call {
	int done;			/* callbacks seen (atomic): must end at exactly 1 */
	int status;
	struct ndk_object_header *obj;
	uint64_t seq;			/* global order of the callback */
};

void nh_create_cb(void *ctx, int status, struct ndk_object_header *obj);
void nh_request_cb(void *ctx, int status);
void nh_close_cb(void *ctx);
/* Wait until call->done is at least 1, then settle NH_SETTLE_MS and check it stayed 1. */
#define NH_SETTLE_MS	2u
void nh_wait(struct nh_call *call, const char *what);
/* A global sequence number for ordering callbacks. */
uint64_t nh_next_seq(void);

void nh_init(void);		/* unchecked fixture: EAL, ports, engines, pollers */
/* nh_init() with nb_slots slots per engine, each on its own lcore (idle slots yield). */
#define NH_MAX_SLOTS	4u
void nh_init_slots(unsigned int nb_slots);
/* Is the calling thread the lcore of one of side's engine slots? */
bool nh_on_slot(int side);

/* An IPv4 socket address from dotted text and a port in host order. */
struct sockaddr_in nh_sa4(const char *ip, uint16_t port);
void nh_open(void);		/* checked fixture setup: the adapters */
void nh_close(void);		/* checked fixture teardown */

/* Synchronous helpers (assert success). side: 0 = A, 1 = B. */
struct ndk_pd *nh_pd(int side);
struct ndk_cq *nh_cq(int side, uint32_t depth, ndk_cq_notify_cb notify, void *ctx);
struct ndk_mr *nh_mr(struct ndk_pd *pd, void *buf, size_t len, uint32_t flags);
struct ndk_qp *nh_qp(struct ndk_pd *pd, struct ndk_cq *rcq, struct ndk_cq *icq, void *qp_ctx,
		     uint32_t depth);
/* Connect a (on A) and b (on B) to each other through the droce QP extension. */
void nh_connect(struct ndk_qp *a, struct ndk_qp *b);
/* Close and wait for the close callback (or an inline 0). */
void nh_close_obj(void *obj);
/* Poll until n results arrived or ms passed; returns how many. */
uint32_t nh_results(struct ndk_cq *cq, struct ndk_result_ex *r, uint32_t n, unsigned int ms);
/* A notify callback that counts into an nh_call (status = last cq_status). */
void nh_notify_cb(void *ctx, int cq_status);
/* Sleep ms milliseconds. */
void nh_sleep_ms(unsigned int ms);

/*
 * Write every frame either engine sends to QP1 (the CM's MADs) into a pcap file; nh_init()
 * starts it when NH_PCAP names a file, the teardown stops it (nh_capture.c).
 */
int nh_capture_start(const char *path);
void nh_capture_stop(void);

#endif /* NDK_HARNESS_H */
