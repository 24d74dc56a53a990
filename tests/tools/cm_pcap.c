/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cm-pcap: the CM MAD codec (pmd/cm_mad.c) over pcap files, for the oracle tests
 * (tests/oracle/test_tshark_cm.py).
 *   cm-pcap gen <out.pcap>
 *	writes one RoCEv2 frame per CM message built by cm_mad_build() (REQ, MRA, REJ, REP,
 *	RTU, DREQ, DREP with distinctive and with maximal field values), each a UD SEND_ONLY
 *	from QP1 to QP1 (Q_Key 0x80010000) built by roce_build(), and prints the line
 *	describing what each frame was meant to hold.
 *   cm-pcap dump <file.pcap>
 *	one line per frame: the frame number (1-based, as tshark counts), then "skip" for a
 *	frame that is not a UD SEND_ONLY to QP1, "error<TAB><errno>" when cm_mad_parse()
 *	refuses the MAD, or the fields it decoded.
 * A message line is TAB-separated key=value pairs: numbers in hex (0x...) or decimal, byte
 * strings in bare hex. rebuild=1 says cm_mad_build() of the decoded message gives back the
 * MAD byte for byte. REQs with an rdma_cm service ID also show the decoded cma_hdr.
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

#include "cm_mad.h"
#include "roce_hdr.h"
#include "roce_opcode.h"
#include "roce_pkt.h"

#define SNAPLEN		65535
#define FRAME_MAX	512
#define DUMP_MTU	9000

static void
print_hex(const char *key, const uint8_t *b, size_t len)
{
	size_t i;

	printf("\t%s=", key);
	for (i = 0; i < len; i++)
		printf("%02x", b[i]);
}

static void
print_path(char pfx, const struct cm_path *p)
{
	printf("\t%c_slid=0x%04x\t%c_dlid=0x%04x", pfx, p->slid, pfx, p->dlid);
	print_hex(pfx == 'p' ? "p_sgid" : "a_sgid", p->sgid, 16);
	print_hex(pfx == 'p' ? "p_dgid" : "a_dgid", p->dgid, 16);
	printf("\t%c_fl=0x%05x\t%c_rate=0x%02x\t%c_tc=0x%02x\t%c_hop=%u\t%c_sl=%u\t%c_sn=%u"
	       "\t%c_ack=%u", pfx, p->flow_label, pfx, p->packet_rate, pfx, p->tclass, pfx,
	       p->hop_limit, pfx, p->sl, pfx, p->subnet_local, pfx, p->local_ack_timeout);
}

static void
print_cma(const struct cm_req *r)
{
	uint8_t src[16], dst[16];
	uint16_t port;

	if ((r->service_id & CMA_SID_MASK) != CMA_PS_TCP_SID ||
	    cma_hdr_parse(r->pdata, sizeof(r->pdata), src, dst, &port) != 0)
		return;
	printf("\tcma_ip=%d\tcma_sport=%u", roce_addr_is_v4mapped(src) ? 4 : 6, port);
	print_hex("cma_src", src, 16);
	print_hex("cma_dst", dst, 16);
}

static void
print_req(const struct cm_req *r)
{
	printf("\tlcid=0x%08x\tsid=0x%016" PRIx64 "\tguid=0x%016" PRIx64 "\tqkey=0x%08x"
	       "\tqpn=0x%06x\trres=%u\tidepth=%u\trcmt=%u\tqpt=%u\tfc=%u\tpsn=0x%06x\tlcmt=%u"
	       "\tretry=%u\tpkey=0x%04x\tmtu=%u\trdc=%u\trnr=%u\tmaxcm=%u\tsrq=%u\text=%u",
	       r->local_comm_id, r->service_id, r->local_ca_guid, r->local_qkey, r->local_qpn,
	       r->resp_resources, r->init_depth, r->remote_cm_timeout, r->qp_type, r->flow_ctrl,
	       r->starting_psn, r->local_cm_timeout, r->retry_count, r->pkey, r->path_mtu,
	       r->rdc_exists, r->rnr_retry_count, r->max_cm_retries, r->srq, r->ext_transport);
	print_path('p', &r->primary);
	printf("\talt=%d", r->has_alt);
	if (r->has_alt)
		print_path('a', &r->alt);
	print_hex("pdata", r->pdata, sizeof(r->pdata));
	print_cma(r);
}

