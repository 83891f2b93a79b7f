/* SPDX-License-Identifier: MIT */
/*
 * inkan/ctx.h - the long-lived library context.
 *
 * An inkan_ctx holds configuration: limits (with RFC defaults), the clock,
 * the logger hook, the allocator hook and a borrowed resolver
 * (inkan_ctx_set_resolver() in inkan/dns.h). DKIM's key cache belongs to
 * each inkan_dkim handle, not to the context (inkan_dkim_set_cache_size()
 * in inkan/dkim.h). Set it up from one thread; afterwards it is shared
 * read-only by every thread and every per-message handle created from it.
 * Every handle created from a context borrows it: free the handles first.
 *
 * There is no global state in libinkan: two contexts never see each other.
 */
#ifndef INKAN_CTX_H
#define INKAN_CTX_H

#include <stddef.h>
#include <stdint.h>

#include <inkan/export.h>
#include <inkan/status.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct inkan_ctx inkan_ctx;

/* Allocator hook. All three must be set; @ud is passed back unchanged. */
typedef struct inkan_allocator {
	void *(*alloc)(void *ud, size_t size);
	void *(*realloc)(void *ud, void *ptr, size_t size);
	void (*free)(void *ud, void *ptr);
	void *ud;
} inkan_allocator;

typedef enum inkan_log_level {
	INKAN_LOG_ERROR = 0,
	INKAN_LOG_WARNING = 1,
	INKAN_LOG_INFO = 2,
	INKAN_LOG_DEBUG = 3
} inkan_log_level;

/* Logger hook; @message is borrowed for the duration of the call only. */
typedef void (*inkan_log_fn)(void *ud, inkan_log_level level,
	const char *message);

/* Wall clock in seconds since the epoch (DKIM t=/x=, report periods). */
typedef int64_t (*inkan_clock_fn)(void *ud);

/*
 * Limits on untrusted input and on protocol work. Append-only like
 * inkan_status. Defaults follow the RFCs where the RFCs give a number, and
 * generous operational values elsewhere; inkan_ctx_limit() reports them.
 */
typedef enum inkan_limit {
	/* header fields per message (default 1000) */
	INKAN_LIMIT_HEADER_FIELDS = 0,
	/* bytes in one physical header line, without CRLF (default 998,
	 * RFC 5322 2.1.1, plus slack: 4096) */
	INKAN_LIMIT_HEADER_LINE = 1,
	/* bytes in the whole header section (default 1 MiB) */
	INKAN_LIMIT_HEADER_BYTES = 2,
	/* addresses accepted in one address header (default 1000) */
	INKAN_LIMIT_ADDRESSES = 3,
	/* nesting depth of RFC 5322 comments (default 32) */
	INKAN_LIMIT_COMMENT_DEPTH = 4,
	/* resinfo entries read from one Authentication-Results (default 256) */
	INKAN_LIMIT_AUTHRES_RESINFOS = 5,
	/* SPF: DNS-querying terms per check_host() (RFC 7208 4.6.4: 10) */
	INKAN_LIMIT_SPF_DNS_TERMS = 6,
	/* SPF: void lookups (RFC 7208 4.6.4: 2) */
	INKAN_LIMIT_SPF_VOID_LOOKUPS = 7,
	/* SPF: address lookups per mx (RFC 7208 4.6.4: 10) */
	INKAN_LIMIT_SPF_MX_ADDRS = 8,
	/* SPF: PTR names used (RFC 7208 4.6.4: 10) */
	INKAN_LIMIT_SPF_PTR_NAMES = 9,
	/* SPF: overall time budget in milliseconds (RFC 7208 4.6.4: at least
	 * 20 s; default 20000) */
	INKAN_LIMIT_SPF_TIME_MS = 10,
	/* DKIM: signatures evaluated per message (default 10) */
	INKAN_LIMIT_DKIM_SIGNATURES = 11,
	/* DKIM: allowed clock skew in seconds for t=/x= (default 300) */
	INKAN_LIMIT_DKIM_CLOCK_SKEW = 12,
	/* DNS: per-query timeout in milliseconds (default 5000) */
	INKAN_LIMIT_DNS_TIMEOUT_MS = 13,
	/* DMARC: queries in the RFC 9989 4.10 tree walk (default 8) */
	INKAN_LIMIT_DMARC_TREE_WALK = 14,
	/* bytes in one message read from a mail folder (inkan/mailbox.h;
	 * default 64 MiB) */
	INKAN_LIMIT_MESSAGE_BYTES = 15
	/* append new limits here */
} inkan_limit;

/*
 * Create a context with default limits, the system clock, no logger and
 * the C library allocator (@allocator NULL) or the given one (copied).
 * On success *out is owned by the caller: free with inkan_ctx_free().
 */
INKAN_API inkan_status inkan_ctx_new(const inkan_allocator *allocator,
	inkan_ctx **out);

/* Free @ctx and what it owns. NULL is a no-op. */
INKAN_API void inkan_ctx_free(inkan_ctx *ctx);

/* Set a limit; 0 is refused with INKAN_ERR_INVALID (use a large value). */
INKAN_API inkan_status inkan_ctx_set_limit(inkan_ctx *ctx, inkan_limit which,
	uint64_t value);

/* Current value of a limit; 0 for an unknown @which. */
INKAN_API uint64_t inkan_ctx_limit(const inkan_ctx *ctx, inkan_limit which);

/* Install a logger (NULL to disable) with its user data. */
INKAN_API void inkan_ctx_set_logger(inkan_ctx *ctx, inkan_log_fn fn,
	void *ud, inkan_log_level max_level);

/* Install a wall clock (NULL restores time(NULL)); tests fix time here. */
INKAN_API void inkan_ctx_set_clock(inkan_ctx *ctx, inkan_clock_fn fn,
	void *ud);

/* The context's current wall-clock time in seconds. */
INKAN_API int64_t inkan_ctx_now(const inkan_ctx *ctx);

/*
 * Free memory that a libinkan function handed to the caller saying "free
 * it with inkan_free()" (built header fields, rendered text). It goes back
 * through @ctx's allocator, so pass the context the function was given.
 * NULL @p is a no-op.
 */
INKAN_API void inkan_free(const inkan_ctx *ctx, void *p);

/* Library version as "MAJOR.MINOR.PATCH"; static string. */
INKAN_API const char *inkan_version(void);

#ifdef __cplusplus
}
#endif
#endif
