/* SPDX-License-Identifier: MIT */
/*
 * test_address.c - RFC 5322 address parser and DMARC author extraction.
 *
 * Each case is checked twice: through inkan_address_list_parse() on the
 * value, and through inkan_authors_from_msg() on a whole message whose
 * From field carries the value, fed with inkan_msg_feed().
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

/* parse a C string; returns the status, *out the list or NULL */
inkan_status
parse(inkan_ctx *ctx, const char *v, inkan_address_list **out)
{
	inkan_status st = inkan_address_list_parse(ctx, v, strlen(v), out);

	if (st != INKAN_OK)
		assert_null(*out);
	return st;
}

/* a message with the given header section (lines end in CRLF) */
inkan_status
authors_of_headers(inkan_ctx *ctx, const char *headers, inkan_authors **out)
{
	inkan_msg *m = NULL;
	inkan_status st;
	static const char rest[] = "\r\nbody\r\n";

	assert_int_equal(inkan_msg_new(ctx, &m), INKAN_OK);
	assert_int_equal(inkan_msg_feed(m, headers, strlen(headers)), INKAN_OK);
	assert_int_equal(inkan_msg_feed(m, rest, sizeof(rest) - 1), INKAN_OK);
	assert_int_equal(inkan_msg_finish(m), INKAN_OK);
	*out = NULL;
	st = inkan_authors_from_msg(ctx, m, out);
	inkan_msg_free(m);
	if (st != INKAN_OK)
		assert_null(*out);
	return st;
}

/* a message with one From field carrying @value */
inkan_status
authors_of(inkan_ctx *ctx, const char *value, inkan_authors **out)
{
	char hdr[1024];
	int n = snprintf(hdr, sizeof(hdr),
		"Subject: test\r\nFrom: %s\r\nTo: x@rcpt.example\r\n", value);

	assert_true(n > 0 && (size_t)n < sizeof(hdr));
	return authors_of_headers(ctx, hdr, out);
}

/* one mailbox; its domain_ascii is @domain, the author domain too */
void
expect_one(inkan_ctx *ctx, const char *value, const char *domain)
{
	inkan_address_list *l = NULL;
	inkan_authors *a = NULL;
	const inkan_address *ad;

	assert_int_equal(parse(ctx, value, &l), INKAN_OK);
	assert_int_equal(inkan_address_list_count(l), 1);
	ad = inkan_address_list_at(l, 0);
	assert_non_null(ad);
	assert_string_equal(ad->domain_ascii, domain);
	assert_null(inkan_address_list_at(l, 1));
	inkan_address_list_free(l);

	assert_int_equal(authors_of(ctx, value, &a), INKAN_OK);
	assert_int_equal(inkan_authors_flags(a), 0);
	assert_int_equal(inkan_authors_count(a), 1);
	assert_int_equal(inkan_authors_domain_count(a), 1);
	assert_string_equal(inkan_authors_domain_at(a, 0), domain);
	assert_null(inkan_authors_domain_at(a, 1));
	inkan_authors_free(a);
}

/* not an address-list; the author check says so and lists nothing */
static void
expect_syntax(inkan_ctx *ctx, const char *value)
{
	inkan_address_list *l = NULL;
	inkan_authors *a = NULL;

	assert_int_equal(parse(ctx, value, &l), INKAN_ERR_SYNTAX);
	assert_int_equal(authors_of(ctx, value, &a), INKAN_OK);
	assert_int_equal(inkan_authors_flags(a), INKAN_FROM_UNPARSEABLE);
	assert_int_equal(inkan_authors_count(a), 0);
	assert_int_equal(inkan_authors_domain_count(a), 0);
	inkan_authors_free(a);
}

static void
test_display_name_that_looks_like_an_address(void **state)
{
	inkan_address_list *l = NULL;
	const inkan_address *ad;

	expect_one(*state, "\"x@evil.test\" <ceo@example.com>", "example.com");
	assert_int_equal(parse(*state, "\"x@evil.test\" <ceo@example.com>",
		&l), INKAN_OK);
	ad = inkan_address_list_at(l, 0);
	assert_string_equal(ad->display_name, "x@evil.test");
	assert_string_equal(ad->local_part, "ceo");
	assert_string_equal(ad->domain, "example.com");
	assert_null(ad->group);
	inkan_address_list_free(l);
}

