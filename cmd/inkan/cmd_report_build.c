/* SPDX-License-Identifier: MIT */
/*
 * cmd_report_build.c - `inkan report build --db DB --out DIR`: claim the
 * reports that are due (inkan_report_claim) and write each one not yet
 * sent to DIR under its RFC 9990 3.5.2 file name, gzip-compressed,
 * without sending anything. `inkan report send` later mails the same
 * reports under the same Report-IDs.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <inkan/json.h>

#include "cmd_report.h"

enum { O_OUT = 'o' };

static const struct cli_opt build_opts[] = {
	REPORT_COMMON_OPTS,
	{ "out", 'o', O_OUT, CLI_ARG_STRING, "DIR", 0, 0,
	  "write the reports into DIR (required)" },
	{ NULL, 0, 0, CLI_ARG_NONE, NULL, 0, 0, NULL }
};

static int cmd_report_build(struct cli *cli, int argc, char **argv);

const struct cli_command cmd_report_build_command = {
	"build", "write the aggregate reports that are due, without sending",
	"inkan report build --db DB --out DIR [--now EPOCH] [--format 7489] "
	"[--config FILE]", build_opts,
	"One report per DMARC policy domain and window (daily, UTC; hourly "
	"when ri asks),\nnamed receiver!domain!begin!end!id.xml.gz. Rows are "
	"grouped into records now.", cmd_report_build, NULL
};

struct build_run {
	struct cli *cli;
	inkan_report_store *store;
	const inkan_report_settings *s;
	const char *dir;
	int rc;
	size_t written;
	inkan_json *j;
};

/* write @len bytes to DIR/NAME through a temporary file and rename, so a
 * reader never sees half a report */
static int
write_file(struct build_run *b, const char *name, const unsigned char *data,
	size_t len)
{
	char path[4096], tmp[4200];
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", b->dir, name) >=
	    sizeof(path))
		return -1;
	snprintf(tmp, sizeof(tmp), "%s.tmp%ld", path, (long)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW |
		O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	size_t off = 0;
	while (off < len) {
		ssize_t n = write(fd, data + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			close(fd);
			unlink(tmp);
			return -1;
		}
		off += (size_t)n;
	}
	if (close(fd) != 0 || rename(tmp, path) != 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

static int
build_one(void *ud, const inkan_report_info *r)
{
	struct build_run *b = ud;
	unsigned char *gz = NULL;
	size_t len = 0, nrec = 0;
	inkan_status st = inkan_report_render(b->store, &b->s->reporter,
		r->id, b->s->format, 1, &gz, &len, &nrec);
	if (st != INKAN_OK) {
		cli_error(b->cli, "%s: %s", r->filename, inkan_strerror(st));
		b->rc = cli_exit_for_status(st);
		return 0;
	}
	if (write_file(b, r->filename, gz, len) != 0) {
		cli_error(b->cli, "%s/%s: %s", b->dir, r->filename,
			strerror(errno));
		b->rc = CLI_INPUT;
	} else {
		b->written++;
		if (b->j != NULL) {
			inkan_json_object_begin(b->j);
			inkan_json_member_cstr(b->j, "file", r->filename);
			inkan_json_member_cstr(b->j, "report_id", r->report_id);
			inkan_json_member_cstr(b->j, "policy_domain",
				r->policy_domain);
			inkan_json_member_int(b->j, "begin", r->begin);
			inkan_json_member_int(b->j, "end", r->end);
			inkan_json_member_int(b->j, "messages", r->nrows);
			inkan_json_member_int(b->j, "records", (int64_t)nrec);
			inkan_json_object_end(b->j);
		} else {
			fprintf(b->cli->out, "%s/", b->dir);
			cli_text_str(b->cli->out, r->filename);
			fprintf(b->cli->out, " (%lld messages, %zu records)\n",
				(long long)r->nrows, nrec);
		}
	}
	inkan_free(b->cli->ctx, gz);
	return 0;
}

static int
cmd_report_build(struct cli *cli, int argc, char **argv)
{
	struct report_common c;
	struct cli_args a;
	struct build_run b;
	inkan_report_config *cfg = NULL;
	inkan_report_store *store = NULL;
	size_t made = 0;
	int id, rc;

	memset(&c, 0, sizeof(c));
	memset(&b, 0, sizeof(b));
	cli_args_init(&a, cli, argc, argv);
	while ((id = cli_opt_next(&a)) > 0) {
		if (!report_common_option(&a, id, &c) && id == O_OUT)
			b.dir = a.val;
	}
	if (id < 0)
		return cli_args_end(&a);
	if (a.pos.n > 0) {
		cli_args_free(&a);
		return cli_usage_error(cli, "extra-argument", "unexpected "
			"argument '%s'", a.pos.v[0]);
	}
	cli_args_free(&a);
	if (b.dir == NULL)
		return cli_usage_error(cli, "missing-option", "--out is "
			"required");
	rc = report_setup(cli, &c, 1, &cfg, &store);
	if (rc != CLI_OK)
		return rc;
	b.cli = cli;
	b.store = store;
	b.s = inkan_report_config_settings(cfg);
	inkan_status st = inkan_report_claim(store, &b.s->reporter,
		c.now ? c.now : inkan_ctx_now(cli->ctx), &made);
	if (st != INKAN_OK) {
		cli_error(cli, "claiming due reports: %s", inkan_strerror(st));
		rc = cli_exit_for_status(st);
	} else {
		if (cli->json && (b.j = cli_json_new(cli)) != NULL) {
			inkan_json_object_begin(b.j);
			inkan_json_member_int(b.j, "claimed", (int64_t)made);
			inkan_json_key(b.j, "reports");
			inkan_json_array_begin(b.j);
		}
		st = inkan_report_list(store, "built", build_one, &b);
		if (st != INKAN_OK) {
			cli_error(cli, "listing reports: %s",
				inkan_strerror(st));
			b.rc = cli_exit_for_status(st);
		}
		if (b.j != NULL) {
			inkan_json_array_end(b.j);
			inkan_json_object_end(b.j);
			rc = cli_json_finish(cli, b.j);
			inkan_json_free(b.j);
		}
		if (b.rc != CLI_OK)
			rc = b.rc;
	}
	inkan_report_store_close(store);
	inkan_report_config_free(cfg);
	return rc;
}
