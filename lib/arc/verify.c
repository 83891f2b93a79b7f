/* SPDX-License-Identifier: MIT */
/*
 * verify.c - ARC chain validation for one message (RFC 8617 5.2).
 *
 * The AMS of every set is verified by a DKIM verifier of the AMS kind
 * (lib/dkim: body hashes shared per canonicalization, key lookups started
 * at the end of the header section). At the same moment the structure is
 * read (chain.c) and the key lookup of every ARC-Seal is started, so the
 * keys of all sets are fetched together. At the end, steps 4-7 run on
 * what came back.
 */
#include <string.h>
#include <stdio.h>

#include "arc_internal.h"
#include "core/alloc.h"
#include "core/ascii.h"
#include "core/ctx_internal.h"

struct inkan_arc_verify {
	inkan_dkim *d;
	inkan_msg *msg;
	inkan_dkim_verify *ams;		/* owned: the AMS of every set */
	int prepared, finished;
	inkan_status error;
	ik_arc_chain *chain;		/* owned */
	ik_dkim_keyq keyqs[IK_ARC_MAX_INSTANCE];	/* seal keys */
	size_t nkeyqs;
	size_t seal_keyq[IK_ARC_MAX_INSTANCE];
	ik_digest *digest[2];		/* per ik_hash_alg */
	inkan_arc_set sets[IK_ARC_MAX_INSTANCE];
	inkan_arc_result res;
};

static inkan_status prepare(inkan_arc_verify *v);

/* the first body byte ends the header section: start the seal keys */
static inkan_status
eoh_sink(void *ud, const char *data, size_t len)
{
	inkan_arc_verify *v = ud;

	(void)data;
	(void)len;
	return v->prepared ? INKAN_OK : prepare(v);
}

INKAN_API inkan_status
inkan_arc_verify_new(inkan_dkim *d, inkan_msg *msg, inkan_arc_verify **out)
{
	inkan_arc_verify *v;
	inkan_status st;

	if (out == NULL)
		return INKAN_ERR_INVALID;
	*out = NULL;
	if (d == NULL || msg == NULL)
		return INKAN_ERR_INVALID;
	if ((v = ik_calloc(d->ctx, 1, sizeof(*v))) == NULL)
		return INKAN_ERR_NOMEM;
	v->d = d;
	v->msg = msg;
	v->chain = ik_calloc(d->ctx, 1, sizeof(*v->chain));
	st = v->chain != NULL ? INKAN_OK : INKAN_ERR_NOMEM;
	if (st == INKAN_OK)
		st = ik_dkim_verify_new_kind(d, msg, IK_SIG_AMS, &v->ams);
	/* after the AMS verifier's sink: its prepare runs first either way
	 * (prepare() asks it to), and this one must not outlive @v */
	if (st == INKAN_OK)
		st = inkan_msg_add_body_sink(msg, eoh_sink, v);
	if (st != INKAN_OK) {
		inkan_arc_verify_free(v);
		return st;
	}
	*out = v;
	return INKAN_OK;
}

INKAN_API void
inkan_arc_verify_free(inkan_arc_verify *v)
{
	size_t i;
	const inkan_ctx *ctx;

	if (v == NULL)
		return;
	ctx = v->d->ctx;
	inkan_dkim_verify_free(v->ams);
	if (v->chain != NULL)
		ik_arc_chain_clear(ctx, v->chain);
	ik_free(ctx, v->chain);
	for (i = 0; i < v->nkeyqs; i++)
		ik_dkim_keyq_clear(v->d, &v->keyqs[i]);
	ik_digest_free(v->digest[0]);
	ik_digest_free(v->digest[1]);
	ik_free(ctx, v);
}

/* the key question of a seal, shared by seals with one selector/domain */
static inkan_status
add_keyq(inkan_arc_verify *v, const ik_dkim_sig *sig, size_t *idx)
{
	return ik_dkim_keyq_add(v->d, v->keyqs, &v->nkeyqs, sig, idx);
}

