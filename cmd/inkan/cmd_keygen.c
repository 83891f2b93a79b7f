/* SPDX-License-Identifier: MIT */
/*
 * cmd_keygen.c - `inkan keygen --type rsa|ed25519 [--bits N] --selector S
 * --domain D [--out DIR]`: make a DKIM key pair. The private key goes to
 * DIR/S.D.pem, created with mode 0600 from the first moment (open with
 * O_CREAT|O_EXCL; an existing file is never overwritten); the DNS record
 * to publish is printed in zone-file form: the absolute owner name with
 * its trailing dot, the value cut into quoted strings of at most 255
 * characters (RFC 1035 3.3.14 character-strings).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <inkan/json.h>
#include <inkan/keys.h>

#include "cli.h"
#include "cli_opt.h"
#include "commands.h"

#define TXT_STRING_MAX 255

static void
print_record(const struct cli *cli, const char *sel, const char *dom,
	const char *rec, size_t len)
{
	size_t i, n;

	fprintf(cli->out, "%s._domainkey.%s%s IN TXT", sel, dom,
		dom[strlen(dom) - 1] == '.' ? "" : ".");
	for (i = 0; i < len; i += n) {
		n = len - i < TXT_STRING_MAX ? len - i : TXT_STRING_MAX;
		/* the record has no '"' or '\\': base64 and tag text */
		fprintf(cli->out, " \"%.*s\"", (int)n, rec + i);
	}
	fputc('\n', cli->out);
}

enum { O_TYPE = 't', O_BITS = 'b', O_SELECTOR = 's', O_DOMAIN = 'd',
	O_OUT = 'o' };

static const struct cli_opt keygen_opts[] = {
	{ "type", 't', O_TYPE, CLI_ARG_STRING, "rsa|ed25519", 0, 0,
	  "key algorithm (default rsa)" },
	{ "bits", 'b', O_BITS, CLI_ARG_UINT, "N", 256, 4096,
	  "RSA size, 1024..4096 (default 2048); Ed25519: 256" },
	{ "selector", 's', O_SELECTOR, CLI_ARG_STRING, "S",
	  0, 0, "the selector (required)" },
	{ "domain", 'd', O_DOMAIN, CLI_ARG_STRING, "D", 0, 0,
	  "the signing domain (required)" },
	{ "out", 'o', O_OUT, CLI_ARG_STRING, "DIR", 0, 0,
	  "where the private key goes (default .)" },
	{ NULL, 0, 0, CLI_ARG_NONE, NULL, 0, 0, NULL }
};

static int cmd_keygen(struct cli *cli, int argc, char **argv);

const struct cli_command cmd_keygen_command = {
	"keygen", "make a DKIM key pair and print its DNS record",
	"inkan keygen --selector S --domain D [--type rsa|ed25519] [--bits N] "
	"[--out DIR]", keygen_opts,
	"Writes the private key to DIR/S.D.pem (mode 0600, never over an "
	"existing\nfile) and prints the TXT record to publish.",
	cmd_keygen, NULL
};

static int
print_json(struct cli *cli, const char *sel, const char *dom,
	const char *path, const char *rec, size_t len, inkan_key_type type)
{
	inkan_json *j = cli_json_new(cli);
	char name[1024];
	int rc;

	if (j == NULL)
		return CLI_INTERNAL;
	snprintf(name, sizeof(name), "%s._domainkey.%s", sel, dom);
	inkan_json_object_begin(j);
	inkan_json_member_cstr(j, "selector", sel);
	inkan_json_member_cstr(j, "domain", dom);
	inkan_json_member_cstr(j, "type", type == INKAN_KEY_RSA ? "rsa" :
		"ed25519");
	inkan_json_member_cstr(j, "private_key", path);
	inkan_json_member_cstr(j, "record_name", name);
	inkan_json_key(j, "record");
	inkan_json_string(j, rec, len);
	inkan_json_object_end(j);
	rc = cli_json_finish(cli, j);
	inkan_json_free(j);
	return rc;
}

