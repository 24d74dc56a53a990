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
 * called from the one thread that owns it: the thread that polls it with droce_port_poll()
 * until an engine starts on it, the application's main thread once the engine's slot 0
 * polls it. Each function's "Context:" paragraph says where it may be called, whether it
 * blocks, and which callbacks it may run.
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
 * Build the EAL argument vector droce_eal_init() would use: the file prefix, memory
 * (--in-memory with hugepages, --no-huge -m <mem_mb> without), --lcores, the --vdev and
 * --allow arguments (--no-pci when no PCI device is named), then conf->extra's words.
 *
 * Context: any thread, with or without a running EAL; never blocks; runs no callback.
 *
 * @param prog
 *   The program name, passed as argv[0]; NULL means "droce".
 * @param conf
 *   The configuration; NULL means all defaults (struct droce_eal_conf zeroed).
 * @param argv
 *   Receives a NULL-terminated vector of malloc'ed strings; free it with
 *   droce_eal_argv_free(). Untouched on failure.
 * @return
 *   - The number of arguments (> 0), not counting the terminating NULL.
 *   - -EINVAL: argv is NULL; nb_vdevs or nb_pci is not 0 but its array is NULL; more than
 *     127 arguments; an argument longer than 511 bytes; the default --lcores list cannot
 *     be made from this thread's CPU affinity.
 *   - -ENAMETOOLONG: a vdev's devargs, completed as droce_port_attach() completes them,
 *     are longer than 1099 bytes.
 *   - -ENOMEM: out of memory.
 */
int droce_eal_argv(const char *prog, const struct droce_eal_conf *conf, char ***argv);

/**
 * Free a vector droce_eal_argv() built: every string, then the vector.
 *
 * Context: any thread; never blocks; runs no callback.
 *
 * @param argv
 *   The vector; NULL is ignored.
 */
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
 * Context: the application's main thread, once, before any other droce call except
 * droce_eal_argv(), droce_addr_parse(), droce_addr_format() and droce_strerror(). Blocks
 * while the EAL starts (device probing, lcore threads). Runs no callback.
 *
 * @param prog
 *   The program name, passed to the EAL as argv[0]; NULL means "droce".
 * @param conf
 *   The configuration; NULL means all defaults.
 * @return
 *   - 0: the EAL runs.
 *   - -EALREADY: droce_eal_init() succeeded before in this process (also after
 *     droce_eal_cleanup(): DPDK starts once per process), or the application started the
 *     EAL itself.
 *   - -EINVAL, -ENAMETOOLONG, -ENOMEM: the argument vector could not be built (see
 *     droce_eal_argv()).
 *   - Another negative errno: rte_eal_init()'s rte_errno (-EACCES, -EAGAIN, -EFAULT,
 *     -ENODEV, -ENOMEM, -ENOTSUP, -EPROTO, -ENOEXEC ...), or -EINVAL when it set none.
 */
int droce_eal_init(const char *prog, const struct droce_eal_conf *conf);

/**
 * Release the EAL started by droce_eal_init(), and the runtime directory it named for
 * this process (not one named by file_prefix or an --file-prefix in extra; a directory
 * that cannot be removed is logged). Destroy every engine and detach every port first;
 * no DPDK or droce function but droce_eal_argv(), droce_addr_parse(), droce_addr_format()
 * and droce_strerror() may be called afterwards.
 *
 * Context: the application's main thread, once; blocks while the EAL shuts down. Runs no
 * callback.
 *
 * @return
 *   - 0: released.
 *   - -EINVAL: the EAL was not started by droce_eal_init(), or was released already.
 *   - -EFAULT: rte_eal_cleanup() could not release everything.
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
 * Attach an ethdev as a droce port, configure its queues and mbuf pool and start it. The
 * GID table starts with entry 0, the IPv6 link-local address made from the MAC.
 *
 * Context: the application's main thread, after droce_eal_init() (or the application's
 * own rte_eal_init()), not concurrently with another attach or detach. Blocks while the
 * device is probed and started. Runs no callback.
 *
 * @param devargs
 *   A device the EAL already knows (a --vdev, a net_ring port made with
 *   rte_eth_from_rings()) named by its ethdev name, or devargs to hot-plug:
 *   "net_af_packet0,iface=veth0", "net_memif0,role=client,socket=/tmp/m.sock",
 *   "net_af_xdp0,iface=veth0" (busy_budget=0 is added unless given), "net_tap0",
 *   "0000:01:00.0". At most 1024 characters.
 * @param conf
 *   Settings, or NULL for defaults.
 * @param out
 *   Receives the port. Untouched on failure.
 * @return
 *   - 0: attached and started.
 *   - -EINVAL: devargs or out is NULL, devargs is empty or too long; conf asks for an MTU
 *     outside the device's range or below 336 (path MTU 256 plus 80 bytes of headers),
 *     more queues than the device has, or fewer than 64 * (nb_rxq + 1) mbufs.
 *   - -ENODEV: no such device, or hot-plugging it failed.
 *   - -EBUSY: the device is attached to droce already.
 *   - -ENOMEM: out of memory (a device hot-plugged by the call is removed again).
 *   - Another negative errno: the ethdev's or the mbuf pool's error while configuring or
 *     starting the device.
 */
