/* SPDX-License-Identifier: BSD-3-Clause */
/* Two engines and adapters over net_ring, driven through the public API only. */
#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_eth_ring.h>
#include <rte_lcore.h>
#include <rte_ring.h>

#include "ndk_harness.h"

struct ndk_adapter *nh_ad[2];
struct droce_engine *nh_eng[2];
struct droce_port *nh_port[2];
uint8_t nh_ack_timeout = 17;

static const char *const addrs[2] = { "10.77.0.1/24", "10.77.0.2/24" };
static const char *const addrs6[2] = { "fd77::1/64", "fd77::2/64" };
static uint64_t seq;
/* Callbacks of the helpers after the adapters' close returned: must stay 0. */
static int after_close;
static bool closed;

uint64_t
nh_next_seq(void)
{
	if (__atomic_load_n(&closed, __ATOMIC_SEQ_CST))
		__atomic_fetch_add(&after_close, 1, __ATOMIC_SEQ_CST);
	return __atomic_add_fetch(&seq, 1, __ATOMIC_SEQ_CST);
}

void
nh_sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

void
nh_create_cb(void *ctx, int status, struct ndk_object_header *obj)
{
	struct nh_call *c = ctx;

	c->status = status;
	c->obj = obj;
	c->seq = nh_next_seq();
	__atomic_fetch_add(&c->done, 1, __ATOMIC_SEQ_CST);
}

void
nh_request_cb(void *ctx, int status)
{
	struct nh_call *c = ctx;

	c->status = status;
	c->seq = nh_next_seq();
	__atomic_fetch_add(&c->done, 1, __ATOMIC_SEQ_CST);
}

void
nh_close_cb(void *ctx)
{
	struct nh_call *c = ctx;

	c->seq = nh_next_seq();
	__atomic_fetch_add(&c->done, 1, __ATOMIC_SEQ_CST);
}

void
nh_notify_cb(void *ctx, int cq_status)
{
	struct nh_call *c = ctx;

	c->status = cq_status;
	c->seq = nh_next_seq();
	__atomic_fetch_add(&c->done, 1, __ATOMIC_SEQ_CST);
}

void
nh_wait(struct nh_call *c, const char *what)
{
	unsigned int ms;
	int done;

	for (ms = 0; ms < NH_WAIT_MS && __atomic_load_n(&c->done, __ATOMIC_SEQ_CST) == 0; ms++)
		nh_sleep_ms(1);
	ck_assert_msg(__atomic_load_n(&c->done, __ATOMIC_SEQ_CST) >= 1, "%s: no callback", what);
	/* Exactly once: a second callback for the same call would come soon after. */
	nh_sleep_ms(NH_SETTLE_MS);
	done = __atomic_load_n(&c->done, __ATOMIC_SEQ_CST);
	ck_assert_msg(done == 1, "%s: %d callbacks", what, done);
}

static void
teardown_all(void)
{
	droce_engine_destroy(nh_eng[0]);	/* stops its lcore */
	droce_engine_destroy(nh_eng[1]);
	nh_capture_stop();		/* no lcore transmits any more */
	droce_port_detach(nh_port[0]);
	droce_port_detach(nh_port[1]);
	rte_eal_cleanup();
}

static unsigned int nh_slots = 1;

bool
nh_on_slot(int side)
{
	unsigned int lc = rte_lcore_id(), first = 1 + (unsigned int)side * nh_slots;

	return lc != LCORE_ID_ANY && lc >= first && lc < first + nh_slots;
}

void
nh_init(void)
{
	nh_init_slots(1);
}

