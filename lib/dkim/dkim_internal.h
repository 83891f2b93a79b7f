/* SPDX-License-Identifier: MIT */
/*
 * dkim_internal.h - structures shared by the files of lib/dkim.
 *
 *   sig.c       DKIM-Signature tag parsing and validation (RFC 6376 3.5,
 *               6.1.1)
 *   keyrec.c    key records (3.6.1) and parsed keys (ik_dkim_key)
 *   keycache.c  parsed keys by name, with TTL, LRU and a lock
 *   keysrc.c    where key records come from: static, callback, DNS
 *   dkim.c      the long-lived inkan_dkim handle
 *   verify.c    per-message verification (6.1)
 *   sign.c      per-message signing (5)
 *   result.c    verdict/reason strings, Authentication-Results entry
 */
#ifndef INKAN_DKIM_INTERNAL_H
#define INKAN_DKIM_INTERNAL_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include <inkan/dkim.h>
#include <inkan/msg.h>

#include "canon.h"
#include "crypto/crypto.h"

/* caps on what one signature may carry */
#define IK_DKIM_MAX_H 256		/* names in h= */
#define IK_DKIM_MAX_SIG_BYTES 1024	/* b= decoded: RSA-8192 */
#define IK_DKIM_MAX_RSA_BITS 8192	/* RFC 8301 3.2: MAY verify > 4096 */
#define IK_DKIM_MIN_RSA_BITS 1024	/* RFC 8301 3.2: MUST NOT below */
#define IK_DKIM_MAX_QNAME 253		/* RFC 1035 2.3.4 */
#define IK_DKIM_MAX_KEY_RECORD 8192	/* joined TXT strings */
#define IK_ARC_MAX_INSTANCE 50		/* RFC 8617 4.2.1 */

/*
 * The three fields with DKIM-Signature syntax (lib/arc reads the ARC
 * ones through the same parser, RFC 8617 4.1.2 and 4.1.3).
 */
typedef enum ik_dkim_sig_kind {
	IK_SIG_DKIM = 0,	/* DKIM-Signature */
	IK_SIG_AMS = 1,		/* ARC-Message-Signature: no v=, i= instance */
	IK_SIG_AS = 2		/* ARC-Seal: no body, cv=, no h= */
} ik_dkim_sig_kind;

/* ---- signatures (sig.c) --------------------------------------------- */

typedef struct ik_dkim_sig {
	inkan_dkim_reason error;	/* INKAN_DKIM_R_OK when usable */
	const inkan_header *hdr;	/* borrowed from the message */
	ik_key_type ktype;
	ik_hash_alg halg;
	ik_canon hcanon;
	ik_canon bcanon;
	/* NUL-terminated strings in the arena (NULL when absent) */
	const char *domain;
	const char *selector;
	const char *auid;		/* decoded i=, or "@" d= */
	const char *auid_domain;	/* points into auid */
	const char *algorithm;
	const char **h;			/* h= names (in the arena) */
	size_t nh;
	unsigned char bh[IK_HASH_MAX];
	size_t bh_len;
	unsigned char *b;		/* decoded b= (in the arena) */
	size_t b_len;
	char b_prefix[9];
	int has_l, has_t, has_x;
	uint64_t l, t, x;		/* UINT64_MAX: "infinite" */
	unsigned instance;		/* ARC i= (1..50), 0 for DKIM */
	const char *cv;			/* ARC-Seal cv= as written, or NULL */
	char *arena;			/* owned: every string above */
	size_t arena_len, arena_cap;
} ik_dkim_sig;

/*
 * Parse and validate the DKIM-Signature field @hdr (RFC 6376 3.5, 6.1.1)
 * against the clock @now with @skew seconds of slack. On a protocol
 * problem sig->error says why and INKAN_OK is returned; a status is
 * returned only when the call itself failed (memory). Free with
 * ik_dkim_sig_clear().
 */
inkan_status ik_dkim_sig_parse(const inkan_ctx *ctx, const inkan_header *hdr,
	unsigned flags, int64_t now, uint64_t skew, ik_dkim_sig *sig);
