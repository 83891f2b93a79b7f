/* SPDX-License-Identifier: MIT */
/*
 * owner_summary.c - per-domain answers from received aggregate reports.
 *
 * Everything is grouped in SQL (common to SQLite and PostgreSQL), so a
 * million records cost a few grouped scans, not a million rows in memory.
 * "Pass" is DMARC pass as the reporter evaluated it (policy_evaluated:
 * DKIM or SPF aligned, RFC 7489 4.2 / RFC 9989).
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <inkan/report_owner.h>
#include "report/owner_internal.h"
#include "core/alloc.h"
#include "core/ascii.h"

/* snprintf that may truncate (display text): one place, no warnings */
static void sfmt(char *buf, size_t n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void
sfmt(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, n, fmt, ap);
	va_end(ap);
}

const char *
inkan_report_src_class_name(inkan_report_src_class c)
{
	static const char *const n[] = { "own", "provider", "forwarder",
		"unknown" };
	return c < INKAN_REPORT_SRC__COUNT ? n[c] : "unknown";
}

/* Sending services recognised by the PTR or by the domain they use for
 * SPF (MAIL FROM) or DKIM; "name" is shown as the evidence. */
static const struct { const char *suffix, *name; } providers[] = {
	{ "google.com", "Google" }, { "googlemail.com", "Google" },
	{ "outlook.com", "Microsoft 365" },
	{ "protection.outlook.com", "Microsoft 365" },
	{ "amazonses.com", "Amazon SES" }, { "sendgrid.net", "SendGrid" },
	{ "mailgun.org", "Mailgun" }, { "mailgun.net", "Mailgun" },
	{ "mcsv.net", "Mailchimp" }, { "mandrillapp.com", "Mailchimp" },
	{ "sparkpostmail.com", "SparkPost" }, { "postmarkapp.com", "Postmark" },
	{ "mailjet.com", "Mailjet" }, { "sendinblue.com", "Brevo" },
	{ "brevo.com", "Brevo" }, { "zendesk.com", "Zendesk" },
	{ "exacttarget.com", "Salesforce" }, { "salesforce.com", "Salesforce" },
	{ "hubspotemail.net", "HubSpot" }, { "fastmail.com", "Fastmail" },
	{ "messagingengine.com", "Fastmail" }, { "zoho.com", "Zoho" },
	{ "yahoo.com", "Yahoo" }, { "mimecast.com", "Mimecast" },
	{ "pphosted.com", "Proofpoint" }, { "smtp.com", "SMTP.com" },
};

/* @name equals @suffix or ends in "." @suffix */
static int
under(const char *name, const char *suffix)
{
	size_t n = strlen(name), s = strlen(suffix);

	if (n == 0 || s == 0)
		return 0;
	if (n > 0 && name[n - 1] == '.')
		n--;
	if (n == s)
		return ik_ascii_eq(name, n, suffix, s);
	return n > s && name[n - s - 1] == '.' &&
		ik_ascii_eq(name + n - s, s, suffix, s);
}

static const char *
provider_of(const char *name)
{
	for (size_t i = 0; i < sizeof(providers) / sizeof(providers[0]); i++)
		if (under(name, providers[i].suffix))
			return providers[i].name;
	return NULL;
}

/* is @ip inside "net/len" */
static int
in_net(const char *ip, const char *net)
{
	unsigned char a[16], b[16];
	char host[64];
	const char *slash = strchr(net, '/');
	int fam, bits, alen;
	size_t hl = slash ? (size_t)(slash - net) : strlen(net);

	if (hl >= sizeof(host))
		return 0;
	memcpy(host, net, hl);
	host[hl] = '\0';
	fam = strchr(host, ':') ? AF_INET6 : AF_INET;
	alen = fam == AF_INET ? 4 : 16;
	if (inet_pton(fam, host, b) != 1 || inet_pton(fam, ip, a) != 1)
		return 0;
	if (slash != NULL) {
		char *end;
		long v = strtol(slash + 1, &end, 10);
		if (end == slash + 1 || *end != '\0' || v < 0 || v > alen * 8)
			return 0;
		bits = (int)v;
	} else {
		bits = alen * 8;
	}
	for (int i = 0; i < alen && bits > 0; i++, bits -= 8) {
		unsigned char m = bits >= 8 ? 0xff :
			(unsigned char)(0xff << (8 - bits));
		if ((a[i] & m) != (b[i] & m))
			return 0;
	}
	return 1;
}

