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

static const char *
severity_name(int s)
{
	return s >= 2 ? "error" : s == 1 ? "warning" : "note";
}

static void
print_json(struct cli *cli, const inkan_spf_lint *l)
{
	FILE *o = cli->out;
	size_t i;

	fputs("{\"domain\":", o);
	cli_json_string(o, l->domain, strlen(l->domain));
	fputs(",\"record\":", o);
	if (l->record != NULL)
		cli_json_string(o, l->record, strlen(l->record));
	else
		fputs("null", o);
	fprintf(o, ",\"record_len\":%zu,\"dns_terms\":%u,\"void_lookups\":%u,"
		"\"uses_ptr\":%s,\"has_spf_rr\":%s,\"issues\":[",
		l->record_len, l->dns_terms, l->void_lookups,
		l->uses_ptr ? "true" : "false", l->has_spf_rr ? "true" : "false");
	for (i = 0; i < l->nissues; i++) {
		const inkan_spf_lint_issue *is = &l->issues[i];

		fprintf(o, "%s{\"severity\":\"%s\",\"code\":\"%s\",\"domain\":",
			i ? "," : "", severity_name(is->severity), is->code);
		cli_json_string(o, is->domain, strlen(is->domain));
		fputs(",\"message\":", o);
		cli_json_string(o, is->message, strlen(is->message));
		if (is->pos == SIZE_MAX)
			fputs(",\"pos\":null}", o);
		else
			fprintf(o, ",\"pos\":%zu}", is->pos);
	}
	fputs("]}", o);
	cli_json_done(cli);
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
		if (l->issues[i].severity >= 2)
			errors++;
		if (strcmp(l->issues[i].code, "dns-error") == 0)
			dns = 1;
	}
	if (cli->json) {
		print_json(cli, l);
	} else {
		fprintf(cli->out, "%s: %s\n", l->domain,
			l->record != NULL ? l->record : "(no SPF record)");
		fprintf(cli->out, "dns terms: %u (worst case), void lookups: "
			"%u, %zu bytes\n", l->dns_terms, l->void_lookups,
			l->record_len);
		for (i = 0; i < l->nissues; i++) {
			const inkan_spf_lint_issue *is = &l->issues[i];

			fprintf(cli->out, "%s [%s] %s: %s\n",
				severity_name(is->severity), is->code,
				is->domain, is->message);
		}
	}
	inkan_spf_lint_free(l);
	if (dns)
		return CLI_TEMPFAIL;
	return errors ? CLI_VERDICT_FAIL : CLI_OK;
}
