/* SPDX-License-Identifier: MIT */
/*
 * mbox_split.c - split an mbox stream into messages and undo the mboxrd
 * quoting (RFC 4155 and the conventions it describes; the rules are in
 * include/inkan/mailbox.h).
 *
 * One pass, byte-driven at line starts and memchr-driven inside lines,
 * so a chunk may end anywhere. What is held back is bounded: a prefix of
 * "From " (5 bytes), one ">" and one empty line (2 bytes), so the output
 * of a run is at most its input plus IK_MBOX_SLACK.
 */
#include <string.h>

#include "msg/mailbox_internal.h"

static const char from_line[] = "From ";

void
ik_mbox_split_init(struct ik_mbox_split *s, int unquote)
{
	memset(s, 0, sizeof(*s));
	s->unquote = unquote;
	s->state = IK_MBOX_BOL;
	/* the first line of the stream may be a From_ line */
	s->has_blank = 1;
}

static void
put(char *out, size_t *outlen, const char *p, size_t n)
{
	memcpy(out + *outlen, p, n);
	*outlen += n;
}

/* the empty line held back is message text after all */
static void
flush_blank(struct ik_mbox_split *s, char *out, size_t *outlen)
{
	put(out, outlen, s->blank, s->nblank);
	s->nblank = 0;
	s->has_blank = 0;
}

static void
flush_hold(struct ik_mbox_split *s, char *out, size_t *outlen)
{
	put(out, outlen, s->hold, s->nhold);
	s->nhold = 0;
}

/* an empty line (LF or CRLF) ended: hold it, letting the one before go */
static void
empty_line(struct ik_mbox_split *s, const char *eol, size_t n, char *out,
	size_t *outlen)
{
	flush_blank(s, out, outlen);
	memcpy(s->blank, eol, n);
	s->nblank = n;
	s->has_blank = 1;
	s->nhold = 0;
	/* the next line starts after this byte (not yet counted in pos) */
	s->line_start = s->pos + 1;
	s->state = IK_MBOX_BOL;
}

/*
 * One byte at a line start (the states that hold bytes back). Returns 1
 * when @c was consumed, 0 when it must be looked at again in the state
 * now set (always IK_MBOX_MID), 2 at a From_ line that ends the message.
 */
static int
line_start_byte(struct ik_mbox_split *s, char c, char *out, size_t *outlen)
{
	switch (s->state) {
	case IK_MBOX_BOL:
		if (c == '\n') {
			empty_line(s, "\n", 1, out, outlen);
			return 1;
		}
		if (c == '\r' || c == 'F') {
			s->hold[0] = c;
			s->nhold = 1;
			s->state = c == 'F' ? IK_MBOX_BOL_FROM : IK_MBOX_BOL_CR;
			return 1;
		}
		flush_blank(s, out, outlen);
		if (c == '>' && s->unquote) {
			/* this ">" is held: removed if "From " follows */
			s->state = IK_MBOX_GT;
			return 1;
		}
		break;
	case IK_MBOX_BOL_CR:
		if (c == '\n') {
			empty_line(s, "\r\n", 2, out, outlen);
			return 1;
		}
		flush_blank(s, out, outlen);
		flush_hold(s, out, outlen);
		break;
	case IK_MBOX_BOL_FROM:
		if (c != from_line[s->nhold]) {
			flush_blank(s, out, outlen);
			flush_hold(s, out, outlen);
			break;
		}
		s->hold[s->nhold++] = c;
		if (s->nhold < 5)
			return 1;
		if (s->has_blank) {
			/* a From_ line: the empty line before it and the
			 * line itself belong to the mbox, not the message */
			s->nblank = 0;
			s->has_blank = 0;
			s->nhold = 0;
			s->from_offset = s->line_start;
			s->state = IK_MBOX_SKIP;
			return 2;
		}
		/* not after an empty line: text an mboxo writer let be */
		flush_hold(s, out, outlen);
		s->state = IK_MBOX_MID;
		return 1;
	case IK_MBOX_GT:
		if (c == '>') {
			/* the held ">" and this one are the same byte, so
			 * passing this one on now keeps the order */
			put(out, outlen, ">", 1);
			return 1;
		}
		if (c == 'F') {
			s->hold[0] = c;
			s->nhold = 1;
			s->state = IK_MBOX_GT_FROM;
			return 1;
		}
		put(out, outlen, ">", 1);
		break;
	case IK_MBOX_GT_FROM:
		if (c == from_line[s->nhold]) {
			s->hold[s->nhold++] = c;
			/* mboxrd: ">{n}From " was ">{n-1}From "; the held
			 * ">" is dropped */
			if (s->nhold == 5) {
				flush_hold(s, out, outlen);
				s->state = IK_MBOX_MID;
			}
			return 1;
		}
		put(out, outlen, ">", 1);
		flush_hold(s, out, outlen);
		break;
	case IK_MBOX_MID:
	case IK_MBOX_SKIP:
		break;
	}
	s->state = IK_MBOX_MID;
	return 0;
}

size_t
ik_mbox_split_run(struct ik_mbox_split *s, const char *in, size_t len,
	char *out, size_t *outlen, int *boundary)
{
	size_t i = 0, n;
	const char *lf;
	int r;

	*boundary = 0;
	while (i < len) {
		if (s->state == IK_MBOX_MID || s->state == IK_MBOX_SKIP) {
			lf = memchr(in + i, '\n', len - i);
			n = lf ? (size_t)(lf - (in + i)) + 1 : len - i;
			if (s->state == IK_MBOX_MID)
				put(out, outlen, in + i, n);
			i += n;
			s->pos += n;
			if (lf != NULL) {
				if (s->state == IK_MBOX_SKIP)
					s->has_blank = 0;
				s->state = IK_MBOX_BOL;
				s->line_start = s->pos;
			}
			continue;
		}
		r = line_start_byte(s, in[i], out, outlen);
		if (r == 0)
			continue;
		s->pos++;
		i++;
		if (r == 2) {
			*boundary = 1;
			break;
		}
	}
	return i;
}

void
ik_mbox_split_eof(struct ik_mbox_split *s, char *out, size_t *outlen)
{
	switch (s->state) {
	case IK_MBOX_BOL_CR:
	case IK_MBOX_BOL_FROM:
		flush_blank(s, out, outlen);
		flush_hold(s, out, outlen);
		break;
	case IK_MBOX_GT_FROM:
		put(out, outlen, ">", 1);
		flush_hold(s, out, outlen);
		break;
	case IK_MBOX_GT:
		put(out, outlen, ">", 1);
		break;
	case IK_MBOX_BOL:
		/* RFC 4155: the empty line after the last message is the
		 * writer's, not the message's */
	case IK_MBOX_MID:
	case IK_MBOX_SKIP:
		break;
	}
	s->nblank = 0;
	s->nhold = 0;
	s->state = IK_MBOX_BOL;
}
