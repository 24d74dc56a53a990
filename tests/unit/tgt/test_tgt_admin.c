/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * droce-tgt's admin commands (apps/tgt/tgt_admin.c). Linux's own admin sequences, replayed
 * from tests/data/captures/nvme_rdma_connect_io.pcap: every command a 6.1 host sent to
 * nvmet's discovery and NVM controllers goes through tgt_admin_exec(), and each answer is
 * compared with nvmet's completion in the capture (status, DW0, DW1; AERs held, as nvmet
 * held them), except where droce-tgt deliberately differs (listed in `differences`). Then
 * each command a host may get wrong, with its status.
 */
#include <errno.h>
#include <string.h>

#include <rte_common.h>

#include "check_run.h"
#include "pcap_read.h"
#include "tgt_admin.h"

#define CAPTURE		TEST_CAPTURES "/nvme_rdma_connect_io.pcap"
#define OP_SEND_ONLY	0x04
#define OP_SEND_ONLY_INV 0x17
#define MAX_XFER	(1u << 20)
#define GEN(sc)		NVMF_STATUS(NVMF_SCT_GENERIC, sc, 1)
#define SPEC(sc)	NVMF_STATUS(NVMF_SCT_CMD, sc, 1)

static struct tgt_admin_ctrl ctrl;
static struct tgt_ns_info ns1 = { .nsid = 1, .nblocks = 131072, .block_size = 512 };
static uint8_t data[MAX_XFER];
static uint8_t disc_log[3 * 1024];

static void
ctrl_init(bool discovery)
{
	memset(&ctrl, 0, sizeof(ctrl));
	/* MQES 127 on both, as nvmet's CAP in the capture. */
	ck_assert_int_eq(tgt_regs_init(&ctrl.regs, 128, TGT_CAP_TO_DEFAULT, discovery), 0);
	ctrl.info = (struct tgt_ctrl_info){
		.serial = "DROCE0001", .model = "droce-tgt", .firmware = "0.1",
		.subnqn = discovery ? NVMF_DISCOVERY_NQN : "nqn.2024-01.io.rxe-vm:test",
		.discovery = discovery, .cntlid = 1, .mdts = 5, .maxcmd = 128, .nn = 1024,
		.icd_size = 4096, .vwc = true, .kas = 10, .aerl = 3, .lpa = 0x4, .ctratt = 1,
		.frmw = 0x3,
	};
	ctrl.ns = (struct tgt_ns_list){ .ns = &ns1, .count = 1, .nn = 1024 };
	ctrl.max_io_queues = 128;	/* nvmet's max_qid in the capture: dw0 0x007f007f */
	if (discovery) {
		/* Two records as in the capture; the page's bytes are test_tgt_disc's business. */
		static const struct tgt_disc_entry e[2] = {
			{ .adrfam = TGT_ADRFAM_IPV4, .subtype = TGT_SUBTYPE_DISC, .portid = 1,
			  .trsvcid = "4420", .subnqn = NVMF_DISCOVERY_NQN,
			  .traddr = "192.168.77.11" },
			{ .adrfam = TGT_ADRFAM_IPV4, .subtype = TGT_SUBTYPE_NVME, .portid = 1,
			  .trsvcid = "4420", .subnqn = "nqn.2024-01.io.rxe-vm:test",
			  .traddr = "192.168.77.11" },
		};

		ck_assert_int_eq(tgt_disc_log_build(2, e, 2, disc_log, sizeof(disc_log)),
				 (int)sizeof(disc_log));
		ctrl.disc_log = disc_log;
		ctrl.disc_log_len = sizeof(disc_log);
	}
}

/* ---- Linux's sequences from the capture ---- */

/* Where droce-tgt answers otherwise than nvmet, on purpose. */
struct difference {
	uint8_t opc;
	uint8_t sub;		/* Fabrics: property offset; Get Log Page: LID */
	uint16_t status;	/* ours */
	bool cap_cqr;		/* ours is nvmet's CAP with CQR (bit 16) set */
};

