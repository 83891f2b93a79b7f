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
 * Each report is created in one transaction with the range of rows it
 * covers (policy domain, window, min_id < id <= max_id) and its pending
 * deliveries, so what a report covers is fixed once and for all:
 * building again, or sending again after a crash, produces the same
 * report under the same Report-ID and filename (RFC 9990 3.5.2 "MUST use
 * the same filename"). The writer marks the (domain, hour) pairs that
 * hold new rows in report_windows, in the transaction that inserts them;
 * a claim looks only there. A row that arrives for a window already
 * reported (a late batch) gets an id above the report's max_id and goes
 * into a second report for that window.
 *
 * Multi-host caveat (PostgreSQL): ids are taken when a row is inserted,
 * so a row whose insert is still uncommitted when its window is claimed
 * would fall below max_id; windows are therefore claimed only
 * IK_REPORT_GRACE seconds after they end.
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

/* One window of one domain, in one transaction: the report records
 * which rows it covers (domain, window, min_id < id <= max_id) instead of
 * marking each row, so a claim costs one index range, not a rewrite of
 * every page that holds one of the rows. *made = 1 when there were rows
 * to report. */
static inkan_status
claim_window(inkan_report_store *s, const inkan_report_reporter *rep,
	const char *domain, int64_t begin, int64_t end, int64_t now, int *made)
{
	int pg = s->backend == INKAN_REPORT_BACKEND_POSTGRESQL;
	unsigned char rnd[4];
	char tmp[64], rid[1024], fname[1024], uniq[40];
	ik_report_res r;
	int64_t id;
	inkan_status st;

	*made = 0;
	if (ik_crypto_random(rnd, sizeof rnd) != INKAN_OK)
		return INKAN_ERR_INTERNAL;
	st = ik_report_exec(s, pg ? "BEGIN" : "BEGIN IMMEDIATE");
	if (st != INKAN_OK)
		return st;
	/* PostgreSQL: claims of one domain one at a time (two hosts that
	 * both claim would otherwise compute the same range) */
	if (pg) {
		ik_report_param k = IK_RP_S(domain);
		st = ik_report_query(s, "SELECT pg_advisory_xact_lock(7234002,"
		    " hashtext(?))", &k, 1, NULL, NULL);
		if (st != INKAN_OK)
			goto fail;
	}
	/* rows already in a report of this window */
	ik_report_param w[3] = { IK_RP_S(domain), IK_RP_I(end), IK_RP_I(begin) };
	st = ik_report_query(s, "SELECT COALESCE(MAX(max_id), 0) FROM reports"
	    " WHERE policy_domain = ? AND begin_ts < ? AND end_ts >= ?", w, 3,
	    &r, NULL);
	if (st != INKAN_OK)
		goto fail;
	int64_t prev = ik_report_res_int(&r, 0, 0);
	ik_report_res_free(&r);
	ik_report_param q[4] = { IK_RP_S(domain), IK_RP_I(begin), IK_RP_I(end),
	    IK_RP_I(prev) };
	st = ik_report_query(s, "SELECT MAX(id), COUNT(*) FROM report_rows"
	    " WHERE policy_domain = ? AND time >= ? AND time < ? AND id > ?"
	    " AND (flags & 1) = 0", q, 4, &r, NULL);
	if (st != INKAN_OK)
		goto fail;
	int64_t max_id = ik_report_res_int(&r, 0, 0);
	int64_t nrows = ik_report_res_int(&r, 0, 1);
	ik_report_res_free(&r);
	/* this window's hours are settled (a later row marks them again) */
	ik_report_param h[3] = { IK_RP_S(domain), IK_RP_I(begin / 3600),
	    IK_RP_I(end / 3600) };
	st = ik_report_query(s, "DELETE FROM report_windows WHERE"
	    " policy_domain = ? AND hour >= ? AND hour < ?", h, 3, NULL, NULL);
	if (st != INKAN_OK)
		goto fail;
	if (nrows == 0)
		return ik_report_exec(s, "COMMIT");

	snprintf(tmp, sizeof tmp, "claiming-%02x%02x%02x%02x", rnd[0], rnd[1],
	    rnd[2], rnd[3]);
	ik_report_param ins[9] = { IK_RP_S(domain), IK_RP_I(begin),
	    IK_RP_I(end - 1), IK_RP_S(tmp), IK_RP_S(""), IK_RP_I(now),
	    IK_RP_I(nrows), IK_RP_I(prev), IK_RP_I(max_id) };
	st = ik_report_query(s, "INSERT INTO reports (policy_domain, begin_ts,"
	    " end_ts, rid, filename, created, nrows, nrecords, min_id, max_id,"
	    " state) VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?, 'built')"
	    " RETURNING id", ins, 9, &r, NULL);
	if (st != INKAN_OK)
		goto fail;
	id = ik_report_res_int(&r, 0, 0);
	ik_report_res_free(&r);
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
	ik_report_param fin[3] = { IK_RP_S(rid), IK_RP_S(fname), IK_RP_I(id) };
	st = ik_report_query(s, "UPDATE reports SET rid = ?, filename = ?"
	    " WHERE id = ?", fin, 3, NULL, NULL);
	if (st != INKAN_OK)
		goto fail;
	/* RFC 9990 3.1: the final configuration observed in the period */
	ik_report_param lr[4] = { IK_RP_S(domain), IK_RP_I(begin), IK_RP_I(end),
	    IK_RP_I(max_id) };
	st = ik_report_query(s, "SELECT rua FROM report_rows WHERE"
	    " policy_domain = ? AND time >= ? AND time < ? AND id <= ? AND"
	    " (flags & 1) = 0 ORDER BY time DESC, id DESC LIMIT 1", lr, 4, &r,
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
	const char *domain, int64_t now, size_t *made)
{
	ik_report_param d = IK_RP_S(domain);
	ik_report_res r;
	/* the interval the domain's latest record asks for */
	inkan_status st = ik_report_query(s, "SELECT ri FROM report_rows"
	    " WHERE policy_domain = ? ORDER BY time DESC LIMIT 1", &d, 1, &r,
	    NULL);
	if (st != INKAN_OK)
		return st;
	int64_t step = ik_report_interval(ik_report_res_int(&r, 0, 0));
	ik_report_res_free(&r);
	st = ik_report_query(s, "SELECT hour FROM report_windows WHERE"
	    " policy_domain = ? ORDER BY hour", &d, 1, &r, NULL);
	if (st != INKAN_OK)
		return st;
	int64_t last = INT64_MIN;
	for (size_t i = 0; i < r.nrows && st == INKAN_OK; i++) {
		int64_t begin = floor_to(ik_report_res_int(&r, i, 0) * 3600,
		    step);
		if (begin == last)
			continue;	/* another hour of the same window */
		last = begin;
		/* due: ended, and IK_REPORT_GRACE passed for rows still on
		 * their way from a writer */
		if (begin + step + IK_REPORT_GRACE > now)
			break;
		int one = 0;
		st = claim_window(s, rep, domain, begin, begin + step, now,
		    &one);
		*made += (size_t)one;
	}
	ik_report_res_free(&r);
	return st;
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
	ik_report_param n = IK_RP_I((now - IK_REPORT_GRACE) / 3600);
	inkan_status st = ik_report_query(s, "SELECT DISTINCT policy_domain"
	    " FROM report_windows WHERE hour < ? ORDER BY policy_domain", &n,
	    1, &doms, NULL);
	if (st != INKAN_OK)
		return st;
	size_t made = 0;
	for (size_t i = 0; i < doms.nrows && st == INKAN_OK; i++)
		st = claim_domain(s, rep, ik_report_res_get(&doms, i, 0), now,
		    &made);
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
