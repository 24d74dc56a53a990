/* SPDX-License-Identifier: BSD-3-Clause */
#include <assert.h>
#include <errno.h>
#include <string.h>

#include "cm_mad.h"

/*
 * MAD common header (IBA 13.4): BaseVersion, MgmtClass, ClassVersion, Method, Status (16),
 * ClassSpecific (16), TransactionID (64), AttributeID (16), reserved (16), AttributeModifier
 * (32). All big-endian.
 */
#define MAD_BASE_VERSION	0
#define MAD_MGMT_CLASS		1
#define MAD_CLASS_VERSION	2
#define MAD_METHOD		3
#define MAD_STATUS		4
#define MAD_TID			8
#define MAD_ATTR_ID		16
#define MAD_ATTR_MOD		20

/*
 * One field of a CM message, placed as the IBA message tables place it: Byte[Bit] is the
 * byte offset within the message and the first bit (0 = most significant), then the width
 * in bits, most significant bit first. A width above 64 is a byte string (GIDs, private
 * data). The host-order value lives at member bytes into the message's struct.
 */
struct cm_field {
	uint8_t off;
	uint8_t bit;
	uint16_t bits;
	uint16_t member;
	uint8_t size;
};

#define NFIELDS(t)	(sizeof(t) / sizeof((t)[0]))
#define FLD(type, o, b, w, m) \
	{ (o), (b), (w), offsetof(type, m), sizeof(((type *)0)->m) }
#define STR(type, o, m) \
	{ (o), 0, 8 * sizeof(((type *)0)->m), offsetof(type, m), sizeof(((type *)0)->m) }

/*
 * The message tables: IBA 1.4 section and table (numbered as in Linux ibta_vol1_c12.h).
 * IBA 12.6.5 (table 106): the REQ up to its paths, and its private data.
 */
#define REQ(o, b, w, m) FLD(struct cm_req, o, b, w, m)
static const struct cm_field req_fields[] = {
	REQ(0, 0, 32, local_comm_id),
	/* 4-7 reserved */
	REQ(8, 0, 64, service_id),
	REQ(16, 0, 64, local_ca_guid),
	/* 24-27 reserved */
	REQ(28, 0, 32, local_qkey),
	REQ(32, 0, 24, local_qpn),
	REQ(35, 0, 8, resp_resources),
	/* 36-38 local EECN, 40-42 remote EECN: RD only, written as zero */
	REQ(39, 0, 8, init_depth),
	REQ(43, 0, 5, remote_cm_timeout),
	REQ(43, 5, 2, qp_type),
	REQ(43, 7, 1, flow_ctrl),
	REQ(44, 0, 24, starting_psn),
	REQ(47, 0, 5, local_cm_timeout),
	REQ(47, 5, 3, retry_count),
	REQ(48, 0, 16, pkey),
	REQ(50, 0, 4, path_mtu),
	REQ(50, 4, 1, rdc_exists),
	REQ(50, 5, 3, rnr_retry_count),
	REQ(51, 0, 4, max_cm_retries),
	REQ(51, 4, 1, srq),
	REQ(51, 5, 3, ext_transport),
	STR(struct cm_req, 140, pdata),
};
#undef REQ

/* A REQ path, offsets from its start: the primary at 52, the alternate at 96. */
#define REQ_PRIMARY	52
#define REQ_ALT		96
#define REQ_PATH_LEN	44
#define PATH(o, b, w, m) FLD(struct cm_path, o, b, w, m)
static const struct cm_field path_fields[] = {
	PATH(0, 0, 16, slid),
	PATH(2, 0, 16, dlid),
	STR(struct cm_path, 4, sgid),
	STR(struct cm_path, 20, dgid),
	PATH(36, 0, 20, flow_label),
	/* 20 + 6 reserved bits */
	PATH(39, 2, 6, packet_rate),
	PATH(40, 0, 8, tclass),
	PATH(41, 0, 8, hop_limit),
	PATH(42, 0, 4, sl),
	PATH(42, 4, 1, subnet_local),
	/* 42[5] 3 reserved bits */
	PATH(43, 0, 5, local_ack_timeout),
	/* 43[5] 3 reserved bits (the alternate path's SAP Supported bit: not used) */
};
#undef PATH

