/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef NVMF_WIRE_H
#define NVMF_WIRE_H

/*
 * NVMe over Fabrics on RDMA, the wire codecs of droce-tgt.
 *
 * Layouts and constants of the 64-byte command (SQE) and 16-byte response (CQE) capsules,
 * the SGL descriptor in the SQE's data pointer, the Fabrics Connect command and its
 * 1024-byte data, the rdma_cm private data of the NVMe RDMA transport binding (REQ, REP,
 * REJ), the property offsets and the NQN rules. Every field is little-endian on the wire;
 * the codecs read and write bytes, never cast packed structs, so buffers need no alignment.
 *
 * Sources: NVM Express Base 2.0 (status field, SGL descriptors, NQN in 4.5), NVMe over
 * Fabrics 1.1 (capsules, Connect, properties), NVMe RDMA Transport 1.0 (private data,
 * in-capsule data), checked against what Linux 6.1 nvme-rdma and nvmet-rdma put on the
 * wire in tests/data/captures/nvme_rdma_connect_io.pcap.
 *
 * Pure functions on plain buffers: no EAL, no allocation, no logging. Every function may
 * be called from any thread, holds no state and never blocks.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Sizes */
#define NVMF_SQE_SIZE		64
#define NVMF_CQE_SIZE		16
#define NVMF_SGL_DESC_SIZE	16
#define NVMF_CONNECT_DATA_SIZE	1024
#define NVMF_HOSTID_SIZE	16
#define NVMF_NQN_FIELD_SIZE	256	/* subnqn/hostnqn fields of the Connect data */
#define NVMF_NQN_MAX_LEN	223	/* NVMe Base 2.0 4.5: bytes before the NUL */
#define NVMF_AQ_DEPTH		32	/* admin queue entries (Linux: hsqsize 31) */
#define NVMF_CNTLID_DYNAMIC	0xffff	/* Connect data cntlid of an admin Connect */
#define NVMF_RDMA_PORT		4420
#define NVMF_DISCOVERY_NQN	"nqn.2014-08.org.nvmexpress.discovery"
#define NVMF_UUID_NQN_PREFIX	"nqn.2014-08.org.nvmexpress:uuid:"

/*
 * Little-endian field access on unaligned bytes: get returns the value, put writes it.
 * Any thread, no state.
 */
static inline uint16_t
nvmf_get_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t
nvmf_get_le24(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16;
}

static inline uint32_t
nvmf_get_le32(const uint8_t *p)
{
	return nvmf_get_le24(p) | (uint32_t)p[3] << 24;
}

static inline uint64_t
nvmf_get_le64(const uint8_t *p)
{
	return (uint64_t)nvmf_get_le32(p) | (uint64_t)nvmf_get_le32(p + 4) << 32;
}

static inline void
nvmf_put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void
nvmf_put_le24(uint8_t *p, uint32_t v)
{
	nvmf_put_le16(p, (uint16_t)v);
	p[2] = (uint8_t)(v >> 16);
}

static inline void
nvmf_put_le32(uint8_t *p, uint32_t v)
{
	nvmf_put_le16(p, (uint16_t)v);
	nvmf_put_le16(p + 2, (uint16_t)(v >> 16));
}

static inline void
nvmf_put_le64(uint8_t *p, uint64_t v)
{
	nvmf_put_le32(p, (uint32_t)v);
	nvmf_put_le32(p + 4, (uint32_t)(v >> 32));
}

/*
 * ---- Completion status (NVMe Base 2.0, Completion Queue Entry: Status Field) ----
 *
 * The CQE's last 16 bits: bit 0 phase tag (reserved on fabrics, always 0 here), bits 8:1
 * Status Code, 11:9 Status Code Type, 13:12 Command Retry Delay, 14 More, 15 Do Not Retry.
 * droce-tgt carries a status as that 16-bit field value: 0 is success.
 */
#define NVMF_STATUS_SC_SHIFT	1
#define NVMF_STATUS_SCT_SHIFT	9
#define NVMF_STATUS_CRD_SHIFT	12
#define NVMF_STATUS_M		0x4000u
#define NVMF_STATUS_DNR		0x8000u

