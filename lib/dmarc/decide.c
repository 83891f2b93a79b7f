/* SPDX-License-Identifier: MIT */
/*
 * decide.c - one author domain: its record, alignment, the verdict and
 * the policy to apply.
 *
 * Alignment (RFC 9989 3.2.10, 4.4, 4.10.2): strict is equality of the
 * normalised names; relaxed is equality of organizational domains under
 * the discovery method in use. Only a passing identity aligns: SPF only
 * through the MAIL FROM identity (4.4.2; for a null sender that is
 * postmaster@HELO, RFC 7208 2.4), DKIM through each signature that
 * verified (4.4.1) - and, unless the caller allows it, only one whose l=
 * covered the whole body: content past l= was not signed, so the
 * signature vouches for less than the message shown.
 *
 * An identity's organizational domain can only equal the author's when
 * the author's organizational domain is a suffix of the identity, so
 * identities outside it are not walked at all.
 *
 * Temporary trouble (RFC 9989 5.3.6, RFC 7489 6.6.2): with no aligned
 * pass, a DNS failure in a needed lookup, or an SPF / DKIM temperror of
 * an identity that would have aligned, makes the verdict TEMPERROR rather
 * than FAIL: the policy cannot be applied on an incomplete answer.
 *
 * Policy (RFC 9989 4.10.1, 4.7): p for the author domain's own record;
 * for a record found above it, sp when the author domain exists and np
 * when it does not (RFC 8020 NXDOMAIN), falling back np -> sp -> p. A
 * record without a valid p (or with an invalid sp/np) counts as p=none
 * when its rua has a valid URI, and not at all otherwise. t=y applies
 * the policy one level softer; RFC 7489 pct samples (6.6.4): a
 * sampled-out reject becomes quarantine, quarantine becomes none.
 */
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "core/alloc.h"
#include "dmarc/eval_internal.h"

uint32_t
ik_dmarc_system_random(void *ud)
{
	uint32_t v = 0;

	(void)ud;
	/* on failure v stays 0: 0 % 100 < pct for any pct > 0, so the
	 * policy is applied - the safe side */
	if (getrandom(&v, sizeof(v), GRND_NONBLOCK) != (ssize_t)sizeof(v))
		v = 0;
	return v;
}

/* 1 when an identity with this result takes part: a pass aligns, a
 * temperror might have */
static int
ident_counts(const struct ik_dmarc_ident *id, int is_spf)
{
	if (!id->usable)
		return 0;
	if (is_spf)
		return id->result == INKAN_DMARC_SPF_PASS ||
			id->result == INKAN_DMARC_SPF_TEMPERROR;
	return id->result == INKAN_DMARC_DKIM_PASS ||
		id->result == INKAN_DMARC_DKIM_TEMPERROR;
}

/* Count of trailing labels two names share. */
static size_t
shared_labels(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), n = 0;

	while (la > 0 && lb > 0 && a[la - 1] == b[lb - 1]) {
		la--;
		lb--;
		if (a[la] == '.')
			n++;
	}
	if ((la == 0 || a[la - 1] == '.') && (lb == 0 || b[lb - 1] == '.'))
		n++;
	return n;
}

static inkan_status
ident_walk_begin(inkan_dmarc_eval *ev, struct ik_dmarc_ident *id)
{
	inkan_status st;

	if (id->walk != NULL)
		return INKAN_OK;
	if ((id->walk = ik_calloc(ev->ctx, 1, sizeof(*id->walk))) == NULL)
		return INKAN_ERR_NOMEM;
	st = ik_dmarc_walk_begin(&ev->table, id->walk, id->domain, 0,
		ev->opt.discovery, ev->opt.psl);
	if (st != INKAN_OK) {
		ik_free(ev->ctx, id->walk);
		id->walk = NULL;
	}
	return st;
}

inkan_status
ik_dmarc_prestart_ident(inkan_dmarc_eval *ev, struct ik_dmarc_ident *id)
{
	size_t i;

	if (ev->opt.discovery != INKAN_DMARC_DISCOVERY_TREEWALK ||
	    !ident_counts(id, id == &ev->spf))
		return INKAN_OK;
	/* worth walking now only when it shares more than the TLD with an
	 * author domain; otherwise it is walked if and when needed */
	for (i = 0; i < ev->nauthors; i++)
		if (strcmp(ev->authors[i].domain, id->domain) != 0 &&
		    shared_labels(ev->authors[i].domain, id->domain) >= 2)
			return ident_walk_begin(ev, id);
	return INKAN_OK;
}

