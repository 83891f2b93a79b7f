/* SPDX-License-Identifier: MIT */
/*
 * inkan/dmarc.h - DMARC (RFC 9989, and RFC 7489 as a legacy mode): the
 * policy record, discovery of the record and of the organizational
 * domain, identifier alignment and the policy to apply.
 *
 * DMARC asks whether the visible author domain (RFC5322.From) is vouched
 * for by an identity that SPF or DKIM authenticated and that is aligned
 * with it, and what the domain owner wants done when it is not. This
 * module does not run SPF or DKIM: the caller hands in their outcomes as
 * plain values (inkan_dmarc_set_spf(), inkan_dmarc_add_dkim()).
 *
 *   inkan_dmarc_options o;
 *   inkan_dmarc_options_init(&o);
 *   inkan_dmarc_eval_new(ctx, &o, &ev);
 *   inkan_dmarc_set_author_domain(ev, "example.com");   (or _set_authors)
 *   inkan_dmarc_start(ev);          optional: DNS starts while DKIM runs
 *   inkan_dmarc_set_spf(ev, INKAN_DMARC_SPF_PASS, "bounce.example.com", helo);
 *   inkan_dmarc_add_dkim(ev, INKAN_DMARC_DKIM_PASS, "example.com", "s1", 0);
 *   if (inkan_dmarc_evaluate(ev, &res) == INKAN_OK) ... use res ...
 *   inkan_dmarc_eval_free(ev);
 *
 * DNS: every lookup goes through the resolver attached to the context
 * (inkan_ctx_set_resolver()). The questions of one tree walk are started
 * together and read in the RFC's order, so a walk costs one round trip;
 * an answer the RFC's order never needs is not waited for, and its
 * failure changes nothing.
 *
 * Verdicts (RFC 8601 2.7.7 / RFC 9989 5.3.5):
 *  PASS      a record applies and an authenticated identifier aligns;
 *  FAIL      a record applies and none aligns (the policy says what next);
 *  NONE      no DMARC record applies (or the record is unusable: no valid
 *            p and no valid rua, RFC 9989 4.10.1) - DMARC does not apply;
 *  TEMPERROR a DNS failure (or a temporary SPF/DKIM error for an identity
 *            that could have aligned) left the answer open: TEMPORARY,
 *            try again later; no policy is applied (RFC 9989 5.3.6);
 *  PERMERROR the message has no single usable author domain (no From,
 *            unparseable From, no domain, too many domains): PERMANENT.
 *
 * Threading: an evaluator belongs to one thread at a time; parsed records
 * and results are read-only and may be shared until freed.
 */
#ifndef INKAN_DMARC_H
#define INKAN_DMARC_H

#include <stddef.h>
#include <stdint.h>

#include <inkan/ctx.h>
#include <inkan/finding.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Which document the evaluator follows. */
typedef enum inkan_dmarc_spec {
	/* RFC 9989: np, psd and t are used; pct, rf and ri are removed tags
	 * (reported as warnings, ignored) */
	INKAN_DMARC_SPEC_RFC9989 = 0,
	/* RFC 7489: pct is applied (with sampling), rf and ri are parsed
	 * and reported; np, psd and t are not part of it (warnings,
	 * ignored) */
	INKAN_DMARC_SPEC_RFC7489 = 1
} inkan_dmarc_spec;

/* How the organizational domain (and the fallback record) is found. */
typedef enum inkan_dmarc_discovery {
	/* RFC 9989 4.10: the DNS tree walk (default) */
	INKAN_DMARC_DISCOVERY_TREEWALK = 0,
	/* RFC 7489 3.2 / 6.6.3: the Public Suffix List (libpsl); the record
	 * is looked up at the author domain, then at its registrable domain */
	INKAN_DMARC_DISCOVERY_PSL = 1
} inkan_dmarc_discovery;

