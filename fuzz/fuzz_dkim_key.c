/* SPDX-License-Identifier: MIT */
/*
 * fuzz_dkim_key.c - DKIM key records (RFC 6376 3.6.1) and base64.
 *
 * The bytes are parsed as a key record (tag list, v=, h=, k=, s=, t=, p=
 * base64, then the public key through OpenSSL). Invariants: a key with
 * no error has a public key; an error has none. The same bytes go through
 * the base64 decoder: whatever decodes must re-encode and decode to the
 * same bytes; what the strict mode (no FWS) accepts, the FWS mode accepts
 * with the same bytes; counting (no output) agrees with decoding.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <inkan/ctx.h>

#include "core/base64.h"
#include "crypto/crypto.h"
#include "dkim/dkim_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_base64(inkan_ctx *ctx, const char *s, size_t len)
{
	size_t cap = ik_b64_decoded_max(len), n = 0, n2 = 0;
	unsigned char *out = malloc(cap + 1), *again = malloc(cap + 1);
	char *enc = malloc(ik_b64_encoded_len(cap) + 1);

	(void)ctx;
	if (out && again && enc &&
	    ik_b64_decode(s, len, IK_B64_FWS, out, cap, &n) == INKAN_OK) {
		ik_b64_encode(out, n, enc);
		if (strlen(enc) != ik_b64_encoded_len(n) ||
		    ik_b64_decode(enc, strlen(enc), IK_B64_FWS, again, cap,
		    &n2) != INKAN_OK || n2 != n || memcmp(out, again, n) != 0)
			abort();
	}
	/* strict is FWS mode on input without FWS: the same answer */
	if (out && again && ik_b64_decode(s, len, 0, again, cap, &n2) ==
	    INKAN_OK && (ik_b64_decode(s, len, IK_B64_FWS, out, cap, &n) !=
	    INKAN_OK || n != n2 || memcmp(out, again, n) != 0))
		abort();
	/* counting only gives the same status and length as decoding */
	if (out && (ik_b64_decode(s, len, 0, NULL, 0, &n2) == INKAN_OK) !=
	    (ik_b64_decode(s, len, 0, out, cap, &n) == INKAN_OK))
		abort();
	free(out);
	free(again);
	free(enc);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	inkan_ctx *ctx = NULL;
	ik_dkim_key *key = NULL;

	if (inkan_ctx_new(NULL, &ctx) != INKAN_OK)
		return 0;
	if (ik_dkim_key_from_record(ctx, (const char *)data, size, &key) ==
	    INKAN_OK) {
		if (key->error == INKAN_DKIM_R_OK &&
		    key->k != IK_DKIM_K_UNKNOWN && key->pub == NULL)
			abort();
		if (key->error != INKAN_DKIM_R_OK && key->pub != NULL)
			abort();
		if (key->pub != NULL && ik_pubkey_bits(key->pub) == 0)
			abort();
		ik_dkim_key_unref(ctx, NULL, key);
	}
	check_base64(ctx, (const char *)data, size);
	inkan_ctx_free(ctx);
	return 0;
}
