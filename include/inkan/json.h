/* SPDX-License-Identifier: MIT */
/*
 * inkan/json.h - the one JSON emitter of libinkan and the inkan CLI, and
 * the escaping of untrusted text for a terminal.
 *
 * Header fields, DNS TXT strings and report data are written by strangers
 * and may hold any byte. Everything written here is valid JSON (RFC 8259)
 * whatever the input:
 *   - valid UTF-8 passes through unchanged, except as below;
 *   - every byte that is not part of a valid UTF-8 sequence (a stray
 *     continuation byte, a truncated sequence, an overlong form, a
 *     surrogate, a code point past U+10FFFF) becomes one U+FFFD
 *     REPLACEMENT CHARACTER, written as the escape \ufffd;
 *   - control characters (U+0000..U+001F, U+007F, the C1 controls
 *     U+0080..U+009F) and U+2028/U+2029 are escaped (\n, \r, \t, \b, \f
 *     or \u00XX), as are '"' and '\\'.
 * So the output is 7-bit-clean apart from valid non-control UTF-8.
 *
 * The emitter inserts the commas and checks nesting: an object member
 * must be a key followed by one value. Errors are sticky: after the first
 * failure every call returns it, and inkan_json_finish() reports it.
 *
 * Thread safety: an inkan_json is used by one thread at a time.
 */
#ifndef INKAN_JSON_H
#define INKAN_JSON_H

#include <stddef.h>
#include <stdint.h>

#include <inkan/ctx.h>
#include <inkan/export.h>
#include <inkan/status.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Where output goes: called with each piece of output, in order. Returns
 * 0 when the bytes were taken, anything else to stop (the emitter then
 * fails with INKAN_ERR_IO).
 */
typedef int (*inkan_json_write_fn)(void *arg, const char *data, size_t len);

typedef struct inkan_json inkan_json;

/*
 * A new emitter writing through @write(@arg, ...). @ctx (borrowed; must
 * outlive the emitter) provides the allocator. *out is the caller's, to
 * release with inkan_json_free().
 */
INKAN_API inkan_status inkan_json_new(const inkan_ctx *ctx,
	inkan_json_write_fn write, void *arg, inkan_json **out);
/* Free @j. NULL is a no-op. */
INKAN_API void inkan_json_free(inkan_json *j);

/* Open and close containers. */
INKAN_API inkan_status inkan_json_object_begin(inkan_json *j);
INKAN_API inkan_status inkan_json_object_end(inkan_json *j);
INKAN_API inkan_status inkan_json_array_begin(inkan_json *j);
INKAN_API inkan_status inkan_json_array_end(inkan_json *j);

/* The key of the next member of the object being written (a C string,
 * escaped like any other string). */
INKAN_API inkan_status inkan_json_key(inkan_json *j, const char *key);

/* Values. inkan_json_string() writes @len bytes of @s; a NULL @s writes
 * null. inkan_json_cstr() does the same for a C string. */
INKAN_API inkan_status inkan_json_string(inkan_json *j, const char *s,
	size_t len);
INKAN_API inkan_status inkan_json_cstr(inkan_json *j, const char *s);
INKAN_API inkan_status inkan_json_int(inkan_json *j, int64_t v);
INKAN_API inkan_status inkan_json_uint(inkan_json *j, uint64_t v);
INKAN_API inkan_status inkan_json_bool(inkan_json *j, int v);
INKAN_API inkan_status inkan_json_null(inkan_json *j);

/* Shorthands for a key and its value. */
INKAN_API inkan_status inkan_json_member_cstr(inkan_json *j,
	const char *key, const char *s);
INKAN_API inkan_status inkan_json_member_int(inkan_json *j,
	const char *key, int64_t v);
INKAN_API inkan_status inkan_json_member_bool(inkan_json *j,
	const char *key, int v);

/*
 * End the document: every container must be closed. Writes a newline, so
 * documents written one after another form JSON Lines; the emitter can
 * then start the next document. Returns the first error met, if any.
 */
INKAN_API inkan_status inkan_json_finish(inkan_json *j);

/*
 * Write @len bytes of @s as one JSON string literal, quotes included,
 * escaped as described above. This is the emitter's own escaper, for code
 * that writes JSON structure by hand (e.g. a Route 53 change batch).
 * INKAN_ERR_IO if @write refused the output.
 */
INKAN_API inkan_status inkan_json_escape(const char *s, size_t len,
	inkan_json_write_fn write, void *arg);

/*
 * Write @len bytes of @s for a terminal: valid printable UTF-8 and tabs
 * pass through; any other control character becomes \r, \n or \xHH
 * (a UTF-8 C1 control: \xC2\xHH); a byte that is not valid UTF-8
 * becomes \xHH. So no escape sequence, backspace or bell reaches the
 * terminal raw. Backslashes are not doubled: this is for people to read,
 * not for programs (they take --json).
 */
INKAN_API inkan_status inkan_text_escape(const char *s, size_t len,
	inkan_json_write_fn write, void *arg);

#ifdef __cplusplus
}
#endif

#endif
