/* SPDX-License-Identifier: MIT */
/*
 * address_lex.c - lexer for RFC 5322 structured header values.
 *
 * RFC 5322 3.2.1 (quoted-pair), 3.2.2 (FWS, comments, CFWS), 3.2.3
 * (atext), 3.2.4 (quoted-string), 3.4.1 (domain-literal), RFC 6532 3.2
 * (UTF8-non-ascii in atext, qtext, ctext, dtext and VCHAR).
 *
 * Every loop consumes at least one byte per turn, so a value is lexed in
 * time linear in its length; comment nesting is capped by the caller's
 * INKAN_LIMIT_COMMENT_DEPTH. Strictness (see inkan/address.h): no control
 * characters, no bare CR or LF, no malformed UTF-8.
 */
#include <string.h>

#include "msg/address_lex.h"

void
ik_alex_init(ik_alex *lx, const char *s, size_t len, size_t max_depth)
{
	memset(lx, 0, sizeof(*lx));
	lx->s = s;
	lx->len = len;
	lx->max_depth = max_depth;
}

size_t
ik_utf8_seq(const unsigned char *s, size_t len)
{
	unsigned char c;
	size_t n, i;
	unsigned char lo = 0x80, hi = 0xBF;

	if (len == 0)
		return 0;
	c = s[0];
	if (c < 0x80)
		return 1;
	/* RFC 3629 4: UTF8-2 .. UTF8-4, with the second-byte ranges that
	 * exclude overlong forms, surrogates and values past U+10FFFF */
	if (c >= 0xC2 && c <= 0xDF)
		n = 2;
	else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	} else
		return 0;
	if (len < n)
		return 0;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xBF)
			return 0;
	return n;
}

/* RFC 5322 3.2.3 atext, ASCII part */
static int
is_atext(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return 1;
	return c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL;
}

static int
is_wsp(unsigned char c)
{
	return c == ' ' || c == '\t';
}

/* Length of a non-ASCII UTF-8 character at pos, 0 when malformed. */
static size_t
utf8_at(const ik_alex *lx, size_t pos)
{
	return ik_utf8_seq((const unsigned char *)lx->s + pos, lx->len - pos);
}

/*
 * Folding white space, RFC 5322 3.2.2 and obs-FWS (4.2): WSP, or a CRLF
 * followed by WSP. Returns the bytes it covers at pos (0 if none).
 */
static size_t
fws_at(const ik_alex *lx, size_t pos)
{
	if (pos < lx->len && is_wsp((unsigned char)lx->s[pos]))
		return 1;
	if (pos + 2 < lx->len && lx->s[pos] == '\r' && lx->s[pos + 1] == '\n'
	    && is_wsp((unsigned char)lx->s[pos + 2]))
		return 3;
	return 0;
}

/*
 * RFC 5322 3.2.1 quoted-pair at pos (the backslash): "\" (VCHAR / WSP),
 * VCHAR extended to UTF-8 by RFC 6532 3.2. obs-qp (controls, NUL, CR,
 * LF) is refused. Returns the bytes covered, 0 when invalid.
 */
static size_t
quoted_pair_at(const ik_alex *lx, size_t pos)
{
	unsigned char c;
	size_t n;

	if (pos + 1 >= lx->len)
		return 0;
	c = (unsigned char)lx->s[pos + 1];
	if ((c >= 33 && c <= 126) || is_wsp(c))
		return 2;
	if (c >= 0x80 && (n = utf8_at(lx, pos + 1)) > 0)
		return 1 + n;
	return 0;
}

/* RFC 5322 3.2.2 comment, starting at the "(" at *pos; nesting capped */
static inkan_status
skip_comment(ik_alex *lx, size_t *pos)
{
	size_t p = *pos, depth = 0, n;
	unsigned char c;

	while (p < lx->len) {
		c = (unsigned char)lx->s[p];
		if (c == '(') {
			if (++depth > lx->max_depth)
				return INKAN_ERR_LIMIT;
			p++;
		} else if (c == ')') {
			p++;
			if (--depth == 0) {
				*pos = p;
				return INKAN_OK;
			}
		} else if (c == '\\') {
			if ((n = quoted_pair_at(lx, p)) == 0)
				return INKAN_ERR_SYNTAX;
			p += n;
		} else if ((n = fws_at(lx, p)) > 0) {
			p += n;
		} else if (c >= 33 && c <= 126) {
			/* ctext: everything printable but ( ) \ */
			p++;
		} else if (c >= 0x80 && (n = utf8_at(lx, p)) > 0) {
			p += n;
		} else {
			return INKAN_ERR_SYNTAX;
		}
	}
	return INKAN_ERR_SYNTAX;	/* unterminated comment */
}

/* CFWS before a token; *ws set when there was any */
static inkan_status
skip_cfws(ik_alex *lx, size_t *pos, int *ws)
{
	size_t n;
	inkan_status st;

	*ws = 0;
	while (*pos < lx->len) {
		if ((n = fws_at(lx, *pos)) > 0) {
			*pos += n;
		} else if (lx->s[*pos] == '(') {
			if ((st = skip_comment(lx, pos)) != INKAN_OK)
				return st;
		} else {
			break;
		}
		*ws = 1;
	}
	return INKAN_OK;
}

