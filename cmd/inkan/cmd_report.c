/* SPDX-License-Identifier: MIT */
/*
 * cmd_report.c - `inkan report SUBCOMMAND`: DMARC aggregate reports, for
 * receivers (record, build, send) and for domain owners (ingest, summary,
 * serve, html). One file per subcommand; this file dispatches.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cmd_report.h"
#include "commands.h"

int
report_open_store(struct cli *cli, const char *db, inkan_report_store **out)
{
	char err[512] = "";
	inkan_status st;

	if (db == NULL) {
		cli_error(cli, "--db DB is required (a file path or a "
			"postgresql:// URI)");
		return CLI_USAGE;
	}
	st = inkan_report_store_open(cli->ctx, db, 0, out, err, sizeof(err));
	if (st != INKAN_OK) {
		cli_error(cli, "%s: %s", db, err[0] ? err : inkan_strerror(st));
		return st == INKAN_ERR_SYNTAX ? CLI_USAGE : CLI_TEMPFAIL;
	}
	return CLI_OK;
}

int
cmd_report(struct cli *cli, int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(struct cli *, int, char **);
	} subs[] = {
		{ "ingest", cmd_report_ingest },
		{ "summary", cmd_report_summary },
		{ "enrich", cmd_report_enrich },
		{ "serve", cmd_report_serve },
		{ "html", cmd_report_html },
	};

	if (argc < 2) {
		cli_usage(cli, stderr);
		return CLI_USAGE;
	}
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		if (strcmp(argv[1], subs[i].name) == 0)
			return subs[i].fn(cli, argc - 1, argv + 1);
	cli_error(cli, "unknown subcommand '%s' (ingest, summary, enrich, "
		"serve, html)", argv[1]);
	return CLI_USAGE;
}
