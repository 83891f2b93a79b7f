/* SPDX-License-Identifier: MIT */
/*
 * cmd_domain_rotate.c - `inkan domain rotate DOMAIN`: a new DKIM key per
 * key type, published and visible before it signs; the old keys kept
 * published for the grace period, then revoked (inkan_domain_rotate_step).
 *
 * Every step is saved in the state file at once, so a run that stops (a
 * record not visible within --wait, a grace period longer than --wait)
 * is continued by the next run. With --server/--tsig-key the records go
 * out by DNS UPDATE; without, they are printed for a person to publish.
 * A grace period that ends within the --wait budget is slept through.
 *
 * Exit: 0 done, or stopped at a point where re-running later continues
 * (the grace period); 1 records not visible in time or refused; others
 * as for publish.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <inkan/domain.h>

#include "cli.h"
#include "cmd_domain.h"
#include "commands.h"

#define MAX_STEPS 8

static int64_t
mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec;
}

static void
sleep_until(inkan_ctx *ctx, int64_t until)
{
	struct timespec ts;

	while (inkan_ctx_now(ctx) < until) {
		ts.tv_sec = 0;
		ts.tv_nsec = 200000000L;
		nanosleep(&ts, NULL);
	}
}

static void
when(int64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL || strftime(buf, len,
	    "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		snprintf(buf, len, "%lld", (long long)t);
}

static void
signing(struct cli *cli, const inkan_domain *d)
{
	const inkan_domain_view *v = inkan_domain_get_view(d);
	size_t i;

	for (i = 0; i < v->nselectors; i++)
		if (v->selectors[i].state == INKAN_DOMAIN_KEY_ACTIVE)
			fprintf(cli->err, "inkan domain rotate: signing with "
				"%s (%s)\n", v->selectors[i].selector,
				v->selectors[i].type == INKAN_KEY_RSA ? "RSA" :
				"Ed25519");
}

static int
run(struct cli *cli, inkan_domain *d, const char *dir, struct domain_pub *p,
	unsigned long grace, unsigned long wait_s)
{
	int64_t deadline = mono_s() + (int64_t)wait_s, until = 0;
	inkan_domain_rotate_need need;
	char at[64];
	inkan_status st;
	int published = 0, i, rc;

	for (i = 0; i < MAX_STEPS; i++) {
		st = inkan_domain_rotate_step(d, dir, published,
			(int64_t)grace, &need, &until);
		if (st == INKAN_OK)
			st = inkan_domain_save(d, dir);
		if (st != INKAN_OK) {
			cli_error(cli, "%s", st == INKAN_ERR_STATE ? "no active "
				"key to rotate (run `inkan domain setup` "
				"first)" : st == INKAN_ERR_IO ? strerror(errno) :
				inkan_strerror(st));
			return st == INKAN_ERR_STATE ? CLI_USAGE :
				cli_exit_for_status(st);
		}
		published = 0;
		switch (need) {
		case INKAN_DOMAIN_ROTATE_DONE:
			fprintf(cli->err, "inkan domain rotate: rotation "
				"complete\n");
			signing(cli, d);
			return CLI_OK;
		case INKAN_DOMAIN_ROTATE_PUBLISH:
			p->wait_ms = deadline > mono_s() ?
				(unsigned long)(deadline - mono_s()) * 1000 :
				1000;
			rc = domain_publish_and_wait(cli, d, p);
			if (rc != CLI_OK) {
				fprintf(cli->err, "inkan domain rotate: stopped; "
					"run it again to continue\n");
				return rc;
			}
			published = 1;
			break;
		case INKAN_DOMAIN_ROTATE_WAIT:
			signing(cli, d);
			if (until - inkan_ctx_now(cli->ctx) <= deadline -
			    mono_s()) {
				sleep_until(cli->ctx, until);
				break;
			}
			when(until, at, sizeof(at));
			fprintf(cli->err, "inkan domain rotate: the old keys "
				"stay published until %s (the grace period); "
				"run `inkan domain rotate %s` again after "
				"that\n", at, inkan_domain_get_view(d)->domain);
			return CLI_OK;
		}
	}
	cli_error(cli, "too many steps in one run; run it again");
	return CLI_INTERNAL;
}

enum { O_GRACE = 'g' };

static const struct cli_opt rotate_opts[] = {
	DOMAIN_PUB_OPTIONS,
	{ "grace", 0, O_GRACE, CLI_ARG_UINT, "SECS", 1, 366 * 86400,
	  "keep the old keys published this long after the switch" },
	{ NULL, 0, 0, CLI_ARG_NONE, NULL, 0, 0, NULL }
};

static int cmd_domain_rotate(struct cli *cli, int argc, char **argv);

const struct cli_command cmd_domain_rotate_command = {
	"rotate", "rotate the domain's DKIM keys: publish new ones, switch, "
	"retire the old ones after a grace period",
	"inkan domain rotate DOMAIN [--server ADDR[@PORT] --tsig-key FILE] "
	"[--grace SECS]\n                   [--wait SECS] [--state DIR]",
	rotate_opts,
	"Exit status: 0 done (or waiting for the grace period), 1 published "
	"but not visible\nin time, 3 DNS/network failure, 4 bad state or key "
	"file.", cmd_domain_rotate, NULL
};

static int
cmd_domain_rotate(struct cli *cli, int argc, char **argv)
{
	struct domain_pub p;
	const char *state = NULL, *domain;
	char dir[DOMAIN_PATH_MAX];
	inkan_domain *d = NULL;
	unsigned long wait_s = 60, grace = 0;
	struct cli_args a;
	int id, rc;

	domain_pub_init(&p);
	cli_args_init(&a, cli, argc, argv);
	while ((id = cli_opt_next(&a)) > 0)
		if (!domain_pub_option(id, a.val, a.num, &p, &state, &wait_s) &&
		    id == O_GRACE)
			grace = (unsigned long)a.num;
	if (id < 0)
		return cli_args_end(&a);
	if (a.pos.n != 1) {
		cli_args_free(&a);
		return cli_usage_error(cli, "missing-argument", "rotate takes "
			"one DOMAIN");
	}
	domain = a.pos.v[0];
	cli_args_free(&a);
	if ((p.server == NULL) != (p.tsig_key == NULL))
		return cli_usage_error(cli, "missing-option", "--server and "
			"--tsig-key go together");
	if ((rc = domain_state_dir(cli, state, domain, dir,
	    sizeof(dir))) != CLI_OK || (rc = domain_load(cli, dir, domain,
	    1, &d)) != CLI_OK)
		return rc;
	rc = run(cli, d, dir, &p, grace, wait_s);
	inkan_domain_free(d);
	return domain_json_outcome(cli, domain, rc, "rotated");
}
