/* SPDX-License-Identifier: MIT */
/*
 * seal.c - adding an ARC set to a message (RFC 8617 5.1).
 *
 * The body hash uses lib/dkim's canonicalizer, the AMS header hash its
 * h= selection, the fields its folding writer and the signature its
 * signing call; only the field layout is ARC's own:
 *   AAR  "i=N; " + the Authentication-Results value given (4.1.1)
 *   AMS  i= a= c= d= s= t= h= bh= b= (4.1.2: no v=, i= is the instance)
 *   AS   i= a= cv= d= s= t= b=, over the sets 1..N in order, or over the
 *        new set alone when cv=fail (4.1.3, 5.1.1, 5.1.2)
 */
#include <stdio.h>
#include <string.h>

#include "arc_internal.h"
#include "core/alloc.h"
#include "core/ascii.h"
#include "core/base64.h"
#include "core/buf.h"
#include "core/ctx_internal.h"

#define FIELD_MAX 65536

struct inkan_arc_seal {
	inkan_dkim *d;
	inkan_msg *msg;
	char *domain, *selector;	/* owned */
	const inkan_key *key;		/* borrowed */
	ik_canon hcanon, bcanon;
	char **headers;			/* owned, or NULL for the default */
	size_t nheaders;
	ik_digest *bdigest;
	ik_body_canon *bc;
	char *batch;			/* IK_BATCH bytes (canon.h) */
	size_t nbatch;
	int started, finished;
	inkan_status error;
	unsigned instance;
	char *out[3];			/* AS, AMS, AAR */
	size_t out_len[3];
	size_t count;
};

static inkan_status
feed(void *ud, const char *data, size_t len)
{
	inkan_arc_seal *s = ud;
	inkan_status st = ik_body_canon_update(s->bc, data, len);

	return st != INKAN_OK ? (s->error = st) : INKAN_OK;
}

static inkan_status
sink(void *ud, const char *data, size_t len)
{
	inkan_arc_seal *s = ud;

	s->started = 1;
	if (s->error != INKAN_OK)
		return s->error;
	if (s->batch == NULL &&
	    (s->batch = ik_malloc(s->d->ctx, IK_BATCH)) == NULL)
		return s->error = INKAN_ERR_NOMEM;
	return ik_batch_add(s->batch, &s->nbatch, data, len, feed, s);
}

static int
arc_or_authres(const char *name)
{
	size_t n = strlen(name);

	return ik_ascii_eqz(name, n, ik_arc_aar_name) ||
		ik_ascii_eqz(name, n, ik_arc_ams_name) ||
		ik_ascii_eqz(name, n, ik_arc_as_name) ||
		ik_ascii_eqz(name, n, "Authentication-Results");
}

static inkan_status
copy_headers(inkan_arc_seal *s, const char *const *h)
{
	size_t n = 0, i, j;
	int from = 0;

	while (h[n] != NULL)
		if (++n > IK_DKIM_MAX_H)
			return INKAN_ERR_LIMIT;
	s->headers = ik_calloc(s->d->ctx, n + 1, sizeof(*s->headers));
	if (s->headers == NULL)
		return INKAN_ERR_NOMEM;
	for (i = 0; i < n; i++) {
		for (j = 0; h[i][j] != '\0'; j++)
			if (h[i][j] == ':' || (unsigned char)h[i][j] <= 32 ||
			    (unsigned char)h[i][j] >= 127)
				return INKAN_ERR_INVALID;
		/* RFC 8617 4.1.2: MUST NOT be covered by the AMS */
		if (j == 0 || arc_or_authres(h[i]))
			return INKAN_ERR_INVALID;
		if ((s->headers[i] = ik_strdup(s->d->ctx, h[i])) == NULL)
			return INKAN_ERR_NOMEM;
		ik_ascii_lower(s->headers[i], j);
		s->nheaders++;
		from |= strcmp(s->headers[i], "from") == 0;
	}
	/* RFC 6376 5.4 and 6.1.1, imported by RFC 8617 4.1.2: an AMS that
	 * does not cover From is a PERMFAIL */
	return from ? INKAN_OK : INKAN_ERR_INVALID;
}

