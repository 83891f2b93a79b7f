/* SPDX-License-Identifier: MIT */
/*
 * test_dmarc_scenarios.c - the fifteen DMARC scenarios, each against its
 * own zone (zone backend, no network), with the verdict, the policy and
 * the alignment details asserted. The same scenarios are fed to
 * OpenDMARC and Mail::DMARC in tests/interop/dmarc_peers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "test_dmarc_util.h"

#define V(x) INKAN_DMARC_##x

static const char base_zone[] =
	"example.com. A 192.0.2.1\n"
	"news.example.com. A 192.0.2.2\n"
	"bounce.example.com. TXT \"v=spf1 -all\"\n"
	"_dmarc.example.com. TXT \"v=DMARC1; p=reject; sp=quarantine; "
	"np=reject; rua=mailto:d@example.com\"\n"
	"strict.example. A 192.0.2.3\n"
	"_dmarc.strict.example. TXT \"v=DMARC1; p=reject; aspf=s\"\n"
	"amazonses.com. TXT \"v=spf1 -all\"\n";

/* 1: only DKIM passes, and its d= is the author domain */
static void
test_01_aligned_dkim_only(void **state)
{
	struct dt *t = *state;
	const inkan_dmarc_result *r;

	dt_zone(t, base_zone);
	dt_new(t, "example.com", NULL);
	dt_spf(t, V(SPF_FAIL), "bounce.other.net", "mx.other.net");
	dt_dkim(t, V(DKIM_PASS), "example.com", 0);
	r = dt_eval(t);
	assert_int_equal(r->verdict, V(PASS));
	assert_true(r->dkim_aligned);
	assert_false(r->spf_aligned);
	assert_int_equal(r->dkim_aligned_index, 0);
	assert_int_equal(r->dkim[0].alignment, V(ALIGN_ALIGNED));
	assert_int_equal(r->spf.alignment, V(ALIGN_NOT_CHECKED));
	assert_string_equal(r->policy_domain, "example.com");
	assert_int_equal(r->policy_source, V(FROM_P));
	assert_int_equal(r->policy_evaluated, V(POLICY_REJECT));
	assert_int_equal(r->disposition, V(DISPOSITION_NONE));
	assert_int_equal(r->discovery, V(DISCOVERY_TREEWALK));
}

/* 2: SPF passes for a custom MAIL FROM subdomain: relaxed alignment
 * through the organizational domain */
static void
test_02_spf_custom_mailfrom_relaxed(void **state)
{
	struct dt *t = *state;
	const inkan_dmarc_result *r;

	dt_zone(t, base_zone);
	dt_new(t, "example.com", NULL);
	dt_spf(t, V(SPF_PASS), "bounce.example.com", "mx.example.com");
	r = dt_eval(t);
	assert_int_equal(r->verdict, V(PASS));
	assert_true(r->spf_aligned);
	assert_false(r->dkim_aligned);
	assert_string_equal(r->spf.domain, "bounce.example.com");
	assert_int_equal(r->spf.alignment, V(ALIGN_ALIGNED));
	assert_string_equal(r->spf.org_domain, "example.com");
	assert_string_equal(r->org_domain, "example.com");
	assert_false(r->spf_is_helo);
}

/* 3: the same under aspf=s fails */
static void
test_03_spf_custom_mailfrom_strict(void **state)
{
	struct dt *t = *state;
	const inkan_dmarc_result *r;

	dt_zone(t, base_zone);
	dt_new(t, "strict.example", NULL);
	dt_spf(t, V(SPF_PASS), "bounce.strict.example", "mx.strict.example");
	r = dt_eval(t);
	assert_int_equal(r->verdict, V(FAIL));
	assert_false(r->spf_aligned);
	assert_int_equal(r->spf.alignment, V(ALIGN_NOT_ALIGNED));
	assert_int_equal(r->record->aspf, V(ALIGN_STRICT));
	assert_int_equal(r->policy_applied, V(POLICY_REJECT));
	assert_int_equal(r->disposition, V(DISPOSITION_REJECT));
	/* strict needs no organizational domain: no walk past the record */
	assert_int_equal(r->ntrace, 1);
}

