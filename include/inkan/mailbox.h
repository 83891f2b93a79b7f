/* SPDX-License-Identifier: MIT */
/*
 * inkan/mailbox.h - read the messages of a mail folder one at a time:
 * an mbox file, a Maildir, a single message file, or standard input.
 *
 * The reader streams. It never holds a whole mbox, or a whole message, in
 * memory: each message comes out in chunks of about 64 KiB, ready for
 * inkan_msg_feed() or inkan_verify_feed(), which take chunks split
 * anywhere.
 *
 * What a path is, decided by what it holds, never by its name:
 *  - a directory with cur/ or new/ (or one of those directories itself):
 *    a Maildir. Every file in cur/ then new/ whose name does not start
 *    with "." is one message, in byte order of the names, so two runs
 *    over the same folder give the same order. A leading "From " line in
 *    such a file (some delivery agents write one) is skipped; the rest
 *    of the file is the message, unchanged.
 *  - a file (or "-", standard input) whose first line starts with
 *    "From ": an mbox, split and unquoted as below.
 *  - any other file: one message, passed through unchanged.
 *  - an empty file (or empty stdin) holds no message; an empty file in
 *    a Maildir is still one (empty) message.
 *
 * mbox (RFC 4155 and the mbox family it describes):
 *  - A message starts after a "From " line (the From_ line, not part of
 *    the message) that is the first line of the file or follows an empty
 *    line. The empty line before a From_ line, and one empty line at the
 *    end of the file, are the separators mbox writers add after each
 *    message; they are not part of the message. A "From " line that does
 *    not follow an empty line stays in the message (a writer that did
 *    not quote it meant it as text). Lines may end in LF or CRLF.
 *  - Quoting. Writers put ">" before body lines that would look like a
 *    From_ line. mboxo quotes "From " as ">From " and leaves ">From "
 *    alone, so the two cannot be told apart afterwards; mboxrd also quotes
 *    ">From " as ">>From " (and so on), so the quoting can be undone
 *    exactly. The reader cannot tell the flavours apart from the bytes.
 *    INKAN_MAILBOX_MBOXRD (the default) removes one ">" from every line
 *    that matches ^>+From : exact for mboxrd, and for mboxo right for
 *    every line a writer quoted (the common case, and the one that
 *    breaks DKIM body hashes), wrong only for a line that was ">From "
 *    before it was stored. INKAN_MAILBOX_MBOXO removes nothing: the
 *    stored bytes as they are, for archives known to hold such lines.
 *
 * Bounds: a message larger than INKAN_LIMIT_MESSAGE_BYTES (default
 * 64 MiB, inkan_ctx_set_limit() raises it) is refused with
 * INKAN_ERR_LIMIT, and the reader goes on with the next message. Memory
 * use is two 64 KiB buffers plus the names of a Maildir's files.
 *
 * Threading: one handle belongs to one thread at a time.
 */
#ifndef INKAN_MAILBOX_H
#define INKAN_MAILBOX_H

#include <stddef.h>
#include <stdint.h>

#include <inkan/ctx.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct inkan_mailbox inkan_mailbox;

/* How the mbox quoting is undone (see above). */
typedef enum inkan_mailbox_flags {
	INKAN_MAILBOX_MBOXRD = 0,	/* ^>+From : remove one ">" */
	INKAN_MAILBOX_MBOXO = 1		/* leave every line as stored */
} inkan_mailbox_flags;

/* What a message was read from. */
typedef enum inkan_mailbox_format {
	INKAN_MAILBOX_SINGLE = 0,	/* a file or stdin holding one message */
	INKAN_MAILBOX_MBOX = 1,
	INKAN_MAILBOX_MAILDIR = 2	/* one file of a Maildir */
} inkan_mailbox_format;

/*
 * Where a message comes from, for error lines and reports. Owned by the
 * reader; valid until the next inkan_mailbox_next() or _free(). Fields
 * may be added at the end.
 */
typedef struct inkan_mailbox_origin {
	const char *path;	/* the file ("-" for standard input) */
	inkan_mailbox_format format;
	uint64_t index;		/* 1-based number of the message in @path */
	uint64_t offset;	/* byte offset in @path of its From_ line (mbox),
				 * else 0 */
	uint64_t number;	/* 1-based number over the whole mailbox */
} inkan_mailbox_origin;

/*
 * Open the mail folder at @path ("-" or NULL: standard input, which is
 * not closed). @path is copied; nothing is read yet, so a missing file is
 * reported by the first inkan_mailbox_next(), like any other message
 * that cannot be read. @flags: inkan_mailbox_flags. On success *out is
 * owned by the caller: free it with inkan_mailbox_free(). @ctx is
 * borrowed and must outlive the handle.
 */
INKAN_API inkan_status inkan_mailbox_open(inkan_ctx *ctx, const char *path,
	unsigned flags, inkan_mailbox **out);

/* Close files and free @mb. NULL is a no-op. */
INKAN_API void inkan_mailbox_free(inkan_mailbox *mb);

/*
 * Go to the next message (the rest of the current one is skipped).
 *  - INKAN_OK, *origin set: read the message with inkan_mailbox_read().
 *  - INKAN_OK, *origin NULL: there are no more messages.
 *  - an error, *origin set: this message cannot be read (NOT_FOUND: the
 *    path does not exist; IO: it cannot be opened or read; UNSUPPORTED:
 *    a directory that is not a Maildir). Call again for the next one.
 *  - INKAN_ERR_NOMEM, *origin NULL: out of memory listing a Maildir.
 * After a read error in the middle of an mbox (reported by
 * inkan_mailbox_read()), the rest of that file is given up.
 * inkan_mailbox_error() says more about the last error.
 */
INKAN_API inkan_status inkan_mailbox_next(inkan_mailbox *mb,
	const inkan_mailbox_origin **origin);

/*
 * The next chunk of the current message: *data is borrowed until the
 * next call on @mb. *len == 0 with INKAN_OK means the message is
 * complete. INKAN_ERR_LIMIT: the message is larger than
 * INKAN_LIMIT_MESSAGE_BYTES; INKAN_ERR_IO: a read failed. Errors stay for
 * the rest of the message; inkan_mailbox_next() moves on.
 */
INKAN_API inkan_status inkan_mailbox_read(inkan_mailbox *mb,
	const char **data, size_t *len);

/*
 * A sentence about the last error of @mb (the system's reason for an I/O
 * error, the limit and its value for INKAN_ERR_LIMIT), or "" when there
 * was none. Borrowed until the next call on @mb.
 */
INKAN_API const char *inkan_mailbox_error(const inkan_mailbox *mb);

#ifdef __cplusplus
}
#endif
#endif