/* A policy value (RFC 9989 4.7 p/sp/np). */
typedef enum inkan_dmarc_policy {
	INKAN_DMARC_POLICY_ABSENT = 0,	/* tag absent or its value invalid */
	INKAN_DMARC_POLICY_NONE = 1,
	INKAN_DMARC_POLICY_QUARANTINE = 2,
	INKAN_DMARC_POLICY_REJECT = 3
} inkan_dmarc_policy;

typedef enum inkan_dmarc_align_mode {
	INKAN_DMARC_ALIGN_RELAXED = 0,	/* "r", the default */
	INKAN_DMARC_ALIGN_STRICT = 1	/* "s" */
} inkan_dmarc_align_mode;

/* fo= bits (RFC 9989 4.7) */
#define INKAN_DMARC_FO_0 0x1u
#define INKAN_DMARC_FO_1 0x2u
#define INKAN_DMARC_FO_D 0x4u
#define INKAN_DMARC_FO_S 0x8u

/* What a record warning is about (for programs; the text is for people). */
typedef enum inkan_dmarc_warning_code {
	INKAN_DMARC_WARN_BAD_VALUE = 1,	/* a known tag with an invalid value */
	INKAN_DMARC_WARN_DUPLICATE_TAG = 2,	/* second one ignored */
	INKAN_DMARC_WARN_UNKNOWN_TAG = 3,	/* ignored (RFC 9989 4.7) */
	INKAN_DMARC_WARN_REMOVED_TAG = 4,	/* pct/rf/ri under RFC 9989 */
	INKAN_DMARC_WARN_NOT_IN_SPEC = 5,	/* np/psd/t under RFC 7489 */
	INKAN_DMARC_WARN_BAD_URI = 6,		/* a rua/ruf URI dropped */
	INKAN_DMARC_WARN_SYNTAX = 7,	/* a piece that is not tag=value */
	INKAN_DMARC_WARN_NO_POLICY = 8,	/* p absent or invalid */
	INKAN_DMARC_WARN_FO_WITHOUT_RUF = 9	/* fo ignored (RFC 9989 4.7) */
} inkan_dmarc_warning_code;

typedef struct inkan_dmarc_warning {
	inkan_dmarc_warning_code code;
	const char *tag;	/* the tag concerned, or NULL */
	const char *text;	/* one English sentence */
} inkan_dmarc_warning;

/* One reporting URI (rua/ruf), without an obsolete "!size" suffix. */
typedef struct inkan_dmarc_uri {
	const char *uri;
	/* the "!size" suffix as written (obsolete, RFC 9989 4.8: ignored by
	 * reporters), or NULL */
	const char *obsolete_size;
} inkan_dmarc_uri;

/*
 * A parsed policy record. Read-only; every string and array is owned by
 * the record (freed with inkan_dmarc_record_free(), or with the result
 * it came from). Fields may be appended in later versions: records are
 * only allocated by libinkan.
 */
typedef struct inkan_dmarc_record {
	inkan_dmarc_spec spec;		/* the rules it was parsed under */
	const char *text;		/* the record as received */
	inkan_dmarc_policy p, sp, np;	/* ABSENT when absent or invalid */
	/* 1 when the tag was present with an invalid value (RFC 9989
	 * 4.10.1 treats that differently from absence for sp/np) */
	int p_invalid, sp_invalid, np_invalid;
	char psd;			/* 'y', 'n' or 'u' (default) */
	int testing;			/* t=y */
	inkan_dmarc_align_mode adkim, aspf;
	unsigned fo;			/* INKAN_DMARC_FO_* (default FO_0) */
	const inkan_dmarc_uri *rua;	/* valid URIs only, in order */
	size_t nrua;
	const inkan_dmarc_uri *ruf;
	size_t nruf;
	/* RFC 7489 tags (parsed in both modes, used only in 7489 mode) */
	int pct;			/* 0..100, default 100 */
	int pct_present;
	const char *rf;			/* as written, or NULL (default afrf) */
	uint32_t ri;			/* default 86400 */
	const inkan_dmarc_warning *warnings;
	size_t nwarnings;
} inkan_dmarc_record;

