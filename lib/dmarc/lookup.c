/* SPDX-License-Identifier: MIT */
/*
 * lookup.c - the _dmarc questions of one evaluation, asked once each.
 *
 * The author domain's walk and the walks for the organizational domains
 * of SPF and DKIM identities overlap (they usually end in the same
 * names), so every "_dmarc.<name>" question goes through this table: the
 * first walk that needs a name starts it, the others share its answer.
 * The table also holds the RFC 8020 existence questions used to choose
 * between sp and np.
 *
 * Classification of a TXT answer (RFC 9989 4.10 steps 2 and 6):
 *  - records not starting with "v=DMARC1" are discarded;
 *  - exactly one left: a record; several: all discarded (no record);
 *  - NXDOMAIN / NODATA: no record; any failure: TEMPFAIL.
 */
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/ctx_internal.h"
#include "dmarc/dmarc_internal.h"

void
ik_dmarc_table_init(struct ik_dmarc_table *t, inkan_ctx *ctx,
	inkan_dmarc_spec spec)
{
	memset(t, 0, sizeof(*t));
	t->ctx = ctx;
	t->resolver = inkan_ctx_resolver(ctx);
	t->spec = spec;
	t->max = 256;
}

void
ik_dmarc_table_free(struct ik_dmarc_table *t)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		inkan_dns_query_free(t->l[i].q);
		inkan_dmarc_record_free(t->l[i].rec ? &t->l[i].rec->pub : NULL);
		ik_free(t->ctx, t->l[i].domain);
	}
	for (i = 0; i < t->ne; i++) {
		inkan_dns_query_free(t->e[i].q);
		ik_free(t->ctx, t->e[i].domain);
	}
	ik_free(t->ctx, t->l);
	ik_free(t->ctx, t->e);
	memset(t, 0, sizeof(*t));
}

static inkan_status
grow(const inkan_ctx *ctx, void **arr, size_t *cap, size_t n, size_t size)
{
	void *p;
	size_t ncap;

	if (n < *cap)
		return INKAN_OK;
	ncap = *cap ? *cap * 2 : 16;
	if ((p = ik_reallocarray(ctx, *arr, ncap, size)) == NULL)
		return INKAN_ERR_NOMEM;
	*arr = p;
	*cap = ncap;
	return INKAN_OK;
}

inkan_status
ik_dmarc_table_start(struct ik_dmarc_table *t, const char *domain,
	size_t *idx)
{
	struct ik_dmarc_lookup *l;
	char qname[IK_DMARC_NAME_MAX + 8];
	inkan_status st;
	size_t i;

	for (i = 0; i < t->n; i++)
		if (strcmp(t->l[i].domain, domain) == 0) {
			*idx = i;
			return INKAN_OK;
		}
	if (t->n >= t->max)
		return INKAN_ERR_LIMIT;
	st = grow(t->ctx, (void **)&t->l, &t->cap, t->n, sizeof(*t->l));
	if (st != INKAN_OK)
		return st;
	l = &t->l[t->n];
	memset(l, 0, sizeof(*l));
	if ((l->domain = ik_strdup(t->ctx, domain)) == NULL)
		return INKAN_ERR_NOMEM;
	*idx = t->n++;
	/* "_dmarc." + a name of at most 253 bytes fits in 261 */
	if ((size_t)snprintf(qname, sizeof(qname), "_dmarc.%s", domain) >=
	    sizeof(qname))
		st = INKAN_ERR_SYNTAX;
	else if (t->resolver == NULL)
		st = INKAN_ERR_CONFIG;
	else
		st = inkan_dns_start(t->resolver, qname, INKAN_DNS_TYPE_TXT,
			&l->q);
	if (st != INKAN_OK) {
		l->q = NULL;
		l->done = 1;
		/* "_dmarc." pushed the name over 255 octets: no record can
		 * exist there. Any other refusal: nothing is known. */
		l->outcome = st == INKAN_ERR_SYNTAX ?
			INKAN_DMARC_STEP_NO_RECORD : INKAN_DMARC_STEP_TEMPFAIL;
		if (st == INKAN_ERR_NOMEM)
			return st;
	}
	return INKAN_OK;
}

