/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tgt_identify.c: every Identify page compared with the page Linux nvmet sent in
 * nvme_rdma_connect_io.pcap (RDMA WRITE payloads reassembled by PSN). Each intended
 * difference is listed with nvmet's value and ours; every other byte must be equal.
 * Then the bad inputs: inactive or invalid NSIDs, short buffers, strings that do not fit.
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "check_run.h"
#include "nvmf_admin.h"
#include "pcap_read.h"

#define CAPTURE		TEST_CAPTURES "/nvme_rdma_connect_io.pcap"
#define PAGE		TGT_ID_PAGE_SIZE
#define DISC_NQN	"nqn.2014-08.org.nvmexpress.discovery"
#define TEST_NQN	"nqn.2024-01.io.rxe-vm:test"

/* The 1-based frame of the WRITE_FIRST of each Identify answer in the capture. */
#define F_ID_DISC	42	/* discovery controller, CNS 01, frames 42-45 */
#define F_ID_CTRL	127	/* I/O controller, CNS 01, frames 127-130 */
#define F_ID_CS		183	/* CNS 06 CSI 0, frames 183-186 */
#define F_ID_NSLIST	192	/* CNS 02, frames 192-195 */
#define F_ID_DESC	201	/* CNS 03 nsid 1, frames 201-204 */
#define F_ID_NS		210	/* CNS 00 nsid 1, frames 210-213 */

/* A field whose value droce-tgt chooses differently from nvmet. */
struct diff {
	const char *name;
	unsigned int off, len;
	uint64_t nvmet, ours;
};

static uint8_t theirs[PAGE], ours[PAGE];

/* The 4 KiB page nvmet wrote, starting at the WRITE_FIRST in frame @first. */
static void
capture_page(unsigned int first, uint8_t *buf)
{
	struct pcap_file pf;
	struct pcap_roce r;
	struct pcap_xfer x;

	ck_assert_int_eq(pcap_open(&pf, CAPTURE), 0);
	ck_assert_int_eq(pcap_roce(&pf, first, &r), 0);
	ck_assert_uint_eq(r.opcode, 0x06);			/* RDMA WRITE FIRST */
	ck_assert_ptr_nonnull(r.reth);
	ck_assert_uint_eq((uint32_t)r.reth[12] << 24 | (uint32_t)r.reth[13] << 16 |
			  (uint32_t)r.reth[14] << 8 | r.reth[15], PAGE);	/* DMA length */
	x = (struct pcap_xfer){ .first_frame = first, .last_frame = first + 8,
				.dqpn = r.dqpn, .psn = r.psn, .npkts = 4, .mtu = 1024 };
	memset(buf, 0xa5, PAGE);
	/* These transfers are complete in the capture: all four packets must be there. */
	ck_assert_int_eq(pcap_rdma_reassemble(&pf, &x, buf, PAGE), 4);
	pcap_close(&pf);
}

/*
 * Check each listed difference on both pages, make the two pages agree there, then require
 * every other byte to be identical.
 */
static void
assert_page(const struct diff *d, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		ck_assert_msg(pcap_le(theirs + d[i].off, d[i].len) == d[i].nvmet,
			      "%s: nvmet 0x%llx", d[i].name,
			      (unsigned long long)pcap_le(theirs + d[i].off, d[i].len));
		ck_assert_msg(pcap_le(ours + d[i].off, d[i].len) == d[i].ours, "%s: ours 0x%llx",
			      d[i].name, (unsigned long long)pcap_le(ours + d[i].off, d[i].len));
		memcpy(ours + d[i].off, theirs + d[i].off, d[i].len);
	}
	for (i = 0; i < PAGE; i++)
		ck_assert_msg(ours[i] == theirs[i], "byte %zu: ours 0x%02x nvmet 0x%02x", i,
			      ours[i], theirs[i]);
}