void
nh_init_slots(unsigned int nb_slots)
{
	/* The main lcore and nb_slots per engine, floating over whatever CPUs there are. */
	char *argv[] = { "test_ndk", "--no-huge", "-m", "512", "--no-pci", "--no-shconf",
			 "--log-level=lib.eal:error", "--file-prefix", "--lcores", NULL };
	/* Several slots transmit into the same ring: then it takes several producers. */
	unsigned int ring_flags = RING_F_SC_DEQ | (nb_slots == 1 ? RING_F_SP_ENQ : 0);
	struct rte_ring *a2b, *b2a, *tx[2][NH_MAX_SLOTS];
	char prefix[64], lcores[256];
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned int i, k, len = 0;
	int pid[2];

	if (nb_slots == 0 || nb_slots > NH_MAX_SLOTS) {
		fprintf(stderr, "nh_init_slots: 1..%u slots\n", NH_MAX_SLOTS);
		exit(1);
	}
	nh_slots = nb_slots;
	/* droce-<pid> as droce_eal_init() names it: a later one removes the directory DPDK
	 * leaves once this process is gone. */
	snprintf(prefix, sizeof(prefix), "--file-prefix=droce-%d", (int)getpid());
	argv[7] = prefix;
	/* Not pinned: the lcores float over every CPU (two here). */
	len = (unsigned int)snprintf(lcores, sizeof(lcores), "--lcores=");
	for (i = 0; i <= 2 * nb_slots; i++)
		len += (unsigned int)snprintf(lcores + len, sizeof(lcores) - len, "%s%u@(0-%ld)",
					      i == 0 ? "" : ",", i, ncpu - 1);
	argv[8] = lcores;
	if (rte_eal_init((int)RTE_DIM(argv) - 1, argv) < 0) {
		fprintf(stderr, "rte_eal_init: %s\n", rte_strerror(rte_errno));
		exit(1);
	}
	a2b = rte_ring_create("nh_a2b", 8192, SOCKET_ID_ANY, ring_flags);
	b2a = rte_ring_create("nh_b2a", 8192, SOCKET_ID_ANY, ring_flags);
	for (k = 0; k < nb_slots; k++) {
		tx[0][k] = a2b;
		tx[1][k] = b2a;
	}
	pid[0] = rte_eth_from_rings("nh_a", &b2a, 1, tx[0], nb_slots, SOCKET_ID_ANY);
	pid[1] = rte_eth_from_rings("nh_b", &a2b, 1, tx[1], nb_slots, SOCKET_ID_ANY);
	for (i = 0; i < 2; i++) {
		uint8_t mac[6] = { 0x02, 0, 0, 0, 0x77, (uint8_t)(i + 1) };
		struct droce_port_conf pc = { .mac = mac, .nb_txq = (uint16_t)nb_slots };
		unsigned int slot_lcores[NH_MAX_SLOTS];
		/*
		 * CM: 4.096 us * 2^16 = 268 ms response timeout (plus 67 ms of packet
		 * lifetimes) and 5 retransmissions, so a silent peer is given up on after
		 * about 2 s instead of rdma_cm's minute. More lcores than CPUs: idle slots
		 * yield.
		 */
		struct droce_engine_conf ec = { .nb_slots = nb_slots, .lcores = slot_lcores,
						.cm_timeout = NH_CM_TIMEOUT,
						.cm_retries = NH_CM_RETRIES,
						.idle_yield = nb_slots > 1 };

		for (k = 0; k < nb_slots; k++)
			slot_lcores[k] = 1 + i * nb_slots + k;
		if (pid[i] < 0 || droce_port_attach_id((uint16_t)pid[i], &pc, &nh_port[i]) != 0 ||
		    droce_port_addr_add(nh_port[i], addrs[i]) < 0 ||
		    droce_port_addr_add(nh_port[i], addrs6[i]) < 0 ||
		    droce_engine_create(nh_port[i], &ec, &nh_eng[i]) != 0) {
			fprintf(stderr, "setting up side %u failed\n", i);
			exit(1);
		}
	}
	if (getenv("NH_PCAP") != NULL && nh_capture_start(getenv("NH_PCAP")) != 0) {
		fprintf(stderr, "cannot capture to %s\n", getenv("NH_PCAP"));
		exit(1);
	}
	atexit(teardown_all);
}

void
nh_open(void)
{
	struct ndk_version v = { 2, 0 };
	int i;

	ck_assert_int_eq(__atomic_load_n(&after_close, __ATOMIC_SEQ_CST), 0);
	__atomic_store_n(&closed, false, __ATOMIC_SEQ_CST);
	for (i = 0; i < 2; i++)
		ck_assert_int_eq(ndk_open_adapter(nh_eng[i], v, NULL, &nh_ad[i]), 0);
}

void
nh_close(void)
{
	int i;

	for (i = 0; i < 2; i++) {
		unsigned int counts[NDK_OBJECT_MAX];
		int live = ndk_adapter_live(nh_ad[i], counts);

		if (live != 0)
			ndk_adapter_dump(nh_ad[i], stderr);
		ck_assert_int_eq(ndk_close_adapter(nh_ad[i]), 0);
		nh_ad[i] = NULL;
		ck_assert_msg(live == 0, "side %d: %d objects left open", i, live);
	}
	/* No callback of either adapter runs any more: one now is a broken barrier. */
	__atomic_store_n(&closed, true, __ATOMIC_SEQ_CST);
	nh_sleep_ms(NH_SETTLE_MS);
	ck_assert_int_eq(__atomic_load_n(&after_close, __ATOMIC_SEQ_CST), 0);
}

