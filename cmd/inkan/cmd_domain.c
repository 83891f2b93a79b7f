/* SPDX-License-Identifier: MIT */
/*
 * cmd_domain.c - `inkan domain setup|check|publish|rotate`: the sending
 * domain's set-up, one file per subcommand (cmd_domain_*.c). This file
 * dispatches and holds what they share: where the state lives.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd_domain.h"
#include "commands.h"

int
domain_parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (s == NULL || *s < '0' || *s > '9')
		return 0;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > max)
		return 0;
	*out = v;
	return 1;
}

int
domain_state_dir(struct cli *cli, const char *given, const char *domain,
	char *buf, size_t len)
{
	inkan_status st;

	if (given != NULL) {
		if (strlen(given) >= len) {
			cli_error(cli, "--state path too long");
			return CLI_USAGE;
		}
		memcpy(buf, given, strlen(given) + 1);
		return CLI_OK;
	}
	st = inkan_domain_default_state_dir(domain, buf, len);
	if (st != INKAN_OK) {
		cli_error(cli, "no state directory: set HOME or "
			"XDG_STATE_HOME, or give --state DIR");
		return CLI_USAGE;
	}
	return CLI_OK;
}

int
domain_load(struct cli *cli, const char *dir, const char *domain,
	int required, inkan_domain **d)
{
	char err[256] = "";
	inkan_domain *probe = NULL;
	inkan_status st;

	*d = NULL;
	st = inkan_domain_load(cli->ctx, dir, d, err, sizeof(err));
	if (st == INKAN_ERR_NOT_FOUND && !required)
		return CLI_OK;
	if (st == INKAN_ERR_NOT_FOUND) {
		cli_error(cli, "no identity in %s (run `inkan domain setup` "
			"first, or give --state DIR)", dir);
		return CLI_INPUT;
	}
	if (st != INKAN_OK) {
		cli_error(cli, "%s/identity: %s", dir, err[0] ? err :
			st == INKAN_ERR_IO ? strerror(errno) :
			inkan_strerror(st));
		return st == INKAN_ERR_NOMEM ? CLI_INTERNAL : CLI_INPUT;
	}
	/* the same normalisation on both sides: compare the results */
	if (inkan_domain_new(cli->ctx, domain, &probe) != INKAN_OK ||
	    strcmp(inkan_domain_get_view(probe)->domain,
	    inkan_domain_get_view(*d)->domain) != 0) {
		cli_error(cli, "%s/identity is for %s, not %s", dir,
			inkan_domain_get_view(*d)->domain, domain);
		inkan_domain_free(probe);
		inkan_domain_free(*d);
		*d = NULL;
		return CLI_USAGE;
	}
	inkan_domain_free(probe);
	return CLI_OK;
}

int
cmd_domain(struct cli *cli, int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(struct cli *, int, char **);
	} subs[] = {
		{ "setup", cmd_domain_setup },
		{ "check", cmd_domain_check },
		{ "publish", cmd_domain_publish },
		{ "rotate", cmd_domain_rotate },
	};
	size_t i;

	if (argc < 2) {
		cli_usage(cli, stderr);
		return CLI_USAGE;
	}
	for (i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		if (strcmp(argv[1], subs[i].name) == 0)
			return subs[i].fn(cli, argc - 1, argv + 1);
	cli_error(cli, "unknown subcommand '%s' (setup, check, publish, "
		"rotate)", argv[1]);
	return CLI_USAGE;
}

void
domain_pub_init(struct domain_pub *p)
{
	memset(p, 0, sizeof(*p));
	p->timeout_ms = 5000;
}

int
domain_pub_option(int c, const char *arg, struct domain_pub *p,
	const char **state, unsigned long *wait_s)
{
	switch (c) {
	case 'S': p->server = arg; return 1;
	case 'k': p->tsig_key = arg; return 1;
	case 'z': p->zone = arg; return 1;
	case 't': p->tcp_only = 1; return 1;
	case 'd': *state = arg; return 1;
	case 'w':
		return domain_parse_uint(arg, 86400, wait_s) ? 1 : -1;
	case 'T':
		return domain_parse_uint(arg, 600000, &p->timeout_ms) &&
		    p->timeout_ms > 0 ? 1 : -1;
	default:
		return 0;
	}
}
