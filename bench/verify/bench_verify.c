/* SPDX-License-Identifier: MIT */
/*
 * bench_verify.c - what the receiving verdict costs in DNS round trips
 * (see README.md). One message with two DKIM signatures (RSA-2048 and
 * Ed25519, d=example.com), SPF of a MAIL FROM domain whose record has an
 * include, DMARC p=reject; every DNS answer $LATENCY MS away (zone
 * backend). Two ways, fresh caches each run, median of R runs:
 *
 *   overlapped  inkan_verify as a receiver uses it (SPF thread, DKIM keys
 *               and DMARC discovery started at the end of the header);
 *   sequential  the same calls, SPF inline, and a resolver that asks one
 *               question at a time, only when it is waited for: what the
 *               same work costs without overlap. Its question count times
 *               the latency is the sequential sum.
 *
 *   bench_verify [-r RUNS] [-l LATENCY_MS] [-t]   (-t: a trace of one run)
 *
 * Uses the public API only.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <inkan/dkim.h>
#include <inkan/dns.h>
#include <inkan/keys.h>
#include <inkan/verify.h>

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void
die(const char *what)
{
	fprintf(stderr, "bench_verify: %s\n", what);
	exit(1);
}

/* ---- a resolver in front of the zone: counts, traces, serializes ---- */

struct wrap {
	inkan_resolver *backend;
	int sequential;
	int trace;
	double t0;
	atomic_int asked;
};

struct wq {
	struct wrap *w;
	char name[256];
	uint16_t type;
	inkan_dns_query *q;
	double started;
	int waited;
};

static inkan_status
w_start(void *impl, const char *name, uint16_t type, uint32_t timeout_ms,
	void **qstate)
{
	struct wrap *w = impl;
	struct wq *q = calloc(1, sizeof(*q));
	inkan_status st = INKAN_OK;

	(void)timeout_ms;
	if (q == NULL)
		return INKAN_ERR_NOMEM;
	q->w = w;
	snprintf(q->name, sizeof(q->name), "%s", name);
	q->type = type;
	if (!w->sequential) {
		q->started = now_ms();
		atomic_fetch_add(&w->asked, 1);
		st = inkan_dns_start(w->backend, name, type, &q->q);
	}
	if (st != INKAN_OK) {
		free(q);
		return st;
	}
	*qstate = q;
	return INKAN_OK;
}

static inkan_status
w_wait(void *impl, void *qstate, const inkan_dns_answer **answer)
{
	struct wrap *w = impl;
	struct wq *q = qstate;
	inkan_status st;

	if (q->q == NULL) {
		/* sequential: the question is asked only now */
		q->started = now_ms();
		atomic_fetch_add(&w->asked, 1);
		st = inkan_dns_start(w->backend, q->name, q->type, &q->q);
		if (st != INKAN_OK)
			return st;
	}
	st = inkan_dns_wait(q->q, answer);
	q->waited = 1;
	if (w->trace)
		printf("  %6.1f -> %6.1f ms  %-5s %s\n", q->started - w->t0,
			now_ms() - w->t0, inkan_dns_type_name(q->type) ?
			inkan_dns_type_name(q->type) : "?", q->name);
	return st;
}

static void
w_free(void *impl, void *qstate)
{
	struct wq *q = qstate;
	struct wrap *w = impl;

	if (w->trace && q->q != NULL && !q->waited)
		printf("  %6.1f -> (never waited for)  %-5s %s\n",
			q->started - w->t0, inkan_dns_type_name(q->type) ?
			inkan_dns_type_name(q->type) : "?", q->name);
	inkan_dns_query_free(q->q);
	free(q);
}

static void
w_destroy(void *impl)
{
	struct wrap *w = impl;

	inkan_resolver_free(w->backend);
	free(w);
}

static const inkan_resolver_ops wrap_ops = {
	w_start, w_wait, w_free, w_destroy
};

/* ---- the workload ---------------------------------------------------- */

struct work {
	inkan_ctx *ctx;
	char *zone;
	char *msg;
	int latency;
};

/* a TXT zone line for @key, strings of at most 255 bytes */
static void
key_line(char *out, size_t cap, const inkan_key *key, const char *sel)
{
	char rec[1100];
	size_t len, i, n;

	if (inkan_key_dns_record(key, rec, sizeof(rec), &len) != INKAN_OK)
		die("key record");
	n = (size_t)snprintf(out, cap, "%s._domainkey.example.com. TXT", sel);
	for (i = 0; i < len && n < cap; i += 200)
		n += (size_t)snprintf(out + n, cap - n, " \"%.*s\"",
			(int)(len - i < 200 ? len - i : 200), rec + i);
	if (n + 2 >= cap)
		die("key line too long");
	snprintf(out + n, cap - n, "\n");
}

