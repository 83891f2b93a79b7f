/* SPDX-License-Identifier: MIT */
/*
 * bench_spf.c - inkan SPF checks per second on the shared workload
 * (workload.txt, clients.txt; see README.md).
 *
 *   bench_spf DIR --zone [SECONDS]          in-memory zone backend behind
 *                                           inkan's cache (as the CLI uses
 *                                           it), warmed before timing
 *   bench_spf DIR --zone-direct [SECONDS]   the zone backend alone
 *   bench_spf DIR --server ADDR@PORT [SECONDS]
 *                                   libunbound to a server, behind inkan's
 *                                   cache (warmed before timing)
 *
 * Every result is checked against clients.txt before timing starts. One
 * thread, one check at a time, as the other harnesses do.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <inkan/ctx.h>
#include <inkan/dns.h>
#include <inkan/spf.h>

#include "workload.h"

static char *
zone_text(const char *dir)
{
	char path[4096], *in, *p, *line, *out;
	size_t cap, len = 0;

	snprintf(path, sizeof(path), "%s/workload.txt", dir);
	in = p = slurp(path);
	cap = strlen(in) * 2 + 64;
	out = malloc(cap);
	if (out == NULL)
		exit(2);
	/* an SOA, so that negative answers have a TTL and can be cached
	 * (RFC 2308 5), as with a real server */
	len += (size_t)snprintf(out, cap, "$TTL 3600\nbench.test. SOA "
		"ns.bench.test. hostmaster.bench.test. 1 3600 600 86400 300\n");
	/* BENCH_LATENCY_MS: every answer takes that long (a network's round
	 * trip), to show what starting questions together saves */
	if (getenv("BENCH_LATENCY_MS") != NULL)
		len += (size_t)snprintf(out + len, cap - len, "$LATENCY %ld\n",
			strtol(getenv("BENCH_LATENCY_MS"), NULL, 10));
	while ((line = next_line(&p)) != NULL) {
		char *name, *type;

		if (line[0] == '#' || line[0] == '\0')
			continue;
		name = field(&line);
		type = field(&line);
		if (strcmp(type, "TXT") == 0)
			len += (size_t)snprintf(out + len, cap - len,
				"%s. TXT \"%s\"\n", name, line);
		else if (strcmp(type, "MX") == 0)
			len += (size_t)snprintf(out + len, cap - len,
				"%s. MX %s.\n", name, line);
		else
			len += (size_t)snprintf(out + len, cap - len,
				"%s. %s %s\n", name, type, line);
	}
	free(in);
	return out;
}

static inkan_spf_cache *record_cache;

static int
check(inkan_ctx *ctx, const struct client *c, unsigned flags)
{
	inkan_spf_request req;
	inkan_spf_verdict *v = NULL;
	int r;

	memset(&req, 0, sizeof(req));
	req.client_ip = c->ip;
	req.mail_from = SENDER;
	req.helo = "client.bench.test";
	req.flags = flags;
	req.cache = record_cache;
	if (inkan_spf_check(ctx, &req, INKAN_SPF_IDENTITY_MAILFROM, &v) !=
	    INKAN_OK) {
		fprintf(stderr, "check failed\n");
		exit(1);
	}
	r = v->result;
	inkan_spf_verdict_free(v);
	return r;
}

/* timed_rounds() callback: one check with these settings */
struct one_check {
	inkan_ctx *ctx;
	unsigned flags;
};

static void
check_one(void *ud, const struct client *c)
{
	const struct one_check *o = ud;

	(void)check(o->ctx, c, o->flags);
}

int
main(int argc, char **argv)
{
	struct client cl[MAX_CLIENTS];
	inkan_ctx *ctx;
	inkan_resolver *res = NULL, *backend = NULL;
	const char *dir, *mode, *server = NULL;
	double secs = 3, wall, rate[ROUNDS];
	unsigned long n;
	struct one_check one;
	size_t nc, i;
	unsigned flags = 0;
	int arg = 3;
	char *text;

	if (argc < 3) {
		fprintf(stderr, "usage: bench_spf DIR --zone|--zone-direct|"
			"--server ADDR@PORT "
			"[SECONDS] [--sequential]\n");
		return 2;
	}
	dir = argv[1];
	mode = argv[2];
	if (strcmp(mode, "--server") == 0 && argc > 3)
		server = argv[arg++];
	if (arg < argc && strcmp(argv[arg], "--sequential") != 0)
		secs = strtod(argv[arg++], NULL);
	if (arg < argc && strcmp(argv[arg], "--sequential") == 0)
		flags = INKAN_SPF_FLAG_SEQUENTIAL;
	nc = clients(dir, cl);
	if (inkan_ctx_new(NULL, &ctx) != INKAN_OK)
		return 2;
	if (server == NULL) {
		text = zone_text(dir);
		if (inkan_resolver_zone_new(ctx, &res) != INKAN_OK ||
		    inkan_resolver_zone_load_mem(res, text, strlen(text), NULL,
		    NULL, NULL, 0) != INKAN_OK) {
			fprintf(stderr, "zone load failed\n");
			return 2;
		}
		free(text);
		if (strcmp(mode, "--zone") == 0) {
			backend = res;
			if (inkan_resolver_cache_new(ctx, backend, 0, &res) !=
			    INKAN_OK)
				return 2;
		}
	} else if (inkan_resolver_unbound_new(ctx, server, &backend) !=
	    INKAN_OK || inkan_resolver_cache_new(ctx, backend, 0, &res) !=
	    INKAN_OK) {
		fprintf(stderr, "resolver for %s failed\n", server);
		return 2;
	}
	inkan_ctx_set_resolver(ctx, res);
	if (getenv("BENCH_NO_RECORD_CACHE") == NULL &&
	    inkan_spf_cache_new(ctx, 0, &record_cache) != INKAN_OK)
		return 2;
	/* warm up (and fill the cache), checking every result */
	for (i = 0; i < nc; i++) {
		int r = check(ctx, &cl[i], flags);

		if (strcmp(inkan_spf_result_name(r), cl[i].want) != 0) {
			fprintf(stderr, "%s: %s, expected %s\n", cl[i].ip,
				inkan_spf_result_name(r), cl[i].want);
			return 1;
		}
	}
	one.ctx = ctx;
	one.flags = flags;
	timed_rounds(check_one, &one, cl, nc, secs, rate, &n, &wall);
	printf("inkan %s%s: %lu checks in %.1f s (%.2f ms each); checks per "
		"CPU second: median %.0f, best %.0f\n", server ?
		"real DNS (unbound + cache)" : strcmp(mode, "--zone") == 0 ?
		"in-memory zone" : "in-memory zone, no DNS cache",
		flags ? ", sequential" : "", n, wall, 1000 * wall / (double)n,
		rate[ROUNDS / 2],
		rate[ROUNDS - 1]);
	inkan_spf_cache_free(record_cache);
	inkan_ctx_set_resolver(ctx, NULL);
	inkan_resolver_free(res);
	inkan_ctx_free(ctx);
	return 0;
}
