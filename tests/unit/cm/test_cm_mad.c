/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cm_mad.c: every CM message built and parsed back with distinctive and with maximal field
 * values; fields checked at their byte and bit offsets from the IBA message tables; reserved
 * bits written as zero; MADs captured from Linux rdma_cm decoded and rebuilt byte for byte;
 * every error return; rdma_cm's private-data header.
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "check_run.h"
#include "cm_mad.h"

#define HDR	CM_MAD_HDR_SIZE		/* the CM message starts here in the MAD */

/* Attributes the codec handles, in attribute ID order. */
static const uint16_t attrs[] = { CM_ATTR_REQ, CM_ATTR_MRA, CM_ATTR_REJ, CM_ATTR_REP,
				  CM_ATTR_RTU, CM_ATTR_DREQ, CM_ATTR_DREP };
#define NATTRS	(sizeof(attrs) / sizeof(attrs[0]))

static void
pattern(uint8_t *b, size_t len, uint8_t seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		b[i] = (uint8_t)(seed + 7 * i + (i >> 5));
}

static uint32_t
be24(const uint8_t *p)
{
	return (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
}

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | be24(p + 1);
}

static uint64_t
be64(const uint8_t *p)
{
	return (uint64_t)be32(p) << 32 | be32(p + 4);
}

static void
fill_hdr(struct cm_mad *m, uint16_t attr)
{
	memset(m, 0, sizeof(*m));
	m->method = CM_METHOD_SEND;
	m->status = 0x8421;
	m->tid = 0x0123456789abcdefull;
	m->attr_id = attr;
	m->attr_mod = 0xfedcba98;
}

/* max: every packed field at its widest value; otherwise distinct, non-zero values. */
static void
fill_path(struct cm_path *p, bool max, uint8_t seed)
{
	p->slid = max ? 0xffff : (uint16_t)(0x1234 + seed);
	p->dlid = max ? 0xffff : (uint16_t)(0x5678 + seed);
	pattern(p->sgid, 16, seed);
	pattern(p->dgid, 16, (uint8_t)(seed + 0x80));
	p->flow_label = max ? 0xfffff : 0xabcde - seed;
	p->packet_rate = max ? 0x3f : 0x2a;
	p->tclass = max ? 0xff : 0x6b;
	p->hop_limit = max ? 0xff : 0x3f;
	p->sl = max ? 15 : 9;
	p->subnet_local = 1;
	p->local_ack_timeout = max ? 31 : 18;
}

static void
fill_req(struct cm_req *r, bool max)
{
	r->local_comm_id = max ? 0xffffffff : 0x11223344;
	r->service_id = max ? UINT64_MAX : 0x0000000001061144ull;
	r->local_ca_guid = max ? UINT64_MAX : 0x0002c90300a1b2c3ull;
	r->local_qkey = max ? 0xffffffff : 0x55667788;
	r->local_qpn = max ? 0xffffff : 0xabcdef;
	r->resp_resources = max ? 0xff : 0x10;
	r->init_depth = max ? 0xff : 0x08;
	r->remote_cm_timeout = max ? 31 : 20;
	r->qp_type = max ? CM_QPT_EXT : CM_QPT_UC;
	r->flow_ctrl = 1;
	r->starting_psn = max ? 0xffffff : 0xfedcba;
	r->local_cm_timeout = max ? 31 : 22;
	r->retry_count = max ? 7 : 5;
	r->pkey = max ? 0xffff : 0x8001;
	r->path_mtu = max ? CM_MTU_4096 : 4;
	r->rdc_exists = 1;
	r->rnr_retry_count = max ? 7 : 6;
	r->max_cm_retries = max ? 15 : 13;
	r->srq = 1;
	r->ext_transport = max ? CM_EXT_XRC : 6;	/* carried even when qp_type is not EXT */
	fill_path(&r->primary, max, 0x10);
	r->has_alt = true;
	fill_path(&r->alt, max, 0x20);
	pattern(r->pdata, sizeof(r->pdata), 0x31);
}

static void
fill_rep(struct cm_rep *r, bool max)
{
	r->local_comm_id = max ? 0xffffffff : 0x0a39e51a;
	r->remote_comm_id = max ? 0xffffffff : 0x5d60c5ec;
	r->local_qkey = max ? 0xffffffff : 0x13579bdf;
	r->local_qpn = max ? 0xffffff : 0x123456;
	r->local_eecn = max ? 0xffffff : 0x654321;
	r->starting_psn = max ? 0xffffff : 0x89abcd;
	r->resp_resources = max ? 0xff : 0x21;
	r->init_depth = max ? 0xff : 0x12;
	r->target_ack_delay = max ? 31 : 17;
	r->failover_accepted = max ? 3 : 2;
	r->flow_ctrl = 1;
	r->rnr_retry_count = max ? 7 : 5;
	r->srq = 1;
	r->local_ca_guid = max ? UINT64_MAX : 0x505400fffe770001ull;
	pattern(r->pdata, sizeof(r->pdata), 0x42);
}

static void
fill_rej(struct cm_rej *r, bool max)
{
	r->local_comm_id = max ? 0xffffffff : 0x01020304;
	r->remote_comm_id = max ? 0xffffffff : 0xc2ac092f;
	r->msg_rejected = max ? CM_MSG_OTHER : CM_MSG_REP;
	r->ari_len = max ? CM_REJ_ARI : 13;
	r->reason = max ? 0xffff : CM_REJ_CONSUMER_DEFINED;
	pattern(r->ari, r->ari_len, 0x53);
	pattern(r->pdata, sizeof(r->pdata), 0x64);
}

static void
fill_mra(struct cm_mra *r, bool max)
{
	r->local_comm_id = max ? 0xffffffff : 0x0badcafe;
	r->remote_comm_id = max ? 0xffffffff : 0xfeedface;
	r->msg_mraed = max ? CM_MSG_LAP : CM_MSG_REP;
	r->service_timeout = max ? 31 : 23;
	pattern(r->pdata, sizeof(r->pdata), 0x75);
}

static void
fill(struct cm_mad *m, uint16_t attr, bool max)
{
	fill_hdr(m, attr);
	switch (attr) {
	case CM_ATTR_REQ:
		fill_req(&m->req, max);
		break;
	case CM_ATTR_REP:
		fill_rep(&m->rep, max);
		break;
	case CM_ATTR_REJ:
		fill_rej(&m->rej, max);
		break;
	case CM_ATTR_MRA:
		fill_mra(&m->mra, max);
		break;
	case CM_ATTR_RTU:
		m->rtu.local_comm_id = max ? 0xffffffff : 0x31415926;
		m->rtu.remote_comm_id = max ? 0xffffffff : 0x27182818;
		pattern(m->rtu.pdata, sizeof(m->rtu.pdata), 0x86);
		break;
	case CM_ATTR_DREQ:
		m->dreq.local_comm_id = max ? 0xffffffff : 0x16180339;
		m->dreq.remote_comm_id = max ? 0xffffffff : 0x14142135;
		m->dreq.remote_qpn = max ? 0xffffff : 0xc0ffee;
		pattern(m->dreq.pdata, sizeof(m->dreq.pdata), 0x97);
		break;
	case CM_ATTR_DREP:
		m->drep.local_comm_id = max ? 0xffffffff : 0x17320508;
		m->drep.remote_comm_id = max ? 0xffffffff : 0x22360679;
		pattern(m->drep.pdata, sizeof(m->drep.pdata), 0xa8);
		break;
	}
}

#define SAME(f) ck_assert_msg(a->f == b->f, "%s: " #f " 0x%llx != 0x%llx", tag, \
			      (unsigned long long)a->f, (unsigned long long)b->f)
