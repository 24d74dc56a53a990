/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tgt_ctrlr.c: the registry built from an INI file; admin Connect (NVM and discovery) and
 * every refusal with its exact status field and dw0; cntlid allocation (exhaustion, no
 * immediate reuse); I/O Connect and its refusals; keep-alive expiry; the discovery log a
 * host sees, parsed back field by field. Status fields are written as literals
 * (DNR | SCT << 9 | SC << 1) so a wrong macro cannot make a test pass.
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check_run.h"
#include "tgt_ctrlr.h"

#define NQN_OPEN	"nqn.2026-01.io.droce:open"
#define NQN_CLOSED	"nqn.2026-01.io.droce:closed"
#define HOST_A		"nqn.2026-01.io.droce:host-a"
#define HOST_B		"nqn.2026-01.io.droce:host-b"

/* Connect statuses, with DNR: command specific 0x80-0x84, generic 0x0c. */
#define ST_FORMAT	0x8300u
#define ST_BUSY		0x8302u
#define ST_INVALID	0x8304u
#define ST_HOST		0x8308u
#define ST_SEQ_ERROR	0x8018u
/* Connect Invalid Parameters dw0: IATTR 1 (data) + offset, or IATTR 0 + SQE offset. */
#define IPO_HOSTID	0x10000u
#define IPO_CNTLID	0x10010u
#define IPO_SUBNQN	0x10100u
#define IPO_HOSTNQN	0x10200u
#define IPO_QID		42u
#define IPO_SQSIZE	44u

static const char ini[] =
	"[target]\n"
	"listen = 192.0.2.2:4420\n"
	"listen = [2001:db8::2]:4421\n"
	"max_io_queues = 4\n"
	"max_queue_depth = 64\n"
	"in_capsule_data_size = 8192\n"
	"max_io_size = 262144\n"
	"kato_grace_ms = 5000\n"
	"discovery_kato_ms = 120000\n"
	"[backend:a]\ntype = ram\nsize = 1M\nblock_size = 512\n"
	"[backend:b]\ntype = ram\nsize = 4M\nblock_size = 4096\n"
	"[backend:c]\ntype = ram\nsize = 1M\nblock_size = 512\n"
	"[subsystem:open]\nnqn = " NQN_OPEN "\nserial = OPEN0001\nallow_any_host = yes\n"
	"namespace = 5 b\nnamespace = 2 a\n"
	"[subsystem:closed]\nnqn = " NQN_CLOSED "\nallow_any_host = no\nhost = " HOST_A "\n"
	"namespace = 1 c\n";

static const struct tgt_ns_facts open_ns[2] = {
	{ .nblocks = 1024, .block_size = 4096 },	/* nsid 5 on b */
	{ .nblocks = 2048, .block_size = 512 },		/* nsid 2 on a */
};
static const struct tgt_ns_facts closed_ns[1] = { { .nblocks = 2048, .block_size = 512 } };
static const struct tgt_subsys_facts facts[2] = {
	{ .ns = open_ns, .nb_ns = 2, .vwc = true },
	{ .ns = closed_ns, .nb_ns = 1, .vwc = false },
};

static struct tgt_conf conf;
static struct tgt_registry *reg;
static struct tgt_listen_addr v4, v6;

static void
setup(void)
{
	char dir[] = "/tmp/test_tgt_ctrlr.XXXXXX", path[64], err[256];
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/tgt.ini", dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(ini, f);
	fclose(f);
	ck_assert_msg(tgt_conf_load(path, &conf, err, sizeof(err)) == 0, "%s", err);
	unlink(path);
	rmdir(dir);
	ck_assert_int_eq(tgt_registry_create(&conf, facts, &reg), 0);
	v4 = (struct tgt_listen_addr){ .listener = 0, .family = AF_INET, .port = 4420 };
	ck_assert_int_eq(inet_pton(AF_INET, "192.0.2.2", v4.addr), 1);
	v6 = (struct tgt_listen_addr){ .listener = 1, .family = AF_INET6, .port = 4421 };
	ck_assert_int_eq(inet_pton(AF_INET6, "2001:db8::2", v6.addr), 1);
}

static void
teardown(void)
{
	tgt_registry_free(reg);
	tgt_conf_free(&conf);
}

/* A Connect as the Linux host sends it (pcap#91: admin sqsize 31). */
static struct nvmf_connect_cmd
cmd_make(uint16_t qid, uint16_t sqsize, uint32_t kato)
{
	return (struct nvmf_connect_cmd){ .qid = qid, .sqsize = sqsize, .kato = kato };
}

