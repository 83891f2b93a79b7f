/* SPDX-License-Identifier: MIT */
/*
 * fuzz_update_response.c - what a DNS server (or anyone on the path)
 * sends back to `inkan domain publish`: the response decoder and the TSIG
 * check on arbitrary bytes. Nothing may crash or read out of bounds, and
 * no response may verify without the key (the fuzzer does not know it).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <inkan/domain.h>

#include "dns/tsig.h"
#include "dns/update.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define KEY "key \"fuzz.key\" { algorithm hmac-sha256; secret " \
	"\"c2VjcmV0IGtleSB0aGUgZnV6emVyIGNhbm5vdCBndWVzcyE=\"; };"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static inkan_ctx *ctx;
	static inkan_tsig_key *k;
	static const unsigned char req[32] = { 1, 2, 3 };
	ik_upd_resp h;
	ik_tsig_check c;

	if (ctx == NULL && (inkan_ctx_new(NULL, &ctx) != INKAN_OK ||
	    inkan_tsig_key_parse(ctx, KEY, strlen(KEY), &k, NULL, 0) !=
	    INKAN_OK))
		abort();
	if (ik_upd_parse_response(data, size, &h) != INKAN_OK)
		return 0;
	if (h.tsig_off != 0 && (h.tsig_off < 12 || h.tsig_off >= size))
		abort();
	if (h.tsig_off == 0)
		return 0;
	if (ik_tsig_verify(k, data, size, h.tsig_off, h.id, req,
	    sizeof(req), 1700000000, &c) == INKAN_OK && c.verified)
		abort();	/* a forgery without the key */
	return 0;
}