/* Status Code Types */
#define NVMF_SCT_GENERIC	0x0
#define NVMF_SCT_CMD		0x1	/* command specific */
#define NVMF_SCT_MEDIA		0x2	/* media and data integrity errors */
#define NVMF_SCT_PATH		0x3
#define NVMF_SCT_VENDOR		0x7

/* Generic command status (SCT 0); values as Linux include/linux/nvme.h has them. */
#define NVMF_SC_SUCCESS			0x00
#define NVMF_SC_INVALID_OPCODE		0x01
#define NVMF_SC_INVALID_FIELD		0x02
#define NVMF_SC_CMDID_CONFLICT		0x03
#define NVMF_SC_DATA_XFER_ERROR		0x04
#define NVMF_SC_POWER_LOSS		0x05
#define NVMF_SC_INTERNAL		0x06
#define NVMF_SC_ABORT_REQ		0x07
#define NVMF_SC_ABORT_QUEUE		0x08
#define NVMF_SC_INVALID_NS		0x0b
#define NVMF_SC_CMD_SEQ_ERROR		0x0c
#define NVMF_SC_SGL_INVALID_LAST	0x0d
#define NVMF_SC_SGL_INVALID_COUNT	0x0e
#define NVMF_SC_SGL_INVALID_DATA	0x0f	/* Data SGL Length Invalid */
#define NVMF_SC_SGL_INVALID_METADATA	0x10
#define NVMF_SC_SGL_INVALID_TYPE	0x11	/* SGL Descriptor Type Invalid */
#define NVMF_SC_SGL_INVALID_OFFSET	0x16
#define NVMF_SC_HOST_ID_INCONSIST	0x18
#define NVMF_SC_KA_TIMEOUT_EXPIRED	0x19
#define NVMF_SC_KA_TIMEOUT_INVALID	0x1a
#define NVMF_SC_NS_WRITE_PROTECTED	0x20
#define NVMF_SC_LBA_RANGE		0x80
#define NVMF_SC_CAP_EXCEEDED		0x81
#define NVMF_SC_NS_NOT_READY		0x82
#define NVMF_SC_RESERVATION_CONFLICT	0x83

/* Command specific status (SCT 1) */
#define NVMF_SC_QID_INVALID		0x01
#define NVMF_SC_QUEUE_SIZE		0x02
#define NVMF_SC_ABORT_LIMIT		0x03
#define NVMF_SC_ASYNC_LIMIT		0x05	/* Async Event Request Limit Exceeded */
#define NVMF_SC_INVALID_LOG_PAGE	0x09
#define NVMF_SC_FEATURE_NOT_SAVEABLE	0x0d
#define NVMF_SC_FEATURE_NOT_CHANGEABLE	0x0e
/* Fabrics Connect (NVMe-oF 1.1, Connect response; Linux NVME_SC_CONNECT_*). */
#define NVMF_SC_CONNECT_FORMAT		0x80	/* Incompatible Format */
#define NVMF_SC_CONNECT_CTRL_BUSY	0x81
#define NVMF_SC_CONNECT_INVALID_PARAM	0x82
#define NVMF_SC_CONNECT_RESTART_DISC	0x83
#define NVMF_SC_CONNECT_INVALID_HOST	0x84

/* Media and data integrity errors (SCT 2) */
#define NVMF_SC_WRITE_FAULT		0x80
#define NVMF_SC_READ_ERROR		0x81
#define NVMF_SC_ACCESS_DENIED		0x86

/* The 16-bit status field for sct/sc, with DNR when dnr is non-zero; a constant expression. */
#define NVMF_STATUS(sct, sc, dnr)					\
	((uint16_t)(((unsigned int)(sc) & 0xffu) << NVMF_STATUS_SC_SHIFT |	\
		    ((unsigned int)(sct) & 0x7u) << NVMF_STATUS_SCT_SHIFT |	\
		    ((dnr) ? NVMF_STATUS_DNR : 0u)))

/*
 * Build a status field. Phase tag, CRD and More are 0.
 *
 * @param sct	Status Code Type, NVMF_SCT_* (3 bits)
 * @param sc	Status Code, NVMF_SC_* of that type
 * @param dnr	set Do Not Retry: the host must not resubmit the same command
 * @return the status field value. Any thread, no state.
 */
static inline uint16_t
nvmf_status(unsigned int sct, unsigned int sc, bool dnr)
{
	return NVMF_STATUS(sct, sc, dnr);
}

