/* SPDX-License-Identifier: MIT */
/*
 * test_domain_selftest.c - inkan_domain_selftest_run() against the
 * records the set-up renders, loaded into the zone backend (no network):
 * it passes when they are all published, and fails, naming the fix, when
 * the DKIM records or the MAIL FROM's SPF record are left out.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <inkan/domain.h>

#include "alloc_fail.h"

struct sf {
	inkan_ctx *ctx;
	inkan_resolver *r;
	char dir[64];
	char *zone;		/* the rendered records */
	inkan_domain_selftest *t;
	const inkan_domain_selftest_result *res;
};

static int64_t
fixed_clock(void *ud)
{
	(void)ud;
	return 1700000000;
}

static int
setup(void **state)
{
	struct sf *f = calloc(1, sizeof(*f));
	inkan_domain *d = NULL;
	inkan_domain_records *rs = NULL;

	if (f == NULL || inkan_ctx_new(NULL, &f->ctx) != INKAN_OK)
		return -1;
	inkan_ctx_set_clock(f->ctx, fixed_clock, f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/inkan-test-selftest-XXXXXX");
	if (mkdtemp(f->dir) == NULL ||
	    inkan_domain_new(f->ctx, "example.com", &d) != INKAN_OK ||
	    inkan_domain_set_mail_from(d, "bounce", "mx.example.com") !=
	    INKAN_OK || inkan_domain_add_spf_ip(d, "192.0.2.0/24") !=
	    INKAN_OK || inkan_domain_set_dmarc_policy(d,
	    INKAN_DMARC_POLICY_REJECT) != INKAN_OK ||
	    inkan_domain_generate_key(d, f->dir, "r1", INKAN_KEY_RSA, 0,
	    INKAN_DOMAIN_KEY_ACTIVE) != INKAN_OK ||
	    inkan_domain_generate_key(d, f->dir, "e1", INKAN_KEY_ED25519, 0,
	    INKAN_DOMAIN_KEY_ACTIVE) != INKAN_OK ||
	    inkan_domain_save(d, f->dir) != INKAN_OK ||
	    inkan_domain_records_make(d, &rs) != INKAN_OK ||
	    inkan_domain_render(f->ctx, rs, INKAN_DOMAIN_FORMAT_ZONE,
	    &f->zone) != INKAN_OK)
		return -1;
	inkan_domain_records_free(rs);
	inkan_domain_free(d);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct sf *f = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	inkan_domain_selftest_free(f->t);
	inkan_ctx_set_resolver(f->ctx, NULL);
	inkan_resolver_free(f->r);
	inkan_free(f->ctx, f->zone);
	inkan_ctx_free(f->ctx);
	free(f);
	return 0;
}

#define BASE "$ORIGIN example.com.\n" \
	"@ 300 IN SOA ns h 1 3600 600 86400 60\n" \
	"mx IN A 192.0.2.25\n"

/* BASE + @extra + the rendered records, without the lines that contain
 * @drop */
static void
zone(struct sf *f, const char *drop, const char *extra)
{
	char err[256] = "", *text, *copy, *line, *next;
	size_t cap = strlen(BASE) + strlen(extra) + strlen(f->zone) + 2;

	text = calloc(1, cap);
	copy = strdup(f->zone);
	assert_non_null(text);
	assert_non_null(copy);
	strcat(text, BASE);
	strcat(text, extra);
	for (line = copy; line != NULL && *line != '\0'; line = next) {
		char *nl = strchr(line, '\n');

		next = nl != NULL ? nl + 1 : NULL;
		if (nl != NULL)
			*nl = '\0';
		if (drop != NULL && strstr(line, drop) != NULL)
			continue;
		strcat(text, line);
		strcat(text, "\n");
	}
	free(copy);
	/* the last test's answers are the old resolver's: free them first */
	inkan_domain_selftest_free(f->t);
	f->t = NULL;
	inkan_ctx_set_resolver(f->ctx, NULL);
	inkan_resolver_free(f->r);
	assert_int_equal(inkan_resolver_zone_new(f->ctx, &f->r), INKAN_OK);
	if (inkan_resolver_zone_load_mem(f->r, text, SIZE_MAX, NULL, "test",
	    err, sizeof(err)) != INKAN_OK)
		fail_msg("zone: %s\n%s", err, text);
	inkan_ctx_set_resolver(f->ctx, f->r);
	free(text);
}

static void
run(struct sf *f, const char *ip)
{
	inkan_domain_selftest_options o;

	memset(&o, 0, sizeof(o));
	o.client_ip = ip;
	inkan_domain_selftest_free(f->t);
	f->t = NULL;
	assert_int_equal(inkan_domain_selftest_run(f->ctx, f->dir, &o, &f->t,
		&f->res), INKAN_OK);
}

/* the note of @method whose result is not a pass, with a fix */
static const inkan_verify_note *
problem(const inkan_domain_selftest_result *r, const char *method)
{
	size_t i;

	for (i = 0; i < r->nnotes; i++)
		if (strcmp(r->notes[i].method, method) == 0 &&
		    r->notes[i].problem)
			return &r->notes[i];
	return NULL;
}

static void
test_pass(void **state)
{
	struct sf *f = *state;
	const char *sig;

	zone(f, NULL, "");
	run(f, NULL);
	assert_int_equal(f->res->passed, 1);
	assert_int_equal(f->res->outcome, INKAN_VERIFY_PASS);
	/* the IP is the first host of the identity's first SPF network */
	assert_string_equal(f->res->client_ip, "192.0.2.1");
	assert_string_equal(f->res->mail_from, "bounce@bounce.example.com");
	assert_string_equal(f->res->from, "selftest@example.com");
	assert_string_equal(f->res->spf, "PASS with IP 192.0.2.1");
	assert_int_equal(f->res->ndkim, 2);
	assert_string_equal(f->res->dkim[0],
		"'PASS' with domain example.com (selector r1)");
	assert_string_equal(f->res->dkim[1],
		"'PASS' with domain example.com (selector e1)");
	assert_string_equal(f->res->dmarc, "'PASS'");
	assert_null(problem(f->res, "spf"));
	assert_null(problem(f->res, "dkim"));
	assert_null(problem(f->res, "dmarc"));
	assert_non_null(strstr(f->res->authres, "spf=pass"));
	assert_non_null(strstr(f->res->authres, "dmarc=pass"));
	/* signed with both ACTIVE keys, RSA first */
	sig = strstr(f->res->message, "DKIM-Signature:");
	assert_non_null(sig);
	assert_non_null(strstr(sig, "s=r1"));
	assert_non_null(strstr(strstr(sig, "s=r1"), "s=e1"));
	assert_int_equal(f->res->nadvice, 0);
	/* an IP given by the caller, outside the SPF record: softfail */
	run(f, "198.51.100.7");
	assert_int_equal(f->res->passed, 0);
	assert_string_equal(f->res->spf, "SOFTFAIL with IP 198.51.100.7");
	assert_non_null(problem(f->res, "spf"));
	assert_non_null(strstr(problem(f->res, "spf")->fix,
		"--spf-ip 198.51.100.7"));
}

static void
test_no_dkim_record(void **state)
{
	struct sf *f = *state;
	const inkan_verify_note *n;

	zone(f, "_domainkey", "");
	run(f, NULL);
	/* DMARC still passes through SPF, but the test does not */
	assert_int_equal(f->res->passed, 0);
	assert_string_equal(f->res->spf, "PASS with IP 192.0.2.1");
	assert_int_equal(f->res->ndkim, 2);
	assert_null(strstr(f->res->dkim[0], "'PASS'"));
	assert_null(strstr(f->res->dkim[1], "'PASS'"));
	n = problem(f->res, "dkim");
	assert_non_null(n);
	assert_non_null(strstr(n->subject, "r1"));
	/* the fix is the record to publish, from the identity */
	assert_non_null(n->fix);
	assert_non_null(strstr(n->fix, "r1._domainkey.example.com"));
	assert_non_null(strstr(n->fix, "\"v=DKIM1; k=rsa; p="));
}

static void
test_no_mail_from_spf(void **state)
{
	struct sf *f = *state;
	const inkan_verify_note *n;

	/* the MAIL FROM's SPF record is the only TXT at bounce */
	zone(f, "bounce.example.com. 3600 IN TXT", "");
	run(f, NULL);
	assert_int_equal(f->res->passed, 0);
	assert_string_equal(f->res->spf, "NONE with IP 192.0.2.1");
	assert_string_equal(f->res->dkim[0],
		"'PASS' with domain example.com (selector r1)");
	n = problem(f->res, "spf");
	assert_non_null(n);
	assert_non_null(n->fix);
	assert_non_null(strstr(n->fix, "bounce.example.com, TXT "
		"\"v=spf1 ip4:192.0.2.0/24 ~all\""));
}

static void
test_temporary(void **state)
{
	struct sf *f = *state;

	/* a DNS failure is no verdict: not passed, but temporary */
	zone(f, NULL, "$FAULT r1._domainkey.example.com. TXT servfail\n");
	run(f, NULL);
	assert_int_equal(f->res->passed, 0);
	assert_int_equal(f->res->temporary, 1);
	assert_string_equal(f->res->dkim[0],
		"'TEMPERROR' with domain example.com (selector r1)");
	zone(f, NULL, "");
	run(f, NULL);
	assert_int_equal(f->res->temporary, 0);
}

static void
test_errors(void **state)
{
	struct sf *f = *state;

	zone(f, NULL, "");
	assert_int_equal(inkan_domain_selftest_run(f->ctx, "/nonexistent",
		NULL, &f->t, &f->res), INKAN_ERR_NOT_FOUND);
	assert_null(f->t);
	assert_null(f->res);
	inkan_ctx_set_resolver(f->ctx, NULL);
	assert_int_equal(inkan_domain_selftest_run(f->ctx, f->dir, NULL,
		&f->t, &f->res), INKAN_ERR_CONFIG);
}

/* ---- allocation failures (alloc_fail.h) ---- */

static void *
af_setup(inkan_ctx *ctx, void *arg)
{
	struct sf *f = arg;
	inkan_resolver *r = NULL;
	char err[64];

	inkan_ctx_set_clock(ctx, fixed_clock, NULL);
	assert_int_equal(inkan_resolver_zone_new(ctx, &r), INKAN_OK);
	assert_int_equal(inkan_resolver_zone_load_mem(r, BASE, SIZE_MAX,
		NULL, "base", err, sizeof(err)), INKAN_OK);
	assert_int_equal(inkan_resolver_zone_load_mem(r, f->zone, SIZE_MAX,
		NULL, "records", err, sizeof(err)), INKAN_OK);
	inkan_ctx_set_resolver(ctx, r);
	return r;
}

static void
af_teardown(inkan_ctx *ctx, void *arg, void *env)
{
	(void)arg;
	inkan_ctx_set_resolver(ctx, NULL);
	inkan_resolver_free(env);
}

/* a whole self-test; the answer is Gmail's "Show original" lines */
static void
af_run(inkan_ctx *ctx, void *arg, void *env, alloc_fail_outcome *out)
{
	struct sf *f = arg;
	inkan_domain_selftest *t = NULL;
	const inkan_domain_selftest_result *res = NULL;
	char dkim[512] = "";
	size_t i, off = 0;

	(void)env;
	out->status = inkan_domain_selftest_run(ctx, f->dir, NULL, &t, &res);
	if (out->status == INKAN_OK) {
		for (i = 0; i < res->ndkim; i++) {
			int n = snprintf(dkim + off, sizeof(dkim) - off,
				" DKIM: %s;", res->dkim[i]);

			assert_true(n > 0 && (size_t)n < sizeof(dkim) - off);
			off += (size_t)n;
		}
		/* a DNS failure left a result at temperror */
		out->temporary = res->temporary;
		alloc_fail_verdict(out, "%s SPF: %s;%s DMARC: %s",
			res->passed ? "passed" : "failed", res->spf, dkim,
			res->dmarc);
	}
	inkan_domain_selftest_free(t);
}

/* every allocation of a whole self-test fails once in turn: the clean
 * run's verdict, or a temporary error (NOMEM, temperror), never another
 * verdict, a crash or a leak */
static void
test_nomem(void **state)
{
	const alloc_fail_case c = {
		.name = "domain selftest", .mode = ALLOC_FAIL_ONE,
		.setup = af_setup, .run = af_run, .teardown = af_teardown,
		.arg = *state, .expect_status = INKAN_OK,
		.expect = "passed SPF: PASS with IP 192.0.2.1; DKIM: 'PASS' "
			"with domain example.com (selector r1); DKIM: 'PASS' "
			"with domain example.com (selector e1); DMARC: 'PASS'",
		.min_points = 100, .max_points = 100000,
	};

	alloc_fail_each(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_pass, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_dkim_record, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_no_mail_from_spf, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_temporary, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nomem, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
