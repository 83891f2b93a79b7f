/* SPDX-License-Identifier: MIT */
/*
 * inkan/dkim.h - DKIM signing and verification (RFC 6376, updated by
 * RFC 8301 and RFC 8463: rsa-sha256 and ed25519-sha256).
 *
 * Two levels of handle, as everywhere in libinkan:
 *
 *  - inkan_dkim: long-lived. Options (flags), the key source (DNS through
 *    the context's resolver, or static records, or a lookup callback) and
 *    the cache of parsed public keys. Set it up from one thread; afterwards
 *    any number of threads may create per-message handles from it at once
 *    (the key cache has its own lock).
 *
 *  - inkan_dkim_verify / inkan_dkim_sign: one message. Each is attached to
 *    an inkan_msg (inkan/msg.h) before the body starts and sees the body
 *    through a body sink, so the message is fed once, in milter order, in
 *    chunks of any size, and memory use does not depend on the body size.
 *
 *      inkan_msg_new(ctx, &msg);
 *      inkan_dkim_verify_new(dkim, msg, &v);
 *      inkan_msg_feed(msg, ...) ...            (or the milter calls)
 *      inkan_dkim_verify_eoh(v);               (optional: start key
 *                                               lookups before the body)
 *      inkan_msg_finish(msg);
 *      inkan_dkim_verify_eom(v);
 *      for i < inkan_dkim_verify_count(v): inkan_dkim_verify_result(v, i)
 *      inkan_dkim_verify_free(v); inkan_msg_free(msg);
 *
 * Verdicts (RFC 8601 2.7.1). Temporary: temperror (key lookup could not
 * be answered; try later). Permanent: everything else.
 *   pass       the signature verified.
 *   fail       the cryptographic check was made and failed: body hash or
 *              signature mismatch, or a revoked key (RFC 6376 6.1.2 step 7:
 *              "treat this as a failed signature check").
 *   permerror  the signature could not be evaluated: syntax, version,
 *              missing or bad tags, historic or unknown algorithm (RFC 8301),
 *              i= outside d=, From not signed, t=/x= out of range, l=
 *              beyond the body, no key, a bad or unsuitable key record,
 *              an RSA key under 1024 bits (RFC 8301 3.2).
 *   temperror  DNS SERVFAIL or timeout while fetching the key.
 *   policy     a pass refused by local policy (INKAN_DKIM_REJECT_PARTIAL
 *              and text after l=).
 *   neutral, none: not produced per signature (none = no signature).
 */
#ifndef INKAN_DKIM_H
#define INKAN_DKIM_H

#include <stddef.h>
#include <stdint.h>

#include <inkan/ctx.h>
#include <inkan/keys.h>
#include <inkan/msg.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct inkan_dkim inkan_dkim;
typedef struct inkan_dkim_verify inkan_dkim_verify;
typedef struct inkan_dkim_sign inkan_dkim_sign;

typedef enum inkan_dkim_verdict {
	INKAN_DKIM_NONE = 0,
	INKAN_DKIM_PASS = 1,
	INKAN_DKIM_FAIL = 2,
	INKAN_DKIM_POLICY = 3,
	INKAN_DKIM_NEUTRAL = 4,
	INKAN_DKIM_TEMPERROR = 5,
	INKAN_DKIM_PERMERROR = 6
} inkan_dkim_verdict;