int droce_port_attach(const char *devargs, const struct droce_port_conf *conf,
		      struct droce_port **out);

/**
 * Attach by ethdev port id (e.g. a port an embedding application set up), as
 * droce_port_attach() does; droce_port_detach() stops the device but does not remove it.
 *
 * Context: as droce_port_attach(): main thread, blocks while the device starts.
 *
 * @param port_id
 *   The ethdev port id.
 * @param conf
 *   Settings, or NULL for defaults.
 * @param out
 *   Receives the port. Untouched on failure.
 * @return
 *   - 0: attached and started.
 *   - -EINVAL: out is NULL, or conf does not fit the device (as droce_port_attach()).
 *   - -ENODEV: port_id is not a valid ethdev port.
 *   - -EBUSY: the device is attached to droce already.
 *   - -ENOMEM: out of memory.
 *   - Another negative errno: the ethdev's or the mbuf pool's error.
 */
int droce_port_attach_id(uint16_t port_id, const struct droce_port_conf *conf,
			 struct droce_port **out);

/**
 * Stop the device and free the port; a hot-plugged device is removed.
 * A net_memif port takes turns with its peer (DPDK 22.11's memif crashes
 * when both ends close at once or one closes under the other's poller): the role=client
 * end waits 300 ms for the peer to stop polling, the server end until the client's close
 * took its link down (at most 5 s), then 50 ms more.
 *
 * Context: the application's main thread, after droce_engine_destroy() of the engine on
 * the port (nothing may poll it any more). Blocks: up to about 5 s on net_memif. Runs no
 * callback.
 *
 * @param port
 *   The port; NULL is ignored. Freed when this returns.
 */
void droce_port_detach(struct droce_port *port);

/**
 * The port's MAC address: conf->mac if one was given at attach, else the device's.
 *
 * Context: any thread (it never changes after attach); never blocks.
 *
 * @param port
 *   The port; not NULL.
 * @param mac
 *   Receives the 6 bytes.
 */
void droce_port_mac(const struct droce_port *port, uint8_t mac[6]);

/**
 * The IP MTU the port was configured with.
 *
 * Context: any thread; never blocks.
 *
 * @param port
 *   The port; not NULL.
 * @return
 *   The MTU in bytes: conf->mtu, or 1500 (or the device maximum if lower) by default.
 */
uint16_t droce_port_mtu(const struct droce_port *port);

/**
 * The RoCE path MTU: the largest that fits the port MTU after 80 bytes of headers, as
 * Linux rxe computes it (1500 gives 1024; 4176 and above give 4096).
 *
 * Context: any thread; never blocks.
 *
 * @param port
 *   The port; not NULL.
 * @return
 *   256, 512, 1024, 2048 or 4096 (bytes).
 */
uint32_t droce_port_path_mtu(const struct droce_port *port);

/**
 * The ethdev port id.
 *
 * Context: any thread; never blocks.
 *
 * @param port
 *   The port; not NULL.
 * @return
 *   The ethdev port id the port runs on.
 */
uint16_t droce_port_id(const struct droce_port *port);

