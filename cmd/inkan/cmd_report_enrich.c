/* SPDX-License-Identifier: MIT */
/*
 * cmd_report_enrich.c - `inkan report enrich`: reverse DNS (PTR, forward
 * confirmed) for the source IPs of stored reports, through the resolver
 * the global options choose (--dns-server, --dns-zone), many questions at
 * once, bounded in time, cached in the store. Run it after `ingest` (or
 * from cron); ingest itself never waits for DNS.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <inkan/dns.h>
#include <inkan/json.h>

#include "cli.h"
#include "cli_opt.h"
#include "cmd_report.h"

enum { O_DB = 1, O_SECONDS, O_WINDOW };

static const struct cli_opt enrich_opts[] = {
	{ "db", 0, O_DB, CLI_ARG_STRING, "DB", 0, 0,
	  "the store: a file (SQLite) or a postgresql:// URI" },
	{ "seconds", 0, O_SECONDS, CLI_ARG_UINT, "N", 1, 86400,
	  "start no new round of questions after N seconds (default 60)" },
	{ "window", 0, O_WINDOW, CLI_ARG_UINT, "N", 1, 10000,
	  "questions in flight at once (default 500)" },
	{ NULL, 0, 0, CLI_ARG_NONE, NULL, 0, 0, NULL }
};

static int
cmd_report_enrich(struct cli *cli, int argc, char **argv)
{
	struct cli_args a;
	const char *db = NULL;
	unsigned long long seconds = 60, window = 500;
	inkan_report_store *store = NULL;
	struct inkan_resolver *r = NULL;
	size_t done = 0, left = 0;
	inkan_status st;
	int id, rc;

	cli_args_init(&a, cli, argc, argv);
	while ((id = cli_opt_next(&a)) > 0) {
		switch (id) {
		case O_DB: db = a.val; break;
		case O_SECONDS: seconds = a.num; break;
		case O_WINDOW: window = a.num; break;
		}
	}
	if (id < 0)
		return cli_args_end(&a);
	if (a.pos.n > 0) {
		cli_args_free(&a);
		return cli_usage_error(cli, "extra-operand", "unexpected "
			"operand");
	}
	cli_args_free(&a);
	if ((rc = report_open_store(cli, db, &store)) != CLI_OK)
		return rc;
	if ((rc = cli_dns_resolver(cli, &r)) != CLI_OK) {
		inkan_report_store_close(store);
		return rc;
	}
	st = inkan_report_enrich(store, r, (size_t)window,
		(int64_t)seconds * 1000, &done, &left);
	cli_dns_free(cli, r);
	inkan_report_store_close(store);
	if (st != INKAN_OK) {
		cli_error(cli, "enriching: %s", inkan_strerror(st));
		return CLI_TEMPFAIL;
	}
	if (cli->json) {
		inkan_json *j = cli_json_new(cli);
		if (j == NULL)
			return CLI_INTERNAL;
		inkan_json_object_begin(j);
		inkan_json_member_int(j, "resolved", (int64_t)done);
		inkan_json_member_int(j, "left", (int64_t)left);
		inkan_json_object_end(j);
		rc = cli_json_finish(cli, j);
		inkan_json_free(j);
		if (rc != CLI_OK)
			return rc;
	} else {
		fprintf(cli->out, "resolved %zu source IPs; %zu left for the "
			"next run\n", done, left);
	}
	return left ? CLI_TEMPFAIL : CLI_OK;
}

const struct cli_command cmd_report_enrich_command = {
	"enrich", "reverse DNS (PTR, forward-confirmed) for the source IPs "
	"of stored reports",
	"inkan report enrich --db DB [--seconds N] [--window N]", enrich_opts,
	"Uses the resolver of --dns-server / --dns-zone. Ingest never waits "
	"for DNS;\nrun this after it. Exit 3 when IPs are left for the next "
	"run.",
	cmd_report_enrich, NULL
};
