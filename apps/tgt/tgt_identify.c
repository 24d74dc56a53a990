/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * droce-tgt: the Identify data structures (NVMe 1.4 5.15), written into a caller's 4 KiB
 * buffer field by field at the offsets of NVMe 1.4 Figure 247 and of the Identify Namespace
 * and NS Identification Descriptor layouts of 5.15.
 *
 * What the caller chooses (struct tgt_ctrl_info) versus what is fixed here:
 *   fixed for both controller types: VID/SSVID 0, VER 1.3.0, SGLS 0x00100005, the SUBNQN;
 *   fixed for I/O controllers: RAB 6, ACL 3, SQES 0x66, CQES 0x44, IORCSZ 1, ICDOFF 0,
 *   MSDBD 1, FCATT 0 (dynamic controller model), no ANA, no power state descriptor.
 * A discovery controller leaves every I/O-only field zero (NVMe-oF 1.1 Identify Controller
 * for fabrics: it has no namespaces and no I/O queues), as nvmet does.
 */
#include <errno.h>
#include <string.h>

#include "nvmf_admin.h"

#define NS_LIST_MAX	(TGT_ID_PAGE_SIZE / 4)	/* NVMe 1.4 5.15: up to 1024 NSIDs */
#define NSID_ALL	0xffffffffu

/*
 * NVMe 1.4 Figure 247: SN, MN and FR are ASCII, left justified and padded with spaces, with no
 * terminator; NQNs and the discovery log's addresses are NUL terminated and NUL padded (so at
 * most field - 1 characters).
 */
int
tgt_put_str(uint8_t *p, size_t field, const char *s, uint8_t pad)
{
	size_t n, i;

	if (s == NULL)
		return -EINVAL;
	n = strlen(s);
	if (n > field || (pad == 0 && n == field))
		return -EINVAL;
	for (i = 0; i < n; i++)
		if (pad != 0 && (s[i] < 0x20 || s[i] > 0x7e))
			return -EINVAL;
	memcpy(p, s, n);
	memset(p + n, pad, field - n);
	return 0;
}

static int
page_prep(void *buf, size_t len)
{
	if (buf == NULL)
		return -EINVAL;
	if (len < TGT_ID_PAGE_SIZE)
		return -ENOSPC;
	memset(buf, 0, TGT_ID_PAGE_SIZE);
	return 0;
}

/* Strings and the fields both controller types report. */
static int
ctrl_common(const struct tgt_ctrl_info *info, uint8_t *p)
{
	if (tgt_put_str(p + TGT_IDC_SN, TGT_SN_LEN, info->serial, ' ') < 0 ||
	    tgt_put_str(p + TGT_IDC_MN, TGT_MN_LEN, info->model, ' ') < 0 ||
	    tgt_put_str(p + TGT_IDC_FR, TGT_FR_LEN, info->firmware, ' ') < 0 ||
	    tgt_put_str(p + TGT_IDC_SUBNQN, TGT_NQN_FIELD_LEN, info->subnqn, 0) < 0)
		return -EINVAL;
	p[TGT_IDC_MDTS] = info->mdts;
	nvmf_put_le16(p + TGT_IDC_CNTLID, info->cntlid);
	nvmf_put_le32(p + TGT_IDC_VER, TGT_VS_1_3);
	nvmf_put_le32(p + TGT_IDC_OAES, info->oaes);
	nvmf_put_le32(p + TGT_IDC_CTRATT, info->ctratt);
	p[TGT_IDC_CNTRLTYPE] = info->discovery ? TGT_CNTRLTYPE_DISC : TGT_CNTRLTYPE_IO;
	p[TGT_IDC_AERL] = info->aerl;
	p[TGT_IDC_LPA] = info->lpa;
	p[TGT_IDC_ELPE] = info->elpe;
	nvmf_put_le16(p + TGT_IDC_KAS, info->kas);
	nvmf_put_le16(p + TGT_IDC_MAXCMD, info->maxcmd);
	/* NVMe-oF 1.1 Identify fields: keyed SGLs are mandatory on RDMA; offset SGLs say
	 * in-capsule data may be used (Linux only sends in-capsule data when bit 20 is set). */
	nvmf_put_le32(p + TGT_IDC_SGLS, TGT_SGLS_V1);
	return 0;
}

