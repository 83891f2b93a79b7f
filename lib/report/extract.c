/* SPDX-License-Identifier: MIT */
/*
 * extract.c - find the reports in an input of unknown kind.
 *
 * The kind is taken from the bytes, never from a file name or a declared
 * Content-Type: reporters mislabel (Mimecast's "gzip"), and zip files come
 * as application/octet-stream. Nesting (mbox -> message -> message/rfc822
 * -> zip -> gzip) is bounded, and so is every decompression, both in
 * absolute size and in ratio, so a bomb is refused before it is expanded.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "report/extract_internal.h"
#include "report/mime.h"
#include "core/ascii.h"

enum ik_sniff
ik_report_sniff(const unsigned char *d, size_t len)
{
	size_t i = 0;

	if (len >= 2 && d[0] == 0x1f && d[1] == 0x8b)
		return SNIFF_GZIP;
	if (len >= 4 && d[0] == 'P' && d[1] == 'K' &&
	    ((d[2] == 3 && d[3] == 4) || (d[2] == 5 && d[3] == 6)))
		return SNIFF_ZIP;
	if (len >= 5 && memcmp(d, "From ", 5) == 0)
		return SNIFF_MBOX;
	if (len >= 3 && d[0] == 0xEF && d[1] == 0xBB && d[2] == 0xBF)
		i = 3;
	while (i < len && (d[i] == ' ' || d[i] == '\t' || d[i] == '\r' ||
	    d[i] == '\n'))
		i++;
	if (i < len && d[i] == '<')
		return SNIFF_XML;
	/* RFC 5322 2.2: a header field name is printable ASCII but ':' */
	i = 0;
	while (i < len && i < 80 && d[i] > 32 && d[i] < 127 && d[i] != ':')
		i++;
	if (i > 0 && i < len && d[i] == ':')
		return SNIFF_MESSAGE;
	return SNIFF_UNKNOWN;
}

void
ik_extract_error(struct ik_extract *ex, const char *origin, inkan_status st,
	const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	ex->nerrors++;
	if (ex->cb->error == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ex->cb->error(ex->cb->arg, origin, st, msg);
}

static inkan_status
emit(struct ik_extract *ex, inkan_report_kind kind, const char *origin,
	const unsigned char *data, size_t len, const unsigned char *raw,
	size_t raw_len, int raw_gz)
{
	inkan_report_item it;

	ex->nitems++;
	if (ex->cb->item == NULL)
		return INKAN_OK;
	it.kind = kind;
	it.origin = origin;
	it.data = data;
	it.len = len;
	it.raw = raw;
	it.raw_len = raw_len;
	it.raw_is_gzip = raw_gz;
	return ex->cb->item(ex->cb->arg, &it);
}

inkan_status
ik_extract_walk(struct ik_extract *ex, const unsigned char *d, size_t len,
	const char *origin, unsigned nesting, int in_message)
{
	ik_buf out;
	inkan_status st;

	if (nesting > ex->lim->max_nesting) {
		ik_extract_error(ex, origin, INKAN_ERR_LIMIT, "nested more "
			"than %u levels deep", ex->lim->max_nesting);
		return INKAN_OK;
	}
	switch (ik_report_sniff(d, len)) {
	case SNIFF_GZIP: {
		char o[IK_ORIGIN_MAX];
		ik_buf_init(&out, ex->ctx, ex->lim->max_xml);
		st = ik_gunzip(ex, d, len, &out, origin);
		if (st == INKAN_OK) {
			snprintf(o, sizeof(o), "%s (gzip)", origin);
			if (ik_report_sniff((unsigned char *)out.data, out.len)
			    == SNIFF_XML)
				st = emit(ex, INKAN_REPORT_AGGREGATE, o,
					(unsigned char *)out.data, out.len, d,
					len, 1);
			else
				st = ik_extract_walk(ex,
					(unsigned char *)out.data, out.len, o,
					nesting + 1, in_message);
		} else {
			st = INKAN_OK;	/* reported; go on with the rest */
		}
		ik_buf_free(&out);
		return st;
	}
	case SNIFF_ZIP:
		return ik_unzip_walk(ex, d, len, origin, nesting, in_message);
	case SNIFF_XML:
		return emit(ex, INKAN_REPORT_AGGREGATE, origin, d, len, d, len,
			0);
	case SNIFF_MBOX:
		if (!in_message)
			return ik_from_line_walk(ex, d, len, origin, nesting);
		return INKAN_OK;
	case SNIFF_MESSAGE:
		return ik_message_walk(ex, d, len, origin, nesting);
	default:
		return INKAN_OK;
	}
}

inkan_status
inkan_report_extract(const inkan_ctx *ctx, const void *data, size_t len,
	const char *origin, const inkan_report_limits *lim,
	const inkan_report_extract_cb *cb)
{
	struct ik_extract ex;
	inkan_report_limits deflim;
	inkan_status st;

	if (lim == NULL) {
		inkan_report_limits_default(&deflim);
		lim = &deflim;
	}
	memset(&ex, 0, sizeof(ex));
	ex.ctx = ctx;
	ex.lim = lim;
	ex.cb = cb;
	if (origin == NULL)
		origin = "input";
	if (len > lim->max_input) {
		ik_extract_error(&ex, origin, INKAN_ERR_LIMIT, "input is %zu "
			"bytes, over the limit of %zu", len, lim->max_input);
		return INKAN_OK;
	}
	st = ik_extract_walk(&ex, data, len, origin, 0, 0);
	if (st != INKAN_OK)
		return st;
	if (ex.nitems == 0 && ex.nerrors == 0)
		return INKAN_ERR_NOT_FOUND;
	return INKAN_OK;
}