static ik_canon
canon_of(inkan_dkim_canon c)
{
	return c == INKAN_DKIM_CANON_SIMPLE ? IK_CANON_SIMPLE :
		IK_CANON_RELAXED;
}

INKAN_API inkan_status
inkan_arc_seal_new(inkan_dkim *d, inkan_msg *msg, const inkan_arc_seal_key *k,
	inkan_arc_seal **out)
{
	inkan_arc_seal *s;
	inkan_status st;
	unsigned bits;

	if (out == NULL)
		return INKAN_ERR_INVALID;
	*out = NULL;
	if (d == NULL || msg == NULL || k == NULL || k->domain == NULL ||
	    k->selector == NULL || k->key == NULL)
		return INKAN_ERR_INVALID;
	if (inkan_msg_body_length(msg) > 0)
		return INKAN_ERR_STATE;
	if (!ik_dkim_domain_ok(k->domain, strlen(k->domain), 0) ||
	    !ik_dkim_domain_ok(k->selector, strlen(k->selector), 1) ||
	    strlen(k->domain) + strlen(k->selector) + 12 > IK_DKIM_MAX_QNAME)
		return INKAN_ERR_INVALID;
	/* RFC 8301 3.2 (imported through RFC 6376): RSA of 1024+ bits */
	bits = inkan_key_bits(k->key);
	if (ik_key_type_of(k->key) == IK_KEY_RSA &&
	    (bits < 1024 || bits > 4096))
		return INKAN_ERR_INVALID;
	if ((s = ik_calloc(d->ctx, 1, sizeof(*s))) == NULL)
		return INKAN_ERR_NOMEM;
	s->d = d;
	s->msg = msg;
	s->key = k->key;
	s->hcanon = canon_of(k->header_canon);
	s->bcanon = canon_of(k->body_canon);
	s->domain = ik_strdup(d->ctx, k->domain);
	s->selector = ik_strdup(d->ctx, k->selector);
	st = s->domain && s->selector ? INKAN_OK : INKAN_ERR_NOMEM;
	if (st == INKAN_OK && k->headers != NULL)
		st = copy_headers(s, k->headers);
	if (st == INKAN_OK)
		st = ik_digest_new(d->crypto, IK_HASH_SHA256, &s->bdigest);
	if (st == INKAN_OK &&
	    (s->bc = ik_malloc(d->ctx, sizeof(*s->bc))) == NULL)
		st = INKAN_ERR_NOMEM;
	if (st == INKAN_OK) {
		ik_body_canon_init(s->bc, s->bcanon, s->bdigest, UINT64_MAX);
		st = inkan_msg_add_body_sink(msg, sink, s);
	}
	if (st != INKAN_OK) {
		inkan_arc_seal_free(s);
		return st;
	}
	*out = s;
	return INKAN_OK;
}

INKAN_API void
inkan_arc_seal_free(inkan_arc_seal *s)
{
	const inkan_ctx *ctx;
	size_t i;

	if (s == NULL)
		return;
	ctx = s->d->ctx;
	ik_free(ctx, s->domain);
	ik_free(ctx, s->selector);
	for (i = 0; s->headers != NULL && s->headers[i] != NULL; i++)
		ik_free(ctx, s->headers[i]);
	ik_free(ctx, s->headers);
	ik_digest_free(s->bdigest);
	ik_free(ctx, s->bc);
	ik_free(ctx, s->batch);
	for (i = 0; i < 3; i++)
		ik_free(ctx, s->out[i]);
	ik_free(ctx, s);
}

