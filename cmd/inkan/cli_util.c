/* SPDX-License-Identifier: MIT */
/* cli_util.c - helpers shared by the subcommands (see cli.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <inkan/json.h>

#include "cli_msg.h"

static void report(struct cli *cli, const char *code, const char *fmt,
	va_list ap) __attribute__((format(printf, 3, 0)));

static void
report(struct cli *cli, const char *code, const char *fmt, va_list ap)
{
	char small[1024], *msg = small;
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	if (n >= (int)sizeof(small) && (msg = malloc((size_t)n + 1)) != NULL)
		vsnprintf(msg, (size_t)n + 1, fmt, ap2);
	else
		msg = small;
	va_end(ap2);
	fprintf(cli->err, "%s%s%s: ", cli->prog, cli->command ? " " : "",
		cli->command ? cli->command : "");
	/* messages quote what strangers wrote: escape it */
	cli_text_str(cli->err, msg);
	fputc('\n', cli->err);
	if (cli->err_msg == NULL) {
		cli->err_msg = strdup(msg);
		cli->err_code = code;
	}
	if (msg != small)
		free(msg);
}

void
cli_error(struct cli *cli, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(cli, NULL, fmt, ap);
	va_end(ap);
}

void
cli_fail(struct cli *cli, const char *code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(cli, code, fmt, ap);
	va_end(ap);
}

const char *
cli_error_code(int rc)
{
	switch (rc) {
	case CLI_OK: return "ok";
	case CLI_VERDICT_FAIL: return "fail";
	case CLI_USAGE: return "usage";
	case CLI_TEMPFAIL: return "temporary";
	case CLI_INPUT: return "input";
	case CLI_WARNINGS: return "warnings";
	default: return "internal";
	}
}

int
cli_exit_for_status(inkan_status st)
{
	if (st == INKAN_OK)
		return CLI_OK;
	/* in the CLI an I/O error is an unreadable input file, not a
	 * network failure worth retrying */
	if (st == INKAN_ERR_IO)
		return CLI_INPUT;
	if (inkan_status_is_temporary(st) && st != INKAN_ERR_NOMEM)
		return CLI_TEMPFAIL;
	switch (st) {
	case INKAN_ERR_SYNTAX:
	case INKAN_ERR_LIMIT:
	case INKAN_ERR_HEADER_COUNT:
	case INKAN_ERR_LINE_LENGTH:
	case INKAN_ERR_HEADER_SIZE:
	case INKAN_ERR_NOT_FOUND:
		return CLI_INPUT;
	case INKAN_ERR_INVALID:
	case INKAN_ERR_CONFIG:
		return CLI_USAGE;
	default:
		return CLI_INTERNAL;
	}
}

static int
file_sink(void *arg, const char *s, size_t len)
{
	return fwrite(s, 1, len, arg) == len ? 0 : -1;
}

void
cli_text(FILE *to, const char *s, size_t len)
{
	(void)inkan_text_escape(s, len, file_sink, to);
}

void
cli_text_str(FILE *to, const char *s)
{
	if (s != NULL)
		cli_text(to, s, strlen(s));
}

inkan_json *
cli_json_new(struct cli *cli)
{
	inkan_json *j = NULL;

	if (inkan_json_new(cli->ctx, file_sink, cli->out, &j) != INKAN_OK)
		cli_error(cli, "out of memory");
	return j;
}

int
cli_json_finish(struct cli *cli, inkan_json *j)
{
	inkan_status st = inkan_json_finish(j);

	if (st != INKAN_OK) {
		cli_fail(cli, "internal", "JSON output: %s",
			inkan_strerror(st));
		return CLI_INTERNAL;
	}
	cli->json_docs++;
	return CLI_OK;
}
