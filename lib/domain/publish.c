/* SPDX-License-Identifier: MIT */
/*
 * publish.c - put the records of an identity into its zone with one DNS
 * UPDATE (RFC 2136) signed with TSIG (RFC 8945), and check the signed
 * answer.
 *
 * Idempotent by construction: for each name and type that is ours alone
 * (DKIM keys, _dmarc, the MAIL FROM's MX and SPF) the update deletes the
 * RRset (and a CNAME that would shadow it, RFC 2136 3.4.2.2) and adds our
 * RRs, all in one atomic update (3.4.2: a server applies all or none).
 * The apex TXT RRset is shared with other records (site verifications),
 * so there we only delete the old v=spf1 record and add ours, guarded by
 * a prerequisite that the RRset is still exactly what we read (2.4.2); if
 * someone changed it in between, the server says NXRRSET and we read and
 * try again (a few times).
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/ascii.h"
#include "crypto/crypto.h"
#include "domain/domain_internal.h"
#include "dns/tsig.h"
#include "dns/update.h"

#define MAX_SHARED 4
#define ATTEMPTS 3

struct result {
	inkan_domain_publish_result pub;	/* first */
	inkan_ctx *ctx;
	char message[256];
	char *kept;
};

struct shared {
	const inkan_domain_record *rec;
	inkan_dns_answer *now;		/* the RRset read before */
	int skip;			/* nothing to do (or kept) */
};

struct pub {
	inkan_ctx *ctx;
	const inkan_domain_records *r;
	const inkan_domain_publish_options *o;
	ik_server srv;
	char zone[IK_DOMAIN_NAME_MAX + 1];
	uint32_t timeout;
	struct result *res;
	struct shared sh[MAX_SHARED];
	size_t nsh;
	uint8_t *resp;			/* IK_DNS_MSG_MAX bytes */
};

static void
say(struct pub *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
say(struct pub *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->res->message, sizeof(p->res->message), fmt, ap);
	va_end(ap);
	p->res->pub.message = p->res->message;
}

static uint16_t
new_id(void)
{
	uint16_t id = 0;

	if (ik_crypto_random(&id, sizeof(id)) != INKAN_OK)
		id = (uint16_t)(uintptr_t)&id;	/* still varies (ASLR) */
	return id;
}

/* one exchange: UDP when it fits and was not ruled out, else TCP; a
 * truncated UDP answer is asked again over TCP */
static inkan_status
exchange(struct pub *p, const ik_buf *q, size_t *len, ik_upd_resp *h)
{
	int tcp = p->o->tcp_only || q->len > IK_UDP_MAX;
	inkan_status st;

	for (;;) {
		st = ik_dns_exchange(&p->srv, tcp, (const uint8_t *)q->data,
			q->len, p->timeout, p->resp, IK_DNS_MSG_MAX, len);
		if (st == INKAN_OK)
			st = ik_upd_parse_response(p->resp, *len, h);
		if (st != INKAN_OK)
			return st;
		if (!h->tc || tcp)
			return h->tc ? INKAN_ERR_SYNTAX : INKAN_OK;
		tcp = 1;
	}
}

/* the TXT RRset at @name as the server itself has it */
static inkan_status
read_txt(struct pub *p, const char *name, inkan_dns_answer **out)
{
	ik_buf q;
	ik_upd_resp h;
	size_t len;
	inkan_status st;

	*out = NULL;
	ik_buf_init(&q, p->ctx, 512);
	st = ik_query_build(&q, name, INKAN_DNS_TYPE_TXT, new_id());
	if (st == INKAN_OK)
		st = exchange(p, &q, &len, &h);
	ik_buf_free(&q);
	if (st == INKAN_OK)
		st = ik_dns_parse_packet(p->ctx, p->resp, len, name,
			INKAN_DNS_TYPE_TXT, out);
	if (st == INKAN_OK && (*out)->outcome == INKAN_DNS_TEMPFAIL) {
		say(p, "reading %s TXT from the server failed (%s)", name,
			ik_upd_rcode_name(h.rcode));
		st = INKAN_ERR_DNS_TEMP;
	}
	return st;
}

