/* SPDX-License-Identifier: MIT */
/*
 * check_mailfrom.c - the custom MAIL FROM domain, as Amazon SES checks it
 * and as DMARC needs it:
 *  - a subdomain of the identity (SES requires it; DMARC's SPF alignment,
 *    RFC 9989 4.4.2, needs the same organizational domain);
 *  - exactly one MX, so bounces have one place to go (SES's rule; a null
 *    MX, RFC 7505, refuses them), naming a host that has an address
 *    (RFC 5321 5.1: the MX target is looked up for A/AAAA; one that has
 *    none cannot take a bounce);
 *  - aligned under the DMARC record's aspf: relaxed (the default) aligns
 *    a subdomain, strict never does (RFC 9989 4.4.2).
 * Its SPF record is an SPF item of its own (check_spf.c).
 */
#include <stdio.h>
#include <string.h>

#include "core/ascii.h"
#include "domain/check_internal.h"

/* does @host have an address? 1 yes, 0 no (NXDOMAIN or no A/AAAA),
 * -1 the lookups failed */
static int
has_address(inkan_domain_checker *c, const char *host)
{
	static const uint16_t types[] = { INKAN_DNS_TYPE_A,
		INKAN_DNS_TYPE_AAAA };
	inkan_resolver *r = inkan_ctx_resolver(c->ctx);
	inkan_dns_query *q[2] = { NULL, NULL };
	const inkan_dns_answer *a;
	int found = 0, temp = 0;
	size_t i;

	/* both questions out before waiting for either */
	for (i = 0; i < 2; i++)
		if (inkan_dns_start(r, host, types[i], &q[i]) != INKAN_OK)
			q[i] = NULL;
	for (i = 0; i < 2; i++) {
		if (q[i] == NULL || inkan_dns_wait(q[i], &a) != INKAN_OK)
			temp = 1;
		else if (a->outcome == INKAN_DNS_DATA && a->nrrs > 0)
			found = 1;
		else if (a->outcome == INKAN_DNS_TEMPFAIL)
			temp = 1;
		inkan_dns_query_free(q[i]);
	}
	return found ? 1 : temp ? -1 : 0;
}

/* each MX target (a few at most) must be a host with an address */
static void
mx_targets(inkan_domain_checker *c, size_t it, const inkan_dns_answer *a)
{
	size_t i;

	for (i = 0; i < a->nrrs && i < IK_CHECK_MX_TARGETS; i++) {
		const char *x = a->rrs[i].u.mx.exchange;
		int r;

		if (strcmp(x, ".") == 0)
			continue;
		r = has_address(c, x);
		if (r < 0) {
			ik_check_worsen(c, it, INKAN_DOMAIN_TEMPORARY_FAILURE);
			ik_check_find(c, it, INKAN_SEVERITY_WARNING,
				"mail-from-mx-target-dns", "check again later",
				"the address lookup of MX target %s failed", x);
		} else if (r == 0) {
			c->mf_ok = 0;
			ik_check_worsen(c, it, INKAN_DOMAIN_FAILED);
			ik_check_find(c, it, INKAN_SEVERITY_ERROR,
				"mail-from-mx-target",
				ik_check_str(c, "publish an A or AAAA record "
				"for %s, or point the MX of %s at a host that "
				"has one", x, c->mail_from), "the MX of %s "
				"points to %s, which has no address (A or "
				"AAAA): bounces cannot be delivered",
				c->mail_from, x);
		}
	}
}

