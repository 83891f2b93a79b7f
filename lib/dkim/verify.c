/* SPDX-License-Identifier: MIT */
/*
 * verify.c - per-message DKIM verification (RFC 6376 6).
 *
 * At the end of the header section (first body byte, or an explicit
 * inkan_dkim_verify_eoh) every DKIM-Signature up to the cap is parsed and
 * checked (6.1.1); each good one gets a body hasher, shared by signatures
 * with the same body canonicalization, hash and l= (3.7 step 1), and a
 * key query, shared by signatures with the same selector and domain,
 * started at once so that DNS overlaps the body. At the end the keys are
 * collected and judged (6.1.2), body hashes compared and the header hash
 * of each signature verified (6.1.3).
 */
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/ascii.h"
#include "core/ctx_internal.h"
#include "dkim_internal.h"

struct hasher {
	ik_canon canon;
	ik_hash_alg alg;
	uint64_t limit;
	ik_digest *digest;
	unsigned char hash[IK_HASH_MAX];
	ik_body_canon bc;
};

struct vsig {
	ik_dkim_sig sig;
	inkan_dkim_result res;
	size_t hasher;
	size_t keyq;
};

struct inkan_dkim_verify {
	inkan_dkim *d;
	inkan_msg *msg;
	ik_dkim_sig_kind kind;	/* DKIM-Signature, or lib/arc's AMS */
	const char *name;	/* the field name of that kind */
	int prepared, finished;
	inkan_status error;
	struct vsig *sigs;
	size_t nsigs, skipped;
	struct hasher **hashers;
	size_t nhashers;
	ik_dkim_keyq *keyqs;
	size_t nkeyqs;
	ik_digest *hdigest[2];	/* header hash, per ik_hash_alg */
	char *batch;		/* IK_BATCH bytes, from the first body byte */
	size_t nbatch;
};

static const char dkim_sig_name[] = "DKIM-Signature";
static const char ams_name[] = "ARC-Message-Signature";

static inkan_status
body_sink(void *ud, const char *data, size_t len);

INKAN_API inkan_status
inkan_dkim_verify_new(inkan_dkim *d, inkan_msg *msg, inkan_dkim_verify **out)
{
	return ik_dkim_verify_new_kind(d, msg, IK_SIG_DKIM, out);
}

inkan_status
ik_dkim_verify_new_kind(inkan_dkim *d, inkan_msg *msg, ik_dkim_sig_kind kind,
	inkan_dkim_verify **out)
{
	inkan_dkim_verify *v;
	inkan_status st;

	if (out == NULL)
		return INKAN_ERR_INVALID;
	*out = NULL;
	if (d == NULL || msg == NULL)
		return INKAN_ERR_INVALID;
	if (inkan_msg_body_length(msg) > 0)
		return INKAN_ERR_STATE;
	v = ik_calloc(d->ctx, 1, sizeof(*v));
	if (v == NULL)
		return INKAN_ERR_NOMEM;
	v->d = d;
	v->msg = msg;
	v->kind = kind;
	v->name = kind == IK_SIG_AMS ? ams_name : dkim_sig_name;
	st = inkan_msg_add_body_sink(msg, body_sink, v);
	if (st != INKAN_OK) {
		ik_free(d->ctx, v);
		return st;
	}
	*out = v;
	return INKAN_OK;
}

INKAN_API void
inkan_dkim_verify_free(inkan_dkim_verify *v)
{
	size_t i;
	const inkan_ctx *ctx;

	if (v == NULL)
		return;
	ctx = v->d->ctx;
	for (i = 0; i < v->nsigs; i++)
		ik_dkim_sig_clear(ctx, &v->sigs[i].sig);
	ik_free(ctx, v->sigs);
	for (i = 0; i < v->nhashers; i++) {
		ik_digest_free(v->hashers[i]->digest);
		ik_free(ctx, v->hashers[i]);
	}
	ik_free(ctx, v->hashers);
	for (i = 0; i < v->nkeyqs; i++)
		ik_dkim_keyq_clear(v->d, &v->keyqs[i]);
	ik_free(ctx, v->keyqs);
	ik_digest_free(v->hdigest[0]);
	ik_digest_free(v->hdigest[1]);
	ik_free(ctx, v->batch);
	ik_free(ctx, v);
}

