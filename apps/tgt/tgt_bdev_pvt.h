/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * droce-tgt backends, private to tgt_bdev*.c: the bdev and channel structs and the
 * interface each backend type implements. tgt_bdev.c validates requests, owns the request
 * slots and the counters; a backend starts a slot's I/O and later hands it back finished.
 */
#ifndef TGT_BDEV_PVT_H
#define TGT_BDEV_PVT_H

#include "tgt_bdev.h"

#define TGT_BDEV_NOTE_LEN	256

/* One request in flight: a copy of the caller's request and its iov array. */
struct tgt_bdev_slot {
	struct tgt_bdev_req req;	/* req.iov points to iov[] */
	struct iovec iov[TGT_BDEV_MAX_IOV];
	uint64_t offset;		/* bytes */
	uint64_t len;			/* bytes */
	uint64_t t_submit;		/* CLOCK_MONOTONIC ns */
	int status;			/* set by the backend before it returns the slot */
	int parts;			/* io_uring: CQEs still expected */
	struct tgt_bdev_slot *next;	/* free list */
};

struct tgt_bdev_ops {
	/* Set up ch->priv. */
	int (*ch_open)(struct tgt_bdev_channel *ch);
	/* Start @s; 0 or -EAGAIN (no room, nothing started). Never completes it inline. */
	int (*submit)(struct tgt_bdev_channel *ch, struct tgt_bdev_slot *s);
	/* Hand back up to @max finished slots, status set. */
	unsigned int (*reap)(struct tgt_bdev_channel *ch, struct tgt_bdev_slot **done,
			     unsigned int max);
	/* Wait for everything in flight, then free ch->priv. */
	void (*ch_close)(struct tgt_bdev_channel *ch);
	/* Release the backing store. */
	void (*close)(struct tgt_bdev *bdev);
};

struct tgt_bdev {
	const struct tgt_bdev_ops *ops;
	struct tgt_bdev_desc desc;	/* desc.path points to path */
	char *path;
	uint64_t nblocks;
	uint32_t block_size;
	bool vwc;
	bool direct;			/* O_DIRECT in effect */
	enum tgt_bdev_io io;		/* engine in effect */
	int fd;				/* file */
	void *mem;			/* ram */
	size_t mem_len;
	unsigned int channels;		/* open channels */
	char note[TGT_BDEV_NOTE_LEN];
};

struct tgt_bdev_channel {
	struct tgt_bdev *bdev;
	uint32_t depth;
	uint32_t inflight;
	struct tgt_bdev_slot *slots;
	struct tgt_bdev_slot *free;
	struct tgt_bdev_slot **done;	/* depth entries: scratch for reap */
	struct tgt_bdev_op_stats stats[TGT_BDEV_OP_MAX];
	void *priv;			/* the backend's */
};

extern const struct tgt_bdev_ops tgt_bdev_ram_ops;
extern const struct tgt_bdev_ops tgt_bdev_uring_ops;
extern const struct tgt_bdev_ops tgt_bdev_psync_ops;

/* Backend open: fill bdev (nblocks, vwc, fd or mem, ops) from bdev->desc. */
int tgt_bdev_ram_open(struct tgt_bdev *bdev, char *err, size_t errlen);
int tgt_bdev_file_open(struct tgt_bdev *bdev, char *err, size_t errlen);

/* Append a line to bdev->note. */
void tgt_bdev_add_note(struct tgt_bdev *bdev, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Set @err to a formatted reason; returns @rc so callers can `return tgt_bdev_err(...)`. */
int tgt_bdev_err(char *err, size_t errlen, int rc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif /* TGT_BDEV_PVT_H */
