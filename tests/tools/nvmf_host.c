/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nvmf_host: an NVMe over Fabrics RDMA host on droce's NDK API (see nvmf_host.h).
 *
 * Structure: a queue is a CQ, an RC QP, depth 16-byte response buffers (always posted:
 * a receive is reposted as soon as its CQE is read) and one capsule buffer; commands go
 * one at a time. Asynchronous creates, closes and CM steps are waited for as droce-rping
 * does: a counter of callbacks still due, and a semaphore every callback posts; the
 * CQ's notification (engine thread) posts it too, so the waiting thread sleeps between
 * completions instead of spinning against the engine on a small machine.
 */
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include <droce/droce.h>

#include "nvmf_host.h"

/* Request contexts of the initiator queue; receives carry CTX_RECV + their slot. */
enum { CTX_SEND = 1, CTX_BIND, CTX_INV, CTX_RECV = 16 };

#define CC_EN		0x1u
#define CC_IOSQES_6	(6u << 16)	/* 64-byte SQEs */
#define CC_IOCQES_4	(4u << 20)	/* 16-byte CQEs */
#define CC_SHN_NORMAL	(1u << 14)
#define CC_SHN_MASK	(3u << 14)
#define CSTS_RDY	0x1u
#define CSTS_CFS	0x2u
#define CSTS_SHST_MASK	(3u << 2)
#define CSTS_SHST_DONE	(2u << 2)
#define IO_ICD_MAX	16384u		/* largest in-capsule data we carry (nvmet's max) */

struct nvmf_q {
	struct nvmf_host *h;
	uint16_t qid;
	uint16_t depth;
	uint16_t next_cid;
	struct ndk_cq *cq;
	struct ndk_qp *qp;
	struct ndk_connector *conn;
	struct ndk_mr *rsp_mr, *cmd_mr;
	uint8_t *rsp;		/* depth CQE buffers */
	uint8_t *cmd;		/* the capsule: SQE + in-capsule data */
	uint32_t icd_size;	/* in-capsule data the capsule buffer takes */
	bool connected;		/* complete_connect done, no disconnect yet */
	bool broken;		/* a command failed in transport: no more commands */
	int peer_gone;		/* atomic: the target disconnected */
};

struct nvmf_host {
	struct nvmf_host_conf c;
	char subnqn[NVMF_NQN_FIELD_SIZE];
	char hostnqn[NVMF_NQN_FIELD_SIZE];
	struct nvmf_host_info info;
	struct ndk_pd *pd;
	struct ndk_mr *buf_mr;
	struct ndk_mw *mw;
	bool mw_bound;		/* bound and not invalidated since */
	uint8_t *buf;
	struct nvmf_q aq, ioq;
	uint16_t status;	/* last non-zero CQE status */
	uint16_t rej;		/* last REJ status */
	bool enabled;		/* CC.EN written 1 */
	uint64_t last_admin_ms;
	/* Callbacks: each lowers pending (when it counts) and posts sem. */
	sem_t sem;
	int pending;
	int cb_status;
	struct ndk_object_header *created;
};

/* One command in flight: what completes it. */
struct q_op {
	uint16_t cid;
	int wrs;		/* signalled work requests not completed yet */
	bool done;		/* its CQE arrived */
	bool inv;		/* its SGL asked for invalidation of inv_key */
	uint32_t inv_key;
	struct nvmf_cqe cqe;
};

#define LOG(h, ...) do { if ((h)->c.verbose) fprintf(stderr, "nvmf_host: " __VA_ARGS__); } \
	while (0)

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Sleep on the semaphore up to ms; any callback or CQ notification cuts it short. */
static void
nap(struct nvmf_host *h, unsigned int ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += (long)(ms % 1000) * 1000000;
	ts.tv_sec += ms / 1000 + ts.tv_nsec / 1000000000;
	ts.tv_nsec %= 1000000000;
	(void)sem_timedwait(&h->sem, &ts);
}

/* ---- callbacks: record, count down, wake ---- */

static void
on_created(void *ctx, int status, struct ndk_object_header *obj)
{
	struct nvmf_host *h = ctx;

	h->created = obj;
	h->cb_status = status;
	__atomic_sub_fetch(&h->pending, 1, __ATOMIC_RELEASE);
	sem_post(&h->sem);
}

static void
on_request(void *ctx, int status)
{
	struct nvmf_host *h = ctx;

	h->cb_status = status;
	__atomic_sub_fetch(&h->pending, 1, __ATOMIC_RELEASE);
	sem_post(&h->sem);
}

static void
on_closed(void *ctx)
{
	struct nvmf_host *h = ctx;

	__atomic_sub_fetch(&h->pending, 1, __ATOMIC_RELEASE);
	sem_post(&h->sem);
}

/* Engine thread: only wake the host's thread. */
static void
on_cq(void *ctx, int cq_status)
{
	struct nvmf_host *h = ctx;

	if (cq_status != 0)
		fprintf(stderr, "nvmf_host: CQ notification: %s\n", droce_strerror(cq_status));
	sem_post(&h->sem);
}

static void
on_disconnect(void *ctx)
{
	struct nvmf_q *q = ctx;

	__atomic_store_n(&q->peer_gone, 1, __ATOMIC_RELEASE);
	sem_post(&q->h->sem);
}