static struct ndk_object_header *
created(int ret, struct nh_call *c, const char *what)
{
	ck_assert_msg(ret == NDK_PENDING, "%s: %d", what, ret);
	nh_wait(c, what);
	ck_assert_msg(c->status == 0, "%s: status %d", what, c->status);
	ck_assert_ptr_nonnull(c->obj);
	return c->obj;
}

struct ndk_pd *
nh_pd(int side)
{
	struct nh_call c = { 0 };

	return (struct ndk_pd *)created(ndk_create_pd(nh_ad[side], nh_create_cb, &c, NULL), &c,
					"create_pd");
}

struct ndk_cq *
nh_cq(int side, uint32_t depth, ndk_cq_notify_cb notify, void *ctx)
{
	struct nh_call c = { 0 };
	static struct nh_call unused;

	if (notify == NULL) {
		notify = nh_notify_cb;
		ctx = &unused;
	}
	return (struct ndk_cq *)created(ndk_create_cq(nh_ad[side], depth, notify, ctx, -1,
						      nh_create_cb, &c, NULL), &c, "create_cq");
}

struct ndk_mr *
nh_mr(struct ndk_pd *pd, void *buf, size_t len, uint32_t flags)
{
	struct nh_call c = { 0 };
	struct ndk_mr *mr = NULL;

	ck_assert_int_eq(ndk_create_mr(pd, false, nh_create_cb, &c, &mr), 0);
	ck_assert_int_eq(c.done, 0);
	ck_assert_int_eq(ndk_register_mr(mr, buf, len, flags, nh_request_cb, &c), NDK_PENDING);
	nh_wait(&c, "register_mr");
	ck_assert_int_eq(c.status, 0);
	ck_assert_uint_ne(ndk_get_local_token_mr(mr), 0);
	return mr;
}

struct ndk_qp *
nh_qp(struct ndk_pd *pd, struct ndk_cq *rcq, struct ndk_cq *icq, void *qp_ctx, uint32_t depth)
{
	struct nh_call c = { 0 };

	return (struct ndk_qp *)created(ndk_create_qp(pd, rcq, icq, qp_ctx, depth, depth, 4, 4,
						      64, nh_create_cb, &c, NULL), &c,
					"create_qp");
}

static const struct droce_qp_ext *
qp_ext(struct ndk_qp *qp)
{
	const void *d = NULL;

	ck_assert_int_eq(ndk_query_extension(&qp->header, NDK_EXT_DROCE_QP,
					     (struct ndk_version){ 1, 0 }, &d), 0);
	return d;
}

static void
gid(int side, uint8_t out[16])
{
	char a[32];

	snprintf(a, sizeof(a), "%s", addrs[side]);
	*strchr(a, '/') = '\0';
	ck_assert_int_eq(droce_addr_parse(a, out, NULL), 0);
}

void
nh_connect(struct ndk_qp *a, struct ndk_qp *b)
{
	const struct droce_qp_ext *ext = qp_ext(a);
	struct droce_qp_path pa = { .sq_psn = 100, .rq_psn = 200, .timeout = nh_ack_timeout };
	struct droce_qp_path pb = { .sq_psn = 200, .rq_psn = 100, .timeout = nh_ack_timeout };

	droce_port_mac(nh_port[1], pa.dmac);
	droce_port_mac(nh_port[0], pb.dmac);
	gid(0, pa.sgid);
	gid(1, pa.dgid);
	gid(1, pb.sgid);
	gid(0, pb.dgid);
	pa.dest_qpn = ext->qpn(b);
	pb.dest_qpn = ext->qpn(a);
	ck_assert_int_eq(ext->connect(a, &pa), 0);
	ck_assert_int_eq(ext->connect(b, &pb), 0);
}

void
nh_close_obj(void *obj)
{
	struct nh_call c = { 0 };
	int ret = ndk_close(obj, nh_close_cb, &c);

	if (ret == 0) {
		nh_sleep_ms(2);
		ck_assert_int_eq(c.done, 0);
		return;
	}
	ck_assert_int_eq(ret, NDK_PENDING);
	nh_wait(&c, "close");
	ck_assert_int_eq(c.done, 1);
}

uint32_t
nh_results(struct ndk_cq *cq, struct ndk_result_ex *r, uint32_t n, unsigned int ms)
{
	uint32_t got = 0;
	unsigned int t;

	for (t = 0; got < n && t <= ms * 10; t++) {
		got += ndk_get_cq_results_ex(cq, r + got, n - got);
		if (got < n) {
			struct timespec ts = { 0, 100000 };

			nanosleep(&ts, NULL);
		}
	}
	return got;
}

struct sockaddr_in
nh_sa4(const char *ip, uint16_t port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };

	ck_assert_int_eq(inet_pton(AF_INET, ip, &a.sin_addr), 1);
	return a;
}
