/* SPDX-License-Identifier: MIT */
/*
 * test_authres.c - Authentication-Results builder, round trips, limits
 * and the authserv-id test. The parser's table of RFC examples and
 * malformed input is in test_authres_parse.c (same program).
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

#include "alloc_fail.h"
#include "test_authres.h"

inkan_ctx *
ar_ctx(void)
{
	inkan_ctx *ctx = NULL;

	assert_int_equal(inkan_ctx_new(NULL, &ctx), INKAN_OK);
	return ctx;
}

inkan_authres *
ar_parse_ok(inkan_ctx *ctx, const char *value)
{
	inkan_authres *ar = NULL;

	assert_int_equal(inkan_authres_parse(ctx, value, strlen(value), &ar),
		INKAN_OK);
	assert_non_null(ar);
	return ar;
}

void
ar_assert_prop(const inkan_authres_resinfo *ri, size_t i, const char *ptype,
	const char *property, const char *value)
{
	assert_true(i < ri->nprops);
	assert_string_equal(ri->props[i].ptype, ptype);
	assert_string_equal(ri->props[i].property, property);
	assert_string_equal(ri->props[i].value, value);
}

/* every physical line of @s (CRLF-separated) is at most 78 characters */
static void
assert_lines_fit(const char *s)
{
	const char *nl;

	for (;;) {
		nl = strstr(s, "\r\n");
		if (nl == NULL) {
			assert_true(strlen(s) <= 78);
			return;
		}
		assert_true((size_t)(nl - s) <= 78);
		s = nl + 2;
	}
}

static inkan_authres_builder *
gmail_builder(inkan_ctx *ctx)
{
	inkan_authres_builder *b = NULL;

	assert_int_equal(inkan_authres_builder_new(ctx, "mx.google.com", &b),
		INKAN_OK);
	assert_int_equal(inkan_authres_builder_add(b, "dkim", NULL, "pass"),
		INKAN_OK);
	assert_int_equal(inkan_authres_builder_prop(b, "header", "i",
		"@example.com"), INKAN_OK);
	assert_int_equal(inkan_authres_builder_prop(b, "header", "s", "sel"),
		INKAN_OK);
	assert_int_equal(inkan_authres_builder_prop(b, "header", "b",
		"AbCdEfGh"), INKAN_OK);
	assert_int_equal(inkan_authres_builder_add(b, "spf", NULL, "pass"),
		INKAN_OK);
	assert_int_equal(inkan_authres_builder_comment(b, "google.com: domain "
		"of bounce@example.com designates 192.0.2.1 as permitted "
		"sender"), INKAN_OK);
	assert_int_equal(inkan_authres_builder_prop(b, "smtp", "mailfrom",
		"bounce@example.com"), INKAN_OK);
	assert_int_equal(inkan_authres_builder_add(b, "dmarc", NULL, "pass"),
		INKAN_OK);
	assert_int_equal(inkan_authres_builder_comment(b,
		"p=NONE sp=NONE dis=NONE"), INKAN_OK);
	assert_int_equal(inkan_authres_builder_prop(b, "header", "from",
		"example.com"), INKAN_OK);
	return b;
}

static void
test_build_gmail_layout(void **state)
{
	inkan_ctx *ctx = ar_ctx();
	inkan_authres_builder *b = gmail_builder(ctx);
	char *text = NULL;
	size_t len = 0;

	(void)state;
	assert_int_equal(inkan_authres_builder_set_style(b,
		INKAN_AUTHRES_STYLE_NO_WRAP), INKAN_OK);
	assert_int_equal(inkan_authres_build(b, &text, &len), INKAN_OK);
	assert_string_equal(text, "Authentication-Results: mx.google.com;\r\n"
		"       dkim=pass header.i=@example.com header.s=sel "
		"header.b=AbCdEfGh;\r\n"
		"       spf=pass (google.com: domain of bounce@example.com "
		"designates 192.0.2.1 as permitted sender) "
		"smtp.mailfrom=bounce@example.com;\r\n"
		"       dmarc=pass (p=NONE sp=NONE dis=NONE) "
		"header.from=example.com");
	assert_int_equal(len, strlen(text));
	inkan_free(ctx, text);
	inkan_authres_builder_free(b);
	inkan_ctx_free(ctx);
}

