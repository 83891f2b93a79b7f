/* SPDX-License-Identifier: MIT */
/*
 * build.c - Authentication-Results builder (RFC 8601 2.2; RFC 8617 4.1.1
 * for the ARC form). The layout (folding) lives in render.c.
 *
 * Inputs are checked when they are added, so a builder that took them
 * always renders a field this library's parser reads back to the same
 * values (the unit tests and the fuzz target check this). What the
 * builder holds is capped at INKAN_AUTHRES_MAX_OUTPUT bytes, so a caller
 * in a loop cannot make it grow without bound.
 */
#include <string.h>

#include <inkan/authres.h>

#include "authres/build_internal.h"
#include "authres/lex.h"
#include "core/alloc.h"
#include "core/ascii.h"

/* room counted per stored string for quotes, separators and escapes
 * that the string alone does not show */
#define ITEM_OVERHEAD 8

static int
is_digits(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!ik_is_digit((unsigned char)*s))
			return 0;
	return 1;
}

/* text that may go into a quoted-string or comment: no control
 * characters other than HTAB (a CR or LF would end the field) */
static int
is_text(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;

	for (; *u != '\0'; u++)
		if ((*u < 0x20 && *u != '\t') || *u == 0x7f)
			return 0;
	return 1;
}

static int
is_keyword(const char *s)
{
	return ik_ar_is_keyword(s, strlen(s));
}

/* account for @n more bytes; INKAN_ERR_LIMIT when over the cap */
static inkan_status
charge(inkan_authres_builder *b, size_t n)
{
	if (n > INKAN_AUTHRES_MAX_OUTPUT ||
	    b->bytes + n + ITEM_OVERHEAD > INKAN_AUTHRES_MAX_OUTPUT)
		return INKAN_ERR_LIMIT;
	b->bytes += n + ITEM_OVERHEAD;
	return INKAN_OK;
}

/* give back what a string being replaced was charged */
static void
refund(inkan_authres_builder *b, const char *old)
{
	if (old != NULL)
		b->bytes -= strlen(old) + ITEM_OVERHEAD;
}

static inkan_status
dup_charged(inkan_authres_builder *b, const char *s, char **out)
{
	size_t n = strlen(s);
	inkan_status st;

	if ((st = charge(b, n)) != INKAN_OK)
		return st;
	if ((*out = ik_strndup(b->ctx, s, n)) == NULL) {
		b->bytes -= n + ITEM_OVERHEAD;
		return INKAN_ERR_NOMEM;
	}
	return INKAN_OK;
}

INKAN_API inkan_status
inkan_authres_builder_new(inkan_ctx *ctx, const char *authserv_id,
	inkan_authres_builder **out)
{
	inkan_authres_builder *b;
	inkan_status st;

	if (out != NULL)
		*out = NULL;
	if (ctx == NULL || out == NULL || authserv_id == NULL)
		return INKAN_ERR_INVALID;
	/* RFC 8601 2.5: the id is what consumers match on; it must exist */
	if (*authserv_id == '\0' || !is_text(authserv_id))
		return INKAN_ERR_INVALID;
	if ((b = ik_calloc(ctx, 1, sizeof(*b))) == NULL)
		return INKAN_ERR_NOMEM;
	b->ctx = ctx;
	if ((st = dup_charged(b, authserv_id, &b->authserv_id)) != INKAN_OK) {
		ik_free(ctx, b);
		return st;
	}
	*out = b;
	return INKAN_OK;
}

static void
free_resinfo(const inkan_ctx *ctx, struct ik_ar_bresinfo *r)
{
	size_t i;

	ik_free(ctx, r->method);
	ik_free(ctx, r->method_version);
	ik_free(ctx, r->result);
	ik_free(ctx, r->reason);
	for (i = 0; i < r->ncomments; i++)
		ik_free(ctx, r->comments[i]);
	ik_free(ctx, r->comments);
	for (i = 0; i < r->nprops; i++) {
		ik_free(ctx, r->props[i].ptype);
		ik_free(ctx, r->props[i].property);
		ik_free(ctx, r->props[i].value);
	}
	ik_free(ctx, r->props);
}

