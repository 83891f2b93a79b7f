/* SPDX-License-Identifier: MIT */
/*
 * eval.c - the DMARC evaluator: its inputs, the From rules, starting the
 * DNS work early, and combining several author domains.
 *
 * From (RFC 9989 5.3.1, 11.5; RFC 7489 6.6.1): no From, a From that does
 * not parse, or a mailbox without a domain is PERMERROR - DMARC cannot
 * say who the author is, and that must never look like a pass. Several
 * From fields or several author domains are, by default, evaluated one
 * domain at a time with the strictest outcome winning (the approach RFC
 * 9989 11.5 recommends), up to max_author_domains; either can be made
 * PERMERROR instead. Several mailboxes with one domain are one author
 * domain: evaluated once.
 *
 * Strictest, for the combined verdict: FAIL with reject, FAIL with
 * quarantine, TEMPERROR, FAIL with none, NONE, PASS. So a message passes
 * only if no author domain does worse than pass.
 */
#include <stdio.h>
#include <string.h>

#include <inkan/address.h>

#include "core/alloc.h"
#include "core/ctx_internal.h"
#include "dmarc/eval_internal.h"

INKAN_API void
inkan_dmarc_options_init(inkan_dmarc_options *o)
{
	if (o == NULL)
		return;
	memset(o, 0, sizeof(*o));
	o->spec = INKAN_DMARC_SPEC_RFC9989;
	o->discovery = INKAN_DMARC_DISCOVERY_TREEWALK;
	o->multiple_fields = INKAN_DMARC_MULTI_EVALUATE;
	o->multiple_addresses = INKAN_DMARC_MULTI_EVALUATE;
	o->max_author_domains = 4;
}

INKAN_API inkan_status
inkan_dmarc_eval_new(inkan_ctx *ctx, const inkan_dmarc_options *opt,
	inkan_dmarc_eval **out)
{
	inkan_dmarc_eval *ev;

	if (out != NULL)
		*out = NULL;
	if (ctx == NULL || out == NULL)
		return INKAN_ERR_INVALID;
	if ((ev = ik_calloc(ctx, 1, sizeof(*ev))) == NULL)
		return INKAN_ERR_NOMEM;
	ev->ctx = ctx;
	if (opt != NULL)
		ev->opt = *opt;
	else
		inkan_dmarc_options_init(&ev->opt);
	if ((ev->opt.spec != INKAN_DMARC_SPEC_RFC9989 &&
	     ev->opt.spec != INKAN_DMARC_SPEC_RFC7489) ||
	    (ev->opt.discovery != INKAN_DMARC_DISCOVERY_TREEWALK &&
	     ev->opt.discovery != INKAN_DMARC_DISCOVERY_PSL)) {
		ik_free(ctx, ev);
		return INKAN_ERR_INVALID;
	}
	if (ev->opt.discovery == INKAN_DMARC_DISCOVERY_PSL &&
	    ev->opt.psl == NULL) {
		ik_free(ctx, ev);
		return INKAN_ERR_CONFIG;
	}
	if (ev->opt.max_author_domains == 0)
		ev->opt.max_author_domains = 1;
	if (ev->opt.max_author_domains > IK_DMARC_AUTHORS_MAX)
		ev->opt.max_author_domains = IK_DMARC_AUTHORS_MAX;
	if (ev->opt.random == NULL)
		ev->opt.random = ik_dmarc_system_random;
	ik_dmarc_table_init(&ev->table, ctx, ev->opt.spec);
	*out = ev;
	return INKAN_OK;
}

static void
ident_clear(const inkan_ctx *ctx, struct ik_dmarc_ident *id)
{
	ik_free(ctx, id->selector);
	ik_free(ctx, id->walk);
}

INKAN_API void
inkan_dmarc_eval_free(inkan_dmarc_eval *ev)
{
	size_t i;

	if (ev == NULL)
		return;
	for (i = 0; i < ev->nauthors; i++) {
		ik_free(ev->ctx, ev->authors[i].ids);
		ik_free(ev->ctx, ev->authors[i].trace);
	}
	ik_free(ev->ctx, ev->authors);
	ident_clear(ev->ctx, &ev->spf);
	for (i = 0; i < ev->ndkim; i++)
		ident_clear(ev->ctx, &ev->dkim[i]);
	ik_free(ev->ctx, ev->dkim);
	ik_dmarc_table_free(&ev->table);
	ik_free(ev->ctx, ev);
}

static inkan_status
alloc_authors(inkan_dmarc_eval *ev, size_t n)
{
	ev->authors = ik_calloc(ev->ctx, n, sizeof(*ev->authors));
	if (ev->authors == NULL)
		return INKAN_ERR_NOMEM;
	return INKAN_OK;
}