static void
test_build_gmail_folded(void **state)
{
	static const char want[] =
		"Authentication-Results: mx.google.com;\r\n"
		"       dkim=pass header.i=@example.com header.s=sel "
		"header.b=AbCdEfGh;\r\n"
		"       spf=pass (google.com: domain of bounce@example.com "
		"designates 192.0.2.1\r\n"
		"         as permitted sender) "
		"smtp.mailfrom=bounce@example.com;\r\n"
		"       dmarc=pass (p=NONE sp=NONE dis=NONE) "
		"header.from=example.com";
	inkan_ctx *ctx = ar_ctx();
	inkan_authres_builder *b = gmail_builder(ctx);
	const inkan_authres_resinfo *ri;
	inkan_authres *ar;
	char *text = NULL;

	(void)state;
	assert_int_equal(inkan_authres_build(b, &text, NULL), INKAN_OK);
	assert_string_equal(text, want);
	assert_lines_fit(text);
	/* round trip: the value reads back to what went in */
	ar = ar_parse_ok(ctx, text + strlen("Authentication-Results:"));
	assert_string_equal(inkan_authres_authserv_id(ar), "mx.google.com");
	assert_null(inkan_authres_version(ar));
	assert_int_equal(inkan_authres_count(ar), 3);
	ri = inkan_authres_at(ar, 1);
	assert_string_equal(ri->method, "spf");
	assert_string_equal(ri->result, "pass");
	assert_string_equal(ri->comment, "google.com: domain of "
		"bounce@example.com designates 192.0.2.1 as permitted sender");
	ar_assert_prop(ri, 0, "smtp", "mailfrom", "bounce@example.com");
	ri = inkan_authres_at(ar, 0);
	assert_null(ri->comment);
	assert_int_equal(ri->nprops, 3);
	ar_assert_prop(ri, 0, "header", "i", "@example.com");
	ar_assert_prop(ri, 2, "header", "b", "AbCdEfGh");
	assert_string_equal(inkan_authres_at(ar, 2)->comment,
		"p=NONE sp=NONE dis=NONE");
	assert_null(inkan_authres_at(ar, 3));
	inkan_authres_free(ar);
	inkan_free(ctx, text);

	/* the value alone, for a milter, folded with bare LF */
	assert_int_equal(inkan_authres_builder_set_style(b,
		INKAN_AUTHRES_STYLE_LF), INKAN_OK);
	assert_int_equal(inkan_authres_build_value(b, &text, NULL), INKAN_OK);
	assert_null(strchr(text, '\r'));
	assert_memory_equal(text, "mx.google.com;\n       dkim=pass ", 32);
	assert_non_null(strstr(text, "192.0.2.1\n         as permitted"));
	inkan_free(ctx, text);
	inkan_authres_builder_free(b);
	inkan_ctx_free(ctx);
}

static void
test_build_none_and_version(void **state)
{
	inkan_ctx *ctx = ar_ctx();
	inkan_authres_builder *b = NULL;
	inkan_authres *ar;
	char *text = NULL;

	(void)state;
	assert_int_equal(inkan_authres_builder_new(ctx, "example.org", &b),
		INKAN_OK);
	assert_int_equal(inkan_authres_build(b, &text, NULL), INKAN_OK);
	assert_string_equal(text, "Authentication-Results: example.org; none");
	inkan_free(ctx, text);
	/* RFC 8601 B.2 */
	assert_int_equal(inkan_authres_builder_set_version(b, "1"), INKAN_OK);
	assert_int_equal(inkan_authres_build_value(b, &text, NULL), INKAN_OK);
	assert_string_equal(text, "example.org 1; none");
	ar = ar_parse_ok(ctx, text);
	assert_string_equal(inkan_authres_version(ar), "1");
	assert_int_equal(inkan_authres_count(ar), 0);
	inkan_authres_free(ar);
	inkan_free(ctx, text);
	assert_int_equal(inkan_authres_builder_set_version(b, "1a"),
		INKAN_ERR_INVALID);
	assert_int_equal(inkan_authres_builder_set_version(b, NULL), INKAN_OK);
	/* method version */
	assert_int_equal(inkan_authres_builder_add(b, "dkim", "1", "pass"),
		INKAN_OK);
	assert_int_equal(inkan_authres_build_value(b, &text, NULL), INKAN_OK);
	assert_string_equal(text, "example.org;\r\n       dkim/1=pass");
	inkan_free(ctx, text);
	inkan_authres_builder_free(b);
	inkan_authres_builder_free(NULL);
	inkan_ctx_free(ctx);
}

