/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef ENG_CC_H
#define ENG_CC_H

/*
 * DCQCN congestion control (Zhu et al., "Congestion Control for Large-Scale RDMA
 * Deployments", SIGCOMM 2015), the reaction point of one flow (a requester QP): cut the
 * rate on a CNP, decay alpha and raise the rate again over time (fast recovery, additive
 * then hyper increase), and pace packets with a token bucket. Parameters are those of the
 * DCQCN authors' model (roce.md 7.5). Pure arithmetic on a caller-supplied clock, so it is
 * tested without DPDK.
 */

#include <stdbool.h>
#include <stdint.h>

struct eng_cc_params {
	double line_bps;		/* the link; the rate never exceeds it */
	double min_bps;			/* floor: 100 Mb/s */
	double g;			/* alpha gain: 1/256 */
	double ai_bps;			/* additive increase: 40 Mb/s */
	double hai_bps;			/* hyper increase: 200 Mb/s */
	uint64_t alpha_cycles;		/* alpha decay interval: 55 us */
	uint64_t rate_cycles;		/* rate increase timer: 55 us */
	uint64_t byte_counter;		/* bytes per rate increase event: 10 MB */
	uint32_t f;			/* fast recovery stages: 5 */
	uint64_t hz;			/* clock cycles per second */
	double burst_bytes;		/* token bucket depth */
};

/* Defaults for a link of line_bps on a clock of hz. */
void eng_cc_params_default(struct eng_cc_params *p, double line_bps, uint64_t hz);

struct eng_cc {
	double rc;			/* current rate */
	double rt;			/* target rate */
	double alpha;
	uint32_t t_stage;		/* rate timer events since the last cut */
	uint32_t b_stage;		/* byte counter events since the last cut */
	uint64_t bytes;			/* sent since the last byte counter event */
	uint64_t alpha_at;		/* next alpha decay */
	uint64_t rate_at;		/* next rate timer event */
	double tokens;
	uint64_t tokens_at;
	bool limited;			/* below line rate: pace and run the timers */
	uint32_t cnps;			/* CNPs taken */
};

void eng_cc_init(struct eng_cc *cc, const struct eng_cc_params *p);
/* A CNP arrived for this flow at time now. */
void eng_cc_cnp(struct eng_cc *cc, const struct eng_cc_params *p, uint64_t now);
/* Run the alpha and rate timers up to now. */
void eng_cc_tick(struct eng_cc *cc, const struct eng_cc_params *p, uint64_t now);
/* May a packet of len bytes go now? If so it is paid for and counted. */
bool eng_cc_send(struct eng_cc *cc, const struct eng_cc_params *p, uint64_t now, uint32_t len);

#endif /* ENG_CC_H */
