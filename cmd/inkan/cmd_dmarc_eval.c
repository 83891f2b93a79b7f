/* SPDX-License-Identifier: MIT */
/*
 * cmd_dmarc_eval.c - `inkan dmarc --from DOMAIN | --message FILE ...`:
 * the DMARC verdict for authentication results given on the command line
 * (--spf RESULT with --mail-from / --helo, --dkim RESULT:DOMAIN, any
 * number), with the author taken from --from or from the From fields of
 * a message. Prints the verdict, the policy, the alignment of each
 * identity, the discovery trace and an Authentication-Results field.
 * Exit: 0 pass, 1 fail / none / permerror, 3 temperror.
 */
#include <stdio.h>
#include <string.h>

#include <inkan/address.h>
#include <inkan/authres.h>
#include <inkan/msg.h>

#include "cli.h"
#include "cmd_dmarc.h"

static const char *const align_names[] = {
	"not checked", "aligned", "not aligned", "unknown (DNS failure)",
	"refused: l= did not cover the body"
};
static const char *const align_codes[] = {
	"not_checked", "aligned", "not_aligned", "unknown", "partial_body"
};
static const char *const spf_names[] = { "none", "pass", "fail",
	"softfail", "neutral", "temperror", "permerror" };
static const char *const dkim_names[] = { "none", "pass", "fail",
	"policy", "neutral", "temperror", "permerror" };
static const char *const source_names[] = { "", "p", "sp", "np" };

static void
print_text(const struct cli *cli, const inkan_dmarc_eval *ev,
	const inkan_dmarc_result *r, const char *ar)
{
	FILE *o = cli->out;
	size_t i, n = inkan_dmarc_domain_count(ev);

	fprintf(o, "%s\n", inkan_dmarc_verdict_name(r->verdict));
	fprintf(o, "  reason: %s\n", r->reason);
	if (r->author_domain != NULL)
		fprintf(o, "  author domain: %s\n", r->author_domain);
	if (n > 1) {
		fprintf(o, "  author domains evaluated (the strictest "
			"outcome counts):\n");
		for (i = 0; i < n; i++) {
			const inkan_dmarc_result *d =
				inkan_dmarc_domain_result(ev, i);
			fprintf(o, "    %s: %s\n", d->author_domain,
				inkan_dmarc_verdict_name(d->verdict));
		}
	}
	if (r->record != NULL) {
		fprintf(o, "  record: _dmarc.%s \"%s\"\n", r->policy_domain,
			r->record->text);
		fprintf(o, "  organizational domain: %s\n",
			r->org_domain ? r->org_domain : "(not needed)");
		fprintf(o, "  policy: %s=%s", source_names[r->policy_source],
			inkan_dmarc_policy_name(r->policy_evaluated));
		if (r->verdict == INKAN_DMARC_FAIL)
			fprintf(o, ", applied %s, disposition %s",
				inkan_dmarc_policy_name(r->policy_applied),
				inkan_dmarc_disposition_name(r->disposition));
		if (r->override != INKAN_DMARC_OVERRIDE_NONE)
			fprintf(o, " (%s)", inkan_dmarc_override_name(
				r->override));
		fputc('\n', o);
	}
	if (r->spf.domain != NULL)
		fprintf(o, "  spf: %s for %s%s: %s\n",
			spf_names[r->spf.result], r->spf.domain,
			r->spf_is_helo ? " (HELO, null sender)" : "",
			align_names[r->spf.alignment]);
	for (i = 0; i < r->ndkim; i++)
		fprintf(o, "  dkim: %s for d=%s: %s\n",
			dkim_names[r->dkim[i].result],
			r->dkim[i].domain ? r->dkim[i].domain : "?",
			align_names[r->dkim[i].alignment]);
	fprintf(o, "  discovery: %s\n", inkan_dmarc_discovery_name(
		r->discovery));
	dmarc_print_trace(o, r->trace, r->ntrace);
	if (ar != NULL)
		fprintf(o, "%s\n", ar);
}

