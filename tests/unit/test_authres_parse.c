/* SPDX-License-Identifier: MIT */
/*
 * test_authres_parse.c - the Authentication-Results parser: every example
 * of RFC 8601 Appendix B and RFC 8617 Appendix B, CFWS, leniencies,
 * malformed input, limits. Each RFC example is also rebuilt with the
 * builder and parsed again, and must read back the same.
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

#include "test_authres.h"

static void
assert_str_or_null(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		assert_ptr_equal(a, b);
	else
		assert_string_equal(a, b);
}

/* build @ar again, parse the result, and compare field by field */
static void
assert_rebuilds(inkan_ctx *ctx, const inkan_authres *ar)
{
	inkan_authres_builder *b = NULL;
	const inkan_authres_resinfo *x, *y;
	inkan_authres *again = NULL;
	char *text = NULL;
	size_t i, j, len;

	assert_int_equal(inkan_authres_builder_new(ctx,
		inkan_authres_authserv_id(ar), &b), INKAN_OK);
	assert_int_equal(inkan_authres_builder_set_version(b,
		inkan_authres_version(ar)), INKAN_OK);
	assert_int_equal(inkan_authres_builder_set_instance(b,
		inkan_authres_instance(ar)), INKAN_OK);
	for (i = 0; i < inkan_authres_count(ar); i++) {
		x = inkan_authres_at(ar, i);
		assert_int_equal(inkan_authres_builder_add(b, x->method,
			x->method_version, x->result), INKAN_OK);
		if (x->comment != NULL)
			assert_int_equal(inkan_authres_builder_comment(b,
				x->comment), INKAN_OK);
		if (x->reason != NULL)
			assert_int_equal(inkan_authres_builder_reason(b,
				x->reason), INKAN_OK);
		for (j = 0; j < x->nprops; j++)
			assert_int_equal(inkan_authres_builder_prop(b,
				x->props[j].ptype, x->props[j].property,
				x->props[j].value), INKAN_OK);
	}
	assert_int_equal(inkan_authres_build_value(b, &text, &len), INKAN_OK);
	if (inkan_authres_instance(ar) != 0)
		assert_int_equal(inkan_authres_parse_arc(ctx, text, len,
			&again), INKAN_OK);
	else
		assert_int_equal(inkan_authres_parse(ctx, text, len, &again),
			INKAN_OK);
	assert_string_equal(inkan_authres_authserv_id(again),
		inkan_authres_authserv_id(ar));
	assert_str_or_null(inkan_authres_version(again),
		inkan_authres_version(ar));
	assert_int_equal(inkan_authres_instance(again),
		inkan_authres_instance(ar));
	assert_int_equal(inkan_authres_count(again), inkan_authres_count(ar));
	for (i = 0; i < inkan_authres_count(ar); i++) {
		x = inkan_authres_at(ar, i);
		y = inkan_authres_at(again, i);
		assert_string_equal(y->method, x->method);
		assert_str_or_null(y->method_version, x->method_version);
		assert_string_equal(y->result, x->result);
		assert_str_or_null(y->reason, x->reason);
		assert_str_or_null(y->comment, x->comment);
		assert_int_equal(y->nprops, x->nprops);
		for (j = 0; j < x->nprops; j++)
			ar_assert_prop(y, j, x->props[j].ptype,
				x->props[j].property, x->props[j].value);
	}
	inkan_authres_free(again);
	inkan_free(ctx, text);
	inkan_authres_builder_free(b);
}

static void
assert_resinfo(const inkan_authres *ar, size_t i, const char *method,
	const char *result, const char *reason, const char *comment,
	size_t nprops)
{
	const inkan_authres_resinfo *ri = inkan_authres_at(ar, i);

	assert_non_null(ri);
	assert_string_equal(ri->method, method);
	assert_string_equal(ri->result, result);
	assert_str_or_null(ri->reason, reason);
	assert_str_or_null(ri->comment, comment);
	assert_int_equal(ri->nprops, nprops);
}

