/* SPDX-License-Identifier: MIT */
/*
 * test_verify_api.c - the verifier's API around the verdicts: the milter
 * path and any chunking give the same result as one feed, the SPF
 * thread can be turned off, misuse is refused, the DNS questions of SPF,
 * DKIM and DMARC overlap (questions out at once, counted), many
 * threads share one context, and every allocation failure is survived.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include <inkan/authres.h>
#include <inkan/verify.h>

#include "alloc_fail.h"
#include "inflight.h"
#include "test_verify_util.h"

static char *
signed_message(struct vt *f)
{
	char *m = vt_message(NULL, NULL);
	char *s = vt_sign(f, m, f->rsa, "example.com", "rsa", f->ed,
		"example.com", "ed");

	free(m);
	return s;
}

static char *
copy(const char *s)
{
	char *c = strdup(s);

	assert_non_null(c);
	return c;
}

/* feed @msg the milter way: one call per field (value as after the
 * colon, folding kept), end of headers, the body in 10-byte pieces */
static const inkan_verify_result *
run_milter(struct vt *f, const char *msg, inkan_verify **out)
{
	inkan_verify_envelope env = { "192.0.2.25", "mail.example.com",
		"bounce@bounce.example.com" };
	inkan_verify_options o;
	const inkan_verify_result *res = NULL;
	const char *p = msg, *end, *colon, *body;
	char name[128], *value;
	size_t n;

	inkan_verify_options_init(&o);
	o.authserv_id = "mx.test";
	o.authres_style = f->style;
	assert_int_equal(inkan_verify_new(f->ctx, &o, out), INKAN_OK);
	assert_int_equal(inkan_verify_set_envelope(*out, &env), INKAN_OK);
	body = strstr(msg, "\r\n\r\n");
	assert_non_null(body);
	while (p < body + 2) {
		/* a field ends at a CRLF not followed by WSP */
		for (end = strstr(p, "\r\n"); end[2] == ' ' || end[2] == '\t';)
			end = strstr(end + 2, "\r\n");
		colon = memchr(p, ':', (size_t)(end - p));
		assert_non_null(colon);
		n = (size_t)(colon - p);
		assert_true(n < sizeof(name));
		memcpy(name, p, n);
		name[n] = '\0';
		value = strndup(colon + 1, (size_t)(end - colon - 1));
		assert_int_equal(inkan_verify_header(*out, name, value),
			INKAN_OK);
		free(value);
		p = end + 2;
	}
	assert_int_equal(inkan_verify_eoh(*out), INKAN_OK);
	for (p = body + 4; *p != '\0'; p += n) {
		n = strlen(p) < 10 ? strlen(p) : 10;
		assert_int_equal(inkan_verify_body(*out, p, n), INKAN_OK);
	}
	assert_int_equal(inkan_verify_eom(*out, &res), INKAN_OK);
	return res;
}

/* the milter path, byte-at-a-time feeds and the inline SPF all give the
 * same Authentication-Results as one feed */