static struct nvmf_connect_data
data_make(const char *subnqn, const char *hostnqn, uint16_t cntlid)
{
	struct nvmf_connect_data d;

	memset(&d, 0, sizeof(d));
	memset(d.hostid, hostnqn[strlen(hostnqn) - 1], sizeof(d.hostid));
	d.cntlid = cntlid;
	snprintf(d.subnqn, sizeof(d.subnqn), "%s", subnqn);
	snprintf(d.hostnqn, sizeof(d.hostnqn), "%s", hostnqn);
	return d;
}

static uint16_t st;
static uint32_t dw0;

/* Admin Connect; returns the controller (NULL on an NVMe failure, st/dw0 set). */
static struct tgt_ctrlr *
admin(const struct nvmf_connect_cmd *c, const struct nvmf_connect_data *d)
{
	struct tgt_ctrlr *ctrlr = (void *)1;

	st = 0xdead;
	dw0 = 0xdeadbeef;
	ck_assert_int_eq(tgt_registry_connect_admin(reg, c, d, &v4, &ctrlr, &st, &dw0), 0);
	if (st != 0)
		ck_assert_ptr_null(ctrlr);
	return ctrlr;
}

static struct tgt_ctrlr *
admin_ok(const char *subnqn, const char *hostnqn, uint32_t kato)
{
	struct nvmf_connect_cmd c = cmd_make(0, 31, kato);
	struct nvmf_connect_data d = data_make(subnqn, hostnqn, NVMF_CNTLID_DYNAMIC);
	struct tgt_ctrlr *ctrlr = admin(&c, &d);

	ck_assert_uint_eq(st, 0);
	ck_assert_ptr_nonnull(ctrlr);
	ck_assert_uint_eq(dw0, tgt_ctrlr_cntlid(ctrlr));
	return ctrlr;
}

/* A refused admin Connect: exactly this status and dw0, no controller added. */
static void
admin_fails_at(int line, const struct nvmf_connect_cmd *c, const struct nvmf_connect_data *d,
	       uint16_t status, uint32_t d0)
{
	unsigned int n = tgt_registry_count(reg);
	struct tgt_ctrlr *ctrlr = admin(c, d);

	ck_assert_msg(ctrlr == NULL && st == status && dw0 == d0 &&
		      tgt_registry_count(reg) == n,
		      "line %d: status %#x dw0 %#x, expected %#x %#x", line, st, dw0, status, d0);
}
#define admin_fails(...)	admin_fails_at(__LINE__, __VA_ARGS__)

/* I/O Connect; st/dw0 set; returns the controller or NULL. */
static struct tgt_ctrlr *
io(uint16_t qid, uint16_t sqsize, const struct nvmf_connect_data *d)
{
	struct nvmf_connect_cmd c = cmd_make(qid, sqsize, 0);
	struct tgt_ctrlr *ctrlr = (void *)1;

	st = 0xdead;
	dw0 = 0xdeadbeef;
	ck_assert_int_eq(tgt_registry_connect_io(reg, &c, d, &ctrlr, &st, &dw0), 0);
	if (st != 0)
		ck_assert_ptr_null(ctrlr);
	return ctrlr;
}

/* A refused I/O Connect: exactly this status and dw0. */
static void
io_fails_at(int line, uint16_t qid, uint16_t sqsize, const struct nvmf_connect_data *d,
	    uint16_t status, uint32_t d0)
{
	struct tgt_ctrlr *ctrlr = io(qid, sqsize, d);

	ck_assert_msg(ctrlr == NULL && st == status && dw0 == d0,
		      "line %d: status %#x dw0 %#x, expected %#x %#x", line, st, dw0, status, d0);
}
#define io_fails(...)	io_fails_at(__LINE__, __VA_ARGS__)

/* CC as the Linux host writes it to enable (pcap#7: 0x00460061 with CSS 110b). */
static void
enable(struct tgt_ctrlr *c)
{
	ck_assert_int_eq(tgt_prop_set(&tgt_ctrlr_admin(c)->regs, NVMF_PROP_CC, 4, 0x00460061),
			 TGT_CC_EV_ENABLE);
}

