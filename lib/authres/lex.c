/* SPDX-License-Identifier: MIT */
/*
 * lex.c - CFWS, quoted-strings, tokens and keywords for RFC 8601 2.2.
 *
 * RFC 5322 3.2.2 (CFWS, comments), 3.2.4 (quoted-string), RFC 2045 5.1
 * (token), RFC 5321 4.1.2 (Keyword), RFC 6532 (UTF-8 in all of them),
 * RFC 8617 3.9 (ARC instance). See lex.h.
 */
#include "authres/lex.h"
#include "core/ascii.h"

void
ik_ar_cur_init(ik_ar_cur *c, const char *s, size_t len, size_t max_depth)
{
	c->s = s;
	c->len = len;
	c->pos = 0;
	c->max_depth = max_depth;
}

/* control characters never allowed in a field body (HTAB is WSP) */
static int
is_ctl(int c)
{
	return (c < 0x20 && c != '\t') || c == 0x7f;
}

int
ik_ar_is_token_char(int c)
{
	if (c >= 0x80)
		return 1;
	if (c <= 0x20 || c == 0x7f)
		return 0;
	switch (c) {
	/* RFC 2045 5.1 tspecials */
	case '(': case ')': case '<': case '>': case '@': case ',':
	case ';': case ':': case '\\': case '"': case '/': case '[':
	case ']': case '?': case '=':
		return 0;
	default:
		return 1;
	}
}

int
ik_ar_is_keyword_char(int c)
{
	return ik_is_alnum(c) || c == '-';
}

int
ik_ar_is_pvalue_char(int c)
{
	if (c >= 0x80)
		return 1;
	if (c <= 0x20 || c == 0x7f)
		return 0;
	return c != '(' && c != ')' && c != ';' && c != '"' && c != '\\';
}

size_t
ik_ar_span(const ik_ar_cur *c, int (*cls)(int))
{
	size_t i = c->pos;

	while (i < c->len && cls((unsigned char)c->s[i]))
		i++;
	return i - c->pos;
}

int
ik_ar_is_keyword(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || s[n - 1] == '-')
		return 0;
	for (i = 0; i < n; i++)
		if (!ik_ar_is_keyword_char((unsigned char)s[i]))
			return 0;
	return 1;
}

/* length of a line break at @at: 2 for CRLF, 1 for a bare LF, else 0 */
static size_t
line_break(const ik_ar_cur *c, size_t at)
{
	if (at < c->len && c->s[at] == '\n')
		return 1;
	if (at + 1 < c->len && c->s[at] == '\r' && c->s[at + 1] == '\n')
		return 2;
	return 0;
}

/* RFC 5322 3.2.2 FWS: a line break is only allowed when WSP follows */
static size_t
fold_at(const ik_ar_cur *c, size_t at)
{
	size_t n = line_break(c, at);

	if (n == 0 || at + n >= c->len || !ik_is_wsp(c->s[at + n]))
		return 0;
	return n;
}

static inkan_status
sink_char(ik_ar_sink *k, char ch)
{
	inkan_status st;

	if (k == NULL)
		return INKAN_OK;
	if (k->pending_space && k->buf->len > k->start) {
		if ((st = ik_buf_putc(k->buf, ' ')) != INKAN_OK)
			return st;
	}
	k->pending_space = 0;
	return ik_buf_putc(k->buf, ch);
}

static void
sink_space(ik_ar_sink *k)
{
	if (k != NULL)
		k->pending_space = 1;
}

/*
 * RFC 5322 3.2.2 comment, the cursor on "(". Nesting is counted, not
 * recursed into, so depth costs no stack; max_depth still bounds it.
 */
static inkan_status
comment(ik_ar_cur *c, ik_ar_sink *k)
{
	size_t depth = 0, n;
	inkan_status st = INKAN_OK;
	int ch, q;

	for (;;) {
		if (c->pos >= c->len)
			return INKAN_ERR_SYNTAX;
		ch = (unsigned char)c->s[c->pos];
		if (ch == '(') {
			if (depth >= c->max_depth)
				return INKAN_ERR_LIMIT;
			depth++;
			c->pos++;
			if (depth > 1)
				st = sink_char(k, '(');
		} else if (ch == ')') {
			c->pos++;
			if (--depth == 0)
				return INKAN_OK;
			st = sink_char(k, ')');
		} else if (ch == '\\') {
			/* quoted-pair: "\" (VCHAR / WSP) */
			if (c->pos + 1 >= c->len)
				return INKAN_ERR_SYNTAX;
			q = (unsigned char)c->s[c->pos + 1];
			if (is_ctl(q))
				return INKAN_ERR_SYNTAX;
			c->pos += 2;
			if (ik_is_wsp(q))
				sink_space(k);
			else
				st = sink_char(k, (char)q);
		} else if (ik_is_wsp(ch)) {
			sink_space(k);
			c->pos++;
		} else if ((n = fold_at(c, c->pos)) != 0) {
			sink_space(k);
			c->pos += n;
		} else if (is_ctl(ch)) {
			return INKAN_ERR_SYNTAX;
		} else {
			st = sink_char(k, (char)ch);
			c->pos++;
		}
		if (st != INKAN_OK)
			return st;
	}
}

