/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef ENV_PVT_H
#define ENV_PVT_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_log.h>

extern int lib_logtype;
#define LIB_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, lib_logtype, "droce: " fmt "\n", ##__VA_ARGS__)

struct droce_port;
struct droce_engine;
struct port;
struct eng;

/* The engine-side objects behind the public handles. */
struct port *env_port_pmd(struct droce_port *port);
struct eng *env_engine_pmd(struct droce_engine *de);
struct port *env_engine_port(struct droce_engine *de);
/* The engine's CM settings: response timeout exponent and retransmissions. */
void env_engine_cm_conf(const struct droce_engine *de, uint8_t *timeout, uint8_t *retries);
/* droce_addr.c: is a an IPv4-mapped IPv6 address (::ffff:a.b.c.d)? */
bool env_addr_is_v4mapped(const uint8_t a[16]);

#endif /* ENV_PVT_H */
