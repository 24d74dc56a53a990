/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tgt_conf.c: droce-tgt's configuration, from the quick-start options or from the
 * target's sections of the INI file ([target], [backend:<name>], [subsystem:<name>]).
 *
 * The file is read twice. A line pass first, because rte_cfgfile quietly drops a line
 * without '=', truncates long names and values, and reports other faults only through
 * its log: every line must be a section, a "key = value" inside one, a comment or blank.
 * Then rte_cfgfile_load() and a walk over every section and key of the model.
 * Each refusal is one line in err; the first fault found stops the walk.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <uuid/uuid.h>

#include <rte_cfgfile.h>
#include <rte_common.h>

#include "tgt_conf.h"

#define LINE_MAX_LEN	(CFG_NAME_LEN + CFG_VALUE_LEN + 2)	/* rte_cfgfile's buffer - 2 */
#define SEC_BACKEND	"backend:"
#define SEC_SUBSYS	"subsystem:"

/* One load: where errors go and what is being read. */
struct conf_ctx {
	const char *path;
	char *err;
	size_t err_len;
	struct rte_cfgfile *cfg;
	struct tgt_conf *conf;
	char sect[CFG_NAME_LEN];	/* section being read, for messages */
	int *bdev_user;			/* per backend: subsystem index + 1 using it, or 0 */
	uint32_t *bdev_nsid;		/* per backend: the NSID it serves */
};

/* ---- identifiers ---- */

static int
hex_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * 32 hex digits into 16 bytes. uuid_form: exactly 8-4-4-4-12 (RFC 4122 3); otherwise
 * '-' may appear anywhere. An all-zero value means "none" to a host (NVMe 1.4 6.1.5).
 */
static int
parse_hex128(const char *s, bool uuid_form, uint8_t out[16])
{
	unsigned int digits = 0, i;
	uint8_t any = 0;

	for (i = 0; s[i] != '\0'; i++) {
		bool dash_pos = i == 8 || i == 13 || i == 18 || i == 23;

		if (s[i] == '-' && (!uuid_form || dash_pos))
			continue;
		if (hex_val(s[i]) < 0 || digits == 32 || (uuid_form && dash_pos))
			return -EINVAL;
		if (digits % 2 == 0)
			out[digits / 2] = (uint8_t)(hex_val(s[i]) << 4);
		else
			out[digits / 2] |= (uint8_t)hex_val(s[i]);
		digits++;
	}
	for (i = 0; i < 16 && digits == 32; i++)
		any |= out[i];
	return digits == 32 && (!uuid_form || strlen(s) == 36) && any != 0 ? 0 : -EINVAL;
}

void
tgt_conf_uuid5(const char *name, uint8_t uuid[16])
{
	uuid_t ns;

	/* RFC 4122 4.3: SHA-1 over the namespace ID then the name, version 5, variant 10. */
	if (uuid_parse(TGT_CONF_UUID_NS, ns) != 0)
		abort();		/* a constant: cannot fail */
	uuid_generate_sha1(uuid, ns, name, strlen(name));
}

/* The identifiers a namespace gets when the config does not give them. */
static void
ns_default_ids(const char *nqn, struct tgt_conf_ns *ns, bool uuid, bool nguid)
{
	char name[NVMF_NQN_MAX_LEN + 32];

	if (uuid) {
		snprintf(name, sizeof(name), "%s/ns/%u", nqn, (unsigned int)ns->nsid);
		tgt_conf_uuid5(name, ns->uuid);
	}
	if (nguid) {
		snprintf(name, sizeof(name), "%s/nguid/%u", nqn, (unsigned int)ns->nsid);
		tgt_conf_uuid5(name, ns->nguid);
	}
}

/* A subsystem's default serial: the first 20 hex digits of the UUID of its NQN. */
static void
default_serial(const char *nqn, char serial[TGT_CONF_SERIAL_LEN + 1])
{
	uint8_t uuid[16];
	int i;

	tgt_conf_uuid5(nqn, uuid);
	for (i = 0; i < TGT_CONF_SERIAL_LEN / 2; i++)
		snprintf(serial + 2 * i, 3, "%02x", uuid[i]);
}

/* ---- errors ---- */