/* first "domain:x:result" of an encoded auth list */
static void
first_auth(const char *enc, char *dom, size_t dl, char *res, size_t rl)
{
	const char *c1, *c2, *end;

	dom[0] = res[0] = '\0';
	if (enc == NULL || *enc == '\0')
		return;
	end = strchr(enc, ';');
	if (end == NULL)
		end = enc + strlen(enc);
	c1 = memchr(enc, ':', (size_t)(end - enc));
	if (c1 == NULL)
		return;
	c2 = memchr(c1 + 1, ':', (size_t)(end - c1 - 1));
	if (c2 == NULL)
		return;
	sfmt(dom, dl, "%.*s", (int)(c1 - enc), enc);
	sfmt(res, rl, "%.*s", (int)(end - c2 - 1), c2 + 1);
}

static double
pct(uint64_t a, uint64_t b)
{
	return b ? 100.0 * (double)a / (double)b : 0.0;
}

static void
classify(inkan_report_sum_domain *d, inkan_report_sum_source *s,
	const inkan_report_sum_opts *o)
{
	const char *prov;

	for (size_t i = 0; i < o->nown; i++)
		if (in_net(s->ip, o->own_nets[i])) {
			s->cls = INKAN_REPORT_SRC_OWN;
			sfmt(s->evidence, sizeof(s->evidence), "in your "
				"networks (%s)", o->own_nets[i]);
			return;
		}
	if (*s->ptr && s->ptr_confirmed && under(s->ptr, d->domain)) {
		s->cls = INKAN_REPORT_SRC_OWN;
		sfmt(s->evidence, sizeof(s->evidence), "its PTR %s is in your "
			"domain (forward-confirmed)", s->ptr);
		return;
	}
	for (size_t i = 0; i < o->nincludes; i++)
		if ((*s->ptr && s->ptr_confirmed && under(s->ptr,
		    o->includes[i])) || under(s->spf_domain, o->includes[i])) {
			s->cls = INKAN_REPORT_SRC_PROVIDER;
			sfmt(s->evidence, sizeof(s->evidence), "your SPF "
				"includes %s", o->includes[i]);
			return;
		}
	if (*s->ptr && s->ptr_confirmed && (prov = provider_of(s->ptr))) {
		s->cls = INKAN_REPORT_SRC_PROVIDER;
		sfmt(s->evidence, sizeof(s->evidence), "%s (PTR %s)", prov,
			s->ptr);
		return;
	}
	if ((prov = provider_of(s->spf_domain)) ||
	    (prov = provider_of(s->dkim_domain))) {
		s->cls = INKAN_REPORT_SRC_PROVIDER;
		sfmt(s->evidence, sizeof(s->evidence), "%s (%s domain %s)",
			prov, provider_of(s->spf_domain) ? "MAIL FROM" : "DKIM",
			provider_of(s->spf_domain) ? s->spf_domain :
			s->dkim_domain);
		return;
	}
	/* most of its mail passes SPF aligned: your SPF authorizes it */
	if (s->spf_aligned * 2 > s->msgs) {
		s->cls = INKAN_REPORT_SRC_OWN;
		sfmt(s->evidence, sizeof(s->evidence), "authorized by "
			"your SPF (reporters saw SPF pass, aligned with %s)",
			d->domain);
		return;
	}
	if (s->dkim_aligned * 2 > s->msgs && s->spf_aligned * 2 < s->msgs) {
		s->cls = INKAN_REPORT_SRC_FORWARDER;
		sfmt(s->evidence, sizeof(s->evidence), "SPF fails but your "
			"DKIM signature passes: mail relayed by a forwarder or "
			"list");
		return;
	}
	s->cls = INKAN_REPORT_SRC_UNKNOWN;
	sfmt(s->evidence, sizeof(s->evidence), "not in your SPF, no "
		"known provider%s", *s->ptr ? "" : ", no PTR");
}

