/* SPDX-License-Identifier: MIT */
/*
 * failure.c - failure (forensic) reports: RFC 6591 (ARF for
 * authentication failures, RFC 5965 format) as RFC 9991 uses it.
 *
 * The fields come from the message/feedback-report part; the original's
 * From, Subject, Message-ID and Date from the message/rfc822 or
 * text/rfc822-headers part. Some reporters (Exim) send no ARF part, only
 * text with "Sender Domain:" / "Sender IP Address:" lines followed by a
 * copy of the header section; those are read as a fallback and flagged
 * with has_arf = 0.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "report/extract_internal.h"
#include "report/mime.h"
#include "core/alloc.h"
#include "core/ascii.h"

#define FR_MAX_FIELD 8192

struct fr_priv {
	inkan_failure_report pub;	/* first: the public view */
	char *owned[32];
	size_t nowned;
};

struct found {
	ik_buf arf;		/* decoded message/feedback-report body */
	ik_buf orig;		/* header section of the original */
	ik_buf text;		/* first text/plain part, decoded */
	int have_arf, have_orig, have_text;
};

static const struct { const char *name; size_t off; } arf_fields[] = {
	{ "Feedback-Type", offsetof(inkan_failure_report, feedback_type) },
	{ "User-Agent", offsetof(inkan_failure_report, user_agent) },
	{ "Auth-Failure", offsetof(inkan_failure_report, auth_failure) },
	{ "Source-IP", offsetof(inkan_failure_report, source_ip) },
	{ "Reported-Domain", offsetof(inkan_failure_report, reported_domain) },
	{ "Arrival-Date", offsetof(inkan_failure_report, arrival_date) },
	{ "Original-Mail-From",
	  offsetof(inkan_failure_report, original_mail_from) },
	{ "Original-Rcpt-To", offsetof(inkan_failure_report, original_rcpt_to) },
	{ "Delivery-Result", offsetof(inkan_failure_report, delivery_result) },
	{ "DKIM-Domain", offsetof(inkan_failure_report, dkim_domain) },
	{ "DKIM-Selector", offsetof(inkan_failure_report, dkim_selector) },
	{ "Identity-Alignment",
	  offsetof(inkan_failure_report, identity_alignment) },
	{ "Authentication-Results",
	  offsetof(inkan_failure_report, authentication_results) },
};

static inkan_status
set_field(const inkan_ctx *ctx, struct fr_priv *p, size_t off, const char *v,
	size_t n)
{
	char *s;
	const char **slot = (const char **)((char *)&p->pub + off);

	if (**slot != '\0' || p->nowned >= sizeof(p->owned) / sizeof(p->owned[0]))
		return INKAN_OK;	/* first occurrence wins */
	if ((s = ik_strndup(ctx, v, n)) == NULL)
		return INKAN_ERR_NOMEM;
	p->owned[p->nowned++] = s;
	*slot = s;
	return INKAN_OK;
}

static inkan_status
take_header(const inkan_ctx *ctx, struct fr_priv *p, const char *h,
	size_t hlen, const char *name, size_t off)
{
	ik_buf v;
	inkan_status st = INKAN_OK;

	ik_buf_init(&v, ctx, FR_MAX_FIELD);
	if (ik_mime_header(h, hlen, name, &v))
		st = set_field(ctx, p, off, v.data ? v.data : "", v.len);
	ik_buf_free(&v);
	return st;
}

struct find_ctx {
	const inkan_ctx *ctx;
	struct found *f;
	unsigned depth;
	unsigned max_parts;
};

static void find_parts(struct find_ctx *fc, const char *m, size_t len);

static inkan_status
on_part(void *arg, unsigned index, const char *part, size_t len)
{
	struct find_ctx *fc = arg;

	if (fc->depth < 4) {
		fc->depth++;
		find_parts(fc, part, len);
		fc->depth--;
	}
	return INKAN_OK;
}