/* 4: a provider's MAIL FROM: SPF passes, but for the provider's domain */
static void
test_04_provider_mailfrom(void **state)
{
	struct dt *t = *state;
	const inkan_dmarc_result *r;

	dt_zone(t, base_zone);
	dt_new(t, "example.com", NULL);
	dt_spf(t, V(SPF_PASS), "amazonses.com", "a1-2.smtp-out.amazonses.com");
	r = dt_eval(t);
	assert_int_equal(r->verdict, V(FAIL));
	assert_int_equal(r->spf.result, V(SPF_PASS));
	assert_int_equal(r->spf.alignment, V(ALIGN_NOT_ALIGNED));
	assert_false(r->spf_aligned);
	assert_int_equal(r->disposition, V(DISPOSITION_REJECT));
}

/* 5: an existing subdomain without its own record: sp applies */
static void
test_05_existing_subdomain_sp(void **state)
{
	struct dt *t = *state;
	const inkan_dmarc_result *r;

	dt_zone(t, base_zone);
	dt_new(t, "news.example.com", NULL);
	dt_dkim(t, V(DKIM_PASS), "marketing.example.net", 0);
	r = dt_eval(t);
	assert_int_equal(r->verdict, V(FAIL));
	assert_string_equal(r->policy_domain, "example.com");
	assert_string_equal(r->org_domain, "example.com");
	assert_int_equal(r->author_exists, 1);
	assert_int_equal(r->policy_source, V(FROM_SP));
	assert_int_equal(r->policy_evaluated, V(POLICY_QUARANTINE));
	assert_int_equal(r->disposition, V(DISPOSITION_QUARANTINE));
	assert_string_equal(dt_trace(r->trace, r->ntrace),
		"news.example.com:N example.com:R com:N");
}

/* 6: a subdomain that does not exist (NXDOMAIN, RFC 8020): np applies */
static void
test_06_nxdomain_subdomain_np(void **state)
{
	struct dt *t = *state;
	const inkan_dmarc_result *r;

	dt_zone(t, base_zone);
	dt_new(t, "no-such-host.example.com", NULL);
	r = dt_eval(t);
	assert_int_equal(r->verdict, V(FAIL));
	assert_int_equal(r->author_exists, 0);
	assert_int_equal(r->policy_source, V(FROM_NP));
	assert_int_equal(r->policy_evaluated, V(POLICY_REJECT));
	assert_int_equal(r->disposition, V(DISPOSITION_REJECT));

	/* RFC 8020: below a non-existent name nothing exists either */
	dt_new(t, "a.b.no-such-host.example.com", NULL);
	r = dt_eval(t);
	assert_int_equal(r->author_exists, 0);
	assert_int_equal(r->policy_source, V(FROM_NP));
}

/* 7: a PSD publishes psd=y: its record applies to registered names that
 * have none, and it makes the name below it the organizational domain */
static void
test_07_psd_record(void **state)
{
	struct dt *t = *state;
	const inkan_dmarc_result *r;

	dt_zone(t, "_dmarc.bank. TXT \"v=DMARC1; p=reject; sp=quarantine; "
		"np=reject; psd=y\"\n"
		"mybank.bank. A 192.0.2.10\n"
		"mail.mybank.bank. A 192.0.2.11\n"
		"hasrec.bank. A 192.0.2.12\n"
		"_dmarc.hasrec.bank. TXT \"v=DMARC1; p=none\"\n");
	/* DKIM for a subdomain of the author aligns through the
	 * organizational domain one label below the PSD */
	dt_new(t, "mybank.bank", NULL);
	dt_dkim(t, V(DKIM_PASS), "mail.mybank.bank", 0);
	r = dt_eval(t);
	assert_int_equal(r->verdict, V(PASS));
	assert_string_equal(r->org_domain, "mybank.bank");
	assert_string_equal(r->policy_domain, "bank");
	assert_string_equal(r->dkim[0].org_domain, "mybank.bank");
	/* another registrant's name does not align */
	dt_new(t, "mybank.bank", NULL);
	dt_dkim(t, V(DKIM_PASS), "other.bank", 0);
	r = dt_eval(t);
	assert_int_equal(r->verdict, V(FAIL));
	assert_int_equal(r->dkim[0].alignment, V(ALIGN_NOT_ALIGNED));
	assert_int_equal(r->policy_source, V(FROM_SP));
	assert_int_equal(r->disposition, V(DISPOSITION_QUARANTINE));
	/* a name that does not exist under the PSD: np */
	dt_new(t, "ghost.bank", NULL);
	r = dt_eval(t);
	assert_int_equal(r->policy_source, V(FROM_NP));
	assert_int_equal(r->disposition, V(DISPOSITION_REJECT));
	/* RFC 9989 4.10.1 note: an organizational domain with a record of
	 * its own is not governed by the PSD's */
	dt_new(t, "hasrec.bank", NULL);
	r = dt_eval(t);
	assert_string_equal(r->policy_domain, "hasrec.bank");
	assert_int_equal(r->disposition, V(DISPOSITION_NONE));
}