INKAN_API inkan_status
inkan_dmarc_set_author_domain(inkan_dmarc_eval *ev, const char *domain)
{
	char norm[IK_DMARC_NAME_MAX + 1];
	inkan_status st;

	if (ev == NULL || domain == NULL)
		return INKAN_ERR_INVALID;
	if (ev->author_set)
		return INKAN_ERR_STATE;
	if ((st = ik_dmarc_norm_domain(ev->ctx, domain, norm)) != INKAN_OK)
		return st;
	if ((st = alloc_authors(ev, 1)) != INKAN_OK)
		return st;
	memcpy(ev->authors[0].domain, norm, strlen(norm) + 1);
	ev->nauthors = 1;
	ev->author_set = 1;
	return INKAN_OK;
}

static void
from_error(inkan_dmarc_eval *ev, const char *why)
{
	ev->from_error = 1;
	snprintf(ev->from_reason, sizeof(ev->from_reason), "%s", why);
}

INKAN_API inkan_status
inkan_dmarc_set_authors(inkan_dmarc_eval *ev, const inkan_authors *a)
{
	unsigned f;
	size_t n, i;
	inkan_status st;

	if (ev == NULL || a == NULL)
		return INKAN_ERR_INVALID;
	if (ev->author_set)
		return INKAN_ERR_STATE;
	ev->author_set = 1;
	f = ev->from_flags = inkan_authors_flags(a);
	n = inkan_authors_domain_count(a);
	if (f & INKAN_FROM_NONE)
		from_error(ev, "the message has no From field");
	else if (f & INKAN_FROM_UNPARSEABLE)
		from_error(ev, "a From field or its domain cannot be parsed");
	else if (f & INKAN_FROM_NO_DOMAIN)
		from_error(ev, "a From mailbox has no domain name");
	else if ((f & INKAN_FROM_MULTIPLE_FIELDS) &&
	    ev->opt.multiple_fields == INKAN_DMARC_MULTI_PERMERROR)
		from_error(ev, "the message has several From fields");
	else if ((f & INKAN_FROM_MULTIPLE_DOMAINS) &&
	    ev->opt.multiple_addresses == INKAN_DMARC_MULTI_PERMERROR)
		from_error(ev, "the From field names several domains");
	else if (n == 0)
		from_error(ev, "the From field has no author domain");
	else if (n > ev->opt.max_author_domains)
		/* RFC 9989 11.5: not every domain would be evaluated */
		from_error(ev, "the From field names too many domains");
	if (ev->from_error)
		return INKAN_OK;
	if ((st = alloc_authors(ev, n)) != INKAN_OK)
		return st;
	for (i = 0; i < n; i++) {
		st = ik_dmarc_norm_domain(ev->ctx, inkan_authors_domain_at(a, i),
			ev->authors[i].domain);
		if (st == INKAN_ERR_NOMEM)
			return st;
		if (st != INKAN_OK) {
			from_error(ev, "a From domain is not a DNS name");
			ev->nauthors = 0;
			return INKAN_OK;
		}
	}
	ev->nauthors = n;
	return INKAN_OK;
}

static inkan_status
ident_set(inkan_dmarc_eval *ev, struct ik_dmarc_ident *id, int result,
	const char *domain, const char *selector)
{
	inkan_status st;

	memset(id, 0, sizeof(*id));
	id->result = result;
	if (domain != NULL && *domain != '\0') {
		st = ik_dmarc_norm_domain(ev->ctx, domain, id->domain);
		if (st == INKAN_ERR_NOMEM)
			return st;
		id->usable = st == INKAN_OK;
		if (!id->usable)
			snprintf(id->domain, sizeof(id->domain), "%s", domain);
	}
	if (selector != NULL &&
	    (id->selector = ik_strdup(ev->ctx, selector)) == NULL)
		return INKAN_ERR_NOMEM;
	return INKAN_OK;
}

INKAN_API inkan_status
inkan_dmarc_set_spf(inkan_dmarc_eval *ev, inkan_dmarc_spf_result result,
	const char *mail_from_domain, const char *helo_domain)
{
	const char *d = mail_from_domain;

	if (ev == NULL || (int)result < 0 ||
	    result > INKAN_DMARC_SPF_PERMERROR)
		return INKAN_ERR_INVALID;
	if (ev->spf_set || ev->evaluated)
		return INKAN_ERR_STATE;
	ev->spf_set = 1;
	/* RFC 7208 2.4 / RFC 9989 3.2.4: with a null reverse-path the
	 * MAIL FROM identity is postmaster@HELO */
	if (d == NULL || *d == '\0') {
		d = helo_domain;
		ev->spf_is_helo = 1;
	}
	return ident_set(ev, &ev->spf, (int)result, d, NULL);
}

