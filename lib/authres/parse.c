/* SPDX-License-Identifier: MIT */
/*
 * parse.c - Authentication-Results parser (RFC 8601 2.2) and the ARC
 * variant (RFC 8617 4.1.1). Leniencies and limits: inkan/authres.h.
 *
 * One pass, no backtracking: every step either consumes input or ends the
 * parse. Strings are written into one pool (NUL-separated) and addressed
 * by offset while the pool may still grow; the public structs are made
 * once at the end, so a failed parse frees everything and hands out
 * nothing.
 */
#include <string.h>

#include <inkan/authres.h>

#include "authres/lex.h"
#include "core/alloc.h"
#include "core/ascii.h"
#include "core/buf.h"
#include "core/ctx_internal.h"

#define NO_STR SIZE_MAX

struct p_resinfo {
	size_t method, method_version, result, reason, comment;
	size_t nprops;
};

struct p_prop {
	size_t ptype, property, value;
};

struct parser {
	inkan_ctx *ctx;
	ik_ar_cur cur;
	ik_buf pool;
	struct p_resinfo *ri;
	size_t nri, ri_cap, max_ri;
	struct p_prop *pp;
	size_t npp, pp_cap;
	size_t id, version;
	unsigned instance;
};

struct inkan_authres {
	inkan_ctx *ctx;
	char *pool;
	const char *authserv_id;
	const char *version;
	unsigned instance;
	inkan_authres_resinfo *ri;
	size_t nri;
	inkan_authres_prop *props;
};

static inkan_status
cfws(struct parser *p)
{
	return ik_ar_cfws(&p->cur, NULL, NULL);
}

/* end a string in the pool; *off gets where it starts */
static inkan_status
pool_end(struct parser *p, size_t start, size_t *off)
{
	inkan_status st = ik_buf_append(&p->pool, "", 1);

	if (st == INKAN_OK)
		*off = start;
	return st;
}

/* copy @n input bytes at the cursor into the pool and move past them */
static inkan_status
take(struct parser *p, size_t n, size_t *off)
{
	size_t start = p->pool.len;
	inkan_status st;

	st = ik_buf_append(&p->pool, p->cur.s + p->cur.pos, n);
	if (st != INKAN_OK)
		return st;
	p->cur.pos += n;
	return pool_end(p, start, off);
}

static inkan_status
keyword(struct parser *p, size_t *off)
{
	size_t n = ik_ar_span(&p->cur, ik_ar_is_keyword_char);

	if (!ik_ar_is_keyword(p->cur.s + p->cur.pos, n))
		return INKAN_ERR_SYNTAX;
	return take(p, n, off);
}

/* RFC 2045 5.1 value = token / quoted-string */
static inkan_status
value(struct parser *p, size_t *off)
{
	size_t start = p->pool.len, n;
	inkan_status st;

	if (ik_ar_peek(&p->cur) == '"') {
		if ((st = ik_ar_quoted(&p->cur, &p->pool)) != INKAN_OK)
			return st;
		return pool_end(p, start, off);
	}
	n = ik_ar_span(&p->cur, ik_ar_is_token_char);
	if (n == 0)
		return INKAN_ERR_SYNTAX;
	return take(p, n, off);
}

/*
 * RFC 8601 2.2 pvalue = [CFWS] ( value / [ [ local-part ] "@" ]
 * domain-name ) [CFWS], read leniently (inkan/authres.h). A quoted
 * local-part stays quoted so the value is still an address.
 */
static inkan_status
pvalue(struct parser *p, size_t *off)
{
	size_t start = p->pool.len, qstart, i, n;
	inkan_status st;
	char ch;

	if ((st = cfws(p)) != INKAN_OK)
		return st;
	if (ik_ar_peek(&p->cur) == '"') {
		qstart = p->cur.pos;
		if ((st = ik_ar_quoted(&p->cur, &p->pool)) != INKAN_OK)
			return st;
		if (ik_ar_peek(&p->cur) == '@') {
			/* addr-spec: keep the local-part as written, less
			 * the line breaks of folding */
			p->pool.len = start;
			for (i = qstart; i < p->cur.pos; i++) {
				ch = p->cur.s[i];
				if (ch == '\r' || ch == '\n')
					continue;
				if ((st = ik_buf_putc(&p->pool, ch)) !=
				    INKAN_OK)
					return st;
			}
			n = ik_ar_span(&p->cur, ik_ar_is_pvalue_char);
			/* "@" and at least one more character */
			if (n < 2)
				return INKAN_ERR_SYNTAX;
			st = ik_buf_append(&p->pool, p->cur.s + p->cur.pos, n);
			if (st != INKAN_OK)
				return st;
			p->cur.pos += n;
		}
		if ((st = pool_end(p, start, off)) != INKAN_OK)
			return st;
	} else {
		n = ik_ar_span(&p->cur, ik_ar_is_pvalue_char);
		if (n == 0)
			return INKAN_ERR_SYNTAX;
		if ((st = take(p, n, off)) != INKAN_OK)
			return st;
	}
	return cfws(p);
}