/**
 * Add an address to the port's GID table: "192.0.2.1/24" or "2001:db8::1/64" (without a
 * prefix: /32 or /128). Entry 0 is the IPv6 link-local address made from the MAC; the
 * connection manager does not use it (listeners, shared endpoints and connect sources
 * must name one of the others).
 *
 * Context: the thread that owns the port, before droce_engine_create(): the table is
 * read without locks by the engine's slot 0 and by adapters' control threads. Never
 * blocks; runs no callback.
 *
 * @param port
 *   The port; not NULL.
 * @param addr
 *   The address in text form, with an optional "/prefix" (1..32 for IPv4, 1..128 for
 *   IPv6).
 * @return
 *   - The GID index of the new entry (0..15).
 *   - -EINVAL: addr is NULL, unparsable, 50 characters or longer, multicast or
 *     unspecified, or its prefix is 0 or too long.
 *   - -EEXIST: the address is in the table already.
 *   - -ENOSPC: the table's 16 entries are used.
 */
int droce_port_addr_add(struct droce_port *port, const char *addr);

/**
 * Remove an address from the port's GID table.
 *
 * Context: as droce_port_addr_add(): the port's owning thread, while no engine runs on
 * it. Never blocks; runs no callback.
 *
 * @param port
 *   The port; not NULL.
 * @param addr
 *   The address in text form, without a prefix ("192.0.2.1").
 * @return
 *   - 0: removed.
 *   - -EINVAL: addr is NULL, unparsable, or carries a "/prefix".
 *   - -ENOENT: the address is not in the table.
 */
int droce_port_addr_del(struct droce_port *port, const char *addr);

/**
 * Text form ("a.b.c.d/len" or "x::y/len") of the port's i-th address. Addresses are
 * counted in GID table order over the entries in use, so after droce_port_addr_del() of
 * an earlier entry i is no longer the GID index droce_port_addr_add() returned.
 *
 * Context: any thread while no thread changes the port's addresses (the table is read
 * without locks); never blocks.
 *
 * @param port
 *   The port; not NULL.
 * @param i
 *   Which address, from 0.
 * @param buf
 *   Receives the text, NUL-terminated (truncated when too small).
 * @param len
 *   The size of buf in bytes; DROCE_ADDR_STRLEN always fits.
 * @return
 *   - 0: buf holds the address.
 *   - -ENOENT: the port has i or fewer addresses.
 *   - -ENOSPC: buf is too small.
 */
int droce_port_addr_get(const struct droce_port *port, unsigned int i, char *buf,
			size_t len);

/**
 * One poll iteration: receive on every queue, answer ARP, neighbour solicitations and
 * ICMP/ICMPv6 echo, count and drop other traffic, run neighbour retries.
 *
 * Context: the one thread that polls the port, and only until droce_engine_create():
 * from then on the engine's slot 0 polls it. Never blocks; runs no callback.
 *
 * @param port
 *   The port; not NULL.
 * @return
 *   The number of frames received (0 when idle).
 */
int droce_port_poll(struct droce_port *port);

/**
 * Look up a neighbour's MAC, sending an ARP request (IPv4) or a neighbour solicitation
 * (IPv6) if it is not known. A peer that did not answer any of conf->neigh_tries requests
 * is reported unreachable for conf->neigh_retry_ms; the next call after that starts again.
 *
 * Context: the thread that polls the port with droce_port_poll() (it transmits on the
 * port), before droce_engine_create(). Never blocks; runs no callback.
 *
 * @param port
 *   The port; not NULL.
 * @param addr
 *   The neighbour's address in text form, without a prefix.
 * @param mac
 *   Receives the MAC when 0 is returned.
 * @return
 *   - 0: mac is filled.
 *   - -EAGAIN: resolution is in flight; poll the port and ask again.
 *   - -EHOSTUNREACH: the peer did not answer any request.
 *   - -ENETUNREACH: the port has no address of that family.
 *   - -EINVAL: addr is NULL, unparsable, carries a prefix, or is multicast.
 *   - -ENOSPC: the neighbour table is full.
 *   - -ENOMEM: no mbuf for the request (ask again).
 */
int droce_port_resolve(struct droce_port *port, const char *addr, uint8_t mac[6]);

/**
 * droce_port_resolve(), polling the port with droce_port_poll() until it answers or
 * timeout_ms passes.
 *
 * Context: as droce_port_resolve(): the port's polling thread, before
 * droce_engine_create(). Blocks, busy-polling, up to timeout_ms. Runs no callback.
 *
 * @param port
 *   The port; not NULL.
 * @param addr
 *   The neighbour's address in text form, without a prefix.
 * @param mac
 *   Receives the MAC when 0 is returned.
 * @param timeout_ms
 *   How long to wait, in milliseconds; 0 asks once.
 * @return
 *   - As droce_port_resolve(), except -EAGAIN.
 *   - -ETIMEDOUT: still unresolved after timeout_ms.
 */
