/* SPDX-License-Identifier: MIT */
/*
 * inkan/report.h - DMARC aggregate report data: rows, the store, reports.
 *
 * A receiver records one ROW per verified message (RFC 9990 3.1.1: every
 * field a record can carry, nothing aggregated yet). Rows are grouped into
 * records by the RFC's key only when a report is built, so no information
 * is lost before the reporting window closes.
 *
 * The STORE is SQLite (embedded default) or PostgreSQL (many MTAs sharing
 * one store), chosen by a URI:
 *   /path/file.db  or  sqlite:/path/file.db  or  sqlite:relative.db
 *   postgresql://user@host:port/db?...  (also postgres://; libpq syntax)
 * Backends sit behind an ops table (lib/report/store_internal.h), the way
 * resolvers do; both speak one SQL schema with numbered migrations.
 *
 * Recording never waits on disk: inkan_report_store_add() copies the row
 * into a bounded queue that one writer thread drains in batches (one
 * transaction per batch). When the queue is full the row is dropped and
 * counted (a mail server must not be slowed by its report store).
 *
 * Threading: inkan_report_store_add() may be called from many threads at
 * once. Other calls on one store are made by one thread at a time.
 */
#ifndef INKAN_REPORT_H
#define INKAN_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include <inkan/ctx.h>
#include <inkan/dmarc.h>
#include <inkan/dns.h>
#include <inkan/msg.h>
#include <inkan/verify.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- rows ------------------------------------------------------------ */

/* SPF and DKIM results as RFC 8601 2.7.1/2.7.2 name them (RFC 9990
 * 3.1.1.12-13). DKIM never has SOFTFAIL. Values are stored: append-only. */
typedef enum inkan_report_result {
	INKAN_REPORT_NONE = 0,
	INKAN_REPORT_PASS = 1,
	INKAN_REPORT_FAIL = 2,
	INKAN_REPORT_SOFTFAIL = 3,
	INKAN_REPORT_POLICY = 4,
	INKAN_REPORT_NEUTRAL = 5,
	INKAN_REPORT_TEMPERROR = 6,
	INKAN_REPORT_PERMERROR = 7
} inkan_report_result;

/* RFC 9990 ActionDispositionType: what the receiver did. PASS: passed
 * DMARC under an enforcing policy. Stored values: append-only. */
typedef enum inkan_report_disposition {
	INKAN_REPORT_DISP_NONE = 0,
	INKAN_REPORT_DISP_PASS = 1,
	INKAN_REPORT_DISP_QUARANTINE = 2,
	INKAN_REPORT_DISP_REJECT = 3
} inkan_report_disposition;

/* RFC 9990 3.1.6 PolicyOverrideType. Stored values: append-only. */
typedef enum inkan_report_override {
	INKAN_REPORT_OVERRIDE_LOCAL_POLICY = 1,
	INKAN_REPORT_OVERRIDE_MAILING_LIST = 2,
	INKAN_REPORT_OVERRIDE_OTHER = 3,
	INKAN_REPORT_OVERRIDE_POLICY_TEST_MODE = 4,
	INKAN_REPORT_OVERRIDE_TRUSTED_FORWARDER = 5
} inkan_report_override;

typedef struct inkan_report_reason {
	inkan_report_override type;
	const char *comment;		/* or NULL */
} inkan_report_reason;

/* One DKIM signature evaluated (RFC 9990 3.1.1.12: selector required). */
typedef struct inkan_report_dkim {
	const char *domain;		/* d= */
	const char *selector;		/* s= ("" when the signature had none) */
	inkan_report_result result;
	const char *human_result;	/* or NULL */
} inkan_report_dkim;

/* The DMARC Policy Record that applied (RFC 9990 3.1.1.5). */
typedef struct inkan_report_policy {
	const char *domain;		/* the DMARC Policy Domain (required) */
	inkan_dmarc_policy p, sp, np;	/* ABSENT: not published */
	char adkim, aspf;		/* 'r', 's', or 0: not published */
	const char *fo;			/* as published, or NULL */
	int testing;			/* t=y published */
	inkan_dmarc_discovery discovery;
	/* reporting URIs as published, comma-separated, or NULL */
	const char *rua;
	const char *ruf;
	uint32_t ri;			/* RFC 7489 ri, 0 when absent */
	const char *error;		/* record problems (3.1.5), or NULL */
} inkan_report_policy;

