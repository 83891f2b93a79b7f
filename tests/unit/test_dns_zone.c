/* SPDX-License-Identifier: MIT */
/* test_dns_zone.c - master-file parser and zone answers (wildcards,
 * NXDOMAIN vs NODATA, CNAMEs, faults, TXT strings), latency overlap. */
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

#define EXAMPLE_ZONE TEST_DATA_DIR "/dns_example.zone"

struct fx {
	inkan_ctx *ctx;
	inkan_resolver *r;
	inkan_dns_query *q[64];
	size_t nq;
};

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	char err[256];

	assert_non_null(f);
	assert_int_equal(inkan_ctx_new(NULL, &f->ctx), INKAN_OK);
	assert_int_equal(inkan_resolver_zone_new(f->ctx, &f->r), INKAN_OK);
	if (inkan_resolver_zone_load(f->r, EXAMPLE_ZONE, err, sizeof(err)) !=
	    INKAN_OK)
		fail_msg("%s", err);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	size_t i;

	for (i = 0; i < f->nq; i++)
		inkan_dns_query_free(f->q[i]);
	inkan_resolver_free(f->r);
	inkan_ctx_free(f->ctx);
	free(f);
	return 0;
}

static const inkan_dns_answer *
ask(struct fx *f, const char *name, uint16_t type)
{
	const inkan_dns_answer *a = NULL;

	assert_true(f->nq < 64);
	assert_int_equal(inkan_dns_lookup(f->r, name, type, &f->q[f->nq], &a),
		INKAN_OK);
	f->nq++;
	assert_non_null(a);
	return a;
}

static void
assert_str(const inkan_dns_str *s, const char *want)
{
	assert_int_equal(s->len, strlen(want));
	assert_memory_equal(s->data, want, s->len);
	assert_int_equal(s->data[s->len], '\0');
}

static void
test_soa_ns_mx_a_aaaa(void **state)
{
	struct fx *f = *state;
	const inkan_dns_answer *a;
	static const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 0x25 };

	a = ask(f, "example.com", INKAN_DNS_TYPE_SOA);
	assert_int_equal(a->outcome, INKAN_DNS_DATA);
	assert_int_equal(a->nrrs, 1);
	assert_string_equal(a->rrs[0].u.soa.mname, "ns1.example.com");
	assert_string_equal(a->rrs[0].u.soa.rname, "hostmaster.example.com");
	assert_int_equal(a->rrs[0].u.soa.serial, 2024010101u);
	assert_int_equal(a->rrs[0].u.soa.expire, 1209600);
	assert_int_equal(a->rrs[0].u.soa.minimum, 300);
	assert_int_equal(a->rrs[0].ttl, 3600);	/* $TTL 1h */

	a = ask(f, "example.com.", INKAN_DNS_TYPE_NS);
	assert_int_equal(a->nrrs, 1);
	assert_string_equal(a->rrs[0].u.name, "ns1.example.com");

	/* omitted owner, TTL and class in either order */
	a = ask(f, "EXAMPLE.com", INKAN_DNS_TYPE_MX);
	assert_int_equal(a->nrrs, 2);
	assert_int_equal(a->rrs[0].u.mx.preference, 10);
	assert_string_equal(a->rrs[0].u.mx.exchange, "mx1.example.com");
	assert_int_equal(a->rrs[1].u.mx.preference, 20);
	assert_string_equal(a->rrs[1].u.mx.exchange, "mx2.example.net");
	assert_string_equal(a->qname, "EXAMPLE.com");

	a = ask(f, "mx1.example.com", INKAN_DNS_TYPE_A);
	assert_int_equal(a->nrrs, 1);
	assert_memory_equal(a->rrs[0].u.a, "\xc0\x00\x02\x19", 4);
	assert_int_equal(a->ttl, 300);
	a = ask(f, "mx1.example.com", INKAN_DNS_TYPE_AAAA);
	assert_int_equal(a->nrrs, 1);
	assert_memory_equal(a->rrs[0].u.aaaa, v6, 16);
	assert_int_equal(a->ttl, 3600);	/* $TTL, not the last TTL */

	a = ask(f, "4.2.0.192.in-addr.arpa", INKAN_DNS_TYPE_PTR);
	assert_int_equal(a->nrrs, 1);
	assert_string_equal(a->rrs[0].u.name, "host.example.com");
	assert_int_equal(a->secure, 0);
	assert_int_equal(a->from_cache, 0);
}