static int
conf_fail(struct conf_ctx *c, const char *key, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (c->err == NULL || c->err_len == 0)
		return -EINVAL;
	if (key != NULL)
		n = snprintf(c->err, c->err_len, "%s: [%s] %s: ", c->path, c->sect, key);
	else
		n = snprintf(c->err, c->err_len, "%s: [%s]: ", c->path, c->sect);
	if (n >= 0 && (size_t)n < c->err_len) {
		va_start(ap, fmt);
		vsnprintf(c->err + n, c->err_len - n, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* An error that is not about one key: "<path>:<line>: ..." or "<path>: ...". */
static int
file_fail(const char *path, unsigned int line, char *err, size_t err_len, int ret,
	  const char *what)
{
	if (err == NULL || err_len == 0)
		return ret;
	if (line > 0)
		snprintf(err, err_len, "%s:%u: %s", path, line, what);
	else
		snprintf(err, err_len, "%s: %s", path, what);
	return ret;
}

/* ---- the line pass ---- */

static char *
trim(char *s)
{
	char *end = s + strlen(s);

	while (*s == ' ' || *s == '\t')
		s++;
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r' ||
			   end[-1] == '\n'))
		*--end = '\0';
	return s;
}

/* One line as rte_cfgfile reads it: NULL when it keeps it whole, else why not. */
static const char *
check_line(char *line, bool *in_section)
{
	char *semi = strchr(line, ';'), *eq, *s;

	if (semi != NULL)
		*semi = '\0';
	s = trim(line);
	if (*s == '\0')
		return NULL;
	if (*s == '[') {
		if (s[strlen(s) - 1] != ']')
			return "no ']' at the end of the section name";
		s[strlen(s) - 1] = '\0';
		s = trim(s + 1);
		*in_section = true;
		if (*s == '\0')
			return "empty section name";
		return strlen(s) < CFG_NAME_LEN ? NULL : "section name longer than 63 bytes";
	}
	eq = strchr(s, '=');
	if (eq == NULL)
		return "neither [section] nor key = value (comments start with ';')";
	if (!*in_section)
		return "key = value before the first [section]";
	*eq = '\0';
	if (*trim(s) == '\0')
		return "no key before '='";
	if (strlen(trim(s)) >= CFG_NAME_LEN)
		return "key longer than 63 bytes";
	s = trim(eq + 1);
	if (*s == '\0')
		return "no value after '='";
	return strlen(s) < CFG_VALUE_LEN ? NULL : "value longer than 255 bytes";
}

static int
check_lines(const char *path, char *err, size_t err_len)
{
	char *line = NULL;
	const char *why = NULL;
	unsigned int lineno = 0;
	bool in_section = false;
	size_t cap = 0;
	ssize_t n;
	FILE *f;
	int ret;

	f = fopen(path, "r");
	if (f == NULL) {
		ret = -errno;
		return file_fail(path, 0, err, err_len, ret, strerror(-ret));
	}
	while (why == NULL && (n = getline(&line, &cap, f)) >= 0) {
		lineno++;
		if (n > 0 && line[n - 1] == '\n')
			n--;
		why = n > LINE_MAX_LEN ? "line longer than 322 bytes" :
		      check_line(line, &in_section);
	}
	free(line);
	fclose(f);
	return why == NULL ? 0 : file_fail(path, lineno, err, err_len, -EINVAL, why);
}

/* ---- values ---- */

static int
parse_u64(const char *v, uint64_t *out)
{
	char *end;

	if (*v < '0' || *v > '9')
		return -EINVAL;
	errno = 0;
	*out = strtoull(v, &end, 10);
	return errno != 0 || *end != '\0' ? -EINVAL : 0;
}

static int
get_uint(struct conf_ctx *c, const char *key, const char *v, unsigned int min,
	 unsigned int max, unsigned int *out)
{
	uint64_t x;

	if (parse_u64(v, &x) < 0)
		return conf_fail(c, key, "\"%s\" is not a number", v);
	if (x < min || x > max)
		return conf_fail(c, key, "%s is not in %u..%u", v, min, max);
	*out = (unsigned int)x;
	return 0;
}

static int
get_bool(struct conf_ctx *c, const char *key, const char *v, bool *out)
{
	if (strcmp(v, "yes") == 0 || strcmp(v, "true") == 0 || strcmp(v, "1") == 0)
		*out = true;
	else if (strcmp(v, "no") == 0 || strcmp(v, "false") == 0 || strcmp(v, "0") == 0)
		*out = false;
	else
		return conf_fail(c, key, "\"%s\" is not yes or no", v);
	return 0;
}

/* "<digits>[K|M|G|T]", binary multiples, more than 0. */
static int
get_size(struct conf_ctx *c, const char *key, const char *v, uint64_t *out)
{
	static const char units[] = "KMGT";
	char num[32];
	const char *u;
	size_t len = strlen(v);
	unsigned int shift = 0;

	u = len > 1 ? strchr(units, v[len - 1] & ~0x20) : NULL;
	if (u != NULL && *u != '\0') {
		shift = 10 * (unsigned int)(u - units + 1);
		len--;
	}
	if (len >= sizeof(num))
		return conf_fail(c, key, "\"%s\" is not a size: <number>[K|M|G|T]", v);
	memcpy(num, v, len);
	num[len] = '\0';
	if (parse_u64(num, out) < 0 || *out > (UINT64_MAX >> shift))
		return conf_fail(c, key, "\"%s\" is not a size: <number>[K|M|G|T]", v);
	*out <<= shift;
	if (*out == 0)
		return conf_fail(c, key, "must be more than 0");
	return 0;
}

/*
 * Sort a section's entries by its key table: vals[i] = the value of keys[i]. Keys with
 * their bit in repeat may appear any number of times and are read by the caller.
 */
static int
collect(struct conf_ctx *c, const struct rte_cfgfile_entry *e, int n,
	const char *const *keys, unsigned int nkeys, uint32_t repeat, const char **vals)
{
	unsigned int k;
	int i;

	memset(vals, 0, nkeys * sizeof(*vals));
	for (i = 0; i < n; i++) {
		for (k = 0; k < nkeys; k++)
			if (strcmp(e[i].name, keys[k]) == 0)
				break;
		if (k == nkeys)
			return conf_fail(c, e[i].name, "unknown key");
		if (repeat & (1u << k))
			continue;
		if (vals[k] != NULL)
			return conf_fail(c, e[i].name, "given twice");
		vals[k] = e[i].value;
	}
	return 0;
}

/* ---- [target] ---- */

enum { TK_LISTEN, TK_IOQ, TK_QD, TK_ICD, TK_IOSIZE, TK_PG, TK_BUFS, TK_GRACE, TK_DKATO,
       TK_NUM };
static const char *const target_keys[TK_NUM] = {
	"listen", "max_io_queues", "max_queue_depth", "in_capsule_data_size", "max_io_size",
	"poll_groups", "data_buffers", "kato_grace_ms", "discovery_kato_ms",
};

/* Numeric [target] keys: the field, the range, the default. */
static const struct {
	unsigned int key;
	size_t off;
	unsigned int min, max, def;
} target_nums[] = {
	{ TK_IOQ, offsetof(struct tgt_conf, max_io_queues), 1, TGT_CONF_MAX_IO_QUEUES,
	  TGT_CONF_DEF_IO_QUEUES },
	{ TK_QD, offsetof(struct tgt_conf, max_queue_depth), TGT_CONF_MIN_QUEUE_DEPTH,
	  TGT_CONF_MAX_QUEUE_DEPTH, TGT_CONF_DEF_QUEUE_DEPTH },
	{ TK_ICD, offsetof(struct tgt_conf, in_capsule_data_size), 0, TGT_CONF_MAX_ICD,
	  TGT_CONF_DEF_ICD },
	{ TK_IOSIZE, offsetof(struct tgt_conf, max_io_size), TGT_CONF_MIN_IO_SIZE,
	  TGT_CONF_MAX_IO_SIZE, TGT_CONF_DEF_IO_SIZE },
	{ TK_PG, offsetof(struct tgt_conf, poll_groups), 1, 64, TGT_CONF_DEF_POLL_GROUPS },
	{ TK_BUFS, offsetof(struct tgt_conf, data_buffers), 16, 65536,
	  TGT_CONF_DEF_DATA_BUFFERS },
	{ TK_GRACE, offsetof(struct tgt_conf, kato_grace_ms), 0, 600000,
	  TGT_CONF_DEF_KATO_GRACE_MS },
	{ TK_DKATO, offsetof(struct tgt_conf, discovery_kato_ms), 0, 3600000,
	  TGT_CONF_DEF_DISC_KATO_MS },
};

static void
target_defaults(struct tgt_conf *conf)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(target_nums); i++)
		*(unsigned int *)((char *)conf + target_nums[i].off) = target_nums[i].def;
	conf->mdts = rte_log2_u32(TGT_CONF_DEF_IO_SIZE / 4096);
}

