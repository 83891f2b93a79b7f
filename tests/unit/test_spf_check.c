/* SPDX-License-Identifier: MIT */
/*
 * test_spf_check.c - inkan_spf_check() against in-memory zones: the
 * limits of RFC 7208 4.6.4 and which one fires, identities (2.3, 2.4,
 * 4.3), verdict details, Received-SPF, Authentication-Results pieces, the
 * lint, and behaviour when allocations fail.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <inkan/authres.h>
#include <inkan/ctx.h>
#include <inkan/dns.h>
#include <inkan/spf.h>

#include "alloc_fail.h"
#include "inflight.h"

/* internal (lib/spf/spf_check.h), reachable through the static library */
const char *ik_spf_lint_fix(const char *code);

struct env {
	inkan_ctx *ctx;
	inkan_resolver *res;
};

static void
env_init(struct env *e, const char *zone)
{
	char err[200];

	assert_int_equal(inkan_ctx_new(NULL, &e->ctx), INKAN_OK);
	assert_int_equal(inkan_resolver_zone_new(e->ctx, &e->res), INKAN_OK);
	if (inkan_resolver_zone_load_mem(e->res, zone, SIZE_MAX, NULL, NULL,
	    err, sizeof(err)) != INKAN_OK)
		fail_msg("zone: %s", err);
	inkan_ctx_set_resolver(e->ctx, e->res);
}

static void
env_free(struct env *e)
{
	inkan_ctx_set_resolver(e->ctx, NULL);
	inkan_resolver_free(e->res);
	inkan_ctx_free(e->ctx);
}

static inkan_spf_verdict *
check(struct env *e, const char *ip, const char *from, const char *helo,
	unsigned flags)
{
	inkan_spf_request req;
	inkan_spf_verdict *v = NULL;

	memset(&req, 0, sizeof(req));
	req.client_ip = ip;
	req.mail_from = from;
	req.helo = helo;
	req.flags = flags | INKAN_SPF_FLAG_TRACE;
	req.receiver = "mx.receiver.example";
	assert_int_equal(inkan_spf_check(e->ctx, &req, from != NULL ?
	    INKAN_SPF_IDENTITY_MAILFROM : INKAN_SPF_IDENTITY_HELO, &v),
	    INKAN_OK);
	return v;
}

static const char limits_zone[] =
	"$TTL 300\n"
	"ten.example. TXT \"v=spf1 a a a a a a a a a a ip4:192.0.2.1 -all\"\n"
	"eleven.example. TXT \"v=spf1 a a a a a a a a a a a ip4:192.0.2.1\"\n"
	"ten.example. A 198.51.100.1\n"
	"eleven.example. A 198.51.100.1\n"
	"nested.example. TXT \"v=spf1 include:n1.example include:n2.example "
	"-all\"\n"
	"n1.example. TXT \"v=spf1 a a a a a ~all\"\n"
	"n2.example. TXT \"v=spf1 a a a a ip4:192.0.2.1 ~all\"\n"
	"n1.example. A 198.51.100.1\n"
	"n2.example. A 198.51.100.1\n"
	"void2.example. TXT \"v=spf1 a:nx1.example a:nx2.example "
	"ip4:192.0.2.1\"\n"
	"void3.example. TXT \"v=spf1 a:nx1.example mx:nx2.example "
	"exists:nx3.example ip4:192.0.2.1\"\n"
	"mx11.example. TXT \"v=spf1 mx -all\"\n"
	"mx11.example. MX 1 h.example.\n"
	"mx11.example. MX 2 h.example.\n"
	"mx11.example. MX 3 h.example.\n"
	"mx11.example. MX 4 h.example.\n"
	"mx11.example. MX 5 h.example.\n"
	"mx11.example. MX 6 h.example.\n"
	"mx11.example. MX 7 h.example.\n"
	"mx11.example. MX 8 h.example.\n"
	"mx11.example. MX 9 h.example.\n"
	"mx11.example. MX 10 h.example.\n"
	"mx11.example. MX 11 h.example.\n"
	"h.example. A 192.0.2.1\n"
	"loop.example. TXT \"v=spf1 include:loop.example\"\n"
	"syntax.example. TXT \"v=spf1 ip4:192.0.2.1 mx:a.example:25 -all\"\n"
	"dnserr.example. TXT \"v=spf1 a:broken.example -all\"\n"
	"$FAULT broken.example A servfail\n"
	"twice.example. TXT \"v=spf1 -all\"\n"
	"twice.example. TXT \"v=spf1 +all\"\n";