void
test_parse_rfc8601_examples(void **state)
{
	inkan_ctx *ctx = ar_ctx();
	const inkan_authres_resinfo *ri;
	inkan_authres *ar;

	(void)state;
	/* B.2 */
	ar = ar_parse_ok(ctx, " example.org 1; none");
	assert_string_equal(inkan_authres_authserv_id(ar), "example.org");
	assert_string_equal(inkan_authres_version(ar), "1");
	assert_int_equal(inkan_authres_count(ar), 0);
	assert_int_equal(inkan_authres_instance(ar), 0);
	assert_rebuilds(ctx, ar);
	inkan_authres_free(ar);
	/* B.3 */
	ar = ar_parse_ok(ctx, " example.com;\r\n"
		"                  spf=pass smtp.mailfrom=example.net");
	assert_string_equal(inkan_authres_authserv_id(ar), "example.com");
	assert_null(inkan_authres_version(ar));
	assert_int_equal(inkan_authres_count(ar), 1);
	assert_resinfo(ar, 0, "spf", "pass", NULL, NULL, 1);
	ar_assert_prop(inkan_authres_at(ar, 0), 0, "smtp", "mailfrom",
		"example.net");
	assert_rebuilds(ctx, ar);
	inkan_authres_free(ar);
	/* B.4, first field */
	ar = ar_parse_ok(ctx, " example.com;\r\n"
		"                  auth=pass (cram-md5) "
		"smtp.auth=sender@example.net;\r\n"
		"                  spf=pass smtp.mailfrom=example.net");
	assert_int_equal(inkan_authres_count(ar), 2);
	assert_resinfo(ar, 0, "auth", "pass", NULL, "cram-md5", 1);
	ar_assert_prop(inkan_authres_at(ar, 0), 0, "smtp", "auth",
		"sender@example.net");
	assert_resinfo(ar, 1, "spf", "pass", NULL, NULL, 1);
	ar_assert_prop(inkan_authres_at(ar, 1), 0, "smtp", "mailfrom",
		"example.net");
	assert_rebuilds(ctx, ar);
	inkan_authres_free(ar);
	/* B.4, second field */
	ar = ar_parse_ok(ctx, " example.com; iprev=pass\r\n"
		"                  policy.iprev=192.0.2.200");
	assert_resinfo(ar, 0, "iprev", "pass", NULL, NULL, 1);
	ar_assert_prop(inkan_authres_at(ar, 0), 0, "policy", "iprev",
		"192.0.2.200");
	assert_rebuilds(ctx, ar);
	inkan_authres_free(ar);
	/* B.5, both fields */
	ar = ar_parse_ok(ctx, " example.com;\r\n"
		"                  dkim=pass (good signature) "
		"header.d=example.com");
	assert_resinfo(ar, 0, "dkim", "pass", NULL, "good signature", 1);
	ar_assert_prop(inkan_authres_at(ar, 0), 0, "header", "d",
		"example.com");
	assert_rebuilds(ctx, ar);
	inkan_authres_free(ar);
	ar = ar_parse_ok(ctx, " example.com;\r\n"
		"                  auth=pass (cram-md5) "
		"smtp.auth=sender@example.com;\r\n"
		"                  spf=fail smtp.mailfrom=example.com");
	assert_resinfo(ar, 0, "auth", "pass", NULL, "cram-md5", 1);
	assert_resinfo(ar, 1, "spf", "fail", NULL, NULL, 1);
	assert_rebuilds(ctx, ar);
	inkan_authres_free(ar);
	/* B.6, both fields */
	ar = ar_parse_ok(ctx, " example.com;\r\n"
		"              dkim=pass reason=\"good signature\"\r\n"
		"                header.i=@mail-router.example.net;\r\n"
		"              dkim=fail reason=\"bad signature\"\r\n"
		"                header.i=@newyork.example.com");
	assert_int_equal(inkan_authres_count(ar), 2);
	assert_resinfo(ar, 0, "dkim", "pass", "good signature", NULL, 1);
	ar_assert_prop(inkan_authres_at(ar, 0), 0, "header", "i",
		"@mail-router.example.net");
	assert_resinfo(ar, 1, "dkim", "fail", "bad signature", NULL, 1);
	ar_assert_prop(inkan_authres_at(ar, 1), 0, "header", "i",
		"@newyork.example.com");
	assert_rebuilds(ctx, ar);
	inkan_authres_free(ar);
	ar = ar_parse_ok(ctx, " example.net;\r\n"
		"              dkim=pass (good signature) "
		"header.i=@newyork.example.com");
	assert_string_equal(inkan_authres_authserv_id(ar), "example.net");
	assert_resinfo(ar, 0, "dkim", "pass", NULL, "good signature", 1);
	assert_rebuilds(ctx, ar);
	inkan_authres_free(ar);
	/* B.7, comment-heavy */
	ar = ar_parse_ok(ctx, " foo.example.net (foobar) 1 (baz);\r\n"
		"           dkim (Because I like it) / 1 (One yay) = "
		"(wait for it) fail\r\n"
		"             policy (A dot can go here) . (like that) "
		"expired\r\n"
		"             (this surprised me) = (as I wasn't expecting "
		"it) 1362471462");
	assert_string_equal(inkan_authres_authserv_id(ar), "foo.example.net");
	assert_string_equal(inkan_authres_version(ar), "1");
	assert_int_equal(inkan_authres_count(ar), 1);
	ri = inkan_authres_at(ar, 0);
	assert_string_equal(ri->method_version, "1");
	assert_resinfo(ar, 0, "dkim", "fail", NULL, NULL, 1);
	ar_assert_prop(ri, 0, "policy", "expired", "1362471462");
	assert_rebuilds(ctx, ar);
	inkan_authres_free(ar);
	inkan_ctx_free(ctx);
}