static void
test_txt_strings(void **state)
{
	struct fx *f = *state;
	const inkan_dns_answer *a;
	const inkan_dns_txt *t;

	/* RFC 6376 3.6.2.2: strings of one RR joined, no separator */
	a = ask(f, "sel._domainkey.example.com", INKAN_DNS_TYPE_TXT);
	assert_int_equal(a->nrrs, 1);
	t = &a->rrs[0].u.txt;
	assert_int_equal(t->nstrings, 3);
	assert_str(&t->strings[0], "v=DKIM1; k=rsa; ");
	assert_str(&t->strings[2], "MIIBCgKCAQEAtest");
	assert_str(&t->joined, "v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEF"
		"AAOCAQ8AMIIBCgKCAQEAtest");

	/* RFC 7208 3.3: several RRs are never merged */
	a = ask(f, "two.example.com", INKAN_DNS_TYPE_TXT);
	assert_int_equal(a->nrrs, 2);
	assert_str(&a->rrs[0].u.txt.joined, "first record");
	assert_int_equal(a->rrs[1].u.txt.nstrings, 2);
	assert_str(&a->rrs[1].u.txt.joined, "second record");

	a = ask(f, "esc.example.com", INKAN_DNS_TYPE_TXT);
	assert_int_equal(a->nrrs, 1);
	assert_str(&a->rrs[0].u.txt.joined,
		"quote\" backslash\\ decimalAB semi;colon");

	a = ask(f, "words.example.com", INKAN_DNS_TYPE_TXT);
	assert_int_equal(a->rrs[0].u.txt.nstrings, 3);
	assert_str(&a->rrs[0].u.txt.joined, "unquotedwordshere");

	a = ask(f, "spf.example.com", INKAN_DNS_TYPE_SPF);
	assert_int_equal(a->nrrs, 1);
	assert_int_equal(a->rrs[0].type, INKAN_DNS_TYPE_SPF);
	assert_str(&a->rrs[0].u.txt.joined, "v=spf1 -all");
	a = ask(f, "spf.example.com", INKAN_DNS_TYPE_TXT);
	assert_int_equal(a->outcome, INKAN_DNS_NODATA);
}

static void
test_nxdomain_nodata_ent(void **state)
{
	struct fx *f = *state;
	const inkan_dns_answer *a;

	a = ask(f, "nope.example.com", INKAN_DNS_TYPE_TXT);
	assert_int_equal(a->rcode, INKAN_DNS_RCODE_NXDOMAIN);
	assert_int_equal(a->outcome, INKAN_DNS_NXDOMAIN);
	assert_int_equal(a->nrrs, 0);
	/* RFC 2308 5: min(SOA TTL 3600, MINIMUM 300) */
	assert_int_equal(a->ttl, 300);

	a = ask(f, "ns1.example.com", INKAN_DNS_TYPE_TXT);
	assert_int_equal(a->rcode, INKAN_DNS_RCODE_NOERROR);
	assert_int_equal(a->outcome, INKAN_DNS_NODATA);
	assert_int_equal(a->ttl, 300);

	/* x.y.example.com exists only as the parent of a.x.y: NODATA */
	a = ask(f, "x.y.example.com", INKAN_DNS_TYPE_A);
	assert_int_equal(a->outcome, INKAN_DNS_NODATA);
	a = ask(f, "y.example.com", INKAN_DNS_TYPE_TXT);
	assert_int_equal(a->outcome, INKAN_DNS_NODATA);
	a = ask(f, "a.x.y.example.com", INKAN_DNS_TYPE_A);
	assert_int_equal(a->outcome, INKAN_DNS_DATA);
	a = ask(f, "z.x.y.example.com", INKAN_DNS_TYPE_A);
	assert_int_equal(a->outcome, INKAN_DNS_NXDOMAIN);

	/* outside everything loaded */
	a = ask(f, "example.org", INKAN_DNS_TYPE_A);
	assert_int_equal(a->outcome, INKAN_DNS_NXDOMAIN);
	assert_int_equal(a->ttl, 60);
}

