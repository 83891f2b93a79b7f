/* SPDX-License-Identifier: MIT */
/*
 * mime.h - just enough MIME (RFC 2045/2046) to find report attachments:
 * header fields, Content-Type parameters, base64 and quoted-printable, and
 * the parts of a multipart body. Everything works on borrowed byte ranges
 * and bounded buffers; nothing here allocates without a limit.
 */
#ifndef INKAN_REPORT_MIME_H
#define INKAN_REPORT_MIME_H

#include <stddef.h>
#include "core/buf.h"

/* Split a message at the empty line: the header section is [0, *hlen),
 * the body starts at *body. A message without a body gets *body = len. */
void ik_mime_split(const char *m, size_t len, size_t *hlen, size_t *body);

/* The first field named @name (case-insensitive) in the header section,
 * unfolded, into @out (replacing its contents). 1 when found. */
int ik_mime_header(const char *h, size_t hlen, const char *name, ik_buf *out);

/* The lower-cased "type/subtype" of a Content-Type value into @out
 * (size @outlen); "text/plain" when @v is empty (RFC 2045 5.2). */
void ik_mime_type(const char *v, char *out, size_t outlen);

/* Parameter @name of a structured field value (quoted or not) into @out.
 * 1 when found. */
int ik_mime_param(const char *v, const char *name, ik_buf *out);

/* Decode a body by its Content-Transfer-Encoding (base64,
 * quoted-printable, or anything else copied as is) into @out, which bounds
 * the size. INKAN_ERR_LIMIT when it would not fit. */
inkan_status ik_mime_decode(const char *body, size_t len, const char *cte,
	ik_buf *out);

/* Call @fn for each part of a multipart body with boundary @boundary, at
 * most @max_parts (then INKAN_ERR_LIMIT). The part range includes its own
 * header section. */
typedef inkan_status (*ik_mime_part_fn)(void *arg, unsigned index,
	const char *part, size_t len);
inkan_status ik_mime_parts(const char *body, size_t len, const char *boundary,
	unsigned max_parts, ik_mime_part_fn fn, void *arg);

#endif
