/* SPDX-License-Identifier: MIT */
/*
 * verify.c - the per-message verifier (inkan/verify.h): one message fed
 * in milter order to SPF, DKIM and DMARC at once.
 *
 * Order of work, so that DNS questions overlap (ARCHITECTURE.md "DNS"):
 *   envelope        -> SPF starts (spf_job.c: worker thread)
 *   end of headers  -> From authors, DKIM key lookups, DMARC discovery
 *                      (and, through a cache, the DMARC questions SPF
 *                      alignment will need: prefetch.c)
 *   body            -> DKIM body hashes (a body sink of the message)
 *   end of message  -> DKIM verdicts, SPF joined, DMARC evaluated with
 *                      both (RFC 9989 4.4), notes and the A-R field
 * The end of the header section is caught three ways: the milter's
 * inkan_verify_eoh(), the first body byte (a body sink added before
 * DKIM's, so it runs first), and, for a feed that stops right after the
 * empty line, a check after each inkan_verify_feed().
 */
#include <string.h>

#include <inkan/authres.h>

#include "dmarc/from_results.h"
#include "core/alloc.h"
#include "core/ctx_internal.h"
#include "verify/verify_internal.h"

INKAN_API void
inkan_verify_options_init(inkan_verify_options *o)
{
	if (o == NULL)
		return;
	memset(o, 0, sizeof(*o));
	o->authserv_id = "localhost";
	inkan_dmarc_options_init(&o->dmarc);
}

static inkan_status
eoh_sink(void *ud, const char *data, size_t len);

/* RFC 8601 2.5: refuse an authserv-id now rather than at the end */
static inkan_status
check_authserv_id(inkan_ctx *ctx, const char *id)
{
	inkan_authres_builder *b = NULL;
	inkan_status st = inkan_authres_builder_new(ctx, id, &b);

	inkan_authres_builder_free(b);
	return st;
}

INKAN_API inkan_status
inkan_verify_new(inkan_ctx *ctx, const inkan_verify_options *opt,
	inkan_verify **out)
{
	inkan_verify *v;
	inkan_status st;

	if (out == NULL)
		return INKAN_ERR_INVALID;
	*out = NULL;
	if (ctx == NULL)
		return INKAN_ERR_INVALID;
	v = ik_calloc(ctx, 1, sizeof(*v));
	if (v == NULL)
		return INKAN_ERR_NOMEM;
	v->ctx = ctx;
	if (opt != NULL)
		v->opt = *opt;
	else
		inkan_verify_options_init(&v->opt);
	if (v->opt.authserv_id == NULL)
		v->opt.authserv_id = "localhost";
	if (v->opt.spf_receiver == NULL)
		v->opt.spf_receiver = v->opt.authserv_id;
	/* one switch decides partial bodies: the DKIM handle's flag, which
	 * already shows in dmarc_usable (see add_dkim_results) */
	v->opt.dmarc.allow_partial_body = 0;
	v->dkim = v->opt.dkim;
	st = check_authserv_id(ctx, v->opt.authserv_id);
	if (st == INKAN_OK && v->dkim == NULL) {
		st = inkan_dkim_new(ctx, &v->owned_dkim);
		v->dkim = v->owned_dkim;
	}
	if (st == INKAN_OK)
		st = inkan_msg_new(ctx, &v->msg);
	if (st == INKAN_OK)
		st = inkan_msg_add_body_sink(v->msg, eoh_sink, v);
	if (st == INKAN_OK)
		st = inkan_dkim_verify_new(v->dkim, v->msg, &v->dv);
	if (st == INKAN_OK)
		st = inkan_dmarc_eval_new(ctx, &v->opt.dmarc, &v->dmarc);
	if (st != INKAN_OK) {
		inkan_verify_free(v);
		return st;
	}
	*out = v;
	return INKAN_OK;
}

INKAN_API void
inkan_verify_free(inkan_verify *v)
{
	size_t i;

	if (v == NULL)
		return;
	/* the SPF thread uses the context: join it before anything goes */
	ik_verify_spf_clear(v);
	ik_verify_prefetch_clear(v);
	inkan_dmarc_eval_free(v->dmarc);
	inkan_authors_free(v->authors);
	inkan_dkim_verify_free(v->dv);
	inkan_msg_free(v->msg);
	inkan_dkim_free(v->owned_dkim);
	for (i = 0; i < v->nstrings; i++)
		ik_free(v->ctx, v->strings[i]);
	ik_free(v->ctx, v->strings);
	ik_free(v->ctx, v->notes);
	ik_free(v->ctx, v->dkim_res);
	ik_free(v->ctx, v->authres);
	ik_free(v->ctx, v);
}

INKAN_API inkan_status
inkan_verify_set_envelope(inkan_verify *v, const inkan_verify_envelope *env)
{
	inkan_status st;

	if (v == NULL || env == NULL)
		return INKAN_ERR_INVALID;
	if (v->envelope_set || v->finished)
		return INKAN_ERR_STATE;
	if ((st = ik_verify_spf_setup(v, env)) != INKAN_OK)
		return st;
	v->envelope_set = 1;
	ik_verify_spf_start(v);
	return INKAN_OK;
}