/* verdict for a problem found before any crypto */
static void
set_error(struct vsig *s, inkan_dkim_reason r)
{
	s->res.reason = r;
	switch (r) {
	case INKAN_DKIM_R_KEY_UNAVAILABLE:
	case INKAN_DKIM_R_INTERNAL:
		s->res.verdict = INKAN_DKIM_TEMPERROR;
		break;
	case INKAN_DKIM_R_KEY_REVOKED:	/* 6.1.2 step 7 */
	case INKAN_DKIM_R_BODY_HASH:
	case INKAN_DKIM_R_SIGNATURE:
		s->res.verdict = INKAN_DKIM_FAIL;
		break;
	default:
		s->res.verdict = INKAN_DKIM_PERMERROR;
		break;
	}
}

static inkan_status
add_hasher(inkan_dkim_verify *v, const ik_dkim_sig *sig, size_t *idx)
{
	uint64_t limit = sig->has_l ? sig->l : UINT64_MAX;
	struct hasher *h, **n;
	size_t i;
	inkan_status st;

	for (i = 0; i < v->nhashers; i++) {
		h = v->hashers[i];
		if (h->canon == sig->bcanon && h->alg == sig->halg &&
		    h->limit == limit) {
			*idx = i;
			return INKAN_OK;
		}
	}
	n = ik_reallocarray(v->d->ctx, v->hashers, v->nhashers + 1,
		sizeof(*n));
	if (n == NULL)
		return INKAN_ERR_NOMEM;
	v->hashers = n;
	/* not zeroed: 4 KB of stage would be cleared for nothing */
	h = ik_malloc(v->d->ctx, sizeof(*h));
	if (h == NULL)
		return INKAN_ERR_NOMEM;
	st = ik_digest_new(v->d->crypto, sig->halg, &h->digest);
	if (st != INKAN_OK) {
		ik_free(v->d->ctx, h);
		return st;
	}
	h->canon = sig->bcanon;
	h->alg = sig->halg;
	h->limit = limit;
	ik_body_canon_init(&h->bc, h->canon, h->digest, limit);
	*idx = v->nhashers;
	v->hashers[v->nhashers++] = h;
	return INKAN_OK;
}

static inkan_status
add_keyq(inkan_dkim_verify *v, const ik_dkim_sig *sig, size_t *idx)
{
	/* room for nsigs was made */
	return ik_dkim_keyq_add(v->d, v->keyqs, &v->nkeyqs, sig, idx);
}

static void
fill_result(struct vsig *s, size_t index)
{
	const ik_dkim_sig *sig = &s->sig;

	s->res.domain = sig->domain;
	s->res.selector = sig->selector;
	s->res.auid = sig->auid;
	s->res.algorithm = sig->algorithm;
	memcpy(s->res.b_prefix, sig->b_prefix, sizeof(s->res.b_prefix));
	s->res.has_length = sig->has_l;
	s->res.timestamp = sig->has_t ? sig->t : 0;
	s->res.expiration = sig->has_x ? sig->x : 0;
	s->res.header_index = index;
}

/* parse every signature, start hashers and key queries (once) */
static inkan_status
prepare(inkan_dkim_verify *v)
{
	const inkan_ctx *ctx = v->d->ctx;
	size_t n = inkan_msg_count_named(v->msg, v->name), i;
	/* RFC 8617 4.2.1: a chain has at most 50 AMS; more fail it */
	size_t cap = v->kind == IK_SIG_AMS ? IK_ARC_MAX_INSTANCE :
		ik_limit(ctx, INKAN_LIMIT_DKIM_SIGNATURES);
	int64_t now = inkan_ctx_now(ctx);
	uint64_t skew = inkan_ctx_limit(ctx, INKAN_LIMIT_DKIM_CLOCK_SKEW);
	inkan_status st;

	if (v->prepared)
		return v->error;
	v->prepared = 1;
	v->nsigs = n < cap ? n : cap;
	v->skipped = n - v->nsigs;
	if (v->nsigs == 0)
		return INKAN_OK;
	v->sigs = ik_calloc(ctx, v->nsigs, sizeof(*v->sigs));
	v->keyqs = ik_calloc(ctx, v->nsigs, sizeof(*v->keyqs));
	if (v->sigs == NULL || v->keyqs == NULL) {
		/* the free path walks nsigs entries of sigs: none exist */
		v->nsigs = 0;
		return v->error = INKAN_ERR_NOMEM;
	}
	/* 6.1: the order is not significant; we go top down */
	for (i = 0; i < v->nsigs; i++) {
		struct vsig *s = &v->sigs[i];
		const inkan_header *h = inkan_msg_find(v->msg, v->name, i);
		st = ik_dkim_sig_parse_kind(ctx, h, v->kind, v->d->flags, now,
			skew, &s->sig);
		fill_result(s, inkan_header_index(h));
		if (st != INKAN_OK)
			return v->error = st;
		if (s->sig.error != INKAN_DKIM_R_OK) {
			set_error(s, s->sig.error);
			continue;
		}
		if ((st = add_hasher(v, &s->sig, &s->hasher)) != INKAN_OK ||
		    (st = add_keyq(v, &s->sig, &s->keyq)) != INKAN_OK)
			return v->error = st;
	}
	return INKAN_OK;
}

