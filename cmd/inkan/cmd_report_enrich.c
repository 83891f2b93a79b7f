/* SPDX-License-Identifier: MIT */
/*
 * cmd_report_enrich.c - `inkan report enrich`: reverse DNS (PTR, forward
 * confirmed) for the source IPs of stored reports, through the resolver
 * the global options choose (--dns-server, --dns-zone), many questions at
 * once, bounded in time, cached in the store. Run it after `ingest` (or
 * from cron); ingest itself never waits for DNS.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <inkan/dns.h>

#include "cli.h"
#include "cmd_report.h"

int
cmd_report_enrich(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "seconds", required_argument, NULL, 's' },
		{ "window", required_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 }
	};
	const char *db = NULL;
	long seconds = 60, window = 500;
	inkan_report_store *store = NULL;
	struct inkan_resolver *r = NULL;
	size_t done = 0, left = 0;
	inkan_status st;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 's': seconds = strtol(optarg, NULL, 10); break;
		case 'w': window = strtol(optarg, NULL, 10); break;
		default:
			cli_usage(cli, stderr);
			return CLI_USAGE;
		}
	}
	if (cli->help) {
		cli_usage(cli, stdout);
		return CLI_OK;
	}
	if (seconds < 1 || window < 1 || window > 10000) {
		cli_error(cli, "--seconds >= 1, --window 1..10000");
		return CLI_USAGE;
	}
	if ((rc = report_open_store(cli, db, &store)) != CLI_OK)
		return rc;
	if ((rc = cli_dns_resolver(cli, &r)) != CLI_OK) {
		inkan_report_store_close(store);
		return rc;
	}
	st = ik_enrich_ptr(store, r, (size_t)window, (int64_t)seconds * 1000,
		&done, &left);
	cli_dns_free(cli, r);
	inkan_report_store_close(store);
	if (st != INKAN_OK) {
		cli_error(cli, "enriching: %s", inkan_strerror(st));
		return CLI_TEMPFAIL;
	}
	if (cli->json)
		fprintf(cli->out, "{\"resolved\":%zu,\"left\":%zu}\n", done,
			left);
	else
		fprintf(cli->out, "resolved %zu source IPs; %zu left for the "
			"next run\n", done, left);
	return left ? CLI_TEMPFAIL : CLI_OK;
}
