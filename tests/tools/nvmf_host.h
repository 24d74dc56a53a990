/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef NVMF_HOST_H
#define NVMF_HOST_H

/*
 * nvmf_host: an NVMe over Fabrics RDMA host (initiator) on droce's NDK API, for tests and
 * tools (nvmf-probe, droce-tgt's tests, droce-nvme-perf).
 *
 * One controller: an admin queue and at most one I/O queue, each an RC connection made
 * with rdma_cm's wire protocol and the NVMe RDMA transport's private data (NVMe RDMA
 * Transport 1.0, RDMA_CM private data). Commands are 64-byte SQE capsules sent as RC
 * SENDs; responses 16-byte CQEs received into 16-byte buffers (NVMe-oF 1.1, Capsules).
 * Data moves by the target: it RDMA READs what the host writes (and the admin Connect's
 * 1024 bytes) and RDMA WRITEs what the host reads, through a keyed SGL descriptor that
 * names the host's registered data buffer; writes up to the I/O queue's in-capsule data
 * size may travel in the capsule instead (SGL Data Block, subtype Offset).
 *
 * Every call is synchronous: it posts, then polls the queue's CQ (sleeping on the CQ's
 * notification in between) until the command's CQE arrived or the host's timeout
 * passed. One command is outstanding per queue at a time. The host is used from one
 * thread, which must not be an engine's polling thread nor a droce callback.
 *
 * Errors: every function returns 0 or a negative errno. -EREMOTEIO means the target
 * completed the command with a non-zero status: nvmf_host_status() gives its 16-bit
 * status field (nvmf_wire.h decodes it). -ECONNREFUSED from a queue open means the
 * target rejected the connection: nvmf_host_cm_reject() gives the NVMe RDMA REJ status.
 */

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include <droce/ndk.h>

#include "nvmf_wire.h"

#define NVMF_HOST_BUF_SIZE	(1u << 20)	/* default data buffer: MDTS 8 of nvmet */
#define NVMF_HOST_IO_DEPTH	32
#define NVMF_HOST_TIMEOUT_MS	30000

/* What the host connects with. Zero-initialise, then set at least ad, addr, subnqn. */
struct nvmf_host_conf {
	struct ndk_adapter *ad;		/* open, the caller's; the host never closes it */
	struct sockaddr_storage addr;	/* target address and port (4420) */
	const char *subnqn;		/* the subsystem, or NVMF_DISCOVERY_NQN */
	const char *hostnqn;		/* NULL: NVMF_UUID_NQN_PREFIX + a random UUID */
	uint8_t hostid[NVMF_HOSTID_SIZE];	/* all zero: random */
	uint32_t kato_ms;		/* Keep Alive Timeout in the admin Connect; 0: none */
	uint16_t io_depth;		/* I/O queue entries; 0: NVMF_HOST_IO_DEPTH */
	uint32_t buf_size;		/* registered data buffer; 0: NVMF_HOST_BUF_SIZE */
	uint32_t timeout_ms;		/* per command and per CM step; 0: NVMF_HOST_TIMEOUT_MS */
	bool invalidate;		/* keyed SGLs with subtype Invalidate, through an MW */
	bool verbose;			/* log each command to stderr */
};

/* What nvmf_host_connect() learnt of the controller. */
struct nvmf_host_info {
	uint16_t cntlid;
	uint64_t cap;			/* CAP property */
	uint32_t vs;			/* VS property */
	uint32_t mdts_bytes;		/* largest transfer: MDTS and the data buffer; bytes */
	uint32_t ioccsz;		/* I/O command capsule size, 16-byte units */
	uint32_t sgls;
	uint8_t cntrltype;
	uint64_t remote_invalidations;	/* responses that came as SEND with Invalidate */
};

struct nvmf_host;

/*
 * Connect to the controller: admin queue (CM REQ qid 0, hrqsize 32, hsqsize 31), Fabrics
 * Connect with the 1024-byte Connect data read by the target from a registered buffer,
 * then CC.EN = 1 and wait for CSTS.RDY (NVMe Base 2.0, Controller Initialization), then
 * Identify Controller.
 * A discovery controller is handled the same way (NVMe-oF 1.1, Discovery Service).
 *
 * @param conf	settings; copied (the strings too)
 * @param out	receives the host, even on failure (so nvmf_host_status() can be read);
 *		close it with nvmf_host_close() in every case
 * @return 0; -EREMOTEIO (status refused), -ECONNREFUSED (CM reject), -ETIMEDOUT,
 *	-ENOMEM, -EINVAL (conf), -EPROTO (malformed answer), or a droce error.
 * Thread: the host's one thread; blocks up to a few timeouts.
 */
int nvmf_host_connect(const struct nvmf_host_conf *conf, struct nvmf_host **out);

/*
 * The controller's facts gathered by nvmf_host_connect().
 * @return a pointer valid until nvmf_host_close(); never NULL for a host. Any thread.
 */
const struct nvmf_host_info *nvmf_host_info(const struct nvmf_host *h);

/*
 * The status field of the last CQE that completed with a non-zero status (0 if none).
 * Any thread.
 */
uint16_t nvmf_host_status(const struct nvmf_host *h);

/* The NVMe RDMA REJ status of the last rejected queue connect (0 if none). Any thread. */
uint16_t nvmf_host_cm_reject(const struct nvmf_host *h);

/*
 * The registered data buffer (conf.buf_size bytes). Data already there is not copied by
 * nvmf_host_read()/nvmf_host_write(). Valid until nvmf_host_close(). Any thread.
 */
