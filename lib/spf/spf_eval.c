/* SPDX-License-Identifier: MIT */
/*
 * spf_eval.c - check_host() (RFC 7208 4, 5, 6).
 *
 * Record lookup and selection (4.4, 4.5), syntax first (4.6), then the
 * mechanisms left to right (4.6.2, 5) and redirect= after them (6.1).
 * Counting follows 4.6.4 exactly: a DNS-querying term is counted when it
 * is evaluated (the 11th is a permerror before it asks anything); every
 * lookup made for a term that comes back NXDOMAIN or empty is a void
 * lookup, the third one a permerror. Before the mechanisms run, the
 * questions they will ask are started (ik_spf_prefetch); the answers are
 * then taken in evaluation order, so the outcome is the sequential one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/ascii.h"
#include "spf_cache.h"
#include "spf_check.h"
#include "spf_eval.h"

enum role { ROLE_TOP, ROLE_INCLUDE, ROLE_REDIRECT };

/* why a nested check_host() said none, for the parent's message */
enum none_cause { NONE_INVALID, NONE_NXDOMAIN, NONE_NO_RECORD };

struct frame {
	const char *domain;
	unsigned depth;		/* include nesting (explanations at 0) */
	enum none_cause none;	/* set when the frame returns NONE */
};

static inkan_spf_result check_host(ik_spf_check *c, struct frame *f,
	enum role role);

/* count a void answer; 1 (and the reason set) past the limit */
static int
void_over(ik_spf_check *c)
{
	char msg[96];

	c->void_lookups++;
	if (c->void_lookups <= c->max_void)
		return 0;
	snprintf(msg, sizeof(msg), "more than %zu void DNS lookups "
		"(RFC 7208 4.6.4)", c->max_void);
	ik_spf_set_limit(c, INKAN_LIMIT_SPF_VOID_LOOKUPS, msg);
	return 1;
}

/* RFC 7208 4.3: a well-formed multi-label domain */
int
ik_spf_domain_ok(const char *d, size_t len)
{
	size_t i;

	if (len > 0 && d[len - 1] == '.')
		len--;
	if (!ik_spf_name_ok(d, len) || memchr(d, '.', len) == NULL ||
	    d[0] == '[')
		return 0;
	for (i = 0; i < len; i++)
		if ((unsigned char)d[i] <= 0x20 || (unsigned char)d[i] >= 0x7f)
			return 0;
	return 1;
}

/* a failed lookup ends the check: set why and give the result */
static inkan_spf_result
look_error(ik_spf_check *c, enum ik_spf_look look, const char *name,
	uint16_t type)
{
	if (look == IK_LOOK_TIME) {
		ik_spf_set_limit(c, INKAN_LIMIT_SPF_TIME_MS,
			"the check took longer than its time budget");
		return INKAN_SPF_TEMPERROR;
	}
	if (look == IK_LOOK_FAIL)
		ik_spf_set_dns_error(c, name, type);
	return look == IK_LOOK_FATAL ? INKAN_SPF_PERMERROR :
	    INKAN_SPF_TEMPERROR;
}

/*
 * Expand a term's domain-spec (or take <domain>) into @out. 0 on
 * success; -1 with *res set when the check ends here.
 */
static int
target_of(ik_spf_check *c, const ik_spf_term *t, const char *domain,
	ik_buf *out, inkan_spf_result *res)
{
	ik_spf_macro_env env;
	inkan_status st;

	if (t->spec == NULL) {
		ik_buf_reset(out);
		st = ik_buf_puts(out, domain);
	} else {
		ik_spf_env(c, domain, &env);
		st = ik_spf_expand(&env, t->spec, t->spec_len,
			IK_SPF_EXPAND_DOMAIN, out);
	}
	if (st == INKAN_OK)
		return 0;
	if (st == INKAN_ERR_LIMIT && c->have_reason) {
		*res = INKAN_SPF_PERMERROR;	/* void limit inside %{p} */
		return -1;
	}
	if (st == INKAN_ERR_LIMIT) {
		/* labels that never fit: no query can be made for it */
		ik_buf_reset(out);
		return 0;
	}
	if (st == INKAN_ERR_TIMEOUT) {
		*res = look_error(c, IK_LOOK_TIME, NULL, 0);
		return -1;
	}
	c->fatal = st;
	*res = INKAN_SPF_PERMERROR;
	return -1;
}

