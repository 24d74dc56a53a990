/* SPDX-License-Identifier: BSD-3-Clause */
#include <sched.h>
#include <stdio.h>

#include <rte_lcore.h>

#include "app_engine.h"

static void *
poll_main(void *arg)
{
	struct app_engine *ae = arg;
	int work;

	/*
	 * Not pinned: it shares the CPUs with the test thread (and on a small host with the
	 * peer's), so an idle poll gives way, as idle_yield does for a pinned slot. While the
	 * main thread has the slot, the lock below sleeps until it gives it back.
	 */
	while (!__atomic_load_n(&ae->stop, __ATOMIC_ACQUIRE)) {
		pthread_mutex_lock(&ae->poller);
		work = droce_engine_poll(ae->eng, 0);
		pthread_mutex_unlock(&ae->poller);
		/* Let a waiting main thread have the lock: the mutex is not fair. */
		if (work == 0 || __atomic_load_n(&ae->want, __ATOMIC_ACQUIRE))
			sched_yield();
	}
	droce_engine_slot_offline(ae->eng, 0);
	return NULL;
}

int
app_engine_start(const char *prog, const char *name, struct droce_port *port,
		 const struct app_port_opts *o, struct app_engine *ae)
{
	unsigned int lcore = rte_get_next_lcore(-1, 1, 0);
	struct droce_engine_conf ec = { .nb_slots = 1, .name = name,
					.cm_timeout = o->cm_timeout, .cm_retries = o->cm_retries };
	int ret;

	*ae = (struct app_engine){ .lcore = -1 };
	pthread_mutex_init(&ae->poller, NULL);
	if (lcore < RTE_MAX_LCORE) {
		rte_cpuset_t mine = rte_lcore_cpuset(rte_get_main_lcore());
		rte_cpuset_t its = rte_lcore_cpuset(lcore);

		ec.lcores = &lcore;
		ae->lcore = (int)lcore;
		/* --lcores 0@2,1@2: the slot shares its CPU with our thread, so it gives way. */
		CPU_AND(&its, &its, &mine);
		ec.idle_yield = CPU_COUNT(&its) > 0;
	}
	ret = droce_engine_create(port, &ec, &ae->eng);
	if (ret == 0 && ae->lcore < 0) {
		ret = -pthread_create(&ae->thread, NULL, poll_main, ae);
		if (ret != 0) {
			droce_engine_destroy(ae->eng);
			ae->eng = NULL;
		}
	}
	if (ret != 0)
		fprintf(stderr, "%s: engine: %s\n", prog, droce_strerror(ret));
	return ret;
}

bool
app_engine_take(struct app_engine *ae)
{
	if (ae->eng == NULL || ae->lcore >= 0)
		return false;
	if (!ae->taken) {
		__atomic_store_n(&ae->want, 1, __ATOMIC_RELEASE);
		pthread_mutex_lock(&ae->poller);
		__atomic_store_n(&ae->want, 0, __ATOMIC_RELEASE);
		ae->taken = true;
	}
	return true;
}

void
app_engine_give(struct app_engine *ae)
{
	if (!ae->taken)
		return;
	ae->taken = false;
	pthread_mutex_unlock(&ae->poller);
}

void
app_engine_stop(struct app_engine *ae)
{
	if (ae->eng == NULL)
		return;
	app_engine_give(ae);
	if (ae->lcore < 0) {
		__atomic_store_n(&ae->stop, 1, __ATOMIC_RELEASE);
		pthread_join(ae->thread, NULL);
	}
	droce_engine_destroy(ae->eng);
	ae->eng = NULL;
	pthread_mutex_destroy(&ae->poller);
}
