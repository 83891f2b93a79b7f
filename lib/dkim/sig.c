/* SPDX-License-Identifier: MIT */
/*
 * sig.c - DKIM-Signature field: tags (RFC 6376 3.5) and the checks a
 * verifier makes before fetching the key (6.1.1), with RFC 8301 (no
 * rsa-sha1) and RFC 8463 (ed25519-sha256).
 *
 * Every string kept is copied into one arena per signature, sized from
 * the field's length, so a signature costs two allocations.
 */
#include <string.h>

#include "core/base64.h"
#include "core/alloc.h"
#include "core/ascii.h"
#include "dkim_internal.h"
#include "taglist.h"

/* a copy of @p[0..n) plus NUL in the arena (room was reserved) */
static char *
arena_put(ik_dkim_sig *s, const char *p, size_t n)
{
	char *r = s->arena + s->arena_len;

	memcpy(r, p, n);
	r[n] = '\0';
	s->arena_len += n + 1;
	return r;
}

int
ik_dkim_domain_ok(const char *s, size_t len, int selector)
{
	size_t i, label = 0, labels = 1;

	if (len == 0 || len > IK_DKIM_MAX_QNAME)
		return 0;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '.') {
			/* sub-domain = Let-dig [Ldh-str]: no empty label, no
			 * '-' at either end */
			if (label == 0 || s[i - 1] == '-')
				return 0;
			label = 0;
			labels++;
			continue;
		}
		if (!(ik_is_alnum(c) || (c == '-' && label > 0) ||
		    (c == '_' && selector)))
			return 0;
		if (++label > 63)
			return 0;
	}
	if (label == 0 || s[len - 1] == '-')
		return 0;
	/* d= = sub-domain 1*("." sub-domain) */
	return selector || labels >= 2;
}

/* 1*DIGIT with at most @max_digits; longer is "infinite" when @inf_ok
 * (RFC 6376 3.5 t=/x=: MAY treat > 12 digits as infinite) */
static int
parse_uint(const ik_tag *t, size_t max_digits, int inf_ok, uint64_t *out)
{
	size_t i;
	uint64_t v = 0;

	if (t->value_len == 0)
		return 0;
	for (i = 0; i < t->value_len; i++)
		if (!ik_is_digit((unsigned char)t->value[i]))
			return 0;
	if (t->value_len > max_digits) {
		if (!inf_ok)
			return 0;
		*out = UINT64_MAX;
		return 1;
	}
	for (i = 0; i < t->value_len; i++) {
		unsigned d = (unsigned)(t->value[i] - '0');
		if (v > (UINT64_MAX - d) / 10) {
			v = UINT64_MAX;	/* saturate: larger than any body */
			break;
		}
		v = v * 10 + d;
	}
	*out = v;
	return 1;
}

static int
hexval(unsigned char c)
{
	if (ik_is_digit(c))
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;	/* RFC 2045 6.7: upper-case hex */
}

/* RFC 6376 2.11 dkim-quoted-printable; WSP is FWS and is dropped */
static int
dqp_decode(const char *in, size_t len, char *out, size_t *out_len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];
		if (ik_is_wsp(c))
			continue;
		if (c == '=') {
			int hi, lo;
			if (i + 2 >= len)
				return 0;
			hi = hexval((unsigned char)in[i + 1]);
			lo = hexval((unsigned char)in[i + 2]);
			if (hi < 0 || lo < 0)
				return 0;
			out[n++] = (char)(hi << 4 | lo);
			i += 2;
			continue;
		}
		out[n++] = (char)c;
	}
	*out_len = n;
	return 1;
}

static inkan_dkim_reason
parse_algorithm(ik_dkim_sig *s, const ik_tag *a, unsigned flags)
{
	s->algorithm = arena_put(s, a->value, a->value_len);
	if (ik_tag_is(a, "rsa-sha256")) {
		s->ktype = IK_KEY_RSA;
		s->halg = IK_HASH_SHA256;
	} else if (ik_tag_is(a, "ed25519-sha256")) {
		s->ktype = IK_KEY_ED25519;
		s->halg = IK_HASH_SHA256;
	} else if (ik_tag_is(a, "rsa-sha1")) {
		/* RFC 8301 3.1: historic, "MUST NOT be used for signing or
		 * verifying" */
		if (!(flags & INKAN_DKIM_ALLOW_RSA_SHA1))
			return INKAN_DKIM_R_ALGORITHM_HISTORIC;
		s->ktype = IK_KEY_RSA;
		s->halg = IK_HASH_SHA1;
	} else {
		return INKAN_DKIM_R_ALGORITHM;
	}
	return INKAN_DKIM_R_OK;
}

