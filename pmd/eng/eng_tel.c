/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The engines' rte_telemetry endpoints: what ibv_devinfo and rdma statistics show for a
 * device, for a process that owns its port (the ports' own are in pmd/port/port_tel.c).
 * Read them with dpdk-telemetry.py or droce-info --telemetry on the process's socket,
 * <runtime dir>/dpdk_telemetry.v2, where the runtime dir is /var/run/dpdk/<file-prefix>
 * for root ($XDG_RUNTIME_DIR/dpdk/<file-prefix>, else /tmp/dpdk/<file-prefix>, for
 * others) and droce's file prefix is droce-<pid>.
 *
 *   /droce/engines                 names of the engines
 *   /droce/engine,<name>           port, slots (lcore and QPs of each), limits, and the
 *                                  engine's counters summed over slots
 *   /droce/qps,<engine>[,<qpn>]    live QPs in table order (a QPN's low 12 bits) from
 *                                  qpn's place on (default 0), at most 256: arrays qpn,
 *                                  type, state, slot; "next" where to go on from
 *   /droce/qp,<engine>,<qpn>       type, state, slot, destination (QPN, GID, MAC), path
 *                                  MTU, PSNs, retry settings, rate, the QP's counters
 *
 * Counters are u64 values named as eng_xstats() names them. A bad or
 * unknown parameter answers {"error": "<why>"} (a dict, so the reason reaches the user;
 * DPDK's own endpoints answer null).
 *
 * Safety: requests run on telemetry's threads (one per client) and take one lock, which
 * engine creation and destruction take too (control path only; the data path
 * never does). QPs are read as the engine's RCU observer (eng_observe_begin()): a QP
 * being closed meanwhile stays allocated until the request ends, and a QP whose close
 * has already taken its grace-period token is no longer found.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_telemetry.h>

#include "eng_pvt.h"

#define TEL_MAX_ENGINES	64
#define TEL_QP_PAGE	256	/* QPs per /droce/qps answer: fits the 16 KiB reply */
#define TEL_XSTATS	256

static pthread_mutex_t tel_lock = PTHREAD_MUTEX_INITIALIZER;
static struct eng *engines[TEL_MAX_ENGINES];

static const char *const qpt_names[] = { [ENG_QPT_RC] = "RC", [ENG_QPT_UD] = "UD" };

/* Under tel_lock. */
static struct eng *
find_engine(const char *name)
{
	unsigned int i;

	for (i = 0; i < TEL_MAX_ENGINES; i++)
		if (engines[i] != NULL && strcmp(eng_name(engines[i]), name) == 0)
			return engines[i];
	return NULL;
}

static int
tel_engines(const char *cmd, const char *params, struct rte_tel_data *d)
{
	unsigned int i;

	RTE_SET_USED(cmd);
	RTE_SET_USED(params);
	rte_tel_data_start_array(d, RTE_TEL_STRING_VAL);
	pthread_mutex_lock(&tel_lock);
	for (i = 0; i < TEL_MAX_ENGINES; i++)
		if (engines[i] != NULL)
			rte_tel_data_add_array_string(d, eng_name(engines[i]));
	pthread_mutex_unlock(&tel_lock);
	return 0;
}

static void
engine_slots(struct rte_tel_data *d, const struct eng *eng)
{
	struct rte_tel_data *lc = rte_tel_data_alloc(), *nq = rte_tel_data_alloc();
	unsigned int i, n, total = 0;
	int lcore;

	if (lc == NULL || nq == NULL) {
		rte_tel_data_free(lc);
		rte_tel_data_free(nq);
		return;
	}
	rte_tel_data_start_array(lc, RTE_TEL_INT_VAL);
	rte_tel_data_start_array(nq, RTE_TEL_INT_VAL);
	for (i = 0; i < eng_nb_slots(eng); i++) {
		lcore = eng_slot_info(eng, i, &n);
		rte_tel_data_add_array_int(lc, lcore);
		rte_tel_data_add_array_int(nq, n);
		total += n;
	}
	rte_tel_data_add_dict_int(d, "qps", total);
	/* -1: the slot is an rte_service or polled by the application's own thread. */
	rte_tel_data_add_dict_container(d, "slot_lcores", lc, 0);
	rte_tel_data_add_dict_container(d, "slot_qps", nq, 0);
}

static void
engine_info(struct rte_tel_data *d, const struct eng *eng)
{
	static struct pmd_xstat xs[TEL_XSTATS];	/* under tel_lock */
	const struct port *port = eng_get_port(eng);

	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "name", eng_name(eng));
	rte_tel_data_add_dict_int(d, "port_id", port_ethdev_id(port));
	rte_tel_data_add_dict_string(d, "port_name", port_ethdev_name(port));
	rte_tel_data_add_dict_int(d, "slots", eng_nb_slots(eng));
	engine_slots(d, eng);
	rte_tel_data_add_dict_int(d, "max_qp", ENG_MAX_QP);
	rte_tel_data_add_dict_int(d, "max_mr", ENG_MAX_MR);
	rte_tel_data_add_dict_int(d, "max_sge", ENG_MAX_SGE);
	rte_tel_data_add_dict_int(d, "max_inline", ENG_MAX_INLINE);
	rte_tel_data_add_dict_int(d, "max_rd_atomic", ENG_MAX_RD_ATOMIC);
	port_tel_xstats(d, xs, eng_xstats(eng, xs, TEL_XSTATS));
}

static int
tel_engine(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct eng *eng;

	RTE_SET_USED(cmd);
	if (params == NULL)
		return port_tel_error(d, "usage: /droce/engine,<engine name>");
	pthread_mutex_lock(&tel_lock);
	eng = find_engine(params);
	if (eng == NULL)
		port_tel_error(d, "no engine named %s", params);
	else
		engine_info(d, eng);
	pthread_mutex_unlock(&tel_lock);
	return 0;
}

/* "<engine>[,<qpn>]": the engine (under tel_lock) and the number, or an error answer. */
static struct eng *
engine_qpn(const char *params, bool need_qpn, unsigned long *qpn, struct rte_tel_data *d)
{
	char name[32];
	const char *comma = params != NULL ? strchr(params, ',') : NULL;
	size_t len = comma != NULL ? (size_t)(comma - params) : (params ? strlen(params) : 0);
	struct eng *eng;

	*qpn = 0;
	if (params == NULL || len == 0 || (need_qpn && comma == NULL)) {
		port_tel_error(d, need_qpn ? "usage: /droce/qp,<engine name>,<qpn>" :
			  "usage: /droce/qps,<engine name>[,<first qpn>]");
		return NULL;
	}
	if (comma != NULL && port_tel_uint(comma + 1, ROCE_QPN_MASK, qpn) != 0) {
		port_tel_error(d, "bad QPN %s (0 to %u)", comma + 1, ROCE_QPN_MASK);
		return NULL;
	}
	snprintf(name, sizeof(name), "%.*s", (int)RTE_MIN(len, sizeof(name) - 1), params);
	eng = find_engine(name);
	if (eng == NULL)
		port_tel_error(d, "no engine named %s", name);
	return eng;
}

static int
qp_list(struct rte_tel_data *d, struct eng *eng, uint32_t first)
{
	struct rte_tel_data *a[4];
	static const char *const names[4] = { "qpn", "type", "state", "slot" };
	struct eng_qp_info qi;
	struct eng_qp *qp;
	unsigned int i, n = 0;
	uint32_t idx;

	for (i = 0; i < 4; i++) {
		a[i] = rte_tel_data_alloc();
		if (a[i] == NULL) {
			while (i-- > 0)
				rte_tel_data_free(a[i]);
			return port_tel_error(d, "out of memory");
		}
		rte_tel_data_start_array(a[i], i == 1 || i == 2 ? RTE_TEL_STRING_VAL :
					 RTE_TEL_INT_VAL);
	}
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "engine", eng_name(eng));
	eng_observe_begin(eng);
	/* In table order (a QPN's low 12 bits), from first's place on. */
	for (idx = ENG_QPN_IDX(first); idx < ENG_MAX_QP; idx++) {
		qp = __atomic_load_n(&eng->qps[idx], __ATOMIC_ACQUIRE);
		if (qp == NULL)
			continue;
		if (n == TEL_QP_PAGE) {
			rte_tel_data_add_dict_int(d, "next", qp->qpn);
			break;
		}
		eng_qp_info(qp, &qi);
		rte_tel_data_add_array_int(a[0], qi.qpn);
		rte_tel_data_add_array_string(a[1], qpt_names[qi.type]);
		rte_tel_data_add_array_string(a[2], eng_qp_state_names[qi.state]);
		rte_tel_data_add_array_int(a[3], qi.slot);
		n++;
	}
	eng_observe_end(eng);
	rte_tel_data_add_dict_int(d, "count", n);
	for (i = 0; i < 4; i++)
		rte_tel_data_add_dict_container(d, names[i], a[i], 0);
	return 0;
}

static int
tel_qps(const char *cmd, const char *params, struct rte_tel_data *d)
{
	unsigned long first;
	struct eng *eng;

	RTE_SET_USED(cmd);
	pthread_mutex_lock(&tel_lock);
	eng = engine_qpn(params, false, &first, d);
	if (eng != NULL)
		qp_list(d, eng, first);
	pthread_mutex_unlock(&tel_lock);
	return 0;
}

static void
qp_info(struct rte_tel_data *d, struct eng *eng, const struct eng_qp *qp)
{
	static struct pmd_xstat xs[TEL_XSTATS];	/* under tel_lock */
	struct eng_qp_info qi;

	eng_qp_info(qp, &qi);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "engine", eng_name(eng));
	rte_tel_data_add_dict_int(d, "qpn", qi.qpn);
	rte_tel_data_add_dict_string(d, "type", qpt_names[qi.type]);
	rte_tel_data_add_dict_string(d, "state", eng_qp_state_names[qi.state]);
	rte_tel_data_add_dict_int(d, "slot", qi.slot);
	rte_tel_data_add_dict_int(d, "closing", qi.closing);
	rte_tel_data_add_dict_int(d, "dest_qpn", qi.dest_qpn);
	port_tel_addr(d, "sgid", qi.sgid);
	port_tel_addr(d, "dgid", qi.dgid);
	port_tel_mac(d, "dmac", qi.dmac);
	rte_tel_data_add_dict_int(d, "path_mtu", qi.path_mtu);
	rte_tel_data_add_dict_int(d, "sq_psn", qi.sq_psn);
	rte_tel_data_add_dict_int(d, "acked_psn", qi.acked_psn);
	rte_tel_data_add_dict_int(d, "rq_psn", qi.rq_psn);
	rte_tel_data_add_dict_int(d, "timeout", qi.timeout);
	rte_tel_data_add_dict_int(d, "retry_cnt", qi.retry_cnt);
	rte_tel_data_add_dict_int(d, "rnr_retry", qi.rnr_retry);
	rte_tel_data_add_dict_int(d, "max_rd_atomic", qi.max_rd_atomic);
	rte_tel_data_add_dict_int(d, "max_dest_rd_atomic", qi.max_dest_rd_atomic);
	rte_tel_data_add_dict_int(d, "sq_depth", qi.sq_depth);
	rte_tel_data_add_dict_int(d, "rq_depth", qi.rq_depth);
	rte_tel_data_add_dict_u64(d, "rate_mbps", (uint64_t)qi.rate_mbps);
	port_tel_xstats(d, xs, eng_qp_xstats(qp, xs, TEL_XSTATS));
}

