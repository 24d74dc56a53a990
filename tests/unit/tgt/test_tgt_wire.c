/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tgt_wire.c: every codec decoded from the capsules Linux 6.1 nvme-rdma and nvmet-rdma
 * exchanged in tests/data/captures/nvme_rdma_connect_io.pcap (the bytes are quoted below
 * and compared with the capture itself), every codec round-tripped, and every bad input
 * shown with the NVMe status or the rdma_cm reject status it gets.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_run.h"
#include "nvmf_wire.h"

#define CAPTURE		TEST_CAPTURES "/nvme_rdma_connect_io.pcap"
#define MIB		(1024u * 1024u)

/* A captured payload: frame number, bytes of BTH extension headers before it, its bytes. */
struct frame {
	unsigned int no;
	unsigned int ext;	/* IETH or AETH: 4 */
	const char *hex;
};

/* SQEs (host to target SEND_ONLY) */
static const struct frame f6_connect = { 6, 0,
	"7f400000 01000000 00000000 00000000 00000000 00000000 006c7588 b58b46ff "
	"000400f1 0f00004f 00000000 1f000000 00000000 00000000 00000000 00000000" };
static const struct frame f12_prop_get_cap = { 12, 0,
	"7f400100 04000000 00000000 00000000 00000000 00000000 00000000 00000000 "
	"00000000 00000040 01000000 00000000 00000000 00000000 00000000 00000000" };
static const struct frame f16_prop_set_cc = { 16, 0,
	"7f400010 00000000 00000000 00000000 00000000 00000000 00000000 00000000 "
	"00000000 00000040 00000000 14000000 60004600 00000000 00000000 00000000" };
static const struct frame f40_identify = { 40, 0,
	"06400a00 00000000 00000000 00000000 00000000 00000000 00004689 b58b46ff "
	"001000f2 0f00004f 01000000 00000000 00000000 00000000 00000000 00000000" };
static const struct frame f64_get_log = { 64, 0,
	"02400d00 00000000 00000000 00000000 00000000 00000000 70bb0d89 b58b46ff "
	"000400f4 0f00004f 7080ff00 00000000 00000000 00000000 00000000 00000000" };
static const struct frame f91_connect_kato = { 91, 0,
	"7f400000 01000000 00000000 00000000 00000000 00000000 00dc4f88 b58b46ff "
	"000400fa 3000004f 00000000 1f000000 88130000 00000000 00000000 00000000" };
static const struct frame f285_write = { 285, 0,
	"01404400 01000000 00000000 00000000 00000000 00000000 00f0fa88 b58b46ff "
	"000001cf 5000004f 00000000 00000000 7f000000 00000000 00000000 00000000" };
/* CQEs (target to host) */
static const struct frame f10_cqe = { 10, 4, "01000000 00000000 01000000 00000000" };
static const struct frame f14_cqe = { 14, 0, "7f00000f 20080000 02000000 01000000" };
static const struct frame f165_cqe = { 165, 0, "7f007f00 00000000 0d000000 02100000" };
static const struct frame f173_cqe = { 173, 0, "01000000 00000000 01000100 00000000" };
static const struct frame f332_cqe = { 332, 4, "00000000 00000000 05000100 44000000" };

/* The I/O Connect capsule, SEND FIRST #170 (1024 B) + SEND LAST #171 (64 B): non-zero rows. */
static const char *const io_connect_sqe =
	"7f400000 01000000 00000000 00000000 00000000 00000000 00000000 00000000 "
	"00040000 00000001 00000100 7f000000 00000000 00000000 00000000 00000000";
static const char *const io_connect_hostid = "63f3ae67 b2b04c44 9f58e1cb 37d65010 0100";
static const char *const subnqn_test = "nqn.2024-01.io.rxe-vm:test";
static const char *const hostnqn_uuid =
	"nqn.2014-08.org.nvmexpress:uuid:63f3ae67-b2b0-4c44-9f58-e1cb37d65010";

/* rdma_cm private data after the 36-byte cma header: REQ #1, #167; REP #4, #168 (32 B). */
static const char *const req1 = "00000000 20001f00";
static const char *const req167 = "00000100 80007f00";
static const char *const rep4 = "00002000";
static const char *const rep168 = "00008000";

static const struct nvmf_queue_limits lim = { .max_qid = 4, .admin_depth = NVMF_AQ_DEPTH,
					      .io_depth = 128 };

static int
nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Decode hex (spaces ignored) into out; returns the byte count. */
static size_t
unhex(const char *hex, uint8_t *out, size_t max)
{
	size_t n = 0;

	for (; *hex != '\0'; hex++) {
		if (*hex == ' ')
			continue;
		ck_assert_uint_lt(n, max);
		ck_assert_int_ge(nibble(hex[0]), 0);
		ck_assert_int_ge(nibble(hex[1]), 0);
		out[n++] = (uint8_t)(nibble(hex[0]) << 4 | nibble(hex[1]));
		hex++;
	}
	return n;
}

/* Bytes of f into out (zero-filled to max). */
static size_t
load(const struct frame *f, uint8_t *out, size_t max)
{
	memset(out, 0, max);
	return unhex(f->hex, out, max);
}

/* The 1088-byte I/O Connect capsule of #170-171, rebuilt from its non-zero parts. */
static void
io_connect_capsule(uint8_t cap[NVMF_SQE_SIZE + NVMF_CONNECT_DATA_SIZE])
{
	uint8_t *data = cap + NVMF_SQE_SIZE;

	memset(cap, 0, NVMF_SQE_SIZE + NVMF_CONNECT_DATA_SIZE);
	unhex(io_connect_sqe, cap, NVMF_SQE_SIZE);
	unhex(io_connect_hostid, data, 18);
	memcpy(data + NVMF_CDATA_SUBNQN, subnqn_test, strlen(subnqn_test));
	memcpy(data + NVMF_CDATA_HOSTNQN, hostnqn_uuid, strlen(hostnqn_uuid));
}

/* The Connect data of the admin Connect #6 (RDMA READ response #9). */
static void
disc_connect_data(uint8_t data[NVMF_CONNECT_DATA_SIZE])
{
	memset(data, 0, NVMF_CONNECT_DATA_SIZE);
	unhex(io_connect_hostid, data, 18);
	data[16] = 0xff;
	data[17] = 0xff;
	memcpy(data + NVMF_CDATA_SUBNQN, NVMF_DISCOVERY_NQN, strlen(NVMF_DISCOVERY_NQN));
	memcpy(data + NVMF_CDATA_HOSTNQN, hostnqn_uuid, strlen(hostnqn_uuid));
}

/* ---- the quoted bytes are the capture's ---- */

