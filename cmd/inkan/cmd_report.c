/* SPDX-License-Identifier: MIT */
/*
 * cmd_report.c - `inkan report SUBCOMMAND`: DMARC aggregate reports. The
 * domain owner's side (issue 13): ingest, summary, enrich, serve, html,
 * one file each. The receiver's side (build, send) adds its
 * subcommands to the table below.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cli_opt.h"
#include "cmd_report.h"
#include "commands.h"

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

static const struct cli_command *const report_subs[] = {
	&cmd_report_ingest_command,
	&cmd_report_summary_command,
	&cmd_report_enrich_command,
	&cmd_report_serve_command,
	&cmd_report_html_command,
	NULL
};

const struct cli_command cmd_report_command = {
	"report", "DMARC reports: ingest what reporters send you, summarise "
	"it, browse it",
	"inkan report ingest|summary|enrich|serve|html [options]", NULL,
	"The store: --db FILE (SQLite) or --db postgresql://... (shared).",
	cli_dispatch_sub, report_subs
};
