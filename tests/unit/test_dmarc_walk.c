/* SPDX-License-Identifier: MIT */
/*
 * test_dmarc_walk.c - discovery details (RFC 9989 4.10 examples, the
 * 8-query cap, psd=n/psd=y selection, parallel questions, PSL mode),
 * SPF/DKIM corner cases, the From rules, API misuse, the inspector and
 * the Authentication-Results entry.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include <inkan/authres.h>

#include "alloc_fail.h"
#include "inflight.h"
#include "test_dmarc_util.h"

#define V(x) INKAN_DMARC_##x

/* RFC 9989 4.10: the eight questions of the example in the text */
static void
test_walk_rfc_example(void **state)
{
	struct dt *t = *state;
	const inkan_dmarc_result *r;

	dt_zone(t, "example.com. A 192.0.2.1\n");
	dt_new(t, "a.b.c.d.e.f.g.h.i.j.mail.example.com", NULL);
	r = dt_eval(t);
	assert_int_equal(r->verdict, V(NONE));
	assert_string_equal(dt_trace(r->trace, r->ntrace),
		"a.b.c.d.e.f.g.h.i.j.mail.example.com:N "
		"g.h.i.j.mail.example.com:N h.i.j.mail.example.com:N "
		"i.j.mail.example.com:N j.mail.example.com:N "
		"mail.example.com:N example.com:N com:N");
	/* a configured lower cap shortens the same way */
	assert_int_equal(inkan_ctx_set_limit(t->ctx,
		INKAN_LIMIT_DMARC_TREE_WALK, 3), INKAN_OK);
	dt_new(t, "a.b.c.mail.example.com", NULL);
	r = dt_eval(t);
	assert_string_equal(dt_trace(r->trace, r->ntrace),
		"a.b.c.mail.example.com:N example.com:N com:N");
}

static const char org_zone[] =
	"_dmarc.mail.example.com. TXT \"v=DMARC1; p=quarantine\"\n"
	"_dmarc.example.com. TXT \"v=DMARC1; p=reject\"\n"
	"_dmarc.mail.example.net. TXT \"v=DMARC1; p=none; psd=n\"\n"
	"_dmarc.example.net. TXT \"v=DMARC1; p=reject\"\n"
	"_dmarc.org. TXT \"v=DMARC1; p=reject; psd=y\"\n"
	"a.mail.example.com. A 192.0.2.1\n"
	"a.mail.example.net. A 192.0.2.1\n"
	"a.mail.example.org. A 192.0.2.1\n";

/* RFC 9989 4.10.2's three examples, through the inspector */
static void
test_org_domain_examples(void **state)
{
	struct dt *t = *state;
	inkan_dmarc_inspector *in = NULL;
	const inkan_dmarc_inspection *v;

	dt_zone(t, org_zone);
	/* records at mail.example.com and example.com: the fewest labels */
	assert_int_equal(inkan_dmarc_inspect(t->ctx, NULL,
		"a.mail.example.com", &in, &v), INKAN_OK);
	assert_string_equal(v->org_domain, "example.com");
	assert_string_equal(v->policy_domain, "example.com");
	assert_int_equal(v->policy_self, V(POLICY_REJECT));
	inkan_dmarc_inspector_free(in);
	/* psd=n at mail.example.net: that one, and the walk stops there */
	assert_int_equal(inkan_dmarc_inspect(t->ctx, NULL,
		"a.mail.example.net", &in, &v), INKAN_OK);
	assert_string_equal(v->org_domain, "mail.example.net");
	assert_string_equal(v->policy_domain, "mail.example.net");
	assert_int_equal(v->ntrace, 2);
	inkan_dmarc_inspector_free(in);
	/* only _dmarc.org with psd=y: one label below it */
	assert_int_equal(inkan_dmarc_inspect(t->ctx, NULL,
		"a.mail.example.org", &in, &v), INKAN_OK);
	assert_string_equal(v->org_domain, "example.org");
	assert_string_equal(v->policy_domain, "org");
	inkan_dmarc_inspector_free(in);
	/* the PSD itself as the author: its own record, itself the org */
	assert_int_equal(inkan_dmarc_inspect(t->ctx, NULL, "org", &in, &v),
		INKAN_OK);
	assert_string_equal(v->org_domain, "org");
	assert_int_equal(v->policy_self, V(POLICY_REJECT));
	inkan_dmarc_inspector_free(in);
}

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