static uint8_t *
read_capture(size_t *len)
{
	FILE *fp = fopen(CAPTURE, "rb");
	uint8_t *buf;
	long n;

	ck_assert_ptr_nonnull(fp);
	ck_assert_int_eq(fseek(fp, 0, SEEK_END), 0);
	n = ftell(fp);
	ck_assert_int_gt(n, 24);
	rewind(fp);
	buf = malloc((size_t)n);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	*len = (size_t)n;
	return buf;
}

/* The RoCEv2 payload of frame no: after Ethernet, IPv4, UDP, BTH and ext; before the ICRC. */
static const uint8_t *
frame_payload(const uint8_t *pcap, size_t len, unsigned int no, unsigned int ext,
	      size_t *plen)
{
	size_t off = 24;
	unsigned int i;
	uint32_t incl;

	for (i = 1; off + 16 <= len; i++) {
		incl = nvmf_get_le32(pcap + off + 8);	/* little-endian pcap (0xa1b2c3d4) */
		if (i == no) {
			ck_assert_uint_ge(incl, 14 + 20 + 8 + 12 + ext + 4);
			*plen = incl - (14 + 20 + 8 + 12 + ext + 4);
			return pcap + off + 16 + 14 + 20 + 8 + 12 + ext;
		}
		off += 16 + incl;
	}
	ck_abort_msg("frame %u not in the capture", no);
	return NULL;
}

static void
assert_frame(const uint8_t *pcap, size_t len, const struct frame *f)
{
	uint8_t want[64];
	size_t n = load(f, want, sizeof(want)), plen;
	const uint8_t *p = frame_payload(pcap, len, f->no, f->ext, &plen);

	ck_assert_uint_eq(plen, n);
	ck_assert_mem_eq(p, want, n);
}

START_TEST(test_capture_matches_quoted_bytes)
{
	const struct frame *all[] = { &f6_connect, &f12_prop_get_cap, &f16_prop_set_cc,
				      &f40_identify, &f64_get_log, &f91_connect_kato,
				      &f285_write, &f10_cqe, &f14_cqe, &f165_cqe, &f173_cqe,
				      &f332_cqe };
	uint8_t cap[NVMF_SQE_SIZE + NVMF_CONNECT_DATA_SIZE], data[NVMF_CONNECT_DATA_SIZE];
	size_t len, plen, i;
	uint8_t *pcap = read_capture(&len);
	const uint8_t *p;

	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		assert_frame(pcap, len, all[i]);
	/* #170 SEND FIRST carries the first 1024 bytes of the capsule, #171 LAST the rest. */
	io_connect_capsule(cap);
	p = frame_payload(pcap, len, 170, 0, &plen);
	ck_assert_uint_eq(plen, 1024);
	ck_assert_mem_eq(p, cap, 1024);
	p = frame_payload(pcap, len, 171, 0, &plen);
	ck_assert_uint_eq(plen, 64);
	ck_assert_mem_eq(p, cap + 1024, 64);
	/* #9 READ RESPONSE ONLY (AETH): the admin Connect's data. */
	disc_connect_data(data);
	p = frame_payload(pcap, len, 9, 4, &plen);
	ck_assert_uint_eq(plen, NVMF_CONNECT_DATA_SIZE);
	ck_assert_mem_eq(p, data, NVMF_CONNECT_DATA_SIZE);
	free(pcap);
}
END_TEST

/* ---- status field ---- */

START_TEST(test_nvmf_status_fields)
{
	uint16_t st = nvmf_status(NVMF_SCT_CMD, NVMF_SC_CONNECT_INVALID_PARAM, true);

	/* Linux: NVME_SC_CONNECT_INVALID_PARAM 0x182 | NVME_SC_DNR 0x4000, shifted past phase. */
	ck_assert_uint_eq(st, (0x182 | 0x4000) << 1);
	ck_assert_uint_eq(st, 0x8304);
	ck_assert_uint_eq(nvmf_status_sct(st), 1);
	ck_assert_uint_eq(nvmf_status_sc(st), 0x82);
	ck_assert(nvmf_status_dnr(st));
	st = nvmf_status(NVMF_SCT_GENERIC, NVMF_SC_SGL_INVALID_OFFSET, false);
	ck_assert_uint_eq(st, 0x16 << 1);
	ck_assert(!nvmf_status_dnr(st));
	ck_assert_uint_eq(nvmf_status(NVMF_SCT_GENERIC, NVMF_SC_LBA_RANGE, true), 0x8100);
	ck_assert_uint_eq(nvmf_status(NVMF_SCT_CMD, NVMF_SC_ASYNC_LIMIT, true), 0x820a);
	ck_assert_uint_eq(nvmf_status(NVMF_SCT_GENERIC, NVMF_SC_SUCCESS, false), 0);
	ck_assert_uint_eq(NVMF_STATUS(7, 0xff, 1), 0x8ffe);
	/* Values from Linux include/linux/nvme.h, as (sct << 8 | sc). */
	ck_assert_uint_eq(NVMF_SC_KA_TIMEOUT_INVALID, 0x1a);
	ck_assert_uint_eq(NVMF_SC_NS_NOT_READY, 0x82);
	ck_assert_uint_eq(NVMF_SCT_CMD << 8 | NVMF_SC_CONNECT_INVALID_HOST, 0x184);
	ck_assert_uint_eq(NVMF_SCT_CMD << 8 | NVMF_SC_CONNECT_FORMAT, 0x180);
}
END_TEST

/* ---- SQE fields from the capture ---- */

START_TEST(test_nvmf_sqe_connect_admin_f6)
{
	uint8_t sqe[64];
	struct nvmf_connect_cmd c;
	struct nvmf_sgl sgl;
	uint16_t st = 0xbeef;

	load(&f6_connect, sqe, sizeof(sqe));
	ck_assert_uint_eq(nvmf_sqe_opcode(sqe), NVMF_OPC_FABRICS);
	ck_assert(nvmf_sqe_is_fabrics(sqe));
	ck_assert_uint_eq(nvmf_sqe_fctype(sqe), NVMF_FCTYPE_CONNECT);
	ck_assert_uint_eq(nvmf_sqe_psdt(sqe), NVMF_PSDT_SGL_MPTR);
	ck_assert_uint_eq(nvmf_sqe_fuse(sqe), 0);
	ck_assert_uint_eq(nvmf_sqe_cid(sqe), 0);
	ck_assert_uint_eq(nvmf_sqe_xfer(sqe), NVMF_XFER_H2C);
	ck_assert_int_eq(nvmf_connect_cmd_parse(sqe, &c), 0);
	ck_assert_uint_eq(c.recfmt, 0);
	ck_assert_uint_eq(c.qid, 0);
	ck_assert_uint_eq(c.sqsize, 31);
	ck_assert_uint_eq(c.cattr, 0);
	ck_assert_uint_eq(c.kato, 0);
	ck_assert_int_eq(nvmf_sgl_decode(sqe, 64, 0, MIB, &sgl, &st), 0);
	ck_assert_uint_eq(st, 0xbeef);
	ck_assert_int_eq(sgl.kind, NVMF_SGL_KEYED);
	ck_assert_uint_eq(sgl.addr, 0xff468bb588756c00ull);
	ck_assert_uint_eq(sgl.len, 1024);
	ck_assert_uint_eq(sgl.key, 0xff1);
	ck_assert(sgl.invalidate);
}
END_TEST

