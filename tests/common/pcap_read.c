/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Classic pcap (24-byte global header, 16-byte record headers) and just enough Ethernet,
 * IP and UDP to find RoCEv2's BTH. The opcode table follows IBA 9.2 / Table 38: which
 * extension headers each opcode carries.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pcap_read.h"

#define GHDR_LEN	24
#define RHDR_LEN	16
#define BTH_LEN		12
#define ICRC_LEN	4

/* Extension header flags. */
#define X_RETH		(1u << 0)	/* 16 */
#define X_AETH		(1u << 1)	/* 4 */
#define X_IETH		(1u << 2)	/* 4 */
#define X_IMM		(1u << 3)	/* 4 */
#define X_DETH		(1u << 4)	/* 8 */
#define X_ATOMIC	(1u << 5)	/* 28 */
#define X_ATOMIC_ACK	(1u << 6)	/* 8 */
#define X_VALID		(1u << 7)

static uint8_t
opcode_ext(uint8_t op)
{
	static const uint8_t rc[] = {
		[0x00] = X_VALID, [0x01] = X_VALID, [0x02] = X_VALID,
		[0x03] = X_VALID | X_IMM, [0x04] = X_VALID, [0x05] = X_VALID | X_IMM,
		[0x06] = X_VALID | X_RETH, [0x07] = X_VALID, [0x08] = X_VALID,
		[0x09] = X_VALID | X_IMM, [0x0a] = X_VALID | X_RETH,
		[0x0b] = X_VALID | X_RETH | X_IMM, [0x0c] = X_VALID | X_RETH,
		[0x0d] = X_VALID | X_AETH, [0x0e] = X_VALID, [0x0f] = X_VALID | X_AETH,
		[0x10] = X_VALID | X_AETH, [0x11] = X_VALID | X_AETH,
		[0x12] = X_VALID | X_AETH | X_ATOMIC_ACK, [0x13] = X_VALID | X_ATOMIC,
		[0x14] = X_VALID | X_ATOMIC, [0x16] = X_VALID | X_IETH,
		[0x17] = X_VALID | X_IETH,
	};

	if (op < sizeof(rc))
		return rc[op];
	if (op == 0x64)
		return X_VALID | X_DETH;	/* UD SEND_ONLY */
	if (op == 0x65)
		return X_VALID | X_DETH | X_IMM;
	return 0;
}

static uint32_t
rd32(const struct pcap_file *pf, const uint8_t *p)
{
	uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
		     (uint32_t)p[3] << 24;

	return pf->swapped ? __builtin_bswap32(v) : v;
}

static uint32_t
be(const uint8_t *p, unsigned int n)
{
	uint32_t v = 0;

	while (n-- > 0)
		v = v << 8 | *p++;
	return v;
}