static void
test_wildcards(void **state)
{
	struct fx *f = *state;
	const inkan_dns_answer *a;

	/* RFC 4592: *.w answers names that do not exist */
	a = ask(f, "anything.w.example.com", INKAN_DNS_TYPE_TXT);
	assert_int_equal(a->outcome, INKAN_DNS_DATA);
	assert_str(&a->rrs[0].u.txt.joined, "wild");
	assert_string_equal(a->qname, "anything.w.example.com");
	/* ... of any depth below the closest encloser w */
	a = ask(f, "deep.er.w.example.com", INKAN_DNS_TYPE_TXT);
	assert_int_equal(a->outcome, INKAN_DNS_DATA);
	/* but never an existing name */
	a = ask(f, "real.w.example.com", INKAN_DNS_TYPE_TXT);
	assert_int_equal(a->outcome, INKAN_DNS_NODATA);
	/* nor an empty non-terminal (c.w exists as parent of b.c.w) */
	a = ask(f, "c.w.example.com", INKAN_DNS_TYPE_TXT);
	assert_int_equal(a->outcome, INKAN_DNS_NODATA);
	/* closest encloser of x.c.w is c.w, and *.c.w does not exist */
	a = ask(f, "x.c.w.example.com", INKAN_DNS_TYPE_TXT);
	assert_int_equal(a->outcome, INKAN_DNS_NXDOMAIN);
	/* the wildcard owner itself, asked literally */
	a = ask(f, "*.w.example.com", INKAN_DNS_TYPE_TXT);
	assert_int_equal(a->outcome, INKAN_DNS_DATA);
	/* a wildcard match without the type is NODATA */
	a = ask(f, "other.w.example.com", INKAN_DNS_TYPE_A);
	assert_int_equal(a->outcome, INKAN_DNS_NODATA);
	/* w itself is no match for *.w */
	a = ask(f, "w.example.com", INKAN_DNS_TYPE_TXT);
	assert_int_equal(a->outcome, INKAN_DNS_NODATA);
}

static void
test_cname_chain_and_loop(void **state)
{
	struct fx *f = *state;
	const inkan_dns_answer *a;

	a = ask(f, "alias.example.com", INKAN_DNS_TYPE_TXT);
	assert_int_equal(a->outcome, INKAN_DNS_DATA);
	assert_int_equal(a->ncnames, 2);
	assert_string_equal(a->cnames[0], "alias2.example.com");
	assert_string_equal(a->cnames[1], "target.example.com");
	assert_int_equal(a->nrrs, 1);
	assert_str(&a->rrs[0].u.txt.joined, "at the end");
	assert_int_equal(a->ttl, 600);	/* min over chain and RRset */

	/* asking for the CNAME itself does not follow it */
	a = ask(f, "alias.example.com", INKAN_DNS_TYPE_CNAME);
	assert_int_equal(a->ncnames, 0);
	assert_int_equal(a->nrrs, 1);
	assert_string_equal(a->rrs[0].u.name, "alias2.example.com");

	/* RFC 6604: the rcode is the one of the last name */
	a = ask(f, "dangling.example.com", INKAN_DNS_TYPE_A);
	assert_int_equal(a->outcome, INKAN_DNS_NXDOMAIN);
	assert_int_equal(a->ncnames, 1);
	assert_string_equal(a->cnames[0], "nowhere.example.com");

	a = ask(f, "loop1.example.com", INKAN_DNS_TYPE_A);
	assert_int_equal(a->rcode, INKAN_DNS_RCODE_SERVFAIL);
	assert_int_equal(a->outcome, INKAN_DNS_TEMPFAIL);
	assert_int_equal(a->ttl, 0);
	assert_true(a->ncnames <= IK_DNS_CNAME_MAX);
}

