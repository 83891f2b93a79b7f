/* SPDX-License-Identifier: MIT */
/*
 * cli_opt.h - one option table per command drives parsing, --help and
 * completion (after curl's tool_getparam.c).
 *
 * A command lists its options once:
 *
 *	static const struct cli_opt opts[] = {
 *		{ "lifetime", 0, 'x', CLI_ARG_UINT, "SECS", 1, UINT32_MAX,
 *		  "add x= (expiry) SECS after t=" },
 *		...
 *		{ NULL }
 *	};
 *
 * and walks the command line with cli_opt_next(), switching on the id:
 *
 *	struct cli_args a;
 *	cli_args_init(&a, cli, argc, argv);
 *	while ((id = cli_opt_next(&a)) > 0)
 *		switch (id) { case 'x': lifetime = a.num; break; ... }
 *	if (id < 0)
 *		return cli_args_end(&a);	// usage error or --help
 *	// a.pos.v[0 .. a.pos.n-1]: the operands
 *	cli_args_free(&a);
 *
 * Values are checked before the command sees them: a number is a plain
 * decimal in [min, max] (no sign, no junk, no overflow: cli_parse_uint);
 * a missing value, an unknown option, or a value given to a flag is a
 * usage error naming the option. The global options are taken wherever
 * they stand and never reach the command.
 */
#ifndef INKAN_CLI_OPT_H
#define INKAN_CLI_OPT_H

#include "cli.h"

enum cli_arg {
	CLI_ARG_NONE,		/* a flag */
	CLI_ARG_STRING,		/* a value, any text (may be empty) */
	CLI_ARG_UINT,		/* a decimal number in [min, max] -> num */
	CLI_ARG_OPTIONAL	/* a value only as --name=VALUE (else NULL) */
};

struct cli_opt {
	const char *name;	/* long name without "--"; NULL ends a table */
	char letter;		/* short name (-x), or 0 */
	int id;			/* returned by cli_opt_next(); > 0 */
	enum cli_arg arg;
	const char *value;	/* the value's name in --help: "FILE" */
	unsigned long long min, max;	/* CLI_ARG_UINT range */
	const char *help;	/* one line */
};

struct cli_args {
	struct cli *cli;
	int argc, i;
	char **argv;
	int only_dashes;	/* after "--": the rest are operands */
	int stop_at_operand;	/* dispatch: stop before the first operand */
	int exit;		/* when cli_opt_next() < 0: the exit code */
	const struct cli_opt *opt;	/* the option just returned */
	const char *val;	/* its value (NULL for a flag) */
	unsigned long long num;	/* its value as a number (CLI_ARG_UINT) */
	struct cli_strv pos;	/* the operands, in order */
};

/* Walk argv[1..argc-1] of the running command (cli->cmd). */
void cli_args_init(struct cli_args *a, struct cli *cli, int argc,
	char **argv);
/* The next option's id (> 0); 0 at the end (operands in a->pos); -1 after
 * --help (printed, a->exit = CLI_OK) or an error (reported, a->exit =
 * CLI_USAGE). */
int cli_opt_next(struct cli_args *a);
/* Free a->pos and return a->exit: for `return cli_args_end(&a);`. */
int cli_args_end(struct cli_args *a);
void cli_args_free(struct cli_args *a);

/* The global options, for main.c, --help and completion. */
extern const struct cli_opt cli_global_opts[];

/*
 * Parse @s as a decimal number in [@min, @max]: digits only (no sign, no
 * space, no junk after), no overflow. 0 on success; -1 otherwise.
 */
int cli_parse_uint(const char *s, unsigned long long min,
	unsigned long long max, unsigned long long *out);
/* The same with the usage error reported for option or operand @what:
 * "--bits: '-1' is not a whole number from 1024 to 4096". */
int cli_want_uint(struct cli *cli, const char *what, const char *s,
	unsigned long long min, unsigned long long max,
	unsigned long long *out);

/* A usage error for a missing required option or operand, and the
 * like: "--domain is required". Returns CLI_USAGE. */
int cli_usage_error(struct cli *cli, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Print the help of command @c (and its options table) to @to. */
void cli_help(const struct cli_command *c, const char *path, FILE *to);

/*
 * Run the subcommand of cli->cmd named by the first operand of argv
 * (globals before it are taken): `inkan domain check ...`.
 */
int cli_dispatch_sub(struct cli *cli, int argc, char **argv);

#endif
