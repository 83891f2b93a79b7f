/* SPDX-License-Identifier: MIT */
/*
 * inkan/verify.h - the receiving verdict: SPF, DKIM and DMARC for one
 * message, run together, with one combined Authentication-Results field
 * (the one Gmail's "Show original" shows) and a summary for people that
 * says, for each result that is not a pass, why and what to fix.
 *
 * One handle per message, fed in milter order:
 *
 *   inkan_verify_options o;
 *   inkan_verify_options_init(&o);
 *   o.authserv_id = "mx.example.net";
 *   o.dkim = dkim;                       (optional: a long-lived handle)
 *   inkan_verify_new(ctx, &o, &v);
 *   inkan_verify_set_envelope(v, &env);  (connect / HELO / MAIL FROM)
 *   inkan_verify_feed(v, bytes, n) ...   (or _header ... _eoh, _body ...)
 *   if (inkan_verify_eom(v, &res) == INKAN_OK) ... res->outcome ...
 *   inkan_verify_free(v);
 *
 * DNS: every question goes through the resolver attached to @ctx
 * (inkan_ctx_set_resolver(); put a cache in front of it,
 * inkan_resolver_cache_new(), so that repeated names are asked once).
 * The questions are started as early as the protocol allows and waited
 * for only at the end of the message, so a message costs about as many
 * round trips as the longest single chain (SPF's include levels), not the
 * sum of every lookup:
 *  - SPF starts at inkan_verify_set_envelope(), on a worker thread of its
 *    own (inkan_spf_check() is synchronous and prefetches the lookups of
 *    each record it parses), so it runs while the message arrives;
 *  - at the end of the header section the DKIM key lookups, the key
 *    lookups of every ARC set (AMS and AS) and the DMARC
 *    discovery questions (RFC 9989 4.10 tree walk) are started, and, when
 *    the resolver is a cache, the DMARC questions that relaxed alignment
 *    of the MAIL FROM domain will need;
 *  - at the end of the message DKIM finishes its hashes and waits for its
 *    keys, the SPF thread is joined, and DMARC is evaluated with the SPF
 *    result of the MAIL FROM identity (postmaster@HELO for a null sender,
 *    RFC 7208 2.4) and every DKIM result (d=, verdict, whether l= left
 *    part of the body unsigned).
 * With INKAN_VERIFY_SPF_INLINE there is no thread: SPF runs at the end of
 * the message; only the TXT question for its domain is started at
 * inkan_verify_set_envelope() (it helps when the resolver is a cache,
 * which joins SPF's own question to it).
 *
 * Outcome (inkan_verify_outcome), what a program acts on:
 *   PASS       DMARC passed.
 *   NEUTRAL    no DMARC policy applies, and neither SPF nor any DKIM
 *              signature failed (none, neutral and pass are not failures);
 *              or DMARC failed and local policy overrode it (a trusted
 *              ARC sealer, see arc_trusted_sealers): accept it.
 *   FAIL       DMARC failed, or DMARC permerror (no usable From), or no
 *              DMARC policy applies and SPF gave fail, softfail or
 *              permerror, or a DKIM signature gave fail, permerror or
 *              policy. Permanent.
 *   TEMPERROR  DMARC temperror, or no DMARC policy applies, nothing
 *              failed, and SPF or DKIM had a temporary DNS error.
 *              TEMPORARY: try again later.
 *
 * Threading: a verify handle belongs to one thread at a time. Between
 * inkan_verify_set_envelope() and inkan_verify_eom() (or
 * inkan_verify_free()) its SPF worker thread uses @ctx, its resolver,
 * allocator, logger and clock, and the SPF cache of the options, at the
 * same time as the caller: these must be thread-safe (the built-in ones
 * are; a custom allocator or logger hook must be). inkan_verify_free()
 * waits for a running SPF check to end (at most INKAN_LIMIT_SPF_TIME_MS).
 * The context and the long-lived DKIM handle may be shared by any number
 * of verify handles in different threads.
 */
#ifndef INKAN_VERIFY_H
#define INKAN_VERIFY_H

#include <stddef.h>
#include <stdint.h>

#include <inkan/arc.h>
#include <inkan/ctx.h>
#include <inkan/dkim.h>
#include <inkan/dmarc.h>
#include <inkan/msg.h>
#include <inkan/spf.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct inkan_verify inkan_verify;

