/* SPDX-License-Identifier: MIT */
/*
 * test_arc.c - lib/arc through real keys and a real zone: sealing and
 * validating chains of several hops (RSA and Ed25519), the cv=fail rules
 * (RFC 8617 5.1 step 2, 5.1.2), the 50-set limit, and the DMARC local
 * policy of lib/verify end to end: a message passes DMARC at a mailing
 * list, the list adds a footer and seals, and the final receiver rejects
 * it unless it trusts the list as a sealer.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <inkan/arc.h>
#include <inkan/authres.h>
#include <inkan/dns.h>
#include <inkan/verify.h>

#include "test_verify_util.h"

/* the list: list.example seals with selector "arc" (the RSA-1024 key),
 * and sends from 198.51.100.0/24 */
static char arc_extra[8192];

static void
arc_zone(struct vt *f)
{
	char *l1 = vt_key_zone_line(f->esp, "arc", "list.example");
	char *l2 = vt_key_zone_line(f->ed, "arc-ed", "fwd.example");

	snprintf(arc_extra, sizeof(arc_extra), "%s\n%s\n$ORIGIN list.example.\n"
		"@ TXT \"v=spf1 ip4:198.51.100.0/24 -all\"\n", l1, l2);
	vt_zone(f, arc_extra);
	free(l1);
	free(l2);
}

/* verify @msg as mx.test with @sealers trusted; envelope from the list */
static const inkan_verify_result *
run(struct vt *f, const char *msg, const char *ip, const char *mail_from,
	const char *const *sealers, size_t nsealers)
{
	inkan_verify_options o;
	inkan_verify_envelope env = { ip, "mail.list.example", mail_from };
	const inkan_verify_result *res = NULL;

	inkan_verify_free(f->v);
	f->v = NULL;
	inkan_verify_options_init(&o);
	o.authserv_id = "mx.test";
	o.authres_style = INKAN_AUTHRES_STYLE_LF | INKAN_AUTHRES_STYLE_NO_WRAP;
	o.arc_trusted_sealers = sealers;
	o.narc_trusted_sealers = nsealers;
	assert_int_equal(inkan_verify_new(f->ctx, &o, &f->v), INKAN_OK);
	assert_int_equal(inkan_verify_set_envelope(f->v, &env), INKAN_OK);
	assert_int_equal(inkan_verify_feed(f->v, msg, strlen(msg)), INKAN_OK);
	assert_int_equal(inkan_verify_eom(f->v, &res), INKAN_OK);
	return res;
}

/* seal @msg (validating its chain on the way) as @domain/@sel with @key,
 * recording @authres; returns the sealed message (malloc) or a copy of
 * @msg when nothing may be added */
static char *
seal(struct vt *f, const char *msg, const inkan_key *key, const char *domain,
	const char *sel, const char *authres, const inkan_arc_result *chain,
	inkan_arc_verdict *seen)
{
	inkan_dkim *dkim = NULL;
	inkan_msg *m = NULL;
	inkan_arc_verify *v = NULL;
	inkan_arc_seal *s = NULL;
	inkan_arc_seal_key k;
	const inkan_arc_result *r;
	size_t i, total = strlen(msg) + 1;
	char *out;

	memset(&k, 0, sizeof(k));
	k.domain = domain;
	k.selector = sel;
	k.key = key;
	assert_int_equal(inkan_dkim_new(f->ctx, &dkim), INKAN_OK);
	assert_int_equal(inkan_msg_new(f->ctx, &m), INKAN_OK);
	assert_int_equal(inkan_arc_verify_new(dkim, m, &v), INKAN_OK);
	assert_int_equal(inkan_arc_seal_new(dkim, m, &k, &s), INKAN_OK);
	assert_int_equal(inkan_msg_feed(m, msg, strlen(msg)), INKAN_OK);
	assert_int_equal(inkan_msg_finish(m), INKAN_OK);
	assert_int_equal(inkan_arc_verify_eom(v), INKAN_OK);
	r = inkan_arc_verify_result(v);
	assert_non_null(r);
	if (seen != NULL)
		*seen = r->verdict;
	assert_int_equal(inkan_arc_seal_eom(s, chain ? chain : r, authres),
		INKAN_OK);
	for (i = 0; i < inkan_arc_seal_count(s); i++)
		total += strlen(inkan_arc_seal_header(s, i, NULL));
	out = malloc(total);
	assert_non_null(out);
	out[0] = '\0';
	for (i = 0; i < inkan_arc_seal_count(s); i++)
		strcat(out, inkan_arc_seal_header(s, i, NULL));
	strcat(out, msg);
	inkan_arc_seal_free(s);
	inkan_arc_verify_free(v);
	inkan_msg_free(m);
	inkan_dkim_free(dkim);
	return out;
}

