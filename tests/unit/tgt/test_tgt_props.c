/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tgt_props.c: the controller register machine driven through the exact Property Get/Set
 * sequence Linux 6.1 sent to nvmet (capture frames 12-38 and 78-84), with each answer
 * compared to the CQE nvmet sent; then every refused input and every CC transition.
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "check_run.h"
#include "nvmf_admin.h"
#include "pcap_read.h"

#define CAPTURE	TEST_CAPTURES "/nvme_rdma_connect_io.pcap"

/*
 * nvmet's CAP in the capture is 0x000008200f00007f. Ours for the same queue depth (128)
 * differs only in CQR (bit 16), which NVMe-oF 1.1 3.5 requires to be 1.
 */
#define NVMET_CAP	0x000008200f00007full
#define OUR_CAP_128	(NVMET_CAP | (1ull << 16))

static struct tgt_regs regs;

static void
setup(void)
{
	ck_assert_int_eq(tgt_regs_init(&regs, 128, TGT_CAP_TO_DEFAULT, false), 0);
}

static uint64_t
get(uint32_t off, unsigned int size)
{
	uint64_t v = 0xdeadbeefdeadbeefull;

	ck_assert_int_eq(tgt_prop_get(&regs, off, size, &v), 0);
	return v;
}

/* DW0 | DW1 << 32 of the CQE nvmet sent in frame @n (a SEND carrying the 16-byte CQE). */
static uint64_t
capture_cqe(const struct pcap_file *pf, unsigned int n)
{
	struct pcap_roce r;
	uint64_t v = 0;
	int i;

	ck_assert_int_eq(pcap_roce(pf, n, &r), 0);
	ck_assert_uint_eq(r.len, 16);
	for (i = 7; i >= 0; i--)
		v = v << 8 | r.payload[i];
	return v;
}

START_TEST(test_tgt_regs_init_cap)
{
	uint64_t cap = get(NVMF_PROP_CAP, 8);

	ck_assert_uint_eq(cap, OUR_CAP_128);
	ck_assert_uint_eq(cap & 0xffff, 127);		/* MQES, 0-based */
	ck_assert_uint_eq((cap >> 16) & 1, 1);		/* CQR */
	ck_assert_uint_eq((cap >> 24) & 0xff, 15);	/* TO: 7.5 s */
	ck_assert_uint_eq((cap >> 32) & 0xf, 0);	/* DSTRD */
	ck_assert_uint_eq((cap >> 37) & 0xff, 0x41);	/* CSS: NVM + I/O command sets */
	ck_assert_uint_eq((cap >> 48) & 0xff, 0);	/* MPSMIN, MPSMAX: 4 KiB */
	ck_assert_int_eq(tgt_regs_init(&regs, 32, 1, true), 0);
	ck_assert_uint_eq(get(NVMF_PROP_CAP, 8) & 0xffffffff, 0x0101001f);
	ck_assert_uint_eq(get(NVMF_PROP_CC, 4), 0);
	ck_assert_uint_eq(get(NVMF_PROP_CSTS, 4), 0);
}
END_TEST

START_TEST(test_tgt_regs_init_bad)
{
	ck_assert_int_eq(tgt_regs_init(NULL, 128, 15, false), -EINVAL);
	ck_assert_int_eq(tgt_regs_init(&regs, 1, 15, false), -EINVAL);
	ck_assert_int_eq(tgt_regs_init(&regs, 65537, 15, false), -EINVAL);
	ck_assert_int_eq(tgt_regs_init(&regs, 128, 0, false), -EINVAL);
	ck_assert_int_eq(tgt_regs_init(&regs, 65536, 15, false), 0);
	ck_assert_uint_eq(get(NVMF_PROP_CAP, 8) & 0xffff, 0xffff);
}
END_TEST

