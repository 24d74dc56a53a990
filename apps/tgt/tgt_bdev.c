/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * droce-tgt backends, common part: open by type, request validation, the channel's request
 * slots (a free list of depth entries, so a channel never allocates after open) and the
 * per-op counters. The backends in tgt_bdev_ram.c and tgt_bdev_file.c start I/O and hand
 * finished slots back through their reap function.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tgt_bdev_pvt.h"

static const char *const op_names[TGT_BDEV_OP_MAX] = {
	[TGT_BDEV_OP_READ] = "read",
	[TGT_BDEV_OP_WRITE] = "write",
	[TGT_BDEV_OP_FLUSH] = "flush",
	[TGT_BDEV_OP_WRITE_ZEROES] = "write_zeroes",
	[TGT_BDEV_OP_DISCARD] = "discard",
};

const char *
tgt_bdev_op_name(enum tgt_bdev_op op)
{
	if ((unsigned int)op >= TGT_BDEV_OP_MAX)
		return "?";
	return op_names[op];
}

int
tgt_bdev_err(char *err, size_t errlen, int rc, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return rc;
}

void
tgt_bdev_add_note(struct tgt_bdev *bdev, const char *fmt, ...)
{
	size_t used = strlen(bdev->note);
	va_list ap;

	if (used + 2 >= sizeof(bdev->note))
		return;
	if (used > 0)
		bdev->note[used++] = '\n';
	va_start(ap, fmt);
	vsnprintf(bdev->note + used, sizeof(bdev->note) - used, fmt, ap);
	va_end(ap);
}

