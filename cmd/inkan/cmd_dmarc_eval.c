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
json_identity(FILE *o, const inkan_dmarc_identity *id, int is_spf)
{
	fputc('{', o);
	dmarc_json_str(o, "domain", id->domain, 0);
	dmarc_json_str(o, "result", is_spf ? spf_names[id->result] :
		dkim_names[id->result], 1);
	dmarc_json_str(o, "alignment", align_codes[id->alignment], 1);
	dmarc_json_str(o, "org_domain", id->org_domain, 1);
	fputc('}', o);
}

static void
json_result(FILE *o, const inkan_dmarc_result *r)
{
	size_t i;

	fputc('{', o);
	dmarc_json_str(o, "result", inkan_dmarc_verdict_name(r->verdict), 0);
	dmarc_json_str(o, "reason", r->reason, 1);
	dmarc_json_str(o, "author_domain", r->author_domain, 1);
	dmarc_json_str(o, "policy_domain", r->policy_domain, 1);
	dmarc_json_str(o, "organizational_domain", r->org_domain, 1);
	dmarc_json_str(o, "discovery", inkan_dmarc_discovery_name(
		r->discovery), 1);
	dmarc_json_str(o, "policy_source", r->policy_source ?
		source_names[r->policy_source] : NULL, 1);
	dmarc_json_str(o, "policy_evaluated", r->record ?
		inkan_dmarc_policy_name(r->policy_evaluated) : NULL, 1);
	dmarc_json_str(o, "policy_applied", r->record ?
		inkan_dmarc_policy_name(r->policy_applied) : NULL, 1);
	dmarc_json_str(o, "disposition", inkan_dmarc_disposition_name(
		r->disposition), 1);
	dmarc_json_str(o, "override", r->override ?
		inkan_dmarc_override_name(r->override) : NULL, 1);
	fprintf(o, ",\"testing\":%s,\"sampled_out\":%s,\"author_exists\":%s",
		r->testing ? "true" : "false", r->sampled_out ? "true" : "false",
		r->author_exists < 0 ? "null" : r->author_exists ? "true" :
		"false");
	fprintf(o, ",\"spf_aligned\":%s,\"dkim_aligned\":%s,\"from_flags\":%u",
		r->spf_aligned ? "true" : "false",
		r->dkim_aligned ? "true" : "false", r->from_flags);
	fputs(",\"spf\":", o);
	if (r->spf.domain != NULL)
		json_identity(o, &r->spf, 1);
	else
		fputs("null", o);
	fputs(",\"dkim\":[", o);
	for (i = 0; i < r->ndkim; i++) {
		if (i)
			fputc(',', o);
		json_identity(o, &r->dkim[i], 0);
	}
	fputc(']', o);
	dmarc_json_record(o, r->record);
	dmarc_json_trace(o, r->trace, r->ntrace);
	fputc('}', o);
}

static void
print_json(struct cli *cli, const inkan_dmarc_eval *ev,
	const inkan_dmarc_result *r, const char *ar)
{
	FILE *o = cli->out;
	size_t i, n = inkan_dmarc_domain_count(ev);

	fputs("{\"verdict\":", o);
	json_result(o, r);
	fputs(",\"domains\":[", o);
	for (i = 0; i < n; i++) {
		if (i)
			fputc(',', o);
		json_result(o, inkan_dmarc_domain_result(ev, i));
	}
	fputc(']', o);
	dmarc_json_str(o, "authentication_results", ar, 1);
	fputs("}", o);
	cli_json_done(cli);
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
	    INKAN_OK)
		rc = cli_exit_for_status(st);
	for (i = 0; rc == CLI_OK && i < o->ndkim; i++)
		if ((st = inkan_dmarc_add_dkim(ev, o->dkim[i].result,
		    o->dkim[i].domain, o->dkim[i].selector,
		    o->dkim[i].partial)) != INKAN_OK)
			rc = cli_exit_for_status(st);
	if (rc == CLI_OK) {
		st = inkan_dmarc_evaluate(ev, &r);
		if (st != INKAN_OK) {
			cli_error(cli, "%s", inkan_strerror(st));
			rc = cli_exit_for_status(st);
		}
	}
	if (rc == CLI_OK) {
		ar = build_ar(cli, o, r);
		if (cli->json)
			print_json(cli, ev, r, ar);
		else
			print_text(cli, ev, r, ar);
		rc = r->verdict == INKAN_DMARC_PASS ? CLI_OK :
			r->verdict == INKAN_DMARC_TEMPERROR ? CLI_TEMPFAIL :
			CLI_VERDICT_FAIL;
	}
	inkan_free(cli->ctx, ar);
	inkan_dmarc_eval_free(ev);
	inkan_authors_free(authors);
	inkan_msg_free(msg);
	return rc;
}
