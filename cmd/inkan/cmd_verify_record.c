/* SPDX-License-Identifier: MIT */
/*
 * cmd_verify_record.c - `inkan verify --record DB`: each verdict becomes
 * a DMARC aggregate report row (inkan/report.h), the same row the milter
 * records, so reports can be tried without a mail server.
 */
#include <stdio.h>
#include <string.h>

#include <inkan/report.h>

#include "cli.h"
#include "cli_opt.h"
#include "cmd_verify_full.h"

int
verify_record_open(struct cli *cli, const char *db, struct verify_full *full)
{
	char err[512] = "";
	inkan_status st;

	if (full->ip == NULL)
		return cli_usage_error(cli, "usage", "--record needs --ip (the "
			"source_ip of the report row)");
	st = inkan_report_store_open(cli->ctx, db, 0, &full->record, err,
		sizeof(err));
	if (st != INKAN_OK) {
		cli_error(cli, "--record %s: %s", db, err[0] ? err :
			inkan_strerror(st));
		return st == INKAN_ERR_SYNTAX ? CLI_USAGE :
			cli_exit_for_status(st);
	}
	return CLI_OK;
}

int
verify_record_close(struct cli *cli, struct verify_full *full)
{
	inkan_status st;

	if (full->record == NULL)
		return CLI_OK;
	st = inkan_report_store_flush(full->record);
	inkan_report_store_close(full->record);
	full->record = NULL;
	if (st != INKAN_OK) {
		cli_error(cli, "--record: rows could not be written: %s",
			inkan_strerror(st));
		return cli_exit_for_status(st);
	}
	return CLI_OK;
}

/* --failure-reports: queue what the record's ruf and fo ask for; the
 * From: written here is replaced by the configured one at send time */
static void
verify_record_failure(struct cli *cli, const struct verify_full *full,
	const inkan_verify *v, const inkan_verify_result *res)
{
	inkan_report_failure f;
	size_t queued = 0;
	inkan_status st;

	memset(&f, 0, sizeof(f));
	f.reporter = full->authserv_id ? full->authserv_id :
		"inkan.localhost";
	f.from = "postmaster@invalid";
	f.to = "-";
	f.client_ip = full->ip;
	f.mail_from = full->mail_from;
	f.now = inkan_ctx_now(cli->ctx);
	f.arrival = f.now;
	f.spf = res->spf;
	st = inkan_report_failure_queue(full->record, &f, res->dmarc,
		inkan_verify_msg(v), &queued);
	if (st != INKAN_OK)
		cli_error(cli, "--failure-reports: %s", inkan_strerror(st));
	else if (cli->verbose && queued)
		fprintf(cli->err, "inkan verify: %zu failure report(s) "
			"queued\n", queued);
}

void
verify_record(struct cli *cli, const struct verify_full *full,
	const inkan_verify *v, const inkan_verify_result *res)
{
	const char *rcpt = NULL;
	inkan_status st;

	if (full->rcpt_to != NULL) {
		rcpt = strrchr(full->rcpt_to, '@');
		rcpt = rcpt != NULL ? rcpt + 1 : full->rcpt_to;
	}
	st = inkan_report_store_add_verify(full->record, res, full->ip,
		full->mail_from, rcpt, inkan_ctx_now(cli->ctx), NULL, 0, 0);
	if (st == INKAN_ERR_NOT_FOUND) {
		if (cli->verbose)
			fprintf(cli->err, "inkan verify: --record: no DMARC "
				"record applied, nothing to report\n");
	} else if (st != INKAN_OK) {
		cli_error(cli, "--record: %s", inkan_strerror(st));
	}
	if (full->failure_reports && res->dmarc != NULL)
		verify_record_failure(cli, full, v, res);
}