static void
test_faults(void **state)
{
	struct fx *f = *state;
	const inkan_dns_answer *a;

	a = ask(f, "down.example.com", INKAN_DNS_TYPE_TXT);
	assert_int_equal(a->timed_out, 1);
	assert_int_equal(a->rcode, INKAN_DNS_RCODE_SERVFAIL);
	assert_int_equal(a->outcome, INKAN_DNS_TEMPFAIL);
	a = ask(f, "broken.example.com", INKAN_DNS_TYPE_MX);
	assert_int_equal(a->timed_out, 0);
	assert_int_equal(a->rcode, INKAN_DNS_RCODE_SERVFAIL);
	assert_int_equal(a->outcome, INKAN_DNS_TEMPFAIL);
	a = ask(f, "closed.example.com", INKAN_DNS_TYPE_A);
	assert_int_equal(a->rcode, INKAN_DNS_RCODE_REFUSED);
	assert_int_equal(a->outcome, INKAN_DNS_TEMPFAIL);
	/* a fault for one type leaves the others alone */
	a = ask(f, "partial.example.com", INKAN_DNS_TYPE_A);
	assert_int_equal(a->rcode, INKAN_DNS_RCODE_SERVFAIL);
	a = ask(f, "partial.example.com", INKAN_DNS_TYPE_TXT);
	assert_int_equal(a->outcome, INKAN_DNS_DATA);
	/* a faulted name does not exist for other questions */
	a = ask(f, "sub.down.example.com", INKAN_DNS_TYPE_TXT);
	assert_int_equal(a->outcome, INKAN_DNS_NXDOMAIN);
}

static void
test_fault_inside_chain(void **state)
{
	inkan_ctx *ctx;
	inkan_resolver *r;
	inkan_dns_query *q;
	const inkan_dns_answer *a;

	(void)state;
	assert_int_equal(inkan_ctx_new(NULL, &ctx), INKAN_OK);
	assert_int_equal(inkan_resolver_zone_new(ctx, &r), INKAN_OK);
	assert_int_equal(inkan_resolver_zone_load_mem(r,
		"a CNAME b\n$FAULT b servfail\n", SIZE_MAX, "t.example",
		NULL, NULL, 0), INKAN_OK);
	assert_int_equal(inkan_dns_lookup(r, "a.t.example", 16, &q, &a),
		INKAN_OK);
	assert_int_equal(a->outcome, INKAN_DNS_TEMPFAIL);
	assert_int_equal(a->ncnames, 1);
	inkan_dns_query_free(q);
	inkan_resolver_free(r);
	inkan_ctx_free(ctx);
}

static void
test_include(void **state)
{
	inkan_ctx *ctx;
	inkan_resolver *r;
	inkan_dns_query *q;
	const inkan_dns_answer *a;
	char err[512];
	static const struct { const char *name, *text; } want[] = {
		{ "top.inc.example", "top" },
		{ "child.inc.example", "child apex" },
		{ "leaf.child.inc.example", "child leaf" },
		{ "after.inc.example", "origin restored" },
	};
	size_t i;

	(void)state;
	assert_int_equal(inkan_ctx_new(NULL, &ctx), INKAN_OK);
	assert_int_equal(inkan_resolver_zone_new(ctx, &r), INKAN_OK);
	if (inkan_resolver_zone_load(r, TEST_DATA_DIR "/dns/main.zone", err,
	    sizeof(err)) != INKAN_OK)
		fail_msg("%s", err);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		assert_int_equal(inkan_dns_lookup(r, want[i].name, 16, &q, &a),
			INKAN_OK);
		assert_int_equal(a->nrrs, 1);
		assert_string_equal(a->rrs[0].u.txt.joined.data, want[i].text);
		inkan_dns_query_free(q);
	}
	/* a file that includes itself stops at the depth bound */
	assert_int_equal(inkan_resolver_zone_load(r,
		TEST_DATA_DIR "/dns/self.zone", err, sizeof(err)),
		INKAN_ERR_LIMIT);
	assert_non_null(strstr(err, "nested too deep"));
	/* several files add up */
	assert_int_equal(inkan_resolver_zone_load(r, EXAMPLE_ZONE, err,
		sizeof(err)), INKAN_OK);
	assert_int_equal(inkan_dns_lookup(r, "two.example.com", 16, &q, &a),
		INKAN_OK);
	assert_int_equal(a->nrrs, 2);
	inkan_dns_query_free(q);
	assert_int_equal(inkan_resolver_zone_load(r, "/nonexistent.zone", err,
		sizeof(err)), INKAN_ERR_IO);
	inkan_resolver_free(r);
	inkan_ctx_free(ctx);
}

