/* SPDX-License-Identifier: MIT */
/*
 * inspect.c - what a domain's published DMARC set-up means, for the
 * domain owner (`inkan dmarc DOMAIN`).
 *
 * Discovery runs exactly as for mail from the domain. The policy for an
 * existing and for a non-existent subdomain comes from a second walk
 * from a stand-in subdomain whose own record is taken as absent (a real
 * subdomain may of course publish its own): that walk shares every
 * answer with the first, so it costs no more than one extra question
 * when the domain has 7 or more labels.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "dmarc/dmarc_internal.h"

#define ADVICE_MAX 40
#define ADVICE_LEN 400

struct inkan_dmarc_inspector {
	inkan_ctx *ctx;
	struct ik_dmarc_table table;
	struct ik_dmarc_walk self, sub;
	char domain[IK_DMARC_NAME_MAX + 1];
	inkan_dmarc_step *trace;
	inkan_dmarc_inspection view;
	char text[ADVICE_MAX][ADVICE_LEN];
	inkan_finding findings[ADVICE_MAX];
};

static void
find(inkan_dmarc_inspector *in, inkan_severity sev, const char *code,
	const char *fix, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* a finding; @code and @fix are static, the message is formatted */
static void
find(inkan_dmarc_inspector *in, inkan_severity sev, const char *code,
	const char *fix, const char *fmt, ...)
{
	va_list ap;
	size_t n = in->view.nfindings;

	if (n >= ADVICE_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(in->text[n], ADVICE_LEN, fmt, ap);
	va_end(ap);
	in->findings[n].severity = sev;
	in->findings[n].code = code;
	in->findings[n].message = in->text[n];
	in->findings[n].fix = fix;
	in->view.nfindings = n + 1;
}

INKAN_API void
inkan_dmarc_inspector_free(inkan_dmarc_inspector *in)
{
	if (in == NULL)
		return;
	ik_free(in->ctx, in->trace);
	ik_dmarc_table_free(&in->table);
	ik_free(in->ctx, in);
}

static inkan_dmarc_policy
test_mode(const inkan_dmarc_options *o, const inkan_dmarc_record *rec,
	inkan_dmarc_policy p)
{
	/* RFC 9989 4.7 t=y: one level softer; no effect on none */
	if (o->spec != INKAN_DMARC_SPEC_RFC9989 || !rec->testing)
		return p;
	if (p == INKAN_DMARC_POLICY_REJECT)
		return INKAN_DMARC_POLICY_QUARANTINE;
	return p == INKAN_DMARC_POLICY_ABSENT ? p : INKAN_DMARC_POLICY_NONE;
}

/* p / sp / np of @rec after RFC 9989 4.10.1's fallbacks */
static void
policies(const inkan_dmarc_options *o, const inkan_dmarc_record *rec,
	inkan_dmarc_policy *p, inkan_dmarc_policy *sp, inkan_dmarc_policy *np)
{
	int bad = rec->p == INKAN_DMARC_POLICY_ABSENT || rec->sp_invalid ||
		(o->spec == INKAN_DMARC_SPEC_RFC9989 && rec->np_invalid);

	if (bad) {
		*p = *sp = *np = rec->nrua ? INKAN_DMARC_POLICY_NONE :
			INKAN_DMARC_POLICY_ABSENT;
		return;
	}
	*p = rec->p;
	*sp = rec->sp != INKAN_DMARC_POLICY_ABSENT ? rec->sp : *p;
	*np = rec->np != INKAN_DMARC_POLICY_ABSENT &&
		o->spec == INKAN_DMARC_SPEC_RFC9989 ? rec->np : *sp;
}

/* what the record's parser warned about, as findings */
static void
record_warnings(inkan_dmarc_inspector *in, const inkan_dmarc_record *rec)
{
	size_t i;

	for (i = 0; i < rec->nwarnings; i++) {
		const inkan_dmarc_warning *w = &rec->warnings[i];

		switch (w->code) {
		case INKAN_DMARC_WARN_REMOVED_TAG:
			find(in, INKAN_SEVERITY_WARNING, "dmarc-removed-tag",
				"delete the tag: RFC 9989 removed pct, rf and "
				"ri, and receivers ignore them", "record: %s",
				w->text);
			break;
		case INKAN_DMARC_WARN_NO_POLICY:
			find(in, INKAN_SEVERITY_ERROR, "dmarc-no-policy",
				"write p=none, p=quarantine or p=reject",
				"record: %s", w->text);
			break;
		case INKAN_DMARC_WARN_FO_WITHOUT_RUF:
			find(in, INKAN_SEVERITY_NOTE, "dmarc-fo", "drop fo= or "
				"add ruf=", "record: %s", w->text);
			break;
		default:
			find(in, INKAN_SEVERITY_WARNING, "dmarc-tag", "correct "
				"the tag as the message says", "record: %s",
				w->text);
			break;
		}
	}
}

/* RFC 9989 7: the roll-out from monitoring to enforcement, and the tags
 * that weaken a record or its reporting */
static void
findings_for_record(inkan_dmarc_inspector *in, const inkan_dmarc_options *o,
	const inkan_dmarc_record *rec)
{
	inkan_dmarc_policy p, sp, np;

	record_warnings(in, rec);
	policies(o, rec, &p, &sp, &np);
	if (rec->p == INKAN_DMARC_POLICY_NONE)
		find(in, INKAN_SEVERITY_NOTE, "dmarc-p-none", "when aggregate "
			"reports show all your mail passing, move to "
			"p=quarantine, later to p=reject", "p=none: monitoring "
			"only, failing mail is not quarantined or rejected");
	else if (rec->p == INKAN_DMARC_POLICY_QUARANTINE)
		find(in, INKAN_SEVERITY_NOTE, "dmarc-p-quarantine", "once "
			"reports stay clean, move to p=reject", "p=quarantine: "
			"failing mail goes to spam");
	if (rec->p != INKAN_DMARC_POLICY_NONE &&
	    rec->p != INKAN_DMARC_POLICY_ABSENT &&
	    rec->sp == INKAN_DMARC_POLICY_NONE)
		find(in, INKAN_SEVERITY_WARNING, "dmarc-sp-none", "drop sp=none "
			"so subdomains get p's policy", "sp=none: mail claiming "
			"to be from any subdomain is not protected, while %s "
			"itself is", in->domain);
	/* 4.10.1: an absent np falls back to sp, an absent sp to p; only
	 * suggest np when what applies is not reject already */
	if (o->spec == INKAN_DMARC_SPEC_RFC9989 &&
	    rec->p == INKAN_DMARC_POLICY_REJECT &&
	    rec->np == INKAN_DMARC_POLICY_ABSENT &&
	    np != INKAN_DMARC_POLICY_REJECT)
		find(in, INKAN_SEVERITY_NOTE, "dmarc-np", "add np=reject",
			"non-existent subdomains get the subdomain policy; "
			"np=reject (RFC 9989 4.7) rejects mail from made-up "
			"names outright");
	if (rec->nrua == 0)
		find(in, INKAN_SEVERITY_WARNING, "dmarc-no-rua", "add "
			"rua=mailto:ADDRESS", "no rua: no aggregate reports "
			"will be sent, so failures go unseen before the "
			"policy is tightened");
	if (rec->nruf > 0)
		find(in, INKAN_SEVERITY_NOTE, "dmarc-ruf", "drop ruf= unless "
			"you handle the personal data it brings", "ruf: few "
			"receivers send failure reports, and those may carry "
			"personal data of the recipients");
	if (rec->aspf == INKAN_DMARC_ALIGN_STRICT)
		find(in, INKAN_SEVERITY_WARNING, "dmarc-aspf-strict", "drop "
			"aspf=s (relaxed is the default)", "aspf=s: SPF only "
			"aligns when the MAIL FROM domain is exactly the From "
			"domain; a bounce subdomain (custom MAIL FROM such as "
			"bounce.%s) cannot meet it", in->domain);
	if (rec->adkim == INKAN_DMARC_ALIGN_STRICT)
		find(in, INKAN_SEVERITY_NOTE, "dmarc-adkim-strict", "drop "
			"adkim=s unless every signer uses the From domain as "
			"d= exactly",
			"adkim=s: DKIM d= must be exactly the From domain");
	if (o->spec == INKAN_DMARC_SPEC_RFC9989 && rec->testing)
		find(in, INKAN_SEVERITY_WARNING, "dmarc-testing", "remove t=y "
			"when you mean the policy", "t=y: test mode, receivers "
			"apply the policy one level softer");
}

static inkan_status
decide_subdomains(inkan_dmarc_inspector *in, const inkan_dmarc_options *o)
{
	char sub[IK_DMARC_NAME_MAX + 1];
	inkan_dmarc_policy p, sp, np;
	const inkan_dmarc_record *rec;
	inkan_status st;

	/* a stand-in label; its own record is never asked for */
	if ((size_t)snprintf(sub, sizeof(sub), "x.%s", in->domain) >=
	    sizeof(sub))
		return INKAN_OK;
	st = ik_dmarc_walk_begin(&in->table, &in->sub, sub, 1, o->discovery,
		o->psl);
	if (st == INKAN_OK)
		st = ik_dmarc_walk_decide(&in->table, &in->sub, o->discovery);
	if (st == INKAN_OK && in->sub.tempfail) {
		in->view.subdomains_unknown = 1;
		find(in, INKAN_SEVERITY_WARNING, "dmarc-dns-subdomains",
			"check again later", "DNS failure: the policy for "
			"subdomains of %s is unknown", in->domain);
	}
	if (st != INKAN_OK || in->sub.tempfail || in->sub.policy_rec == NULL)
		return st;
	rec = &in->sub.policy_rec->pub;
	policies(o, rec, &p, &sp, &np);
	in->view.published_subdomain = sp;
	in->view.published_nxdomain = np;
	in->view.policy_subdomain = test_mode(o, rec, sp);
	in->view.policy_nxdomain = test_mode(o, rec, np);
	if (strcmp(in->sub.policy_domain, in->domain) != 0)
		find(in, INKAN_SEVERITY_NOTE, "dmarc-subdomains-elsewhere",
			"publish the record at _dmarc of the domain if its "
			"subdomains should follow it", "subdomains of %s "
			"follow the record at _dmarc.%s, not %s's own",
			in->domain, in->sub.policy_domain, in->domain);
	return INKAN_OK;
}

static inkan_status
decide_self(inkan_dmarc_inspector *in, const inkan_dmarc_options *o)
{
	inkan_dmarc_inspection *v = &in->view;
	inkan_dmarc_policy p, sp, np, pol;
	const inkan_dmarc_record *rec;
	size_t ei;
	int exists = -1, has = 0;
	inkan_status st;

	if ((st = ik_dmarc_walk_first(&in->table, &in->self, &has)) !=
	    INKAN_OK || (st = ik_dmarc_walk_decide(&in->table, &in->self,
	    o->discovery)) != INKAN_OK)
		return st;
	if (in->self.tempfail && has) {
		/* the domain's own record is there; only what lies above
		 * (the organizational domain) is unknown */
		in->self.tempfail = 0;
		in->self.policy_rec = in->table.l[in->self.idx[0]].rec;
		in->self.policy_domain = in->domain;
		in->self.org = NULL;
		find(in, INKAN_SEVERITY_WARNING, "dmarc-dns-org",
			"check again later", "DNS failure above %s: its "
			"organizational domain (relaxed alignment) is unknown",
			in->domain);
	} else if (in->self.tempfail) {
		v->status = INKAN_DMARC_TEMPERROR;
		return INKAN_OK;
	}
	v->org_domain = in->self.org;
	if (in->self.policy_rec == NULL) {
		v->status = INKAN_DMARC_NONE;
		find(in, INKAN_SEVERITY_ERROR, "dmarc-missing", "publish a "
			"DMARC record at _dmarc of the domain", "no DMARC "
			"record applies to %s", in->domain);
		return INKAN_OK;
	}
	rec = &in->self.policy_rec->pub;
	v->record = rec;
	v->policy_domain = in->self.policy_domain;
	policies(o, rec, &p, &sp, &np);
	if (p == INKAN_DMARC_POLICY_ABSENT) {
		v->status = INKAN_DMARC_NONE;
		find(in, INKAN_SEVERITY_ERROR, "dmarc-unusable", "write "
			"p=none, p=quarantine or p=reject", "the record has no "
			"valid p and no valid rua: receivers ignore it (RFC "
			"9989 4.10.1)");
		findings_for_record(in, o, rec);
		return INKAN_OK;
	}
	v->status = INKAN_DMARC_PASS;
	if (strcmp(v->policy_domain, in->domain) == 0) {
		pol = p;
	} else {
		if ((st = ik_dmarc_exist_start(&in->table, in->domain, &ei)) !=
		    INKAN_OK || (st = ik_dmarc_exist_wait(&in->table, ei,
		    &exists)) != INKAN_OK)
			return st;
		pol = exists == 0 ? np : sp;
		find(in, INKAN_SEVERITY_NOTE, "dmarc-inherited", "publish a "
			"record at _dmarc of the domain to set its own policy "
			"and reports", "%s has no record of its own; the record "
			"at _dmarc.%s applies (%s)", in->domain,
			v->policy_domain,
			exists == 0 ? "np: the name does not exist" :
			exists > 0 ? "sp" : "sp, existence unknown");
	}
	v->self_exists = exists;
	v->published_self = pol;
	v->policy_self = test_mode(o, rec, pol);
	findings_for_record(in, o, rec);
	return INKAN_OK;
}

INKAN_API inkan_status
inkan_dmarc_inspect(inkan_ctx *ctx, const inkan_dmarc_options *opt,
	const char *domain, inkan_dmarc_inspector **out,
	const inkan_dmarc_inspection **view)
{
	inkan_dmarc_options o;
	inkan_dmarc_inspector *in;
	inkan_status st;

	if (out != NULL)
		*out = NULL;
	if (view != NULL)
		*view = NULL;
	if (ctx == NULL || domain == NULL || out == NULL || view == NULL)
		return INKAN_ERR_INVALID;
	if (opt != NULL)
		o = *opt;
	else
		inkan_dmarc_options_init(&o);
	if (o.discovery == INKAN_DMARC_DISCOVERY_PSL && o.psl == NULL)
		return INKAN_ERR_CONFIG;
	if (inkan_ctx_resolver(ctx) == NULL)
		return INKAN_ERR_CONFIG;
	if ((in = ik_calloc(ctx, 1, sizeof(*in))) == NULL)
		return INKAN_ERR_NOMEM;
	in->ctx = ctx;
	ik_dmarc_table_init(&in->table, ctx, o.spec);
	if ((st = ik_dmarc_norm_domain(ctx, domain, in->domain)) != INKAN_OK)
		goto fail;
	in->view.domain = in->domain;
	in->view.discovery = o.discovery;
	in->view.self_exists = -1;
	in->view.findings = in->findings;
	st = ik_dmarc_walk_begin(&in->table, &in->self, in->domain, 0,
		o.discovery, o.psl);
	if (st == INKAN_OK)
		st = decide_self(in, &o);
	if (st == INKAN_OK && in->view.status != INKAN_DMARC_TEMPERROR)
		st = decide_subdomains(in, &o);
	if (st == INKAN_OK)
		st = ik_dmarc_walk_trace(&in->table, &in->self, &in->trace,
			&in->view.ntrace);
	if (st != INKAN_OK)
		goto fail;
	in->view.trace = in->trace;
	*out = in;
	*view = &in->view;
	return INKAN_OK;
fail:
	inkan_dmarc_inspector_free(in);
	return st;
}
