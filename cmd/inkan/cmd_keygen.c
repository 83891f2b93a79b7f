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
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <inkan/keys.h>

#include "cli.h"
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

int
cmd_keygen(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "type", required_argument, NULL, 't' },
		{ "bits", required_argument, NULL, 'b' },
		{ "selector", required_argument, NULL, 's' },
		{ "domain", required_argument, NULL, 'd' },
		{ "out", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 }
	};
	const char *sel = NULL, *dom = NULL, *dir = ".";
	inkan_key_type type = INKAN_KEY_RSA;
	unsigned long bits = 0;
	inkan_key *key = NULL;
	inkan_status st;
	char path[4096], rec[1100], *end;
	size_t len;
	int c, n;

	optind = 1;
	while ((c = getopt_long(argc, argv, "t:b:s:d:o:", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			if (strcmp(optarg, "rsa") == 0) {
				type = INKAN_KEY_RSA;
			} else if (strcmp(optarg, "ed25519") == 0) {
				type = INKAN_KEY_ED25519;
			} else {
				cli_error(cli, "--type is rsa or ed25519");
				return CLI_USAGE;
			}
			break;
		case 'b':
			bits = strtoul(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || bits > 65536) {
				cli_error(cli, "--bits needs a number");
				return CLI_USAGE;
			}
			break;
		case 's': sel = optarg; break;
		case 'd': dom = optarg; break;
		case 'o': dir = optarg; break;
		default:
			cli_usage(cli, stderr);
			return CLI_USAGE;
		}
	}
	if (sel == NULL || dom == NULL || *sel == '\0' || *dom == '\0' ||
	    optind != argc || strchr(sel, '/') || strchr(dom, '/')) {
		cli_usage(cli, stderr);
		return CLI_USAGE;
	}
	if (type == INKAN_KEY_RSA && bits != 0 && (bits < 1024 || bits > 4096)) {
		cli_error(cli, "RSA keys have 1024 to 4096 bits (RFC 8301 3.2)");
		return CLI_USAGE;
	}
	if (type == INKAN_KEY_ED25519 && bits != 0 && bits != 256) {
		cli_error(cli, "Ed25519 keys have 256 bits");
		return CLI_USAGE;
	}
	if (type == INKAN_KEY_RSA && bits == 1024)
		fprintf(cli->err, "inkan keygen: warning: 1024-bit RSA; RFC "
			"8301 3.2 says signers SHOULD use 2048 bits\n");
	n = snprintf(path, sizeof(path), "%s/%s.%s.pem", dir, sel, dom);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		cli_error(cli, "--out path too long");
		return CLI_USAGE;
	}
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
		cli_error(cli, "%s: %s", path, st == INKAN_ERR_IO ?
			strerror(errno) : inkan_strerror(st));
		inkan_key_free(key);
		if (st == INKAN_ERR_IO && errno == EEXIST)
			return CLI_USAGE;	/* never overwrite a key */
		return st == INKAN_ERR_IO ? CLI_INPUT : CLI_INTERNAL;
	}
	fprintf(cli->err, "inkan keygen: private key written to %s "
		"(mode 0600)\n", path);
	print_record(cli, sel, dom, rec, len);
	inkan_key_free(key);
	return CLI_OK;
}
