/* SPDX-License-Identifier: MIT */
/*
 * crypto_internal.h - layouts shared by the files of lib/crypto only
 * (they include OpenSSL headers; nothing outside lib/crypto may).
 */
#ifndef INKAN_CRYPTO_INTERNAL_H
#define INKAN_CRYPTO_INTERNAL_H

#include <pthread.h>

#include <openssl/evp.h>

#include "crypto.h"

struct ik_crypto {
	const inkan_ctx *ctx;		/* borrowed */
	EVP_MD *md[2];			/* indexed by ik_hash_alg; owned */
};

#define IK_SIGN_POOL 4

struct inkan_key {
	inkan_ctx *ctx;			/* borrowed */
	ik_key_type type;
	unsigned bits;
	EVP_PKEY *pkey;			/* owned */
	/* RSA: ready sign contexts (SHA-256), reused under the lock */
	pthread_mutex_t lock;
	EVP_PKEY_CTX *pool[IK_SIGN_POOL];
	size_t npool;
};

const EVP_MD *ik_crypto_md(const ik_crypto *c, ik_hash_alg alg);

#endif