static void
find_parts(struct find_ctx *fc, const char *m, size_t len)
{
	size_t hlen, body;
	ik_buf ct, cte, b;
	char type[96];
	struct found *f = fc->f;

	ik_mime_split(m, len, &hlen, &body);
	ik_buf_init(&ct, fc->ctx, 4096);
	ik_buf_init(&cte, fc->ctx, 256);
	ik_buf_init(&b, fc->ctx, 256);
	ik_mime_header(m, hlen, "Content-Type", &ct);
	ik_mime_header(m, hlen, "Content-Transfer-Encoding", &cte);
	ik_mime_type(ik_buf_str(&ct), type, sizeof(type));
	if (strncmp(type, "multipart/", 10) == 0) {
		if (ik_mime_param(ik_buf_str(&ct), "boundary", &b))
			(void)ik_mime_parts(m + body, len - body, ik_buf_str(&b),
				fc->max_parts, on_part, fc);
	} else if (strcmp(type, "message/feedback-report") == 0 &&
	    !f->have_arf) {
		f->have_arf = ik_mime_decode(m + body, len - body,
			ik_buf_str(&cte), &f->arf) == INKAN_OK;
	} else if ((strcmp(type, "message/rfc822") == 0 ||
	    strcmp(type, "text/rfc822-headers") == 0) && !f->have_orig) {
		if (ik_mime_decode(m + body, len - body, ik_buf_str(&cte),
		    &f->orig) == INKAN_OK)
			f->have_orig = 1;
	} else if (strcmp(type, "text/plain") == 0 && !f->have_text &&
	    fc->depth > 0) {
		f->have_text = ik_mime_decode(m + body, len - body,
			ik_buf_str(&cte), &f->text) == INKAN_OK;
	}
	ik_buf_free(&ct);
	ik_buf_free(&cte);
	ik_buf_free(&b);
}

/* "Label: value" on a line of free text (Exim's plain report) */
static inkan_status
text_field(const inkan_ctx *ctx, struct fr_priv *p, const char *t, size_t len,
	const char *label, size_t off)
{
	size_t n = strlen(label);

	for (size_t i = 0; i + n < len; i++) {
		if ((i == 0 || t[i - 1] == '\n' || t[i - 1] == ' ') &&
		    ik_ascii_eq(t + i, n, label, n)) {
			size_t s = i + n, e;
			while (s < len && ik_is_wsp(t[s]))
				s++;
			for (e = s; e < len && t[e] != '\n' && t[e] != '\r'; e++)
				;
			return set_field(ctx, p, off, t + s, e - s);
		}
	}
	return INKAN_OK;
}

static inkan_status
fill(const inkan_ctx *ctx, struct fr_priv *p, const char *m, size_t len,
	struct found *f)
{
	size_t hlen, body;
	inkan_status st = INKAN_OK;
	const char *oh = NULL;
	size_t ohlen = 0;

	ik_mime_split(m, len, &hlen, &body);
	if ((st = take_header(ctx, p, m, hlen, "From",
	    offsetof(inkan_failure_report, reporter))) != INKAN_OK ||
	    (st = take_header(ctx, p, m, hlen, "Subject",
	    offsetof(inkan_failure_report, report_subject))) != INKAN_OK ||
	    (st = take_header(ctx, p, m, hlen, "Date",
	    offsetof(inkan_failure_report, report_date))) != INKAN_OK)
		return st;
	if (f->have_arf) {
		p->pub.has_arf = 1;
		for (size_t i = 0; i < sizeof(arf_fields) / sizeof(arf_fields[0]);
		    i++)
			if ((st = take_header(ctx, p, f->arf.data, f->arf.len,
			    arf_fields[i].name, arf_fields[i].off)) != INKAN_OK)
				return st;
	} else if (f->have_text) {
		const char *t = f->text.data;
		size_t tl = f->text.len;
		const char *mark;
		if ((st = text_field(ctx, p, t, tl, "Sender Domain:",
		    offsetof(inkan_failure_report, reported_domain))) ||
		    (st = text_field(ctx, p, t, tl, "Sender IP Address:",
		    offsetof(inkan_failure_report, source_ip))) ||
		    (st = text_field(ctx, p, t, tl, "Received date:",
		    offsetof(inkan_failure_report, arrival_date))))
			return st;
		/* the copied header section follows the first empty line
		 * after the description */
		mark = NULL;
		for (size_t i = 0; i + 10 < tl; i++)
			if (memcmp(t + i, "\nReceived:", 10) == 0 ||
			    memcmp(t + i, "\nFrom:", 6) == 0) {
				mark = t + i + 1;
				break;
			}
		if (mark != NULL) {
			oh = mark;
			ohlen = tl - (size_t)(mark - t);
		}
	}
	if (f->have_orig) {
		oh = f->orig.data;
		ohlen = f->orig.len;
	}
	if (oh != NULL) {
		size_t h2, b2;
		ik_mime_split(oh, ohlen, &h2, &b2);
		if ((st = take_header(ctx, p, oh, h2, "From",
		    offsetof(inkan_failure_report, orig_from))) ||
		    (st = take_header(ctx, p, oh, h2, "Subject",
		    offsetof(inkan_failure_report, orig_subject))) ||
		    (st = take_header(ctx, p, oh, h2, "Message-ID",
		    offsetof(inkan_failure_report, orig_message_id))) ||
		    (st = take_header(ctx, p, oh, h2, "Date",
		    offsetof(inkan_failure_report, orig_date))) ||
		    (st = take_header(ctx, p, oh, h2, "Authentication-Results",
		    offsetof(inkan_failure_report, authentication_results))))
			return st;
		if (*p->pub.reported_domain == '\0' && *p->pub.orig_from) {
			const char *at = strrchr(p->pub.orig_from, '@');
			if (at != NULL) {
				size_t n = strcspn(at + 1, "> \t");
				st = set_field(ctx, p, offsetof(
					inkan_failure_report, reported_domain),
					at + 1, n);
			}
		}
	}
	return st;
}