/* what fails for this source, and the fix */
static void
explain(inkan_report_sum_domain *d, inkan_report_sum_source *s)
{
	char spf[256], dkim[256];
	uint64_t fail = s->msgs - s->pass;

	s->why[0] = s->fix[0] = '\0';
	if (fail == 0)
		return;
	if (s->spf_aligned > 0)
		sfmt(spf, sizeof(spf), "SPF aligned for part");
	else if (strcmp(s->spf_result, "pass") == 0)
		sfmt(spf, sizeof(spf), "SPF passes for %s (the sender's "
			"MAIL FROM), not aligned with %s", s->spf_domain,
			d->domain);
	else if (*s->spf_result)
		sfmt(spf, sizeof(spf), "SPF %s%s%s", s->spf_result,
			*s->spf_domain ? " for " : "", s->spf_domain);
	else
		sfmt(spf, sizeof(spf), "no SPF result");
	if (s->no_dkim * 2 >= s->msgs)
		sfmt(dkim, sizeof(dkim), "has no DKIM signature");
	else if (strcmp(s->dkim_result, "pass") == 0 && s->dkim_aligned == 0)
		sfmt(dkim, sizeof(dkim), "DKIM signed by %s, not aligned "
			"with %s", s->dkim_domain, d->domain);
	else if (s->list > 0 || s->cls == INKAN_REPORT_SRC_FORWARDER)
		sfmt(dkim, sizeof(dkim), "DKIM %s (body changed in transit,"
			" e.g. by a mailing list)", *s->dkim_result ?
			s->dkim_result : "fails");
	else
		sfmt(dkim, sizeof(dkim), "DKIM %s%s%s", *s->dkim_result ?
			s->dkim_result : "fails", *s->dkim_domain ? " for " : "",
			s->dkim_domain);
	sfmt(s->why, sizeof(s->why), "%.0f%% fails: %s; %s",
		pct(fail, s->msgs), spf, dkim);
	switch (s->cls) {
	case INKAN_REPORT_SRC_OWN:
	case INKAN_REPORT_SRC_PROVIDER:
		if (s->no_dkim * 2 >= s->msgs || s->dkim_aligned == 0)
			sfmt(s->fix, sizeof(s->fix), "sign this source's "
				"mail with DKIM for %s (publish its key under "
				"your domain, e.g. `inkan domain setup`)%s",
				d->domain, s->spf_aligned == 0 ? ", or give it a "
				"MAIL FROM under your domain" : "");
		else
			sfmt(s->fix, sizeof(s->fix), "check this source's "
				"DKIM key and SPF record");
		break;
	case INKAN_REPORT_SRC_FORWARDER:
		sfmt(s->fix, sizeof(s->fix), "nothing on your side when "
			"DKIM survives; lists that change the body need ARC or "
			"From rewriting");
		break;
	default:
		sfmt(s->fix, sizeof(s->fix), "if this is yours: add it to "
			"SPF and sign with DKIM; if not, it is spoofing, which "
			"p=quarantine/reject stops");
	}
}

static const char *
next_policy(const char *p)
{
	if (strcmp(p, "none") == 0 || *p == '\0')
		return "p=quarantine";
	if (strcmp(p, "quarantine") == 0)
		return "p=reject";
	return NULL;
}

static void
verdict(inkan_report_sum_domain *d)
{
	uint64_t legit = d->class_msgs[INKAN_REPORT_SRC_OWN] +
		d->class_msgs[INKAN_REPORT_SRC_PROVIDER];
	uint64_t legit_pass = d->class_pass[INKAN_REPORT_SRC_OWN] +
		d->class_pass[INKAN_REPORT_SRC_PROVIDER];
	uint64_t unk = d->class_msgs[INKAN_REPORT_SRC_UNKNOWN];
	uint64_t unk_pass = d->class_pass[INKAN_REPORT_SRC_UNKNOWN];
	size_t nunk = 0;
	const inkan_report_sum_source *worst = NULL;
	const char *next = next_policy(d->p);
	char tail[256];

	for (size_t i = 0; i < d->nsrc; i++) {
		const inkan_report_sum_source *s = &d->src[i];
		if (s->cls == INKAN_REPORT_SRC_UNKNOWN)
			nunk++;
		/* a source of yours with more than 2% failing blocks */
		if ((s->cls == INKAN_REPORT_SRC_OWN || s->cls == INKAN_REPORT_SRC_PROVIDER) &&
		    (s->msgs - s->pass) * 50 > s->msgs &&
		    (worst == NULL || s->msgs - s->pass >
		    worst->msgs - worst->pass))
			worst = s;
	}
	sfmt(tail, sizeof(tail), "%zu unknown source%s sent %.1f%%%s",
		nunk, nunk == 1 ? "" : "s", pct(unk, d->msgs),
		unk == 0 ? "" : unk_pass == 0 ? ", all failing" : "");
	if (legit == 0) {
		d->ready = 0;
		sfmt(d->verdict, sizeof(d->verdict), "not ready: no mail in"
			" this period came from a source recognised as yours "
			"(give your networks with --own or --state, or check "
			"the sources below); %s", tail);
		return;
	}
	if (worst != NULL) {
		d->ready = 0;
		sfmt(d->verdict, sizeof(d->verdict), "not ready: source %s"
			"%s%s%s (%s), %.1f%% of volume, %s; fix: %s", worst->ip,
			*worst->ptr ? " (PTR " : "", worst->ptr,
			*worst->ptr ? ")" : "", worst->evidence,
			pct(worst->msgs, d->msgs), worst->why, worst->fix);
		return;
	}
	d->ready = 1;
	if (next == NULL)
		sfmt(d->verdict, sizeof(d->verdict), "at p=reject, the end "
			"of the roll-out: %.1f%% of mail from your own sources "
			"passes; %s", pct(legit_pass, legit), tail);
	else
		sfmt(d->verdict, sizeof(d->verdict), "ready for %s: %.1f%% "
			"of mail from your own sources passes; %s", next,
			pct(legit_pass, legit), tail);
}

