/* SPDX-License-Identifier: MIT */
/*
 * cmd_sign_opts.c - `inkan sign`'s option table and where its keys come
 * from: --key files, or the ACTIVE keys of a domain's state.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <inkan/domain.h>

#include "cli_msg.h"
#include "cmd_sign.h"
#include "commands.h"

enum { O_DOMAIN = 'd', O_SELECTOR = 's', O_KEY = 'k', O_CANON = 'c',
	O_LIFETIME = 'x', O_AUID = 'i', O_HEADERS = 'H', O_STATE = 'S' };

static const struct cli_opt sign_opts[] = {
	{ "domain", 'd', O_DOMAIN, CLI_ARG_STRING, "D", 0, 0,
	  "d=: the signing domain (alone: its default --state)" },
	{ "selector", 's', O_SELECTOR, CLI_ARG_STRING, "S", 0, 0,
	  "s=: the selector of the next --key" },
	{ "key", 'k', O_KEY, CLI_ARG_STRING, "FILE", 0, 0,
	  "PEM private key (RSA 1024..4096, Ed25519) or base64 Ed25519 "
	  "seed; closes one signature" },
	{ "state", 0, O_STATE, CLI_ARG_STRING, "DIR", 0, 0,
	  "sign with the ACTIVE keys recorded by `inkan domain` in DIR" },
	{ "canon", 'c', O_CANON, CLI_ARG_STRING, "C", 0, 0,
	  "relaxed (default), simple, or HEADER/BODY" },
	{ "lifetime", 'x', O_LIFETIME, CLI_ARG_UINT, "SECS", 1,
	  INKAN_DKIM_MAX_LIFETIME, "add x= (expiry) SECS after t=" },
	{ "auid", 'i', O_AUID, CLI_ARG_STRING, "ADDR", 0, 0,
	  "add i=ADDR (within the domain)" },
	{ "headers", 'H', O_HEADERS, CLI_ARG_STRING, "A:B:..", 0, 0,
	  "sign these (oversigned) instead of the default set" },
	CLI_MSG_LIMIT_OPTS,
	{ NULL, 0, 0, CLI_ARG_NONE, NULL, 0, 0, NULL }
};

static int cmd_sign(struct cli *cli, int argc, char **argv);

const struct cli_command cmd_sign_command = {
	"sign", "DKIM-sign a message with one or more keys (RSA, Ed25519), "
	"or with a domain's ACTIVE keys",
	"inkan sign --domain D --selector S --key FILE [--domain D2 "
	"--selector S2 --key FILE2 ...] [options] [FILE]\n"
	"       inkan sign --state DIR [--domain D] [options] [FILE]\n"
	"       inkan sign --domain D [options] [FILE]",
	sign_opts,
	"Writes the message with its DKIM-Signature fields on top to stdout;\n"
	"with --json, only the fields, as {\"signatures\": [{\"domain\", "
	"\"selector\", \"field\"}]}.",
	cmd_sign, NULL
};

static int
parse_canon(const char *s, inkan_dkim_canon *hc, inkan_dkim_canon *bc)
{
	const char *slash = strchr(s, '/');
	size_t hl = slash ? (size_t)(slash - s) : strlen(s);

	if (hl == 6 && strncmp(s, "simple", 6) == 0)
		*hc = INKAN_DKIM_CANON_SIMPLE;
	else if (hl == 7 && strncmp(s, "relaxed", 7) == 0)
		*hc = INKAN_DKIM_CANON_RELAXED;
	else
		return -1;
	if (slash == NULL)
		*bc = *hc;
	else if (strcmp(slash + 1, "simple") == 0)
		*bc = INKAN_DKIM_CANON_SIMPLE;
	else if (strcmp(slash + 1, "relaxed") == 0)
		*bc = INKAN_DKIM_CANON_RELAXED;
	else
		return -1;
	return 0;
}

/* Keep a copy of @s alive as long as @o; NULL when out of memory. */
static const char *
own(struct sign_opts *o, const char *s)
{
	char **v = realloc(o->owned, (o->nowned + 1) * sizeof(*v));

	if (v == NULL)
		return NULL;
	o->owned = v;
	if ((v[o->nowned] = strdup(s)) == NULL)
		return NULL;
	return v[o->nowned++];
}

