/* SPDX-License-Identifier: MIT */
/*
 * render.c - writes a builder's field, folded (RFC 5322 2.2.3, 2.1.1).
 *
 * Layout: the first line holds the field name, the authserv-id and its
 * ";"; each resinfo starts a line of its own (as Gmail and most MTAs
 * write it), indented 7 spaces. Inside a resinfo, words are joined by a
 * space, and a word that would take the line past 78 characters goes on
 * a new line indented 9 spaces. Fold points are between the items of a
 * resinfo and between the words of a comment (comment text has its white
 * space squeezed, and the parser squeezes it again, so folding there does
 * not change what is read back). A quoted-string is never folded: its
 * white space is part of the value. A word longer than a line stays
 * whole, so such a line may pass 78: RFC 5322 2.1.1 only says SHOULD.
 */
#include <string.h>

#include "authres/build_internal.h"
#include "authres/lex.h"
#include "core/alloc.h"
#include "core/ascii.h"
#include "core/buf.h"

#define LINE_COLS 78

static const char indent_resinfo[] = "       ";
static const char indent_cont[] = "         ";

struct out {
	ik_buf buf;
	size_t col;	/* characters on the current line */
	int wrap;
	const char *eol;
};

static inkan_status
newline(struct out *o, const char *indent)
{
	inkan_status st;

	if ((st = ik_buf_puts(&o->buf, o->eol)) != INKAN_OK ||
	    (st = ik_buf_puts(&o->buf, indent)) != INKAN_OK)
		return st;
	o->col = strlen(indent);
	return INKAN_OK;
}

/* @w after a space, or on a new line when it and @tail (bytes that must
 * stay on its line, such as a ";") would pass LINE_COLS */
static inkan_status
put_word(struct out *o, const char *w, size_t n, size_t tail)
{
	inkan_status st;

	if (o->wrap && o->col + 1 + n + tail > LINE_COLS)
		st = newline(o, indent_cont);
	else if ((st = ik_buf_putc(&o->buf, ' ')) == INKAN_OK)
		o->col++;
	if (st != INKAN_OK)
		return st;
	if ((st = ik_buf_append(&o->buf, w, n)) != INKAN_OK)
		return st;
	o->col += n;
	return INKAN_OK;
}

static int
is_token(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!ik_ar_is_token_char((unsigned char)*s))
			return 0;
	return 1;
}

