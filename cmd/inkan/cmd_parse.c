/* SPDX-License-Identifier: MIT */
/*
 * cmd_parse.c - `inkan parse`: show how inkan reads a message: its header
 * fields, the From author domain(s) DMARC would protect, and an
 * Authentication-Results header built for it.
 */
#include <stdio.h>
#include <string.h>

#include <inkan/address.h>
#include <inkan/authres.h>
#include <inkan/json.h>
#include <inkan/msg.h>

#include "cli.h"
#include "cli_mailbox.h"
#include "commands.h"

static void
print_headers_text(const struct cli *cli, const inkan_msg *msg)
{
	size_t i, n = inkan_msg_header_count(msg), nlen, vlen;

	fprintf(cli->out, "Header fields (%zu):\n", n);
	for (i = 0; i < n; i++) {
		const inkan_header *h = inkan_msg_header_at(msg, i);
		const char *name = inkan_header_name(h, &nlen);
		const char *value = inkan_header_value(h, &vlen);
		fprintf(cli->out, "  %2zu ", i);
		cli_text(cli->out, name, nlen);
		fputs(": ", cli->out);
		cli_text(cli->out, value, vlen > 200 ? 200 : vlen);
		fputc('\n', cli->out);
	}
}

static void
print_headers_json(inkan_json *j, const inkan_msg *msg)
{
	size_t i, n = inkan_msg_header_count(msg), nlen, vlen;

	inkan_json_key(j, "headers");
	inkan_json_array_begin(j);
	for (i = 0; i < n; i++) {
		const inkan_header *h = inkan_msg_header_at(msg, i);
		const char *name = inkan_header_name(h, &nlen);
		const char *value = inkan_header_value(h, &vlen);

		inkan_json_object_begin(j);
		inkan_json_key(j, "name");
		inkan_json_string(j, name, nlen);
		inkan_json_key(j, "value");
		inkan_json_string(j, value, vlen);
		inkan_json_object_end(j);
	}
	inkan_json_array_end(j);
}

static const struct {
	unsigned flag;
	const char *name;
	const char *meaning;
} from_flags[] = {
	{ INKAN_FROM_NONE, "no-from", "the message has no From field" },
	{ INKAN_FROM_MULTIPLE_FIELDS, "several-from-fields",
	  "more than one From field (RFC 5322 allows one)" },
	{ INKAN_FROM_MULTIPLE_ADDRESSES, "several-addresses",
	  "more than one author address" },
	{ INKAN_FROM_UNPARSEABLE, "unparseable",
	  "a From field or domain that cannot be parsed" },
	{ INKAN_FROM_MULTIPLE_DOMAINS, "several-domains",
	  "authors in more than one domain" },
	{ INKAN_FROM_NO_DOMAIN, "no-domain", "an author without a domain" },
};

/* DMARC can use the From as is: one domain, no flag but several
 * addresses (see inkan/address.h) */
static int
authors_usable(const inkan_authors *a)
{
	return inkan_authors_domain_count(a) == 1 &&
	    (inkan_authors_flags(a) & ~(unsigned)INKAN_FROM_MULTIPLE_ADDRESSES)
	    == 0;
}

static void
print_authors_text(const struct cli *cli, const inkan_authors *a)
{
	size_t i, n = inkan_authors_count(a);
	unsigned flags = inkan_authors_flags(a);

	fprintf(cli->out, "\nFrom author (the domain DMARC protects):\n");
	for (i = 0; i < n; i++) {
		const inkan_address *ad = inkan_authors_at(a, i);
		fputs("  ", cli->out);
		cli_text_str(cli->out, ad->local_part);
		fputc('@', cli->out);
		cli_text_str(cli->out, ad->domain);
		if (ad->display_name != NULL) {
			fputs("  (display name \"", cli->out);
			cli_text_str(cli->out, ad->display_name);
			fputs("\")", cli->out);
		}
		fputs("\n    author domain: ", cli->out);
		cli_text_str(cli->out, ad->domain_ascii ? ad->domain_ascii :
			"(none)");
		fputc('\n', cli->out);
	}
	for (i = 0; i < sizeof(from_flags) / sizeof(from_flags[0]); i++)
		if (flags & from_flags[i].flag)
			fprintf(cli->out, "  warning: %s\n",
				from_flags[i].meaning);
	if (authors_usable(a))
	{
		fputs("  DMARC would evaluate domain ", cli->out);
		cli_text_str(cli->out, inkan_authors_domain_at(a, 0));
		fputc('\n', cli->out);
	}
	else
		fprintf(cli->out, "  DMARC cannot evaluate this From as it is "
			"(a receiver should treat it as permerror)\n");
}

