/* SPDX-License-Identifier: MIT */
/*
 * main.c - inkan command line: global options and subcommand dispatch.
 *
 * Global options may stand anywhere on the line so that `inkan --json spf
 * ...` and `inkan spf ... --json` mean the same; they are removed from argv
 * before the subcommand sees it.
 */
#include <stdio.h>
#include <string.h>

#include <inkan/ctx.h>

#include "cli.h"

static void
print_overview(FILE *to)
{
	const struct cli_command *c;

	fprintf(to, "usage: inkan [--json] [--dns-zone FILE ...] "
		"[--dns-server ADDR[@PORT]] COMMAND [ARGS]\n"
		"       inkan --version\n       inkan COMMAND --help\n\n"
		"commands:\n");
	for (c = cli_commands; c->name != NULL; c++)
		fprintf(to, "  %-10s %s\n", c->name, c->summary);
	fprintf(to, "\nExit status: see inkan(1).\n");
}

/* Take a global option at argv[*i] (with its value); 1 if it was one,
 * 0 if not, -1 on a usage error. */
static int
take_global(struct cli *cli, int argc, char **argv, int *i)
{
	const char *a = argv[*i];
	const char *val = NULL;
	size_t nlen;
	const char *eq = strchr(a, '=');
	int is_zone, is_server;

	nlen = eq ? (size_t)(eq - a) : strlen(a);
	if (strcmp(a, "--json") == 0) { cli->json = 1; return 1; }
	if (strcmp(a, "--verbose") == 0 || strcmp(a, "-v") == 0) {
		cli->verbose++;
		return 1;
	}
	if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
		cli->help = 1;
		return 1;
	}
	is_zone = nlen == 10 && strncmp(a, "--dns-zone", 10) == 0;
	is_server = nlen == 12 && strncmp(a, "--dns-server", 12) == 0;
	if (!is_zone && !is_server)
		return 0;
	if (eq != NULL)
		val = eq + 1;
	else if (*i + 1 < argc)
		val = argv[++*i];
	if (val == NULL || *val == '\0') {
		fprintf(stderr, "inkan: %.*s needs a value\n", (int)nlen, a);
		return -1;
	}
	if (is_server) {
		cli->dns_server = val;
	} else if (cli->ndns_zones == CLI_MAX_ZONES) {
		fprintf(stderr, "inkan: at most %d --dns-zone files\n",
			CLI_MAX_ZONES);
		return -1;
	} else {
		cli->dns_zones[cli->ndns_zones++] = val;
	}
	return 1;
}

int
main(int argc, char **argv)
{
	struct cli cli;
	const struct cli_command *c;
	char *rest[256];
	int nrest = 0, i, r, passthrough = 0;
	inkan_status st;

	memset(&cli, 0, sizeof(cli));
	cli.prog = "inkan";
	cli.out = stdout;
	cli.err = stderr;
	if (argc > (int)(sizeof(rest) / sizeof(rest[0]))) {
		fprintf(stderr, "inkan: too many arguments\n");
		return CLI_USAGE;
	}
	for (i = 1; i < argc; i++) {
		if (!passthrough && strcmp(argv[i], "--") == 0) {
			passthrough = 1;
			rest[nrest++] = argv[i];
			continue;
		}
		if (!passthrough && strcmp(argv[i], "--version") == 0) {
			printf("inkan %s\n", inkan_version());
			return CLI_OK;
		}
		r = passthrough ? 0 : take_global(&cli, argc, argv, &i);
		if (r < 0)
			return CLI_USAGE;
		if (r == 0)
			rest[nrest++] = argv[i];
	}
	if (nrest == 0) {
		print_overview(cli.help ? stdout : stderr);
		return cli.help ? CLI_OK : CLI_USAGE;
	}
	for (c = cli_commands; c->name != NULL; c++)
		if (strcmp(c->name, rest[0]) == 0)
			break;
	if (c->name == NULL) {
		fprintf(stderr, "inkan: unknown command '%s' "
			"(see inkan --help)\n", rest[0]);
		return CLI_USAGE;
	}
	cli.command = c->name;
	if (cli.help) {
		cli_usage(&cli, stdout);
		return CLI_OK;
	}
	st = inkan_ctx_new(NULL, &cli.ctx);
	if (st != INKAN_OK) {
		fprintf(stderr, "inkan: %s\n", inkan_strerror(st));
		return CLI_INTERNAL;
	}
	rest[nrest] = NULL;
	r = c->fn(&cli, nrest, rest);
	inkan_ctx_free(cli.ctx);
	return r;
}
