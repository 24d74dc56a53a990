/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * droce-info --telemetry: a client of DPDK's telemetry socket, as dpdk-telemetry.py is
 * (a SOCK_SEQPACKET unix socket; the server first says hello with its limits, then
 * answers each "<command>[,<params>]" with one JSON message {"<command>": value}). It
 * asks the /droce/ endpoints (pmd/eng_tel.c) and sorts their flat dicts into the model.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "info.h"

#define SOCKET_NAME	"dpdk_telemetry.v2"
#define MAX_REPLY	(64 * 1024)

struct tel {
	int fd;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	size_t max_len;
};

/* Keys of the flat answers that describe rather than count (pmd/eng_tel.c). */
static const char *const port_keys[] = {
	"port_id", "name", "mac", "mtu", "path_mtu", "link", "link_speed_mbps", "engine",
	"gid_count", NULL,
};
static const char *const engine_keys[] = {
	"name", "port_id", "port_name", "slots", "qps", "slot_lcores", "slot_qps", NULL,
};
static const char *const qp_keys[] = {
	"engine", "qpn", "type", "state", "slot", "closing", "dest_qpn", "sgid", "dgid",
	"dmac", "path_mtu", "sq_psn", "acked_psn", "rq_psn", "timeout", "retry_cnt",
	"rnr_retry", "max_rd_atomic", "max_dest_rd_atomic", "sq_depth", "rq_depth",
	"rate_mbps", NULL,
};

static bool
is_key(const char *const *keys, const char *k)
{
	for (; *keys != NULL; keys++)
		if (strcmp(*keys, k) == 0)
			return true;
	return false;
}

/* The socket EAL made for target, as eal_create_runtime_dir() names the directory. */
static int
socket_path(const char *target, char *path, size_t len)
{
	const char *base = getuid() == 0 ? "/var/run" : getenv("XDG_RUNTIME_DIR");
	char prefix[256];
	struct stat st;
	size_t n;

	if (target[0] == '\0')
		return -1;
	if (strchr(target, '/') != NULL) {
		if (stat(target, &st) == 0 && S_ISDIR(st.st_mode))
			n = snprintf(path, len, "%s/%s", target, SOCKET_NAME);
		else
			n = snprintf(path, len, "%s", target);
		return n < len ? 0 : -1;
	}
	if (strspn(target, "0123456789") == strlen(target))
		snprintf(prefix, sizeof(prefix), "droce-%s", target);	/* a PID */
	else
		snprintf(prefix, sizeof(prefix), "%s", target);
	n = snprintf(path, len, "%s/dpdk/%s/%s", base != NULL ? base : "/tmp", prefix,
		     SOCKET_NAME);
	return n < len ? 0 : -1;
}

static int
tel_connect(struct tel *t, const char *target)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	char hello[1024];
	json_t *h;
	ssize_t n;

	if (socket_path(target, t->path, sizeof(t->path)) != 0) {
		fprintf(stderr, "droce-info: --telemetry %s: path too long or empty\n", target);
		return -1;
	}
	memcpy(sun.sun_path, t->path, sizeof(t->path));
	t->fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	if (t->fd < 0 || connect(t->fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
		fprintf(stderr, "droce-info: cannot reach %s: %s (is a droce process running "
			"with that PID or file prefix?)\n", t->path, strerror(errno));
		return -1;
	}
	n = recv(t->fd, hello, sizeof(hello) - 1, 0);
	h = n > 0 ? json_loadb(hello, n, 0, NULL) : NULL;
	if (h == NULL) {
		fprintf(stderr, "droce-info: %s: not a DPDK telemetry socket\n", t->path);
		return -1;
	}
	t->max_len = (size_t)json_integer_value(json_object_get(h, "max_output_len"));
	if (t->max_len == 0 || t->max_len > MAX_REPLY)
		t->max_len = MAX_REPLY;
	json_decref(h);
	return 0;
}

/* Send "cmd" (with ",params" already in it); the value the answer holds, or NULL. */
static json_t *
tel_ask(struct tel *t, const char *cmd)
{
	char *buf = malloc(t->max_len + 1);
	json_t *reply, *v = NULL;
	size_t clen = strcspn(cmd, ",");
	char key[64];
	ssize_t n;

	if (buf == NULL)
		return NULL;
	snprintf(key, sizeof(key), "%.*s", (int)clen, cmd);
	if (send(t->fd, cmd, strlen(cmd), 0) < 0 || (n = recv(t->fd, buf, t->max_len, 0)) <= 0) {
		fprintf(stderr, "droce-info: %s: %s: %s\n", t->path, cmd,
			errno ? strerror(errno) : "connection closed");
		free(buf);
		return NULL;
	}
	reply = json_loadb(buf, n, 0, NULL);
	free(buf);
	if (reply != NULL)
		v = json_incref(json_object_get(reply, key));
	json_decref(reply);
	if (v == NULL || json_is_null(v)) {
		fprintf(stderr, "droce-info: %s: no answer to %s (not a droce process?)\n",
			t->path, key);
		json_decref(v);
		return NULL;
	}
	if (json_is_object(v) && json_object_get(v, "error") != NULL) {
		fprintf(stderr, "droce-info: %s: %s\n", cmd,
			json_string_value(json_object_get(v, "error")));
		json_decref(v);
		return NULL;
	}
	return v;
}