/* Why a signature got its verdict. Append-only. */
typedef enum inkan_dkim_reason {
	INKAN_DKIM_R_OK = 0,			/* verified */
	INKAN_DKIM_R_SYNTAX = 1,		/* not a valid tag-list / tag */
	INKAN_DKIM_R_DUPLICATE_TAG = 2,
	INKAN_DKIM_R_MISSING_TAG = 3,		/* v a b bh d h s (6.1.1) */
	INKAN_DKIM_R_VERSION = 4,		/* v= is not 1 */
	INKAN_DKIM_R_ALGORITHM = 5,		/* unknown a= */
	INKAN_DKIM_R_ALGORITHM_HISTORIC = 6,	/* rsa-sha1 (RFC 8301) */
	INKAN_DKIM_R_CANONICALIZATION = 7,	/* unknown c= */
	INKAN_DKIM_R_DOMAIN = 8,		/* d= is not a domain name */
	INKAN_DKIM_R_SELECTOR = 9,		/* s= is not a selector */
	INKAN_DKIM_R_AUID = 10,			/* i= is not an identity */
	INKAN_DKIM_R_AUID_DOMAIN = 11,		/* i= not within d= */
	INKAN_DKIM_R_FROM_NOT_SIGNED = 12,	/* h= lacks From */
	INKAN_DKIM_R_QUERY_METHOD = 13,		/* q= lacks dns/txt */
	INKAN_DKIM_R_FUTURE = 14,		/* t= later than now + skew */
	INKAN_DKIM_R_EXPIRED = 15,		/* x= earlier than now - skew */
	INKAN_DKIM_R_EXPIRY_ORDER = 16,		/* x= not later than t= */
	INKAN_DKIM_R_BODY_LENGTH = 17,		/* l= longer than the body */
	INKAN_DKIM_R_KEY_UNAVAILABLE = 18,	/* DNS temporary failure */
	INKAN_DKIM_R_NO_KEY = 19,		/* NXDOMAIN / no TXT record */
	INKAN_DKIM_R_KEY_MULTIPLE = 20,		/* several TXT records */
	INKAN_DKIM_R_KEY_SYNTAX = 21,		/* key record malformed/v= */
	INKAN_DKIM_R_KEY_REVOKED = 22,		/* p= empty */
	INKAN_DKIM_R_KEY_ALGORITHM = 23,	/* key k= does not fit a= */
	INKAN_DKIM_R_KEY_HASH = 24,		/* key h= excludes a='s hash */
	INKAN_DKIM_R_KEY_SERVICE = 25,		/* key s= not email or * */
	INKAN_DKIM_R_KEY_STRICT = 26,		/* key t=s, i= on a subdomain */
	INKAN_DKIM_R_KEY_INVALID = 27,		/* p= is not a usable key */
	INKAN_DKIM_R_KEY_TOO_SMALL = 28,	/* RSA < 1024 bits */
	INKAN_DKIM_R_KEY_TOO_LARGE = 29,	/* RSA > 8192 bits */
	INKAN_DKIM_R_BODY_HASH = 30,		/* bh= does not match */
	INKAN_DKIM_R_SIGNATURE = 31,		/* b= does not verify */
	INKAN_DKIM_R_PARTIAL_POLICY = 32,	/* l= left text unsigned */
	INKAN_DKIM_R_INTERNAL = 33		/* out of memory or a bug */
} inkan_dkim_reason;

/* Flags for inkan_dkim_set_flags(). */
enum {
	/* Verify rsa-sha1 as RFC 6376 did. RFC 8301 3.1 says MUST NOT:
	 * without this flag rsa-sha1 is a permerror. */
	INKAN_DKIM_ALLOW_RSA_SHA1 = 1 << 0,
	/* Let a pass whose l= left text unsigned count for DMARC
	 * (result.dmarc_usable). Default: it does not (RFC 6376 8.2). */
	INKAN_DKIM_PARTIAL_FOR_DMARC = 1 << 1,
	/* Turn such a pass into "policy" (RFC 6376 6.1.3 allows treating
	 * unsigned content as invalid). */
	INKAN_DKIM_REJECT_PARTIAL = 1 << 2
};

/*
 * Result of one DKIM-Signature. Strings are NUL-terminated and borrowed
 * from the verify handle (valid until inkan_dkim_verify_free()); a string
 * is NULL when the signature was too broken to yield it.
 */
typedef struct inkan_dkim_result {
	inkan_dkim_verdict verdict;
	inkan_dkim_reason reason;
	const char *domain;	/* d= as written */
	const char *auid;	/* i= decoded, or "@" + d= when absent */
	const char *selector;	/* s= */
	const char *algorithm;	/* a= as written */
	char b_prefix[9];	/* first 8 characters of b= (FWS removed) */
	unsigned key_bits;	/* size of the key used, 0 if none */
	int has_length;		/* l= present */
	int partial_body;	/* l= present and text follows it */
	int dmarc_usable;	/* a pass DMARC may use (see the flags) */
	int testing;		/* key record t=y */
	uint64_t timestamp;	/* t=, 0 if absent */
	uint64_t expiration;	/* x=, 0 if absent */
	size_t header_index;	/* DKIM-Signature's position (0 = top) */
} inkan_dkim_result;

/*
 * Answer builder for a key lookup callback. The callback adds one entry
 * per TXT RR with the RR's strings already joined (RFC 6376 3.6.2.2) and
 * may set the TTL (default 300 s).
 */
