/* SPDX-License-Identifier: MIT */
/*
 * cache.c - a caching resolver in front of any other.
 *
 *  - positive answers live for their TTL, at most CACHE_MAX_TTL;
 *  - negative answers (NXDOMAIN, NODATA) for min(their RFC 2308 TTL,
 *    CACHE_MAX_NEG_TTL): a record published a minute ago should show;
 *  - failures (SERVFAIL, REFUSED, timeouts) are never stored: the next
 *    question asks again;
 *  - a question already in flight is joined, not asked twice: the first
 *    waiter runs the backend's wait, the others sleep on a condition;
 *  - at most max_entries answers; the least recently used goes first.
 *
 * Time is the context's clock (inkan_ctx_now), so tests move it by hand.
 *
 * Threading: one mutex guards the table, the LRU list and the counters;
 * backend calls that may block (wait) run without it.
 */
#include <pthread.h>
#include <string.h>

#include "core/alloc.h"
#include "core/ascii.h"
#include "dns_internal.h"

#define CACHE_DEFAULT_ENTRIES 10000
#define CACHE_MAX_TTL 86400		/* one day */
#define CACHE_MAX_NEG_TTL 300		/* five minutes */

enum { E_PENDING, E_READY };

struct centry {
	struct centry *hnext;
	struct centry *prev, *next;	/* LRU, most recent at head */
	uint32_t hash;
	uint16_t type;
	int state;
	int in_table;
	int waiting;			/* a thread runs the backend wait */
	size_t refs;			/* queries holding it */
	inkan_dns_query *bq;		/* PENDING: the backend's question */
	inkan_dns_answer *answer;	/* READY: owned copy (may be NULL) */
	inkan_status err;		/* READY without answer: why */
	int64_t expires;
	char key[];			/* lower-case name */
};

struct cache {
	inkan_ctx *ctx;
	inkan_resolver *backend;	/* owned */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct centry **buckets;
	size_t nbuckets, count, max;
	struct centry *head, *tail;
	inkan_dns_cache_stats stats;
};

struct cquery {
	struct cache *c;
	struct centry *e;
	int hit;
	char *name;
	inkan_dns_answer view;	/* this question's view of e->answer */
};

static uint32_t
key_hash(const char *key, uint16_t type)
{
	uint32_t h = 2166136261u ^ type;

	for (; *key != '\0'; key++) {
		h ^= (uint8_t)*key;
		h *= 16777619u;
	}
	return h;
}

static void
lru_unlink(struct cache *c, struct centry *e)
{
	if (e->prev != NULL)
		e->prev->next = e->next;
	else
		c->head = e->next;
	if (e->next != NULL)
		e->next->prev = e->prev;
	else
		c->tail = e->prev;
	e->prev = e->next = NULL;
}

static void
lru_push(struct cache *c, struct centry *e)
{
	e->prev = NULL;
	e->next = c->head;
	if (c->head != NULL)
		c->head->prev = e;
	c->head = e;
	if (c->tail == NULL)
		c->tail = e;
}

static void
entry_free(struct cache *c, struct centry *e)
{
	ik_free(c->ctx, e->answer);
	ik_free(c->ctx, e);
}

/* take @e out of the table; the caller frees it if nobody holds it */
static void
table_remove(struct cache *c, struct centry *e)
{
	struct centry **pp = &c->buckets[e->hash & (c->nbuckets - 1)];

	if (!e->in_table)
		return;
	while (*pp != e)
		pp = &(*pp)->hnext;
	*pp = e->hnext;
	lru_unlink(c, e);
	e->in_table = 0;
	c->count--;
	if (e->state == E_READY)
		c->stats.entries--;
}

static struct centry *
table_find(struct cache *c, const char *key, uint16_t type, uint32_t h)
{
	struct centry *e = c->buckets[h & (c->nbuckets - 1)];

	for (; e != NULL; e = e->hnext)
		if (e->hash == h && e->type == type &&
		    strcmp(e->key, key) == 0)
			return e;
	return NULL;
}

/* drop least recently used answers until there is room for one more */
static void
make_room(struct cache *c)
{
	struct centry *e = c->tail, *prev;

	while (c->count >= c->max && e != NULL) {
		prev = e->prev;
		if (e->state == E_READY) {	/* never one in flight */
			table_remove(c, e);
			c->stats.evictions++;
			if (e->refs == 0)
				entry_free(c, e);
		}
		e = prev;
	}
}

