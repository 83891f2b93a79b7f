/* SPDX-License-Identifier: MIT */
/*
 * records.c - the DNS records an identity needs (the data model every
 * renderer, the publisher and the visibility check work from).
 *
 *  - one TXT per DKIM selector at SEL._domainkey.DOMAIN (RFC 6376 3.6.2.1);
 *    a revoked key keeps its record with an empty p= (3.6.1);
 *  - for a custom MAIL FROM: exactly one MX (what Amazon SES asks for, so
 *    bounces have one place to go) and an SPF TXT (RFC 7208 3) at the
 *    MAIL FROM name, which is what SPF checks and what aligns with From
 *    under relaxed alignment (RFC 9989 4.4.2);
 *  - an SPF TXT at the domain itself (HELO, mail without the custom MAIL
 *    FROM); marked "shared": other TXT records live at the apex;
 *  - the DMARC TXT at _dmarc.DOMAIN (RFC 9989 4.5).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "domain/domain_internal.h"

#define MAX_RECORDS (IK_DOMAIN_MAX_SELECTORS + 4)
#define MAX_NOTES 12
#define MAX_STRINGS (4 * MAX_RECORDS + MAX_NOTES)

struct recs {
	inkan_domain_records pub;	/* first: the public view */
	const inkan_ctx *ctx;
	inkan_domain_record rec[MAX_RECORDS];
	const char *notes[MAX_NOTES];
	char *strs[MAX_STRINGS];	/* everything above points here */
	size_t nstrs;
	inkan_status st;
};

/* keep the text of @o (or the failure) */
static const char *
keep(struct recs *r, ik_dout *o)
{
	char *s = NULL;

	if (ik_dout_take(o, &s) != INKAN_OK || r->nstrs == MAX_STRINGS) {
		if (r->st == INKAN_OK)
			r->st = o->st != INKAN_OK ? o->st : INKAN_ERR_LIMIT;
		ik_free(r->ctx, s);
		return NULL;
	}
	r->strs[r->nstrs++] = s;
	return s;
}

static const char *
fmt(struct recs *r, const char *format, ...)
	__attribute__((format(printf, 2, 3)));

static const char *
fmt(struct recs *r, const char *format, ...)
{
	ik_dout o;
	char line[1400];
	va_list ap;
	int n;

	va_start(ap, format);
	n = vsnprintf(line, sizeof(line), format, ap);
	va_end(ap);
	ik_dout_init(&o, r->ctx, sizeof(line));
	if (n < 0 || (size_t)n >= sizeof(line))
		o.st = INKAN_ERR_LIMIT;
	else
		ik_dout_append(&o, line, (size_t)n);
	return keep(r, &o);
}

static inkan_domain_record *
add(struct recs *r, const char *name, uint16_t type, const char *value,
	const char *purpose)
{
	inkan_domain_record *rec;

	if (r->pub.nrecords == MAX_RECORDS) {
		r->st = INKAN_ERR_LIMIT;
		return NULL;
	}
	rec = &r->rec[r->pub.nrecords++];
	rec->name = name;
	rec->type = type;
	rec->value = value;
	rec->purpose = purpose;
	return rec;
}

static void
note(struct recs *r, const char *text)
{
	if (text != NULL && r->pub.nnotes < MAX_NOTES)
		r->notes[r->pub.nnotes++] = text;
}

/* "v=spf1 include:a ip4:b ... ~all"; "mx" when nothing was given */
static const char *
spf_text(struct recs *r, const inkan_domain_view *v)
{
	ik_dout o;
	size_t i;

	ik_dout_init(&o, r->ctx, 1024);
	ik_dout_puts(&o, "v=spf1");
	for (i = 0; i < v->nspf_ips; i++)
		ik_dout_printf(&o, " %s:%s", strchr(v->spf_ips[i], ':') ?
			"ip6" : "ip4", v->spf_ips[i]);
	for (i = 0; i < v->nspf_includes; i++)
		ik_dout_printf(&o, " include:%s", v->spf_includes[i]);
	if (v->nspf_ips == 0 && v->nspf_includes == 0)
		ik_dout_puts(&o, " mx");
	ik_dout_puts(&o, v->spf_hard_fail ? " -all" : " ~all");
	return keep(r, &o);
}

static void
dkim_records(struct recs *r, const inkan_domain_view *v)
{
	static const char *const what[] = {
		"new, not signing yet",
		"signing",
		"retired, kept for the grace period",
		"revoked"
	};
	inkan_domain_record *rec;
	size_t i;

	for (i = 0; i < v->nselectors; i++) {
		const inkan_domain_selector *s = &v->selectors[i];
		ik_dout o;

		ik_dout_init(&o, r->ctx, IK_DOMAIN_PUBKEY_MAX + 64);
		ik_domain_key_record(s, &o);
		rec = add(r, fmt(r, "%s._domainkey.%s", s->selector, v->domain),
			INKAN_DNS_TYPE_TXT, keep(r, &o), s->type == INKAN_KEY_RSA ?
			fmt(r, "DKIM key %s (RSA-%u, %s)", s->selector, s->bits,
			what[s->state]) : fmt(r, "DKIM key %s (Ed25519, %s)",
			s->selector, what[s->state]));
		if (rec != NULL)
			rec->ttl = v->ttl;
	}
}