/*
 * The From fields are complete: find the author domain(s) and start the
 * DKIM key lookups and the DMARC questions. From problems are verdicts
 * (DMARC permerror), not errors of the call.
 */
static inkan_status
end_of_headers(inkan_verify *v)
{
	inkan_status st;

	if (v->eoh_done)
		return INKAN_OK;
	v->eoh_done = 1;
	st = inkan_authors_from_msg(v->ctx, v->msg, &v->authors);
	if (st == INKAN_OK) {
		st = inkan_dmarc_set_authors(v->dmarc, v->authors);
	} else if (st == INKAN_ERR_LIMIT) {
		/* inkan/address.h: over the address or comment limits DMARC
		 * cannot be evaluated at all (permanent) */
		v->authors = NULL;
		inkan_dmarc_eval_free(v->dmarc);
		v->dmarc = NULL;
		st = INKAN_OK;
	}
	if (st != INKAN_OK)
		return st;
	/* RFC 6376 6.1: the keys may be fetched before the body is seen */
	if ((st = inkan_dkim_verify_eoh(v->dv)) != INKAN_OK)
		return st;
	if (v->dmarc != NULL && (st = inkan_dmarc_start(v->dmarc)) != INKAN_OK)
		return st;
	if (v->dmarc != NULL)
		ik_verify_prefetch_alignment(v);
	return INKAN_OK;
}

static inkan_status
eoh_sink(void *ud, const char *data, size_t len)
{
	inkan_verify *v = ud;

	(void)data;
	(void)len;
	if (v->eoh_done)
		return INKAN_OK;
	return end_of_headers(v);
}

static inkan_status
sticky(inkan_verify *v, inkan_status st)
{
	if (st != INKAN_OK && v->error == INKAN_OK)
		v->error = st;
	return st;
}

/* a header cap broken is a verdict (header_limit.c): note it, go on */
static inkan_status
limit_or(inkan_verify *v, inkan_status st)
{
	if (ik_verify_is_header_limit(st) && !v->eoh_done) {
		v->over_limit = st;
		return INKAN_OK;
	}
	return st;
}

static inkan_status
can_feed(const inkan_verify *v)
{
	if (v->error != INKAN_OK)
		return v->error;
	return v->finished ? INKAN_ERR_STATE : INKAN_OK;
}

INKAN_API inkan_status
inkan_verify_feed(inkan_verify *v, const void *data, size_t len)
{
	inkan_status st;

	if (v == NULL || (data == NULL && len > 0))
		return INKAN_ERR_INVALID;
	if ((st = can_feed(v)) != INKAN_OK || v->over_limit != INKAN_OK)
		return st;
	st = limit_or(v, inkan_msg_feed(v->msg, data, len));
	if (st == INKAN_OK && !v->eoh_done && v->over_limit == INKAN_OK &&
	    inkan_msg_headers_done(v->msg))
		st = end_of_headers(v);
	return sticky(v, st);
}

INKAN_API inkan_status
inkan_verify_header(inkan_verify *v, const char *name, const char *value)
{
	inkan_status st;

	if (v == NULL || name == NULL || value == NULL)
		return INKAN_ERR_INVALID;
	if ((st = can_feed(v)) != INKAN_OK || v->over_limit != INKAN_OK)
		return st;
	st = limit_or(v, inkan_msg_add_header(v->msg, name, value));
	/* INVALID/STATE are the caller's mistakes, not the message's */
	if (st == INKAN_ERR_INVALID || st == INKAN_ERR_STATE)
		return st;
	return sticky(v, st);
}

INKAN_API inkan_status
inkan_verify_eoh(inkan_verify *v)
{
	inkan_status st;

	if (v == NULL)
		return INKAN_ERR_INVALID;
	if ((st = can_feed(v)) != INKAN_OK || v->over_limit != INKAN_OK)
		return st;
	if ((st = limit_or(v, inkan_msg_end_headers(v->msg))) != INKAN_OK ||
	    v->over_limit != INKAN_OK)
		return st == INKAN_ERR_STATE ? st : sticky(v, st);
	return sticky(v, end_of_headers(v));
}

INKAN_API inkan_status
inkan_verify_body(inkan_verify *v, const void *data, size_t len)
{
	inkan_status st;

	if (v == NULL || (data == NULL && len > 0))
		return INKAN_ERR_INVALID;
	if ((st = can_feed(v)) != INKAN_OK || v->over_limit != INKAN_OK)
		return st;
	st = inkan_msg_add_body(v->msg, data, len);
	if (st == INKAN_ERR_STATE)
		return st;
	return sticky(v, st);
}

/* RFC 9989 4.4.1: every signature's verdict and d=, and whether its l=
 * left body text unsigned (then, unless the DKIM handle allows it for
 * DMARC, the pass may not align) */
