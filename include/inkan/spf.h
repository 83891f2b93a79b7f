/* SPDX-License-Identifier: MIT */
/*
 * inkan/spf.h - Sender Policy Framework (RFC 7208).
 *
 * inkan_spf_check() evaluates check_host() (RFC 7208 4) for one identity:
 * the MAIL FROM identity (a null reverse-path is checked as
 * postmaster@HELO, 2.4) or the HELO identity (2.3). DNS goes through the
 * resolver attached to the context (inkan_ctx_set_resolver(), see
 * inkan/dns.h). Once a record is parsed, the lookups its include, a, mx,
 * exists, ptr and redirect terms will need are started together (unless
 * the record itself came from a DNS cache, when they most likely will
 * too) and then used left to right, so the outcome is exactly that of the
 * sequential algorithm, counts and limits included, but a check costs
 * about one round trip per level of include instead of one per term.
 *
 * Counting, where RFC 7208 leaves room (decided as pyspf and Mail::SPF
 * do, see tests/interop/spf_pyspf_diff.py): every lookup made for a term
 * that ends in NXDOMAIN or no data is one void lookup (an mx host's or a
 * PTR name's address lookup included); a target name no query can be made
 * for (empty or over-long label, 4.8) counts as non-existent; the TXT
 * lookup of an include or redirect target is that term's lookup; nothing
 * done for exp= counts. A null MX (".", RFC 7505) names no host.
 *
 * Limits come from the context (inkan/ctx.h): INKAN_LIMIT_SPF_DNS_TERMS
 * (10 terms that query DNS: include a mx ptr exists redirect, across the
 * whole evaluation, nested includes counted), INKAN_LIMIT_SPF_VOID_LOOKUPS
 * (2 lookups that give NXDOMAIN or no data), INKAN_LIMIT_SPF_MX_ADDRS (an
 * mx with more than 10 MX records is a permerror), INKAN_LIMIT_SPF_PTR_NAMES
 * (only the first 10 PTR names are used) and INKAN_LIMIT_SPF_TIME_MS (the
 * whole check; past it: temperror). The verdict says which limit fired.
 *
 * Outcomes (RFC 7208 2.6): temperror is temporary (retry later); permerror
 * and the others are permanent for the published records. The call's
 * status (inkan_status) only says whether the check could run at all.
 *
 * Threading: a context with its resolver may be shared; each call is
 * independent. A verdict is read-only after the call and may be shared.
 */
#ifndef INKAN_SPF_H
#define INKAN_SPF_H

#include <stddef.h>
#include <stdint.h>

#include <inkan/ctx.h>
#include <inkan/finding.h>

