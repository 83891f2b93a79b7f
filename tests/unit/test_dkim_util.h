/* SPDX-License-Identifier: MIT */
/*
 * test_dkim_util.h - helpers shared by the DKIM unit test programs:
 * a context with a fixed clock, file reading, sign and verify a message
 * held in memory with in-memory keys, and message surgery.
 */
#ifndef TEST_DKIM_UTIL_H
#define TEST_DKIM_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include <inkan/dkim.h>
#include <inkan/keys.h>

#define DKIM_SUITE TEST_DATA_DIR "/../../../shared/testsuites/dkim"

/* what a test looks at in one result (strings copied) */
struct tu_res {
	inkan_dkim_verdict verdict;
	inkan_dkim_reason reason;
	int partial, dmarc_usable, testing, has_length;
	unsigned key_bits;
	char domain[128], selector[128], auid[128], b_prefix[9];
	char authres[512];
};

#define TU_MAX 16

struct tu_out {
	size_t n, skipped;
	struct tu_res r[TU_MAX];
};

/* fixed-clock context (*now is read on every call); free with
 * inkan_ctx_free */
inkan_ctx *tu_ctx(int64_t *now);

/* whole file, NUL-terminated, malloc'd; aborts the test on failure */
char *tu_read(const char *path, size_t *len);

/*
 * Verify @msg (@len bytes) fed in chunks of @chunk bytes (0: one piece),
 * keys from @keys ("qname record" lines) and/or @keyfile; returns the
 * status of eom and fills @out.
 */
inkan_status tu_verify(inkan_ctx *ctx, unsigned flags, const char *keys,
	const char *keyfile, const char *msg, size_t len, size_t chunk,
	struct tu_out *out);

/* Sign @msg with @n keys; returns the signed message (signatures on
 * top), malloc'd, or NULL with *st set. */
char *tu_sign(inkan_ctx *ctx, const char *msg, size_t len,
	const inkan_dkim_sign_key *keys, size_t n, inkan_status *st);

/* "qname record" line for @key under selector/domain, malloc'd */
char *tu_key_line(const inkan_key *key, const char *sel, const char *dom);

/* replace the first @from with @to in @s (malloc'd copy); NULL if absent */
char *tu_replace(const char *s, const char *from, const char *to);

/* concatenate two strings (malloc'd) */
char *tu_cat(const char *a, const char *b);

#endif
