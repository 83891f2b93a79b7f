/* SPDX-License-Identifier: MIT */
/*
 * name.c - domain names: presentation text <-> wire form (RFC 1035 3.1,
 * 5.1), case-insensitive comparison (RFC 4343).
 *
 * Wire form is a sequence of length-prefixed labels ending with the
 * zero-length root label; it is what the zone tables and the packet
 * decoder work with, because labels there may hold any byte, '.' included.
 */
#include <string.h>

#include "core/ascii.h"
#include "dns_internal.h"

/* RFC 1035 5.1: "\X" is X literally, "\DDD" the octet DDD */
static int
read_escape(const char *t, size_t len, size_t *i, uint8_t *byte)
{
	size_t j = *i + 1;
	unsigned v;

	if (j >= len)
		return -1;
	if (!ik_is_digit((unsigned char)t[j])) {
		*byte = (uint8_t)t[j];
		*i = j + 1;
		return 0;
	}
	if (j + 2 >= len || !ik_is_digit((unsigned char)t[j + 1]) ||
	    !ik_is_digit((unsigned char)t[j + 2]))
		return -1;
	v = (unsigned)(t[j] - '0') * 100 + (unsigned)(t[j + 1] - '0') * 10 +
		(unsigned)(t[j + 2] - '0');
	if (v > 255)
		return -1;
	*byte = (uint8_t)v;
	*i = j + 3;
	return 0;
}

inkan_status
ik_dname_from_text(const char *text, size_t len, const uint8_t *origin,
	uint8_t *out, size_t *outlen)
{
	size_t i = 0, o = 0, lab = 0, olen;
	int absolute = 0;

	if (len == 1 && text[0] == '.') {
		out[0] = 0;
		*outlen = 1;
		return INKAN_OK;
	}
	if (len == 0)
		return INKAN_ERR_SYNTAX;
	/* o is where the current label's length byte sits */
	while (i < len) {
		uint8_t byte;

		if (text[i] == '.') {
			if (lab == 0)
				return INKAN_ERR_SYNTAX;	/* empty label */
			out[o] = (uint8_t)lab;
			o += lab + 1;
			lab = 0;
			i++;
			if (i == len)
				absolute = 1;
			continue;
		}
		if (text[i] == '\\') {
			if (read_escape(text, len, &i, &byte) < 0)
				return INKAN_ERR_SYNTAX;
		} else {
			byte = (uint8_t)text[i++];
		}
		if (lab == IK_LABEL_MAX || o + 1 + lab + 1 >= IK_DNAME_MAX)
			return INKAN_ERR_SYNTAX;
		out[o + 1 + lab] = byte;
		lab++;
	}
	if (lab > 0) {
		out[o] = (uint8_t)lab;
		o += lab + 1;
	}
	if (absolute || origin == NULL) {
		out[o++] = 0;
		*outlen = o;
		return INKAN_OK;
	}
	olen = ik_dname_len(origin);
	if (o + olen > IK_DNAME_MAX)
		return INKAN_ERR_SYNTAX;
	memcpy(out + o, origin, olen);
	*outlen = o + olen;
	return INKAN_OK;
}

size_t
ik_dname_len(const uint8_t *wire)
{
	size_t n = 0;

	while (wire[n] != 0)
		n += (size_t)wire[n] + 1;
	return n + 1;
}

size_t
ik_dname_to_text(const uint8_t *wire, char *out)
{
	size_t o = 0, i, n;
	const uint8_t *p = wire;
	static const char digits[] = "0123456789";

	if (*p == 0) {
		out[0] = '.';
		out[1] = '\0';
		return 1;
	}
	while (*p != 0) {
		n = *p++;
		if (o > 0)
			out[o++] = '.';
		for (i = 0; i < n; i++) {
			uint8_t c = p[i];
			if (c == '.' || c == '\\') {
				out[o++] = '\\';
				out[o++] = (char)c;
			} else if (c <= 0x20 || c >= 0x7f) {
				out[o++] = '\\';
				out[o++] = digits[c / 100];
				out[o++] = digits[(c / 10) % 10];
				out[o++] = digits[c % 10];
			} else {
				out[o++] = (char)c;
			}
		}
		p += n;
	}
	out[o] = '\0';
	return o;
}

void
ik_dname_lower(uint8_t *wire)
{
	size_t i, n;

	while (*wire != 0) {
		n = *wire++;
		for (i = 0; i < n; i++)
			wire[i] = (uint8_t)ik_to_lower(wire[i]);
		wire += n;
	}
}

int
ik_dname_eq(const uint8_t *a, const uint8_t *b)
{
	size_t la = ik_dname_len(a), lb = ik_dname_len(b), i;

	if (la != lb)
		return 0;
	/* length bytes are <= 63 and never letters, so lowering is safe */
	for (i = 0; i < la; i++)
		if (ik_to_lower(a[i]) != ik_to_lower(b[i]))
			return 0;
	return 1;
}

size_t
ik_dname_labels(const uint8_t *wire)
{
	size_t n = 0;

	while (*wire != 0) {
		wire += *wire + 1;
		n++;
	}
	return n;
}

int
ik_dname_is_wildcard(const uint8_t *wire)
{
	return wire[0] == 1 && wire[1] == '*';
}

inkan_status
ik_dname_normalize(const char *text, char *out, size_t *outlen)
{
	uint8_t wire[IK_DNAME_MAX];
	size_t wlen;
	inkan_status st;

	st = ik_dname_from_text(text, strlen(text), NULL, wire, &wlen);
	if (st != INKAN_OK)
		return st;
	*outlen = ik_dname_to_text(wire, out);
	return INKAN_OK;
}