/*
 * Parse the text of one TXT record (@len bytes; the strings of one RR
 * already joined, RFC 9989 4.5). INKAN_ERR_SYNTAX when it is not a DMARC
 * record at all: it does not start with "v=DMARC1" (RFC 9989 4.7; "v"
 * and "DMARC1" as the RFC's ABNF reads: the tag name in any case, the
 * value exactly). Anything wrong after that is a warning and the tag's
 * default (RFC 9989 4.8). On INKAN_OK *out is owned by the caller: free it
 * with inkan_dmarc_record_free(). @ctx is borrowed and must outlive it.
 * Input over 4096 bytes is INKAN_ERR_LIMIT.
 */
INKAN_API inkan_status inkan_dmarc_record_parse(inkan_ctx *ctx,
	const char *text, size_t len, inkan_dmarc_spec spec,
	inkan_dmarc_record **out);

/* Free a record from inkan_dmarc_record_parse(). NULL is a no-op. */
INKAN_API void inkan_dmarc_record_free(inkan_dmarc_record *rec);

/* ---- Public Suffix List (for INKAN_DMARC_DISCOVERY_PSL) ------------- */

typedef struct inkan_dmarc_psl inkan_dmarc_psl;

/*
 * Load a Public Suffix List: @path in the publicsuffix.org text format,
 * or NULL for the system's list (the publicsuffix package:
 * /usr/share/publicsuffix/public_suffix_list.dat, else libpsl's built-in
 * one). *out is owned by the caller (inkan_dmarc_psl_free()); it is
 * read-only and may be shared between threads and evaluators.
 * INKAN_ERR_IO when the file cannot be read or holds no rule.
 */
INKAN_API inkan_status inkan_dmarc_psl_load(inkan_ctx *ctx,
	const char *path, inkan_dmarc_psl **out);

INKAN_API void inkan_dmarc_psl_free(inkan_dmarc_psl *psl);

/*
 * The registrable domain (RFC 7489 3.2 organizational domain) of @domain
 * (A-labels or UTF-8; ASCII case is ignored) written to @out as
 * lower-case text. INKAN_ERR_NOT_FOUND when there is none (@domain is
 * itself a public suffix, empty, or starts with a dot), INKAN_ERR_LIMIT
 * when @outlen is too small.
 */
INKAN_API inkan_status inkan_dmarc_psl_registrable(const inkan_dmarc_psl *psl,
	const char *domain, char *out, size_t outlen);

/* ---- evaluation ------------------------------------------------------ */

/* SPF outcome for the MAIL FROM identity (RFC 7208 2.6). */
typedef enum inkan_dmarc_spf_result {
	INKAN_DMARC_SPF_NONE = 0,
	INKAN_DMARC_SPF_PASS = 1,
	INKAN_DMARC_SPF_FAIL = 2,
	INKAN_DMARC_SPF_SOFTFAIL = 3,
	INKAN_DMARC_SPF_NEUTRAL = 4,
	INKAN_DMARC_SPF_TEMPERROR = 5,
	INKAN_DMARC_SPF_PERMERROR = 6
} inkan_dmarc_spf_result;

/* DKIM outcome of one signature (RFC 8601 2.7.1). */
typedef enum inkan_dmarc_dkim_result {
	INKAN_DMARC_DKIM_NONE = 0,
	INKAN_DMARC_DKIM_PASS = 1,
	INKAN_DMARC_DKIM_FAIL = 2,
	INKAN_DMARC_DKIM_POLICY = 3,
	INKAN_DMARC_DKIM_NEUTRAL = 4,
	INKAN_DMARC_DKIM_TEMPERROR = 5,
	INKAN_DMARC_DKIM_PERMERROR = 6
} inkan_dmarc_dkim_result;

typedef enum inkan_dmarc_verdict {
	INKAN_DMARC_NONE = 0,
	INKAN_DMARC_PASS = 1,
	INKAN_DMARC_FAIL = 2,
	INKAN_DMARC_TEMPERROR = 3,
	INKAN_DMARC_PERMERROR = 4
} inkan_dmarc_verdict;

