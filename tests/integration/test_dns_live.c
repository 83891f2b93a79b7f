/* SPDX-License-Identifier: MIT */
/*
 * test_dns_live.c - the libunbound backend against a real authoritative
 * server (Knot, started by knot_rig.py; its address comes in
 * INKAN_TEST_DNS_SERVER, a server that never answers in
 * INKAN_TEST_BLACKHOLE). Serves tests/integration/data/integration.zone.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <cmocka.h>

#include <inkan/dns.h>
#include "dns/dns_internal.h"

static const char *server;
static const char *blackhole;
static const char *anchor;
static const char *bogus_anchor;

struct fx {
	inkan_ctx *ctx;
	inkan_resolver *r;
};

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_int_equal(inkan_ctx_new(NULL, &f->ctx), INKAN_OK);
	assert_int_equal(inkan_resolver_unbound_new(f->ctx, server, &f->r),
		INKAN_OK);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	inkan_resolver_free(f->r);
	inkan_ctx_free(f->ctx);
	free(f);
	return 0;
}

static const inkan_dns_answer *
ask(struct fx *f, const char *name, uint16_t type, inkan_dns_query **q)
{
	const inkan_dns_answer *a;

	assert_int_equal(inkan_dns_lookup(f->r, name, type, q, &a), INKAN_OK);
	return a;
}

static void
test_multi_string_txt(void **state)
{
	struct fx *f = *state;
	inkan_dns_query *q;
	const inkan_dns_answer *a = ask(f, "multi.inkan.test", 16, &q);

	assert_int_equal(a->outcome, INKAN_DNS_DATA);
	assert_int_equal(a->nrrs, 1);
	assert_int_equal(a->rrs[0].u.txt.nstrings, 3);
	assert_string_equal(a->rrs[0].u.txt.joined.data,
		"v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOC");
	assert_int_equal(a->ttl, 300);
	inkan_dns_query_free(q);

	a = ask(f, "two.inkan.test", 16, &q);
	assert_int_equal(a->nrrs, 2);
	/* RRset order is the server's; both are there and apart */
	assert_true((strcmp(a->rrs[0].u.txt.joined.data, "first") == 0 &&
		strcmp(a->rrs[1].u.txt.joined.data, "second") == 0) ||
		(strcmp(a->rrs[0].u.txt.joined.data, "second") == 0 &&
		strcmp(a->rrs[1].u.txt.joined.data, "first") == 0));
	inkan_dns_query_free(q);
}

/* 24 RRs of 403 bytes: truncated over UDP, complete over TCP */
static void
test_large_rrset_over_tcp(void **state)
{
	struct fx *f = *state;
	inkan_dns_query *q;
	const inkan_dns_answer *a = ask(f, "big.inkan.test", 16, &q);
	size_t i, total = 0;
	int seen[24] = { 0 };

	assert_int_equal(a->outcome, INKAN_DNS_DATA);
	assert_int_equal(a->nrrs, 24);
	for (i = 0; i < a->nrrs; i++) {
		const inkan_dns_txt *t = &a->rrs[i].u.txt;
		int n;

		assert_int_equal(t->nstrings, 2);
		assert_int_equal(t->joined.len, 402);
		n = (t->joined.data[0] - '0') * 10 + (t->joined.data[1] - '0');
		assert_true(n >= 0 && n < 24);
		seen[n]++;
		total += t->joined.len;
	}
	for (i = 0; i < 24; i++)
		assert_int_equal(seen[i], 1);
	assert_true(total > 4096);
	inkan_dns_query_free(q);
}