/* RFC 5322 3.2.3 atext */
static int
is_atext(int c)
{
	return ik_is_alnum(c) || c >= 0x80 || (c != 0 &&
		strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

/* RFC 6376 3.5 domain-name, with U-labels (bytes >= 0x80) allowed */
static int
is_domain(const char *s)
{
	size_t label = 0;
	int c;

	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		if (c == '.') {
			if (label == 0)
				return 0;
			label = 0;
		} else if (ik_is_alnum(c) || c >= 0x80 || c == '-' ||
		    c == '_') {
			label++;
		} else {
			return 0;
		}
	}
	return label > 0;
}

/*
 * RFC 8601 2.2 pvalue, second form: [ [ local-part ] "@" ] domain-name,
 * local-part a dot-atom or a quoted-string (RFC 5322 3.4.1).
 */
static int
is_addr_spec(const char *s)
{
	size_t i = 0;
	int prev_dot = 1;

	if (s[0] == '"') {
		for (i = 1; s[i] != '"'; i++) {
			if (s[i] == '\0')
				return 0;
			if (s[i] == '\\' && s[++i] == '\0')
				return 0;
		}
		i++;
	} else {
		for (; s[i] != '\0' && s[i] != '@'; i++) {
			if (s[i] == '.') {
				if (prev_dot)
					return 0;
				prev_dot = 1;
			} else if (is_atext((unsigned char)s[i])) {
				prev_dot = 0;
			} else {
				return 0;
			}
		}
		if (i > 0 && prev_dot)
			return 0;
	}
	return s[i] == '@' && is_domain(s + i + 1);
}

static inkan_status
put_quoted(ik_buf *w, const char *s)
{
	inkan_status st = ik_buf_putc(w, '"');

	for (; st == INKAN_OK && *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			st = ik_buf_putc(w, '\\');
		if (st == INKAN_OK)
			st = ik_buf_putc(w, *s);
	}
	return st == INKAN_OK ? ik_buf_putc(w, '"') : st;
}

/* RFC 2045 5.1 value: a token as it is, anything else quoted */
static inkan_status
put_value(ik_buf *w, const char *s, int addr_ok)
{
	if (is_token(s) || (addr_ok && is_addr_spec(s)))
		return ik_buf_puts(w, s);
	return put_quoted(w, s);
}

/* end the word being written into @w (words are NUL-separated) */
static inkan_status
end_word(ik_buf *w, size_t *nwords)
{
	(*nwords)++;
	return ik_buf_append(w, "", 1);
}

/* a comment as words: "(first", ..., "last)", escaped (RFC 5322 3.2.2) */
static inkan_status
put_comment(ik_buf *w, const char *s, size_t *nwords)
{
	inkan_status st = ik_buf_putc(w, '(');

	for (; st == INKAN_OK && *s != '\0'; s++) {
		if (*s == ' ') {
			st = end_word(w, nwords);
			continue;
		}
		if (*s == '(' || *s == ')' || *s == '\\')
			st = ik_buf_putc(w, '\\');
		if (st == INKAN_OK)
			st = ik_buf_putc(w, *s);
	}
	if (st == INKAN_OK)
		st = ik_buf_putc(w, ')');
	return st == INKAN_OK ? end_word(w, nwords) : st;
}

static inkan_status
resinfo_words(const struct ik_ar_bresinfo *r, ik_buf *w, size_t *nwords)
{
	inkan_status st;
	size_t i;

	*nwords = 0;
	ik_buf_reset(w);
	/* methodspec: method [ "/" method-version ] "=" result */
	st = ik_buf_puts(w, r->method);
	if (st == INKAN_OK && r->method_version != NULL)
		st = ik_buf_printf(w, "/%s", r->method_version);
	if (st == INKAN_OK)
		st = ik_buf_printf(w, "=%s", r->result);
	if (st == INKAN_OK)
		st = end_word(w, nwords);
	for (i = 0; st == INKAN_OK && i < r->ncomments; i++)
		st = put_comment(w, r->comments[i], nwords);
	if (st == INKAN_OK && r->reason != NULL) {
		st = ik_buf_puts(w, "reason=");
		if (st == INKAN_OK)
			st = put_value(w, r->reason, 0);
		if (st == INKAN_OK)
			st = end_word(w, nwords);
	}
	for (i = 0; st == INKAN_OK && i < r->nprops; i++) {
		st = ik_buf_printf(w, "%s.%s=", r->props[i].ptype,
			r->props[i].property);
		if (st == INKAN_OK)
			st = put_value(w, r->props[i].value, 1);
		if (st == INKAN_OK)
			st = end_word(w, nwords);
	}
	return st;
}

static inkan_status
put_resinfo(struct out *o, const struct ik_ar_bresinfo *r, int last,
	ik_buf *w)
{
	const char *p;
	size_t nwords, i, n, tail;
	inkan_status st;

	if ((st = resinfo_words(r, w, &nwords)) != INKAN_OK)
		return st;
	if ((st = newline(o, indent_resinfo)) != INKAN_OK)
		return st;
	p = ik_buf_str(w);
	for (i = 0; i < nwords; i++, p += n + 1) {
		n = strlen(p);
		/* the ";" before the next resinfo stays on this line */
		tail = (i + 1 == nwords && !last) ? 1 : 0;
		if (i == 0) {
			st = ik_buf_append(&o->buf, p, n);
			o->col += n;
		} else {
			st = put_word(o, p, n, tail);
		}
		if (st != INKAN_OK)
			return st;
	}
	return last ? INKAN_OK : ik_buf_putc(&o->buf, ';');
}

static inkan_status
render(const inkan_authres_builder *b, int with_name, struct out *o,
	ik_buf *w)
{
	const char *name = b->instance ? "ARC-Authentication-Results" :
		"Authentication-Results";
	size_t start, i;
	inkan_status st;

	if (with_name && (st = ik_buf_printf(&o->buf, "%s: ", name)) !=
	    INKAN_OK)
		return st;
	/* the value's first line sits after "Name: " either way */
	start = o->buf.len;
	o->col = strlen(name) + 2;
	if (b->instance && (st = ik_buf_printf(&o->buf, "i=%u; ",
	    b->instance)) != INKAN_OK)
		return st;
	if ((st = put_value(&o->buf, b->authserv_id, 0)) != INKAN_OK)
		return st;
	if (b->version != NULL &&
	    (st = ik_buf_printf(&o->buf, " %s", b->version)) != INKAN_OK)
		return st;
	if ((st = ik_buf_putc(&o->buf, ';')) != INKAN_OK)
		return st;
	o->col += o->buf.len - start;
	/* RFC 8601 2.2 no-result: "authserv-id; none" */
	if (b->nri == 0)
		return put_word(o, "none", 4, 0);
	for (i = 0; i < b->nri; i++)
		if ((st = put_resinfo(o, &b->ri[i], i + 1 == b->nri, w)) !=
		    INKAN_OK)
			return st;
	return INKAN_OK;
}

inkan_status
ik_ar_render(const inkan_authres_builder *b, int with_name, char **text,
	size_t *len)
{
	struct out o;
	ik_buf words;
	inkan_status st;

	if (text != NULL)
		*text = NULL;
	if (b == NULL || text == NULL)
		return INKAN_ERR_INVALID;
	ik_buf_init(&o.buf, b->ctx, INKAN_AUTHRES_MAX_OUTPUT);
	ik_buf_init(&words, b->ctx, INKAN_AUTHRES_MAX_OUTPUT);
	o.col = 0;
	o.wrap = !(b->flags & INKAN_AUTHRES_STYLE_NO_WRAP);
	o.eol = (b->flags & INKAN_AUTHRES_STYLE_LF) ? "\n" : "\r\n";
	st = render(b, with_name, &o, &words);
	if (st == INKAN_OK)
		st = ik_buf_take(&o.buf, text, len);
	ik_buf_free(&o.buf);
	ik_buf_free(&words);
	return st;
}
