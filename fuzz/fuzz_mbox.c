/* SPDX-License-Identifier: MIT */
/*
 * fuzz_mbox.c - the mbox splitter (lib/msg/mbox_split.c) on arbitrary
 * bytes, checked against what inkan/mailbox.h promises:
 *  - the messages do not depend on how the stream is cut into chunks
 *    (the first byte picks a chunk size; the whole stream in one piece
 *    is the reference);
 *  - a run writes at most its input plus IK_MBOX_SLACK bytes, and the
 *    messages together are never longer than the stream;
 *  - mboxrd is exact: every message that ends with a line end, written
 *    back as an mboxrd writer would (From_ line, ">" before ^>*From ,
 *    an empty line after it), reads back as the same bytes;
 *  - the public reader (inkan/mailbox.h) on the same bytes in a file
 *    gives the splitter's messages, and under a small
 *    INKAN_LIMIT_MESSAGE_BYTES refuses exactly the messages over it and
 *    still finds every message after them.
 */
/* memfd_create: the input as a file without touching a disk */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <inkan/mailbox.h>

#include "msg/mailbox_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAXMSG 64

struct split {
	char *out;
	size_t len;
	size_t start[MAXMSG + 1];	/* where each message begins in out */
	size_t n;			/* messages started by a From_ line */
};

/* split @in in chunks of @chunk; returns 0 when a bound was broken */
static int
run(const char *in, size_t size, size_t chunk, int unquote, struct split *s)
{
	struct ik_mbox_split sp;
	size_t pos = 0, take, used, before;
	int boundary;

	ik_mbox_split_init(&sp, unquote);
	s->len = 0;
	s->n = 0;
	s->start[0] = 0;
	while (pos < size) {
		take = size - pos < chunk ? size - pos : chunk;
		before = s->len;
		used = ik_mbox_split_run(&sp, in + pos, take, s->out, &s->len,
			&boundary);
		if (used > take || s->len - before > take + IK_MBOX_SLACK)
			return 0;
		/* a run consumes something unless the input is empty */
		if (used == 0)
			return 0;
		pos += used;
		if (boundary && s->n < MAXMSG)
			s->start[++s->n] = s->len;
	}
	before = s->len;
	ik_mbox_split_eof(&sp, s->out, &s->len);
	return s->len - before <= IK_MBOX_SLACK && s->len <= size;
}

static size_t
end_of(const struct split *s, size_t i)
{
	return i < s->n ? s->start[i + 1] : s->len;
}

/* write message @m (@len) as an mboxrd writer would, to @w */
static size_t
write_mboxrd(const char *m, size_t len, char *w)
{
	size_t n = 0, i = 0, l, k;
	const char *eol;

	memcpy(w, "From fuzz\n", 10);
	n = 10;
	while (i < len) {
		eol = memchr(m + i, '\n', len - i);
		l = eol ? (size_t)(eol - (m + i)) + 1 : len - i;
		for (k = 0; k < l && m[i + k] == '>'; k++)
			;
		if (l - k >= 5 && memcmp(m + i + k, "From ", 5) == 0)
			w[n++] = '>';
		memcpy(w + n, m + i, l);
		n += l;
		i += l;
	}
	w[n++] = '\n';
	return n;
}

static void
round_trip(const struct split *s, size_t i)
{
	size_t b = s->start[i], e = end_of(s, i), len = e - b, wn;
	char *w, *o;
	struct split back;

	if (len > 0 && s->out[e - 1] != '\n')
		return;
	/* every line may gain a ">", plus the From_ line and the end */
	w = malloc(2 * len + 16);
	o = malloc(2 * len + 16 + IK_MBOX_SLACK);
	if (w == NULL || o == NULL)
		abort();
	wn = write_mboxrd(s->out + b, len, w);
	back.out = o;
	if (!run(w, wn, wn, 1, &back) || back.n != 1 ||
	    back.len != len || memcmp(o, s->out + b, len) != 0)
		abort();
	free(w);
	free(o);
}

/* the input as a file, for the public reader (one per process) */
static const char *
input_file(const uint8_t *data, size_t size)
{
	static char path[64];
	static int fd = -1;

	if (fd < 0) {
		if ((fd = memfd_create("fuzz_mbox", 0)) < 0)
			abort();
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) !=
	    (ssize_t)size)
		abort();
	return path;
}

/*
 * Read @path with the reader and compare with @ref (the splitter's
 * messages, when the stream starts with a From_ line).
 */
static void
reader(const uint8_t *data, size_t size, const struct split *ref,
	int unquote, uint64_t cap)
{
	inkan_ctx *ctx = NULL;
	inkan_mailbox *mb = NULL;
	const inkan_mailbox_origin *o;
	const char *chunk;
	size_t len, i = 0, got;
	inkan_status st;
	int mbox = size >= 5 && memcmp(data, "From ", 5) == 0;

	if (inkan_ctx_new(NULL, &ctx) != INKAN_OK)
		return;
	inkan_ctx_set_limit(ctx, INKAN_LIMIT_MESSAGE_BYTES, cap);
	if (inkan_mailbox_open(ctx, input_file(data, size),
	    unquote ? INKAN_MAILBOX_MBOXRD : INKAN_MAILBOX_MBOXO, &mb) !=
	    INKAN_OK)
		abort();
	while ((st = inkan_mailbox_next(mb, &o)), o != NULL) {
		if (st != INKAN_OK)
			abort();
		size_t b = mbox ? ref->start[i + 1] : 0;
		size_t e = mbox ? end_of(ref, i + 1) : size;
		got = 0;
		while ((st = inkan_mailbox_read(mb, &chunk, &len)) ==
		    INKAN_OK && len > 0) {
			if (got + len > e - b ||
			    memcmp(chunk, mbox ? ref->out + b + got :
			    (const char *)data + got, len) != 0)
				abort();
			got += len;
		}
		/* refused exactly when over the cap; else read whole */
		if (st == INKAN_ERR_LIMIT && e - b <= cap)
			abort();
		if (st != INKAN_ERR_LIMIT && (st != INKAN_OK ||
		    got != e - b || got > cap))
			abort();
		i++;
	}
	if (st != INKAN_OK)
		abort();
	/* every message was found: the splitter's, or the one file */
	if (i != (mbox ? ref->n : size > 0))
		abort();
	inkan_mailbox_free(mb);
	inkan_ctx_free(ctx);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct split whole, cut;
	size_t chunk, i;
	int unquote;

	if (size < 1)
		return 0;
	chunk = (size_t)(data[0] & 0x7f) + 1;
	unquote = (data[0] & 0x80) == 0;
	data++;
	size--;
	whole.out = malloc(size + IK_MBOX_SLACK);
	cut.out = malloc(size + IK_MBOX_SLACK);
	if (whole.out == NULL || cut.out == NULL)
		abort();
	if (!run((const char *)data, size, size ? size : 1, unquote, &whole) ||
	    !run((const char *)data, size, chunk, unquote, &cut))
		abort();
	if (whole.len != cut.len || whole.n != cut.n ||
	    memcmp(whole.out, cut.out, whole.len) != 0 ||
	    memcmp(whole.start, cut.start, (whole.n + 1) * sizeof(size_t)))
		abort();
	for (i = 1; unquote && i <= whole.n && whole.n < MAXMSG; i++)
		round_trip(&whole, i);
	if (whole.n < MAXMSG) {
		reader(data, size, &whole, unquote, (uint64_t)1 << 40);
		reader(data, size, &whole, unquote, chunk);
	}
	free(whole.out);
	free(cut.out);
	return 0;
}
