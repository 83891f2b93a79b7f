/* SPDX-License-Identifier: MIT */
/* test_dns_cache.c - the caching resolver: TTLs on a fixed clock, negative
 * caching, no caching of failures, LRU bound, in-flight joins (also under
 * threads), counters, and a program's own backend behind the ops table. */
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

static const char zone_text[] =
	"$ORIGIN example.\n"
	"@ 3600 SOA ns h 1 2 3 4 600\n"
	"a 100 TXT \"alpha\"\n"
	"b 100 TXT \"beta\"\n"
	"c 100 TXT \"gamma\"\n"
	"long 172800 TXT \"two days\"\n"
	"zero 0 TXT \"do not keep\"\n"
	"$FAULT bad servfail\n"
	"$FAULT slow timeout\n";

/* a program's own backend: passes questions to a zone resolver and
 * counts them, through nothing but the public ops table */
struct counting {
	inkan_resolver *zone;
	int starts;
	int frees;
	pthread_mutex_t mu;
};

static inkan_status
c_start(void *impl, const char *name, uint16_t type, uint32_t timeout_ms,
	void **qstate)
{
	struct counting *c = impl;

	(void)timeout_ms;
	pthread_mutex_lock(&c->mu);
	c->starts++;
	pthread_mutex_unlock(&c->mu);
	return inkan_dns_start(c->zone, name, type,
		(inkan_dns_query **)qstate);
}

static inkan_status
c_wait(void *impl, void *qstate, const inkan_dns_answer **answer)
{
	(void)impl;
	return inkan_dns_wait(qstate, answer);
}

static void
c_free(void *impl, void *qstate)
{
	struct counting *c = impl;

	pthread_mutex_lock(&c->mu);
	c->frees++;
	pthread_mutex_unlock(&c->mu);
	inkan_dns_query_free(qstate);
}

static const inkan_resolver_ops counting_ops = {
	c_start, c_wait, c_free, NULL
};

struct fx {
	inkan_ctx *ctx;
	int64_t now;
	struct counting counting;
	inkan_resolver *backend;	/* counting, owned by the cache */
	inkan_resolver *cache;
};

static int64_t
fixed_clock(void *ud)
{
	return *(int64_t *)ud;
}

static struct fx *
make(size_t max_entries, const char *extra)
{
	struct fx *f = calloc(1, sizeof(*f));
	char err[256];

	assert_non_null(f);
	f->now = 1700000000;
	assert_int_equal(inkan_ctx_new(NULL, &f->ctx), INKAN_OK);
	inkan_ctx_set_clock(f->ctx, fixed_clock, &f->now);
	assert_int_equal(inkan_resolver_zone_new(f->ctx, &f->counting.zone),
		INKAN_OK);
	if (inkan_resolver_zone_load_mem(f->counting.zone, zone_text,
	    SIZE_MAX, NULL, NULL, err, sizeof(err)) != INKAN_OK)
		fail_msg("%s", err);
	if (extra != NULL && inkan_resolver_zone_load_mem(f->counting.zone,
	    extra, SIZE_MAX, NULL, NULL, err, sizeof(err)) != INKAN_OK)
		fail_msg("%s", err);
	pthread_mutex_init(&f->counting.mu, NULL);
	assert_int_equal(inkan_resolver_new(f->ctx, &counting_ops,
		&f->counting, &f->backend), INKAN_OK);
	assert_int_equal(inkan_resolver_cache_new(f->ctx, f->backend,
		max_entries, &f->cache), INKAN_OK);
	return f;
}

static void
destroy(struct fx *f)
{
	inkan_resolver_free(f->cache);	/* and the counting backend */
	assert_int_equal(f->counting.starts, f->counting.frees);
	inkan_resolver_free(f->counting.zone);
	pthread_mutex_destroy(&f->counting.mu);
	inkan_ctx_free(f->ctx);
	free(f);
}

