/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DROCE_H
#define DROCE_H

/**
 * @file
 * droce environment and ports: start DPDK's EAL without the caller needing to know its
 * arguments, attach an ethdev as a RoCEv2 port, give it addresses (its GID table), resolve
 * neighbours, read counters.
 *
 * Return values: 0 (or a count / index) on success, a negative errno on failure;
 * droce_strerror() names them. Unless a function says otherwise, a port's functions are
 * called from the one thread that polls it (droce_port_poll()); they never block.
 */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Longest text form of an address, with prefix: IPv6 + "/128". */
#define DROCE_ADDR_STRLEN	50
/** Longest counter name. */
#define DROCE_XSTAT_NAME_LEN	64

/** How droce starts DPDK's EAL. Zero-initialise and fill in what you need. */
struct droce_eal_conf {
	const char *const *vdevs;	/**< devargs for --vdev, e.g. "net_memif0,role=server" */
	unsigned int nb_vdevs;
	const char *const *pci;		/**< PCI addresses to use; none means --no-pci */
	unsigned int nb_pci;
	const char *lcores;		/**< EAL --lcores list; NULL = one lcore on any CPU */
	const char *extra;		/**< more EAL arguments, space separated; they win */
	bool hugepages;			/**< false (default): --no-huge with mem_mb of memory */
	unsigned int mem_mb;		/**< memory without hugepages; 0 = 1024 */
	const char *file_prefix;	/**< NULL = "droce-<pid>", unique per process */
};

/**
 * Build the EAL argument vector droce_eal_init() would use.
 *
 * @param prog    argv[0] to pass (program name).
 * @param conf    the configuration; NULL means all defaults.
 * @param argv    receives a NULL-terminated, malloc'ed vector; free with droce_eal_argv_free().
 * @return the number of arguments, -EINVAL (bad conf) or -ENOMEM.
 * Any thread; no EAL needed.
 */
int droce_eal_argv(const char *prog, const struct droce_eal_conf *conf, char ***argv);
void droce_eal_argv_free(char **argv);

/**
 * Start DPDK's EAL for a droce application: no hugepages unless asked, a file prefix of
 * its own, PCI scanning only for the devices named. An application that already called
 * rte_eal_init() skips this.
 *
 * With the default file prefix (droce-<pid>) it first removes the droce-<pid> runtime
 * directories (/var/run/dpdk for root) of processes that no longer exist (PIDs as this
 * PID namespace sees them: name the prefix where namespaces share that directory), and
 * droce_eal_cleanup() removes this process's own: DPDK 22.11 leaves them behind.
 *
 * @return 0, -EALREADY (EAL already running), -EINVAL, or the EAL's error.
 * Call once, from the main thread, before any other droce call.
 */
int droce_eal_init(const char *prog, const struct droce_eal_conf *conf);

/**
 * Release the EAL started by droce_eal_init(), and the runtime directory it named for
 * this process (not one named by file_prefix or an --file-prefix in extra). Detach every
 * port first.
 */
int droce_eal_cleanup(void);

/** Opaque RoCEv2 port. */
struct droce_port;

/** Port settings. Zero-initialise: every 0 means the default given. */
struct droce_port_conf {
	uint16_t nb_rxq;		/**< receive queues; 0 = 1 */
	uint16_t nb_txq;		/**< transmit queues; 0 = 1 */
	uint16_t nb_rxd;		/**< receive descriptors; 0 = 1024 */
	uint16_t nb_txd;		/**< transmit descriptors; 0 = 1024 */
	uint32_t nb_mbufs;		/**< mbufs in the port's pool; 0 = 8192 */
	uint16_t mtu;			/**< IP MTU; 0 = 1500 or the device maximum if lower */
	const uint8_t *mac;		/**< 6 bytes to use instead of the device MAC, or NULL */
	uint8_t neigh_tries;		/**< ARP/ND requests before a peer is unreachable; 0 = 3 */
	uint16_t neigh_retry_ms;	/**< between requests; 0 = 1000 */
};

