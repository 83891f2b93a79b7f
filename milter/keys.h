/* SPDX-License-Identifier: MIT */
/*
 * keys.h - the signing keys of the milter: for each domain we sign for,
 * its ACTIVE keys (RSA and Ed25519), loaded once per configuration load
 * (start-up and SIGHUP) from `inkan domain` state directories or from an
 * OpenDKIM KeyTable + SigningTable (the subset in inkan-milter.conf(5)).
 *
 * A key file must be a regular file readable by its owner and at most by
 * its group (0600, 0400, 0640, 0440); anything else is refused with a
 * message naming the file and its mode.
 *
 * Ownership: mt_keys_load() gives the caller a table to free with
 * mt_keys_free(); entries and keys are borrowed from it. Read-only after
 * loading: any number of threads may sign with it.
 */
#ifndef INKAN_MILTER_KEYS_H
#define INKAN_MILTER_KEYS_H

#include <stddef.h>
#include <stdio.h>

#include <inkan/ctx.h>
#include <inkan/keys.h>

#include "config.h"

struct mt_key {
	char *selector;
	char *path;
	inkan_key *key;
};

struct mt_key_domain {
	char *domain;
	struct mt_key *keys;	/* RSA first */
	size_t nkeys;
};

struct mt_keys {
	struct mt_key_domain *domains;
	size_t ndomains;
};

/*
 * Load every key the configuration names. @out_log (may be NULL) gets one
 * line per key loaded. Returns the number of problems found (0: *out is
 * set); each problem is written to @errs (not NULL) as one line.
 */
int mt_keys_load(inkan_ctx *ctx, const struct mt_config *c,
	struct mt_keys **out, FILE *out_log, FILE *errs);

void mt_keys_free(struct mt_keys *k);

/* The keys for @domain (lower case), or NULL. */
const struct mt_key_domain *mt_keys_find(const struct mt_keys *k,
	const char *domain);

/* 0 when @path is a regular file of an accepted mode; else -1 with a
 * sentence in @why. */
int mt_key_file_check(const char *path, char *why, size_t len);

/* OpenDKIM KeyTable + SigningTable import (keys_opendkim.c). Adds
 * domains to @k; returns the number of problems (written to @errs). */
int mt_keys_load_opendkim(inkan_ctx *ctx, const char *keytable,
	const char *signingtable, struct mt_keys *k, FILE *out_log,
	FILE *errs);

/* Shared by both loaders: add @selector's key at @path to @domain. */
int mt_keys_add(inkan_ctx *ctx, struct mt_keys *k, const char *domain,
	const char *selector, const char *path, FILE *out_log, FILE *errs);

#endif