static void
test_term_limit(void **state)
{
	struct env e;
	inkan_spf_verdict *v;

	(void)state;
	env_init(&e, limits_zone);
	v = check(&e, "192.0.2.1", "x@ten.example", NULL, 0);
	assert_int_equal(v->result, INKAN_SPF_PASS);
	assert_int_equal(v->dns_terms, 10);
	assert_string_equal(v->mechanism, "ip4:192.0.2.1");
	inkan_spf_verdict_free(v);
	v = check(&e, "192.0.2.1", "x@eleven.example", NULL, 0);
	assert_int_equal(v->result, INKAN_SPF_PERMERROR);
	assert_int_equal(v->reason, INKAN_SPF_REASON_LIMIT);
	assert_int_equal(v->limit, INKAN_LIMIT_SPF_DNS_TERMS);
	assert_int_equal(v->dns_terms, 11);
	inkan_spf_verdict_free(v);
	/* nested includes count too: 2 + 5 + 4 = 11 */
	v = check(&e, "192.0.2.1", "x@nested.example", NULL, 0);
	assert_int_equal(v->result, INKAN_SPF_PERMERROR);
	assert_int_equal(v->limit, INKAN_LIMIT_SPF_DNS_TERMS);
	inkan_spf_verdict_free(v);
	v = check(&e, "192.0.2.1", "x@loop.example", NULL, 0);
	assert_int_equal(v->result, INKAN_SPF_PERMERROR);
	assert_int_equal(v->limit, INKAN_LIMIT_SPF_DNS_TERMS);
	inkan_spf_verdict_free(v);
	/* a raised limit is honoured */
	assert_int_equal(inkan_ctx_set_limit(e.ctx, INKAN_LIMIT_SPF_DNS_TERMS,
		11), INKAN_OK);
	v = check(&e, "192.0.2.1", "x@nested.example", NULL, 0);
	assert_int_equal(v->result, INKAN_SPF_PASS);
	assert_string_equal(v->mechanism, "include:n2.example");
	assert_int_equal(v->dns_terms, 11);
	inkan_spf_verdict_free(v);
	env_free(&e);
}

static void
test_void_and_mx_limits(void **state)
{
	struct env e;
	inkan_spf_verdict *v;

	(void)state;
	env_init(&e, limits_zone);
	v = check(&e, "192.0.2.1", "x@void2.example", NULL, 0);
	assert_int_equal(v->result, INKAN_SPF_PASS);
	assert_int_equal(v->void_lookups, 2);
	inkan_spf_verdict_free(v);
	v = check(&e, "192.0.2.1", "x@void3.example", NULL, 0);
	assert_int_equal(v->result, INKAN_SPF_PERMERROR);
	assert_int_equal(v->limit, INKAN_LIMIT_SPF_VOID_LOOKUPS);
	assert_int_equal(v->void_lookups, 3);
	inkan_spf_verdict_free(v);
	v = check(&e, "192.0.2.1", "x@mx11.example", NULL, 0);
	assert_int_equal(v->result, INKAN_SPF_PERMERROR);
	assert_int_equal(v->limit, INKAN_LIMIT_SPF_MX_ADDRS);
	inkan_spf_verdict_free(v);
	assert_int_equal(inkan_ctx_set_limit(e.ctx,
		INKAN_LIMIT_SPF_MX_ADDRS, 11), INKAN_OK);
	v = check(&e, "192.0.2.1", "x@mx11.example", NULL, 0);
	assert_int_equal(v->result, INKAN_SPF_PASS);
	inkan_spf_verdict_free(v);
	assert_int_equal(inkan_ctx_set_limit(e.ctx,
		INKAN_LIMIT_SPF_VOID_LOOKUPS, 3), INKAN_OK);
	v = check(&e, "192.0.2.1", "x@void3.example", NULL, 0);
	assert_int_equal(v->result, INKAN_SPF_PASS);
	inkan_spf_verdict_free(v);
	env_free(&e);
}

