/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tgt_bdev: the RAM and file backends through the channel API, no EAL. Each data test runs
 * once per configuration in cfgs[] (ram; file with io_uring, psync by field, psync forced by
 * DROCE_TGT_NO_URING, O_DIRECT on both engines, write_cache=no) in a fresh mkdtemp
 * directory under /tmp. Data is checked byte for byte against a pattern carrying the LBA
 * and a generation number; every submit is matched with exactly one completion by cookie.
 * No test waits for time: they poll until the channel reports nothing in flight.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_run.h"
#include "tgt_bdev.h"

#define NBLOCKS		64
#define DEPTH		8
#define MAX_COOKIES	1024

struct cfg {
	const char *name;
	enum tgt_bdev_type type;
	enum tgt_bdev_io io;
	uint32_t bs;
	bool direct;
	bool wc;
	bool env_no_uring;
};

static const struct cfg cfgs[] = {
	{ "ram", TGT_BDEV_RAM, TGT_BDEV_IO_URING, 512, false, false, false },
	{ "uring", TGT_BDEV_FILE, TGT_BDEV_IO_URING, 4096, false, true, false },
	{ "psync", TGT_BDEV_FILE, TGT_BDEV_IO_PSYNC, 512, false, true, false },
	{ "env-psync", TGT_BDEV_FILE, TGT_BDEV_IO_URING, 4096, false, true, true },
	{ "uring-direct", TGT_BDEV_FILE, TGT_BDEV_IO_URING, 4096, true, true, false },
	{ "psync-direct", TGT_BDEV_FILE, TGT_BDEV_IO_PSYNC, 512, true, true, false },
	{ "uring-nowc", TGT_BDEV_FILE, TGT_BDEV_IO_URING, 512, false, false, false },
	{ "psync-nowc-direct", TGT_BDEV_FILE, TGT_BDEV_IO_PSYNC, 4096, true, false, false },
};
#define NCFGS		((int)(sizeof(cfgs) / sizeof(cfgs[0])))
#define FIRST_FILE	1	/* cfgs[FIRST_FILE..] are file configurations */

static char dir[96];
static char path[128];

/* The test's view of one open backend and channel. */
struct h {
	const struct cfg *cfg;
	struct tgt_bdev *bdev;
	struct tgt_bdev_channel *ch;
	uint32_t bs;
	uint8_t *buf;			/* NBLOCKS blocks, 4 KiB aligned */
	uint32_t gen[NBLOCKS];		/* expected generation per block, 0 = zeroes */
	uint8_t seen[MAX_COOKIES];	/* completions per cookie */
	uint64_t next_cookie;
	unsigned int outstanding;
};

/*
 * Each test (a forked child) works in its own directory under base. A failed check ends
 * the child at once, without teardown, so the parent removes base after the last test.
 */
static char base[64];

static int
rm_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p) == 0 ? 0 : -1;
}

static void
base_setup(void)
{
	snprintf(base, sizeof(base), "/tmp/tgt_bdev.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(base));
}

static void
base_teardown(void)
{
	ck_assert_int_eq(nftw(base, rm_entry, 8, FTW_DEPTH | FTW_PHYS), 0);
}

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "%s/t.XXXXXX", base);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/disk.img", dir);
	ck_assert_int_eq(unsetenv(TGT_BDEV_ENV_NO_URING), 0);
}

static void
teardown(void)
{
	/* The file may be missing (failure tests); the directory must go. */
	(void)unlink(path);
	ck_assert_int_eq(rmdir(dir), 0);
}

static struct tgt_bdev_desc
desc_of(const struct cfg *c, uint64_t size, bool create)
{
	struct tgt_bdev_desc d = {
		.type = c->type, .path = c->type == TGT_BDEV_FILE ? path : NULL,
		.size = size, .block_size = c->bs, .io = c->io, .create = create,
		.direct = c->direct, .write_cache = c->wc,
	};
	return d;
}

/* Does the file system under dir take O_DIRECT? What the backend must then report. */
static bool
dir_takes_direct(void)
{
	char probe[160];
	int fd;

	snprintf(probe, sizeof(probe), "%s/probe", dir);
	fd = open(probe, O_RDWR | O_CREAT | O_DIRECT, 0600);
	if (fd < 0) {
		ck_assert_int_eq(errno, EINVAL);
		ck_assert_int_eq(unlink(probe) == 0 || errno == ENOENT, 1);
		return false;
	}
	ck_assert_int_eq(close(fd), 0);
	ck_assert_int_eq(unlink(probe), 0);
	return true;
}