static int
push_key(struct cli *cli, struct sign_opts *o, const char *domain,
	const char *selector, const char *path)
{
	inkan_status st;
	inkan_key *k = NULL;

	if (o->nkeys == o->cap) {
		size_t cap = o->cap ? 2 * o->cap : 4;
		inkan_dkim_sign_key *keys = realloc(o->keys,
			cap * sizeof(*keys));
		inkan_key **loaded;

		if (keys != NULL)
			o->keys = keys;
		loaded = realloc(o->loaded, cap * sizeof(*loaded));
		if (keys == NULL || loaded == NULL) {
			cli_error(cli, "out of memory");
			return CLI_INTERNAL;
		}
		o->loaded = loaded;
		o->cap = cap;
	}
	st = inkan_key_load_file(cli->ctx, path, &k);
	if (st != INKAN_OK) {
		cli_fail(cli, st == INKAN_ERR_IO ? "input" : "bad-key",
			"%s: %s", path, st == INKAN_ERR_IO ? strerror(errno) :
			st == INKAN_ERR_UNSUPPORTED ? "RSA keys must have 1024 "
			"to 4096 bits" : "not a PEM private key or Ed25519 seed");
		return st == INKAN_ERR_IO ? CLI_INPUT : CLI_USAGE;
	}
	if (inkan_key_get_type(k) == INKAN_KEY_RSA && inkan_key_bits(k) < 2048)
		fprintf(cli->err, "inkan sign: warning: %s: %u-bit RSA key; RFC "
			"8301 3.2 says signers SHOULD use 2048 bits\n", path,
			inkan_key_bits(k));
	memset(&o->keys[o->nkeys], 0, sizeof(o->keys[0]));
	o->loaded[o->nkeys] = k;
	o->keys[o->nkeys].domain = domain;
	o->keys[o->nkeys].selector = selector;
	o->keys[o->nkeys].key = k;
	o->nkeys++;
	return CLI_OK;
}

static int
add_key(struct cli *cli, struct sign_opts *o, const char *path)
{
	if (o->domain == NULL || o->selector == NULL)
		return cli_usage_error(cli, "missing-option", "--key %s needs "
			"a --domain and a --selector before it", path);
	return push_key(cli, o, o->domain, o->selector, path);
}

/* The ACTIVE keys of the domain whose state is in @dir (given, or the
 * default for --domain). */
static int
add_state_keys(struct cli *cli, struct sign_opts *o)
{
	inkan_domain_signing_keys *ks = NULL;
	char dir[4096];
	const char *d;
	inkan_status st;
	size_t i;
	int rc = CLI_OK;

	if (o->state == NULL && (o->domain == NULL ||
	    inkan_domain_default_state_dir(o->domain, dir, sizeof(dir)) !=
	    INKAN_OK))
		return cli_usage_error(cli, "missing-option", "no keys: give "
			"--key FILE, --state DIR or --domain D (with HOME "
			"set)");
	if (o->state != NULL)
		snprintf(dir, sizeof(dir), "%s", o->state);
	st = inkan_domain_signing_keys_get(cli->ctx, dir, &ks);
	if (st != INKAN_OK) {
		cli_fail(cli, st == INKAN_ERR_NOT_FOUND ? "no-keys" : "input",
			"%s: %s", dir, st == INKAN_ERR_NOT_FOUND ? "no identity "
			"with an ACTIVE key (run `inkan domain setup` first)" :
			st == INKAN_ERR_IO ? strerror(errno) :
			inkan_strerror(st));
		return cli_exit_for_status(st == INKAN_ERR_NOT_FOUND ?
			INKAN_ERR_IO : st);
	}
	if (o->domain != NULL && strcasecmp(o->domain, ks->domain)) {
		cli_usage_error(cli, "bad-value", "%s holds the keys of %s, not "
			"--domain %s", dir, ks->domain, o->domain);
		inkan_domain_signing_keys_free(ks);
		return CLI_USAGE;
	}
	d = own(o, ks->domain);
	for (i = 0; i < ks->nkeys && rc == CLI_OK; i++) {
		const char *sel = own(o, ks->keys[i].selector);

		if (d == NULL || sel == NULL) {
			cli_error(cli, "out of memory");
			rc = CLI_INTERNAL;
		} else {
			rc = push_key(cli, o, d, sel, ks->keys[i].key_path);
		}
	}
	inkan_domain_signing_keys_free(ks);
	return rc;
}

