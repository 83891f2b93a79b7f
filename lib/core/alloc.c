/* SPDX-License-Identifier: MIT */
/* alloc.c - allocation through the context's hook (see alloc.h). */
#include <stdint.h>
#include <string.h>

#include "alloc.h"
#include "ctx_internal.h"

void *
ik_malloc(const inkan_ctx *ctx, size_t size)
{
	if (size == 0)
		size = 1;
	return ctx->allocator.alloc(ctx->allocator.ud, size);
}

void *
ik_calloc(const inkan_ctx *ctx, size_t count, size_t size)
{
	void *p;

	if (size != 0 && count > SIZE_MAX / size)
		return NULL;
	p = ik_malloc(ctx, count * size);
	if (p != NULL)
		memset(p, 0, count * size);
	return p;
}

void *
ik_realloc(const inkan_ctx *ctx, void *ptr, size_t size)
{
	if (size == 0)
		size = 1;
	return ctx->allocator.realloc(ctx->allocator.ud, ptr, size);
}

void *
ik_reallocarray(const inkan_ctx *ctx, void *ptr, size_t count, size_t size)
{
	if (size != 0 && count > SIZE_MAX / size)
		return NULL;
	return ik_realloc(ctx, ptr, count * size);
}

void
ik_free(const inkan_ctx *ctx, void *ptr)
{
	if (ptr != NULL)
		ctx->allocator.free(ctx->allocator.ud, ptr);
}

char *
ik_strndup(const inkan_ctx *ctx, const char *s, size_t len)
{
	char *p;

	if (len == SIZE_MAX)
		return NULL;
	p = ik_malloc(ctx, len + 1);
	if (p == NULL)
		return NULL;
	if (len > 0)
		memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *
ik_strdup(const inkan_ctx *ctx, const char *s)
{
	return ik_strndup(ctx, s, strlen(s));
}