static inkan_authres *
parse_arc_ok(inkan_ctx *ctx, const char *v)
{
	inkan_authres *ar = NULL;

	assert_int_equal(inkan_authres_parse_arc(ctx, v, strlen(v), &ar),
		INKAN_OK);
	return ar;
}

void
test_parse_rfc8617_examples(void **state)
{
	inkan_ctx *ctx = ar_ctx();
	inkan_authres *ar;

	(void)state;
	ar = parse_arc_ok(ctx, " i=3; clochette.example.org; spf=fail\r\n"
		"    smtp.from=jqd@d1.example; dkim=fail (512-bit key)\r\n"
		"    header.i=@d1.example; dmarc=fail; arc=pass "
		"(as.2.gmail.example=pass,\r\n"
		"    ams.2.gmail.example=pass, as.1.lists.example.org=pass,\r\n"
		"    ams.1.lists.example.org=fail (message has been altered))");
	assert_int_equal(inkan_authres_instance(ar), 3);
	assert_string_equal(inkan_authres_authserv_id(ar),
		"clochette.example.org");
	assert_int_equal(inkan_authres_count(ar), 4);
	assert_resinfo(ar, 0, "spf", "fail", NULL, NULL, 1);
	ar_assert_prop(inkan_authres_at(ar, 0), 0, "smtp", "from",
		"jqd@d1.example");
	assert_resinfo(ar, 1, "dkim", "fail", NULL, "512-bit key", 1);
	assert_resinfo(ar, 2, "dmarc", "fail", NULL, NULL, 0);
	assert_resinfo(ar, 3, "arc", "pass", NULL,
		"as.2.gmail.example=pass, ams.2.gmail.example=pass, "
		"as.1.lists.example.org=pass, ams.1.lists.example.org=fail "
		"(message has been altered)", 0);
	assert_rebuilds(ctx, ar);
	inkan_authres_free(ar);
	ar = parse_arc_ok(ctx, " i=2; gmail.example; spf=fail\r\n"
		"    smtp.from=jqd@d1.example; dkim=fail (512-bit key)\r\n"
		"    header.i=@example.org; dmarc=fail; arc=pass\r\n"
		"    (as.1.lists.example.org=pass, "
		"ams.1.lists.example.org=pass)");
	assert_int_equal(inkan_authres_instance(ar), 2);
	assert_resinfo(ar, 3, "arc", "pass", NULL,
		"as.1.lists.example.org=pass, ams.1.lists.example.org=pass",
		0);
	assert_rebuilds(ctx, ar);
	inkan_authres_free(ar);
	ar = parse_arc_ok(ctx, " i=1; lists.example.org; spf=pass\r\n"
		"    smtp.mfrom=jqd@d1.example; dkim=pass (512-bit key)\r\n"
		"    header.i=@d1.example; dmarc=pass");
	assert_int_equal(inkan_authres_instance(ar), 1);
	ar_assert_prop(inkan_authres_at(ar, 0), 0, "smtp", "mfrom",
		"jqd@d1.example");
	assert_resinfo(ar, 2, "dmarc", "pass", NULL, NULL, 0);
	assert_rebuilds(ctx, ar);
	inkan_authres_free(ar);
	inkan_ctx_free(ctx);
}