inkan_status
ik_ar_cfws(ik_ar_cur *c, ik_ar_sink *k, int *seen)
{
	inkan_status st;
	size_t n;
	int any = 0, ch;

	while (c->pos < c->len) {
		ch = (unsigned char)c->s[c->pos];
		if (ik_is_wsp(ch)) {
			c->pos++;
		} else if ((n = line_break(c, c->pos)) != 0) {
			/* RFC 8601 2.2 ends the payload with [CFWS] CRLF */
			if (c->pos + n == c->len) {
				c->pos += n;
				any = 1;
				break;
			}
			if (!ik_is_wsp(c->s[c->pos + n]))
				return INKAN_ERR_SYNTAX;
			c->pos += n;
		} else if (ch == '(') {
			/* separate comments are joined by one space */
			sink_space(k);
			if ((st = comment(c, k)) != INKAN_OK)
				return st;
		} else {
			break;
		}
		any = 1;
	}
	if (seen != NULL)
		*seen = any;
	return INKAN_OK;
}

inkan_status
ik_ar_quoted(ik_ar_cur *c, ik_buf *out)
{
	inkan_status st;
	size_t n, run;
	int ch, q;

	c->pos++;	/* the opening quote */
	for (;;) {
		if (c->pos >= c->len)
			return INKAN_ERR_SYNTAX;
		ch = (unsigned char)c->s[c->pos];
		if (ch == '"') {
			c->pos++;
			return INKAN_OK;
		}
		if (ch == '\\') {
			if (c->pos + 1 >= c->len)
				return INKAN_ERR_SYNTAX;
			q = (unsigned char)c->s[c->pos + 1];
			if (is_ctl(q))
				return INKAN_ERR_SYNTAX;
			if (out != NULL && (st = ik_buf_putc(out, (char)q)) !=
			    INKAN_OK)
				return st;
			c->pos += 2;
			continue;
		}
		if ((n = fold_at(c, c->pos)) != 0) {
			/* RFC 5322 3.2.4: the CRLF of folding is invisible,
			 * the WSP after it stays */
			c->pos += n;
			continue;
		}
		if (is_ctl(ch))
			return INKAN_ERR_SYNTAX;
		/* copy a run of plain qtext at once */
		run = 1;
		while (c->pos + run < c->len) {
			q = (unsigned char)c->s[c->pos + run];
			if (q == '"' || q == '\\' || is_ctl(q))
				break;
			run++;
		}
		if (out != NULL &&
		    (st = ik_buf_append(out, c->s + c->pos, run)) != INKAN_OK)
			return st;
		c->pos += run;
	}
}

int
ik_ar_is_digit_char(int c)
{
	return ik_is_digit(c);
}

inkan_status
ik_ar_instance(ik_ar_cur *c, unsigned *instance)
{
	inkan_status st;
	size_t n, i;
	unsigned v = 0;

	if ((st = ik_ar_cfws(c, NULL, NULL)) != INKAN_OK)
		return st;
	/* RFC 8617 3.9: %s"i" is case-sensitive */
	if (ik_ar_peek(c) != 'i')
		return INKAN_ERR_SYNTAX;
	c->pos++;
	if ((st = ik_ar_cfws(c, NULL, NULL)) != INKAN_OK)
		return st;
	if (ik_ar_peek(c) != '=')
		return INKAN_ERR_SYNTAX;
	c->pos++;
	if ((st = ik_ar_cfws(c, NULL, NULL)) != INKAN_OK)
		return st;
	n = ik_ar_span(c, ik_ar_is_digit_char);
	/* position = 1*2DIGIT */
	if (n == 0 || n > 2)
		return INKAN_ERR_SYNTAX;
	for (i = 0; i < n; i++)
		v = v * 10 + (unsigned)(c->s[c->pos + i] - '0');
	c->pos += n;
	if ((st = ik_ar_cfws(c, NULL, NULL)) != INKAN_OK)
		return st;
	if (ik_ar_peek(c) != ';')
		return INKAN_ERR_SYNTAX;
	c->pos++;
	/* RFC 8617 4.2.1: instance values range from 1 to 50 */
	if (v < 1 || v > 50)
		return INKAN_ERR_SYNTAX;
	*instance = v;
	return INKAN_OK;
}
