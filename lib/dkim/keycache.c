/* SPDX-License-Identifier: MIT */
/*
 * keycache.c - parsed DKIM keys by query name, with expiry and LRU.
 *
 * Why: with OpenSSL 3, decoding an RSA public key costs about six RSA
 * verifications, so a verifier that parses the key per message spends
 * most of its time there. Entries live for the record's TTL (capped by
 * the caller). The table has a fixed number of buckets chosen from the
 * size limit; at the limit the least recently used entry goes.
 *
 * Threading: one mutex guards the table and every reference count of a
 * key that has been in the cache, so a verifier may keep using a key that
 * another thread evicts.
 */
#include <string.h>

#include "core/alloc.h"
#include "core/ascii.h"
#include "dkim_internal.h"

struct ik_dkim_cache {
	const inkan_ctx *ctx;
	pthread_mutex_t lock;
	size_t max, count, nbuckets;
	ik_dkim_key **buckets;
	ik_dkim_key *head, *tail;	/* most / least recently used */
};

static uint32_t
name_hash(const char *s, size_t len)
{
	uint32_t h = 2166136261u;	/* FNV-1a over the lower-cased name */
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (uint32_t)ik_to_lower((unsigned char)s[i]);
		h *= 16777619u;
	}
	return h;
}

inkan_status
ik_dkim_cache_new(const inkan_ctx *ctx, size_t max, ik_dkim_cache **out)
{
	ik_dkim_cache *c;
	size_t nb = 16;

	*out = NULL;
	while (nb < max && nb < ((size_t)1 << 20))
		nb <<= 1;
	c = ik_calloc(ctx, 1, sizeof(*c));
	if (c == NULL)
		return INKAN_ERR_NOMEM;
	c->buckets = ik_calloc(ctx, nb, sizeof(*c->buckets));
	if (c->buckets == NULL || pthread_mutex_init(&c->lock, NULL) != 0) {
		ik_free(ctx, c->buckets);
		ik_free(ctx, c);
		return INKAN_ERR_NOMEM;
	}
	c->ctx = ctx;
	c->max = max;
	c->nbuckets = nb;
	*out = c;
	return INKAN_OK;
}

static void
key_free(const inkan_ctx *ctx, ik_dkim_key *key)
{
	ik_pubkey_free(key->pub);
	ik_free(ctx, key->qname);
	ik_free(ctx, key);
}

/* unlink from the LRU list and the bucket; drop the cache's reference */
static void
evict(ik_dkim_cache *c, ik_dkim_key *key)
{
	ik_dkim_key **pp = &c->buckets[key->hash & (c->nbuckets - 1)];

	while (*pp != NULL && *pp != key)
		pp = &(*pp)->chain;
	if (*pp == key)
		*pp = key->chain;
	if (key->prev != NULL)
		key->prev->next = key->next;
	else
		c->head = key->next;
	if (key->next != NULL)
		key->next->prev = key->prev;
	else
		c->tail = key->prev;
	key->prev = key->next = key->chain = NULL;
	c->count--;
	if (--key->refs == 0)
		key_free(c->ctx, key);
}

void
ik_dkim_cache_free(ik_dkim_cache *c)
{
	if (c == NULL)
		return;
	while (c->head != NULL)
		evict(c, c->head);
	pthread_mutex_destroy(&c->lock);
	ik_free(c->ctx, c->buckets);
	ik_free(c->ctx, c);
}

static ik_dkim_key *
find(ik_dkim_cache *c, const char *qname, size_t len, uint32_t h)
{
	ik_dkim_key *k;

	for (k = c->buckets[h & (c->nbuckets - 1)]; k != NULL; k = k->chain)
		if (k->hash == h && ik_ascii_eq(k->qname, k->qname_len,
		    qname, len))
			return k;
	return NULL;
}

static void
link_head(ik_dkim_cache *c, ik_dkim_key *key)
{
	key->prev = NULL;
	key->next = c->head;
	if (c->head != NULL)
		c->head->prev = key;
	c->head = key;
	if (c->tail == NULL)
		c->tail = key;
}

ik_dkim_key *
ik_dkim_cache_get(ik_dkim_cache *c, const char *qname, int64_t now)
{
	size_t len = strlen(qname);
	uint32_t h = name_hash(qname, len);
	ik_dkim_key *k;

	pthread_mutex_lock(&c->lock);
	k = find(c, qname, len, h);
	if (k != NULL && k->expires <= now) {
		evict(c, k);
		k = NULL;
	}
	if (k != NULL) {
		k->refs++;
		if (c->head != k) {
			/* move to the front */
			k->prev->next = k->next;
			if (k->next != NULL)
				k->next->prev = k->prev;
			else
				c->tail = k->prev;
			link_head(c, k);
		}
	}
	pthread_mutex_unlock(&c->lock);
	return k;
}

void
ik_dkim_cache_put(ik_dkim_cache *c, const char *qname, ik_dkim_key *key,
	int64_t expires)
{
	size_t len = strlen(qname);
	uint32_t h = name_hash(qname, len);
	ik_dkim_key *old;

	if (c->max == 0 || key->qname != NULL)
		return;
	key->qname = ik_strndup(c->ctx, qname, len);
	if (key->qname == NULL)
		return;		/* not cached; nothing else goes wrong */
	key->qname_len = len;
	key->hash = h;
	key->expires = expires;
	pthread_mutex_lock(&c->lock);
	if ((old = find(c, qname, len, h)) != NULL)
		evict(c, old);
	while (c->count >= c->max && c->tail != NULL)
		evict(c, c->tail);
	key->refs++;
	key->chain = c->buckets[h & (c->nbuckets - 1)];
	c->buckets[h & (c->nbuckets - 1)] = key;
	link_head(c, key);
	c->count++;
	pthread_mutex_unlock(&c->lock);
}

void
ik_dkim_key_unref(const inkan_ctx *ctx, ik_dkim_cache *c, ik_dkim_key *key)
{
	unsigned left;

	if (key == NULL)
		return;
	if (c != NULL)
		pthread_mutex_lock(&c->lock);
	left = --key->refs;
	if (c != NULL)
		pthread_mutex_unlock(&c->lock);
	if (left == 0)
		key_free(ctx, key);
}
