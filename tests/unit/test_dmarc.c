/* SPDX-License-Identifier: MIT */
/*
 * test_dmarc.c - the DMARC record parser (RFC 9989 4.7/4.8, RFC 7489 6.3),
 * the Public Suffix List wrapper and the Authentication-Results pieces.
 * Discovery and evaluation against DNS are in test_dmarc_scenarios.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <inkan/dmarc.h>

static int
setup(void **state)
{
	inkan_ctx *ctx = NULL;

	if (inkan_ctx_new(NULL, &ctx) != INKAN_OK)
		return -1;
	*state = ctx;
	return 0;
}

static int
teardown(void **state)
{
	inkan_ctx_free(*state);
	return 0;
}

static inkan_dmarc_record *
parse(void **state, const char *text, inkan_dmarc_spec spec)
{
	inkan_dmarc_record *r = NULL;

	assert_int_equal(inkan_dmarc_record_parse(*state, text, strlen(text),
		spec, &r), INKAN_OK);
	assert_non_null(r);
	return r;
}

static int
has_warning(const inkan_dmarc_record *r, inkan_dmarc_warning_code code,
	const char *tag)
{
	size_t i;

	for (i = 0; i < r->nwarnings; i++)
		if (r->warnings[i].code == code && (tag == NULL ||
		    (r->warnings[i].tag && !strcmp(r->warnings[i].tag, tag))))
			return 1;
	return 0;
}

static void
test_full_record(void **state)
{
	inkan_dmarc_record *r = parse(state, "v=DMARC1; p=reject; "
		"sp=quarantine; np=none; psd=n; t=y; adkim=s; aspf=s; "
		"fo=1:d:s; rua=mailto:agg@example.com,mailto:b@example.net!10m;"
		" ruf=mailto:f@example.com", INKAN_DMARC_SPEC_RFC9989);

	assert_int_equal(r->p, INKAN_DMARC_POLICY_REJECT);
	assert_int_equal(r->sp, INKAN_DMARC_POLICY_QUARANTINE);
	assert_int_equal(r->np, INKAN_DMARC_POLICY_NONE);
	assert_int_equal(r->psd, 'n');
	assert_int_equal(r->testing, 1);
	assert_int_equal(r->adkim, INKAN_DMARC_ALIGN_STRICT);
	assert_int_equal(r->aspf, INKAN_DMARC_ALIGN_STRICT);
	assert_int_equal(r->fo, INKAN_DMARC_FO_1 | INKAN_DMARC_FO_D |
		INKAN_DMARC_FO_S);
	assert_int_equal(r->nrua, 2);
	assert_string_equal(r->rua[0].uri, "mailto:agg@example.com");
	assert_null(r->rua[0].obsolete_size);
	assert_string_equal(r->rua[1].uri, "mailto:b@example.net");
	assert_string_equal(r->rua[1].obsolete_size, "10m");
	assert_int_equal(r->nruf, 1);
	assert_int_equal(r->nwarnings, 0);
	inkan_dmarc_record_free(r);
}

static void
test_defaults(void **state)
{
	inkan_dmarc_record *r = parse(state, "v=DMARC1; p=none",
		INKAN_DMARC_SPEC_RFC9989);

	assert_int_equal(r->p, INKAN_DMARC_POLICY_NONE);
	assert_int_equal(r->sp, INKAN_DMARC_POLICY_ABSENT);
	assert_int_equal(r->np, INKAN_DMARC_POLICY_ABSENT);
	assert_int_equal(r->psd, 'u');
	assert_int_equal(r->testing, 0);
	assert_int_equal(r->adkim, INKAN_DMARC_ALIGN_RELAXED);
	assert_int_equal(r->aspf, INKAN_DMARC_ALIGN_RELAXED);
	assert_int_equal(r->fo, INKAN_DMARC_FO_0);
	assert_int_equal(r->pct, 100);
	assert_int_equal(r->ri, 86400);
	assert_int_equal(r->nrua, 0);
	inkan_dmarc_record_free(r);
}

static void
test_version(void **state)
{
	static const char *const bad[] = {
		"v=DMARC2; p=none", "p=none; v=DMARC1", "v=dmarc1; p=none",
		"v=DMARC1 p=none", "v=DMARC1p=none", " v=DMARC1; p=none",
		"v:DMARC1", "", "v=", "DMARC1",
	};
	static const char *const good[] = {
		"v=DMARC1", "v=DMARC1;", "V=DMARC1; p=none",
		"v = DMARC1 ; p = reject ;", "v=DMARC1\t;\tp=quarantine",
	};
	inkan_dmarc_record *r = NULL;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(inkan_dmarc_record_parse(*state, bad[i],
			strlen(bad[i]), INKAN_DMARC_SPEC_RFC9989, &r),
			INKAN_ERR_SYNTAX);
	assert_null(r);
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		r = parse(state, good[i], INKAN_DMARC_SPEC_RFC9989);
		inkan_dmarc_record_free(r);
	}
	r = parse(state, "v = DMARC1 ; p = reject ;", INKAN_DMARC_SPEC_RFC9989);
	assert_int_equal(r->p, INKAN_DMARC_POLICY_REJECT);
	inkan_dmarc_record_free(r);
}

static void
test_bad_values_fall_back(void **state)
{
	inkan_dmarc_record *r = parse(state, "v=DMARC1; p=block; sp=Reject; "
		"adkim=x; aspf=strict; fo=0:1; psd=maybe; t=yes; np=",
		INKAN_DMARC_SPEC_RFC9989);

	assert_int_equal(r->p, INKAN_DMARC_POLICY_ABSENT);
	assert_int_equal(r->p_invalid, 1);
	/* keywords are case-insensitive (RFC 5234 2.3) */
	assert_int_equal(r->sp, INKAN_DMARC_POLICY_REJECT);
	assert_int_equal(r->sp_invalid, 0);
	assert_int_equal(r->adkim, INKAN_DMARC_ALIGN_RELAXED);
	assert_int_equal(r->aspf, INKAN_DMARC_ALIGN_RELAXED);
	assert_int_equal(r->fo, INKAN_DMARC_FO_0);
	assert_int_equal(r->psd, 'u');
	assert_int_equal(r->testing, 0);
	assert_true(has_warning(r, INKAN_DMARC_WARN_BAD_VALUE, "p"));
	assert_true(has_warning(r, INKAN_DMARC_WARN_BAD_VALUE, "adkim"));
	assert_true(has_warning(r, INKAN_DMARC_WARN_BAD_VALUE, "aspf"));
	assert_true(has_warning(r, INKAN_DMARC_WARN_BAD_VALUE, "fo"));
	assert_true(has_warning(r, INKAN_DMARC_WARN_BAD_VALUE, "psd"));
	assert_true(has_warning(r, INKAN_DMARC_WARN_BAD_VALUE, "t"));
	/* "np=" has no value: not a tag at all */
	assert_true(has_warning(r, INKAN_DMARC_WARN_SYNTAX, NULL));
	assert_true(has_warning(r, INKAN_DMARC_WARN_NO_POLICY, "p"));
	inkan_dmarc_record_free(r);
}

