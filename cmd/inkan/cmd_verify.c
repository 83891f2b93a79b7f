/* SPDX-License-Identifier: MIT */
/*
 * cmd_verify.c - `inkan verify [FILE ...]`: verify the DKIM signatures of
 * one or more messages in one process (one key cache for all of them) and
 * print one line per signature, as an Authentication-Results "dkim=" entry
 * plus what a reader wants to know (algorithm, key size, reason).
 *
 * Keys come from DNS (--dns-zone / --dns-server, through the shared CLI
 * resolver) or, with --keys FILE, from a file of "qname record" lines
 * (OpenDKIM's TestPublicKeys form) without any DNS.
 *
 * --list FILE reads the message paths from FILE ("-": stdin), one per
 * line, for more messages than a command line holds. --authserv-id ID
 * prints an Authentication-Results field instead (inkan/authres.h).
 *
 * Exit: 0 every message has a passing signature; 1 some message has none;
 * 3 no pass and a temporary error; 4 unreadable input; 2 usage.
 *
 * That is the DKIM-only mode, chosen with --dkim-only, or by --keys
 * without an envelope option (a key file means offline DKIM: DMARC needs
 * DNS). Otherwise `inkan verify` gives the full receiving verdict: SPF
 * (when --ip is given), DKIM and DMARC with a summary and the combined
 * Authentication-Results field (cmd_verify_full.c, whose exit codes
 * differ: see there and docs/inkan.1).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <inkan/authres.h>
#include <inkan/dkim.h>
#include <inkan/dns.h>
#include <inkan/msg.h>

#include "cli.h"
#include "cli_mailbox.h"
#include "cmd_verify_full.h"
#include "commands.h"

static int64_t
fixed_clock(void *ud)
{
	return *(int64_t *)ud;
}

static void
print_text(const struct cli *cli, const char *name, int many,
	const inkan_dkim_result *r)
{
	char ar[1024];
	size_t len;

	if (inkan_dkim_result_authres(r, ar, sizeof(ar), &len) != INKAN_OK)
		snprintf(ar, sizeof(ar), "dkim=%s",
			inkan_dkim_verdict_str(r->verdict));
	if (many)
		fprintf(cli->out, "%s: ", name);
	fprintf(cli->out, "%s", ar);
	if (r->algorithm != NULL)
		fprintf(cli->out, " (%s", r->algorithm);
	if (r->key_bits > 0)
		fprintf(cli->out, ", %u-bit key", r->key_bits);
	if (r->algorithm != NULL)
		fputc(')', cli->out);
	if (r->testing)
		fputs(" [key in testing mode]", cli->out);
	if (r->has_length && r->verdict == INKAN_DKIM_PASS)
		fputs(r->dmarc_usable ? " [l=]" : " [l=: not used for DMARC]",
			cli->out);
	fputc('\n', cli->out);
}

static void
json_str_or_null(FILE *to, const char *s)
{
	if (s == NULL)
		fputs("null", to);
	else
		cli_json_string(to, s, strlen(s));
}

static void
print_json(const struct cli *cli, const inkan_dkim_result *r, int first)
{
	FILE *o = cli->out;

	fputs(first ? "{" : ",{", o);
	fprintf(o, "\"result\":\"%s\",\"reason\":",
		inkan_dkim_verdict_str(r->verdict));
	json_str_or_null(o, inkan_dkim_reason_str(r->reason));
	fputs(",\"d\":", o);
	json_str_or_null(o, r->domain);
	fputs(",\"i\":", o);
	json_str_or_null(o, r->auid);
	fputs(",\"s\":", o);
	json_str_or_null(o, r->selector);
	fputs(",\"a\":", o);
	json_str_or_null(o, r->algorithm);
	fputs(",\"b\":", o);
	json_str_or_null(o, r->b_prefix);
	fprintf(o, ",\"key_bits\":%u,\"partial_body\":%s,"
		"\"dmarc_usable\":%s,\"testing\":%s}", r->key_bits,
		r->partial_body ? "true" : "false",
		r->dmarc_usable ? "true" : "false",
		r->testing ? "true" : "false");
}

static inkan_status
feed_msg(void *arg, const char *data, size_t len)
{
	return inkan_msg_feed(arg, data, len);
}

/* DKIM only: a header over the parser's caps gets its line, permerror
 * naming the limit, as the full verdict does (docs/verify.md) */