START_TEST(test_nvmf_sqe_connect_kato_f91)
{
	uint8_t sqe[64];
	struct nvmf_connect_cmd c;
	struct nvmf_sgl sgl;
	uint16_t st;

	load(&f91_connect_kato, sqe, sizeof(sqe));
	ck_assert_int_eq(nvmf_connect_cmd_parse(sqe, &c), 0);
	ck_assert_uint_eq(c.qid, 0);
	ck_assert_uint_eq(c.sqsize, 31);
	ck_assert_uint_eq(c.kato, 5000);
	ck_assert_int_eq(nvmf_sgl_decode(sqe, 64, 0, MIB, &sgl, &st), 0);
	ck_assert_uint_eq(sgl.addr, 0xff468bb5884fdc00ull);
	ck_assert_uint_eq(sgl.key, 0x30fa);
	ck_assert_uint_eq(sgl.len, 1024);
}
END_TEST

START_TEST(test_nvmf_sqe_prop_get_f12)
{
	uint8_t sqe[64];
	struct nvmf_prop_cmd p;
	struct nvmf_sgl sgl;
	uint16_t st;

	load(&f12_prop_get_cap, sqe, sizeof(sqe));
	ck_assert_uint_eq(nvmf_sqe_cid(sqe), 1);
	ck_assert_uint_eq(nvmf_sqe_xfer(sqe), NVMF_XFER_NONE);
	ck_assert_int_eq(nvmf_prop_cmd_parse(sqe, &p), 0);
	ck_assert_uint_eq(p.fctype, NVMF_FCTYPE_PROP_GET);
	ck_assert_uint_eq(p.size, 8);
	ck_assert_uint_eq(p.offset, NVMF_PROP_CAP);
	ck_assert_uint_eq(p.value, 0);
	/* SGL 0x40 with length 0: a command without data, and nothing to invalidate. */
	ck_assert_int_eq(nvmf_sgl_decode(sqe, 64, 0, MIB, &sgl, &st), 0);
	ck_assert_int_eq(sgl.kind, NVMF_SGL_NONE);
	ck_assert_uint_eq(sgl.len, 0);
	ck_assert(!sgl.invalidate);
}
END_TEST

START_TEST(test_nvmf_sqe_prop_set_f16)
{
	uint8_t sqe[64];
	struct nvmf_prop_cmd p;

	load(&f16_prop_set_cc, sqe, sizeof(sqe));
	ck_assert_uint_eq(nvmf_sqe_cid(sqe), 4096);	/* Linux's generation bits */
	ck_assert_int_eq(nvmf_prop_cmd_parse(sqe, &p), 0);
	ck_assert_uint_eq(p.fctype, NVMF_FCTYPE_PROP_SET);
	ck_assert_uint_eq(p.size, 4);
	ck_assert_uint_eq(p.offset, NVMF_PROP_CC);
	ck_assert_uint_eq(p.value, 0x00460060);
}
END_TEST

START_TEST(test_nvmf_sqe_identify_f40)
{
	uint8_t sqe[64];
	struct nvmf_sgl sgl;
	uint16_t st;

	load(&f40_identify, sqe, sizeof(sqe));
	ck_assert_uint_eq(nvmf_sqe_opcode(sqe), NVMF_ADM_IDENTIFY);
	ck_assert(!nvmf_sqe_is_fabrics(sqe));
	ck_assert_uint_eq(nvmf_sqe_cid(sqe), 10);
	ck_assert_uint_eq(nvmf_sqe_nsid(sqe), 0);
	ck_assert_uint_eq(nvmf_sqe_cdw(sqe, 10), 1);	/* CNS 01h */
	ck_assert_uint_eq(nvmf_sqe_xfer(sqe), NVMF_XFER_C2H);
	ck_assert_int_eq(nvmf_sgl_decode(sqe, 64, 0, MIB, &sgl, &st), 0);
	ck_assert_int_eq(sgl.kind, NVMF_SGL_KEYED);
	ck_assert_uint_eq(sgl.addr, 0xff468bb589460000ull);
	ck_assert_uint_eq(sgl.len, 4096);
	ck_assert_uint_eq(sgl.key, 0xff2);
	ck_assert(sgl.invalidate);
}
END_TEST

START_TEST(test_nvmf_sqe_get_log_f64)
{
	uint8_t sqe[64];

	load(&f64_get_log, sqe, sizeof(sqe));
	ck_assert_uint_eq(nvmf_sqe_opcode(sqe), NVMF_ADM_GET_LOG_PAGE);
	ck_assert_uint_eq(nvmf_sqe_cid(sqe), 13);
	ck_assert_uint_eq(nvmf_sqe_cdw(sqe, 10), 0x00ff8070);	/* LID 0x70, RAE, NUMDL 255 */
	ck_assert_uint_eq(nvmf_sqe_cdw(sqe, 11), 0);
}
END_TEST

START_TEST(test_nvmf_sqe_write_f285)
{
	uint8_t sqe[64];
	struct nvmf_sgl sgl;
	uint16_t st;

	load(&f285_write, sqe, sizeof(sqe));
	ck_assert_uint_eq(nvmf_sqe_opcode(sqe), NVMF_IO_WRITE);
	ck_assert_uint_eq(nvmf_sqe_cid(sqe), 68);
	ck_assert_uint_eq(nvmf_sqe_nsid(sqe), 1);
	ck_assert_uint_eq(nvmf_sqe_cdw(sqe, 10), 0);	/* SLBA low */
	ck_assert_uint_eq(nvmf_sqe_cdw(sqe, 12), 0x7f);	/* NLB 128, 0's based */
	ck_assert_uint_eq(nvmf_sqe_xfer(sqe), NVMF_XFER_H2C);
	/* The largest transfer accepted is exactly this one: still fine. */
	ck_assert_int_eq(nvmf_sgl_decode(sqe, 64, 4096, 65536, &sgl, &st), 0);
	ck_assert_int_eq(sgl.kind, NVMF_SGL_KEYED);
	ck_assert_uint_eq(sgl.addr, 0xff468bb588faf000ull);
	ck_assert_uint_eq(sgl.len, 65536);
	ck_assert_uint_eq(sgl.key, 0x50cf);
	ck_assert(sgl.invalidate);
}
END_TEST

