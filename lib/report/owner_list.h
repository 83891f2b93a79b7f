/* SPDX-License-Identifier: MIT */
/* owner_list.h - lists for the dashboard (owner_list.c). Results are
 * owned by the caller: ik_report_res_free(). */
#ifndef INKAN_REPORT_OWNER_LIST_H
#define INKAN_REPORT_OWNER_LIST_H

#include "report/store_internal.h"
#include "core/buf.h"

/* id, org_name, report_id, begin_ts, end_ts, policy_domain, nrecords,
 * messages, origin; newest first. @domain NULL: all. */
inkan_status ik_owner_reports(inkan_report_store *s, const char *domain,
	int64_t since, int64_t limit, ik_report_res *out);
/* report id, org_name, begin_ts, count, disposition, dkim_eval, spf_eval,
 * header_from, envelope_from, dkim, spf, reason */
inkan_status ik_owner_source_records(inkan_report_store *s,
	const char *domain, const char *ip, int64_t since, int64_t limit,
	ik_report_res *out);
/* id, reporter, reported_domain, source_ip, arrival_date, auth_failure,
 * orig_from, orig_subject, has_arf */
inkan_status ik_owner_failures(inkan_report_store *s, const char *domain,
	int64_t limit, ik_report_res *out);
/* the raw XML of report @id into @out (bounded by out->max and @max
 * compressed bytes); INKAN_ERR_NOT_FOUND when there is none */
inkan_status ik_owner_raw(inkan_report_store *s, int64_t id, size_t max,
	ik_buf *out);

#endif
