/* SPDX-License-Identifier: MIT */
/* spf_cache.h - the parsed-record cache, for spf_eval.c (spf_cache.c). */
#ifndef INKAN_SPF_CACHE_H
#define INKAN_SPF_CACHE_H

#include <inkan/spf.h>

#include "spf_record.h"

struct ik_spf_centry;

/*
 * The parsed form of record @text (@len bytes): from the cache, or parsed
 * now and stored. *out is held until ik_spf_cache_release(). INKAN_OK
 * (the entry may hold a syntax error: see ik_spf_centry_record),
 * INKAN_ERR_LIMIT (too long to cache: parse it yourself), NOMEM.
 */
inkan_status ik_spf_cache_get(inkan_spf_cache *c, const char *text,
	size_t len, struct ik_spf_centry **out);
/* the record and its parse status (INKAN_OK or INKAN_ERR_SYNTAX) */
const ik_spf_record *ik_spf_centry_record(const struct ik_spf_centry *e,
	inkan_status *st);
void ik_spf_cache_release(inkan_spf_cache *c, struct ik_spf_centry *e);

#endif
