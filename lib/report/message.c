/* SPDX-License-Identifier: MIT */
/*
 * message.c - reports inside mail: one RFC 5322 message.
 *
 * A message is walked through its MIME structure (RFC 2046); each leaf is
 * decoded (base64, quoted-printable) and its bytes sniffed. A failure
 * report (RFC 6591: multipart/report; report-type=feedback-report, or any
 * message with a message/feedback-report part) is handed on whole.
 */
#include <stdio.h>
#include <string.h>

#include "report/extract_internal.h"
#include "report/mime.h"
#include "core/ascii.h"

struct walk_ctx {
	struct ik_extract *ex;
	const char *origin;
	unsigned nesting;
};

static inkan_status walk_entity(struct ik_extract *ex, const char *m,
	size_t len, const char *origin, unsigned nesting);

static inkan_status
on_part(void *arg, unsigned index, const char *part, size_t len)
{
	struct walk_ctx *w = arg;
	char o[IK_ORIGIN_MAX];

	snprintf(o, sizeof(o), "%s: part %u", w->origin, index + 1);
	return walk_entity(w->ex, part, len, o, w->nesting + 1);
}

static int
ci_contains(const char *h, size_t len, const char *needle)
{
	size_t n = strlen(needle);

	for (size_t i = 0; i + n <= len; i++)
		if (ik_ascii_eq(h + i, n, needle, n))
			return 1;
	return 0;
}

int
ik_message_is_failure(const inkan_ctx *ctx, const char *m, size_t len)
{
	size_t hlen, body;
	ik_buf v, rt;
	char type[96];
	int yes = 0;

	ik_mime_split(m, len, &hlen, &body);
	ik_buf_init(&v, ctx, 4096);
	ik_buf_init(&rt, ctx, 256);
	if (ik_mime_header(m, hlen, "Content-Type", &v)) {
		ik_mime_type(ik_buf_str(&v), type, sizeof(type));
		if (strcmp(type, "multipart/report") == 0) {
			/* RFC 6591 2: report-type=feedback-report; Exim
			 * leaves the parameter out */
			if (!ik_mime_param(ik_buf_str(&v), "report-type", &rt) ||
			    ik_ascii_eqz(rt.data, rt.len, "feedback-report"))
				yes = 1;
		} else if (strcmp(type, "message/feedback-report") == 0) {
			yes = 1;
		}
	}
	/* a feedback-report part inside another multipart (NetEase) */
	if (!yes && ci_contains(m, len, "message/feedback-report"))
		yes = 1;
	ik_buf_free(&v);
	ik_buf_free(&rt);
	return yes;
}

static inkan_status
walk_leaf(struct ik_extract *ex, const char *m, size_t hlen, size_t body,
	size_t len, const char *type, const char *origin, unsigned nesting)
{
	ik_buf cte, dec, fn;
	inkan_status st;
	char o[IK_ORIGIN_MAX];
	enum ik_sniff k;

	ik_buf_init(&cte, ex->ctx, 256);
	ik_buf_init(&dec, ex->ctx, ex->lim->max_input);
	ik_buf_init(&fn, ex->ctx, 256);
	ik_mime_header(m, hlen, "Content-Transfer-Encoding", &cte);
	st = ik_mime_decode(m + body, len - body, ik_buf_str(&cte), &dec);
	if (st != INKAN_OK) {
		ik_extract_error(ex, origin, st, "cannot decode the part (%s)",
			inkan_strerror(st));
		st = INKAN_OK;
		goto out;
	}
	k = ik_report_sniff((unsigned char *)dec.data, dec.len);
	/* text parts are read only when their bytes say they are archives:
	 * an HTML body also starts with '<' */
	if (k == SNIFF_UNKNOWN || k == SNIFF_MESSAGE || k == SNIFF_MBOX ||
	    (k == SNIFF_XML && strncmp(type, "text/", 5) == 0 &&
	    strcmp(type, "text/xml") != 0))
		goto out;
	{
		ik_buf v;
		ik_buf_init(&v, ex->ctx, 4096);
		if ((ik_mime_header(m, hlen, "Content-Disposition", &v) &&
		    ik_mime_param(ik_buf_str(&v), "filename", &fn)) ||
		    (ik_mime_header(m, hlen, "Content-Type", &v) &&
		    ik_mime_param(ik_buf_str(&v), "name", &fn)))
			snprintf(o, sizeof(o), "%s (%s)", origin,
				ik_buf_str(&fn));
		else
			snprintf(o, sizeof(o), "%s", origin);
		ik_buf_free(&v);
	}
	st = ik_extract_walk(ex, (unsigned char *)dec.data, dec.len, o,
		nesting + 1, 1);
out:
	ik_buf_free(&cte);
	ik_buf_free(&dec);
	ik_buf_free(&fn);
	return st;
}

