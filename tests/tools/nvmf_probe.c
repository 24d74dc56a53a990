/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nvmf-probe: an NVMe over Fabrics RDMA host on a droce port, for interop tests against
 * Linux nvmet-rdma and droce-tgt. One of:
 *   --discover   the discovery log, printed as `nvme discover` does;
 *   --identify   the controller's identity and its namespaces' sizes;
 *   --rw <n>     write a pattern to the first n blocks of a namespace, read them back
 *                and compare every byte.
 * Exit 0 on success; otherwise one line says what failed, with the errno and the NVMe
 * status when the target refused a command.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app_engine.h"
#include "nvmf_host.h"

enum probe_mode { MODE_NONE, MODE_DISCOVER, MODE_IDENTIFY, MODE_RW };

struct probe_opts {
	struct app_port_opts port;
	struct nvmf_host_conf hc;
	enum probe_mode mode;
	const char *traddr;
	uint16_t svcid;
	uint32_t nblocks;
	uint32_t chunk;		/* bytes per keyed command */
	uint32_t nsid;
	enum nvmf_host_xfer xfer;
	bool first_small;	/* --rw: the first write 4 KiB (in-capsule when it fits) */
	uint32_t idle_ms;	/* --rw: idle between the writes and the reads */
};

enum {
	OPT_DISCOVER = 0x2000, OPT_IDENTIFY, OPT_RW, OPT_HOSTNQN, OPT_CHUNK, OPT_KEYED,
	OPT_INCAPSULE, OPT_INV, OPT_NSID, OPT_KATO, OPT_IDLE,
};

static void
usage(const char *prog)
{
	printf("usage: %s <port options> -a <traddr> [-s <trsvcid>] [-n <subnqn>]\n"
	       "       [--hostnqn <nqn>] [--kato <ms>] [-v]\n"
	       "       (--discover | --identify | --rw <blocks> [--nsid <n>]\n"
	       "        [--chunk <bytes>] [--keyed | --incapsule] [--inv] [--idle <ms>])\n\n"
	       "  --discover        print the discovery log (subnqn defaults to the\n"
	       "                    discovery NQN)\n"
	       "  --identify        print the controller and namespace identities\n"
	       "  --rw <blocks>     write a pattern to the first <blocks> blocks, read them\n"
	       "                    back, compare; the first write is 4 KiB (in-capsule when\n"
	       "                    the target allows), the others <chunk> bytes, keyed\n"
	       "  --chunk <bytes>   bytes per command (default 65536)\n"
	       "  --keyed           every write keyed (the target RDMA READs it)\n"
	       "  --incapsule       every write in the command capsule\n"
	       "  --inv             keyed SGLs with subtype Invalidate (through an MW)\n"
	       "  --idle <ms>       wait between writes and reads, sending Keep Alives\n"
	       "  --kato <ms>       Keep Alive Timeout of the admin Connect (default 30000;\n"
	       "                    0 for --discover)\n\n%s",
	       prog, APP_PORT_USAGE);
}

static int
parse_u32(const char *opt, const char *arg, uint32_t min, uint32_t max, uint32_t *out)
{
	char *end;
	unsigned long v = strtoul(arg, &end, 0);

	if (*arg == '\0' || *end != '\0' || v < min || v > max) {
		fprintf(stderr, "nvmf-probe: %s %s: expected %u to %u\n", opt, arg, min, max);
		return -1;
	}
	*out = (uint32_t)v;
	return 0;
}