/* The status flags of the backend's descriptor for path, found through /proc/self/fd. */
static int
backend_fd_flags(void)
{
	char link[PATH_MAX], fdpath[300];
	struct dirent *e;
	int flags = -1;
	ssize_t n;
	DIR *d;

	d = opendir("/proc/self/fd");
	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL) {
		snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%s", e->d_name);
		n = readlink(fdpath, link, sizeof(link) - 1);
		if (n <= 0)
			continue;
		link[n] = '\0';
		if (strcmp(link, path) != 0)
			continue;
		ck_assert_int_eq(flags, -1);	/* one descriptor only */
		flags = fcntl(atoi(e->d_name), F_GETFL);
		ck_assert_int_ge(flags, 0);
	}
	ck_assert_int_eq(closedir(d), 0);
	ck_assert_int_ge(flags, 0);
	return flags;
}

static void
check_engine(const struct h *h)
{
	const char *note = tgt_bdev_note(h->bdev);

	if (h->cfg->type == TGT_BDEV_RAM) {
		ck_assert(!tgt_bdev_vwc(h->bdev));
		ck_assert_ptr_null(note);
		return;
	}
	ck_assert_int_eq(tgt_bdev_vwc(h->bdev), h->cfg->wc);
	/* What the backend claims is what the kernel has: O_DIRECT, and O_DSYNC iff VWC=0. */
	ck_assert_int_eq((backend_fd_flags() & O_DIRECT) != 0, tgt_bdev_direct(h->bdev));
	ck_assert_int_eq((backend_fd_flags() & O_DSYNC) != 0, !h->cfg->wc);
	if (h->cfg->env_no_uring) {
		ck_assert_int_eq(tgt_bdev_io_engine(h->bdev), TGT_BDEV_IO_PSYNC);
		ck_assert_ptr_nonnull(note);
		ck_assert_ptr_nonnull(strstr(note, TGT_BDEV_ENV_NO_URING));
	} else if (h->cfg->io == TGT_BDEV_IO_PSYNC) {
		ck_assert_int_eq(tgt_bdev_io_engine(h->bdev), TGT_BDEV_IO_PSYNC);
	} else if (tgt_bdev_io_engine(h->bdev) != TGT_BDEV_IO_URING) {
		/* Only acceptable if the host forbids io_uring, and then it must say so. */
		ck_assert_ptr_nonnull(note);
		ck_assert_ptr_nonnull(strstr(note, "io_uring unavailable"));
	}
	if (h->cfg->direct && dir_takes_direct()) {
		ck_assert(tgt_bdev_direct(h->bdev));
		ck_assert_uint_eq(tgt_bdev_buf_align(h->bdev), h->cfg->bs);
	} else if (h->cfg->direct) {
		ck_assert(!tgt_bdev_direct(h->bdev));
		ck_assert_ptr_nonnull(note);
		ck_assert_ptr_nonnull(strstr(note, "O_DIRECT refused"));
	} else {
		ck_assert(!tgt_bdev_direct(h->bdev));
	}
}

static void
h_open(struct h *h, const struct cfg *c, bool create)
{
	struct tgt_bdev_desc d = desc_of(c, (uint64_t)NBLOCKS * c->bs, create);
	char err[256] = "";

	memset(h, 0, sizeof(*h));
	h->cfg = c;
	h->bs = c->bs;
	if (c->env_no_uring)
		ck_assert_int_eq(setenv(TGT_BDEV_ENV_NO_URING, "1", 1), 0);
	ck_assert_msg(tgt_bdev_open(&d, &h->bdev, err, sizeof(err)) == 0, "%s: %s", c->name,
		      err);
	ck_assert_uint_eq(tgt_bdev_nblocks(h->bdev), NBLOCKS);
	ck_assert_uint_eq(tgt_bdev_block_size(h->bdev), c->bs);
	check_engine(h);
	ck_assert_int_eq(tgt_bdev_channel_open(h->bdev, DEPTH, &h->ch), 0);
	h->buf = aligned_alloc(4096, (size_t)NBLOCKS * c->bs);
	ck_assert_ptr_nonnull(h->buf);
}