/* build one resinfo with the given reason, comment and property value,
 * check the text contains @want, and read everything back */
static void
quote_case(inkan_ctx *ctx, const char *id, const char *reason,
	const char *comment, const char *value, const char *want,
	const char *want_comment)
{
	inkan_authres_builder *b = NULL;
	const inkan_authres_resinfo *ri;
	inkan_authres *ar;
	char *text = NULL;

	assert_int_equal(inkan_authres_builder_new(ctx, id, &b), INKAN_OK);
	assert_int_equal(inkan_authres_builder_add(b, "dkim", NULL, "fail"),
		INKAN_OK);
	if (reason != NULL)
		assert_int_equal(inkan_authres_builder_reason(b, reason),
			INKAN_OK);
	if (comment != NULL)
		assert_int_equal(inkan_authres_builder_comment(b, comment),
			INKAN_OK);
	assert_int_equal(inkan_authres_builder_prop(b, "header", "d", value),
		INKAN_OK);
	assert_int_equal(inkan_authres_build_value(b, &text, NULL), INKAN_OK);
	if (strstr(text, want) == NULL)
		fail_msg("\"%s\" not in \"%s\"", want, text);
	ar = ar_parse_ok(ctx, text);
	assert_string_equal(inkan_authres_authserv_id(ar), id);
	ri = inkan_authres_at(ar, 0);
	if (reason != NULL)
		assert_string_equal(ri->reason, reason);
	else
		assert_null(ri->reason);
	if (want_comment != NULL)
		assert_string_equal(ri->comment, want_comment);
	else
		assert_null(ri->comment);
	ar_assert_prop(ri, 0, "header", "d", value);
	inkan_authres_free(ar);
	inkan_free(ctx, text);
	inkan_authres_builder_free(b);
}

static void
test_build_quoting(void **state)
{
	inkan_ctx *ctx = ar_ctx();

	(void)state;
	quote_case(ctx, "example.com", "good signature", NULL, "example.com",
		"reason=\"good signature\" header.d=example.com", NULL);
	quote_case(ctx, "example.com", "100", NULL, "a;b",
		"reason=100 header.d=\"a;b\"", NULL);
	quote_case(ctx, "example.com", NULL, NULL, "x (y) z",
		"header.d=\"x (y) z\"", NULL);
	quote_case(ctx, "example.com", "say \"hi\" \\o/", NULL, "",
		"reason=\"say \\\"hi\\\" \\\\o/\" header.d=\"\"", NULL);
	quote_case(ctx, "auth server", NULL, NULL, "\"john doe\"@example.com",
		"\"auth server\";", NULL);
	quote_case(ctx, "example.com", NULL, NULL, "\"john doe\"@example.com",
		"header.d=\"john doe\"@example.com", NULL);
	quote_case(ctx, "example.com", NULL, NULL, "2001:db8::1",
		"header.d=\"2001:db8::1\"", NULL);
	quote_case(ctx, "example.com", NULL, NULL, "a.b@c.example",
		"header.d=a.b@c.example", NULL);
	quote_case(ctx, "example.com", NULL, NULL, "a..b@c.example",
		"header.d=\"a..b@c.example\"", NULL);
	quote_case(ctx, "example.com", NULL, NULL, "tab\there",
		"header.d=\"tab\there\"", NULL);
	/* comments: parentheses and backslashes escaped, space squeezed */
	quote_case(ctx, "example.com", NULL, "a (nested) \\ b\t\t c", "x",
		"(a \\(nested\\) \\\\ b c) header.d=x", "a (nested) \\ b c");
	quote_case(ctx, "example.com", NULL, "  ", "x", "fail header.d=x",
		NULL);
	quote_case(ctx, "b\xc3\xbc" "cher.example", NULL, "caf\xc3\xa9", "x",
		"b\xc3\xbc" "cher.example;", "caf\xc3\xa9");
	inkan_ctx_free(ctx);
}