static int
is_spf(const inkan_dns_str *t)
{
	/* RFC 7208 4.5: "v=spf1" then a space or the end */
	return t->len >= 6 && ik_ascii_eq(t->data, 6, "v=spf1", 6) &&
		(t->len == 6 || t->data[6] == ' ');
}

/* read the shared RRsets and decide what to do with each */
static inkan_status
plan_shared(struct pub *p)
{
	size_t i, j;
	inkan_status st;

	for (i = 0; i < p->nsh; i++) {
		struct shared *s = &p->sh[i];
		const char *ours = s->rec->value;
		int same = 0, other = 0;

		ik_free(p->ctx, s->now);
		if ((st = read_txt(p, s->rec->name, &s->now)) != INKAN_OK)
			return st;
		s->skip = 0;
		for (j = 0; j < s->now->nrrs; j++) {
			const inkan_dns_str *t = &s->now->rrs[j].u.txt.joined;

			if (!is_spf(t))
				continue;
			if (t->len == strlen(ours) &&
			    memcmp(t->data, ours, t->len) == 0)
				same = 1;
			else
				other = 1;
		}
		if (same && !other) {
			s->skip = 1;
			p->res->pub.unchanged++;
		} else if (other && !p->o->replace_spf) {
			/* merging SPF records is a person's decision */
			s->skip = 1;
			for (j = 0; j < s->now->nrrs; j++)
				if (is_spf(&s->now->rrs[j].u.txt.joined))
					break;
			ik_free(p->ctx, p->res->kept);
			p->res->kept = ik_strdup(p->ctx,
				s->now->rrs[j].u.txt.joined.data);
			if (p->res->kept == NULL)
				return INKAN_ERR_NOMEM;
			p->res->pub.kept_spf = p->res->kept;
		}
	}
	return INKAN_OK;
}

static void
rdata_of(ik_buf *b, const inkan_domain_record *r, inkan_status *st)
{
	ik_buf_reset(b);
	if (*st != INKAN_OK)
		return;
	if (r->type == INKAN_DNS_TYPE_TXT)
		*st = ik_rdata_txt(b, r->value, strlen(r->value));
	else if (r->type == INKAN_DNS_TYPE_MX)
		*st = ik_rdata_mx(b, r->preference, r->value);
	else
		*st = INKAN_ERR_UNSUPPORTED;	/* the model makes no others */
}

/* an earlier record with the same name (and type, when @type) */
static int
seen_before(const inkan_domain_records *r, size_t i, int type)
{
	size_t j;

	for (j = 0; j < i; j++)
		if (!r->records[j].shared && ik_ascii_eqz(r->records[j].name,
		    strlen(r->records[j].name), r->records[i].name) &&
		    (!type || r->records[j].type == r->records[i].type))
			return 1;
	return 0;
}

static void
build(struct pub *p, ik_upd *u)
{
	const inkan_domain_records *r = p->r;
	ik_buf rd;
	size_t i, j;
	inkan_status st = INKAN_OK;

	ik_buf_init(&rd, p->ctx, 65535);
	ik_upd_init(u, p->ctx, p->zone, new_id());
	/* prerequisites: each shared RRset is still what we read */
	for (i = 0; i < p->nsh; i++) {
		const inkan_dns_answer *a = p->sh[i].now;

		if (p->sh[i].skip)
			continue;
		if (a->nrrs == 0)
			ik_upd_prereq_none(u, p->sh[i].rec->name,
				INKAN_DNS_TYPE_TXT);
		for (j = 0; j < a->nrrs; j++) {
			ik_buf_reset(&rd);
			if (st == INKAN_OK)
				st = ik_rdata_txt_strings(&rd, &a->rrs[j].u.txt);
			ik_upd_prereq_value(u, p->sh[i].rec->name,
				INKAN_DNS_TYPE_TXT, (const uint8_t *)rd.data,
				rd.len);
		}
	}
	for (i = 0; i < p->nsh; i++) {
		const inkan_dns_answer *a = p->sh[i].now;

		if (p->sh[i].skip)
			continue;
		for (j = 0; j < a->nrrs; j++) {
			if (!is_spf(&a->rrs[j].u.txt.joined))
				continue;
			ik_buf_reset(&rd);
			if (st == INKAN_OK)
				st = ik_rdata_txt_strings(&rd, &a->rrs[j].u.txt);
			ik_upd_delete_rr(u, p->sh[i].rec->name,
				INKAN_DNS_TYPE_TXT, (const uint8_t *)rd.data,
				rd.len);
		}
		rdata_of(&rd, p->sh[i].rec, &st);
		ik_upd_add(u, p->sh[i].rec->name, INKAN_DNS_TYPE_TXT,
			p->sh[i].rec->ttl, (const uint8_t *)rd.data, rd.len);
		p->res->pub.added++;
	}
	for (i = 0; i < r->nrecords; i++) {
		const inkan_domain_record *rec = &r->records[i];

		if (rec->shared)
			continue;
		if (!seen_before(r, i, 0))
			ik_upd_delete_rrset(u, rec->name, INKAN_DNS_TYPE_CNAME);
		if (!seen_before(r, i, 1))
			ik_upd_delete_rrset(u, rec->name, rec->type);
		rdata_of(&rd, rec, &st);
		ik_upd_add(u, rec->name, rec->type, rec->ttl,
			(const uint8_t *)rd.data, rd.len);
		p->res->pub.added++;
	}
	if (st != INKAN_OK && u->st == INKAN_OK)
		u->st = st;
	ik_buf_free(&rd);
}