static void
h_close(struct h *h)
{
	struct tgt_bdev_stats st;

	tgt_bdev_channel_stats(h->ch, &st);
	ck_assert_uint_eq(st.inflight, 0);
	tgt_bdev_channel_close(h->ch);
	ck_assert_int_eq(tgt_bdev_close(h->bdev), 0);
	free(h->buf);
}

/* Byte i of block lba, generation gen: the LBA and generation are in every block. */
static uint8_t
pat(uint64_t lba, uint32_t gen, uint32_t i)
{
	if (gen == 0)
		return 0;
	if (i < 8)
		return (uint8_t)(lba >> (8 * i));
	if (i < 12)
		return (uint8_t)(gen >> (8 * (i - 8)));
	return (uint8_t)(lba * 131 + gen * 31 + i * 7 + (i >> 8));
}

static void
fill(uint8_t *p, uint32_t bs, uint64_t lba, uint32_t nblocks, uint32_t gen)
{
	uint32_t b, i;

	for (b = 0; b < nblocks; b++)
		for (i = 0; i < bs; i++)
			p[(size_t)b * bs + i] = pat(lba + b, gen, i);
}

static void
verify(const struct h *h, const uint8_t *p, uint64_t lba, uint32_t nblocks)
{
	uint32_t b, i, gen;

	for (b = 0; b < nblocks; b++) {
		gen = h->gen[lba + b];
		for (i = 0; i < h->bs; i++)
			ck_assert_msg(p[(size_t)b * h->bs + i] == pat(lba + b, gen, i),
				      "%s: lba %llu gen %u byte %u", h->cfg->name,
				      (unsigned long long)(lba + b), gen, i);
	}
}

/* Poll once; account every completion, each cookie at most once. Returns the count. */
static unsigned int
h_poll(struct h *h, struct tgt_bdev_cpl *out, unsigned int max)
{
	struct tgt_bdev_cpl cpl[DEPTH];
	unsigned int n, i;

	ck_assert_uint_le(max, DEPTH);
	n = tgt_bdev_poll(h->ch, cpl, max);
	ck_assert_uint_le(n, h->outstanding);
	for (i = 0; i < n; i++) {
		ck_assert_uint_lt(cpl[i].cookie, h->next_cookie);
		ck_assert_uint_eq(h->seen[cpl[i].cookie], 0);
		h->seen[cpl[i].cookie]++;
		if (out != NULL)
			out[i] = cpl[i];
	}
	h->outstanding -= n;
	return n;
}

/* Poll until nothing is in flight; every completion must have status @status. */
static void
h_drain(struct h *h, int status)
{
	struct tgt_bdev_cpl cpl[DEPTH];
	unsigned int n, i;

	while (h->outstanding > 0) {
		n = h_poll(h, cpl, DEPTH);
		for (i = 0; i < n; i++)
			ck_assert_msg(cpl[i].status == status, "%s: cookie %llu status %d",
				      h->cfg->name, (unsigned long long)cpl[i].cookie,
				      cpl[i].status);
	}
}

static int
h_submit(struct h *h, enum tgt_bdev_op op, uint64_t lba, uint32_t nblocks,
	 const struct iovec *iov, int iovcnt, bool fua)
{
	struct tgt_bdev_req req = {
		.op = op, .fua = fua, .lba = lba, .nblocks = nblocks, .iov = iov,
		.iovcnt = iovcnt, .cookie = h->next_cookie,
	};
	int rc;

	ck_assert_uint_lt(h->next_cookie, MAX_COOKIES);
	rc = tgt_bdev_submit(h->ch, &req);
	if (rc == 0) {
		h->next_cookie++;
		h->outstanding++;
	}
	return rc;
}

/* One READ or WRITE of blocks [lba, lba + n) of h->buf, split into two segments if n > 1. */
static void
h_rw(struct h *h, enum tgt_bdev_op op, uint64_t lba, uint32_t n, bool fua)
{
	struct iovec iov[2];
	uint32_t first = n > 1 ? n / 2 : n;
	int cnt = n > 1 ? 2 : 1;

	iov[0].iov_base = h->buf + lba * h->bs;
	iov[0].iov_len = (size_t)first * h->bs;
	iov[1].iov_base = h->buf + (lba + first) * h->bs;
	iov[1].iov_len = (size_t)(n - first) * h->bs;
	/* The segments are copied by submit: scribble on them to prove it. */
	ck_assert_int_eq(h_submit(h, op, lba, n, iov, cnt, fua), 0);
	memset(iov, 0xa5, sizeof(iov));
}

