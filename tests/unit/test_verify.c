/* SPDX-License-Identifier: MIT */
/*
 * test_verify.c - the receiving verdict end to end (inkan/verify.h):
 * messages signed here through lib/dkim, verified through inkan_verify
 * against a zone (SPF, DKIM keys, DMARC), checking the three results,
 * the overall outcome, the notes (why / what to fix) and the combined
 * Authentication-Results field. The DMARC rules themselves are tested in
 * test_dmarc_*.c; here it is their combination with real SPF and DKIM.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <inkan/authres.h>
#include <inkan/verify.h>

#include "test_verify_util.h"

/* the built field parses back, with @n resinfos */
static void
authres_parses(struct vt *f, const char *field, size_t n)
{
	const char *colon = strchr(field, ':');
	inkan_authres *ar = NULL;

	assert_non_null(colon);
	assert_int_equal(inkan_authres_parse(f->ctx, colon + 1,
		strlen(colon + 1), &ar), INKAN_OK);
	assert_string_equal(inkan_authres_authserv_id(ar), "mx.test");
	assert_int_equal(inkan_authres_count(ar), n);
	inkan_authres_free(ar);
}

/* RSA + Ed25519 from example.com, SPF pass from its own range */
static void
test_all_pass(void **state)
{
	struct vt *f = *state;
	const inkan_verify_result *r;
	char *m = vt_message(NULL, NULL);
	char *s = vt_sign(f, m, f->rsa, "example.com", "rsa", f->ed,
		"example.com", "ed");
	size_t i;

	vt_zone(f, NULL);
	r = vt_run(f, s, "192.0.2.25", "mail.example.com",
		"bounce@bounce.example.com", 0, 0);
	assert_int_equal(r->outcome, INKAN_VERIFY_PASS);
	assert_int_equal(r->spf_status, INKAN_VERIFY_SPF_CHECKED);
	assert_non_null(r->spf);
	assert_int_equal(r->spf->result, INKAN_SPF_PASS);
	assert_string_equal(r->spf->domain, "bounce.example.com");
	assert_int_equal(r->ndkim, 2);
	assert_int_equal(r->dkim[0].verdict, INKAN_DKIM_PASS);
	assert_string_equal(r->dkim[0].selector, "rsa");
	assert_int_equal(r->dkim[0].key_bits, 2048);
	assert_int_equal(r->dkim[1].verdict, INKAN_DKIM_PASS);
	assert_string_equal(r->dkim[1].algorithm, "ed25519-sha256");
	assert_int_equal(r->dmarc->verdict, INKAN_DMARC_PASS);
	assert_string_equal(r->dmarc->author_domain, "example.com");
	assert_true(r->dmarc->dkim_aligned);
	assert_int_equal(r->dmarc->policy_evaluated, INKAN_DMARC_POLICY_REJECT);
	/* SPF, two signatures, ARC (none: no chain), DMARC: no problems */
	assert_int_equal(r->nnotes, 5);
	assert_string_equal(vt_note(r, "arc", 0)->result, "none");
	assert_int_equal(r->arc->verdict, INKAN_ARC_NONE);
	VT_HAS(r->authres, "arc=none smtp.remote-ip=192.0.2.25;");
	for (i = 0; i < r->nnotes; i++) {
		assert_false(r->notes[i].problem);
		if (strcmp(r->notes[i].method, "arc") == 0)
			continue;
		assert_string_equal(r->notes[i].result, "pass");
		assert_null(r->notes[i].fix);
	}
	VT_HAS(vt_note(r, "spf", 0)->why, "bounce.example.com designates "
		"192.0.2.25 as a permitted sender (ip4:192.0.2.0/26)");
	VT_HAS(vt_note(r, "dkim", 0)->why, "signed by example.com, selector "
		"rsa (rsa-sha256, 2048-bit key)");
	VT_HAS(vt_note(r, "dmarc", 0)->why, "example.com (p=reject): DKIM "
		"(d=example.com)");
	VT_HAS(r->authres, "Authentication-Results: mx.test;");
	VT_HAS(r->authres, "spf=pass (mx.test: domain of "
		"bounce@bounce.example.com designates 192.0.2.25 as");
	VT_HAS(r->authres, "smtp.mailfrom=bounce@bounce.example.com;");
	VT_HAS(r->authres, "dkim=pass header.i=@example.com header.s=rsa "
		"header.b=");
	VT_HAS(r->authres, "header.s=ed");
	VT_HAS(r->authres, "dmarc=pass (p=REJECT sp=REJECT dis=NONE) "
		"header.from=example.com");
	/* the order Gmail shows and the brief asks for: spf, dkim, dmarc */
	assert_true(strstr(r->authres, "spf=") < strstr(r->authres, "dkim="));
	assert_true(strstr(r->authres, "dkim=") < strstr(r->authres, "dmarc="));
	authres_parses(f, r->authres, 5);
	free(s);
	free(m);
}

