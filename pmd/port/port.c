/* SPDX-License-Identifier: BSD-3-Clause */
/* Port layer: attach an ethdev, own its queues, classify what arrives. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_bus.h>
#include <rte_dev.h>
#include <rte_ethdev.h>
#include <rte_malloc.h>

#include "port_pvt.h"
#include "roce_hdr.h"

RTE_LOG_REGISTER(port_logtype, droce.port, INFO);

#define DEF_DESC	1024
#define DEF_MBUFS	8192
#define DEF_MTU		1500
#define MBUF_CACHE	256
/* Linux rxe reserves 80 bytes of headers when it derives the path MTU (rxe_net.c). */
#define ROCE_HDR_RESERVE	80

const char *const port_ctr_names[PORT_CTR_MAX] = {
	[PORT_RX_PKTS] = "rx_pkts",
	[PORT_RX_BYTES] = "rx_bytes",
	[PORT_TX_PKTS] = "tx_pkts",
	[PORT_TX_BYTES] = "tx_bytes",
	[PORT_TX_DROPS] = "tx_drops",
	[PORT_RX_NOT_MINE] = "rx_not_mine",
	[PORT_RX_OTHER] = "rx_other_dropped",
	[PORT_RX_MALFORMED] = "rx_malformed",
	[PORT_ARP_REQ_RX] = "arp_req_rx",
	[PORT_ARP_REP_RX] = "arp_rep_rx",
	[PORT_ARP_REQ_TX] = "arp_req_tx",
	[PORT_ARP_REP_TX] = "arp_rep_tx",
	[PORT_ND_NS_RX] = "nd_ns_rx",
	[PORT_ND_NA_RX] = "nd_na_rx",
	[PORT_ND_NS_TX] = "nd_ns_tx",
	[PORT_ND_NA_TX] = "nd_na_tx",
	[PORT_ICMP_ECHO_RX] = "icmp_echo_rx",
	[PORT_ICMP_ECHO_TX] = "icmp_echo_tx",
	[PORT_ICMP6_ECHO_RX] = "icmp6_echo_rx",
	[PORT_ICMP6_ECHO_TX] = "icmp6_echo_tx",
	[PORT_NEIGH_RESOLVED] = "neigh_resolved",
	[PORT_NEIGH_FAILED] = "neigh_failed",
	[PORT_NO_MBUF] = "no_mbuf",
	[PORT_MEMIF_PAGES_FAULTED] = "memif_pages_faulted",
};

/* Ports attached by this process; attach twice is a caller error. */
static bool attached[RTE_MAX_ETHPORTS];

uint32_t
port_path_mtu_from_mtu(uint32_t mtu)
{
	uint32_t pmtu;

	/* IB MTUs are 256 << n, n = 0..4 (IBA 7.7.1). */
	for (pmtu = 4096; pmtu > 256; pmtu >>= 1)
		if (pmtu + ROCE_HDR_RESERVE <= mtu)
			break;
	return pmtu;
}

static int
make_pool(struct port *port, const struct port_conf *c, int socket)
{
	char name[RTE_MEMPOOL_NAMESIZE];
	uint32_t n = c->nb_mbufs ? c->nb_mbufs : DEF_MBUFS;
	uint32_t room = RTE_MAX((uint32_t)RTE_MBUF_DEFAULT_BUF_SIZE,
				(uint32_t)(RTE_PKTMBUF_HEADROOM + port->mtu + RTE_ETHER_HDR_LEN +
					   RTE_VLAN_HLEN + RTE_ETHER_CRC_LEN));

	if (room > UINT16_MAX)
		return -EINVAL;
	snprintf(name, sizeof(name), "droce_mb%u", port->port_id);
	port->pool = rte_pktmbuf_pool_create(name, n, RTE_MIN((uint32_t)MBUF_CACHE, n / 2),
					     0, room, socket);
	return port->pool == NULL ? -rte_errno : 0;
}

/*
 * Largest MTU the device takes. Some PMDs (af_packet, memif) state only a maximum frame
 * length; ethdev then assumes Ethernet header + CRC of overhead, and so do we.
 */