static void
test_quoted_local_part_that_looks_like_an_address(void **state)
{
	inkan_address_list *l = NULL;
	const char *v = "\"Someone <a@junk.com>\"@mydomain.com";

	expect_one(*state, v, "mydomain.com");
	assert_int_equal(parse(*state, v, &l), INKAN_OK);
	assert_null(inkan_address_list_at(l, 0)->display_name);
	assert_string_equal(inkan_address_list_at(l, 0)->local_part,
		"Someone <a@junk.com>");
	inkan_address_list_free(l);
}

static void
test_junk_is_never_skipped(void **state)
{
	static const char *const bad[] = {
		"user@example.net>",
		"<<<><joe@joe.com>>>",
		"a@x.example <b@y.example>",
		"Name <a@x.example> <b@y.example>",
		"a@x.example@y.example",
		"Name a@x.example",
		"\"Joe <j@example.com>",
		"Joe\" <j@example.com>",
		"a@x.example b",
		"<a@x.example",
		"a@x.example)",
		"(unclosed a@x.example",
		"a@",
		"@x.example",
		"<a>",
		"a",
		"",
		"   ",
		", ,",
		".a@x.example",
		"a.@x.example",
		"a..b@x.example",
		"a@x..example",
		"a@.x.example",
		"a@x.example..",
		"<:a@x.example>",
		"<,:a@x.example>",
		"<@a.example:>",
		"G: H: a@x.example;;",
		"G: a@x.example",
		"G: a@x.example; b@y.example",
		": a@x.example;",
		". <a@x.example>",
		"a@[x]]",
		"a@x.example;",
		"a\\b@x.example",
		"=?utf-8?q?x?= a@x.example",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		print_message("case %zu: %s\n", i, bad[i]);
		expect_syntax(*state, bad[i]);
	}
}

static void
test_two_mailboxes(void **state)
{
	inkan_address_list *l = NULL;
	inkan_authors *a = NULL;

	assert_int_equal(parse(*state, "a@x.example, b@y.example", &l),
		INKAN_OK);
	assert_int_equal(inkan_address_list_count(l), 2);
	assert_string_equal(inkan_address_list_at(l, 0)->domain_ascii,
		"x.example");
	assert_string_equal(inkan_address_list_at(l, 1)->domain_ascii,
		"y.example");
	inkan_address_list_free(l);

	assert_int_equal(authors_of(*state, "a@x.example, b@y.example", &a),
		INKAN_OK);
	assert_int_equal(inkan_authors_flags(a),
		INKAN_FROM_MULTIPLE_ADDRESSES | INKAN_FROM_MULTIPLE_DOMAINS);
	assert_int_equal(inkan_authors_count(a), 2);
	assert_int_equal(inkan_authors_domain_count(a), 2);
	assert_string_equal(inkan_authors_domain_at(a, 0), "x.example");
	assert_string_equal(inkan_authors_domain_at(a, 1), "y.example");
	assert_string_equal(inkan_authors_at(a, 1)->local_part, "b");
	assert_null(inkan_authors_at(a, 2));
	inkan_authors_free(a);

	/* two mailboxes, one domain (compared after lower-casing) */
	assert_int_equal(authors_of(*state, "a@x.example, b@X.Example", &a),
		INKAN_OK);
	assert_int_equal(inkan_authors_flags(a),
		INKAN_FROM_MULTIPLE_ADDRESSES);
	assert_int_equal(inkan_authors_domain_count(a), 1);
	inkan_authors_free(a);
}

