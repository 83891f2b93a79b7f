/* SPDX-License-Identifier: MIT */
/*
 * cmd_spf.c - `inkan spf`: evaluate SPF (RFC 7208) for a client address
 * and a MAIL FROM (a null sender, "" or "<>", is checked as
 * postmaster@HELO) or a HELO identity, or lint a domain's SPF policy.
 *
 * Plain output: the result on the first line, the explanation on the
 * second for a fail; --trace adds every term evaluated, --header the
 * Received-SPF and Authentication-Results fields. --json prints every field of the verdict.
 * Exit: 0 pass, 1 any other result, 3 temperror, 2 usage, 4 bad zone
 * file, 5 internal. Lint: 0 no errors, 1 errors found, 3 DNS failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <inkan/authres.h>
#include <inkan/dns.h>
#include <inkan/json.h>
#include <inkan/spf.h>

#include "cli.h"
#include "cli_opt.h"
#include "commands.h"

static const char *
limit_name(inkan_limit l)
{
	switch (l) {
	case INKAN_LIMIT_SPF_DNS_TERMS:
		return "spf-dns-terms";
	case INKAN_LIMIT_SPF_VOID_LOOKUPS:
		return "spf-void-lookups";
	case INKAN_LIMIT_SPF_MX_ADDRS:
		return "spf-mx-addresses";
	case INKAN_LIMIT_SPF_PTR_NAMES:
		return "spf-ptr-names";
	case INKAN_LIMIT_SPF_TIME_MS:
		return "spf-time";
	default:
		return "other";
	}
}

static int
print_json(struct cli *cli, const inkan_spf_verdict *v, const char *header)
{
	inkan_json *j = cli_json_new(cli);
	const char *t;
	size_t i;
	int rc;

	if (j == NULL)
		return CLI_INTERNAL;
	inkan_json_object_begin(j);
	inkan_json_member_cstr(j, "result", inkan_spf_result_name(v->result));
	inkan_json_member_cstr(j, "identity", v->identity ==
		INKAN_SPF_IDENTITY_HELO ? "helo" : "mailfrom");
	inkan_json_member_cstr(j, "reason", inkan_spf_reason_name(v->reason));
	inkan_json_member_cstr(j, "domain", v->domain);
	inkan_json_member_cstr(j, "sender", v->sender);
	inkan_json_member_cstr(j, "client_ip", v->client_ip);
	inkan_json_member_cstr(j, "helo", v->helo);
	inkan_json_member_cstr(j, "mechanism", v->mechanism);
	inkan_json_member_cstr(j, "mechanism_domain", v->mechanism_domain);
	inkan_json_member_cstr(j, "explanation", v->explanation);
	inkan_json_member_bool(j, "explanation_from_domain",
		v->explanation_from_domain);
	inkan_json_member_cstr(j, "problem", v->problem);
	inkan_json_member_cstr(j, "error_domain", v->error_domain);
	inkan_json_member_cstr(j, "error_record", v->error_record);
	inkan_json_key(j, "error_pos");
	if (v->reason == INKAN_SPF_REASON_SYNTAX)
		inkan_json_uint(j, v->error_pos);
	else
		inkan_json_null(j);
	t = inkan_dns_type_name(v->error_qtype);
	inkan_json_member_cstr(j, "error_qtype", v->reason !=
		INKAN_SPF_REASON_DNS_ERROR ? NULL : t != NULL ? t : "?");
	inkan_json_member_cstr(j, "limit", v->reason == INKAN_SPF_REASON_LIMIT ?
		limit_name(v->limit) : NULL);
	inkan_json_member_int(j, "dns_terms", v->dns_terms);
	inkan_json_member_int(j, "void_lookups", v->void_lookups);
	inkan_json_key(j, "trace");
	inkan_json_array_begin(j);
	for (i = 0; i < v->ntrace; i++) {
		const inkan_spf_trace *tr = &v->trace[i];

		inkan_json_object_begin(j);
		inkan_json_member_cstr(j, "step", inkan_spf_step_name(tr->step));
		inkan_json_member_int(j, "depth", tr->depth);
		inkan_json_member_cstr(j, "domain", tr->domain);
		inkan_json_member_cstr(j, "term", tr->term);
		inkan_json_member_cstr(j, "target", tr->target);
		inkan_json_member_cstr(j, "note", tr->note);
		inkan_json_member_int(j, "dns_terms", tr->dns_terms);
		inkan_json_member_int(j, "void_lookups", tr->void_lookups);
		inkan_json_object_end(j);
	}
	inkan_json_array_end(j);
	inkan_json_member_bool(j, "trace_truncated", v->trace_truncated);
	inkan_json_member_cstr(j, "received_spf", header);
	inkan_json_object_end(j);
	rc = cli_json_finish(cli, j);
	inkan_json_free(j);
	return rc;
}

static void
print_trace(const struct cli *cli, const inkan_spf_verdict *v)
{
	size_t i;

	for (i = 0; i < v->ntrace; i++) {
		const inkan_spf_trace *t = &v->trace[i];

		fprintf(cli->out, "  %*s%-11s %s: %s", (int)t->depth * 2, "",
			inkan_spf_step_name(t->step), t->domain, t->term);
		if (t->target != NULL)
			fprintf(cli->out, " -> %s", t->target);
		if (t->note != NULL)
			fprintf(cli->out, "  (%s)", t->note);
		fprintf(cli->out, "  [terms %u, void %u]\n", t->dns_terms,
			t->void_lookups);
	}
	if (v->trace_truncated)
		fprintf(cli->out, "  (trace truncated)\n");
}

static void
print_text(const struct cli *cli, const inkan_spf_verdict *v, int trace,
	const char *header)
{
	FILE *o = cli->out;

	fprintf(o, "%s\n", inkan_spf_result_name(v->result));
	if (v->result == INKAN_SPF_FAIL && v->explanation != NULL)
		fprintf(o, "%s\n", v->explanation);
	if (cli->verbose || trace) {
		fprintf(o, "reason: %s", inkan_spf_reason_name(v->reason));
		if (v->mechanism != NULL)
			fprintf(o, " (%s in %s)", v->mechanism,
				v->mechanism_domain);
		if (v->problem != NULL)
			fprintf(o, ": %s", v->problem);
		if (v->error_domain != NULL)
			fprintf(o, " [%s]", v->error_domain);
		if (v->reason == INKAN_SPF_REASON_LIMIT)
			fprintf(o, " {limit %s}", limit_name(v->limit));
		fprintf(o, "\ndns terms: %u, void lookups: %u\n", v->dns_terms,
			v->void_lookups);
		if (v->error_record != NULL)
			fprintf(o, "record: %s\n        %*s^\n", v->error_record,
				(int)v->error_pos, "");
	}
	if (trace)
		print_trace(cli, v);
	if (header != NULL)
		fprintf(o, "%s\n", header);
}

/* the spf= resinfo in an Authentication-Results field (RFC 8601) */
static void
print_authres(const struct cli *cli, const inkan_spf_verdict *v,
	const char *receiver)
{
	inkan_authres_builder *b = NULL;
	char *text = NULL;

	if (inkan_authres_builder_new(cli->ctx, receiver != NULL ? receiver :
	    "localhost", &b) == INKAN_OK &&
	    inkan_authres_builder_set_style(b, INKAN_AUTHRES_STYLE_LF) ==
	    INKAN_OK &&
	    inkan_spf_authres_add(cli->ctx, b, v, receiver) == INKAN_OK &&
	    inkan_authres_build(b, &text, NULL) == INKAN_OK)
		fprintf(cli->out, "%s\n", text);
	inkan_free(cli->ctx, text);
	inkan_authres_builder_free(b);
}

