/* SPDX-License-Identifier: MIT */
/*
 * authres.c - the "dmarc=" entry of Authentication-Results (RFC 8601
 * 2.7.7; RFC 9989 registers the method and header.from).
 *
 * The layout is Gmail's, which receivers and people already read:
 *   dmarc=pass (p=NONE sp=NONE dis=NONE) header.from=example.com
 * p is the record's p (NONE when only its rua kept it), sp the policy
 * for subdomains after the sp -> p fallback, dis the disposition. The
 * comment is left out when no record applied.
 */
#include <stdio.h>
#include <string.h>

#include <inkan/authres.h>
#include <inkan/dmarc.h>

static const char *
upper_policy(inkan_dmarc_policy p)
{
	switch (p) {
	case INKAN_DMARC_POLICY_QUARANTINE: return "QUARANTINE";
	case INKAN_DMARC_POLICY_REJECT: return "REJECT";
	default: return "NONE";
	}
}

static const char *
upper_dis(inkan_dmarc_disposition d)
{
	switch (d) {
	case INKAN_DMARC_DISPOSITION_QUARANTINE: return "QUARANTINE";
	case INKAN_DMARC_DISPOSITION_REJECT: return "REJECT";
	default: return "NONE";
	}
}

INKAN_API inkan_status
inkan_dmarc_authres_comment(const inkan_dmarc_result *r, char *buf,
	size_t len)
{
	const inkan_dmarc_record *rec;
	inkan_dmarc_policy p, sp;
	int n;

	if (r == NULL || buf == NULL || len == 0)
		return INKAN_ERR_INVALID;
	buf[0] = '\0';
	if ((rec = r->record) == NULL)
		return INKAN_OK;
	if (r->override == INKAN_DMARC_OVERRIDE_NO_VALID_POLICY) {
		p = sp = INKAN_DMARC_POLICY_NONE;
	} else {
		p = rec->p;
		sp = rec->sp != INKAN_DMARC_POLICY_ABSENT ? rec->sp : rec->p;
	}
	n = snprintf(buf, len, "p=%s sp=%s dis=%s", upper_policy(p),
		upper_policy(sp), upper_dis(r->disposition));
	if (n < 0 || (size_t)n >= len)
		return INKAN_ERR_LIMIT;
	return INKAN_OK;
}

INKAN_API inkan_status
inkan_dmarc_authres_add(const inkan_dmarc_result *r, inkan_authres_builder *b)
{
	char comment[64];
	inkan_status st;

	if (r == NULL || b == NULL)
		return INKAN_ERR_INVALID;
	st = inkan_authres_builder_add(b, "dmarc", NULL,
		inkan_dmarc_verdict_name(r->verdict));
	if (st != INKAN_OK)
		return st;
	if ((st = inkan_dmarc_authres_comment(r, comment, sizeof(comment))) !=
	    INKAN_OK)
		return st;
	if (comment[0] != '\0' &&
	    (st = inkan_authres_builder_comment(b, comment)) != INKAN_OK)
		return st;
	if (r->reason != NULL && r->verdict == INKAN_DMARC_PERMERROR &&
	    (st = inkan_authres_builder_reason(b, r->reason)) != INKAN_OK)
		return st;
	if (r->author_domain != NULL)
		st = inkan_authres_builder_prop(b, "header", "from",
			r->author_domain);
	return st;
}
