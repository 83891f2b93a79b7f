/* SPDX-License-Identifier: MIT */
/*
 * check_summary.c - what the findings add up to, in one sentence per
 * sending IP: would mail From: x@DOMAIN, sent with this MAIL FROM and
 * signed with these keys, pass DMARC, and through which identity? The
 * DMARC module's evaluator decides (alignment and policy as receivers
 * apply them), fed with the SPF result the IP really gets and a DKIM pass
 * for each key that is published and usable. Then Gmail's sender
 * requirements (support.google.com/a/answer/81126), each met or not as
 * far as DNS can show.
 */
#include <stdio.h>
#include <string.h>

#include "dmarc/from_results.h"
#include "domain/check_internal.h"

static size_t
usable_keys(const inkan_domain_checker *c, char *list, size_t len)
{
	size_t i, n = 0, w = 0;

	list[0] = '\0';
	for (i = 0; i < c->nsel; i++) {
		if (!c->sel[i].usable)
			continue;
		w += (size_t)snprintf(list + w, w < len ? len - w : 0, "%s%s",
			n ? ", " : "", c->sel[i].name);
		if (w >= len)
			w = len - 1;
		n++;
	}
	return n;
}

/* one sentence for mail from @ip (NULL: "an IP the SPF record
 * authorizes", assumed to pass when that record is usable) */
static const char *
sentence(inkan_domain_checker *c, const struct ck_ip *ip, int *passes)
{
	const char *mf = ik_check_spf_domain(c);
	inkan_dmarc_spf_result spf;
	inkan_dmarc_eval *ev = NULL;
	const inkan_dmarc_result *res;
	char keys[256], how[160];
	size_t nkeys = usable_keys(c, keys, sizeof(keys)), i;
	const char *verdict;

	*passes = 0;
	if (ip != NULL)
		spf = ip->spf_done ? ik_dmarc_spf_input(ip->spf) :
			INKAN_DMARC_SPF_TEMPERROR;
	else
		spf = (c->mail_from[0] ? c->spf_mf_ok : c->spf_domain_ok) ?
			INKAN_DMARC_SPF_PASS : INKAN_DMARC_SPF_NONE;
	if (inkan_dmarc_eval_new(c->ctx, NULL, &ev) != INKAN_OK ||
	    inkan_dmarc_set_author_domain(ev, c->domain) != INKAN_OK ||
	    inkan_dmarc_set_spf(ev, spf, mf, NULL) != INKAN_OK) {
		inkan_dmarc_eval_free(ev);
		return NULL;
	}
	for (i = 0; i < c->nsel; i++)
		if (c->sel[i].usable)
			(void)inkan_dmarc_add_dkim(ev, INKAN_DMARC_DKIM_PASS,
				c->domain, c->sel[i].name, 0);
	if (inkan_dmarc_evaluate(ev, &res) != INKAN_OK) {
		inkan_dmarc_eval_free(ev);
		return NULL;
	}
	switch (res->verdict) {
	case INKAN_DMARC_PASS:
		*passes = 1;
		if (res->spf_aligned)
			snprintf(how, sizeof(how), "will pass DMARC via %s",
				res->dkim_aligned ? "SPF and DKIM" : "SPF only "
				"(no usable DKIM key aligned with From)");
		else if (spf != INKAN_DMARC_SPF_PASS)
			snprintf(how, sizeof(how), "will pass DMARC via DKIM "
				"only (SPF gives %s for MAIL FROM %s)",
				spf == INKAN_DMARC_SPF_NONE ? "none" :
				spf == INKAN_DMARC_SPF_FAIL ? "fail" :
				spf == INKAN_DMARC_SPF_SOFTFAIL ? "softfail" :
				spf == INKAN_DMARC_SPF_NEUTRAL ? "neutral" :
				spf == INKAN_DMARC_SPF_TEMPERROR ? "temperror" :
				"permerror", mf);
		else
			snprintf(how, sizeof(how), "will pass DMARC via DKIM "
				"only (%s)", res->spf.alignment ==
				INKAN_DMARC_ALIGN_UNKNOWN ? "whether SPF aligns "
				"is unknown: a DNS lookup failed" :
				"MAIL FROM does not align with From");
		break;
	case INKAN_DMARC_FAIL:
		snprintf(how, sizeof(how), "will FAIL DMARC (SPF %s, %s "
			"DKIM key): receivers are asked to %s it",
			res->spf_aligned ? "aligned" : "not passing aligned",
			nkeys ? "no aligned" : "no usable",
			res->disposition == INKAN_DMARC_DISPOSITION_NONE ?
			"deliver" : inkan_dmarc_disposition_name(
			res->disposition));
		break;
	case INKAN_DMARC_NONE:
		snprintf(how, sizeof(how), "gets no DMARC verdict: no DMARC "
			"record applies");
		break;
	default:
		snprintf(how, sizeof(how), "cannot be judged now: a DNS "
			"lookup failed");
		break;
	}
	if (nkeys)
		verdict = ik_check_str(c, "mail From: x@%s sent with MAIL FROM %s "
			"and DKIM d=%s s=%s from %s %s", c->domain, mf,
			c->domain, keys, ip != NULL ? ip->ip :
			"an IP its SPF record authorizes", how);
	else
		verdict = ik_check_str(c, "mail From: x@%s sent with MAIL FROM %s, "
			"without a usable DKIM key, from %s %s", c->domain, mf,
			ip != NULL ? ip->ip : "an IP its SPF record authorizes",
			how);
	inkan_dmarc_eval_free(ev);
	return verdict;
}

