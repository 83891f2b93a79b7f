/* SPDX-License-Identifier: MIT */
/*
 * test_spf_prefetch.c - property: a check that starts its lookups early
 * (the default) concludes exactly what the strictly sequential check
 * concludes: the same result, reason, limit, mechanism, explanation,
 * DNS-term and void-lookup counts, and the same trace, step by step. The
 * early checks also share a parsed-record cache (inkan_spf_cache), which
 * must not change anything either.
 *
 * Zones are random but seeded (SPF_PROPERTY_SEED overrides the seed,
 * SPF_PROPERTY_ROUNDS the number of zones): records mix every mechanism,
 * macros, includes, redirects, loops, missing names, MX sets past the
 * limit, PTR data and SERVFAIL/timeout faults.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <inkan/ctx.h>
#include <inkan/dns.h>
#include <inkan/spf.h>

#define NDOM 16

static uint64_t rng;

static unsigned
rnd(unsigned n)
{
	/* xorshift64*: deterministic for a seed on every platform */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (unsigned)((rng * 2685821657736338717ull) >> 33) % n;
}

struct text {
	char buf[1 << 16];
	size_t len;
};

static void
add(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2,
	3)));

static void
add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(t->buf + t->len, sizeof(t->buf) - t->len, fmt, ap);
	va_end(ap);
	assert_true(n >= 0 && (size_t)n < sizeof(t->buf) - t->len);
	t->len += (size_t)n;
}

static const char *const ips4[] = { "192.0.2.1", "192.0.2.2", "192.0.2.3",
	"198.51.100.7" };
static const char *const ips6[] = { "2001:db8::1", "2001:db8::2" };

static void
dom(char *out, size_t len)
{
	unsigned k = rnd(NDOM + 3);

	if (k < NDOM)
		snprintf(out, len, "d%u.example", k);
	else
		snprintf(out, len, "nx%u.example", k - NDOM);
}

static void
term(struct text *t)
{
	static const char q[] = "+-~?";
	char d[32];

	add(t, " ");
	if (rnd(4) == 0)
		add(t, "%c", q[rnd(4)]);
	dom(d, sizeof(d));
	switch (rnd(14)) {
	case 0:
		add(t, "ip4:%s/%u", ips4[rnd(4)], 24 + rnd(9));
		break;
	case 1:
		add(t, "ip6:%s/%u", ips6[rnd(2)], 64 + rnd(65));
		break;
	case 2:
	case 3:
		add(t, "a:%s", d);
		if (rnd(3) == 0)
			add(t, "/%u", 24 + rnd(9));
		break;
	case 4:
		add(t, "a");
		break;
	case 5:
	case 6:
		add(t, "mx:%s", d);
		break;
	case 7:
	case 8:
		add(t, "include:%s", d);
		break;
	case 9:
		add(t, "exists:%s", rnd(2) ? d : "%{l}.u.%{d}");
		break;
	case 10:
		add(t, "ptr%s%s", rnd(2) ? ":" : "", rnd(2) ? "example" : "");
		if (t->buf[t->len - 1] == ':')
			add(t, "%s", d);
		break;
	case 11:
		add(t, "exists:%%{p}.p.example");
		break;
	case 12:
		add(t, "all");
		break;
	default:
		add(t, "a:%%{ir}.r.example");
		break;
	}
}

static void
zone(struct text *t)
{
	unsigned i, j, n;
	char d[32];

	t->len = 0;
	for (i = 0; i < NDOM; i++) {
		if (rnd(8) != 0) {
			add(t, "d%u.example. TXT \"v=spf1", i);
			n = rnd(7);
			for (j = 0; j < n; j++)
				term(t);
			if (rnd(4) == 0) {
				dom(d, sizeof(d));
				add(t, " redirect=%s", d);
			}
			if (rnd(3) == 0)
				add(t, " exp=x.d%u.example", rnd(NDOM));
			add(t, "\"\n");
		}
		if (rnd(16) == 0)	/* a second record: permerror */
			add(t, "d%u.example. TXT \"v=spf1 -all\"\n", i);
		if (rnd(20) == 0)
			add(t, "d%u.example. TXT \"v=spf1 ip4:bad\"\n", i);
		if (rnd(2) == 0)
			add(t, "d%u.example. A %s\n", i, ips4[rnd(4)]);
		if (rnd(3) == 0)
			add(t, "d%u.example. AAAA %s\n", i, ips6[rnd(2)]);
		n = rnd(8) == 0 ? 9 + rnd(4) : rnd(3);
		for (j = 0; j < n; j++) {
			dom(d, sizeof(d));
			add(t, "d%u.example. MX %u %s.\n", i, j, d);
		}
		if (rnd(3) == 0)
			add(t, "x.d%u.example. TXT \"%s %%{i} %%{d} %%{p}\"\n", i,
				rnd(2) ? "why" : "%{x}");
		if (rnd(12) == 0)
			add(t, "$FAULT d%u.example %s %s\n", i,
				rnd(2) ? "A" : rnd(2) ? "TXT" : "MX",
				rnd(2) ? "servfail" : "timeout");
	}
	for (i = 0; i < 4; i++) {
		n = rnd(4);
		for (j = 0; j < n; j++)
			add(t, "%s.in-addr.arpa. PTR d%u.example.\n",
				i == 0 ? "1.2.0.192" : i == 1 ? "2.2.0.192" :
				i == 2 ? "3.2.0.192" : "7.100.51.198", rnd(NDOM));
	}
	add(t, "postmaster.u.d3.example. A 127.0.0.2\n");
	add(t, "2.0.0.192.r.example. A 192.0.2.2\n");
	add(t, "d1.example.p.example. A 127.0.0.2\n");
}