INKAN_API inkan_status
inkan_dkim_verify_eoh(inkan_dkim_verify *v)
{
	if (v == NULL)
		return INKAN_ERR_INVALID;
	if (!inkan_msg_headers_done(v->msg))
		return INKAN_ERR_STATE;
	return prepare(v);
}

/* body bytes to every hasher */
static inkan_status
feed_hashers(void *ud, const char *data, size_t len)
{
	inkan_dkim_verify *v = ud;
	inkan_status st;
	size_t i;

	for (i = 0; i < v->nhashers; i++) {
		st = ik_body_canon_update(&v->hashers[i]->bc, data, len);
		if (st != INKAN_OK)
			return v->error = st;
	}
	return INKAN_OK;
}

static inkan_status
body_sink(void *ud, const char *data, size_t len)
{
	inkan_dkim_verify *v = ud;
	inkan_status st;

	if (!v->prepared && (st = prepare(v)) != INKAN_OK)
		return st;
	if (v->error != INKAN_OK)
		return v->error;
	if (v->nhashers == 0)
		return INKAN_OK;
	if (v->batch == NULL &&
	    (v->batch = ik_malloc(v->d->ctx, IK_BATCH)) == NULL)
		return v->error = INKAN_ERR_NOMEM;
	return ik_batch_add(v->batch, &v->nbatch, data, len, feed_hashers, v);
}

/* 6.1.2 steps 5-8 plus RFC 8301 3.2 and the t=s rule of 3.6.1 */
inkan_dkim_reason
ik_dkim_check_key(const ik_dkim_sig *sig, const ik_dkim_key *key)
{
	unsigned bits;

	if (key->error == INKAN_DKIM_R_KEY_SYNTAX)
		return key->error;
	if (!(key->hashes & (1u << sig->halg)))
		return INKAN_DKIM_R_KEY_HASH;
	if (key->error == INKAN_DKIM_R_KEY_REVOKED)
		return key->error;
	if ((key->k == IK_DKIM_K_RSA) != (sig->ktype == IK_KEY_RSA) ||
	    (key->k == IK_DKIM_K_ED25519) != (sig->ktype == IK_KEY_ED25519))
		return INKAN_DKIM_R_KEY_ALGORITHM;
	if (key->error != INKAN_DKIM_R_OK || key->pub == NULL)
		return INKAN_DKIM_R_KEY_INVALID;
	if (!key->email_ok)
		return INKAN_DKIM_R_KEY_SERVICE;
	/* t=s: the i= domain MUST NOT be a subdomain of d= */
	if (key->strict && !ik_ascii_eq(sig->auid_domain,
	    strlen(sig->auid_domain), sig->domain, strlen(sig->domain)))
		return INKAN_DKIM_R_KEY_STRICT;
	bits = ik_pubkey_bits(key->pub);
	if (ik_pubkey_type(key->pub) == IK_KEY_RSA) {
		if (bits < IK_DKIM_MIN_RSA_BITS)
			return INKAN_DKIM_R_KEY_TOO_SMALL;
		if (bits > IK_DKIM_MAX_RSA_BITS)
			return INKAN_DKIM_R_KEY_TOO_LARGE;
	}
	return INKAN_DKIM_R_OK;
}

/* 3.7 step 2: h= fields bottom-up, then this field without b=, hashed */
static inkan_status
header_hash(inkan_dkim_verify *v, const ik_dkim_sig *sig, unsigned char *out)
{
	ik_digest **dp = &v->hdigest[sig->halg];
	inkan_status st;

	if (*dp == NULL &&
	    (st = ik_digest_new(v->d->crypto, sig->halg, dp)) != INKAN_OK)
		return st;
	return ik_dkim_sig_header_hash(v->d->ctx, *dp, v->msg, sig, out);
}