static void
test_nxdomain_nodata(void **state)
{
	struct fx *f = *state;
	inkan_dns_query *q;
	const inkan_dns_answer *a;

	a = ask(f, "nope.inkan.test", 16, &q);
	assert_int_equal(a->rcode, INKAN_DNS_RCODE_NXDOMAIN);
	assert_int_equal(a->outcome, INKAN_DNS_NXDOMAIN);
	assert_int_equal(a->ttl, 60);	/* SOA MINIMUM */
	inkan_dns_query_free(q);
	/* ent exists only above a.ent: NODATA, not NXDOMAIN */
	a = ask(f, "ent.inkan.test", 16, &q);
	assert_int_equal(a->rcode, INKAN_DNS_RCODE_NOERROR);
	assert_int_equal(a->outcome, INKAN_DNS_NODATA);
	inkan_dns_query_free(q);
	a = ask(f, "mx1.inkan.test", 16, &q);
	assert_int_equal(a->outcome, INKAN_DNS_NODATA);
	inkan_dns_query_free(q);
	a = ask(f, "anything.wild.inkan.test", 16, &q);
	assert_int_equal(a->outcome, INKAN_DNS_DATA);
	assert_string_equal(a->rrs[0].u.txt.joined.data, "wildcard");
	inkan_dns_query_free(q);
}

static void
test_cname_chain(void **state)
{
	struct fx *f = *state;
	inkan_dns_query *q;
	const inkan_dns_answer *a = ask(f, "alias.inkan.test", 16, &q);

	assert_int_equal(a->outcome, INKAN_DNS_DATA);
	assert_int_equal(a->ncnames, 2);
	assert_string_equal(a->cnames[0], "alias2.inkan.test");
	assert_string_equal(a->cnames[1], "target.inkan.test");
	assert_string_equal(a->rrs[0].u.txt.joined.data, "end of chain");
	inkan_dns_query_free(q);
}

static void
test_other_types(void **state)
{
	struct fx *f = *state;
	inkan_dns_query *q;
	const inkan_dns_answer *a;

	a = ask(f, "inkan.test", INKAN_DNS_TYPE_MX, &q);
	assert_int_equal(a->nrrs, 2);
	assert_true(a->rrs[0].u.mx.preference + a->rrs[1].u.mx.preference ==
		30);
	assert_true(strcmp(a->rrs[0].u.mx.exchange, "mx1.inkan.test") == 0 ||
		strcmp(a->rrs[1].u.mx.exchange, "mx1.inkan.test") == 0);
	inkan_dns_query_free(q);
	a = ask(f, "mx1.inkan.test", INKAN_DNS_TYPE_A, &q);
	assert_int_equal(a->nrrs, 1);
	assert_memory_equal(a->rrs[0].u.a, "\xc0\x00\x02\x19", 4);
	inkan_dns_query_free(q);
	a = ask(f, "mx1.inkan.test", INKAN_DNS_TYPE_AAAA, &q);
	assert_int_equal(a->nrrs, 1);
	assert_int_equal(a->rrs[0].u.aaaa[15], 0x25);
	inkan_dns_query_free(q);
	a = ask(f, "inkan.test", INKAN_DNS_TYPE_SOA, &q);
	assert_int_equal(a->nrrs, 1);
	assert_string_equal(a->rrs[0].u.soa.mname, "ns1.inkan.test");
	assert_int_equal(a->rrs[0].u.soa.minimum, 60);
	inkan_dns_query_free(q);
	a = ask(f, "inkan.test", INKAN_DNS_TYPE_NS, &q);
	assert_int_equal(a->nrrs, 1);
	assert_string_equal(a->rrs[0].u.name, "ns1.inkan.test");
	inkan_dns_query_free(q);
}

/* many questions in flight at once, and some given up unanswered */
static void
test_parallel_and_cancel(void **state)
{
	struct fx *f = *state;
	inkan_dns_query *q[100];
	const inkan_dns_answer *a;
	char name[64];
	size_t i;

	for (i = 0; i < 100; i++) {
		snprintf(name, sizeof(name), "p%zu.wild.inkan.test", i);
		assert_int_equal(inkan_dns_start(f->r, name, 16, &q[i]),
			INKAN_OK);
	}
	for (i = 0; i < 100; i += 2)	/* every other one abandoned */
		inkan_dns_query_free(q[i]);
	for (i = 1; i < 100; i += 2) {
		assert_int_equal(inkan_dns_wait(q[i], &a), INKAN_OK);
		assert_int_equal(a->outcome, INKAN_DNS_DATA);
		inkan_dns_query_free(q[i]);
	}
}

