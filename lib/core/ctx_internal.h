/* SPDX-License-Identifier: MIT */
/* ctx_internal.h - the layout of inkan_ctx, for library code only. */
#ifndef INKAN_CORE_CTX_INTERNAL_H
#define INKAN_CORE_CTX_INTERNAL_H

#include <stdarg.h>
#include <inkan/ctx.h>

#define IK_LIMIT_SLOTS 32

struct inkan_ctx {
	inkan_allocator allocator;
	uint64_t limits[IK_LIMIT_SLOTS];
	inkan_log_fn log_fn;
	void *log_ud;
	inkan_log_level log_max;
	inkan_clock_fn clock_fn;
	void *clock_ud;
	/* borrowed: set by inkan_ctx_set_resolver(), freed by its owner */
	struct inkan_resolver *resolver;
};

/* printf-style log through the hook; cheap when no hook is installed */
void ik_log(const inkan_ctx *ctx, inkan_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* limit as size_t, saturating */
size_t ik_limit(const inkan_ctx *ctx, inkan_limit which);

#endif