/*
 * The outcome of a call made with pending raised by one: NDK_PENDING waits for its
 * callback (the callback will come, so this waits for it even past the timeout rather
 * than leave it to run on a freed host); anything else means no callback.
 */
static int
request(struct nvmf_host *h, int ret, const char *what)
{
	uint64_t end = now_ms() + h->c.timeout_ms;

	if (ret != NDK_PENDING) {
		__atomic_sub_fetch(&h->pending, 1, __ATOMIC_RELEASE);
	} else {
		while (__atomic_load_n(&h->pending, __ATOMIC_ACQUIRE) > 0) {
			if (now_ms() > end) {
				fprintf(stderr, "nvmf_host: %s: no callback after %u ms\n", what,
					h->c.timeout_ms);
				end = UINT64_MAX;
			}
			nap(h, 100);
		}
		ret = h->cb_status;
	}
	if (ret != 0)
		LOG(h, "%s: %s\n", what, droce_strerror(ret));
	return ret;
}

#define REQUEST(h, what, call) \
	(__atomic_add_fetch(&(h)->pending, 1, __ATOMIC_ACQ_REL), request(h, call, what))

static int
create(struct nvmf_host *h, int ret, const char *what, void *out)
{
	ret = request(h, ret, what);
	if (ret == 0)
		*(struct ndk_object_header **)out = h->created;
	return ret;
}

#define CREATE(h, what, out, call) \
	(__atomic_add_fetch(&(h)->pending, 1, __ATOMIC_ACQ_REL), create(h, call, what, out))

static int
reg(struct nvmf_host *h, struct ndk_mr **mr, void *buf, size_t len, uint32_t flags)
{
	int ret = ndk_create_mr(h->pd, false, NULL, NULL, mr);

	if (ret != 0)
		return ret;
	return REQUEST(h, "register_mr", ndk_register_mr(*mr, buf, len, flags, on_request, h));
}

/* ---- one command on a queue ---- */

static int
post_recv(struct nvmf_q *q, unsigned int slot)
{
	struct ndk_sge s = { .va = q->rsp + slot * NVMF_CQE_SIZE, .length = NVMF_CQE_SIZE,
			     .token = ndk_get_local_token_mr(q->rsp_mr) };

	return ndk_receive(q->qp, (void *)(uintptr_t)(CTX_RECV + slot), &s, 1);
}

/*
 * A response capsule (RDMA Transport 1.0, Capsules): exactly one CQE. A SEND with
 * Invalidate must name the key this command's SGL offered for invalidation (RDMA
 * Transport 1.0, Keyed SGL Data Block with Invalidate): anything else would let the
 * target revoke access we still rely on.
 */
static int
on_response(struct nvmf_q *q, struct q_op *op, const struct ndk_result_ex *r)
{
	unsigned int slot = (unsigned int)((uintptr_t)r->request_context - CTX_RECV);
	struct nvmf_cqe cqe;

	if (r->bytes_transferred != NVMF_CQE_SIZE) {
		fprintf(stderr, "nvmf_host: q%u: response of %u bytes\n", q->qid,
			r->bytes_transferred);
		return -EPROTO;
	}
	nvmf_cqe_parse(q->rsp + slot * NVMF_CQE_SIZE, &cqe);
	if (post_recv(q, slot) != 0)
		return -EIO;
	if (r->type == NDK_OP_RECEIVE_AND_INVALIDATE) {
		if (!op->inv || r->type_specific != op->inv_key) {
			fprintf(stderr, "nvmf_host: q%u: bogus remote invalidation of key %#"
				PRIx64 "\n", q->qid, r->type_specific);
			return -EPROTO;
		}
		q->h->mw_bound = false;
		q->h->info.remote_invalidations++;
	}
	if (cqe.cid != op->cid || cqe.sqid != q->qid) {
		fprintf(stderr, "nvmf_host: q%u: stray CQE cid %u sqid %u (want cid %u)\n",
			q->qid, cqe.cid, cqe.sqid, op->cid);
		return 0;
	}
	op->cqe = cqe;
	op->done = true;
	return 0;
}

static int
on_completion(struct nvmf_q *q, struct q_op *op, const struct ndk_result_ex *r)
{
	uintptr_t ctx = (uintptr_t)r->request_context;

	if (r->status != 0) {
		fprintf(stderr, "nvmf_host: q%u: completion (context %u) failed: %s\n", q->qid,
			(unsigned int)ctx, droce_strerror(r->status));
		return r->status;
	}
	if (ctx >= CTX_RECV)
		return on_response(q, op, r);
	op->wrs--;
	if (ctx == CTX_BIND)
		q->h->mw_bound = true;
	else if (ctx == CTX_INV)
		q->h->mw_bound = false;
	return 0;
}