/* The author's organizational domain; NULL after a DNS failure. */
static inkan_status
author_org(inkan_dmarc_eval *ev, struct ik_dmarc_author *a,
	const char **org)
{
	inkan_status st;

	*org = NULL;
	st = ik_dmarc_walk_decide(&ev->table, &a->walk, ev->opt.discovery);
	if (st == INKAN_OK && !a->walk.tempfail)
		*org = a->walk.org;
	return st;
}

static inkan_status
align_one(inkan_dmarc_eval *ev, struct ik_dmarc_author *a,
	struct ik_dmarc_ident *id, inkan_dmarc_align_mode mode,
	inkan_dmarc_identity *out)
{
	const char *aorg, *iorg;
	char psl_org[IK_DMARC_NAME_MAX + 1];
	inkan_status st;

	if (strcmp(id->domain, a->domain) == 0) {
		out->alignment = INKAN_DMARC_ALIGN_ALIGNED;
		return INKAN_OK;
	}
	if (mode == INKAN_DMARC_ALIGN_STRICT) {
		out->alignment = INKAN_DMARC_ALIGN_NOT_ALIGNED;
		return INKAN_OK;
	}
	if ((st = author_org(ev, a, &aorg)) != INKAN_OK)
		return st;
	if (aorg == NULL) {
		out->alignment = INKAN_DMARC_ALIGN_UNKNOWN;
		return INKAN_OK;
	}
	if (!ik_dmarc_is_under(id->domain, aorg)) {
		out->alignment = INKAN_DMARC_ALIGN_NOT_ALIGNED;
		return INKAN_OK;
	}
	if (ev->opt.discovery == INKAN_DMARC_DISCOVERY_PSL) {
		ik_dmarc_psl_org(ev->opt.psl, id->domain, psl_org);
		iorg = ik_dmarc_last_labels(id->domain,
			ik_dmarc_label_count(psl_org));
	} else {
		if ((st = ident_walk_begin(ev, id)) != INKAN_OK)
			return st;
		st = ik_dmarc_walk_decide(&ev->table, id->walk,
			ev->opt.discovery);
		if (st != INKAN_OK)
			return st;
		if (id->walk->tempfail) {
			out->alignment = INKAN_DMARC_ALIGN_UNKNOWN;
			return INKAN_OK;
		}
		iorg = id->walk->org;
	}
	out->org_domain = iorg;
	out->alignment = strcmp(iorg, aorg) == 0 ?
		INKAN_DMARC_ALIGN_ALIGNED : INKAN_DMARC_ALIGN_NOT_ALIGNED;
	return INKAN_OK;
}

static void
ident_public(const struct ik_dmarc_ident *id, inkan_dmarc_identity *out)
{
	memset(out, 0, sizeof(*out));
	out->domain = id->domain[0] ? id->domain : NULL;
	out->selector = id->selector;
	out->result = id->result;
	out->alignment = INKAN_DMARC_ALIGN_NOT_CHECKED;
}

/* Alignment of every identity; *temp when an undecided one might have
 * made it pass. */
static inkan_status
align_all(inkan_dmarc_eval *ev, struct ik_dmarc_author *a,
	const inkan_dmarc_record *rec, int *temp)
{
	inkan_dmarc_result *r = &a->res;
	inkan_dmarc_identity *ids = a->ids;
	size_t i;
	inkan_status st;

	*temp = 0;
	if (ev->spf_set) {
		ident_public(&ev->spf, &ids[0]);
		if (ident_counts(&ev->spf, 1)) {
			st = align_one(ev, a, &ev->spf, rec->aspf, &ids[0]);
			if (st != INKAN_OK)
				return st;
			if (ids[0].alignment == INKAN_DMARC_ALIGN_ALIGNED &&
			    ev->spf.result == INKAN_DMARC_SPF_PASS)
				r->spf_aligned = 1;
			else if (ids[0].alignment == INKAN_DMARC_ALIGN_ALIGNED ||
			    ids[0].alignment == INKAN_DMARC_ALIGN_UNKNOWN)
				*temp = 1;
		}
		r->spf = ids[0];
		r->spf_is_helo = ev->spf_is_helo;
	}
	for (i = 0; i < ev->ndkim; i++) {
		struct ik_dmarc_ident *id = &ev->dkim[i];
		inkan_dmarc_identity *o = &ids[1 + i];

		ident_public(id, o);
		if (!ident_counts(id, 0))
			continue;
		if (id->result == INKAN_DMARC_DKIM_PASS && id->partial &&
		    !ev->opt.allow_partial_body) {
			o->alignment = INKAN_DMARC_ALIGN_PARTIAL_BODY;
			continue;
		}
		if ((st = align_one(ev, a, id, rec->adkim, o)) != INKAN_OK)
			return st;
		if (o->alignment == INKAN_DMARC_ALIGN_ALIGNED &&
		    id->result == INKAN_DMARC_DKIM_PASS) {
			if (!r->dkim_aligned)
				r->dkim_aligned_index = (int)i;
			r->dkim_aligned = 1;
		} else if (o->alignment == INKAN_DMARC_ALIGN_ALIGNED ||
		    o->alignment == INKAN_DMARC_ALIGN_UNKNOWN) {
			*temp = 1;
		}
	}
	r->dkim = ids + 1;
	r->ndkim = ev->ndkim;
	return INKAN_OK;
}