static int
print_header_limit(struct cli_mail *m, inkan_status st, const char **label)
{
	const char *why = cli_mail_header_limit(m->cli, st);

	*label = "dkim=permerror";
	if (m->cli->json) {
		fputc('{', m->cli->out);
		cli_mail_json_origin(m);
		fputs(",\"signatures\":[{\"result\":\"permerror\","
			"\"reason\":", m->cli->out);
		cli_json_string(m->cli->out, why, strlen(why));
		fputs("}],\"skipped\":0}\n", m->cli->out);
		return CLI_VERDICT_FAIL;
	}
	fprintf(m->cli->out, "%s%sdkim=permerror (%s)\n", m->many ?
		m->name : "", m->many ? ": " : "", why);
	return CLI_VERDICT_FAIL;
}

/* the Authentication-Results field for all of @v's results */
static void
print_authres(struct cli *cli, const inkan_dkim_verify *v, const char *id)
{
	inkan_authres_builder *b = NULL;
	char *text = NULL;
	size_t i;
	inkan_status st;

	st = inkan_authres_builder_new(cli->ctx, id, &b);
	for (i = 0; st == INKAN_OK && i < inkan_dkim_verify_count(v); i++)
		st = inkan_dkim_result_to_authres(inkan_dkim_verify_result(v,
			i), b);
	if (st == INKAN_OK && inkan_dkim_verify_count(v) == 0)
		st = inkan_authres_builder_add(b, "dkim", NULL, "none");
	if (st == INKAN_OK)
		st = inkan_authres_build(b, &text, NULL);
	if (st == INKAN_OK)
		fprintf(cli->out, "%s\n", text);
	else
		cli_error(cli, "Authentication-Results: %s",
			inkan_strerror(st));
	inkan_free(cli->ctx, text);
	inkan_authres_builder_free(b);
}

struct verify_run {
	inkan_dkim *dkim;
	const char *authserv_id;
	const struct verify_full *full;	/* NULL: DKIM only */
};

/* verify one message (cli_mail_fn); returns an exit code for it */
static int
verify_one(struct cli_mail *m, void *arg, const char **label)
{
	const struct verify_run *run = arg;
	struct cli *cli = m->cli;
	const char *name = m->name, *authserv_id = run->authserv_id;
	int many = m->many;
	inkan_msg *msg = NULL;
	inkan_dkim_verify *v = NULL;
	inkan_status st;
	size_t i, n;
	int pass = 0, temp = 0, rc;

	if (run->full != NULL)
		return verify_full_file(cli, run->dkim, run->full, m, label);
	st = inkan_msg_new(cli->ctx, &msg);
	if (st == INKAN_OK)
		st = inkan_dkim_verify_new(run->dkim, msg, &v);
	if (st == INKAN_OK)
		st = cli_mail_stream(m, feed_msg, msg);
	if (st == INKAN_OK)
		st = inkan_msg_finish(msg);
	if (st == INKAN_OK && (st = inkan_dkim_verify_eom(v)) != INKAN_OK)
		cli_error(cli, "%s: %s", name, inkan_strerror(st));
	if (st != INKAN_OK) {
		inkan_dkim_verify_free(v);
		inkan_msg_free(msg);
		if (cli_mail_header_limit(cli, st) != NULL)
			return print_header_limit(m, st, label);
		return cli_mail_unreadable(m, st);
	}
	n = inkan_dkim_verify_count(v);
	if (authserv_id != NULL && !cli->json) {
		if (many)
			fprintf(cli->out, "%s:\n", name);
		print_authres(cli, v, authserv_id);
		for (i = 0; i < n; i++) {
			const inkan_dkim_result *r =
				inkan_dkim_verify_result(v, i);
			pass |= r->verdict == INKAN_DKIM_PASS;
			temp |= r->verdict == INKAN_DKIM_TEMPERROR;
		}
	} else if (cli->json) {
		fputc('{', cli->out);
		cli_mail_json_origin(m);
		fputs(",\"signatures\":[", cli->out);
	} else if (n == 0) {
		fprintf(cli->out, "%s%sdkim=none\n", many ? name : "",
			many ? ": " : "");
	}
	for (i = 0; i < n && (authserv_id == NULL || cli->json); i++) {
		const inkan_dkim_result *r = inkan_dkim_verify_result(v, i);
		pass |= r->verdict == INKAN_DKIM_PASS;
		temp |= r->verdict == INKAN_DKIM_TEMPERROR;
		if (cli->json)
			print_json(cli, r, i == 0);
		else
			print_text(cli, name, many, r);
	}
	if (cli->json)
		fprintf(cli->out, "],\"skipped\":%zu}\n",
			inkan_dkim_verify_skipped(v));
	rc = pass ? CLI_OK : temp ? CLI_TEMPFAIL : CLI_VERDICT_FAIL;
	*label = pass ? "dkim=pass" : temp ? "dkim=temperror" : n == 0 ?
		"dkim=none" : "dkim=fail";
	inkan_dkim_verify_free(v);
	inkan_msg_free(msg);
	return rc;
}