static inkan_status
judge(struct pub *p, const ik_upd *u, const unsigned char *mac,
	size_t maclen, size_t len, const ik_upd_resp *h)
{
	ik_tsig_check t;
	inkan_status st;

	p->res->pub.rcode = h->rcode;
	if (h->id != u->id || !h->qr || h->opcode != 5) {
		say(p, "the server's answer does not belong to our update");
		return INKAN_ERR_SYNTAX;
	}
	if (h->tsig_off == 0) {
		say(p, "the answer (%s) carries no TSIG: refused as "
			"unauthenticated (RFC 8945 5.4)",
			ik_upd_rcode_name(h->rcode));
		return INKAN_ERR_CRYPTO;
	}
	st = ik_tsig_verify(p->o->key, p->resp, len, h->tsig_off, u->id, mac,
		maclen, inkan_ctx_now(p->ctx), &t);
	if (st != INKAN_OK) {
		say(p, "the answer's TSIG record is malformed");
		return st;
	}
	p->res->pub.tsig_error = t.error;
	if (t.error == IK_TSIG_BADKEY) {
		say(p, "the server refused our TSIG: BADKEY (it does not know "
			"key %s with %s)", p->o->key->name, p->o->key->alg->name);
		return INKAN_ERR_CONFIG;
	}
	if (t.error == IK_TSIG_BADSIG) {
		say(p, "the server refused our TSIG: BADSIG (the secret "
			"differs from the server's)");
		return INKAN_ERR_CONFIG;
	}
	if (t.error == IK_TSIG_BADTIME) {
		say(p, "the server refused our TSIG: BADTIME (our clock and "
			"the server's differ by more than %d s)",
			IK_TSIG_FUDGE);
		return INKAN_ERR_CONFIG;
	}
	if (t.error != 0) {
		say(p, "the server refused our TSIG (TSIG error %u)", t.error);
		return INKAN_ERR_CONFIG;
	}
	if (!t.verified) {
		say(p, "the answer's TSIG does not verify: it may be forged");
		return INKAN_ERR_CRYPTO;
	}
	if (!t.time_ok) {
		say(p, "the answer was signed too long ago or ahead (clock "
			"skew over the fudge)");
		return INKAN_ERR_CRYPTO;
	}
	return INKAN_OK;
}

