/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * roce_hdr.h: header sizes and field offsets against the IBA layout (IBA 9.2, 9.3), and
 * every accessor writing only its own bits.
 */
#include <stddef.h>

#include "test_util.h"

/* A BTH as raw bytes, so the tests can look at the wire image. */
union bth_raw {
	struct roce_bth h;
	uint8_t b[12];
};

START_TEST(test_roce_hdr_sizes)
{
	ck_assert_uint_eq(sizeof(struct roce_bth), 12);
	ck_assert_uint_eq(sizeof(struct roce_reth), 16);
	ck_assert_uint_eq(sizeof(struct roce_aeth), 4);
	ck_assert_uint_eq(sizeof(struct roce_atmeth), 28);
	ck_assert_uint_eq(sizeof(struct roce_atmack), 8);
	ck_assert_uint_eq(sizeof(struct roce_immdt), 4);
	ck_assert_uint_eq(sizeof(struct roce_ieth), 4);
	ck_assert_uint_eq(sizeof(struct roce_deth), 8);
	ck_assert_uint_eq(sizeof(struct roce_feth), 4);
	ck_assert_uint_eq(sizeof(struct roce_cnp), 16);
	ck_assert_uint_eq(ROCE_ICRC_LEN, 4);
	ck_assert_uint_eq(ROCE_UDP_DPORT, 4791);
	ck_assert_uint_eq(ROCE_GSI_QKEY, 0x80010000u);
}
END_TEST

START_TEST(test_roce_hdr_offsets)
{
	/* IBA 9.2: opcode, flags, P_Key, FECN/BECN/DestQP, AckReq/PSN. */
	ck_assert_uint_eq(offsetof(struct roce_bth, opcode), 0);
	ck_assert_uint_eq(offsetof(struct roce_bth, flags), 1);
	ck_assert_uint_eq(offsetof(struct roce_bth, pkey), 2);
	ck_assert_uint_eq(offsetof(struct roce_bth, qpn), 4);
	ck_assert_uint_eq(offsetof(struct roce_bth, apsn), 8);
	/* IBA 9.3.3 RETH: VA, R_Key, DMA length. */
	ck_assert_uint_eq(offsetof(struct roce_reth, va), 0);
	ck_assert_uint_eq(offsetof(struct roce_reth, rkey), 8);
	ck_assert_uint_eq(offsetof(struct roce_reth, len), 12);
	/* IBA 9.3.4 AtomicETH: VA, R_Key, swap/add, compare. */
	ck_assert_uint_eq(offsetof(struct roce_atmeth, va), 0);
	ck_assert_uint_eq(offsetof(struct roce_atmeth, rkey), 8);
	ck_assert_uint_eq(offsetof(struct roce_atmeth, swap_add), 12);
	ck_assert_uint_eq(offsetof(struct roce_atmeth, compare), 20);
	/* IBA 9.3.2 DETH: Q_Key, then reserved byte + source QP. */
	ck_assert_uint_eq(offsetof(struct roce_deth, qkey), 0);
	ck_assert_uint_eq(offsetof(struct roce_deth, sqpn), 4);
}
END_TEST

START_TEST(test_roce_bth_padcnt_neighbours)
{
	union bth_raw r;
	unsigned int pad, bits, tver;

	for (bits = 0; bits < 4; bits++) {
		for (tver = 0; tver < 16; tver++) {
			for (pad = 0; pad < 4; pad++) {
				memset(&r, 0xa5, sizeof(r));
				r.b[1] = 0;
				roce_bth_set_se(&r.h, bits & 1);
				roce_bth_set_migreq(&r.h, bits & 2);
				roce_bth_set_tver(&r.h, tver);
				roce_bth_set_padcnt(&r.h, pad);
				ck_assert_uint_eq(roce_bth_padcnt(&r.h), pad);
				ck_assert_uint_eq(roce_bth_tver(&r.h), tver);
				ck_assert(roce_bth_se(&r.h) == !!(bits & 1));
				ck_assert(roce_bth_migreq(&r.h) == !!(bits & 2));
				/* IBA 9.2: SE bit 7, MigReq bit 6, PadCnt bits 5:4, TVer 3:0. */
				ck_assert_uint_eq(r.b[1], (bits & 1) << 7 | (bits & 2) << 5 |
						  pad << 4 | tver);
				ck_assert_uint_eq(r.b[0], 0xa5);
				ck_assert_uint_eq(r.b[2], 0xa5);
			}
		}
	}
	/* Out-of-range values are cut to the field width, never spilling over. */
	r.b[1] = 0;
	roce_bth_set_padcnt(&r.h, 0xff);
	ck_assert_uint_eq(r.b[1], 0x30);
	r.b[1] = 0;
	roce_bth_set_tver(&r.h, 0xff);
	ck_assert_uint_eq(r.b[1], 0x0f);
}
END_TEST