/* Poll until every work request of op completed and its CQE arrived. */
static int
q_wait(struct nvmf_q *q, struct q_op *op)
{
	struct nvmf_host *h = q->h;
	uint64_t end = now_ms() + h->c.timeout_ms;
	struct ndk_result_ex r;
	int ret;

	while (op->wrs > 0 || !op->done) {
		if (ndk_get_cq_results_ex(q->cq, &r, 1) == 1) {
			ret = on_completion(q, op, &r);
			if (ret != 0)
				return ret;
			continue;
		}
		if (__atomic_load_n(&q->peer_gone, __ATOMIC_ACQUIRE)) {
			fprintf(stderr, "nvmf_host: q%u: the target disconnected\n", q->qid);
			return -ECONNRESET;
		}
		if (now_ms() >= end) {
			fprintf(stderr, "nvmf_host: q%u: cid %u: no %s after %u ms\n", q->qid,
				op->cid, op->done ? "send completion" : "response",
				h->c.timeout_ms);
			return -ETIMEDOUT;
		}
		/* Armed after an empty poll: it fires at once if anything came since. */
		ndk_arm_cq(q->cq, NDK_CQ_NOTIFY_ANY);
		nap(h, 100);
	}
	return 0;
}

/*
 * Make the data buffer reachable through the MW for one command: invalidate a binding
 * the target left valid (it may answer a 0x4F SGL without invalidating), then bind anew.
 */
static int
mw_prepare(struct nvmf_q *q, struct q_op *op)
{
	struct nvmf_host *h = q->h;
	int ret;

	if (h->mw_bound) {
		ret = ndk_invalidate(q->qp, (void *)CTX_INV, &h->mw->header, 0);
		if (ret != 0)
			return ret;
		op->wrs++;
	}
	ret = ndk_bind(q->qp, (void *)CTX_BIND, h->buf_mr, h->mw, h->buf, h->c.buf_size,
		       NDK_OP_FLAG_ALLOW_REMOTE_READ | NDK_OP_FLAG_ALLOW_REMOTE_WRITE);
	if (ret != 0)
		return ret;
	op->wrs++;
	op->inv = true;
	op->inv_key = ndk_get_remote_token_mw(h->mw);
	return 0;
}

/*
 * Send the SQE in q->cmd (its SGL1 is set here): keyed_len bytes of the data buffer
 * through a keyed SGL, or icd_len bytes of in-capsule data already after the SQE, or
 * no data (a zero keyed descriptor, as Linux sends). Waits for the CQE.
 */
static int
q_exec(struct nvmf_q *q, uint32_t keyed_len, uint32_t icd_len, struct nvmf_cqe *cqe)
{
	struct nvmf_host *h = q->h;
	struct q_op op = { .cid = q->next_cid++ };
	uint8_t *sgl = q->cmd + NVMF_SQE_DPTR;
	struct ndk_sge s = { .va = q->cmd, .length = NVMF_SQE_SIZE + icd_len,
			     .token = ndk_get_local_token_mr(q->cmd_mr) };
	uint32_t key = ndk_get_remote_token_mr(h->buf_mr);
	int ret;

	if (q->broken || !q->connected)
		return -ENOTCONN;
	nvmf_put_le16(q->cmd + NVMF_SQE_CID, op.cid);
	if (keyed_len > 0 && h->c.invalidate) {
		ret = mw_prepare(q, &op);
		if (ret != 0)
			goto broken;
		key = op.inv_key;
	}
	if (icd_len > 0)
		nvmf_sgl_offset_build(sgl, 0, icd_len);
	else if (nvmf_sgl_keyed_build(sgl, keyed_len ? (uint64_t)(uintptr_t)h->buf : 0,
				      keyed_len, keyed_len ? key : 0, op.inv) != 0)
		return -E2BIG;
	LOG(h, "q%u: cid %u opc %#x keyed %u icd %u\n", q->qid, op.cid, q->cmd[0], keyed_len,
	    icd_len);
	ret = ndk_send(q->qp, (void *)CTX_SEND, &s, 1, 0);
	if (ret != 0)
		goto broken;
	op.wrs++;
	ret = q_wait(q, &op);
	if (ret != 0)
		goto broken;
	*cqe = op.cqe;
	if (q->qid == 0)
		h->last_admin_ms = now_ms();
	if (cqe->status == 0)
		return 0;
	h->status = cqe->status;
	LOG(h, "q%u: cid %u: status %#x (sct %u sc %#x%s)\n", q->qid, op.cid, cqe->status,
	    nvmf_status_sct(cqe->status), nvmf_status_sc(cqe->status),
	    nvmf_status_dnr(cqe->status) ? " dnr" : "");
	return -EREMOTEIO;
broken:
	q->broken = true;
	return ret;
}

/* Clear the SQE; opcode, NSID, and PSDT 01b (fabrics use SGLs: NVMe-oF 1.1, Capsules). */
static uint8_t *
sqe_init(struct nvmf_q *q, uint8_t opc, uint32_t nsid)
{
	uint8_t *s = q->cmd;

	memset(s, 0, NVMF_SQE_SIZE);
	s[NVMF_SQE_OPC] = opc;
	s[NVMF_SQE_FLAGS] = NVMF_PSDT_SGL_MPTR << NVMF_SQE_PSDT_SHIFT;
	nvmf_put_le32(s + NVMF_SQE_NSID, nsid);
	return s;
}

/* ---- queues ---- */

static socklen_t
sa_len(const struct sockaddr_storage *ss)
{
	return ss->ss_family == AF_INET ? sizeof(struct sockaddr_in) :
					  sizeof(struct sockaddr_in6);
}

