/* SPDX-License-Identifier: MIT */
/*
 * test_report_build.c - claiming due windows and rendering reports, on
 * either store: one policy domain per report, UTC-day windows (or the
 * ri interval), do-not-report rows left out, grouping into records, the
 * XML valid against RFC 9990's XSD (and RFC 7489's for --format 7489),
 * counts equal to what was recorded, and a second claim that finds
 * nothing new.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <inkan/inkan.h>
#include "report/report_internal.h"
#include "test_report_util.h"

static inkan_ctx *ctx;

#define D0 1700006400	/* a UTC midnight: 2023-11-15 00:00:00 */

static const inkan_report_reporter rep = {
	.org_name = "Receiver & Co <test>",
	.email = "postmaster@receiver.example",
	.receiver = "receiver.example",
	.generator = "inkan test",
};

static inkan_report_store *
open_fresh(void)
{
	char uri[512];
	inkan_report_store *s = NULL;
	char err[256];
	tr_store_uri(uri, sizeof uri);
	tr_store_reset(uri);
	inkan_status st = inkan_report_store_open(ctx, uri, 0, &s, err,
	    sizeof err);
	if (st != INKAN_OK)
		fprintf(stderr, "open: %s\n", err);
	assert_int_equal(st, INKAN_OK);
	return s;
}

static void
add(inkan_report_store *s, int64_t t, const char *ip, const char *from,
	const char *pd, uint32_t ri, unsigned flags, int fail)
{
	inkan_report_row r;
	tr_row_storage rs;
	tr_row(&r, &rs, t, ip, from, pd);
	r.policy.ri = ri;
	r.flags = flags;
	if (fail) {
		r.dkim_aligned = 0;
		r.spf_aligned = 0;
		r.spf_result = INKAN_REPORT_FAIL;
		rs.dkim[0].result = INKAN_REPORT_FAIL;
		r.dmarc = INKAN_DMARC_FAIL;
		r.disposition = INKAN_REPORT_DISP_NONE;
		rs.reasons[0] = (inkan_report_reason){
		    INKAN_REPORT_OVERRIDE_LOCAL_POLICY, "forwarder & list" };
		r.reasons = rs.reasons;
		r.nreasons = 1;
	}
	assert_int_equal(inkan_report_store_add(s, &r), INKAN_OK);
}

typedef struct listed {
	int n;
	inkan_report_info r[16];
	char dom[16][64];
	char fn[16][256];
} listed;

static int
collect(void *ud, const inkan_report_info *i)
{
	listed *l = ud;
	if (l->n < 16) {
		l->r[l->n] = *i;
		snprintf(l->dom[l->n], 64, "%s", i->policy_domain);
		snprintf(l->fn[l->n], 256, "%s", i->filename);
		l->r[l->n].policy_domain = l->dom[l->n];
		l->r[l->n].filename = l->fn[l->n];
		l->r[l->n].report_id = NULL;
		l->r[l->n].state = NULL;
		l->n++;
	}
	return 0;
}

static void
check_report(inkan_report_store *s, int64_t id, inkan_report_format fmt,
	int64_t messages, int64_t records, const char *domain)
{
	unsigned char *gz;
	size_t len, nrec;
	assert_int_equal(inkan_report_render(s, &rep, id, fmt, 1, &gz, &len,
	    &nrec), INKAN_OK);
	char *xml;
	size_t xlen;
	assert_int_equal(tr_gunzip(gz, len, &xml, &xlen), 0);
	tr_report_facts f;
	int rc = tr_validate(xml, xlen, fmt == INKAN_REPORT_FORMAT_RFC9990 ?
	    TR_XSD_9990 : TR_XSD_7489, fmt == INKAN_REPORT_FORMAT_RFC7489,
	    &f);
	if (rc != 0)
		fprintf(stderr, "%s\n", xml);
	assert_int_equal(rc, 0);
	assert_int_equal(f.messages, messages);
	assert_int_equal(f.records, records);
	assert_int_equal((int64_t)nrec, records);
	assert_string_equal(f.domain, domain);
	if (fmt == INKAN_REPORT_FORMAT_RFC9990) {
		assert_non_null(strstr(xml, "urn:ietf:params:xml:ns:dmarc-2.0"));
		assert_non_null(strstr(xml, "<generator>inkan test"));
		assert_non_null(strstr(xml, "<testing>n</testing>"));
		assert_non_null(strstr(xml, "<discovery_method>treewalk"));
		assert_null(strstr(xml, "<pct>"));
	} else {
		assert_null(strstr(xml, "xmlns"));
		assert_non_null(strstr(xml, "<pct>100</pct>"));
	}
	/* escaping is the writer's */
	assert_non_null(strstr(xml, "Receiver &amp; Co &lt;test&gt;"));
	/* the same report renders to the same bytes */
	unsigned char *gz2;
	size_t len2;
	assert_int_equal(inkan_report_render(s, &rep, id, fmt, 1, &gz2, &len2,
	    NULL), INKAN_OK);
	assert_int_equal(len, len2);
	assert_memory_equal(gz, gz2, len);
	inkan_free(ctx, gz);
	inkan_free(ctx, gz2);
	free(xml);
}