/* parse @text; return the status and the message */
static inkan_status
parse(const char *text, char *err, size_t errlen)
{
	inkan_ctx *ctx;
	inkan_resolver *r;
	inkan_status st;

	assert_int_equal(inkan_ctx_new(NULL, &ctx), INKAN_OK);
	assert_int_equal(inkan_resolver_zone_new(ctx, &r), INKAN_OK);
	st = inkan_resolver_zone_load_mem(r, text, SIZE_MAX, "example.",
		"z", err, errlen);
	inkan_resolver_free(r);
	inkan_ctx_free(ctx);
	return st;
}

static void
test_parse_errors(void **state)
{
	static const struct {
		const char *text;
		const char *msg;
	} bad[] = {
		{ "a A 192.0.2.1\nb A 192.0.2.300\n", "z:2: bad IPv4" },
		{ "a AAAA 2001:db8::zz\n", "z:1: bad IPv6" },
		{ "a BOGUS x\n", "z:1: unknown record type" },
		{ "a\n", "z:1: record without a type" },
		{ "a TXT \"open\n", "z:1: unterminated" },
		{ "a TXT ( \"x\"\n", "unbalanced parenthesis" },
		{ "a TXT ) \"x\"\n", "z:1: unbalanced" },
		{ "a TXT ( ( \"x\" ) )\n", "nested" },
		{ "a CNAME b\na TXT \"x\"\n", "z:2: CNAME and other data" },
		{ "a CNAME b\na CNAME c\n", "z:2: CNAME and other data" },
		{ "$BOGUS x\n", "z:1: unknown directive" },
		{ "$TTL soon\n", "z:1: $TTL" },
		{ "$ORIGIN\n", "z:1: $ORIGIN" },
		{ "$FAULT a sometimes\n", "z:1: $FAULT kind" },
		{ "$FAULT a BOGUS timeout\n", "z:1: unknown record type" },
		{ "$LATENCY 9999999\n", "z:1: $LATENCY" },
		{ " TXT \"no owner\"\n", "z:1: record without an owner" },
		{ "a MX x b\n", "z:1: MX needs" },
		{ "a MX 70000 b\n", "z:1: MX needs" },
		{ "a SOA ns h 1 2 3 4\n", "z:1: SOA needs" },
		{ "a SOA ns h 1 2 3 4 x\n", "z:1: bad SOA time" },
		{ "a TXT \"bad \\999 escape\"\n", "z:1: bad escape" },
		{ "a..b A 192.0.2.1\n", "z:1: bad domain name" },
		{ "a 99999999999 A 192.0.2.1\n", "z:1: bad TTL" },
		{ "a CH TXT \"x\"\n", "z:1: only class IN" },
		{ "a NS \"quoted\"\n", "z:1: bad domain name" },
		{ "a A 192.0.2.1 192.0.2.2\n", "z:1: expected one address" },
	};
	char err[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		inkan_status st = parse(bad[i].text, err, sizeof(err));
		if (st == INKAN_OK || strstr(err, bad[i].msg) == NULL)
			fail_msg("case %zu: status %d, message '%s', want "
				"'%s'", i, st, err, bad[i].msg);
	}
}