static void
test_group(void **state)
{
	inkan_address_list *l = NULL;
	inkan_authors *a = NULL;
	const char *v = "Group: a@x.example, b@y.example;";

	assert_int_equal(parse(*state, v, &l), INKAN_OK);
	assert_int_equal(inkan_address_list_count(l), 2);
	assert_string_equal(inkan_address_list_at(l, 0)->group, "Group");
	assert_string_equal(inkan_address_list_at(l, 1)->group, "Group");
	assert_string_equal(inkan_address_list_at(l, 1)->domain_ascii,
		"y.example");
	inkan_address_list_free(l);
	assert_int_equal(authors_of(*state, v, &a), INKAN_OK);
	assert_int_equal(inkan_authors_flags(a),
		INKAN_FROM_MULTIPLE_ADDRESSES | INKAN_FROM_MULTIPLE_DOMAINS);
	assert_int_equal(inkan_authors_domain_count(a), 2);
	inkan_authors_free(a);

	/* a group, then a mailbox outside it; name-addr inside a group */
	assert_int_equal(parse(*state, "=?utf-8?q?G=C3=BC?= : Ann <a@x.example>"
		" ;, c@z.example (trailing)", &l), INKAN_OK);
	assert_int_equal(inkan_address_list_count(l), 2);
	assert_string_equal(inkan_address_list_at(l, 0)->group, "Gü");
	assert_string_equal(inkan_address_list_at(l, 0)->display_name,
		"Ann");
	assert_null(inkan_address_list_at(l, 1)->group);
	inkan_address_list_free(l);
}

static void
test_empty_group(void **state)
{
	inkan_address_list *l = NULL;
	inkan_authors *a = NULL;

	assert_int_equal(parse(*state, "undisclosed-recipients:;", &l),
		INKAN_OK);
	assert_int_equal(inkan_address_list_count(l), 0);
	assert_null(inkan_address_list_at(l, 0));
	inkan_address_list_free(l);
	/* obs-group-list: only commas and CFWS inside */
	assert_int_equal(parse(*state, "g: , (x) ,;", &l), INKAN_OK);
	assert_int_equal(inkan_address_list_count(l), 0);
	inkan_address_list_free(l);

	assert_int_equal(authors_of(*state, "undisclosed-recipients:;", &a),
		INKAN_OK);
	assert_int_equal(inkan_authors_flags(a), INKAN_FROM_NO_DOMAIN);
	assert_int_equal(inkan_authors_count(a), 0);
	assert_int_equal(inkan_authors_domain_count(a), 0);
	inkan_authors_free(a);
	/* an empty group next to a real From is still reported */
	assert_int_equal(authors_of_headers(*state, "From: a@x.example\r\n"
		"From: undisclosed-recipients:;\r\n", &a), INKAN_OK);
	assert_int_equal(inkan_authors_flags(a),
		INKAN_FROM_MULTIPLE_FIELDS | INKAN_FROM_NO_DOMAIN);
	assert_int_equal(inkan_authors_domain_count(a), 1);
	inkan_authors_free(a);
}

static void
test_comma_inside_quotes(void **state)
{
	inkan_address_list *l = NULL;

	expect_one(*state, "\"Doe, John\" <j@example.org>", "example.org");
	assert_int_equal(parse(*state, "\"Doe, John\" <j@example.org>", &l),
		INKAN_OK);
	assert_string_equal(inkan_address_list_at(l, 0)->display_name,
		"Doe, John");
	inkan_address_list_free(l);
}

static void
test_encoded_word_and_idn(void **state)
{
	inkan_address_list *l = NULL;
	const inkan_address *ad;
	const char *v = "=?utf-8?q?J=C3=B6rg?= <j@bücher.example>";

	expect_one(*state, v, "xn--bcher-kva.example");
	assert_int_equal(parse(*state, v, &l), INKAN_OK);
	ad = inkan_address_list_at(l, 0);
	assert_string_equal(ad->display_name, "Jörg");
	assert_string_equal(ad->domain, "bücher.example");
	assert_string_equal(ad->domain_ascii, "xn--bcher-kva.example");
	inkan_address_list_free(l);
	/* upper-case U-label, and an A-label written in capitals */
	expect_one(*state, "j@BÜCHER.example", "xn--bcher-kva.example");
	expect_one(*state, "j@XN--BCHER-KVA.Example", "xn--bcher-kva.example");
}

/* display name decoding: @value must give @name */
static void
expect_name(inkan_ctx *ctx, const char *value, const char *name)
{
	inkan_address_list *l = NULL;

	print_message("%s\n", value);
	assert_int_equal(parse(ctx, value, &l), INKAN_OK);
	assert_int_equal(inkan_address_list_count(l), 1);
	assert_string_equal(inkan_address_list_at(l, 0)->display_name, name);
	inkan_address_list_free(l);
}