static int
canon_name(const char *p, size_t n, ik_canon *out)
{
	if (n == 6 && memcmp(p, "simple", 6) == 0)
		*out = IK_CANON_SIMPLE;
	else if (n == 7 && memcmp(p, "relaxed", 7) == 0)
		*out = IK_CANON_RELAXED;
	else
		return 0;
	return 1;
}

/* RFC 6376 3.5 c=: "header[/body]", body defaults to simple */
static inkan_dkim_reason
parse_canon(ik_dkim_sig *s, const ik_tag *c)
{
	const char *slash;
	size_t hlen;

	s->hcanon = s->bcanon = IK_CANON_SIMPLE;
	if (c == NULL)
		return INKAN_DKIM_R_OK;
	slash = memchr(c->value, '/', c->value_len);
	hlen = slash ? (size_t)(slash - c->value) : c->value_len;
	if (!canon_name(c->value, hlen, &s->hcanon))
		return INKAN_DKIM_R_CANONICALIZATION;
	if (slash != NULL && !canon_name(slash + 1,
	    c->value_len - hlen - 1, &s->bcanon))
		return INKAN_DKIM_R_CANONICALIZATION;
	return INKAN_DKIM_R_OK;
}

static int
is_field_name_char(unsigned char c)
{
	/* RFC 5322 ftext: printable US-ASCII except ':' */
	return c >= 33 && c <= 126 && c != ':';
}

/* h=: colon-separated field names, must include From (6.1.1) */
static inkan_dkim_reason
parse_h(const inkan_ctx *ctx, ik_dkim_sig *s, const ik_tag *h)
{
	size_t pos = 0, n, i, count = 1;
	const char *item, *p = h->value, *end = h->value + h->value_len;
	int from = 0;

	/* room for every item: one more than the colons */
	while ((p = memchr(p, ':', (size_t)(end - p))) != NULL) {
		p++;
		if (++count > IK_DKIM_MAX_H)
			return INKAN_DKIM_R_SYNTAX;
	}
	s->h = ik_malloc(ctx, count * sizeof(*s->h));
	if (s->h == NULL)
		return INKAN_DKIM_R_INTERNAL;
	while (ik_colon_list_next(h->value, h->value_len, &pos, &item, &n)) {
		if (n == 0 || s->nh == count)
			return INKAN_DKIM_R_SYNTAX;
		for (i = 0; i < n; i++)
			if (!is_field_name_char((unsigned char)item[i]))
				return INKAN_DKIM_R_SYNTAX;
		s->h[s->nh++] = arena_put(s, item, n);
		if (n == 4 && ik_ascii_eqz(item, n, "from"))
			from = 1;
	}
	return from ? INKAN_DKIM_R_OK : INKAN_DKIM_R_FROM_NOT_SIGNED;
}

/* i=: [local-part] "@" domain-name, within d= (6.1.1) */
static inkan_dkim_reason
parse_i(ik_dkim_sig *s, const ik_tag *i)
{
	char *out = s->arena + s->arena_len;
	const char *at, *dom;
	size_t n, dlen, plen = strlen(s->domain);

	if (i == NULL) {
		/* default: "@" d= */
		out[0] = '@';
		memcpy(out + 1, s->domain, plen + 1);
		s->arena_len += plen + 2;
		s->auid = out;
		s->auid_domain = out + 1;
		return INKAN_DKIM_R_OK;
	}
	if (!dqp_decode(i->value, i->value_len, out, &n))
		return INKAN_DKIM_R_AUID;
	out[n] = '\0';
	s->arena_len += n + 1;
	s->auid = out;
	at = NULL;
	for (dom = out; dom < out + n; dom++)
		if (*dom == '@')
			at = dom;
	if (at == NULL || memchr(out, '\0', n) != NULL)
		return INKAN_DKIM_R_AUID;
	dom = at + 1;
	dlen = (size_t)(out + n - dom);
	s->auid_domain = dom;
	if (!ik_dkim_domain_ok(dom, dlen, 0))
		return INKAN_DKIM_R_AUID;
	/* same as d=, or a subdomain of it */
	if (ik_ascii_eq(dom, dlen, s->domain, plen))
		return INKAN_DKIM_R_OK;
	if (dlen > plen && dom[dlen - plen - 1] == '.' &&
	    ik_ascii_eq(dom + dlen - plen, plen, s->domain, plen))
		return INKAN_DKIM_R_OK;
	return INKAN_DKIM_R_AUID_DOMAIN;
}