typedef struct inkan_dkim_key_answer inkan_dkim_key_answer;

INKAN_API inkan_status inkan_dkim_key_answer_add(inkan_dkim_key_answer *ans,
	const char *txt, size_t len);
INKAN_API void inkan_dkim_key_answer_set_ttl(inkan_dkim_key_answer *ans,
	uint32_t ttl);

/*
 * Key lookup callback for @qname ("selector._domainkey.domain", no
 * trailing dot). Return INKAN_OK with zero or more records added (zero =
 * NODATA), INKAN_ERR_NOT_FOUND for NXDOMAIN, INKAN_ERR_DNS_TEMP or
 * INKAN_ERR_TIMEOUT for a temporary failure. Called from the thread that
 * calls inkan_dkim_verify_eom(). @qname is borrowed for the call.
 */
typedef inkan_status (*inkan_dkim_lookup_fn)(void *ud, const char *qname,
	inkan_dkim_key_answer *ans);

/*
 * Create the long-lived DKIM handle. @ctx is borrowed and must outlive it.
 * *out is freed with inkan_dkim_free() after every per-message handle.
 */
INKAN_API inkan_status inkan_dkim_new(inkan_ctx *ctx, inkan_dkim **out);
INKAN_API void inkan_dkim_free(inkan_dkim *dkim);

/* INKAN_DKIM_* flags; replaces the previous set. */
INKAN_API void inkan_dkim_set_flags(inkan_dkim *dkim, unsigned flags);

/*
 * Key source, in this order of preference: records added with
 * inkan_dkim_add_key_record() (if any), else the callback (if set), else
 * the DNS resolver of the context. With none of them every key is
 * "no key".
 */
INKAN_API inkan_status inkan_dkim_set_lookup(inkan_dkim *dkim,
	inkan_dkim_lookup_fn fn, void *ud);

/* A static key record for @qname (copied). Adding one twice makes the
 * name have two TXT records (a permerror, RFC 6376 3.6.2.2). */
INKAN_API inkan_status inkan_dkim_add_key_record(inkan_dkim *dkim,
	const char *qname, const char *txt);

/*
 * Load static records from a file in OpenDKIM's TestPublicKeys form: one
 * per line, "qname record-text" (a trailing dot on qname is dropped;
 * blank lines and lines starting with '#' are skipped). At most 1 MiB.
 */
INKAN_API inkan_status inkan_dkim_load_key_file(inkan_dkim *dkim,
	const char *path);

/*
 * Cache of parsed public keys: at most @entries (default 1024; 0 turns
 * the cache off). Entries live for the record's TTL, at most a day.
 */
INKAN_API inkan_status inkan_dkim_set_cache_size(inkan_dkim *dkim,
	size_t entries);

/* ---- verification ------------------------------------------------- */

/*
 * Attach a verifier to @msg, which must not have started its body yet.
 * @dkim and @msg are borrowed: both must outlive the handle. The handle
 * adds a body sink to @msg. Free with inkan_dkim_verify_free().
 */
INKAN_API inkan_status inkan_dkim_verify_new(inkan_dkim *dkim, inkan_msg *msg,
	inkan_dkim_verify **out);

/*
 * Optional, after the header section is complete: parse the signatures
 * and start their key lookups now, so DNS runs while the body arrives.
 * Done automatically at the first body byte or at eom otherwise.
 */
INKAN_API inkan_status inkan_dkim_verify_eoh(inkan_dkim_verify *v);

/*
 * After inkan_msg_finish(): finish the body hashes, wait for the keys,
 * verify. Returns INKAN_OK when every signature got a verdict (whatever
 * it is), or the status of a failure of the call itself.
 */
INKAN_API INKAN_MUST_CHECK inkan_status inkan_dkim_verify_eom(
	inkan_dkim_verify *v);

/* Number of results: one per DKIM-Signature, up to
 * INKAN_LIMIT_DKIM_SIGNATURES, in header order (top first). */
INKAN_API size_t inkan_dkim_verify_count(const inkan_dkim_verify *v);

/* Result @i, borrowed until inkan_dkim_verify_free(); NULL if out of
 * range or before eom. */
INKAN_API const inkan_dkim_result *inkan_dkim_verify_result(
	const inkan_dkim_verify *v, size_t i);

