/* SPDX-License-Identifier: MIT */
/*
 * report_intake.h - reading the DMARC reports a domain owner receives.
 *
 * Three layers, each usable alone:
 *
 *  1. inkan_report_extract(): bytes of unknown kind (a .xml, .xml.gz, .zip,
 *     one mail message) -> the reports inside, found by content and not
 *     by name. Decompression and MIME nesting are bounded. Mbox files
 *     and Maildirs are split into messages by inkan/mailbox.h first.
 *  2. inkan_agg_parse(): one aggregate report's XML (RFC 7489 Appendix C or
 *     RFC 9990) -> its metadata and records, streamed to a sink, so a
 *     million-row report never sits in memory as rows.
 *  3. inkan_failure_parse(): one failure report message (RFC 6591 ARF as
 *     RFC 9991 uses it, or a plain-text one) -> its fields.
 *
 * The XML parser is libxml2 with no network, no entity substitution and no
 * DTD loading; a DOCTYPE is refused outright. Input size, element depth and
 * field lengths are bounded (inkan_report_limits).
 *
 * Errors are returned as a status plus a one-line message in a caller's
 * buffer, naming where the problem is ("record 3 (line 45): ...").
 */
#ifndef INKAN_REPORT_INTAKE_H
#define INKAN_REPORT_INTAKE_H

#include <stddef.h>
#include <stdint.h>
#include <inkan/export.h>
#include <inkan/status.h>
#include <inkan/ctx.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bounds for untrusted report input. inkan_report_limits_default() fills
 * the defaults named in the comments. */
typedef struct inkan_report_limits {
	size_t max_xml;		/* decompressed bytes of one report: 256 MiB */
	size_t max_input;	/* bytes of one input (file/message): 256 MiB */
	unsigned max_ratio;	/* decompressed/compressed, past 1 MiB: 1000 */
	unsigned max_parts;	/* MIME parts or archive entries: 64 */
	unsigned max_nesting;	/* MIME/archive nesting: 6 */
	unsigned max_depth;	/* XML element depth: 24 */
	size_t max_field;	/* bytes of one XML text field: 16 KiB */
} inkan_report_limits;

INKAN_API void inkan_report_limits_default(inkan_report_limits *lim);

/* ---- aggregate reports ---------------------------------------------- */

/* One <auth_results> entry. Strings are "" when absent. */
typedef struct inkan_agg_auth {
	const char *domain;
	const char *selector;	/* DKIM only (required by RFC 9990) */
	const char *result;	/* lower case, as the schema spells it */
	const char *scope;	/* SPF only: "mfrom", "helo" or "" */
} inkan_agg_auth;

#define INKAN_AGG_MAX_AUTH 16

/* The report metadata and the published policy. Strings are "" when the
 * report leaves them out; pct is -1 when absent. */
typedef struct inkan_agg_meta {
	const char *org_name;
	const char *email;
	const char *extra_contact;
	const char *report_id;
	const char *generator;		/* RFC 9990 */
	const char *version;		/* RFC 9990: "1.0"; often absent */
	int64_t begin;
	int64_t end;
	int rfc9990;			/* its namespace or 9990-only fields */
	const char *domain;		/* policy_published */
	const char *adkim;
	const char *aspf;
	const char *p;
	const char *sp;
	const char *np;			/* RFC 9990 */
	const char *fo;
	const char *testing;		/* RFC 9990 t= */
	const char *discovery_method;	/* RFC 9990 */
	int pct;			/* RFC 7489 only */
} inkan_agg_meta;

/* One <record>. */
typedef struct inkan_agg_record {
	const char *source_ip;		/* checked to be an IPv4/IPv6 address */
	uint64_t count;
	const char *disposition;	/* none quarantine reject (pass: 9990) */
	const char *dkim;		/* policy_evaluated: pass, fail or "" */
	const char *spf;
	const char *reason_type;	/* first <reason>, "" when none */
	const char *reason_comment;
	const char *header_from;
	const char *envelope_from;
	const char *envelope_to;
	size_t ndkim;
	inkan_agg_auth dkim_auth[INKAN_AGG_MAX_AUTH];
	size_t nspf;
	inkan_agg_auth spf_auth[INKAN_AGG_MAX_AUTH];
} inkan_agg_record;

/*
 * Where the parser hands what it read. Pointers passed to the callbacks are
 * borrowed for the duration of the call only.
 *  - begin: once, when the metadata and policy are known (before the first
 *    record). Setting *skip to 1 stops the parse with INKAN_OK (used for
 *    a report already stored).
 *  - record: once per record, in order.
 *  - end: once, after the last record, when the whole document was well
 *    formed and valid. A sink that stores rows commits here, and rolls back
 *    when inkan_agg_parse() returns an error: no partial reports.
 * A callback returning non-OK stops the parse with that status.
 */
typedef struct inkan_agg_sink {
	void *arg;
	inkan_status (*begin)(void *arg, const inkan_agg_meta *meta,
		int *skip);
	inkan_status (*record)(void *arg, const inkan_agg_meta *meta,
		const inkan_agg_record *rec);
	inkan_status (*end)(void *arg, const inkan_agg_meta *meta,
		uint64_t nrecords);
} inkan_agg_sink;

/*
 * Parse one aggregate report of @len bytes at @xml (borrowed).
 * RFC 7489 Appendix C and RFC 9990 Appendix A schemas, any namespace or
 * none, and the known vendor quirks (a stray unclosed <xs:schema> start tag
 * before <feedback>, "hardfail" for SPF fail). @lim may be NULL (defaults).
 * Returns INKAN_OK, or INKAN_ERR_SYNTAX (not well-formed / invalid: @err
 * says where and what), INKAN_ERR_LIMIT (a bound was hit), INKAN_ERR_NOMEM,
 * or a status a sink callback returned. @err (may be NULL) gets a
 * NUL-terminated message of at most @errlen bytes.
 */