void
test_parse_cfws_everywhere(void **state)
{
	inkan_ctx *ctx = ar_ctx();
	const inkan_authres_resinfo *ri;
	inkan_authres *ar;

	(void)state;
	ar = ar_parse_ok(ctx, "(a)example.com(b (nested (twice)));(c)spf(d)"
		"=(e)pass(f)  (g)smtp(h).(i)mailfrom(j)=(k)x@y.example(l);"
		"(m)");
	assert_string_equal(inkan_authres_authserv_id(ar), "example.com");
	ri = inkan_authres_at(ar, 0);
	assert_resinfo(ar, 0, "spf", "pass", NULL, "f g", 1);
	ar_assert_prop(ri, 0, "smtp", "mailfrom", "x@y.example");
	inkan_authres_free(ar);
	/* folding with CRLF or bare LF, a final CRLF, quoted-string id with
	 * a quoted-pair, folding inside a quoted reason */
	ar = ar_parse_ok(ctx, "\"exa\\mple.com\";\n\tdkim=pass\r\n reason="
		"\"two\r\n\twords\" header.d=example.com\r\n");
	assert_string_equal(inkan_authres_authserv_id(ar), "example.com");
	assert_resinfo(ar, 0, "dkim", "pass", "two\twords", NULL, 1);
	inkan_authres_free(ar);
	/* comment text: quoted-pairs resolved, white space squeezed */
	ar = ar_parse_ok(ctx, "example.com; dkim=pass ( a\\)b \\\\ \r\n  c )"
		"(d\\ e)");
	assert_resinfo(ar, 0, "dkim", "pass", NULL, "a)b \\ c d e", 0);
	inkan_authres_free(ar);
	inkan_ctx_free(ctx);
}

void
test_parse_lenient_forms(void **state)
{
	inkan_ctx *ctx = ar_ctx();
	const inkan_authres_resinfo *ri;
	inkan_authres *ar;

	(void)state;
	ar = ar_parse_ok(ctx, "mx.google.com; dkim=pass "
		"header.b=AbC+/dE= header.i=@example.com; iprev=pass "
		"policy.iprev=2001:db8::1 reason=late;");
	ri = inkan_authres_at(ar, 0);
	ar_assert_prop(ri, 0, "header", "b", "AbC+/dE=");
	assert_resinfo(ar, 1, "iprev", "pass", "late", NULL, 1);
	ar_assert_prop(inkan_authres_at(ar, 1), 0, "policy", "iprev",
		"2001:db8::1");
	assert_int_equal(inkan_authres_count(ar), 2);
	inkan_authres_free(ar);
	/* unknown methods, results and ptypes kept as written */
	ar = ar_parse_ok(ctx, "Example.COM; X-New/2=MaybeSo Foo.Bar=\"a b\"; "
		"SPF=PASS smtp.MailFrom=\"john doe\"@example.com; none=pass");
	assert_int_equal(inkan_authres_count(ar), 3);
	ri = inkan_authres_at(ar, 0);
	assert_string_equal(ri->method, "X-New");
	assert_string_equal(ri->method_version, "2");
	assert_string_equal(ri->result, "MaybeSo");
	ar_assert_prop(ri, 0, "Foo", "Bar", "a b");
	ar_assert_prop(inkan_authres_at(ar, 1), 0, "smtp", "MailFrom",
		"\"john doe\"@example.com");
	assert_resinfo(ar, 2, "none", "pass", NULL, NULL, 0);
	inkan_authres_free(ar);
	/* none with a trailing ";", and an 8-bit id */
	ar = ar_parse_ok(ctx, "b\xc3\xbc" "cher.example 2 ; NONE ;");
	assert_string_equal(inkan_authres_authserv_id(ar),
		"b\xc3\xbc" "cher.example");
	assert_string_equal(inkan_authres_version(ar), "2");
	assert_int_equal(inkan_authres_count(ar), 0);
	inkan_authres_free(ar);
	inkan_ctx_free(ctx);
}

