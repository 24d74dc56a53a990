/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Who runs the slots: EAL worker lcores droce launches itself, or rte_service components
 * a host DPDK application maps to its own service cores (the NFV case). Either way each
 * slot is polled by one thread at a time, and a slot's RCU reader goes offline when its
 * runner stops.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>

#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_service.h>
#include <rte_service_component.h>

#include "eng_pvt.h"

static int
slot_main(void *arg)
{
	struct eng_slot *s = arg;

	/* Acquire: see the stop flag eng_stop() sets. */
	while (!__atomic_load_n(&s->stop, __ATOMIC_ACQUIRE))
		if (eng_poll(s->eng, s->idx) == 0 && s->eng->idle_yield) {
			s->ctr[ENG_IDLE_YIELDS]++;
			sched_yield();
		}
	eng_slot_offline(s->eng, s->idx);
	return 0;
}

static bool
lcore_free(unsigned int lcore)
{
	return lcore < RTE_MAX_LCORE && lcore != rte_get_main_lcore() &&
	       rte_lcore_is_enabled(lcore) && rte_eal_get_lcore_state(lcore) == WAIT &&
	       rte_lcore_has_role(lcore, ROLE_RTE);
}

int
eng_start(struct eng *eng, const unsigned int *lcores, unsigned int n)
{
	unsigned int i;
	int ret;

	if (n != eng->nb_slots || eng->running)
		return -EINVAL;
	for (i = 0; i < n; i++)
		if (!lcore_free(lcores[i]))
			return -EBUSY;
	for (i = 0; i < n; i++) {
		struct eng_slot *s = &eng->slots[i];

		s->stop = false;
		s->lcore = lcores[i];
		ret = rte_eal_remote_launch(slot_main, s, lcores[i]);
		if (ret != 0) {
			eng->running = i;
			eng_stop(eng);
			return ret;
		}
	}
	eng->running = n;
	return 0;
}

int
eng_stop(struct eng *eng)
{
	unsigned int i;

	for (i = 0; i < eng->running; i++)
		__atomic_store_n(&eng->slots[i].stop, true, __ATOMIC_RELEASE);
	for (i = 0; i < eng->running; i++)
		rte_eal_wait_lcore(eng->slots[i].lcore);
	eng->running = 0;
	return 0;
}

/*
 * One run of a slot as a service. Offline between runs: a service the application pauses
 * or unmaps is simply not called, and must not hold up every grace period meanwhile.
 */
static int32_t
slot_service(void *arg)
{
	struct eng_slot *s = arg;
	int work = eng_poll(s->eng, s->idx);

	eng_slot_offline(s->eng, s->idx);
	return work > 0 ? 0 : -EAGAIN;
}

int
eng_service_register(struct eng *eng, uint32_t *ids)
{
	unsigned int i;
	int ret;

	for (i = 0; i < eng->nb_slots; i++) {
		struct rte_service_spec spec = {
			.callback = slot_service,
			.callback_userdata = &eng->slots[i],
			.socket_id = SOCKET_ID_ANY,
		};

		/* Not MT-safe: the framework runs a slot on one service core at a time. */
		ret = snprintf(spec.name, sizeof(spec.name), "droce_%s_%u", eng->name, i);
		if (ret < 0 || (size_t)ret >= sizeof(spec.name))
			ret = -ENAMETOOLONG;
		else
			ret = rte_service_component_register(&spec, &eng->slots[i].service_id);
		if (ret != 0) {
			eng->nb_services = i;
			eng_service_unregister(eng);
			return ret;
		}
		rte_service_component_runstate_set(eng->slots[i].service_id, 1);
		ids[i] = eng->slots[i].service_id;
	}
	eng->nb_services = eng->nb_slots;
	return 0;
}

int
eng_service_unregister(struct eng *eng)
{
	unsigned int i;

	for (i = 0; i < eng->nb_services; i++) {
		uint32_t id = eng->slots[i].service_id;

		rte_service_component_runstate_set(id, 0);
		rte_service_runstate_set(id, 0);
		/* Wait until no service core is inside the callback. */
		while (rte_service_may_be_active(id) == 1)
			rte_pause();
		rte_service_component_unregister(id);
		eng_slot_offline(eng, i);
	}
	eng->nb_services = 0;
	return 0;
}
