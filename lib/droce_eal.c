/* SPDX-License-Identifier: BSD-3-Clause */
/* Start DPDK's EAL for droce applications: the user names a port, droce builds the rest. */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>

#include "droce/droce.h"
#include "lib_internal.h"

RTE_LOG_REGISTER(lib_logtype, droce.lib, INFO);

#define DEF_MEM_MB	1024
#define MAX_ARGS	128

static bool eal_started;

struct argv_buf {
	char **v;
	int n;
};

static int
push(struct argv_buf *a, const char *s)
{
	if (a->n >= MAX_ARGS - 1)
		return -EINVAL;
	a->v[a->n] = strdup(s);
	if (a->v[a->n] == NULL)
		return -ENOMEM;
	a->n++;
	return 0;
}

static int
pushf(struct argv_buf *a, const char *fmt, const char *s)
{
	char buf[512];

	if ((size_t)snprintf(buf, sizeof(buf), fmt, s) >= sizeof(buf))
		return -EINVAL;
	return push(a, buf);
}

/* "0@(0,1)": one lcore the kernel may run on any CPU this process is allowed. */
static int
default_lcores(char *buf, size_t len)
{
	cpu_set_t set;
	size_t off;
	int cpu;

	if (sched_getaffinity(0, sizeof(set), &set) != 0)
		return snprintf(buf, len, "0") < 0 ? -EINVAL : 0;
	off = snprintf(buf, len, "0@(");
	for (cpu = 0; cpu < CPU_SETSIZE && off < len; cpu++)
		if (CPU_ISSET(cpu, &set))
			off += snprintf(buf + off, len - off, "%d,", cpu);
	if (off >= len || buf[off - 1] != ',')
		return -EINVAL;
	buf[off - 1] = ')';
	return 0;
}

static int
push_extra(struct argv_buf *a, const char *extra)
{
	char *copy, *tok, *save;
	int ret = 0;

	if (extra == NULL)
		return 0;
	copy = strdup(extra);
	if (copy == NULL)
		return -ENOMEM;
	for (tok = strtok_r(copy, " \t", &save); tok != NULL && ret == 0;
	     tok = strtok_r(NULL, " \t", &save))
		ret = push(a, tok);
	free(copy);
	return ret;
}

static int
build(struct argv_buf *a, const char *prog, const struct droce_eal_conf *c)
{
	char buf[512];
	unsigned int i;
	int ret;

	ret = push(a, prog != NULL ? prog : "droce");
	snprintf(buf, sizeof(buf), "droce-%d", (int)getpid());
	/* Each process its own runtime directory and no shared config files left behind. */
	ret = ret ?: pushf(a, "--file-prefix=%s", c->file_prefix ? c->file_prefix : buf);
	if (c->hugepages) {
		/* Hugepage files are unlinked as soon as they are mapped. */
		ret = ret ?: push(a, "--in-memory");
	} else {
		/* --no-huge implies legacy memory, which --in-memory refuses. */
		ret = ret ?: push(a, "--no-shconf");
		snprintf(buf, sizeof(buf), "%u", c->mem_mb ? c->mem_mb : DEF_MEM_MB);
		ret = ret ?: push(a, "--no-huge");
		ret = ret ?: pushf(a, "-m%s", buf);
	}
	if (c->lcores == NULL && ret == 0)
		ret = default_lcores(buf, sizeof(buf));
	ret = ret ?: pushf(a, "--lcores=%s", c->lcores ? c->lcores : buf);
	ret = ret ?: push(a, "--log-level=lib.eal:warning");
	/* No --no-telemetry: the runtime dir's dpdk_telemetry.v2 socket is how droce-info and
	 * dpdk-telemetry.py inspect a running process (the /droce/ endpoints). */
	for (i = 0; i < c->nb_vdevs && ret == 0; i++)
		ret = pushf(a, "--vdev=%s", c->vdevs[i]);
	for (i = 0; i < c->nb_pci && ret == 0; i++)
		ret = pushf(a, "--allow=%s", c->pci[i]);
	if (c->nb_pci == 0)
		ret = ret ?: push(a, "--no-pci");
	return ret ?: push_extra(a, c->extra);
}

int
droce_eal_argv(const char *prog, const struct droce_eal_conf *conf, char ***argv)
{
	static const struct droce_eal_conf defaults;
	const struct droce_eal_conf *c = conf != NULL ? conf : &defaults;
	struct argv_buf a = { .n = 0 };
	int ret;

	if (argv == NULL || (c->nb_vdevs != 0 && c->vdevs == NULL) ||
	    (c->nb_pci != 0 && c->pci == NULL))
		return -EINVAL;
	a.v = calloc(MAX_ARGS, sizeof(char *));
	if (a.v == NULL)
		return -ENOMEM;
	ret = build(&a, prog, c);
	if (ret != 0) {
		droce_eal_argv_free(a.v);
		return ret;
	}
	*argv = a.v;
	return a.n;
}

void
droce_eal_argv_free(char **argv)
{
	char **p;

	if (argv == NULL)
		return;
	for (p = argv; *p != NULL; p++)
		free(*p);
	free(argv);
}

int
droce_eal_init(const char *prog, const struct droce_eal_conf *conf)
{
	char **argv, **copy;
	int argc, ret;

	if (eal_started)
		return -EALREADY;
	argc = droce_eal_argv(prog, conf, &argv);
	if (argc < 0)
		return argc;
	/* rte_eal_init() may permute argv; keep our own pointers for freeing. */
	copy = calloc(argc + 1, sizeof(char *));
	if (copy == NULL) {
		droce_eal_argv_free(argv);
		return -ENOMEM;
	}
	memcpy(copy, argv, argc * sizeof(char *));
	ret = rte_eal_init(argc, copy);
	free(copy);
	droce_eal_argv_free(argv);
	/* rte_eal_init() runs once per process; a host application may have run it. */
	if (ret < 0)
		return rte_errno > 0 ? -rte_errno : -EINVAL;
	eal_started = true;
	return 0;
}

int
droce_eal_cleanup(void)
{
	if (!eal_started)
		return -EINVAL;
	eal_started = false;
	return rte_eal_cleanup();
}
