/* SPDX-License-Identifier: MIT */
/*
 * keyrec.c - DKIM key records (RFC 6376 3.6.1, RFC 8463 4.2) parsed into
 * ik_dkim_key objects.
 *
 * Only what the record itself says is judged here (syntax, v=, p= empty
 * or unusable); whether the key fits a given signature (k=, h=, s=, t=s,
 * key size) is judged by the verifier, because one cached key serves many
 * signatures. Tag values are compared ASCII case-insensitively: records
 * are typed by hand and "k=RSA" gains an attacker nothing.
 */
#include <string.h>

#include "core/base64.h"
#include "core/alloc.h"
#include "core/ascii.h"
#include "dkim_internal.h"
#include "taglist.h"

/* key h=: colon list of hash names; unknown ones are ignored */
static int
parse_hashes(const ik_tag *t, unsigned *out)
{
	size_t pos = 0, n;
	const char *item;

	*out = 0;
	while (ik_colon_list_next(t->value, t->value_len, &pos, &item, &n)) {
		if (n == 0)
			return 0;
		if (ik_ascii_eqz(item, n, "sha256"))
			*out |= 1u << IK_HASH_SHA256;
		else if (ik_ascii_eqz(item, n, "sha1"))
			*out |= 1u << IK_HASH_SHA1;
	}
	return 1;
}

/* key s=: does the list name "email" or "*"? */
static int
parse_service(const ik_tag *t, int *email_ok)
{
	size_t pos = 0, n;
	const char *item;

	*email_ok = 0;
	while (ik_colon_list_next(t->value, t->value_len, &pos, &item, &n)) {
		if (n == 0)
			return 0;
		if (ik_ascii_eqz(item, n, "email") || ik_ascii_eqz(item, n, "*"))
			*email_ok = 1;
	}
	return 1;
}

/* key t=: flags y and s; unknown flags are ignored */
static int
parse_flags(const ik_tag *t, ik_dkim_key *key)
{
	size_t pos = 0, n;
	const char *item;

	while (ik_colon_list_next(t->value, t->value_len, &pos, &item, &n)) {
		if (n == 0)
			return 0;
		if (ik_ascii_eqz(item, n, "y"))
			key->testing = 1;
		else if (ik_ascii_eqz(item, n, "s"))
			key->strict = 1;
	}
	return 1;
}

static inkan_dkim_reason
parse_p(const inkan_ctx *ctx, ik_dkim_key *key, const ik_tag *p,
	inkan_status *st)
{
	unsigned char *der;
	size_t cap = ik_b64_decoded_max(p->value_len), n;
	inkan_status dst;

	if (p->value_len == 0)
		return INKAN_DKIM_R_KEY_REVOKED;	/* 3.6.1 p= */
	der = ik_malloc(ctx, cap);
	if (der == NULL) {
		*st = INKAN_ERR_NOMEM;
		return INKAN_DKIM_R_INTERNAL;
	}
	dst = ik_b64_decode(p->value, p->value_len, IK_B64_FWS, der, cap, &n);
	if (dst != INKAN_OK) {
		ik_free(ctx, der);
		return INKAN_DKIM_R_KEY_SYNTAX;
	}
	if (key->k != IK_DKIM_K_UNKNOWN) {
		dst = ik_pubkey_parse(ctx, key->k == IK_DKIM_K_RSA ? IK_KEY_RSA :
			IK_KEY_ED25519, der, n, &key->pub);
		if (dst == INKAN_ERR_NOMEM)
			*st = dst;
	}
	ik_free(ctx, der);
	if (*st != INKAN_OK)
		return INKAN_DKIM_R_INTERNAL;
	/* an unknown k= has no usable key; the verifier says so */
	return key->pub != NULL || key->k == IK_DKIM_K_UNKNOWN ?
		INKAN_DKIM_R_OK : INKAN_DKIM_R_KEY_INVALID;
}

static inkan_dkim_reason
check_record(const inkan_ctx *ctx, ik_dkim_key *key, const char *txt,
	size_t len, inkan_status *st)
{
	ik_taglist tl;
	const ik_tag *t;

	if (len > IK_DKIM_MAX_KEY_RECORD ||
	    ik_taglist_parse(txt, len, &tl) != IK_TAGLIST_OK)
		return INKAN_DKIM_R_KEY_SYNTAX;
	/* v=: optional, but if present first and exactly "DKIM1" */
	t = ik_taglist_get(&tl, "v");
	if (t != NULL && (t != &tl.tags[0] || !ik_tag_is(t, "DKIM1")))
		return INKAN_DKIM_R_KEY_SYNTAX;
	if ((t = ik_taglist_get(&tl, "h")) != NULL &&
	    !parse_hashes(t, &key->hashes))
		return INKAN_DKIM_R_KEY_SYNTAX;
	if ((t = ik_taglist_get(&tl, "k")) != NULL) {
		if (ik_tag_is_nocase(t, "rsa"))
			key->k = IK_DKIM_K_RSA;
		else if (ik_tag_is_nocase(t, "ed25519"))
			key->k = IK_DKIM_K_ED25519;
		else
			key->k = IK_DKIM_K_UNKNOWN;
	}
	if ((t = ik_taglist_get(&tl, "s")) != NULL &&
	    !parse_service(t, &key->email_ok))
		return INKAN_DKIM_R_KEY_SYNTAX;
	if ((t = ik_taglist_get(&tl, "t")) != NULL && !parse_flags(t, key))
		return INKAN_DKIM_R_KEY_SYNTAX;
	if ((t = ik_taglist_get(&tl, "p")) == NULL)
		return INKAN_DKIM_R_KEY_SYNTAX;
	return parse_p(ctx, key, t, st);
}

inkan_status
ik_dkim_key_from_record(const inkan_ctx *ctx, const char *txt, size_t len,
	ik_dkim_key **out)
{
	ik_dkim_key *key;
	inkan_status st = INKAN_OK;

	*out = NULL;
	key = ik_calloc(ctx, 1, sizeof(*key));
	if (key == NULL)
		return INKAN_ERR_NOMEM;
	key->refs = 1;
	key->k = IK_DKIM_K_RSA;		/* 3.6.1 k=: default rsa */
	key->hashes = ~0u;		/* h=: default all */
	key->email_ok = 1;		/* s=: default * */
	key->error = check_record(ctx, key, txt, len, &st);
	if (st != INKAN_OK) {
		ik_pubkey_free(key->pub);
		ik_free(ctx, key);
		return st;
	}
	if (key->error != INKAN_DKIM_R_OK) {
		ik_pubkey_free(key->pub);
		key->pub = NULL;
	}
	*out = key;
	return INKAN_OK;
}
