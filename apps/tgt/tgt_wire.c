/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tgt_wire.c: the NVMe-oF/RDMA capsule codecs: SGL descriptors and the checks a target
 * makes on SGL1, CQEs, Fabrics Connect (command and data), Property Get/Set, and the
 * rdma_cm private data of the RDMA transport binding. Layouts in nvmf_wire.h.
 */
#include <errno.h>
#include <string.h>

#include "nvmf_wire.h"

#define SGL_KEYED_LEN_MAX	0xffffffu	/* 24-bit Length of a keyed descriptor */

void
nvmf_sgl_desc_parse(const uint8_t desc[NVMF_SGL_DESC_SIZE], struct nvmf_sgl_desc *d)
{
	d->type = desc[15] >> 4;
	d->subtype = desc[15] & 0xf;
	d->addr = nvmf_get_le64(desc);
	/* NVMe Base 2.0, Keyed SGL Data Block: a 3-byte Length, then a 4-byte Key. */
	if (d->type == NVMF_SGL_TYPE_KEYED) {
		d->len = nvmf_get_le24(desc + 8);
		d->key = nvmf_get_le32(desc + 11);
	} else {
		d->len = nvmf_get_le32(desc + 8);
		d->key = 0;
	}
}

int
nvmf_sgl_keyed_build(uint8_t desc[NVMF_SGL_DESC_SIZE], uint64_t addr, uint32_t len,
		     uint32_t key, bool invalidate)
{
	uint8_t sub = invalidate ? NVMF_SGL_SUB_INVALIDATE : NVMF_SGL_SUB_ADDRESS;

	if (len > SGL_KEYED_LEN_MAX)
		return -EINVAL;
	nvmf_put_le64(desc, addr);
	nvmf_put_le24(desc + 8, len);
	nvmf_put_le32(desc + 11, key);
	desc[15] = (uint8_t)(NVMF_SGL_TYPE_KEYED << 4 | sub);
	return 0;
}

void
nvmf_sgl_offset_build(uint8_t desc[NVMF_SGL_DESC_SIZE], uint64_t off, uint32_t len)
{
	nvmf_put_le64(desc, off);
	nvmf_put_le32(desc + 8, len);
	desc[12] = 0;
	desc[13] = 0;
	desc[14] = 0;
	desc[15] = NVMF_SGL_TYPE_DATA << 4 | NVMF_SGL_SUB_OFFSET;
}

/* Status of a rejected SGL or SQE: every such error is final, so DNR is always set. */
static uint16_t
bad(unsigned int sc)
{
	return nvmf_status(NVMF_SCT_GENERIC, sc, true);
}

/* A keyed descriptor: remote memory for RDMA READ/WRITE. */
static uint16_t
map_keyed(const struct nvmf_sgl_desc *d, uint32_t max_xfer, struct nvmf_sgl *sgl)
{
	if (d->subtype != NVMF_SGL_SUB_ADDRESS && d->subtype != NVMF_SGL_SUB_INVALIDATE)
		return bad(NVMF_SC_INVALID_FIELD);
	/* Length 0 is a command without data; nvmet then neither maps nor invalidates. */
	if (d->len == 0)
		return 0;
	if (d->len > max_xfer)
		return bad(NVMF_SC_SGL_INVALID_DATA);
	sgl->kind = NVMF_SGL_KEYED;
	sgl->len = d->len;
	sgl->addr = d->addr;
	sgl->key = d->key;
	/* RDMA transport 1.0 SGLs: subtype 0xF lets the target invalidate the key remotely. */
	sgl->invalidate = d->subtype == NVMF_SGL_SUB_INVALIDATE;
	return 0;
}

/*
 * An unkeyed descriptor: only Offset (in-capsule data) is defined for RDMA (NVMe RDMA
 * transport 1.0, SGLs). The bounds are checked without forming off + len, which could wrap:
 * nvmet's sum check was exploitable that way.
 */