/**
 * Attach an ethdev as a droce port, configure its queues and mbuf pool and start it.
 *
 * @param devargs a device the EAL already knows (a --vdev, a net_ring port made with
 *                rte_eth_from_rings()) named by its ethdev name, or devargs to hot-plug:
 *                "net_af_packet0,iface=veth0", "net_memif0,role=client,socket=/tmp/m.sock",
 *                "net_af_xdp0,iface=veth0", "net_tap0", "0000:01:00.0".
 * @param conf    settings, or NULL for defaults.
 * @param out     receives the port.
 * @return 0; -ENODEV (no such device), -EBUSY (already attached), -EINVAL (bad devargs or
 *         conf: MTU outside the device's range, too many queues), -ENOMEM.
 * Main thread; EAL started.
 */
int droce_port_attach(const char *devargs, const struct droce_port_conf *conf,
		      struct droce_port **out);

/** Attach by ethdev port id (e.g. a port an embedding application set up). As above. */
int droce_port_attach_id(uint16_t port_id, const struct droce_port_conf *conf,
			 struct droce_port **out);

/**
 * Stop the device and free the port; a hot-plugged device is removed. NULL is ignored.
 * A net_memif port takes turns with its peer (DPDK 22.11's memif crashes
 * when both ends close at once or one closes under the other's poller): the role=client
 * end waits 300 ms for the peer to stop polling, the server end until the client's close
 * took its link down (at most 5 s). Detach after the port's engine stopped polling.
 */
void droce_port_detach(struct droce_port *port);

/** The port's MAC address. */
void droce_port_mac(const struct droce_port *port, uint8_t mac[6]);
/** The IP MTU the port was configured with. */
uint16_t droce_port_mtu(const struct droce_port *port);
/**
 * The RoCE path MTU in bytes (256, 512, 1024, 2048 or 4096): the largest that fits the port
 * MTU after 80 bytes of headers, as Linux rxe computes it (1500 gives 1024, 4200+ gives 4096).
 */
uint32_t droce_port_path_mtu(const struct droce_port *port);
/** The ethdev port id. */
uint16_t droce_port_id(const struct droce_port *port);

/**
 * Add an address to the port's GID table: "192.0.2.1/24" or "2001:db8::1/64" (without a
 * prefix: /32 or /128). Entry 0 is the IPv6 link-local address made from the MAC.
 * @return the GID index; -EINVAL (unparsable, multicast, unspecified, bad prefix),
 *         -EEXIST, -ENOSPC (16 entries).
 */
int droce_port_addr_add(struct droce_port *port, const char *addr);
/** Remove an address ("192.0.2.1"). @return 0, -EINVAL or -ENOENT. */
int droce_port_addr_del(struct droce_port *port, const char *addr);
/**
 * Text form ("a.b.c.d/len" or "x::y/len") of GID table entry i into buf.
 * @return 0, -ENOENT (no entry i) or -ENOSPC (buf too small).
 */
int droce_port_addr_get(const struct droce_port *port, unsigned int i, char *buf,
			size_t len);

/**
 * One poll iteration: receive on every queue, answer ARP, neighbour solicitations and
 * ICMP/ICMPv6 echo, count and drop other traffic, run neighbour retries.
 * @return the number of frames handled (0 when idle).
 */
int droce_port_poll(struct droce_port *port);

/**
 * Look up a neighbour's MAC, starting ARP (IPv4) or neighbour discovery (IPv6) if needed.
 * @return 0 with mac filled; -EAGAIN while resolution is in flight (poll the port and ask
 *         again); -EHOSTUNREACH when the peer did not answer any request; -ENETUNREACH
 *         when the port has no address of that family; -EINVAL for a bad address;
 *         -ENOSPC when the neighbour table is full.
 */
int droce_port_resolve(struct droce_port *port, const char *addr, uint8_t mac[6]);

/**
 * droce_port_resolve(), polling the port until it answers or timeout_ms passes.
 * @return as droce_port_resolve(), or -ETIMEDOUT. Blocks (busy-polls) up to timeout_ms.
 */
int droce_port_resolve_wait(struct droce_port *port, const char *addr, uint8_t mac[6],
			    unsigned int timeout_ms);

/** A named counter. */
struct droce_xstat {
	char name[DROCE_XSTAT_NAME_LEN];
	uint64_t value;
};

/**
 * The port's counters: frames and bytes, ARP/ND/ICMP, neighbour resolution, and one
 * counter per reason a RoCEv2 frame is refused (roce_drop_icrc, roce_drop_trunc_bth, ...).
 * @return the number of counters (fills at most n; call with n = 0 to size the array).
 */