/* the pass came from an included record: the note says whose */
static void
test_spf_include(void **state)
{
	struct vt *f = *state;
	const inkan_verify_result *r;
	char *m = vt_message(NULL, NULL);

	vt_zone(f, NULL);
	r = vt_run(f, m, "203.0.113.7", "out.example.net",
		"bounce@bounce.example.com", 0, 0);
	assert_int_equal(r->spf->result, INKAN_SPF_PASS);
	VT_HAS(vt_note(r, "spf", 0)->why, "bounce.example.com designates "
		"203.0.113.7 as a permitted sender (include:_spf.example.net)");
	/* unsigned, but SPF aligns (relaxed): DMARC passes */
	assert_int_equal(r->ndkim, 0);
	assert_int_equal(r->dmarc->verdict, INKAN_DMARC_PASS);
	assert_true(r->dmarc->spf_aligned);
	assert_int_equal(r->outcome, INKAN_VERIFY_PASS);
	/* no signature: one "dkim=none" note and entry */
	assert_string_equal(vt_note(r, "dkim", 0)->result, "none");
	VT_HAS(vt_note(r, "dkim", 0)->fix, "with d=example.com");
	VT_HAS(r->authres, "dkim=none");
	authres_parses(f, r->authres, 4);
	free(m);
}

/* RFC 7208 2.4: a null sender is checked as postmaster@HELO, and that
 * identity is what aligns for DMARC (RFC 9989 3.2.4) */
static void
test_null_sender(void **state)
{
	struct vt *f = *state;
	const inkan_verify_result *r;
	char *m = vt_message(NULL, NULL);
	static const char *const nulls[] = { "", "<>" };
	size_t i;

	vt_zone(f, NULL);
	for (i = 0; i < 2; i++) {
		r = vt_run(f, m, "192.0.2.25", "mail.example.com", nulls[i],
			0, 0);
		assert_int_equal(r->spf->result, INKAN_SPF_PASS);
		assert_string_equal(r->spf->domain, "mail.example.com");
		assert_true(r->dmarc->spf_is_helo);
		assert_true(r->dmarc->spf_aligned);
		assert_int_equal(r->outcome, INKAN_VERIFY_PASS);
		VT_HAS(r->authres,
			"smtp.mailfrom=postmaster@mail.example.com");
		VT_HAS(vt_note(r, "spf", 0)->subject, "null sender");
	}
	/* a null sender without a HELO cannot be checked */
	r = vt_run(f, m, "192.0.2.25", NULL, "", 0, 0);
	assert_null(r->spf);
	assert_int_equal(r->spf_status, INKAN_VERIFY_SPF_NO_HELO);
	assert_int_equal(r->dmarc->verdict, INKAN_DMARC_FAIL);
	free(m);
}

