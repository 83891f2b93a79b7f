/* SPDX-License-Identifier: MIT */
/*
 * encoded_word.c - decode RFC 2047 encoded-words to UTF-8.
 *
 * RFC 2047 2 (syntax), 4.1 (B), 4.2 (Q), RFC 2231 5 (a "*language"
 * suffix on the charset). Charsets: UTF-8, US-ASCII, ISO-8859-1 and
 * windows-1252 (decoded alike, as the WHATWG Encoding Standard does,
 * because mail labelled ISO-8859-1 is very often windows-1252), and
 * ISO-8859-15. Anything else stays as written; the display name is only
 * for people, the address is what DMARC uses.
 *
 * Decoded text that holds control characters (C0, DEL, C1) is refused:
 * a display name is shown to people, and an encoded CR, LF or NUL in it
 * only serves to confuse whoever prints it.
 */
#include <string.h>

#include "core/base64.h"
#include "core/alloc.h"
#include "core/ascii.h"
#include "msg/address_lex.h"
#include "msg/encoded_word.h"

enum charset { CS_UNKNOWN, CS_UTF8, CS_ASCII, CS_1252, CS_8859_15 };

static enum charset
charset_of(const char *s, size_t len)
{
	static const struct {
		const char *name;
		enum charset cs;
	} names[] = {
		{ "utf-8", CS_UTF8 }, { "utf8", CS_UTF8 },
		{ "us-ascii", CS_ASCII }, { "ascii", CS_ASCII },
		{ "iso-8859-1", CS_1252 }, { "iso8859-1", CS_1252 },
		{ "latin1", CS_1252 }, { "windows-1252", CS_1252 },
		{ "cp1252", CS_1252 },
		{ "iso-8859-15", CS_8859_15 }, { "iso8859-15", CS_8859_15 },
		{ "latin-9", CS_8859_15 },
	};
	const char *star = memchr(s, '*', len);
	size_t i;

	/* RFC 2231 5: charset*language */
	if (star != NULL)
		len = (size_t)(star - s);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (ik_ascii_eqz(s, len, names[i].name))
			return names[i].cs;
	return CS_UNKNOWN;
}

/* windows-1252 0x80..0x9F; 0 marks the five undefined bytes */
static const unsigned short cp1252_high[32] = {
	0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
	0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
};

/* ISO-8859-15 differs from ISO-8859-1 in eight places */
static unsigned
latin9(unsigned char c)
{
	switch (c) {
	case 0xA4: return 0x20AC;
	case 0xA6: return 0x0160;
	case 0xA8: return 0x0161;
	case 0xB4: return 0x017D;
	case 0xB8: return 0x017E;
	case 0xBC: return 0x0152;
	case 0xBD: return 0x0153;
	case 0xBE: return 0x0178;
	default: return c;
	}
}

static inkan_status
put_cp(ik_buf *out, unsigned cp)
{
	char u[3];

	if (cp < 0x80) {
		u[0] = (char)cp;
		return ik_buf_append(out, u, 1);
	}
	if (cp < 0x800) {
		u[0] = (char)(0xC0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3F));
		return ik_buf_append(out, u, 2);
	}
	/* the tables above stay inside the BMP */
	u[0] = (char)(0xE0 | (cp >> 12));
	u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
	u[2] = (char)(0x80 | (cp & 0x3F));
	return ik_buf_append(out, u, 3);
}

static int
is_control(unsigned cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
}

/* Append @raw in charset @cs as UTF-8. *ok = 0 when it cannot be. */
static inkan_status
to_utf8(enum charset cs, const unsigned char *raw, size_t len, ik_buf *out,
	int *ok)
{
	size_t i = 0, n;
	unsigned cp;
	inkan_status st;

	*ok = 0;
	while (i < len) {
		if (cs == CS_UTF8) {
			if ((n = ik_utf8_seq(raw + i, len - i)) == 0)
				return INKAN_OK;
			/* C1 controls are U+0080..U+009F: C2 80..C2 9F */
			if (is_control(raw[i]) ||
			    (raw[i] == 0xC2 && raw[i + 1] <= 0x9F))
				return INKAN_OK;
			st = ik_buf_append(out, raw + i, n);
			i += n;
		} else {
			cp = raw[i++];
			if (cs == CS_ASCII && cp >= 0x80)
				return INKAN_OK;
			if (cs == CS_1252 && cp >= 0x80 && cp <= 0x9F)
				cp = cp1252_high[cp - 0x80];
			else if (cs == CS_8859_15)
				cp = latin9((unsigned char)cp);
			if (cp == 0 || is_control(cp))
				return INKAN_OK;
			st = put_cp(out, cp);
		}
		if (st != INKAN_OK)
			return st;
	}
	*ok = 1;
	return INKAN_OK;
}