static void
test_build_folding(void **state)
{
	inkan_ctx *ctx = ar_ctx();
	inkan_authres_builder *b = NULL;
	inkan_authres *ar;
	char *text = NULL, value[80];
	const char *long_q = "a quoted value with many spaces that is "
		"longer than one line of seventy-eight characters";
	int i;

	(void)state;
	assert_int_equal(inkan_authres_builder_new(ctx, "example.com", &b),
		INKAN_OK);
	for (i = 0; i < 5; i++) {
		assert_int_equal(inkan_authres_builder_add(b, "dkim", NULL,
			"pass"), INKAN_OK);
		snprintf(value, sizeof(value), "@sub%d.long-domain-name."
			"example.com", i);
		assert_int_equal(inkan_authres_builder_prop(b, "header", "i",
			value), INKAN_OK);
		assert_int_equal(inkan_authres_builder_prop(b, "header", "s",
			"selector-2024-with-a-long-name"), INKAN_OK);
		assert_int_equal(inkan_authres_builder_prop(b, "header", "b",
			"AbCdEfGh"), INKAN_OK);
	}
	assert_int_equal(inkan_authres_builder_reason(b, long_q), INKAN_OK);
	assert_int_equal(inkan_authres_build(b, &text, NULL), INKAN_OK);
	/* every line fits except the one holding the unbreakable quoted
	 * string, which is never folded inside */
	assert_non_null(strstr(text, long_q));
	assert_non_null(strstr(text, ";\r\n       dkim=pass header.i="));
	assert_non_null(strstr(text, ".example.com\r\n         header.s="
		"selector-2024-with-a-long-name header.b=AbCdEfGh;\r\n"));
	assert_non_null(strstr(text, "       dkim=pass\r\n         reason=\""));
	ar = ar_parse_ok(ctx, strchr(text, ':') + 1);
	assert_int_equal(inkan_authres_count(ar), 5);
	assert_string_equal(inkan_authres_at(ar, 4)->reason, long_q);
	ar_assert_prop(inkan_authres_at(ar, 3), 0, "header", "i",
		"@sub3.long-domain-name.example.com");
	inkan_authres_free(ar);
	inkan_free(ctx, text);
	/* without the long quoted string every line fits */
	assert_int_equal(inkan_authres_builder_reason(b, "short"), INKAN_OK);
	assert_int_equal(inkan_authres_build(b, &text, NULL), INKAN_OK);
	assert_lines_fit(text);
	inkan_free(ctx, text);
	inkan_authres_builder_free(b);
	inkan_ctx_free(ctx);
}