/* 8: t=y applies the policy one level softer */
static void
test_08_testing_downgrade(void **state)
{
	struct dt *t = *state;
	const inkan_dmarc_result *r;

	dt_zone(t, "_dmarc.test-mode.example. TXT \"v=DMARC1; p=reject; t=y\"\n"
		"_dmarc.test-q.example. TXT \"v=DMARC1; p=quarantine; t=y\"\n");
	dt_new(t, "test-mode.example", NULL);
	r = dt_eval(t);
	assert_int_equal(r->verdict, V(FAIL));
	assert_int_equal(r->policy_evaluated, V(POLICY_REJECT));
	assert_int_equal(r->policy_applied, V(POLICY_QUARANTINE));
	assert_int_equal(r->disposition, V(DISPOSITION_QUARANTINE));
	assert_int_equal(r->override, V(OVERRIDE_TEST_MODE));
	assert_true(r->testing);
	dt_new(t, "test-q.example", NULL);
	r = dt_eval(t);
	assert_int_equal(r->policy_applied, V(POLICY_NONE));
	assert_int_equal(r->disposition, V(DISPOSITION_NONE));
	/* RFC 7489 has no t: the policy applies in full */
	t->opt.spec = V(SPEC_RFC7489);
	dt_new(t, "test-mode.example", NULL);
	r = dt_eval(t);
	assert_int_equal(r->disposition, V(DISPOSITION_REJECT));
	assert_int_equal(r->override, V(OVERRIDE_NONE));
}

/* 9: two DMARC records at one name: both discarded, no DMARC */
static void
test_09_two_records(void **state)
{
	struct dt *t = *state;
	const inkan_dmarc_result *r;

	dt_zone(t, "_dmarc.twice.example. TXT \"v=DMARC1; p=reject\"\n"
		"_dmarc.twice.example. TXT \"v=DMARC1; p=none\"\n"
		"_dmarc.once.example. TXT \"v=DMARC1; p=reject\"\n"
		"_dmarc.once.example. TXT \"v=spf1 -all\"\n");
	dt_new(t, "twice.example", NULL);
	r = dt_eval(t);
	assert_int_equal(r->verdict, V(NONE));
	assert_null(r->record);
	assert_int_equal(r->disposition, V(DISPOSITION_NONE));
	assert_string_equal(dt_trace(r->trace, r->ntrace),
		"twice.example:M example:N");
	/* a TXT record that is not DMARC does not count */
	dt_new(t, "once.example", NULL);
	r = dt_eval(t);
	assert_int_equal(r->verdict, V(FAIL));
}

/* 10: a From with two domains: each is evaluated, the strictest wins */
static void
test_10_two_from_domains(void **state)
{
	struct dt *t = *state;
	const inkan_dmarc_result *r, *d0, *d1;
	static const char hdr[] =
		"From: a@example.com, b@other.example\r\n\r\n";

	dt_zone(t, base_zone);
	dt_new(t, NULL, hdr);
	dt_dkim(t, V(DKIM_PASS), "other.example", 0);
	r = dt_eval(t);
	assert_int_equal(r->verdict, V(FAIL));
	assert_string_equal(r->author_domain, "example.com");
	assert_int_equal(r->disposition, V(DISPOSITION_REJECT));
	assert_true(r->from_flags & INKAN_FROM_MULTIPLE_DOMAINS);
	assert_int_equal(inkan_dmarc_domain_count(t->ev), 2);
	d0 = inkan_dmarc_domain_result(t->ev, 0);
	d1 = inkan_dmarc_domain_result(t->ev, 1);
	assert_string_equal(d0->author_domain, "example.com");
	assert_int_equal(d0->verdict, V(FAIL));
	assert_string_equal(d1->author_domain, "other.example");
	assert_int_equal(d1->verdict, V(NONE));
	assert_null(inkan_dmarc_domain_result(t->ev, 2));
	/* or, by choice, no evaluation at all */
	t->opt.multiple_addresses = INKAN_DMARC_MULTI_PERMERROR;
	dt_new(t, NULL, hdr);
	r = dt_eval(t);
	assert_int_equal(r->verdict, V(PERMERROR));
	assert_null(r->author_domain);
	assert_int_equal(inkan_dmarc_domain_count(t->ev), 0);
	/* two mailboxes of one domain are one author domain */
	dt_new(t, NULL, "From: a@example.com, b@EXAMPLE.com\r\n\r\n");
	dt_dkim(t, V(DKIM_PASS), "example.com", 0);
	r = dt_eval(t);
	assert_int_equal(r->verdict, V(PASS));
	assert_int_equal(inkan_dmarc_domain_count(t->ev), 1);
}