static void
print_authors_json(inkan_json *j, const inkan_authors *a)
{
	size_t i, n = inkan_authors_count(a);
	unsigned flags = inkan_authors_flags(a);

	inkan_json_key(j, "authors");
	inkan_json_array_begin(j);
	for (i = 0; i < n; i++) {
		const inkan_address *ad = inkan_authors_at(a, i);

		inkan_json_object_begin(j);
		inkan_json_member_cstr(j, "local_part", ad->local_part);
		inkan_json_member_cstr(j, "domain", ad->domain);
		inkan_json_member_cstr(j, "domain_ascii", ad->domain_ascii);
		inkan_json_member_cstr(j, "display_name", ad->display_name);
		inkan_json_object_end(j);
	}
	inkan_json_array_end(j);
	inkan_json_key(j, "author_domains");
	inkan_json_array_begin(j);
	for (i = 0; i < inkan_authors_domain_count(a); i++)
		inkan_json_cstr(j, inkan_authors_domain_at(a, i));
	inkan_json_array_end(j);
	inkan_json_key(j, "from_flags");
	inkan_json_array_begin(j);
	for (i = 0; i < sizeof(from_flags) / sizeof(from_flags[0]); i++)
		if (flags & from_flags[i].flag)
			inkan_json_cstr(j, from_flags[i].name);
	inkan_json_array_end(j);
	inkan_json_member_bool(j, "dmarc_usable", authors_usable(a));
}

/* the whole message as one JSON document */
static int
print_json(struct cli *cli, const struct cli_msg_src *src,
	const inkan_msg *msg, const inkan_authors *a, const char *ar)
{
	inkan_json *j = cli_json_new(cli);
	int rc;

	if (j == NULL)
		return CLI_INTERNAL;
	inkan_json_object_begin(j);
	cli_mail_src_json(j, src);
	print_headers_json(j, msg);
	print_authors_json(j, a);
	inkan_json_member_cstr(j, "authentication_results", ar);
	inkan_json_key(j, "body_bytes");
	inkan_json_uint(j, inkan_msg_body_length(msg));
	inkan_json_object_end(j);
	rc = cli_json_finish(cli, j);
	inkan_json_free(j);
	return rc;
}

/*
 * An Authentication-Results header for the message. parse runs no check,
 * so it claims only what reading the message proves: "dkim=none" for a
 * message that carries no DKIM-Signature (RFC 8601 2.7.1), otherwise the
 * "none" field (no method applied, RFC 8601 2.2). inkan verify writes the
 * full header.
 */
static inkan_status
build_authres(const struct cli *cli, const inkan_msg *msg,
	const char *authserv_id, char **text)
{
	inkan_authres_builder *b = NULL;
	inkan_status st;

	st = inkan_authres_builder_new(cli->ctx, authserv_id, &b);
	if (st == INKAN_OK && inkan_msg_count_named(msg, "DKIM-Signature") == 0) {
		st = inkan_authres_builder_add(b, "dkim", NULL, "none");
		if (st == INKAN_OK)
			st = inkan_authres_builder_comment(b,
				"message not signed");
	}
	if (st == INKAN_OK)
		st = inkan_authres_build(b, text, NULL);
	inkan_authres_builder_free(b);
	return st;
}

enum { O_AUTHSERV_ID = 'a' };

static const struct cli_opt parse_opts[] = {
	{ "authserv-id", 'a', O_AUTHSERV_ID, CLI_ARG_STRING, "ID", 0, 0,
	  "the authserv-id of the Authentication-Results field" },
	CLI_MSG_LIMIT_OPTS,
	CLI_MAIL_OPTS,
	{ NULL, 0, 0, CLI_ARG_NONE, NULL, 0, 0, NULL }
};

static int cmd_parse(struct cli *cli, int argc, char **argv);

