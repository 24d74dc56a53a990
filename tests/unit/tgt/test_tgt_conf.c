/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tgt_conf.c: config/droce-tgt.ini loads with every value it gives; each kind of bad
 * configuration is refused with -EINVAL and exactly its one line; the quick start; the
 * namespace UUIDs and default serials, checked against Python's uuid5.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check_run.h"
#include "tgt_conf.h"

#define EXAMPLE_INI	TEST_CAPTURES "/../../../config/droce-tgt.ini"

/* A directory per test (Check forks each) for the INI files it writes. */
static char tmpdir[64];
static char tmpfiles[16][128];
static unsigned int nb_tmpfiles;

static void
setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_tgt_conf.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	nb_tmpfiles = 0;
}

static void
teardown(void)
{
	unsigned int i;

	for (i = 0; i < nb_tmpfiles; i++)
		unlink(tmpfiles[i]);
	rmdir(tmpdir);
}

/* Write text to <tmpdir>/<name>; returns the path (valid until teardown). */
static const char *
write_file(const char *name, const char *text)
{
	char *path = tmpfiles[nb_tmpfiles];
	unsigned int i;
	FILE *f;

	ck_assert_uint_lt(nb_tmpfiles, 16);
	snprintf(path, sizeof(tmpfiles[0]), "%s/%s", tmpdir, name);
	for (i = 0; i < nb_tmpfiles; i++)
		if (strcmp(tmpfiles[i], path) == 0)
			path = tmpfiles[i];
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	nb_tmpfiles += path == tmpfiles[nb_tmpfiles];
	return path;
}

static void
uuid_str(const uint8_t u[16], char s[37])
{
	snprintf(s, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
		 "%02x%02x%02x%02x%02x%02x", u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7],
		 u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
}

static void
hex_str(const uint8_t u[16], char s[33])
{
	int i;

	for (i = 0; i < 16; i++)
		snprintf(s + 2 * i, 3, "%02x", u[i]);
}

/* A valid file: one RAM backend, one subsystem open to any host. */
#define BDEV_RAM0	"[backend:ram0]\ntype = ram\nsize = 1M\n"
#define SUBSYS_S \
	"[subsystem:s]\nnqn = nqn.2026-01.io.droce:s\nallow_any_host = yes\n" \
	"namespace = 1 ram0\n"

/* Load text, expect ret and the line "<path><sep><want>". */
static void
expect_line(const char *text, int ret, const char *sep, const char *want)
{
	struct tgt_conf conf;
	char err[512] = "", line[512];
	const char *path = write_file("bad.ini", text);

	ck_assert_int_eq(tgt_conf_load(path, &conf, err, sizeof(err)), ret);
	snprintf(line, sizeof(line), "%s%s%s", path, sep, want);
	ck_assert_str_eq(err, line);
	ck_assert_ptr_null(strchr(err, '\n'));
	ck_assert_uint_eq(conf.nb_subsys, 0);
	ck_assert_ptr_null(conf.subsys);
	ck_assert_ptr_null(conf.bdevs);
	tgt_conf_free(&conf);
}

/* "<path>: <want>": a fault of a section or key, or of the whole file. */
static void
expect_bad(const char *text, const char *want)
{
	expect_line(text, -EINVAL, ": ", want);
}

/* "<path>:<want>", want starting with the line number: a line that is not INI. */
static void
expect_bad_line(const char *text, const char *want)
{
	expect_line(text, -EINVAL, ":", want);
}