/* The Status Code (bits 8:1) of a status field. Any thread, no state. */
static inline unsigned int
nvmf_status_sc(uint16_t status)
{
	return (status >> NVMF_STATUS_SC_SHIFT) & 0xff;
}

/* The Status Code Type (bits 11:9) of a status field. Any thread, no state. */
static inline unsigned int
nvmf_status_sct(uint16_t status)
{
	return (status >> NVMF_STATUS_SCT_SHIFT) & 0x7;
}

/* Whether Do Not Retry (bit 15) is set. Any thread, no state. */
static inline bool
nvmf_status_dnr(uint16_t status)
{
	return (status & NVMF_STATUS_DNR) != 0;
}

/* ---- Command capsule: the 64-byte SQE (NVMe Base 2.0; NVMe-oF 1.1, Capsules) ---- */
#define NVMF_SQE_OPC		0	/* opcode */
#define NVMF_SQE_FLAGS		1	/* FUSE bits 1:0, PSDT bits 7:6 */
#define NVMF_SQE_CID		2	/* le16, opaque to the target */
#define NVMF_SQE_NSID		4	/* le32 */
#define NVMF_SQE_FCTYPE		4	/* Fabrics: command type, in place of NSID */
#define NVMF_SQE_DPTR		24	/* SGL1, 16 bytes */
#define NVMF_SQE_CDW10		40	/* CDW10..CDW15, le32 each */

#define NVMF_SQE_FUSE_MASK	0x03
#define NVMF_SQE_PSDT_SHIFT	6
#define NVMF_PSDT_SGL_MPTR	1	/* SGL for data, MPTR one contiguous buffer: fabrics */

/* Admin opcodes droce-tgt knows */
#define NVMF_ADM_GET_LOG_PAGE	0x02
#define NVMF_ADM_IDENTIFY	0x06
#define NVMF_ADM_ABORT		0x08
#define NVMF_ADM_SET_FEATURES	0x09
#define NVMF_ADM_GET_FEATURES	0x0a
#define NVMF_ADM_ASYNC_EVENT	0x0c
#define NVMF_ADM_KEEP_ALIVE	0x18
#define NVMF_OPC_FABRICS	0x7f	/* admin and I/O queues */

/* NVM command set I/O opcodes */
#define NVMF_IO_FLUSH		0x00
#define NVMF_IO_WRITE		0x01
#define NVMF_IO_READ		0x02
#define NVMF_IO_WRITE_ZEROES	0x08
#define NVMF_IO_DSM		0x09

/* Fabrics command types, SQE byte 4 (NVMe-oF 1.1, Fabrics Command Type). */
#define NVMF_FCTYPE_PROP_SET	0x00
#define NVMF_FCTYPE_CONNECT	0x01
#define NVMF_FCTYPE_PROP_GET	0x04
#define NVMF_FCTYPE_AUTH_SEND	0x05
#define NVMF_FCTYPE_AUTH_RECV	0x06
#define NVMF_FCTYPE_DISCONNECT	0x08

/* Data transfer direction, bits 1:0 of an opcode or of a Fabrics command type. */
#define NVMF_XFER_NONE		0
#define NVMF_XFER_H2C		1	/* host to controller: the target RDMA READs */
#define NVMF_XFER_C2H		2	/* controller to host: the target RDMA WRITEs */
#define NVMF_XFER_BIDIR		3

/* Opcode (byte 0). Any thread, no state. */
static inline uint8_t
nvmf_sqe_opcode(const uint8_t *sqe)
{
	return sqe[NVMF_SQE_OPC];
}

/* PSDT, PRP or SGL for Data Transfer (flags bits 7:6). Any thread, no state. */
static inline unsigned int
nvmf_sqe_psdt(const uint8_t *sqe)
{
	return sqe[NVMF_SQE_FLAGS] >> NVMF_SQE_PSDT_SHIFT;
}

/* FUSE (flags bits 1:0). Any thread, no state. */
static inline unsigned int
nvmf_sqe_fuse(const uint8_t *sqe)
{
	return sqe[NVMF_SQE_FLAGS] & NVMF_SQE_FUSE_MASK;
}

/* Command Identifier; opaque, echoed in the CQE (Linux keeps a generation in its top bits). */
static inline uint16_t
nvmf_sqe_cid(const uint8_t *sqe)
{
	return nvmf_get_le16(sqe + NVMF_SQE_CID);
}

