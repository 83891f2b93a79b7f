/* SPDX-License-Identifier: MIT */
/*
 * privkey.c - DKIM private keys (inkan/keys.h): load, generate, save,
 * publish, sign.
 *
 * RFC 8301 3.2: signers MUST use RSA keys of at least 1024 bits and
 * SHOULD use 2048; verifiers need only go to 4096, so we sign with
 * 1024..4096. RFC 8463: Ed25519, private key = 32-byte seed.
 * Key material read into our own buffers is wiped before it is freed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "core/file.h"
#include "core/base64.h"
#include "core/alloc.h"
#include "core/ctx_internal.h"
#include "crypto_internal.h"

#define KEY_FILE_MAX 65536
#define RSA_MIN_BITS 1024
#define RSA_MAX_BITS 4096

/* never prompt for a passphrase: encrypted keys are refused */
static int
no_passphrase(char *buf, int size, int rwflag, void *ud)
{
	(void)buf; (void)size; (void)rwflag; (void)ud;
	return 0;
}

static inkan_status
wrap(inkan_ctx *ctx, EVP_PKEY *pkey, inkan_key **out)
{
	inkan_key *k;
	int id = EVP_PKEY_get_base_id(pkey);
	unsigned bits = (unsigned)EVP_PKEY_get_bits(pkey);

	if (id != EVP_PKEY_RSA && id != EVP_PKEY_ED25519) {
		EVP_PKEY_free(pkey);
		return INKAN_ERR_UNSUPPORTED;
	}
	if (id == EVP_PKEY_RSA && (bits < RSA_MIN_BITS || bits > RSA_MAX_BITS)) {
		ik_log(ctx, INKAN_LOG_ERROR, "RSA key of %u bits refused "
			"(RFC 8301 3.2: 1024..4096)", bits);
		EVP_PKEY_free(pkey);
		return INKAN_ERR_UNSUPPORTED;
	}
	k = ik_calloc(ctx, 1, sizeof(*k));
	if (k == NULL || pthread_mutex_init(&k->lock, NULL) != 0) {
		ik_free(ctx, k);
		EVP_PKEY_free(pkey);
		return INKAN_ERR_NOMEM;
	}
	k->ctx = ctx;
	k->pkey = pkey;
	k->type = id == EVP_PKEY_RSA ? IK_KEY_RSA : IK_KEY_ED25519;
	k->bits = id == EVP_PKEY_RSA ? bits : 256;
	if (id == EVP_PKEY_RSA && bits < 2048)
		ik_log(ctx, INKAN_LOG_WARNING, "RSA key of %u bits: RFC 8301 "
			"3.2 says signers SHOULD use 2048 or more", bits);
	*out = k;
	return INKAN_OK;
}

/* the dkimpy / RFC 8463 A.1 form: base64 of the 32-byte Ed25519 seed */
static EVP_PKEY *
load_seed(const char *data, size_t len)
{
	unsigned char seed[48];
	size_t n = 0;
	EVP_PKEY *pkey = NULL;

	if (len < 200 && ik_b64_decode(data, len, IK_B64_FWS, seed,
	    sizeof(seed), &n) == INKAN_OK && n == 32)
		pkey = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL,
			seed, 32);
	OPENSSL_cleanse(seed, sizeof(seed));
	return pkey;
}

static int
has_pem_marker(const char *data, size_t len)
{
	size_t i;

	for (i = 0; i + 10 <= len; i++)
		if (memcmp(data + i, "-----BEGIN", 10) == 0)
			return 1;
	return 0;
}

INKAN_API inkan_status
inkan_key_load(inkan_ctx *ctx, const char *data, size_t len, inkan_key **out)
{
	EVP_PKEY *pkey = NULL;
	BIO *bio;

	if (out == NULL)
		return INKAN_ERR_INVALID;
	*out = NULL;
	if (ctx == NULL || data == NULL || len > KEY_FILE_MAX)
		return INKAN_ERR_INVALID;
	if (has_pem_marker(data, len)) {
		bio = BIO_new_mem_buf(data, (int)len);
		if (bio == NULL)
			return INKAN_ERR_NOMEM;
		pkey = PEM_read_bio_PrivateKey(bio, NULL, no_passphrase, NULL);
		BIO_free(bio);
	} else {
		pkey = load_seed(data, len);
	}
	ERR_clear_error();
	if (pkey == NULL)
		return INKAN_ERR_CRYPTO;
	return wrap(ctx, pkey, out);
}

INKAN_API inkan_status
inkan_key_load_file(inkan_ctx *ctx, const char *path, inkan_key **out)
{
	char *buf;
	size_t n;
	inkan_status st;

	if (out == NULL)
		return INKAN_ERR_INVALID;
	*out = NULL;
	if (ctx == NULL || path == NULL)
		return INKAN_ERR_INVALID;
	st = ik_file_read(ctx, path, KEY_FILE_MAX, IK_FILE_SECRET, &buf, &n);
	if (st != INKAN_OK)
		return st == INKAN_ERR_NOT_FOUND ? INKAN_ERR_IO : st;
	st = inkan_key_load(ctx, buf, n, out);
	ik_file_free(ctx, buf, n, IK_FILE_SECRET);
	return st;
}

