/* SPDX-License-Identifier: MIT */
/*
 * cmd_report_send.c - `inkan report send --db DB --config FILE`: one send
 * run (inkan_report_send): claim what is due, check each destination,
 * mail the reports DKIM-signed, expire old rows. Meant for a systemd
 * timer; on several hosts sharing one PostgreSQL store one does the work
 * and the others exit 0 at once.
 */
#include <stdio.h>
#include <string.h>

#include <inkan/json.h>

#include "cmd_report.h"

enum { O_RELAY = 'r', O_SENDMAIL = 's' };

static const struct cli_opt send_opts[] = {
	REPORT_COMMON_OPTS,
	{ "relay", 0, O_RELAY, CLI_ARG_STRING, "HOST[:PORT]", 0, 0,
	  "hand reports to this SMTP relay (config relay)" },
	{ "sendmail", 0, O_SENDMAIL, CLI_ARG_STRING, "PATH", 0, 0,
	  "hand reports to this sendmail binary (config sendmail)" },
	{ NULL, 0, 0, CLI_ARG_NONE, NULL, 0, 0, NULL }
};

static int cmd_report_send(struct cli *cli, int argc, char **argv);

const struct cli_command cmd_report_send_command = {
	"send", "build the due aggregate reports and mail them",
	"inkan report send --db DB --config FILE [--now EPOCH] "
	"[--relay HOST[:PORT] | --sendmail PATH]", send_opts,
	"Checks before sending: external destinations must be authorized "
	"(RFC 9990 4),\nthe deny list, a daily cap per destination, the size "
	"limit (a notice instead of\na cut report). A report is sent again "
	"after a crash under the same Report-ID.", cmd_report_send, NULL
};

struct send_out {
	struct cli *cli;
	inkan_json *j;
};

static void
on_decision(void *ud, const char *rid, const char *uri, const char *state,
	const char *why)
{
	struct send_out *o = ud;
	if (o->j != NULL) {
		inkan_json_object_begin(o->j);
		inkan_json_member_cstr(o->j, "report_id", rid);
		inkan_json_member_cstr(o->j, "uri", uri);
		inkan_json_member_cstr(o->j, "state", state);
		if (why != NULL)
			inkan_json_member_cstr(o->j, "why", why);
		inkan_json_object_end(o->j);
		return;
	}
	FILE *to = strcmp(state, "sent") == 0 ? o->cli->out : o->cli->err;
	fprintf(to, "%s ", state);
	cli_text_str(to, uri);
	fprintf(to, " ");
	cli_text_str(to, rid);
	if (why != NULL) {
		fprintf(to, ": ");
		cli_text_str(to, why);
	}
	fprintf(to, "\n");
}

static int
cmd_report_send(struct cli *cli, int argc, char **argv)
{
	struct report_common c;
	struct cli_args a;
	struct send_out out = { cli, NULL };
	const char *relay = NULL, *sendmail = NULL;
	inkan_report_config *cfg = NULL;
	inkan_report_store *store = NULL;
	struct inkan_resolver *res = NULL;
	inkan_report_send_stats stats;
	char err[256];
	int id, rc;

	memset(&c, 0, sizeof(c));
	cli_args_init(&a, cli, argc, argv);
	while ((id = cli_opt_next(&a)) > 0) {
		if (report_common_option(&a, id, &c))
			continue;
		if (id == O_RELAY)
			relay = a.val;
		else if (id == O_SENDMAIL)
			sendmail = a.val;
	}
	if (id < 0)
		return cli_args_end(&a);
	if (a.pos.n > 0) {
		cli_args_free(&a);
		return cli_usage_error(cli, "extra-argument", "unexpected "
			"argument '%s'", a.pos.v[0]);
	}
	cli_args_free(&a);
	rc = report_setup(cli, &c, 1, &cfg, &store);
	if (rc != CLI_OK)
		return rc;
	if ((relay != NULL && inkan_report_config_set(cfg, "relay", relay,
	    err, sizeof(err)) != INKAN_OK) || (sendmail != NULL &&
	    inkan_report_config_set(cfg, "sendmail", sendmail, err,
	    sizeof(err)) != INKAN_OK)) {
		rc = cli_usage_error(cli, "bad-value", "%s", err);
		goto out;
	}
	if ((rc = cli_dns_resolver(cli, &res)) != CLI_OK)
		goto out;
	if (cli->json && (out.j = cli_json_new(cli)) != NULL) {
		inkan_json_object_begin(out.j);
		inkan_json_key(out.j, "deliveries");
		inkan_json_array_begin(out.j);
	}
	inkan_status st = inkan_report_send(store, cfg, res,
		c.now ? c.now : inkan_ctx_now(cli->ctx), on_decision, &out,
		&stats);
	if (out.j != NULL) {
		inkan_json_array_end(out.j);
		inkan_json_member_int(out.j, "claimed", (int64_t)stats.claimed);
		inkan_json_member_int(out.j, "sent", (int64_t)stats.sent);
		inkan_json_member_int(out.j, "skipped", (int64_t)stats.skipped);
		inkan_json_member_int(out.j, "deferred",
			(int64_t)stats.deferred);
		inkan_json_member_int(out.j, "failed", (int64_t)stats.failed);
		inkan_json_member_int(out.j, "expired_rows",
			stats.expired_rows);
		inkan_json_member_bool(out.j, "locked_out", stats.locked_out);
		inkan_json_object_end(out.j);
		if (st == INKAN_OK)
			rc = cli_json_finish(cli, out.j);
		inkan_json_free(out.j);
	} else if (st == INKAN_OK && stats.locked_out) {
		fprintf(cli->out, "another host is sending from this store; "
			"nothing to do\n");
	} else if (st == INKAN_OK) {
		fprintf(cli->out, "%zu reports built, %zu sent, %zu skipped, "
			"%zu deferred, %zu failed, %lld old rows removed\n",
			stats.claimed, stats.sent, stats.skipped,
			stats.deferred, stats.failed,
			(long long)stats.expired_rows);
	}
	if (st == INKAN_ERR_CONFIG) {
		cli_fail(cli, "config", "the settings are incomplete (see "
			"above)");
		rc = CLI_USAGE;
	} else if (st != INKAN_OK) {
		cli_error(cli, "%s", inkan_strerror(st));
		rc = cli_exit_for_status(st);
	}
out:
	cli_dns_free(cli, res);
	inkan_report_store_close(store);
	inkan_report_config_free(cfg);
	return rc;
}