const struct cli_command cmd_parse_command = {
	"parse", "show a message's header fields, From author and an "
	"Authentication-Results header",
	"inkan parse [--authserv-id ID] [FILE ...]", parse_opts,
	"FILE defaults to stdin (-). Each FILE may be one message, an mbox "
	"(mboxrd or\nmboxo) or a Maildir: every message is shown, and a "
	"summary counts them at the\nend. With --json: one JSON document per "
	"message (JSON Lines).", cmd_parse, NULL
};

static inkan_status
msg_feed(void *arg, const char *data, size_t len)
{
	return inkan_msg_feed(arg, data, len);
}

/* one message of the run (a cli_mail_fn; @arg: the authserv-id) */
static int
parse_one(struct cli_mail *m, void *arg)
{
	struct cli *cli = m->cli;
	const char *authserv_id = *(const char **)arg;
	struct cli_msg_src src = cli_mail_src(m);
	inkan_msg *msg = NULL;
	inkan_authors *authors = NULL;
	char *ar = NULL;
	inkan_status st;
	int rc;

	st = inkan_msg_new(cli->ctx, &msg);
	/* the stream reports its errors but for the header caps: parse
	 * shows what was read, so for it they are errors */
	if (st == INKAN_OK && ((st = cli_mail_stream(m, msg_feed, msg)) ==
	    INKAN_OK ? (st = inkan_msg_finish(msg)) != INKAN_OK :
	    cli_mail_is_header_limit(st)))
		cli_fail(cli, cli_msg_error_code(st), "%s: %s", m->name,
			cli_msg_error_text(cli, st));
	if (st == INKAN_OK) {
		st = inkan_authors_from_msg(cli->ctx, msg, &authors);
		if (st != INKAN_OK)
			cli_error(cli, "%s: From: %s", m->name,
				inkan_strerror(st));
	}
	if (st == INKAN_OK) {
		st = build_authres(cli, msg, authserv_id, &ar);
		if (st != INKAN_OK)
			cli_error(cli, "Authentication-Results: %s",
				inkan_strerror(st));
	}
	if (st != INKAN_OK) {
		rc = cli_exit_for_status(st);
		goto out;
	}
	rc = authors_usable(authors) ? CLI_OK : CLI_VERDICT_FAIL;
	m->label = rc == CLI_OK ? "with a From DMARC can use" :
		"with a From DMARC cannot use";
	if (cli->json) {
		if (print_json(cli, &src, msg, authors, ar) != CLI_OK)
			rc = CLI_INTERNAL;
	} else {
		if (m->many) {
			fputs("== ", cli->out);
			cli_text_str(cli->out, m->name);
			fputc('\n', cli->out);
		}
		print_headers_text(cli, msg);
		fprintf(cli->out, "Body: %llu bytes (streamed, not kept)\n",
			(unsigned long long)inkan_msg_body_length(msg));
		print_authors_text(cli, authors);
		fprintf(cli->out, "\nAuthentication-Results (parse runs no "
			"check; inkan verify does):\n");
		cli_text_str(cli->out, ar);
		fputc('\n', cli->out);
		if (m->many)
			fputc('\n', cli->out);
	}
out:
	inkan_free(cli->ctx, ar);
	inkan_authors_free(authors);
	inkan_msg_free(msg);
	return rc;
}

static int
cmd_parse(struct cli *cli, int argc, char **argv)
{
	const char *authserv_id = "inkan.localhost";
	struct cli_mail_opts mail;
	struct cli_args a;
	int id, rc;

	memset(&mail, 0, sizeof(mail));
	cli_args_init(&a, cli, argc, argv);
	while ((id = cli_opt_next(&a)) > 0) {
		if (id == O_AUTHSERV_ID)
			authserv_id = a.val;
		else if (!cli_msg_limit_option(cli, id, a.num))
			(void)cli_mail_option(cli, &mail, id, &a);
	}
	if (id < 0)
		return cli_args_end(&a);
	rc = cli_mail_opts_check(cli, &mail);
	if (rc == CLI_OK)
		rc = cli_mail_run(cli, &mail, a.pos.v, a.pos.n, NULL,
			parse_one, &authserv_id);
	cli_args_free(&a);
	return rc;
}