static void
test_display_names(void **state)
{
	inkan_ctx *ctx = *state;

	expect_name(ctx, "=?ISO-8859-1?B?SvZyZw==?= <j@x.example>", "Jörg");
	expect_name(ctx, "=?iso-8859-1?q?J=F6rg?= <j@x.example>", "Jörg");
	expect_name(ctx, "=?windows-1252?q?=80_5?= <j@x.example>", "€ 5");
	expect_name(ctx, "=?ISO-8859-15?Q?=A4?= <j@x.example>", "€");
	expect_name(ctx, "=?us-ascii?q?John_Smith?= <j@x.example>",
		"John Smith");
	expect_name(ctx, "=?UTF-8*en?B?SsO2cmc=?= <j@x.example>", "Jörg");
	/* RFC 2047 6.2: no space between adjacent encoded-words */
	expect_name(ctx, "=?utf-8?q?a?= =?utf-8?q?b?= c <j@x.example>",
		"ab c");
	/* undecodable words stay as written */
	expect_name(ctx, "=?x-unknown?q?abc?= <j@x.example>",
		"=?x-unknown?q?abc?=");
	expect_name(ctx, "=?utf-8?q?a=0Ab?= <j@x.example>",
		"=?utf-8?q?a=0Ab?=");
	expect_name(ctx, "=?utf-8?q?a=C3?= <j@x.example>", "=?utf-8?q?a=C3?=");
	expect_name(ctx, "=?utf-8?b?SsO2c?= <j@x.example>", "=?utf-8?b?SsO2c?=");
	expect_name(ctx, "=?utf-8?x?abc?= <j@x.example>", "=?utf-8?x?abc?=");
	expect_name(ctx, "=?us-ascii?q?=E9?= <j@x.example>",
		"=?us-ascii?q?=E9?=");
	expect_name(ctx, "=?utf-8?q?=ZZ?= <j@x.example>", "=?utf-8?q?=ZZ?=");
	/* not decoded inside a quoted string (RFC 2047 5) */
	expect_name(ctx, "\"=?utf-8?q?x?=\" <j@x.example>", "=?utf-8?q?x?=");
	/* obs-phrase, comments and quoted words */
	expect_name(ctx, "John Q. Public <jqp@x.example>", "John Q. Public");
	expect_name(ctx, "John (middle) Doe <j@x.example>", "John Doe");
	expect_name(ctx, "\"J\"ohn  \"a\\\"b\" <j@x.example>", "John a\"b");
	expect_name(ctx, "Jörg Ü <j@x.example>", "Jörg Ü");
}

static void
test_no_from_and_two_froms(void **state)
{
	inkan_authors *a = NULL;

	assert_int_equal(authors_of_headers(*state,
		"Subject: nothing\r\nTo: x@rcpt.example\r\n", &a), INKAN_OK);
	assert_int_equal(inkan_authors_flags(a), INKAN_FROM_NONE);
	assert_int_equal(inkan_authors_count(a), 0);
	assert_int_equal(inkan_authors_domain_count(a), 0);
	inkan_authors_free(a);

	assert_int_equal(authors_of_headers(*state,
		"From: a@x.example\r\nSubject: s\r\nfrom: b@y.example\r\n", &a),
		INKAN_OK);
	assert_int_equal(inkan_authors_flags(a), INKAN_FROM_MULTIPLE_FIELDS |
		INKAN_FROM_MULTIPLE_ADDRESSES | INKAN_FROM_MULTIPLE_DOMAINS);
	assert_int_equal(inkan_authors_count(a), 2);
	assert_string_equal(inkan_authors_domain_at(a, 0), "x.example");
	assert_string_equal(inkan_authors_domain_at(a, 1), "y.example");
	inkan_authors_free(a);

	/* a bad field next to a good one: both facts are reported */
	assert_int_equal(authors_of_headers(*state,
		"From: a@x.example>\r\nFrom: b@y.example\r\n", &a), INKAN_OK);
	assert_int_equal(inkan_authors_flags(a),
		INKAN_FROM_MULTIPLE_FIELDS | INKAN_FROM_UNPARSEABLE);
	assert_int_equal(inkan_authors_count(a), 1);
	assert_string_equal(inkan_authors_domain_at(a, 0), "y.example");
	inkan_authors_free(a);

	/* folded From fields are unfolded by the message parser */
	assert_int_equal(authors_of_headers(*state,
		"From: \"Doe,\r\n John\"\r\n\t<j@example.org>\r\n", &a),
		INKAN_OK);
	assert_int_equal(inkan_authors_flags(a), 0);
	assert_string_equal(inkan_authors_at(a, 0)->display_name,
		"Doe, John");
	inkan_authors_free(a);
}

