/* SPDX-License-Identifier: MIT */
/*
 * tsig_hmac.c - the TSIG MAC (RFC 8945 6, RFC 4635) and the helpers TSIG
 * needs, on top of lib/crypto (the only code that touches OpenSSL).
 */
#include "crypto/crypto.h"
#include "domain/tsig.h"

inkan_status
ik_tsig_hmac(const inkan_tsig_key *k, const unsigned char *data, size_t len,
	unsigned char *out, size_t *outlen)
{
	inkan_status st = ik_hmac(k->alg->md, k->secret, k->secret_len, data,
		len, out, IK_TSIG_MAC_MAX, outlen);

	/* a MAC of another length than the algorithm's is no MAC of it */
	if (st == INKAN_OK && *outlen != k->alg->mac_len)
		st = INKAN_ERR_CRYPTO;
	return st;
}

int
ik_tsig_mac_equal(const unsigned char *a, const unsigned char *b, size_t n)
{
	return ik_crypto_memeq(a, b, n);
}

inkan_status
ik_tsig_random(void *buf, size_t n)
{
	return ik_crypto_random(buf, n);
}

void
ik_domain_wipe(void *p, size_t n)
{
	ik_crypto_wipe(p, n);
}
