/* SPDX-License-Identifier: MIT */
/*
 * outcome.c - the overall verdict of a message (inkan/verify.h, "Outcome").
 * (SPF and DKIM results become DMARC inputs in lib/dmarc/from_results.c.)
 *
 * DMARC decides when a policy applies (RFC 9989 5.3.5: pass or fail;
 * temperror leaves it open). When none applies, the message is judged on
 * what failed outright: a permanent failure of SPF or of a signature is a
 * fail (retrying will not change it), otherwise a temporary error is a
 * temperror, otherwise the message is neutral.
 */
#include "verify/verify_internal.h"

inkan_verify_outcome
ik_verify_outcome(const inkan_verify_result *r)
{
	int failed = 0, temp = 0;
	size_t i;

	switch (r->dmarc->verdict) {
	case INKAN_DMARC_PASS:
		return INKAN_VERIFY_PASS;
	case INKAN_DMARC_FAIL:
	case INKAN_DMARC_PERMERROR:
		return INKAN_VERIFY_FAIL;
	case INKAN_DMARC_TEMPERROR:
		return INKAN_VERIFY_TEMPERROR;
	case INKAN_DMARC_NONE:
		break;
	}
	if (r->spf != NULL) {
		failed = r->spf->result == INKAN_SPF_FAIL ||
			r->spf->result == INKAN_SPF_SOFTFAIL ||
			r->spf->result == INKAN_SPF_PERMERROR;
		temp = r->spf->result == INKAN_SPF_TEMPERROR;
	}
	for (i = 0; i < r->ndkim; i++) {
		switch (r->dkim[i].verdict) {
		case INKAN_DKIM_FAIL:
		case INKAN_DKIM_PERMERROR:
		case INKAN_DKIM_POLICY:
			failed = 1;
			break;
		case INKAN_DKIM_TEMPERROR:
			temp = 1;
			break;
		default:
			break;
		}
	}
	if (failed)
		return INKAN_VERIFY_FAIL;
	return temp ? INKAN_VERIFY_TEMPERROR : INKAN_VERIFY_NEUTRAL;
}
