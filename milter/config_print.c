/* SPDX-License-Identifier: MIT */
/*
 * config_print.c - the effective configuration, defaults included, in
 * the file's own syntax (inkan-milter --check-config prints it).
 */
#include <stdio.h>

#include "config.h"

static const char *
yes_no(int v)
{
	return v ? "yes" : "no";
}

static void
str(FILE *f, const char *key, const char *v)
{
	if (v != NULL)
		fprintf(f, "%s = %s\n", key, v);
	else
		fprintf(f, "# %s is not set\n", key);
}

static void
nets(FILE *f, const char *key, const struct mt_net *n, size_t count)
{
	char buf[80];
	size_t i;

	if (count == 0) {
		fprintf(f, "# %s: none\n", key);
		return;
	}
	fprintf(f, "%s =", key);
	for (i = 0; i < count; i++) {
		mt_net_format(&n[i], buf, sizeof(buf));
		fprintf(f, " %s", buf);
	}
	fputc('\n', f);
}

static void
words(FILE *f, const char *key, char *const *w, size_t count)
{
	size_t i;

	if (count == 0) {
		fprintf(f, "# %s: none\n", key);
		return;
	}
	fprintf(f, "%s =", key);
	for (i = 0; i < count; i++)
		fprintf(f, " %s", w[i]);
	fputc('\n', f);
}

void
mt_config_print(const struct mt_config *c, FILE *f)
{
	size_t i;

	str(f, "socket", c->socket);
	fprintf(f, "socket_mode = %04o\n", c->socket_mode);
	str(f, "socket_group", c->socket_group);
	str(f, "user", c->user);
	str(f, "pid_file", c->pid_file);
	fprintf(f, "log = %s\n", c->log == MT_LOG_STDERR ? "stderr" :
		"syslog");
	fprintf(f, "log_debug = %s\n", yes_no(c->log_debug));
	str(f, "dns_server", c->dns_server);
	fprintf(f, "dns_timeout_ms = %u\n", c->dns_timeout_ms);
	str(f, "authserv_id", c->authserv_id);
	fprintf(f, "received_spf = %s\n", yes_no(c->received_spf));
	fprintf(f, "spf_thread = %s\n", yes_no(c->spf_thread));
	fprintf(f, "on_temperror = %s\n",
		c->on_temperror == MT_TEMPERROR_ACCEPT ? "accept" :
		"tempfail");
	fprintf(f, "quarantine = %s\n",
		c->quarantine == MT_QUARANTINE_HEADER ? "header" : "hold");
	words(f, "monitor_domains", c->monitor_domains, c->nmonitor_domains);
	nets(f, "trusted_forwarders", c->trusted_forwarders,
		c->ntrusted_forwarders);
	words(f, "arc_trusted_sealers", c->arc_trusted_sealers,
		c->narc_trusted_sealers);
	str(f, "arc_seal_domain", c->arc_seal_domain);
	str(f, "arc_seal_selector", c->arc_seal_selector);
	str(f, "arc_seal_key", c->arc_seal_key);
	nets(f, "internal_networks", c->internal_networks,
		c->ninternal_networks);
	words(f, "sign_daemons", c->sign_daemons, c->nsign_daemons);
	for (i = 0; i < c->nsign_domains; i++)
		fprintf(f, "sign_domain = %s %s\n", c->sign_domains[i].domain,
			c->sign_domains[i].state_dir);
	str(f, "opendkim_keytable", c->keytable);
	str(f, "opendkim_signingtable", c->signingtable);
	str(f, "default_signing_domain", c->default_signing_domain);
	fprintf(f, "resign_window = %u\n", c->resign_window);
	for (i = 0; i < c->nmail_from; i++)
		fprintf(f, "mail_from = %s %s %s\n", c->mail_from[i].domain,
			c->mail_from[i].sub,
			(c->mail_from[i].fallback < 0 ? (int)c->mail_from_fallback :
			c->mail_from[i].fallback) == MT_MAIL_FROM_TEMPFAIL ?
			"tempfail" : "keep");
	fprintf(f, "mail_from_fallback = %s\n",
		c->mail_from_fallback == MT_MAIL_FROM_TEMPFAIL ? "tempfail" :
		"keep");
	fprintf(f, "mail_from_check_interval = %u\n",
		c->mail_from_check_interval);
	fprintf(f, "max_sessions = %u\n", c->max_sessions);
	fprintf(f, "max_signatures = %u\n", c->max_signatures);
	fprintf(f, "max_header_bytes = %u\n", c->max_header_bytes);
	fprintf(f, "time_budget_ms = %u\n", c->time_budget_ms);
	fprintf(f, "shutdown_wait = %u\n", c->shutdown_wait);
	fprintf(f, "stats_port = %u\n", c->stats_port);
	str(f, "report_store", c->report_store);
	fprintf(f, "report_buffer = %u\n", c->report_buffer);
}