static inkan_status
prepare(inkan_arc_verify *v)
{
	const inkan_ctx *ctx = v->d->ctx;
	int64_t now = inkan_ctx_now(ctx);
	uint64_t skew = inkan_ctx_limit(ctx, INKAN_LIMIT_DKIM_CLOCK_SKEW);
	inkan_status st;
	unsigned i;

	if (v->prepared)
		return v->error;
	v->prepared = 1;
	/* AMS keys first: they are asked in the same moment as the seals' */
	if ((st = inkan_dkim_verify_eoh(v->ams)) != INKAN_OK)
		return v->error = st;
	st = ik_arc_chain_collect(v->d->ctx, v->msg, now, skew, v->chain);
	if (st != INKAN_OK)
		return v->error = st;
	if (v->chain->reason != INKAN_ARC_R_OK)
		return INKAN_OK;
	for (i = 0; i < v->chain->n; i++) {
		st = add_keyq(v, &v->chain->slot[i].seal, &v->seal_keyq[i]);
		if (st != INKAN_OK)
			return v->error = st;
	}
	return INKAN_OK;
}

INKAN_API inkan_status
inkan_arc_verify_eoh(inkan_arc_verify *v)
{
	if (v == NULL)
		return INKAN_ERR_INVALID;
	if (!inkan_msg_headers_done(v->msg))
		return INKAN_ERR_STATE;
	return prepare(v);
}

/* one ARC-Seal (5.2 step 6): key, then the hash of sets 1..inst */
static inkan_status
check_seal(inkan_arc_verify *v, unsigned inst, inkan_dkim_reason *why)
{
	const ik_dkim_sig *sig = &v->chain->slot[inst - 1].seal;
	ik_dkim_keyq *q = &v->keyqs[v->seal_keyq[inst - 1]];
	ik_digest **dp = &v->digest[sig->halg];
	unsigned char hh[IK_HASH_MAX];
	inkan_status st;

	if ((st = ik_dkim_keyq_wait(v->d, q)) != INKAN_OK)
		return st;
	if (q->key == NULL) {
		*why = q->error;
		return INKAN_OK;
	}
	if ((*why = ik_dkim_check_key(sig, q->key)) != INKAN_DKIM_R_OK)
		return INKAN_OK;
	if (*dp == NULL &&
	    (st = ik_digest_new(v->d->crypto, sig->halg, dp)) != INKAN_OK)
		return st;
	st = ik_arc_seal_hash(v->d->ctx, *dp, v->chain, 1, inst, NULL, 0,
		NULL, 0, NULL, 0, hh);
	if (st != INKAN_OK)
		return st;
	st = ik_pubkey_verify(v->d->crypto, q->key->pub, sig->halg, hh,
		ik_hash_len(sig->halg), sig->b, sig->b_len);
	if (st == INKAN_ERR_NOMEM)
		return st;
	*why = st == INKAN_OK ? INKAN_DKIM_R_OK : INKAN_DKIM_R_SIGNATURE;
	return INKAN_OK;
}

/* the AMS result of instance @inst, or NULL */
static const inkan_dkim_result *
ams_result(const inkan_arc_verify *v, unsigned inst)
{
	size_t i, n = inkan_dkim_verify_count(v->ams);
	const inkan_header *h = v->chain->slot[inst - 1].ams;

	for (i = 0; i < n; i++)
		if (ik_dkim_verify_sig(v->ams, i)->hdr == h)
			return inkan_dkim_verify_result(v->ams, i);
	return NULL;
}

static const char *
claim(const inkan_authres *ar, const char *method, const char *ptype,
	const char *prop)
{
	size_t i, j, n = inkan_authres_count(ar);
	const inkan_authres_resinfo *ri;

	for (i = 0; i < n; i++) {
		ri = inkan_authres_at(ar, i);
		if (method != NULL) {
			if (ik_ascii_eqz(ri->method, strlen(ri->method),
			    method))
				return ri->result;
			continue;
		}
		for (j = 0; j < ri->nprops; j++)
			if (ik_ascii_eqz(ri->props[j].ptype,
			    strlen(ri->props[j].ptype), ptype) &&
			    ik_ascii_eqz(ri->props[j].property,
			    strlen(ri->props[j].property), prop))
				return ri->props[j].value;
	}
	return NULL;
}