/* Write generation @gen to every block in chunks of 1..5 blocks, DEPTH at a time. */
static void
write_all(struct h *h, uint32_t gen, bool fua)
{
	uint64_t lba = 0;
	uint32_t n, b;

	fill(h->buf, h->bs, 0, NBLOCKS, gen);
	while (lba < NBLOCKS) {
		n = (uint32_t)(lba % 5) + 1;
		if (lba + n > NBLOCKS)
			n = NBLOCKS - (uint32_t)lba;
		if (h->outstanding == DEPTH)
			h_drain(h, 0);
		h_rw(h, TGT_BDEV_OP_WRITE, lba, n, fua);
		for (b = 0; b < n; b++)
			h->gen[lba + b] = gen;
		lba += n;
	}
	h_drain(h, 0);
}

/* Read every block back (chunks of 1..7) into a wiped buffer and compare every byte. */
static void
read_all_verify(struct h *h)
{
	uint64_t lba = 0;
	uint32_t n;

	memset(h->buf, 0x5a, (size_t)NBLOCKS * h->bs);
	while (lba < NBLOCKS) {
		n = (uint32_t)(lba % 7) + 1;
		if (lba + n > NBLOCKS)
			n = NBLOCKS - (uint32_t)lba;
		if (h->outstanding == DEPTH)
			h_drain(h, 0);
		h_rw(h, TGT_BDEV_OP_READ, lba, n, false);
		lba += n;
	}
	h_drain(h, 0);
	verify(h, h->buf, 0, NBLOCKS);
}

static void
assert_each_cookie_once(const struct h *h)
{
	uint64_t c;

	for (c = 0; c < h->next_cookie; c++)
		ck_assert_msg(h->seen[c] == 1, "%s: cookie %llu completed %u times",
			      h->cfg->name, (unsigned long long)c, h->seen[c]);
}

START_TEST(test_tgt_bdev_rw_pattern)
{
	const struct cfg *c = &cfgs[_i];
	struct h h;

	h_open(&h, c, true);
	write_all(&h, 1, false);
	read_all_verify(&h);
	write_all(&h, 2, false);
	read_all_verify(&h);
	assert_each_cookie_once(&h);
	h_close(&h);
}
END_TEST

START_TEST(test_tgt_bdev_submit_completes_later_once)
{
	const struct cfg *c = &cfgs[_i];
	struct tgt_bdev_stats st;
	struct tgt_bdev_cpl cpl[1];
	unsigned int got = 0, i;
	struct h h;

	h_open(&h, c, true);
	fill(h.buf, h.bs, 0, DEPTH, 3);
	for (i = 0; i < DEPTH; i++)
		h_rw(&h, TGT_BDEV_OP_WRITE, i, 1, false);
	/* Nothing completes inside submit: no completion was counted before a poll. */
	tgt_bdev_channel_stats(h.ch, &st);
	ck_assert_uint_eq(st.op[TGT_BDEV_OP_WRITE].submitted, DEPTH);
	ck_assert_uint_eq(st.op[TGT_BDEV_OP_WRITE].completed, 0);
	ck_assert_uint_eq(st.inflight, DEPTH);
	while (got < DEPTH)
		got += h_poll(&h, cpl, 1);
	assert_each_cookie_once(&h);
	/* Nothing more ever comes. */
	for (i = 0; i < 100; i++)
		ck_assert_uint_eq(h_poll(&h, NULL, DEPTH), 0);
	tgt_bdev_channel_stats(h.ch, &st);
	ck_assert_uint_eq(st.op[TGT_BDEV_OP_WRITE].completed, DEPTH);
	ck_assert_uint_eq(st.op[TGT_BDEV_OP_WRITE].errors, 0);
	ck_assert_uint_ge(st.op[TGT_BDEV_OP_WRITE].lat_total_ns,
			  st.op[TGT_BDEV_OP_WRITE].lat_max_ns);
	ck_assert_uint_eq(st.inflight, 0);
	h_close(&h);
}
END_TEST