/* two signatures, one failing: DMARC passes on the other */
static void
test_two_signatures_one_fails(void **state)
{
	struct vt *f = *state;
	const inkan_verify_result *r;
	const inkan_verify_note *n;
	char *m = vt_message(NULL, NULL);
	/* the provider signs with its key, but s1 publishes another one */
	char *s = vt_sign(f, m, f->rsa, "example.com", "rsa", f->esp,
		"esp.example", "s2");
	char *wrong = vt_key_zone_line(f->ed, "s2", "esp.example");
	char *other = vt_key_zone_line(f->rsa, "s2", "esp.example");

	vt_zone(f, other);
	r = vt_run(f, s, "198.51.100.9", "out.esp.example",
		"bounce@bounce.esp.example", 0, 0);
	assert_int_equal(r->ndkim, 2);
	assert_int_equal(r->dkim[0].verdict, INKAN_DKIM_PASS);
	assert_int_equal(r->dkim[1].verdict, INKAN_DKIM_FAIL);
	assert_int_equal(r->dkim[1].reason, INKAN_DKIM_R_SIGNATURE);
	assert_int_equal(r->dmarc->verdict, INKAN_DMARC_PASS);
	assert_int_equal(r->dmarc->dkim_aligned_index, 0);
	assert_int_equal(r->outcome, INKAN_VERIFY_PASS);
	n = vt_note(r, "dkim", 1);
	assert_true(n->problem);
	assert_string_equal(n->detail, "signature did not verify");
	VT_HAS(n->why, "esp.example, selector s2:");
	VT_HAS(n->why, "s2._domainkey.esp.example");
	assert_non_null(n->fix);
	VT_HAS(r->authres, "dkim=fail");
	authres_parses(f, r->authres, 5);
	/* an Ed25519 record for an RSA signature: permerror, still a pass */
	vt_zone(f, wrong);
	r = vt_run(f, s, "198.51.100.9", "out.esp.example",
		"bounce@bounce.esp.example", 0, 0);
	assert_int_equal(r->dkim[1].verdict, INKAN_DKIM_PERMERROR);
	assert_int_equal(r->outcome, INKAN_VERIFY_PASS);
	VT_HAS(vt_note(r, "dkim", 1)->why, "does not fit this signature");
	free(wrong);
	free(other);
	free(s);
	free(m);
}

/* l= covers less than the body: the pass does not count for DMARC
 * unless the DKIM handle says so */
static void
test_partial_body(void **state)
{
	struct vt *f = *state;
	const inkan_verify_result *r;
	char *m = vt_message(NULL, NULL);
	char *s = vt_sign_l(f, m, f->rsa, "example.com", "rsa");
	char *longer;
	size_t n = strlen(s) + 64;

	longer = malloc(n);
	assert_non_null(longer);
	snprintf(longer, n, "%sClick here: http://evil.example/\r\n", s);
	vt_zone(f, NULL);
	/* the whole body signed (l= equal to its length): a plain pass */
	r = vt_run(f, s, NULL, NULL, NULL, 0, 0);
	assert_int_equal(r->dkim[0].verdict, INKAN_DKIM_PASS);
	assert_true(r->dkim[0].has_length);
	assert_false(r->dkim[0].partial_body);
	assert_int_equal(r->outcome, INKAN_VERIFY_PASS);
	/* text after l=: DKIM passes, DMARC does not use it */
	r = vt_run(f, longer, NULL, NULL, NULL, 0, 0);
	assert_int_equal(r->dkim[0].verdict, INKAN_DKIM_PASS);
	assert_true(r->dkim[0].partial_body);
	assert_int_equal(r->dmarc->verdict, INKAN_DMARC_FAIL);
	assert_int_equal(r->dmarc->dkim[0].alignment,
		INKAN_DMARC_ALIGN_PARTIAL_BODY);
	assert_int_equal(r->outcome, INKAN_VERIFY_FAIL);
	VT_HAS(vt_note(r, "dkim", 0)->why, "l= leaves the end of the body");
	VT_HAS(vt_note(r, "dkim", 0)->fix, "sign the whole body");
	VT_HAS(vt_note(r, "dmarc", 0)->why, "d=example.com signs only part "
		"of the body (l=)");
	VT_HAS(r->authres, "dkim=pass (partial body: l=)");
	/* the DKIM handle's flag lets it align */
	assert_int_equal(inkan_dkim_new(f->ctx, &f->dkim), INKAN_OK);
	inkan_dkim_set_flags(f->dkim, INKAN_DKIM_PARTIAL_FOR_DMARC);
	r = vt_run(f, longer, NULL, NULL, NULL, 0, 0);
	assert_int_equal(r->dmarc->verdict, INKAN_DMARC_PASS);
	/* and the other flag turns it into "policy" */
	inkan_dkim_set_flags(f->dkim, INKAN_DKIM_REJECT_PARTIAL);
	r = vt_run(f, longer, NULL, NULL, NULL, 0, 0);
	assert_int_equal(r->dkim[0].verdict, INKAN_DKIM_POLICY);
	assert_int_equal(r->outcome, INKAN_VERIFY_FAIL);
	VT_HAS(vt_note(r, "dkim", 0)->why, "local policy refuses");
	free(longer);
	free(s);
	free(m);
}