/* ask and check the outcome; returns from_cache and the TTL seen */
static int
ask(struct fx *f, const char *name, inkan_dns_outcome want, uint32_t *ttl)
{
	inkan_dns_query *q;
	const inkan_dns_answer *a;
	int from_cache;

	assert_int_equal(inkan_dns_lookup(f->cache, name, 16, &q, &a),
		INKAN_OK);
	assert_int_equal(a->outcome, want);
	/* the name as asked, without a trailing dot */
	assert_memory_equal(a->qname, name, strlen(a->qname));
	assert_true(strcmp(name + strlen(a->qname), ".") == 0 ||
		name[strlen(a->qname)] == '\0');
	from_cache = a->from_cache;
	if (ttl != NULL)
		*ttl = a->ttl;
	inkan_dns_query_free(q);
	return from_cache;
}

static inkan_dns_cache_stats
stats(struct fx *f)
{
	inkan_dns_cache_stats s;

	assert_int_equal(inkan_resolver_cache_stats(f->cache, &s), INKAN_OK);
	return s;
}

static void
test_positive_ttl(void **state)
{
	struct fx *f = make(0, NULL);
	uint32_t ttl;
	inkan_dns_cache_stats s;

	(void)state;
	assert_false(ask(f, "a.example", INKAN_DNS_DATA, &ttl));
	assert_int_equal(ttl, 100);
	assert_true(ask(f, "a.example", INKAN_DNS_DATA, &ttl));
	assert_int_equal(ttl, 100);
	f->now += 60;
	assert_true(ask(f, "A.Example", INKAN_DNS_DATA, &ttl));
	assert_int_equal(ttl, 40);	/* what is left */
	f->now += 39;
	assert_true(ask(f, "a.example.", INKAN_DNS_DATA, &ttl));
	assert_int_equal(ttl, 1);
	f->now += 1;			/* expired */
	assert_false(ask(f, "a.example", INKAN_DNS_DATA, &ttl));
	assert_int_equal(f->counting.starts, 2);
	s = stats(f);
	assert_int_equal(s.hits, 3);
	assert_int_equal(s.misses, 2);
	assert_int_equal(s.joins, 0);
	assert_int_equal(s.entries, 1);

	/* at most a day, whatever the TTL says */
	assert_false(ask(f, "long.example", INKAN_DNS_DATA, NULL));
	f->now += 86399;
	assert_true(ask(f, "long.example", INKAN_DNS_DATA, &ttl));
	assert_int_equal(ttl, 1);
	f->now += 1;
	assert_false(ask(f, "long.example", INKAN_DNS_DATA, NULL));

	/* TTL 0: used once, never kept */
	assert_false(ask(f, "zero.example", INKAN_DNS_DATA, NULL));
	assert_false(ask(f, "zero.example", INKAN_DNS_DATA, NULL));
	destroy(f);
}

static void
test_negative_ttl(void **state)
{
	struct fx *f = make(0, NULL);
	uint32_t ttl;

	(void)state;
	/* RFC 2308: min(SOA TTL 3600, MINIMUM 600) = 600, kept <= 300 */
	assert_false(ask(f, "nx.example", INKAN_DNS_NXDOMAIN, &ttl));
	assert_int_equal(ttl, 600);
	assert_false(ask(f, "a.example", INKAN_DNS_DATA, NULL));
	f->now += 299;
	assert_true(ask(f, "nx.example", INKAN_DNS_NXDOMAIN, &ttl));
	assert_int_equal(ttl, 1);
	f->now += 1;
	assert_false(ask(f, "nx.example", INKAN_DNS_NXDOMAIN, NULL));

	/* NODATA too (example. exists, has no TXT) */
	assert_false(ask(f, "example", INKAN_DNS_NODATA, NULL));
	assert_true(ask(f, "example", INKAN_DNS_NODATA, NULL));
	destroy(f);
}

static void
test_failures_not_cached(void **state)
{
	struct fx *f = make(0, NULL);
	inkan_dns_cache_stats s;

	(void)state;
	assert_false(ask(f, "bad.example", INKAN_DNS_TEMPFAIL, NULL));
	assert_false(ask(f, "bad.example", INKAN_DNS_TEMPFAIL, NULL));
	assert_false(ask(f, "slow.example", INKAN_DNS_TEMPFAIL, NULL));
	assert_false(ask(f, "slow.example", INKAN_DNS_TEMPFAIL, NULL));
	assert_int_equal(f->counting.starts, 4);
	s = stats(f);
	assert_int_equal(s.hits, 0);
	assert_int_equal(s.misses, 4);
	assert_int_equal(s.entries, 0);
	destroy(f);
}