/* the list: DMARC passes on arrival, then a footer, then its seal */
static char *
through_list(struct vt *f)
{
	char *msg = vt_message("example.com", NULL), *signed_msg, *changed;
	char *value = NULL, *sealed;
	const inkan_verify_result *r;

	signed_msg = vt_sign(f, msg, f->rsa, "example.com", "rsa", NULL, NULL,
		NULL);
	r = run(f, signed_msg, "192.0.2.25", "bounce@bounce.example.com",
		NULL, 0);
	assert_int_equal(r->dmarc->verdict, INKAN_DMARC_PASS);
	assert_int_equal(r->arc->verdict, INKAN_ARC_NONE);
	assert_int_equal(inkan_verify_authres(f->v, 0, 1, &value, NULL),
		INKAN_OK);
	changed = malloc(strlen(signed_msg) + 64);
	assert_non_null(changed);
	sprintf(changed, "%s-- \r\nlist footer: unsubscribe here\r\n",
		signed_msg);
	sealed = seal(f, changed, f->esp, "list.example", "arc", value,
		r->arc, NULL);
	inkan_free(f->ctx, value);
	free(msg);
	free(signed_msg);
	free(changed);
	return sealed;
}

static void
test_trusted_sealer_override(void **state)
{
	struct vt *f = *state;
	static const char *const trusted[] = { "other.example",
		"LIST.example" };
	const inkan_verify_result *r;
	char *sealed, *text = NULL;

	arc_zone(f);
	sealed = through_list(f);
	/* no trusted sealers: DKIM broke in transit, SPF is the list's */
	r = run(f, sealed, "198.51.100.7", "bounce@list.example", NULL, 0);
	assert_int_equal(r->arc->verdict, INKAN_ARC_PASS);
	assert_int_equal(r->arc->instances, 1);
	assert_string_equal(r->arc->sets[0].domain, "list.example");
	assert_string_equal(r->arc->sets[0].dmarc, "pass");
	/* what the list claimed: the client it saw (RFC 8617 6) */
	assert_string_equal(r->arc->sets[0].remote_ip, "192.0.2.25");
	assert_int_equal(r->dkim[0].verdict, INKAN_DKIM_FAIL);
	assert_int_equal(r->dmarc->verdict, INKAN_DMARC_FAIL);
	assert_int_equal(r->dmarc->disposition, INKAN_DMARC_DISPOSITION_REJECT);
	assert_int_equal(r->dmarc->override, INKAN_DMARC_OVERRIDE_NONE);
	assert_int_equal(r->outcome, INKAN_VERIFY_FAIL);
	assert_null(r->arc_sealer);
	VT_HAS(r->authres, "arc=pass (i=1 spf=pass dkim=pass dmarc=pass) "
		"header.oldest-pass=0");
	VT_HAS(r->authres, "dis=REJECT");
	/* the list trusted: accepted, the override recorded */
	r = run(f, sealed, "198.51.100.7", "bounce@list.example", trusted, 2);
	assert_int_equal(r->dmarc->verdict, INKAN_DMARC_FAIL);
	assert_int_equal(r->dmarc->disposition, INKAN_DMARC_DISPOSITION_NONE);
	assert_int_equal(r->dmarc->override, INKAN_DMARC_OVERRIDE_LOCAL_POLICY);
	assert_string_equal(inkan_dmarc_override_name(r->dmarc->override),
		"local_policy");
	assert_int_equal(r->outcome, INKAN_VERIFY_NEUTRAL);
	assert_string_equal(r->arc_sealer, "list.example");
	assert_string_equal(r->arc_policy_comment,
		"arc=pass as[1].d=list.example as[1].s=arc "
		"remote-ip[1]=192.0.2.25");
	VT_HAS(r->authres, "header.oldest-pass=0 smtp.remote-ip=198.51.100.7");
	VT_HAS(r->authres, "dmarc=fail (p=REJECT sp=REJECT dis=NONE) "
		"(local policy: trusted ARC sealer list.example)");
	assert_int_equal(inkan_verify_summary(f->v, 0, &text, NULL), INKAN_OK);
	VT_HAS(text, "\nARC:   pass - 1 set, the newest sealed by "
		"list.example");
	VT_HAS(text, "\n       i=1 list.example (s=arc) cv=none: AAR by "
		"mx.test spf=pass dkim=pass dmarc=pass, client 192.0.2.25; AMS "
		"pass, seal pass\n");
	inkan_free(f->ctx, text);
	free(sealed);
}

