/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * roce-pcap: the droce wire codec (pmd/roce_parse.c, roce_build.c) over pcap files, so that
 * the oracle tests (tests/oracle) can hold it against tshark and scapy.
 *   roce-pcap dump <file.pcap>
 *	one line per frame: frame number (1-based, as tshark counts), then either
 *	"drop<TAB><reason>" or "ok" followed by TAB-separated key=value fields.
 *   roce-pcap gen <out.pcap>
 *	writes frames built by roce_build() for every valid opcode, IPv4 and IPv6, with and
 *	without an 802.1Q tag, and prints the dump line of what each frame was meant to hold.
 *   roce-pcap flip <in.pcap> <frame#> <offset> <out.pcap> [<frame#> <offset>]...
 *	copies the capture with the byte at <offset> of frame <frame#> XORed with 0x01.
 *
 * Exit status: 0 on success, 1 on an error, 2 on a usage error.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "roce_hdr.h"
#include "roce_icrc.h"
#include "roce_opcode.h"
#include "roce_pkt.h"

#define DUMP_MTU	9000		/* generous: accept jumbo frames */
#define SNAPLEN		65535
#define FLIP_FRAME_MAX	262144		/* libpcap's largest snapshot length */
#define GEN_FRAME_MAX	2048
#define GEN_PAYLOAD_MAX	1024
#define FLIP_MAX	4096

/* Payload sizes for opcodes that carry one: pad counts 0, 3, 2, 1, 0 and a full 1 KiB. */
static const uint32_t gen_plens[] = { 0, 1, 2, 3, 4, GEN_PAYLOAD_MAX };

/* ACK, RNR NAK (timer 14) and the four NAK codes (IBA 9.7.5.2.1). */
static const uint8_t gen_syndromes[] = { 0x1f, 0x00, 0x2e, 0x60, 0x61, 0x62, 0x63 };

struct gen {
	pcap_t *dead;
	pcap_dumper_t *out;
	unsigned int n;			/* frames written so far */
	uint8_t payload[GEN_PAYLOAD_MAX];
	uint8_t frame[GEN_FRAME_MAX];
};

struct flip {
	unsigned long frame;
	unsigned long off;
	bool done;
};

static void
print_ext(const struct roce_pkt *p)
{
	const struct roce_opcode_info *oi = p->op;

	if (roce_opcode_has(oi, ROCE_EXT_DETH))
		printf("\tqkey=0x%08x\tsqpn=0x%06x", p->deth.qkey, p->deth.sqpn);
	if (roce_opcode_has(oi, ROCE_EXT_FETH))
		printf("\tfeth=0x%08x", p->feth);
	if (roce_opcode_has(oi, ROCE_EXT_RETH))
		printf("\treth_va=0x%016" PRIx64 "\treth_rkey=0x%08x\treth_len=%u",
		       p->reth.va, p->reth.rkey, p->reth.len);
	if (roce_opcode_has(oi, ROCE_EXT_ATMETH))
		printf("\tatm_va=0x%016" PRIx64 "\tatm_rkey=0x%08x\tatm_swap=0x%016" PRIx64
		       "\tatm_cmp=0x%016" PRIx64, p->atomic.va, p->atomic.rkey,
		       p->atomic.swap_add, p->atomic.compare);
	if (roce_opcode_has(oi, ROCE_EXT_AETH))
		printf("\taeth_syn=0x%02x\taeth_msn=%u", p->aeth.syndrome, p->aeth.msn);
	if (roce_opcode_has(oi, ROCE_EXT_ATMACK))
		printf("\tatm_orig=0x%016" PRIx64, p->atomic_orig);
	/* ImmDt is held in wire order: print it as the big-endian number on the wire. */
	if (roce_opcode_has(oi, ROCE_EXT_IMMDT))
		printf("\timm=0x%08x", rte_be_to_cpu_32(p->imm));
	if (roce_opcode_has(oi, ROCE_EXT_IETH))
		printf("\tieth=0x%08x", p->inv_rkey);
}