/* SN, MN, FR are ours by design; check nvmet's and ours, then take nvmet's. */
static void
assert_strings(const char *sn, const char *mn, const char *fr)
{
	ck_assert_mem_eq(theirs + TGT_IDC_SN, sn, TGT_SN_LEN);
	ck_assert_mem_eq(theirs + TGT_IDC_MN, "Linux                                   ",
			 TGT_MN_LEN);
	ck_assert_mem_eq(theirs + TGT_IDC_FR, "6.1.0-56", TGT_FR_LEN);
	ck_assert_mem_eq(ours + TGT_IDC_SN, "DROCE00000001       ", TGT_SN_LEN);
	ck_assert_mem_eq(ours + TGT_IDC_MN, mn, TGT_MN_LEN);
	ck_assert_mem_eq(ours + TGT_IDC_FR, fr, TGT_FR_LEN);
	memcpy(ours + TGT_IDC_SN, theirs + TGT_IDC_SN, TGT_IDC_FR + TGT_FR_LEN - TGT_IDC_SN);
}

#define MN_OURS "droce-tgt                               "

static struct tgt_ctrl_info
io_info(void)
{
	/* droce-tgt v1 choices (nvmf.md 2.5): no ANA, no multi-controller claims. */
	return (struct tgt_ctrl_info){
		.serial = "DROCE00000001", .model = "droce-tgt", .firmware = "0.1.0",
		.subnqn = TEST_NQN, .discovery = false, .cntlid = 1, .mdts = 5, .maxcmd = 128,
		.nn = 1024, .icd_size = 4096, .oncs = TGT_ONCS_DSM | TGT_ONCS_WRITE_ZEROES,
		.vwc = true, .kas = 10, .aerl = 3, .cmic = 0, .lpa = 0x4, .oaes = 0,
		.ctratt = 0x1, .frmw = 0x3, .elpe = 0,
	};
}

static struct tgt_ctrl_info
disc_info(void)
{
	return (struct tgt_ctrl_info){
		.serial = "DROCE00000001", .model = "droce-tgt", .firmware = "0.1.0",
		.subnqn = DISC_NQN, .discovery = true, .cntlid = 1, .maxcmd = 32,
		.lpa = 0x4,
		/* Ignored for a discovery controller: must not leak into the page. */
		.nn = 7, .icd_size = 4096, .oncs = 0xc, .vwc = true, .cmic = 0xb, .frmw = 3,
	};
}

START_TEST(test_tgt_identify_ctrl_discovery_vs_nvmet)
{
	static const struct diff d[] = {
		{ "oaes", TGT_IDC_OAES, 4, 0x80000000, 0 },	/* no discovery AEN in v1 */
		{ "maxcmd", TGT_IDC_MAXCMD, 2, 1024, 32 },	/* = admin queue depth */
		/* the rest nvmet and we agree on: spelled out so a misread capture fails */
		{ "cntrltype", TGT_IDC_CNTRLTYPE, 1, 2, 2 },
		{ "cntlid", TGT_IDC_CNTLID, 2, 1, 1 },
		{ "ver", TGT_IDC_VER, 4, 0x10300, 0x10300 },
		{ "mdts", TGT_IDC_MDTS, 1, 0, 0 },
		{ "lpa", TGT_IDC_LPA, 1, 4, 4 },
		{ "sgls", TGT_IDC_SGLS, 4, 0x00100005, 0x00100005 },
		{ "sqes", TGT_IDC_SQES, 1, 0, 0 },
		{ "nn", TGT_IDC_NN, 4, 0, 0 },
		{ "ioccsz", TGT_IDC_IOCCSZ, 4, 0, 0 },
		{ "msdbd", TGT_IDC_MSDBD, 1, 0, 0 },
	};
	struct tgt_ctrl_info info = disc_info();

	capture_page(F_ID_DISC, theirs);
	ck_assert_int_eq(tgt_identify_ctrl(&info, ours, sizeof(ours)), PAGE);
	ck_assert_str_eq((const char *)ours + TGT_IDC_SUBNQN, DISC_NQN);
	assert_strings("12b02199e60cb107244f", MN_OURS, "0.1.0   ");
	assert_page(d, sizeof(d) / sizeof(d[0]));
}
END_TEST