/* Option flags (inkan_verify_options.flags). */
/* No worker thread: SPF runs at inkan_verify_eom() (see above). */
#define INKAN_VERIFY_SPF_INLINE 0x1u
/* Keep SPF's trace (INKAN_SPF_FLAG_TRACE): the records it used, for the
 * SPF-DNS fields of failure reports (inkan_report_failure.spf). */
#define INKAN_VERIFY_SPF_TRACE 0x2u

/*
 * Options for one message. Start from inkan_verify_options_init(): fields
 * may be appended in later versions. Strings and handles here are
 * borrowed by inkan_verify_new() and must outlive the verify handle.
 */
typedef struct inkan_verify_options {
	/* RFC 8601 2.5 authserv-id of the Authentication-Results field,
	 * also the receiver named in SPF's comment (Gmail's "google.com:
	 * domain of ..."). Default "localhost". */
	const char *authserv_id;
	/* INKAN_VERIFY_* flags */
	unsigned flags;
	/* the long-lived DKIM handle (flags, key source, key cache), shared
	 * by many messages and threads; NULL: the verifier makes one with
	 * default settings for this message (keys from the context's
	 * resolver, no cache across messages). Its
	 * INKAN_DKIM_PARTIAL_FOR_DMARC flag decides whether a pass whose l=
	 * left part of the body unsigned may align for DMARC. */
	inkan_dkim *dkim;
	/* parsed SPF records shared between messages (inkan/spf.h), or
	 * NULL */
	inkan_spf_cache *spf_cache;
	/* SPF %{r} macro: this host's name; NULL: the authserv-id */
	const char *spf_receiver;
	/* DMARC evaluator options (copied); allow_partial_body is ignored,
	 * see dkim above */
	inkan_dmarc_options dmarc;
	/* layout of inkan_verify_result.authres: 0 (CRLF, folded at 78) or
	 * INKAN_AUTHRES_STYLE_* bits (inkan/authres.h) */
	unsigned authres_style;
	/* DMARC local policy (RFC 8617 7.2, RFC 9989 local policy): ARC
	 * sealers trusted to vouch for mail they forwarded, by the ARC-Seal
	 * d= (exact, ASCII case-insensitive); none by default. When DMARC
	 * fails with a disposition other than none, the ARC chain passes,
	 * and one of these sealers' ARC-Authentication-Results says
	 * dmarc=pass, the disposition becomes none and the override is
	 * recorded (inkan_dmarc_result.override = LOCAL_POLICY,
	 * inkan_verify_result.arc_sealer, a comment in the A-R). */
	const char *const *arc_trusted_sealers;
	size_t narc_trusted_sealers;
	/* ARC sealing (RFC 8617 5.1), for a forwarder or list that relays
	 * what it verified: NULL (default) no seal; else the key and
	 * choices (borrowed until inkan_verify_free()). At eom the message
	 * is sealed with cv= from the chain validated here and an AAR that
	 * records this verifier's Authentication-Results; see
	 * inkan_verify_result.arc_seal and inkan_verify_arc_seal(). */
	const inkan_arc_seal_key *arc_seal;
} inkan_verify_options;

/* Fill @o with the defaults. */
INKAN_API void inkan_verify_options_init(inkan_verify_options *o);

/*
 * The SMTP envelope. Every field is optional; strings are copied.
 *  client_ip  the SMTP client's address (IPv4 or IPv6 text). Without it
 *             there is no SPF check (the result says so).
 *  helo       the HELO/EHLO name.
 *  mail_from  the MAIL FROM address without angle brackets; "" or "<>"
 *             is the null sender (SPF then checks postmaster@HELO, RFC
 *             7208 2.4, and that needs helo); NULL means not known, and
 *             then SPF is not checked either.
 */
typedef struct inkan_verify_envelope {
	const char *client_ip;
	const char *helo;
	const char *mail_from;
} inkan_verify_envelope;

/*
 * New verifier for one message. @ctx is borrowed (with its resolver) and
 * must outlive the handle; @opt is copied (NULL: defaults), the strings
 * and handles it points to are borrowed. On INKAN_OK *out is owned by the
 * caller: free it with inkan_verify_free(). INKAN_ERR_INVALID for a bad
 * authserv-id; INKAN_ERR_NOMEM.
 */
INKAN_API inkan_status inkan_verify_new(inkan_ctx *ctx,
	const inkan_verify_options *opt, inkan_verify **out);

/*
 * Free @v and everything it owns (results included), after waiting for
 * its SPF thread. NULL is a no-op.
 */
