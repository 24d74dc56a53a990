/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * droce-tgt file backend: a regular file or a block device, driven by io_uring from the
 * channel's thread, or by TGT_BDEV_PSYNC_WORKERS worker threads per channel when io_uring
 * is unavailable (containers often forbid it) or psync is asked for.
 *
 * Semantics follow Linux nvmet's file backend: Flush = fdatasync, FUA = RWF_DSYNC on that
 * write, Write Zeroes = fallocate(ZERO_RANGE|KEEP_SIZE), Discard =
 * fallocate(PUNCH_HOLE|KEEP_SIZE), a short transfer is an error (-EIO). With write_cache=no
 * the file is O_DSYNC, and fallocate, which O_DSYNC does not cover, is followed by
 * fdatasync before the request completes (io_uring: a linked FSYNC).
 *
 * Flush ordering: fdatasync covers every write that completed before it was issued, which
 * includes every write whose completion the caller saw before submitting the Flush. Nothing
 * is drained or reordered (NVMe does not order a Flush against writes still in flight).
 */
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <linux/falloc.h>
#include <linux/fs.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_ring.h>

#include "tgt_bdev_pvt.h"

#define MODE_ZEROES	(FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE)
#define MODE_DISCARD	(FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE)

/* ---- Open ---- */

static int
open_direct(struct tgt_bdev *bdev, int flags)
{
	int fd;

	if (!bdev->desc.direct)
		return open(bdev->path, flags, 0600);
	fd = open(bdev->path, flags | O_DIRECT, 0600);
	if (fd >= 0) {
		bdev->direct = true;
		return fd;
	}
	if (errno != EINVAL)
		return -1;
	/*
	 * tmpfs before Linux 6.6 and some FUSE file systems refuse O_DIRECT at open, after
	 * an O_CREAT has already made the file: retry without O_EXCL.
	 */
	fd = open(bdev->path, flags & ~O_EXCL, 0600);
	if (fd >= 0)
		tgt_bdev_add_note(bdev, "%s: O_DIRECT refused by the file system (EINVAL), "
				  "using buffered I/O", bdev->path);
	return fd;
}

static int
create_file(struct tgt_bdev *bdev, int flags, char *err, size_t errlen)
{
	int fd, rc;

	if (!bdev->desc.create)
		return tgt_bdev_err(err, errlen, -ENOENT, "%s does not exist (create not asked)",
				    bdev->path);
	if (bdev->desc.size == 0)
		return tgt_bdev_err(err, errlen, -EINVAL, "%s does not exist and no size to "
				    "create it with", bdev->path);
	fd = open_direct(bdev, flags | O_CREAT | O_EXCL);
	if (fd < 0)
		return tgt_bdev_err(err, errlen, -errno, "create %s: %s", bdev->path,
				    strerror(errno));
	if (ftruncate(fd, (off_t)bdev->desc.size) != 0) {
		rc = -errno;
		close(fd);
		/* Do not leave a half-made file behind; nothing to add if unlink fails. */
		(void)unlink(bdev->path);
		return tgt_bdev_err(err, errlen, rc, "size %s to %llu: %s", bdev->path,
				    (unsigned long long)bdev->desc.size, strerror(-rc));
	}
	return fd;
}

static int
open_file(struct tgt_bdev *bdev, char *err, size_t errlen)
{
	int flags = O_RDWR | O_CLOEXEC;
	int fd;

	if (!bdev->desc.write_cache)
		flags |= O_DSYNC;
	fd = open_direct(bdev, flags);
	if (fd < 0 && errno == ENOENT)
		return create_file(bdev, flags, err, errlen);
	if (fd < 0)
		return tgt_bdev_err(err, errlen, -errno, "open %s: %s", bdev->path,
				    strerror(errno));
	return fd;
}