static void
test_lru_bound(void **state)
{
	struct fx *f = make(2, NULL);
	inkan_dns_cache_stats s;

	(void)state;
	assert_false(ask(f, "a.example", INKAN_DNS_DATA, NULL));
	assert_false(ask(f, "b.example", INKAN_DNS_DATA, NULL));
	assert_false(ask(f, "c.example", INKAN_DNS_DATA, NULL)); /* a out */
	s = stats(f);
	assert_int_equal(s.entries, 2);
	assert_int_equal(s.evictions, 1);
	assert_true(ask(f, "b.example", INKAN_DNS_DATA, NULL)); /* b used */
	assert_false(ask(f, "a.example", INKAN_DNS_DATA, NULL)); /* c out */
	assert_true(ask(f, "b.example", INKAN_DNS_DATA, NULL));
	assert_false(ask(f, "c.example", INKAN_DNS_DATA, NULL)); /* a out */
	s = stats(f);
	assert_int_equal(s.entries, 2);
	assert_int_equal(s.evictions, 3);
	destroy(f);
}

/* two starts before any wait share one backend question */
static void
test_join_in_one_thread(void **state)
{
	struct fx *f = make(0, "$LATENCY 20\n");
	inkan_dns_query *q1, *q2, *q3;
	const inkan_dns_answer *a1, *a2;
	inkan_dns_cache_stats s;

	(void)state;
	assert_int_equal(inkan_dns_start(f->cache, "a.example", 16, &q1),
		INKAN_OK);
	assert_int_equal(inkan_dns_start(f->cache, "A.EXAMPLE", 16, &q2),
		INKAN_OK);
	/* the first one given up early leaves the second intact */
	assert_int_equal(inkan_dns_start(f->cache, "b.example", 16, &q3),
		INKAN_OK);
	inkan_dns_query_free(q3);
	assert_int_equal(inkan_dns_wait(q2, &a2), INKAN_OK);
	assert_int_equal(inkan_dns_wait(q1, &a1), INKAN_OK);
	assert_string_equal(a1->rrs[0].u.txt.joined.data, "alpha");
	assert_string_equal(a2->rrs[0].u.txt.joined.data, "alpha");
	assert_string_equal(a2->qname, "A.EXAMPLE");
	assert_int_equal(a1->from_cache, 0);
	assert_int_equal(a2->from_cache, 0);
	inkan_dns_query_free(q1);
	inkan_dns_query_free(q2);
	s = stats(f);
	assert_int_equal(s.misses, 2);
	assert_int_equal(s.joins, 1);
	assert_int_equal(f->counting.starts, 2);
	/* the cancelled question was not stored */
	assert_false(ask(f, "b.example", INKAN_DNS_DATA, NULL));
	destroy(f);
}

#define NTHREADS 8

struct thr {
	struct fx *f;
	pthread_barrier_t *barrier;
	int ok;
};

static void *
joiner(void *arg)
{
	struct thr *t = arg;
	inkan_dns_query *q;
	const inkan_dns_answer *a;

	pthread_barrier_wait(t->barrier);
	t->ok = inkan_dns_lookup(t->f->cache, "c.example", 16, &q, &a) ==
		INKAN_OK && a->nrrs == 1 &&
		strcmp(a->rrs[0].u.txt.joined.data, "gamma") == 0;
	inkan_dns_query_free(q);
	return NULL;
}

static void
test_join_under_threads(void **state)
{
	/* the backend takes 300 ms: long enough for all threads to ask
	 * while the first question is in flight */
	struct fx *f = make(0, "$LATENCY 300\n");
	pthread_t th[NTHREADS];
	struct thr t[NTHREADS];
	pthread_barrier_t barrier;
	inkan_dns_cache_stats s;
	int i;

	(void)state;
	pthread_barrier_init(&barrier, NULL, NTHREADS);
	for (i = 0; i < NTHREADS; i++) {
		t[i].f = f;
		t[i].barrier = &barrier;
		assert_int_equal(pthread_create(&th[i], NULL, joiner, &t[i]),
			0);
	}
	for (i = 0; i < NTHREADS; i++) {
		pthread_join(th[i], NULL);
		assert_true(t[i].ok);
	}
	pthread_barrier_destroy(&barrier);
	s = stats(f);
	assert_int_equal(s.misses, 1);
	assert_int_equal(s.joins, NTHREADS - 1);
	assert_int_equal(s.hits, 0);
	assert_int_equal(f->counting.starts, 1);
	assert_int_equal(ik_zone_max_inflight(f->counting.zone), 1);
	destroy(f);
}

