/* SPDX-License-Identifier: MIT */
/*
 * hmac.c - HMAC (RFC 2104) through OpenSSL 3's EVP_MAC, and the small
 * helpers secrets need: constant-time comparison, random bytes, wiping.
 * Used by TSIG (RFC 8945 6, RFC 4635); kept here so that lib/crypto stays
 * the only code that touches OpenSSL.
 */
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "crypto/crypto.h"

inkan_status
ik_hmac(const char *digest, const unsigned char *key, size_t keylen,
	const unsigned char *data, size_t len, unsigned char *out,
	size_t outmax, size_t *outlen)
{
	EVP_MAC *mac;
	EVP_MAC_CTX *c = NULL;
	OSSL_PARAM params[2];
	inkan_status st = INKAN_ERR_CRYPTO;

	mac = EVP_MAC_fetch(NULL, OSSL_MAC_NAME_HMAC, NULL);
	if (mac == NULL)
		return INKAN_ERR_CRYPTO;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
		(char *)digest, 0);
	params[1] = OSSL_PARAM_construct_end();
	if ((c = EVP_MAC_CTX_new(mac)) != NULL &&
	    EVP_MAC_init(c, key, keylen, params) == 1 &&
	    EVP_MAC_update(c, data, len) == 1 &&
	    EVP_MAC_final(c, out, outlen, outmax) == 1)
		st = INKAN_OK;
	EVP_MAC_CTX_free(c);
	EVP_MAC_free(mac);
	return st;
}

int
ik_crypto_memeq(const void *a, const void *b, size_t n)
{
	return CRYPTO_memcmp(a, b, n) == 0;
}

inkan_status
ik_crypto_random(void *buf, size_t n)
{
	if (n > (size_t)INT32_MAX)
		return INKAN_ERR_INVALID;
	return RAND_bytes(buf, (int)n) == 1 ? INKAN_OK : INKAN_ERR_CRYPTO;
}

void
ik_crypto_wipe(void *p, size_t n)
{
	if (p != NULL)
		OPENSSL_cleanse(p, n);
}