#define SAME_MEM(f) ck_assert_msg(memcmp(a->f, b->f, sizeof(a->f)) == 0, "%s: " #f, tag)

static void
same_path(const struct cm_path *a, const struct cm_path *b, const char *tag)
{
	SAME(slid);
	SAME(dlid);
	SAME_MEM(sgid);
	SAME_MEM(dgid);
	SAME(flow_label);
	SAME(packet_rate);
	SAME(tclass);
	SAME(hop_limit);
	SAME(sl);
	SAME(subnet_local);
	SAME(local_ack_timeout);
}

static void
same_req(const struct cm_req *a, const struct cm_req *b, const char *tag)
{
	SAME(local_comm_id);
	SAME(service_id);
	SAME(local_ca_guid);
	SAME(local_qkey);
	SAME(local_qpn);
	SAME(resp_resources);
	SAME(init_depth);
	SAME(remote_cm_timeout);
	SAME(qp_type);
	SAME(flow_ctrl);
	SAME(starting_psn);
	SAME(local_cm_timeout);
	SAME(retry_count);
	SAME(pkey);
	SAME(path_mtu);
	SAME(rdc_exists);
	SAME(rnr_retry_count);
	SAME(max_cm_retries);
	SAME(srq);
	SAME(ext_transport);
	same_path(&a->primary, &b->primary, tag);
	SAME(has_alt);
	if (a->has_alt)
		same_path(&a->alt, &b->alt, tag);
	SAME_MEM(pdata);
}

static void
same_rep(const struct cm_rep *a, const struct cm_rep *b, const char *tag)
{
	SAME(local_comm_id);
	SAME(remote_comm_id);
	SAME(local_qkey);
	SAME(local_qpn);
	SAME(local_eecn);
	SAME(starting_psn);
	SAME(resp_resources);
	SAME(init_depth);
	SAME(target_ack_delay);
	SAME(failover_accepted);
	SAME(flow_ctrl);
	SAME(rnr_retry_count);
	SAME(srq);
	SAME(local_ca_guid);
	SAME_MEM(pdata);
}

static void
same_rej(const struct cm_rej *a, const struct cm_rej *b, const char *tag)
{
	SAME(local_comm_id);
	SAME(remote_comm_id);
	SAME(msg_rejected);
	SAME(ari_len);
	SAME(reason);
	SAME_MEM(ari);
	SAME_MEM(pdata);
}

static void
same(const struct cm_mad *a, const struct cm_mad *b, const char *tag)
{
	SAME(method);
	SAME(status);
	SAME(tid);
	SAME(attr_id);
	SAME(attr_mod);
	switch (a->attr_id) {
	case CM_ATTR_REQ:
		same_req(&a->req, &b->req, tag);
		break;
	case CM_ATTR_REP:
		same_rep(&a->rep, &b->rep, tag);
		break;
	case CM_ATTR_REJ:
		same_rej(&a->rej, &b->rej, tag);
		break;
	case CM_ATTR_MRA:
		SAME(mra.local_comm_id);
		SAME(mra.remote_comm_id);
		SAME(mra.msg_mraed);
		SAME(mra.service_timeout);
		SAME_MEM(mra.pdata);
		break;
	case CM_ATTR_RTU:
		SAME(rtu.local_comm_id);
		SAME(rtu.remote_comm_id);
		SAME_MEM(rtu.pdata);
		break;
	case CM_ATTR_DREQ:
		SAME(dreq.local_comm_id);
		SAME(dreq.remote_comm_id);
		SAME(dreq.remote_qpn);
		SAME_MEM(dreq.pdata);
		break;
	case CM_ATTR_DREP:
		SAME(drep.local_comm_id);
		SAME(drep.remote_comm_id);
		SAME_MEM(drep.pdata);
		break;
	default:
		ck_abort_msg("%s: attribute 0x%04x", tag, a->attr_id);
	}
}

/* Build, parse back, compare field by field, and build again to the same bytes. */
static void
roundtrip(const struct cm_mad *in, uint8_t out[CM_MAD_SIZE])
{
	uint8_t again[CM_MAD_SIZE];
	struct cm_mad back;
	const char *tag = cm_attr_name(in->attr_id);

	ck_assert_int_eq(cm_mad_build(in, out), CM_MAD_SIZE);
	memset(&back, 0x5a, sizeof(back));
	ck_assert_msg(cm_mad_parse(out, CM_MAD_SIZE, &back) == 0, "%s: parse", tag);
	same(in, &back, tag);
	ck_assert_int_eq(cm_mad_build(&back, again), CM_MAD_SIZE);
	ck_assert_msg(memcmp(out, again, CM_MAD_SIZE) == 0, "%s: rebuild differs", tag);
}

START_TEST(test_cm_mad_roundtrip_distinct)
{
	uint8_t out[CM_MAD_SIZE];
	struct cm_mad m;
	unsigned int i;

	for (i = 0; i < NATTRS; i++) {
		fill(&m, attrs[i], false);
		roundtrip(&m, out);
	}
}
END_TEST

START_TEST(test_cm_mad_roundtrip_max)
{
	uint8_t out[CM_MAD_SIZE];
	struct cm_mad m;
	unsigned int i;

	for (i = 0; i < NATTRS; i++) {
		fill(&m, attrs[i], true);
		m.status = 0xffff;
		m.tid = UINT64_MAX;
		m.attr_mod = 0xffffffff;
		roundtrip(&m, out);
	}
}
END_TEST

/* Every value of every narrow field survives on its own (a stray bit would show). */
START_TEST(test_cm_mad_roundtrip_each_value)
{
	uint8_t out[CM_MAD_SIZE];
	struct cm_mad m;
	unsigned int v;

	for (v = 0; v < 32; v++) {
		fill(&m, CM_ATTR_REQ, false);
		m.req.remote_cm_timeout = (uint8_t)v;
		m.req.local_cm_timeout = (uint8_t)(31 - v);
		m.req.primary.local_ack_timeout = (uint8_t)v;
		m.req.alt.local_ack_timeout = (uint8_t)(31 - v);
		m.req.retry_count = v & 7;
		m.req.rnr_retry_count = (v >> 2) & 7;
		m.req.max_cm_retries = v & 15;
		m.req.primary.sl = (v >> 1) & 15;
		m.req.qp_type = v & 3;
		m.req.ext_transport = m.req.qp_type == CM_QPT_EXT ? CM_EXT_XRC : (v >> 2) & 7;
		m.req.path_mtu = (uint8_t)(1 + v % 5);
		m.req.flow_ctrl = v & 1;
		m.req.srq = (v >> 1) & 1;
		m.req.rdc_exists = (v >> 2) & 1;
		m.req.primary.subnet_local = (v >> 3) & 1;
		m.req.primary.packet_rate = (uint8_t)(v * 2 + 1);
		roundtrip(&m, out);

		fill(&m, CM_ATTR_REP, false);
		m.rep.target_ack_delay = (uint8_t)v;
		m.rep.failover_accepted = v & 3;
		m.rep.flow_ctrl = (v >> 2) & 1;
		m.rep.rnr_retry_count = (v >> 1) & 7;
		m.rep.srq = (v >> 4) & 1;
		roundtrip(&m, out);

		fill(&m, CM_ATTR_MRA, false);
		m.mra.service_timeout = (uint8_t)v;
		m.mra.msg_mraed = v % 3;
		roundtrip(&m, out);
	}
}
END_TEST

