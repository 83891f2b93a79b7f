/* SPDX-License-Identifier: MIT */
/* cmd_domain.h - what the `inkan domain` subcommand files share. */
#ifndef INKAN_CMD_DOMAIN_H
#define INKAN_CMD_DOMAIN_H

#include <stddef.h>

#include <inkan/domain.h>

#include "cli.h"

#define DOMAIN_PATH_MAX 4096

int cmd_domain_setup(struct cli *cli, int argc, char **argv);
int cmd_domain_check(struct cli *cli, int argc, char **argv);
int cmd_domain_publish(struct cli *cli, int argc, char **argv);
int cmd_domain_rotate(struct cli *cli, int argc, char **argv);

/* --state DIR, or the default for @domain, into @buf. CLI_OK or an exit
 * code after printing the error. */
int domain_state_dir(struct cli *cli, const char *given, const char *domain,
	char *buf, size_t len);

/* Load the identity in @dir, which must be for @domain. With @required a
 * missing one is an error (exit code returned); otherwise *d stays NULL
 * and CLI_OK is returned. */
int domain_load(struct cli *cli, const char *dir, const char *domain,
	int required, inkan_domain **d);

/* Parse a positive number of seconds (or milliseconds); 0 on error. */
int domain_parse_uint(const char *s, unsigned long max, unsigned long *out);

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

/* The getopt_long entries publish and rotate share; each command adds its
 * own and handles the rest with domain_pub_option(). */
#define DOMAIN_PUB_OPTIONS \
	{ "server", required_argument, NULL, 'S' }, \
	{ "tsig-key", required_argument, NULL, 'k' }, \
	{ "zone", required_argument, NULL, 'z' }, \
	{ "tcp", no_argument, NULL, 't' }, \
	{ "wait", required_argument, NULL, 'w' }, \
	{ "timeout", required_argument, NULL, 'T' }, \
	{ "state", required_argument, NULL, 'd' }

/* Defaults: no server, a 5 s DNS timeout per exchange. */
void domain_pub_init(struct domain_pub *p);

/* Take shared option @c with value @arg into @p, *state or *wait_s
 * (seconds). 1 taken, 0 not a shared option, -1 a bad value. */
int domain_pub_option(int c, const char *arg, struct domain_pub *p,
	const char **state, unsigned long *wait_s);

#endif
