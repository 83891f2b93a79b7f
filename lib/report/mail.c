/* SPDX-License-Identifier: MIT */
/*
 * mail.c - the message that carries one report (RFC 9990 3.5.2).
 *
 *  - Subject: "Report Domain: D Submitter: R Report-ID: <id>", folded;
 *  - the report as one application/gzip attachment named by its RFC
 *    filename, base64 in 76-column lines;
 *  - Message-ID: the Report-ID (3.5.2 allows it; a resend is then
 *    recognisably the same report);
 *  - Auto-Submitted: auto-generated (RFC 3834), so nobody auto-replies;
 *  - DKIM-signed with our own key (lib/dkim), because report mail "MUST
 *    conform to the DMARC mechanism, thereby resulting in an aligned pass".
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <inkan/dkim.h>
#include <inkan/msg.h>

#include "report/send_internal.h"

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

uint64_t
ik_report_b64_size(uint64_t n)
{
	uint64_t chars = (n + 2) / 3 * 4;
	return chars + (chars + 75) / 76 * 2;	/* CRLF per line */
}

static inkan_status
put_b64(ik_buf *b, const unsigned char *d, size_t n)
{
	inkan_status st = INKAN_OK;
	size_t col = 0;
	for (size_t i = 0; i < n && st == INKAN_OK; i += 3) {
		unsigned v = (unsigned)d[i] << 16;
		if (i + 1 < n)
			v |= (unsigned)d[i + 1] << 8;
		if (i + 2 < n)
			v |= d[i + 2];
		char q[4] = { b64[(v >> 18) & 63], b64[(v >> 12) & 63],
		    i + 1 < n ? b64[(v >> 6) & 63] : '=',
		    i + 2 < n ? b64[v & 63] : '=' };
		st = ik_buf_append(b, q, 4);
		col += 4;
		if (st == INKAN_OK && col >= 76) {
			st = ik_buf_puts(b, "\r\n");
			col = 0;
		}
	}
	if (st == INKAN_OK && col)
		st = ik_buf_puts(b, "\r\n");
	return st;
}

static void
rfc5322_date(int64_t now, char *out, size_t len)
{
	static const char *const wd[] = { "Sun", "Mon", "Tue", "Wed", "Thu",
	    "Fri", "Sat" };
	static const char *const mo[] = { "Jan", "Feb", "Mar", "Apr", "May",
	    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	time_t t = (time_t)now;
	struct tm tm;
	gmtime_r(&t, &tm);
	snprintf(out, len, "%s, %02d %s %04d %02d:%02d:%02d +0000",
	    wd[tm.tm_wday % 7], tm.tm_mday, mo[tm.tm_mon % 12],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static inkan_status
compose(const ik_report_mail *m, ik_buf *b)
{
	char date[64];
	rfc5322_date(m->now, date, sizeof date);
	/* a boundary that cannot occur in base64 or in our text part */
	const char *bd = "=_inkan-report_=";
	inkan_status st = ik_buf_printf(b,
	    "From: <%s>\r\n"
	    "To: <%s>\r\n"
	    "Date: %s\r\n"
	    /* RFC 9990 3.5.2 dmarc-subject, folded (RFC 5322 FWS) */
	    "Subject: Report Domain: %s\r\n"
	    " Submitter: %s\r\n"
	    " Report-ID: <%s>\r\n"
	    "Message-ID: <%s>\r\n"
	    "Auto-Submitted: auto-generated\r\n"
	    "MIME-Version: 1.0\r\n",
	    m->from, m->to, date, m->policy_domain, m->receiver,
	    m->report_id, m->report_id);
	if (st != INKAN_OK)
		return st;
	if (!m->gz)
		return ik_buf_printf(b, "Content-Type: text/plain;"
		    " charset=us-ascii\r\n\r\n%s\r\n", m->notice);
	st = ik_buf_printf(b,
	    "Content-Type: multipart/mixed; boundary=\"%s\"\r\n"
	    "\r\n"
	    "--%s\r\n"
	    "Content-Type: text/plain; charset=us-ascii\r\n"
	    "\r\n"
	    "%s\r\n"
	    "--%s\r\n"
	    "Content-Type: application/gzip; name=\"%s\"\r\n"
	    "Content-Disposition: attachment; filename=\"%s\"\r\n"
	    "Content-Transfer-Encoding: base64\r\n"
	    "\r\n", bd, bd, m->notice, bd, m->filename, m->filename);
	if (st == INKAN_OK)
		st = put_b64(b, m->gz, m->gzlen);
	if (st == INKAN_OK)
		st = ik_buf_printf(b, "--%s--\r\n", bd);
	return st;
}

inkan_status
ik_report_mail_sign(inkan_ctx *ctx, const char *data, size_t len,
	const inkan_key *key, const char *domain, const char *selector,
	ik_buf *out)
{
	if (!key)
		return ik_buf_append(out, data, len);
	inkan_dkim *dkim = NULL;
	inkan_msg *msg = NULL;
	inkan_dkim_sign *sg = NULL;
	inkan_dkim_sign_key k;
	memset(&k, 0, sizeof k);
	k.domain = domain;
	k.selector = selector;
	k.key = key;
	inkan_status st = inkan_dkim_new(ctx, &dkim);
	if (st == INKAN_OK)
		st = inkan_msg_new(ctx, &msg);
	if (st == INKAN_OK)
		st = inkan_dkim_sign_new(dkim, msg, &sg);
	if (st == INKAN_OK)
		st = inkan_dkim_sign_add(sg, &k);
	if (st == INKAN_OK)
		st = inkan_msg_feed(msg, data, len);
	if (st == INKAN_OK)
		st = inkan_msg_finish(msg);
	if (st == INKAN_OK)
		st = inkan_dkim_sign_eom(sg);
	for (size_t i = 0; st == INKAN_OK && i < inkan_dkim_sign_count(sg);
	    i++) {
		size_t hl = 0;
		const char *h = inkan_dkim_sign_header(sg, i, &hl);
		st = ik_buf_append(out, h, hl);
	}
	if (st == INKAN_OK)
		st = ik_buf_append(out, data, len);
	inkan_dkim_sign_free(sg);
	inkan_msg_free(msg);
	inkan_dkim_free(dkim);
	return st;
}

inkan_status
ik_report_mail_compose(inkan_ctx *ctx, const ik_report_mail *m,
	const inkan_key *key, const char *domain, const char *selector,
	ik_buf *out)
{
	ik_buf body;
	ik_buf_init(&body, ctx, out->max);
	inkan_status st = compose(m, &body);
	if (st == INKAN_OK)
		st = ik_report_mail_sign(ctx, body.data, body.len, key, domain,
		    selector, out);
	ik_buf_free(&body);
	return st;
}