/* MAD common header (IBA 13.4): the fixed bytes, the fields, reserved bytes zero. */
START_TEST(test_cm_mad_hdr_bytes)
{
	uint8_t out[CM_MAD_SIZE];
	struct cm_mad m;
	unsigned int i;

	for (i = 0; i < NATTRS; i++) {
		fill(&m, attrs[i], false);
		memset(out, 0xee, sizeof(out));
		ck_assert_int_eq(cm_mad_build(&m, out), CM_MAD_SIZE);
		ck_assert_uint_eq(out[0], 1);		/* BaseVersion */
		ck_assert_uint_eq(out[1], 0x07);	/* MgmtClass: CM */
		ck_assert_uint_eq(out[2], 2);		/* ClassVersion */
		ck_assert_uint_eq(out[3], 0x03);	/* Method: Send */
		ck_assert_uint_eq(out[4] << 8 | out[5], 0x8421);
		ck_assert_uint_eq(out[6] | out[7], 0);	/* ClassSpecific */
		ck_assert(be64(out + 8) == 0x0123456789abcdefull);
		ck_assert_uint_eq(out[16] << 8 | out[17], attrs[i]);
		ck_assert_uint_eq(out[18] | out[19], 0);
		ck_assert_uint_eq(be32(out + 20), 0xfedcba98);
	}
}
END_TEST

/* REQ at the offsets of IBA 12.6.5 (message offset + 24 in the MAD). */
START_TEST(test_cm_mad_req_bytes)
{
	uint8_t out[CM_MAD_SIZE], *q = out + HDR, *p;
	struct cm_mad m;

	fill(&m, CM_ATTR_REQ, false);
	ck_assert_int_eq(cm_mad_build(&m, out), CM_MAD_SIZE);
	ck_assert_uint_eq(be32(q + 0), 0x11223344);
	ck_assert(be64(q + 8) == 0x0000000001061144ull);
	ck_assert(be64(q + 16) == 0x0002c90300a1b2c3ull);
	ck_assert_uint_eq(be32(q + 28), 0x55667788);
	ck_assert_uint_eq(be24(q + 32), 0xabcdef);		/* local QPN */
	ck_assert_uint_eq(q[35], 0x10);				/* responder resources */
	ck_assert_uint_eq(q[39], 0x08);				/* initiator depth */
	ck_assert_uint_eq(q[43], 20 << 3 | CM_QPT_UC << 1 | 1);
	ck_assert_uint_eq(be24(q + 44), 0xfedcba);		/* starting PSN */
	ck_assert_uint_eq(q[47], 22 << 3 | 5);
	ck_assert_uint_eq(q[48] << 8 | q[49], 0x8001);
	ck_assert_uint_eq(q[50], 4 << 4 | 1 << 3 | 6);		/* MTU nibble, RDC, RNR */
	ck_assert_uint_eq(q[51], 13 << 4 | 1 << 3 | 6);
	p = q + 52;						/* primary path */
	ck_assert_uint_eq(p[0] << 8 | p[1], 0x1244);
	ck_assert_uint_eq(p[2] << 8 | p[3], 0x5688);
	ck_assert_mem_eq(p + 4, m.req.primary.sgid, 16);
	ck_assert_mem_eq(p + 20, m.req.primary.dgid, 16);
	ck_assert_uint_eq(be32(p + 36), (0xabcdeu - 0x10) << 12 | 0x2a);
	ck_assert_uint_eq(p[40], 0x6b);
	ck_assert_uint_eq(p[41], 0x3f);
	ck_assert_uint_eq(p[42], 9 << 4 | 1 << 3);
	ck_assert_uint_eq(p[43], 18 << 3);
	p = q + 96;						/* alternate path */
	ck_assert_uint_eq(p[0] << 8 | p[1], 0x1254);
	ck_assert_uint_eq(be32(p + 36), (0xabcdeu - 0x20) << 12 | 0x2a);
	ck_assert_mem_eq(q + 140, m.req.pdata, CM_REQ_PDATA);
}
END_TEST

START_TEST(test_cm_mad_rep_bytes)
{
	uint8_t out[CM_MAD_SIZE], *q = out + HDR;
	struct cm_mad m;

	fill(&m, CM_ATTR_REP, false);
	ck_assert_int_eq(cm_mad_build(&m, out), CM_MAD_SIZE);
	ck_assert_uint_eq(be32(q + 0), 0x0a39e51a);
	ck_assert_uint_eq(be32(q + 4), 0x5d60c5ec);
	ck_assert_uint_eq(be32(q + 8), 0x13579bdf);
	ck_assert_uint_eq(be24(q + 12), 0x123456);		/* local QPN */
	ck_assert_uint_eq(be24(q + 16), 0x654321);		/* local EECN */
	ck_assert_uint_eq(be24(q + 20), 0x89abcd);		/* starting PSN */
	ck_assert_uint_eq(q[24], 0x21);
	ck_assert_uint_eq(q[25], 0x12);
	ck_assert_uint_eq(q[26], 17 << 3 | 2 << 1 | 1);
	ck_assert_uint_eq(q[27], 5 << 5 | 1 << 4);
	ck_assert(be64(q + 28) == 0x505400fffe770001ull);
	ck_assert_mem_eq(q + 36, m.rep.pdata, CM_REP_PDATA);
}
END_TEST

/* REJ: only ari_len bytes of ARI go out, and only they come back. */
START_TEST(test_cm_mad_rej_bytes)
{
	static const uint8_t zero[CM_REJ_ARI];
	uint8_t out[CM_MAD_SIZE], *q = out + HDR;
	struct cm_mad m, back;

	fill(&m, CM_ATTR_REJ, false);
	pattern(m.rej.ari, CM_REJ_ARI, 0x53);		/* bytes past ari_len must not travel */
	ck_assert_int_eq(cm_mad_build(&m, out), CM_MAD_SIZE);
	ck_assert_uint_eq(be32(q + 0), 0x01020304);
	ck_assert_uint_eq(be32(q + 4), 0xc2ac092f);
	ck_assert_uint_eq(q[8], CM_MSG_REP << 6);
	ck_assert_uint_eq(q[9], 13 << 1);
	ck_assert_uint_eq(q[10] << 8 | q[11], CM_REJ_CONSUMER_DEFINED);
	ck_assert_mem_eq(q + 12, m.rej.ari, 13);
	ck_assert_mem_eq(q + 12 + 13, zero, CM_REJ_ARI - 13);
	ck_assert_mem_eq(q + 84, m.rej.pdata, CM_REJ_PDATA);
	ck_assert_int_eq(cm_mad_parse(out, sizeof(out), &back), 0);
	ck_assert_mem_eq(back.rej.ari, m.rej.ari, 13);
	ck_assert_mem_eq(back.rej.ari + 13, zero, CM_REJ_ARI - 13);
}
END_TEST

