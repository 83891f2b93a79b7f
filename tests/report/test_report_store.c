/* SPDX-License-Identifier: MIT */
/*
 * test_report_store.c - the report store on whichever backend
 * INKAN_TEST_STORE names (SQLite by default; pg_run.py runs the same
 * program against a PostgreSQL server it starts): schema creation and
 * versioning, rows in and back out with every field, validation, the
 * bounded queue, many recording threads, and the URI parser.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <cmocka.h>

#include <inkan/inkan.h>
#include "report/store_internal.h"
#include "test_report_util.h"

static inkan_ctx *ctx;

static inkan_report_store *
open_fresh(char *uri, size_t len)
{
	inkan_report_store *s = NULL;
	char err[256];
	tr_store_uri(uri, len);
	tr_store_reset(uri);
	inkan_status st = inkan_report_store_open(ctx, uri, 0, &s, err,
	    sizeof err);
	if (st != INKAN_OK)
		fprintf(stderr, "open %s: %s\n", uri, err);
	assert_int_equal(st, INKAN_OK);
	return s;
}

static void
test_schema_created_and_versioned(void **state)
{
	(void)state;
	char uri[512];
	inkan_report_store *s = open_fresh(uri, sizeof uri);
	int v = inkan_report_store_schema_version(s);
	assert_int_equal(v, ik_report_migrations[ik_report_nmigrations - 1]
	    .number);
	assert_string_equal(inkan_report_store_backend_name(s),
	    tr_is_pg() ? "postgresql" : "sqlite");
	/* pretend a newer inkan migrated it: this one must refuse */
	assert_int_equal(ik_report_exec(s, "INSERT INTO inkan_schema"
	    " (version, what, applied) VALUES (999, 'future', 0)"), INKAN_OK);
	inkan_report_store_close(s);
	char err[256] = "";
	assert_int_equal(inkan_report_store_open(ctx, uri, 0, &s, err,
	    sizeof err), INKAN_ERR_UNSUPPORTED);
	assert_null(s);
	assert_non_null(strstr(err, "newer"));
	tr_store_reset(uri);
	/* reopening an up-to-date store changes nothing */
	assert_int_equal(inkan_report_store_open(ctx, uri, 0, &s, NULL, 0),
	    INKAN_OK);
	inkan_report_store_close(s);
	assert_int_equal(inkan_report_store_open(ctx, uri, 0, &s, NULL, 0),
	    INKAN_OK);
	ik_report_res r;
	assert_int_equal(ik_report_query(s, "SELECT COUNT(*) FROM"
	    " inkan_schema", NULL, 0, &r, NULL), INKAN_OK);
	assert_int_equal(ik_report_res_int(&r, 0, 0),
	    (int64_t)ik_report_nmigrations);
	ik_report_res_free(&r);
	inkan_report_store_close(s);
}

