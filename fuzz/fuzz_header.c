/* SPDX-License-Identifier: MIT */
/*
 * fuzz_header.c - the streaming header parser on arbitrary bytes.
 *
 * The first byte picks a chunk size, so the fuzzer also explores splits;
 * small limits make the caps reachable. Every header handed out is checked
 * for the invariants inkan/msg.h promises (raw ends with CRLF, the name is
 * a prefix of raw, the value is no longer than raw).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <inkan/msg.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct body_check {
	uint64_t bytes;
	int prev_cr;
};

static inkan_status
sink(void *ud, const char *d, size_t len)
{
	struct body_check *b = ud;
	size_t i;

	/* the body is in wire form: no bare LF may come out, even when the
	 * CR and the LF arrive in different calls */
	for (i = 0; i < len; i++) {
		if (d[i] == '\n' && !b->prev_cr)
			abort();
		b->prev_cr = d[i] == '\r';
	}
	b->bytes += len;
	return INKAN_OK;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	inkan_ctx *ctx = NULL;
	inkan_msg *m = NULL;
	size_t chunk, pos, i, n, rlen, nlen, vlen;
	struct body_check body = { 0, 0 };
	inkan_status st = INKAN_OK;

	if (size < 1 || inkan_ctx_new(NULL, &ctx) != INKAN_OK)
		return 0;
	chunk = (size_t)data[0] + 1;
	data++;
	size--;
	inkan_ctx_set_limit(ctx, INKAN_LIMIT_HEADER_FIELDS, 50);
	inkan_ctx_set_limit(ctx, INKAN_LIMIT_HEADER_LINE, 200);
	inkan_ctx_set_limit(ctx, INKAN_LIMIT_HEADER_BYTES, 2000);
	if (inkan_msg_new(ctx, &m) != INKAN_OK)
		goto out;
	inkan_msg_add_body_sink(m, sink, &body);
	for (pos = 0; pos < size && st == INKAN_OK; pos += n) {
		n = size - pos < chunk ? size - pos : chunk;
		st = inkan_msg_feed(m, data + pos, n);
	}
	if (st == INKAN_OK)
		st = inkan_msg_finish(m);
	n = inkan_msg_header_count(m);
	if (n > 50)
		abort();
	for (i = 0; i < n; i++) {
		const inkan_header *h = inkan_msg_header_at(m, i);
		const char *raw = inkan_header_raw(h, &rlen);
		const char *name = inkan_header_name(h, &nlen);
		inkan_header_value(h, &vlen);
		if (rlen < 3 || raw[rlen - 2] != '\r' || raw[rlen - 1] != '\n' ||
		    name != raw || nlen == 0 || nlen >= rlen || vlen > rlen ||
		    inkan_header_index(h) != i)
			abort();
		if (inkan_msg_find(m, "From", i) == h && i > 0 &&
		    inkan_msg_count_named(m, "From") <= i)
			abort();
	}
	if (body.bytes != inkan_msg_body_length(m))
		abort();
out:
	inkan_msg_free(m);
	inkan_ctx_free(ctx);
	return 0;
}