static inkan_status
cache_start(void *impl, const char *name, uint16_t type, uint32_t timeout_ms,
	void **qstate)
{
	struct cache *c = impl;
	struct cquery *q;
	struct centry *e;
	size_t len = strlen(name);
	uint32_t h;
	inkan_status st = INKAN_OK;

	(void)timeout_ms;	/* the backend reads it from the context */
	q = ik_calloc(c->ctx, 1, sizeof(*q));
	if (q == NULL)
		return INKAN_ERR_NOMEM;
	q->c = c;
	q->name = ik_strndup(c->ctx, name, len);
	e = ik_calloc(c->ctx, 1, sizeof(*e) + len + 1);
	if (q->name == NULL || e == NULL) {
		ik_free(c->ctx, q->name);
		ik_free(c->ctx, q);
		ik_free(c->ctx, e);
		return INKAN_ERR_NOMEM;
	}
	/* RFC 4343: names compare without case */
	memcpy(e->key, name, len + 1);
	ik_ascii_lower(e->key, len);
	h = key_hash(e->key, type);

	pthread_mutex_lock(&c->mu);
	q->e = table_find(c, e->key, type, h);
	if (q->e != NULL && q->e->state == E_READY &&
	    inkan_ctx_now(c->ctx) >= q->e->expires) {
		struct centry *old = q->e;
		table_remove(c, old);
		if (old->refs == 0)
			entry_free(c, old);
		q->e = NULL;
	}
	if (q->e != NULL) {
		q->hit = q->e->state == E_READY;
		if (q->hit)
			c->stats.hits++;
		else
			c->stats.joins++;
		lru_unlink(c, q->e);
		lru_push(c, q->e);
		q->e->refs++;
		pthread_mutex_unlock(&c->mu);
		ik_free(c->ctx, e);
		*qstate = q;
		return INKAN_OK;
	}
	/* a miss: ask the backend (start does not block) */
	st = inkan_dns_start(c->backend, name, type, &e->bq);
	if (st != INKAN_OK) {
		pthread_mutex_unlock(&c->mu);
		ik_free(c->ctx, e);
		ik_free(c->ctx, q->name);
		ik_free(c->ctx, q);
		return st;
	}
	c->stats.misses++;
	make_room(c);
	e->hash = h;
	e->type = type;
	e->state = E_PENDING;
	e->refs = 1;
	e->in_table = 1;
	e->hnext = c->buckets[h & (c->nbuckets - 1)];
	c->buckets[h & (c->nbuckets - 1)] = e;
	lru_push(c, e);
	c->count++;
	q->e = e;
	pthread_mutex_unlock(&c->mu);
	*qstate = q;
	return INKAN_OK;
}

/* how long an answer may stay, by what it says */
static int64_t
keep_for(const inkan_dns_answer *a)
{
	switch (a->outcome) {
	case INKAN_DNS_DATA:
		return a->ttl < CACHE_MAX_TTL ? a->ttl : CACHE_MAX_TTL;
	case INKAN_DNS_NODATA:
	case INKAN_DNS_NXDOMAIN:
		return a->ttl < CACHE_MAX_NEG_TTL ? a->ttl :
			CACHE_MAX_NEG_TTL;
	default:
		return 0;	/* failures are not cached */
	}
}

/* run the backend's wait for @e (called without the lock) and publish */
static void
complete(struct cache *c, struct centry *e)
{
	const inkan_dns_answer *ba = NULL;
	inkan_dns_answer *copy = NULL;
	inkan_dns_query *bq = e->bq;
	inkan_status st;
	int64_t keep = 0;

	st = inkan_dns_wait(bq, &ba);
	if (st == INKAN_OK)
		st = ik_dns_answer_copy(c->ctx, ba, &copy);
	if (st == INKAN_OK)
		keep = keep_for(copy);
	inkan_dns_query_free(bq);

	pthread_mutex_lock(&c->mu);
	e->bq = NULL;
	e->answer = copy;
	e->err = st;
	e->expires = inkan_ctx_now(c->ctx) + keep;
	e->state = E_READY;
	e->waiting = 0;
	if (e->in_table)
		c->stats.entries++;
	if (keep <= 0)
		table_remove(c, e);
	pthread_cond_broadcast(&c->cv);
}

