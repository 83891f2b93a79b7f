/* SPDX-License-Identifier: MIT */
/*
 * sign.c - per-message DKIM signing (RFC 6376 5; RFC 8301: rsa-sha256
 * only, RSA >= 1024 bits; RFC 8463: ed25519-sha256).
 *
 * One pass over the body feeds one hasher per body canonicalization in
 * use, shared by every key (RSA and Ed25519 alike: both hash SHA-256).
 * Header selection is oversigned (5.4.2): each name is listed once per
 * instance plus once more, so that a field added later in transit breaks
 * the signature instead of slipping in above it. Never l= (8.2); always
 * t=; x= when a lifetime is set.
 */
#include <stdio.h>
#include <string.h>

#include "core/base64.h"
#include "core/alloc.h"
#include "core/ascii.h"
#include "core/buf.h"
#include "core/ctx_internal.h"
#include "dkim_internal.h"

#define FOLD_AT 78		/* RFC 5322 2.1.1: SHOULD be <= 78 */
#define SIG_HEADER_MAX 65536

/* 5.4.1 plus the MIME fields; Sender and List-* are added when present */
const char *const ik_dkim_default_sign_headers[] = {
	"From", "To", "Cc", "Subject", "Date", "Message-ID", "Reply-To",
	"In-Reply-To", "References", "MIME-Version", "Content-Type",
	"Content-Transfer-Encoding", NULL
};

struct skey {
	char *domain, *selector, *auid;	/* owned; auid NULL if none */
	char **headers;			/* owned, NULL-terminated, or NULL */
	const inkan_key *key;		/* borrowed */
	ik_canon hcanon, bcanon;
	uint64_t lifetime;
	char *out;			/* the finished field */
	size_t out_len;
};

struct inkan_dkim_sign {
	inkan_dkim *d;
	inkan_msg *msg;
	struct skey *keys;
	size_t nkeys;
	int started, finished;
	inkan_status error;
	ik_digest *digest[2];		/* body, per ik_canon */
	ik_body_canon *bc[2];
	unsigned char bh[2][IK_HASH_MAX];
	char *batch;			/* IK_BATCH bytes, see canon.h */
	size_t nbatch;
};

static inkan_status
feed_hashers(void *ud, const char *data, size_t len)
{
	inkan_dkim_sign *s = ud;
	inkan_status st;
	int c;

	for (c = 0; c < 2; c++)
		if (s->bc[c] != NULL &&
		    (st = ik_body_canon_update(s->bc[c], data, len)) != INKAN_OK)
			return s->error = st;
	return INKAN_OK;
}

static inkan_status
sign_sink(void *ud, const char *data, size_t len)
{
	inkan_dkim_sign *s = ud;

	s->started = 1;
	if (s->error != INKAN_OK)
		return s->error;
	if (s->batch == NULL &&
	    (s->batch = ik_malloc(s->d->ctx, IK_BATCH)) == NULL)
		return s->error = INKAN_ERR_NOMEM;
	return ik_batch_add(s->batch, &s->nbatch, data, len, feed_hashers, s);
}

INKAN_API inkan_status
inkan_dkim_sign_new(inkan_dkim *d, inkan_msg *msg, inkan_dkim_sign **out)
{
	inkan_dkim_sign *s;
	inkan_status st;

	if (out == NULL)
		return INKAN_ERR_INVALID;
	*out = NULL;
	if (d == NULL || msg == NULL)
		return INKAN_ERR_INVALID;
	if (inkan_msg_body_length(msg) > 0)
		return INKAN_ERR_STATE;
	s = ik_calloc(d->ctx, 1, sizeof(*s));
	if (s == NULL)
		return INKAN_ERR_NOMEM;
	s->d = d;
	s->msg = msg;
	if ((st = inkan_msg_add_body_sink(msg, sign_sink, s)) != INKAN_OK) {
		ik_free(d->ctx, s);
		return st;
	}
	*out = s;
	return INKAN_OK;
}

static void
skey_clear(const inkan_ctx *ctx, struct skey *k)
{
	size_t i;

	ik_free(ctx, k->domain);
	ik_free(ctx, k->selector);
	ik_free(ctx, k->auid);
	for (i = 0; k->headers != NULL && k->headers[i] != NULL; i++)
		ik_free(ctx, k->headers[i]);
	ik_free(ctx, k->headers);
	ik_free(ctx, k->out);
}

