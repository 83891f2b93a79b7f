/* SPDX-License-Identifier: MIT */
/*
 * cmd_report_ingest.c - `inkan report ingest`: store the DMARC reports a
 * domain owner receives, from files, folders, stdin or IMAP.
 *
 * Files and folders are split into messages by the mailbox reader
 * (inkan/mailbox.h: mbox, Maildir, or one file); each message or file is
 * then searched for reports by content (inkan_report_ingest). "-" reads
 * one message from stdin, for a Postfix alias or pipe transport:
 *     dmarc: "|/usr/bin/inkan report ingest --db /var/lib/inkan/r.db -"
 * There the exit status is what the MTA needs: 0 when the message was
 * stored or refused as no report (a bounce would go to the reporter),
 * 75 (EX_TEMPFAIL) when the store failed, so the MTA tries again.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <inkan/mailbox.h>
#include <inkan/report_intake.h>
#include <inkan/json.h>

#include "cli.h"
#include "cli_opt.h"
#include "cmd_report.h"
#include "cmd_report_imap.h"

#define EX_TEMPFAIL_MTA 75
#define MAX_DOMAINS 64

struct ingest_run {
	struct cli *cli;
	inkan_report_store *store;
	inkan_report_ingest_opts opts;
	inkan_report_limits lim;
	inkan_report_ingest_stats stats;
	const char *domains[MAX_DOMAINS];
};

static void
on_refused(void *arg, const char *origin, const char *msg)
{
	struct ingest_run *r = arg;

	cli_error(r->cli, "%s: %s", origin, msg);
}

/* read the current message of @mb whole (bounded by @max) */
static inkan_status
read_message(inkan_mailbox *mb, size_t max, char **out, size_t *outlen)
{
	char *buf = NULL;
	size_t len = 0, cap = 0;
	const char *d;
	size_t n;
	inkan_status st;

	for (;;) {
		st = inkan_mailbox_read(mb, &d, &n);
		if (st != INKAN_OK || n == 0)
			break;
		if (len + n > max) {
			st = INKAN_ERR_LIMIT;
			break;
		}
		if (len + n > cap) {
			size_t nc = cap ? cap * 2 : 65536;
			while (nc < len + n)
				nc *= 2;
			char *nb = realloc(buf, nc);
			if (nb == NULL) {
				st = INKAN_ERR_NOMEM;
				break;
			}
			buf = nb;
			cap = nc;
		}
		memcpy(buf + len, d, n);
		len += n;
	}
	if (st != INKAN_OK) {
		free(buf);
		return st;
	}
	*out = buf;
	*outlen = len;
	return INKAN_OK;
}

int
report_ingest_bytes(struct ingest_run *r, const char *data, size_t len,
	const char *origin)
{
	inkan_status st = inkan_report_ingest(r->store, data, len, origin,
		&r->opts, &r->stats);

	if (st != INKAN_OK) {
		cli_error(r->cli, "%s: storing failed: %s", origin,
			inkan_strerror(st));
		return -1;
	}
	return 0;
}

/* every message of one path ("-": stdin); -1 when the store failed */
static int
ingest_path(struct ingest_run *r, const char *path)
{
	inkan_mailbox *mb;
	const inkan_mailbox_origin *o;
	inkan_status st;
	char origin[1100];

	if ((st = inkan_mailbox_open(r->cli->ctx, path, 0, &mb)) != INKAN_OK) {
		cli_error(r->cli, "%s: %s", path, inkan_strerror(st));
		r->stats.errors++;
		return 0;
	}
	for (;;) {
		char *msg;
		size_t len;

		st = inkan_mailbox_next(mb, &o);
		if (st == INKAN_OK && o == NULL)
			break;
		if (st != INKAN_OK) {
			if (o == NULL)
				break;
			cli_error(r->cli, "%s: %s", o->path,
				inkan_mailbox_error(mb));
			r->stats.errors++;
			continue;
		}
		if (o->format == INKAN_MAILBOX_MBOX)
			snprintf(origin, sizeof(origin), "%s: message %llu",
				o->path, (unsigned long long)o->index);
		else
			snprintf(origin, sizeof(origin), "%s", o->path);
		st = read_message(mb, r->lim.max_input, &msg, &len);
		if (st != INKAN_OK) {
			cli_error(r->cli, "%s: %s", origin, st ==
				INKAN_ERR_LIMIT ? "larger than the input limit" :
				inkan_mailbox_error(mb)[0] ?
				inkan_mailbox_error(mb) : inkan_strerror(st));
			r->stats.errors++;
			continue;
		}
		int rc = report_ingest_bytes(r, msg, len, origin);
		free(msg);
		if (rc < 0) {
			inkan_mailbox_free(mb);
			return -1;
		}
	}
	inkan_mailbox_free(mb);
	return 0;
}