static void
test_paths_agree(void **state)
{
	struct vt *f = *state;
	const inkan_verify_result *r;
	inkan_verify *mv = NULL;
	char *s = signed_message(f), *want;
	static const size_t chunks[] = { 1, 7, 100 };
	size_t i;

	vt_zone(f, NULL);
	r = vt_run(f, s, "192.0.2.25", "mail.example.com",
		"bounce@bounce.example.com", 0, 0);
	assert_int_equal(r->outcome, INKAN_VERIFY_PASS);
	want = copy(r->authres);
	for (i = 0; i < 3; i++) {
		r = vt_run(f, s, "192.0.2.25", "mail.example.com",
			"bounce@bounce.example.com", 0, chunks[i]);
		assert_string_equal(r->authres, want);
	}
	r = vt_run(f, s, "192.0.2.25", "mail.example.com",
		"bounce@bounce.example.com", INKAN_VERIFY_SPF_INLINE, 0);
	assert_string_equal(r->authres, want);
	/* a resolver without a cache: nothing prefetched, same result */
	{
		inkan_resolver *bare = NULL;
		inkan_resolver *cached = f->res;

		assert_int_equal(inkan_resolver_zone_new(f->ctx, &bare),
			INKAN_OK);
		assert_int_equal(inkan_resolver_zone_load_mem(bare, f->zone,
			SIZE_MAX, NULL, NULL, NULL, 0), INKAN_OK);
		inkan_ctx_set_resolver(f->ctx, bare);
		r = vt_run(f, s, "192.0.2.25", "mail.example.com",
			"bounce@bounce.example.com", 0, 0);
		assert_string_equal(r->authres, want);
		inkan_verify_free(f->v);
		f->v = NULL;
		inkan_ctx_set_resolver(f->ctx, cached);
		inkan_resolver_free(bare);
	}
	r = run_milter(f, s, &mv);
	assert_int_equal(r->outcome, INKAN_VERIFY_PASS);
	assert_string_equal(r->authres, want);
	assert_non_null(inkan_verify_msg(mv));
	assert_int_equal(inkan_msg_count_named(inkan_verify_msg(mv),
		"DKIM-Signature"), 2);
	inkan_verify_free(mv);
	free(want);
	free(s);
}

/* the layouts: builder styles, value only, the summary text */
static void
test_output_forms(void **state)
{
	struct vt *f = *state;
	const inkan_verify_result *r;
	inkan_authres_builder *b = NULL;
	char *s = signed_message(f), *text = NULL;
	size_t len = 0, lines = 0, i;

	vt_zone(f, NULL);
	f->style = 0;
	r = vt_run(f, s, "192.0.2.25", "mail.example.com",
		"bounce@bounce.example.com", 0, 0);
	/* the default: CRLF folding at 78 */
	VT_HAS(r->authres, "\r\n");
	assert_int_equal(inkan_verify_authres(f->v, INKAN_AUTHRES_STYLE_LF |
		INKAN_AUTHRES_STYLE_NO_WRAP, 1, &text, &len), INKAN_OK);
	assert_null(strstr(text, "\r"));
	assert_null(strstr(text, "Authentication-Results:"));
	assert_int_equal(strlen(text), len);
	/* one line per resinfo: spf, two dkim, dmarc */
	for (i = 0; text[i] != '\0'; i++)
		lines += text[i] == '\n';
	assert_int_equal(lines, 4);
	inkan_free(f->ctx, text);
	/* into a caller's builder, after an entry of its own */
	assert_int_equal(inkan_authres_builder_new(f->ctx, "mx.test", &b),
		INKAN_OK);
	assert_int_equal(inkan_authres_builder_add(b, "iprev", NULL, "pass"),
		INKAN_OK);
	assert_int_equal(inkan_verify_authres_add(f->v, b), INKAN_OK);
	assert_int_equal(inkan_authres_build(b, &text, NULL), INKAN_OK);
	assert_true(strstr(text, "iprev=pass") < strstr(text, "spf=pass"));
	inkan_free(f->ctx, text);
	inkan_authres_builder_free(b);
	/* the summary: one line per note */
	assert_int_equal(inkan_verify_summary(f->v, 1, &text, NULL), INKAN_OK);
	VT_HAS(text, "SPF:   pass \xe2\x80\x94 bounce.example.com designates");
	VT_HAS(text, "\nDKIM:  pass \xe2\x80\x94 signed by example.com, "
		"selector ed (ed25519-sha256)\n");
	VT_HAS(text, "\nDMARC: pass \xe2\x80\x94 example.com (p=reject)");
	for (lines = 0, i = 0; text[i] != '\0'; i++)
		lines += text[i] == '\n';
	assert_int_equal(lines, r->nnotes);
	inkan_free(f->ctx, text);
	assert_int_equal(inkan_verify_summary(f->v, 0, &text, NULL), INKAN_OK);
	VT_HAS(text, "SPF:   pass - ");
	inkan_free(f->ctx, text);
	free(s);
}

