/* SPDX-License-Identifier: MIT */
/*
 * test_report_util.c - what every report test shares: which store to use
 * (INKAN_TEST_STORE: a postgresql:// URI from pg_run.py; unset: a fresh
 * SQLite file in a temporary directory), and a row maker.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_report_util.h"

static char tmpdir[256];
static int counter;

int
tr_is_pg(void)
{
	const char *u = getenv("INKAN_TEST_STORE");
	return u && strncmp(u, "postgres", 8) == 0;
}

/* A fresh store for one test: a new SQLite file, or an empty
 * PostgreSQL database (tables dropped, so every test starts clean). */
void
tr_store_uri(char *out, size_t len)
{
	const char *u = getenv("INKAN_TEST_STORE");
	if (u && *u) {
		snprintf(out, len, "%s", u);
		return;
	}
	if (!tmpdir[0]) {
		snprintf(tmpdir, sizeof tmpdir, "/tmp/inkan-report-XXXXXX");
		if (!mkdtemp(tmpdir))
			abort();
	}
	snprintf(out, len, "%s/store%d.db", tmpdir, counter++);
}

const char *
tr_tmpdir(void)
{
	if (!tmpdir[0]) {
		snprintf(tmpdir, sizeof tmpdir, "/tmp/inkan-report-XXXXXX");
		if (!mkdtemp(tmpdir))
			abort();
	}
	return tmpdir;
}

void
tr_store_reset(const char *uri)
{
	if (strncmp(uri, "postgres", 8) != 0) {
		char p[600];
		unlink(uri);
		snprintf(p, sizeof p, "%s-wal", uri);
		unlink(p);
		snprintf(p, sizeof p, "%s-shm", uri);
		unlink(p);
		return;
	}
	/* psql is in the PostgreSQL client package the test server needs */
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "psql -q -X -v ON_ERROR_STOP=1 '%s' -c "
	    "'DROP SCHEMA public CASCADE; CREATE SCHEMA public;'"
	    " >/dev/null 2>&1", uri);
	if (system(cmd) != 0)
		abort();
}

void
tr_cleanup(void)
{
	if (tmpdir[0]) {
		char cmd[300];
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
		if (system(cmd) != 0)
			fprintf(stderr, "cleanup of %s failed\n", tmpdir);
	}
}

void
tr_row(inkan_report_row *r, tr_row_storage *st, int64_t time,
	const char *ip, const char *from, const char *policy_domain)
{
	memset(r, 0, sizeof *r);
	memset(st, 0, sizeof *st);
	r->time = time;
	r->source_ip = ip;
	r->header_from = from;
	r->envelope_from = from;
	r->envelope_to = "receiver.example";
	r->spf_domain = from;
	r->spf_scope_mfrom = 1;
	r->spf_result = INKAN_REPORT_PASS;
	st->dkim[0].domain = from;
	st->dkim[0].selector = "s1";
	st->dkim[0].result = INKAN_REPORT_PASS;
	r->dkim = st->dkim;
	r->ndkim = 1;
	r->dmarc = INKAN_DMARC_PASS;
	r->dkim_aligned = 1;
	r->spf_aligned = 1;
	r->disposition = INKAN_REPORT_DISP_NONE;
	r->policy.domain = policy_domain;
	r->policy.p = INKAN_DMARC_POLICY_NONE;
	r->policy.discovery = INKAN_DMARC_DISCOVERY_TREEWALK;
	r->policy.rua = "mailto:dmarc@example.com";
}