static void
test_time_limit(void **state)
{
	struct env e;
	inkan_spf_verdict *v;

	(void)state;
	/* each answer takes 40 ms; the budget is 100 ms */
	env_init(&e, "$LATENCY 40\n"
		"slow.example. TXT \"v=spf1 include:s1.example "
		"include:s2.example include:s3.example -all\"\n"
		"s1.example. TXT \"v=spf1 -all\"\n"
		"s2.example. TXT \"v=spf1 -all\"\n"
		"s3.example. TXT \"v=spf1 -all\"\n");
	assert_int_equal(inkan_ctx_set_limit(e.ctx, INKAN_LIMIT_SPF_TIME_MS,
		100), INKAN_OK);
	v = check(&e, "192.0.2.1", "x@slow.example", NULL,
		INKAN_SPF_FLAG_SEQUENTIAL);
	assert_int_equal(v->result, INKAN_SPF_TEMPERROR);
	assert_int_equal(v->reason, INKAN_SPF_REASON_LIMIT);
	assert_int_equal(v->limit, INKAN_LIMIT_SPF_TIME_MS);
	inkan_spf_verdict_free(v);
	/*
	 * Started together, the three includes cost one latency. That is
	 * counted, not timed (a loaded machine stretches any wall-clock
	 * bound): the budget is raised out of the way, and the three
	 * include questions must be out at the same time.
	 */
	{
		inkan_resolver *counting = NULL;
		inflight *fl = NULL;

		assert_int_equal(inflight_new(e.ctx, e.res, 0, &counting,
			&fl), INKAN_OK);
		inkan_ctx_set_resolver(e.ctx, counting);
		assert_int_equal(inkan_ctx_set_limit(e.ctx,
			INKAN_LIMIT_SPF_TIME_MS, 600000), INKAN_OK);
		v = check(&e, "192.0.2.1", "x@slow.example", NULL, 0);
		assert_int_equal(v->result, INKAN_SPF_FAIL);
		assert_true(inflight_most(fl) >= 3);
		inkan_spf_verdict_free(v);
		inkan_ctx_set_resolver(e.ctx, e.res);
		inkan_resolver_free(counting);
	}
	env_free(&e);
}

static void
test_errors(void **state)
{
	struct env e;
	inkan_spf_verdict *v;

	(void)state;
	env_init(&e, limits_zone);
	v = check(&e, "192.0.2.1", "x@syntax.example", NULL, 0);
	assert_int_equal(v->result, INKAN_SPF_PERMERROR);
	assert_int_equal(v->reason, INKAN_SPF_REASON_SYNTAX);
	assert_string_equal(v->error_domain, "syntax.example");
	assert_string_equal(v->error_record,
		"v=spf1 ip4:192.0.2.1 mx:a.example:25 -all");
	assert_int_equal(v->error_pos, 26);	/* the bad top label */
	assert_non_null(v->problem);
	inkan_spf_verdict_free(v);
	v = check(&e, "192.0.2.1", "x@dnserr.example", NULL, 0);
	assert_int_equal(v->result, INKAN_SPF_TEMPERROR);
	assert_int_equal(v->reason, INKAN_SPF_REASON_DNS_ERROR);
	assert_string_equal(v->error_domain, "broken.example");
	assert_int_equal(v->error_qtype, INKAN_DNS_TYPE_A);
	inkan_spf_verdict_free(v);
	v = check(&e, "192.0.2.1", "x@twice.example", NULL, 0);
	assert_int_equal(v->result, INKAN_SPF_PERMERROR);
	assert_int_equal(v->reason, INKAN_SPF_REASON_MULTIPLE_RECORDS);
	inkan_spf_verdict_free(v);
	v = check(&e, "192.0.2.1", "x@nowhere.example", NULL, 0);
	assert_int_equal(v->result, INKAN_SPF_NONE);
	assert_int_equal(v->reason, INKAN_SPF_REASON_NXDOMAIN);
	inkan_spf_verdict_free(v);
	v = check(&e, "192.0.2.1", "x@h.example", NULL, 0);
	assert_int_equal(v->result, INKAN_SPF_NONE);
	assert_int_equal(v->reason, INKAN_SPF_REASON_NO_RECORD);
	inkan_spf_verdict_free(v);
	v = check(&e, "192.0.2.1", "x@[192.0.2.1]", NULL, 0);
	assert_int_equal(v->result, INKAN_SPF_NONE);
	assert_int_equal(v->reason, INKAN_SPF_REASON_INVALID_DOMAIN);
	inkan_spf_verdict_free(v);
	env_free(&e);
}

