/* SPDX-License-Identifier: MIT */
/*
 * inkan/arc.h - Authenticated Received Chain (RFC 8617): validation of
 * the chain a message arrives with, and sealing (adding our own ARC set).
 *
 * ARC rides on the DKIM module: the ARC-Message-Signature is verified by
 * the DKIM verifier (same canonicalization, body hashing, key lookups and
 * key cache), and the ARC-Seal by the same key lookups and crypto. Both
 * handles below therefore take the long-lived inkan_dkim (inkan/dkim.h),
 * whose key source and cache they share with DKIM.
 *
 * Validation, one handle per message, fed in milter order exactly like
 * inkan_dkim_verify:
 *
 *      inkan_arc_verify_new(dkim, msg, &v);
 *      ... feed the message ...
 *      inkan_arc_verify_eoh(v);        (optional: key lookups of every set
 *                                       start now, together)
 *      inkan_msg_finish(msg);
 *      inkan_arc_verify_eom(v);
 *      r = inkan_arc_verify_result(v);
 *      inkan_arc_verify_free(v);
 *
 * Chain validation status (RFC 8617 4.4, 5.2):
 *   none  no ARC header field at all.
 *   pass  every step of 5.2 held.
 *   fail  anything else. RFC 8617 5.2.1: every failure is permanent,
 *         DNS failures included; there is no temperror.
 * A failing result names the instance that failed (fail_instance, 0 when
 * the chain as a whole is at fault) and why (reason, and for a signature
 * the DKIM reason in detail).
 *
 * Sealing (RFC 8617 5.1): one handle per message, attached before the
 * body like a DKIM signer; at the end it is given the validation result
 * of the same message and the Authentication-Results value to record,
 * and makes the three fields of the new set. When the chain's newest
 * ARC-Seal already says cv=fail nothing is added (5.1 step 2); when our
 * own validation failed the new set says cv=fail and its seal covers only
 * itself (5.1.2).
 *
 * Threading: as for DKIM; the handles belong to one thread at a time,
 * the inkan_dkim handle may be shared.
 */
#ifndef INKAN_ARC_H
#define INKAN_ARC_H

#include <stddef.h>
#include <stdint.h>

#include <inkan/ctx.h>
#include <inkan/dkim.h>
#include <inkan/keys.h>
#include <inkan/msg.h>