/* The same for an ARC-Message-Signature or ARC-Seal (@kind). */
inkan_status ik_dkim_sig_parse_kind(const inkan_ctx *ctx,
	const inkan_header *hdr, ik_dkim_sig_kind kind, unsigned flags,
	int64_t now, uint64_t skew, ik_dkim_sig *sig);
void ik_dkim_sig_clear(const inkan_ctx *ctx, ik_dkim_sig *sig);

/* 1 if @s is a domain-name (RFC 6376 3.5 d=, from RFC 5321); with
 * @underscore, '_' is also allowed in labels (selectors) and a single
 * label is enough. */
int ik_dkim_domain_ok(const char *s, size_t len, int selector);

/*
 * Write the wire form of @raw (a DKIM-Signature field) with the value of
 * its b= tag removed (RFC 6376 3.7 step 2) to @out (at least @len bytes).
 * Returns the new length; @len unchanged when there is no b= tag.
 */
size_t ik_dkim_strip_b(const char *raw, size_t len, char *out);

/* Feed the h= selection (@names, @n of them) of @msg to @d (hselect.c);
 * @own is the signature field being verified (it is not a candidate
 * for its own h=, whatever its name), or NULL when signing. */
inkan_status ik_dkim_hash_headers(ik_digest *d, ik_canon c,
	const inkan_msg *msg, const char *const *names, size_t n,
	const inkan_header *own);

/*
 * The header hash of a parsed signature (3.7 step 2): its h= fields of
 * @msg bottom-up, then its own field with b= emptied and without the
 * final CRLF. @d is reset first; the digest goes to @out.
 */
inkan_status ik_dkim_sig_header_hash(const inkan_ctx *ctx, ik_digest *d,
	const inkan_msg *msg, const ik_dkim_sig *sig, unsigned char *out);

/* ---- key records and keys (keyrec.c) ------------------------------- */

typedef enum ik_dkim_ktype {
	IK_DKIM_K_RSA = 0,
	IK_DKIM_K_ED25519 = 1,
	IK_DKIM_K_UNKNOWN = 2
} ik_dkim_ktype;

/* A parsed key record: what the record said, and the key itself. */
typedef struct ik_dkim_key {
	/* INKAN_DKIM_R_OK, R_KEY_SYNTAX, R_KEY_REVOKED or R_KEY_INVALID */
	inkan_dkim_reason error;
	ik_dkim_ktype k;
	unsigned hashes;	/* bit (1 << ik_hash_alg) per allowed hash */
	int email_ok;		/* s= lists email or * (or no s=) */
	int testing;		/* t=y */
	int strict;		/* t=s */
	ik_pubkey *pub;		/* owned; NULL unless error is R_OK */
	/* cache bookkeeping (keycache.c) */
	unsigned refs;
	char *qname;
	size_t qname_len;
	uint32_t hash;
	int64_t expires;
	struct ik_dkim_key *chain, *prev, *next;
} ik_dkim_key;

/* Parse a key record (RFC 6376 3.6.1) into a new key with one reference
 * (problems go to key->error). Free with ik_dkim_key_unref(). */
inkan_status ik_dkim_key_from_record(const inkan_ctx *ctx, const char *txt,
	size_t len, ik_dkim_key **out);

/* 6.1.2 steps 5-8, RFC 8301 3.2 and key t=s: is @key fit for @sig?
 * (verify.c) */
inkan_dkim_reason ik_dkim_check_key(const ik_dkim_sig *sig,
	const ik_dkim_key *key);

/* ---- key cache (keycache.c) ----------------------------------------- */

typedef struct ik_dkim_cache ik_dkim_cache;

inkan_status ik_dkim_cache_new(const inkan_ctx *ctx, size_t max,
	ik_dkim_cache **out);
void ik_dkim_cache_free(ik_dkim_cache *c);
/* a new reference to the live entry for @qname, or NULL */
ik_dkim_key *ik_dkim_cache_get(ik_dkim_cache *c, const char *qname,
	int64_t now);
