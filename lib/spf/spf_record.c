/* SPDX-License-Identifier: MIT */
/*
 * spf_record.c - SPF record syntax: version selection (RFC 7208 4.5),
 * terms (4.6.1), mechanisms (5), modifiers (6) and the macro-string and
 * domain-spec grammar (7.1).
 *
 * The whole record is checked before evaluation (4.6): one bad term
 * anywhere is a permerror, whatever comes before it.
 */
#include <string.h>

#include "core/alloc.h"
#include "core/ascii.h"
#include "spf_ip.h"
#include "spf_record.h"

/* RFC 7208 7.1 toplabel: ( *alphanum ALPHA *alphanum ) /
 * ( 1*alphanum "-" *( alphanum / "-" ) alphanum ) */
static int
is_toplabel(const char *s, size_t len)
{
	int alpha = 0, dash = 0;
	size_t i;

	if (len == 0 || !ik_is_alnum((unsigned char)s[0]) ||
	    !ik_is_alnum((unsigned char)s[len - 1]))
		return 0;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '-')
			dash = 1;
		else if (ik_is_alpha(c))
			alpha = 1;
		else if (!ik_is_digit(c))
			return 0;
	}
	return alpha || dash;
}

static int
fail_at(size_t *errpos, const char **msg, size_t pos, const char *what)
{
	*errpos = pos;
	*msg = what;
	return 0;
}

int
ik_spf_spec_check(const char *s, size_t len, enum ik_spf_spec_mode mode,
	uint32_t *macros, size_t *errpos, const char **msg)
{
	size_t i = 0, lit_start = 0;
	int last_is_macro = 0;

	*macros = 0;
	if (len == 0 && mode == IK_SPF_SPEC_DOMAIN)
		return fail_at(errpos, msg, 0, "empty domain-spec");
	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		size_t start = i;
		int letter;

		if (c != '%') {
			/* RFC 7208 7.1 macro-literal = %x21-24 / %x26-7E;
			 * explain-string adds SP */
			if ((c < 0x21 || c > 0x7e) &&
			    !(c == ' ' && mode == IK_SPF_SPEC_EXPLAIN))
				return fail_at(errpos, msg, i,
					"character not allowed here");
			if (last_is_macro)
				lit_start = i;
			last_is_macro = 0;
			i++;
			continue;
		}
		if (i + 1 >= len)
			return fail_at(errpos, msg, i, "'%' at the end");
		c = (unsigned char)s[i + 1];
		if (c == '%' || c == '_' || c == '-') {
			i += 2;
			last_is_macro = 1;
			continue;
		}
		if (c != '{')
			return fail_at(errpos, msg, i,
				"'%' not followed by '{', '%', '_' or '-'");
		i += 2;
		if (i >= len)
			return fail_at(errpos, msg, start, "unterminated macro");
		letter = ik_to_lower((unsigned char)s[i]);
		if (strchr("slodiphcrtv", letter) == NULL || letter == 0)
			return fail_at(errpos, msg, i, "unknown macro letter");
		/* RFC 7208 7.2: c, r and t only in explanation text */
		if (mode == IK_SPF_SPEC_DOMAIN && strchr("crt", letter) != NULL)
			return fail_at(errpos, msg, i,
				"macro letter allowed only in exp text");
		*macros |= IK_SPF_MACRO_BIT(letter);
		i++;
		if (i < len && ik_is_digit((unsigned char)s[i])) {
			int nonzero = 0;

			while (i < len && ik_is_digit((unsigned char)s[i])) {
				if (s[i] != '0')
					nonzero = 1;
				i++;
			}
			/* RFC 7208 7.3: the DIGIT value MUST be nonzero */
			if (!nonzero)
				return fail_at(errpos, msg, i - 1,
					"zero label count in macro");
		}
		if (i < len && (s[i] == 'r' || s[i] == 'R'))
			i++;
		while (i < len && strchr(".-+,/_=", s[i]) != NULL &&
		    s[i] != '\0')
			i++;
		if (i >= len || s[i] != '}')
			return fail_at(errpos, msg, i < len ? i : start,
				"malformed macro");
		i++;
		last_is_macro = 1;
	}
	if (mode != IK_SPF_SPEC_DOMAIN || last_is_macro)
		return 1;
	/* RFC 7208 7.1 domain-end = ( "." toplabel [ "." ] ) / macro-expand */
	{
		size_t end = len, dot;

		if (end > lit_start && s[end - 1] == '.')
			end--;
		for (dot = end; dot > lit_start && s[dot - 1] != '.'; dot--)
			;
		if (dot == lit_start || !is_toplabel(s + dot, end - dot))
			return fail_at(errpos, msg, dot > lit_start ? dot : 0,
				"domain-spec does not end in a valid top label "
				"or a macro");
	}
	return 1;
}