/* @name (lower-cased) @count times into @names/@off */
static inkan_status
put_name(ik_buf *names, size_t *off, size_t *n, const char *name,
	size_t count)
{
	size_t j, len = strlen(name);
	inkan_status st;

	for (j = 0; j < count; j++) {
		if (*n == IK_DKIM_MAX_H)
			return INKAN_ERR_LIMIT;
		off[(*n)++] = names->len;
		if ((st = ik_buf_append(names, name, len + 1)) != INKAN_OK)
			return st;
		ik_ascii_lower(names->data + off[*n - 1], len);
	}
	return INKAN_OK;
}

/* the AMS h= list: as given, or the DKIM default set oversigned (RFC
 * 6376 5.4.2) plus every DKIM-Signature (RFC 8617 4.1.2 SHOULD) */
static inkan_status
ams_names(const inkan_arc_seal *s, ik_buf *names, const char **ptr,
	size_t *n)
{
	size_t i, off[IK_DKIM_MAX_H];
	const char *name;
	inkan_status st = INKAN_OK;

	*n = 0;
	if (s->headers != NULL) {
		for (i = 0; i < s->nheaders; i++)
			ptr[(*n)++] = s->headers[i];
		return INKAN_OK;
	}
	for (i = 0; st == INKAN_OK &&
	    (name = ik_dkim_default_sign_headers[i]) != NULL; i++)
		st = put_name(names, off, n, name,
			inkan_msg_count_named(s->msg, name) + 1);
	if (st == INKAN_OK)
		st = put_name(names, off, n, "DKIM-Signature",
			inkan_msg_count_named(s->msg, "DKIM-Signature"));
	for (i = 0; st == INKAN_OK && i < *n; i++)
		ptr[i] = names->data + off[i];
	return st;
}

static const char *
alg_name(const inkan_key *key)
{
	return ik_key_type_of(key) == IK_KEY_RSA ? "rsa-sha256" :
		"ed25519-sha256";
}

/* sign @hash and finish the field in @b (which ends in "b=") */
static inkan_status
finish_field(inkan_arc_seal *s, ik_fold *f, const unsigned char *hash,
	char **out, size_t *out_len)
{
	unsigned char *sig = NULL;
	size_t sig_len = 0;
	char *b64 = NULL;
	inkan_status st;

	st = ik_key_sign(s->d->crypto, s->key, IK_HASH_SHA256, hash, 32, &sig,
		&sig_len);
	if (st == INKAN_OK && (b64 = ik_malloc(s->d->ctx,
	    ik_b64_encoded_len(sig_len) + 1)) == NULL)
		st = INKAN_ERR_NOMEM;
	if (st == INKAN_OK) {
		ik_fold_b(f, sig, sig_len, b64);
		if (f->st == INKAN_OK)
			f->st = ik_buf_append(f->b, "\r\n", 2);
		st = f->st;
	}
	if (st == INKAN_OK)
		st = ik_buf_take(f->b, out, out_len);
	ik_free(s->d->ctx, b64);
	ik_free(s->d->ctx, sig);
	return st;
}

static void
fold_start(ik_fold *f, ik_buf *b, const char *name, unsigned inst)
{
	char tmp[64];
	int n = snprintf(tmp, sizeof(tmp), "%s: i=%u;", name, inst);

	f->b = b;
	f->col = 0;
	f->st = INKAN_OK;
	ik_fold_put(f, tmp, (size_t)n, 0);
}

