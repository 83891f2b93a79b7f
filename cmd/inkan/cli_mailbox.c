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

#include <inkan/json.h>

#include "cli_mailbox.h"

int
cli_mail_option(struct cli *cli, struct cli_mail_opts *o, int id,
	const struct cli_args *a)
{
	switch (id) {
	case CLI_O_MBOX_FORMAT:
		o->mbox_format = a->val;
		return 1;
	case CLI_O_MAX_MESSAGE_SIZE:
		(void)inkan_ctx_set_limit(cli->ctx, INKAN_LIMIT_MESSAGE_BYTES,
			a->num);
		return 1;
	default:
		return 0;
	}
}

int
cli_mail_opts_check(struct cli *cli, struct cli_mail_opts *o)
{
	if (o->mbox_format == NULL || strcmp(o->mbox_format, "mboxrd") == 0) {
		o->flags = INKAN_MAILBOX_MBOXRD;
	} else if (strcmp(o->mbox_format, "mboxo") == 0) {
		o->flags = INKAN_MAILBOX_MBOXO;
	} else {
		cli_fail(cli, "bad-value", "--mbox-format %s: use mboxrd or "
			"mboxo", o->mbox_format);
		return CLI_USAGE;
	}
	return CLI_OK;
}

static void
set_name(struct cli_mail *m)
{
	const inkan_mailbox_origin *o = m->origin;
	const char *p = cli_msg_name(o->path);

	if (o->format == INKAN_MAILBOX_MBOX)
		snprintf(m->name, sizeof(m->name), "%s, message %llu", p,
			(unsigned long long)o->index);
	else
		snprintf(m->name, sizeof(m->name), "%s", p);
}

int
cli_mail_is_header_limit(inkan_status st)
{
	return st == INKAN_ERR_HEADER_COUNT || st == INKAN_ERR_LINE_LENGTH ||
	    st == INKAN_ERR_HEADER_SIZE;
}

/* a mailbox error: the reader's own words, the option for the size */
static void
report_mailbox(struct cli_mail *m, inkan_status st)
{
	const char *e = inkan_mailbox_error(m->mb);

	if (e[0] == '\0')
		e = inkan_strerror(st);
	if (st == INKAN_ERR_LIMIT)
		cli_fail(m->cli, "limit", "%s: %s; --max-message-size raises "
			"it", m->name, e);
	else
		cli_fail(m->cli, st == INKAN_ERR_NOMEM ? "internal" : "input",
			"%s: %s", m->name, e);
}

inkan_status
cli_mail_stream(struct cli_mail *m, cli_feed_fn feed, void *arg)
{
	const char *data;
	size_t len;
	inkan_status st;

	for (;;) {
		st = inkan_mailbox_read(m->mb, &data, &len);
		if (st != INKAN_OK) {
			report_mailbox(m, st);
			return st;
		}
		if (len == 0)
			return INKAN_OK;
		if ((st = feed(arg, data, len)) != INKAN_OK)
			break;
	}
	if (!cli_mail_is_header_limit(st))
		cli_fail(m->cli, cli_msg_error_code(st), "%s: %s", m->name,
			cli_msg_error_text(m->cli, st));
	return st;
}

static inkan_status
src_read(void *arg, struct cli *cli, cli_feed_fn feed, void *feed_arg)
{
	(void)cli;
	return cli_mail_stream(arg, feed, feed_arg);
}

struct cli_msg_src
cli_mail_src(struct cli_mail *m)
{
	struct cli_msg_src s = { m->name, NULL, src_read, m, m->origin,
		&m->label };

	return s;
}

void
cli_mail_src_json(inkan_json *j, const struct cli_msg_src *src)
{
	const inkan_mailbox_origin *o = src->origin;

	inkan_json_member_cstr(j, "file", o ? cli_msg_name(o->path) :
		src->name);
	inkan_json_key(j, "index");
	inkan_json_uint(j, o ? o->index : 1);
	inkan_json_key(j, "offset");
	inkan_json_uint(j, o ? o->offset : 0);
}