int
ik_spf_is_record(const char *text, size_t len)
{
	return len >= 6 && ik_ascii_eq(text, 6, "v=spf1", 6) &&
	    (len == 6 || text[6] == ' ');
}

const char *
ik_spf_kind_name(enum ik_spf_kind kind)
{
	static const char *const names[] = { "all", "include", "a", "mx",
		"ptr", "ip4", "ip6", "exists", "redirect", "exp", "modifier" };

	return (unsigned)kind < sizeof(names) / sizeof(names[0]) ?
	    names[kind] : "?";
}

int
ik_spf_kind_is_dns(enum ik_spf_kind kind)
{
	return kind == IK_SPF_INCLUDE || kind == IK_SPF_A ||
	    kind == IK_SPF_MX || kind == IK_SPF_PTR ||
	    kind == IK_SPF_EXISTS || kind == IK_SPF_REDIRECT;
}

/* a trailing "/" 1*DIGIT in [s, len): 1 with *slash at the '/' */
static int
find_cidr(const char *s, size_t len, size_t *slash)
{
	size_t b = len;

	while (b > 0 && ik_is_digit((unsigned char)s[b - 1]))
		b--;
	if (b == len || b == 0 || s[b - 1] != '/')
		return 0;
	*slash = b - 1;
	return 1;
}

/* RFC 7208 5.6: "0" / %x31-39 0*2DIGIT, at most @max */
static int
cidr_value(const char *d, size_t n, unsigned max, unsigned *value)
{
	unsigned v = 0;
	size_t i;

	if (n == 0 || n > 3 || (n > 1 && d[0] == '0'))
		return 0;
	for (i = 0; i < n; i++)
		v = v * 10 + (unsigned)(d[i] - '0');
	if (v > max)
		return 0;
	*value = v;
	return 1;
}

struct term_ctx {
	ik_spf_record *rec;
	ik_spf_term *t;
	const char *s;		/* term text */
	size_t len;
};

static inkan_status
term_error(struct term_ctx *tc, size_t off, const char *msg)
{
	tc->rec->err_pos = tc->t->pos + off;
	tc->rec->err_msg = msg;
	return INKAN_ERR_SYNTAX;
}

static inkan_status
check_spec(struct term_ctx *tc, size_t off, size_t len,
	enum ik_spf_spec_mode mode)
{
	size_t errpos;
	const char *msg;

	tc->t->spec = tc->s + off;
	tc->t->spec_len = len;
	if (!ik_spf_spec_check(tc->s + off, len, mode, &tc->t->macros,
	    &errpos, &msg))
		return term_error(tc, off + errpos, msg);
	return INKAN_OK;
}

static inkan_status
parse_modifier(struct term_ctx *tc, size_t namelen)
{
	ik_spf_record *rec = tc->rec;
	size_t voff = namelen + 1, vlen = tc->len - voff;
	long idx = (long)(tc->t - rec->terms);

	if (namelen == 8 && ik_ascii_eq(tc->s, 8, "redirect", 8)) {
		tc->t->kind = IK_SPF_REDIRECT;
		/* RFC 7208 6: at most once each */
		if (rec->redirect >= 0)
			return term_error(tc, 0, "redirect= appears twice");
		rec->redirect = idx;
		return check_spec(tc, voff, vlen, IK_SPF_SPEC_DOMAIN);
	}
	if (namelen == 3 && ik_ascii_eq(tc->s, 3, "exp", 3)) {
		tc->t->kind = IK_SPF_EXP;
		if (rec->exp >= 0)
			return term_error(tc, 0, "exp= appears twice");
		rec->exp = idx;
		return check_spec(tc, voff, vlen, IK_SPF_SPEC_DOMAIN);
	}
	/* RFC 7208 6: unknown modifiers are ignored, but their value must
	 * still be a macro-string (A, unknown-modifier) */
	tc->t->kind = IK_SPF_UNKNOWN_MOD;
	return check_spec(tc, voff, vlen, IK_SPF_SPEC_MACRO);
}