/* a copy that lives as long as the check */
static char *
scratch_strdup(ik_spf_check *c, const char *s)
{
	size_t n = strlen(s);
	char *d = ik_spf_scratch_alloc(&c->scratch, n + 1);

	if (d != NULL)
		memcpy(d, s, n + 1);
	return d;
}

static int
addr_match(const ik_spf_check *c, const inkan_dns_answer *a,
	const ik_spf_term *t)
{
	size_t i;

	for (i = 0; i < a->nrrs; i++) {
		const inkan_dns_rr *rr = &a->rrs[i];

		if (!c->ip.v6 && rr->type == INKAN_DNS_TYPE_A &&
		    ik_spf_ip_prefix_eq(rr->u.a, c->ip.addr, t->cidr4))
			return 1;
		if (c->ip.v6 && rr->type == INKAN_DNS_TYPE_AAAA &&
		    ik_spf_ip_prefix_eq(rr->u.aaaa, c->ip.addr, t->cidr6))
			return 1;
	}
	return 0;
}

/* a lookup for a term: 1 DATA, 0 void (counted), -1 end with *res */
static int
term_lookup(ik_spf_check *c, const char *name, uint16_t type, int escaped,
	const inkan_dns_answer **ans, inkan_spf_result *res)
{
	enum ik_spf_look look = ik_spf_lookup(c, name, type, escaped, ans);

	if (look == IK_LOOK_DATA)
		return 1;
	if (look == IK_LOOK_VOID || look == IK_LOOK_NXDOMAIN) {
		if (!void_over(c))
			return 0;
		*res = INKAN_SPF_PERMERROR;
		return -1;
	}
	*res = look_error(c, look, name, type);
	return -1;
}

static int
mx_cmp(const void *a, const void *b)
{
	const inkan_dns_rr *x = *(const inkan_dns_rr *const *)a;
	const inkan_dns_rr *y = *(const inkan_dns_rr *const *)b;
	size_t i;

	if (x->u.mx.preference != y->u.mx.preference)
		return x->u.mx.preference < y->u.mx.preference ? -1 : 1;
	for (i = 0;; i++) {
		int p = ik_to_lower((unsigned char)x->u.mx.exchange[i]);
		int q = ik_to_lower((unsigned char)y->u.mx.exchange[i]);

		if (p != q || p == 0)
			return p - q;
	}
}

/*
 * RFC 7208 5.4: every MX host's addresses (started together), then the
 * comparison. More than INKAN_LIMIT_SPF_MX_ADDRS MX records is a
 * permerror (4.6.4). A null MX ("." RFC 7505) names no host.
 */