static void
test_misuse(void **state)
{
	struct vt *f = *state;
	inkan_verify_options o;
	inkan_verify *v = NULL;
	const inkan_verify_result *r = NULL, *r2 = NULL;
	inkan_verify_envelope bad = { "192.0.2.300", NULL, "a@b.example" };
	inkan_verify_envelope good = { "2001:db8::1", "h.example", "" };
	char *text = NULL, *m = vt_message(NULL, NULL), *longline;

	vt_zone(f, NULL);
	assert_int_equal(inkan_verify_new(NULL, NULL, &v), INKAN_ERR_INVALID);
	assert_int_equal(inkan_verify_new(f->ctx, NULL, NULL),
		INKAN_ERR_INVALID);
	inkan_verify_options_init(&o);
	o.authserv_id = "bad\x01id";
	assert_int_equal(inkan_verify_new(f->ctx, &o, &v), INKAN_ERR_INVALID);
	assert_null(v);
	inkan_verify_free(NULL);
	assert_int_equal(inkan_verify_new(f->ctx, NULL, &v), INKAN_OK);
	assert_int_equal(inkan_verify_set_envelope(v, &bad), INKAN_ERR_INVALID);
	assert_int_equal(inkan_verify_set_envelope(v, &good), INKAN_OK);
	assert_int_equal(inkan_verify_set_envelope(v, &good), INKAN_ERR_STATE);
	assert_int_equal(inkan_verify_summary(v, 0, &text, NULL),
		INKAN_ERR_STATE);
	assert_int_equal(inkan_verify_authres(v, 0, 0, &text, NULL),
		INKAN_ERR_STATE);
	/* body before the end of the header section */
	assert_int_equal(inkan_verify_body(v, "x", 1), INKAN_ERR_STATE);
	assert_int_equal(inkan_verify_feed(v, m, strlen(m)), INKAN_OK);
	assert_int_equal(inkan_verify_header(v, "X", "y"), INKAN_ERR_STATE);
	assert_int_equal(inkan_verify_eom(v, &r), INKAN_OK);
	assert_int_equal(inkan_verify_eom(v, &r2), INKAN_OK);
	assert_ptr_equal(r, r2);
	assert_int_equal(inkan_verify_feed(v, "x", 1), INKAN_ERR_STATE);
	assert_int_equal(inkan_verify_set_envelope(v, &good), INKAN_ERR_STATE);
	/* the IPv6 null sender from h.example: no record there */
	assert_int_equal(r->spf->result, INKAN_SPF_NONE);
	VT_HAS(r->authres, "smtp.mailfrom=postmaster@h.example");
	inkan_verify_free(v);
	/* a header line over the limit: still a verdict, permerror with
	 * the limit named, and the rest of the message is dropped */
	longline = malloc(8000);
	assert_non_null(longline);
	memset(longline, 'a', 7000);
	memcpy(longline, "Subject: ", 9);
	memcpy(longline + 7000, "\r\n\r\nx\r\n", 8);
	assert_int_equal(inkan_verify_new(f->ctx, NULL, &v), INKAN_OK);
	assert_int_equal(inkan_verify_set_envelope(v, &good), INKAN_OK);
	assert_int_equal(inkan_verify_feed(v, longline, strlen(longline)),
		INKAN_OK);
	assert_int_equal(inkan_verify_feed(v, "x", 1), INKAN_OK);
	assert_int_equal(inkan_verify_eom(v, &r), INKAN_OK);
	assert_int_equal(r->header_error, INKAN_ERR_LINE_LENGTH);
	assert_int_equal(r->outcome, INKAN_VERIFY_FAIL);
	assert_int_equal(r->dmarc->verdict, INKAN_DMARC_PERMERROR);
	assert_int_equal(r->ndkim, 0);
	/* SPF needs only the envelope: still checked */
	assert_non_null(r->spf);
	/* the field is folded: look at its parts */
	VT_HAS(r->authres, "dkim=permerror (header section over "
		"INKAN_LIMIT_HEADER_LINE: a line");
	VT_HAS(r->authres, "longer than 4096 bytes);");
	VT_HAS(r->authres, "dmarc=permerror");
	VT_HAS(r->authres, "INKAN_LIMIT_HEADER_LINE");
	VT_HAS(r->notes[1].why, "no signature was checked");
	inkan_verify_free(v);
	/* 5,000 header fields: the same, naming the field limit */
	{
		size_t cap = 5000 * 12 + 64, n = 0, i;
		char *many = malloc(cap);
		assert_non_null(many);
		for (i = 0; i < 5000; i++)
			n += (size_t)snprintf(many + n, cap - n,
				"X-%04zu: v\r\n", i);
		n += (size_t)snprintf(many + n, cap - n, "\r\nbody\r\n");
		assert_int_equal(inkan_verify_new(f->ctx, NULL, &v), INKAN_OK);
		assert_int_equal(inkan_verify_feed(v, many, n), INKAN_OK);
		assert_int_equal(inkan_verify_eom(v, &r), INKAN_OK);
		assert_int_equal(r->header_error, INKAN_ERR_HEADER_COUNT);
		VT_HAS(r->authres, "dkim=permerror (header section over "
			"INKAN_LIMIT_HEADER_FIELDS:");
		VT_HAS(r->authres, "than 1000 fields);");
		assert_int_equal(r->spf_status, INKAN_VERIFY_SPF_NO_IP);
		inkan_verify_free(v);
		free(many);
	}
	/* no resolver: a configuration error, not a verdict */
	inkan_ctx_set_resolver(f->ctx, NULL);
	assert_int_equal(inkan_verify_new(f->ctx, NULL, &v), INKAN_OK);
	/* DMARC's questions start at the end of the header section */
	assert_int_equal(inkan_verify_feed(v, m, strlen(m)), INKAN_ERR_CONFIG);
	assert_int_equal(inkan_verify_eom(v, &r), INKAN_ERR_CONFIG);
	inkan_verify_free(v);
	assert_string_equal(inkan_verify_outcome_name(INKAN_VERIFY_NEUTRAL),
		"neutral");
	assert_string_equal(inkan_verify_outcome_name(
		(inkan_verify_outcome)42), "?");
	free(longline);
	free(m);
}

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/*
 * With every answer 100 ms away, SPF (its record, then the included
 * one), the two DKIM keys and the DMARC discovery overlap: several
 * questions are out at the same time. That is counted at the backend,
 * not inferred from the wall time, which a loaded machine stretches.
 */