/* the walk's eight questions (and the existence question) overlap */
static void
test_walk_parallel(void **state)
{
	struct dt *t = *state;
	const inkan_dmarc_result *r;
	double t0, ms;

	inkan_resolver *counting = NULL;
	inflight *fl = NULL;

	dt_zone(t, "$LATENCY 150\n"
		"_dmarc.example.com. TXT \"v=DMARC1; p=reject; sp=none\"\n"
		"a.b.c.d.e.f.g.h.example.com. A 192.0.2.1\n");
	assert_int_equal(inflight_new(t->ctx, t->r, 0, &counting, &fl),
		INKAN_OK);
	inkan_ctx_set_resolver(t->ctx, counting);
	t0 = now_ms();
	dt_new(t, "a.b.c.d.e.f.g.h.example.com", NULL);
	r = dt_eval(t);
	ms = now_ms() - t0;
	assert_int_equal(r->ntrace, 8);
	assert_int_equal(r->policy_source, V(FROM_SP));
	assert_int_equal(r->author_exists, 1);
	print_message("# %.0f ms, at most %d questions at once\n", ms,
		inflight_most(fl));
	/* counted, not timed: one after the other would be 1 at a time */
	assert_true(inflight_most(fl) >= 9);
	dt_new(t, "x.example", NULL);	/* the eval held the resolver */
	inkan_ctx_set_resolver(t->ctx, t->r);
	inkan_resolver_free(counting);
}

/* RFC 7208 2.4: a null sender's identity is the HELO, and it aligns */
static void
test_null_sender_helo(void **state)
{
	struct dt *t = *state;
	const inkan_dmarc_result *r;

	dt_zone(t, "_dmarc.example.com. TXT \"v=DMARC1; p=reject\"\n");
	dt_new(t, "example.com", NULL);
	dt_spf(t, V(SPF_PASS), "", "mx1.example.com");
	r = dt_eval(t);
	assert_int_equal(r->verdict, V(PASS));
	assert_true(r->spf_is_helo);
	assert_string_equal(r->spf.domain, "mx1.example.com");
	assert_true(r->spf_aligned);
	/* a HELO that is not aligned does not help */
	dt_new(t, "example.com", NULL);
	dt_spf(t, V(SPF_PASS), NULL, "mx.provider.example");
	r = dt_eval(t);
	assert_int_equal(r->verdict, V(FAIL));
}

/* a temporary SPF/DKIM error counts only for an identity that aligns */
static void
test_identity_temperror(void **state)
{
	struct dt *t = *state;
	const inkan_dmarc_result *r;

	dt_zone(t, "_dmarc.example.com. TXT \"v=DMARC1; p=reject\"\n");
	dt_new(t, "example.com", NULL);
	dt_spf(t, V(SPF_TEMPERROR), "bounce.example.com", "mx.example.com");
	r = dt_eval(t);
	assert_int_equal(r->verdict, V(TEMPERROR));
	assert_int_equal(r->disposition, V(DISPOSITION_NONE));
	dt_new(t, "example.com", NULL);
	dt_spf(t, V(SPF_TEMPERROR), "other.example", "mx.other.example");
	dt_dkim(t, V(DKIM_TEMPERROR), "other.example", 0);
	r = dt_eval(t);
	assert_int_equal(r->verdict, V(FAIL));
	/* an aligned pass wins over a temporary error elsewhere */
	dt_new(t, "example.com", NULL);
	dt_dkim(t, V(DKIM_TEMPERROR), "example.com", 0);
	dt_dkim(t, V(DKIM_PASS), "mail.example.com", 0);
	r = dt_eval(t);
	assert_int_equal(r->verdict, V(PASS));
	assert_int_equal(r->dkim_aligned_index, 1);
}

