/* SPDX-License-Identifier: MIT */
/*
 * cli.h - the frame every inkan subcommand plugs into.
 *
 * Each subcommand is one struct cli_command (name, summary, synopsis, one
 * option table, notes, entry point), defined in its own cmd_<name>.c and
 * listed in commands.c. The option table (cli_opt.h) drives parsing,
 * `--help` and `inkan completion`, so the three cannot drift apart.
 *
 * main.c takes the global options (cli_opt.c: --json, --help, --version,
 * --dns-zone FILE, --dns-server ADDR[@PORT], --verbose) before the command
 * name; the command's own parse takes them wherever else they stand. A
 * subcommand returns one of the exit codes below (docs/inkan.1).
 */
#ifndef INKAN_CLI_H
#define INKAN_CLI_H

#include <stdio.h>
#include <inkan/ctx.h>
#include <inkan/msg.h>

/* Exit codes: one scheme for every command; keep in step with docs/inkan.1
 * (EXIT STATUS) and cli_error_code(). */
enum cli_exit {
	CLI_OK = 0,		/* worked; the verdict is a pass (or n/a) */
	CLI_VERDICT_FAIL = 1,	/* worked; the verdict or a finding fails */
	CLI_USAGE = 2,		/* bad command line; nothing was done */
	CLI_TEMPFAIL = 3,	/* temporary failure (DNS); try again later */
	CLI_INPUT = 4,		/* input unreadable, malformed or too big */
	CLI_INTERNAL = 5,	/* out of memory or a bug */
	CLI_WARNINGS = 6	/* worked; only warnings (domain check) */
};

/* A growable list of borrowed strings (argv entries, --dns-zone files). */
struct cli_strv {
	char **v;
	size_t n, cap;
};
/* Append @s; 0, or -1 when out of memory. */
int cli_strv_push(struct cli_strv *l, char *s);
void cli_strv_free(struct cli_strv *l);

struct cli_command;
struct inkan_json;

struct cli {
	const char *prog;		/* "inkan" */
	const char *command;		/* "sign", "domain check": for messages */
	char command_buf[64];
	const struct cli_command *cmd;	/* what is running */
	int json;			/* --json: machine-readable output */
	int verbose;
	struct cli_strv dns_zones;	/* --dns-zone, in order */
	const char *dns_server;		/* --dns-server ADDR[@PORT] or NULL */
	inkan_ctx *ctx;			/* owned by main.c */
	FILE *out;			/* stdout; text mode: filtered */
	FILE *err;			/* stderr; text mode: filtered */
	FILE *raw_out;			/* stdout as it is, for data */
	/* the first error reported, for --json (see cli_error) */
	const char *err_code;
	char *err_msg;			/* malloc'd */
	size_t json_docs;		/* JSON documents written to out */
};

typedef int (*cli_main_fn)(struct cli *cli, int argc, char **argv);

struct cli_opt;

struct cli_command {
	const char *name;
	const char *summary;	/* one line for `inkan --help` */
	const char *synopsis;	/* "inkan sign [options] [FILE]": usage lines */
	const struct cli_opt *opts;	/* terminated by a NULL name, or NULL */
	const char *notes;	/* after the options in --help, or NULL */
	cli_main_fn fn;		/* argv[0] is the command's name */
	const struct cli_command *const *subs;	/* NULL-terminated, or NULL */
};

/* The table of subcommands, in commands.c; NULL-terminated. */
extern const struct cli_command *const cli_commands[];

/*
 * Report an error: "inkan CMD: message" on stderr, and, for --json, keep
 * the first one so main() can write it as {"error": CODE, "message": ...}.
 * cli_error() leaves the code to be derived from the exit status;
 * cli_fail() names it (a stable word from docs/inkan.1, e.g.
 * "unknown-option", "limit").
 */
void cli_error(struct cli *cli, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void cli_fail(struct cli *cli, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The stable error code for exit status @rc ("usage", "input", ...). */
const char *cli_error_code(int rc);

/* Print the running command's help (synopsis, options, notes) to @to. */
void cli_usage(const struct cli *cli, FILE *to);

/* Map a library status to an exit code (temporary -> CLI_TEMPFAIL ...). */
int cli_exit_for_status(inkan_status st);

/*
 * Stream a message from @path ("-" or NULL for stdin) into @msg and finish
 * it. A leading mbox "From " line is skipped (it is not a header field).
 * Errors are reported with cli_error; returns INKAN_OK or the failing
 * status.
 */
inkan_status cli_read_message(struct cli *cli, const char *path,
	inkan_msg *msg);

/* Write @s (@len bytes) for a terminal: control bytes and invalid UTF-8
 * escaped (inkan_text_escape). cli_text_str for a C string. */
void cli_text(FILE *to, const char *s, size_t len);
void cli_text_str(FILE *to, const char *s);
/* A stream over @raw that escapes control bytes and invalid UTF-8 but
 * passes line feeds (cli_term.c); NULL when out of memory. */
FILE *cli_term_open(FILE *raw);

/*
 * The structured emitter on cli->out (inkan/json.h): every JSON document
 * the CLI writes goes through it. Free with inkan_json_free(); NULL when
 * out of memory (reported). cli_json_finish() ends each document (and
 * counts it, so main() adds no error document).
 */
struct inkan_json *cli_json_new(struct cli *cli);
int cli_json_finish(struct cli *cli, struct inkan_json *j);

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
