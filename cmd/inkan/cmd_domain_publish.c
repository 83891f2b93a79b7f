/* SPDX-License-Identifier: MIT */
/*
 * cmd_domain_publish.c - `inkan domain publish DOMAIN --server ADDR[@PORT]
 * --tsig-key FILE`: send the identity's records to the zone's primary as
 * one DNS UPDATE signed with TSIG (inkan_domain_publish), then wait until
 * they are visible through the DNS that `check` uses (--dns-server /
 * --dns-zone; a fresh resolver each round, so no cached "no such name"
 * hides them), for at most --wait seconds.
 *
 * Exit: 0 published and visible; 1 refused by the server, an answer that
 * failed its TSIG check, or not visible within --wait; 2 usage; 3 network
 * or server failure (timeout, SERVFAIL); 4 bad state or key file; 5
 * internal.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <inkan/dns.h>
#include <inkan/domain.h>

#include "cli.h"
#include "cmd_domain.h"
#include "commands.h"

static void
sleep_ms(unsigned ms)
{
	struct timespec ts;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* wait until every record of @recs is visible; CLI_OK or 1 */
static int
wait_visible(struct cli *cli, const inkan_domain_records *recs,
	unsigned long wait_ms)
{
	int64_t deadline = mono_ms() + (int64_t)wait_ms;
	size_t missing = 0, first = SIZE_MAX;
	inkan_resolver *r;
	inkan_status st;
	int rc;

	for (;;) {
		/* a fresh resolver each round: a cache would keep the
		 * "does not exist" of the first round */
		if ((rc = cli_dns_resolver(cli, &r)) != CLI_OK)
			return rc;
		st = inkan_domain_records_visible(cli->ctx, recs, &missing,
			&first);
		cli_dns_free(cli, r);
		if (st != INKAN_OK) {
			cli_error(cli, "%s", inkan_strerror(st));
			return CLI_INTERNAL;
		}
		if (missing == 0) {
			fprintf(cli->err, "inkan domain: all %zu records are "
				"visible\n", recs->nrecords);
			return CLI_OK;
		}
		/* zone files never change under us */
		if (mono_ms() >= deadline || cli->dns_zones.n > 0)
			break;
		sleep_ms(1000);
	}
	cli_error(cli, "%zu record%s not visible yet (first: %s %s) after "
		"%lu s; resolvers may hold the old answer for up to its TTL",
		missing, missing == 1 ? " is" : "s are",
		recs->records[first].name,
		inkan_dns_type_name(recs->records[first].type),
		wait_ms / 1000);
	return CLI_VERDICT_FAIL;
}

static int
print_records(struct cli *cli, const inkan_domain_records *recs)
{
	char *text = NULL;
	inkan_status st;

	st = inkan_domain_render(cli->ctx, recs, INKAN_DOMAIN_FORMAT_TABLE,
		&text);
	if (st != INKAN_OK) {
		cli_error(cli, "%s", inkan_strerror(st));
		return CLI_INTERNAL;
	}
	fputs(text, cli->out);
	inkan_free(cli->ctx, text);
	return CLI_OK;
}