/* the mechanism named by [s, s+n), ASCII case-insensitive; -1 if none */
static int
mechanism_kind(const char *s, size_t n)
{
	switch (n) {
	case 1:
		return ik_to_lower((unsigned char)s[0]) == 'a' ? IK_SPF_A : -1;
	case 2:
		return ik_ascii_eq(s, 2, "mx", 2) ? IK_SPF_MX : -1;
	case 3:
		if (ik_ascii_eq(s, 3, "all", 3))
			return IK_SPF_ALL;
		if (ik_ascii_eq(s, 3, "ptr", 3))
			return IK_SPF_PTR;
		if (ik_ascii_eq(s, 3, "ip4", 3))
			return IK_SPF_IP4;
		return ik_ascii_eq(s, 3, "ip6", 3) ? IK_SPF_IP6 : -1;
	case 6:
		return ik_ascii_eq(s, 6, "exists", 6) ? IK_SPF_EXISTS : -1;
	case 7:
		return ik_ascii_eq(s, 7, "include", 7) ? IK_SPF_INCLUDE : -1;
	default:
		return -1;
	}
}

static inkan_status
parse_ip(struct term_ctx *tc, size_t off)
{
	ik_spf_term *t = tc->t;
	size_t end = tc->len, sl;
	int v6 = t->kind == IK_SPF_IP6;
	unsigned max = v6 ? 128 : 32;

	/* RFC 7208 5.6: ":" network [ cidr-length ], no dual length */
	if (off >= end || tc->s[off] != ':')
		return term_error(tc, off, "ip4/ip6 needs ':' and a network");
	off++;
	t->cidr4 = t->cidr6 = max;
	if (find_cidr(tc->s, end, &sl) && sl >= off) {
		if (sl > off && tc->s[sl - 1] == '/')
			return term_error(tc, sl - 1, "ip4/ip6 take one CIDR "
				"length, not a dual one");
		if (!cidr_value(tc->s + sl + 1, end - sl - 1, max,
		    v6 ? &t->cidr6 : &t->cidr4))
			return term_error(tc, sl, "invalid CIDR prefix length");
		end = sl;
	}
	if (v6 ? !ik_spf_ip6_parse(tc->s + off, end - off, t->net) :
	    !ik_spf_ip4_parse(tc->s + off, end - off, t->net))
		return term_error(tc, off, v6 ? "invalid IPv6 network" :
			"invalid IPv4 network");
	return INKAN_OK;
}

static inkan_status
parse_mechanism(struct term_ctx *tc)
{
	ik_spf_term *t = tc->t;
	size_t off = 0, nlen, end = tc->len, sl;
	int kind;

	t->qualifier = '+';
	if (tc->len > 0 && strchr("+-~?", tc->s[0]) != NULL) {
		t->qualifier = tc->s[0];
		off = 1;
	}
	for (nlen = 0; off + nlen < tc->len && tc->s[off + nlen] != ':' &&
	    tc->s[off + nlen] != '/'; nlen++)
		;
	kind = mechanism_kind(tc->s + off, nlen);
	if (kind < 0)
		return term_error(tc, off, "unknown mechanism");
	t->kind = (enum ik_spf_kind)kind;
	off += nlen;
	switch (t->kind) {
	case IK_SPF_ALL:
		/* RFC 7208 5.1: all = "all", nothing after it */
		if (off != tc->len)
			return term_error(tc, off, "nothing may follow 'all'");
		return INKAN_OK;
	case IK_SPF_IP4:
	case IK_SPF_IP6:
		return parse_ip(tc, off);
	case IK_SPF_INCLUDE:
	case IK_SPF_EXISTS:
		/* RFC 7208 5.2, 5.7: ":" domain-spec is required */
		if (off >= tc->len || tc->s[off] != ':')
			return term_error(tc, off, "domain-spec required");
		return check_spec(tc, off + 1, tc->len - off - 1,
			IK_SPF_SPEC_DOMAIN);
	case IK_SPF_PTR:
		if (off == tc->len)
			return INKAN_OK;
		if (tc->s[off] != ':')
			return term_error(tc, off, "ptr takes no CIDR length");
		return check_spec(tc, off + 1, tc->len - off - 1,
			IK_SPF_SPEC_DOMAIN);
	default:
		break;
	}
	/* a, mx: [ ":" domain-spec ] [ dual-cidr-length ] (RFC 7208 5.3,
	 * 5.4); the lengths are read from the end of the term */
	t->cidr4 = 32;
	t->cidr6 = 128;
	if (find_cidr(tc->s, end, &sl) && sl >= off) {
		if (sl > off && tc->s[sl - 1] == '/') {
			if (!cidr_value(tc->s + sl + 1, end - sl - 1, 128,
			    &t->cidr6))
				return term_error(tc, sl,
					"invalid IPv6 CIDR prefix length");
			end = sl - 1;
		}
		if (find_cidr(tc->s, end, &sl) && sl >= off) {
			if (!cidr_value(tc->s + sl + 1, end - sl - 1, 32,
			    &t->cidr4))
				return term_error(tc, sl,
					"invalid IPv4 CIDR prefix length");
			end = sl;
		}
	}
	if (end == off)
		return INKAN_OK;
	if (tc->s[off] != ':')
		return term_error(tc, off, "malformed mechanism");
	return check_spec(tc, off + 1, end - off - 1, IK_SPF_SPEC_DOMAIN);
}

