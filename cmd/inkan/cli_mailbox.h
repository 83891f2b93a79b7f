/* SPDX-License-Identifier: MIT */
/*
 * cli_mailbox.h - mail-folder input for the commands that read messages
 * (verify, parse): every path may be a message file, an mbox, a Maildir
 * or "-" (stdin), read through inkan/mailbox.h, and each message it holds
 * is handled on its own, in order. With --json every message gets exactly
 * one JSON line, one that cannot be read included (its error); in text
 * mode a summary at the end counts the messages and their outcomes
 * ("3 messages: 2 dmarc=pass, 1 dmarc=fail").
 */
#ifndef INKAN_CLI_MAILBOX_H
#define INKAN_CLI_MAILBOX_H

#include <inkan/mailbox.h>

#include "cli_msg.h"

/* Option ids of the mail-folder options (the frame's range, cli_msg.h). */
enum {
	CLI_O_MBOX_FORMAT = 0x110,
	CLI_O_MAX_MESSAGE_SIZE
};

/* Entries for a command's option table. */
#define CLI_MAIL_OPTS \
	{ "mbox-format", 0, CLI_O_MBOX_FORMAT, CLI_ARG_STRING, \
	  "mboxrd|mboxo", 0, 0, "how '>From ' lines in an mbox are read " \
	  "(default mboxrd: one '>' removed)" }, \
	{ "max-message-size", 0, CLI_O_MAX_MESSAGE_SIZE, CLI_ARG_UINT, \
	  "BYTES", 1, 1099511627776ULL, "accept messages up to BYTES in a " \
	  "mail folder (default 64 MiB)" }

struct cli_mail_opts {
	const char *mbox_format;	/* --mbox-format, or NULL */
	unsigned flags;			/* inkan_mailbox_flags */
};

/* Take option @id (value in @a); 1 taken, 0 not one of these. */
int cli_mail_option(struct cli *cli, struct cli_mail_opts *o, int id,
	const struct cli_args *a);

/* Check what the options said: CLI_OK, or CLI_USAGE (reported). */
int cli_mail_opts_check(struct cli *cli, struct cli_mail_opts *o);

/* One message being handled. */
struct cli_mail {
	struct cli *cli;
	inkan_mailbox *mb;
	const inkan_mailbox_origin *origin;
	/* for people: the path, or "PATH, message N" in an mbox */
	char name[512];
	int many;		/* name each message: several paths, a folder */
	/* set by the handler: the word the summary counts the message
	 * under ("dmarc=pass"); a static string */
	const char *label;
};

/*
 * Stream the current message into @feed. Errors are reported (cli_fail:
 * the size limit with the option that raises it, a read error, the
 * feed's error), except the header caps (INKAN_ERR_HEADER_COUNT,
 * _LINE_LENGTH, _HEADER_SIZE), which the caller turns into a verdict or
 * reports. Returns INKAN_OK or the failing status.
 */
inkan_status cli_mail_stream(struct cli_mail *m, cli_feed_fn feed,
	void *arg);

/* The message of @m as a source for the commands' readers (cli_msg.h);
 * it borrows @m. */
struct cli_msg_src cli_mail_src(struct cli_mail *m);

/* "file", "index" and "offset" members for the message @src (a plain
 * file: its name, 1 and 0). */
void cli_mail_src_json(struct inkan_json *j, const struct cli_msg_src *src);

/* Give the run's summary the word for @src (a static string). */
void cli_mail_src_label(const struct cli_msg_src *src, const char *label);

/* 1 for the statuses of the message parser's header caps */
int cli_mail_is_header_limit(inkan_status st);

/*
 * For a header over the caps: "header section over INKAN_LIMIT_X: ...",
 * the words lib/verify uses (valid until the next call); NULL for any
 * other status.
 */
const char *cli_mail_header_limit(struct cli *cli, inkan_status st);

/* The JSON line of a message that could not be read or verified: the
 * error reported for it (cli->err_code, err_msg) and @rc. */
void cli_mail_json_error(struct cli *cli, const struct cli_msg_src *src,
	int rc);

/* Handle one message and return its exit code. With --json it writes
 * the message's line; when it wrote none, cli_mail_run() writes the
 * error line from the error reported. */
typedef int (*cli_mail_fn)(struct cli_mail *m, void *arg);

/*
 * Every message of every path in @paths (@n; none: stdin) and, when
 * @list is not NULL, of every path listed in that file ("-": stdin), one
 * per line of any length. Returns the worst exit code. In text mode the
 * summary follows when there were several messages or a folder.
 */
int cli_mail_run(struct cli *cli, const struct cli_mail_opts *o,
	char *const *paths, size_t n, const char *list, cli_mail_fn fn,
	void *arg);

/* the worse of two exit codes (internal > usage > input > temporary >
 * fail > warnings > ok) */
int cli_mail_worse(int a, int b);

#endif