static void
test_no_override_on_broken_chain(void **state)
{
	struct vt *f = *state;
	static const char *const trusted[] = { "list.example" };
	const inkan_verify_result *r;
	char *sealed, *changed;

	arc_zone(f);
	sealed = through_list(f);
	/* changed after the list sealed: the newest AMS breaks */
	changed = malloc(strlen(sealed) + 32);
	assert_non_null(changed);
	sprintf(changed, "%sP.S. added later\r\n", sealed);
	r = run(f, changed, "198.51.100.7", "bounce@list.example", trusted, 1);
	assert_int_equal(r->arc->verdict, INKAN_ARC_FAIL);
	assert_int_equal(r->arc->reason, INKAN_ARC_R_AMS);
	assert_int_equal(r->arc->fail_instance, 1);
	assert_int_equal(r->arc->detail, INKAN_DKIM_R_BODY_HASH);
	assert_int_equal(r->dmarc->disposition, INKAN_DMARC_DISPOSITION_REJECT);
	assert_int_equal(r->outcome, INKAN_VERIFY_FAIL);
	assert_null(r->arc_sealer);
	VT_HAS(r->authres, "arc=fail (i=1 newest ARC-Message-Signature did "
		"not verify: body hash did not verify)");
	free(sealed);
	free(changed);
}

