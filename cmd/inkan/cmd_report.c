/* SPDX-License-Identifier: MIT */
/*
 * cmd_report.c - `inkan report build|send|ingest|...`: the subcommand
 * table and the set-up the subcommands share (settings and the store).
 * Receivers build and send; domain owners ingest, summarise, enrich,
 * serve and export (issue 13).
 * Add a subcommand: one line in report_subs and its cmd_report_<name>.c.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cmd_report.h"
#include "commands.h"

static const struct cli_command *const report_subs[] = {
	&cmd_report_build_command,
	&cmd_report_send_command,
	&cmd_report_ingest_command,
	&cmd_report_summary_command,
	&cmd_report_enrich_command,
	&cmd_report_serve_command,
	&cmd_report_html_command,
	NULL
};

const struct cli_command cmd_report_command = {
	"report", "DMARC aggregate reports: build and send ours (receivers); "
	"ingest, summarise and browse the ones we get (domain owners)",
	"inkan report build|send|ingest|summary|enrich|serve|html --db DB "
	"[options]", NULL,
	"The store (--db) is a SQLite file or a postgresql:// URI; rows get "
	"there\nwith `inkan verify --record DB` or from inkan-milter; "
	"received reports with\n`inkan report ingest`.",
	cli_dispatch_sub, report_subs
};

int
report_common_option(const struct cli_args *a, int id,
	struct report_common *c)
{
	switch (id) {
	case REPORT_O_DB: c->db = a->val; return 1;
	case REPORT_O_CONFIG: c->config = a->val; return 1;
	case REPORT_O_NOW: c->now = (int64_t)a->num; return 1;
	case REPORT_O_FORMAT: c->format = a->val; return 1;
	case REPORT_O_ORG: c->org = a->val; return 1;
	case REPORT_O_EMAIL: c->email = a->val; return 1;
	case REPORT_O_RECEIVER: c->receiver = a->val; return 1;
	default: return 0;
	}
}

int
report_setup(struct cli *cli, const struct report_common *c,
	int need_reporter, inkan_report_config **cfg,
	inkan_report_store **store)
{
	char err[512] = "";
	inkan_status st;
	const struct { const char *key, *val, *opt; } over[] = {
		{ "format", c->format, "--format" },
		{ "org_name", c->org, "--org-name" },
		{ "email", c->email, "--email" },
		{ "receiver", c->receiver, "--receiver" },
	};

	*cfg = NULL;
	*store = NULL;
	if (c->db == NULL)
		return cli_usage_error(cli, "missing-option", "--db is "
			"required");
	st = c->config != NULL ?
		inkan_report_config_load(cli->ctx, c->config, cfg, err,
			sizeof(err)) :
		inkan_report_config_new(cli->ctx, cfg);
	if (st != INKAN_OK) {
		cli_fail(cli, "input", "--config %s", err[0] ? err :
			inkan_strerror(st));
		return st == INKAN_ERR_NOMEM ? CLI_INTERNAL : CLI_INPUT;
	}
	for (size_t i = 0; i < sizeof(over) / sizeof(over[0]); i++) {
		if (over[i].val == NULL)
			continue;
		if (inkan_report_config_set(*cfg, over[i].key, over[i].val,
		    err, sizeof(err)) != INKAN_OK) {
			inkan_report_config_free(*cfg);
			*cfg = NULL;
			return cli_usage_error(cli, "bad-value", "%s: %s",
				over[i].opt, err);
		}
	}
	const inkan_report_settings *s = inkan_report_config_settings(*cfg);
	if (need_reporter && (s->reporter.org_name == NULL ||
	    s->reporter.email == NULL || s->reporter.receiver == NULL)) {
		inkan_report_config_free(*cfg);
		*cfg = NULL;
		return cli_usage_error(cli, "missing-option", "who reports: "
			"give org_name, email and receiver (--config or "
			"--org-name, --email, --receiver)");
	}
	st = inkan_report_store_open(cli->ctx, c->db, 0, store, err,
		sizeof(err));
	if (st != INKAN_OK) {
		cli_error(cli, "--db %s: %s", c->db, err[0] ? err :
			inkan_strerror(st));
		inkan_report_config_free(*cfg);
		*cfg = NULL;
		return st == INKAN_ERR_SYNTAX ? CLI_USAGE :
			cli_exit_for_status(st);
	}
	return CLI_OK;
}

int
report_open_store(struct cli *cli, const char *db, inkan_report_store **out)
{
	char err[512] = "";
	inkan_status st;

	if (db == NULL)
		return cli_usage_error(cli, "missing-option", "--db DB is "
			"required (a file path or a postgresql:// URI)");
	st = inkan_report_store_open(cli->ctx, db, 0, out, err, sizeof(err));
	if (st != INKAN_OK) {
		cli_error(cli, "%s: %s", db, err[0] ? err : inkan_strerror(st));
		return st == INKAN_ERR_SYNTAX ? CLI_USAGE : CLI_TEMPFAIL;
	}
	return CLI_OK;
}
