/* SPDX-License-Identifier: MIT */
/*
 * cli_dns.c - the resolver every DNS-using subcommand shares (see cli.h):
 * --dns-zone files (answers from those files only), else libunbound to
 * --dns-server or to the system's resolvers, always behind a cache so that
 * a name asked twice in one run is asked once.
 */
#include <inkan/dns.h>

#include "cli.h"

static int
zone_backend(struct cli *cli, inkan_resolver **out)
{
	char err[512];
	size_t i;
	inkan_status st;

	st = inkan_resolver_zone_new(cli->ctx, out);
	if (st != INKAN_OK) {
		cli_error(cli, "%s", inkan_strerror(st));
		return CLI_INTERNAL;
	}
	for (i = 0; i < cli->dns_zones.n; i++) {
		st = inkan_resolver_zone_load(*out, cli->dns_zones.v[i], err,
			sizeof(err));
		if (st != INKAN_OK) {
			cli_error(cli, "%s", err[0] ? err :
				inkan_strerror(st));
			inkan_resolver_free(*out);
			*out = NULL;
			return st == INKAN_ERR_NOMEM ? CLI_INTERNAL : CLI_INPUT;
		}
	}
	return CLI_OK;
}

int
cli_dns_resolver(struct cli *cli, inkan_resolver **out)
{
	inkan_resolver *backend = NULL;
	inkan_status st;
	int rc;

	*out = NULL;
	if (cli->dns_zones.n > 0) {
		rc = zone_backend(cli, &backend);
		if (rc != CLI_OK)
			return rc;
	} else {
		st = inkan_resolver_unbound_new(cli->ctx, cli->dns_server,
			&backend);
		if (st != INKAN_OK) {
			cli_error(cli, "cannot set up DNS%s%s: %s",
				cli->dns_server ? " to " : "",
				cli->dns_server ? cli->dns_server : "",
				inkan_strerror(st));
			return st == INKAN_ERR_CONFIG ? CLI_USAGE :
				CLI_INTERNAL;
		}
	}
	st = inkan_resolver_cache_new(cli->ctx, backend, 0, out);
	if (st != INKAN_OK) {
		inkan_resolver_free(backend);
		cli_error(cli, "%s", inkan_strerror(st));
		return CLI_INTERNAL;
	}
	inkan_ctx_set_resolver(cli->ctx, *out);
	return CLI_OK;
}

void
cli_dns_free(struct cli *cli, inkan_resolver *r)
{
	if (r == NULL)
		return;
	if (inkan_ctx_resolver(cli->ctx) == r)
		inkan_ctx_set_resolver(cli->ctx, NULL);
	inkan_resolver_free(r);
}
