/* SPDX-License-Identifier: MIT */
/*
 * claim.c - turning recorded rows into reports, one window at a time.
 *
 * RFC 9990 3.1: one report per DMARC Policy Domain and reporting period;
 * 3.1.1.4: periods should not overlap and typically cover one UTC day.
 * RFC 7489 7.2 let the domain ask for another interval with ri (RFC 9989
 * made ri historic); we honour an ri of at least an hour that we can fit
 * into UTC days, and report daily otherwise.
 *
 * Each report is created in one transaction with the rows it covers
 * (report_rows.report_id) and its pending deliveries, so what a report
 * covers is fixed once and for all: building again, or sending again
 * after a crash, produces the same report under the same Report-ID and
 * filename (RFC 9990 3.5.2 "MUST use the same filename").
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/ctx_internal.h"
#include "crypto/crypto.h"
#include "report/report_internal.h"

#define DAY 86400

int64_t
ik_report_interval(int64_t ri)
{
	/* intervals that divide a day, so windows stay UTC-day aligned */
	static const int64_t fit[] = { 43200, 28800, 21600, 14400, 10800,
	    7200, 3600 };
	if (ri <= 0 || ri >= DAY)
		return DAY;
	for (size_t i = 0; i < sizeof fit / sizeof fit[0]; i++)
		if (ri >= fit[i])
			return fit[i];
	return 3600;	/* below an hour: hourly is the most we do */
}

/* A domain as it may appear in a Report-ID (dot-atom-text) and in a
 * file name: letters, digits, '-', '_' and inner dots; anything else
 * (a hostile From domain with '/' or spaces) becomes '_'. */
void
ik_report_safe_name(const char *in, char *out, size_t len)
{
	size_t j = 0;
	for (size_t i = 0; in[i] && j + 1 < len; i++) {
		char c = in[i];
		int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		    (c == '.' && j > 0 && in[i + 1] && in[i + 1] != '.');
		out[j++] = ok ? c : '_';
	}
	if (j == 0 && len > 1)
		out[j++] = '_';
	out[j] = '\0';
}

static int64_t
floor_to(int64_t t, int64_t step)
{
	int64_t q = t / step;
	if (t % step < 0)
		q--;
	return q * step;
}

/* Split an rua list ("mailto:a@x,mailto:b@y") and add one pending
 * delivery per URI (RFC 9990 3.5: every URI in the order given). */
static inkan_status
add_deliveries(inkan_report_store *s, int64_t report, const char *rua,
	int64_t now)
{
	if (!rua)
		return INKAN_OK;
	const char *p = rua;
	while (*p) {
		while (*p == ' ' || *p == ',')
			p++;
		const char *e = p;
		while (*e && *e != ',')
			e++;
		size_t n = (size_t)(e - p);
		while (n && p[n - 1] == ' ')
			n--;
		if (n && n < 2048) {
			char uri[2048];
			memcpy(uri, p, n);
			uri[n] = '\0';
			ik_report_param q[3] = { IK_RP_I(report), IK_RP_S(uri),
			    IK_RP_I(now) };
			/* the same URI twice in one record: deliver once */
			inkan_status st = ik_report_query(s,
			    "INSERT INTO report_deliveries (report, uri, state,"
			    " reason, attempts, updated) VALUES (?, ?, 'pending',"
			    " NULL, 0, ?) ON CONFLICT DO NOTHING", q, 3, NULL,
			    NULL);
			if (st != INKAN_OK)
				return st;
		}
		p = e;
	}
	return INKAN_OK;
}

/* One window of one domain, in one transaction. *made = 1 when rows
 * were there to report. */
