/* SPDX-License-Identifier: MIT */
/*
 * result.c - verdict and reason strings, and the Authentication-Results
 * "dkim=" method entry (RFC 8601 2.7.1, 2.3 ptype "header": header.i,
 * header.s, header.b as RFC 6008 registers it).
 */
#include <string.h>

#include <inkan/authres.h>

#include "core/ascii.h"
#include "dkim_internal.h"

INKAN_API const char *
inkan_dkim_verdict_str(inkan_dkim_verdict verdict)
{
	switch (verdict) {
	case INKAN_DKIM_NONE: return "none";
	case INKAN_DKIM_PASS: return "pass";
	case INKAN_DKIM_FAIL: return "fail";
	case INKAN_DKIM_POLICY: return "policy";
	case INKAN_DKIM_NEUTRAL: return "neutral";
	case INKAN_DKIM_TEMPERROR: return "temperror";
	case INKAN_DKIM_PERMERROR: return "permerror";
	}
	return "unknown";
}

INKAN_API const char *
inkan_dkim_reason_str(inkan_dkim_reason reason)
{
	switch (reason) {
	case INKAN_DKIM_R_OK: return "signature verified";
	case INKAN_DKIM_R_SYNTAX: return "signature syntax error";
	case INKAN_DKIM_R_DUPLICATE_TAG: return "duplicate tag in signature";
	case INKAN_DKIM_R_MISSING_TAG: return "signature missing required tag";
	case INKAN_DKIM_R_VERSION: return "incompatible version";
	case INKAN_DKIM_R_ALGORITHM: return "unsupported algorithm";
	case INKAN_DKIM_R_ALGORITHM_HISTORIC:
		return "rsa-sha1 is historic (RFC 8301)";
	case INKAN_DKIM_R_CANONICALIZATION:
		return "unsupported canonicalization";
	case INKAN_DKIM_R_DOMAIN: return "invalid signing domain";
	case INKAN_DKIM_R_SELECTOR: return "invalid selector";
	case INKAN_DKIM_R_AUID: return "invalid i= identity";
	case INKAN_DKIM_R_AUID_DOMAIN: return "i= domain not within d=";
	case INKAN_DKIM_R_FROM_NOT_SIGNED: return "From field not signed";
	case INKAN_DKIM_R_QUERY_METHOD: return "unsupported query method";
	case INKAN_DKIM_R_FUTURE: return "signature timestamp in the future";
	case INKAN_DKIM_R_EXPIRED: return "signature expired";
	case INKAN_DKIM_R_EXPIRY_ORDER: return "x= not later than t=";
	case INKAN_DKIM_R_BODY_LENGTH: return "l= longer than the body";
	case INKAN_DKIM_R_KEY_UNAVAILABLE: return "key unavailable";
	case INKAN_DKIM_R_NO_KEY: return "no key for signature";
	case INKAN_DKIM_R_KEY_MULTIPLE: return "multiple key records";
	case INKAN_DKIM_R_KEY_SYNTAX: return "key syntax error";
	case INKAN_DKIM_R_KEY_REVOKED: return "key revoked";
	case INKAN_DKIM_R_KEY_ALGORITHM: return "inappropriate key algorithm";
	case INKAN_DKIM_R_KEY_HASH: return "inappropriate hash algorithm";
	case INKAN_DKIM_R_KEY_SERVICE: return "key not for email";
	case INKAN_DKIM_R_KEY_STRICT:
		return "i= subdomain not allowed by key t=s";
	case INKAN_DKIM_R_KEY_INVALID: return "unusable public key";
	case INKAN_DKIM_R_KEY_TOO_SMALL: return "key too small (RFC 8301)";
	case INKAN_DKIM_R_KEY_TOO_LARGE: return "key too large";
	case INKAN_DKIM_R_BODY_HASH: return "body hash did not verify";
	case INKAN_DKIM_R_SIGNATURE: return "signature did not verify";
	case INKAN_DKIM_R_PARTIAL_POLICY: return "unsigned text after l=";
	case INKAN_DKIM_R_INTERNAL: return "internal error";
	case INKAN_DKIM_R_SIGNS_ARC_SEAL:
		return "h= covers ARC-Seal (RFC 8617 4.1.2)";
	}
	return "unknown reason";
}