static void
test_build_arc(void **state)
{
	inkan_ctx *ctx = ar_ctx();
	inkan_authres_builder *b = NULL;
	inkan_authres *ar = NULL;
	char *text = NULL;
	size_t len;

	(void)state;
	assert_int_equal(inkan_authres_builder_new(ctx, "example.com", &b),
		INKAN_OK);
	assert_int_equal(inkan_authres_builder_set_instance(b, 51),
		INKAN_ERR_INVALID);
	assert_int_equal(inkan_authres_builder_set_instance(b, 2), INKAN_OK);
	assert_int_equal(inkan_authres_builder_add(b, "spf", NULL, "pass"),
		INKAN_OK);
	assert_int_equal(inkan_authres_builder_prop(b, "smtp", "mailfrom",
		"example.net"), INKAN_OK);
	assert_int_equal(inkan_authres_build(b, &text, NULL), INKAN_OK);
	assert_string_equal(text, "ARC-Authentication-Results: i=2; "
		"example.com;\r\n       spf=pass smtp.mailfrom=example.net");
	len = strlen(text) - strlen("ARC-Authentication-Results:");
	assert_int_equal(inkan_authres_parse_arc(ctx, text + 27, len, &ar),
		INKAN_OK);
	assert_int_equal(inkan_authres_instance(ar), 2);
	assert_string_equal(inkan_authres_authserv_id(ar), "example.com");
	inkan_authres_free(ar);
	/* a plain A-R parse refuses the instance tag */
	assert_int_equal(inkan_authres_parse(ctx, text + 27, len, &ar),
		INKAN_ERR_SYNTAX);
	assert_null(ar);
	inkan_free(ctx, text);
	inkan_authres_builder_free(b);
	inkan_ctx_free(ctx);
}

static void
test_build_refuses_bad_input(void **state)
{
	inkan_ctx *ctx = ar_ctx();
	inkan_authres_builder *b = NULL;
	int i;

	(void)state;
	assert_int_equal(inkan_authres_builder_new(ctx, "", &b),
		INKAN_ERR_INVALID);
	assert_int_equal(inkan_authres_builder_new(ctx, "a\r\nb", &b),
		INKAN_ERR_INVALID);
	assert_null(b);
	assert_int_equal(inkan_authres_builder_new(ctx, "example.com", &b),
		INKAN_OK);
	/* nothing to attach to yet */
	assert_int_equal(inkan_authres_builder_reason(b, "x"),
		INKAN_ERR_STATE);
	assert_int_equal(inkan_authres_builder_comment(b, "x"),
		INKAN_ERR_STATE);
	assert_int_equal(inkan_authres_builder_prop(b, "smtp", "mailfrom",
		"x"), INKAN_ERR_STATE);
	assert_int_equal(inkan_authres_builder_add(b, "dk im", NULL, "pass"),
		INKAN_ERR_INVALID);
	assert_int_equal(inkan_authres_builder_add(b, "dkim-", NULL, "pass"),
		INKAN_ERR_INVALID);
	assert_int_equal(inkan_authres_builder_add(b, "dkim", NULL, ""),
		INKAN_ERR_INVALID);
	assert_int_equal(inkan_authres_builder_add(b, "dkim", "v1", "pass"),
		INKAN_ERR_INVALID);
	assert_int_equal(inkan_authres_builder_add(b, "dkim", NULL, "pass"),
		INKAN_OK);
	assert_int_equal(inkan_authres_builder_prop(b, "x-foo", "bar", "1"),
		INKAN_ERR_INVALID);
	assert_int_equal(inkan_authres_builder_prop(b, "smtp", "mail.from",
		"1"), INKAN_ERR_INVALID);
	assert_int_equal(inkan_authres_builder_prop(b, "smtp", "mailfrom",
		"a\r\n b"), INKAN_ERR_INVALID);
	assert_int_equal(inkan_authres_builder_comment(b, "a\nb"),
		INKAN_ERR_INVALID);
	assert_int_equal(inkan_authres_builder_reason(b, "\x7f"),
		INKAN_ERR_INVALID);
	assert_int_equal(inkan_authres_builder_prop(b, "DNS", "zone",
		"list.example"), INKAN_OK);
	assert_int_equal(inkan_authres_builder_set_style(b, 0x80),
		INKAN_ERR_INVALID);
	/* replacing a reason or version gives its room back */
	for (i = 0; i < 10000; i++) {
		assert_int_equal(inkan_authres_builder_reason(b,
			"a reason of some length"), INKAN_OK);
		assert_int_equal(inkan_authres_builder_set_version(b, "1"),
			INKAN_OK);
	}
	inkan_authres_builder_free(b);
	inkan_ctx_free(ctx);
}