/* RFC 2047 4.1 (RFC 2045 6.8): padded base64, nothing else (no
 * whitespace inside an encoded-word). Decodes into @raw, which has room
 * for @len bytes; 0 when malformed. */
static int
decode_b(const char *s, size_t len, unsigned char *raw, size_t *rlen)
{
	return len > 0 && len % 4 == 0 &&
		ik_b64_decode(s, len, 0, raw, len, rlen) == INKAN_OK;
}

/* RFC 2047 4.2: "_" is a space, "=XX" a byte, the rest stands for
 * itself. Decodes into @raw (room for @len bytes); 0 when malformed. */
static int
decode_q(const char *s, size_t len, unsigned char *raw, size_t *rlen)
{
	static const char hex[] = "0123456789abcdef";
	size_t i = 0, o = 0;
	const char *h1, *h2;

	while (i < len) {
		if (s[i] == '_') {
			raw[o++] = ' ';
			i++;
		} else if (s[i] == '=') {
			if (i + 2 >= len || !ik_is_xdigit(s[i + 1]) ||
			    !ik_is_xdigit(s[i + 2]))
				return 0;
			h1 = strchr(hex, ik_to_lower((unsigned char)s[i + 1]));
			h2 = strchr(hex, ik_to_lower((unsigned char)s[i + 2]));
			raw[o++] = (unsigned char)(((h1 - hex) << 4) |
				(h2 - hex));
			i += 3;
		} else {
			raw[o++] = (unsigned char)s[i++];
		}
	}
	*rlen = o;
	return 1;
}

inkan_status
ik_ew_decode(const char *s, size_t len, ik_buf *out, int *decoded)
{
	const char *cs, *text, *q;
	size_t cslen, tlen, rlen = 0, saved = out->len;
	enum charset charset;
	unsigned char *raw;
	inkan_status st;
	int ok;

	*decoded = 0;
	/* RFC 2047 2: "=?" charset "?" encoding "?" encoded-text "?=" */
	if (len < 9 || s[0] != '=' || s[1] != '?' || s[len - 2] != '?' ||
	    s[len - 1] != '=')
		return INKAN_OK;
	cs = s + 2;
	q = memchr(cs, '?', len - 4);
	if (q == NULL || q == cs || (size_t)(q - s) + 3 > len - 3 ||
	    q[2] != '?')
		return INKAN_OK;
	cslen = (size_t)(q - cs);
	text = q + 3;
	tlen = (size_t)(s + len - 2 - text);
	if (tlen == 0 || memchr(text, '?', tlen) != NULL)
		return INKAN_OK;
	if ((charset = charset_of(cs, cslen)) == CS_UNKNOWN)
		return INKAN_OK;

	/* decoding only shrinks: tlen bytes are room enough */
	if ((raw = ik_malloc(out->ctx, tlen)) == NULL)
		return INKAN_ERR_NOMEM;
	if (q[1] == 'B' || q[1] == 'b')
		ok = decode_b(text, tlen, raw, &rlen);
	else if (q[1] == 'Q' || q[1] == 'q')
		ok = decode_q(text, tlen, raw, &rlen);
	else
		ok = 0;
	st = INKAN_OK;
	if (ok)
		st = to_utf8(charset, raw, rlen, out, &ok);
	ik_free(out->ctx, raw);
	if (st != INKAN_OK || !ok) {
		/* drop a partial conversion: the atom stays as written */
		out->len = saved;
		if (out->data != NULL)
			out->data[saved] = '\0';
		return st;
	}
	*decoded = 1;
	return INKAN_OK;
}
