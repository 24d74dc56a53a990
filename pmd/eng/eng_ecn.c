/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ECN for RoCEv2 (IBA Annex A17.9): the notification point answers CE-marked packets with
 * CNPs towards the sender, at most one per flow every CNP_INTERVAL; the reaction point
 * (a requester) hands CNPs to DCQCN (eng_cc.c) and paces its packets at the rate it gets.
 */
#include "eng_pvt.h"

#define CNP_INTERVAL_US		50	/* DCQCN notification point interval (roce.md 7.5) */
/* Bytes a packet costs on the wire beyond its payload: Ethernet, IPv4, UDP, BTH, ICRC. */
#define PKT_OVERHEAD		66

void
eng_ecn_ce_rx(struct eng_qp *qp)
{
	struct roce_pkt p = { .opcode = ROCE_OP_CNP, .becn = true };
	uint64_t now = eng_tsc();
	struct rte_mbuf *m;
	uint8_t *payload;

	eng_qp_count(qp, ENG_ECN_CE_RX);
	if (!qp->eng->ecn || qp->type != ENG_QPT_RC || now < qp->cnp_at)
		return;
	qp->cnp_at = now + qp->eng->tsc_hz / 1000000 * CNP_INTERVAL_US;
	/* Annex A17.9.3: BTH DestQP is the QP that sent the marked packet. */
	m = eng_pkt_alloc(qp, &p, &payload);
	if (m == NULL)
		return;
	eng_qp_count(qp, ENG_CNP_TX);
	eng_pkt_send(qp, m, &p);
}

void
eng_ecn_cnp_rx(struct eng_qp *qp)
{
	eng_qp_count(qp, ENG_CNP_RX);
	if (qp->type == ENG_QPT_RC)
		eng_cc_cnp(&qp->cc, &qp->eng->cc_params, eng_tsc());
}

bool
eng_ecn_may_send(struct eng_qp *qp, uint32_t len)
{
	/* Not rate limited (no CNP yet): no clock read, this runs for every packet. */
	if (!qp->cc.limited ||
	    eng_cc_send(&qp->cc, &qp->eng->cc_params, eng_tsc(), len + PKT_OVERHEAD))
		return true;
	eng_qp_count(qp, ENG_CC_PACED);
	return false;
}