/* what the result shows of each set */
static void
fill_sets(inkan_arc_verify *v)
{
	const ik_arc_chain *c = v->chain;
	const ik_arc_slot *s;
	inkan_arc_set *o;
	unsigned i;

	for (i = 0; i < c->n; i++) {
		s = &c->slot[i];
		o = &v->sets[i];
		o->instance = i + 1;
		if (s->seal_parsed) {
			o->domain = s->seal.domain;
			o->selector = s->seal.selector;
			o->cv = s->seal.cv;
		}
		if (s->ams != NULL) {
			const inkan_dkim_result *r = ams_result(v, i + 1);
			if (r != NULL) {
				o->ams_domain = r->domain;
				o->ams_selector = r->selector;
			}
		}
		if (s->claims != NULL) {
			o->authserv_id = inkan_authres_authserv_id(s->claims);
			o->remote_ip = claim(s->claims, NULL, "smtp",
				"remote-ip");
			if (o->remote_ip == NULL)
				o->remote_ip = claim(s->claims, NULL, "smtp",
					"client-ip");
			o->dmarc = claim(s->claims, "dmarc", NULL, NULL);
			o->spf = claim(s->claims, "spf", NULL, NULL);
			o->dkim = claim(s->claims, "dkim", NULL, NULL);
		}
	}
	v->res.sets = v->sets;
	v->res.nsets = c->n;
	v->res.instances = c->n;
}

static void
set_fail(inkan_arc_verify *v, inkan_arc_reason r, unsigned inst,
	inkan_dkim_reason detail)
{
	v->res.verdict = INKAN_ARC_FAIL;
	v->res.reason = r;
	v->res.fail_instance = inst;
	v->res.detail = detail;
}

/* 5.2 steps 4-7 on a chain whose structure held */
static inkan_status
validate(inkan_arc_verify *v)
{
	unsigned n = v->chain->n, m;
	const inkan_dkim_result *r;
	inkan_dkim_reason why;
	inkan_status st;

	/* step 4: the newest AMS */
	r = ams_result(v, n);
	v->sets[n - 1].ams = r != NULL ? r->verdict : INKAN_DKIM_PERMERROR;
	v->sets[n - 1].ams_reason = r != NULL ? r->reason :
		INKAN_DKIM_R_INTERNAL;
	if (r == NULL || r->verdict != INKAN_DKIM_PASS) {
		set_fail(v, INKAN_ARC_R_AMS, n, v->sets[n - 1].ams_reason);
		return INKAN_OK;
	}
	/* step 5: oldest-pass, from N-1 down; a failure here does not
	 * affect validity */
	v->res.oldest_pass = 0;
	for (m = n - 1; m >= 1; m--) {
		r = ams_result(v, m);
		v->sets[m - 1].ams = r != NULL ? r->verdict :
			INKAN_DKIM_PERMERROR;
		v->sets[m - 1].ams_reason = r != NULL ? r->reason :
			INKAN_DKIM_R_INTERNAL;
		if (r == NULL || r->verdict != INKAN_DKIM_PASS) {
			v->res.oldest_pass = m + 1;
			break;
		}
	}
	/* step 6: every seal, newest first */
	for (m = n; m >= 1; m--) {
		if ((st = check_seal(v, m, &why)) != INKAN_OK)
			return st;
		v->sets[m - 1].seal = why == INKAN_DKIM_R_OK ?
			INKAN_DKIM_PASS : INKAN_DKIM_FAIL;
		v->sets[m - 1].seal_reason = why;
		if (why != INKAN_DKIM_R_OK) {
			/* 5.2.1: a key we could not fetch fails too */
			set_fail(v, INKAN_ARC_R_SEAL, m, why);
			return INKAN_OK;
		}
	}
	/* step 7 */
	v->res.verdict = INKAN_ARC_PASS;
	v->res.reason = INKAN_ARC_R_OK;
	return INKAN_OK;
}

INKAN_API inkan_status
inkan_arc_verify_eom(inkan_arc_verify *v)
{
	inkan_status st;

	if (v == NULL)
		return INKAN_ERR_INVALID;
	if (v->finished)
		return v->error;
	if ((st = prepare(v)) != INKAN_OK)
		return st;
	if ((st = inkan_dkim_verify_eom(v->ams)) != INKAN_OK)
		return v->error = st;
	v->finished = 1;
	memset(&v->res, 0, sizeof(v->res));
	fill_sets(v);
	if (!v->chain->present)
		return INKAN_OK;	/* step 1: none */
	if (v->chain->reason != INKAN_ARC_R_OK) {
		set_fail(v, v->chain->reason, v->chain->fail_instance,
			v->chain->detail);
		return INKAN_OK;
	}
	if ((st = validate(v)) != INKAN_OK) {
		set_fail(v, INKAN_ARC_R_INTERNAL, 0, INKAN_DKIM_R_INTERNAL);
		return v->error = st;
	}
	return INKAN_OK;
}

INKAN_API const inkan_arc_result *
inkan_arc_verify_result(const inkan_arc_verify *v)
{
	return v != NULL && v->finished && v->error == INKAN_OK ? &v->res :
		NULL;
}
