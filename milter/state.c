/* SPDX-License-Identifier: MIT */
/*
 * state.c - build, test and count references to the shared context.
 */
#include <stdlib.h>
#include <string.h>

#include "state.h"

static int
set_limits(struct mt_state *st, FILE *errs)
{
	const struct mt_config *c = st->cfg;
	inkan_status s = INKAN_OK;

	s = inkan_ctx_set_limit(st->ctx, INKAN_LIMIT_DNS_TIMEOUT_MS,
		c->dns_timeout_ms);
	if (s == INKAN_OK)
		s = inkan_ctx_set_limit(st->ctx, INKAN_LIMIT_DKIM_SIGNATURES,
			c->max_signatures);
	if (s == INKAN_OK)
		s = inkan_ctx_set_limit(st->ctx, INKAN_LIMIT_HEADER_BYTES,
			c->max_header_bytes);
	/* the time budget bounds SPF, the longest chain of questions;
	 * DKIM keys and DMARC records are one round each, bounded by the
	 * DNS timeout */
	if (s == INKAN_OK)
		s = inkan_ctx_set_limit(st->ctx, INKAN_LIMIT_SPF_TIME_MS,
			c->time_budget_ms);
	if (s != INKAN_OK)
		fprintf(errs, "limits: %s\n", inkan_strerror(s));
	return s == INKAN_OK ? 0 : 1;
}

static int
set_resolver(struct mt_state *st, FILE *errs)
{
	inkan_resolver *backend = NULL;
	inkan_status s;

	s = inkan_resolver_unbound_new(st->ctx, st->cfg->dns_server,
		&backend);
	if (s != INKAN_OK) {
		fprintf(errs, "dns_server %s: %s\n",
			st->cfg->dns_server ? st->cfg->dns_server :
			"(resolv.conf)", inkan_strerror(s));
		return 1;
	}
	s = inkan_resolver_cache_new(st->ctx, backend, 0, &st->resolver);
	if (s != INKAN_OK) {
		inkan_resolver_free(backend);
		fprintf(errs, "dns cache: %s\n", inkan_strerror(s));
		return 1;
	}
	inkan_ctx_set_resolver(st->ctx, st->resolver);
	return 0;
}

/* The ARC sealing key: the same mode rules as the signing keys
 * (mt_key_file_check), loaded while still root. */
static int
load_arc_key(struct mt_state *st, FILE *info, FILE *errs)
{
	const struct mt_config *c = st->cfg;
	char why[512];
	inkan_status s;

	if (c->arc_seal_key == NULL)
		return 0;
	if (mt_key_file_check(c->arc_seal_key, why, sizeof(why)) != 0) {
		fprintf(errs, "arc_seal_key %s\n", why);
		return 1;
	}
	s = inkan_key_load_file(st->ctx, c->arc_seal_key, &st->arc_key);
	if (s != INKAN_OK) {
		fprintf(errs, "arc_seal_key %s: %s\n", c->arc_seal_key,
			inkan_strerror(s));
		return 1;
	}
	memset(&st->arc_seal, 0, sizeof(st->arc_seal));
	st->arc_seal.domain = c->arc_seal_domain;
	st->arc_seal.selector = c->arc_seal_selector;
	st->arc_seal.key = st->arc_key;
	st->arc_seal.header_canon = INKAN_DKIM_CANON_RELAXED;
	st->arc_seal.body_canon = INKAN_DKIM_CANON_RELAXED;
	st->arc_seal_on = 1;
	if (info != NULL)
		fprintf(info, "arc seal: d=%s s=%s %s key %u bits (%s)\n",
			c->arc_seal_domain, c->arc_seal_selector,
			inkan_key_get_type(st->arc_key) == INKAN_KEY_RSA ?
			"rsa" : "ed25519", inkan_key_bits(st->arc_key),
			c->arc_seal_key);
	return 0;
}

static void
state_free(struct mt_state *st)
{
	if (st == NULL)
		return;
	free(st->mail_from_ok);
	mt_keys_free(st->keys);
	inkan_key_free(st->arc_key);
	inkan_spf_cache_free(st->spf_cache);
	inkan_dkim_free(st->dkim);
	if (st->ctx != NULL)
		inkan_ctx_set_resolver(st->ctx, NULL);
	inkan_resolver_free(st->resolver);
	inkan_ctx_free(st->ctx);
	mt_config_free(st->cfg);
	free(st);
}

int
mt_state_build(struct mt_config *cfg, struct mt_state **out, FILE *info,
	FILE *errs)
{
	struct mt_state *st;
	int problems = 0;

	*out = NULL;
	st = calloc(1, sizeof(*st));
	if (st == NULL) {
		mt_config_free(cfg);
		fprintf(errs, "out of memory\n");
		return 1;
	}
	st->cfg = cfg;
	atomic_init(&st->refs, 1);
	st->generation = 1;
	if (inkan_ctx_new(NULL, &st->ctx) != INKAN_OK) {
		fprintf(errs, "out of memory\n");
		state_free(st);
		return 1;
	}
	problems += set_limits(st, errs);
	problems += set_resolver(st, errs);
	if (inkan_dkim_new(st->ctx, &st->dkim) != INKAN_OK ||
	    inkan_spf_cache_new(st->ctx, 0, &st->spf_cache) != INKAN_OK) {
		fprintf(errs, "out of memory\n");
		problems++;
	}
	st->mail_from_ok = calloc(cfg->nmail_from + 1,
		sizeof(*st->mail_from_ok));
	if (st->mail_from_ok == NULL) {
		fprintf(errs, "out of memory\n");
		problems++;
	}
	problems += mt_keys_load(st->ctx, cfg, &st->keys, info, errs);
	problems += load_arc_key(st, info, errs);
	if (problems > 0) {
		state_free(st);
		return problems;
	}
	*out = st;
	return 0;
}

int
mt_state_test_resolver(struct mt_state *st, FILE *errs)
{
	inkan_dns_query *q = NULL;
	const inkan_dns_answer *a = NULL;
	const char *name = st->cfg->authserv_id;
	int ok;

	if (inkan_dns_lookup(st->resolver, name, 6 /* SOA */, &q, &a) !=
	    INKAN_OK) {
		fprintf(errs, "dns: cannot ask a question\n");
		inkan_dns_query_free(q);
		return 1;
	}
	/* any answer from the server, NXDOMAIN or REFUSED included, shows
	 * that it is reachable; only silence is a problem here */
	ok = !a->timed_out;
	if (!ok)
		fprintf(errs, "dns_server %s: no answer within %u ms "
			"(asked SOA %s)\n",
			st->cfg->dns_server ? st->cfg->dns_server :
			"(resolv.conf)", st->cfg->dns_timeout_ms, name);
	inkan_dns_query_free(q);
	return ok ? 0 : 1;
}

struct mt_state *
mt_state_ref(struct mt_state *st)
{
	atomic_fetch_add(&st->refs, 1);
	return st;
}

void
mt_state_unref(struct mt_state *st)
{
	if (st != NULL && atomic_fetch_sub(&st->refs, 1) == 1)
		state_free(st);
}
