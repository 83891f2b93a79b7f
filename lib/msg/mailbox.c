/* SPDX-License-Identifier: MIT */
/*
 * mailbox.c - the mail-folder reader (inkan/mailbox.h): decides what a
 * path holds, walks a Maildir's files (maildir.c), splits an mbox
 * (mbox_split.c), and hands out each message in chunks under the
 * message size limit.
 *
 * One file is open at a time. An mbox is read once, front to back: a
 * message not read to its end is skipped through the splitter, so the
 * next one starts at the right line, and stdin works like a file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <inkan/mailbox.h>

#include "core/alloc.h"
#include "core/ctx_internal.h"
#include "msg/mailbox_internal.h"

#define CHUNK 65536

struct inkan_mailbox {
	inkan_ctx *ctx;
	char *path;			/* as given; "-" for stdin */
	unsigned flags;
	int started;			/* @path has been looked at */
	char **files;			/* a Maildir's message files */
	size_t nfiles, next_file;
	int fd;				/* the open file, or -1 */
	const char *cur_path;		/* @path or files[i] */
	inkan_mailbox_format format;
	char *in, *out;			/* CHUNK, CHUNK + IK_MBOX_SLACK */
	size_t in_pos, in_len;
	int eof;
	inkan_status stream_err;	/* a read of the file failed */
	int skip_line;			/* Maildir: a leading From_ line */
	struct ik_mbox_split split;
	int in_msg;			/* a message is being read */
	int msg_ended;			/* ... and all of it was handed out */
	int file_done;			/* no more messages in this file */
	inkan_status msg_err;		/* sticky for the message */
	uint64_t msg_bytes, file_index, number;
	inkan_mailbox_origin origin;
	char err[256];
};

INKAN_API inkan_status
inkan_mailbox_open(inkan_ctx *ctx, const char *path, unsigned flags,
	inkan_mailbox **out)
{
	inkan_mailbox *mb;

	if (out == NULL)
		return INKAN_ERR_INVALID;
	*out = NULL;
	if (ctx == NULL || (flags & ~(unsigned)INKAN_MAILBOX_MBOXO) != 0)
		return INKAN_ERR_INVALID;
	if ((mb = ik_calloc(ctx, 1, sizeof(*mb))) == NULL)
		return INKAN_ERR_NOMEM;
	mb->ctx = ctx;
	mb->flags = flags;
	mb->fd = -1;
	mb->path = ik_strdup(ctx, path != NULL ? path : "-");
	mb->in = ik_malloc(ctx, CHUNK);
	mb->out = ik_malloc(ctx, CHUNK + IK_MBOX_SLACK);
	if (mb->path == NULL || mb->in == NULL || mb->out == NULL) {
		inkan_mailbox_free(mb);
		return INKAN_ERR_NOMEM;
	}
	*out = mb;
	return INKAN_OK;
}

static void
close_file(inkan_mailbox *mb)
{
	if (mb->fd > STDIN_FILENO)
		close(mb->fd);
	mb->fd = -1;
	mb->in_msg = 0;
}

INKAN_API void
inkan_mailbox_free(inkan_mailbox *mb)
{
	if (mb == NULL)
		return;
	close_file(mb);
	ik_maildir_list_free(mb->ctx, mb->files, mb->nfiles);
	ik_free(mb->ctx, mb->in);
	ik_free(mb->ctx, mb->out);
	ik_free(mb->ctx, mb->path);
	ik_free(mb->ctx, mb);
}

INKAN_API const char *
inkan_mailbox_error(const inkan_mailbox *mb)
{
	return mb != NULL ? mb->err : "";
}

static inkan_status
sys_error(inkan_mailbox *mb, int e, const char *what)
{
	char reason[128];

	if (strerror_r(e, reason, sizeof(reason)) != 0)
		snprintf(reason, sizeof(reason), "error %d", e);
	snprintf(mb->err, sizeof(mb->err), "%s: %s", what, reason);
	return e == ENOENT || e == ENOTDIR ? INKAN_ERR_NOT_FOUND :
		INKAN_ERR_IO;
}

/* read more of the file: @append keeps what is in the buffer */
static inkan_status
refill(inkan_mailbox *mb, int append)
{
	ssize_t n;

	if (!append)
		mb->in_pos = mb->in_len = 0;
	for (;;) {
		n = read(mb->fd, mb->in + mb->in_len, CHUNK - mb->in_len);
		if (n >= 0)
			break;
		if (errno != EINTR) {
			mb->stream_err = sys_error(mb, errno, "read");
			/* a read error is not "no such file" */
			mb->stream_err = INKAN_ERR_IO;
			return mb->stream_err;
		}
	}
	if (n == 0)
		mb->eof = 1;
	mb->in_len += (size_t)n;
	return INKAN_OK;
}

