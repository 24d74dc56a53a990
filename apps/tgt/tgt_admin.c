/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * droce-tgt: admin commands of a connected controller (see tgt_admin.h). Each command is
 * a small function returning the CQE status; the data it produces goes to the caller's
 * buffer, the length into the result.
 */
#include <errno.h>
#include <string.h>

#include "tgt_admin.h"

#define OK		0
#define GENERIC(sc)	NVMF_STATUS(NVMF_SCT_GENERIC, sc, 1)
#define SPECIFIC(sc)	NVMF_STATUS(NVMF_SCT_CMD, sc, 1)
#define LOG_PAGE_MAX	TGT_FW_LOG_SIZE		/* the largest page built here */

/*
 * NVMe-oF 1.1 7.3: a command's data length is its SGL's. Like nvmet, a length that is not
 * exactly what the command transfers is a Data SGL Length Invalid error.
 */
static uint16_t
want_len(uint32_t xfer_len, uint64_t len)
{
	return xfer_len == len ? OK : GENERIC(NVMF_SC_SGL_INVALID_DATA);
}

static uint16_t
prop_get(struct tgt_admin_ctrl *c, const uint8_t *sqe, struct tgt_admin_result *r)
{
	struct nvmf_prop_cmd p;
	uint64_t v;

	if (nvmf_prop_cmd_parse(sqe, &p) != 0 || tgt_prop_get(&c->regs, p.offset, p.size, &v) != 0)
		return GENERIC(NVMF_SC_INVALID_FIELD);
	r->dw0 = (uint32_t)v;
	r->dw1 = (uint32_t)(v >> 32);
	return OK;
}

static uint16_t
prop_set(struct tgt_admin_ctrl *c, const uint8_t *sqe, struct tgt_admin_result *r)
{
	struct nvmf_prop_cmd p;
	int rc;

	if (nvmf_prop_cmd_parse(sqe, &p) != 0)
		return GENERIC(NVMF_SC_INVALID_FIELD);
	rc = tgt_prop_set(&c->regs, p.offset, p.size, p.value);
	if (rc < 0)
		return GENERIC(NVMF_SC_INVALID_FIELD);
	r->events = rc;
	return OK;
}

/* Fabrics commands on a connected admin queue (NVMe-oF 1.1 3.3). */
static uint16_t
fabrics(struct tgt_admin_ctrl *c, const uint8_t *sqe, uint32_t xfer_len,
	struct tgt_admin_result *r)
{
	uint16_t st = want_len(xfer_len, 0);

	switch (nvmf_sqe_fctype(sqe)) {
	case NVMF_FCTYPE_PROP_GET:
		return st != OK ? st : prop_get(c, sqe, r);
	case NVMF_FCTYPE_PROP_SET:
		return st != OK ? st : prop_set(c, sqe, r);
	case NVMF_FCTYPE_CONNECT:
		/* The queue has its controller already. */
		return SPECIFIC(NVMF_SC_CONNECT_CTRL_BUSY);
	default:
		return GENERIC(NVMF_SC_INVALID_OPCODE);
	}
}

static int
identify_page(const struct tgt_admin_ctrl *c, const uint8_t *sqe, uint8_t *data)
{
	uint32_t nsid = nvmf_sqe_nsid(sqe);

	switch (nvmf_sqe_cdw(sqe, 10) & 0xff) {		/* CNS */
	case TGT_CNS_CTRL:
		return tgt_identify_ctrl(&c->info, data, TGT_ID_PAGE_SIZE);
	case TGT_CNS_NS:
		return tgt_identify_ns(&c->ns, nsid, data, TGT_ID_PAGE_SIZE);
	case TGT_CNS_NS_ACTIVE_LIST:
		return tgt_identify_ns_list(&c->ns, nsid, data, TGT_ID_PAGE_SIZE);
	case TGT_CNS_NS_DESC_LIST:
		return tgt_identify_ns_desc(&c->ns, nsid, data, TGT_ID_PAGE_SIZE);
	case TGT_CNS_CS_CTRL:
		return tgt_identify_cs_ctrl((uint8_t)(nvmf_sqe_cdw(sqe, 11) >> 24), data,
					    TGT_ID_PAGE_SIZE);
	default:
		return -EINVAL;
	}
}

/* NVMe 1.4 5.15: every page is 4 KiB; a discovery controller has only CNS 01. */
static uint16_t
identify(const struct tgt_admin_ctrl *c, const uint8_t *sqe, uint32_t xfer_len, uint8_t *data,
	 struct tgt_admin_result *r)
{
	uint16_t st = want_len(xfer_len, TGT_ID_PAGE_SIZE);
	int rc;