static uint16_t
map_incapsule(const uint8_t *sqe, const struct nvmf_sgl_desc *d, uint32_t icd_size,
	      size_t icd_rcvd, struct nvmf_sgl *sgl)
{
	if (d->subtype != NVMF_SGL_SUB_OFFSET)
		return bad(NVMF_SC_INVALID_FIELD);
	/* In-capsule data only carries host-to-controller data (as nvmet: opcode bit 0). */
	if ((nvmf_sqe_xfer(sqe) & NVMF_XFER_H2C) == 0)
		return bad(NVMF_SC_INVALID_FIELD);
	if (d->addr > icd_size || d->len > icd_size - d->addr)
		return bad(NVMF_SC_SGL_INVALID_OFFSET);
	if (d->addr > icd_rcvd || d->len > icd_rcvd - d->addr)
		return bad(NVMF_SC_SGL_INVALID_DATA);
	if (d->len == 0)
		return 0;
	sgl->kind = NVMF_SGL_INCAPSULE;
	sgl->len = d->len;
	sgl->icd_off = (uint32_t)d->addr;
	return 0;
}

int
nvmf_sgl_decode(const uint8_t *capsule, size_t capsule_len, uint32_t icd_size,
		uint32_t max_xfer, struct nvmf_sgl *sgl, uint16_t *status)
{
	struct nvmf_sgl_desc d;
	uint16_t st;

	memset(sgl, 0, sizeof(*sgl));
	if (capsule_len < NVMF_SQE_SIZE)
		return -EBADMSG;
	/* NVMe-oF 1.1 Capsules: fabrics use SGLs only (PSDT 01b) and no fused operations. */
	if (nvmf_sqe_fuse(capsule) != 0 || nvmf_sqe_psdt(capsule) != NVMF_PSDT_SGL_MPTR) {
		*status = bad(NVMF_SC_INVALID_FIELD);
		return -EPROTO;
	}
	nvmf_sgl_desc_parse(capsule + NVMF_SQE_DPTR, &d);
	switch (d.type) {
	case NVMF_SGL_TYPE_KEYED:
		st = map_keyed(&d, max_xfer, sgl);
		break;
	case NVMF_SGL_TYPE_DATA:
		st = map_incapsule(capsule, &d, icd_size, capsule_len - NVMF_SQE_SIZE, sgl);
		break;
	default:
		st = bad(NVMF_SC_SGL_INVALID_TYPE);
		break;
	}
	if (st != 0) {
		memset(sgl, 0, sizeof(*sgl));
		*status = st;
		return -EPROTO;
	}
	return 0;
}

void
nvmf_cqe_build(uint8_t out[NVMF_CQE_SIZE], const struct nvmf_cqe *c)
{
	nvmf_put_le32(out, c->dw0);
	nvmf_put_le32(out + 4, c->dw1);
	nvmf_put_le16(out + 8, c->sqhd);
	nvmf_put_le16(out + 10, c->sqid);
	nvmf_put_le16(out + 12, c->cid);
	/* NVMe-oF 1.1 Capsules: the phase tag is reserved in a response capsule. */
	nvmf_put_le16(out + 14, (uint16_t)(c->status & ~1u));
}

void
nvmf_cqe_parse(const uint8_t in[NVMF_CQE_SIZE], struct nvmf_cqe *c)
{
	c->dw0 = nvmf_get_le32(in);
	c->dw1 = nvmf_get_le32(in + 4);
	c->sqhd = nvmf_get_le16(in + 8);
	c->sqid = nvmf_get_le16(in + 10);
	c->cid = nvmf_get_le16(in + 12);
	c->status = nvmf_get_le16(in + 14);
}

