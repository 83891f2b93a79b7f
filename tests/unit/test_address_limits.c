/* SPDX-License-Identifier: MIT */
/*
 * test_address_limits.c - the address parser's caps (mailbox count,
 * comment depth), 10,000 mailboxes (bounded by the meson test timeout, not a
 * timing assertion), and allocation failures.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <inkan/address.h>
#include <inkan/msg.h>

#include "alloc_fail.h"
#include "test_address.h"

/* "u0@d0.example, u1@d1.example, ..." folded one per line */
static char *
many_addresses(size_t n, size_t *len)
{
	size_t cap = n * 40 + 64, off = 0, i;
	char *s = malloc(cap);
	int k;

	assert_non_null(s);
	for (i = 0; i < n; i++) {
		k = snprintf(s + off, cap - off, "%su%zu@d%zu.example",
			i == 0 ? "" : ",\r\n\t", i, i);
		assert_true(k > 0 && (size_t)k < cap - off);
		off += (size_t)k;
	}
	*len = off;
	return s;
}

void
test_ten_thousand_addresses(void **state)
{
	inkan_ctx *ctx = *state;
	inkan_address_list *l = NULL;
	inkan_authors *a = NULL;
	size_t len;
	char *v = many_addresses(10000, &len), *hdr;

	hdr = malloc(len + 64);
	assert_non_null(hdr);
	snprintf(hdr, len + 64, "From: %s\r\n", v);

	/* default cap 1000: a clear error, not a truncated list */
	assert_int_equal(inkan_address_list_parse(ctx, v, len, &l),
		INKAN_ERR_LIMIT);
	assert_null(l);
	assert_int_equal(authors_of_headers(ctx, hdr, &a), INKAN_ERR_LIMIT);

	/* raised cap: every one of them, in linear time */
	assert_int_equal(inkan_ctx_set_limit(ctx, INKAN_LIMIT_ADDRESSES, 20000),
		INKAN_OK);
	assert_int_equal(inkan_address_list_parse(ctx, v, len, &l), INKAN_OK);
	assert_int_equal(inkan_address_list_count(l), 10000);
	assert_string_equal(inkan_address_list_at(l, 9999)->domain_ascii,
		"d9999.example");
	inkan_address_list_free(l);
	assert_int_equal(authors_of_headers(ctx, hdr, &a), INKAN_OK);
	assert_int_equal(inkan_authors_count(a), 10000);
	assert_int_equal(inkan_authors_domain_count(a), 10000);
	assert_string_equal(inkan_authors_domain_at(a, 1234), "d1234.example");
	assert_int_equal(inkan_authors_flags(a),
		INKAN_FROM_MULTIPLE_ADDRESSES | INKAN_FROM_MULTIPLE_DOMAINS);
	inkan_authors_free(a);
	assert_int_equal(inkan_ctx_set_limit(ctx, INKAN_LIMIT_ADDRESSES, 1000),
		INKAN_OK);
	free(hdr);
	free(v);
}

void
test_comments(void **state)
{
	inkan_ctx *ctx = *state;
	inkan_address_list *l = NULL;
	inkan_authors *a = NULL;
	char deep[256], ok[256];
	size_t i, d = 32;

	expect_one(ctx, "a@(c(d)e)x.example", "x.example");
	expect_one(ctx, "(x) a (y) @ (z) x.example (\\) \\( ( ) ö)", "x.example");

	/* exactly at the cap: fine; one deeper: a clear limit error */
	for (i = 0; i < d; i++)
		ok[i] = '(';
	for (i = 0; i < d; i++)
		ok[d + i] = ')';
	snprintf(ok + 2 * d, sizeof(ok) - 2 * d, "a@x.example");
	expect_one(ctx, ok, "x.example");
	for (i = 0; i < d + 1; i++)
		deep[i] = '(';
	for (i = 0; i < d + 1; i++)
		deep[d + 1 + i] = ')';
	snprintf(deep + 2 * d + 2, sizeof(deep) - 2 * d - 2, "a@x.example");
	assert_int_equal(parse(ctx, deep, &l), INKAN_ERR_LIMIT);
	assert_int_equal(authors_of(ctx, deep, &a), INKAN_ERR_LIMIT);
	assert_int_equal(inkan_ctx_set_limit(ctx, INKAN_LIMIT_COMMENT_DEPTH,
		33), INKAN_OK);
	assert_int_equal(parse(ctx, deep, &l), INKAN_OK);
	inkan_address_list_free(l);
	assert_int_equal(inkan_ctx_set_limit(ctx, INKAN_LIMIT_COMMENT_DEPTH,
		32), INKAN_OK);
}