static int
eval_mx(ik_spf_check *c, const ik_spf_term *t, const char *target,
	char *note, size_t notelen, inkan_spf_result *res)
{
	const inkan_dns_answer *mx, *a;
	const inkan_dns_rr **hosts;
	uint16_t type = c->ip.v6 ? INKAN_DNS_TYPE_AAAA : INKAN_DNS_TYPE_A;
	size_t n = 0, i;
	int r, match = 0;

	r = term_lookup(c, target, INKAN_DNS_TYPE_MX, 0, &mx, res);
	if (r <= 0) {
		snprintf(note, notelen, "no MX records");
		return r;
	}
	if (mx->nrrs > c->max_mx) {
		snprintf(note, notelen, "%zu MX records, more than %zu",
			mx->nrrs, c->max_mx);
		ik_spf_set_limit(c, INKAN_LIMIT_SPF_MX_ADDRS, note);
		*res = INKAN_SPF_PERMERROR;
		return -1;
	}
	hosts = ik_spf_scratch_alloc(&c->scratch, mx->nrrs * sizeof(*hosts));
	if (hosts == NULL) {
		c->fatal = INKAN_ERR_NOMEM;
		*res = INKAN_SPF_PERMERROR;
		return -1;
	}
	for (i = 0; i < mx->nrrs; i++)
		if (mx->rrs[i].type == INKAN_DNS_TYPE_MX &&
		    strcmp(mx->rrs[i].u.mx.exchange, ".") != 0)
			hosts[n++] = &mx->rrs[i];
	/* a fixed order, so void counts do not depend on the RRset order */
	qsort(hosts, n, sizeof(*hosts), mx_cmp);
	for (i = 0; i < n; i++)
		ik_spf_prefetch(c, hosts[i]->u.mx.exchange, type, 1);
	for (i = 0; i < n; i++) {
		r = term_lookup(c, hosts[i]->u.mx.exchange, type, 1, &a, res);
		if (r < 0)
			break;
		if (r > 0 && addr_match(c, a, t))
			match = 1;
	}
	if (c->trace)
		snprintf(note, notelen, "%zu MX host%s", n,
			n == 1 ? "" : "s");
	return r < 0 ? -1 : match;
}

static int
eval_ptr(ik_spf_check *c, const char *target, char *note, size_t notelen,
	inkan_spf_result *res)
{
	char **names;
	size_t n, i;
	int void_limit, match = 0;
	enum ik_spf_look look;

	look = ik_spf_validated_names(c, &names, &n, &void_limit);
	if (void_limit) {
		char msg[96];

		/* ik_spf_validated_names counted past the limit */
		snprintf(msg, sizeof(msg), "more than %zu void DNS lookups "
			"(RFC 7208 4.6.4)", c->max_void);
		ik_spf_set_limit(c, INKAN_LIMIT_SPF_VOID_LOOKUPS, msg);
		*res = INKAN_SPF_PERMERROR;
		ik_spf_names_free(c, names, n);
		return -1;
	}
	if (look == IK_LOOK_FAIL) {
		/* RFC 7208 5.5: a DNS error on the PTR lookup: no match */
		snprintf(note, notelen, "PTR lookup failed: no match");
		return 0;
	}
	if (look != IK_LOOK_DATA) {
		*res = look_error(c, look, NULL, INKAN_DNS_TYPE_PTR);
		ik_spf_names_free(c, names, n);
		return -1;
	}
	for (i = 0; i < n && !match; i++)
		match = ik_spf_name_within(names[i], target);
	if (c->trace)
		snprintf(note, notelen, "%zu validated name%s", n,
			n == 1 ? "" : "s");
	ik_spf_names_free(c, names, n);
	return match;
}

static int
eval_include(ik_spf_check *c, struct frame *f, const char *target,
	inkan_spf_result *res)
{
	struct frame sub;
	inkan_spf_result r;
	char *dom = scratch_strdup(c, target);

	if (dom == NULL) {
		c->fatal = INKAN_ERR_NOMEM;
		*res = INKAN_SPF_PERMERROR;
		return -1;
	}
	sub.domain = dom;
	sub.depth = f->depth + 1;
	r = check_host(c, &sub, ROLE_INCLUDE);
	/* RFC 7208 5.2: pass matches; fail, softfail, neutral do not;
	 * errors are returned; none is a permerror */
	if (r == INKAN_SPF_NONE) {
		ik_spf_set_reason(c, INKAN_SPF_REASON_INCLUDE_NONE, dom,
			sub.none == NONE_INVALID ?
			"include target is not a valid domain name" :
			"include target has no SPF record", 0);
		r = INKAN_SPF_PERMERROR;
	}
	if (r == INKAN_SPF_PASS)
		return 1;
	if (r == INKAN_SPF_TEMPERROR || r == INKAN_SPF_PERMERROR) {
		*res = r;
		return -1;
	}
	return 0;
}

