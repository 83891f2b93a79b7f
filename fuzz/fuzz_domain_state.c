/* SPDX-License-Identifier: MIT */
/*
 * fuzz_domain_state.c - the identity state file parser on arbitrary
 * bytes. Whatever it accepts must survive a round trip: written out
 * again, the text parses, and writing that gives the same text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <inkan/domain.h>

#include "domain/domain_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *
format(inkan_ctx *ctx, const inkan_domain *d)
{
	ik_dout o;
	char *s = NULL;

	ik_dout_init(&o, ctx, IK_DOMAIN_STATE_MAX);
	ik_domain_state_format(d, &o);
	if (ik_dout_take(&o, &s) != INKAN_OK)
		abort();
	return s;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static inkan_ctx *ctx;
	inkan_domain *d = NULL, *e = NULL;
	char err[96], *a, *b;

	if (ctx == NULL && inkan_ctx_new(NULL, &ctx) != INKAN_OK)
		abort();
	if (ik_domain_state_parse(ctx, (const char *)data, size, &d, err,
	    sizeof(err)) != INKAN_OK) {
		if (d != NULL)
			abort();
		return 0;
	}
	a = format(ctx, d);
	if (ik_domain_state_parse(ctx, a, strlen(a), &e, err, sizeof(err)) !=
	    INKAN_OK)
		abort();
	b = format(ctx, e);
	if (strcmp(a, b) != 0)
		abort();
	inkan_free(ctx, a);
	inkan_free(ctx, b);
	inkan_domain_free(d);
	inkan_domain_free(e);
	return 0;
}