static inkan_status
verify_one(inkan_dkim_verify *v, struct vsig *s)
{
	const ik_dkim_sig *sig = &s->sig;
	struct hasher *h = v->hashers[s->hasher];
	ik_dkim_keyq *q = &v->keyqs[s->keyq];
	unsigned char hh[IK_HASH_MAX];
	inkan_dkim_reason r;
	inkan_status st;
	unsigned flags = v->d->flags;

	if ((st = ik_dkim_keyq_wait(v->d, q)) != INKAN_OK)
		return st;
	if (q->key == NULL) {
		set_error(s, q->error);
		return INKAN_OK;
	}
	s->res.testing = q->key->testing;
	if (q->key->pub != NULL)
		s->res.key_bits = ik_pubkey_bits(q->key->pub);
	if ((r = ik_dkim_check_key(sig, q->key)) != INKAN_DKIM_R_OK) {
		set_error(s, r);
		return INKAN_OK;
	}
	/* 3.5 l=: MUST NOT be larger than the canonicalized body */
	if (sig->has_l && sig->l > h->bc.total) {
		set_error(s, INKAN_DKIM_R_BODY_LENGTH);
		return INKAN_OK;
	}
	s->res.partial_body = sig->has_l && h->bc.total > sig->l;
	if (sig->bh_len != ik_hash_len(h->alg) ||
	    memcmp(sig->bh, h->hash, sig->bh_len) != 0) {
		set_error(s, INKAN_DKIM_R_BODY_HASH);
		return INKAN_OK;
	}
	if ((st = header_hash(v, sig, hh)) != INKAN_OK)
		return st;
	st = ik_pubkey_verify(v->d->crypto, q->key->pub, sig->halg, hh,
		ik_hash_len(sig->halg), sig->b, sig->b_len);
	if (st == INKAN_ERR_NOMEM)
		return st;
	if (st != INKAN_OK) {
		set_error(s, INKAN_DKIM_R_SIGNATURE);
		return INKAN_OK;
	}
	s->res.verdict = INKAN_DKIM_PASS;
	s->res.reason = INKAN_DKIM_R_OK;
	/* RFC 6376 8.2: text after l= is not covered by the signature */
	if (s->res.partial_body && (flags & INKAN_DKIM_REJECT_PARTIAL)) {
		s->res.verdict = INKAN_DKIM_POLICY;
		s->res.reason = INKAN_DKIM_R_PARTIAL_POLICY;
		return INKAN_OK;
	}
	s->res.dmarc_usable = !s->res.partial_body ||
		(flags & INKAN_DKIM_PARTIAL_FOR_DMARC);
	return INKAN_OK;
}

INKAN_API inkan_status
inkan_dkim_verify_eom(inkan_dkim_verify *v)
{
	size_t i;
	inkan_status st;

	if (v == NULL)
		return INKAN_ERR_INVALID;
	if (v->finished)
		return v->error;
	if ((st = prepare(v)) != INKAN_OK)
		return st;
	v->finished = 1;
	if (v->batch != NULL &&
	    (st = ik_batch_flush(v->batch, &v->nbatch, feed_hashers, v)))
		return v->error = st;
	for (i = 0; i < v->nhashers; i++) {
		st = ik_body_canon_final(&v->hashers[i]->bc,
			v->hashers[i]->hash);
		if (st != INKAN_OK)
			return v->error = st;
	}
	for (i = 0; i < v->nsigs; i++) {
		if (v->sigs[i].sig.error != INKAN_DKIM_R_OK)
			continue;
		st = verify_one(v, &v->sigs[i]);
		if (st != INKAN_OK) {
			/* a failure of the call, not a verdict: temperror */
			set_error(&v->sigs[i], INKAN_DKIM_R_INTERNAL);
			return v->error = st;
		}
	}
	return INKAN_OK;
}

INKAN_API size_t
inkan_dkim_verify_count(const inkan_dkim_verify *v)
{
	return v != NULL && v->finished ? v->nsigs : 0;
}

INKAN_API const inkan_dkim_result *
inkan_dkim_verify_result(const inkan_dkim_verify *v, size_t i)
{
	if (v == NULL || !v->finished || i >= v->nsigs)
		return NULL;
	return &v->sigs[i].res;
}

INKAN_API size_t
inkan_dkim_verify_skipped(const inkan_dkim_verify *v)
{
	return v != NULL ? v->skipped : 0;
}

const ik_dkim_sig *
ik_dkim_verify_sig(const inkan_dkim_verify *v, size_t i)
{
	if (v == NULL || i >= v->nsigs)
		return NULL;
	return &v->sigs[i].sig;
}