static inkan_status
claim_window(inkan_report_store *s, const inkan_report_reporter *rep,
	const char *domain, int64_t begin, int64_t end, int64_t now, int *made)
{
	int pg = s->backend == INKAN_REPORT_BACKEND_POSTGRESQL;
	unsigned char rnd[4];
	char tmp[64], rid[1024], fname[1024], uniq[40];
	ik_report_res r;
	int64_t changes = 0, id;
	inkan_status st;

	*made = 0;
	if (ik_crypto_random(rnd, sizeof rnd) != INKAN_OK)
		return INKAN_ERR_INTERNAL;
	st = ik_report_exec(s, pg ? "BEGIN" : "BEGIN IMMEDIATE");
	if (st != INKAN_OK)
		return st;
	snprintf(tmp, sizeof tmp, "claiming-%02x%02x%02x%02x", rnd[0], rnd[1],
	    rnd[2], rnd[3]);
	ik_report_param ins[6] = { IK_RP_S(domain), IK_RP_I(begin),
	    IK_RP_I(end - 1), IK_RP_S(tmp), IK_RP_S(""), IK_RP_I(now) };
	st = ik_report_query(s, "INSERT INTO reports (policy_domain, begin_ts,"
	    " end_ts, rid, filename, created, nrows, nrecords, state) VALUES"
	    " (?, ?, ?, ?, ?, ?, 0, 0, 'built') RETURNING id", ins, 6, &r,
	    NULL);
	if (st != INKAN_OK)
		goto fail;
	id = ik_report_res_int(&r, 0, 0);
	ik_report_res_free(&r);

	ik_report_param up[4] = { IK_RP_I(id), IK_RP_S(domain),
	    IK_RP_I(begin), IK_RP_I(end) };
	st = ik_report_query(s, "UPDATE report_rows SET report_id = ? WHERE"
	    " report_id IS NULL AND policy_domain = ? AND time >= ? AND"
	    " time < ? AND (flags & 1) = 0", up, 4, NULL, &changes);
	if (st != INKAN_OK)
		goto fail;
	if (changes == 0) {
		ik_report_exec(s, "ROLLBACK");
		return INKAN_OK;
	}
	/* RFC 9990 3.5.1 Report-ID and 3.5.2 unique-id (ALPHA / DIGIT):
	 * the store's id keeps it unique within one store, the random part
	 * across stores of one receiver */
	snprintf(uniq, sizeof uniq, "%" PRId64 "x%02x%02x%02x%02x", id, rnd[0],
	    rnd[1], rnd[2], rnd[3]);
	char safe_dom[300], safe_rcv[300];
	ik_report_safe_name(domain, safe_dom, sizeof safe_dom);
	ik_report_safe_name(rep->receiver, safe_rcv, sizeof safe_rcv);
	snprintf(rid, sizeof rid, "%" PRId64 ".%s.%s@%s", begin, uniq,
	    safe_dom, safe_rcv);
	snprintf(fname, sizeof fname, "%s!%s!%" PRId64 "!%" PRId64 "!%s.xml.gz",
	    safe_rcv, safe_dom, begin, end - 1, uniq);
	ik_report_param fin[4] = { IK_RP_S(rid), IK_RP_S(fname),
	    IK_RP_I(changes), IK_RP_I(id) };
	st = ik_report_query(s, "UPDATE reports SET rid = ?, filename = ?,"
	    " nrows = ? WHERE id = ?", fin, 4, NULL, NULL);
	if (st != INKAN_OK)
		goto fail;
	/* RFC 9990 3.1: the final configuration observed in the period */
	ik_report_param one = IK_RP_I(id);
	st = ik_report_query(s, "SELECT rua FROM report_rows WHERE"
	    " report_id = ? ORDER BY time DESC, id DESC LIMIT 1", &one, 1, &r,
	    NULL);
	if (st != INKAN_OK)
		goto fail;
	st = add_deliveries(s, id, ik_report_res_get(&r, 0, 0), now);
	ik_report_res_free(&r);
	if (st != INKAN_OK)
		goto fail;
	st = ik_report_exec(s, "COMMIT");
	if (st != INKAN_OK)
		goto fail;
	*made = 1;
	return INKAN_OK;
fail:
	ik_log(s->ctx, INKAN_LOG_ERROR, "report: claiming %s %" PRId64 ": %s",
	    domain, begin, s->ops->errmsg(s->db));
	ik_report_exec(s, "ROLLBACK");
	return st;
}