static inkan_dmarc_policy
soften(inkan_dmarc_policy p)
{
	if (p == INKAN_DMARC_POLICY_REJECT)
		return INKAN_DMARC_POLICY_QUARANTINE;
	return INKAN_DMARC_POLICY_NONE;
}

static inkan_dmarc_disposition
disposition_of(inkan_dmarc_policy p)
{
	if (p == INKAN_DMARC_POLICY_REJECT)
		return INKAN_DMARC_DISPOSITION_REJECT;
	if (p == INKAN_DMARC_POLICY_QUARANTINE)
		return INKAN_DMARC_DISPOSITION_QUARANTINE;
	return INKAN_DMARC_DISPOSITION_NONE;
}

/* The published policy for @a under @rec (np -> sp -> p), and where it
 * came from; *unknown when existence could not be settled and it
 * mattered. */
static inkan_status
select_policy(inkan_dmarc_eval *ev, struct ik_dmarc_author *a,
	const inkan_dmarc_record *rec, int no_valid_p, int *unknown)
{
	inkan_dmarc_result *r = &a->res;
	inkan_dmarc_policy p, sp, np;
	inkan_status st;
	int exists = -1;

	*unknown = 0;
	p = no_valid_p ? INKAN_DMARC_POLICY_NONE : rec->p;
	sp = no_valid_p || rec->sp == INKAN_DMARC_POLICY_ABSENT ? p : rec->sp;
	np = no_valid_p || rec->np == INKAN_DMARC_POLICY_ABSENT ||
		ev->opt.spec == INKAN_DMARC_SPEC_RFC7489 ? sp : rec->np;
	if (strcmp(r->policy_domain, a->domain) == 0) {
		r->policy_source = INKAN_DMARC_FROM_P;
		r->policy_evaluated = p;
		return INKAN_OK;
	}
	if (a->exist_started) {
		st = ik_dmarc_exist_wait(&ev->table, a->exist_idx, &exists);
		if (st != INKAN_OK)
			return st;
	}
	r->author_exists = exists;
	if (exists == 0) {
		r->policy_source = ev->opt.spec == INKAN_DMARC_SPEC_RFC7489 ?
			INKAN_DMARC_FROM_SP : INKAN_DMARC_FROM_NP;
		r->policy_evaluated = np;
		return INKAN_OK;
	}
	r->policy_source = INKAN_DMARC_FROM_SP;
	r->policy_evaluated = sp;
	if (exists < 0 && np != sp)
		*unknown = 1;
	return INKAN_OK;
}

static void
apply_policy(inkan_dmarc_eval *ev, inkan_dmarc_result *r,
	const inkan_dmarc_record *rec)
{
	inkan_dmarc_policy pol = r->policy_evaluated;

	if (ev->opt.spec == INKAN_DMARC_SPEC_RFC9989)
		r->testing = rec->testing;
	if (r->verdict != INKAN_DMARC_FAIL) {
		r->policy_applied = INKAN_DMARC_POLICY_NONE;
		r->disposition = INKAN_DMARC_DISPOSITION_NONE;
		return;
	}
	if (ev->opt.spec == INKAN_DMARC_SPEC_RFC9989 && rec->testing &&
	    pol != INKAN_DMARC_POLICY_NONE) {
		pol = soften(pol);
		r->override = INKAN_DMARC_OVERRIDE_TEST_MODE;
	} else if (ev->opt.spec == INKAN_DMARC_SPEC_RFC7489 &&
	    rec->pct < 100 && pol != INKAN_DMARC_POLICY_NONE &&
	    ev->opt.random(ev->opt.random_ud) % 100 >= (uint32_t)rec->pct) {
		/* RFC 7489 6.3: selected when (random mod 100) < pct */
		pol = soften(pol);
		r->sampled_out = 1;
		r->override = INKAN_DMARC_OVERRIDE_SAMPLED_OUT;
	}
	r->policy_applied = pol;
	r->disposition = disposition_of(pol);
}