/* DKIM-Signature fields beyond the cap, not evaluated. */
INKAN_API size_t inkan_dkim_verify_skipped(const inkan_dkim_verify *v);

/* NULL is a no-op. The message keeps @v as a body sink: do not feed
 * it after this (free the message too, or first). */
INKAN_API void inkan_dkim_verify_free(inkan_dkim_verify *v);

/* "pass", "fail", ... (RFC 8601 spelling); static. */
INKAN_API const char *inkan_dkim_verdict_str(inkan_dkim_verdict verdict);

/* Short English text for a reason; static. */
INKAN_API const char *inkan_dkim_reason_str(inkan_dkim_reason reason);

/*
 * The Authentication-Results method entry for @r in Gmail's form:
 * "dkim=pass header.i=@example.com header.s=sel header.b=AbCdEfGh", with
 * a "(reason)" comment after the verdict when it is not a pass. Written
 * NUL-terminated to @buf; *len as in inkan_key_dns_record().
 */
INKAN_API inkan_status inkan_dkim_result_authres(const inkan_dkim_result *r,
	char *buf, size_t cap, size_t *len);

struct inkan_authres_builder;

/*
 * Add @r to an Authentication-Results builder (inkan/authres.h) as a
 * "dkim" resinfo in the same form: result, reason= when not a pass, a
 * comment for an l= pass, header.i / header.s / header.b properties.
 */
INKAN_API inkan_status inkan_dkim_result_to_authres(
	const inkan_dkim_result *r, struct inkan_authres_builder *b);

/* ---- signing -------------------------------------------------------- */

typedef enum inkan_dkim_canon {
	INKAN_DKIM_CANON_DEFAULT = 0,	/* relaxed */
	INKAN_DKIM_CANON_SIMPLE = 1,
	INKAN_DKIM_CANON_RELAXED = 2
} inkan_dkim_canon;

/* The longest signature lifetime inkan_dkim_sign_add() accepts (100
 * years, in seconds): x= stays far from wrapping and within the 12 digits
 * RFC 6376 3.5 lets a verifier read as a number. */
#define INKAN_DKIM_MAX_LIFETIME 3155760000ULL

/* One signature to make. Strings are copied by inkan_dkim_sign_add(). */
typedef struct inkan_dkim_sign_key {
	const char *domain;		/* d= (required) */
	const char *selector;		/* s= (required) */
	const inkan_key *key;		/* borrowed until sign_free */
	inkan_dkim_canon header_canon;
	inkan_dkim_canon body_canon;
	const char *auid;		/* i=, or NULL for none */
	/* x= t= + lifetime; 0: no x=; at most INKAN_DKIM_MAX_LIFETIME */
	uint64_t lifetime;
	/* header names to sign, NULL-terminated, each signed once per
	 * instance plus once more (oversigned); NULL = the default set */
	const char *const *headers;
} inkan_dkim_sign_key;

/*
 * Attach a signer to @msg (body not started). @dkim and @msg are
 * borrowed until inkan_dkim_sign_free().
 */
INKAN_API inkan_status inkan_dkim_sign_new(inkan_dkim *dkim, inkan_msg *msg,
	inkan_dkim_sign **out);

/* Add a signature to make (before the body starts). RSA 1024..4096 or
 * Ed25519 keys. */
INKAN_API inkan_status inkan_dkim_sign_add(inkan_dkim_sign *s,
	const inkan_dkim_sign_key *key);

/*
 * After inkan_msg_finish(): make the signatures. A message without a From
 * field is refused (INKAN_ERR_SYNTAX: RFC 6376 5.4 requires From).
 */
INKAN_API INKAN_MUST_CHECK inkan_status inkan_dkim_sign_eom(
	inkan_dkim_sign *s);

/* Number of DKIM-Signature fields made (one per key). */
INKAN_API size_t inkan_dkim_sign_count(const inkan_dkim_sign *s);

/*
 * Field @i as "DKIM-Signature: ...", folded, CRLF-terminated, to be put
 * on top of the message (in order: field 0 first). Borrowed until
 * inkan_dkim_sign_free(); NULL if out of range.
 */
INKAN_API const char *inkan_dkim_sign_header(const inkan_dkim_sign *s,
	size_t i, size_t *len);

/* NULL is a no-op. As for verification: do not feed the message after
 * this. */
INKAN_API void inkan_dkim_sign_free(inkan_dkim_sign *s);

#ifdef __cplusplus
}
#endif
#endif