/* no client IP: no SPF, and the result says so */
static void
test_no_ip(void **state)
{
	struct vt *f = *state;
	const inkan_verify_result *r;
	const inkan_verify_note *n;
	char *m = vt_message(NULL, NULL);
	char *s = vt_sign(f, m, f->rsa, "example.com", "rsa", NULL, NULL,
		NULL);

	vt_zone(f, NULL);
	r = vt_run(f, s, NULL, "mail.example.com",
		"bounce@bounce.example.com", 0, 0);
	assert_null(r->spf);
	assert_int_equal(r->spf_status, INKAN_VERIFY_SPF_NO_IP);
	n = vt_note(r, "spf", 0);
	assert_string_equal(n->result, "none");
	VT_HAS(n->why, "no client IP was given, so SPF was not checked for "
		"bounce.example.com");
	VT_HAS(r->authres, "spf=none (not checked: no client IP given) "
		"smtp.mailfrom=bounce@bounce.example.com");
	assert_int_equal(r->dmarc->verdict, INKAN_DMARC_PASS);
	assert_int_equal(r->outcome, INKAN_VERIFY_PASS);
	assert_null(r->dmarc->spf.domain);
	authres_parses(f, r->authres, 4);
	/* no envelope call at all: the same */
	r = vt_run(f, s, NULL, NULL, NULL, 0, 0);
	assert_int_equal(r->spf_status, INKAN_VERIFY_SPF_NO_IP);
	assert_int_equal(r->outcome, INKAN_VERIFY_PASS);
	/* an IP but no MAIL FROM: not checked either */
	r = vt_run(f, s, "192.0.2.25", "mail.example.com", NULL, 0, 0);
	assert_int_equal(r->spf_status, INKAN_VERIFY_SPF_NO_MAIL_FROM);
	VT_HAS(vt_note(r, "spf", 0)->why, "no MAIL FROM");
	free(s);
	free(m);
}

/* a list footer after signing, sent through a provider's MAIL FROM */
static void
test_modified_via_provider(void **state)
{
	struct vt *f = *state;
	const inkan_verify_result *r;
	const inkan_verify_note *n;
	char *m = vt_message(NULL, NULL);
	char *s = vt_sign(f, m, f->rsa, "example.com", "rsa", NULL, NULL,
		NULL);
	char *footer;
	size_t len = strlen(s) + 64;

	footer = malloc(len);
	assert_non_null(footer);
	snprintf(footer, len, "%s--\r\nlist footer\r\n", s);
	vt_zone(f, NULL);
	r = vt_run(f, footer, "198.51.100.9", "out.esp.example",
		"bounce@bounce.esp.example", 0, 0);
	assert_int_equal(r->spf->result, INKAN_SPF_PASS);
	assert_int_equal(r->dkim[0].verdict, INKAN_DKIM_FAIL);
	assert_int_equal(r->dkim[0].reason, INKAN_DKIM_R_BODY_HASH);
	assert_int_equal(r->dmarc->verdict, INKAN_DMARC_FAIL);
	assert_int_equal(r->dmarc->disposition,
		INKAN_DMARC_DISPOSITION_REJECT);
	assert_int_equal(r->outcome, INKAN_VERIFY_FAIL);
	n = vt_note(r, "dkim", 0);
	assert_string_equal(n->detail, "body hash did not verify");
	VT_HAS(n->why, "the message was changed after signing (a footer "
		"added by a list?)");
	n = vt_note(r, "dmarc", 0);
	assert_true(n->problem);
	VT_HAS(n->why, "neither SPF (bounce.esp.example is not aligned with "
		"example.com) nor DKIM (the signature from d=example.com did "
		"not pass) aligned");
	VT_HAS(n->fix, "repair the signature from d=example.com");
	VT_HAS(r->authres, "dmarc=fail (p=REJECT sp=REJECT dis=REJECT)");
	/* the same unsigned: no signature from example.com at all */
	r = vt_run(f, m, "198.51.100.9", "out.esp.example",
		"bounce@bounce.esp.example", 0, 0);
	VT_HAS(vt_note(r, "dmarc", 0)->why, "nor DKIM (no signature) aligned");
	VT_HAS(vt_note(r, "dmarc", 0)->fix, "sign with d=example.com or use "
		"a custom MAIL FROM under example.com");
	free(footer);
	free(s);
	free(m);
}