INKAN_API void
inkan_authres_builder_free(inkan_authres_builder *b)
{
	size_t i;

	if (b == NULL)
		return;
	for (i = 0; i < b->nri; i++)
		free_resinfo(b->ctx, &b->ri[i]);
	ik_free(b->ctx, b->ri);
	ik_free(b->ctx, b->authserv_id);
	ik_free(b->ctx, b->version);
	ik_free(b->ctx, b);
}

INKAN_API inkan_status
inkan_authres_builder_set_version(inkan_authres_builder *b,
	const char *version)
{
	char *v = NULL;
	inkan_status st;

	if (b == NULL)
		return INKAN_ERR_INVALID;
	if (version != NULL) {
		/* RFC 8601 2.2: authres-version = 1*DIGIT */
		if (!is_digits(version))
			return INKAN_ERR_INVALID;
		if ((st = dup_charged(b, version, &v)) != INKAN_OK)
			return st;
	}
	refund(b, b->version);
	ik_free(b->ctx, b->version);
	b->version = v;
	return INKAN_OK;
}

INKAN_API inkan_status
inkan_authres_builder_set_instance(inkan_authres_builder *b,
	unsigned instance)
{
	/* RFC 8617 4.2.1: 1 to 50 */
	if (b == NULL || instance > 50)
		return INKAN_ERR_INVALID;
	b->instance = instance;
	return INKAN_OK;
}

INKAN_API inkan_status
inkan_authres_builder_set_style(inkan_authres_builder *b, unsigned flags)
{
	if (b == NULL || (flags & ~(INKAN_AUTHRES_STYLE_LF |
	    INKAN_AUTHRES_STYLE_NO_WRAP)) != 0)
		return INKAN_ERR_INVALID;
	b->flags = flags;
	return INKAN_OK;
}

/* grow an array of @size-byte items to hold one more */
static inkan_status
grow(const inkan_ctx *ctx, void **arr, size_t n, size_t *cap, size_t size)
{
	size_t ncap;
	void *p;

	if (n < *cap)
		return INKAN_OK;
	ncap = *cap ? *cap * 2 : 4;
	if ((p = ik_reallocarray(ctx, *arr, ncap, size)) == NULL)
		return INKAN_ERR_NOMEM;
	*arr = p;
	*cap = ncap;
	return INKAN_OK;
}

INKAN_API inkan_status
inkan_authres_builder_add(inkan_authres_builder *b, const char *method,
	const char *method_version, const char *result)
{
	struct ik_ar_bresinfo r;
	inkan_status st;
	size_t saved;

	if (b == NULL || method == NULL || result == NULL)
		return INKAN_ERR_INVALID;
	if (!is_keyword(method) || !is_keyword(result) ||
	    (method_version != NULL && !is_digits(method_version)))
		return INKAN_ERR_INVALID;
	st = grow(b->ctx, (void **)&b->ri, b->nri, &b->ri_cap, sizeof(r));
	if (st != INKAN_OK)
		return st;
	memset(&r, 0, sizeof(r));
	saved = b->bytes;
	if ((st = dup_charged(b, method, &r.method)) != INKAN_OK ||
	    (st = dup_charged(b, result, &r.result)) != INKAN_OK ||
	    (method_version != NULL && (st = dup_charged(b, method_version,
	    &r.method_version)) != INKAN_OK)) {
		free_resinfo(b->ctx, &r);
		b->bytes = saved;
		return st;
	}
	b->ri[b->nri++] = r;
	return INKAN_OK;
}

static struct ik_ar_bresinfo *
current(inkan_authres_builder *b)
{
	return b->nri > 0 ? &b->ri[b->nri - 1] : NULL;
}

INKAN_API inkan_status
inkan_authres_builder_reason(inkan_authres_builder *b, const char *reason)
{
	struct ik_ar_bresinfo *r;
	inkan_status st;
	char *s;

	if (b == NULL || reason == NULL || !is_text(reason))
		return INKAN_ERR_INVALID;
	if ((r = current(b)) == NULL)
		return INKAN_ERR_STATE;
	if ((st = dup_charged(b, reason, &s)) != INKAN_OK)
		return st;
	refund(b, r->reason);
	ik_free(b->ctx, r->reason);
	r->reason = s;
	return INKAN_OK;
}