static void
test_local_parts(void **state)
{
	inkan_ctx *ctx = *state;
	inkan_address_list *l = NULL;

	expect_one(ctx, "\"a\\\"b\\\\c\"@x.example", "x.example");
	assert_int_equal(parse(ctx, "\"a\\\"b\\\\c\"@x.example", &l),
		INKAN_OK);
	assert_string_equal(inkan_address_list_at(l, 0)->local_part,
		"a\"b\\c");
	inkan_address_list_free(l);
	/* obs-local-part: words and dots with CFWS between */
	assert_int_equal(parse(ctx, "a . \"b c\" .d@x.example", &l), INKAN_OK);
	assert_string_equal(inkan_address_list_at(l, 0)->local_part,
		"a.b c.d");
	inkan_address_list_free(l);
	/* RFC 6532: UTF-8 local part */
	assert_int_equal(parse(ctx, "jörg@x.example", &l), INKAN_OK);
	assert_string_equal(inkan_address_list_at(l, 0)->local_part, "jörg");
	inkan_address_list_free(l);
}

static void
test_route_literal_dot_case(void **state)
{
	inkan_ctx *ctx = *state;
	inkan_address_list *l = NULL;
	inkan_authors *a = NULL;
	const inkan_address *ad;

	expect_one(ctx, "<@a.example,@b.example:user@c.example>", "c.example");
	expect_one(ctx, "Name <,@a.example, ,@b.example:u@c.example>",
		"c.example");

	assert_int_equal(parse(ctx, "a@[192.0.2.1]", &l), INKAN_OK);
	ad = inkan_address_list_at(l, 0);
	assert_string_equal(ad->domain, "[192.0.2.1]");
	assert_int_equal(ad->domain_literal, 1);
	assert_null(ad->domain_ascii);
	inkan_address_list_free(l);
	assert_int_equal(authors_of(ctx, "a@[192.0.2.1]", &a), INKAN_OK);
	assert_int_equal(inkan_authors_flags(a), INKAN_FROM_NO_DOMAIN);
	assert_int_equal(inkan_authors_count(a), 1);
	assert_int_equal(inkan_authors_domain_count(a), 0);
	inkan_authors_free(a);

	/* FWS inside a domain-literal is unfolded: no CRLF reaches callers
	 * (found by fuzz_address) */
	assert_int_equal(parse(ctx, "a@[192.0.\r\n\t2.1]", &l), INKAN_OK);
	assert_string_equal(inkan_address_list_at(l, 0)->domain,
		"[192.0.\t2.1]");
	inkan_address_list_free(l);

	expect_one(ctx, "a@example.com.", "example.com");
	assert_int_equal(parse(ctx, "<a@example.com.>", &l), INKAN_OK);
	assert_string_equal(inkan_address_list_at(l, 0)->domain,
		"example.com.");
	inkan_address_list_free(l);
	expect_one(ctx, "a@EXAMPLE.Com", "example.com");
	/* obs-domain: CFWS around the dots */
	expect_one(ctx, "a@x . (c) example", "x.example");
}

static void
test_null_address_and_null_members(void **state)
{
	inkan_ctx *ctx = *state;
	inkan_address_list *l = NULL;
	inkan_authors *a = NULL;

	assert_int_equal(parse(ctx, "<>", &l), INKAN_OK);
	assert_int_equal(inkan_address_list_count(l), 1);
	assert_string_equal(inkan_address_list_at(l, 0)->local_part, "");
	assert_null(inkan_address_list_at(l, 0)->domain);
	assert_null(inkan_address_list_at(l, 0)->domain_ascii);
	inkan_address_list_free(l);
	assert_int_equal(authors_of(ctx, "<>", &a), INKAN_OK);
	assert_int_equal(inkan_authors_flags(a), INKAN_FROM_NO_DOMAIN);
	assert_int_equal(inkan_authors_domain_count(a), 0);
	inkan_authors_free(a);

	/* obs-mbox-list / obs-addr-list: empty members */
	assert_int_equal(parse(ctx, "a@x.example, , b@y.example,", &l),
		INKAN_OK);
	assert_int_equal(inkan_address_list_count(l), 2);
	inkan_address_list_free(l);
	expect_one(ctx, ", (c) ,a@x.example,", "x.example");
}