/* "<addr>[:<port>]", "[<ipv6>][:<port>]", "*[:<port>]"; the port defaults to 4420. */
static int
parse_listen(const char *v, struct tgt_conf_listen *l)
{
	char buf[CFG_VALUE_LEN], *addr = buf, *port = NULL, *end;
	unsigned long p = NVMF_RDMA_PORT;

	snprintf(buf, sizeof(buf), "%s", v);
	if (*addr == '[') {
		end = strchr(addr, ']');
		if (end == NULL || (end[1] != '\0' && end[1] != ':'))
			return -EINVAL;
		*end = '\0';
		port = end[1] == ':' ? end + 2 : NULL;
		addr++;
	} else if (strchr(addr, ':') == strrchr(addr, ':') && strchr(addr, ':') != NULL) {
		port = strchr(addr, ':');
		*port++ = '\0';
	}
	if (port != NULL) {
		errno = 0;
		p = strtoul(port, &end, 10);
		if (*port < '0' || *port > '9' || *end != '\0' || p == 0 || p > 65535)
			return -EINVAL;
	}
	memset(l, 0, sizeof(*l));
	l->port = (uint16_t)p;
	if (strlen(addr) >= sizeof(l->addr_str))
		return -EINVAL;
	snprintf(l->addr_str, sizeof(l->addr_str), "%s", addr);
	l->any_addr = strcmp(addr, "*") == 0;
	if (l->any_addr)
		return 0;
	l->family = strchr(addr, ':') != NULL ? AF_INET6 : AF_INET;
	return inet_pton(l->family, addr, l->addr) == 1 ? 0 : -EINVAL;
}

static int
add_listen(struct conf_ctx *c, const char *v)
{
	struct tgt_conf *conf = c->conf;
	struct tgt_conf_listen l;
	unsigned int i;

	if (parse_listen(v, &l) < 0)
		return conf_fail(c, "listen", "\"%s\" is not <address>[:<port>], "
				 "[<IPv6 address>][:<port>] or *[:<port>]", v);
	for (i = 0; i < conf->nb_listen; i++)
		if (conf->listen[i].port == l.port &&
		    strcmp(conf->listen[i].addr_str, l.addr_str) == 0)
			return conf_fail(c, "listen", "%s is given twice", v);
	if (conf->nb_listen == TGT_CONF_MAX_LISTEN)
		return conf_fail(c, "listen", "more than %d listeners", TGT_CONF_MAX_LISTEN);
	conf->listen[conf->nb_listen++] = l;
	return 0;
}

