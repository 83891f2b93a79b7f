/* SPDX-License-Identifier: MIT */
/*
 * base64.c - RFC 2045 6.8 base64 for DKIM's b=, bh= and p= values.
 *
 * RFC 6376 3.5 (b=, bh=) and 3.6.1 (p=): whitespace inside the value is
 * ignored, so the decoder skips FWS characters anywhere. Everything else
 * is strict: only the 64 letters, '=' padding only at the end and only
 * as much as the length needs.
 */
#include <string.h>

#include "crypto.h"

static const char b64_alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* 0..63 for a base64 letter, -1 otherwise */
static int
b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

static int
is_fws_char(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

size_t
ik_b64_decoded_max(size_t len)
{
	return len / 4 * 3 + 3;
}

inkan_status
ik_b64_decode(const char *in, size_t len, unsigned char *out, size_t cap,
	size_t *out_len)
{
	uint32_t acc = 0;
	size_t i, n = 0, quad = 0, pad = 0, pad_at = 0;
	int v;

	*out_len = 0;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];
		if (is_fws_char(c))
			continue;
		if (c == '=') {
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
		if (pad > 0 || (v = b64_value(c)) < 0)
			return INKAN_ERR_SYNTAX;
		acc = (acc << 6) | (uint32_t)v;
		if (++quad == 4) {
			if (cap - n < 3)
				return INKAN_ERR_LIMIT;
			out[n++] = (unsigned char)(acc >> 16);
			out[n++] = (unsigned char)(acc >> 8);
			out[n++] = (unsigned char)acc;
			acc = 0;
			quad = 0;
		}
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
			out[n++] = (unsigned char)(acc >> 4);
		} else {
			out[n++] = (unsigned char)(acc >> 10);
			out[n++] = (unsigned char)(acc >> 2);
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
