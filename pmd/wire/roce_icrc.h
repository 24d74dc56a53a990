/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef ROCE_ICRC_H
#define ROCE_ICRC_H

/*
 * RoCEv2 invariant CRC (IBA Annex A17.3.3): CRC-32 with the Ethernet polynomial, reflected,
 * over 8 bytes of 0xFF standing in for the LRH, then the IP header, UDP header, BTH, the
 * other transport headers, payload and pad, with the fields a router may change masked
 * to all ones: IPv4 TOS, TTL and header checksum; IPv6 traffic class, flow label and hop
 * limit; UDP checksum; the 8 BTH bits above DestQP (FECN, BECN, resv6). On the wire the
 * 32-bit value is stored least-significant byte first.
 */

#include <stdint.h>

struct rte_mbuf;

/*
 * ICRC over a contiguous RoCEv2 packet.
 * l3: the IPv4 or IPv6 header; len: bytes from the IP header to the end of the pad (the
 * ICRC field excluded). Returns the CRC as a host-order value (to be stored LSB first).
 * The caller guarantees len covers the IP, UDP and BT headers.
 */
uint32_t roce_icrc_buf(const uint8_t *l3, uint32_t len);

/*
 * ICRC over a packet that may span several mbuf segments.
 * l3_off: offset of the IP header in the packet; len: as for roce_icrc_buf().
 * Returns 0 and stores the value in *crc, or -EINVAL if the mbuf chain is shorter.
 */
int roce_icrc_mbuf(const struct rte_mbuf *m, uint32_t l3_off, uint32_t len, uint32_t *crc);

/*
 * The masked fields change the CRC by an amount that depends only on their values, where
 * they sit and the length covered (a CRC is linear: crc(a) ^ crc(b) depends on a ^ b
 * alone for equal lengths). A cache keeps that amount per (masked values, length), so a
 * packet's ICRC is one CRC over its bytes as they are plus an XOR: no masked copy of its
 * headers, which cost a store-to-load round trip on every packet (a CRC over freshly
 * stored bytes waits for the stores). A connection's packets of one length share one
 * entry; a stream of 64 B writes, of full-MTU middles, hits every time.
 * Not thread-safe: one per thread (an engine slot, a port's poller).
 *
 * Direct-mapped, a power of two. An IPv4 key holds the header checksum, so each peer
 * address pair has its own entries: 64 leave room for a target's many connections at a
 * few packet lengths each. A miss costs one more CRC than no cache (the masked one).
 */
#define ROCE_ICRC_CACHE_SIZE	64

struct roce_icrc_cache {
	struct {
		uint64_t key;		/* the masked bytes and the IP version/IHL byte */
		uint32_t len;		/* 0: empty */
		uint32_t fix;		/* masked CRC ^ unmasked CRC */
	} e[ROCE_ICRC_CACHE_SIZE];
	uint32_t ones;			/* CRC state after the LRH's 8 bytes of ones */
	uint64_t hits;
	uint64_t misses;		/* entries (re)filled: the engine's icrc_cache_misses */
};

void roce_icrc_cache_init(struct roce_icrc_cache *c);

/*
 * roce_icrc_buf()'s value through the cache c (the same preconditions). The packet is
 * read, never written.
 */
uint32_t roce_icrc_cached(struct roce_icrc_cache *c, const uint8_t *l3, uint32_t len);

/* Read and write the ICRC field (little-endian byte order on the wire). */
uint32_t roce_icrc_get(const uint8_t *p);
void roce_icrc_put(uint8_t *p, uint32_t crc);

#endif /* ROCE_ICRC_H */