/* The usable size of what bdev->fd is: a regular file's length or a block device's. */
static int
backing_size(struct tgt_bdev *bdev, uint64_t *size, char *err, size_t errlen)
{
	struct stat st;
	int lss;

	if (fstat(bdev->fd, &st) != 0)
		return tgt_bdev_err(err, errlen, -errno, "stat %s: %s", bdev->path,
				    strerror(errno));
	if (S_ISREG(st.st_mode)) {
		*size = (uint64_t)st.st_size;
		return 0;
	}
	if (!S_ISBLK(st.st_mode))
		return tgt_bdev_err(err, errlen, -EINVAL, "%s is neither a regular file nor a "
				    "block device", bdev->path);
	if (ioctl(bdev->fd, BLKGETSIZE64, size) != 0 || ioctl(bdev->fd, BLKSSZGET, &lss) != 0)
		return tgt_bdev_err(err, errlen, -errno, "%s: %s", bdev->path, strerror(errno));
	if (lss <= 0 || bdev->block_size % (uint32_t)lss != 0)
		return tgt_bdev_err(err, errlen, -EINVAL, "%s: block size %u is not a multiple "
				    "of the device's %d", bdev->path, bdev->block_size, lss);
	return 0;
}

static int
size_bdev(struct tgt_bdev *bdev, char *err, size_t errlen)
{
	uint64_t have, want = bdev->desc.size;
	int rc;

	rc = backing_size(bdev, &have, err, errlen);
	if (rc < 0)
		return rc;
	if (want == 0)
		want = have - have % bdev->block_size;
	if (want == 0)
		return tgt_bdev_err(err, errlen, -EINVAL, "%s is smaller than one block and "
				    "no size is configured", bdev->path);
	if (have < want)
		return tgt_bdev_err(err, errlen, -ENOSPC, "%s holds %llu bytes, less than the "
				    "configured size %llu", bdev->path,
				    (unsigned long long)have, (unsigned long long)want);
	bdev->nblocks = want / bdev->block_size;
	return 0;
}

/* io_uring usable here, with every opcode the backend sends? 0 or -errno. */
static int
probe_uring(void)
{
	static const int ops[] = { IORING_OP_READV, IORING_OP_WRITEV, IORING_OP_FSYNC,
				   IORING_OP_FALLOCATE };
	struct io_uring_probe *p;
	struct io_uring ring;
	unsigned int i;
	int rc;

	rc = io_uring_queue_init(4, &ring, 0);
	if (rc < 0)
		return rc;
	p = io_uring_get_probe_ring(&ring);
	for (i = 0; p != NULL && i < RTE_DIM(ops); i++)
		if (!io_uring_opcode_supported(p, ops[i]))
			rc = -EOPNOTSUPP;
	if (p == NULL)
		rc = -EOPNOTSUPP;
	io_uring_free_probe(p);
	io_uring_queue_exit(&ring);
	return rc;
}

static void
choose_engine(struct tgt_bdev *bdev)
{
	const char *env = getenv(TGT_BDEV_ENV_NO_URING);
	int rc;

	bdev->io = TGT_BDEV_IO_PSYNC;
	if (bdev->desc.io == TGT_BDEV_IO_PSYNC)
		return;
	if (env != NULL && strcmp(env, "1") == 0) {
		tgt_bdev_add_note(bdev, "%s: io_uring disabled by %s=1, using psync workers",
				  bdev->path, TGT_BDEV_ENV_NO_URING);
		return;
	}
	rc = probe_uring();
	if (rc < 0) {
		tgt_bdev_add_note(bdev, "%s: io_uring unavailable (%s), using psync workers",
				  bdev->path, strerror(-rc));
		return;
	}
	bdev->io = TGT_BDEV_IO_URING;
}

int
tgt_bdev_file_open(struct tgt_bdev *bdev, char *err, size_t errlen)
{
	int rc;

	rc = open_file(bdev, err, errlen);
	if (rc < 0)
		return rc;
	bdev->fd = rc;
	rc = size_bdev(bdev, err, errlen);
	if (rc < 0) {
		close(bdev->fd);
		return rc;
	}
	choose_engine(bdev);
	bdev->vwc = bdev->desc.write_cache;
	bdev->ops = bdev->io == TGT_BDEV_IO_URING ? &tgt_bdev_uring_ops : &tgt_bdev_psync_ops;
	return 0;
}

static void
file_close(struct tgt_bdev *bdev)
{
	/* Durability is the host's business (Flush); a close error changes nothing. */
	(void)close(bdev->fd);
	bdev->fd = -1;
}

/* fallocate needs an fdatasync before it completes: FUA, or VWC=0 (O_DSYNC skips it). */
static bool
falloc_needs_sync(const struct tgt_bdev *bdev, const struct tgt_bdev_slot *s)
{
	return s->req.fua || !bdev->vwc;
}

