/* SPDX-License-Identifier: MIT */
/*
 * cli_mailbox.c - mail-folder input for verify and parse (cli_mailbox.h):
 * each path through inkan/mailbox.h, each message to the command's
 * handler, a line for every message that cannot be read, and the summary.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli_mailbox.h"

int
cli_mail_option(struct cli *cli, struct cli_mail_opts *o, const char *name,
	const char *value)
{
	unsigned long long n;
	char *end;

	if (strcmp(name, "mbox-format") == 0) {
		if (strcmp(value, "mboxrd") == 0) {
			o->flags = INKAN_MAILBOX_MBOXRD;
		} else if (strcmp(value, "mboxo") == 0) {
			o->flags = INKAN_MAILBOX_MBOXO;
		} else {
			cli_error(cli, "--mbox-format %s: use mboxrd or mboxo",
				value);
			return -1;
		}
		return 1;
	}
	if (strcmp(name, "max-message-size") == 0) {
		errno = 0;
		n = strtoull(value, &end, 10);
		if (value[0] < '0' || value[0] > '9' || *end != '\0' ||
		    errno != 0 || n == 0) {
			cli_error(cli, "--max-message-size %s: a number of "
				"bytes above 0", value);
			return -1;
		}
		inkan_ctx_set_limit(cli->ctx, INKAN_LIMIT_MESSAGE_BYTES, n);
		return 1;
	}
	return 0;
}

static void
set_name(struct cli_mail *m)
{
	const inkan_mailbox_origin *o = m->origin;
	const char *p = strcmp(o->path, "-") == 0 ? "(stdin)" : o->path;

	if (o->format == INKAN_MAILBOX_MBOX)
		snprintf(m->name, sizeof(m->name), "%s, message %llu", p,
			(unsigned long long)o->index);
	else
		snprintf(m->name, sizeof(m->name), "%s", p);
}

inkan_status
cli_mail_stream(struct cli_mail *m, cli_mail_feed_fn feed, void *arg)
{
	const char *data;
	size_t len;
	inkan_status st;

	while ((st = inkan_mailbox_read(m->mb, &data, &len)) == INKAN_OK &&
	    len > 0)
		if ((st = feed(arg, data, len)) != INKAN_OK)
			return st;
	return st;
}

const char *
cli_mail_why(const struct cli_mail *m, inkan_status st)
{
	static char buf[600];
	const char *e = inkan_mailbox_error(m->mb);

	if (st == INKAN_ERR_LIMIT && e[0] != '\0') {
		snprintf(buf, sizeof(buf), "%s; --max-message-size raises it",
			e);
		return buf;
	}
	return e[0] != '\0' ? e : inkan_strerror(st);
}

const char *
cli_mail_header_limit(struct cli *cli, inkan_status st)
{
	static char buf[128];
	unsigned long long n;

	switch (st) {
	case INKAN_ERR_HEADER_COUNT:
		n = inkan_ctx_limit(cli->ctx, INKAN_LIMIT_HEADER_FIELDS);
		snprintf(buf, sizeof(buf), "header section over "
			"INKAN_LIMIT_HEADER_FIELDS: more than %llu fields", n);
		return buf;
	case INKAN_ERR_LINE_LENGTH:
		n = inkan_ctx_limit(cli->ctx, INKAN_LIMIT_HEADER_LINE);
		snprintf(buf, sizeof(buf), "header section over "
			"INKAN_LIMIT_HEADER_LINE: a line longer than %llu "
			"bytes", n);
		return buf;
	case INKAN_ERR_HEADER_SIZE:
		n = inkan_ctx_limit(cli->ctx, INKAN_LIMIT_HEADER_BYTES);
		snprintf(buf, sizeof(buf), "header section over "
			"INKAN_LIMIT_HEADER_BYTES: more than %llu bytes", n);
		return buf;
	default:
		return NULL;
	}
}

void
cli_mail_json_origin(const struct cli_mail *m)
{
	const char *p = m->origin->path;

	fputs("\"file\":", m->cli->out);
	if (strcmp(p, "-") == 0)
		p = "(stdin)";
	cli_json_string(m->cli->out, p, strlen(p));
	fprintf(m->cli->out, ",\"index\":%llu,\"offset\":%llu",
		(unsigned long long)m->origin->index,
		(unsigned long long)m->origin->offset);
}

int
cli_mail_unreadable(struct cli_mail *m, inkan_status st)
{
	int rc = cli_exit_for_status(st);
	const char *why = cli_mail_why(m, st);

	cli_error(m->cli, "%s: %s", m->name, why);
	if (m->cli->json) {
		fputc('{', m->cli->out);
		cli_mail_json_origin(m);
		fprintf(m->cli->out, ",\"error\":\"%s\",\"message\":",
			rc == CLI_INPUT ? "input" : rc == CLI_TEMPFAIL ?
			"temporary" : "internal");
		cli_json_string(m->cli->out, why, strlen(why));
		fprintf(m->cli->out, ",\"exit\":%d}\n", rc);
	}
	return rc;
}

int
cli_mail_worse(int a, int b)
{
	static const int rank[] = { 0, 1, 5, 3, 4, 6 };	/* by code */

	if (a < 0 || a > 5)
		return a;
	if (b < 0 || b > 5)
		return b;
	return rank[a] >= rank[b] ? a : b;
}

