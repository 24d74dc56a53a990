/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TGT_CTRLR_H
#define TGT_CTRLR_H

/*
 * droce-tgt: the subsystem and controller registry, and Fabrics Connect.
 *
 * The registry is built once from the configuration: the NVM subsystems (their namespaces
 * sorted by NSID, the Identify facts) and the implicit discovery subsystem
 * (NVMF_DISCOVERY_NQN, always present, open to every host). Controllers follow the dynamic
 * controller model (NVMe-oF 1.1 Controller Model): an admin Connect with cntlid FFFFh creates
 * one and returns its cntlid, I/O Connects name that cntlid to add queues, and the
 * controller goes when its admin queue goes.
 *
 * Connect statuses and their order are Linux nvmet's (drivers/nvme/target/fabrics-cmd.c
 * nvmet_execute_admin_connect / nvmet_execute_io_connect / nvmet_install_queue, core.c
 * nvmet_alloc_ctrl / nvmet_ctrl_find_get); where nvmet does not check (CC.EN on an I/O
 * Connect, the admin queue size, the host identifier) SPDK's answer is used: see
 * tgt_ctrlr.c.
 *
 * Pure: no I/O, no EAL, no clock reads (time comes in as now_ms from the caller's monotonic
 * clock), no logging. Context: everything here belongs to the control thread, which owns
 * the registry and every controller in it (doc: nvmf.md 6.2); nothing takes a lock.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nvmf_admin.h"
#include "nvmf_wire.h"
#include "tgt_admin.h"
#include "tgt_conf.h"

/* Identify Controller FR of every controller: droce's version (meson's project version). */
#define TGT_FW_REV		DROCE_TGT_VERSION

/* NVMe 1.4 Identify Controller CNTLID: FFF0h-FFFFh are reserved; 0 is never handed out. */
#define TGT_CNTLID_MIN		1
#define TGT_CNTLID_MAX		0xffef

/* What a discovery log entry reports (NVMe-oF 1.1 Discovery Log Page Entry). */
#define TGT_DISC_GENCTR_STATIC	1	/* the configuration never changes at run time */
#define TGT_DISC_TREQ		TGT_TREQ_DISABLE_SQFLOW	/* what nvmet sent (capture) */

/* Identify and keep-alive facts of controllers (nvmf.md 2.5, 6.4). */
#define TGT_CTRLR_NN		TGT_CONF_MAX_NSID
#define TGT_CTRLR_KAS		10	/* Keep Alive granularity: 10 x 100 ms = 1 s */
#define TGT_CTRLR_AERL		3	/* 4 outstanding AERs, as nvmet */

struct tgt_registry;
struct tgt_ctrlr;

/* What the backend of one namespace reports once opened (tgt_bdev); the registry opens none. */
struct tgt_ns_facts {
	uint64_t nblocks;	/* > 0 */
	uint32_t block_size;	/* 512 or 4096 */
};

/* The facts of one configured subsystem's namespaces, in the order of its conf->ns[]. */
struct tgt_subsys_facts {
	const struct tgt_ns_facts *ns;
	unsigned int nb_ns;	/* must equal the subsystem's nb_ns */
	bool vwc;		/* a namespace's backend has a volatile write cache */
};

/* Where a host reached the target: the local end of its rdma_cm connection. */
struct tgt_listen_addr {
	unsigned int listener;	/* index into tgt_conf.listen; the portid is listener + 1 */
	int family;		/* AF_INET or AF_INET6 */
	uint8_t addr[16];	/* network order; IPv4 in the first 4 bytes */
	uint16_t port;		/* the service id (host order) */
};

/**
 * Build the registry: the discovery subsystem and one subsystem per conf->subsys[i].
 *
 * @param conf
 *   The configuration; must stay valid and unchanged until tgt_registry_free().
 * @param facts
 *   conf->nb_subsys entries: facts[i] describes conf->subsys[i]'s namespaces (may be NULL
 *   when there is no subsystem).
 * @param out
 *   Receives the registry.
 * @return
 *   0; -EINVAL for NULL pointers, a count that does not match the configuration, a block
 *   size other than 512/4096 or zero blocks; -ENOMEM.
 * Context: the control thread.
 */
int tgt_registry_create(const struct tgt_conf *conf, const struct tgt_subsys_facts *facts,
			struct tgt_registry **out);

/**
 * Free the registry and every controller still in it. The caller has torn down their
 * queues. Safe with NULL.
 * Context: the control thread.
 */
void tgt_registry_free(struct tgt_registry *reg);

