/* SPDX-License-Identifier: MIT */
/*
 * test_report_failure.c - RFC 9991 failure reports: when fo= asks for
 * one, the ARF fields, redaction, and the per-destination rate limit.
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

static inkan_ctx *ctx;

static void
result(inkan_dmarc_result *d, inkan_dmarc_record *rec, inkan_dmarc_uri *ruf,
	inkan_dmarc_identity *dk, unsigned fo)
{
	memset(d, 0, sizeof *d);
	memset(rec, 0, sizeof *rec);
	ruf->uri = "mailto:ruf@example.com";
	ruf->obsolete_size = NULL;
	rec->ruf = ruf;
	rec->nruf = 1;
	rec->fo = fo;
	rec->psd = 'u';
	d->record = rec;
	d->verdict = INKAN_DMARC_FAIL;
	d->author_domain = "example.com";
	d->org_domain = "example.com";
	d->policy_domain = "example.com";
	d->spf.domain = "example.com";
	d->spf.result = INKAN_DMARC_SPF_PASS;
	d->spf_aligned = 1;	/* SPF aligned, DKIM failed */
	dk->domain = "example.com";
	dk->selector = "s1";
	dk->result = INKAN_DMARC_DKIM_FAIL;
	dk->org_domain = "example.com";
	d->dkim = dk;
	d->ndkim = 1;
}

static void
test_fo_decides(void **state)
{
	(void)state;
	inkan_dmarc_result d;
	inkan_dmarc_record rec;
	inkan_dmarc_uri ruf;
	inkan_dmarc_identity dk;
	/* fo=0: only when nothing gave an aligned pass (SPF did here) */
	result(&d, &rec, &ruf, &dk, INKAN_DMARC_FO_0);
	assert_false(inkan_report_failure_wanted(&d));
	d.spf_aligned = 0;
	assert_true(inkan_report_failure_wanted(&d));
	/* fo=1: one mechanism without an aligned pass is enough */
	result(&d, &rec, &ruf, &dk, INKAN_DMARC_FO_1);
	assert_true(inkan_report_failure_wanted(&d));
	/* fo=d: a DKIM signature failed */
	result(&d, &rec, &ruf, &dk, INKAN_DMARC_FO_D);
	assert_true(inkan_report_failure_wanted(&d));
	dk.result = INKAN_DMARC_DKIM_PASS;
	assert_false(inkan_report_failure_wanted(&d));
	/* fo=s: SPF failed */
	result(&d, &rec, &ruf, &dk, INKAN_DMARC_FO_S);
	assert_false(inkan_report_failure_wanted(&d));
	d.spf.result = INKAN_DMARC_SPF_FAIL;
	assert_true(inkan_report_failure_wanted(&d));
	/* no ruf, or a psd=y record: never (RFC 9991 2) */
	rec.nruf = 0;
	assert_false(inkan_report_failure_wanted(&d));
	rec.nruf = 1;
	rec.psd = 'y';
	assert_false(inkan_report_failure_wanted(&d));
	assert_false(inkan_report_failure_wanted(NULL));
}

static const char msgtext[] =
	"From: Alice Smith <alice.smith@example.com>\r\n"
	"To: bob@receiver.example, \"Carol\" <carol@receiver.example>\r\n"
	"Subject: my secret plans\r\n"
	"Message-ID: <abc@example.com>\r\n"
	"DKIM-Signature: v=1; d=example.com; s=s1; b=xyz\r\n"
	"\r\n"
	"BODYTEXT stays out\r\n";

