/* SPDX-License-Identifier: MIT */
/* cmd_dmarc.h - what cmd_dmarc.c (options, inspection) and
 * cmd_dmarc_eval.c (message evaluation) share. */
#ifndef INKAN_CMD_DMARC_H
#define INKAN_CMD_DMARC_H

#include <stdio.h>

#include <inkan/dmarc.h>
#include <inkan/json.h>

#include "cli.h"

struct dmarc_cli_dkim {
	inkan_dmarc_dkim_result result;
	const char *domain;
	const char *selector;
	int partial;
};

struct dmarc_cli {
	inkan_dmarc_options opt;
	int strict;			/* --strict: any finding makes exit 1 */
	/* evaluation mode */
	const char *from;		/* --from DOMAIN */
	const char *message;		/* --message FILE */
	const char *mail_from;		/* --mail-from DOMAIN ("" null) */
	const char *helo;		/* --helo NAME */
	inkan_dmarc_spf_result spf;	/* --spf RESULT */
	int spf_given;
	struct dmarc_cli_dkim *dkim;	/* --dkim RESULT:DOMAIN[:partial] */
	size_t ndkim, dkim_cap;
	int want_psl, want_walk;
	const char *psl_file;
	const char *authserv_id;	/* --authserv-id */
};

/* JSON helpers: the member "record" (an object or null) and the member
 * "trace" (an array) of the object being written */
void dmarc_json_record(inkan_json *j, const inkan_dmarc_record *rec);
void dmarc_json_trace(inkan_json *j, const inkan_dmarc_step *s, size_t n);
void dmarc_print_trace(FILE *to, const inkan_dmarc_step *s, size_t n);

/* The evaluation mode (cmd_dmarc_eval.c); returns the exit code. */
int dmarc_evaluate(struct cli *cli, struct dmarc_cli *o);

#endif
