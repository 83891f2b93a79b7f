/* SPDX-License-Identifier: MIT */
/*
 * ruf_build.c - DMARC failure reports (RFC 9991, in the RFC 6591 / RFC
 * 5965 ARF format), off unless the caller asks, and then only where the
 * record's fo= asks for them.
 *
 * Privacy (RFC 9991 7, RFC 6590): by default the report carries the
 * header section only, never the body; the local-parts of addresses in
 * address fields are replaced by "redacted", and the Subject's text too.
 * INKAN_REPORT_FAILURE_UNREDACTED keeps the header fields as they came.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <inkan/msg.h>

#include "core/alloc.h"
#include "crypto/crypto.h"
#include "report/send_internal.h"

int
inkan_report_failure_wanted(const inkan_dmarc_result *d)
{
	if (!d || !d->record || d->record->nruf == 0)
		return 0;
	/* RFC 9991 2: no ruf of a public suffix domain's record */
	if (d->record->psd == 'y')
		return 0;
	unsigned fo = d->record->fo;
	int spf_fail = d->spf.domain &&
	    d->spf.result == INKAN_DMARC_SPF_FAIL;
	int dkim_fail = 0;
	for (size_t i = 0; i < d->ndkim; i++)
		if (d->dkim[i].result == INKAN_DMARC_DKIM_FAIL)
			dkim_fail = 1;
	/* RFC 9989 4.7 fo: 0 all mechanisms failed to give an aligned pass,
	 * 1 any did, d a DKIM signature failed, s SPF failed */
	if ((fo & INKAN_DMARC_FO_0) && !d->spf_aligned && !d->dkim_aligned)
		return 1;
	if ((fo & INKAN_DMARC_FO_1) && (!d->spf_aligned || !d->dkim_aligned))
		return 1;
	if ((fo & INKAN_DMARC_FO_D) && dkim_fail)
		return 1;
	if ((fo & INKAN_DMARC_FO_S) && spf_fail)
		return 1;
	return 0;
}

static int
is_address_field(const char *n, size_t len)
{
	static const char *const f[] = { "from", "to", "cc", "bcc",
	    "reply-to", "sender", "return-path", "delivered-to",
	    "resent-from", "resent-to", "resent-cc", "resent-sender" };
	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
		if (strlen(f[i]) == len && strncasecmp(f[i], n, len) == 0)
			return 1;
	return 0;
}

/* Replace each local-part (the run of non-delimiters before an '@') */
static inkan_status
put_redacted(ik_buf *b, const char *v, size_t len)
{
	size_t start = 0;
	for (size_t i = 0; i < len; i++) {
		if (v[i] != '@')
			continue;
		size_t j = i;
		while (j > start && !strchr(" \t<>,:;\"(\r\n", v[j - 1]))
			j--;
		inkan_status st = ik_buf_append(b, v + start, j - start);
		if (st == INKAN_OK && j < i)
			st = ik_buf_puts(b, "redacted");
		if (st != INKAN_OK)
			return st;
		start = i;
	}
	return ik_buf_append(b, v + start, len - start);
}

static inkan_status
put_headers(ik_buf *b, const inkan_msg *msg, int redact)
{
	inkan_status st = INKAN_OK;
	size_t n = inkan_msg_header_count(msg);
	for (size_t i = 0; i < n && st == INKAN_OK; i++) {
		const inkan_header *h = inkan_msg_header_at(msg, i);
		size_t nl = 0, rl = 0;
		const char *name = inkan_header_name(h, &nl);
		const char *raw = inkan_header_raw(h, &rl);
		if (!redact) {
			st = ik_buf_append(b, raw, rl);
		} else if (nl == 7 && strncasecmp(name, "subject", 7) == 0) {
			st = ik_buf_puts(b, "Subject: [redacted]\r\n");
		} else if (is_address_field(name, nl)) {
			st = put_redacted(b, raw, rl);
		} else {
			st = ik_buf_append(b, raw, rl);
		}
	}
	return st;
}

static void
date822(int64_t now, char *out, size_t len)
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

/* RFC 9991 4: SPF-DNS is required "for SPF failure of an aligned
 * identifier": SPF failed for a MAIL FROM domain in the author's
 * organization */
/* @a is @b or a name below it */
static int
within(const char *a, const char *b)
{
	size_t al = strlen(a), bl = strlen(b);
	return al == bl ? strcasecmp(a, b) == 0 : al > bl &&
	    a[al - bl - 1] == '.' && strcasecmp(a + al - bl, b) == 0;
}

static int
spf_aligned_fail(const inkan_dmarc_result *d)
{
	if (!d->spf.domain || d->spf.result != INKAN_DMARC_SPF_FAIL)
		return 0;
	if (d->spf.org_domain && d->org_domain)
		return strcasecmp(d->spf.org_domain, d->org_domain) == 0;
	/* the evaluator looks organizational domains up only where it
	 * decides alignment, not when nothing passed; then the policy
	 * domain (the author domain or the organizational domain its record
	 * came from) stands in: one of the two names is within the other
	 * (relaxed alignment, RFC 9989 4.4) */
	const char *org = d->org_domain ? d->org_domain : d->policy_domain;
	if (!org)
		return 0;
	return within(d->spf.domain, org) || within(org, d->spf.domain);
}

/* RFC 6591 3.2: one SPF-DNS field for every SPF record used to obtain the
 * result, "txt" : domain : the record as a quoted-string (4, the ABNF);
 * the records come from the check's trace, one RECORD step each. */