START_TEST(test_cm_mad_mra_dreq_bytes)
{
	uint8_t out[CM_MAD_SIZE], *q = out + HDR;
	struct cm_mad m;

	fill(&m, CM_ATTR_MRA, false);
	ck_assert_int_eq(cm_mad_build(&m, out), CM_MAD_SIZE);
	ck_assert_uint_eq(be32(q + 0), 0x0badcafe);
	ck_assert_uint_eq(be32(q + 4), 0xfeedface);
	ck_assert_uint_eq(q[8], CM_MSG_REP << 6);
	ck_assert_uint_eq(q[9], 23 << 3);
	ck_assert_mem_eq(q + 10, m.mra.pdata, CM_MRA_PDATA);

	fill(&m, CM_ATTR_DREQ, false);
	ck_assert_int_eq(cm_mad_build(&m, out), CM_MAD_SIZE);
	ck_assert_uint_eq(be32(q + 0), 0x16180339);
	ck_assert_uint_eq(be32(q + 4), 0x14142135);
	ck_assert_uint_eq(be24(q + 8), 0xc0ffee);		/* remote QPN/EECN */
	ck_assert_uint_eq(q[11], 0);
	ck_assert_mem_eq(q + 12, m.dreq.pdata, CM_DREQ_PDATA);

	fill(&m, CM_ATTR_RTU, false);
	ck_assert_int_eq(cm_mad_build(&m, out), CM_MAD_SIZE);
	ck_assert_uint_eq(be32(q + 0), 0x31415926);
	ck_assert_uint_eq(be32(q + 4), 0x27182818);
	ck_assert_mem_eq(q + 8, m.rtu.pdata, CM_RTU_PDATA);

	fill(&m, CM_ATTR_DREP, false);
	ck_assert_int_eq(cm_mad_build(&m, out), CM_MAD_SIZE);
	ck_assert_uint_eq(be32(q + 0), 0x17320508);
	ck_assert_uint_eq(be32(q + 4), 0x22360679);
	ck_assert_mem_eq(q + 8, m.drep.pdata, CM_DREP_PDATA);
}
END_TEST

static void
assert_zero(const uint8_t *b, size_t len, const char *what)
{
	size_t i;

	for (i = 0; i < len; i++)
		ck_assert_msg(b[i] == 0, "%s: byte %zu is 0x%02x", what, i, b[i]);
}

/*
 * With every field at its widest value the packed bytes are all ones except for the
 * reserved bits, which stay zero whatever the buffer held before.
 */
START_TEST(test_cm_mad_reserved_zero)
{
	uint8_t out[CM_MAD_SIZE], *q = out + HDR;
	struct cm_mad m;
	int i;

	fill(&m, CM_ATTR_REQ, true);
	memset(out, 0xff, sizeof(out));
	ck_assert_int_eq(cm_mad_build(&m, out), CM_MAD_SIZE);
	assert_zero(q + 4, 4, "REQ 4-7");
	assert_zero(q + 24, 4, "REQ 24-27");
	assert_zero(q + 36, 3, "REQ local EECN");
	assert_zero(q + 40, 3, "REQ remote EECN");
	ck_assert_uint_eq(q[43], 0xff);
	ck_assert_uint_eq(q[47], 0xff);
	ck_assert_uint_eq(q[50], 0x5f);		/* MTU 5 = 0101, RDC, RNR 7 */
	ck_assert_uint_eq(q[51], 0xf9);		/* max CM retries, SRQ, XRC */
	for (i = 52; i <= 96; i += 44) {
		ck_assert_uint_eq(be32(q + i + 36), 0xfffff03f);	/* 6 reserved bits */
		ck_assert_uint_eq(q[i + 42], 0xf8);
		ck_assert_uint_eq(q[i + 43], 0xf8);
	}

	fill(&m, CM_ATTR_REP, true);
	memset(out, 0xff, sizeof(out));
	ck_assert_int_eq(cm_mad_build(&m, out), CM_MAD_SIZE);
	ck_assert_uint_eq(be32(q + 12), 0xffffff00);
	ck_assert_uint_eq(be32(q + 16), 0xffffff00);
	ck_assert_uint_eq(be32(q + 20), 0xffffff00);
	ck_assert_uint_eq(q[26], 0xff);
	ck_assert_uint_eq(q[27], 0xf0);

	fill(&m, CM_ATTR_REJ, true);
	memset(out, 0xff, sizeof(out));
	ck_assert_int_eq(cm_mad_build(&m, out), CM_MAD_SIZE);
	ck_assert_uint_eq(q[8], CM_MSG_OTHER << 6);
	ck_assert_uint_eq(q[9], CM_REJ_ARI << 1);

	fill(&m, CM_ATTR_MRA, true);
	memset(out, 0xff, sizeof(out));
	ck_assert_int_eq(cm_mad_build(&m, out), CM_MAD_SIZE);
	ck_assert_uint_eq(q[8], CM_MSG_LAP << 6);
	ck_assert_uint_eq(q[9], 0xf8);

	fill(&m, CM_ATTR_DREQ, true);
	memset(out, 0xff, sizeof(out));
	ck_assert_int_eq(cm_mad_build(&m, out), CM_MAD_SIZE);
	ck_assert_uint_eq(be32(q + 8), 0xffffff00);
}
END_TEST

/* A REQ without an alternate path leaves its 44 bytes zero, whatever m->req.alt holds. */
START_TEST(test_cm_mad_req_no_alt)
{
	uint8_t out[CM_MAD_SIZE];
	struct cm_mad m, back;

	fill(&m, CM_ATTR_REQ, true);
	m.req.has_alt = false;
	memset(out, 0xff, sizeof(out));
	ck_assert_int_eq(cm_mad_build(&m, out), CM_MAD_SIZE);
	assert_zero(out + HDR + 96, 44, "REQ alternate path");
	ck_assert_int_eq(cm_mad_parse(out, sizeof(out), &back), 0);
	ck_assert(!back.req.has_alt);
	assert_zero((const uint8_t *)&back.req.alt, sizeof(back.req.alt), "parsed alt");
	same_path(&m.req.primary, &back.req.primary, "primary");
}
END_TEST

/* A MAD whose message bytes are all ones: every field reads back at exactly its width. */
static int
parse_ones(uint16_t attr, struct cm_mad *m)
{
	uint8_t buf[CM_MAD_SIZE];

	fill(m, attr, false);
	ck_assert_int_eq(cm_mad_build(m, buf), CM_MAD_SIZE);
	memset(buf + HDR, 0xff, CM_MSG_SIZE);
	return cm_mad_parse(buf, sizeof(buf), m);
}

static void
assert_ones_path(const struct cm_path *p)
{
	ck_assert_uint_eq(p->slid, 0xffff);
	ck_assert_uint_eq(p->flow_label, 0xfffff);
	ck_assert_uint_eq(p->packet_rate, 0x3f);
	ck_assert_uint_eq(p->tclass, 0xff);
	ck_assert_uint_eq(p->sl, 15);
	ck_assert_uint_eq(p->subnet_local, 1);
	ck_assert_uint_eq(p->local_ack_timeout, 31);
}

