/* SPDX-License-Identifier: MIT */
/*
 * claims.c - does an Authentication-Results field claim our authserv-id?
 * (RFC 8601 5, 7.1)
 *
 * The milter deletes every arriving field that claims to come from inside
 * our trust boundary. Deleting a field by mistake costs little (at worst a
 * DKIM signature over it breaks, which RFC 8601 5 accepts); keeping a
 * forged one lets a sender write its own verdict. So when in doubt this
 * answers "yes".
 *
 * The danger is a parser that reads the id differently from whoever
 * consumes the field later: OpenDMARC's CVE-2020-12272
 * ("example.net(.example.com") came from two programs disagreeing about
 * where a comment starts. (CVE-2022-48521, OpenDKIM, is the other half of
 * the job: after deleting one forged field it removed the wrong ones, as
 * the positions of later fields had shifted. That is the milter's to get
 * right; this test only says which fields to delete.) Therefore:
 *
 *  1. The id is read exactly as RFC 8601 2.2 defines it: leading CFWS
 *     (nested comments, folding) skipped, then a token or a quoted-string
 *     (quoted-pairs resolved). What follows it does not matter: a field
 *     that is malformed after a readable id still claims that id, since a
 *     lenient consumer may well use it.
 *  2. The comparison ignores ASCII case and one trailing dot (the DNS
 *     root), and when non-ASCII is involved compares A-labels (RFC 8601 5:
 *     "after converting A-labels into U-labels"; comparing A-labels is the
 *     same test and needs no Unicode case folding of our own).
 *  3. When no id can be read at all (an unterminated comment or quote
 *     before it, a stray control character, nothing but ";"), we cannot
 *     know which of the words a consumer would take for the id; the field
 *     claims ours if ours appears anywhere in it as a whole word (a run of
 *     token characters). Such a field is garbage anyway.
 *
 * No allocation except for the A-label comparison, which needs a context.
 */
#include <string.h>
#include <idn2.h>

#include <inkan/authres.h>

#include "authres/lex.h"
#include "core/alloc.h"
#include "core/ascii.h"
#include "core/buf.h"

/* A DNS name has at most 253 octets as A-labels, so at most 4 * 253
 * bytes of UTF-8; longer text is not a name libidn2 needs to see. */
#define IDN_INPUT_MAX (4 * 253)

static int
has_non_ascii(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return 1;
	return 0;
}

/* drop one trailing dot: "example.com." names the same as "example.com" */
static size_t
strip_dot(const char *s, size_t n)
{
	return (n > 0 && s[n - 1] == '.') ? n - 1 : n;
}

/* the A-label form of a NUL-terminated name; free with idn2_free() */
static char *
alabel(const char *s)
{
	char *out = NULL;

	if (idn2_lookup_u8((const uint8_t *)s, (uint8_t **)&out,
	    IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL) == IDN2_OK)
		return out;
	out = NULL;
	if (idn2_lookup_u8((const uint8_t *)s, (uint8_t **)&out,
	    IDN2_NFC_INPUT | IDN2_TRANSITIONAL) == IDN2_OK)
		return out;
	return NULL;
}

/* compare as A-labels; 1 equal, 0 not (or not convertible) */
static int
idn_eq(const inkan_ctx *ctx, const char *a, size_t alen, const char *b,
	size_t blen)
{
	char *ca, *cb, *la = NULL, *lb = NULL;
	int eq = 0;

	if (ctx == NULL || alen > IDN_INPUT_MAX || blen > IDN_INPUT_MAX)
		return 0;
	ca = ik_strndup(ctx, a, alen);
	cb = ik_strndup(ctx, b, blen);
	if (ca != NULL && cb != NULL) {
		la = has_non_ascii(a, alen) ? alabel(ca) : NULL;
		lb = has_non_ascii(b, blen) ? alabel(cb) : NULL;
		if ((la != NULL || !has_non_ascii(a, alen)) &&
		    (lb != NULL || !has_non_ascii(b, blen)))
			eq = ik_ascii_eqz(la ? la : ca, strlen(la ? la : ca),
				lb ? lb : cb);
	}
	idn2_free(la);
	idn2_free(lb);
	ik_free(ctx, ca);
	ik_free(ctx, cb);
	return eq;
}