START_TEST(test_nvmf_sqe_io_connect_in_capsule_f170)
{
	uint8_t cap[NVMF_SQE_SIZE + NVMF_CONNECT_DATA_SIZE];
	struct nvmf_connect_data d;
	struct nvmf_connect_cmd c;
	struct nvmf_sgl sgl;
	uint16_t st;
	uint32_t dw0 = 0xdead;
	static const uint8_t hostid[16] = { 0x63, 0xf3, 0xae, 0x67, 0xb2, 0xb0, 0x4c, 0x44,
					    0x9f, 0x58, 0xe1, 0xcb, 0x37, 0xd6, 0x50, 0x10 };

	io_connect_capsule(cap);
	ck_assert_int_eq(nvmf_connect_cmd_parse(cap, &c), 0);
	ck_assert_uint_eq(c.qid, 1);
	ck_assert_uint_eq(c.sqsize, 127);
	ck_assert_uint_eq(c.kato, 0);
	ck_assert_int_eq(nvmf_sgl_decode(cap, sizeof(cap), 4096, MIB, &sgl, &st), 0);
	ck_assert_int_eq(sgl.kind, NVMF_SGL_INCAPSULE);
	ck_assert_uint_eq(sgl.icd_off, 0);
	ck_assert_uint_eq(sgl.len, 1024);
	ck_assert(!sgl.invalidate);	/* 0x01: plain SEND for the response (#173) */
	ck_assert_int_eq(nvmf_connect_data_parse(cap + NVMF_SQE_SIZE + sgl.icd_off, sgl.len,
						 &d, &dw0), 0);
	ck_assert_uint_eq(dw0, 0xdead);
	ck_assert_mem_eq(d.hostid, hostid, 16);
	ck_assert_uint_eq(d.cntlid, 1);
	ck_assert_str_eq(d.subnqn, subnqn_test);
	ck_assert_str_eq(d.hostnqn, hostnqn_uuid);
}
END_TEST

START_TEST(test_nvmf_connect_data_admin_f9)
{
	uint8_t data[NVMF_CONNECT_DATA_SIZE], again[NVMF_CONNECT_DATA_SIZE];
	struct nvmf_connect_data d;
	uint32_t dw0;

	disc_connect_data(data);
	ck_assert_int_eq(nvmf_connect_data_parse(data, sizeof(data), &d, &dw0), 0);
	ck_assert_uint_eq(d.cntlid, NVMF_CNTLID_DYNAMIC);
	ck_assert_uint_eq(d.hostid[0], 0x63);
	ck_assert_uint_eq(d.hostid[15], 0x10);
	ck_assert_str_eq(d.subnqn, NVMF_DISCOVERY_NQN);
	ck_assert_str_eq(d.hostnqn, hostnqn_uuid);
	/* Round trip: the builder writes the same 1024 bytes. */
	memset(again, 0xa5, sizeof(again));
	ck_assert_int_eq(nvmf_connect_data_build(again, &d), 0);
	ck_assert_mem_eq(again, data, sizeof(data));
}
END_TEST

/* ---- CQEs from the capture ---- */

static void
assert_cqe(const struct frame *f, uint32_t dw0, uint32_t dw1, uint16_t sqhd, uint16_t sqid,
	   uint16_t cid)
{
	uint8_t raw[16], built[16];
	struct nvmf_cqe c;

	load(f, raw, sizeof(raw));
	memset(&c, 0xff, sizeof(c));
	nvmf_cqe_parse(raw, &c);
	ck_assert_uint_eq(c.dw0, dw0);
	ck_assert_uint_eq(c.dw1, dw1);
	ck_assert_uint_eq(c.sqhd, sqhd);
	ck_assert_uint_eq(c.sqid, sqid);
	ck_assert_uint_eq(c.cid, cid);
	ck_assert_uint_eq(c.status, 0);
	memset(built, 0xa5, sizeof(built));
	nvmf_cqe_build(built, &c);
	ck_assert_mem_eq(built, raw, 16);
}

START_TEST(test_nvmf_cqe_capture)
{
	assert_cqe(&f10_cqe, 1, 0, 1, 0, 0);			/* Connect: cntlid 1 */
	assert_cqe(&f14_cqe, 0x0f00007f, 0x820, 2, 0, 1);	/* CAP */
	assert_cqe(&f165_cqe, 0x007f007f, 0, 13, 0, 4098);	/* Number of Queues */
	assert_cqe(&f173_cqe, 1, 0, 1, 1, 0);			/* I/O Connect */
	assert_cqe(&f332_cqe, 0, 0, 5, 1, 68);			/* Write */
}
END_TEST

START_TEST(test_nvmf_cqe_status_roundtrip)
{
	struct nvmf_cqe c = { .dw0 = 0x01020304, .dw1 = 0xa0b0c0d0, .sqhd = 0x1122,
			      .sqid = 0x3344, .cid = 0x5566 }, back;
	uint8_t out[16];
	static const uint8_t want[16] = { 0x04, 0x03, 0x02, 0x01, 0xd0, 0xc0, 0xb0, 0xa0,
					  0x22, 0x11, 0x44, 0x33, 0x66, 0x55, 0x04, 0x83 };

	c.status = nvmf_status(NVMF_SCT_CMD, NVMF_SC_CONNECT_INVALID_PARAM, true);
	nvmf_cqe_build(out, &c);
	ck_assert_mem_eq(out, want, 16);
	nvmf_cqe_parse(out, &back);
	ck_assert_uint_eq(back.status, 0x8304);
	ck_assert_uint_eq(back.dw0, c.dw0);
	ck_assert_uint_eq(back.dw1, c.dw1);
	ck_assert_uint_eq(back.cid, c.cid);
	/* The phase tag is reserved on fabrics: never written. */
	c.status = 0x8305;
	nvmf_cqe_build(out, &c);
	ck_assert_uint_eq(out[14], 0x04);
	ck_assert_uint_eq(out[15], 0x83);
}
END_TEST

/* ---- SGL descriptors ---- */

