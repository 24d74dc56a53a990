/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * droce-tgt's I/O command checks (apps/tgt/tgt_io.c): every I/O command the Linux host sent
 * in tests/data/captures/nvme_rdma_connect_io.pcap passes with the data length its SGL
 * gave; then each bad one gets nvmet's status.
 */
#include <errno.h>
#include <string.h>

#include "check_run.h"
#include "pcap_read.h"
#include "tgt_io.h"

#define CAPTURE		TEST_CAPTURES "/nvme_rdma_connect_io.pcap"
#define OP_SEND_ONLY	0x04
#define GEN(sc)		NVMF_STATUS(NVMF_SCT_GENERIC, sc, 1)

/* The capture's namespace: 64 MiB of 512-byte blocks (brd). */
static const struct tgt_ns_info ns_info[2] = {
	{ .nsid = 1, .nblocks = 131072, .block_size = 512 },
	{ .nsid = 3, .nblocks = 1000, .block_size = 4096 },
};
static const struct tgt_ns_list ns = { .ns = ns_info, .count = 2, .nn = 1024 };

START_TEST(test_linux_io_commands)
{
	unsigned int n, reads = 0, writes = 0;
	struct pcap_file pf;
	struct pcap_roce r;
	struct tgt_io_cmd cmd;
	struct nvmf_sgl sgl;
	uint32_t io_qp;
	uint16_t st;

	ck_assert_int_eq(pcap_open(&pf, CAPTURE), 0);
	ck_assert_int_eq(pcap_roce(&pf, 170, &r), 0);	/* the I/O queue's Connect */
	io_qp = r.dqpn;
	for (n = 172; n <= pf.nframes; n++) {
		if (pcap_roce(&pf, n, &r) != 0 || r.opcode != OP_SEND_ONLY || r.dqpn != io_qp ||
		    r.len != NVMF_SQE_SIZE)
			continue;
		ck_assert_int_eq(nvmf_sgl_decode(r.payload, r.len, 4096, 1u << 20, &sgl, &st), 0);
		ck_assert_int_eq(tgt_io_check(r.payload, sgl.len, &ns, &cmd), 0);
		ck_assert_uint_eq(cmd.data_len, sgl.len);
		ck_assert_ptr_eq(cmd.ns, &ns_info[0]);
		reads += cmd.op == TGT_IO_READ;
		writes += cmd.op == TGT_IO_WRITE;
	}
	pcap_close(&pf);
	/* Three 4 KiB partition-scan reads, then the 64 KiB write and read back (frames 226-370). */
	ck_assert_uint_eq(reads, 4);
	ck_assert_uint_eq(writes, 1);
}
END_TEST

static void
sqe_make(uint8_t *sqe, uint8_t opc, uint32_t nsid, uint64_t slba, uint32_t cdw12)
{
	memset(sqe, 0, NVMF_SQE_SIZE);
	sqe[NVMF_SQE_OPC] = opc;
	nvmf_put_le32(sqe + NVMF_SQE_NSID, nsid);
	nvmf_put_le64(sqe + NVMF_SQE_CDW10, slba);
	nvmf_put_le32(sqe + NVMF_SQE_CDW10 + 8, cdw12);
}

