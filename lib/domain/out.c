/* SPDX-License-Identifier: MIT */
/*
 * out.c - text output for the renderers: a bounded buffer whose first
 * failure sticks, TXT character-strings and JSON strings.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "domain/domain_internal.h"

/* RFC 1035 3.3.14: a <character-string> holds at most 255 bytes */
#define TXT_STRING_MAX 255

void
ik_dout_init(ik_dout *o, const inkan_ctx *ctx, size_t max)
{
	ik_buf_init(&o->b, ctx, max);
	o->st = INKAN_OK;
}

void
ik_dout_append(ik_dout *o, const char *s, size_t len)
{
	if (o->st == INKAN_OK)
		o->st = ik_buf_append(&o->b, s, len);
}

void
ik_dout_puts(ik_dout *o, const char *s)
{
	ik_dout_append(o, s, strlen(s));
}

void
ik_dout_printf(ik_dout *o, const char *fmt, ...)
{
	char small[512];
	va_list ap;
	int n;

	if (o->st != INKAN_OK)
		return;
	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0) {
		o->st = INKAN_ERR_INTERNAL;
	} else if ((size_t)n < sizeof(small)) {
		ik_dout_append(o, small, (size_t)n);
	} else {
		/* long lines (keys) go through the buffer's own printf */
		va_start(ap, fmt);
		{
			char *big = ik_malloc(o->b.ctx, (size_t)n + 1);

			if (big == NULL) {
				o->st = INKAN_ERR_NOMEM;
			} else {
				vsnprintf(big, (size_t)n + 1, fmt, ap);
				ik_dout_append(o, big, (size_t)n);
				ik_free(o->b.ctx, big);
			}
		}
		va_end(ap);
	}
}

inkan_status
ik_dout_take(ik_dout *o, char **out)
{
	size_t len;

	*out = NULL;
	if (o->st == INKAN_OK)
		o->st = ik_buf_take(&o->b, out, &len);
	ik_buf_free(&o->b);
	return o->st;
}

static void
txt_strings(ik_dout *o, const char *text, size_t len, const char *sep,
	int octal)
{
	size_t i, n, j;
	char esc[8];

	if (len == 0) {
		ik_dout_puts(o, "\"\"");
		return;
	}
	for (i = 0; i < len; i += n) {
		n = len - i < TXT_STRING_MAX ? len - i : TXT_STRING_MAX;
		if (i > 0)
			ik_dout_puts(o, sep);
		ik_dout_puts(o, "\"");
		for (j = i; j < i + n; j++) {
			unsigned char c = (unsigned char)text[j];

			if (c == '"' || c == '\\') {
				esc[0] = '\\';
				esc[1] = (char)c;
				ik_dout_append(o, esc, 2);
			} else if (c < ' ' || c >= 0x7f) {
				/* RFC 1035 5.1 \DDD is decimal; Route 53
				 * wants \ooo octal */
				snprintf(esc, sizeof(esc), octal ? "\\%03o" :
					"\\%03u", c);
				ik_dout_puts(o, esc);
			} else {
				ik_dout_append(o, (const char *)&text[j], 1);
			}
		}
		ik_dout_puts(o, "\"");
	}
}

void
ik_domain_txt_append(ik_dout *o, const char *text, size_t len,
	const char *sep)
{
	txt_strings(o, text, len, sep, 0);
}

void
ik_domain_txt_append_r53(ik_dout *o, const char *text, size_t len)
{
	txt_strings(o, text, len, " ", 1);
}

INKAN_API inkan_status
inkan_domain_txt_quote(inkan_ctx *ctx, const char *text, size_t len,
	char **out)
{
	ik_dout o;

	if (out == NULL)
		return INKAN_ERR_INVALID;
	*out = NULL;
	if (ctx == NULL || (text == NULL && len > 0))
		return INKAN_ERR_INVALID;
	ik_dout_init(&o, ctx, 4 * len + 2 * (len / TXT_STRING_MAX + 1) + 64);
	ik_domain_txt_append(&o, text ? text : "", len, " ");
	return ik_dout_take(&o, out);
}