START_TEST(test_connect_admin_nvm)
{
	struct tgt_ctrlr *c = admin_ok(NQN_OPEN, HOST_B, 5000);
	struct tgt_admin_ctrl *a = tgt_ctrlr_admin(c);
	const struct tgt_ctrl_info *i = &a->info;
	uint8_t page[TGT_ID_PAGE_SIZE], hostid[16];

	ck_assert_uint_eq(dw0, 1);
	ck_assert_str_eq(i->serial, "OPEN0001");
	ck_assert_str_eq(i->model, "droce-tgt");
	ck_assert_str_eq(i->firmware, DROCE_TGT_VERSION);	/* meson's project version */
	ck_assert_uint_le(strlen(i->firmware), TGT_FR_LEN);
	ck_assert_str_eq(i->subnqn, NQN_OPEN);
	ck_assert(!i->discovery);
	ck_assert_uint_eq(i->cntlid, 1);
	ck_assert_uint_eq(i->mdts, 6);			/* 256 KiB = 2^6 x 4 KiB */
	ck_assert_uint_eq(i->maxcmd, 64);
	ck_assert_uint_eq(i->nn, 1024);
	ck_assert_uint_eq(i->icd_size, 8192);
	ck_assert_uint_eq(i->oncs, 0x000c);
	ck_assert(i->vwc);
	ck_assert_uint_eq(i->kas, 10);
	ck_assert_uint_eq(i->aerl, 3);
	ck_assert_uint_eq(i->lpa, 0x4);
	ck_assert_uint_eq(i->ctratt, 0x1);
	ck_assert_uint_eq(i->frmw, 0x3);
	ck_assert_uint_eq(i->cmic, 0);
	ck_assert_uint_eq(i->oaes, 0);
	/* Namespaces sorted by NSID, whatever the file's order. */
	ck_assert_uint_eq(a->ns.count, 2);
	ck_assert_uint_eq(a->ns.nn, 1024);
	ck_assert_uint_eq(a->ns.ns[0].nsid, 2);
	ck_assert_uint_eq(a->ns.ns[0].nblocks, 2048);
	ck_assert_uint_eq(a->ns.ns[0].block_size, 512);
	ck_assert_uint_eq(a->ns.ns[0].pref_blocks, 8);
	ck_assert_uint_eq(a->ns.ns[1].nsid, 5);
	ck_assert_uint_eq(a->ns.ns[1].nblocks, 1024);
	ck_assert_uint_eq(a->ns.ns[1].block_size, 4096);
	ck_assert_mem_eq(a->ns.ns[1].uuid, conf.subsys[0].ns[0].uuid, 16);
	ck_assert_mem_eq(a->ns.ns[0].nguid, conf.subsys[0].ns[1].nguid, 16);
	/* Registers: CAP.MQES 63, CQR, TO 15, CSS NVM + I/O sets; CC 0; VS 1.3. */
	ck_assert_uint_eq(a->regs.cap, 0x000008200f01003full);
	ck_assert_uint_eq(a->regs.cc, 0);
	ck_assert_uint_eq(a->regs.csts, 0);
	ck_assert_uint_eq(a->regs.vs, 0x00010300);
	ck_assert_uint_eq(a->kato_ms, 5000);
	ck_assert_uint_eq(a->max_io_queues, 4);
	ck_assert_ptr_null(a->disc_log);
	ck_assert_str_eq(tgt_ctrlr_hostnqn(c), HOST_B);
	memset(hostid, 'b', sizeof(hostid));
	ck_assert_mem_eq(tgt_ctrlr_hostid(c), hostid, 16);
	ck_assert_str_eq(tgt_ctrlr_subnqn(c), NQN_OPEN);
	ck_assert(!tgt_ctrlr_is_discovery(c));
	ck_assert_ptr_eq(tgt_registry_find(reg, 1), c);
	/* The facts build a valid Identify page carrying the cntlid. */
	ck_assert_int_eq(tgt_identify_ctrl(i, page, sizeof(page)), TGT_ID_PAGE_SIZE);
	ck_assert_uint_eq(nvmf_get_le16(page + TGT_IDC_CNTLID), 1);
	ck_assert_uint_eq(page[TGT_IDC_VWC], 1);
	/* The next one gets the next ID; the closed subsystem admits its host. */
	c = admin_ok(NQN_CLOSED, HOST_A, 0);
	ck_assert_uint_eq(dw0, 2);
	ck_assert(!tgt_ctrlr_admin(c)->info.vwc);
	ck_assert_uint_eq(tgt_ctrlr_admin(c)->kato_ms, 0);	/* NVM: no KATO stays none */
	ck_assert_uint_eq(tgt_registry_count(reg), 2);
}
END_TEST

