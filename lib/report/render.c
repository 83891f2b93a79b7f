/* SPDX-License-Identifier: MIT */
/*
 * render.c - the XML of one aggregate report, through libxml2's writer
 * (it does the escaping; nothing here pastes text into markup).
 *
 * RFC 9990 (default): namespace urn:ietf:params:xml:ns:dmarc-2.0,
 * generator, np, testing, discovery_method, no pct, a selector on every
 * DKIM result. RFC 7489 Appendix C (on request): no namespace (as
 * deployed), pct, sp and fo always present, an SPF result always present.
 *
 * Rows become records here, grouped by RFC 9990 3.1.1.7's key ("one
 * record (IP, result, authentication identifiers) per tuple"), so the
 * store keeps every message until the report is made.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <libxml/xmlwriter.h>

#include "core/alloc.h"
#include "report/report_internal.h"

#define NS_9990 "urn:ietf:params:xml:ns:dmarc-2.0"

typedef struct out {
	xmlTextWriterPtr w;
	inkan_report_format fmt;
	int bad;
} out;

static void
el(out *o, const char *name, const char *text)
{
	if (xmlTextWriterWriteElement(o->w, BAD_CAST name,
	    BAD_CAST (text ? text : "")) < 0)
		o->bad = 1;
}

static void
eli(out *o, const char *name, int64_t v)
{
	char b[32];
	snprintf(b, sizeof b, "%" PRId64, v);
	el(o, name, b);
}

static void
start(out *o, const char *name)
{
	if (xmlTextWriterStartElement(o->w, BAD_CAST name) < 0)
		o->bad = 1;
}

static void
end(out *o)
{
	if (xmlTextWriterEndElement(o->w) < 0)
		o->bad = 1;
}

static const char *
policy_name(int64_t p)
{
	switch (p) {
	case INKAN_DMARC_POLICY_QUARANTINE: return "quarantine";
	case INKAN_DMARC_POLICY_REJECT: return "reject";
	default: return "none";
	}
}

/* report_metadata: RFC 9990 3.1.1.3 */
static void
metadata(out *o, const inkan_report_reporter *rep, const ik_report_res *m,
	const char *error)
{
	start(o, "report_metadata");
	el(o, "org_name", rep->org_name);
	el(o, "email", rep->email);
	if (rep->extra_contact_info)
		el(o, "extra_contact_info", rep->extra_contact_info);
	el(o, "report_id", ik_report_res_get(m, 0, 0));
	start(o, "date_range");
	eli(o, "begin", ik_report_res_int(m, 0, 1));
	eli(o, "end", ik_report_res_int(m, 0, 2));
	end(o);
	if (error && *error)
		el(o, "error", error);
	if (o->fmt == INKAN_REPORT_FORMAT_RFC9990)
		el(o, "generator", rep->generator ? rep->generator :
		    "inkan " INKAN_VERSION_STRING);
	end(o);
}

/* policy_published: RFC 9990 3.1.1.5 ("unspecified tags have their
 * default values"). Columns: domain p sp np adkim aspf fo testing
 * discovery error */
static void
policy(out *o, const ik_report_res *p)
{
	const char *adkim = ik_report_res_get(p, 0, 4);
	const char *aspf = ik_report_res_get(p, 0, 5);
	const char *fo = ik_report_res_get(p, 0, 6);
	int64_t pol = ik_report_res_int(p, 0, 1);
	int64_t sp = ik_report_res_int(p, 0, 2);
	int64_t np = ik_report_res_int(p, 0, 3);
	start(o, "policy_published");
	el(o, "domain", ik_report_res_get(p, 0, 0));
	if (o->fmt == INKAN_REPORT_FORMAT_RFC9990) {
		el(o, "discovery_method", ik_report_res_int(p, 0, 8) ==
		    INKAN_DMARC_DISCOVERY_PSL ? "psl" : "treewalk");
		el(o, "p", policy_name(pol));
		if (sp != INKAN_DMARC_POLICY_ABSENT)
			el(o, "sp", policy_name(sp));
		if (np != INKAN_DMARC_POLICY_ABSENT)
			el(o, "np", policy_name(np));
		if (fo)
			el(o, "fo", fo);
		el(o, "adkim", adkim ? adkim : "r");
		el(o, "aspf", aspf ? aspf : "r");
		el(o, "testing", ik_report_res_int(p, 0, 7) ? "y" : "n");
	} else {
		/* RFC 7489's schema requires sp, pct and fo */
		el(o, "adkim", adkim ? adkim : "r");
		el(o, "aspf", aspf ? aspf : "r");
		el(o, "p", policy_name(pol));
		el(o, "sp", policy_name(sp != INKAN_DMARC_POLICY_ABSENT ? sp :
		    pol));
		el(o, "pct", "100");
		el(o, "fo", fo ? fo : "0");
	}
	end(o);
}