/* an address outside the record: softfail, and DMARC fails */
static void
test_softfail(void **state)
{
	struct vt *f = *state;
	const inkan_verify_result *r;
	const inkan_verify_note *n;
	char *m = vt_message(NULL, NULL);
	char *s = vt_sign(f, m, f->esp, "esp.example", "s1", NULL, NULL,
		NULL);

	vt_zone(f, NULL);
	r = vt_run(f, s, "192.0.2.200", "mail.example.com",
		"bounce@bounce.example.com", 0, 0);
	assert_int_equal(r->spf->result, INKAN_SPF_SOFTFAIL);
	n = vt_note(r, "spf", 0);
	assert_true(n->problem);
	assert_string_equal(n->why, "192.0.2.200 is not in the SPF record of "
		"bounce.example.com");
	assert_string_equal(n->fix, "add it, or include your provider's SPF");
	assert_int_equal(r->dkim[0].verdict, INKAN_DKIM_PASS);
	assert_int_equal(r->dmarc->verdict, INKAN_DMARC_FAIL);
	VT_HAS(vt_note(r, "dmarc", 0)->why, "neither SPF (softfail for "
		"bounce.example.com) nor DKIM (no signature from example.com, "
		"only from esp.example) aligned");
	assert_int_equal(r->outcome, INKAN_VERIFY_FAIL);
	/* the MAIL FROM is already under example.com: fix its SPF */
	assert_string_equal(vt_note(r, "dmarc", 0)->fix, "sign with "
		"d=example.com or make SPF pass for bounce.example.com (see the "
		"SPF line)");
	VT_HAS(r->authres, "spf=softfail");
	free(s);
	free(m);
}

