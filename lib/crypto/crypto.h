/* SPDX-License-Identifier: MIT */
/*
 * crypto.h - the internal crypto layer: the only part of libinkan that
 * touches OpenSSL (libcrypto 3).
 *
 * - ik_crypto: algorithms fetched once (OpenSSL 3 makes an implicit fetch
 *   on every EVP_DigestInit cost about as much as hashing a short header).
 *   Created by a long-lived owner (inkan_dkim), then shared read-only by
 *   any number of threads.
 * - ik_digest: streaming SHA-256 (and SHA-1, for the legacy rsa-sha1
 *   option only) in the init/update/final shape.
 * - ik_pubkey: a parsed public key (RSA from SubjectPublicKeyInfo or a bare
 *   PKCS#1 RSAPublicKey, Ed25519 from its raw 32 bytes) and verification of
 *   a signature over a precomputed hash (RFC 6376 3.3, RFC 8463 3).
 * - base64 (RFC 2045 6.8) with the FWS skipping DKIM needs (RFC 6376 3.5
 *   b=, bh=; 3.6.1 p=).
 *
 * Private keys (signing, generation) are inkan_key, see inkan/keys.h; the
 * internal signing entry point is declared here.
 *
 * Ownership: every object here is created with a *_new/parse call and
 * freed by the matching *_free, which accepts NULL. A parsed ik_pubkey is
 * immutable and may be used by several threads at once.
 */
#ifndef INKAN_CRYPTO_CRYPTO_H
#define INKAN_CRYPTO_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include <inkan/ctx.h>
#include <inkan/keys.h>

typedef enum ik_hash_alg {
	IK_HASH_SHA256 = 0,
	IK_HASH_SHA1 = 1	/* RFC 8301: historic; legacy verify only */
} ik_hash_alg;

#define IK_HASH_MAX 32		/* longest digest we produce (SHA-256) */

typedef enum ik_key_type {
	IK_KEY_RSA = 0,
	IK_KEY_ED25519 = 1
} ik_key_type;

typedef struct ik_crypto ik_crypto;
typedef struct ik_digest ik_digest;
typedef struct ik_pubkey ik_pubkey;

/* digest length in bytes */
size_t ik_hash_len(ik_hash_alg alg);

/* Fetch the algorithms. *out is freed with ik_crypto_free(). */
inkan_status ik_crypto_new(const inkan_ctx *ctx, ik_crypto **out);
void ik_crypto_free(ik_crypto *c);

/* Streaming digest. @c is borrowed and must outlive the digest. */
inkan_status ik_digest_new(const ik_crypto *c, ik_hash_alg alg,
	ik_digest **out);
void ik_digest_free(ik_digest *d);
/* start over (after final, or to discard what was fed) */
inkan_status ik_digest_reset(ik_digest *d);
inkan_status ik_digest_update(ik_digest *d, const void *data, size_t len);
/* write ik_hash_len() bytes to @out (IK_HASH_MAX room) */
inkan_status ik_digest_final(ik_digest *d, unsigned char *out);
ik_hash_alg ik_digest_alg(const ik_digest *d);

/*
 * Parse public key data (the p= bytes after base64). RSA: a DER
 * SubjectPublicKeyInfo or a DER RSAPublicKey; Ed25519: exactly 32 bytes.
 * INKAN_ERR_CRYPTO when the data is not such a key.
 */
inkan_status ik_pubkey_parse(const inkan_ctx *ctx, ik_key_type type,
	const unsigned char *data, size_t len, ik_pubkey **out);
void ik_pubkey_free(ik_pubkey *k);
ik_key_type ik_pubkey_type(const ik_pubkey *k);
unsigned ik_pubkey_bits(const ik_pubkey *k);

/*
 * Verify @sig over the digest @hash (of @alg). RSA: RSASSA-PKCS1-v1_5
 * with the DigestInfo for @alg (RFC 6376 3.3.1/3.3.2). Ed25519: PureEdDSA
 * over the digest bytes themselves (RFC 8463 3). INKAN_OK when valid,
 * INKAN_ERR_CRYPTO when not, INKAN_ERR_NOMEM when OpenSSL ran out.
 * Thread-safe: @k keeps a small locked pool of ready contexts.
 */
inkan_status ik_pubkey_verify(const ik_crypto *c, ik_pubkey *k,
	ik_hash_alg alg, const unsigned char *hash, size_t hash_len,
	const unsigned char *sig, size_t sig_len);

/*
 * Sign the digest @hash with @key (same schemes as above). *sig is
 * allocated with ik_malloc(); the caller frees it with ik_free().
 */
inkan_status ik_key_sign(const ik_crypto *c, const inkan_key *key,
	ik_hash_alg alg, const unsigned char *hash, size_t hash_len,
	unsigned char **sig, size_t *sig_len);

/*
 * An RSA key of any size the provider allows, bypassing the 1024..4096
 * rule: ONLY for tests that need a weak key (RFC 8301 3.2 negative
 * cases). Never reachable from the public API.
 */
inkan_status ik_key_generate_weak(inkan_ctx *ctx, unsigned bits,
	inkan_key **out);

/* the key's type as the internal enum */
ik_key_type ik_key_type_of(const inkan_key *key);

/* Base64 is lib/core's: core/base64.h. */

/*
 * HMAC with the OpenSSL digest named @digest ("SHA256", "SHA512", ...)
 * over @data with @key; writes at most @outmax bytes to @out and the MAC
 * length to *outlen. INKAN_ERR_CRYPTO for an unknown digest or a failure.
 */
inkan_status ik_hmac(const char *digest, const unsigned char *key,
	size_t keylen, const unsigned char *data, size_t len,
	unsigned char *out, size_t outmax, size_t *outlen);
/* 1 when the @n bytes at @a and @b are equal, in constant time */
int ik_crypto_memeq(const void *a, const void *b, size_t n);
/* @n bytes from the system's cryptographic random source */
inkan_status ik_crypto_random(void *buf, size_t n);
/* overwrite @n bytes at @p so the compiler cannot drop it (NULL ok) */
void ik_crypto_wipe(void *p, size_t n);

#endif
