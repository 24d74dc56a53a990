/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef INFO_H
#define INFO_H

/*
 * droce-info builds one JSON model of what it found, from a port it opens itself
 * (local.c) or from a running process's telemetry (telemetry.c), and prints it as text
 * (print.c) or as JSON. The model:
 *   { "source": "...",
 *     "ports": [ { "port_id", "name", "mac", "mtu", "path_mtu", "link", "link_speed_mbps",
 *                  "engine", "gids": [ { "index", "gid" } ], "counters": { name: n } } ],
 *     "engines": [ { "name", "port_id", "slots", "slot_lcores": [], "slot_qps": [], "qps",
 *                    "limits": { name: n }, "counters": { name: n },
 *                    "qp_list": [ { "qpn", "type", "state", ..., "counters": {} } ] } ],
 *     "adapter": { ndk_query_adapter_info()'s fields } }	(local only)
 * Every builder prints why it failed to stderr and returns -1.
 */

#include <stdbool.h>

#include <jansson.h>

#include "app_opts.h"

/* Open the port of o, an engine and an adapter on it; describe them into *model. */
int info_local(const char *prog, struct app_port_opts *o, json_t **model);

/*
 * Ask a running droce process: target is a socket path, a runtime directory, a file
 * prefix, or a PID (file prefix droce-<pid>). verbose adds every QP.
 */
int info_telemetry(const char *target, bool verbose, json_t **model);

/* The ibv_devinfo-like text form; verbose adds limits, counters and QPs. */
void info_print(const json_t *model, bool verbose);

#endif /* INFO_H */