static const char ident_zone[] =
	"example.com. TXT \"v=spf1 a:%{h} exists:%{l}.u.%{o} -all "
	"exp=why.%{d}\"\n"
	"why.example.com. TXT \"%{s} from %{i} via %{h}\"\n"
	"helo.example.com. A 192.0.2.10\n"
	"helo.example.com. TXT \"v=spf1 ip4:192.0.2.10 -all\"\n"
	"postmaster.u.example.com. A 127.0.0.2\n"
	"xn--bcher-kva.example. TXT \"v=spf1 ip4:192.0.2.20 -all\"\n";

static void
test_identities(void **state)
{
	struct env e;
	inkan_spf_verdict *v;
	inkan_spf_request req;

	(void)state;
	env_init(&e, ident_zone);
	v = check(&e, "192.0.2.99", "someone@example.com", "helo.example.com",
		0);
	assert_int_equal(v->result, INKAN_SPF_FAIL);
	assert_string_equal(v->explanation, "someone@example.com from "
		"192.0.2.99 via helo.example.com");
	assert_int_equal(v->explanation_from_domain, 1);
	inkan_spf_verdict_free(v);
	/* RFC 7208 2.4: a null sender is postmaster@HELO */
	v = check(&e, "192.0.2.10", "<>", "helo.example.com", 0);
	assert_int_equal(v->result, INKAN_SPF_PASS);
	assert_string_equal(v->sender, "postmaster@helo.example.com");
	assert_string_equal(v->domain, "helo.example.com");
	assert_int_equal(v->identity, INKAN_SPF_IDENTITY_MAILFROM);
	inkan_spf_verdict_free(v);
	v = check(&e, "192.0.2.10", "", "helo.example.com", 0);
	assert_string_equal(v->sender, "postmaster@helo.example.com");
	inkan_spf_verdict_free(v);
	/* RFC 7208 4.3: no local-part is postmaster */
	v = check(&e, "192.0.2.99", "@example.com", "unknown.example", 0);
	assert_int_equal(v->result, INKAN_SPF_PASS);
	assert_string_equal(v->mechanism, "exists:%{l}.u.%{o}");
	inkan_spf_verdict_free(v);
	v = check(&e, "192.0.2.10", NULL, "helo.example.com", 0);
	assert_int_equal(v->result, INKAN_SPF_PASS);
	assert_int_equal(v->identity, INKAN_SPF_IDENTITY_HELO);
	inkan_spf_verdict_free(v);
	/* RFC 7208 4.3: IDNs as A-labels */
	v = check(&e, "192.0.2.20", "x@b\xc3\xbc" "cher.example", NULL, 0);
	assert_int_equal(v->result, INKAN_SPF_PASS);
	assert_string_equal(v->domain, "xn--bcher-kva.example");
	inkan_spf_verdict_free(v);
	/* requests that cannot be checked */
	memset(&req, 0, sizeof(req));
	req.client_ip = "192.0.2.300";
	req.mail_from = "x@example.com";
	assert_int_equal(inkan_spf_check(e.ctx, &req,
		INKAN_SPF_IDENTITY_MAILFROM, &v), INKAN_ERR_INVALID);
	assert_null(v);
	req.client_ip = "192.0.2.3";
	assert_int_equal(inkan_spf_check(e.ctx, &req,
		INKAN_SPF_IDENTITY_HELO, &v), INKAN_ERR_INVALID);
	req.mail_from = "<>";
	assert_int_equal(inkan_spf_check(e.ctx, &req,
		INKAN_SPF_IDENTITY_MAILFROM, &v), INKAN_ERR_INVALID);
	req.mail_from = "x@example.com";
	req.default_explanation = "bad %x";
	assert_int_equal(inkan_spf_check(e.ctx, &req,
		INKAN_SPF_IDENTITY_MAILFROM, &v), INKAN_ERR_INVALID);
	req.default_explanation = NULL;
	inkan_ctx_set_resolver(e.ctx, NULL);
	assert_int_equal(inkan_spf_check(e.ctx, &req,
		INKAN_SPF_IDENTITY_MAILFROM, &v), INKAN_ERR_INVALID);
	inkan_ctx_set_resolver(e.ctx, e.res);
	env_free(&e);
}