START_TEST(test_tgt_conf_load_example_target)
{
	struct tgt_conf conf;
	char err[256] = "";

	ck_assert_msg(tgt_conf_load(EXAMPLE_INI, &conf, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(conf.nb_listen, 1);
	ck_assert(!conf.listen[0].any_addr);
	ck_assert_int_eq(conf.listen[0].family, AF_INET);
	ck_assert_str_eq(conf.listen[0].addr_str, "192.0.2.2");
	ck_assert_mem_eq(conf.listen[0].addr, "\xc0\x00\x02\x02", 4);
	ck_assert_uint_eq(conf.listen[0].port, 4420);
	ck_assert_uint_eq(conf.max_io_queues, 4);
	ck_assert_uint_eq(conf.max_queue_depth, 64);
	ck_assert_uint_eq(conf.in_capsule_data_size, 8192);
	ck_assert_uint_eq(conf.max_io_size, 262144);
	ck_assert_uint_eq(conf.mdts, 6);
	ck_assert_uint_eq(conf.poll_groups, 2);
	ck_assert_uint_eq(conf.data_buffers, 256);
	ck_assert_uint_eq(conf.kato_grace_ms, 5000);
	ck_assert_uint_eq(conf.discovery_kato_ms, 60000);
	tgt_conf_free(&conf);
	ck_assert_uint_eq(conf.nb_listen, 0);
	tgt_conf_free(&conf);
}
END_TEST

START_TEST(test_tgt_conf_load_example_backends)
{
	const struct tgt_conf_bdev *b;
	struct tgt_conf conf;
	char err[256] = "";

	ck_assert_msg(tgt_conf_load(EXAMPLE_INI, &conf, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(conf.nb_bdevs, 2);
	b = &conf.bdevs[0];
	ck_assert_str_eq(b->name, "ram0");
	ck_assert_int_eq(b->type, TGT_CONF_BDEV_RAM);
	ck_assert_uint_eq(b->size, 64ull << 20);
	ck_assert_uint_eq(b->block_size, 4096);
	b = &conf.bdevs[1];
	ck_assert_str_eq(b->name, "disk0");
	ck_assert_int_eq(b->type, TGT_CONF_BDEV_FILE);
	ck_assert_str_eq(b->path, "/tmp/droce-tgt-disk0.img");
	ck_assert(b->create);
	ck_assert_uint_eq(b->size, 1ull << 30);
	ck_assert_uint_eq(b->block_size, 512);
	ck_assert_int_eq(b->io, TGT_CONF_IO_URING);
	ck_assert(!b->direct);
	ck_assert(b->write_cache);
	tgt_conf_free(&conf);
}
END_TEST

START_TEST(test_tgt_conf_load_example_subsystem)
{
	const struct tgt_conf_subsys *s;
	struct tgt_conf conf;
	char err[256] = "", u[37], g[33];

	ck_assert_msg(tgt_conf_load(EXAMPLE_INI, &conf, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(conf.nb_subsys, 1);
	s = &conf.subsys[0];
	ck_assert_str_eq(s->name, "test");
	ck_assert_str_eq(s->nqn, "nqn.2026-01.io.droce:test");
	ck_assert_str_eq(s->serial, "DROCE00000001");
	ck_assert_str_eq(s->model, "droce-tgt example");
	ck_assert(!s->allow_any_host);
	ck_assert_uint_eq(s->nb_hosts, 2);
	ck_assert_str_eq(s->hosts[0],
			 "nqn.2014-08.org.nvmexpress:uuid:63f3ae67-b2b0-4c44-9f58-e1cb37d65010");
	ck_assert_str_eq(s->hosts[1], "nqn.2026-01.io.droce:initiator1");
	ck_assert_uint_eq(s->nb_ns, 2);
	ck_assert_uint_eq(s->ns[0].nsid, 1);
	ck_assert_str_eq(tgt_conf_ns_bdev(&conf, &s->ns[0])->name, "ram0");
	/* uuid.uuid5(UUID(TGT_CONF_UUID_NS), "nqn.2026-01.io.droce:test/ns/1") */
	uuid_str(s->ns[0].uuid, u);
	ck_assert_str_eq(u, "d562bc26-4f90-5fa3-a4de-5b85d3a0ddb7");
	hex_str(s->ns[0].nguid, g);
	ck_assert_str_eq(g, "81bc96f1adf652518d006dd2110fa34b");
	ck_assert_uint_eq(s->ns[1].nsid, 2);
	ck_assert_str_eq(tgt_conf_ns_bdev(&conf, &s->ns[1])->name, "disk0");
	uuid_str(s->ns[1].uuid, u);
	ck_assert_str_eq(u, "1b4e28ba-2fa1-11d2-883f-0016d3cca427");
	hex_str(s->ns[1].nguid, g);
	ck_assert_str_eq(g, "490313357838569ba25881bd0235ec32");
	tgt_conf_free(&conf);
}
END_TEST

/* What a file leaves out: the [target] defaults, *:4420, serial and model. */
START_TEST(test_tgt_conf_load_defaults)
{
	const char *path = write_file("min.ini", "[port]\nvdev = net_null0\n[engine]\n"
				      "cm_retries = 3\n[eal]\nargs = -v\n" BDEV_RAM0 SUBSYS_S);
	struct tgt_conf conf;
	char err[256] = "";

	ck_assert_msg(tgt_conf_load(path, &conf, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(conf.nb_listen, 1);
	ck_assert(conf.listen[0].any_addr);
	ck_assert_str_eq(conf.listen[0].addr_str, "*");
	ck_assert_uint_eq(conf.listen[0].port, 4420);
	ck_assert_uint_eq(conf.max_io_queues, 8);
	ck_assert_uint_eq(conf.max_queue_depth, 128);
	ck_assert_uint_eq(conf.in_capsule_data_size, 4096);
	ck_assert_uint_eq(conf.max_io_size, 131072);
	ck_assert_uint_eq(conf.mdts, 5);
	ck_assert_uint_eq(conf.kato_grace_ms, 10000);
	ck_assert_uint_eq(conf.discovery_kato_ms, 120000);
	ck_assert_uint_eq(conf.bdevs[0].block_size, 512);
	ck_assert_uint_eq(conf.bdevs[0].size, 1 << 20);
	/* uuid.uuid5(uuid.UUID(TGT_CONF_UUID_NS), "nqn.2026-01.io.droce:s").hex[:20] */
	ck_assert_str_eq(conf.subsys[0].serial, "a9f66e86f709534b82cb");
	ck_assert_str_eq(conf.subsys[0].model, "droce-tgt");
	ck_assert(conf.subsys[0].allow_any_host);
	ck_assert_uint_eq(conf.subsys[0].nb_hosts, 0);
	tgt_conf_free(&conf);
}
END_TEST

START_TEST(test_tgt_conf_load_listen_forms)
{
	const char *path = write_file("l.ini", "[target]\nlisten = [2001:db8::2]:4421\n"
				      "listen = 2001:db8::3\nlisten = *:4430\n"
				      "listen = 10.0.0.1\n" BDEV_RAM0 SUBSYS_S);
	struct tgt_conf conf;
	char err[256] = "";

	ck_assert_msg(tgt_conf_load(path, &conf, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(conf.nb_listen, 4);
	ck_assert_int_eq(conf.listen[0].family, AF_INET6);
	ck_assert_str_eq(conf.listen[0].addr_str, "2001:db8::2");
	ck_assert_uint_eq(conf.listen[0].addr[15], 2);
	ck_assert_uint_eq(conf.listen[0].port, 4421);
	ck_assert_str_eq(conf.listen[1].addr_str, "2001:db8::3");
	ck_assert_uint_eq(conf.listen[1].port, 4420);
	ck_assert(conf.listen[2].any_addr);
	ck_assert_uint_eq(conf.listen[2].port, 4430);
	ck_assert_int_eq(conf.listen[3].family, AF_INET);
	ck_assert_uint_eq(conf.listen[3].port, 4420);
	tgt_conf_free(&conf);
}
END_TEST

START_TEST(test_tgt_conf_load_unknown_section)
{
	expect_bad("[targets]\nlisten = *\n" BDEV_RAM0 SUBSYS_S,
		   "[targets]: unknown section: expected [target], [backend:<name>], "
		   "[subsystem:<name>], [port], [eal] or [engine]");
	expect_bad(BDEV_RAM0 SUBSYS_S "[backend:]\ntype = ram\n",
		   "[backend:]: unknown section: expected [target], [backend:<name>], "
		   "[subsystem:<name>], [port], [eal] or [engine]");
}
END_TEST

START_TEST(test_tgt_conf_load_unknown_key)
{
	expect_bad("[target]\nmax_queue_dept = 64\n" BDEV_RAM0 SUBSYS_S,
		   "[target] max_queue_dept: unknown key");
	expect_bad(BDEV_RAM0 SUBSYS_S "serial_number = 1\n",
		   "[subsystem:s] serial_number: unknown key");
	/* a file key on a RAM backend */
	expect_bad(BDEV_RAM0 "path = /tmp/x\n" SUBSYS_S,
		   "[backend:ram0] path: only for type = file");
}
END_TEST

START_TEST(test_tgt_conf_load_bad_nqn)
{
	expect_bad(BDEV_RAM0 "[subsystem:test]\nnqn = nqn.foo\nallow_any_host = yes\n",
		   "[subsystem:test] nqn: \"nqn.foo\" is not an NQN: too short for nqn.yyyy-mm.");
	expect_bad(BDEV_RAM0 "[subsystem:test]\nnqn = nqn.2014-08.org.nvmexpress.discovery\n"
		   "allow_any_host = yes\n",
		   "[subsystem:test] nqn: nqn.2014-08.org.nvmexpress.discovery is the discovery "
		   "subsystem, always served");
	expect_bad(BDEV_RAM0 SUBSYS_S "[subsystem:t]\nnqn = nqn.2026-01.io.droce:s\n"
		   "allow_any_host = yes\n",
		   "[subsystem:t] nqn: nqn.2026-01.io.droce:s is [subsystem:s]'s too");
}
END_TEST

START_TEST(test_tgt_conf_load_bad_host)
{
	expect_bad(BDEV_RAM0 "[subsystem:s]\nnqn = nqn.2026-01.io.droce:s\n"
		   "host = nqn.2026-13.io.droce:h\n",
		   "[subsystem:s] host: \"nqn.2026-13.io.droce:h\" is not an NQN: "
		   "month is not 01-12");
	expect_bad(BDEV_RAM0 "[subsystem:s]\nnqn = nqn.2026-01.io.droce:s\n"
		   "host = nqn.2026-01.io.droce:h\nhost = nqn.2026-01.io.droce:h\n",
		   "[subsystem:s] host: nqn.2026-01.io.droce:h is listed twice");
	expect_bad(BDEV_RAM0 "[subsystem:s]\nnqn = nqn.2026-01.io.droce:s\n",
		   "[subsystem:s] host: none, and allow_any_host = no: no host may connect");
	expect_bad(BDEV_RAM0 SUBSYS_S "host = nqn.2026-01.io.droce:h\n",
		   "[subsystem:s] host: listed while allow_any_host = yes");
}
END_TEST

START_TEST(test_tgt_conf_load_duplicate_nsid)
{
	expect_bad(BDEV_RAM0 "[backend:ram1]\ntype = ram\nsize = 1M\n" SUBSYS_S
		   "namespace = 1 ram1\n",
		   "[subsystem:s] namespace: 1 ram1: NSID 1 is given twice");
	expect_bad(BDEV_RAM0 SUBSYS_S "namespace = 1025 ram0\n",
		   "[subsystem:s] namespace: 1025 ram0: NSID 1025 is not in 1..1024");
	expect_bad(BDEV_RAM0 SUBSYS_S "namespace = one ram0\n",
		   "[subsystem:s] namespace: \"one ram0\" is not <nsid> <backend> "
		   "[uuid=<UUID>] [nguid=<hex>]");
}
END_TEST

START_TEST(test_tgt_conf_load_missing_backend)
{
	expect_bad(BDEV_RAM0 SUBSYS_S "namespace = 2 ram9\n",
		   "[subsystem:s] namespace: 2 ram9: no [backend:ram9]");
}
END_TEST

START_TEST(test_tgt_conf_load_backend_twice)
{
	expect_bad(BDEV_RAM0 SUBSYS_S "namespace = 2 ram0\n",
		   "[subsystem:s] namespace: 2 ram0: backend ram0 already serves "
		   "[subsystem:s] NSID 1");
	expect_bad(BDEV_RAM0 SUBSYS_S "[subsystem:t]\nnqn = nqn.2026-01.io.droce:t\n"
		   "allow_any_host = yes\nnamespace = 7 ram0\n",
		   "[subsystem:t] namespace: 7 ram0: backend ram0 already serves "
		   "[subsystem:s] NSID 1");
}
END_TEST

START_TEST(test_tgt_conf_load_size_not_multiple)
{
	expect_bad("[backend:ram0]\ntype = ram\nsize = 1000\n" SUBSYS_S,
		   "[backend:ram0] size: 1000 is not a multiple of block_size 512");
	/* block_size after size in the file still applies */
	expect_bad("[backend:ram0]\ntype = ram\nsize = 6K\nblock_size = 4096\n" SUBSYS_S,
		   "[backend:ram0] size: 6K is not a multiple of block_size 4096");
	expect_bad("[backend:ram0]\ntype = ram\nsize = 0\n" SUBSYS_S,
		   "[backend:ram0] size: must be more than 0");
	expect_bad("[backend:ram0]\ntype = ram\nsize = 1X\n" SUBSYS_S,
		   "[backend:ram0] size: \"1X\" is not a size: <number>[K|M|G|T]");
	expect_bad("[backend:ram0]\ntype = ram\nsize = 99999999999T\n" SUBSYS_S,
		   "[backend:ram0] size: \"99999999999T\" is not a size: <number>[K|M|G|T]");
	expect_bad("[backend:ram0]\ntype = ram\n" SUBSYS_S,
		   "[backend:ram0] size: required for type = ram");
}
END_TEST

START_TEST(test_tgt_conf_load_block_size_1024)
{
	expect_bad("[backend:ram0]\ntype = ram\nsize = 1M\nblock_size = 1024\n" SUBSYS_S,
		   "[backend:ram0] block_size: 1024 is not 512 or 4096");
}
END_TEST

START_TEST(test_tgt_conf_load_missing_file)
{
	char text[512], want[512];

	snprintf(text, sizeof(text), "[backend:disk0]\ntype = file\npath = %s/none.img\n"
		 "create = no\n[subsystem:s]\nnqn = nqn.2026-01.io.droce:s\n"
		 "allow_any_host = yes\nnamespace = 1 disk0\n", tmpdir);
	snprintf(want, sizeof(want), "[backend:disk0] path: %s/none.img: "
		 "No such file or directory", tmpdir);
	expect_bad(text, want);
	/* create = yes needs the directory */
	snprintf(text, sizeof(text), "[backend:disk0]\ntype = file\npath = %s/no/d.img\n"
		 "create = yes\nsize = 1M\n" SUBSYS_S, tmpdir);
	snprintf(want, sizeof(want), "[backend:disk0] path: %s/no/d.img: directory %s/no: "
		 "No such file or directory", tmpdir, tmpdir);
	expect_bad(text, want);
	expect_bad("[backend:disk0]\ntype = file\npath = /tmp/x.img\ncreate = yes\n" SUBSYS_S,
		   "[backend:disk0] size: required with create = yes");
}
END_TEST

/* An existing file with create = no: accepted, size 0 meaning the file's own. */
START_TEST(test_tgt_conf_load_existing_file)
{
	struct tgt_conf conf;
	char text[512], err[256] = "";
	const char *img = write_file("d.img", "data");
	const char *path;

	snprintf(text, sizeof(text), "[backend:d]\ntype = file\npath = %s\nio = psync\n"
		 "direct = yes\nwrite_cache = no\n[subsystem:s]\n"
		 "nqn = nqn.2026-01.io.droce:s\nallow_any_host = yes\nnamespace = 1 d "
		 "nguid=00112233-4455-6677-8899-aabbccddeeff\n", img);
	path = write_file("ok.ini", text);
	ck_assert_msg(tgt_conf_load(path, &conf, err, sizeof(err)) == 0, "%s", err);
	ck_assert_str_eq(conf.bdevs[0].path, img);
	ck_assert(!conf.bdevs[0].create);
	ck_assert_uint_eq(conf.bdevs[0].size, 0);
	ck_assert_int_eq(conf.bdevs[0].io, TGT_CONF_IO_PSYNC);
	ck_assert(conf.bdevs[0].direct);
	ck_assert(!conf.bdevs[0].write_cache);
	ck_assert_mem_eq(conf.subsys[0].ns[0].nguid,
			 "\x00\x11\x22\x33\x44\x55\x66\x77\x88\x99\xaa\xbb\xcc\xdd\xee\xff", 16);
	tgt_conf_free(&conf);
}
END_TEST

START_TEST(test_tgt_conf_load_bad_number)
{
	expect_bad("[target]\nmax_io_queues = 8x\n" BDEV_RAM0 SUBSYS_S,
		   "[target] max_io_queues: \"8x\" is not a number");
	expect_bad("[target]\nmax_io_queues = -1\n" BDEV_RAM0 SUBSYS_S,
		   "[target] max_io_queues: \"-1\" is not a number");
	expect_bad("[target]\nmax_io_queues = 129\n" BDEV_RAM0 SUBSYS_S,
		   "[target] max_io_queues: 129 is not in 1..128");
	expect_bad("[target]\nkato_grace_ms = 99999999999999999999\n" BDEV_RAM0 SUBSYS_S,
		   "[target] kato_grace_ms: \"99999999999999999999\" is not a number");
	expect_bad("[target]\nlisten = 192.0.2.300\n" BDEV_RAM0 SUBSYS_S,
		   "[target] listen: \"192.0.2.300\" is not <address>[:<port>], "
		   "[<IPv6 address>][:<port>] or *[:<port>]");
	expect_bad(BDEV_RAM0 "[subsystem:s]\nnqn = nqn.2026-01.io.droce:s\n"
		   "allow_any_host = maybe\n",
		   "[subsystem:s] allow_any_host: \"maybe\" is not yes or no");
}
END_TEST

START_TEST(test_tgt_conf_load_queue_depth_1)
{
	expect_bad("[target]\nmax_queue_depth = 1\n" BDEV_RAM0 SUBSYS_S,
		   "[target] max_queue_depth: 1 is not in 2..1024");
}
END_TEST

START_TEST(test_tgt_conf_load_icd_not_16)
{
	expect_bad("[target]\nin_capsule_data_size = 4100\n" BDEV_RAM0 SUBSYS_S,
		   "[target] in_capsule_data_size: 4100 is not a multiple of 16");
	expect_bad("[target]\nmax_io_size = 12288\n" BDEV_RAM0 SUBSYS_S,
		   "[target] max_io_size: 12288 is not a power of two");
}
END_TEST

START_TEST(test_tgt_conf_load_serial_too_long)
{
	expect_bad(BDEV_RAM0 SUBSYS_S "serial = 012345678901234567890\n",
		   "[subsystem:s] serial: \"012345678901234567890\" is longer than 20 bytes");
	expect_bad(BDEV_RAM0 SUBSYS_S "model = " "0123456789012345678901234567890123456789x\n",
		   "[subsystem:s] model: \"0123456789012345678901234567890123456789x\" is "
		   "longer than 40 bytes");
}
END_TEST

START_TEST(test_tgt_conf_load_missing_nqn)
{
	expect_bad(BDEV_RAM0 "[subsystem:s]\nallow_any_host = yes\nnamespace = 1 ram0\n",
		   "[subsystem:s] nqn: required");
	expect_bad(BDEV_RAM0, "no [subsystem:<name>] section: nothing to serve");
}
END_TEST

START_TEST(test_tgt_conf_load_given_twice)
{
	expect_bad(BDEV_RAM0 SUBSYS_S "nqn = nqn.2026-01.io.droce:t\n",
		   "[subsystem:s] nqn: given twice");
	expect_bad(BDEV_RAM0 SUBSYS_S "[backend:ram0]\ntype = ram\nsize = 2M\n",
		   "[backend:ram0]: section given twice");
}
END_TEST

START_TEST(test_tgt_conf_load_not_ini)
{
	expect_bad_line(BDEV_RAM0 SUBSYS_S "serial DROCE1\n",
		   "8: neither [section] nor key = value (comments start with ';')");
	expect_bad_line("listen = *\n" BDEV_RAM0 SUBSYS_S,
		   "1: key = value before the first [section]");
	expect_bad_line("[target\n", "1: no ']' at the end of the section name");
	expect_bad_line(BDEV_RAM0 "[subsystem:s]\nnqn =\n", "5: no value after '='");
}
END_TEST

START_TEST(test_tgt_conf_load_missing_config)
{
	struct tgt_conf conf;
	char err[256] = "", path[128], want[256];

	snprintf(path, sizeof(path), "%s/none.ini", tmpdir);
	snprintf(want, sizeof(want), "%s: No such file or directory", path);
	ck_assert_int_eq(tgt_conf_load(path, &conf, err, sizeof(err)), -ENOENT);
	ck_assert_str_eq(err, want);
	ck_assert_ptr_null(conf.subsys);
}
END_TEST

START_TEST(test_tgt_conf_quick_ram)
{
	struct tgt_conf conf;
	char err[256] = "", u[37], g[33];

	ck_assert_msg(tgt_conf_quick(&conf, "nqn.2026-01.io.droce:quick", 8 << 20, NULL, 0,
				     err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(conf.nb_listen, 1);
	ck_assert(conf.listen[0].any_addr);
	ck_assert_uint_eq(conf.listen[0].port, 4420);
	ck_assert_uint_eq(conf.max_queue_depth, 128);
	ck_assert_uint_eq(conf.nb_bdevs, 1);
	ck_assert_int_eq(conf.bdevs[0].type, TGT_CONF_BDEV_RAM);
	ck_assert_uint_eq(conf.bdevs[0].size, 8 << 20);
	ck_assert_uint_eq(conf.bdevs[0].block_size, 512);
	ck_assert_uint_eq(conf.nb_subsys, 1);
	ck_assert_str_eq(conf.subsys[0].nqn, "nqn.2026-01.io.droce:quick");
	/* uuid.uuid5(uuid.UUID(TGT_CONF_UUID_NS), "nqn.2026-01.io.droce:quick").hex[:20] */
	ck_assert_str_eq(conf.subsys[0].serial, "a0ffd34f7d655d30a880");
	ck_assert_str_eq(conf.subsys[0].model, "droce-tgt");
	ck_assert(conf.subsys[0].allow_any_host);
	ck_assert_uint_eq(conf.subsys[0].nb_ns, 1);
	ck_assert_uint_eq(conf.subsys[0].ns[0].nsid, 1);
	ck_assert_uint_eq(conf.subsys[0].ns[0].bdev, 0);
	uuid_str(conf.subsys[0].ns[0].uuid, u);
	ck_assert_str_eq(u, "571fd62d-2696-543a-ba19-fc3cfcf8c251");
	hex_str(conf.subsys[0].ns[0].nguid, g);
	ck_assert_str_eq(g, "63c6022cd9215c7d95973c3afce388ad");
	tgt_conf_free(&conf);
}
END_TEST

START_TEST(test_tgt_conf_quick_file)
{
	const char *img = write_file("q.img", "x");
	struct tgt_conf conf;
	char err[256] = "", path[128], want[256];

	ck_assert_msg(tgt_conf_quick(&conf, "nqn.2026-01.io.droce:quick", 0, img, 4421,
				     err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(conf.listen[0].port, 4421);
	ck_assert_int_eq(conf.bdevs[0].type, TGT_CONF_BDEV_FILE);
	ck_assert_str_eq(conf.bdevs[0].path, img);
	ck_assert_uint_eq(conf.bdevs[0].size, 0);
	ck_assert(!conf.bdevs[0].create);
	tgt_conf_free(&conf);

	snprintf(path, sizeof(path), "%s/none.img", tmpdir);
	ck_assert_int_eq(tgt_conf_quick(&conf, "nqn.2026-01.io.droce:quick", 0, path, 0,
					err, sizeof(err)), -EINVAL);
	snprintf(want, sizeof(want), "quick start: [backend:ns1] path: %s: "
		 "No such file or directory", path);
	ck_assert_str_eq(err, want);
	ck_assert_ptr_null(conf.bdevs);
}
END_TEST

START_TEST(test_tgt_conf_quick_errors)
{
	struct tgt_conf conf;
	char err[256] = "";

	ck_assert_int_eq(tgt_conf_quick(&conf, "nqn.foo", 1 << 20, NULL, 0, err,
					sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "quick start: [subsystem:quick] nqn: \"nqn.foo\" is not an NQN: "
			 "too short for nqn.yyyy-mm.");
	ck_assert_int_eq(tgt_conf_quick(&conf, "nqn.2026-01.io.droce:q", 1000, NULL, 0, err,
					sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "quick start: [backend:ns1] size: 1000 is not a multiple of "
			 "block_size 512");
	ck_assert_int_eq(tgt_conf_quick(&conf, "nqn.2026-01.io.droce:q", 0, NULL, 0, err,
					sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "quick start: give one of --ram <size> and --file <path>");
	ck_assert_int_eq(tgt_conf_quick(&conf, "nqn.2026-01.io.droce:q", 512, "/etc/hostname",
					0, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "quick start: give one of --ram <size> and --file <path>");
	ck_assert_int_eq(tgt_conf_quick(&conf, NVMF_DISCOVERY_NQN, 512, NULL, 0, err,
					sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "quick start: [subsystem:quick] nqn: " NVMF_DISCOVERY_NQN
			 " is the discovery subsystem, always served");
	ck_assert_ptr_null(conf.subsys);
	ck_assert_ptr_null(conf.bdevs);
}
END_TEST

/* Name-based UUIDs: Python's uuid5 values, at the SHA-1 padding boundaries too. */
START_TEST(test_tgt_conf_uuid5_stable)
{
	static const struct {
		char c;
		size_t len;
		const char *want;
	} v[] = {
		{ 'a', 45, "a3ee0132-dfa4-52b4-a061-b504239eddcd" },	/* 61 bytes hashed */
		{ 'b', 47, "babe78ac-969b-5c31-91b3-72fee242dc35" },	/* 63 */
		{ 'c', 48, "bf55bc08-9e14-596e-b20d-f2a63ebeba45" },	/* 64 */
		{ 'd', 200, "495a848e-3057-5e85-b032-88c84e159684" },
	};
	uint8_t a[16], b[16];
	char name[256], s[37];
	unsigned int i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		memset(name, v[i].c, v[i].len);
		name[v[i].len] = '\0';
		tgt_conf_uuid5(name, a);
		uuid_str(a, s);
		ck_assert_str_eq(s, v[i].want);
	}
	tgt_conf_uuid5("nqn.2026-01.io.droce:test/ns/1", a);
	tgt_conf_uuid5("nqn.2026-01.io.droce:test/ns/1", b);
	ck_assert_mem_eq(a, b, 16);
	tgt_conf_uuid5("nqn.2026-01.io.droce:test/ns/2", b);
	ck_assert_mem_ne(a, b, 16);
	uuid_str(b, s);
	ck_assert_str_eq(s, "99662efc-b784-5b72-bcca-970f41effacc");
}
END_TEST

/* The same file loaded twice gives the same identifiers; another NSID others. */
START_TEST(test_tgt_conf_load_ids_stable)
{
	const char *path = write_file("ids.ini", "[backend:ram0]\ntype = ram\nsize = 1M\n"
				      "[backend:ram1]\ntype = ram\nsize = 1M\n" SUBSYS_S
				      "namespace = 2 ram1\n");
	struct tgt_conf c1, c2;
	char err[256] = "";

	ck_assert_msg(tgt_conf_load(path, &c1, err, sizeof(err)) == 0, "%s", err);
	ck_assert_msg(tgt_conf_load(path, &c2, err, sizeof(err)) == 0, "%s", err);
	ck_assert_mem_eq(c1.subsys[0].ns[0].uuid, c2.subsys[0].ns[0].uuid, 16);
	ck_assert_mem_eq(c1.subsys[0].ns[0].nguid, c2.subsys[0].ns[0].nguid, 16);
	ck_assert_mem_eq(c1.subsys[0].serial, c2.subsys[0].serial, 21);
	ck_assert_mem_ne(c1.subsys[0].ns[0].uuid, c1.subsys[0].ns[1].uuid, 16);
	ck_assert_mem_ne(c1.subsys[0].ns[0].nguid, c1.subsys[0].ns[1].nguid, 16);
	ck_assert_mem_ne(c1.subsys[0].ns[0].uuid, c1.subsys[0].ns[0].nguid, 16);
	tgt_conf_free(&c1);
	tgt_conf_free(&c2);
}
END_TEST

START_TEST(test_tgt_conf_load_bad_uuid)
{
	expect_bad(BDEV_RAM0 "[subsystem:s]\nnqn = nqn.2026-01.io.droce:s\n"
		   "allow_any_host = yes\nnamespace = 1 ram0 uuid=1234\n",
		   "[subsystem:s] namespace: 1234 is not a non-zero 8-4-4-4-12 UUID");
	expect_bad(BDEV_RAM0 "[subsystem:s]\nnqn = nqn.2026-01.io.droce:s\n"
		   "allow_any_host = yes\n"
		   "namespace = 1 ram0 nguid=00000000000000000000000000000000\n",
		   "[subsystem:s] namespace: 00000000000000000000000000000000 is not 32 hex "
		   "digits, not all zero");
	expect_bad(BDEV_RAM0 "[subsystem:s]\nnqn = nqn.2026-01.io.droce:s\n"
		   "allow_any_host = yes\nnamespace = 1 ram0 eui=1\n",
		   "[subsystem:s] namespace: \"eui=1\": expected uuid=<UUID> or nguid=<hex>, "
		   "once");
}
END_TEST

static Suite *
tgt_conf_suite(void)
{
	Suite *s = suite_create("tgt_conf");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_tgt_conf_load_example_target);
	tcase_add_test(tc, test_tgt_conf_load_example_backends);
	tcase_add_test(tc, test_tgt_conf_load_example_subsystem);
	tcase_add_test(tc, test_tgt_conf_load_defaults);
	tcase_add_test(tc, test_tgt_conf_load_listen_forms);
	tcase_add_test(tc, test_tgt_conf_load_unknown_section);
	tcase_add_test(tc, test_tgt_conf_load_unknown_key);
	tcase_add_test(tc, test_tgt_conf_load_bad_nqn);
	tcase_add_test(tc, test_tgt_conf_load_bad_host);
	tcase_add_test(tc, test_tgt_conf_load_duplicate_nsid);
	tcase_add_test(tc, test_tgt_conf_load_missing_backend);
	tcase_add_test(tc, test_tgt_conf_load_backend_twice);
	tcase_add_test(tc, test_tgt_conf_load_size_not_multiple);
	tcase_add_test(tc, test_tgt_conf_load_block_size_1024);
	tcase_add_test(tc, test_tgt_conf_load_missing_file);
	tcase_add_test(tc, test_tgt_conf_load_existing_file);
	tcase_add_test(tc, test_tgt_conf_load_bad_number);
	tcase_add_test(tc, test_tgt_conf_load_queue_depth_1);
	tcase_add_test(tc, test_tgt_conf_load_icd_not_16);
	tcase_add_test(tc, test_tgt_conf_load_serial_too_long);
	tcase_add_test(tc, test_tgt_conf_load_missing_nqn);
	tcase_add_test(tc, test_tgt_conf_load_given_twice);
	tcase_add_test(tc, test_tgt_conf_load_not_ini);
	tcase_add_test(tc, test_tgt_conf_load_missing_config);
	tcase_add_test(tc, test_tgt_conf_load_bad_uuid);
	tcase_add_test(tc, test_tgt_conf_load_ids_stable);
	tcase_add_test(tc, test_tgt_conf_quick_ram);
	tcase_add_test(tc, test_tgt_conf_quick_file);
	tcase_add_test(tc, test_tgt_conf_quick_errors);
	tcase_add_test(tc, test_tgt_conf_uuid5_stable);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return test_run_suite(tgt_conf_suite());
}
