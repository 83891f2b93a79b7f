/* SPDX-License-Identifier: MIT */
/*
 * fuzz_dns_answer.c - the response-packet decoder (lib/dns/wire.c), which
 * reads what libunbound hands over from the network. The first byte picks
 * the question type; the rest is the packet. The question name is taken
 * from the packet when it has one. A decoded answer is also deep-copied
 * (the cache's path), and its invariants are checked.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <inkan/dns.h>
#include "core/alloc.h"
#include "dns/dns_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint16_t types[] = {
	INKAN_DNS_TYPE_TXT, INKAN_DNS_TYPE_A, INKAN_DNS_TYPE_AAAA,
	INKAN_DNS_TYPE_MX, INKAN_DNS_TYPE_CNAME, INKAN_DNS_TYPE_SOA,
	INKAN_DNS_TYPE_NS, INKAN_DNS_TYPE_PTR, INKAN_DNS_TYPE_SPF, 257,
};

static void
check(const inkan_dns_answer *a)
{
	size_t i, j, total;

	if (a->ncnames > IK_DNS_CNAME_MAX)
		abort();
	for (i = 0; i < a->ncnames; i++)
		if (strlen(a->cnames[i]) >= IK_DNAME_TEXT_MAX)
			abort();
	for (i = 0; i < a->nrrs; i++) {
		const inkan_dns_rr *rr = &a->rrs[i];
		if (rr->type != a->qtype)
			abort();
		if (rr->type != INKAN_DNS_TYPE_TXT &&
		    rr->type != INKAN_DNS_TYPE_SPF)
			continue;
		for (j = 0, total = 0; j < rr->u.txt.nstrings; j++) {
			if (rr->u.txt.strings[j].len > 255)
				abort();
			total += rr->u.txt.strings[j].len;
		}
		if (total != rr->u.txt.joined.len ||
		    rr->u.txt.joined.data[total] != '\0')
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	inkan_ctx *ctx;
	inkan_dns_answer *a = NULL, *copy = NULL;
	uint8_t wire[IK_DNAME_MAX];
	char qname[IK_DNAME_TEXT_MAX] = "example.com";
	size_t off = 12;
	uint16_t type;

	if (size < 1 || inkan_ctx_new(NULL, &ctx) != INKAN_OK)
		return 0;
	type = types[data[0] % (sizeof(types) / sizeof(types[0]))];
	data++;
	size--;
	if (ik_dns_read_name(data, size, &off, wire) == INKAN_OK)
		ik_dname_to_text(wire, qname);
	if (ik_dns_parse_packet(ctx, data, size, qname, type, &a) ==
	    INKAN_OK) {
		check(a);
		if (ik_dns_answer_copy(ctx, a, &copy) == INKAN_OK) {
			check(copy);
			if (copy->nrrs != a->nrrs || copy->outcome != a->outcome)
				abort();
		}
	}
	ik_free(ctx, copy);
	ik_free(ctx, a);
	inkan_ctx_free(ctx);
	return 0;
}