/* IBA 12.6.6 (table 107). */
#define MRA(o, b, w, m) FLD(struct cm_mra, o, b, w, m)
static const struct cm_field mra_fields[] = {
	MRA(0, 0, 32, local_comm_id),
	MRA(4, 0, 32, remote_comm_id),
	MRA(8, 0, 2, msg_mraed),
	MRA(9, 0, 5, service_timeout),
	STR(struct cm_mra, 10, pdata),
};
#undef MRA

/* IBA 12.6.7 (table 108); the ARI (12-83) goes by ari_len, see put_rej_ari(). */
#define REJ(o, b, w, m) FLD(struct cm_rej, o, b, w, m)
#define REJ_ARI		12
static const struct cm_field rej_fields[] = {
	REJ(0, 0, 32, local_comm_id),
	REJ(4, 0, 32, remote_comm_id),
	REJ(8, 0, 2, msg_rejected),
	REJ(9, 0, 7, ari_len),
	REJ(10, 0, 16, reason),
	STR(struct cm_rej, 84, pdata),
};
#undef REJ

/* IBA 12.6.8 (table 110). */
#define REP(o, b, w, m) FLD(struct cm_rep, o, b, w, m)
static const struct cm_field rep_fields[] = {
	REP(0, 0, 32, local_comm_id),
	REP(4, 0, 32, remote_comm_id),
	REP(8, 0, 32, local_qkey),
	REP(12, 0, 24, local_qpn),
	REP(16, 0, 24, local_eecn),
	REP(20, 0, 24, starting_psn),
	REP(24, 0, 8, resp_resources),
	REP(25, 0, 8, init_depth),
	REP(26, 0, 5, target_ack_delay),
	REP(26, 5, 2, failover_accepted),
	REP(26, 7, 1, flow_ctrl),
	REP(27, 0, 3, rnr_retry_count),
	REP(27, 3, 1, srq),
	REP(28, 0, 64, local_ca_guid),
	STR(struct cm_rep, 36, pdata),
};
#undef REP

/* IBA 12.6.9 (table 111). */
static const struct cm_field rtu_fields[] = {
	FLD(struct cm_rtu, 0, 0, 32, local_comm_id),
	FLD(struct cm_rtu, 4, 0, 32, remote_comm_id),
	STR(struct cm_rtu, 8, pdata),
};

/* IBA 12.6.10 (table 112). */
static const struct cm_field dreq_fields[] = {
	FLD(struct cm_dreq, 0, 0, 32, local_comm_id),
	FLD(struct cm_dreq, 4, 0, 32, remote_comm_id),
	FLD(struct cm_dreq, 8, 0, 24, remote_qpn),
	STR(struct cm_dreq, 12, pdata),
};

/* IBA 12.6.11 (table 113). */
static const struct cm_field drep_fields[] = {
	FLD(struct cm_drep, 0, 0, 32, local_comm_id),
	FLD(struct cm_drep, 4, 0, 32, remote_comm_id),
	STR(struct cm_drep, 8, pdata),
};

/* Private data runs to the end of the 232-byte message in every one of them. */
static_assert(140 + CM_REQ_PDATA == CM_MSG_SIZE, "REQ private data ends the message");
static_assert(10 + CM_MRA_PDATA == CM_MSG_SIZE, "MRA private data ends the message");
static_assert(REJ_ARI + CM_REJ_ARI == 84, "REJ ARI ends where private data starts");
static_assert(84 + CM_REJ_PDATA == CM_MSG_SIZE, "REJ private data ends the message");
static_assert(36 + CM_REP_PDATA == CM_MSG_SIZE, "REP private data ends the message");
static_assert(8 + CM_RTU_PDATA == CM_MSG_SIZE, "RTU private data ends the message");
static_assert(12 + CM_DREQ_PDATA == CM_MSG_SIZE, "DREQ private data ends the message");
static_assert(8 + CM_DREP_PDATA == CM_MSG_SIZE, "DREP private data ends the message");
static_assert(REQ_PRIMARY + REQ_PATH_LEN == REQ_ALT && REQ_ALT + REQ_PATH_LEN == 140,
	      "REQ paths sit between the fixed fields and the private data");