static int
read_target(struct conf_ctx *c, const struct rte_cfgfile_entry *e, int n)
{
	const char *vals[TK_NUM];
	unsigned int i, *f;
	int ret, j;

	ret = collect(c, e, n, target_keys, TK_NUM, 1u << TK_LISTEN, vals);
	for (j = 0; ret == 0 && j < n; j++)
		if (strcmp(e[j].name, "listen") == 0)
			ret = add_listen(c, e[j].value);
	for (i = 0; ret == 0 && i < RTE_DIM(target_nums); i++) {
		f = (unsigned int *)((char *)c->conf + target_nums[i].off);
		if (vals[target_nums[i].key] != NULL)
			ret = get_uint(c, target_keys[target_nums[i].key],
				       vals[target_nums[i].key], target_nums[i].min,
				       target_nums[i].max, f);
	}
	if (ret != 0)
		return ret;
	/* NVMe-oF 1.1 IOCCSZ counts 16-byte units (the 64-byte SQE and the data). */
	if (c->conf->in_capsule_data_size % 16 != 0)
		return conf_fail(c, "in_capsule_data_size", "%s is not a multiple of 16",
				 vals[TK_ICD]);
	/* MDTS is a power of two of the 4 KiB minimum page size (NVMe 1.4 5.15.2.1). */
	if (!rte_is_power_of_2(c->conf->max_io_size))
		return conf_fail(c, "max_io_size", "%s is not a power of two", vals[TK_IOSIZE]);
	c->conf->mdts = rte_log2_u32(c->conf->max_io_size / 4096);
	return 0;
}

/* ---- [backend:<name>] ---- */

enum { BK_TYPE, BK_SIZE, BK_BS, BK_PATH, BK_CREATE, BK_IO, BK_DIRECT, BK_WC, BK_NUM };
static const char *const bdev_keys[BK_NUM] = {
	"type", "size", "block_size", "path", "create", "io", "direct", "write_cache",
};