/* Namespace Identifier (meaningless in Fabrics commands). Any thread, no state. */
static inline uint32_t
nvmf_sqe_nsid(const uint8_t *sqe)
{
	return nvmf_get_le32(sqe + NVMF_SQE_NSID);
}

/*
 * Command Dword n, 0..15 (CDW10..15 hold the command's parameters).
 * @return the dword in host order. Any thread, no state.
 */
static inline uint32_t
nvmf_sqe_cdw(const uint8_t *sqe, unsigned int n)
{
	return nvmf_get_le32(sqe + 4 * (n & 15));
}

/* Whether the SQE is a Fabrics command (opcode 0x7f). Any thread, no state. */
static inline bool
nvmf_sqe_is_fabrics(const uint8_t *sqe)
{
	return sqe[NVMF_SQE_OPC] == NVMF_OPC_FABRICS;
}

/* Fabrics command type (byte 4); valid only when nvmf_sqe_is_fabrics(). */
static inline uint8_t
nvmf_sqe_fctype(const uint8_t *sqe)
{
	return sqe[NVMF_SQE_FCTYPE];
}

/*
 * Data direction of the command: bits 1:0 of the opcode, or of the command type for a
 * Fabrics command (NVMe-oF 1.1 Fabrics Command Type: Connect 01b host to controller,
 * Property Get/Set 00b).
 * @return NVMF_XFER_*. Any thread, no state.
 */
static inline unsigned int
nvmf_sqe_xfer(const uint8_t *sqe)
{
	if (nvmf_sqe_is_fabrics(sqe))
		return nvmf_sqe_fctype(sqe) & 3;
	return nvmf_sqe_opcode(sqe) & 3;
}

/* ---- SGL descriptors (NVMe Base 2.0, SGL; NVMe RDMA Transport 1.0, SGLs) ---- */
/* Descriptor byte 15: type in bits 7:4, subtype in bits 3:0. */
#define NVMF_SGL_TYPE_DATA		0x0	/* SGL Data Block */
#define NVMF_SGL_TYPE_BIT_BUCKET	0x1
#define NVMF_SGL_TYPE_SEGMENT		0x2
#define NVMF_SGL_TYPE_LAST_SEGMENT	0x3
#define NVMF_SGL_TYPE_KEYED		0x4	/* Keyed SGL Data Block */
#define NVMF_SGL_SUB_ADDRESS		0x0
#define NVMF_SGL_SUB_OFFSET		0x1	/* address: offset into in-capsule data */
#define NVMF_SGL_SUB_INVALIDATE		0xf	/* keyed: target may invalidate the key */

/* One SGL descriptor as written: the fields of both formats. */
struct nvmf_sgl_desc {
	uint8_t type;		/* bits 7:4 of byte 15 */
	uint8_t subtype;	/* bits 3:0 of byte 15 */
	uint64_t addr;		/* bytes 0-7: address, or in-capsule offset */
	uint32_t len;		/* keyed: bytes 8-10 (24 bits); others: bytes 8-11 */
	uint32_t key;		/* keyed: bytes 11-14; 0 for others */
};

/*
 * Decode the 16 bytes of an SGL descriptor, whatever its type.
 *
 * @param desc	the descriptor (SQE bytes 24-39 for SGL1)
 * @param d	filled in
 * Any thread, no state.
 */
void nvmf_sgl_desc_parse(const uint8_t desc[NVMF_SGL_DESC_SIZE], struct nvmf_sgl_desc *d);

/*
 * Write a Keyed SGL Data Block descriptor (what a host puts in SGL1 for RDMA).
 *
 * @param desc		16 bytes, all written
 * @param len		bytes, at most 0xffffff
 * @param invalidate	subtype 0xF instead of 0x0
 * @return 0, or -EINVAL when len does not fit 24 bits (desc untouched). Any thread, no state.
 */
int nvmf_sgl_keyed_build(uint8_t desc[NVMF_SGL_DESC_SIZE], uint64_t addr, uint32_t len,
			 uint32_t key, bool invalidate);

/*
 * Write an SGL Data Block descriptor with subtype Offset: data at offset off of the
 * capsule's in-capsule data. Any thread, no state.
 */
