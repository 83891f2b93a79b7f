/* SPDX-License-Identifier: MIT */
/*
 * verify.c - a message the milter verifies: SPF on the envelope, every
 * DKIM signature up to the cap, DMARC, all from lib/verify; one
 * Authentication-Results field with our authserv-id (RFC 8601), an
 * optional Received-SPF (RFC 7208 9.1), and the action of policy.c.
 *
 * RFC 8601 5: a field that claims our authserv-id but that we did not
 * write is forged (or stale) and is removed; fields of other
 * authserv-ids are kept. The check is inkan_authres_claims_authserv_id,
 * which leans towards removing.
 *
 * With arc_seal_* configured, mail that is verified and relayed (the
 * forwarder and mailing-list case) gets a new ARC set on top (RFC 8617
 * 5.1): cv= from the chain validated here, our A-R in the AAR.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <inkan/authres.h>

#include "report.h"
#include "session.h"

int
mt_verify_start(struct mt_session *s)
{
	inkan_verify_options o;
	inkan_verify_envelope env;
	inkan_status st;

	inkan_verify_options_init(&o);
	o.authserv_id = s->st->cfg->authserv_id;
	o.dkim = s->st->dkim;
	o.spf_cache = s->st->spf_cache;
	o.authres_style = INKAN_AUTHRES_STYLE_LF;
	o.arc_trusted_sealers =
		(const char *const *)s->st->cfg->arc_trusted_sealers;
	o.narc_trusted_sealers = s->st->cfg->narc_trusted_sealers;
	if (s->st->arc_seal_on)
		o.arc_seal = &s->st->arc_seal;
	/* without the thread SPF runs at the end of the message; its first
	 * question still starts at MAIL FROM, through the cache */
	if (!s->st->cfg->spf_thread)
		o.flags |= INKAN_VERIFY_SPF_INLINE;
	st = inkan_verify_new(s->st->ctx, &o, &s->m.v);
	if (st != INKAN_OK)
		return -1;
	memset(&env, 0, sizeof(env));
	env.client_ip = s->ip[0] ? s->ip : NULL;
	env.helo = s->helo[0] ? s->helo : NULL;
	env.mail_from = s->m.mail_from;
	st = inkan_verify_set_envelope(s->m.v, &env);
	if (st != INKAN_OK)
		s->m.error = st;
	return 0;
}

int
mt_verify_header(struct mt_session *s, const char *name, const char *v)
{
	inkan_status st;

	if (strcasecmp(name, "Authentication-Results") == 0) {
		s->m.ar_seen++;
		if (inkan_authres_claims_authserv_id(s->st->ctx, v, strlen(v),
		    s->st->cfg->authserv_id)) {
			if (s->m.nar_delete < MT_MAX_AR_DELETE)
				s->m.ar_delete[s->m.nar_delete++] =
					(int)s->m.ar_seen;
			else
				s->m.ar_overflow = 1;
		}
	}
	if (s->m.error != INKAN_OK)
		return -1;
	st = inkan_verify_header(s->m.v, name, v);
	if (st != INKAN_OK)
		s->m.error = st;
	return st == INKAN_OK ? 0 : -1;
}

int
mt_verify_eoh(struct mt_session *s)
{
	inkan_status st;

	if (s->m.error != INKAN_OK)
		return -1;
	st = inkan_verify_eoh(s->m.v);
	if (st != INKAN_OK)
		s->m.error = st;
	return st == INKAN_OK ? 0 : -1;
}

int
mt_verify_body(struct mt_session *s, const unsigned char *b, size_t n)
{
	inkan_status st;

	if (s->m.error != INKAN_OK)
		return -1;
	st = inkan_verify_body(s->m.v, b, n);
	if (st != INKAN_OK)
		s->m.error = st;
	return st == INKAN_OK ? 0 : -1;
}