static void
test_unknown_and_duplicate(void **state)
{
	inkan_dmarc_record *r = parse(state, "v=DMARC1; p=reject; foo=bar; "
		"p=none; x; v=DMARC1", INKAN_DMARC_SPEC_RFC9989);

	assert_int_equal(r->p, INKAN_DMARC_POLICY_REJECT);
	assert_true(has_warning(r, INKAN_DMARC_WARN_UNKNOWN_TAG, NULL));
	assert_true(has_warning(r, INKAN_DMARC_WARN_DUPLICATE_TAG, "p"));
	assert_true(has_warning(r, INKAN_DMARC_WARN_SYNTAX, NULL));
	inkan_dmarc_record_free(r);
}

static void
test_missing_p(void **state)
{
	inkan_dmarc_record *r = parse(state, "v=DMARC1; rua=mailto:a@b.example",
		INKAN_DMARC_SPEC_RFC9989);

	assert_int_equal(r->p, INKAN_DMARC_POLICY_ABSENT);
	assert_int_equal(r->p_invalid, 0);
	assert_int_equal(r->nrua, 1);
	assert_true(has_warning(r, INKAN_DMARC_WARN_NO_POLICY, "p"));
	inkan_dmarc_record_free(r);
}

static void
test_uris(void **state)
{
	inkan_dmarc_record *r = parse(state, "v=DMARC1; p=none; rua=mailto:"
		"a@example.com!20k , mailto:nobody, https://r.example/x, "
		"mailto:b@example.com!x, not a uri, mailto:c%2cd@example.com,,"
		"mailto:e@example.com!5", INKAN_DMARC_SPEC_RFC9989);

	assert_int_equal(r->nrua, 4);
	assert_string_equal(r->rua[0].uri, "mailto:a@example.com");
	assert_string_equal(r->rua[0].obsolete_size, "20k");
	assert_string_equal(r->rua[1].uri, "https://r.example/x");
	assert_string_equal(r->rua[2].uri, "mailto:c%2cd@example.com");
	assert_string_equal(r->rua[3].uri, "mailto:e@example.com");
	assert_string_equal(r->rua[3].obsolete_size, "5");
	assert_true(has_warning(r, INKAN_DMARC_WARN_BAD_URI, "rua"));
	inkan_dmarc_record_free(r);

	r = parse(state, "v=DMARC1; p=none; rua=mailto:; ruf=x",
		INKAN_DMARC_SPEC_RFC9989);
	assert_int_equal(r->nrua, 0);
	assert_int_equal(r->nruf, 0);
	inkan_dmarc_record_free(r);
}