#ifdef __cplusplus
extern "C" {
#endif

/* RFC 7208 2.6 results */
typedef enum inkan_spf_result {
	INKAN_SPF_NONE = 0,
	INKAN_SPF_NEUTRAL = 1,
	INKAN_SPF_PASS = 2,
	INKAN_SPF_FAIL = 3,
	INKAN_SPF_SOFTFAIL = 4,
	INKAN_SPF_TEMPERROR = 5,	/* temporary: try again later */
	INKAN_SPF_PERMERROR = 6
} inkan_spf_result;

/* the identity checked (RFC 7208 2.3, 2.4) */
typedef enum inkan_spf_identity {
	INKAN_SPF_IDENTITY_MAILFROM = 0,
	INKAN_SPF_IDENTITY_HELO = 1
} inkan_spf_identity;

/* Why the result is what it is. Append-only. */
typedef enum inkan_spf_reason {
	/* a mechanism matched: see mechanism and mechanism_domain */
	INKAN_SPF_REASON_MATCH = 0,
	/* no mechanism matched and no redirect: neutral (4.7) */
	INKAN_SPF_REASON_DEFAULT = 1,
	/* none: the domain is not a valid multi-label domain name (4.3) */
	INKAN_SPF_REASON_INVALID_DOMAIN = 2,
	/* none: the domain does not exist (4.3) */
	INKAN_SPF_REASON_NXDOMAIN = 3,
	/* none: no v=spf1 record at the domain (4.5) */
	INKAN_SPF_REASON_NO_RECORD = 4,
	/* permerror: more than one v=spf1 record at error_domain (4.5) */
	INKAN_SPF_REASON_MULTIPLE_RECORDS = 5,
	/* permerror: the record of error_domain has a syntax error at byte
	 * error_pos of error_record (4.6, 7.1); problem says what */
	INKAN_SPF_REASON_SYNTAX = 6,
	/* permerror or temperror: a limit fired; see limit */
	INKAN_SPF_REASON_LIMIT = 7,
	/* temperror: looking up error_domain (type error_qtype) failed
	 * (SERVFAIL, timeout, ...) (4.4, 5) */
	INKAN_SPF_REASON_DNS_ERROR = 8,
	/* permerror: include target error_domain has no SPF record (5.2) */
	INKAN_SPF_REASON_INCLUDE_NONE = 9,
	/* permerror: redirect target error_domain has no SPF record or is
	 * not a valid domain (6.1) */
	INKAN_SPF_REASON_REDIRECT_NONE = 10
} inkan_spf_reason;

/* What happened to one evaluated term (or record), for the trace. */
typedef enum inkan_spf_step {
	INKAN_SPF_STEP_RECORD = 0,	/* a record was selected and parsed */
	INKAN_SPF_STEP_MATCH = 1,	/* a mechanism matched */
	INKAN_SPF_STEP_NO_MATCH = 2,	/* a mechanism did not match */
	INKAN_SPF_STEP_ERROR = 3,	/* a term ended the check */
	INKAN_SPF_STEP_REDIRECT = 4,	/* redirect= was followed */
	INKAN_SPF_STEP_EXPLANATION = 5	/* exp= was looked up */
} inkan_spf_step;

typedef struct inkan_spf_trace {
	inkan_spf_step step;
	unsigned depth;		/* include nesting: 0 for the top record */
	const char *domain;	/* <domain> whose record holds the term */
	const char *term;	/* term as written (the record for RECORD) */
	const char *target;	/* expanded target-name, or NULL */
	const char *note;	/* short detail ("3 addresses", ...), or NULL */
	unsigned dns_terms;	/* DNS-querying terms counted after it */
	unsigned void_lookups;	/* void lookups counted after it */
} inkan_spf_trace;

/*
 * The verdict of one check. Allocated by libinkan; every string is
 * NUL-terminated printable ASCII (other bytes are written as \xHH) and
 * lives as long as the verdict. Free with inkan_spf_verdict_free().
 * Fields may be appended in later versions.
 */
typedef struct inkan_spf_verdict {
	inkan_spf_result result;
	inkan_spf_identity identity;
	inkan_spf_reason reason;
	const char *domain;		/* the checked <domain> */
	const char *sender;		/* <sender>, "postmaster@" filled in */
	const char *client_ip;		/* <ip> as text (RFC 5952 for IPv6) */
	const char *helo;		/* HELO/EHLO name, or NULL */
	const char *mechanism;		/* MATCH: the term as written */
	const char *mechanism_domain;	/* MATCH: whose record it is in */
	/* fail only: exp= text of the domain (RFC 7208 6.2) or the
	 * receiver's default explanation; NULL for other results */
	const char *explanation;
	int explanation_from_domain;	/* 1: from exp=, 0: the default */
	const char *problem;		/* errors: one line of English */
	const char *error_domain;	/* errors: the name concerned */
	const char *error_record;	/* SYNTAX: the record text */
	size_t error_pos;		/* SYNTAX: byte offset in it */
	uint16_t error_qtype;		/* DNS_ERROR: the type asked */
	inkan_limit limit;		/* LIMIT: which one */
	unsigned dns_terms;		/* DNS-querying terms evaluated */
	unsigned void_lookups;		/* void lookups seen */
	/* with INKAN_SPF_FLAG_TRACE: every term evaluated, in order */
	const inkan_spf_trace *trace;
	size_t ntrace;
	int trace_truncated;		/* 1: more than fit were dropped */
} inkan_spf_verdict;

/* Evaluate strictly one lookup at a time (for tests and diagnosis). */
#define INKAN_SPF_FLAG_SEQUENTIAL 0x1u
/* Fill the verdict's trace (every term evaluated); off, trace is empty
 * and the check does less work. */
#define INKAN_SPF_FLAG_TRACE 0x2u

/*
 * A cache of parsed records, shared by checks (and threads): the same
 * records are met again and again, and a check that finds one here skips
 * parsing it. Optional: give it in inkan_spf_request.cache. @records
 * bounds the entries (0: 1024; records over 4 KiB are not kept). @ctx is
 * borrowed and must outlive the cache. Free it after every check using it
 * has returned.
 */
typedef struct inkan_spf_cache inkan_spf_cache;
INKAN_API inkan_status inkan_spf_cache_new(const inkan_ctx *ctx,
	size_t records, inkan_spf_cache **out);
INKAN_API void inkan_spf_cache_free(inkan_spf_cache *c);
INKAN_API void inkan_spf_cache_stats(inkan_spf_cache *c, uint64_t *hits,
	uint64_t *misses);

typedef struct inkan_spf_request {
	/* the SMTP client's address, IPv4 or IPv6 text (required); an
	 * IPv4-mapped IPv6 address is checked as IPv4 (RFC 7208 5) */
	const char *client_ip;
	/* MAIL FROM reverse-path without angle brackets; NULL, "" or "<>"
	 * is the null sender (checked as postmaster@HELO). Ignored by a
	 * HELO check. */
	const char *mail_from;
	/* HELO/EHLO argument; required for a HELO check or a null sender */
	const char *helo;
	/* %{r}: the receiving host's name (NULL: "unknown", RFC 7208 7.2) */
	const char *receiver;
	/* explanation when the domain gives none (an explain-string, so it
	 * may use macros; NULL: INKAN_SPF_DEFAULT_EXPLANATION) */
	const char *default_explanation;
	unsigned flags;			/* INKAN_SPF_FLAG_* */
	/* parsed records to share with other checks, or NULL (borrowed) */
	inkan_spf_cache *cache;
} inkan_spf_request;

#define INKAN_SPF_DEFAULT_EXPLANATION \
	"%{o} does not designate %{c} as permitted sender"

/*
 * Check one identity of @req. On INKAN_OK, *out is owned by the caller:
 * free it with inkan_spf_verdict_free(). A verdict is made for every SPF
 * outcome, DNS failures included (temperror); the status is not INKAN_OK
 * only when the check could not be made: INKAN_ERR_INVALID (no resolver
 * on @ctx, a client_ip that is not an address, a HELO check without a
 * HELO, a default_explanation that is not an explain-string),
 * INKAN_ERR_NOMEM. @ctx is borrowed for the call.
 */
INKAN_API INKAN_MUST_CHECK inkan_status inkan_spf_check(const inkan_ctx *ctx,
	const inkan_spf_request *req, inkan_spf_identity identity,
	inkan_spf_verdict **out);

/* Free a verdict. NULL is a no-op. */
INKAN_API void inkan_spf_verdict_free(inkan_spf_verdict *v);

/* "pass", "fail", ... (RFC 7208 2.6 names); static; "?" if unknown */
INKAN_API const char *inkan_spf_result_name(inkan_spf_result r);
/* "match", "default", "syntax", ...; static */
INKAN_API const char *inkan_spf_reason_name(inkan_spf_reason r);
/* "record", "match", "no-match", ...; static */
INKAN_API const char *inkan_spf_step_name(inkan_spf_step s);

/* line breaks in rendered header fields: CRLF (default) or bare LF
 * (what libmilter wants); or no folding at all */
#define INKAN_SPF_HDR_LF 0x1u
#define INKAN_SPF_HDR_NO_FOLD 0x2u

/*
 * A Received-SPF header field (RFC 7208 9.1) for @v, without a final line
 * break: "Received-SPF: pass (RECEIVER: domain of X designates IP as
 * permitted sender) client-ip=...; envelope-from=...; helo=...;
 * receiver=...; mechanism=...; identity=mailfrom", folded before a
 * key-value pair that would pass column 78. @receiver (may be NULL: left
 * out) is the verifier's host name. Values that are not dot-atoms are
 * quoted; what the sender controls is sanitised and cut to a bounded
 * length. On INKAN_OK *text is owned by the caller: inkan_free(ctx, *text).
 */
INKAN_API inkan_status inkan_spf_received_spf(const inkan_ctx *ctx,
	const inkan_spf_verdict *v, const char *receiver, unsigned flags,
	char **text);

/*
 * The pieces of an RFC 8601 "spf=" resinfo for @v:
 *  *property  "mailfrom" or "helo" (ptype "smtp", static string)
 *  *value     the property value: the MAIL FROM address (postmaster@HELO
 *             for a null sender) or the HELO name (borrowed from @v)
 *  *comment   Gmail-style: "RECEIVER: domain of X designates IP as
 *             permitted sender" (owned by the caller: inkan_free(ctx, ..))
 * The result keyword is inkan_spf_result_name(v->result).
 */
INKAN_API inkan_status inkan_spf_authres_parts(const inkan_ctx *ctx,
	const inkan_spf_verdict *v, const char *receiver,
	const char **property, const char **value, char **comment);

/*
 * Append an "spf=RESULT (comment) smtp.mailfrom=..." (or smtp.helo=)
 * resinfo for @v to @b (inkan/authres.h), built from the pieces above.
 * @ctx is borrowed for the call; @b keeps copies of everything.
 */
struct inkan_authres_builder;
INKAN_API inkan_status inkan_spf_authres_add(const inkan_ctx *ctx,
	struct inkan_authres_builder *b, const inkan_spf_verdict *v,
	const char *receiver);

/* ---- record lint (for domain checkers) ------------------------------ */

typedef struct inkan_spf_lint_issue {
	/* severity, code ("syntax", "plus-all", ...), one line of English,
	 * and the fix (inkan/finding.h) */
	inkan_finding finding;
	const char *domain;	/* the record concerned */
	size_t pos;		/* byte offset in that record, or SIZE_MAX */
} inkan_spf_lint_issue;

typedef struct inkan_spf_lint {
	const char *domain;
	const char *record;		/* the selected record, or NULL */
	size_t record_len;
	unsigned dns_terms;		/* including nested includes and
					 * redirects, each record once */
	unsigned void_lookups;		/* void answers met while walking */
	int uses_ptr;			/* ptr mechanism or %{p} somewhere */
	int has_spf_rr;			/* a type 99 SPF RR is published */
	const inkan_spf_lint_issue *issues;
	size_t nissues;
} inkan_spf_lint;

/*
 * Lint the SPF policy of @domain: fetch its record and, recursively, the
 * records its include and redirect terms name (each domain once), and
 * report syntax errors with their position, the total DNS-term count
 * against INKAN_LIMIT_SPF_DNS_TERMS, void lookups, ptr, +all / ?all,
 * record length (RFC 7208 3.4), a published SPF (type 99) RR, and include
 * targets without a record. On INKAN_OK *out is owned by the caller:
 * inkan_spf_lint_free(). DNS failures become issues, not statuses.
 */
INKAN_API INKAN_MUST_CHECK inkan_status inkan_spf_lint_domain(
	const inkan_ctx *ctx, const char *domain, inkan_spf_lint **out);

/*
 * Lint record text that is not published yet (@text, @len bytes; the
 * text of one TXT RR, strings joined). Nested includes are fetched
 * through the context's resolver when it has one, else only the record
 * itself is checked.
 */
INKAN_API INKAN_MUST_CHECK inkan_status inkan_spf_lint_record(
	const inkan_ctx *ctx, const char *domain, const char *text, size_t len,
	inkan_spf_lint **out);

INKAN_API void inkan_spf_lint_free(inkan_spf_lint *lint);

#ifdef __cplusplus
}
#endif
#endif
