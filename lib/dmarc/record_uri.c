/* SPDX-License-Identifier: MIT */
/*
 * record_uri.c - rua and ruf: comma-separated reporting URIs.
 *
 * RFC 9989 4.8: dmarc-urilist = (dmarc-uri / obs-dmarc-uri)
 * *(*WSP "," *WSP ...); a dmarc-uri is an RFC 3986 URI in which commas and
 * "!" are percent-encoded; obs-dmarc-uri adds "!" 1*DIGIT ["k"/"m"/"g"/
 * "t"], a size limit that reporters now ignore. A URI that is not
 * syntactically valid is dropped with a warning; whether at least one
 * valid URI remains matters for records without a usable p
 * (RFC 9989 4.10.1).
 */
#include <string.h>

#include "core/alloc.h"
#include "core/ascii.h"
#include "dmarc/dmarc_internal.h"

/* RFC 3986 2.2 / 2.3: characters a URI may hold literally, plus '%' */
static int
uri_char(unsigned char c)
{
	if (ik_is_alnum(c))
		return 1;
	return c != '\0' && strchr("-._~:/?#[]@$&'()*+;=%", c) != NULL;
}

/* RFC 3986 3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) */
static size_t
scheme_len(const char *u, size_t len)
{
	size_t i;

	if (len == 0 || !ik_is_alpha((unsigned char)u[0]))
		return 0;
	for (i = 1; i < len; i++) {
		unsigned char c = (unsigned char)u[i];
		if (c == ':')
			return i;
		if (!ik_is_alnum(c) && c != '+' && c != '-' && c != '.')
			return 0;
	}
	return 0;
}

static int
valid_uri(const char *u, size_t len)
{
	size_t s = scheme_len(u, len), i;
	const char *at;

	if (s == 0 || s + 1 >= len)
		return 0;
	for (i = s + 1; i < len; i++) {
		unsigned char c = (unsigned char)u[i];
		if (!uri_char(c))
			return 0;
		if (c == '%' && (i + 2 >= len ||
		    !ik_is_xdigit((unsigned char)u[i + 1]) ||
		    !ik_is_xdigit((unsigned char)u[i + 2])))
			return 0;
	}
	/* mailto (RFC 6068): a report goes to an address, so one is needed:
	 * something, "@", a domain */
	if (ik_ascii_eqz(u, s, "mailto")) {
		const char *addr = u + s + 1;
		size_t alen = len - s - 1;
		const char *q = memchr(addr, '?', alen);
		if (q != NULL)
			alen = (size_t)(q - addr);
		at = memchr(addr, '@', alen);
		if (at == NULL || at == addr || at == addr + alen - 1)
			return 0;
	}
	return 1;
}

/* obs-dmarc-report-size = "!" 1*DIGIT [ "k" / "m" / "g" / "t" ] */
static int
valid_size(const char *s, size_t len)
{
	size_t i = 1;

	if (len < 2 || s[0] != '!')
		return 0;
	while (i < len && ik_is_digit((unsigned char)s[i]))
		i++;
	if (i == 1)
		return 0;
	if (i == len)
		return 1;
	return i + 1 == len && strchr("kmgtKMGT", s[i]) != NULL;
}

static inkan_status
add_uri(struct ik_dmarc_rec *r, const char *tag, const char *u, size_t len,
	inkan_dmarc_uri *arr, size_t *n)
{
	const char *bang = NULL, *p;
	size_t ulen = len;

	for (p = u; p < u + len; p++)
		if (*p == '!') {
			bang = p;
			break;
		}
	if (bang != NULL) {
		ulen = (size_t)(bang - u);
		if (!valid_size(bang, len - ulen))
			goto bad;
	}
	if (!valid_uri(u, ulen))
		goto bad;
	if (*n >= IK_DMARC_URIS_MAX)
		return ik_dmarc_rec_warn(r, INKAN_DMARC_WARN_BAD_URI, tag,
			"%s: more than %d URIs; the rest are ignored", tag,
			IK_DMARC_URIS_MAX);
	arr[*n].obsolete_size = NULL;
	if ((arr[*n].uri = ik_dmarc_rec_str(r, u, ulen)) == NULL)
		return INKAN_ERR_NOMEM;
	if (bang != NULL &&
	    (arr[*n].obsolete_size = ik_dmarc_rec_str(r, bang + 1,
	    len - ulen - 1)) == NULL)
		return INKAN_ERR_NOMEM;
	(*n)++;
	return INKAN_OK;
bad:
	return ik_dmarc_rec_warn(r, INKAN_DMARC_WARN_BAD_URI, tag,
		"%s: \"%.*s\" is not a valid URI; ignored", tag,
		(int)(len > 60 ? 60 : len), u);
}

inkan_status
ik_dmarc_parse_urilist(struct ik_dmarc_rec *r, const char *tag,
	const char *v, size_t len, inkan_dmarc_uri **out, size_t *n)
{
	inkan_dmarc_uri *arr;
	size_t i = 0;
	inkan_status st;

	arr = ik_calloc(r->ctx, IK_DMARC_URIS_MAX, sizeof(*arr));
	if (arr == NULL)
		return INKAN_ERR_NOMEM;
	*out = arr;
	*n = 0;
	while (i <= len) {
		size_t j = i, s, e;

		while (j < len && v[j] != ',')
			j++;
		s = i;
		e = j;
		while (s < e && ik_is_wsp((unsigned char)v[s]))
			s++;
		while (e > s && ik_is_wsp((unsigned char)v[e - 1]))
			e--;
		if (e == s)
			st = ik_dmarc_rec_warn(r, INKAN_DMARC_WARN_BAD_URI, tag,
				"%s: an empty URI in the list", tag);
		else
			st = add_uri(r, tag, v + s, e - s, arr, n);
		if (st != INKAN_OK)
			return st;
		i = j + 1;
	}
	if (*n == 0)
		return ik_dmarc_rec_warn(r, INKAN_DMARC_WARN_BAD_URI, tag,
			"%s has no valid URI", tag);
	return INKAN_OK;
}