START_TEST(test_nvmf_sgl_build_roundtrip)
{
	uint8_t sqe[64], desc[16];
	struct nvmf_sgl_desc d;
	uint8_t cap[NVMF_SQE_SIZE + NVMF_CONNECT_DATA_SIZE];

	/* Keyed, invalidate: the exact bytes of #6's SGL1. */
	load(&f6_connect, sqe, sizeof(sqe));
	memset(desc, 0x5a, sizeof(desc));
	ck_assert_int_eq(nvmf_sgl_keyed_build(desc, 0xff468bb588756c00ull, 1024, 0xff1, true), 0);
	ck_assert_mem_eq(desc, sqe + NVMF_SQE_DPTR, 16);
	/* Keyed, address, widest fields. */
	ck_assert_int_eq(nvmf_sgl_keyed_build(desc, ~0ull, 0xffffff, 0xfedcba98, false), 0);
	nvmf_sgl_desc_parse(desc, &d);
	ck_assert_uint_eq(d.type, NVMF_SGL_TYPE_KEYED);
	ck_assert_uint_eq(d.subtype, NVMF_SGL_SUB_ADDRESS);
	ck_assert_uint_eq(d.addr, ~0ull);
	ck_assert_uint_eq(d.len, 0xffffff);
	ck_assert_uint_eq(d.key, 0xfedcba98);
	ck_assert_uint_eq(desc[15], 0x40);
	/* A length beyond 24 bits cannot be written. */
	memset(desc, 0x5a, sizeof(desc));
	ck_assert_int_eq(nvmf_sgl_keyed_build(desc, 0, 0x1000000, 1, false), -EINVAL);
	ck_assert_uint_eq(desc[0], 0x5a);
	/* Offset: the exact bytes of #170's SGL1. */
	io_connect_capsule(cap);
	memset(desc, 0x5a, sizeof(desc));
	nvmf_sgl_offset_build(desc, 0, 1024);
	ck_assert_mem_eq(desc, cap + NVMF_SQE_DPTR, 16);
	nvmf_sgl_offset_build(desc, 0x1122334455667788ull, 0x99aabbcc);
	nvmf_sgl_desc_parse(desc, &d);
	ck_assert_uint_eq(d.type, NVMF_SGL_TYPE_DATA);
	ck_assert_uint_eq(d.subtype, NVMF_SGL_SUB_OFFSET);
	ck_assert_uint_eq(d.addr, 0x1122334455667788ull);
	ck_assert_uint_eq(d.len, 0x99aabbcc);
	ck_assert_uint_eq(d.key, 0);
}
END_TEST

/* Decode capsule and expect -EPROTO with a generic status sc and DNR, sgl cleared. */
static void
expect_sgl_error(const uint8_t *cap, size_t len, uint32_t icd, uint32_t max, unsigned int sc)
{
	struct nvmf_sgl sgl;
	uint16_t st = 0;

	ck_assert_int_eq(nvmf_sgl_decode(cap, len, icd, max, &sgl, &st), -EPROTO);
	ck_assert_uint_eq(nvmf_status_sct(st), NVMF_SCT_GENERIC);
	ck_assert_uint_eq(nvmf_status_sc(st), sc);
	ck_assert(nvmf_status_dnr(st));
	ck_assert_int_eq(sgl.kind, NVMF_SGL_NONE);
	ck_assert_uint_eq(sgl.len, 0);
}

START_TEST(test_nvmf_sgl_decode_short_capsule)
{
	uint8_t sqe[64];
	struct nvmf_sgl sgl;
	uint16_t st = 0x1234;

	load(&f40_identify, sqe, sizeof(sqe));
	ck_assert_int_eq(nvmf_sgl_decode(sqe, 63, 0, MIB, &sgl, &st), -EBADMSG);
	ck_assert_int_eq(nvmf_sgl_decode(sqe, 0, 0, MIB, &sgl, &st), -EBADMSG);
	ck_assert_uint_eq(st, 0x1234);
	ck_assert_int_eq(sgl.kind, NVMF_SGL_NONE);
}
END_TEST

START_TEST(test_nvmf_sgl_decode_bad_flags)
{
	uint8_t sqe[64];

	load(&f40_identify, sqe, sizeof(sqe));
	sqe[1] = 0x41;		/* fused, first command */
	expect_sgl_error(sqe, 64, 0, MIB, NVMF_SC_INVALID_FIELD);
	sqe[1] = 0x00;		/* PSDT 00b: PRPs */
	expect_sgl_error(sqe, 64, 0, MIB, NVMF_SC_INVALID_FIELD);
	sqe[1] = 0x80;		/* PSDT 10b: SGL metadata segment */
	expect_sgl_error(sqe, 64, 0, MIB, NVMF_SC_INVALID_FIELD);
}
END_TEST

START_TEST(test_nvmf_sgl_decode_bad_type)
{
	uint8_t sqe[64];
	static const uint8_t types[] = { 0x10, 0x20, 0x30, 0x3a, 0x50, 0xf0 };
	size_t i;

	load(&f40_identify, sqe, sizeof(sqe));
	for (i = 0; i < sizeof(types); i++) {
		sqe[39] = types[i];
		expect_sgl_error(sqe, 64, 0, MIB, NVMF_SC_SGL_INVALID_TYPE);
	}
	/* Known types with a subtype nvmet does not take: Invalid Field. */
	sqe[39] = 0x41;
	expect_sgl_error(sqe, 64, 0, MIB, NVMF_SC_INVALID_FIELD);
	sqe[39] = 0x4e;
	expect_sgl_error(sqe, 64, 0, MIB, NVMF_SC_INVALID_FIELD);
	sqe[39] = 0x00;
	expect_sgl_error(sqe, 64, 0, MIB, NVMF_SC_INVALID_FIELD);
}
END_TEST

START_TEST(test_nvmf_sgl_decode_keyed_too_long)
{
	uint8_t sqe[64];
	struct nvmf_sgl sgl;
	uint16_t st;

	load(&f285_write, sqe, sizeof(sqe));
	expect_sgl_error(sqe, 64, 4096, 65535, NVMF_SC_SGL_INVALID_DATA);
	expect_sgl_error(sqe, 64, 4096, 32768, NVMF_SC_SGL_INVALID_DATA);
	/* Length 0 with subtype Invalidate: no data, and no invalidation. */
	sqe[32] = sqe[33] = sqe[34] = 0;
	ck_assert_int_eq(nvmf_sgl_decode(sqe, 64, 4096, 1, &sgl, &st), 0);
	ck_assert_int_eq(sgl.kind, NVMF_SGL_NONE);
	ck_assert(!sgl.invalidate);
	ck_assert_uint_eq(sgl.key, 0);
}
END_TEST

