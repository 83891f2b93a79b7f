/* SPDX-License-Identifier: MIT */
/*
 * cmd_domain_selftest.c - `inkan domain selftest DOMAIN`: Amazon SES's
 * "send test email" without sending. The library does the work
 * (inkan_domain_selftest_run: a test message signed with the ACTIVE
 * keys, the custom MAIL FROM, a sending IP, verified as a receiver
 * would); this file prints what Gmail's "Show original" would show, and
 * for every result that is not a pass, why and the fix. DNS comes from
 * the global --dns-server / --dns-zone (check records before publishing
 * them with --dns-zone).
 *
 * Exit status: 0 SPF, every DKIM signature and DMARC pass; 1 something
 * does not; 3 a DNS failure got in the way; 4 no identity or keys.
 */
#include <stdio.h>
#include <string.h>

#include <inkan/domain.h>
#include <inkan/json.h>

#include "cli.h"
#include "cli_opt.h"
#include "cmd_domain.h"

enum { O_IP = 'i', O_STATE = 'd', O_AUTHSERV_ID = 'a', O_MESSAGE = 'M' };

static const struct cli_opt selftest_opts[] = {
	{ "ip", 0, O_IP, CLI_ARG_STRING, "IP", 0, 0,
	  "send from this IP (default: the identity's first SPF address)" },
	{ "state", 0, O_STATE, CLI_ARG_STRING, "DIR", 0, 0,
	  "the identity from `inkan domain setup` (default: the user's)" },
	{ "authserv-id", 0, O_AUTHSERV_ID, CLI_ARG_STRING, "ID", 0, 0,
	  "the receiver named in Authentication-Results" },
	{ "message", 0, O_MESSAGE, CLI_ARG_NONE, NULL, 0, 0,
	  "also print the signed test message" },
	{ NULL, 0, 0, CLI_ARG_NONE, NULL, 0, 0, NULL }
};

static int cmd_domain_selftest(struct cli *cli, int argc, char **argv);

const struct cli_command cmd_domain_selftest_command = {
	"selftest", "sign a test message with the active keys and verify it "
	"as a receiver would (no mail is sent)",
	"inkan domain selftest DOMAIN [--ip IP] [--state DIR] [--message]",
	selftest_opts,
	"Exit status: 0 SPF, DKIM and DMARC all pass, 1 something does not "
	"(the fix is printed), 3 DNS failure, 4 no identity or no active "
	"key.", cmd_domain_selftest, NULL
};

static void
print_text(struct cli *cli, const inkan_domain_selftest_result *r,
	int message)
{
	FILE *o = cli->out;
	size_t i;

	fprintf(o, "Test message (not sent): From %s, MAIL FROM %s, "
		"from IP %s\n\n", r->from, r->mail_from, r->client_ip);
	fprintf(o, "%-7s%s\n", "SPF:", r->spf);
	for (i = 0; i < r->ndkim; i++)
		fprintf(o, "%-7s%s\n", "DKIM:", r->dkim[i]);
	if (r->ndkim == 0)
		fprintf(o, "%-7s%s\n", "DKIM:", "(no signature)");
	fprintf(o, "%-7s%s\n\nThe receiver adds:\n%s\n", "DMARC:", r->dmarc,
		r->authres);
	for (i = 0; i < r->nnotes; i++) {
		const inkan_verify_note *n = &r->notes[i];

		if (!n->problem)
			continue;
		/* why names the domain and selector or IP itself */
		fprintf(o, "\n%s %s: %s\n", n->method, n->result, n->why);
		if (n->fix != NULL)
			fprintf(o, "  fix: %s\n", n->fix);
	}
	for (i = 0; i < r->nadvice; i++)
		fprintf(o, "\nnote: %s\n", r->advice[i]);
	if (message)
		fprintf(o, "\n%s", r->message);
	fprintf(o, "\nselftest: %s\n", r->passed ? "pass" : "FAIL");
}