START_TEST(test_connect_admin_discovery)
{
	struct tgt_ctrlr *c = admin_ok(NVMF_DISCOVERY_NQN, HOST_B, 0);
	struct tgt_admin_ctrl *a = tgt_ctrlr_admin(c);
	uint8_t log[TGT_DISC_HDR_SIZE + 2 * TGT_DISC_ENTRY_SIZE], page[TGT_ID_PAGE_SIZE];

	ck_assert(tgt_ctrlr_is_discovery(c));
	ck_assert_uint_eq(a->kato_ms, 120000);		/* nvmet's NVMET_DISC_KATO_MS */
	ck_assert(a->info.discovery);
	ck_assert(a->regs.discovery);
	ck_assert_str_eq(a->info.subnqn, NVMF_DISCOVERY_NQN);
	ck_assert_uint_eq(a->info.maxcmd, 32);
	ck_assert_uint_eq(a->info.mdts, 0);
	ck_assert_uint_eq(a->info.lpa, 0x4);
	ck_assert_uint_eq(strlen(a->info.serial), 20);
	ck_assert_uint_eq(a->max_io_queues, 0);
	ck_assert_int_eq(tgt_identify_ctrl(&a->info, page, sizeof(page)), TGT_ID_PAGE_SIZE);
	ck_assert_uint_eq(page[TGT_IDC_CNTRLTYPE], 2);
	ck_assert_uint_eq(nvmf_get_le16(page + TGT_IDC_CNTLID), tgt_ctrlr_cntlid(c));
	/* Its log is what this host may see through the address it reached. */
	ck_assert_uint_eq(a->disc_log_len, sizeof(log));
	ck_assert_int_eq(tgt_registry_disc_log(reg, HOST_B, &v4, log, sizeof(log)),
			 (int)sizeof(log));
	ck_assert_mem_eq(a->disc_log, log, sizeof(log));
	/* A KATO the host gives is kept. */
	c = admin_ok(NVMF_DISCOVERY_NQN, HOST_A, 30000);
	ck_assert_uint_eq(tgt_ctrlr_admin(c)->kato_ms, 30000);
	ck_assert_uint_eq(tgt_ctrlr_admin(c)->disc_log_len, TGT_DISC_HDR_SIZE + 3 * 1024);
}
END_TEST

START_TEST(test_connect_admin_refused)
{
	struct nvmf_connect_cmd c = cmd_make(0, 31, 0);
	struct nvmf_connect_data d = data_make(NQN_OPEN, HOST_B, NVMF_CNTLID_DYNAMIC);
	struct tgt_ctrlr *out;

	c.recfmt = 1;
	admin_fails(&c, &d, ST_FORMAT, 0);
	d.cntlid = 1;			/* recfmt comes first */
	admin_fails(&c, &d, ST_FORMAT, 0);
	c.recfmt = 0;
	admin_fails(&c, &d, ST_INVALID, IPO_CNTLID);
	d = data_make("nqn.2026-01.io.droce:nope", HOST_B, 0xfffe);
	admin_fails(&c, &d, ST_INVALID, IPO_CNTLID);	/* cntlid before the subsystem */
	d.cntlid = NVMF_CNTLID_DYNAMIC;
	admin_fails(&c, &d, ST_INVALID, IPO_SUBNQN);
	d = data_make(NQN_CLOSED, HOST_B, NVMF_CNTLID_DYNAMIC);
	admin_fails(&c, &d, ST_HOST, IPO_HOSTNQN);
	c.sqsize = 32;			/* the host before the queue size */
	admin_fails(&c, &d, ST_HOST, IPO_HOSTNQN);
	d = data_make(NQN_CLOSED, HOST_A, NVMF_CNTLID_DYNAMIC);
	admin_fails(&c, &d, ST_INVALID, IPO_SQSIZE);
	c.sqsize = 0;
	admin_fails(&c, &d, ST_INVALID, IPO_SQSIZE);
	/* Misuse changes nothing and answers no status. */
	c = cmd_make(1, 31, 0);
	ck_assert_int_eq(tgt_registry_connect_admin(reg, &c, &d, &v4, &out, &st, &dw0), -EINVAL);
	c.qid = 0;
	v4.listener = 2;
	ck_assert_int_eq(tgt_registry_connect_admin(reg, &c, &d, &v4, &out, &st, &dw0), -EINVAL);
	v4.listener = 0;
	ck_assert_int_eq(tgt_registry_connect_admin(reg, &c, &d, &v4, NULL, &st, &dw0), -EINVAL);
	ck_assert_uint_eq(tgt_registry_count(reg), 0);
	/* The first good one still gets cntlid 1: refusals took no ID. */
	c.sqsize = 31;
	ck_assert_ptr_nonnull(admin(&c, &d));
	ck_assert_uint_eq(dw0, 1);
}
END_TEST