START_TEST(test_tgt_bdev_submit_queue_full)
{
	const struct cfg *c = &cfgs[_i];
	struct tgt_bdev_stats st;
	struct iovec iov;
	unsigned int i;
	struct h h;

	h_open(&h, c, true);
	fill(h.buf, h.bs, 0, NBLOCKS, 4);
	for (i = 0; i < DEPTH; i++)
		h_rw(&h, TGT_BDEV_OP_WRITE, i, 1, false);
	iov.iov_base = h.buf + (size_t)DEPTH * h.bs;
	iov.iov_len = h.bs;
	ck_assert_int_eq(h_submit(&h, TGT_BDEV_OP_WRITE, DEPTH, 1, &iov, 1, false), -EAGAIN);
	ck_assert_int_eq(h_submit(&h, TGT_BDEV_OP_FLUSH, 0, 0, NULL, 0, false), -EAGAIN);
	tgt_bdev_channel_stats(h.ch, &st);
	ck_assert_uint_eq(st.op[TGT_BDEV_OP_WRITE].submitted, DEPTH);
	ck_assert_uint_eq(st.op[TGT_BDEV_OP_FLUSH].submitted, 0);
	h_drain(&h, 0);
	assert_each_cookie_once(&h);
	/* Room again: the refused write goes through now and lands. */
	ck_assert_int_eq(h_submit(&h, TGT_BDEV_OP_WRITE, DEPTH, 1, &iov, 1, false), 0);
	h_drain(&h, 0);
	for (i = 0; i <= DEPTH; i++)
		h.gen[i] = 4;
	memset(h.buf, 0, (size_t)NBLOCKS * h.bs);
	h_rw(&h, TGT_BDEV_OP_READ, 0, DEPTH + 1, false);
	h_drain(&h, 0);
	verify(&h, h.buf, 0, DEPTH + 1);
	h_close(&h);
}
END_TEST

START_TEST(test_tgt_bdev_submit_invalid)
{
	const struct cfg *c = &cfgs[_i];
	struct tgt_bdev_req req = { .op = TGT_BDEV_OP_READ };
	struct tgt_bdev_stats st;
	struct iovec iov[2];
	struct h h;
	int op;

	h_open(&h, c, true);
	iov[0].iov_base = h.buf;
	iov[0].iov_len = h.bs;
	iov[1] = iov[0];
	ck_assert_int_eq(h_submit(&h, TGT_BDEV_OP_READ, NBLOCKS, 1, iov, 1, false), -ERANGE);
	ck_assert_int_eq(h_submit(&h, TGT_BDEV_OP_WRITE, NBLOCKS - 1, 2, iov, 2, false), -ERANGE);
	ck_assert_int_eq(h_submit(&h, TGT_BDEV_OP_READ, UINT64_MAX, 1, iov, 1, false), -ERANGE);
	ck_assert_int_eq(h_submit(&h, TGT_BDEV_OP_WRITE_ZEROES, 1, UINT32_MAX, NULL, 0, false),
			 -ERANGE);
	ck_assert_int_eq(h_submit(&h, TGT_BDEV_OP_DISCARD, NBLOCKS, 1, NULL, 0, false), -ERANGE);
	for (op = TGT_BDEV_OP_READ; op < TGT_BDEV_OP_MAX; op++)
		if (op != TGT_BDEV_OP_FLUSH)
			ck_assert_int_eq(h_submit(&h, op, 0, 0, iov, 1, false), -EINVAL);
	/* iov total not nblocks * block size; no iov; too many. */
	ck_assert_int_eq(h_submit(&h, TGT_BDEV_OP_READ, 0, 1, iov, 2, false), -EINVAL);
	ck_assert_int_eq(h_submit(&h, TGT_BDEV_OP_WRITE, 0, 2, iov, 1, false), -EINVAL);
	ck_assert_int_eq(h_submit(&h, TGT_BDEV_OP_WRITE, 0, 1, NULL, 1, false), -EINVAL);
	ck_assert_int_eq(h_submit(&h, TGT_BDEV_OP_READ, 0, 1, iov, 0, false), -EINVAL);
	ck_assert_int_eq(h_submit(&h, TGT_BDEV_OP_READ, 0, 1, iov, TGT_BDEV_MAX_IOV + 1, false),
			 -EINVAL);
	ck_assert_int_eq(h_submit(&h, TGT_BDEV_OP_MAX, 0, 1, iov, 1, false), -EINVAL);
	ck_assert_int_eq(tgt_bdev_submit(h.ch, NULL), -EINVAL);
	req.op = (enum tgt_bdev_op)-1;
	ck_assert_int_eq(tgt_bdev_submit(h.ch, &req), -EINVAL);
	if (tgt_bdev_direct(h.bdev)) {
		iov[0].iov_base = h.buf + 1;
		ck_assert_int_eq(h_submit(&h, TGT_BDEV_OP_READ, 0, 1, iov, 1, false), -EINVAL);
	}
	/* Nothing was queued: no counter moved and polls find nothing. */
	tgt_bdev_channel_stats(h.ch, &st);
	for (op = 0; op < TGT_BDEV_OP_MAX; op++)
		ck_assert_uint_eq(st.op[op].submitted, 0);
	ck_assert_uint_eq(h_poll(&h, NULL, DEPTH), 0);
	/* The last block is in range; a flush ignores lba and nblocks. */
	ck_assert_int_eq(h_submit(&h, TGT_BDEV_OP_READ, NBLOCKS - 1, 1, iov + 1, 1, false), 0);
	ck_assert_int_eq(h_submit(&h, TGT_BDEV_OP_FLUSH, UINT64_MAX, 0, NULL, 0, false), 0);
	h_drain(&h, 0);
	assert_each_cookie_once(&h);
	h_close(&h);
}
END_TEST