static void
test_dkim_several(void **state)
{
	struct dt *t = *state;
	const inkan_dmarc_result *r;

	dt_zone(t, "_dmarc.example.com. TXT \"v=DMARC1; p=reject; "
		"adkim=s\"\n");
	dt_new(t, "example.com", NULL);
	dt_dkim(t, V(DKIM_FAIL), "example.com", 0);
	dt_dkim(t, V(DKIM_PASS), "esp.example", 0);
	dt_dkim(t, V(DKIM_PASS), "mail.example.com", 0);
	dt_dkim(t, V(DKIM_PASS), "EXAMPLE.COM.", 0);
	r = dt_eval(t);
	assert_int_equal(r->verdict, V(PASS));
	assert_int_equal(r->ndkim, 4);
	assert_int_equal(r->dkim[0].alignment, V(ALIGN_NOT_CHECKED));
	assert_int_equal(r->dkim[1].alignment, V(ALIGN_NOT_ALIGNED));
	/* adkim=s: a subdomain is not the same name */
	assert_int_equal(r->dkim[2].alignment, V(ALIGN_NOT_ALIGNED));
	/* case and a trailing dot do not matter */
	assert_int_equal(r->dkim[3].alignment, V(ALIGN_ALIGNED));
	assert_int_equal(r->dkim_aligned_index, 3);
	assert_string_equal(r->dkim[3].selector, "s1");
}

static void
test_psl_discovery(void **state)
{
	struct dt *t = *state;
	inkan_dmarc_psl *psl = NULL;
	const inkan_dmarc_result *r;

	dt_zone(t, "_dmarc.example.co.uk. TXT \"v=DMARC1; p=reject\"\n"
		"_dmarc.co.uk. TXT \"v=DMARC1; p=none\"\n"
		"_dmarc.two.example.co.uk. TXT \"v=DMARC1; p=none\"\n"
		"_dmarc.two.example.co.uk. TXT \"v=DMARC1; p=quarantine\"\n"
		"mail.example.co.uk. A 192.0.2.1\n");
	assert_int_equal(inkan_dmarc_psl_load(t->ctx, NULL, &psl), INKAN_OK);
	t->opt.discovery = V(DISCOVERY_PSL);
	t->opt.psl = psl;
	dt_new(t, "mail.example.co.uk", NULL);
	dt_dkim(t, V(DKIM_PASS), "dkim.example.co.uk", 0);
	r = dt_eval(t);
	assert_int_equal(r->verdict, V(PASS));
	assert_int_equal(r->discovery, V(DISCOVERY_PSL));
	assert_string_equal(r->policy_domain, "example.co.uk");
	assert_string_equal(r->org_domain, "example.co.uk");
	assert_string_equal(r->dkim[0].org_domain, "example.co.uk");
	assert_string_equal(dt_trace(r->trace, r->ntrace),
		"mail.example.co.uk:N example.co.uk:R");
	/* a sibling registrant does not align */
	dt_new(t, "mail.example.co.uk", NULL);
	dt_dkim(t, V(DKIM_PASS), "other.co.uk", 0);
	r = dt_eval(t);
	assert_int_equal(r->verdict, V(FAIL));
	dt_new(t, "x", NULL);
	r = dt_eval(t);
	assert_int_equal(r->verdict, V(NONE));
	/* RFC 7489 6.6.3 step 5: several records at the author domain end
	 * discovery; the tree walk goes on */
	dt_new(t, "two.example.co.uk", NULL);
	r = dt_eval(t);
	assert_int_equal(r->verdict, V(NONE));
	assert_string_equal(dt_trace(r->trace, r->ntrace),
		"two.example.co.uk:M");
	t->opt.discovery = V(DISCOVERY_TREEWALK);
	dt_new(t, "two.example.co.uk", NULL);
	r = dt_eval(t);
	assert_int_equal(r->verdict, V(FAIL));
	/* RFC 9989 4.10.2 rule 3: the record with the fewest labels - here
	 * co.uk's, which lacks psd=y - makes co.uk the organizational
	 * domain, and its record applies */
	assert_string_equal(r->org_domain, "co.uk");
	assert_string_equal(r->policy_domain, "co.uk");
	inkan_dmarc_eval_free(t->ev);
	t->ev = NULL;
	inkan_dmarc_psl_free(psl);
}