/* 1 when @theirs names @ours (@ours already without its trailing dot) */
static int
same_id(const inkan_ctx *ctx, const char *theirs, size_t tlen,
	const char *ours, size_t olen)
{
	tlen = strip_dot(theirs, tlen);
	if (ik_ascii_eq(theirs, tlen, ours, olen))
		return 1;
	if (has_non_ascii(theirs, tlen) || has_non_ascii(ours, olen))
		return idn_eq(ctx, theirs, tlen, ours, olen);
	return 0;
}

/* step 3: @ours as a whole word anywhere in the value */
static int
word_anywhere(const char *s, size_t len, const char *ours, size_t olen)
{
	size_t i = 0, start;

	while (i < len) {
		if (!ik_ar_is_token_char((unsigned char)s[i])) {
			i++;
			continue;
		}
		start = i;
		while (i < len && ik_ar_is_token_char((unsigned char)s[i]))
			i++;
		if (ik_ascii_eq(s + start, strip_dot(s + start, i - start),
		    ours, olen))
			return 1;
	}
	return 0;
}

/* the next unescaped byte of a well-formed quoted-string, or -1 */
static int
qs_next(const char *raw, size_t n, size_t *i)
{
	/* the CRLF of folding is not part of the content */
	while (*i + 1 < n && (raw[*i] == '\r' || raw[*i] == '\n'))
		(*i)++;
	if (*i + 1 >= n)
		return -1;
	if (raw[*i] == '\\')
		(*i)++;
	return (unsigned char)raw[(*i)++];
}

/*
 * The content of the well-formed quoted-string @raw (quotes included)
 * compared with @ours. The plain comparison walks it without allocating;
 * only when non-ASCII is involved is it copied for the A-label step.
 */
static int
quoted_eq(const inkan_ctx *ctx, const char *raw, size_t n, const char *ours,
	size_t olen)
{
	ik_buf copy;
	size_t i = 1, ulen = 0, k = 0;
	int ch, last = 0, eq = 1;

	while ((ch = qs_next(raw, n, &i)) != -1) {
		last = ch;
		ulen++;
	}
	if (ulen > 0 && last == '.')
		ulen--;
	if (ulen != olen)
		eq = 0;
	for (i = 1; eq && k < ulen; k++) {
		ch = qs_next(raw, n, &i);
		if (ik_to_lower(ch) != ik_to_lower((unsigned char)ours[k]))
			eq = 0;
	}
	if (eq || ctx == NULL ||
	    (!has_non_ascii(raw, n) && !has_non_ascii(ours, olen)))
		return eq;
	ik_buf_init(&copy, ctx, n);
	for (i = 1; (ch = qs_next(raw, n, &i)) != -1;) {
		if (ik_buf_putc(&copy, (char)ch) != INKAN_OK) {
			ik_buf_free(&copy);
			return 1;	/* no memory: delete */
		}
	}
	eq = same_id(ctx, ik_buf_str(&copy), copy.len, ours, olen);
	ik_buf_free(&copy);
	return eq;
}

INKAN_API int
inkan_authres_claims_authserv_id(const inkan_ctx *ctx, const char *value,
	size_t len, const char *authserv_id)
{
	ik_ar_cur c;
	size_t olen, start, n;

	if (authserv_id == NULL || (value == NULL && len > 0))
		return 0;
	olen = strip_dot(authserv_id, strlen(authserv_id));
	if (olen == 0)
		return 0;
	if (value == NULL)
		return 0;
	/* no comment depth cap: skipping nested comments costs a counter */
	ik_ar_cur_init(&c, value, len, SIZE_MAX);
	if (ik_ar_cfws(&c, NULL, NULL) == INKAN_OK && !ik_ar_end(&c)) {
		start = c.pos;
		n = ik_ar_span(&c, ik_ar_is_token_char);
		if (n > 0)
			return same_id(ctx, value + start, n, authserv_id,
				olen);
		if (ik_ar_peek(&c) == '"' &&
		    ik_ar_quoted(&c, NULL) == INKAN_OK && c.pos - start > 2)
			return quoted_eq(ctx, value + start, c.pos - start,
				authserv_id, olen);
	}
	/* step 3: no readable id */
	return word_anywhere(value, len, authserv_id, olen);
}