/* One "ok" line; icrc is the CRC value (stored least-significant byte first on the wire). */
static void
print_pkt(unsigned int n, const struct roce_pkt *p, const uint8_t *frame)
{
	printf("%u\tok\top=%u\tqpn=0x%06x\tpsn=%u\tackreq=%d\tse=%d\tmig=%d\tpad=%u"
	       "\tpkey=0x%04x\tfecn=%d\tbecn=%d", n, p->opcode, p->dqpn, p->psn, p->ackreq,
	       p->se, p->migreq, p->padcnt, p->pkey, p->fecn, p->becn);
	print_ext(p);
	printf("\tplen=%u\ticrc=0x%08x\tip=%d", p->payload_len,
	       roce_icrc_get(frame + p->frame_len - ROCE_ICRC_LEN), p->ipv6 ? 6 : 4);
	if (p->vlan)
		printf("\tvlan=0x%04x", p->vlan_tci);
	putchar('\n');
}

static pcap_t *
open_in(const char *path)
{
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *pc = pcap_open_offline(path, err);

	if (pc == NULL) {
		fprintf(stderr, "roce-pcap: %s\n", err);
		return NULL;
	}
	if (pcap_datalink(pc) != DLT_EN10MB) {
		fprintf(stderr, "roce-pcap: %s: not an Ethernet capture\n", path);
		pcap_close(pc);
		return NULL;
	}
	return pc;
}

/* After the pcap_next_ex() loop: 0 at the end of the file, 1 on a read error. */
static int
read_end(pcap_t *pc, int rc)
{
	if (rc == PCAP_ERROR_BREAK)
		return 0;
	fprintf(stderr, "roce-pcap: read: %s\n", pcap_geterr(pc));
	return 1;
}

static void
dump_frame(unsigned int n, const uint8_t *d, uint32_t len)
{
	static const struct roce_parse_ctx ctx = { .mtu = DUMP_MTU, .verify_icrc = true };
	enum roce_drop why = ROCE_DROP_MAX;
	struct roce_pkt p;

	if (roce_parse_buf(d, len, &ctx, &p, NULL, &why) != 0)
		printf("%u\tdrop\t%s\n", n, why < ROCE_DROP_MAX ? roce_drop_names[why] : "?");
	else
		print_pkt(n, &p, d);
}

static int
cmd_dump(const char *path)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	unsigned int n = 0;
	pcap_t *pc;
	int rc;

	pc = open_in(path);
	if (pc == NULL)
		return 1;
	while ((rc = pcap_next_ex(pc, &h, &data)) == 1)
		dump_frame(++n, data, h->caplen);
	rc = read_end(pc, rc);
	pcap_close(pc);
	return rc;
}

static void
gen_addrs(struct roce_pkt *p, bool ipv6, bool vlan, unsigned int n)
{
	static const uint8_t v6src[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x01 };
	static const uint8_t v6dst[16] = { 0x20, 0x01, 0x0d, 0xb8, [14] = 0xbe, [15] = 0xef };
	static const struct rte_ether_addr dmac = { { 0x02, 0x00, 0x5e, 0x00, 0x00, 0x02 } };
	static const struct rte_ether_addr smac = { { 0x02, 0x00, 0x5e, 0x00, 0x00, 0x01 } };

	p->dmac = dmac;
	p->smac = smac;
	p->vlan = vlan;
	p->vlan_tci = (uint16_t)(0x6000 | (100 + n % 3000));	/* PCP 3 */
	p->ipv6 = ipv6;
	if (ipv6) {
		memcpy(p->sip, v6src, sizeof(v6src));
		memcpy(p->dip, v6dst, sizeof(v6dst));
		p->flow_label = (0x12345 + n) & 0xfffff;
	} else {
		/* Not RTE_IPV4(): in DPDK 22.11 it shifts an int into the sign bit (UBSan). */
		roce_ipv4_to_mapped(p->sip, RTE_BE32(0xc0000201));	/* 192.0.2.1 */
		roce_ipv4_to_mapped(p->dip, RTE_BE32(0xc6336402));	/* 198.51.100.2 */
	}
	/* Vary the fields the ICRC masks (TOS/traffic class, TTL, FECN) as well. */
	p->tclass = (n & 1) ? 0x02 : 0x68;
	p->hop_limit = (uint8_t)(64 - n % 8);
	p->sport = (uint16_t)(0xc000 | (n & 0x3fff));
}