/* CQ, QP (one SEND and a bind and an invalidate per command), buffers, receives. */
static int
q_create(struct nvmf_host *h, struct nvmf_q *q)
{
	uint32_t i;
	int ret;

	ret = CREATE(h, "create_cq", &q->cq, ndk_create_cq(h->c.ad, q->depth * 4u + 8, on_cq,
							    h, -1, on_created, h, NULL));
	if (ret == 0)
		ret = CREATE(h, "create_qp", &q->qp,
			     ndk_create_qp(h->pd, q->cq, q->cq, q, q->depth, q->depth * 3u + 2,
					   1, 1, 0, on_created, h, NULL));
	if (ret != 0)
		return ret;
	q->rsp = calloc(q->depth, NVMF_CQE_SIZE);
	q->cmd = calloc(1, NVMF_SQE_SIZE + q->icd_size);
	if (q->rsp == NULL || q->cmd == NULL)
		return -ENOMEM;
	ret = reg(h, &q->rsp_mr, q->rsp, (size_t)q->depth * NVMF_CQE_SIZE,
		  NDK_MR_FLAG_LOCAL_WRITE);
	if (ret == 0)
		ret = reg(h, &q->cmd_mr, q->cmd, NVMF_SQE_SIZE + q->icd_size, 0);
	/* Receives before the connect: a CQE may come before our RTU is out. */
	for (i = 0; ret == 0 && i < q->depth; i++)
		ret = post_recv(q, i);
	return ret;
}

/* A REJ's NVMe status (RDMA Transport 1.0, RDMA_CM_REJECT private data). */
static void
q_rejected(struct nvmf_q *q)
{
	uint8_t pd[148];
	uint32_t len = sizeof(pd);
	uint16_t fmt, sts;

	/* Status 0: not the NVMe transport's reject (no listener: invalid service ID). */
	if (ndk_get_connection_data(q->conn, NULL, NULL, pd, &len) == 0 &&
	    nvmf_rdma_cm_rej_parse(pd, len, &fmt, &sts) == 0 && sts != 0) {
		q->h->rej = sts;
		fprintf(stderr, "nvmf_host: q%u: connect rejected: %s (%u)\n", q->qid,
			nvmf_rdma_cm_sts_name(sts), sts);
	}
}

/*
 * rdma_cm connect with the NVMe RDMA REQ private data (RDMA Transport 1.0,
 * RDMA_CM_REQUEST private data): hrqsize = receives we posted, hsqsize = our SQ
 * entries - 1. We serve the target's RDMA READs (ird); we issue none (ord 0).
 */
static int
q_connect(struct nvmf_host *h, struct nvmf_q *q)
{
	struct nvmf_rdma_cm_req req = { .recfmt = NVMF_RDMA_CM_FMT_1_0, .qid = q->qid,
					.hrqsize = q->depth, .hsqsize = q->depth - 1 };
	uint8_t pd[NVMF_RDMA_CM_REQ_SIZE], rep[196];
	uint32_t len = sizeof(rep), ird = 0, ord = 0;
	uint16_t fmt, crqsize = 0;
	int ret;

	ret = ndk_create_connector(h->c.ad, NULL, NULL, &q->conn);
	if (ret != 0)
		return ret;
	nvmf_rdma_cm_req_build(pd, &req);
	ret = REQUEST(h, "connect", ndk_connect(q->conn, q->qp, NULL, 0,
						(const struct sockaddr *)&h->c.addr,
						sa_len(&h->c.addr), 16, 0, pd, sizeof(pd),
						on_request, h));
	if (ret == -ECONNREFUSED)
		q_rejected(q);
	if (ret != 0)
		return ret;
	if (ndk_get_connection_data(q->conn, &ird, &ord, rep, &len) == 0 &&
	    nvmf_rdma_cm_rep_parse(rep, len, &fmt, &crqsize) == 0)
		LOG(h, "q%u: REP crqsize %u, ird %u ord %u\n", q->qid, crqsize, ird, ord);
	ret = REQUEST(h, "complete_connect", ndk_complete_connect(q->conn, on_disconnect, q,
								  on_request, h));
	if (ret == 0)
		q->connected = true;
	return ret;
}

/*
 * The Fabrics Connect command (NVMe-oF 1.1, Connect Command and Response): admin queue
 * with cntlid 0xFFFF (the target picks one), I/O queues with the admin queue's. Its 1024
 * bytes of data go in the capsule when the queue carries that much in-capsule data (as
 * Linux hosts do on I/O queues), else keyed.
 */