static uint64_t
now_ns(void)
{
	struct timespec ts;

	/* CLOCK_MONOTONIC cannot fail with a valid pointer; keep the counters sane anyway. */
	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int
check_desc(const struct tgt_bdev_desc *desc, char *err, size_t errlen)
{
	if (desc->block_size != 512 && desc->block_size != 4096)
		return tgt_bdev_err(err, errlen, -EINVAL, "block size %u: must be 512 or 4096",
				    desc->block_size);
	if (desc->size % desc->block_size != 0)
		return tgt_bdev_err(err, errlen, -EINVAL,
				    "size %llu is not a multiple of the block size %u",
				    (unsigned long long)desc->size, desc->block_size);
	if (desc->type == TGT_BDEV_RAM && desc->size == 0)
		return tgt_bdev_err(err, errlen, -EINVAL, "ram backend needs a size");
	if (desc->type == TGT_BDEV_FILE && (desc->path == NULL || desc->path[0] == '\0'))
		return tgt_bdev_err(err, errlen, -EINVAL, "file backend needs a path");
	if (desc->type != TGT_BDEV_RAM && desc->type != TGT_BDEV_FILE)
		return tgt_bdev_err(err, errlen, -EINVAL, "unknown backend type %d",
				    (int)desc->type);
	return 0;
}

int
tgt_bdev_open(const struct tgt_bdev_desc *desc, struct tgt_bdev **out, char *err,
	      size_t errlen)
{
	struct tgt_bdev *bdev;
	int rc;

	if (desc == NULL || out == NULL)
		return tgt_bdev_err(err, errlen, -EINVAL, "no description");
	rc = check_desc(desc, err, errlen);
	if (rc < 0)
		return rc;
	bdev = calloc(1, sizeof(*bdev));
	if (bdev == NULL)
		return tgt_bdev_err(err, errlen, -ENOMEM, "out of memory");
	bdev->desc = *desc;
	bdev->fd = -1;
	bdev->block_size = desc->block_size;
	if (desc->path != NULL) {
		bdev->path = strdup(desc->path);
		if (bdev->path == NULL) {
			free(bdev);
			return tgt_bdev_err(err, errlen, -ENOMEM, "out of memory");
		}
	}
	bdev->desc.path = bdev->path;
	if (desc->type == TGT_BDEV_RAM)
		rc = tgt_bdev_ram_open(bdev, err, errlen);
	else
		rc = tgt_bdev_file_open(bdev, err, errlen);
	if (rc < 0) {
		free(bdev->path);
		free(bdev);
		return rc;
	}
	*out = bdev;
	return 0;
}

int
tgt_bdev_close(struct tgt_bdev *bdev)
{
	if (bdev == NULL)
		return 0;
	if (bdev->channels > 0)
		return -EBUSY;
	bdev->ops->close(bdev);
	free(bdev->path);
	free(bdev);
	return 0;
}

uint64_t
tgt_bdev_nblocks(const struct tgt_bdev *bdev)
{
	return bdev->nblocks;
}

uint32_t
tgt_bdev_block_size(const struct tgt_bdev *bdev)
{
	return bdev->block_size;
}

bool
tgt_bdev_vwc(const struct tgt_bdev *bdev)
{
	return bdev->vwc;
}

enum tgt_bdev_io
tgt_bdev_io_engine(const struct tgt_bdev *bdev)
{
	return bdev->io;
}

bool
tgt_bdev_direct(const struct tgt_bdev *bdev)
{
	return bdev->direct;
}

uint32_t
tgt_bdev_buf_align(const struct tgt_bdev *bdev)
{
	return bdev->direct ? bdev->block_size : 1;
}

const char *
tgt_bdev_note(const struct tgt_bdev *bdev)
{
	return bdev->note[0] != '\0' ? bdev->note : NULL;
}

static void
channel_free(struct tgt_bdev_channel *ch)
{
	free(ch->done);
	free(ch->slots);
	free(ch);
}

int
tgt_bdev_channel_open(struct tgt_bdev *bdev, uint32_t depth, struct tgt_bdev_channel **out)
{
	struct tgt_bdev_channel *ch;
	uint32_t i;
	int rc;

	if (bdev == NULL || out == NULL || depth == 0 || depth > TGT_BDEV_MAX_DEPTH)
		return -EINVAL;
	ch = calloc(1, sizeof(*ch));
	if (ch == NULL)
		return -ENOMEM;
	ch->bdev = bdev;
	ch->depth = depth;
	ch->slots = calloc(depth, sizeof(*ch->slots));
	ch->done = calloc(depth, sizeof(*ch->done));
	if (ch->slots == NULL || ch->done == NULL) {
		channel_free(ch);
		return -ENOMEM;
	}
	for (i = depth; i > 0; i--) {
		ch->slots[i - 1].next = ch->free;
		ch->free = &ch->slots[i - 1];
	}
	rc = bdev->ops->ch_open(ch);
	if (rc < 0) {
		channel_free(ch);
		return rc;
	}
	bdev->channels++;
	*out = ch;
	return 0;
}

void
tgt_bdev_channel_close(struct tgt_bdev_channel *ch)
{
	if (ch == NULL)
		return;
	ch->bdev->ops->ch_close(ch);
	ch->bdev->channels--;
	channel_free(ch);
}

/* READ and WRITE: the iov must cover exactly the blocks, aligned when O_DIRECT. */
static int
check_iov(const struct tgt_bdev *bdev, const struct tgt_bdev_req *req)
{
	uint64_t align = tgt_bdev_buf_align(bdev);
	uint64_t total = 0;
	int i;

	if (req->iov == NULL || req->iovcnt < 1 || req->iovcnt > TGT_BDEV_MAX_IOV)
		return -EINVAL;
	for (i = 0; i < req->iovcnt; i++) {
		if ((uintptr_t)req->iov[i].iov_base % align != 0 ||
		    req->iov[i].iov_len % align != 0)
			return -EINVAL;
		total += req->iov[i].iov_len;
	}
	if (total != (uint64_t)req->nblocks * bdev->block_size)
		return -EINVAL;
	return 0;
}

static int
check_req(const struct tgt_bdev *bdev, const struct tgt_bdev_req *req)
{
	if ((unsigned int)req->op >= TGT_BDEV_OP_MAX)
		return -EINVAL;
	if (req->op == TGT_BDEV_OP_FLUSH)
		return 0;
	if (req->nblocks == 0)
		return -EINVAL;
	/* Written so that lba + nblocks cannot wrap. */
	if (req->lba >= bdev->nblocks || req->nblocks > bdev->nblocks - req->lba)
		return -ERANGE;
	if (req->op == TGT_BDEV_OP_READ || req->op == TGT_BDEV_OP_WRITE)
		return check_iov(bdev, req);
	return 0;
}

static void
fill_slot(struct tgt_bdev_slot *s, const struct tgt_bdev *bdev, const struct tgt_bdev_req *req)
{
	s->req = *req;
	if (req->op == TGT_BDEV_OP_READ || req->op == TGT_BDEV_OP_WRITE) {
		memcpy(s->iov, req->iov, sizeof(s->iov[0]) * (size_t)req->iovcnt);
		s->req.iov = s->iov;
	} else {
		s->req.iov = NULL;
		s->req.iovcnt = 0;
	}
	s->offset = req->lba * bdev->block_size;
	s->len = (uint64_t)req->nblocks * bdev->block_size;
	s->status = 0;
	s->parts = 0;
	s->t_submit = now_ns();
}

int
tgt_bdev_submit(struct tgt_bdev_channel *ch, const struct tgt_bdev_req *req)
{
	struct tgt_bdev_slot *s;
	int rc;

	if (ch == NULL || req == NULL)
		return -EINVAL;
	rc = check_req(ch->bdev, req);
	if (rc < 0)
		return rc;
	s = ch->free;
	if (s == NULL)
		return -EAGAIN;
	fill_slot(s, ch->bdev, req);
	rc = ch->bdev->ops->submit(ch, s);
	if (rc < 0)
		return rc;
	ch->free = s->next;
	ch->inflight++;
	ch->stats[req->op].submitted++;
	return 0;
}

static void
account(struct tgt_bdev_channel *ch, const struct tgt_bdev_slot *s, uint64_t now)
{
	struct tgt_bdev_op_stats *st = &ch->stats[s->req.op];
	uint64_t lat = now > s->t_submit ? now - s->t_submit : 0;

	st->completed++;
	if (s->status != 0)
		st->errors++;
	st->lat_total_ns += lat;
	if (lat > st->lat_max_ns)
		st->lat_max_ns = lat;
}

unsigned int
tgt_bdev_poll(struct tgt_bdev_channel *ch, struct tgt_bdev_cpl *cpl, unsigned int max)
{
	struct tgt_bdev_slot *s;
	unsigned int n, i;
	uint64_t now;

	if (max > ch->depth)
		max = ch->depth;
	n = ch->bdev->ops->reap(ch, ch->done, max);
	if (n == 0)
		return 0;
	now = now_ns();
	for (i = 0; i < n; i++) {
		s = ch->done[i];
		cpl[i].cookie = s->req.cookie;
		cpl[i].status = s->status;
		account(ch, s, now);
		s->next = ch->free;
		ch->free = s;
	}
	ch->inflight -= n;
	return n;
}

void
tgt_bdev_channel_stats(const struct tgt_bdev_channel *ch, struct tgt_bdev_stats *st)
{
	memcpy(st->op, ch->stats, sizeof(st->op));
	st->inflight = ch->inflight;
	st->depth = ch->depth;
}