static inkan_status
make_ams(inkan_arc_seal *s, int64_t now, const unsigned char *bh,
	ik_digest *d)
{
	ik_buf b, names;
	ik_fold f;
	const char **ptr;
	size_t n = 0;
	char num[32], bh64[48];
	unsigned char hh[IK_HASH_MAX];
	inkan_status st;

	ptr = ik_malloc(s->d->ctx, IK_DKIM_MAX_H * sizeof(*ptr));
	if (ptr == NULL)
		return INKAN_ERR_NOMEM;
	ik_buf_init(&b, s->d->ctx, FIELD_MAX);
	ik_buf_init(&names, s->d->ctx, 64 * 1024);
	st = ams_names(s, &names, ptr, &n);
	if (st == INKAN_OK) {
		fold_start(&f, &b, ik_arc_ams_name, s->instance);
		ik_fold_tag(&f, "a", alg_name(s->key));
		ik_fold_tag(&f, "c", s->hcanon == IK_CANON_RELAXED ?
			(s->bcanon == IK_CANON_RELAXED ? "relaxed/relaxed" :
			"relaxed/simple") : (s->bcanon == IK_CANON_RELAXED ?
			"simple/relaxed" : "simple/simple"));
		ik_fold_tag(&f, "d", s->domain);
		ik_fold_tag(&f, "s", s->selector);
		snprintf(num, sizeof(num), "%lld", (long long)now);
		ik_fold_tag(&f, "t", num);
		ik_fold_h(&f, ptr, n);
		ik_b64_encode(bh, 32, bh64);
		ik_fold_tag(&f, "bh", bh64);
		ik_fold_put(&f, "b=", 2, 1);
		st = f.st;
	}
	/* RFC 6376 3.7, imported by RFC 8617 4.1.2 */
	if (st == INKAN_OK)
		st = ik_digest_reset(d);
	if (st == INKAN_OK)
		st = ik_dkim_hash_headers(d, s->hcanon, s->msg, ptr, n, NULL);
	if (st == INKAN_OK)
		st = ik_canon_header(d, s->hcanon, b.data, b.len, 0);
	if (st == INKAN_OK)
		st = ik_digest_final(d, hh);
	if (st == INKAN_OK)
		st = finish_field(s, &f, hh, &s->out[1], &s->out_len[1]);
	ik_buf_free(&b);
	ik_buf_free(&names);
	ik_free(s->d->ctx, ptr);
	return st;
}

static inkan_status
make_as(inkan_arc_seal *s, int64_t now, const char *cv,
	const ik_arc_chain *c, ik_digest *d)
{
	ik_buf b;
	ik_fold f;
	char num[32];
	unsigned char hh[IK_HASH_MAX];
	inkan_status st;
	/* 5.1.2: a failed chain is sealed as if the new set were alone */
	unsigned from = strcmp(cv, "fail") == 0 ? s->instance : 1;

	ik_buf_init(&b, s->d->ctx, FIELD_MAX);
	fold_start(&f, &b, ik_arc_as_name, s->instance);
	ik_fold_tag(&f, "a", alg_name(s->key));
	ik_fold_tag(&f, "cv", cv);
	ik_fold_tag(&f, "d", s->domain);
	ik_fold_tag(&f, "s", s->selector);
	snprintf(num, sizeof(num), "%lld", (long long)now);
	ik_fold_tag(&f, "t", num);
	ik_fold_put(&f, "b=", 2, 1);
	st = f.st;
	if (st == INKAN_OK)
		st = ik_arc_seal_hash(s->d->ctx, d, c, from, s->instance,
			s->out[2], s->out_len[2], s->out[1], s->out_len[1],
			b.data, b.len, hh);
	if (st == INKAN_OK)
		st = finish_field(s, &f, hh, &s->out[0], &s->out_len[0]);
	ik_buf_free(&b);
	return st;
}

static inkan_status
make_aar(inkan_arc_seal *s, const char *authres)
{
	ik_buf b;
	size_t i;
	inkan_status st;

	/* the value must be one field's worth: folds only (CRLF + WSP) */
	for (i = 0; authres[i] != '\0'; i++)
		if ((authres[i] == '\r' && (authres[i + 1] != '\n' ||
		    (authres[i + 2] != ' ' && authres[i + 2] != '\t'))) ||
		    (authres[i] == '\n' && (i == 0 || authres[i - 1] != '\r')))
			return INKAN_ERR_INVALID;
	ik_buf_init(&b, s->d->ctx, FIELD_MAX);
	st = ik_buf_printf(&b, "%s: i=%u; %s\r\n", ik_arc_aar_name,
		s->instance, authres);
	if (st == INKAN_OK)
		st = ik_buf_take(&b, &s->out[2], &s->out_len[2]);
	ik_buf_free(&b);
	return st;
}

