/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef ENG_TEL_H
#define ENG_TEL_H

/*
 * rte_telemetry endpoints for ports, engines and QPs (eng_tel.c). Ports and engines
 * enter a process-wide registry when created and leave it first thing when destroyed;
 * a telemetry request holds the registry's lock while it reads, so what it finds stays
 * allocated. The endpoints are registered with rte_telemetry on the first add.
 */

struct eng;
struct eng_port;

void eng_tel_port_add(struct eng_port *port);
/* Returns once no telemetry request reads the port. */
void eng_tel_port_del(struct eng_port *port);
void eng_tel_eng_add(struct eng *eng);
/* Returns once no telemetry request reads the engine. */
void eng_tel_eng_del(struct eng *eng);
/*
 * Wait for the telemetry request running now, if any: what it found before a QP was
 * unpublished is then no longer in use. For eng_qp_destroy(), which frees without an
 * RCU grace period.
 */
void eng_tel_quiesce(void);

#endif /* ENG_TEL_H */