static void
test_build_output_is_capped(void **state)
{
	inkan_ctx *ctx = ar_ctx();
	inkan_authres_builder *b = NULL;
	char *big, *text = NULL;
	inkan_status st = INKAN_OK;
	int i;

	(void)state;
	big = malloc(20001);
	assert_non_null(big);
	memset(big, 'a', 20000);
	big[20000] = '\0';
	assert_int_equal(inkan_authres_builder_new(ctx, "example.com", &b),
		INKAN_OK);
	assert_int_equal(inkan_authres_builder_add(b, "dkim", NULL, "pass"),
		INKAN_OK);
	for (i = 0; i < 10 && st == INKAN_OK; i++)
		st = inkan_authres_builder_prop(b, "header", "b", big);
	assert_int_equal(st, INKAN_ERR_LIMIT);
	assert_int_equal(i, 4);
	/* what it holds still renders */
	assert_int_equal(inkan_authres_build(b, &text, NULL), INKAN_OK);
	assert_true(strlen(text) < INKAN_AUTHRES_MAX_OUTPUT);
	inkan_free(ctx, text);
	inkan_authres_builder_free(b);

	/* escaping doubles every backslash, in the quoted reason and in the
	 * comment: the input held fits, the output does not */
	memset(big, '\\', 20000);
	assert_int_equal(inkan_authres_builder_new(ctx, "example.com", &b),
		INKAN_OK);
	assert_int_equal(inkan_authres_builder_add(b, "dkim", NULL, "pass"),
		INKAN_OK);
	assert_int_equal(inkan_authres_builder_reason(b, big), INKAN_OK);
	assert_int_equal(inkan_authres_builder_comment(b, big), INKAN_OK);
	assert_int_equal(inkan_authres_build(b, &text, NULL),
		INKAN_ERR_LIMIT);
	assert_null(text);
	inkan_authres_builder_free(b);
	free(big);
	inkan_ctx_free(ctx);
}

/* ---- allocation failures (alloc_fail.h) ---- */

/* parse a field; the answer is every resinfo as read */
static void
af_parse(inkan_ctx *ctx, void *arg, void *env, alloc_fail_outcome *out)
{
	static const char v[] = "example.com 1; dkim=pass (good) "
		"header.i=@example.com; spf=fail reason=\"x y\" "
		"smtp.mailfrom=\"a b\"@example.net";
	inkan_authres *ar = NULL;
	char text[1024] = "";
	size_t i, k, off = 0;

	(void)arg;
	(void)env;
	out->status = inkan_authres_parse(ctx, v, strlen(v), &ar);
	assert_true((out->status == INKAN_OK) == (ar != NULL));
	if (ar == NULL)
		return;
	for (i = 0; i < inkan_authres_count(ar); i++) {
		const inkan_authres_resinfo *ri = inkan_authres_at(ar, i);
		int n = snprintf(text + off, sizeof(text) - off, "%s%s=%s "
			"reason=%s comment=%s", i ? "; " : "", ri->method,
			ri->result, ri->reason ? ri->reason : "-",
			ri->comment ? ri->comment : "-");

		assert_true(n > 0 && (size_t)n < sizeof(text) - off);
		off += (size_t)n;
		for (k = 0; k < ri->nprops; k++) {
			n = snprintf(text + off, sizeof(text) - off,
				" %s.%s=%s", ri->props[k].ptype,
				ri->props[k].property, ri->props[k].value);
			assert_true(n > 0 && (size_t)n < sizeof(text) - off);
			off += (size_t)n;
		}
	}
	alloc_fail_verdict(out, "%s: %s", inkan_authres_authserv_id(ar),
		text);
	inkan_authres_free(ar);
}

