/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * droce-tgt: the subsystem and controller registry, Fabrics Connect and keep-alive
 * bookkeeping. See tgt_ctrlr.h for the contract.
 *
 * Where droce-tgt answers differently from Linux nvmet, and why:
 *  - I/O Connect to a controller whose CC.EN is 0: nvmet accepts the queue (its commands
 *    then fail with Command Sequence Error); droce-tgt refuses it with Invalid Parameters,
 *    IPO qid, as SPDK does (nvmf_ctrlr_add_io_qpair): a host never does this, and a queue
 *    that cannot be used is better not created.
 *  - admin Connect sqsize above 31: nvmet leaves it to the rdma_cm REQ check (NVME_AQ_DEPTH);
 *    droce-tgt also checks the Connect, with the status nvmet gives an oversized I/O queue.
 *  - I/O Connect whose host identifier differs from the admin Connect's: nvmet 6.1 does not
 *    compare; NVMe-oF 1.1 (Connect Command: HOSTID) says all queues of a controller carry
 *    the same one, so droce-tgt refuses with Invalid Parameters, IATTR 1, IPO 0 (hostid).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include "tgt_ctrlr.h"

#define QID_WORDS	((TGT_CONF_MAX_IO_QUEUES + 1 + 63) / 64)
#define CNTLID_WORDS	((TGT_CNTLID_MAX + 1 + 63) / 64)
#define NO_CLOCK	UINT64_MAX	/* the keep-alive clock has not started */

/* One subsystem: a configured NVM subsystem, or the discovery subsystem (conf == NULL). */
struct tgt_subsys {
	const struct tgt_conf_subsys *conf;
	const char *nqn;
	struct tgt_ns_info *ns;		/* sorted by NSID */
	struct tgt_ns_list list;
	bool vwc;
};

struct tgt_ctrlr {
	struct tgt_admin_ctrl admin;
	const struct tgt_subsys *subsys;
	uint16_t cntlid;
	char hostnqn[NVMF_NQN_FIELD_SIZE];
	uint8_t hostid[NVMF_HOSTID_SIZE];
	uint64_t touched_ms;		/* NO_CLOCK until the first touch or scan */
	uint64_t qids[QID_WORDS];	/* connected I/O queues, bit qid */
	uint8_t *disc_log;		/* discovery: this host's log page */
	TAILQ_ENTRY(tgt_ctrlr) next;
};

TAILQ_HEAD(ctrlr_list, tgt_ctrlr);

struct tgt_registry {
	const struct tgt_conf *conf;
	struct tgt_subsys *subsys;	/* [0] discovery, [i + 1] conf->subsys[i] */
	unsigned int nb_subsys;
	char disc_serial[TGT_CONF_SERIAL_LEN + 1];
	struct ctrlr_list ctrlrs;	/* creation order */
	unsigned int nb_ctrlrs;
	uint64_t used[CNTLID_WORDS];	/* cntlids in use, bit cntlid */
	uint16_t next_cntlid;		/* where the next search starts */
};

static bool
bit_get(const uint64_t *map, unsigned int i)
{
	return (map[i / 64] >> (i % 64)) & 1;
}

static void
bit_set(uint64_t *map, unsigned int i, bool v)
{
	if (v)
		map[i / 64] |= 1ull << (i % 64);
	else
		map[i / 64] &= ~(1ull << (i % 64));
}

/* The Connect response dw0 of Invalid Parameters (NVMe-oF 1.1 Connect Response). */
static uint32_t
ipo_data(uint32_t off)
{
	return NVMF_CONNECT_IATTR_DATA | off;
}

static void
fail(uint16_t *status, uint32_t *dw0, unsigned int sc, uint32_t d)
{
	*status = NVMF_STATUS(NVMF_SCT_CMD, sc, 1);
	*dw0 = d;
}

/* ---- Building the registry ---- */

static int
ns_cmp(const void *a, const void *b)
{
	const struct tgt_ns_info *x = a, *y = b;

	return (x->nsid > y->nsid) - (x->nsid < y->nsid);
}