void *nvmf_host_buf(const struct nvmf_host *h, uint32_t *size);

/*
 * Property Get (NVMe-oF 1.1, Property Get Command).
 * @param off	NVMF_PROP_* offset
 * @param size	4 or 8 bytes
 * @param val	receives the value
 * @return 0 or a negative errno (see above). Thread: the host's.
 */
int nvmf_host_prop_get(struct nvmf_host *h, uint32_t off, unsigned int size, uint64_t *val);

/* Property Set (NVMe-oF 1.1, Property Set) of a 4- or 8-byte property. As nvmf_host_prop_get(). */
int nvmf_host_prop_set(struct nvmf_host *h, uint32_t off, unsigned int size, uint64_t val);

/*
 * Identify (NVMe Base 2.0, Identify command) into the data buffer.
 * @param cns	CNS value (0 namespace, 1 controller, 2 active namespace list)
 * @param nsid	namespace for CNS 0
 * @param data	receives 4096 bytes
 * @return 0 or a negative errno. Thread: the host's.
 */
int nvmf_host_identify(struct nvmf_host *h, uint8_t cns, uint32_t nsid, uint8_t *data);

/*
 * Get Log Page (NVMe Base 2.0, Get Log Page command): len bytes (a multiple of 4, at most the data
 * buffer) of log lid from byte offset off into data.
 * @return 0 or a negative errno. Thread: the host's.
 */
int nvmf_host_get_log(struct nvmf_host *h, uint8_t lid, uint64_t off, void *data,
		      uint32_t len);

/*
 * The whole discovery log page (NVMe-oF 1.1, Discovery Log Page): the header, then every record.
 * @param data	receives a malloc()ed copy, freed by the caller
 * @param len	receives its size in bytes
 * @return 0 or a negative errno. Thread: the host's.
 */
int nvmf_host_discovery_log(struct nvmf_host *h, uint8_t **data, uint32_t *len);

/*
 * Set Features Number of Queues (NVMe Base 2.0, Number of Queues feature).
 * @param nq	I/O submission and completion queues wanted (1's based)
 * @param got	receives Number of I/O Submission Queues Allocated (1's based)
 * @return 0 or a negative errno. Thread: the host's.
 */
int nvmf_host_set_num_queues(struct nvmf_host *h, uint16_t nq, uint16_t *got);

/*
 * Keep Alive (NVMe Base 2.0, Keep Alive command) on the admin queue. The read and write
 * calls send one themselves when half of KATO passed since the last admin command.
 * @return 0 or a negative errno. Thread: the host's.
 */
int nvmf_host_keep_alive(struct nvmf_host *h);

/*
 * Wait ms milliseconds doing nothing but keeping the controller alive: a Keep Alive
 * every half KATO (none when KATO is 0).
 * @return 0 or a negative errno. Thread: the host's.
 */
int nvmf_host_idle(struct nvmf_host *h, uint32_t ms);

/*
 * Open I/O queue 1: CM REQ qid 1 with hrqsize = io_depth, hsqsize = io_depth - 1, then a
 * Fabrics Connect whose data travels in the capsule when the IOCCSZ allows, keyed
 * otherwise (as Linux hosts do). Call Set Features Number of Queues first.
 * @return 0 or a negative errno. Thread: the host's.
 */
int nvmf_host_io_open(struct nvmf_host *h);

/* How a write's data travels. */
enum nvmf_host_xfer {
	NVMF_HOST_XFER_AUTO = 0,	/* in the capsule when it fits, keyed otherwise */
	NVMF_HOST_XFER_KEYED,		/* always keyed: the target RDMA READs it */
	NVMF_HOST_XFER_INCAPSULE,	/* always in the capsule: -E2BIG if it does not fit */
};

/*
 * Write nlb blocks at slba of namespace nsid (NVM Command Set 1.0, Write command).
 * @param data	nlb * block size bytes; copied unless inside the data buffer
 * @param len	bytes at data: nlb * the namespace's block size
 * @return 0 or a negative errno; -E2BIG when len exceeds the largest transfer (or the
 *	in-capsule size with NVMF_HOST_XFER_INCAPSULE). Thread: the host's.
 */
int nvmf_host_write(struct nvmf_host *h, uint32_t nsid, uint64_t slba, uint32_t nlb,
		    const void *data, uint32_t len, enum nvmf_host_xfer xfer);

/*
 * Read nlb blocks at slba of namespace nsid (NVM Command Set 1.0, Read command) into data (len
 * bytes; not copied when inside the data buffer). As nvmf_host_write().
 */
int nvmf_host_read(struct nvmf_host *h, uint32_t nsid, uint64_t slba, uint32_t nlb,
		   void *data, uint32_t len);

/* Flush namespace nsid (NVM Command Set 1.0, Flush command). 0 or a negative errno. */
int nvmf_host_flush(struct nvmf_host *h, uint32_t nsid);

/*
 * Shut the controller down (CC.SHN normal, wait CSTS.SHST complete; NVMe Base 2.0,
 * Controller Shutdown) if it was enabled, disconnect the I/O then the admin queue (CM DREQ), close
 * every object and wait for every close callback, then free the host. NULL is ignored.
 * @return 0; the first error met (the host is freed all the same); -EBUSY when some
 *	droce callback never came (the objects leak to the adapter's close).
 * Thread: the host's; blocks up to a few timeouts.
 */
int nvmf_host_close(struct nvmf_host *h);

#endif /* NVMF_HOST_H */