START_TEST(test_cntlid_exhausted)
{
	struct nvmf_connect_cmd c = cmd_make(0, 31, 0);
	struct nvmf_connect_data d = data_make(NQN_OPEN, HOST_A, NVMF_CNTLID_DYNAMIC);
	struct tgt_ctrlr *k = NULL;
	unsigned int id;

	for (id = 1; id <= 0xffef; id++) {
		k = admin(&c, &d);
		if (st != 0 || dw0 != id)
			ck_abort_msg("controller %u: status %#x dw0 %u", id, st, dw0);
	}
	ck_assert_uint_eq(tgt_registry_count(reg), 0xffef);
	ck_assert_uint_eq(tgt_ctrlr_cntlid(k), 0xffef);
	admin_fails(&c, &d, ST_BUSY, 0);
	c.sqsize = 40;			/* nvmet allocates before it checks the queue size */
	admin_fails(&c, &d, ST_BUSY, 0);
	c.sqsize = 31;
	/* One freed ID is the only one: it comes back. */
	ck_assert_int_eq(tgt_registry_release(reg, tgt_registry_find(reg, 0x1234)), 0);
	ck_assert_ptr_nonnull(admin(&c, &d));
	ck_assert_uint_eq(dw0, 0x1234);
	/* The search resumes after 0x1234 and wraps: 5 before 0x1000. */
	ck_assert_int_eq(tgt_registry_release(reg, tgt_registry_find(reg, 0x1000)), 0);
	ck_assert_int_eq(tgt_registry_release(reg, tgt_registry_find(reg, 5)), 0);
	ck_assert_ptr_nonnull(admin(&c, &d));
	ck_assert_uint_eq(dw0, 5);
	ck_assert_ptr_nonnull(admin(&c, &d));
	ck_assert_uint_eq(dw0, 0x1000);
	admin_fails(&c, &d, ST_BUSY, 0);
}
END_TEST

START_TEST(test_cntlid_not_reused_at_once)
{
	struct tgt_ctrlr *a = admin_ok(NQN_OPEN, HOST_A, 0);
	struct tgt_ctrlr *b = admin_ok(NQN_OPEN, HOST_B, 0);

	ck_assert_uint_eq(tgt_ctrlr_cntlid(a), 1);
	ck_assert_uint_eq(tgt_ctrlr_cntlid(b), 2);
	ck_assert_int_eq(tgt_registry_release(reg, a), 0);
	ck_assert_ptr_null(tgt_registry_find(reg, 1));
	ck_assert_uint_eq(tgt_ctrlr_cntlid(admin_ok(NQN_OPEN, HOST_A, 0)), 3);
	ck_assert_int_eq(tgt_registry_release(reg, b), 0);
	ck_assert_uint_eq(tgt_ctrlr_cntlid(admin_ok(NVMF_DISCOVERY_NQN, HOST_A, 0)), 4);
	ck_assert_uint_eq(tgt_registry_count(reg), 2);
	/* Not in this registry: refused, nothing freed. */
	ck_assert_int_eq(tgt_registry_release(reg, (struct tgt_ctrlr *)&conf), -ENOENT);
	ck_assert_int_eq(tgt_registry_release(reg, NULL), -EINVAL);
	ck_assert_uint_eq(tgt_registry_count(reg), 2);
}
END_TEST

START_TEST(test_connect_io)
{
	struct tgt_ctrlr *c = admin_ok(NQN_OPEN, HOST_B, 5000);
	struct nvmf_connect_data d = data_make(NQN_OPEN, HOST_B, tgt_ctrlr_cntlid(c));

	enable(c);
	ck_assert_ptr_eq(io(1, 63, &d), c);		/* sqsize 63 = MQES */
	ck_assert_uint_eq(st, 0);
	ck_assert_uint_eq(dw0, 1);
	ck_assert(tgt_ctrlr_qid_connected(c, 1));
	ck_assert(!tgt_ctrlr_qid_connected(c, 2));
	ck_assert_ptr_eq(io(4, 1, &d), c);		/* the last allowed qid, 2 entries */
	ck_assert_uint_eq(st, 0);
	ck_assert(tgt_ctrlr_qid_connected(c, 4));
	/* The queue goes: its qid may connect again, once. */
	ck_assert_int_eq(tgt_ctrlr_queue_gone(c, 1), 0);
	ck_assert(!tgt_ctrlr_qid_connected(c, 1));
	ck_assert_int_eq(tgt_ctrlr_queue_gone(c, 1), -ENOENT);
	ck_assert_int_eq(tgt_ctrlr_queue_gone(c, 0), -EINVAL);
	ck_assert_ptr_eq(io(1, 31, &d), c);
	ck_assert_uint_eq(st, 0);
}
END_TEST

