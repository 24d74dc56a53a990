/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tgt_disc.c: the discovery log page built from the two entries nvmet listed and compared
 * byte for byte with its answer (capture frames 66 and 72-74); the windows a host may ask
 * for (header only, LPO, past the end, misaligned); bad entries; the SMART log against
 * nvmet's (frame 159) with the intended difference; the error and firmware-slot logs.
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "check_run.h"
#include "nvmf_admin.h"
#include "pcap_read.h"

#define CAPTURE		TEST_CAPTURES "/nvme_rdma_connect_io.pcap"
#define DISC_NQN	"nqn.2014-08.org.nvmexpress.discovery"
#define TEST_NQN	"nqn.2024-01.io.rxe-vm:test"
#define LOG2		(TGT_DISC_HDR_SIZE + 2 * TGT_DISC_ENTRY_SIZE)

#define F_DISC_HDR	66	/* WRITE_ONLY, 1024 B: NUMD 255, header only */
#define F_DISC_FULL	72	/* WRITE_FIRST..LAST 72-74, 3072 B */
#define F_SMART		159	/* WRITE_ONLY, 512 B */

static uint8_t page[LOG2], theirs[LOG2], win[LOG2 + 64];

/* The two entries of frame 74, as droce-tgt's caller would describe them. */
static const struct tgt_disc_entry capture_entries[2] = {
	{ .adrfam = TGT_ADRFAM_IPV4, .subtype = TGT_SUBTYPE_DISC,
	  .treq = TGT_TREQ_DISABLE_SQFLOW, .portid = 1, .cntlid = TGT_CNTLID_DYNAMIC, .asqsz = 32,
	  .trsvcid = "4420", .subnqn = DISC_NQN, .traddr = "192.168.77.11" },
	{ .adrfam = TGT_ADRFAM_IPV4, .subtype = TGT_SUBTYPE_NVME,
	  .treq = TGT_TREQ_DISABLE_SQFLOW, .portid = 1, .cntlid = TGT_CNTLID_DYNAMIC, .asqsz = 32,
	  .trsvcid = "4420", .subnqn = TEST_NQN, .traddr = "192.168.77.11" },
};

/* The payload nvmet wrote for a WRITE that starts in frame @first and has @npkts packets. */
static int
capture_write(unsigned int first, uint32_t npkts, uint8_t *buf, size_t len)
{
	return pcap_rdma_write_payload(CAPTURE, first, npkts, buf, len);
}

static void
build_capture_page(void)
{
	ck_assert_int_eq(tgt_disc_log_build(2, capture_entries, 2, page, sizeof(page)), LOG2);
}

START_TEST(test_tgt_disc_log_build_vs_nvmet)
{
	ck_assert_int_eq(capture_write(F_DISC_FULL, 3, theirs, sizeof(theirs)), 3);
	build_capture_page();
	/* Spelled-out fields first, so a misread capture cannot make the test pass. */
	ck_assert_uint_eq(pcap_le(theirs + TGT_DISC_GENCTR, 8), 2);
	ck_assert_uint_eq(pcap_le(theirs + TGT_DISC_NUMREC, 8), 2);
	ck_assert_uint_eq(theirs[1024 + TGT_DISCE_SUBTYPE], TGT_SUBTYPE_DISC);
	ck_assert_uint_eq(theirs[2048 + TGT_DISCE_SUBTYPE], TGT_SUBTYPE_NVME);
	ck_assert_mem_eq(theirs + 1024 + TGT_DISCE_TRSVCID, "4420\0\0\0\0", 8);
	ck_assert_str_eq((const char *)theirs + 2048 + TGT_DISCE_SUBNQN, TEST_NQN);
	ck_assert_uint_eq(pcap_le(page + 1024 + TGT_DISCE_CNTLID, 2), 0xffff);
	ck_assert_uint_eq(pcap_le(page + 1024 + TGT_DISCE_ASQSZ, 2), 32);
	ck_assert_uint_eq(pcap_le(page + 2048 + TGT_DISCE_TSAS, 4), 0x010101);
	ck_assert_mem_eq(page, theirs, LOG2);
}
END_TEST

