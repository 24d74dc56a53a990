/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * droce-tgt: I/O commands checked before any data moves (see tgt_io.h). The order of the
 * checks is nvmet's: the opcode, the namespace, the data length, then the LBA range.
 */
#include <errno.h>
#include <string.h>

#include "tgt_io.h"

#define GENERIC(sc)	NVMF_STATUS(NVMF_SCT_GENERIC, sc, 1)

static const struct tgt_ns_info *
ns_find(const struct tgt_ns_list *list, uint32_t nsid)
{
	uint32_t i;

	for (i = 0; i < list->count; i++)
		if (list->ns[i].nsid == nsid)
			return &list->ns[i];
	return NULL;
}

/* NVMe 1.4 6.9/6.15: SLBA in CDW10-11, NLB (0's based) in CDW12 bits 15:0. */
static uint16_t
lba_range(const uint8_t *sqe, struct tgt_io_cmd *cmd)
{
	cmd->lba = nvmf_sqe_cdw(sqe, 10) | (uint64_t)nvmf_sqe_cdw(sqe, 11) << 32;
	cmd->nblocks = (nvmf_sqe_cdw(sqe, 12) & 0xffff) + 1;
	if (cmd->lba >= cmd->ns->nblocks || cmd->nblocks > cmd->ns->nblocks - cmd->lba)
		return GENERIC(NVMF_SC_LBA_RANGE);
	return 0;
}

static uint16_t
read_write(const uint8_t *sqe, uint32_t xfer_len, struct tgt_io_cmd *cmd)
{
	cmd->op = nvmf_sqe_opcode(sqe) == NVMF_IO_READ ? TGT_IO_READ : TGT_IO_WRITE;
	cmd->fua = cmd->op == TGT_IO_WRITE && (nvmf_sqe_cdw(sqe, 12) & TGT_RW_FUA) != 0;
	cmd->nblocks = (nvmf_sqe_cdw(sqe, 12) & 0xffff) + 1;
	cmd->data_len = cmd->nblocks * cmd->ns->block_size;
	/* The SGL carries exactly NLB blocks (nvmet: a transfer length mismatch). */
	if (xfer_len != cmd->data_len)
		return GENERIC(NVMF_SC_SGL_INVALID_DATA);
	return lba_range(sqe, cmd);
}

static uint16_t
write_zeroes(const uint8_t *sqe, uint32_t xfer_len, struct tgt_io_cmd *cmd)
{
	cmd->op = TGT_IO_WRITE_ZEROES;
	if (xfer_len != 0)
		return GENERIC(NVMF_SC_SGL_INVALID_DATA);
	return lba_range(sqe, cmd);
}

/* NVMe 1.4 6.7: NR (0's based) ranges of 16 bytes; only Deallocate does anything here. */
static uint16_t
dsm(const uint8_t *sqe, uint32_t xfer_len, struct tgt_io_cmd *cmd)
{
	cmd->nr_ranges = (uint16_t)((nvmf_sqe_cdw(sqe, 10) & 0xff) + 1);
	cmd->data_len = cmd->nr_ranges * TGT_DSM_RANGE_SIZE;
	cmd->op = nvmf_sqe_cdw(sqe, 11) & TGT_DSM_AD ? TGT_IO_DISCARD : TGT_IO_NOP;
	if (xfer_len != cmd->data_len)
		return GENERIC(NVMF_SC_SGL_INVALID_DATA);
	if (cmd->op == TGT_IO_NOP)
		cmd->data_len = 0;		/* nothing to fetch: the hints are ignored */
	return 0;
}

int
tgt_io_check(const uint8_t sqe[NVMF_SQE_SIZE], uint32_t xfer_len, const struct tgt_ns_list *ns,
	     struct tgt_io_cmd *cmd)
{
	uint8_t opc;

	if (sqe == NULL || ns == NULL || cmd == NULL)
		return -EINVAL;
	memset(cmd, 0, sizeof(*cmd));
	opc = nvmf_sqe_opcode(sqe);
	if (opc != NVMF_IO_READ && opc != NVMF_IO_WRITE && opc != NVMF_IO_FLUSH &&
	    opc != NVMF_IO_WRITE_ZEROES && opc != NVMF_IO_DSM)
		return GENERIC(NVMF_SC_INVALID_OPCODE);
	cmd->ns = ns_find(ns, nvmf_sqe_nsid(sqe));
	if (cmd->ns == NULL)
		return GENERIC(NVMF_SC_INVALID_NS);
	switch (opc) {
	case NVMF_IO_READ:
	case NVMF_IO_WRITE:
		return read_write(sqe, xfer_len, cmd);
	case NVMF_IO_WRITE_ZEROES:
		return write_zeroes(sqe, xfer_len, cmd);
	case NVMF_IO_DSM:
		return dsm(sqe, xfer_len, cmd);
	default:
		cmd->op = TGT_IO_FLUSH;
		return xfer_len == 0 ? 0 : GENERIC(NVMF_SC_SGL_INVALID_DATA);
	}
}

int
tgt_io_dsm_ranges(const struct tgt_io_cmd *cmd, const uint8_t *data, struct tgt_dsm_range *out)
{
	const uint8_t *r;
	uint16_t i;

	if (cmd == NULL || data == NULL || out == NULL || cmd->op != TGT_IO_DISCARD)
		return -EINVAL;
	for (i = 0; i < cmd->nr_ranges; i++) {
		r = data + (size_t)i * TGT_DSM_RANGE_SIZE;
		out[i].nblocks = nvmf_get_le32(r + 4);
		out[i].lba = nvmf_get_le64(r + 8);
		if (out[i].lba > cmd->ns->nblocks ||
		    out[i].nblocks > cmd->ns->nblocks - out[i].lba)
			return GENERIC(NVMF_SC_LBA_RANGE);
	}
	return 0;
}