START_TEST(test_connect_io_refused)
{
	struct tgt_ctrlr *c = admin_ok(NQN_OPEN, HOST_B, 0);
	struct tgt_ctrlr *disc = admin_ok(NVMF_DISCOVERY_NQN, HOST_B, 0);
	uint16_t id = tgt_ctrlr_cntlid(c);
	struct nvmf_connect_data d = data_make(NQN_OPEN, HOST_B, id);
	struct nvmf_connect_cmd cmd = cmd_make(1, 31, 0);
	struct tgt_ctrlr *out;

	/* Before CC.EN (SPDK's check; nvmet has none). */
	io_fails(1, 31, &d, ST_INVALID, IPO_QID);
	enable(c);
	cmd.recfmt = 1;
	ck_assert_int_eq(tgt_registry_connect_io(reg, &cmd, &d, &out, &st, &dw0), 0);
	ck_assert_uint_eq(st, ST_FORMAT);
	ck_assert_uint_eq(dw0, 0);
	ck_assert_ptr_null(out);
	d = data_make("nqn.2026-01.io.droce:nope", HOST_B, id);
	io_fails(1, 31, &d, ST_INVALID, IPO_SUBNQN);
	d = data_make(NQN_OPEN, HOST_B, (uint16_t)(id + 5));
	io_fails(1, 31, &d, ST_INVALID, IPO_CNTLID);		/* no such controller */
	d = data_make(NQN_OPEN, HOST_A, id);
	io_fails(1, 31, &d, ST_INVALID, IPO_CNTLID);		/* another host's */
	d = data_make(NQN_CLOSED, HOST_B, id);
	io_fails(1, 31, &d, ST_INVALID, IPO_CNTLID);		/* another subsystem's */
	d = data_make(NQN_OPEN, HOST_B, id);
	d.hostid[3] ^= 1;
	io_fails(1, 31, &d, ST_INVALID, IPO_HOSTID);
	d = data_make(NVMF_DISCOVERY_NQN, HOST_B, tgt_ctrlr_cntlid(disc));
	enable(disc);
	io_fails(1, 31, &d, ST_INVALID, IPO_QID);		/* discovery: no I/O queues */
	d = data_make(NQN_OPEN, HOST_B, id);
	io_fails(5, 31, &d, ST_INVALID, IPO_QID);		/* above max_io_queues 4 */
	io_fails(1, 0, &d, ST_INVALID, IPO_SQSIZE);
	io_fails(1, 64, &d, ST_INVALID, IPO_SQSIZE);		/* above MQES 63 */
	ck_assert_ptr_eq(io(1, 31, &d), c);
	io_fails(1, 31, &d, ST_SEQ_ERROR, 0);			/* qid in use */
	io_fails(1, 0, &d, ST_INVALID, IPO_SQSIZE);		/* nvmet: sqsize 0 first */
	ck_assert(tgt_ctrlr_qid_connected(c, 1));
	/* qid 0 is an admin Connect: misuse here. */
	cmd = cmd_make(0, 31, 0);
	ck_assert_int_eq(tgt_registry_connect_io(reg, &cmd, &d, &out, &st, &dw0), -EINVAL);
	/* A released controller is gone for its host's queues too. */
	ck_assert_int_eq(tgt_registry_release(reg, c), 0);
	io_fails(2, 31, &d, ST_INVALID, IPO_CNTLID);
}
END_TEST