int
domain_publish_and_wait(struct cli *cli, const inkan_domain *d,
	const struct domain_pub *p)
{
	inkan_domain_publish_options o;
	inkan_domain_publish_result *res = NULL;
	inkan_domain_records *recs = NULL;
	inkan_tsig_key *key = NULL;
	char err[160] = "";
	inkan_status st;
	int rc = CLI_OK;

	if ((st = inkan_domain_records_make(d, &recs)) != INKAN_OK) {
		cli_error(cli, "%s", inkan_strerror(st));
		return CLI_INTERNAL;
	}
	if (p->server == NULL) {
		/* nowhere to send them: a person publishes them */
		fprintf(cli->err, "inkan domain: no --server: publish these "
			"records, then run the command again\n");
		rc = print_records(cli, recs);
		if (rc == CLI_OK)
			rc = wait_visible(cli, recs, p->wait_ms);
		inkan_domain_records_free(recs);
		return rc;
	}
	st = inkan_tsig_key_load(cli->ctx, p->tsig_key, &key, err,
		sizeof(err));
	if (st != INKAN_OK) {
		cli_error(cli, "%s: %s", p->tsig_key, err[0] ? err :
			st == INKAN_ERR_IO ? strerror(errno) :
			inkan_strerror(st));
		inkan_domain_records_free(recs);
		return st == INKAN_ERR_NOMEM ? CLI_INTERNAL : CLI_INPUT;
	}
	memset(&o, 0, sizeof(o));
	o.server = p->server;
	o.key = key;
	o.zone = p->zone;
	o.tcp_only = p->tcp_only;
	o.replace_spf = p->replace_spf;
	o.timeout_ms = (uint32_t)p->timeout_ms;
	st = inkan_domain_publish(cli->ctx, recs, &o, &res);
	/* the server's answer: the error itself when it failed (so --json
	 * carries it), a note otherwise */
	if (res != NULL && res->message != NULL && st != INKAN_OK &&
	    st != INKAN_ERR_INVALID)
		cli_fail(cli, st == INKAN_ERR_CONFIG || st == INKAN_ERR_CRYPTO ||
			st == INKAN_ERR_SYNTAX ? "refused" : NULL, "%s",
			res->message);
	else if (res != NULL && res->message != NULL)
		fprintf(cli->err, "inkan domain: %s\n", res->message);
	if (res != NULL && res->kept_spf != NULL)
		fprintf(cli->err, "inkan domain: kept the SPF record already "
			"at %s: \"%s\"; ours differs (merge them by hand, or "
			"--replace-spf)\n", recs->domain, res->kept_spf);
	if (st == INKAN_ERR_INVALID) {
		cli_error(cli, "bad --server or --zone, or a record outside "
			"the zone");
		rc = CLI_USAGE;
	} else if (st == INKAN_ERR_CONFIG || st == INKAN_ERR_CRYPTO ||
	    st == INKAN_ERR_SYNTAX) {
		rc = CLI_VERDICT_FAIL;
	} else if (st != INKAN_OK) {
		if (res == NULL || res->message == NULL)
			cli_error(cli, "%s", inkan_strerror(st));
		rc = cli_exit_for_status(st);
		if (st == INKAN_ERR_IO)
			rc = CLI_TEMPFAIL;	/* the network, not a file */
	} else if (p->wait_ms > 0) {
		rc = wait_visible(cli, recs, p->wait_ms);
	}
	inkan_domain_publish_result_free(res);
	inkan_tsig_key_free(key);
	inkan_domain_records_free(recs);
	return rc;
}

enum { O_REPLACE_SPF = 'R' };

static const struct cli_opt publish_opts[] = {
	DOMAIN_PUB_OPTIONS,
	{ "replace-spf", 0, O_REPLACE_SPF, CLI_ARG_NONE, NULL, 0, 0,
	  "replace an SPF record that differs from ours" },
	{ NULL, 0, 0, CLI_ARG_NONE, NULL, 0, 0, NULL }
};

static int cmd_domain_publish(struct cli *cli, int argc, char **argv);

const struct cli_command cmd_domain_publish_command = {
	"publish", "publish the domain's records by DNS UPDATE (RFC 2136, "
	"TSIG) and wait until they are visible",
	"inkan domain publish DOMAIN --server ADDR[@PORT] --tsig-key FILE "
	"[--zone Z] [--tcp]\n                   [--replace-spf] [--wait SECS] "
	"[--state DIR]", publish_opts,
	"Exit status: 0 done, 1 published but not visible in time (or "
	"refused), 3 DNS/network\nfailure, 4 bad state or key file.",
	cmd_domain_publish, NULL
};

static int
cmd_domain_publish(struct cli *cli, int argc, char **argv)
{
	struct domain_pub p;
	const char *state = NULL, *domain;
	char dir[DOMAIN_PATH_MAX];
	inkan_domain *d = NULL;
	unsigned long secs = 60;
	struct cli_args a;
	int id, rc;

	domain_pub_init(&p);
	cli_args_init(&a, cli, argc, argv);
	while ((id = cli_opt_next(&a)) > 0)
		if (!domain_pub_option(id, a.val, a.num, &p, &state, &secs) &&
		    id == O_REPLACE_SPF)
			p.replace_spf = 1;
	if (id < 0)
		return cli_args_end(&a);
	if (a.pos.n != 1) {
		cli_args_free(&a);
		return cli_usage_error(cli, "missing-argument", "publish takes "
			"one DOMAIN");
	}
	domain = a.pos.v[0];
	cli_args_free(&a);
	if (p.server == NULL || p.tsig_key == NULL)
		return cli_usage_error(cli, "missing-option", "publish needs "
			"--server and --tsig-key");
	p.wait_ms = secs * 1000;
	if ((rc = domain_state_dir(cli, state, domain, dir,
	    sizeof(dir))) != CLI_OK ||
	    (rc = domain_load(cli, dir, domain, 1, &d)) != CLI_OK)
		return rc;
	rc = domain_publish_and_wait(cli, d, &p);
	inkan_domain_free(d);
	return domain_json_outcome(cli, domain, rc, "published");
}