INKAN_API void
inkan_dkim_sign_free(inkan_dkim_sign *s)
{
	size_t i;
	const inkan_ctx *ctx;

	if (s == NULL)
		return;
	ctx = s->d->ctx;
	for (i = 0; i < s->nkeys; i++)
		skey_clear(ctx, &s->keys[i]);
	ik_free(ctx, s->keys);
	for (i = 0; i < 2; i++) {
		ik_digest_free(s->digest[i]);
		ik_free(ctx, s->bc[i]);
	}
	ik_free(ctx, s->batch);
	ik_free(ctx, s);
}

static ik_canon
canon_of(inkan_dkim_canon c)
{
	return c == INKAN_DKIM_CANON_SIMPLE ? IK_CANON_SIMPLE :
		IK_CANON_RELAXED;
}

/* i= must be [local-part] "@" domain within d= (3.5) */
static int
auid_ok(const char *auid, const char *domain)
{
	const char *at = strrchr(auid, '@');
	size_t dl, pl = strlen(domain);

	if (at == NULL)
		return 0;
	at++;
	dl = strlen(at);
	if (!ik_dkim_domain_ok(at, dl, 0))
		return 0;
	return ik_ascii_eq(at, dl, domain, pl) || (dl > pl &&
		at[dl - pl - 1] == '.' && ik_ascii_eq(at + dl - pl, pl, domain,
		pl));
}

static inkan_status
copy_headers(const inkan_ctx *ctx, struct skey *k, const char *const *h)
{
	size_t n = 0, i, j;

	while (h[n] != NULL)
		if (++n > IK_DKIM_MAX_H)
			return INKAN_ERR_LIMIT;
	k->headers = ik_calloc(ctx, n + 1, sizeof(*k->headers));
	if (k->headers == NULL)
		return INKAN_ERR_NOMEM;
	for (i = 0; i < n; i++) {
		for (j = 0; h[i][j] != '\0'; j++)
			if (h[i][j] == ':' || (unsigned char)h[i][j] <= 32 ||
			    (unsigned char)h[i][j] >= 127)
				return INKAN_ERR_INVALID;
		if (j == 0)
			return INKAN_ERR_INVALID;
		if ((k->headers[i] = ik_strdup(ctx, h[i])) == NULL)
			return INKAN_ERR_NOMEM;
	}
	return INKAN_OK;
}

static inkan_status
ensure_hasher(inkan_dkim_sign *s, ik_canon c)
{
	inkan_status st;

	if (s->bc[c] != NULL)
		return INKAN_OK;
	st = ik_digest_new(s->d->crypto, IK_HASH_SHA256, &s->digest[c]);
	if (st != INKAN_OK)
		return st;
	s->bc[c] = ik_malloc(s->d->ctx, sizeof(*s->bc[c]));
	if (s->bc[c] == NULL)
		return INKAN_ERR_NOMEM;
	ik_body_canon_init(s->bc[c], c, s->digest[c], UINT64_MAX);
	return INKAN_OK;
}

INKAN_API inkan_status
inkan_dkim_sign_add(inkan_dkim_sign *s, const inkan_dkim_sign_key *key)
{
	const inkan_ctx *ctx;
	struct skey *n, *k;
	inkan_status st;

	if (s == NULL || key == NULL || key->domain == NULL ||
	    key->selector == NULL || key->key == NULL)
		return INKAN_ERR_INVALID;
	if (s->started || s->finished)
		return INKAN_ERR_STATE;
	ctx = s->d->ctx;
	if (!ik_dkim_domain_ok(key->domain, strlen(key->domain), 0) ||
	    !ik_dkim_domain_ok(key->selector, strlen(key->selector), 1) ||
	    strlen(key->domain) + strlen(key->selector) + 12 >
	    IK_DKIM_MAX_QNAME ||
	    (key->auid != NULL && !auid_ok(key->auid, key->domain)) ||
	    key->lifetime > INKAN_DKIM_MAX_LIFETIME)
		return INKAN_ERR_INVALID;
	n = ik_reallocarray(ctx, s->keys, s->nkeys + 1, sizeof(*n));
	if (n == NULL)
		return INKAN_ERR_NOMEM;
	s->keys = n;
	k = &s->keys[s->nkeys];
	memset(k, 0, sizeof(*k));
	k->key = key->key;
	k->hcanon = canon_of(key->header_canon);
	k->bcanon = canon_of(key->body_canon);
	k->lifetime = key->lifetime;
	k->domain = ik_strdup(ctx, key->domain);
	k->selector = ik_strdup(ctx, key->selector);
	st = k->domain && k->selector ? INKAN_OK : INKAN_ERR_NOMEM;
	if (st == INKAN_OK && key->auid != NULL &&
	    (k->auid = ik_strdup(ctx, key->auid)) == NULL)
		st = INKAN_ERR_NOMEM;
	if (st == INKAN_OK && key->headers != NULL)
		st = copy_headers(ctx, k, key->headers);
	if (st == INKAN_OK)
		st = ensure_hasher(s, k->bcanon);
	if (st != INKAN_OK) {
		skey_clear(ctx, k);
		return st;
	}
	s->nkeys++;
	return INKAN_OK;
}