/* The namespaces of conf subsystem @cs with their backends' facts, sorted by NSID. */
static int
subsys_init(struct tgt_subsys *s, const struct tgt_conf_subsys *cs,
	    const struct tgt_subsys_facts *f)
{
	unsigned int i;

	if (f->nb_ns != cs->nb_ns || (f->ns == NULL && f->nb_ns > 0))
		return -EINVAL;
	s->conf = cs;
	s->nqn = cs->nqn;
	s->vwc = f->vwc;
	s->ns = calloc(cs->nb_ns + 1, sizeof(*s->ns));
	if (s->ns == NULL)
		return -ENOMEM;
	for (i = 0; i < cs->nb_ns; i++) {
		struct tgt_ns_info *n = &s->ns[i];

		if (f->ns[i].nblocks == 0 ||
		    (f->ns[i].block_size != 512 && f->ns[i].block_size != 4096))
			return -EINVAL;
		n->nsid = cs->ns[i].nsid;
		n->nblocks = f->ns[i].nblocks;
		n->block_size = f->ns[i].block_size;
		/* NPWG: 4 KiB, the page size hosts write in (nvmet reports the same for brd). */
		n->pref_blocks = (uint16_t)(4096 / n->block_size);
		/* NMIC 0: CMIC says one controller per host connection, no multipath (2.5). */
		n->shared = false;
		memcpy(n->uuid, cs->ns[i].uuid, sizeof(n->uuid));
		memcpy(n->nguid, cs->ns[i].nguid, sizeof(n->nguid));
	}
	qsort(s->ns, cs->nb_ns, sizeof(*s->ns), ns_cmp);
	s->list = (struct tgt_ns_list){ .ns = s->ns, .count = cs->nb_ns, .nn = TGT_CTRLR_NN };
	return 0;
}

/* The discovery subsystem's serial, derived like a configured one's default (tgt_conf.h). */
static void
disc_serial(char serial[TGT_CONF_SERIAL_LEN + 1])
{
	uint8_t uuid[16];
	unsigned int i;

	tgt_conf_uuid5(NVMF_DISCOVERY_NQN, uuid);
	for (i = 0; i < TGT_CONF_SERIAL_LEN / 2; i++)
		snprintf(serial + 2 * i, 3, "%02x", uuid[i]);
}

int
tgt_registry_create(const struct tgt_conf *conf, const struct tgt_subsys_facts *facts,
		    struct tgt_registry **out)
{
	struct tgt_registry *reg;
	unsigned int i;
	int rc;

	if (conf == NULL || out == NULL || (facts == NULL && conf->nb_subsys > 0) ||
	    conf->max_io_queues == 0 || conf->max_io_queues > TGT_CONF_MAX_IO_QUEUES)
		return -EINVAL;
	reg = calloc(1, sizeof(*reg));
	if (reg == NULL)
		return -ENOMEM;
	reg->conf = conf;
	TAILQ_INIT(&reg->ctrlrs);
	reg->next_cntlid = TGT_CNTLID_MIN;
	disc_serial(reg->disc_serial);
	reg->subsys = calloc(conf->nb_subsys + 1, sizeof(*reg->subsys));
	if (reg->subsys == NULL) {
		free(reg);
		return -ENOMEM;
	}
	reg->nb_subsys = conf->nb_subsys + 1;
	reg->subsys[0].nqn = NVMF_DISCOVERY_NQN;
	for (i = 0; i < conf->nb_subsys; i++) {
		rc = subsys_init(&reg->subsys[i + 1], &conf->subsys[i], &facts[i]);
		if (rc < 0) {
			tgt_registry_free(reg);
			return rc;
		}
	}
	*out = reg;
	return 0;
}

static void
ctrlr_free(struct tgt_ctrlr *c)
{
	free(c->disc_log);
	free(c);
}

void
tgt_registry_free(struct tgt_registry *reg)
{
	struct tgt_ctrlr *c;
	unsigned int i;

	if (reg == NULL)
		return;
	while ((c = TAILQ_FIRST(&reg->ctrlrs)) != NULL) {
		TAILQ_REMOVE(&reg->ctrlrs, c, next);
		ctrlr_free(c);
	}
	for (i = 0; i < reg->nb_subsys; i++)
		free(reg->subsys[i].ns);
	free(reg->subsys);
	free(reg);
}

