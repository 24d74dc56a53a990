/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TGT_IO_H
#define TGT_IO_H

/*
 * droce-tgt: the NVM command set's I/O commands checked against their namespace before any
 * data moves (Read, Write, Flush, Write Zeroes, Dataset Management), with the statuses
 * Linux's nvmet gives a bad one. The transport has checked the SGL itself
 * (nvmf_sgl_decode()); here its length must be what the command transfers.
 */

#include <stdbool.h>
#include <stdint.h>

#include "nvmf_admin.h"
#include "nvmf_wire.h"

#define TGT_DSM_RANGE_SIZE	16	/* NVMe 1.4 Figure 364: attributes, NLB, SLBA */
#define TGT_DSM_RANGES_MAX	256	/* NR is 8 bits, 0's based */
#define TGT_DSM_AD		(1u << 2)	/* CDW11: Attribute - Deallocate */
#define TGT_RW_FUA		(1u << 30)	/* CDW12: Force Unit Access */

enum tgt_io_op {
	TGT_IO_READ,
	TGT_IO_WRITE,
	TGT_IO_FLUSH,
	TGT_IO_WRITE_ZEROES,
	TGT_IO_DISCARD,		/* Dataset Management with Deallocate */
	TGT_IO_NOP,		/* Dataset Management without Deallocate: nothing to do */
};

/* A checked I/O command. */
struct tgt_io_cmd {
	enum tgt_io_op op;
	const struct tgt_ns_info *ns;
	uint64_t lba;		/* Read, Write, Write Zeroes */
	uint32_t nblocks;	/* Read, Write, Write Zeroes: 1..65536 */
	bool fua;		/* Write: durable before the completion */
	uint32_t data_len;	/* bytes the transport moves: Read/Write data, DSM ranges */
	uint16_t nr_ranges;	/* Dataset Management: ranges in the data, 1..256 */
};

/**
 * Check an I/O command against the subsystem's namespaces.
 *
 * Context: any thread; pure.
 *
 * @param sqe
 *   The 64-byte command capsule.
 * @param xfer_len
 *   The length of its data (the SGL's), 0 for none.
 * @param ns
 *   The subsystem's namespaces.
 * @param cmd
 *   Out: the command, when it passes.
 * @return
 *   0 and the command; or the CQE status that refuses it (> 0): Invalid Opcode for an
 *   opcode droce-tgt does not implement, Invalid Namespace for an NSID not active, LBA
 *   Out of Range, Data SGL Length Invalid when xfer_len is not what the command moves,
 *   Invalid Field for a reserved field; all with DNR. -EINVAL for NULL arguments.
 */
int tgt_io_check(const uint8_t sqe[NVMF_SQE_SIZE], uint32_t xfer_len,
		 const struct tgt_ns_list *ns, struct tgt_io_cmd *cmd);

/* One range of a Dataset Management command. */
struct tgt_dsm_range {
	uint64_t lba;
	uint32_t nblocks;
};

/**
 * Read a Dataset Management command's ranges (the data tgt_io_check() said to fetch).
 *
 * Context: any thread; pure.
 *
 * @param cmd
 *   The checked command (op TGT_IO_DISCARD).
 * @param data
 *   The ranges as the host sent them, cmd->data_len bytes.
 * @param out
 *   Out: cmd->nr_ranges ranges.
 * @return
 *   0, or the status that refuses them (> 0): LBA Out of Range with DNR when a range
 *   passes the namespace's end. -EINVAL for NULL arguments or another op.
 */
int tgt_io_dsm_ranges(const struct tgt_io_cmd *cmd, const uint8_t *data,
		      struct tgt_dsm_range *out);

#endif /* TGT_IO_H */
