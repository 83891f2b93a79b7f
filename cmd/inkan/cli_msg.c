/* SPDX-License-Identifier: MIT */
/* cli_msg.c - header limit options and their errors (see cli_msg.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli_msg.h"

int
cli_msg_limit_option(struct cli *cli, int id, unsigned long long num)
{
	inkan_limit l;

	switch (id) {
	case CLI_O_MAX_HEADER_FIELDS: l = INKAN_LIMIT_HEADER_FIELDS; break;
	case CLI_O_MAX_HEADER_LINE: l = INKAN_LIMIT_HEADER_LINE; break;
	case CLI_O_MAX_HEADER_BYTES: l = INKAN_LIMIT_HEADER_BYTES; break;
	case CLI_O_MAX_SIGNATURES: l = INKAN_LIMIT_DKIM_SIGNATURES; break;
	default: return 0;
	}
	(void)inkan_ctx_set_limit(cli->ctx, l, num);
	return 1;
}

const char *
cli_msg_error_text(struct cli *cli, inkan_status st)
{
	static char buf[256];
	const char *what, *opt;
	inkan_limit l;

	switch (st) {
	case INKAN_ERR_HEADER_COUNT:
		what = "header fields";
		opt = "--max-header-fields";
		l = INKAN_LIMIT_HEADER_FIELDS;
		break;
	case INKAN_ERR_LINE_LENGTH:
		what = "bytes in a header line";
		opt = "--max-header-line";
		l = INKAN_LIMIT_HEADER_LINE;
		break;
	case INKAN_ERR_HEADER_SIZE:
		what = "bytes of header section";
		opt = "--max-header-bytes";
		l = INKAN_LIMIT_HEADER_BYTES;
		break;
	case INKAN_ERR_SYNTAX:
		return "malformed header section: a line that is neither a "
		    "header field (NAME: value) nor its continuation, or a "
		    "NUL/bare control byte (is this a message?)";
	default:
		return inkan_strerror(st);
	}
	snprintf(buf, sizeof(buf), "more than %llu %s (the limit; raise it "
		"with %s N)", (unsigned long long)inkan_ctx_limit(cli->ctx, l),
		what, opt);
	return buf;
}

const char *
cli_msg_error_code(inkan_status st)
{
	switch (st) {
	case INKAN_ERR_HEADER_COUNT:
	case INKAN_ERR_LINE_LENGTH:
	case INKAN_ERR_HEADER_SIZE:
	case INKAN_ERR_LIMIT:
		return "limit";
	case INKAN_ERR_SYNTAX:
		return "malformed";
	default:
		return NULL;
	}
}

inkan_status
cli_msg_stream(struct cli *cli, const char *path, cli_feed_fn feed,
	void *arg)
{
	const char *name = cli_msg_name(path);
	int fd = name == path ? open(path, O_RDONLY | O_CLOEXEC) :
		STDIN_FILENO;
	inkan_status st = INKAN_OK;
	int first = 1;
	char buf[65536];
	ssize_t n;

	if (fd < 0) {
		cli_fail(cli, "input", "%s: %s", name, strerror(errno));
		return INKAN_ERR_IO;
	}
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		const char *p = buf, *lf;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			cli_fail(cli, "input", "%s: %s", name,
				strerror(errno));
			st = INKAN_ERR_IO;
			break;
		}
		if (first && n >= 5 && memcmp(buf, "From ", 5) == 0) {
			/* an mbox separator line is not part of the
			 * message */
			lf = memchr(buf, '\n', (size_t)n);
			p = lf ? lf + 1 : buf + n;
			n -= p - buf;
		}
		first = 0;
		if ((st = feed(arg, p, (size_t)n)) != INKAN_OK)
			break;
	}
	if (fd != STDIN_FILENO)
		close(fd);
	if (st != INKAN_OK && st != INKAN_ERR_IO)
		cli_fail(cli, cli_msg_error_code(st), "%s: %s", name,
			cli_msg_error_text(cli, st));
	return st;
}

const char *
cli_msg_name(const char *path)
{
	return path != NULL && strcmp(path, "-") != 0 ? path : "(stdin)";
}

static inkan_status
msg_feed(void *arg, const char *data, size_t len)
{
	return inkan_msg_feed(arg, data, len);
}

inkan_status
cli_read_message(struct cli *cli, const char *path, inkan_msg *msg)
{
	inkan_status st = cli_msg_stream(cli, path, msg_feed, msg);

	if (st == INKAN_OK && (st = inkan_msg_finish(msg)) != INKAN_OK)
		cli_fail(cli, cli_msg_error_code(st), "%s: %s",
			cli_msg_name(path), cli_msg_error_text(cli, st));
	return st;
}

struct cli_msg_src
cli_msg_file(const char *path)
{
	struct cli_msg_src s = { cli_msg_name(path), path, NULL, NULL, NULL,
		NULL };

	return s;
}

inkan_status
cli_msg_src_stream(struct cli *cli, const struct cli_msg_src *src,
	cli_feed_fn feed, void *feed_arg)
{
	if (src->read != NULL)
		return src->read(src->arg, cli, feed, feed_arg);
	return cli_msg_stream(cli, src->path, feed, feed_arg);
}