/* Row flags */
/* do not report: the milter's policy marked it (a message that was
 * itself a report, spam), so we never become a backscatter source */
#define INKAN_REPORT_ROW_NO_REPORT 0x1u

/*
 * One message. Strings are borrowed by inkan_report_store_add(), which
 * copies them. Domains are as they appeared (compared case-insensitively
 * when grouping is not affected: they are stored lowercased).
 */
typedef struct inkan_report_row {
	int64_t time;			/* seconds since the epoch (arrival) */
	const char *source_ip;		/* IPv4 or IPv6 text (required) */
	const char *header_from;	/* RFC5322.From domain (required) */
	/* RFC5321.MailFrom domain: "" null reverse-path, NULL unknown */
	const char *envelope_from;
	const char *envelope_to;	/* RFC5321.RcptTo domain, or NULL */
	/* SPF of the MAIL FROM identity (domain NULL: SPF not checked) */
	const char *spf_domain;
	int spf_scope_mfrom;		/* 1: MAIL FROM, 0: HELO identity */
	inkan_report_result spf_result;
	const char *spf_human;		/* or NULL */
	const inkan_report_dkim *dkim;	/* up to 100 (RFC 9990 3.1.3) */
	size_t ndkim;
	/* DMARC evaluation */
	inkan_dmarc_verdict dmarc;
	int dkim_aligned;		/* policy_evaluated dkim: 1 pass */
	int spf_aligned;		/* policy_evaluated spf: 1 pass */
	inkan_report_disposition disposition;
	const inkan_report_reason *reasons;
	size_t nreasons;
	inkan_report_policy policy;
	unsigned flags;			/* INKAN_REPORT_ROW_* */
} inkan_report_row;

/* Names for the XML: "pass", "quarantine", "local_policy", ... static. */
INKAN_API const char *inkan_report_result_name(inkan_report_result r);
INKAN_API const char *inkan_report_disposition_name(
	inkan_report_disposition d);
INKAN_API const char *inkan_report_override_name(inkan_report_override o);

/* ---- the store ------------------------------------------------------- */

typedef struct inkan_report_store inkan_report_store;

/* Parsed store URI (inkan_report_store_uri_parse). */
typedef enum inkan_report_backend {
	INKAN_REPORT_BACKEND_SQLITE = 0,
	INKAN_REPORT_BACKEND_POSTGRESQL = 1
} inkan_report_backend;

/*
 * Which backend @uri names, and its target: the file path for SQLite, the
 * libpq connection URI (unchanged) for PostgreSQL. @target (may be NULL)
 * gets a NUL-terminated copy, truncated to @targetlen (INKAN_ERR_LIMIT
 * when it does not fit). INKAN_ERR_SYNTAX: empty, a NUL-less control
 * character, an unknown scheme ("mysql:"), "sqlite:" without a path,
 * a postgresql URI with spaces or controls. URIs over 4096 bytes:
 * INKAN_ERR_LIMIT.
 */
INKAN_API inkan_status inkan_report_store_uri_parse(const char *uri,
	inkan_report_backend *backend, char *target, size_t targetlen);

/* Store open flags */
/* open only: do not create a missing SQLite file */
#define INKAN_REPORT_STORE_NO_CREATE 0x1u

/*
 * Open the store at @uri, create or migrate its schema to the newest
 * version (in one transaction per migration), and start its writer
 * thread. @ctx is borrowed (logging, allocation) and must outlive the
 * store; *out is owned by the caller: inkan_report_store_close().
 * @err (may be NULL) gets a readable reason on failure.
 * INKAN_ERR_SYNTAX bad URI, INKAN_ERR_IO cannot open or connect,
 * INKAN_ERR_UNSUPPORTED a schema newer than this library,
 * INKAN_ERR_INTERNAL a migration failed.
 */