void
test_parse_comment_ends_value(void **state)
{
	inkan_ctx *ctx = ar_ctx();
	inkan_authres *ar = NULL;
	const char *v;

	(void)state;
	/* CVE-2020-12272's "example.net(.example.com": per RFC 5322 the
	 * "(" starts a comment, so the value is user@example.net */
	ar = ar_parse_ok(ctx, "example.com; spf=pass "
		"smtp.mailfrom=user@example.net(.example.com)");
	ar_assert_prop(inkan_authres_at(ar, 0), 0, "smtp", "mailfrom",
		"user@example.net");
	inkan_authres_free(ar);
	v = "example.com; spf=pass smtp.mailfrom=user@example.net(.example.com";
	assert_int_equal(inkan_authres_parse(ctx, v, strlen(v), &ar),
		INKAN_ERR_SYNTAX);
	assert_null(ar);
	inkan_ctx_free(ctx);
}

static const char *const malformed[] = {
	"", "   ", "(only a comment)", "example.com", "example.com;",
	"example.com; ", ";spf=pass", "\"\"; none", "@; none",
	/* unterminated quotes */
	"\"example.com; none", "example.com; dkim=fail reason=\"bad",
	"example.com; dkim=pass reason=\"a\\",
	"example.com; dkim=pass header.d=\"x",
	"example.com; dkim=pass header.d=\"x\\\"",
	/* unterminated comments */
	"(example.com; none", "example.com; spf=pass (comment",
	"example.com; spf=pass (a (b) c", "example.com (x; none",
	/* missing "=" */
	"example.com; spf pass", "example.com; spf=pass smtp.mailfrom",
	"example.com; spf=pass smtp.mailfrom x", "example.com; spf",
	"example.com; spf=pass reason",
	/* empty or bad method, result, ptype, property, value */
	"example.com; =pass", "example.com;; spf=pass", "example.com; spf=",
	"example.com; spf= ;", "example.com; spf-=pass",
	"example.com; s_pf=pass", "example.com; dkim/=pass",
	"example.com; dkim/x=pass", "example.com; spf=pass .mailfrom=x",
	"example.com; spf=pass smtp.=x", "example.com; spf=pass smtp..a=x",
	"example.com; spf=pass smtp.mailfrom=",
	"example.com; spf=pass smtp.mailfrom=;",
	"example.com; spf=pass smtp.mailfrom=\"a\"@",
	"example.com; spf=pass reason=", "example.com; spf=pass reason=;",
	/* items RFC 8601 does not have */
	"example.com; dmarc=pass action=none header.from=example.com",
	"example.com; spf=pass reason=a reason=b",
	"example.com; spf=pass \"x\"", "example.com; spf=pass x y",
	"spf=pass (sender IP is 192.0.2.1) smtp.mailfrom=example.com",
	/* version and none */
	"example.com 1x; none", "example.com/1; none", "example.com 1 2; none",
	"\"example.com\"1; none", "example.com; none spf=pass",
	"example.com; none; spf=pass", "example.com; none;;",
	/* control characters and line breaks that are not folding */
	"example.com;\r\nspf=pass", "example.com;\rspf=pass",
	"example.com;\r\n", "example.com; spf=pass\r\n\r\n",
	"example.com (\x01); none", "example.com; spf=pass reason=\"\x7f\"",
	"example.com; spf=pass\x0b", "example.com; spf=pass reason=\"a\\\r\"",
};

