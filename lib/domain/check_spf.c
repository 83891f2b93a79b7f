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

struct fix {
	const char *code;
	inkan_domain_severity sev;	/* as we rate it */
	const char *fix;
};

/* how to repair what the lint found, in the order people meet it */
static const struct fix fixes[] = {
	{ "no-record", INKAN_DOMAIN_ERROR, "publish the SPF record from "
	  "`inkan domain setup` (a TXT record starting with \"v=spf1\")" },
	{ "multiple-records", INKAN_DOMAIN_ERROR, "merge them into one "
	  "record and delete the others: with two, every SPF check is a "
	  "permerror" },
	{ "syntax", INKAN_DOMAIN_ERROR, "correct the record at the position "
	  "shown; a record that does not parse makes every check a "
	  "permerror" },
	{ "no-version", INKAN_DOMAIN_ERROR, "start the record with "
	  "\"v=spf1\"" },
	{ "too-many-lookups", INKAN_DOMAIN_ERROR, "remove include/a/mx/"
	  "exists/redirect terms, or replace includes by the ip4:/ip6: "
	  "networks they stand for, to get to 10 or fewer" },
	{ "too-many-void", INKAN_DOMAIN_ERROR, "remove the terms that name "
	  "domains without records" },
	{ "void-lookup", INKAN_DOMAIN_WARNING, "remove the term or publish "
	  "the record it names; more than 2 such lookups are a permerror" },
	{ "include-no-record", INKAN_DOMAIN_ERROR, "remove the include, or "
	  "correct its domain: an include of a domain without SPF is a "
	  "permerror" },
	{ "redirect-no-record", INKAN_DOMAIN_ERROR, "correct the redirect "
	  "target" },
	{ "plus-all", INKAN_DOMAIN_ERROR, "end the record with ~all or "
	  "-all" },
	{ "neutral-all", INKAN_DOMAIN_WARNING, "end the record with ~all or "
	  "-all once every sending source is listed" },
	{ "ptr", INKAN_DOMAIN_WARNING, "list the addresses with ip4:/ip6: "
	  "or a: instead of ptr; receivers may skip ptr" },
	{ "record-size", INKAN_DOMAIN_WARNING, "shorten the record (ip4 "
	  "networks instead of single addresses, fewer includes)" },
	{ "spf-rr", INKAN_DOMAIN_NOTE, "delete the type 99 SPF record; only "
	  "the TXT record is used" },
	{ "dns-error", INKAN_DOMAIN_WARNING, "check again later; if it "
	  "stays, the name servers of that domain are at fault" },
	{ "loop", INKAN_DOMAIN_ERROR, "break the include loop" },
	{ "mx-too-many", INKAN_DOMAIN_ERROR, "use ip4:/ip6: or a: for those "
	  "hosts instead of mx" },
	{ "after-all", INKAN_DOMAIN_WARNING, "move the term before all, or "
	  "drop it" },
	{ "redirect-ignored", INKAN_DOMAIN_WARNING, "drop redirect= or the "
	  "all mechanism" },
};

static const struct fix *
fix_for(const char *code)
{
	size_t i;

	for (i = 0; i < sizeof(fixes) / sizeof(fixes[0]); i++)
		if (strcmp(fixes[i].code, code) == 0)
			return &fixes[i];
	return NULL;
}

/* findings keep a static code: the lint's code, prefixed */
static const char *
our_code(const char *code)
{
	static const char *const known[] = {
		"spf-no-record", "spf-multiple-records", "spf-syntax",
		"spf-no-version", "spf-too-many-lookups", "spf-too-many-void",
		"spf-void-lookup", "spf-include-no-record",
		"spf-redirect-no-record", "spf-plus-all", "spf-neutral-all",
		"spf-ptr", "spf-record-size", "spf-spf-rr", "spf-dns-error",
		"spf-loop", "spf-mx-too-many", "spf-after-all",
		"spf-redirect-ignored",
	};
	size_t i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strcmp(known[i] + 4, code) == 0)
			return known[i];
	return "spf-other";
}

static void
issue(inkan_domain_checker *c, size_t it, const inkan_spf_lint *l,
	const inkan_spf_lint_issue *is)
{
	const struct fix *fx = fix_for(is->code);
	inkan_domain_severity sev = fx != NULL ? fx->sev :
		(inkan_domain_severity)(is->severity > 2 ? 2 : is->severity);
	const char *where = "";
	int prefix;

	if (strcmp(is->code, "syntax") == 0 && is->pos != SIZE_MAX &&
	    l->record != NULL && strcmp(is->domain, l->domain) == 0 &&
	    is->pos <= l->record_len)
		where = ik_check_str(c, " (at \"%.24s\")", l->record + is->pos);
	/* name the record concerned unless the message already does */
	prefix = strcmp(is->domain, l->domain) != 0 &&
		strstr(is->message, is->domain) == NULL;
	ik_check_find(c, it, sev, our_code(is->code), fx ? fx->fix : NULL,
		"%s%s%s%s", prefix ? is->domain : "", prefix ? ": " : "",
		is->message, where ? where : "");
	if (strcmp(is->code, "no-record") == 0)
		ik_check_worsen(c, it, INKAN_DOMAIN_PENDING);
	else if (strcmp(is->code, "dns-error") == 0 &&
	    strcmp(is->domain, l->domain) == 0)
		ik_check_worsen(c, it, INKAN_DOMAIN_TEMPORARY_FAILURE);
	else if (sev == INKAN_DOMAIN_ERROR)
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
			if (strcmp(l->issues[i].code, "multiple-records") ==
			    0 && strcmp(l->issues[i].domain, name) == 0)
				several = 1;
		ik_check_detail(c, it, several ? "several SPF records" :
			"no SPF record");
	}
	for (i = 0; i < l->nissues; i++) {
		issue(c, it, l, &l->issues[i]);
		if (l->issues[i].severity >= 2)
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
