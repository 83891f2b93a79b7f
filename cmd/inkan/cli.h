/* SPDX-License-Identifier: MIT */
/*
 * cli.h - the frame every inkan subcommand plugs into.
 *
 * main.c takes the global options out of argv wherever they stand
 * (--json, --help, --version, --dns-zone FILE, --dns-server ADDR[@PORT],
 * --verbose), sets up one inkan_ctx, and calls the subcommand with what is
 * left. A subcommand parses its own options with getopt_long and returns
 * one of the exit codes below (documented in docs/inkan.1).
 */
#ifndef INKAN_CLI_H
#define INKAN_CLI_H

#include <stdio.h>
#include <inkan/ctx.h>
#include <inkan/msg.h>

/* Exit codes: keep in step with docs/inkan.1 (EXIT STATUS). */
enum cli_exit {
	CLI_OK = 0,		/* worked; the verdict is a pass (or n/a) */
	CLI_VERDICT_FAIL = 1,	/* worked; the verdict is not a pass */
	CLI_USAGE = 2,		/* bad command line */
	CLI_TEMPFAIL = 3,	/* temporary failure (DNS); try again later */
	CLI_INPUT = 4,		/* input unreadable or malformed */
	CLI_INTERNAL = 5	/* out of memory or a bug */
};

#define CLI_MAX_ZONES 32

struct cli {
	const char *prog;		/* "inkan" */
	const char *command;		/* subcommand name */
	int json;			/* --json: machine-readable output */
	int help;			/* --help given after the subcommand */
	int verbose;
	const char *dns_zones[CLI_MAX_ZONES];	/* --dns-zone, in order */
	size_t ndns_zones;
	const char *dns_server;		/* --dns-server ADDR[@PORT] or NULL */
	inkan_ctx *ctx;			/* owned by main.c */
	FILE *out;			/* stdout */
	FILE *err;			/* stderr */
};

typedef int (*cli_main_fn)(struct cli *cli, int argc, char **argv);

struct cli_command {
	const char *name;
	const char *summary;	/* one line for `inkan --help` */
	const char *usage;	/* shown by `inkan NAME --help` */
	cli_main_fn fn;
};

/* The table of subcommands, in commands.c. */
extern const struct cli_command cli_commands[];

/* Print "inkan NAME: message" to stderr. */
void cli_error(const struct cli *cli, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Print the subcommand's usage to @to. */
void cli_usage(const struct cli *cli, FILE *to);

/* Map a library status to an exit code (temporary -> CLI_TEMPFAIL ...). */
int cli_exit_for_status(inkan_status st);

/*
 * Stream a message from @path ("-" or NULL for stdin) into @msg and finish
 * it. A leading mbox "From " line is skipped (it is not a header field).
 * Errors are reported on stderr; returns INKAN_OK or the failing status.
 */
inkan_status cli_read_message(const struct cli *cli, const char *path,
	inkan_msg *msg);

/* Write @s as a JSON string literal (with quotes) of @len bytes. */
void cli_json_string(FILE *to, const char *s, size_t len);

/*
 * The resolver for DNS-using subcommands (cli_dns.c), from the global
 * options: --dns-zone files, else libunbound to --dns-server or the system
 * resolvers; always behind a cache. It is attached to cli->ctx. Returns
 * CLI_OK with *out owned by the caller (release with cli_dns_free), or an
 * exit code after printing the error (CLI_INPUT: a zone file is bad).
 */
struct inkan_resolver;
int cli_dns_resolver(struct cli *cli, struct inkan_resolver **out);
/* Detach @r from cli->ctx and free it. NULL is a no-op. */
void cli_dns_free(struct cli *cli, struct inkan_resolver *r);

#endif