static inkan_status
new_resinfo(struct parser *p, size_t method)
{
	struct p_resinfo *ri;
	size_t ncap;

	/* no fixed array: grow, but refuse past the configured cap */
	if (p->nri >= p->max_ri)
		return INKAN_ERR_LIMIT;
	if (p->nri == p->ri_cap) {
		ncap = p->ri_cap ? p->ri_cap * 2 : 8;
		ri = ik_reallocarray(p->ctx, p->ri, ncap, sizeof(*ri));
		if (ri == NULL)
			return INKAN_ERR_NOMEM;
		p->ri = ri;
		p->ri_cap = ncap;
	}
	ri = &p->ri[p->nri++];
	ri->method = method;
	ri->method_version = NO_STR;
	ri->result = NO_STR;
	ri->reason = NO_STR;
	ri->comment = NO_STR;
	ri->nprops = 0;
	return INKAN_OK;
}

static inkan_status
new_prop(struct parser *p, struct p_prop **out)
{
	struct p_prop *pp;
	size_t ncap;

	/* bounded by the input: every property takes at least 4 bytes */
	if (p->npp == p->pp_cap) {
		ncap = p->pp_cap ? p->pp_cap * 2 : 8;
		pp = ik_reallocarray(p->ctx, p->pp, ncap, sizeof(*pp));
		if (pp == NULL)
			return INKAN_ERR_NOMEM;
		p->pp = pp;
		p->pp_cap = ncap;
	}
	*out = &p->pp[p->npp++];
	p->ri[p->nri - 1].nprops++;
	return INKAN_OK;
}

/* propspec after its ptype and CFWS: "." property "=" pvalue */
static inkan_status
propspec(struct parser *p, size_t ptype)
{
	struct p_prop *pp;
	size_t property, val;
	inkan_status st;

	p->cur.pos++;	/* "." */
	if ((st = cfws(p)) != INKAN_OK)
		return st;
	/* property = special-smtp-verb / Keyword: both are keywords */
	if ((st = keyword(p, &property)) != INKAN_OK)
		return st;
	if ((st = cfws(p)) != INKAN_OK)
		return st;
	if (ik_ar_peek(&p->cur) != '=')
		return INKAN_ERR_SYNTAX;
	p->cur.pos++;
	if ((st = pvalue(p, &val)) != INKAN_OK)
		return st;
	if ((st = new_prop(p, &pp)) != INKAN_OK)
		return st;
	pp->ptype = ptype;
	pp->property = property;
	pp->value = val;
	return INKAN_OK;
}

static int
pool_eq(const struct parser *p, size_t off, const char *word)
{
	const char *s = p->pool.data + off;

	return ik_ascii_eqz(s, strlen(s), word);
}

/*
 * The rest of a resinfo after its method keyword and CFWS:
 * [ "/" method-version ] "=" result [ reasonspec ] *propspec.
 * Stops before ";" or at the end.
 */
static inkan_status
resinfo(struct parser *p)
{
	struct p_resinfo *ri = &p->ri[p->nri - 1];
	ik_ar_sink sink;
	size_t kw, n;
	inkan_status st;
	int ch;

	if (ik_ar_peek(&p->cur) == '/') {
		/* RFC 8601 2.2: method-version = 1*DIGIT [CFWS] */
		p->cur.pos++;
		if ((st = cfws(p)) != INKAN_OK)
			return st;
		n = ik_ar_span(&p->cur, ik_ar_is_digit_char);
		if (n == 0)
			return INKAN_ERR_SYNTAX;
		if ((st = take(p, n, &ri->method_version)) != INKAN_OK)
			return st;
		if ((st = cfws(p)) != INKAN_OK)
			return st;
	}
	if (ik_ar_peek(&p->cur) != '=')
		return INKAN_ERR_SYNTAX;
	p->cur.pos++;
	if ((st = cfws(p)) != INKAN_OK)
		return st;
	if ((st = keyword(p, &ri->result)) != INKAN_OK)
		return st;
	/* the comments right after the result carry its detail */
	sink.buf = &p->pool;
	sink.start = p->pool.len;
	sink.pending_space = 0;
	if ((st = ik_ar_cfws(&p->cur, &sink, NULL)) != INKAN_OK)
		return st;
	if (p->pool.len > sink.start &&
	    (st = pool_end(p, sink.start, &ri->comment)) != INKAN_OK)
		return st;
	for (;;) {
		ch = ik_ar_peek(&p->cur);
		if (ch == -1 || ch == ';')
			return INKAN_OK;
		if ((st = keyword(p, &kw)) != INKAN_OK)
			return st;
		if ((st = cfws(p)) != INKAN_OK)
			return st;
		ch = ik_ar_peek(&p->cur);
		if (ch == '.') {
			st = propspec(p, kw);
		} else if (ch == '=' && ri->reason == NO_STR &&
		    pool_eq(p, kw, "reason")) {
			/* reasonspec = "reason" [CFWS] "=" [CFWS] value */
			p->cur.pos++;
			if ((st = cfws(p)) != INKAN_OK)
				return st;
			if ((st = value(p, &ri->reason)) != INKAN_OK)
				return st;
			st = cfws(p);
		} else {
			return INKAN_ERR_SYNTAX;
		}
		if (st != INKAN_OK)
			return st;
	}
}