START_TEST(test_tgt_identify_ctrl_io_vs_nvmet)
{
	static const struct diff d[] = {
		{ "cmic", TGT_IDC_CMIC, 1, 0xb, 0 },		/* no multipath/ANA claims */
		{ "mdts", TGT_IDC_MDTS, 1, 8, 5 },		/* 128 KiB data buffers */
		{ "oaes", TGT_IDC_OAES, 4, 0x900, 0 },		/* no NS/ANA change AENs */
		{ "ctratt", TGT_IDC_CTRATT, 4, 0x41, 0x1 },	/* no TBKAS */
		{ "lpa", TGT_IDC_LPA, 1, 0x7, 0x4 },		/* no effects log; SMART global */
		{ "elpe", TGT_IDC_ELPE, 1, 127, 0 },		/* one (empty) error entry */
		{ "anatt", TGT_IDC_ANATT, 1, 10, 0 },		/* no ANA */
		{ "anacap", TGT_IDC_ANACAP, 1, 0x1f, 0 },
		{ "anagrpmax", TGT_IDC_ANAGRPMAX, 4, 128, 0 },
		{ "nanagrpid", TGT_IDC_NANAGRPID, 4, 128, 0 },
		{ "nwpc", TGT_IDC_NWPC, 1, 1, 0 },		/* no NS write protection */
		{ "maxcmd", TGT_IDC_MAXCMD, 2, 1024, 128 },	/* = I/O queue depth */
		{ "mnan", TGT_IDC_MNAN, 4, 1024, 0 },		/* no NS management */
		{ "psd0.mp", TGT_IDC_PSD0, 8, 0x00000010000009c4ull, 0 },	/* not reported */
		{ "psd0.exlat", TGT_IDC_PSD0 + 8, 4, 4, 0 },
		/* agreed values, spelled out */
		{ "cntrltype", TGT_IDC_CNTRLTYPE, 1, 1, 1 },
		{ "rab", TGT_IDC_RAB, 1, 6, 6 },
		{ "acl", TGT_IDC_ACL, 1, 3, 3 },
		{ "aerl", TGT_IDC_AERL, 1, 3, 3 },
		{ "frmw", TGT_IDC_FRMW, 1, 3, 3 },
		{ "kas", TGT_IDC_KAS, 2, 10, 10 },
		{ "sqes", TGT_IDC_SQES, 1, 0x66, 0x66 },
		{ "cqes", TGT_IDC_CQES, 1, 0x44, 0x44 },
		{ "nn", TGT_IDC_NN, 4, 1024, 1024 },
		{ "oncs", TGT_IDC_ONCS, 2, 0xc, 0xc },
		{ "vwc", TGT_IDC_VWC, 1, 1, 1 },
		{ "sgls", TGT_IDC_SGLS, 4, 0x00100005, 0x00100005 },
		{ "ioccsz", TGT_IDC_IOCCSZ, 4, 260, 260 },
		{ "iorcsz", TGT_IDC_IORCSZ, 4, 1, 1 },
		{ "icdoff", TGT_IDC_ICDOFF, 2, 0, 0 },
		{ "msdbd", TGT_IDC_MSDBD, 1, 1, 1 },
	};
	struct tgt_ctrl_info info = io_info();

	capture_page(F_ID_CTRL, theirs);
	ck_assert_int_eq(tgt_identify_ctrl(&info, ours, sizeof(ours)), PAGE);
	ck_assert_str_eq((const char *)ours + TGT_IDC_SUBNQN, TEST_NQN);
	assert_strings("e6c4328197db4419b76b", MN_OURS, "0.1.0   ");
	assert_page(d, sizeof(d) / sizeof(d[0]));
}
END_TEST

START_TEST(test_tgt_identify_ctrl_full_strings)
{
	struct tgt_ctrl_info info = io_info();

	info.serial = "ABCDEFGHIJKLMNOPQRST";
	info.model = "0123456789012345678901234567890123456789";
	info.firmware = "12345678";
	info.icd_size = 0;
	ck_assert_int_eq(tgt_identify_ctrl(&info, ours, sizeof(ours)), PAGE);
	ck_assert_mem_eq(ours + TGT_IDC_SN, info.serial, 20);
	ck_assert_mem_eq(ours + TGT_IDC_MN, info.model, 40);
	ck_assert_mem_eq(ours + TGT_IDC_FR, "12345678", 8);
	ck_assert_uint_eq(ours[TGT_IDC_RAB], 6);	/* FR did not run over */
	ck_assert_uint_eq(pcap_le(ours + TGT_IDC_IOCCSZ, 4), 4);	/* SQE only */
}
END_TEST