static inkan_dkim_reason
parse_q(const ik_tag *q)
{
	size_t pos = 0, n;
	const char *item;

	if (q == NULL)
		return INKAN_DKIM_R_OK;
	/* unrecognized methods are ignored; dns/txt must be among them */
	while (ik_colon_list_next(q->value, q->value_len, &pos, &item, &n))
		if (ik_ascii_eqz(item, n, "dns/txt"))
			return INKAN_DKIM_R_OK;
	return INKAN_DKIM_R_QUERY_METHOD;
}

static inkan_dkim_reason
parse_times(ik_dkim_sig *s, const ik_tag *t, const ik_tag *x, int64_t now,
	uint64_t skew)
{
	uint64_t unow = now > 0 ? (uint64_t)now : 0;

	if (t != NULL && !(s->has_t = parse_uint(t, 12, 1, &s->t)))
		return INKAN_DKIM_R_SYNTAX;
	if (x != NULL && !(s->has_x = parse_uint(x, 12, 1, &s->x)))
		return INKAN_DKIM_R_SYNTAX;
	/* 3.5 x=: "MUST be greater than the value of the t= tag" */
	if (s->has_t && s->has_x && s->x <= s->t)
		return INKAN_DKIM_R_EXPIRY_ORDER;
	/* 3.5 t=: MAY ignore signatures from the future; allow skew */
	if (s->has_t && s->t > unow && s->t - unow > skew)
		return INKAN_DKIM_R_FUTURE;
	/* 6.1.1: MAY treat an expired signature as PERMFAIL */
	if (s->has_x && s->x < unow && unow - s->x > skew)
		return INKAN_DKIM_R_EXPIRED;
	return INKAN_DKIM_R_OK;
}

static inkan_dkim_reason
parse_hashes(ik_dkim_sig *s, const ik_tag *b, const ik_tag *bh)
{
	size_t n;
	inkan_status st;

	st = ik_b64_decode(bh->value, bh->value_len, IK_B64_FWS, s->bh,
		sizeof(s->bh), &s->bh_len);
	if (st != INKAN_OK || s->bh_len != ik_hash_len(s->halg))
		return INKAN_DKIM_R_SYNTAX;
	/* the arena had room for the decoded b= reserved */
	s->b = (unsigned char *)s->arena + s->arena_len;
	n = ik_b64_decoded_max(b->value_len);
	if (n > IK_DKIM_MAX_SIG_BYTES)
		n = IK_DKIM_MAX_SIG_BYTES;
	st = ik_b64_decode(b->value, b->value_len, IK_B64_FWS, s->b, n,
		&s->b_len);
	if (st != INKAN_OK || s->b_len == 0)
		return INKAN_DKIM_R_SYNTAX;
	s->arena_len += s->b_len;
	return INKAN_DKIM_R_OK;
}

static void
copy_b_prefix(ik_dkim_sig *s, const ik_tag *b)
{
	size_t i, n = 0;

	for (i = 0; i < b->value_len && n < 8; i++)
		if (!ik_is_wsp((unsigned char)b->value[i]) &&
		    b->value[i] != '\r' && b->value[i] != '\n')
			s->b_prefix[n++] = b->value[i];
	s->b_prefix[n] = '\0';
}

/* the tags a verifier reads, found in one pass over the list */
enum { T_V, T_A, T_B, T_BH, T_C, T_D, T_H, T_I, T_L, T_Q, T_S, T_T, T_X,
	T_COUNT };

static void
index_tags(const ik_taglist *tl, const ik_tag **slot)
{
	static const char names[] = "vabXcdhilqstx";	/* X: bh */
	const char *at;
	size_t i;

	memset(slot, 0, T_COUNT * sizeof(*slot));
	for (i = 0; i < tl->n; i++) {
		const ik_tag *t = &tl->tags[i];
		if (t->name_len == 2 && t->name[0] == 'b' && t->name[1] == 'h')
			slot[T_BH] = t;
		else if (t->name_len == 1 && t->name[0] != 'X' &&
		    (at = strchr(names, t->name[0])) != NULL)
			slot[at - names] = t;
	}
}

