/* SPDX-License-Identifier: MIT */
/*
 * cmd_sign.c - `inkan sign --domain D --selector S --key FILE [...]
 * [FILE]`: sign a message with one or more keys (e.g. RSA and Ed25519 in
 * one pass) and write it to stdout with the DKIM-Signature fields on top.
 *
 * Each --key closes one signature with the --domain and --selector given
 * last (a later signature may reuse them). The message is streamed to the
 * signer; to write it out afterwards it is read again (a file) or spooled
 * to an unnamed temporary file (stdin), so memory does not grow with it.
 * A message stored with LF line endings gets its signature fields with LF
 * too.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <inkan/dkim.h>
#include <inkan/keys.h>
#include <inkan/msg.h>

#include "cli.h"
#include "commands.h"

#define MAX_KEYS 8
#define MAX_HEADERS 64

struct sign_opts {
	inkan_dkim_sign_key keys[MAX_KEYS];
	inkan_key *loaded[MAX_KEYS];
	size_t nkeys;
	const char *domain, *selector;
	inkan_dkim_canon hc, bc;
	uint64_t lifetime;
	const char *auid;
	const char *headers[MAX_HEADERS + 1];
	char *headers_buf;
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

static int
add_key(struct cli *cli, struct sign_opts *o, const char *path)
{
	inkan_status st;
	inkan_key *k = NULL;

	if (o->domain == NULL || o->selector == NULL) {
		cli_error(cli, "--key %s needs a --domain and a --selector "
			"before it", path);
		return CLI_USAGE;
	}
	if (o->nkeys == MAX_KEYS) {
		cli_error(cli, "at most %d keys", MAX_KEYS);
		return CLI_USAGE;
	}
	st = inkan_key_load_file(cli->ctx, path, &k);
	if (st != INKAN_OK) {
		cli_error(cli, "%s: %s", path, st == INKAN_ERR_IO ?
			strerror(errno) : st == INKAN_ERR_UNSUPPORTED ?
			"RSA keys must have 1024 to 4096 bits" :
			"not a PEM private key or Ed25519 seed");
		return st == INKAN_ERR_IO ? CLI_INPUT : CLI_USAGE;
	}
	if (inkan_key_get_type(k) == INKAN_KEY_RSA && inkan_key_bits(k) < 2048)
		fprintf(cli->err, "inkan sign: warning: %s: %u-bit RSA key; RFC "
			"8301 3.2 says signers SHOULD use 2048 bits\n", path,
			inkan_key_bits(k));
	o->loaded[o->nkeys] = k;
	o->keys[o->nkeys].domain = o->domain;
	o->keys[o->nkeys].selector = o->selector;
	o->keys[o->nkeys].key = k;
	o->nkeys++;
	return CLI_OK;
}

static int
split_headers(struct cli *cli, struct sign_opts *o, const char *list)
{
	size_t n = 0;
	char *p;

	free(o->headers_buf);
	o->headers_buf = strdup(list);
	if (o->headers_buf == NULL)
		return CLI_INTERNAL;
	for (p = o->headers_buf; p != NULL && *p != '\0';) {
		char *colon = strchr(p, ':');
		if (colon != NULL)
			*colon = '\0';
		if (n == MAX_HEADERS) {
			cli_error(cli, "at most %d --headers names",
				MAX_HEADERS);
			return CLI_USAGE;
		}
		o->headers[n++] = p;
		p = colon ? colon + 1 : NULL;
	}
	o->headers[n] = NULL;
	return n > 0 ? CLI_OK : CLI_USAGE;
}

/* feed @f to @msg (and copy to @spool if given); mbox "From " skipped */
static inkan_status
feed(struct cli *cli, FILE *f, FILE *spool, inkan_msg *msg, int *lf_only,
	long *skip)
{
	char chunk[65536];
	size_t n;
	int first = 1;
	inkan_status st = INKAN_OK;

	*skip = 0;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		const char *p = chunk, *lf;
		if (first && n >= 5 && memcmp(chunk, "From ", 5) == 0) {
			lf = memchr(chunk, '\n', n);
			*skip = lf ? lf - chunk + 1 : (long)n;
			p += *skip;
			n -= (size_t)*skip;
		}
		if (first && (lf = memchr(p, '\n', n)) != NULL)
			*lf_only = lf == p || lf[-1] != '\r';
		first = 0;
		if (spool != NULL && fwrite(p, 1, n, spool) != n)
			return INKAN_ERR_IO;
		if ((st = inkan_msg_feed(msg, p, n)) != INKAN_OK)
			return st;
	}
	if (ferror(f)) {
		cli_error(cli, "read error");
		return INKAN_ERR_IO;
	}
	return inkan_msg_finish(msg);
}