START_TEST(test_tgt_bdev_write_zeroes_discard)
{
	const struct cfg *c = &cfgs[_i];
	struct h h;
	uint32_t b;

	h_open(&h, c, true);
	write_all(&h, 5, false);
	/* Ranges that are not page aligned, and one that is. */
	ck_assert_int_eq(h_submit(&h, TGT_BDEV_OP_WRITE_ZEROES, 3, 5, NULL, 0, false), 0);
	ck_assert_int_eq(h_submit(&h, TGT_BDEV_OP_DISCARD, 17, 9, NULL, 0, false), 0);
	ck_assert_int_eq(h_submit(&h, TGT_BDEV_OP_WRITE_ZEROES, 40, 8, NULL, 0, true), 0);
	ck_assert_int_eq(h_submit(&h, TGT_BDEV_OP_DISCARD, NBLOCKS - 1, 1, NULL, 0, false), 0);
	h_drain(&h, 0);
	for (b = 3; b < 8; b++)
		h.gen[b] = 0;
	for (b = 17; b < 26; b++)
		h.gen[b] = 0;
	for (b = 40; b < 48; b++)
		h.gen[b] = 0;
	h.gen[NBLOCKS - 1] = 0;
	read_all_verify(&h);
	assert_each_cookie_once(&h);
	h_close(&h);
}
END_TEST

START_TEST(test_tgt_bdev_flush_fua)
{
	const struct cfg *c = &cfgs[_i];
	struct tgt_bdev_stats st;
	struct tgt_bdev_cpl cpl;
	struct h h;

	h_open(&h, c, true);
	write_all(&h, 6, false);
	/* Every write has completed: the flush is submitted after them, completes once. */
	ck_assert_int_eq(h_submit(&h, TGT_BDEV_OP_FLUSH, 0, 0, NULL, 0, false), 0);
	while (h_poll(&h, &cpl, 1) == 0)
		;
	ck_assert_uint_eq(cpl.cookie, h.next_cookie - 1);
	ck_assert_int_eq(cpl.status, 0);
	write_all(&h, 7, true);
	read_all_verify(&h);
	tgt_bdev_channel_stats(h.ch, &st);
	ck_assert_uint_eq(st.op[TGT_BDEV_OP_FLUSH].completed, 1);
	ck_assert_uint_eq(st.op[TGT_BDEV_OP_FLUSH].errors, 0);
	assert_each_cookie_once(&h);
	h_close(&h);
}
END_TEST

/* File configurations: data written, flushed, survives closing and reopening the file. */
START_TEST(test_tgt_bdev_file_restart)
{
	const struct cfg *c = &cfgs[_i];
	struct tgt_bdev_desc d;
	char err[256];
	struct h h;
	uint32_t gen[NBLOCKS];

	h_open(&h, c, true);
	write_all(&h, 8, false);
	ck_assert_int_eq(h_submit(&h, TGT_BDEV_OP_FLUSH, 0, 0, NULL, 0, false), 0);
	h_drain(&h, 0);
	memcpy(gen, h.gen, sizeof(gen));
	h_close(&h);
	/* create=yes on an existing file keeps its data. */
	h_open(&h, c, true);
	memcpy(h.gen, gen, sizeof(gen));
	read_all_verify(&h);
	h_close(&h);
	/* size 0: the size is the file's. */
	d = desc_of(c, 0, false);
	ck_assert_int_eq(tgt_bdev_open(&d, &h.bdev, err, sizeof(err)), 0);
	ck_assert_uint_eq(tgt_bdev_nblocks(h.bdev), NBLOCKS);
	ck_assert_int_eq(tgt_bdev_close(h.bdev), 0);
}
END_TEST

