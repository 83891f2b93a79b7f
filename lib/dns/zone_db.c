/* SPDX-License-Identifier: MIT */
/*
 * zone_db.c - the zone backend's name table (see zone_internal.h).
 *
 * Every ancestor of a name with data is entered too and marked as
 * existing: that is how empty non-terminals answer NODATA rather than
 * NXDOMAIN (RFC 8020, RFC 4592 2.2.2) and how the closest encloser of a
 * wildcard match is found.
 */
#include <string.h>

#include "core/alloc.h"
#include "core/ascii.h"
#include "zone_internal.h"

static uint32_t
name_hash(const uint8_t *name)
{
	uint32_t h = 2166136261u;	/* FNV-1a */
	size_t i, len = ik_dname_len(name);

	for (i = 0; i < len; i++) {
		h ^= (uint8_t)ik_to_lower(name[i]);
		h *= 16777619u;
	}
	return h;
}

inkan_status
ik_zone_init(ik_zone *z, inkan_ctx *ctx)
{
	memset(z, 0, sizeof(*z));
	z->ctx = ctx;
	z->max_rrs = IK_ZONE_MAX_RRS_DEFAULT;
	z->nbuckets = 64;
	z->buckets = ik_calloc(ctx, z->nbuckets, sizeof(*z->buckets));
	if (z->buckets == NULL)
		return INKAN_ERR_NOMEM;
	if (pthread_mutex_init(&z->mu, NULL) != 0) {
		ik_free(ctx, z->buckets);
		return INKAN_ERR_NOMEM;
	}
	return INKAN_OK;
}

void
ik_zone_cleanup(ik_zone *z)
{
	size_t i, j;

	for (i = 0; i < z->nbuckets; i++) {
		ik_znode *n = z->buckets[i], *next;
		for (; n != NULL; n = next) {
			next = n->next;
			for (j = 0; j < n->nrrs; j++)
				ik_free(z->ctx, n->rrs[j]);
			ik_free(z->ctx, n->rrs);
			ik_free(z->ctx, n->faults);
			ik_free(z->ctx, n);
		}
	}
	ik_free(z->ctx, z->buckets);
	pthread_mutex_destroy(&z->mu);
	z->buckets = NULL;
}

ik_znode *
ik_zone_find(const ik_zone *z, const uint8_t *name)
{
	uint32_t h = name_hash(name);
	ik_znode *n;

	for (n = z->buckets[h & (z->nbuckets - 1)]; n != NULL; n = n->next)
		if (n->hash == h && ik_dname_eq(n->name, name))
			return n;
	return NULL;
}

static void
grow(ik_zone *z)
{
	size_t nb = z->nbuckets * 2, i;
	ik_znode **b;

	b = ik_calloc(z->ctx, nb, sizeof(*b));
	if (b == NULL)
		return;		/* longer chains, still correct */
	for (i = 0; i < z->nbuckets; i++) {
		ik_znode *n = z->buckets[i], *next;
		for (; n != NULL; n = next) {
			next = n->next;
			n->next = b[n->hash & (nb - 1)];
			b[n->hash & (nb - 1)] = n;
		}
	}
	ik_free(z->ctx, z->buckets);
	z->buckets = b;
	z->nbuckets = nb;
}

static ik_znode *
get_node(ik_zone *z, const uint8_t *name)
{
	ik_znode *n = ik_zone_find(z, name);
	size_t len;

	if (n != NULL)
		return n;
	if (z->nnodes >= z->nbuckets)
		grow(z);
	len = ik_dname_len(name);
	n = ik_calloc(z->ctx, 1, sizeof(*n) + len);
	if (n == NULL)
		return NULL;
	memcpy(n->name, name, len);
	ik_dname_lower(n->name);
	n->hash = name_hash(name);
	n->next = z->buckets[n->hash & (z->nbuckets - 1)];
	z->buckets[n->hash & (z->nbuckets - 1)] = n;
	z->nnodes++;
	return n;
}

/* mark @name and all its ancestors as existing */
static inkan_status
mark_exists(ik_zone *z, const uint8_t *name)
{
	for (;;) {
		ik_znode *n = get_node(z, name);
		if (n == NULL)
			return INKAN_ERR_NOMEM;
		if (n->exists)
			return INKAN_OK;	/* so are its ancestors */
		n->exists = 1;
		if (name[0] == 0)
			return INKAN_OK;
		name += name[0] + 1;
	}
}