static void
print_rep(const struct cm_rep *r)
{
	printf("\tlcid=0x%08x\trcid=0x%08x\tqkey=0x%08x\tqpn=0x%06x\teecn=0x%06x\tpsn=0x%06x"
	       "\trres=%u\tidepth=%u\ttad=%u\tfo=%u\tfc=%u\trnr=%u\tsrq=%u\tguid=0x%016" PRIx64,
	       r->local_comm_id, r->remote_comm_id, r->local_qkey, r->local_qpn, r->local_eecn,
	       r->starting_psn, r->resp_resources, r->init_depth, r->target_ack_delay,
	       r->failover_accepted, r->flow_ctrl, r->rnr_retry_count, r->srq, r->local_ca_guid);
	print_hex("pdata", r->pdata, sizeof(r->pdata));
}

static void
print_msg(const struct cm_mad *m)
{
	printf("\tattr=0x%04x\tmethod=0x%02x\tmad_status=0x%04x\ttid=0x%016" PRIx64
	       "\tattr_mod=0x%08x", m->attr_id, m->method, m->status, m->tid, m->attr_mod);
	switch (m->attr_id) {
	case CM_ATTR_REQ:
		print_req(&m->req);
		break;
	case CM_ATTR_REP:
		print_rep(&m->rep);
		break;
	case CM_ATTR_RTU:
		printf("\tlcid=0x%08x\trcid=0x%08x", m->rtu.local_comm_id, m->rtu.remote_comm_id);
		print_hex("pdata", m->rtu.pdata, sizeof(m->rtu.pdata));
		break;
	case CM_ATTR_REJ:
		printf("\tlcid=0x%08x\trcid=0x%08x\tmsg=%u\tari_len=%u\treason=%u",
		       m->rej.local_comm_id, m->rej.remote_comm_id, m->rej.msg_rejected,
		       m->rej.ari_len, m->rej.reason);
		print_hex("ari", m->rej.ari, m->rej.ari_len);
		print_hex("pdata", m->rej.pdata, sizeof(m->rej.pdata));
		break;
	case CM_ATTR_MRA:
		printf("\tlcid=0x%08x\trcid=0x%08x\tmsg=%u\tstmo=%u", m->mra.local_comm_id,
		       m->mra.remote_comm_id, m->mra.msg_mraed, m->mra.service_timeout);
		print_hex("pdata", m->mra.pdata, sizeof(m->mra.pdata));
		break;
	case CM_ATTR_DREQ:
		printf("\tlcid=0x%08x\trcid=0x%08x\trqpn=0x%06x", m->dreq.local_comm_id,
		       m->dreq.remote_comm_id, m->dreq.remote_qpn);
		print_hex("pdata", m->dreq.pdata, sizeof(m->dreq.pdata));
		break;
	case CM_ATTR_DREP:
		printf("\tlcid=0x%08x\trcid=0x%08x", m->drep.local_comm_id,
		       m->drep.remote_comm_id);
		print_hex("pdata", m->drep.pdata, sizeof(m->drep.pdata));
		break;
	}
}

/* One frame's line: the message, then whether building it again gives the same MAD. */
static void
print_line(unsigned int n, bool ipv6, const struct cm_mad *m, const uint8_t *mad)
{
	uint8_t again[CM_MAD_SIZE];

	printf("%u\tok\tip=%d", n, ipv6 ? 6 : 4);
	print_msg(m);
	printf("\trebuild=%d\n", cm_mad_build(m, again) == CM_MAD_SIZE &&
	       memcmp(again, mad, CM_MAD_SIZE) == 0);
}

static void
dump_frame(unsigned int n, const uint8_t *d, uint32_t len)
{
	static const struct roce_parse_ctx ctx = { .mtu = DUMP_MTU, .verify_icrc = true };
	struct roce_pkt p;
	struct cm_mad m;
	int ret;

	if (roce_parse_buf(d, len, &ctx, &p, NULL, NULL) != 0 ||
	    p.opcode != ROCE_OP_UD_SEND_ONLY || p.dqpn != CM_GSI_QPN) {
		printf("%u\tskip\n", n);
		return;
	}
	ret = cm_mad_parse(d + p.payload_off, p.payload_len, &m);
	if (ret != 0)
		printf("%u\terror\t%d\n", n, -ret);
	else
		print_line(n, p.ipv6, &m, d + p.payload_off);
}

