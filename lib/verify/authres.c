/* SPDX-License-Identifier: MIT */
/*
 * authres.c - the combined Authentication-Results field (RFC 8601) of the
 * verifier, in the form Gmail's "Show original" shows:
 *
 *   Authentication-Results: mx.example.net;
 *          spf=pass (mx.example.net: domain of b@bounce.example.com
 *           designates 192.0.2.25 as permitted sender)
 *           smtp.mailfrom=b@bounce.example.com;
 *          dkim=pass header.i=@example.com header.s=sel header.b=AbCdEfGh;
 *          dmarc=pass (p=NONE sp=NONE dis=NONE) header.from=example.com
 *
 * Each method's own module writes its resinfo (inkan_spf_authres_add,
 * inkan_dkim_result_to_authres, inkan_dmarc_authres_add), through one
 * builder so that folding and quoting are the builder's. SPF that was
 * not checked
 * is reported as "spf=none" with a comment saying why (RFC 8601 2.7.2:
 * no checkable identity), so a reader sees it was not forgotten.
 */
#include <inkan/authres.h>

#include "core/alloc.h"
#include "verify/verify_internal.h"

static const char *
spf_not_checked(inkan_verify_spf_status s)
{
	switch (s) {
	case INKAN_VERIFY_SPF_NO_IP: return "not checked: no client IP given";
	case INKAN_VERIFY_SPF_NO_MAIL_FROM:
		return "not checked: no MAIL FROM given";
	case INKAN_VERIFY_SPF_NO_HELO:
		return "not checked: null sender and no HELO given";
	case INKAN_VERIFY_SPF_CHECKED: break;
	}
	return "not checked";
}

static inkan_status
add_spf(const inkan_verify *v, inkan_authres_builder *b)
{
	const struct ik_verify_spf *s = &v->spf;
	inkan_status st;

	if (v->res.spf != NULL)
		return inkan_spf_authres_add(v->ctx, b, v->res.spf,
			v->opt.authserv_id);
	st = inkan_authres_builder_add(b, "spf", NULL, "none");
	if (st == INKAN_OK)
		st = inkan_authres_builder_comment(b,
			spf_not_checked(v->res.spf_status));
	/* a value the builder refuses (control characters) is left out */
	if (st == INKAN_OK && s->mail_from != NULL && s->mail_from[0] != '\0' &&
	    inkan_authres_builder_prop(b, "smtp", "mailfrom", s->mail_from) ==
	    INKAN_ERR_NOMEM)
		st = INKAN_ERR_NOMEM;
	return st;
}

/* RFC 8601 2.7.1, in the DKIM module's form; a sender-chosen value the
 * builder refuses stays out, the entry itself is kept */
static inkan_status
add_dkim_one(inkan_authres_builder *b, const inkan_dkim_result *r)
{
	inkan_status st = inkan_dkim_result_to_authres(r, b);

	return st == INKAN_ERR_INVALID ? INKAN_OK : st;
}

INKAN_API inkan_status
inkan_verify_authres_add(const inkan_verify *v, inkan_authres_builder *b)
{
	inkan_status st;
	size_t i;

	if (v == NULL || b == NULL)
		return INKAN_ERR_INVALID;
	if (!v->finished || v->error != INKAN_OK || v->res.dmarc == NULL)
		return INKAN_ERR_STATE;
	if ((st = add_spf(v, b)) != INKAN_OK)
		return st;
	for (i = 0; i < v->res.ndkim; i++)
		if ((st = add_dkim_one(b, &v->res.dkim[i])) != INKAN_OK)
			return st;
	if (v->res.header_error != INKAN_OK) {
		/* header_limit.c: no signature could be checked */
		st = inkan_authres_builder_add(b, "dkim", NULL, "permerror");
		if (st == INKAN_OK)
			st = inkan_authres_builder_comment(b,
				v->res.header_problem);
		if (st != INKAN_OK)
			return st;
	} else if (v->res.ndkim == 0) {
		st = inkan_authres_builder_add(b, "dkim", NULL, "none");
		if (st == INKAN_OK)
			st = inkan_authres_builder_comment(b, "no signature");
		if (st != INKAN_OK)
			return st;
	}
	return inkan_dmarc_authres_add(v->res.dmarc, b);
}

static inkan_status
render(const inkan_verify *v, unsigned style, int value_only, char **text,
	size_t *len)
{
	inkan_authres_builder *b = NULL;
	inkan_status st;

	st = inkan_authres_builder_new(v->ctx, v->opt.authserv_id, &b);
	if (st == INKAN_OK)
		st = inkan_authres_builder_set_style(b, style);
	if (st == INKAN_OK)
		st = inkan_verify_authres_add(v, b);
	if (st == INKAN_OK)
		st = value_only ? inkan_authres_build_value(b, text, len) :
			inkan_authres_build(b, text, len);
	inkan_authres_builder_free(b);
	return st;
}

INKAN_API inkan_status
inkan_verify_authres(const inkan_verify *v, unsigned style, int value_only,
	char **text, size_t *len)
{
	if (text != NULL)
		*text = NULL;
	if (v == NULL || text == NULL)
		return INKAN_ERR_INVALID;
	return render(v, style, value_only, text, len);
}

inkan_status
ik_verify_build_authres(inkan_verify *v)
{
	inkan_status st;

	st = render(v, v->opt.authres_style, 0, &v->authres, NULL);
	/* an authserv-id the builder refuses is the caller's mistake */
	return st == INKAN_ERR_INVALID ? INKAN_ERR_CONFIG : st;
}