/* What the receiver is asked to do (RFC 9990 disposition). */
typedef enum inkan_dmarc_disposition {
	INKAN_DMARC_DISPOSITION_NONE = 0,
	INKAN_DMARC_DISPOSITION_QUARANTINE = 1,
	INKAN_DMARC_DISPOSITION_REJECT = 2
} inkan_dmarc_disposition;

/* Why the applied policy differs from the published one. */
typedef enum inkan_dmarc_override {
	INKAN_DMARC_OVERRIDE_NONE = 0,
	/* t=y: one level softer (RFC 9989 4.7; RFC 9990 policy_test_mode) */
	INKAN_DMARC_OVERRIDE_TEST_MODE = 1,
	/* RFC 7489 6.6.4 pct: not sampled (RFC 7489 sampled_out) */
	INKAN_DMARC_OVERRIDE_SAMPLED_OUT = 2,
	/* a record without a usable p, kept for its rua: p=none
	 * (RFC 9989 4.10.1) */
	INKAN_DMARC_OVERRIDE_NO_VALID_POLICY = 3
} inkan_dmarc_override;

/* Which tag the policy came from. */
typedef enum inkan_dmarc_policy_source {
	INKAN_DMARC_FROM_NOTHING = 0,	/* no record applies */
	INKAN_DMARC_FROM_P = 1,		/* the author domain's own record */
	INKAN_DMARC_FROM_SP = 2,	/* existing subdomain of the policy domain */
	INKAN_DMARC_FROM_NP = 3		/* non-existent subdomain (RFC 8020) */
} inkan_dmarc_policy_source;

/* What to do with a From that does not give exactly one author domain. */
typedef enum inkan_dmarc_multi_action {
	/* evaluate every author domain; the strictest outcome wins
	 * (RFC 9989 11.5, RFC 7489 6.6.1) - the default */
	INKAN_DMARC_MULTI_EVALUATE = 0,
	/* give PERMERROR without DNS */
	INKAN_DMARC_MULTI_PERMERROR = 1
} inkan_dmarc_multi_action;

/* pct sampling source: a uniformly random 32-bit value per call. */
typedef uint32_t (*inkan_dmarc_random_fn)(void *ud);

/*
 * Evaluator options. Always start from inkan_dmarc_options_init(): fields
 * may be appended in later versions.
 */
typedef struct inkan_dmarc_options {
	inkan_dmarc_spec spec;			/* default RFC 9989 */
	inkan_dmarc_discovery discovery;	/* default tree walk */
	/* needed for DISCOVERY_PSL; borrowed, must outlive the evaluator */
	const inkan_dmarc_psl *psl;
	/* 1: a DKIM pass whose l= left part of the body unsigned may still
	 * align (default 0: it may not; the unsigned part could be anything) */
	int allow_partial_body;
	/* several From fields (RFC 5322 3.6 allows one) */
	inkan_dmarc_multi_action multiple_fields;
	/* one From field with several mailboxes / domains */
	inkan_dmarc_multi_action multiple_addresses;
	/* most distinct author domains evaluated (RFC 9989 11.5); more is
	 * PERMERROR. Default 4. */
	size_t max_author_domains;
	/* RFC 7489 pct sampling; NULL: the system's random source. The
	 * policy is applied when (value % 100) < pct (RFC 7489 6.3). */
	inkan_dmarc_random_fn random;
	void *random_ud;
} inkan_dmarc_options;

/* Fill @o with the defaults above. */
INKAN_API void inkan_dmarc_options_init(inkan_dmarc_options *o);

typedef struct inkan_dmarc_eval inkan_dmarc_eval;

/*
 * New evaluator for one message. @opt is copied (NULL: defaults). @ctx is
 * borrowed (with its resolver) and must outlive the evaluator; *out is
 * owned by the caller: inkan_dmarc_eval_free(). INKAN_ERR_CONFIG when PSL
 * discovery is asked for without a list.
 */
