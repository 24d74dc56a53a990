/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * roce_opcode.c: the opcode table against IBA 1.4 table 35 (plus IBA 1.5 FLUSH / ATOMIC
 * WRITE and the Annex A17.9.3 CNP), written out here independently of the table's macros.
 */
#include "test_util.h"

#define NO_EXT		ROCE_EXT_MAX
#define POS_MASK	(ROCE_OPF_FIRST | ROCE_OPF_MIDDLE | ROCE_OPF_LAST)
#define ONLY		ROCE_OPF_ONLY
#define FIRST		ROCE_OPF_FIRST
#define MIDDLE		ROCE_OPF_MIDDLE
#define LAST		ROCE_OPF_LAST

/* Expected layout: up to two extension headers with their offsets after the BTH. */
struct exp_op {
	uint8_t op;
	uint8_t e0, off0;
	uint8_t e1, off1;
	uint8_t ext_len;
	uint32_t pos;
	bool payload;
	bool acked;
	uint32_t kind;		/* SEND/WRITE/READ/ATOMIC/IMM/INV/ACK/FLUSH/CNP flags expected */
};

#define E0		NO_EXT, 0, NO_EXT, 0, 0
#define E1(a, oa, len)	ROCE_EXT_##a, oa, NO_EXT, 0, len
#define E2(a, oa, b, ob, len) ROCE_EXT_##a, oa, ROCE_EXT_##b, ob, len

#define SND		ROCE_OPF_SEND
#define WRT		ROCE_OPF_WRITE
#define IMM		ROCE_OPF_IMM

/* SEND and WRITE rows, shared by RC (acked) and UC (not). */
#define SEND_WRITE_ROWS(pfx, ack) \
	{ (pfx) | 0x00, E0, FIRST, true, ack, SND }, \
	{ (pfx) | 0x01, E0, MIDDLE, true, ack, SND }, \
	{ (pfx) | 0x02, E0, LAST, true, ack, SND }, \
	{ (pfx) | 0x03, E1(IMMDT, 0, 4), LAST, true, ack, SND | IMM }, \
	{ (pfx) | 0x04, E0, ONLY, true, ack, SND }, \
	{ (pfx) | 0x05, E1(IMMDT, 0, 4), ONLY, true, ack, SND | IMM }, \
	{ (pfx) | 0x06, E1(RETH, 0, 16), FIRST, true, ack, WRT }, \
	{ (pfx) | 0x07, E0, MIDDLE, true, ack, WRT }, \
	{ (pfx) | 0x08, E0, LAST, true, ack, WRT }, \
	{ (pfx) | 0x09, E1(IMMDT, 0, 4), LAST, true, ack, WRT | IMM }, \
	{ (pfx) | 0x0a, E1(RETH, 0, 16), ONLY, true, ack, WRT }, \
	{ (pfx) | 0x0b, E2(RETH, 0, IMMDT, 16, 20), ONLY, true, ack, WRT | IMM }

static const struct exp_op exp_ops[] = {
	SEND_WRITE_ROWS(0x00, true),
	{ 0x0c, E1(RETH, 0, 16), ONLY, false, true, ROCE_OPF_READ },
	{ 0x0d, E1(AETH, 0, 4), FIRST, true, false, ROCE_OPF_READ },
	{ 0x0e, E0, MIDDLE, true, false, ROCE_OPF_READ },
	{ 0x0f, E1(AETH, 0, 4), LAST, true, false, ROCE_OPF_READ },
	{ 0x10, E1(AETH, 0, 4), ONLY, true, false, ROCE_OPF_READ },
	{ 0x11, E1(AETH, 0, 4), ONLY, false, false, ROCE_OPF_ACK },
	{ 0x12, E2(AETH, 0, ATMACK, 4, 12), ONLY, false, false, ROCE_OPF_ATOMIC },
	{ 0x13, E1(ATMETH, 0, 28), ONLY, false, true, ROCE_OPF_ATOMIC },
	{ 0x14, E1(ATMETH, 0, 28), ONLY, false, true, ROCE_OPF_ATOMIC },
	{ 0x16, E1(IETH, 0, 4), LAST, true, true, SND | ROCE_OPF_INV },
	{ 0x17, E1(IETH, 0, 4), ONLY, true, true, SND | ROCE_OPF_INV },
	{ 0x1c, E2(FETH, 0, RETH, 4, 20), ONLY, false, true, ROCE_OPF_FLUSH },
	{ 0x1d, E1(RETH, 0, 16), ONLY, true, true, ROCE_OPF_ATOMIC | WRT },
	SEND_WRITE_ROWS(0x20, false),
	{ 0x64, E1(DETH, 0, 8), ONLY, true, false, SND },
	{ 0x65, E2(DETH, 0, IMMDT, 8, 12), ONLY, true, false, SND | IMM },
	{ 0x81, E1(CNP, 0, 16), ONLY, false, false, ROCE_OPF_CNP },
};

