/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Two droce ports in one process over net_ring: port A's transmit ring is port B's receive
 * ring and back. Frames B sends can be taken off A's ring directly, so replies are checked
 * byte by byte; A's own port layer is polled where a test wants A to react.
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rte_arp.h>
#include <rte_bus_vdev.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_icmp.h>
#include <rte_ring.h>

#include "port.h"
#include "roce_hdr.h"
#include "roce_pkt.h"

/* RTE_IPV4() shifts a signed int into the sign bit, which UBSan reports. */
#define IP4(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (c) << 8 | (d))

static const uint8_t mac_a[6] = { 0x02, 0, 0, 0, 0, 0x0a };
static const uint8_t mac_b[6] = { 0x02, 0, 0, 0, 0, 0x0b };
static struct rte_ring *a2b, *b2a;
static struct port *pa, *pb;
static uint16_t pid_a, pid_b;

/* RoCE frames B handed to its handler. */
static struct roce_pkt got[8];
static uint8_t got_payload[8][64];
static unsigned int nb_got;

static void
on_roce(void *arg, struct rte_mbuf *m, const struct roce_pkt *p)
{
	(void)arg;
	uint32_t n = RTE_MIN(p->payload_len, 64u);
	const void *d;

	if (nb_got < RTE_DIM(got)) {
		got[nb_got] = *p;
		/* Returns a pointer into m when contiguous, else copies into the buffer. */
		d = rte_pktmbuf_read(m, p->payload_off, n, got_payload[nb_got]);
		memmove(got_payload[nb_got], d, n);
		nb_got++;
	}
	rte_pktmbuf_free(m);
}

static void
addr(const char *s, uint8_t out[16])
{
	memset(out, 0, 16);
	if (strchr(s, ':') == NULL) {
		out[10] = out[11] = 0xff;
		ck_assert_int_eq(inet_pton(AF_INET, s, out + 12), 1);
	} else {
		ck_assert_int_eq(inet_pton(AF_INET6, s, out), 1);
	}
}

static uint64_t
xstat(struct port *p, const char *name)
{
	struct pmd_xstat xs[64];
	int i, n = port_xstats(p, xs, RTE_DIM(xs));

	ck_assert_int_le(n, (int)RTE_DIM(xs));
	for (i = 0; i < n; i++)
		if (strcmp(xs[i].name, name) == 0)
			return xs[i].value;
	ck_abort_msg("no counter %s", name);
	return 0;
}

/* Take one frame B sent off the ring towards A; NULL if none. */
static struct rte_mbuf *
take_from_b(void)
{
	void *m = NULL;

	return rte_ring_dequeue(b2a, &m) == 0 ? m : NULL;
}

static void
drain(void)
{
	struct rte_mbuf *m;

	while ((m = take_from_b()) != NULL)
		rte_pktmbuf_free(m);
}

/* Put a raw frame on B's receive ring, as if A had sent it, and let B poll. */
static void
inject_to_b(const void *frame, uint16_t len)
{
	struct rte_mempool *mp;
	struct rte_mbuf *m;
	char name[RTE_MEMPOOL_NAMESIZE];

	snprintf(name, sizeof(name), "droce_mb%u", pid_a);	/* A's pool, as if A sent it */
	mp = rte_mempool_lookup(name);
	ck_assert_ptr_nonnull(mp);
	m = rte_pktmbuf_alloc(mp);

	ck_assert_ptr_nonnull(m);
	memcpy(rte_pktmbuf_append(m, len), frame, len);
	ck_assert_int_eq(rte_ring_enqueue(a2b, m), 0);
	ck_assert_int_eq(port_poll(pb), 1);
}

static int
build_roce(uint8_t *buf, const char *dip, uint8_t opcode, const char *payload)
{
	struct roce_pkt p = { .opcode = opcode, .pkey = 0xffff, .dqpn = 0x12, .psn = 0xfffffe,
			      .hop_limit = 64, .sport = 0xc001, .ackreq = true };

	memcpy(p.smac.addr_bytes, mac_a, 6);
	memcpy(p.dmac.addr_bytes, mac_b, 6);
	addr("192.0.2.1", p.sip);
	addr(dip, p.dip);
	p.payload_len = strlen(payload);
	return roce_build(buf, 2048, &p, payload);
}

