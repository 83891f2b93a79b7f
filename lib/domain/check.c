/* SPDX-License-Identifier: MIT */
/*
 * check.c - `inkan domain check`: the report (items with an Amazon SES
 * style status, findings with a severity and a fix) and the driver that
 * asks the DNS questions.
 *
 * Independent questions (each DKIM key, the apex TXT, the MAIL FROM's MX,
 * every PTR) are started together before anything waits, so a check
 * costs a few round trips however many selectors and IPs it covers. DNS
 * failures become TEMPORARY_FAILURE items, never a status.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/ascii.h"
#include "domain/check_internal.h"

#define CK_STR_MAX 2048

const char *
ik_check_str(inkan_domain_checker *c, const char *fmt, ...)
{
	char buf[CK_STR_MAX];
	va_list ap;
	char **n;
	char *s;

	if (c->st != INKAN_OK)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (c->nstrs == c->capstrs) {
		n = ik_reallocarray(c->ctx, c->strs, c->capstrs * 2 + 32,
			sizeof(*n));
		if (n == NULL) {
			c->st = INKAN_ERR_NOMEM;
			return NULL;
		}
		c->strs = n;
		c->capstrs = c->capstrs * 2 + 32;
	}
	if ((s = ik_strdup(c->ctx, buf)) == NULL) {
		c->st = INKAN_ERR_NOMEM;
		return NULL;
	}
	c->strs[c->nstrs++] = s;
	return s;
}

size_t
ik_check_item_new(inkan_domain_checker *c, inkan_domain_area area, const char *name)
{
	struct ck_item *n;

	if (c->st != INKAN_OK)
		return SIZE_MAX;
	if (c->nitems == c->capitems) {
		n = ik_reallocarray(c->ctx, c->items, c->capitems + 8,
			sizeof(*n));
		if (n == NULL) {
			c->st = INKAN_ERR_NOMEM;
			return SIZE_MAX;
		}
		c->items = n;
		c->capitems += 8;
	}
	n = &c->items[c->nitems];
	memset(n, 0, sizeof(*n));
	n->pub.area = area;
	n->pub.name = ik_check_str(c, "%s", name);
	n->pub.status = INKAN_DOMAIN_SUCCESS;
	return c->nitems++;
}

void
ik_check_status(inkan_domain_checker *c, size_t item, inkan_domain_status s)
{
	if (item < c->nitems)
		c->items[item].pub.status = s;
}

void
ik_check_worsen(inkan_domain_checker *c, size_t item, inkan_domain_status s)
{
	inkan_domain_status *cur;

	if (item >= c->nitems)
		return;
	cur = &c->items[item].pub.status;
	/* a DNS failure leaves everything open: it says most */
	if (*cur == INKAN_DOMAIN_TEMPORARY_FAILURE)
		return;
	if (s == INKAN_DOMAIN_TEMPORARY_FAILURE || s > *cur)
		*cur = s;
}

void
ik_check_detail(inkan_domain_checker *c, size_t item, const char *fmt, ...)
{
	char buf[CK_STR_MAX];
	va_list ap;

	/* after a failure an argument may be a NULL from ik_check_str() */
	if (item >= c->nitems || c->st != INKAN_OK)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	c->items[item].pub.detail = ik_check_str(c, "%s", buf);
}

void
ik_check_find(inkan_domain_checker *c, size_t item, inkan_severity sev,
	const char *code, const char *fix, const char *fmt, ...)
{
	struct ck_item *it;
	inkan_finding *f;
	char buf[CK_STR_MAX];
	va_list ap;

	if (item >= c->nitems || c->st != INKAN_OK)
		return;
	it = &c->items[item];
	if (it->pub.nfindings == CK_MAX_FINDINGS)
		return;		/* the first 64 say enough */
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	f = &it->f[it->pub.nfindings++];
	f->severity = sev;
	f->code = code;
	f->message = ik_check_str(c, "%s", buf);
	/* a note about what is right has nothing to fix */
	f->fix = ik_check_str(c, "%s", fix != NULL ? fix : "nothing to do");
}

const char *
ik_check_spf_domain(const inkan_domain_checker *c)
{
	return c->mail_from[0] != '\0' ? c->mail_from : c->domain;
}

/* ---- set-up ------------------------------------------------------------- */