void nvmf_sgl_offset_build(uint8_t desc[NVMF_SGL_DESC_SIZE], uint64_t off, uint32_t len);

/* Where a command's data is, once SGL1 has been checked. */
enum nvmf_sgl_kind {
	NVMF_SGL_NONE = 0,	/* no data (length 0) */
	NVMF_SGL_KEYED,		/* in host memory: RDMA READ/WRITE at addr with key */
	NVMF_SGL_INCAPSULE,	/* in the command capsule, icd_off bytes after the SQE */
};

struct nvmf_sgl {
	enum nvmf_sgl_kind kind;
	uint32_t len;		/* bytes; 0 for NVMF_SGL_NONE */
	uint64_t addr;		/* keyed: the host's virtual address */
	uint32_t key;		/* keyed: the host's rkey */
	bool invalidate;	/* keyed, subtype 0xF, len > 0: respond with SEND_INV(key) */
	uint32_t icd_off;	/* in-capsule: offset of the data from the end of the SQE */
};

/*
 * Check a received command capsule's SQE flags and SGL1, and say where its data is.
 *
 * The checks, in order, and the status each gives (all with DNR):
 *  - FUSE not 0, or PSDT not 01b (NVMe-oF 1.1 Capsules: fabrics commands use SGLs):
 *    Invalid Field (what nvmet_req_init answers);
 *  - Keyed SGL Data Block (type 4) with a subtype other than Address or Invalidate, or SGL
 *    Data Block (type 0) with a subtype other than Offset: Invalid Field (as nvmet);
 *  - any other type (bit bucket, segment, last segment, ...): SGL Descriptor Type Invalid;
 *    droce-tgt advertises MSDBD 1, so a host never needs a descriptor list;
 *  - keyed length above max_xfer: Data SGL Length Invalid (as SPDK; nvmet would fail the
 *    buffer allocation);
 *  - Offset SGL on a command that moves no data to the controller: Invalid Field;
 *  - offset or offset + length beyond icd_size: SGL Offset Invalid (as nvmet); computed
 *    without overflow;
 *  - offset + length beyond what the capsule actually carried after the SQE: Data SGL
 *    Length Invalid (the host sent less than it described).
 * A zero length gives NVMF_SGL_NONE, and never an invalidation: the host registered no MR.
 *
 * The admin queue has no in-capsule data: the Linux host never sends any there
 * (nvme_rdma_map_data uses it on I/O queues only) and nvmet posts 64-byte receives.
 * droce-tgt does the same: the caller passes icd_size 0 for queue 0, so an Offset SGL
 * with a non-zero offset or length on the admin queue gets SGL Offset Invalid.
 *
 * @param capsule	the received capsule: the SQE, then any in-capsule data
 * @param capsule_len	bytes received
 * @param icd_size	the queue's in-capsule data size (IOCCSZ * 16 - 64; 0 on the admin queue)
 * @param max_xfer	the largest transfer accepted, bytes (MDTS); must be > 0
 * @param sgl		filled in on success; zeroed first
 * @param status	on -EPROTO, the status field to complete the command with
 * @return 0;
 *	-EPROTO: the command is to be completed with *status;
 *	-EBADMSG: capsule_len < NVMF_SQE_SIZE, no command to answer (nvmet treats this as
 *	fatal and disconnects the queue; so should the caller).
 * Any thread, no state.
 */
int nvmf_sgl_decode(const uint8_t *capsule, size_t capsule_len, uint32_t icd_size,
		    uint32_t max_xfer, struct nvmf_sgl *sgl, uint16_t *status);

/* ---- Response capsule: the 16-byte CQE (NVMe Base 2.0; NVMe-oF 1.1, Capsules) ---- */
struct nvmf_cqe {
	uint32_t dw0;		/* command specific result */
	uint32_t dw1;
	uint16_t sqhd;		/* SQ head pointer */
	uint16_t sqid;
	uint16_t cid;
	uint16_t status;	/* the status field; phase tag written as 0 */
};

/*
 * Encode a CQE. The phase tag is reserved on fabrics and written as 0.
 * @param out	NVMF_CQE_SIZE bytes, all written. Any thread, no state.
 */
void nvmf_cqe_build(uint8_t out[NVMF_CQE_SIZE], const struct nvmf_cqe *c);