int
nvmf_connect_cmd_parse(const uint8_t sqe[NVMF_SQE_SIZE], struct nvmf_connect_cmd *c)
{
	if (!nvmf_sqe_is_fabrics(sqe) || nvmf_sqe_fctype(sqe) != NVMF_FCTYPE_CONNECT)
		return -EINVAL;
	c->recfmt = nvmf_get_le16(sqe + NVMF_CONNECT_RECFMT);
	c->qid = nvmf_get_le16(sqe + NVMF_CONNECT_QID);
	c->sqsize = nvmf_get_le16(sqe + NVMF_CONNECT_SQSIZE);
	c->cattr = sqe[NVMF_CONNECT_CATTR];
	c->kato = nvmf_get_le32(sqe + NVMF_CONNECT_KATO);
	return 0;
}

void
nvmf_connect_cmd_build(uint8_t sqe[NVMF_SQE_SIZE], uint16_t cid,
		       const struct nvmf_connect_cmd *c)
{
	memset(sqe, 0, NVMF_SQE_SIZE);
	sqe[NVMF_SQE_OPC] = NVMF_OPC_FABRICS;
	sqe[NVMF_SQE_FLAGS] = NVMF_PSDT_SGL_MPTR << NVMF_SQE_PSDT_SHIFT;
	nvmf_put_le16(sqe + NVMF_SQE_CID, cid);
	sqe[NVMF_SQE_FCTYPE] = NVMF_FCTYPE_CONNECT;
	nvmf_put_le16(sqe + NVMF_CONNECT_RECFMT, c->recfmt);
	nvmf_put_le16(sqe + NVMF_CONNECT_QID, c->qid);
	nvmf_put_le16(sqe + NVMF_CONNECT_SQSIZE, c->sqsize);
	sqe[NVMF_CONNECT_CATTR] = c->cattr;
	nvmf_put_le32(sqe + NVMF_CONNECT_KATO, c->kato);
}

/* Connect Invalid Parameters + DNR, pointing at SQE byte ipo (IATTR 0). */
static int
connect_invalid_sqe(unsigned int ipo, uint16_t *status, uint32_t *dw0)
{
	*status = nvmf_status(NVMF_SCT_CMD, NVMF_SC_CONNECT_INVALID_PARAM, true);
	*dw0 = ipo;
	return -EPROTO;
}

int
nvmf_connect_cmd_check(const struct nvmf_connect_cmd *c,
		       const struct nvmf_queue_limits *lim, uint16_t *status, uint32_t *dw0)
{
	uint32_t depth = c->qid == 0 ? lim->admin_depth : lim->io_depth;

	*dw0 = 0;
	if (c->recfmt != NVMF_CONNECT_RECFMT_1_0) {
		*status = nvmf_status(NVMF_SCT_CMD, NVMF_SC_CONNECT_FORMAT, true);
		return -EPROTO;
	}
	if (c->qid > lim->max_qid)
		return connect_invalid_sqe(NVMF_CONNECT_QID, status, dw0);
	/* NVMe Base 2.0 queue size rules: two entries at least; sqsize is 0's based. */
	if (c->sqsize == 0 || (uint32_t)c->sqsize + 1 > depth)
		return connect_invalid_sqe(NVMF_CONNECT_SQSIZE, status, dw0);
	return 0;
}

/* Copy an NQN field; false when its 256 bytes hold no NUL (dst then ends at byte 255). */
static bool
copy_nqn(char dst[NVMF_NQN_FIELD_SIZE], const uint8_t *src)
{
	bool terminated = memchr(src, 0, NVMF_NQN_FIELD_SIZE) != NULL;

	memcpy(dst, src, NVMF_NQN_FIELD_SIZE);
	dst[NVMF_NQN_FIELD_SIZE - 1] = '\0';
	return terminated;
}

