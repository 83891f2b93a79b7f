/* SPDX-License-Identifier: MIT */
/* test_core.c - context, limits, statuses, bounded buffer, allocator hook. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

/* the umbrella header must compile on its own (C11, -Werror) */
#include <inkan/inkan.h>
#include "core/alloc.h"
#include "core/ascii.h"
#include "core/base64.h"
#include "core/buf.h"
#include "core/file.h"

#include "alloc_fail.h"

static void
test_defaults_follow_rfc(void **state)
{
	inkan_ctx *ctx = NULL;

	(void)state;
	assert_int_equal(inkan_ctx_new(NULL, &ctx), INKAN_OK);
	assert_int_equal(inkan_ctx_limit(ctx, INKAN_LIMIT_SPF_DNS_TERMS), 10);
	assert_int_equal(inkan_ctx_limit(ctx, INKAN_LIMIT_SPF_VOID_LOOKUPS), 2);
	assert_int_equal(inkan_ctx_limit(ctx, INKAN_LIMIT_DKIM_SIGNATURES), 10);
	assert_int_equal(inkan_ctx_set_limit(ctx, INKAN_LIMIT_SPF_DNS_TERMS, 0),
		INKAN_ERR_INVALID);
	assert_int_equal(inkan_ctx_set_limit(ctx, INKAN_LIMIT_SPF_DNS_TERMS, 30),
		INKAN_OK);
	assert_int_equal(inkan_ctx_limit(ctx, INKAN_LIMIT_SPF_DNS_TERMS), 30);
	assert_int_equal(inkan_ctx_limit(ctx, (inkan_limit)999), 0);
	inkan_ctx_free(ctx);
	inkan_ctx_free(NULL);
}

static int64_t
fixed_clock(void *ud)
{
	return *(int64_t *)ud;
}

static void
test_clock_hook(void **state)
{
	inkan_ctx *ctx = NULL;
	int64_t t = 1700000000;

	(void)state;
	assert_int_equal(inkan_ctx_new(NULL, &ctx), INKAN_OK);
	inkan_ctx_set_clock(ctx, fixed_clock, &t);
	assert_int_equal(inkan_ctx_now(ctx), 1700000000);
	inkan_ctx_set_clock(ctx, NULL, NULL);
	assert_true(inkan_ctx_now(ctx) > 1700000000);
	inkan_ctx_free(ctx);
}

static void
test_status_strings_and_classes(void **state)
{
	(void)state;
	assert_string_equal(inkan_strerror(INKAN_OK), "success");
	assert_string_equal(inkan_strerror((inkan_status)12345),
		"unknown status");
	assert_true(inkan_status_is_temporary(INKAN_ERR_DNS_TEMP));
	assert_true(inkan_status_is_temporary(INKAN_ERR_TIMEOUT));
	assert_false(inkan_status_is_temporary(INKAN_ERR_SYNTAX));
	assert_false(inkan_status_is_temporary(INKAN_ERR_HEADER_COUNT));
}

/* ---- the allocator hook (alloc_fail.h) ---- */

/* a growing buffer: every allocation goes through the context's hook */
static void
af_buf(inkan_ctx *ctx, void *arg, void *env, alloc_fail_outcome *out)
{
	ik_buf b;
	char *text = NULL;
	size_t len = 0;
	int i;

	(void)arg;
	(void)env;
	ik_buf_init(&b, ctx, 4096);
	out->status = INKAN_OK;
	for (i = 0; i < 200 && out->status == INKAN_OK; i++)
		out->status = ik_buf_printf(&b, "%d,", i);
	if (out->status == INKAN_OK)
		out->status = ik_buf_take(&b, &text, &len);
	ik_buf_free(&b);
	if (out->status != INKAN_OK)
		return;
	alloc_fail_verdict(out, "%zu bytes, ends %s", len, text + len - 8);
	ik_free(ctx, text);
}

/* the hook sees every allocation, a refusal comes back as NOMEM and
 * leaves nothing behind */
static void
test_allocator_hook_and_failure(void **state)
{
	alloc_fail_case c = {
		.name = "ik_buf", .run = af_buf,
		.expect_status = INKAN_OK, .expect = "690 bytes, ends 198,199,",
		.min_points = 2, .max_points = 1000,
	};

	(void)state;
	c.mode = ALLOC_FAIL_ONE;
	alloc_fail_each(&c);
	c.mode = ALLOC_FAIL_FROM;
	alloc_fail_each(&c);
}

