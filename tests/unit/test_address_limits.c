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

/* allocator that fails after a budget and counts live blocks */
struct budget {
	long left;
	long live;
};

static void *
b_alloc(void *ud, size_t n)
{
	struct budget *b = ud;

	if (b->left-- <= 0)
		return NULL;
	b->live++;
	return malloc(n);
}

static void *
b_realloc(void *ud, void *p, size_t n)
{
	struct budget *b = ud;

	if (b->left-- <= 0)
		return NULL;
	if (p == NULL)
		b->live++;
	return realloc(p, n);
}

static void
b_free(void *ud, void *p)
{
	struct budget *b = ud;

	b->live--;
	free(p);
}

void
test_allocation_failures(void **state)
{
	static const char v[] = "=?utf-8?q?J=C3=B6rg?= <j@b\xC3\xBC" "cher.example>,"
		" G: a@x.example, <@r.example:b@y.example>;";
	static const char hdr[] = "From: a@x.example\r\nFrom: <b@y.example>"
		"\r\n\r\n";
	struct budget bud;
	inkan_allocator al = { b_alloc, b_realloc, b_free, &bud };
	inkan_ctx *ctx = NULL;
	inkan_address_list *l;
	inkan_authors *a;
	inkan_msg *m;
	inkan_status st;
	long k;

	(void)state;
	for (k = 0; k < 10000; k++) {
		bud.left = 1 << 20;
		bud.live = 0;
		assert_int_equal(inkan_ctx_new(&al, &ctx), INKAN_OK);
		bud.left = k;
		l = NULL;
		st = inkan_address_list_parse(ctx, v, sizeof(v) - 1, &l);
		if (st == INKAN_OK) {
			assert_int_equal(inkan_address_list_count(l), 3);
			inkan_address_list_free(l);
			inkan_ctx_free(ctx);
			assert_int_equal(bud.live, 0);
			break;
		}
		assert_int_equal(st, INKAN_ERR_NOMEM);
		assert_null(l);
		inkan_ctx_free(ctx);
		assert_int_equal(bud.live, 0);
	}
	assert_true(k > 0 && k < 10000);

	for (k = 0; k < 10000; k++) {
		bud.left = 1 << 20;
		bud.live = 0;
		assert_int_equal(inkan_ctx_new(&al, &ctx), INKAN_OK);
		assert_int_equal(inkan_msg_new(ctx, &m), INKAN_OK);
		assert_int_equal(inkan_msg_feed(m, hdr, sizeof(hdr) - 1),
			INKAN_OK);
		bud.left = k;
		a = NULL;
		st = inkan_authors_from_msg(ctx, m, &a);
		inkan_msg_free(m);
		if (st == INKAN_OK) {
			assert_int_equal(inkan_authors_domain_count(a), 2);
			inkan_authors_free(a);
			inkan_ctx_free(ctx);
			assert_int_equal(bud.live, 0);
			break;
		}
		assert_int_equal(st, INKAN_ERR_NOMEM);
		assert_null(a);
		inkan_ctx_free(ctx);
		assert_int_equal(bud.live, 0);
	}
	assert_true(k > 0 && k < 10000);
}