static void
test_row_round_trip(void **state)
{
	(void)state;
	char uri[512];
	inkan_report_store *s = open_fresh(uri, sizeof uri);
	inkan_report_row r;
	tr_row_storage rs;
	tr_row(&r, &rs, 1700000000, "2001:DB8::1", "Mail.Example.COM",
	    "example.com");
	rs.dkim[1] = (inkan_report_dkim){ "esp.example", "k\x1f" "2",
	    INKAN_REPORT_FAIL, "body hash did not verify" };
	r.ndkim = 2;
	rs.reasons[0] = (inkan_report_reason){
	    INKAN_REPORT_OVERRIDE_MAILING_LIST, "list <x> & \"y\"" };
	r.reasons = rs.reasons;
	r.nreasons = 1;
	r.envelope_from = "";	/* null reverse-path */
	r.spf_result = INKAN_REPORT_SOFTFAIL;
	r.disposition = INKAN_REPORT_DISP_QUARANTINE;
	r.policy.p = INKAN_DMARC_POLICY_QUARANTINE;
	r.policy.np = INKAN_DMARC_POLICY_REJECT;
	r.policy.adkim = 's';
	r.policy.testing = 1;
	r.policy.fo = "1:d";
	r.policy.ri = 3600;
	assert_int_equal(inkan_report_store_add(s, &r), INKAN_OK);
	assert_int_equal(inkan_report_store_flush(s), INKAN_OK);

	ik_report_res q;
	assert_int_equal(ik_report_query(s, "SELECT source_ip, header_from,"
	    " envelope_from, envelope_to, spf_result, dkim, reasons,"
	    " disposition, np, adkim, aspf, testing, fo, ri, time"
	    " FROM report_rows", NULL, 0, &q, NULL), INKAN_OK);
	assert_int_equal(q.nrows, 1);
	assert_string_equal(ik_report_res_get(&q, 0, 0), "2001:db8::1");
	assert_string_equal(ik_report_res_get(&q, 0, 1), "mail.example.com");
	assert_string_equal(ik_report_res_get(&q, 0, 2), "");
	assert_string_equal(ik_report_res_get(&q, 0, 3), "receiver.example");
	assert_int_equal(ik_report_res_int(&q, 0, 4), INKAN_REPORT_SOFTFAIL);
	/* the separator inside the selector was neutralised */
	assert_string_equal(ik_report_res_get(&q, 0, 5),
	    "mail.example.com\x1fs1\x1f" "1\x1e"
	    "esp.example\x1fk?2\x1f" "2\x1f" "body hash did not verify");
	assert_string_equal(ik_report_res_get(&q, 0, 6),
	    "2\x1flist <x> & \"y\"");
	assert_int_equal(ik_report_res_int(&q, 0, 7),
	    INKAN_REPORT_DISP_QUARANTINE);
	assert_int_equal(ik_report_res_int(&q, 0, 8), INKAN_DMARC_POLICY_REJECT);
	assert_string_equal(ik_report_res_get(&q, 0, 9), "s");
	assert_null(ik_report_res_get(&q, 0, 10));
	assert_int_equal(ik_report_res_int(&q, 0, 11), 1);
	assert_string_equal(ik_report_res_get(&q, 0, 12), "1:d");
	assert_int_equal(ik_report_res_int(&q, 0, 13), 3600);
	assert_int_equal(ik_report_res_int(&q, 0, 14), 1700000000);
	ik_report_res_free(&q);
	/* the writer marked the row's hour for the next claim */
	assert_int_equal(ik_report_query(s, "SELECT policy_domain, hour FROM"
	    " report_windows", NULL, 0, &q, NULL), INKAN_OK);
	assert_int_equal(q.nrows, 1);
	assert_string_equal(ik_report_res_get(&q, 0, 0), "example.com");
	assert_int_equal(ik_report_res_int(&q, 0, 1), 1700000000 / 3600);
	ik_report_res_free(&q);
	inkan_report_store_close(s);
}

static void
test_invalid_rows_refused(void **state)
{
	(void)state;
	char uri[512];
	inkan_report_store *s = open_fresh(uri, sizeof uri);
	inkan_report_row r;
	tr_row_storage rs;
	tr_row(&r, &rs, 1, "192.0.2.1", "a.example", "a.example");
	r.source_ip = NULL;
	assert_int_equal(inkan_report_store_add(s, &r), INKAN_ERR_INVALID);
	tr_row(&r, &rs, 1, "192.0.2.1", "a.example", NULL);
	assert_int_equal(inkan_report_store_add(s, &r), INKAN_ERR_INVALID);
	tr_row(&r, &rs, 1, "192.0.2.1", "a.example", "a.example");
	rs.dkim[0].result = INKAN_REPORT_SOFTFAIL;	/* not a DKIM result */
	assert_int_equal(inkan_report_store_add(s, &r), INKAN_ERR_INVALID);
	tr_row(&r, &rs, 1, "192.0.2.1", "a.example", "a.example");
	r.ndkim = 101;	/* RFC 9990 3.1.3 */
	assert_int_equal(inkan_report_store_add(s, &r), INKAN_ERR_INVALID);
	tr_row(&r, &rs, 1, "192.0.2.1", "a.example", "a.example");
	r.policy.adkim = 'x';
	assert_int_equal(inkan_report_store_add(s, &r), INKAN_ERR_INVALID);
	tr_row(&r, &rs, 1, "192.0.2.1", "a.example", "a.example");
	r.disposition = (inkan_report_disposition)9;
	assert_int_equal(inkan_report_store_add(s, &r), INKAN_ERR_INVALID);
	assert_int_equal(inkan_report_store_flush(s), INKAN_OK);
	int64_t n = -1;
	assert_int_equal(inkan_report_store_count_rows(s, &n), INKAN_OK);
	assert_int_equal(n, 0);
	inkan_report_store_close(s);
}