static void
test_dns_overlap(void **state)
{
	struct vt *f = *state;
	inkan_resolver *zone = NULL, *counting = NULL;
	inflight *fl = NULL;
	const inkan_verify_result *r;
	inkan_dns_cache_stats st;
	char *s = signed_message(f);
	double t0, wall;

	vt_teardown((void **)&f);
	assert_int_equal(inkan_resolver_zone_new(f->ctx, &zone), INKAN_OK);
	assert_int_equal(inkan_resolver_zone_load_mem(zone, f->zone,
		SIZE_MAX, NULL, NULL, NULL, 0), INKAN_OK);
	assert_int_equal(inkan_resolver_zone_load_mem(zone,
		"$LATENCY 100\n", SIZE_MAX, NULL, NULL, NULL, 0), INKAN_OK);
	assert_int_equal(inflight_new(f->ctx, zone, 1, &counting, &fl),
		INKAN_OK);
	assert_int_equal(inkan_resolver_cache_new(f->ctx, counting, 0,
		&f->res), INKAN_OK);
	inkan_ctx_set_resolver(f->ctx, f->res);
	t0 = now_ms();
	r = vt_run(f, s, "203.0.113.7", "out.example.net",
		"bounce@bounce.example.com", 0, 0);
	wall = now_ms() - t0;
	assert_int_equal(r->outcome, INKAN_VERIFY_PASS);
	assert_true(r->dmarc->spf_aligned || r->dmarc->dkim_aligned);
	assert_int_equal(inkan_resolver_cache_stats(f->res, &st), INKAN_OK);
	print_message("# %.1f ms wall, %llu backend questions at 100 ms, at "
		"most %d at once\n", wall, (unsigned long long)st.misses,
		inflight_most(fl));
	assert_true(st.misses >= 5);
	/* the two DKIM keys and the DMARC discovery are asked before any
	 * is waited for, whatever SPF's thread is doing */
	assert_true(inflight_most(fl) >= 3);
	free(s);
}