static void
print_stats(struct ingest_run *r)
{
	const inkan_report_ingest_stats *s = &r->stats;

	if (r->cli->json) {
		inkan_json *j = cli_json_new(r->cli);
		if (j == NULL)
			return;
		inkan_json_object_begin(j);
		inkan_json_member_int(j, "aggregate_new", s->aggregate_new);
		inkan_json_member_int(j, "aggregate_dup", s->aggregate_dup);
		inkan_json_key(j, "records");
		inkan_json_uint(j, s->records);
		inkan_json_member_int(j, "failure_new", s->failure_new);
		inkan_json_member_int(j, "failure_dup", s->failure_dup);
		inkan_json_member_int(j, "refused", s->errors);
		inkan_json_object_end(j);
		(void)cli_json_finish(r->cli, j);
		inkan_json_free(j);
		return;
	}
	fprintf(r->cli->out, "stored %u aggregate report%s (%llu records), "
		"%u already stored; %u failure report%s stored, %u already "
		"stored; %u refused\n", s->aggregate_new,
		s->aggregate_new == 1 ? "" : "s", (unsigned long long)s->records,
		s->aggregate_dup, s->failure_new, s->failure_new == 1 ? "" : "s",
		s->failure_dup, s->errors);
}

enum { O_DB = 1, O_DOMAIN, O_MAX_SIZE, O_IMAP, O_IMAP_LOGIN, O_IMAP_MOVE,
	O_QUIET };

static const struct cli_opt ingest_opts[] = {
	{ "db", 0, O_DB, CLI_ARG_STRING, "DB", 0, 0,
	  "the store: a file (SQLite) or a postgresql:// URI" },
	{ "domain", 0, O_DOMAIN, CLI_ARG_STRING, "D", 0, 0,
	  "refuse reports for other policy domains (repeatable)" },
	{ "max-size", 0, O_MAX_SIZE, CLI_ARG_UINT, "BYTES", 1024,
	  (unsigned long long)SIZE_MAX / 4,
	  "largest input and decompressed report (default 256 MiB)" },
	{ "imap", 0, O_IMAP, CLI_ARG_STRING, "URL", 0, 0,
	  "also fetch from imap[s]://HOST[:PORT]/MAILBOX" },
	{ "imap-login", 0, O_IMAP_LOGIN, CLI_ARG_STRING, "FILE", 0, 0,
	  "user:password, mode 0600 (else INKAN_IMAP_USER/_PASSWORD)" },
	{ "imap-move", 0, O_IMAP_MOVE, CLI_ARG_STRING, "FOLDER", 0, 0,
	  "move stored messages there" },
	{ "quiet", 'q', O_QUIET, CLI_ARG_NONE, NULL, 0, 0,
	  "no summary line (errors still go to stderr)" },
	{ NULL, 0, 0, CLI_ARG_NONE, NULL, 0, 0, NULL }
};