INKAN_API inkan_status inkan_report_store_open(inkan_ctx *ctx,
	const char *uri, unsigned flags, inkan_report_store **out,
	char *err, size_t errlen);

/*
 * Write what is queued, stop the writer and close. NULL is a no-op.
 */
INKAN_API void inkan_report_store_close(inkan_report_store *s);

/* The schema version of the open store. */
INKAN_API int inkan_report_store_schema_version(const inkan_report_store *s);
/* "sqlite" or "postgresql" */
INKAN_API const char *inkan_report_store_backend_name(
	const inkan_report_store *s);

/*
 * Queue one row (copied; @row stays the caller's). Never waits for the
 * disk. INKAN_ERR_LIMIT: the queue is full, the row was dropped and
 * counted. INKAN_ERR_INVALID: a required field is missing, an enum is out
 * of range, more than 100 DKIM results or 16 reasons.
 */
INKAN_API inkan_status inkan_report_store_add(inkan_report_store *s,
	const inkan_report_row *row);

/*
 * Block until every row queued before the call is written (or failed).
 * INKAN_OK when all were written; INKAN_ERR_IO when a batch failed (those
 * rows are counted as lost).
 */
INKAN_API inkan_status inkan_report_store_flush(inkan_report_store *s);

typedef struct inkan_report_store_stats {
	uint64_t queued;	/* accepted by add */
	uint64_t written;	/* committed */
	uint64_t dropped;	/* refused by add: queue full */
	uint64_t lost;		/* accepted, but their batch failed */
	uint64_t batches;	/* transactions committed */
} inkan_report_store_stats;

INKAN_API void inkan_report_store_stats_get(inkan_report_store *s,
	inkan_report_store_stats *out);

/*
 * Most rows waiting for the writer (default 100000); set before the first
 * add. A full queue drops rows (counted), it never blocks.
 */
INKAN_API void inkan_report_store_set_queue_max(inkan_report_store *s,
	size_t max);

/*
 * Queue the row for a message verified by lib/verify: header From and
 * policy domain, SPF and DKIM results (with selectors), DMARC alignment,
 * disposition with override reasons (t=y becomes policy_test_mode), and
 * the record (p, sp, np, adkim, aspf, fo, t, rua, ruf, ri, discovery).
 * @client_ip is required; @mail_from is the MAIL FROM address ("" or
 * "<>" for the null sender, NULL unknown); @rcpt_domain the RCPT TO
 * domain or NULL; @extra (may be NULL) up to 8 reasons of the caller's
 * own policy (a trusted forwarder, a mailing list); @flags
 * INKAN_REPORT_ROW_*. All borrowed for the call.
 * INKAN_ERR_NOT_FOUND: no DMARC record applied, nothing to report (not an
 * error for a caller that records every message). Otherwise as
 * inkan_report_store_add().
 */
INKAN_API inkan_status inkan_report_store_add_verify(inkan_report_store *s,
	const inkan_verify_result *res, const char *client_ip,
	const char *mail_from, const char *rcpt_domain, int64_t time,
	const inkan_report_reason *extra, size_t nextra, unsigned flags);

/* Rows in the store (all, reported or not); for tests and tools. */
INKAN_API inkan_status inkan_report_store_count_rows(inkan_report_store *s,
	int64_t *out);

/* ---- building reports (RFC 9990 3.1) ---------------------------------- */

/* Who reports (RFC 9990 3.1.1.3). Strings are borrowed for the call. */
typedef struct inkan_report_reporter {
	const char *org_name;		/* required */
	const char *email;		/* contact address (required) */
	/* our domain: the filename's receiver, the Report-ID's right-hand
	 * side and the Subject's Submitter (required) */
	const char *receiver;
	const char *extra_contact_info;	/* or NULL */
	const char *generator;		/* NULL: "inkan VERSION" */
} inkan_report_reporter;