INKAN_API inkan_status
inkan_key_generate(inkan_ctx *ctx, inkan_key_type type, unsigned bits,
	inkan_key **out)
{
	EVP_PKEY *pkey;

	if (out == NULL)
		return INKAN_ERR_INVALID;
	*out = NULL;
	if (ctx == NULL)
		return INKAN_ERR_INVALID;
	if (type == INKAN_KEY_RSA) {
		if (bits == 0)
			bits = 2048;
		if (bits < RSA_MIN_BITS || bits > RSA_MAX_BITS)
			return INKAN_ERR_UNSUPPORTED;
		pkey = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)bits);
	} else if (type == INKAN_KEY_ED25519) {
		if (bits != 0 && bits != 256)
			return INKAN_ERR_INVALID;
		pkey = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	} else {
		return INKAN_ERR_INVALID;
	}
	ERR_clear_error();
	if (pkey == NULL)
		return INKAN_ERR_CRYPTO;
	return wrap(ctx, pkey, out);
}

inkan_status
ik_key_generate_weak(inkan_ctx *ctx, unsigned bits, inkan_key **out)
{
	inkan_key *k;
	EVP_PKEY *pkey;

	*out = NULL;
	pkey = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)bits);
	ERR_clear_error();
	if (pkey == NULL)
		return INKAN_ERR_CRYPTO;
	k = ik_calloc(ctx, 1, sizeof(*k));
	if (k == NULL || pthread_mutex_init(&k->lock, NULL) != 0) {
		ik_free(ctx, k);
		EVP_PKEY_free(pkey);
		return INKAN_ERR_NOMEM;
	}
	k->ctx = ctx;
	k->pkey = pkey;
	k->type = IK_KEY_RSA;
	k->bits = (unsigned)EVP_PKEY_get_bits(pkey);
	*out = k;
	return INKAN_OK;
}

INKAN_API void
inkan_key_free(inkan_key *key)
{
	size_t i;

	if (key == NULL)
		return;
	for (i = 0; i < key->npool; i++)
		EVP_PKEY_CTX_free(key->pool[i]);
	pthread_mutex_destroy(&key->lock);
	EVP_PKEY_free(key->pkey);
	ik_free(key->ctx, key);
}

INKAN_API inkan_key_type
inkan_key_get_type(const inkan_key *key)
{
	return key != NULL && key->type == IK_KEY_ED25519 ? INKAN_KEY_ED25519 :
		INKAN_KEY_RSA;
}

INKAN_API unsigned
inkan_key_bits(const inkan_key *key)
{
	return key != NULL ? key->bits : 0;
}

ik_key_type
ik_key_type_of(const inkan_key *key)
{
	return key->type;
}

static inkan_status
write_all(int fd, const char *p, size_t len)
{
	ssize_t w;

	while (len > 0) {
		w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return INKAN_ERR_IO;
		p += w;
		len -= (size_t)w;
	}
	return INKAN_OK;
}

INKAN_API inkan_status
inkan_key_save_private(const inkan_key *key, const char *path)
{
	BIO *bio;
	char *pem = NULL;
	long n;
	int fd, saved;
	inkan_status st;

	if (key == NULL || path == NULL)
		return INKAN_ERR_INVALID;
	bio = BIO_new(BIO_s_secmem());
	if (bio == NULL)
		bio = BIO_new(BIO_s_mem());
	if (bio == NULL)
		return INKAN_ERR_NOMEM;
	if (PEM_write_bio_PrivateKey(bio, key->pkey, NULL, NULL, 0, NULL,
	    NULL) != 1 || (n = BIO_get_mem_data(bio, &pem)) <= 0) {
		BIO_free(bio);
		ERR_clear_error();
		return INKAN_ERR_CRYPTO;
	}
	/* mode 0600 from the first moment; never an existing file */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		0600);
	if (fd < 0) {
		BIO_free(bio);
		return INKAN_ERR_IO;
	}
	st = write_all(fd, pem, (size_t)n);
	if (st == INKAN_OK && fsync(fd) != 0)
		st = INKAN_ERR_IO;
	saved = errno;
	if (close(fd) != 0 && st == INKAN_OK)
		st = INKAN_ERR_IO;
	if (st != INKAN_OK)
		unlink(path);
	BIO_free(bio);
	errno = saved;
	return st;
}

