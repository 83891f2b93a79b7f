/* SPDX-License-Identifier: MIT */
/*
 * test_msg.c - the streaming header parser: any chunking, CRLF and bare LF,
 * raw bytes kept exactly, unfolding, lookup by name from top and bottom,
 * the caps, the milter path, and body streaming.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <inkan/msg.h>

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

/* a body sink that collects everything into a heap buffer */
struct body { char *data; size_t len; };

static inkan_status
collect(void *ud, const char *data, size_t len)
{
	struct body *b = ud;
	char *n = realloc(b->data, b->len + len + 1);

	if (n == NULL)
		return INKAN_ERR_NOMEM;
	memcpy(n + b->len, data, len);
	b->data = n;
	b->len += len;
	b->data[b->len] = '\0';
	return INKAN_OK;
}

static const char sample[] =
	"Received: from a.example by b.example;\r\n"
	"\tTue, 1 Jan 2030 00:00:00 +0000\r\n"
	"From: Jane <jane@example.com>\r\n"
	"Subject:   folded\r\n"
	"  subject line  \r\n"
	"DKIM-Signature: v=1; d=example.com;\r\n"
	"\tb=abc\r\n"
	"Received: second\r\n"
	"X-Empty:\r\n"
	"\r\n"
	"line one\r\n"
	"line two\r\n";

/* Parse @in fed in chunks of @chunk bytes (0 = whole) into *out. */
static inkan_msg *
parse_chunked(inkan_ctx *ctx, const char *in, size_t len, size_t chunk,
	struct body *body)
{
	inkan_msg *m = NULL;
	size_t pos = 0, n;

	assert_int_equal(inkan_msg_new(ctx, &m), INKAN_OK);
	if (body != NULL)
		assert_int_equal(inkan_msg_add_body_sink(m, collect, body),
			INKAN_OK);
	while (pos < len) {
		n = chunk == 0 || len - pos < chunk ? len - pos : chunk;
		assert_int_equal(inkan_msg_feed(m, in + pos, n), INKAN_OK);
		pos += n;
	}
	assert_int_equal(inkan_msg_finish(m), INKAN_OK);
	return m;
}

static void
assert_header(const inkan_msg *m, size_t i, const char *raw,
	const char *value)
{
	const inkan_header *h = inkan_msg_header_at(m, i);
	size_t len;

	assert_non_null(h);
	assert_string_equal(inkan_header_raw(h, &len), raw);
	assert_int_equal(len, strlen(raw));
	assert_string_equal(inkan_header_value(h, &len), value);
	assert_int_equal(len, strlen(value));
	assert_int_equal(inkan_header_index(h), i);
}

static void
check_sample(const inkan_msg *m, const struct body *b)
{
	size_t len;

	assert_int_equal(inkan_msg_header_count(m), 6);
	assert_header(m, 0, "Received: from a.example by b.example;\r\n"
		"\tTue, 1 Jan 2030 00:00:00 +0000\r\n",
		"from a.example by b.example;\tTue, 1 Jan 2030 00:00:00 +0000");
	assert_header(m, 1, "From: Jane <jane@example.com>\r\n",
		"Jane <jane@example.com>");
	assert_header(m, 2, "Subject:   folded\r\n  subject line  \r\n",
		"folded  subject line");
	assert_header(m, 5, "X-Empty:\r\n", "");
	assert_string_equal(inkan_header_name(inkan_msg_header_at(m, 3), &len),
		"DKIM-Signature: v=1; d=example.com;\r\n\tb=abc\r\n");
	assert_int_equal(len, strlen("DKIM-Signature"));
	assert_string_equal(b->data, "line one\r\nline two\r\n");
	assert_int_equal(inkan_msg_body_length(m), b->len);
}

static void
test_whole_message(void **state)
{
	struct body b = { NULL, 0 };
	inkan_msg *m = parse_chunked(*state, sample, sizeof(sample) - 1, 0, &b);

	check_sample(m, &b);
	assert_true(inkan_msg_headers_done(m));
	inkan_msg_free(m);
	free(b.data);
}

/* Every chunk size from 1 byte up gives the same result: a header may be
 * split anywhere, including between CR and LF. */
static void
test_any_chunking(void **state)
{
	size_t chunk;

	for (chunk = 1; chunk < sizeof(sample); chunk++) {
		struct body b = { NULL, 0 };
		inkan_msg *m = parse_chunked(*state, sample,
			sizeof(sample) - 1, chunk, &b);
		check_sample(m, &b);
		inkan_msg_free(m);
		free(b.data);
	}
}