START_TEST(test_cm_mad_parse_field_widths)
{
	struct cm_mad m;

	/* path MTU 15 and transport 3 with extended type 7 are reserved: -EPROTO, m filled */
	ck_assert_int_eq(parse_ones(CM_ATTR_REQ, &m), -EPROTO);
	ck_assert_uint_eq(m.req.local_comm_id, 0xffffffff);
	ck_assert(m.req.service_id == UINT64_MAX);
	ck_assert_uint_eq(m.req.local_qpn, 0xffffff);
	ck_assert_uint_eq(m.req.resp_resources, 0xff);
	ck_assert_uint_eq(m.req.remote_cm_timeout, 31);
	ck_assert_uint_eq(m.req.qp_type, 3);
	ck_assert_uint_eq(m.req.flow_ctrl, 1);
	ck_assert_uint_eq(m.req.starting_psn, 0xffffff);
	ck_assert_uint_eq(m.req.local_cm_timeout, 31);
	ck_assert_uint_eq(m.req.retry_count, 7);
	ck_assert_uint_eq(m.req.path_mtu, 15);
	ck_assert_uint_eq(m.req.rdc_exists, 1);
	ck_assert_uint_eq(m.req.rnr_retry_count, 7);
	ck_assert_uint_eq(m.req.max_cm_retries, 15);
	ck_assert_uint_eq(m.req.srq, 1);
	ck_assert_uint_eq(m.req.ext_transport, 7);
	assert_ones_path(&m.req.primary);
	ck_assert(m.req.has_alt);
	assert_ones_path(&m.req.alt);

	ck_assert_int_eq(parse_ones(CM_ATTR_REP, &m), 0);
	ck_assert_uint_eq(m.rep.local_qpn, 0xffffff);
	ck_assert_uint_eq(m.rep.local_eecn, 0xffffff);
	ck_assert_uint_eq(m.rep.starting_psn, 0xffffff);
	ck_assert_uint_eq(m.rep.target_ack_delay, 31);
	ck_assert_uint_eq(m.rep.failover_accepted, 3);
	ck_assert_uint_eq(m.rep.flow_ctrl, 1);
	ck_assert_uint_eq(m.rep.rnr_retry_count, 7);
	ck_assert_uint_eq(m.rep.srq, 1);

	ck_assert_int_eq(parse_ones(CM_ATTR_REJ, &m), -EPROTO);	/* message 3, ARI 127 */
	ck_assert_uint_eq(m.rej.msg_rejected, 3);
	ck_assert_uint_eq(m.rej.ari_len, 127);
	ck_assert_uint_eq(m.rej.reason, 0xffff);
	ck_assert_uint_eq(m.rej.ari[CM_REJ_ARI - 1], 0xff);

	ck_assert_int_eq(parse_ones(CM_ATTR_MRA, &m), -EPROTO);	/* message 3 */
	ck_assert_uint_eq(m.mra.msg_mraed, 3);
	ck_assert_uint_eq(m.mra.service_timeout, 31);

	ck_assert_int_eq(parse_ones(CM_ATTR_DREQ, &m), 0);
	ck_assert_uint_eq(m.dreq.remote_qpn, 0xffffff);
}
END_TEST

/*
 * MADs captured from Linux rdma_cm over rxe (tests/data/captures): the UD payload,
 * up to its last non-zero byte (the rest of the 256 is zero).
 * rdma_cm_send.pcap frame 1: REQ to port 18515 (0x4853) from 192.168.77.12:48520.
 */
static const uint8_t linux_req[200] = {
	0x01, 0x07, 0x02, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
	0xec, 0xc5, 0x60, 0x5d, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x5d, 0x60, 0xc5, 0xec, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x06, 0x48, 0x53, 0x50, 0x54, 0x00, 0xff, 0xfe, 0x77, 0x00, 0x02,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x17, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xa0, 0x64, 0x5a, 0x76, 0xa7,
	0xff, 0xff, 0x37, 0xf0, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xc0, 0xa8, 0x4d, 0x0c,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff,
	0xc0, 0xa8, 0x4d, 0x0b, 0x73, 0xbc, 0xb0, 0x00, 0x00, 0x40, 0x00, 0x98,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0xbd, 0x88,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0xc0, 0xa8, 0x4d, 0x0c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0xc0, 0xa8, 0x4d, 0x0b,
};

/* rdma_cm_send.pcap frame 2: the REP answering it. */
static const uint8_t linux_rep[60] = {
	0x01, 0x07, 0x02, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
	0xec, 0xc5, 0x60, 0x5d, 0x00, 0x13, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x0a, 0x39, 0xe5, 0x1a, 0x5d, 0x60, 0xc5, 0xec, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x17, 0x00, 0x00, 0x00, 0x00, 0x00, 0x52, 0x4c, 0x55, 0x00,
	0x00, 0x00, 0x78, 0xe0, 0x50, 0x54, 0x00, 0xff, 0xfe, 0x77, 0x00, 0x01,
};

/* host_veth_cm_req_rej.pcap frame 4: REJ of a REQ, reason 8 (invalid service ID). */
static const uint8_t linux_rej[36] = {
	0x01, 0x07, 0x02, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x96, 0xc6, 0x84, 0x1e, 0x00, 0x12, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0xc2, 0xac, 0x09, 0x2f, 0x00, 0x00, 0x00, 0x08,
};


/* Pad a captured prefix to a whole MAD; parse it; building the result gives it back. */
static void
parse_linux(const uint8_t *prefix, size_t len, struct cm_mad *m)
{
	uint8_t mad[CM_MAD_SIZE] = { 0 }, again[CM_MAD_SIZE];

	memcpy(mad, prefix, len);
	ck_assert_int_eq(cm_mad_parse(mad, sizeof(mad), m), 0);
	ck_assert_int_eq(cm_mad_build(m, again), CM_MAD_SIZE);
	ck_assert_mem_eq(again, mad, CM_MAD_SIZE);
}

static void
v4mapped(uint8_t a[16], uint8_t b0, uint8_t b1, uint8_t b2, uint8_t b3)
{
	memset(a, 0, 10);
	a[10] = 0xff;
	a[11] = 0xff;
	a[12] = b0;
	a[13] = b1;
	a[14] = b2;
	a[15] = b3;
}

START_TEST(test_cm_mad_linux_req)
{
	uint8_t src[16], dst[16], want_src[16], want_dst[16];
	const struct cm_req *r;
	struct cm_mad m;
	uint16_t port;

	parse_linux(linux_req, sizeof(linux_req), &m);
	r = &m.req;
	ck_assert_uint_eq(m.attr_id, CM_ATTR_REQ);
	ck_assert(m.tid == 0x00000002ecc5605dull);
	ck_assert_uint_eq(r->local_comm_id, 0x5d60c5ec);
	ck_assert(r->service_id == cma_service_id(18515));
	ck_assert(r->local_ca_guid == 0x505400fffe770002ull);
	ck_assert_uint_eq(r->local_qkey, 0);
	ck_assert_uint_eq(r->local_qpn, 0x17);
	ck_assert_uint_eq(r->resp_resources, 0);
	ck_assert_uint_eq(r->init_depth, 0);
	ck_assert_uint_eq(r->remote_cm_timeout, 20);		/* CMA_CM_RESPONSE_TIMEOUT */
	ck_assert_uint_eq(r->qp_type, CM_QPT_RC);
	ck_assert_uint_eq(r->starting_psn, 0x645a76);
	ck_assert_uint_eq(r->local_cm_timeout, 20);
	ck_assert_uint_eq(r->retry_count, 7);
	ck_assert_uint_eq(r->pkey, 0xffff);
	ck_assert_uint_eq(r->path_mtu, 3);			/* 1024 */
	ck_assert_uint_eq(r->rnr_retry_count, 7);
	ck_assert_uint_eq(r->max_cm_retries, 15);		/* CMA_MAX_CM_RETRIES */
	ck_assert_uint_eq(r->srq, 0);
	ck_assert_uint_eq(r->primary.slid, 0xffff);
	ck_assert_uint_eq(r->primary.dlid, 0xffff);
	v4mapped(want_src, 192, 168, 77, 12);
	v4mapped(want_dst, 192, 168, 77, 11);
	ck_assert_mem_eq(r->primary.sgid, want_src, 16);
	ck_assert_mem_eq(r->primary.dgid, want_dst, 16);
	ck_assert_uint_eq(r->primary.flow_label, 0x73bcb);
	ck_assert_uint_eq(r->primary.packet_rate, 0);
	ck_assert_uint_eq(r->primary.hop_limit, 64);
	ck_assert_uint_eq(r->primary.local_ack_timeout, 19);
	ck_assert(!r->has_alt);
	ck_assert_int_eq(cma_hdr_parse(r->pdata, sizeof(r->pdata), src, dst, &port), 0);
	ck_assert_mem_eq(src, want_src, 16);
	ck_assert_mem_eq(dst, want_dst, 16);
	ck_assert_uint_eq(port, 48520);
}
END_TEST