static void
test_parse_limits(void **state)
{
	char err[256], *text;
	size_t i, n;
	inkan_ctx *ctx;
	inkan_resolver *r;

	(void)state;
	/* a string over 255 bytes is refused, not split or cut */
	text = malloc(400);
	assert_non_null(text);
	memcpy(text, "a TXT \"", 7);
	memset(text + 7, 'x', 256);
	memcpy(text + 263, "\"\n", 3);
	assert_int_equal(parse(text, err, sizeof(err)), INKAN_ERR_SYNTAX);
	assert_non_null(strstr(err, "longer than 255"));
	text[262] = '"';	/* exactly 255 is fine */
	text[263] = '\n';
	text[264] = '\0';
	assert_int_equal(parse(text, err, sizeof(err)), INKAN_OK);
	free(text);

	/* a physical line over the bound */
	n = 70000;
	text = malloc(n + 32);
	assert_non_null(text);
	memcpy(text, "a TXT ", 6);
	memset(text + 6, 'y', n);
	memcpy(text + 6 + n, "\n", 2);
	assert_int_equal(parse(text, err, sizeof(err)), INKAN_ERR_SYNTAX);
	assert_non_null(strstr(err, "line too long"));
	free(text);

	/* the RR cap */
	assert_int_equal(inkan_ctx_new(NULL, &ctx), INKAN_OK);
	assert_int_equal(inkan_resolver_zone_new(ctx, &r), INKAN_OK);
	ik_zone_set_max_rrs(r, 3);
	for (i = 0; i < 3; i++)
		assert_int_equal(inkan_resolver_zone_load_mem(r,
			i == 0 ? "a A 192.0.2.1\n" : i == 1 ?
			"b A 192.0.2.1\n" : "c A 192.0.2.1\n", SIZE_MAX,
			"example.", NULL, err, sizeof(err)), INKAN_OK);
	assert_int_equal(inkan_resolver_zone_load_mem(r, "d A 192.0.2.1\n",
		SIZE_MAX, "example.", NULL, err, sizeof(err)), INKAN_ERR_LIMIT);
	/* $INCLUDE is refused where files must not be opened */
	assert_int_equal(ik_zone_load_mem_noinclude(r, "$INCLUDE /etc/x\n",
		SIZE_MAX, err, sizeof(err)), INKAN_ERR_SYNTAX);
	inkan_resolver_free(r);
	inkan_ctx_free(ctx);
}