static inkan_status
add_selector(inkan_domain_checker *c, const char *name,
	const inkan_domain_selector *expected)
{
	size_t i;

	if (!ik_domain_selector_ok(name))
		return INKAN_ERR_SYNTAX;
	for (i = 0; i < c->nsel; i++)
		if (ik_ascii_eqz(c->sel[i].name, strlen(c->sel[i].name),
		    name)) {
			if (expected != NULL)
				c->sel[i].expected = expected;
			return INKAN_OK;
		}
	if (c->nsel == CK_MAX_SELECTORS)
		return INKAN_ERR_LIMIT;
	c->sel[c->nsel].name = ik_check_str(c, "%s", name);
	c->sel[c->nsel].expected = expected;
	c->nsel++;
	return c->st;
}

/* MAIL FROM: one label is relative to the domain; a longer name is
 * taken as written (so a MAIL FROM outside the domain can be audited) */
static inkan_status
set_mail_from(inkan_domain_checker *c, const char *mf)
{
	char name[IK_DOMAIN_NAME_MAX + 1];
	inkan_status st;

	if ((st = ik_domain_norm(c->ctx, mf, name)) != INKAN_OK)
		return st;
	if (strchr(name, '.') == NULL) {
		if ((size_t)snprintf(c->mail_from, sizeof(c->mail_from),
		    "%s.%s", name, c->domain) >= sizeof(c->mail_from))
			return INKAN_ERR_SYNTAX;
	} else {
		memcpy(c->mail_from, name, strlen(name) + 1);
	}
	return INKAN_OK;
}

static inkan_status
prepare(inkan_domain_checker *c, const char *domain, const inkan_domain *id,
	const inkan_domain_check_options *o)
{
	const inkan_domain_view *v = id != NULL ? &id->view : NULL;
	inkan_status st;
	size_t i;

	if ((st = ik_domain_norm(c->ctx, domain, c->domain)) != INKAN_OK)
		return st;
	if (v != NULL && strcmp(v->domain, c->domain) != 0)
		return INKAN_ERR_INVALID;
	for (i = 0; o != NULL && i < o->nselectors; i++)
		if ((st = add_selector(c, o->selectors[i], NULL)) != INKAN_OK)
			return st;
	for (i = 0; v != NULL && i < v->nselectors; i++)
		if ((st = add_selector(c, v->selectors[i].selector,
		    &v->selectors[i])) != INKAN_OK)
			return st;
	if (o != NULL && o->mail_from != NULL) {
		if ((st = set_mail_from(c, o->mail_from)) != INKAN_OK)
			return st;
		if (v != NULL && v->mail_from != NULL &&
		    strcmp(v->mail_from, c->mail_from) == 0)
			c->expected_mx = ik_check_str(c, "%s", v->mail_from_mx);
	} else if (v != NULL && v->mail_from != NULL) {
		memcpy(c->mail_from, v->mail_from, strlen(v->mail_from) + 1);
		c->expected_mx = ik_check_str(c, "%s", v->mail_from_mx);
	}
	if (o != NULL && o->nips > CK_MAX_IPS)
		return INKAN_ERR_LIMIT;
	for (i = 0; o != NULL && i < o->nips; i++) {
		struct ck_ip *ip = &c->ips[c->nips];

		ip->v6 = strchr(o->ips[i], ':') != NULL;
		if (inet_pton(ip->v6 ? AF_INET6 : AF_INET, o->ips[i],
		    ip->addr) != 1)
			return INKAN_ERR_SYNTAX;
		ip->ip = ik_check_str(c, "%s", o->ips[i]);
		c->nips++;
	}
	return c->st;
}

/* the DNS questions and the DMARC inspection: needed while checking */
static void
release(inkan_domain_checker *c)
{
	size_t i;

	for (i = 0; i < c->nsel; i++) {
		inkan_dns_query_free(c->sel[i].q);
		c->sel[i].q = NULL;
	}
	for (i = 0; i < c->nips; i++) {
		inkan_dns_query_free(c->ips[i].ptr_q);
		c->ips[i].ptr_q = NULL;
	}
	inkan_dns_query_free(c->apex_q);
	inkan_dns_query_free(c->mx_q);
	inkan_dmarc_inspector_free(c->dmarc_in);
	c->apex_q = c->mx_q = NULL;
	c->dmarc_in = NULL;
	c->dmarc = NULL;
}

