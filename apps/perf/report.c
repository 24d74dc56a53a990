/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * perftest's output, in the formats of the perftest Debian 12 ships (4.5-0.17, internal
 * version 6.06): the test banner, the QP records, the bw table (in MiB/sec, as perftest
 * labels it since 2024; 4.5-0.17 prints the same 2^20-byte unit as "MB/sec"; Gb/sec with
 * --report_gbits), the latency table (half round trip for
 * the ping-pong tests) and, with --out_json, perftest's result keys. perftest writes its
 * keys unquoted; droce-perf writes the same keys as valid JSON.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "perf.h"

#define RESULT_LINE "---------------------------------------------------------------------------------------\n"

static const char *const verb_str[] = { "Send", "RDMA_Write", "RDMA_Read", "Atomic" };

void
report_line(void)
{
	printf(RESULT_LINE);
	fflush(stdout);
}

static void
test_title(const struct perf_opts *o, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s%s %s Test", o->bidir ? "Bidirectional " : "",
		 o->post_list > 1 ? "Post List " : "", verb_str[o->verb],
		 o->verb != PERF_ATOMIC ? "" : o->cmp_swap ? " CMP_AND_SWAP" : " FETCH_AND_ADD",
		 o->lat ? "Latency" : "BW");
}

/* ctx_print_test_info(). */
void
report_banner(struct perf *p)
{
	const struct perf_opts *o = p->o;
	char title[96];

	test_title(o, title, sizeof(title));
	printf(RESULT_LINE);
	printf("                    %s\n", title);
	printf(" Dual-port       : OFF\t\tDevice         : droce0\n");
	printf(" Number of qps   : %d\t\tTransport type : IB\n", o->qps);
	printf(" Connection type : RC\t\tUsing SRQ      : %s\n", o->use_srq ? "ON" : "OFF");
	printf(" PCIe relax order: OFF\n");
	printf(" ibv_wr* API     : OFF\n");
	if (!o->lat || o->verb < PERF_READ)
		printf(" TX depth        : %d\n", o->tx_depth);
	if (o->post_list > 1)
		printf(" Post List       : %d\n", o->post_list);
	if (perf_receives(o))
		printf(" RX depth        : %d\n", o->rx_depth);
	if (!o->lat)
		printf(" CQ Moderation   : %d\n", o->cq_mod);
	printf(" Mtu             : %u[B]\n", p->path_mtu);
	printf(" Link type       : Ethernet\n");
	printf(" GID index       : 1\n");
	if (o->verb < PERF_READ)
		printf(" Max inline data : %d[B]\n", o->inline_size);
	else
		printf(" Outstand reads  : %u\n", p->max_ord);
	printf(" rdma_cm QPs\t : ON\n");
	printf(" Data ex. method : rdma_cm\n");
	if (o->events)
		printf(" Test with events.\n");
	printf(RESULT_LINE);
	fflush(stdout);
}

static void
print_dest(const struct perf *p, const char *side, const struct perf_dest *d)
{
	const uint8_t *g = d->gid;

	printf(" %s address: LID %#04x QPN %#06x PSN %#06x", side, d->lid, d->qpn, d->psn);
	if (p->o->verb >= PERF_READ)
		printf(" OUT %#04x", d->out_reads);
	if (p->o->verb != PERF_SEND)
		printf(" RKey %#08x VAddr %#016llx", d->rkey, (unsigned long long)d->vaddr);
	printf("\n GID: %02d:%02d:%02d:%02d:%02d:%02d:%02d:%02d:%02d:%02d:%02d:%02d:%02d:%02d:"
	       "%02d:%02d\n", g[0], g[1], g[2], g[3], g[4], g[5], g[6], g[7], g[8], g[9], g[10],
	       g[11], g[12], g[13], g[14], g[15]);
}

void
report_dests(struct perf *p)
{
	int i;

	for (i = 0; i < p->o->qps; i++)
		print_dest(p, "local", &p->q[i].my);
	for (i = 0; i < p->o->qps; i++)
		print_dest(p, "remote", &p->q[i].rem);
}

void
report_bw_header(struct perf *p)
{
	printf(RESULT_LINE);
	printf(p->o->gbits ?
	       " #bytes     #iterations    BW peak[Gb/sec]    BW average[Gb/sec]   MsgRate[Mpps]" :
	       " #bytes     #iterations    BW peak[MiB/sec]    BW average[MiB/sec]   MsgRate[Mpps]");
	printf(p->o->cpu_util ? "    CPU_Util[%%]\n" : "\n");
	fflush(stdout);
}

static double
cpu_util(const struct perf *p)
{
	long long total = p->cpu_total[1] - p->cpu_total[0];

	return total > 0 ? 100.0 * (double)(p->cpu_busy[1] - p->cpu_busy[0]) / (double)total :
			   0.0;
}

/* The last run as perftest's print_report_bw() computes it. */
void
report_bw_rep(struct perf *p, uint64_t size, uint64_t iters, struct perf_bw_rep *r)
{
	double secs = (double)(p->t_end - p->t_start) / 1e9;
	double unit = p->o->gbits ? 125000000.0 : 1048576.0;
	double bytes = (double)p->done * (double)size;

	r->size = size;
	r->iters = iters;
	r->bw_avg = secs > 0 ? bytes / secs / unit : 0;
	r->bw_peak = p->peak_bw * 1e9 / unit;
	if (r->bw_peak < r->bw_avg)
		r->bw_peak = r->bw_avg;
	r->msg_rate = secs > 0 ? (double)p->done / secs / 1e6 : 0;
}

