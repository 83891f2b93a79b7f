/* SPDX-License-Identifier: MIT */
/*
 * alloc.h - internal allocation through the context's allocator hook.
 *
 * Every allocation in libinkan goes through these so that an embedding
 * program's allocator (and the tests' failing allocator) sees all of it.
 * Sizes are checked for overflow; NULL means out of memory.
 */
#ifndef INKAN_CORE_ALLOC_H
#define INKAN_CORE_ALLOC_H

#include <stddef.h>
#include <inkan/ctx.h>

void *ik_malloc(const inkan_ctx *ctx, size_t size);
void *ik_calloc(const inkan_ctx *ctx, size_t count, size_t size);
void *ik_realloc(const inkan_ctx *ctx, void *ptr, size_t size);
/* realloc to count*size with overflow check */
void *ik_reallocarray(const inkan_ctx *ctx, void *ptr, size_t count,
	size_t size);
void ik_free(const inkan_ctx *ctx, void *ptr);
/* copy of @len bytes plus a NUL; caller frees with ik_free() */
char *ik_strndup(const inkan_ctx *ctx, const char *s, size_t len);
char *ik_strdup(const inkan_ctx *ctx, const char *s);

#endif