/* Two chunks split at every position. */
static void
test_every_split_point(void **state)
{
	size_t split, len = sizeof(sample) - 1;

	for (split = 0; split <= len; split++) {
		struct body b = { NULL, 0 };
		inkan_msg *m = NULL;
		assert_int_equal(inkan_msg_new(*state, &m), INKAN_OK);
		assert_int_equal(inkan_msg_add_body_sink(m, collect, &b),
			INKAN_OK);
		assert_int_equal(inkan_msg_feed(m, sample, split), INKAN_OK);
		assert_int_equal(inkan_msg_feed(m, sample + split, len - split),
			INKAN_OK);
		assert_int_equal(inkan_msg_finish(m), INKAN_OK);
		check_sample(m, &b);
		inkan_msg_free(m);
		free(b.data);
	}
}

/* Bare LF input gives the same wire form as CRLF input. */
static void
test_bare_lf_is_wire_form(void **state)
{
	char lf[sizeof(sample)];
	size_t i, j = 0, chunk;

	for (i = 0; sample[i] != '\0'; i++)
		if (sample[i] != '\r')
			lf[j++] = sample[i];
	lf[j] = '\0';
	for (chunk = 0; chunk < 8; chunk++) {
		struct body b = { NULL, 0 };
		inkan_msg *m = parse_chunked(*state, lf, j, chunk, &b);
		check_sample(m, &b);
		inkan_msg_free(m);
		free(b.data);
	}
}

/* A lone CR in the body is kept; CRLF split across chunks is not doubled. */
static void
test_body_line_endings(void **state)
{
	static const char in[] = "A: b\n\nx\ry\r\nz\n\n";
	struct body b = { NULL, 0 };
	size_t chunk;

	for (chunk = 0; chunk < 5; chunk++) {
		inkan_msg *m = parse_chunked(*state, in, sizeof(in) - 1, chunk,
			&b);
		assert_string_equal(b.data, "x\ry\r\nz\r\n\r\n");
		inkan_msg_free(m);
		free(b.data);
		b.data = NULL;
		b.len = 0;
	}
}

static void
test_lookup_by_name(void **state)
{
	struct body b = { NULL, 0 };
	inkan_msg *m = parse_chunked(*state, sample, sizeof(sample) - 1, 0, &b);
	size_t len;

	assert_int_equal(inkan_msg_count_named(m, "received"), 2);
	assert_int_equal(inkan_msg_count_named(m, "RECEIVED"), 2);
	assert_int_equal(inkan_msg_count_named(m, "Receive"), 0);
	assert_string_equal(inkan_header_value(
		inkan_msg_find(m, "received", 1), &len), "second");
	assert_string_equal(inkan_header_value(
		inkan_msg_find_from_bottom(m, "Received", 0), &len), "second");
	assert_int_equal(inkan_header_index(
		inkan_msg_find_from_bottom(m, "Received", 1)), 0);
	assert_null(inkan_msg_find_from_bottom(m, "Received", 2));
	assert_null(inkan_msg_find(m, "Received", 2));
	assert_null(inkan_msg_find(m, "To", 0));
	assert_null(inkan_msg_header_at(m, 6));
	inkan_msg_free(m);
	free(b.data);
}

static void
test_no_body_no_blank_line(void **state)
{
	static const char in[] = "From: a@b.example\r\nSubject: x";
	inkan_msg *m = parse_chunked(*state, in, sizeof(in) - 1, 3, NULL);

	assert_int_equal(inkan_msg_header_count(m), 2);
	assert_header(m, 1, "Subject: x\r\n", "x");
	assert_int_equal(inkan_msg_body_length(m), 0);
	inkan_msg_free(m);
}

/* RFC 5322 4.5 obs-optional: WSP between the name and the colon */
static void
test_space_before_colon(void **state)
{
	static const char in[] = "Subject : hi\r\n\r\n";
	inkan_msg *m = parse_chunked(*state, in, sizeof(in) - 1, 0, NULL);
	size_t len;

	assert_string_equal(inkan_header_name(inkan_msg_header_at(m, 0), &len),
		"Subject : hi\r\n");
	assert_int_equal(len, 7);
	assert_non_null(inkan_msg_find(m, "subject", 0));
	inkan_msg_free(m);
}

static inkan_status
feed_all(inkan_ctx *ctx, const char *in, inkan_msg **out)
{
	inkan_msg *m = NULL;
	inkan_status st;

	assert_int_equal(inkan_msg_new(ctx, &m), INKAN_OK);
	st = inkan_msg_feed(m, in, strlen(in));
	if (st == INKAN_OK)
		st = inkan_msg_finish(m);
	*out = m;
	return st;
}