START_TEST(test_read_write)
{
	uint8_t sqe[NVMF_SQE_SIZE];
	struct tgt_io_cmd cmd;

	/* The last 8 blocks, with FUA: a write that must be durable before it completes. */
	sqe_make(sqe, NVMF_IO_WRITE, 1, 131064, 7 | TGT_RW_FUA);
	ck_assert_int_eq(tgt_io_check(sqe, 4096, &ns, &cmd), 0);
	ck_assert_int_eq(cmd.op, TGT_IO_WRITE);
	ck_assert_uint_eq(cmd.lba, 131064);
	ck_assert_uint_eq(cmd.nblocks, 8);
	ck_assert(cmd.fua);
	/* One block past the end; a SLBA far beyond; the 64-bit wrap. */
	sqe_make(sqe, NVMF_IO_WRITE, 1, 131065, 7);
	ck_assert_int_eq(tgt_io_check(sqe, 4096, &ns, &cmd), GEN(NVMF_SC_LBA_RANGE));
	sqe_make(sqe, NVMF_IO_READ, 1, 1ull << 40, 0);
	ck_assert_int_eq(tgt_io_check(sqe, 512, &ns, &cmd), GEN(NVMF_SC_LBA_RANGE));
	sqe_make(sqe, NVMF_IO_READ, 1, UINT64_MAX - 2, 7);
	ck_assert_int_eq(tgt_io_check(sqe, 4096, &ns, &cmd), GEN(NVMF_SC_LBA_RANGE));
	/* NLB not what the SGL carries, either way. */
	sqe_make(sqe, NVMF_IO_READ, 1, 0, 7);
	ck_assert_int_eq(tgt_io_check(sqe, 4608, &ns, &cmd), GEN(NVMF_SC_SGL_INVALID_DATA));
	ck_assert_int_eq(tgt_io_check(sqe, 512, &ns, &cmd), GEN(NVMF_SC_SGL_INVALID_DATA));
	/* A 4 KiB namespace: NLB counts its blocks; FUA means nothing on a read. */
	sqe_make(sqe, NVMF_IO_READ, 3, 999, TGT_RW_FUA);
	ck_assert_int_eq(tgt_io_check(sqe, 4096, &ns, &cmd), 0);
	ck_assert(!cmd.fua);
	sqe_make(sqe, NVMF_IO_READ, 3, 999, 1);
	ck_assert_int_eq(tgt_io_check(sqe, 8192, &ns, &cmd), GEN(NVMF_SC_LBA_RANGE));
}
END_TEST

START_TEST(test_namespace_and_opcode)
{
	uint8_t sqe[NVMF_SQE_SIZE];
	struct tgt_io_cmd cmd;

	sqe_make(sqe, NVMF_IO_READ, 2, 0, 0);			/* not active */
	ck_assert_int_eq(tgt_io_check(sqe, 512, &ns, &cmd), GEN(NVMF_SC_INVALID_NS));
	sqe_make(sqe, NVMF_IO_READ, 0, 0, 0);
	ck_assert_int_eq(tgt_io_check(sqe, 512, &ns, &cmd), GEN(NVMF_SC_INVALID_NS));
	sqe_make(sqe, NVMF_IO_FLUSH, 0xffffffffu, 0, 0);
	ck_assert_int_eq(tgt_io_check(sqe, 0, &ns, &cmd), GEN(NVMF_SC_INVALID_NS));
	/* Compare, Write Uncorrectable, Reservation Register, an admin opcode. */
	sqe_make(sqe, 0x05, 1, 0, 0);
	ck_assert_int_eq(tgt_io_check(sqe, 512, &ns, &cmd), GEN(NVMF_SC_INVALID_OPCODE));
	sqe_make(sqe, 0x04, 1, 0, 0);
	ck_assert_int_eq(tgt_io_check(sqe, 0, &ns, &cmd), GEN(NVMF_SC_INVALID_OPCODE));
	sqe_make(sqe, 0x0d, 1, 0, 0);
	ck_assert_int_eq(tgt_io_check(sqe, 0, &ns, &cmd), GEN(NVMF_SC_INVALID_OPCODE));
	sqe_make(sqe, 0x06, 1, 0, 0);
	ck_assert_int_eq(tgt_io_check(sqe, 4096, &ns, &cmd), GEN(NVMF_SC_INVALID_OPCODE));
	/* Flush: no data. */
	sqe_make(sqe, NVMF_IO_FLUSH, 1, 0, 0);
	ck_assert_int_eq(tgt_io_check(sqe, 0, &ns, &cmd), 0);
	ck_assert_int_eq(cmd.op, TGT_IO_FLUSH);
	ck_assert_int_eq(tgt_io_check(sqe, 512, &ns, &cmd), GEN(NVMF_SC_SGL_INVALID_DATA));
	ck_assert_int_eq(tgt_io_check(NULL, 0, &ns, &cmd), -EINVAL);
	ck_assert_int_eq(tgt_io_check(sqe, 0, NULL, &cmd), -EINVAL);
	ck_assert_int_eq(tgt_io_check(sqe, 0, &ns, NULL), -EINVAL);
}
END_TEST

