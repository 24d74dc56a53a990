/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TGT_CONF_H
#define TGT_CONF_H

/*
 * droce-tgt's configuration: the model the daemon starts from, built either from the
 * quick-start options (tgt_conf_quick()) or from the target's sections of the --config
 * INI file (tgt_conf_load()). Parsing only: nothing here opens a port, creates a file or
 * needs the EAL. The [port], [eal] and [engine] sections of the same file belong to
 * app_opts (apps/common) and are skipped here.
 *
 * Model: target (limits, listeners) -> subsystems (NQN, serial, model, hosts, namespaces)
 * -> namespaces (NSID -> backend); backends are named and each serves one namespace.
 *
 * Namespace identifiers, stable across restarts without being stored anywhere: unless
 * the config gives them, a namespace's UUID and NGUID are RFC 4122 name-based (version 5,
 * SHA-1) UUIDs in the TGT_CONF_UUID_NS namespace, of the names "<subnqn>/ns/<nsid>" and
 * "<subnqn>/nguid/<nsid>" (nsid in decimal). Python computes the same values:
 *   uuid.uuid5(uuid.UUID(TGT_CONF_UUID_NS), "nqn.2026-01.io.droce:test/ns/1")
 * A subsystem's default serial is the first 20 hex digits of uuid5(TGT_CONF_UUID_NS, subnqn).
 * libuuid (uuid_generate_sha1) computes them.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nvmf_wire.h"

#define TGT_CONF_UUID_NS	"c022488d-aecc-4dc4-84e7-9352c98a675d"

#define TGT_CONF_MAX_LISTEN	8
#define TGT_CONF_MAX_NSID	1024
#define TGT_CONF_SERIAL_LEN	20	/* Identify Controller SN: 20 ASCII bytes */
#define TGT_CONF_MODEL_LEN	40	/* Identify Controller MN: 40 ASCII bytes */
#define TGT_CONF_NAME_LEN	64	/* a backend's name (rte_cfgfile's section name) */
#define TGT_CONF_PATH_LEN	256	/* rte_cfgfile's longest value */
#define TGT_CONF_ADDR_LEN	46	/* INET6_ADDRSTRLEN */

/* Defaults and limits of [target], also what tgt_conf_quick() uses. */
#define TGT_CONF_DEF_IO_QUEUES		8
#define TGT_CONF_MAX_IO_QUEUES		128
#define TGT_CONF_DEF_QUEUE_DEPTH	128
#define TGT_CONF_MIN_QUEUE_DEPTH	2
#define TGT_CONF_MAX_QUEUE_DEPTH	1024
#define TGT_CONF_DEF_ICD		4096
#define TGT_CONF_MAX_ICD		16384
#define TGT_CONF_DEF_IO_SIZE		131072
#define TGT_CONF_MIN_IO_SIZE		8192	/* MDTS 1: MDTS 0 would mean no limit */
#define TGT_CONF_MAX_IO_SIZE		1048576
#define TGT_CONF_DEF_KATO_GRACE_MS	10000
#define TGT_CONF_DEF_DISC_KATO_MS	120000
#define TGT_CONF_DEF_POLL_GROUPS	1
#define TGT_CONF_DEF_DATA_BUFFERS	512
#define TGT_CONF_DEF_MODEL		"droce-tgt"

enum tgt_conf_bdev_type {
	TGT_CONF_BDEV_RAM,
	TGT_CONF_BDEV_FILE,
};

enum tgt_conf_bdev_io {
	TGT_CONF_IO_URING,
	TGT_CONF_IO_PSYNC,
};

/* One "listen =": an address of the droce port (or any of them) and a service id. */
struct tgt_conf_listen {
	bool any_addr;			/* "*": every address of the port */
	int family;			/* AF_INET or AF_INET6, 0 with any_addr */
	uint8_t addr[16];		/* network order; IPv4 in the first 4 bytes */
	char addr_str[TGT_CONF_ADDR_LEN]; /* as written, without brackets; "*" */
	uint16_t port;			/* RDMA CM port space: the NVMe/RDMA service id */
};

/* A [backend:<name>] section. */
struct tgt_conf_bdev {
	char name[TGT_CONF_NAME_LEN];
	enum tgt_conf_bdev_type type;
	uint64_t size;			/* bytes; 0 for a file: the file's own size */
	uint32_t block_size;		/* 512 or 4096 */
	char path[TGT_CONF_PATH_LEN];	/* file: as written (relative to the cwd) */
	bool create;			/* file: created with size bytes at start if missing */
	enum tgt_conf_bdev_io io;	/* file */
	bool direct;			/* file: O_DIRECT */
	bool write_cache;		/* file: VWC=1, Flush = fdatasync */
};

/* One "namespace =" line of a subsystem. */
struct tgt_conf_ns {
	uint32_t nsid;			/* 1..TGT_CONF_MAX_NSID, unique in the subsystem */
	unsigned int bdev;		/* index into tgt_conf.bdevs */
	uint8_t uuid[16];		/* given, or derived (see the top of this file) */
	uint8_t nguid[16];
};

/* A [subsystem:<name>] section. */
struct tgt_conf_subsys {
	char name[TGT_CONF_NAME_LEN];	/* the section's name, for messages */
	char nqn[NVMF_NQN_MAX_LEN + 1];
	char serial[TGT_CONF_SERIAL_LEN + 1];
	char model[TGT_CONF_MODEL_LEN + 1];
	bool allow_any_host;
	char (*hosts)[NVMF_NQN_MAX_LEN + 1];
	unsigned int nb_hosts;
	struct tgt_conf_ns *ns;		/* in the order of the file */
	unsigned int nb_ns;
};

