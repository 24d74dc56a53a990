/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * An application outside the droce tree: built only from the installed headers and
 * `pkg-config --cflags --libs libdroce`, it starts the EAL through droce, attaches a
 * net_null port and prints what droce says about it; then starts an engine on it, opens
 * an NDK adapter, creates and closes a protection domain.
 */
#define _POSIX_C_SOURCE 200809L	/* nanosleep under -std=c11 */
#include <pthread.h>
#include <stdio.h>
#include <time.h>

#include <droce/droce.h>
#include <droce/ndk.h>

static int created, closed, status = -1;
static struct ndk_object_header *pd_obj;

static void
on_create(void *ctx, int st, struct ndk_object_header *obj)
{
	(void)ctx;
	status = st;
	pd_obj = obj;
	__atomic_store_n(&created, 1, __ATOMIC_RELEASE);
}

static void
on_close(void *ctx)
{
	(void)ctx;
	__atomic_store_n(&closed, 1, __ATOMIC_RELEASE);
}

static int
wait_for(int *flag)
{
	struct timespec ms = { 0, 1000000 };
	int i;

	for (i = 0; i < 5000 && !__atomic_load_n(flag, __ATOMIC_ACQUIRE); i++)
		nanosleep(&ms, NULL);
	return *flag ? 0 : -1;
}

static struct droce_engine *polled;
static int stop_polling;

/* The engine's one slot, polled by a thread of the application's own. */
static void *
poll_main(void *arg)
{
	(void)arg;
	while (!__atomic_load_n(&stop_polling, __ATOMIC_ACQUIRE))
		droce_engine_poll(polled, 0);
	droce_engine_slot_offline(polled, 0);
	return NULL;
}

/* The NDK API: an adapter, a PD created and closed through callbacks. */
static int
ndk_demo(struct droce_port *port)
{
	struct ndk_version want = { 2, 0 };
	struct ndk_adapter_info info;
	size_t size = sizeof(info);
	struct droce_engine *eng;
	struct ndk_adapter *ad;
	pthread_t poller;
	int ret;

	if (droce_engine_create(port, NULL, &eng) != 0)
		return 1;
	polled = eng;
	if (pthread_create(&poller, NULL, poll_main, NULL) != 0 ||
	    ndk_open_adapter(eng, want, NULL, &ad) != 0)
		return 1;
	ndk_query_adapter_info(ad, &info, &size);
	ret = ndk_create_pd(ad, on_create, NULL, NULL);
	if (ret != NDK_PENDING || wait_for(&created) != 0 || status != 0)
		return 1;
	ret = ndk_close(pd_obj, on_close, NULL);
	if (ret == NDK_PENDING && wait_for(&closed) != 0)
		return 1;
	printf("outside app: ndk %u.%u %s, pd created (status %d), pd closed\n",
	       info.version.major, info.version.minor,
	       info.rdma_technology == NDK_RDMA_ROCEV2 ? "RoCEv2" : "?", status);
	ndk_close_adapter(ad);
	__atomic_store_n(&stop_polling, 1, __ATOMIC_RELEASE);
	pthread_join(poller, NULL);
	droce_engine_destroy(eng);
	return 0;
}

int
main(int argc, char **argv)
{
	const char *vdev[] = { "net_null0" };
	struct droce_eal_conf ec = { .vdevs = vdev, .nb_vdevs = 1 };
	struct droce_port_conf pc = { .mtu = 9000 };
	struct droce_port *port;
	char buf[DROCE_ADDR_STRLEN];
	int ret;

	(void)argc;
	ret = droce_eal_init(argv[0], &ec);
	if (ret != 0) {
		fprintf(stderr, "eal: %s\n", droce_strerror(ret));
		return 1;
	}
	ret = droce_port_attach("net_null0", &pc, &port);
	if (ret != 0) {
		fprintf(stderr, "attach: %s\n", droce_strerror(ret));
		return 1;
	}
	ret = droce_port_addr_add(port, "2001:db8::7/64");
	droce_port_addr_get(port, ret, buf, sizeof(buf));
	printf("outside app: gid[%d] %s path_mtu %u\n", ret, buf, droce_port_path_mtu(port));
	if (ndk_demo(port) != 0) {
		fprintf(stderr, "ndk demo failed\n");
		return 1;
	}
	droce_port_detach(port);
	droce_eal_cleanup();
	return 0;
}
