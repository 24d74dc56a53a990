/* SPDX-License-Identifier: BSD-3-Clause */
/* droce-info's text form, laid out as ibv_devinfo -v lays out a device. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "info.h"

static const char *
str(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s != NULL ? s : "-";
}

static long long
num(const json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

/* Non-zero counters, one a line; the rest summed up in one. */
static void
print_counters(const json_t *ctr, const char *indent)
{
	unsigned int zero = 0;
	const char *k;
	json_t *v;

	json_object_foreach((json_t *)ctr, k, v) {
		if (json_integer_value(v) == 0)
			zero++;
		else
			printf("%s%-28s %" JSON_INTEGER_FORMAT "\n", indent, k,
			       json_integer_value(v));
	}
	if (zero != 0)
		printf("%s(%u more counters are 0)\n", indent, zero);
}

static void
print_port(const json_t *p, bool verbose)
{
	const json_t *g;
	size_t i;

	printf("port:\t%lld (%s)\n", num(p, "port_id"), str(p, "name"));
	printf("\ttransport:\t\tRoCEv2 (droce)\n");
	printf("\tstate:\t\t\t%s (%lld Mb/s)\n",
	       strcmp(str(p, "link"), "up") == 0 ? "PORT_ACTIVE" : "PORT_DOWN",
	       num(p, "link_speed_mbps"));
	printf("\tmac:\t\t\t%s\n", str(p, "mac"));
	printf("\tmtu:\t\t\t%lld\n", num(p, "mtu"));
	printf("\tactive_mtu:\t\t%lld (path MTU)\n", num(p, "path_mtu"));
	printf("\tlink_layer:\t\tEthernet\n");
	printf("\tengine:\t\t\t%s\n", str(p, "engine"));
	json_array_foreach(json_object_get(p, "gids"), i, g)
		printf("\t\t\tGID[%3lld]:\t\t%s\n", num(g, "index"), str(g, "gid"));
	if (verbose) {
		printf("\tcounters:\n");
		print_counters(json_object_get(p, "counters"), "\t\t");
	}
}

static void
print_qp(const json_t *q)
{
	printf("\tqp %lld:\t\t\t%s %s slot %lld%s\n", num(q, "qpn"), str(q, "type"),
	       str(q, "state"), num(q, "slot"), num(q, "closing") ? " (closing)" : "");
	printf("\t\tdest_qpn %lld dgid %s dmac %s sgid %s path_mtu %lld\n",
	       num(q, "dest_qpn"), str(q, "dgid"), str(q, "dmac"), str(q, "sgid"),
	       num(q, "path_mtu"));
	printf("\t\tsq_psn %lld acked_psn %lld rq_psn %lld timeout %lld retry_cnt %lld "
	       "rnr_retry %lld rate %lld Mb/s\n", num(q, "sq_psn"), num(q, "acked_psn"),
	       num(q, "rq_psn"), num(q, "timeout"), num(q, "retry_cnt"), num(q, "rnr_retry"),
	       num(q, "rate_mbps"));
	print_counters(json_object_get(q, "counters"), "\t\t");
}

static void
print_engine(const json_t *e, bool verbose)
{
	const json_t *lc = json_object_get(e, "slot_lcores"), *nq = json_object_get(e, "slot_qps");
	const char *k;
	json_t *v;
	size_t i;

	printf("engine:\t%s (port %lld)\n", str(e, "name"), num(e, "port_id"));
	printf("\tslots:\t\t\t%lld\n", num(e, "slots"));
	for (i = 0; i < json_array_size(lc); i++) {
		long long l = json_integer_value(json_array_get(lc, i));

		if (l >= 0)
			printf("\t\t\tslot %zu:\tlcore %lld, %lld QPs\n", i, l,
			       (long long)json_integer_value(json_array_get(nq, i)));
		else
			printf("\t\t\tslot %zu:\tpolled by a service or thread, %lld QPs\n", i,
			       (long long)json_integer_value(json_array_get(nq, i)));
	}
	printf("\tqps:\t\t\t%lld\n", num(e, "qps"));
	if (!verbose)
		return;
	json_object_foreach(json_object_get(e, "limits"), k, v)
		printf("\t%s:%s%" JSON_INTEGER_FORMAT "\n", k, strlen(k) < 15 ? "\t\t" : "\t",
		       json_integer_value(v));
	if (json_object_get(e, "counters") != NULL) {
		printf("\tcounters:\n");
		print_counters(json_object_get(e, "counters"), "\t\t");
	}
	json_array_foreach(json_object_get(e, "qp_list"), i, v)
		print_qp(v);
}

static void
print_adapter(const json_t *a)
{
	const char *k;
	json_t *v;

	printf("adapter (ndk_query_adapter_info):\n");
	json_object_foreach((json_t *)a, k, v) {
		if (json_is_string(v))
			printf("\t%-28s %s\n", k, json_string_value(v));
		else
			printf("\t%-28s %" JSON_INTEGER_FORMAT "\n", k, json_integer_value(v));
	}
}

void
info_print(const json_t *model, bool verbose)
{
	const json_t *v;
	size_t i;

	printf("source:\t%s\n", str(model, "source"));
	json_array_foreach(json_object_get(model, "ports"), i, v)
		print_port(v, verbose);
	json_array_foreach(json_object_get(model, "engines"), i, v)
		print_engine(v, verbose);
	if (verbose && json_object_get(model, "adapter") != NULL)
		print_adapter(json_object_get(model, "adapter"));
}