static int
cmd_keygen(struct cli *cli, int argc, char **argv)
{
	const char *sel = NULL, *dom = NULL, *dir = ".";
	inkan_key_type type = INKAN_KEY_RSA;
	unsigned long long bits = 0;
	inkan_key *key = NULL;
	inkan_status st;
	char path[4096], rec[1100];
	size_t len;
	struct cli_args a;
	int id, n;

	cli_args_init(&a, cli, argc, argv);
	while ((id = cli_opt_next(&a)) > 0) {
		switch (id) {
		case O_TYPE:
			if (strcmp(a.val, "rsa") == 0) {
				type = INKAN_KEY_RSA;
			} else if (strcmp(a.val, "ed25519") == 0) {
				type = INKAN_KEY_ED25519;
			} else {
				cli_usage_error(cli, "bad-value", "--type is "
					"rsa or ed25519, not '%s'", a.val);
				cli_args_free(&a);
				return CLI_USAGE;
			}
			break;
		case O_BITS: bits = a.num; break;
		case O_SELECTOR: sel = a.val; break;
		case O_DOMAIN: dom = a.val; break;
		case O_OUT: dir = a.val; break;
		}
	}
	if (id < 0)
		return cli_args_end(&a);
	n = (int)a.pos.n;
	cli_args_free(&a);
	if (n != 0)
		return cli_usage_error(cli, "too-many-arguments", "keygen takes "
			"no operands");
	if (sel == NULL || *sel == '\0' || strchr(sel, '/'))
		return cli_usage_error(cli, "missing-option", "--selector S is "
			"required (no '/')");
	if (dom == NULL || *dom == '\0' || strchr(dom, '/'))
		return cli_usage_error(cli, "missing-option", "--domain D is "
			"required (no '/')");
	if (type == INKAN_KEY_RSA && bits != 0 && (bits < 1024 || bits > 4096))
		return cli_usage_error(cli, "bad-number", "--bits: RSA keys "
			"have 1024 to 4096 bits (RFC 8301 3.2)");
	if (type == INKAN_KEY_ED25519 && bits != 0 && bits != 256)
		return cli_usage_error(cli, "bad-number", "--bits: Ed25519 keys "
			"have 256 bits");
	if (type == INKAN_KEY_RSA && bits == 1024)
		fprintf(cli->err, "inkan keygen: warning: 1024-bit RSA; RFC "
			"8301 3.2 says signers SHOULD use 2048 bits\n");
	n = snprintf(path, sizeof(path), "%s/%s.%s.pem", dir, sel, dom);
	if (n < 0 || (size_t)n >= sizeof(path))
		return cli_usage_error(cli, "limit", "--out: the key's path "
			"is longer than %zu bytes", sizeof(path) - 1);
	st = inkan_key_generate(cli->ctx, type, (unsigned)bits, &key);
	if (st == INKAN_OK)
		st = inkan_key_dns_record(key, rec, sizeof(rec), &len);
	if (st != INKAN_OK) {
		cli_error(cli, "%s", inkan_strerror(st));
		inkan_key_free(key);
		return CLI_INTERNAL;
	}
	st = inkan_key_save_private(key, path);
	if (st != INKAN_OK) {
		int e = errno;

		cli_fail(cli, st == INKAN_ERR_IO && e == EEXIST ? "exists" :
			"input", "%s: %s", path, st == INKAN_ERR_IO ?
			strerror(e) : inkan_strerror(st));
		inkan_key_free(key);
		if (st == INKAN_ERR_IO && e == EEXIST)
			return CLI_USAGE;	/* never overwrite a key */
		return st == INKAN_ERR_IO ? CLI_INPUT : CLI_INTERNAL;
	}
	inkan_key_free(key);
	fprintf(cli->err, "inkan keygen: private key written to %s "
		"(mode 0600)\n", path);
	if (cli->json)
		return print_json(cli, sel, dom, path, rec, len, type);
	print_record(cli, sel, dom, rec, len);
	return CLI_OK;
}