static uint16_t
dev_max_mtu(const struct rte_eth_dev_info *info)
{
	uint32_t overhead = RTE_ETHER_HDR_LEN + RTE_ETHER_CRC_LEN;

	if (info->max_mtu != UINT16_MAX && info->max_rx_pktlen > info->max_mtu)
		overhead = info->max_rx_pktlen - info->max_mtu;
	if (info->max_rx_pktlen < overhead)
		return 0;
	return RTE_MIN((uint32_t)info->max_mtu, info->max_rx_pktlen - overhead);
}

static int
check_conf(const struct port *port, const struct port_conf *c,
	   const struct rte_eth_dev_info *info)
{
	if (port->mtu < info->min_mtu || port->mtu > dev_max_mtu(info)) {
		PORT_LOG(ERR, "%s: MTU %u outside the device range %u..%u", port->devname,
			 port->mtu, info->min_mtu, dev_max_mtu(info));
		return -EINVAL;
	}
	if (port->mtu < 256 + ROCE_HDR_RESERVE) {
		PORT_LOG(ERR, "%s: MTU %u below the smallest RoCE path MTU (256 + %u)",
			 port->devname, port->mtu, ROCE_HDR_RESERVE);
		return -EINVAL;
	}
	if (port->nb_rxq > info->max_rx_queues || port->nb_txq > info->max_tx_queues) {
		PORT_LOG(ERR, "%s: %u rx / %u tx queues asked, device has %u / %u",
			 port->devname, port->nb_rxq, port->nb_txq, info->max_rx_queues,
			 info->max_tx_queues);
		return -EINVAL;
	}
	if (c->nb_mbufs != 0 && c->nb_mbufs < 2u * PORT_BURST * (port->nb_rxq + 1)) {
		PORT_LOG(ERR, "%s: %u mbufs is too few", port->devname, c->nb_mbufs);
		return -EINVAL;
	}
	return 0;
}

static int
setup_queues(struct port *port, const struct port_conf *c, int socket)
{
	uint16_t rxd = c->nb_rxd ? c->nb_rxd : DEF_DESC;
	uint16_t txd = c->nb_txd ? c->nb_txd : DEF_DESC;
	uint16_t q;
	int ret;

	ret = rte_eth_dev_adjust_nb_rx_tx_desc(port->port_id, &rxd, &txd);
	for (q = 0; ret == 0 && q < port->nb_rxq; q++)
		ret = rte_eth_rx_queue_setup(port->port_id, q, rxd, socket, NULL, port->pool);
	for (q = 0; ret == 0 && q < port->nb_txq; q++)
		ret = rte_eth_tx_queue_setup(port->port_id, q, txd, socket, NULL);
	return ret;
}

static int
configure(struct port *port, const struct port_conf *c)
{
	struct rte_eth_conf ec = { 0 };
	struct rte_eth_dev_info info;
	int socket = rte_eth_dev_socket_id(port->port_id);
	int ret;

	if (socket < 0)
		socket = SOCKET_ID_ANY;
	ret = rte_eth_dev_info_get(port->port_id, &info);
	if (ret != 0)
		return ret;
	port->mtu = c->mtu ? c->mtu : RTE_MIN((uint16_t)DEF_MTU, dev_max_mtu(&info));
	ret = check_conf(port, c, &info);
	if (ret != 0)
		return ret;
	ec.rxmode.mtu = port->mtu;
	if (port->nb_rxq > 1) {
		/* Spread flows by UDP source port, the RoCEv2 entropy field. */
		ec.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		ec.rx_adv_conf.rss_conf.rss_hf = info.flow_type_rss_offloads &
			(RTE_ETH_RSS_NONFRAG_IPV4_UDP | RTE_ETH_RSS_NONFRAG_IPV6_UDP | RTE_ETH_RSS_IP);
	}
	ec.txmode.offloads = info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
	ret = rte_eth_dev_configure(port->port_id, port->nb_rxq, port->nb_txq, &ec);
	if (ret != 0)
		return ret;
	ret = make_pool(port, c, socket);
	if (ret != 0)
		return ret;
	return setup_queues(port, c, socket);
}

