/* SPDX-License-Identifier: MIT */
/*
 * cli_help.c - --help, written from the same tables the parser reads
 * (cli_opt.h), so the help cannot list an option the parser lacks.
 */
#include <string.h>

#include "cli_opt.h"

#define HELP_COLUMN 26

static void
print_opts(const struct cli_opt *o, FILE *to)
{
	char left[96];
	int n;

	for (; o != NULL && o->name != NULL; o++) {
		if (o->letter)
			n = snprintf(left, sizeof(left), "  -%c, --%s",
				o->letter, o->name);
		else
			n = snprintf(left, sizeof(left), "  --%s", o->name);
		if (n > 0 && (size_t)n < sizeof(left) && o->value != NULL)
			snprintf(left + n, sizeof(left) - (size_t)n,
				o->arg == CLI_ARG_OPTIONAL ? "[=%s]" : " %s",
				o->value);
		if (strlen(left) + 2 > HELP_COLUMN)
			fprintf(to, "%s\n%*s%s\n", left, HELP_COLUMN, "",
				o->help);
		else
			fprintf(to, "%-*s%s\n", HELP_COLUMN, left, o->help);
	}
}

static void
print_overview(FILE *to)
{
	const struct cli_command *const *c;

	fprintf(to, "usage: inkan [global options] COMMAND [ARGS]\n"
		"       inkan COMMAND --help\n\ncommands:\n");
	for (c = cli_commands; *c != NULL; c++)
		fprintf(to, "  %-11s %s\n", (*c)->name, (*c)->summary);
	fprintf(to, "\nglobal options (anywhere on the line):\n");
	print_opts(cli_global_opts, to);
	fprintf(to, "\nExit status: see inkan(1).\n");
}

void
cli_help(const struct cli_command *c, const char *path, FILE *to)
{
	const struct cli_command *const *s;

	if (c == NULL) {
		print_overview(to);
		return;
	}
	fprintf(to, "usage: %s\n\n%s.\n", c->synopsis, c->summary);
	if (c->subs != NULL) {
		fprintf(to, "\nsubcommands (inkan %s SUB --help for each):\n",
			path ? path : c->name);
		for (s = c->subs; *s != NULL; s++)
			fprintf(to, "  %-11s %s\n", (*s)->name, (*s)->summary);
	}
	if (c->opts != NULL && c->opts->name != NULL) {
		fprintf(to, "\noptions:\n");
		print_opts(c->opts, to);
	}
	if (c->notes != NULL)
		fprintf(to, "\n%s\n", c->notes);
	fprintf(to, "\nglobal options: --json --dns-zone FILE --dns-server "
		"ADDR[@PORT] --verbose --help --version\n"
		"Exit status: 0 ok/pass, 1 fail, 2 usage, 3 temporary, "
		"4 bad input, 5 internal,\n6 warnings only (inkan(1)).\n");
}

void
cli_usage(const struct cli *cli, FILE *to)
{
	cli_help(cli->cmd, cli->command, to);
}
