/* SPDX-License-Identifier: MIT */
/*
 * record.c - the DMARC policy record: recognising one, splitting it into
 * tags, and the record's memory.
 *
 * RFC 9989 4.7 / 4.8: "v=DMARC1" first (the tag name as ABNF reads it,
 * case-insensitive; the value case-sensitive), then tag=value pairs in
 * any order separated by ";". Unknown tags are ignored; a bad value
 * falls back to the tag's default (RFC 9989 4.8: "syntax errors in the
 * remainder of the record MUST be discarded in favor of default values").
 * Every such decision is kept as a warning so the inspector can show it.
 * The meaning of each tag is in record_tags.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/ascii.h"
#include "dmarc/dmarc_internal.h"
#include "dmarc/record_tags.h"

int
ik_dmarc_is_record(const char *text, size_t len, size_t *rest)
{
	size_t i = 0;

	/* dmarc-version = "v" equals %s"DMARC1" ; equals = *WSP "=" *WSP */
	if (len < 1 || (text[0] != 'v' && text[0] != 'V'))
		return 0;
	i = 1;
	while (i < len && ik_is_wsp((unsigned char)text[i]))
		i++;
	if (i >= len || text[i] != '=')
		return 0;
	i++;
	while (i < len && ik_is_wsp((unsigned char)text[i]))
		i++;
	if (len - i < 6 || memcmp(text + i, "DMARC1", 6) != 0)
		return 0;
	i += 6;
	/* then the end, or dmarc-sep = *WSP ";" *WSP */
	while (i < len && ik_is_wsp((unsigned char)text[i]))
		i++;
	if (i < len && text[i] != ';')
		return 0;
	if (rest != NULL)
		*rest = i < len ? i + 1 : i;
	return 1;
}

char *
ik_dmarc_rec_str(struct ik_dmarc_rec *r, const char *s, size_t len)
{
	char **n, *copy;

	if (r->nstrs == r->capstrs) {
		size_t cap = r->capstrs ? r->capstrs * 2 : 16;
		n = ik_reallocarray(r->ctx, r->strs, cap, sizeof(*n));
		if (n == NULL)
			return NULL;
		r->strs = n;
		r->capstrs = cap;
	}
	if ((copy = ik_strndup(r->ctx, s, len)) == NULL)
		return NULL;
	r->strs[r->nstrs++] = copy;
	return copy;
}

inkan_status
ik_dmarc_rec_warn(struct ik_dmarc_rec *r, inkan_dmarc_warning_code code,
	const char *tag, const char *fmt, ...)
{
	char text[256];
	va_list ap;
	int n;
	inkan_dmarc_warning *w;

	if (r->nwarn >= IK_DMARC_WARNINGS_MAX) {
		r->dropped_warnings = 1;
		return INKAN_OK;
	}
	if (r->warn == NULL) {
		r->warn = ik_calloc(r->ctx, IK_DMARC_WARNINGS_MAX,
			sizeof(*r->warn));
		if (r->warn == NULL)
			return INKAN_ERR_NOMEM;
	}
	va_start(ap, fmt);
	n = vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (n < 0)
		text[0] = '\0';
	w = &r->warn[r->nwarn];
	w->code = code;
	w->tag = NULL;
	if (tag != NULL && (w->tag = ik_dmarc_rec_str(r, tag,
	    strlen(tag))) == NULL)
		return INKAN_ERR_NOMEM;
	if ((w->text = ik_dmarc_rec_str(r, text, strlen(text))) == NULL)
		return INKAN_ERR_NOMEM;
	r->nwarn++;
	return INKAN_OK;
}

static void
set_defaults(inkan_dmarc_record *p, inkan_dmarc_spec spec)
{
	p->spec = spec;
	p->p = p->sp = p->np = INKAN_DMARC_POLICY_ABSENT;
	p->psd = 'u';
	p->adkim = p->aspf = INKAN_DMARC_ALIGN_RELAXED;
	p->fo = INKAN_DMARC_FO_0;
	p->pct = 100;
	p->ri = 86400;
}

/* Trim WSP at both ends of [*s, *s + *len). */
static void
trim(const char **s, size_t *len)
{
	while (*len > 0 && ik_is_wsp((unsigned char)(*s)[0])) {
		(*s)++;
		(*len)--;
	}
	while (*len > 0 && ik_is_wsp((unsigned char)(*s)[*len - 1]))
		(*len)--;
}

