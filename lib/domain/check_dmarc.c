/* SPDX-License-Identifier: MIT */
/*
 * check_dmarc.c - the DMARC record, seen through the DMARC module's
 * inspector (the logic of `inkan dmarc DOMAIN`: RFC 9989 discovery and
 * policies), turned into findings with fixes:
 *  - where the record is (_dmarc.DOMAIN, or inherited from the
 *    organizational domain), several records (all ignored, 4.10), a
 *    record misplaced at the apex;
 *  - its tags: removed ones (pct, rf, ri), bad values, the policy stage
 *    (none -> quarantine -> reject), sp and np, t=y;
 *  - reporting: rua/ruf URIs, and for a destination outside the
 *    organizational domain the authorization record
 *    <domain>._report._dmarc.<destination> (RFC 7489 7.1, RFC 9990 3).
 */
#include <stdio.h>
#include <string.h>

#include "dmarc/dmarc_internal.h"
#include "domain/check_internal.h"

#define MAX_DEST 32

static void
apex(inkan_domain_checker *c, size_t it)
{
	const inkan_dns_answer *a;
	size_t i;

	if (c->apex_q == NULL || inkan_dns_wait(c->apex_q, &a) != INKAN_OK ||
	    a->outcome != INKAN_DNS_DATA)
		return;
	for (i = 0; i < a->nrrs; i++)
		if (ik_dmarc_is_record(a->rrs[i].u.txt.joined.data,
		    a->rrs[i].u.txt.joined.len, NULL)) {
			ik_check_find(c, it, INKAN_SEVERITY_ERROR, "dmarc-at-apex",
				ik_check_str(c, "move it: publish it at _dmarc.%s "
				"and delete it from %s", c->domain, c->domain),
				"a DMARC record is published at %s itself, "
				"where no receiver looks (RFC 9989 4.5: it "
				"belongs at _dmarc.%s)", c->domain, c->domain);
			ik_check_worsen(c, it, INKAN_DOMAIN_FAILED);
			return;
		}
}

/* where the set-up itself can make the change, say how */
static const char *
setup_fix(const inkan_finding *f)
{
	if (strcmp(f->code, "dmarc-p-none") == 0)
		return "when aggregate reports show all your mail passing, "
			"move to p=quarantine, later to p=reject (inkan "
			"domain setup --dmarc-policy quarantine)";
	if (strcmp(f->code, "dmarc-no-rua") == 0)
		return "add rua=mailto:ADDRESS (inkan domain setup --rua ...)";
	return f->fix;
}

/* the DMARC inspector's findings about the record that applies; the
 * check reports a missing or inherited record itself, with the set-up's
 * fix */
static void
record_findings(inkan_domain_checker *c, size_t it)
{
	const inkan_dmarc_inspection *v = c->dmarc;
	size_t i;

	for (i = 0; i < v->nfindings; i++) {
		const inkan_finding *f = &v->findings[i];

		if (strcmp(f->code, "dmarc-missing") == 0 ||
		    strcmp(f->code, "dmarc-inherited") == 0 ||
		    strcmp(f->code, "dmarc-unusable") == 0)
			continue;
		ik_check_find(c, it, f->severity, f->code, setup_fix(f), "%s",
			f->message);
		if (f->severity == INKAN_SEVERITY_ERROR)
			ik_check_worsen(c, it, INKAN_DOMAIN_FAILED);
	}
}

struct dest {
	const char *uri;
	char domain[IK_DOMAIN_NAME_MAX + 1];
	inkan_dns_query *q;
};

/* the domain of a mailto: URI, normalised; INKAN_ERR_SYNTAX when there
 * is none, INKAN_ERR_NOMEM when it could not be normalised */
static inkan_status
uri_domain(inkan_domain_checker *c, const char *uri, char *out)
{
	char tmp[IK_DOMAIN_NAME_MAX + 1];
	const char *at, *end;
	size_t n;
	inkan_status st;

	if (strncmp(uri, "mailto:", 7) != 0 ||
	    (at = strrchr(uri, '@')) == NULL)
		return INKAN_ERR_SYNTAX;
	end = at + 1 + strcspn(at + 1, "?");
	n = (size_t)(end - (at + 1));
	if (n == 0 || n > IK_DOMAIN_NAME_MAX)
		return INKAN_ERR_SYNTAX;
	memcpy(tmp, at + 1, n);
	tmp[n] = '\0';
	st = ik_domain_norm(c->ctx, tmp, out);
	return st == INKAN_OK || st == INKAN_ERR_NOMEM ? st :
		INKAN_ERR_SYNTAX;
}