/* Decode a CQE (tests and tools). Any thread, no state. */
void nvmf_cqe_parse(const uint8_t in[NVMF_CQE_SIZE], struct nvmf_cqe *c);

/* ---- Fabrics Connect (NVMe-oF 1.1, Connect Command and Response) ---- */
#define NVMF_CONNECT_RECFMT	40	/* SQE offsets: le16 */
#define NVMF_CONNECT_QID	42	/* le16 */
#define NVMF_CONNECT_SQSIZE	44	/* le16, 0's based */
#define NVMF_CONNECT_CATTR	46	/* u8 */
#define NVMF_CONNECT_KATO	48	/* le32, milliseconds */
#define NVMF_CONNECT_RECFMT_1_0	0

#define NVMF_CDATA_HOSTID	0	/* Connect data offsets: 16 bytes */
#define NVMF_CDATA_CNTLID	16	/* le16 */
#define NVMF_CDATA_SUBNQN	256	/* 256 bytes, NUL-terminated */
#define NVMF_CDATA_HOSTNQN	512	/* 256 bytes, NUL-terminated */

/* Connect response dw0 for Invalid Parameters: bit 16 IATTR (1: in the data), 15:0 IPO. */
#define NVMF_CONNECT_IATTR_DATA	(1u << 16)

struct nvmf_connect_cmd {
	uint16_t recfmt;
	uint16_t qid;
	uint16_t sqsize;	/* 0's based: entries - 1 */
	uint8_t cattr;
	uint32_t kato;		/* ms; 0 = no keep alive */
};

struct nvmf_connect_data {
	uint8_t hostid[NVMF_HOSTID_SIZE];
	uint16_t cntlid;
	char subnqn[NVMF_NQN_FIELD_SIZE];	/* NUL-terminated after parsing */
	char hostnqn[NVMF_NQN_FIELD_SIZE];
};

/*
 * Read the Connect fields of an SQE.
 * @return 0, or -EINVAL when the SQE is not a Fabrics Connect (c untouched).
 * Any thread, no state.
 */
int nvmf_connect_cmd_parse(const uint8_t sqe[NVMF_SQE_SIZE], struct nvmf_connect_cmd *c);

/*
 * Write a whole Connect SQE: opcode 0x7f, PSDT 01b, cid, fctype 1, SGL1 zero (the caller
 * writes it with nvmf_sgl_*_build), the fields of c, everything else 0. Tests and tools.
 * Any thread, no state.
 */
void nvmf_connect_cmd_build(uint8_t sqe[NVMF_SQE_SIZE], uint16_t cid,
			    const struct nvmf_connect_cmd *c);

/* Queue limits a target enforces on Connect and on the rdma_cm REQ. */
struct nvmf_queue_limits {
	uint16_t max_qid;	/* highest I/O queue ID accepted (number of I/O queues) */
	uint16_t admin_depth;	/* admin queue entries, at most: NVMF_AQ_DEPTH */
	uint16_t io_depth;	/* I/O queue entries, at most: CAP.MQES + 1 */
};

/*
 * Check a Connect command's fields against the target's limits (NVMe-oF 1.1 Connect, the
 * checks nvmet_execute_admin/io_connect and nvmet_install_queue make). Statuses, all
 * command specific with DNR:
 *  - recfmt not 0: Connect Incompatible Format;
 *  - qid above lim->max_qid: Connect Invalid Parameters, *dw0 = IPO of qid;
 *  - sqsize 0 (a one-entry queue) or sqsize + 1 above the queue's depth limit:
 *    Connect Invalid Parameters, *dw0 = IPO of sqsize.
 * The caller still checks that qid and sqsize match the rdma_cm REQ of the queue.
 *
 * @param dw0	on -EPROTO, the CQE dw0 (0 unless an IPO is given)
 * @return 0, or -EPROTO with *status and *dw0 set. Any thread, no state.
 */
int nvmf_connect_cmd_check(const struct nvmf_connect_cmd *c,
			   const struct nvmf_queue_limits *lim, uint16_t *status, uint32_t *dw0);

