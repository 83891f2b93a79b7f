/* SPDX-License-Identifier: MIT */
/*
 * from_verify.c - the report row for a verified message, from
 * lib/verify's result: what `inkan verify --record` and the milter store.
 *
 * RFC 9990 3.1.1.9: policy_evaluated dkim/spf are the DMARC alignment
 * results, not the raw ones (those go to auth_results); the disposition
 * is what the policy asked for after t=, and "pass" when the message
 * passed under an enforcing policy (the ActionDispositionType of the
 * RFC's schema). Overrides become reason elements (3.1.6).
 */
#include <stdio.h>
#include <string.h>

#include <inkan/verify.h>

#include "core/buf.h"
#include "report/store_internal.h"

static inkan_report_result
from_dmarc_dkim(int r)
{
	switch (r) {
	case INKAN_DMARC_DKIM_PASS: return INKAN_REPORT_PASS;
	case INKAN_DMARC_DKIM_FAIL: return INKAN_REPORT_FAIL;
	case INKAN_DMARC_DKIM_POLICY: return INKAN_REPORT_POLICY;
	case INKAN_DMARC_DKIM_NEUTRAL: return INKAN_REPORT_NEUTRAL;
	case INKAN_DMARC_DKIM_TEMPERROR: return INKAN_REPORT_TEMPERROR;
	case INKAN_DMARC_DKIM_PERMERROR: return INKAN_REPORT_PERMERROR;
	default: return INKAN_REPORT_NONE;
	}
}

static inkan_report_result
from_dmarc_spf(int r)
{
	switch (r) {
	case INKAN_DMARC_SPF_PASS: return INKAN_REPORT_PASS;
	case INKAN_DMARC_SPF_FAIL: return INKAN_REPORT_FAIL;
	case INKAN_DMARC_SPF_SOFTFAIL: return INKAN_REPORT_SOFTFAIL;
	case INKAN_DMARC_SPF_NEUTRAL: return INKAN_REPORT_NEUTRAL;
	case INKAN_DMARC_SPF_TEMPERROR: return INKAN_REPORT_TEMPERROR;
	case INKAN_DMARC_SPF_PERMERROR: return INKAN_REPORT_PERMERROR;
	default: return INKAN_REPORT_NONE;
	}
}

static void
join_uris(ik_buf *b, const inkan_dmarc_uri *u, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			ik_buf_putc(b, ',');
		ik_buf_puts(b, u[i].uri);
		/* the obsolete size limit is kept: the sender honours it
		 * (RFC 7489 7.2.1; RFC 9989 says reporters may ignore it) */
		if (u[i].obsolete_size) {
			if (u[i].obsolete_size[0] != '!')
				ik_buf_putc(b, '!');
			ik_buf_puts(b, u[i].obsolete_size);
		}
	}
}

/* the RFC 9990 policy_evaluated reasons for @d's override, then the
 * caller's @extra (at most 8); @rs holds at least 9; returns the count */
static size_t
override_reasons(const inkan_dmarc_result *d, const inkan_verify_result *res,
	const inkan_report_reason *extra, size_t nextra, inkan_report_reason *rs)
{
	size_t nr = 0;

	if (d->override == INKAN_DMARC_OVERRIDE_TEST_MODE)
		rs[nr++] = (inkan_report_reason){
		    INKAN_REPORT_OVERRIDE_POLICY_TEST_MODE, NULL };
	else if (d->override == INKAN_DMARC_OVERRIDE_SAMPLED_OUT)
		rs[nr++] = (inkan_report_reason){ INKAN_REPORT_OVERRIDE_OTHER,
		    "sampled_out (RFC 7489 pct)" };
	else if (d->override == INKAN_DMARC_OVERRIDE_NO_VALID_POLICY)
		rs[nr++] = (inkan_report_reason){ INKAN_REPORT_OVERRIDE_OTHER,
		    "no valid p= in the record: p=none applied" };
	else if (d->override == INKAN_DMARC_OVERRIDE_LOCAL_POLICY)
		/* RFC 9990 policy_evaluated reason local_policy: a trusted
		 * ARC sealer vouched for the message (RFC 8617 7.2); the
		 * comment names the sealer */
		rs[nr++] = (inkan_report_reason){
		    INKAN_REPORT_OVERRIDE_LOCAL_POLICY,
		    res->arc_policy_comment };
	for (size_t i = 0; i < nextra; i++)
		rs[nr++] = extra[i];
	return nr;
}