static void
test_parse_forms(void **state)
{
	inkan_ctx *ctx;
	inkan_resolver *r;
	inkan_dns_query *q;
	const inkan_dns_answer *a;
	char err[256];

	(void)state;
	assert_int_equal(inkan_ctx_new(NULL, &ctx), INKAN_OK);
	assert_int_equal(inkan_resolver_zone_new(ctx, &r), INKAN_OK);
	if (inkan_resolver_zone_load_mem(r,
	    "; no $TTL: the first explicit TTL carries on\n"
	    "a 1w2d3h4m5s IN TXT \"units\"\n"
	    "b IN TXT \"\" \"\\\\\" \"\\\"\"   ; empty and escaped strings\n"
	    "c TXT ( a\n"
	    "        b ) ; words across lines\n"
	    "d\\.dot TXT x\n"
	    "$ORIGIN sub\n"
	    "e TXT rel\n"
	    "@ TXT apex\n"
	    "\\065bc TXT decimal\n",
	    SIZE_MAX, "example.", NULL, err, sizeof(err)) != INKAN_OK)
		fail_msg("%s", err);
	assert_int_equal(inkan_dns_lookup(r, "a.example", 16, &q, &a),
		INKAN_OK);
	assert_int_equal(a->rrs[0].ttl, 604800 + 2 * 86400 + 3 * 3600 +
		4 * 60 + 5);
	inkan_dns_query_free(q);
	assert_int_equal(inkan_dns_lookup(r, "b.example", 16, &q, &a),
		INKAN_OK);
	assert_int_equal(a->rrs[0].ttl, 604800 + 2 * 86400 + 3 * 3600 +
		4 * 60 + 5);
	assert_int_equal(a->rrs[0].u.txt.nstrings, 3);
	assert_int_equal(a->rrs[0].u.txt.strings[0].len, 0);
	assert_str(&a->rrs[0].u.txt.joined, "\\\"");
	inkan_dns_query_free(q);
	assert_int_equal(inkan_dns_lookup(r, "c.example", 16, &q, &a),
		INKAN_OK);
	assert_str(&a->rrs[0].u.txt.joined, "ab");
	inkan_dns_query_free(q);
	/* a label with a dot in it is one label */
	assert_int_equal(inkan_dns_lookup(r, "d\\.dot.example", 16, &q, &a),
		INKAN_OK);
	assert_int_equal(a->outcome, INKAN_DNS_DATA);
	inkan_dns_query_free(q);
	assert_int_equal(inkan_dns_lookup(r, "dot.example", 16, &q, &a),
		INKAN_OK);
	assert_int_equal(a->outcome, INKAN_DNS_NXDOMAIN);
	inkan_dns_query_free(q);
	/* $ORIGIN relative to the previous origin */
	assert_int_equal(inkan_dns_lookup(r, "e.sub.example", 16, &q, &a),
		INKAN_OK);
	assert_str(&a->rrs[0].u.txt.joined, "rel");
	inkan_dns_query_free(q);
	assert_int_equal(inkan_dns_lookup(r, "sub.example", 16, &q, &a),
		INKAN_OK);
	assert_str(&a->rrs[0].u.txt.joined, "apex");
	inkan_dns_query_free(q);
	assert_int_equal(inkan_dns_lookup(r, "abc.sub.example", 16, &q, &a),
		INKAN_OK);
	assert_str(&a->rrs[0].u.txt.joined, "decimal");
	inkan_dns_query_free(q);
	/* names that cannot be DNS names are refused before asking */
	assert_int_equal(inkan_dns_start(r, "a..example", 16, &q),
		INKAN_ERR_SYNTAX);
	assert_null(q);
	assert_int_equal(inkan_dns_start(r, "", 16, &q), INKAN_ERR_SYNTAX);
	inkan_resolver_free(r);
	inkan_ctx_free(ctx);
}

/* $LATENCY: questions in flight together overlap */
static void
test_latency_overlaps(void **state)
{
	inkan_ctx *ctx;
	inkan_resolver *r;
	inkan_dns_query *q[50];
	const inkan_dns_answer *a;
	char name[64];
	size_t i;

	(void)state;
	assert_int_equal(inkan_ctx_new(NULL, &ctx), INKAN_OK);
	assert_int_equal(inkan_resolver_zone_new(ctx, &r), INKAN_OK);
	assert_int_equal(inkan_resolver_zone_load_mem(r,
		"$LATENCY 20\n*.lat.example. TXT \"x\"\n", SIZE_MAX, NULL,
		NULL, NULL, 0), INKAN_OK);
	for (i = 0; i < 50; i++) {
		snprintf(name, sizeof(name), "q%zu.lat.example", i);
		assert_int_equal(inkan_dns_start(r, name, 16, &q[i]), INKAN_OK);
	}
	for (i = 0; i < 50; i++) {
		assert_int_equal(inkan_dns_wait(q[i], &a), INKAN_OK);
		assert_int_equal(a->outcome, INKAN_DNS_DATA);
	}
	assert_int_equal(ik_zone_max_inflight(r), 50);
	for (i = 0; i < 50; i++)
		inkan_dns_query_free(q[i]);
	/* one at a time never overlaps */
	assert_int_equal(inkan_dns_lookup(r, "one.lat.example", 16, &q[0],
		&a), INKAN_OK);
	inkan_dns_query_free(q[0]);
	assert_int_equal(ik_zone_max_inflight(r), 50);
	inkan_resolver_free(r);
	inkan_ctx_free(ctx);
}