/* ---- Lookups ---- */

static const struct tgt_subsys *
subsys_find(const struct tgt_registry *reg, const char *nqn)
{
	unsigned int i;

	/* NVMe Base 2.0 4.5: NQNs compare as whole strings (nvmet strncmp over 256 bytes). */
	for (i = 0; i < reg->nb_subsys; i++)
		if (strcmp(reg->subsys[i].nqn, nqn) == 0)
			return &reg->subsys[i];
	return NULL;
}

/* nvmet_host_allowed: the discovery subsystem admits every host. */
static bool
host_allowed(const struct tgt_subsys *s, const char *hostnqn)
{
	unsigned int i;

	if (s->conf == NULL || s->conf->allow_any_host)
		return true;
	for (i = 0; i < s->conf->nb_hosts; i++)
		if (strcmp(s->conf->hosts[i], hostnqn) == 0)
			return true;
	return false;
}

struct tgt_ctrlr *
tgt_registry_find(const struct tgt_registry *reg, uint16_t cntlid)
{
	struct tgt_ctrlr *c;

	if (reg == NULL || cntlid < TGT_CNTLID_MIN || cntlid > TGT_CNTLID_MAX ||
	    !bit_get(reg->used, cntlid))
		return NULL;
	TAILQ_FOREACH(c, &reg->ctrlrs, next)
		if (c->cntlid == cntlid)
			return c;
	return NULL;
}

unsigned int
tgt_registry_count(const struct tgt_registry *reg)
{
	return reg == NULL ? 0 : reg->nb_ctrlrs;
}

/*
 * NVMe 1.4 Identify Controller CNTLID: unique in the subsystem, FFF0h and above reserved.
 * The lowest free ID at or after the rotor, wrapping once: a just released ID is handed out
 * again only when every other is taken, so a stale host's I/O Connect naming an old cntlid
 * does not land on a new controller. 0 when every ID is in use.
 */
static uint16_t
cntlid_find(const struct tgt_registry *reg)
{
	unsigned int n, id = reg->next_cntlid;

	for (n = 0; n < TGT_CNTLID_MAX; n++) {
		if (!bit_get(reg->used, id))
			return (uint16_t)id;
		id = id == TGT_CNTLID_MAX ? TGT_CNTLID_MIN : id + 1;
	}
	return 0;
}

/* ---- Discovery log ---- */

static bool
reached_ok(const struct tgt_registry *reg, const struct tgt_listen_addr *r)
{
	return r->listener < reg->conf->nb_listen &&
	       (r->family == AF_INET || r->family == AF_INET6);
}

static size_t
disc_count(const struct tgt_registry *reg, const char *hostnqn)
{
	size_t n = 0;
	unsigned int i;

	for (i = 0; i < reg->nb_subsys; i++)
		n += host_allowed(&reg->subsys[i], hostnqn);
	return n;
}

