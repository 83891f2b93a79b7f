/* SPDX-License-Identifier: MIT */
/*
 * send.c - one `report send` run: lock, claim, expire, then settle every
 * pending delivery (see inkan_report_send() in inkan/report.h).
 *
 * Exactly-once, as far as mail allows: the rows of a report were tied to
 * it when it was claimed (claim.c, one transaction), so no crash can lose
 * or double-count a row. A delivery is marked "sent" in the store right
 * after the MTA accepted it; a kill -9 between the two means the next run
 * sends it again, with the same Report-ID, Message-ID and filename (RFC
 * 9990 3.5.2, 3.5.4), which the report consumer can recognise.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "core/alloc.h"
#include "core/ctx_internal.h"
#include "report/send_internal.h"

/* the advisory lock key: "inkanRS" */
#define SEND_LOCK_KEY INT64_C(0x696e6b616e5253)
#define MAX_ATTEMPTS 5
#define HEADROOM 4096	/* headers and the text part around the attachment */

typedef struct run {
	inkan_report_store *s;
	const inkan_report_settings *cfg;
	inkan_resolver *r;
	inkan_dmarc_psl *psl;
	inkan_key *key;
	const char *from;
	int64_t now;
	inkan_report_send_fn fn;
	void *ud;
	inkan_report_send_stats *st;
	/* the rendered report, kept while its deliveries are settled */
	int64_t gz_report;
	unsigned char *gz;
	size_t gzlen;
} run;

static inkan_status
mark(run *u, int64_t report, const char *uri, const char *state,
	const char *why, int tried)
{
	ik_report_param p[6] = { IK_RP_S(state), IK_RP_S(why), IK_RP_I(tried),
	    IK_RP_I(u->now), IK_RP_I(report), IK_RP_S(uri) };
	return ik_report_query(u->s, "UPDATE report_deliveries SET state = ?,"
	    " reason = ?, attempts = attempts + ?, updated = ? WHERE"
	    " report = ? AND uri = ?", p, 6, NULL, NULL);
}

static void
tell(run *u, const char *rid, const char *uri, const char *state,
	const char *why)
{
	if (u->fn)
		u->fn(u->ud, rid, uri, state, why);
	ik_log(u->s->ctx, strcmp(state, "sent") == 0 ? INKAN_LOG_INFO :
	    INKAN_LOG_WARNING, "report %s to %s: %s%s%s", rid, uri, state,
	    why ? ": " : "", why ? why : "");
}

/* a temporary problem: try again next run, up to MAX_ATTEMPTS */
static inkan_status
defer(run *u, int64_t report, const char *rid, const char *uri,
	int64_t attempts, const char *why)
{
	if (attempts + 1 >= MAX_ATTEMPTS) {
		u->st->failed++;
		tell(u, rid, uri, "failed", why);
		return mark(u, report, uri, "failed", why, 1);
	}
	u->st->deferred++;
	tell(u, rid, uri, "deferred", why);
	return mark(u, report, uri, "pending", why, 1);
}

static inkan_status
render(run *u, int64_t report)
{
	if (u->gz_report == report && u->gz)
		return INKAN_OK;
	inkan_free(u->s->ctx, u->gz);
	u->gz = NULL;
	u->gz_report = report;
	return inkan_report_render(u->s, &u->cfg->reporter, report,
	    u->cfg->format, 1, &u->gz, &u->gzlen, NULL);
}

static inkan_status
transmit(run *u, const ik_report_dest *d, const ik_report_mail *m,
	char *why, size_t wl)
{
	ik_buf msg;
	ik_buf_init(&msg, u->s->ctx, (size_t)u->cfg->size_cap * 2 + (1 << 20));
	inkan_status st = ik_report_mail_compose(u->s->ctx, m, u->key,
	    u->cfg->dkim_domain, u->cfg->dkim_selector, &msg);
	if (st == INKAN_OK)
		st = ik_report_transmit(u->cfg, u->from, d->addr, msg.data,
		    msg.len, why, wl);
	else
		snprintf(why, wl, "composing the message: %s",
		    inkan_strerror(st));
	ik_buf_free(&msg);
	return st;
}

