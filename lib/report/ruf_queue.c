/* SPDX-License-Identifier: MIT */
/*
 * ruf_queue.c - failure reports (RFC 9991) wait in the store: the mail
 * path builds and queues them (inkan_report_failure_queue()), and
 * `report send` delivers them (ik_report_send_failures()) with the checks
 * aggregate reports get: only mailto:, the deny list, the external
 * destination authorization (RFC 9991 5, which points at RFC 9990 4), the
 * hourly rate limit RFC 9991 2 requires, DKIM-signed with our key.
 *
 * Exactly once: each queued report is one row, marked sent in the store
 * right after the MTA accepted it, under the send lock; as for aggregate
 * reports a kill -9 between the two sends it again on the next run.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/base64.h"
#include "core/ctx_internal.h"
#include "report/send_internal.h"

#define MAX_RUF 4
#define MAX_ATTEMPTS 5

inkan_status
inkan_report_failure_queue(inkan_report_store *s,
	const inkan_report_failure *f, const inkan_dmarc_result *d,
	const inkan_msg *msg, size_t *queued)
{
	if (queued)
		*queued = 0;
	if (!s || !f || !d || !msg)
		return INKAN_ERR_INVALID;
	if (!inkan_report_failure_wanted(d))
		return INKAN_OK;
	inkan_status st = INKAN_OK;
	size_t n = 0;
	for (size_t i = 0; st == INKAN_OK && i < d->record->nruf &&
	    n < MAX_RUF; i++) {
		const char *uri = d->record->ruf[i].uri;
		ik_report_dest dest;
		/* another scheme or a bad address: nothing could be sent */
		if (!uri || ik_report_dest_parse(uri, &dest) != INKAN_OK)
			continue;
		inkan_report_failure g = *f;
		g.to = dest.addr;
		char *m = NULL;
		size_t len = 0;
		st = inkan_report_failure_build(s->ctx, &g, d, msg, &m, &len);
		if (st != INKAN_OK)
			break;
		char *b64 = ik_malloc(s->ctx, ik_b64_encoded_len(len) + 1);
		if (!b64) {
			inkan_free(s->ctx, m);
			return INKAN_ERR_NOMEM;
		}
		ik_b64_encode((const unsigned char *)m, len, b64);
		inkan_free(s->ctx, m);
		ik_report_param p[5] = { IK_RP_S(d->policy_domain), IK_RP_S(uri),
		    IK_RP_I(f->now), IK_RP_S(b64), IK_RP_I(f->now) };
		st = ik_report_query(s, "INSERT INTO failure_reports"
		    " (policy_domain, uri, created, message_b64, state,"
		    " attempts, updated) VALUES (?, ?, ?, ?, 'pending', 0, ?)",
		    p, 5, NULL, NULL);
		ik_free(s->ctx, b64);
		if (st == INKAN_OK)
			n++;
	}
	if (queued)
		*queued = n;
	return st;
}

typedef struct fr_run {
	inkan_report_store *s;
	const inkan_report_settings *cfg;
	inkan_report_send_fn fn;
	void *ud;
	inkan_report_send_stats *st;
	int64_t now;
} fr_run;

static inkan_status
fr_mark(fr_run *u, int64_t id, const char *state, const char *why,
	int tried)
{
	ik_report_param p[5] = { IK_RP_S(state), IK_RP_S(why), IK_RP_I(tried),
	    IK_RP_I(u->now), IK_RP_I(id) };
	return ik_report_query(u->s, "UPDATE failure_reports SET state = ?,"
	    " reason = ?, attempts = attempts + ?, updated = ? WHERE id = ?",
	    p, 5, NULL, NULL);
}

/* log it and count it; "pending" with tried = 1 is a deferral */
static inkan_status
fr_settle(fr_run *u, int64_t id, const char *uri, const char *state,
	const char *why, int tried, int64_t attempts)
{
	char rid[48];
	snprintf(rid, sizeof rid, "failure-%" PRId64, id);
	if (strcmp(state, "pending") == 0 && tried &&
	    attempts + 1 >= MAX_ATTEMPTS)
		state = "failed";
	const char *shown = strcmp(state, "pending") == 0 ? "deferred" : state;
	if (strcmp(state, "sent") == 0)
		u->st->sent++;
	else if (strcmp(state, "skipped") == 0)
		u->st->skipped++;
	else if (strcmp(state, "failed") == 0)
		u->st->failed++;
	else
		u->st->deferred++;
	if (u->fn)
		u->fn(u->ud, rid, uri, shown, why);
	ik_log(u->s->ctx, strcmp(state, "sent") == 0 ? INKAN_LOG_INFO :
	    INKAN_LOG_WARNING, "failure report %s to %s: %s%s%s", rid, uri,
	    shown, why ? ": " : "", why ? why : "");
	return fr_mark(u, id, state, why, tried);
}

/* sent to @uri within the last hour (RFC 9991 2's rate limit) */
static inkan_status
sent_this_hour(fr_run *u, const char *uri, int64_t *n)
{
	ik_report_param p[2] = { IK_RP_S(uri), IK_RP_I(u->now - 3600) };
	ik_report_res r;
	inkan_status st = ik_report_query(u->s, "SELECT COUNT(*) FROM"
	    " failure_reports WHERE uri = ? AND state = 'sent' AND"
	    " updated > ?", p, 2, &r, NULL);
	if (st != INKAN_OK)
		return st;
	*n = ik_report_res_int(&r, 0, 0);
	ik_report_res_free(&r);
	return INKAN_OK;
}