INKAN_API inkan_status inkan_dmarc_eval_new(inkan_ctx *ctx,
	const inkan_dmarc_options *opt, inkan_dmarc_eval **out);

/* Free @ev, its DNS questions and its result. NULL is a no-op. */
INKAN_API void inkan_dmarc_eval_free(inkan_dmarc_eval *ev);

/*
 * The author: one domain (A-labels or UTF-8, converted to A-labels,
 * case and one trailing dot ignored; copied). INKAN_ERR_SYNTAX when it is
 * not a usable DNS name. Call once, before inkan_dmarc_start().
 */
INKAN_API inkan_status inkan_dmarc_set_author_domain(inkan_dmarc_eval *ev,
	const char *domain);

typedef struct inkan_authors inkan_authors;

/*
 * The author from the message's From fields (inkan/address.h): flags and
 * domains are copied, @a is borrowed for the call only. Problems become
 * the verdict (see inkan_dmarc_multi_action), never a status.
 */
INKAN_API inkan_status inkan_dmarc_set_authors(inkan_dmarc_eval *ev,
	const inkan_authors *a);

/*
 * The SPF result of the MAIL FROM identity. @mail_from_domain is the
 * domain of the MAIL FROM address, NULL or "" for a null reverse-path
 * ("<>"); then the identity SPF checked is postmaster@@helo_domain
 * (RFC 7208 2.4) and that is what aligns (RFC 9989 3.2.4). The HELO
 * identity's own SPF result never counts (RFC 9989 4.4.2). Copied. Call
 * at most once; any time before inkan_dmarc_evaluate().
 */
INKAN_API inkan_status inkan_dmarc_set_spf(inkan_dmarc_eval *ev,
	inkan_dmarc_spf_result result, const char *mail_from_domain,
	const char *helo_domain);

/*
 * One DKIM signature's result: its d= (@domain) and s= (@selector, may be
 * NULL); @partial_body is 1 when its l= did not cover the whole body.
 * Copied. At most INKAN_LIMIT_DKIM_SIGNATURES calls (INKAN_ERR_LIMIT).
 */
INKAN_API inkan_status inkan_dmarc_add_dkim(inkan_dmarc_eval *ev,
	inkan_dmarc_dkim_result result, const char *domain,
	const char *selector, int partial_body);

/*
 * Start the DNS questions for the author domain(s) now, so they run
 * while the body is still being hashed. Optional: evaluate starts them
 * if this was not called. INKAN_ERR_STATE without an author.
 */
INKAN_API inkan_status inkan_dmarc_start(inkan_dmarc_eval *ev);

/* One DNS question of the discovery, in the order the RFC reads them. */
typedef enum inkan_dmarc_step_outcome {
	INKAN_DMARC_STEP_RECORD = 0,	/* exactly one DMARC record */
	INKAN_DMARC_STEP_NO_RECORD = 1,	/* NXDOMAIN, NODATA, or no v=DMARC1 */
	INKAN_DMARC_STEP_MULTIPLE = 2,	/* several: all discarded */
	INKAN_DMARC_STEP_TEMPFAIL = 3,	/* DNS failure */
	INKAN_DMARC_STEP_SKIPPED = 4	/* not needed (assumed absent) */
} inkan_dmarc_step_outcome;

typedef struct inkan_dmarc_step {
	const char *domain;		/* the name under _dmarc */
	inkan_dmarc_step_outcome outcome;
	/* the DMARC record text for STEP_RECORD, else NULL */
	const char *record;
} inkan_dmarc_step;

/* Alignment of one authenticated identifier. */
typedef enum inkan_dmarc_alignment {
	INKAN_DMARC_ALIGN_NOT_CHECKED = 0,	/* no pass, or not needed */
	INKAN_DMARC_ALIGN_ALIGNED = 1,
	INKAN_DMARC_ALIGN_NOT_ALIGNED = 2,
	INKAN_DMARC_ALIGN_UNKNOWN = 3,	/* org domain lookup failed */
	INKAN_DMARC_ALIGN_PARTIAL_BODY = 4	/* DKIM pass, l= short: refused */
} inkan_dmarc_alignment;

