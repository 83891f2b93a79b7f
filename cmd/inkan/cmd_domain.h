/* SPDX-License-Identifier: MIT */
/* cmd_domain.h - what the `inkan domain` subcommand files share. */
#ifndef INKAN_CMD_DOMAIN_H
#define INKAN_CMD_DOMAIN_H

#include <stddef.h>

#include <inkan/domain.h>

#include "cli_opt.h"

#define DOMAIN_PATH_MAX 4096


/* --state DIR, or the default for @domain, into @buf. CLI_OK or an exit
 * code after printing the error. */
int domain_state_dir(struct cli *cli, const char *given, const char *domain,
	char *buf, size_t len);

/* Load the identity in @dir, which must be for @domain. With @required a
 * missing one is an error (exit code returned); otherwise *d stays NULL
 * and CLI_OK is returned. */
int domain_load(struct cli *cli, const char *dir, const char *domain,
	int required, inkan_domain **d);

/* Publish @d's records through --server/--tsig-key (NULL server: print
 * them for the user instead) and wait up to @wait_ms until they are
 * visible through the global DNS options. CLI_OK when visible. */
struct domain_pub {
	const char *server;
	const char *tsig_key;
	const char *zone;
	int tcp_only;
	int replace_spf;
	unsigned long wait_ms;
	unsigned long timeout_ms;
};
int domain_publish_and_wait(struct cli *cli, const inkan_domain *d,
	const struct domain_pub *p);

/* The option table entries publish and rotate share; each command adds
 * its own and hands the rest to domain_pub_option(). */
enum { DOMAIN_O_SERVER = 'S', DOMAIN_O_TSIG_KEY = 'k', DOMAIN_O_ZONE = 'z',
	DOMAIN_O_TCP = 't', DOMAIN_O_WAIT = 'w', DOMAIN_O_TIMEOUT = 'T',
	DOMAIN_O_STATE = 'd' };
#define DOMAIN_PUB_OPTIONS \
	{ "server", 0, DOMAIN_O_SERVER, CLI_ARG_STRING, "ADDR[@PORT]", 0, 0, \
	  "the primary server to send the DNS UPDATE to" }, \
	{ "tsig-key", 0, DOMAIN_O_TSIG_KEY, CLI_ARG_STRING, "FILE", 0, 0, \
	  "the TSIG key (BIND key file) that signs the UPDATE" }, \
	{ "zone", 0, DOMAIN_O_ZONE, CLI_ARG_STRING, "Z", 0, 0, \
	  "the zone to update (default: found from the SOA)" }, \
	{ "tcp", 0, DOMAIN_O_TCP, CLI_ARG_NONE, NULL, 0, 0, \
	  "send the UPDATE over TCP only" }, \
	{ "wait", 0, DOMAIN_O_WAIT, CLI_ARG_UINT, "SECS", 0, 86400, \
	  "wait up to SECS until the records are visible (default 60)" }, \
	{ "timeout", 0, DOMAIN_O_TIMEOUT, CLI_ARG_UINT, "MS", 1, 600000, \
	  "per-exchange DNS timeout (default 5000)" }, \
	{ "state", 0, DOMAIN_O_STATE, CLI_ARG_STRING, "DIR", 0, 0, \
	  "the state directory (default $XDG_STATE_HOME/inkan/DOMAIN)" }

/* Defaults: no server, a 5 s DNS timeout per exchange. */
void domain_pub_init(struct domain_pub *p);

/* Take shared option @id (value @val, number @num) into @p, *state or
 * *wait_s (seconds). 1 taken, 0 not a shared option. */
int domain_pub_option(int id, const char *val, unsigned long long num,
	struct domain_pub *p, const char **state, unsigned long *wait_s);

/* JSON mode: the outcome of setup/publish/rotate as one document. */
int domain_json_outcome(struct cli *cli, const char *domain, int rc,
	const char *what);

/* The subcommands, for the table in cmd_domain.c. */
extern const struct cli_command cmd_domain_setup_command;
extern const struct cli_command cmd_domain_check_command;
extern const struct cli_command cmd_domain_publish_command;
extern const struct cli_command cmd_domain_rotate_command;
extern const struct cli_command cmd_domain_selftest_command;

#endif