/* RWF_DSYNC on a FUA write; with VWC=0 the file is O_DSYNC already. */
static int
write_flags(const struct tgt_bdev *bdev, const struct tgt_bdev_slot *s)
{
	return s->req.fua && bdev->vwc ? RWF_DSYNC : 0;
}

/* ---- io_uring engine ---- */

struct uring_ch {
	struct io_uring ring;
	uint32_t cqes;		/* CQEs still to come for what was prepared */
};

static int
uring_ch_open(struct tgt_bdev_channel *ch)
{
	struct uring_ch *uc = calloc(1, sizeof(*uc));
	int rc;

	if (uc == NULL)
		return -ENOMEM;
	/* Two SQEs per request at most (fallocate + linked fsync). */
	rc = io_uring_queue_init(2 * ch->depth, &uc->ring, 0);
	if (rc < 0) {
		free(uc);
		return rc;
	}
	ch->priv = uc;
	return 0;
}

static void
uring_ch_close(struct tgt_bdev_channel *ch)
{
	struct uring_ch *uc = ch->priv;
	struct io_uring_cqe *cqe;
	int rc;

	rc = io_uring_submit(&uc->ring);
	while (rc >= 0 && uc->cqes > 0) {
		rc = io_uring_wait_cqe(&uc->ring, &cqe);
		if (rc == -EINTR)
			rc = 0;
		else if (rc == 0) {
			io_uring_cqe_seen(&uc->ring, cqe);
			uc->cqes--;
		}
	}
	io_uring_queue_exit(&uc->ring);
	free(uc);
	ch->priv = NULL;
}

static void
uring_prep_falloc(struct io_uring *ring, struct tgt_bdev_channel *ch, struct tgt_bdev_slot *s,
		  struct io_uring_sqe *sqe)
{
	int mode = s->req.op == TGT_BDEV_OP_DISCARD ? MODE_DISCARD : MODE_ZEROES;

	io_uring_prep_fallocate(sqe, ch->bdev->fd, mode, (off_t)s->offset, (off_t)s->len);
	if (!falloc_needs_sync(ch->bdev, s))
		return;
	/* The FSYNC runs after the fallocate succeeded, else it completes -ECANCELED. */
	sqe->flags |= IOSQE_IO_LINK;
	sqe = io_uring_get_sqe(ring);	/* uring_submit made room for it */
	io_uring_prep_fsync(sqe, ch->bdev->fd, IORING_FSYNC_DATASYNC);
	io_uring_sqe_set_data(sqe, s);
	s->parts++;
}

static int
uring_submit(struct tgt_bdev_channel *ch, struct tgt_bdev_slot *s)
{
	struct uring_ch *uc = ch->priv;
	struct io_uring_sqe *sqe;
	int fd = ch->bdev->fd;

	/* Room for both SQEs first: a taken SQE cannot be given back. */
	if (io_uring_sq_space_left(&uc->ring) < 2)
		(void)io_uring_submit(&uc->ring);	/* failed: -EAGAIN below */
	if (io_uring_sq_space_left(&uc->ring) < 2)
		return -EAGAIN;
	sqe = io_uring_get_sqe(&uc->ring);
	s->parts = 1;
	switch (s->req.op) {
	case TGT_BDEV_OP_READ:
		io_uring_prep_readv(sqe, fd, s->iov, (unsigned int)s->req.iovcnt, s->offset);
		break;
	case TGT_BDEV_OP_WRITE:
		io_uring_prep_writev(sqe, fd, s->iov, (unsigned int)s->req.iovcnt, s->offset);
		sqe->rw_flags = write_flags(ch->bdev, s);
		break;
	case TGT_BDEV_OP_FLUSH:
		io_uring_prep_fsync(sqe, fd, IORING_FSYNC_DATASYNC);
		break;
	default:
		uring_prep_falloc(&uc->ring, ch, s, sqe);
		break;
	}
	io_uring_sqe_set_data(sqe, s);	/* after prep: the cookie of every CQE is the slot */
	uc->cqes += (uint32_t)s->parts;
	return 0;
}

static int
cqe_status(const struct tgt_bdev_slot *s, int res)
{
	if (res < 0)
		return res;
	if ((s->req.op == TGT_BDEV_OP_READ || s->req.op == TGT_BDEV_OP_WRITE) &&
	    (uint64_t)res != s->len)
		return -EIO;	/* short transfer: nvmet's Internal Error */
	return 0;
}