/* The discovery (frames 12-84) and I/O admin (97-123, 393-399) sequences are the same. */
static void
linux_sequence(const struct pcap_file *pf, const unsigned int *f)
{
	ck_assert_uint_eq(get(NVMF_PROP_CAP, 8), capture_cqe(pf, f[0]) | (1ull << 16));
	ck_assert_int_eq(tgt_prop_set(&regs, NVMF_PROP_CC, 4, 0x00460060), 0);
	ck_assert_uint_eq(capture_cqe(pf, f[1]), 0);
	ck_assert_uint_eq(get(NVMF_PROP_CC, 4), capture_cqe(pf, f[2]));
	ck_assert_uint_eq(get(NVMF_PROP_CAP, 8), capture_cqe(pf, f[3]) | (1ull << 16));
	ck_assert_int_eq(tgt_prop_set(&regs, NVMF_PROP_CC, 4, 0x00460061), TGT_CC_EV_ENABLE);
	ck_assert(tgt_regs_ready(&regs));
	ck_assert_uint_eq(get(NVMF_PROP_CSTS, 4), capture_cqe(pf, f[4]));
	ck_assert_uint_eq(get(NVMF_PROP_VS, 4), capture_cqe(pf, f[5]));
	ck_assert_int_eq(tgt_prop_set(&regs, NVMF_PROP_CC, 4, 0x00464061), TGT_CC_EV_SHUTDOWN);
	ck_assert_uint_eq(get(NVMF_PROP_CSTS, 4), capture_cqe(pf, f[6]));
	ck_assert(!tgt_regs_ready(&regs));
}

START_TEST(test_tgt_prop_linux_sequence)
{
	static const unsigned int disc[] = { 14, 18, 22, 26, 34, 38, 84 };
	static const unsigned int io[] = { 99, 103, 107, 111, 119, 123, 399 };
	struct pcap_file pf;

	ck_assert_int_eq(pcap_open(&pf, CAPTURE), 0);
	/* The values nvmet sent, spelled out so the test cannot pass on a misread capture. */
	ck_assert_uint_eq(capture_cqe(&pf, 14), NVMET_CAP);
	ck_assert_uint_eq(capture_cqe(&pf, 22), 0x00460060);
	ck_assert_uint_eq(capture_cqe(&pf, 34), 0x1);
	ck_assert_uint_eq(capture_cqe(&pf, 38), TGT_VS_1_3);
	ck_assert_uint_eq(capture_cqe(&pf, 84), 0x8);
	ck_assert_int_eq(tgt_regs_init(&regs, 128, TGT_CAP_TO_DEFAULT, true), 0);
	linux_sequence(&pf, disc);
	ck_assert_int_eq(tgt_regs_init(&regs, 128, TGT_CAP_TO_DEFAULT, false), 0);
	linux_sequence(&pf, io);
	pcap_close(&pf);
}
END_TEST

START_TEST(test_tgt_prop_get_bad)
{
	uint64_t v = 77;

	ck_assert_int_eq(tgt_prop_get(&regs, NVMF_PROP_CAP, 4, &v), -EINVAL);
	ck_assert_int_eq(tgt_prop_get(&regs, NVMF_PROP_VS, 8, &v), -EINVAL);
	ck_assert_int_eq(tgt_prop_get(&regs, NVMF_PROP_CC, 8, &v), -EINVAL);
	ck_assert_int_eq(tgt_prop_get(&regs, NVMF_PROP_CSTS, 2, &v), -EINVAL);
	ck_assert_int_eq(tgt_prop_get(&regs, 0x04, 4, &v), -EINVAL);	/* CAP's high half */
	ck_assert_int_eq(tgt_prop_get(&regs, 0x0c, 4, &v), -EINVAL);	/* INTMS: PCIe only */
	ck_assert_int_eq(tgt_prop_get(&regs, 0x20, 4, &v), -EINVAL);	/* NSSR */
	ck_assert_int_eq(tgt_prop_get(&regs, 0x24, 4, &v), -EINVAL);	/* AQA */
	ck_assert_int_eq(tgt_prop_get(&regs, 0x1000, 4, &v), -EINVAL);
	ck_assert_int_eq(tgt_prop_get(NULL, NVMF_PROP_VS, 4, &v), -EINVAL);
	ck_assert_int_eq(tgt_prop_get(&regs, NVMF_PROP_VS, 4, NULL), -EINVAL);
	ck_assert_uint_eq(v, 77);
}
END_TEST