static inkan_status
deliver(run *u, int64_t report, const char *uri, int64_t attempts,
	const char *rid, const char *fname, const char *pdom)
{
	ik_report_dest d;
	char why[512] = "";
	inkan_status st = ik_report_dest_parse(uri, &d);
	if (st != INKAN_OK) {
		snprintf(why, sizeof why, st == INKAN_ERR_UNSUPPORTED ?
		    "only mailto: URIs are supported" : "not one plain address");
		u->st->skipped++;
		tell(u, rid, uri, "skipped", why);
		return mark(u, report, uri, "skipped", why, 0);
	}
	if (ik_report_denied(u->cfg, &d)) {
		u->st->skipped++;
		tell(u, rid, uri, "skipped", "on the deny list");
		return mark(u, report, uri, "skipped", "on the deny list", 0);
	}
	if (!ik_report_same_org(u->psl, pdom, d.host)) {
		why[0] = '\0';
		ik_report_auth a = ik_report_authorized(u->r, pdom, &d, why,
		    sizeof why);
		if (a == IK_REPORT_AUTH_TEMP)
			return defer(u, report, rid, uri, attempts, why);
		if (a == IK_REPORT_AUTH_NO) {
			/* RFC 9990 4: "the URI MUST be ignored" */
			u->st->skipped++;
			tell(u, rid, uri, "skipped", why);
			return mark(u, report, uri, "skipped", why, 0);
		}
		if (why[0]) {
			tell(u, rid, uri, "redirected", why);
			if (ik_report_denied(u->cfg, &d)) {
				u->st->skipped++;
				tell(u, rid, uri, "skipped", "on the deny list");
				return mark(u, report, uri, "skipped",
				    "on the deny list", 0);
			}
		}
	}
	/* the per-destination daily cap */
	ik_report_param cp[2] = { IK_RP_S(uri), IK_RP_I(u->now - 86400) };
	ik_report_res r;
	st = ik_report_query(u->s, "SELECT COUNT(*) FROM report_deliveries"
	    " WHERE uri = ? AND state = 'sent' AND updated > ?", cp, 2, &r,
	    NULL);
	if (st != INKAN_OK)
		return st;
	int64_t today = ik_report_res_int(&r, 0, 0);
	ik_report_res_free(&r);
	if ((uint64_t)today >= u->cfg->rate_cap) {
		snprintf(why, sizeof why, "daily cap of %" PRIu64 " reports to "
		    "this destination reached", u->cfg->rate_cap);
		u->st->deferred++;
		tell(u, rid, uri, "deferred", why);
		return mark(u, report, uri, "pending", why, 0);
	}
	st = render(u, report);
	if (st != INKAN_OK) {
		snprintf(why, sizeof why, "rendering: %s", inkan_strerror(st));
		return defer(u, report, rid, uri, attempts, why);
	}
	char note[600];
	ik_report_mail m = { u->from, d.addr, pdom, u->cfg->reporter.receiver,
	    rid, fname, u->gz, u->gzlen, note, u->now };
	uint64_t size = ik_report_b64_size(u->gzlen) + HEADROOM;
	uint64_t limit = u->cfg->size_cap;
	if (d.size_limit && d.size_limit < limit)
		limit = d.size_limit;
	int too_big = size > limit;
	if (too_big) {
		/* never cut a report: tell the destination it exists
		 * (RFC 7489 7.2.2's short report) */
		snprintf(note, sizeof note, "An aggregate DMARC report for %s "
		    "(Report-ID %s, file %s) is available but was not sent:"
		    " it is %" PRIu64 " bytes and the limit for this "
		    "destination is %" PRIu64 " bytes.", pdom, rid, fname,
		    size, limit);
		m.gz = NULL;
	} else {
		snprintf(note, sizeof note, "This is an aggregate DMARC report "
		    "(RFC 9990) for %s from %s.", pdom,
		    u->cfg->reporter.receiver);
	}
	st = transmit(u, &d, &m, why, sizeof why);
	if (st == INKAN_ERR_INVALID) {
		u->st->failed++;
		tell(u, rid, uri, "failed", why);
		return mark(u, report, uri, "failed", why, 1);
	}
	if (st != INKAN_OK)
		return defer(u, report, rid, uri, attempts, why);
	if (too_big) {
		snprintf(why, sizeof why, "%" PRIu64 " bytes over the limit of"
		    " %" PRIu64 ": a notice was sent instead", size, limit);
		u->st->skipped++;
		tell(u, rid, uri, "skipped", why);
		return mark(u, report, uri, "skipped", why, 1);
	}
	u->st->sent++;
	tell(u, rid, uri, "sent", NULL);
	return mark(u, report, uri, "sent", NULL, 1);
}

static inkan_status
load_key(run *u, char *why, size_t wl)
{
	const inkan_report_settings *c = u->cfg;
	if (!c->dkim_key || !c->dkim_domain || !c->dkim_selector) {
		snprintf(why, wl, "report mail must pass DMARC (RFC 9990 "
		    "3.5.2): set dkim_domain, dkim_selector and dkim_key");
		return INKAN_ERR_CONFIG;
	}
	struct stat sb;
	if (stat(c->dkim_key, &sb) != 0) {
		snprintf(why, wl, "%s: cannot be read", c->dkim_key);
		return INKAN_ERR_CONFIG;
	}
	if (sb.st_mode & 0037) {
		snprintf(why, wl, "%s: mode %03o, must be 0600 or 0640",
		    c->dkim_key, (unsigned)(sb.st_mode & 0777));
		return INKAN_ERR_CONFIG;
	}
	inkan_status st = inkan_key_load_file(u->s->ctx, c->dkim_key, &u->key);
	if (st != INKAN_OK)
		snprintf(why, wl, "%s: %s", c->dkim_key, inkan_strerror(st));
	return st == INKAN_OK ? INKAN_OK : INKAN_ERR_CONFIG;
}