struct cm_msg_desc {
	uint16_t attr;
	const char *name;
	const struct cm_field *fields;
	unsigned int n;
};

#define DESC(a, f) { CM_ATTR_##a, #a, f, NFIELDS(f) }
static const struct cm_msg_desc msg_descs[] = {
	DESC(REQ, req_fields),
	DESC(MRA, mra_fields),
	DESC(REJ, rej_fields),
	DESC(REP, rep_fields),
	DESC(RTU, rtu_fields),
	DESC(DREQ, dreq_fields),
	DESC(DREP, drep_fields),
};

static const struct cm_msg_desc *
find_desc(uint16_t attr)
{
	unsigned int i;

	for (i = 0; i < NFIELDS(msg_descs); i++)
		if (msg_descs[i].attr == attr)
			return &msg_descs[i];
	return NULL;
}

const char *
cm_attr_name(uint16_t attr_id)
{
	const struct cm_msg_desc *d = find_desc(attr_id);

	if (d != NULL)
		return d->name;
	switch (attr_id) {
	case CM_ATTR_CLASS_PORT_INFO:
		return "ClassPortInfo";
	case CM_ATTR_SIDR_REQ:
		return "SIDR_REQ";
	case CM_ATTR_SIDR_REP:
		return "SIDR_REP";
	case CM_ATTR_LAP:
		return "LAP";
	case CM_ATTR_APR:
		return "APR";
	default:
		return "unknown";
	}
}

static uint64_t
load_be(const uint8_t *p, unsigned int n)
{
	uint64_t v = 0;
	unsigned int i;

	for (i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

static void
store_be(uint8_t *p, unsigned int n, uint64_t v)
{
	while (n-- > 0) {
		p[n] = (uint8_t)v;
		v >>= 8;
	}
}

static uint64_t
width_mask(unsigned int bits)
{
	return bits >= 64 ? UINT64_MAX : (1ull << bits) - 1;
}

/*
 * A field of bits bits starting at bit of p[0] spans the fewest whole bytes that hold it;
 * every field in the tables fits in 8.
 */
static uint64_t
get_bits(const uint8_t *p, unsigned int bit, unsigned int bits)
{
	unsigned int n = (bit + bits + 7) / 8;

	return load_be(p, n) >> (8 * n - bit - bits) & width_mask(bits);
}

static void
put_bits(uint8_t *p, unsigned int bit, unsigned int bits, uint64_t v)
{
	unsigned int n = (bit + bits + 7) / 8, shift = 8 * n - bit - bits;
	uint64_t mask = width_mask(bits) << shift;

	store_be(p, n, (load_be(p, n) & ~mask) | (v << shift & mask));
}

static uint64_t
load_member(const uint8_t *p, unsigned int size)
{
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;

	switch (size) {
	case 1:
		memcpy(&u8, p, 1);
		return u8;
	case 2:
		memcpy(&u16, p, 2);
		return u16;
	case 4:
		memcpy(&u32, p, 4);
		return u32;
	default:
		memcpy(&u64, p, 8);
		return u64;
	}
}

static void
store_member(uint8_t *p, unsigned int size, uint64_t v)
{
	uint8_t u8 = (uint8_t)v;
	uint16_t u16 = (uint16_t)v;
	uint32_t u32 = (uint32_t)v;

	switch (size) {
	case 1:
		memcpy(p, &u8, 1);
		break;
	case 2:
		memcpy(p, &u16, 2);
		break;
	case 4:
		memcpy(p, &u32, 4);
		break;
	default:
		memcpy(p, &v, 8);
		break;
	}
}

/* Encode n fields of the struct at obj into msg; -EINVAL if a value is wider than its field. */
static int
put_fields(uint8_t *msg, const struct cm_field *f, unsigned int n, const void *obj)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		const uint8_t *src = (const uint8_t *)obj + f[i].member;
		uint64_t v;

		if (f[i].bits > 64) {
			memcpy(msg + f[i].off, src, f[i].size);
			continue;
		}
		v = load_member(src, f[i].size);
		if ((v & ~width_mask(f[i].bits)) != 0)
			return -EINVAL;
		put_bits(msg + f[i].off, f[i].bit, f[i].bits, v);
	}
	return 0;
}