static inkan_status
walk_entity(struct ik_extract *ex, const char *m, size_t len,
	const char *origin, unsigned nesting)
{
	size_t hlen, body;
	ik_buf ct, bnd;
	char type[96];
	inkan_status st = INKAN_OK;

	if (nesting > ex->lim->max_nesting) {
		ik_extract_error(ex, origin, INKAN_ERR_LIMIT, "MIME nested "
			"more than %u levels deep", ex->lim->max_nesting);
		return INKAN_OK;
	}
	ik_mime_split(m, len, &hlen, &body);
	ik_buf_init(&ct, ex->ctx, 4096);
	ik_buf_init(&bnd, ex->ctx, 256);
	ik_mime_header(m, hlen, "Content-Type", &ct);
	ik_mime_type(ik_buf_str(&ct), type, sizeof(type));
	if (strncmp(type, "multipart/", 10) == 0) {
		if (!ik_mime_param(ik_buf_str(&ct), "boundary", &bnd)) {
			ik_extract_error(ex, origin, INKAN_ERR_SYNTAX, "%s "
				"without a boundary", type);
		} else {
			struct walk_ctx w = { ex, origin, nesting };
			st = ik_mime_parts(m + body, len - body,
				ik_buf_str(&bnd), ex->lim->max_parts, on_part,
				&w);
			if (st == INKAN_ERR_LIMIT || st == INKAN_ERR_SYNTAX) {
				ik_extract_error(ex, origin, st, "%s", st ==
					INKAN_ERR_LIMIT ? "more MIME parts than "
					"allowed" : "bad multipart boundary");
				st = INKAN_OK;
			}
		}
	} else if (strcmp(type, "message/rfc822") == 0) {
		char o[IK_ORIGIN_MAX];
		snprintf(o, sizeof(o), "%s: attached message", origin);
		st = ik_message_walk(ex, (const unsigned char *)m + body,
			len - body, o, nesting + 1);
	} else {
		st = walk_leaf(ex, m, hlen, body, len, type, origin, nesting);
	}
	ik_buf_free(&ct);
	ik_buf_free(&bnd);
	return st;
}

inkan_status
ik_message_walk(struct ik_extract *ex, const unsigned char *d, size_t len,
	const char *origin, unsigned nesting)
{
	const char *m = (const char *)d;

	if (ik_message_is_failure(ex->ctx, m, len)) {
		ex->nitems++;
		if (ex->cb->item == NULL)
			return INKAN_OK;
		inkan_report_item it = {
			INKAN_REPORT_FAILURE, origin, d, len, d, len, 0
		};
		return ex->cb->item(ex->cb->arg, &it);
	}
	return walk_entity(ex, m, len, origin, nesting);
}

/*
 * One message preceded by its mbox From_ line (RFC 4155), as a Postfix
 * pipe with the F flag delivers it: the From_ line is not part of the
 * message. Splitting whole mbox files is the mailbox reader's job
 * (inkan/mailbox.h); the CLI hands its messages here one at a time.
 */
inkan_status
ik_from_line_walk(struct ik_extract *ex, const unsigned char *d, size_t len,
	const char *origin, unsigned nesting)
{
	size_t i = 0;

	while (i < len && d[i] != '\n')
		i++;
	i = i < len ? i + 1 : len;
	return ik_message_walk(ex, d + i, len - i, origin, nesting + 1);
}