/* ---- building the field ---------------------------------------------- */

/* the h= names in order, lower-cased, NUL-terminated in one buffer */
struct hlist {
	ik_buf names;
	size_t off[IK_DKIM_MAX_H];
	const char *ptr[IK_DKIM_MAX_H];
	size_t n;
};

/* @name, once per instance plus once (5.4.2 oversigning) */
static inkan_status
h_add(struct hlist *hl, const inkan_msg *msg, const char *name, size_t len)
{
	char tmp[256];
	size_t n, i;
	inkan_status st;

	if (len == 0 || len >= sizeof(tmp))
		return INKAN_ERR_INVALID;
	memcpy(tmp, name, len);
	tmp[len] = '\0';
	ik_ascii_lower(tmp, len);
	n = inkan_msg_count_named(msg, tmp) + 1;
	for (i = 0; i < n; i++) {
		if (hl->n == IK_DKIM_MAX_H)
			return INKAN_ERR_LIMIT;
		hl->off[hl->n++] = hl->names.len;
		if ((st = ik_buf_append(&hl->names, tmp, len + 1)) != INKAN_OK)
			return st;
	}
	return INKAN_OK;
}

/* the default set, plus Sender and each List-* name when present */
static inkan_status
h_default(struct hlist *hl, const inkan_msg *msg)
{
	size_t i, j, n = inkan_msg_header_count(msg), len, plen;
	const char *name, *prev;
	inkan_status st;

	for (i = 0; ik_dkim_default_sign_headers[i] != NULL; i++)
		if ((st = h_add(hl, msg, ik_dkim_default_sign_headers[i],
		    strlen(ik_dkim_default_sign_headers[i]))) != INKAN_OK)
			return st;
	if (inkan_msg_count_named(msg, "Sender") > 0 &&
	    (st = h_add(hl, msg, "Sender", 6)) != INKAN_OK)
		return st;
	for (i = 0; i < n; i++) {
		name = inkan_header_name(inkan_msg_header_at(msg, i), &len);
		if (len < 6 || !ik_ascii_eq(name, 5, "List-", 5))
			continue;
		for (j = 0; j < i; j++) {
			prev = inkan_header_name(inkan_msg_header_at(msg, j),
				&plen);
			if (ik_ascii_eq(prev, plen, name, len))
				break;
		}
		if (j == i && (st = h_add(hl, msg, name, len)) != INKAN_OK)
			return st;
	}
	return INKAN_OK;
}

static inkan_status
collect_names(const inkan_dkim_sign *s, const struct skey *k,
	struct hlist *hl)
{
	size_t i;
	inkan_status st = INKAN_OK;

	hl->n = 0;
	ik_buf_reset(&hl->names);
	if (k->headers == NULL)
		st = h_default(hl, s->msg);
	for (i = 0; st == INKAN_OK && k->headers && k->headers[i]; i++)
		st = h_add(hl, s->msg, k->headers[i], strlen(k->headers[i]));
	for (i = 0; st == INKAN_OK && i < hl->n; i++)
		hl->ptr[i] = hl->names.data + hl->off[i];
	return st;
}

struct fold {
	ik_buf *b;
	size_t col;		/* current column */
	inkan_status st;
};

/* append @s, folding first (CRLF TAB) when the line would pass FOLD_AT */
static void
fold_put(struct fold *f, const char *s, size_t n, int space_before)
{
	if (f->st != INKAN_OK)
		return;
	if (f->col + n + (space_before ? 1 : 0) > FOLD_AT && f->col > 1) {
		f->st = ik_buf_append(f->b, "\r\n\t", 3);
		f->col = 1;
	} else if (space_before) {
		f->st = ik_buf_putc(f->b, ' ');
		f->col++;
	}
	if (f->st == INKAN_OK)
		f->st = ik_buf_append(f->b, s, n);
	f->col += n;
}