static int
q_fabrics_connect(struct nvmf_host *h, struct nvmf_q *q)
{
	struct nvmf_connect_cmd cc = { .recfmt = NVMF_CONNECT_RECFMT_1_0, .qid = q->qid,
				       .sqsize = q->depth - 1,
				       .kato = q->qid == 0 ? h->c.kato_ms : 0 };
	struct nvmf_connect_data cd = { .cntlid = q->qid == 0 ? NVMF_CNTLID_DYNAMIC :
								 h->info.cntlid };
	bool icd = q->icd_size >= NVMF_CONNECT_DATA_SIZE;
	uint8_t *data = icd ? q->cmd + NVMF_SQE_SIZE : h->buf;
	struct nvmf_cqe cqe;
	int ret;

	memcpy(cd.hostid, h->c.hostid, NVMF_HOSTID_SIZE);
	memcpy(cd.subnqn, h->subnqn, sizeof(cd.subnqn));
	memcpy(cd.hostnqn, h->hostnqn, sizeof(cd.hostnqn));
	nvmf_connect_cmd_build(q->cmd, 0, &cc);
	ret = nvmf_connect_data_build(data, &cd);
	if (ret != 0)
		return ret;
	ret = q_exec(q, icd ? 0 : NVMF_CONNECT_DATA_SIZE, icd ? NVMF_CONNECT_DATA_SIZE : 0,
		     &cqe);
	if (ret == -EREMOTEIO)
		fprintf(stderr, "nvmf_host: q%u: Connect refused: status %#x, dw0 %#x\n",
			q->qid, cqe.status, cqe.dw0);
	if (ret == 0 && q->qid == 0)
		h->info.cntlid = (uint16_t)cqe.dw0;
	return ret;
}

static int
q_open(struct nvmf_host *h, struct nvmf_q *q, uint16_t qid, uint16_t depth, uint32_t icd)
{
	int ret;

	q->h = h;
	q->qid = qid;
	q->depth = depth;
	q->icd_size = icd;
	q->next_cid = 1;
	ret = q_create(h, q);
	if (ret == 0)
		ret = q_connect(h, q);
	if (ret == 0)
		ret = q_fabrics_connect(h, q);
	return ret;
}

/* ---- admin commands ---- */

int
nvmf_host_prop_get(struct nvmf_host *h, uint32_t off, unsigned int size, uint64_t *val)
{
	uint8_t *s = sqe_init(&h->aq, NVMF_OPC_FABRICS, 0);
	struct nvmf_cqe cqe;
	int ret;

	s[NVMF_SQE_FCTYPE] = NVMF_FCTYPE_PROP_GET;
	s[NVMF_PROP_ATTRIB] = size == 8 ? 1 : 0;
	nvmf_put_le32(s + NVMF_PROP_OFFSET, off);
	ret = q_exec(&h->aq, 0, 0, &cqe);
	if (ret == 0)
		*val = size == 8 ? (uint64_t)cqe.dw1 << 32 | cqe.dw0 : cqe.dw0;
	return ret;
}

int
nvmf_host_prop_set(struct nvmf_host *h, uint32_t off, unsigned int size, uint64_t val)
{
	uint8_t *s = sqe_init(&h->aq, NVMF_OPC_FABRICS, 0);
	struct nvmf_cqe cqe;

	s[NVMF_SQE_FCTYPE] = NVMF_FCTYPE_PROP_SET;
	s[NVMF_PROP_ATTRIB] = size == 8 ? 1 : 0;
	nvmf_put_le32(s + NVMF_PROP_OFFSET, off);
	nvmf_put_le64(s + NVMF_PROP_VALUE, size == 8 ? val : (uint32_t)val);
	return q_exec(&h->aq, 0, 0, &cqe);
}

/* Admin command moving len bytes controller to host into the data buffer. */
static int
admin_read(struct nvmf_host *h, void *data, uint32_t len)
{
	struct nvmf_cqe cqe;
	int ret;

	if (len > h->c.buf_size)
		return -E2BIG;
	ret = q_exec(&h->aq, len, 0, &cqe);
	if (ret == 0 && data != h->buf)
		memcpy(data, h->buf, len);
	return ret;
}

int
nvmf_host_identify(struct nvmf_host *h, uint8_t cns, uint32_t nsid, uint8_t *data)
{
	uint8_t *s = sqe_init(&h->aq, NVMF_ADM_IDENTIFY, nsid);

	nvmf_put_le32(s + NVMF_SQE_CDW10, cns);
	return admin_read(h, data, 4096);
}

int
nvmf_host_get_log(struct nvmf_host *h, uint8_t lid, uint64_t off, void *data, uint32_t len)
{
	uint8_t *s = sqe_init(&h->aq, NVMF_ADM_GET_LOG_PAGE, 0);
	uint32_t numd = len / 4 - 1;	/* 0's based dwords */

	if (len < 4 || len % 4 != 0)
		return -EINVAL;
	nvmf_put_le32(s + NVMF_SQE_CDW10, lid | (numd & 0xffff) << 16);
	nvmf_put_le32(s + NVMF_SQE_CDW10 + 4, numd >> 16);
	nvmf_put_le64(s + NVMF_SQE_CDW10 + 8, off);
	return admin_read(h, data, len);
}

int
nvmf_host_discovery_log(struct nvmf_host *h, uint8_t **data, uint32_t *len)
{
	uint64_t numrec;
	uint32_t want;
	int ret;

	/* The header for the record count, then the whole page (NVMe-oF 1.1, Discovery Log). */
	ret = nvmf_host_get_log(h, 0x70, 0, h->buf, 1024);
	if (ret != 0)
		return ret;
	numrec = nvmf_get_le64(h->buf + 8);
	if (numrec > h->c.buf_size / 1024 - 1)
		return -E2BIG;
	want = (uint32_t)(numrec + 1) * 1024;
	ret = nvmf_host_get_log(h, 0x70, 0, h->buf, want);
	if (ret != 0)
		return ret;
	*data = malloc(want);
	if (*data == NULL)
		return -ENOMEM;
	memcpy(*data, h->buf, want);
	*len = want;
	return 0;
}