/*
 * The next bytes of the current message, without the size limit:
 * *len == 0 when it has ended. An mbox goes through the splitter; any
 * other file is handed out as read.
 */
static inkan_status
pump(inkan_mailbox *mb, const char **data, size_t *len)
{
	const char *lf;
	size_t used, n;
	int boundary;
	inkan_status st;

	*len = 0;
	while (!mb->msg_ended) {
		if (mb->stream_err != INKAN_OK)
			return mb->stream_err;
		if (mb->in_pos == mb->in_len) {
			if (!mb->eof) {
				if ((st = refill(mb, 0)) != INKAN_OK)
					return st;
				continue;
			}
			n = 0;
			if (mb->format == INKAN_MAILBOX_MBOX)
				ik_mbox_split_eof(&mb->split, mb->out, &n);
			mb->msg_ended = 1;
			mb->file_done = 1;
			*data = mb->out;
			*len = n;
			return INKAN_OK;
		}
		if (mb->format == INKAN_MAILBOX_MBOX) {
			n = 0;
			used = ik_mbox_split_run(&mb->split, mb->in + mb->in_pos,
				mb->in_len - mb->in_pos, mb->out, &n, &boundary);
			mb->in_pos += used;
			mb->msg_ended = boundary;
			if (n > 0) {
				*data = mb->out;
				*len = n;
				return INKAN_OK;
			}
			continue;
		}
		if (mb->skip_line) {
			lf = memchr(mb->in + mb->in_pos, '\n',
				mb->in_len - mb->in_pos);
			mb->skip_line = lf == NULL;
			mb->in_pos = lf ? (size_t)(lf - mb->in) + 1 : mb->in_len;
			continue;
		}
		*data = mb->in + mb->in_pos;
		*len = mb->in_len - mb->in_pos;
		mb->in_pos = mb->in_len;
		return INKAN_OK;
	}
	return INKAN_OK;
}

/* read and drop the rest of the current message */
static inkan_status
skip_rest(inkan_mailbox *mb)
{
	const char *data;
	size_t len;
	inkan_status st = INKAN_OK;

	while (!mb->msg_ended && st == INKAN_OK)
		st = pump(mb, &data, &len);
	return st;
}

static void
set_origin(inkan_mailbox *mb, const char *path, inkan_mailbox_format f,
	const inkan_mailbox_origin **origin)
{
	mb->origin.path = path;
	mb->origin.format = f;
	mb->origin.index = ++mb->file_index;
	mb->origin.offset = f == INKAN_MAILBOX_MBOX ?
		mb->split.from_offset : 0;
	mb->origin.number = ++mb->number;
	*origin = &mb->origin;
}

static void
start_message(inkan_mailbox *mb, const inkan_mailbox_origin **origin)
{
	mb->in_msg = 1;
	mb->msg_ended = 0;
	mb->msg_err = INKAN_OK;
	mb->msg_bytes = 0;
	set_origin(mb, mb->cur_path, mb->format, origin);
}

/* a file is open on @fd: find out what it holds, start its first message */
static inkan_status
open_stream(inkan_mailbox *mb, int fd, const char *path, int maildir,
	const inkan_mailbox_origin **origin)
{
	inkan_status st = INKAN_OK;
	int from;

	mb->fd = fd;
	mb->cur_path = path;
	mb->in_pos = mb->in_len = 0;
	mb->eof = 0;
	mb->stream_err = INKAN_OK;
	mb->file_index = 0;
	mb->file_done = 0;
	mb->skip_line = 0;
	/* enough bytes to see "From " (a pipe may give fewer at a time) */
	while (st == INKAN_OK && mb->in_len < 5 && !mb->eof)
		st = refill(mb, 1);
	from = mb->in_len >= 5 && memcmp(mb->in, "From ", 5) == 0;
	if (st == INKAN_OK && mb->in_len == 0 && !maildir) {
		/* an empty mbox holds no message; a Maildir file is one
		 * message whatever it holds */
		close_file(mb);
		return INKAN_OK;
	}
	if (maildir) {
		mb->format = INKAN_MAILBOX_MAILDIR;
		mb->skip_line = from;
	} else if (from) {
		mb->format = INKAN_MAILBOX_MBOX;
		ik_mbox_split_init(&mb->split,
			(mb->flags & INKAN_MAILBOX_MBOXO) == 0);
		/* up to the end of the first From_ line's "From " */
		mb->msg_ended = 0;
		if (st == INKAN_OK)
			st = skip_rest(mb);
	} else {
		mb->format = INKAN_MAILBOX_SINGLE;
	}
	if (st != INKAN_OK) {
		close_file(mb);
		set_origin(mb, path, mb->format, origin);
		return st;
	}
	start_message(mb, origin);
	return INKAN_OK;
}

