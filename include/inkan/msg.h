/* SPDX-License-Identifier: MIT */
/*
 * inkan/msg.h - streaming mail message parser (RFC 5322 section 2).
 *
 * A message handle is fed in milter order: header bytes, then body bytes,
 * then the end. Input may arrive in chunks split anywhere, with CRLF or
 * bare LF line endings. The parser keeps every header field (raw bytes and
 * unfolded value) and streams the body to sinks without keeping it, so
 * memory use does not depend on the body's size.
 *
 * Line endings: everything the parser hands out is in wire form, i.e. with
 * CRLF line endings. A bare LF in the input is taken as CRLF (a local file
 * stores mail with LF; SMTP carries it with CRLF, and that is what DKIM
 * signs). A CR that is not followed by LF is kept as it is.
 *
 * Caps: INKAN_LIMIT_HEADER_FIELDS, INKAN_LIMIT_HEADER_LINE and
 * INKAN_LIMIT_HEADER_BYTES. Going over one returns INKAN_ERR_HEADER_COUNT,
 * INKAN_ERR_LINE_LENGTH or INKAN_ERR_HEADER_SIZE; an error is sticky: every
 * later call on the handle returns the same status.
 *
 * Threading: one handle belongs to one thread at a time.
 */
#ifndef INKAN_MSG_H
#define INKAN_MSG_H

#include <stddef.h>
#include <stdint.h>

#include <inkan/ctx.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct inkan_msg inkan_msg;
typedef struct inkan_header inkan_header;

/*
 * A body sink receives the body in wire form (CRLF), in order, in chunks
 * of any size. @data is borrowed for the call. A status other than
 * INKAN_OK stops the feed and is returned to the feeder.
 */
typedef inkan_status (*inkan_body_fn)(void *ud, const char *data, size_t len);

/*
 * Create a message handle. *out is owned by the caller: free it with
 * inkan_msg_free(). @ctx is borrowed and must outlive the handle.
 */
INKAN_API inkan_status inkan_msg_new(inkan_ctx *ctx, inkan_msg **out);

/* Free @msg and every header it holds. NULL is a no-op. */
INKAN_API void inkan_msg_free(inkan_msg *msg);

/*
 * Add a body sink (at most 16). Sinks are called in the order added; @ud
 * is borrowed and passed back. Add sinks before the body starts.
 */
INKAN_API inkan_status inkan_msg_add_body_sink(inkan_msg *msg,
	inkan_body_fn fn, void *ud);

/*
 * Feed raw message bytes: the header section, the empty line, the body.
 * Any chunking is allowed, including zero-length chunks.
 */
INKAN_API inkan_status inkan_msg_feed(inkan_msg *msg, const void *data,
	size_t len);

/*
 * Milter path: add one header field as the MTA reports it, a name and a
 * value (folded lines inside @value may use LF or CRLF). The raw form kept
 * is "name:value" CRLF. Both strings are copied.
 */
INKAN_API inkan_status inkan_msg_add_header(inkan_msg *msg, const char *name,
	const char *value);

/* Milter path: the header section is complete (milter EOH). */
INKAN_API inkan_status inkan_msg_end_headers(inkan_msg *msg);

/* Milter path: body bytes, passed to the sinks in wire form. */
INKAN_API inkan_status inkan_msg_add_body(inkan_msg *msg, const void *data,
	size_t len);

/*
 * End of message. A header section without an empty line after it is
 * accepted here (a message with no body). After this call the handle is
 * read-only.
 */
INKAN_API inkan_status inkan_msg_finish(inkan_msg *msg);

/* 1 once the end of the header section has been seen, else 0. */
INKAN_API int inkan_msg_headers_done(const inkan_msg *msg);

/* Body bytes passed to the sinks so far, in wire form. */
INKAN_API uint64_t inkan_msg_body_length(const inkan_msg *msg);

/*
 * Header access. Pointers returned below are borrowed from @msg: they stay
 * valid until inkan_msg_free() (a header is never moved once complete).
 */

/* Number of complete header fields, in the order received. */
INKAN_API size_t inkan_msg_header_count(const inkan_msg *msg);

/* Field at @index (0 = top), or NULL when out of range. */
INKAN_API const inkan_header *inkan_msg_header_at(const inkan_msg *msg,
	size_t index);

/* Number of fields named @name (ASCII case-insensitive). */
INKAN_API size_t inkan_msg_count_named(const inkan_msg *msg, const char *name);

/* The @nth (0-based) field named @name counted from the top, or NULL. */
INKAN_API const inkan_header *inkan_msg_find(const inkan_msg *msg,
	const char *name, size_t nth);

/*
 * The @nth (0-based) field named @name counted from the bottom, or NULL.
 * DKIM header selection (RFC 6376 5.4.2) walks instances this way.
 */
INKAN_API const inkan_header *inkan_msg_find_from_bottom(const inkan_msg *msg,
	const char *name, size_t nth);

/* Field name as received (no colon); *len gets its length. */
INKAN_API const char *inkan_header_name(const inkan_header *h, size_t *len);

/*
 * The field exactly as received, in wire form: name, colon, value and
 * every folded line, ending with CRLF. NUL-terminated; *len excludes the
 * NUL. Use this for DKIM "simple" canonicalization.
 */
INKAN_API const char *inkan_header_raw(const inkan_header *h, size_t *len);

/*
 * The unfolded value (RFC 5322 2.2.3: each CRLF before WSP removed), with
 * the whitespace after the colon and at the end removed. NUL-terminated;
 * a value may itself contain NUL bytes, so use *len.
 */
INKAN_API const char *inkan_header_value(const inkan_header *h, size_t *len);

/* Position of @h in the message (0 = top). */
INKAN_API size_t inkan_header_index(const inkan_header *h);

#ifdef __cplusplus
}
#endif
#endif