/* Linux reads the header alone first (NUMD 255, frame 64), then the whole page. */
START_TEST(test_tgt_log_window_header_vs_nvmet)
{
	ck_assert_int_eq(capture_write(F_DISC_HDR, 1, theirs, 1024), 1);
	build_capture_page();
	memset(win, 0x77, sizeof(win));
	ck_assert_int_eq(tgt_log_window(page, LOG2, 0, win, 1024), 1024);
	ck_assert_mem_eq(win, theirs, 1024);
	ck_assert_uint_eq(win[1024], 0x77);	/* nothing written past the window */
}
END_TEST

START_TEST(test_tgt_log_window_offsets)
{
	build_capture_page();
	/* A short window: GENCTR, NUMREC and RECFMT only. */
	memset(win, 0x77, sizeof(win));
	ck_assert_int_eq(tgt_log_window(page, LOG2, 0, win, 20), 20);
	ck_assert_uint_eq(pcap_le(win, 8), 2);
	ck_assert_uint_eq(pcap_le(win + 8, 8), 2);
	ck_assert_uint_eq(pcap_le(win + 16, 4), 0);
	ck_assert_uint_eq(win[20], 0x77);
	/* LPO at the second entry. */
	ck_assert_int_eq(tgt_log_window(page, LOG2, 2048, win, 1024), 1024);
	ck_assert_mem_eq(win, page + 2048, 1024);
	/* LPO in the middle of an entry: its subnqn. */
	ck_assert_int_eq(tgt_log_window(page, LOG2, 2048 + 256, win, 32), 32);
	ck_assert_mem_eq(win, TEST_NQN, sizeof(TEST_NQN));
	/* A window running past the end: the rest reads as zero. */
	memset(win, 0x77, sizeof(win));
	ck_assert_int_eq(tgt_log_window(page, LOG2, 2048, win, 2048), 2048);
	ck_assert_mem_eq(win, page + 2048, 1024);
	ck_assert_uint_eq(win[1024], 0);
	ck_assert_uint_eq(win[2047], 0);
	ck_assert_uint_eq(win[2048], 0x77);
	/* LPO exactly at the end: all zero. */
	memset(win, 0x77, sizeof(win));
	ck_assert_int_eq(tgt_log_window(page, LOG2, LOG2, win, 8), 8);
	ck_assert_uint_eq(pcap_le(win, 8), 0);
}
END_TEST

START_TEST(test_tgt_log_window_bad)
{
	build_capture_page();
	ck_assert_int_eq(tgt_log_window(page, LOG2, 2, win, 4), -EINVAL);	/* not dword */
	ck_assert_int_eq(tgt_log_window(page, LOG2, LOG2 + 4, win, 4), -EINVAL);
	ck_assert_int_eq(tgt_log_window(page, LOG2, 1ull << 40, win, 4), -EINVAL);
	ck_assert_int_eq(tgt_log_window(page, LOG2, 0, win, 0), -EINVAL);
	ck_assert_int_eq(tgt_log_window(page, LOG2, 0, NULL, 4), -EINVAL);
	ck_assert_int_eq(tgt_log_window(NULL, LOG2, 0, win, 4), -EINVAL);
}
END_TEST

START_TEST(test_tgt_disc_log_build_empty_ipv6)
{
	struct tgt_disc_entry e = capture_entries[1];

	ck_assert_uint_eq(tgt_disc_log_size(0), 1024);
	ck_assert_uint_eq(tgt_disc_log_size(3), 4096);
	memset(page, 0x77, sizeof(page));
	ck_assert_int_eq(tgt_disc_log_build(9, NULL, 0, page, 1024), 1024);
	ck_assert_uint_eq(pcap_le(page, 8), 9);
	ck_assert_uint_eq(pcap_le(page + 8, 8), 0);
	ck_assert_uint_eq(page[1023], 0);
	ck_assert_uint_eq(page[1024], 0x77);
	e.adrfam = TGT_ADRFAM_IPV6;
	e.traddr = "fd00:77::11";
	e.trsvcid = "4421";
	e.treq = 0;
	e.portid = 0x1234;
	e.cntlid = 0x0042;
	e.asqsz = 0x0100;
	e.eflags = 0x0003;
	ck_assert_int_eq(tgt_disc_log_build(0x1122334455667788ull, &e, 1, page, 2048), 2048);
	ck_assert_uint_eq(pcap_le(page, 8), 0x1122334455667788ull);
	ck_assert_uint_eq(page[1024 + TGT_DISCE_TRTYPE], TGT_TRTYPE_RDMA);
	ck_assert_uint_eq(page[1024 + TGT_DISCE_ADRFAM], 2);
	ck_assert_uint_eq(page[1024 + TGT_DISCE_TREQ], 0);
	ck_assert_uint_eq(pcap_le(page + 1024 + TGT_DISCE_PORTID, 2), 0x1234);
	ck_assert_uint_eq(pcap_le(page + 1024 + TGT_DISCE_CNTLID, 2), 0x0042);
	ck_assert_uint_eq(pcap_le(page + 1024 + TGT_DISCE_ASQSZ, 2), 0x0100);
	ck_assert_uint_eq(pcap_le(page + 1024 + TGT_DISCE_EFLAGS, 2), 0x0003);
	ck_assert_str_eq((const char *)page + 1024 + TGT_DISCE_TRADDR, "fd00:77::11");
	ck_assert_str_eq((const char *)page + 1024 + TGT_DISCE_TRSVCID, "4421");
}
END_TEST

