/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef APP_ENGINE_H
#define APP_ENGINE_H

/*
 * The engine every droce app runs on its port: one slot, on the first worker lcore of
 * --lcores if there is one, else polled by a thread of the app's own; with the CM
 * settings the options name (--cm-timeout, --cm-retries).
 */

#include <pthread.h>

#include <droce/droce.h>

#include "app_opts.h"

struct app_engine {
	struct droce_engine *eng;
	int lcore;			/* the slot's worker lcore, or -1: our thread polls */
	pthread_t thread;
	int stop;			/* atomic: tells our thread to stop */
};

/* Start it; prints "<prog>: engine: <why>" and returns the error on failure. */
int app_engine_start(const char *prog, const char *name, struct droce_port *port,
		     const struct app_port_opts *o, struct app_engine *ae);
/* Stop the polling thread (if any) and destroy the engine. Harmless if never started. */
void app_engine_stop(struct app_engine *ae);

#endif /* APP_ENGINE_H */