/* A file truncated under the backend: reads past the new end are short, -EIO. */
START_TEST(test_tgt_bdev_file_short_read)
{
	const struct cfg *c = &cfgs[_i];
	struct tgt_bdev_stats st;
	struct h h;

	h_open(&h, c, true);
	write_all(&h, 9, false);
	ck_assert_int_eq(truncate(path, (off_t)(NBLOCKS / 2) * h.bs), 0);
	h_rw(&h, TGT_BDEV_OP_READ, NBLOCKS / 2, 1, false);
	h_rw(&h, TGT_BDEV_OP_READ, NBLOCKS - 2, 2, false);
	h_drain(&h, -EIO);
	/* Across the end: part of it exists, the transfer is still short. */
	h_rw(&h, TGT_BDEV_OP_READ, NBLOCKS / 2 - 1, 2, false);
	h_drain(&h, -EIO);
	h_rw(&h, TGT_BDEV_OP_READ, 0, NBLOCKS / 2, false);
	h_drain(&h, 0);
	verify(&h, h.buf, 0, NBLOCKS / 2);
	tgt_bdev_channel_stats(h.ch, &st);
	ck_assert_uint_eq(st.op[TGT_BDEV_OP_READ].errors, 3);
	assert_each_cookie_once(&h);
	h_close(&h);
}
END_TEST

START_TEST(test_tgt_bdev_open_create)
{
	struct tgt_bdev_desc d = desc_of(&cfgs[1], 1 << 20, false);
	struct tgt_bdev *bdev = NULL;
	char err[256] = "";
	struct stat st;

	/* create=no on a missing file: -ENOENT, a reason naming it, and still no file. */
	ck_assert_int_eq(tgt_bdev_open(&d, &bdev, err, sizeof(err)), -ENOENT);
	ck_assert_ptr_null(bdev);
	ck_assert_ptr_nonnull(strstr(err, path));
	ck_assert_int_eq(stat(path, &st), -1);
	ck_assert_int_eq(errno, ENOENT);
	/* create=yes without a size cannot make it either. */
	d.create = true;
	d.size = 0;
	ck_assert_int_eq(tgt_bdev_open(&d, &bdev, err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(stat(path, &st), -1);
	/* create=yes: created and sized. */
	d.size = 1 << 20;
	ck_assert_int_eq(tgt_bdev_open(&d, &bdev, err, sizeof(err)), 0);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert(S_ISREG(st.st_mode));
	ck_assert_int_eq(st.st_size, 1 << 20);
	ck_assert_uint_eq(tgt_bdev_nblocks(bdev), (1 << 20) / 4096);
	ck_assert(tgt_bdev_vwc(bdev));
	ck_assert_int_eq(tgt_bdev_close(bdev), 0);
}
END_TEST

START_TEST(test_tgt_bdev_open_small_file)
{
	struct tgt_bdev_desc d = desc_of(&cfgs[2], 8192, true);
	struct tgt_bdev *bdev = NULL;
	char err[256] = "";
	struct stat st;
	int fd;

	fd = open(path, O_RDWR | O_CREAT, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, 4096), 0);
	ck_assert_int_eq(close(fd), 0);
	ck_assert_int_eq(tgt_bdev_open(&d, &bdev, err, sizeof(err)), -ENOSPC);
	ck_assert_ptr_null(bdev);
	ck_assert_ptr_nonnull(strstr(err, "4096"));
	ck_assert_ptr_nonnull(strstr(err, "8192"));
	/* Not grown behind the operator's back. */
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_size, 4096);
	/* Equal is fine. */
	d.size = 4096;
	ck_assert_int_eq(tgt_bdev_open(&d, &bdev, err, sizeof(err)), 0);
	ck_assert_uint_eq(tgt_bdev_nblocks(bdev), 8);
	ck_assert_int_eq(tgt_bdev_close(bdev), 0);
}
END_TEST