static int
tel_qp(const char *cmd, const char *params, struct rte_tel_data *d)
{
	unsigned long qpn;
	struct eng_qp *qp;
	struct eng *eng;

	RTE_SET_USED(cmd);
	pthread_mutex_lock(&tel_lock);
	eng = engine_qpn(params, true, &qpn, d);
	if (eng != NULL) {
		eng_observe_begin(eng);
		qp = eng_qp_get(eng, qpn);
		if (qp == NULL)
			port_tel_error(d, "no QP %lu on engine %s", qpn, eng_name(eng));
		else
			qp_info(d, eng, qp);
		eng_observe_end(eng);
	}
	pthread_mutex_unlock(&tel_lock);
	return 0;
}

/* At load time, as DPDK's libraries register theirs: a process with no engine yet answers. */
RTE_INIT(register_cmds)
{
	static const struct {
		const char *cmd;
		telemetry_cb fn;
		const char *help;
	} cmds[] = {
		{ "/droce/engines", tel_engines, "droce engine names. No parameters" },
		{ "/droce/engine", tel_engine, "A droce engine. Parameters: string name" },
		{ "/droce/qps", tel_qps, "QPs of an engine. Parameters: engine[,first qpn]" },
		{ "/droce/qp", tel_qp, "A QP. Parameters: engine,qpn" },
	};
	unsigned int i;

	for (i = 0; i < RTE_DIM(cmds); i++)
		if (rte_telemetry_register_cmd(cmds[i].cmd, cmds[i].fn, cmds[i].help) != 0)
			ENG_LOG(WARNING, "telemetry: cannot register %s", cmds[i].cmd);
}

void
eng_tel_eng_add(struct eng *eng)
{
	unsigned int i;

	pthread_mutex_lock(&tel_lock);
	for (i = 0; i < TEL_MAX_ENGINES && engines[i] != NULL; i++)
		;
	if (i < TEL_MAX_ENGINES)
		engines[i] = eng;
	else
		ENG_LOG(WARNING, "telemetry: more than %d engines, %s not shown",
			TEL_MAX_ENGINES, eng_name(eng));
	pthread_mutex_unlock(&tel_lock);
	port_tel_set_owner(eng_get_port(eng), eng_name(eng));
}

void
eng_tel_eng_del(struct eng *eng)
{
	unsigned int i;

	pthread_mutex_lock(&tel_lock);
	for (i = 0; i < TEL_MAX_ENGINES; i++)
		if (engines[i] == eng)
			engines[i] = NULL;
	pthread_mutex_unlock(&tel_lock);
	port_tel_set_owner(eng_get_port(eng), NULL);
}

void
eng_tel_quiesce(void)
{
	/* Observers look QPs up and use them only while they hold the lock. */
	pthread_mutex_lock(&tel_lock);
	pthread_mutex_unlock(&tel_lock);
}