/**
 * Execute an admin-queue Connect (qid 0): create a controller (NVMe-oF 1.1 Connect Command
 * and Response). The checks, in nvmet's order; every failure is command specific with DNR
 * unless said otherwise:
 *  1. recfmt not 0: Connect Incompatible Format (0x180), dw0 0;
 *  2. data cntlid not FFFFh: Connect Invalid Parameters (0x182), dw0 IATTR 1 | 16 (cntlid);
 *  3. subnqn names no subsystem (the discovery NQN always does): 0x182, dw0 IATTR 1 | 256;
 *  4. hostnqn not allowed (NVM subsystem without allow_any_host nor that host):
 *     Connect Invalid Host (0x184), dw0 IATTR 1 | 512 (hostnqn);
 *  5. no free cntlid in 1..FFEFh: Connect Controller Busy (0x181), dw0 0;
 *  6. sqsize 0, or sqsize + 1 above NVMF_AQ_DEPTH: 0x182, dw0 IATTR 0 | 44 (sqsize).
 * On success the controller is registered with the lowest free cntlid after the last one
 * handed out (wrapping), its registers initialised (CC 0, CAP.MQES from max_queue_depth),
 * Identify facts from its subsystem, kato_ms from the Connect (a discovery controller gets
 * conf->discovery_kato_ms for 0), and, for a discovery controller, the discovery log this
 * host may see built for @reached. *status = 0, *dw0 = the cntlid.
 *
 * @param reg      the registry
 * @param cmd      the parsed Connect SQE (nvmf_connect_cmd_parse); cmd->qid must be 0
 * @param data     the parsed Connect data (nvmf_connect_data_parse succeeded)
 * @param reached  where the host connected (the discovery log's address, the portid)
 * @param out      receives the new controller, or NULL on an NVMe failure
 * @param status   receives the status field (0: success)
 * @param dw0      receives the CQE dw0
 * @return 0 (the command completes with *status); -EINVAL for NULL pointers, qid not 0 or
 *         a listener index out of range (nothing changed); -ENOMEM (nothing changed; the
 *         caller answers Internal Error).
 * Context: the control thread.
 */
int tgt_registry_connect_admin(struct tgt_registry *reg, const struct nvmf_connect_cmd *cmd,
			       const struct nvmf_connect_data *data,
			       const struct tgt_listen_addr *reached, struct tgt_ctrlr **out,
			       uint16_t *status, uint32_t *dw0);

/**
 * Execute an I/O-queue Connect (qid 1..): attach the queue to an existing controller. The
 * checks, in order; failures command specific with DNR unless said otherwise:
 *  1. recfmt not 0: 0x180, dw0 0;
 *  2. subnqn names no subsystem: 0x182, dw0 IATTR 1 | 256;
 *  3. no live controller with that cntlid in that subsystem for that hostnqn:
 *     0x182, dw0 IATTR 1 | 16 (cntlid);
 *  4. hostid differs from the admin Connect's: 0x182, dw0 IATTR 1 | 0 (hostid);
 *  5. a discovery controller (it has no I/O queues), or CC.EN 0: 0x182, dw0 IATTR 0 | 42;
 *  6. qid above the controller's max_io_queues: 0x182, dw0 IATTR 0 | 42 (qid);
 *  7. sqsize 0: 0x182, dw0 IATTR 0 | 44 (sqsize);
 *  8. qid already connected: Command Sequence Error (generic 0x0c) with DNR, dw0 0;
 *  9. sqsize above CAP.MQES: 0x182, dw0 IATTR 0 | 44.
 * On success the qid is marked connected, *status = 0 and *dw0 = the cntlid.
 *
 * @param reg     the registry
 * @param cmd     the parsed Connect SQE; cmd->qid must not be 0
 * @param data    the parsed Connect data
 * @param out     receives the controller, or NULL on an NVMe failure
 * @param status  receives the status field
 * @param dw0     receives the CQE dw0
 * @return 0 (complete with *status); -EINVAL for NULL pointers or qid 0.
 * Context: the control thread.
 */
int tgt_registry_connect_io(struct tgt_registry *reg, const struct nvmf_connect_cmd *cmd,
			    const struct nvmf_connect_data *data, struct tgt_ctrlr **out,
			    uint16_t *status, uint32_t *dw0);

/**
 * An I/O queue of the controller is gone (disconnected, torn down): its qid may be
 * connected again.
 *
 * @return 0; -ENOENT when qid was not connected; -EINVAL for NULL or qid 0.
 * Context: the control thread.
 */
int tgt_ctrlr_queue_gone(struct tgt_ctrlr *ctrlr, uint16_t qid);

/**
 * Remove a controller whose admin queue is gone and free it. The caller has torn down its
 * I/O queues first (NVMe-oF 1.1: the controller goes with its admin queue). Its cntlid
 * becomes free but is handed out again only after every other free one (rotating start).
 *
 * @return 0; -EINVAL for NULL pointers; -ENOENT when ctrlr is not in reg.
 * Context: the control thread.
 */