/* 11: a display name that looks like an address is not the author */
static void
test_11_display_name_address(void **state)
{
	struct dt *t = *state;
	const inkan_dmarc_result *r;

	dt_zone(t, base_zone);
	dt_new(t, NULL, "From: \"x@evil.test\" <ceo@example.com>\r\n\r\n");
	dt_dkim(t, V(DKIM_PASS), "evil.test", 0);
	dt_spf(t, V(SPF_PASS), "evil.test", "mx.evil.test");
	r = dt_eval(t);
	assert_int_equal(inkan_dmarc_domain_count(t->ev), 1);
	assert_string_equal(r->author_domain, "example.com");
	assert_int_equal(r->from_flags, 0);
	assert_int_equal(r->verdict, V(FAIL));
	assert_int_equal(r->disposition, V(DISPOSITION_REJECT));
}

/* 12: no p but a valid rua: treated as p=none (RFC 9989 4.10.1); no p
 * and no rua: the record does not count */
static void
test_12_missing_p_with_rua(void **state)
{
	struct dt *t = *state;
	const inkan_dmarc_result *r;

	dt_zone(t, "_dmarc.nop.example. TXT \"v=DMARC1; sp=reject; "
		"rua=mailto:agg@nop.example\"\n"
		"_dmarc.norua.example. TXT \"v=DMARC1; sp=reject\"\n"
		"_dmarc.badsp.example. TXT \"v=DMARC1; p=reject; sp=hard; "
		"rua=mailto:agg@badsp.example\"\n");
	dt_new(t, "nop.example", NULL);
	r = dt_eval(t);
	assert_int_equal(r->verdict, V(FAIL));
	assert_non_null(r->record);
	assert_int_equal(r->policy_evaluated, V(POLICY_NONE));
	assert_int_equal(r->disposition, V(DISPOSITION_NONE));
	assert_int_equal(r->override, V(OVERRIDE_NO_VALID_POLICY));
	dt_new(t, "norua.example", NULL);
	r = dt_eval(t);
	assert_int_equal(r->verdict, V(NONE));
	assert_null(r->record);
	/* an invalid sp is treated the same way, even with p=reject */
	dt_new(t, "badsp.example", NULL);
	r = dt_eval(t);
	assert_int_equal(r->verdict, V(FAIL));
	assert_int_equal(r->disposition, V(DISPOSITION_NONE));
}

