/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef LIB_INTERNAL_H
#define LIB_INTERNAL_H

#include <rte_log.h>

extern int lib_logtype;
#define LIB_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, lib_logtype, "droce: " fmt "\n", ##__VA_ARGS__)

#endif /* LIB_INTERNAL_H */
