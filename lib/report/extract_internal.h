/* SPDX-License-Identifier: MIT */
/* extract_internal.h - the pieces of inkan_report_extract(). */
#ifndef INKAN_REPORT_EXTRACT_INTERNAL_H
#define INKAN_REPORT_EXTRACT_INTERNAL_H

#include <inkan/report_intake.h>
#include "core/buf.h"

#define IK_ORIGIN_MAX 512

enum ik_sniff {
	SNIFF_UNKNOWN, SNIFF_GZIP, SNIFF_ZIP, SNIFF_XML, SNIFF_MBOX,
	SNIFF_MESSAGE
};

struct ik_extract {
	const inkan_ctx *ctx;
	const inkan_report_limits *lim;
	const inkan_report_extract_cb *cb;
	unsigned nitems;
	unsigned nerrors;
};

/* what @d looks like, from its first bytes */
enum ik_sniff ik_report_sniff(const unsigned char *d, size_t len);

void ik_extract_error(struct ik_extract *ex, const char *origin,
	inkan_status st, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* dispatch on content; @in_message: inside a message (no mbox there) */
inkan_status ik_extract_walk(struct ik_extract *ex, const unsigned char *d,
	size_t len, const char *origin, unsigned nesting, int in_message);

/* decompress.c: gzip into @out (bounded by out->max and the ratio);
 * errors are reported through ex with @origin */
inkan_status ik_gunzip(struct ik_extract *ex, const unsigned char *d,
	size_t len, ik_buf *out, const char *origin);
inkan_status ik_unzip_walk(struct ik_extract *ex, const unsigned char *d,
	size_t len, const char *origin, unsigned nesting, int in_message);

/* message.c */
inkan_status ik_message_walk(struct ik_extract *ex, const unsigned char *d,
	size_t len, const char *origin, unsigned nesting);
inkan_status ik_from_line_walk(struct ik_extract *ex,
	const unsigned char *d, size_t len, const char *origin,
	unsigned nesting);
/* 1 when the message is a failure report (multipart/report with a
 * feedback-report, or a message/feedback-report part) */
int ik_message_is_failure(const inkan_ctx *ctx, const char *m, size_t len);

#endif
