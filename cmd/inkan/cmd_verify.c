/* SPDX-License-Identifier: MIT */
/*
 * cmd_verify.c - `inkan verify [FILE ...]`: verify one or more messages
 * in one process (one key cache for all of them).
 *
 * By default the full receiving verdict: SPF (when --ip is given), DKIM
 * and DMARC with a summary and the combined Authentication-Results field
 * (cmd_verify_full.c). With --dkim-only, or --keys without an envelope
 * option (a key file means offline DKIM: DMARC needs DNS), one line per
 * DKIM signature, as an Authentication-Results "dkim=" entry plus what a
 * reader wants to know (algorithm, key size, reason); --authserv-id ID
 * prints an Authentication-Results field instead.
 *
 * Keys come from DNS (--dns-zone / --dns-server, through the shared CLI
 * resolver) or, with --keys FILE, from a file of "qname record" lines
 * (OpenDKIM's TestPublicKeys form) without any DNS. --list FILE reads the
 * message paths from FILE ("-": stdin), one per line, of any length.
 *
 * Every FILE may be a message, an mbox, a Maildir or "-" (cli_mailbox.c);
 * each message in it goes through verify_one(); with --json every message gets
 * exactly one JSON line, a message that cannot be read included (JSON
 * Lines, docs/inkan.1). The exit code is the worst over all messages.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <inkan/authres.h>
#include <inkan/dkim.h>
#include <inkan/dns.h>
#include <inkan/json.h>
#include <inkan/msg.h>

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

/* DKIM only, --json: the message's signatures as one JSON line */
static int
print_json(struct cli *cli, const struct cli_msg_src *src,
	const inkan_dkim_verify *v)
{
	inkan_json *j = cli_json_new(cli);
	size_t i;
	int rc;

	if (j == NULL)
		return CLI_INTERNAL;
	inkan_json_object_begin(j);
	cli_mail_src_json(j, src);
	inkan_json_key(j, "signatures");
	inkan_json_array_begin(j);
	for (i = 0; i < inkan_dkim_verify_count(v); i++)
		verify_dkim_json(j, inkan_dkim_verify_result(v, i));
	inkan_json_array_end(j);
	inkan_json_member_int(j, "skipped",
		(int64_t)inkan_dkim_verify_skipped(v));
	inkan_json_object_end(j);
	rc = cli_json_finish(cli, j);
	inkan_json_free(j);
	return rc;
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


void
verify_skipped_note(struct cli *cli, size_t skipped)
{
	if (skipped == 0 || cli->json)
		return;
	fprintf(cli->out, "note: %zu more DKIM-Signature field%s not "
		"evaluated: at most %llu are (raise with --max-signatures N)\n",
		skipped, skipped == 1 ? "" : "s", (unsigned long long)
		inkan_ctx_limit(cli->ctx, INKAN_LIMIT_DKIM_SIGNATURES));
}

static inkan_status
msg_feed(void *arg, const char *data, size_t len)
{
	return inkan_msg_feed(arg, data, len);
}

/* DKIM only: a header over the parser's caps gets its line, permerror
 * naming the limit, as the full verdict does (docs/verify.md) */
static int
dkim_header_limit(struct verify_run *run, const struct cli_msg_src *src,
	inkan_status st)
{
	struct cli *cli = run->cli;
	const char *why = cli_mail_header_limit(cli, st);
	inkan_json *j;
	int rc = CLI_VERDICT_FAIL;

	cli_mail_src_label(src, "dkim=permerror");
	if (!cli->json) {
		if (run->many) {
			cli_text_str(cli->out, src->name);
			fputs(": ", cli->out);
		}
		fprintf(cli->out, "dkim=permerror (%s)\nnote: %s\n", why,
			cli_msg_error_text(cli, st));
		return rc;
	}
	if ((j = cli_json_new(cli)) == NULL)
		return CLI_INTERNAL;
	inkan_json_object_begin(j);
	cli_mail_src_json(j, src);
	inkan_json_key(j, "signatures");
	inkan_json_array_begin(j);
	inkan_json_object_begin(j);
	inkan_json_member_cstr(j, "result", "permerror");
	inkan_json_member_cstr(j, "reason", why);
	inkan_json_object_end(j);
	inkan_json_array_end(j);
	inkan_json_member_int(j, "skipped", 0);
	inkan_json_object_end(j);
	if (cli_json_finish(cli, j) != CLI_OK)
		rc = CLI_INTERNAL;
	inkan_json_free(j);
	return rc;
}

/* the word the run's summary counts a DKIM-only message under */
static const char *
dkim_label(const inkan_dkim_verify *v)
{
	size_t i, n = inkan_dkim_verify_count(v);
	int temp = 0;

	for (i = 0; i < n; i++) {
		inkan_dkim_verdict d = inkan_dkim_verify_result(v, i)->verdict;
		if (d == INKAN_DKIM_PASS)
			return "dkim=pass";
		temp |= d == INKAN_DKIM_TEMPERROR;
	}
	return temp ? "dkim=temperror" : n == 0 ? "dkim=none" : "dkim=fail";
}

/* DKIM only: one line per signature (or an A-R field, or JSON) */
static int
verify_dkim_only(struct verify_run *run, const struct cli_msg_src *src)
{
	struct cli *cli = run->cli;
	const char *name = src->name;
	inkan_msg *msg = NULL;
	inkan_dkim_verify *v = NULL;
	inkan_status st;
	size_t i, n;
	int pass = 0, temp = 0;

	st = inkan_msg_new(cli->ctx, &msg);
	if (st == INKAN_OK)
		st = inkan_dkim_verify_new(run->dkim, msg, &v);
	if (st == INKAN_OK && (st = cli_msg_src_stream(cli, src, msg_feed,
	    msg)) == INKAN_OK && (st = inkan_msg_finish(msg)) != INKAN_OK &&
	    !cli_mail_is_header_limit(st))
		cli_fail(cli, cli_msg_error_code(st), "%s: %s", name,
			cli_msg_error_text(cli, st));
	if (st == INKAN_OK && (st = inkan_dkim_verify_eom(v)) != INKAN_OK)
		cli_error(cli, "%s: %s", name, inkan_strerror(st));
	if (st != INKAN_OK) {
		inkan_dkim_verify_free(v);
		inkan_msg_free(msg);
		if (cli_mail_is_header_limit(st))
			return dkim_header_limit(run, src, st);
		return cli_exit_for_status(st);
	}
	n = inkan_dkim_verify_count(v);
	cli_mail_src_label(src, dkim_label(v));
	if (run->authserv_id != NULL && !cli->json) {
		if (run->many) {
			cli_text_str(cli->out, name);
			fputs(":\n", cli->out);
		}
		print_authres(cli, v, run->authserv_id);
		for (i = 0; i < n; i++) {
			const inkan_dkim_result *r =
				inkan_dkim_verify_result(v, i);
			pass |= r->verdict == INKAN_DKIM_PASS;
			temp |= r->verdict == INKAN_DKIM_TEMPERROR;
		}
		n = 0;		/* printed */
	} else if (n == 0 && run->authserv_id == NULL && !cli->json) {
		if (run->many) {
			cli_text_str(cli->out, name);
			fputs(": ", cli->out);
		}
		fputs("dkim=none\n", cli->out);
	}
	for (i = 0; i < n; i++) {
		const inkan_dkim_result *r = inkan_dkim_verify_result(v, i);
		pass |= r->verdict == INKAN_DKIM_PASS;
		temp |= r->verdict == INKAN_DKIM_TEMPERROR;
		if (!cli->json)
			print_text(cli, name, run->many, r);
	}
	if (cli->json && print_json(cli, src, v) != CLI_OK)
		pass = -1;
	verify_skipped_note(cli, inkan_dkim_verify_skipped(v));
	inkan_dkim_verify_free(v);
	inkan_msg_free(msg);
	if (pass < 0)
		return CLI_INTERNAL;
	return pass ? CLI_OK : temp ? CLI_TEMPFAIL : CLI_VERDICT_FAIL;
}

int
verify_one(struct verify_run *run, const struct cli_msg_src *src)
{
	struct cli *cli = run->cli;
	size_t docs = cli->json_docs;
	int rc;

	free(cli->err_msg);	/* this message's error, if any */
	cli->err_msg = NULL;
	cli->err_code = NULL;
	rc = run->full != NULL ? verify_full_file(cli, run->dkim, run->full,
		src, run->many) : verify_dkim_only(run, src);
	if (cli->json && cli->json_docs == docs)
		cli_mail_json_error(cli, src, rc);
	run->messages++;
	return rc;
}

/* each message of a mail folder (cli_mail_run) */
static int
verify_mail(struct cli_mail *m, void *arg)
{
	struct verify_run *run = arg;
	struct cli_msg_src src = cli_mail_src(m);

	run->many = m->many;
	return verify_one(run, &src);
}

enum { O_KEYS = 'k', O_SHA1 = '1', O_NOW = 'n', O_LIST = 'l',
	O_AUTHSERV_ID = 'a', O_IP = 'I', O_HELO = 'H', O_MAIL_FROM = 'M',
	O_DKIM_ONLY = 'D', O_FULL = 'F', O_RECORD = 'R', O_RCPT_TO = 'T',
	O_TRUSTED_SEALER = 'S', O_FAILURE_REPORTS = 'f' };

static const struct cli_opt verify_opts[] = {
	{ "ip", 0, O_IP, CLI_ARG_STRING, "IP", 0, 0,
	  "the SMTP client's address (without it, no SPF)" },
	{ "helo", 0, O_HELO, CLI_ARG_STRING, "NAME", 0, 0,
	  "the HELO/EHLO name" },
	{ "mail-from", 0, O_MAIL_FROM, CLI_ARG_STRING, "ADDR", 0, 0,
	  "the envelope sender; '' or '<>' is the null sender" },
	{ "full", 0, O_FULL, CLI_ARG_NONE, NULL, 0, 0,
	  "the full verdict (the default; kept for scripts)" },
	{ "dkim-only", 0, O_DKIM_ONLY, CLI_ARG_NONE, NULL, 0, 0,
	  "DKIM only (also implied by --keys without an envelope option)" },
	{ "authserv-id", 0, O_AUTHSERV_ID, CLI_ARG_STRING, "ID", 0, 0,
	  "full: the A-R authserv-id; DKIM only: print an A-R field" },
	{ "keys", 'k', O_KEYS, CLI_ARG_STRING, "FILE", 0, 0,
	  "DKIM key records from FILE (lines \"qname record\") instead of "
	  "DNS" },
	{ "allow-rsa-sha1", 0, O_SHA1, CLI_ARG_NONE, NULL, 0, 0,
	  "verify rsa-sha1 (RFC 8301 forbids it)" },
	{ "now", 0, O_NOW, CLI_ARG_UINT, "EPOCH", 1, 253402300799ULL,
	  "judge t= and x= at this time" },
	{ "list", 0, O_LIST, CLI_ARG_STRING, "FILE", 0, 0,
	  "message paths, one per line (- for stdin)" },
	{ "record", 0, O_RECORD, CLI_ARG_STRING, "DB", 0, 0,
	  "record each verdict for DMARC aggregate reports in DB (a SQLite "
	  "path or postgresql://...; needs --ip)" },
	{ "failure-reports", 0, O_FAILURE_REPORTS, CLI_ARG_NONE, NULL, 0, 0,
	  "with --record: queue redacted DMARC failure reports (RFC 9991) "
	  "where the record's ruf and fo ask; `report send` mails them" },
	{ "rcpt-to", 0, O_RCPT_TO, CLI_ARG_STRING, "ADDR", 0, 0,
	  "the envelope recipient (its domain is envelope_to in reports)" },
	CLI_MAX_SIGNATURES_OPT,
	{ "trusted-sealer", 0, O_TRUSTED_SEALER, CLI_ARG_STRING, "DOMAIN", 0,
	  0, "trust ARC sets sealed by DOMAIN to override a DMARC failure "
	  "(repeatable; none by default)" },
	CLI_MSG_LIMIT_OPTS,
	CLI_MAIL_OPTS,
	{ NULL, 0, 0, CLI_ARG_NONE, NULL, 0, 0, NULL }
};

static int cmd_verify(struct cli *cli, int argc, char **argv);

const struct cli_command cmd_verify_command = {
	"verify", "verify a message: SPF, DKIM and DMARC as Gmail shows them, "
	"or its DKIM signatures only",
	"inkan verify [--ip IP] [--helo NAME] [--mail-from ADDR] "
	"[--authserv-id ID]\n"
	"       [--trusted-sealer DOMAIN ...] [FILE ...]\n"
	"       inkan verify --dkim-only [--keys FILE] [--authserv-id ID] "
	"[FILE ...]", verify_opts,
	"Full (the default): a summary of SPF, DKIM and DMARC (for each "
	"non-pass: why,\nand what to fix) and the Authentication-Results "
	"field. Exit status: 0 DMARC\npass, or no DMARC policy and nothing "
	"failed; 1 a fail; 3 temporary DNS failure;\n4 bad input.\n"
	"DKIM only: one line per signature. Exit status: 0 every message "
	"has a\npassing signature, 1 some has none, 3 temporary DNS failure.\n"
	"Each FILE (or - for stdin) may be one message, an mbox (mboxrd or "
	"mboxo) or a\nMaildir: every message gets its verdict, and a summary "
	"counts them at the end.\n"
	"With --json: one JSON document per message, one per line (JSON "
	"Lines),\na message that cannot be read included (with its "
	"error).", cmd_verify, NULL
};

struct verify_cli {
	struct verify_full full;
	struct cli_strv sealers;
	struct cli_mail_opts mail;
	int dkim_only, envelope;
	const char *keys, *list, *record;
	unsigned flags;
	int64_t now;
};

static void
verify_take(struct cli *cli, struct verify_cli *o, const struct cli_args *a,
	int id)
{
	switch (id) {
	case O_KEYS: o->keys = a->val; break;
	case O_SHA1: o->flags |= INKAN_DKIM_ALLOW_RSA_SHA1; break;
	case O_LIST: o->list = a->val; break;
	case O_AUTHSERV_ID: o->full.authserv_id = a->val; break;
	case O_IP: o->full.ip = a->val; o->envelope = 1; break;
	case O_HELO: o->full.helo = a->val; o->envelope = 1; break;
	case O_MAIL_FROM: o->full.mail_from = a->val; o->envelope = 1; break;
	case O_DKIM_ONLY: o->dkim_only = 1; break;
	case O_RECORD: o->record = a->val; o->envelope = 1; break;
	case O_RCPT_TO: o->full.rcpt_to = a->val; break;
	case O_FAILURE_REPORTS: o->full.failure_reports = 1; break;
	case O_TRUSTED_SEALER:
		/* borrowed from argv, which outlives the run */
		if (cli_strv_push(&o->sealers, (char *)a->val) != 0)
			cli_error(cli, "out of memory");
		o->full.trusted_sealers = (const char *const *)o->sealers.v;
		o->full.ntrusted_sealers = o->sealers.n;
		break;
	case O_FULL: o->envelope = 1; break;
	case O_NOW:
		o->now = (int64_t)a->num;
		inkan_ctx_set_clock(cli->ctx, fixed_clock, &o->now);
		break;
	default:
		if (!cli_msg_limit_option(cli, id, a->num))
			(void)cli_mail_option(cli, &o->mail, id, a);
	}
}

static int
verify_setup(struct cli *cli, struct verify_cli *o, struct verify_run *run,
	struct inkan_resolver **res)
{
	inkan_status st;
	int rc;

	if (cli_mail_opts_check(cli, &o->mail) != CLI_OK)
		return CLI_USAGE;
	/* the full verdict unless DKIM alone is asked for */
	if (o->keys != NULL && !o->envelope)
		o->dkim_only = 1;
	run->cli = cli;
	run->full = o->dkim_only ? NULL : &o->full;
	run->authserv_id = o->full.authserv_id;
	st = inkan_dkim_new(cli->ctx, &run->dkim);
	if (st != INKAN_OK) {
		cli_error(cli, "%s", inkan_strerror(st));
		return CLI_INTERNAL;
	}
	inkan_dkim_set_flags(run->dkim, o->flags);
	if (o->keys != NULL) {
		st = inkan_dkim_load_key_file(run->dkim, o->keys);
		if (st != INKAN_OK) {
			cli_fail(cli, "input", "--keys %s: %s", o->keys,
				st == INKAN_ERR_IO ? strerror(errno) :
				inkan_strerror(st));
			return st == INKAN_ERR_IO ? CLI_INPUT :
				cli_exit_for_status(st);
		}
	}
	if ((o->keys == NULL || run->full != NULL) &&
	    (rc = cli_dns_resolver(cli, res)) != CLI_OK)
		return rc;
	return CLI_OK;
}

static int
cmd_verify(struct cli *cli, int argc, char **argv)
{
	struct verify_cli o;
	struct verify_run run;
	struct inkan_resolver *res = NULL;
	struct cli_args a;
	int id, rc;

	memset(&o, 0, sizeof(o));
	memset(&run, 0, sizeof(run));
	cli_args_init(&a, cli, argc, argv);
	while ((id = cli_opt_next(&a)) > 0)
		verify_take(cli, &o, &a, id);
	if (id < 0)
		return cli_args_end(&a);
	rc = verify_setup(cli, &o, &run, &res);
	if (rc == CLI_OK && o.full.failure_reports && o.record == NULL)
		rc = cli_usage_error(cli, "usage", "--failure-reports needs "
			"--record DB (the reports are queued there)");
	if (rc == CLI_OK && o.record != NULL)
		rc = verify_record_open(cli, o.record, &o.full);
	if (rc == CLI_OK)
		rc = cli_mail_run(cli, &o.mail, a.pos.v, a.pos.n, o.list,
			verify_mail, &run);
	cli_args_free(&a);
	free(o.sealers.v);	/* the strings are argv's */
	/* rows that could not be written outrank a verdict, not an error */
	int rc_record = verify_record_close(cli, &o.full);
	if (rc_record != CLI_OK && (rc == CLI_OK || rc == CLI_VERDICT_FAIL))
		rc = rc_record;
	inkan_dkim_free(run.dkim);
	cli_dns_free(cli, res);
	return rc;
}