int droce_port_xstats(const struct droce_port *port, struct droce_xstat *xs, unsigned int n);

/** Value of the counter called name, or -ENOENT. */
int64_t droce_port_xstat(const struct droce_port *port, const char *name);

/** Print addresses, MTUs, neighbours and non-zero counters. */
void droce_port_dump(const struct droce_port *port, FILE *f);

/** Opaque RoCEv2 engine: the transport running on a port, in poll slots. */
struct droce_engine;

/** Engine settings. Zero-initialise. */
struct droce_engine_conf {
	unsigned int nb_slots;		/**< poll slots; 0 = 1; the port needs as many txqs */
	/**
	 * Run slot i on EAL worker lcore lcores[i] until droce_engine_destroy(). NULL: the
	 * application polls each slot itself with droce_engine_poll().
	 */
	const unsigned int *lcores;
	const char *name;		/**< unique per process, < 16 chars; NULL = "eng<n>" */
	uint32_t line_mbps;		/**< link rate congestion control recovers to; 0 = 100000 */
	/**
	 * Connection management (IBA 12.6.4/12.7.2): the CM response timeout advertised in
	 * our REQs and waited before our REQ is sent again, 4.096 us * 2^cm_timeout (0 = 20,
	 * about 4.3 s, as rdma_cm; at most 31). A REP or DREQ waits what the peer advertised.
	 */
	uint8_t cm_timeout;
	/** CM retransmissions before a silent peer is given up on; 0 = 15 (rdma_cm), max 15. */
	uint8_t cm_retries;
	/**
	 * A slot on an lcore gives its CPU away (sched_yield()) after a poll that found no
	 * work. For lcores that share a CPU with other busy threads (a test thread, a second
	 * process on a small host): a spinning slot would otherwise hold the CPU for a whole
	 * scheduler slice while the thread it shares with waits. Leave it false on
	 * dedicated cores, where it only costs a system call per idle poll.
	 */
	bool idle_yield;
};

/**
 * Start a RoCEv2 engine on an attached port. From now on slot 0 polls the port (ARP, ND,
 * ping and RoCE); do not call droce_port_poll() any more.
 * @return 0 and *out; -EINVAL (bad conf: too many slots for the port's tx queues, name
 *         too long, cm_timeout above 31, cm_retries above 15), -EBUSY (an lcore is not a free worker lcore), -ENOMEM.
 * Main thread.
 */
int droce_engine_create(struct droce_port *port, const struct droce_engine_conf *conf,
			struct droce_engine **out);

/**
 * One poll iteration of a slot the application runs itself (conf.lcores NULL), from the
 * one thread that runs that slot. CQ notification callbacks may run inside it.
 * @return the packets handled (0 when idle), or -EINVAL (no such slot, or lcores run it).
 */
int droce_engine_poll(struct droce_engine *eng, unsigned int slot);

/**
 * The thread polling a slot stops polling for a while (it would block): tell the engine,
 * so closes do not wait for it. The next droce_engine_poll() resumes.
 */
void droce_engine_slot_offline(struct droce_engine *eng, unsigned int slot);

/** Engine counter by name (retransmissions, NAKs, ...), or -ENOENT. Any thread. */
int64_t droce_engine_xstat(const struct droce_engine *eng, const char *name);

/**
 * Stop the lcores and free the engine. Close every adapter opened on it first.
 * Main thread; blocks until the lcores stopped.
 */
void droce_engine_destroy(struct droce_engine *eng);

/**
 * Parse "a.b.c.d[/len]" or "x:y::z[/len]" into a 16-byte address (IPv4 as ::ffff:a.b.c.d)
 * and prefix length (IPv4 prefixes count IPv4 bits). prefix_len may be NULL, in which case
 * a prefix is refused. @return 0 or -EINVAL. Any thread.
 */
int droce_addr_parse(const char *s, uint8_t addr[16], uint8_t *prefix_len);
/** Text form of a 16-byte address, IPv4-mapped shown as IPv4. @return buf. Any thread. */
const char *droce_addr_format(const uint8_t addr[16], char *buf, size_t len);

/** A short description of a negative errno returned by droce ("peer did not answer"...). */
const char *droce_strerror(int err);

#ifdef __cplusplus
}
#endif

#endif /* DROCE_H */