START_TEST(test_nvmf_sgl_decode_incapsule_bounds)
{
	uint8_t cap[NVMF_SQE_SIZE + NVMF_CONNECT_DATA_SIZE];
	struct nvmf_sgl sgl;
	uint16_t st;

	io_connect_capsule(cap);
	/* The queue's in-capsule size is smaller than the data: SGL Offset Invalid. */
	expect_sgl_error(cap, sizeof(cap), 1023, MIB, NVMF_SC_SGL_INVALID_OFFSET);
	/* The admin queue takes no in-capsule data (icd_size 0). */
	expect_sgl_error(cap, sizeof(cap), 0, MIB, NVMF_SC_SGL_INVALID_OFFSET);
	/* Offset past the in-capsule size, even with length 0. */
	nvmf_sgl_offset_build(cap + NVMF_SQE_DPTR, 4097, 0);
	expect_sgl_error(cap, sizeof(cap), 4096, MIB, NVMF_SC_SGL_INVALID_OFFSET);
	nvmf_sgl_offset_build(cap + NVMF_SQE_DPTR, 4096, 1);
	expect_sgl_error(cap, sizeof(cap), 4096, MIB, NVMF_SC_SGL_INVALID_OFFSET);
	/* off + len wraps in 64 bits (the nvmet overflow): still refused. */
	nvmf_sgl_offset_build(cap + NVMF_SQE_DPTR, 0xfffffffffffffe00ull, 0x1000);
	expect_sgl_error(cap, sizeof(cap), 4096, MIB, NVMF_SC_SGL_INVALID_OFFSET);
	/* Within the queue's size but beyond what the host sent: Data SGL Length Invalid. */
	nvmf_sgl_offset_build(cap + NVMF_SQE_DPTR, 0, 1024);
	expect_sgl_error(cap, 64 + 512, 4096, MIB, NVMF_SC_SGL_INVALID_DATA);
	nvmf_sgl_offset_build(cap + NVMF_SQE_DPTR, 1000, 100);
	expect_sgl_error(cap, sizeof(cap), 4096, MIB, NVMF_SC_SGL_INVALID_DATA);
	/* A non-zero offset inside the data is fine. */
	nvmf_sgl_offset_build(cap + NVMF_SQE_DPTR, 16, 1008);
	ck_assert_int_eq(nvmf_sgl_decode(cap, sizeof(cap), 4096, MIB, &sgl, &st), 0);
	ck_assert_int_eq(sgl.kind, NVMF_SGL_INCAPSULE);
	ck_assert_uint_eq(sgl.icd_off, 16);
	ck_assert_uint_eq(sgl.len, 1008);
	/* Length 0 at offset 0 on the admin queue: no data. */
	nvmf_sgl_offset_build(cap + NVMF_SQE_DPTR, 0, 0);
	ck_assert_int_eq(nvmf_sgl_decode(cap, 64, 0, MIB, &sgl, &st), 0);
	ck_assert_int_eq(sgl.kind, NVMF_SGL_NONE);
}
END_TEST

START_TEST(test_nvmf_sgl_decode_incapsule_read)
{
	uint8_t sqe[64];

	/* Identify (#40) and a Read with an in-capsule SGL: data to the host cannot be in it. */
	load(&f40_identify, sqe, sizeof(sqe));
	nvmf_sgl_offset_build(sqe + NVMF_SQE_DPTR, 0, 0);
	expect_sgl_error(sqe, 64, 4096, MIB, NVMF_SC_INVALID_FIELD);
	sqe[0] = NVMF_IO_READ;
	expect_sgl_error(sqe, 64, 4096, MIB, NVMF_SC_INVALID_FIELD);
	/* A Property Get (fctype 04h, no data) neither. */
	load(&f12_prop_get_cap, sqe, sizeof(sqe));
	nvmf_sgl_offset_build(sqe + NVMF_SQE_DPTR, 0, 0);
	expect_sgl_error(sqe, 64, 4096, MIB, NVMF_SC_INVALID_FIELD);
}
END_TEST

/* ---- Connect ---- */

START_TEST(test_nvmf_connect_cmd_roundtrip)
{
	uint8_t sqe[64], built[64];
	struct nvmf_connect_cmd c;

	load(&f91_connect_kato, sqe, sizeof(sqe));
	ck_assert_int_eq(nvmf_connect_cmd_parse(sqe, &c), 0);
	memset(built, 0xa5, sizeof(built));
	nvmf_connect_cmd_build(built, 0, &c);
	ck_assert_int_eq(nvmf_sgl_keyed_build(built + NVMF_SQE_DPTR, 0xff468bb5884fdc00ull,
					      1024, 0x30fa, true), 0);
	ck_assert_mem_eq(built, sqe, 64);
	c = (struct nvmf_connect_cmd){ .recfmt = 0xa1b2, .qid = 0xc3d4, .sqsize = 0xe5f6,
				       .cattr = 0x97, .kato = 0x8a9bacbd };
	nvmf_connect_cmd_build(built, 0x1357, &c);
	memset(&c, 0, sizeof(c));
	ck_assert_int_eq(nvmf_connect_cmd_parse(built, &c), 0);
	ck_assert_uint_eq(nvmf_sqe_cid(built), 0x1357);
	ck_assert_uint_eq(c.recfmt, 0xa1b2);
	ck_assert_uint_eq(c.qid, 0xc3d4);
	ck_assert_uint_eq(c.sqsize, 0xe5f6);
	ck_assert_uint_eq(c.cattr, 0x97);
	ck_assert_uint_eq(c.kato, 0x8a9bacbd);
	/* Not a Connect: a Property Get, an Identify. */
	load(&f12_prop_get_cap, sqe, sizeof(sqe));
	ck_assert_int_eq(nvmf_connect_cmd_parse(sqe, &c), -EINVAL);
	load(&f40_identify, sqe, sizeof(sqe));
	sqe[4] = NVMF_FCTYPE_CONNECT;
	ck_assert_int_eq(nvmf_connect_cmd_parse(sqe, &c), -EINVAL);
}
END_TEST

static void
expect_connect_error(const struct nvmf_connect_cmd *c, unsigned int sc, uint32_t want_dw0)
{
	uint16_t st = 0;
	uint32_t dw0 = 0xdead;

	ck_assert_int_eq(nvmf_connect_cmd_check(c, &lim, &st, &dw0), -EPROTO);
	ck_assert_uint_eq(nvmf_status_sct(st), NVMF_SCT_CMD);
	ck_assert_uint_eq(nvmf_status_sc(st), sc);
	ck_assert(nvmf_status_dnr(st));
	ck_assert_uint_eq(dw0, want_dw0);
}