static int
read_all(struct pcap_file *pf, const char *path)
{
	FILE *f = fopen(path, "rb");
	long sz;

	if (f == NULL)
		return -errno;
	if (fseek(f, 0, SEEK_END) != 0 || (sz = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
		fclose(f);
		return -EIO;
	}
	pf->data = malloc(sz > 0 ? (size_t)sz : 1);
	pf->len = (size_t)sz;
	if (pf->data == NULL || fread(pf->data, 1, pf->len, f) != pf->len) {
		fclose(f);
		return -EIO;
	}
	fclose(f);
	return 0;
}

static int
parse_header(struct pcap_file *pf)
{
	uint32_t magic;

	if (pf->len < GHDR_LEN)
		return -EINVAL;
	magic = be(pf->data, 4);
	/* The magic is written in the writer's byte order: read big-endian here. */
	if (magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1)
		pf->swapped = false;	/* little-endian file, read on a little-endian host */
	else if (magic == 0xa1b2c3d4 || magic == 0xa1b23c4d)
		pf->swapped = true;
	else
		return -EINVAL;
	pf->nsec = magic == 0x4d3cb2a1 || magic == 0xa1b23c4d;
	pf->linktype = rd32(pf, pf->data + 20) & 0x0fffffff;
	return 0;
}

static int
index_records(struct pcap_file *pf)
{
	size_t off = GHDR_LEN, cap = 64;

	pf->rec = malloc(cap * sizeof(*pf->rec));
	while (pf->rec != NULL && off + RHDR_LEN <= pf->len) {
		uint32_t incl = rd32(pf, pf->data + off + 8);

		if (incl > pf->len - off - RHDR_LEN)
			return -EINVAL;
		if (pf->nframes == cap) {
			size_t *n = realloc(pf->rec, 2 * cap * sizeof(*n));

			if (n == NULL)
				return -ENOMEM;
			pf->rec = n;
			cap *= 2;
		}
		pf->rec[pf->nframes++] = off;
		off += RHDR_LEN + incl;
	}
	return pf->rec == NULL ? -ENOMEM : 0;
}

int
pcap_open(struct pcap_file *pf, const char *path)
{
	int rc;

	memset(pf, 0, sizeof(*pf));
	rc = read_all(pf, path);
	if (rc == 0)
		rc = parse_header(pf);
	if (rc == 0)
		rc = index_records(pf);
	if (rc < 0)
		pcap_close(pf);
	return rc;
}

void
pcap_close(struct pcap_file *pf)
{
	free(pf->data);
	free(pf->rec);
	memset(pf, 0, sizeof(*pf));
}

int
pcap_frame(const struct pcap_file *pf, unsigned int n, const uint8_t **data, size_t *len)
{
	size_t off;

	if (n == 0 || n > pf->nframes)
		return -ENOENT;
	off = pf->rec[n - 1];
	*len = rd32(pf, pf->data + off + 8);
	*data = pf->data + off + RHDR_LEN;
	return 0;
}

/* Link layer to the IP header: @return the ethertype and set *off, or 0. */
static uint32_t
link_skip(const struct pcap_file *pf, const uint8_t *p, size_t len, size_t *off)
{
	size_t o = pf->linktype == PCAP_LINKTYPE_SLL ? 14 : 12;
	uint32_t type;

	if (pf->linktype != PCAP_LINKTYPE_ETHERNET && pf->linktype != PCAP_LINKTYPE_SLL)
		return 0;
	if (len < o + 2)
		return 0;
	type = be(p + o, 2);
	if (type == 0x8100 && len >= o + 6) {	/* one 802.1Q tag */
		o += 4;
		type = be(p + o, 2);
	}
	*off = o + 2;
	return type;
}

/* IP and UDP: find the UDP payload of a packet to port 4791, bounded by the IP length. */
static int
udp_payload(const struct pcap_file *pf, const uint8_t *p, size_t len, size_t *start,
	    size_t *end)
{
	size_t o, ip_end, l4;
	uint32_t type = link_skip(pf, p, len, &o);
	uint8_t proto;

	if (type == 0x0800 && len >= o + 20) {
		l4 = o + (p[o] & 0xf) * 4u;
		ip_end = o + be(p + o + 2, 2);
		proto = p[o + 9];
	} else if (type == 0x86dd && len >= o + 40) {
		l4 = o + 40;
		ip_end = l4 + be(p + o + 4, 2);
		proto = p[o + 6];
	} else {
		return -EPROTO;
	}
	if (proto != 17 || ip_end > len || l4 + 8 > ip_end || be(p + l4 + 2, 2) != PCAP_ROCE_PORT)
		return -EPROTO;
	*start = l4 + 8;
	*end = ip_end;
	return 0;
}

int
pcap_roce(const struct pcap_file *pf, unsigned int n, struct pcap_roce *r)
{
	static const struct { uint8_t flag, len; } ext[] = {
		{ X_DETH, 8 }, { X_RETH, 16 }, { X_ATOMIC, 28 }, { X_AETH, 4 },
		{ X_ATOMIC_ACK, 8 }, { X_IMM, 4 }, { X_IETH, 4 },
	};
	const uint8_t *p;
	size_t len, o, end, i;
	uint8_t x;

	if (pcap_frame(pf, n, &p, &len) < 0)
		return -ENOENT;
	if (udp_payload(pf, p, len, &o, &end) < 0 || end - o < BTH_LEN + ICRC_LEN)
		return -EPROTO;
	memset(r, 0, sizeof(*r));
	r->opcode = p[o];
	r->pad = (p[o + 1] >> 4) & 0x3;
	r->dqpn = be(p + o + 5, 3);
	r->psn = be(p + o + 9, 3);
	x = opcode_ext(r->opcode);
	if (x == 0)
		return -EPROTO;
	o += BTH_LEN;
	end -= ICRC_LEN;
	/* IBA 9.2: extension headers follow the BTH in this order. */
	for (i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
		if (!(x & ext[i].flag))
			continue;
		if (end - o < ext[i].len)
			return -EPROTO;
		if (ext[i].flag == X_RETH)
			r->reth = p + o;
		else if (ext[i].flag == X_AETH)
			r->aeth = p + o;
		else if (ext[i].flag == X_IETH)
			r->ieth = p + o;
		o += ext[i].len;
	}
	if (end - o < r->pad)
		return -EPROTO;
	r->payload = p + o;
	r->len = end - o - r->pad;
	return 0;
}

static bool
is_data(uint8_t op)
{
	return (op >= 0x06 && op <= 0x0b) || (op >= 0x0d && op <= 0x10);
}

int
pcap_rdma_reassemble(const struct pcap_file *pf, const struct pcap_xfer *x, uint8_t *buf,
		     size_t len)
{
	struct pcap_roce r;
	unsigned int n, found = 0;
	bool *seen;

	if (x == NULL || buf == NULL || x->npkts == 0 || x->mtu == 0)
		return -EINVAL;
	seen = calloc(x->npkts, sizeof(*seen));
	if (seen == NULL)
		return -ENOMEM;
	for (n = x->first_frame; n <= x->last_frame; n++) {
		uint32_t idx;

		if (pcap_roce(pf, n, &r) < 0 || !is_data(r.opcode))
			continue;
		if (x->dqpn != UINT32_MAX && r.dqpn != x->dqpn)
			continue;
		idx = (r.psn - x->psn) & 0xffffff;	/* PSNs wrap at 2^24 */
		if (idx >= x->npkts)
			continue;
		if ((size_t)idx * x->mtu + r.len > len) {
			free(seen);
			return -EINVAL;
		}
		memcpy(buf + (size_t)idx * x->mtu, r.payload, r.len);
		found += !seen[idx];
		seen[idx] = true;
	}
	free(seen);
	return (int)found;
}

int
pcap_rdma_write_payload(const char *path, unsigned int first, uint32_t npkts, uint8_t *buf,
			size_t len)
{
	struct pcap_file pf;
	struct pcap_roce r;
	struct pcap_xfer x;
	int rc = pcap_open(&pf, path);

	if (rc != 0)
		return rc;
	rc = pcap_roce(&pf, first, &r);
	if (rc == 0 && r.reth == NULL)
		rc = -EPROTO;
	if (rc == 0) {
		x = (struct pcap_xfer){ .first_frame = first, .last_frame = first + 2 * npkts,
					.dqpn = r.dqpn, .psn = r.psn, .npkts = npkts,
					.mtu = 1024 };
		rc = pcap_rdma_reassemble(&pf, &x, buf, len);
	}
	pcap_close(&pf);
	return rc;
}

uint64_t
pcap_le(const uint8_t *p, unsigned int len)
{
	uint64_t v = 0;

	while (len-- > 0)
		v = v << 8 | p[len];
	return v;
}