/* 1 match, 0 no match, -1 the check ends with *res */
static int
eval_term(ik_spf_check *c, struct frame *f, const ik_spf_term *t,
	ik_buf *target, char *note, size_t notelen, inkan_spf_result *res)
{
	const inkan_dns_answer *a;
	int r;

	switch (t->kind) {
	case IK_SPF_ALL:
		return 1;
	case IK_SPF_IP4:
		/* RFC 7208 5.6: only addresses of the client's family */
		return !c->ip.v6 &&
		    ik_spf_ip_prefix_eq(c->ip.addr, t->net, t->cidr4);
	case IK_SPF_IP6:
		return c->ip.v6 &&
		    ik_spf_ip_prefix_eq(c->ip.addr, t->net, t->cidr6);
	default:
		break;
	}
	/* RFC 7208 4.6.4: at most max_terms DNS-querying terms */
	if (++c->dns_terms > c->max_terms) {
		snprintf(note, notelen, "more than %zu DNS-querying terms "
			"(RFC 7208 4.6.4)", c->max_terms);
		ik_spf_set_limit(c, INKAN_LIMIT_SPF_DNS_TERMS, note);
		*res = INKAN_SPF_PERMERROR;
		return -1;
	}
	if (target_of(c, t, f->domain, target, res) < 0)
		return -1;
	switch (t->kind) {
	case IK_SPF_INCLUDE:
		return eval_include(c, f, ik_buf_str(target), res);
	case IK_SPF_A:
		r = term_lookup(c, ik_buf_str(target), c->ip.v6 ?
			INKAN_DNS_TYPE_AAAA : INKAN_DNS_TYPE_A, 0, &a, res);
		if (r == 0)
			snprintf(note, notelen, "no addresses");
		return r <= 0 ? r : addr_match(c, a, t);
	case IK_SPF_MX:
		return eval_mx(c, t, ik_buf_str(target), note, notelen, res);
	case IK_SPF_PTR:
		return eval_ptr(c, ik_buf_str(target), note, notelen, res);
	case IK_SPF_EXISTS:
		/* RFC 7208 5.7: an A query even for an IPv6 client */
		r = term_lookup(c, ik_buf_str(target), INKAN_DNS_TYPE_A, 0, &a,
			res);
		return r;
	default:
		return 0;
	}
}

static inkan_spf_result
qualifier_result(char q)
{
	switch (q) {
	case '-':
		return INKAN_SPF_FAIL;
	case '~':
		return INKAN_SPF_SOFTFAIL;
	case '?':
		return INKAN_SPF_NEUTRAL;
	default:
		return INKAN_SPF_PASS;
	}
}

/* start what the DNS terms of @rec will ask, within the term budget */
static void
prefetch(ik_spf_check *c, const ik_spf_record *rec, const char *domain)
{
	size_t budget, k;
	int ptr_done = 0;
	ik_spf_macro_env env;
	ik_buf target;

	if (c->sequential || c->dns_terms >= c->max_terms)
		return;
	budget = c->max_terms - c->dns_terms;
	ik_buf_init(&target, c->ctx, IK_SPF_EXPAND_MAX);
	for (k = 0; k <= rec->nterms && budget > 0; k++) {
		const ik_spf_term *t;
		uint16_t type;

		/* evaluation order: the mechanisms, then redirect= */
		if (k == rec->nterms) {
			if (rec->redirect < 0 || rec->has_all)
				break;
			t = &rec->terms[rec->redirect];
		} else {
			t = &rec->terms[k];
			if (t->kind == IK_SPF_REDIRECT)
				continue;
		}
		if (!ik_spf_kind_is_dns(t->kind))
			continue;
		budget--;
		/* %{p} would need DNS itself: leave it to evaluation */
		if (t->macros & IK_SPF_MACRO_BIT('p'))
			continue;
		if (t->kind == IK_SPF_PTR) {
			char rev[74];

			if (!ptr_done)
				ik_spf_ip_reverse_name(&c->ip, rev);
			if (!ptr_done)
				ik_spf_prefetch(c, rev, INKAN_DNS_TYPE_PTR, 0);
			ptr_done = 1;
			continue;
		}
		ik_buf_reset(&target);
		if (t->spec != NULL) {
			ik_spf_env(c, domain, &env);
			if (ik_spf_expand(&env, t->spec, t->spec_len,
			    IK_SPF_EXPAND_DOMAIN, &target) != INKAN_OK)
				continue;
		} else if (ik_buf_puts(&target, domain) != INKAN_OK) {
			continue;
		}
		switch (t->kind) {
		case IK_SPF_INCLUDE:
		case IK_SPF_REDIRECT:
			type = INKAN_DNS_TYPE_TXT;
			break;
		case IK_SPF_MX:
			type = INKAN_DNS_TYPE_MX;
			break;
		case IK_SPF_A:
			type = c->ip.v6 ? INKAN_DNS_TYPE_AAAA : INKAN_DNS_TYPE_A;
			break;
		default:
			type = INKAN_DNS_TYPE_A;
			break;
		}
		ik_spf_prefetch(c, ik_buf_str(&target), type, 0);
	}
	ik_buf_free(&target);
}

