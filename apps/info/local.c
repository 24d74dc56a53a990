/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * droce-info on a port of its own: open it with the shared port options, start an engine
 * and open an NDK adapter on it (ndk_query_adapter_info() needs one), describe them, and
 * close everything again.
 */
#include <stdio.h>

#include <rte_ethdev.h>

#include <droce/droce.h>
#include <droce/ndk.h>

#include "app_engine.h"
#include "info.h"

static void
mac_str(const uint8_t m[6], char *buf, size_t len)
{
	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

static json_t *
describe_port(const struct droce_port *port, const char *engine)
{
	struct droce_xstat xs[256];
	struct rte_eth_link link = { 0 };
	char buf[DROCE_ADDR_STRLEN], name[RTE_ETH_NAME_MAX_LEN] = "";
	json_t *p = json_object(), *gids = json_array(), *ctr = json_object();
	uint8_t mac[6];
	unsigned int i;
	int n;

	json_object_set_new(p, "port_id", json_integer(droce_port_id(port)));
	rte_eth_dev_get_name_by_port(droce_port_id(port), name);
	json_object_set_new(p, "name", json_string(name));
	droce_port_mac(port, mac);
	mac_str(mac, buf, sizeof(buf));
	json_object_set_new(p, "mac", json_string(buf));
	json_object_set_new(p, "mtu", json_integer(droce_port_mtu(port)));
	json_object_set_new(p, "path_mtu", json_integer(droce_port_path_mtu(port)));
	/* The public API has no link call: the port is an ethdev, ask DPDK. */
	rte_eth_link_get_nowait(droce_port_id(port), &link);
	json_object_set_new(p, "link", json_string(link.link_status ? "up" : "down"));
	json_object_set_new(p, "link_speed_mbps", json_integer(link.link_speed));
	json_object_set_new(p, "engine", json_string(engine));
	/* droce_port_addr_get() counts used entries: the index a fresh table gave each. */
	for (i = 0; droce_port_addr_get(port, i, buf, sizeof(buf)) == 0; i++)
		json_array_append_new(gids, json_pack("{s:i, s:s}", "index", i, "gid", buf));
	json_object_set_new(p, "gids", gids);
	n = droce_port_xstats(port, xs, RTE_DIM(xs));
	for (i = 0; i < (unsigned int)n && i < RTE_DIM(xs); i++)
		json_object_set_new(ctr, xs[i].name, json_integer((json_int_t)xs[i].value));
	json_object_set_new(p, "counters", ctr);
	return p;
}

static json_t *
describe_adapter(const struct ndk_adapter_info *ai)
{
	char version[16];

	snprintf(version, sizeof(version), "%u.%u", ai->version.major, ai->version.minor);
	return json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I,"
			 " s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
		"version", version,
		"vendor_id", (json_int_t)ai->vendor_id,
		"device_id", (json_int_t)ai->device_id,
		"max_registration_size", (json_int_t)ai->max_registration_size,
		"max_window_size", (json_int_t)ai->max_window_size,
		"frmr_page_count", (json_int_t)ai->frmr_page_count,
		"max_initiator_request_sge", (json_int_t)ai->max_initiator_request_sge,
		"max_receive_request_sge", (json_int_t)ai->max_receive_request_sge,
		"max_read_request_sge", (json_int_t)ai->max_read_request_sge,
		"max_transfer_length", (json_int_t)ai->max_transfer_length,
		"max_inline_data_size", (json_int_t)ai->max_inline_data_size,
		"max_inbound_read_limit", (json_int_t)ai->max_inbound_read_limit,
		"max_outbound_read_limit", (json_int_t)ai->max_outbound_read_limit,
		"max_receive_queue_depth", (json_int_t)ai->max_receive_queue_depth,
		"max_initiator_queue_depth", (json_int_t)ai->max_initiator_queue_depth,
		"max_srq_depth", (json_int_t)ai->max_srq_depth,
		"max_cq_depth", (json_int_t)ai->max_cq_depth,
		"large_request_threshold", (json_int_t)ai->large_request_threshold,
		"max_caller_data", (json_int_t)ai->max_caller_data,
		"max_callee_data", (json_int_t)ai->max_callee_data);
}

/* The adapter's limits: open one on the running engine, query it, close it. */
static int
query_adapter(const char *prog, struct droce_engine *eng, json_t *model)
{
	struct ndk_adapter_info ai = { .info_version = sizeof(ai) };
	size_t size = sizeof(ai);
	struct ndk_adapter *ad;
	int ret;

	ret = ndk_open_adapter(eng, (struct ndk_version){ 2, 0 }, NULL, &ad);
	if (ret != 0) {
		fprintf(stderr, "%s: cannot open an adapter: %s\n", prog, droce_strerror(ret));
		return -1;
	}
	ret = ndk_query_adapter_info(ad, &ai, &size);
	ndk_close_adapter(ad);
	if (ret != 0) {
		fprintf(stderr, "%s: adapter info: %s\n", prog, droce_strerror(ret));
		return -1;
	}
	json_object_set_new(model, "adapter", describe_adapter(&ai));
	return 0;
}

static json_t *
describe_engine(const struct droce_port *port, const char *name, int lcore)
{
	return json_pack("{s:s, s:i, s:i, s:[i], s:[i], s:i}", "name", name,
			 "port_id", droce_port_id(port), "slots", 1, "slot_lcores", lcore,
			 "slot_qps", 0, "qps", 0);
}

/* The apps' engine (app_engine.c), an adapter on it for the limits, then both described. */
static int
run(const char *prog, struct droce_port *port, const struct app_port_opts *o, json_t *model)
{
	struct app_engine ae;
	int ret, lcore;

	if (app_engine_start(prog, "info", port, o, &ae) != 0)
		return -1;
	lcore = ae.lcore;
	ret = query_adapter(prog, ae.eng, model);
	app_engine_stop(&ae);
	json_object_set_new(model, "ports", json_pack("[o]", describe_port(port, "info")));
	json_object_set_new(model, "engines", json_pack("[o]", describe_engine(port, "info",
			    lcore)));
	return ret;
}

int
info_local(const char *prog, struct app_port_opts *o, json_t **model)
{
	struct droce_port *port;
	int ret;

	if (app_port_open(prog, o, &port) != 0)
		return -1;
	*model = json_pack("{s:s}", "source", "local");
	ret = run(prog, port, o, *model);
	app_port_close(o, port);
	if (ret != 0) {
		json_decref(*model);
		*model = NULL;
	}
	return ret;
}