int
nvmf_host_set_num_queues(struct nvmf_host *h, uint16_t nq, uint16_t *got)
{
	uint8_t *s = sqe_init(&h->aq, NVMF_ADM_SET_FEATURES, 0);
	struct nvmf_cqe cqe;
	int ret;

	if (nq == 0)
		return -EINVAL;
	nvmf_put_le32(s + NVMF_SQE_CDW10, 0x07);
	nvmf_put_le32(s + NVMF_SQE_CDW10 + 4, (uint32_t)(nq - 1) << 16 | (uint32_t)(nq - 1));
	ret = q_exec(&h->aq, 0, 0, &cqe);
	if (ret == 0 && got != NULL)
		*got = (uint16_t)((cqe.dw0 & 0xffff) + 1);
	return ret;
}

int
nvmf_host_keep_alive(struct nvmf_host *h)
{
	struct nvmf_cqe cqe;

	sqe_init(&h->aq, NVMF_ADM_KEEP_ALIVE, 0);
	return q_exec(&h->aq, 0, 0, &cqe);
}

/* Poll a property until (value & mask) == want, up to the host's timeout. */
static int
prop_wait(struct nvmf_host *h, uint32_t off, uint32_t mask, uint32_t want)
{
	uint64_t end = now_ms() + h->c.timeout_ms;
	uint64_t v;
	int ret;

	for (;;) {
		ret = nvmf_host_prop_get(h, off, 4, &v);
		if (ret != 0)
			return ret;
		if (((uint32_t)v & mask) == want)
			return 0;
		if ((uint32_t)v & CSTS_CFS || now_ms() >= end) {
			fprintf(stderr, "nvmf_host: property %#x is %#x, want %#x\n", off,
				(uint32_t)v, want);
			return -ETIMEDOUT;
		}
		nap(h, 10);
	}
}

/* Controller Identify facts (NVMe Base 2.0, Identify Controller data structure). */
static void
parse_identify(struct nvmf_host *h, const uint8_t *id)
{
	struct nvmf_host_info *in = &h->info;
	uint32_t mps = 1u << (12 + ((in->cap >> 48) & 0xf));	/* CAP.MPSMIN */

	in->cntrltype = id[111];
	in->sgls = nvmf_get_le32(id + 536);
	in->ioccsz = nvmf_get_le32(id + 1792);
	in->mdts_bytes = h->c.buf_size;
	if (id[77] != 0 && id[77] < 20 && ((uint64_t)mps << id[77]) < in->mdts_bytes)
		in->mdts_bytes = mps << id[77];
}

/*
 * CC.EN = 1, then wait for CSTS.RDY (NVMe Base 2.0, Controller Initialization; fabrics
 * controllers have no admin queue registers to program).
 */
static int
enable(struct nvmf_host *h)
{
	uint64_t v;
	int ret;

	ret = nvmf_host_prop_get(h, NVMF_PROP_CAP, 8, &h->info.cap);
	if (ret == 0)
		ret = nvmf_host_prop_set(h, NVMF_PROP_CC, 4, CC_IOCQES_4 | CC_IOSQES_6 | CC_EN);
	if (ret != 0)
		return ret;
	h->enabled = true;
	ret = prop_wait(h, NVMF_PROP_CSTS, CSTS_RDY, CSTS_RDY);
	if (ret == 0)
		ret = nvmf_host_prop_get(h, NVMF_PROP_VS, 4, &v);
	if (ret == 0)
		h->info.vs = (uint32_t)v;
	if (ret == 0)
		ret = nvmf_host_identify(h, 1, 0, h->buf);
	if (ret == 0)
		parse_identify(h, h->buf);
	return ret;
}

/* ---- host ---- */

/* NQN and host ID: the caller's, or a random UUID NQN (NVMe Base 2.0, NVMe Qualified Names). */
static int
host_ids(struct nvmf_host *h, const struct nvmf_host_conf *conf)
{
	static const uint8_t zero[NVMF_HOSTID_SIZE];
	uint8_t *u = h->c.hostid;

	if (memcmp(u, zero, sizeof(zero)) == 0) {
		if (getrandom(u, NVMF_HOSTID_SIZE, 0) != NVMF_HOSTID_SIZE)
			return -EIO;
		u[6] = (u[6] & 0x0f) | 0x40;	/* version 4 */
		u[8] = (u[8] & 0x3f) | 0x80;	/* RFC 4122 variant */
	}
	if (conf->hostnqn != NULL) {
		if (strlen(conf->hostnqn) > NVMF_NQN_MAX_LEN)
			return -EINVAL;
		snprintf(h->hostnqn, sizeof(h->hostnqn), "%s", conf->hostnqn);
		return 0;
	}
	snprintf(h->hostnqn, sizeof(h->hostnqn), NVMF_UUID_NQN_PREFIX
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12],
		 u[13], u[14], u[15]);
	return 0;
}

