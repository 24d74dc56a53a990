/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef ROCE_PSN_H
#define ROCE_PSN_H

/*
 * 24-bit packet sequence number arithmetic (IBA 9.7.1: PSNs wrap modulo 2^24 and are
 * compared within a half window of 2^23).
 */

#include <stdint.h>

#define ROCE_PSN_BITS	24
#define ROCE_PSN_MOD	(1u << ROCE_PSN_BITS)

/* a + n modulo 2^24. */
static inline uint32_t
roce_psn_add(uint32_t a, uint32_t n)
{
	return (a + n) & (ROCE_PSN_MOD - 1);
}

/* Signed distance a - b in [-2^23, 2^23): positive when a is after b. */
static inline int32_t
roce_psn_diff(uint32_t a, uint32_t b)
{
	/* Shift the 24-bit difference into the top of a 32-bit word and back, sign-extending. */
	return (int32_t)((a - b) << (32 - ROCE_PSN_BITS)) >> (32 - ROCE_PSN_BITS);
}

/* <0, 0, >0 as a is before, equal to or after b in PSN order. */
static inline int
roce_psn_cmp(uint32_t a, uint32_t b)
{
	int32_t d = roce_psn_diff(a, b);

	return (d > 0) - (d < 0);
}

#endif /* ROCE_PSN_H */