START_TEST(test_cm_mad_linux_rep_rej)
{
	struct cm_mad m;

	parse_linux(linux_rep, sizeof(linux_rep), &m);
	ck_assert_uint_eq(m.attr_id, CM_ATTR_REP);
	ck_assert_uint_eq(m.rep.local_comm_id, 0x0a39e51a);
	ck_assert_uint_eq(m.rep.remote_comm_id, 0x5d60c5ec);
	ck_assert_uint_eq(m.rep.local_qpn, 0x17);
	ck_assert_uint_eq(m.rep.starting_psn, 0x524c55);
	ck_assert_uint_eq(m.rep.target_ack_delay, 15);
	ck_assert_uint_eq(m.rep.failover_accepted, 0);
	ck_assert_uint_eq(m.rep.flow_ctrl, 0);
	ck_assert_uint_eq(m.rep.rnr_retry_count, 7);
	ck_assert_uint_eq(m.rep.srq, 0);
	ck_assert(m.rep.local_ca_guid == 0x505400fffe770001ull);

	parse_linux(linux_rej, sizeof(linux_rej), &m);
	ck_assert_uint_eq(m.attr_id, CM_ATTR_REJ);
	ck_assert_uint_eq(m.rej.local_comm_id, 0);
	ck_assert_uint_eq(m.rej.remote_comm_id, 0xc2ac092f);
	ck_assert_uint_eq(m.rej.msg_rejected, CM_MSG_REQ);
	ck_assert_uint_eq(m.rej.ari_len, 0);
	ck_assert_uint_eq(m.rej.reason, CM_REJ_INVALID_SERVICE_ID);
}
END_TEST

/* Header errors: -EINVAL and m untouched. */
static void
parse_rejects(const uint8_t *buf, size_t len, int want, const char *what)
{
	struct cm_mad m, before;

	memset(&m, 0x5a, sizeof(m));
	before = m;
	ck_assert_msg(cm_mad_parse(buf, len, &m) == want, "%s", what);
	ck_assert_msg(memcmp(&m, &before, sizeof(m)) == 0, "%s: m changed", what);
}

START_TEST(test_cm_mad_parse_bad_header)
{
	uint8_t buf[CM_MAD_SIZE], bad[CM_MAD_SIZE];
	struct cm_mad m;

	fill(&m, CM_ATTR_RTU, false);
	ck_assert_int_eq(cm_mad_build(&m, buf), CM_MAD_SIZE);
	parse_rejects(buf, CM_MAD_SIZE - 1, -EINVAL, "short");
	parse_rejects(buf, 0, -EINVAL, "empty");
	memcpy(bad, buf, sizeof(bad));
	bad[0] = 2;
	parse_rejects(bad, sizeof(bad), -EINVAL, "base version 2");
	memcpy(bad, buf, sizeof(bad));
	bad[1] = 0x03;
	parse_rejects(bad, sizeof(bad), -EINVAL, "class SA");
	memcpy(bad, buf, sizeof(bad));
	bad[2] = 1;
	parse_rejects(bad, sizeof(bad), -EINVAL, "class version 1");
	/* a longer buffer is fine: the MAD is its first 256 bytes */
	ck_assert_int_eq(cm_mad_parse(buf, CM_MAD_SIZE + 100, &m), 0);
}
END_TEST

/* Attributes other than REQ..DREP: -EINVAL, with the header fields filled in. */
START_TEST(test_cm_mad_parse_unknown_attr)
{
	static const uint16_t others[] = { 0x0000, CM_ATTR_CLASS_PORT_INFO, 0x000f,
					   CM_ATTR_SIDR_REQ, CM_ATTR_SIDR_REP, CM_ATTR_LAP,
					   CM_ATTR_APR, 0x1012, 0xffff };
	uint8_t buf[CM_MAD_SIZE];
	struct cm_mad m;
	unsigned int i;

	for (i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		fill(&m, CM_ATTR_RTU, false);
		ck_assert_int_eq(cm_mad_build(&m, buf), CM_MAD_SIZE);
		buf[16] = (uint8_t)(others[i] >> 8);
		buf[17] = (uint8_t)others[i];
		memset(&m, 0x5a, sizeof(m));
		ck_assert_int_eq(cm_mad_parse(buf, sizeof(buf), &m), -EINVAL);
		ck_assert_uint_eq(m.attr_id, others[i]);
		ck_assert(m.tid == 0x0123456789abcdefull);
	}
}
END_TEST

/* A valid MAD of attr with byte off set to val under mask; returns cm_mad_parse(). */
static int
parse_patched(uint16_t attr, bool xrc, unsigned int off, unsigned int val, uint8_t mask,
	      struct cm_mad *back)
{
	uint8_t buf[CM_MAD_SIZE];
	struct cm_mad m;

	fill(&m, attr, false);
	if (xrc) {
		m.req.qp_type = CM_QPT_EXT;
		m.req.ext_transport = CM_EXT_XRC;
	}
	ck_assert_int_eq(cm_mad_build(&m, buf), CM_MAD_SIZE);
	buf[off] = (uint8_t)((buf[off] & ~mask) | (val & mask));
	memset(back, 0x5a, sizeof(*back));
	return cm_mad_parse(buf, sizeof(buf), back);
}

/* -EPROTO, and m holds the message as decoded, communication IDs included. */
static void
parse_eproto(uint16_t attr, bool xrc, unsigned int off, unsigned int val, uint8_t mask,
	     const char *what)
{
	struct cm_mad m, back;

	fill(&m, attr, false);
	ck_assert_msg(parse_patched(attr, xrc, off, val, mask, &back) == -EPROTO, "%s 0x%x",
		      what, val);
	ck_assert_uint_eq(back.attr_id, attr);
	ck_assert(back.tid == m.tid);
	/* every message starts with the local and remote communication IDs */
	ck_assert_uint_eq(back.rtu.local_comm_id, m.rtu.local_comm_id);
	if (attr != CM_ATTR_REQ)
		ck_assert_uint_eq(back.rtu.remote_comm_id, m.rtu.remote_comm_id);
}

START_TEST(test_cm_mad_parse_malformed)
{
	struct cm_mad m;
	unsigned int v;

	parse_eproto(CM_ATTR_DREP, false, 3, 0x81, 0xff, "method GetResp");
	parse_eproto(CM_ATTR_REQ, false, 3, 0x01, 0xff, "method Get");
	/* REQ transport type 3 (43[5], 2 bits) needs extended transport XRC (51[5], 3 bits) */
	ck_assert_int_eq(parse_patched(CM_ATTR_REQ, true, HDR + 51, 1, 0x07, &m), 0);
	for (v = 0; v < 8; v++)
		if (v != CM_EXT_XRC)
			parse_eproto(CM_ATTR_REQ, true, HDR + 51, v, 0x07, "REQ extended type");
	/* REQ path MTU (50[0], 4 bits): 1..5 */
	for (v = 0; v < 16; v++) {
		if (v >= CM_MTU_256 && v <= CM_MTU_4096)
			ck_assert_int_eq(parse_patched(CM_ATTR_REQ, false, HDR + 50, v << 4, 0xf0,
						       &m), 0);
		else
			parse_eproto(CM_ATTR_REQ, false, HDR + 50, v << 4, 0xf0, "REQ MTU");
	}
	parse_eproto(CM_ATTR_REJ, false, HDR + 8, 3 << 6, 0xc0, "REJ message 3");
	ck_assert_int_eq(parse_patched(CM_ATTR_REJ, false, HDR + 9, CM_REJ_ARI << 1, 0xfe, &m),
			 0);
	for (v = CM_REJ_ARI + 1; v < 128; v++)
		parse_eproto(CM_ATTR_REJ, false, HDR + 9, v << 1, 0xfe, "REJ ARI length");
	parse_eproto(CM_ATTR_MRA, false, HDR + 8, 3 << 6, 0xc0, "MRA message 3");
}
END_TEST