int
tgt_registry_disc_log(const struct tgt_registry *reg, const char *hostnqn,
		      const struct tgt_listen_addr *reached, uint8_t *buf, size_t len)
{
	struct tgt_disc_entry *e;
	char traddr[INET6_ADDRSTRLEN], svc[8];
	size_t n, size, k = 0;
	unsigned int i;
	int rc;

	if (reg == NULL || hostnqn == NULL || reached == NULL || (buf == NULL && len > 0) ||
	    !reached_ok(reg, reached))
		return -EINVAL;
	n = disc_count(reg, hostnqn);
	size = tgt_disc_log_size(n);
	if (buf == NULL)
		return (int)size;
	if (len < size)
		return -ENOSPC;
	/* nvmet_rdma_disc_port_addr: the address the host used, even on a wildcard listener. */
	if (inet_ntop(reached->family, reached->addr, traddr, sizeof(traddr)) == NULL)
		return -EINVAL;
	snprintf(svc, sizeof(svc), "%u", reached->port);
	e = calloc(n, sizeof(*e));
	if (e == NULL)
		return -ENOMEM;
	/* subsys[0] is the discovery subsystem: it comes first, as in nvmet's answer. */
	for (i = 0; i < reg->nb_subsys; i++) {
		if (!host_allowed(&reg->subsys[i], hostnqn))
			continue;
		e[k++] = (struct tgt_disc_entry){
			.adrfam = reached->family == AF_INET ? TGT_ADRFAM_IPV4 : TGT_ADRFAM_IPV6,
			.subtype = i == 0 ? TGT_SUBTYPE_DISC : TGT_SUBTYPE_NVME,
			.treq = TGT_DISC_TREQ, .portid = (uint16_t)(reached->listener + 1),
			.cntlid = TGT_CNTLID_DYNAMIC, .asqsz = NVMF_AQ_DEPTH,
			.trsvcid = svc, .subnqn = reg->subsys[i].nqn, .traddr = traddr,
		};
	}
	rc = tgt_disc_log_build(TGT_DISC_GENCTR_STATIC, e, n, buf, len);
	free(e);
	return rc;
}

/* ---- Admin Connect ---- */

/* Identify Controller facts (nvmf.md 2.5 for NVM, the capture's discovery page, 2.4). */
static void
info_init(const struct tgt_registry *reg, const struct tgt_subsys *s, struct tgt_ctrlr *c)
{
	const struct tgt_conf *conf = reg->conf;
	struct tgt_ctrl_info *i = &c->admin.info;

	i->firmware = TGT_FW_REV;
	i->subnqn = s->nqn;
	i->cntlid = c->cntlid;
	i->lpa = 0x4;		/* extended Get Log Page: the host reads the log in pieces */
	if (s->conf == NULL) {
		i->serial = reg->disc_serial;
		i->model = TGT_CONF_DEF_MODEL;
		i->discovery = true;
		i->maxcmd = NVMF_AQ_DEPTH;	/* the only queue it has */
		return;
	}
	i->serial = s->conf->serial;
	i->model = s->conf->model;
	i->mdts = (uint8_t)conf->mdts;
	i->maxcmd = (uint16_t)conf->max_queue_depth;
	i->nn = TGT_CTRLR_NN;
	i->icd_size = conf->in_capsule_data_size;
	i->oncs = TGT_ONCS_WRITE_ZEROES | TGT_ONCS_DSM;
	i->vwc = s->vwc;
	i->kas = TGT_CTRLR_KAS;
	i->aerl = TGT_CTRLR_AERL;
	i->ctratt = 0x1;	/* 128-bit host identifier */
	i->frmw = 0x3;		/* one slot, read only */
	c->admin.ns = s->list;
}

static int
admin_init(struct tgt_registry *reg, const struct tgt_subsys *s, struct tgt_ctrlr *c,
	   const struct nvmf_connect_cmd *cmd, const struct tgt_listen_addr *reached)
{
	const struct tgt_conf *conf = reg->conf;
	bool disc = s->conf == NULL;
	int len;

	if (tgt_regs_init(&c->admin.regs, conf->max_queue_depth, TGT_CAP_TO_DEFAULT,
			  disc) < 0)
		return -EINVAL;
	info_init(reg, s, c);
	c->admin.max_io_queues = disc ? 0 : (uint16_t)conf->max_io_queues;
	c->admin.kato_ms = cmd->kato;
	/* NVMe-oF 1.1 Keep Alive; nvmet_alloc_ctrl: a discovery controller without KATO gets
	 * one anyway, so that hosts gone without a Disconnect are reaped. */
	if (disc && cmd->kato == 0)
		c->admin.kato_ms = conf->discovery_kato_ms;
	if (!disc)
		return 0;
	len = tgt_registry_disc_log(reg, c->hostnqn, reached, NULL, 0);
	if (len < 0)
		return len;
	c->disc_log = malloc((size_t)len);
	if (c->disc_log == NULL)
		return -ENOMEM;
	len = tgt_registry_disc_log(reg, c->hostnqn, reached, c->disc_log, (size_t)len);
	if (len < 0)
		return len;
	c->admin.disc_log = c->disc_log;
	c->admin.disc_log_len = (size_t)len;
	return 0;
}

