/* SPDX-License-Identifier: MIT */
/*
 * spf_lint.c - what is wrong, or risky, in a domain's SPF policy: for the
 * domain checker and `inkan spf --lint`.
 *
 * The policy is walked as an evaluation that matches nothing would walk
 * it (the worst case): every include and redirect is followed, so the
 * DNS-term count is the one RFC 7208 4.6.4 limits, nested includes
 * counted each time they are reached. The targets of a, mx and exists
 * (when they need no macros) are looked up to count void answers and mx
 * hosts. Each record is fetched once; a walk is bounded in records.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <inkan/dns.h>

#include "core/alloc.h"
#include "core/ascii.h"
#include "core/ctx_internal.h"
#include "spf_check.h"
#include "spf_eval.h"

#define LINT_MAX_VISITS 64	/* records walked */
#define LINT_MAX_ISSUES 256
#define LINT_MAX_DEPTH 16

typedef struct lint_box {
	inkan_spf_lint pub;		/* must stay first */
	ik_spf_box *arena;
	inkan_spf_lint_issue *issues;
	size_t cap;
	inkan_status fatal;
} lint_box;

struct walk {
	const inkan_ctx *ctx;
	inkan_resolver *res;
	lint_box *lb;
	unsigned visits;
	const char *path[LINT_MAX_DEPTH];	/* domains being walked */
	unsigned depth;
};

struct fix {
	const char *code;
	const char *fix;
};

/* how to repair what the lint finds, in the order people meet it; every
 * code issue() is called with has its line (tests/unit/test_spf.c) */
static const struct fix fixes[] = {
	{ "no-record", "publish the SPF record from "
	  "`inkan domain setup` (a TXT record starting with \"v=spf1\")" },
	{ "multiple-records", "merge them into one "
	  "record and delete the others: with two, every SPF check is a "
	  "permerror" },
	{ "syntax", "correct the record at the position "
	  "shown; a record that does not parse makes every check a "
	  "permerror" },
	{ "no-version", "start the record with "
	  "\"v=spf1\"" },
	{ "too-many-lookups", "remove include/a/mx/"
	  "exists/redirect terms, or replace includes by the ip4:/ip6: "
	  "networks they stand for, to get to 10 or fewer" },
	{ "too-many-void", "remove the terms that name "
	  "domains without records" },
	{ "void-lookup", "remove the term or publish "
	  "the record it names; more than 2 such lookups are a permerror" },
	{ "include-no-record", "remove the include, or "
	  "correct its domain: an include of a domain without SPF is a "
	  "permerror" },
	{ "redirect-no-record", "correct the redirect "
	  "target" },
	{ "plus-all", "end the record with ~all or "
	  "-all" },
	{ "neutral-all", "end the record with ~all or "
	  "-all once every sending source is listed" },
	{ "ptr", "list the addresses with ip4:/ip6: "
	  "or a: instead of ptr; receivers may skip ptr" },
	{ "record-size", "shorten the record (ip4 "
	  "networks instead of single addresses, fewer includes)" },
	{ "spf-rr", "delete the type 99 SPF record; only "
	  "the TXT record is used" },
	{ "dns-error", "check again later; if it "
	  "stays, the name servers of that domain are at fault" },
	{ "loop", "break the include loop" },
	{ "mx-too-many", "use ip4:/ip6: or a: for those "
	  "hosts instead of mx" },
	{ "after-all", "move the term before all, or "
	  "drop it" },
	{ "redirect-ignored", "drop redirect= or the "
	  "all mechanism" },
	{ "macro-target", "nothing to do if the macro is meant; a target "
	  "without macros can be checked here" },
	{ "too-deep", "flatten the policy: fewer nested includes, or ip4:/"
	  "ip6: networks instead of the includes that stand for them" },
	{ "bad-target", "correct the domain name in the include or "
	  "redirect (labels of 1 to 63 letters, digits or hyphens)" },
};

const char *
ik_spf_lint_fix(const char *code)
{
	size_t i;

	for (i = 0; i < sizeof(fixes) / sizeof(fixes[0]); i++)
		if (strcmp(fixes[i].code, code) == 0)
			return fixes[i].fix;
	return NULL;
}