START_TEST(test_nvmf_connect_cmd_check)
{
	struct nvmf_connect_cmd c = { .qid = 0, .sqsize = 31, .kato = 5000 };
	uint16_t st = 0x1234;
	uint32_t dw0 = 0xdead;

	ck_assert_int_eq(nvmf_connect_cmd_check(&c, &lim, &st, &dw0), 0);
	ck_assert_uint_eq(st, 0x1234);
	ck_assert_uint_eq(dw0, 0);
	c.recfmt = 1;
	expect_connect_error(&c, NVMF_SC_CONNECT_FORMAT, 0);
	c.recfmt = 0;
	c.sqsize = 32;		/* 33 entries on the admin queue */
	expect_connect_error(&c, NVMF_SC_CONNECT_INVALID_PARAM, NVMF_CONNECT_SQSIZE);
	c.sqsize = 0;
	expect_connect_error(&c, NVMF_SC_CONNECT_INVALID_PARAM, NVMF_CONNECT_SQSIZE);
	c.qid = 4;
	c.sqsize = 127;
	ck_assert_int_eq(nvmf_connect_cmd_check(&c, &lim, &st, &dw0), 0);
	c.sqsize = 128;
	expect_connect_error(&c, NVMF_SC_CONNECT_INVALID_PARAM, 44);
	c.qid = 5;
	c.sqsize = 127;
	expect_connect_error(&c, NVMF_SC_CONNECT_INVALID_PARAM, 42);
}
END_TEST

START_TEST(test_nvmf_connect_data_errors)
{
	uint8_t data[NVMF_CONNECT_DATA_SIZE];
	struct nvmf_connect_data d;
	uint32_t dw0 = 0;

	disc_connect_data(data);
	ck_assert_int_eq(nvmf_connect_data_parse(data, 1023, &d, &dw0), -EINVAL);
	/* subnqn fills its 256 bytes: no NUL. */
	memset(data + NVMF_CDATA_SUBNQN, 'a', NVMF_NQN_FIELD_SIZE);
	ck_assert_int_eq(nvmf_connect_data_parse(data, sizeof(data), &d, &dw0), -EPROTO);
	ck_assert_uint_eq(dw0, 0x10100);
	ck_assert_uint_eq(strlen(d.subnqn), 255);
	ck_assert_str_eq(d.hostnqn, hostnqn_uuid);
	/* Both bad: subnqn is reported first. */
	memset(data + NVMF_CDATA_HOSTNQN, 'b', NVMF_NQN_FIELD_SIZE);
	ck_assert_int_eq(nvmf_connect_data_parse(data, sizeof(data), &d, &dw0), -EPROTO);
	ck_assert_uint_eq(dw0, 0x10100);
	/* Only hostnqn bad; a NUL in the last byte is enough. */
	data[NVMF_CDATA_SUBNQN + 255] = 0;
	ck_assert_int_eq(nvmf_connect_data_parse(data, sizeof(data), &d, &dw0), -EPROTO);
	ck_assert_uint_eq(dw0, NVMF_CONNECT_IATTR_DATA | NVMF_CDATA_HOSTNQN);
	ck_assert_uint_eq(dw0, 0x10200);
	data[NVMF_CDATA_HOSTNQN + 255] = 0;
	ck_assert_int_eq(nvmf_connect_data_parse(data, sizeof(data), &d, &dw0), 0);
	ck_assert_uint_eq(strlen(d.subnqn), 255);
	/* The builder will not write an NQN without room for its NUL. */
	memset(d.hostnqn, 'c', sizeof(d.hostnqn));
	ck_assert_int_eq(nvmf_connect_data_build(data, &d), -EINVAL);
	ck_assert_uint_eq(data[NVMF_CDATA_SUBNQN], 0);
}
END_TEST

START_TEST(test_nvmf_prop_cmd_errors)
{
	uint8_t sqe[64];
	struct nvmf_prop_cmd p;

	load(&f12_prop_get_cap, sqe, sizeof(sqe));
	sqe[NVMF_PROP_ATTRIB] = 2;
	ck_assert_int_eq(nvmf_prop_cmd_parse(sqe, &p), -EPROTO);
	ck_assert_uint_eq(p.size, 0);
	ck_assert_uint_eq(p.offset, 0);
	load(&f6_connect, sqe, sizeof(sqe));
	ck_assert_int_eq(nvmf_prop_cmd_parse(sqe, &p), -EINVAL);
	load(&f40_identify, sqe, sizeof(sqe));
	sqe[4] = NVMF_FCTYPE_PROP_GET;
	ck_assert_int_eq(nvmf_prop_cmd_parse(sqe, &p), -EINVAL);
}
END_TEST

/* ---- rdma_cm private data ---- */

START_TEST(test_nvmf_rdma_cm_req_capture)
{
	uint8_t pd[56], built[32];	/* the 56 bytes a REQ carries after rdma_cm's header */
	struct nvmf_rdma_cm_req r;
	uint16_t sts = 0xbeef;

	memset(pd, 0, sizeof(pd));
	unhex(req1, pd, sizeof(pd));
	ck_assert_int_eq(nvmf_rdma_cm_req_parse(pd, sizeof(pd), &lim, &r, &sts), 0);
	ck_assert_uint_eq(sts, 0xbeef);
	ck_assert_uint_eq(r.recfmt, 0);
	ck_assert_uint_eq(r.qid, 0);
	ck_assert_uint_eq(r.hrqsize, 32);
	ck_assert_uint_eq(r.hsqsize, 31);
	ck_assert_int_eq(nvmf_rdma_cm_req_build(built, &r), 32);
	ck_assert_mem_eq(built, pd, 32);
	unhex(req167, pd, sizeof(pd));
	ck_assert_int_eq(nvmf_rdma_cm_req_parse(pd, 32, &lim, &r, &sts), 0);
	ck_assert_uint_eq(r.qid, 1);
	ck_assert_uint_eq(r.hrqsize, 128);
	ck_assert_uint_eq(r.hsqsize, 127);
	ck_assert_int_eq(nvmf_rdma_cm_req_build(built, &r), 32);
	ck_assert_mem_eq(built, pd, 32);
}
END_TEST

static void
expect_cm_rej(uint16_t recfmt, uint16_t qid, uint16_t hrq, uint16_t hsq, uint16_t want)
{
	struct nvmf_rdma_cm_req r = { recfmt, qid, hrq, hsq }, out;
	uint8_t pd[32];
	uint16_t sts = 0;

	nvmf_rdma_cm_req_build(pd, &r);
	ck_assert_int_eq(nvmf_rdma_cm_req_parse(pd, sizeof(pd), &lim, &out, &sts), -EPROTO);
	ck_assert_uint_eq(sts, want);
	ck_assert_uint_eq(out.qid, qid);
}