static const struct difference differences[] = {
	/* CAP.CQR = 1, as SPDK reports (nvmet 0). */
	{ NVMF_OPC_FABRICS, NVMF_PROP_CAP, 0, true },
	/* No command effects log (LPA bit 1 clear) and no ANA (CMIC bit 3 clear): the host
	 * does not ask a controller that says so; asked anyway, they are Invalid Field. */
	{ NVMF_ADM_GET_LOG_PAGE, 0x05, GEN(NVMF_SC_INVALID_FIELD), false },
	{ NVMF_ADM_GET_LOG_PAGE, 0x0c, GEN(NVMF_SC_INVALID_FIELD), false },
};

static const struct difference *
difference_of(const uint8_t *sqe)
{
	uint8_t opc = nvmf_sqe_opcode(sqe), sub = 0;
	unsigned int i;

	if (opc == NVMF_OPC_FABRICS && nvmf_sqe_fctype(sqe) == NVMF_FCTYPE_PROP_GET)
		sub = (uint8_t)nvmf_sqe_cdw(sqe, 11);	/* OFST, SQE byte 44 */
	else if (opc == NVMF_ADM_GET_LOG_PAGE)
		sub = (uint8_t)nvmf_sqe_cdw(sqe, 10);
	else
		return NULL;
	for (i = 0; i < RTE_DIM(differences); i++)
		if (differences[i].opc == opc && differences[i].sub == sub)
			return &differences[i];
	return NULL;
}

/* nvmet's CQE for the command with this CID, in the frames after @from; false if none. */
static bool
find_cqe(const struct pcap_file *pf, unsigned int from, unsigned int to, uint16_t cid,
	 struct nvmf_cqe *cqe)
{
	struct pcap_roce r;
	unsigned int n;

	for (n = from + 1; n <= to; n++) {
		if (pcap_roce(pf, n, &r) != 0 || r.len != NVMF_CQE_SIZE ||
		    (r.opcode != OP_SEND_ONLY && r.opcode != OP_SEND_ONLY_INV))
			continue;
		nvmf_cqe_parse(r.payload, cqe);
		if (cqe->cid == cid)
			return true;
	}
	return false;
}

static void
check_answer(unsigned int frame, const uint8_t *sqe, const struct tgt_admin_result *res,
	     const struct nvmf_cqe *theirs)
{
	const struct difference *d = difference_of(sqe);

	if (d != NULL && d->cap_cqr) {
		ck_assert_uint_eq(res->status, theirs->status);
		ck_assert_uint_eq(res->dw0, theirs->dw0 | 1u << 16);
		ck_assert_uint_eq(res->dw1, theirs->dw1);
		return;
	}
	if (d != NULL) {
		ck_assert_uint_eq(theirs->status, 0);
		ck_assert_msg(res->status == d->status, "frame %u: status %#x, want %#x", frame,
			      res->status, d->status);
		return;
	}
	ck_assert_msg(res->status == theirs->status && res->dw0 == theirs->dw0 &&
		      res->dw1 == theirs->dw1,
		      "frame %u (opcode %#x): ours %#x %#x %#x, nvmet %#x %#x %#x", frame,
		      nvmf_sqe_opcode(sqe), res->status, res->dw0, res->dw1, theirs->status,
		      theirs->dw0, theirs->dw1);
}

/*
 * Replay every admin command sent to QP @qpn in frames [first, last], except Connect;
 * count them by what happened.
 */