static char *
build(unsigned flags)
{
	inkan_dmarc_result d;
	inkan_dmarc_record rec;
	inkan_dmarc_uri ruf;
	inkan_dmarc_identity dk;
	inkan_msg *m;
	char *out = NULL;
	size_t len = 0;
	result(&d, &rec, &ruf, &dk, INKAN_DMARC_FO_1);
	assert_int_equal(inkan_msg_new(ctx, &m), INKAN_OK);
	assert_int_equal(inkan_msg_feed(m, msgtext, sizeof msgtext - 1),
	    INKAN_OK);
	assert_int_equal(inkan_msg_finish(m), INKAN_OK);
	inkan_report_failure f = { "receiver.example",
	    "dmarc-reports@receiver.example", "ruf@example.com", "192.0.2.9",
	    "alice.smith@example.com", 1700000000, 1700000100, flags, NULL };
	assert_int_equal(inkan_report_failure_build(ctx, &f, &d, m, &out,
	    &len), INKAN_OK);
	assert_int_equal(strlen(out), len);
	inkan_msg_free(m);
	return out;
}

static void
test_arf_fields_and_redaction(void **state)
{
	(void)state;
	char *r = build(0);
	/* RFC 5965 / 6591 / 9991 4 */
	assert_non_null(strstr(r, "Content-Type: multipart/report; "
	    "report-type=feedback-report;"));
	assert_non_null(strstr(r, "Content-Type: message/feedback-report"));
	assert_non_null(strstr(r, "\r\nFeedback-Type: auth-failure\r\n"));
	assert_non_null(strstr(r, "\r\nVersion: 1\r\n"));
	assert_non_null(strstr(r, "\r\nAuth-Failure: dmarc\r\n"));
	assert_non_null(strstr(r, "\r\nIdentity-Alignment: dkim\r\n"));
	assert_non_null(strstr(r, "\r\nDKIM-Domain: example.com\r\n"
	    "DKIM-Selector: s1\r\n"));
	assert_non_null(strstr(r, "\r\nSource-IP: 192.0.2.9\r\n"));
	assert_non_null(strstr(r, "\r\nReported-Domain: example.com\r\n"));
	assert_non_null(strstr(r, "Content-Type: text/rfc822-headers"));
	assert_non_null(strstr(r, "Auto-Submitted: auto-generated"));
	/* redacted: no local-part, no subject text, no body */
	assert_null(strstr(r, "alice.smith"));
	assert_null(strstr(r, "bob@"));
	assert_null(strstr(r, "carol@"));
	assert_null(strstr(r, "secret"));
	assert_null(strstr(r, "BODYTEXT"));
	assert_non_null(strstr(r, "From: Alice Smith <redacted@example.com>"));
	assert_non_null(strstr(r, "To: redacted@receiver.example, \"Carol\" "
	    "<redacted@receiver.example>"));
	assert_non_null(strstr(r, "Original-Mail-From: <redacted@example.com>"));
	/* headers that are not addresses stay */
	assert_non_null(strstr(r, "DKIM-Signature: v=1; d=example.com;"));
	inkan_free(ctx, r);
	r = build(INKAN_REPORT_FAILURE_UNREDACTED);
	assert_non_null(strstr(r, "alice.smith@example.com"));
	assert_non_null(strstr(r, "Subject: my secret plans"));
	assert_null(strstr(r, "BODYTEXT"));
	inkan_free(ctx, r);
}

/* RFC 9991 4 / RFC 6591 3.2: SPF-DNS once per SPF record used, when SPF
 * failed for an aligned identifier; none when SPF passed */
