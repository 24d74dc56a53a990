/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * droce-tgt: log pages. The discovery log (LID 70h, NVMe-oF 1.1 Discovery Log Page) is built
 * whole into a caller buffer, then any window the host asks for is copied out of it: Linux
 * reads the 1024-byte header first, then header + NUMREC entries, and may use LPO.
 * The SMART, error and firmware-slot logs are the few an NVM controller is asked for.
 *
 * Intended differences from Linux nvmet:
 *   - an LPO beyond the page is Invalid Field (NVMe 1.4 5.14, Log Page Offset: an offset
 *     greater than the log page); nvmet only checks alignment and reads past its buffer;
 *   - the SMART log reports 100% available spare and the counters the caller keeps;
 *     nvmet's brd-backed answer in the capture is all zero.
 */
#include <errno.h>
#include <string.h>

#include "nvmf_admin.h"

/* RDMA Transport Specific Address Subtype (NVMe-oF 1.1 TSAS for RDMA). */
#define TSAS_QPTYPE		0	/* 1: reliable connected */
#define TSAS_PRTYPE		1	/* 1: no provider specified */
#define TSAS_CMS		2	/* 1: RDMA_IP_CM (rdma_cm) */
#define TSAS_PKEY		4	/* le16; 0 for RoCE */

/* SMART / Health log offsets (NVMe 1.4 5.14.1.2). */
#define SMART_CRIT_WARN		0
#define SMART_TEMP		1
#define SMART_AVAIL_SPARE	3
#define SMART_DATA_READ		32
#define SMART_DATA_WRITTEN	48
#define SMART_HOST_READS	64
#define SMART_HOST_WRITES	80
#define SMART_POWER_ON_HOURS	128

/* Firmware Slot Information log (NVMe 1.4 5.14.1.3). */
#define FW_AFI			0
#define FW_FRS1			8

size_t
tgt_disc_log_size(size_t n)
{
	return TGT_DISC_HDR_SIZE + n * TGT_DISC_ENTRY_SIZE;
}

/* One 1024-byte entry (NVMe-oF 1.1 Discovery Log Page Entry); @p is zeroed by the caller. */
static int
disc_entry(const struct tgt_disc_entry *e, uint8_t *p)
{
	if (e->adrfam != TGT_ADRFAM_IPV4 && e->adrfam != TGT_ADRFAM_IPV6)
		return -EINVAL;
	if (e->subtype < TGT_SUBTYPE_REFERRAL || e->subtype > TGT_SUBTYPE_DISC)
		return -EINVAL;
	/* nvmet pads TRSVCID and TRADDR with NULs (checked in the capture), and Linux hosts
	 * strip either, so follow what the host already sees. */
	if (tgt_put_str(p + TGT_DISCE_TRSVCID, TGT_TRSVCID_LEN, e->trsvcid, 0) < 0 ||
	    tgt_put_str(p + TGT_DISCE_SUBNQN, TGT_NQN_FIELD_LEN, e->subnqn, 0) < 0 ||
	    tgt_put_str(p + TGT_DISCE_TRADDR, TGT_TRADDR_LEN, e->traddr, 0) < 0)
		return -EINVAL;
	p[TGT_DISCE_TRTYPE] = TGT_TRTYPE_RDMA;
	p[TGT_DISCE_ADRFAM] = e->adrfam;
	p[TGT_DISCE_SUBTYPE] = e->subtype;
	p[TGT_DISCE_TREQ] = e->treq;
	nvmf_put_le16(p + TGT_DISCE_PORTID, e->portid);
	nvmf_put_le16(p + TGT_DISCE_CNTLID, e->cntlid);
	nvmf_put_le16(p + TGT_DISCE_ASQSZ, e->asqsz);
	nvmf_put_le16(p + TGT_DISCE_EFLAGS, e->eflags);
	p[TGT_DISCE_TSAS + TSAS_QPTYPE] = 1;
	p[TGT_DISCE_TSAS + TSAS_PRTYPE] = 1;
	p[TGT_DISCE_TSAS + TSAS_CMS] = 1;
	nvmf_put_le16(p + TGT_DISCE_TSAS + TSAS_PKEY, 0);
	return 0;
}

