/* SPDX-License-Identifier: MIT */
/*
 * main.c - inkan command line: global options, subcommand dispatch, and
 * the JSON error document.
 *
 * Global options may stand anywhere on the line, so `inkan --json spf ...`
 * and `inkan spf ... --json` mean the same: main.c takes those before the
 * command name, the command's own parse (cli_opt_next) the others.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <inkan/ctx.h>
#include <inkan/json.h>

#include "cli_opt.h"

/*
 * With --json, an error that left no JSON document on stdout gets one:
 * {"error": CODE, "message": TEXT, "exit": N} (docs/inkan.1).
 */
static void
json_error(struct cli *cli, int rc)
{
	inkan_json *j;

	if (!cli->json || rc == CLI_OK || cli->json_docs > 0 ||
	    cli->ctx == NULL || (j = cli_json_new(cli)) == NULL)
		return;
	inkan_json_object_begin(j);
	inkan_json_member_cstr(j, "error", cli->err_code ? cli->err_code :
		cli_error_code(rc));
	inkan_json_member_cstr(j, "message", cli->err_msg ? cli->err_msg :
		cli_error_code(rc));
	inkan_json_member_int(j, "exit", rc);
	if (cli->command != NULL)
		inkan_json_member_cstr(j, "command", cli->command);
	inkan_json_object_end(j);
	(void)cli_json_finish(cli, j);
	inkan_json_free(j);
}

static int
run(struct cli *cli, int argc, char **argv)
{
	const struct cli_command *const *c;
	struct cli_args a;
	int r;

	cli_args_init(&a, cli, argc, argv);
	a.stop_at_operand = 1;
	while ((r = cli_opt_next(&a)) > 0)
		;	/* only globals stand before the command */
	if (r < 0)
		return cli_args_end(&a);
	cli_args_free(&a);
	if (a.i >= argc) {
		cli_help(NULL, NULL, stderr);
		return cli_usage_error(cli, "missing-argument",
			"no command given");
	}
	for (c = cli_commands; *c != NULL; c++)
		if (strcmp((*c)->name, argv[a.i]) == 0)
			break;
	if (*c == NULL) {
		cli_fail(cli, "unknown-command", "unknown command '%s' "
			"(see inkan --help)", argv[a.i]);
		return CLI_USAGE;
	}
	cli->cmd = *c;
	cli->command = (*c)->name;
	return (*c)->fn(cli, argc - a.i, argv + a.i);
}

int
main(int argc, char **argv)
{
	struct cli cli;
	inkan_status st;
	int rc;

	memset(&cli, 0, sizeof(cli));
	cli.prog = "inkan";
	cli.out = stdout;
	cli.err = stderr;
	st = inkan_ctx_new(NULL, &cli.ctx);
	if (st != INKAN_OK) {
		fprintf(stderr, "inkan: %s\n", inkan_strerror(st));
		return CLI_INTERNAL;
	}
	/* --json decides how even an error before it is reported */
	for (rc = 1; rc < argc && strcmp(argv[rc], "--") != 0; rc++)
		if (strcmp(argv[rc], "--json") == 0)
			cli.json = 1;
	cli.raw_out = stdout;
	if (!cli.json) {
		/* no stranger's control bytes reach a terminal */
		FILE *o = cli_term_open(stdout), *e = cli_term_open(stderr);

		if (o != NULL)
			cli.out = o;
		if (e != NULL) {
			setvbuf(e, NULL, _IOLBF, 0);
			cli.err = e;
		}
	}
	rc = run(&cli, argc, argv);
	json_error(&cli, rc);
	if (cli.out != stdout && fclose(cli.out) != 0 && rc == CLI_OK)
		rc = CLI_INTERNAL;
	if (cli.err != stderr)
		fclose(cli.err);
	if (fflush(stdout) != 0 && rc == CLI_OK)
		rc = CLI_INTERNAL;	/* e.g. a full disk: say so */
	inkan_ctx_free(cli.ctx);
	cli_strv_free(&cli.dns_zones);
	free(cli.err_msg);
	return rc;
}