INKAN_API void inkan_verify_free(inkan_verify *v);

/*
 * Set the envelope (at most once, before inkan_verify_eom(); best before
 * the first header so that SPF overlaps the whole message) and start SPF.
 * INKAN_ERR_INVALID: client_ip is not an IP address; INKAN_ERR_STATE:
 * called twice or after eom.
 */
INKAN_API inkan_status inkan_verify_set_envelope(inkan_verify *v,
	const inkan_verify_envelope *env);

/*
 * Feed raw message bytes (header section, empty line, body) in chunks of
 * any size, CRLF or LF (inkan/msg.h). The end of the header section is
 * noticed by itself. A header section over the parser's caps
 * (inkan/msg.h) is not an error of the call: the rest of the message is
 * dropped and the result says permerror (header_error). Other errors are
 * returned and sticky.
 */
INKAN_API inkan_status inkan_verify_feed(inkan_verify *v, const void *data,
	size_t len);

/* Milter path: one header field (name and value are copied). */
INKAN_API inkan_status inkan_verify_header(inkan_verify *v, const char *name,
	const char *value);

/* Milter path: end of the header section; starts the DNS questions. */
INKAN_API inkan_status inkan_verify_eoh(inkan_verify *v);

/* Milter path: body bytes. */
INKAN_API inkan_status inkan_verify_body(inkan_verify *v, const void *data,
	size_t len);

/* The overall verdict; see the top of this file. */
typedef enum inkan_verify_outcome {
	INKAN_VERIFY_PASS = 0,
	INKAN_VERIFY_NEUTRAL = 1,
	INKAN_VERIFY_FAIL = 2,
	INKAN_VERIFY_TEMPERROR = 3
} inkan_verify_outcome;

/* Whether SPF was checked, and if not, why not. */
typedef enum inkan_verify_spf_status {
	INKAN_VERIFY_SPF_CHECKED = 0,
	INKAN_VERIFY_SPF_NO_IP = 1,		/* no client IP given */
	INKAN_VERIFY_SPF_NO_MAIL_FROM = 2,	/* MAIL FROM not known */
	INKAN_VERIFY_SPF_NO_HELO = 3		/* null sender, no HELO */
} inkan_verify_spf_status;

/*
 * One line of the summary: what a method found, why, and what to change.
 * Strings are NUL-terminated, borrowed from the verify handle until
 * inkan_verify_free().
 */
typedef struct inkan_verify_note {
	const char *method;	/* "spf", "dkim", "arc", "dmarc" */
	/* RFC 8601 result name ("pass", "softfail", "none", ...); for SPF
	 * that was not checked: "none" */
	const char *result;
	/* 1 when the result is not a pass: why and fix say more */
	int problem;
	/* what was checked: "bounce.example.com, client 192.0.2.25",
	 * "example.com, selector s1", "example.com, p=reject" */
	const char *subject;
	/* a short reason in parentheses after the result ("body hash did
	 * not verify"), or NULL */
	const char *detail;
	/* one sentence: what the result means for this message; it names
	 * the domain (and the client IP or the selector) itself */
	const char *why;
	/* what the domain owner or sender should change, or NULL */
	const char *fix;
} inkan_verify_note;

/*
 * Everything the verifier found. Borrowed from the verify handle until
 * inkan_verify_free(); read-only. Fields may be appended in later
 * versions (results are only allocated by libinkan).
 */
