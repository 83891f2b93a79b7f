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

/* Rows in the store (all, reported or not); for tests and tools. */
INKAN_API inkan_status inkan_report_store_count_rows(inkan_report_store *s,
	int64_t *out);

#ifdef __cplusplus
}
#endif
#endif
