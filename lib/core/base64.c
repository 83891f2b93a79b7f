/* SPDX-License-Identifier: MIT */
/*
 * base64.c - RFC 2045 6.8 base64, the one encoder and decoder of
 * libinkan: DKIM's b=, bh= and p= values, RFC 2047 "B" encoded-words,
 * TSIG secrets, Ed25519 seeds, the public keys of the domain state file.
 *
 * RFC 6376 3.5 (b=, bh=) and 3.6.1 (p=): whitespace inside the value is
 * ignored, so with IK_B64_FWS the decoder skips FWS characters anywhere.
 * Everything else is strict: only the 64 letters, '=' padding only at the
 * end and only as much as the length needs.
 */
#include <string.h>

#include "core/base64.h"

static const char b64_alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* 0..63 for a base64 letter, -2 for FWS, -3 for '=', -1 otherwise */
static const signed char b64_class[256] = {
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -2, -2, -1, -1, -2, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-2, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 62, -1, -1, -1, 63,
	52, 53, 54, 55, 56, 57, 58, 59, 60, 61, -1, -1, -1, -3, -1, -1,
	-1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
	15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, -1, -1, -1, -1, -1,
	-1, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
	41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
};

size_t
ik_b64_decoded_max(size_t len)
{
	return len / 4 * 3 + 3;
}

/* store @c at out[n] unless only counting (out NULL) */
static void
put(unsigned char *out, size_t n, uint32_t c)
{
	if (out != NULL)
		out[n] = (unsigned char)c;
}

inkan_status
ik_b64_decode(const char *in, size_t len, unsigned flags, unsigned char *out,
	size_t cap, size_t *out_len)
{
	uint32_t acc = 0;
	size_t i, n = 0, quad = 0, pad = 0, pad_at = 0;
	int v;

	*out_len = 0;
	if (out == NULL)
		cap = SIZE_MAX;
	for (i = 0; i < len; i++) {
		v = b64_class[(unsigned char)in[i]];
		if (v >= 0 && pad == 0) {
			acc = (acc << 6) | (uint32_t)v;
			if (++quad == 4) {
				if (cap - n < 3)
					return INKAN_ERR_LIMIT;
				put(out, n++, acc >> 16 & 0xff);
				put(out, n++, acc >> 8 & 0xff);
				put(out, n++, acc & 0xff);
				acc = 0;
				quad = 0;
			}
			continue;
		}
		if (v == -2 && (flags & IK_B64_FWS))
			continue;	/* FWS */
		if (v == -3) {
			/* padding starts after 2 or 3 letters of a quad */
			if (pad == 0) {
				if (quad < 2)
					return INKAN_ERR_SYNTAX;
				pad_at = quad;
			}
			if (++pad > 4 - pad_at)
				return INKAN_ERR_SYNTAX;
			continue;
		}
		/* a letter after padding, or not base64 at all */
		return INKAN_ERR_SYNTAX;
	}
	if (pad == 0) {
		if (quad != 0)
			return INKAN_ERR_SYNTAX;
	} else {
		/* "xx==" holds one byte, "xxx=" two; left-over bits beyond
		 * them are ignored, as common decoders do */
		if (pad != 4 - pad_at)
			return INKAN_ERR_SYNTAX;
		if (cap - n < pad_at - 1)
			return INKAN_ERR_LIMIT;
		if (pad_at == 2) {
			put(out, n++, acc >> 4 & 0xff);
		} else {
			put(out, n++, acc >> 10 & 0xff);
			put(out, n++, acc >> 2 & 0xff);
		}
	}
	*out_len = n;
	return INKAN_OK;
}

size_t
ik_b64_encoded_len(size_t len)
{
	return (len + 2) / 3 * 4;
}

void
ik_b64_encode(const unsigned char *in, size_t len, char *out)
{
	size_t i, o = 0;
	uint32_t acc;

	for (i = 0; i + 3 <= len; i += 3) {
		acc = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
		out[o++] = b64_alphabet[acc >> 18 & 63];
		out[o++] = b64_alphabet[acc >> 12 & 63];
		out[o++] = b64_alphabet[acc >> 6 & 63];
		out[o++] = b64_alphabet[acc & 63];
	}
	if (len - i == 1) {
		acc = (uint32_t)in[i] << 16;
		out[o++] = b64_alphabet[acc >> 18 & 63];
		out[o++] = b64_alphabet[acc >> 12 & 63];
		out[o++] = '=';
		out[o++] = '=';
	} else if (len - i == 2) {
		acc = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
		out[o++] = b64_alphabet[acc >> 18 & 63];
		out[o++] = b64_alphabet[acc >> 12 & 63];
		out[o++] = b64_alphabet[acc >> 6 & 63];
		out[o++] = '=';
	}
	out[o] = '\0';
}