int droce_port_resolve_wait(struct droce_port *port, const char *addr, uint8_t mac[6],
			    unsigned int timeout_ms);

/** A named counter. */
struct droce_xstat {
	char name[DROCE_XSTAT_NAME_LEN];
	uint64_t value;
};

/**
 * The port's counters: frames and bytes, ARP/ND/ICMP, neighbour resolution, one counter
 * per reason a RoCEv2 frame is refused (roce_drop_icrc, roce_drop_trunc_bth, ...), and
 * what the device itself lost (dev_rx_missed, dev_rx_errors, dev_rx_nombuf,
 * dev_tx_errors).
 *
 * Context: any thread (the counters are read without locks, as the telemetry endpoints
 * read them: a value may be a moment old). Never blocks; runs no callback.
 *
 * @param port
 *   The port; not NULL.
 * @param xs
 *   Receives up to n counters; NULL (or n = 0) only counts them.
 * @param n
 *   The number of entries xs holds.
 * @return
 *   - The number of counters the port has (fills min(n, that many)): call with n = 0 to
 *     size the array.
 *   - -ENOMEM: out of memory.
 */
int droce_port_xstats(const struct droce_port *port, struct droce_xstat *xs, unsigned int n);

/**
 * Value of one of the port's counters (see droce_port_xstats()).
 *
 * Context: any thread, as droce_port_xstats(); never blocks.
 *
 * @param port
 *   The port; not NULL.
 * @param name
 *   The counter's name; not NULL.
 * @return
 *   - The counter's value (>= 0).
 *   - -ENOENT: no counter has that name (or the counters could not be read).
 */
int64_t droce_port_xstat(const struct droce_port *port, const char *name);

/**
 * Print the port id, MAC, MTUs, addresses, neighbours and non-zero counters.
 *
 * Context: any thread while no thread changes the port's addresses, as
 * droce_port_addr_get(). Blocks only on writes to f. Runs no callback.
 *
 * @param port
 *   The port; not NULL.
 * @param f
 *   Where to print; not NULL.
 */
void droce_port_dump(const struct droce_port *port, FILE *f);

/** Opaque RoCEv2 engine: the transport running on a port, in poll slots. */
struct droce_engine;

/** Engine settings. Zero-initialise. */
struct droce_engine_conf {
	unsigned int nb_slots;		/**< poll slots; 0 = 1; the port needs as many txqs */
	/**
	 * Run slot i on EAL worker lcore lcores[i] until droce_engine_destroy(); nb_slots
	 * entries. NULL: the application polls each slot itself with droce_engine_poll().
	 */
	const unsigned int *lcores;
	const char *name;		/**< unique per process, < 16 chars; NULL = "eng<n>" */
	/** The link rate congestion control recovers to, in Mbit/s; 0 = 100000. */
	uint32_t line_mbps;
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
 * ping and RoCE); do not call droce_port_poll() any more. With conf->lcores the slots run
 * on those lcores from now on; without, the application polls each slot with
 * droce_engine_poll().
 *
 * Context: the application's main thread. Does not wait for the lcores it launches.
 * Runs no callback.
 *
 * @param port
 *   The attached port; it needs a tx queue per slot.
 * @param conf
 *   Settings, or NULL for defaults (one slot, polled by the application).
 * @param out
 *   Receives the engine. Untouched on failure.
 * @return
 *   - 0: the engine runs.
 *   - -EINVAL: port or out is NULL; conf asks for more than 8 slots or more slots than
 *     the port has tx queues, a name of 16 characters or more, cm_timeout above 31 or
 *     cm_retries above 15.
 *   - -EEXIST: another engine of this process has that name.
 *   - -EBUSY: an lcore in conf->lcores is not a free EAL worker lcore (the main lcore, a
 *     disabled or busy one).
 *   - -ENOMEM: out of memory.
 *   - Another negative errno: launching a slot on its lcore failed.
 */
int droce_engine_create(struct droce_port *port, const struct droce_engine_conf *conf,
			struct droce_engine **out);

