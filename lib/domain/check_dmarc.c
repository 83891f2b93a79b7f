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
			ck_find(c, it, INKAN_DOMAIN_ERROR, "dmarc-at-apex",
				ck_str(c, "move it: publish it at _dmarc.%s "
				"and delete it from %s", c->domain, c->domain),
				"a DMARC record is published at %s itself, "
				"where no receiver looks (RFC 9989 4.5: it "
				"belongs at _dmarc.%s)", c->domain, c->domain);
			ck_worsen(c, it, INKAN_DOMAIN_FAILED);
			return;
		}
}

static void
warnings(inkan_domain_checker *c, size_t it, const inkan_dmarc_record *r)
{
	size_t i;

	for (i = 0; i < r->nwarnings; i++) {
		const inkan_dmarc_warning *w = &r->warnings[i];

		switch (w->code) {
		case INKAN_DMARC_WARN_REMOVED_TAG:
			ck_find(c, it, INKAN_DOMAIN_WARNING,
				"dmarc-removed-tag", "delete the tag: RFC 9989 "
				"removed pct, rf and ri and receivers ignore "
				"them", "%s", w->text);
			break;
		case INKAN_DMARC_WARN_NO_POLICY:
			ck_find(c, it, INKAN_DOMAIN_ERROR, "dmarc-no-policy",
				"write p=none, p=quarantine or p=reject", "%s",
				w->text);
			ck_worsen(c, it, INKAN_DOMAIN_FAILED);
			break;
		case INKAN_DMARC_WARN_FO_WITHOUT_RUF:
			ck_find(c, it, INKAN_DOMAIN_NOTE, "dmarc-fo", "drop fo= "
				"or add ruf=", "%s", w->text);
			break;
		default:
			ck_find(c, it, INKAN_DOMAIN_WARNING, "dmarc-tag",
				"correct the tag as the message says", "%s",
				w->text);
			break;
		}
	}
}

