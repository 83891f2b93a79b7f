/* SPDX-License-Identifier: MIT */
/*
 * address_domain.c - the DNS form of an address's domain.
 *
 * RFC 9989 5.3.1 and RFC 7489 6.6.1: a U-label author domain is turned
 * into an A-label (RFC 5890 2.3) before DMARC uses it. libidn2 does the
 * IDNA2008 work with UTS 46 non-transitional mapping, falling back to
 * transitional mapping for names only that accepts (symbols IDNA2008
 * disallows but registries once sold). Pure-ASCII domains do not go
 * through libidn2: its IDNA2008 checks refuse names that are fine in DNS
 * ("ab--c", "-a"), so those are only lower-cased.
 *
 * Whatever the route, the result must look like a DNS name a DMARC
 * record could hang from: labels of letters, digits, "-" and "_", 1 to
 * 63 octets, 253 in all (RFC 1035 2.3.4). RFC 5322 atext allows far
 * more ("!#$%&'*+/=?^`{|}~"), and UTS 46 mapping turns some characters
 * into ASCII punctuation (U+FF20 becomes "@"); a domain like that is not
 * silently used, it is reported as unusable.
 */
#include <idn2.h>
#include <string.h>

#include "core/alloc.h"
#include "core/ascii.h"
#include "msg/address_internal.h"

/* RFC 1035 2.3.4 */
#define DNS_NAME_MAX 253
#define DNS_LABEL_MAX 63
/* a U-label name that fits in 253 octets as A-labels has at most 253
 * code points, so at most 4 * 253 bytes of UTF-8: longer input is not
 * handed to libidn2 at all */
#define UNICODE_NAME_MAX (4 * DNS_NAME_MAX)

static int
is_dns_name(const char *s, size_t len)
{
	size_t i, label = 0;
	unsigned char c;

	if (len == 0 || len > DNS_NAME_MAX)
		return 0;
	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (c == '.') {
			if (label == 0)
				return 0;
			label = 0;
		} else if (ik_is_alnum(c) || c == '-' || c == '_') {
			if (++label > DNS_LABEL_MAX)
				return 0;
		} else {
			return 0;
		}
	}
	return label > 0;
}

static int
has_non_ascii(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] >= 0x80)
			return 1;
	return 0;
}

/* libidn2 on a NUL-terminated copy; *alabel is freed with idn2_free()
 * (libidn2 allocates with malloc, not through the context: the buffer
 * lives only until it is copied into the list) */
static int
to_alabel(const char *in, char **alabel)
{
	const int base = IDN2_NFC_INPUT;
	int rc;

	*alabel = NULL;
	rc = idn2_lookup_u8((const uint8_t *)in, (uint8_t **)alabel,
		base | IDN2_NONTRANSITIONAL);
	if (rc != IDN2_OK) {
		*alabel = NULL;
		rc = idn2_lookup_u8((const uint8_t *)in, (uint8_t **)alabel,
			base | IDN2_TRANSITIONAL);
	}
	if (rc != IDN2_OK) {
		*alabel = NULL;
		return 0;
	}
	return 1;
}

inkan_status
ik_addr_domain_ascii(const inkan_ctx *ctx, const char *dom, size_t len,
	ik_buf *out, int *ok)
{
	char *copy, *alabel = NULL;
	size_t saved = out->len, alen;
	inkan_status st;

	*ok = 0;
	/* the one trailing dot accepted by the parser is not part of the
	 * name DMARC looks up */
	if (len > 0 && dom[len - 1] == '.')
		len--;
	if (!has_non_ascii(dom, len)) {
		if (!is_dns_name(dom, len))
			return INKAN_OK;
		if ((st = ik_buf_append(out, dom, len)) != INKAN_OK)
			return st;
		ik_ascii_lower(out->data + saved, len);
		*ok = 1;
		return INKAN_OK;
	}
	if (len > UNICODE_NAME_MAX)
		return INKAN_OK;
	if ((copy = ik_strndup(ctx, dom, len)) == NULL)
		return INKAN_ERR_NOMEM;
	if (!to_alabel(copy, &alabel)) {
		ik_free(ctx, copy);
		return INKAN_OK;
	}
	ik_free(ctx, copy);
	alen = strlen(alabel);
	if (is_dns_name(alabel, alen)) {
		st = ik_buf_append(out, alabel, alen);
		if (st == INKAN_OK) {
			ik_ascii_lower(out->data + saved, alen);
			*ok = 1;
		}
	} else {
		st = INKAN_OK;
	}
	idn2_free(alabel);
	return st;
}
