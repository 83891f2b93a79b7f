/* SPDX-License-Identifier: MIT */
/*
 * canon.c - RFC 6376 3.4 header and body canonicalization (canon.h).
 *
 * Input is wire form (lines end in CRLF; a CR not followed by LF is an
 * ordinary byte). The body state machine defers what it cannot decide
 * yet: line ends (trailing empty lines are dropped, 3.4.3/3.4.4 b), a
 * pending WSP run (relaxed: reduced to one SP, or dropped at the end of a
 * line, 3.4.4 a) and a CR whose LF may be in the next chunk.
 */
#include <string.h>

#include "core/ascii.h"
#include "canon.h"

/* ---- header fields (3.4.1, 3.4.2) ---------------------------------- */

struct stage {
	ik_digest *d;
	inkan_status st;
	size_t n;
	char buf[512];
};

static void
stage_flush(struct stage *s)
{
	if (s->n > 0 && s->st == INKAN_OK)
		s->st = ik_digest_update(s->d, s->buf, s->n);
	s->n = 0;
}

static void
stage_putc(struct stage *s, char c)
{
	if (s->n == sizeof(s->buf))
		stage_flush(s);
	s->buf[s->n++] = c;
}

static inkan_status
header_relaxed(ik_digest *d, const char *raw, size_t len, int with_crlf)
{
	struct stage s;
	const char *colon = memchr(raw, ':', len);
	size_t name_end, i, end = len;
	int wsp = 0, started = 0;

	s.d = d;
	s.st = INKAN_OK;
	s.n = 0;
	if (colon == NULL)	/* not a field; the parser never makes one */
		return ik_digest_update(d, raw, len);
	/* name lower-cased, WSP before the colon deleted */
	name_end = (size_t)(colon - raw);
	while (name_end > 0 && ik_is_wsp((unsigned char)raw[name_end - 1]))
		name_end--;
	for (i = 0; i < name_end; i++)
		stage_putc(&s, (char)ik_to_lower((unsigned char)raw[i]));
	stage_putc(&s, ':');
	if (end >= 2 && raw[end - 2] == '\r' && raw[end - 1] == '\n')
		end -= 2;
	for (i = (size_t)(colon - raw) + 1; i < end; i++) {
		unsigned char c = (unsigned char)raw[i];
		if (c == '\r' && i + 1 < end && raw[i + 1] == '\n') {
			i++;		/* unfold: the CRLF goes, its WSP stays */
			continue;
		}
		if (ik_is_wsp(c)) {
			wsp = 1;
			continue;
		}
		/* WSP after the colon and at the end is deleted; runs
		 * inside become one SP */
		if (wsp && started)
			stage_putc(&s, ' ');
		wsp = 0;
		started = 1;
		stage_putc(&s, (char)c);
	}
	if (with_crlf) {
		stage_putc(&s, '\r');
		stage_putc(&s, '\n');
	}
	stage_flush(&s);
	return s.st;
}

inkan_status
ik_canon_header(ik_digest *d, ik_canon c, const char *raw, size_t len,
	int with_crlf)
{
	if (c == IK_CANON_RELAXED)
		return header_relaxed(d, raw, len, with_crlf);
	/* simple: exactly as in the message */
	if (!with_crlf && len >= 2 && raw[len - 2] == '\r' &&
	    raw[len - 1] == '\n')
		len -= 2;
	return ik_digest_update(d, raw, len);
}

/* ---- body (3.4.3, 3.4.4) -------------------------------------------- */

void
ik_body_canon_init(ik_body_canon *bc, ik_canon c, ik_digest *d,
	uint64_t limit)
{
	memset(bc, 0, offsetof(ik_body_canon, stage));
	bc->canon = c;
	bc->digest = d;
	bc->limit = limit;
}

static inkan_status
body_flush(ik_body_canon *bc)
{
	inkan_status st = INKAN_OK;

	if (bc->nstage > 0)
		st = ik_digest_update(bc->digest, bc->stage, bc->nstage);
	bc->nstage = 0;
	return st;
}

