/* SPDX-License-Identifier: MIT */
/*
 * explain_dmarc.c - the DMARC line of the summary (RFC 9989): the author
 * domain and its policy, which authenticated identifiers aligned, and
 * for a fail, why each of SPF and DKIM did not, with the two ways out
 * the RFC offers (3.2.10): a DKIM signature with d= in the author's
 * organizational domain, or a MAIL FROM domain within it.
 */
#include <stdio.h>
#include <string.h>

#include "core/ascii.h"
#include "verify/verify_internal.h"

#define PART_MAX 512

/* 1 when @d is @base or a subdomain of it (ASCII case ignored; both are
 * lower-case A-labels from the DMARC module or the signature) */
static int
within(const char *d, const char *base)
{
	size_t ld, lb;

	if (d == NULL || base == NULL)
		return 0;
	ld = strlen(d);
	lb = strlen(base);
	if (ld < lb)
		return 0;
	if (!ik_ascii_eq(d + ld - lb, lb, base, lb))
		return 0;
	return ld == lb || d[ld - lb - 1] == '.';
}

static const char *
base_of(const inkan_dmarc_result *r)
{
	return r->org_domain != NULL ? r->org_domain : r->author_domain;
}

/* "p=reject" and, when a fail's policy was softened, how */
static const char *
policy_text(inkan_verify *v, const inkan_dmarc_result *r)
{
	const char *p = inkan_dmarc_policy_name(r->policy_evaluated);

	if (r->verdict == INKAN_DMARC_FAIL &&
	    r->policy_applied != r->policy_evaluated)
		return ik_verify_strf(v, "p=%s, applied as %s: %s", p,
			inkan_dmarc_policy_name(r->policy_applied),
			r->testing ? "t=y" : r->sampled_out ? "pct" :
			inkan_dmarc_override_name(r->override));
	return ik_verify_strf(v, "p=%s", p[0] ? p : "none");
}

static const char *
spf_name(int r)
{
	switch (r) {
	case INKAN_DMARC_SPF_PASS: return "pass";
	case INKAN_DMARC_SPF_FAIL: return "fail";
	case INKAN_DMARC_SPF_SOFTFAIL: return "softfail";
	case INKAN_DMARC_SPF_NEUTRAL: return "neutral";
	case INKAN_DMARC_SPF_TEMPERROR: return "temperror";
	case INKAN_DMARC_SPF_PERMERROR: return "permerror";
	default: return "none";
	}
}

/* why SPF did not align (RFC 9989 4.4.2) */
static void
spf_part(const inkan_dmarc_result *r, char *out, size_t len)
{
	const inkan_dmarc_identity *s = &r->spf;
	const char *strict = r->record && r->record->aspf ==
		INKAN_DMARC_ALIGN_STRICT ? " (strict alignment, aspf=s)" : "";

	if (s->domain == NULL)
		snprintf(out, len, "not checked");
	else if (s->result != INKAN_DMARC_SPF_PASS)
		snprintf(out, len, "%s for %s", spf_name(s->result),
			s->domain);
	else if (s->alignment == INKAN_DMARC_ALIGN_UNKNOWN)
		snprintf(out, len, "alignment of %s unknown (DNS failure)",
			s->domain);
	else
		snprintf(out, len, "%s is not aligned with %s%s", s->domain,
			r->author_domain, strict);
}

/* why no DKIM signature aligned (RFC 9989 4.4.1) */
static void
dkim_part(const inkan_dmarc_result *r, size_t nsigs, char *out, size_t len)
{
	const char *strict = r->record && r->record->adkim ==
		INKAN_DMARC_ALIGN_STRICT ? " (strict alignment, adkim=s)" : "";
	size_t i;

	for (i = 0; i < r->ndkim; i++) {
		const inkan_dmarc_identity *d = &r->dkim[i];
		if (!within(d->domain, base_of(r)))
			continue;
		if (d->alignment == INKAN_DMARC_ALIGN_PARTIAL_BODY)
			snprintf(out, len, "d=%s signs only part of the "
				"body (l=)", d->domain);
		else if (d->result != INKAN_DMARC_DKIM_PASS)
			snprintf(out, len, "the signature from d=%s did "
				"not pass", d->domain);
		else
			snprintf(out, len, "d=%s is not aligned with %s%s",
				d->domain, r->author_domain, strict);
		return;
	}
	if (r->ndkim == 0)
		/* signatures too broken to name a d= never reach DMARC */
		snprintf(out, len, nsigs > 0 ? "no usable signature" :
			"no signature");
	else
		snprintf(out, len, "no signature from %s, only from %s%s",
			r->author_domain, r->dkim[0].domain,
			r->ndkim > 1 ? " and others" : "");
}

/* a signature from the author's own domain that failed: fix that first */
static const inkan_dmarc_identity *
own_failed(const inkan_dmarc_result *r)
{
	size_t i;

	for (i = 0; i < r->ndkim; i++)
		if (within(r->dkim[i].domain, base_of(r)) &&
		    r->dkim[i].result != INKAN_DMARC_DKIM_PASS)
			return &r->dkim[i];
	return NULL;
}

/*
 * The way out (RFC 9989 3.2.10): an aligned DKIM signature or an aligned
 * SPF pass. Each half names what is closest: the author's own signature
 * that failed, or SPF of a MAIL FROM already under the author's domain.
 */
