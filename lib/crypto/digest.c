/* SPDX-License-Identifier: MIT */
/*
 * digest.c - fetched algorithms (ik_crypto) and streaming digests.
 *
 * RFC 6376 3.3 / RFC 8463 3: SHA-256 for both rsa-sha256 and
 * ed25519-sha256; SHA-1 is kept only for the legacy rsa-sha1 option
 * (RFC 8301 3.1 says verifiers MUST NOT use it).
 */
#include <openssl/err.h>
#include <openssl/evp.h>

#include "core/alloc.h"
#include "crypto_internal.h"

size_t
ik_hash_len(ik_hash_alg alg)
{
	return alg == IK_HASH_SHA1 ? 20 : 32;
}

inkan_status
ik_crypto_new(const inkan_ctx *ctx, ik_crypto **out)
{
	ik_crypto *c;

	*out = NULL;
	c = ik_calloc(ctx, 1, sizeof(*c));
	if (c == NULL)
		return INKAN_ERR_NOMEM;
	c->ctx = ctx;
	c->md[IK_HASH_SHA256] = EVP_MD_fetch(NULL, "SHA256", NULL);
	c->md[IK_HASH_SHA1] = EVP_MD_fetch(NULL, "SHA1", NULL);
	if (c->md[IK_HASH_SHA256] == NULL) {
		/* SHA-1 may be missing under a strict provider: only the
		 * legacy option needs it */
		ERR_clear_error();
		ik_crypto_free(c);
		return INKAN_ERR_CRYPTO;
	}
	ERR_clear_error();
	*out = c;
	return INKAN_OK;
}

void
ik_crypto_free(ik_crypto *c)
{
	if (c == NULL)
		return;
	EVP_MD_free(c->md[IK_HASH_SHA256]);
	EVP_MD_free(c->md[IK_HASH_SHA1]);
	ik_free(c->ctx, c);
}

const EVP_MD *
ik_crypto_md(const ik_crypto *c, ik_hash_alg alg)
{
	if ((unsigned)alg > IK_HASH_SHA1)
		return NULL;
	return c->md[alg];
}

struct ik_digest {
	const ik_crypto *c;
	ik_hash_alg alg;
	EVP_MD_CTX *mctx;
};

inkan_status
ik_digest_new(const ik_crypto *c, ik_hash_alg alg, ik_digest **out)
{
	ik_digest *d;
	inkan_status st;

	*out = NULL;
	if (ik_crypto_md(c, alg) == NULL)
		return INKAN_ERR_UNSUPPORTED;
	d = ik_calloc(c->ctx, 1, sizeof(*d));
	if (d == NULL)
		return INKAN_ERR_NOMEM;
	d->c = c;
	d->alg = alg;
	d->mctx = EVP_MD_CTX_new();
	if (d->mctx == NULL) {
		ik_free(c->ctx, d);
		return INKAN_ERR_NOMEM;
	}
	st = ik_digest_reset(d);
	if (st != INKAN_OK) {
		ik_digest_free(d);
		return st;
	}
	*out = d;
	return INKAN_OK;
}

void
ik_digest_free(ik_digest *d)
{
	if (d == NULL)
		return;
	EVP_MD_CTX_free(d->mctx);
	ik_free(d->c->ctx, d);
}

inkan_status
ik_digest_reset(ik_digest *d)
{
	if (EVP_DigestInit_ex(d->mctx, ik_crypto_md(d->c, d->alg), NULL) != 1) {
		ERR_clear_error();
		return INKAN_ERR_CRYPTO;
	}
	return INKAN_OK;
}

inkan_status
ik_digest_update(ik_digest *d, const void *data, size_t len)
{
	if (len == 0)
		return INKAN_OK;
	if (EVP_DigestUpdate(d->mctx, data, len) != 1) {
		ERR_clear_error();
		return INKAN_ERR_CRYPTO;
	}
	return INKAN_OK;
}

inkan_status
ik_digest_final(ik_digest *d, unsigned char *out)
{
	unsigned int n = 0;

	if (EVP_DigestFinal_ex(d->mctx, out, &n) != 1 ||
	    n != ik_hash_len(d->alg)) {
		ERR_clear_error();
		return INKAN_ERR_CRYPTO;
	}
	return INKAN_OK;
}

ik_hash_alg
ik_digest_alg(const ik_digest *d)
{
	return d->alg;
}