/* Checks 1-4 of tgt_registry_connect_admin(); NULL with the status set on failure. */
static const struct tgt_subsys *
admin_checks(const struct tgt_registry *reg, const struct nvmf_connect_cmd *cmd,
	     const struct nvmf_connect_data *data, uint16_t *status, uint32_t *dw0)
{
	const struct tgt_subsys *s;

	/* nvmet_execute_admin_connect: the record format, then the dynamic cntlid. */
	if (cmd->recfmt != NVMF_CONNECT_RECFMT_1_0) {
		fail(status, dw0, NVMF_SC_CONNECT_FORMAT, 0);
		return NULL;
	}
	if (data->cntlid != NVMF_CNTLID_DYNAMIC) {
		fail(status, dw0, NVMF_SC_CONNECT_INVALID_PARAM, ipo_data(NVMF_CDATA_CNTLID));
		return NULL;
	}
	/* nvmet_alloc_ctrl: the subsystem, then the host. */
	s = subsys_find(reg, data->subnqn);
	if (s == NULL) {
		fail(status, dw0, NVMF_SC_CONNECT_INVALID_PARAM, ipo_data(NVMF_CDATA_SUBNQN));
		return NULL;
	}
	if (!host_allowed(s, data->hostnqn)) {
		fail(status, dw0, NVMF_SC_CONNECT_INVALID_HOST, ipo_data(NVMF_CDATA_HOSTNQN));
		return NULL;
	}
	return s;
}

static bool
sqsize_bad(uint16_t sqsize, uint32_t depth, uint16_t *status, uint32_t *dw0)
{
	/* NVMe-oF 1.1 Connect: SQSIZE is 0's based and a queue has at least 2 entries
	 * (nvmet_install_queue refuses 0 too). */
	if (sqsize != 0 && (uint32_t)sqsize + 1 <= depth)
		return false;
	fail(status, dw0, NVMF_SC_CONNECT_INVALID_PARAM, NVMF_CONNECT_SQSIZE);
	return true;
}

int
tgt_registry_connect_admin(struct tgt_registry *reg, const struct nvmf_connect_cmd *cmd,
			   const struct nvmf_connect_data *data,
			   const struct tgt_listen_addr *reached, struct tgt_ctrlr **out,
			   uint16_t *status, uint32_t *dw0)
{
	const struct tgt_subsys *s;
	struct tgt_ctrlr *c;
	uint16_t id;
	int rc;

	if (reg == NULL || cmd == NULL || data == NULL || reached == NULL || out == NULL ||
	    status == NULL || dw0 == NULL || cmd->qid != 0 || !reached_ok(reg, reached))
		return -EINVAL;
	*out = NULL;
	s = admin_checks(reg, cmd, data, status, dw0);
	if (s == NULL)
		return 0;
	/* nvmet_alloc_ctrl takes the cntlid before nvmet_install_queue checks sqsize. */
	id = cntlid_find(reg);
	if (id == 0) {
		fail(status, dw0, NVMF_SC_CONNECT_CTRL_BUSY, 0);
		return 0;
	}
	if (sqsize_bad(cmd->sqsize, NVMF_AQ_DEPTH, status, dw0))
		return 0;
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return -ENOMEM;
	c->subsys = s;
	c->cntlid = id;
	c->touched_ms = NO_CLOCK;
	memcpy(c->hostid, data->hostid, sizeof(c->hostid));
	snprintf(c->hostnqn, sizeof(c->hostnqn), "%s", data->hostnqn);
	rc = admin_init(reg, s, c, cmd, reached);
	if (rc < 0) {
		ctrlr_free(c);
		return rc;
	}
	bit_set(reg->used, id, true);
	reg->next_cntlid = id == TGT_CNTLID_MAX ? TGT_CNTLID_MIN : id + 1;
	TAILQ_INSERT_TAIL(&reg->ctrlrs, c, next);
	reg->nb_ctrlrs++;
	*status = 0;
	*dw0 = id;
	*out = c;
	return 0;
}