typedef struct inkan_dmarc_identity {
	const char *domain;		/* d=, or the SPF domain */
	const char *selector;		/* DKIM s= or NULL */
	int result;			/* inkan_dmarc_spf/dkim_result value */
	inkan_dmarc_alignment alignment;
	/* its organizational domain when it was looked up, else NULL */
	const char *org_domain;
} inkan_dmarc_identity;

/*
 * The outcome for one author domain. Strings and arrays are borrowed from
 * the evaluator until inkan_dmarc_eval_free(). Fields may be appended.
 */
typedef struct inkan_dmarc_result {
	inkan_dmarc_verdict verdict;
	/* why, in one English sentence */
	const char *reason;
	const char *author_domain;	/* NULL when there is none */
	/* where the applied record was found (DMARC Policy Domain), or NULL */
	const char *policy_domain;
	/* the author domain's organizational domain, or NULL when it was
	 * not determined (no record, or not needed) */
	const char *org_domain;
	const inkan_dmarc_record *record;	/* the applied record or NULL */
	inkan_dmarc_spec spec;
	inkan_dmarc_discovery discovery;	/* the method used */
	const inkan_dmarc_step *trace;	/* the discovery's questions */
	size_t ntrace;
	/* 1 the author domain exists, 0 NXDOMAIN (RFC 8020), -1 unknown or
	 * not looked up */
	int author_exists;
	inkan_dmarc_policy_source policy_source;
	/* the policy the record asks for (after the np/sp/p fallback) */
	inkan_dmarc_policy policy_evaluated;
	/* what applies after t=y, pct (NONE unless verdict is FAIL) */
	inkan_dmarc_policy policy_applied;
	inkan_dmarc_disposition disposition;
	inkan_dmarc_override override;
	int testing;			/* t=y was honoured */
	int sampled_out;		/* RFC 7489 pct did not select it */
	/* SPF: the MAIL FROM (or HELO for a null sender) identity */
	inkan_dmarc_identity spf;
	int spf_is_helo;		/* 1: null sender, HELO identity used */
	const inkan_dmarc_identity *dkim;	/* one per add_dkim call */
	size_t ndkim;
	int spf_aligned;		/* 1: SPF produced an aligned pass */
	int dkim_aligned;		/* 1: some DKIM produced an aligned pass */
	/* index in dkim[] of the first aligned signature, or -1 */
	int dkim_aligned_index;
	/* inkan_from_flag bits of the message (0 for set_author_domain) */
	unsigned from_flags;
} inkan_dmarc_result;

/*
 * Evaluate. On INKAN_OK *res is the overall outcome (borrowed until
 * inkan_dmarc_eval_free()); DNS failures are verdicts (TEMPERROR), not
 * statuses. With several author domains each is evaluated and the
 * strictest outcome is *res: FAIL (highest disposition first) over
 * TEMPERROR over NONE over PASS - so a message passes only when every
 * author domain passes or has no record and one passes. The others are
 * inkan_dmarc_domain_result(). Errors: INKAN_ERR_STATE (no author set),
 * INKAN_ERR_CONFIG (no resolver on the context), INKAN_ERR_NOMEM.
 * Calling it again returns the same result.
 */
INKAN_API INKAN_MUST_CHECK inkan_status inkan_dmarc_evaluate(
	inkan_dmarc_eval *ev, const inkan_dmarc_result **res);

/* Number of author domains evaluated (0 before evaluate or on
 * PERMERROR). */
INKAN_API size_t inkan_dmarc_domain_count(const inkan_dmarc_eval *ev);

/* The result for author domain @i, or NULL. Borrowed as above. */
INKAN_API const inkan_dmarc_result *inkan_dmarc_domain_result(
	const inkan_dmarc_eval *ev, size_t i);

/* ---- inspection (what `inkan dmarc DOMAIN` shows) -------------------- */