INKAN_API inkan_status inkan_agg_parse(const inkan_ctx *ctx,
	const void *xml, size_t len, const inkan_report_limits *lim,
	const inkan_agg_sink *sink, char *err, size_t errlen);

/* ---- failure reports ------------------------------------------------- */

/* The fields of one failure report; "" when absent. */
typedef struct inkan_failure_report {
	int has_arf;			/* a message/feedback-report part */
	const char *feedback_type;	/* RFC 5965 3.1: "auth-failure" */
	const char *user_agent;
	const char *auth_failure;	/* RFC 6591 3.2.2: dmarc, dkim, spf */
	const char *source_ip;
	const char *reported_domain;
	const char *arrival_date;
	const char *original_mail_from;
	const char *original_rcpt_to;
	const char *delivery_result;
	const char *dkim_domain;
	const char *dkim_selector;
	const char *identity_alignment;
	const char *authentication_results;
	const char *orig_from;		/* from the returned header section */
	const char *orig_subject;
	const char *orig_message_id;
	const char *orig_date;
	const char *reporter;		/* From of the report message */
	const char *report_subject;
	const char *report_date;
} inkan_failure_report;

/*
 * Parse a failure report message of @len bytes (borrowed). On INKAN_OK
 * *out is owned by the caller: free with inkan_failure_free(). A message
 * that is no failure report gives INKAN_ERR_NOT_FOUND.
 */
INKAN_API inkan_status inkan_failure_parse(const inkan_ctx *ctx,
	const void *msg, size_t len, const inkan_report_limits *lim,
	inkan_failure_report **out, char *err, size_t errlen);
INKAN_API void inkan_failure_free(const inkan_ctx *ctx,
	inkan_failure_report *fr);

/* ---- extraction ------------------------------------------------------ */

typedef enum inkan_report_kind {
	INKAN_REPORT_AGGREGATE = 1,	/* data: the report's XML */
	INKAN_REPORT_FAILURE = 2	/* data: the whole report message */
} inkan_report_kind;

/* One report found in an input. All pointers borrowed for the callback. */
typedef struct inkan_report_item {
	inkan_report_kind kind;
	const char *origin;	/* "FILE: message 2: part 3" */
	const unsigned char *data;
	size_t len;
	/* the report as it arrived, before decompression, for keeping: */
	const unsigned char *raw;
	size_t raw_len;
	int raw_is_gzip;	/* raw is a gzip stream of data */
} inkan_report_item;

typedef struct inkan_report_extract_cb {
	void *arg;
	/* a report was found; non-OK stops the extraction with that status */
	inkan_status (*item)(void *arg, const inkan_report_item *item);
	/* a part could not be read (bomb, bad gzip, ...); extraction goes on
	 * with the rest. @origin and @msg are borrowed for the call. */
	void (*error)(void *arg, const char *origin, inkan_status st,
		const char *msg);
} inkan_report_extract_cb;

/*
 * Find the reports in @len bytes (borrowed) of unknown kind: XML, gzip,
 * zip, one RFC 5322 message (MIME, base64 or quoted-printable parts,
 * nested message/rfc822), possibly after an mbox From_ line. Whole mbox
 * files and Maildirs are split by inkan/mailbox.h first. @origin names the
 * input in messages.
 * Returns INKAN_OK when the input was read (even if parts had errors,
 * which went to cb->error), INKAN_ERR_NOT_FOUND when nothing in it looks
 * like a report, or a status cb->item returned.
 */
INKAN_API inkan_status inkan_report_extract(const inkan_ctx *ctx,
	const void *data, size_t len, const char *origin,
	const inkan_report_limits *lim, const inkan_report_extract_cb *cb);


/* ---- storing what was received (the owner-side tables) --------------- */

struct inkan_report_store;	/* inkan/report.h */

typedef struct inkan_report_ingest_stats {
	unsigned aggregate_new;		/* reports stored */
	unsigned aggregate_dup;		/* already stored: left alone */
	unsigned failure_new;
	unsigned failure_dup;
	unsigned errors;		/* parts or reports refused */
	uint64_t records;		/* records stored */
} inkan_report_ingest_stats;

/* Called for each part or report that is refused; borrowed strings. */
typedef void (*inkan_report_error_fn)(void *arg, const char *origin,
	const char *msg);

typedef struct inkan_report_ingest_opts {
	const inkan_report_limits *lim;		/* NULL: defaults */
	/* when set, reports whose policy domain is not one of these are
	 * refused ("not one of your domains") */
	const char *const *domains;
	size_t ndomains;
	inkan_report_error_fn on_error;		/* may be NULL */
	void *arg;
} inkan_report_ingest_opts;

/*
 * Find, parse and store every report in @len bytes (borrowed) of one
 * input (see inkan_report_extract). Each aggregate report is stored in one
 * transaction with its raw XML (gzip) or not at all; a report already
 * stored under the same (org_name, report_id, begin, end, policy domain)
 * is left alone, and so is a failure report with the same SHA-256, so
 * ingesting the same input again changes nothing. Refused parts go to
 * opts->on_error and are counted; the rest of the input is still stored.
 * @stats (may be NULL) is added to. Returns INKAN_OK unless the store
 * failed (INKAN_ERR_IO, INKAN_ERR_NOMEM): then the input must not be
 * considered stored (an IMAP message is not marked).
 */
INKAN_API inkan_status inkan_report_ingest(struct inkan_report_store *s,
	const void *data, size_t len, const char *origin,
	const inkan_report_ingest_opts *opts,
	inkan_report_ingest_stats *stats);

#ifdef __cplusplus
}
#endif

#endif
