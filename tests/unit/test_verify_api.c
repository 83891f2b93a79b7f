/* SPDX-License-Identifier: MIT */
/*
 * test_verify_api.c - the verifier's API around the verdicts: the milter
 * path and any chunking give the same result as one feed, the SPF
 * thread can be turned off, misuse is refused, the DNS questions of SPF,
 * DKIM and DMARC overlap (wall time against the sequential sum), many
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
	/* one line per resinfo: spf, two dkim, arc, dmarc */
	for (i = 0; text[i] != '\0'; i++)
		lines += text[i] == '\n';
	assert_int_equal(lines, 5);
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
	/* a header line over the limit: the parser's error, sticky */
	longline = malloc(8000);
	assert_non_null(longline);
	memset(longline, 'a', 7000);
	memcpy(longline, "Subject: ", 9);
	memcpy(longline + 7000, "\r\n\r\nx\r\n", 8);
	assert_int_equal(inkan_verify_new(f->ctx, NULL, &v), INKAN_OK);
	assert_int_equal(inkan_verify_feed(v, longline, strlen(longline)),
		INKAN_ERR_LINE_LENGTH);
	assert_int_equal(inkan_verify_feed(v, "x", 1), INKAN_ERR_LINE_LENGTH);
	assert_int_equal(inkan_verify_eom(v, &r), INKAN_ERR_LINE_LENGTH);
	assert_null(r);
	inkan_verify_free(v);
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
 * With every answer 100 ms away (long, so that CPU time under a
 * sanitizer or on a loaded machine does not blur the count of round
 * trips), SPF (its record, then the included one), the two DKIM keys and
 * the DMARC discovery overlap: the wall time is well under the sum of
 * the round trips the backend answered.
 */
static void
test_dns_overlap(void **state)
{
	struct vt *f = *state;
	const inkan_verify_result *r;
	inkan_dns_cache_stats st;
	char *s = signed_message(f);
	double t0, wall;
	const double lat = 100;

	vt_zone(f, "$LATENCY 100\n");
	t0 = now_ms();
	r = vt_run(f, s, "203.0.113.7", "out.example.net",
		"bounce@bounce.example.com", 0, 0);
	wall = now_ms() - t0;
	assert_int_equal(r->outcome, INKAN_VERIFY_PASS);
	assert_true(r->dmarc->spf_aligned || r->dmarc->dkim_aligned);
	assert_int_equal(inkan_resolver_cache_stats(f->res, &st), INKAN_OK);
	print_message("# %.1f ms wall, %llu backend questions at %.0f ms\n",
		wall, (unsigned long long)st.misses, lat);
	/* SPF alone needs two round trips; everything else overlaps it,
	 * the DMARC question SPF alignment needs included (prefetch.c) */
	assert_true(wall >= 2 * lat);
	assert_true(wall < 3 * lat);
	assert_true(st.misses >= 5);
	assert_true(wall + 2 * lat < st.misses * lat);
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

/* an allocator that fails the Nth allocation, from any thread */
struct failing {
	atomic_long count;
	atomic_long fail_at;	/* 0: never */
	atomic_long failed;
};

static void *
fa_alloc(void *ud, size_t size)
{
	struct failing *fa = ud;
	long n = atomic_fetch_add(&fa->count, 1) + 1;

	if (n == atomic_load(&fa->fail_at)) {
		atomic_fetch_add(&fa->failed, 1);
		return NULL;
	}
	return malloc(size);
}

static void *
fa_realloc(void *ud, void *p, size_t size)
{
	struct failing *fa = ud;
	long n = atomic_fetch_add(&fa->count, 1) + 1;

	if (n == atomic_load(&fa->fail_at)) {
		atomic_fetch_add(&fa->failed, 1);
		return NULL;
	}
	return realloc(p, size);
}

static void
fa_free(void *ud, void *p)
{
	(void)ud;
	free(p);
}

/* one verification with allocation @n failing; 1 when none failed */
static int
run_failing(struct vt *f, const char *msg, long n)
{
	struct failing fa;
	inkan_allocator al = { fa_alloc, fa_realloc, fa_free, &fa };
	inkan_verify_envelope env = { "192.0.2.25", "mail.example.com",
		"bounce@bounce.example.com" };
	inkan_ctx *ctx = NULL;
	inkan_resolver *zone = NULL, *cache = NULL;
	inkan_verify *v = NULL;
	const inkan_verify_result *r = NULL;
	inkan_status st;
	int64_t now = VT_NOW;

	(void)now;
	atomic_init(&fa.count, 0);
	atomic_init(&fa.fail_at, 0);
	atomic_init(&fa.failed, 0);
	assert_int_equal(inkan_ctx_new(&al, &ctx), INKAN_OK);
	assert_int_equal(inkan_resolver_zone_new(ctx, &zone), INKAN_OK);
	assert_int_equal(inkan_resolver_zone_load_mem(zone, f->zone,
		SIZE_MAX, NULL, NULL, NULL, 0), INKAN_OK);
	assert_int_equal(inkan_resolver_cache_new(ctx, zone, 0, &cache),
		INKAN_OK);
	inkan_ctx_set_resolver(ctx, cache);
	atomic_store(&fa.count, 0);
	atomic_store(&fa.fail_at, n);
	st = inkan_verify_new(ctx, NULL, &v);
	if (st == INKAN_OK)
		st = inkan_verify_set_envelope(v, &env);
	if (st == INKAN_OK)
		st = inkan_verify_feed(v, msg, strlen(msg));
	if (st == INKAN_OK)
		st = inkan_verify_eom(v, &r);
	if (st == INKAN_OK) {
		assert_non_null(r);
		assert_non_null(r->authres);
	} else {
		assert_null(r);
	}
	inkan_verify_free(v);
	atomic_store(&fa.fail_at, 0);
	inkan_resolver_free(cache);
	inkan_ctx_free(ctx);
	return atomic_load(&fa.failed) == 0 && st == INKAN_OK;
}

/*
 * Every allocation of a whole verification, failed in turn: a status or
 * a verdict, never a crash or a leak (ASan). Once with an unsigned
 * message (SPF aligns, DMARC passes) and once with a signed one, so the
 * DKIM verifier's signature set-up is failed at each allocation too.
 */
static long
fail_every_allocation(struct vt *f, const char *s)
{
	long n;

	for (n = 1; n < 50000; n++)
		if (run_failing(f, s, n))
			break;
	return n;
}

static void
test_allocation_failures(void **state)
{
	struct vt *f = *state;
	char *plain = vt_message(NULL, NULL), *signed_msg = signed_message(f);
	long n;

	n = fail_every_allocation(f, plain);
	print_message("# unsigned: %ld allocation points failed in turn\n",
		n - 1);
	assert_true(n > 50 && n < 50000);
	n = fail_every_allocation(f, signed_msg);
	print_message("# signed: %ld allocation points failed in turn\n",
		n - 1);
	assert_true(n > 50 && n < 50000);
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