static inkan_status
parse_term(struct term_ctx *tc)
{
	size_t n = 0;

	/* RFC 7208 4.6.1: a modifier is name "=" with the "=" right after
	 * the name; name = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." ) */
	if (tc->len > 0 && ik_is_alpha((unsigned char)tc->s[0])) {
		while (n < tc->len && (ik_is_alnum((unsigned char)tc->s[n]) ||
		    tc->s[n] == '-' || tc->s[n] == '_' || tc->s[n] == '.'))
			n++;
		if (n < tc->len && tc->s[n] == '=')
			return parse_modifier(tc, n);
	}
	return parse_mechanism(tc);
}

inkan_status
ik_spf_record_parse_with(const inkan_ctx *ctx, const char *text, size_t len,
	ik_spf_record *rec, void *(*alloc)(void *ud, size_t n), void *ud)
{
	size_t i, nterms = 0, pos;
	inkan_status st;

	memset(rec, 0, sizeof(*rec));
	rec->redirect = rec->exp = -1;
	rec->text = text;
	rec->len = len;
	if (!ik_spf_is_record(text, len)) {
		rec->err_msg = "record does not start with v=spf1";
		return INKAN_ERR_SYNTAX;
	}
	/* RFC 7208 3.1: the record is US-ASCII; terms are separated by SP
	 * only (4.6.1), so any other control character is an error */
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];

		if (c >= 0x80 || c < 0x20 || c == 0x7f) {
			rec->err_pos = i;
			rec->err_msg = c >= 0x80 ? "non-ASCII byte in record" :
			    "control character in record";
			return INKAN_ERR_SYNTAX;
		}
		if (c != ' ' && (i == 0 || text[i - 1] == ' '))
			nterms++;
	}
	nterms--;	/* the version section */
	if (nterms > 0) {
		if (alloc != NULL) {
			rec->terms = alloc(ud, nterms * sizeof(*rec->terms));
		} else {
			rec->terms = ik_calloc(ctx, nterms,
				sizeof(*rec->terms));
			rec->terms_owned = 1;
		}
		if (rec->terms == NULL)
			return INKAN_ERR_NOMEM;
	}
	pos = 6;
	while (pos < len) {
		struct term_ctx tc;
		size_t end;

		while (pos < len && text[pos] == ' ')
			pos++;
		if (pos == len)
			break;
		for (end = pos; end < len && text[end] != ' '; end++)
			;
		tc.rec = rec;
		tc.t = &rec->terms[rec->nterms++];
		tc.t->text = text + pos;
		tc.t->text_len = end - pos;
		tc.t->pos = pos;
		tc.s = tc.t->text;
		tc.len = tc.t->text_len;
		st = parse_term(&tc);
		if (st != INKAN_OK)
			return st;
		if (tc.t->kind == IK_SPF_ALL)
			rec->has_all = 1;
		if (ik_spf_kind_is_dns(tc.t->kind))
			rec->dns_terms++;
		pos = end;
	}
	return INKAN_OK;
}

inkan_status
ik_spf_record_parse(const inkan_ctx *ctx, const char *text, size_t len,
	ik_spf_record *rec)
{
	return ik_spf_record_parse_with(ctx, text, len, rec, NULL, NULL);
}

void
ik_spf_record_free(const inkan_ctx *ctx, ik_spf_record *rec)
{
	if (rec == NULL)
		return;
	if (rec->terms_owned)
		ik_free(ctx, rec->terms);
	rec->text = NULL;
	rec->terms = NULL;
	rec->nterms = 0;
}