static void
replay(unsigned int first, unsigned int last, uint32_t qpn, unsigned int *nb_cmds,
       unsigned int *nb_held, unsigned int *nb_data)
{
	struct tgt_admin_result res;
	struct nvmf_cqe theirs;
	struct pcap_file pf;
	struct pcap_roce r;
	struct nvmf_sgl sgl;
	uint16_t st;
	unsigned int n;

	ck_assert_int_eq(pcap_open(&pf, CAPTURE), 0);
	for (n = first; n <= last; n++) {
		if (pcap_roce(&pf, n, &r) != 0 || r.opcode != OP_SEND_ONLY || r.dqpn != qpn ||
		    r.len != NVMF_SQE_SIZE)
			continue;
		if (nvmf_sqe_opcode(r.payload) == NVMF_OPC_FABRICS &&
		    nvmf_sqe_fctype(r.payload) == NVMF_FCTYPE_CONNECT)
			continue;
		ck_assert_int_eq(nvmf_sgl_decode(r.payload, r.len, 0, MAX_XFER, &sgl, &st), 0);
		memset(data, 0xa5, sgl.len);
		ck_assert_int_eq(tgt_admin_exec(&ctrl, r.payload, sgl.len, data, &res), 0);
		(*nb_cmds)++;
		if (res.action == TGT_ADMIN_HOLD) {
			/* nvmet held it too: no completion for it in the whole capture. */
			ck_assert(!find_cqe(&pf, n, pf.nframes, nvmf_sqe_cid(r.payload),
					    &theirs));
			(*nb_held)++;
			continue;
		}
		ck_assert_msg(find_cqe(&pf, n, last, nvmf_sqe_cid(r.payload), &theirs),
			      "frame %u: nvmet's completion not found", n);
		check_answer(n, r.payload, &res, &theirs);
		if (res.status == 0) {
			ck_assert_uint_eq(res.data_len, sgl.len);
			*nb_data += res.data_len > 0;
		}
	}
	pcap_close(&pf);
}

START_TEST(test_discovery_sequence)
{
	unsigned int cmds = 0, held = 0, with_data = 0;

	/* `nvme discover`: frames 12-84 on the target's QP 0x1e (nvmf.md 2.1). */
	ctrl_init(true);
	replay(7, 85, 0x1e, &cmds, &held, &with_data);
	ck_assert_uint_eq(cmds, 15);
	ck_assert_uint_eq(held, 1);		/* the AER */
	ck_assert_uint_eq(with_data, 4);	/* Identify twice, the log header, the log */
	ck_assert_uint_eq(ctrl.aec, 0x80000000u);	/* discovery log change notices */
	ck_assert_uint_eq(ctrl.regs.csts, TGT_CSTS_SHST_CMPLT);	/* shut down at the end */
}
END_TEST

START_TEST(test_nvm_sequence)
{
	unsigned int cmds = 0, held = 0, with_data = 0;
	struct pcap_file pf;
	struct pcap_roce r;

	/* `nvme connect` ... `nvme disconnect`: the admin queue's commands, frames 92-402. */
	ck_assert_int_eq(pcap_open(&pf, CAPTURE), 0);
	ck_assert_int_eq(pcap_roce(&pf, 91, &r), 0);	/* the admin Connect names the QP */
	pcap_close(&pf);
	ctrl_init(false);
	ctrl.kato_ms = 5000;				/* the Connect's KATO */
	replay(92, 402, r.dqpn, &cmds, &held, &with_data);
	/* 7 properties at enable and 2 at shutdown, 10 Identify, 3 logs (SMART, and ANA
	 * twice: refused here), the command effects log (refused), 2 Set Features, the AER. */
	ck_assert_uint_eq(cmds, 26);
	ck_assert_uint_eq(held, 1);
	ck_assert_uint_eq(with_data, 11);
	ck_assert_uint_eq(ctrl.aec, 0x900);
	ck_assert_uint_eq(ctrl.regs.csts, TGT_CSTS_SHST_CMPLT);
}
END_TEST

/* ---- What a host may get wrong ---- */

static void
sqe_make(uint8_t *sqe, uint8_t opc, uint32_t nsid, uint32_t cdw10, uint32_t cdw11)
{
	memset(sqe, 0, NVMF_SQE_SIZE);
	sqe[NVMF_SQE_OPC] = opc;
	sqe[NVMF_SQE_FLAGS] = NVMF_PSDT_SGL_MPTR << NVMF_SQE_PSDT_SHIFT;
	nvmf_put_le16(sqe + NVMF_SQE_CID, 7);
	nvmf_put_le32(sqe + NVMF_SQE_NSID, nsid);
	nvmf_put_le32(sqe + NVMF_SQE_CDW10, cdw10);
	nvmf_put_le32(sqe + NVMF_SQE_CDW10 + 4, cdw11);
}