inkan_status
inkan_report_store_add_verify(inkan_report_store *s,
	const inkan_verify_result *res, const char *client_ip,
	const char *mail_from, const char *rcpt_domain, int64_t time,
	const inkan_report_reason *extra, size_t nextra, unsigned flags)
{
	if (!s || !res || !res->dmarc || !client_ip)
		return INKAN_ERR_INVALID;
	const inkan_dmarc_result *d = res->dmarc;
	const inkan_dmarc_record *rec = d->record;
	/* no policy domain, no record: nobody asked for reports */
	if (!d->author_domain || !d->policy_domain || !rec)
		return INKAN_ERR_NOT_FOUND;
	if (nextra > 8)
		return INKAN_ERR_INVALID;

	inkan_report_row r;
	memset(&r, 0, sizeof r);
	r.time = time;
	r.source_ip = client_ip;
	r.header_from = d->author_domain;
	if (mail_from) {
		const char *at = strrchr(mail_from, '@');
		/* RFC 9990 3.1.1.10: empty for the null reverse-path */
		r.envelope_from = at ? at + 1 :
		    (strcmp(mail_from, "<>") == 0 ? "" : mail_from);
	}
	r.envelope_to = rcpt_domain;
	if (res->spf_status == INKAN_VERIFY_SPF_CHECKED && d->spf.domain) {
		r.spf_domain = d->spf.domain;
		r.spf_scope_mfrom = !d->spf_is_helo;
		r.spf_result = from_dmarc_spf(d->spf.result);
	}
	inkan_report_dkim dk[100];
	size_t nd = d->ndkim < 100 ? d->ndkim : 100;
	for (size_t i = 0; i < nd; i++) {
		dk[i].domain = d->dkim[i].domain ? d->dkim[i].domain : "";
		dk[i].selector = d->dkim[i].selector ? d->dkim[i].selector :
		    "";
		dk[i].result = from_dmarc_dkim(d->dkim[i].result);
		dk[i].human_result = NULL;
	}
	/* a signature too broken to name its domain cannot be reported */
	size_t k = 0;
	for (size_t i = 0; i < nd; i++)
		if (dk[i].domain[0])
			dk[k++] = dk[i];
	r.dkim = dk;
	r.ndkim = k;
	r.dmarc = d->verdict;
	r.dkim_aligned = d->dkim_aligned;
	r.spf_aligned = d->spf_aligned;
	switch (d->disposition) {
	case INKAN_DMARC_DISPOSITION_QUARANTINE:
		r.disposition = INKAN_REPORT_DISP_QUARANTINE;
		break;
	case INKAN_DMARC_DISPOSITION_REJECT:
		r.disposition = INKAN_REPORT_DISP_REJECT;
		break;
	default:
		r.disposition = d->verdict == INKAN_DMARC_PASS &&
		    (d->policy_evaluated == INKAN_DMARC_POLICY_QUARANTINE ||
		    d->policy_evaluated == INKAN_DMARC_POLICY_REJECT) ?
		    INKAN_REPORT_DISP_PASS : INKAN_REPORT_DISP_NONE;
	}
	inkan_report_reason rs[10];
	size_t nr = override_reasons(d, res, extra, nextra,
	    rs);
	r.reasons = rs;
	r.nreasons = nr;

	r.policy.domain = d->policy_domain;
	r.policy.p = rec->p;
	r.policy.sp = rec->sp;
	r.policy.np = rec->np;
	r.policy.adkim = rec->adkim == INKAN_DMARC_ALIGN_STRICT ? 's' : 'r';
	r.policy.aspf = rec->aspf == INKAN_DMARC_ALIGN_STRICT ? 's' : 'r';
	char fo[16] = "";
	if (rec->fo != INKAN_DMARC_FO_0) {
		static const struct { unsigned bit; const char *s; } f[] = {
			{ INKAN_DMARC_FO_0, "0" }, { INKAN_DMARC_FO_1, "1" },
			{ INKAN_DMARC_FO_D, "d" }, { INKAN_DMARC_FO_S, "s" } };
		size_t n = 0;
		for (size_t i = 0; i < 4; i++)
			if (rec->fo & f[i].bit)
				n += (size_t)snprintf(fo + n, sizeof fo - n,
				    "%s%s", n ? ":" : "", f[i].s);
		r.policy.fo = fo;
	}
	r.policy.testing = rec->testing;
	r.policy.discovery = d->discovery;
	r.policy.ri = rec->ri;
	r.flags = flags;

	ik_buf rua, ruf, err;
	ik_buf_init(&rua, s->ctx, 2048);
	ik_buf_init(&ruf, s->ctx, 2048);
	ik_buf_init(&err, s->ctx, 1000);
	join_uris(&rua, rec->rua, rec->nrua);
	join_uris(&ruf, rec->ruf, rec->nruf);
	for (size_t i = 0; i < rec->nwarnings; i++) {
		if (i)
			ik_buf_puts(&err, "; ");
		ik_buf_puts(&err, rec->warnings[i].text);
	}
	r.policy.rua = rec->nrua ? ik_buf_str(&rua) : NULL;
	r.policy.ruf = rec->nruf ? ik_buf_str(&ruf) : NULL;
	r.policy.error = rec->nwarnings ? ik_buf_str(&err) : NULL;
	inkan_status st = inkan_report_store_add(s, &r);
	ik_buf_free(&rua);
	ik_buf_free(&ruf);
	ik_buf_free(&err);
	return st;
}