static int
probe_opt(struct probe_opts *o, int opt, const char *arg)
{
	uint32_t v;

	switch (opt) {
	case 'a':
		o->traddr = arg;
		return 0;
	case 'n':
		o->hc.subnqn = arg;
		return 0;
	case 'v':
		o->hc.verbose = true;
		return 0;
	case 's':
		if (parse_u32("-s", arg, 1, 65535, &v) != 0)
			return -1;
		o->svcid = (uint16_t)v;
		return 0;
	case OPT_DISCOVER:
		o->mode = MODE_DISCOVER;
		return 0;
	case OPT_IDENTIFY:
		o->mode = MODE_IDENTIFY;
		return 0;
	case OPT_RW:
		o->mode = MODE_RW;
		return parse_u32("--rw", arg, 1, 1u << 24, &o->nblocks);
	case OPT_HOSTNQN:
		o->hc.hostnqn = arg;
		return 0;
	case OPT_CHUNK:
		return parse_u32("--chunk", arg, 512, NVMF_HOST_BUF_SIZE, &o->chunk);
	case OPT_KEYED:
		o->xfer = NVMF_HOST_XFER_KEYED;
		return 0;
	case OPT_INCAPSULE:
		o->xfer = NVMF_HOST_XFER_INCAPSULE;
		return 0;
	case OPT_INV:
		o->hc.invalidate = true;
		return 0;
	case OPT_NSID:
		return parse_u32("--nsid", arg, 1, UINT32_MAX - 1, &o->nsid);
	case OPT_KATO:
		return parse_u32("--kato", arg, 0, 3600000, &o->hc.kato_ms);
	case OPT_IDLE:
		return parse_u32("--idle", arg, 0, 3600000, &o->idle_ms);
	default:
		return -1;
	}
}

static int
parse_args(int argc, char **argv, struct probe_opts *o)
{
	static const struct option longopts[] = {
		APP_PORT_LONGOPTS,
		{ "discover", no_argument, NULL, OPT_DISCOVER },
		{ "identify", no_argument, NULL, OPT_IDENTIFY },
		{ "rw", required_argument, NULL, OPT_RW },
		{ "hostnqn", required_argument, NULL, OPT_HOSTNQN },
		{ "chunk", required_argument, NULL, OPT_CHUNK },
		{ "keyed", no_argument, NULL, OPT_KEYED },
		{ "incapsule", no_argument, NULL, OPT_INCAPSULE },
		{ "inv", no_argument, NULL, OPT_INV },
		{ "nsid", required_argument, NULL, OPT_NSID },
		{ "kato", required_argument, NULL, OPT_KATO },
		{ "idle", required_argument, NULL, OPT_IDLE },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "a:s:n:vh", longopts, NULL)) != -1) {
		ret = app_port_opt(&o->port, opt, optarg);
		if (ret < 0)
			return -1;
		if (ret > 0)
			continue;
		if (opt == 'h') {
			usage(argv[0]);
			exit(0);
		}
		if (probe_opt(o, opt, optarg) != 0) {
			if (opt == '?')
				usage(argv[0]);
			return -1;
		}
	}
	if (optind < argc || o->traddr == NULL || o->mode == MODE_NONE) {
		fprintf(stderr, "nvmf-probe: give -a <traddr> and one of --discover, --identify,"
			" --rw <blocks> (--help)\n");
		return -1;
	}
	return app_port_opts_check(&o->port);
}