/* three hops, RSA then Ed25519 then RSA; then a broken one */
static void
test_three_hops_and_cv_fail(void **state)
{
	struct vt *f = *state;
	const inkan_verify_result *r;
	char *h1, *h2, *h3, *bad, *h4, *h5;
	inkan_arc_verdict seen;

	arc_zone(f);
	h1 = through_list(f);
	h2 = seal(f, h1, f->ed, "fwd.example", "arc-ed", "fwd.example; "
		"arc=pass", NULL, &seen);
	assert_int_equal(seen, INKAN_ARC_PASS);
	h3 = seal(f, h2, f->esp, "list.example", "arc", "list.example; "
		"arc=pass", NULL, &seen);
	assert_int_equal(seen, INKAN_ARC_PASS);
	VT_HAS(h3, "ARC-Seal: i=3; a=rsa-sha256; cv=pass; d=list.example;");
	VT_HAS(h3, "ARC-Seal: i=2; a=ed25519-sha256; cv=pass;");
	r = run(f, h3, "198.51.100.7", "bounce@list.example", NULL, 0);
	assert_int_equal(r->arc->verdict, INKAN_ARC_PASS);
	assert_int_equal(r->arc->instances, 3);
	assert_int_equal(r->arc->oldest_pass, 0);
	assert_string_equal(r->arc->sets[1].domain, "fwd.example");
	/* a forged AAR in set 2 breaks seal 3 and 2 */
	bad = strdup(h3);
	assert_non_null(bad);
	memcpy(strstr(bad, "i=2; fwd.example; arc=pass"), "i=2; fwd.example; "
		"arc=fail", 26);
	r = run(f, bad, "198.51.100.7", "bounce@list.example", NULL, 0);
	assert_int_equal(r->arc->verdict, INKAN_ARC_FAIL);
	assert_int_equal(r->arc->reason, INKAN_ARC_R_SEAL);
	assert_int_equal(r->arc->fail_instance, 3);
	/* RFC 8617 5.1.2: sealed with cv=fail over its own set only */
	h4 = seal(f, bad, f->esp, "list.example", "arc", "list.example; "
		"arc=fail", NULL, &seen);
	assert_int_equal(seen, INKAN_ARC_FAIL);
	VT_HAS(h4, "ARC-Seal: i=4; a=rsa-sha256; cv=fail;");
	r = run(f, h4, "198.51.100.7", "bounce@list.example", NULL, 0);
	assert_int_equal(r->arc->verdict, INKAN_ARC_FAIL);
	assert_int_equal(r->arc->reason, INKAN_ARC_R_LAST_CV_FAIL);
	/* 5.1 step 2: nothing is added after a cv=fail set */
	h5 = seal(f, h4, f->esp, "list.example", "arc", "list.example; "
		"arc=fail", NULL, NULL);
	assert_string_equal(h5, h4);
	free(h1);
	free(h2);
	free(h3);
	free(bad);
	free(h4);
	free(h5);
}

/* 4.2.1, 5.2 step 1: instance 51 cannot exist; a gap fails */
static void
test_structure(void **state)
{
	struct vt *f = *state;
	const inkan_verify_result *r;
	char *msg = vt_message("example.com", NULL), buf[4096];

	arc_zone(f);
	snprintf(buf, sizeof(buf), "ARC-Seal: i=51; a=rsa-sha256; cv=pass; "
		"d=list.example; s=arc; b=AAAA\r\n%s", msg);
	r = run(f, buf, "192.0.2.25", "bounce@bounce.example.com", NULL, 0);
	assert_int_equal(r->arc->verdict, INKAN_ARC_FAIL);
	assert_int_equal(r->arc->reason, INKAN_ARC_R_INSTANCE);
	snprintf(buf, sizeof(buf), "ARC-Authentication-Results: i=2; x; "
		"none\r\n%s", msg);
	r = run(f, buf, "192.0.2.25", "bounce@bounce.example.com", NULL, 0);
	assert_int_equal(r->arc->verdict, INKAN_ARC_FAIL);
	assert_int_equal(r->arc->reason, INKAN_ARC_R_MISSING);
	assert_int_equal(r->arc->fail_instance, 1);
	free(msg);
}