/* RFC 8601 2.2 authres-payload */
static inkan_status
payload(struct parser *p)
{
	inkan_status st;
	size_t kw, n;
	int seen;

	if ((st = cfws(p)) != INKAN_OK)
		return st;
	if ((st = value(p, &p->id)) != INKAN_OK)
		return st;
	/* an empty authserv-id names nobody: nothing can trust it */
	if (p->pool.data[p->id] == '\0')
		return INKAN_ERR_SYNTAX;
	if ((st = ik_ar_cfws(&p->cur, NULL, &seen)) != INKAN_OK)
		return st;
	n = ik_ar_span(&p->cur, ik_ar_is_digit_char);
	if (seen && n > 0) {
		/* authres-version = 1*DIGIT [CFWS] */
		if ((st = take(p, n, &p->version)) != INKAN_OK)
			return st;
		if ((st = cfws(p)) != INKAN_OK)
			return st;
	}
	if (ik_ar_peek(&p->cur) != ';')
		return INKAN_ERR_SYNTAX;
	p->cur.pos++;
	if ((st = cfws(p)) != INKAN_OK)
		return st;
	if ((st = keyword(p, &kw)) != INKAN_OK)
		return st;
	if ((st = cfws(p)) != INKAN_OK)
		return st;
	/* no-result = [CFWS] ";" [CFWS] "none"; "none=" is a method */
	if (ik_ar_peek(&p->cur) != '=' && ik_ar_peek(&p->cur) != '/' &&
	    pool_eq(p, kw, "none")) {
		if (ik_ar_peek(&p->cur) == ';') {
			p->cur.pos++;
			if ((st = cfws(p)) != INKAN_OK)
				return st;
		}
		return ik_ar_end(&p->cur) ? INKAN_OK : INKAN_ERR_SYNTAX;
	}
	for (;;) {
		if ((st = new_resinfo(p, kw)) != INKAN_OK)
			return st;
		if ((st = resinfo(p)) != INKAN_OK)
			return st;
		if (ik_ar_end(&p->cur))
			return INKAN_OK;
		p->cur.pos++;	/* ";" */
		if ((st = cfws(p)) != INKAN_OK)
			return st;
		/* one ";" after the last resinfo is tolerated */
		if (ik_ar_end(&p->cur))
			return INKAN_OK;
		if ((st = keyword(p, &kw)) != INKAN_OK)
			return st;
		if ((st = cfws(p)) != INKAN_OK)
			return st;
	}
}

static const char *
str_at(char *pool, size_t off)
{
	return off == NO_STR ? NULL : pool + off;
}

