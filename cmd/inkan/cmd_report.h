/* SPDX-License-Identifier: MIT */
/* cmd_report.h - `inkan report ...`: what its subcommand files share. */
#ifndef INKAN_CMD_REPORT_H
#define INKAN_CMD_REPORT_H

#include <inkan/report.h>
#include <inkan/domain.h>
#include "cli.h"

/* the domain owner's side (issue 13), one file each */
int cmd_report_ingest(struct cli *cli, int argc, char **argv);
int cmd_report_summary(struct cli *cli, int argc, char **argv);
int cmd_report_serve(struct cli *cli, int argc, char **argv);
int cmd_report_html(struct cli *cli, int argc, char **argv);
int cmd_report_enrich(struct cli *cli, int argc, char **argv);

/* Open the store named by --db (path or postgresql:// URI); errors are
 * printed. Returns CLI_OK or an exit code. */
int report_open_store(struct cli *cli, const char *db,
	inkan_report_store **out);

/* What summary, serve and html share: which data, and what is "own". */
#include "report/owner_summary.h"

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

/* the long options every view takes; handle one (1) or not (0); on a
 * bad value sets *rc */
#define REPORT_VIEW_OPTIONS \
	{ "db", required_argument, NULL, 1001 }, \
	{ "domain", required_argument, NULL, 1002 }, \
	{ "since", required_argument, NULL, 1003 }, \
	{ "own", required_argument, NULL, 1004 }, \
	{ "state", required_argument, NULL, 1005 }
int report_view_option(struct cli *cli, int c, const char *arg,
	struct report_view_args *a, int *rc);

/* open the store and build the summary; prints errors */
int report_view_build(struct cli *cli, struct report_view_args *a,
	inkan_report_store **store, struct ik_summary *sum);
void report_view_done(struct cli *cli, struct report_view_args *a,
	inkan_report_store *store, struct ik_summary *sum);

/* the summary as JSON (the same document `summary --json` prints) */
void report_summary_json(FILE *to, const struct ik_summary *sum);

/* cmd_report_html.c: page pieces shared with serve */
void report_html_esc(FILE *o, const char *s);
void report_url_esc(FILE *o, const char *s);
void report_html_head(FILE *o, const char *title, int nav);
void report_html_foot(FILE *o);
/* @links: 1 in the served pages, 0 in the self-contained file */
void report_render_overview(FILE *o, const struct ik_summary *sum,
	int links);
void report_render_source_table(FILE *o, const struct ik_sum_domain *d,
	size_t max, int links);

#endif
