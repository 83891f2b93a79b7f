/* SPDX-License-Identifier: MIT */
/*
 * decompress.c - bounded gzip (zlib) and zip (libarchive).
 *
 * Both stop as soon as the output would pass the size limit, or the ratio
 * of output to input passes lim->max_ratio once the output is over 1 MiB
 * (real reports compress 10-50:1; deflate bombs reach 1000:1 and nesting
 * multiplies that). Nothing of a refused stream is handed on.
 */
#include <stdio.h>
#include <string.h>

#include <zlib.h>
#include <archive.h>
#include <archive_entry.h>

#include "report/extract_internal.h"

#define RATIO_FLOOR (1u << 20)

static int
over_ratio(const struct ik_extract *ex, size_t out, size_t in)
{
	return out > RATIO_FLOOR && in > 0 && out / in >= ex->lim->max_ratio;
}

inkan_status
ik_gunzip(struct ik_extract *ex, const unsigned char *d, size_t len,
	ik_buf *out, const char *origin)
{
	z_stream z;
	unsigned char chunk[65536];
	int rc;
	inkan_status st = INKAN_OK;

	memset(&z, 0, sizeof(z));
	/* 16 + MAX_WBITS: gzip wrapper only (RFC 1952) */
	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
		return INKAN_ERR_NOMEM;
	z.next_in = (unsigned char *)d;
	z.avail_in = len > UINT32_MAX ? UINT32_MAX : (uInt)len;
	for (;;) {
		z.next_out = chunk;
		z.avail_out = sizeof(chunk);
		rc = inflate(&z, Z_NO_FLUSH);
		if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
			ik_extract_error(ex, origin, INKAN_ERR_SYNTAX, "not a "
				"valid gzip stream: %s", z.msg ? z.msg :
				"corrupt data");
			st = INKAN_ERR_SYNTAX;
			break;
		}
		size_t n = sizeof(chunk) - z.avail_out;
		if (out->len + n > out->max) {
			ik_extract_error(ex, origin, INKAN_ERR_LIMIT, "gzip "
				"expands past the limit of %zu bytes (a "
				"decompression bomb?)", out->max);
			st = INKAN_ERR_LIMIT;
			break;
		}
		if (n > 0 && (st = ik_buf_append(out, chunk, n)) != INKAN_OK)
			break;
		if (over_ratio(ex, out->len, len)) {
			ik_extract_error(ex, origin, INKAN_ERR_LIMIT, "gzip "
				"expands more than %u:1 (a decompression "
				"bomb?)", ex->lim->max_ratio);
			st = INKAN_ERR_LIMIT;
			break;
		}
		if (rc == Z_STREAM_END) {
			/* RFC 1952 2.2: members may follow; anything else
			 * after the stream (Mimecast adds a CRLF) is ignored */
			if (z.avail_in >= 2 && z.next_in[0] == 0x1f &&
			    z.next_in[1] == 0x8b) {
				inflateReset(&z);
				continue;
			}
			break;
		}
		if (rc == Z_BUF_ERROR || (z.avail_in == 0 && n == 0)) {
			ik_extract_error(ex, origin, INKAN_ERR_SYNTAX, "gzip "
				"stream is truncated");
			st = INKAN_ERR_SYNTAX;
			break;
		}
	}
	inflateEnd(&z);
	if (st != INKAN_OK)
		ik_buf_free(out);
	return st;
}

inkan_status
ik_unzip_walk(struct ik_extract *ex, const unsigned char *d, size_t len,
	const char *origin, unsigned nesting, int in_message)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	unsigned n = 0;
	size_t total = 0;
	inkan_status st = INKAN_OK;
	ik_buf out;
	char o[IK_ORIGIN_MAX];

	if (a == NULL)
		return INKAN_ERR_NOMEM;
	archive_read_support_format_zip(a);
	if (archive_read_open_memory(a, d, len) != ARCHIVE_OK) {
		ik_extract_error(ex, origin, INKAN_ERR_SYNTAX, "not a valid zip "
			"file: %s", archive_error_string(a));
		archive_read_free(a);
		return INKAN_OK;
	}
	ik_buf_init(&out, ex->ctx, ex->lim->max_xml);
	for (;;) {
		int rc = archive_read_next_header(a, &e);
		if (rc == ARCHIVE_EOF)
			break;
		if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) {
			ik_extract_error(ex, origin, INKAN_ERR_SYNTAX, "bad zip "
				"entry: %s", archive_error_string(a));
			break;
		}
		if (archive_entry_filetype(e) != AE_IFREG)
			continue;
		snprintf(o, sizeof(o), "%s: %s", origin,
			archive_entry_pathname(e) ? archive_entry_pathname(e) :
			"(entry)");
		if (++n > ex->lim->max_parts) {
			ik_extract_error(ex, origin, INKAN_ERR_LIMIT, "more than "
				"%u entries in the zip file", ex->lim->max_parts);
			break;
		}
		ik_buf_reset(&out);
		int bad = 0;
		for (;;) {
			unsigned char chunk[65536];
			la_ssize_t r = archive_read_data(a, chunk, sizeof(chunk));
			if (r == 0)
				break;
			if (r < 0) {
				ik_extract_error(ex, o, INKAN_ERR_SYNTAX, "cannot "
					"unzip: %s", archive_error_string(a));
				bad = 1;
				break;
			}
			total += (size_t)r;
			if (out.len + (size_t)r > out.max || total > out.max) {
				ik_extract_error(ex, o, INKAN_ERR_LIMIT, "zip "
					"expands past the limit of %zu bytes (a "
					"decompression bomb?)", out.max);
				bad = 1;
				break;
			}
			if (over_ratio(ex, total, len)) {
				ik_extract_error(ex, o, INKAN_ERR_LIMIT, "zip "
					"expands more than %u:1 (a decompression "
					"bomb?)", ex->lim->max_ratio);
				bad = 1;
				break;
			}
			if ((st = ik_buf_append(&out, chunk, (size_t)r)) !=
			    INKAN_OK)
				goto done;
		}
		if (bad)
			break;	/* the archive is suspect: none of the rest */
		st = ik_extract_walk(ex, (unsigned char *)out.data, out.len, o,
			nesting + 1, in_message);
		if (st != INKAN_OK)
			break;
	}
done:
	ik_buf_free(&out);
	archive_read_free(a);
	return st;
}