START_TEST(test_keep_alive_expiry)
{
	struct tgt_ctrlr *a = admin_ok(NQN_OPEN, HOST_A, 5000);
	struct tgt_ctrlr *b = admin_ok(NQN_OPEN, HOST_B, 10000);
	struct tgt_ctrlr *none = admin_ok(NQN_OPEN, HOST_B, 0);
	struct tgt_ctrlr *disc = admin_ok(NVMF_DISCOVERY_NQN, HOST_B, 0);
	struct tgt_ctrlr *out[8];

	tgt_ctrlr_touch(a, 1000);
	tgt_ctrlr_touch(b, 1000);
	tgt_ctrlr_touch(none, 1000);
	tgt_ctrlr_touch(disc, 1000);
	ck_assert_uint_eq(tgt_ctrlr_kato_deadline(a), 6000);
	ck_assert_uint_eq(tgt_ctrlr_kato_deadline(b), 11000);
	ck_assert_uint_eq(tgt_ctrlr_kato_deadline(none), UINT64_MAX);
	ck_assert_uint_eq(tgt_ctrlr_kato_deadline(disc), 121000);
	/* Deadline + grace 5000 reached is not yet past. */
	ck_assert_int_eq(tgt_registry_expired(reg, 11000, out, 8), 0);
	ck_assert_int_eq(tgt_registry_expired(reg, 11001, out, 8), 1);
	ck_assert_ptr_eq(out[0], a);
	ck_assert_int_eq(tgt_registry_expired(reg, 16001, out, 8), 2);
	ck_assert_ptr_eq(out[0], a);
	ck_assert_ptr_eq(out[1], b);
	ck_assert_int_eq(tgt_registry_expired(reg, 16001, out, 1), 1);
	ck_assert_int_eq(tgt_registry_expired(reg, 16001, NULL, 0), 0);
	ck_assert_int_eq(tgt_registry_expired(reg, 16001, NULL, 1), -EINVAL);
	/* A touch (Keep Alive or any command) restarts the clock and clears kept_alive. */
	tgt_ctrlr_admin(a)->kept_alive = true;
	tgt_ctrlr_touch(a, 11000);
	ck_assert(!tgt_ctrlr_admin(a)->kept_alive);
	ck_assert_int_eq(tgt_registry_expired(reg, 16001, out, 8), 1);
	ck_assert_ptr_eq(out[0], b);
	ck_assert_int_eq(tgt_registry_expired(reg, 126001, out, 8), 3);
	ck_assert_ptr_eq(out[2], disc);
	/* Set Features KATO changes the deadline. */
	tgt_ctrlr_admin(a)->kato_ms = 1000;
	ck_assert_uint_eq(tgt_ctrlr_kato_deadline(a), 12000);
	tgt_ctrlr_admin(a)->kato_ms = 0;
	ck_assert_uint_eq(tgt_ctrlr_kato_deadline(a), UINT64_MAX);
	ck_assert_int_eq(tgt_registry_release(reg, b), 0);
	ck_assert_int_eq(tgt_registry_expired(reg, 126001, out, 8), 1);
	ck_assert_ptr_eq(out[0], disc);
}
END_TEST

START_TEST(test_keep_alive_clock_starts_at_scan)
{
	struct tgt_ctrlr *a = admin_ok(NQN_OPEN, HOST_A, 5000);
	struct tgt_ctrlr *out[2];

	/* Never touched: no deadline yet, so never listed before its clock starts. */
	ck_assert_uint_eq(tgt_ctrlr_kato_deadline(a), UINT64_MAX);
	ck_assert_int_eq(tgt_registry_expired(reg, 200000, out, 2), 0);
	ck_assert_uint_eq(tgt_ctrlr_kato_deadline(a), 205000);
	ck_assert_int_eq(tgt_registry_expired(reg, 210000, out, 2), 0);
	ck_assert_int_eq(tgt_registry_expired(reg, 210001, out, 2), 1);
	ck_assert_ptr_eq(out[0], a);
}
END_TEST

/* One discovery log entry, checked field by field. */
static void
check_entry(const uint8_t *e, uint8_t adrfam, uint8_t subtype, uint16_t portid,
	    const char *svc, const char *subnqn, const char *traddr)
{
	ck_assert_uint_eq(e[TGT_DISCE_TRTYPE], 1);		/* RDMA */
	ck_assert_uint_eq(e[TGT_DISCE_ADRFAM], adrfam);
	ck_assert_uint_eq(e[TGT_DISCE_SUBTYPE], subtype);
	ck_assert_uint_eq(e[TGT_DISCE_TREQ], 0x4);		/* as nvmet, capture frame 74 */
	ck_assert_uint_eq(nvmf_get_le16(e + TGT_DISCE_PORTID), portid);
	ck_assert_uint_eq(nvmf_get_le16(e + TGT_DISCE_CNTLID), 0xffff);
	ck_assert_uint_eq(nvmf_get_le16(e + TGT_DISCE_ASQSZ), 32);
	ck_assert_uint_eq(nvmf_get_le16(e + TGT_DISCE_EFLAGS), 0);
	ck_assert_str_eq((const char *)e + TGT_DISCE_TRSVCID, svc);
	ck_assert_str_eq((const char *)e + TGT_DISCE_SUBNQN, subnqn);
	ck_assert_str_eq((const char *)e + TGT_DISCE_TRADDR, traddr);
	ck_assert_uint_eq(e[TGT_DISCE_TSAS], 1);		/* RC QP */
	ck_assert_uint_eq(e[TGT_DISCE_TSAS + 2], 1);		/* rdma_cm */
}