static int
set_addr(struct probe_opts *o)
{
	struct sockaddr_in *in = (struct sockaddr_in *)&o->hc.addr;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&o->hc.addr;

	if (inet_pton(AF_INET, o->traddr, &in->sin_addr) == 1) {
		in->sin_family = AF_INET;
		in->sin_port = htons(o->svcid);
		return 0;
	}
	if (inet_pton(AF_INET6, o->traddr, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(o->svcid);
		return 0;
	}
	fprintf(stderr, "nvmf-probe: -a %s: not an IPv4 or IPv6 address\n", o->traddr);
	return -1;
}

/* The one failure line: what, the errno, and the NVMe or REJ status behind it. */
static int
fail(struct nvmf_host *h, const char *what, int err)
{
	uint16_t st = h != NULL ? nvmf_host_status(h) : 0;

	if (err == -EREMOTEIO)
		fprintf(stderr, "nvmf-probe: %s failed: %s: NVMe status %#x (sct %u sc %#x%s)\n",
			what, droce_strerror(err), st, nvmf_status_sct(st), nvmf_status_sc(st),
			nvmf_status_dnr(st) ? ", dnr" : "");
	else if (err == -ECONNREFUSED && h != NULL && nvmf_host_cm_reject(h) != 0)
		fprintf(stderr, "nvmf-probe: %s failed: %s: rdma_cm reject, NVMe RDMA status "
			"%u (%s)\n", what, droce_strerror(err), nvmf_host_cm_reject(h),
			nvmf_rdma_cm_sts_name(nvmf_host_cm_reject(h)));
	else
		fprintf(stderr, "nvmf-probe: %s failed: %s\n", what, droce_strerror(err));
	return err;
}

/* An Identify string field: trailing blanks dropped. */
static void
print_str(const char *name, const uint8_t *p, size_t n)
{
	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\0'))
		n--;
	printf("%-8s: %.*s\n", name, (int)n, (const char *)p);
}

static const char *
name_of(unsigned int v, const char *const *names, unsigned int n)
{
	return v < n && names[v] != NULL ? names[v] : "unrecognized";
}

/* One Discovery Log Page entry (NVMe-oF 1.1), in `nvme discover`'s words. */
static void
print_disc_entry(unsigned int i, const uint8_t *e)
{
	static const char *const trtype[] = { "unrecognized", "rdma", "fc", "tcp" };
	static const char *const adrfam[] = { "unrecognized", "ipv4", "ipv6", "ib", "fc" };
	static const char *const subtype[] = { NULL, "discovery subsystem referral",
					       "nvme subsystem",
					       "current discovery subsystem" };

	printf("=====Discovery Log Entry %u======\n", i);
	printf("trtype:  %s\n", name_of(e[0], trtype, 4));
	printf("adrfam:  %s\n", name_of(e[1], adrfam, 5));
	printf("subtype: %s\n", name_of(e[2], subtype, 4));
	printf("portid:  %u\n", nvmf_get_le16(e + 4));
	printf("trsvcid: %.32s\n", (const char *)e + 32);
	printf("subnqn:  %.256s\n", (const char *)e + 256);
	printf("traddr:  %.256s\n", (const char *)e + 512);
}

static int
discover(struct nvmf_host *h)
{
	uint8_t *log;
	uint32_t len, i;
	uint64_t n;
	int ret;

	ret = nvmf_host_discovery_log(h, &log, &len);
	if (ret != 0)
		return fail(h, "Get Log Page (discovery)", ret);
	n = nvmf_get_le64(log + 8);
	printf("\nDiscovery Log Number of Records %" PRIu64 ", Generation counter %" PRIu64
	       "\n", n, nvmf_get_le64(log));
	for (i = 0; i < n && (i + 2) * 1024 <= len; i++)
		print_disc_entry(i, log + (i + 1) * 1024);
	free(log);
	return 0;
}

/* A namespace's LBA data size: the LBA format FLBAS selects (Identify Namespace). */
static uint32_t
ns_block_size(const uint8_t *id)
{
	unsigned int lbaf = id[26] & 0xf;

	return 1u << id[128 + 4 * lbaf + 2];
}

static int
identify_ns(struct nvmf_host *h, uint32_t nsid, uint8_t *id)
{
	uint64_t nsze;
	int ret;

	ret = nvmf_host_identify(h, 0, nsid, id);
	if (ret != 0)
		return fail(h, "Identify namespace", ret);
	nsze = nvmf_get_le64(id);
	printf("ns %u: nsze %" PRIu64 " blocks of %u bytes (%" PRIu64 " bytes)\n", nsid, nsze,
	       ns_block_size(id), nsze * ns_block_size(id));
	return 0;
}

static int
identify(struct nvmf_host *h)
{
	const struct nvmf_host_info *in = nvmf_host_info(h);
	uint8_t id[4096], list[4096];
	unsigned int i;
	int ret;

	ret = nvmf_host_identify(h, 1, 0, id);
	if (ret != 0)
		return fail(h, "Identify controller", ret);
	print_str("sn", id + 4, 20);
	print_str("mn", id + 24, 40);
	print_str("fr", id + 64, 8);
	printf("cntlid  : %u\nmdts    : %u\nioccsz  : %u\niorcsz  : %u\nsgls    : %#x\n"
	       "nn      : %u\n", in->cntlid, id[77], in->ioccsz, nvmf_get_le32(id + 1796),
	       in->sgls, nvmf_get_le32(id + 516));
	ret = nvmf_host_identify(h, 2, 0, list);
	if (ret != 0)
		return fail(h, "Identify active namespace list", ret);
	for (i = 0; i < 1024 && nvmf_get_le32(list + 4 * i) != 0; i++) {
		ret = identify_ns(h, nvmf_get_le32(list + 4 * i), id);
		if (ret != 0)
			return ret;
	}
	return 0;
}

/* The pattern: every 16 bytes hold the LBA, a run id and the offset in the block. */
static void
fill(uint8_t *p, uint64_t lba, uint32_t nlb, uint32_t bs, uint32_t run)
{
	uint32_t b, off;

	for (b = 0; b < nlb; b++)
		for (off = 0; off < bs; off += 16) {
			uint8_t *g = p + (size_t)b * bs + off;

			nvmf_put_le64(g, lba + b);
			nvmf_put_le32(g + 8, run);
			nvmf_put_le32(g + 12, off);
		}
}

struct rw_stats {
	uint32_t icd_writes, keyed_writes, reads;
	uint64_t mismatches;
};

static int
rw_writes(struct nvmf_host *h, const struct probe_opts *o, uint32_t bs, uint32_t run,
	  uint8_t *tmp, struct rw_stats *st)
{
	const struct nvmf_host_info *in = nvmf_host_info(h);
	uint32_t lba = 0, nlb, chunk;
	enum nvmf_host_xfer x;
	int ret;

	while (lba < o->nblocks) {
		chunk = lba == 0 && o->first_small ? 4096 : o->chunk;
		x = lba == 0 && o->first_small ? NVMF_HOST_XFER_AUTO : o->xfer;
		nlb = chunk / bs == 0 ? 1 : chunk / bs;
		if (nlb > o->nblocks - lba)
			nlb = o->nblocks - lba;
		fill(tmp, lba, nlb, bs, run);
		ret = nvmf_host_write(h, o->nsid, lba, nlb, tmp, nlb * bs, x);
		if (ret != 0)
			return fail(h, "Write", ret);
		if (x == NVMF_HOST_XFER_INCAPSULE || (x == NVMF_HOST_XFER_AUTO &&
		    nlb * bs <= (in->ioccsz > 4 ? (in->ioccsz - 4) * 16 : 0)))
			st->icd_writes++;
		else
			st->keyed_writes++;
		lba += nlb;
	}
	return 0;
}

static int
rw_reads(struct nvmf_host *h, const struct probe_opts *o, uint32_t bs, uint32_t run,
	 uint8_t *tmp, uint8_t *want, struct rw_stats *st)
{
	uint32_t lba = 0, nlb, i;
	int ret;

	while (lba < o->nblocks) {
		nlb = o->chunk / bs == 0 ? 1 : o->chunk / bs;
		if (nlb > o->nblocks - lba)
			nlb = o->nblocks - lba;
		memset(tmp, 0xa5, (size_t)nlb * bs);
		ret = nvmf_host_read(h, o->nsid, lba, nlb, tmp, nlb * bs);
		if (ret != 0)
			return fail(h, "Read", ret);
		fill(want, lba, nlb, bs, run);
		for (i = 0; i < nlb * bs; i++)
			st->mismatches += tmp[i] != want[i];
		st->reads++;
		lba += nlb;
	}
	return 0;
}

static int
rw_setup(struct nvmf_host *h, struct probe_opts *o, uint32_t *bs)
{
	uint8_t id[4096];
	uint16_t got = 0;
	int ret;

	ret = nvmf_host_set_num_queues(h, 1, &got);
	if (ret != 0)
		return fail(h, "Set Features (Number of Queues)", ret);
	ret = nvmf_host_io_open(h);
	if (ret != 0)
		return fail(h, "I/O queue connect", ret);
	ret = identify_ns(h, o->nsid, id);
	if (ret != 0)
		return ret;
	*bs = ns_block_size(id);
	if (*bs > o->chunk || *bs > 4096 || nvmf_get_le64(id) < o->nblocks) {
		fprintf(stderr, "nvmf-probe: --rw %u: the namespace has %" PRIu64
			" blocks of %u bytes\n", o->nblocks, nvmf_get_le64(id), *bs);
		return -EINVAL;
	}
	if (o->chunk > nvmf_host_info(h)->mdts_bytes)
		o->chunk = nvmf_host_info(h)->mdts_bytes;
	return 0;
}

static int
rw(struct nvmf_host *h, struct probe_opts *o)
{
	struct rw_stats st = { 0 };
	uint32_t bs = 0, run = (uint32_t)time(NULL);
	uint8_t *tmp = NULL, *want = NULL;
	int ret;

	ret = rw_setup(h, o, &bs);
	if (ret == 0) {
		tmp = malloc(o->chunk);
		want = malloc(o->chunk);
		ret = tmp == NULL || want == NULL ? fail(h, "malloc", -ENOMEM) : 0;
	}
	if (ret == 0)
		ret = rw_writes(h, o, bs, run, tmp, &st);
	if (ret == 0 && (ret = nvmf_host_flush(h, o->nsid)) != 0)
		fail(h, "Flush", ret);
	if (ret == 0 && (ret = nvmf_host_idle(h, o->idle_ms)) != 0)
		fail(h, "Keep Alive", ret);
	if (ret == 0)
		ret = rw_reads(h, o, bs, run, tmp, want, &st);
	free(tmp);
	free(want);
	if (ret != 0)
		return ret;
	printf("rw: block size %u, writes %u in-capsule + %u keyed, reads %u keyed, "
	       "%" PRIu64 " remote invalidations, run id %#x\n", bs, st.icd_writes,
	       st.keyed_writes, st.reads, nvmf_host_info(h)->remote_invalidations, run);
	printf("rw: %u blocks written and read back, %" PRIu64 " mismatches\n", o->nblocks,
	       st.mismatches);
	return st.mismatches == 0 ? 0 : -EBADMSG;
}

static int
run(struct probe_opts *o, struct ndk_adapter *ad)
{
	struct nvmf_host *h = NULL;
	int ret, r;

	o->hc.ad = ad;
	ret = nvmf_host_connect(&o->hc, &h);
	if (ret != 0)
		fail(h, "connect", ret);
	if (ret == 0) {
		const struct nvmf_host_info *in = nvmf_host_info(h);

		printf("connected: %s, cntlid %u, version %u.%u, cntrltype %u\n", o->hc.subnqn,
		       in->cntlid, in->vs >> 16, (in->vs >> 8) & 0xff, in->cntrltype);
	}
	if (ret == 0)
		ret = o->mode == MODE_DISCOVER ? discover(h) :
		      o->mode == MODE_IDENTIFY ? identify(h) : rw(h, o);
	r = nvmf_host_close(h);
	if (r != 0)
		fail(NULL, "close", r);
	else
		printf("closed: every object closed, every callback came\n");
	return ret != 0 ? ret : r;
}

int
main(int argc, char **argv)
{
	struct probe_opts o = { .svcid = NVMF_RDMA_PORT, .chunk = 65536, .nsid = 1,
				.first_small = true };
	struct droce_port *port = NULL;
	struct app_engine ae = { 0 };
	struct ndk_adapter *ad = NULL;
	int ret = -1;

	o.hc.timeout_ms = NVMF_HOST_TIMEOUT_MS;
	o.hc.kato_ms = UINT32_MAX;
	if (parse_args(argc, argv, &o) != 0 || set_addr(&o) != 0) {
		app_port_opts_free(&o.port);
		return 2;
	}
	if (o.mode == MODE_DISCOVER && o.hc.subnqn == NULL)
		o.hc.subnqn = NVMF_DISCOVERY_NQN;
	/* As `nvme discover`: no keep alive for a one-shot discovery controller. */
	if (o.hc.kato_ms == UINT32_MAX)
		o.hc.kato_ms = o.mode == MODE_DISCOVER ? 0 : 30000;
	if (o.hc.subnqn == NULL) {
		fprintf(stderr, "nvmf-probe: give -n <subnqn>\n");
		return 2;
	}
	o.first_small = o.xfer == NVMF_HOST_XFER_AUTO;
	if (app_port_open(argv[0], &o.port, &port) != 0)
		return 1;
	if (app_engine_start("nvmf-probe", "nvmf", port, &o.port, &ae) == 0) {
		ret = ndk_open_adapter(ae.eng, (struct ndk_version){ 2, 0 }, NULL, &ad);
		if (ret != 0)
			fail(NULL, "open adapter", ret);
		else
			ret = run(&o, ad);
		if (ad != NULL)
			ndk_close_adapter(ad);
	}
	app_engine_stop(&ae);
	app_port_close(&o.port, port);
	return ret == 0 ? 0 : 1;
}