/* lib/verify seals what it verified (the milter's forwarder case) */
static void
test_verify_seals(void **state)
{
	struct vt *f = *state;
	inkan_verify_options o;
	inkan_verify_envelope env = { "192.0.2.25", "mail.example.com",
		"bounce@bounce.example.com" };
	inkan_arc_seal_key k;
	const inkan_verify_result *r = NULL;
	char *msg = vt_message("example.com", NULL), *signed_msg, *sealed;

	arc_zone(f);
	signed_msg = vt_sign(f, msg, f->rsa, "example.com", "rsa", NULL, NULL,
		NULL);
	memset(&k, 0, sizeof(k));
	k.domain = "fwd.example";
	k.selector = "arc-ed";
	k.key = f->ed;
	inkan_verify_options_init(&o);
	o.authserv_id = "mx.fwd.example";
	o.arc_seal = &k;
	inkan_verify_free(f->v);
	assert_int_equal(inkan_verify_new(f->ctx, &o, &f->v), INKAN_OK);
	assert_int_equal(inkan_verify_set_envelope(f->v, &env), INKAN_OK);
	assert_int_equal(inkan_verify_feed(f->v, signed_msg,
		strlen(signed_msg)), INKAN_OK);
	assert_int_equal(inkan_verify_eom(f->v, &r), INKAN_OK);
	assert_non_null(r->arc_seal);
	assert_int_equal(inkan_arc_seal_count(inkan_verify_arc_seal(f->v)), 3);
	VT_HAS(r->arc_seal, "ARC-Seal: i=1; a=ed25519-sha256; cv=none; "
		"d=fwd.example;");
	VT_HAS(r->arc_seal, "ARC-Authentication-Results: i=1; "
		"mx.fwd.example;");
	sealed = malloc(strlen(r->arc_seal) + strlen(signed_msg) + 1);
	assert_non_null(sealed);
	strcpy(sealed, r->arc_seal);
	strcat(sealed, signed_msg);
	r = run(f, sealed, "198.51.100.7", "bounce@list.example", NULL, 0);
	assert_int_equal(r->arc->verdict, INKAN_ARC_PASS);
	assert_string_equal(r->arc->sets[0].domain, "fwd.example");
	assert_string_equal(r->arc->sets[0].authserv_id, "mx.fwd.example");
	assert_string_equal(r->arc->sets[0].remote_ip, "192.0.2.25");
	assert_string_equal(r->arc->sets[0].dmarc, "pass");
	assert_null(r->arc_seal);
	free(msg);
	free(signed_msg);
	free(sealed);
}

/* an allocator that fails the Nth allocation */
struct failing {
	long count, fail_at, failed;
};

static void *
fa_alloc(void *ud, size_t size)
{
	struct failing *fa = ud;

	if (++fa->count == fa->fail_at) {
		fa->failed++;
		return NULL;
	}
	return malloc(size);
}

static void *
fa_realloc(void *ud, void *p, size_t size)
{
	struct failing *fa = ud;

	if (++fa->count == fa->fail_at) {
		fa->failed++;
		return NULL;
	}
	return realloc(p, size);
}

static void
fa_free(void *ud, void *p)
{
	(void)ud;
	free(p);
}

/* validate and seal @msg with allocation @n failing; 1 when none did */
static int
run_failing(struct vt *f, const char *zone, const char *msg, long n)
{
	struct failing fa = { 0, 0, 0 };
	inkan_allocator al = { fa_alloc, fa_realloc, fa_free, &fa };
	inkan_verify_envelope env = { "198.51.100.7", "mail.list.example",
		"bounce@list.example" };
	inkan_verify_options o;
	inkan_arc_seal_key k;
	inkan_ctx *ctx = NULL;
	inkan_resolver *zr = NULL, *cache = NULL;
	inkan_verify *v = NULL;
	const inkan_verify_result *r = NULL;
	inkan_status st;

	(void)f;
	assert_int_equal(inkan_ctx_new(&al, &ctx), INKAN_OK);
	assert_int_equal(inkan_resolver_zone_new(ctx, &zr), INKAN_OK);
	assert_int_equal(inkan_resolver_zone_load_mem(zr, zone, SIZE_MAX,
		NULL, NULL, NULL, 0), INKAN_OK);
	assert_int_equal(inkan_resolver_cache_new(ctx, zr, 0, &cache),
		INKAN_OK);
	inkan_ctx_set_resolver(ctx, cache);
	memset(&k, 0, sizeof(k));
	k.domain = "list.example";
	k.selector = "arc";
	k.key = f->esp;
	inkan_verify_options_init(&o);
	o.arc_seal = &k;
	/* no SPF thread: the count of allocations is the same every run */
	o.flags = INKAN_VERIFY_SPF_INLINE;
	fa.fail_at = n;
	fa.count = 0;
	st = inkan_verify_new(ctx, &o, &v);
	if (st == INKAN_OK)
		st = inkan_verify_set_envelope(v, &env);
	if (st == INKAN_OK)
		st = inkan_verify_feed(v, msg, strlen(msg));
	if (st == INKAN_OK)
		st = inkan_verify_eom(v, &r);
	if (st == INKAN_OK && fa.failed == 0) {
		/* the full run: a 3-set chain validated, a 4th set made */
		assert_int_equal(r->arc->verdict, INKAN_ARC_PASS);
		assert_int_equal(r->arc->instances, 3);
		assert_non_null(r->arc_seal);
	}
	inkan_verify_free(v);
	fa.fail_at = 0;
	inkan_resolver_free(cache);
	inkan_ctx_free(ctx);
	return fa.failed == 0 && st == INKAN_OK;
}