/* Distinctive, frame-dependent values: a swapped byte or a wrong offset shows up. */
static void
gen_fields(struct roce_pkt *p, uint8_t op, unsigned int n)
{
	p->opcode = op;
	p->se = n & 1;
	p->migreq = (n >> 1) & 1;
	p->ackreq = (n >> 2) & 1;
	p->fecn = n % 7 == 3;
	p->becn = op == ROCE_OP_CNP;		/* Annex A17.9.3: a CNP sets BECN */
	p->pkey = (n & 8) ? 0x8001 : ROCE_DEFAULT_PKEY;
	p->dqpn = (0xabcd00 + n) & ROCE_QPN_MASK;
	p->psn = (0xffff80 + 3 * n) & ROCE_PSN_MASK;	/* wraps past 2^24 */
	p->reth.va = 0x0123456789abcdefull + 0x1000ull * n;
	p->reth.rkey = 0xdeadbeefu ^ n;
	p->reth.len = 0x10000 + n;
	p->aeth.syndrome = gen_syndromes[n % RTE_DIM(gen_syndromes)];
	p->aeth.msn = (0xfffff0 + n) & ROCE_MSN_MASK;
	p->atomic.va = 0xfedcba9876543210ull - 8ull * n;
	p->atomic.rkey = 0x600dcafeu + n;
	p->atomic.swap_add = 0x1122334455667788ull + n;
	p->atomic.compare = 0x8877665544332211ull;
	p->atomic_orig = 0x0badc0ffee000000ull | n;
	p->imm = rte_cpu_to_be_32(0x12345678u + n);
	p->inv_rkey = 0x55aa0000u | n;
	p->deth.qkey = (n & 1) ? ROCE_GSI_QKEY : 0x11111111u;
	p->deth.sqpn = (0x000042 + n) & ROCE_QPN_MASK;
	p->feth = 0x00000011;			/* placement type 1, selectivity level 1 */
}

static int
gen_frame(struct gen *g, uint8_t op, bool ipv6, bool vlan, uint32_t plen)
{
	struct pcap_pkthdr h = { .ts = { .tv_sec = 1700000000 + g->n } };
	struct roce_pkt p;
	int len;

	memset(&p, 0, sizeof(p));
	gen_addrs(&p, ipv6, vlan, g->n);
	gen_fields(&p, op, g->n);
	p.payload_len = plen;
	len = roce_build(g->frame, sizeof(g->frame), &p, g->payload);
	if (len < 0) {
		fprintf(stderr, "roce-pcap: build opcode 0x%02x payload %u: %s\n", op, plen,
			strerror(-len));
		return 1;
	}
	h.caplen = h.len = (bpf_u_int32)len;
	pcap_dump((u_char *)g->out, &h, g->frame);
	print_pkt(++g->n, &p, g->frame);
	return 0;
}

static int
gen_opcode(struct gen *g, uint8_t op, bool ipv6, bool vlan)
{
	const struct roce_opcode_info *oi = roce_opcode(op);
	unsigned int i;

	if (!(oi->flags & ROCE_OPF_PAYLOAD))
		return gen_frame(g, op, ipv6, vlan, 0);
	/* IBA 1.5 9.3.13: an ATOMIC WRITE carries exactly 8 bytes. */
	if (op == ROCE_OP_ATOMIC_WRITE)
		return gen_frame(g, op, ipv6, vlan, 8);
	for (i = 0; i < RTE_DIM(gen_plens); i++)
		if (gen_frame(g, op, ipv6, vlan, gen_plens[i]) != 0)
			return 1;
	return 0;
}

static int
gen_all(struct gen *g)
{
	unsigned int variant, op;

	/* variant bit 0: IPv6, bit 1: 802.1Q tag */
	for (variant = 0; variant < 4; variant++)
		for (op = 0; op < RTE_DIM(roce_opcodes); op++)
			if (roce_opcode_valid((uint8_t)op) &&
			    gen_opcode(g, (uint8_t)op, variant & 1, variant & 2) != 0)
				return 1;
	return 0;
}

static int
cmd_gen(const char *path)
{
	struct gen *g = calloc(1, sizeof(*g));
	unsigned int i;
	int rc = 1;

	if (g == NULL)
		return 1;
	for (i = 0; i < GEN_PAYLOAD_MAX; i++)
		g->payload[i] = (uint8_t)(i * 7 + 0x41);
	g->dead = pcap_open_dead(DLT_EN10MB, SNAPLEN);
	if (g->dead == NULL)
		goto out;
	g->out = pcap_dump_open(g->dead, path);
	if (g->out == NULL) {
		fprintf(stderr, "roce-pcap: %s: %s\n", path, pcap_geterr(g->dead));
		goto out;
	}
	rc = gen_all(g);
	pcap_dump_close(g->out);
out:
	if (g->dead != NULL)
		pcap_close(g->dead);
	free(g);
	return rc;
}