START_TEST(test_nvmf_rdma_cm_req_rejects)
{
	uint8_t pd[32] = { 0 };
	struct nvmf_rdma_cm_req r;
	uint16_t sts = 0;

	ck_assert_int_eq(nvmf_rdma_cm_req_parse(NULL, 0, &lim, &r, &sts), -EPROTO);
	ck_assert_uint_eq(sts, NVMF_RDMA_CM_INVALID_LEN);
	sts = 0;
	ck_assert_int_eq(nvmf_rdma_cm_req_parse(pd, 31, &lim, &r, &sts), -EPROTO);
	ck_assert_uint_eq(sts, NVMF_RDMA_CM_INVALID_LEN);
	expect_cm_rej(1, 0, 32, 31, NVMF_RDMA_CM_INVALID_RECFMT);
	expect_cm_rej(1, 9, 0, 0, NVMF_RDMA_CM_INVALID_RECFMT);	/* format first */
	expect_cm_rej(0, 5, 128, 127, NVMF_RDMA_CM_INVALID_QID);
	expect_cm_rej(0, 0xffff, 128, 127, NVMF_RDMA_CM_INVALID_QID);
	expect_cm_rej(0, 0, 64, 63, NVMF_RDMA_CM_INVALID_HSQSIZE);	/* admin hsqsize 63 */
	expect_cm_rej(0, 0, 33, 32, NVMF_RDMA_CM_INVALID_HSQSIZE);	/* 33 > NVME_AQ_DEPTH */
	expect_cm_rej(0, 1, 129, 128, NVMF_RDMA_CM_INVALID_HSQSIZE);	/* 129 > io_depth */
	expect_cm_rej(0, 1, 1, 0, NVMF_RDMA_CM_INVALID_HSQSIZE);	/* one-entry queue */
	expect_cm_rej(0, 0, 31, 31, NVMF_RDMA_CM_INVALID_HRQSIZE);	/* hrq < hsq + 1 */
	expect_cm_rej(0, 4, 0, 127, NVMF_RDMA_CM_INVALID_HRQSIZE);
	/* The limits themselves and a larger hrqsize are accepted. */
	r = (struct nvmf_rdma_cm_req){ 0, 4, 0xffff, 127 };
	nvmf_rdma_cm_req_build(pd, &r);
	ck_assert_int_eq(nvmf_rdma_cm_req_parse(pd, 32, &lim, &r, &sts), 0);
	ck_assert_uint_eq(r.hrqsize, 0xffff);
}
END_TEST

START_TEST(test_nvmf_rdma_cm_rep_rej)
{
	uint8_t out[32], want[32];
	uint16_t recfmt = 0xffff, v = 0;
	size_t i;

	memset(want, 0, sizeof(want));
	unhex(rep4, want, sizeof(want));
	memset(out, 0xa5, sizeof(out));
	ck_assert_int_eq(nvmf_rdma_cm_rep_build(out, 32), 32);
	ck_assert_mem_eq(out, want, 32);
	ck_assert_int_eq(nvmf_rdma_cm_rep_parse(out, 32, &recfmt, &v), 0);
	ck_assert_uint_eq(recfmt, 0);
	ck_assert_uint_eq(v, 32);
	unhex(rep168, want, sizeof(want));
	ck_assert_int_eq(nvmf_rdma_cm_rep_build(out, 128), 32);
	ck_assert_mem_eq(out, want, 32);
	ck_assert_int_eq(nvmf_rdma_cm_rep_parse(want, 32, &recfmt, &v), 0);
	ck_assert_uint_eq(v, 128);
	ck_assert_int_eq(nvmf_rdma_cm_rep_parse(want, 3, &recfmt, &v), -EINVAL);
	/* REJ: le16 recfmt 0, le16 status. */
	memset(out, 0xa5, sizeof(out));
	ck_assert_int_eq(nvmf_rdma_cm_rej_build(out, NVMF_RDMA_CM_INVALID_HSQSIZE), 4);
	ck_assert_uint_eq(out[0], 0);
	ck_assert_uint_eq(out[1], 0);
	ck_assert_uint_eq(out[2], 4);
	ck_assert_uint_eq(out[3], 0);
	ck_assert_uint_eq(out[4], 0xa5);
	for (i = 1; i <= 8; i++) {
		nvmf_rdma_cm_rej_build(out, (uint16_t)i);
		ck_assert_int_eq(nvmf_rdma_cm_rej_parse(out, 4, &recfmt, &v), 0);
		ck_assert_uint_eq(v, i);
		ck_assert_str_ne(nvmf_rdma_cm_sts_name(v), "unknown");
	}
	ck_assert_int_eq(nvmf_rdma_cm_rej_parse(out, 3, &recfmt, &v), -EINVAL);
	ck_assert_str_eq(nvmf_rdma_cm_sts_name(NVMF_RDMA_CM_INVALID_HSQSIZE),
			 "invalid host SQ size");
	ck_assert_str_eq(nvmf_rdma_cm_sts_name(0), "unknown");
	ck_assert_str_eq(nvmf_rdma_cm_sts_name(10), "unknown");
}
END_TEST

static Suite *
tgt_wire_suite(void)
{
	Suite *s = suite_create("tgt_wire");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_capture_matches_quoted_bytes);
	tcase_add_test(tc, test_nvmf_status_fields);
	tcase_add_test(tc, test_nvmf_sqe_connect_admin_f6);
	tcase_add_test(tc, test_nvmf_sqe_connect_kato_f91);
	tcase_add_test(tc, test_nvmf_sqe_prop_get_f12);
	tcase_add_test(tc, test_nvmf_sqe_prop_set_f16);
	tcase_add_test(tc, test_nvmf_sqe_identify_f40);
	tcase_add_test(tc, test_nvmf_sqe_get_log_f64);
	tcase_add_test(tc, test_nvmf_sqe_write_f285);
	tcase_add_test(tc, test_nvmf_sqe_io_connect_in_capsule_f170);
	tcase_add_test(tc, test_nvmf_connect_data_admin_f9);
	tcase_add_test(tc, test_nvmf_cqe_capture);
	tcase_add_test(tc, test_nvmf_cqe_status_roundtrip);
	tcase_add_test(tc, test_nvmf_sgl_build_roundtrip);
	tcase_add_test(tc, test_nvmf_sgl_decode_short_capsule);
	tcase_add_test(tc, test_nvmf_sgl_decode_bad_flags);
	tcase_add_test(tc, test_nvmf_sgl_decode_bad_type);
	tcase_add_test(tc, test_nvmf_sgl_decode_keyed_too_long);
	tcase_add_test(tc, test_nvmf_sgl_decode_incapsule_bounds);
	tcase_add_test(tc, test_nvmf_sgl_decode_incapsule_read);
	tcase_add_test(tc, test_nvmf_connect_cmd_roundtrip);
	tcase_add_test(tc, test_nvmf_connect_cmd_check);
	tcase_add_test(tc, test_nvmf_connect_data_errors);
	tcase_add_test(tc, test_nvmf_prop_cmd_errors);
	tcase_add_test(tc, test_nvmf_rdma_cm_req_capture);
	tcase_add_test(tc, test_nvmf_rdma_cm_req_rejects);
	tcase_add_test(tc, test_nvmf_rdma_cm_rep_rej);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return test_run_suite(tgt_wire_suite());
}
