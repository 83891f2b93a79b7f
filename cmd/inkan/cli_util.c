/* SPDX-License-Identifier: MIT */
/* cli_util.c - helpers shared by the subcommands (see cli.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

void
cli_error(const struct cli *cli, const char *fmt, ...)
{
	va_list ap;

	fprintf(cli->err, "%s %s: ", cli->prog,
		cli->command ? cli->command : "");
	va_start(ap, fmt);
	vfprintf(cli->err, fmt, ap);
	va_end(ap);
	fputc('\n', cli->err);
}

void
cli_usage(const struct cli *cli, FILE *to)
{
	const struct cli_command *c;

	for (c = cli_commands; c->name != NULL; c++)
		if (cli->command != NULL && strcmp(c->name, cli->command) == 0)
			fprintf(to, "usage: %s\n\n%s.\n\nGlobal options: --json "
				"--dns-zone FILE --dns-server ADDR[@PORT] "
				"--help --version\n", c->usage, c->summary);
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

inkan_status
cli_read_message(const struct cli *cli, const char *path, inkan_msg *msg)
{
	FILE *f;
	char chunk[65536];
	size_t n;
	int first = 1;
	inkan_status st = INKAN_OK;
	const char *name = path && strcmp(path, "-") != 0 ? path : "(stdin)";

	f = name == path ? fopen(path, "rb") : stdin;
	if (f == NULL) {
		cli_error(cli, "%s: %s", path, strerror(errno));
		return INKAN_ERR_IO;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		const char *p = chunk;
		if (first && n >= 5 && memcmp(chunk, "From ", 5) == 0) {
			/* mbox separator line: not part of the message */
			const char *lf = memchr(chunk, '\n', n);
			size_t skip = lf ? (size_t)(lf - chunk) + 1 : n;
			p += skip;
			n -= skip;
		}
		first = 0;
		st = inkan_msg_feed(msg, p, n);
		if (st != INKAN_OK)
			break;
	}
	if (st == INKAN_OK && ferror(f)) {
		cli_error(cli, "%s: read error", name);
		st = INKAN_ERR_IO;
	}
	if (f != stdin)
		fclose(f);
	if (st == INKAN_OK)
		st = inkan_msg_finish(msg);
	if (st != INKAN_OK && st != INKAN_ERR_IO)
		cli_error(cli, "%s: %s", name, inkan_strerror(st));
	return st;
}

void
cli_json_string(FILE *to, const char *s, size_t len)
{
	size_t i;

	fputc('"', to);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '"': fputs("\\\"", to); break;
		case '\\': fputs("\\\\", to); break;
		case '\n': fputs("\\n", to); break;
		case '\r': fputs("\\r", to); break;
		case '\t': fputs("\\t", to); break;
		default:
			if (c < 0x20 || c == 0x7f)
				fprintf(to, "\\u%04x", c);
			else
				fputc(c, to);
		}
	}
	fputc('"', to);
}
