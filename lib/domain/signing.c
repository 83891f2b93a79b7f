/* SPDX-License-Identifier: MIT */
/*
 * signing.c - which keys a signer (the milter) should use now: the ACTIVE
 * keys of the identity in a state directory. A rotation switches keys by
 * rewriting the state file atomically, so a signer that reads this at
 * start-up or on reload always gets a consistent set: RSA first (every
 * receiver verifies it), then Ed25519.
 */
#include <string.h>

#include "core/alloc.h"
#include "domain/domain_internal.h"

struct sk {
	inkan_domain_signing_keys pub;	/* first: the public view */
	inkan_ctx *ctx;
	inkan_domain *d;		/* owns the selector strings */
	inkan_domain_signing_key keys[IK_DOMAIN_MAX_SELECTORS];
	char *paths[IK_DOMAIN_MAX_SELECTORS];
};

static void
collect(struct sk *k, const char *state_dir, inkan_key_type type,
	inkan_status *st)
{
	const inkan_domain_view *v = &k->d->view;
	size_t i, n;
	char path[4096];

	for (i = 0; i < v->nselectors && *st == INKAN_OK; i++) {
		const inkan_domain_selector *s = &v->selectors[i];

		if (s->state != INKAN_DOMAIN_KEY_ACTIVE || s->type != type ||
		    s->key_file == NULL)
			continue;
		n = k->pub.nkeys;
		if ((*st = ik_domain_path(path, sizeof(path), state_dir,
		    s->key_file)) != INKAN_OK)
			return;
		if ((k->paths[n] = ik_strdup(k->ctx, path)) == NULL) {
			*st = INKAN_ERR_NOMEM;
			return;
		}
		k->keys[n].selector = s->selector;
		k->keys[n].key_path = k->paths[n];
		k->keys[n].type = s->type;
		k->pub.nkeys++;
	}
}

INKAN_API inkan_status
inkan_domain_signing_keys_get(inkan_ctx *ctx, const char *state_dir,
	inkan_domain_signing_keys **out)
{
	struct sk *k;
	inkan_status st;

	if (out == NULL)
		return INKAN_ERR_INVALID;
	*out = NULL;
	if (ctx == NULL || state_dir == NULL)
		return INKAN_ERR_INVALID;
	if ((k = ik_calloc(ctx, 1, sizeof(*k))) == NULL)
		return INKAN_ERR_NOMEM;
	k->ctx = ctx;
	st = inkan_domain_load(ctx, state_dir, &k->d, NULL, 0);
	if (st == INKAN_OK) {
		k->pub.domain = k->d->view.domain;
		k->pub.keys = k->keys;
		collect(k, state_dir, INKAN_KEY_RSA, &st);
		collect(k, state_dir, INKAN_KEY_ED25519, &st);
	}
	if (st == INKAN_OK && k->pub.nkeys == 0)
		st = INKAN_ERR_NOT_FOUND;
	if (st != INKAN_OK) {
		inkan_domain_signing_keys_free(&k->pub);
		return st;
	}
	*out = &k->pub;
	return INKAN_OK;
}

INKAN_API void
inkan_domain_signing_keys_free(inkan_domain_signing_keys *p)
{
	struct sk *k = (struct sk *)p;
	size_t i;

	if (k == NULL)
		return;
	for (i = 0; i < IK_DOMAIN_MAX_SELECTORS; i++)
		ik_free(k->ctx, k->paths[i]);
	inkan_domain_free(k->d);
	ik_free(k->ctx, k);
}
