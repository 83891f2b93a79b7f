/* SPDX-License-Identifier: MIT */
/*
 * gzip.c - RFC 1952 compression of a report (RFC 9990 3.5.2: the XML
 * "SHOULD be subjected to GZIP compression").
 *
 * zlib's gzip wrapper writes no file name and a zero modification time,
 * so the same XML always gives the same bytes: a resent report is
 * byte-identical to the first copy.
 */
#include <zlib.h>

#include "core/alloc.h"
#include "report/report_internal.h"

inkan_status
ik_report_gzip(const inkan_ctx *ctx, const void *in, size_t len,
	unsigned char **out, size_t *outlen)
{
	z_stream z = { 0 };
	*out = NULL;
	*outlen = 0;
	if (len > (size_t)UINT32_MAX / 2)
		return INKAN_ERR_LIMIT;
	/* 15 + 16: a gzip header and trailer instead of zlib's */
	if (deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
	    Z_OK)
		return INKAN_ERR_NOMEM;
	uLong cap = deflateBound(&z, (uLong)len);
	unsigned char *buf = ik_malloc(ctx, cap);
	if (!buf) {
		deflateEnd(&z);
		return INKAN_ERR_NOMEM;
	}
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)len;
	z.next_out = buf;
	z.avail_out = (uInt)cap;
	int rc = deflate(&z, Z_FINISH);
	size_t n = z.total_out;
	deflateEnd(&z);
	if (rc != Z_STREAM_END) {
		ik_free(ctx, buf);
		return INKAN_ERR_INTERNAL;
	}
	*out = buf;
	*outlen = n;
	return INKAN_OK;
}