/* RFC 7208 9.1 Received-SPF, the value only. */
static int
received_spf(SMFICTX *ctx, struct mt_session *s,
	const inkan_verify_result *r)
{
	const inkan_spf_verdict *v = r->spf;
	char buf[1024];

	if (r->spf_status != INKAN_VERIFY_SPF_CHECKED || v == NULL)
		return 0;
	/* RFC 7208 9.1: result, a comment, then key-value pairs */
	snprintf(buf, sizeof(buf), "%s (%s: domain of %s %s %s as permitted "
		"sender) client-ip=%s; envelope-from=\"%s\"; helo=%s; "
		"receiver=%s; identity=%s;",
		inkan_spf_result_name(v->result), s->st->cfg->authserv_id,
		v->sender ? v->sender : "", v->result == INKAN_SPF_PASS ?
		"designates" : v->result == INKAN_SPF_FAIL ||
		v->result == INKAN_SPF_SOFTFAIL ? "does not designate" :
		"gives no answer for", v->client_ip ? v->client_ip : "",
		v->client_ip ? v->client_ip : "",
		v->sender ? v->sender : "", v->helo ? v->helo : "unknown",
		s->st->cfg->authserv_id,
		v->identity == INKAN_SPF_IDENTITY_HELO ? "helo" : "mailfrom");
	mt_reply_clean(buf);
	return mt_session_insert_header(ctx, s, "Received-SPF", buf);
}

static void
count_verdict(struct mt_session *s, const inkan_verify_result *r)
{
	static const enum mt_counter by_verdict[] = {
		[INKAN_DMARC_NONE] = MT_C_DMARC_NONE,
		[INKAN_DMARC_PASS] = MT_C_DMARC_PASS,
		[INKAN_DMARC_FAIL] = MT_C_DMARC_FAIL,
		[INKAN_DMARC_TEMPERROR] = MT_C_DMARC_TEMPERROR,
		[INKAN_DMARC_PERMERROR] = MT_C_DMARC_PERMERROR,
	};
	size_t i;
	int dns = r->dmarc->verdict == INKAN_DMARC_TEMPERROR ||
		(r->spf != NULL && r->spf->result == INKAN_SPF_TEMPERROR);

	mt_stats_bump(&s->d->stats, MT_C_VERIFIED);
	if ((unsigned)r->dmarc->verdict <= INKAN_DMARC_PERMERROR)
		mt_stats_bump(&s->d->stats, by_verdict[r->dmarc->verdict]);
	for (i = 0; i < r->ndkim; i++)
		if (r->dkim[i].verdict == INKAN_DKIM_TEMPERROR)
			dns = 1;
	if (dns)
		mt_stats_bump(&s->d->stats, MT_C_DNS_FAILURES);
}

/* "spf=pass dkim=pass,fail arc=pass dmarc=pass" for the log line */
static void
verdicts(const inkan_verify_result *r, char *buf, size_t len)
{
	size_t i, o;

	o = (size_t)snprintf(buf, len, "spf=%s dkim=",
		r->spf != NULL ? inkan_spf_result_name(r->spf->result) :
		"none");
	for (i = 0; i < r->ndkim && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%s%s%s",
			i ? "," : "", inkan_dkim_verdict_str(r->dkim[i].verdict),
			r->dkim[i].domain ? "/" : "",
			r->dkim[i].domain ? r->dkim[i].domain : "");
	if (r->ndkim == 0 && o < len)
		o += (size_t)snprintf(buf + o, len - o, "none");
	if (o < len)
		o += (size_t)snprintf(buf + o, len - o, " arc=%s",
			r->arc != NULL ?
			inkan_arc_verdict_str(r->arc->verdict) : "none");
	if (o < len && r->arc_sealer != NULL)
		o += (size_t)snprintf(buf + o, len - o, "/override:%s",
			r->arc_sealer);
	if (o < len)
		snprintf(buf + o, len - o, " dmarc=%s%s%s",
			inkan_dmarc_verdict_name(r->dmarc->verdict),
			r->dmarc->author_domain ? "/" : "",
			r->dmarc->author_domain ? r->dmarc->author_domain :
			"");
}

/*
 * RFC 8617 4.1: a set reads top-down ARC-Seal, ARC-Message-Signature,
 * ARC-Authentication-Results; each insert goes to index 0, so the AAR
 * goes in first and the seal last. Nothing is added when the library
 * made no set (RFC 8617 5.1.1 step 2: the chain already says cv=fail,
 * or 50 sets).
 */
static int
write_arc_set(SMFICTX *ctx, struct mt_session *s)
{
	const inkan_arc_seal *seal = inkan_verify_arc_seal(s->m.v);
	char name[64];
	size_t i, len, nlen;
	const char *f, *colon;

	if (seal == NULL)
		return 0;
	for (i = inkan_arc_seal_count(seal); i-- > 0;) {
		f = inkan_arc_seal_header(seal, i, &len);
		colon = f != NULL ? memchr(f, ':', len) : NULL;
		if (colon == NULL)
			return -1;
		nlen = (size_t)(colon - f);
		if (nlen == 0 || nlen >= sizeof(name))
			return -1;
		memcpy(name, f, nlen);
		name[nlen] = '\0';
		if (mt_session_insert_header(ctx, s, name, colon + 1) != 0)
			return -1;
	}
	return 0;
}