/* Build errors: -EINVAL and out zeroed. */
static void
build_rejects(const struct cm_mad *m, const char *what)
{
	static const uint8_t zero[CM_MAD_SIZE];
	uint8_t out[CM_MAD_SIZE];

	memset(out, 0xa5, sizeof(out));
	ck_assert_msg(cm_mad_build(m, out) == -EINVAL, "%s", what);
	ck_assert_msg(memcmp(out, zero, sizeof(out)) == 0, "%s: out not zeroed", what);
}

#define BUILD_REJECTS(attr, stmt) do { \
	struct cm_mad m_; \
	fill(&m_, attr, false); \
	{ struct cm_mad *m = &m_; stmt; } \
	build_rejects(&m_, #stmt); \
} while (0)

START_TEST(test_cm_mad_build_out_of_range)
{
	BUILD_REJECTS(CM_ATTR_REQ, m->req.local_qpn = 1u << 24);
	BUILD_REJECTS(CM_ATTR_REQ, m->req.starting_psn = 1u << 24);
	BUILD_REJECTS(CM_ATTR_REQ, m->req.retry_count = 8);
	BUILD_REJECTS(CM_ATTR_REQ, m->req.rnr_retry_count = 8);
	BUILD_REJECTS(CM_ATTR_REQ, m->req.remote_cm_timeout = 32);
	BUILD_REJECTS(CM_ATTR_REQ, m->req.local_cm_timeout = 32);
	BUILD_REJECTS(CM_ATTR_REQ, m->req.qp_type = 4);
	BUILD_REJECTS(CM_ATTR_REQ, m->req.flow_ctrl = 2);
	BUILD_REJECTS(CM_ATTR_REQ, m->req.max_cm_retries = 16);
	BUILD_REJECTS(CM_ATTR_REQ, m->req.srq = 2);
	BUILD_REJECTS(CM_ATTR_REQ, m->req.rdc_exists = 2);
	BUILD_REJECTS(CM_ATTR_REQ, m->req.ext_transport = 8);
	BUILD_REJECTS(CM_ATTR_REQ, m->req.primary.flow_label = 1u << 20);
	BUILD_REJECTS(CM_ATTR_REQ, m->req.primary.packet_rate = 64);
	BUILD_REJECTS(CM_ATTR_REQ, m->req.primary.sl = 16);
	BUILD_REJECTS(CM_ATTR_REQ, m->req.primary.subnet_local = 2);
	BUILD_REJECTS(CM_ATTR_REQ, m->req.primary.local_ack_timeout = 32);
	BUILD_REJECTS(CM_ATTR_REQ, m->req.alt.flow_label = 1u << 20);
	BUILD_REJECTS(CM_ATTR_REQ, m->req.alt.sl = 16);
	BUILD_REJECTS(CM_ATTR_REP, m->rep.local_qpn = 1u << 24);
	BUILD_REJECTS(CM_ATTR_REP, m->rep.local_eecn = 1u << 24);
	BUILD_REJECTS(CM_ATTR_REP, m->rep.starting_psn = 0xffffffff);
	BUILD_REJECTS(CM_ATTR_REP, m->rep.target_ack_delay = 32);
	BUILD_REJECTS(CM_ATTR_REP, m->rep.failover_accepted = 4);
	BUILD_REJECTS(CM_ATTR_REP, m->rep.rnr_retry_count = 8);
	BUILD_REJECTS(CM_ATTR_REP, m->rep.srq = 2);
	BUILD_REJECTS(CM_ATTR_MRA, m->mra.service_timeout = 32);
	BUILD_REJECTS(CM_ATTR_DREQ, m->dreq.remote_qpn = 1u << 24);
}
END_TEST

START_TEST(test_cm_mad_build_reserved)
{
	unsigned int v;

	BUILD_REJECTS(CM_ATTR_RTU, m->attr_id = CM_ATTR_LAP);
	BUILD_REJECTS(CM_ATTR_RTU, m->attr_id = CM_ATTR_CLASS_PORT_INFO);
	BUILD_REJECTS(CM_ATTR_RTU, m->attr_id = 0x1234);
	BUILD_REJECTS(CM_ATTR_RTU, m->method = 0x01);
	BUILD_REJECTS(CM_ATTR_REQ, m->method = 0x83);
	BUILD_REJECTS(CM_ATTR_REQ, m->req.path_mtu = 0);
	BUILD_REJECTS(CM_ATTR_REQ, m->req.path_mtu = 6);
	BUILD_REJECTS(CM_ATTR_REQ, m->req.path_mtu = 15);
	for (v = 0; v < 8; v++)
		if (v != CM_EXT_XRC)
			BUILD_REJECTS(CM_ATTR_REQ, m->req.qp_type = CM_QPT_EXT;
				      m->req.ext_transport = (uint8_t)v);
	BUILD_REJECTS(CM_ATTR_REQ, m->req.alt.slid = 0);	/* has_alt, but no LID */
	BUILD_REJECTS(CM_ATTR_REJ, m->rej.msg_rejected = 3);
	BUILD_REJECTS(CM_ATTR_REJ, m->rej.ari_len = CM_REJ_ARI + 1);
	BUILD_REJECTS(CM_ATTR_REJ, m->rej.ari_len = 127);
	BUILD_REJECTS(CM_ATTR_MRA, m->mra.msg_mraed = 3);
}
END_TEST

START_TEST(test_cma_hdr_ipv4)
{
	uint8_t pdata[CMA_HDR_SIZE], src[16], dst[16], s[16], d[16];
	uint16_t port = 0;

	v4mapped(src, 192, 168, 77, 12);
	v4mapped(dst, 10, 0, 0, 254);
	memset(pdata, 0xff, sizeof(pdata));
	ck_assert_int_eq(cma_hdr_build(pdata, src, dst, 0xbd88), CMA_HDR_SIZE);
	ck_assert_uint_eq(pdata[0], 0x00);		/* cma_version */
	ck_assert_uint_eq(pdata[1], 0x40);		/* IP version 4 in bits 7:4 */
	ck_assert_uint_eq(pdata[2] << 8 | pdata[3], 0xbd88);
	/* union cma_ip_addr: 12 zero bytes, then the IPv4 address (Linux cma.c) */
	assert_zero(pdata + 4, 12, "src pad");
	ck_assert_mem_eq(pdata + 16, src + 12, 4);
	assert_zero(pdata + 20, 12, "dst pad");
	ck_assert_mem_eq(pdata + 32, dst + 12, 4);
	ck_assert_int_eq(cma_hdr_parse(pdata, sizeof(pdata), s, d, &port), 0);
	ck_assert_mem_eq(s, src, 16);			/* back as ::ffff:a.b.c.d */
	ck_assert_mem_eq(d, dst, 16);
	ck_assert_uint_eq(port, 0xbd88);
}
END_TEST

