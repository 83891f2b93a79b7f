/* SPDX-License-Identifier: MIT */
/*
 * cli_msg.h - what the commands that read messages (parse, sign, verify)
 * share: the header limit options and the error that names them.
 */
#ifndef INKAN_CLI_MSG_H
#define INKAN_CLI_MSG_H

#include <inkan/mailbox.h>

#include "cli_opt.h"

/* Option ids 0x100.. are the frame's; a command's own are below. */
enum {
	CLI_O_MAX_HEADER_FIELDS = 0x100,
	CLI_O_MAX_HEADER_LINE,
	CLI_O_MAX_HEADER_BYTES,
	CLI_O_MAX_SIGNATURES
};

/* The DKIM signature cap (RFC 6376 6.1 lets a verifier set one). */
#define CLI_MAX_SIGNATURES_OPT \
	{ "max-signatures", 0, CLI_O_MAX_SIGNATURES, CLI_ARG_UINT, "N", 1, \
	  1000, "evaluate up to N DKIM signatures per message (default 10)" }

/* Entries for a command's option table. */
#define CLI_MSG_LIMIT_OPTS \
	{ "max-header-fields", 0, CLI_O_MAX_HEADER_FIELDS, CLI_ARG_UINT, \
	  "N", 1, 10000000, "accept up to N header fields (default 1000)" }, \
	{ "max-header-line", 0, CLI_O_MAX_HEADER_LINE, CLI_ARG_UINT, "BYTES", \
	  1, 1073741824, "accept header lines up to BYTES (default 4096)" }, \
	{ "max-header-bytes", 0, CLI_O_MAX_HEADER_BYTES, CLI_ARG_UINT, \
	  "BYTES", 1, 1073741824, "accept a header section up to BYTES " \
	  "(default 1 MiB)" }

/* Apply option @id with value @num to cli->ctx. 1 taken, 0 not one of
 * these. */
int cli_msg_limit_option(struct cli *cli, int id, unsigned long long num);

/*
 * Why reading @name failed with @st, for people: a broken limit is named
 * with its value and the option that raises it. Returns a static or
 * cli-owned string valid until the next call.
 */
const char *cli_msg_error_text(struct cli *cli, inkan_status st);

/* "limit", "malformed" or NULL (derive from the exit code). */
const char *cli_msg_error_code(inkan_status st);

/* Where message bytes go: inkan_msg_feed, inkan_verify_feed, ... */
typedef inkan_status (*cli_feed_fn)(void *arg, const char *data, size_t len);

/*
 * The one message reader of the CLI: stream the message at @path (NULL or
 * "-": stdin) into @feed(@arg, ...), without its mbox "From " line if it
 * has one. Errors are reported (cli_fail), limits named with the option
 * that raises them. Returns INKAN_OK or the failing status; the caller
 * finishes the message.
 */
inkan_status cli_msg_stream(struct cli *cli, const char *path,
	cli_feed_fn feed, void *arg);

/*
 * One message to read: a file (@path; NULL or "-": stdin), or, when @read
 * is set, whatever @read(@arg, ...) streams into @feed (a message taken
 * from a mailbox). @name is how messages and JSON name it.
 */
struct cli_msg_src {
	const char *name;
	const char *path;
	inkan_status (*read)(void *arg, struct cli *cli, cli_feed_fn feed,
		void *feed_arg);
	void *arg;
	/* a message from a mail folder (cli_mailbox.c): where it is in
	 * its file (NULL for a plain file), and where the command puts
	 * the word the run's summary counts it under ("dmarc=pass") */
	const inkan_mailbox_origin *origin;
	const char **label;
};

/* A source for the file at @path. */
struct cli_msg_src cli_msg_file(const char *path);

/* Stream @src into @feed(@feed_arg, ...): cli_msg_stream() for a file,
 * src->read otherwise. Errors reported as by cli_msg_stream(). */
inkan_status cli_msg_src_stream(struct cli *cli,
	const struct cli_msg_src *src, cli_feed_fn feed, void *feed_arg);

/* @path for messages: "(stdin)" for NULL or "-". */
const char *cli_msg_name(const char *path);

#endif