/* build a field; the answer is its text */
static void
af_build(inkan_ctx *ctx, void *arg, void *env, alloc_fail_outcome *out)
{
	inkan_authres_builder *b = NULL;
	char *text = NULL;
	inkan_status st;

	(void)arg;
	(void)env;
	st = inkan_authres_builder_new(ctx, "example.com", &b);
	if (st == INKAN_OK)
		st = inkan_authres_builder_add(b, "dkim", NULL, "pass");
	if (st == INKAN_OK)
		st = inkan_authres_builder_comment(b, "good");
	if (st == INKAN_OK)
		st = inkan_authres_builder_prop(b, "header", "i", "@x");
	if (st == INKAN_OK)
		st = inkan_authres_build(b, &text, NULL);
	out->status = st;
	if (st == INKAN_OK)
		alloc_fail_verdict(out, "%s", text);
	inkan_free(ctx, text);
	inkan_authres_builder_free(b);
}

static void
test_out_of_memory_is_clean(void **state)
{
	alloc_fail_case parse = {
		.name = "authres parse", .run = af_parse,
		.expect_status = INKAN_OK,
		.expect = "example.com: dkim=pass reason=- comment=good "
			"header.i=@example.com; spf=fail reason=x y comment=- "
			"smtp.mailfrom=\"a b\"@example.net",
		.min_points = 2, .max_points = 200,
	};
	alloc_fail_case build = {
		.name = "authres build", .run = af_build,
		.expect_status = INKAN_OK,
		.expect = "Authentication-Results: example.com;\r\n"
			"       dkim=pass (good) header.i=@x",
		.min_points = 2, .max_points = 200,
	};

	(void)state;
	parse.mode = build.mode = ALLOC_FAIL_ONE;
	alloc_fail_each(&parse);
	alloc_fail_each(&build);
	parse.mode = build.mode = ALLOC_FAIL_FROM;
	alloc_fail_each(&parse);
	alloc_fail_each(&build);
}

/* ---- the authserv-id test (RFC 8601 5) ---- */

static int
claims(inkan_ctx *ctx, const char *value, const char *ours)
{
	return inkan_authres_claims_authserv_id(ctx, value, strlen(value),
		ours);
}

