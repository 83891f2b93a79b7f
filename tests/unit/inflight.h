/* SPDX-License-Identifier: MIT */
/*
 * inflight.h - a resolver for tests that sits in front of another one and
 * counts the questions asked and not yet answered: the most of them at
 * one time shows whether lookups overlap, without measuring time (which
 * a loaded machine stretches).
 */
#ifndef TEST_INFLIGHT_H
#define TEST_INFLIGHT_H

#include <inkan/ctx.h>
#include <inkan/dns.h>

typedef struct inflight inflight;

/*
 * A resolver asking @inner. *out is owned by the caller
 * (inkan_resolver_free(), which frees *counter too, and @inner when @own
 * is 1); *counter is borrowed from it.
 */
inkan_status inflight_new(inkan_ctx *ctx, inkan_resolver *inner, int own,
	inkan_resolver **out, inflight **counter);

/* The most questions out at one time so far. */
int inflight_most(const inflight *counter);

#endif