static int
exit_for(inkan_spf_result r)
{
	if (r == INKAN_SPF_PASS)
		return CLI_OK;
	if (r == INKAN_SPF_TEMPERROR)
		return CLI_TEMPFAIL;
	return CLI_VERDICT_FAIL;
}

enum { O_IP = 'i', O_MAIL_FROM = 'm', O_HELO = 'H', O_TRACE = 't',
	O_EXPLANATION = 'e', O_RECEIVER = 'r', O_HEADER = 'R',
	O_SEQUENTIAL = 's', O_LINT = 'l' };

static const struct cli_opt spf_opts[] = {
	{ "ip", 0, O_IP, CLI_ARG_STRING, "IP", 0, 0,
	  "the SMTP client's address" },
	{ "mail-from", 0, O_MAIL_FROM, CLI_ARG_STRING, "ADDR", 0, 0,
	  "the envelope sender; '' or <> is the null sender (checked as "
	  "postmaster@HELO)" },
	{ "helo", 0, O_HELO, CLI_ARG_STRING, "NAME", 0, 0,
	  "the HELO/EHLO name" },
	{ "trace", 0, O_TRACE, CLI_ARG_NONE, NULL, 0, 0,
	  "every term evaluated, with counts" },
	{ "header", 0, O_HEADER, CLI_ARG_NONE, NULL, 0, 0,
	  "print Received-SPF and Authentication-Results" },
	{ "receiver", 0, O_RECEIVER, CLI_ARG_STRING, "NAME", 0, 0,
	  "this host's name (%{r}, Received-SPF)" },
	{ "default-explanation", 0, O_EXPLANATION, CLI_ARG_STRING, "TEXT",
	  0, 0, "for a fail without exp= (macros ok)" },
	{ "sequential", 0, O_SEQUENTIAL, CLI_ARG_NONE, NULL, 0, 0,
	  "one DNS question at a time (diagnosis)" },
	{ "lint", 0, O_LINT, CLI_ARG_STRING, "DOMAIN", 0, 0,
	  "lint DOMAIN's SPF policy instead" },
	{ NULL, 0, 0, CLI_ARG_NONE, NULL, 0, 0, NULL }
};