typedef enum inkan_report_format {
	INKAN_REPORT_FORMAT_RFC9990 = 0,	/* the default */
	/* RFC 7489 Appendix C, for receivers that still want it: no
	 * namespace, pct, no np/testing/discovery_method */
	INKAN_REPORT_FORMAT_RFC7489 = 1
} inkan_report_format;

/*
 * Claim what is due at @now: for each policy domain, each reporting
 * window (RFC 9990 3.1.1.4: UTC-aligned; daily unless the domain's ri
 * asks for a shorter interval that divides a day, at least an hour) that
 * ended at least 10 minutes before @now (rows may still be on their way)
 * and holds rows not yet reported becomes one report. Rows
 * marked INKAN_REPORT_ROW_NO_REPORT are never claimed. Each report is
 * created in one transaction together with the rows it covers and one
 * pending delivery per rua URI of the final policy seen (3.1), so a crash
 * leaves every row either unclaimed or in exactly one report. The
 * Report-ID and filename are fixed here, so a resend uses the same ones
 * (RFC 9990 3.5.2). @rep->receiver is required. *nreports (may be NULL)
 * gets the number of reports created.
 */
INKAN_API inkan_status inkan_report_claim(inkan_report_store *s,
	const inkan_report_reporter *rep, int64_t now, size_t *nreports);

/* A report as stored. Strings borrowed for the callback only. */
typedef struct inkan_report_info {
	int64_t id;			/* the store's key */
	const char *policy_domain;
	int64_t begin, end;		/* date_range, end inclusive */
	const char *report_id;		/* RFC 9990 3.5.1 */
	const char *filename;		/* RFC 9990 3.5.2, ".xml.gz" */
	int64_t nrows;			/* messages covered */
	const char *state;		/* "built" or "done" */
} inkan_report_info;

/* Return nonzero to stop the listing. */
typedef int (*inkan_report_list_fn)(void *ud, const inkan_report_info *r);

/* Reports in @state ("built", "done"; NULL: all), oldest first. */
INKAN_API inkan_status inkan_report_list(inkan_report_store *s,
	const char *state, inkan_report_list_fn fn, void *ud);

/*
 * The XML of report @id (RFC 9990 Appendix A schema, or RFC 7489's),
 * gzip-compressed when @gzip (RFC 1952, no name, no time: the same rows
 * give the same bytes). Rows are grouped into records here, by the RFC's
 * key (3.1.1.7: source IP, identifiers, evaluated policy with reasons,
 * and the authentication results). On INKAN_OK *out is owned by the
 * caller (inkan_free(ctx, *out)); *nrecords (may be NULL) gets the
 * number of record elements. INKAN_ERR_NOT_FOUND: no such report or no
 * rows in it.
 */
INKAN_API inkan_status inkan_report_render(inkan_report_store *s,
	const inkan_report_reporter *rep, int64_t id, inkan_report_format fmt,
	int gzip, unsigned char **out, size_t *len, size_t *nrecords);

/* ---- configuration of report sending ---------------------------------- */

/*
 * What `inkan report build|send` needs, read from a file of "key = value"
 * lines ('#' starts a comment; unknown keys are errors, so a typo is not
 * silently ignored). Keys:
 *   org_name, email, receiver, extra_contact_info   (inkan_report_reporter)
 *   from            From: of report mail (default: email)
 *   dkim_domain, dkim_selector, dkim_key   our signing key (a PEM file,
 *                   0600), so report mail passes DMARC (RFC 9990 3.5.2)
 *   sendmail        a sendmail-compatible binary (default /usr/sbin/sendmail)
 *   relay           HOST[:PORT] an SMTP relay instead of sendmail
 *   deny            a destination never reported to: an address, a domain
 *                   (and its subdomains); may repeat
 *   rate_cap        reports per destination per day (default 100)
 *   size_cap        largest compressed report in bytes (default 10485760)
 *   retention_days  rows and reports kept this long (default 30)
 *   format          9990 (default) or 7489
 *   failure_rate    failure reports per destination per hour (default
 *                   10; RFC 9991 2 requires a rate limit)
 */
