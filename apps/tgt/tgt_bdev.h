/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * droce-tgt: block backends behind a namespace. Two types: "ram" (anonymous memory, data
 * dies with the process) and "file" (a regular file or a block device, through io_uring or,
 * where io_uring is unavailable or not asked for, a small pthread worker pool doing
 * preadv2/pwritev2/fdatasync/fallocate).
 *
 * Threading: a bdev is opened and closed by the control thread. Each poll group thread
 * opens its own channel; a channel is used by exactly one thread and takes no lock on its
 * fast path (submit and poll). A request is submitted with a 64-bit cookie and completes
 * exactly once, in a later tgt_bdev_poll() on the same channel, never inside
 * tgt_bdev_submit(). A submit that fails completes never and changed nothing.
 *
 * Data safety (NVMe 1.4 Identify Controller VWC, Flush 6.8, FUA in Write 6.15):
 *  - ram: VWC=0, Flush is a no-op.
 *  - file, write_cache=yes: VWC=1. A write is durable after a later Flush completes
 *    (fdatasync, io_uring FSYNC with DATASYNC); a FUA write is written with RWF_DSYNC.
 *  - file, write_cache=no: VWC=0, opened O_DSYNC: every completed write is durable;
 *    Write Zeroes and Discard are followed by fdatasync before they complete.
 *  Write Zeroes = fallocate(ZERO_RANGE|KEEP_SIZE), Discard = fallocate(PUNCH_HOLE|KEEP_SIZE)
 *  (nvmet's file backend); both read back as zeroes.
 *
 * Errors are negative errno. Completion status: 0, or a negative errno from the backend
 * call; a short read or write (e.g. at the end of a file truncated under the target) is -EIO.
 * The caller maps -ERANGE at submit to LBA Out of Range, other failures to Internal Error.
 */
#ifndef TGT_BDEV_H
#define TGT_BDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

/* Most buffer segments one request may carry (MDTS 128 KiB in 8 KiB units, twice over). */
#define TGT_BDEV_MAX_IOV	32
/* Largest channel depth. */
#define TGT_BDEV_MAX_DEPTH	4096
/* Worker threads per psync channel. */
#define TGT_BDEV_PSYNC_WORKERS	2
/* Set to "1" in the environment to behave as if io_uring were unavailable. */
#define TGT_BDEV_ENV_NO_URING	"DROCE_TGT_NO_URING"

enum tgt_bdev_type {
	TGT_BDEV_RAM,
	TGT_BDEV_FILE,
};

enum tgt_bdev_io {
	TGT_BDEV_IO_URING,
	TGT_BDEV_IO_PSYNC,
};

enum tgt_bdev_op {
	TGT_BDEV_OP_READ,
	TGT_BDEV_OP_WRITE,
	TGT_BDEV_OP_FLUSH,
	TGT_BDEV_OP_WRITE_ZEROES,
	TGT_BDEV_OP_DISCARD,
	TGT_BDEV_OP_MAX,
};

/* What to open; strings are copied by tgt_bdev_open(). */
struct tgt_bdev_desc {
	enum tgt_bdev_type type;
	const char *path;	/* file: regular file or block device */
	uint64_t size;		/* bytes, multiple of block_size; file: 0 = the file's size */
	uint32_t block_size;	/* 512 or 4096 */
	enum tgt_bdev_io io;	/* file: preferred engine (falls back to psync) */
	bool create;		/* file: create and size the file when it is missing */
	bool direct;		/* file: O_DIRECT (falls back to buffered when refused) */
	bool write_cache;	/* file: VWC=1 (Flush/FUA honoured) or O_DSYNC and VWC=0 */
};

/* One request. The buffers must stay valid until its completion; the iov array is copied. */
struct tgt_bdev_req {
	enum tgt_bdev_op op;
	bool fua;		/* WRITE, WRITE_ZEROES: durable before completion */
	uint64_t lba;		/* not used by FLUSH */
	uint32_t nblocks;	/* not used by FLUSH; never 0 otherwise */
	const struct iovec *iov; /* READ, WRITE: exactly nblocks * block_size bytes */
	int iovcnt;		/* 1..TGT_BDEV_MAX_IOV */
	uint64_t cookie;	/* returned untouched in the completion */
};

struct tgt_bdev_cpl {
	uint64_t cookie;
	int status;		/* 0 or negative errno */
};

struct tgt_bdev_op_stats {
	uint64_t submitted;
	uint64_t completed;	/* including errors */
	uint64_t errors;
	uint64_t lat_total_ns;	/* submit to the poll that returned it */
	uint64_t lat_max_ns;
};

struct tgt_bdev_stats {
	struct tgt_bdev_op_stats op[TGT_BDEV_OP_MAX];
	uint32_t inflight;
	uint32_t depth;
};

struct tgt_bdev;
struct tgt_bdev_channel;

/**
 * Open a backend.
 *
 * @param desc
 *   What to open. File: the file is opened O_RDWR, plus O_DIRECT if desc->direct (retried
 *   without it when the file system refuses O_DIRECT; the reason is kept, see
 *   tgt_bdev_note()), plus O_DSYNC unless desc->write_cache. A missing file is created and
 *   sized (ftruncate) only if desc->create and desc->size > 0. io_uring is probed here; when
 *   unavailable (or TGT_BDEV_ENV_NO_URING=1) the bdev uses psync and the reason is kept.
 * @param out
 *   Set to the new bdev on success.
 * @param err
 *   Buffer for a one-line reason on failure (may be NULL).
 * @param errlen
 *   Size of @err.
 * @return
 *   0 on success; -EINVAL bad description (block size, size not a multiple of it, no path);
 *   -ENOENT file missing and create not asked; -ENOSPC existing file or device smaller than
 *   desc->size; -ENOMEM; other -errno from open/ftruncate/mmap.
 *   Context: control thread; may block (file system calls).
 */
int tgt_bdev_open(const struct tgt_bdev_desc *desc, struct tgt_bdev **out, char *err,
		  size_t errlen);

/**
 * Close a backend and free it.
 *
 * @param bdev
 *   The bdev; NULL is ignored.
 * @return
 *   0; -EBUSY if channels are still open (nothing changed).
 *   Context: control thread, after every channel is closed.
 */
int tgt_bdev_close(struct tgt_bdev *bdev);

/** @return number of logical blocks (Identify NSZE/NCAP/NUSE). Any thread. */
uint64_t tgt_bdev_nblocks(const struct tgt_bdev *bdev);

/** @return logical block size in bytes (512 or 4096). Any thread. */
uint32_t tgt_bdev_block_size(const struct tgt_bdev *bdev);

/** @return true if the backend has a volatile write cache (Identify VWC bit 0). Any thread. */
bool tgt_bdev_vwc(const struct tgt_bdev *bdev);

/** @return the engine in use (may be psync when uring was asked). Any thread. */
enum tgt_bdev_io tgt_bdev_io_engine(const struct tgt_bdev *bdev);

/** @return true if the file is open with O_DIRECT. Any thread. */
bool tgt_bdev_direct(const struct tgt_bdev *bdev);

/**
 * @return required alignment of buffer addresses and lengths (1 unless O_DIRECT, then the
 *   block size). Any thread.
 */
uint32_t tgt_bdev_buf_align(const struct tgt_bdev *bdev);

/**
 * @return why the bdev runs differently from its description (io_uring unavailable,
 *   O_DIRECT refused), one reason per line, or NULL if it runs as described. For the
 *   caller to log once. Any thread; valid until tgt_bdev_close().
 */
const char *tgt_bdev_note(const struct tgt_bdev *bdev);

/** @return a constant name for @op ("read", "write", ...; "?" if unknown). Any thread. */
const char *tgt_bdev_op_name(enum tgt_bdev_op op);

/**
 * Open a channel: the per-thread submission and completion context.
 *
 * @param bdev
 *   An open bdev.
 * @param depth
 *   Most requests in flight, 1..TGT_BDEV_MAX_DEPTH.
 * @param out
 *   Set to the channel on success.
 * @return
 *   0; -EINVAL bad depth; -ENOMEM; -errno from io_uring_queue_init or pthread_create.
 *   Context: the thread that will use the channel (or before handing it to that thread).
 */
int tgt_bdev_channel_open(struct tgt_bdev *bdev, uint32_t depth,
			  struct tgt_bdev_channel **out);

/**
 * Close a channel. Blocks until every request in flight has finished in the backend;
 * their completions are dropped, never returned. The caller should drain first: poll
 * until tgt_bdev_channel_stats() shows no request in flight.
 *
 * @param ch
 *   The channel; NULL is ignored.
 *   Context: the channel's thread only; may block.
 */
void tgt_bdev_channel_close(struct tgt_bdev_channel *ch);

/**
 * Submit a request. It completes exactly once, in a later tgt_bdev_poll() on this channel.
 * io_uring: the SQEs queued by submits are handed to the kernel in one io_uring_submit()
 * by the next poll (one system call per batch); psync: a worker starts it at once; ram:
 * the poll that returns it does the copy.
 *
 * @param ch
 *   The channel.
 * @param req
 *   The request; copied, the caller may reuse it at once (not its buffers).
 * @return
 *   0 accepted; -EAGAIN the channel already has depth requests in flight; -ERANGE
 *   lba + nblocks beyond the end; -EINVAL unknown op, nblocks 0, iov count or total length
 *   not matching nblocks, or buffers misaligned for O_DIRECT. On error nothing is queued
 *   and no completion will come.
 *   Context: the channel's thread only; never blocks.
 */
int tgt_bdev_submit(struct tgt_bdev_channel *ch, const struct tgt_bdev_req *req);

/**
 * Reap finished requests (and, for io_uring, submit what was queued since the last poll).
 *
 * @param ch
 *   The channel.
 * @param cpl
 *   Array receiving up to @max completions.
 * @param max
 *   Size of @cpl.
 * @return
 *   Number of completions written (0: nothing finished; the poller did no work).
 *   Context: the channel's thread only; never blocks.
 */
unsigned int tgt_bdev_poll(struct tgt_bdev_channel *ch, struct tgt_bdev_cpl *cpl,
			   unsigned int max);

/**
 * Copy the channel's counters.
 *
 * @param ch
 *   The channel.
 * @param st
 *   Filled with the counters by op, requests in flight and the depth.
 *   Context: the channel's thread only.
 */
void tgt_bdev_channel_stats(const struct tgt_bdev_channel *ch, struct tgt_bdev_stats *st);

#endif /* TGT_BDEV_H */