static const char message[] =
	"From: Example Shop <orders@example.com>\r\n"
	"To: Alice <alice@example.net>\r\n"
	"Subject: Your order has shipped\r\n"
	"Date: Tue, 25 Nov 2025 09:14:05 +0000\r\n"
	"Message-ID: <1234@example.com>\r\n"
	"MIME-Version: 1.0\r\n"
	"Content-Type: text/plain; charset=utf-8\r\n"
	"\r\n"
	"Hello Alice,\r\n\r\nyour order 1234 has shipped.\r\n\r\n"
	"-- \r\nExample Shop\r\n";

static char *
sign(inkan_ctx *ctx, const inkan_key *rsa, const inkan_key *ed)
{
	inkan_dkim *d = NULL;
	inkan_msg *m = NULL;
	inkan_dkim_sign *s = NULL;
	inkan_dkim_sign_key k[2];
	size_t l0, l1, n = sizeof(message) - 1;
	const char *h0, *h1;
	char *out;

	memset(k, 0, sizeof(k));
	k[0].domain = k[1].domain = "example.com";
	k[0].selector = "rsa2048";
	k[0].key = rsa;
	k[1].selector = "ed25519";
	k[1].key = ed;
	if (inkan_dkim_new(ctx, &d) || inkan_msg_new(ctx, &m) ||
	    inkan_dkim_sign_new(d, m, &s) || inkan_dkim_sign_add(s, &k[0]) ||
	    inkan_dkim_sign_add(s, &k[1]) || inkan_msg_feed(m, message, n) ||
	    inkan_msg_finish(m) || inkan_dkim_sign_eom(s))
		die("signing");
	h0 = inkan_dkim_sign_header(s, 0, &l0);
	h1 = inkan_dkim_sign_header(s, 1, &l1);
	if ((out = malloc(l0 + l1 + n + 1)) == NULL)
		die("memory");
	memcpy(out, h0, l0);
	memcpy(out + l0, h1, l1);
	memcpy(out + l0 + l1, message, n + 1);
	inkan_dkim_sign_free(s);
	inkan_msg_free(m);
	inkan_dkim_free(d);
	return out;
}

static void
setup(struct work *w)
{
	inkan_key *rsa = NULL, *ed = NULL;
	char l1[1200], l2[400];
	size_t cap = 4096;

	if (inkan_ctx_new(NULL, &w->ctx) ||
	    inkan_key_generate(w->ctx, INKAN_KEY_RSA, 2048, &rsa) ||
	    inkan_key_generate(w->ctx, INKAN_KEY_ED25519, 0, &ed))
		die("keys");
	key_line(l1, sizeof(l1), rsa, "rsa2048");
	key_line(l2, sizeof(l2), ed, "ed25519");
	if ((w->zone = malloc(cap)) == NULL)
		die("memory");
	/* the client 203.0.113.7 is a provider's, listed through include */
	snprintf(w->zone, cap,
		"$LATENCY %d\n"
		"$ORIGIN example.com.\n"
		"@        MX  10 mail.example.com.\n"
		"mail     A   192.0.2.25\n"
		"bounce   TXT \"v=spf1 ip4:192.0.2.0/26 "
		"include:_spf.esp.example -all\"\n"
		"_dmarc   TXT \"v=DMARC1; p=reject; "
		"rua=mailto:dmarc@example.com\"\n"
		"$ORIGIN esp.example.\n"
		"_spf     TXT \"v=spf1 ip4:198.51.100.0/24 ip4:203.0.113.0/24 "
		"ip6:2001:db8:5::/48 ~all\"\n"
		"%s%s", w->latency, l1, l2);
	w->msg = sign(w->ctx, rsa, ed);
	inkan_key_free(rsa);
	inkan_key_free(ed);
}

