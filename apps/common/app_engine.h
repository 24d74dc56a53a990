/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef APP_ENGINE_H
#define APP_ENGINE_H

/*
 * The engine every droce app runs on its port: one slot, on the first worker lcore of
 * --lcores if there is one, else polled by a thread of the app's own; with the CM
 * settings the options name (--cm-timeout, --cm-retries).
 *
 * Without a worker lcore the app's main thread may take the slot over for a while and
 * poll it itself (run to completion, as a DPDK application with one lcore would): the
 * polling thread then sleeps on a mutex, so one CPU runs the test and the transport
 * without a context switch between them.
 */

#include <pthread.h>
#include <stdbool.h>

#include <droce/droce.h>

#include "app_opts.h"

struct app_engine {
	struct droce_engine *eng;
	int lcore;			/* the slot's worker lcore, or -1: our thread polls */
	pthread_t thread;
	int stop;			/* atomic: tells our thread to stop */
	pthread_mutex_t poller;		/* held by whichever thread polls the slot */
	int want;			/* atomic: the main thread waits for the slot */
	bool taken;			/* the main thread holds the slot */
};

/* Start it; prints "<prog>: engine: <why>" and returns the error on failure. */
int app_engine_start(const char *prog, const char *name, struct droce_port *port,
		     const struct app_port_opts *o, struct app_engine *ae);
/* Stop the polling thread (if any) and destroy the engine. Harmless if never started. */
void app_engine_stop(struct app_engine *ae);

/*
 * The calling thread polls the slot from now on (app_engine_poll()), until
 * app_engine_give(). false (and nothing changes) when an lcore runs the slot. Blocks
 * until the polling thread finished its current poll. The caller must not block on
 * anything the engine does (ndk_close_adapter(), callbacks it waits for without
 * polling) until it gives the slot back.
 */
bool app_engine_take(struct app_engine *ae);
/* The polling thread polls again. Harmless when not taken. */
void app_engine_give(struct app_engine *ae);

/* One poll of a taken slot; the packets it handled. */
static inline int
app_engine_poll(struct app_engine *ae)
{
	return droce_engine_poll(ae->eng, 0);
}

#endif /* APP_ENGINE_H */