START_TEST(test_tgt_prop_set_bad)
{
	ck_assert_int_eq(tgt_prop_set(&regs, NVMF_PROP_CAP, 8, 0), -EINVAL);
	ck_assert_int_eq(tgt_prop_set(&regs, NVMF_PROP_VS, 4, 0x10400), -EINVAL);
	ck_assert_int_eq(tgt_prop_set(&regs, NVMF_PROP_CSTS, 4, 1), -EINVAL);
	ck_assert_int_eq(tgt_prop_set(&regs, NVMF_PROP_CC, 8, 0x00460061), -EINVAL);
	ck_assert_int_eq(tgt_prop_set(&regs, NVMF_PROP_CC, 4, 0x100460061ull), -EINVAL);
	ck_assert_int_eq(tgt_prop_set(&regs, 0x20, 4, 0x4e564d65), -EINVAL);	/* NSSR */
	ck_assert_int_eq(tgt_prop_set(NULL, NVMF_PROP_CC, 4, 1), -EINVAL);
	/* Nothing changed. */
	ck_assert_uint_eq(get(NVMF_PROP_CC, 4), 0);
	ck_assert_uint_eq(get(NVMF_PROP_CSTS, 4), 0);
	ck_assert_uint_eq(get(NVMF_PROP_VS, 4), TGT_VS_1_3);
}
END_TEST

START_TEST(test_tgt_prop_size)
{
	ck_assert_int_eq(tgt_prop_size(0), 4);
	ck_assert_int_eq(tgt_prop_size(1), 8);
	ck_assert_int_eq(tgt_prop_size(0xf8), 4);	/* bits 7:3 reserved, ignored */
	ck_assert_int_eq(tgt_prop_size(2), -EINVAL);
	ck_assert_int_eq(tgt_prop_size(7), -EINVAL);
}
END_TEST

/* EN 0->1 with a configuration the controller cannot run: CFS, no RDY, write succeeds. */
static void
assert_refused(uint32_t cc)
{
	setup();
	ck_assert_int_eq(tgt_prop_set(&regs, NVMF_PROP_CC, 4, cc), TGT_CC_EV_FATAL);
	ck_assert_uint_eq(get(NVMF_PROP_CSTS, 4), TGT_CSTS_CFS);
	ck_assert_uint_eq(get(NVMF_PROP_CC, 4), cc);
	ck_assert(!tgt_regs_ready(&regs));
}

START_TEST(test_tgt_prop_set_enable_refused)
{
	assert_refused(0x00470061);	/* IOSQES 7 */
	assert_refused(0x00450061);	/* IOSQES 5 */
	assert_refused(0x00360061);	/* IOCQES 3 */
	assert_refused(0x00000001);	/* IOSQES/IOCQES left 0 */
	assert_refused(0x00460071);	/* CSS 111b: admin only, not in CAP.CSS */
	assert_refused(0x00460011);	/* CSS 001b reserved */
	assert_refused(0x004600e1);	/* MPS 1 (8 KiB) > MPSMAX */
	assert_refused(0x00460861);	/* AMS 1 (WRR) not in CAP.AMS */
	/* A reset clears CFS so the host can try again with a good CC. */
	ck_assert_int_eq(tgt_prop_set(&regs, NVMF_PROP_CC, 4, 0x00460060), TGT_CC_EV_RESET);
	ck_assert_uint_eq(get(NVMF_PROP_CSTS, 4), 0);
	ck_assert_int_eq(tgt_prop_set(&regs, NVMF_PROP_CC, 4, 0x00460061), TGT_CC_EV_ENABLE);
	ck_assert_uint_eq(get(NVMF_PROP_CSTS, 4), TGT_CSTS_RDY);
}
END_TEST

START_TEST(test_tgt_prop_set_enable_css_nvm)
{
	ck_assert_int_eq(tgt_prop_set(&regs, NVMF_PROP_CC, 4, 0x00460001), TGT_CC_EV_ENABLE);
	ck_assert(tgt_regs_ready(&regs));
}
END_TEST

/* nvmet does not check IOSQES/IOCQES on a discovery controller; neither do we. */
START_TEST(test_tgt_prop_set_enable_discovery)
{
	ck_assert_int_eq(tgt_regs_init(&regs, 32, 15, true), 0);
	ck_assert_int_eq(tgt_prop_set(&regs, NVMF_PROP_CC, 4, 0x00000001), TGT_CC_EV_ENABLE);
	ck_assert_uint_eq(get(NVMF_PROP_CSTS, 4), TGT_CSTS_RDY);
	ck_assert_int_eq(tgt_regs_init(&regs, 32, 15, true), 0);
	ck_assert_int_eq(tgt_prop_set(&regs, NVMF_PROP_CC, 4, 0x000000e1), TGT_CC_EV_FATAL);
}
END_TEST

