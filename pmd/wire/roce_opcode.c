/* SPDX-License-Identifier: BSD-3-Clause */
#include "roce_opcode.h"

#include "roce_hdr.h"

#define B(e)	ROCE_EXT_BIT(ROCE_EXT_##e)
#define LEN_DETH	sizeof(struct roce_deth)
#define LEN_FETH	sizeof(struct roce_feth)
#define LEN_RETH	sizeof(struct roce_reth)
#define LEN_ATMETH	sizeof(struct roce_atmeth)
#define LEN_AETH	sizeof(struct roce_aeth)
#define LEN_ATMACK	sizeof(struct roce_atmack)
#define LEN_IMMDT	sizeof(struct roce_immdt)
#define LEN_IETH	sizeof(struct roce_ieth)
#define LEN_CNP		sizeof(struct roce_cnp)

/* Bytes of header e if present in mask m and placed before header x. */
#define PART(m, e, x) \
	((((m) & B(e)) && ROCE_EXT_##e < (x)) ? LEN_##e : 0)
#define OFF(m, x) (PART(m, DETH, x) + PART(m, FETH, x) + PART(m, RETH, x) + \
	PART(m, ATMETH, x) + PART(m, AETH, x) + PART(m, ATMACK, x) + PART(m, IMMDT, x) + \
	PART(m, IETH, x) + PART(m, CNP, x))

#define OP(code, nm, fl, m) [code] = { \
	.name = nm, \
	.flags = ROCE_OPF_VALID | (fl), \
	.ext_mask = (m), \
	.ext_len = OFF(m, ROCE_EXT_MAX), \
	.ext_off = { \
		[ROCE_EXT_DETH] = OFF(m, ROCE_EXT_DETH), \
		[ROCE_EXT_FETH] = OFF(m, ROCE_EXT_FETH), \
		[ROCE_EXT_RETH] = OFF(m, ROCE_EXT_RETH), \
		[ROCE_EXT_ATMETH] = OFF(m, ROCE_EXT_ATMETH), \
		[ROCE_EXT_AETH] = OFF(m, ROCE_EXT_AETH), \
		[ROCE_EXT_ATMACK] = OFF(m, ROCE_EXT_ATMACK), \
		[ROCE_EXT_IMMDT] = OFF(m, ROCE_EXT_IMMDT), \
		[ROCE_EXT_IETH] = OFF(m, ROCE_EXT_IETH), \
		[ROCE_EXT_CNP] = OFF(m, ROCE_EXT_CNP), \
	}, \
}

#define RQ	(ROCE_OPF_REQ | ROCE_OPF_PAYLOAD)
#define SND	(ROCE_OPF_SEND | RQ)
#define WRT	(ROCE_OPF_WRITE | RQ)
#define RSP	(ROCE_OPF_RESP | ROCE_OPF_READ)

/* SEND and RDMA WRITE exist on RC (acknowledged) and UC (unacknowledged), IBA table 35. */
#define SEND_WRITE_OPS(pfx, tp, ack) \
	OP(pfx | ROCE_OP_SEND_FIRST, tp " SEND_FIRST", SND | ack | ROCE_OPF_FIRST, 0), \
	OP(pfx | ROCE_OP_SEND_MIDDLE, tp " SEND_MIDDLE", SND | ack | ROCE_OPF_MIDDLE, 0), \
	OP(pfx | ROCE_OP_SEND_LAST, tp " SEND_LAST", SND | ack | ROCE_OPF_LAST, 0), \
	OP(pfx | ROCE_OP_SEND_LAST_IMM, tp " SEND_LAST_IMM", \
	   SND | ack | ROCE_OPF_LAST | ROCE_OPF_IMM, B(IMMDT)), \
	OP(pfx | ROCE_OP_SEND_ONLY, tp " SEND_ONLY", SND | ack | ROCE_OPF_ONLY, 0), \
	OP(pfx | ROCE_OP_SEND_ONLY_IMM, tp " SEND_ONLY_IMM", \
	   SND | ack | ROCE_OPF_ONLY | ROCE_OPF_IMM, B(IMMDT)), \
	OP(pfx | ROCE_OP_WRITE_FIRST, tp " RDMA_WRITE_FIRST", WRT | ack | ROCE_OPF_FIRST, B(RETH)), \
	OP(pfx | ROCE_OP_WRITE_MIDDLE, tp " RDMA_WRITE_MIDDLE", WRT | ack | ROCE_OPF_MIDDLE, 0), \
	OP(pfx | ROCE_OP_WRITE_LAST, tp " RDMA_WRITE_LAST", WRT | ack | ROCE_OPF_LAST, 0), \
	OP(pfx | ROCE_OP_WRITE_LAST_IMM, tp " RDMA_WRITE_LAST_IMM", \
	   WRT | ack | ROCE_OPF_LAST | ROCE_OPF_IMM, B(IMMDT)), \
	OP(pfx | ROCE_OP_WRITE_ONLY, tp " RDMA_WRITE_ONLY", WRT | ack | ROCE_OPF_ONLY, B(RETH)), \
	OP(pfx | ROCE_OP_WRITE_ONLY_IMM, tp " RDMA_WRITE_ONLY_IMM", \
	   WRT | ack | ROCE_OPF_ONLY | ROCE_OPF_IMM, B(RETH) | B(IMMDT))