struct thr {
	inkan_resolver *r;
	int id;
	int ok;
};

static void *
worker(void *arg)
{
	struct thr *t = arg;
	inkan_dns_query *q;
	const inkan_dns_answer *a;
	char name[64];
	int i;

	t->ok = 1;
	for (i = 0; i < 50; i++) {
		snprintf(name, sizeof(name), "t%d-%d.wild.inkan.test", t->id,
			i % 10);
		if (inkan_dns_lookup(t->r, name, 16, &q, &a) != INKAN_OK) {
			t->ok = 0;
			continue;
		}
		if (a->outcome != INKAN_DNS_DATA)
			t->ok = 0;
		inkan_dns_query_free(q);
	}
	return NULL;
}

/* one resolver (with the cache in front) shared by threads */
static void
test_threads_with_cache(void **state)
{
	struct fx *f = *state;
	inkan_resolver *cache;
	pthread_t th[6];
	struct thr t[6];
	inkan_dns_cache_stats s;
	int i;

	assert_int_equal(inkan_resolver_cache_new(f->ctx, f->r, 0, &cache),
		INKAN_OK);
	f->r = NULL;	/* the cache owns it now */
	for (i = 0; i < 6; i++) {
		t[i].r = cache;
		t[i].id = i;
		assert_int_equal(pthread_create(&th[i], NULL, worker, &t[i]),
			0);
	}
	for (i = 0; i < 6; i++) {
		pthread_join(th[i], NULL);
		assert_true(t[i].ok);
	}
	assert_int_equal(inkan_resolver_cache_stats(cache, &s), INKAN_OK);
	/* 6 threads x 10 distinct names, each asked 5 times */
	assert_int_equal(s.misses, 60);
	assert_int_equal(s.hits + s.joins, 240);
	inkan_resolver_free(cache);
}

/* a server that never answers: the wait keeps the timeout budget */
static void
test_timeout_budget(void **state)
{
	inkan_ctx *ctx;
	inkan_resolver *r;
	inkan_dns_query *q;
	const inkan_dns_answer *a;
	int64_t t0, took;

	(void)state;
	assert_int_equal(inkan_ctx_new(NULL, &ctx), INKAN_OK);
	assert_int_equal(inkan_ctx_set_limit(ctx, INKAN_LIMIT_DNS_TIMEOUT_MS,
		400), INKAN_OK);
	assert_int_equal(inkan_resolver_unbound_new(ctx, blackhole, &r),
		INKAN_OK);
	t0 = ik_mono_ms();
	assert_int_equal(inkan_dns_lookup(r, "x.inkan.test", 16, &q, &a),
		INKAN_OK);
	took = ik_mono_ms() - t0;
	assert_int_equal(a->timed_out, 1);
	assert_int_equal(a->outcome, INKAN_DNS_TEMPFAIL);
	assert_true(took >= 390);
	assert_true(took < 400 + 1500);	/* budget plus slack */
	inkan_dns_query_free(q);
	t0 = ik_mono_ms();
	inkan_resolver_free(r);		/* must not hang on the lost one */
	assert_true(ik_mono_ms() - t0 < 3000);
	inkan_ctx_free(ctx);
}

static void
test_bad_server(void **state)
{
	inkan_ctx *ctx;
	inkan_resolver *r;

	(void)state;
	assert_int_equal(inkan_ctx_new(NULL, &ctx), INKAN_OK);
	assert_int_equal(inkan_resolver_unbound_new(ctx, "not-an-address",
		&r), INKAN_ERR_CONFIG);
	assert_null(r);
	inkan_ctx_free(ctx);
}

static inkan_resolver *
validating(inkan_ctx *ctx, const char *ta)
{
	inkan_resolver *r;

	assert_int_equal(inkan_resolver_unbound_new(ctx, server, &r),
		INKAN_OK);
	assert_int_equal(inkan_resolver_unbound_trust_anchor(r, ta),
		INKAN_OK);
	return r;
}