/* ---- I/O Connect ---- */

/* Checks 2-4 of tgt_registry_connect_io(): nvmet_ctrl_find_get, then the host ID. */
static struct tgt_ctrlr *
io_find(const struct tgt_registry *reg, const struct nvmf_connect_data *data,
	uint16_t *status, uint32_t *dw0)
{
	const struct tgt_subsys *s = subsys_find(reg, data->subnqn);
	struct tgt_ctrlr *c;

	if (s == NULL) {
		fail(status, dw0, NVMF_SC_CONNECT_INVALID_PARAM, ipo_data(NVMF_CDATA_SUBNQN));
		return NULL;
	}
	TAILQ_FOREACH(c, &reg->ctrlrs, next)
		if (c->subsys == s && c->cntlid == data->cntlid &&
		    strcmp(c->hostnqn, data->hostnqn) == 0)
			break;
	if (c == NULL) {
		fail(status, dw0, NVMF_SC_CONNECT_INVALID_PARAM, ipo_data(NVMF_CDATA_CNTLID));
		return NULL;
	}
	if (memcmp(c->hostid, data->hostid, sizeof(c->hostid)) != 0) {
		fail(status, dw0, NVMF_SC_CONNECT_INVALID_PARAM, ipo_data(NVMF_CDATA_HOSTID));
		return NULL;
	}
	return c;
}

/* Checks 5-9 of tgt_registry_connect_io() on the controller found. */
static bool
io_queue_ok(const struct tgt_ctrlr *c, const struct nvmf_connect_cmd *cmd, uint16_t *status,
	    uint32_t *dw0)
{
	uint32_t mqes = (uint32_t)(c->admin.regs.cap & 0xffff);

	/* A discovery controller has max_io_queues 0 (nvmet: max_qid 0), so IPO qid too. */
	if (c->subsys->conf == NULL || (c->admin.regs.cc & TGT_CC_EN) == 0 ||
	    cmd->qid > c->admin.max_io_queues) {
		fail(status, dw0, NVMF_SC_CONNECT_INVALID_PARAM, NVMF_CONNECT_QID);
		return false;
	}
	/* nvmet_install_queue: sqsize 0, then a qid in use, then sqsize above MQES. */
	if (cmd->sqsize == 0) {
		fail(status, dw0, NVMF_SC_CONNECT_INVALID_PARAM, NVMF_CONNECT_SQSIZE);
		return false;
	}
	if (bit_get(c->qids, cmd->qid)) {
		*status = NVMF_STATUS(NVMF_SCT_GENERIC, NVMF_SC_CMD_SEQ_ERROR, 1);
		*dw0 = 0;
		return false;
	}
	return !sqsize_bad(cmd->sqsize, mqes + 1, status, dw0);
}

int
tgt_registry_connect_io(struct tgt_registry *reg, const struct nvmf_connect_cmd *cmd,
			const struct nvmf_connect_data *data, struct tgt_ctrlr **out,
			uint16_t *status, uint32_t *dw0)
{
	struct tgt_ctrlr *c;

	if (reg == NULL || cmd == NULL || data == NULL || out == NULL || status == NULL ||
	    dw0 == NULL || cmd->qid == 0)
		return -EINVAL;
	*out = NULL;
	if (cmd->recfmt != NVMF_CONNECT_RECFMT_1_0) {
		fail(status, dw0, NVMF_SC_CONNECT_FORMAT, 0);
		return 0;
	}
	c = io_find(reg, data, status, dw0);
	if (c == NULL || !io_queue_ok(c, cmd, status, dw0))
		return 0;
	bit_set(c->qids, cmd->qid, true);
	*status = 0;
	*dw0 = c->cntlid;
	*out = c;
	return 0;
}

int
tgt_ctrlr_queue_gone(struct tgt_ctrlr *ctrlr, uint16_t qid)
{
	if (ctrlr == NULL || qid == 0)
		return -EINVAL;
	if (qid > TGT_CONF_MAX_IO_QUEUES || !bit_get(ctrlr->qids, qid))
		return -ENOENT;
	bit_set(ctrlr->qids, qid, false);
	return 0;
}