inkan_status
ik_zone_add_rr(ik_zone *z, const uint8_t *name, uint16_t type, uint32_t ttl,
	const uint8_t *rdata, size_t rdlen, const char **why)
{
	ik_znode *n;
	ik_zrr *rr;
	size_t i;
	inkan_status st;

	*why = NULL;
	if (z->nrrs >= z->max_rrs) {
		*why = "too many records";
		return INKAN_ERR_LIMIT;
	}
	if (rdlen > UINT16_MAX)
		return INKAN_ERR_SYNTAX;
	n = get_node(z, name);
	if (n == NULL)
		return INKAN_ERR_NOMEM;
	for (i = 0; i < n->nrrs; i++) {
		/* RFC 2181 5: an RRset is a set; a repeated RR is one */
		if (n->rrs[i]->type == type && n->rrs[i]->rdlen == rdlen &&
		    (rdlen == 0 || memcmp(n->rrs[i]->rdata, rdata, rdlen) == 0))
			return INKAN_OK;
		/* RFC 1034 3.6.2: a CNAME stands alone */
		if (type == INKAN_DNS_TYPE_CNAME ||
		    n->rrs[i]->type == INKAN_DNS_TYPE_CNAME) {
			*why = "CNAME and other data at one name";
			return INKAN_ERR_SYNTAX;
		}
		/* RFC 2181 5.2: one TTL per RRset; keep the smallest */
		if (n->rrs[i]->type == type && n->rrs[i]->ttl > ttl)
			n->rrs[i]->ttl = ttl;
		else if (n->rrs[i]->type == type)
			ttl = n->rrs[i]->ttl;
	}
	if (n->nrrs == n->rrcap) {
		size_t ncap = n->rrcap ? n->rrcap * 2 : 2;
		ik_zrr **p = ik_reallocarray(z->ctx, n->rrs, ncap,
			sizeof(*p));
		if (p == NULL)
			return INKAN_ERR_NOMEM;
		n->rrs = p;
		n->rrcap = ncap;
	}
	rr = ik_malloc(z->ctx, sizeof(*rr) + rdlen);
	if (rr == NULL)
		return INKAN_ERR_NOMEM;
	rr->type = type;
	rr->ttl = ttl;
	rr->rdlen = (uint16_t)rdlen;
	if (rdlen > 0)
		memcpy(rr->rdata, rdata, rdlen);
	n->rrs[n->nrrs++] = rr;
	z->nrrs++;
	st = mark_exists(z, name);
	return st;
}

inkan_status
ik_zone_add_fault(ik_zone *z, const uint8_t *name, uint16_t type,
	enum ik_zone_fault kind)
{
	ik_znode *n = get_node(z, name);
	ik_zfault *f;
	size_t i;

	if (n == NULL)
		return INKAN_ERR_NOMEM;
	for (i = 0; i < n->nfaults; i++)
		if (n->faults[i].type == type) {
			n->faults[i].kind = (uint8_t)kind;
			return INKAN_OK;
		}
	if (n->nfaults >= 65536)
		return INKAN_ERR_LIMIT;
	f = ik_reallocarray(z->ctx, n->faults, n->nfaults + 1, sizeof(*f));
	if (f == NULL)
		return INKAN_ERR_NOMEM;
	n->faults = f;
	f[n->nfaults].type = type;
	f[n->nfaults].kind = (uint8_t)kind;
	n->nfaults++;
	return INKAN_OK;
}

enum ik_zone_fault
ik_zone_fault_for(const ik_zone *z, const uint8_t *name, uint16_t type)
{
	const ik_znode *n = ik_zone_find(z, name);
	enum ik_zone_fault any = IK_FAULT_NONE;
	size_t i;

	if (n == NULL)
		return IK_FAULT_NONE;
	for (i = 0; i < n->nfaults; i++) {
		if (n->faults[i].type == type)
			return (enum ik_zone_fault)n->faults[i].kind;
		if (n->faults[i].type == 0)
			any = (enum ik_zone_fault)n->faults[i].kind;
	}
	return any;
}
