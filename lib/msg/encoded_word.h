/* SPDX-License-Identifier: MIT */
/*
 * encoded_word.h - RFC 2047 encoded-words in display names (internal).
 */
#ifndef INKAN_MSG_ENCODED_WORD_H
#define INKAN_MSG_ENCODED_WORD_H

#include <stddef.h>

#include <inkan/status.h>

#include "core/buf.h"

/*
 * If the atom s[0..len) is an encoded-word ("=?charset?B|Q?text?=") in a
 * charset we know, append its text as UTF-8 to @out and set *decoded to 1.
 * Otherwise (not an encoded-word, unknown charset, bad encoding, text
 * that is not valid in its charset or holds control characters) leave
 * @out as it was and set *decoded to 0: the caller keeps the atom as
 * written. Errors are only those of @out (INKAN_ERR_LIMIT, _NOMEM).
 */
inkan_status ik_ew_decode(const char *s, size_t len, ik_buf *out,
	int *decoded);

#endif