static int
cmd_dump(const char *path)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	unsigned int n = 0;
	pcap_t *pc;
	int rc;

	pc = pcap_open_offline(path, err);
	if (pc == NULL) {
		fprintf(stderr, "cm-pcap: %s\n", err);
		return 1;
	}
	while ((rc = pcap_next_ex(pc, &h, &data)) == 1)
		dump_frame(++n, data, h->caplen);
	if (rc != PCAP_ERROR_BREAK) {
		fprintf(stderr, "cm-pcap: read: %s\n", pcap_geterr(pc));
		pcap_close(pc);
		return 1;
	}
	pcap_close(pc);
	return 0;
}

/* Messages to generate: distinctive values, and the widest value of every packed field. */

static void
pattern(uint8_t *b, size_t len, uint8_t seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		b[i] = (uint8_t)(seed + 13 * i + (i >> 4));
}

static const uint8_t v6a[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
static const uint8_t v6b[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xbe,
				 0xef };

static void
gen_addrs(bool ipv6, uint8_t src[16], uint8_t dst[16])
{
	if (ipv6) {
		memcpy(src, v6a, 16);
		memcpy(dst, v6b, 16);
	} else {
		roce_ipv4_to_mapped(src, RTE_BE32(0xc0000201));	/* 192.0.2.1 */
		roce_ipv4_to_mapped(dst, RTE_BE32(0xc6336402));	/* 198.51.100.2 */
	}
}

static void
gen_path(struct cm_path *p, bool ipv6, bool max)
{
	gen_addrs(ipv6, p->sgid, p->dgid);
	p->slid = 0xffff;			/* rdma_cm on RoCE: permissive LIDs */
	p->dlid = max ? 0xffff : 0xfffe;
	p->flow_label = max ? 0xfffff : 0xa5c3e;
	p->packet_rate = max ? 0x3f : 0x2d;
	p->tclass = max ? 0xff : 0x68;
	p->hop_limit = max ? 0xff : 64;
	p->sl = max ? 15 : 5;
	p->subnet_local = max ? 1 : 0;
	p->local_ack_timeout = max ? 31 : 19;
}

/* variant 0: rdma_cm REQ (cma_hdr, RC); 1: every packed field at its maximum, alternate
 * path; 2: XRC with a non-rdma_cm service ID and raw private data. */
static void
gen_req(struct cm_mad *m, bool ipv6, int variant)
{
	struct cm_req *r = &m->req;
	bool max = variant == 1;

	m->attr_id = CM_ATTR_REQ;
	r->local_comm_id = max ? 0xffffffff : 0x5d60c5ec;
	r->service_id = variant == 2 ? 0x123456789abcdef0ull : cma_service_id(max ? 0xffff : 4420);
	r->local_ca_guid = max ? UINT64_MAX : 0x505400fffe770002ull;
	r->local_qkey = max ? 0xffffffff : 0x11223344;
	r->local_qpn = max ? 0xffffff : 0xabcd17;
	r->resp_resources = max ? 0xff : 16;
	r->init_depth = max ? 0xff : 8;
	r->remote_cm_timeout = max ? 31 : 20;
	r->qp_type = variant == 2 ? CM_QPT_EXT : max ? CM_QPT_UC : CM_QPT_RC;
	r->ext_transport = variant == 2 ? CM_EXT_XRC : max ? 7 : 0;
	r->flow_ctrl = max ? 1 : 0;
	r->starting_psn = max ? 0xffffff : 0x645a76;
	r->local_cm_timeout = max ? 31 : 21;
	r->retry_count = max ? 7 : 6;
	r->pkey = max ? 0xffff : 0x8001;
	r->path_mtu = max ? CM_MTU_4096 : 3;
	r->rdc_exists = max ? 1 : 0;
	r->rnr_retry_count = max ? 7 : 5;
	r->max_cm_retries = max ? 15 : 14;
	r->srq = max ? 1 : 0;
	gen_path(&r->primary, ipv6, max);
	r->has_alt = max;
	if (max)
		gen_path(&r->alt, !ipv6, false);
	pattern(r->pdata, sizeof(r->pdata), (uint8_t)(0x30 + variant));
	if (variant != 2)
		cma_hdr_build(r->pdata, r->primary.sgid, r->primary.dgid, max ? 0xfffe : 0xbd88);
}

static void
gen_rep(struct cm_mad *m, bool max)
{
	struct cm_rep *r = &m->rep;

	m->attr_id = CM_ATTR_REP;
	r->local_comm_id = max ? 0xffffffff : 0x0a39e51a;
	r->remote_comm_id = max ? 0xfffffffe : 0x5d60c5ec;
	r->local_qkey = max ? 0xffffffff : 0x55667788;
	r->local_qpn = max ? 0xffffff : 0x000117;
	r->local_eecn = max ? 0xffffff : 0x00beef;
	r->starting_psn = max ? 0xffffff : 0x524c55;
	r->resp_resources = max ? 0xff : 4;
	r->init_depth = max ? 0xff : 2;
	r->target_ack_delay = max ? 31 : 15;
	r->failover_accepted = max ? 3 : 1;
	r->flow_ctrl = 1;
	r->rnr_retry_count = max ? 7 : 6;
	r->srq = max ? 1 : 0;
	r->local_ca_guid = max ? UINT64_MAX : 0x505400fffe770001ull;
	pattern(r->pdata, sizeof(r->pdata), max ? 0xc0 : 0x40);
}

static void
gen_rej(struct cm_mad *m, int variant)
{
	static const uint16_t reasons[] = { CM_REJ_INVALID_SERVICE_ID, CM_REJ_CONSUMER_DEFINED,
					    CM_REJ_TIMEOUT };
	struct cm_rej *r = &m->rej;

	m->attr_id = CM_ATTR_REJ;
	r->local_comm_id = variant == 0 ? 0 : 0x0a39e51a + variant;
	r->remote_comm_id = 0xc2ac092f;
	r->msg_rejected = (uint8_t)variant;		/* REQ, REP, other */
	r->reason = reasons[variant];
	r->ari_len = variant == 2 ? CM_REJ_ARI : variant == 1 ? 5 : 0;
	pattern(r->ari, r->ari_len, 0xa0);
	pattern(r->pdata, sizeof(r->pdata), (uint8_t)(0x50 + variant));
}

static void
gen_mra(struct cm_mad *m, bool max)
{
	m->attr_id = CM_ATTR_MRA;
	m->mra.local_comm_id = max ? 0xffffffff : 0x0a39e51a;
	m->mra.remote_comm_id = max ? 0xffffffff : 0x5d60c5ec;
	m->mra.msg_mraed = max ? CM_MSG_LAP : CM_MSG_REQ;
	m->mra.service_timeout = max ? 31 : 24;
	pattern(m->mra.pdata, sizeof(m->mra.pdata), max ? 0xe0 : 0x60);
}

static void
gen_other(struct cm_mad *m, uint16_t attr, bool max)
{
	m->attr_id = attr;
	/* local and remote comm IDs lead RTU, DREQ and DREP alike */
	m->rtu.local_comm_id = max ? 0xffffffff : 0x5d60c5ec;
	m->rtu.remote_comm_id = max ? 0xffffffff : 0x0a39e51a;
	if (attr == CM_ATTR_RTU)
		pattern(m->rtu.pdata, sizeof(m->rtu.pdata), 0x70);
	if (attr == CM_ATTR_DREQ) {
		m->dreq.remote_qpn = max ? 0xffffff : 0x000017;
		pattern(m->dreq.pdata, sizeof(m->dreq.pdata), 0x80);
	}
	if (attr == CM_ATTR_DREP)
		pattern(m->drep.pdata, sizeof(m->drep.pdata), 0x90);
}

/* The n-th message to generate (false past the last); *ipv6 picks the RoCE version. */
static bool
gen_msg(unsigned int n, struct cm_mad *m, bool *ipv6)
{
	memset(m, 0, sizeof(*m));
	m->method = CM_METHOD_SEND;
	m->tid = 0x00000002ecc56000ull + n;
	m->attr_mod = n == 4 ? 0xdeadbeef : 0;	/* not used by the CM; must still travel */
	m->status = n == 5 ? 0x001c : 0;
	*ipv6 = n % 2 == 1;
	switch (n) {
	case 0: case 1: case 2: case 3: case 4: case 5:
		/* each REQ variant over IPv4, then over IPv6 */
		*ipv6 = n >= 3;
		gen_req(m, *ipv6, (int)(n % 3));
		return true;
	case 6: case 7:
		gen_rep(m, n == 7);
		return true;
	case 8: case 9: case 10:
		gen_rej(m, (int)(n - 8));
		return true;
	case 11: case 12:
		gen_mra(m, n == 12);
		return true;
	case 13: case 14:
		gen_other(m, CM_ATTR_RTU, n == 14);
		return true;
	case 15: case 16:
		gen_other(m, CM_ATTR_DREQ, n == 16);
		return true;
	case 17: case 18:
		gen_other(m, CM_ATTR_DREP, n == 18);
		return true;
	default:
		return false;
	}
}

/* A UD SEND_ONLY from QP1 to QP1 carrying mad, as Linux rxe sends CM MADs. */
static int
gen_frame(pcap_dumper_t *out, unsigned int n, bool ipv6, const uint8_t *mad)
{
	static const struct rte_ether_addr dmac = { { 0x02, 0x00, 0x5e, 0x00, 0x00, 0x02 } };
	static const struct rte_ether_addr smac = { { 0x02, 0x00, 0x5e, 0x00, 0x00, 0x01 } };
	struct pcap_pkthdr h = { .ts = { .tv_sec = 1700000000 + n } };
	uint8_t frame[FRAME_MAX];
	struct roce_pkt p;
	int len;

	memset(&p, 0, sizeof(p));
	p.dmac = dmac;
	p.smac = smac;
	p.ipv6 = ipv6;
	gen_addrs(ipv6, p.sip, p.dip);
	p.hop_limit = 64;
	p.sport = (uint16_t)(0xc000 | n);
	p.opcode = ROCE_OP_UD_SEND_ONLY;
	p.ackreq = true;
	p.pkey = ROCE_DEFAULT_PKEY;
	p.dqpn = CM_GSI_QPN;
	p.psn = n;
	p.deth.qkey = CM_GSI_QKEY;
	p.deth.sqpn = CM_GSI_QPN;
	p.payload_len = CM_MAD_SIZE;
	len = roce_build(frame, sizeof(frame), &p, mad);
	if (len < 0) {
		fprintf(stderr, "cm-pcap: roce_build: %s\n", strerror(-len));
		return 1;
	}
	h.caplen = h.len = (bpf_u_int32)len;
	pcap_dump((u_char *)out, &h, frame);
	return 0;
}

static int
gen_all(pcap_dumper_t *out)
{
	uint8_t mad[CM_MAD_SIZE];
	struct cm_mad m;
	unsigned int n;
	bool ipv6;
	int ret;

	for (n = 0; gen_msg(n, &m, &ipv6); n++) {
		ret = cm_mad_build(&m, mad);
		if (ret != CM_MAD_SIZE) {
			fprintf(stderr, "cm-pcap: cm_mad_build(message %u, %s): %d\n", n,
				cm_attr_name(m.attr_id), ret);
			return 1;
		}
		if (gen_frame(out, n, ipv6, mad) != 0)
			return 1;
		print_line(n + 1, ipv6, &m, mad);
	}
	return 0;
}

static int
cmd_gen(const char *path)
{
	pcap_dumper_t *out;
	pcap_t *dead;
	int rc;

	dead = pcap_open_dead(DLT_EN10MB, SNAPLEN);
	if (dead == NULL)
		return 1;
	out = pcap_dump_open(dead, path);
	if (out == NULL) {
		fprintf(stderr, "cm-pcap: %s: %s\n", path, pcap_geterr(dead));
		pcap_close(dead);
		return 1;
	}
	rc = gen_all(out);
	pcap_dump_close(out);
	pcap_close(dead);
	return rc;
}

int
main(int argc, char **argv)
{
	int rc;

	if (argc == 3 && strcmp(argv[1], "dump") == 0) {
		rc = cmd_dump(argv[2]);
	} else if (argc == 3 && strcmp(argv[1], "gen") == 0) {
		rc = cmd_gen(argv[2]);
	} else {
		fprintf(stderr, "usage: cm-pcap dump <file.pcap>\n"
			"       cm-pcap gen <out.pcap>\n");
		return 2;
	}
	return fflush(stdout) == 0 ? rc : 1;
}