static void
test_buf_is_bounded(void **state)
{
	inkan_ctx *ctx = NULL;
	ik_buf b;
	char *out = NULL;
	size_t len = 0;

	(void)state;
	assert_int_equal(inkan_ctx_new(NULL, &ctx), INKAN_OK);
	ik_buf_init(&b, ctx, 8);
	assert_string_equal(ik_buf_str(&b), "");
	assert_int_equal(ik_buf_puts(&b, "12345"), INKAN_OK);
	assert_int_equal(ik_buf_printf(&b, "%d", 678), INKAN_OK);
	assert_int_equal(ik_buf_putc(&b, '9'), INKAN_ERR_LIMIT);
	assert_string_equal(ik_buf_str(&b), "12345678");
	assert_int_equal(ik_buf_take(&b, &out, &len), INKAN_OK);
	assert_int_equal(len, 8);
	assert_string_equal(out, "12345678");
	ik_free(ctx, out);
	ik_buf_free(&b);
	inkan_ctx_free(ctx);
}

static void
test_ascii_helpers(void **state)
{
	char s[] = "MiXeD";

	(void)state;
	assert_true(ik_ascii_eqz("From", 4, "fROM"));
	assert_false(ik_ascii_eqz("From", 4, "Fro"));
	ik_ascii_lower(s, 5);
	assert_string_equal(s, "mixed");
	assert_false(ik_is_alpha(0xC3));
}

/* one decoder: FWS only where asked (DKIM), strict padding, counting */
static void
test_base64(void **state)
{
	unsigned char out[16];
	size_t n;

	(void)state;
	assert_int_equal(ik_b64_decode("aGVs bG8=", 9, IK_B64_FWS, out,
		sizeof(out), &n), INKAN_OK);
	assert_int_equal(n, 5);
	assert_memory_equal(out, "hello", 5);
	/* RFC 2047 4.1 has no whitespace inside an encoded-word */
	assert_int_equal(ik_b64_decode("aGVs bG8=", 9, 0, out, sizeof(out),
		&n), INKAN_ERR_SYNTAX);
	assert_int_equal(ik_b64_decode("aGVsbG8", 7, 0, out, sizeof(out),
		&n), INKAN_ERR_SYNTAX);
	assert_int_equal(ik_b64_decode("aG=sbG8=", 8, 0, out, sizeof(out),
		&n), INKAN_ERR_SYNTAX);
	assert_int_equal(ik_b64_decode("aGVsbG8=", 8, 0, out, 4, &n),
		INKAN_ERR_LIMIT);
	/* no output: check and count only */
	assert_int_equal(ik_b64_decode("aGVsbG8=", 8, 0, NULL, 0, &n),
		INKAN_OK);
	assert_int_equal(n, 5);
}

/* the one bounded reader: exactly full is fine, one byte more is not */
static void
test_file_read(void **state)
{
	char path[] = "/tmp/inkan-test-file-XXXXXX", *buf;
	size_t len;
	inkan_ctx *ctx;
	int fd;

	(void)state;
	assert_int_equal(inkan_ctx_new(NULL, &ctx), INKAN_OK);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "12345678", 8), 8);
	close(fd);
	assert_int_equal(ik_file_read(ctx, path, 8, IK_FILE_SECRET, &buf,
		&len), INKAN_OK);
	assert_int_equal(len, 8);
	assert_string_equal(buf, "12345678");
	ik_file_free(ctx, buf, len, IK_FILE_SECRET);
	assert_int_equal(ik_file_read(ctx, path, 7, 0, &buf, &len),
		INKAN_ERR_LIMIT);
	assert_null(buf);
	unlink(path);
	assert_int_equal(ik_file_read(ctx, path, 8, 0, &buf, &len),
		INKAN_ERR_NOT_FOUND);
	assert_int_equal(ik_file_read(ctx, "/", 8, 0, &buf, &len),
		INKAN_ERR_IO);
	inkan_ctx_free(ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_follow_rfc),
		cmocka_unit_test(test_clock_hook),
		cmocka_unit_test(test_status_strings_and_classes),
		cmocka_unit_test(test_allocator_hook_and_failure),
		cmocka_unit_test(test_buf_is_bounded),
		cmocka_unit_test(test_ascii_helpers),
		cmocka_unit_test(test_base64),
		cmocka_unit_test(test_file_read),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