static void
set_mac(struct port *port, const struct port_conf *c)
{
	struct rte_ether_addr mac;
	int ret;

	if (!c->set_mac) {
		rte_eth_macaddr_get(port->port_id, &port->mac);
		return;
	}
	memcpy(mac.addr_bytes, c->mac, RTE_ETHER_ADDR_LEN);
	port->mac = mac;
	ret = rte_eth_dev_default_mac_addr_set(port->port_id, &mac);
	if (ret != 0)
		PORT_LOG(INFO, "%s: device keeps its MAC (%s); droce uses the one configured",
			 port->devname, strerror(-ret));
	/* Receive our configured MAC even where the device cannot filter on it. */
	if (ret != 0 && rte_eth_promiscuous_enable(port->port_id) != 0)
		PORT_LOG(WARNING, "%s: cannot enable promiscuous mode", port->devname);
}

/* IPv6 link-local address from the MAC, modified EUI-64 (RFC 4291 appendix A). */
static void
link_local(const struct rte_ether_addr *mac, uint8_t a[16])
{
	memset(a, 0, 16);
	a[0] = 0xfe;
	a[1] = 0x80;
	a[8] = mac->addr_bytes[0] ^ 0x02;
	a[9] = mac->addr_bytes[1];
	a[10] = mac->addr_bytes[2];
	a[11] = 0xff;
	a[12] = 0xfe;
	a[13] = mac->addr_bytes[3];
	a[14] = mac->addr_bytes[4];
	a[15] = mac->addr_bytes[5];
}

static int
start(struct port *port, const struct port_conf *c)
{
	uint8_t ll[16];
	int ret;

	ret = configure(port, c);
	if (ret != 0)
		return ret;
	ret = rte_eth_dev_start(port->port_id);
	if (ret != 0)
		return ret;
	port->started = true;
	set_mac(port, c);
	/* IPv6 neighbour solicitations arrive on solicited-node multicast MACs. */
	ret = rte_eth_allmulticast_enable(port->port_id);
	if (ret != 0 && ret != -ENOTSUP)
		PORT_LOG(WARNING, "%s: cannot enable all-multicast: %s", port->devname,
			 strerror(-ret));
	port->path_mtu = port_path_mtu_from_mtu(port->mtu);
	port->parse_ctx.mtu = port->mtu;
	port->parse_ctx.verify_icrc = true;
	roce_icrc_cache_init(&port->icrc_cache);
	port->parse_ctx.icrc_cache = &port->icrc_cache;
	link_local(&port->mac, ll);
	ret = port_addr_add(port, ll, 64);
	return ret < 0 ? ret : 0;
}

/*
 * The PMDs whose rte_eth_tx_burst() enters the kernel on every call: one sendto() a burst
 * (net_af_xdp, net_af_packet), a write a packet (net_tap, where a larger burst saves
 * nothing but costs nothing either).
 */
static bool
tx_is_syscall(uint16_t port_id)
{
	static const char *const drivers[] = { "net_af_xdp", "net_af_packet", "net_tap" };
	struct rte_eth_dev_info info;
	unsigned int i;

	if (rte_eth_dev_info_get(port_id, &info) != 0 || info.driver_name == NULL)
		return false;
	for (i = 0; i < RTE_DIM(drivers); i++)
		if (strcmp(info.driver_name, drivers[i]) == 0)
			return true;
	return false;
}

int
port_attach_id(uint16_t port_id, const struct port_conf *conf,
		   struct port **out)
{
	static const struct port_conf defaults;
	const struct port_conf *c = conf != NULL ? conf : &defaults;
	struct port *port;
	char nbuf[32];
	int ret;