static void
prop_make(uint8_t *sqe, uint8_t fctype, uint8_t attrib, uint32_t off, uint64_t value)
{
	sqe_make(sqe, NVMF_OPC_FABRICS, 0, 0, 0);
	sqe[NVMF_SQE_FCTYPE] = fctype;
	sqe[NVMF_PROP_ATTRIB] = attrib;
	nvmf_put_le32(sqe + NVMF_PROP_OFFSET, off);
	nvmf_put_le64(sqe + NVMF_PROP_VALUE, value);
}

/* Run one command; return its status. */
static uint16_t
run(const uint8_t *sqe, uint32_t xfer_len, struct tgt_admin_result *res)
{
	struct tgt_admin_result local;

	if (res == NULL)
		res = &local;
	ck_assert_int_eq(tgt_admin_exec(&ctrl, sqe, xfer_len, data, res), 0);
	if (res->status != 0) {
		ck_assert_uint_eq(res->data_len, 0);
		ck_assert_int_eq(res->action, TGT_ADMIN_COMPLETE);
	}
	return res->status;
}

/* CC.EN = 1 with the entry sizes Linux writes: the controller is ready. */
static void
enable(void)
{
	uint8_t sqe[NVMF_SQE_SIZE];
	struct tgt_admin_result res;

	prop_make(sqe, NVMF_FCTYPE_PROP_SET, 0, NVMF_PROP_CC, 0x00460061);
	ck_assert_uint_eq(run(sqe, 0, &res), 0);
	ck_assert_int_eq(res.events, TGT_CC_EV_ENABLE);
}

START_TEST(test_before_enable)
{
	uint8_t sqe[NVMF_SQE_SIZE];

	/* Only Fabrics commands before CC.EN = 1 and CSTS.RDY = 1. */
	ctrl_init(false);
	ctrl.kato_ms = 5000;
	sqe_make(sqe, NVMF_ADM_IDENTIFY, 0, TGT_CNS_CTRL, 0);
	ck_assert_uint_eq(run(sqe, 4096, NULL), GEN(NVMF_SC_CMD_SEQ_ERROR));
	sqe_make(sqe, NVMF_ADM_KEEP_ALIVE, 0, 0, 0);
	ck_assert_uint_eq(run(sqe, 0, NULL), GEN(NVMF_SC_CMD_SEQ_ERROR));
	ck_assert(!ctrl.kept_alive);
	prop_make(sqe, NVMF_FCTYPE_PROP_GET, 0, NVMF_PROP_CSTS, 0);
	ck_assert_uint_eq(run(sqe, 0, NULL), 0);
	enable();
	sqe_make(sqe, NVMF_ADM_IDENTIFY, 0, TGT_CNS_CTRL, 0);
	ck_assert_uint_eq(run(sqe, 4096, NULL), 0);
}
END_TEST