static void
fold_tag(struct fold *f, const char *tag, const char *value)
{
	char tmp[600];
	int n = snprintf(tmp, sizeof(tmp), "%s=%s;", tag, value);

	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		f->st = INKAN_ERR_INVALID;
		return;
	}
	fold_put(f, tmp, (size_t)n, 1);
}

/* i= in dkim-quoted-printable (2.11) */
static void
put_auid(struct fold *f, const char *v)
{
	char tmp[512];
	size_t n = 0;

	for (; *v != '\0'; v++) {
		unsigned char c = (unsigned char)*v;
		if (n + 4 > sizeof(tmp)) {
			f->st = INKAN_ERR_INVALID;
			return;
		}
		if (c > 0x20 && c < 0x7f && c != ';' && c != '=') {
			tmp[n++] = (char)c;
		} else {
			tmp[n++] = '=';
			tmp[n++] = "0123456789ABCDEF"[c >> 4];
			tmp[n++] = "0123456789ABCDEF"[c & 15];
		}
	}
	tmp[n] = '\0';
	fold_tag(f, "i", tmp);
}

/* the field up to and including "b=" (what is hashed), folded */
static void
build_unsigned(const struct skey *k, int64_t now, const unsigned char *bh,
	const struct hlist *hl, struct fold *f)
{
	char num[32], bh64[48];
	size_t i;

	fold_put(f, "DKIM-Signature: v=1;", 20, 0);
	fold_tag(f, "a", ik_key_type_of(k->key) == IK_KEY_RSA ?
		"rsa-sha256" : "ed25519-sha256");
	fold_tag(f, "c", k->hcanon == IK_CANON_RELAXED ?
		(k->bcanon == IK_CANON_RELAXED ? "relaxed/relaxed" :
		"relaxed/simple") : (k->bcanon == IK_CANON_RELAXED ?
		"simple/relaxed" : "simple/simple"));
	fold_tag(f, "d", k->domain);
	fold_tag(f, "s", k->selector);
	snprintf(num, sizeof(num), "%lld", (long long)now);
	fold_tag(f, "t", num);
	if (k->lifetime > 0) {
		snprintf(num, sizeof(num), "%llu",
			(unsigned long long)((uint64_t)now + k->lifetime));
		fold_tag(f, "x", num);
	}
	if (k->auid != NULL)
		put_auid(f, k->auid);
	/* h= may fold around each colon (3.5 sig-h-tag) */
	for (i = 0; i < hl->n; i++) {
		if (i == 0)
			fold_put(f, "h=", 2, 1);
		else
			fold_put(f, ":", 1, 0);
		fold_put(f, hl->ptr[i], strlen(hl->ptr[i]), 0);
	}
	fold_put(f, ";", 1, 0);
	ik_b64_encode(bh, 32, bh64);
	fold_tag(f, "bh", bh64);
	fold_put(f, "b=", 2, 1);
}

/* b= value: FWS may go anywhere in it (3.5 b=) */
static void
put_b(struct fold *f, const unsigned char *sig, size_t len, char *b64)
{
	size_t n, pos = 0, total;

	ik_b64_encode(sig, len, b64);
	total = strlen(b64);
	while (pos < total && f->st == INKAN_OK) {
		n = f->col < FOLD_AT ? FOLD_AT - f->col : 0;
		if (n == 0) {
			f->st = ik_buf_append(f->b, "\r\n\t", 3);
			f->col = 1;
			continue;
		}
		if (n > total - pos)
			n = total - pos;
		f->st = ik_buf_append(f->b, b64 + pos, n);
		f->col += n;
		pos += n;
	}
}

