/* SPDX-License-Identifier: MIT */
/* buf.c - bounded growable buffer (see buf.h). */
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"

void
ik_buf_init(ik_buf *b, const inkan_ctx *ctx, size_t max)
{
	b->ctx = ctx;
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

void
ik_buf_free(ik_buf *b)
{
	ik_free(b->ctx, b->data);
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

void
ik_buf_reset(ik_buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

/* make room for @extra more bytes plus the NUL */
static inkan_status
reserve(ik_buf *b, size_t extra)
{
	size_t need, ncap;
	char *p;

	if (extra > b->max || b->len > b->max - extra)
		return INKAN_ERR_LIMIT;
	need = b->len + extra + 1;
	if (need <= b->cap)
		return INKAN_OK;
	ncap = b->cap ? b->cap : 64;
	while (ncap < need)
		ncap = ncap > (SIZE_MAX / 2) ? need : ncap * 2;
	if (ncap > b->max + 1)
		ncap = b->max + 1;
	p = ik_realloc(b->ctx, b->data, ncap);
	if (p == NULL)
		return INKAN_ERR_NOMEM;
	b->data = p;
	b->cap = ncap;
	return INKAN_OK;
}

inkan_status
ik_buf_append(ik_buf *b, const void *data, size_t len)
{
	inkan_status st = reserve(b, len);

	if (st != INKAN_OK)
		return st;
	if (len > 0)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return INKAN_OK;
}

inkan_status
ik_buf_putc(ik_buf *b, char c)
{
	return ik_buf_append(b, &c, 1);
}

inkan_status
ik_buf_puts(ik_buf *b, const char *s)
{
	return ik_buf_append(b, s, strlen(s));
}

inkan_status
ik_buf_printf(ik_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;
	inkan_status st;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return INKAN_ERR_INTERNAL;
	st = reserve(b, (size_t)n);
	if (st != INKAN_OK)
		return st;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return INKAN_OK;
}

inkan_status
ik_buf_take(ik_buf *b, char **out, size_t *len)
{
	inkan_status st = reserve(b, 0);

	if (st != INKAN_OK)
		return st;
	b->data[b->len] = '\0';
	*out = b->data;
	if (len != NULL)
		*len = b->len;
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	return INKAN_OK;
}

const char *
ik_buf_str(const ik_buf *b)
{
	return b->data != NULL ? b->data : "";
}