struct worker {
	struct vt *f;
	const char *msg;
	inkan_dkim *dkim;
	int passes;
};

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	inkan_verify_envelope env = { "192.0.2.25", "mail.example.com",
		"bounce@bounce.example.com" };
	inkan_verify_options o;
	const inkan_verify_result *r;
	inkan_verify *v;
	int i;

	inkan_verify_options_init(&o);
	o.dkim = w->dkim;
	for (i = 0; i < 20; i++) {
		v = NULL;
		if (inkan_verify_new(w->f->ctx, &o, &v) == INKAN_OK &&
		    inkan_verify_set_envelope(v, &env) == INKAN_OK &&
		    inkan_verify_feed(v, w->msg, strlen(w->msg)) == INKAN_OK &&
		    inkan_verify_eom(v, &r) == INKAN_OK &&
		    r->outcome == INKAN_VERIFY_PASS)
			w->passes++;
		inkan_verify_free(v);
	}
	return NULL;
}

/* one context, resolver and DKIM handle shared by four threads */
static void
test_threads(void **state)
{
	struct vt *f = *state;
	struct worker w[4];
	pthread_t t[4];
	char *s = signed_message(f);
	inkan_dkim *dkim = NULL;
	int i;

	vt_zone(f, NULL);
	assert_int_equal(inkan_dkim_new(f->ctx, &dkim), INKAN_OK);
	for (i = 0; i < 4; i++) {
		w[i].f = f;
		w[i].msg = s;
		w[i].dkim = dkim;
		w[i].passes = 0;
		assert_int_equal(pthread_create(&t[i], NULL, worker_main,
			&w[i]), 0);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(w[i].passes, 20);
	}
	inkan_dkim_free(dkim);
	free(s);
}

/* ---- allocation failures (alloc_fail.h) ---- */

struct af_arg {
	struct vt *f;
	const char *msg;
};

static void *
af_setup(inkan_ctx *ctx, void *arg)
{
	struct af_arg *a = arg;
	inkan_resolver *zone = NULL, *cache = NULL;

	assert_int_equal(inkan_resolver_zone_new(ctx, &zone), INKAN_OK);
	assert_int_equal(inkan_resolver_zone_load_mem(zone, a->f->zone,
		SIZE_MAX, NULL, NULL, NULL, 0), INKAN_OK);
	assert_int_equal(inkan_resolver_cache_new(ctx, zone, 0, &cache),
		INKAN_OK);
	inkan_ctx_set_resolver(ctx, cache);
	return cache;
}

static void
af_teardown(inkan_ctx *ctx, void *arg, void *env)
{
	(void)arg;
	/* the cache owns the zone resolver */
	inkan_ctx_set_resolver(ctx, NULL);
	inkan_resolver_free(env);
}

/* a temporary verdict anywhere: the outcome, SPF, a signature, DMARC */
static int
af_temporary(const inkan_verify_result *r)
{
	size_t i;

	if (r->outcome == INKAN_VERIFY_TEMPERROR ||
	    (r->spf != NULL && r->spf->result == INKAN_SPF_TEMPERROR) ||
	    r->dmarc->verdict == INKAN_DMARC_TEMPERROR)
		return 1;
	for (i = 0; i < r->ndkim; i++)
		if (r->dkim[i].verdict == INKAN_DKIM_TEMPERROR)
			return 1;
	return 0;
}