START_TEST(test_tgt_identify_ctrl_bad)
{
	struct tgt_ctrl_info info = io_info();
	char nqn[257];

	ck_assert_int_eq(tgt_identify_ctrl(&info, ours, PAGE - 1), -ENOSPC);
	ck_assert_int_eq(tgt_identify_ctrl(&info, ours, 0), -ENOSPC);
	ck_assert_int_eq(tgt_identify_ctrl(&info, NULL, PAGE), -EINVAL);
	ck_assert_int_eq(tgt_identify_ctrl(NULL, ours, PAGE), -EINVAL);
	info.serial = "ABCDEFGHIJKLMNOPQRSTU";
	ck_assert_int_eq(tgt_identify_ctrl(&info, ours, PAGE), -EINVAL);
	info = io_info();
	info.model = "bad\tmodel";
	ck_assert_int_eq(tgt_identify_ctrl(&info, ours, PAGE), -EINVAL);
	info = io_info();
	info.firmware = "123456789";
	ck_assert_int_eq(tgt_identify_ctrl(&info, ours, PAGE), -EINVAL);
	info = io_info();
	info.serial = NULL;
	ck_assert_int_eq(tgt_identify_ctrl(&info, ours, PAGE), -EINVAL);
	info = io_info();
	memset(nqn, 'n', 256);
	nqn[256] = '\0';
	info.subnqn = nqn;	/* 256 chars leave no room for the NUL */
	ck_assert_int_eq(tgt_identify_ctrl(&info, ours, PAGE), -EINVAL);
	nqn[255] = '\0';
	ck_assert_int_eq(tgt_identify_ctrl(&info, ours, PAGE), PAGE);
	info = io_info();
	info.icd_size = 4100;	/* not a multiple of 16 */
	ck_assert_int_eq(tgt_identify_ctrl(&info, ours, PAGE), -EINVAL);
	/* A refused page is not left half written. */
	ck_assert_uint_eq(pcap_le(ours + TGT_IDC_VER, 4), 0);
}
END_TEST

/* The namespace of the capture (brd, 64 MiB, 512-byte blocks) as droce-tgt describes it. */
static const struct tgt_ns_info capture_ns = {
	.nsid = 1, .nblocks = 131072, .block_size = 512, .pref_blocks = 8, .shared = false,
	.uuid = { 0x24, 0xd5, 0xc6, 0x5a, 0xa5, 0x83, 0x4a, 0x51,
		  0x8b, 0xdd, 0x96, 0xf6, 0x93, 0x07, 0x8e, 0x07 },
};

START_TEST(test_tgt_identify_ns_vs_nvmet)
{
	static const struct diff d[] = {
		{ "nsfeat", TGT_IDN_NSFEAT, 1, 0x12, 0x10 },	/* no atomic-write promise */
		{ "nmic", TGT_IDN_NMIC, 1, 1, 0 },		/* CMIC 0: one controller */
		{ "nawun", TGT_IDN_NAWUN, 2, 7, 0 },
		{ "nawupf", TGT_IDN_NAWUPF, 2, 7, 0 },
		{ "nacwu", TGT_IDN_NACWU, 2, 7, 0 },
		{ "anagrpid", TGT_IDN_ANAGRPID, 4, 1, 0 },	/* no ANA */
		/* agreed values, spelled out */
		{ "nsze", TGT_IDN_NSZE, 8, 131072, 131072 },
		{ "ncap", TGT_IDN_NCAP, 8, 131072, 131072 },
		{ "nuse", TGT_IDN_NUSE, 8, 131072, 131072 },
		{ "nlbaf", TGT_IDN_NLBAF, 1, 0, 0 },
		{ "flbas", TGT_IDN_FLBAS, 1, 0, 0 },
		{ "npwg", TGT_IDN_NPWG, 2, 7, 7 },
		{ "npwa", TGT_IDN_NPWA, 2, 7, 7 },
		{ "lbaf0", TGT_IDN_LBAF0, 4, 9 << 16, 9 << 16 },
	};
	struct tgt_ns_list list = { .ns = &capture_ns, .count = 1, .nn = 1024 };

	capture_page(F_ID_NS, theirs);
	ck_assert_int_eq(tgt_identify_ns(&list, 1, ours, sizeof(ours)), PAGE);
	assert_page(d, sizeof(d) / sizeof(d[0]));
}
END_TEST