struct out {
	char *buf;
	size_t cap, len;
};

static void
put(struct out *o, const char *s, size_t n)
{
	if (o->len < o->cap) {
		size_t room = o->cap - o->len;
		memcpy(o->buf + o->len, s, n < room ? n : room);
	}
	o->len += n;
}

static void
puts_(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

/* RFC 2045 token character (RFC 8601 value = token / quoted-string) */
static int
is_token_char(unsigned char c)
{
	return c > 32 && c < 127 && strchr("()<>@,;:\\\"/[]?=", c) == NULL;
}

/* a pvalue: bare when it is a token or [local-part] "@" domain of plain
 * characters, else a quoted-string */
static void
put_pvalue(struct out *o, const char *v, int address)
{
	size_t i, n = strlen(v);
	int bare = n > 0;

	for (i = 0; i < n && bare; i++) {
		unsigned char c = (unsigned char)v[i];
		bare = is_token_char(c) || (address && c == '@');
	}
	if (bare) {
		put(o, v, n);
		return;
	}
	put(o, "\"", 1);
	for (i = 0; i < n; i++) {
		if (v[i] == '"' || v[i] == '\\')
			put(o, "\\", 1);
		put(o, v + i, 1);
	}
	put(o, "\"", 1);
}

INKAN_API inkan_status
inkan_dkim_result_authres(const inkan_dkim_result *r, char *buf, size_t cap,
	size_t *len)
{
	struct out o = { buf, cap, 0 };

	if (len != NULL)
		*len = 0;
	if (r == NULL || len == NULL || (buf == NULL && cap > 0))
		return INKAN_ERR_INVALID;
	puts_(&o, "dkim=");
	puts_(&o, inkan_dkim_verdict_str(r->verdict));
	if (r->verdict != INKAN_DKIM_PASS) {
		puts_(&o, " (");
		puts_(&o, inkan_dkim_reason_str(r->reason));
		puts_(&o, ")");
	} else if (r->partial_body) {
		puts_(&o, " (partial body: l=)");
	}
	if (r->auid != NULL) {
		puts_(&o, " header.i=");
		put_pvalue(&o, r->auid, 1);
	} else if (r->domain != NULL) {
		puts_(&o, " header.d=");
		put_pvalue(&o, r->domain, 0);
	}
	if (r->selector != NULL) {
		puts_(&o, " header.s=");
		put_pvalue(&o, r->selector, 0);
	}
	if (r->b_prefix[0] != '\0') {
		puts_(&o, " header.b=");
		put_pvalue(&o, r->b_prefix, 0);
	}
	*len = o.len;
	if (o.len + 1 > cap)
		return INKAN_ERR_LIMIT;
	buf[o.len] = '\0';
	return INKAN_OK;
}

INKAN_API inkan_status
inkan_dkim_result_to_authres(const inkan_dkim_result *r,
	struct inkan_authres_builder *b)
{
	inkan_status st;

	if (r == NULL || b == NULL)
		return INKAN_ERR_INVALID;
	st = inkan_authres_builder_add(b, "dkim", NULL,
		inkan_dkim_verdict_str(r->verdict));
	if (st == INKAN_OK && r->verdict != INKAN_DKIM_PASS)
		st = inkan_authres_builder_reason(b,
			inkan_dkim_reason_str(r->reason));
	if (st == INKAN_OK && r->verdict == INKAN_DKIM_PASS && r->partial_body)
		st = inkan_authres_builder_comment(b, "partial body: l=");
	if (st == INKAN_OK && r->auid != NULL)
		st = inkan_authres_builder_prop(b, "header", "i", r->auid);
	else if (st == INKAN_OK && r->domain != NULL)
		st = inkan_authres_builder_prop(b, "header", "d", r->domain);
	if (st == INKAN_OK && r->selector != NULL)
		st = inkan_authres_builder_prop(b, "header", "s", r->selector);
	if (st == INKAN_OK && r->b_prefix[0] != '\0')
		st = inkan_authres_builder_prop(b, "header", "b", r->b_prefix);
	return st;
}