START_TEST(test_fabrics_errors)
{
	uint8_t sqe[NVMF_SQE_SIZE];
	struct tgt_admin_result res;

	ctrl_init(false);
	/* A second Connect on a queue that has its controller. */
	nvmf_connect_cmd_build(sqe, 1, &(struct nvmf_connect_cmd){ .sqsize = 31 });
	ck_assert_uint_eq(run(sqe, 1024, NULL), SPEC(NVMF_SC_CONNECT_CTRL_BUSY));
	/* Fabrics command types droce-tgt does not know (authentication, disconnect). */
	prop_make(sqe, NVMF_FCTYPE_AUTH_SEND, 0, 0, 0);
	ck_assert_uint_eq(run(sqe, 0, NULL), GEN(NVMF_SC_INVALID_OPCODE));
	prop_make(sqe, NVMF_FCTYPE_DISCONNECT, 0, 0, 0);
	ck_assert_uint_eq(run(sqe, 0, NULL), GEN(NVMF_SC_INVALID_OPCODE));
	/* Properties: reserved size, wrong size, unknown offset, read-only register, data. */
	prop_make(sqe, NVMF_FCTYPE_PROP_GET, 2, NVMF_PROP_CSTS, 0);
	ck_assert_uint_eq(run(sqe, 0, NULL), GEN(NVMF_SC_INVALID_FIELD));
	prop_make(sqe, NVMF_FCTYPE_PROP_GET, 0, NVMF_PROP_CAP, 0);
	ck_assert_uint_eq(run(sqe, 0, NULL), GEN(NVMF_SC_INVALID_FIELD));
	prop_make(sqe, NVMF_FCTYPE_PROP_GET, 0, 0x24, 0);
	ck_assert_uint_eq(run(sqe, 0, NULL), GEN(NVMF_SC_INVALID_FIELD));
	prop_make(sqe, NVMF_FCTYPE_PROP_SET, 0, NVMF_PROP_CSTS, 1);
	ck_assert_uint_eq(run(sqe, 0, NULL), GEN(NVMF_SC_INVALID_FIELD));
	prop_make(sqe, NVMF_FCTYPE_PROP_GET, 0, NVMF_PROP_VS, 0);
	ck_assert_uint_eq(run(sqe, 8, NULL), GEN(NVMF_SC_SGL_INVALID_DATA));
	/* CAP as 8 bytes: DW0 and DW1. */
	prop_make(sqe, NVMF_FCTYPE_PROP_GET, 1, NVMF_PROP_CAP, 0);
	ck_assert_uint_eq(run(sqe, 0, &res), 0);
	ck_assert_uint_eq((uint64_t)res.dw1 << 32 | res.dw0, ctrl.regs.cap);
	/* Shutdown is reported to the caller, which flushes before it completes. */
	enable();
	prop_make(sqe, NVMF_FCTYPE_PROP_SET, 0, NVMF_PROP_CC, 0x00464061);
	ck_assert_uint_eq(run(sqe, 0, &res), 0);
	ck_assert_int_eq(res.events, TGT_CC_EV_SHUTDOWN);
}
END_TEST

START_TEST(test_identify_errors)
{
	uint8_t sqe[NVMF_SQE_SIZE];
	struct tgt_admin_result res;

	ctrl_init(false);
	enable();
	sqe_make(sqe, NVMF_ADM_IDENTIFY, 0, TGT_CNS_CTRL, 0);
	ck_assert_uint_eq(run(sqe, 1024, NULL), GEN(NVMF_SC_SGL_INVALID_DATA));
	ck_assert_uint_eq(run(sqe, 0, NULL), GEN(NVMF_SC_SGL_INVALID_DATA));
	sqe_make(sqe, NVMF_ADM_IDENTIFY, 0, 0x10, 0);	/* CNS 10h: allocated NS list */
	ck_assert_uint_eq(run(sqe, 4096, NULL), GEN(NVMF_SC_INVALID_FIELD));
	sqe_make(sqe, NVMF_ADM_IDENTIFY, 0, TGT_CNS_NS, 0);
	ck_assert_uint_eq(run(sqe, 4096, NULL), GEN(NVMF_SC_INVALID_NS));
	sqe_make(sqe, NVMF_ADM_IDENTIFY, 0xffffffffu, TGT_CNS_NS, 0);
	ck_assert_uint_eq(run(sqe, 4096, NULL), GEN(NVMF_SC_INVALID_NS));
	sqe_make(sqe, NVMF_ADM_IDENTIFY, 0, TGT_CNS_CS_CTRL, 2u << 24);	/* CSI 2: zoned */
	ck_assert_uint_eq(run(sqe, 4096, NULL), GEN(NVMF_SC_INVALID_FIELD));
	/* Namespace 1: its size in NSZE. */
	sqe_make(sqe, NVMF_ADM_IDENTIFY, 1, TGT_CNS_NS, 0);
	ck_assert_uint_eq(run(sqe, 4096, &res), 0);
	ck_assert_uint_eq(res.data_len, 4096);
	ck_assert_uint_eq(pcap_le(data + TGT_IDN_NSZE, 8), 131072);
}
END_TEST

