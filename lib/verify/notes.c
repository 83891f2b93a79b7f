/* SPDX-License-Identifier: MIT */
/*
 * notes.c - the summary of a verification for people: one note per
 * method result (explain_*.c write them) and its rendering as text,
 *
 *   SPF:   pass — bounce.example.com designates 192.0.2.25 ...
 *   DKIM:  fail (body hash did not verify) — example.com, selector s1:
 *          the message was changed after signing ...
 *   DMARC: fail — example.com (policy reject): neither SPF (...) nor DKIM
 *          (...) aligned; sign with d=example.com or ...
 *
 * Every string a note holds is made here and owned by the verify handle.
 * Text that came from the message or from DNS (domains, selectors,
 * record text) is made printable first: control characters and bytes
 * that are not ASCII become "?" so that a hostile header cannot write
 * into a terminal or a log line.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "verify/verify_internal.h"

/* the longest note string; longer ones are cut (with "...") */
#define NOTE_STRING_MAX 1024

const char *
ik_verify_strf(inkan_verify *v, const char *fmt, ...)
{
	char tmp[NOTE_STRING_MAX];
	char **grown, *s;
	va_list ap;
	size_t i, n;
	int r;

	va_start(ap, fmt);
	r = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (r < 0)
		return NULL;
	n = (size_t)r < sizeof(tmp) ? (size_t)r : sizeof(tmp) - 1;
	if ((size_t)r >= sizeof(tmp))
		memcpy(tmp + n - 3, "...", 3);
	for (i = 0; i < n; i++)
		if ((unsigned char)tmp[i] < 0x20 || (unsigned char)tmp[i] > 0x7e)
			tmp[i] = '?';
	if (v->nstrings == v->capstrings) {
		size_t cap = v->capstrings ? v->capstrings * 2 : 32;
		grown = ik_reallocarray(v->ctx, v->strings, cap,
			sizeof(*grown));
		if (grown == NULL)
			return NULL;
		v->strings = grown;
		v->capstrings = cap;
	}
	if ((s = ik_strndup(v->ctx, tmp, n)) == NULL)
		return NULL;
	v->strings[v->nstrings++] = s;
	return s;
}

inkan_verify_note *
ik_verify_note_add(inkan_verify *v, const char *method, const char *result,
	int problem)
{
	inkan_verify_note *n;

	/* notes are allocated once for SPF + signatures + 1 + DMARC */
	n = &v->notes[v->nnotes++];
	memset(n, 0, sizeof(*n));
	n->method = method;
	n->result = result;
	n->problem = problem;
	return n;
}

inkan_status
ik_verify_notes(inkan_verify *v)
{
	inkan_status st;

	/* SPF, the signatures (or one "none"), ARC, DMARC */
	v->notes = ik_calloc(v->ctx, v->res.ndkim + 4, sizeof(*v->notes));
	if (v->notes == NULL)
		return INKAN_ERR_NOMEM;
	if ((st = ik_verify_explain_spf(v)) != INKAN_OK ||
	    (st = ik_verify_explain_dkim(v)) != INKAN_OK ||
	    (st = ik_verify_explain_arc(v)) != INKAN_OK ||
	    (st = ik_verify_explain_dmarc(v)) != INKAN_OK)
		return st;
	v->res.notes = v->notes;
	v->res.nnotes = v->nnotes;
	return INKAN_OK;
}

static const char *
label(const char *method)
{
	if (strcmp(method, "spf") == 0)
		return "SPF:   ";
	if (strcmp(method, "dkim") == 0)
		return "DKIM:  ";
	if (strcmp(method, "arc") == 0)
		return "ARC:   ";
	return "DMARC: ";
}

static inkan_status
arc_lines(const inkan_verify *v, ik_buf *b)
{
	size_t i;
	inkan_status st = INKAN_OK;

	for (i = 0; i < v->narc_lines && st == INKAN_OK; i++)
		st = ik_buf_printf(b, "       %s\n", v->arc_lines[i]);
	return st;
}

INKAN_API inkan_status
inkan_verify_summary(const inkan_verify *v, int utf8, char **text,
	size_t *len)
{
	ik_buf b;
	inkan_status st = INKAN_OK;
	size_t i;

	if (text != NULL)
		*text = NULL;
	if (v == NULL || text == NULL)
		return INKAN_ERR_INVALID;
	if (!v->finished || v->error != INKAN_OK || v->res.notes == NULL)
		return INKAN_ERR_STATE;
	ik_buf_init(&b, v->ctx, 1u << 20);
	for (i = 0; i < v->res.nnotes && st == INKAN_OK; i++) {
		const inkan_verify_note *n = &v->res.notes[i];
		st = ik_buf_printf(&b, "%s%s%s%s%s %s %s%s%s\n",
			label(n->method), n->result,
			n->detail ? " (" : "", n->detail ? n->detail : "",
			n->detail ? ")" : "", utf8 ? "\xe2\x80\x94" : "-",
			n->why, n->fix ? "; " : "", n->fix ? n->fix : "");
		/* the ARC chain, one set a line, under its note */
		if (st == INKAN_OK && strcmp(n->method, "arc") == 0)
			st = arc_lines(v, &b);
	}
	if (st == INKAN_OK)
		st = ik_buf_take(&b, text, len);
	ik_buf_free(&b);
	return st;
}