static void
test_full_queue_drops_and_counts(void **state)
{
	(void)state;
	char uri[512];
	inkan_report_store *s = open_fresh(uri, sizeof uri);
	inkan_report_store_set_queue_max(s, 5);
	inkan_report_row r;
	tr_row_storage rs;
	tr_row(&r, &rs, 1, "192.0.2.1", "a.example", "a.example");
	/* the writer takes nothing meanwhile, so exactly 5 fit */
	int ok = 0, dropped = 0;
	pthread_mutex_lock(&s->mu);
	s->hold = 1;
	pthread_mutex_unlock(&s->mu);
	for (int i = 0; i < 200; i++) {
		inkan_status st = inkan_report_store_add(s, &r);
		if (st == INKAN_OK)
			ok++;
		else if (st == INKAN_ERR_LIMIT)
			dropped++;
	}
	assert_int_equal(ok, 5);
	assert_int_equal(dropped, 195);
	pthread_mutex_lock(&s->mu);
	s->hold = 0;
	pthread_cond_signal(&s->cv_work);
	pthread_mutex_unlock(&s->mu);
	assert_int_equal(inkan_report_store_flush(s), INKAN_OK);
	inkan_report_store_stats stt;
	inkan_report_store_stats_get(s, &stt);
	assert_int_equal(ok + dropped, 200);
	assert_int_equal(stt.dropped, (uint64_t)dropped);
	assert_int_equal(stt.written, (uint64_t)ok);
	int64_t n = -1;
	assert_int_equal(inkan_report_store_count_rows(s, &n), INKAN_OK);
	assert_int_equal(n, ok);
	inkan_report_store_close(s);
}

typedef struct thr_arg {
	inkan_report_store *s;
	int id;
	int n;
	int failed;
} thr_arg;

static void *
recorder(void *p)
{
	thr_arg *a = p;
	char ip[64];
	for (int i = 0; i < a->n; i++) {
		inkan_report_row r;
		tr_row_storage rs;
		snprintf(ip, sizeof ip, "198.51.100.%d", a->id);
		tr_row(&r, &rs, 1700000000 + i, ip, "t.example", "t.example");
		if (inkan_report_store_add(a->s, &r) != INKAN_OK)
			a->failed++;
	}
	return NULL;
}

static void
test_threads_record_every_row(void **state)
{
	(void)state;
	char uri[512];
	inkan_report_store *s = open_fresh(uri, sizeof uri);
	pthread_t t[8];
	thr_arg a[8];
	for (int i = 0; i < 8; i++) {
		a[i] = (thr_arg){ s, i, 2000, 0 };
		assert_int_equal(pthread_create(&t[i], NULL, recorder, &a[i]),
		    0);
	}
	for (int i = 0; i < 8; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(a[i].failed, 0);
	}
	/* closing writes what is queued */
	inkan_report_store_close(s);
	assert_int_equal(inkan_report_store_open(ctx, uri, 0, &s, NULL, 0),
	    INKAN_OK);
	ik_report_res q;
	assert_int_equal(ik_report_query(s, "SELECT source_ip, COUNT(*) FROM"
	    " report_rows GROUP BY source_ip ORDER BY source_ip", NULL, 0, &q,
	    NULL), INKAN_OK);
	assert_int_equal(q.nrows, 8);
	for (size_t i = 0; i < 8; i++)
		assert_int_equal(ik_report_res_int(&q, i, 1), 2000);
	ik_report_res_free(&q);
	inkan_report_store_close(s);
}

