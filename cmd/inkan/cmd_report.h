/* SPDX-License-Identifier: MIT */
/*
 * cmd_report.h - `inkan report SUBCOMMAND`: DMARC aggregate reports.
 * cmd_report.c holds the subcommand table (one line per subcommand, each
 * in its own cmd_report_<name>.c) and what they share: the store and the
 * reporter's settings (build, send), and what the domain owner's
 * subcommands share (ingest, summary, enrich, serve, html).
 */
#ifndef INKAN_CMD_REPORT_H
#define INKAN_CMD_REPORT_H

#include <inkan/report.h>
#include <inkan/domain.h>
#include <inkan/report_owner.h>

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


/* the domain owner's side (issue 13), one file each */
extern const struct cli_command cmd_report_ingest_command;
extern const struct cli_command cmd_report_summary_command;
extern const struct cli_command cmd_report_enrich_command;
extern const struct cli_command cmd_report_serve_command;
extern const struct cli_command cmd_report_html_command;

/* ---- domain owners: ingest, summary, enrich, serve, html (issue 13) */

/* Open the store named by --db (path or postgresql:// URI); errors are
 * printed. Returns CLI_OK or an exit code. */
int report_open_store(struct cli *cli, const char *db,
	inkan_report_store **out);

/* What summary, serve and html share: which data, and what is "own". */
#include <inkan/report_owner.h>

#define REPORT_MAX_NETS 64

struct report_view_args {
	const char *db;
	const char *domain;
	const char *since;		/* as given */
	const char *own[REPORT_MAX_NETS];
	size_t nown;
	const char *state;		/* inkan domain state dir */
	inkan_domain *identity;		/* loaded from state */
	const char *incl[REPORT_MAX_NETS];
	size_t nincl;
};

/* the options every view takes (cli_opt.h table rows); handle one (1)
 * or not (0); on a bad value sets *rc */
#define REPORT_VIEW_OPTIONS \
	{ "db", 0, 1001, CLI_ARG_STRING, "DB", 0, 0, \
	  "the store: a file (SQLite) or a postgresql:// URI" }, \
	{ "domain", 0, 1002, CLI_ARG_STRING, "D", 0, 0, \
	  "only this policy domain" }, \
	{ "since", 0, 1003, CLI_ARG_STRING, "WHEN", 0, 0, \
	  "reports from: epoch seconds, YYYY-MM-DD, or Nd/Nh before the " \
	  "newest" }, \
	{ "own", 0, 1004, CLI_ARG_STRING, "NET", 0, 0, \
	  "a network of yours, 192.0.2.0/24 (repeatable)" }, \
	{ "state", 0, 1005, CLI_ARG_STRING, "DIR", 0, 0, \
	  "`inkan domain` state: its SPF ip4/ip6 are yours, its includes " \
	  "your providers" }
int report_view_option(struct cli *cli, int c, const char *arg,
	struct report_view_args *a, int *rc);

/* open the store and build the summary; prints errors */
int report_view_build(struct cli *cli, struct report_view_args *a,
	inkan_report_store **store, inkan_report_summary *sum);
void report_view_done(struct cli *cli, struct report_view_args *a,
	inkan_report_store *store, inkan_report_summary *sum);

/* the summary as JSON (the same document `summary --json` prints),
 * through the library's emitter; the caller finishes the document */
struct inkan_json;
void report_summary_json(struct inkan_json *j,
	const inkan_report_summary *sum);

/* cmd_report_html.c: page pieces shared with serve */
void report_html_esc(FILE *o, const char *s);
void report_url_esc(FILE *o, const char *s);
void report_html_head(FILE *o, const char *title, int nav);
void report_html_foot(FILE *o);
/* @links: 1 in the served pages, 0 in the self-contained file */
void report_render_overview(FILE *o, const inkan_report_summary *sum,
	int links);
void report_render_source_table(FILE *o, const inkan_report_sum_domain *d,
	size_t max, int links);

#endif