static inkan_status
attempt(struct pub *p)
{
	unsigned char mac[IK_TSIG_MAC_MAX];
	size_t maclen, len;
	ik_upd u;
	ik_upd_resp h;
	inkan_status st;

	p->res->pub.added = 0;
	if ((st = plan_shared(p)) != INKAN_OK)
		return st;
	build(p, &u);
	st = ik_upd_finish(&u);
	if (st == INKAN_OK)
		st = ik_tsig_sign(p->o->key, &u.b, inkan_ctx_now(p->ctx), mac,
			&maclen);
	if (st == INKAN_OK)
		st = exchange(p, &u.b, &len, &h);
	if (st == INKAN_OK)
		st = judge(p, &u, mac, maclen, len, &h);
	ik_buf_free(&u.b);
	if (st != INKAN_OK)
		return st;
	switch (h.rcode) {
	case INKAN_DNS_RCODE_NOERROR:
		say(p, "zone %s updated: %zu records added", p->zone,
			p->res->pub.added);
		return INKAN_OK;
	case IK_RCODE_YXRRSET:
	case IK_RCODE_NXRRSET:
		return INKAN_ERR_STATE;		/* raced: read again */
	case INKAN_DNS_RCODE_SERVFAIL:
		say(p, "the server failed (SERVFAIL)");
		return INKAN_ERR_DNS_TEMP;
	default:
		say(p, "the server refused the update: %s%s",
			ik_upd_rcode_name(h.rcode), h.rcode ==
			IK_RCODE_NOTZONE || h.rcode == IK_RCODE_NOTAUTH ?
			" (is it the primary for this zone? try --zone)" :
			h.rcode == INKAN_DNS_RCODE_REFUSED ? " (no update "
			"permission for this key?)" : "");
		return INKAN_ERR_CONFIG;
	}
}

INKAN_API inkan_status
inkan_domain_publish(inkan_ctx *ctx, const inkan_domain_records *r,
	const inkan_domain_publish_options *o, inkan_domain_publish_result **res)
{
	struct pub p;
	size_t i;
	int n;
	inkan_status st;

	if (res != NULL)
		*res = NULL;
	if (ctx == NULL || r == NULL || o == NULL || o->key == NULL ||
	    o->server == NULL)
		return INKAN_ERR_INVALID;
	memset(&p, 0, sizeof(p));
	p.ctx = ctx;
	p.r = r;
	p.o = o;
	p.timeout = o->timeout_ms ? o->timeout_ms : 5000;
	if (ik_server_parse(o->server, &p.srv) != INKAN_OK ||
	    ik_domain_norm(ctx, o->zone ? o->zone : r->domain, p.zone) !=
	    INKAN_OK)
		return INKAN_ERR_INVALID;
	for (i = 0; i < r->nrecords; i++) {
		if (!ik_domain_is_under(r->records[i].name, p.zone))
			return INKAN_ERR_INVALID;	/* NOTZONE anyway */
		if (r->records[i].shared) {
			if (p.nsh == MAX_SHARED ||
			    r->records[i].type != INKAN_DNS_TYPE_TXT)
				return INKAN_ERR_INVALID;
			p.sh[p.nsh++].rec = &r->records[i];
		}
	}
	p.res = ik_calloc(ctx, 1, sizeof(*p.res));
	p.resp = ik_malloc(ctx, IK_DNS_MSG_MAX);
	if (p.res == NULL || p.resp == NULL) {
		ik_free(ctx, p.res);
		ik_free(ctx, p.resp);
		return INKAN_ERR_NOMEM;
	}
	p.res->ctx = ctx;
	for (n = 0; n < ATTEMPTS; n++)
		if ((st = attempt(&p)) != INKAN_ERR_STATE)
			break;
	if (st == INKAN_ERR_STATE) {
		say(&p, "the apex TXT records kept changing while we updated "
			"them; try again");
		st = INKAN_ERR_DNS_TEMP;
	}
	if (st == INKAN_ERR_TIMEOUT && p.res->message[0] == '\0')
		say(&p, "no answer from %s in time", o->server);
	else if (st == INKAN_ERR_IO && p.res->message[0] == '\0')
		say(&p, "could not talk to %s", o->server);
	for (i = 0; i < p.nsh; i++)
		ik_free(ctx, p.sh[i].now);
	ik_free(ctx, p.resp);
	if (res != NULL)
		*res = &p.res->pub;
	else
		inkan_domain_publish_result_free(&p.res->pub);
	return st;
}

INKAN_API void
inkan_domain_publish_result_free(inkan_domain_publish_result *pr)
{
	struct result *r = (struct result *)pr;

	if (r == NULL)
		return;
	ik_free(r->ctx, r->kept);
	ik_free(r->ctx, r);
}
