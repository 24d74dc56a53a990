/* SPDX-License-Identifier: BSD-3-Clause */
#include "roce_icrc.h"

#include <errno.h>
#include <string.h>

#include <isa-l.h>
#include <rte_mbuf.h>

#include "roce_hdr.h"

/*
 * Largest masked prefix: IPv4 with options (60) or IPv6 (40), UDP (8), BTH (12). The
 * masked bytes are copied here so that the packet itself is never written.
 */
#define MASKED_MAX	(60 + sizeof(struct rte_udp_hdr) + sizeof(struct roce_bth))

/*
 * The CRC starts with 8 bytes of ones for the LRH RoCEv2 has not (Annex A17.3.3). They
 * lead the masked copy rather than going to their own crc32_gzip_refl() call: ISA-L
 * takes 4x longer for 8 + 40 + 80 bytes in three calls than in two (64 vs 16 ns here),
 * and a short unmasked remainder is copied next to them for one call (11 ns).
 */
#define LRH_ONES	8
#define SHORT_TAIL	192

/* The IP header's length: where UDP starts, and with it the UDP and BTH masks. */
static uint32_t
ip_hdr_len(const uint8_t *l3)
{
	return (l3[0] >> 4) == 6 ? sizeof(struct rte_ipv6_hdr) : (uint32_t)(l3[0] & 0x0f) * 4;
}

/*
 * Copy IP + UDP + BTH into buf with the variant fields set to all ones (Annex A17.3.3).
 * Returns the number of bytes copied, which is at most len.
 */
static uint32_t
mask_headers(uint8_t *buf, const uint8_t *l3, uint32_t len)
{
	uint32_t ip_len = ip_hdr_len(l3);
	uint32_t n = RTE_MIN(len, ip_len + 8 + 12);

	memcpy(buf, l3, n);
	if ((l3[0] >> 4) == 6) {
		buf[0] |= 0x0f;		/* traffic class, high nibble */
		buf[1] = 0xff;		/* traffic class low nibble, flow label */
		buf[2] = 0xff;
		buf[3] = 0xff;
		buf[7] = 0xff;		/* hop limit */
	} else {
		buf[1] = 0xff;		/* TOS: DSCP and ECN */
		buf[8] = 0xff;		/* TTL */
		buf[10] = 0xff;		/* header checksum */
		buf[11] = 0xff;
	}
	buf[ip_len + 6] = 0xff;		/* UDP checksum */
	buf[ip_len + 7] = 0xff;
	buf[ip_len + 8 + 4] = 0xff;	/* BTH: FECN, BECN, resv6 */
	return n;
}

/* The LRH's ones, then IP + UDP + BTH masked; returns the bytes in buf. */
static uint32_t
masked_prefix(uint8_t *buf, const uint8_t *l3, uint32_t len)
{
	memset(buf, 0xff, LRH_ONES);
	return LRH_ONES + mask_headers(buf + LRH_ONES, l3, len);
}

uint32_t
roce_icrc_buf(const uint8_t *l3, uint32_t len)
{
	uint8_t buf[LRH_ONES + MASKED_MAX + SHORT_TAIL];
	uint32_t n = masked_prefix(buf, l3, len);
	uint32_t rest = len - (n - LRH_ONES);

	if (rest <= SHORT_TAIL) {
		memcpy(buf + n, l3 + len - rest, rest);
		return crc32_gzip_refl(0, buf, n + rest);
	}
	/* crc32_gzip_refl() inverts on entry and exit, so calls chain like zlib's crc32(). */
	return crc32_gzip_refl(crc32_gzip_refl(0, buf, n), l3 + len - rest, rest);
}

void
roce_icrc_cache_init(struct roce_icrc_cache *c)
{
	static const uint8_t ones[LRH_ONES] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

	memset(c, 0, sizeof(*c));
	c->ones = crc32_gzip_refl(0, ones, sizeof(ones));
}

