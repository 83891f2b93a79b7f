/* SPDX-License-Identifier: MIT */
/*
 * test_json.c - the JSON emitter and the escapers (inkan/json.h): valid
 * JSON whatever the bytes, U+FFFD for each invalid one, control
 * characters escaped, nesting checked, errors sticky, text for terminals.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <inkan/inkan.h>

struct out {
	char buf[4096];
	size_t len;
	int refuse;
};

static int
sink(void *arg, const char *s, size_t len)
{
	struct out *o = arg;

	if (o->refuse || o->len + len >= sizeof(o->buf))
		return -1;
	memcpy(o->buf + o->len, s, len);
	o->len += len;
	o->buf[o->len] = '\0';
	return 0;
}

static const char *
esc(struct out *o, const char *s, size_t len)
{
	memset(o, 0, sizeof(*o));
	assert_int_equal(inkan_json_escape(s, len, sink, o), INKAN_OK);
	return o->buf;
}

static const char *
text(struct out *o, const char *s, size_t len)
{
	memset(o, 0, sizeof(*o));
	assert_int_equal(inkan_text_escape(s, len, sink, o), INKAN_OK);
	return o->buf;
}

static void
test_escape_utf8(void **state)
{
	struct out o;

	(void)state;
	assert_string_equal(esc(&o, "plain", 5), "\"plain\"");
	assert_string_equal(esc(&o, "a\"b\\c", 5), "\"a\\\"b\\\\c\"");
	assert_string_equal(esc(&o, "\n\r\t\b\f", 5), "\"\\n\\r\\t\\b\\f\"");
	assert_string_equal(esc(&o, "\x1b[2J\x7f", 5),
		"\"\\u001b[2J\\u007f\"");
	/* NUL is data, not the end */
	assert_string_equal(esc(&o, "a\0b", 3), "\"a\\u0000b\"");
	/* valid UTF-8 passes: é, €, U+1F600 */
	assert_string_equal(esc(&o, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
		14), "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
	/* Latin-1 é (0xE9) and DNS \233 (0x9B) are not UTF-8 */
	assert_string_equal(esc(&o, "caf\xe9", 4), "\"caf\\ufffd\"");
	assert_string_equal(esc(&o, "caf\x9b", 4), "\"caf\\ufffd\"");
	/* one U+FFFD per invalid byte: overlong, surrogate, > U+10FFFF,
	 * truncated */
	assert_string_equal(esc(&o, "\xc0\xaf", 2), "\"\\ufffd\\ufffd\"");
	assert_string_equal(esc(&o, "\xed\xa0\x80", 3),
		"\"\\ufffd\\ufffd\\ufffd\"");
	assert_string_equal(esc(&o, "\xf4\x90\x80\x80", 4),
		"\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
	assert_string_equal(esc(&o, "x\xe2\x82", 3), "\"x\\ufffd\\ufffd\"");
	/* C1 controls and the JavaScript line separators are escaped */
	assert_string_equal(esc(&o, "\xc2\x85\xe2\x80\xa8", 5),
		"\"\\u0085\\u2028\"");
	/* the writer refusing output is an I/O error */
	memset(&o, 0, sizeof(o));
	o.refuse = 1;
	assert_int_equal(inkan_json_escape("x", 1, sink, &o), INKAN_ERR_IO);
	assert_int_equal(inkan_json_escape(NULL, 1, sink, &o),
		INKAN_ERR_INVALID);
}

static void
test_text_escape(void **state)
{
	struct out o;

	(void)state;
	assert_string_equal(text(&o, "caf\xc3\xa9\tok", 8),
		"caf\xc3\xa9\tok");
	assert_string_equal(text(&o, "\x1b]0;owned\x07", 10),
		"\\x1B]0;owned\\x07");
	assert_string_equal(text(&o, "a\r\nb", 4), "a\\r\\nb");
	assert_string_equal(text(&o, "caf\xe9", 4), "caf\\xE9");
	assert_string_equal(text(&o, "\xc2\x9b", 2), "\\xC2\\x9B");
}

static void
test_emitter(void **state)
{
	inkan_ctx *ctx = NULL;
	inkan_json *j = NULL;
	struct out o;

	(void)state;
	memset(&o, 0, sizeof(o));
	assert_int_equal(inkan_ctx_new(NULL, &ctx), INKAN_OK);
	assert_int_equal(inkan_json_new(ctx, sink, &o, &j), INKAN_OK);
	inkan_json_object_begin(j);
	inkan_json_member_cstr(j, "s", "caf\xe9");
	inkan_json_member_int(j, "n", -5);
	inkan_json_key(j, "a");
	inkan_json_array_begin(j);
	inkan_json_uint(j, 18446744073709551615ULL);
	inkan_json_bool(j, 1);
	inkan_json_null(j);
	inkan_json_cstr(j, NULL);
	inkan_json_string(j, "a\0b", 3);
	inkan_json_array_end(j);
	inkan_json_key(j, "e");
	inkan_json_object_begin(j);
	inkan_json_object_end(j);
	inkan_json_object_end(j);
	assert_int_equal(inkan_json_finish(j), INKAN_OK);
	assert_string_equal(o.buf, "{\"s\":\"caf\\ufffd\",\"n\":-5,\"a\":"
		"[18446744073709551615,true,null,null,\"a\\u0000b\"],"
		"\"e\":{}}\n");
	/* JSON Lines: the next document after the newline */
	o.len = 0;
	assert_int_equal(inkan_json_array_begin(j), INKAN_OK);
	assert_int_equal(inkan_json_array_end(j), INKAN_OK);
	assert_int_equal(inkan_json_finish(j), INKAN_OK);
	assert_string_equal(o.buf, "[]\n");
	/* misuse is refused, and the error sticks until finish */
	inkan_json_object_begin(j);
	assert_int_equal(inkan_json_cstr(j, "no key"), INKAN_ERR_INVALID);
	assert_int_equal(inkan_json_key(j, "k"), INKAN_ERR_INVALID);
	assert_int_equal(inkan_json_finish(j), INKAN_ERR_INVALID);
	inkan_json_array_begin(j);
	assert_int_equal(inkan_json_object_end(j), INKAN_ERR_INVALID);
	assert_int_equal(inkan_json_finish(j), INKAN_ERR_INVALID);
	assert_int_equal(inkan_json_null(j), INKAN_OK);
	assert_int_equal(inkan_json_null(j), INKAN_ERR_INVALID);
	assert_int_equal(inkan_json_finish(j), INKAN_ERR_INVALID);
	/* unclosed containers are an error at the end */
	inkan_json_array_begin(j);
	assert_int_equal(inkan_json_finish(j), INKAN_ERR_INVALID);
	/* deep nesting grows the stack */
	{
		int i;

		o.len = 0;
		for (i = 0; i < 1000; i++)
			assert_int_equal(inkan_json_array_begin(j), INKAN_OK);
		for (i = 0; i < 1000; i++)
			assert_int_equal(inkan_json_array_end(j), INKAN_OK);
		assert_int_equal(inkan_json_finish(j), INKAN_OK);
		assert_int_equal(o.len, 2001);
	}
	inkan_json_free(j);
	inkan_json_free(NULL);
	assert_int_equal(inkan_json_new(ctx, NULL, &o, &j), INKAN_ERR_INVALID);
	assert_null(j);
	inkan_ctx_free(ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape_utf8),
		cmocka_unit_test(test_text_escape),
		cmocka_unit_test(test_emitter),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