static int
cmd_report_ingest(struct cli *cli, int argc, char **argv)
{
	struct cli_args ca;
	struct ingest_run r;
	struct report_imap imap;
	const char *db = NULL;
	int id, rc = CLI_OK, stdin_mode = 0, quiet = 0;

	memset(&r, 0, sizeof(r));
	memset(&imap, 0, sizeof(imap));
	r.cli = cli;
	inkan_report_limits_default(&r.lim);
	cli_args_init(&ca, cli, argc, argv);
	while ((id = cli_opt_next(&ca)) > 0) {
		switch (id) {
		case O_DB: db = ca.val; break;
		case O_DOMAIN:
			if (r.opts.ndomains >= MAX_DOMAINS)
				rc = cli_usage_error(cli, "limit", "more than "
					"%d --domain", MAX_DOMAINS);
			else
				r.domains[r.opts.ndomains++] = ca.val;
			break;
		case O_MAX_SIZE:
			r.lim.max_xml = r.lim.max_input = (size_t)ca.num;
			break;
		case O_IMAP: imap.url = ca.val; break;
		case O_IMAP_LOGIN: imap.login_file = ca.val; break;
		case O_IMAP_MOVE:
			/* it goes into an IMAP quoted string */
			if (strpbrk(ca.val, "\"\\\r\n") != NULL)
				rc = cli_usage_error(cli, "bad-value",
					"--imap-move: no quotes, backslashes or "
					"line breaks");
			imap.move_to = ca.val;
			break;
		case O_QUIET: quiet = 1; break;
		}
	}
	if (id < 0)
		return cli_args_end(&ca);
	if (rc == CLI_OK && ca.pos.n == 0 && imap.url == NULL)
		rc = cli_usage_error(cli, "missing-operand", "nothing to "
			"ingest: give INPUT files, - or --imap");
	if (rc != CLI_OK) {
		cli_args_free(&ca);
		return rc;
	}
	for (size_t i = 0; i < ca.pos.n; i++)
		if (strcmp(ca.pos.v[i], "-") == 0)
			stdin_mode = 1;
	r.opts.lim = &r.lim;
	r.opts.domains = r.domains;
	r.opts.on_error = on_refused;
	r.opts.arg = &r;
	/* the mailbox reader's own bound follows ours */
	inkan_ctx_set_limit(cli->ctx, INKAN_LIMIT_MESSAGE_BYTES,
		(uint64_t)r.lim.max_input);
	if ((rc = report_open_store(cli, db, &r.store)) != CLI_OK) {
		cli_args_free(&ca);
		return stdin_mode && rc == CLI_TEMPFAIL ? EX_TEMPFAIL_MTA : rc;
	}
	for (size_t i = 0; i < ca.pos.n && rc == CLI_OK; i++)
		if (ingest_path(&r, ca.pos.v[i]) < 0)
			rc = stdin_mode ? EX_TEMPFAIL_MTA : CLI_TEMPFAIL;
	if (rc == CLI_OK && imap.url != NULL) {
		imap.cli = cli;
		imap.run = &r;
		rc = report_imap_ingest(&imap);
	}
	inkan_report_store_close(r.store);
	if (!quiet || cli->json)
		print_stats(&r);
	if (rc == CLI_OK && r.stats.errors > 0 && !stdin_mode)
		rc = CLI_INPUT;
	cli_args_free(&ca);
	return rc;
}

const struct cli_command cmd_report_ingest_command = {
	"ingest", "store the DMARC reports in files, mail folders, stdin or "
	"an IMAP mailbox",
	"inkan report ingest --db DB [--domain D]... [INPUT ...|-] "
	"[--imap URL]", ingest_opts,
	"INPUTs: .xml, .xml.gz, .zip, .eml, mbox, Maildir, found by content. "
	"- reads\none message from stdin (a Postfix pipe); then exit 75 only "
	"when the store\nfailed (the MTA retries). Otherwise exit 4 when some "
	"input was refused.",
	cmd_report_ingest, NULL
};

size_t
report_ingest_max_input(const struct ingest_run *r)
{
	return r->lim.max_input;
}
