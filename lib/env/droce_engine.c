/* SPDX-License-Identifier: BSD-3-Clause */
/* Public engine API: start the RoCEv2 engine on a port, on lcores or polled by the caller. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "droce/droce.h"
#include "pmd_api.h"
#include "env_pvt.h"

struct droce_engine {
	struct eng *eng;
	struct port *port;
	bool on_lcores;
	unsigned int nb_slots;
	uint8_t cm_timeout, cm_retries;
};

struct eng *
env_engine_pmd(struct droce_engine *de)
{
	return de->eng;
}

struct port *
env_engine_port(struct droce_engine *de)
{
	return de->port;
}

void
env_engine_cm_conf(const struct droce_engine *de, uint8_t *timeout, uint8_t *retries)
{
	*timeout = de->cm_timeout;
	*retries = de->cm_retries;
}

int
droce_engine_create(struct droce_port *port, const struct droce_engine_conf *conf,
		    struct droce_engine **out)
{
	static unsigned int seq;
	struct eng_conf ec = { 0 };
	struct droce_engine *de;
	char name[16];
	int ret;

	if (port == NULL || out == NULL)
		return -EINVAL;
	/* The REQ carries the timeout in 5 bits and Max CM Retries in 4 (IBA 12.6.5). */
	if (conf != NULL && (conf->cm_timeout > 31 || conf->cm_retries > 15))
		return -EINVAL;
	de = calloc(1, sizeof(*de));
	if (de == NULL)
		return -ENOMEM;
	de->cm_timeout = conf != NULL && conf->cm_timeout != 0 ? conf->cm_timeout : 20;
	de->cm_retries = conf != NULL && conf->cm_retries != 0 ? conf->cm_retries : 15;
	snprintf(name, sizeof(name), "eng%u", __atomic_fetch_add(&seq, 1, __ATOMIC_RELAXED));
	ec.port = env_port_pmd(port);
	ec.nb_slots = conf != NULL && conf->nb_slots != 0 ? conf->nb_slots : 1;
	ec.name = conf != NULL && conf->name != NULL ? conf->name : name;
	ec.line_mbps = conf != NULL ? conf->line_mbps : 0;
	ec.idle_yield = conf != NULL && conf->idle_yield;
	ret = eng_create(&ec, &de->eng);
	if (ret != 0) {
		free(de);
		return ret;
	}
	de->nb_slots = ec.nb_slots;
	de->port = ec.port;
	if (conf != NULL && conf->lcores != NULL) {
		ret = eng_start(de->eng, conf->lcores, ec.nb_slots);
		if (ret != 0) {
			eng_destroy(de->eng);
			free(de);
			return ret;
		}
		de->on_lcores = true;
	}
	*out = de;
	return 0;
}

int
droce_engine_poll(struct droce_engine *de, unsigned int slot)
{
	if (de == NULL || de->on_lcores || slot >= de->nb_slots)
		return -EINVAL;
	return eng_poll(de->eng, slot);
}

void
droce_engine_slot_offline(struct droce_engine *de, unsigned int slot)
{
	if (de != NULL && !de->on_lcores && slot < de->nb_slots)
		eng_slot_offline(de->eng, slot);
}

int64_t
droce_engine_xstat(const struct droce_engine *de, const char *name)
{
	uint64_t v;

	if (de == NULL || name == NULL)
		return -ENOENT;
	v = eng_xstat(de->eng, name);
	return v == UINT64_MAX ? -ENOENT : (int64_t)v;
}

void
droce_engine_destroy(struct droce_engine *de)
{
	if (de == NULL)
		return;
	if (de->on_lcores)
		eng_stop(de->eng);
	eng_destroy(de->eng);
	free(de);
}