static unsigned int
uring_reap(struct tgt_bdev_channel *ch, struct tgt_bdev_slot **done, unsigned int max)
{
	struct uring_ch *uc = ch->priv;
	struct io_uring_cqe *cqe;
	struct tgt_bdev_slot *s;
	unsigned int n = 0;
	int res;

	/* A failed submit leaves the SQEs queued; the next poll tries again. */
	if (io_uring_sq_ready(&uc->ring) > 0)
		(void)io_uring_submit(&uc->ring);
	while (n < max && io_uring_peek_cqe(&uc->ring, &cqe) == 0) {
		s = io_uring_cqe_get_data(cqe);
		res = cqe->res;
		io_uring_cqe_seen(&uc->ring, cqe);
		uc->cqes--;
		/* The first failure of a linked pair is the one to report. */
		if (s->status == 0)
			s->status = cqe_status(s, res);
		if (--s->parts == 0)
			done[n++] = s;
	}
	return n;
}

const struct tgt_bdev_ops tgt_bdev_uring_ops = {
	.ch_open = uring_ch_open,
	.submit = uring_submit,
	.reap = uring_reap,
	.ch_close = uring_ch_close,
	.close = file_close,
};

/* ---- psync engine: worker threads, lock-free rings both ways ---- */

struct psync_ch {
	struct tgt_bdev *bdev;
	struct rte_ring *sq;	/* channel -> workers: single producer, multi consumer */
	struct rte_ring *cq;	/* workers -> channel: multi producer, single consumer */
	sem_t work;		/* one token per queued request, one per worker at stop */
	atomic_bool stop;
	unsigned int nthreads;
	pthread_t th[TGT_BDEV_PSYNC_WORKERS];
};

/* preadv2/pwritev2 until done; 0 bytes (end of file) is a short transfer: -EIO. */
static int
rw_full(int fd, struct tgt_bdev_slot *s, bool write, int flags)
{
	struct iovec *iov = s->iov;
	int cnt = s->req.iovcnt;
	off_t off = (off_t)s->offset;
	ssize_t n;

	while (cnt > 0) {
		n = write ? pwritev2(fd, iov, cnt, off, flags) : preadv2(fd, iov, cnt, off, flags);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		off += n;
		while (cnt > 0 && (size_t)n >= iov->iov_len) {
			n -= (ssize_t)iov->iov_len;
			iov++;
			cnt--;
		}
		if (cnt > 0) {
			iov->iov_base = (uint8_t *)iov->iov_base + n;
			iov->iov_len -= (size_t)n;
		}
	}
	return 0;
}

static int
psync_falloc(const struct tgt_bdev *bdev, const struct tgt_bdev_slot *s)
{
	int mode = s->req.op == TGT_BDEV_OP_DISCARD ? MODE_DISCARD : MODE_ZEROES;

	if (fallocate(bdev->fd, mode, (off_t)s->offset, (off_t)s->len) != 0)
		return -errno;
	if (falloc_needs_sync(bdev, s) && fdatasync(bdev->fd) != 0)
		return -errno;
	return 0;
}

static int
psync_exec(const struct tgt_bdev *bdev, struct tgt_bdev_slot *s)
{
	switch (s->req.op) {
	case TGT_BDEV_OP_READ:
		return rw_full(bdev->fd, s, false, 0);
	case TGT_BDEV_OP_WRITE:
		return rw_full(bdev->fd, s, true, write_flags(bdev, s));
	case TGT_BDEV_OP_FLUSH:
		return fdatasync(bdev->fd) != 0 ? -errno : 0;
	case TGT_BDEV_OP_WRITE_ZEROES:
	case TGT_BDEV_OP_DISCARD:
		return psync_falloc(bdev, s);
	default:
		return -EINVAL;
	}
}