static inkan_status
finish_trace(inkan_dmarc_eval *ev, struct ik_dmarc_author *a)
{
	inkan_status st;

	st = ik_dmarc_walk_trace(&ev->table, &a->walk, &a->trace,
		&a->res.ntrace);
	a->res.trace = a->trace;
	if (a->walk.decided && !a->walk.tempfail)
		a->res.org_domain = a->walk.org;
	return st;
}

#define REASON(...) snprintf(a->reason, sizeof(a->reason), __VA_ARGS__)

inkan_status
ik_dmarc_eval_author(inkan_dmarc_eval *ev, struct ik_dmarc_author *a)
{
	inkan_dmarc_result *r = &a->res;
	const inkan_dmarc_record *rec = NULL;
	int has = 0, temp = 0, unknown = 0, no_valid_p;
	inkan_status st;

	memset(r, 0, sizeof(*r));
	r->author_domain = a->domain;
	r->reason = a->reason;
	r->spec = ev->opt.spec;
	r->discovery = ev->opt.discovery;
	r->author_exists = -1;
	r->dkim_aligned_index = -1;
	a->ids = ik_calloc(ev->ctx, 1 + ev->ndkim, sizeof(*a->ids));
	if (a->ids == NULL)
		return INKAN_ERR_NOMEM;
	/* RFC 9989 4.10.1: the author domain's own record first */
	if ((st = ik_dmarc_walk_first(&ev->table, &a->walk, &has)) != INKAN_OK)
		return st;
	if (has) {
		rec = &ev->table.l[a->walk.idx[0]].rec->pub;
		r->policy_domain = a->domain;
	} else if (!a->walk.tempfail) {
		st = ik_dmarc_walk_decide(&ev->table, &a->walk,
			ev->opt.discovery);
		if (st != INKAN_OK)
			return st;
		rec = a->walk.policy_rec ? &a->walk.policy_rec->pub : NULL;
		r->policy_domain = a->walk.policy_domain;
	}
	if (a->walk.tempfail) {
		r->verdict = INKAN_DMARC_TEMPERROR;
		REASON("DNS failure while looking for the DMARC record of %s",
			a->domain);
		return finish_trace(ev, a);
	}
	if (rec == NULL) {
		r->verdict = INKAN_DMARC_NONE;
		REASON("no DMARC record applies to %s", a->domain);
		return finish_trace(ev, a);
	}
	no_valid_p = rec->p == INKAN_DMARC_POLICY_ABSENT || rec->sp_invalid ||
		(ev->opt.spec == INKAN_DMARC_SPEC_RFC9989 && rec->np_invalid);
	if (no_valid_p && rec->nrua == 0) {
		/* RFC 9989 4.10.1: "applies no DMARC processing" */
		r->verdict = INKAN_DMARC_NONE;
		r->policy_domain = NULL;
		REASON("the DMARC record of %s has no valid policy and no "
			"valid rua", a->domain);
		return finish_trace(ev, a);
	}
	r->record = rec;
	if ((st = align_all(ev, a, rec, &temp)) != INKAN_OK)
		return st;
	if ((st = select_policy(ev, a, rec, no_valid_p, &unknown)) != INKAN_OK)
		return st;
	if (r->spf_aligned || r->dkim_aligned) {
		r->verdict = INKAN_DMARC_PASS;
		REASON("%s aligned with %s", r->dkim_aligned ? "DKIM" : "SPF",
			a->domain);
	} else if (temp) {
		r->verdict = INKAN_DMARC_TEMPERROR;
		REASON("no aligned pass yet, but an identity that could align "
			"had a temporary error");
	} else if (unknown) {
		r->verdict = INKAN_DMARC_TEMPERROR;
		REASON("DNS failure checking whether %s exists (sp or np)",
			a->domain);
	} else {
		r->verdict = INKAN_DMARC_FAIL;
		REASON("no authenticated identity aligned with %s", a->domain);
	}
	apply_policy(ev, r, rec);
	if (no_valid_p)
		r->override = INKAN_DMARC_OVERRIDE_NO_VALID_POLICY;
	return finish_trace(ev, a);
}