static inkan_status
open_file(inkan_mailbox *mb, const char *path, int maildir,
	const inkan_mailbox_origin **origin)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	inkan_status st;

	if (fd < 0) {
		st = sys_error(mb, errno, "cannot open");
		set_origin(mb, path, maildir ? INKAN_MAILBOX_MAILDIR :
			INKAN_MAILBOX_SINGLE, origin);
		return st;
	}
	return open_stream(mb, fd, path, maildir, origin);
}

/* the first look at @path: stdin, a Maildir, or a file */
static inkan_status
open_path(inkan_mailbox *mb, const inkan_mailbox_origin **origin)
{
	struct stat sb;
	inkan_status st;
	int e;

	if (strcmp(mb->path, "-") == 0)
		return open_stream(mb, STDIN_FILENO, mb->path, 0, origin);
	if (stat(mb->path, &sb) != 0) {
		st = sys_error(mb, errno, "cannot open");
		set_origin(mb, mb->path, INKAN_MAILBOX_SINGLE, origin);
		return st;
	}
	if (!S_ISDIR(sb.st_mode))
		return open_file(mb, mb->path, 0, origin);
	st = ik_maildir_list(mb->ctx, mb->path, &mb->files, &mb->nfiles, &e);
	if (st == INKAN_ERR_UNSUPPORTED)
		snprintf(mb->err, sizeof(mb->err), "a directory without cur/ "
			"or new/ is not a Maildir");
	else if (st == INKAN_ERR_IO)
		st = sys_error(mb, e, "cannot read the Maildir");
	if (st == INKAN_ERR_NOMEM)
		return st;
	if (st != INKAN_OK) {
		set_origin(mb, mb->path, INKAN_MAILBOX_MAILDIR, origin);
		return st;
	}
	return INKAN_OK;
}

INKAN_API inkan_status
inkan_mailbox_next(inkan_mailbox *mb, const inkan_mailbox_origin **origin)
{
	inkan_status st;

	if (origin != NULL)
		*origin = NULL;
	if (mb == NULL || origin == NULL)
		return INKAN_ERR_INVALID;
	mb->err[0] = '\0';
	if (mb->fd >= 0 && mb->format == INKAN_MAILBOX_MBOX &&
	    !mb->file_done && skip_rest(mb) == INKAN_OK && !mb->file_done) {
		start_message(mb, origin);
		return INKAN_OK;
	}
	close_file(mb);
	if (!mb->started) {
		mb->started = 1;
		st = open_path(mb, origin);
		if (st != INKAN_OK || *origin != NULL)
			return st;
	}
	if (mb->next_file < mb->nfiles)
		return open_file(mb, mb->files[mb->next_file++], 1, origin);
	return INKAN_OK;
}

INKAN_API inkan_status
inkan_mailbox_read(inkan_mailbox *mb, const char **data, size_t *len)
{
	inkan_status st;

	if (data != NULL)
		*data = NULL;
	if (len != NULL)
		*len = 0;
	if (mb == NULL || data == NULL || len == NULL)
		return INKAN_ERR_INVALID;
	if (!mb->in_msg)
		return INKAN_ERR_STATE;
	if (mb->msg_err != INKAN_OK)
		return mb->msg_err;
	st = pump(mb, data, len);
	if (st == INKAN_OK && *len > mb->ctx->limits[INKAN_LIMIT_MESSAGE_BYTES]
	    - mb->msg_bytes) {
		snprintf(mb->err, sizeof(mb->err), "the message is larger "
			"than INKAN_LIMIT_MESSAGE_BYTES (%llu bytes)",
			(unsigned long long)
			mb->ctx->limits[INKAN_LIMIT_MESSAGE_BYTES]);
		st = INKAN_ERR_LIMIT;
	}
	if (st != INKAN_OK) {
		mb->msg_err = st;
		*data = NULL;
		*len = 0;
		return st;
	}
	mb->msg_bytes += *len;
	return INKAN_OK;
}
