/* SPDX-License-Identifier: MIT */
/*
 * inkan/keys.h - DKIM private keys: load, generate, save, publish.
 *
 * An inkan_key holds an RSA (1024..4096 bits) or Ed25519 private key for
 * signing (inkan/dkim.h) and knows the DNS TXT record that publishes its
 * public half (RFC 6376 3.6.1, RFC 8463 4.2).
 *
 * Ownership: inkan_key_* constructors give the caller a key to free with
 * inkan_key_free(); the key borrows @ctx, which must outlive it.
 * Threading: a key is immutable once made and may sign from several
 * threads at once.
 */
#ifndef INKAN_KEYS_H
#define INKAN_KEYS_H

#include <stddef.h>

#include <inkan/ctx.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct inkan_key inkan_key;

typedef enum inkan_key_type {
	INKAN_KEY_RSA = 0,
	INKAN_KEY_ED25519 = 1
} inkan_key_type;

/*
 * Load a private key from memory. Accepted forms: PEM "RSA PRIVATE KEY"
 * (PKCS#1) or "PRIVATE KEY" (PKCS#8, RSA or Ed25519), and the base64 text
 * of a raw 32-byte Ed25519 seed (the form dkimpy and RFC 8463 A.1 use).
 * Encrypted PEM is refused (no passphrase prompt). RSA keys must have
 * 1024..4096 bits (RFC 8301 3.2): smaller or larger gives
 * INKAN_ERR_UNSUPPORTED; unreadable data gives INKAN_ERR_CRYPTO.
 */
INKAN_API inkan_status inkan_key_load(inkan_ctx *ctx, const char *data,
	size_t len, inkan_key **out);

/* Same, from a file (at most 64 KiB). INKAN_ERR_IO if it cannot be read. */
INKAN_API inkan_status inkan_key_load_file(inkan_ctx *ctx, const char *path,
	inkan_key **out);

/*
 * Generate a key. RSA: @bits 1024..4096 (0 means 2048; 1024 is allowed
 * but logs a warning: RFC 8301 3.2 says SHOULD use 2048). Ed25519: @bits
 * is ignored (0 or 256).
 */
INKAN_API inkan_status inkan_key_generate(inkan_ctx *ctx, inkan_key_type type,
	unsigned bits, inkan_key **out);

/* NULL is a no-op. */
INKAN_API void inkan_key_free(inkan_key *key);

INKAN_API inkan_key_type inkan_key_get_type(const inkan_key *key);

/* Modulus size for RSA, 256 for Ed25519. */
INKAN_API unsigned inkan_key_bits(const inkan_key *key);

/*
 * Write the private key as PEM (PKCS#8) to a NEW file at @path, created
 * with open(O_CREAT|O_EXCL|O_WRONLY, 0600) so that it is never readable by
 * others, not even for a moment. An existing file is not touched
 * (INKAN_ERR_IO, errno EEXIST).
 */
INKAN_API inkan_status inkan_key_save_private(const inkan_key *key,
	const char *path);

/*
 * The key record text, "v=DKIM1; k=rsa; p=..." (p= a base64
 * SubjectPublicKeyInfo) or "v=DKIM1; k=ed25519; p=..." (the raw 32-byte
 * public key, RFC 8463 4.2), written NUL-terminated to @buf of @cap
 * bytes. *len gets the length without the NUL; when @cap is too small the
 * call returns INKAN_ERR_LIMIT and *len says how much is needed (minus
 * the NUL). 1024 bytes always suffice.
 */
INKAN_API inkan_status inkan_key_dns_record(const inkan_key *key, char *buf,
	size_t cap, size_t *len);

#ifdef __cplusplus
}
#endif
#endif