START_TEST(test_tgt_disc_log_build_bad)
{
	struct tgt_disc_entry e[2] = { capture_entries[0], capture_entries[1] };
	char svc[33];

	ck_assert_int_eq(tgt_disc_log_build(2, e, 2, page, LOG2 - 1), -ENOSPC);
	ck_assert_int_eq(tgt_disc_log_build(2, e, 2, page, 0), -ENOSPC);
	ck_assert_int_eq(tgt_disc_log_build(2, e, 2, NULL, LOG2), -EINVAL);
	ck_assert_int_eq(tgt_disc_log_build(2, NULL, 2, page, LOG2), -EINVAL);
	e[1].adrfam = 3;	/* InfiniBand: not an RDMA-over-IP address */
	ck_assert_int_eq(tgt_disc_log_build(2, e, 2, page, LOG2), -EINVAL);
	/* A refused page is not left half built. */
	ck_assert_uint_eq(pcap_le(page, 8), 0);
	e[1] = capture_entries[1];
	e[1].subtype = 0;
	ck_assert_int_eq(tgt_disc_log_build(2, e, 2, page, LOG2), -EINVAL);
	e[1].subtype = 4;
	ck_assert_int_eq(tgt_disc_log_build(2, e, 2, page, LOG2), -EINVAL);
	e[1] = capture_entries[1];
	memset(svc, '1', 32);
	svc[32] = '\0';
	e[1].trsvcid = svc;	/* 32 chars leave no NUL */
	ck_assert_int_eq(tgt_disc_log_build(2, e, 2, page, LOG2), -EINVAL);
	svc[31] = '\0';
	ck_assert_int_eq(tgt_disc_log_build(2, e, 2, page, LOG2), LOG2);
	e[1].traddr = NULL;
	ck_assert_int_eq(tgt_disc_log_build(2, e, 2, page, LOG2), -EINVAL);
}
END_TEST

START_TEST(test_tgt_log_smart_vs_nvmet)
{
	struct pcap_file pf;
	struct pcap_roce r;
	uint8_t smart[TGT_SMART_LOG_SIZE];

	ck_assert_int_eq(pcap_open(&pf, CAPTURE), 0);
	ck_assert_int_eq(pcap_roce(&pf, F_SMART, &r), 0);
	ck_assert_uint_eq(r.opcode, 0x0a);	/* RDMA WRITE ONLY */
	ck_assert_uint_eq(r.len, TGT_SMART_LOG_SIZE);
	memcpy(theirs, r.payload, r.len);
	pcap_close(&pf);
	memset(smart, 0x77, sizeof(smart));
	ck_assert_int_eq(tgt_log_smart(NULL, smart, sizeof(smart)), TGT_SMART_LOG_SIZE);
	/* The one intended difference: available spare 100% (nvmet: 0). */
	ck_assert_uint_eq(theirs[3], 0);
	ck_assert_uint_eq(smart[3], 100);
	smart[3] = 0;
	ck_assert_mem_eq(smart, theirs, TGT_SMART_LOG_SIZE);
}
END_TEST