/* ---- allocation failures (alloc_fail.h) ---- */

/* a list with an encoded display name, a U-label, a group and a route */
static void
af_list(inkan_ctx *ctx, void *arg, void *env, alloc_fail_outcome *out)
{
	static const char v[] = "=?utf-8?q?J=C3=B6rg?= <j@b\xC3\xBC"
		"cher.example>, G: a@x.example, <@r.example:b@y.example>;";
	inkan_address_list *l = NULL;
	char text[512] = "";
	size_t i, off = 0;

	(void)arg;
	(void)env;
	out->status = inkan_address_list_parse(ctx, v, sizeof(v) - 1, &l);
	assert_true((out->status == INKAN_OK) == (l != NULL));
	if (l == NULL)
		return;
	for (i = 0; i < inkan_address_list_count(l); i++) {
		const inkan_address *ad = inkan_address_list_at(l, i);
		int n = snprintf(text + off, sizeof(text) - off,
			"%s[%s] %s@%s (%s) group=%s", i ? ", " : "",
			ad->display_name ? ad->display_name : "",
			ad->local_part, ad->domain ? ad->domain : "",
			ad->domain_ascii ? ad->domain_ascii : "-",
			ad->group ? ad->group : "-");

		assert_true(n > 0 && (size_t)n < sizeof(text) - off);
		off += (size_t)n;
	}
	alloc_fail_verdict(out, "%s", text);
	inkan_address_list_free(l);
}

static void *
af_msg_setup(inkan_ctx *ctx, void *arg)
{
	static const char hdr[] = "From: a@x.example\r\nFrom: <b@y.example>"
		"\r\n\r\n";
	inkan_msg *m = NULL;

	(void)arg;
	assert_int_equal(inkan_msg_new(ctx, &m), INKAN_OK);
	assert_int_equal(inkan_msg_feed(m, hdr, sizeof(hdr) - 1), INKAN_OK);
	return m;
}

static void
af_msg_teardown(inkan_ctx *ctx, void *arg, void *env)
{
	(void)ctx;
	(void)arg;
	inkan_msg_free(env);
}

/* the author domains of a message with two From fields */
static void
af_authors(inkan_ctx *ctx, void *arg, void *env, alloc_fail_outcome *out)
{
	inkan_authors *a = NULL;
	char text[256] = "";
	size_t i, off = 0;

	(void)arg;
	out->status = inkan_authors_from_msg(ctx, env, &a);
	assert_true((out->status == INKAN_OK) == (a != NULL));
	if (a == NULL)
		return;
	for (i = 0; i < inkan_authors_domain_count(a); i++) {
		int n = snprintf(text + off, sizeof(text) - off, " %s",
			inkan_authors_domain_at(a, i));

		assert_true(n > 0 && (size_t)n < sizeof(text) - off);
		off += (size_t)n;
	}
	alloc_fail_verdict(out, "authors:%s", text);
	inkan_authors_free(a);
}

void
test_allocation_failures(void **state)
{
	alloc_fail_case list = {
		.name = "address list", .run = af_list,
		.expect_status = INKAN_OK,
		.expect = "[J\xC3\xB6rg] j@b\xC3\xBC" "cher.example "
			"(xn--bcher-kva.example) group=-, [] a@x.example "
			"(x.example) group=G, [] b@y.example (y.example) "
			"group=G",
		.min_points = 3, .max_points = 10000,
	};
	alloc_fail_case authors = {
		.name = "authors", .setup = af_msg_setup, .run = af_authors,
		.teardown = af_msg_teardown, .expect_status = INKAN_OK,
		.expect = "authors: x.example y.example",
		.min_points = 1, .max_points = 10000,
	};

	(void)state;
	list.mode = authors.mode = ALLOC_FAIL_ONE;
	alloc_fail_each(&list);
	alloc_fail_each(&authors);
	list.mode = authors.mode = ALLOC_FAIL_FROM;
	alloc_fail_each(&list);
	alloc_fail_each(&authors);
}

