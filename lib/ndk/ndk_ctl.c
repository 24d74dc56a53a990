/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The adapter's control context: one thread (or the application's own, with manual
 * control) that runs pending creates and requests, finishes closes once their objects
 * have quiesced, delivers CQ notifications an arm found due, and watches SRQ thresholds.
 * Work arrives on a lock-free LIFO any thread (an lcore too) can push to without blocking.
 */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "ndk_pvt.h"

#define CTL_IDLE_MS	100	/* nothing pending: wake up rarely */
#define CTL_BUSY_MS	1	/* closes or SRQ thresholds to watch */

void
ctl_wake(struct adapter *ad)
{
	uint64_t one = 1;

	if (ad->manual || ad->efd < 0)
		return;
	/* eventfd never blocks for a writer below 2^64 - 1 events. */
	if (write(ad->efd, &one, sizeof(one)) != sizeof(one))
		LIB_LOG(DEBUG, "control wake-up lost");
}

void
ctl_push(struct adapter *ad, struct ctl_item *it)
{
	struct ctl_item *head = __atomic_load_n(&ad->queue, __ATOMIC_RELAXED);

	/* Release: the control context that takes the item sees what was written to it. */
	do {
		it->next = head;
	} while (!__atomic_compare_exchange_n(&ad->queue, &head, it, true, __ATOMIC_RELEASE,
					      __ATOMIC_RELAXED));
	if (head == NULL)
		ctl_wake(ad);
}

/* Take everything queued, oldest first. */
static struct ctl_item *
take_all(struct adapter *ad)
{
	struct ctl_item *it = __atomic_exchange_n(&ad->queue, NULL, __ATOMIC_ACQUIRE);
	struct ctl_item *fifo = NULL;

	while (it != NULL) {
		struct ctl_item *next = it->next;

		it->next = fifo;
		fifo = it;
		it = next;
	}
	return fifo;
}

static int
srqs_poll(struct adapter *ad)
{
	struct lib_srq *s;
	int n = 0;

	TAILQ_FOREACH(s, &ad->srqs, srq_next) {
		/* One notification, then disarmed until a modify sets a threshold again. */
		if (s->threshold == 0 || eng_srq_count(s->esrq) >= s->threshold)
			continue;
		s->threshold = 0;
		if (s->notify != NULL && obj_live(&s->o)) {
			s->notify(s->notify_ctx, 0);
			n++;
		}
	}
	return n;
}

static bool
srqs_armed(const struct adapter *ad)
{
	const struct lib_srq *s;

	TAILQ_FOREACH(s, &ad->srqs, srq_next)
		if (s->threshold != 0)
			return true;
	return false;
}

/* The adapter whose control work the calling thread runs now (its callbacks run there). */
static __thread const struct adapter *ctl_running;

int
ctl_poll(struct adapter *ad)
{
	const struct adapter *outer = ctl_running;
	struct ctl_item *it = take_all(ad);
	int n = 0;

	ctl_running = ad;

	while (it != NULL) {
		struct ctl_item *next = it->next;

		/* The item may be freed by its own work (a failed create). */
		it->run(it);
		it = next;
		n++;
	}
	if (ad->cm_ops != NULL)
		n += ad->cm_ops->poll(ad);
	n += req_poll(ad);
	n += srqs_poll(ad);
	n += obj_closes_poll(ad);
	ctl_running = outer;
	return n;
}

bool
ctl_in_callback(const struct adapter *ad)
{
	return ctl_running == ad;
}

static void *
ctl_main(void *arg)
{
	struct adapter *ad = arg;
	struct pollfd pfd = { .fd = ad->efd, .events = POLLIN };

	for (;;) {
		bool stop = __atomic_load_n(&ad->stop, __ATOMIC_ACQUIRE);
		uint64_t v;
		int ms;

		if (ctl_poll(ad) > 0)
			continue;
		if (stop && TAILQ_EMPTY(&ad->closing) && TAILQ_EMPTY(&ad->polling) &&
		    __atomic_load_n(&ad->queue, __ATOMIC_ACQUIRE) == NULL)
			break;
		/* Closes and SRQ limits are polled; the CM says when its next timer is due. */
		ms = !TAILQ_EMPTY(&ad->closing) || !TAILQ_EMPTY(&ad->polling) || srqs_armed(ad) ?
			     CTL_BUSY_MS : ad->cm_ops != NULL ?
			     ad->cm_ops->wait_ms(ad, CTL_IDLE_MS) : CTL_IDLE_MS;
		if (poll(&pfd, 1, ms) > 0 && read(ad->efd, &v, sizeof(v)) < 0)
			LIB_LOG(DEBUG, "control wake-up read failed");
	}
	return NULL;
}

int
ctl_start(struct adapter *ad)
{
	int ret;

	ad->efd = -1;
	if (ad->manual)
		return 0;
	ad->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (ad->efd < 0)
		return -errno;
	ret = pthread_create(&ad->thr, NULL, ctl_main, ad);
	if (ret != 0) {
		close(ad->efd);
		ad->efd = -1;
		return -ret;
	}
	pthread_setname_np(ad->thr, "droce-ctl");
	ad->thr_running = true;
	return 0;
}

void
ctl_stop(struct adapter *ad)
{
	if (ad->thr_running) {
		__atomic_store_n(&ad->stop, true, __ATOMIC_RELEASE);
		ctl_wake(ad);
		pthread_join(ad->thr, NULL);
		ad->thr_running = false;
	}
}

void
ctl_fini(struct adapter *ad)
{
	if (ad->efd >= 0) {
		close(ad->efd);
		ad->efd = -1;
	}
}