	if (st != OK)
		return st;
	if (c->info.discovery && (nvmf_sqe_cdw(sqe, 10) & 0xff) != TGT_CNS_CTRL)
		return GENERIC(NVMF_SC_INVALID_FIELD);
	rc = identify_page(c, sqe, data);
	if (rc == -ENXIO)
		return GENERIC(NVMF_SC_INVALID_NS);
	if (rc < 0)
		return GENERIC(NVMF_SC_INVALID_FIELD);
	r->data_len = TGT_ID_PAGE_SIZE;
	return OK;
}

/* The page a log identifier names, built into buf or pointed at; its length, or -EINVAL. */
static int
log_page(const struct tgt_admin_ctrl *c, uint8_t lid, uint8_t buf[LOG_PAGE_MAX],
	 const uint8_t **page)
{
	*page = buf;
	if (c->info.discovery) {
		if (lid != TGT_LID_DISCOVERY || c->disc_log == NULL)
			return -EINVAL;
		*page = c->disc_log;
		return (int)c->disc_log_len;
	}
	switch (lid) {
	case TGT_LID_ERROR:
		return tgt_log_error(buf, TGT_ERROR_ENTRY_SIZE * (c->info.elpe + 1u));
	case TGT_LID_SMART:
		return tgt_log_smart(&c->smart, buf, TGT_SMART_LOG_SIZE);
	case TGT_LID_FW_SLOT:
		return tgt_log_fw_slot(c->info.firmware, buf, TGT_FW_LOG_SIZE);
	default:
		return -EINVAL;
	}
}

/*
 * NVMe 1.4 5.14: NUMD (NUMDU:NUMDL, 0's based) dwords from byte offset LPO of the page;
 * what lies past the page's end reads as zeros (the host asks for the discovery log's
 * header first, then the whole page). A log this controller does not report is an
 * Invalid Field, as nvmet answers.
 */
static uint16_t
get_log_page(const struct tgt_admin_ctrl *c, const uint8_t *sqe, uint32_t xfer_len,
	     uint8_t *data, struct tgt_admin_result *r)
{
	uint32_t cdw10 = nvmf_sqe_cdw(sqe, 10), cdw11 = nvmf_sqe_cdw(sqe, 11);
	uint64_t numd = ((uint64_t)(cdw11 & 0xffff) << 16 | cdw10 >> 16) + 1;
	uint64_t lpo = nvmf_sqe_cdw(sqe, 12) | (uint64_t)nvmf_sqe_cdw(sqe, 13) << 32;
	uint8_t buf[LOG_PAGE_MAX];
	const uint8_t *page;
	uint16_t st = want_len(xfer_len, numd * 4);
	int len;

	if (st != OK)
		return st;
	len = log_page(c, (uint8_t)cdw10, buf, &page);
	if (len < 0 || tgt_log_window(page, (size_t)len, lpo, data, xfer_len) < 0)
		return GENERIC(NVMF_SC_INVALID_FIELD);
	r->data_len = xfer_len;
	return OK;
}

/* Number of Queues (NVMe 1.4 5.21.1.7): 0's based; every queue allowed is allocated. */
static uint32_t
queues_dw0(const struct tgt_admin_ctrl *c)
{
	uint32_t n = c->max_io_queues - 1u;

	return n | n << 16;
}

static uint16_t
set_features(struct tgt_admin_ctrl *c, const uint8_t *sqe, struct tgt_admin_result *r)
{
	uint32_t cdw10 = nvmf_sqe_cdw(sqe, 10), cdw11 = nvmf_sqe_cdw(sqe, 11);

	if (cdw10 & (1u << 31))		/* SV: nothing here is saveable */
		return SPECIFIC(NVMF_SC_FEATURE_NOT_SAVEABLE);
	switch (cdw10 & 0xff) {
	case TGT_FID_NUM_QUEUES:
		/* 65535 queues (0xffff, 0's based) is out of range (NVMe 1.4 Figure 306). */
		if (c->info.discovery || (cdw11 & 0xffff) == 0xffff || cdw11 >> 16 == 0xffff)
			return GENERIC(NVMF_SC_INVALID_FIELD);
		r->dw0 = queues_dw0(c);
		return OK;
	case TGT_FID_AEC:
		c->aec = cdw11;
		r->dw0 = cdw11;
		return OK;
	case TGT_FID_KATO:
		c->kato_ms = cdw11;
		return OK;
	default:
		return GENERIC(NVMF_SC_INVALID_FIELD);
	}
}