static void
test_from_rules(void **state)
{
	struct dt *t = *state;
	const inkan_dmarc_result *r;

	dt_zone(t, "_dmarc.example.com. TXT \"v=DMARC1; p=reject\"\n");
	dt_new(t, NULL, "Subject: no author\r\n\r\n");
	r = dt_eval(t);
	assert_int_equal(r->verdict, V(PERMERROR));
	assert_true(r->from_flags & INKAN_FROM_NONE);
	dt_new(t, NULL, "From: not an address at all\r\n\r\n");
	r = dt_eval(t);
	assert_int_equal(r->verdict, V(PERMERROR));
	dt_new(t, NULL, "From: undisclosed:;\r\n\r\n");
	r = dt_eval(t);
	assert_int_equal(r->verdict, V(PERMERROR));
	/* two From fields: evaluated by default, or refused */
	dt_new(t, NULL, "From: a@example.com\r\nFrom: b@example.com\r\n\r\n");
	dt_dkim(t, V(DKIM_PASS), "example.com", 0);
	r = dt_eval(t);
	assert_int_equal(r->verdict, V(PASS));
	assert_true(r->from_flags & INKAN_FROM_MULTIPLE_FIELDS);
	t->opt.multiple_fields = INKAN_DMARC_MULTI_PERMERROR;
	dt_new(t, NULL, "From: a@example.com\r\nFrom: b@example.com\r\n\r\n");
	r = dt_eval(t);
	assert_int_equal(r->verdict, V(PERMERROR));
	/* more author domains than allowed: not every one evaluated */
	t->opt.max_author_domains = 2;
	dt_new(t, NULL, "From: a@x.example, b@y.example, c@z.example\r\n\r\n");
	r = dt_eval(t);
	assert_int_equal(r->verdict, V(PERMERROR));
	/* U-labels become A-labels */
	dt_new(t, NULL, "From: j@b\xc3\xbc""cher.example\r\n\r\n");
	r = dt_eval(t);
	assert_string_equal(r->author_domain, "xn--bcher-kva.example");
}

static void
test_api_misuse(void **state)
{
	struct dt *t = *state;
	inkan_dmarc_eval *ev = NULL;
	const inkan_dmarc_result *r = NULL;
	inkan_ctx *bare = NULL;
	size_t i;

	assert_int_equal(inkan_dmarc_eval_new(t->ctx, NULL, &ev), INKAN_OK);
	assert_int_equal(inkan_dmarc_evaluate(ev, &r), INKAN_ERR_STATE);
	assert_int_equal(inkan_dmarc_start(ev), INKAN_ERR_STATE);
	assert_int_equal(inkan_dmarc_set_author_domain(ev, "bad..name"),
		INKAN_ERR_SYNTAX);
	assert_int_equal(inkan_dmarc_set_author_domain(ev, "Example.COM."),
		INKAN_OK);
	assert_int_equal(inkan_dmarc_set_author_domain(ev, "example.com"),
		INKAN_ERR_STATE);
	assert_int_equal(inkan_dmarc_set_spf(ev, (inkan_dmarc_spf_result)9,
		"a.example", NULL), INKAN_ERR_INVALID);
	assert_int_equal(inkan_dmarc_set_spf(ev, V(SPF_PASS), "a.example",
		NULL), INKAN_OK);
	assert_int_equal(inkan_dmarc_set_spf(ev, V(SPF_PASS), "a.example",
		NULL), INKAN_ERR_STATE);
	for (i = 0; i < 10; i++)
		assert_int_equal(inkan_dmarc_add_dkim(ev, V(DKIM_FAIL),
			"example.com", NULL, 0), INKAN_OK);
	assert_int_equal(inkan_dmarc_add_dkim(ev, V(DKIM_PASS), "example.com",
		NULL, 0), INKAN_ERR_LIMIT);
	assert_int_equal(inkan_dmarc_evaluate(ev, &r), INKAN_OK);
	assert_string_equal(r->author_domain, "example.com");
	assert_int_equal(inkan_dmarc_add_dkim(ev, V(DKIM_PASS), "example.com",
		NULL, 0), INKAN_ERR_STATE);
	inkan_dmarc_eval_free(ev);
	inkan_dmarc_eval_free(NULL);
	/* PSL discovery needs a list; DNS needs a resolver */
	t->opt.discovery = V(DISCOVERY_PSL);
	assert_int_equal(inkan_dmarc_eval_new(t->ctx, &t->opt, &ev),
		INKAN_ERR_CONFIG);
	assert_int_equal(inkan_ctx_new(NULL, &bare), INKAN_OK);
	assert_int_equal(inkan_dmarc_eval_new(bare, NULL, &ev), INKAN_OK);
	assert_int_equal(inkan_dmarc_set_author_domain(ev, "example.com"),
		INKAN_OK);
	assert_int_equal(inkan_dmarc_evaluate(ev, &r), INKAN_ERR_CONFIG);
	inkan_dmarc_eval_free(ev);
	inkan_ctx_free(bare);
}