#ifdef __cplusplus
extern "C" {
#endif

/* RFC 8617 4.2.1: instances run from 1 to 50 */
#define INKAN_ARC_MAX_SETS 50

typedef struct inkan_arc_verify inkan_arc_verify;
typedef struct inkan_arc_seal inkan_arc_seal;

typedef enum inkan_arc_verdict {
	INKAN_ARC_NONE = 0,
	INKAN_ARC_PASS = 1,
	INKAN_ARC_FAIL = 2
} inkan_arc_verdict;

/* Why the chain got its status. Append-only. */
typedef enum inkan_arc_reason {
	INKAN_ARC_R_OK = 0,		/* pass, or none */
	INKAN_ARC_R_TOO_MANY = 1,	/* more than 50 sets (5.2 step 1) */
	INKAN_ARC_R_INSTANCE = 2,	/* an i= that is not 1..50 (4.2.1) */
	INKAN_ARC_R_DUPLICATE = 3,	/* two AAR/AMS/AS of one instance */
	INKAN_ARC_R_MISSING = 4,	/* a set lacks a field, or a gap */
	INKAN_ARC_R_LAST_CV_FAIL = 5,	/* newest AS says cv=fail (step 2) */
	INKAN_ARC_R_CV = 6,		/* cv= not none at 1, pass after */
	INKAN_ARC_R_AMS = 7,		/* newest AMS did not verify (4) */
	INKAN_ARC_R_SEAL = 8,		/* an ARC-Seal did not verify (6) */
	INKAN_ARC_R_INTERNAL = 9	/* out of memory or a bug */
} inkan_arc_reason;

/*
 * One ARC set as found. Strings are NUL-terminated and borrowed from the
 * verify handle (until inkan_arc_verify_free()); NULL when the field was
 * absent or too broken to yield them.
 */
typedef struct inkan_arc_set {
	unsigned instance;
	const char *domain;		/* ARC-Seal d=: the sealer */
	const char *selector;		/* ARC-Seal s= */
	const char *cv;			/* ARC-Seal cv= as written */
	const char *ams_domain;		/* ARC-Message-Signature d= */
	const char *ams_selector;	/* ARC-Message-Signature s= */
	/* what the sealer's ARC-Authentication-Results claimed */
	const char *authserv_id;
	const char *remote_ip;		/* smtp.remote-ip (or smtp.client-ip) */
	const char *dmarc;		/* dmarc= result ("pass", ...) */
	const char *spf;		/* spf= result */
	const char *dkim;		/* first dkim= result */
	/* the signatures of this set (NONE when not checked: 5.2 stops at
	 * the first failure, and AMS below the oldest pass are not
	 * checked) */
	inkan_dkim_verdict ams;
	inkan_dkim_reason ams_reason;
	inkan_dkim_verdict seal;
	inkan_dkim_reason seal_reason;
} inkan_arc_set;

/* The chain. Borrowed from the verify handle; read-only. */
typedef struct inkan_arc_result {
	inkan_arc_verdict verdict;
	inkan_arc_reason reason;
	/* the instance at fault (0: none, or the chain as a whole) */
	unsigned fail_instance;
	/* for R_AMS and R_SEAL: why that signature failed */
	inkan_dkim_reason detail;
	/* RFC 8617 5.2 step 5: the oldest instance whose AMS still
	 * verifies, 0 when every one does; meaningful on pass */
	unsigned oldest_pass;
	/* N, the highest instance found (0 with no chain) */
	unsigned instances;
	/* sets 1..N in instance order (sets[0] is instance 1); on a
	 * structural failure the sets that could be read */
	const inkan_arc_set *sets;
	size_t nsets;
} inkan_arc_result;

/*
 * Attach a chain validator to @msg (body not started). @dkim and @msg are
 * borrowed until inkan_arc_verify_free(). The handle adds a body sink to
 * @msg. *out is freed with inkan_arc_verify_free().
 */
INKAN_API inkan_status inkan_arc_verify_new(inkan_dkim *dkim, inkan_msg *msg,
	inkan_arc_verify **out);

/*
 * Optional, after the header section: read the sets and start the key
 * lookups of every AMS and AS now, together (done at the first body byte
 * or at eom otherwise).
 */
INKAN_API inkan_status inkan_arc_verify_eoh(inkan_arc_verify *v);

/*
 * After inkan_msg_finish(): finish the body hashes, wait for the keys
 * and run RFC 8617 5.2. INKAN_OK when the chain got a status (whatever
 * it is); another status when the call itself failed.
 */
INKAN_API INKAN_MUST_CHECK inkan_status inkan_arc_verify_eom(
	inkan_arc_verify *v);

/* The result, borrowed until inkan_arc_verify_free(); NULL before eom. */
INKAN_API const inkan_arc_result *inkan_arc_verify_result(
	const inkan_arc_verify *v);

/* NULL is a no-op. Do not feed the message after this. */
INKAN_API void inkan_arc_verify_free(inkan_arc_verify *v);

/* "none" "pass" "fail"; static. */
INKAN_API const char *inkan_arc_verdict_str(inkan_arc_verdict verdict);

/* Short English text for a reason; static. */
INKAN_API const char *inkan_arc_reason_str(inkan_arc_reason reason);

/*
 * One line of explanation: "i=2 ARC-Seal did not verify: signature did not
 * verify", "newest seal says cv=fail", ... written NUL-terminated to
 * @buf (@cap bytes, truncated if need be). Returns @buf.
 */
INKAN_API const char *inkan_arc_result_explain(const inkan_arc_result *r,
	char *buf, size_t cap);

struct inkan_authres_builder;

/*
 * Add "arc=RESULT" to an Authentication-Results builder in Gmail's form,
 * a comment with the newest set's instance and what its AAR said, then
 * the RFC 8617 6 properties:
 *   arc=pass (i=2 spf=pass dkim=pass dmarc=pass) header.oldest-pass=0
 *       smtp.remote-ip=192.0.2.1
 * @remote_ip is the address of the SMTP client that relayed the message
 * to us (RFC 8617 6: "the connection-initiating SMTP server"), or NULL
 * when not known; it is written for every status. On fail the
 * explanation is the comment; no chain gives "arc=none".
 */
INKAN_API inkan_status inkan_arc_result_to_authres(const inkan_arc_result *r,
	const char *remote_ip, struct inkan_authres_builder *b);

/*
 * The chain for a DMARC report's local_policy comment (RFC 8617 7.2
 * example): "arc=pass as[2].d=d2.example as[2].s=s2 as[1].d=d1.example
 * as[1].s=s1 remote-ip[1]=192.0.2.1", newest set first, the remote-ip of
 * the first set when its AAR named one. Written NUL-terminated to @buf
 * (@cap bytes, truncated if need be). Returns @buf.
 */
INKAN_API const char *inkan_arc_result_report_comment(
	const inkan_arc_result *r, char *buf, size_t cap);

struct inkan_json;

/*
 * Write @r to @j (inkan/json.h) as one object value: result, reason,
 * instances, fail_instance, oldest_pass and "sets" (one object per set:
 * i d s cv ams_d ams_s authserv_id remote_ip spf dkim dmarc, and ams /
 * seal as {result, reason} or null when not checked). Returns the
 * emitter's status.
 */
INKAN_API inkan_status inkan_arc_result_json(const inkan_arc_result *r,
	struct inkan_json *j);

/* ---- sealing ------------------------------------------------------ */

/* The key and choices of a sealer. Strings are copied. */
typedef struct inkan_arc_seal_key {
	const char *domain;		/* d= of AMS and AS (required) */
	const char *selector;		/* s= of AMS and AS (required) */
	const inkan_key *key;		/* RSA or Ed25519; borrowed */
	/* AMS c=; default relaxed/relaxed */
	inkan_dkim_canon header_canon;
	inkan_dkim_canon body_canon;
	/* AMS h=, NULL-terminated, used exactly as given; NULL: the DKIM
	 * default set and every DKIM-Signature, one entry per field present
	 * plus one (oversigned). It must list From (RFC 6376 5.4, imported
	 * by RFC 8617 4.1.2); ARC fields and Authentication-Results are
	 * refused (RFC 8617 4.1.2 MUST NOT). */
	const char *const *headers;
} inkan_arc_seal_key;

/*
 * Attach a sealer to @msg (body not started). @dkim and @msg are
 * borrowed until inkan_arc_seal_free(); @key is copied (its inkan_key is
 * borrowed). INKAN_ERR_INVALID for a bad domain, selector or header list.
 */
INKAN_API inkan_status inkan_arc_seal_new(inkan_dkim *dkim, inkan_msg *msg,
	const inkan_arc_seal_key *key, inkan_arc_seal **out);

/*
 * After inkan_msg_finish(): make the set. @chain is the validation result
 * of this same message (inkan_arc_verify_result(), or the one inside
 * inkan_verify_result); NULL means "no chain" (cv=none, only valid when
 * the message has no ARC fields). @authres is the value of the
 * Authentication-Results to record in the AAR, "authserv-id; results"
 * (what inkan_authres_build_value() or inkan_arc_authres_merge() give).
 * INKAN_OK with 3 fields, or with 0 when nothing may be added (newest
 * seal says cv=fail, or the chain already has 50 sets).
 */
INKAN_API INKAN_MUST_CHECK inkan_status inkan_arc_seal_eom(inkan_arc_seal *s,
	const inkan_arc_result *chain, const char *authres);

/* Number of fields made: 3, or 0 (see above). */
INKAN_API size_t inkan_arc_seal_count(const inkan_arc_seal *s);

/*
 * Field @i, "Name: value" folded and CRLF-terminated, to be put on top of
 * the message in this order: 0 ARC-Seal, 1 ARC-Message-Signature, 2
 * ARC-Authentication-Results (the set reads top-down AS, AMS, AAR).
 * Borrowed until inkan_arc_seal_free(); NULL when out of range.
 */
INKAN_API const char *inkan_arc_seal_header(const inkan_arc_seal *s,
	size_t i, size_t *len);

/* The instance of the set made (0 when none). */
INKAN_API unsigned inkan_arc_seal_instance(const inkan_arc_seal *s);

/* NULL is a no-op. */
INKAN_API void inkan_arc_seal_free(inkan_arc_seal *s);

/*
 * The Authentication-Results fields of @msg that claim @authserv_id
 * (RFC 8601 5), merged into one value "authserv-id; r1; r2 ..." for an
 * AAR, for a sealer that runs after another verifier in the same ADMD.
 * *value is owned by the caller: inkan_free(ctx, *value).
 * INKAN_ERR_NOT_FOUND when no field claims it.
 */
INKAN_API inkan_status inkan_arc_authres_merge(inkan_ctx *ctx,
	const inkan_msg *msg, const char *authserv_id, char **value);

#ifdef __cplusplus
}
#endif
#endif