static void
req(inkan_domain_checker *c, const char *text, int met, const char *detail)
{
	inkan_domain_requirement *r;

	if (c->pub.ngmail >= sizeof(c->gmail) / sizeof(c->gmail[0]))
		return;
	r = &c->gmail[c->pub.ngmail++];
	r->text = text;
	r->met = met;
	r->detail = detail;
}

void
ik_check_summary(inkan_domain_checker *c)
{
	char keys[256];
	size_t i, n = 0, nkeys = usable_keys(c, keys, sizeof(keys));
	int pass, all_pass = 1, spf_ok, fcrdns = 1, small = 0;

	if (c->nips == 0) {
		c->summary[n++] = sentence(c, NULL, &pass);
		all_pass = pass;
	}
	for (i = 0; i < c->nips; i++) {
		c->summary[n++] = sentence(c, &c->ips[i], &pass);
		all_pass &= pass;
		if (c->ips[i].fcrdns != 1)
			fcrdns = 0;
	}
	for (i = 0; i < n; i++)
		if (c->summary[i] == NULL && c->st == INKAN_OK)
			c->st = INKAN_ERR_NOMEM;
	c->pub.summary = c->summary;
	c->pub.nsummary = n;
	for (i = 0; i < c->nsel; i++)
		if (c->sel[i].rsa && c->sel[i].bits > 0 && c->sel[i].bits < 1024)
			small = 1;
	spf_ok = c->mail_from[0] ? c->spf_mf_ok : c->spf_domain_ok;
	c->pub.gmail = c->gmail;
	req(c, "all senders: SPF or DKIM for the sending domain",
		spf_ok || nkeys > 0, NULL);
	req(c, "all senders: valid forward and reverse DNS (PTR) for the "
		"sending IPs", c->nips ? fcrdns : -1, c->nips ? NULL :
		"give --ip to check");
	req(c, "bulk senders: SPF and DKIM both", spf_ok && nkeys > 0,
		!spf_ok ? "no usable SPF record for the MAIL FROM domain" :
		nkeys == 0 ? "no usable DKIM key" : NULL);
	req(c, "bulk senders: a DMARC record (p=none is enough)",
		c->dmarc != NULL && c->dmarc->status == INKAN_DMARC_PASS, NULL);
	req(c, "bulk senders: From aligned with the SPF or the DKIM domain",
		all_pass, NULL);
	req(c, "DKIM keys of at least 1024 bits (2048 recommended)",
		nkeys > 0 && !small, small ? "a key under 1024 bits" :
		nkeys == 0 ? "no usable DKIM key" : NULL);
	req(c, "TLS, a spam rate under 0.3%, RFC 5322 messages, one-click "
		"unsubscribe (RFC 8058) for marketing mail", -1,
		"not visible in DNS");
}