static uint16_t
get_features(const struct tgt_admin_ctrl *c, const uint8_t *sqe, struct tgt_admin_result *r)
{
	switch (nvmf_sqe_cdw(sqe, 10) & 0xff) {
	case TGT_FID_NUM_QUEUES:
		if (c->info.discovery)
			return GENERIC(NVMF_SC_INVALID_FIELD);
		r->dw0 = queues_dw0(c);
		return OK;
	case TGT_FID_VWC:
		if (c->info.discovery)
			return GENERIC(NVMF_SC_INVALID_FIELD);
		r->dw0 = c->info.vwc;
		return OK;
	case TGT_FID_AEC:
		r->dw0 = c->aec;
		return OK;
	case TGT_FID_KATO:
		r->dw0 = c->kato_ms;
		return OK;
	default:
		return GENERIC(NVMF_SC_INVALID_FIELD);
	}
}

/* NVMe 1.4 5.2: at most AERL + 1 held; one more is refused. */
static uint16_t
async_event(struct tgt_admin_ctrl *c, struct tgt_admin_result *r)
{
	if (c->aers > c->info.aerl)
		return SPECIFIC(NVMF_SC_ASYNC_LIMIT);
	c->aers++;
	r->action = TGT_ADMIN_HOLD;
	return OK;
}

/* NVMe 1.4 5.23: without a keep-alive timeout there is nothing to keep alive. */
static uint16_t
keep_alive(struct tgt_admin_ctrl *c)
{
	if (c->kato_ms == 0)
		return NVMF_STATUS(NVMF_SCT_GENERIC, NVMF_SC_KA_TIMEOUT_INVALID, 0);
	c->kept_alive = true;
	return OK;
}

/* What a discovery controller answers besides Fabrics (NVMe-oF 1.1 5, Figure 31). */
static bool
discovery_opcode(uint8_t opc)
{
	return opc == NVMF_ADM_IDENTIFY || opc == NVMF_ADM_GET_LOG_PAGE ||
	       opc == NVMF_ADM_SET_FEATURES || opc == NVMF_ADM_GET_FEATURES ||
	       opc == NVMF_ADM_ASYNC_EVENT || opc == NVMF_ADM_KEEP_ALIVE;
}

static uint16_t
admin(struct tgt_admin_ctrl *c, const uint8_t *sqe, uint32_t xfer_len, uint8_t *data,
      struct tgt_admin_result *r)
{
	uint8_t opc = nvmf_sqe_opcode(sqe);

	if (c->info.discovery && !discovery_opcode(opc))
		return GENERIC(NVMF_SC_INVALID_OPCODE);
	if (opc == NVMF_ADM_IDENTIFY)
		return identify(c, sqe, xfer_len, data, r);
	if (opc == NVMF_ADM_GET_LOG_PAGE)
		return get_log_page(c, sqe, xfer_len, data, r);
	if (want_len(xfer_len, 0) != OK && (opc == NVMF_ADM_SET_FEATURES ||
	    opc == NVMF_ADM_GET_FEATURES || opc == NVMF_ADM_ASYNC_EVENT ||
	    opc == NVMF_ADM_KEEP_ALIVE || opc == NVMF_ADM_ABORT))
		return GENERIC(NVMF_SC_SGL_INVALID_DATA);
	switch (opc) {
	case NVMF_ADM_SET_FEATURES:
		return set_features(c, sqe, r);
	case NVMF_ADM_GET_FEATURES:
		return get_features(c, sqe, r);
	case NVMF_ADM_ASYNC_EVENT:
		return async_event(c, r);
	case NVMF_ADM_KEEP_ALIVE:
		return keep_alive(c);
	case NVMF_ADM_ABORT:
		r->dw0 = 1;		/* bit 0: the command was not aborted */
		return OK;
	default:
		return GENERIC(NVMF_SC_INVALID_OPCODE);
	}
}

int
tgt_admin_exec(struct tgt_admin_ctrl *c, const uint8_t sqe[NVMF_SQE_SIZE], uint32_t xfer_len,
	       uint8_t *data, struct tgt_admin_result *r)
{
	if (c == NULL || sqe == NULL || r == NULL || (xfer_len > 0 && data == NULL))
		return -EINVAL;
	memset(r, 0, sizeof(*r));
	if (nvmf_sqe_opcode(sqe) == NVMF_OPC_FABRICS)
		r->status = fabrics(c, sqe, xfer_len, r);
	else if (!tgt_regs_ready(&c->regs))
		/* NVMe 1.4 7.6.1: nothing but Fabrics commands before CC.EN and CSTS.RDY. */
		r->status = GENERIC(NVMF_SC_CMD_SEQ_ERROR);
	else
		r->status = admin(c, sqe, xfer_len, data, r);
	if (r->status != OK) {
		r->data_len = 0;
		r->action = TGT_ADMIN_COMPLETE;
	}
	return 0;
}