static void
test_malformed_headers(void **state)
{
	static const char *bad[] = {
		" leading continuation\r\n\r\n",
		"no colon here\r\n\r\n",
		": empty name\r\n\r\n",
		"From: a@b\r\nbad line\r\n\r\n",
		"Na\x01me: control char in name\r\n\r\n",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		inkan_msg *m = NULL;
		assert_int_equal(feed_all(*state, bad[i], &m),
			INKAN_ERR_SYNTAX);
		/* errors are sticky */
		assert_int_equal(inkan_msg_feed(m, "x", 1), INKAN_ERR_SYNTAX);
		assert_int_equal(inkan_msg_finish(m), INKAN_ERR_SYNTAX);
		inkan_msg_free(m);
	}
}

static void
test_cap_header_count(void **state)
{
	inkan_ctx *ctx = *state;
	inkan_msg *m = NULL;
	inkan_status st = INKAN_OK;
	int i;

	assert_int_equal(inkan_ctx_set_limit(ctx, INKAN_LIMIT_HEADER_FIELDS, 5),
		INKAN_OK);
	assert_int_equal(inkan_msg_new(ctx, &m), INKAN_OK);
	for (i = 0; i < 10 && st == INKAN_OK; i++)
		st = inkan_msg_feed(m, "X: y\r\n", 6);
	if (st == INKAN_OK)
		st = inkan_msg_finish(m);
	assert_int_equal(st, INKAN_ERR_HEADER_COUNT);
	assert_int_equal(inkan_msg_header_count(m), 5);
	inkan_msg_free(m);
	assert_int_equal(inkan_ctx_set_limit(ctx, INKAN_LIMIT_HEADER_FIELDS,
		1000), INKAN_OK);
}

static void
test_cap_line_length(void **state)
{
	inkan_ctx *ctx = *state;
	inkan_msg *m = NULL;
	char *line = malloc(5000);
	size_t i;

	assert_non_null(line);
	memcpy(line, "X: ", 3);
	for (i = 3; i < 4999; i++)
		line[i] = 'a';
	line[4999] = '\0';
	/* fed in small pieces with no LF yet: the cap holds before the LF */
	assert_int_equal(inkan_msg_new(ctx, &m), INKAN_OK);
	for (i = 0; i < 4999; i += 100) {
		inkan_status st = inkan_msg_feed(m, line + i,
			4999 - i < 100 ? 4999 - i : 100);
		if (st != INKAN_OK) {
			assert_int_equal(st, INKAN_ERR_LINE_LENGTH);
			break;
		}
	}
	assert_true(i < 4999);
	inkan_msg_free(m);
	/* exactly at the limit is fine, with CRLF or LF */
	line[4096] = '\0';
	assert_int_equal(inkan_msg_new(ctx, &m), INKAN_OK);
	assert_int_equal(inkan_msg_feed(m, line, 4096), INKAN_OK);
	assert_int_equal(inkan_msg_feed(m, "\r\n\r\n", 4), INKAN_OK);
	assert_int_equal(inkan_msg_header_count(m), 1);
	inkan_msg_free(m);
	free(line);
}

static void
test_cap_header_bytes(void **state)
{
	inkan_ctx *ctx = *state;
	inkan_msg *m = NULL;
	inkan_status st = INKAN_OK;
	int i;

	assert_int_equal(inkan_ctx_set_limit(ctx, INKAN_LIMIT_HEADER_BYTES, 100),
		INKAN_OK);
	assert_int_equal(inkan_msg_new(ctx, &m), INKAN_OK);
	/* folded continuation lines: one field growing past the cap */
	st = inkan_msg_feed(m, "X: a\r\n", 6);
	for (i = 0; i < 50 && st == INKAN_OK; i++)
		st = inkan_msg_feed(m, "\tcontinued\r\n", 12);
	assert_int_equal(st, INKAN_ERR_HEADER_SIZE);
	inkan_msg_free(m);
	assert_int_equal(inkan_ctx_set_limit(ctx, INKAN_LIMIT_HEADER_BYTES,
		1024 * 1024), INKAN_OK);
}

/* The body is not kept: a large body does not grow memory (checked by
 * feeding 64 MiB in chunks; under ASan a kept body would be obvious). */
static void
test_body_streams(void **state)
{
	inkan_msg *m = NULL;
	static char chunk[65536];
	int i;

	memset(chunk, 'x', sizeof(chunk));
	chunk[sizeof(chunk) - 1] = '\n';
	assert_int_equal(inkan_msg_new(*state, &m), INKAN_OK);
	assert_int_equal(inkan_msg_feed(m, "A: b\n\n", 6), INKAN_OK);
	for (i = 0; i < 1024; i++)
		assert_int_equal(inkan_msg_feed(m, chunk, sizeof(chunk)),
			INKAN_OK);
	assert_int_equal(inkan_msg_finish(m), INKAN_OK);
	/* each LF became CRLF */
	assert_int_equal(inkan_msg_body_length(m),
		(uint64_t)1024 * (sizeof(chunk) + 1));
	inkan_msg_free(m);
}

