/* SPDX-License-Identifier: MIT */
/*
 * tsig_hmac.c - HMAC for TSIG (RFC 8945 6, RFC 4635) through OpenSSL 3's
 * EVP_MAC, and the small crypto helpers TSIG needs (constant-time
 * comparison, random message IDs, wiping secrets).
 *
 * This is the only file outside lib/crypto that includes OpenSSL: lib/
 * crypto has no HMAC yet. Once it has, these functions move there.
 */
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "domain/tsig.h"

inkan_status
ik_tsig_hmac(const inkan_tsig_key *k, const unsigned char *data, size_t len,
	unsigned char *out, size_t *outlen)
{
	EVP_MAC *mac;
	EVP_MAC_CTX *c = NULL;
	OSSL_PARAM params[2];
	inkan_status st = INKAN_ERR_CRYPTO;

	mac = EVP_MAC_fetch(NULL, OSSL_MAC_NAME_HMAC, NULL);
	if (mac == NULL)
		return INKAN_ERR_CRYPTO;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
		(char *)k->alg->md, 0);
	params[1] = OSSL_PARAM_construct_end();
	if ((c = EVP_MAC_CTX_new(mac)) != NULL &&
	    EVP_MAC_init(c, k->secret, k->secret_len, params) == 1 &&
	    EVP_MAC_update(c, data, len) == 1 &&
	    EVP_MAC_final(c, out, outlen, IK_TSIG_MAC_MAX) == 1 &&
	    *outlen == k->alg->mac_len)
		st = INKAN_OK;
	EVP_MAC_CTX_free(c);
	EVP_MAC_free(mac);
	return st;
}

int
ik_tsig_mac_equal(const unsigned char *a, const unsigned char *b, size_t n)
{
	return CRYPTO_memcmp(a, b, n) == 0;
}

inkan_status
ik_tsig_random(void *buf, size_t n)
{
	return RAND_bytes(buf, (int)n) == 1 ? INKAN_OK : INKAN_ERR_CRYPTO;
}

void
ik_domain_wipe(void *p, size_t n)
{
	if (p != NULL)
		OPENSSL_cleanse(p, n);
}