static void
test_headers(void **state)
{
	struct env e;
	inkan_spf_verdict *v;
	char *text = NULL, *comment = NULL;
	const char *prop, *val;

	(void)state;
	env_init(&e, ident_zone);
	v = check(&e, "192.0.2.10", "user@helo.example.com",
		"helo.example.com", 0);
	assert_int_equal(inkan_spf_received_spf(e.ctx, v, "mx.example.org",
		INKAN_SPF_HDR_NO_FOLD, &text), INKAN_OK);
	assert_string_equal(text, "Received-SPF: pass (mx.example.org: domain "
		"of user@helo.example.com designates 192.0.2.10 as permitted "
		"sender) client-ip=192.0.2.10; envelope-from="
		"\"user@helo.example.com\"; helo=helo.example.com; "
		"receiver=mx.example.org; mechanism=\"ip4:192.0.2.10\"; "
		"identity=mailfrom");
	inkan_free(e.ctx, text);
	assert_int_equal(inkan_spf_received_spf(e.ctx, v, NULL, 0, &text),
		INKAN_OK);
	/* folded at 78 columns: CRLF before a space */
	assert_non_null(strstr(text, "\r\n "));
	{
		const char *line = text, *nl;

		while ((nl = strstr(line, "\r\n")) != NULL) {
			assert_true(nl - line <= 78);
			line = nl + 2;
		}
	}
	inkan_free(e.ctx, text);
	assert_int_equal(inkan_spf_authres_parts(e.ctx, v, "mx.example.org",
		&prop, &val, &comment), INKAN_OK);
	assert_string_equal(prop, "mailfrom");
	assert_string_equal(val, "user@helo.example.com");
	assert_string_equal(comment, "mx.example.org: domain of "
		"user@helo.example.com designates 192.0.2.10 as permitted "
		"sender");
	inkan_free(e.ctx, comment);
	{
		inkan_authres_builder *b;

		assert_int_equal(inkan_authres_builder_new(e.ctx,
			"mx.example.org", &b), INKAN_OK);
		assert_int_equal(inkan_authres_builder_set_style(b,
			INKAN_AUTHRES_STYLE_NO_WRAP), INKAN_OK);
		assert_int_equal(inkan_spf_authres_add(e.ctx, b, v,
			"mx.example.org"), INKAN_OK);
		assert_int_equal(inkan_authres_build(b, &text, NULL),
			INKAN_OK);
		/* the builder's own layout aside, the resinfo is this */
		assert_memory_equal(text, "Authentication-Results: "
			"mx.example.org;", 39);
		assert_non_null(strstr(text, "spf=pass (mx.example.org: "
			"domain of user@helo.example.com designates 192.0.2.10 "
			"as permitted sender) smtp.mailfrom="
			"user@helo.example.com"));
		inkan_free(e.ctx, text);
		inkan_authres_builder_free(b);
	}
	inkan_spf_verdict_free(v);
	v = check(&e, "2001:db8::1", NULL, "helo.example.com", 0);
	assert_int_equal(v->result, INKAN_SPF_FAIL);
	assert_int_equal(inkan_spf_received_spf(e.ctx, v, NULL,
		INKAN_SPF_HDR_NO_FOLD, &text), INKAN_OK);
	assert_string_equal(text, "Received-SPF: fail (domain of "
		"helo.example.com does not designate 2001:db8::1 as permitted "
		"sender) client-ip=\"2001:db8::1\"; helo=helo.example.com; "
		"mechanism=-all; identity=helo");
	inkan_free(e.ctx, text);
	assert_int_equal(inkan_spf_authres_parts(e.ctx, v, NULL, &prop, &val,
		&comment), INKAN_OK);
	assert_string_equal(prop, "helo");
	assert_string_equal(val, "helo.example.com");
	inkan_free(e.ctx, comment);
	inkan_spf_verdict_free(v);
	env_free(&e);
}

static void
test_trace(void **state)
{
	struct env e;
	inkan_spf_verdict *v;

	(void)state;
	env_init(&e, limits_zone);
	v = check(&e, "192.0.2.1", "x@void2.example", NULL, 0);
	assert_int_equal(v->ntrace, 4);
	assert_int_equal(v->trace[0].step, INKAN_SPF_STEP_RECORD);
	assert_int_equal(v->trace[1].step, INKAN_SPF_STEP_NO_MATCH);
	assert_string_equal(v->trace[1].term, "a:nx1.example");
	assert_string_equal(v->trace[1].target, "nx1.example");
	assert_int_equal(v->trace[1].void_lookups, 1);
	assert_int_equal(v->trace[2].void_lookups, 2);
	assert_int_equal(v->trace[3].step, INKAN_SPF_STEP_MATCH);
	inkan_spf_verdict_free(v);
	v = check(&e, "192.0.2.1", "x@nested.example", NULL, 0);
	assert_int_equal(v->trace[1].depth, 0);
	assert_string_equal(v->trace[1].term, "include:n1.example");
	assert_int_equal(v->trace[2].depth, 1);
	assert_int_equal(v->trace[2].step, INKAN_SPF_STEP_RECORD);
	inkan_spf_verdict_free(v);
	env_free(&e);
}