static const inkan_finding *
has_finding(const inkan_dmarc_inspection *v, const char *code)
{
	size_t i;

	for (i = 0; i < v->nfindings; i++)
		if (strcmp(v->findings[i].code, code) == 0)
			return &v->findings[i];
	return NULL;
}

static void
test_inspect_policies(void **state)
{
	struct dt *t = *state;
	inkan_dmarc_inspector *in = NULL;
	const inkan_dmarc_inspection *v;

	dt_zone(t, "_dmarc.example.com. TXT \"v=DMARC1; p=reject; "
		"sp=quarantine; t=y; pct=20\"\n"
		"$FAULT _dmarc.broken.example. TXT servfail\n"
		"_dmarc.own.broken.example. TXT \"v=DMARC1; p=reject\"\n");
	assert_int_equal(inkan_dmarc_inspect(t->ctx, NULL, "example.com", &in,
		&v), INKAN_OK);
	assert_int_equal(v->status, V(PASS));
	assert_int_equal(v->published_self, V(POLICY_REJECT));
	assert_int_equal(v->policy_self, V(POLICY_QUARANTINE));
	assert_int_equal(v->published_subdomain, V(POLICY_QUARANTINE));
	assert_int_equal(v->policy_subdomain, V(POLICY_NONE));
	/* no np: non-existent subdomains fall back to sp */
	assert_int_equal(v->published_nxdomain, V(POLICY_QUARANTINE));
	/* pct removed, no rua, t=y; np suggested (it falls back to
	 * quarantine), each with its fix */
	assert_non_null(has_finding(v, "dmarc-removed-tag"));
	assert_non_null(has_finding(v, "dmarc-no-rua"));
	assert_non_null(has_finding(v, "dmarc-testing"));
	assert_non_null(has_finding(v, "dmarc-np"));
	assert_non_null(has_finding(v, "dmarc-np")->fix);
	inkan_dmarc_inspector_free(in);
	assert_int_equal(inkan_dmarc_inspect(t->ctx, NULL, "nx.example.com",
		&in, &v), INKAN_OK);
	assert_int_equal(v->self_exists, 0);
	assert_int_equal(v->published_self, V(POLICY_QUARANTINE));
	inkan_dmarc_inspector_free(in);
	assert_int_equal(inkan_dmarc_inspect(t->ctx, NULL, "broken.example",
		&in, &v), INKAN_OK);
	assert_int_equal(v->status, V(TEMPERROR));
	inkan_dmarc_inspector_free(in);
	/* the own record is shown even when the walk above it fails */
	assert_int_equal(inkan_dmarc_inspect(t->ctx, NULL,
		"own.broken.example", &in, &v), INKAN_OK);
	assert_int_equal(v->status, V(PASS));
	assert_int_equal(v->policy_self, V(POLICY_REJECT));
	assert_null(v->org_domain);
	assert_true(v->subdomains_unknown);
	inkan_dmarc_inspector_free(in);
	assert_int_equal(inkan_dmarc_inspect(t->ctx, NULL, "a..b", &in, &v),
		INKAN_ERR_SYNTAX);
}

static void
test_authres_entry(void **state)
{
	struct dt *t = *state;
	const inkan_dmarc_result *r;
	inkan_authres_builder *b = NULL;
	char *text = NULL, comment[64];

	dt_zone(t, "_dmarc.example.com. TXT \"v=DMARC1; p=reject; "
		"sp=quarantine\"\nnews.example.com. A 192.0.2.1\n");
	dt_new(t, "news.example.com", NULL);
	r = dt_eval(t);
	assert_int_equal(inkan_dmarc_authres_comment(r, comment,
		sizeof(comment)), INKAN_OK);
	assert_string_equal(comment, "p=REJECT sp=QUARANTINE dis=QUARANTINE");
	assert_int_equal(inkan_dmarc_authres_comment(r, comment, 10),
		INKAN_ERR_LIMIT);
	assert_int_equal(inkan_authres_builder_new(t->ctx, "mx.example.net",
		&b), INKAN_OK);
	assert_int_equal(inkan_authres_builder_set_style(b,
		INKAN_AUTHRES_STYLE_NO_WRAP), INKAN_OK);
	assert_int_equal(inkan_dmarc_authres_add(r, b), INKAN_OK);
	dt_new(t, "nothing.example", NULL);
	r = dt_eval(t);
	assert_int_equal(inkan_dmarc_authres_add(r, b), INKAN_OK);
	assert_int_equal(inkan_authres_build(b, &text, NULL), INKAN_OK);
	assert_non_null(strstr(text, "dmarc=fail (p=REJECT sp=QUARANTINE "
		"dis=QUARANTINE) header.from=news.example.com"));
	assert_non_null(strstr(text, "dmarc=none header.from=nothing.example"));
	inkan_free(t->ctx, text);
	inkan_authres_builder_free(b);
}