/* RFC 7208 6.1: no mechanism matched, redirect= is there and no "all" */
static inkan_spf_result
follow_redirect(ik_spf_check *c, struct frame *f, const ik_spf_record *rec)
{
	const ik_spf_term *t = &rec->terms[rec->redirect];
	inkan_spf_result res = INKAN_SPF_PERMERROR;
	struct frame sub;
	ik_buf target;
	char note[96] = "";
	char *dom;

	ik_buf_init(&target, c->ctx, IK_SPF_EXPAND_MAX);
	if (++c->dns_terms > c->max_terms) {
		snprintf(note, sizeof(note), "more than %zu DNS-querying "
			"terms (RFC 7208 4.6.4)", c->max_terms);
		ik_spf_set_limit(c, INKAN_LIMIT_SPF_DNS_TERMS, note);
		ik_spf_trace(c, INKAN_SPF_STEP_ERROR, f->depth, f->domain,
			t->text, t->text_len, NULL, note);
		return INKAN_SPF_PERMERROR;
	}
	if (target_of(c, t, f->domain, &target, &res) < 0) {
		ik_spf_trace(c, INKAN_SPF_STEP_ERROR, f->depth, f->domain,
			t->text, t->text_len, NULL, NULL);
		ik_buf_free(&target);
		return res;
	}
	ik_spf_trace(c, INKAN_SPF_STEP_REDIRECT, f->depth, f->domain, t->text,
		t->text_len, ik_buf_str(&target), NULL);
	dom = scratch_strdup(c, ik_buf_str(&target));
	ik_buf_free(&target);
	if (dom == NULL) {
		c->fatal = INKAN_ERR_NOMEM;
		return INKAN_SPF_PERMERROR;
	}
	sub.domain = dom;
	sub.depth = f->depth;	/* redirect stays in the same ADMD: its
				 * record's exp= is the one used (6.2) */
	res = check_host(c, &sub, ROLE_REDIRECT);
	if (res == INKAN_SPF_NONE) {
		ik_spf_set_reason(c, INKAN_SPF_REASON_REDIRECT_NONE, dom,
			sub.none == NONE_INVALID ?
			"redirect target is not a valid domain name" :
			"redirect target has no SPF record", 0);
		res = INKAN_SPF_PERMERROR;
	}
	return res;
}

static void
done_buf(ik_buf *b, ik_buf *local)
{
	if (b == local)
		ik_buf_free(local);
}

/*
 * @fetched: the record came from the network rather than a cache; what
 * its terms ask then most likely has to come from the network too, so it
 * is started at once. A cached record's lookups are most likely cached:
 * starting them early would only cost work.
 */