typedef struct inkan_verify_result {
	inkan_verify_outcome outcome;
	/* SPF of the MAIL FROM identity; spf is NULL unless CHECKED */
	inkan_verify_spf_status spf_status;
	const inkan_spf_verdict *spf;
	/* DKIM: one result per DKIM-Signature (up to
	 * INKAN_LIMIT_DKIM_SIGNATURES), in header order, top first */
	const inkan_dkim_result *dkim;
	size_t ndkim;
	size_t dkim_skipped;		/* signatures over the cap */
	/* DMARC (never NULL): the strictest result over the author
	 * domains, see inkan_dmarc_evaluate() */
	const inkan_dmarc_result *dmarc;
	/* the summary: SPF first, then one note per DKIM signature (or one
	 * "none" note), then DMARC */
	const inkan_verify_note *notes;
	size_t nnotes;
	/* "Authentication-Results: ..." in the options' layout, without a
	 * final line break: spf, then dkim (one per signature), then arc,
	 * then dmarc */
	const char *authres;
	/* INKAN_OK, or the cap of inkan/msg.h the header section broke
	 * (INKAN_ERR_HEADER_COUNT, _LINE_LENGTH, _HEADER_SIZE). The header
	 * cannot be read whole, so no signature is checked and no From can
	 * be trusted: DKIM and DMARC are permerror, SPF is still checked,
	 * and header_problem names the limit ("header section over
	 * INKAN_LIMIT_HEADER_FIELDS: more than 1000 fields"). */
	inkan_status header_error;
	const char *header_problem;
	/* ARC (RFC 8617): the chain the message arrived with; NULL only
	 * when the header section broke a limit (header_error) */
	const inkan_arc_result *arc;
	/* the trusted sealer (ARC-Seal d=) whose chain overrode a DMARC
	 * failure, or NULL when no override was made */
	const char *arc_sealer;
	/* with an override: the comment for the report row's local_policy
	 * reason (inkan_arc_result_report_comment), else NULL */
	const char *arc_policy_comment;
	/* with options.arc_seal: the new ARC set as text to put on top of
	 * the message ("ARC-Seal: ...\r\nARC-Message-Signature: ...\r\n
	 * ARC-Authentication-Results: ...\r\n"), or NULL when nothing may
	 * be added (RFC 8617 5.1 step 2: the newest seal says cv=fail; or
	 * 50 sets already) */
	const char *arc_seal;
} inkan_verify_result;

/*
 * End of message: finish the message, the DKIM hashes and key lookups,
 * join SPF, evaluate DMARC, build the summary and the header. On INKAN_OK
 * *res is borrowed until inkan_verify_free(); a second call returns the
 * same result. Verdicts (DNS failures included) are in *res; a status
 * other than INKAN_OK means the verification could not be made:
 * INKAN_ERR_NOMEM, INKAN_ERR_CONFIG (no resolver on the context). A
 * header section over the message parser's caps is a verdict, not an
 * error: see header_error (the feeding calls return INKAN_OK and drop
 * the rest of the message).
 */
INKAN_API INKAN_MUST_CHECK inkan_status inkan_verify_eom(inkan_verify *v,
	const inkan_verify_result **res);

/*
 * The sealer of options.arc_seal (NULL without one), after eom: the
 * fields one by one for a milter (inkan_arc_seal_count(),
 * inkan_arc_seal_header()). Borrowed until inkan_verify_free().
 */
INKAN_API const inkan_arc_seal *inkan_verify_arc_seal(const inkan_verify *v);

/* The message as parsed (headers), borrowed until inkan_verify_free(). */
INKAN_API const inkan_msg *inkan_verify_msg(const inkan_verify *v);

/*
 * Append the spf, dkim, arc and dmarc resinfos of the result to @b (after
 * eom), for a caller that adds entries of its own (iprev, arc). @b keeps
 * copies. INKAN_ERR_STATE before eom.
 */
struct inkan_authres_builder;
INKAN_API inkan_status inkan_verify_authres_add(const inkan_verify *v,
	struct inkan_authres_builder *b);

/*
 * The Authentication-Results field in layout @style (as for the builder:
 * INKAN_AUTHRES_STYLE_LF for libmilter, INKAN_AUTHRES_STYLE_NO_WRAP for
 * one resinfo per line). @value_only 1: the value after "Name: " only.
 * On INKAN_OK *text is owned by the caller: inkan_free(ctx, *text); *len
 * (may be NULL) gets its length.
 */
INKAN_API inkan_status inkan_verify_authres(const inkan_verify *v,
	unsigned style, int value_only, char **text, size_t *len);

/*
 * The summary as text, one line per note, each ending with LF:
 *   METHOD: result[ (detail)] - why[; fix]
 *   "SPF:   softfail - 192.0.2.9 is not in the SPF record of
 *    bounce.example.com; add it, or include your provider's SPF"
 * (one line each; the dash is an em dash when @utf8 is 1). On INKAN_OK
 * *text is owned by the caller: inkan_free(ctx, *text). INKAN_ERR_STATE
 * before eom.
 */
INKAN_API inkan_status inkan_verify_summary(const inkan_verify *v, int utf8,
	char **text, size_t *len);

/* "pass" "neutral" "fail" "temperror"; static. */
INKAN_API const char *inkan_verify_outcome_name(inkan_verify_outcome o);

#ifdef __cplusplus
}
#endif
#endif
