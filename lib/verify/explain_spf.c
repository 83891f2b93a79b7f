/* SPDX-License-Identifier: MIT */
/*
 * explain_spf.c - the SPF line of the summary: what the result means for
 * this client and domain, and what the domain owner can change.
 *
 * The result names are RFC 7208 2.6's; the reasons come from the verdict
 * (inkan/spf.h: mechanism that matched, limit that fired, record and
 * position of a syntax error, name whose lookup failed).
 */
#include <string.h>

#include "core/ctx_internal.h"
#include "verify/verify_internal.h"

#define NOMEM_IF_NULL(x) do { if ((x) == NULL) return INKAN_ERR_NOMEM; } \
	while (0)

/* "ip4:" or "ip6:" for a mechanism the owner could add */
static const char *
ip_mech(const char *ip)
{
	return strchr(ip, ':') != NULL ? "ip6" : "ip4";
}

/* 1 when the mechanism that matched is "all" with any qualifier */
static int
is_all(const char *mech)
{
	size_t n;

	if (mech == NULL)
		return 1;
	n = strlen(mech);
	return n >= 3 && strcmp(mech + n - 3, "all") == 0 &&
		(n == 3 || (n == 4 && strchr("+-~?", mech[0]) != NULL));
}

/* " (in the record of X)" when the match was in an included record */
static const char *
where(inkan_verify *v, const inkan_spf_verdict *s)
{
	if (s->mechanism_domain == NULL || s->domain == NULL ||
	    strcmp(s->mechanism_domain, s->domain) == 0)
		return "";
	return ik_verify_strf(v, " in the record of %s", s->mechanism_domain);
}

static inkan_status
explain_match(inkan_verify *v, inkan_verify_note *n,
	const inkan_spf_verdict *s)
{
	const char *ip = s->client_ip, *d = s->domain, *w = where(v, s);
	const char *m = s->mechanism != NULL ? s->mechanism : "?";

	NOMEM_IF_NULL(w);
	if (s->reason == INKAN_SPF_REASON_DEFAULT) {
		/* RFC 7208 4.7: no match and no redirect: neutral */
		n->why = ik_verify_strf(v, "%s is not in the SPF record of %s, "
			"which has no \"all\" at its end (no statement either "
			"way)", ip, d);
		n->fix = ik_verify_strf(v, "add %s (or include your provider's "
			"SPF) and end the record with ~all or -all", ip);
		return INKAN_OK;
	}
	switch (s->result) {
	case INKAN_SPF_PASS:
		n->why = ik_verify_strf(v, "%s designates %s as a permitted "
			"sender (%s%s)", d, ip, m, w);
		return INKAN_OK;
	case INKAN_SPF_FAIL:
		n->why = is_all(s->mechanism) ?
			ik_verify_strf(v, "%s is not allowed to send for %s: "
			"its SPF record does not list it and ends in %s", ip, d,
			m) :
			ik_verify_strf(v, "%s matches %s%s, which the SPF "
			"record of %s marks as fail", ip, m, w, d);
		n->fix = ik_verify_strf(v, "if %s is your server or your "
			"provider's, add it (%s:%s) or include your provider's "
			"SPF; otherwise the mail is forged", ip, ip_mech(ip), ip);
		return INKAN_OK;
	case INKAN_SPF_SOFTFAIL:
		n->why = is_all(s->mechanism) ?
			ik_verify_strf(v, "%s is not in the SPF record of %s",
			ip, d) :
			ik_verify_strf(v, "%s matches %s%s, which the SPF "
			"record of %s marks as softfail", ip, m, w, d);
		n->fix = ik_verify_strf(v, "add it, or include your "
			"provider's SPF");
		return INKAN_OK;
	default:	/* neutral */
		n->why = is_all(s->mechanism) ?
			ik_verify_strf(v, "%s is not in the SPF record of %s, "
			"which ends in %s (no statement either way)", ip, d, m) :
			ik_verify_strf(v, "%s matches %s%s, which the SPF "
			"record of %s marks as neutral", ip, m, w, d);
		n->fix = ik_verify_strf(v, "add %s (or include your "
			"provider's SPF) and end the record with ~all or -all",
			ip);
		return INKAN_OK;
	}
}