typedef struct inkan_report_settings {
	inkan_report_reporter reporter;
	const char *from;
	const char *dkim_domain, *dkim_selector, *dkim_key;
	const char *sendmail;
	const char *relay;
	const char *const *deny;
	size_t ndeny;
	uint64_t rate_cap;
	uint64_t size_cap;
	uint64_t retention_days;
	inkan_report_format format;
	uint64_t failure_rate;
} inkan_report_settings;

typedef struct inkan_report_config inkan_report_config;

/*
 * Parse @len bytes of configuration text. On INKAN_OK *out is owned by
 * the caller (inkan_report_config_free()). INKAN_ERR_SYNTAX with "line N:
 * why" in @err; INKAN_ERR_LIMIT over 64 KiB, lines over 4096 bytes or
 * more than 256 deny entries. @ctx is borrowed and must outlive it.
 */
INKAN_API inkan_status inkan_report_config_parse(inkan_ctx *ctx,
	const char *text, size_t len, inkan_report_config **out, char *err,
	size_t errlen);
/* The same from a file (INKAN_ERR_IO when unreadable). */
INKAN_API inkan_status inkan_report_config_load(inkan_ctx *ctx,
	const char *path, inkan_report_config **out, char *err,
	size_t errlen);
/* Defaults only (no file). */
INKAN_API inkan_status inkan_report_config_new(inkan_ctx *ctx,
	inkan_report_config **out);
/* Override one key as the file would set it (command-line options). */
INKAN_API inkan_status inkan_report_config_set(inkan_report_config *c,
	const char *key, const char *value, char *err, size_t errlen);
/* The settings, borrowed until inkan_report_config_free(). */
INKAN_API const inkan_report_settings *inkan_report_config_settings(
	const inkan_report_config *c);
INKAN_API void inkan_report_config_free(inkan_report_config *c);


/* ---- sending reports (RFC 9990 3.5, 4) -------------------------------- */

typedef struct inkan_report_send_stats {
	size_t claimed;		/* reports created by this run */
	size_t sent;		/* messages handed to the MTA */
	size_t skipped;		/* deliveries given up: denied, unauthorized,
				 * unsupported URI, too big (notice sent) */
	size_t deferred;	/* left pending: rate cap, DNS or MTA trouble */
	size_t failed;		/* refused for good by the MTA */
	int64_t expired_rows;	/* rows removed by retention */
	int locked_out;		/* another host holds the store's send lock */
} inkan_report_send_stats;

/* One delivery decision, for logs: @state "sent", "skipped", "deferred",
 * "failed"; @why a sentence or NULL. Borrowed for the call. */
typedef void (*inkan_report_send_fn)(void *ud, const char *report_id,
	const char *uri, const char *state, const char *why);

/*
 * One send run: take the store's send lock (PostgreSQL: an advisory lock,
 * so of several hosts started by a timer one does the work and the others
 * return at once with locked_out = 1; SQLite: a file lock), claim what is
 * due at @now, then deliver every pending (report, rua) pair:
 *  - mailto: only; a URI outside the policy domain's organization must be
 *    authorized by <policy-domain>._report._dmarc.<host> (RFC 9990 4,
 *    through @r; a DNS failure defers);
 *  - the deny list and the per-destination daily cap (@cfg);
 *  - a report over the destination's "!size" or our size_cap is never
 *    cut: the destination gets a short notice instead (RFC 7489 7.2.2);
 *  - the message is DKIM-signed with the configured key (refused unless
 *    the key file is 0600 or 0640).
 * A delivery is marked sent after the MTA took it: a crash in between
 * sends it once more on the next run, under the same Report-ID and
 * filename. Rows older than retention_days are removed. @fn (may be NULL)
 * hears each decision. INKAN_ERR_CONFIG: settings missing (from, key).
 */
INKAN_API inkan_status inkan_report_send(inkan_report_store *s,
	const inkan_report_config *cfg, inkan_resolver *r, int64_t now,
	inkan_report_send_fn fn, void *ud, inkan_report_send_stats *stats);

/* Remove rows and reports that ended before @cutoff; *rows (may be NULL)
 * gets the number of rows removed. */