START_TEST(test_tgt_identify_ns_4k_ids)
{
	struct tgt_ns_info ns = { .nsid = 5, .nblocks = 0x123456789ull, .block_size = 4096,
				  .shared = true };
	struct tgt_ns_list list = { .ns = &ns, .count = 1, .nn = 8 };

	memset(ns.nguid, 0x11, sizeof(ns.nguid));
	memset(ns.eui64, 0x22, sizeof(ns.eui64));
	ck_assert_int_eq(tgt_identify_ns(&list, 5, ours, sizeof(ours)), PAGE);
	ck_assert_uint_eq(pcap_le(ours + TGT_IDN_NSZE, 8), 0x123456789ull);
	ck_assert_uint_eq(pcap_le(ours + TGT_IDN_NUSE, 8), 0x123456789ull);
	ck_assert_uint_eq(pcap_le(ours + TGT_IDN_LBAF0, 4), 12 << 16);
	ck_assert_uint_eq(ours[TGT_IDN_NSFEAT], 0);
	ck_assert_uint_eq(ours[TGT_IDN_NMIC], 1);
	ck_assert_mem_eq(ours + TGT_IDN_NGUID, ns.nguid, 16);
	ck_assert_mem_eq(ours + TGT_IDN_EUI64, ns.eui64, 8);
	ck_assert_uint_eq(pcap_le(ours + TGT_IDN_LBAF0 + 4, 4), 0);	/* only LBAF0 */
}
END_TEST

START_TEST(test_tgt_identify_ns_bad)
{
	struct tgt_ns_info ns[2] = { capture_ns, capture_ns };
	struct tgt_ns_list list = { .ns = ns, .count = 2, .nn = 16 };

	ns[1].nsid = 3;
	ns[1].block_size = 1024;
	/* NVMe 1.4 5.15.2.1: 1..nn but inactive is a zero page, not an error. */
	memset(ours, 0xff, sizeof(ours));
	ck_assert_int_eq(tgt_identify_ns(&list, 2, ours, sizeof(ours)), PAGE);
	ck_assert_uint_eq(pcap_le(ours, 8), 0);
	ck_assert_uint_eq(ours[PAGE - 1], 0);
	ck_assert_int_eq(tgt_identify_ns(&list, 0, ours, PAGE), -ENXIO);
	ck_assert_int_eq(tgt_identify_ns(&list, 17, ours, PAGE), -ENXIO);
	ck_assert_int_eq(tgt_identify_ns(&list, 0xffffffff, ours, PAGE), -ENXIO);
	ck_assert_int_eq(tgt_identify_ns(&list, 3, ours, PAGE), -EINVAL);	/* 1 KiB blocks */
	ck_assert_int_eq(tgt_identify_ns(&list, 1, ours, 512), -ENOSPC);
	ck_assert_int_eq(tgt_identify_ns(&list, 1, ours, 0), -ENOSPC);
	ck_assert_int_eq(tgt_identify_ns(&list, 1, NULL, PAGE), -EINVAL);
	ck_assert_int_eq(tgt_identify_ns(NULL, 1, ours, PAGE), -EINVAL);
}
END_TEST

START_TEST(test_tgt_identify_ns_list_vs_nvmet)
{
	struct tgt_ns_list list = { .ns = &capture_ns, .count = 1, .nn = 1024 };

	capture_page(F_ID_NSLIST, theirs);
	ck_assert_uint_eq(pcap_le(theirs, 4), 1);
	ck_assert_int_eq(tgt_identify_ns_list(&list, 0, ours, sizeof(ours)), PAGE);
	ck_assert_mem_eq(ours, theirs, PAGE);
}
END_TEST