static void
test_windows_domains_and_records(void **state)
{
	(void)state;
	inkan_report_store *s = open_fresh();
	/* a.example: day 0 has 3 messages from one IP (2 pass, 1 fails with
	 * a reason: 2 records) and one from a subdomain; day 1 has one */
	add(s, D0 + 10, "192.0.2.1", "a.example", "a.example", 0, 0, 0);
	add(s, D0 + 20, "192.0.2.1", "a.example", "a.example", 0, 0, 0);
	add(s, D0 + 30, "192.0.2.1", "a.example", "a.example", 0, 0, 1);
	add(s, D0 + 40, "192.0.2.9", "sub.a.example", "a.example", 0, 0, 0);
	add(s, D0 + 86400 + 5, "192.0.2.1", "a.example", "a.example", 0, 0,
	    0);
	/* b.example asks for hourly reports (ri=3600) */
	add(s, D0 + 100, "198.51.100.7", "b.example", "b.example", 3600, 0,
	    0);
	add(s, D0 + 3700, "198.51.100.7", "b.example", "b.example", 3600, 0,
	    0);
	/* a do-not-report row (a report itself, or spam) */
	add(s, D0 + 50, "203.0.113.5", "a.example", "a.example", 0,
	    INKAN_REPORT_ROW_NO_REPORT, 1);
	assert_int_equal(inkan_report_store_flush(s), INKAN_OK);

	/* at D0 + 1 day + 1 hour: a's day 0 and b's two hours are due;
	 * a's day 1 is not */
	size_t n = 0;
	assert_int_equal(inkan_report_claim(s, &rep, D0 + 86400 + 3600, &n),
	    INKAN_OK);
	assert_int_equal(n, 3);
	listed l = { 0 };
	assert_int_equal(inkan_report_list(s, "built", collect, &l), INKAN_OK);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.dom[0], "a.example");
	assert_int_equal(l.r[0].begin, D0);
	assert_int_equal(l.r[0].end, D0 + 86399);
	assert_int_equal(l.r[0].nrows, 4);
	/* RFC 9990 3.5.2 filename */
	char want[128];
	snprintf(want, sizeof want, "receiver.example!a.example!%d!%d!", D0,
	    D0 + 86399);
	assert_int_equal(strncmp(l.fn[0], want, strlen(want)), 0);
	assert_non_null(strstr(l.fn[0], ".xml.gz"));
	assert_string_equal(l.dom[1], "b.example");
	assert_int_equal(l.r[1].end - l.r[1].begin, 3599);
	assert_int_equal(l.r[2].begin, D0 + 3600);

	check_report(s, l.r[0].id, INKAN_REPORT_FORMAT_RFC9990, 4, 3,
	    "a.example");
	check_report(s, l.r[0].id, INKAN_REPORT_FORMAT_RFC7489, 4, 3,
	    "a.example");
	check_report(s, l.r[1].id, INKAN_REPORT_FORMAT_RFC9990, 1, 1,
	    "b.example");

	/* nothing new is due at the same moment */
	assert_int_equal(inkan_report_claim(s, &rep, D0 + 86400 + 3600, &n),
	    INKAN_OK);
	assert_int_equal(n, 0);
	/* the next day, a's day 1; the do-not-report row never */
	assert_int_equal(inkan_report_claim(s, &rep, D0 + 3 * 86400, &n),
	    INKAN_OK);
	assert_int_equal(n, 1);
	ik_report_res r;
	assert_int_equal(ik_report_query(s, "SELECT SUM(nrows), COUNT(*) FROM"
	    " reports", NULL, 0, &r, NULL), INKAN_OK);
	assert_int_equal(ik_report_res_int(&r, 0, 0), 7);	/* of 8 */
	assert_int_equal(ik_report_res_int(&r, 0, 1), 4);
	ik_report_res_free(&r);
	assert_int_equal(ik_report_query(s, "SELECT COUNT(*) FROM"
	    " report_windows", NULL, 0, &r, NULL), INKAN_OK);
	assert_int_equal(ik_report_res_int(&r, 0, 0), 0);
	ik_report_res_free(&r);
	/* a late row for a window already reported: a second report for
	 * that window, covering only the new row, under a new Report-ID */
	add(s, D0 + 60, "192.0.2.77", "a.example", "a.example", 0, 0, 0);
	assert_int_equal(inkan_report_store_flush(s), INKAN_OK);
	assert_int_equal(inkan_report_claim(s, &rep, D0 + 3 * 86400, &n),
	    INKAN_OK);
	assert_int_equal(n, 1);
	listed l2 = { 0 };
	assert_int_equal(inkan_report_list(s, NULL, collect, &l2), INKAN_OK);
	assert_int_equal(l2.n, 5);
	assert_int_equal(l2.r[4].begin, D0);
	assert_int_equal(l2.r[4].nrows, 1);
	check_report(s, l2.r[4].id, INKAN_REPORT_FORMAT_RFC9990, 1, 1,
	    "a.example");
	/* and the first report still renders what it covered */
	check_report(s, l.r[0].id, INKAN_REPORT_FORMAT_RFC9990, 4, 3,
	    "a.example");
	/* one pending delivery per report, to the record's rua */
	assert_int_equal(ik_report_query(s, "SELECT COUNT(*) FROM"
	    " report_deliveries WHERE state = 'pending' AND"
	    " uri = 'mailto:dmarc@example.com'", NULL, 0, &r, NULL), INKAN_OK);
	assert_int_equal(ik_report_res_int(&r, 0, 0), 5);
	ik_report_res_free(&r);
	inkan_report_store_close(s);
}