static void
destinations(inkan_domain_checker *c, size_t it, const inkan_dmarc_record *r,
	const char *own)
{
	struct dest d[MAX_DEST];
	char name[2 * IK_DOMAIN_NAME_MAX + 20];
	const inkan_dns_answer *a;
	size_t n = 0, i, k;
	inkan_status st;

	for (i = 0; i < r->nrua + r->nruf && n < MAX_DEST; i++) {
		const char *uri = i < r->nrua ? r->rua[i].uri :
			r->ruf[i - r->nrua].uri;

		if (strncmp(uri, "mailto:", 7) != 0) {
			ik_check_find(c, it, INKAN_SEVERITY_NOTE, "dmarc-uri-scheme",
				"use a mailto: URI", "%s: receivers send "
				"reports by mail; other URI schemes are rarely "
				"served", uri);
			continue;
		}
		st = uri_domain(c, uri, d[n].domain);
		if (st == INKAN_ERR_NOMEM) {
			/* not a finding: the check as a whole failed */
			c->st = st;
			continue;
		}
		if (st != INKAN_OK) {
			ik_check_find(c, it, INKAN_SEVERITY_ERROR,
				"dmarc-uri-bad",
				"write mailto:user@domain", "%s has no usable "
				"address", uri);
			ik_check_worsen(c, it, INKAN_DOMAIN_FAILED);
			continue;
		}
		if (ik_domain_is_under(d[n].domain, own))
			continue;
		for (k = 0; k < n; k++)
			if (strcmp(d[k].domain, d[n].domain) == 0)
				break;
		if (k < n)
			continue;
		d[n].uri = uri;
		snprintf(name, sizeof(name), "%s._report._dmarc.%s",
			c->dmarc->policy_domain, d[n].domain);
		if (inkan_dns_start(inkan_ctx_resolver(c->ctx), name,
		    INKAN_DNS_TYPE_TXT, &d[n].q) != INKAN_OK)
			d[n].q = NULL;
		n++;
	}
	for (i = 0; i < n; i++) {
		int ok = 0;

		snprintf(name, sizeof(name), "%s._report._dmarc.%s",
			c->dmarc->policy_domain, d[i].domain);
		if (d[i].q == NULL || inkan_dns_wait(d[i].q, &a) != INKAN_OK ||
		    a->outcome == INKAN_DNS_TEMPFAIL) {
			ik_check_find(c, it, INKAN_SEVERITY_WARNING, "dmarc-auth-dns",
				"check again later", "could not look up %s",
				name);
			inkan_dns_query_free(d[i].q);
			continue;
		}
		for (k = 0; a->outcome == INKAN_DNS_DATA && k < a->nrrs; k++)
			if (ik_dmarc_is_record(a->rrs[k].u.txt.joined.data,
			    a->rrs[k].u.txt.joined.len, NULL))
				ok = 1;
		if (ok)
			ik_check_find(c, it, INKAN_SEVERITY_NOTE, "dmarc-auth-ok", NULL,
				"%s may receive reports: %s authorizes it",
				d[i].uri, name);
		else {
			ik_check_find(c, it, INKAN_SEVERITY_ERROR,
				"dmarc-rua-unauthorized", ik_check_str(c, "ask the "
				"owner of %s to publish TXT \"v=DMARC1\" at "
				"%s, or send reports to an address under %s",
				d[i].domain, name, own), "%s is outside %s and "
				"%s does not authorize it: receivers will not "
				"send reports there (RFC 7489 7.1)", d[i].uri,
				own, d[i].domain);
			ik_check_worsen(c, it, INKAN_DOMAIN_FAILED);
		}
		inkan_dns_query_free(d[i].q);
	}
}

void
ik_check_dmarc(inkan_domain_checker *c)
{
	const inkan_dmarc_inspection *v = c->dmarc;
	const inkan_dmarc_record *r;
	size_t it, i;
	int multiple = 0;

	it = ik_check_item_new(c, INKAN_DOMAIN_AREA_DMARC,
		ik_check_str(c, "_dmarc.%s", c->domain));
	if (it == SIZE_MAX)
		return;
	apex(c, it);
	if (c->dmarc_temp || v == NULL || v->status == INKAN_DMARC_TEMPERROR) {
		ik_check_status(c, it, INKAN_DOMAIN_TEMPORARY_FAILURE);
		ik_check_detail(c, it, "the DMARC lookup failed");
		return;
	}
	for (i = 0; i < v->ntrace; i++)
		if (v->trace[i].outcome == INKAN_DMARC_STEP_MULTIPLE &&
		    strcmp(v->trace[i].domain, c->domain) == 0)
			multiple = 1;
	if (multiple) {
		ik_check_worsen(c, it, INKAN_DOMAIN_FAILED);
		ik_check_find(c, it, INKAN_SEVERITY_ERROR, "dmarc-multiple",
			ik_check_str(c, "delete all but one record at _dmarc.%s",
			c->domain), "several DMARC records at _dmarc.%s: "
			"receivers ignore all of them (RFC 9989 4.10)",
			c->domain);
	}
	r = v->record;
	if (r == NULL || v->status != INKAN_DMARC_PASS) {
		ik_check_detail(c, it, r == NULL ? "no DMARC record applies" :
			"the record is not usable");
		if (!multiple && r == NULL) {
			ik_check_worsen(c, it, INKAN_DOMAIN_PENDING);
			ik_check_find(c, it, INKAN_SEVERITY_ERROR, "dmarc-missing",
				ik_check_str(c, "publish the DMARC record from `inkan "
				"domain setup` at _dmarc.%s", c->domain),
				"no DMARC record applies to %s: receivers "
				"apply no policy and send no reports, and "
				"Gmail requires one from bulk senders",
				c->domain);
		}
		if (r != NULL)
			record_findings(c, it);
		return;
	}
	ik_check_detail(c, it, "\"%s\"%s%s", r->text,
		strcmp(v->policy_domain, c->domain) != 0 ? " at _dmarc." : "",
		strcmp(v->policy_domain, c->domain) != 0 ? v->policy_domain :
		"");
	if (strcmp(v->policy_domain, c->domain) != 0)
		ik_check_find(c, it, INKAN_SEVERITY_NOTE, "dmarc-inherited",
			ik_check_str(c, "publish a record at _dmarc.%s to set this "
			"domain's own policy and reports", c->domain), "%s has "
			"no record of its own; the record of %s applies to it "
			"(as a subdomain)", c->domain, v->policy_domain);
	record_findings(c, it);
	destinations(c, it, r, v->org_domain != NULL ? v->org_domain :
		v->policy_domain);
}