int tgt_registry_release(struct tgt_registry *reg, struct tgt_ctrlr *ctrlr);

/**
 * Note host activity: a Keep Alive, or with TBKAS semantics any command (the host may skip
 * its Keep Alive while commands flow). Restarts the keep-alive clock and clears
 * admin.kept_alive.
 *
 * @param ctrlr   the controller (NULL: nothing)
 * @param now_ms  the caller's monotonic clock, milliseconds
 * Context: the control thread.
 */
void tgt_ctrlr_touch(struct tgt_ctrlr *ctrlr, uint64_t now_ms);

/**
 * When the host's Keep Alive Timeout runs out: the last touch + the current KATO
 * (admin.kato_ms, which Set Features may change). Until the first touch the clock starts
 * at the first tgt_registry_expired() scan after the Connect.
 *
 * @return the deadline in the caller's milliseconds; UINT64_MAX when the controller has no
 *         keep-alive (KATO 0), its clock has not started, or ctrlr is NULL.
 * Context: the control thread.
 */
uint64_t tgt_ctrlr_kato_deadline(const struct tgt_ctrlr *ctrlr);

/**
 * List the controllers whose keep-alive deadline plus conf->kato_grace_ms is past
 * (now_ms > deadline + grace). They stay registered: the caller tears their queues down
 * and calls tgt_registry_release(). Controllers whose clock had not started start it now.
 *
 * @param reg     the registry
 * @param now_ms  the caller's monotonic clock, milliseconds
 * @param out     receives up to max controllers, oldest first
 * @param max     capacity of out
 * @return the number written (at most max; call again after releasing them); -EINVAL for
 *         a NULL reg, or a NULL out with max > 0.
 * Context: the control thread.
 */
int tgt_registry_expired(struct tgt_registry *reg, uint64_t now_ms, struct tgt_ctrlr **out,
			 unsigned int max);

/**
 * Build the discovery log page a host sees through @reached (NVMe-oF 1.1 Discovery Log
 * Page): first the discovery subsystem itself (subtype 3, TP8013), then every NVM subsystem
 * the host may connect to (subtype 2) in configuration order; each with the address and
 * service id the host reached (never a wildcard: nvmet's nvmet_rdma_disc_port_addr), the
 * listener's portid, cntlid FFFFh, asqsz 32, treq TGT_DISC_TREQ and GENCTR
 * TGT_DISC_GENCTR_STATIC.
 *
 * @param reg      the registry
 * @param hostnqn  the host's NQN
 * @param reached  where the host connected
 * @param buf      receives the page; NULL with len 0 to get the size only
 * @param len      bytes at buf
 * @return the page size; -EINVAL for NULL pointers, a bad family or listener index;
 *         -ENOSPC when len is too small (buf untouched); -ENOMEM.
 * Context: the control thread (pure).
 */
int tgt_registry_disc_log(const struct tgt_registry *reg, const char *hostnqn,
			  const struct tgt_listen_addr *reached, uint8_t *buf, size_t len);

/**
 * Find a live controller by cntlid (telemetry, the transport's Disconnect path).
 * @return the controller, or NULL. Context: the control thread.
 */
struct tgt_ctrlr *tgt_registry_find(const struct tgt_registry *reg, uint16_t cntlid);

/* Number of live controllers. Context: the control thread. */
unsigned int tgt_registry_count(const struct tgt_registry *reg);

/**
 * The controller's admin state, for tgt_admin_exec() and the transport (regs, kato_ms,
 * kept_alive, max_io_queues). Valid until tgt_registry_release().
 * Context: the control thread.
 */
struct tgt_admin_ctrl *tgt_ctrlr_admin(struct tgt_ctrlr *ctrlr);

/* The controller's ID. Context: the control thread. */
uint16_t tgt_ctrlr_cntlid(const struct tgt_ctrlr *ctrlr);

/* The host NQN of its admin Connect (NUL terminated). Context: the control thread. */
const char *tgt_ctrlr_hostnqn(const struct tgt_ctrlr *ctrlr);

/* The 16-byte host identifier of its admin Connect. Context: the control thread. */
const uint8_t *tgt_ctrlr_hostid(const struct tgt_ctrlr *ctrlr);

/* Its subsystem's NQN. Context: the control thread. */
const char *tgt_ctrlr_subnqn(const struct tgt_ctrlr *ctrlr);

/* Whether it is a discovery controller. Context: the control thread. */
bool tgt_ctrlr_is_discovery(const struct tgt_ctrlr *ctrlr);

/* Whether I/O queue qid is connected. Context: the control thread. */
bool tgt_ctrlr_qid_connected(const struct tgt_ctrlr *ctrlr, uint16_t qid);

#endif /* TGT_CTRLR_H */
