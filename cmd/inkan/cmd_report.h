/* SPDX-License-Identifier: MIT */
/*
 * cmd_report.h - `inkan report SUBCOMMAND`: DMARC aggregate reports.
 * cmd_report.c holds the subcommand table (one line per subcommand, each
 * in its own cmd_report_<name>.c) and what they share: the store and the
 * reporter's settings.
 */
#ifndef INKAN_CMD_REPORT_H
#define INKAN_CMD_REPORT_H

#include <inkan/report.h>

#include "cli.h"
#include "cli_opt.h"

/* receivers: build and send (cmd_report_build.c, cmd_report_send.c) */
extern const struct cli_command cmd_report_build_command;
extern const struct cli_command cmd_report_send_command;

/* Options shared by build and send (ids below 'A' are free for them). */
enum { REPORT_O_DB = 1, REPORT_O_CONFIG, REPORT_O_NOW, REPORT_O_FORMAT,
	REPORT_O_ORG, REPORT_O_EMAIL, REPORT_O_RECEIVER, REPORT_O_LAST };

#define REPORT_COMMON_OPTS \
	{ "db", 0, REPORT_O_DB, CLI_ARG_STRING, "DB", 0, 0, \
	  "the report store: a SQLite path or postgresql://... (required)" }, \
	{ "config", 'c', REPORT_O_CONFIG, CLI_ARG_STRING, "FILE", 0, 0, \
	  "reporter settings (see inkan(1), REPORT CONFIGURATION)" }, \
	{ "now", 0, REPORT_O_NOW, CLI_ARG_UINT, "EPOCH", 1, \
	  253402300799ULL, "the current time (default: the clock)" }, \
	{ "format", 0, REPORT_O_FORMAT, CLI_ARG_STRING, "9990|7489", 0, 0, \
	  "the XML schema: RFC 9990 (default) or RFC 7489" }, \
	{ "org-name", 0, REPORT_O_ORG, CLI_ARG_STRING, "NAME", 0, 0, \
	  "our organization's name (config org_name)" }, \
	{ "email", 0, REPORT_O_EMAIL, CLI_ARG_STRING, "ADDR", 0, 0, \
	  "our contact address (config email)" }, \
	{ "receiver", 0, REPORT_O_RECEIVER, CLI_ARG_STRING, "DOMAIN", 0, 0, \
	  "our domain, in file names and Report-IDs (config receiver)" }

/* What build and send share once their options are read. */
struct report_common {
	const char *db;
	const char *config;
	int64_t now;
	const char *format, *org, *email, *receiver;
};

/* Take a common option; 1 when @id was one. */
int report_common_option(const struct cli_args *a, int id,
	struct report_common *c);

/*
 * Load the settings (--config, then the options over it) and open the
 * store. On CLI_OK *cfg and *store are the caller's (free both).
 * @need_reporter: org_name, email and receiver must be known.
 */
int report_setup(struct cli *cli, const struct report_common *c,
	int need_reporter, inkan_report_config **cfg,
	inkan_report_store **store);

#endif
