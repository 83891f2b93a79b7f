/* SPDX-License-Identifier: MIT */
/*
 * owner_schema.h - the owner-side tables (issue 13), as the SQL of the
 * report store's migration 2 (listed in schema.c). Names start with rua_
 * and ruf_ so they never meet the receiver's reports/report_rows.
 *
 * rua_reports   one received aggregate report; UNIQUE on the RFC's
 *               identity plus the date range and policy domain
 * rua_records   its records (policy_evaluated verdicts copied, the
 *               dkim/spf auth results encoded "domain:sel|scope:result;...")
 * rua_raw       the report as received, gzip then base64, for re-parsing
 *               after a parser fix
 * ruf_reports   failure reports, unique by the SHA-256 of the message
 * ptr_cache     reverse DNS of source IPs (PTR, forward-confirmed)
 */
#ifndef INKAN_REPORT_OWNER_SCHEMA_H
#define INKAN_REPORT_OWNER_SCHEMA_H

#define IK_OWNER_REPORTS_COLS \
	"  org_name TEXT NOT NULL,\n" \
	"  report_id TEXT NOT NULL,\n" \
	"  begin_ts BIGINT NOT NULL,\n" \
	"  end_ts BIGINT NOT NULL,\n" \
	"  policy_domain TEXT NOT NULL,\n" \
	"  email TEXT, extra_contact TEXT, generator TEXT, version TEXT,\n" \
	"  rfc9990 INTEGER NOT NULL,\n" \
	"  adkim TEXT, aspf TEXT, p TEXT, sp TEXT, np TEXT, pct INTEGER,\n" \
	"  fo TEXT, testing TEXT, discovery TEXT,\n" \
	"  origin TEXT NOT NULL,\n" \
	"  received BIGINT NOT NULL,\n" \
	"  nrecords BIGINT NOT NULL,\n" \
	"  messages BIGINT NOT NULL DEFAULT 0,\n" \
	"  UNIQUE (org_name, report_id, begin_ts, end_ts, policy_domain)\n"

#define IK_OWNER_RECORDS_COLS \
	"  report BIGINT NOT NULL REFERENCES rua_reports(id),\n" \
	"  source_ip TEXT NOT NULL,\n" \
	"  count BIGINT NOT NULL,\n" \
	"  disposition TEXT NOT NULL,\n" \
	"  dkim_eval TEXT NOT NULL,\n" \
	"  spf_eval TEXT NOT NULL,\n" \
	"  reason TEXT NOT NULL,\n" \
	"  header_from TEXT NOT NULL,\n" \
	"  envelope_from TEXT NOT NULL,\n" \
	"  dkim TEXT NOT NULL,\n" \
	"  spf TEXT NOT NULL,\n" \
	"  dmarc_pass INTEGER NOT NULL,\n" \
	"  dkim_aligned INTEGER NOT NULL,\n" \
	"  spf_aligned INTEGER NOT NULL\n"

#define IK_OWNER_RUF_COLS \
	"  digest TEXT NOT NULL UNIQUE,\n" \
	"  received BIGINT NOT NULL,\n" \
	"  origin TEXT NOT NULL,\n" \
	"  has_arf INTEGER NOT NULL,\n" \
	"  reporter TEXT, report_date TEXT, reported_domain TEXT,\n" \
	"  source_ip TEXT, arrival_date TEXT, feedback_type TEXT,\n" \
	"  auth_failure TEXT, delivery_result TEXT, dkim_domain TEXT,\n" \
	"  dkim_selector TEXT, original_mail_from TEXT, orig_from TEXT,\n" \
	"  orig_subject TEXT, orig_message_id TEXT,\n" \
	"  authentication_results TEXT,\n" \
	"  raw_gzip_b64 TEXT NOT NULL\n"

#define IK_OWNER_TAIL \
	"CREATE INDEX rua_records_report ON rua_records(report);\n" \
	"CREATE INDEX rua_records_ip ON rua_records(source_ip);\n" \
	"CREATE INDEX rua_reports_domain ON rua_reports(policy_domain," \
	" begin_ts);\n" \
	"CREATE TABLE rua_raw (\n" \
	"  report BIGINT PRIMARY KEY REFERENCES rua_reports(id),\n" \
	"  gzip_b64 TEXT NOT NULL\n" \
	");\n" \
	"CREATE TABLE ptr_cache (\n" \
	"  ip TEXT PRIMARY KEY,\n" \
	"  ptr TEXT,\n" \
	"  confirmed INTEGER NOT NULL,\n" \
	"  status TEXT NOT NULL,\n" \
	"  checked BIGINT NOT NULL\n" \
	");\n"

#define IK_OWNER_SQL_SQLITE \
	"CREATE TABLE rua_reports (\n" \
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,\n" IK_OWNER_REPORTS_COLS ");\n" \
	"CREATE TABLE rua_records (\n" \
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,\n" IK_OWNER_RECORDS_COLS ");\n" \
	"CREATE TABLE ruf_reports (\n" \
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,\n" IK_OWNER_RUF_COLS ");\n" \
	IK_OWNER_TAIL

#define IK_OWNER_SQL_PG \
	"CREATE TABLE rua_reports (\n" \
	"  id BIGSERIAL PRIMARY KEY,\n" IK_OWNER_REPORTS_COLS ");\n" \
	"CREATE TABLE rua_records (\n" \
	"  id BIGSERIAL PRIMARY KEY,\n" IK_OWNER_RECORDS_COLS ");\n" \
	"CREATE TABLE ruf_reports (\n" \
	"  id BIGSERIAL PRIMARY KEY,\n" IK_OWNER_RUF_COLS ");\n" \
	IK_OWNER_TAIL

#endif
