/* SPDX-License-Identifier: MIT */
/*
 * spf_exp.c - the explanation of a fail (RFC 7208 6.2) and the macro
 * environment of a check (7.2).
 *
 * The exp= target is looked up once, after the result is known, and
 * nothing about it counts against the DNS-term or void limits (6.2, and
 * the suite's exp-void case). Any problem with it (DNS error, no record,
 * several records, non-ASCII text, a bad explain-string) means the
 * receiver's default explanation is used instead.
 */
#include <string.h>

#include "core/alloc.h"
#include "spf_check.h"

void
ik_spf_env(ik_spf_check *c, const char *domain, ik_spf_macro_env *env)
{
	env->sender = c->sender;
	env->local_len = c->local_len;
	env->domain = domain;
	env->ip = &c->ip;
	env->helo = c->helo;
	env->receiver = c->receiver;
	env->now = c->now;
	env->get_p = ik_spf_get_p;
	env->p_ud = c;
	c->p_domain = domain;
}

static int
is_ascii_text(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] >= 0x80)
			return 0;
	return 1;
}

/* fetch and expand exp=; 1 with the text in @out, 0 to use the default */
static int
domain_explanation(ik_spf_check *c, const ik_spf_term *t,
	const char *domain, unsigned depth, ik_buf *out)
{
	const inkan_dns_answer *ans;
	const inkan_dns_str *txt;
	ik_spf_macro_env env;
	ik_buf target;
	const char *note = "used";
	uint32_t macros;
	size_t errpos;
	const char *msg;
	enum ik_spf_look look;
	int ok = 0;

	ik_buf_init(&target, c->ctx, IK_SPF_EXPAND_MAX);
	ik_spf_env(c, domain, &env);
	if (ik_spf_expand(&env, t->spec, t->spec_len, IK_SPF_EXPAND_DOMAIN,
	    &target) != INKAN_OK) {
		note = "target could not be expanded; default used";
		goto done;
	}
	look = ik_spf_lookup(c, ik_buf_str(&target), INKAN_DNS_TYPE_TXT, 0,
		&ans);
	if (look != IK_LOOK_DATA) {
		note = look == IK_LOOK_FAIL ? "DNS error; default used" :
		    "no TXT record; default used";
		goto done;
	}
	if (ans->nrrs != 1) {
		note = "more than one TXT record; default used";
		goto done;
	}
	txt = &ans->rrs[0].u.txt.joined;
	if (!is_ascii_text(txt->data, txt->len) ||
	    !ik_spf_spec_check(txt->data, txt->len, IK_SPF_SPEC_EXPLAIN,
	    &macros, &errpos, &msg)) {
		note = "not a valid US-ASCII explain-string; default used";
		goto done;
	}
	ik_spf_env(c, domain, &env);
	if (ik_spf_expand(&env, txt->data, txt->len, IK_SPF_EXPAND_EXPLAIN,
	    out) != INKAN_OK || !is_ascii_text(out->data, out->len)) {
		note = "expansion too long or not US-ASCII; default used";
		goto done;
	}
	ok = 1;
done:
	ik_spf_trace(c, INKAN_SPF_STEP_EXPLANATION, depth, domain, t->text,
		t->text_len, ik_buf_str(&target), note);
	ik_buf_free(&target);
	return ok;
}

void
ik_spf_explain(ik_spf_check *c, const ik_spf_record *rec,
	const char *domain, unsigned depth)
{
	inkan_spf_verdict *v = &c->box->pub;
	ik_spf_macro_env env;
	ik_buf text;
	int from_domain = 0;

	c->in_exp = 1;
	ik_buf_init(&text, c->ctx, IK_SPF_EXP_MAX);
	if (rec->exp >= 0)
		from_domain = domain_explanation(c, &rec->terms[rec->exp],
			domain, depth, &text);
	if (!from_domain) {
		ik_spf_env(c, domain, &env);
		if (ik_spf_expand(&env, c->default_exp, strlen(c->default_exp),
		    IK_SPF_EXPAND_EXPLAIN, &text) != INKAN_OK) {
			ik_buf_reset(&text);
			(void)ik_buf_puts(&text, "not permitted");
		}
	}
	v->explanation = ik_spf_box_str(c->box, ik_buf_str(&text), text.len);
	if (v->explanation == NULL)
		c->fatal = INKAN_ERR_NOMEM;
	v->explanation_from_domain = from_domain;
	ik_buf_free(&text);
	c->in_exp = 0;
}
