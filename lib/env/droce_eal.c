/* SPDX-License-Identifier: BSD-3-Clause */
/* Start DPDK's EAL for droce applications: the user names a port, droce builds the rest. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>

#include "droce/droce.h"
#include "pmd_api.h"
#include "env_pvt.h"

RTE_LOG_REGISTER(lib_logtype, droce.lib, INFO);

#define DEF_MEM_MB	1024
#define MAX_ARGS	128

static bool eal_started;
/* The runtime directory droce named for this process (droce-<pid>): removed at cleanup. */
static char own_dir[PATH_MAX];

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

/* A vdev as port_devargs() completes it (net_af_xdp: busy_budget=0). */
static int
push_vdev(struct argv_buf *a, const char *vdev)
{
	char buf[PORT_DEVARGS_MAX];
	int ret = port_devargs(vdev, buf, sizeof(buf));

	return ret ?: pushf(a, "--vdev=%s", buf);
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
		ret = push_vdev(a, c->vdevs[i]);
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

/*
 * Remove a runtime directory. DPDK 22.11 leaves its files (config, fbarray_*, sockets)
 * after rte_eal_cleanup(), one directory per process: 8000 had piled up on a test host.
 * It creates no subdirectories in it.
 */
static int
remove_runtime_dir(const char *path)
{
	char file[PATH_MAX];
	struct dirent *e;
	DIR *d = opendir(path);

	if (d == NULL)
		return -errno;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (snprintf(file, sizeof(file), "%s/%s", path, e->d_name) < (int)sizeof(file))
			(void)unlink(file);
	}
	closedir(d);
	return rmdir(path) == 0 ? 0 : -errno;
}

/* Where DPDK puts runtime directories (eal_create_runtime_dir()): /var/run/dpdk for root. */
static void
runtime_base(char *buf, size_t len)
{
	const char *dir = "/var/run";

	if (getuid() != 0)
		dir = getenv("XDG_RUNTIME_DIR") != NULL ? getenv("XDG_RUNTIME_DIR") : "/tmp";
	snprintf(buf, len, "%s/dpdk", dir);
}

/*
 * The droce-<pid> directories of processes that are gone (killed before they cleaned
 * up): droce names them, so a dead PID's is garbage. A PID that exists, or that this
 * process may not signal, keeps its directory. PIDs are this namespace's: containers
 * that share the runtime base across PID namespaces should name their prefixes.
 * Returns how many were removed.
 */
static unsigned int
sweep_stale_dirs(void)
{
	char base[PATH_MAX], path[PATH_MAX];
	unsigned int n = 0;
	struct dirent *e;
	DIR *d;

	runtime_base(base, sizeof(base));
	d = opendir(base);
	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		const char *num = e->d_name + strlen("droce-");
		char *end;
		long pid;

		if (strncmp(e->d_name, "droce-", strlen("droce-")) != 0 || *num < '1' ||
		    *num > '9')
			continue;
		errno = 0;
		pid = strtol(num, &end, 10);
		if (*end != '\0' || errno != 0 || pid > INT_MAX || pid == (long)getpid())
			continue;
		if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", base, e->d_name) >= (int)sizeof(path))
			continue;
		if (remove_runtime_dir(path) == 0)
			n++;
	}
	closedir(d);
	return n;
}

/* True if the EAL's runtime directory is the droce-<pid> one droce named. */
static bool
dir_is_ours(const char *dir)
{
	char want[32];
	const char *slash = strrchr(dir, '/');

	snprintf(want, sizeof(want), "droce-%d", (int)getpid());
	return slash != NULL && strcmp(slash + 1, want) == 0;
}

int
droce_eal_init(const char *prog, const struct droce_eal_conf *conf)
{
	unsigned int swept = 0;
	char **argv, **copy;
	int argc, ret;

	if (eal_started)
		return -EALREADY;
	argc = droce_eal_argv(prog, conf, &argv);
	if (argc < 0)
		return argc;
	if (conf == NULL || conf->file_prefix == NULL)
		swept = sweep_stale_dirs();
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
	if (dir_is_ours(rte_eal_get_runtime_dir()))
		snprintf(own_dir, sizeof(own_dir), "%s", rte_eal_get_runtime_dir());
	if (swept != 0)
		LIB_LOG(DEBUG, "removed %u runtime directories of droce processes that are gone",
			swept);
	return 0;
}

int
droce_eal_cleanup(void)
{
	int ret, rm;

	if (!eal_started)
		return -EINVAL;
	eal_started = false;
	ret = rte_eal_cleanup();
	rm = own_dir[0] != '\0' ? remove_runtime_dir(own_dir) : 0;
	if (rm != 0)
		LIB_LOG(WARNING, "cannot remove %s: %s", own_dir, strerror(-rm));
	own_dir[0] = '\0';
	return ret;
}