static void
test_lint(void **state)
{
	struct env e;
	inkan_spf_lint *l;
	size_t i;
	int seen_plus = 0, seen_void = 0, seen_inc = 0, seen_rr = 0,
	    seen_ptr = 0;

	(void)state;
	env_init(&e, "bad.example. TXT \"v=spf1 a:nx.example ptr "
		"include:none.example include:ok.example +all\"\n"
		"bad.example. SPF \"v=spf1 -all\"\n"
		"ok.example. TXT \"v=spf1 mx a ~all\"\n"
		"ok.example. A 192.0.2.1\n"
		"ok.example. MX 0 ok.example.\n"
		"syn.example. TXT \"v=spf1 a:foo -all\"\n");
	assert_int_equal(inkan_spf_lint_domain(e.ctx, "bad.example", &l),
		INKAN_OK);
	assert_int_equal(l->dns_terms, 6);	/* a ptr inc inc + mx a */
	assert_int_equal(l->void_lookups, 2);
	assert_true(l->uses_ptr);
	assert_true(l->has_spf_rr);
	for (i = 0; i < l->nissues; i++) {
		const inkan_finding *f = &l->issues[i].finding;

		seen_plus |= strcmp(f->code, "plus-all") == 0;
		seen_void |= strcmp(f->code, "void-lookup") == 0;
		seen_inc |= strcmp(f->code, "include-no-record") == 0;
		seen_rr |= strcmp(f->code, "spf-rr") == 0;
		seen_ptr |= strcmp(f->code, "ptr") == 0;
		/* every finding carries its own fix */
		assert_non_null(f->fix);
		assert_string_equal(f->fix, ik_spf_lint_fix(f->code));
	}
	assert_true(seen_plus && seen_void && seen_inc && seen_rr && seen_ptr);
	inkan_spf_lint_free(l);
	assert_int_equal(inkan_spf_lint_domain(e.ctx, "syn.example", &l),
		INKAN_OK);
	assert_int_equal(l->nissues, 1);
	assert_string_equal(l->issues[0].finding.code, "syntax");
	assert_int_equal(l->issues[0].pos, 9);
	inkan_spf_lint_free(l);
	assert_int_equal(inkan_spf_lint_record(e.ctx, "new.example",
		"v=spf1 include:ok.example -all", 30, &l), INKAN_OK);
	assert_int_equal(l->nissues, 0);
	assert_int_equal(l->dns_terms, 3);
	inkan_spf_lint_free(l);
	inkan_spf_lint_free(NULL);
	env_free(&e);
}

/* every code the lint can report has its fix (spf_lint.c's issue()
 * calls; grep 'issue(w' lib/spf/spf_lint.c) */