/* every allocation of validating a three-set chain and sealing it,
 * failed in turn: a status or a verdict, never a crash or a leak */
static void
test_allocation_failures(void **state)
{
	struct vt *f = *state;
	char *h1, *h2, *h3, *zone;
	long n;

	arc_zone(f);
	h1 = through_list(f);
	h2 = seal(f, h1, f->ed, "fwd.example", "arc-ed", "fwd.example; "
		"arc=pass", NULL, NULL);
	h3 = seal(f, h2, f->esp, "list.example", "arc", "list.example; "
		"arc=pass", NULL, NULL);
	zone = malloc(strlen(f->zone) + strlen(arc_extra) + 2);
	assert_non_null(zone);
	sprintf(zone, "%s\n%s", f->zone, arc_extra);
	for (n = 1; n < 100000; n++)
		if (run_failing(f, zone, h3, n))
			break;
	print_message("# %ld allocation points failed in turn\n", n - 1);
	assert_true(n > 100 && n < 100000);
	free(zone);
	free(h1);
	free(h2);
	free(h3);
}

/* a resolver over another that counts the questions started before the
 * first answer is waited for */
struct counting {
	inkan_resolver *inner;
	int started, before_first_wait, waited;
	int keys, keys_before_first_wait;	/* _domainkey names */
};

static inkan_status
cr_start(void *impl, const char *name, uint16_t type, uint32_t timeout_ms,
	void **qstate)
{
	struct counting *c = impl;
	inkan_dns_query *q = NULL;
	inkan_status st;

	(void)timeout_ms;
	st = inkan_dns_start(c->inner, name, type, &q);
	c->started++;
	c->keys += strstr(name, "._domainkey.") != NULL;
	*qstate = q;
	return st;
}

static inkan_status
cr_wait(void *impl, void *qstate, const inkan_dns_answer **answer)
{
	struct counting *c = impl;

	if (!c->waited++) {
		c->before_first_wait = c->started;
		c->keys_before_first_wait = c->keys;
	}
	return inkan_dns_wait(qstate, answer);
}

static void
cr_free(void *impl, void *qstate)
{
	(void)impl;
	inkan_dns_query_free(qstate);
}

static void
cr_destroy(void *impl)
{
	(void)impl;
}

static const inkan_resolver_ops counting_ops = {
	cr_start, cr_wait, cr_free, cr_destroy
};

/* RFC 8617 5.2 needs a key per AMS and AS: every question starts at the
 * end of the header section, before anything is waited for */
