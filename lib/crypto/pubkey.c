/* SPDX-License-Identifier: MIT */
/*
 * pubkey.c - public keys from DKIM key records, and verification.
 *
 * RFC 6376 3.6.1 k=rsa: p= is "an ASN.1 DER-encoded RSAPublicKey"; in
 * practice nearly every record holds a SubjectPublicKeyInfo (what OpenSSL
 * writes), so both are accepted, as every peer does.
 * RFC 8463 4.2 k=ed25519: p= is the raw 32-byte public key.
 *
 * Parsing an RSA key costs several verifications with OpenSSL 3, so the
 * DKIM layer caches ik_pubkey objects; they are immutable after parsing.
 * Setting up a verify context costs about a sixth of the RSA-2048 verify
 * itself, so each key also keeps a few ready contexts (per hash) for
 * reuse, under its own lock: any number of threads may verify at once.
 */
#include <pthread.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "core/alloc.h"
#include "crypto_internal.h"

#define CTX_POOL 4

struct ik_pubkey {
	const inkan_ctx *ctx;
	ik_key_type type;
	unsigned bits;
	EVP_PKEY *pkey;
	pthread_mutex_t lock;		/* guards the pool */
	EVP_PKEY_CTX *pool[2][CTX_POOL];	/* RSA, by ik_hash_alg */
	size_t npool[2];
};

/* DER SubjectPublicKeyInfo, then DER RSAPublicKey; all bytes consumed */
static EVP_PKEY *
parse_rsa(const unsigned char *data, size_t len)
{
	const unsigned char *p = data;
	EVP_PKEY *pkey;

	if (len > 65536)
		return NULL;
	pkey = d2i_PUBKEY(NULL, &p, (long)len);
	if (pkey != NULL && p == data + len &&
	    EVP_PKEY_get_base_id(pkey) == EVP_PKEY_RSA)
		return pkey;
	EVP_PKEY_free(pkey);
	p = data;
	pkey = d2i_PublicKey(EVP_PKEY_RSA, NULL, &p, (long)len);
	if (pkey != NULL && p == data + len &&
	    EVP_PKEY_get_base_id(pkey) == EVP_PKEY_RSA)
		return pkey;
	EVP_PKEY_free(pkey);
	return NULL;
}

inkan_status
ik_pubkey_parse(const inkan_ctx *ctx, ik_key_type type,
	const unsigned char *data, size_t len, ik_pubkey **out)
{
	ik_pubkey *k;
	EVP_PKEY *pkey = NULL;

	*out = NULL;
	if (type == IK_KEY_RSA)
		pkey = parse_rsa(data, len);
	else if (type == IK_KEY_ED25519 && len == 32)
		pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL,
			data, len);
	ERR_clear_error();
	if (pkey == NULL)
		return INKAN_ERR_CRYPTO;
	k = ik_calloc(ctx, 1, sizeof(*k));
	if (k == NULL) {
		EVP_PKEY_free(pkey);
		return INKAN_ERR_NOMEM;
	}
	if (pthread_mutex_init(&k->lock, NULL) != 0) {
		EVP_PKEY_free(pkey);
		ik_free(ctx, k);
		return INKAN_ERR_NOMEM;
	}
	k->ctx = ctx;
	k->type = type;
	k->pkey = pkey;
	k->bits = (unsigned)EVP_PKEY_get_bits(pkey);
	*out = k;
	return INKAN_OK;
}

void
ik_pubkey_free(ik_pubkey *k)
{
	size_t a, i;

	if (k == NULL)
		return;
	for (a = 0; a < 2; a++)
		for (i = 0; i < k->npool[a]; i++)
			EVP_PKEY_CTX_free(k->pool[a][i]);
	pthread_mutex_destroy(&k->lock);
	EVP_PKEY_free(k->pkey);
	ik_free(k->ctx, k);
}

ik_key_type
ik_pubkey_type(const ik_pubkey *k)
{
	return k->type;
}

unsigned
ik_pubkey_bits(const ik_pubkey *k)
{
	return k->bits;
}

static EVP_PKEY_CTX *
rsa_ctx_new(EVP_PKEY *pkey, const EVP_MD *md)
{
	EVP_PKEY_CTX *pctx = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);

	if (pctx != NULL && (EVP_PKEY_verify_init(pctx) != 1 ||
	    EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1 ||
	    EVP_PKEY_CTX_set_signature_md(pctx, md) != 1)) {
		EVP_PKEY_CTX_free(pctx);
		pctx = NULL;
	}
	return pctx;
}

static inkan_status
verify_rsa(const ik_crypto *c, ik_pubkey *k, ik_hash_alg alg,
	const unsigned char *hash, size_t hash_len,
	const unsigned char *sig, size_t sig_len)
{
	EVP_PKEY_CTX *pctx = NULL;
	const EVP_MD *md = ik_crypto_md(c, alg);
	int ok;

	if (md == NULL)
		return INKAN_ERR_UNSUPPORTED;
	/* a ready context from the pool, else a new one */
	pthread_mutex_lock(&k->lock);
	if (k->npool[alg] > 0)
		pctx = k->pool[alg][--k->npool[alg]];
	pthread_mutex_unlock(&k->lock);
	if (pctx == NULL && (pctx = rsa_ctx_new(k->pkey, md)) == NULL)
		return INKAN_ERR_NOMEM;
	/* RSASSA-PKCS1-v1_5 over the DigestInfo of @hash (RFC 8017 8.2) */
	ok = EVP_PKEY_verify(pctx, sig, sig_len, hash, hash_len) == 1;
	pthread_mutex_lock(&k->lock);
	if (k->npool[alg] < CTX_POOL) {
		k->pool[alg][k->npool[alg]++] = pctx;
		pctx = NULL;
	}
	pthread_mutex_unlock(&k->lock);
	EVP_PKEY_CTX_free(pctx);
	return ok ? INKAN_OK : INKAN_ERR_CRYPTO;
}

/* RFC 8463 3: PureEdDSA (RFC 8032 5.1) over the SHA-256 digest bytes */
static inkan_status
verify_ed25519(EVP_PKEY *pkey, const unsigned char *hash, size_t hash_len,
	const unsigned char *sig, size_t sig_len)
{
	EVP_MD_CTX *mctx = EVP_MD_CTX_new();
	int ok;

	if (mctx == NULL)
		return INKAN_ERR_NOMEM;
	ok = EVP_DigestVerifyInit_ex(mctx, NULL, NULL, NULL, NULL, pkey,
		NULL) == 1 &&
	    EVP_DigestVerify(mctx, sig, sig_len, hash, hash_len) == 1;
	EVP_MD_CTX_free(mctx);
	return ok ? INKAN_OK : INKAN_ERR_CRYPTO;
}

inkan_status
ik_pubkey_verify(const ik_crypto *c, ik_pubkey *k, ik_hash_alg alg,
	const unsigned char *hash, size_t hash_len,
	const unsigned char *sig, size_t sig_len)
{
	inkan_status st;

	if (hash_len != ik_hash_len(alg))
		return INKAN_ERR_INVALID;
	if (k->type == IK_KEY_RSA)
		st = verify_rsa(c, k, alg, hash, hash_len, sig, sig_len);
	else if (alg == IK_HASH_SHA256)
		st = verify_ed25519(k->pkey, hash, hash_len, sig, sig_len);
	else
		st = INKAN_ERR_UNSUPPORTED;
	ERR_clear_error();
	return st;
}