static inkan_status
refuse(void *ud, const char *data, size_t len)
{
	(void)ud;
	(void)data;
	(void)len;
	return INKAN_ERR_IO;
}

static void
test_sink_error_stops_feed(void **state)
{
	inkan_msg *m = NULL;

	assert_int_equal(inkan_msg_new(*state, &m), INKAN_OK);
	assert_int_equal(inkan_msg_add_body_sink(m, refuse, NULL), INKAN_OK);
	assert_int_equal(inkan_msg_feed(m, "A: b\n\nbody", 10), INKAN_ERR_IO);
	assert_int_equal(inkan_msg_finish(m), INKAN_ERR_IO);
	inkan_msg_free(m);
}

static void
test_milter_path(void **state)
{
	inkan_msg *m = NULL;
	struct body b = { NULL, 0 };

	assert_int_equal(inkan_msg_new(*state, &m), INKAN_OK);
	assert_int_equal(inkan_msg_add_body_sink(m, collect, &b), INKAN_OK);
	assert_int_equal(inkan_msg_add_header(m, "From", " Jane <j@example.com>"),
		INKAN_OK);
	assert_int_equal(inkan_msg_add_header(m, "Subject", " one\n\ttwo"),
		INKAN_OK);
	assert_int_equal(inkan_msg_add_header(m, "Bad Name", "x"),
		INKAN_ERR_SYNTAX);
	inkan_msg_free(m);

	assert_int_equal(inkan_msg_new(*state, &m), INKAN_OK);
	assert_int_equal(inkan_msg_add_body_sink(m, collect, &b), INKAN_OK);
	assert_int_equal(inkan_msg_add_header(m, "From", " Jane <j@example.com>"),
		INKAN_OK);
	assert_int_equal(inkan_msg_add_header(m, "Subject", " one\r\n\ttwo"),
		INKAN_OK);
	assert_int_equal(inkan_msg_add_body(m, "x", 1), INKAN_ERR_STATE);
	assert_int_equal(inkan_msg_end_headers(m), INKAN_OK);
	assert_int_equal(inkan_msg_add_header(m, "X", "y"), INKAN_ERR_STATE);
	assert_int_equal(inkan_msg_add_body(m, "hi\n", 3), INKAN_OK);
	assert_int_equal(inkan_msg_finish(m), INKAN_OK);
	assert_header(m, 0, "From: Jane <j@example.com>\r\n",
		"Jane <j@example.com>");
	assert_header(m, 1, "Subject: one\r\n\ttwo\r\n", "one\ttwo");
	assert_string_equal(b.data, "hi\r\n");
	inkan_msg_free(m);
	free(b.data);
}

static void
test_bad_arguments(void **state)
{
	inkan_msg *m = NULL;

	assert_int_equal(inkan_msg_new(NULL, &m), INKAN_ERR_INVALID);
	assert_int_equal(inkan_msg_new(*state, NULL), INKAN_ERR_INVALID);
	assert_int_equal(inkan_msg_new(*state, &m), INKAN_OK);
	assert_int_equal(inkan_msg_feed(m, NULL, 1), INKAN_ERR_INVALID);
	assert_int_equal(inkan_msg_feed(m, NULL, 0), INKAN_OK);
	assert_int_equal(inkan_msg_add_body_sink(m, NULL, NULL),
		INKAN_ERR_INVALID);
	assert_int_equal(inkan_msg_finish(m), INKAN_OK);
	assert_int_equal(inkan_msg_feed(m, "x", 1), INKAN_ERR_STATE);
	inkan_msg_free(m);
	inkan_msg_free(NULL);
	assert_null(inkan_header_raw(NULL, NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_whole_message),
		cmocka_unit_test(test_any_chunking),
		cmocka_unit_test(test_every_split_point),
		cmocka_unit_test(test_bare_lf_is_wire_form),
		cmocka_unit_test(test_body_line_endings),
		cmocka_unit_test(test_lookup_by_name),
		cmocka_unit_test(test_no_body_no_blank_line),
		cmocka_unit_test(test_space_before_colon),
		cmocka_unit_test(test_malformed_headers),
		cmocka_unit_test(test_cap_header_count),
		cmocka_unit_test(test_cap_line_length),
		cmocka_unit_test(test_cap_header_bytes),
		cmocka_unit_test(test_body_streams),
		cmocka_unit_test(test_sink_error_stops_feed),
		cmocka_unit_test(test_milter_path),
		cmocka_unit_test(test_bad_arguments),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