static void
stage(inkan_domain_checker *c, size_t it, const inkan_dmarc_record *r)
{
	if (r->p == INKAN_DMARC_POLICY_NONE)
		ck_find(c, it, INKAN_DOMAIN_NOTE, "dmarc-p-none", "when the "
			"aggregate reports show all your mail passing, move to "
			"p=quarantine, later to p=reject (inkan domain setup "
			"--dmarc-policy quarantine)", "p=none: monitoring only, "
			"the first stage of a roll-out; failing mail is still "
			"delivered");
	else if (r->p == INKAN_DMARC_POLICY_QUARANTINE)
		ck_find(c, it, INKAN_DOMAIN_NOTE, "dmarc-p-quarantine",
			"once reports stay clean, move to p=reject",
			"p=quarantine: failing mail goes to spam");
	if (r->p != INKAN_DMARC_POLICY_NONE && r->p != INKAN_DMARC_POLICY_ABSENT
	    && r->sp == INKAN_DMARC_POLICY_NONE)
		ck_find(c, it, INKAN_DOMAIN_WARNING, "dmarc-sp-none", "drop "
			"sp=none so subdomains get p's policy", "sp=none: "
			"mail claiming to be from any subdomain is not "
			"protected, while %s itself is", c->domain);
	if (r->p == INKAN_DMARC_POLICY_REJECT &&
	    r->np == INKAN_DMARC_POLICY_ABSENT &&
	    r->sp != INKAN_DMARC_POLICY_REJECT)
		ck_find(c, it, INKAN_DOMAIN_NOTE, "dmarc-np", "add np=reject",
			"non-existent subdomains get the subdomain policy; "
			"np=reject (RFC 9989 4.7) rejects mail from made-up "
			"names outright");
	if (r->testing)
		ck_find(c, it, INKAN_DOMAIN_WARNING, "dmarc-testing", "remove "
			"t=y when you mean the policy", "t=y: test mode, "
			"receivers apply the policy one level softer");
	if (r->adkim == INKAN_DMARC_ALIGN_STRICT)
		ck_find(c, it, INKAN_DOMAIN_NOTE, "dmarc-adkim-strict", NULL,
			"adkim=s: DKIM aligns only when d= is exactly the From "
			"domain (the keys set up here sign d=%s, which is "
			"fine)", c->domain);
	if (r->nrua == 0)
		ck_find(c, it, INKAN_DOMAIN_WARNING, "dmarc-no-rua", "add "
			"rua=mailto:ADDRESS (inkan domain setup --rua ...)",
			"no rua: receivers send no aggregate reports, so you "
			"cannot see what fails before tightening the policy");
	if (r->nruf > 0)
		ck_find(c, it, INKAN_DOMAIN_NOTE, "dmarc-ruf", NULL, "ruf: few "
			"receivers send failure reports, and those may carry "
			"personal data of the recipients");
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
			ck_find(c, it, INKAN_DOMAIN_NOTE, "dmarc-uri-scheme",
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
			ck_find(c, it, INKAN_DOMAIN_ERROR, "dmarc-uri-bad",
				"write mailto:user@domain", "%s has no usable "
				"address", uri);
			ck_worsen(c, it, INKAN_DOMAIN_FAILED);
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
			ck_find(c, it, INKAN_DOMAIN_WARNING, "dmarc-auth-dns",
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
			ck_find(c, it, INKAN_DOMAIN_NOTE, "dmarc-auth-ok", NULL,
				"%s may receive reports: %s authorizes it",
				d[i].uri, name);
		else {
			ck_find(c, it, INKAN_DOMAIN_ERROR,
				"dmarc-rua-unauthorized", ck_str(c, "ask the "
				"owner of %s to publish TXT \"v=DMARC1\" at "
				"%s, or send reports to an address under %s",
				d[i].domain, name, own), "%s is outside %s and "
				"%s does not authorize it: receivers will not "
				"send reports there (RFC 7489 7.1)", d[i].uri,
				own, d[i].domain);
			ck_worsen(c, it, INKAN_DOMAIN_FAILED);
		}
		inkan_dns_query_free(d[i].q);
	}
}

void
ck_dmarc(inkan_domain_checker *c)
{
	const inkan_dmarc_inspection *v = c->dmarc;
	const inkan_dmarc_record *r;
	size_t it, i;
	int multiple = 0;

	it = ck_item_new(c, INKAN_DOMAIN_AREA_DMARC,
		ck_str(c, "_dmarc.%s", c->domain));
	if (it == SIZE_MAX)
		return;
	apex(c, it);
	if (c->dmarc_temp || v == NULL || v->status == INKAN_DMARC_TEMPERROR) {
		ck_status(c, it, INKAN_DOMAIN_TEMPORARY_FAILURE);
		ck_detail(c, it, "the DMARC lookup failed");
		return;
	}
	for (i = 0; i < v->ntrace; i++)
		if (v->trace[i].outcome == INKAN_DMARC_STEP_MULTIPLE &&
		    strcmp(v->trace[i].domain, c->domain) == 0)
			multiple = 1;
	if (multiple) {
		ck_worsen(c, it, INKAN_DOMAIN_FAILED);
		ck_find(c, it, INKAN_DOMAIN_ERROR, "dmarc-multiple",
			ck_str(c, "delete all but one record at _dmarc.%s",
			c->domain), "several DMARC records at _dmarc.%s: "
			"receivers ignore all of them (RFC 9989 4.10)",
			c->domain);
	}
	r = v->record;
	if (r == NULL || v->status != INKAN_DMARC_PASS) {
		ck_detail(c, it, r == NULL ? "no DMARC record applies" :
			"the record is not usable");
		if (!multiple && r == NULL) {
			ck_worsen(c, it, INKAN_DOMAIN_PENDING);
			ck_find(c, it, INKAN_DOMAIN_ERROR, "dmarc-missing",
				ck_str(c, "publish the DMARC record from `inkan "
				"domain setup` at _dmarc.%s", c->domain),
				"no DMARC record applies to %s: receivers "
				"apply no policy and send no reports, and "
				"Gmail requires one from bulk senders",
				c->domain);
		}
		if (r != NULL)
			warnings(c, it, r);
		return;
	}
	ck_detail(c, it, "\"%s\"%s%s", r->text,
		strcmp(v->policy_domain, c->domain) != 0 ? " at _dmarc." : "",
		strcmp(v->policy_domain, c->domain) != 0 ? v->policy_domain :
		"");
	if (strcmp(v->policy_domain, c->domain) != 0)
		ck_find(c, it, INKAN_DOMAIN_NOTE, "dmarc-inherited",
			ck_str(c, "publish a record at _dmarc.%s to set this "
			"domain's own policy and reports", c->domain), "%s has "
			"no record of its own; the record of %s applies to it "
			"(as a subdomain)", c->domain, v->policy_domain);
	warnings(c, it, r);
	stage(c, it, r);
	destinations(c, it, r, v->org_domain != NULL ? v->org_domain :
		v->policy_domain);
}