START_TEST(test_discovery_refuses)
{
	uint8_t sqe[NVMF_SQE_SIZE];

	/* A discovery controller has Identify Controller and the discovery log only. */
	ctrl_init(true);
	enable();
	sqe_make(sqe, NVMF_ADM_IDENTIFY, 1, TGT_CNS_NS, 0);
	ck_assert_uint_eq(run(sqe, 4096, NULL), GEN(NVMF_SC_INVALID_FIELD));
	sqe_make(sqe, NVMF_ADM_GET_LOG_PAGE, 0, TGT_LID_SMART | 127u << 16, 0);
	ck_assert_uint_eq(run(sqe, 512, NULL), GEN(NVMF_SC_INVALID_FIELD));
	sqe_make(sqe, NVMF_ADM_SET_FEATURES, 0, TGT_FID_NUM_QUEUES, 0);
	ck_assert_uint_eq(run(sqe, 0, NULL), GEN(NVMF_SC_INVALID_FIELD));
	sqe_make(sqe, NVMF_ADM_GET_FEATURES, 0, TGT_FID_VWC, 0);
	ck_assert_uint_eq(run(sqe, 0, NULL), GEN(NVMF_SC_INVALID_FIELD));
	sqe_make(sqe, NVMF_ADM_ABORT, 0, 0, 0);
	ck_assert_uint_eq(run(sqe, 0, NULL), GEN(NVMF_SC_INVALID_OPCODE));
	sqe_make(sqe, 0x05, 0, 0, 0);			/* Create I/O CQ */
	ck_assert_uint_eq(run(sqe, 0, NULL), GEN(NVMF_SC_INVALID_OPCODE));
}
END_TEST

START_TEST(test_get_log_page)
{
	uint8_t sqe[NVMF_SQE_SIZE];
	struct tgt_admin_result res;

	ctrl_init(true);
	enable();
	/* The header (NUMD 256 dwords), then a window at LPO 1024 of the first record. */
	sqe_make(sqe, NVMF_ADM_GET_LOG_PAGE, 0, TGT_LID_DISCOVERY | 255u << 16, 0);
	ck_assert_uint_eq(run(sqe, 1024, &res), 0);
	ck_assert_uint_eq(res.data_len, 1024);
	ck_assert_uint_eq(pcap_le(data + TGT_DISC_NUMREC, 8), 2);
	nvmf_put_le32(sqe + NVMF_SQE_CDW10 + 8, 1024);		/* LPO */
	ck_assert_uint_eq(run(sqe, 1024, &res), 0);
	ck_assert_uint_eq(data[TGT_DISCE_SUBTYPE], TGT_SUBTYPE_DISC);
	/* Past the page: zeros. */
	nvmf_put_le32(sqe + NVMF_SQE_CDW10 + 8, 2048);
	sqe_make(sqe, NVMF_ADM_GET_LOG_PAGE, 0, TGT_LID_DISCOVERY | 511u << 16, 0);
	nvmf_put_le32(sqe + NVMF_SQE_CDW10 + 8, 2048);
	ck_assert_uint_eq(run(sqe, 2048, &res), 0);
	ck_assert_uint_eq(data[TGT_DISCE_SUBTYPE], TGT_SUBTYPE_NVME);
	ck_assert_uint_eq(data[1024 + TGT_DISCE_SUBTYPE], 0);
	/* The length is NUMD's; an offset beyond the page or unaligned is refused. */
	ck_assert_uint_eq(run(sqe, 1024, NULL), GEN(NVMF_SC_SGL_INVALID_DATA));
	nvmf_put_le32(sqe + NVMF_SQE_CDW10 + 8, 4096);
	ck_assert_uint_eq(run(sqe, 2048, NULL), GEN(NVMF_SC_INVALID_FIELD));
	nvmf_put_le32(sqe + NVMF_SQE_CDW10 + 8, 2);
	ck_assert_uint_eq(run(sqe, 2048, NULL), GEN(NVMF_SC_INVALID_FIELD));
	nvmf_put_le32(sqe + NVMF_SQE_CDW10 + 12, 1);		/* LPOU */
	ck_assert_uint_eq(run(sqe, 2048, NULL), GEN(NVMF_SC_INVALID_FIELD));
	/* NVM controller: SMART, error and firmware logs; others are Invalid Field. */
	ctrl_init(false);
	enable();
	sqe_make(sqe, NVMF_ADM_GET_LOG_PAGE, 0xffffffffu, TGT_LID_SMART | 127u << 16, 0);
	ck_assert_uint_eq(run(sqe, 512, &res), 0);
	ck_assert_uint_eq(data[3], 100);			/* available spare */
	sqe_make(sqe, NVMF_ADM_GET_LOG_PAGE, 0, TGT_LID_FW_SLOT | 127u << 16, 0);
	ck_assert_uint_eq(run(sqe, 512, &res), 0);
	ck_assert_mem_eq(data + 8, "0.1     ", 8);		/* slot 1: the firmware */
	sqe_make(sqe, NVMF_ADM_GET_LOG_PAGE, 0, TGT_LID_ERROR | 15u << 16, 0);
	ck_assert_uint_eq(run(sqe, 64, &res), 0);
	sqe_make(sqe, NVMF_ADM_GET_LOG_PAGE, 0, TGT_LID_DISCOVERY | 255u << 16, 0);
	ck_assert_uint_eq(run(sqe, 1024, NULL), GEN(NVMF_SC_INVALID_FIELD));
	sqe_make(sqe, NVMF_ADM_GET_LOG_PAGE, 0, 0x04 | 255u << 16, 0);	/* changed NS */
	ck_assert_uint_eq(run(sqe, 1024, NULL), GEN(NVMF_SC_INVALID_FIELD));
}
END_TEST