/* canonical output; only the first l= bytes reach the digest */
static inkan_status
emit(ik_body_canon *bc, const void *p, size_t n)
{
	uint64_t room;
	inkan_status st;

	bc->total += n;
	if (bc->hashed >= bc->limit)
		return INKAN_OK;
	room = bc->limit - bc->hashed;
	if (n > room)
		n = (size_t)room;
	bc->hashed += n;
	if (n >= IK_BODY_STAGE) {
		if ((st = body_flush(bc)) != INKAN_OK)
			return st;
		return ik_digest_update(bc->digest, p, n);
	}
	if (n > IK_BODY_STAGE - bc->nstage &&
	    (st = body_flush(bc)) != INKAN_OK)
		return st;
	memcpy(bc->stage + bc->nstage, p, n);
	bc->nstage += n;
	return INKAN_OK;
}

/* content follows: what was deferred is not trailing after all */
static inkan_status
flush_pending(ik_body_canon *bc)
{
	inkan_status st = INKAN_OK;

	while (bc->crlfs > 0 && st == INKAN_OK) {
		st = emit(bc, "\r\n", 2);
		bc->crlfs--;
	}
	if (bc->wsp && st == INKAN_OK)
		st = emit(bc, " ", 1);
	bc->wsp = 0;
	if (bc->cr && st == INKAN_OK)
		st = emit(bc, "\r", 1);
	bc->cr = 0;
	bc->content = 1;
	return st;
}

/* a byte that is neither SP, HTAB (relaxed) nor CR */
static int
is_plain(ik_canon c, unsigned char b)
{
	if (b == '\r')
		return 0;
	return c == IK_CANON_SIMPLE || !ik_is_wsp(b);
}

inkan_status
ik_body_canon_update(ik_body_canon *bc, const char *data, size_t len)
{
	size_t i = 0, j;
	inkan_status st;

	while (i < len) {
		unsigned char c = (unsigned char)data[i];
		if (bc->cr) {
			if (c == '\n') {
				/* a line end; relaxed drops the WSP before */
				bc->cr = 0;
				bc->wsp = 0;
				bc->crlfs++;
				i++;
				continue;
			}
			/* the CR was an ordinary byte */
			if ((st = flush_pending(bc)) != INKAN_OK)
				return st;
		}
		if (c == '\r') {
			bc->cr = 1;
			i++;
		} else if (!is_plain(bc->canon, c)) {
			bc->wsp = 1;
			i++;
		} else {
			for (j = i + 1; j < len &&
			    is_plain(bc->canon, (unsigned char)data[j]); j++)
				;
			if ((bc->crlfs || bc->wsp || bc->cr || !bc->content) &&
			    (st = flush_pending(bc)) != INKAN_OK)
				return st;
			if ((st = emit(bc, data + i, j - i)) != INKAN_OK)
				return st;
			i = j;
		}
	}
	return INKAN_OK;
}

inkan_status
ik_body_canon_final(ik_body_canon *bc, unsigned char *out)
{
	inkan_status st = INKAN_OK;

	/* a CR at the very end is an ordinary byte; a WSP run there is at
	 * the end of the (unterminated) last line and goes (relaxed) */
	if (bc->cr)
		st = flush_pending(bc);
	bc->wsp = 0;
	/* the last non-empty line gets its CRLF (added if it had none);
	 * trailing empty lines go. An empty body is CRLF under simple
	 * (3.4.3) and nothing under relaxed (3.4.4). */
	if (st == INKAN_OK && (bc->content || bc->canon == IK_CANON_SIMPLE))
		st = emit(bc, "\r\n", 2);
	bc->crlfs = 0;
	if (st == INKAN_OK)
		st = body_flush(bc);
	if (st == INKAN_OK)
		st = ik_digest_final(bc->digest, out);
	return st;
}
