/* SPDX-License-Identifier: MIT */
/*
 * inkan/report_owner.h - answers from the aggregate reports a domain owner
 * received (stored by inkan_report_ingest, inkan/report_intake.h): per
 * policy domain and period, volume, pass rates, sources with PTR and
 * class, what fails and why, and the roll-out verdict; reverse DNS for
 * the sources; the lists the dashboard shows.
 *
 * Ownership: a summary is filled by inkan_report_summary_build() and
 * freed with inkan_report_summary_free(); tables with
 * inkan_report_table_free(); raw XML with inkan_report_raw_free().
 * Strings inside are owned by what holds them.
 */
#ifndef INKAN_REPORT_OWNER_H
#define INKAN_REPORT_OWNER_H

#include <stddef.h>
#include <stdint.h>
#include <inkan/export.h>
#include <inkan/dns.h>
#include <inkan/report.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum inkan_report_src_class {
	INKAN_REPORT_SRC_OWN = 0,		/* your own IPs (state, SPF) */
	INKAN_REPORT_SRC_PROVIDER = 1,	/* a known sending provider */
	INKAN_REPORT_SRC_FORWARDER = 2,	/* SPF fails, DKIM passes: relayed mail */
	INKAN_REPORT_SRC_UNKNOWN = 3,
	INKAN_REPORT_SRC__COUNT
} inkan_report_src_class;

INKAN_API const char *inkan_report_src_class_name(inkan_report_src_class c);

typedef struct inkan_report_sum_source {
	char ip[64];
	char ptr[256];		/* "" when unknown */
	int ptr_confirmed;
	inkan_report_src_class cls;
	char evidence[256];
	uint64_t msgs, pass, spf_aligned, dkim_aligned;
	char spf_domain[128], spf_result[16];	/* most common auth result */
	char dkim_domain[128], dkim_result[16];
	uint64_t no_dkim, list;
	int64_t first_seen;	/* earliest report begin, any period */
	int new_failing;	/* fails, and first seen in the period */
	char why[512];		/* what fails, "" when all passes */
	char fix[512];
} inkan_report_sum_source;

typedef struct inkan_report_sum_day {
	int64_t day;		/* UTC day start */
	uint64_t msgs, pass;
} inkan_report_sum_day;

typedef struct inkan_report_sum_reporter {
	char org[128];
	uint64_t reports, msgs, pass;
} inkan_report_sum_reporter;

typedef struct inkan_report_sum_domain {
	char domain[256];
	char p[16];			/* newest published policy */
	uint64_t reports, msgs, pass, spf_aligned, dkim_aligned;
	int64_t first, last;
	inkan_report_sum_source *src;
	size_t nsrc;
	inkan_report_sum_day *days;
	size_t ndays;
	inkan_report_sum_reporter *rep;
	size_t nrep;
	uint64_t class_msgs[INKAN_REPORT_SRC__COUNT], class_pass[INKAN_REPORT_SRC__COUNT];
	int ready;			/* the verdict allows the next step */
	char verdict[1024];
	size_t nnew_failing;		/* failing sources first seen in period */
} inkan_report_sum_domain;

typedef struct inkan_report_summary {
	inkan_report_sum_domain *d;
	size_t nd;
} inkan_report_summary;

/* What the owner told us about their sources. */
typedef struct inkan_report_sum_opts {
	const char *domain;		/* only this one, or NULL */
	int64_t since;			/* reports beginning at or after */
	const char *const *own_nets;	/* "192.0.2.0/24", "2001:db8::/32" */
	size_t nown;
	const char *const *includes;	/* SPF include targets of yours */
	size_t nincludes;
	size_t max_sources;		/* per domain, 0: 50 */
} inkan_report_sum_opts;

INKAN_API inkan_status inkan_report_summary_build(inkan_report_store *s,
	const inkan_report_sum_opts *o, inkan_report_summary *out);
INKAN_API void inkan_report_summary_free(const inkan_ctx *ctx,
	inkan_report_summary *sum);

/* the newest report end in the store (0 when empty) */
INKAN_API int64_t inkan_report_newest(inkan_report_store *s);

/*
 * owner_enrich.c: PTR with forward confirmation for every source IP not
 * yet in ptr_cache, @window questions at a time, starting no new round
 * after @budget_ms. *resolved: IPs cached; *left: IPs still to do.
 */
INKAN_API inkan_status inkan_report_enrich(inkan_report_store *s,
	struct inkan_resolver *r,
	size_t window, int64_t budget_ms, size_t *resolved, size_t *left);

/* ---- lists for the dashboard ---------------------------------------- */

/* Rows of text cells (NULL for SQL NULL). */
typedef struct inkan_report_table inkan_report_table;
INKAN_API size_t inkan_report_table_rows(const inkan_report_table *t);
INKAN_API size_t inkan_report_table_cols(const inkan_report_table *t);
INKAN_API const char *inkan_report_table_get(const inkan_report_table *t,
	size_t row, size_t col);
INKAN_API void inkan_report_table_free(inkan_report_table *t);

/* Received reports, newest first: id, org_name, report_id, begin_ts,
 * end_ts, policy_domain, nrecords, messages, origin. @domain NULL: all. */
INKAN_API inkan_status inkan_report_list_reports(inkan_report_store *s,
	const char *domain, int64_t since, int64_t limit,
	inkan_report_table **out);
/* One source's records: report id, org_name, begin_ts, count,
 * disposition, dkim_eval, spf_eval, header_from, envelope_from, dkim,
 * spf, reason. */
INKAN_API inkan_status inkan_report_list_source(inkan_report_store *s,
	const char *domain, const char *ip, int64_t since, int64_t limit,
	inkan_report_table **out);
/* Failure reports: id, reporter, reported_domain, source_ip,
 * arrival_date, auth_failure, orig_from, orig_subject, has_arf. */
INKAN_API inkan_status inkan_report_list_failures(inkan_report_store *s,
	const char *domain, int64_t limit, inkan_report_table **out);
/* The raw XML of received report @id (at most @max bytes), into *xml
 * (NUL-terminated, *len bytes; free with inkan_report_raw_free).
 * INKAN_ERR_NOT_FOUND: no such report. */
INKAN_API inkan_status inkan_report_raw(inkan_report_store *s, int64_t id,
	size_t max, char **xml, size_t *len);
INKAN_API void inkan_report_raw_free(inkan_report_store *s, char *xml);

#ifdef __cplusplus
}
#endif

#endif