/* dmarc-tag = 1*ALPHA equals 1*dmarc-value; dmarc-value excludes ';' and
 * controls. Splits one piece; 0 when it is not of that form. */
static int
split_tag(const char *s, size_t len, const char **name, size_t *nlen,
	const char **val, size_t *vlen)
{
	size_t i = 0, j;

	while (i < len && ik_is_alpha((unsigned char)s[i]))
		i++;
	if (i == 0)
		return 0;
	*name = s;
	*nlen = i;
	while (i < len && ik_is_wsp((unsigned char)s[i]))
		i++;
	if (i >= len || s[i] != '=')
		return 0;
	i++;
	while (i < len && ik_is_wsp((unsigned char)s[i]))
		i++;
	if (i >= len)
		return 0;
	for (j = i; j < len; j++) {
		unsigned char c = (unsigned char)s[j];
		if (c < 0x20 && c != '\t')
			return 0;
		if (c > 0x7e)
			return 0;
	}
	*val = s + i;
	*vlen = len - i;
	return 1;
}

static inkan_status
parse_tags(struct ik_dmarc_rec *r, const char *text, size_t len,
	size_t pos)
{
	struct ik_dmarc_seen seen;
	size_t ntag = 0;
	inkan_status st;

	memset(&seen, 0, sizeof(seen));
	/* input is at most IK_DMARC_RECORD_MAX bytes: the loop is bounded
	 * by it, one piece per ';' */
	while (pos < len) {
		const char *piece = text + pos, *semi, *name, *val;
		size_t plen, nlen, vlen;

		semi = memchr(piece, ';', len - pos);
		plen = semi ? (size_t)(semi - piece) : len - pos;
		pos += plen + (semi ? 1 : 0);
		trim(&piece, &plen);
		if (plen == 0)
			continue;	/* "; ;" or a trailing ";" */
		ntag++;
		if (!split_tag(piece, plen, &name, &nlen, &val, &vlen)) {
			st = ik_dmarc_rec_warn(r, INKAN_DMARC_WARN_SYNTAX, NULL,
				"ignored \"%.*s\": not tag=value",
				(int)(plen > 40 ? 40 : plen), piece);
			if (st != INKAN_OK)
				return st;
			continue;
		}
		st = ik_dmarc_apply_tag(r, &seen, name, nlen, val, vlen,
			ntag);
		if (st != INKAN_OK)
			return st;
	}
	return ik_dmarc_tags_finish(r, &seen);
}

INKAN_API inkan_status
inkan_dmarc_record_parse(inkan_ctx *ctx, const char *text, size_t len,
	inkan_dmarc_spec spec, inkan_dmarc_record **out)
{
	struct ik_dmarc_rec *r;
	size_t rest = 0;
	inkan_status st;

	if (out != NULL)
		*out = NULL;
	if (ctx == NULL || text == NULL || out == NULL ||
	    (spec != INKAN_DMARC_SPEC_RFC9989 &&
	     spec != INKAN_DMARC_SPEC_RFC7489))
		return INKAN_ERR_INVALID;
	if (len > IK_DMARC_RECORD_MAX)
		return INKAN_ERR_LIMIT;
	if (!ik_dmarc_is_record(text, len, &rest))
		return INKAN_ERR_SYNTAX;
	if ((r = ik_calloc(ctx, 1, sizeof(*r))) == NULL)
		return INKAN_ERR_NOMEM;
	r->ctx = ctx;
	set_defaults(&r->pub, spec);
	if ((r->pub.text = ik_dmarc_rec_str(r, text, len)) == NULL) {
		inkan_dmarc_record_free(&r->pub);
		return INKAN_ERR_NOMEM;
	}
	st = parse_tags(r, text, len, rest);
	if (st != INKAN_OK) {
		inkan_dmarc_record_free(&r->pub);
		return st;
	}
	r->pub.warnings = r->warn;
	r->pub.nwarnings = r->nwarn;
	*out = &r->pub;
	return INKAN_OK;
}

INKAN_API void
inkan_dmarc_record_free(inkan_dmarc_record *rec)
{
	struct ik_dmarc_rec *r = (struct ik_dmarc_rec *)rec;
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->nstrs; i++)
		ik_free(r->ctx, r->strs[i]);
	ik_free(r->ctx, r->strs);
	ik_free(r->ctx, r->rua);
	ik_free(r->ctx, r->ruf);
	ik_free(r->ctx, r->warn);
	ik_free(r->ctx, r);
}