static bool
parse_ulong(const char *s, unsigned long *v)
{
	char *end;

	errno = 0;
	*v = strtoul(s, &end, 0);
	return errno == 0 && end != s && *end == '\0' && s[0] != '-';
}

/* Apply every flip aimed at frame n; returns false if an offset is past the frame. */
static bool
flip_frame(struct flip *f, unsigned int nflips, unsigned long n, uint8_t *d, uint32_t len)
{
	unsigned int i;

	for (i = 0; i < nflips; i++) {
		if (f[i].frame != n)
			continue;
		if (f[i].off >= len) {
			fprintf(stderr, "roce-pcap: frame %lu has %u bytes, no offset %lu\n",
				n, len, f[i].off);
			return false;
		}
		d[f[i].off] ^= 0x01;
		f[i].done = true;
	}
	return true;
}

static int
flip_copy(pcap_t *in, pcap_dumper_t *out, struct flip *f, unsigned int nflips)
{
	static uint8_t buf[FLIP_FRAME_MAX];
	struct pcap_pkthdr *h;
	const u_char *data;
	unsigned long n = 0;
	unsigned int i;
	int rc;

	while ((rc = pcap_next_ex(in, &h, &data)) == 1) {
		if (h->caplen > sizeof(buf)) {
			fprintf(stderr, "roce-pcap: frame %lu: %u bytes\n", n + 1, h->caplen);
			return 1;
		}
		memcpy(buf, data, h->caplen);
		if (!flip_frame(f, nflips, ++n, buf, h->caplen))
			return 1;
		pcap_dump((u_char *)out, h, buf);
	}
	if (read_end(in, rc) != 0)
		return 1;
	for (i = 0; i < nflips; i++) {
		if (!f[i].done) {
			fprintf(stderr, "roce-pcap: no frame %lu (%lu frames)\n", f[i].frame, n);
			return 1;
		}
	}
	return 0;
}

/* argv: in frame off out [frame off]... */
static int
cmd_flip(int argc, char **argv)
{
	static struct flip flips[FLIP_MAX];
	unsigned int nflips = 0;
	pcap_dumper_t *out;
	pcap_t *in;
	int i, rc;

	for (i = 1; i + 1 < argc; i += (i == 1) ? 3 : 2) {
		if (nflips == FLIP_MAX || !parse_ulong(argv[i], &flips[nflips].frame) ||
		    !parse_ulong(argv[i + 1], &flips[nflips].off) || flips[nflips].frame == 0)
			return 2;
		nflips++;
	}
	if (i != argc)
		return 2;
	in = open_in(argv[0]);
	if (in == NULL)
		return 1;
	out = pcap_dump_open(in, argv[3]);
	if (out == NULL) {
		fprintf(stderr, "roce-pcap: %s: %s\n", argv[3], pcap_geterr(in));
		pcap_close(in);
		return 1;
	}
	rc = flip_copy(in, out, flips, nflips);
	pcap_dump_close(out);
	pcap_close(in);
	return rc;
}

static int
usage(void)
{
	fprintf(stderr, "usage: roce-pcap dump <file.pcap>\n"
		"       roce-pcap gen <out.pcap>\n"
		"       roce-pcap flip <in.pcap> <frame#> <offset> <out.pcap> "
		"[<frame#> <offset>]...\n");
	return 2;
}

int
main(int argc, char **argv)
{
	int rc;

	if (argc == 3 && strcmp(argv[1], "dump") == 0)
		rc = cmd_dump(argv[2]);
	else if (argc == 3 && strcmp(argv[1], "gen") == 0)
		rc = cmd_gen(argv[2]);
	else if (argc >= 6 && argc % 2 == 0 && strcmp(argv[1], "flip") == 0)
		rc = cmd_flip(argc - 2, argv + 2);
	else
		return usage();
	if (rc == 2)
		return usage();
	return fflush(stdout) == 0 ? rc : 1;
}