static inkan_status
claim_domain(inkan_report_store *s, const inkan_report_reporter *rep,
	const char *domain, int64_t first, int64_t now, size_t *made)
{
	ik_report_param d = IK_RP_S(domain);
	ik_report_res r;
	/* the interval the latest pending row's record asks for */
	inkan_status st = ik_report_query(s, "SELECT ri FROM report_rows"
	    " WHERE report_id IS NULL AND policy_domain = ? ORDER BY time DESC"
	    " LIMIT 1", &d, 1, &r, NULL);
	if (st != INKAN_OK)
		return st;
	int64_t step = ik_report_interval(ik_report_res_int(&r, 0, 0));
	ik_report_res_free(&r);
	int64_t begin = floor_to(first, step);
	/* bounded: one pass per window that holds rows */
	for (int guard = 0; guard < 100000 && begin + step <= now; guard++) {
		int one = 0;
		st = claim_window(s, rep, domain, begin, begin + step, now,
		    &one);
		if (st != INKAN_OK)
			return st;
		*made += (size_t)one;
		/* jump to the next window that has pending rows */
		ik_report_param q[3] = { IK_RP_S(domain), IK_RP_I(begin + step),
		    IK_RP_I(now) };
		st = ik_report_query(s, "SELECT MIN(time) FROM report_rows"
		    " WHERE report_id IS NULL AND policy_domain = ? AND"
		    " time >= ? AND time < ? AND (flags & 1) = 0", q, 3, &r,
		    NULL);
		if (st != INKAN_OK)
			return st;
		const char *next = ik_report_res_get(&r, 0, 0);
		int64_t t = next ? ik_report_res_int(&r, 0, 0) : 0;
		ik_report_res_free(&r);
		if (!next)
			break;
		begin = floor_to(t, step);
	}
	return INKAN_OK;
}

inkan_status
inkan_report_claim(inkan_report_store *s, const inkan_report_reporter *rep,
	int64_t now, size_t *nreports)
{
	if (nreports)
		*nreports = 0;
	if (!s || !rep || !rep->receiver || !*rep->receiver)
		return INKAN_ERR_INVALID;
	ik_report_res doms;
	ik_report_param n = IK_RP_I(now);
	inkan_status st = ik_report_query(s, "SELECT policy_domain, MIN(time)"
	    " FROM report_rows WHERE report_id IS NULL AND (flags & 1) = 0"
	    " AND time < ? GROUP BY policy_domain ORDER BY policy_domain", &n,
	    1, &doms, NULL);
	if (st != INKAN_OK)
		return st;
	size_t made = 0;
	for (size_t i = 0; i < doms.nrows && st == INKAN_OK; i++)
		st = claim_domain(s, rep, ik_report_res_get(&doms, i, 0),
		    ik_report_res_int(&doms, i, 1), now, &made);
	ik_report_res_free(&doms);
	if (nreports)
		*nreports = made;
	return st;
}

inkan_status
inkan_report_list(inkan_report_store *s, const char *state,
	inkan_report_list_fn fn, void *ud)
{
	ik_report_res r;
	ik_report_param p = IK_RP_S(state);
	inkan_status st = ik_report_query(s, state ?
	    "SELECT id, policy_domain, begin_ts, end_ts, rid, filename, nrows,"
	    " state FROM reports WHERE state = ? ORDER BY id" :
	    "SELECT id, policy_domain, begin_ts, end_ts, rid, filename, nrows,"
	    " state FROM reports ORDER BY id", &p, state ? 1 : 0, &r, NULL);
	if (st != INKAN_OK)
		return st;
	for (size_t i = 0; i < r.nrows; i++) {
		inkan_report_info info = {
			.id = ik_report_res_int(&r, i, 0),
			.policy_domain = ik_report_res_get(&r, i, 1),
			.begin = ik_report_res_int(&r, i, 2),
			.end = ik_report_res_int(&r, i, 3),
			.report_id = ik_report_res_get(&r, i, 4),
			.filename = ik_report_res_get(&r, i, 5),
			.nrows = ik_report_res_int(&r, i, 6),
			.state = ik_report_res_get(&r, i, 7),
		};
		if (fn(ud, &info))
			break;
	}
	ik_report_res_free(&r);
	return INKAN_OK;
}