/* RFC 5322 comment text with runs of WSP made one space, trimmed: the
 * parser reads it back the same however the field gets folded */
static void
squeeze_space(char *s)
{
	char *w = s, *r;
	int space = 0;

	for (r = s; *r != '\0'; r++) {
		if (ik_is_wsp(*r)) {
			space = 1;
			continue;
		}
		if (space && w != s)
			*w++ = ' ';
		space = 0;
		*w++ = *r;
	}
	*w = '\0';
}

INKAN_API inkan_status
inkan_authres_builder_comment(inkan_authres_builder *b, const char *comment)
{
	struct ik_ar_bresinfo *r;
	inkan_status st;
	char *s;

	if (b == NULL || comment == NULL || !is_text(comment))
		return INKAN_ERR_INVALID;
	if ((r = current(b)) == NULL)
		return INKAN_ERR_STATE;
	st = grow(b->ctx, (void **)&r->comments, r->ncomments,
		&r->comments_cap, sizeof(*r->comments));
	if (st != INKAN_OK)
		return st;
	if ((st = dup_charged(b, comment, &s)) != INKAN_OK)
		return st;
	squeeze_space(s);
	if (*s == '\0') {
		/* nothing to say: an empty "()" would read back as none */
		refund(b, comment);
		ik_free(b->ctx, s);
		return INKAN_OK;
	}
	r->comments[r->ncomments++] = s;
	return INKAN_OK;
}

/* RFC 8601 2.3 and the IANA "Email Authentication Property Types"
 * registry (RFC 7410; "dns" from RFC 8904) */
static const char *const ptypes[] = {
	"smtp", "header", "body", "policy", "dns"
};

static int
is_registered_ptype(const char *s)
{
	size_t i;

	for (i = 0; i < sizeof(ptypes) / sizeof(ptypes[0]); i++)
		if (ik_ascii_eqz(s, strlen(s), ptypes[i]))
			return 1;
	return 0;
}

INKAN_API inkan_status
inkan_authres_builder_prop(inkan_authres_builder *b, const char *ptype,
	const char *property, const char *value)
{
	struct ik_ar_bresinfo *r;
	struct ik_ar_bprop p;
	inkan_status st;
	size_t saved;

	if (b == NULL || ptype == NULL || property == NULL || value == NULL)
		return INKAN_ERR_INVALID;
	/* RFC 8601 2.3: results with unknown ptypes must not be used, so
	 * never write one */
	if (!is_registered_ptype(ptype) || !is_keyword(property) ||
	    !is_text(value))
		return INKAN_ERR_INVALID;
	if ((r = current(b)) == NULL)
		return INKAN_ERR_STATE;
	st = grow(b->ctx, (void **)&r->props, r->nprops, &r->props_cap,
		sizeof(p));
	if (st != INKAN_OK)
		return st;
	memset(&p, 0, sizeof(p));
	saved = b->bytes;
	if ((st = dup_charged(b, ptype, &p.ptype)) != INKAN_OK ||
	    (st = dup_charged(b, property, &p.property)) != INKAN_OK ||
	    (st = dup_charged(b, value, &p.value)) != INKAN_OK) {
		ik_free(b->ctx, p.ptype);
		ik_free(b->ctx, p.property);
		ik_free(b->ctx, p.value);
		b->bytes = saved;
		return st;
	}
	r->props[r->nprops++] = p;
	return INKAN_OK;
}

INKAN_API inkan_status
inkan_authres_build(const inkan_authres_builder *b, char **text, size_t *len)
{
	return ik_ar_render(b, 1, text, len);
}

INKAN_API inkan_status
inkan_authres_build_value(const inkan_authres_builder *b, char **text,
	size_t *len)
{
	return ik_ar_render(b, 0, text, len);
}
