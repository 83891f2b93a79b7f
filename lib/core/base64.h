/* SPDX-License-Identifier: MIT */
/*
 * base64.h - RFC 2045 6.8 base64 (base64.c), for every module.
 */
#ifndef INKAN_CORE_BASE64_H
#define INKAN_CORE_BASE64_H

#include <stddef.h>
#include <stdint.h>

#include <inkan/status.h>

/* skip SP, HTAB, CR and LF anywhere (FWS: DKIM tag values, RFC 6376
 * 3.5); without it they are errors (RFC 2047 encoded-words) */
#define IK_B64_FWS 0x1u

/*
 * Decode @len bytes at @in. Requires correct '=' padding and writes at
 * most @cap bytes to @out (INKAN_ERR_LIMIT when more would come,
 * INKAN_ERR_SYNTAX on a bad character or padding). @out NULL only checks
 * the text and counts the bytes into *out_len. ik_b64_decoded_max() is
 * enough room for any input of @len bytes.
 */
size_t ik_b64_decoded_max(size_t len);
inkan_status ik_b64_decode(const char *in, size_t len, unsigned flags,
	unsigned char *out, size_t cap, size_t *out_len);
/* encoded length of @len bytes (no NUL) */
size_t ik_b64_encoded_len(size_t len);
/* encode into @out, which has ik_b64_encoded_len(len) + 1 bytes; NUL added */
void ik_b64_encode(const unsigned char *in, size_t len, char *out);

#endif