static int
split_headers(struct cli *cli, struct sign_opts *o, const char *list)
{
	size_t n = 0, i;
	char *p;

	free(o->headers_buf);
	free(o->headers);
	o->headers = NULL;
	o->headers_buf = strdup(list);
	for (i = 0; list[i] != '\0'; i++)
		n += list[i] == ':';
	o->headers = calloc(n + 2, sizeof(*o->headers));
	if (o->headers_buf == NULL || o->headers == NULL) {
		cli_error(cli, "out of memory");
		return CLI_INTERNAL;
	}
	n = 0;
	for (p = o->headers_buf; p != NULL && *p != '\0';) {
		char *colon = strchr(p, ':');

		if (colon != NULL)
			*colon = '\0';
		o->headers[n++] = p;
		p = colon ? colon + 1 : NULL;
	}
	o->headers[n] = NULL;
	if (n == 0)
		return cli_usage_error(cli, "bad-value", "--headers needs at "
			"least one field name");
	return CLI_OK;
}

static int
take(struct cli *cli, struct sign_opts *o, struct cli_args *a, int id)
{
	switch (id) {
	case O_DOMAIN: o->domain = a->val; return CLI_OK;
	case O_SELECTOR: o->selector = a->val; return CLI_OK;
	case O_KEY: return add_key(cli, o, a->val);
	case O_STATE: o->state = a->val; return CLI_OK;
	case O_AUID: o->auid = a->val; return CLI_OK;
	case O_HEADERS: return split_headers(cli, o, a->val);
	case O_LIFETIME: o->lifetime = a->num; return CLI_OK;
	case O_CANON:
		if (parse_canon(a->val, &o->hc, &o->bc) == 0)
			return CLI_OK;
		return cli_usage_error(cli, "bad-value", "--canon: simple, "
			"relaxed or HEADER/BODY, not '%s'", a->val);
	default:
		cli_msg_limit_option(cli, id, a->num);
		return CLI_OK;
	}
}

static int
cmd_sign(struct cli *cli, int argc, char **argv)
{
	struct sign_opts o;
	struct cli_args a;
	const char *file = NULL;
	int id = 0, rc = CLI_OK;
	size_t i;

	memset(&o, 0, sizeof(o));
	cli_args_init(&a, cli, argc, argv);
	while (rc == CLI_OK && (id = cli_opt_next(&a)) > 0)
		rc = take(cli, &o, &a, id);
	if (rc == CLI_OK && id < 0)
		rc = a.exit;
	if (rc == CLI_OK && id == 0) {
		if (a.pos.n > 1)
			rc = cli_usage_error(cli, "too-many-arguments", "sign "
				"reads one message (FILE or stdin), got %zu",
				a.pos.n);
		else if (a.pos.n == 1)
			file = a.pos.v[0];
	}
	if (rc == CLI_OK && id == 0 && (o.state != NULL || o.nkeys == 0))
		rc = add_state_keys(cli, &o);
	if (rc == CLI_OK && id == 0)
		rc = sign_run(cli, &o, file);
	cli_args_free(&a);
	for (i = 0; i < o.nkeys; i++)
		inkan_key_free(o.loaded[i]);
	for (i = 0; i < o.nowned; i++)
		free(o.owned[i]);
	free(o.owned);
	free(o.keys);
	free(o.loaded);
	free(o.headers);
	free(o.headers_buf);
	return rc;
}
