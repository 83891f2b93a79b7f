/* SPDX-License-Identifier: MIT */
/* cmd_report_imap.h - `inkan report ingest --imap`: fetch, store, mark. */
#ifndef INKAN_CMD_REPORT_IMAP_H
#define INKAN_CMD_REPORT_IMAP_H

#include <stddef.h>
#include "cli.h"

struct ingest_run;

struct report_imap {
	struct cli *cli;
	struct ingest_run *run;
	const char *url;	/* imap[s]://host[:port]/MAILBOX */
	const char *login_file;	/* "user:password", mode 0600 */
	const char *move_to;	/* folder for stored messages, or NULL */
};

/* Store every unseen message of the mailbox, then mark it \Seen (and
 * move it); returns an exit code. */
int report_imap_ingest(struct report_imap *im);

/* cmd_report_ingest.c: store one message; -1 when the store failed */
int report_ingest_bytes(struct ingest_run *r, const char *data, size_t len,
	const char *origin);
size_t report_ingest_max_input(const struct ingest_run *r);

#endif
