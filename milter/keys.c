/* SPDX-License-Identifier: MIT */
/*
 * keys.c - the signing key table: ACTIVE keys from `inkan domain` state
 * directories (inkan_domain_signing_keys_get), checked for mode and
 * loaded once, before privileges are dropped.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <inkan/domain.h>

#include "keys.h"

int
mt_key_file_check(const char *path, char *why, size_t len)
{
	struct stat sb;

	if (stat(path, &sb) != 0) {
		snprintf(why, len, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(sb.st_mode)) {
		snprintf(why, len, "%s: not a regular file", path);
		return -1;
	}
	/* a private key: owner read(-write), group read at most, nothing
	 * for others */
	if ((sb.st_mode & 0137) != 0 || (sb.st_mode & 0400) == 0) {
		snprintf(why, len, "%s: mode %04o refused: a private key must "
			"be 0600 (or 0640 to the milter's group); run "
			"chmod 600 %s", path, (unsigned)(sb.st_mode & 07777),
			path);
		return -1;
	}
	return 0;
}

static struct mt_key_domain *
domain_slot(struct mt_keys *k, const char *domain)
{
	struct mt_key_domain *d;
	size_t i;

	for (i = 0; i < k->ndomains; i++)
		if (strcmp(k->domains[i].domain, domain) == 0)
			return &k->domains[i];
	d = realloc(k->domains, (k->ndomains + 1) * sizeof(*d));
	if (d == NULL)
		return NULL;
	k->domains = d;
	d = &k->domains[k->ndomains];
	memset(d, 0, sizeof(*d));
	d->domain = strdup(domain);
	if (d->domain == NULL)
		return NULL;
	k->ndomains++;
	return d;
}

int
mt_keys_add(inkan_ctx *ctx, struct mt_keys *k, const char *domain,
	const char *selector, const char *path, FILE *out_log, FILE *errs)
{
	struct mt_key_domain *d;
	struct mt_key *slot;
	inkan_key *key = NULL;
	inkan_status st;
	char why[512];

	if (mt_key_file_check(path, why, sizeof(why)) != 0) {
		if (errs != NULL)
			fprintf(errs, "key %s for %s: %s\n", selector, domain,
				why);
		return 1;
	}
	st = inkan_key_load_file(ctx, path, &key);
	if (st != INKAN_OK) {
		if (errs != NULL)
			fprintf(errs, "key %s for %s: %s: %s\n", selector,
				domain, path, inkan_strerror(st));
		return 1;
	}
	d = domain_slot(k, domain);
	slot = d == NULL ? NULL :
		realloc(d->keys, (d->nkeys + 1) * sizeof(*slot));
	if (slot == NULL) {
		inkan_key_free(key);
		if (errs != NULL)
			fprintf(errs, "out of memory\n");
		return 1;
	}
	d->keys = slot;
	slot = &d->keys[d->nkeys];
	slot->selector = strdup(selector);
	slot->path = strdup(path);
	slot->key = key;
	d->nkeys++;
	if (slot->selector == NULL || slot->path == NULL) {
		if (errs != NULL)
			fprintf(errs, "out of memory\n");
		return 1;
	}
	if (out_log != NULL)
		fprintf(out_log, "key %s._domainkey.%s: %s %u bits, %s\n",
			selector, domain,
			inkan_key_get_type(key) == INKAN_KEY_RSA ? "rsa" :
			"ed25519", inkan_key_bits(key), path);
	return 0;
}

static int
load_state_dir(inkan_ctx *ctx, const struct mt_sign_domain *sd,
	struct mt_keys *k, FILE *out_log, FILE *errs)
{
	inkan_domain_signing_keys *sk = NULL;
	inkan_status st;
	size_t i;
	int problems = 0;

	st = inkan_domain_signing_keys_get(ctx, sd->state_dir, &sk);
	if (st != INKAN_OK) {
		if (errs != NULL)
			fprintf(errs, "sign_domain %s: %s: %s%s\n", sd->domain,
				sd->state_dir, inkan_strerror(st),
				st == INKAN_ERR_NOT_FOUND ? " (no identity, "
				"or no ACTIVE key; see inkan domain setup)" :
				"");
		return 1;
	}
	if (strcmp(sk->domain, sd->domain) != 0) {
		if (errs != NULL)
			fprintf(errs, "sign_domain %s: %s holds the identity "
				"of %s\n", sd->domain, sd->state_dir,
				sk->domain);
		inkan_domain_signing_keys_free(sk);
		return 1;
	}
	for (i = 0; i < sk->nkeys; i++)
		problems += mt_keys_add(ctx, k, sd->domain,
			sk->keys[i].selector, sk->keys[i].key_path, out_log,
			errs);
	inkan_domain_signing_keys_free(sk);
	return problems;
}

int
mt_keys_load(inkan_ctx *ctx, const struct mt_config *c,
	struct mt_keys **out, FILE *out_log, FILE *errs)
{
	struct mt_keys *k;
	size_t i;
	int problems = 0;

	*out = NULL;
	k = calloc(1, sizeof(*k));
	if (k == NULL) {
		if (errs != NULL)
			fprintf(errs, "out of memory\n");
		return 1;
	}
	for (i = 0; i < c->nsign_domains; i++)
		problems += load_state_dir(ctx, &c->sign_domains[i], k,
			out_log, errs);
	if (c->keytable != NULL)
		problems += mt_keys_load_opendkim(ctx, c->keytable,
			c->signingtable, k, out_log, errs);
	if (c->default_signing_domain != NULL &&
	    mt_keys_find(k, c->default_signing_domain) == NULL) {
		if (errs != NULL)
			fprintf(errs, "default_signing_domain %s has no "
				"keys\n", c->default_signing_domain);
		problems++;
	}
	if (problems > 0) {
		mt_keys_free(k);
		return problems;
	}
	*out = k;
	return 0;
}

void
mt_keys_free(struct mt_keys *k)
{
	size_t i, j;

	if (k == NULL)
		return;
	for (i = 0; i < k->ndomains; i++) {
		for (j = 0; j < k->domains[i].nkeys; j++) {
			free(k->domains[i].keys[j].selector);
			free(k->domains[i].keys[j].path);
			inkan_key_free(k->domains[i].keys[j].key);
		}
		free(k->domains[i].keys);
		free(k->domains[i].domain);
	}
	free(k->domains);
	free(k);
}

const struct mt_key_domain *
mt_keys_find(const struct mt_keys *k, const char *domain)
{
	size_t i;

	if (k == NULL || domain == NULL)
		return NULL;
	for (i = 0; i < k->ndomains; i++)
		if (strcmp(k->domains[i].domain, domain) == 0 &&
		    k->domains[i].nkeys > 0)
			return &k->domains[i];
	return NULL;
}