int
cmd_verify(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "keys", required_argument, NULL, 'k' },
		{ "allow-rsa-sha1", no_argument, NULL, '1' },
		{ "now", required_argument, NULL, 'n' },
		{ "list", required_argument, NULL, 'l' },
		{ "authserv-id", required_argument, NULL, 'a' },
		{ "ip", required_argument, NULL, 'I' },
		{ "helo", required_argument, NULL, 'H' },
		{ "mail-from", required_argument, NULL, 'M' },
		{ "dkim-only", no_argument, NULL, 'D' },
		{ "full", no_argument, NULL, 'F' },
		{ "mbox-format", required_argument, NULL, 'm' },
		{ "max-message-size", required_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 }
	};
	struct verify_full fullopt = { NULL, NULL, NULL, NULL }, *full;
	struct cli_mail_opts mail = { INKAN_MAILBOX_MBOXRD };
	struct verify_run run;
	int dkim_only = 0, envelope = 0;
	const char *keys = NULL, *list = NULL, *authserv_id = NULL;
	unsigned flags = 0;
	inkan_dkim *dkim = NULL;
	struct inkan_resolver *res = NULL;
	inkan_status st;
	int c, rc = CLI_OK;
	int64_t now = 0;
	char *end;

	optind = 1;
	while ((c = getopt_long(argc, argv, "k:", opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			keys = optarg;
			break;
		case '1':
			flags |= INKAN_DKIM_ALLOW_RSA_SHA1;
			break;
		case 'l':
			list = optarg;
			break;
		case 'a':
			authserv_id = optarg;
			break;
		case 'I':
			fullopt.ip = optarg;
			envelope = 1;
			break;
		case 'H':
			fullopt.helo = optarg;
			envelope = 1;
			break;
		case 'M':
			fullopt.mail_from = optarg;
			envelope = 1;
			break;
		case 'D':
			dkim_only = 1;
			break;
		case 'F':
			envelope = 1;
			break;
		case 'm':
		case 'S':
			if (cli_mail_option(cli, &mail, c == 'm' ?
			    "mbox-format" : "max-message-size", optarg) < 0)
				return CLI_USAGE;
			break;
		case 'n':
			now = strtoll(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || now <= 0) {
				cli_error(cli, "--now needs seconds since "
					"the epoch");
				return CLI_USAGE;
			}
			inkan_ctx_set_clock(cli->ctx, fixed_clock, &now);
			break;
		default:
			cli_usage(cli, stderr);
			return CLI_USAGE;
		}
	}
	/* the full verdict unless DKIM alone is asked for */
	fullopt.authserv_id = authserv_id;
	if (keys != NULL && !envelope)
		dkim_only = 1;
	full = dkim_only ? NULL : &fullopt;
	st = inkan_dkim_new(cli->ctx, &dkim);
	if (st != INKAN_OK) {
		cli_error(cli, "%s", inkan_strerror(st));
		return CLI_INTERNAL;
	}
	inkan_dkim_set_flags(dkim, flags);
	if (keys != NULL) {
		st = inkan_dkim_load_key_file(dkim, keys);
		if (st != INKAN_OK) {
			cli_error(cli, "%s: %s", keys, inkan_strerror(st));
			inkan_dkim_free(dkim);
			return st == INKAN_ERR_IO ? CLI_INPUT :
				cli_exit_for_status(st);
		}
	}
	if ((keys == NULL || full != NULL) &&
	    (rc = cli_dns_resolver(cli, &res)) != CLI_OK) {
		inkan_dkim_free(dkim);
		return rc;
	}
	run.dkim = dkim;
	run.authserv_id = authserv_id;
	run.full = full;
	rc = cli_mail_run(cli, &mail, argv + optind, (size_t)(argc - optind),
		list, verify_one, &run);
	inkan_dkim_free(dkim);
	cli_dns_free(cli, res);
	return rc;
}