static void
test_bad_bytes(void **state)
{
	inkan_ctx *ctx = *state;
	inkan_address_list *l = NULL;
	static const char nul[] = "a@x.example\0b";

	assert_int_equal(inkan_address_list_parse(ctx, nul, sizeof(nul) - 1,
		&l), INKAN_ERR_SYNTAX);
	assert_int_equal(parse(ctx, "a@x.\xC3\x28xample", &l),
		INKAN_ERR_SYNTAX);
	assert_int_equal(parse(ctx, "\"\xC0\xAF\" <a@x.example>", &l),
		INKAN_ERR_SYNTAX);
	assert_int_equal(parse(ctx, "a@x.example (\xED\xA0\x80)", &l),
		INKAN_ERR_SYNTAX);
	assert_int_equal(parse(ctx, "a@x.example\n", &l), INKAN_ERR_SYNTAX);
	assert_int_equal(parse(ctx, "a@x.example\r", &l), INKAN_ERR_SYNTAX);
	assert_int_equal(parse(ctx, "\"a\x01\"@x.example", &l),
		INKAN_ERR_SYNTAX);
	/* a fold (CRLF WSP) is white space */
	assert_int_equal(parse(ctx, "a@x.example,\r\n b@y.example", &l),
		INKAN_OK);
	assert_int_equal(inkan_address_list_count(l), 2);
	inkan_address_list_free(l);
	assert_int_equal(inkan_address_list_parse(NULL, "a", 1, &l),
		INKAN_ERR_INVALID);
	assert_int_equal(inkan_address_list_parse(ctx, "a", 1, NULL),
		INKAN_ERR_INVALID);
}

static void
test_unusable_domains(void **state)
{
	inkan_ctx *ctx = *state;
	inkan_address_list *l = NULL;
	inkan_authors *a = NULL;
	static const char *const cases[] = {
		"a@\xEF\xBD\x81\xEF\xBC\xA0\xEF\xBD\x82.example", /* ａ＠ｂ */
		"a@ab--\xC3\xBC.example",
		"a@x!y.example",
		/* a 64-octet label */
		("a@aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		 "aaaa.example"),
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		print_message("%s\n", cases[i]);
		assert_int_equal(parse(ctx, cases[i], &l), INKAN_OK);
		assert_non_null(inkan_address_list_at(l, 0)->domain);
		assert_null(inkan_address_list_at(l, 0)->domain_ascii);
		inkan_address_list_free(l);
		assert_int_equal(authors_of(ctx, cases[i], &a), INKAN_OK);
		assert_int_equal(inkan_authors_flags(a),
			INKAN_FROM_UNPARSEABLE);
		assert_int_equal(inkan_authors_count(a), 1);
		assert_int_equal(inkan_authors_domain_count(a), 0);
		inkan_authors_free(a);
	}
	/* symbols IDNA2008 refuses go through the transitional fallback */
	expect_one(ctx, "a@\xE2\x98\x83.example", "xn--n3h.example");
	expect_one(ctx, "a@fu\xC3\x9F.example", "xn--fu-hia.example");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_display_name_that_looks_like_an_address),
		cmocka_unit_test(test_quoted_local_part_that_looks_like_an_address),
		cmocka_unit_test(test_junk_is_never_skipped),
		cmocka_unit_test(test_two_mailboxes),
		cmocka_unit_test(test_group),
		cmocka_unit_test(test_empty_group),
		cmocka_unit_test(test_comma_inside_quotes),
		cmocka_unit_test(test_ten_thousand_addresses),
		cmocka_unit_test(test_encoded_word_and_idn),
		cmocka_unit_test(test_display_names),
		cmocka_unit_test(test_no_from_and_two_froms),
		cmocka_unit_test(test_comments),
		cmocka_unit_test(test_local_parts),
		cmocka_unit_test(test_route_literal_dot_case),
		cmocka_unit_test(test_null_address_and_null_members),
		cmocka_unit_test(test_bad_bytes),
		cmocka_unit_test(test_unusable_domains),
		cmocka_unit_test(test_allocation_failures),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
