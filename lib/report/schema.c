/* SPDX-License-Identifier: MIT */
/*
 * schema.c - the report store's schema, as an append-only list of
 * migrations. A store records which migrations it has applied in
 * inkan_schema; opening a store applies the missing ones, each in its own
 * transaction, so a crash leaves the store at a whole version. A store
 * newer than this library is refused (INKAN_ERR_UNSUPPORTED) rather than
 * written to with the wrong columns.
 *
 * Append new migrations at the end (the owner-side intake adds its tables
 * as migration 2, 3, ...). Never edit one that has shipped.
 *
 * Dialects: INTEGER PRIMARY KEY AUTOINCREMENT (SQLite) vs BIGSERIAL
 * (PostgreSQL); everything else is common SQL (partial indexes and
 * ON CONFLICT exist in both).
 */
#include <stdio.h>
#include <string.h>

#include "core/ctx_internal.h"
#include "report/store_internal.h"
#include "report/owner_schema.h"

#define ROWS_COLS \
	"  time BIGINT NOT NULL,\n" \
	"  source_ip TEXT NOT NULL,\n" \
	"  header_from TEXT NOT NULL,\n" \
	"  envelope_from TEXT,\n" \
	"  envelope_to TEXT,\n" \
	"  spf_domain TEXT,\n" \
	"  spf_scope INTEGER NOT NULL,\n" \
	"  spf_result INTEGER NOT NULL,\n" \
	"  spf_human TEXT,\n" \
	"  dkim TEXT NOT NULL,\n" \
	"  dmarc INTEGER NOT NULL,\n" \
	"  dkim_aligned INTEGER NOT NULL,\n" \
	"  spf_aligned INTEGER NOT NULL,\n" \
	"  disposition INTEGER NOT NULL,\n" \
	"  reasons TEXT NOT NULL,\n" \
	"  policy_domain TEXT NOT NULL,\n" \
	"  p INTEGER NOT NULL,\n" \
	"  sp INTEGER NOT NULL,\n" \
	"  np INTEGER NOT NULL,\n" \
	"  adkim TEXT,\n" \
	"  aspf TEXT,\n" \
	"  fo TEXT,\n" \
	"  testing INTEGER NOT NULL,\n" \
	"  discovery INTEGER NOT NULL,\n" \
	"  rua TEXT,\n" \
	"  ruf TEXT,\n" \
	"  ri BIGINT NOT NULL,\n" \
	"  error TEXT,\n" \
	"  flags INTEGER NOT NULL\n"

#define REPORTS_COLS \
	"  policy_domain TEXT NOT NULL,\n" \
	"  begin_ts BIGINT NOT NULL,\n" \
	"  end_ts BIGINT NOT NULL,\n" \
	/* RFC 9990 3.5.1 Report-ID and 3.5.2 filename: fixed at build */ \
	"  rid TEXT NOT NULL UNIQUE,\n" \
	"  filename TEXT NOT NULL,\n" \
	"  created BIGINT NOT NULL,\n" \
	"  nrows BIGINT NOT NULL,\n" \
	"  nrecords BIGINT NOT NULL,\n" \
	/* the rows it covers: its domain and window, min_id < id <= max_id \
	 * (a claim never rewrites rows; see claim.c) */ \
	"  min_id BIGINT NOT NULL,\n" \
	"  max_id BIGINT NOT NULL,\n" \
	/* built: deliveries pending; done: every destination settled */ \
	"  state TEXT NOT NULL\n"

#define COMMON_TAIL \
	"CREATE INDEX report_rows_domain ON report_rows(policy_domain, time);\n" \
	"CREATE INDEX reports_window ON reports(policy_domain, begin_ts);\n" \
	"CREATE INDEX reports_state ON reports(state);\n" \
	/* hours of each policy domain that hold rows not yet in a report, \
	 * kept by the writer: what a claim has to look at */ \
	"CREATE TABLE report_windows (\n" \
	"  policy_domain TEXT NOT NULL,\n" \
	"  hour BIGINT NOT NULL,\n" \
	"  PRIMARY KEY (policy_domain, hour)\n" \
	");\n" \
	"CREATE TABLE report_deliveries (\n" \
	"  report BIGINT NOT NULL REFERENCES reports(id),\n" \
	"  uri TEXT NOT NULL,\n" \
	/* pending, sent, skipped (deny, unauthorized, cap, size), failed */ \
	"  state TEXT NOT NULL,\n" \
	"  reason TEXT,\n" \
	"  attempts INTEGER NOT NULL,\n" \
	"  updated BIGINT NOT NULL,\n" \
	"  PRIMARY KEY (report, uri)\n" \
	");\n" \
	"CREATE INDEX report_deliveries_sent ON report_deliveries(uri, updated)" \
	" WHERE state = 'sent';\n"

/* Migration 3: failure reports wait here until `report send`; the
 * message is kept base64-encoded, because a header section may carry
 * 8-bit bytes that a PostgreSQL TEXT column would refuse. */
#define FAILURE_COLS \
	"  policy_domain TEXT NOT NULL,\n" \
	"  uri TEXT NOT NULL,\n" \
	"  created BIGINT NOT NULL,\n" \
	"  message_b64 TEXT NOT NULL,\n" \
	/* pending, sent, skipped (deny, unauthorized, rate), failed */ \
	"  state TEXT NOT NULL,\n" \
	"  reason TEXT,\n" \
	"  attempts INTEGER NOT NULL,\n" \
	"  updated BIGINT NOT NULL);\n" \
	"CREATE INDEX failure_reports_state ON failure_reports(state, uri," \
	" updated);\n"