/*
 * Decode the 1024-byte Connect data (read from the host or taken from the capsule).
 *
 * @param buf	the data
 * @param len	bytes at buf; only the first NVMF_CONNECT_DATA_SIZE are read
 * @param d	filled in
 * @param dw0	on -EPROTO, the dw0 of the Connect Invalid Parameters response: IATTR 1
 *		and the offset of the first bad field (subnqn, then hostnqn)
 * @return 0;
 *	-EINVAL: len < NVMF_CONNECT_DATA_SIZE (d untouched);
 *	-EPROTO: subnqn or hostnqn has no NUL in its 256 bytes (d holds the fields, each NQN
 *	truncated to 255 bytes), to be answered with Connect Invalid Parameters + DNR.
 *	nvmet silently truncates instead; SPDK rejects, and so does droce-tgt.
 * Any thread, no state.
 */
int nvmf_connect_data_parse(const uint8_t *buf, size_t len, struct nvmf_connect_data *d,
			    uint32_t *dw0);

/*
 * Encode Connect data: fields of d, NQNs copied up to their NUL and zero-padded.
 * @return 0, or -EINVAL when an NQN does not fit 255 bytes (out zeroed). Any thread, no state.
 */
int nvmf_connect_data_build(uint8_t out[NVMF_CONNECT_DATA_SIZE],
			    const struct nvmf_connect_data *d);

/* ---- Property Get / Set (NVMe-oF 1.1, Property Get and Property Set) ---- */
#define NVMF_PROP_CAP		0x00	/* 8 bytes */
#define NVMF_PROP_VS		0x08	/* 4 bytes */
#define NVMF_PROP_CC		0x14	/* 4 bytes */
#define NVMF_PROP_CSTS		0x1c	/* 4 bytes */
#define NVMF_PROP_NSSR		0x20	/* 4 bytes */

#define NVMF_PROP_ATTRIB	40	/* SQE offsets: bits 2:0 size, 0 = 4 bytes, 1 = 8 */
#define NVMF_PROP_OFFSET	44	/* le32 */
#define NVMF_PROP_VALUE		48	/* le64 (Set only) */

struct nvmf_prop_cmd {
	uint8_t fctype;		/* NVMF_FCTYPE_PROP_GET or _SET */
	uint8_t size;		/* 4 or 8 bytes */
	uint32_t offset;
	uint64_t value;		/* Property Set: the value (4-byte: the low half) */
};

/*
 * Read a Property Get or Set SQE.
 * @return 0; -EINVAL when the SQE is neither (p untouched); -EPROTO when ATTRIB.SIZE is
 *	neither 0 nor 1 (p filled, size 0), which nvmet answers with Invalid Field + DNR.
 * Any thread, no state.
 */
int nvmf_prop_cmd_parse(const uint8_t sqe[NVMF_SQE_SIZE], struct nvmf_prop_cmd *p);

/* ---- rdma_cm private data (NVMe RDMA Transport 1.0, RDMA_CM; Linux nvme-rdma.h) ---- */
#define NVMF_RDMA_CM_REQ_SIZE	32
#define NVMF_RDMA_CM_REP_SIZE	32
#define NVMF_RDMA_CM_REJ_SIZE	4
#define NVMF_RDMA_CM_FMT_1_0	0

/* REJ status codes, sent with IB CM reject reason 28 (consumer defined). */
#define NVMF_RDMA_CM_INVALID_LEN	1
#define NVMF_RDMA_CM_INVALID_RECFMT	2
#define NVMF_RDMA_CM_INVALID_QID	3
#define NVMF_RDMA_CM_INVALID_HSQSIZE	4
#define NVMF_RDMA_CM_INVALID_HRQSIZE	5
#define NVMF_RDMA_CM_NO_RSC		6
#define NVMF_RDMA_CM_INVALID_IRD	7
#define NVMF_RDMA_CM_INVALID_ORD	8
#define NVMF_RDMA_CM_INVALID_CNTLID	9	/* newer Linux only; not sent by droce-tgt */

struct nvmf_rdma_cm_req {
	uint16_t recfmt;
	uint16_t qid;
	uint16_t hrqsize;	/* host receive queue entries (1's based) */
	uint16_t hsqsize;	/* host submission queue entries, 0's based */
};

