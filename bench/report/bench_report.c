/* SPDX-License-Identifier: MIT */
/*
 * bench_report.c - what recording and building DMARC aggregate reports
 * cost, on the store named by the first argument (a fresh SQLite path or
 * a postgresql:// URI; run.sh gives both).
 *
 *  (a) recording: THREADS threads call inkan_report_store_add() for
 *      RECORD rows in all; the time runs until the writer has committed
 *      the last one (inkan_report_store_flush): rows/s on disk, not rows
 *      queued. The queue is sized so that nothing is dropped (checked).
 *  (b) building: the store is topped up to ROWS rows over DOMAINS policy
 *      domains within one UTC day, then inkan_report_claim() and
 *      inkan_report_render() (grouping, XML, gzip) of every report.
 *
 *   bench_report STORE [ROWS [DOMAINS [RECORD [THREADS]]]]
 *   defaults:             1000000 1000   400000  8
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <inkan/inkan.h>

#define DAY0 1700006400	/* a UTC midnight */

static double
now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU seconds of this process (the machine may be shared: wall time
 * alone would measure the neighbours too) */
static double
cpu_s(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

typedef struct job {
	inkan_report_store *s;
	int64_t first, count;
	int domains;
	int64_t refused;
} job;

/* row @i: domain i % domains, one of 32 sources, mostly passing */
static void
make_row(int64_t i, int domains, inkan_report_row *r, inkan_report_dkim *dk,
	char *dom, char *ip, char *from)
{
	int d = (int)(i % domains);
	int src = (int)((i / domains) % 32);
	snprintf(dom, 64, "d%04d.example", d);
	snprintf(ip, 64, "198.51.%d.%d", src / 8, src % 8 + 1);
	snprintf(from, 64, "%sd%04d.example", (i % 7 == 0) ? "news." : "",
	    d);
	memset(r, 0, sizeof *r);
	r->time = DAY0 + (i * 7919) % 86400;
	r->source_ip = ip;
	r->header_from = from;
	r->envelope_from = from;
	r->envelope_to = "receiver.example";
	int fail = src >= 28;	/* 4 of 32 sources fail */
	r->spf_domain = from;
	r->spf_scope_mfrom = 1;
	r->spf_result = fail ? INKAN_REPORT_FAIL : INKAN_REPORT_PASS;
	dk->domain = from;
	dk->selector = "s2024";
	dk->result = fail ? INKAN_REPORT_FAIL : INKAN_REPORT_PASS;
	dk->human_result = NULL;
	r->dkim = dk;
	r->ndkim = 1;
	r->dmarc = fail ? INKAN_DMARC_FAIL : INKAN_DMARC_PASS;
	r->dkim_aligned = !fail;
	r->spf_aligned = !fail;
	r->disposition = fail ? INKAN_REPORT_DISP_QUARANTINE :
	    INKAN_REPORT_DISP_PASS;
	r->policy.domain = dom;
	r->policy.p = INKAN_DMARC_POLICY_QUARANTINE;
	r->policy.discovery = INKAN_DMARC_DISCOVERY_TREEWALK;
	r->policy.rua = "mailto:dmarc@reports.example";
}

static void *
record(void *arg)
{
	job *j = arg;
	char dom[64], ip[64], from[64];
	for (int64_t i = j->first; i < j->first + j->count; i++) {
		inkan_report_row r;
		inkan_report_dkim dk;
		make_row(i, j->domains, &r, &dk, dom, ip, from);
		if (inkan_report_store_add(j->s, &r) != INKAN_OK)
			j->refused++;
	}
	return NULL;
}

static int
fill(inkan_report_store *s, int64_t first, int64_t n, int threads,
	int domains, double *secs)
{
	pthread_t t[64];
	job j[64];
	double t0 = now_s();
	for (int k = 0; k < threads; k++) {
		int64_t per = n / threads + (k < n % threads);
		int64_t start = first;
		for (int m = 0; m < k; m++)
			start += n / threads + (m < n % threads);
		j[k] = (job){ s, start, per, domains, 0 };
		pthread_create(&t[k], NULL, record, &j[k]);
	}
	int64_t refused = 0;
	for (int k = 0; k < threads; k++) {
		pthread_join(t[k], NULL);
		refused += j[k].refused;
	}
	if (inkan_report_store_flush(s) != INKAN_OK || refused) {
		fprintf(stderr, "bench: %" PRId64 " rows refused or lost\n",
		    refused);
		return -1;
	}
	*secs = now_s() - t0;
	return 0;
}

typedef struct build_tally {
	inkan_report_store *s;
	inkan_ctx *ctx;
	int64_t reports, rows, bytes;
	size_t records;
	int bad;
} build_tally;

static int
render_one(void *ud, const inkan_report_info *r)
{
	build_tally *b = ud;
	static const inkan_report_reporter rep = { "Bench Receiver",
	    "dmarc@receiver.example", "receiver.example", NULL, NULL };
	unsigned char *gz = NULL;
	size_t len = 0, nrec = 0;
	if (inkan_report_render(b->s, &rep, r->id, INKAN_REPORT_FORMAT_RFC9990,
	    1, &gz, &len, &nrec) != INKAN_OK) {
		b->bad++;
		return 0;
	}
	b->reports++;
	b->rows += r->nrows;
	b->records += nrec;
	b->bytes += (int64_t)len;
	inkan_free(b->ctx, gz);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: bench_report STORE [ROWS [DOMAINS "
		    "[RECORD [THREADS]]]]\n");
		return 2;
	}
	const char *uri = argv[1];
	int64_t rows = argc > 2 ? strtoll(argv[2], NULL, 10) : 1000000;
	int domains = argc > 3 ? (int)strtol(argv[3], NULL, 10) : 1000;
	int64_t rec = argc > 4 ? strtoll(argv[4], NULL, 10) : 400000;
	int threads = argc > 5 ? (int)strtol(argv[5], NULL, 10) : 8;
	if (rows < 1 || domains < 1 || rec < 1 || rec > rows || threads < 1 ||
	    threads > 64)
		return 2;
	inkan_ctx *ctx;
	inkan_report_store *s;
	char err[512];
	if (inkan_ctx_new(NULL, &ctx) != INKAN_OK)
		return 1;
	if (inkan_report_store_open(ctx, uri, 0, &s, err, sizeof err) !=
	    INKAN_OK) {
		fprintf(stderr, "bench: %s\n", err);
		return 1;
	}
	inkan_report_store_set_queue_max(s, (size_t)rows + 1);
	printf("store: %s\n", inkan_report_store_backend_name(s));

	double t_rec, t_fill, t_claim, t_render;
	double c0 = cpu_s();
	if (fill(s, 0, rec, threads, domains, &t_rec) != 0)
		return 1;
	double c_rec = cpu_s() - c0;
	inkan_report_store_stats st;
	inkan_report_store_stats_get(s, &st);
	printf("(a) recording: %" PRId64 " rows from %d threads in %.2f s: "
	    "%.0f rows/s (%" PRIu64 " batches, %" PRIu64 " dropped; %.2f s "
	    "CPU)\n", rec, threads, t_rec, (double)rec / t_rec, st.batches,
	    st.dropped, c_rec);
	fflush(stdout);
	if (rows > rec && fill(s, rec, rows - rec, threads, domains,
	    &t_fill) != 0)
		return 1;

	size_t made = 0;
	static const inkan_report_reporter rep = { "Bench Receiver",
	    "dmarc@receiver.example", "receiver.example", NULL, NULL };
	c0 = cpu_s();
	double t0 = now_s();
	if (inkan_report_claim(s, &rep, DAY0 + 2 * 86400, &made) != INKAN_OK) {
		fprintf(stderr, "bench: claim failed\n");
		return 1;
	}
	t_claim = now_s() - t0;
	build_tally b = { s, ctx, 0, 0, 0, 0, 0 };
	t0 = now_s();
	if (inkan_report_list(s, "built", render_one, &b) != INKAN_OK ||
	    b.bad) {
		fprintf(stderr, "bench: render failed\n");
		return 1;
	}
	t_render = now_s() - t0;
	double c_build = cpu_s() - c0;
	printf("(b) building: %" PRId64 " rows, %d domains -> %" PRId64
	    " reports, %zu records, %.1f MB gzip: claim %.2f s + render "
	    "%.2f s = %.2f s (%.2f s CPU)\n", b.rows, domains, b.reports,
	    b.records, (double)b.bytes / 1e6, t_claim, t_render,
	    t_claim + t_render, c_build);
	(void)t_fill;
	inkan_report_store_close(s);
	inkan_ctx_free(ctx);
	return b.rows == rows && (int64_t)made == b.reports ? 0 : 1;
}