int
nvmf_connect_data_parse(const uint8_t *buf, size_t len, struct nvmf_connect_data *d,
			uint32_t *dw0)
{
	bool sub_ok, host_ok;

	if (len < NVMF_CONNECT_DATA_SIZE)
		return -EINVAL;
	memcpy(d->hostid, buf + NVMF_CDATA_HOSTID, NVMF_HOSTID_SIZE);
	d->cntlid = nvmf_get_le16(buf + NVMF_CDATA_CNTLID);
	sub_ok = copy_nqn(d->subnqn, buf + NVMF_CDATA_SUBNQN);
	host_ok = copy_nqn(d->hostnqn, buf + NVMF_CDATA_HOSTNQN);
	/* NVMe-oF 1.1 Connect response: IATTR 1, the Invalid Parameter Offset is in the data. */
	if (!sub_ok) {
		*dw0 = NVMF_CONNECT_IATTR_DATA | NVMF_CDATA_SUBNQN;
		return -EPROTO;
	}
	if (!host_ok) {
		*dw0 = NVMF_CONNECT_IATTR_DATA | NVMF_CDATA_HOSTNQN;
		return -EPROTO;
	}
	return 0;
}

int
nvmf_connect_data_build(uint8_t out[NVMF_CONNECT_DATA_SIZE], const struct nvmf_connect_data *d)
{
	const char *sub_end = memchr(d->subnqn, 0, NVMF_NQN_FIELD_SIZE);
	const char *host_end = memchr(d->hostnqn, 0, NVMF_NQN_FIELD_SIZE);

	memset(out, 0, NVMF_CONNECT_DATA_SIZE);
	if (sub_end == NULL || host_end == NULL)
		return -EINVAL;
	memcpy(out + NVMF_CDATA_HOSTID, d->hostid, NVMF_HOSTID_SIZE);
	nvmf_put_le16(out + NVMF_CDATA_CNTLID, d->cntlid);
	memcpy(out + NVMF_CDATA_SUBNQN, d->subnqn, (size_t)(sub_end - d->subnqn));
	memcpy(out + NVMF_CDATA_HOSTNQN, d->hostnqn, (size_t)(host_end - d->hostnqn));
	return 0;
}

int
nvmf_prop_cmd_parse(const uint8_t sqe[NVMF_SQE_SIZE], struct nvmf_prop_cmd *p)
{
	uint8_t fctype = nvmf_sqe_fctype(sqe);
	unsigned int size = sqe[NVMF_PROP_ATTRIB] & 0x7;

	if (!nvmf_sqe_is_fabrics(sqe) ||
	    (fctype != NVMF_FCTYPE_PROP_GET && fctype != NVMF_FCTYPE_PROP_SET))
		return -EINVAL;
	p->fctype = fctype;
	p->offset = nvmf_get_le32(sqe + NVMF_PROP_OFFSET);
	p->value = fctype == NVMF_FCTYPE_PROP_SET ? nvmf_get_le64(sqe + NVMF_PROP_VALUE) : 0;
	/* NVMe-oF 1.1 Property Get/Set: ATTRIB.SIZE 0 = 4 bytes, 1 = 8 bytes, others reserved. */
	if (size > 1) {
		p->size = 0;
		return -EPROTO;
	}
	p->size = size == 0 ? 4 : 8;
	return 0;
}

/* The REQ checks after its length and format: queue ID, then the two queue sizes. */
static uint16_t
check_cm_req(const struct nvmf_rdma_cm_req *r, const struct nvmf_queue_limits *lim)
{
	uint32_t depth = r->qid == 0 ? lim->admin_depth : lim->io_depth;
	uint32_t entries = (uint32_t)r->hsqsize + 1;

	if (r->recfmt != NVMF_RDMA_CM_FMT_1_0)
		return NVMF_RDMA_CM_INVALID_RECFMT;
	if (r->qid > lim->max_qid)
		return NVMF_RDMA_CM_INVALID_QID;
	/* hsqsize is 0's based like Connect's sqsize: 0 would be a one-entry queue. */
	if (r->hsqsize == 0 || entries > depth)
		return NVMF_RDMA_CM_INVALID_HSQSIZE;
	if (r->hrqsize < entries)
		return NVMF_RDMA_CM_INVALID_HRQSIZE;
	return 0;
}