static void
tally_add(struct cli_mail_tally *t, const char *label)
{
	size_t i;

	t->messages++;
	for (i = 0; i < CLI_MAIL_LABELS && t->label[i] != NULL; i++)
		if (strcmp(t->label[i], label) == 0)
			break;
	/* labels are a handful of fixed words; the last slot takes any
	 * beyond them */
	if (i == CLI_MAIL_LABELS)
		i = CLI_MAIL_LABELS - 1;
	if (t->label[i] == NULL)
		t->label[i] = label;
	t->count[i]++;
}

static void
tally_print(struct cli *cli, const struct cli_mail_tally *t)
{
	size_t i;

	fprintf(cli->out, "%zu message%s", t->messages,
		t->messages == 1 ? "" : "s");
	for (i = 0; i < CLI_MAIL_LABELS && t->label[i] != NULL; i++)
		fprintf(cli->out, "%s%zu %s", i ? ", " : ": ", t->count[i],
			t->label[i]);
	fputc('\n', cli->out);
}

/* every message of @path ("-": stdin) */
static int
run_path(struct cli *cli, const struct cli_mail_opts *o, const char *path,
	int many, cli_mail_fn fn, void *arg, struct cli_mail_tally *t)
{
	struct cli_mail m;
	const char *label;
	inkan_status st;
	int rc = CLI_OK, one;
	size_t got = 0;
	struct stat sb;

	memset(&m, 0, sizeof(m));
	m.cli = cli;
	m.many = many;
	st = inkan_mailbox_open(cli->ctx, path, o->flags, &m.mb);
	if (st != INKAN_OK) {
		cli_error(cli, "%s: %s", path, inkan_strerror(st));
		return CLI_INTERNAL;
	}
	for (;;) {
		st = inkan_mailbox_next(m.mb, &m.origin);
		if (m.origin == NULL) {
			if (st != INKAN_OK) {
				cli_error(cli, "%s: %s", path,
					inkan_strerror(st));
				rc = cli_mail_worse(rc, CLI_INTERNAL);
			}
			break;
		}
		set_name(&m);
		/* a folder labels its messages even when it holds one */
		m.many = many || m.origin->format != INKAN_MAILBOX_SINGLE;
		t->folder |= m.origin->format != INKAN_MAILBOX_SINGLE;
		got++;
		label = "unreadable";
		if (st != INKAN_OK)
			one = cli_mail_unreadable(&m, st);
		else
			one = fn(&m, arg, &label);
		tally_add(t, label);
		rc = cli_mail_worse(rc, one);
		if (one == CLI_INTERNAL)
			break;
	}
	/* an empty file is no message, and saying nothing would look like
	 * success; an empty Maildir is just empty */
	if (got == 0 && rc == CLI_OK && (strcmp(path, "-") == 0 ||
	    stat(path, &sb) != 0 || !S_ISDIR(sb.st_mode))) {
		cli_error(cli, "%s: no message", strcmp(path, "-") == 0 ?
			"(stdin)" : path);
		rc = CLI_INPUT;
	}
	inkan_mailbox_free(m.mb);
	return rc;
}

/* each line of @list names a path; no limit on the line length */
static int
run_list(struct cli *cli, const struct cli_mail_opts *o, const char *list,
	cli_mail_fn fn, void *arg, struct cli_mail_tally *t, int rc)
{
	FILE *f = strcmp(list, "-") == 0 ? stdin : fopen(list, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (f == NULL) {
		cli_error(cli, "%s: %s", list, strerror(errno));
		return cli_mail_worse(rc, CLI_INPUT);
	}
	while ((n = getline(&line, &cap, f)) > 0) {
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (n > 0)
			rc = cli_mail_worse(rc, run_path(cli, o, line, 1, fn,
				arg, t));
	}
	free(line);
	if (f != stdin)
		fclose(f);
	return rc;
}

int
cli_mail_run(struct cli *cli, const struct cli_mail_opts *o,
	char *const *paths, size_t n, const char *list, cli_mail_fn fn,
	void *arg)
{
	struct cli_mail_tally t;
	int rc = CLI_OK, many = n > 1 || list != NULL;
	size_t i;

	memset(&t, 0, sizeof(t));
	if (n == 0 && list == NULL)
		rc = run_path(cli, o, "-", 0, fn, arg, &t);
	for (i = 0; i < n; i++)
		rc = cli_mail_worse(rc, run_path(cli, o, paths[i], many, fn,
			arg, &t));
	if (list != NULL)
		rc = run_list(cli, o, list, fn, arg, &t, rc);
	/* one message from one file: its own output says it all */
	if (!cli->json && (t.messages > 1 || many || t.folder))
		tally_print(cli, &t);
	return rc;
}