START_TEST(test_tgt_identify_ns_list_start)
{
	static struct tgt_ns_info ns[1100];
	struct tgt_ns_list list = { .ns = ns, .count = 5, .nn = 0xfffffff0 };
	static const uint32_t ids[] = { 1, 2, 7, 100, 0xffffffef };
	uint32_t i;

	for (i = 0; i < 5; i++)
		ns[i] = (struct tgt_ns_info){ .nsid = ids[i], .block_size = 512 };
	ck_assert_int_eq(tgt_identify_ns_list(&list, 2, ours, sizeof(ours)), PAGE);
	ck_assert_uint_eq(pcap_le(ours, 4), 7);
	ck_assert_uint_eq(pcap_le(ours + 4, 4), 100);
	ck_assert_uint_eq(pcap_le(ours + 8, 4), 0xffffffef);
	ck_assert_uint_eq(pcap_le(ours + 12, 4), 0);
	ck_assert_int_eq(tgt_identify_ns_list(&list, 0xffffffef, ours, PAGE), PAGE);
	ck_assert_uint_eq(pcap_le(ours, 4), 0);
	ck_assert_int_eq(tgt_identify_ns_list(&list, 0xfffffffe, ours, PAGE), -ENXIO);
	ck_assert_int_eq(tgt_identify_ns_list(&list, 0xffffffff, ours, PAGE), -ENXIO);
	ck_assert_int_eq(tgt_identify_ns_list(&list, 0, ours, PAGE - 4), -ENOSPC);
	/* More than 1024 active namespaces: the first 1024 above the start NSID. */
	for (i = 0; i < 1100; i++)
		ns[i] = (struct tgt_ns_info){ .nsid = i + 1, .block_size = 512 };
	list.count = 1100;
	ck_assert_int_eq(tgt_identify_ns_list(&list, 10, ours, PAGE), PAGE);
	ck_assert_uint_eq(pcap_le(ours, 4), 11);
	ck_assert_uint_eq(pcap_le(ours + PAGE - 4, 4), 1034);
}
END_TEST

START_TEST(test_tgt_identify_ns_desc_vs_nvmet)
{
	struct tgt_ns_list list = { .ns = &capture_ns, .count = 1, .nn = 1024 };

	capture_page(F_ID_DESC, theirs);
	ck_assert_uint_eq(theirs[0], TGT_NIDT_UUID);
	ck_assert_uint_eq(theirs[20], TGT_NIDT_CSI);
	ck_assert_int_eq(tgt_identify_ns_desc(&list, 1, ours, sizeof(ours)), PAGE);
	ck_assert_mem_eq(ours, theirs, PAGE);
}
END_TEST

START_TEST(test_tgt_identify_ns_desc_all)
{
	struct tgt_ns_info ns = capture_ns;
	struct tgt_ns_list list = { .ns = &ns, .count = 1, .nn = 1 };

	memset(ns.eui64, 0xe0, 8);
	memset(ns.nguid, 0x90, 16);
	ck_assert_int_eq(tgt_identify_ns_desc(&list, 1, ours, sizeof(ours)), PAGE);
	/* EUI64 (4 + 8), NGUID (4 + 16), UUID (4 + 16), CSI (4 + 1), then zeros. */
	ck_assert_uint_eq(ours[0], 1);
	ck_assert_uint_eq(ours[1], 8);
	ck_assert_uint_eq(ours[4], 0xe0);
	ck_assert_uint_eq(ours[12], 2);
	ck_assert_uint_eq(ours[13], 16);
	ck_assert_uint_eq(ours[16], 0x90);
	ck_assert_uint_eq(ours[32], 3);
	ck_assert_uint_eq(ours[33], 16);
	ck_assert_mem_eq(ours + 36, capture_ns.uuid, 16);
	ck_assert_uint_eq(ours[52], 4);
	ck_assert_uint_eq(ours[53], 1);
	ck_assert_uint_eq(ours[56], 0);
	ck_assert_uint_eq(ours[57], 0);
	ck_assert_uint_eq(pcap_le(ours + 57, 8), 0);
}
END_TEST