/* a deterministic random source: xorshift32 from a fixed seed */
static uint32_t
xorshift(void *ud)
{
	uint32_t *s = ud;

	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* 13: RFC 7489 pct=0 and pct=50, with a fixed seed */
static void
test_13_pct_sampling(void **state)
{
	struct dt *t = *state;
	const inkan_dmarc_result *r;
	uint32_t seed = 12345, shadow = 12345;
	unsigned i, out = 0, want = 0;

	dt_zone(t, "_dmarc.pct0.example. TXT \"v=DMARC1; p=reject; pct=0\"\n"
		"_dmarc.pct50.example. TXT \"v=DMARC1; p=reject; pct=50\"\n"
		"_dmarc.q0.example. TXT \"v=DMARC1; p=quarantine; pct=0\"\n");
	t->opt.spec = V(SPEC_RFC7489);
	t->opt.random = xorshift;
	t->opt.random_ud = &seed;
	dt_new(t, "pct0.example", NULL);
	r = dt_eval(t);
	assert_int_equal(r->verdict, V(FAIL));
	assert_true(r->sampled_out);
	assert_int_equal(r->override, V(OVERRIDE_SAMPLED_OUT));
	assert_int_equal(r->policy_evaluated, V(POLICY_REJECT));
	assert_int_equal(r->disposition, V(DISPOSITION_QUARANTINE));
	dt_new(t, "q0.example", NULL);
	r = dt_eval(t);
	assert_int_equal(r->disposition, V(DISPOSITION_NONE));

	seed = shadow = 777;
	for (i = 0; i < 200; i++) {
		dt_new(t, "pct50.example", NULL);
		r = dt_eval(t);
		/* what RFC 7489 6.3's pseudocode selects for this value */
		if (xorshift(&shadow) % 100 >= 50) {
			want++;
			assert_true(r->sampled_out);
			assert_int_equal(r->disposition,
				V(DISPOSITION_QUARANTINE));
		} else {
			assert_false(r->sampled_out);
			assert_int_equal(r->disposition, V(DISPOSITION_REJECT));
		}
		out += (unsigned)r->sampled_out;
	}
	assert_int_equal(out, want);
	assert_in_range(out, 60, 140);
	/* RFC 9989 removed pct: pct=0 is ignored there */
	t->opt.spec = V(SPEC_RFC9989);
	dt_new(t, "pct0.example", NULL);
	r = dt_eval(t);
	assert_false(r->sampled_out);
	assert_int_equal(r->disposition, V(DISPOSITION_REJECT));
	assert_true(r->record->nwarnings > 0);
}

/* 14: a DNS timeout on _dmarc: temperror, no policy */
static void
test_14_dns_timeout(void **state)
{
	struct dt *t = *state;
	const inkan_dmarc_result *r;

	dt_zone(t, "$FAULT _dmarc.slow.example. TXT timeout\n"
		"$FAULT _dmarc.example. TXT servfail\n"
		"_dmarc.ok.example. TXT \"v=DMARC1; p=reject\"\n"
		"ok.example. A 192.0.2.1\n");
	dt_new(t, "slow.example", NULL);
	dt_dkim(t, V(DKIM_PASS), "slow.example", 0);
	r = dt_eval(t);
	assert_int_equal(r->verdict, V(TEMPERROR));
	assert_int_equal(r->disposition, V(DISPOSITION_NONE));
	assert_string_equal(dt_trace(r->trace, r->ntrace), "slow.example:T");
	/* the failing parent is never needed when the author's own record
	 * and a strictly equal identity settle it */
	dt_new(t, "ok.example", NULL);
	dt_dkim(t, V(DKIM_PASS), "ok.example", 0);
	r = dt_eval(t);
	assert_int_equal(r->verdict, V(PASS));
	/* ... but it is for a relaxed check of a subdomain identity */
	dt_new(t, "ok.example", NULL);
	dt_dkim(t, V(DKIM_PASS), "mail.ok.example", 0);
	r = dt_eval(t);
	assert_int_equal(r->verdict, V(TEMPERROR));
	assert_int_equal(r->dkim[0].alignment, V(ALIGN_UNKNOWN));
}

/* 15: a DKIM pass whose l= leaves part of the body unsigned */
static void
test_15_partial_body(void **state)
{
	struct dt *t = *state;
	const inkan_dmarc_result *r;

	dt_zone(t, base_zone);
	dt_new(t, "example.com", NULL);
	dt_dkim(t, V(DKIM_PASS), "example.com", 1);
	r = dt_eval(t);
	assert_int_equal(r->verdict, V(FAIL));
	assert_int_equal(r->dkim[0].alignment, V(ALIGN_PARTIAL_BODY));
	assert_false(r->dkim_aligned);
	t->opt.allow_partial_body = 1;
	dt_new(t, "example.com", NULL);
	dt_dkim(t, V(DKIM_PASS), "example.com", 1);
	r = dt_eval(t);
	assert_int_equal(r->verdict, V(PASS));
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, dt_setup, dt_teardown)
	const struct CMUnitTest tests[] = {
		T(test_01_aligned_dkim_only),
		T(test_02_spf_custom_mailfrom_relaxed),
		T(test_03_spf_custom_mailfrom_strict),
		T(test_04_provider_mailfrom),
		T(test_05_existing_subdomain_sp),
		T(test_06_nxdomain_subdomain_np),
		T(test_07_psd_record),
		T(test_08_testing_downgrade),
		T(test_09_two_records),
		T(test_10_two_from_domains),
		T(test_11_display_name_address),
		T(test_12_missing_p_with_rua),
		T(test_13_pct_sampling),
		T(test_14_dns_timeout),
		T(test_15_partial_body),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
