/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * droce-tgt RAM backend: anonymous private memory, zero on open, gone at close. VWC=0:
 * memory is as durable as it gets, so Flush and FUA have nothing to do. Requests are queued
 * at submit and executed (memcpy) by the poll that returns them, so a RAM completion, like
 * any other, never happens inside tgt_bdev_submit().
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "tgt_bdev_pvt.h"

/* The channel's FIFO of submitted requests; depth entries, never full by construction. */
struct ram_ch {
	uint32_t head;
	uint32_t count;
	struct tgt_bdev_slot *q[];
};

int
tgt_bdev_ram_open(struct tgt_bdev *bdev, char *err, size_t errlen)
{
	void *mem;

	if (bdev->desc.size > SIZE_MAX)
		return tgt_bdev_err(err, errlen, -EINVAL, "size too large");
	mem = mmap(NULL, (size_t)bdev->desc.size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (mem == MAP_FAILED)
		return tgt_bdev_err(err, errlen, -errno, "mmap of %llu bytes: %s",
				    (unsigned long long)bdev->desc.size, strerror(errno));
	bdev->mem = mem;
	bdev->mem_len = (size_t)bdev->desc.size;
	bdev->nblocks = bdev->desc.size / bdev->block_size;
	bdev->vwc = false;
	bdev->io = bdev->desc.io;
	bdev->ops = &tgt_bdev_ram_ops;
	return 0;
}

static void
ram_close(struct tgt_bdev *bdev)
{
	/* munmap of a mapping we made cannot fail; nothing to do if it did. */
	(void)munmap(bdev->mem, bdev->mem_len);
}

static int
ram_ch_open(struct tgt_bdev_channel *ch)
{
	struct ram_ch *rc = calloc(1, sizeof(*rc) + sizeof(rc->q[0]) * ch->depth);

	if (rc == NULL)
		return -ENOMEM;
	ch->priv = rc;
	return 0;
}

static void
ram_ch_close(struct tgt_bdev_channel *ch)
{
	/* Queued requests never touched memory the caller still needs: drop them. */
	free(ch->priv);
	ch->priv = NULL;
}

static int
ram_submit(struct tgt_bdev_channel *ch, struct tgt_bdev_slot *s)
{
	struct ram_ch *rc = ch->priv;

	rc->q[(rc->head + rc->count) % ch->depth] = s;
	rc->count++;
	return 0;
}

static void
ram_copy(uint8_t *mem, struct tgt_bdev_slot *s, bool to_mem)
{
	uint8_t *p = mem + s->offset;
	int i;

	for (i = 0; i < s->req.iovcnt; i++) {
		if (to_mem)
			memcpy(p, s->iov[i].iov_base, s->iov[i].iov_len);
		else
			memcpy(s->iov[i].iov_base, p, s->iov[i].iov_len);
		p += s->iov[i].iov_len;
	}
}

static void
ram_exec(struct tgt_bdev *bdev, struct tgt_bdev_slot *s)
{
	switch (s->req.op) {
	case TGT_BDEV_OP_READ:
		ram_copy(bdev->mem, s, false);
		break;
	case TGT_BDEV_OP_WRITE:
		ram_copy(bdev->mem, s, true);
		break;
	case TGT_BDEV_OP_WRITE_ZEROES:
	case TGT_BDEV_OP_DISCARD:
		memset((uint8_t *)bdev->mem + s->offset, 0, s->len);
		break;
	case TGT_BDEV_OP_FLUSH:
	case TGT_BDEV_OP_MAX:
		break;
	}
	s->status = 0;
}

static unsigned int
ram_reap(struct tgt_bdev_channel *ch, struct tgt_bdev_slot **done, unsigned int max)
{
	struct ram_ch *rc = ch->priv;
	unsigned int n = 0;

	while (n < max && rc->count > 0) {
		done[n] = rc->q[rc->head];
		rc->head = (rc->head + 1) % ch->depth;
		rc->count--;
		ram_exec(ch->bdev, done[n]);
		n++;
	}
	return n;
}

const struct tgt_bdev_ops tgt_bdev_ram_ops = {
	.ch_open = ram_ch_open,
	.submit = ram_submit,
	.reap = ram_reap,
	.ch_close = ram_ch_close,
	.close = ram_close,
};