static int cmd_spf(struct cli *cli, int argc, char **argv);

const struct cli_command cmd_spf_command = {
	"spf", "evaluate SPF (RFC 7208) for a client IP and MAIL FROM or "
	"HELO, or lint a domain's SPF policy",
	"inkan spf --ip IP --mail-from ADDR [--helo NAME] [options]\n"
	"       inkan spf --ip IP --helo NAME [options]\n"
	"       inkan spf --lint DOMAIN", spf_opts,
	"Output: the result; for fail, the explanation on the second line.\n"
	"Exit status: 0 pass, 1 other results, 3 temperror.", cmd_spf, NULL
};

static int
cmd_spf(struct cli *cli, int argc, char **argv)
{
	inkan_spf_request req;
	inkan_spf_verdict *v = NULL;
	inkan_resolver *res = NULL;
	const char *lint = NULL;
	char *header = NULL;
	int id, rc, trace = 0, want_header = 0, have_mf = 0;
	inkan_status st;
	struct cli_args a;

	memset(&req, 0, sizeof(req));
	cli_args_init(&a, cli, argc, argv);
	while ((id = cli_opt_next(&a)) > 0) {
		switch (id) {
		case O_IP: req.client_ip = a.val; break;
		case O_MAIL_FROM: req.mail_from = a.val; have_mf = 1; break;
		case O_HELO: req.helo = a.val; break;
		case O_TRACE: trace = 1; break;
		case O_EXPLANATION: req.default_explanation = a.val; break;
		case O_RECEIVER: req.receiver = a.val; break;
		case O_HEADER: want_header = 1; break;
		case O_SEQUENTIAL: req.flags |= INKAN_SPF_FLAG_SEQUENTIAL; break;
		case O_LINT: lint = a.val; break;
		}
	}
	if (id < 0)
		return cli_args_end(&a);
	if (a.pos.n != 0) {
		cli_usage_error(cli, "too-many-arguments", "spf takes no "
			"operands ('%s')", a.pos.v[0]);
		cli_args_free(&a);
		return CLI_USAGE;
	}
	cli_args_free(&a);
	if (lint != NULL) {
		rc = cli_dns_resolver(cli, &res);
		if (rc != CLI_OK)
			return rc;
		rc = cmd_spf_lint(cli, lint);
		cli_dns_free(cli, res);
		return rc;
	}
	if (req.client_ip == NULL || (!have_mf && req.helo == NULL))
		return cli_usage_error(cli, "missing-option", "need --ip and "
			"--mail-from or --helo");
	if (have_mf && (req.mail_from[0] == '\0' ||
	    strcmp(req.mail_from, "<>") == 0) && req.helo == NULL) {
		return cli_usage_error(cli, "missing-option", "a null sender "
			"is checked as postmaster@HELO: give --helo");
	}
	if (trace || cli->json)
		req.flags |= INKAN_SPF_FLAG_TRACE;
	rc = cli_dns_resolver(cli, &res);
	if (rc != CLI_OK)
		return rc;
	st = inkan_spf_check(cli->ctx, &req, have_mf ?
	    INKAN_SPF_IDENTITY_MAILFROM : INKAN_SPF_IDENTITY_HELO, &v);
	if (st == INKAN_ERR_INVALID) {
		cli_error(cli, "invalid request (is --ip an IP address? is "
			"--default-explanation a valid explain-string?)");
		cli_dns_free(cli, res);
		return CLI_USAGE;
	}
	if (st != INKAN_OK) {
		cli_error(cli, "%s", inkan_strerror(st));
		cli_dns_free(cli, res);
		return cli_exit_for_status(st);
	}
	if ((want_header || cli->json) &&
	    inkan_spf_received_spf(cli->ctx, v, req.receiver,
	    INKAN_SPF_HDR_NO_FOLD, &header) != INKAN_OK)
		header = NULL;
	rc = exit_for(v->result);
	if (cli->json && print_json(cli, v, header) != CLI_OK)
		rc = CLI_INTERNAL;
	else if (!cli->json)
		print_text(cli, v, trace, want_header ? header : NULL);
	if (want_header && !cli->json)
		print_authres(cli, v, req.receiver);
	inkan_free(cli->ctx, header);
	inkan_spf_verdict_free(v);
	cli_dns_free(cli, res);
	return rc;
}