static int
host_init(struct nvmf_host *h, const struct nvmf_host_conf *conf)
{
	h->c = *conf;
	h->c.hostnqn = h->hostnqn;
	h->c.subnqn = h->subnqn;
	if (h->c.io_depth == 0)
		h->c.io_depth = NVMF_HOST_IO_DEPTH;
	if (h->c.buf_size == 0)
		h->c.buf_size = NVMF_HOST_BUF_SIZE;
	if (h->c.timeout_ms == 0)
		h->c.timeout_ms = NVMF_HOST_TIMEOUT_MS;
	if (conf->ad == NULL || conf->subnqn == NULL || h->c.io_depth < 2 ||
	    strlen(conf->subnqn) > NVMF_NQN_MAX_LEN || h->c.buf_size > 0xffffff)
		return -EINVAL;
	snprintf(h->subnqn, sizeof(h->subnqn), "%s", conf->subnqn);
	if (sem_init(&h->sem, 0, 0) != 0)
		return -errno;
	return host_ids(h, conf);
}

/* PD, the data buffer (the target reads and writes it) and, for 0x4F SGLs, an MW. */
static int
host_objects(struct nvmf_host *h)
{
	int ret;

	ret = CREATE(h, "create_pd", &h->pd, ndk_create_pd(h->c.ad, on_created, h, NULL));
	if (ret != 0)
		return ret;
	h->buf = aligned_alloc(4096, h->c.buf_size);
	if (h->buf == NULL)
		return -ENOMEM;
	memset(h->buf, 0, h->c.buf_size);
	ret = reg(h, &h->buf_mr, h->buf, h->c.buf_size,
		  NDK_MR_FLAG_REMOTE_READ | NDK_MR_FLAG_REMOTE_WRITE);
	if (ret == 0 && h->c.invalidate)
		ret = CREATE(h, "create_mw", &h->mw, ndk_create_mw(h->pd, on_created, h, NULL));
	return ret;
}

int
nvmf_host_connect(const struct nvmf_host_conf *conf, struct nvmf_host **out)
{
	struct nvmf_host *h = calloc(1, sizeof(*h));
	int ret;

	*out = h;
	if (h == NULL)
		return -ENOMEM;
	ret = host_init(h, conf);
	if (ret == 0)
		ret = host_objects(h);
	if (ret == 0)
		ret = q_open(h, &h->aq, 0, NVMF_AQ_DEPTH, 0);
	if (ret == 0)
		ret = enable(h);
	return ret;
}

const struct nvmf_host_info *
nvmf_host_info(const struct nvmf_host *h)
{
	return &h->info;
}

uint16_t
nvmf_host_status(const struct nvmf_host *h)
{
	return h->status;
}

uint16_t
nvmf_host_cm_reject(const struct nvmf_host *h)
{
	return h->rej;
}

void *
nvmf_host_buf(const struct nvmf_host *h, uint32_t *size)
{
	if (size != NULL)
		*size = h->c.buf_size;
	return h->buf;
}

int
nvmf_host_io_open(struct nvmf_host *h)
{
	uint32_t icd = 0;

	/* In-capsule data only if the controller takes it: SGLS bit 20, IOCCSZ > 4. */
	if ((h->info.sgls & (1u << 20)) != 0 && h->info.ioccsz > 4)
		icd = (h->info.ioccsz - 4) * 16;
	if (icd > IO_ICD_MAX)
		icd = IO_ICD_MAX;
	return q_open(h, &h->ioq, 1, h->c.io_depth, icd);
}

/* Half of KATO gone since the last admin command: Keep Alive (NVMe Base 2.0, Keep Alive). */
static int
keep_alive_due(struct nvmf_host *h)
{
	if (h->c.kato_ms == 0 || now_ms() - h->last_admin_ms < h->c.kato_ms / 2)
		return 0;
	return nvmf_host_keep_alive(h);
}

int
nvmf_host_idle(struct nvmf_host *h, uint32_t ms)
{
	uint64_t end = now_ms() + ms;
	int ret;

	while (now_ms() < end) {
		ret = keep_alive_due(h);
		if (ret != 0)
			return ret;
		nap(h, 50);
	}
	return 0;
}

static uint8_t *
rw_init(struct nvmf_host *h, uint8_t opc, uint32_t nsid, uint64_t slba, uint32_t nlb)
{
	uint8_t *s = sqe_init(&h->ioq, opc, nsid);

	nvmf_put_le64(s + NVMF_SQE_CDW10, slba);
	nvmf_put_le32(s + NVMF_SQE_CDW10 + 8, (nlb - 1) & 0xffff);
	return s;
}

static bool
in_buf(const struct nvmf_host *h, const void *p)
{
	return (const uint8_t *)p >= h->buf && (const uint8_t *)p < h->buf + h->c.buf_size;
}

int
nvmf_host_write(struct nvmf_host *h, uint32_t nsid, uint64_t slba, uint32_t nlb,
		const void *data, uint32_t len, enum nvmf_host_xfer xfer)
{
	bool icd = xfer == NVMF_HOST_XFER_INCAPSULE ||
		   (xfer == NVMF_HOST_XFER_AUTO && len <= h->ioq.icd_size);
	struct nvmf_cqe cqe;
	int ret;

	if (nlb == 0 || nlb > 0x10000)
		return -EINVAL;
	if (icd ? len > h->ioq.icd_size : len > h->info.mdts_bytes)
		return -E2BIG;
	ret = keep_alive_due(h);
	if (ret != 0)
		return ret;
	rw_init(h, NVMF_IO_WRITE, nsid, slba, nlb);
	if (icd) {
		memcpy(h->ioq.cmd + NVMF_SQE_SIZE, data, len);
		return q_exec(&h->ioq, 0, len, &cqe);
	}
	if (data != h->buf)
		memmove(h->buf, data, len);
	return q_exec(&h->ioq, len, 0, &cqe);
}