static void
dmarc_record(struct recs *r, const inkan_domain_view *v)
{
	inkan_domain_record *rec;
	ik_dout o;
	size_t i;

	ik_dout_init(&o, r->ctx, 1024);
	/* RFC 9989 4.7: v first; p is the policy */
	ik_dout_printf(&o, "v=DMARC1; p=%s",
		inkan_dmarc_policy_name(v->dmarc_policy));
	for (i = 0; i < v->ndmarc_rua; i++)
		ik_dout_printf(&o, "%s%s", i ? "," : "; rua=", v->dmarc_rua[i]);
	rec = add(r, fmt(r, "_dmarc.%s", v->domain), INKAN_DNS_TYPE_TXT,
		keep(r, &o), "DMARC policy");
	if (rec != NULL)
		rec->ttl = v->ttl;
}

static void
notes(struct recs *r, const inkan_domain_view *v)
{
	size_t i;
	int external = 0;

	if (v->dmarc_policy == INKAN_DMARC_POLICY_NONE)
		note(r, "DMARC starts at p=none (monitoring): read the "
			"aggregate reports for a few weeks; when all your "
			"mail passes, move to p=quarantine (--dmarc-policy "
			"quarantine), and later to p=reject.");
	else if (v->dmarc_policy == INKAN_DMARC_POLICY_QUARANTINE)
		note(r, "p=quarantine: failing mail goes to spam. Once the "
			"reports stay clean, move to p=reject.");
	if (v->ndmarc_rua == 0)
		note(r, "No rua: nobody sends you DMARC reports, so you "
			"cannot see what fails before tightening the policy. "
			"Add --rua mailto:ADDRESS.");
	for (i = 0; i < v->ndmarc_rua; i++) {
		const char *at = strrchr(v->dmarc_rua[i], '@');

		if (at != NULL && !ik_domain_is_under(at + 1, v->domain))
			external = 1;
	}
	if (external)
		note(r, "A rua address outside the domain only receives "
			"reports if its domain publishes an authorization "
			"record at DOMAIN._report._dmarc.THEIR-DOMAIN (RFC 7489 "
			"7.1); ask its owner.");
	note(r, fmt(r, "Only one SPF record may exist per name (RFC 7208 "
		"3.2): if %s already has one, merge the mechanisms into it "
		"instead of adding a second.", v->domain));
	if (v->nspf_ips == 0 && v->nspf_includes == 0)
		note(r, "No --spf-ip or --spf-include: the SPF records "
			"authorize the MX hosts only (mx). Add the addresses "
			"or services you really send from.");
	if (v->mail_from == NULL)
		note(r, "No custom MAIL FROM: SPF only aligns with From when "
			"mail is sent with a MAIL FROM address at the domain "
			"itself.");
	for (i = 0; i < v->nselectors; i++)
		if (v->selectors[i].type == INKAN_KEY_ED25519) {
			note(r, "Ed25519 keys are published next to the RSA "
				"key: Gmail and many receivers do not verify "
				"Ed25519 (RFC 8463) yet, so always sign with "
				"RSA too.");
			break;
		}
}

INKAN_API inkan_status
inkan_domain_records_make(const inkan_domain *d, inkan_domain_records **out)
{
	const inkan_domain_view *v;
	inkan_domain_record *rec;
	struct recs *r;

	if (out == NULL)
		return INKAN_ERR_INVALID;
	*out = NULL;
	if (d == NULL)
		return INKAN_ERR_INVALID;
	v = &d->view;
	if ((r = ik_calloc(d->ctx, 1, sizeof(*r))) == NULL)
		return INKAN_ERR_NOMEM;
	r->ctx = d->ctx;
	r->pub.records = r->rec;
	r->pub.notes = r->notes;
	r->pub.domain = fmt(r, "%s", v->domain);
	dkim_records(r, v);
	if (v->mail_from != NULL) {
		rec = add(r, fmt(r, "%s", v->mail_from), INKAN_DNS_TYPE_MX,
			fmt(r, "%s", v->mail_from_mx), "MAIL FROM: where "
			"bounces go (exactly one MX)");
		if (rec != NULL) {
			rec->preference = 10;
			rec->ttl = v->ttl;
		}
		rec = add(r, fmt(r, "%s", v->mail_from), INKAN_DNS_TYPE_TXT,
			spf_text(r, v), "SPF for the MAIL FROM domain");
		if (rec != NULL)
			rec->ttl = v->ttl;
	}
	rec = add(r, fmt(r, "%s", v->domain), INKAN_DNS_TYPE_TXT,
		spf_text(r, v), "SPF for the domain itself");
	if (rec != NULL) {
		rec->ttl = v->ttl;
		rec->shared = 1;
	}
	dmarc_record(r, v);
	notes(r, v);
	if (r->st != INKAN_OK) {
		inkan_status st = r->st;

		inkan_domain_records_free(&r->pub);
		return st;
	}
	*out = &r->pub;
	return INKAN_OK;
}

INKAN_API void
inkan_domain_records_free(inkan_domain_records *p)
{
	struct recs *r = (struct recs *)p;
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->nstrs; i++)
		ik_free(r->ctx, r->strs[i]);
	ik_free(r->ctx, r);
}