static int
write_out(struct cli *cli, inkan_dkim_sign *s, FILE *src, int lf_only)
{
	char chunk[65536];
	size_t i, len, n, j;
	const char *h;

	for (i = 0; i < inkan_dkim_sign_count(s); i++) {
		h = inkan_dkim_sign_header(s, i, &len);
		for (j = 0; j < len; j++)
			if (!(lf_only && h[j] == '\r'))
				fputc(h[j], cli->out);
	}
	while ((n = fread(chunk, 1, sizeof(chunk), src)) > 0)
		if (fwrite(chunk, 1, n, cli->out) != n)
			return CLI_INTERNAL;
	return ferror(src) || fflush(cli->out) != 0 ? CLI_INPUT : CLI_OK;
}

static int
run(struct cli *cli, struct sign_opts *o, const char *path)
{
	inkan_dkim *dkim = NULL;
	inkan_msg *msg = NULL;
	inkan_dkim_sign *s = NULL;
	FILE *in = NULL, *spool = NULL;
	int lf_only = 0, rc = CLI_OK;
	long skip = 0;
	size_t i;
	inkan_status st;

	if (path != NULL && strcmp(path, "-") != 0) {
		if ((in = fopen(path, "rb")) == NULL) {
			cli_error(cli, "%s: %s", path, strerror(errno));
			return CLI_INPUT;
		}
	} else if ((spool = tmpfile()) == NULL) {
		cli_error(cli, "temporary file: %s", strerror(errno));
		return CLI_INTERNAL;
	}
	st = inkan_dkim_new(cli->ctx, &dkim);
	if (st == INKAN_OK)
		st = inkan_msg_new(cli->ctx, &msg);
	if (st == INKAN_OK)
		st = inkan_dkim_sign_new(dkim, msg, &s);
	for (i = 0; i < o->nkeys && st == INKAN_OK; i++) {
		o->keys[i].header_canon = o->hc;
		o->keys[i].body_canon = o->bc;
		o->keys[i].lifetime = o->lifetime;
		o->keys[i].auid = o->auid;
		o->keys[i].headers = o->headers[0] ? o->headers : NULL;
		if ((st = inkan_dkim_sign_add(s, &o->keys[i])) != INKAN_OK)
			cli_error(cli, "key %zu (d=%s s=%s): bad domain, "
				"selector or --auid", i + 1, o->keys[i].domain,
				o->keys[i].selector);
	}
	if (st == INKAN_OK)
		st = feed(cli, in ? in : stdin, spool, msg, &lf_only, &skip);
	if (st == INKAN_OK && (st = inkan_dkim_sign_eom(s)) != INKAN_OK)
		cli_error(cli, "%s", st == INKAN_ERR_SYNTAX ? "the message has "
			"no From field (RFC 6376 5.4: From must be signed)" :
			inkan_strerror(st));
	if (st == INKAN_OK) {
		/* the spool holds the message without the mbox line */
		FILE *src = in ? in : spool;
		if (fseek(src, in ? skip : 0, SEEK_SET) != 0)
			rc = CLI_INTERNAL;
		else
			rc = write_out(cli, s, src, lf_only);
	} else {
		rc = cli_exit_for_status(st);
	}
	inkan_dkim_sign_free(s);
	inkan_msg_free(msg);
	inkan_dkim_free(dkim);
	if (in != NULL)
		fclose(in);
	if (spool != NULL)
		fclose(spool);
	return rc;
}

int
cmd_sign(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "domain", required_argument, NULL, 'd' },
		{ "selector", required_argument, NULL, 's' },
		{ "key", required_argument, NULL, 'k' },
		{ "canon", required_argument, NULL, 'c' },
		{ "lifetime", required_argument, NULL, 'x' },
		{ "auid", required_argument, NULL, 'i' },
		{ "headers", required_argument, NULL, 'H' },
		{ NULL, 0, NULL, 0 }
	};
	struct sign_opts o;
	int c, rc = CLI_OK;
	size_t i;
	char *end;

	memset(&o, 0, sizeof(o));
	optind = 1;
	while (rc == CLI_OK &&
	    (c = getopt_long(argc, argv, "d:s:k:c:x:i:H:", opts, NULL)) != -1) {
		switch (c) {
		case 'd': o.domain = optarg; break;
		case 's': o.selector = optarg; break;
		case 'k': rc = add_key(cli, &o, optarg); break;
		case 'i': o.auid = optarg; break;
		case 'H': rc = split_headers(cli, &o, optarg); break;
		case 'c':
			if (parse_canon(optarg, &o.hc, &o.bc) != 0) {
				cli_error(cli, "--canon: simple, relaxed or "
					"HEADER/BODY");
				rc = CLI_USAGE;
			}
			break;
		case 'x':
			o.lifetime = strtoull(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || o.lifetime == 0)
				rc = CLI_USAGE;
			break;
		default:
			rc = CLI_USAGE;
			break;
		}
	}
	if (rc == CLI_OK && (o.nkeys == 0 || argc - optind > 1)) {
		cli_usage(cli, stderr);
		rc = CLI_USAGE;
	}
	if (rc == CLI_OK)
		rc = run(cli, &o, optind < argc ? argv[optind] : NULL);
	for (i = 0; i < o.nkeys; i++)
		inkan_key_free(o.loaded[i]);
	free(o.headers_buf);
	return rc;
}