int
tgt_registry_release(struct tgt_registry *reg, struct tgt_ctrlr *ctrlr)
{
	struct tgt_ctrlr *c;

	if (reg == NULL || ctrlr == NULL)
		return -EINVAL;
	/* Compare pointers only: a stale ctrlr must not be read. */
	TAILQ_FOREACH(c, &reg->ctrlrs, next)
		if (c == ctrlr)
			break;
	if (c == NULL)
		return -ENOENT;
	TAILQ_REMOVE(&reg->ctrlrs, ctrlr, next);
	reg->nb_ctrlrs--;
	bit_set(reg->used, ctrlr->cntlid, false);
	ctrlr_free(ctrlr);
	return 0;
}

/* ---- Keep alive (NVMe-oF 1.1 Keep Alive; NVMe 2.0 TBKAS) ---- */

void
tgt_ctrlr_touch(struct tgt_ctrlr *ctrlr, uint64_t now_ms)
{
	if (ctrlr == NULL)
		return;
	ctrlr->touched_ms = now_ms;
	ctrlr->admin.kept_alive = false;
}

uint64_t
tgt_ctrlr_kato_deadline(const struct tgt_ctrlr *ctrlr)
{
	if (ctrlr == NULL || ctrlr->admin.kato_ms == 0 || ctrlr->touched_ms == NO_CLOCK)
		return UINT64_MAX;
	if (ctrlr->touched_ms > UINT64_MAX - 1 - ctrlr->admin.kato_ms)
		return UINT64_MAX - 1;
	return ctrlr->touched_ms + ctrlr->admin.kato_ms;
}

int
tgt_registry_expired(struct tgt_registry *reg, uint64_t now_ms, struct tgt_ctrlr **out,
		     unsigned int max)
{
	uint64_t grace, deadline;
	struct tgt_ctrlr *c;
	unsigned int n = 0;

	if (reg == NULL || (out == NULL && max > 0))
		return -EINVAL;
	grace = reg->conf->kato_grace_ms;
	TAILQ_FOREACH(c, &reg->ctrlrs, next) {
		/* A controller nobody touched yet starts its clock at the first scan. */
		if (c->touched_ms == NO_CLOCK)
			c->touched_ms = now_ms;
		deadline = tgt_ctrlr_kato_deadline(c);
		if (deadline == UINT64_MAX || now_ms <= deadline ||
		    now_ms - deadline <= grace)
			continue;
		if (n == max)
			break;
		out[n++] = c;
	}
	return (int)n;
}

/* ---- Accessors ---- */

struct tgt_admin_ctrl *
tgt_ctrlr_admin(struct tgt_ctrlr *ctrlr)
{
	return ctrlr == NULL ? NULL : &ctrlr->admin;
}

uint16_t
tgt_ctrlr_cntlid(const struct tgt_ctrlr *ctrlr)
{
	return ctrlr == NULL ? 0 : ctrlr->cntlid;
}

const char *
tgt_ctrlr_hostnqn(const struct tgt_ctrlr *ctrlr)
{
	return ctrlr == NULL ? NULL : ctrlr->hostnqn;
}

const uint8_t *
tgt_ctrlr_hostid(const struct tgt_ctrlr *ctrlr)
{
	return ctrlr == NULL ? NULL : ctrlr->hostid;
}

const char *
tgt_ctrlr_subnqn(const struct tgt_ctrlr *ctrlr)
{
	return ctrlr == NULL ? NULL : ctrlr->subsys->nqn;
}

bool
tgt_ctrlr_is_discovery(const struct tgt_ctrlr *ctrlr)
{
	return ctrlr != NULL && ctrlr->subsys->conf == NULL;
}

bool
tgt_ctrlr_qid_connected(const struct tgt_ctrlr *ctrlr, uint16_t qid)
{
	return ctrlr != NULL && qid > 0 && qid <= TGT_CONF_MAX_IO_QUEUES &&
	       bit_get(ctrlr->qids, qid);
}
