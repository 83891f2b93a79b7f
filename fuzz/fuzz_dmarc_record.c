/* SPDX-License-Identifier: MIT */
/*
 * fuzz_dmarc_record.c - the DMARC policy record parser on arbitrary
 * bytes. The first byte picks the rules (RFC 9989 or RFC 7489). Every
 * parsed record is checked against what inkan/dmarc.h promises: values
 * in range, at most 16 URIs per list, every URI non-empty with a scheme,
 * and a record exactly when the input starts with a version tag.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <inkan/dmarc.h>

#include "dmarc/dmarc_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_uris(const inkan_dmarc_uri *u, size_t n)
{
	size_t i;

	if (n > IK_DMARC_URIS_MAX)
		abort();
	for (i = 0; i < n; i++) {
		if (u[i].uri == NULL || strchr(u[i].uri, ':') == NULL ||
		    strchr(u[i].uri, ',') != NULL ||
		    strchr(u[i].uri, ' ') != NULL)
			abort();
		if (u[i].obsolete_size != NULL && u[i].obsolete_size[0] == '\0')
			abort();
	}
}

static void
check(const inkan_dmarc_record *r)
{
	size_t i;

	if (r->p > INKAN_DMARC_POLICY_REJECT ||
	    r->sp > INKAN_DMARC_POLICY_REJECT ||
	    r->np > INKAN_DMARC_POLICY_REJECT)
		abort();
	if (r->psd != 'y' && r->psd != 'n' && r->psd != 'u')
		abort();
	if (r->pct < 0 || r->pct > 100 || r->fo == 0 || r->fo > 0xf)
		abort();
	if ((r->fo & INKAN_DMARC_FO_0) && (r->fo & INKAN_DMARC_FO_1))
		abort();
	if (r->p_invalid && r->p != INKAN_DMARC_POLICY_ABSENT)
		abort();
	check_uris(r->rua, r->nrua);
	check_uris(r->ruf, r->nruf);
	if (r->nwarnings > IK_DMARC_WARNINGS_MAX)
		abort();
	for (i = 0; i < r->nwarnings; i++)
		if (r->warnings[i].text == NULL)
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static inkan_ctx *ctx;
	inkan_dmarc_record *r = NULL;
	inkan_dmarc_spec spec;
	inkan_status st;
	int is;

	if (ctx == NULL && inkan_ctx_new(NULL, &ctx) != INKAN_OK)
		abort();
	if (size < 1)
		return 0;
	spec = (data[0] & 1) ? INKAN_DMARC_SPEC_RFC7489 :
		INKAN_DMARC_SPEC_RFC9989;
	data++;
	size--;
	is = ik_dmarc_is_record((const char *)data, size, NULL);
	st = inkan_dmarc_record_parse(ctx, (const char *)data, size, spec, &r);
	if (st == INKAN_OK) {
		if (!is || r == NULL)
			abort();
		check(r);
		inkan_dmarc_record_free(r);
	} else if (r != NULL || (st == INKAN_ERR_SYNTAX && is) ||
	    (st == INKAN_ERR_LIMIT && size <= IK_DMARC_RECORD_MAX)) {
		abort();
	}
	return 0;
}