static inkan_status
cache_wait(void *impl, void *qstate, const inkan_dns_answer **answer)
{
	struct cache *c = impl;
	struct cquery *q = qstate;
	struct centry *e = q->e;
	int64_t now;

	pthread_mutex_lock(&c->mu);
	while (e->state != E_READY) {
		if (!e->waiting) {
			e->waiting = 1;
			pthread_mutex_unlock(&c->mu);
			complete(c, e);		/* returns with the lock */
		} else {
			pthread_cond_wait(&c->cv, &c->mu);
		}
	}
	if (e->answer == NULL) {
		pthread_mutex_unlock(&c->mu);
		return e->err != INKAN_OK ? e->err : INKAN_ERR_INTERNAL;
	}
	now = inkan_ctx_now(c->ctx);
	q->view = *e->answer;
	q->view.qname = q->name;
	q->view.from_cache = q->hit;
	if (q->hit)
		q->view.ttl = e->expires > now ? (uint32_t)(e->expires - now) :
			0;
	pthread_mutex_unlock(&c->mu);
	*answer = &q->view;
	return INKAN_OK;
}

static void
cache_free(void *impl, void *qstate)
{
	struct cache *c = impl;
	struct cquery *q = qstate;
	struct centry *e = q->e;
	inkan_dns_query *orphan = NULL;

	pthread_mutex_lock(&c->mu);
	e->refs--;
	if (e->refs == 0 && e->state == E_PENDING && !e->waiting) {
		/* nobody will wait for it: cancel the backend question */
		table_remove(c, e);
		orphan = e->bq;
		e->bq = NULL;
	}
	if (e->refs == 0 && !e->in_table)
		entry_free(c, e);
	pthread_mutex_unlock(&c->mu);
	inkan_dns_query_free(orphan);
	ik_free(c->ctx, q->name);
	ik_free(c->ctx, q);
}

static void
cache_destroy(void *impl)
{
	struct cache *c = impl;
	struct centry *e, *next;

	for (e = c->head; e != NULL; e = next) {
		next = e->next;
		inkan_dns_query_free(e->bq);
		entry_free(c, e);
	}
	inkan_resolver_free(c->backend);
	pthread_mutex_destroy(&c->mu);
	pthread_cond_destroy(&c->cv);
	ik_free(c->ctx, c->buckets);
	ik_free(c->ctx, c);
}

const inkan_resolver_ops ik_cache_ops = {
	cache_start, cache_wait, cache_free, cache_destroy
};

INKAN_API inkan_status
inkan_resolver_cache_new(inkan_ctx *ctx, inkan_resolver *backend,
	size_t max_entries, inkan_resolver **out)
{
	struct cache *c;
	inkan_status st;

	if (out == NULL)
		return INKAN_ERR_INVALID;
	*out = NULL;
	if (ctx == NULL || backend == NULL)
		return INKAN_ERR_INVALID;
	c = ik_calloc(ctx, 1, sizeof(*c));
	if (c == NULL)
		return INKAN_ERR_NOMEM;
	c->ctx = ctx;
	c->max = max_entries ? max_entries : CACHE_DEFAULT_ENTRIES;
	c->nbuckets = 16;
	while (c->nbuckets < c->max && c->nbuckets < (1u << 20))
		c->nbuckets *= 2;
	c->buckets = ik_calloc(ctx, c->nbuckets, sizeof(*c->buckets));
	if (c->buckets == NULL) {
		ik_free(ctx, c);
		return INKAN_ERR_NOMEM;
	}
	if (pthread_mutex_init(&c->mu, NULL) != 0) {
		ik_free(ctx, c->buckets);
		ik_free(ctx, c);
		return INKAN_ERR_NOMEM;
	}
	if (pthread_cond_init(&c->cv, NULL) != 0) {
		pthread_mutex_destroy(&c->mu);
		ik_free(ctx, c->buckets);
		ik_free(ctx, c);
		return INKAN_ERR_NOMEM;
	}
	st = inkan_resolver_new(ctx, &ik_cache_ops, c, out);
	if (st != INKAN_OK) {
		pthread_mutex_destroy(&c->mu);
		pthread_cond_destroy(&c->cv);
		ik_free(ctx, c->buckets);
		ik_free(ctx, c);
		return st;
	}
	c->backend = backend;
	return INKAN_OK;
}

INKAN_API inkan_status
inkan_resolver_cache_stats(inkan_resolver *r, inkan_dns_cache_stats *out)
{
	struct cache *c;

	if (r == NULL || out == NULL || r->ops != &ik_cache_ops)
		return INKAN_ERR_INVALID;
	c = r->impl;
	pthread_mutex_lock(&c->mu);
	*out = c->stats;
	pthread_mutex_unlock(&c->mu);
	return INKAN_OK;
}
