/* SPDX-License-Identifier: MIT */
/*
 * buf.h - a growable byte buffer with a hard maximum (after curl's dynbuf).
 *
 * Every buffer filled from untrusted input is created with the most it may
 * ever hold; going past it returns INKAN_ERR_LIMIT instead of growing. The
 * contents are always NUL-terminated (the NUL is not counted in len), so
 * text can be handed to C string functions, while binary data stays usable
 * through len.
 */
#ifndef INKAN_CORE_BUF_H
#define INKAN_CORE_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <inkan/ctx.h>

typedef struct ik_buf {
	const inkan_ctx *ctx;	/* borrowed */
	char *data;		/* owned; NULL until the first append */
	size_t len;
	size_t cap;
	size_t max;		/* most bytes it may hold, without the NUL */
} ik_buf;

void ik_buf_init(ik_buf *b, const inkan_ctx *ctx, size_t max);
/* free the data and reset to empty (keeps ctx and max) */
void ik_buf_free(ik_buf *b);
/* empty it but keep the memory */
void ik_buf_reset(ik_buf *b);
inkan_status ik_buf_append(ik_buf *b, const void *data, size_t len);
inkan_status ik_buf_putc(ik_buf *b, char c);
inkan_status ik_buf_puts(ik_buf *b, const char *s);
inkan_status ik_buf_printf(ik_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* hand the data (NUL-terminated, never NULL on OK) to the caller, who
 * frees it with ik_free(ctx, ...); the buffer is left empty */
inkan_status ik_buf_take(ik_buf *b, char **out, size_t *len);
/* the contents as a C string ("" when empty); borrowed until next change */
const char *ik_buf_str(const ik_buf *b);

#endif
