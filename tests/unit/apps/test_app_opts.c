/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The port options every application shares (apps/common/app_opts.c), from a --config
 * file: its [port], [engine] and [eal] sections are read; another section is refused,
 * unless the application reads the rest of the file itself (other_sections, droce-tgt).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app_opts.h"
#include "check_run.h"

static char dir[] = "/tmp/app_opts.XXXXXX";
static char path[64];

static void
setup(void)
{
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/c.ini", dir);
}

static void
teardown(void)
{
	unlink(path);
	rmdir(dir);
	strcpy(dir, "/tmp/app_opts.XXXXXX");
}

/* Write text as the config file and load it as --config does. */
static int
load(struct app_port_opts *o, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fputs(text, f) >= 0, 1);
	ck_assert_int_eq(fclose(f), 0);
	return app_port_opt(o, APP_OPT_BASE + 7, path);
}

#define PORT_EAL \
	"[port]\nvdev = net_memif0,role=server\nip = 10.0.0.1/24\nip = fd00::1/64\n" \
	"[engine]\ncm_retries = 3\n[eal]\nlcores = 0-1\n"

START_TEST(test_port_sections)
{
	struct app_port_opts o = { 0 };

	ck_assert_int_eq(load(&o, PORT_EAL), 1);
	ck_assert_str_eq(o.vdev, "net_memif0,role=server");
	ck_assert_uint_eq(o.nb_ips, 2);
	ck_assert_str_eq(o.ips[1], "fd00::1/64");
	ck_assert_uint_eq(o.cm_retries, 3);
	ck_assert_str_eq(o.lcores, "0-1");
	app_port_opts_free(&o);
}
END_TEST

START_TEST(test_other_sections)
{
	/* Ten sections of the application's, before, between and after the port's. */
	const char *text = "[target]\nlisten = *:4420\n" PORT_EAL
			   "[backend:a]\ntype = ram\n[backend:b]\ntype = ram\n"
			   "[backend:c]\ntype = ram\n[backend:d]\ntype = ram\n"
			   "[backend:e]\ntype = ram\n[backend:f]\ntype = ram\n"
			   "[subsystem:s]\nnqn = x\n[subsystem:t]\nnqn = y\n";
	struct app_port_opts o = { 0 };

	ck_assert_int_eq(load(&o, text), -1);		/* [target]: not ours */
	app_port_opts_free(&o);
	memset(&o, 0, sizeof(o));
	o.other_sections = true;
	ck_assert_int_eq(load(&o, text), 1);
	ck_assert_str_eq(o.vdev, "net_memif0,role=server");
	ck_assert_uint_eq(o.cm_retries, 3);
	app_port_opts_free(&o);
}
END_TEST

START_TEST(test_bad_port_key)
{
	struct app_port_opts o = { .other_sections = true };

	/* Other sections are left alone; a bad key of our own still is not. */
	ck_assert_int_eq(load(&o, "[target]\nx = 1\n[port]\nvdevs = net_null0\n"), -1);
	app_port_opts_free(&o);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("app_opts");
	TCase *tc = tcase_create("config");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_port_sections);
	tcase_add_test(tc, test_other_sections);
	tcase_add_test(tc, test_bad_port_key);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