static const char *
limit_text(inkan_verify *v, const inkan_spf_verdict *s)
{
	switch (s->limit) {
	case INKAN_LIMIT_SPF_DNS_TERMS:
		return ik_verify_strf(v, "the SPF record of %s needs more "
			"than %zu DNS lookups (RFC 7208 4.6.4)", s->domain,
			ik_limit(v->ctx, s->limit));
	case INKAN_LIMIT_SPF_VOID_LOOKUPS:
		return ik_verify_strf(v, "too many lookups in the SPF record "
			"of %s found no data (RFC 7208 4.6.4)", s->domain);
	case INKAN_LIMIT_SPF_MX_ADDRS:
		return ik_verify_strf(v, "an mx term in the SPF record of %s "
			"found too many MX records (RFC 7208 4.6.4)", s->domain);
	case INKAN_LIMIT_SPF_TIME_MS:
		return ik_verify_strf(v, "the SPF check of %s took longer "
			"than its time limit", s->domain);
	default:
		return ik_verify_strf(v, "the SPF check of %s went over a "
			"limit: %s", s->domain, s->problem ? s->problem : "");
	}
}

static const char *
limit_fix(inkan_verify *v, const inkan_spf_verdict *s)
{
	switch (s->limit) {
	case INKAN_LIMIT_SPF_DNS_TERMS:
		return ik_verify_strf(v, "remove includes you no longer use, "
			"or replace some with ip4:/ip6: ranges");
	case INKAN_LIMIT_SPF_VOID_LOOKUPS:
		return ik_verify_strf(v, "remove include, a, mx and exists "
			"terms that name domains without records");
	case INKAN_LIMIT_SPF_TIME_MS:
		return ik_verify_strf(v, "try again later");
	default:
		return ik_verify_strf(v, "list the addresses with ip4:/ip6: "
			"instead");
	}
}

static inkan_status
explain_error(inkan_verify *v, inkan_verify_note *n,
	const inkan_spf_verdict *s)
{
	const char *ed = s->error_domain ? s->error_domain : s->domain;
	const char *problem = s->problem ? s->problem : "";

	switch (s->reason) {
	case INKAN_SPF_REASON_DNS_ERROR:
		n->why = ik_verify_strf(v, "the DNS lookup of %s (%s) failed "
			"or timed out", ed,
			inkan_dns_type_name(s->error_qtype) ?
			inkan_dns_type_name(s->error_qtype) : "?");
		n->fix = ik_verify_strf(v, "try again later; if it lasts, "
			"check the name servers of %s", ed);
		break;
	case INKAN_SPF_REASON_LIMIT:
		n->why = limit_text(v, s);
		n->fix = limit_fix(v, s);
		break;
	case INKAN_SPF_REASON_SYNTAX:
		n->why = ik_verify_strf(v, "the SPF record of %s has an error "
			"at byte %zu: %s", ed, s->error_pos, problem);
		n->fix = ik_verify_strf(v, "correct the record (inkan spf "
			"--lint %s shows it)", s->domain);
		break;
	case INKAN_SPF_REASON_MULTIPLE_RECORDS:
		n->why = ik_verify_strf(v, "%s publishes more than one SPF "
			"record", ed);
		n->fix = ik_verify_strf(v, "merge them into one v=spf1 "
			"record");
		break;
	case INKAN_SPF_REASON_INCLUDE_NONE:
	case INKAN_SPF_REASON_REDIRECT_NONE:
		n->why = ik_verify_strf(v, "the SPF policy of %s %s %s, which "
			"has no SPF record", s->domain,
			s->reason == INKAN_SPF_REASON_INCLUDE_NONE ?
			"includes" : "redirects to", ed);
		n->fix = ik_verify_strf(v, "remove that term or correct the "
			"name");
		break;
	default:
		n->why = ik_verify_strf(v, "SPF of %s: %s", s->domain,
			problem);
		break;
	}
	NOMEM_IF_NULL(n->why);
	return INKAN_OK;
}