/* Fields only an NVM (I/O) controller reports. */
static int
ctrl_io(const struct tgt_ctrl_info *info, uint8_t *p)
{
	uint32_t ioccsz = (64 + info->icd_size) / 16;

	/* NVMe-oF 1.1 Identify fields: IOCCSZ counts 16-byte units of SQE + in-capsule data and is
	 * at least 4; ICD size must be a multiple of 16 so the unit count is exact. */
	if (info->icd_size % 16 != 0 || info->icd_size > UINT32_MAX - 64)
		return -EINVAL;
	p[TGT_IDC_RAB] = 6;
	p[TGT_IDC_CMIC] = info->cmic;
	p[TGT_IDC_ACL] = 3;
	p[TGT_IDC_FRMW] = info->frmw;
	p[TGT_IDC_SQES] = 0x66;	/* required and max SQ entry: 2^6 = 64 bytes */
	p[TGT_IDC_CQES] = 0x44;	/* CQ entry: 2^4 = 16 bytes */
	nvmf_put_le32(p + TGT_IDC_NN, info->nn);
	nvmf_put_le16(p + TGT_IDC_ONCS, info->oncs);
	p[TGT_IDC_VWC] = info->vwc ? 1 : 0;
	nvmf_put_le32(p + TGT_IDC_IOCCSZ, ioccsz);
	nvmf_put_le32(p + TGT_IDC_IORCSZ, 1);	/* a response capsule is the 16-byte CQE only */
	nvmf_put_le16(p + TGT_IDC_ICDOFF, 0);	/* Linux refuses any other in-capsule offset */
	p[TGT_IDC_MSDBD] = 1;		/* one SGL descriptor per command */
	return 0;
}

int
tgt_identify_ctrl(const struct tgt_ctrl_info *info, void *buf, size_t len)
{
	uint8_t *p = buf;
	int rc;

	if (info == NULL)
		return -EINVAL;
	rc = page_prep(buf, len);
	if (rc < 0)
		return rc;
	rc = ctrl_common(info, p);
	if (rc == 0 && !info->discovery)
		rc = ctrl_io(info, p);
	if (rc < 0) {
		memset(p, 0, TGT_ID_PAGE_SIZE);
		return rc;
	}
	return TGT_ID_PAGE_SIZE;
}

/* The namespace with this NSID, or NULL; the list is sorted, so stop once past it. */
static const struct tgt_ns_info *
ns_find(const struct tgt_ns_list *list, uint32_t nsid)
{
	uint32_t i;

	for (i = 0; i < list->count && list->ns[i].nsid <= nsid; i++)
		if (list->ns[i].nsid == nsid)
			return &list->ns[i];
	return NULL;
}

static bool
all_zero(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != 0)
			return false;
	return true;
}

static int
ns_lbads(uint32_t block_size)
{
	if (block_size == 512)
		return 9;
	if (block_size == 4096)
		return 12;
	return -EINVAL;
}

/*
 * NVMe 1.4 5.15, Identify Namespace. One LBA format (NLBAF 0, FLBAS 0) without metadata.
 * NSFEAT bit 4 and NPWG/NPWA are reported when a preferred write size is known; no atomicity
 * (NSFEAT bit 1) is promised because a file backend cannot keep it across power loss.
 */
static int
ns_fill(const struct tgt_ns_info *ns, uint8_t *p)
{
	int lbads = ns_lbads(ns->block_size);

	if (lbads < 0)
		return lbads;
	nvmf_put_le64(p + TGT_IDN_NSZE, ns->nblocks);
	nvmf_put_le64(p + TGT_IDN_NCAP, ns->nblocks);
	nvmf_put_le64(p + TGT_IDN_NUSE, ns->nblocks);
	if (ns->pref_blocks > 0) {
		p[TGT_IDN_NSFEAT] = 1u << 4;
		nvmf_put_le16(p + TGT_IDN_NPWG, (uint16_t)(ns->pref_blocks - 1));
		nvmf_put_le16(p + TGT_IDN_NPWA, (uint16_t)(ns->pref_blocks - 1));
	}
	p[TGT_IDN_NMIC] = ns->shared ? 1 : 0;
	memcpy(p + TGT_IDN_NGUID, ns->nguid, sizeof(ns->nguid));
	memcpy(p + TGT_IDN_EUI64, ns->eui64, sizeof(ns->eui64));
	/* LBAF0: MS 0 (bits 15:0), LBADS (23:16), RP 0 (25:24). */
	nvmf_put_le32(p + TGT_IDN_LBAF0, (uint32_t)lbads << 16);
	return 0;
}