static void
test_uri_cap(void **state)
{
	char text[4096];
	size_t len;
	int i;
	inkan_dmarc_record *r;

	len = (size_t)snprintf(text, sizeof(text), "v=DMARC1; p=none; rua=");
	for (i = 0; i < 40; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len,
			"%smailto:r%d@example.com", i ? "," : "", i);
	r = parse(state, text, INKAN_DMARC_SPEC_RFC9989);
	assert_int_equal(r->nrua, 16);
	assert_string_equal(r->rua[15].uri, "mailto:r15@example.com");
	assert_true(has_warning(r, INKAN_DMARC_WARN_BAD_URI, "rua"));
	inkan_dmarc_record_free(r);
}

static void
test_legacy_tags(void **state)
{
	inkan_dmarc_record *r = parse(state, "v=DMARC1; p=reject; pct=25; "
		"rf=afrf; ri=3600; np=reject; t=y; psd=y",
		INKAN_DMARC_SPEC_RFC7489);

	assert_int_equal(r->pct, 25);
	assert_int_equal(r->pct_present, 1);
	assert_string_equal(r->rf, "afrf");
	assert_int_equal(r->ri, 3600);
	/* not part of RFC 7489: ignored */
	assert_int_equal(r->np, INKAN_DMARC_POLICY_ABSENT);
	assert_int_equal(r->testing, 0);
	assert_int_equal(r->psd, 'u');
	assert_true(has_warning(r, INKAN_DMARC_WARN_NOT_IN_SPEC, "np"));
	assert_true(has_warning(r, INKAN_DMARC_WARN_NOT_IN_SPEC, "t"));
	assert_false(has_warning(r, INKAN_DMARC_WARN_REMOVED_TAG, NULL));
	inkan_dmarc_record_free(r);

	r = parse(state, "v=DMARC1; p=reject; pct=25; rf=iodef; ri=-1",
		INKAN_DMARC_SPEC_RFC9989);
	assert_true(has_warning(r, INKAN_DMARC_WARN_REMOVED_TAG, "pct"));
	assert_true(has_warning(r, INKAN_DMARC_WARN_REMOVED_TAG, "rf"));
	assert_true(has_warning(r, INKAN_DMARC_WARN_BAD_VALUE, "rf"));
	assert_true(has_warning(r, INKAN_DMARC_WARN_BAD_VALUE, "ri"));
	assert_int_equal(r->ri, 86400);
	inkan_dmarc_record_free(r);

	r = parse(state, "v=DMARC1; pct=101; p=none", INKAN_DMARC_SPEC_RFC7489);
	assert_int_equal(r->pct, 100);
	assert_true(has_warning(r, INKAN_DMARC_WARN_BAD_VALUE, "pct"));
	/* RFC 7489 6.3: p right after v */
	assert_true(has_warning(r, INKAN_DMARC_WARN_SYNTAX, "p"));
	inkan_dmarc_record_free(r);
}