/* Knot signs signed.test; with its key as anchor the answers validate */
static void
test_dnssec_secure(void **state)
{
	inkan_ctx *ctx;
	inkan_resolver *r;
	inkan_dns_query *q;
	const inkan_dns_answer *a;

	(void)state;
	assert_int_equal(inkan_ctx_new(NULL, &ctx), INKAN_OK);
	r = validating(ctx, anchor);
	assert_int_equal(inkan_dns_lookup(r, "signed.test", 16, &q, &a),
		INKAN_OK);
	assert_int_equal(a->outcome, INKAN_DNS_DATA);
	assert_int_equal(a->secure, 1);
	/* only the TXT RRs, not their RRSIGs */
	assert_int_equal(a->nrrs, 1);
	assert_string_equal(a->rrs[0].u.txt.joined.data, "v=spf1 -all");
	inkan_dns_query_free(q);
	/* a CNAME, and a denial of existence proven by NSEC */
	assert_int_equal(inkan_dns_lookup(r, "www.signed.test", 16, &q, &a),
		INKAN_OK);
	assert_int_equal(a->outcome, INKAN_DNS_DATA);
	assert_int_equal(a->ncnames, 1);
	assert_int_equal(a->secure, 1);
	inkan_dns_query_free(q);
	assert_int_equal(inkan_dns_lookup(r, "nope.signed.test", 16, &q, &a),
		INKAN_OK);
	assert_int_equal(a->outcome, INKAN_DNS_NXDOMAIN);
	assert_int_equal(a->secure, 1);
	inkan_dns_query_free(q);
	/* outside the anchor: answered, not validated */
	assert_int_equal(inkan_dns_lookup(r, "multi.inkan.test", 16, &q, &a),
		INKAN_OK);
	assert_int_equal(a->outcome, INKAN_DNS_DATA);
	assert_int_equal(a->secure, 0);
	inkan_dns_query_free(q);
	/* too late to change the anchor once questions were asked */
	assert_int_equal(inkan_resolver_unbound_trust_anchor(r, anchor),
		INKAN_ERR_STATE);
	inkan_resolver_free(r);
	inkan_ctx_free(ctx);
}

/* a wrong anchor: the signatures do not validate; that is a temporary
 * failure (SERVFAIL), never data and never "does not exist" */
static void
test_dnssec_bogus(void **state)
{
	inkan_ctx *ctx;
	inkan_resolver *r;
	inkan_dns_query *q;
	const inkan_dns_answer *a;

	(void)state;
	assert_int_equal(inkan_ctx_new(NULL, &ctx), INKAN_OK);
	r = validating(ctx, bogus_anchor);
	assert_int_equal(inkan_dns_lookup(r, "signed.test", 16, &q, &a),
		INKAN_OK);
	assert_int_equal(a->rcode, INKAN_DNS_RCODE_SERVFAIL);
	assert_int_equal(a->outcome, INKAN_DNS_TEMPFAIL);
	assert_int_equal(a->secure, 0);
	assert_int_equal(a->nrrs, 0);
	inkan_dns_query_free(q);
	inkan_resolver_free(r);
	inkan_ctx_free(ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_multi_string_txt, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_large_rrset_over_tcp,
			setup, teardown),
		cmocka_unit_test_setup_teardown(test_nxdomain_nodata, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_cname_chain, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_other_types, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_parallel_and_cancel, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_threads_with_cache, setup,
			teardown),
		cmocka_unit_test(test_timeout_budget),
		cmocka_unit_test(test_bad_server),
		cmocka_unit_test(test_dnssec_secure),
		cmocka_unit_test(test_dnssec_bogus),
	};

	server = getenv("INKAN_TEST_DNS_SERVER");
	blackhole = getenv("INKAN_TEST_BLACKHOLE");
	anchor = getenv("INKAN_TEST_TRUST_ANCHOR");
	bogus_anchor = getenv("INKAN_TEST_BOGUS_ANCHOR");
	if (server == NULL || blackhole == NULL || anchor == NULL ||
	    bogus_anchor == NULL) {
		fprintf(stderr, "run me through tests/integration/"
			"knot_rig.py (INKAN_TEST_DNS_SERVER unset)\n");
		return 77;	/* skipped */
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
