/* SPDX-License-Identifier: MIT */
/*
 * ctx.c - the library context: limits, clock, logger, allocator.
 * Threading: set up from one thread, then read-only (see inkan/ctx.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alloc.h"
#include "ctx_internal.h"

static void *
libc_alloc(void *ud, size_t size)
{
	(void)ud;
	return malloc(size);
}

static void *
libc_realloc(void *ud, void *ptr, size_t size)
{
	(void)ud;
	return realloc(ptr, size);
}

static void
libc_free(void *ud, void *ptr)
{
	(void)ud;
	free(ptr);
}

static const inkan_allocator libc_allocator = {
	libc_alloc, libc_realloc, libc_free, NULL
};

static void
set_default_limits(uint64_t *l)
{
	l[INKAN_LIMIT_HEADER_FIELDS] = 1000;
	/* RFC 5322 2.1.1 says 998; real mail breaks it, so allow slack */
	l[INKAN_LIMIT_HEADER_LINE] = 4096;
	l[INKAN_LIMIT_HEADER_BYTES] = 1024 * 1024;
	l[INKAN_LIMIT_ADDRESSES] = 1000;
	l[INKAN_LIMIT_COMMENT_DEPTH] = 32;
	l[INKAN_LIMIT_AUTHRES_RESINFOS] = 256;
	l[INKAN_LIMIT_SPF_DNS_TERMS] = 10;	/* RFC 7208 4.6.4 */
	l[INKAN_LIMIT_SPF_VOID_LOOKUPS] = 2;	/* RFC 7208 4.6.4 */
	l[INKAN_LIMIT_SPF_MX_ADDRS] = 10;	/* RFC 7208 4.6.4 */
	l[INKAN_LIMIT_SPF_PTR_NAMES] = 10;	/* RFC 7208 4.6.4 */
	l[INKAN_LIMIT_SPF_TIME_MS] = 20000;	/* RFC 7208 4.6.4 */
	l[INKAN_LIMIT_DKIM_SIGNATURES] = 10;
	l[INKAN_LIMIT_DKIM_CLOCK_SKEW] = 300;
	l[INKAN_LIMIT_DNS_TIMEOUT_MS] = 5000;
	l[INKAN_LIMIT_DMARC_TREE_WALK] = 8;	/* RFC 9989 4.10 */
	/* larger than any MTA's usual message size limit */
	l[INKAN_LIMIT_MESSAGE_BYTES] = 64 * 1024 * 1024;
}

INKAN_API inkan_status
inkan_ctx_new(const inkan_allocator *allocator, inkan_ctx **out)
{
	inkan_ctx *ctx;
	const inkan_allocator *a = allocator ? allocator : &libc_allocator;

	if (out == NULL)
		return INKAN_ERR_INVALID;
	*out = NULL;
	if (a->alloc == NULL || a->realloc == NULL || a->free == NULL)
		return INKAN_ERR_INVALID;
	ctx = a->alloc(a->ud, sizeof(*ctx));
	if (ctx == NULL)
		return INKAN_ERR_NOMEM;
	memset(ctx, 0, sizeof(*ctx));
	ctx->allocator = *a;
	set_default_limits(ctx->limits);
	ctx->log_max = INKAN_LOG_WARNING;
	*out = ctx;
	return INKAN_OK;
}

INKAN_API void
inkan_ctx_free(inkan_ctx *ctx)
{
	if (ctx == NULL)
		return;
	ctx->allocator.free(ctx->allocator.ud, ctx);
}

INKAN_API inkan_status
inkan_ctx_set_limit(inkan_ctx *ctx, inkan_limit which, uint64_t value)
{
	if (ctx == NULL || (unsigned)which >= IK_LIMIT_SLOTS ||
	    ctx->limits[which] == 0 || value == 0)
		return INKAN_ERR_INVALID;
	ctx->limits[which] = value;
	return INKAN_OK;
}

INKAN_API uint64_t
inkan_ctx_limit(const inkan_ctx *ctx, inkan_limit which)
{
	if (ctx == NULL || (unsigned)which >= IK_LIMIT_SLOTS)
		return 0;
	return ctx->limits[which];
}

size_t
ik_limit(const inkan_ctx *ctx, inkan_limit which)
{
	uint64_t v = inkan_ctx_limit(ctx, which);

	return v > SIZE_MAX ? SIZE_MAX : (size_t)v;
}

INKAN_API void
inkan_ctx_set_logger(inkan_ctx *ctx, inkan_log_fn fn, void *ud,
	inkan_log_level max_level)
{
	if (ctx == NULL)
		return;
	ctx->log_fn = fn;
	ctx->log_ud = ud;
	ctx->log_max = max_level;
}

void
ik_log(const inkan_ctx *ctx, inkan_log_level level, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	if (ctx == NULL || ctx->log_fn == NULL || level > ctx->log_max)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	ctx->log_fn(ctx->log_ud, level, line);
}

INKAN_API void
inkan_ctx_set_clock(inkan_ctx *ctx, inkan_clock_fn fn, void *ud)
{
	if (ctx == NULL)
		return;
	ctx->clock_fn = fn;
	ctx->clock_ud = ud;
}

INKAN_API int64_t
inkan_ctx_now(const inkan_ctx *ctx)
{
	if (ctx != NULL && ctx->clock_fn != NULL)
		return ctx->clock_fn(ctx->clock_ud);
	return (int64_t)time(NULL);
}

INKAN_API void
inkan_free(const inkan_ctx *ctx, void *p)
{
	/* a NULL context cannot say which allocator made @p: leak rather
	 * than hand it to the wrong free() */
	if (ctx == NULL || p == NULL)
		return;
	ik_free(ctx, p);
}
