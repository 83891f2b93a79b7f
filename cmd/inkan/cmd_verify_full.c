/* SPDX-License-Identifier: MIT */
/*
 * cmd_verify_full.c - `inkan verify` in full mode: the receiving verdict
 * as Gmail's "Show original" shows it. The message goes through one
 * inkan_verify handle (SPF from --ip/--helo/--mail-from, DKIM, DMARC, all
 * DNS questions started early); the output is a summary a person takes
 * in at a glance, one line per result, each that is not a pass saying
 * why and what to fix, then the Authentication-Results field:
 *
 *   SPF:   pass — bounce.example.com designates 192.0.2.25 as ...
 *   DKIM:  pass — signed by example.com, selector s1 (rsa-sha256, ...)
 *   DMARC: pass — example.com (p=reject): DKIM (d=example.com) and ...
 *
 *   Authentication-Results: inkan.localhost;
 *          spf=pass (...) smtp.mailfrom=bounce@bounce.example.com;
 *          ...
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <inkan/authres.h>

#include "cli_mailbox.h"
#include "cmd_verify_full.h"

int
verify_full_exit(inkan_verify_outcome o)
{
	switch (o) {
	case INKAN_VERIFY_PASS:
	case INKAN_VERIFY_NEUTRAL:
		return CLI_OK;
	case INKAN_VERIFY_TEMPERROR:
		return CLI_TEMPFAIL;
	case INKAN_VERIFY_FAIL:
		break;
	}
	return CLI_VERDICT_FAIL;
}

/* an em dash when the locale says UTF-8, else a hyphen */
static int
utf8_locale(void)
{
	static const char *const vars[] = { "LC_ALL", "LC_CTYPE", "LANG" };
	const char *s;
	size_t i;

	for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
		s = getenv(vars[i]);
		if (s != NULL && s[0] != '\0')
			return strstr(s, "UTF-8") != NULL ||
				strstr(s, "utf8") != NULL ||
				strstr(s, "UTF8") != NULL ||
				strstr(s, "utf-8") != NULL;
	}
	return 0;
}

static inkan_status
verify_feed(void *arg, const char *data, size_t len)
{
	return inkan_verify_feed(arg, data, len);
}

/* the summary counts messages by their DMARC result */
static const char *
dmarc_label(inkan_dmarc_verdict d)
{
	switch (d) {
	case INKAN_DMARC_PASS: return "dmarc=pass";
	case INKAN_DMARC_FAIL: return "dmarc=fail";
	case INKAN_DMARC_TEMPERROR: return "dmarc=temperror";
	case INKAN_DMARC_PERMERROR: return "dmarc=permerror";
	case INKAN_DMARC_NONE: break;
	}
	return "dmarc=none";
}

static int
print_text(struct cli *cli, inkan_verify *v, const inkan_verify_result *res,
	const char *name, int many)
{
	char *summary = NULL;
	inkan_status st;

	st = inkan_verify_summary(v, utf8_locale(), &summary, NULL);
	if (st != INKAN_OK) {
		cli_error(cli, "%s: %s", name, inkan_strerror(st));
		return cli_exit_for_status(st);
	}
	if (many) {
		fputs("== ", cli->out);
		cli_text_str(cli->out, name);
		fputc('\n', cli->out);
	}
	fprintf(cli->out, "%s\n", summary);
	verify_skipped_note(cli, res->dkim_skipped);
	if (res->header_error != INKAN_OK)
		fprintf(cli->out, "note: %s\n",
			cli_msg_error_text(cli, res->header_error));
	fprintf(cli->out, "%s\n", res->authres);
	if (many)
		fputc('\n', cli->out);
	inkan_free(cli->ctx, summary);
	return CLI_OK;
}

int
verify_full_file(struct cli *cli, inkan_dkim *dkim,
	const struct verify_full *full, const struct cli_msg_src *src,
	int many)
{
	const char *name = src->name;
	inkan_verify_options o;
	inkan_verify_envelope env = { full->ip, full->helo, full->mail_from };
	const inkan_verify_result *res = NULL;
	inkan_verify *v = NULL;
	inkan_status st;
	int rc;

	inkan_verify_options_init(&o);
	o.authserv_id = full->authserv_id ? full->authserv_id :
		"inkan.localhost";
	o.dkim = dkim;
	/* failure reports carry the SPF records used (SPF-DNS) */
	if (full->failure_reports)
		o.flags |= INKAN_VERIFY_SPF_TRACE;
	o.arc_trusted_sealers = full->trusted_sealers;
	o.narc_trusted_sealers = full->ntrusted_sealers;
	/* Gmail's layout: one resinfo per line, lines not wrapped */
	o.authres_style = INKAN_AUTHRES_STYLE_LF | INKAN_AUTHRES_STYLE_NO_WRAP;
	st = inkan_verify_new(cli->ctx, &o, &v);
	if (st == INKAN_ERR_INVALID) {
		cli_error(cli, "--authserv-id: not usable in a header field");
		return CLI_USAGE;
	}
	/* the envelope first, so SPF runs while the message is read */
	if (st == INKAN_OK && (st = inkan_verify_set_envelope(v, &env)) ==
	    INKAN_ERR_INVALID) {
		cli_error(cli, "--ip %s: not an IP address", full->ip);
		inkan_verify_free(v);
		return CLI_USAGE;
	}
	/* a header over the parser's caps is no error here: the verdict
	 * says permerror (docs/verify.md) */
	if (st == INKAN_OK && (st = cli_msg_src_stream(cli, src, verify_feed, v))
	    != INKAN_OK) {
		inkan_verify_free(v);
		return cli_exit_for_status(st);
	}
	if (st == INKAN_OK && (st = inkan_verify_eom(v, &res)) != INKAN_OK)
		cli_fail(cli, cli_msg_error_code(st), "%s: %s", name,
			cli_msg_error_text(cli, st));
	if (st != INKAN_OK) {
		inkan_verify_free(v);
		return cli_exit_for_status(st);
	}
	rc = verify_full_exit(res->outcome);
	if (full->record != NULL)
		verify_record(cli, full, v, res);
	cli_mail_src_label(src, dmarc_label(res->dmarc->verdict));
	if (cli->json ? verify_full_json(cli, full, src, res, rc) != CLI_OK :
	    print_text(cli, v, res, name, many) != CLI_OK)
		rc = CLI_INTERNAL;
	inkan_verify_free(v);
	return rc;
}
