/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef ROCE_OPCODE_H
#define ROCE_OPCODE_H

/*
 * One table for every RoCEv2 opcode droce knows (IBA 1.4 table 35 "OpCode field", RC/UC/UD
 * plus IBA 1.5 FLUSH and ATOMIC WRITE, and the Annex A17 CNP). It says which extension
 * headers follow the BTH and at which offsets, where the packet sits in its message, whether
 * it carries a payload and whether the responder acknowledges it. The builder and the parser
 * both read it, so a layout fact lives in exactly one place.
 */

#include <stdbool.h>
#include <stdint.h>

/* Extension headers in wire order after the BTH (IBA 9.2, figure 2 packet format). */
enum roce_ext {
	ROCE_EXT_DETH,
	ROCE_EXT_FETH,
	ROCE_EXT_RETH,
	ROCE_EXT_ATMETH,
	ROCE_EXT_AETH,
	ROCE_EXT_ATMACK,
	ROCE_EXT_IMMDT,
	ROCE_EXT_IETH,
	ROCE_EXT_CNP,
	ROCE_EXT_MAX
};

#define ROCE_EXT_BIT(e)		(1u << (e))

/* Transport service, the top three bits of the opcode (IBA 9.2.1). */
enum roce_transport {
	ROCE_TRANSPORT_RC = 0,
	ROCE_TRANSPORT_UC = 1,
	ROCE_TRANSPORT_RD = 2,
	ROCE_TRANSPORT_UD = 3,
	ROCE_TRANSPORT_CNP = 4,
};

/* Opcode flags. An opcode with no flags is unknown or reserved. */
#define ROCE_OPF_VALID		(1u << 0)
#define ROCE_OPF_FIRST		(1u << 1)
#define ROCE_OPF_MIDDLE		(1u << 2)
#define ROCE_OPF_LAST		(1u << 3)
#define ROCE_OPF_ONLY		(ROCE_OPF_FIRST | ROCE_OPF_LAST)
#define ROCE_OPF_PAYLOAD	(1u << 4)	/* may carry payload bytes */
#define ROCE_OPF_REQ		(1u << 5)	/* sent by a requester */
#define ROCE_OPF_RESP		(1u << 6)	/* sent by a responder (ACK, READ resp, atomic ACK) */
#define ROCE_OPF_ACKED		(1u << 7)	/* the responder acknowledges it (RC requests) */
#define ROCE_OPF_SEND		(1u << 8)
#define ROCE_OPF_WRITE		(1u << 9)
#define ROCE_OPF_READ		(1u << 10)
#define ROCE_OPF_ATOMIC		(1u << 11)
#define ROCE_OPF_IMM		(1u << 12)
#define ROCE_OPF_INV		(1u << 13)
#define ROCE_OPF_ACK		(1u << 14)	/* plain ACK or NAK */
#define ROCE_OPF_FLUSH		(1u << 15)
#define ROCE_OPF_CNP		(1u << 16)

/* Opcodes (IBA table 35; transport prefix in the top three bits). */
#define ROCE_OP_SEND_FIRST		0x00
#define ROCE_OP_SEND_MIDDLE		0x01
#define ROCE_OP_SEND_LAST		0x02
#define ROCE_OP_SEND_LAST_IMM		0x03
#define ROCE_OP_SEND_ONLY		0x04
#define ROCE_OP_SEND_ONLY_IMM		0x05
#define ROCE_OP_WRITE_FIRST		0x06
#define ROCE_OP_WRITE_MIDDLE		0x07
#define ROCE_OP_WRITE_LAST		0x08
#define ROCE_OP_WRITE_LAST_IMM		0x09
#define ROCE_OP_WRITE_ONLY		0x0a
#define ROCE_OP_WRITE_ONLY_IMM		0x0b
#define ROCE_OP_READ_REQ		0x0c
#define ROCE_OP_READ_RESP_FIRST		0x0d
#define ROCE_OP_READ_RESP_MIDDLE	0x0e
#define ROCE_OP_READ_RESP_LAST		0x0f
#define ROCE_OP_READ_RESP_ONLY		0x10
#define ROCE_OP_ACK			0x11
#define ROCE_OP_ATOMIC_ACK		0x12
#define ROCE_OP_CMP_SWAP		0x13
#define ROCE_OP_FETCH_ADD		0x14
#define ROCE_OP_SEND_LAST_INV		0x16
#define ROCE_OP_SEND_ONLY_INV		0x17
#define ROCE_OP_FLUSH			0x1c
#define ROCE_OP_ATOMIC_WRITE		0x1d
#define ROCE_ATOMIC_WRITE_LEN		8	/* payload bytes of ATOMIC WRITE */

#define ROCE_OP_RC(op)		(op)
#define ROCE_OP_UC(op)		(0x20 | (op))
#define ROCE_OP_UD_SEND_ONLY	0x64
#define ROCE_OP_UD_SEND_ONLY_IMM 0x65
#define ROCE_OP_CNP		0x81

struct roce_opcode_info {
	const char *name;
	uint32_t flags;
	uint16_t ext_mask;			/* ROCE_EXT_BIT() of each header present */
	uint8_t ext_len;			/* bytes of extension headers after BTH */
	uint8_t ext_off[ROCE_EXT_MAX];		/* offset of each present header after BTH */
};

extern const struct roce_opcode_info roce_opcodes[256];

static inline const struct roce_opcode_info *
roce_opcode(uint8_t opcode)
{
	return &roce_opcodes[opcode];
}

static inline bool
roce_opcode_valid(uint8_t opcode)
{
	return (roce_opcodes[opcode].flags & ROCE_OPF_VALID) != 0;
}

static inline bool
roce_opcode_has(const struct roce_opcode_info *oi, enum roce_ext e)
{
	return (oi->ext_mask & ROCE_EXT_BIT(e)) != 0;
}

static inline enum roce_transport
roce_opcode_transport(uint8_t opcode)
{
	return (enum roce_transport)(opcode >> 5);
}

/* Length in bytes of extension header e. */
unsigned int roce_ext_len(enum roce_ext e);

#endif /* ROCE_OPCODE_H */
