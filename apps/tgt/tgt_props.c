/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * droce-tgt: a fabrics controller's registers. On NVMe-oF there is no BAR: the host reads and
 * writes CAP, VS, CC and CSTS with Property Get/Set capsules (NVMe-oF 1.1 controller
 * properties), and the controller runs the NVMe 1.4 7.6 enable/shutdown state machine on
 * each CC write.
 *
 * Intended differences from Linux nvmet (CAP 0x000008200f00007f in the capture):
 *   - CAP.CQR = 1: NVMe-oF 1.1 requires it for fabrics (SPDK reports 1, nvmet leaves 0);
 *   - CAP.MQES comes from the configured queue depth (nvmet: its fixed 128, MQES 0x7f);
 *   - EN 1->0 and SHN keep CC as the host wrote it (nvmet zeroes CC), so a Property Get of
 *     CC returns what was written (NVMe 1.4 3.1.5: CC is host-written).
 */
#include <errno.h>

#include "nvmf_admin.h"

/* CAP fields (NVMe 1.4 3.1.1). */
#define CAP_MQES_MASK		0xffffull
#define CAP_CQR			(1ull << 16)
#define CAP_TO_SHIFT		24
#define CAP_CSS_NVM		(1ull << 37)	/* CSS bit 0: NVM command set */
#define CAP_CSS_IOCS		(1ull << 43)	/* CSS bit 6: I/O command sets (TP4056) */

/* NVMe 1.4 3.1.5: IOSQES / IOCQES are log2 of the entry size: 64 and 16 bytes. */
#define NVM_IOSQES		6
#define NVM_IOCQES		4

static inline unsigned int
cc_field(uint32_t cc, unsigned int shift, uint32_t mask)
{
	return (cc >> shift) & mask;
}

int
tgt_regs_init(struct tgt_regs *r, uint32_t queue_depth, uint8_t to, bool discovery)
{
	if (r == NULL || queue_depth < 2 || queue_depth > 65536 || to == 0)
		return -EINVAL;
	/* NVMe 1.4 3.1.1: MQES is 0-based; TO is in 500 ms units. */
	r->cap = ((uint64_t)(queue_depth - 1) & CAP_MQES_MASK) | CAP_CQR |
		 ((uint64_t)to << CAP_TO_SHIFT) | CAP_CSS_NVM | CAP_CSS_IOCS;
	r->vs = TGT_VS_1_3;
	r->cc = 0;
	r->csts = 0;
	r->discovery = discovery;
	return 0;
}

int
tgt_prop_size(uint8_t attrib)
{
	/* NVMe-oF 1.1 Property Get/Set ATTRIB bits 2:0: 0 = 4 bytes, 1 = 8, rest reserved. */
	switch (attrib & 0x7) {
	case 0:
		return 4;
	case 1:
		return 8;
	default:
		return -EINVAL;
	}
}

int
tgt_prop_get(const struct tgt_regs *r, uint32_t offset, unsigned int size, uint64_t *value)
{
	uint64_t v;

	if (r == NULL || value == NULL)
		return -EINVAL;
	/* NVMe-oF 1.1 property map: CAP is the only 8-byte property we have; a get of the wrong
	 * width or of a PCIe-only register is Invalid Field, as nvmet answers it. */
	switch (offset) {
	case NVMF_PROP_CAP:
		v = r->cap;
		break;
	case NVMF_PROP_VS:
		v = r->vs;
		break;
	case NVMF_PROP_CC:
		v = r->cc;
		break;
	case NVMF_PROP_CSTS:
		v = r->csts;
		break;
	default:
		return -EINVAL;
	}
	if (size != (offset == NVMF_PROP_CAP ? 8u : 4u))
		return -EINVAL;
	*value = v;
	return 0;
}

/* Whether CC's fields describe a configuration this controller can run (EN 0->1). */
static bool
cc_valid(const struct tgt_regs *r, uint32_t cc)
{
	unsigned int css = cc_field(cc, TGT_CC_CSS_SHIFT, TGT_CC_CSS_MASK);

	/* A discovery controller has no I/O queues; Linux sends 6/4 anyway and nvmet does not
	 * check them there, so neither do we. */
	if (!r->discovery && (cc_field(cc, TGT_CC_IOSQES_SHIFT, 0xf) != NVM_IOSQES ||
			      cc_field(cc, TGT_CC_IOCQES_SHIFT, 0xf) != NVM_IOCQES))
		return false;
	/* CAP.MPSMIN = MPSMAX = 0, CAP.AMS = 0 (round robin only). */
	if (cc_field(cc, TGT_CC_MPS_SHIFT, 0xf) != 0 || cc_field(cc, TGT_CC_AMS_SHIFT, 0x7) != 0)
		return false;
	/* CAP.CSS advertises NVM (000b) and "all I/O command sets" (110b); Linux 6.1 uses 110b. */
	return css == TGT_CC_CSS_NVM || css == TGT_CC_CSS_ALL;
}

/* EN 0->1: NVMe 1.4 7.6.1 step 7, the controller sets RDY once it can process commands. */
static int
cc_enable(struct tgt_regs *r, uint32_t cc)
{
	if (!cc_valid(r, cc)) {
		/* nvmet's answer: the write succeeds but the controller reports Fatal Status. */
		r->csts = TGT_CSTS_CFS;
		return TGT_CC_EV_FATAL;
	}
	r->csts = TGT_CSTS_RDY;
	return TGT_CC_EV_ENABLE;
}

int
tgt_prop_set(struct tgt_regs *r, uint32_t offset, unsigned int size, uint64_t value)
{
	unsigned int shn, old_shn;
	uint32_t old, cc;
	int ev = 0;

	if (r == NULL || offset != NVMF_PROP_CC || size != 4 || value > UINT32_MAX)
		return -EINVAL;
	old = r->cc;
	cc = (uint32_t)value;
	shn = cc_field(cc, TGT_CC_SHN_SHIFT, 0x3);
	old_shn = cc_field(old, TGT_CC_SHN_SHIFT, 0x3);
	r->cc = cc;
	if ((cc & TGT_CC_EN) && !(old & TGT_CC_EN))
		ev |= cc_enable(r, cc);
	if (!(cc & TGT_CC_EN) && (old & TGT_CC_EN)) {
		/* NVMe 1.4 7.3.2: EN 1->0 is a Controller Level Reset; the caller deletes the
		 * I/O queues. Clearing CFS too lets the host retry after a refused enable. */
		r->csts = 0;
		ev |= TGT_CC_EV_RESET;
	}
	if (shn != 0 && old_shn == 0) {
		/* NVMe 1.4 7.6.2: report shutdown complete. RDY is cleared as nvmet does (the
		 * capture reads CSTS 0x8), so no command runs on a controller being shut down. */
		r->csts = (r->csts & ~TGT_CSTS_RDY) | TGT_CSTS_SHST_CMPLT;
		ev |= TGT_CC_EV_SHUTDOWN;
	}
	if (shn == 0 && old_shn != 0)
		r->csts &= ~(uint32_t)(0x3u << TGT_CSTS_SHST_SHIFT);
	return ev;
}

bool
tgt_regs_ready(const struct tgt_regs *r)
{
	return r != NULL && (r->cc & TGT_CC_EN) && (r->csts & TGT_CSTS_RDY);
}