static inkan_status
put_spf_dns(ik_buf *b, const inkan_spf_verdict *v)
{
	inkan_status st = INKAN_OK;
	for (size_t i = 0; v && st == INKAN_OK && i < v->ntrace; i++) {
		const inkan_spf_trace *t = &v->trace[i];
		if (t->step != INKAN_SPF_STEP_RECORD || !t->domain || !t->term)
			continue;
		st = ik_buf_printf(b, "SPF-DNS: txt : %s : \"", t->domain);
		/* quoted-string (RFC 5322 3.2.4): escape '"' and '\\';
		 * the verdict's strings are printable ASCII already */
		for (const char *c = t->term; st == INKAN_OK && *c; c++) {
			if (*c == '"' || *c == '\\')
				st = ik_buf_putc(b, '\\');
			if (st == INKAN_OK)
				st = ik_buf_putc(b, *c);
		}
		if (st == INKAN_OK)
			st = ik_buf_puts(b, "\"\r\n");
	}
	return st;
}

inkan_status
inkan_report_failure_build(inkan_ctx *ctx, const inkan_report_failure *f,
	const inkan_dmarc_result *d, const inkan_msg *msg, char **out,
	size_t *outlen)
{
	*out = NULL;
	*outlen = 0;
	if (!f || !d || !msg || !f->reporter || !f->from || !f->to ||
	    !d->author_domain)
		return INKAN_ERR_INVALID;
	int redact = !(f->flags & INKAN_REPORT_FAILURE_UNREDACTED);
	unsigned char rnd[8];
	if (ik_crypto_random(rnd, sizeof rnd) != INKAN_OK)
		return INKAN_ERR_INTERNAL;
	char mid[64], date[64], arrival[64];
	snprintf(mid, sizeof mid, "%02x%02x%02x%02x%02x%02x%02x%02x", rnd[0],
	    rnd[1], rnd[2], rnd[3], rnd[4], rnd[5], rnd[6], rnd[7]);
	date822(f->now, date, sizeof date);
	date822(f->arrival ? f->arrival : f->now, arrival, sizeof arrival);
	/* RFC 9991 4: the mechanisms that failed to give an aligned pass */
	const char *align = !d->dkim_aligned && !d->spf_aligned ? "dkim, spf" :
	    !d->dkim_aligned ? "dkim" : !d->spf_aligned ? "spf" : "none";
	ik_buf b;
	ik_buf_init(&b, ctx, 4u << 20);
	const char *bd = "=_inkan-ruf_=";
	inkan_status st = ik_buf_printf(&b,
	    "From: <%s>\r\n"
	    "To: <%s>\r\n"
	    "Date: %s\r\n"
	    "Subject: DMARC failure report for %s\r\n"
	    "Message-ID: <%s@%s>\r\n"
	    "Auto-Submitted: auto-generated\r\n"
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: multipart/report; report-type=feedback-report;\r\n"
	    " boundary=\"%s\"\r\n"
	    "\r\n"
	    "--%s\r\n"
	    "Content-Type: text/plain; charset=us-ascii\r\n"
	    "\r\n"
	    "A message from %s with From domain %s failed DMARC at %s.\r\n"
	    "The header section follows%s; the body is not included.\r\n"
	    "\r\n"
	    "--%s\r\n"
	    "Content-Type: message/feedback-report\r\n"
	    "\r\n"
	    "Feedback-Type: auth-failure\r\n"
	    "User-Agent: inkan/" INKAN_VERSION_STRING "\r\n"
	    "Version: 1\r\n"
	    "Auth-Failure: dmarc\r\n"
	    "Identity-Alignment: %s\r\n"
	    "Authentication-Results: %s; dmarc=fail header.from=%s\r\n"
	    "Arrival-Date: %s\r\n"
	    "Reported-Domain: %s\r\n",
	    f->from, f->to, date, d->author_domain, mid, f->reporter, bd, bd,
	    f->client_ip ? f->client_ip : "an unknown address",
	    d->author_domain, f->reporter, redact ? ", redacted" : "", bd,
	    align, f->reporter, d->author_domain, arrival, d->author_domain);
	if (st == INKAN_OK && f->client_ip)
		st = ik_buf_printf(&b, "Source-IP: %s\r\n", f->client_ip);
	if (st == INKAN_OK && f->mail_from) {
		st = ik_buf_puts(&b, "Original-Mail-From: <");
		if (st == INKAN_OK)
			st = redact ? put_redacted(&b, f->mail_from,
			    strlen(f->mail_from)) : ik_buf_puts(&b, f->mail_from);
		if (st == INKAN_OK)
			st = ik_buf_puts(&b, ">\r\n");
	}
	/* RFC 9991 4: DKIM-Domain and DKIM-Selector for a DKIM failure of
	 * an aligned identifier (d= in the author's organization) */
	for (size_t i = 0; st == INKAN_OK && i < d->ndkim; i++) {
		const inkan_dmarc_identity *k = &d->dkim[i];
		if (k->result != INKAN_DMARC_DKIM_FAIL || !k->domain ||
		    !d->org_domain || !k->org_domain ||
		    strcasecmp(k->org_domain, d->org_domain) != 0)
			continue;
		st = ik_buf_printf(&b, "DKIM-Domain: %s\r\nDKIM-Selector: %s\r\n",
		    k->domain, k->selector ? k->selector : "");
		break;
	}
	if (st == INKAN_OK && spf_aligned_fail(d))
		st = put_spf_dns(&b, f->spf);
	if (st == INKAN_OK)
		st = ik_buf_printf(&b, "\r\n--%s\r\n"
		    "Content-Type: text/rfc822-headers\r\n\r\n", bd);
	if (st == INKAN_OK)
		st = put_headers(&b, msg, redact);
	if (st == INKAN_OK)
		st = ik_buf_printf(&b, "\r\n--%s--\r\n", bd);
	if (st == INKAN_OK)
		st = ik_buf_take(&b, out, outlen);
	ik_buf_free(&b);
	return st;
}