static inkan_spf_result
evaluate(ik_spf_check *c, struct frame *f, const ik_spf_record *rec,
	int fetched)
{
	inkan_spf_verdict *v = &c->box->pub;
	inkan_spf_result res = INKAN_SPF_NEUTRAL;
	ik_buf local, *target;
	size_t i;

	if (fetched)
		prefetch(c, rec, f->domain);
	/* one target buffer per nesting level, kept for the whole check */
	if (c->nest >= 1 && c->nest <= IK_SPF_TBUFS) {
		target = &c->tbuf[c->nest - 1];
	} else {
		ik_buf_init(&local, c->ctx, IK_SPF_EXPAND_MAX);
		target = &local;
	}
	for (i = 0; i < rec->nterms; i++) {
		const ik_spf_term *t = &rec->terms[i];
		char note[128];
		size_t slot = v->ntrace;
		int m;

		if (t->kind >= IK_SPF_REDIRECT)
			continue;
		note[0] = '\0';
		if (t->kind == IK_SPF_INCLUDE)
			/* placeholder, so the included record's steps come
			 * after the include that caused them */
			ik_spf_trace(c, INKAN_SPF_STEP_NO_MATCH, f->depth,
				f->domain, t->text, t->text_len, NULL, NULL);
		m = eval_term(c, f, t, target, note, sizeof(note), &res);
		if (c->fatal != INKAN_OK) {
			done_buf(target, &local);
			return INKAN_SPF_PERMERROR;
		}
		if (t->kind == IK_SPF_INCLUDE && slot < v->ntrace) {
			c->box->trace[slot].step = m > 0 ? INKAN_SPF_STEP_MATCH :
			    m == 0 ? INKAN_SPF_STEP_NO_MATCH :
			    INKAN_SPF_STEP_ERROR;
			c->box->trace[slot].target = ik_spf_box_str(c->box,
				ik_buf_str(target), target->len);
			c->box->trace[slot].dns_terms = c->dns_terms;
			c->box->trace[slot].void_lookups = c->void_lookups;
		} else {
			ik_spf_trace(c, m > 0 ? INKAN_SPF_STEP_MATCH : m == 0 ?
				INKAN_SPF_STEP_NO_MATCH : INKAN_SPF_STEP_ERROR,
				f->depth, f->domain, t->text, t->text_len,
				ik_spf_kind_is_dns(t->kind) && target->len > 0 ?
				ik_buf_str(target) : NULL,
				note[0] ? note : NULL);
		}
		if (m < 0) {
			done_buf(target, &local);
			return res;
		}
		if (m == 0)
			continue;
		done_buf(target, &local);
		res = qualifier_result(t->qualifier);
		if (f->depth == 0) {
			v->mechanism = ik_spf_box_str(c->box, t->text,
				t->text_len);
			v->mechanism_domain = ik_spf_box_str(c->box, f->domain,
				strlen(f->domain));
			ik_spf_set_reason(c, INKAN_SPF_REASON_MATCH, NULL, NULL,
				0);
			/* RFC 7208 6.2: the explanation of this record */
			if (res == INKAN_SPF_FAIL)
				ik_spf_explain(c, rec, f->domain, f->depth);
		}
		return res;
	}
	done_buf(target, &local);
	/* RFC 7208 5.1: redirect is ignored when the record has "all" */
	if (rec->redirect >= 0 && !rec->has_all)
		return follow_redirect(c, f, rec);
	if (f->depth == 0)
		ik_spf_set_reason(c, INKAN_SPF_REASON_DEFAULT, NULL, NULL, 0);
	return INKAN_SPF_NEUTRAL;	/* RFC 7208 4.7 */
}

static inkan_spf_result
none(ik_spf_check *c, struct frame *f, enum role role, enum none_cause why,
	inkan_spf_reason reason)
{
	f->none = why;
	if (role == ROLE_TOP)
		ik_spf_set_reason(c, reason, f->domain, NULL, 0);
	return INKAN_SPF_NONE;
}

