/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Scatter/gather lists: their length, and copies between packet payloads and the memory
 * SGEs name, each SGE checked against its key.
 */
#include <string.h>

#include "eng_pvt.h"

uint64_t
eng_sge_len(const struct eng_sge *sge, unsigned int nsge)
{
	uint64_t len = 0;
	unsigned int i;

	for (i = 0; i < nsge; i++)
		len += sge[i].length;
	return len;
}

enum eng_wc_status
eng_sge_copy(struct eng *eng, uint32_t pd, const struct eng_sge *sge, unsigned int nsge,
	     uint32_t off, void *data, uint32_t len, bool to_sge)
{
	uint32_t access = to_sge ? ENG_ACCESS_LOCAL_WRITE : 0;
	uint8_t *d = data;
	unsigned int i;

	for (i = 0; i < nsge && len > 0; i++) {
		uint8_t *host;
		uint32_t chunk;
		uint64_t va;

		if (off >= sge[i].length) {
			off -= sge[i].length;
			continue;
		}
		chunk = RTE_MIN(len, sge[i].length - off);
		va = sge[i].addr + off;
		if (eng_mr_check(eng, sge[i].lkey, false, pd, va, chunk, access, &host) !=
		    ENG_MR_OK)
			return ENG_WC_LOC_PROT_ERR;
		if (to_sge)
			memcpy(host, d, chunk);
		else
			memcpy(d, host, chunk);
		d += chunk;
		len -= chunk;
		off = 0;
	}
	return len == 0 ? ENG_WC_SUCCESS : ENG_WC_LOC_LEN_ERR;
}

const void *
eng_sge_inline_src(struct eng *eng, const struct eng_sge *sge)
{
	struct eng_key *k = eng_key_lookup(eng, sge->lkey);
	struct eng_key_view v;

	if (k != NULL && k->kind == ENG_KEY_FR && eng_key_view(k, &v) &&
	    eng_range_in(sge->addr, sge->length, v.va, v.length))
		return (const void *)(uintptr_t)(sge->addr + v.xlate);
	return (const void *)(uintptr_t)sge->addr;
}
