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

#define HSTAGE 1024

/* bytes that end a run of kept header bytes: WSP and CR */
static const unsigned char hdr_special[256] = {
	['\t'] = 1, [' '] = 1, ['\r'] = 1
};

static inkan_status
header_relaxed(ik_digest *d, const char *raw, size_t len, int with_crlf)
{
	unsigned char buf[HSTAGE + 4];
	const char *colon = memchr(raw, ':', len);
	size_t name_end, i, end = len, n = 0;
	int wsp = 0, started = 0;
	inkan_status st;

	if (colon == NULL)	/* not a field; the parser never makes one */
		return ik_digest_update(d, raw, len);
	/* name lower-cased, WSP before the colon deleted */
	name_end = (size_t)(colon - raw);
	while (name_end > 0 && ik_is_wsp((unsigned char)raw[name_end - 1]))
		name_end--;
	for (i = 0; i < name_end; i++) {
		if (n >= HSTAGE) {
			if ((st = ik_digest_update(d, buf, n)) != INKAN_OK)
				return st;
			n = 0;
		}
		buf[n++] = (unsigned char)ik_to_lower((unsigned char)raw[i]);
	}
	buf[n++] = ':';
	if (end >= 2 && raw[end - 2] == '\r' && raw[end - 1] == '\n')
		end -= 2;
	for (i = (size_t)(colon - raw) + 1; i < end;) {
		unsigned char c = (unsigned char)raw[i];
		size_t j, run;

		if (c == '\r' && i + 1 < end && raw[i + 1] == '\n') {
			i += 2;		/* unfold: the CRLF goes, its WSP stays */
			continue;
		}
		if (c == ' ' || c == '\t') {
			wsp = 1;
			i++;
			continue;
		}
		/* a run of bytes kept as they are: up to the next WSP or CR
		 * (a lone CR, not before LF, is one of them) */
		for (j = i + 1; j < end && !hdr_special[(unsigned char)raw[j]];
		     j++)
			;
		run = j - i;
		if (n + 1 + run > HSTAGE) {
			if ((st = ik_digest_update(d, buf, n)) != INKAN_OK)
				return st;
			n = 0;
		}
		/* WSP after the colon and at the end is deleted; runs
		 * inside become one SP */
		if (wsp && started)
			buf[n++] = ' ';
		wsp = 0;
		started = 1;
		if (run > HSTAGE - n) {
			/* longer than the stage: straight to the digest */
			if ((st = ik_digest_update(d, buf, n)) != INKAN_OK ||
			    (st = ik_digest_update(d, raw + i, run)) != INKAN_OK)
				return st;
			n = 0;
		} else {
			memcpy(buf + n, raw + i, run);
			n += run;
		}
		i = j;
	}
	if (with_crlf) {
		buf[n++] = '\r';
		buf[n++] = '\n';
	}
	return ik_digest_update(d, buf, n);
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

/*
 * Canonical bytes are written straight into the stage and only cut to the
 * l= limit when the stage goes to the digest: the per-byte loop then has
 * no arithmetic but a bounds check, which is what makes it cheap (the
 * body is most of a message).
 */

void
ik_body_canon_init(ik_body_canon *bc, ik_canon c, ik_digest *d,
	uint64_t limit)
{
	memset(bc, 0, offsetof(ik_body_canon, stage));
	bc->canon = c;
	bc->digest = d;
	bc->limit = limit;
}

/* hand the stage to the digest, up to the l= limit */
static inkan_status
body_flush(ik_body_canon *bc)
{
	uint64_t n = bc->nstage, room = bc->limit - bc->hashed;
	inkan_status st = INKAN_OK;

	bc->total += n;
	if (n > room)
		n = room;
	if (n > 0)
		st = ik_digest_update(bc->digest, bc->stage, (size_t)n);
	bc->hashed += n;
	bc->nstage = 0;
	return st;
}

/* deferred line ends, WSP and CR are not trailing after all */
static inkan_status
flush_pending(ik_body_canon *bc)
{
	inkan_status st;

	while (bc->crlfs > 0) {
		if (IK_BODY_STAGE - bc->nstage < 2 &&
		    (st = body_flush(bc)) != INKAN_OK)
			return st;
		bc->stage[bc->nstage++] = '\r';
		bc->stage[bc->nstage++] = '\n';
		bc->crlfs--;
	}
	if (IK_BODY_STAGE - bc->nstage < 2 &&
	    (st = body_flush(bc)) != INKAN_OK)
		return st;
	if (bc->wsp)
		bc->stage[bc->nstage++] = ' ';
	if (bc->cr)
		bc->stage[bc->nstage++] = '\r';
	bc->wsp = bc->cr = 0;
	bc->content = 1;
	return INKAN_OK;
}

/* one byte through the relaxed state machine (the slow path) */
static inkan_status
relaxed_byte(ik_body_canon *bc, unsigned char c)
{
	inkan_status st;

	if (bc->cr) {
		if (c == '\n') {
			/* a line end; the WSP before it goes (3.4.4 a) */
			bc->cr = 0;
			bc->wsp = 0;
			bc->crlfs++;
			return INKAN_OK;
		}
		if ((st = flush_pending(bc)) != INKAN_OK)
			return st;
	}
	if (c == ' ' || c == '\t') {
		bc->wsp = 1;
		return INKAN_OK;
	}
	if (c == '\r') {
		bc->cr = 1;
		return INKAN_OK;
	}
	if (bc->wsp || bc->crlfs || !bc->content) {
		if ((st = flush_pending(bc)) != INKAN_OK)
			return st;
	} else if (bc->nstage == IK_BODY_STAGE &&
	    (st = body_flush(bc)) != INKAN_OK) {
		return st;
	}
	bc->stage[bc->nstage++] = c;
	return INKAN_OK;
}

/* relaxed: 0 an ordinary byte, 1 WSP, 2 CR (a table: compilers turn
 * the comparisons into branches, and those mispredict on text) */
static const unsigned char relaxed_class[256] = {
	['\t'] = 1, [' '] = 1, ['\r'] = 2
};

/*
 * 16 bytes at a time, with the compilers' generic vector extension (SIMD
 * where the target has it, plain code elsewhere). A lane is all ones where
 * the comparison holds.
 */
typedef unsigned char ik_v16 __attribute__((vector_size(16)));

/* the index of the lowest-addressed nonzero byte of @v (a lane mask) */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define FIRST_LANE(v) ((unsigned)__builtin_clzll(v) >> 3)
#else
#define FIRST_LANE(v) ((unsigned)__builtin_ctzll(v) >> 3)
#endif

/*
 * Where in the 16 bytes @x the state machine is first needed (16: not at
 * all): an HTAB, a CR, or an SP followed (in @y, the same bytes shifted
 * by one) by SP, HTAB or CR. A lone SP between ordinary bytes is
 * canonical as it is, so every byte before that index is too.
 */
static unsigned
special16(ik_v16 x, ik_v16 y)
{
	ik_v16 m = (ik_v16)((x == '\t') | (x == '\r') |
		((x == ' ') & ((y == ' ') | (y == '\t') | (y == '\r'))));
	uint64_t a, b;

	memcpy(&a, &m, 8);
	memcpy(&b, (const char *)&m + 8, 8);
	if (a != 0)
		return FIRST_LANE(a);
	if (b != 0)
		return 8 + FIRST_LANE(b);
	return 16;
}

/* relaxed (3.4.4 a): WSP runs become one SP, WSP before CRLF goes.
 *
 * Inside a line with content and nothing pending, text goes 16 bytes at
 * a time when those bytes are already canonical (the common case), the
 * canonical prefix of them at once when not, and from there byte by byte without data-dependent branches: each byte is
 * stored, a pending SP before it, and the counters only move for what is
 * kept (SP and letters interleave unpredictably in text, so branching on
 * them costs a misprediction per word). A CRLF before an ordinary byte
 * is a line end and stays in the loop; any other CR leaves it for the
 * state machine. */
static inkan_status
update_relaxed(ik_body_canon *bc, const unsigned char *p, size_t len)
{
	const unsigned char *end = p + len;
	unsigned char *stage = bc->stage;
	ik_v16 x, y;
	size_t ns;
	unsigned wsp, k;
	inkan_status st;

	while (p < end) {
		if (!bc->cr && !bc->crlfs && bc->content) {
			ns = bc->nstage;
			wsp = (unsigned)bc->wsp;
			while (p < end) {
				if (ns > IK_BODY_STAGE - 16) {
					bc->nstage = ns;
					if ((st = body_flush(bc)) != INKAN_OK)
						return st;
					ns = 0;
				}
				if (!wsp && end - p > 16) {
					memcpy(&x, p, 16);
					memcpy(&y, p + 1, 16);
					/* the canonical prefix goes as it is
					 * (all 16 bytes in the common case) */
					k = special16(x, y);
					memcpy(stage + ns, p, 16);
					ns += k;
					p += k;
					/* back to the room check: what follows
					 * may store two more bytes */
					if (k > 0)
						continue;
				}
				k = relaxed_class[*p];
				if (k == 2) {
					/* 3.4.4 a, b: a CRLF with an ordinary
					 * byte after it ends a line that is not
					 * trailing; it goes now, without the WSP
					 * before it. Anything else after it (a
					 * CR, WSP that may make an empty line,
					 * the end of this piece) is for the state
					 * machine. */
					if (end - p >= 3 && p[1] == '\n' &&
					    relaxed_class[p[2]] == 0) {
						stage[ns] = '\r';
						stage[ns + 1] = '\n';
						ns += 2;
						p += 2;
						wsp = 0;
						continue;
					}
					break;
				}
				stage[ns] = ' ';
				ns += wsp & (k ^ 1u);
				stage[ns] = *p++;
				ns += k ^ 1u;
				wsp = k;
			}
			bc->nstage = ns;
			bc->wsp = (int)wsp;
			if (p == end)
				break;
		}
		if ((st = relaxed_byte(bc, *p++)) != INKAN_OK)
			return st;
	}
	return INKAN_OK;
}

/* simple (3.4.3): only CRLFs at the end are held back */
static inkan_status
update_simple(ik_body_canon *bc, const unsigned char *p, size_t len)
{
	const unsigned char *end = p + len, *cr;
	size_t n, room;
	inkan_status st;

	while (p < end) {
		if (bc->cr) {
			if (*p == '\n') {
				bc->cr = 0;
				bc->crlfs++;
				p++;
				continue;
			}
			if ((st = flush_pending(bc)) != INKAN_OK)
				return st;
		}
		if (*p == '\r') {
			bc->cr = 1;
			p++;
			continue;
		}
		/* a run of ordinary bytes up to the next CR */
		cr = memchr(p, '\r', (size_t)(end - p));
		n = (size_t)((cr ? cr : end) - p);
		if ((bc->crlfs || !bc->content) &&
		    (st = flush_pending(bc)) != INKAN_OK)
			return st;
		while (n > 0) {
			room = IK_BODY_STAGE - bc->nstage;
			if (room == 0) {
				if ((st = body_flush(bc)) != INKAN_OK)
					return st;
				continue;
			}
			if (room > n)
				room = n;
			memcpy(bc->stage + bc->nstage, p, room);
			bc->nstage += room;
			p += room;
			n -= room;
		}
	}
	return INKAN_OK;
}

inkan_status
ik_body_canon_update(ik_body_canon *bc, const char *data, size_t len)
{
	if (bc->canon == IK_CANON_RELAXED)
		return update_relaxed(bc, (const unsigned char *)data, len);
	return update_simple(bc, (const unsigned char *)data, len);
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
	bc->crlfs = 0;
	if (st == INKAN_OK && (bc->content || bc->canon == IK_CANON_SIMPLE)) {
		if (IK_BODY_STAGE - bc->nstage < 2)
			st = body_flush(bc);
		if (st == INKAN_OK) {
			bc->stage[bc->nstage++] = '\r';
			bc->stage[bc->nstage++] = '\n';
		}
	}
	if (st == INKAN_OK)
		st = body_flush(bc);
	if (st == INKAN_OK)
		st = ik_digest_final(bc->digest, out);
	return st;
}

/* ---- gathering small pieces ----------------------------------------- */

inkan_status
ik_batch_flush(char *buf, size_t *n, ik_feed_fn fn, void *ud)
{
	size_t len = *n;

	*n = 0;
	return len > 0 ? fn(ud, buf, len) : INKAN_OK;
}

inkan_status
ik_batch_add(char *buf, size_t *n, const char *data, size_t len,
	ik_feed_fn fn, void *ud)
{
	inkan_status st;

	if (len >= IK_BATCH_SMALL) {
		if ((st = ik_batch_flush(buf, n, fn, ud)) != INKAN_OK)
			return st;
		return fn(ud, data, len);
	}
	if (len > IK_BATCH - *n && (st = ik_batch_flush(buf, n, fn, ud)))
		return st;
	memcpy(buf + *n, data, len);
	*n += len;
	return INKAN_OK;
}