#define KIND_MASK (ROCE_OPF_SEND | ROCE_OPF_WRITE | ROCE_OPF_READ | ROCE_OPF_ATOMIC | \
		   ROCE_OPF_IMM | ROCE_OPF_INV | ROCE_OPF_ACK | ROCE_OPF_FLUSH | ROCE_OPF_CNP)

static const struct exp_op *
find_exp(unsigned int op)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(exp_ops); i++)
		if (exp_ops[i].op == op)
			return &exp_ops[i];
	return NULL;
}

START_TEST(test_roce_opcode_valid_set)
{
	unsigned int op, nvalid = 0;

	ck_assert_uint_eq(RTE_DIM(exp_ops), 40);
	for (op = 0; op < 256; op++) {
		bool want = find_exp(op) != NULL;

		ck_assert_msg(roce_opcode_valid(op) == want, "opcode 0x%02x valid %d, want %d",
			      op, roce_opcode_valid(op), want);
		ck_assert_ptr_eq(roce_opcode(op), &roce_opcodes[op]);
		nvalid += roce_opcode_valid(op);
	}
	ck_assert_uint_eq(nvalid, RTE_DIM(exp_ops));
}
END_TEST

START_TEST(test_roce_opcode_reserved_invalid)
{
	static const uint8_t reserved[] = { 0x15, 0x18, 0x19, 0x1a, 0x1b, 0x1e, 0x1f, 0x2c,
					    0x2f, 0x30, 0x3f, 0x60, 0x63, 0x66, 0x7f, 0x80,
					    0x82, 0x9f, 0xa0, 0xff };
	unsigned int i, op;

	for (i = 0; i < RTE_DIM(reserved); i++) {
		ck_assert_msg(!roce_opcode_valid(reserved[i]), "0x%02x", reserved[i]);
		ck_assert_uint_eq(roce_opcode(reserved[i])->flags, 0);
	}
	/* RD is not supported: the whole 0x40-0x5f block is invalid. */
	for (op = 0x40; op < 0x60; op++)
		ck_assert_msg(!roce_opcode_valid(op), "RD 0x%02x", op);
	/* UD has only SEND_ONLY and SEND_ONLY_IMM; 0x80 block only the CNP. */
	for (op = 0x60; op < 0x100; op++)
		if (op != 0x64 && op != 0x65 && op != 0x81)
			ck_assert_msg(roce_opcode(op)->flags == 0, "0x%02x", op);
}
END_TEST

START_TEST(test_roce_opcode_ext_layout)
{
	unsigned int i, e;

	for (i = 0; i < RTE_DIM(exp_ops); i++) {
		const struct exp_op *x = &exp_ops[i];
		const struct roce_opcode_info *oi = roce_opcode(x->op);
		uint16_t mask = 0;

		if (x->e0 != NO_EXT)
			mask |= ROCE_EXT_BIT(x->e0);
		if (x->e1 != NO_EXT)
			mask |= ROCE_EXT_BIT(x->e1);
		ck_assert_msg(oi->ext_mask == mask, "0x%02x mask 0x%x want 0x%x", x->op,
			      oi->ext_mask, mask);
		ck_assert_msg(oi->ext_len == x->ext_len, "0x%02x ext_len %u want %u", x->op,
			      oi->ext_len, x->ext_len);
		if (x->e0 != NO_EXT)
			ck_assert_msg(oi->ext_off[x->e0] == x->off0, "0x%02x off0", x->op);
		if (x->e1 != NO_EXT)
			ck_assert_msg(oi->ext_off[x->e1] == x->off1, "0x%02x off1", x->op);
		for (e = 0; e < ROCE_EXT_MAX; e++)
			ck_assert(roce_opcode_has(oi, e) == !!(mask & ROCE_EXT_BIT(e)));
	}
}
END_TEST