INKAN_API inkan_status inkan_report_expire(inkan_report_store *s,
	int64_t cutoff, int64_t *rows);

/* ---- failure reports (RFC 9991), opt-in ------------------------------- */

/*
 * 1 when the record behind @d asks for a failure report for this message:
 * it has a ruf, is not a public suffix domain's record (psd=y, RFC 9991
 * 2), and its fo= matches (RFC 9989 4.7: 0 no mechanism gave an aligned
 * pass, 1 one of them did not, d a DKIM signature failed, s SPF failed).
 */
INKAN_API int inkan_report_failure_wanted(const inkan_dmarc_result *d);

/* Keep the header fields as they came (default: redacted, RFC 6590) */
#define INKAN_REPORT_FAILURE_UNREDACTED 0x1u

/* What a failure report needs besides the DMARC result. Borrowed. */
typedef struct inkan_report_failure {
	const char *reporter;	/* our domain (Message-ID, A-R authserv-id) */
	const char *from;	/* From: of the report (required) */
	const char *to;		/* the ruf address (required) */
	const char *client_ip;	/* Source-IP, or NULL */
	const char *mail_from;	/* Original-Mail-From, or NULL */
	int64_t arrival;	/* Arrival-Date (0: now) */
	int64_t now;		/* Date */
	unsigned flags;		/* INKAN_REPORT_FAILURE_* */
	/* the SPF check behind d->spf, or NULL; with a trace
	 * (INKAN_SPF_FLAG_TRACE, INKAN_VERIFY_SPF_TRACE) its records become
	 * SPF-DNS fields (RFC 6591 3.2, required by RFC 9991 4) */
	const inkan_spf_verdict *spf;
} inkan_report_failure;

/*
 * An RFC 9991 failure report (ARF, RFC 5965/6591: Feedback-Type
 * auth-failure, Auth-Failure dmarc, Identity-Alignment, DKIM-Domain and
 * DKIM-Selector for a failed aligned signature) about the message whose
 * header section is @msg: headers only, never the body; local-parts and
 * the Subject redacted unless INKAN_REPORT_FAILURE_UNREDACTED. The
 * caller checks inkan_report_failure_wanted(), verifies external ruf
 * destinations (RFC 9991 5), rate-limits (inkan_report_limiter) and
 * signs. On INKAN_OK *out (CRLF lines) is the caller's: inkan_free().
 */
INKAN_API inkan_status inkan_report_failure_build(inkan_ctx *ctx,
	const inkan_report_failure *f, const inkan_dmarc_result *d,
	const inkan_msg *msg, char **out, size_t *len);

/*
 * Queue failure reports about the message whose header section is @msg:
 * when inkan_report_failure_wanted(@d), one redacted report (as
 * inkan_report_failure_build(); @f->to is ignored) per mailto: ruf of the
 * record, at most 4, written to the store at once (not through the row
 * queue) and sent later by inkan_report_send(), never inline. *queued
 * (may be NULL) gets the number queued; 0 and INKAN_OK when none is
 * wanted. All borrowed for the call. Unlike inkan_report_store_add() this
 * writes on the caller's connection, synchronously: one thread at a time,
 * and a daemon that must not wait on disk calls it off its mail path.
 */
INKAN_API inkan_status inkan_report_failure_queue(inkan_report_store *s,
	const inkan_report_failure *f, const inkan_dmarc_result *d,
	const inkan_msg *msg, size_t *queued);

typedef struct inkan_report_limiter inkan_report_limiter;

/* At most @per_hour reports per destination per clock hour (RFC 9991 2
 * requires a rate limit). Thread-safe; bounded memory. */
INKAN_API inkan_status inkan_report_limiter_new(inkan_ctx *ctx,
	unsigned per_hour, inkan_report_limiter **out);
/* 1: send to @dest now (counted); 0: over its limit, or too many
 * destinations this hour. */
INKAN_API int inkan_report_limiter_allow(inkan_report_limiter *l,
	const char *dest, int64_t now);
INKAN_API void inkan_report_limiter_free(inkan_report_limiter *l);

#ifdef __cplusplus
}
#endif
#endif