static void
test_fo(void **state)
{
	static const struct { const char *v; unsigned bits; } cases[] = {
		{ "0", INKAN_DMARC_FO_0 },
		{ "d", INKAN_DMARC_FO_D },
		{ "s:1", INKAN_DMARC_FO_S | INKAN_DMARC_FO_1 },
		{ "d:0:s", INKAN_DMARC_FO_D | INKAN_DMARC_FO_0 |
			INKAN_DMARC_FO_S },
		{ "d:d", INKAN_DMARC_FO_0 },	/* invalid: default */
		{ "2", INKAN_DMARC_FO_0 },
		{ "0:", INKAN_DMARC_FO_0 },
	};
	char text[128];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		inkan_dmarc_record *r;
		snprintf(text, sizeof(text), "v=DMARC1; p=none; ruf=mailto:"
			"f@example.com; fo=%s", cases[i].v);
		r = parse(state, text, INKAN_DMARC_SPEC_RFC9989);
		assert_int_equal(r->fo, cases[i].bits);
		inkan_dmarc_record_free(r);
	}
}

static void
test_limits_and_bytes(void **state)
{
	char *big = malloc(5000);
	inkan_dmarc_record *r = NULL;
	static const char nul[] = "v=DMARC1; p=reject; rua=mailto:a\0b@x.y";

	assert_non_null(big);
	memset(big, 'a', 5000);
	memcpy(big, "v=DMARC1; p=none; x=", 20);
	assert_int_equal(inkan_dmarc_record_parse(*state, big, 5000,
		INKAN_DMARC_SPEC_RFC9989, &r), INKAN_ERR_LIMIT);
	free(big);
	/* a NUL inside a value makes that tag unusable, not the record */
	assert_int_equal(inkan_dmarc_record_parse(*state, nul, sizeof(nul) - 1,
		INKAN_DMARC_SPEC_RFC9989, &r), INKAN_OK);
	assert_int_equal(r->p, INKAN_DMARC_POLICY_REJECT);
	assert_int_equal(r->nrua, 0);
	inkan_dmarc_record_free(r);
	inkan_dmarc_record_free(NULL);
	assert_int_equal(inkan_dmarc_record_parse(*state, "v=DMARC1", 8, 7,
		&r), INKAN_ERR_INVALID);
}

static void
test_psl(void **state)
{
	inkan_dmarc_psl *psl = NULL;
	char out[256];

	assert_int_equal(inkan_dmarc_psl_load(*state, "/nonexistent/psl.dat",
		&psl), INKAN_ERR_IO);
	assert_int_equal(inkan_dmarc_psl_load(*state, NULL, &psl), INKAN_OK);
	assert_int_equal(inkan_dmarc_psl_registrable(psl, "Mail.Example.CO.UK.",
		out, sizeof(out)), INKAN_OK);
	assert_string_equal(out, "example.co.uk");
	assert_int_equal(inkan_dmarc_psl_registrable(psl, "co.uk", out,
		sizeof(out)), INKAN_ERR_NOT_FOUND);
	assert_int_equal(inkan_dmarc_psl_registrable(psl, ".example.com", out,
		sizeof(out)), INKAN_ERR_NOT_FOUND);
	assert_int_equal(inkan_dmarc_psl_registrable(psl, "a.example.com", out,
		5), INKAN_ERR_LIMIT);
	inkan_dmarc_psl_free(psl);
	inkan_dmarc_psl_free(NULL);
}

static void
test_names(void **state)
{
	(void)state;
	assert_string_equal(inkan_dmarc_verdict_name(INKAN_DMARC_PERMERROR),
		"permerror");
	assert_string_equal(inkan_dmarc_policy_name(INKAN_DMARC_POLICY_REJECT),
		"reject");
	assert_string_equal(inkan_dmarc_override_name(
		INKAN_DMARC_OVERRIDE_SAMPLED_OUT), "sampled_out");
	assert_string_equal(inkan_dmarc_discovery_name(
		INKAN_DMARC_DISCOVERY_PSL), "psl");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_record),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_version),
		cmocka_unit_test(test_bad_values_fall_back),
		cmocka_unit_test(test_unknown_and_duplicate),
		cmocka_unit_test(test_missing_p),
		cmocka_unit_test(test_uris),
		cmocka_unit_test(test_uri_cap),
		cmocka_unit_test(test_legacy_tags),
		cmocka_unit_test(test_fo),
		cmocka_unit_test(test_limits_and_bytes),
		cmocka_unit_test(test_psl),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