static inkan_status
fr_deliver(fr_run *u, const inkan_dmarc_psl *psl, inkan_resolver *r,
	const inkan_key *key, const char *from, int64_t id, const char *uri,
	const char *pdom, const char *b64, int64_t attempts)
{
	ik_report_dest d;
	char why[512] = "";
	if (ik_report_dest_parse(uri, &d) != INKAN_OK)
		return fr_settle(u, id, uri, "skipped", "not one plain mailto:"
		    " address", 0, attempts);
	if (ik_report_denied(u->cfg, &d))
		return fr_settle(u, id, uri, "skipped", "on the deny list", 0,
		    attempts);
	if (!ik_report_same_org(psl, pdom, d.host)) {
		/* RFC 9991 5: external destinations are verified as RFC
		 * 9990 4 says, "substituting the ruf tag" for rua (a ruf= in
		 * the authorization record redirects, same host only) */
		ik_report_auth a = ik_report_authorized_tag(r, pdom, "ruf", &d,
		    why, sizeof why);
		if (a == IK_REPORT_AUTH_TEMP)
			return fr_settle(u, id, uri, "pending", why, 1, attempts);
		if (a == IK_REPORT_AUTH_NO)
			return fr_settle(u, id, uri, "skipped", why, 0, attempts);
		if (why[0] && u->fn) {
			char rid[48];
			snprintf(rid, sizeof rid, "failure-%" PRId64, id);
			u->fn(u->ud, rid, uri, "redirected", why);
		}
		if (ik_report_denied(u->cfg, &d))
			return fr_settle(u, id, uri, "skipped",
			    "on the deny list", 0, attempts);
	}
	int64_t n = 0;
	inkan_status st = sent_this_hour(u, uri, &n);
	if (st != INKAN_OK)
		return st;
	if ((uint64_t)n >= u->cfg->failure_rate) {
		snprintf(why, sizeof why, "hourly limit of %" PRIu64 " failure"
		    " reports to this destination reached (RFC 9991 2)",
		    u->cfg->failure_rate);
		return fr_settle(u, id, uri, "pending", why, 0, attempts);
	}
	size_t blen = strlen(b64), mlen = 0;
	unsigned char *m = ik_malloc(u->s->ctx, ik_b64_decoded_max(blen) + 1);
	if (!m)
		return INKAN_ERR_NOMEM;
	st = ik_b64_decode(b64, blen, 0, m, ik_b64_decoded_max(blen) + 1,
	    &mlen);
	if (st != INKAN_OK) {
		ik_free(u->s->ctx, m);
		return fr_settle(u, id, uri, "failed", "the stored message is"
		    " damaged", 0, attempts);
	}
	/* the report's From: is ours as configured now, so that it aligns
	 * with the DKIM key that signs it (RFC 9991 2 and RFC 9990 3.5.2:
	 * report mail must itself pass DMARC); the builder wrote From:
	 * first */
	ik_buf msg, out;
	ik_buf_init(&msg, u->s->ctx, mlen + 1024);
	ik_buf_init(&out, u->s->ctx, mlen + (1 << 16));
	size_t skip = 0;
	if (mlen > 6 && memcmp(m, "From: ", 6) == 0) {
		const unsigned char *eol = memchr(m, '\n', mlen);
		skip = eol ? (size_t)(eol - m) + 1 : 0;
	}
	st = skip ? ik_buf_printf(&msg, "From: <%s>\r\n", from) : INKAN_OK;
	if (st == INKAN_OK)
		st = ik_buf_append(&msg, (const char *)m + skip, mlen - skip);
	ik_free(u->s->ctx, m);
	if (st == INKAN_OK)
		st = ik_report_mail_sign(u->s->ctx, msg.data, msg.len, key,
		    u->cfg->dkim_domain, u->cfg->dkim_selector, &out);
	ik_buf_free(&msg);
	if (st == INKAN_OK)
		st = ik_report_transmit(u->cfg, from, d.addr, out.data, out.len,
		    why, sizeof why);
	else
		snprintf(why, sizeof why, "signing: %s", inkan_strerror(st));
	ik_buf_free(&out);
	if (st == INKAN_ERR_INVALID)
		return fr_settle(u, id, uri, "failed", why, 1, attempts);
	if (st != INKAN_OK)
		return fr_settle(u, id, uri, "pending", why, 1, attempts);
	return fr_settle(u, id, uri, "sent", NULL, 1, attempts);
}

inkan_status
ik_report_send_failures(inkan_report_store *s,
	const inkan_report_settings *cfg, inkan_resolver *r,
	const inkan_dmarc_psl *psl, const inkan_key *key, const char *from,
	int64_t now, inkan_report_send_fn fn, void *ud,
	inkan_report_send_stats *stats)
{
	fr_run u = { s, cfg, fn, ud, stats, now };
	ik_report_res p = { 0 };
	inkan_status st = ik_report_query(s, "SELECT id, uri, policy_domain,"
	    " message_b64, attempts FROM failure_reports WHERE state ="
	    " 'pending' ORDER BY id", NULL, 0, &p, NULL);
	for (size_t i = 0; st == INKAN_OK && i < p.nrows; i++)
		st = fr_deliver(&u, psl, r, key, from, ik_report_res_int(&p, i, 0),
		    ik_report_res_get(&p, i, 1), ik_report_res_get(&p, i, 2),
		    ik_report_res_get(&p, i, 3), ik_report_res_int(&p, i, 4));
	ik_report_res_free(&p);
	/* sent and given-up reports leave with the retention window */
	ik_report_param c = IK_RP_I(now - (int64_t)cfg->retention_days * 86400);
	if (st == INKAN_OK)
		st = ik_report_query(s, "DELETE FROM failure_reports WHERE"
		    " state <> 'pending' AND updated < ?", &c, 1, NULL, NULL);
	return st;
}
