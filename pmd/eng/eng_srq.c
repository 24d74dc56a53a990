/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Shared receive queues: one producer (the poster), any number of QPs on any slots taking
 * receive WQEs.
 */
#include <errno.h>
#include <stdio.h>

#include <rte_malloc.h>

#include "eng_pvt.h"


int
eng_srq_create(struct eng *eng, uint32_t pd, uint32_t depth, struct eng_srq **out)
{
	static uint32_t seq;
	char name[RTE_RING_NAMESIZE];
	struct eng_srq *srq;

	if (depth == 0 || depth > (1u << 16))
		return -EINVAL;
	srq = eng_zalloc("droce_srq", sizeof(*srq), RTE_CACHE_LINE_SIZE);
	if (srq == NULL)
		return -ENOMEM;
	snprintf(name, sizeof(name), "%s_srq%u", eng->name,
		 __atomic_fetch_add(&seq, 1, __ATOMIC_RELAXED));
	/* One poster, consumed by the slots of every QP attached. */
	srq->ring = rte_ring_create_elem(name, sizeof(struct eng_recv_wr),
					 rte_align32pow2(depth + 1), SOCKET_ID_ANY, RING_F_SP_ENQ);
	if (srq->ring == NULL) {
		eng_free(srq);
		return -ENOMEM;
	}
	srq->eng = eng;
	srq->pd = pd;
	*out = srq;
	return 0;
}

void
eng_srq_destroy(struct eng_srq *srq)
{
	if (srq == NULL)
		return;
	rte_ring_free(srq->ring);
	eng_free(srq);
}

int
eng_post_srq_recv(struct eng_srq *srq, const struct eng_recv_wr *wr)
{
	if (wr->num_sge > ENG_MAX_SGE)
		return -EINVAL;
	return rte_ring_enqueue_elem(srq->ring, (void *)(uintptr_t)wr, sizeof(*wr)) == 0 ?
	       0 : -ENOMEM;
}

unsigned int
eng_srq_count(const struct eng_srq *srq)
{
	return rte_ring_count(srq->ring);
}
