/* SPDX-License-Identifier: MIT */
/*
 * file.h - reading a small file whole, with a bound (file.c): key files,
 * the domain state file, TSIG keys, DKIM key lists. The bound is the
 * caller's, so a wrong path (a log, a device) costs at most that much.
 */
#ifndef INKAN_CORE_FILE_H
#define INKAN_CORE_FILE_H

#include <stddef.h>

#include <inkan/ctx.h>

/* the contents are secret (keys): wiped before any buffer is freed */
#define IK_FILE_SECRET 0x1u

/*
 * Read @path, which may hold at most @max bytes. On INKAN_OK *out is the
 * caller's (NUL-terminated after *len bytes; free with ik_file_free()).
 * INKAN_ERR_NOT_FOUND: no such file; INKAN_ERR_IO: it cannot be read
 * (errno says why); INKAN_ERR_LIMIT: it holds more than @max bytes;
 * INKAN_ERR_NOMEM.
 */
inkan_status ik_file_read(const inkan_ctx *ctx, const char *path,
	size_t max, unsigned flags, char **out, size_t *len);

/* Free what ik_file_read() gave, wiping @len bytes first with
 * IK_FILE_SECRET. NULL is a no-op. */
void ik_file_free(const inkan_ctx *ctx, char *buf, size_t len,
	unsigned flags);

#endif