static void
test_hostile_domain_in_filename(void **state)
{
	(void)state;
	inkan_report_store *s = open_fresh();
	add(s, D0 + 1, "192.0.2.1", "x.example", "../../etc/x y", 0, 0, 0);
	assert_int_equal(inkan_report_store_flush(s), INKAN_OK);
	size_t n = 0;
	/* not yet: the grace period after the window */
	assert_int_equal(inkan_report_claim(s, &rep, D0 + 86400 + 599, &n),
	    INKAN_OK);
	assert_int_equal(n, 0);
	assert_int_equal(inkan_report_claim(s, &rep, D0 + 86400 + 600, &n),
	    INKAN_OK);
	assert_int_equal(n, 1);
	listed l = { 0 };
	assert_int_equal(inkan_report_list(s, NULL, collect, &l), INKAN_OK);
	assert_int_equal(l.n, 1);
	assert_null(strchr(l.fn[0], '/'));
	assert_null(strchr(l.fn[0], ' '));
	/* the XML still names the domain as recorded, escaped */
	check_report(s, l.r[0].id, INKAN_REPORT_FORMAT_RFC9990, 1, 1,
	    "../../etc/x y");
	inkan_report_store_close(s);
}

static void
test_retention_expires_rows_and_reports(void **state)
{
	(void)state;
	inkan_report_store *s = open_fresh();
	add(s, D0 + 10, "192.0.2.1", "a.example", "a.example", 0, 0, 0);
	add(s, D0 + 86400 * 5, "192.0.2.1", "a.example", "a.example", 0, 0, 0);
	assert_int_equal(inkan_report_store_flush(s), INKAN_OK);
	size_t n = 0;
	assert_int_equal(inkan_report_claim(s, &rep, D0 + 86400 + 600, &n),
	    INKAN_OK);
	assert_int_equal(n, 1);
	int64_t gone = -1;
	/* everything that ended before day 3 goes: one row, one report */
	assert_int_equal(inkan_report_expire(s, D0 + 3 * 86400, &gone),
	    INKAN_OK);
	assert_int_equal(gone, 1);
	ik_report_res r;
	assert_int_equal(ik_report_query(s, "SELECT (SELECT COUNT(*) FROM"
	    " report_rows), (SELECT COUNT(*) FROM reports), (SELECT COUNT(*)"
	    " FROM report_deliveries), (SELECT COUNT(*) FROM report_windows)",
	    NULL, 0, &r, NULL), INKAN_OK);
	assert_int_equal(ik_report_res_int(&r, 0, 0), 1);
	assert_int_equal(ik_report_res_int(&r, 0, 1), 0);
	assert_int_equal(ik_report_res_int(&r, 0, 2), 0);
	assert_int_equal(ik_report_res_int(&r, 0, 3), 1);	/* day 5's */
	ik_report_res_free(&r);
	inkan_report_store_close(s);
}