const ik_report_migration ik_report_migrations[] = {
	{
		1, "receiver rows, reports and deliveries",
		"CREATE TABLE report_rows (\n"
		"  id INTEGER PRIMARY KEY AUTOINCREMENT,\n" ROWS_COLS ");\n"
		"CREATE TABLE reports (\n"
		"  id INTEGER PRIMARY KEY AUTOINCREMENT,\n" REPORTS_COLS ");\n"
		COMMON_TAIL,
		"CREATE TABLE report_rows (\n"
		"  id BIGSERIAL PRIMARY KEY,\n" ROWS_COLS ");\n"
		"CREATE TABLE reports (\n"
		"  id BIGSERIAL PRIMARY KEY,\n" REPORTS_COLS ");\n"
		COMMON_TAIL,
	},
	{
		2, "owner side: received aggregate and failure reports, raw"
		" reports, PTR cache",
		IK_OWNER_SQL_SQLITE, IK_OWNER_SQL_PG,
	},
	{
		3, "failure reports queued for sending (RFC 9991)",
		"CREATE TABLE failure_reports (\n"
		"  id INTEGER PRIMARY KEY AUTOINCREMENT,\n" FAILURE_COLS,
		"CREATE TABLE failure_reports (\n"
		"  id BIGSERIAL PRIMARY KEY,\n" FAILURE_COLS,
	},
	/* append here */
};
const size_t ik_report_nmigrations =
	sizeof ik_report_migrations / sizeof ik_report_migrations[0];

static int
newest(void)
{
	return ik_report_migrations[ik_report_nmigrations - 1].number;
}

static inkan_status
current_version(inkan_report_store *s, int *v)
{
	ik_report_res r = { 0 };
	inkan_status st = ik_report_query(s,
	    "SELECT COALESCE(MAX(version), 0) FROM inkan_schema", NULL, 0,
	    &r, NULL);
	if (st != INKAN_OK)
		return st;
	*v = (int)ik_report_res_int(&r, 0, 0);
	ik_report_res_free(&r);
	return INKAN_OK;
}

static void
set_err(char *err, size_t errlen, const char *what, inkan_report_store *s)
{
	if (err && errlen)
		snprintf(err, errlen, "%s: %s", what, s->ops->errmsg(s->db));
}

inkan_status
ik_report_schema_migrate(inkan_report_store *s, int *version, char *err,
	size_t errlen)
{
	int pg = s->backend == INKAN_REPORT_BACKEND_POSTGRESQL;
	inkan_status st = ik_report_exec(s,
	    "CREATE TABLE IF NOT EXISTS inkan_schema (\n"
	    "  version INTEGER PRIMARY KEY,\n"
	    "  what TEXT NOT NULL,\n"
	    "  applied BIGINT NOT NULL)");
	if (st != INKAN_OK) {
		set_err(err, errlen, "creating inkan_schema", s);
		return INKAN_ERR_INTERNAL;
	}
	for (;;) {
		int v = 0;
		/* IMMEDIATE: take SQLite's write lock before reading the
		 * version, so two processes migrating do not both apply */
		st = ik_report_exec(s, pg ? "BEGIN" : "BEGIN IMMEDIATE");
		if (st != INKAN_OK) {
			set_err(err, errlen, "begin", s);
			return INKAN_ERR_IO;
		}
		/* PostgreSQL: hosts sharing the store migrate one at a time */
		if (pg && ik_report_exec(s,
		    "SELECT pg_advisory_xact_lock(7234001)") != INKAN_OK)
			goto fail;
		if (current_version(s, &v) != INKAN_OK)
			goto fail;
		if (v > newest()) {
			ik_report_exec(s, "ROLLBACK");
			if (err && errlen)
				snprintf(err, errlen, "store schema version %d"
				    " is newer than this inkan (%d)", v,
				    newest());
			return INKAN_ERR_UNSUPPORTED;
		}
		const ik_report_migration *m = NULL;
		for (size_t i = 0; i < ik_report_nmigrations; i++)
			if (ik_report_migrations[i].number == v + 1)
				m = &ik_report_migrations[i];
		if (!m) {
			ik_report_exec(s, "ROLLBACK");
			*version = v;
			return INKAN_OK;
		}
		const char *sql = pg && m->sql_pg ? m->sql_pg : m->sql_sqlite;
		if (ik_report_exec(s, sql) != INKAN_OK)
			goto fail;
		ik_report_param p[3] = {
			IK_RP_I(m->number), IK_RP_S(m->what),
			IK_RP_I(inkan_ctx_now(s->ctx))
		};
		if (ik_report_query(s, "INSERT INTO inkan_schema"
		    " (version, what, applied) VALUES (?, ?, ?)", p, 3, NULL,
		    NULL) != INKAN_OK)
			goto fail;
		if (ik_report_exec(s, "COMMIT") != INKAN_OK)
			goto fail;
		ik_log(s->ctx, INKAN_LOG_INFO, "report store: schema %d (%s)",
		    m->number, m->what);
		continue;
fail:
		set_err(err, errlen, "migration", s);
		ik_report_exec(s, "ROLLBACK");
		return INKAN_ERR_INTERNAL;
	}
}