void
test_parse_malformed(void **state)
{
	inkan_ctx *ctx = ar_ctx();
	inkan_authres *ar;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(malformed) / sizeof(malformed[0]); i++) {
		ar = (inkan_authres *)&ar;	/* must be reset to NULL */
		if (inkan_authres_parse(ctx, malformed[i],
		    strlen(malformed[i]), &ar) != INKAN_ERR_SYNTAX)
			fail_msg("accepted: \"%s\"", malformed[i]);
		assert_null(ar);
	}
	/* a NUL byte inside the value */
	assert_int_equal(inkan_authres_parse(ctx, "example.com; spf=pass\0",
		22, &ar), INKAN_ERR_SYNTAX);
	assert_int_equal(inkan_authres_parse(ctx, "exa\0mple.com; none",
		18, &ar), INKAN_ERR_SYNTAX);
	/* ARC instance tags (RFC 8617 3.9, 4.2.1) */
	assert_int_equal(inkan_authres_parse_arc(ctx, "i=0; a; none", 12,
		&ar), INKAN_ERR_SYNTAX);
	assert_int_equal(inkan_authres_parse_arc(ctx, "i=51; a; none", 13,
		&ar), INKAN_ERR_SYNTAX);
	assert_int_equal(inkan_authres_parse_arc(ctx, "i=100; a; none", 14,
		&ar), INKAN_ERR_SYNTAX);
	assert_int_equal(inkan_authres_parse_arc(ctx, "I=1; a; none", 12,
		&ar), INKAN_ERR_SYNTAX);
	assert_int_equal(inkan_authres_parse_arc(ctx, "i=1 a; none", 11,
		&ar), INKAN_ERR_SYNTAX);
	assert_int_equal(inkan_authres_parse_arc(ctx, "a; none", 7, &ar),
		INKAN_ERR_SYNTAX);
	assert_int_equal(inkan_authres_parse_arc(ctx, "i=1; a; spf pass", 16,
		&ar), INKAN_ERR_SYNTAX);
	assert_null(ar);
	inkan_ctx_free(ctx);
}

/* "example.com; m0=r0 header.x=v0; ...": @n resinfos */
static char *
many_resinfos(size_t n, size_t *len)
{
	char *s = malloc(40 * n + 32);
	size_t i, at;

	assert_non_null(s);
	at = (size_t)snprintf(s, 32, "example.com");
	for (i = 0; i < n; i++)
		at += (size_t)snprintf(s + at, 40, "; m%zu=r%zu header.x=v%zu",
			i, i, i);
	*len = at;
	return s;
}

void
test_parse_resinfo_limit(void **state)
{
	inkan_ctx *ctx = ar_ctx();
	const inkan_authres_resinfo *ri;
	inkan_authres *ar = NULL;
	size_t len;
	char *s;

	(void)state;
	assert_int_equal(inkan_ctx_limit(ctx, INKAN_LIMIT_AUTHRES_RESINFOS),
		256);
	s = many_resinfos(1000, &len);
	assert_int_equal(inkan_authres_parse(ctx, s, len, &ar),
		INKAN_ERR_LIMIT);
	assert_null(ar);
	assert_int_equal(inkan_ctx_set_limit(ctx, INKAN_LIMIT_AUTHRES_RESINFOS,
		2000), INKAN_OK);
	assert_int_equal(inkan_authres_parse(ctx, s, len, &ar), INKAN_OK);
	assert_int_equal(inkan_authres_count(ar), 1000);
	ri = inkan_authres_at(ar, 999);
	assert_string_equal(ri->method, "m999");
	assert_string_equal(ri->result, "r999");
	assert_null(ri->reason);
	assert_int_equal(ri->nprops, 1);
	ar_assert_prop(ri, 0, "header", "x", "v999");
	ar_assert_prop(inkan_authres_at(ar, 500), 0, "header", "x", "v500");
	assert_null(inkan_authres_at(ar, 1000));
	inkan_authres_free(ar);
	free(s);
	/* exactly at the cap is fine, one more is not */
	assert_int_equal(inkan_ctx_set_limit(ctx, INKAN_LIMIT_AUTHRES_RESINFOS,
		256), INKAN_OK);
	s = many_resinfos(256, &len);
	assert_int_equal(inkan_authres_parse(ctx, s, len, &ar), INKAN_OK);
	assert_int_equal(inkan_authres_count(ar), 256);
	inkan_authres_free(ar);
	free(s);
	s = many_resinfos(257, &len);
	assert_int_equal(inkan_authres_parse(ctx, s, len, &ar),
		INKAN_ERR_LIMIT);
	free(s);
	inkan_ctx_free(ctx);
}

