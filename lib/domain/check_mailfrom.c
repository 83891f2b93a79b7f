/* SPDX-License-Identifier: MIT */
/*
 * check_mailfrom.c - the custom MAIL FROM domain, as Amazon SES checks it
 * and as DMARC needs it:
 *  - a subdomain of the identity (SES requires it; DMARC's SPF alignment,
 *    RFC 9989 4.4.2, needs the same organizational domain);
 *  - exactly one MX, so bounces have one place to go (SES's rule; a null
 *    MX, RFC 7505, refuses them);
 *  - aligned under the DMARC record's aspf: relaxed (the default) aligns
 *    a subdomain, strict never does (RFC 9989 4.4.2).
 * Its SPF record is an SPF item of its own (check_spf.c).
 */
#include <stdio.h>
#include <string.h>

#include "core/ascii.h"
#include "domain/check_internal.h"

static void
mx(inkan_domain_checker *c, size_t it)
{
	const inkan_dns_answer *a = NULL;
	size_t i;

	if (c->mx_q == NULL || inkan_dns_wait(c->mx_q, &a) != INKAN_OK ||
	    a->outcome == INKAN_DNS_TEMPFAIL) {
		ck_status(c, it, INKAN_DOMAIN_TEMPORARY_FAILURE);
		ck_detail(c, it, "the MX lookup failed");
		c->mf_ok = 0;
		return;
	}
	if (a->outcome != INKAN_DNS_DATA) {
		ck_worsen(c, it, INKAN_DOMAIN_PENDING);
		ck_find(c, it, INKAN_DOMAIN_ERROR, "mail-from-no-mx", "publish "
			"the MX record from `inkan domain setup`", "no MX "
			"record at %s: bounces to the MAIL FROM address have "
			"nowhere to go, and Amazon SES falls back to its own "
			"MAIL FROM, which does not align", c->mail_from);
		c->mf_ok = 0;
		return;
	}
	if (a->nrrs != 1) {
		ck_worsen(c, it, INKAN_DOMAIN_FAILED);
		ck_find(c, it, INKAN_DOMAIN_ERROR, "mail-from-mx-count",
			"keep exactly one MX record at the MAIL FROM name",
			"%zu MX records at %s: a custom MAIL FROM needs exactly "
			"one (Amazon SES refuses the set-up otherwise)",
			a->nrrs, c->mail_from);
		c->mf_ok = 0;
	}
	for (i = 0; i < a->nrrs; i++) {
		const char *x = a->rrs[i].u.mx.exchange;

		if (strcmp(x, ".") == 0) {
			ck_worsen(c, it, INKAN_DOMAIN_FAILED);
			ck_find(c, it, INKAN_DOMAIN_ERROR, "mail-from-null-mx",
				"point the MX at the host that takes bounces",
				"a null MX (RFC 7505): bounces are refused");
			c->mf_ok = 0;
		} else if (c->expected_mx != NULL && !ik_ascii_eqz(x,
		    strlen(x), c->expected_mx)) {
			ck_find(c, it, INKAN_DOMAIN_WARNING,
				"mail-from-mx-other", "publish the records "
				"again, or run setup with the right "
				"--mail-from-mx", "the MX points to %s, the "
				"identity says %s", x, c->expected_mx);
		}
	}
	if (a->nrrs == 1)
		ck_detail(c, it, "MX %u %s", a->rrs[0].u.mx.preference,
			a->rrs[0].u.mx.exchange);
	else
		ck_detail(c, it, "MX %u %s, MX %u %s%s",
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
		ck_worsen(c, it, INKAN_DOMAIN_FAILED);
		ck_find(c, it, INKAN_DOMAIN_ERROR, "mail-from-aspf-strict",
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
		ck_worsen(c, it, INKAN_DOMAIN_FAILED);
		ck_find(c, it, INKAN_DOMAIN_ERROR, "mail-from-unaligned",
			ck_str(c, "use a MAIL FROM under %s (for example "
			"bounce.%s)", org, c->domain), "MAIL FROM %s is outside "
			"the organizational domain %s: SPF can never align "
			"with From %s", c->mail_from, org, c->domain);
	}
}

void
ck_mail_from(inkan_domain_checker *c)
{
	size_t it = ck_item_new(c, INKAN_DOMAIN_AREA_MAIL_FROM, c->mail_from);

	if (it == SIZE_MAX)
		return;
	c->mf_ok = 1;
	if (!ik_domain_is_under(c->mail_from, c->domain) ||
	    strcmp(c->mail_from, c->domain) == 0) {
		c->mf_ok = 0;
		ck_worsen(c, it, INKAN_DOMAIN_FAILED);
		ck_find(c, it, INKAN_DOMAIN_ERROR, "mail-from-not-subdomain",
			ck_str(c, "use a subdomain such as bounce.%s (inkan "
			"domain setup --mail-from bounce)", c->domain),
			"MAIL FROM %s is not a subdomain of %s: Amazon SES "
			"requires one, and only a name under the same "
			"organizational domain lets SPF align", c->mail_from,
			c->domain);
	}
	mx(c, it);
	alignment(c, it);
}