/*
 * What a domain's published DMARC set-up means: discover as for mail from
 * @domain and compute the policy for the domain itself, for its existing
 * subdomains and for non-existent ones (t= applied in RFC 9989 mode).
 * What is missing or weak (p=none, no rua, removed tags, strict aspf)
 * becomes findings.
 */
typedef struct inkan_dmarc_inspection {
	/* NONE (no record applies), PASS (a record applies) or TEMPERROR */
	inkan_dmarc_verdict status;
	const char *domain;
	const char *policy_domain;
	const char *org_domain;
	const inkan_dmarc_record *record;
	inkan_dmarc_discovery discovery;
	const inkan_dmarc_step *trace;
	size_t ntrace;
	inkan_dmarc_policy policy_self;		/* mail from @domain */
	inkan_dmarc_policy policy_subdomain;	/* from an existing sub */
	inkan_dmarc_policy policy_nxdomain;	/* from a non-existent sub */
	/* the same before t=y softens them */
	inkan_dmarc_policy published_self, published_subdomain,
		published_nxdomain;
	int self_exists;	/* 1, 0 (NXDOMAIN) or -1 (unknown) */
	/* what is missing or weak, each with its fix (inkan/finding.h);
	 * codes "dmarc-p-none", "dmarc-no-rua", "dmarc-removed-tag", ... */
	const inkan_finding *findings;
	size_t nfindings;
	/* 1: a DNS failure above the domain left the subdomain policies
	 * (and the organizational domain) unknown */
	int subdomains_unknown;
} inkan_dmarc_inspection;

typedef struct inkan_dmarc_inspector inkan_dmarc_inspector;

/*
 * Inspect @domain. On INKAN_OK *out is owned by the caller (free with
 * inkan_dmarc_inspector_free()) and *view borrowed from it. @opt as for
 * the evaluator (NULL: defaults).
 */
INKAN_API INKAN_MUST_CHECK inkan_status inkan_dmarc_inspect(inkan_ctx *ctx,
	const inkan_dmarc_options *opt, const char *domain,
	inkan_dmarc_inspector **out, const inkan_dmarc_inspection **view);

INKAN_API void inkan_dmarc_inspector_free(inkan_dmarc_inspector *in);

/* ---- output ---------------------------------------------------------- */

/* "none" "pass" "fail" "temperror" "permerror"; static. */
INKAN_API const char *inkan_dmarc_verdict_name(inkan_dmarc_verdict v);
/* "none" "quarantine" "reject", "" for ABSENT; static. */
INKAN_API const char *inkan_dmarc_policy_name(inkan_dmarc_policy p);
/* "none" "quarantine" "reject"; static. */
INKAN_API const char *inkan_dmarc_disposition_name(
	inkan_dmarc_disposition d);
/* "" "policy_test_mode" "sampled_out" "no_valid_policy"; static. */
INKAN_API const char *inkan_dmarc_override_name(inkan_dmarc_override o);
/* "treewalk" "psl" (RFC 9990 discovery_method); static. */
INKAN_API const char *inkan_dmarc_discovery_name(inkan_dmarc_discovery d);

typedef struct inkan_authres_builder inkan_authres_builder;

/*
 * Add a "dmarc=" resinfo to @b in Gmail's form:
 *   dmarc=pass (p=NONE sp=NONE dis=NONE) header.from=example.com
 * (the comment only when a record applied; sp is the effective subdomain
 * policy; dis the disposition). @r is borrowed for the call.
 */
INKAN_API inkan_status inkan_dmarc_authres_add(const inkan_dmarc_result *r,
	inkan_authres_builder *b);

/*
 * The same pieces without a builder: the comment ("p=NONE sp=NONE
 * dis=NONE", "" when no record applied) into @buf (@len bytes, always
 * NUL-terminated). INKAN_ERR_LIMIT when it did not fit.
 */
INKAN_API inkan_status inkan_dmarc_authres_comment(
	const inkan_dmarc_result *r, char *buf, size_t len);

#ifdef __cplusplus
}
#endif
#endif