static inkan_status
explain_fail(inkan_verify *v, inkan_verify_note *n,
	const inkan_dmarc_result *r, const char *pol)
{
	char sp[PART_MAX], dk[PART_MAX], dfix[PART_MAX], sfix[PART_MAX];
	const inkan_dmarc_identity *own = own_failed(r);
	const char *ad = r->author_domain;

	spf_part(r, sp, sizeof(sp));
	dkim_part(r, v->res.ndkim, dk, sizeof(dk));
	if (own != NULL)
		snprintf(dfix, sizeof(dfix), "repair the signature from d=%s "
			"(see its DKIM line)", own->domain);
	else
		snprintf(dfix, sizeof(dfix), "sign with d=%s", ad);
	if (r->spf.domain != NULL && within(r->spf.domain, base_of(r)) &&
	    r->spf.result != INKAN_DMARC_SPF_PASS)
		snprintf(sfix, sizeof(sfix), "make SPF pass for %s (see the "
			"SPF line)", r->spf.domain);
	else
		snprintf(sfix, sizeof(sfix), "use a custom MAIL FROM under %s",
			ad);
	n->why = ik_verify_strf(v, "%s (%s): neither SPF (%s) nor DKIM (%s) "
		"aligned", ad, pol, sp, dk);
	n->fix = ik_verify_strf(v, "%s or %s", dfix, sfix);
	return n->why != NULL ? INKAN_OK : INKAN_ERR_NOMEM;
}

/* a record was there but unusable, or there were several */
static const char *
none_fix(inkan_verify *v, const inkan_dmarc_result *r, const char *ad)
{
	size_t i;

	for (i = 0; i < r->ntrace; i++) {
		if (r->trace[i].outcome == INKAN_DMARC_STEP_MULTIPLE)
			return ik_verify_strf(v, "publish exactly one DMARC "
				"record at _dmarc.%s", r->trace[i].domain);
		if (r->trace[i].outcome == INKAN_DMARC_STEP_RECORD)
			return ik_verify_strf(v, "give the DMARC record at "
				"_dmarc.%s a valid p= (none, quarantine or "
				"reject) or a valid rua", r->trace[i].domain);
	}
	return ik_verify_strf(v, "publish a record at _dmarc.%s, e.g. "
		"\"v=DMARC1; p=none; rua=mailto:dmarc-reports@%s\", and move "
		"to quarantine or reject once the reports look right", ad, ad);
}

static inkan_status
explain_pass(inkan_verify *v, inkan_verify_note *n,
	const inkan_dmarc_result *r, const char *pol)
{
	char dk[PART_MAX] = "", sp[PART_MAX] = "";

	if (r->dkim_aligned && r->dkim_aligned_index >= 0 &&
	    (size_t)r->dkim_aligned_index < r->ndkim)
		snprintf(dk, sizeof(dk), "DKIM (d=%s)",
			r->dkim[r->dkim_aligned_index].domain);
	if (r->spf_aligned)
		snprintf(sp, sizeof(sp), "SPF (%s%s)", r->spf.domain,
			r->spf_is_helo ? ", the HELO name" : "");
	n->why = ik_verify_strf(v, "%s (%s): %s%s%s aligned",
		r->author_domain, pol, dk, dk[0] && sp[0] ? " and " : "", sp);
	return n->why != NULL ? INKAN_OK : INKAN_ERR_NOMEM;
}

inkan_status
ik_verify_explain_dmarc(inkan_verify *v)
{
	const inkan_dmarc_result *r = v->res.dmarc;
	const char *ad = r->author_domain ? r->author_domain : "(no author)";
	const char *pol = NULL;
	inkan_verify_note *n;

	n = ik_verify_note_add(v, "dmarc", inkan_dmarc_verdict_name(
		r->verdict), r->verdict != INKAN_DMARC_PASS);
	if (r->record != NULL && (pol = policy_text(v, r)) == NULL)
		return INKAN_ERR_NOMEM;
	n->subject = ik_verify_strf(v, "%s, %s", ad, pol ? pol :
		"no policy");
	if (n->subject == NULL)
		return INKAN_ERR_NOMEM;
	switch (r->verdict) {
	case INKAN_DMARC_PASS:
		return explain_pass(v, n, r, pol ? pol : "");
	case INKAN_DMARC_FAIL:
		return explain_fail(v, n, r, pol ? pol : "");
	case INKAN_DMARC_NONE:
		n->why = ik_verify_strf(v, "%s: %s", ad, r->reason);
		n->fix = r->author_domain != NULL ? none_fix(v, r, ad) : NULL;
		break;
	case INKAN_DMARC_TEMPERROR:
		n->why = ik_verify_strf(v, "%s: %s", ad, r->reason);
		n->fix = ik_verify_strf(v, "try again later; if it lasts, "
			"check the name servers of %s", ad);
		break;
	case INKAN_DMARC_PERMERROR:
		n->why = ik_verify_strf(v, "%s", r->reason ? r->reason :
			"the author domain cannot be determined");
		n->fix = v->res.header_error != INKAN_OK ?
			"the From field cannot be trusted in a header that "
			"was not read whole" :
			ik_verify_strf(v, "the message needs exactly one "
			"From address with a domain name");
		break;
	}
	return n->why != NULL ? INKAN_OK : INKAN_ERR_NOMEM;
}
