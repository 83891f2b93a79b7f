/* SPDX-License-Identifier: MIT */
/*
 * fuzz_dkim_canon.c - RFC 6376 3.4 canonicalization against a reference.
 *
 * The streaming body canonicalizer (fed in chunks whose size the first
 * byte picks, with an optional l= limit from the second) must produce the
 * same digest and length as a plain, whole-buffer implementation of the
 * RFC text written here. The header canonicalizer is checked the same
 * way on "Name: value" made from the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <inkan/ctx.h>

#include "crypto/crypto.h"
#include "dkim/canon.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
wsp(char c)
{
	return c == ' ' || c == '\t';
}

/* 3.4.3 / 3.4.4 on a whole body; returns the canonical length */
static size_t
ref_body(ik_canon c, const char *in, size_t len, char *out)
{
	size_t o = 0, start = 0, end, i, keep = 0, line;
	int pend;

	/* cut into lines at CRLF; a last piece without one gets one */
	while (start < len) {
		for (end = start; end < len; end++)
			if (in[end] == '\r' && end + 1 < len &&
			    in[end + 1] == '\n')
				break;
		line = o;
		pend = 0;
		for (i = start; i < end; i++) {
			if (c == IK_CANON_RELAXED && wsp(in[i])) {
				pend = 1;	/* dropped at the end */
				continue;
			}
			if (pend)
				out[o++] = ' ';
			pend = 0;
			out[o++] = in[i];
		}
		out[o++] = '\r';
		out[o++] = '\n';
		/* empty lines at the end are ignored */
		if (o - 2 > line)
			keep = o;
		start = end < len ? end + 2 : len;
	}
	/* simple: an empty body is one CRLF; relaxed: nothing */
	if (keep == 0 && c == IK_CANON_SIMPLE) {
		out[0] = '\r';
		out[1] = '\n';
		keep = 2;
	}
	return keep;
}

static void
digest(const ik_crypto *cr, const char *p, size_t n, unsigned char *out)
{
	ik_digest *d = NULL;

	if (ik_digest_new(cr, IK_HASH_SHA256, &d) != INKAN_OK)
		abort();
	if (ik_digest_update(d, p, n) != INKAN_OK ||
	    ik_digest_final(d, out) != INKAN_OK)
		abort();
	ik_digest_free(d);
}

static void
check_body(const ik_crypto *cr, ik_canon c, const char *in, size_t len,
	size_t chunk, uint64_t limit)
{
	ik_digest *d = NULL;
	ik_body_canon *bc = malloc(sizeof(*bc));
	char *ref = malloc(len * 2 + 4);
	unsigned char h1[32], h2[32];
	size_t pos, rlen;

	if (bc == NULL || ref == NULL ||
	    ik_digest_new(cr, IK_HASH_SHA256, &d) != INKAN_OK)
		abort();
	ik_body_canon_init(bc, c, d, limit);
	for (pos = 0; pos < len; pos += chunk)
		if (ik_body_canon_update(bc, in + pos, len - pos < chunk ?
		    len - pos : chunk) != INKAN_OK)
			abort();
	if (ik_body_canon_final(bc, h1) != INKAN_OK)
		abort();
	rlen = ref_body(c, in, len, ref);
	if (bc->total != rlen)
		abort();
	digest(cr, ref, limit < rlen ? (size_t)limit : rlen, h2);
	if (memcmp(h1, h2, 32) != 0)
		abort();
	free(ref);
	free(bc);
	ik_digest_free(d);
}

/* 3.4.2 on "Name:value" (no CRLF at the end of @raw) */
static size_t
ref_header(const char *raw, size_t len, char *out)
{
	const char *colon = memchr(raw, ':', len);
	size_t o = 0, n, i;
	int pend = 0, started = 0;

	n = (size_t)(colon - raw);
	while (n > 0 && wsp(raw[n - 1]))
		n--;
	for (i = 0; i < n; i++)
		out[o++] = (raw[i] >= 'A' && raw[i] <= 'Z') ?
			(char)(raw[i] + 32) : raw[i];
	out[o++] = ':';
	for (i = (size_t)(colon - raw) + 1; i < len; i++) {
		if (raw[i] == '\r' && i + 1 < len && raw[i + 1] == '\n') {
			i++;
			continue;
		}
		if (wsp(raw[i])) {
			pend = 1;
			continue;
		}
		if (pend && started)
			out[o++] = ' ';
		pend = 0;
		started = 1;
		out[o++] = raw[i];
	}
	return o;
}

static void
check_header(const ik_crypto *cr, const char *in, size_t len)
{
	char *raw = malloc(len + 8), *ref = malloc(len + 16);
	ik_digest *d = NULL;
	unsigned char h1[32], h2[32];
	size_t n, rlen;

	if (raw == NULL || ref == NULL)
		abort();
	memcpy(raw, "X-F :", 5);
	memcpy(raw + 5, in, len);
	n = len + 5;
	/* relaxed without the final CRLF (the signature field case) */
	if (ik_digest_new(cr, IK_HASH_SHA256, &d) != INKAN_OK ||
	    ik_canon_header(d, IK_CANON_RELAXED, raw, n, 0) != INKAN_OK ||
	    ik_digest_final(d, h1) != INKAN_OK)
		abort();
	rlen = ref_header(raw, n, ref);
	/* a raw ending in CRLF has it removed first by the canonicalizer */
	if (n >= 2 && raw[n - 2] == '\r' && raw[n - 1] == '\n')
		rlen = ref_header(raw, n - 2, ref);
	digest(cr, ref, rlen, h2);
	if (memcmp(h1, h2, 32) != 0)
		abort();
	ik_digest_free(d);
	free(raw);
	free(ref);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t chunks[] = { 1, 2, 3, 5, 16, 64, 4096, 1 << 20 };
	inkan_ctx *ctx = NULL;
	ik_crypto *cr = NULL;
	uint64_t limit = UINT64_MAX;

	if (size < 2)
		return 0;
	if (inkan_ctx_new(NULL, &ctx) != INKAN_OK ||
	    ik_crypto_new(ctx, &cr) != INKAN_OK)
		abort();
	if (data[1] < 128)
		limit = (uint64_t)data[1] * 3;
	if (data[0] & 0x10)
		check_header(cr, (const char *)data + 2, size - 2);
	else
		check_body(cr, (data[0] & 1) ? IK_CANON_RELAXED :
			IK_CANON_SIMPLE, (const char *)data + 2, size - 2,
			chunks[(data[0] >> 1) & 7], limit);
	ik_crypto_free(cr);
	inkan_ctx_free(ctx);
	return 0;
}