/* cv= for the new set from our validation of the chain (4.4) */
static const char *
cv_of(const inkan_arc_result *chain, const ik_arc_chain *c)
{
	if (chain == NULL || chain->verdict == INKAN_ARC_NONE)
		return c->present ? "fail" : "none";
	if (chain->verdict == INKAN_ARC_PASS && c->reason == INKAN_ARC_R_OK)
		return "pass";
	return "fail";
}

static inkan_status
seal(inkan_arc_seal *s, const inkan_arc_result *chain, const char *authres,
	ik_arc_chain *c)
{
	const inkan_ctx *ctx = s->d->ctx;
	unsigned char bh[IK_HASH_MAX];
	ik_digest *d = NULL;
	const char *cv;
	int64_t now = inkan_ctx_now(ctx);
	inkan_status st;

	if (s->batch != NULL &&
	    (st = ik_batch_flush(s->batch, &s->nbatch, feed, s)) != INKAN_OK)
		return st;
	if ((st = ik_body_canon_final(s->bc, bh)) != INKAN_OK)
		return st;
	st = ik_arc_chain_collect(s->d->ctx, s->msg, now,
		inkan_ctx_limit(ctx, INKAN_LIMIT_DKIM_CLOCK_SKEW), c);
	if (st != INKAN_OK)
		return st;
	/* 5.1 step 2: the newest seal already says fail: stop */
	if (c->reason == INKAN_ARC_R_LAST_CV_FAIL)
		return INKAN_OK;
	/* 5.1 step 3; 4.2.1: no instance past 50 */
	if (c->n >= IK_ARC_MAX_INSTANCE)
		return INKAN_OK;
	s->instance = c->n + 1;
	cv = cv_of(chain, c);
	if ((st = ik_digest_new(s->d->crypto, IK_HASH_SHA256, &d)) != INKAN_OK)
		return st;
	/* 5.1 step 4: AAR, then AMS, then AS (which covers both) */
	st = make_aar(s, authres);
	if (st == INKAN_OK)
		st = make_ams(s, now, bh, d);
	if (st == INKAN_OK)
		st = make_as(s, now, cv, c, d);
	ik_digest_free(d);
	if (st == INKAN_OK)
		s->count = 3;
	return st;
}

INKAN_API inkan_status
inkan_arc_seal_eom(inkan_arc_seal *s, const inkan_arc_result *chain,
	const char *authres)
{
	ik_arc_chain *c;
	inkan_status st;

	if (s == NULL || authres == NULL || authres[0] == '\0')
		return INKAN_ERR_INVALID;
	if (s->finished)
		return s->error != INKAN_OK ? s->error : INKAN_ERR_STATE;
	s->finished = 1;
	if (s->error != INKAN_OK)
		return s->error;
	if ((c = ik_calloc(s->d->ctx, 1, sizeof(*c))) == NULL)
		return s->error = INKAN_ERR_NOMEM;
	st = seal(s, chain, authres, c);
	ik_arc_chain_clear(s->d->ctx, c);
	ik_free(s->d->ctx, c);
	if (st != INKAN_OK) {
		s->count = 0;
		s->instance = 0;
	}
	return s->error = st;
}

INKAN_API size_t
inkan_arc_seal_count(const inkan_arc_seal *s)
{
	return s != NULL && s->finished && s->error == INKAN_OK ? s->count : 0;
}

INKAN_API const char *
inkan_arc_seal_header(const inkan_arc_seal *s, size_t i, size_t *len)
{
	if (len != NULL)
		*len = 0;
	if (i >= inkan_arc_seal_count(s))
		return NULL;
	if (len != NULL)
		*len = s->out_len[i];
	return s->out[i];
}

INKAN_API unsigned
inkan_arc_seal_instance(const inkan_arc_seal *s)
{
	return inkan_arc_seal_count(s) > 0 ? s->instance : 0;
}
