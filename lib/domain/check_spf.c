/* SPDX-License-Identifier: MIT */
/*
 * check_spf.c - SPF of the domain and of its MAIL FROM name, through the
 * SPF module's lint (inkan_spf_lint_domain): one record (RFC 7208 4.5),
 * syntax with the error's position, DNS-querying terms across nested
 * includes (4.6.4: more than 10 is a permerror), void lookups (more than
 * 2), ptr, +all / ?all, the record's size (3.4), a type 99 record (3.1),
 * include targets without a record (5.2).
 */
#include <stdio.h>
#include <string.h>

#include "domain/check_internal.h"

/* the lint's finding, its code prefixed "spf-" */
static void
issue(inkan_domain_checker *c, size_t it, const inkan_spf_lint *l,
	const inkan_spf_lint_issue *is)
{
	const inkan_finding *f = &is->finding;
	/* a failed lookup is for asking again, not a fault of the record */
	inkan_severity sev = strcmp(f->code, "dns-error") == 0 ?
		INKAN_SEVERITY_WARNING : f->severity;
	const char *where = "";
	int prefix;

	if (strcmp(f->code, "syntax") == 0 && is->pos != SIZE_MAX &&
	    l->record != NULL && strcmp(is->domain, l->domain) == 0 &&
	    is->pos <= l->record_len)
		where = ik_check_str(c, " (at \"%.24s\")", l->record + is->pos);
	/* name the record concerned unless the message already does */
	prefix = strcmp(is->domain, l->domain) != 0 &&
		strstr(f->message, is->domain) == NULL;
	ik_check_find(c, it, sev, ik_check_str(c, "spf-%s", f->code), f->fix,
		"%s%s%s%s", prefix ? is->domain : "", prefix ? ": " : "",
		f->message, where ? where : "");
	if (strcmp(f->code, "no-record") == 0)
		ik_check_worsen(c, it, INKAN_DOMAIN_PENDING);
	else if (strcmp(f->code, "dns-error") == 0 &&
	    strcmp(is->domain, l->domain) == 0)
		ik_check_worsen(c, it, INKAN_DOMAIN_TEMPORARY_FAILURE);
	else if (sev == INKAN_SEVERITY_ERROR)
		ik_check_worsen(c, it, INKAN_DOMAIN_FAILED);
}

void
ik_check_spf(inkan_domain_checker *c, const char *name, int is_mail_from)
{
	inkan_spf_lint *l = NULL;
	size_t it, i;
	int errors = 0;
	inkan_status st;

	it = ik_check_item_new(c, INKAN_DOMAIN_AREA_SPF, name);
	if (it == SIZE_MAX)
		return;
	st = inkan_spf_lint_domain(c->ctx, name, &l);
	if (st != INKAN_OK) {
		if (st == INKAN_ERR_NOMEM)
			c->st = st;
		ik_check_status(c, it, INKAN_DOMAIN_TEMPORARY_FAILURE);
		ik_check_detail(c, it, "SPF could not be checked: %s",
			inkan_strerror(st));
		return;
	}
	if (l->record != NULL)
		ik_check_detail(c, it, "\"%s\" (%u of 10 DNS lookups, %u of 2 "
			"lookups of names without records, %zu bytes)",
			l->record, l->dns_terms, l->void_lookups,
			l->record_len);
	else {
		int several = 0;

		for (i = 0; i < l->nissues; i++)
			if (strcmp(l->issues[i].finding.code,
			    "multiple-records") == 0 &&
			    strcmp(l->issues[i].domain, name) == 0)
				several = 1;
		ik_check_detail(c, it, several ? "several SPF records" :
			"no SPF record");
	}
	for (i = 0; i < l->nissues; i++) {
		issue(c, it, l, &l->issues[i]);
		if (l->issues[i].finding.severity == INKAN_SEVERITY_ERROR)
			errors++;
	}
	if (l->record != NULL && errors == 0 &&
	    c->items[it].pub.status == INKAN_DOMAIN_SUCCESS) {
		if (is_mail_from)
			c->spf_mf_ok = 1;
		else
			c->spf_domain_ok = 1;
	}
	inkan_spf_lint_free(l);
}