START_TEST(test_features)
{
	uint8_t sqe[NVMF_SQE_SIZE];
	struct tgt_admin_result res;

	ctrl_init(false);
	ctrl.max_io_queues = 4;
	enable();
	/* Number of Queues: every allowed queue, 0's based, whatever was asked. */
	sqe_make(sqe, NVMF_ADM_SET_FEATURES, 0, TGT_FID_NUM_QUEUES, 0x00010001);
	ck_assert_uint_eq(run(sqe, 0, &res), 0);
	ck_assert_uint_eq(res.dw0, 0x00030003);
	sqe_make(sqe, NVMF_ADM_GET_FEATURES, 0, TGT_FID_NUM_QUEUES, 0);
	ck_assert_uint_eq(run(sqe, 0, &res), 0);
	ck_assert_uint_eq(res.dw0, 0x00030003);
	sqe_make(sqe, NVMF_ADM_SET_FEATURES, 0, TGT_FID_NUM_QUEUES, 0xffff0000u);
	ck_assert_uint_eq(run(sqe, 0, NULL), GEN(NVMF_SC_INVALID_FIELD));
	sqe_make(sqe, NVMF_ADM_SET_FEATURES, 0, TGT_FID_NUM_QUEUES, 0x0000ffffu);
	ck_assert_uint_eq(run(sqe, 0, NULL), GEN(NVMF_SC_INVALID_FIELD));
	/* Save is refused; unknown features are Invalid Field; no data either way. */
	sqe_make(sqe, NVMF_ADM_SET_FEATURES, 0, TGT_FID_AEC | 1u << 31, 0x100);
	ck_assert_uint_eq(run(sqe, 0, NULL), SPEC(NVMF_SC_FEATURE_NOT_SAVEABLE));
	ck_assert_uint_eq(ctrl.aec, 0);
	sqe_make(sqe, NVMF_ADM_SET_FEATURES, 0, 0x02, 0);	/* power management */
	ck_assert_uint_eq(run(sqe, 0, NULL), GEN(NVMF_SC_INVALID_FIELD));
	sqe_make(sqe, NVMF_ADM_SET_FEATURES, 0, TGT_FID_AEC, 0x100);
	ck_assert_uint_eq(run(sqe, 16, NULL), GEN(NVMF_SC_SGL_INVALID_DATA));
	ck_assert_uint_eq(run(sqe, 0, NULL), 0);
	sqe_make(sqe, NVMF_ADM_GET_FEATURES, 0, TGT_FID_AEC, 0);
	ck_assert_uint_eq(run(sqe, 0, &res), 0);
	ck_assert_uint_eq(res.dw0, 0x100);
	/* KATO, and the write cache reported as the backend has it. */
	sqe_make(sqe, NVMF_ADM_SET_FEATURES, 0, TGT_FID_KATO, 15000);
	ck_assert_uint_eq(run(sqe, 0, NULL), 0);
	ck_assert_uint_eq(ctrl.kato_ms, 15000);
	sqe_make(sqe, NVMF_ADM_GET_FEATURES, 0, TGT_FID_KATO, 0);
	ck_assert_uint_eq(run(sqe, 0, &res), 0);
	ck_assert_uint_eq(res.dw0, 15000);
	sqe_make(sqe, NVMF_ADM_GET_FEATURES, 0, TGT_FID_VWC, 0);
	ck_assert_uint_eq(run(sqe, 0, &res), 0);
	ck_assert_uint_eq(res.dw0, 1);
}
END_TEST