START_TEST(test_tgt_bdev_open_bad_desc)
{
	struct tgt_bdev_desc d = desc_of(&cfgs[0], 4096, false);
	struct tgt_bdev *bdev = NULL;
	char err[256] = "";

	d.block_size = 1024;
	ck_assert_int_eq(tgt_bdev_open(&d, &bdev, err, sizeof(err)), -EINVAL);
	d.block_size = 512;
	d.size = 4096 + 100;
	ck_assert_int_eq(tgt_bdev_open(&d, &bdev, err, sizeof(err)), -EINVAL);
	d.size = 0;
	ck_assert_int_eq(tgt_bdev_open(&d, &bdev, err, sizeof(err)), -EINVAL);
	d = desc_of(&cfgs[1], 4096, true);
	d.path = NULL;
	ck_assert_int_eq(tgt_bdev_open(&d, &bdev, err, sizeof(err)), -EINVAL);
	d.path = dir;	/* a directory */
	ck_assert_int_lt(tgt_bdev_open(&d, &bdev, err, sizeof(err)), 0);
	ck_assert_ptr_null(bdev);
	ck_assert_int_eq(tgt_bdev_open(NULL, &bdev, err, sizeof(err)), -EINVAL);
}
END_TEST

START_TEST(test_tgt_bdev_close_busy)
{
	struct h h;

	h_open(&h, &cfgs[_i], true);
	ck_assert_int_eq(tgt_bdev_close(h.bdev), -EBUSY);
	ck_assert_int_eq(tgt_bdev_channel_open(h.bdev, 0, &h.ch), -EINVAL);
	ck_assert_int_eq(tgt_bdev_channel_open(h.bdev, TGT_BDEV_MAX_DEPTH + 1, &h.ch), -EINVAL);
	/* Close with requests in flight waits for them; their completions are dropped. */
	fill(h.buf, h.bs, 0, 4, 10);
	h_rw(&h, TGT_BDEV_OP_WRITE, 0, 4, false);
	ck_assert_int_eq(h_submit(&h, TGT_BDEV_OP_FLUSH, 0, 0, NULL, 0, false), 0);
	tgt_bdev_channel_close(h.ch);
	ck_assert_int_eq(tgt_bdev_close(h.bdev), 0);
	free(h.buf);
}
END_TEST

START_TEST(test_tgt_bdev_op_name)
{
	ck_assert_str_eq(tgt_bdev_op_name(TGT_BDEV_OP_READ), "read");
	ck_assert_str_eq(tgt_bdev_op_name(TGT_BDEV_OP_DISCARD), "discard");
	ck_assert_str_eq(tgt_bdev_op_name(TGT_BDEV_OP_MAX), "?");
}
END_TEST

static Suite *
bdev_suite(void)
{
	Suite *s = suite_create("tgt_bdev");
	TCase *tc = tcase_create("bdev");

	tcase_add_unchecked_fixture(tc, base_setup, base_teardown);
	tcase_add_checked_fixture(tc, setup, teardown);
	/* fdatasync on a busy disk has no bound; the tests never wait for time themselves. */
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_tgt_bdev_rw_pattern, 0, NCFGS);
	tcase_add_loop_test(tc, test_tgt_bdev_submit_completes_later_once, 0, NCFGS);
	tcase_add_loop_test(tc, test_tgt_bdev_submit_queue_full, 0, NCFGS);
	tcase_add_loop_test(tc, test_tgt_bdev_submit_invalid, 0, NCFGS);
	tcase_add_loop_test(tc, test_tgt_bdev_write_zeroes_discard, 0, NCFGS);
	tcase_add_loop_test(tc, test_tgt_bdev_flush_fua, 0, NCFGS);
	tcase_add_loop_test(tc, test_tgt_bdev_file_restart, FIRST_FILE, NCFGS);
	tcase_add_loop_test(tc, test_tgt_bdev_file_short_read, FIRST_FILE, NCFGS);
	tcase_add_loop_test(tc, test_tgt_bdev_close_busy, 0, NCFGS);
	tcase_add_test(tc, test_tgt_bdev_open_create);
	tcase_add_test(tc, test_tgt_bdev_open_small_file);
	tcase_add_test(tc, test_tgt_bdev_open_bad_desc);
	tcase_add_test(tc, test_tgt_bdev_op_name);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return test_run_suite(bdev_suite());
}
