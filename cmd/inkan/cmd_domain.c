/* SPDX-License-Identifier: MIT */
/*
 * cmd_domain.c - `inkan domain setup|check|publish|rotate|selftest`: the
 * sending domain's set-up, one file per subcommand (cmd_domain_*.c). This
 * file dispatches and holds what they share: where the state lives.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd_domain.h"
#include "commands.h"

#include <inkan/json.h>

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

static const struct cli_command *const domain_subs[] = {
	&cmd_domain_setup_command,
	&cmd_domain_check_command,
	&cmd_domain_publish_command,
	&cmd_domain_rotate_command,
	&cmd_domain_selftest_command,
	NULL
};

const struct cli_command cmd_domain_command = {
	"domain", "set up a sending domain (keys, SPF, MAIL FROM, DMARC), "
	"audit its DNS, publish by DNS UPDATE, rotate keys, self-test",
	"inkan domain setup|check|publish|rotate|selftest DOMAIN [options]",
	NULL,
	"State: --state DIR, default $XDG_STATE_HOME/inkan/DOMAIN or\n"
	"~/.local/state/inkan/DOMAIN (mode 0700; keys 0600). check, publish, "
	"rotate\nand selftest read the identity from there. DNS for check, "
	"selftest and the\nwaits: --dns-server/--dns-zone.",
	cli_dispatch_sub, domain_subs
};

int
domain_json_outcome(struct cli *cli, const char *domain, int rc,
	const char *what)
{
	inkan_json *j;

	if (!cli->json || rc != CLI_OK || (j = cli_json_new(cli)) == NULL)
		return rc;
	inkan_json_object_begin(j);
	inkan_json_member_cstr(j, "command", cli->command);
	inkan_json_member_cstr(j, "domain", domain);
	inkan_json_member_cstr(j, "result", what);
	inkan_json_member_int(j, "exit", rc);
	inkan_json_object_end(j);
	rc = cli_json_finish(cli, j);
	inkan_json_free(j);
	return rc;
}

void
domain_pub_init(struct domain_pub *p)
{
	memset(p, 0, sizeof(*p));
	p->timeout_ms = 5000;
}

int
domain_pub_option(int id, const char *val, unsigned long long num,
	struct domain_pub *p, const char **state, unsigned long *wait_s)
{
	switch (id) {
	case DOMAIN_O_SERVER: p->server = val; return 1;
	case DOMAIN_O_TSIG_KEY: p->tsig_key = val; return 1;
	case DOMAIN_O_ZONE: p->zone = val; return 1;
	case DOMAIN_O_TCP: p->tcp_only = 1; return 1;
	case DOMAIN_O_STATE: *state = val; return 1;
	case DOMAIN_O_WAIT: *wait_s = (unsigned long)num; return 1;
	case DOMAIN_O_TIMEOUT: p->timeout_ms = (unsigned long)num; return 1;
	default:
		return 0;
	}
}