static inkan_status
explain_none(inkan_verify *v, inkan_verify_note *n,
	const inkan_spf_verdict *s)
{
	switch (s->reason) {
	case INKAN_SPF_REASON_NXDOMAIN:
		n->why = ik_verify_strf(v, "%s does not exist in DNS",
			s->domain);
		n->fix = ik_verify_strf(v, "send with a MAIL FROM domain that "
			"exists and publishes SPF");
		break;
	case INKAN_SPF_REASON_INVALID_DOMAIN:
		n->why = ik_verify_strf(v, "%s is not a domain SPF can check",
			s->domain);
		n->fix = ik_verify_strf(v, "use a fully qualified MAIL FROM "
			"domain");
		break;
	default:
		n->why = ik_verify_strf(v, "%s publishes no SPF record, so "
			"%s is neither allowed nor refused", s->domain,
			s->client_ip);
		n->fix = ik_verify_strf(v, "publish one at %s, e.g. \"v=spf1 "
			"%s:%s -all\" or include your provider's SPF", s->domain,
			ip_mech(s->client_ip), s->client_ip);
		break;
	}
	return INKAN_OK;
}

static inkan_status
not_checked(inkan_verify *v, inkan_verify_note *n)
{
	const struct ik_verify_spf *s = &v->spf;

	switch (v->res.spf_status) {
	case INKAN_VERIFY_SPF_NO_MAIL_FROM:
		n->why = ik_verify_strf(v, "no MAIL FROM was given, so SPF "
			"was not checked");
		n->fix = ik_verify_strf(v, "give the envelope sender (the "
			"Return-Path) to check SPF");
		break;
	case INKAN_VERIFY_SPF_NO_HELO:
		n->why = ik_verify_strf(v, "the null sender is checked as "
			"postmaster@HELO, and no HELO was given");
		n->fix = ik_verify_strf(v, "give the HELO name to check SPF");
		break;
	default:
		n->why = ik_verify_strf(v, "no client IP was given, so SPF "
			"was not checked%s%s", s->domain ? " for " : "",
			s->domain ? s->domain : "");
		n->fix = ik_verify_strf(v, "give the IP address of the server "
			"that sent the message to check SPF");
		break;
	}
	n->subject = s->domain ? ik_verify_strf(v, "%s", s->domain) : "";
	NOMEM_IF_NULL(n->subject);
	return INKAN_OK;
}

inkan_status
ik_verify_explain_spf(inkan_verify *v)
{
	const inkan_spf_verdict *s = v->res.spf;
	inkan_verify_note *n;
	inkan_status st;

	if (s == NULL) {
		n = ik_verify_note_add(v, "spf", "none", 1);
		n->detail = "not checked";
		st = not_checked(v, n);
	} else {
		n = ik_verify_note_add(v, "spf", inkan_spf_result_name(
			s->result), s->result != INKAN_SPF_PASS);
		n->subject = ik_verify_strf(v, "%s, client %s%s", s->domain,
			s->client_ip, v->spf.mail_from[0] == '\0' ?
			" (null sender: HELO checked)" : "");
		NOMEM_IF_NULL(n->subject);
		switch (s->result) {
		case INKAN_SPF_PASS:
		case INKAN_SPF_FAIL:
		case INKAN_SPF_SOFTFAIL:
		case INKAN_SPF_NEUTRAL:
			st = explain_match(v, n, s);
			break;
		case INKAN_SPF_NONE:
			st = explain_none(v, n, s);
			break;
		default:
			n->detail = inkan_spf_reason_name(s->reason);
			st = explain_error(v, n, s);
			break;
		}
	}
	if (st == INKAN_OK && n->why == NULL)
		st = INKAN_ERR_NOMEM;
	return st;
}
