/* SPDX-License-Identifier: MIT */
/* mime.c - header fields, parameters, transfer encodings, multipart. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/mime.h"
#include "core/ascii.h"

void
ik_mime_split(const char *m, size_t len, size_t *hlen, size_t *body)
{
	for (size_t i = 0; i < len; i++) {
		if (m[i] != '\n')
			continue;
		/* the line after this LF is empty: LF or CRLF */
		if (i + 1 < len && m[i + 1] == '\n') {
			*hlen = i + 1;
			*body = i + 2;
			return;
		}
		if (i + 2 < len && m[i + 1] == '\r' && m[i + 2] == '\n') {
			*hlen = i + 1;
			*body = i + 3;
			return;
		}
	}
	*hlen = len;
	*body = len;
}

int
ik_mime_header(const char *h, size_t hlen, const char *name, ik_buf *out)
{
	size_t nlen = strlen(name), i = 0;

	while (i < hlen) {
		size_t eol = i;
		while (eol < hlen && h[eol] != '\n')
			eol++;
		if (eol - i > nlen && h[i + nlen] == ':' &&
		    ik_ascii_eq(h + i, nlen, name, nlen)) {
			size_t j = i + nlen + 1;
			ik_buf_reset(out);
			for (;;) {
				size_t e = eol;
				while (j < e && ik_is_wsp(h[j]))
					j++;
				if (e > j && h[e - 1] == '\r')
					e--;
				if (out->len > 0)
					ik_buf_putc(out, ' ');
				if (ik_buf_append(out, h + j, e - j) !=
				    INKAN_OK)
					return 0;
				/* RFC 5322 2.2.3: a folded line starts with WSP */
				if (eol + 1 < hlen && ik_is_wsp(h[eol + 1])) {
					j = eol + 1;
					eol = j;
					while (eol < hlen && h[eol] != '\n')
						eol++;
					continue;
				}
				break;
			}
			return 1;
		}
		i = eol + 1;
	}
	return 0;
}

void
ik_mime_type(const char *v, char *out, size_t outlen)
{
	size_t n = 0;

	while (ik_is_wsp(*v))
		v++;
	while (*v != '\0' && *v != ';' && !ik_is_wsp(*v) && n + 1 < outlen)
		out[n++] = (char)ik_to_lower(*v++);
	out[n] = '\0';
	if (n == 0)
		snprintf(out, outlen, "text/plain");
}

int
ik_mime_param(const char *v, const char *name, ik_buf *out)
{
	size_t nlen = strlen(name);
	const char *p = strchr(v, ';');

	while (p != NULL) {
		p++;
		while (ik_is_wsp(*p))
			p++;
		if (ik_ascii_eq(p, strlen(p) < nlen ? strlen(p) : nlen, name,
		    nlen) && p[nlen] == '=') {
			const char *s = p + nlen + 1;
			ik_buf_reset(out);
			if (*s == '"') {
				s++;
				while (*s != '\0' && *s != '"') {
					if (*s == '\\' && s[1] != '\0')
						s++;
					ik_buf_putc(out, *s++);
				}
			} else {
				while (*s != '\0' && *s != ';' && !ik_is_wsp(*s))
					ik_buf_putc(out, *s++);
			}
			return 1;
		}
		/* skip to the next ';' outside quotes */
		{
			int q = 0;
			while (*p != '\0' && (q || *p != ';')) {
				if (*p == '"')
					q = !q;
				else if (*p == '\\' && q && p[1] != '\0')
					p++;
				p++;
			}
			p = *p == ';' ? p : NULL;
		}
	}
	return 0;
}

