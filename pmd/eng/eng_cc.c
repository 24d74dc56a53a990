/* SPDX-License-Identifier: BSD-3-Clause */
/* DCQCN reaction point: rate cut, alpha decay, rate recovery, pacing (see eng_cc.h). */
#include "eng_cc.h"

void
eng_cc_params_default(struct eng_cc_params *p, double line_bps, uint64_t hz)
{
	*p = (struct eng_cc_params){
		.line_bps = line_bps,
		.min_bps = 100e6,
		.g = 1.0 / 256,
		.ai_bps = 40e6,
		.hai_bps = 200e6,
		.alpha_cycles = hz * 55 / 1000000,
		.rate_cycles = hz * 55 / 1000000,
		.byte_counter = 10 * 1000 * 1000,
		.f = 5,
		.hz = hz,
		.burst_bytes = 64 * 1024,
	};
}

void
eng_cc_init(struct eng_cc *cc, const struct eng_cc_params *p)
{
	*cc = (struct eng_cc){ .rc = p->line_bps, .rt = p->line_bps, .alpha = 1.0 };
}

void
eng_cc_cnp(struct eng_cc *cc, const struct eng_cc_params *p, uint64_t now)
{
	/* Reaction to congestion: remember the rate, cut by alpha/2, raise alpha. */
	cc->rt = cc->rc;
	cc->rc *= 1.0 - cc->alpha / 2;
	if (cc->rc < p->min_bps)
		cc->rc = p->min_bps;
	cc->alpha = (1.0 - p->g) * cc->alpha + p->g;
	cc->t_stage = cc->b_stage = 0;
	cc->bytes = 0;
	cc->alpha_at = now + p->alpha_cycles;
	cc->rate_at = now + p->rate_cycles;
	if (!cc->limited) {
		cc->tokens = p->burst_bytes;
		cc->tokens_at = now;
	}
	cc->limited = true;
	cc->cnps++;
}

/* One rate increase event: fast recovery, then additive, then hyper increase. */
static void
increase(struct eng_cc *cc, const struct eng_cc_params *p)
{
	if (cc->t_stage > p->f && cc->b_stage > p->f)
		cc->rt += p->hai_bps;
	else if (cc->t_stage > p->f || cc->b_stage > p->f)
		cc->rt += p->ai_bps;
	if (cc->rt > p->line_bps)
		cc->rt = p->line_bps;
	cc->rc = (cc->rt + cc->rc) / 2;
	/* Back at line rate with alpha spent: the flow is no longer limited. */
	if (cc->rc >= p->line_bps * 0.999) {
		cc->rc = p->line_bps;
		cc->limited = false;
	}
}

void
eng_cc_tick(struct eng_cc *cc, const struct eng_cc_params *p, uint64_t now)
{
	if (!cc->limited)
		return;
	while (now >= cc->alpha_at) {
		cc->alpha *= 1.0 - p->g;
		cc->alpha_at += p->alpha_cycles;
	}
	while (cc->limited && now >= cc->rate_at) {
		cc->t_stage++;
		increase(cc, p);
		cc->rate_at += p->rate_cycles;
	}
}

bool
eng_cc_send(struct eng_cc *cc, const struct eng_cc_params *p, uint64_t now, uint32_t len)
{
	if (!cc->limited)
		return true;
	cc->tokens += (double)(now - cc->tokens_at) * cc->rc / 8 / (double)p->hz;
	cc->tokens_at = now;
	if (cc->tokens > p->burst_bytes)
		cc->tokens = p->burst_bytes;
	if (cc->tokens < len)
		return false;
	cc->tokens -= len;
	cc->bytes += len;
	if (cc->bytes >= p->byte_counter) {
		cc->bytes = 0;
		cc->b_stage++;
		increase(cc, p);
	}
	return true;
}