static void
test_uri_parser(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		inkan_status st;
		inkan_report_backend be;
		const char *target;
	} v[] = {
		{ "/var/lib/inkan/r.db", INKAN_OK, INKAN_REPORT_BACKEND_SQLITE,
		    "/var/lib/inkan/r.db" },
		{ "r.db", INKAN_OK, INKAN_REPORT_BACKEND_SQLITE, "r.db" },
		{ "sqlite:r.db", INKAN_OK, INKAN_REPORT_BACKEND_SQLITE, "r.db" },
		{ "SQLite:/x/r.db", INKAN_OK, INKAN_REPORT_BACKEND_SQLITE,
		    "/x/r.db" },
		{ "sqlite:///abs.db", INKAN_OK, INKAN_REPORT_BACKEND_SQLITE,
		    "/abs.db" },
		{ "postgresql://u@127.0.0.1:5/db", INKAN_OK,
		    INKAN_REPORT_BACKEND_POSTGRESQL,
		    "postgresql://u@127.0.0.1:5/db" },
		{ "postgres://h/db?sslmode=disable", INKAN_OK,
		    INKAN_REPORT_BACKEND_POSTGRESQL,
		    "postgres://h/db?sslmode=disable" },
		{ "", INKAN_ERR_SYNTAX, 0, NULL },
		{ "sqlite:", INKAN_ERR_SYNTAX, 0, NULL },
		{ "sqlite://", INKAN_ERR_SYNTAX, 0, NULL },
		{ "mysql://h/db", INKAN_ERR_SYNTAX, 0, NULL },
		{ "http:x", INKAN_ERR_SYNTAX, 0, NULL },
		{ "postgresql://h/d b", INKAN_ERR_SYNTAX, 0, NULL },
		{ "a\nb.db", INKAN_ERR_SYNTAX, 0, NULL },
	};
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		char t[128];
		inkan_report_backend be;
		inkan_status st = inkan_report_store_uri_parse(v[i].in, &be,
		    t, sizeof t);
		assert_int_equal(st, v[i].st);
		if (st == INKAN_OK) {
			assert_int_equal(be, v[i].be);
			assert_string_equal(t, v[i].target);
		}
	}
	char big[5000];
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	inkan_report_backend be;
	assert_int_equal(inkan_report_store_uri_parse(big, &be, NULL, 0),
	    INKAN_ERR_LIMIT);
	char tiny[4];
	assert_int_equal(inkan_report_store_uri_parse("/x/y.db", &be, tiny,
	    sizeof tiny), INKAN_ERR_LIMIT);
	/* a store that cannot be reached is an error with a reason */
	inkan_report_store *s = NULL;
	char err[256] = "";
	assert_int_equal(inkan_report_store_open(ctx, "mysql://x", 0, &s, err,
	    sizeof err), INKAN_ERR_SYNTAX);
	assert_true(err[0] != '\0');
	assert_int_equal(inkan_report_store_open(ctx,
	    "/nonexistent-dir/x.db", 0, &s, err, sizeof err), INKAN_ERR_IO);
	assert_null(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_schema_created_and_versioned),
		cmocka_unit_test(test_row_round_trip),
		cmocka_unit_test(test_invalid_rows_refused),
		cmocka_unit_test(test_full_queue_drops_and_counts),
		cmocka_unit_test(test_threads_record_every_row),
		cmocka_unit_test(test_uri_parser),
	};
	if (inkan_ctx_new(NULL, &ctx) != INKAN_OK)
		return 1;
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	inkan_ctx_free(ctx);
	tr_cleanup();
	return rc;
}
