/* SPDX-License-Identifier: MIT */
/*
 * cmd_spf_lint.c - `inkan spf --lint DOMAIN`: what is wrong or risky in a
 * domain's SPF policy (inkan_spf_lint_domain), as text or JSON.
 * Exit: 0 no errors, 1 errors found, 3 a DNS failure got in the way.
 */
#include <stdio.h>
#include <string.h>

#include <inkan/spf.h>

#include "cli.h"
#include "commands.h"

#include <inkan/json.h>

static int
print_json(struct cli *cli, const inkan_spf_lint *l)
{
	inkan_json *j = cli_json_new(cli);
	size_t i;
	int rc;

	if (j == NULL)
		return CLI_INTERNAL;
	inkan_json_object_begin(j);
	inkan_json_member_cstr(j, "domain", l->domain);
	inkan_json_member_cstr(j, "record", l->record);
	inkan_json_member_int(j, "record_len", (int64_t)l->record_len);
	inkan_json_member_int(j, "dns_terms", l->dns_terms);
	inkan_json_member_int(j, "void_lookups", l->void_lookups);
	inkan_json_member_bool(j, "uses_ptr", l->uses_ptr);
	inkan_json_member_bool(j, "has_spf_rr", l->has_spf_rr);
	inkan_json_key(j, "issues");
	inkan_json_array_begin(j);
	for (i = 0; i < l->nissues; i++) {
		const inkan_spf_lint_issue *is = &l->issues[i];
		const inkan_finding *f = &is->finding;

		inkan_json_object_begin(j);
		inkan_json_member_cstr(j, "severity",
			inkan_severity_name(f->severity));
		inkan_json_member_cstr(j, "code", f->code);
		inkan_json_member_cstr(j, "domain", is->domain);
		inkan_json_member_cstr(j, "message", f->message);
		inkan_json_member_cstr(j, "fix", f->fix);
		inkan_json_key(j, "pos");
		if (is->pos == SIZE_MAX)
			inkan_json_null(j);
		else
			inkan_json_uint(j, is->pos);
		inkan_json_object_end(j);
	}
	inkan_json_array_end(j);
	inkan_json_object_end(j);
	rc = cli_json_finish(cli, j);
	inkan_json_free(j);
	return rc;
}

int
cmd_spf_lint(struct cli *cli, const char *domain)
{
	inkan_spf_lint *l = NULL;
	inkan_status st;
	size_t i;
	int errors = 0, dns = 0;

	st = inkan_spf_lint_domain(cli->ctx, domain, &l);
	if (st != INKAN_OK) {
		cli_error(cli, "%s", inkan_strerror(st));
		return cli_exit_for_status(st);
	}
	for (i = 0; i < l->nissues; i++) {
		if (l->issues[i].finding.severity == INKAN_SEVERITY_ERROR)
			errors++;
		if (strcmp(l->issues[i].finding.code, "dns-error") == 0)
			dns = 1;
	}
	if (cli->json) {
		if (print_json(cli, l) != CLI_OK)
			errors = -1;
	} else {
		fprintf(cli->out, "%s: %s\n", l->domain,
			l->record != NULL ? l->record : "(no SPF record)");
		fprintf(cli->out, "dns terms: %u (worst case), void lookups: "
			"%u, %zu bytes\n", l->dns_terms, l->void_lookups,
			l->record_len);
		for (i = 0; i < l->nissues; i++) {
			const inkan_spf_lint_issue *is = &l->issues[i];

			fprintf(cli->out, "%s [%s] %s: %s\n  fix: %s\n",
				inkan_severity_name(is->finding.severity),
				is->finding.code, is->domain,
				is->finding.message, is->finding.fix);
		}
	}
	inkan_spf_lint_free(l);
	if (errors < 0)
		return CLI_INTERNAL;
	if (dns)
		return CLI_TEMPFAIL;
	return errors ? CLI_VERDICT_FAIL : CLI_OK;
}