void
test_parse_other_limits(void **state)
{
	inkan_ctx *ctx = ar_ctx();
	inkan_authres *ar = NULL;
	size_t big = 1024 * 1024, i;
	char *s;

	(void)state;
	/* comment nesting: 32 levels (the default) pass, 33 do not */
	s = malloc(big + 1);
	assert_non_null(s);
	memcpy(s, "example.com; none ", 18);
	for (i = 0; i < 32; i++)
		s[18 + i] = '(';
	for (i = 0; i < 32; i++)
		s[50 + i] = ')';
	assert_int_equal(inkan_authres_parse(ctx, s, 82, &ar), INKAN_OK);
	inkan_authres_free(ar);
	memmove(s + 19, s + 18, 64);
	s[18] = '(';
	s[83] = ')';
	assert_int_equal(inkan_authres_parse(ctx, s, 84, &ar),
		INKAN_ERR_LIMIT);
	/* the claim test has no depth cap: it only counts */
	assert_int_equal(inkan_authres_claims_authserv_id(ctx, s + 18, 66,
		"example.com"), 0);
	/* a megabyte of "(" stops at the cap, of spaces is a syntax error,
	 * and both take linear time */
	memset(s, '(', big);
	assert_int_equal(inkan_authres_parse(ctx, s, big, &ar),
		INKAN_ERR_LIMIT);
	memset(s, ' ', big);
	assert_int_equal(inkan_authres_parse(ctx, s, big, &ar),
		INKAN_ERR_SYNTAX);
	assert_int_equal(inkan_authres_claims_authserv_id(ctx, s, big,
		"example.com"), 0);
	/* input longer than INKAN_LIMIT_HEADER_BYTES */
	assert_int_equal(inkan_ctx_set_limit(ctx, INKAN_LIMIT_HEADER_BYTES,
		16), INKAN_OK);
	assert_int_equal(inkan_authres_parse(ctx, "example.com; none", 17,
		&ar), INKAN_ERR_LIMIT);
	assert_int_equal(inkan_authres_parse(ctx, "example.com;none", 16,
		&ar), INKAN_OK);
	inkan_authres_free(ar);
	free(s);
	inkan_ctx_free(ctx);
}

void
test_parse_arc_instance_only(void **state)
{
	unsigned i = 99;

	(void)state;
	assert_int_equal(inkan_authres_arc_instance(" (c) i = 7 ; not parsed",
		23, &i), INKAN_OK);
	assert_int_equal(i, 7);
	assert_int_equal(inkan_authres_arc_instance("i=07;", 5, &i), INKAN_OK);
	assert_int_equal(i, 7);
	assert_int_equal(inkan_authres_arc_instance("i=50;x", 6, &i),
		INKAN_OK);
	assert_int_equal(i, 50);
	i = 99;
	assert_int_equal(inkan_authres_arc_instance("i=123;", 6, &i),
		INKAN_ERR_SYNTAX);
	assert_int_equal(inkan_authres_arc_instance("i=1", 3, &i),
		INKAN_ERR_SYNTAX);
	assert_int_equal(inkan_authres_arc_instance("i=;", 3, &i),
		INKAN_ERR_SYNTAX);
	assert_int_equal(inkan_authres_arc_instance("(i=1;", 5, &i),
		INKAN_ERR_SYNTAX);
	assert_int_equal(i, 99);
	assert_int_equal(inkan_authres_arc_instance(NULL, 0, &i),
		INKAN_ERR_SYNTAX);
	assert_int_equal(inkan_authres_arc_instance("i=1;", 4, NULL),
		INKAN_ERR_INVALID);
}

void
test_parse_bad_arguments(void **state)
{
	inkan_ctx *ctx = ar_ctx();
	inkan_authres *ar = NULL;

	(void)state;
	assert_int_equal(inkan_authres_parse(NULL, "a; none", 7, &ar),
		INKAN_ERR_INVALID);
	assert_int_equal(inkan_authres_parse(ctx, "a; none", 7, NULL),
		INKAN_ERR_INVALID);
	assert_int_equal(inkan_authres_parse(ctx, NULL, 7, &ar),
		INKAN_ERR_INVALID);
	assert_int_equal(inkan_authres_parse(ctx, NULL, 0, &ar),
		INKAN_ERR_SYNTAX);
	inkan_authres_free(NULL);
	assert_null(inkan_authres_authserv_id(NULL));
	assert_null(inkan_authres_version(NULL));
	assert_int_equal(inkan_authres_count(NULL), 0);
	assert_null(inkan_authres_at(NULL, 0));
	assert_int_equal(inkan_authres_build(NULL, NULL, NULL),
		INKAN_ERR_INVALID);
	inkan_ctx_free(ctx);
}