void
report_bw_line(struct perf *p, const struct perf_bw_rep *r)
{
	printf(" %-7lu    %-10lu       %-7.2lf            %-7.2lf\t\t   %-7.6lf",
	       (unsigned long)r->size, (unsigned long)r->iters, r->bw_peak, r->bw_avg,
	       r->msg_rate);
	if (p->o->cpu_util)
		printf("\t    %-3.2f\n", cpu_util(p));
	else
		printf("\n");
	fflush(stdout);
}

void
report_lat_header(struct perf *p)
{
	printf(RESULT_LINE);
	if (p->o->duration > 0)
		printf(" #bytes        #iterations       t_avg[usec]    tps average");
	else
		printf(" #bytes #iterations    t_min[usec]    t_max[usec]  t_typical[usec]    "
		       "t_avg[usec]    t_stdev[usec]   99%% percentile[usec]   99.9%% "
		       "percentile[usec] ");
	printf(p->o->cpu_util ? "    CPU_Util[%%]\n" : "\n");
	fflush(stdout);
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int
write_json(struct perf *p, const char *results)
{
	const char *path = p->o->json_file != NULL ? p->o->json_file : "perftest_out.json";
	char title[96];
	FILE *f;

	if (!p->o->out_json)
		return 0;
	f = fopen(path, "w");
	if (f == NULL) {
		fprintf(stderr, "failed to open %s\n", path);
		return -1;
	}
	test_title(p->o, title, sizeof(title));
	fprintf(f, "{\n\"Test\": \"%s\",\n\"Number_of_qps\": %d,\n\"Connection_type\": \"RC\","
		"\n\"Using_SRQ\": \"%s\",\n\"TX_depth\": %d,\n\"CQ_Moderation\": %d,\n"
		"\"Mtu\": %u,\n\"Max_inline_data\": %d,\n\"rdma_cm_QPs\": \"ON\",\n"
		"\"results\": {\n%s}\n}\n", title, p->o->qps, p->o->use_srq ? "ON" : "OFF",
		p->o->tx_depth, p->o->cq_mod, p->path_mtu, p->o->inline_size, results);
	fclose(f);
	return 0;
}

int
report_json_bw(struct perf *p, const struct perf_bw_rep *r)
{
	char buf[512];
	int n;

	n = snprintf(buf, sizeof(buf), "\"MsgSize\": %lu,\n\"n_iterations\": %lu,\n"
		     "\"BW_peak\": %.2lf,\n\"BW_average\": %.2lf,\n\"MsgRate\": %.6lf",
		     (unsigned long)r->size, (unsigned long)r->iters, r->bw_peak, r->bw_avg,
		     r->msg_rate);
	if (p->o->cpu_util)
		snprintf(buf + n, sizeof(buf) - (size_t)n, ",\n\"CPU_util\": %.2f\n", cpu_util(p));
	else
		snprintf(buf + n, sizeof(buf) - (size_t)n, "\n");
	return write_json(p, buf);
}

/* print_report_lat(): sorted samples; t_typical is the median. */
void
report_lat_line(struct perf *p, uint64_t size)
{
	uint64_t n = p->nsamples, i;
	double sum = 0, sq = 0, avg, sd, us = 1e-3;
	double secs = (double)(p->t_end - p->t_start) / 1e9;
	char buf[512];

	if (p->o->duration > 0) {
		/* Every iteration of the run counts, not only the first million sampled. */
		n = p->done;
		avg = n > 0 ? (double)p->lat_sum_ns / (double)n * us : 0;
		printf(" %-7lu       %lu            %-7.2f        %-7.2f\n", (unsigned long)size,
		       (unsigned long)n, avg, secs > 0 ? (double)n / secs : 0);
		snprintf(buf, sizeof(buf), "\"MsgSize\": %lu,\n\"n_iterations\": %lu,\n"
			 "\"t_avg\": %.2f,\n\"tps_average\": %.2f\n", (unsigned long)size,
			 (unsigned long)n, avg, secs > 0 ? (double)n / secs : 0);
		(void)write_json(p, buf);
		fflush(stdout);
		return;
	}
	if (n == 0)
		p->samples[n++] = 0;
	qsort(p->samples, n, sizeof(*p->samples), cmp_u64);
	for (i = 0; i < n; i++)
		sum += (double)p->samples[i];
	avg = sum / (double)n;
	for (i = 0; i < n; i++)
		sq += ((double)p->samples[i] - avg) * ((double)p->samples[i] - avg);
	sd = sqrt(sq / (double)n);
	{
		double mn = (double)p->samples[0] * us, mx = (double)p->samples[n - 1] * us;
		double med = (double)p->samples[n / 2] * us;
		double p99 = (double)p->samples[(uint64_t)ceil((double)n * 0.99) - 1] * us;
		double p999 = (double)p->samples[(uint64_t)ceil((double)n * 0.999) - 1] * us;

		printf(" %-7lu %lu          %-7.2f        %-7.2f      %-7.2f  \t       %-7.2f     "
		       "\t%-7.2f\t\t%-7.2f \t\t%-7.2f", (unsigned long)size,
		       (unsigned long)p->o->iters, mn, mx, med, avg * us, sd * us, p99, p999);
		if (p->o->cpu_util)
			printf("\t    %-3.2f\n", cpu_util(p));
		else
			printf("\n");
		snprintf(buf, sizeof(buf), "\"MsgSize\": %lu,\n\"n_iterations\": %lu,\n"
			 "\"t_min\": %.2f,\n\"t_max\": %.2f,\n\"t_typical\": %.2f,\n"
			 "\"t_avg\": %.2f,\n\"t_stdev\": %.2f,\n\"percentile_99\": %.2f,\n"
			 "\"percentile_99.9\": %.2f\n", (unsigned long)size,
			 (unsigned long)p->o->iters, mn, mx, med, avg * us, sd * us, p99, p999);
		(void)write_json(p, buf);
	}
	fflush(stdout);
}