/* the checks of 6.1.1, in the order of 3.5's list; first problem wins */
static inkan_dkim_reason
check_tags(const inkan_ctx *ctx, ik_dkim_sig *s, const ik_taglist *tl,
	unsigned flags, int64_t now, uint64_t skew)
{
	/* 6.1.1: v a b bh d h s are required */
	static const int required[] = { T_V, T_A, T_B, T_BH, T_D, T_H, T_S };
	const ik_tag *slot[T_COUNT], *d, *sel, *b;
	inkan_dkim_reason r;
	size_t i;

	index_tags(tl, slot);
	d = slot[T_D];
	sel = slot[T_S];
	b = slot[T_B];
	/* keep what identifies the signature for the report first */
	if (d != NULL)
		s->domain = arena_put(s, d->value, d->value_len);
	if (sel != NULL)
		s->selector = arena_put(s, sel->value, sel->value_len);
	if (b != NULL)
		copy_b_prefix(s, b);
	if (slot[T_V] == NULL)
		return INKAN_DKIM_R_MISSING_TAG;
	if (!ik_tag_is(slot[T_V], "1"))
		return INKAN_DKIM_R_VERSION;
	for (i = 0; i < sizeof(required) / sizeof(required[0]); i++)
		if (slot[required[i]] == NULL)
			return INKAN_DKIM_R_MISSING_TAG;
	if ((r = parse_algorithm(s, slot[T_A], flags)))
		return r;
	if ((r = parse_canon(s, slot[T_C])))
		return r;
	if (!ik_dkim_domain_ok(s->domain, d->value_len, 0))
		return INKAN_DKIM_R_DOMAIN;
	if (!ik_dkim_domain_ok(s->selector, sel->value_len, 1) ||
	    sel->value_len + d->value_len + 12 > IK_DKIM_MAX_QNAME)
		return INKAN_DKIM_R_SELECTOR;
	if ((r = parse_i(s, slot[T_I])))
		return r;
	if ((r = parse_h(ctx, s, slot[T_H])))
		return r;
	if ((r = parse_q(slot[T_Q])))
		return r;
	if (slot[T_L] != NULL) {
		/* 3.5 l=: 1*76DIGIT; values past 2^64 saturate */
		if (!parse_uint(slot[T_L], 76, 0, &s->l))
			return INKAN_DKIM_R_SYNTAX;
		s->has_l = 1;
	}
	if ((r = parse_times(s, slot[T_T], slot[T_X], now, skew)))
		return r;
	return parse_hashes(s, b, slot[T_BH]);
}

inkan_status
ik_dkim_sig_parse(const inkan_ctx *ctx, const inkan_header *hdr,
	unsigned flags, int64_t now, uint64_t skew, ik_dkim_sig *sig)
{
	ik_taglist tl;		/* spans only: about 2 KB of stack */
	size_t vlen;
	const char *value = inkan_header_value(hdr, &vlen);

	memset(sig, 0, sizeof(*sig));
	sig->hdr = hdr;
	/* every copy together is shorter than twice the value */
	sig->arena_cap = 2 * vlen + 64;
	sig->arena = ik_malloc(ctx, sig->arena_cap);
	if (sig->arena == NULL) {
		sig->error = INKAN_DKIM_R_INTERNAL;
		return INKAN_ERR_NOMEM;
	}
	switch (ik_taglist_parse(value, vlen, &tl)) {
	case IK_TAGLIST_OK:
		sig->error = check_tags(ctx, sig, &tl, flags, now, skew);
		break;
	case IK_TAGLIST_DUPLICATE:
		sig->error = INKAN_DKIM_R_DUPLICATE_TAG;
		break;
	default:
		sig->error = INKAN_DKIM_R_SYNTAX;
		break;
	}
	return sig->error == INKAN_DKIM_R_INTERNAL ? INKAN_ERR_NOMEM :
		INKAN_OK;
}

void
ik_dkim_sig_clear(const inkan_ctx *ctx, ik_dkim_sig *sig)
{
	ik_free(ctx, sig->h);
	ik_free(ctx, sig->arena);
	memset(sig, 0, sizeof(*sig));
}

size_t
ik_dkim_strip_b(const char *raw, size_t len, char *out)
{
	const char *colon = memchr(raw, ':', len);
	size_t i, name, vstart, end = len;

	memcpy(out, raw, len);
	if (colon == NULL)
		return len;
	if (end >= 2 && raw[end - 2] == '\r' && raw[end - 1] == '\n')
		end -= 2;
	/* walk the tag-specs of the raw (folded) value */
	for (i = (size_t)(colon - raw) + 1; i < end;) {
		while (i < end && (ik_is_wsp((unsigned char)raw[i]) ||
		    raw[i] == '\r' || raw[i] == '\n'))
			i++;
		name = i;
		while (i < end && (ik_is_alnum((unsigned char)raw[i]) ||
		    raw[i] == '_'))
			i++;
		if (i - name == 1 && raw[name] == 'b') {
			while (i < end && raw[i] != '=' && raw[i] != ';')
				i++;
			if (i < end && raw[i] == '=') {
				/* delete from after '=' up to the ';' or the
				 * end, with all whitespace around the value */
				vstart = i + 1;
				while (i < end && raw[i] != ';')
					i++;
				memcpy(out + vstart, raw + i, len - i);
				return len - (i - vstart);
			}
		}
		while (i < end && raw[i] != ';')
			i++;
		i++;
	}
	return len;
}