START_TEST(test_disc_log_per_host)
{
	static uint8_t log[TGT_DISC_HDR_SIZE + 4 * TGT_DISC_ENTRY_SIZE];
	const int three = TGT_DISC_HDR_SIZE + 3 * TGT_DISC_ENTRY_SIZE;
	const int two = TGT_DISC_HDR_SIZE + 2 * TGT_DISC_ENTRY_SIZE;

	/* HOST_A is on the closed subsystem's list: three entries, IPv4. */
	ck_assert_int_eq(tgt_registry_disc_log(reg, HOST_A, &v4, NULL, 0), three);
	memset(log, 0xa5, sizeof(log));
	ck_assert_int_eq(tgt_registry_disc_log(reg, HOST_A, &v4, log, sizeof(log)), three);
	ck_assert_uint_eq(nvmf_get_le64(log + TGT_DISC_GENCTR), 1);
	ck_assert_uint_eq(nvmf_get_le64(log + TGT_DISC_NUMREC), 3);
	ck_assert_uint_eq(nvmf_get_le16(log + TGT_DISC_RECFMT), 0);
	check_entry(log + 1024, 1, 3, 1, "4420", NVMF_DISCOVERY_NQN, "192.0.2.2");
	check_entry(log + 2048, 1, 2, 1, "4420", NQN_OPEN, "192.0.2.2");
	check_entry(log + 3072, 1, 2, 1, "4420", NQN_CLOSED, "192.0.2.2");
	ck_assert_uint_eq(log[three], 0xa5);		/* nothing written past the page */
	/* HOST_B is not: two entries, and through the IPv6 listener its address. */
	ck_assert_int_eq(tgt_registry_disc_log(reg, HOST_B, &v6, log, sizeof(log)), two);
	ck_assert_uint_eq(nvmf_get_le64(log + TGT_DISC_NUMREC), 2);
	check_entry(log + 1024, 2, 3, 2, "4421", NVMF_DISCOVERY_NQN, "2001:db8::2");
	check_entry(log + 2048, 2, 2, 2, "4421", NQN_OPEN, "2001:db8::2");
	/* Errors. */
	ck_assert_int_eq(tgt_registry_disc_log(reg, HOST_A, &v4, log, three - 1), -ENOSPC);
	v4.family = AF_UNIX;
	ck_assert_int_eq(tgt_registry_disc_log(reg, HOST_A, &v4, log, sizeof(log)), -EINVAL);
	ck_assert_int_eq(tgt_registry_disc_log(reg, NULL, &v6, log, sizeof(log)), -EINVAL);
	v6.listener = 2;
	ck_assert_int_eq(tgt_registry_disc_log(reg, HOST_A, &v6, log, sizeof(log)), -EINVAL);
}
END_TEST

START_TEST(test_registry_create_refused)
{
	struct tgt_ns_facts bad_ns[1] = { { .nblocks = 2048, .block_size = 1024 } };
	struct tgt_subsys_facts f[2] = { facts[0], facts[1] };
	struct tgt_registry *r = NULL;

	f[1].nb_ns = 2;
	ck_assert_int_eq(tgt_registry_create(&conf, f, &r), -EINVAL);
	f[1] = (struct tgt_subsys_facts){ .ns = bad_ns, .nb_ns = 1 };
	ck_assert_int_eq(tgt_registry_create(&conf, f, &r), -EINVAL);
	bad_ns[0] = (struct tgt_ns_facts){ .nblocks = 0, .block_size = 512 };
	ck_assert_int_eq(tgt_registry_create(&conf, f, &r), -EINVAL);
	ck_assert_int_eq(tgt_registry_create(&conf, NULL, &r), -EINVAL);
	ck_assert_int_eq(tgt_registry_create(NULL, facts, &r), -EINVAL);
	ck_assert_int_eq(tgt_registry_create(&conf, facts, NULL), -EINVAL);
	ck_assert_ptr_null(r);
	tgt_registry_free(NULL);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("tgt_ctrlr");
	TCase *tc = tcase_create("ctrlr");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_connect_admin_nvm);
	tcase_add_test(tc, test_connect_admin_discovery);
	tcase_add_test(tc, test_connect_admin_refused);
	tcase_add_test(tc, test_cntlid_exhausted);
	tcase_add_test(tc, test_cntlid_not_reused_at_once);
	tcase_add_test(tc, test_connect_io);
	tcase_add_test(tc, test_connect_io_refused);
	tcase_add_test(tc, test_keep_alive_expiry);
	tcase_add_test(tc, test_keep_alive_clock_starts_at_scan);
	tcase_add_test(tc, test_disc_log_per_host);
	tcase_add_test(tc, test_registry_create_refused);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
