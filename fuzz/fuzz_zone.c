/* SPDX-License-Identifier: MIT */
/*
 * fuzz_zone.c - the master-file parser (zone backend) on arbitrary text,
 * then a few questions against whatever loaded, so the answer logic
 * (wildcards, CNAME chains, negative TTLs) runs on odd tables too.
 * $INCLUDE is refused (no files are opened) and $LATENCY is reset to 0.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <inkan/dns.h>
#include "dns/dns_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const names[] = {
	"example", "a.example", "www.example", "x.y.example", "*.example",
	"nope.example", "a", "com", ".",
};
static const uint16_t types[] = {
	INKAN_DNS_TYPE_TXT, INKAN_DNS_TYPE_A, INKAN_DNS_TYPE_CNAME,
	INKAN_DNS_TYPE_MX, INKAN_DNS_TYPE_SOA,
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	inkan_ctx *ctx;
	inkan_resolver *r;
	char err[256];
	size_t i;

	if (inkan_ctx_new(NULL, &ctx) != INKAN_OK)
		return 0;
	if (inkan_resolver_zone_new(ctx, &r) != INKAN_OK) {
		inkan_ctx_free(ctx);
		return 0;
	}
	ik_zone_set_max_rrs(r, 5000);
	(void)ik_zone_load_mem_noinclude(r, (const char *)data, size, err,
		sizeof(err));
	if (memchr(err, '\0', sizeof(err)) == NULL)
		abort();	/* the message is always terminated */
	ik_zone_set_latency(r, 0);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		inkan_dns_query *q;
		const inkan_dns_answer *a;
		uint16_t type = types[i % (sizeof(types) / sizeof(types[0]))];

		if (inkan_dns_lookup(r, names[i], type, &q, &a) != INKAN_OK)
			continue;
		/* what dns.h promises */
		if (a->outcome == INKAN_DNS_DATA && a->nrrs == 0)
			abort();
		if (a->ncnames > IK_DNS_CNAME_MAX)
			abort();
		inkan_dns_query_free(q);
	}
	inkan_resolver_free(r);
	inkan_ctx_free(ctx);
	return 0;
}