/* ---- allocation failures (alloc_fail.h) ---- */

static void *
af_setup(inkan_ctx *ctx, void *arg)
{
	inkan_resolver *res = NULL;

	(void)arg;
	assert_int_equal(inkan_resolver_zone_new(ctx, &res), INKAN_OK);
	assert_int_equal(inkan_resolver_zone_load_mem(res,
		"_dmarc.example.com. TXT \"v=DMARC1; p=reject; sp=quarantine; "
		"rua=mailto:a@example.com\"\nnews.example.com. A 192.0.2.1\n",
		SIZE_MAX, NULL, NULL, NULL, 0), INKAN_OK);
	inkan_ctx_set_resolver(ctx, res);
	return res;
}

static void
af_teardown(inkan_ctx *ctx, void *arg, void *env)
{
	(void)arg;
	inkan_ctx_set_resolver(ctx, NULL);
	inkan_resolver_free(env);
}

/* one full evaluation and one inspection */
static void
af_run(inkan_ctx *ctx, void *arg, void *env, alloc_fail_outcome *out)
{
	inkan_dmarc_eval *ev = NULL;
	inkan_dmarc_inspector *in = NULL;
	const inkan_dmarc_inspection *v;
	const inkan_dmarc_result *r;
	inkan_status st;

	(void)arg;
	(void)env;
	st = inkan_dmarc_eval_new(ctx, NULL, &ev);
	if (st == INKAN_OK)
		st = inkan_dmarc_set_author_domain(ev, "news.example.com");
	if (st == INKAN_OK)
		st = inkan_dmarc_set_spf(ev, V(SPF_PASS), "bounce.example.com",
			"mx.example.com");
	if (st == INKAN_OK)
		st = inkan_dmarc_add_dkim(ev, V(DKIM_PASS), "other.example",
			"s", 0);
	if (st == INKAN_OK)
		st = inkan_dmarc_evaluate(ev, &r);
	if (st == INKAN_OK)
		st = inkan_dmarc_inspect(ctx, NULL, "news.example.com", &in,
			&v);
	out->status = st;
	if (st == INKAN_OK) {
		out->temporary = r->verdict == V(TEMPERROR) ||
			v->status == V(TEMPERROR);
		alloc_fail_verdict(out, "dmarc=%s policy=%s; inspect: %s "
			"self=%s sub=%s nx=%s",
			inkan_dmarc_verdict_name(r->verdict),
			inkan_dmarc_policy_name(r->policy_evaluated),
			inkan_dmarc_verdict_name(v->status),
			inkan_dmarc_policy_name(v->policy_self),
			inkan_dmarc_policy_name(v->policy_subdomain),
			inkan_dmarc_policy_name(v->policy_nxdomain));
	}
	inkan_dmarc_inspector_free(in);
	inkan_dmarc_eval_free(ev);
}

/* every allocation of an evaluation and an inspection fails in turn,
 * alone and together with every later one */
static void
test_alloc_failures(void **state)
{
	alloc_fail_case c = {
		.name = "dmarc evaluate+inspect",
		.setup = af_setup, .run = af_run, .teardown = af_teardown,
		.expect_status = INKAN_OK,
		.expect = "dmarc=pass policy=quarantine; inspect: pass "
			"self=quarantine sub=quarantine nx=quarantine",
		.min_points = 20, .max_points = 10000,
	};

	(void)state;
	c.mode = ALLOC_FAIL_ONE;
	alloc_fail_each(&c);
	c.mode = ALLOC_FAIL_FROM;
	alloc_fail_each(&c);
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, dt_setup, dt_teardown)
	const struct CMUnitTest tests[] = {
		T(test_walk_rfc_example),
		T(test_org_domain_examples),
		T(test_walk_parallel),
		T(test_null_sender_helo),
		T(test_identity_temperror),
		T(test_dkim_several),
		T(test_psl_discovery),
		T(test_from_rules),
		T(test_api_misuse),
		T(test_inspect_policies),
		T(test_authres_entry),
		cmocka_unit_test(test_alloc_failures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