/* The examples spelled out in the brief, one by one. */
START_TEST(test_roce_opcode_examples)
{
	const struct roce_opcode_info *oi;

	oi = roce_opcode(ROCE_OP_WRITE_ONLY_IMM);
	ck_assert(roce_opcode_has(oi, ROCE_EXT_RETH) && roce_opcode_has(oi, ROCE_EXT_IMMDT));
	ck_assert_uint_eq(oi->ext_off[ROCE_EXT_RETH], 0);
	ck_assert_uint_eq(oi->ext_off[ROCE_EXT_IMMDT], 16);
	ck_assert_uint_eq(oi->ext_len, 20);

	oi = roce_opcode(ROCE_OP_ATOMIC_ACK);
	ck_assert_uint_eq(oi->ext_off[ROCE_EXT_AETH], 0);
	ck_assert_uint_eq(oi->ext_off[ROCE_EXT_ATMACK], 4);
	ck_assert_uint_eq(oi->ext_len, 12);

	oi = roce_opcode(ROCE_OP_UD_SEND_ONLY_IMM);
	ck_assert_uint_eq(oi->ext_off[ROCE_EXT_DETH], 0);
	ck_assert_uint_eq(oi->ext_off[ROCE_EXT_IMMDT], 8);
	ck_assert_uint_eq(oi->ext_len, 12);

	oi = roce_opcode(ROCE_OP_FLUSH);
	ck_assert_uint_eq(oi->ext_off[ROCE_EXT_FETH], 0);
	ck_assert_uint_eq(oi->ext_off[ROCE_EXT_RETH], 4);
	ck_assert_uint_eq(oi->ext_len, 20);

	oi = roce_opcode(ROCE_OP_CNP);
	ck_assert_uint_eq(oi->ext_mask, ROCE_EXT_BIT(ROCE_EXT_CNP));
	ck_assert_uint_eq(oi->ext_len, 16);

	ck_assert_uint_eq(ROCE_OP_UC(ROCE_OP_SEND_ONLY), 0x24);
	ck_assert_uint_eq(ROCE_OP_RC(ROCE_OP_ACK), 0x11);
}
END_TEST

/* Present headers sit in enum (wire) order, back to back, and fill ext_len exactly. */
START_TEST(test_roce_opcode_offsets_contiguous)
{
	unsigned int op, e;

	for (op = 0; op < 256; op++) {
		const struct roce_opcode_info *oi = roce_opcode(op);
		unsigned int at = 0;

		if (!roce_opcode_valid(op))
			continue;
		for (e = 0; e < ROCE_EXT_MAX; e++) {
			if (!roce_opcode_has(oi, e))
				continue;
			ck_assert_msg(oi->ext_off[e] == at, "0x%02x ext %u at %u want %u", op, e,
				      oi->ext_off[e], at);
			at += roce_ext_len(e);
		}
		ck_assert_uint_eq(at, oi->ext_len);
	}
}
END_TEST

START_TEST(test_roce_opcode_position_flags)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(exp_ops); i++) {
		uint32_t f = roce_opcode(exp_ops[i].op)->flags;

		ck_assert_msg((f & POS_MASK) == exp_ops[i].pos, "0x%02x pos 0x%x want 0x%x",
			      exp_ops[i].op, f & POS_MASK, exp_ops[i].pos);
		/* MIDDLE never combines with FIRST or LAST. */
		if (f & ROCE_OPF_MIDDLE)
			ck_assert_uint_eq(f & ROCE_OPF_ONLY, 0);
		ck_assert_uint_ne(f & POS_MASK, 0);
	}
}
END_TEST

START_TEST(test_roce_opcode_payload_flag)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(exp_ops); i++) {
		uint32_t f = roce_opcode(exp_ops[i].op)->flags;

		ck_assert_msg(!!(f & ROCE_OPF_PAYLOAD) == exp_ops[i].payload, "0x%02x",
			      exp_ops[i].op);
	}
}
END_TEST

START_TEST(test_roce_opcode_acked)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(exp_ops); i++) {
		uint8_t op = exp_ops[i].op;
		uint32_t f = roce_opcode(op)->flags;
		bool rc_req = roce_opcode_transport(op) == ROCE_TRANSPORT_RC &&
			      (f & ROCE_OPF_REQ) != 0;

		ck_assert_msg(!!(f & ROCE_OPF_ACKED) == exp_ops[i].acked, "0x%02x", op);
		ck_assert_msg(!!(f & ROCE_OPF_ACKED) == rc_req, "0x%02x", op);
	}
}
END_TEST

START_TEST(test_roce_opcode_req_resp)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(exp_ops); i++) {
		uint8_t op = exp_ops[i].op;
		uint32_t f = roce_opcode(op)->flags;
		bool resp = op >= ROCE_OP_READ_RESP_FIRST && op <= ROCE_OP_ATOMIC_ACK;

		ck_assert_msg(!!(f & ROCE_OPF_RESP) == resp, "0x%02x resp", op);
		ck_assert_msg(!!(f & ROCE_OPF_REQ) == (!resp && op != ROCE_OP_CNP), "0x%02x", op);
	}
}
END_TEST