static sfsistat
write_headers(SMFICTX *ctx, struct mt_session *s,
	const inkan_verify_result *r)
{
	char *ar = NULL;
	unsigned i;
	int rc;

	/* delete from the bottom up, so indices stay valid */
	for (i = s->m.nar_delete; i-- > 0;)
		if (smfi_chgheader(ctx, "Authentication-Results",
		    s->m.ar_delete[i], NULL) != MI_SUCCESS)
			return SMFIS_TEMPFAIL;
	if (inkan_verify_authres(s->m.v, INKAN_AUTHRES_STYLE_LF, 1, &ar,
	    NULL) != INKAN_OK)
		return SMFIS_TEMPFAIL;
	rc = mt_session_insert_header(ctx, s, "Authentication-Results", ar);
	inkan_free(s->st->ctx, ar);
	if (rc == 0 && s->st->cfg->received_spf)
		rc = received_spf(ctx, s, r);
	if (rc == 0)
		rc = write_arc_set(ctx, s);
	return rc == 0 ? SMFIS_CONTINUE : SMFIS_TEMPFAIL;
}

sfsistat
mt_verify_eom(SMFICTX *ctx, struct mt_session *s, char *log, size_t loglen)
{
	const inkan_verify_result *r = NULL;
	struct mt_act a;
	const inkan_arc_seal *seal;
	inkan_status st = s->m.error;
	char v[512];

	if (st == INKAN_OK)
		st = inkan_verify_eom(s->m.v, &r);
	if (st != INKAN_OK || s->m.ar_overflow) {
		/* the header section over its bounds, or no verdict could
		 * be made: nobody gets this message unprocessed */
		snprintf(log, loglen, "action=tempfail (%s)", s->m.ar_overflow ?
			"too many forged Authentication-Results" :
			inkan_strerror(st));
		mt_stats_bump(&s->d->stats, MT_C_TEMPFAIL);
		if (mt_status_is_message_bound(st) || s->m.ar_overflow) {
			/* over a message bound: retrying will not help */
			smfi_setreply(ctx, "550", "5.7.0", "message header "
				"over the limits of this server");
			return SMFIS_REJECT;
		}
		mt_stats_bump(&s->d->stats, MT_C_INTERNAL_ERRORS);
		smfi_setreply(ctx, "451", "4.3.0", "inkan-milter: message "
			"could not be verified, try again later");
		return SMFIS_TEMPFAIL;
	}
	count_verdict(s, r);
	mt_policy_act(s->st->cfg, s->ip[0] ? s->ip : NULL, r, &a);
	mt_report_record(s, r, &a);
	verdicts(r, v, sizeof(v));
	snprintf(log, loglen, "%s action=%s (%s)%s", v,
		mt_action_name(a.action), a.why,
		s->m.nar_delete ? " forged-ar-removed" : "");
	switch (a.action) {
	case MT_ACT_REJECT:
	case MT_ACT_TEMPFAIL:
		mt_stats_bump(&s->d->stats, a.action == MT_ACT_REJECT ?
			MT_C_REJECT : MT_C_TEMPFAIL);
		mt_reply_clean(a.text);
		smfi_setreply(ctx, (char *)a.rcode, (char *)a.xcode, a.text);
		return a.action == MT_ACT_REJECT ? SMFIS_REJECT :
			SMFIS_TEMPFAIL;
	case MT_ACT_QUARANTINE:
		mt_reply_clean(a.text);
		if (smfi_quarantine(ctx, a.text) != MI_SUCCESS)
			return SMFIS_TEMPFAIL;
		mt_stats_bump(&s->d->stats, MT_C_HOLD);
		break;
	case MT_ACT_ACCEPT:
		mt_stats_bump(&s->d->stats, MT_C_ACCEPT);
		break;
	}
	if (write_headers(ctx, s, r) != SMFIS_CONTINUE) {
		snprintf(log + strlen(log), loglen - strlen(log),
			" but headers failed: tempfail");
		return SMFIS_TEMPFAIL;
	}
	seal = inkan_verify_arc_seal(s->m.v);
	if (seal != NULL && inkan_arc_seal_count(seal) > 0)
		snprintf(log + strlen(log), loglen - strlen(log),
			" arc-sealed i=%u", inkan_arc_seal_instance(seal));
	return SMFIS_CONTINUE;
}