static void
test_interval_from_ri(void **state)
{
	(void)state;
	assert_int_equal(ik_report_interval(0), 86400);
	assert_int_equal(ik_report_interval(86400), 86400);
	assert_int_equal(ik_report_interval(604800), 86400);
	assert_int_equal(ik_report_interval(3600), 3600);
	assert_int_equal(ik_report_interval(60), 3600);
	assert_int_equal(ik_report_interval(5000), 3600);
	assert_int_equal(ik_report_interval(7200), 7200);
	assert_int_equal(ik_report_interval(50000), 43200);
	assert_int_equal(ik_report_interval(-5), 86400);
}

/* A verify result whose DMARC failure a trusted ARC sealer overrode
 * (lib/verify arc_policy) becomes a row with the RFC 9990 local_policy
 * reason and the sealer's comment, and the built report carries both. */
static void
test_arc_local_policy_from_verify(void **state)
{
	(void)state;
	inkan_report_store *s = open_fresh();
	inkan_dmarc_record rec;
	memset(&rec, 0, sizeof rec);
	rec.p = INKAN_DMARC_POLICY_REJECT;
	rec.sp = INKAN_DMARC_POLICY_ABSENT;
	rec.np = INKAN_DMARC_POLICY_ABSENT;
	rec.psd = 'u';
	rec.pct = 100;
	rec.ri = 86400;
	inkan_dmarc_identity dk = { 0 };
	dk.domain = "author.example";
	dk.selector = "s1";
	dk.result = INKAN_DMARC_DKIM_FAIL;
	inkan_dmarc_result d;
	memset(&d, 0, sizeof d);
	d.verdict = INKAN_DMARC_FAIL;
	d.author_domain = "author.example";
	d.policy_domain = "author.example";
	d.org_domain = "author.example";
	d.record = &rec;
	d.discovery = INKAN_DMARC_DISCOVERY_TREEWALK;
	d.policy_evaluated = INKAN_DMARC_POLICY_REJECT;
	d.policy_applied = INKAN_DMARC_POLICY_NONE;
	d.disposition = INKAN_DMARC_DISPOSITION_NONE;
	d.override = INKAN_DMARC_OVERRIDE_LOCAL_POLICY;
	d.dkim = &dk;
	d.ndkim = 1;
	inkan_verify_result v;
	memset(&v, 0, sizeof v);
	v.dmarc = &d;
	v.spf_status = INKAN_VERIFY_SPF_NO_IP;
	v.arc_sealer = "list.example";
	v.arc_policy_comment = "arc=pass as.1.d=list.example";
	assert_int_equal(inkan_report_store_add_verify(s, &v, "192.0.2.9",
	    "bounce@list.example", "receiver.example", D0 + 5, NULL, 0, 0),
	    INKAN_OK);
	assert_int_equal(inkan_report_store_flush(s), INKAN_OK);
	size_t n = 0;
	assert_int_equal(inkan_report_claim(s, &rep, D0 + 86400 + 600, &n),
	    INKAN_OK);
	assert_int_equal(n, 1);
	listed l = { 0 };
	assert_int_equal(inkan_report_list(s, NULL, collect, &l), INKAN_OK);
	assert_int_equal(l.n, 1);
	check_report(s, l.r[0].id, INKAN_REPORT_FORMAT_RFC9990, 1, 1,
	    "author.example");
	unsigned char *gz;
	size_t len;
	assert_int_equal(inkan_report_render(s, &rep, l.r[0].id,
	    INKAN_REPORT_FORMAT_RFC9990, 1, &gz, &len, NULL), INKAN_OK);
	char *xml;
	size_t xlen;
	assert_int_equal(tr_gunzip(gz, len, &xml, &xlen), 0);
	assert_non_null(strstr(xml, "<type>local_policy</type>"));
	assert_non_null(strstr(xml,
	    "<comment>arc=pass as.1.d=list.example</comment>"));
	assert_non_null(strstr(xml, "<disposition>none</disposition>"));
	free(xml);
	inkan_free(ctx, gz);
	inkan_report_store_close(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_windows_domains_and_records),
		cmocka_unit_test(test_hostile_domain_in_filename),
		cmocka_unit_test(test_retention_expires_rows_and_reports),
		cmocka_unit_test(test_interval_from_ri),
		cmocka_unit_test(test_arc_local_policy_from_verify),
	};
	if (inkan_ctx_new(NULL, &ctx) != INKAN_OK)
		return 1;
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	inkan_ctx_free(ctx);
	tr_cleanup();
	return rc;
}
