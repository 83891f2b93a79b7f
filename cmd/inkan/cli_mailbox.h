/* SPDX-License-Identifier: MIT */
/*
 * cli_mailbox.h - mail-folder input for the commands that read messages
 * (verify, parse): every path may be a message file, an mbox, a Maildir
 * or "-" (stdin), read through inkan/mailbox.h, and each message it holds
 * is handled on its own, in order. An unreadable message still gets its
 * line (text or JSON) with the error; at the end a summary counts the
 * messages and their outcomes ("3 messages: 2 dmarc=pass, 1 dmarc=fail").
 */
#ifndef INKAN_CLI_MAILBOX_H
#define INKAN_CLI_MAILBOX_H

#include <inkan/mailbox.h>

#include "cli.h"

/* The options every message-reading command takes (mailbox flags, size) */
struct cli_mail_opts {
	unsigned flags;			/* inkan_mailbox_flags */
};

/*
 * --mbox-format mboxrd|mboxo and --max-message-size BYTES. Returns 1 when
 * @name was one of them (applied), 0 when not, -1 after a usage error
 * (reported).
 */
int cli_mail_option(struct cli *cli, struct cli_mail_opts *o,
	const char *name, const char *value);

/* One message being handled. */
struct cli_mail {
	struct cli *cli;
	inkan_mailbox *mb;
	const inkan_mailbox_origin *origin;
	/* for text output: the path, or "PATH, message N" in an mbox */
	char name[512];
	int many;	/* label each message: several paths or a folder */
};

/* Where message bytes go: inkan_msg_feed, inkan_verify_feed, ... */
typedef inkan_status (*cli_mail_feed_fn)(void *arg, const char *data,
	size_t len);

/*
 * Stream the current message into @feed. A read error or a message over
 * INKAN_LIMIT_MESSAGE_BYTES is returned (not printed): the caller prints
 * the message's line with cli_mail_why(). Statuses of @feed are returned
 * as they are.
 */
inkan_status cli_mail_stream(struct cli_mail *m, cli_mail_feed_fn feed,
	void *arg);

/* Why @st happened to the message, for people (the size limit with the
 * option that raises it, the system's reason for a file). */
const char *cli_mail_why(const struct cli_mail *m, inkan_status st);

/*
 * For a header over the message parser's caps (INKAN_ERR_HEADER_COUNT,
 * _LINE_LENGTH, _HEADER_SIZE): the words lib/verify uses, "header section
 * over INKAN_LIMIT_X: ..." (valid until the next call); NULL for any
 * other status.
 */
const char *cli_mail_header_limit(struct cli *cli, inkan_status st);

/* "file":...,"index":N,"offset":N for the message's JSON object (no
 * braces) */
void cli_mail_json_origin(const struct cli_mail *m);

/*
 * The line of a message that cannot be read: "NAME: error: WHY" on
 * stderr, and for --json {"file":...,"error":"input","message":WHY,
 * "exit":N} on stdout. Returns the exit code for it.
 */
int cli_mail_unreadable(struct cli_mail *m, inkan_status st);

/* Handle one message; returns its exit code and sets *label, the word
 * the summary counts it under ("dmarc=pass"); static strings only. */
typedef int (*cli_mail_fn)(struct cli_mail *m, void *arg,
	const char **label);

#define CLI_MAIL_LABELS 16

struct cli_mail_tally {
	size_t messages;
	int folder;		/* a message came from an mbox or Maildir */
	const char *label[CLI_MAIL_LABELS];
	size_t count[CLI_MAIL_LABELS];
};

/*
 * Every message of every path in @paths (@n; none: stdin) and, when
 * @list is not NULL, of every path listed in that file ("-": stdin), one
 * per line. Returns the worst exit code. With several messages (or a
 * folder) the summary is printed at the end in text mode.
 */
int cli_mail_run(struct cli *cli, const struct cli_mail_opts *o,
	char *const *paths, size_t n, const char *list, cli_mail_fn fn,
	void *arg);

/* the worse of two exit codes: 5 > 2 > 4 > 3 > 1 > 0 */
int cli_mail_worse(int a, int b);

#endif
