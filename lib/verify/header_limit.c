/* SPDX-License-Identifier: MIT */
/*
 * header_limit.c - the verdict for a message whose header section breaks
 * a cap of the message parser (inkan/msg.h: field count, line length,
 * header bytes).
 *
 * Such a message still gets a verdict and an Authentication-Results
 * field, never silence: a receiver has to decide about it like any other
 * (docs/verify.md). Without the whole header there is no way to check a
 * signature (RFC 6376 6.1.1 needs every field a signature lists) or to
 * be sure of the From field (RFC 9989 4.4: exactly one author domain),
 * so both DKIM and DMARC are permerror: a permanent problem of the
 * message, as RFC 8601 2.7 defines the word. SPF needs only the envelope
 * and is checked as usual.
 */
#include <string.h>

#include "core/ctx_internal.h"
#include "verify/verify_internal.h"

int
ik_verify_is_header_limit(inkan_status st)
{
	return st == INKAN_ERR_HEADER_COUNT || st == INKAN_ERR_LINE_LENGTH ||
	    st == INKAN_ERR_HEADER_SIZE;
}

/* "header section over INKAN_LIMIT_X: what" - no parentheses, so the
 * text fits in an Authentication-Results comment as it is */
static const char *
problem_text(inkan_verify *v)
{
	switch (v->over_limit) {
	case INKAN_ERR_HEADER_COUNT:
		return ik_verify_strf(v, "header section over "
			"INKAN_LIMIT_HEADER_FIELDS: more than %llu fields",
			(unsigned long long)inkan_ctx_limit(v->ctx,
			INKAN_LIMIT_HEADER_FIELDS));
	case INKAN_ERR_LINE_LENGTH:
		return ik_verify_strf(v, "header section over "
			"INKAN_LIMIT_HEADER_LINE: a line longer than %llu bytes",
			(unsigned long long)inkan_ctx_limit(v->ctx,
			INKAN_LIMIT_HEADER_LINE));
	default:
		return ik_verify_strf(v, "header section over "
			"INKAN_LIMIT_HEADER_BYTES: more than %llu bytes",
			(unsigned long long)inkan_ctx_limit(v->ctx,
			INKAN_LIMIT_HEADER_BYTES));
	}
}

inkan_status
ik_verify_finish_over_limit(inkan_verify *v)
{
	inkan_dmarc_result *r = &v->dmarc_fallback;
	const char *text = problem_text(v);
	inkan_status st;

	if (text == NULL)
		return INKAN_ERR_NOMEM;
	/* no author domain: DMARC is not evaluated (and gets no SPF) */
	inkan_dmarc_eval_free(v->dmarc);
	v->dmarc = NULL;
	if ((st = ik_verify_spf_finish(v)) != INKAN_OK ||
	    (st = ik_verify_add_spf_result(v)) != INKAN_OK)
		return st;
	v->res.header_error = v->over_limit;
	v->res.header_problem = text;
	memset(r, 0, sizeof(*r));
	r->verdict = INKAN_DMARC_PERMERROR;
	r->reason = text;
	r->spec = v->opt.dmarc.spec;
	r->discovery = v->opt.dmarc.discovery;
	r->author_exists = -1;
	r->dkim_aligned_index = -1;
	v->res.dmarc = r;
	v->res.outcome = ik_verify_outcome(&v->res);
	if ((st = ik_verify_notes(v)) != INKAN_OK)
		return st;
	if ((st = ik_verify_build_authres(v)) != INKAN_OK)
		return st;
	v->res.authres = v->authres;
	return INKAN_OK;
}
