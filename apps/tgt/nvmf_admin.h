/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * droce-tgt: the fabrics controller's registers (Property Get/Set) and the pages its admin
 * commands answer (Identify CNS 00/01/02/03/06, Get Log Page 0x01/0x02/0x03/0x70).
 *
 * Everything here is pure: no I/O, no EAL, no allocation, no global state. Each function
 * works on the caller's struct or buffer only, so it may be called from any thread as long
 * as the caller serialises access to the struct it passes (the controller's owning thread).
 *
 * Errors are negative errno; the caller maps them to an NVMe status:
 *   -EINVAL  Invalid Field in Command (SCT 0, SC 0x02)
 *   -ENXIO   Invalid Namespace or Format (SCT 0, SC 0x0B)
 *   -ENOSPC  the caller's buffer is too small for what must be returned (a droce-tgt bug or a
 *            transfer shorter than the page: Data Transfer Error / Invalid Field, caller's call)
 *
 * Byte offsets: NVMe base 1.4 Figure 247 (Identify Controller) and the Identify Namespace,
 * Namespace Identification Descriptor and log page layouts of NVMe 1.4 5.14-5.15; the
 * Discovery Log Page of NVMe-oF 1.1. Checked against the pages Linux nvmet sends.
 */
#ifndef TGT_NVMF_ADMIN_H
#define TGT_NVMF_ADMIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nvmf_wire.h"	/* NVMF_PROP_* offsets */

/* ---- Controller properties (NVMe 1.4 3.1; NVMe-oF 1.1 properties) ---- */

#define TGT_VS_1_3		0x00010300u

/* CC fields (NVMe 1.4 3.1.5). */
#define TGT_CC_EN		(1u << 0)
#define TGT_CC_CSS_SHIFT	4
#define TGT_CC_CSS_MASK		0x7u
#define TGT_CC_CSS_NVM		0x0u	/* NVM command set */
#define TGT_CC_CSS_ALL		0x6u	/* all I/O command sets (CAP.CSS bit 6) */
#define TGT_CC_MPS_SHIFT	7
#define TGT_CC_AMS_SHIFT	11
#define TGT_CC_SHN_SHIFT	14
#define TGT_CC_IOSQES_SHIFT	16
#define TGT_CC_IOCQES_SHIFT	20

/* CSTS fields (NVMe 1.4 3.1.6). */
#define TGT_CSTS_RDY		(1u << 0)
#define TGT_CSTS_CFS		(1u << 1)
#define TGT_CSTS_SHST_SHIFT	2
#define TGT_CSTS_SHST_CMPLT	(2u << TGT_CSTS_SHST_SHIFT)

/* Default CAP.TO, in 500 ms units: 7.5 s, as nvmet advertises. */
#define TGT_CAP_TO_DEFAULT	15

/* What a CC write changed; tgt_prop_set() returns an OR of these (0: nothing to do). */
enum tgt_cc_event {
	TGT_CC_EV_ENABLE = 1 << 0,	/* EN 0->1 accepted: CSTS.RDY is now 1 */
	TGT_CC_EV_FATAL = 1 << 1,	/* EN 0->1 refused: CSTS.CFS set, RDY stays 0 */
	TGT_CC_EV_RESET = 1 << 2,	/* EN 1->0: tear down the I/O queues, fail AERs */
	TGT_CC_EV_SHUTDOWN = 1 << 3,	/* SHN 00->01/10: CSTS.SHST is now complete */
};

/* The register file of one controller. Fields are host-visible values. */
struct tgt_regs {
	uint64_t cap;
	uint32_t vs;
	uint32_t cc;
	uint32_t csts;
	bool discovery;		/* a discovery controller skips the IOSQES/IOCQES check */
};

/**
 * Initialise a controller's registers after Connect: CC = 0, CSTS = 0, VS 1.3.0 and CAP with
 * MQES = queue_depth - 1, CQR = 1, TO = @to, DSTRD 0, CSS NVM + I/O command sets,
 * MPSMIN = MPSMAX = 0 (4 KiB).
 *
 * @param r           the registers to fill
 * @param queue_depth largest queue (entries) an I/O queue may have, 2..65536
 * @param to          CAP.TO in 500 ms units, 1..255 (TGT_CAP_TO_DEFAULT)
 * @param discovery   true for a discovery controller
 * @return 0, or -EINVAL for a NULL @r or an out-of-range value.
 * Pure; any thread.
 */
int tgt_regs_init(struct tgt_regs *r, uint32_t queue_depth, uint8_t to, bool discovery);

/**
 * Property Get (NVMe-oF 1.1 Fabrics command): read one register.
 *
 * @param r      the registers
 * @param offset property offset (NVMF_PROP_*)
 * @param size   4 or 8 bytes (ATTRIB.SIZE 0 or 1, see tgt_prop_size())
 * @param value  out: the value, zero-extended; the CQE carries it in DW0 (low) and DW1 (high)
 * @return 0; -EINVAL for an unknown offset or a size other than the register's
 *         (CAP 8, VS/CC/CSTS 4), or NULL pointers.
 * Pure; any thread.
 */
int tgt_prop_get(const struct tgt_regs *r, uint32_t offset, unsigned int size, uint64_t *value);

/**
 * Property Set (NVMe-oF 1.1 Fabrics command): write CC, the only writable property, and run the
 * controller state machine (NVMe 1.4 7.6.1 initialisation, 7.6.2 shutdown, 7.3.2 reset).
 *
 * EN 0->1 checks IOSQES 6 / IOCQES 4 (I/O controllers only), MPS 0, AMS 0 and CSS NVM or
 * "all I/O command sets"; if any is wrong CSTS becomes CFS and TGT_CC_EV_FATAL is returned,
 * the Property Set itself succeeds (as nvmet does). EN 1->0 clears RDY and SHST.
 * SHN != 0 clears RDY and sets SHST complete; the caller flushes its backends before it
 * sends the completion. SHN back to 00 clears SHST.
 *
 * @param r      the registers
 * @param offset property offset; only NVMF_PROP_CC is writable
 * @param size   must be 4
 * @param value  the new CC
 * @return >= 0: an OR of enum tgt_cc_event; -EINVAL for a read-only or unknown offset, a size
 *         other than 4 or a value above 32 bits (nothing changed then).
 * Pure; any thread.
 */
int tgt_prop_set(struct tgt_regs *r, uint32_t offset, unsigned int size, uint64_t value);

/**
 * Property size in bytes from a Property Get/Set ATTRIB byte (NVMe-oF 1.1: bits 2:0).
 * @return 4 or 8, or -EINVAL for a reserved size. Pure; any thread.
 */
int tgt_prop_size(uint8_t attrib);

/**
 * Whether the controller accepts commands other than Connect/Property/Keep Alive:
 * CC.EN = 1 and CSTS.RDY = 1 (otherwise Command Sequence Error, as nvmet answers).
 * Pure; any thread.
 */
bool tgt_regs_ready(const struct tgt_regs *r);

/* ---- Identify (NVMe 1.4 5.15) ---- */

#define TGT_ID_PAGE_SIZE	4096

#define TGT_CNS_NS		0x00
#define TGT_CNS_CTRL		0x01
#define TGT_CNS_NS_ACTIVE_LIST	0x02
#define TGT_CNS_NS_DESC_LIST	0x03
#define TGT_CNS_CS_CTRL		0x06

/* Identify Controller offsets (NVMe 1.4 Figure 247). */
#define TGT_IDC_VID		0
#define TGT_IDC_SSVID		2
#define TGT_IDC_SN		4	/* 20 bytes, ASCII, space padded */
#define TGT_IDC_MN		24	/* 40 bytes */
#define TGT_IDC_FR		64	/* 8 bytes */
#define TGT_IDC_RAB		72
#define TGT_IDC_IEEE		73
#define TGT_IDC_CMIC		76
#define TGT_IDC_MDTS		77
#define TGT_IDC_CNTLID		78
#define TGT_IDC_VER		80
#define TGT_IDC_RTD3R		84
#define TGT_IDC_RTD3E		88
#define TGT_IDC_OAES		92
#define TGT_IDC_CTRATT		96
#define TGT_IDC_CNTRLTYPE	111
#define TGT_IDC_OACS		256
#define TGT_IDC_ACL		258
#define TGT_IDC_AERL		259
#define TGT_IDC_FRMW		260
#define TGT_IDC_LPA		261
#define TGT_IDC_ELPE		262
#define TGT_IDC_NPSS		263
#define TGT_IDC_KAS		320
#define TGT_IDC_ANATT		342
#define TGT_IDC_ANACAP		343
#define TGT_IDC_ANAGRPMAX	344
#define TGT_IDC_NANAGRPID	348
#define TGT_IDC_SQES		512
#define TGT_IDC_CQES		513
#define TGT_IDC_MAXCMD		514
#define TGT_IDC_NN		516
#define TGT_IDC_ONCS		520
#define TGT_IDC_FUSES		522
#define TGT_IDC_FNA		524
#define TGT_IDC_VWC		525
#define TGT_IDC_AWUN		526
#define TGT_IDC_AWUPF		528
#define TGT_IDC_NWPC		531
#define TGT_IDC_ACWU		532
#define TGT_IDC_SGLS		536
#define TGT_IDC_MNAN		540
#define TGT_IDC_SUBNQN		768	/* 256 bytes, NUL padded */
#define TGT_IDC_IOCCSZ		1792
#define TGT_IDC_IORCSZ		1796
#define TGT_IDC_ICDOFF		1800
#define TGT_IDC_FCATT		1802
#define TGT_IDC_MSDBD		1803
#define TGT_IDC_OFCS		1804
#define TGT_IDC_PSD0		2048	/* 32 bytes */

#define TGT_SN_LEN		20
#define TGT_MN_LEN		40
#define TGT_FR_LEN		8
#define TGT_NQN_FIELD_LEN	256

#define TGT_CNTRLTYPE_IO	1
#define TGT_CNTRLTYPE_DISC	2

/* ONCS bits (NVMe 1.4 Figure 247, bytes 521:520). */
#define TGT_ONCS_DSM		(1u << 2)
#define TGT_ONCS_WRITE_ZEROES	(1u << 3)

/*
 * SGLS: bit 0 SGLs supported, bit 2 Keyed SGL Data Block (the Linux host refuses a
 * controller without it), bit 20 Offset addressing for in-capsule data.
 */
#define TGT_SGLS_V1		0x00100005u

/* Identify Namespace offsets (NVMe 1.4 5.15, Identify Namespace). */
#define TGT_IDN_NSZE		0
#define TGT_IDN_NCAP		8
#define TGT_IDN_NUSE		16
#define TGT_IDN_NSFEAT		24
#define TGT_IDN_NLBAF		25
#define TGT_IDN_FLBAS		26
#define TGT_IDN_NMIC		30
#define TGT_IDN_NAWUN		34
#define TGT_IDN_NAWUPF		36
#define TGT_IDN_NACWU		38
#define TGT_IDN_NPWG		64
#define TGT_IDN_NPWA		66
#define TGT_IDN_NPDG		68
#define TGT_IDN_NPDA		70
#define TGT_IDN_NOWS		72
#define TGT_IDN_ANAGRPID	92
#define TGT_IDN_NGUID		104
#define TGT_IDN_EUI64		120
#define TGT_IDN_LBAF0		128

/* Namespace Identification Descriptor types (NVMe 1.4 5.15; CSI from TP4056). */
#define TGT_NIDT_EUI64		1
#define TGT_NIDT_NGUID		2
#define TGT_NIDT_UUID		3
#define TGT_NIDT_CSI		4

/* What a controller reports about itself; strings are copied, never kept. */
struct tgt_ctrl_info {
	const char *serial;	/* SN: printable ASCII, <= 20 chars */
	const char *model;	/* MN: <= 40 chars */
	const char *firmware;	/* FR: <= 8 chars */
	const char *subnqn;	/* <= 255 chars */
	bool discovery;		/* CNTRLTYPE 2; I/O-only fields are left zero */
	uint16_t cntlid;
	uint8_t mdts;		/* max transfer 2^mdts * 4 KiB; 0 = no limit */
	uint16_t maxcmd;	/* outstanding commands per queue: the queue depth */
	uint32_t nn;		/* highest NSID the subsystem may use */
	uint32_t icd_size;	/* in-capsule data bytes: IOCCSZ = (64 + icd_size) / 16 */
	uint16_t oncs;		/* TGT_ONCS_* */
	bool vwc;		/* volatile write cache present (Flush is meaningful) */
	uint16_t kas;		/* Keep Alive granularity, 100 ms units */
	uint8_t aerl;		/* outstanding AERs - 1 */
	uint8_t cmic;		/* bit 1: several controllers may exist in the subsystem */
	uint8_t lpa;		/* bit 2: extended Get Log Page (LPO, NUMDU) */
	uint32_t oaes;
	uint32_t ctratt;	/* bit 0: 128-bit Host Identifier */
	uint8_t frmw;		/* bit 0 slot 1 read only, bits 3:1 slot count */
	uint8_t elpe;		/* error log entries - 1 */
};

/* One namespace as Identify Namespace and the descriptor list describe it. */
struct tgt_ns_info {
	uint32_t nsid;
	uint64_t nblocks;	/* NSZE = NCAP = NUSE (thick provisioning) */
	uint32_t block_size;	/* 512 or 4096 */
	uint16_t pref_blocks;	/* preferred write granularity in blocks; 0 = not reported */
	bool shared;		/* NMIC bit 0: may be attached to several controllers */
	uint8_t uuid[16];	/* NIDT 3; all zero = not reported */
	uint8_t nguid[16];	/* NIDT 2; all zero = not reported */
	uint8_t eui64[8];	/* NIDT 1; all zero = not reported */
};

/* The subsystem's namespaces, sorted by ascending NSID, each 1..nn. */
struct tgt_ns_list {
	const struct tgt_ns_info *ns;
	uint32_t count;
	uint32_t nn;
};

/**
 * Identify Controller (CNS 01) for an I/O or a discovery controller.
 *
 * @param info controller facts; strings must fit their fields and be printable ASCII
 * @param buf  out: the page; fully written (zeros where nothing is reported)
 * @param len  size of @buf, at least TGT_ID_PAGE_SIZE
 * @return TGT_ID_PAGE_SIZE; -EINVAL for NULL pointers or a string that does not fit;
 *         -ENOSPC if @len is too small.
 * Pure; any thread.
 */
int tgt_identify_ctrl(const struct tgt_ctrl_info *info, void *buf, size_t len);

/**
 * Identify Namespace (CNS 00). An NSID that is valid (1..nn) but not active gives a zero page
 * (NVMe 1.4 5.15).
 *
 * @param list the subsystem's namespaces
 * @param nsid the command's NSID
 * @param buf  out: the page
 * @param len  size of @buf, at least TGT_ID_PAGE_SIZE
 * @return TGT_ID_PAGE_SIZE; -ENXIO for NSID 0, FFFFFFFFh or above nn; -EINVAL for a namespace
 *         whose block size is not 512 or 4096 or NULL pointers; -ENOSPC if @len is too small.
 * Pure; any thread.
 */
int tgt_identify_ns(const struct tgt_ns_list *list, uint32_t nsid, void *buf, size_t len);

/**
 * Active Namespace ID list (CNS 02): the active NSIDs greater than @nsid, ascending, at most
 * 1024, zero terminated (NVMe 1.4 5.15).
 *
 * @return TGT_ID_PAGE_SIZE; -ENXIO for @nsid FFFFFFFEh or FFFFFFFFh; -EINVAL for NULL pointers;
 *         -ENOSPC if @len is too small.
 * Pure; any thread.
 */
int tgt_identify_ns_list(const struct tgt_ns_list *list, uint32_t nsid, void *buf, size_t len);

/**
 * Namespace Identification Descriptor list (CNS 03): EUI64, NGUID, UUID when non-zero, then
 * the Command Set Identifier (0, NVM), zero terminated.
 *
 * @return TGT_ID_PAGE_SIZE; -ENXIO when @nsid is not an active namespace; -EINVAL for NULL
 *         pointers; -ENOSPC if @len is too small.
 * Pure; any thread.
 */
int tgt_identify_ns_desc(const struct tgt_ns_list *list, uint32_t nsid, void *buf, size_t len);

/**
 * I/O Command Set specific Identify Controller (CNS 06) for CSI 0 (NVM): all zero, as the
 * NVM command set defines nothing there in TP4056 (nvmet answers the same).
 *
 * @param csi the command's CSI; only 0 is supported
 * @return TGT_ID_PAGE_SIZE; -EINVAL for another CSI or NULL @buf; -ENOSPC if @len is small.
 * Pure; any thread.
 */
int tgt_identify_cs_ctrl(uint8_t csi, void *buf, size_t len);

/* ---- Log pages (NVMe 1.4 5.14; NVMe-oF 1.1 Discovery Log Page) ---- */

#define TGT_LID_ERROR		0x01
#define TGT_LID_SMART		0x02
#define TGT_LID_FW_SLOT		0x03
#define TGT_LID_DISCOVERY	0x70

#define TGT_SMART_LOG_SIZE	512
#define TGT_FW_LOG_SIZE		512
#define TGT_ERROR_ENTRY_SIZE	64

/* Discovery log layout (NVMe-oF 1.1 Discovery Log Page). */
#define TGT_DISC_HDR_SIZE	1024
#define TGT_DISC_ENTRY_SIZE	1024
#define TGT_DISC_GENCTR		0
#define TGT_DISC_NUMREC		8
#define TGT_DISC_RECFMT		16
#define TGT_DISCE_TRTYPE	0
#define TGT_DISCE_ADRFAM	1
#define TGT_DISCE_SUBTYPE	2
#define TGT_DISCE_TREQ		3
#define TGT_DISCE_PORTID	4
#define TGT_DISCE_CNTLID	6
#define TGT_DISCE_ASQSZ		8
#define TGT_DISCE_EFLAGS	10
#define TGT_DISCE_TRSVCID	32	/* 32 bytes */
#define TGT_DISCE_SUBNQN	256	/* 256 bytes */
#define TGT_DISCE_TRADDR	512	/* 256 bytes */
#define TGT_DISCE_TSAS		768	/* 256 bytes: qptype, prtype, cms, pkey le16 @4 */

#define TGT_TRSVCID_LEN		32
#define TGT_TRADDR_LEN		256

#define TGT_TRTYPE_RDMA		1
#define TGT_ADRFAM_IPV4		1
#define TGT_ADRFAM_IPV6		2	/* NVMe-oF 1.1 ADRFAM: 1 IPv4, 2 IPv6 */
#define TGT_SUBTYPE_REFERRAL	1
#define TGT_SUBTYPE_NVME	2
#define TGT_SUBTYPE_DISC	3	/* "current discovery subsystem" (TP8013) */
#define TGT_TREQ_DISABLE_SQFLOW	(1u << 2)
#define TGT_CNTLID_DYNAMIC	0xffff

/* One discovery log entry; the transport is RDMA (RC QP, no provider, rdma_cm, pkey 0). */
struct tgt_disc_entry {
	uint8_t adrfam;		/* TGT_ADRFAM_* */
	uint8_t subtype;	/* TGT_SUBTYPE_* */
	uint8_t treq;
	uint16_t portid;
	uint16_t cntlid;	/* TGT_CNTLID_DYNAMIC for the dynamic controller model */
	uint16_t asqsz;		/* admin queue depth */
	uint16_t eflags;
	const char *trsvcid;	/* "4420": <= 31 chars */
	const char *subnqn;	/* <= 255 chars */
	const char *traddr;	/* address the host reached us on: <= 255 chars */
};

/**
 * Size of the discovery log page with @n entries: the 1024-byte header plus 1024 per entry.
 * Pure; any thread.
 */
size_t tgt_disc_log_size(size_t n);

/**
 * Build the whole discovery log page: header (GENCTR, NUMREC, RECFMT 0) and @n entries.
 * trsvcid/subnqn/traddr are NUL padded, as nvmet sends them.
 *
 * @param genctr  generation counter; change it whenever the set of entries changes
 * @param e       entries, in the order the host should see them
 * @param n       number of entries (may be 0)
 * @param buf     out: tgt_disc_log_size(n) bytes are written
 * @param len     size of @buf
 * @return the page size; -EINVAL for NULL pointers, a bad adrfam/subtype or a string that
 *         does not fit; -ENOSPC if @len < tgt_disc_log_size(n).
 * Pure; any thread.
 */
int tgt_disc_log_build(uint64_t genctr, const struct tgt_disc_entry *e, size_t n,
		       void *buf, size_t len);

/**
 * Copy the window [lpo, lpo + out_len) of a log page into @out, zero filling what lies past
 * the page's end: the host's "header first, then the whole page" pattern and LPO reads
 * (NVMe 1.4 5.14: LPO must be dword aligned and not beyond the page).
 *
 * @param page      the built page
 * @param page_len  its size
 * @param lpo       the command's Log Page Offset (bytes)
 * @param out       out: @out_len bytes
 * @param out_len   the transfer length ((NUMD + 1) * 4)
 * @return @out_len; -EINVAL if @lpo is not a multiple of 4 or greater than @page_len, or for
 *         NULL pointers or a zero @out_len.
 * Pure; any thread.
 */
int tgt_log_window(const void *page, size_t page_len, uint64_t lpo, void *out, size_t out_len);

/* What a controller knows for its SMART / Health log; everything else is reported as 0. */
struct tgt_smart_info {
	uint8_t critical_warning;	/* bit 3: read only media; bit 2: reliability degraded */
	uint16_t temperature_k;		/* composite temperature (K); 0 = not reported */
	uint64_t data_units_read;	/* thousands of 512-byte units, rounded up */
	uint64_t data_units_written;
	uint64_t host_reads;		/* read commands completed */
	uint64_t host_writes;
	uint64_t power_on_hours;
};

/**
 * SMART / Health Information log (LID 02h, 512 bytes, NVMe 1.4 5.14.1.2). Counters are
 * written as 128-bit little-endian values; available spare is reported as 100%.
 *
 * @param s    what the controller knows (NULL: all zero except available spare)
 * @param buf  out: TGT_SMART_LOG_SIZE bytes
 * @param len  size of @buf
 * @return TGT_SMART_LOG_SIZE; -EINVAL for NULL @buf; -ENOSPC if @len is too small.
 * Pure; any thread.
 */
int tgt_log_smart(const struct tgt_smart_info *s, void *buf, size_t len);

/**
 * Error Information log (LID 01h, 64-byte entries, NVMe 1.4 5.14.1.1): droce-tgt keeps no
 * error history, so every entry is zero (error count 0 means "no error").
 *
 * @return @len; -EINVAL for NULL @buf or a zero @len.
 * Pure; any thread.
 */
int tgt_log_error(void *buf, size_t len);

/**
 * Firmware Slot Information log (LID 03h, 512 bytes, NVMe 1.4 5.14.1.3): slot 1 active,
 * holding @firmware (the FR string of Identify Controller, space padded).
 *
 * @return TGT_FW_LOG_SIZE; -EINVAL for NULL pointers or a firmware string over 8 chars;
 *         -ENOSPC if @len is too small.
 * Pure; any thread.
 */
int tgt_log_fw_slot(const char *firmware, void *buf, size_t len);

/**
 * Copy a string into a fixed-size page field.
 *
 * Pure function, any thread.
 *
 * @param p
 *   The field.
 * @param field
 *   Its size in bytes.
 * @param s
 *   The string.
 * @param pad
 *   ' ': an ASCII field (printable characters only, space padded, no terminator);
 *   0: a UTF-8 field, NUL terminated and NUL padded.
 * @return
 *   0, or -EINVAL: s is NULL, too long for the field, or not printable in an ASCII field.
 */
int tgt_put_str(uint8_t *p, size_t field, const char *s, uint8_t pad);

#endif /* TGT_NVMF_ADMIN_H */