/* a server slower than the timeout: the wait ends at the timeout */
static void
test_latency_beyond_timeout(void **state)
{
	inkan_ctx *ctx;
	inkan_resolver *r;
	inkan_dns_query *q;
	const inkan_dns_answer *a;
	int64_t t0;

	(void)state;
	assert_int_equal(inkan_ctx_new(NULL, &ctx), INKAN_OK);
	assert_int_equal(inkan_ctx_set_limit(ctx, INKAN_LIMIT_DNS_TIMEOUT_MS,
		30), INKAN_OK);
	assert_int_equal(inkan_resolver_zone_new(ctx, &r), INKAN_OK);
	assert_int_equal(inkan_resolver_zone_load_mem(r,
		"$LATENCY 60000\nslow.example. TXT \"x\"\n", SIZE_MAX, NULL,
		NULL, NULL, 0), INKAN_OK);
	t0 = ik_mono_ms();
	assert_int_equal(inkan_dns_lookup(r, "slow.example", 16, &q, &a),
		INKAN_OK);
	assert_true(ik_mono_ms() - t0 >= 30);
	assert_int_equal(a->timed_out, 1);
	assert_int_equal(a->outcome, INKAN_DNS_TEMPFAIL);
	inkan_dns_query_free(q);
	inkan_resolver_free(r);
	inkan_ctx_free(ctx);
}

struct thr {
	inkan_resolver *r;
	int ok;
};

static void *
hammer(void *arg)
{
	struct thr *t = arg;
	inkan_dns_query *q;
	const inkan_dns_answer *a;
	int i;

	t->ok = 1;
	for (i = 0; i < 200; i++) {
		if (inkan_dns_lookup(t->r, i % 2 ? "alias.example.com" :
		    "two.example.com", 16, &q, &a) != INKAN_OK ||
		    a->outcome != INKAN_DNS_DATA)
			t->ok = 0;
		inkan_dns_query_free(q);
	}
	return NULL;
}

static void
test_threads(void **state)
{
	struct fx *f = *state;
	pthread_t th[4];
	struct thr t[4];
	int i;

	for (i = 0; i < 4; i++) {
		t[i].r = f->r;
		assert_int_equal(pthread_create(&th[i], NULL, hammer, &t[i]), 0);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		assert_true(t[i].ok);
	}
}

static void
test_names_and_ctx(void **state)
{
	struct fx *f = *state;

	assert_int_equal(inkan_dns_type_from_name("txt"), 16);
	assert_int_equal(inkan_dns_type_from_name("AAAA"), 28);
	assert_int_equal(inkan_dns_type_from_name("TYPE257"), 257);
	assert_int_equal(inkan_dns_type_from_name("TYPE0"), 0);
	assert_int_equal(inkan_dns_type_from_name("TYPE99999"), 0);
	assert_int_equal(inkan_dns_type_from_name("example.com"), 0);
	assert_string_equal(inkan_dns_type_name(15), "MX");
	assert_null(inkan_dns_type_name(257));
	assert_string_equal(inkan_dns_rcode_name(3), "NXDOMAIN");
	assert_string_equal(inkan_dns_outcome_name(INKAN_DNS_TEMPFAIL),
		"tempfail");
	assert_null(inkan_ctx_resolver(f->ctx));
	inkan_ctx_set_resolver(f->ctx, f->r);
	assert_ptr_equal(inkan_ctx_resolver(f->ctx), f->r);
	inkan_ctx_set_resolver(f->ctx, NULL);
	inkan_resolver_free(NULL);
	inkan_dns_query_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_soa_ns_mx_a_aaaa, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_txt_strings, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_nxdomain_nodata_ent, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_wildcards, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_cname_chain_and_loop,
			setup, teardown),
		cmocka_unit_test_setup_teardown(test_faults, setup, teardown),
		cmocka_unit_test(test_fault_inside_chain),
		cmocka_unit_test(test_include),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_parse_limits),
		cmocka_unit_test(test_parse_forms),
		cmocka_unit_test(test_latency_overlaps),
		cmocka_unit_test(test_latency_beyond_timeout),
		cmocka_unit_test_setup_teardown(test_threads, setup, teardown),
		cmocka_unit_test_setup_teardown(test_names_and_ctx, setup,
			teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