/* no DMARC record: the outcome is what failed outright */
static void
test_no_dmarc_record(void **state)
{
	struct vt *f = *state;
	const inkan_verify_result *r;
	char *m = vt_message("nodmarc.example", NULL);
	char *s = vt_sign(f, m, f->rsa, "nodmarc.example", "rsa", NULL, NULL,
		NULL);

	char *np = vt_message("nop.example", NULL);

	vt_zone(f, "$FAULT rsa._domainkey.broken.example TXT servfail\n"
		"_dmarc.nop.example. TXT \"v=DMARC1; sp=reject\"\n");
	r = vt_run(f, s, "192.0.2.25", "mail.example.com",
		"x@nodmarc.example", 0, 0);
	assert_int_equal(r->spf->result, INKAN_SPF_PASS);
	assert_int_equal(r->dkim[0].verdict, INKAN_DKIM_PASS);
	assert_int_equal(r->dmarc->verdict, INKAN_DMARC_NONE);
	assert_int_equal(r->outcome, INKAN_VERIFY_NEUTRAL);
	VT_HAS(vt_note(r, "dmarc", 0)->why, "no DMARC record");
	VT_HAS(vt_note(r, "dmarc", 0)->fix, "_dmarc.nodmarc.example");
	VT_HAS(r->authres, "dmarc=none header.from=nodmarc.example");
	/* a record without p= and rua= does not apply: say what to mend */
	r = vt_run(f, np, NULL, NULL, NULL, 0, 0);
	assert_int_equal(r->dmarc->verdict, INKAN_DMARC_NONE);
	VT_HAS(vt_note(r, "dmarc", 0)->fix, "give the DMARC record at "
		"_dmarc.nop.example a valid p=");
	free(np);
	/* the same from outside its SPF range: softfail is a fail */
	r = vt_run(f, s, "10.1.2.3", "mail.example.com", "x@nodmarc.example",
		0, 0);
	assert_int_equal(r->spf->result, INKAN_SPF_SOFTFAIL);
	assert_int_equal(r->outcome, INKAN_VERIFY_FAIL);
	free(s);
	/* a key lookup that fails: temperror (SPF passed, nothing failed) */
	s = vt_sign(f, m, f->rsa, "broken.example", "rsa", NULL, NULL, NULL);
	r = vt_run(f, s, "192.0.2.25", "mail.example.com", "x@nodmarc.example",
		0, 0);
	assert_int_equal(r->dkim[0].verdict, INKAN_DKIM_TEMPERROR);
	assert_int_equal(r->outcome, INKAN_VERIFY_TEMPERROR);
	VT_HAS(vt_note(r, "dkim", 0)->why, "failed or timed out");
	free(s);
	free(m);
}

/* the DMARC record lookup fails: temperror, try again later */
static void
test_dmarc_temperror(void **state)
{
	struct vt *f = *state;
	const inkan_verify_result *r;
	char *m = vt_message(NULL, NULL);
	char *s = vt_sign(f, m, f->rsa, "example.com", "rsa", NULL, NULL,
		NULL);

	vt_zone(f, "$FAULT _dmarc.example.com TXT servfail\n");
	r = vt_run(f, s, "192.0.2.25", "mail.example.com",
		"bounce@bounce.example.com", 0, 0);
	assert_int_equal(r->dmarc->verdict, INKAN_DMARC_TEMPERROR);
	assert_int_equal(r->outcome, INKAN_VERIFY_TEMPERROR);
	VT_HAS(vt_note(r, "dmarc", 0)->fix, "try again later");
	VT_HAS(r->authres, "dmarc=temperror");
	free(s);
	free(m);
}

/* no From: DMARC permerror, a permanent fail */
static void
test_no_from(void **state)
{
	struct vt *f = *state;
	const inkan_verify_result *r;
	static const char msg[] = "To: a@example.net\r\nSubject: x\r\n\r\nhi\r\n";

	vt_zone(f, NULL);
	r = vt_run(f, msg, "192.0.2.25", "mail.example.com",
		"bounce@bounce.example.com", 0, 0);
	assert_int_equal(r->dmarc->verdict, INKAN_DMARC_PERMERROR);
	assert_int_equal(r->outcome, INKAN_VERIFY_FAIL);
	VT_HAS(vt_note(r, "dmarc", 0)->why, "no From field");
	VT_HAS(r->authres, "dmarc=permerror");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_all_pass, vt_teardown),
		cmocka_unit_test_teardown(test_spf_include, vt_teardown),
		cmocka_unit_test_teardown(test_null_sender, vt_teardown),
		cmocka_unit_test_teardown(test_two_signatures_one_fails,
			vt_teardown),
		cmocka_unit_test_teardown(test_partial_body, vt_teardown),
		cmocka_unit_test_teardown(test_no_ip, vt_teardown),
		cmocka_unit_test_teardown(test_modified_via_provider,
			vt_teardown),
		cmocka_unit_test_teardown(test_softfail, vt_teardown),
		cmocka_unit_test_teardown(test_no_dmarc_record, vt_teardown),
		cmocka_unit_test_teardown(test_dmarc_temperror, vt_teardown),
		cmocka_unit_test_teardown(test_no_from, vt_teardown),
	};

	return cmocka_run_group_tests(tests, vt_group_setup,
		vt_group_teardown);
}
