/* SPDX-License-Identifier: BSD-3-Clause */
/* droce_eal_argv(): the EAL arguments droce builds for its users. No EAL is started. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <droce/droce.h>

#include "check_run.h"

/* Index of arg in argv, or -1. */
static int
find(char **argv, const char *arg)
{
	int i;

	for (i = 0; argv[i] != NULL; i++)
		if (strcmp(argv[i], arg) == 0)
			return i;
	return -1;
}

static int
find_prefix(char **argv, const char *prefix)
{
	int i;

	for (i = 0; argv[i] != NULL; i++)
		if (strncmp(argv[i], prefix, strlen(prefix)) == 0)
			return i;
	return -1;
}

START_TEST(test_droce_eal_argv_defaults)
{
	char **argv, want[64];
	int n;

	n = droce_eal_argv("prog", NULL, &argv);
	ck_assert_int_gt(n, 0);
	ck_assert_ptr_null(argv[n]);
	ck_assert_str_eq(argv[0], "prog");
	snprintf(want, sizeof(want), "--file-prefix=droce-%d", (int)getpid());
	ck_assert_int_ge(find(argv, want), 1);
	ck_assert_int_ge(find(argv, "--no-huge"), 1);
	ck_assert_int_ge(find(argv, "-m1024"), 1);
	ck_assert_int_ge(find(argv, "--no-shconf"), 1);
	ck_assert_int_ge(find(argv, "--no-pci"), 1);
	ck_assert_int_eq(find(argv, "--in-memory"), -1);
	/* Telemetry stays on: droce-info --telemetry and dpdk-telemetry.py read it. */
	ck_assert_int_eq(find(argv, "--no-telemetry"), -1);
	/* One lcore, floating over the CPUs this process may use. */
	ck_assert_int_ge(find_prefix(argv, "--lcores=0@("), 1);
	droce_eal_argv_free(argv);
}
END_TEST

START_TEST(test_droce_eal_argv_hugepages)
{
	struct droce_eal_conf c = { .hugepages = true, .file_prefix = "mine" };
	char **argv;

	ck_assert_int_gt(droce_eal_argv("p", &c, &argv), 0);
	ck_assert_int_eq(find(argv, "--no-huge"), -1);
	ck_assert_int_ge(find(argv, "--in-memory"), 1);
	ck_assert_int_ge(find(argv, "--file-prefix=mine"), 1);
	droce_eal_argv_free(argv);
}
END_TEST

START_TEST(test_droce_eal_argv_devices_and_extra)
{
	const char *vdevs[] = { "net_memif0,role=server", "net_null0" };
	const char *pci[] = { "0000:01:00.0" };
	struct droce_eal_conf c = {
		.vdevs = vdevs, .nb_vdevs = 2, .pci = pci, .nb_pci = 1,
		.lcores = "1,2", .mem_mb = 64, .extra = "  --log-level=8\t-n 4 ",
	};
	char **argv;
	int n;

	n = droce_eal_argv("p", &c, &argv);
	ck_assert_int_gt(n, 0);
	ck_assert_int_ge(find(argv, "--vdev=net_memif0,role=server"), 1);
	ck_assert_int_ge(find(argv, "--vdev=net_null0"), 1);
	ck_assert_int_ge(find(argv, "--allow=0000:01:00.0"), 1);
	ck_assert_int_eq(find(argv, "--no-pci"), -1);
	ck_assert_int_ge(find(argv, "--lcores=1,2"), 1);
	ck_assert_int_ge(find(argv, "-m64"), 1);
	/* Extra arguments come last, split on blanks, so they override droce's. */
	ck_assert_str_eq(argv[n - 3], "--log-level=8");
	ck_assert_str_eq(argv[n - 2], "-n");
	ck_assert_str_eq(argv[n - 1], "4");
	droce_eal_argv_free(argv);
}
END_TEST

/* net_af_xdp gets busy_budget=0 (latency) unless its devargs name a budget. */
START_TEST(test_droce_eal_argv_af_xdp_busy_budget)
{
	const char *vdevs[] = { "net_af_xdp0,iface=veth0", "net_af_xdp1,iface=v1,busy_budget=32",
				"net_af_xdp2", "net_af_packet0,iface=veth0" };
	struct droce_eal_conf c = { .vdevs = vdevs, .nb_vdevs = 4 };
	char **argv;

	ck_assert_int_gt(droce_eal_argv("p", &c, &argv), 0);
	ck_assert_int_ge(find(argv, "--vdev=net_af_xdp0,iface=veth0,busy_budget=0"), 1);
	ck_assert_int_ge(find(argv, "--vdev=net_af_xdp1,iface=v1,busy_budget=32"), 1);
	ck_assert_int_ge(find(argv, "--vdev=net_af_xdp2,busy_budget=0"), 1);
	ck_assert_int_ge(find(argv, "--vdev=net_af_packet0,iface=veth0"), 1);
	droce_eal_argv_free(argv);
}
END_TEST

START_TEST(test_droce_eal_argv_bad_conf)
{
	struct droce_eal_conf c = { .nb_vdevs = 1 };
	char **argv = NULL, extra[2048];
	int i;

	ck_assert_int_eq(droce_eal_argv("p", NULL, NULL), -EINVAL);
	ck_assert_int_eq(droce_eal_argv("p", &c, &argv), -EINVAL);
	c.nb_vdevs = 0;
	c.nb_pci = 2;
	ck_assert_int_eq(droce_eal_argv("p", &c, &argv), -EINVAL);
	c.nb_pci = 0;
	for (i = 0; i < 300; i++)
		memcpy(extra + 3 * i, "-v ", 3);
	extra[900] = '\0';
	c.extra = extra;
	ck_assert_int_eq(droce_eal_argv("p", &c, &argv), -EINVAL);
	ck_assert_ptr_null(argv);
}
END_TEST

/* Two processes never share a file prefix without being told to. */
START_TEST(test_droce_eal_argv_prefix_per_process)
{
	char **argv;
	int fds[2], status;
	char child[64] = { 0 };
	pid_t pid;

	ck_assert_int_eq(pipe(fds), 0);
	pid = fork();
	if (pid == 0) {
		droce_eal_argv("p", NULL, &argv);
		if (write(fds[1], argv[1], strlen(argv[1])) < 0)
			_exit(1);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_int_gt(read(fds[0], child, sizeof(child) - 1), 0);
	droce_eal_argv("p", NULL, &argv);
	ck_assert_str_ne(argv[1], child);
	ck_assert_int_eq(strncmp(child, "--file-prefix=droce-", 20), 0);
	droce_eal_argv_free(argv);
	close(fds[0]);
	close(fds[1]);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("droce_eal");
	TCase *tc = tcase_create("argv");

	tcase_add_test(tc, test_droce_eal_argv_defaults);
	tcase_add_test(tc, test_droce_eal_argv_hugepages);
	tcase_add_test(tc, test_droce_eal_argv_devices_and_extra);
	tcase_add_test(tc, test_droce_eal_argv_af_xdp_busy_budget);
	tcase_add_test(tc, test_droce_eal_argv_bad_conf);
	tcase_add_test(tc, test_droce_eal_argv_prefix_per_process);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
