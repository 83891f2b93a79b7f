/* SPDX-License-Identifier: MIT */
/*
 * bench_dns.c - what the DNS layer costs, in one process:
 *  (a) 100 independent questions through the zone backend with $LATENCY 20
 *      (started together, then waited for): about one latency, not 100;
 *  (b) the same 100 questions through libunbound against a real server
 *      (INKAN_TEST_DNS_SERVER=ADDR@PORT, as bench/dns/run.sh sets it up
 *      with a private Knot DNS), started together and one at a time;
 *  (c) a cache hit (start + wait + free of a stored answer), in ns.
 * Prints a plain table. Not run by `meson test`; see bench/dns/README.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <inkan/dns.h>

#define QUESTIONS 100
#define ROUNDS 5

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* start @n questions (names "<tag><round>-<i>.<zone>"), then wait for all;
 * returns the wall time in ms, or -1 when an answer is not DATA */
static double
parallel(inkan_resolver *r, const char *tag, const char *zone, int round,
	int n)
{
	inkan_dns_query *q[QUESTIONS];
	const inkan_dns_answer *a;
	char name[128];
	double t0 = now_ms(), t;
	int i, bad = 0;

	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "%s%d-%d.%s", tag, round, i,
			zone);
		if (inkan_dns_start(r, name, INKAN_DNS_TYPE_TXT, &q[i]) !=
		    INKAN_OK)
			return -1;
	}
	for (i = 0; i < n; i++)
		if (inkan_dns_wait(q[i], &a) != INKAN_OK ||
		    a->outcome != INKAN_DNS_DATA)
			bad = 1;
	t = now_ms() - t0;
	for (i = 0; i < n; i++)
		inkan_dns_query_free(q[i]);
	return bad ? -1 : t;
}

/* the same, one question at a time */
static double
serial(inkan_resolver *r, const char *tag, const char *zone, int round,
	int n)
{
	inkan_dns_query *q;
	const inkan_dns_answer *a;
	char name[128];
	double t0 = now_ms();
	int i, bad = 0;

	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "%s%d-%d.%s", tag, round, i,
			zone);
		if (inkan_dns_lookup(r, name, INKAN_DNS_TYPE_TXT, &q, &a) !=
		    INKAN_OK)
			return -1;
		if (a->outcome != INKAN_DNS_DATA)
			bad = 1;
		inkan_dns_query_free(q);
	}
	return bad ? -1 : now_ms() - t0;
}

static void
row(const char *what, double *ms, int n, const char *target)
{
	int i;

	for (i = 0; i < n; i++)
		if (ms[i] < 0) {
			printf("%-52s %10s\n", what, "FAILED");
			return;
		}
	qsort(ms, (size_t)n, sizeof(*ms), cmp_double);
	printf("%-52s %10.1f %10.1f %10.1f  %s\n", what, ms[0], ms[n / 2],
		ms[n - 1], target);
}

static int
bench_zone(inkan_ctx *ctx)
{
	inkan_resolver *r;
	double ms[ROUNDS];
	int i;

	if (inkan_resolver_zone_new(ctx, &r) != INKAN_OK ||
	    inkan_resolver_zone_load_mem(r, "$LATENCY 20\n"
	    "*.bench.example. 300 TXT \"v=spf1 -all\"\n", SIZE_MAX, NULL,
	    NULL, NULL, 0) != INKAN_OK)
		return -1;
	for (i = 0; i < ROUNDS; i++)
		ms[i] = parallel(r, "q", "bench.example", i, QUESTIONS);
	row("(a) zone, $LATENCY 20, 100 questions together", ms, ROUNDS,
		"target < 60 ms");
	for (i = 0; i < 1; i++)
		ms[i] = serial(r, "s", "bench.example", i, QUESTIONS);
	row("    zone, $LATENCY 20, 100 questions one by one", ms, 1,
		"(for comparison)");
	inkan_resolver_free(r);
	return 0;
}

static int
bench_unbound(inkan_ctx *ctx, const char *server)
{
	inkan_resolver *r;
	double ms[ROUNDS];
	int i;

	if (inkan_resolver_unbound_new(ctx, server, &r) != INKAN_OK)
		return -1;
	/* distinct names every round: nothing comes from unbound's cache */
	for (i = 0; i < ROUNDS; i++)
		ms[i] = parallel(r, "p", "wild.inkan.test", i, QUESTIONS);
	row("(b) libunbound -> Knot, 100 questions together", ms, ROUNDS,
		"");
	for (i = 0; i < ROUNDS; i++)
		ms[i] = serial(r, "s", "wild.inkan.test", i, QUESTIONS);
	row("    libunbound -> Knot, 100 questions one by one", ms, ROUNDS,
		"");
	for (i = 0; i < ROUNDS; i++)
		ms[i] = parallel(r, "p", "wild.inkan.test", 0, QUESTIONS);
	row("    libunbound, 100 again (libunbound's own cache)", ms,
		ROUNDS, "");
	inkan_resolver_free(r);
	return 0;
}

static int
bench_cache_hit(inkan_ctx *ctx)
{
	inkan_resolver *zone, *cache;
	inkan_dns_query *q;
	const inkan_dns_answer *a;
	const long n = 1000000;
	double t0, ns[ROUNDS];
	long i;
	int k;

	if (inkan_resolver_zone_new(ctx, &zone) != INKAN_OK ||
	    inkan_resolver_zone_load_mem(zone,
	    "hit.example. 3600 TXT \"v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/"
	    "7TyWQHOg7hcvPapiMlrwIaaPcHURo=\"\n", SIZE_MAX, NULL, NULL,
	    NULL, 0) != INKAN_OK ||
	    inkan_resolver_cache_new(ctx, zone, 0, &cache) != INKAN_OK)
		return -1;
	if (inkan_dns_lookup(cache, "hit.example", 16, &q, &a) != INKAN_OK)
		return -1;
	inkan_dns_query_free(q);
	for (k = 0; k < ROUNDS; k++) {
		t0 = now_ms();
		for (i = 0; i < n; i++) {
			if (inkan_dns_lookup(cache, "hit.example", 16, &q,
			    &a) != INKAN_OK || !a->from_cache)
				return -1;
			inkan_dns_query_free(q);
		}
		ns[k] = (now_ms() - t0) * 1e6 / (double)n;
	}
	qsort(ns, ROUNDS, sizeof(*ns), cmp_double);
	printf("%-52s %10.0f %10.0f %10.0f  %s\n",
		"(c) cache hit: lookup + free, ns per question", ns[0],
		ns[ROUNDS / 2], ns[ROUNDS - 1], "(1e6 hits per round)");
	inkan_resolver_free(cache);
	return 0;
}

int
main(int argc, char **argv)
{
	inkan_ctx *ctx;
	const char *server = argc > 1 ? argv[1] :
		getenv("INKAN_TEST_DNS_SERVER");
	int rc = 0;

	if (inkan_ctx_new(NULL, &ctx) != INKAN_OK)
		return 1;
	printf("%-52s %10s %10s %10s\n", "inkan DNS layer (ms unless noted)",
		"min", "median", "max");
	if (bench_zone(ctx) < 0)
		rc = 1;
	if (server == NULL)
		printf("%-52s %10s\n", "(b) libunbound -> Knot",
			"skipped: no INKAN_TEST_DNS_SERVER (use run.sh)");
	else if (bench_unbound(ctx, server) < 0)
		rc = 1;
	if (bench_cache_hit(ctx) < 0)
		rc = 1;
	inkan_ctx_free(ctx);
	return rc;
}