static int
b64val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* RFC 2045 6.8: characters outside the alphabet are ignored */
static inkan_status
decode_b64(const char *s, size_t len, ik_buf *out)
{
	unsigned acc = 0, bits = 0;
	char tmp[3072];
	size_t n = 0;
	inkan_status st;

	for (size_t i = 0; i < len; i++) {
		int v;
		if (s[i] == '=')
			break;
		v = b64val((unsigned char)s[i]);
		if (v < 0)
			continue;
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			tmp[n++] = (char)((acc >> bits) & 0xff);
			if (n == sizeof(tmp)) {
				if ((st = ik_buf_append(out, tmp, n)) != INKAN_OK)
					return st;
				n = 0;
			}
		}
	}
	return ik_buf_append(out, tmp, n);
}

/* RFC 2045 6.7 */
static inkan_status
decode_qp(const char *s, size_t len, ik_buf *out)
{
	inkan_status st = INKAN_OK;

	for (size_t i = 0; i < len && st == INKAN_OK; i++) {
		if (s[i] != '=') {
			st = ik_buf_putc(out, s[i]);
			continue;
		}
		if (i + 2 < len && ik_is_xdigit(s[i + 1]) &&
		    ik_is_xdigit(s[i + 2])) {
			char hex[3] = { s[i + 1], s[i + 2], 0 };
			st = ik_buf_putc(out, (char)strtol(hex, NULL, 16));
			i += 2;
		} else if (i + 1 < len && s[i + 1] == '\n') {
			i += 1;		/* soft line break */
		} else if (i + 2 < len && s[i + 1] == '\r' && s[i + 2] == '\n') {
			i += 2;
		} else {
			st = ik_buf_putc(out, '=');
		}
	}
	return st;
}

inkan_status
ik_mime_decode(const char *body, size_t len, const char *cte, ik_buf *out)
{
	while (ik_is_wsp(*cte))
		cte++;
	ik_buf_reset(out);
	if (ik_ascii_eq(cte, strnlen(cte, 6), "base64", 6) && strlen(cte) >= 6)
		return decode_b64(body, len, out);
	if (ik_ascii_eqz(cte, strlen(cte), "quoted-printable"))
		return decode_qp(body, len, out);
	return ik_buf_append(out, body, len);
}

/* is there a boundary line "--B" at @p (start of a line)? 1: delimiter,
 * 2: close delimiter "--B--" */
static int
is_boundary(const char *p, size_t avail, const char *b, size_t blen)
{
	if (avail < blen + 2 || p[0] != '-' || p[1] != '-' ||
	    memcmp(p + 2, b, blen) != 0)
		return 0;
	if (avail >= blen + 4 && p[blen + 2] == '-' && p[blen + 3] == '-')
		return 2;
	return 1;
}

inkan_status
ik_mime_parts(const char *body, size_t len, const char *boundary,
	unsigned max_parts, ik_mime_part_fn fn, void *arg)
{
	size_t blen = strlen(boundary), i = 0, start = 0;
	unsigned n = 0;
	int inpart = 0;

	if (blen == 0 || blen > 70)	/* RFC 2046 5.1.1: 1..70 chars */
		return INKAN_ERR_SYNTAX;
	while (i < len) {
		int k = is_boundary(body + i, len - i, boundary, blen);
		size_t eol = i;
		while (eol < len && body[eol] != '\n')
			eol++;
		if (k != 0) {
			if (inpart) {
				/* the CRLF before the delimiter belongs to it */
				size_t end = i;
				if (end > start && body[end - 1] == '\n')
					end--;
				if (end > start && body[end - 1] == '\r')
					end--;
				if (n >= max_parts)
					return INKAN_ERR_LIMIT;
				inkan_status st = fn(arg, n++, body + start,
					end - start);
				if (st != INKAN_OK)
					return st;
			}
			if (k == 2)
				return INKAN_OK;
			inpart = 1;
			start = eol < len ? eol + 1 : len;
		}
		i = eol + 1;
	}
	/* no close delimiter: take the last part as it is (lenient) */
	if (inpart && start < len) {
		if (n >= max_parts)
			return INKAN_ERR_LIMIT;
		return fn(arg, n, body + start, len - start);
	}
	return INKAN_OK;
}