static int
print_json(struct cli *cli, const inkan_domain_selftest_result *r,
	int message)
{
	inkan_json *j = cli_json_new(cli);
	size_t i;
	int rc;

	if (j == NULL)
		return CLI_INTERNAL;
	inkan_json_object_begin(j);
	inkan_json_member_bool(j, "passed", r->passed);
	inkan_json_member_bool(j, "temporary", r->temporary);
	inkan_json_member_cstr(j, "outcome",
		inkan_verify_outcome_name(r->outcome));
	inkan_json_member_cstr(j, "from", r->from);
	inkan_json_member_cstr(j, "mail_from", r->mail_from);
	inkan_json_member_cstr(j, "client_ip", r->client_ip);
	inkan_json_member_cstr(j, "spf", r->spf);
	inkan_json_key(j, "dkim");
	inkan_json_array_begin(j);
	for (i = 0; i < r->ndkim; i++)
		inkan_json_cstr(j, r->dkim[i]);
	inkan_json_array_end(j);
	inkan_json_member_cstr(j, "dmarc", r->dmarc);
	inkan_json_member_cstr(j, "authentication_results", r->authres);
	inkan_json_key(j, "notes");
	inkan_json_array_begin(j);
	for (i = 0; i < r->nnotes; i++) {
		const inkan_verify_note *n = &r->notes[i];

		inkan_json_object_begin(j);
		inkan_json_member_cstr(j, "method", n->method);
		inkan_json_member_cstr(j, "result", n->result);
		inkan_json_member_bool(j, "problem", n->problem);
		inkan_json_member_cstr(j, "subject", n->subject);
		inkan_json_member_cstr(j, "why", n->why);
		inkan_json_member_cstr(j, "fix", n->fix);
		inkan_json_object_end(j);
	}
	inkan_json_array_end(j);
	inkan_json_key(j, "advice");
	inkan_json_array_begin(j);
	for (i = 0; i < r->nadvice; i++)
		inkan_json_cstr(j, r->advice[i]);
	inkan_json_array_end(j);
	if (message)
		inkan_json_member_cstr(j, "message", r->message);
	inkan_json_object_end(j);
	rc = cli_json_finish(cli, j);
	inkan_json_free(j);
	return rc;
}

static int
cmd_domain_selftest(struct cli *cli, int argc, char **argv)
{
	const char *state = NULL, *domain;
	inkan_domain_selftest_options so;
	inkan_domain_selftest *t = NULL;
	const inkan_domain_selftest_result *res;
	inkan_domain *d = NULL;
	inkan_resolver *r = NULL;
	char dir[DOMAIN_PATH_MAX];
	int id, rc, message = 0;
	inkan_status st;
	struct cli_args a;

	memset(&so, 0, sizeof(so));
	cli_args_init(&a, cli, argc, argv);
	while ((id = cli_opt_next(&a)) > 0) {
		switch (id) {
		case O_IP: so.client_ip = a.val; break;
		case O_STATE: state = a.val; break;
		case O_AUTHSERV_ID: so.authserv_id = a.val; break;
		case O_MESSAGE: message = 1; break;
		}
	}
	if (id < 0)
		return cli_args_end(&a);
	if (a.pos.n != 1) {
		rc = cli_usage_error(cli, a.pos.n ? "too-many-arguments" :
			"missing-argument", "selftest takes one DOMAIN");
		goto out;
	}
	domain = a.pos.v[0];
	/* the identity must be there, and for this domain */
	if ((rc = domain_state_dir(cli, state, domain, dir, sizeof(dir))) !=
	    CLI_OK || (rc = domain_load(cli, dir, domain, 1, &d)) != CLI_OK)
		goto out;
	if (so.client_ip == NULL &&
	    inkan_domain_get_view(d)->nspf_ips == 0) {
		rc = cli_usage_error(cli, "missing-option", "the identity "
			"lists no sending IP (only SPF includes): give --ip");
		goto out;
	}
	if ((rc = cli_dns_resolver(cli, &r)) != CLI_OK)
		goto out;
	st = inkan_domain_selftest_run(cli->ctx, dir, &so, &t, &res);
	if (st == INKAN_ERR_INVALID) {
		rc = cli_usage_error(cli, "bad-value", "--ip %s is not an IP "
			"address", so.client_ip ? so.client_ip : "");
		goto out;
	}
	if (st != INKAN_OK) {
		cli_error(cli, "%s", st == INKAN_ERR_NOT_FOUND ? "no ACTIVE "
			"key in the identity (run `inkan domain setup` or "
			"finish the rotation)" : inkan_strerror(st));
		rc = st == INKAN_ERR_NOT_FOUND ? CLI_INPUT :
			cli_exit_for_status(st);
		goto out;
	}
	if (cli->json)
		rc = print_json(cli, res, message);
	else {
		print_text(cli, res, message);
		rc = CLI_OK;
	}
	if (rc == CLI_OK)
		rc = res->passed ? CLI_OK : res->temporary ? CLI_TEMPFAIL :
			CLI_VERDICT_FAIL;
out:
	inkan_domain_selftest_free(t);
	cli_dns_free(cli, r);
	inkan_domain_free(d);
	cli_args_free(&a);
	return rc;
}
