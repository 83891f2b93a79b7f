/* SPDX-License-Identifier: MIT */
/*
 * fuzz_json_escape.c - the JSON and terminal escapers on any bytes: the
 * JSON literal must be valid UTF-8 with no raw control character and no
 * unescaped quote inside; the terminal text must have no control byte
 * other than tab and no invalid UTF-8.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <inkan/json.h>

#include "core/utf8.h"

struct out {
	unsigned char *buf;
	size_t len, cap;
};

static int
sink(void *arg, const char *s, size_t len)
{
	struct out *o = arg;

	if (o->len + len > o->cap)
		abort();	/* the escape is at most 6 bytes per byte */
	memcpy(o->buf + o->len, s, len);
	o->len += len;
	return 0;
}

/* every sequence valid, no control code point but those allowed */
static void
check_clean(const unsigned char *s, size_t len, int tab_ok)
{
	size_t i = 0, n;
	uint32_t cp;

	while (i < len) {
		n = ik_utf8_decode(s + i, len - i, &cp);
		if (n == 0)
			abort();
		if ((cp < 0x20 && !(tab_ok && cp == '\t')) || cp == 0x7f ||
		    (cp >= 0x80 && cp <= 0x9f))
			abort();
		i += n;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct out o;
	size_t i;

	o.cap = 6 * size + 2;
	o.len = 0;
	o.buf = malloc(o.cap);
	if (o.buf == NULL)
		return 0;
	if (inkan_json_escape((const char *)data, size, sink, &o) != INKAN_OK)
		abort();
	if (o.len < 2 || o.buf[0] != '"' || o.buf[o.len - 1] != '"')
		abort();
	check_clean(o.buf, o.len, 0);
	for (i = 1; i + 1 < o.len; i++) {
		if (o.buf[i] == '\\')
			i++;	/* the escaped character */
		else if (o.buf[i] == '"')
			abort();
	}
	if (i != o.len - 1)
		abort();	/* a lone backslash ate the closing quote */
	o.len = 0;
	if (inkan_text_escape((const char *)data, size, sink, &o) != INKAN_OK)
		abort();
	check_clean(o.buf, o.len, 1);
	free(o.buf);
	return 0;
}