static inkan_status
q(inkan_report_store *s, const char *sql, const ik_report_param *p,
	size_t n, ik_report_res *r)
{
	memset(r, 0, sizeof(*r));
	return ik_report_query(s, sql, p, n, r, NULL);
}

static const char *
cell(const ik_report_res *r, size_t row, size_t col)
{
	const char *v = ik_report_res_get(r, row, col);
	return v ? v : "";
}

static uint64_t
u64(const ik_report_res *r, size_t row, size_t col)
{
	const char *v = ik_report_res_get(r, row, col);
	return v ? strtoull(v, NULL, 10) : 0;
}

static int
src_ip_cmp(const void *a, const void *b)
{
	const inkan_report_sum_source *const *x = a, *const *y = b;

	return strcmp((*x)->ip, (*y)->ip);
}

/* the per-day series (for the chart) and the reporters of one domain */
static inkan_status
load_series(inkan_report_store *s, const inkan_report_sum_opts *o,
	inkan_report_sum_domain *d)
{
	const inkan_ctx *ctx = s->ctx;
	ik_report_res r;
	inkan_status st;
	const char *dom = d->domain;
	ik_report_param p2[2] = { IK_RP_S(dom), IK_RP_I(o->since) };

	/* per UTC day, for the chart */
	st = q(s, "SELECT r.begin_ts / 86400, SUM(c.count),"
		" SUM(c.count * c.dmarc_pass) FROM rua_records c JOIN"
		" rua_reports r ON c.report = r.id WHERE r.policy_domain = ? AND"
		" r.begin_ts >= ? GROUP BY r.begin_ts / 86400 ORDER BY 1", p2, 2,
		&r);
	if (st != INKAN_OK)
		return st;
	d->days = ik_calloc(ctx, r.nrows ? r.nrows : 1, sizeof(*d->days));
	if (d->days == NULL) {
		ik_report_res_free(&r);
		return INKAN_ERR_NOMEM;
	}
	for (size_t i = 0; i < r.nrows; i++) {
		d->days[i].day = (int64_t)u64(&r, i, 0) * 86400;
		d->days[i].msgs = u64(&r, i, 1);
		d->days[i].pass = u64(&r, i, 2);
	}
	d->ndays = r.nrows;
	ik_report_res_free(&r);

	/* per reporter */
	st = q(s, "SELECT r.org_name, COUNT(DISTINCT r.id), SUM(c.count),"
		" SUM(c.count * c.dmarc_pass) FROM rua_records c JOIN"
		" rua_reports r ON c.report = r.id WHERE r.policy_domain = ? AND"
		" r.begin_ts >= ? GROUP BY r.org_name ORDER BY 3 DESC, 1", p2, 2,
		&r);
	if (st != INKAN_OK)
		return st;
	d->rep = ik_calloc(ctx, r.nrows ? r.nrows : 1, sizeof(*d->rep));
	if (d->rep == NULL) {
		ik_report_res_free(&r);
		return INKAN_ERR_NOMEM;
	}
	for (size_t i = 0; i < r.nrows; i++) {
		sfmt(d->rep[i].org, sizeof(d->rep[i].org), "%s",
			cell(&r, i, 0));
		d->rep[i].reports = u64(&r, i, 1);
		d->rep[i].msgs = u64(&r, i, 2);
		d->rep[i].pass = u64(&r, i, 3);
	}
	d->nrep = r.nrows;
	ik_report_res_free(&r);
	return INKAN_OK;
}