START_TEST(test_tgt_log_smart_counters)
{
	struct tgt_smart_info s = { .critical_warning = 0x8, .temperature_k = 310,
				    .data_units_read = 0x0102030405060708ull,
				    .data_units_written = 5, .host_reads = 6, .host_writes = 7,
				    .power_on_hours = 8 };
	uint8_t smart[TGT_SMART_LOG_SIZE + 1];

	smart[TGT_SMART_LOG_SIZE] = 0x77;
	ck_assert_int_eq(tgt_log_smart(&s, smart, sizeof(smart)), TGT_SMART_LOG_SIZE);
	ck_assert_uint_eq(smart[0], 0x8);
	ck_assert_uint_eq(pcap_le(smart + 1, 2), 310);
	ck_assert_uint_eq(pcap_le(smart + 32, 8), 0x0102030405060708ull);
	ck_assert_uint_eq(pcap_le(smart + 40, 8), 0);	/* high half of the 128-bit counter */
	ck_assert_uint_eq(pcap_le(smart + 48, 8), 5);
	ck_assert_uint_eq(pcap_le(smart + 64, 8), 6);
	ck_assert_uint_eq(pcap_le(smart + 80, 8), 7);
	ck_assert_uint_eq(pcap_le(smart + 128, 8), 8);
	ck_assert_uint_eq(pcap_le(smart + 144, 8), 0);	/* unsafe shutdowns: not known */
	ck_assert_uint_eq(smart[TGT_SMART_LOG_SIZE], 0x77);
	ck_assert_int_eq(tgt_log_smart(&s, smart, 511), -ENOSPC);
	ck_assert_int_eq(tgt_log_smart(&s, NULL, 512), -EINVAL);
}
END_TEST

START_TEST(test_tgt_log_error)
{
	uint8_t log[3 * TGT_ERROR_ENTRY_SIZE];

	memset(log, 0x77, sizeof(log));
	ck_assert_int_eq(tgt_log_error(log, sizeof(log)), (int)sizeof(log));
	ck_assert_uint_eq(pcap_le(log, 8), 0);	/* error count 0: no error */
	ck_assert_uint_eq(log[sizeof(log) - 1], 0);
	ck_assert_int_eq(tgt_log_error(log, 0), -EINVAL);
	ck_assert_int_eq(tgt_log_error(NULL, 64), -EINVAL);
}
END_TEST

START_TEST(test_tgt_log_fw_slot)
{
	uint8_t log[TGT_FW_LOG_SIZE];

	memset(log, 0x77, sizeof(log));
	ck_assert_int_eq(tgt_log_fw_slot("0.1.0", log, sizeof(log)), TGT_FW_LOG_SIZE);
	ck_assert_uint_eq(log[0], 1);			/* AFI: slot 1 active */
	ck_assert_mem_eq(log + 8, "0.1.0   ", 8);	/* FRS1 */
	ck_assert_uint_eq(pcap_le(log + 16, 8), 0);		/* FRS2 empty */
	ck_assert_uint_eq(log[TGT_FW_LOG_SIZE - 1], 0);
	ck_assert_int_eq(tgt_log_fw_slot("123456789", log, sizeof(log)), -EINVAL);
	ck_assert_int_eq(tgt_log_fw_slot(NULL, log, sizeof(log)), -EINVAL);
	ck_assert_int_eq(tgt_log_fw_slot("1", log, 100), -ENOSPC);
}
END_TEST

static Suite *
disc_suite(void)
{
	Suite *s = suite_create("tgt_disc");
	TCase *tc = tcase_create("disc");

	tcase_add_test(tc, test_tgt_disc_log_build_vs_nvmet);
	tcase_add_test(tc, test_tgt_log_window_header_vs_nvmet);
	tcase_add_test(tc, test_tgt_log_window_offsets);
	tcase_add_test(tc, test_tgt_log_window_bad);
	tcase_add_test(tc, test_tgt_disc_log_build_empty_ipv6);
	tcase_add_test(tc, test_tgt_disc_log_build_bad);
	tcase_add_test(tc, test_tgt_log_smart_vs_nvmet);
	tcase_add_test(tc, test_tgt_log_smart_counters);
	tcase_add_test(tc, test_tgt_log_error);
	tcase_add_test(tc, test_tgt_log_fw_slot);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return test_run_suite(disc_suite());
}
