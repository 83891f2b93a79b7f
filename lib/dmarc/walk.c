/* SPDX-License-Identifier: MIT */
/*
 * walk.c - policy discovery and the organizational domain.
 *
 * Tree walk (RFC 9989 4.10): the names are known before any answer
 * arrives - the start, then (shortened to 7 labels when the start has 8
 * or more, step 4) one label less each time down to the TLD: at most 8
 * (INKAN_LIMIT_DMARC_TREE_WALK). So every question is started at once,
 * and the answers are read strictly in the RFC's order: reading stops
 * where the RFC's walk stops (a record with psd=y or psd=n, steps 2/6),
 * and an answer past that point is never waited for, so its failure
 * cannot change the outcome. A failure before it does (TEMPFAIL).
 *
 * Selection (RFC 9989 4.10.2), over the records read, longest first:
 *  1. psd=n: that domain is the organizational domain;
 *  2. psd=y, other than at the start: the domain one label below it;
 *  3. otherwise the record with the fewest labels;
 *  no record at all: the start itself.
 * Policy record (RFC 9989 4.10.1): the start's own record, else the
 * organizational domain's, else the PSD's (the psd=y record of rule 2).
 *
 * PSL (RFC 7489 6.6.3): the start, then its registrable domain from the
 * Public Suffix List if different; the organizational domain is the
 * registrable domain (or the start when it has none).
 */
#include <string.h>

#include "core/alloc.h"
#include "core/ctx_internal.h"
#include "dmarc/dmarc_internal.h"

inkan_status
ik_dmarc_walk_begin(struct ik_dmarc_table *t, struct ik_dmarc_walk *w,
	const char *start, int skip_first, inkan_dmarc_discovery method,
	const inkan_dmarc_psl *psl)
{
	size_t labels, k, limit, i;
	const char *names[IK_DMARC_WALK_MAX];
	char org[IK_DMARC_NAME_MAX + 1];
	inkan_status st;

	memset(w, 0, sizeof(*w));
	if (strlen(start) > IK_DMARC_NAME_MAX)
		return INKAN_ERR_INVALID;
	memcpy(w->start, start, strlen(start) + 1);
	w->skip_first = skip_first;
	names[w->nnames++] = w->start;
	if (method == INKAN_DMARC_DISCOVERY_PSL) {
		ik_dmarc_psl_org(psl, w->start, org);
		if (strcmp(org, w->start) != 0)
			names[w->nnames++] = ik_dmarc_last_labels(w->start,
				ik_dmarc_label_count(org));
	} else {
		limit = ik_limit(t->ctx, INKAN_LIMIT_DMARC_TREE_WALK);
		if (limit < 1)
			limit = 1;
		if (limit > IK_DMARC_WALK_MAX)
			limit = IK_DMARC_WALK_MAX;
		labels = ik_dmarc_label_count(w->start);
		/* RFC 9989 4.10 step 4: with 8 (the limit) or more labels,
		 * go straight to 7 (limit - 1); else drop one */
		k = labels - 1;
		if (k > limit - 1)
			k = limit - 1;
		for (; k >= 1; k--)
			names[w->nnames++] = ik_dmarc_last_labels(w->start, k);
	}
	for (i = 0; i < w->nnames; i++) {
		if (i == 0 && skip_first) {
			w->idx[0] = (size_t)-1;
			continue;
		}
		st = ik_dmarc_table_start(t, names[i], &w->idx[i]);
		if (st != INKAN_OK)
			return st;
	}
	return INKAN_OK;
}

inkan_status
ik_dmarc_walk_first(struct ik_dmarc_table *t, struct ik_dmarc_walk *w,
	int *has_record)
{
	inkan_status st;

	*has_record = 0;
	if (w->skip_first)
		return INKAN_OK;
	if ((st = ik_dmarc_table_wait(t, w->idx[0])) != INKAN_OK)
		return st;
	if (w->nread < 1)
		w->nread = 1;
	switch (t->l[w->idx[0]].outcome) {
	case INKAN_DMARC_STEP_RECORD:
		*has_record = 1;
		break;
	case INKAN_DMARC_STEP_TEMPFAIL:
		w->tempfail = 1;
		break;
	default:
		break;
	}
	return INKAN_OK;
}

/* The name of slot @i of @w (the start when i == 0). */
static const char *
walk_name(const struct ik_dmarc_table *t, const struct ik_dmarc_walk *w,
	size_t i)
{
	return i == 0 ? w->start : t->l[w->idx[i]].domain;
}

/* RFC 9989 4.10.2 selection over the records read (in[], longest
 * first). */