static inkan_status
sign_one(inkan_dkim_sign *s, struct skey *k, int64_t now, struct hlist *hl,
	ik_digest *d)
{
	ik_buf b;
	struct fold f;
	unsigned char hh[IK_HASH_MAX], *sig = NULL;
	size_t sig_len = 0;
	char *b64 = NULL;
	inkan_status st;

	ik_buf_init(&b, s->d->ctx, SIG_HEADER_MAX);
	f.b = &b;
	f.col = 0;
	f.st = INKAN_OK;
	st = collect_names(s, k, hl);
	if (st == INKAN_OK) {
		build_unsigned(k, now, s->bh[k->bcanon], hl, &f);
		st = f.st;
	}
	/* 3.7: the selected fields, then this one without b= or CRLF */
	if (st == INKAN_OK)
		st = ik_digest_reset(d);
	if (st == INKAN_OK)
		st = ik_dkim_hash_headers(d, k->hcanon, s->msg, hl->ptr, hl->n,
			NULL);
	if (st == INKAN_OK)
		st = ik_canon_header(d, k->hcanon, b.data, b.len, 0);
	if (st == INKAN_OK)
		st = ik_digest_final(d, hh);
	if (st == INKAN_OK)
		st = ik_key_sign(s->d->crypto, k->key, IK_HASH_SHA256, hh, 32,
			&sig, &sig_len);
	if (st == INKAN_OK &&
	    (b64 = ik_malloc(s->d->ctx, ik_b64_encoded_len(sig_len) + 1)) ==
	    NULL)
		st = INKAN_ERR_NOMEM;
	if (st == INKAN_OK) {
		put_b(&f, sig, sig_len, b64);
		if (f.st == INKAN_OK)
			f.st = ik_buf_append(&b, "\r\n", 2);
		st = f.st;
	}
	if (st == INKAN_OK)
		st = ik_buf_take(&b, &k->out, &k->out_len);
	ik_free(s->d->ctx, b64);
	ik_free(s->d->ctx, sig);
	ik_buf_free(&b);
	return st;
}

INKAN_API inkan_status
inkan_dkim_sign_eom(inkan_dkim_sign *s)
{
	struct hlist *hl;
	ik_digest *d = NULL;
	size_t i;
	int c;
	inkan_status st = INKAN_OK;
	int64_t now;

	if (s == NULL)
		return INKAN_ERR_INVALID;
	if (s->finished)
		return s->error != INKAN_OK ? s->error : INKAN_ERR_STATE;
	s->finished = 1;
	if (s->error != INKAN_OK)
		return s->error;
	if (s->nkeys == 0)
		return s->error = INKAN_ERR_STATE;
	/* 5.4: From MUST be signed, so there must be one */
	if (inkan_msg_count_named(s->msg, "From") == 0)
		return s->error = INKAN_ERR_SYNTAX;
	if (s->batch != NULL)
		st = ik_batch_flush(s->batch, &s->nbatch, feed_hashers, s);
	for (c = 0; c < 2 && st == INKAN_OK; c++)
		if (s->bc[c] != NULL)
			st = ik_body_canon_final(s->bc[c], s->bh[c]);
	if (st != INKAN_OK)
		return s->error = st;
	hl = ik_malloc(s->d->ctx, sizeof(*hl));
	if (hl == NULL)
		return s->error = INKAN_ERR_NOMEM;
	ik_buf_init(&hl->names, s->d->ctx, 64 * 1024);
	st = ik_digest_new(s->d->crypto, IK_HASH_SHA256, &d);
	now = inkan_ctx_now(s->d->ctx);
	/* RFC 6376 3.5: t= and x= are plain decimal seconds; a clock
	 * before 1970 cannot be written, and x= = t= + lifetime must not
	 * wrap (lifetime is at most INKAN_DKIM_MAX_LIFETIME, checked by
	 * inkan_dkim_sign_add) */
	if (now < 0 || (uint64_t)now > UINT64_MAX - INKAN_DKIM_MAX_LIFETIME)
		st = INKAN_ERR_INVALID;
	for (i = 0; i < s->nkeys && st == INKAN_OK; i++)
		st = sign_one(s, &s->keys[i], now, hl, d);
	ik_digest_free(d);
	ik_buf_free(&hl->names);
	ik_free(s->d->ctx, hl);
	return s->error = st;
}

INKAN_API size_t
inkan_dkim_sign_count(const inkan_dkim_sign *s)
{
	return s != NULL && s->finished && s->error == INKAN_OK ? s->nkeys : 0;
}

INKAN_API const char *
inkan_dkim_sign_header(const inkan_dkim_sign *s, size_t i, size_t *len)
{
	if (len != NULL)
		*len = 0;
	if (i >= inkan_dkim_sign_count(s))
		return NULL;
	if (len != NULL)
		*len = s->keys[i].out_len;
	return s->keys[i].out;
}