INKAN_API inkan_status
inkan_dmarc_add_dkim(inkan_dmarc_eval *ev, inkan_dmarc_dkim_result result,
	const char *domain, const char *selector, int partial_body)
{
	struct ik_dmarc_ident *n;
	inkan_status st;

	if (ev == NULL || (int)result < 0 ||
	    result > INKAN_DMARC_DKIM_PERMERROR)
		return INKAN_ERR_INVALID;
	if (ev->evaluated)
		return INKAN_ERR_STATE;
	if (ev->ndkim >= ik_limit(ev->ctx, INKAN_LIMIT_DKIM_SIGNATURES))
		return INKAN_ERR_LIMIT;
	if (ev->ndkim == ev->capdkim) {
		size_t cap = ev->capdkim ? ev->capdkim * 2 : 4;
		n = ik_reallocarray(ev->ctx, ev->dkim, cap, sizeof(*n));
		if (n == NULL)
			return INKAN_ERR_NOMEM;
		ev->dkim = n;
		ev->capdkim = cap;
	}
	st = ident_set(ev, &ev->dkim[ev->ndkim], (int)result, domain,
		selector);
	if (st != INKAN_OK) {
		ident_clear(ev->ctx, &ev->dkim[ev->ndkim]);
		return st;
	}
	ev->dkim[ev->ndkim++].partial = partial_body ? 1 : 0;
	return INKAN_OK;
}

INKAN_API inkan_status
inkan_dmarc_start(inkan_dmarc_eval *ev)
{
	size_t i;
	inkan_status st;

	if (ev == NULL)
		return INKAN_ERR_INVALID;
	if (!ev->author_set)
		return INKAN_ERR_STATE;
	if (ev->started || ev->from_error)
		return INKAN_OK;
	if (ev->table.resolver == NULL)
		return INKAN_ERR_CONFIG;
	ev->started = 1;
	for (i = 0; i < ev->nauthors; i++) {
		struct ik_dmarc_author *a = &ev->authors[i];
		st = ik_dmarc_walk_begin(&ev->table, &a->walk, a->domain, 0,
			ev->opt.discovery, ev->opt.psl);
		if (st != INKAN_OK)
			return st;
		/* RFC 8020 existence, for np vs sp: asked alongside */
		st = ik_dmarc_exist_start(&ev->table, a->domain,
			&a->exist_idx);
		if (st != INKAN_OK)
			return st;
		a->exist_started = 1;
	}
	return INKAN_OK;
}

/* Higher is stricter (see the comment at the top). */
static int
strictness(const inkan_dmarc_result *r)
{
	switch (r->verdict) {
	case INKAN_DMARC_PASS: return 0;
	case INKAN_DMARC_NONE: return 1;
	case INKAN_DMARC_TEMPERROR: return 3;
	case INKAN_DMARC_FAIL:
		if (r->disposition == INKAN_DMARC_DISPOSITION_REJECT)
			return 5;
		if (r->disposition == INKAN_DMARC_DISPOSITION_QUARANTINE)
			return 4;
		return 2;
	default: return 6;
	}
}

static void
permerror_result(inkan_dmarc_eval *ev)
{
	inkan_dmarc_result *r = &ev->overall;

	memset(r, 0, sizeof(*r));
	r->verdict = INKAN_DMARC_PERMERROR;
	r->reason = ev->from_reason;
	r->spec = ev->opt.spec;
	r->discovery = ev->opt.discovery;
	r->author_exists = -1;
	r->dkim_aligned_index = -1;
	r->from_flags = ev->from_flags;
	ev->final = r;
}

INKAN_API inkan_status
inkan_dmarc_evaluate(inkan_dmarc_eval *ev, const inkan_dmarc_result **res)
{
	size_t i, best = 0;
	inkan_status st;

	if (res != NULL)
		*res = NULL;
	if (ev == NULL || res == NULL)
		return INKAN_ERR_INVALID;
	if (ev->evaluated) {
		*res = ev->final;
		return ev->eval_status;
	}
	if (!ev->author_set)
		return INKAN_ERR_STATE;
	if (ev->from_error) {
		permerror_result(ev);
		ev->evaluated = 1;
		*res = ev->final;
		return INKAN_OK;
	}
	if ((st = inkan_dmarc_start(ev)) != INKAN_OK)
		return st;
	ev->evaluated = 1;
	/* identity walks run while the author walks are read */
	if (ev->spf_set && (st = ik_dmarc_prestart_ident(ev, &ev->spf)) !=
	    INKAN_OK)
		goto out;
	for (i = 0; i < ev->ndkim; i++)
		if ((st = ik_dmarc_prestart_ident(ev, &ev->dkim[i])) !=
		    INKAN_OK)
			goto out;
	for (i = 0; i < ev->nauthors; i++) {
		st = ik_dmarc_eval_author(ev, &ev->authors[i]);
		if (st != INKAN_OK)
			goto out;
		ev->authors[i].res.from_flags = ev->from_flags;
		if (strictness(&ev->authors[i].res) >
		    strictness(&ev->authors[best].res))
			best = i;
	}
	ev->final = &ev->authors[best].res;
	st = INKAN_OK;
out:
	ev->eval_status = st;
	*res = ev->final;
	return st;
}

INKAN_API size_t
inkan_dmarc_domain_count(const inkan_dmarc_eval *ev)
{
	if (ev == NULL || !ev->evaluated || ev->eval_status != INKAN_OK)
		return 0;
	return ev->from_error ? 0 : ev->nauthors;
}

INKAN_API const inkan_dmarc_result *
inkan_dmarc_domain_result(const inkan_dmarc_eval *ev, size_t i)
{
	if (i >= inkan_dmarc_domain_count(ev))
		return NULL;
	return &ev->authors[i].res;
}