static const char *
astr(lint_box *lb, const char *s, size_t len)
{
	const char *r;

	if (s == NULL)
		return NULL;
	r = ik_spf_box_str(lb->arena, s, len);
	if (r == NULL)
		lb->fatal = INKAN_ERR_NOMEM;
	return r;
}

static void
issue(struct walk *w, int severity, const char *code, const char *domain,
	size_t pos, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void
issue(struct walk *w, int severity, const char *code, const char *domain,
	size_t pos, const char *fmt, ...)
{
	lint_box *lb = w->lb;
	inkan_spf_lint_issue *is;
	char msg[300];
	va_list ap;

	if (lb->pub.nissues >= LINT_MAX_ISSUES)
		return;
	if (lb->pub.nissues == lb->cap) {
		size_t ncap = lb->cap ? lb->cap * 2 : 16;
		inkan_spf_lint_issue *n = ik_reallocarray(w->ctx, lb->issues,
			ncap, sizeof(*n));

		if (n == NULL) {
			lb->fatal = INKAN_ERR_NOMEM;
			return;
		}
		lb->issues = n;
		lb->cap = ncap;
		lb->pub.issues = n;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	is = &lb->issues[lb->pub.nissues++];
	is->finding.severity = (inkan_severity)severity;
	is->finding.code = code;
	is->finding.message = astr(lb, msg, strlen(msg));
	is->finding.fix = ik_spf_lint_fix(code);
	if (is->finding.fix == NULL)	/* a code without its line above */
		is->finding.fix = "see the message";
	is->domain = astr(lb, domain, strlen(domain));
	is->pos = pos;
}

/* look up; the answer is copied out as needed before the query is freed */
static inkan_dns_outcome
lookup(struct walk *w, const char *name, uint16_t type,
	inkan_dns_query **q, const inkan_dns_answer **ans)
{
	inkan_status st;

	*q = NULL;
	*ans = NULL;
	if (!ik_spf_name_ok(name, strlen(name)))
		return INKAN_DNS_NXDOMAIN;
	st = inkan_dns_lookup(w->res, name, type, q, ans);
	if (st == INKAN_OK)
		return (*ans)->outcome;
	/* the question could not be asked: that says nothing about the
	 * name, so it must not read as "no record" (a finding the owner
	 * would act on). Out of memory ends the lint; anything else is a
	 * lookup that failed (RFC 7208 4.4: temperror). */
	if (st == INKAN_ERR_NOMEM)
		w->lb->fatal = st;
	return INKAN_DNS_TEMPFAIL;
}

/* a target lookup of a, mx or exists: count voids, check mx */
static void
probe(struct walk *w, const char *domain, const ik_spf_term *t,
	const char *target)
{
	inkan_dns_query *q;
	const inkan_dns_answer *a;
	uint16_t type = t->kind == IK_SPF_MX ? INKAN_DNS_TYPE_MX :
	    INKAN_DNS_TYPE_A;
	inkan_dns_outcome o = lookup(w, target, type, &q, &a);

	if (o == INKAN_DNS_NODATA || o == INKAN_DNS_NXDOMAIN) {
		/* a/exists may legitimately be IPv6-only for a */
		if (t->kind == IK_SPF_A) {
			inkan_dns_query_free(q);
			o = lookup(w, target, INKAN_DNS_TYPE_AAAA, &q, &a);
		}
	}
	if (o == INKAN_DNS_NODATA || o == INKAN_DNS_NXDOMAIN) {
		w->lb->pub.void_lookups++;
		issue(w, 1, "void-lookup", domain, t->pos, "%.*s: %s has no "
			"%s records (a void lookup, RFC 7208 4.6.4)",
			(int)t->text_len, t->text, target,
			t->kind == IK_SPF_MX ? "MX" : "address");
	} else if (o == INKAN_DNS_TEMPFAIL) {
		issue(w, 1, "dns-error", domain, t->pos, "%.*s: looking up %s "
			"failed", (int)t->text_len, t->text, target);
	} else if (t->kind == IK_SPF_MX &&
	    a->nrrs > ik_limit(w->ctx, INKAN_LIMIT_SPF_MX_ADDRS)) {
		issue(w, 2, "mx-too-many", domain, t->pos, "%.*s: %zu MX "
			"records, more than %zu is a permerror (RFC 7208 "
			"4.6.4)", (int)t->text_len, t->text, a->nrrs,
			ik_limit(w->ctx, INKAN_LIMIT_SPF_MX_ADDRS));
	}
	inkan_dns_query_free(q);
}

static void walk_domain(struct walk *w, const char *domain, int how);

enum { HOW_TOP, HOW_INCLUDE, HOW_REDIRECT };

static void
walk_record(struct walk *w, const char *domain, const char *text,
	size_t len)
{
	lint_box *lb = w->lb;
	ik_spf_record rec;
	ik_spf_macro_env env;
	ik_spf_ip ip;
	ik_buf target;
	inkan_status st;
	size_t i;
	int after_all = 0;

	st = ik_spf_record_parse(w->ctx, text, len, &rec);
	if (st == INKAN_ERR_SYNTAX) {
		issue(w, 2, "syntax", domain, rec.err_pos, "syntax error at "
			"byte %zu: %s (a permerror, RFC 7208 4.6)", rec.err_pos,
			rec.err_msg);
		ik_spf_record_free(w->ctx, &rec);
		return;
	}
	if (st != INKAN_OK) {
		lb->fatal = st;
		ik_spf_record_free(w->ctx, &rec);
		return;
	}
	lb->pub.dns_terms += (unsigned)rec.dns_terms;
	if (rec.redirect >= 0 && rec.has_all) {
		lb->pub.dns_terms--;
		issue(w, 1, "redirect-ignored", domain,
			rec.terms[rec.redirect].pos, "redirect= is ignored "
			"because the record has an all mechanism (RFC 7208 "
			"5.1)");
	}
	/* a dummy client for macro expansion: only targets that need no
	 * client data are followed */
	memset(&ip, 0, sizeof(ip));
	memset(&env, 0, sizeof(env));
	env.sender = "postmaster@";
	env.local_len = 10;
	env.domain = domain;
	env.ip = &ip;
	env.helo = "";
	env.receiver = "unknown";
	ik_buf_init(&target, w->ctx, IK_SPF_EXPAND_MAX);
	for (i = 0; i < rec.nterms && lb->fatal == INKAN_OK; i++) {
		const ik_spf_term *t = &rec.terms[i];
		int fixed = (t->macros & ~IK_SPF_MACRO_BIT('d')) == 0;

		if (t->macros & IK_SPF_MACRO_BIT('p')) {
			lb->pub.uses_ptr = 1;
			issue(w, 1, "ptr", domain, t->pos, "%.*s uses %%{p}, "
				"which SHOULD NOT be published (RFC 7208 7.2)",
				(int)t->text_len, t->text);
		}
		if (after_all && t->kind < IK_SPF_REDIRECT)
			issue(w, 1, "after-all", domain, t->pos, "%.*s comes "
				"after all and is never evaluated (RFC 7208 "
				"5.1)", (int)t->text_len, t->text);
		switch (t->kind) {
		case IK_SPF_ALL:
			after_all = 1;
			if (t->qualifier == '+' && w->depth == 1)
				issue(w, 2, "plus-all", domain, t->pos, "+all "
					"authorizes every host on the "
					"Internet");
			else if (t->qualifier == '?' && w->depth == 1)
				issue(w, 1, "neutral-all", domain, t->pos,
					"?all asserts nothing about other "
					"hosts (RFC 7208 8.2)");
			break;
		case IK_SPF_PTR:
			lb->pub.uses_ptr = 1;
			issue(w, 1, "ptr", domain, t->pos, "the ptr mechanism "
				"SHOULD NOT be published (RFC 7208 5.5)");
			break;
		case IK_SPF_INCLUDE:
		case IK_SPF_REDIRECT:
		case IK_SPF_A:
		case IK_SPF_MX:
		case IK_SPF_EXISTS:
			if ((t->kind == IK_SPF_REDIRECT && rec.has_all) ||
			    w->res == NULL)
				break;
			if (!fixed) {
				if (t->kind == IK_SPF_INCLUDE ||
				    t->kind == IK_SPF_REDIRECT)
					issue(w, 0, "macro-target", domain,
						t->pos, "%.*s depends on the "
						"message; not followed",
						(int)t->text_len, t->text);
				break;
			}
			ik_buf_reset(&target);
			st = t->spec != NULL ? ik_spf_expand(&env, t->spec,
				t->spec_len, IK_SPF_EXPAND_DOMAIN, &target) :
			    ik_buf_puts(&target, domain);
			if (st != INKAN_OK)
				break;
			if (t->kind == IK_SPF_INCLUDE)
				walk_domain(w, ik_buf_str(&target), HOW_INCLUDE);
			else if (t->kind == IK_SPF_REDIRECT)
				walk_domain(w, ik_buf_str(&target),
					HOW_REDIRECT);
			else if (t->kind != IK_SPF_EXISTS)
				probe(w, domain, t, ik_buf_str(&target));
			break;
		default:
			break;
		}
	}
	ik_buf_free(&target);
	ik_spf_record_free(w->ctx, &rec);
}

/* RFC 7208 3.4: name plus the TXT RRset should stay under 450 bytes */
static void
check_size(struct walk *w, const char *domain, const inkan_dns_answer *a)
{
	size_t i, total = strlen(domain);

	for (i = 0; i < a->nrrs; i++)
		total += a->rrs[i].u.txt.joined.len +
		    a->rrs[i].u.txt.nstrings;
	if (total > 450)
		issue(w, 1, "record-size", domain, SIZE_MAX, "the TXT answer "
			"is about %zu bytes; over 450 it may not fit a 512-byte "
			"UDP answer (RFC 7208 3.4)", total);
}

static void
walk_domain(struct walk *w, const char *domain, int how)
{
	lint_box *lb = w->lb;
	inkan_dns_query *q = NULL, *q99 = NULL;
	const inkan_dns_answer *a, *a99;
	const inkan_dns_str *sel = NULL;
	inkan_dns_outcome o;
	size_t i, n = 0;
	const char *what = how == HOW_INCLUDE ? "include target" :
	    how == HOW_REDIRECT ? "redirect target" : "domain";

	for (i = 0; i < w->depth; i++)
		if (ik_ascii_eq(w->path[i], strlen(w->path[i]), domain,
		    strlen(domain))) {
			issue(w, 2, "loop", domain, SIZE_MAX, "%s %s is already "
				"being evaluated: a loop, which ends in a "
				"permerror (RFC 7208 4.6.4)", what, domain);
			return;
		}
	if (w->depth == LINT_MAX_DEPTH || ++w->visits > LINT_MAX_VISITS) {
		issue(w, 1, "too-deep", domain, SIZE_MAX, "not followed: "
			"the policy is too large to walk");
		return;
	}
	if (how != HOW_TOP && !ik_spf_domain_ok(domain, strlen(domain))) {
		issue(w, 2, "bad-target", domain, SIZE_MAX, "%s %s is not a "
			"valid domain name (a permerror)", what, domain);
		return;
	}
	o = lookup(w, domain, INKAN_DNS_TYPE_TXT, &q, &a);
	if (o == INKAN_DNS_TEMPFAIL) {
		issue(w, 2, "dns-error", domain, SIZE_MAX, "the TXT lookup of "
			"%s failed (a temperror)", domain);
		inkan_dns_query_free(q);
		return;
	}
	if (o == INKAN_DNS_DATA) {
		for (i = 0; i < a->nrrs; i++)
			if (ik_spf_is_record(a->rrs[i].u.txt.joined.data,
			    a->rrs[i].u.txt.joined.len)) {
				sel = &a->rrs[i].u.txt.joined;
				n++;
			}
		check_size(w, domain, a);
	} else if (how != HOW_TOP) {
		lb->pub.void_lookups++;
	}
	if (how == HOW_TOP &&
	    lookup(w, domain, INKAN_DNS_TYPE_SPF, &q99, &a99) ==
	    INKAN_DNS_DATA) {
		lb->pub.has_spf_rr = 1;
		issue(w, 0, "spf-rr", domain, SIZE_MAX, "a type 99 SPF record "
			"is published; RFC 7208 3.1 and 14.1 retired it: only "
			"TXT is used");
	}
	inkan_dns_query_free(q99);
	if (n == 0) {
		if (how == HOW_TOP)
			issue(w, 2, "no-record", domain, SIZE_MAX, "%s has no "
				"SPF record (result none)", domain);
		else
			issue(w, 2, how == HOW_INCLUDE ? "include-no-record" :
				"redirect-no-record", domain, SIZE_MAX, "%s %s "
				"has no SPF record: a permerror (RFC 7208 %s)",
				what, domain, how == HOW_INCLUDE ? "5.2" : "6.1");
	} else if (n > 1) {
		issue(w, 2, "multiple-records", domain, SIZE_MAX, "%s has %zu "
			"SPF records: a permerror (RFC 7208 4.5)", domain, n);
	} else {
		if (how == HOW_TOP) {
			lb->pub.record = astr(lb, sel->data, sel->len);
			lb->pub.record_len = sel->len;
		}
		w->path[w->depth++] = domain;
		walk_record(w, domain, sel->data, sel->len);
		w->depth--;
	}
	inkan_dns_query_free(q);
}

static inkan_status
lint_run(const inkan_ctx *ctx, const char *domain, const char *text,
	size_t len, inkan_spf_lint **out)
{
	struct walk w;
	lint_box *lb;
	size_t maxt;

	if (out == NULL)
		return INKAN_ERR_INVALID;
	*out = NULL;
	if (ctx == NULL || domain == NULL)
		return INKAN_ERR_INVALID;
	memset(&w, 0, sizeof(w));
	w.ctx = ctx;
	w.res = inkan_ctx_resolver(ctx);
	if (w.res == NULL && text == NULL)
		return INKAN_ERR_INVALID;
	lb = ik_calloc(ctx, 1, sizeof(*lb));
	if (lb == NULL)
		return INKAN_ERR_NOMEM;
	lb->arena = ik_spf_box_new(ctx);
	if (lb->arena == NULL) {
		ik_free(ctx, lb);
		return INKAN_ERR_NOMEM;
	}
	w.lb = lb;
	lb->pub.domain = astr(lb, domain, strlen(domain));
	if (text == NULL) {
		walk_domain(&w, domain, HOW_TOP);
	} else {
		lb->pub.record = astr(lb, text, len);
		lb->pub.record_len = len;
		if (!ik_spf_is_record(text, len))
			issue(&w, 2, "no-version", domain, 0, "the record does "
				"not start with \"v=spf1\" (RFC 7208 4.5)");
		else {
			w.path[w.depth++] = domain;
			walk_record(&w, domain, text, len);
		}
	}
	maxt = ik_limit(ctx, INKAN_LIMIT_SPF_DNS_TERMS);
	if (lb->pub.dns_terms > maxt)
		issue(&w, 2, "too-many-lookups", domain, SIZE_MAX, "%u "
			"DNS-querying terms in the worst case; more than %zu is "
			"a permerror (RFC 7208 4.6.4)", lb->pub.dns_terms, maxt);
	if (lb->pub.void_lookups > ik_limit(ctx, INKAN_LIMIT_SPF_VOID_LOOKUPS))
		issue(&w, 2, "too-many-void", domain, SIZE_MAX, "%u void "
			"lookups; more than %zu is a permerror (RFC 7208 "
			"4.6.4)", lb->pub.void_lookups,
			ik_limit(ctx, INKAN_LIMIT_SPF_VOID_LOOKUPS));
	if (lb->fatal != INKAN_OK) {
		inkan_status st = lb->fatal;

		inkan_spf_lint_free(&lb->pub);
		return st;
	}
	*out = &lb->pub;
	return INKAN_OK;
}

INKAN_API inkan_status
inkan_spf_lint_domain(const inkan_ctx *ctx, const char *domain,
	inkan_spf_lint **out)
{
	return lint_run(ctx, domain, NULL, 0, out);
}

INKAN_API inkan_status
inkan_spf_lint_record(const inkan_ctx *ctx, const char *domain,
	const char *text, size_t len, inkan_spf_lint **out)
{
	if (text == NULL)
		return INKAN_ERR_INVALID;
	return lint_run(ctx, domain, text, len, out);
}

INKAN_API void
inkan_spf_lint_free(inkan_spf_lint *lint)
{
	lint_box *lb = (lint_box *)(void *)lint;
	const inkan_ctx *ctx;

	if (lb == NULL)
		return;
	ctx = lb->arena->ctx;
	ik_free(ctx, lb->issues);
	ik_spf_box_free(lb->arena);
	ik_free(ctx, lb);
}