/*
 * The bytes the mask replaces, with the byte that says where they are (IP version, and
 * IPv4's header length): equal keys and lengths mean an equal correction. l4: the UDP
 * header's offset, which the caller checked len against.
 */
static uint64_t
masked_key(const uint8_t *l3, uint32_t l4)
{
	uint64_t k = l3[0] | (uint64_t)l3[1] << 8;

	if ((l3[0] >> 4) == 6)
		k |= (uint64_t)l3[2] << 16 | (uint64_t)l3[3] << 24 | (uint64_t)l3[7] << 32;
	else
		k |= (uint64_t)l3[8] << 16 | (uint64_t)l3[10] << 24 | (uint64_t)l3[11] << 32;
	return k | (uint64_t)l3[l4 + 6] << 40 | (uint64_t)l3[l4 + 7] << 48 |
	       (uint64_t)l3[l4 + 8 + 4] << 56;
}

uint32_t
roce_icrc_cached(struct roce_icrc_cache *c, const uint8_t *l3, uint32_t len)
{
	uint32_t l4 = ip_hdr_len(l3);
	uint32_t crc, i;
	uint64_t key;

	if (len < l4 + sizeof(struct rte_udp_hdr) + sizeof(struct roce_bth))
		return roce_icrc_buf(l3, len);
	key = masked_key(l3, l4);
	i = (uint32_t)(((key ^ (uint64_t)len << 20) * 0x9e3779b97f4a7c15ull) >> 56) &
	    (ROCE_ICRC_CACHE_SIZE - 1);
	crc = crc32_gzip_refl(c->ones, l3, len);
	if (c->e[i].len != len || c->e[i].key != key) {
		c->misses++;
		c->e[i].key = key;
		c->e[i].len = len;
		c->e[i].fix = roce_icrc_buf(l3, len) ^ crc;
	} else {
		c->hits++;
	}
	return crc ^ c->e[i].fix;
}

int
roce_icrc_mbuf(const struct rte_mbuf *m, uint32_t l3_off, uint32_t len, uint32_t *crc)
{
	uint8_t hdr[MASKED_MAX];
	uint8_t buf[LRH_ONES + MASKED_MAX + SHORT_TAIL];
	const uint8_t *l3;
	uint32_t off, n, c;

	if (rte_pktmbuf_pkt_len(m) < l3_off + len)
		return -EINVAL;
	/* The version nibble and IHL decide how much is masked; read the longest prefix. */
	n = RTE_MIN(len, (uint32_t)MASKED_MAX);
	l3 = rte_pktmbuf_read(m, l3_off, n, hdr);
	if (l3 == NULL)
		return -EINVAL;
	n = masked_prefix(buf, l3, n) - LRH_ONES;
	off = l3_off + n;
	len -= n;
	if (len <= SHORT_TAIL && m->data_len >= off + len) {
		memcpy(buf + LRH_ONES + n, rte_pktmbuf_mtod_offset(m, const uint8_t *, off), len);
		*crc = crc32_gzip_refl(0, buf, LRH_ONES + n + len);
		return 0;
	}
	c = crc32_gzip_refl(0, buf, LRH_ONES + n);

	/* Walk the segments for the unmasked remainder. */
	while (m != NULL && off >= m->data_len) {
		off -= m->data_len;
		m = m->next;
	}
	while (m != NULL && len > 0) {
		uint32_t chunk = RTE_MIN(len, (uint32_t)m->data_len - off);

		c = crc32_gzip_refl(c, rte_pktmbuf_mtod_offset(m, const uint8_t *, off), chunk);
		len -= chunk;
		off = 0;
		m = m->next;
	}
	if (len != 0)
		return -EINVAL;
	*crc = c;
	return 0;
}

uint32_t
roce_icrc_get(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

void
roce_icrc_put(uint8_t *p, uint32_t crc)
{
	p[0] = crc & 0xff;
	p[1] = (crc >> 8) & 0xff;
	p[2] = (crc >> 16) & 0xff;
	p[3] = crc >> 24;
}