START_TEST(test_write_zeroes)
{
	uint8_t sqe[NVMF_SQE_SIZE];
	struct tgt_io_cmd cmd;

	sqe_make(sqe, NVMF_IO_WRITE_ZEROES, 1, 100, 65535);	/* 65536 blocks */
	ck_assert_int_eq(tgt_io_check(sqe, 0, &ns, &cmd), 0);
	ck_assert_int_eq(cmd.op, TGT_IO_WRITE_ZEROES);
	ck_assert_uint_eq(cmd.nblocks, 65536);
	ck_assert_uint_eq(cmd.data_len, 0);
	ck_assert_int_eq(tgt_io_check(sqe, 512, &ns, &cmd), GEN(NVMF_SC_SGL_INVALID_DATA));
	sqe_make(sqe, NVMF_IO_WRITE_ZEROES, 1, 131072, 0);
	ck_assert_int_eq(tgt_io_check(sqe, 0, &ns, &cmd), GEN(NVMF_SC_LBA_RANGE));
}
END_TEST

static void
range_put(uint8_t *p, uint64_t lba, uint32_t nblocks)
{
	memset(p, 0, TGT_DSM_RANGE_SIZE);
	nvmf_put_le32(p + 4, nblocks);
	nvmf_put_le64(p + 8, lba);
}

START_TEST(test_dataset_management)
{
	uint8_t sqe[NVMF_SQE_SIZE], ranges[3 * TGT_DSM_RANGE_SIZE];
	struct tgt_dsm_range out[3];
	struct tgt_io_cmd cmd;

	/* Three ranges to deallocate (NR 2): the last one ends exactly at the end. */
	sqe_make(sqe, NVMF_IO_DSM, 1, 2 | (uint64_t)TGT_DSM_AD << 32, 0);
	ck_assert_int_eq(tgt_io_check(sqe, 48, &ns, &cmd), 0);
	ck_assert_int_eq(cmd.op, TGT_IO_DISCARD);
	ck_assert_uint_eq(cmd.nr_ranges, 3);
	ck_assert_uint_eq(cmd.data_len, 48);
	range_put(ranges, 0, 8);
	range_put(ranges + 16, 4096, 0);
	range_put(ranges + 32, 131000, 72);
	ck_assert_int_eq(tgt_io_dsm_ranges(&cmd, ranges, out), 0);
	ck_assert_uint_eq(out[0].nblocks, 8);
	ck_assert_uint_eq(out[2].lba, 131000);
	ck_assert_uint_eq(out[2].nblocks, 72);
	range_put(ranges + 32, 131000, 73);
	ck_assert_int_eq(tgt_io_dsm_ranges(&cmd, ranges, out), GEN(NVMF_SC_LBA_RANGE));
	range_put(ranges + 32, UINT64_MAX, 1);
	ck_assert_int_eq(tgt_io_dsm_ranges(&cmd, ranges, out), GEN(NVMF_SC_LBA_RANGE));
	/* The length is NR's; without Deallocate the hints are accepted and ignored. */
	ck_assert_int_eq(tgt_io_check(sqe, 32, &ns, &cmd), GEN(NVMF_SC_SGL_INVALID_DATA));
	sqe_make(sqe, NVMF_IO_DSM, 1, 0, 0);
	ck_assert_int_eq(tgt_io_check(sqe, 16, &ns, &cmd), 0);
	ck_assert_int_eq(cmd.op, TGT_IO_NOP);
	ck_assert_uint_eq(cmd.data_len, 0);
	ck_assert_int_eq(tgt_io_dsm_ranges(&cmd, ranges, out), -EINVAL);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("tgt_io");
	TCase *tc = tcase_create("io");

	tcase_add_test(tc, test_linux_io_commands);
	tcase_add_test(tc, test_read_write);
	tcase_add_test(tc, test_namespace_and_opcode);
	tcase_add_test(tc, test_write_zeroes);
	tcase_add_test(tc, test_dataset_management);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
