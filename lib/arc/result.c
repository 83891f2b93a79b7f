/* SPDX-License-Identifier: MIT */
/*
 * result.c - names and explanations of ARC results, and the "arc"
 * entry of Authentication-Results (RFC 8617 10.1: method "arc" with the
 * properties header.oldest-pass and smtp.remote-ip).
 */
#include <stdio.h>
#include <string.h>

#include <inkan/authres.h>

#include "arc_internal.h"

INKAN_API const char *
inkan_arc_verdict_str(inkan_arc_verdict verdict)
{
	switch (verdict) {
	case INKAN_ARC_NONE:
		return "none";
	case INKAN_ARC_PASS:
		return "pass";
	case INKAN_ARC_FAIL:
		return "fail";
	}
	return "fail";
}

INKAN_API const char *
inkan_arc_reason_str(inkan_arc_reason reason)
{
	switch (reason) {
	case INKAN_ARC_R_OK:
		return "ok";
	case INKAN_ARC_R_TOO_MANY:
		return "more than 50 ARC sets";
	case INKAN_ARC_R_INSTANCE:
		return "ARC field without a valid instance (i=1..50)";
	case INKAN_ARC_R_DUPLICATE:
		return "two ARC fields of one kind in one set";
	case INKAN_ARC_R_MISSING:
		return "ARC set incomplete or instances not 1..N";
	case INKAN_ARC_R_LAST_CV_FAIL:
		return "newest seal says cv=fail";
	case INKAN_ARC_R_CV:
		return "seal cv= out of sequence";
	case INKAN_ARC_R_AMS:
		return "newest ARC-Message-Signature did not verify";
	case INKAN_ARC_R_SEAL:
		return "ARC-Seal did not verify";
	case INKAN_ARC_R_INTERNAL:
		return "internal error";
	}
	return "unknown";
}

INKAN_API const char *
inkan_arc_result_explain(const inkan_arc_result *r, char *buf, size_t cap)
{
	const inkan_arc_set *last;

	if (buf == NULL || cap == 0)
		return buf;
	buf[0] = '\0';
	if (r == NULL)
		return buf;
	switch (r->verdict) {
	case INKAN_ARC_NONE:
		snprintf(buf, cap, "no ARC sets");
		break;
	case INKAN_ARC_PASS:
		last = r->nsets > 0 ? &r->sets[r->nsets - 1] : NULL;
		snprintf(buf, cap, "%u set%s, newest sealed by %s, "
			"oldest-pass=%u", r->instances,
			r->instances == 1 ? "" : "s",
			last && last->domain ? last->domain : "?",
			r->oldest_pass);
		break;
	case INKAN_ARC_FAIL:
		if (r->reason == INKAN_ARC_R_AMS ||
		    r->reason == INKAN_ARC_R_SEAL)
			snprintf(buf, cap, "i=%u %s: %s", r->fail_instance,
				inkan_arc_reason_str(r->reason),
				inkan_dkim_reason_str(r->detail));
		else if (r->fail_instance > 0)
			snprintf(buf, cap, "i=%u %s", r->fail_instance,
				inkan_arc_reason_str(r->reason));
		else
			snprintf(buf, cap, "%s",
				inkan_arc_reason_str(r->reason));
		break;
	}
	return buf;
}

INKAN_API inkan_status
inkan_arc_result_to_authres(const inkan_arc_result *r,
	struct inkan_authres_builder *b)
{
	char tmp[160];
	const inkan_arc_set *last;
	inkan_status st;

	if (r == NULL || b == NULL)
		return INKAN_ERR_INVALID;
	st = inkan_authres_builder_add(b, "arc", NULL,
		inkan_arc_verdict_str(r->verdict));
	if (st != INKAN_OK || r->verdict == INKAN_ARC_NONE)
		return st;
	last = r->nsets > 0 ? &r->sets[r->nsets - 1] : NULL;
	if (r->verdict == INKAN_ARC_FAIL) {
		inkan_arc_result_explain(r, tmp, sizeof(tmp));
		return inkan_authres_builder_comment(b, tmp);
	}
	/* Gmail's comment: the newest set and what its AAR said */
	snprintf(tmp, sizeof(tmp), "i=%u%s%s%s%s%s%s", r->instances,
		last->spf ? " spf=" : "", last->spf ? last->spf : "",
		last->dkim ? " dkim=" : "", last->dkim ? last->dkim : "",
		last->dmarc ? " dmarc=" : "", last->dmarc ? last->dmarc : "");
	if ((st = inkan_authres_builder_comment(b, tmp)) != INKAN_OK)
		return st;
	snprintf(tmp, sizeof(tmp), "%u", r->oldest_pass);
	st = inkan_authres_builder_prop(b, "header", "oldest-pass", tmp);
	if (st == INKAN_OK && last->remote_ip != NULL)
		st = inkan_authres_builder_prop(b, "smtp", "remote-ip",
			last->remote_ip);
	return st;
}