START_TEST(test_roce_bth_se_migreq_toggle)
{
	union bth_raw r;

	memset(&r, 0, sizeof(r));
	r.b[1] = 0x3f;
	roce_bth_set_se(&r.h, true);
	ck_assert_uint_eq(r.b[1], 0xbf);
	roce_bth_set_migreq(&r.h, true);
	ck_assert_uint_eq(r.b[1], 0xff);
	roce_bth_set_se(&r.h, false);
	ck_assert_uint_eq(r.b[1], 0x7f);
	roce_bth_set_migreq(&r.h, false);
	ck_assert_uint_eq(r.b[1], 0x3f);
	ck_assert_uint_eq(roce_bth_padcnt(&r.h), 3);
	ck_assert_uint_eq(roce_bth_tver(&r.h), 15);
}
END_TEST

START_TEST(test_roce_bth_qpn_ecn_neighbours)
{
	static const uint32_t qpns[] = { 0, 1, 0x123456, 0x800000, 0xffffff };
	union bth_raw r;
	unsigned int i, ecn, resv;

	for (i = 0; i < RTE_DIM(qpns); i++) {
		for (ecn = 0; ecn < 4; ecn++) {
			for (resv = 0; resv < 2; resv++) {
				uint8_t top = (ecn & 1 ? 0x80 : 0) | (ecn & 2 ? 0x40 : 0) |
					      (resv ? 0x3f : 0);

				memset(&r, 0x5a, sizeof(r));
				r.b[4] = resv ? 0x3f : 0;
				roce_bth_set_ecn_bits(&r.h, ecn & 1, ecn & 2);
				/* High bits of the argument must not reach FECN/BECN. */
				roce_bth_set_qpn(&r.h, qpns[i] | 0xff000000u);
				roce_bth_set_qpn(&r.h, qpns[i]);
				ck_assert_uint_eq(roce_bth_qpn(&r.h), qpns[i]);
				ck_assert(roce_bth_fecn(&r.h) == !!(ecn & 1));
				ck_assert(roce_bth_becn(&r.h) == !!(ecn & 2));
				ck_assert_uint_eq(r.b[4], top);
				ck_assert_uint_eq(r.b[5], qpns[i] >> 16);
				ck_assert_uint_eq(r.b[6], (qpns[i] >> 8) & 0xff);
				ck_assert_uint_eq(r.b[7], qpns[i] & 0xff);
				ck_assert_uint_eq(r.b[3], 0x5a);
				ck_assert_uint_eq(r.b[8], 0x5a);
				/* ECN bits change, QPN and resv6 stay. */
				roce_bth_set_ecn_bits(&r.h, !(ecn & 1), !(ecn & 2));
				ck_assert_uint_eq(roce_bth_qpn(&r.h), qpns[i]);
				ck_assert_uint_eq(r.b[4], (uint8_t)((top ^ 0xc0)));
			}
		}
	}
}
END_TEST

START_TEST(test_roce_bth_psn_ackreq_neighbours)
{
	static const uint32_t psns[] = { 0, 1, 0x7fffff, 0x800000, 0xabcdef, 0xffffff };
	union bth_raw r;
	unsigned int i, ack;

	for (i = 0; i < RTE_DIM(psns); i++) {
		for (ack = 0; ack < 2; ack++) {
			memset(&r, 0xc3, sizeof(r));
			r.b[8] = 0x7f;		/* resv7 set: the setters must keep it */
			roce_bth_set_ackreq(&r.h, ack);
			roce_bth_set_psn(&r.h, psns[i] | 0xff000000u);
			ck_assert_uint_eq(roce_bth_psn(&r.h), psns[i]);
			ck_assert(roce_bth_ackreq(&r.h) == !!ack);
			ck_assert_uint_eq(r.b[8], (ack ? 0x80 : 0) | 0x7f);
			ck_assert_uint_eq(r.b[9], psns[i] >> 16);
			ck_assert_uint_eq(r.b[10], (psns[i] >> 8) & 0xff);
			ck_assert_uint_eq(r.b[11], psns[i] & 0xff);
			ck_assert_uint_eq(r.b[7], 0xc3);
			roce_bth_set_ackreq(&r.h, !ack);
			ck_assert_uint_eq(roce_bth_psn(&r.h), psns[i]);
			ck_assert(roce_bth_ackreq(&r.h) == !ack);
			ck_assert_uint_eq(r.b[8] & 0x7f, 0x7f);
		}
	}
}
END_TEST