/* add @key (the cache takes its own reference) under @qname */
void ik_dkim_cache_put(ik_dkim_cache *c, const char *qname, ik_dkim_key *key,
	int64_t expires);
/* drop a reference (thread-safe when the key came from @c; @c may be
 * NULL for a key that was never cached) */
void ik_dkim_key_unref(const inkan_ctx *ctx, ik_dkim_cache *c,
	ik_dkim_key *key);

/* ---- key sources (keysrc.c) ----------------------------------------- */

struct inkan_dkim_key_answer {
	const inkan_ctx *ctx;
	size_t count;		/* TXT RRs seen */
	char *first;		/* owned copy of the first */
	size_t first_len;
	uint32_t ttl;
	inkan_status st;	/* first failure while adding */
};

/* One key to fetch for a message. */
typedef struct ik_dkim_keyq {
	char *qname;			/* owned */
	int done;
	ik_dkim_key *key;		/* a reference once done, or NULL */
	inkan_dkim_reason error;	/* when key is NULL */
	void *pending;			/* source-specific state */
} ik_dkim_keyq;

/* Start fetching q->qname (cache first). May finish at once. */
inkan_status ik_dkim_keyq_start(inkan_dkim *d, ik_dkim_keyq *q);
/* Finish: afterwards q->done, and q->key or q->error is set. */
inkan_status ik_dkim_keyq_wait(inkan_dkim *d, ik_dkim_keyq *q);
void ik_dkim_keyq_clear(inkan_dkim *d, ik_dkim_keyq *q);
/*
 * The key question of @sig in @qs (*nq of them; the caller made room for
 * one more): an existing one with the same name is shared, else a new one
 * is started. *idx is its index. Used by DKIM and ARC verification.
 */
inkan_status ik_dkim_keyq_add(inkan_dkim *d, ik_dkim_keyq *qs, size_t *nq,
	const ik_dkim_sig *sig, size_t *idx);

/* ---- per-message verification (verify.c) -------------------------- */

/* A verifier for the fields of @kind (DKIM-Signature or, for lib/arc,
 * ARC-Message-Signature); otherwise as inkan_dkim_verify_new(). */
inkan_status ik_dkim_verify_new_kind(inkan_dkim *d, inkan_msg *msg,
	ik_dkim_sig_kind kind, inkan_dkim_verify **out);
/* the parsed signature behind result @i (NULL when out of range) */
const ik_dkim_sig *ik_dkim_verify_sig(const inkan_dkim_verify *v, size_t i);

/* ---- the long-lived handle (dkim.c) -------------------------------- */

struct ik_static_key {
	char *qname;
	char *txt;
};

struct inkan_dkim {
	inkan_ctx *ctx;
	ik_crypto *crypto;
	unsigned flags;
	inkan_dkim_lookup_fn lookup;
	void *lookup_ud;
	struct ik_static_key *statics;
	size_t nstatics, capstatics;
	ik_dkim_cache *cache;		/* NULL when turned off */
};

/* the default header set a signer oversigns (sign.c) */
extern const char *const ik_dkim_default_sign_headers[];

/* ---- writing a signature field (sign.c) ---------------------------- */

/* a field being written, folded before column IK_DKIM_FOLD_AT */
#define IK_DKIM_FOLD_AT 78
typedef struct ik_fold {
	struct ik_buf *b;
	size_t col;		/* current column */
	inkan_status st;	/* first failure; later calls do nothing */
} ik_fold;

/* append @s, folding first (CRLF TAB) when the line would get too long */
void ik_fold_put(ik_fold *f, const char *s, size_t n, int space_before);
/* " tag=value;" */
void ik_fold_tag(ik_fold *f, const char *tag, const char *value);
/* the base64 of @sig, folded anywhere (3.5 b=); @b64 has
 * ik_b64_encoded_len(len) + 1 bytes */
void ik_fold_b(ik_fold *f, const unsigned char *sig, size_t len, char *b64);
/* "a::b" h= names, folded at the colons (3.5 sig-h-tag) */
void ik_fold_h(ik_fold *f, const char *const *names, size_t n);

#endif