static void
json_identity(inkan_json *j, const inkan_dmarc_identity *id, int is_spf)
{
	inkan_json_object_begin(j);
	inkan_json_member_cstr(j, "domain", id->domain);
	inkan_json_member_cstr(j, "result", is_spf ? spf_names[id->result] :
		dkim_names[id->result]);
	inkan_json_member_cstr(j, "alignment", align_codes[id->alignment]);
	inkan_json_member_cstr(j, "org_domain", id->org_domain);
	inkan_json_object_end(j);
}

static void
json_result(inkan_json *j, const inkan_dmarc_result *r)
{
	size_t i;

	inkan_json_object_begin(j);
	inkan_json_member_cstr(j, "result", inkan_dmarc_verdict_name(
		r->verdict));
	inkan_json_member_cstr(j, "reason", r->reason);
	inkan_json_member_cstr(j, "author_domain", r->author_domain);
	inkan_json_member_cstr(j, "policy_domain", r->policy_domain);
	inkan_json_member_cstr(j, "organizational_domain", r->org_domain);
	inkan_json_member_cstr(j, "discovery", inkan_dmarc_discovery_name(
		r->discovery));
	inkan_json_member_cstr(j, "policy_source", r->policy_source ?
		source_names[r->policy_source] : NULL);
	inkan_json_member_cstr(j, "policy_evaluated", r->record ?
		inkan_dmarc_policy_name(r->policy_evaluated) : NULL);
	inkan_json_member_cstr(j, "policy_applied", r->record ?
		inkan_dmarc_policy_name(r->policy_applied) : NULL);
	inkan_json_member_cstr(j, "disposition", inkan_dmarc_disposition_name(
		r->disposition));
	inkan_json_member_cstr(j, "override", r->override ?
		inkan_dmarc_override_name(r->override) : NULL);
	inkan_json_member_bool(j, "testing", r->testing);
	inkan_json_member_bool(j, "sampled_out", r->sampled_out);
	inkan_json_key(j, "author_exists");
	if (r->author_exists < 0)
		inkan_json_null(j);
	else
		inkan_json_bool(j, r->author_exists);
	inkan_json_member_bool(j, "spf_aligned", r->spf_aligned);
	inkan_json_member_bool(j, "dkim_aligned", r->dkim_aligned);
	inkan_json_member_int(j, "from_flags", r->from_flags);
	inkan_json_key(j, "spf");
	if (r->spf.domain != NULL)
		json_identity(j, &r->spf, 1);
	else
		inkan_json_null(j);
	inkan_json_key(j, "dkim");
	inkan_json_array_begin(j);
	for (i = 0; i < r->ndkim; i++)
		json_identity(j, &r->dkim[i], 0);
	inkan_json_array_end(j);
	dmarc_json_record(j, r->record);
	dmarc_json_trace(j, r->trace, r->ntrace);
	inkan_json_object_end(j);
}

static int
print_json(struct cli *cli, const inkan_dmarc_eval *ev,
	const inkan_dmarc_result *r, const char *ar)
{
	inkan_json *j = cli_json_new(cli);
	size_t i, n = inkan_dmarc_domain_count(ev);
	int rc;

	if (j == NULL)
		return CLI_INTERNAL;
	inkan_json_object_begin(j);
	inkan_json_key(j, "verdict");
	json_result(j, r);
	inkan_json_key(j, "domains");
	inkan_json_array_begin(j);
	for (i = 0; i < n; i++)
		json_result(j, inkan_dmarc_domain_result(ev, i));
	inkan_json_array_end(j);
	inkan_json_member_cstr(j, "authentication_results", ar);
	inkan_json_object_end(j);
	rc = cli_json_finish(cli, j);
	inkan_json_free(j);
	return rc;
}

/* Authentication-Results with the dmarc= entry; NULL on failure. */
static char *
build_ar(const struct cli *cli, const struct dmarc_cli *o,
	const inkan_dmarc_result *r)
{
	inkan_authres_builder *b = NULL;
	char *text = NULL;

	if (inkan_authres_builder_new(cli->ctx, o->authserv_id, &b) !=
	    INKAN_OK)
		return NULL;
	/* Gmail's layout: the resinfo on one line */
	if (inkan_authres_builder_set_style(b, INKAN_AUTHRES_STYLE_NO_WRAP) !=
	    INKAN_OK || inkan_dmarc_authres_add(r, b) != INKAN_OK ||
	    inkan_authres_build(b, &text, NULL) != INKAN_OK)
		text = NULL;
	inkan_authres_builder_free(b);
	return text;
}