int
tgt_disc_log_build(uint64_t genctr, const struct tgt_disc_entry *e, size_t n,
		   void *buf, size_t len)
{
	size_t size = tgt_disc_log_size(n), i;
	uint8_t *p = buf;
	int rc;

	if (buf == NULL || (e == NULL && n > 0) || n > (INT32_MAX - TGT_DISC_HDR_SIZE) /
	    TGT_DISC_ENTRY_SIZE)
		return -EINVAL;
	if (len < size)
		return -ENOSPC;
	memset(p, 0, size);
	nvmf_put_le64(p + TGT_DISC_GENCTR, genctr);
	nvmf_put_le64(p + TGT_DISC_NUMREC, n);
	nvmf_put_le16(p + TGT_DISC_RECFMT, 0);
	for (i = 0; i < n; i++) {
		rc = disc_entry(&e[i], p + tgt_disc_log_size(i));
		if (rc < 0) {
			memset(p, 0, size);
			return rc;
		}
	}
	return (int)size;
}

int
tgt_log_window(const void *page, size_t page_len, uint64_t lpo, void *out, size_t out_len)
{
	size_t avail, n;

	if (page == NULL || out == NULL || out_len == 0 || out_len > INT32_MAX)
		return -EINVAL;
	/* NVMe 1.4 5.14 (LPOL/LPOU): dword aligned, and not past the end of the log page. */
	if ((lpo & 0x3) != 0 || lpo > page_len)
		return -EINVAL;
	avail = page_len - (size_t)lpo;
	n = out_len < avail ? out_len : avail;
	memcpy(out, (const uint8_t *)page + lpo, n);
	/* Bytes past the end of the page read as zero (NVMe 1.4 5.14: the log page is "padded"
	 * when the host asks for more than it holds). */
	memset((uint8_t *)out + n, 0, out_len - n);
	return (int)out_len;
}

int
tgt_log_smart(const struct tgt_smart_info *s, void *buf, size_t len)
{
	uint8_t *p = buf;

	if (buf == NULL)
		return -EINVAL;
	if (len < TGT_SMART_LOG_SIZE)
		return -ENOSPC;
	memset(p, 0, TGT_SMART_LOG_SIZE);
	/* A target with no flash has no wear: spare is full, threshold 0, percentage used 0. */
	p[SMART_AVAIL_SPARE] = 100;
	if (s == NULL)
		return TGT_SMART_LOG_SIZE;
	p[SMART_CRIT_WARN] = s->critical_warning;
	nvmf_put_le16(p + SMART_TEMP, s->temperature_k);
	/* 128-bit counters: the low 64 bits carry the value, the high half stays zero. */
	nvmf_put_le64(p + SMART_DATA_READ, s->data_units_read);
	nvmf_put_le64(p + SMART_DATA_WRITTEN, s->data_units_written);
	nvmf_put_le64(p + SMART_HOST_READS, s->host_reads);
	nvmf_put_le64(p + SMART_HOST_WRITES, s->host_writes);
	nvmf_put_le64(p + SMART_POWER_ON_HOURS, s->power_on_hours);
	return TGT_SMART_LOG_SIZE;
}

int
tgt_log_error(void *buf, size_t len)
{
	if (buf == NULL || len == 0 || len > INT32_MAX)
		return -EINVAL;
	/* NVMe 1.4 5.14.1.1: an entry whose Error Count is 0 is not a valid error. */
	memset(buf, 0, len);
	return (int)len;
}

int
tgt_log_fw_slot(const char *firmware, void *buf, size_t len)
{
	uint8_t *p = buf;

	if (buf == NULL || firmware == NULL || strlen(firmware) > TGT_FR_LEN)
		return -EINVAL;
	if (len < TGT_FW_LOG_SIZE)
		return -ENOSPC;
	memset(p, 0, TGT_FW_LOG_SIZE);
	p[FW_AFI] = 1;	/* slot 1 is active; no firmware is staged for the next reset */
	tgt_put_str(p + FW_FRS1, TGT_FR_LEN, firmware, ' ');
	return TGT_FW_LOG_SIZE;
}