/* answers from a program's backend are checked when copied */
static inkan_status
bad_start(void *impl, const char *name, uint16_t type, uint32_t timeout_ms,
	void **qstate)
{
	(void)name;
	(void)type;
	(void)timeout_ms;
	*qstate = impl;
	return INKAN_OK;
}

static inkan_status
bad_wait(void *impl, void *qstate, const inkan_dns_answer **answer)
{
	(void)impl;
	*answer = qstate;
	return INKAN_OK;
}

static void
bad_free(void *impl, void *qstate)
{
	(void)impl;
	(void)qstate;
}

static const inkan_resolver_ops bad_ops = {
	bad_start, bad_wait, bad_free, NULL
};

static void
test_foreign_answers(void **state)
{
	static char big[300];
	static inkan_dns_str strs[1];
	static inkan_dns_rr rr;
	static inkan_dns_answer ans;
	inkan_ctx *ctx;
	inkan_resolver *be, *cache, *q_none;
	inkan_dns_query *q;
	const inkan_dns_answer *a;
	inkan_dns_cache_stats s;

	(void)state;
	memset(big, 'x', sizeof(big));
	strs[0].data = big;
	strs[0].len = 10;
	rr.type = INKAN_DNS_TYPE_TXT;
	rr.ttl = 50;
	rr.u.txt.strings = strs;
	rr.u.txt.nstrings = 1;
	ans.qname = "x.example";
	ans.qtype = 16;
	ans.rcode = INKAN_DNS_RCODE_NOERROR;
	ans.outcome = INKAN_DNS_DATA;
	ans.ttl = 50;
	ans.rrs = &rr;
	ans.nrrs = 1;
	assert_int_equal(inkan_ctx_new(NULL, &ctx), INKAN_OK);
	assert_int_equal(inkan_resolver_new(ctx, &bad_ops, &ans, &be),
		INKAN_OK);
	assert_int_equal(inkan_resolver_cache_new(ctx, be, 0, &cache),
		INKAN_OK);
	/* a good one is copied, joined, and then served from the cache */
	assert_int_equal(inkan_dns_lookup(cache, "x.example", 16, &q, &a),
		INKAN_OK);
	assert_int_equal(a->rrs[0].u.txt.joined.len, 10);
	inkan_dns_query_free(q);
	assert_int_equal(inkan_dns_lookup(cache, "x.example", 16, &q, &a),
		INKAN_OK);
	assert_int_equal(a->from_cache, 1);
	inkan_dns_query_free(q);
	/* a string over 255 bytes cannot be a DNS answer */
	strs[0].len = sizeof(big);
	assert_int_equal(inkan_dns_lookup(cache, "y.example", 16, &q, &a),
		INKAN_ERR_SYNTAX);
	assert_null(q);
	assert_int_equal(inkan_resolver_cache_stats(cache, &s), INKAN_OK);
	assert_int_equal(s.misses, 2);
	assert_int_equal(s.hits, 1);
	assert_int_equal(s.entries, 1);
	assert_int_equal(inkan_resolver_cache_stats(be, &s),
		INKAN_ERR_INVALID);
	assert_int_equal(inkan_resolver_cache_new(ctx, NULL, 0, &q_none),
		INKAN_ERR_INVALID);
	assert_null(q_none);
	inkan_resolver_free(cache);
	inkan_ctx_free(ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_positive_ttl),
		cmocka_unit_test(test_negative_ttl),
		cmocka_unit_test(test_failures_not_cached),
		cmocka_unit_test(test_lru_bound),
		cmocka_unit_test(test_join_in_one_thread),
		cmocka_unit_test(test_join_under_threads),
		cmocka_unit_test(test_foreign_answers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