/* the verdicts: outcome, SPF, each signature, DMARC */
static void
af_describe(const inkan_verify_result *r, alloc_fail_outcome *out)
{
	char dkim[1024] = "";
	size_t i, off = 0;

	for (i = 0; i < r->ndkim; i++) {
		int n = snprintf(dkim + off, sizeof(dkim) - off,
			" dkim=%s(%s/%s)",
			inkan_dkim_verdict_str(r->dkim[i].verdict),
			r->dkim[i].domain, r->dkim[i].selector);

		assert_true(n > 0 && (size_t)n < sizeof(dkim) - off);
		off += (size_t)n;
	}
	alloc_fail_verdict(out, "%s spf=%s%s dmarc=%s(%s)",
		inkan_verify_outcome_name(r->outcome),
		r->spf ? inkan_spf_result_name(r->spf->result) : "-", dkim,
		inkan_dmarc_verdict_name(r->dmarc->verdict),
		inkan_dmarc_policy_name(r->dmarc->policy_evaluated));
}

/* one whole verification */
static void
af_run(inkan_ctx *ctx, void *arg, void *env, alloc_fail_outcome *out)
{
	const struct af_arg *a = arg;
	inkan_verify_envelope e = { "192.0.2.25", "mail.example.com",
		"bounce@bounce.example.com" };
	inkan_verify_options o;
	inkan_verify *v = NULL;
	const inkan_verify_result *r = NULL;
	inkan_status st;

	(void)env;
	inkan_verify_options_init(&o);
	o.authserv_id = "mx.example.net";
	o.authres_style = INKAN_AUTHRES_STYLE_NO_WRAP;
	st = inkan_verify_new(ctx, &o, &v);
	if (st == INKAN_OK)
		st = inkan_verify_set_envelope(v, &e);
	if (st == INKAN_OK)
		st = inkan_verify_feed(v, a->msg, strlen(a->msg));
	if (st == INKAN_OK)
		st = inkan_verify_eom(v, &r);
	out->status = st;
	if (st == INKAN_OK) {
		assert_non_null(r);
		assert_non_null(r->authres);
		out->temporary = af_temporary(r);
		af_describe(r, out);
	} else {
		assert_null(r);
	}
	inkan_verify_free(v);
}

/*
 * Every allocation of a whole verification, failed in turn (on the SPF
 * thread too): the clean verdict or a temporary error. Once with an
 * unsigned message (SPF aligns, DMARC passes) and once with a signed one,
 * so the DKIM verifier's signature set-up is failed at each allocation.
 */
static void
test_allocation_failures(void **state)
{
	struct vt *f = *state;
	char *plain = vt_message(NULL, NULL), *signed_msg = signed_message(f);
	struct af_arg a_plain = { f, plain }, a_signed = { f, signed_msg };
	const alloc_fail_case unsigned_case = {
		.name = "verify unsigned", .mode = ALLOC_FAIL_ONE,
		.setup = af_setup, .run = af_run, .teardown = af_teardown,
		.arg = &a_plain, .expect_status = INKAN_OK,
		.expect = "pass spf=pass dmarc=pass(reject)",
		.min_points = 50, .max_points = 50000,
	};
	alloc_fail_case signed_case = unsigned_case;

	signed_case.name = "verify signed";
	signed_case.arg = &a_signed;
	signed_case.expect = "pass spf=pass dkim=pass(example.com/rsa) "
		"dkim=pass(example.com/ed) dmarc=pass(reject)";
	alloc_fail_each(&unsigned_case);
	alloc_fail_each(&signed_case);
	free(plain);
	free(signed_msg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_paths_agree, vt_teardown),
		cmocka_unit_test_teardown(test_output_forms, vt_teardown),
		cmocka_unit_test_teardown(test_misuse, vt_teardown),
		cmocka_unit_test_teardown(test_dns_overlap, vt_teardown),
		cmocka_unit_test_teardown(test_threads, vt_teardown),
		cmocka_unit_test_teardown(test_allocation_failures,
			vt_teardown),
	};

	return cmocka_run_group_tests(tests, vt_group_setup,
		vt_group_teardown);
}