const struct roce_opcode_info roce_opcodes[256] = {
	SEND_WRITE_OPS(0x00, "RC", ROCE_OPF_ACKED),
	OP(ROCE_OP_READ_REQ, "RC RDMA_READ_REQUEST",
	   ROCE_OPF_REQ | ROCE_OPF_READ | ROCE_OPF_ACKED | ROCE_OPF_ONLY, B(RETH)),
	OP(ROCE_OP_READ_RESP_FIRST, "RC RDMA_READ_RESPONSE_FIRST",
	   RSP | ROCE_OPF_PAYLOAD | ROCE_OPF_FIRST, B(AETH)),
	OP(ROCE_OP_READ_RESP_MIDDLE, "RC RDMA_READ_RESPONSE_MIDDLE",
	   RSP | ROCE_OPF_PAYLOAD | ROCE_OPF_MIDDLE, 0),
	OP(ROCE_OP_READ_RESP_LAST, "RC RDMA_READ_RESPONSE_LAST",
	   RSP | ROCE_OPF_PAYLOAD | ROCE_OPF_LAST, B(AETH)),
	OP(ROCE_OP_READ_RESP_ONLY, "RC RDMA_READ_RESPONSE_ONLY",
	   RSP | ROCE_OPF_PAYLOAD | ROCE_OPF_ONLY, B(AETH)),
	OP(ROCE_OP_ACK, "RC ACKNOWLEDGE", ROCE_OPF_RESP | ROCE_OPF_ACK | ROCE_OPF_ONLY, B(AETH)),
	OP(ROCE_OP_ATOMIC_ACK, "RC ATOMIC_ACKNOWLEDGE",
	   ROCE_OPF_RESP | ROCE_OPF_ATOMIC | ROCE_OPF_ONLY, B(AETH) | B(ATMACK)),
	OP(ROCE_OP_CMP_SWAP, "RC COMPARE_SWAP",
	   ROCE_OPF_REQ | ROCE_OPF_ATOMIC | ROCE_OPF_ACKED | ROCE_OPF_ONLY, B(ATMETH)),
	OP(ROCE_OP_FETCH_ADD, "RC FETCH_ADD",
	   ROCE_OPF_REQ | ROCE_OPF_ATOMIC | ROCE_OPF_ACKED | ROCE_OPF_ONLY, B(ATMETH)),
	OP(ROCE_OP_SEND_LAST_INV, "RC SEND_LAST_INVALIDATE",
	   SND | ROCE_OPF_ACKED | ROCE_OPF_LAST | ROCE_OPF_INV, B(IETH)),
	OP(ROCE_OP_SEND_ONLY_INV, "RC SEND_ONLY_INVALIDATE",
	   SND | ROCE_OPF_ACKED | ROCE_OPF_ONLY | ROCE_OPF_INV, B(IETH)),
	/* IBA 1.5 9.3.12: FLUSH carries FETH then RETH and no payload. */
	OP(ROCE_OP_FLUSH, "RC FLUSH",
	   ROCE_OPF_REQ | ROCE_OPF_FLUSH | ROCE_OPF_ACKED | ROCE_OPF_ONLY, B(FETH) | B(RETH)),
	/* IBA 1.5 9.3.13: ATOMIC WRITE carries RETH and an 8-byte payload. */
	OP(ROCE_OP_ATOMIC_WRITE, "RC ATOMIC_WRITE",
	   RQ | ROCE_OPF_ATOMIC | ROCE_OPF_WRITE | ROCE_OPF_ACKED | ROCE_OPF_ONLY, B(RETH)),

	SEND_WRITE_OPS(0x20, "UC", 0),

	OP(ROCE_OP_UD_SEND_ONLY, "UD SEND_ONLY", SND | ROCE_OPF_ONLY, B(DETH)),
	OP(ROCE_OP_UD_SEND_ONLY_IMM, "UD SEND_ONLY_IMM",
	   SND | ROCE_OPF_ONLY | ROCE_OPF_IMM, B(DETH) | B(IMMDT)),

	/* Annex A17.9.3: CNP = BTH (BECN set) + 16 reserved bytes. */
	OP(ROCE_OP_CNP, "CNP", ROCE_OPF_CNP | ROCE_OPF_ONLY, B(CNP)),
};

static const uint8_t ext_lens[ROCE_EXT_MAX] = {
	[ROCE_EXT_DETH] = LEN_DETH,
	[ROCE_EXT_FETH] = LEN_FETH,
	[ROCE_EXT_RETH] = LEN_RETH,
	[ROCE_EXT_ATMETH] = LEN_ATMETH,
	[ROCE_EXT_AETH] = LEN_AETH,
	[ROCE_EXT_ATMACK] = LEN_ATMACK,
	[ROCE_EXT_IMMDT] = LEN_IMMDT,
	[ROCE_EXT_IETH] = LEN_IETH,
	[ROCE_EXT_CNP] = LEN_CNP,
};

unsigned int
roce_ext_len(enum roce_ext e)
{
	return e < ROCE_EXT_MAX ? ext_lens[e] : 0;
}