static inkan_status
load_domain(inkan_report_store *s, const inkan_report_sum_opts *o,
	inkan_report_sum_domain *d)
{
	const inkan_ctx *ctx = s->ctx;
	ik_report_res r;
	inkan_status st;
	size_t max = o->max_sources ? o->max_sources : 50;
	const char *dom = d->domain;
	ik_report_param p2[2] = { IK_RP_S(dom), IK_RP_I(o->since) };

	st = q(s, "SELECT p FROM rua_reports WHERE policy_domain = ? AND"
		" begin_ts >= ? ORDER BY end_ts DESC, id DESC LIMIT 1", p2, 2,
		&r);
	if (st != INKAN_OK)
		return st;
	sfmt(d->p, sizeof(d->p), "%s", r.nrows ? cell(&r, 0, 0) : "");
	ik_report_res_free(&r);

	/* sources, with their most common auth results */
	st = q(s, "SELECT c.source_ip, SUM(c.count),"
		" SUM(c.count * c.dmarc_pass), SUM(c.count * c.spf_aligned),"
		" SUM(c.count * c.dkim_aligned),"
		" SUM(CASE WHEN c.dkim = '' THEN c.count ELSE 0 END),"
		" SUM(CASE WHEN c.reason LIKE 'mailing_list%' OR c.reason LIKE"
		" 'forwarded%' THEN c.count ELSE 0 END), MAX(c.spf), MAX(c.dkim),"
		" MAX(p.ptr), MAX(p.confirmed)"
		" FROM rua_records c JOIN rua_reports r ON c.report = r.id"
		" LEFT JOIN ptr_cache p ON p.ip = c.source_ip"
		" WHERE r.policy_domain = ? AND r.begin_ts >= ?"
		" GROUP BY c.source_ip ORDER BY 2 DESC, 1", p2, 2, &r);
	if (st != INKAN_OK)
		return st;
	d->src = ik_calloc(ctx, r.nrows ? r.nrows : 1, sizeof(*d->src));
	if (d->src == NULL) {
		ik_report_res_free(&r);
		return INKAN_ERR_NOMEM;
	}
	for (size_t i = 0; i < r.nrows; i++) {
		inkan_report_sum_source *x = &d->src[d->nsrc++];
		sfmt(x->ip, sizeof(x->ip), "%s", cell(&r, i, 0));
		x->msgs = u64(&r, i, 1);
		x->pass = u64(&r, i, 2);
		x->spf_aligned = u64(&r, i, 3);
		x->dkim_aligned = u64(&r, i, 4);
		x->no_dkim = u64(&r, i, 5);
		x->list = u64(&r, i, 6);
		first_auth(cell(&r, i, 7), x->spf_domain, sizeof(x->spf_domain),
			x->spf_result, sizeof(x->spf_result));
		first_auth(cell(&r, i, 8), x->dkim_domain,
			sizeof(x->dkim_domain), x->dkim_result,
			sizeof(x->dkim_result));
		sfmt(x->ptr, sizeof(x->ptr), "%s", cell(&r, i, 9));
		x->ptr_confirmed = (int)u64(&r, i, 10);
		classify(d, x, o);
		explain(d, x);
		d->class_msgs[x->cls] += x->msgs;
		d->class_pass[x->cls] += x->pass;
	}
	ik_report_res_free(&r);

	/* first seen, over all periods: for "a new failing source" */
	ik_report_param p1[1] = { IK_RP_S(dom) };
	st = q(s, "SELECT c.source_ip, MIN(r.begin_ts) FROM rua_records c"
		" JOIN rua_reports r ON c.report = r.id WHERE r.policy_domain ="
		" ? GROUP BY c.source_ip", p1, 1, &r);
	if (st != INKAN_OK)
		return st;
	/* matched by binary search over the sources sorted by IP: a nested
	 * loop was quadratic, 2.5 G comparisons for 50,000 sources */
	inkan_report_sum_source **by_ip = ik_calloc(ctx, d->nsrc ? d->nsrc :
		1, sizeof(*by_ip));
	if (by_ip == NULL) {
		ik_report_res_free(&r);
		return INKAN_ERR_NOMEM;
	}
	for (size_t j = 0; j < d->nsrc; j++)
		by_ip[j] = &d->src[j];
	qsort(by_ip, d->nsrc, sizeof(*by_ip), src_ip_cmp);
	for (size_t i = 0; i < r.nrows; i++) {
		const char *ip = cell(&r, i, 0);
		size_t lo = 0, hi = d->nsrc;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			int c = strcmp(by_ip[mid]->ip, ip);
			if (c == 0) {
				by_ip[mid]->first_seen = (int64_t)u64(&r, i, 1);
				break;
			}
			if (c < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
	}
	ik_free(ctx, by_ip);
	ik_report_res_free(&r);
	for (size_t j = 0; j < d->nsrc; j++)
		if (d->src[j].pass < d->src[j].msgs &&
		    d->src[j].first_seen >= o->since && o->since > 0) {
			d->src[j].new_failing = 1;
			d->nnew_failing++;
		}
	verdict(d);
	if (d->nsrc > max)
		d->nsrc = max;

	return load_series(s, o, d);
}

inkan_status
inkan_report_summary_build(inkan_report_store *s, const inkan_report_sum_opts *o,
	inkan_report_summary *out)
{
	ik_report_res r;
	inkan_status st;
	const char *dom = o->domain ? o->domain : "";
	ik_report_param p[3] = { IK_RP_I(o->since), IK_RP_S(dom),
		IK_RP_S(dom) };

	memset(out, 0, sizeof(*out));
	st = q(s, "SELECT r.policy_domain, COUNT(DISTINCT r.id), SUM(c.count),"
		" SUM(c.count * c.dmarc_pass), SUM(c.count * c.spf_aligned),"
		" SUM(c.count * c.dkim_aligned), MIN(r.begin_ts), MAX(r.end_ts)"
		" FROM rua_reports r JOIN rua_records c ON c.report = r.id"
		" WHERE r.begin_ts >= ? AND (? = '' OR r.policy_domain = ?)"
		" GROUP BY r.policy_domain ORDER BY 3 DESC, 1", p, 3, &r);
	if (st != INKAN_OK)
		return st;
	out->d = ik_calloc(s->ctx, r.nrows ? r.nrows : 1, sizeof(*out->d));
	if (out->d == NULL) {
		ik_report_res_free(&r);
		return INKAN_ERR_NOMEM;
	}
	for (size_t i = 0; i < r.nrows; i++) {
		inkan_report_sum_domain *d = &out->d[out->nd++];
		sfmt(d->domain, sizeof(d->domain), "%s", cell(&r, i, 0));
		d->reports = u64(&r, i, 1);
		d->msgs = u64(&r, i, 2);
		d->pass = u64(&r, i, 3);
		d->spf_aligned = u64(&r, i, 4);
		d->dkim_aligned = u64(&r, i, 5);
		d->first = (int64_t)u64(&r, i, 6);
		d->last = (int64_t)u64(&r, i, 7);
	}
	ik_report_res_free(&r);
	for (size_t i = 0; i < out->nd; i++)
		if ((st = load_domain(s, o, &out->d[i])) != INKAN_OK) {
			inkan_report_summary_free(s->ctx, out);
			return st;
		}
	return INKAN_OK;
}

void
inkan_report_summary_free(const inkan_ctx *ctx, inkan_report_summary *sum)
{
	for (size_t i = 0; i < sum->nd; i++) {
		ik_free(ctx, sum->d[i].src);
		ik_free(ctx, sum->d[i].days);
		ik_free(ctx, sum->d[i].rep);
	}
	ik_free(ctx, sum->d);
	memset(sum, 0, sizeof(*sum));
}

int64_t
inkan_report_newest(inkan_report_store *s)
{
	ik_report_res r;
	int64_t v = 0;

	if (q(s, "SELECT MAX(end_ts) FROM rua_reports", NULL, 0, &r) ==
	    INKAN_OK) {
		v = (int64_t)u64(&r, 0, 0);
		ik_report_res_free(&r);
	}
	return v;
}