static void *
psync_worker(void *arg)
{
	struct psync_ch *pc = arg;
	struct tgt_bdev_slot *s;
	void *obj;

	for (;;) {
		while (sem_wait(&pc->work) != 0 && errno == EINTR)
			;
		if (rte_ring_mc_dequeue(pc->sq, &obj) != 0) {
			/* A token without a request: the stop token (see psync_ch_close). */
			if (atomic_load_explicit(&pc->stop, memory_order_acquire))
				break;
			continue;
		}
		s = obj;
		s->status = psync_exec(pc->bdev, s);
		/*
		 * The ring's enqueue publishes s->status to the channel thread (release on
		 * the producer tail, acquire in its dequeue). The cq holds every request in
		 * flight, so it cannot be full.
		 */
		while (rte_ring_mp_enqueue(pc->cq, s) != 0)
			sched_yield();
	}
	return NULL;
}

static struct rte_ring *
ring_new(const char *name, uint32_t depth, unsigned int flags)
{
	uint32_t count = rte_align32pow2(depth + 1);	/* usable: count - 1 */
	ssize_t size = rte_ring_get_memsize(count);
	struct rte_ring *r;

	if (size < 0)
		return NULL;
	r = aligned_alloc(RTE_CACHE_LINE_SIZE, RTE_ALIGN_CEIL((size_t)size, RTE_CACHE_LINE_SIZE));
	if (r == NULL)
		return NULL;
	/* rte_ring_init only fills the struct: no EAL, no memzone, no name registry. */
	if (rte_ring_init(r, name, count, flags) != 0) {
		free(r);
		return NULL;
	}
	return r;
}

static void
psync_stop(struct psync_ch *pc)
{
	unsigned int i;

	/* Every request was queued before the stop flag; the stop tokens come last. */
	atomic_store_explicit(&pc->stop, true, memory_order_release);
	for (i = 0; i < pc->nthreads; i++)
		(void)sem_post(&pc->work);	/* fails only past SEM_VALUE_MAX */
	for (i = 0; i < pc->nthreads; i++)
		(void)pthread_join(pc->th[i], NULL);	/* our own joinable thread */
	pc->nthreads = 0;
}

static void
psync_free(struct psync_ch *pc)
{
	(void)sem_destroy(&pc->work);	/* no waiter left */
	free(pc->sq);
	free(pc->cq);
	free(pc);
}

static int
psync_ch_open(struct tgt_bdev_channel *ch)
{
	struct psync_ch *pc = calloc(1, sizeof(*pc));
	int rc = -ENOMEM;

	if (pc == NULL)
		return -ENOMEM;
	pc->bdev = ch->bdev;
	atomic_init(&pc->stop, false);
	if (sem_init(&pc->work, 0, 0) != 0) {
		rc = -errno;
		free(pc);
		return rc;
	}
	pc->sq = ring_new("tgt_bdev_sq", ch->depth, RING_F_SP_ENQ);
	pc->cq = ring_new("tgt_bdev_cq", ch->depth, RING_F_SC_DEQ);
	while (pc->sq != NULL && pc->cq != NULL && pc->nthreads < TGT_BDEV_PSYNC_WORKERS) {
		rc = -pthread_create(&pc->th[pc->nthreads], NULL, psync_worker, pc);
		if (rc < 0)
			break;
		pc->nthreads++;
	}
	if (rc < 0) {
		psync_stop(pc);
		psync_free(pc);
		return rc;
	}
	ch->priv = pc;
	return 0;
}

static void
psync_ch_close(struct tgt_bdev_channel *ch)
{
	struct psync_ch *pc = ch->priv;

	/* The workers finish every queued request before they see a stop token. */
	psync_stop(pc);
	psync_free(pc);
	ch->priv = NULL;
}

static int
psync_submit(struct tgt_bdev_channel *ch, struct tgt_bdev_slot *s)
{
	struct psync_ch *pc = ch->priv;

	if (rte_ring_sp_enqueue(pc->sq, s) != 0)
		return -EAGAIN;
	/* Enqueue before the token: a worker holding a token always finds a request. */
	(void)sem_post(&pc->work);	/* fails only past SEM_VALUE_MAX, > depth + workers */
	return 0;
}

static unsigned int
psync_reap(struct tgt_bdev_channel *ch, struct tgt_bdev_slot **done, unsigned int max)
{
	struct psync_ch *pc = ch->priv;

	return rte_ring_sc_dequeue_burst(pc->cq, (void **)done, max, NULL);
}

const struct tgt_bdev_ops tgt_bdev_psync_ops = {
	.ch_open = psync_ch_open,
	.submit = psync_submit,
	.reap = psync_reap,
	.ch_close = psync_ch_close,
	.close = file_close,
};
