/* SPDX-License-Identifier: MIT */
/*
 * fuzz_tsig_key.c - the TSIG key file parser (nsupdate -k form) on
 * arbitrary bytes. A parsed key must keep what inkan/domain.h promises:
 * a name, a known algorithm, a secret of 1..512 bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <inkan/domain.h>

#include "dns/tsig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static inkan_ctx *ctx;
	inkan_tsig_key *k = NULL;
	char err[96];
	inkan_status st;

	if (ctx == NULL && inkan_ctx_new(NULL, &ctx) != INKAN_OK)
		abort();
	st = inkan_tsig_key_parse(ctx, (const char *)data, size, &k, err,
		sizeof(err));
	if (st != INKAN_OK) {
		if (k != NULL || (st == INKAN_ERR_SYNTAX && err[0] == '\0'))
			abort();
		return 0;
	}
	if (k == NULL || k->alg == NULL || k->secret_len == 0 ||
	    k->secret_len > 512 || k->name[0] == '\0' ||
	    ik_tsig_alg_find(inkan_tsig_key_algorithm(k)) != k->alg)
		abort();
	inkan_tsig_key_free(k);
	return 0;
}