void
cli_mail_src_label(const struct cli_msg_src *src, const char *label)
{
	if (src->label != NULL)
		*src->label = label;
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
cli_mail_json_error(struct cli *cli, const struct cli_msg_src *src, int rc)
{
	inkan_json *j = cli_json_new(cli);

	if (j == NULL)
		return;
	inkan_json_object_begin(j);
	cli_mail_src_json(j, src);
	inkan_json_member_cstr(j, "error", cli->err_code ? cli->err_code :
		cli_error_code(rc));
	inkan_json_member_cstr(j, "message", cli->err_msg ? cli->err_msg :
		cli_error_code(rc));
	inkan_json_member_int(j, "exit", rc);
	inkan_json_object_end(j);
	(void)cli_json_finish(cli, j);
	inkan_json_free(j);
}

int
cli_mail_worse(int a, int b)
{
	/* by code: ok, fail, usage, temporary, input, internal, warnings */
	static const int rank[] = { 0, 2, 6, 3, 4, 7, 1 };

	if (a < 0 || a > 6)
		return a;
	if (b < 0 || b > 6)
		return b;
	return rank[a] >= rank[b] ? a : b;
}

#define LABELS 16

struct tally {
	size_t messages;
	int folder;		/* a message came from an mbox or Maildir */
	const char *label[LABELS];
	size_t count[LABELS];
};

static void
tally_add(struct tally *t, const char *label)
{
	size_t i;

	t->messages++;
	for (i = 0; i < LABELS && t->label[i] != NULL; i++)
		if (strcmp(t->label[i], label) == 0)
			break;
	/* labels are a handful of fixed words; the last slot would take
	 * any beyond them */
	if (i == LABELS)
		i = LABELS - 1;
	if (t->label[i] == NULL)
		t->label[i] = label;
	t->count[i]++;
}

static void
tally_print(struct cli *cli, const struct tally *t)
{
	size_t i;

	fprintf(cli->out, "%zu message%s", t->messages,
		t->messages == 1 ? "" : "s");
	for (i = 0; i < LABELS && t->label[i] != NULL; i++)
		fprintf(cli->out, "%s%zu %s", i ? ", " : ": ", t->count[i],
			t->label[i]);
	fputc('\n', cli->out);
}

/* one message: the handler, or the error line when it cannot be read */
static int
one_message(struct cli_mail *m, inkan_status st, cli_mail_fn fn, void *arg)
{
	struct cli *cli = m->cli;
	size_t docs = cli->json_docs;
	int rc;

	free(cli->err_msg);	/* this message's error, if any */
	cli->err_msg = NULL;
	cli->err_code = NULL;
	m->label = "unreadable";
	if (st != INKAN_OK) {
		report_mailbox(m, st);
		rc = cli_exit_for_status(st);
	} else {
		rc = fn(m, arg);
	}
	if (cli->json && cli->json_docs == docs)
		{
		struct cli_msg_src src = cli_mail_src(m);
		cli_mail_json_error(cli, &src, rc);
	}
	return rc;
}

/* every message of @path ("-": stdin) */
static int
run_path(struct cli *cli, const struct cli_mail_opts *o, const char *path,
	int many, cli_mail_fn fn, void *arg, struct tally *t)
{
	struct cli_mail m;
	inkan_status st;
	int rc = CLI_OK, one;
	size_t got = 0;
	struct stat sb;

	memset(&m, 0, sizeof(m));
	m.cli = cli;
	st = inkan_mailbox_open(cli->ctx, path, o->flags, &m.mb);
	if (st != INKAN_OK) {
		cli_fail(cli, "internal", "%s: %s", path, inkan_strerror(st));
		return CLI_INTERNAL;
	}
	for (;;) {
		st = inkan_mailbox_next(m.mb, &m.origin);
		if (m.origin == NULL) {
			if (st != INKAN_OK) {
				cli_fail(cli, "internal", "%s: %s", path,
					inkan_strerror(st));
				rc = cli_mail_worse(rc, CLI_INTERNAL);
			}
			break;
		}
		set_name(&m);
		/* a folder names its messages even when it holds one */
		m.many = many || m.origin->format != INKAN_MAILBOX_SINGLE;
		t->folder |= m.origin->format != INKAN_MAILBOX_SINGLE;
		got++;
		one = one_message(&m, st, fn, arg);
		tally_add(t, m.label);
		rc = cli_mail_worse(rc, one);
		if (one == CLI_INTERNAL || one == CLI_USAGE)
			break;
	}
	/* an empty file holds no message, and saying nothing would look
	 * like success; an empty Maildir is just empty */
	if (got == 0 && rc == CLI_OK && (strcmp(path, "-") == 0 ||
	    stat(path, &sb) != 0 || !S_ISDIR(sb.st_mode))) {
		inkan_mailbox_origin none = { path, INKAN_MAILBOX_SINGLE, 0,
			0, 0 };
		m.origin = &none;
		free(cli->err_msg);
		cli->err_msg = NULL;
		cli->err_code = NULL;
		cli_fail(cli, "input", "%s: no message", cli_msg_name(path));
		rc = CLI_INPUT;
		/* still a line: the file was named and gave nothing */
		if (cli->json)
		{
			struct cli_msg_src src = cli_mail_src(&m);
			cli_mail_json_error(cli, &src, rc);
		}
		tally_add(t, "empty");
	}
	inkan_mailbox_free(m.mb);
	return rc;
}

/* each line of @list names a path; no limit on the line length */
static int
run_list(struct cli *cli, const struct cli_mail_opts *o, const char *list,
	cli_mail_fn fn, void *arg, struct tally *t, int rc)
{
	FILE *f = strcmp(list, "-") == 0 ? stdin : fopen(list, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (f == NULL) {
		cli_fail(cli, "input", "--list %s: %s", list,
			strerror(errno));
		return cli_mail_worse(rc, CLI_INPUT);
	}
	while ((n = getline(&line, &cap, f)) >= 0) {
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (n > 0)
			rc = cli_mail_worse(rc, run_path(cli, o, line, 1, fn,
				arg, t));
	}
	if (ferror(f)) {
		cli_fail(cli, "input", "--list %s: read error", list);
		rc = cli_mail_worse(rc, CLI_INPUT);
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
	struct tally t;
	int rc = CLI_OK, many = n > 1 || list != NULL;
	size_t i;

	memset(&t, 0, sizeof(t));
	if (n == 0 && list == NULL)
		rc = run_path(cli, o, "-", 0, fn, arg, &t);
	/* a usage error (--ip not an address) or an internal one would be
	 * the same for every message: stop at the first */
	for (i = 0; i < n && rc != CLI_USAGE && rc != CLI_INTERNAL; i++)
		rc = cli_mail_worse(rc, run_path(cli, o, paths[i], many, fn,
			arg, &t));
	if (list != NULL && rc != CLI_USAGE && rc != CLI_INTERNAL)
		rc = run_list(cli, o, list, fn, arg, &t, rc);
	/* one message from one file: its own output says it all */
	if (!cli->json && rc != CLI_USAGE && (t.messages > 1 || many ||
	    t.folder))
		tally_print(cli, &t);
	return rc;
}