static void
test_lint_fixes(void **state)
{
	static const char *const codes[] = {
		"void-lookup", "dns-error", "mx-too-many", "syntax",
		"redirect-ignored", "ptr", "after-all", "plus-all",
		"neutral-all", "macro-target", "record-size", "loop",
		"too-deep", "bad-target", "spf-rr", "no-record",
		"include-no-record", "redirect-no-record", "multiple-records",
		"no-version", "too-many-lookups", "too-many-void",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (ik_spf_lint_fix(codes[i]) == NULL)
			fail_msg("lint code %s has no fix", codes[i]);
	assert_null(ik_spf_lint_fix("no-such-code"));
}

/* the parsed-record cache from several threads, with a table so small
 * that records keep replacing each other */
struct cache_job {
	struct env *e;
	inkan_spf_cache *cache;
	int bad;
};

static const char *const cache_senders[] = { "x@ten.example",
	"x@nested.example", "x@void2.example", "x@syntax.example",
	"x@mx11.example", "x@twice.example" };

static int
cache_result(struct env *e, inkan_spf_cache *cache, size_t i)
{
	inkan_spf_request req;
	inkan_spf_verdict *v = NULL;
	int r;

	memset(&req, 0, sizeof(req));
	req.client_ip = "192.0.2.1";
	req.mail_from = cache_senders[i];
	req.cache = cache;
	if (inkan_spf_check(e->ctx, &req, INKAN_SPF_IDENTITY_MAILFROM, &v) !=
	    INKAN_OK)
		return -1;
	r = (int)v->result * 100 + (int)v->reason;
	inkan_spf_verdict_free(v);
	return r;
}

static int want_cached[6];

static void *
cache_worker(void *arg)
{
	struct cache_job *j = arg;
	size_t k;

	for (k = 0; k < 600; k++) {
		size_t i = (k * 7 + (size_t)(uintptr_t)j) % 6;

		if (cache_result(j->e, j->cache, i) != want_cached[i])
			j->bad++;
	}
	return NULL;
}

static void
test_record_cache(void **state)
{
	struct env e;
	inkan_spf_cache *cache;
	struct cache_job jobs[4];
	pthread_t th[4];
	uint64_t hits, misses;
	size_t i;

	(void)state;
	env_init(&e, limits_zone);
	for (i = 0; i < 6; i++)
		want_cached[i] = cache_result(&e, NULL, i);
	assert_int_equal(inkan_spf_cache_new(e.ctx, 2, &cache), INKAN_OK);
	for (i = 0; i < 4; i++) {
		jobs[i].e = &e;
		jobs[i].cache = cache;
		jobs[i].bad = 0;
		assert_int_equal(pthread_create(&th[i], NULL, cache_worker,
			&jobs[i]), 0);
	}
	for (i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(th[i], NULL), 0);
		assert_int_equal(jobs[i].bad, 0);
	}
	inkan_spf_cache_stats(cache, &hits, &misses);
	assert_true(hits > 0 && misses > 0);
	inkan_spf_cache_free(cache);
	inkan_spf_cache_free(NULL);
	env_free(&e);
}

/* ---- allocation failures (alloc_fail.h) ---- */

static void *
af_setup(inkan_ctx *ctx, void *arg)
{
	inkan_resolver *res = NULL;

	(void)arg;
	assert_int_equal(inkan_resolver_zone_new(ctx, &res), INKAN_OK);
	assert_int_equal(inkan_resolver_zone_load_mem(res, ident_zone,
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

/* check_host() through a, exists (macros) and exp= */
static void
af_run(inkan_ctx *ctx, void *arg, void *env, alloc_fail_outcome *out)
{
	inkan_spf_request req;
	inkan_spf_verdict *v = NULL;

	(void)arg;
	(void)env;
	memset(&req, 0, sizeof(req));
	req.client_ip = "192.0.2.99";
	req.mail_from = "someone@example.com";
	req.helo = "helo.example.com";
	out->status = inkan_spf_check(ctx, &req, INKAN_SPF_IDENTITY_MAILFROM,
		&v);
	if (out->status != INKAN_OK) {
		assert_null(v);
		return;
	}
	/* a failed DNS allocation may show as temperror. The explanation
	 * is left out: RFC 7208 6.2 has any error while fetching exp=
	 * fall back to the default explanation, without changing the
	 * result. */
	out->temporary = v->result == INKAN_SPF_TEMPERROR;
	alloc_fail_verdict(out, "spf=%s (%s) mechanism=%s",
		inkan_spf_result_name(v->result),
		inkan_spf_reason_name(v->reason),
		v->mechanism ? v->mechanism : "-");
	inkan_spf_verdict_free(v);
}

static void
test_alloc_failures(void **state)
{
	const alloc_fail_case c = {
		.name = "spf check_host", .mode = ALLOC_FAIL_ONE,
		.setup = af_setup, .run = af_run, .teardown = af_teardown,
		.expect_status = INKAN_OK,
		.expect = "spf=fail (match) mechanism=-all",
		.min_points = 10, .max_points = 10000,
	};

	(void)state;
	alloc_fail_each(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_term_limit),
		cmocka_unit_test(test_void_and_mx_limits),
		cmocka_unit_test(test_time_limit),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_identities),
		cmocka_unit_test(test_headers),
		cmocka_unit_test(test_trace),
		cmocka_unit_test(test_lint),
		cmocka_unit_test(test_lint_fixes),
		cmocka_unit_test(test_record_cache),
		cmocka_unit_test(test_alloc_failures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
