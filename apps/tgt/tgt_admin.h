/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TGT_ADMIN_H
#define TGT_ADMIN_H

/*
 * droce-tgt: the admin commands of one connected controller (NVM or discovery), executed
 * on its state without any I/O: Property Get/Set, Identify, Get Log Page, Set/Get
 * Features, Keep Alive, Asynchronous Event Request and Abort. The transport has decoded
 * the capsule and its SGL; it moves the data the result names and sends the completion.
 * Fabrics Connect is not here: it creates the controller (the registry's job).
 *
 * Statuses are what Linux's nvmet answers for the same command, except where the
 * controller deliberately reports less (no ANA, no command-effects log): see doc/design.md.
 */

#include <stdbool.h>
#include <stdint.h>

#include "nvmf_admin.h"
#include "nvmf_wire.h"

/* Feature identifiers droce-tgt knows (NVMe 1.4 5.21.1). */
#define TGT_FID_VWC		0x06
#define TGT_FID_NUM_QUEUES	0x07
#define TGT_FID_AEC		0x0b
#define TGT_FID_KATO		0x0f

/* One controller's admin state. The control thread owns it. */
struct tgt_admin_ctrl {
	struct tgt_regs regs;
	struct tgt_ctrl_info info;	/* what Identify Controller reports */
	struct tgt_ns_list ns;		/* NVM: the subsystem's namespaces */
	const uint8_t *disc_log;	/* discovery: the log page this host may see */
	size_t disc_log_len;
	struct tgt_smart_info smart;	/* NVM: the counters the SMART log reports */
	uint16_t max_io_queues;		/* I/O queues a host may create, 1..65535 */
	uint32_t kato_ms;		/* from Connect, or Set Features KATO; 0: none */
	uint32_t aec;			/* Asynchronous Event Configuration */
	uint8_t aers;			/* AERs held now, at most info.aerl + 1 */
	bool kept_alive;		/* a Keep Alive came: the caller restarts its timer */
};

/* What the transport does with a command once tgt_admin_exec() returns. */
enum tgt_admin_action {
	TGT_ADMIN_COMPLETE,	/* write data_len bytes to the host if any, then the CQE */
	TGT_ADMIN_HOLD,		/* an AER: keep the command, complete it on an event or teardown */
};

/* The outcome of one admin command. */
struct tgt_admin_result {
	enum tgt_admin_action action;
	uint16_t status;	/* the CQE's status field (nvmf_status()) */
	uint32_t dw0, dw1;	/* the CQE's command-specific result */
	uint32_t data_len;	/* bytes of the data buffer to write to the host */
	int events;		/* Property Set: an OR of enum tgt_cc_event, else 0 */
};

/**
 * Execute an admin command on a connected controller.
 *
 * Context: the thread that owns the controller; pure otherwise (no I/O, never blocks).
 *
 * @param c
 *   The controller; Property Set, Set Features, Keep Alive and AER change it.
 * @param sqe
 *   The 64-byte command capsule.
 * @param xfer_len
 *   The length of the command's data buffer at the host (its SGL's), 0 for none.
 * @param data
 *   Where the controller-to-host data goes (Identify, Get Log Page): xfer_len bytes (the
 *   transport's SGL checks keep that within MDTS); may be NULL when xfer_len is 0.
 * @param r
 *   Out: the result. Always filled.
 * @return
 *   0 (the status says how the command ended), or -EINVAL for NULL c, sqe or r, or a
 *   NULL data with xfer_len > 0.
 */
int tgt_admin_exec(struct tgt_admin_ctrl *c, const uint8_t sqe[NVMF_SQE_SIZE],
		   uint32_t xfer_len, uint8_t *data, struct tgt_admin_result *r);

#endif /* TGT_ADMIN_H */