/*
 * Decode and check the private data of an rdma_cm connect request (after rdma_cm's own
 * 36-byte header). Checks, in order, giving the REJ status:
 *  - len < 32: INVALID_LEN (nvmet only rejects a missing one; rdma_cm always delivers the
 *    whole REQ private data, so a short one is malformed);
 *  - recfmt not 0: INVALID_RECFMT;
 *  - qid above lim->max_qid: INVALID_QID;
 *  - hsqsize 0, or hsqsize + 1 above lim->admin_depth (qid 0; nvmet's NVME_AQ_DEPTH check)
 *    or lim->io_depth: INVALID_HSQSIZE;
 *  - hrqsize < hsqsize + 1: INVALID_HRQSIZE. The host must be able to take one response
 *    per command it may have outstanding; with fewer receives posted a response would hit
 *    RNR. Linux always sends hrqsize = hsqsize + 1. A larger hrqsize is harmless: the
 *    target never has more responses in flight than commands received.
 *
 * @param pdata	private data, NULL allowed when len is 0
 * @param req	filled in when len >= 32, even when a later check fails
 * @param sts	on -EPROTO, the NVMF_RDMA_CM_* status for the REJ
 * @return 0, or -EPROTO with *sts set. Any thread, no state.
 */
int nvmf_rdma_cm_req_parse(const uint8_t *pdata, size_t len,
			   const struct nvmf_queue_limits *lim, struct nvmf_rdma_cm_req *req,
			   uint16_t *sts);

/*
 * Encode REQ private data (host side; tests): the fields of r, 24 reserved zero bytes.
 * @return NVMF_RDMA_CM_REQ_SIZE. Any thread, no state.
 */
int nvmf_rdma_cm_req_build(uint8_t out[NVMF_RDMA_CM_REQ_SIZE], const struct nvmf_rdma_cm_req *r);

/*
 * Encode REP private data: recfmt 0, crqsize (the controller's receive queue entries, which
 * Linux nvmet sets to hsqsize + 1), 28 reserved zero bytes.
 * @return NVMF_RDMA_CM_REP_SIZE. Any thread, no state.
 */
int nvmf_rdma_cm_rep_build(uint8_t out[NVMF_RDMA_CM_REP_SIZE], uint16_t crqsize);

/*
 * Decode REP private data.
 * @return 0, or -EINVAL when len < 4 (crqsize untouched). Any thread, no state.
 */
int nvmf_rdma_cm_rep_parse(const uint8_t *pdata, size_t len, uint16_t *recfmt,
			   uint16_t *crqsize);

/*
 * Encode REJ private data: recfmt 0 and the status.
 * @return NVMF_RDMA_CM_REJ_SIZE. Any thread, no state.
 */
int nvmf_rdma_cm_rej_build(uint8_t out[NVMF_RDMA_CM_REJ_SIZE], uint16_t sts);

/*
 * Decode REJ private data.
 * @return 0, or -EINVAL when len < 4 (outputs untouched). Any thread, no state.
 */
int nvmf_rdma_cm_rej_parse(const uint8_t *pdata, size_t len, uint16_t *recfmt, uint16_t *sts);

/* "invalid host SQ size", ...: a REJ status for logs; never NULL. Any thread, no state. */
const char *nvmf_rdma_cm_sts_name(uint16_t sts);

/* ---- NQN (NVMe Base 2.0 4.5, NVMe Qualified Names), tgt_nqn.c ---- */

/*
 * Check that nqn is a valid NVMe Qualified Name: at most 223 bytes, and one of
 *  - the discovery NQN "nqn.2014-08.org.nvmexpress.discovery";
 *  - the UUID form "nqn.2014-08.org.nvmexpress:uuid:" + a 36-character UUID
 *    (8-4-4-4-12 hex digits);
 *  - "nqn.yyyy-mm.<reverse domain>:<string>": 4-digit year, month 01-12, domain labels
 *    of letters, digits and '-' that start with a letter and end with a letter or digit,
 *    at most 63 bytes each, then a non-empty UTF-8 string without control characters.
 *
 * @param nqn		NUL-terminated
 * @param why		if not NULL, receives a short reason when the NQN is refused
 *			("empty", "longer than 223 bytes", ...), for the config error line
 * @param why_len	bytes at why
 * @return 0; -ENAMETOOLONG when longer than 223 bytes; -EINVAL for any other rule.
 * Any thread, no state.
 */
int nvmf_nqn_check(const char *nqn, char *why, size_t why_len);

/* Whether nqn is the well-known discovery NQN. Any thread, no state. */
bool nvmf_nqn_is_discovery(const char *nqn);

#endif /* NVMF_WIRE_H */