START_TEST(test_roce_bth_wire_image)
{
	union bth_raw r;
	static const uint8_t want[12] = {
		0x0b, 0xa3, 0x80, 0x01, 0x80, 0xab, 0xcd, 0xef, 0x80, 0x12, 0x34, 0x56,
	};

	memset(&r, 0, sizeof(r));
	r.h.opcode = ROCE_OP_WRITE_ONLY_IMM;
	r.h.pkey = rte_cpu_to_be_16(0x8001);
	roce_bth_set_se(&r.h, true);
	roce_bth_set_padcnt(&r.h, 2);
	roce_bth_set_tver(&r.h, 3);
	roce_bth_set_qpn(&r.h, 0xabcdef);
	roce_bth_set_ecn_bits(&r.h, true, false);
	roce_bth_set_psn(&r.h, 0x123456);
	roce_bth_set_ackreq(&r.h, true);
	ck_assert_mem_eq(r.b, want, sizeof(want));
}
END_TEST

START_TEST(test_roce_aeth_set_get)
{
	static const uint32_t msns[] = { 0, 1, 0x654321, 0xffffff };
	uint8_t raw[8];
	struct roce_aeth *a = (struct roce_aeth *)(raw + 2);
	unsigned int s, i;

	for (s = 0; s < 256; s++) {
		for (i = 0; i < RTE_DIM(msns); i++) {
			memset(raw, 0xee, sizeof(raw));
			roce_aeth_set(a, s, msns[i] | 0xff000000u);
			ck_assert_uint_eq(roce_aeth_syndrome(a), s);
			ck_assert_uint_eq(roce_aeth_msn(a), msns[i]);
			ck_assert_uint_eq(raw[2], s);
			ck_assert_uint_eq(raw[3], msns[i] >> 16);
			ck_assert_uint_eq(raw[4], (msns[i] >> 8) & 0xff);
			ck_assert_uint_eq(raw[5], msns[i] & 0xff);
			ck_assert_uint_eq(raw[1], 0xee);
			ck_assert_uint_eq(raw[6], 0xee);
		}
	}
	/* Table 45: type in bits 6:5, code in 4:0. */
	roce_aeth_set(a, ROCE_AETH_NAK | ROCE_NAK_REMOTE_ACCESS, 7);
	ck_assert_uint_eq(roce_aeth_syndrome(a) & ROCE_AETH_TYPE_MASK, ROCE_AETH_NAK);
	ck_assert_uint_eq(roce_aeth_syndrome(a) & ROCE_AETH_CODE_MASK, ROCE_NAK_REMOTE_ACCESS);
	ck_assert_uint_eq(raw[2], 0x62);
}
END_TEST

START_TEST(test_roce_deth_sqpn)
{
	uint8_t raw[10];
	struct roce_deth *d = (struct roce_deth *)(raw + 1);

	memset(raw, 0x77, sizeof(raw));
	d->qkey = rte_cpu_to_be_32(ROCE_GSI_QKEY);
	roce_deth_set_sqpn(d, 0xff654321u);
	ck_assert_uint_eq(roce_deth_sqpn(d), 0x654321);
	ck_assert_uint_eq(rte_be_to_cpu_32(d->qkey), ROCE_GSI_QKEY);
	/* IBA 9.3.2: Q_Key bytes 0-3, reserved byte 4 (written as zero), source QP 5-7. */
	ck_assert_uint_eq(raw[1], 0x80);
	ck_assert_uint_eq(raw[2], 0x01);
	ck_assert_uint_eq(raw[5], 0x00);
	ck_assert_uint_eq(raw[6], 0x65);
	ck_assert_uint_eq(raw[7], 0x43);
	ck_assert_uint_eq(raw[8], 0x21);
	ck_assert_uint_eq(raw[0], 0x77);
	ck_assert_uint_eq(raw[9], 0x77);
	/* The reserved byte is ignored on read. */
	raw[5] = 0xff;
	ck_assert_uint_eq(roce_deth_sqpn(d), 0x654321);
}
END_TEST

static Suite *
roce_hdr_suite(void)
{
	Suite *s = suite_create("roce_hdr");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_roce_hdr_sizes);
	tcase_add_test(tc, test_roce_hdr_offsets);
	tcase_add_test(tc, test_roce_bth_padcnt_neighbours);
	tcase_add_test(tc, test_roce_bth_se_migreq_toggle);
	tcase_add_test(tc, test_roce_bth_qpn_ecn_neighbours);
	tcase_add_test(tc, test_roce_bth_psn_ackreq_neighbours);
	tcase_add_test(tc, test_roce_bth_wire_image);
	tcase_add_test(tc, test_roce_aeth_set_get);
	tcase_add_test(tc, test_roce_deth_sqpn);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return test_run_suite(roce_hdr_suite());
}
