/* SPDX-License-Identifier: MIT */
/*
 * authors.c - the RFC5322.From author(s) of a message for DMARC.
 *
 * RFC 9989 5.3.1 / RFC 7489 6.6.1: DMARC needs exactly one author
 * domain, as an A-label. Every way a message can fail that (no From,
 * several From fields, several mailboxes or domains, a From that does not
 * parse, a mailbox with no usable domain) is reported as a flag, and the
 * addresses and domains that were found are all listed, so the caller
 * can apply RFC 9989 11.5 (reject, or evaluate every domain) knowingly.
 * RFC 6854 allows group syntax in From; an empty group yields no domain.
 *
 * Distinct domains are found with a small hash set so a From with many
 * mailboxes costs linear time.
 */
#include <string.h>

#include <inkan/address.h>

#include "core/alloc.h"
#include "core/ctx_internal.h"

struct inkan_authors {
	inkan_ctx *ctx;
	unsigned flags;
	inkan_address_list **lists;	/* one per parseable From field */
	size_t nlists;
	const inkan_address **addrs;	/* borrowed from lists */
	size_t n;
	const char **domains;		/* borrowed from lists */
	size_t ndomains;
	size_t *slots;			/* hash set: index + 1, 0 empty */
	size_t nslots;
};

/* FNV-1a; the set holds at most INKAN_LIMIT_ADDRESSES names */
static size_t
hash_name(const char *s)
{
	uint64_t h = 14695981039346656037ULL;

	while (*s != '\0') {
		h ^= (unsigned char)*s++;
		h *= 1099511628211ULL;
	}
	return (size_t)h;
}

/* Add @name to the distinct domains unless there already. */
static void
add_domain(inkan_authors *a, const char *name)
{
	size_t i = hash_name(name) & (a->nslots - 1), probes;

	/* nslots is a power of two above twice the most names, so an empty
	 * slot is always found */
	for (probes = 0; probes < a->nslots; probes++) {
		if (a->slots[i] == 0) {
			a->domains[a->ndomains++] = name;
			a->slots[i] = a->ndomains;
			return;
		}
		if (strcmp(a->domains[a->slots[i] - 1], name) == 0)
			return;
		i = (i + 1) & (a->nslots - 1);
	}
}

/* Collect the mailboxes of the parsed lists and derive the flags. */
static inkan_status
collect(inkan_authors *a, size_t total)
{
	const inkan_address *ad;
	size_t i, j;

	if (total > 0) {
		a->addrs = ik_calloc(a->ctx, total, sizeof(*a->addrs));
		a->domains = ik_calloc(a->ctx, total, sizeof(*a->domains));
		for (a->nslots = 4; a->nslots < 2 * total; a->nslots *= 2)
			;
		a->slots = ik_calloc(a->ctx, a->nslots, sizeof(*a->slots));
		if (a->addrs == NULL || a->domains == NULL || a->slots == NULL)
			return INKAN_ERR_NOMEM;
	}
	for (i = 0; i < a->nlists; i++) {
		/* a From that parsed but names nobody: an empty group */
		if (inkan_address_list_count(a->lists[i]) == 0)
			a->flags |= INKAN_FROM_NO_DOMAIN;
		for (j = 0; j < inkan_address_list_count(a->lists[i]); j++) {
			ad = inkan_address_list_at(a->lists[i], j);
			a->addrs[a->n++] = ad;
			if (ad->domain == NULL || ad->domain_literal)
				a->flags |= INKAN_FROM_NO_DOMAIN;
			else if (ad->domain_ascii == NULL)
				a->flags |= INKAN_FROM_UNPARSEABLE;
			else
				add_domain(a, ad->domain_ascii);
		}
	}
	if (a->n > 1)
		a->flags |= INKAN_FROM_MULTIPLE_ADDRESSES;
	if (a->ndomains > 1)
		a->flags |= INKAN_FROM_MULTIPLE_DOMAINS;
	return INKAN_OK;
}

INKAN_API inkan_status
inkan_authors_from_msg(inkan_ctx *ctx, const inkan_msg *msg,
	inkan_authors **out)
{
	inkan_authors *a;
	const inkan_header *h;
	const char *value;
	size_t nfields, i, len, total = 0;
	inkan_status st = INKAN_OK;

	if (out != NULL)
		*out = NULL;
	if (ctx == NULL || msg == NULL || out == NULL)
		return INKAN_ERR_INVALID;
	if ((a = ik_calloc(ctx, 1, sizeof(*a))) == NULL)
		return INKAN_ERR_NOMEM;
	a->ctx = ctx;
	nfields = inkan_msg_count_named(msg, "From");
	if (nfields == 0)
		a->flags |= INKAN_FROM_NONE;
	else if (nfields > 1)
		a->flags |= INKAN_FROM_MULTIPLE_FIELDS;
	if (nfields > 0 &&
	    (a->lists = ik_calloc(ctx, nfields, sizeof(*a->lists))) == NULL)
		st = INKAN_ERR_NOMEM;
	for (i = 0; i < nfields && st == INKAN_OK; i++) {
		if ((h = inkan_msg_find(msg, "From", i)) == NULL) {
			st = INKAN_ERR_INTERNAL;
			break;
		}
		value = inkan_header_value(h, &len);
		st = inkan_address_list_parse(ctx, value, len,
			&a->lists[a->nlists]);
		if (st == INKAN_ERR_SYNTAX) {
			/* never skipped: the field is reported unparseable */
			a->flags |= INKAN_FROM_UNPARSEABLE;
			st = INKAN_OK;
			continue;
		}
		if (st != INKAN_OK)
			break;
		total += inkan_address_list_count(a->lists[a->nlists++]);
		/* the cap covers all From fields together */
		if (total > ik_limit(ctx, INKAN_LIMIT_ADDRESSES))
			st = INKAN_ERR_LIMIT;
	}
	if (st == INKAN_OK)
		st = collect(a, total);
	if (st != INKAN_OK) {
		inkan_authors_free(a);
		return st;
	}
	*out = a;
	return INKAN_OK;
}

INKAN_API unsigned
inkan_authors_flags(const inkan_authors *a)
{
	return a == NULL ? 0 : a->flags;
}

INKAN_API size_t
inkan_authors_count(const inkan_authors *a)
{
	return a == NULL ? 0 : a->n;
}

INKAN_API const inkan_address *
inkan_authors_at(const inkan_authors *a, size_t i)
{
	if (a == NULL || i >= a->n)
		return NULL;
	return a->addrs[i];
}

INKAN_API size_t
inkan_authors_domain_count(const inkan_authors *a)
{
	return a == NULL ? 0 : a->ndomains;
}

INKAN_API const char *
inkan_authors_domain_at(const inkan_authors *a, size_t i)
{
	if (a == NULL || i >= a->ndomains)
		return NULL;
	return a->domains[i];
}

INKAN_API void
inkan_authors_free(inkan_authors *a)
{
	size_t i;

	if (a == NULL)
		return;
	for (i = 0; i < a->nlists; i++)
		inkan_address_list_free(a->lists[i]);
	ik_free(a->ctx, a->lists);
	ik_free(a->ctx, a->addrs);
	ik_free(a->ctx, a->domains);
	ik_free(a->ctx, a->slots);
	ik_free(a->ctx, a);
}