static void
finish(inkan_domain_checker *c)
{
	size_t i, j;

	if (c->st != INKAN_OK)
		return;
	c->pub_items = ik_calloc(c->ctx, c->nitems ? c->nitems : 1,
		sizeof(*c->pub_items));
	if (c->pub_items == NULL) {
		c->st = INKAN_ERR_NOMEM;
		return;
	}
	for (i = 0; i < c->nitems; i++) {
		inkan_domain_item *it = &c->pub_items[i];

		*it = c->items[i].pub;
		it->findings = c->items[i].f;
		if (it->status == INKAN_DOMAIN_TEMPORARY_FAILURE)
			c->pub.temporary++;
		for (j = 0; j < it->nfindings; j++) {
			switch (it->findings[j].severity) {
			case INKAN_SEVERITY_ERROR: c->pub.errors++; break;
			case INKAN_SEVERITY_WARNING: c->pub.warnings++; break;
			default: c->pub.notes++; break;
			}
		}
	}
	c->pub.items = c->pub_items;
	c->pub.nitems = c->nitems;
	c->pub.domain = c->domain;
	c->pub.mail_from = c->mail_from[0] ? c->mail_from : NULL;
}

INKAN_API inkan_status
inkan_domain_check(inkan_ctx *ctx, const char *domain, const inkan_domain *id,
	const inkan_domain_check_options *opt, inkan_domain_checker **out,
	const inkan_domain_report **report)
{
	inkan_domain_checker *c;
	inkan_status st;

	if (out != NULL)
		*out = NULL;
	if (report != NULL)
		*report = NULL;
	if (ctx == NULL || domain == NULL || out == NULL || report == NULL)
		return INKAN_ERR_INVALID;
	if (inkan_ctx_resolver(ctx) == NULL)
		return INKAN_ERR_CONFIG;
	if ((c = ik_calloc(ctx, 1, sizeof(*c))) == NULL)
		return INKAN_ERR_NOMEM;
	c->ctx = ctx;
	c->id = id;
	c->mf_aligns = -1;
	if ((st = prepare(c, domain, id, opt)) != INKAN_OK) {
		inkan_domain_checker_free(c);
		return st;
	}
	/* every independent question first */
	ik_check_dkim_start(c);
	ik_check_ip_start(c);
	if (inkan_dns_start(inkan_ctx_resolver(ctx), c->domain,
	    INKAN_DNS_TYPE_TXT, &c->apex_q) != INKAN_OK)
		c->apex_q = NULL;
	if (c->mail_from[0] != '\0' && inkan_dns_start(inkan_ctx_resolver(ctx),
	    c->mail_from, INKAN_DNS_TYPE_MX, &c->mx_q) != INKAN_OK)
		c->mx_q = NULL;
	/* the DMARC record decides alignment: look first, report later */
	st = inkan_dmarc_inspect(ctx, NULL, c->domain, &c->dmarc_in,
		&c->dmarc);
	if (st == INKAN_ERR_NOMEM)
		c->st = st;
	else if (st != INKAN_OK)
		c->dmarc_temp = 1;
	ik_check_dkim(c);
	ik_check_spf(c, c->domain, 0);
	if (c->mail_from[0] != '\0') {
		ik_check_mail_from(c);
		ik_check_spf(c, c->mail_from, 1);
	}
	ik_check_dmarc(c);
	ik_check_ip(c);
	ik_check_summary(c);
	finish(c);
	/* the report is built: it borrows nothing from the resolver */
	release(c);
	if (c->st != INKAN_OK) {
		st = c->st;
		inkan_domain_checker_free(c);
		return st;
	}
	*out = c;
	*report = &c->pub;
	return INKAN_OK;
}

INKAN_API void
inkan_domain_checker_free(inkan_domain_checker *c)
{
	size_t i;

	if (c == NULL)
		return;
	release(c);
	for (i = 0; i < c->nstrs; i++)
		ik_free(c->ctx, c->strs[i]);
	ik_free(c->ctx, c->strs);
	ik_free(c->ctx, c->items);
	ik_free(c->ctx, c->pub_items);
	ik_free(c->ctx, c);
}

INKAN_API const char *
inkan_domain_status_name(inkan_domain_status s)
{
	switch (s) {
	case INKAN_DOMAIN_SUCCESS: return "SUCCESS";
	case INKAN_DOMAIN_PENDING: return "PENDING";
	case INKAN_DOMAIN_FAILED: return "FAILED";
	case INKAN_DOMAIN_TEMPORARY_FAILURE: return "TEMPORARY_FAILURE";
	}
	return "?";
}

INKAN_API const char *
inkan_domain_area_name(inkan_domain_area a)
{
	static const char *const names[] = {
		"SPF", "DKIM", "MAIL FROM", "DMARC", "IP"
	};

	return a <= INKAN_DOMAIN_AREA_IP ? names[a] : "?";
}