/**
 * One poll iteration of a slot the application runs itself (conf.lcores NULL): slot 0
 * polls the port first, then every slot handles the packets for its QPs, their posted
 * work requests and timers, transmits, and reports an RCU quiescent state. A slot that
 * droce_engine_slot_offline() took offline is online again from this call on.
 *
 * Context: one thread per slot at a time, and not from inside a callback. Never blocks.
 * The notification callbacks of CQs that completions of this slot's QPs go to run inside
 * it, on this thread (each at most once per ndk_arm_cq()); no other callback does.
 *
 * @param eng
 *   The engine.
 * @param slot
 *   The slot, 0..nb_slots - 1.
 * @return
 *   - The work done: frames received by the port (slot 0), packets handed over by other
 *     slots and packets sent (0 when idle).
 *   - -EINVAL: eng is NULL, slot does not exist, or lcores run the engine.
 */
int droce_engine_poll(struct droce_engine *eng, unsigned int slot);

/**
 * The thread polling a slot stops polling for a while (it would block): tell the engine,
 * so no close waits for it: RCU grace periods (closes, deregistrations, the barrier of
 * ndk_close_adapter()) pass it, and a QP's close unlinks the QP from the offline slot
 * itself. The next droce_engine_poll() resumes. ndk_close_adapter() called by that
 * thread does this for it.
 *
 * Context: the thread that polls the slot, between two droce_engine_poll() calls. Never
 * blocks; runs no callback.
 *
 * @param eng
 *   The engine; NULL, an engine lcores run, or a slot that does not exist is ignored.
 * @param slot
 *   The slot.
 */
void droce_engine_slot_offline(struct droce_engine *eng, unsigned int slot);

/**
 * An engine counter by name (retransmissions, NAKs, ...), summed over the slots.
 *
 * Context: any thread (the counters are read without locks); never blocks.
 *
 * @param eng
 *   The engine.
 * @param name
 *   The counter's name.
 * @return
 *   - The counter's value (>= 0).
 *   - -ENOENT: eng or name is NULL, or no counter has that name.
 */
int64_t droce_engine_xstat(const struct droce_engine *eng, const char *name);

/**
 * Stop the lcores and free the engine; the port is polled by nobody afterwards. Close
 * every adapter opened on it first; the application stops polling slots it runs itself.
 *
 * Context: the application's main thread; blocks until the lcores stopped. Runs no
 * callback.
 *
 * @param eng
 *   The engine; NULL is ignored. Freed when this returns.
 */
void droce_engine_destroy(struct droce_engine *eng);

/**
 * Parse "a.b.c.d[/len]" or "x:y::z[/len]" into a 16-byte address (IPv4 as ::ffff:a.b.c.d)
 * and prefix length (IPv4 prefixes count IPv4 bits).
 *
 * Context: any thread, with or without a running EAL; never blocks.
 *
 * @param s
 *   The text, shorter than DROCE_ADDR_STRLEN.
 * @param addr
 *   Receives the address.
 * @param prefix_len
 *   Receives the prefix length (32 or 128 when s has none); NULL: a prefix is refused.
 * @return
 *   - 0: parsed.
 *   - -EINVAL: s or addr is NULL, s is too long or not an address, s has a prefix and
 *     prefix_len is NULL, or the prefix is not 1..32 (IPv4) / 1..128 (IPv6).
 */
int droce_addr_parse(const char *s, uint8_t addr[16], uint8_t *prefix_len);

/**
 * Text form of a 16-byte address, IPv4-mapped addresses shown as IPv4.
 *
 * Context: any thread, with or without a running EAL; never blocks.
 *
 * @param addr
 *   The address.
 * @param buf
 *   Receives the text, NUL-terminated; left unchanged when len is too small.
 * @param len
 *   The size of buf; DROCE_ADDR_STRLEN always fits.
 * @return
 *   buf.
 */
const char *droce_addr_format(const uint8_t addr[16], char *buf, size_t len);

/**
 * A short description of a negative errno returned by droce ("peer did not answer address
 * resolution", ...); strerror()'s text for errnos droce has no words of its own for.
 *
 * Context: any thread, with or without a running EAL; never blocks.
 *
 * @param err
 *   A status: 0 or a negative errno.
 * @return
 *   A static string; never NULL.
 */
const char *droce_strerror(int err);

#ifdef __cplusplus
}
#endif

#endif /* DROCE_H */
