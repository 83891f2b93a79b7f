/* SPDX-License-Identifier: MIT */
/*
 * inkan/status.h - the one status enum of libinkan.
 *
 * A status says whether a *call* worked. Protocol verdicts (SPF pass, DKIM
 * fail, ...) are separate enums in the result structs of each module.
 *
 * Rules (kept for the life of the ABI, as curl keeps CURLcode):
 *  - values are append-only; a value is never renumbered or removed, a
 *    retired one stays as INKAN_ERR_OBSOLETE_n;
 *  - each value says whether the caller should retry later (temporary) or
 *    give up (permanent); inkan_status_is_temporary() encodes that table.
 */
#ifndef INKAN_STATUS_H
#define INKAN_STATUS_H

#include <inkan/export.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum inkan_status {
	INKAN_OK = 0,
	/* temporary: memory ran out or an allocator hook said no */
	INKAN_ERR_NOMEM = 1,
	/* permanent: the caller passed a bad argument (NULL, bad enum) */
	INKAN_ERR_INVALID = 2,
	/* permanent: a call came out of order (e.g. header after end of headers) */
	INKAN_ERR_STATE = 3,
	/* permanent: untrusted input is malformed */
	INKAN_ERR_SYNTAX = 4,
	/* permanent: input went over a configured limit (see inkan_limit) */
	INKAN_ERR_LIMIT = 5,
	/* permanent: more header fields than INKAN_LIMIT_HEADER_FIELDS */
	INKAN_ERR_HEADER_COUNT = 6,
	/* permanent: a header line longer than INKAN_LIMIT_HEADER_LINE */
	INKAN_ERR_LINE_LENGTH = 7,
	/* permanent: header section larger than INKAN_LIMIT_HEADER_BYTES */
	INKAN_ERR_HEADER_SIZE = 8,
	/* permanent: the thing asked for does not exist */
	INKAN_ERR_NOT_FOUND = 9,
	/* temporary: reading or writing a file or socket failed */
	INKAN_ERR_IO = 10,
	/* temporary: DNS gave SERVFAIL/REFUSED or could not be reached */
	INKAN_ERR_DNS_TEMP = 11,
	/* temporary: a DNS query or a time budget ran out */
	INKAN_ERR_TIMEOUT = 12,
	/* permanent: a key or signature could not be used by the crypto layer */
	INKAN_ERR_CRYPTO = 13,
	/* permanent: a valid but unsupported feature or algorithm */
	INKAN_ERR_UNSUPPORTED = 14,
	/* permanent: a bug in libinkan; please report it */
	INKAN_ERR_INTERNAL = 15,
	/* permanent: a configuration value or file is wrong */
	INKAN_ERR_CONFIG = 16
	/* append new values here, never in between */
} inkan_status;

/*
 * A short English description of @status. Never NULL; unknown values give
 * "unknown status". The string is static: do not free it.
 */
INKAN_API const char *inkan_strerror(inkan_status status);

/*
 * 1 when retrying the same operation later may succeed (NOMEM, IO,
 * DNS_TEMP, TIMEOUT), 0 when it is permanent.
 */
INKAN_API int inkan_status_is_temporary(inkan_status status);

#ifdef __cplusplus
}
#endif
#endif