/* create = no: the file must be there; create = yes: at least its directory. */
static int
check_path(struct conf_ctx *c, const struct tgt_conf_bdev *b)
{
	char dir[TGT_CONF_PATH_LEN];
	struct stat st;

	if (stat(b->path, &st) == 0) {
		if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
			return conf_fail(c, "path", "%s: not a regular file or block device",
					 b->path);
		return 0;
	}
	if (!b->create || errno != ENOENT)
		return conf_fail(c, "path", "%s: %s", b->path, strerror(errno));
	snprintf(dir, sizeof(dir), "%s", b->path);
	if (stat(dirname(dir), &st) != 0)
		return conf_fail(c, "path", "%s: directory %s: %s", b->path, dir,
				 strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return conf_fail(c, "path", "%s: %s is not a directory", b->path, dir);
	return 0;
}

/* The keys only a file backend has. */
static int
read_file_keys(struct conf_ctx *c, const char **vals, struct tgt_conf_bdev *b)
{
	int ret = 0;

	if (vals[BK_PATH] == NULL)
		return conf_fail(c, "path", "required for type = file");
	snprintf(b->path, sizeof(b->path), "%s", vals[BK_PATH]);
	if (vals[BK_CREATE] != NULL)
		ret = get_bool(c, "create", vals[BK_CREATE], &b->create);
	if (ret == 0 && vals[BK_DIRECT] != NULL)
		ret = get_bool(c, "direct", vals[BK_DIRECT], &b->direct);
	if (ret == 0 && vals[BK_WC] != NULL)
		ret = get_bool(c, "write_cache", vals[BK_WC], &b->write_cache);
	if (ret == 0 && vals[BK_IO] != NULL) {
		if (strcmp(vals[BK_IO], "uring") == 0)
			b->io = TGT_CONF_IO_URING;
		else if (strcmp(vals[BK_IO], "psync") == 0)
			b->io = TGT_CONF_IO_PSYNC;
		else
			ret = conf_fail(c, "io", "\"%s\" is not uring or psync", vals[BK_IO]);
	}
	if (ret == 0 && b->create && vals[BK_SIZE] == NULL)
		return conf_fail(c, "size", "required with create = yes");
	return ret != 0 ? ret : check_path(c, b);
}

static int
read_type(struct conf_ctx *c, const char **vals, struct tgt_conf_bdev *b)
{
	unsigned int k;

	if (vals[BK_TYPE] == NULL)
		return conf_fail(c, "type", "required (ram or file)");
	if (strcmp(vals[BK_TYPE], "file") == 0) {
		b->type = TGT_CONF_BDEV_FILE;
		return 0;
	}
	if (strcmp(vals[BK_TYPE], "ram") != 0)
		return conf_fail(c, "type", "\"%s\" is not ram or file", vals[BK_TYPE]);
	b->type = TGT_CONF_BDEV_RAM;
	for (k = BK_PATH; k < BK_NUM; k++)
		if (vals[k] != NULL)
			return conf_fail(c, bdev_keys[k], "only for type = file");
	if (vals[BK_SIZE] == NULL)
		return conf_fail(c, "size", "required for type = ram");
	return 0;
}

static int
read_bdev(struct conf_ctx *c, const struct rte_cfgfile_entry *e, int n,
	  struct tgt_conf_bdev *b)
{
	const char *vals[BK_NUM];
	unsigned int bs = 512;
	int ret;

	ret = collect(c, e, n, bdev_keys, BK_NUM, 0, vals);
	if (ret == 0)
		ret = read_type(c, vals, b);
	if (ret == 0 && vals[BK_BS] != NULL &&
	    (get_uint(c, "block_size", vals[BK_BS], 0, UINT32_MAX, &bs) < 0 ||
	     (bs != 512 && bs != 4096)))
		ret = conf_fail(c, "block_size", "%s is not 512 or 4096", vals[BK_BS]);
	b->block_size = bs;
	if (ret == 0 && vals[BK_SIZE] != NULL)
		ret = get_size(c, "size", vals[BK_SIZE], &b->size);
	if (ret == 0 && b->size % b->block_size != 0)
		ret = conf_fail(c, "size", "%s is not a multiple of block_size %u",
				vals[BK_SIZE], b->block_size);
	if (ret == 0 && b->type == TGT_CONF_BDEV_FILE) {
		b->write_cache = true;
		ret = read_file_keys(c, vals, b);
	}
	return ret;
}

/* ---- [subsystem:<name>] ---- */

enum { SK_NQN, SK_SERIAL, SK_MODEL, SK_ANY, SK_HOST, SK_NS, SK_NUM };
static const char *const subsys_keys[SK_NUM] = {
	"nqn", "serial", "model", "allow_any_host", "host", "namespace",
};

/* Identify's SN and MN: printable ASCII (NVMe 1.4 5.15.2.2), space padded there. */
static int
get_ascii(struct conf_ctx *c, const char *key, const char *v, size_t max, char *out)
{
	const char *p;

	if (strlen(v) > max)
		return conf_fail(c, key, "\"%s\" is longer than %zu bytes", v, max);
	for (p = v; *p != '\0'; p++)
		if (*p < 0x20 || *p > 0x7e)
			return conf_fail(c, key, "not printable ASCII");
	memcpy(out, v, strlen(v) + 1);
	return 0;
}

static int
get_nqn(struct conf_ctx *c, const char *key, const char *v, char *out)
{
	char why[128];

	if (nvmf_nqn_check(v, why, sizeof(why)) != 0)
		return conf_fail(c, key, "\"%s\" is not an NQN: %s", v, why);
	if (strcmp(key, "nqn") == 0 && nvmf_nqn_is_discovery(v))
		return conf_fail(c, key, "%s is the discovery subsystem, always served", v);
	memcpy(out, v, strlen(v) + 1);
	return 0;
}

static int
add_host(struct conf_ctx *c, struct tgt_conf_subsys *s, const char *v)
{
	unsigned int i;
	int ret;

	ret = get_nqn(c, "host", v, s->hosts[s->nb_hosts]);
	for (i = 0; ret == 0 && i < s->nb_hosts; i++)
		if (strcmp(s->hosts[i], v) == 0)
			return conf_fail(c, "host", "%s is listed twice", v);
	if (ret == 0)
		s->nb_hosts++;
	return ret;
}

static int
find_bdev(const struct tgt_conf *conf, const char *name)
{
	unsigned int i;

	for (i = 0; i < conf->nb_bdevs; i++)
		if (strcmp(conf->bdevs[i].name, name) == 0)
			return (int)i;
	return -ENOENT;
}

/* "uuid=<8-4-4-4-12>" or "nguid=<32 hex digits>" after the backend name. */
static int
ns_option(struct conf_ctx *c, char *tok, struct tgt_conf_ns *ns, bool *uuid, bool *nguid)
{
	if (strncmp(tok, "uuid=", 5) == 0 && !*uuid) {
		*uuid = true;
		if (parse_hex128(tok + 5, true, ns->uuid) == 0)
			return 0;
		return conf_fail(c, "namespace", "%s is not a non-zero 8-4-4-4-12 UUID",
				 tok + 5);
	}
	if (strncmp(tok, "nguid=", 6) == 0 && !*nguid) {
		*nguid = true;
		if (parse_hex128(tok + 6, false, ns->nguid) == 0)
			return 0;
		return conf_fail(c, "namespace", "%s is not 32 hex digits, not all zero",
				 tok + 6);
	}
	return conf_fail(c, "namespace", "\"%s\": expected uuid=<UUID> or nguid=<hex>, once",
			 tok);
}

/* Where the NSID and the backend of "<nsid> <backend> ..." may be used. */
static int
ns_place(struct conf_ctx *c, unsigned int si, const char *v, uint64_t nsid,
	 const char *bdev)
{
	const struct tgt_conf_subsys *s = &c->conf->subsys[si];
	int b = find_bdev(c->conf, bdev);
	unsigned int i;

	if (nsid < 1 || nsid > TGT_CONF_MAX_NSID)
		return conf_fail(c, "namespace", "%s: NSID %" PRIu64 " is not in 1..%d", v,
				 nsid, TGT_CONF_MAX_NSID);
	for (i = 0; i < s->nb_ns; i++)
		if (s->ns[i].nsid == nsid)
			return conf_fail(c, "namespace", "%s: NSID %" PRIu64 " is given twice",
					 v, nsid);
	if (b < 0)
		return conf_fail(c, "namespace", "%s: no [backend:%s]", v, bdev);
	if (c->bdev_user[b] != 0)
		return conf_fail(c, "namespace", "%s: backend %s already serves "
				 "[subsystem:%s] NSID %u", v, bdev,
				 c->conf->subsys[c->bdev_user[b] - 1].name,
				 (unsigned int)c->bdev_nsid[b]);
	return b;
}

static int
add_ns(struct conf_ctx *c, unsigned int si, const char *v)
{
	struct tgt_conf_subsys *s = &c->conf->subsys[si];
	struct tgt_conf_ns *ns = &s->ns[s->nb_ns];
	char buf[CFG_VALUE_LEN], *save, *tok, *bdev;
	bool uuid = false, nguid = false;
	uint64_t nsid;
	int b, ret = 0;

	snprintf(buf, sizeof(buf), "%s", v);
	tok = strtok_r(buf, " \t", &save);
	bdev = strtok_r(NULL, " \t", &save);
	if (tok == NULL || bdev == NULL || parse_u64(tok, &nsid) < 0)
		return conf_fail(c, "namespace", "\"%s\" is not <nsid> <backend> "
				 "[uuid=<UUID>] [nguid=<hex>]", v);
	b = ns_place(c, si, v, nsid, bdev);
	if (b < 0)
		return b;
	memset(ns, 0, sizeof(*ns));
	ns->nsid = (uint32_t)nsid;
	ns->bdev = (unsigned int)b;
	while (ret == 0 && (tok = strtok_r(NULL, " \t", &save)) != NULL)
		ret = ns_option(c, tok, ns, &uuid, &nguid);
	if (ret != 0)
		return ret;
	ns_default_ids(s->nqn, ns, !uuid, !nguid);
	c->bdev_user[b] = (int)si + 1;
	c->bdev_nsid[b] = ns->nsid;
	s->nb_ns++;
	return 0;
}

/* nqn, serial, model, allow_any_host: the keys given at most once. */
static int
subsys_ids(struct conf_ctx *c, const char **vals, struct tgt_conf_subsys *s)
{
	unsigned int i;
	int ret;

	if (vals[SK_NQN] == NULL)
		return conf_fail(c, "nqn", "required");
	ret = get_nqn(c, "nqn", vals[SK_NQN], s->nqn);
	for (i = 0; ret == 0 && &c->conf->subsys[i] != s; i++)
		if (strcmp(c->conf->subsys[i].nqn, s->nqn) == 0)
			return conf_fail(c, "nqn", "%s is [subsystem:%s]'s too", s->nqn,
					 c->conf->subsys[i].name);
	default_serial(s->nqn, s->serial);
	snprintf(s->model, sizeof(s->model), "%s", TGT_CONF_DEF_MODEL);
	if (ret == 0 && vals[SK_SERIAL] != NULL)
		ret = get_ascii(c, "serial", vals[SK_SERIAL], TGT_CONF_SERIAL_LEN, s->serial);
	if (ret == 0 && vals[SK_MODEL] != NULL)
		ret = get_ascii(c, "model", vals[SK_MODEL], TGT_CONF_MODEL_LEN, s->model);
	if (ret == 0 && vals[SK_ANY] != NULL)
		ret = get_bool(c, "allow_any_host", vals[SK_ANY], &s->allow_any_host);
	return ret;
}

static int
read_subsys(struct conf_ctx *c, const struct rte_cfgfile_entry *e, int n, unsigned int si)
{
	struct tgt_conf_subsys *s = &c->conf->subsys[si];
	const char *vals[SK_NUM];
	int ret, i;

	ret = collect(c, e, n, subsys_keys, SK_NUM, 1u << SK_HOST | 1u << SK_NS, vals);
	if (ret == 0)
		ret = subsys_ids(c, vals, s);
	if (ret != 0)
		return ret;
	s->hosts = calloc(n, sizeof(*s->hosts));
	s->ns = calloc(n, sizeof(*s->ns));
	if (s->hosts == NULL || s->ns == NULL)
		return -ENOMEM;
	for (i = 0; ret == 0 && i < n; i++) {
		if (strcmp(e[i].name, "host") == 0)
			ret = add_host(c, s, e[i].value);
		else if (strcmp(e[i].name, "namespace") == 0)
			ret = add_ns(c, si, e[i].value);
	}
	if (ret == 0 && s->allow_any_host && s->nb_hosts > 0)
		return conf_fail(c, "host", "listed while allow_any_host = yes");
	if (ret == 0 && !s->allow_any_host && s->nb_hosts == 0)
		return conf_fail(c, "host", "none, and allow_any_host = no: no host may connect");
	return ret;
}

/* ---- the walk ---- */

enum sect_kind { SECT_OTHER_APP, SECT_TARGET, SECT_BDEV, SECT_SUBSYS, SECT_BAD };

static enum sect_kind
sect_kind(const char *name, const char **sub)
{
	static const char *const app[] = { "port", "eal", "engine" };
	enum sect_kind kind;
	unsigned int i;

	*sub = NULL;
	for (i = 0; i < RTE_DIM(app); i++)
		if (strcmp(name, app[i]) == 0)
			return SECT_OTHER_APP;
	if (strcmp(name, "target") == 0)
		return SECT_TARGET;
	if (strncmp(name, SEC_BACKEND, strlen(SEC_BACKEND)) == 0) {
		*sub = name + strlen(SEC_BACKEND);
		kind = SECT_BDEV;
	} else if (strncmp(name, SEC_SUBSYS, strlen(SEC_SUBSYS)) == 0) {
		*sub = name + strlen(SEC_SUBSYS);
		kind = SECT_SUBSYS;
	} else {
		return SECT_BAD;
	}
	/* A backend's name is a token of "namespace = <nsid> <backend>". */
	return **sub == '\0' || strpbrk(*sub, " \t") != NULL ? SECT_BAD : kind;
}

/* Section i's entries, in a buffer the caller frees; *n their count. */
static struct rte_cfgfile_entry *
sect_entries(struct conf_ctx *c, int i, char *name, int *n)
{
	struct rte_cfgfile_entry *e;
	int cnt = rte_cfgfile_section_num_entries_by_index(c->cfg, name, i);

	e = calloc(cnt > 0 ? cnt : 1, sizeof(*e));
	if (e == NULL)
		return NULL;
	*n = rte_cfgfile_section_entries_by_index(c->cfg, i, name, e, cnt);
	return e;
}

/* Section names: known, each once; count the backends and subsystems. */
static int
check_sections(struct conf_ctx *c, int nsect, unsigned int *nb_bdev, unsigned int *nb_sub)
{
	char *name = c->sect, other[CFG_NAME_LEN];
	struct rte_cfgfile_entry e;
	enum sect_kind kind;
	const char *sub;
	int i, j;

	*nb_bdev = *nb_sub = 0;
	for (i = 0; i < nsect; i++) {
		rte_cfgfile_section_entries_by_index(c->cfg, i, name, &e, 0);
		kind = sect_kind(name, &sub);
		if (kind == SECT_BAD)
			return conf_fail(c, NULL, "unknown section: expected [target], "
					 "[backend:<name>], [subsystem:<name>], [port], [eal] "
					 "or [engine]");
		*nb_bdev += kind == SECT_BDEV;
		*nb_sub += kind == SECT_SUBSYS;
		for (j = 0; j < i; j++) {
			rte_cfgfile_section_entries_by_index(c->cfg, j, other, &e, 0);
			if (strcmp(name, other) == 0)
				return conf_fail(c, NULL, "section given twice");
		}
	}
	return 0;
}

/* Read every section of one kind, in the order of the file. */
static int
read_kind(struct conf_ctx *c, int nsect, enum sect_kind want)
{
	char *name = c->sect;
	struct rte_cfgfile_entry *e;
	struct tgt_conf *conf = c->conf;
	const char *sub;
	int i, n = 0, ret = 0;

	for (i = 0; ret == 0 && i < nsect; i++) {
		e = sect_entries(c, i, name, &n);
		if (e == NULL)
			return -ENOMEM;
		if (sect_kind(name, &sub) != want) {
			free(e);
			continue;
		}
		if (want == SECT_TARGET) {
			ret = read_target(c, e, n);
		} else if (want == SECT_BDEV) {
			snprintf(conf->bdevs[conf->nb_bdevs].name, TGT_CONF_NAME_LEN, "%s", sub);
			ret = read_bdev(c, e, n, &conf->bdevs[conf->nb_bdevs++]);
		} else {
			snprintf(conf->subsys[conf->nb_subsys].name, TGT_CONF_NAME_LEN, "%s", sub);
			ret = read_subsys(c, e, n, conf->nb_subsys++);
		}
		free(e);
	}
	return ret;
}

static int
read_all(struct conf_ctx *c)
{
	struct tgt_conf *conf = c->conf;
	unsigned int nb_bdev, nb_sub;
	int nsect = rte_cfgfile_num_sections(c->cfg, NULL, 0);
	int ret;

	ret = check_sections(c, nsect, &nb_bdev, &nb_sub);
	if (ret != 0)
		return ret;
	conf->bdevs = calloc(nb_bdev + 1, sizeof(*conf->bdevs));
	conf->subsys = calloc(nb_sub + 1, sizeof(*conf->subsys));
	c->bdev_user = calloc(nb_bdev + 1, sizeof(*c->bdev_user));
	c->bdev_nsid = calloc(nb_bdev + 1, sizeof(*c->bdev_nsid));
	if (conf->bdevs == NULL || conf->subsys == NULL || c->bdev_user == NULL ||
	    c->bdev_nsid == NULL)
		return -ENOMEM;
	/* Backends first: a namespace may name one defined further down. */
	ret = read_kind(c, nsect, SECT_BDEV);
	if (ret == 0)
		ret = read_kind(c, nsect, SECT_TARGET);
	if (ret == 0)
		ret = read_kind(c, nsect, SECT_SUBSYS);
	if (ret == 0 && conf->nb_listen == 0)
		add_listen(c, "*");
	if (ret == 0 && conf->nb_subsys == 0)
		return file_fail(c->path, 0, c->err, c->err_len, -EINVAL,
				 "no [subsystem:<name>] section: nothing to serve");
	return ret;
}

/* Read a loaded cfg into conf; name is what messages call it. Closes cfg. */
static int
read_cfg(const char *name, struct rte_cfgfile *cfg, struct tgt_conf *conf, char *err,
	 size_t err_len)
{
	struct conf_ctx c = {
		.path = name, .err = err, .err_len = err_len, .conf = conf, .cfg = cfg,
	};
	int ret;

	ret = read_all(&c);
	if (ret == -ENOMEM)
		file_fail(name, 0, err, err_len, ret, strerror(ENOMEM));
	rte_cfgfile_close(cfg);
	free(c.bdev_user);
	free(c.bdev_nsid);
	if (ret != 0)
		tgt_conf_free(conf);
	return ret;
}

int
tgt_conf_load(const char *path, struct tgt_conf *conf, char *err, size_t err_len)
{
	struct rte_cfgfile *cfg;
	int ret;

	memset(conf, 0, sizeof(*conf));
	target_defaults(conf);
	ret = check_lines(path, err, err_len);
	if (ret != 0)
		return ret;
	cfg = rte_cfgfile_load(path, 0);
	if (cfg == NULL)
		return file_fail(path, 0, err, err_len, -EINVAL, "rte_cfgfile cannot parse it");
	return read_cfg(path, cfg, conf, err, err_len);
}

/*
 * The quick start is the file it stands for, read by the same code:
 *   [target] listen = *:<port>
 *   [backend:ns1] type = ram, size = <ram_size> | type = file, path = <file_path>
 *   [subsystem:quick] nqn = <nqn>, allow_any_host = yes, namespace = 1 ns1
 */
static int
quick_cfg(struct rte_cfgfile *cfg, const char *nqn, uint64_t ram_size,
	  const char *file_path, uint16_t port)
{
	char v[CFG_VALUE_LEN];
	int ret;

	snprintf(v, sizeof(v), "*:%u", port != 0 ? port : NVMF_RDMA_PORT);
	ret = rte_cfgfile_add_section(cfg, "target") |
	      rte_cfgfile_add_entry(cfg, "target", "listen", v) |
	      rte_cfgfile_add_section(cfg, SEC_BACKEND "ns1") |
	      rte_cfgfile_add_section(cfg, SEC_SUBSYS "quick") |
	      rte_cfgfile_add_entry(cfg, SEC_SUBSYS "quick", "nqn", nqn) |
	      rte_cfgfile_add_entry(cfg, SEC_SUBSYS "quick", "allow_any_host", "yes") |
	      rte_cfgfile_add_entry(cfg, SEC_SUBSYS "quick", "namespace", "1 ns1");
	snprintf(v, sizeof(v), "%" PRIu64, ram_size);
	if (file_path == NULL)
		ret |= rte_cfgfile_add_entry(cfg, SEC_BACKEND "ns1", "type", "ram") |
		       rte_cfgfile_add_entry(cfg, SEC_BACKEND "ns1", "size", v);
	else
		ret |= rte_cfgfile_add_entry(cfg, SEC_BACKEND "ns1", "type", "file") |
		       rte_cfgfile_add_entry(cfg, SEC_BACKEND "ns1", "path", file_path);
	return ret == 0 ? 0 : -ENOMEM;
}

int
tgt_conf_quick(struct tgt_conf *conf, const char *nqn, uint64_t ram_size,
	       const char *file_path, uint16_t port, char *err, size_t err_len)
{
	const char *name = "quick start";
	struct rte_cfgfile *cfg;

	memset(conf, 0, sizeof(*conf));
	target_defaults(conf);
	if ((ram_size == 0) == (file_path == NULL))
		return file_fail(name, 0, err, err_len, -EINVAL,
				 "give one of --ram <size> and --file <path>");
	/* rte_cfgfile would cut them short; the NQN check refuses a long one anyway. */
	if (strlen(nqn) >= CFG_VALUE_LEN ||
	    (file_path != NULL && strlen(file_path) >= CFG_VALUE_LEN))
		return file_fail(name, 0, err, err_len, -ENAMETOOLONG,
				 "NQN or file path longer than 255 bytes");
	cfg = rte_cfgfile_create(0);
	if (cfg == NULL || quick_cfg(cfg, nqn, ram_size, file_path, port) != 0) {
		if (cfg != NULL)
			rte_cfgfile_close(cfg);
		return file_fail(name, 0, err, err_len, -ENOMEM, strerror(ENOMEM));
	}
	return read_cfg(name, cfg, conf, err, err_len);
}

void
tgt_conf_free(struct tgt_conf *conf)
{
	unsigned int i;

	if (conf == NULL)
		return;
	for (i = 0; conf->subsys != NULL && i < conf->nb_subsys; i++) {
		free(conf->subsys[i].hosts);
		free(conf->subsys[i].ns);
	}
	free(conf->subsys);
	free(conf->bdevs);
	memset(conf, 0, sizeof(*conf));
}