static void
select_org(const struct ik_dmarc_table *t, struct ik_dmarc_walk *w,
	const size_t *in, size_t nin)
{
	size_t j;

	w->org = w->start;
	for (j = 0; j < nin; j++) {
		const struct ik_dmarc_rec *r = t->l[w->idx[in[j]]].rec;
		if (r->pub.psd == 'n') {
			w->org = walk_name(t, w, in[j]);
			return;
		}
		if (r->pub.psd == 'y' && in[j] != 0) {
			w->org = ik_dmarc_last_labels(w->start,
				ik_dmarc_label_count(walk_name(t, w,
				in[j])) + 1);
			return;
		}
	}
	if (nin > 0)
		w->org = walk_name(t, w, in[nin - 1]);
}

/* RFC 9989 4.10.1: the author's record, else the organizational
 * domain's, else the PSD's. */
static void
select_policy(const struct ik_dmarc_table *t, struct ik_dmarc_walk *w,
	const size_t *in, size_t nin)
{
	size_t j;

	w->policy_rec = NULL;
	w->policy_domain = NULL;
	if (nin > 0 && in[0] == 0) {
		w->policy_rec = t->l[w->idx[0]].rec;
		w->policy_domain = w->start;
		return;
	}
	for (j = 0; j < nin; j++)
		if (strcmp(walk_name(t, w, in[j]), w->org) == 0) {
			w->policy_rec = t->l[w->idx[in[j]]].rec;
			w->policy_domain = walk_name(t, w, in[j]);
			return;
		}
	for (j = 0; j < nin; j++) {
		const struct ik_dmarc_rec *r = t->l[w->idx[in[j]]].rec;
		if (r->pub.psd == 'y') {
			w->policy_rec = t->l[w->idx[in[j]]].rec;
			w->policy_domain = walk_name(t, w, in[j]);
			return;
		}
	}
}

inkan_status
ik_dmarc_walk_decide(struct ik_dmarc_table *t, struct ik_dmarc_walk *w,
	inkan_dmarc_discovery method)
{
	size_t in[IK_DMARC_WALK_MAX], nin = 0, i;
	inkan_status st;

	if (w->decided)
		return INKAN_OK;
	for (i = 0; i < w->nnames; i++) {
		const struct ik_dmarc_lookup *l;

		w->nread = i + 1;
		if (i == 0 && w->skip_first)
			continue;
		if ((st = ik_dmarc_table_wait(t, w->idx[i])) != INKAN_OK)
			return st;
		l = &t->l[w->idx[i]];
		if (l->outcome == INKAN_DMARC_STEP_TEMPFAIL) {
			w->tempfail = 1;
			return INKAN_OK;
		}
		/* RFC 7489 6.6.3 step 5: several records at the author
		 * domain end discovery there (the organizational domain is
		 * only asked when the set is empty, step 3); the tree walk
		 * discards them and goes on (RFC 9989 4.10 step 2) */
		if (l->outcome == INKAN_DMARC_STEP_MULTIPLE &&
		    method == INKAN_DMARC_DISCOVERY_PSL)
			break;
		if (l->outcome != INKAN_DMARC_STEP_RECORD)
			continue;
		in[nin++] = i;
		if (method == INKAN_DMARC_DISCOVERY_PSL) {
			/* RFC 7489 6.6.3: the first record found is it */
			break;
		}
		if (l->rec->pub.psd == 'y' || l->rec->pub.psd == 'n')
			break;	/* RFC 9989 4.10 steps 2 and 6 */
	}
	if (method == INKAN_DMARC_DISCOVERY_PSL) {
		/* the registrable domain is the last name (or the start) */
		w->org = walk_name(t, w, w->nnames - 1);
		if (nin > 0) {
			w->policy_rec = t->l[w->idx[in[0]]].rec;
			w->policy_domain = walk_name(t, w, in[0]);
		}
	} else {
		select_org(t, w, in, nin);
		select_policy(t, w, in, nin);
	}
	w->decided = 1;
	return INKAN_OK;
}

inkan_status
ik_dmarc_walk_trace(const struct ik_dmarc_table *t,
	const struct ik_dmarc_walk *w, inkan_dmarc_step **out, size_t *n)
{
	inkan_dmarc_step *s;
	size_t i;

	*out = NULL;
	*n = 0;
	if (w->nread == 0)
		return INKAN_OK;
	if ((s = ik_calloc(t->ctx, w->nread, sizeof(*s))) == NULL)
		return INKAN_ERR_NOMEM;
	for (i = 0; i < w->nread; i++) {
		s[i].domain = walk_name(t, w, i);
		if (i == 0 && w->skip_first) {
			s[i].outcome = INKAN_DMARC_STEP_SKIPPED;
			continue;
		}
		s[i].outcome = t->l[w->idx[i]].outcome;
		if (s[i].outcome == INKAN_DMARC_STEP_RECORD)
			s[i].record = t->l[w->idx[i]].rec->pub.text;
	}
	*out = s;
	*n = w->nread;
	return INKAN_OK;
}