	if (!rte_eth_dev_is_valid_port(port_id))
		return -ENODEV;
	if (attached[port_id])
		return -EBUSY;
	port = rte_zmalloc("droce_port", sizeof(*port), RTE_CACHE_LINE_SIZE);
	if (port == NULL)
		return -ENOMEM;
	port->port_id = port_id;
	rte_eth_dev_get_name_by_port(port_id, port->devname);
	port->nb_rxq = c->nb_rxq ? c->nb_rxq : 1;
	port->nb_txq = c->nb_txq ? c->nb_txq : 1;
	port->neigh_tries = c->neigh_tries ? c->neigh_tries : 3;
	port->neigh_retry_ms = c->neigh_retry_ms ? c->neigh_retry_ms : 1000;
	port->roce_cb = port_default_roce_rx;
	port->memif = port_is_memif(port_id);
	port->tx_syscall = tx_is_syscall(port_id);
	snprintf(nbuf, sizeof(nbuf), "droce_nb%u", port_id);
	port->neigh = neigh_create(nbuf, rte_eth_dev_socket_id(port_id));
	ret = port->neigh == NULL ? -ENOMEM : start(port, c);
	if (ret != 0) {
		PORT_LOG(ERR, "%s: attach failed: %s", port->devname, strerror(-ret));
		if (port->started)
			rte_eth_dev_stop(port_id);
		neigh_free(port->neigh);
		rte_mempool_free(port->pool);
		rte_free(port);
		return ret;
	}
	attached[port_id] = true;
	port_tel_add(port);
	*out = port;
	return 0;
}

/* Unplug a device attach probed; its driver's remove closes the ethdev. */
static void
unplug(uint16_t port_id)
{
	struct rte_eth_dev_info info;

	if (rte_eth_dev_info_get(port_id, &info) == 0 && info.device != NULL)
		rte_dev_remove(info.device);
}

/*
 * net_af_xdp's busy_budget defaults to 64, which turns on the kernel's preferred busy
 * polling: an empty receive poll is then a recvfrom() that busy-polls in the kernel, and
 * an 8 B send_lat over a veth pair took 9-12 us a half round trip here against 5 us with
 * 0 (rates the same). droce takes 0 unless the devargs name a budget.
 */
int
port_devargs(const char *devargs, char *out, size_t len)
{
	bool xdp = strncmp(devargs, "net_af_xdp", strlen("net_af_xdp")) == 0 &&
		   strstr(devargs, "busy_budget=") == NULL;
	int n = snprintf(out, len, "%s%s", devargs, xdp ? ",busy_budget=0" : "");

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int
port_attach(const char *devargs, const struct port_conf *conf, struct port **out)
{
	char name[RTE_ETH_NAME_MAX_LEN], args[PORT_DEVARGS_MAX];
	uint16_t port_id;
	bool hot = false;
	int ret;

	if (devargs == NULL || devargs[0] == '\0' || strlen(devargs) > 1024 ||
	    port_devargs(devargs, args, sizeof(args)) != 0)
		return -EINVAL;
	snprintf(name, sizeof(name), "%.*s", (int)strcspn(devargs, ","), devargs);
	if (rte_eth_dev_get_port_by_name(name, &port_id) != 0) {
		ret = rte_dev_probe(args);
		if (ret != 0) {
			/* The EAL says -EFAULT or -ENOENT for an unknown driver or bad devargs. */
			PORT_LOG(ERR, "%s: cannot probe: %s", devargs, strerror(-ret));
			return ret == -ENOMEM ? ret : -ENODEV;
		}
		if (rte_eth_dev_get_port_by_name(name, &port_id) != 0) {
			PORT_LOG(ERR, "%s: probed, but no ethdev is named %s", devargs, name);
			return -ENODEV;
		}
		hot = true;
	}
	ret = port_attach_id(port_id, conf, out);
	if (ret != 0 && hot)
		unplug(port_id);
	if (ret == 0)
		(*out)->hotplugged = hot;
	return ret;
}

void
port_detach(struct port *port)
{
	if (port == NULL)
		return;
	/* First: when this returns no telemetry request is reading the port. */
	port_tel_del(port);
	port_memif_take_turn(port);
	rte_eth_dev_stop(port->port_id);
	if (port->hotplugged)
		unplug(port->port_id);
	attached[port->port_id] = false;
	neigh_free(port->neigh);
	rte_mempool_free(port->pool);
	rte_free(port);
}