static void
mx(inkan_domain_checker *c, size_t it)
{
	const inkan_dns_answer *a = NULL;
	size_t i;

	if (c->mx_q == NULL || inkan_dns_wait(c->mx_q, &a) != INKAN_OK ||
	    a->outcome == INKAN_DNS_TEMPFAIL) {
		ik_check_status(c, it, INKAN_DOMAIN_TEMPORARY_FAILURE);
		ik_check_detail(c, it, "the MX lookup failed");
		c->mf_ok = 0;
		return;
	}
	if (a->outcome != INKAN_DNS_DATA) {
		ik_check_worsen(c, it, INKAN_DOMAIN_PENDING);
		ik_check_find(c, it, INKAN_SEVERITY_ERROR, "mail-from-no-mx", "publish "
			"the MX record from `inkan domain setup`", "no MX "
			"record at %s: bounces to the MAIL FROM address have "
			"nowhere to go, and Amazon SES falls back to its own "
			"MAIL FROM, which does not align", c->mail_from);
		c->mf_ok = 0;
		return;
	}
	if (a->nrrs != 1) {
		ik_check_worsen(c, it, INKAN_DOMAIN_FAILED);
		ik_check_find(c, it, INKAN_SEVERITY_ERROR, "mail-from-mx-count",
			"keep exactly one MX record at the MAIL FROM name",
			"%zu MX records at %s: a custom MAIL FROM needs exactly "
			"one (Amazon SES refuses the set-up otherwise)",
			a->nrrs, c->mail_from);
		c->mf_ok = 0;
	}
	for (i = 0; i < a->nrrs; i++) {
		const char *x = a->rrs[i].u.mx.exchange;

		if (strcmp(x, ".") == 0) {
			ik_check_worsen(c, it, INKAN_DOMAIN_FAILED);
			ik_check_find(c, it, INKAN_SEVERITY_ERROR, "mail-from-null-mx",
				"point the MX at the host that takes bounces",
				"a null MX (RFC 7505): bounces are refused");
			c->mf_ok = 0;
		} else if (c->expected_mx != NULL && !ik_ascii_eqz(x,
		    strlen(x), c->expected_mx)) {
			ik_check_find(c, it, INKAN_SEVERITY_WARNING,
				"mail-from-mx-other", "publish the records "
				"again, or run setup with the right "
				"--mail-from-mx", "the MX points to %s, the "
				"identity says %s", x, c->expected_mx);
		}
	}
	mx_targets(c, it, a);
	if (a->nrrs == 1)
		ik_check_detail(c, it, "MX %u %s", a->rrs[0].u.mx.preference,
			a->rrs[0].u.mx.exchange);
	else
		ik_check_detail(c, it, "MX %u %s, MX %u %s%s",
			a->rrs[0].u.mx.preference, a->rrs[0].u.mx.exchange,
			a->rrs[1].u.mx.preference, a->rrs[1].u.mx.exchange,
			a->nrrs > 2 ? ", ..." : "");
}

static void
alignment(inkan_domain_checker *c, size_t it)
{
	const inkan_dmarc_inspection *v = c->dmarc;
	const char *org = v != NULL ? v->org_domain : NULL;
	int strict = v != NULL && v->record != NULL &&
		v->record->aspf == INKAN_DMARC_ALIGN_STRICT;

	if (strict && strcmp(c->mail_from, c->domain) != 0) {
		c->mf_aligns = 0;
		ik_check_worsen(c, it, INKAN_DOMAIN_FAILED);
		ik_check_find(c, it, INKAN_SEVERITY_ERROR, "mail-from-aspf-strict",
			"drop aspf=s from the DMARC record (relaxed is the "
			"default), or send with a MAIL FROM at the domain "
			"itself", "the DMARC record of %s has aspf=s (strict): "
			"SPF for MAIL FROM %s can never align with From %s, so "
			"DMARC rests on DKIM alone (RFC 9989 4.4.2)",
			v->policy_domain, c->mail_from, c->domain);
		return;
	}
	if (org == NULL) {
		c->mf_aligns = ik_domain_is_under(c->mail_from, c->domain);
		return;
	}
	/* relaxed: the same organizational domain */
	c->mf_aligns = ik_domain_is_under(c->mail_from, org);
	if (!c->mf_aligns) {
		ik_check_worsen(c, it, INKAN_DOMAIN_FAILED);
		ik_check_find(c, it, INKAN_SEVERITY_ERROR, "mail-from-unaligned",
			ik_check_str(c, "use a MAIL FROM under %s (for example "
			"bounce.%s)", org, c->domain), "MAIL FROM %s is outside "
			"the organizational domain %s: SPF can never align "
			"with From %s", c->mail_from, org, c->domain);
	}
}

void
ik_check_mail_from(inkan_domain_checker *c)
{
	size_t it = ik_check_item_new(c, INKAN_DOMAIN_AREA_MAIL_FROM, c->mail_from);

	if (it == SIZE_MAX)
		return;
	c->mf_ok = 1;
	if (!ik_domain_is_under(c->mail_from, c->domain) ||
	    strcmp(c->mail_from, c->domain) == 0) {
		c->mf_ok = 0;
		ik_check_worsen(c, it, INKAN_DOMAIN_FAILED);
		ik_check_find(c, it, INKAN_SEVERITY_ERROR, "mail-from-not-subdomain",
			ik_check_str(c, "use a subdomain such as bounce.%s (inkan "
			"domain setup --mail-from bounce)", c->domain),
			"MAIL FROM %s is not a subdomain of %s: Amazon SES "
			"requires one, and only a name under the same "
			"organizational domain lets SPF align", c->mail_from,
			c->domain);
	}
	mx(c, it);
	alignment(c, it);
}