static void
test_spf_dns(void **state)
{
	(void)state;
	inkan_dmarc_result d;
	inkan_dmarc_record rec;
	inkan_dmarc_uri ruf;
	inkan_dmarc_identity dk;
	inkan_msg *m = NULL;
	char *out = NULL;
	size_t len = 0;
	static const char small[] = "From: a@example.com\r\n\r\nx\r\n";
	inkan_spf_trace tr[3];
	memset(tr, 0, sizeof tr);
	tr[0].step = INKAN_SPF_STEP_RECORD;
	tr[0].domain = "bounce.example.com";
	tr[0].term = "v=spf1 include:_s.example.com -all";
	tr[1].step = INKAN_SPF_STEP_NO_MATCH;
	tr[1].domain = "bounce.example.com";
	tr[1].term = "include:_s.example.com";
	tr[2].step = INKAN_SPF_STEP_RECORD;
	tr[2].domain = "_s.example.com";
	tr[2].term = "v=spf1 ip4:192.0.2.0/24 \"q\" -all";
	inkan_spf_verdict v;
	memset(&v, 0, sizeof v);
	v.trace = tr;
	v.ntrace = 3;
	result(&d, &rec, &ruf, &dk, INKAN_DMARC_FO_1);
	assert_int_equal(inkan_msg_new(ctx, &m), INKAN_OK);
	assert_int_equal(inkan_msg_feed(m, small, sizeof small - 1),
	    INKAN_OK);
	assert_int_equal(inkan_msg_finish(m), INKAN_OK);
	inkan_report_failure f = { "receiver.example", "r@receiver.example",
	    "ruf@example.com", "192.0.2.9", "b@bounce.example.com", 0,
	    1700000100, 0, &v };
	/* SPF passed: no SPF-DNS */
	assert_int_equal(inkan_report_failure_build(ctx, &f, &d, m, &out,
	    &len), INKAN_OK);
	assert_null(strstr(out, "SPF-DNS"));
	inkan_free(ctx, out);
	d.spf.domain = "bounce.example.com";
	d.spf.org_domain = "example.com";
	d.spf.result = INKAN_DMARC_SPF_FAIL;
	d.spf_aligned = 0;
	assert_int_equal(inkan_report_failure_build(ctx, &f, &d, m, &out,
	    &len), INKAN_OK);
	assert_non_null(strstr(out, "\r\nSPF-DNS: txt : bounce.example.com :"
	    " \"v=spf1 include:_s.example.com -all\"\r\n"
	    "SPF-DNS: txt : _s.example.com : \"v=spf1 ip4:192.0.2.0/24"
	    " \\\"q\\\" -all\"\r\n"));
	inkan_free(ctx, out);
	/* SPF failed for another organization: not aligned, no field */
	d.spf.org_domain = "other.example";
	assert_int_equal(inkan_report_failure_build(ctx, &f, &d, m, &out,
	    &len), INKAN_OK);
	assert_null(strstr(out, "SPF-DNS"));
	inkan_free(ctx, out);
	inkan_msg_free(m);
}

static void
test_rate_limit(void **state)
{
	(void)state;
	inkan_report_limiter *l;
	assert_int_equal(inkan_report_limiter_new(ctx, 0, &l),
	    INKAN_ERR_INVALID);
	assert_int_equal(inkan_report_limiter_new(ctx, 3, &l), INKAN_OK);
	int64_t t = 1700000000;
	for (int i = 0; i < 3; i++)
		assert_true(inkan_report_limiter_allow(l, "a@x.example", t));
	assert_false(inkan_report_limiter_allow(l, "a@x.example", t + 10));
	assert_false(inkan_report_limiter_allow(l, "A@X.example", t + 10));
	/* others have their own budget */
	assert_true(inkan_report_limiter_allow(l, "b@x.example", t));
	/* the next hour starts afresh */
	assert_true(inkan_report_limiter_allow(l, "a@x.example", t + 3600));
	/* many destinations in one hour: bounded, some refused */
	char d[64];
	int refused = 0;
	for (int i = 0; i < 20000; i++) {
		snprintf(d, sizeof d, "r%d@flood.example", i);
		if (!inkan_report_limiter_allow(l, d, t))
			refused++;
	}
	assert_true(refused > 0);
	inkan_report_limiter_free(l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fo_decides),
		cmocka_unit_test(test_arf_fields_and_redaction),
		cmocka_unit_test(test_rate_limit),
		cmocka_unit_test(test_spf_dns),
	};
	if (inkan_ctx_new(NULL, &ctx) != INKAN_OK)
		return 1;
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	inkan_ctx_free(ctx);
	return rc;
}