inkan_status
inkan_failure_parse(const inkan_ctx *ctx, const void *msg, size_t len,
	const inkan_report_limits *lim, inkan_failure_report **out,
	char *err, size_t errlen)
{
	inkan_report_limits deflim;
	struct fr_priv *p;
	struct found f;
	struct find_ctx fc;
	inkan_status st;
	const char **slots;

	*out = NULL;
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (lim == NULL) {
		inkan_report_limits_default(&deflim);
		lim = &deflim;
	}
	if (len > lim->max_input) {
		if (err != NULL)
			snprintf(err, errlen, "message over %zu bytes",
				lim->max_input);
		return INKAN_ERR_LIMIT;
	}
	if (!ik_message_is_failure(ctx, msg, len)) {
		if (err != NULL)
			snprintf(err, errlen, "not a failure report (no "
				"multipart/report or message/feedback-report)");
		return INKAN_ERR_NOT_FOUND;
	}
	if ((p = ik_calloc(ctx, 1, sizeof(*p))) == NULL)
		return INKAN_ERR_NOMEM;
	slots = (const char **)&p->pub.feedback_type;
	for (size_t i = 0; &slots[i] <= &p->pub.report_date; i++)
		slots[i] = "";
	memset(&f, 0, sizeof(f));
	ik_buf_init(&f.arf, ctx, lim->max_input);
	ik_buf_init(&f.orig, ctx, lim->max_input);
	ik_buf_init(&f.text, ctx, lim->max_input);
	fc.ctx = ctx;
	fc.f = &f;
	fc.depth = 0;
	fc.max_parts = lim->max_parts;
	find_parts(&fc, msg, len);
	st = fill(ctx, p, msg, len, &f);
	ik_buf_free(&f.arf);
	ik_buf_free(&f.orig);
	ik_buf_free(&f.text);
	if (st == INKAN_OK && *p->pub.source_ip == '\0' &&
	    *p->pub.reported_domain == '\0') {
		st = INKAN_ERR_SYNTAX;
		if (err != NULL)
			snprintf(err, errlen, "failure report without a "
				"Source-IP or Reported-Domain");
	}
	if (st != INKAN_OK) {
		inkan_failure_free(ctx, &p->pub);
		return st;
	}
	*out = &p->pub;
	return INKAN_OK;
}

void
inkan_failure_free(const inkan_ctx *ctx, inkan_failure_report *fr)
{
	struct fr_priv *p = (struct fr_priv *)fr;

	if (p == NULL)
		return;
	for (size_t i = 0; i < p->nowned; i++)
		ik_free(ctx, p->owned[i]);
	ik_free(ctx, p);
}
