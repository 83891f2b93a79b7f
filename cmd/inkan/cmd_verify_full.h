/* SPDX-License-Identifier: MIT */
/*
 * cmd_verify_full.h - `inkan verify` in full mode: SPF, DKIM and DMARC of
 * a message through inkan/verify.h, a summary for people and the
 * Authentication-Results field (cmd_verify_full.c, JSON in
 * cmd_verify_json.c). cmd_verify.c parses the options and picks the mode.
 */
#ifndef INKAN_CMD_VERIFY_FULL_H
#define INKAN_CMD_VERIFY_FULL_H

#include <inkan/dkim.h>
#include <inkan/verify.h>

#include "cli.h"
#include "cli_msg.h"

struct verify_full {
	const char *ip;		/* --ip, or NULL */
	const char *helo;	/* --helo, or NULL */
	const char *mail_from;	/* --mail-from ("" or "<>": null sender) */
	const char *authserv_id; /* --authserv-id, or NULL: inkan.localhost */
	const char *rcpt_to;	/* --rcpt-to, or NULL */
	/* --record DB: the report store each verdict is recorded in */
	struct inkan_report_store *record;
	/* --failure-reports: queue RFC 9991 failure reports in record */
	int failure_reports;
	/* --trusted-sealer D (repeatable): DMARC local policy on ARC */
	const char *const *trusted_sealers;
	size_t ntrusted_sealers;
};

/* --record DB: open the store (before the first message) and close it
 * (after the last: what is queued is written); exit codes */
int verify_record_open(struct cli *cli, const char *db,
	struct verify_full *full);
int verify_record_close(struct cli *cli, struct verify_full *full);
/* --record: queue the report row for @res (cmd_verify_record.c) */
void verify_record(struct cli *cli, const struct verify_full *full,
	const inkan_verify *v, const inkan_verify_result *res);

/*
 * Verify the message @src and print the summary
 * and the header (or JSON with --json). @dkim is the CLI's DKIM handle
 * (flags, --keys). Returns the exit code for this message:
 * 0 DMARC pass, or no DMARC policy and nothing failed; 1 a fail; 3 a
 * temporary error; 4 unreadable or malformed input; 5 internal.
 */
struct cli_msg_src;
int verify_full_file(struct cli *cli, inkan_dkim *dkim,
	const struct verify_full *full, const struct cli_msg_src *src,
	int many);

/* cmd_verify_json.c: the whole result as one JSON object line; an exit
 * code (CLI_INTERNAL when it could not be written) */
int verify_full_json(struct cli *cli, const struct verify_full *full,
	const struct cli_msg_src *src, const inkan_verify_result *r,
	int exit_code);
/* One DKIM result as a JSON object (both modes use it). */
struct inkan_json;
void verify_dkim_json(struct inkan_json *j, const inkan_dkim_result *d);

/* One run of `inkan verify` over any number of messages. */
struct verify_run {
	struct cli *cli;
	inkan_dkim *dkim;		/* flags, --keys; owned by the run */
	const struct verify_full *full;	/* NULL: DKIM only */
	const char *authserv_id;
	int many;			/* several messages: name each */
	size_t messages;		/* read so far */
};

/*
 * Verify the one message @src and print its result; with --json exactly
 * one JSON line, an error line when it could not be verified. Returns the
 * exit code for this message. (A mailbox reader calls this once per
 * message, with a source whose read function streams that message.)
 */
int verify_one(struct verify_run *run, const struct cli_msg_src *src);

/* Text mode: say that @skipped signatures were over the cap. */
void verify_skipped_note(struct cli *cli, size_t skipped);

/* the exit code of an outcome (see verify_full_file) */
int verify_full_exit(inkan_verify_outcome o);

#endif