/* turn the offsets into the public result; takes the pool */
static inkan_status
finish(struct parser *p, inkan_authres **out)
{
	inkan_authres *ar;
	struct p_resinfo *r;
	size_t i, j, k = 0;
	inkan_status st;

	ar = ik_calloc(p->ctx, 1, sizeof(*ar));
	if (ar == NULL)
		return INKAN_ERR_NOMEM;
	ar->ctx = p->ctx;
	if ((st = ik_buf_take(&p->pool, &ar->pool, NULL)) != INKAN_OK)
		goto fail;
	st = INKAN_ERR_NOMEM;
	if (p->nri > 0 &&
	    (ar->ri = ik_calloc(p->ctx, p->nri, sizeof(*ar->ri))) == NULL)
		goto fail;
	if (p->npp > 0 && (ar->props = ik_calloc(p->ctx, p->npp,
	    sizeof(*ar->props))) == NULL)
		goto fail;
	ar->authserv_id = str_at(ar->pool, p->id);
	ar->version = str_at(ar->pool, p->version);
	ar->instance = p->instance;
	ar->nri = p->nri;
	for (i = 0; i < p->nri; i++) {
		r = &p->ri[i];
		ar->ri[i].method = str_at(ar->pool, r->method);
		ar->ri[i].method_version = str_at(ar->pool, r->method_version);
		ar->ri[i].result = str_at(ar->pool, r->result);
		ar->ri[i].reason = str_at(ar->pool, r->reason);
		ar->ri[i].comment = str_at(ar->pool, r->comment);
		ar->ri[i].nprops = r->nprops;
		ar->ri[i].props = r->nprops ? &ar->props[k] : NULL;
		/* properties were stored in resinfo order */
		for (j = 0; j < r->nprops; j++, k++) {
			ar->props[k].ptype = str_at(ar->pool, p->pp[k].ptype);
			ar->props[k].property =
				str_at(ar->pool, p->pp[k].property);
			ar->props[k].value = str_at(ar->pool, p->pp[k].value);
		}
	}
	*out = ar;
	return INKAN_OK;
fail:
	inkan_authres_free(ar);
	return st;
}

static inkan_status
parse(inkan_ctx *ctx, const char *value_, size_t len, int arc,
	inkan_authres **out)
{
	struct parser p;
	inkan_status st;

	if (out != NULL)
		*out = NULL;
	if (ctx == NULL || out == NULL || (value_ == NULL && len > 0))
		return INKAN_ERR_INVALID;
	if (len > ik_limit(ctx, INKAN_LIMIT_HEADER_BYTES) ||
	    len > (SIZE_MAX - 16) / 2)
		return INKAN_ERR_LIMIT;
	memset(&p, 0, sizeof(p));
	p.ctx = ctx;
	p.id = NO_STR;
	p.version = NO_STR;
	p.max_ri = ik_limit(ctx, INKAN_LIMIT_AUTHRES_RESINFOS);
	ik_ar_cur_init(&p.cur, value_ != NULL ? value_ : "", len,
		ik_limit(ctx, INKAN_LIMIT_COMMENT_DEPTH));
	/* every stored string is at most its input bytes plus a NUL, and
	 * strings never share input bytes: 2 * len bounds the pool */
	ik_buf_init(&p.pool, ctx, 2 * len + 16);
	st = INKAN_OK;
	if (arc)
		st = ik_ar_instance(&p.cur, &p.instance);
	if (st == INKAN_OK)
		st = payload(&p);
	if (st == INKAN_OK)
		st = finish(&p, out);
	ik_buf_free(&p.pool);
	ik_free(ctx, p.ri);
	ik_free(ctx, p.pp);
	return st;
}

INKAN_API inkan_status
inkan_authres_parse(inkan_ctx *ctx, const char *value_, size_t len,
	inkan_authres **out)
{
	return parse(ctx, value_, len, 0, out);
}

INKAN_API inkan_status
inkan_authres_parse_arc(inkan_ctx *ctx, const char *value_, size_t len,
	inkan_authres **out)
{
	return parse(ctx, value_, len, 1, out);
}

INKAN_API inkan_status
inkan_authres_arc_instance(const char *value_, size_t len,
	unsigned *instance)
{
	ik_ar_cur c;

	if (instance == NULL || (value_ == NULL && len > 0))
		return INKAN_ERR_INVALID;
	ik_ar_cur_init(&c, value_ != NULL ? value_ : "", len, SIZE_MAX);
	return ik_ar_instance(&c, instance);
}

INKAN_API void
inkan_authres_free(inkan_authres *ar)
{
	if (ar == NULL)
		return;
	ik_free(ar->ctx, ar->pool);
	ik_free(ar->ctx, ar->ri);
	ik_free(ar->ctx, ar->props);
	ik_free(ar->ctx, ar);
}

INKAN_API const char *
inkan_authres_authserv_id(const inkan_authres *ar)
{
	return ar != NULL ? ar->authserv_id : NULL;
}

INKAN_API const char *
inkan_authres_version(const inkan_authres *ar)
{
	return ar != NULL ? ar->version : NULL;
}

INKAN_API unsigned
inkan_authres_instance(const inkan_authres *ar)
{
	return ar != NULL ? ar->instance : 0;
}

INKAN_API size_t
inkan_authres_count(const inkan_authres *ar)
{
	return ar != NULL ? ar->nri : 0;
}

INKAN_API const inkan_authres_resinfo *
inkan_authres_at(const inkan_authres *ar, size_t index)
{
	if (ar == NULL || index >= ar->nri)
		return NULL;
	return &ar->ri[index];
}