static void
same_str(const char *a, const char *b, const char *what, const char *z)
{
	if ((a == NULL) != (b == NULL) || (a != NULL && strcmp(a, b) != 0))
		fail_msg("%s differs: \"%s\" vs \"%s\"\nzone:\n%s", what,
			a ? a : "(null)", b ? b : "(null)", z);
}

static void
compare(const inkan_spf_verdict *s, const inkan_spf_verdict *p,
	const char *z)
{
	size_t i;

	if (s->result != p->result || s->reason != p->reason ||
	    s->dns_terms != p->dns_terms ||
	    s->void_lookups != p->void_lookups ||
	    (s->reason == INKAN_SPF_REASON_LIMIT && s->limit != p->limit) ||
	    s->ntrace != p->ntrace)
		fail_msg("%s/%s/%u/%u vs %s/%s/%u/%u for %s from %s\nzone:\n%s",
			inkan_spf_result_name(s->result),
			inkan_spf_reason_name(s->reason), s->dns_terms,
			s->void_lookups, inkan_spf_result_name(p->result),
			inkan_spf_reason_name(p->reason), p->dns_terms,
			p->void_lookups, s->sender, s->client_ip, z);
	same_str(s->mechanism, p->mechanism, "mechanism", z);
	same_str(s->explanation, p->explanation, "explanation", z);
	same_str(s->error_domain, p->error_domain, "error_domain", z);
	for (i = 0; i < s->ntrace; i++) {
		const inkan_spf_trace *a = &s->trace[i], *b = &p->trace[i];

		if (a->step != b->step || a->depth != b->depth ||
		    a->dns_terms != b->dns_terms ||
		    a->void_lookups != b->void_lookups)
			fail_msg("trace step %zu differs\nzone:\n%s", i, z);
		same_str(a->term, b->term, "trace term", z);
		same_str(a->target, b->target, "trace target", z);
		same_str(a->note, b->note, "trace note", z);
	}
}

static void
test_prefetch_equals_sequential(void **state)
{
	static struct text z;
	const char *env = getenv("SPF_PROPERTY_SEED");
	const char *envr = getenv("SPF_PROPERTY_ROUNDS");
	unsigned round, rounds = envr ? (unsigned)strtoul(envr, NULL, 10) : 400;
	unsigned checks = 0, kinds[7] = { 0 };
	char err[256];

	(void)state;
	rng = env ? strtoull(env, NULL, 0) : 0x5eedf00dcafe1234ull;
	for (round = 0; round < rounds; round++) {
		inkan_ctx *ctx;
		inkan_resolver *res;
		inkan_spf_cache *rc;
		unsigned k;

		zone(&z);
		assert_int_equal(inkan_ctx_new(NULL, &ctx), INKAN_OK);
		assert_int_equal(inkan_spf_cache_new(ctx, 64, &rc), INKAN_OK);
		assert_int_equal(inkan_resolver_zone_new(ctx, &res), INKAN_OK);
		if (inkan_resolver_zone_load_mem(res, z.buf, z.len, NULL, NULL,
		    err, sizeof(err)) != INKAN_OK)
			fail_msg("zone: %s\n%s", err, z.buf);
		inkan_ctx_set_resolver(ctx, res);
		for (k = 0; k < 12; k++) {
			inkan_spf_request req;
			inkan_spf_verdict *seq = NULL, *par = NULL;
			char from[64];

			snprintf(from, sizeof(from), "%s@d%u.example",
				rnd(4) ? "user" : "postmaster", rnd(NDOM));
			memset(&req, 0, sizeof(req));
			req.client_ip = rnd(4) ? ips4[rnd(4)] : ips6[rnd(2)];
			req.mail_from = from;
			req.helo = "helo.example";
			req.flags = INKAN_SPF_FLAG_SEQUENTIAL |
			    INKAN_SPF_FLAG_TRACE;
			assert_int_equal(inkan_spf_check(ctx, &req,
				INKAN_SPF_IDENTITY_MAILFROM, &seq), INKAN_OK);
			req.flags = INKAN_SPF_FLAG_TRACE;
			req.cache = rc;
			assert_int_equal(inkan_spf_check(ctx, &req,
				INKAN_SPF_IDENTITY_MAILFROM, &par), INKAN_OK);
			compare(seq, par, z.buf);
			kinds[seq->result]++;
			checks++;
			inkan_spf_verdict_free(seq);
			inkan_spf_verdict_free(par);
		}
		inkan_ctx_set_resolver(ctx, NULL);
		inkan_resolver_free(res);
		inkan_spf_cache_free(rc);
		inkan_ctx_free(ctx);
	}
	printf("%u checks: none %u neutral %u pass %u fail %u softfail %u "
		"temperror %u permerror %u\n", checks, kinds[0], kinds[1],
		kinds[2], kinds[3], kinds[4], kinds[5], kinds[6]);
	/* the generator must reach every outcome, or it proves little */
	for (round = 0; round < 7; round++)
		assert_true(rounds < 100 || kinds[round] > 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prefetch_equals_sequential),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