inkan_status
inkan_report_expire(inkan_report_store *s, int64_t cutoff, int64_t *rows)
{
	int pg = s->backend == INKAN_REPORT_BACKEND_POSTGRESQL;
	ik_report_param c = IK_RP_I(cutoff);
	int64_t n = 0;
	inkan_status st = ik_report_exec(s, pg ? "BEGIN" : "BEGIN IMMEDIATE");
	if (st != INKAN_OK)
		return st;
	ik_report_param h = IK_RP_I(cutoff / 3600);
	st = ik_report_query(s, "DELETE FROM report_rows WHERE time < ?", &c,
	    1, NULL, &n);
	if (st == INKAN_OK)
		st = ik_report_query(s, "DELETE FROM report_windows WHERE"
		    " hour < ?", &h, 1, NULL, NULL);
	if (st == INKAN_OK)
		st = ik_report_query(s, "DELETE FROM report_deliveries WHERE"
		    " report IN (SELECT id FROM reports WHERE end_ts < ?)", &c,
		    1, NULL, NULL);
	if (st == INKAN_OK)
		st = ik_report_query(s, "DELETE FROM reports WHERE end_ts < ?",
		    &c, 1, NULL, NULL);
	if (st == INKAN_OK)
		st = ik_report_exec(s, "COMMIT");
	if (st != INKAN_OK)
		ik_report_exec(s, "ROLLBACK");
	if (rows)
		*rows = st == INKAN_OK ? n : 0;
	return st;
}

inkan_status
inkan_report_send(inkan_report_store *s, const inkan_report_config *cfg,
	inkan_resolver *r, int64_t now, inkan_report_send_fn fn, void *ud,
	inkan_report_send_stats *stats)
{
	inkan_report_send_stats dummy;
	if (!stats)
		stats = &dummy;
	memset(stats, 0, sizeof *stats);
	if (!s || !cfg)
		return INKAN_ERR_INVALID;
	run u;
	memset(&u, 0, sizeof u);
	u.s = s;
	u.cfg = inkan_report_config_settings(cfg);
	u.r = r;
	u.now = now;
	u.fn = fn;
	u.ud = ud;
	u.st = stats;
	u.gz_report = -1;
	u.from = u.cfg->from ? u.cfg->from : u.cfg->reporter.email;
	char why[512];
	if (!u.from || !u.cfg->reporter.receiver || !u.cfg->reporter.org_name ||
	    (!u.cfg->relay && !u.cfg->sendmail)) {
		ik_log(s->ctx, INKAN_LOG_ERROR, "report send: org_name, email "
		    "and receiver are required");
		return INKAN_ERR_CONFIG;
	}
	inkan_status st = load_key(&u, why, sizeof why);
	if (st != INKAN_OK) {
		ik_log(s->ctx, INKAN_LOG_ERROR, "report send: %s", why);
		if (fn)
			fn(ud, "-", "-", "config", why);
		return st;
	}
	int got = 0;
	st = s->ops->try_lock(s->db, SEND_LOCK_KEY, &got);
	if (st != INKAN_OK || !got) {
		inkan_key_free(u.key);
		stats->locked_out = st == INKAN_OK;
		return st;
	}
	st = inkan_report_claim(s, &u.cfg->reporter, now, &stats->claimed);
	if (st == INKAN_OK)
		st = inkan_report_expire(s, now - (int64_t)u.cfg->retention_days *
		    86400, &stats->expired_rows);
	if (st == INKAN_OK && inkan_dmarc_psl_load(s->ctx, NULL, &u.psl) !=
	    INKAN_OK)
		u.psl = NULL;	/* strict: only the policy domain's names */
	ik_report_res p = { 0 };
	if (st == INKAN_OK)
		st = ik_report_query(s, "SELECT d.report, d.uri, d.attempts,"
		    " r.rid, r.filename, r.policy_domain FROM report_deliveries d"
		    " JOIN reports r ON r.id = d.report WHERE d.state ="
		    " 'pending' ORDER BY d.report, d.uri", NULL, 0, &p, NULL);
	for (size_t i = 0; st == INKAN_OK && i < p.nrows; i++)
		st = deliver(&u, ik_report_res_int(&p, i, 0),
		    ik_report_res_get(&p, i, 1), ik_report_res_int(&p, i, 2),
		    ik_report_res_get(&p, i, 3), ik_report_res_get(&p, i, 4),
		    ik_report_res_get(&p, i, 5));
	ik_report_res_free(&p);
	/* RFC 9991 failure reports queued by the mail path */
	if (st == INKAN_OK && s->schema_version >= 3)
		st = ik_report_send_failures(s, u.cfg, r, u.psl, u.key, u.from,
		    now, fn, ud, stats);
	if (st == INKAN_OK)
		st = ik_report_query(s, "UPDATE reports SET state = 'done' WHERE"
		    " state = 'built' AND NOT EXISTS (SELECT 1 FROM"
		    " report_deliveries d WHERE d.report = reports.id AND"
		    " d.state = 'pending')", NULL, 0, NULL, NULL);
	s->ops->unlock(s->db, SEND_LOCK_KEY);
	inkan_free(s->ctx, u.gz);
	inkan_dmarc_psl_free(u.psl);
	inkan_key_free(u.key);
	return st;
}