static void
setup(void)
{
	struct port_conf ca = { .set_mac = true, .neigh_tries = 3, .neigh_retry_ms = 20 };
	struct port_conf cb = ca;
	uint8_t a[16];

	a2b = rte_ring_create("a2b", 256, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
	b2a = rte_ring_create("b2a", 256, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
	ck_assert(a2b != NULL && b2a != NULL);
	pid_a = rte_eth_from_rings("ring_a", &b2a, 1, &a2b, 1, SOCKET_ID_ANY);
	pid_b = rte_eth_from_rings("ring_b", &a2b, 1, &b2a, 1, SOCKET_ID_ANY);
	memcpy(ca.mac, mac_a, 6);
	memcpy(cb.mac, mac_b, 6);
	/* rte_eth_from_rings() names its ethdev net_ring_<name>; attach finds it by name. */
	ck_assert_int_eq(port_attach("net_ring_ring_a", &ca, &pa), 0);
	ck_assert_int_eq(port_attach_id(pid_b, &cb, &pb), 0);
	addr("192.0.2.1", a);
	ck_assert_int_ge(port_addr_add(pa, a, 24), 1);
	addr("2001:db8::1", a);
	ck_assert_int_ge(port_addr_add(pa, a, 64), 1);
	addr("192.0.2.2", a);
	ck_assert_int_ge(port_addr_add(pb, a, 24), 1);
	addr("2001:db8::2", a);
	ck_assert_int_ge(port_addr_add(pb, a, 64), 1);
	port_set_roce_rx(pb, on_roce, NULL);
	nb_got = 0;
}

static void
teardown(void)
{
	drain();
	port_detach(pa);
	port_detach(pb);
	/* The ring vdevs outlive their ethdevs; remove them so the next case can remake them. */
	rte_vdev_uninit("net_ring_ring_a");
	rte_vdev_uninit("net_ring_ring_b");
	rte_ring_free(a2b);
	rte_ring_free(b2a);
}

/* Poll both ports until resolve stops saying -EAGAIN (bounded). */
static int
resolve(const char *s, uint8_t mac[6])
{
	uint64_t end = rte_get_timer_cycles() + 5 * rte_get_timer_hz();
	uint8_t a[16];
	int ret;

	addr(s, a);
	while (rte_get_timer_cycles() < end) {
		ret = port_neigh_resolve(pa, a, mac);
		if (ret != -EAGAIN)
			return ret;
		port_poll(pb);
		port_poll(pa);
	}
	return -EAGAIN;
}

START_TEST(test_resolve_arp_and_nd)
{
	uint8_t mac[6];

	ck_assert_int_eq(resolve("192.0.2.2", mac), 0);
	ck_assert_mem_eq(mac, mac_b, 6);
	ck_assert_int_eq(resolve("2001:db8::2", mac), 0);
	ck_assert_mem_eq(mac, mac_b, 6);
	ck_assert_uint_eq(xstat(pa, "arp_req_tx"), 1);
	ck_assert_uint_eq(xstat(pb, "arp_req_rx"), 1);
	ck_assert_uint_eq(xstat(pb, "arp_rep_tx"), 1);
	ck_assert_uint_eq(xstat(pa, "nd_ns_tx"), 1);
	ck_assert_uint_eq(xstat(pb, "nd_na_tx"), 1);
	ck_assert_uint_eq(xstat(pa, "neigh_resolved"), 2);
	/* Answered from the table now: nothing more on the wire. */
	ck_assert_int_eq(resolve("192.0.2.2", mac), 0);
	ck_assert_uint_eq(xstat(pa, "arp_req_tx"), 1);
}
END_TEST

/* Another thread asks (a control thread): the polling thread sends the requests. */
struct mt_ask {
	uint8_t a[16];
	uint8_t mac[6];
	int ret;
	int calls;
	bool done;
};

static void *
ask_main(void *arg)
{
	struct mt_ask *q = arg;
	uint64_t end = rte_get_timer_cycles() + 5 * rte_get_timer_hz();

	do {
		q->ret = port_neigh_resolve_mt(pa, q->a, q->mac);
		q->calls++;
		usleep(100);
	} while (q->ret == -EAGAIN && rte_get_timer_cycles() < end);
	__atomic_store_n(&q->done, true, __ATOMIC_RELEASE);
	return NULL;
}

START_TEST(test_resolve_from_other_thread)
{
	struct mt_ask q = { .ret = 1 };
	pthread_t t;

	addr("192.0.2.2", q.a);
	ck_assert_int_eq(pthread_create(&t, NULL, ask_main, &q), 0);
	while (!__atomic_load_n(&q.done, __ATOMIC_ACQUIRE)) {
		port_poll(pa);
		port_poll(pb);
	}
	pthread_join(t, NULL);
	ck_assert_int_eq(q.ret, 0);
	ck_assert_int_gt(q.calls, 1);		/* the first ask could not have an answer */
	ck_assert_mem_eq(q.mac, mac_b, 6);
	ck_assert_uint_eq(xstat(pa, "arp_req_tx"), 1);
	ck_assert_uint_eq(xstat(pa, "neigh_resolved"), 1);
}
END_TEST

START_TEST(test_resolve_silent_peer)
{
	uint8_t mac[6], a[16];

	ck_assert_int_eq(resolve("192.0.2.99", mac), -EHOSTUNREACH);
	ck_assert_uint_eq(xstat(pa, "arp_req_tx"), 3);
	ck_assert_uint_eq(xstat(pa, "neigh_failed"), 1);
	ck_assert_uint_eq(xstat(pb, "arp_req_rx"), 3);
	ck_assert_uint_eq(xstat(pb, "arp_rep_tx"), 0);
	/* Failure is held for one retry interval, then a new resolution starts. */
	addr("192.0.2.99", a);
	ck_assert_int_eq(port_neigh_resolve(pa, a, mac), -EHOSTUNREACH);
	usleep(30 * 1000);
	ck_assert_int_eq(port_neigh_resolve(pa, a, mac), -EAGAIN);
	ck_assert_uint_eq(xstat(pa, "arp_req_tx"), 4);
	ck_assert_int_eq(resolve("2001:db8::99", mac), -EHOSTUNREACH);
	ck_assert_uint_eq(xstat(pa, "nd_ns_tx"), 3);
}
END_TEST

START_TEST(test_resolve_bad_address)
{
	uint8_t mac[6], a[16];

	addr("224.0.0.1", a);
	ck_assert_int_eq(port_neigh_resolve(pa, a, mac), -EINVAL);
	addr("ff02::1", a);
	ck_assert_int_eq(port_neigh_resolve(pa, a, mac), -EINVAL);
	addr("192.0.2.1", a);
	ck_assert_int_eq(port_addr_del(pa, a), 0);
	addr("192.0.2.2", a);
	ck_assert_int_eq(port_neigh_resolve(pa, a, mac), -ENETUNREACH);
}
END_TEST

START_TEST(test_arp_reply_bytes)
{
	struct {
		struct rte_ether_hdr eth;
		struct rte_arp_hdr arp;
	} __rte_packed __rte_aligned(2) req = { 0 }, *rep;
	struct rte_mbuf *m;

	memset(&req.eth.dst_addr, 0xff, 6);
	memcpy(&req.eth.src_addr, mac_a, 6);
	req.eth.ether_type = RTE_BE16(RTE_ETHER_TYPE_ARP);
	req.arp.arp_hardware = RTE_BE16(RTE_ARP_HRD_ETHER);
	req.arp.arp_protocol = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	req.arp.arp_hlen = 6;
	req.arp.arp_plen = 4;
	req.arp.arp_opcode = RTE_BE16(RTE_ARP_OP_REQUEST);
	memcpy(&req.arp.arp_data.arp_sha, mac_a, 6);
	req.arp.arp_data.arp_sip = RTE_BE32(IP4(192, 0, 2, 1));
	req.arp.arp_data.arp_tip = RTE_BE32(IP4(192, 0, 2, 2));
	inject_to_b(&req, sizeof(req));
	m = take_from_b();
	ck_assert_ptr_nonnull(m);
	rep = rte_pktmbuf_mtod(m, void *);
	ck_assert_mem_eq(&rep->eth.dst_addr, mac_a, 6);
	ck_assert_mem_eq(&rep->eth.src_addr, mac_b, 6);
	ck_assert_uint_eq(rep->arp.arp_opcode, RTE_BE16(RTE_ARP_OP_REPLY));
	ck_assert_mem_eq(&rep->arp.arp_data.arp_sha, mac_b, 6);
	ck_assert_mem_eq(&rep->arp.arp_data.arp_tha, mac_a, 6);
	ck_assert_uint_eq(rep->arp.arp_data.arp_sip, RTE_BE32(IP4(192, 0, 2, 2)));
	ck_assert_uint_eq(rep->arp.arp_data.arp_tip, RTE_BE32(IP4(192, 0, 2, 1)));
	rte_pktmbuf_free(m);
	/* A request for an address B does not hold gets no answer. */
	req.arp.arp_data.arp_tip = RTE_BE32(IP4(192, 0, 2, 3));
	inject_to_b(&req, sizeof(req));
	ck_assert_ptr_null(take_from_b());
	ck_assert_uint_eq(xstat(pb, "arp_rep_tx"), 1);
	ck_assert_uint_eq(xstat(pb, "arp_req_rx"), 2);
}
END_TEST

static void
make_echo(uint8_t *f, uint16_t *len, bool good_csum)
{
	struct rte_ether_hdr *eth = (void *)f;
	struct rte_ipv4_hdr *ip = (void *)(eth + 1);
	struct rte_icmp_hdr *icmp = (void *)(ip + 1);
	uint8_t *data = (uint8_t *)(icmp + 1);

	memset(f, 0, 128);
	memcpy(&eth->dst_addr, mac_b, 6);
	memcpy(&eth->src_addr, mac_a, 6);
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = RTE_BE16(sizeof(*ip) + sizeof(*icmp) + 16);
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_ICMP;
	ip->src_addr = RTE_BE32(IP4(192, 0, 2, 1));
	ip->dst_addr = RTE_BE32(IP4(192, 0, 2, 2));
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	icmp->icmp_type = RTE_IP_ICMP_ECHO_REQUEST;
	icmp->icmp_ident = RTE_BE16(0x1234);
	icmp->icmp_seq_nb = RTE_BE16(7);
	memcpy(data, "0123456789abcdef", 16);
	icmp->icmp_cksum = ~rte_raw_cksum(icmp, sizeof(*icmp) + 16);
	if (!good_csum)
		icmp->icmp_cksum ^= 0x0100;
	*len = sizeof(*eth) + sizeof(*ip) + sizeof(*icmp) + 16;
}

START_TEST(test_icmp_echo_reply_bytes)
{
	uint8_t f[128];
	uint16_t len;
	struct rte_mbuf *m;
	struct rte_ipv4_hdr *ip;
	struct rte_icmp_hdr *icmp;

	make_echo(f, &len, true);
	inject_to_b(f, len);
	m = take_from_b();
	ck_assert_ptr_nonnull(m);
	ck_assert_uint_eq(rte_pktmbuf_pkt_len(m), len);
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, sizeof(struct rte_ether_hdr));
	icmp = (struct rte_icmp_hdr *)(ip + 1);
	ck_assert_uint_eq(ip->src_addr, RTE_BE32(IP4(192, 0, 2, 2)));
	ck_assert_uint_eq(ip->dst_addr, RTE_BE32(IP4(192, 0, 2, 1)));
	ck_assert_uint_eq(rte_raw_cksum(ip, sizeof(*ip)), 0xffff);
	ck_assert_uint_eq(icmp->icmp_type, RTE_IP_ICMP_ECHO_REPLY);
	ck_assert_uint_eq(icmp->icmp_ident, RTE_BE16(0x1234));
	ck_assert_uint_eq(icmp->icmp_seq_nb, RTE_BE16(7));
	ck_assert_uint_eq(rte_raw_cksum(icmp, sizeof(*icmp) + 16), 0xffff);
	ck_assert_mem_eq(icmp + 1, "0123456789abcdef", 16);
	rte_pktmbuf_free(m);
	/* A corrupted echo request is counted as malformed and not answered. */
	make_echo(f, &len, false);
	inject_to_b(f, len);
	ck_assert_ptr_null(take_from_b());
	ck_assert_uint_eq(xstat(pb, "rx_malformed"), 1);
	ck_assert_uint_eq(xstat(pb, "icmp_echo_tx"), 1);
}
END_TEST

START_TEST(test_roce_delivered_and_refused)
{
	char big[1501];
	uint8_t f[2048];
	int len;

	len = build_roce(f, "192.0.2.2", ROCE_OP_SEND_ONLY, "hello droce");
	inject_to_b(f, len);
	ck_assert_uint_eq(nb_got, 1);
	ck_assert_uint_eq(got[0].opcode, ROCE_OP_SEND_ONLY);
	ck_assert_uint_eq(got[0].dqpn, 0x12);
	ck_assert_uint_eq(got[0].psn, 0xfffffe);
	ck_assert(got[0].ackreq);
	ck_assert_uint_eq(got[0].payload_len, 11);
	ck_assert_mem_eq(got_payload[0], "hello droce", 11);
	ck_assert_uint_eq(xstat(pb, "roce_rx_ok"), 1);

	f[len - 20] ^= 0x01;		/* a payload byte: the ICRC no longer matches */
	inject_to_b(f, len);
	ck_assert_uint_eq(xstat(pb, "roce_drop_icrc"), 1);

	len = build_roce(f, "192.0.2.77", ROCE_OP_SEND_ONLY, "not for b");
	inject_to_b(f, len);
	ck_assert_uint_eq(xstat(pb, "rx_not_mine"), 1);

	/* 1500 bytes of payload make an IP packet above B's 1500-byte MTU. */
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	len = build_roce(f, "192.0.2.2", ROCE_OP_SEND_ONLY, big);
	inject_to_b(f, len);
	ck_assert_uint_eq(xstat(pb, "roce_drop_too_long"), 1);
	ck_assert_uint_eq(nb_got, 1);
}
END_TEST

START_TEST(test_other_traffic_counted)
{
	uint8_t f[64] = { 0 };

	memcpy(f, mac_b, 6);
	memcpy(f + 6, mac_a, 6);
	f[12] = 0x88;			/* local experimental EtherType 0x88b5 */
	f[13] = 0xb5;
	inject_to_b(f, sizeof(f));
	ck_assert_uint_eq(xstat(pb, "rx_other_dropped"), 1);
	f[0] = 0x04;			/* unicast to someone else */
	inject_to_b(f, sizeof(f));
	ck_assert_uint_eq(xstat(pb, "rx_not_mine"), 1);
	memcpy(f, mac_b, 6);
	f[12] = 0x08;			/* ARP cut short */
	f[13] = 0x06;
	inject_to_b(f, 20);
	ck_assert_uint_eq(xstat(pb, "rx_malformed"), 1);
	ck_assert_uint_eq(xstat(pb, "rx_pkts"), 3);
	ck_assert_ptr_null(take_from_b());
}
END_TEST

START_TEST(test_attach_errors)
{
	struct port_conf c = { .mtu = 200 };
	struct port *p;
	uint16_t pid;
	struct rte_ring *r = rte_ring_create("r_err", 64, SOCKET_ID_ANY, 0);

	ck_assert_int_eq(port_attach("net_ring_ring_a", NULL, &p), -EBUSY);
	ck_assert_int_eq(port_attach_id(pid_b, NULL, &p), -EBUSY);
	ck_assert_int_eq(port_attach("net_nosuchdriver0", NULL, &p), -ENODEV);
	ck_assert_int_eq(port_attach("", NULL, &p), -EINVAL);
	ck_assert_int_eq(port_attach_id(RTE_MAX_ETHPORTS - 1, NULL, &p), -ENODEV);
	pid = rte_eth_from_rings("ring_err", &r, 1, &r, 1, SOCKET_ID_ANY);
	ck_assert_int_eq(port_attach_id(pid, &c, &p), -EINVAL);
	c.mtu = 1500;
	c.nb_rxq = 4;			/* the ring port was made with one queue */
	ck_assert_int_eq(port_attach_id(pid, &c, &p), -EINVAL);
	c.nb_rxq = 1;
	ck_assert_int_eq(port_attach_id(pid, &c, &p), 0);
	ck_assert_uint_eq(port_path_mtu(p), 1024);
	port_detach(p);
	rte_vdev_uninit("net_ring_ring_err");
	rte_ring_free(r);
}
END_TEST

/*
 * Which transmit bursts are system calls: net_ring's are not, net_af_packet's are (on
 * loopback here; nothing is sent).
 */
START_TEST(test_tx_syscall)
{
	struct port *p;

	ck_assert(!port_tx_syscall(pa));
	ck_assert_int_eq(port_attach("net_af_packet_tx,iface=lo", NULL, &p), 0);
	ck_assert(port_tx_syscall(p));
	port_detach(p);
}
END_TEST

START_TEST(test_addr_table)
{
	uint8_t a[16], addrs[16][16], plen[16];
	int i, n;

	n = port_addrs(pb, addrs, plen, 16);
	ck_assert_int_eq(n, 3);		/* link-local, 192.0.2.2, 2001:db8::2 */
	ck_assert_uint_eq(addrs[0][0], 0xfe);
	ck_assert_uint_eq(addrs[0][8], mac_b[0] ^ 0x02);
	ck_assert_uint_eq(plen[0], 64);
	addr("192.0.2.2", a);
	ck_assert_int_eq(port_addr_add(pb, a, 24), -EEXIST);
	ck_assert_int_eq(port_addr_add(pb, a, 33), -EINVAL);
	addr("0.0.0.0", a);
	ck_assert_int_eq(port_addr_add(pb, a, 8), -EINVAL);
	addr("ff02::1", a);
	ck_assert_int_eq(port_addr_add(pb, a, 64), -EINVAL);
	for (i = 0; i < PORT_MAX_ADDRS - 3; i++) {
		addr("2001:db8:1::", a);
		a[15] = i + 1;
		ck_assert_int_eq(port_addr_add(pb, a, 64), 3 + i);
	}
	a[15] = 0x99;
	ck_assert_int_eq(port_addr_add(pb, a, 64), -ENOSPC);
	a[15] = 1;
	ck_assert_int_eq(port_addr_del(pb, a), 0);
	ck_assert_int_eq(port_addr_del(pb, a), -ENOENT);
}
END_TEST

START_TEST(test_path_mtu_from_mtu)
{
	ck_assert_uint_eq(port_path_mtu_from_mtu(336), 256);
	ck_assert_uint_eq(port_path_mtu_from_mtu(591), 256);
	ck_assert_uint_eq(port_path_mtu_from_mtu(592), 512);
	ck_assert_uint_eq(port_path_mtu_from_mtu(1500), 1024);
	ck_assert_uint_eq(port_path_mtu_from_mtu(2127), 1024);
	ck_assert_uint_eq(port_path_mtu_from_mtu(2128), 2048);
	ck_assert_uint_eq(port_path_mtu_from_mtu(4175), 2048);
	ck_assert_uint_eq(port_path_mtu_from_mtu(4176), 4096);
	ck_assert_uint_eq(port_path_mtu_from_mtu(9000), 4096);
}
END_TEST

int
main(void)
{
	char prefix[64];
	char *argv[] = { "test_port_ring", "--no-huge", "-m", "256", "--no-pci", "--no-shconf",
			 prefix, "--log-level=lib.eal:error", NULL };
	Suite *s = suite_create("port_ring");
	TCase *tc = tcase_create("port_ring");
	SRunner *sr;
	int failed;

	/* droce-<pid> as droce_eal_init() names it: a later one removes the directory DPDK
	 * leaves once this process is gone. */
	snprintf(prefix, sizeof(prefix), "--file-prefix=droce-%d", (int)getpid());
	if (rte_eal_init(RTE_DIM(argv) - 1, argv) < 0) {
		fprintf(stderr, "EAL init failed\n");
		return 1;
	}
	/* One EAL per process: cases run in this process, one after another. */
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_resolve_arp_and_nd);
	tcase_add_test(tc, test_resolve_silent_peer);
	tcase_add_test(tc, test_resolve_from_other_thread);
	tcase_add_test(tc, test_resolve_bad_address);
	tcase_add_test(tc, test_arp_reply_bytes);
	tcase_add_test(tc, test_icmp_echo_reply_bytes);
	tcase_add_test(tc, test_roce_delivered_and_refused);
	tcase_add_test(tc, test_other_traffic_counted);
	tcase_add_test(tc, test_attach_errors);
	tcase_add_test(tc, test_tx_syscall);
	tcase_add_test(tc, test_addr_table);
	tcase_add_test(tc, test_path_mtu_from_mtu);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	rte_eal_cleanup();
	return failed ? 1 : 0;
}