int
nvmf_host_read(struct nvmf_host *h, uint32_t nsid, uint64_t slba, uint32_t nlb, void *data,
	       uint32_t len)
{
	struct nvmf_cqe cqe;
	int ret;

	if (nlb == 0 || nlb > 0x10000)
		return -EINVAL;
	if (in_buf(h, data) && data != h->buf)
		return -EINVAL;	/* the target writes at the buffer's start */
	if (len > h->info.mdts_bytes)
		return -E2BIG;
	ret = keep_alive_due(h);
	if (ret != 0)
		return ret;
	rw_init(h, NVMF_IO_READ, nsid, slba, nlb);
	ret = q_exec(&h->ioq, len, 0, &cqe);
	if (ret == 0 && data != h->buf)
		memcpy(data, h->buf, len);
	return ret;
}

int
nvmf_host_flush(struct nvmf_host *h, uint32_t nsid)
{
	struct nvmf_cqe cqe;

	sqe_init(&h->ioq, NVMF_IO_FLUSH, nsid);
	return q_exec(&h->ioq, 0, 0, &cqe);
}

/* ---- teardown ---- */

/* Normal shutdown (NVMe Base 2.0, Controller Shutdown): CC.SHN = 01b, then CSTS.SHST = 10b. */
static int
shutdown_ctrl(struct nvmf_host *h)
{
	uint64_t cc;
	int ret;

	/* Nothing to shut down once the target tore the admin queue down (KATO expiry). */
	if (!h->enabled || !h->aq.connected || h->aq.broken ||
	    __atomic_load_n(&h->aq.peer_gone, __ATOMIC_ACQUIRE))
		return 0;
	ret = nvmf_host_prop_get(h, NVMF_PROP_CC, 4, &cc);
	if (ret == 0)
		ret = nvmf_host_prop_set(h, NVMF_PROP_CC, 4,
					 ((uint32_t)cc & ~CC_SHN_MASK) | CC_SHN_NORMAL);
	if (ret == 0)
		ret = prop_wait(h, NVMF_PROP_CSTS, CSTS_SHST_MASK, CSTS_SHST_DONE);
	return ret;
}

/* DREQ/DREP. A target that never answers still leaves the QP flushed: not an error. */
static int
q_disconnect(struct nvmf_host *h, struct nvmf_q *q)
{
	int ret;

	if (!q->connected)
		return 0;
	q->connected = false;
	ret = REQUEST(h, "disconnect", ndk_disconnect(q->conn, on_request, h));
	if (ret == -ETIMEDOUT || ret == -ENOTCONN)
		ret = 0;
	return ret;
}

static void
close_obj(struct nvmf_host *h, void *obj)
{
	if (obj == NULL)
		return;
	__atomic_add_fetch(&h->pending, 1, __ATOMIC_ACQ_REL);
	if (ndk_close(obj, on_closed, h) != NDK_PENDING)
		__atomic_sub_fetch(&h->pending, 1, __ATOMIC_RELEASE);
}

static void
q_close(struct nvmf_host *h, struct nvmf_q *q)
{
	close_obj(h, q->conn);
	close_obj(h, q->qp);
	close_obj(h, q->rsp_mr);
	close_obj(h, q->cmd_mr);
	close_obj(h, q->cq);
}

/* Close everything at once (a close waits for its dependants) and wait for the last. */
static int
close_all(struct nvmf_host *h)
{
	uint64_t end;

	q_close(h, &h->ioq);
	q_close(h, &h->aq);
	close_obj(h, h->mw);
	close_obj(h, h->buf_mr);
	close_obj(h, h->pd);
	for (end = now_ms() + h->c.timeout_ms;
	     __atomic_load_n(&h->pending, __ATOMIC_ACQUIRE) > 0 && now_ms() < end;)
		nap(h, 100);
	if (__atomic_load_n(&h->pending, __ATOMIC_ACQUIRE) == 0)
		return 0;
	fprintf(stderr, "nvmf_host: %d callbacks never came\n", h->pending);
	return -EBUSY;
}

int
nvmf_host_close(struct nvmf_host *h)
{
	int ret, r;

	if (h == NULL)
		return 0;
	ret = shutdown_ctrl(h);
	r = q_disconnect(h, &h->ioq);
	ret = ret != 0 ? ret : r;
	r = q_disconnect(h, &h->aq);
	ret = ret != 0 ? ret : r;
	r = close_all(h);
	ret = ret != 0 ? ret : r;
	if (r == -EBUSY)
		return ret;	/* a late callback would touch h: leak it */
	free(h->aq.rsp);
	free(h->aq.cmd);
	free(h->ioq.rsp);
	free(h->ioq.cmd);
	free(h->buf);
	sem_destroy(&h->sem);
	free(h);
	return ret;
}
