/* SPDX-License-Identifier: MIT */
/*
 * arc_policy.c - DMARC local policy on ARC (RFC 8617 7.2; RFC 9989
 * lets a receiver apply local policy; RFC 9990 reports it as
 * "local_policy").
 *
 * A mailing list or forwarder that changes a message breaks DKIM (a
 * footer) and SPF (a new sending IP), so DMARC fails at the next hop
 * although it passed at the list. When the list is one the receiver
 * trusts, its ARC set tells what it saw. The override is narrow:
 *  - DMARC failed with a disposition other than none;
 *  - the whole chain passes (5.2), so the sets are what their sealers
 *    wrote;
 *  - a set sealed (ARC-Seal d=) by a trusted sealer has an AAR saying
 *    dmarc=pass.
 * Then the disposition is none and the result says why (override
 * LOCAL_POLICY and the sealer's domain).
 */
#include <string.h>

#include "core/ascii.h"
#include "verify/verify_internal.h"

static int
trusted(const inkan_verify *v, const char *domain)
{
	size_t i, n = strlen(domain);

	for (i = 0; i < v->opt.narc_trusted_sealers; i++)
		if (v->opt.arc_trusted_sealers[i] != NULL &&
		    ik_ascii_eqz(domain, n, v->opt.arc_trusted_sealers[i]))
			return 1;
	return 0;
}

void
ik_verify_arc_override(inkan_verify *v)
{
	const inkan_arc_result *arc = v->res.arc;
	const inkan_dmarc_result *d = v->res.dmarc;
	const inkan_arc_set *s;
	char tmp[1024];
	size_t i;

	if (d == NULL || d->verdict != INKAN_DMARC_FAIL ||
	    d->disposition == INKAN_DMARC_DISPOSITION_NONE)
		return;
	if (arc == NULL || arc->verdict != INKAN_ARC_PASS)
		return;
	/* newest first: the last trusted hop that saw the message whole */
	for (i = arc->nsets; i-- > 0;) {
		s = &arc->sets[i];
		if (s->domain == NULL || s->dmarc == NULL ||
		    !trusted(v, s->domain) ||
		    !ik_ascii_eqz(s->dmarc, strlen(s->dmarc), "pass"))
			continue;
		v->dmarc_overridden = *d;
		v->dmarc_overridden.disposition = INKAN_DMARC_DISPOSITION_NONE;
		v->dmarc_overridden.override =
			INKAN_DMARC_OVERRIDE_LOCAL_POLICY;
		v->res.dmarc = &v->dmarc_overridden;
		v->res.arc_sealer = s->domain;
		/* RFC 8617 7.2: what a report's local_policy reason says */
		v->res.arc_policy_comment = ik_verify_strf(v, "%s",
			inkan_arc_result_report_comment(arc, tmp,
			sizeof(tmp)));
		return;
	}
}