/* reasons: "T[FS comment]" entries separated by RS */
static void
reasons(out *o, const char *list)
{
	const char *p = list ? list : "";
	while (*p) {
		int t = *p - '0';
		const char *e = strchr(p, IK_REPORT_RS);
		if (!e)
			e = p + strlen(p);
		const char *name = inkan_report_override_name(
		    (inkan_report_override)t);
		if (o->fmt == INKAN_REPORT_FORMAT_RFC7489 &&
		    t == INKAN_REPORT_OVERRIDE_POLICY_TEST_MODE)
			name = "other";	/* not in RFC 7489's list */
		start(o, "reason");
		el(o, "type", name);
		if (p + 1 < e && p[1] == IK_REPORT_FS) {
			char c[1100];
			size_t n = (size_t)(e - (p + 2));
			if (n >= sizeof c)
				n = sizeof c - 1;
			memcpy(c, p + 2, n);
			c[n] = '\0';
			el(o, "comment", c);
		} else if (o->fmt == INKAN_REPORT_FORMAT_RFC7489 &&
		    t == INKAN_REPORT_OVERRIDE_POLICY_TEST_MODE) {
			el(o, "comment", "policy_test_mode (t=y)");
		}
		end(o);
		p = *e ? e + 1 : e;
	}
}

/* dkim: "domain FS selector FS R[FS human]" entries separated by RS */
static void
dkim_results(out *o, const char *list)
{
	const char *p = list ? list : "";
	while (*p) {
		const char *e = strchr(p, IK_REPORT_RS);
		if (!e)
			e = p + strlen(p);
		char f[4][1100];
		size_t nf = 0;
		const char *q = p;
		while (nf < 4) {
			const char *fe = memchr(q, IK_REPORT_FS, (size_t)(e - q));
			if (!fe || nf == 3)
				fe = e;
			size_t n = (size_t)(fe - q);
			if (n >= sizeof f[0])
				n = sizeof f[0] - 1;
			memcpy(f[nf], q, n);
			f[nf++][n] = '\0';
			if (fe == e)
				break;
			q = fe + 1;
		}
		if (nf >= 3) {
			start(o, "dkim");
			el(o, "domain", f[0]);
			/* RFC 9990 3.1.1.12: selector required */
			if (o->fmt == INKAN_REPORT_FORMAT_RFC9990 || f[1][0])
				el(o, "selector", f[1]);
			el(o, "result", inkan_report_result_name(
			    (inkan_report_result)(f[2][0] - '0')));
			if (nf == 4 && f[3][0])
				el(o, "human_result", f[3]);
			end(o);
		}
		p = *e ? e + 1 : e;
	}
}

/* Columns of the grouped query, in order */
enum { C_IP, C_HFROM, C_EFROM, C_ETO, C_DISP, C_DKIMA, C_SPFA, C_REASONS,
	C_SPFD, C_SPFSCOPE, C_SPFRES, C_SPFHUMAN, C_DKIM, C_COUNT };

static void
record(out *o, const ik_report_res *r, size_t i)
{
	int v7489 = o->fmt == INKAN_REPORT_FORMAT_RFC7489;
	start(o, "record");
	start(o, "row");
	el(o, "source_ip", ik_report_res_get(r, i, C_IP));
	eli(o, "count", ik_report_res_int(r, i, C_COUNT));
	start(o, "policy_evaluated");
	int64_t disp = ik_report_res_int(r, i, C_DISP);
	if (v7489 && disp == INKAN_REPORT_DISP_PASS)
		disp = INKAN_REPORT_DISP_NONE;	/* no "pass" in 7489 */
	el(o, "disposition", inkan_report_disposition_name(
	    (inkan_report_disposition)disp));
	el(o, "dkim", ik_report_res_int(r, i, C_DKIMA) ? "pass" : "fail");
	el(o, "spf", ik_report_res_int(r, i, C_SPFA) ? "pass" : "fail");
	reasons(o, ik_report_res_get(r, i, C_REASONS));
	end(o);
	end(o);
	start(o, "identifiers");
	if (v7489 && ik_report_res_get(r, i, C_ETO))
		el(o, "envelope_to", ik_report_res_get(r, i, C_ETO));
	el(o, "header_from", ik_report_res_get(r, i, C_HFROM));
	/* RFC 9990 3.1.1.10: present but empty for a null reverse-path */
	if (ik_report_res_get(r, i, C_EFROM))
		el(o, "envelope_from", ik_report_res_get(r, i, C_EFROM));
	if (!v7489 && ik_report_res_get(r, i, C_ETO))
		el(o, "envelope_to", ik_report_res_get(r, i, C_ETO));
	end(o);
	start(o, "auth_results");
	dkim_results(o, ik_report_res_get(r, i, C_DKIM));
	const char *spfd = ik_report_res_get(r, i, C_SPFD);
	int mfrom = ik_report_res_int(r, i, C_SPFSCOPE) != 0;
	if (spfd || v7489) {
		start(o, "spf");
		/* RFC 7489 requires an SPF result: "none" when not checked */
		el(o, "domain", spfd ? spfd : ik_report_res_get(r, i, C_HFROM));
		if (v7489)
			el(o, "scope", mfrom || !spfd ? "mfrom" : "helo");
		else if (mfrom)
			el(o, "scope", "mfrom");	/* the only value */
		int64_t res = spfd ? ik_report_res_int(r, i, C_SPFRES) : 0;
		if (v7489 && res == INKAN_REPORT_POLICY)
			res = INKAN_REPORT_NEUTRAL;	/* not in 7489 */
		el(o, "result", inkan_report_result_name(
		    (inkan_report_result)res));
		if (!v7489 && ik_report_res_get(r, i, C_SPFHUMAN))
			el(o, "human_result", ik_report_res_get(r, i,
			    C_SPFHUMAN));
		end(o);
	}
	end(o);
	end(o);
}

