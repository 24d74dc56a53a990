/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the harness's engines put on the wire to QP1, written to a classic pcap file for
 * tshark: a transmit callback on both net_ring ports keeps every RoCEv2 frame whose BTH
 * names destination QP 1 (the CM's MADs). Both engines' lcores call it, so one mutex
 * guards the file; this is test instrumentation, never on a measured path.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <rte_byteorder.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "ndk_harness.h"

#define SNAP		2048
#define ROCE_PORT	4791

static FILE *pcap;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static const struct rte_eth_rxtx_callback *cbs[2];

/* The destination QPN of a RoCEv2 frame (plain Ethernet, IPv4 or IPv6), or -1. */
static long
dest_qpn(const uint8_t *f, uint32_t len)
{
	uint32_t l3 = 14, l4;
	uint16_t type;

	if (len < l3 + 40)
		return -1;
	type = (uint16_t)(f[12] << 8 | f[13]);
	if (type == 0x0800 && f[l3 + 9] == 17)
		l4 = l3 + (uint32_t)(f[l3] & 0xf) * 4;
	else if (type == 0x86dd && f[l3 + 6] == 17)
		l4 = l3 + 40;
	else
		return -1;
	if (len < l4 + 8 + 12 || (f[l4 + 2] << 8 | f[l4 + 3]) != ROCE_PORT)
		return -1;
	return (long)f[l4 + 8 + 5] << 16 | f[l4 + 8 + 6] << 8 | f[l4 + 8 + 7];
}

static void
put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);		/* pcap records in host order, told by the magic */
}

static uint16_t
on_tx(uint16_t port, uint16_t queue, struct rte_mbuf **pkts, uint16_t n, void *arg)
{
	uint8_t buf[SNAP], rec[16];
	struct timespec ts;
	uint16_t i;

	RTE_SET_USED(port);
	RTE_SET_USED(queue);
	RTE_SET_USED(arg);
	for (i = 0; i < n; i++) {
		uint32_t len = rte_pktmbuf_pkt_len(pkts[i]), cap = RTE_MIN(len, (uint32_t)SNAP);
		const uint8_t *f = rte_pktmbuf_read(pkts[i], 0, cap, buf);

		if (f == NULL || dest_qpn(f, cap) != 1)
			continue;
		clock_gettime(CLOCK_REALTIME, &ts);
		put32(rec, (uint32_t)ts.tv_sec);
		put32(rec + 4, (uint32_t)(ts.tv_nsec / 1000));
		put32(rec + 8, cap);
		put32(rec + 12, len);
		pthread_mutex_lock(&lock);
		if (pcap != NULL && (fwrite(rec, 16, 1, pcap) != 1 || fwrite(f, cap, 1, pcap) != 1))
			fprintf(stderr, "nh_capture: write failed\n");
		pthread_mutex_unlock(&lock);
	}
	return n;
}

int
nh_capture_start(const char *path)
{
	uint8_t hdr[24] = { 0 };
	int i;

	pcap = fopen(path, "wb");
	if (pcap == NULL)
		return -1;
	put32(hdr, 0xa1b2c3d4);
	hdr[4] = 2;			/* version 2.4, little-endian on x86 */
	hdr[6] = 4;
	put32(hdr + 16, SNAP);
	put32(hdr + 20, 1);		/* LINKTYPE_ETHERNET */
	if (fwrite(hdr, sizeof(hdr), 1, pcap) != 1)
		return -1;
	for (i = 0; i < 2; i++) {
		cbs[i] = rte_eth_add_tx_callback(droce_port_id(nh_port[i]), 0, on_tx, NULL);
		if (cbs[i] == NULL)
			return -1;
	}
	return 0;
}

void
nh_capture_stop(void)
{
	int i;

	for (i = 0; i < 2; i++)
		if (cbs[i] != NULL)
			(void)rte_eth_remove_tx_callback(droce_port_id(nh_port[i]), 0, cbs[i]);
	pthread_mutex_lock(&lock);
	if (pcap != NULL)
		fclose(pcap);
	pcap = NULL;
	pthread_mutex_unlock(&lock);
}