/* one verification on fresh caches; returns ms, *asked the questions */
static double
run(struct work *w, int sequential, int trace, int *asked)
{
	inkan_resolver *zone = NULL, *wr = NULL, *cache = NULL;
	struct wrap *wp = calloc(1, sizeof(*wp));
	inkan_verify_options o;
	inkan_verify_envelope env = { "203.0.113.7", "out.esp.example",
		"bounce@bounce.example.com" };
	inkan_verify *v = NULL;
	const inkan_verify_result *r = NULL;
	double t0, t;

	if (wp == NULL || inkan_resolver_zone_new(w->ctx, &zone) ||
	    inkan_resolver_zone_load_mem(zone, w->zone, SIZE_MAX, NULL,
	    NULL, NULL, 0))
		die("zone");
	wp->backend = zone;
	wp->sequential = sequential;
	wp->trace = trace;
	atomic_init(&wp->asked, 0);
	if (inkan_resolver_new(w->ctx, &wrap_ops, wp, &wr) ||
	    inkan_resolver_cache_new(w->ctx, wr, 0, &cache))
		die("resolver");
	inkan_ctx_set_resolver(w->ctx, cache);
	inkan_verify_options_init(&o);
	o.authserv_id = "mx.example.net";
	if (sequential)
		o.flags |= INKAN_VERIFY_SPF_INLINE;
	t0 = wp->t0 = now_ms();
	if (inkan_verify_new(w->ctx, &o, &v) ||
	    inkan_verify_set_envelope(v, &env) ||
	    inkan_verify_feed(v, w->msg, strlen(w->msg)) ||
	    inkan_verify_eom(v, &r))
		die("verify");
	t = now_ms() - t0;
	if (r->outcome != INKAN_VERIFY_PASS || r->ndkim != 2 ||
	    r->spf == NULL || r->spf->result != INKAN_SPF_PASS ||
	    r->dkim[0].verdict != INKAN_DKIM_PASS ||
	    r->dkim[1].verdict != INKAN_DKIM_PASS)
		die("the message did not pass: the workload is broken");
	*asked = atomic_load(&wp->asked);
	inkan_verify_free(v);
	inkan_ctx_set_resolver(w->ctx, NULL);
	inkan_resolver_free(cache);
	return t;
}

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int
main(int argc, char **argv)
{
	struct work w = { NULL, NULL, NULL, 20 };
	int runs = 15, trace = 0, c, i, asked_par = 0, asked_seq = 0;
	double *par, *seq, mp, ms;

	while ((c = getopt(argc, argv, "r:l:t")) != -1) {
		switch (c) {
		case 'r': runs = (int)strtol(optarg, NULL, 10); break;
		case 'l': w.latency = (int)strtol(optarg, NULL, 10); break;
		case 't': trace = 1; break;
		default:
			fprintf(stderr, "usage: bench_verify [-r RUNS] "
				"[-l LATENCY_MS] [-t]\n");
			return 2;
		}
	}
	if (runs < 1 || runs > 1000 || w.latency < 1 || w.latency > 1000)
		die("-r 1..1000, -l 1..1000");
	setup(&w);
	if (trace) {
		printf("overlapped, one run (question start -> answer):\n");
		run(&w, 0, 1, &asked_par);
		printf("sequential, one run:\n");
		run(&w, 1, 1, &asked_seq);
	}
	par = calloc((size_t)runs, sizeof(*par));
	seq = calloc((size_t)runs, sizeof(*seq));
	if (par == NULL || seq == NULL)
		die("memory");
	/* interleaved, so both see the same machine load */
	for (i = 0; i < runs; i++) {
		par[i] = run(&w, 0, 0, &asked_par);
		seq[i] = run(&w, 1, 0, &asked_seq);
	}
	mp = median(par, runs);
	ms = median(seq, runs);
	printf("bench_verify: 2 DKIM signatures (RSA-2048 + Ed25519), SPF "
		"with include, DMARC p=reject;\n$LATENCY %d ms per DNS answer, "
		"median of %d runs, fresh caches each run\n\n", w.latency,
		runs);
	printf("  overlapped (inkan_verify):   %7.1f ms   goal < %d ms "
		"(4 x %d ms)   %s\n", mp, 4 * w.latency, w.latency,
		mp < 4 * w.latency ? "OK" : "OVER");
	printf("  sequential (measured):       %7.1f ms   %d questions "
		"one after another\n", ms, asked_seq);
	printf("  sequential sum:              %7d ms   %d x %d ms\n",
		asked_seq * w.latency, asked_seq, w.latency);
	printf("  questions asked, overlapped: %7d      (%d started but "
		"never needed)\n", asked_par, asked_par - asked_seq);
	printf("  speed-up:                    %7.1fx\n", ms / mp);
	free(par);
	free(seq);
	free(w.zone);
	free(w.msg);
	inkan_ctx_free(w.ctx);
	return mp < 4 * w.latency ? 0 : 1;
}
