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

/* smtp.remote-ip (RFC 8617 6); a value the builder refuses stays out */
static inkan_status
add_remote_ip(struct inkan_authres_builder *b, const char *ip)
{
	inkan_status st;

	if (ip == NULL || ip[0] == '\0')
		return INKAN_OK;
	st = inkan_authres_builder_prop(b, "smtp", "remote-ip", ip);
	return st == INKAN_ERR_INVALID ? INKAN_OK : st;
}

INKAN_API inkan_status
inkan_arc_result_to_authres(const inkan_arc_result *r, const char *remote_ip,
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
		return st == INKAN_OK ? add_remote_ip(b, remote_ip) : st;
	last = r->nsets > 0 ? &r->sets[r->nsets - 1] : NULL;
	if (r->verdict == INKAN_ARC_FAIL) {
		inkan_arc_result_explain(r, tmp, sizeof(tmp));
		st = inkan_authres_builder_comment(b, tmp);
		return st == INKAN_OK ? add_remote_ip(b, remote_ip) : st;
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
	return st == INKAN_OK ? add_remote_ip(b, remote_ip) : st;
}

/* append " @what[@n]=@value" (or "@what=@value" for n 0) to @buf at
 * *pos, stopping quietly at @cap */
static void
put(char *buf, size_t cap, size_t *pos, const char *what, unsigned n,
	const char *value)
{
	int w;

	if (*pos >= cap)
		return;
	if (n == 0)
		w = snprintf(buf + *pos, cap - *pos, "%s=%s", what, value);
	else
		w = snprintf(buf + *pos, cap - *pos, " %s[%u]%s=%s",
			strncmp(what, "remote", 6) == 0 ? "remote-ip" : "as",
			n, strncmp(what, "remote", 6) == 0 ? "" : what, value);
	if (w > 0)
		*pos += (size_t)w;
}

INKAN_API const char *
inkan_arc_result_report_comment(const inkan_arc_result *r, char *buf,
	size_t cap)
{
	size_t pos = 0, i;
	const inkan_arc_set *s;

	if (buf == NULL || cap == 0)
		return buf;
	buf[0] = '\0';
	if (r == NULL)
		return buf;
	put(buf, cap, &pos, "arc", 0, inkan_arc_verdict_str(r->verdict));
	for (i = r->nsets; i-- > 0;) {
		s = &r->sets[i];
		if (s->domain != NULL)
			put(buf, cap, &pos, ".d", s->instance, s->domain);
		if (s->selector != NULL)
			put(buf, cap, &pos, ".s", s->instance,
				s->selector);
	}
	if (r->nsets > 0 && r->sets[0].remote_ip != NULL)
		put(buf, cap, &pos, "remote-ip", 1, r->sets[0].remote_ip);
	return buf;
}
