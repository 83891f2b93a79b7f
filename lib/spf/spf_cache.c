/* SPDX-License-Identifier: MIT */
/*
 * spf_cache.c - parsed SPF records shared between checks (inkan/spf.h,
 * inkan_spf_cache).
 *
 * The same few records (a domain's own, the big providers' includes) are
 * parsed over and over; this keeps the parse, keyed by the record's exact
 * bytes, so a check can skip it. A record that does not parse is kept
 * too, with its error. The table is direct-mapped (a new record takes its
 * slot); entries are immutable and reference-counted, so a check keeps
 * using a record another thread has just replaced. One mutex guards the
 * slots and counts; parsing happens outside it.
 */
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "core/alloc.h"
#include "spf_cache.h"

/* longer records are parsed every time: they are rare, and the cache's
 * memory stays bounded by slots x this */
#define CACHE_MAX_RECORD 4096

struct ik_spf_centry {
	uint64_t hash;
	size_t len;
	char *text;			/* owned copy the terms point into */
	ik_spf_record rec;
	inkan_status st;		/* INKAN_OK or INKAN_ERR_SYNTAX */
	unsigned refs;			/* users, +1 while in a slot */
};

struct inkan_spf_cache {
	const inkan_ctx *ctx;
	pthread_mutex_t mu;
	struct ik_spf_centry **slots;
	size_t mask;
	uint64_t hits, misses;
};

/* a fast 64-bit hash, eight bytes at a time (not for adversaries: the
 * table holds parsed records, a collision only costs a re-parse) */
static uint64_t
hash_bytes(const char *s, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ull ^ n, w;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		memcpy(&w, s + i, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
		h ^= h >> 29;
	}
	w = 0;
	memcpy(&w, s + i, n - i);
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
	return h ^ (h >> 32);
}

static void
entry_free(const inkan_ctx *ctx, struct ik_spf_centry *e)
{
	ik_spf_record_free(ctx, &e->rec);
	ik_free(ctx, e->text);
	ik_free(ctx, e);
}

INKAN_API inkan_status
inkan_spf_cache_new(const inkan_ctx *ctx, size_t records,
	inkan_spf_cache **out)
{
	inkan_spf_cache *c;
	size_t n = 16;

	if (out == NULL)
		return INKAN_ERR_INVALID;
	*out = NULL;
	if (ctx == NULL)
		return INKAN_ERR_INVALID;
	if (records == 0)
		records = 1024;
	while (n < records && n < ((size_t)1 << 20))
		n <<= 1;
	c = ik_calloc(ctx, 1, sizeof(*c));
	if (c == NULL)
		return INKAN_ERR_NOMEM;
	c->slots = ik_calloc(ctx, n, sizeof(*c->slots));
	if (c->slots == NULL || pthread_mutex_init(&c->mu, NULL) != 0) {
		ik_free(ctx, c->slots);
		ik_free(ctx, c);
		return INKAN_ERR_NOMEM;
	}
	c->ctx = ctx;
	c->mask = n - 1;
	*out = c;
	return INKAN_OK;
}

INKAN_API void
inkan_spf_cache_free(inkan_spf_cache *c)
{
	size_t i;

	if (c == NULL)
		return;
	/* callers have finished their checks: every count is the slot's */
	for (i = 0; i <= c->mask; i++)
		if (c->slots[i] != NULL)
			entry_free(c->ctx, c->slots[i]);
	pthread_mutex_destroy(&c->mu);
	ik_free(c->ctx, c->slots);
	ik_free(c->ctx, c);
}

INKAN_API void
inkan_spf_cache_stats(inkan_spf_cache *c, uint64_t *hits, uint64_t *misses)
{
	if (c == NULL)
		return;
	pthread_mutex_lock(&c->mu);
	if (hits != NULL)
		*hits = c->hits;
	if (misses != NULL)
		*misses = c->misses;
	pthread_mutex_unlock(&c->mu);
}

inkan_status
ik_spf_cache_get(inkan_spf_cache *c, const char *text, size_t len,
	struct ik_spf_centry **out)
{
	uint64_t h = hash_bytes(text, len);
	struct ik_spf_centry *e, *old;
	size_t slot = (size_t)h & c->mask;

	*out = NULL;
	if (len > CACHE_MAX_RECORD)
		return INKAN_ERR_LIMIT;	/* the caller parses it itself */
	pthread_mutex_lock(&c->mu);
	e = c->slots[slot];
	if (e != NULL && e->hash == h && e->len == len &&
	    memcmp(e->text, text, len) == 0) {
		e->refs++;
		c->hits++;
		pthread_mutex_unlock(&c->mu);
		*out = e;
		return INKAN_OK;
	}
	c->misses++;
	pthread_mutex_unlock(&c->mu);
	e = ik_calloc(c->ctx, 1, sizeof(*e));
	if (e == NULL)
		return INKAN_ERR_NOMEM;
	e->text = ik_strndup(c->ctx, text, len);
	if (e->text == NULL) {
		ik_free(c->ctx, e);
		return INKAN_ERR_NOMEM;
	}
	e->hash = h;
	e->len = len;
	e->st = ik_spf_record_parse(c->ctx, e->text, len, &e->rec);
	if (e->st != INKAN_OK && e->st != INKAN_ERR_SYNTAX) {
		inkan_status st = e->st;

		entry_free(c->ctx, e);
		return st;
	}
	e->refs = 2;	/* the slot's and the caller's */
	pthread_mutex_lock(&c->mu);
	old = c->slots[slot];
	c->slots[slot] = e;
	if (old != NULL && --old->refs > 0)
		old = NULL;	/* still in use: its last user frees it */
	pthread_mutex_unlock(&c->mu);
	if (old != NULL)
		entry_free(c->ctx, old);
	*out = e;
	return INKAN_OK;
}

const ik_spf_record *
ik_spf_centry_record(const struct ik_spf_centry *e, inkan_status *st)
{
	*st = e->st;
	return &e->rec;
}

void
ik_spf_cache_release(inkan_spf_cache *c, struct ik_spf_centry *e)
{
	int last;

	if (e == NULL)
		return;
	pthread_mutex_lock(&c->mu);
	last = --e->refs == 0;
	pthread_mutex_unlock(&c->mu);
	if (last)
		entry_free(c->ctx, e);
}
