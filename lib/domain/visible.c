/* SPDX-License-Identifier: MIT */
/*
 * visible.c - are the records of an identity in the DNS yet, with our
 * values? What `publish` and `rotate` wait for, asked through the
 * context's resolver, so it sees what `check` (and receivers) see. All
 * questions are started together.
 */
#include <string.h>

#include "core/alloc.h"
#include "core/ascii.h"
#include "domain/domain_internal.h"

#define MAX_ASK 64

static int
matches(const inkan_domain_record *rec, const inkan_dns_answer *a)
{
	size_t i, n = strlen(rec->value);

	if (a->outcome != INKAN_DNS_DATA)
		return 0;
	for (i = 0; i < a->nrrs; i++) {
		const inkan_dns_rr *rr = &a->rrs[i];

		if (rec->type == INKAN_DNS_TYPE_TXT &&
		    rr->u.txt.joined.len == n &&
		    memcmp(rr->u.txt.joined.data, rec->value, n) == 0)
			return 1;
		if (rec->type == INKAN_DNS_TYPE_MX &&
		    rr->u.mx.preference == rec->preference &&
		    ik_ascii_eqz(rr->u.mx.exchange, strlen(rr->u.mx.exchange),
		    rec->value))
			return 1;
	}
	return 0;
}

INKAN_API inkan_status
inkan_domain_records_visible(inkan_ctx *ctx, const inkan_domain_records *r,
	size_t *missing, size_t *first_missing)
{
	inkan_dns_query *q[MAX_ASK];
	const inkan_dns_answer *a;
	inkan_resolver *res;
	size_t i, n;
	inkan_status st = INKAN_OK;

	if (ctx == NULL || r == NULL || missing == NULL)
		return INKAN_ERR_INVALID;
	if ((res = inkan_ctx_resolver(ctx)) == NULL)
		return INKAN_ERR_CONFIG;
	*missing = 0;
	if (first_missing != NULL)
		*first_missing = SIZE_MAX;
	n = r->nrecords < MAX_ASK ? r->nrecords : MAX_ASK;
	for (i = 0; i < n; i++)
		if (inkan_dns_start(res, r->records[i].name,
		    r->records[i].type, &q[i]) != INKAN_OK)
			q[i] = NULL;
	for (i = 0; i < n; i++) {
		int ok = 0;

		if (q[i] != NULL) {
			inkan_status w = inkan_dns_wait(q[i], &a);

			if (w == INKAN_OK)
				ok = matches(&r->records[i], a);
			else if (w == INKAN_ERR_NOMEM)
				st = w;
		}
		if (!ok) {
			if (*missing == 0 && first_missing != NULL)
				*first_missing = i;
			(*missing)++;
		}
		inkan_dns_query_free(q[i]);
	}
	*missing += r->nrecords - n;
	return st;
}