static void
get_fields(const uint8_t *msg, const struct cm_field *f, unsigned int n, void *obj)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		const uint8_t *src = msg + f[i].off;
		uint8_t *dst = (uint8_t *)obj + f[i].member;

		if (f[i].bits > 64)
			memcpy(dst, src, f[i].size);
		else
			store_member(dst, f[i].size, get_bits(src, f[i].bit, f[i].bits));
	}
}

/* IBA 12.6.5: transport 3 means "see Extended Transport Type", of which only XRC exists. */
static bool
req_transport_ok(const struct cm_req *r)
{
	return r->qp_type != CM_QPT_EXT || r->ext_transport == CM_EXT_XRC;
}

static bool
req_mtu_ok(const struct cm_req *r)
{
	return r->path_mtu >= CM_MTU_256 && r->path_mtu <= CM_MTU_4096;
}

/* Reserved encodings a sender must not use and a receiver treats as malformed. */
static bool
msg_ok(const struct cm_mad *m)
{
	switch (m->attr_id) {
	case CM_ATTR_REQ:
		return req_transport_ok(&m->req) && req_mtu_ok(&m->req);
	case CM_ATTR_REJ:
		return m->rej.msg_rejected <= CM_MSG_OTHER && m->rej.ari_len <= CM_REJ_ARI;
	case CM_ATTR_MRA:
		return m->mra.msg_mraed <= CM_MSG_LAP;
	default:
		return true;
	}
}

static void
put_hdr(uint8_t *out, const struct cm_mad *m)
{
	out[MAD_BASE_VERSION] = CM_BASE_VERSION;
	out[MAD_MGMT_CLASS] = CM_MGMT_CLASS;
	out[MAD_CLASS_VERSION] = CM_CLASS_VERSION;
	out[MAD_METHOD] = m->method;
	store_be(out + MAD_STATUS, 2, m->status);
	store_be(out + MAD_TID, 8, m->tid);
	store_be(out + MAD_ATTR_ID, 2, m->attr_id);
	store_be(out + MAD_ATTR_MOD, 4, m->attr_mod);
}

/*
 * The message-specific parts the field tables do not cover: the REQ paths and the REJ
 * ARI, whose length is a field of its own.
 */
static int
put_extra(uint8_t *msg, const struct cm_mad *m)
{
	int ret;

	if (m->attr_id == CM_ATTR_REJ) {
		memcpy(msg + REJ_ARI, m->rej.ari, m->rej.ari_len);
		return 0;
	}
	if (m->attr_id != CM_ATTR_REQ)
		return 0;
	ret = put_fields(msg + REQ_PRIMARY, path_fields, NFIELDS(path_fields), &m->req.primary);
	if (ret != 0 || !m->req.has_alt)
		return ret;
	/* Linux (cm_req_has_alt_path) reads a zero alternate local LID as "no alternate path". */
	if (m->req.alt.slid == 0)
		return -EINVAL;
	return put_fields(msg + REQ_ALT, path_fields, NFIELDS(path_fields), &m->req.alt);
}

int
cm_mad_build(const struct cm_mad *m, uint8_t out[CM_MAD_SIZE])
{
	const struct cm_msg_desc *d = find_desc(m->attr_id);
	uint8_t *msg = out + CM_MAD_HDR_SIZE;
	int ret;

	memset(out, 0, CM_MAD_SIZE);
	if (d == NULL || m->method != CM_METHOD_SEND || !msg_ok(m))
		return -EINVAL;
	/* Every member of the message union starts at its address (C11 6.7.2.1). */
	ret = put_fields(msg, d->fields, d->n, &m->req);
	if (ret == 0)
		ret = put_extra(msg, m);
	if (ret != 0) {
		memset(out, 0, CM_MAD_SIZE);
		return ret;
	}
	put_hdr(out, m);
	return CM_MAD_SIZE;
}