START_TEST(test_tgt_identify_ns_desc_bad)
{
	struct tgt_ns_list list = { .ns = &capture_ns, .count = 1, .nn = 1024 };

	ck_assert_int_eq(tgt_identify_ns_desc(&list, 2, ours, PAGE), -ENXIO);
	ck_assert_int_eq(tgt_identify_ns_desc(&list, 0, ours, PAGE), -ENXIO);
	ck_assert_int_eq(tgt_identify_ns_desc(&list, 0xffffffff, ours, PAGE), -ENXIO);
	ck_assert_int_eq(tgt_identify_ns_desc(&list, 1, ours, 0), -ENOSPC);
	ck_assert_int_eq(tgt_identify_ns_desc(&list, 1, NULL, PAGE), -EINVAL);
	list.count = 0;
	ck_assert_int_eq(tgt_identify_ns_desc(&list, 1, ours, PAGE), -ENXIO);
}
END_TEST

START_TEST(test_tgt_identify_cs_ctrl_vs_nvmet)
{
	capture_page(F_ID_CS, theirs);
	memset(ours, 0x5a, sizeof(ours));
	ck_assert_int_eq(tgt_identify_cs_ctrl(0, ours, sizeof(ours)), PAGE);
	ck_assert_mem_eq(ours, theirs, PAGE);
	ck_assert_uint_eq(ours[PAGE - 1], 0);
	ck_assert_int_eq(tgt_identify_cs_ctrl(2, ours, PAGE), -EINVAL);	/* ZNS */
	ck_assert_int_eq(tgt_identify_cs_ctrl(0, ours, 100), -ENOSPC);
	ck_assert_int_eq(tgt_identify_cs_ctrl(0, NULL, PAGE), -EINVAL);
}
END_TEST

/* The test reader itself: the 64 KiB Read (frames 336-369) lost packets in capture. */
START_TEST(test_pcap_rdma_reassemble_gap)
{
	static uint8_t big[65536];
	struct pcap_file pf;
	struct pcap_roce r;
	struct pcap_xfer x;
	int got;

	ck_assert_int_eq(pcap_open(&pf, TEST_CAPTURES "/no-such.pcap"), -ENOENT);
	ck_assert_int_eq(pcap_open(&pf, CAPTURE), 0);
	ck_assert_uint_eq(pf.linktype, PCAP_LINKTYPE_ETHERNET);
	ck_assert_int_eq(pcap_roce(&pf, 336, &r), 0);
	ck_assert_uint_eq(r.opcode, 0x06);
	x = (struct pcap_xfer){ .first_frame = 336, .last_frame = 369, .dqpn = r.dqpn,
				.psn = r.psn, .npkts = 64, .mtu = 1024 };
	got = pcap_rdma_reassemble(&pf, &x, big, sizeof(big));
	ck_assert_int_gt(got, 0);
	ck_assert_int_lt(got, 64);
	ck_assert_int_eq(pcap_rdma_reassemble(&pf, &x, big, 4096), -EINVAL);
	ck_assert_int_eq(pcap_roce(&pf, 100000, &r), -ENOENT);
	pcap_close(&pf);
}
END_TEST

static Suite *
identify_suite(void)
{
	Suite *s = suite_create("tgt_identify");
	TCase *tc = tcase_create("identify");

	tcase_add_test(tc, test_tgt_identify_ctrl_discovery_vs_nvmet);
	tcase_add_test(tc, test_tgt_identify_ctrl_io_vs_nvmet);
	tcase_add_test(tc, test_tgt_identify_ctrl_full_strings);
	tcase_add_test(tc, test_tgt_identify_ctrl_bad);
	tcase_add_test(tc, test_tgt_identify_ns_vs_nvmet);
	tcase_add_test(tc, test_tgt_identify_ns_4k_ids);
	tcase_add_test(tc, test_tgt_identify_ns_bad);
	tcase_add_test(tc, test_tgt_identify_ns_list_vs_nvmet);
	tcase_add_test(tc, test_tgt_identify_ns_list_start);
	tcase_add_test(tc, test_tgt_identify_ns_desc_vs_nvmet);
	tcase_add_test(tc, test_tgt_identify_ns_desc_all);
	tcase_add_test(tc, test_tgt_identify_ns_desc_bad);
	tcase_add_test(tc, test_tgt_identify_cs_ctrl_vs_nvmet);
	tcase_add_test(tc, test_pcap_rdma_reassemble_gap);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return test_run_suite(identify_suite());
}