int
nvmf_rdma_cm_req_parse(const uint8_t *pdata, size_t len,
		       const struct nvmf_queue_limits *lim, struct nvmf_rdma_cm_req *req,
		       uint16_t *sts)
{
	uint16_t st;

	if (pdata == NULL || len < NVMF_RDMA_CM_REQ_SIZE) {
		*sts = NVMF_RDMA_CM_INVALID_LEN;
		return -EPROTO;
	}
	req->recfmt = nvmf_get_le16(pdata);
	req->qid = nvmf_get_le16(pdata + 2);
	req->hrqsize = nvmf_get_le16(pdata + 4);
	req->hsqsize = nvmf_get_le16(pdata + 6);
	st = check_cm_req(req, lim);
	if (st != 0) {
		*sts = st;
		return -EPROTO;
	}
	return 0;
}

int
nvmf_rdma_cm_req_build(uint8_t out[NVMF_RDMA_CM_REQ_SIZE], const struct nvmf_rdma_cm_req *r)
{
	memset(out, 0, NVMF_RDMA_CM_REQ_SIZE);
	nvmf_put_le16(out, r->recfmt);
	nvmf_put_le16(out + 2, r->qid);
	nvmf_put_le16(out + 4, r->hrqsize);
	nvmf_put_le16(out + 6, r->hsqsize);
	return NVMF_RDMA_CM_REQ_SIZE;
}

int
nvmf_rdma_cm_rep_build(uint8_t out[NVMF_RDMA_CM_REP_SIZE], uint16_t crqsize)
{
	memset(out, 0, NVMF_RDMA_CM_REP_SIZE);
	nvmf_put_le16(out, NVMF_RDMA_CM_FMT_1_0);
	nvmf_put_le16(out + 2, crqsize);
	return NVMF_RDMA_CM_REP_SIZE;
}

int
nvmf_rdma_cm_rep_parse(const uint8_t *pdata, size_t len, uint16_t *recfmt, uint16_t *crqsize)
{
	if (pdata == NULL || len < 4)
		return -EINVAL;
	*recfmt = nvmf_get_le16(pdata);
	*crqsize = nvmf_get_le16(pdata + 2);
	return 0;
}

int
nvmf_rdma_cm_rej_build(uint8_t out[NVMF_RDMA_CM_REJ_SIZE], uint16_t sts)
{
	nvmf_put_le16(out, NVMF_RDMA_CM_FMT_1_0);
	nvmf_put_le16(out + 2, sts);
	return NVMF_RDMA_CM_REJ_SIZE;
}

int
nvmf_rdma_cm_rej_parse(const uint8_t *pdata, size_t len, uint16_t *recfmt, uint16_t *sts)
{
	if (pdata == NULL || len < NVMF_RDMA_CM_REJ_SIZE)
		return -EINVAL;
	*recfmt = nvmf_get_le16(pdata);
	*sts = nvmf_get_le16(pdata + 2);
	return 0;
}

const char *
nvmf_rdma_cm_sts_name(uint16_t sts)
{
	static const char *const names[] = {
		[NVMF_RDMA_CM_INVALID_LEN] = "invalid length",
		[NVMF_RDMA_CM_INVALID_RECFMT] = "invalid record format",
		[NVMF_RDMA_CM_INVALID_QID] = "invalid queue ID",
		[NVMF_RDMA_CM_INVALID_HSQSIZE] = "invalid host SQ size",
		[NVMF_RDMA_CM_INVALID_HRQSIZE] = "invalid host RQ size",
		[NVMF_RDMA_CM_NO_RSC] = "no resources",
		[NVMF_RDMA_CM_INVALID_IRD] = "invalid IRD",
		[NVMF_RDMA_CM_INVALID_ORD] = "invalid ORD",
		[NVMF_RDMA_CM_INVALID_CNTLID] = "invalid controller ID",
	};

	if (sts >= sizeof(names) / sizeof(names[0]) || names[sts] == NULL)
		return "unknown";
	return names[sts];
}