START_TEST(test_cma_hdr_ipv6)
{
	static const uint8_t src[16] = { 0xfe, 0x80, [8] = 0x02, 0x11, 0x22, 0xff, 0xfe, 0x33,
					 0x44, 0x55 };
	static const uint8_t dst[16] = { 0x20, 0x01, 0x0d, 0xb8, [14] = 0x01, 0x02 };
	uint8_t pdata[CM_REQ_PDATA], s[16], d[16];
	uint16_t port = 0;

	ck_assert_int_eq(cma_hdr_build(pdata, src, dst, 4420), CMA_HDR_SIZE);
	ck_assert_uint_eq(pdata[0], 0x00);
	ck_assert_uint_eq(pdata[1], 0x60);
	ck_assert_uint_eq(pdata[2] << 8 | pdata[3], 4420);
	ck_assert_mem_eq(pdata + 4, src, 16);
	ck_assert_mem_eq(pdata + 20, dst, 16);
	ck_assert_int_eq(cma_hdr_parse(pdata, sizeof(pdata), s, d, &port), 0);
	ck_assert_mem_eq(s, src, 16);
	ck_assert_mem_eq(d, dst, 16);
	ck_assert_uint_eq(port, 4420);
	/* the low nibble of the IP version byte is reserved: ignored */
	pdata[1] = 0x6f;
	ck_assert_int_eq(cma_hdr_parse(pdata, sizeof(pdata), s, d, &port), 0);
}
END_TEST

START_TEST(test_cma_hdr_errors)
{
	static const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	uint8_t pdata[CMA_HDR_SIZE], v4[16], s[16], d[16], before[16];
	uint16_t port = 7;
	unsigned int ipv;

	v4mapped(v4, 192, 0, 2, 1);
	ck_assert_int_eq(cma_hdr_build(pdata, v4, v6, 1), -EINVAL);
	ck_assert_int_eq(cma_hdr_build(pdata, v6, v4, 1), -EINVAL);
	ck_assert_int_eq(cma_hdr_build(pdata, v4, v4, 1), CMA_HDR_SIZE);
	memset(s, 0x5a, sizeof(s));
	memcpy(before, s, sizeof(s));
	ck_assert_int_eq(cma_hdr_parse(pdata, CMA_HDR_SIZE - 1, s, d, &port), -EINVAL);
	pdata[0] = 0x01;				/* cma_version */
	ck_assert_int_eq(cma_hdr_parse(pdata, sizeof(pdata), s, d, &port), -EINVAL);
	pdata[0] = 0x00;
	for (ipv = 0; ipv < 16; ipv++) {
		if (ipv == 4 || ipv == 6)
			continue;
		pdata[1] = (uint8_t)(ipv << 4);
		ck_assert_int_eq(cma_hdr_parse(pdata, sizeof(pdata), s, d, &port), -EINVAL);
	}
	ck_assert_mem_eq(s, before, 16);
	ck_assert_uint_eq(port, 7);
}
END_TEST

/* rdma_cm's REQ: the cma_hdr and the ULP's 56 bytes behind it survive the MAD. */
START_TEST(test_cma_hdr_in_req)
{
	uint8_t out[CM_MAD_SIZE], s[16], d[16], ulp[CM_REQ_PDATA - CMA_HDR_SIZE];
	struct cm_mad m, back;
	uint16_t port;

	fill(&m, CM_ATTR_REQ, false);
	m.req.qp_type = CM_QPT_RC;
	m.req.service_id = cma_service_id(4420);
	v4mapped(m.req.primary.sgid, 192, 168, 1, 1);
	v4mapped(m.req.primary.dgid, 192, 168, 1, 2);
	ck_assert_int_eq(cma_hdr_build(m.req.pdata, m.req.primary.sgid, m.req.primary.dgid,
				       50000), CMA_HDR_SIZE);
	pattern(ulp, sizeof(ulp), 0xc4);
	memcpy(m.req.pdata + CMA_HDR_SIZE, ulp, sizeof(ulp));
	roundtrip(&m, out);
	ck_assert_int_eq(cm_mad_parse(out, sizeof(out), &back), 0);
	ck_assert_int_eq(cma_hdr_parse(back.req.pdata, sizeof(back.req.pdata), s, d, &port), 0);
	ck_assert_mem_eq(s, m.req.primary.sgid, 16);
	ck_assert_mem_eq(d, m.req.primary.dgid, 16);
	ck_assert_uint_eq(port, 50000);
	ck_assert_mem_eq(back.req.pdata + CMA_HDR_SIZE, ulp, sizeof(ulp));
	ck_assert_uint_eq(out[HDR + 140 + 1], 0x40);
}
END_TEST

START_TEST(test_cma_service_id)
{
	ck_assert(cma_service_id(4420) == 0x0000000001061144ull);	/* NVMe-oF */
	ck_assert(cma_service_id(0) == CMA_PS_TCP_SID);
	ck_assert(cma_service_id(0xffff) == 0x000000000106ffffull);
	ck_assert((cma_service_id(18515) & CMA_SID_MASK) == CMA_PS_TCP_SID);
}
END_TEST

START_TEST(test_cm_attr_name)
{
	ck_assert_str_eq(cm_attr_name(CM_ATTR_REQ), "REQ");
	ck_assert_str_eq(cm_attr_name(CM_ATTR_MRA), "MRA");
	ck_assert_str_eq(cm_attr_name(CM_ATTR_REJ), "REJ");
	ck_assert_str_eq(cm_attr_name(CM_ATTR_REP), "REP");
	ck_assert_str_eq(cm_attr_name(CM_ATTR_RTU), "RTU");
	ck_assert_str_eq(cm_attr_name(CM_ATTR_DREQ), "DREQ");
	ck_assert_str_eq(cm_attr_name(CM_ATTR_DREP), "DREP");
	ck_assert_str_eq(cm_attr_name(CM_ATTR_CLASS_PORT_INFO), "ClassPortInfo");
	ck_assert_str_eq(cm_attr_name(CM_ATTR_SIDR_REQ), "SIDR_REQ");
	ck_assert_str_eq(cm_attr_name(CM_ATTR_SIDR_REP), "SIDR_REP");
	ck_assert_str_eq(cm_attr_name(CM_ATTR_LAP), "LAP");
	ck_assert_str_eq(cm_attr_name(CM_ATTR_APR), "APR");
	ck_assert_str_eq(cm_attr_name(0x0000), "unknown");
	ck_assert_str_eq(cm_attr_name(0xffff), "unknown");
}
END_TEST

static Suite *
cm_mad_suite(void)
{
	Suite *s = suite_create("cm_mad");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_cm_mad_roundtrip_distinct);
	tcase_add_test(tc, test_cm_mad_roundtrip_max);
	tcase_add_test(tc, test_cm_mad_roundtrip_each_value);
	tcase_add_test(tc, test_cm_mad_hdr_bytes);
	tcase_add_test(tc, test_cm_mad_req_bytes);
	tcase_add_test(tc, test_cm_mad_rep_bytes);
	tcase_add_test(tc, test_cm_mad_rej_bytes);
	tcase_add_test(tc, test_cm_mad_mra_dreq_bytes);
	tcase_add_test(tc, test_cm_mad_reserved_zero);
	tcase_add_test(tc, test_cm_mad_req_no_alt);
	tcase_add_test(tc, test_cm_mad_parse_field_widths);
	tcase_add_test(tc, test_cm_mad_linux_req);
	tcase_add_test(tc, test_cm_mad_linux_rep_rej);
	tcase_add_test(tc, test_cm_mad_parse_bad_header);
	tcase_add_test(tc, test_cm_mad_parse_unknown_attr);
	tcase_add_test(tc, test_cm_mad_parse_malformed);
	tcase_add_test(tc, test_cm_mad_build_out_of_range);
	tcase_add_test(tc, test_cm_mad_build_reserved);
	tcase_add_test(tc, test_cma_hdr_ipv4);
	tcase_add_test(tc, test_cma_hdr_ipv6);
	tcase_add_test(tc, test_cma_hdr_errors);
	tcase_add_test(tc, test_cma_hdr_in_req);
	tcase_add_test(tc, test_cma_service_id);
	tcase_add_test(tc, test_cm_attr_name);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return test_run_suite(cm_mad_suite());
}