static int
set_author(struct cli *cli, struct dmarc_cli *o, inkan_dmarc_eval *ev,
	inkan_msg **msg, inkan_authors **authors)
{
	inkan_status st;

	if (o->from != NULL) {
		st = inkan_dmarc_set_author_domain(ev, o->from);
		if (st == INKAN_ERR_SYNTAX) {
			cli_error(cli, "--from %s is not a usable domain",
				o->from);
			return CLI_INPUT;
		}
		return st == INKAN_OK ? CLI_OK : cli_exit_for_status(st);
	}
	if ((st = inkan_msg_new(cli->ctx, msg)) != INKAN_OK)
		return cli_exit_for_status(st);
	if ((st = cli_read_message(cli, o->message, *msg)) != INKAN_OK)
		return cli_exit_for_status(st);
	st = inkan_authors_from_msg(cli->ctx, *msg, authors);
	if (st == INKAN_OK)
		st = inkan_dmarc_set_authors(ev, *authors);
	if (st != INKAN_OK) {
		cli_error(cli, "From: %s", inkan_strerror(st));
		return cli_exit_for_status(st);
	}
	return CLI_OK;
}

int
dmarc_evaluate(struct cli *cli, struct dmarc_cli *o)
{
	inkan_dmarc_eval *ev = NULL;
	inkan_msg *msg = NULL;
	inkan_authors *authors = NULL;
	const inkan_dmarc_result *r = NULL;
	char *ar = NULL;
	size_t i;
	inkan_status st;
	int rc;

	if ((st = inkan_dmarc_eval_new(cli->ctx, &o->opt, &ev)) != INKAN_OK) {
		cli_error(cli, "%s", inkan_strerror(st));
		return cli_exit_for_status(st);
	}
	rc = set_author(cli, o, ev, &msg, &authors);
	if (rc == CLI_OK && o->spf_given &&
	    (st = inkan_dmarc_set_spf(ev, o->spf, o->mail_from, o->helo)) !=
	    INKAN_OK) {
		cli_error(cli, "--spf: %s", inkan_strerror(st));
		rc = cli_exit_for_status(st);
	}
	for (i = 0; rc == CLI_OK && i < o->ndkim; i++)
		if ((st = inkan_dmarc_add_dkim(ev, o->dkim[i].result,
		    o->dkim[i].domain, o->dkim[i].selector,
		    o->dkim[i].partial)) != INKAN_OK) {
			if (st == INKAN_ERR_LIMIT)
				cli_fail(cli, "limit", "more than %llu --dkim "
					"results (the signature limit; raise it "
					"with --max-signatures N)",
					(unsigned long long)inkan_ctx_limit(
					cli->ctx, INKAN_LIMIT_DKIM_SIGNATURES));
			else
				cli_error(cli, "--dkim %s: %s",
					o->dkim[i].domain, inkan_strerror(st));
			rc = cli_exit_for_status(st);
		}
	if (rc == CLI_OK) {
		st = inkan_dmarc_evaluate(ev, &r);
		if (st != INKAN_OK) {
			cli_error(cli, "%s", inkan_strerror(st));
			rc = cli_exit_for_status(st);
		}
	}
	if (rc == CLI_OK) {
		ar = build_ar(cli, o, r);
		rc = r->verdict == INKAN_DMARC_PASS ? CLI_OK :
			r->verdict == INKAN_DMARC_TEMPERROR ? CLI_TEMPFAIL :
			CLI_VERDICT_FAIL;
		if (cli->json && print_json(cli, ev, r, ar) != CLI_OK)
			rc = CLI_INTERNAL;
		else if (!cli->json)
			print_text(cli, ev, r, ar);
	}
	inkan_free(cli->ctx, ar);
	inkan_dmarc_eval_free(ev);
	inkan_authors_free(authors);
	inkan_msg_free(msg);
	return rc;
}