START_TEST(test_roce_opcode_kind_flags)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(exp_ops); i++) {
		uint32_t f = roce_opcode(exp_ops[i].op)->flags;

		ck_assert_msg((f & KIND_MASK) == exp_ops[i].kind, "0x%02x kind 0x%x want 0x%x",
			      exp_ops[i].op, f & KIND_MASK, exp_ops[i].kind);
	}
}
END_TEST

START_TEST(test_roce_opcode_transport)
{
	ck_assert_int_eq(roce_opcode_transport(0x00), ROCE_TRANSPORT_RC);
	ck_assert_int_eq(roce_opcode_transport(0x1d), ROCE_TRANSPORT_RC);
	ck_assert_int_eq(roce_opcode_transport(0x20), ROCE_TRANSPORT_UC);
	ck_assert_int_eq(roce_opcode_transport(0x2b), ROCE_TRANSPORT_UC);
	ck_assert_int_eq(roce_opcode_transport(0x40), ROCE_TRANSPORT_RD);
	ck_assert_int_eq(roce_opcode_transport(0x64), ROCE_TRANSPORT_UD);
	ck_assert_int_eq(roce_opcode_transport(0x65), ROCE_TRANSPORT_UD);
	ck_assert_int_eq(roce_opcode_transport(0x81), ROCE_TRANSPORT_CNP);
}
END_TEST

START_TEST(test_roce_opcode_names)
{
	unsigned int op;

	for (op = 0; op < 256; op++) {
		const char *n = roce_opcode(op)->name;
		const char *pfx;

		if (!roce_opcode_valid(op)) {
			ck_assert_ptr_null(n);
			continue;
		}
		ck_assert_ptr_nonnull(n);
		switch (roce_opcode_transport(op)) {
		case ROCE_TRANSPORT_RC:
			pfx = "RC ";
			break;
		case ROCE_TRANSPORT_UC:
			pfx = "UC ";
			break;
		case ROCE_TRANSPORT_UD:
			pfx = "UD ";
			break;
		default:
			pfx = "CNP";
			break;
		}
		ck_assert_msg(strncmp(n, pfx, strlen(pfx)) == 0, "0x%02x '%s'", op, n);
	}
}
END_TEST

START_TEST(test_roce_ext_len)
{
	ck_assert_uint_eq(roce_ext_len(ROCE_EXT_DETH), 8);
	ck_assert_uint_eq(roce_ext_len(ROCE_EXT_FETH), 4);
	ck_assert_uint_eq(roce_ext_len(ROCE_EXT_RETH), 16);
	ck_assert_uint_eq(roce_ext_len(ROCE_EXT_ATMETH), 28);
	ck_assert_uint_eq(roce_ext_len(ROCE_EXT_AETH), 4);
	ck_assert_uint_eq(roce_ext_len(ROCE_EXT_ATMACK), 8);
	ck_assert_uint_eq(roce_ext_len(ROCE_EXT_IMMDT), 4);
	ck_assert_uint_eq(roce_ext_len(ROCE_EXT_IETH), 4);
	ck_assert_uint_eq(roce_ext_len(ROCE_EXT_CNP), 16);
	ck_assert_uint_eq(roce_ext_len(ROCE_EXT_MAX), 0);
}
END_TEST

static Suite *
roce_opcode_suite(void)
{
	Suite *s = suite_create("roce_opcode");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_roce_opcode_valid_set);
	tcase_add_test(tc, test_roce_opcode_reserved_invalid);
	tcase_add_test(tc, test_roce_opcode_ext_layout);
	tcase_add_test(tc, test_roce_opcode_examples);
	tcase_add_test(tc, test_roce_opcode_offsets_contiguous);
	tcase_add_test(tc, test_roce_opcode_position_flags);
	tcase_add_test(tc, test_roce_opcode_payload_flag);
	tcase_add_test(tc, test_roce_opcode_acked);
	tcase_add_test(tc, test_roce_opcode_req_resp);
	tcase_add_test(tc, test_roce_opcode_kind_flags);
	tcase_add_test(tc, test_roce_opcode_transport);
	tcase_add_test(tc, test_roce_opcode_names);
	tcase_add_test(tc, test_roce_ext_len);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return test_run_suite(roce_opcode_suite());
}
