/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The NDK layer's telemetry endpoint: /droce/closes lists every close still pending, on
 * every open adapter of the process, with its age and what it waits for (successors, a
 * slot, a grace period), as the WARNING log does once one passes close_warn_ms. Adapters
 * enter a registry when opened and leave it before they are freed; a request holds the
 * registry's lock, and each adapter's while it reads that adapter's objects.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_telemetry.h>

#include "ndk_pvt.h"

#define TEL_MAX_ADAPTERS	64
#define TEL_MAX_CLOSES		256	/* strings a reply holds, with room to spare */

static pthread_mutex_t tel_lock = PTHREAD_MUTEX_INITIALIZER;
static struct adapter *adapters[TEL_MAX_ADAPTERS];

/* Under tel_lock: one adapter's pending closes into the array; returns how many. */
static unsigned int
adapter_closes(struct rte_tel_data *a, unsigned int idx, struct adapter *ad, unsigned int room)
{
	uint64_t now = rte_get_timer_cycles(), hz = rte_get_timer_hz();
	char line[RTE_TEL_MAX_STRING_LEN], why[96];
	unsigned int n = 0;
	struct obj *o;

	rte_spinlock_lock(&ad->lock);
	TAILQ_FOREACH(o, &ad->objs, all) {
		if (n == room)
			break;
		if (__atomic_load_n(&o->state, __ATOMIC_ACQUIRE) != OBJ_CLOSING)
			continue;
		obj_close_wait(o, why, sizeof(why));
		snprintf(line, sizeof(line), "adapter %u %s %p: %" PRIu64 " ms, waits for %s", idx,
			 o->ops->name, (void *)o,
			 o->close_tsc != 0 && now > o->close_tsc ?
				 (now - o->close_tsc) * 1000 / hz : 0, why);
		rte_tel_data_add_array_string(a, line);
		n++;
	}
	rte_spinlock_unlock(&ad->lock);
	return n;
}

static int
tel_closes(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct rte_tel_data *a = rte_tel_data_alloc();
	unsigned int i, n = 0;

	RTE_SET_USED(cmd);
	RTE_SET_USED(params);
	if (a == NULL)
		return -ENOMEM;
	rte_tel_data_start_array(a, RTE_TEL_STRING_VAL);
	pthread_mutex_lock(&tel_lock);
	for (i = 0; i < TEL_MAX_ADAPTERS; i++)
		if (adapters[i] != NULL)
			n += adapter_closes(a, i, adapters[i], TEL_MAX_CLOSES - n);
	pthread_mutex_unlock(&tel_lock);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_int(d, "count", n);
	rte_tel_data_add_dict_container(d, "closes", a, 0);
	return 0;
}

RTE_INIT(ndk_tel_register)
{
	rte_telemetry_register_cmd("/droce/closes", tel_closes,
				   "Pending closes of every adapter: age, what each waits for. "
				   "No parameters");
}

void
ndk_tel_add(struct adapter *ad)
{
	unsigned int i;

	pthread_mutex_lock(&tel_lock);
	for (i = 0; i < TEL_MAX_ADAPTERS && adapters[i] != NULL; i++)
		;
	if (i < TEL_MAX_ADAPTERS)
		adapters[i] = ad;
	ad->tel_idx = i;		/* TEL_MAX_ADAPTERS: not shown */
	pthread_mutex_unlock(&tel_lock);
}

void
ndk_tel_del(struct adapter *ad)
{
	pthread_mutex_lock(&tel_lock);
	if (ad->tel_idx < TEL_MAX_ADAPTERS && adapters[ad->tel_idx] == ad)
		adapters[ad->tel_idx] = NULL;
	pthread_mutex_unlock(&tel_lock);
}