/* Move the counters (integer values not in keys) of flat into a "counters" object. */
static json_t *
split(json_t *flat, const char *const *keys)
{
	json_t *out = json_object(), *ctr = json_object(), *v;
	const char *k;

	json_object_foreach(flat, k, v) {
		if (strncmp(k, "gid", 3) == 0 && strcmp(k, "gid_count") != 0)
			continue;	/* the GID table is gathered apart */
		if (is_key(keys, k) || !json_is_integer(v))
			json_object_set(out, k, v);
		else
			json_object_set(ctr, k, v);
	}
	json_object_set_new(out, "counters", ctr);
	return out;
}

static json_t *
port_model(json_t *flat)
{
	json_t *p = split(flat, port_keys), *gids = json_array(), *v;
	char key[16];
	int i;

	/* gid<index>, in table order. */
	for (i = 0; i < 256; i++) {
		snprintf(key, sizeof(key), "gid%d", i);
		v = json_object_get(flat, key);
		if (v != NULL)
			json_array_append_new(gids, json_pack("{s:i, s:O}", "index", i, "gid", v));
	}
	json_object_set_new(p, "gids", gids);
	json_object_del(p, "gid_count");
	return p;
}

static int
ask_ports(struct tel *t, json_t *model)
{
	json_t *ids = tel_ask(t, "/droce/ports"), *ports = json_array(), *v, *flat;
	char cmd[64];
	size_t i;

	if (ids == NULL)
		return -1;
	json_object_set_new(model, "ports", ports);
	json_array_foreach(ids, i, v) {
		snprintf(cmd, sizeof(cmd), "/droce/port,%d", (int)json_integer_value(v));
		flat = tel_ask(t, cmd);
		if (flat == NULL)
			continue;	/* detached since */
		json_array_append_new(ports, port_model(flat));
		json_decref(flat);
	}
	json_decref(ids);
	return 0;
}

/* Every QP of an engine, a page of /droce/qps at a time, each asked with /droce/qp. */
static json_t *
ask_qps(struct tel *t, const char *eng)
{
	json_t *list = json_array(), *page, *qpns, *v, *flat;
	char cmd[128];
	json_int_t next = 0;
	size_t i;

	do {
		snprintf(cmd, sizeof(cmd), "/droce/qps,%s,%" JSON_INTEGER_FORMAT, eng, next);
		page = tel_ask(t, cmd);
		if (page == NULL)
			break;
		qpns = json_object_get(page, "qpn");
		json_array_foreach(qpns, i, v) {
			snprintf(cmd, sizeof(cmd), "/droce/qp,%s,%" JSON_INTEGER_FORMAT, eng,
				 json_integer_value(v));
			flat = tel_ask(t, cmd);
			if (flat == NULL)
				continue;	/* closed since */
			json_array_append_new(list, split(flat, qp_keys));
			json_decref(flat);
		}
		v = json_object_get(page, "next");
		next = v != NULL ? json_integer_value(v) : 0;
		json_decref(page);
	} while (next != 0);
	return list;
}

static json_t *
engine_model(json_t *flat)
{
	json_t *e = split(flat, engine_keys), *lim = json_object(), *ctr, *v;
	const char *k;
	void *tmp;

	ctr = json_object_get(e, "counters");
	json_object_foreach_safe(ctr, tmp, k, v) {
		if (strncmp(k, "max_", 4) == 0) {
			json_object_set(lim, k, v);
			json_object_del(ctr, k);
		}
	}
	json_object_set_new(e, "limits", lim);
	return e;
}

static int
ask_engines(struct tel *t, bool verbose, json_t *model)
{
	json_t *names = tel_ask(t, "/droce/engines"), *engines = json_array(), *v, *flat, *e;
	char cmd[128];
	size_t i;

	if (names == NULL)
		return -1;
	json_object_set_new(model, "engines", engines);
	json_array_foreach(names, i, v) {
		snprintf(cmd, sizeof(cmd), "/droce/engine,%s", json_string_value(v));
		flat = tel_ask(t, cmd);
		if (flat == NULL)
			continue;	/* destroyed since */
		e = engine_model(flat);
		json_decref(flat);
		if (verbose)
			json_object_set_new(e, "qp_list", ask_qps(t, json_string_value(v)));
		json_array_append_new(engines, e);
	}
	json_decref(names);
	return 0;
}

int
info_telemetry(const char *target, bool verbose, json_t **model)
{
	struct tel t = { .fd = -1 };
	int ret = tel_connect(&t, target);

	*model = NULL;
	if (ret == 0) {
		*model = json_pack("{s:s}", "source", t.path);
		ret = ask_ports(&t, *model);
		ret = ret ?: ask_engines(&t, verbose, *model);
	}
	if (t.fd >= 0)
		close(t.fd);
	if (ret != 0) {
		json_decref(*model);
		*model = NULL;
	}
	return ret;
}