static void
test_key_lookups_together(void **state)
{
	struct vt *f = *state;
	struct counting c = { NULL, 0, 0, 0, 0, 0 };
	inkan_verify_options o;
	inkan_verify *vv = NULL;
	const inkan_verify_result *res = NULL;
	inkan_verify_envelope env = { "198.51.100.7", "mail.list.example",
		"bounce@list.example" };
	inkan_resolver *r = NULL, *old;
	inkan_dkim *dkim = NULL;
	inkan_msg *m = NULL;
	inkan_arc_verify *v = NULL;
	char *h1, *h2, *h3, *zone;

	arc_zone(f);
	h1 = through_list(f);
	h2 = seal(f, h1, f->ed, "fwd.example", "arc-ed", "fwd.example; "
		"arc=pass", NULL, NULL);
	h3 = seal(f, h2, f->esp, "list.example", "arc", "list.example; "
		"arc=pass", NULL, NULL);
	zone = malloc(strlen(f->zone) + strlen(arc_extra) + 2);
	assert_non_null(zone);
	sprintf(zone, "%s\n%s", f->zone, arc_extra);
	assert_int_equal(inkan_resolver_zone_new(f->ctx, &c.inner), INKAN_OK);
	assert_int_equal(inkan_resolver_zone_load_mem(c.inner, zone,
		strlen(zone), NULL, NULL, NULL, 0), INKAN_OK);
	assert_int_equal(inkan_resolver_new(f->ctx, &counting_ops, &c, &r),
		INKAN_OK);
	old = inkan_ctx_resolver(f->ctx);
	inkan_ctx_set_resolver(f->ctx, r);
	/* no key cache: every key is a question */
	assert_int_equal(inkan_dkim_new(f->ctx, &dkim), INKAN_OK);
	assert_int_equal(inkan_dkim_set_cache_size(dkim, 0), INKAN_OK);
	assert_int_equal(inkan_msg_new(f->ctx, &m), INKAN_OK);
	assert_int_equal(inkan_arc_verify_new(dkim, m, &v), INKAN_OK);
	assert_int_equal(inkan_msg_feed(m, h3, strlen(h3)), INKAN_OK);
	assert_int_equal(inkan_msg_finish(m), INKAN_OK);
	assert_int_equal(inkan_arc_verify_eom(v), INKAN_OK);
	assert_int_equal(inkan_arc_verify_result(v)->verdict, INKAN_ARC_PASS);
	/* AMS keys (list, fwd) and seal keys (list, fwd): 4 questions, all
	 * asked before the first wait */
	assert_int_equal(c.started, 4);
	assert_int_equal(c.before_first_wait, 4);
	inkan_arc_verify_free(v);
	inkan_msg_free(m);
	/* in lib/verify, in the batch of the end of the header: the DKIM
	 * key of the author's signature and the four ARC keys, with the
	 * DMARC questions, before anything is waited for (SPF inline: its
	 * record is the question started with the envelope) */
	memset(&c.started, 0, sizeof(c) - offsetof(struct counting, started));
	inkan_verify_options_init(&o);
	o.dkim = dkim;
	o.flags = INKAN_VERIFY_SPF_INLINE;
	assert_int_equal(inkan_verify_new(f->ctx, &o, &vv), INKAN_OK);
	assert_int_equal(inkan_verify_set_envelope(vv, &env), INKAN_OK);
	assert_int_equal(inkan_verify_feed(vv, h3, strlen(h3)), INKAN_OK);
	assert_int_equal(inkan_verify_eom(vv, &res), INKAN_OK);
	assert_int_equal(res->arc->verdict, INKAN_ARC_PASS);
	assert_int_equal(c.keys, 5);
	assert_int_equal(c.keys_before_first_wait, 5);
	/* and at least the DMARC record and SPF's record beside them */
	assert_true(c.before_first_wait >= 7);
	inkan_verify_free(vv);
	inkan_dkim_free(dkim);
	inkan_ctx_set_resolver(f->ctx, old);
	inkan_resolver_free(r);
	inkan_resolver_free(c.inner);
	free(zone);
	free(h1);
	free(h2);
	free(h3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_trusted_sealer_override,
			vt_teardown),
		cmocka_unit_test_teardown(test_no_override_on_broken_chain,
			vt_teardown),
		cmocka_unit_test_teardown(test_three_hops_and_cv_fail,
			vt_teardown),
		cmocka_unit_test_teardown(test_structure, vt_teardown),
		cmocka_unit_test_teardown(test_verify_seals, vt_teardown),
		cmocka_unit_test_teardown(test_allocation_failures,
			vt_teardown),
		cmocka_unit_test_teardown(test_key_lookups_together,
			vt_teardown),
	};

	return cmocka_run_group_tests(tests, vt_group_setup,
		vt_group_teardown);
}