START_TEST(test_tgt_prop_set_reset)
{
	ck_assert_int_eq(tgt_prop_set(&regs, NVMF_PROP_CC, 4, 0x00460061), TGT_CC_EV_ENABLE);
	/* Rewriting EN=1 is no transition. */
	ck_assert_int_eq(tgt_prop_set(&regs, NVMF_PROP_CC, 4, 0x00460061), 0);
	ck_assert_int_eq(tgt_prop_set(&regs, NVMF_PROP_CC, 4, 0x00460060), TGT_CC_EV_RESET);
	ck_assert_uint_eq(get(NVMF_PROP_CSTS, 4), 0);
	ck_assert_uint_eq(get(NVMF_PROP_CC, 4), 0x00460060);
	ck_assert(!tgt_regs_ready(&regs));
	/* EN=0 again: nothing to tear down. */
	ck_assert_int_eq(tgt_prop_set(&regs, NVMF_PROP_CC, 4, 0x00460060), 0);
	ck_assert_int_eq(tgt_prop_set(&regs, NVMF_PROP_CC, 4, 0x00460061), TGT_CC_EV_ENABLE);
	ck_assert(tgt_regs_ready(&regs));
}
END_TEST

START_TEST(test_tgt_prop_set_shutdown)
{
	ck_assert_int_eq(tgt_prop_set(&regs, NVMF_PROP_CC, 4, 0x00460061), TGT_CC_EV_ENABLE);
	/* SHN 10b (abrupt) is reported the same way as 01b. */
	ck_assert_int_eq(tgt_prop_set(&regs, NVMF_PROP_CC, 4, 0x00468061), TGT_CC_EV_SHUTDOWN);
	ck_assert_uint_eq(get(NVMF_PROP_CSTS, 4), TGT_CSTS_SHST_CMPLT);
	/* A second SHN write is no new shutdown. */
	ck_assert_int_eq(tgt_prop_set(&regs, NVMF_PROP_CC, 4, 0x00464061), 0);
	/* SHN and EN cleared together: a reset, and SHST goes back to 00b. */
	ck_assert_int_eq(tgt_prop_set(&regs, NVMF_PROP_CC, 4, 0x00460060), TGT_CC_EV_RESET);
	ck_assert_uint_eq(get(NVMF_PROP_CSTS, 4), 0);
	/* Shutdown while disabled (host tearing down an unused controller). */
	ck_assert_int_eq(tgt_prop_set(&regs, NVMF_PROP_CC, 4, 0x00464060), TGT_CC_EV_SHUTDOWN);
	ck_assert_uint_eq(get(NVMF_PROP_CSTS, 4), TGT_CSTS_SHST_CMPLT);
	ck_assert_int_eq(tgt_prop_set(&regs, NVMF_PROP_CC, 4, 0x00460060), 0);
	ck_assert_uint_eq(get(NVMF_PROP_CSTS, 4), 0);
}
END_TEST

START_TEST(test_tgt_prop_set_enable_and_shutdown)
{
	ck_assert_int_eq(tgt_prop_set(&regs, NVMF_PROP_CC, 4, 0x00464061),
			 TGT_CC_EV_ENABLE | TGT_CC_EV_SHUTDOWN);
	ck_assert_uint_eq(get(NVMF_PROP_CSTS, 4), TGT_CSTS_SHST_CMPLT);
	ck_assert(!tgt_regs_ready(&regs));
}
END_TEST

static Suite *
props_suite(void)
{
	Suite *s = suite_create("tgt_props");
	TCase *tc = tcase_create("props");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_tgt_regs_init_cap);
	tcase_add_test(tc, test_tgt_regs_init_bad);
	tcase_add_test(tc, test_tgt_prop_linux_sequence);
	tcase_add_test(tc, test_tgt_prop_get_bad);
	tcase_add_test(tc, test_tgt_prop_set_bad);
	tcase_add_test(tc, test_tgt_prop_size);
	tcase_add_test(tc, test_tgt_prop_set_enable_refused);
	tcase_add_test(tc, test_tgt_prop_set_enable_css_nvm);
	tcase_add_test(tc, test_tgt_prop_set_enable_discovery);
	tcase_add_test(tc, test_tgt_prop_set_reset);
	tcase_add_test(tc, test_tgt_prop_set_shutdown);
	tcase_add_test(tc, test_tgt_prop_set_enable_and_shutdown);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return test_run_suite(props_suite());
}