#define GROUP_KEY "source_ip, header_from, envelope_from, envelope_to," \
	" disposition, dkim_aligned, spf_aligned, reasons, spf_domain," \
	" spf_scope, spf_result, spf_human, dkim"

inkan_status
inkan_report_render(inkan_report_store *s, const inkan_report_reporter *rep,
	int64_t id, inkan_report_format fmt, int gzip, unsigned char **outp,
	size_t *lenp, size_t *nrecords)
{
	*outp = NULL;
	*lenp = 0;
	if (!s || !rep || !rep->org_name || !rep->email)
		return INKAN_ERR_INVALID;
	ik_report_param one = IK_RP_I(id);
	ik_report_res meta = { 0 }, pol = { 0 }, recs = { 0 };
	inkan_status st = ik_report_query(s, "SELECT rid, begin_ts, end_ts,"
	    " policy_domain, min_id, max_id FROM reports WHERE id = ?", &one,
	    1, &meta, NULL);
	if (st == INKAN_OK && meta.nrows != 1)
		st = INKAN_ERR_NOT_FOUND;
	/* the rows the report covers (claim.c) */
	ik_report_param rg[5] = { IK_RP_S(ik_report_res_get(&meta, 0, 3)),
	    IK_RP_I(ik_report_res_int(&meta, 0, 1)),
	    IK_RP_I(ik_report_res_int(&meta, 0, 2)),
	    IK_RP_I(ik_report_res_int(&meta, 0, 4)),
	    IK_RP_I(ik_report_res_int(&meta, 0, 5)) };
#define RANGE " WHERE policy_domain = ? AND time >= ? AND time <= ? AND" \
	" id > ? AND id <= ? AND (flags & 1) = 0"
	if (st == INKAN_OK)
		st = ik_report_query(s, "SELECT policy_domain, p, sp, np, adkim,"
		    " aspf, fo, testing, discovery, error FROM report_rows"
		    RANGE " ORDER BY time DESC, id DESC LIMIT 1", rg, 5, &pol,
		    NULL);
	if (st == INKAN_OK)
		st = ik_report_query(s, "SELECT " GROUP_KEY ", COUNT(*) FROM"
		    " report_rows" RANGE " GROUP BY " GROUP_KEY " ORDER BY "
		    GROUP_KEY, rg, 5, &recs, NULL);
#undef RANGE
	if (st == INKAN_OK && (pol.nrows != 1 || recs.nrows == 0))
		st = INKAN_ERR_NOT_FOUND;
	xmlBufferPtr buf = NULL;
	out o = { NULL, fmt, 0 };
	if (st == INKAN_OK) {
		buf = xmlBufferCreate();
		o.w = buf ? xmlNewTextWriterMemory(buf, 0) : NULL;
		if (!o.w)
			st = INKAN_ERR_NOMEM;
	}
	if (st == INKAN_OK) {
		xmlTextWriterSetIndent(o.w, 1);
		xmlTextWriterSetIndentString(o.w, BAD_CAST "  ");
		if (xmlTextWriterStartDocument(o.w, "1.0", "UTF-8", NULL) < 0)
			o.bad = 1;
		start(&o, "feedback");
		if (fmt == INKAN_REPORT_FORMAT_RFC9990 &&
		    xmlTextWriterWriteAttribute(o.w, BAD_CAST "xmlns",
		    BAD_CAST NS_9990) < 0)
			o.bad = 1;
		el(&o, "version", "1.0");
		metadata(&o, rep, &meta, ik_report_res_get(&pol, 0, 9));
		policy(&o, &pol);
		for (size_t i = 0; i < recs.nrows; i++)
			record(&o, &recs, i);
		end(&o);
		if (xmlTextWriterEndDocument(o.w) < 0)
			o.bad = 1;
		xmlFreeTextWriter(o.w);	/* flushes into buf */
		if (o.bad)
			st = INKAN_ERR_INTERNAL;
	}
	if (st == INKAN_OK) {
		const unsigned char *x = xmlBufferContent(buf);
		size_t n = (size_t)xmlBufferLength(buf);
		if (gzip) {
			st = ik_report_gzip(s->ctx, x, n, outp, lenp);
		} else {
			*outp = ik_malloc(s->ctx, n + 1);
			if (!*outp) {
				st = INKAN_ERR_NOMEM;
			} else {
				memcpy(*outp, x, n);
				(*outp)[n] = '\0';
				*lenp = n;
			}
		}
		if (nrecords)
			*nrecords = recs.nrows;
	}
	if (buf)
		xmlBufferFree(buf);
	ik_report_res_free(&meta);
	ik_report_res_free(&pol);
	ik_report_res_free(&recs);
	return st;
}