static void
get_extra(const uint8_t *msg, struct cm_mad *m)
{
	if (m->attr_id == CM_ATTR_REJ) {
		/* An oversized ari_len is reported as -EPROTO; copy what fits meanwhile. */
		memcpy(m->rej.ari, msg + REJ_ARI,
		       m->rej.ari_len < CM_REJ_ARI ? m->rej.ari_len : CM_REJ_ARI);
		return;
	}
	if (m->attr_id != CM_ATTR_REQ)
		return;
	get_fields(msg + REQ_PRIMARY, path_fields, NFIELDS(path_fields), &m->req.primary);
	m->req.has_alt = get_bits(msg + REQ_ALT, 0, 16) != 0;
	if (m->req.has_alt)
		get_fields(msg + REQ_ALT, path_fields, NFIELDS(path_fields), &m->req.alt);
}

int
cm_mad_parse(const uint8_t *buf, size_t len, struct cm_mad *m)
{
	const uint8_t *msg = buf + CM_MAD_HDR_SIZE;
	const struct cm_msg_desc *d;

	if (len < CM_MAD_SIZE || buf[MAD_BASE_VERSION] != CM_BASE_VERSION ||
	    buf[MAD_MGMT_CLASS] != CM_MGMT_CLASS || buf[MAD_CLASS_VERSION] != CM_CLASS_VERSION)
		return -EINVAL;
	memset(m, 0, sizeof(*m));
	m->method = buf[MAD_METHOD];
	m->status = (uint16_t)load_be(buf + MAD_STATUS, 2);
	m->tid = load_be(buf + MAD_TID, 8);
	m->attr_id = (uint16_t)load_be(buf + MAD_ATTR_ID, 2);
	m->attr_mod = (uint32_t)load_be(buf + MAD_ATTR_MOD, 4);
	d = find_desc(m->attr_id);
	if (d == NULL)
		return -EINVAL;
	get_fields(msg, d->fields, d->n, &m->req);
	get_extra(msg, m);
	if (m->method != CM_METHOD_SEND || !msg_ok(m))
		return -EPROTO;
	return 0;
}

/* cma.c: cma_hdr.ip_version holds the IP version in bits 7:4. */
#define CMA_IPV_SHIFT	4
#define CMA_SRC		4
#define CMA_DST		20
#define CMA_V4_OFF	12		/* union cma_ip_addr: pad[3], then the IPv4 address */

static bool
is_v4mapped(const uint8_t a[16])
{
	static const uint8_t pfx[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	return memcmp(a, pfx, sizeof(pfx)) == 0;
}

int
cma_hdr_build(uint8_t pdata[CMA_HDR_SIZE], const uint8_t src[16], const uint8_t dst[16],
	      uint16_t src_port)
{
	bool v4 = is_v4mapped(src);

	if (v4 != is_v4mapped(dst))
		return -EINVAL;
	memset(pdata, 0, CMA_HDR_SIZE);
	pdata[0] = CMA_VERSION;
	pdata[1] = (v4 ? 4 : 6) << CMA_IPV_SHIFT;
	store_be(pdata + 2, 2, src_port);
	if (v4) {
		/* rdma_connect() zeroes the private data, so the 12 pad bytes go out as zero. */
		memcpy(pdata + CMA_SRC + CMA_V4_OFF, src + 12, 4);
		memcpy(pdata + CMA_DST + CMA_V4_OFF, dst + 12, 4);
	} else {
		memcpy(pdata + CMA_SRC, src, 16);
		memcpy(pdata + CMA_DST, dst, 16);
	}
	return CMA_HDR_SIZE;
}

static void
cma_addr(uint8_t out[16], const uint8_t *in, bool v4)
{
	if (!v4) {
		memcpy(out, in, 16);
		return;
	}
	memset(out, 0, 10);
	out[10] = 0xff;
	out[11] = 0xff;
	memcpy(out + 12, in + CMA_V4_OFF, 4);
}

int
cma_hdr_parse(const uint8_t *pdata, size_t len, uint8_t src[16], uint8_t dst[16],
	      uint16_t *src_port)
{
	unsigned int ipv;

	if (len < CMA_HDR_SIZE || pdata[0] != CMA_VERSION)
		return -EINVAL;
	ipv = pdata[1] >> CMA_IPV_SHIFT;
	if (ipv != 4 && ipv != 6)
		return -EINVAL;
	cma_addr(src, pdata + CMA_SRC, ipv == 4);
	cma_addr(dst, pdata + CMA_DST, ipv == 4);
	*src_port = (uint16_t)load_be(pdata + 2, 2);
	return 0;
}