int
tgt_identify_ns(const struct tgt_ns_list *list, uint32_t nsid, void *buf, size_t len)
{
	const struct tgt_ns_info *ns;
	int rc;

	if (list == NULL || (list->ns == NULL && list->count > 0))
		return -EINVAL;
	/* NVMe 1.4 5.15: an invalid NSID is an error, an inactive valid one a zero page. */
	if (nsid == 0 || nsid == NSID_ALL || nsid > list->nn)
		return -ENXIO;
	rc = page_prep(buf, len);
	if (rc < 0)
		return rc;
	ns = ns_find(list, nsid);
	if (ns != NULL) {
		rc = ns_fill(ns, buf);
		if (rc < 0) {
			memset(buf, 0, TGT_ID_PAGE_SIZE);
			return rc;
		}
	}
	return TGT_ID_PAGE_SIZE;
}

int
tgt_identify_ns_list(const struct tgt_ns_list *list, uint32_t nsid, void *buf, size_t len)
{
	uint8_t *p = buf;
	uint32_t i, n = 0;
	int rc;

	if (list == NULL || (list->ns == NULL && list->count > 0))
		return -EINVAL;
	/* NVMe 1.4 5.15: FFFFFFFEh and FFFFFFFFh are Invalid Namespace or Format. */
	if (nsid >= NSID_ALL - 1)
		return -ENXIO;
	rc = page_prep(buf, len);
	if (rc < 0)
		return rc;
	for (i = 0; i < list->count && n < NS_LIST_MAX; i++) {
		if (list->ns[i].nsid > nsid)
			nvmf_put_le32(p + 4 * n++, list->ns[i].nsid);
	}
	return TGT_ID_PAGE_SIZE;
}

/* One NS Identification Descriptor (NVMe 1.4 5.15): NIDT, NIDL, 2 reserved bytes, NID. */
static size_t
put_desc(uint8_t *p, uint8_t nidt, const uint8_t *nid, uint8_t nidl)
{
	p[0] = nidt;
	p[1] = nidl;
	memcpy(p + 4, nid, nidl);
	return 4u + nidl;
}

int
tgt_identify_ns_desc(const struct tgt_ns_list *list, uint32_t nsid, void *buf, size_t len)
{
	static const uint8_t csi_nvm;
	const struct tgt_ns_info *ns;
	uint8_t *p = buf;
	size_t off = 0;
	int rc;

	if (list == NULL || (list->ns == NULL && list->count > 0))
		return -EINVAL;
	/* nvmet answers an inactive NSID with Invalid Namespace or Format, and so do we. */
	ns = ns_find(list, nsid);
	if (ns == NULL)
		return -ENXIO;
	rc = page_prep(buf, len);
	if (rc < 0)
		return rc;
	if (!all_zero(ns->eui64, sizeof(ns->eui64)))
		off += put_desc(p + off, TGT_NIDT_EUI64, ns->eui64, sizeof(ns->eui64));
	if (!all_zero(ns->nguid, sizeof(ns->nguid)))
		off += put_desc(p + off, TGT_NIDT_NGUID, ns->nguid, sizeof(ns->nguid));
	if (!all_zero(ns->uuid, sizeof(ns->uuid)))
		off += put_desc(p + off, TGT_NIDT_UUID, ns->uuid, sizeof(ns->uuid));
	/* TP4056: the Command Set Identifier, 0 = NVM; Linux 6.1 reads it from here. */
	put_desc(p + off, TGT_NIDT_CSI, &csi_nvm, 1);
	return TGT_ID_PAGE_SIZE;
}

int
tgt_identify_cs_ctrl(uint8_t csi, void *buf, size_t len)
{
	int rc;

	if (csi != 0)
		return -EINVAL;
	rc = page_prep(buf, len);
	return rc < 0 ? rc : TGT_ID_PAGE_SIZE;
}
