/* SPDX-License-Identifier: MIT */
/*
 * cmd_sign.c - `inkan sign`: sign a message with one or more keys (e.g.
 * RSA and Ed25519 in one pass) and write it to stdout with the
 * DKIM-Signature fields on top (--json: the fields only, as JSON).
 *
 * Keys come from --key FILE, each closing one signature with the
 * --domain and --selector given last, or from a domain's state
 * (--state DIR, or --domain D alone: its default state directory): every
 * ACTIVE key `inkan domain` recorded, so nobody passes key paths by hand.
 * The message is streamed to the signer and, to write it out afterwards,
 * spooled to an unnamed temporary file, so memory does not grow with it. A message stored with LF line endings
 * gets its signature fields with LF too.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <inkan/dkim.h>
#include <inkan/domain.h>
#include <inkan/json.h>
#include <inkan/keys.h>
#include <inkan/msg.h>

#include "cli_msg.h"
#include "commands.h"
#include "cmd_sign.h"

/* Where the message goes while it is read: the signer, and a spool to
 * write it out from afterwards (memory does not grow with the message). */
struct spool_feed {
	inkan_msg *msg;
	FILE *spool;
	int seen_lf;
	int lf_only;		/* the first line ends in a bare LF */
};

static inkan_status
spool_feed(void *arg, const char *p, size_t n)
{
	struct spool_feed *f = arg;
	const char *lf;

	if (!f->seen_lf && (lf = memchr(p, '\n', n)) != NULL) {
		/* a CR just before a chunk boundary is rare enough to
		 * ignore: the worst case is CRLF fields on an LF message */
		f->lf_only = lf == p || lf[-1] != '\r';
		f->seen_lf = 1;
	}
	if (fwrite(p, 1, n, f->spool) != n)
		return INKAN_ERR_IO;
	return inkan_msg_feed(f->msg, p, n);
}

static int
write_out(struct cli *cli, inkan_dkim_sign *s, FILE *src, int lf_only)
{
	char chunk[65536];
	size_t i, len, n, j;
	const char *h;

	for (i = 0; i < inkan_dkim_sign_count(s); i++) {
		h = inkan_dkim_sign_header(s, i, &len);
		for (j = 0; j < len; j++)
			if (!(lf_only && h[j] == '\r'))
				fputc(h[j], cli->raw_out);
	}
	while ((n = fread(chunk, 1, sizeof(chunk), src)) > 0)
		if (fwrite(chunk, 1, n, cli->raw_out) != n)
			return CLI_INTERNAL;
	return ferror(src) || fflush(cli->raw_out) != 0 ? CLI_INPUT : CLI_OK;
}

/* --json: the signature fields, not the message */
static int
write_json(struct cli *cli, const struct sign_opts *o,
	const inkan_dkim_sign *s)
{
	inkan_json *j = cli_json_new(cli);
	size_t i, len;
	const char *h;
	int rc;

	if (j == NULL)
		return CLI_INTERNAL;
	inkan_json_object_begin(j);
	inkan_json_key(j, "signatures");
	inkan_json_array_begin(j);
	for (i = 0; i < inkan_dkim_sign_count(s); i++) {
		h = inkan_dkim_sign_header(s, i, &len);
		inkan_json_object_begin(j);
		if (i < o->nkeys) {
			inkan_json_member_cstr(j, "domain", o->keys[i].domain);
			inkan_json_member_cstr(j, "selector",
				o->keys[i].selector);
		}
		inkan_json_key(j, "field");
		inkan_json_string(j, h, len);
		inkan_json_object_end(j);
	}
	inkan_json_array_end(j);
	inkan_json_object_end(j);
	rc = cli_json_finish(cli, j);
	inkan_json_free(j);
	return rc;
}

int
sign_run(struct cli *cli, struct sign_opts *o, const char *path)
{
	inkan_dkim *dkim = NULL;
	inkan_msg *msg = NULL;
	inkan_dkim_sign *s = NULL;
	struct spool_feed f = { NULL, NULL, 0, 0 };
	struct cli_msg_src src = cli_msg_file(path);
	int rc = CLI_OK;
	size_t i;
	inkan_status st;

	if ((f.spool = tmpfile()) == NULL) {
		cli_error(cli, "temporary file: %s", strerror(errno));
		return CLI_INTERNAL;
	}
	st = inkan_dkim_new(cli->ctx, &dkim);
	if (st == INKAN_OK)
		st = inkan_msg_new(cli->ctx, &msg);
	if (st == INKAN_OK)
		st = inkan_dkim_sign_new(dkim, msg, &s);
	for (i = 0; i < o->nkeys && st == INKAN_OK; i++) {
		o->keys[i].header_canon = o->hc;
		o->keys[i].body_canon = o->bc;
		o->keys[i].lifetime = o->lifetime;
		o->keys[i].auid = o->auid;
		o->keys[i].headers = o->headers;
		if ((st = inkan_dkim_sign_add(s, &o->keys[i])) != INKAN_OK)
			cli_fail(cli, "bad-value", "key %zu (d=%s s=%s): bad "
				"domain, selector or --auid", i + 1,
				o->keys[i].domain, o->keys[i].selector);
	}
	f.msg = msg;
	if (st == INKAN_OK &&
	    (st = cli_msg_src_stream(cli, &src, spool_feed, &f)) == INKAN_OK &&
	    (st = inkan_msg_finish(msg)) != INKAN_OK)
		cli_fail(cli, cli_msg_error_code(st), "%s: %s", src.name,
			cli_msg_error_text(cli, st));
	if (st == INKAN_OK && (st = inkan_dkim_sign_eom(s)) != INKAN_OK)
		cli_fail(cli, st == INKAN_ERR_SYNTAX ? "malformed" : NULL,
			"%s", st == INKAN_ERR_SYNTAX ? "the message has "
			"no From field (RFC 6376 5.4: From must be signed)" :
			inkan_strerror(st));
	if (st == INKAN_OK && cli->json) {
		rc = write_json(cli, o, s);
	} else if (st == INKAN_OK) {
		/* the spool holds the message without the mbox line */
		if (fseek(f.spool, 0, SEEK_SET) != 0)
			rc = CLI_INTERNAL;
		else
			rc = write_out(cli, s, f.spool, f.lf_only);
	} else {
		rc = cli_exit_for_status(st);
	}
	inkan_dkim_sign_free(s);
	inkan_msg_free(msg);
	inkan_dkim_free(dkim);
	fclose(f.spool);
	return rc;
}