static inkan_spf_result
check_host(ik_spf_check *c, struct frame *f, enum role role)
{
	const inkan_dns_answer *ans;
	const inkan_dns_str *sel = NULL;
	const ik_spf_record *rec = NULL;
	ik_spf_record local;
	struct ik_spf_centry *ce = NULL;
	enum ik_spf_look look;
	inkan_spf_result res;
	size_t i, nsel = 0;
	inkan_status st;

	/* RFC 7208 4.3 */
	if (!ik_spf_domain_ok(f->domain, strlen(f->domain)))
		return none(c, f, role, NONE_INVALID,
			INKAN_SPF_REASON_INVALID_DOMAIN);
	/* RFC 7208 4.4: TXT only */
	look = ik_spf_lookup(c, f->domain, INKAN_DNS_TYPE_TXT, 0, &ans);
	if (look == IK_LOOK_VOID || look == IK_LOOK_NXDOMAIN) {
		/* the TXT lookup of include/redirect is a term's lookup */
		if (role != ROLE_TOP && void_over(c))
			return INKAN_SPF_PERMERROR;
		return look == IK_LOOK_NXDOMAIN ?
		    none(c, f, role, NONE_NXDOMAIN, INKAN_SPF_REASON_NXDOMAIN) :
		    none(c, f, role, NONE_NO_RECORD,
		    INKAN_SPF_REASON_NO_RECORD);
	}
	if (look != IK_LOOK_DATA)
		return look_error(c, look, f->domain, INKAN_DNS_TYPE_TXT);
	/* RFC 7208 4.5: exactly one record starting with "v=spf1" */
	for (i = 0; i < ans->nrrs; i++) {
		const inkan_dns_str *j = &ans->rrs[i].u.txt.joined;

		if (ans->rrs[i].type == INKAN_DNS_TYPE_TXT &&
		    ik_spf_is_record(j->data, j->len)) {
			sel = j;
			nsel++;
		}
	}
	if (nsel == 0)
		return none(c, f, role, NONE_NO_RECORD,
			INKAN_SPF_REASON_NO_RECORD);
	if (nsel > 1) {
		ik_spf_set_reason(c, INKAN_SPF_REASON_MULTIPLE_RECORDS,
			f->domain, "more than one v=spf1 record", 0);
		return INKAN_SPF_PERMERROR;
	}
	if (c->cache == NULL || (st = ik_spf_cache_get(c->cache, sel->data,
	    sel->len, &ce)) == INKAN_ERR_LIMIT) {
		st = ik_spf_record_parse_with(c->ctx, sel->data, sel->len,
			&local, ik_spf_scratch_alloc, &c->scratch);
		rec = &local;
	} else if (st == INKAN_OK) {
		rec = ik_spf_centry_record(ce, &st);
	}
	if (st == INKAN_ERR_SYNTAX) {
		ik_spf_set_syntax(c, f->domain, rec);
		ik_spf_trace(c, INKAN_SPF_STEP_ERROR, f->depth, f->domain,
			rec->text, rec->len, NULL, rec->err_msg);
		res = INKAN_SPF_PERMERROR;
	} else if (st != INKAN_OK) {
		c->fatal = st;
		res = INKAN_SPF_PERMERROR;
	} else {
		ik_spf_trace(c, INKAN_SPF_STEP_RECORD, f->depth, f->domain,
			rec->text, rec->len, NULL, NULL);
		/* the term limit bounds nesting; this bounds the stack
		 * whatever the limit is set to */
		if (c->nest >= IK_SPF_MAX_DEPTH) {
			ik_spf_set_limit(c, INKAN_LIMIT_SPF_DNS_TERMS,
				"includes and redirects nested too deeply");
			res = INKAN_SPF_PERMERROR;
		} else {
			c->nest++;
			res = evaluate(c, f, rec, !ans->from_cache);
			c->nest--;
		}
	}
	if (ce != NULL)
		ik_spf_cache_release(c->cache, ce);
	else if (rec == &local)
		ik_spf_record_free(c->ctx, &local);
	return res;
}

inkan_spf_result
ik_spf_check_host(ik_spf_check *c, const char *domain)
{
	struct frame f;

	f.domain = domain;
	f.depth = 0;
	f.none = NONE_NO_RECORD;
	return check_host(c, &f, ROLE_TOP);
}
