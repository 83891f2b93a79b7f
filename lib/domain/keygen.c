/* SPDX-License-Identifier: MIT */
/*
 * keygen.c - DKIM keys made for an identity, straight into its state
 * directory.
 *
 * The key itself comes from lib/crypto (inkan_key_generate); the private
 * half is written by inkan_key_save_private(), which opens the file with
 * O_CREAT|O_EXCL and mode 0600, so it is never readable by others and an
 * existing key is never overwritten. The directory is made with 0700.
 * Only the public half (the p= value) goes into the state file.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/ctx_internal.h"
#include "domain/domain_internal.h"

inkan_status
ik_domain_path(char *out, size_t len, const char *dir, const char *name)
{
	int n = snprintf(out, len, "%s/%s", dir, name);

	return n < 0 || (size_t)n >= len ? INKAN_ERR_LIMIT : INKAN_OK;
}

inkan_status
ik_domain_mkdir(const char *dir)
{
	char path[4096];
	size_t len = strlen(dir), i;

	if (len == 0 || len >= sizeof(path))
		return INKAN_ERR_INVALID;
	memcpy(path, dir, len + 1);
	/* every missing component with 0700: the state holds private keys */
	for (i = 1; i <= len; i++) {
		if (path[i] != '/' && path[i] != '\0')
			continue;
		path[i] = '\0';
		if (mkdir(path, 0700) != 0 && errno != EEXIST)
			return INKAN_ERR_IO;
		path[i] = i < len ? '/' : '\0';
	}
	return INKAN_OK;
}

/* "ik" + UTC date + "r"/"e", with a counter when that is taken */
static inkan_status
pick_selector(inkan_domain *d, inkan_key_type type, char *out, size_t len)
{
	time_t now = (time_t)inkan_ctx_now(d->ctx);
	struct tm tm;
	char base[32];
	unsigned n;

	if (gmtime_r(&now, &tm) == NULL)
		return INKAN_ERR_INTERNAL;
	snprintf(base, sizeof(base), "ik%04d%02d%02d%c", tm.tm_year + 1900,
		tm.tm_mon + 1, tm.tm_mday, type == INKAN_KEY_ED25519 ? 'e' : 'r');
	snprintf(out, len, "%s", base);
	for (n = 2; ik_domain_find_selector(d, out) != NULL; n++) {
		if (n > 99)
			return INKAN_ERR_LIMIT;
		snprintf(out, len, "%s%u", base, n);
	}
	return INKAN_OK;
}

/* the base64 after "p=" in a record from inkan_key_dns_record() */
static const char *
p_value(const char *rec)
{
	const char *p = strstr(rec, "p=");

	return p != NULL ? p + 2 : NULL;
}

INKAN_API inkan_status
inkan_domain_generate_key(inkan_domain *d, const char *state_dir,
	const char *selector, inkan_key_type type, unsigned bits,
	inkan_domain_key_state state)
{
	char sel[IK_DOMAIN_SELECTOR_MAX + 1], file[IK_DOMAIN_SELECTOR_MAX + 8];
	char path[4096], rec[1100];
	inkan_domain_selector s;
	inkan_key *key = NULL;
	const char *p;
	size_t len;
	inkan_status st;

	if (d == NULL || state_dir == NULL ||
	    (type != INKAN_KEY_RSA && type != INKAN_KEY_ED25519) ||
	    state > INKAN_DOMAIN_KEY_ACTIVE)
		return INKAN_ERR_INVALID;
	if (selector != NULL) {
		if (!ik_domain_selector_ok(selector) ||
		    strlen(selector) >= sizeof(sel))
			return INKAN_ERR_SYNTAX;
		if (ik_domain_find_selector(d, selector) != NULL)
			return INKAN_ERR_INVALID;
		snprintf(sel, sizeof(sel), "%s", selector);
	} else if ((st = pick_selector(d, type, sel, sizeof(sel))) !=
	    INKAN_OK) {
		return st;
	}
	if (d->view.nselectors >= IK_DOMAIN_MAX_SELECTORS)
		return INKAN_ERR_LIMIT;
	snprintf(file, sizeof(file), "%s.pem", sel);
	if ((st = ik_domain_path(path, sizeof(path), state_dir, file)) !=
	    INKAN_OK || (st = ik_domain_mkdir(state_dir)) != INKAN_OK)
		return st;
	st = inkan_key_generate(d->ctx, type, type == INKAN_KEY_RSA ? bits : 0,
		&key);
	if (st == INKAN_OK)
		st = inkan_key_dns_record(key, rec, sizeof(rec), &len);
	if (st == INKAN_OK && (p = p_value(rec)) == NULL)
		st = INKAN_ERR_INTERNAL;
	if (st == INKAN_OK)
		st = inkan_key_save_private(key, path);
	if (st != INKAN_OK) {
		inkan_key_free(key);
		return st;
	}
	memset(&s, 0, sizeof(s));
	s.selector = sel;
	s.type = type;
	s.bits = inkan_key_bits(key);
	s.key_file = file;
	s.public_key = p;
	s.state = state;
	s.since = inkan_ctx_now(d->ctx);
	st = ik_domain_add_selector(d, &s);
	if (st == INKAN_OK)
		st = ik_domain_event(d, s.since, "key %s made (%s, %u bits), %s",
			sel, type == INKAN_KEY_RSA ? "RSA" : "Ed25519", s.bits,
			ik_domain_key_state_name(state));
	else
		unlink(path);	/* not in the identity: not kept either */
	inkan_key_free(key);
	return st;
}