static void
test_claims_authserv_id(void **state)
{
	inkan_ctx *ctx = ar_ctx();

	(void)state;
	/* plain, case, trailing dot on either side */
	assert_int_equal(claims(ctx, "example.com; spf=pass", "example.com"),
		1);
	assert_int_equal(claims(ctx, "EXAMPLE.Com; spf=pass", "example.com"),
		1);
	assert_int_equal(claims(ctx, "example.com.; spf=pass",
		"example.com"), 1);
	assert_int_equal(claims(ctx, "example.com; spf=pass",
		"Example.COM."), 1);
	/* leading CFWS: comments (nested, holding ";" and quotes), folding */
	assert_int_equal(claims(ctx, "(comment) example.com; spf=pass",
		"example.com"), 1);
	assert_int_equal(claims(ctx, "(a (b; \"c) d) \r\n\t example.com;",
		"example.com"), 1);
	assert_int_equal(claims(ctx, "(other.example) example.com; none",
		"example.com"), 1);
	/* quoted-string id, with a quoted-pair and folding inside */
	assert_int_equal(claims(ctx, "\"example.com\"; spf=pass",
		"example.com"), 1);
	assert_int_equal(claims(ctx, "\"exam\\ple.COM.\"; spf=pass",
		"example.com"), 1);
	assert_int_equal(claims(ctx, "\"example.com x\"; spf=pass",
		"example.com"), 0);
	/* a version after the id */
	assert_int_equal(claims(ctx, "example.com 1; spf=pass",
		"example.com"), 1);
	assert_int_equal(claims(ctx, "example.com (x) 2 (y); none",
		"example.com"), 1);
	/* malformed after a readable id: still claims it */
	assert_int_equal(claims(ctx, "example.com; spf=pass smtp.mailfrom=\"",
		"example.com"), 1);
	assert_int_equal(claims(ctx, "example.com(.example.net; dkim=pass",
		"example.com"), 1);
	assert_int_equal(claims(ctx, "example.com", "example.com"), 1);
	assert_int_equal(claims(ctx, "example.com/x=y", "example.com"), 1);
	/* other ids */
	assert_int_equal(claims(ctx, "example.net; spf=pass", "example.com"),
		0);
	assert_int_equal(claims(ctx, "mx.example.com; spf=pass",
		"example.com"), 0);
	assert_int_equal(claims(ctx, "example.com.evil; spf=pass",
		"example.com"), 0);
	assert_int_equal(claims(ctx, "example.net; dkim=pass "
		"(example.com) header.d=example.com", "example.com"), 0);
	/* no readable id: any whole word equal to ours claims it */
	assert_int_equal(claims(ctx, "(unterminated example.com; spf=pass",
		"example.com"), 1);
	assert_int_equal(claims(ctx, "\"example.com; spf=pass",
		"example.com"), 1);
	assert_int_equal(claims(ctx, " \r example.com; spf=pass",
		"example.com"), 1);
	assert_int_equal(claims(ctx, "; example.com", "example.com"), 1);
	assert_int_equal(claims(ctx, "\"\"; x=example.com.", "example.com"),
		1);
	assert_int_equal(claims(ctx, "(unterminated notexample.com;",
		"example.com"), 0);
	assert_int_equal(claims(ctx, "", "example.com"), 0);
	assert_int_equal(claims(ctx, "example.com;", ""), 0);
	assert_int_equal(claims(ctx, "example.com;", "."), 0);
	assert_int_equal(inkan_authres_claims_authserv_id(ctx, NULL, 0,
		"example.com"), 0);
	assert_int_equal(inkan_authres_claims_authserv_id(ctx,
		"example.com;", 12, NULL), 0);
	/* only @len bytes count, and a NUL ends the id */
	assert_int_equal(inkan_authres_claims_authserv_id(ctx,
		"example.comx", 11, "example.com"), 1);
	assert_int_equal(inkan_authres_claims_authserv_id(ctx,
		"example.com\0x; ", 14, "example.com"), 1);
	/* RFC 8601 5: A-labels and U-labels are the same id */
	assert_int_equal(claims(ctx, "xn--bcher-kva.example; none",
		"b\xc3\xbc" "cher.example"), 1);
	assert_int_equal(claims(ctx, "B\xc3\x9c" "CHER.example.; none",
		"XN--BCHER-KVA.example"), 1);
	assert_int_equal(claims(ctx, "\"b\xc3\xbc" "cher.example\"; none",
		"xn--bcher-kva.example"), 1);
	assert_int_equal(claims(ctx, "xn--bcher-kva.example; none",
		"bucher.example"), 0);
	/* without a context the A-label step is skipped */
	assert_int_equal(inkan_authres_claims_authserv_id(NULL,
		"xn--bcher-kva.example;", 22, "b\xc3\xbc" "cher.example"), 0);
	assert_int_equal(inkan_authres_claims_authserv_id(NULL,
		"(x) Example.com;", 16, "example.com"), 1);
	/* ... but the same bytes still match */
	assert_int_equal(inkan_authres_claims_authserv_id(NULL,
		"\"b\xc3\xbc" "cher.example.\";", 19,
		"b\xc3\xbc" "cher.example"), 1);
	assert_int_equal(inkan_authres_claims_authserv_id(NULL,
		"b\xc3\xbc" "cher.example;", 16,
		"B\xc3\xbc" "cher.example."), 1);
	inkan_ctx_free(ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_gmail_layout),
		cmocka_unit_test(test_build_gmail_folded),
		cmocka_unit_test(test_build_none_and_version),
		cmocka_unit_test(test_build_quoting),
		cmocka_unit_test(test_build_folding),
		cmocka_unit_test(test_build_arc),
		cmocka_unit_test(test_build_refuses_bad_input),
		cmocka_unit_test(test_build_output_is_capped),
		cmocka_unit_test(test_out_of_memory_is_clean),
		cmocka_unit_test(test_claims_authserv_id),
		AR_PARSE_TESTS
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
