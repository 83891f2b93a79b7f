/* SPDX-License-Identifier: MIT */
/*
 * ruf_limit.c - the rate limit RFC 9991 2 requires of failure reports
 * ("MUST implement a rate-limit on outgoing reports"): at most N reports
 * per destination per clock hour, in memory, bounded in size. When the
 * table is full of destinations already seen this hour, new destinations
 * are refused rather than the table growing: an attacker who makes us
 * report to many addresses gets fewer reports, not more memory.
 */
#include <pthread.h>
#include <string.h>
#include <strings.h>

#include "core/alloc.h"
#include "report/store_internal.h"

#define LIMIT_SLOTS 4096

typedef struct slot {
	char dest[256];
	int64_t hour;
	unsigned count;
} slot;

struct inkan_report_limiter {
	inkan_ctx *ctx;
	pthread_mutex_t mu;
	unsigned per_hour;
	slot slots[LIMIT_SLOTS];
};

inkan_status
inkan_report_limiter_new(inkan_ctx *ctx, unsigned per_hour,
	inkan_report_limiter **out)
{
	*out = NULL;
	if (per_hour == 0)
		return INKAN_ERR_INVALID;
	inkan_report_limiter *l = ik_calloc(ctx, 1, sizeof *l);
	if (!l)
		return INKAN_ERR_NOMEM;
	l->ctx = ctx;
	l->per_hour = per_hour;
	pthread_mutex_init(&l->mu, NULL);
	*out = l;
	return INKAN_OK;
}

void
inkan_report_limiter_free(inkan_report_limiter *l)
{
	if (!l)
		return;
	pthread_mutex_destroy(&l->mu);
	ik_free(l->ctx, l);
}

static uint32_t
hash(const char *s)
{
	uint32_t h = 2166136261u;	/* FNV-1a, case-folded */
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		h = (h ^ c) * 16777619u;
	}
	return h;
}

int
inkan_report_limiter_allow(inkan_report_limiter *l, const char *dest,
	int64_t now)
{
	if (!l || !dest || strlen(dest) >= sizeof l->slots[0].dest)
		return 0;
	int64_t hour = now / 3600;
	int ok = 0;
	pthread_mutex_lock(&l->mu);
	uint32_t h = hash(dest);
	/* open addressing, 16 probes: a slot of this destination, or one
	 * free or stale (an earlier hour) */
	for (unsigned p = 0; p < 16; p++) {
		slot *s = &l->slots[(h + p) % LIMIT_SLOTS];
		int mine = s->dest[0] && strcasecmp(s->dest, dest) == 0;
		if (!mine && s->dest[0] && s->hour == hour)
			continue;
		if (!mine || s->hour != hour) {
			memcpy(s->dest, dest, strlen(dest) + 1);
			s->hour = hour;
			s->count = 0;
		}
		if (s->count < l->per_hour) {
			s->count++;
			ok = 1;
		}
		break;
	}
	pthread_mutex_unlock(&l->mu);
	return ok;
}