/*
 * A quoted-string (RFC 5322 3.2.4, close quote included) or a
 * domain-literal (3.4.1, obs-dtext of 4.4 allows quoted-pairs) from the
 * opening character at *pos.
 */
static inkan_status
scan_delimited(ik_alex *lx, size_t *pos, char close)
{
	size_t p = *pos + 1, n;
	unsigned char c;

	while (p < lx->len) {
		c = (unsigned char)lx->s[p];
		if (c == (unsigned char)close) {
			*pos = p + 1;
			return INKAN_OK;
		}
		if (c == '\\') {
			if ((n = quoted_pair_at(lx, p)) == 0)
				return INKAN_ERR_SYNTAX;
			p += n;
		} else if ((n = fws_at(lx, p)) > 0) {
			p += n;
		} else if (c >= 0x80) {
			if ((n = utf8_at(lx, p)) == 0)
				return INKAN_ERR_SYNTAX;
			p += n;
		} else if (c < 33 || c > 126) {
			return INKAN_ERR_SYNTAX;
		} else if (close == '"' || (c != '[' && c != ']')) {
			/* qtext: printable but " and \; dtext: but [ ] \ */
			p++;
		} else {
			return INKAN_ERR_SYNTAX;
		}
	}
	return INKAN_ERR_SYNTAX;	/* unterminated */
}

static inkan_status
lex_one(ik_alex *lx, ik_atoken *t, size_t *endpos)
{
	size_t p = lx->pos, n;
	unsigned char c;
	inkan_status st;

	memset(t, 0, sizeof(*t));
	if ((st = skip_cfws(lx, &p, &t->ws_before)) != INKAN_OK)
		return st;
	t->start = p;
	if (p >= lx->len) {
		t->type = IK_ATOK_END;
		t->end = p;
		*endpos = p;
		return INKAN_OK;
	}
	c = (unsigned char)lx->s[p];
	if (c == '"' || c == '[') {
		t->type = c == '"' ? IK_ATOK_QSTRING : IK_ATOK_DLIT;
		st = scan_delimited(lx, &p, c == '"' ? '"' : ']');
		if (st != INKAN_OK)
			return st;
	} else if (strchr("<>@,;:.", c) != NULL && c != '\0') {
		t->type = IK_ATOK_SPECIAL;
		t->ch = (char)c;
		p++;
	} else if (is_atext(c) || c >= 0x80) {
		t->type = IK_ATOK_ATOM;
		while (p < lx->len) {
			c = (unsigned char)lx->s[p];
			if (is_atext(c))
				p++;
			else if (c >= 0x80 && (n = utf8_at(lx, p)) > 0)
				p += n;
			else if (c >= 0x80)
				return INKAN_ERR_SYNTAX;
			else
				break;
		}
	} else {
		/* ) ] \ controls NUL bare CR/LF: nothing may start here */
		return INKAN_ERR_SYNTAX;
	}
	t->end = p;
	*endpos = p;
	return INKAN_OK;
}

inkan_status
ik_alex_peek(ik_alex *lx, ik_atoken *t)
{
	inkan_status st;

	if (!lx->have_peek) {
		st = lex_one(lx, &lx->peek, &lx->peek_end);
		if (st != INKAN_OK)
			return st;
		lx->have_peek = 1;
	}
	*t = lx->peek;
	return INKAN_OK;
}

inkan_status
ik_alex_next(ik_alex *lx, ik_atoken *t)
{
	inkan_status st = ik_alex_peek(lx, t);

	if (st != INKAN_OK)
		return st;
	lx->pos = lx->peek_end;
	lx->have_peek = 0;
	return INKAN_OK;
}

size_t
ik_alex_mark(const ik_alex *lx)
{
	return lx->pos;
}

void
ik_alex_rewind(ik_alex *lx, size_t mark)
{
	lx->pos = mark;
	lx->have_peek = 0;
}

int
ik_atok_is(const ik_atoken *t, char c)
{
	return t->type == IK_ATOK_SPECIAL && t->ch == c;
}

inkan_status
ik_alex_unquote(const ik_alex *lx, const ik_atoken *t, ik_buf *out)
{
	size_t p = t->start + 1, stop = t->end - 1, run = p, n;
	inkan_status st;

	/* the lexer has checked the token; copy runs between escapes */
	while (p < stop) {
		if (lx->s[p] == '\\' || lx->s[p] == '\r') {
			st = ik_buf_append(out, lx->s + run, p - run);
			if (st != INKAN_OK)
				return st;
			if (lx->s[p] == '\r') {
				p += 2;	/* CRLF of a fold; the WSP stays */
				run = p;
				continue;
			}
			n = quoted_pair_at(lx, p);
			if (n == 0)
				return INKAN_ERR_INTERNAL;
			run = p + 1;
			p += n;
		} else {
			p++;
		}
	}
	return ik_buf_append(out, lx->s + run, stop - run);
}