static inkan_status
classify(struct ik_dmarc_table *t, struct ik_dmarc_lookup *l,
	const inkan_dns_answer *a)
{
	const inkan_dns_txt *found = NULL;
	size_t i, count = 0;
	inkan_dmarc_record *rec = NULL;
	inkan_status st;

	switch (a->outcome) {
	case INKAN_DNS_NODATA:
	case INKAN_DNS_NXDOMAIN:
		l->outcome = INKAN_DMARC_STEP_NO_RECORD;
		return INKAN_OK;
	case INKAN_DNS_DATA:
		break;
	default:
		l->outcome = INKAN_DMARC_STEP_TEMPFAIL;
		return INKAN_OK;
	}
	for (i = 0; i < a->nrrs; i++) {
		const inkan_dns_txt *txt = &a->rrs[i].u.txt;
		if (a->rrs[i].type != INKAN_DNS_TYPE_TXT)
			continue;
		if (ik_dmarc_is_record(txt->joined.data, txt->joined.len,
		    NULL)) {
			found = txt;
			count++;
		}
	}
	if (count != 1) {
		l->outcome = count ? INKAN_DMARC_STEP_MULTIPLE :
			INKAN_DMARC_STEP_NO_RECORD;
		return INKAN_OK;
	}
	st = inkan_dmarc_record_parse(t->ctx, found->joined.data,
		found->joined.len, t->spec, &rec);
	if (st == INKAN_ERR_NOMEM)
		return st;
	if (st != INKAN_OK) {
		/* longer than any sane record: treated as not usable */
		ik_log(t->ctx, INKAN_LOG_WARNING, "dmarc: _dmarc.%s: record "
			"not usable (%s)", l->domain, inkan_strerror(st));
		l->outcome = INKAN_DMARC_STEP_NO_RECORD;
		return INKAN_OK;
	}
	l->rec = (struct ik_dmarc_rec *)rec;
	l->outcome = INKAN_DMARC_STEP_RECORD;
	return INKAN_OK;
}

inkan_status
ik_dmarc_table_wait(struct ik_dmarc_table *t, size_t idx)
{
	struct ik_dmarc_lookup *l = &t->l[idx];
	const inkan_dns_answer *a = NULL;
	inkan_status st;

	if (l->done)
		return INKAN_OK;
	st = inkan_dns_wait(l->q, &a);
	if (st == INKAN_ERR_NOMEM)
		return st;
	l->done = 1;
	if (st != INKAN_OK) {
		l->outcome = INKAN_DMARC_STEP_TEMPFAIL;
		return INKAN_OK;
	}
	st = classify(t, l, a);
	/* the answer is no longer needed: parsed records are copies */
	inkan_dns_query_free(l->q);
	l->q = NULL;
	return st;
}

inkan_status
ik_dmarc_exist_start(struct ik_dmarc_table *t, const char *domain,
	size_t *idx)
{
	struct ik_dmarc_exist *e;
	inkan_status st;
	size_t i;

	for (i = 0; i < t->ne; i++)
		if (strcmp(t->e[i].domain, domain) == 0) {
			*idx = i;
			return INKAN_OK;
		}
	if (t->ne >= t->max)
		return INKAN_ERR_LIMIT;
	st = grow(t->ctx, (void **)&t->e, &t->cape, t->ne, sizeof(*t->e));
	if (st != INKAN_OK)
		return st;
	e = &t->e[t->ne];
	memset(e, 0, sizeof(*e));
	if ((e->domain = ik_strdup(t->ctx, domain)) == NULL)
		return INKAN_ERR_NOMEM;
	*idx = t->ne++;
	/* RFC 8020: NXDOMAIN for any type means the name does not exist;
	 * A is the type every server answers cheaply */
	st = t->resolver == NULL ? INKAN_ERR_CONFIG :
		inkan_dns_start(t->resolver, domain, INKAN_DNS_TYPE_A, &e->q);
	if (st != INKAN_OK) {
		e->q = NULL;
		e->done = 1;
		e->exists = -1;
		if (st == INKAN_ERR_NOMEM)
			return st;
	}
	return INKAN_OK;
}

inkan_status
ik_dmarc_exist_wait(struct ik_dmarc_table *t, size_t idx, int *exists)
{
	struct ik_dmarc_exist *e = &t->e[idx];
	const inkan_dns_answer *a = NULL;
	inkan_status st;

	if (!e->done) {
		st = inkan_dns_wait(e->q, &a);
		if (st == INKAN_ERR_NOMEM)
			return st;
		e->done = 1;
		if (st != INKAN_OK || a->outcome == INKAN_DNS_TEMPFAIL)
			e->exists = -1;
		else if (a->outcome == INKAN_DNS_NXDOMAIN && a->ncnames == 0)
			/* RFC 8020 2; a CNAME at the name means it exists
			 * even when its target does not (RFC 6604 3) */
			e->exists = 0;
		else
			e->exists = 1;
		inkan_dns_query_free(e->q);
		e->q = NULL;
	}
	*exists = e->exists;
	return INKAN_OK;
}