static inkan_status
add_dkim_results(inkan_verify *v)
{
	size_t i, n = inkan_dkim_verify_count(v->dv);
	inkan_status st;

	v->res.dkim_skipped = inkan_dkim_verify_skipped(v->dv);
	if (n == 0)
		return INKAN_OK;
	v->dkim_res = ik_calloc(v->ctx, n, sizeof(*v->dkim_res));
	if (v->dkim_res == NULL)
		return INKAN_ERR_NOMEM;
	for (i = 0; i < n; i++) {
		const inkan_dkim_result *r = inkan_dkim_verify_result(v->dv, i);
		v->dkim_res[i] = *r;
		if (v->dmarc == NULL || r->domain == NULL)
			continue;
		st = inkan_dmarc_add_dkim(v->dmarc,
			ik_dmarc_dkim_input(r->verdict), r->domain,
			r->selector, r->partial_body && !r->dmarc_usable);
		/* a d= DMARC cannot use as a name only fails to align */
		if (st == INKAN_ERR_NOMEM)
			return st;
	}
	v->res.dkim = v->dkim_res;
	v->res.ndkim = n;
	return INKAN_OK;
}

/* RFC 9989 4.4.2: only the MAIL FROM identity (postmaster@HELO for a
 * null sender) counts for DMARC */
inkan_status
ik_verify_add_spf_result(inkan_verify *v)
{
	const struct ik_verify_spf *s = &v->spf;
	inkan_status st;

	v->res.spf_status = s->status;
	v->res.spf = s->verdict;
	if (v->dmarc == NULL || s->verdict == NULL)
		return INKAN_OK;
	st = inkan_dmarc_set_spf(v->dmarc,
		ik_dmarc_spf_input(s->verdict->result),
		s->req.mail_from != NULL && s->req.mail_from[0] != '\0' ?
		s->verdict->domain : NULL, s->helo);
	return st == INKAN_ERR_NOMEM ? st : INKAN_OK;
}

static void
dmarc_unusable_from(inkan_verify *v)
{
	inkan_dmarc_result *r = &v->dmarc_fallback;

	memset(r, 0, sizeof(*r));
	r->verdict = INKAN_DMARC_PERMERROR;
	r->reason = "the From field has more addresses or nested comments "
		"than the limits allow";
	r->spec = v->opt.dmarc.spec;
	r->discovery = v->opt.dmarc.discovery;
	r->author_exists = -1;
	r->dkim_aligned_index = -1;
	v->res.dmarc = r;
}

static inkan_status
finish(inkan_verify *v)
{
	inkan_status st;

	if (v->over_limit == INKAN_OK)
		st = limit_or(v, inkan_msg_finish(v->msg));
	else
		st = INKAN_OK;
	if (v->over_limit != INKAN_OK)
		return st != INKAN_OK ? st : ik_verify_finish_over_limit(v);
	if (st != INKAN_OK)
		return st;
	if ((st = end_of_headers(v)) != INKAN_OK)
		return st;
	if ((st = inkan_dkim_verify_eom(v->dv)) != INKAN_OK)
		return st;
	if ((st = ik_verify_spf_finish(v)) != INKAN_OK)
		return st;
	if ((st = add_dkim_results(v)) != INKAN_OK ||
	    (st = ik_verify_add_spf_result(v)) != INKAN_OK)
		return st;
	if (v->dmarc == NULL)
		dmarc_unusable_from(v);
	else if ((st = inkan_dmarc_evaluate(v->dmarc, &v->res.dmarc)) !=
	    INKAN_OK)
		return st;
	v->res.outcome = ik_verify_outcome(&v->res);
	if ((st = ik_verify_notes(v)) != INKAN_OK)
		return st;
	if ((st = ik_verify_build_authres(v)) != INKAN_OK)
		return st;
	v->res.authres = v->authres;
	return INKAN_OK;
}

INKAN_API inkan_status
inkan_verify_eom(inkan_verify *v, const inkan_verify_result **res)
{
	if (res != NULL)
		*res = NULL;
	if (v == NULL || res == NULL)
		return INKAN_ERR_INVALID;
	if (!v->finished) {
		v->finished = 1;
		if (v->error == INKAN_OK)
			sticky(v, finish(v));
		if (v->error != INKAN_OK)
			ik_log(v->ctx, INKAN_LOG_INFO, "verify: %s",
				inkan_strerror(v->error));
	}
	if (v->error != INKAN_OK)
		return v->error;
	*res = &v->res;
	return INKAN_OK;
}

INKAN_API const inkan_msg *
inkan_verify_msg(const inkan_verify *v)
{
	return v != NULL ? v->msg : NULL;
}

INKAN_API const char *
inkan_verify_outcome_name(inkan_verify_outcome o)
{
	switch (o) {
	case INKAN_VERIFY_PASS: return "pass";
	case INKAN_VERIFY_NEUTRAL: return "neutral";
	case INKAN_VERIFY_FAIL: return "fail";
	case INKAN_VERIFY_TEMPERROR: return "temperror";
	}
	return "?";
}