INKAN_API inkan_status
inkan_key_dns_record(const inkan_key *key, char *buf, size_t cap, size_t *len)
{
	unsigned char raw[32], *der = NULL;
	const unsigned char *pub;
	size_t publen = sizeof(raw), need;
	int n;
	const char *prefix;

	if (len != NULL)
		*len = 0;
	if (key == NULL || len == NULL || (buf == NULL && cap > 0))
		return INKAN_ERR_INVALID;
	if (key->type == IK_KEY_RSA) {
		n = i2d_PUBKEY(key->pkey, &der);
		if (n <= 0) {
			ERR_clear_error();
			return INKAN_ERR_CRYPTO;
		}
		pub = der;
		publen = (size_t)n;
		prefix = "v=DKIM1; k=rsa; p=";
	} else {
		if (EVP_PKEY_get_raw_public_key(key->pkey, raw, &publen) != 1 ||
		    publen != 32) {
			ERR_clear_error();
			return INKAN_ERR_CRYPTO;
		}
		pub = raw;
		prefix = "v=DKIM1; k=ed25519; p=";
	}
	need = strlen(prefix) + ik_b64_encoded_len(publen);
	*len = need;
	if (cap < need + 1) {
		OPENSSL_free(der);
		return INKAN_ERR_LIMIT;
	}
	memcpy(buf, prefix, strlen(prefix));
	ik_b64_encode(pub, publen, buf + strlen(prefix));
	OPENSSL_free(der);
	return INKAN_OK;
}

/* RSASSA-PKCS1-v1_5 with SHA-256 (RFC 8301 3.1: rsa-sha256 only) using
 * a ready context from the key's pool when there is one */
static int
sign_rsa(const EVP_MD *md, const inkan_key *key, const unsigned char *hash,
	size_t hash_len, unsigned char *out, size_t *n)
{
	inkan_key *k = (inkan_key *)key;	/* only the pool changes */
	EVP_PKEY_CTX *pctx = NULL;
	int ok;

	pthread_mutex_lock(&k->lock);
	if (k->npool > 0)
		pctx = k->pool[--k->npool];
	pthread_mutex_unlock(&k->lock);
	if (pctx == NULL) {
		pctx = EVP_PKEY_CTX_new_from_pkey(NULL, k->pkey, NULL);
		if (pctx == NULL || EVP_PKEY_sign_init(pctx) != 1 ||
		    EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1 ||
		    EVP_PKEY_CTX_set_signature_md(pctx, md) != 1) {
			EVP_PKEY_CTX_free(pctx);
			return 0;
		}
	}
	ok = EVP_PKEY_sign(pctx, out, n, hash, hash_len) == 1;
	pthread_mutex_lock(&k->lock);
	if (k->npool < IK_SIGN_POOL) {
		k->pool[k->npool++] = pctx;
		pctx = NULL;
	}
	pthread_mutex_unlock(&k->lock);
	EVP_PKEY_CTX_free(pctx);
	return ok;
}

inkan_status
ik_key_sign(const ik_crypto *c, const inkan_key *key, ik_hash_alg alg,
	const unsigned char *hash, size_t hash_len, unsigned char **sig,
	size_t *sig_len)
{
	EVP_MD_CTX *mctx = NULL;
	const EVP_MD *md = ik_crypto_md(c, alg);
	size_t n = (size_t)EVP_PKEY_get_size(key->pkey);
	unsigned char *out;
	int ok;

	*sig = NULL;
	*sig_len = 0;
	if (md == NULL || hash_len != ik_hash_len(alg) || n == 0)
		return INKAN_ERR_INVALID;
	out = ik_malloc(c->ctx, n);
	if (out == NULL)
		return INKAN_ERR_NOMEM;
	if (key->type == IK_KEY_RSA && alg == IK_HASH_SHA256) {
		ok = sign_rsa(md, key, hash, hash_len, out, &n);
	} else if (key->type == IK_KEY_RSA) {
		/* other hashes: tests of the legacy verifier only */
		EVP_PKEY_CTX *pctx = EVP_PKEY_CTX_new_from_pkey(NULL,
			key->pkey, NULL);
		ok = pctx != NULL && EVP_PKEY_sign_init(pctx) == 1 &&
		    EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) == 1 &&
		    EVP_PKEY_CTX_set_signature_md(pctx, md) == 1 &&
		    EVP_PKEY_sign(pctx, out, &n, hash, hash_len) == 1;
		EVP_PKEY_CTX_free(pctx);
	} else {
		/* RFC 8463 3: PureEdDSA over the SHA-256 digest */
		mctx = EVP_MD_CTX_new();
		ok = mctx != NULL && alg == IK_HASH_SHA256 &&
		    EVP_DigestSignInit_ex(mctx, NULL, NULL, NULL, NULL,
			key->pkey, NULL) == 1 &&
		    EVP_DigestSign(mctx, out, &n, hash, hash_len) == 1;
		EVP_MD_CTX_free(mctx);
	}
	ERR_clear_error();
	if (!ok) {
		ik_free(c->ctx, out);
		return INKAN_ERR_CRYPTO;
	}
	*sig = out;
	*sig_len = n;
	return INKAN_OK;
}