START_TEST(test_aer_keep_alive_abort)
{
	uint8_t sqe[NVMF_SQE_SIZE];
	struct tgt_admin_result res;
	unsigned int i;

	ctrl_init(false);
	enable();
	/* AERL 3: four held, the fifth refused. */
	sqe_make(sqe, NVMF_ADM_ASYNC_EVENT, 0, 0, 0);
	for (i = 0; i < 4; i++) {
		ck_assert_uint_eq(run(sqe, 0, &res), 0);
		ck_assert_int_eq(res.action, TGT_ADMIN_HOLD);
	}
	ck_assert_uint_eq(run(sqe, 0, NULL), SPEC(NVMF_SC_ASYNC_LIMIT));
	ck_assert_uint_eq(ctrl.aers, 4);
	/* Keep Alive: refused without a KATO (no DNR, as nvmet), noted with one. */
	sqe_make(sqe, NVMF_ADM_KEEP_ALIVE, 0, 0, 0);
	ck_assert_uint_eq(run(sqe, 0, NULL),
			  NVMF_STATUS(NVMF_SCT_GENERIC, NVMF_SC_KA_TIMEOUT_INVALID, 0));
	ck_assert(!ctrl.kept_alive);
	ctrl.kato_ms = 5000;
	ck_assert_uint_eq(run(sqe, 0, NULL), 0);
	ck_assert(ctrl.kept_alive);
	/* Abort: nothing is aborted (DW0 bit 0). */
	sqe_make(sqe, NVMF_ADM_ABORT, 0, 5u << 16, 0);
	ck_assert_uint_eq(run(sqe, 0, &res), 0);
	ck_assert_uint_eq(res.dw0, 1);
	/* Admin opcodes droce-tgt does not implement. */
	sqe_make(sqe, 0x01, 0, 0, 0);			/* Delete I/O SQ */
	ck_assert_uint_eq(run(sqe, 0, NULL), GEN(NVMF_SC_INVALID_OPCODE));
	sqe_make(sqe, 0x80, 0, 0, 0);			/* Format NVM */
	ck_assert_uint_eq(run(sqe, 0, NULL), GEN(NVMF_SC_INVALID_OPCODE));
}
END_TEST

START_TEST(test_bad_arguments)
{
	uint8_t sqe[NVMF_SQE_SIZE];
	struct tgt_admin_result res;

	ctrl_init(false);
	sqe_make(sqe, NVMF_ADM_KEEP_ALIVE, 0, 0, 0);
	ck_assert_int_eq(tgt_admin_exec(NULL, sqe, 0, data, &res), -EINVAL);
	ck_assert_int_eq(tgt_admin_exec(&ctrl, NULL, 0, data, &res), -EINVAL);
	ck_assert_int_eq(tgt_admin_exec(&ctrl, sqe, 0, data, NULL), -EINVAL);
	ck_assert_int_eq(tgt_admin_exec(&ctrl, sqe, 4096, NULL, &res), -EINVAL);
	ck_assert_int_eq(tgt_admin_exec(&ctrl, sqe, 0, NULL, &res), 0);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("tgt_admin");
	TCase *tc = tcase_create("admin");

	tcase_add_test(tc, test_discovery_sequence);
	tcase_add_test(tc, test_nvm_sequence);
	tcase_add_test(tc, test_before_enable);
	tcase_add_test(tc, test_fabrics_errors);
	tcase_add_test(tc, test_identify_errors);
	tcase_add_test(tc, test_discovery_refuses);
	tcase_add_test(tc, test_get_log_page);
	tcase_add_test(tc, test_features);
	tcase_add_test(tc, test_aer_keep_alive_abort);
	tcase_add_test(tc, test_bad_arguments);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