struct tgt_conf {
	struct tgt_conf_listen listen[TGT_CONF_MAX_LISTEN];
	unsigned int nb_listen;		/* at least 1: "*:4420" when none is given */
	unsigned int max_io_queues;	/* per controller, besides the admin queue */
	unsigned int max_queue_depth;	/* entries of an I/O queue (MQES + 1) */
	unsigned int in_capsule_data_size; /* bytes; IOCCSZ = (64 + this) / 16 */
	unsigned int max_io_size;	/* bytes, power of two */
	unsigned int mdts;		/* log2(max_io_size / 4096), for Identify */
	unsigned int poll_groups;
	unsigned int data_buffers;
	unsigned int kato_grace_ms;	/* added to a host's KATO before it expires */
	unsigned int discovery_kato_ms;	/* discovery controllers' KATO when the host gives 0 */
	struct tgt_conf_bdev *bdevs;
	unsigned int nb_bdevs;
	struct tgt_conf_subsys *subsys;
	unsigned int nb_subsys;
};

/**
 * Read the target's configuration from an INI file (DPDK rte_cfgfile syntax, ';'
 * comments) into conf. Sections: [target], [backend:<name>], [subsystem:<name>];
 * [port], [eal] and [engine] are accepted and left to app_opts. Every key is checked:
 * an unknown section or key, a bad or missing value, a reference to a missing backend,
 * a file backend whose file (create = no) or directory (create = yes) does not exist
 * all refuse the whole file. Nothing is created or opened besides the INI file.
 *
 * @param path		the INI file
 * @param conf		filled on success; on failure left empty (tgt_conf_free() is
 *			harmless on it)
 * @param err		if not NULL, receives one line without a newline on failure:
 *			"<path>: [<section>] <key>: <what is wrong>", or
 *			"<path>:<line>: <what is wrong>" for a line that is not INI, or
 *			"<path>: <strerror>" when the file cannot be read
 * @param err_len	bytes at err
 * @return 0; -EINVAL for a bad configuration; -ENOENT/-EACCES/... when the file cannot
 *	   be read; -ENOMEM.
 * Control thread, blocking (file reads and stat()); no EAL needed.
 */
int tgt_conf_load(const char *path, struct tgt_conf *conf, char *err, size_t err_len);

/**
 * Build the quick-start configuration: the [target] defaults, one listener on every
 * address of the port, one subsystem [subsystem:quick] nqn that allows any host (serial
 * derived from the NQN, model "droce-tgt"), one namespace NSID 1 on one backend
 * [backend:ns1]: RAM of ram_size bytes, or the existing file file_path (its own size,
 * 512-byte blocks, io_uring, write cache on). It is read by the same code as the file
 * "[target] listen = *:<port>", "[backend:ns1] type = ram, size = <ram_size>" (or
 * "type = file, path = <file_path>"), "[subsystem:quick] nqn = <nqn>,
 * allow_any_host = yes, namespace = 1 ns1".
 *
 * @param conf		filled on success, left empty on failure
 * @param nqn		subsystem NQN, checked with nvmf_nqn_check()
 * @param ram_size	RAM namespace size in bytes (multiple of 512), or 0 with file_path
 * @param file_path	backing file that must exist, or NULL with ram_size
 * @param port		service id to listen on, 0 for 4420
 * @param err		if not NULL, receives one line on failure, as tgt_conf_load()
 *			would for the equivalent file but named "quick start":
 *			"quick start: [subsystem:quick] nqn: ...", "quick start: [backend:ns1]
 *			path: <file_path>: No such file or directory", ...
 * @param err_len	bytes at err
 * @return 0; -EINVAL (bad NQN, size not a multiple of 512, missing file, both or
 *	   neither backend given); -ENAMETOOLONG (NQN or path over 255 bytes); -ENOMEM.
 * Control thread; blocking only for the stat() of file_path.
 */
int tgt_conf_quick(struct tgt_conf *conf, const char *nqn, uint64_t ram_size,
		   const char *file_path, uint16_t port, char *err, size_t err_len);

/**
 * Release what tgt_conf_load() or tgt_conf_quick() allocated and empty conf. Safe on
 * an emptied or zeroed conf, and twice.
 *
 * @param conf		may be NULL
 * Control thread.
 */
void tgt_conf_free(struct tgt_conf *conf);

/**
 * The name-based UUID (RFC 4122 4.3, version 5, SHA-1) of name in the TGT_CONF_UUID_NS
 * namespace: what a namespace's UUID and NGUID default to (see the top of this file).
 *
 * @param name		NUL-terminated; bytes past the 512th are not hashed
 * @param uuid		receives 16 bytes, in RFC 4122 byte order
 * Any thread, no state.
 */
void tgt_conf_uuid5(const char *name, uint8_t uuid[16]);

/**
 * The backend a namespace reads and writes.
 *
 * @return &conf->bdevs[ns->bdev]. Any thread.
 */
static inline const struct tgt_conf_bdev *
tgt_conf_ns_bdev(const struct tgt_conf *conf, const struct tgt_conf_ns *ns)
{
	return &conf->bdevs[ns->bdev];
}

#endif /* TGT_CONF_H */
