/* SPDX-License-Identifier: MIT */
/*
 * state.h - the shared context of inkan-milter: one per configuration
 * load. It holds the configuration, the library context (limits), the
 * resolver behind its DNS cache, the long-lived DKIM handle (public key
 * cache), the SPF record cache and the signing keys.
 *
 * A state is built whole, then published; SIGHUP builds a new one and
 * swaps it in (mt_state_swap). Each SMTP connection takes a reference at
 * connect and drops it at close, so a connection finishes with the state
 * it started with and a reload never drops a connection; the old state is
 * freed when its last connection ends.
 *
 * Threading: a published state is read-only; references are counted
 * atomically.
 */
#ifndef INKAN_MILTER_STATE_H
#define INKAN_MILTER_STATE_H

#include <stdatomic.h>
#include <stdio.h>

#include <inkan/ctx.h>
#include <inkan/dkim.h>
#include <inkan/dns.h>
#include <inkan/arc.h>
#include <inkan/spf.h>

#include "config.h"
#include "keys.h"

struct mt_state {
	atomic_int refs;
	struct mt_config *cfg;
	inkan_ctx *ctx;
	inkan_resolver *resolver;	/* the cache, owning its backend */
	inkan_dkim *dkim;
	inkan_spf_cache *spf_cache;
	struct mt_keys *keys;
	/* ARC sealing (arc_seal_*): the key, loaded before privileges are
	 * dropped, and the sealer's choices; arc_seal_on 0 when not set */
	inkan_key *arc_key;
	inkan_arc_seal_key arc_seal;
	int arc_seal_on;
	unsigned generation;		/* 1 at start, +1 per reload */
	/* custom MAIL FROM health, one per cfg->mail_from entry: 1 when
	 * the subdomain's MX and SPF were found at the last check
	 * (mail_from.c); written by the checker thread */
	atomic_int *mail_from_ok;
};

/*
 * Build a state from @cfg (ownership of @cfg passes to the state, also on
 * failure). @info (may be NULL) gets what was loaded; every problem goes
 * to @errs as one line. Returns the number of problems (0: *out set, with
 * one reference held by the caller).
 */
int mt_state_build(struct mt_config *cfg, struct mt_state **out,
	FILE *info, FILE *errs);

/* Ask the resolver for the SOA of "." and say whether it answered
 * (a NOERROR or NXDOMAIN answer counts; a timeout or SERVFAIL does not). */
int mt_state_test_resolver(struct mt_state *st, FILE *errs);

struct mt_state *mt_state_ref(struct mt_state *st);
void mt_state_unref(struct mt_state *st);

#endif
