/* SPDX-License-Identifier: MIT */
/*
 * mailbox_internal.h - the parts of the mail-folder reader
 * (inkan/mailbox.h): the mbox splitter (mbox_split.c) and the Maildir
 * listing (maildir.c). mailbox.c puts them together behind the handle.
 */
#ifndef INKAN_MSG_MAILBOX_INTERNAL_H
#define INKAN_MSG_MAILBOX_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <inkan/ctx.h>

/*
 * The mbox splitter: a byte-at-a-time state machine over the stream, so
 * chunks may be cut anywhere (inside a From_ line, between CR and LF,
 * inside a run of ">"). It holds back at most a few bytes whose meaning
 * depends on what follows: a possible "From " at the start of a line,
 * the ">" it may remove, and the last empty line (which is a separator
 * when a From_ line comes next).
 */
enum ik_mbox_state {
	IK_MBOX_BOL,		/* at the start of a line */
	IK_MBOX_BOL_CR,		/* a line that began with CR */
	IK_MBOX_BOL_FROM,	/* the line so far is a prefix of "From " */
	IK_MBOX_GT,		/* inside a leading run of ">" (mboxrd) */
	IK_MBOX_GT_FROM,	/* ">...>" then a prefix of "From " */
	IK_MBOX_MID,		/* inside a line, nothing held */
	IK_MBOX_SKIP		/* the rest of a From_ line */
};

struct ik_mbox_split {
	int unquote;			/* mboxrd: remove one ">" */
	enum ik_mbox_state state;
	char hold[8];			/* a prefix of "From " (or a CR) */
	size_t nhold;
	char blank[2];			/* the empty line held back */
	size_t nblank;
	int has_blank;			/* the line before was empty (or
					 * this is the first line) */
	uint64_t pos;			/* stream offset of the next byte */
	uint64_t line_start;		/* stream offset of this line */
	uint64_t from_offset;		/* of the last From_ line */
};

/* the most bytes one run can write beyond its input's length */
#define IK_MBOX_SLACK 16

void ik_mbox_split_init(struct ik_mbox_split *s, int unquote);

/*
 * Consume bytes of @in (@len) and append message bytes to @out, which
 * has room for @len + IK_MBOX_SLACK more after *outlen. Stops early, with
 * *boundary set, right after the "From " of a From_ line: the message
 * before it is complete (its separator dropped), and the next run goes on
 * with the next message. Returns the bytes consumed.
 */
size_t ik_mbox_split_run(struct ik_mbox_split *s, const char *in,
	size_t len, char *out, size_t *outlen, int *boundary);

/* The input ended: append what is still held back (not the empty line
 * of the final separator) to @out (room for IK_MBOX_SLACK). */
void ik_mbox_split_eof(struct ik_mbox_split *s, char *out, size_t *outlen);

/*
 * The message files of the Maildir at @dir: cur/ then new/ (or @dir
 * itself when it is one of them), names not starting with ".", regular
 * files only, sorted. *files (an array of *n paths, each and the array
 * freed with ik_free) is owned by the caller. INKAN_ERR_UNSUPPORTED: not
 * a Maildir; INKAN_ERR_IO: a directory cannot be read (*err_no is set).
 */
inkan_status ik_maildir_list(const inkan_ctx *ctx, const char *dir,
	char ***files, size_t *n, int *err_no);

void ik_maildir_list_free(const inkan_ctx *ctx, char **files, size_t n);

#endif
