/* SPDX-License-Identifier: MIT */
/*
 * cmd_report_serve.c - `inkan report serve`: a read-only dashboard over
 * the report store, served by libmicrohttpd on loopback by default.
 *
 * Pages (each has a JSON twin at the same path plus ".json"):
 *   /            overview per domain: verdict, rates, pass/fail per day,
 *                volume by source class, top sources
 *   /sources     every source of a domain (?domain=D), with drill-down
 *   /source      one source's records (?domain=D&ip=IP)
 *   /reporters   who reported what
 *   /failures    failure reports
 *   /reports     the received reports, each linking its raw XML (/raw?id=N)
 * Only GET and HEAD are answered. One polling thread serves requests one
 * at a time, so the store's single connection is never shared. Raw XML
 * goes out as text/plain with nosniff: the bytes are the reporter's.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <getopt.h>

#include <microhttpd.h>

#include "cli.h"
#include "cmd_report.h"
#include "report/owner_list.h"

struct serve {
	struct cli *cli;
	struct report_view_args *args;
	inkan_report_store *store;
};

static const char *
arg(struct MHD_Connection *c, const char *name)
{
	return MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, name);
}

static enum MHD_Result
send_buf(struct MHD_Connection *c, unsigned status, const char *type,
	char *body, size_t len)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, body,
		MHD_RESPMEM_MUST_FREE);
	enum MHD_Result ret;

	if (r == NULL) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", type);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	/* no script anywhere; inline styles and SVG only */
	MHD_add_response_header(r, "Content-Security-Policy", "default-src "
		"'none'; style-src 'unsafe-inline'; img-src data:");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static void
jstr(FILE *o, const char *s)
{
	cli_json_string(o, s ? s : "", s ? strlen(s) : 0);
}

/* a result set as a JSON array of objects named by @cols */
static void
res_json(FILE *o, const ik_report_res *r, const char *const *cols)
{
	fputc('[', o);
	for (size_t i = 0; i < r->nrows; i++) {
		fputs(i ? ",{" : "{", o);
		for (size_t j = 0; j < r->ncols; j++) {
			fprintf(o, "%s\"%s\":", j ? "," : "", cols[j]);
			jstr(o, ik_report_res_get(r, i, j));
		}
		fputc('}', o);
	}
	fputs("]\n", o);
}

static void
res_table(FILE *o, const ik_report_res *r, const char *const *cols)
{
	fputs("<table><tr>", o);
	for (size_t j = 0; j < r->ncols; j++) {
		fputs("<th>", o);
		report_html_esc(o, cols[j]);
		fputs("</th>", o);
	}
	fputs("</tr>\n", o);
	for (size_t i = 0; i < r->nrows; i++) {
		fputs("<tr>", o);
		for (size_t j = 0; j < r->ncols; j++) {
			fputs("<td>", o);
			report_html_esc(o, ik_report_res_get(r, i, j));
			fputs("</td>", o);
		}
		fputs("</tr>\n", o);
	}
	fputs("</table>\n", o);
}

static const struct ik_sum_domain *
pick(const struct ik_summary *sum, const char *domain)
{
	for (size_t i = 0; i < sum->nd; i++)
		if (domain == NULL || strcmp(sum->d[i].domain, domain) == 0)
			return &sum->d[i];
	return NULL;
}

static int
page(struct serve *sv, struct MHD_Connection *c, const char *url,
	FILE *o, const char **type)
{
	char path[64];
	int json;
	size_t n = strlen(url);
	struct ik_summary sum;
	struct ik_sum_opts so;
	ik_report_res r;
	const char *domain = arg(c, "domain");
	inkan_status st = INKAN_OK;

	if (n >= sizeof(path))
		return 404;
	memcpy(path, url, n + 1);
	json = n > 5 && strcmp(path + n - 5, ".json") == 0;
	if (json)
		path[n - 5] = '\0';
	*type = json ? "application/json" : "text/html; charset=utf-8";
	memset(&so, 0, sizeof(so));
	so.own_nets = sv->args->own;
	so.nown = sv->args->nown;
	so.includes = sv->args->incl;
	so.nincludes = sv->args->nincl;
	so.domain = domain;

	if (strcmp(path, "/") == 0 || strcmp(path, "/overview") == 0 ||
	    strcmp(path, "/sources") == 0 || strcmp(path, "/reporters") == 0) {
		so.max_sources = strcmp(path, "/sources") == 0 ? 10000 : 50;
		if (ik_summary_build(sv->store, &so, &sum) != INKAN_OK)
			return 500;
		if (json) {
			report_summary_json(o, &sum);
		} else if (path[1] == '\0' || path[1] == 'o') {
			report_render_overview(o, &sum, 1);
		} else {
			const struct ik_sum_domain *d;
			int src = path[1] == 's';
			report_html_head(o, src ? "Sources" : "Reporters", 1);
			for (size_t i = 0; i < sum.nd; i++) {
				d = &sum.d[i];
				fputs("<h2>", o);
				report_html_esc(o, d->domain);
				fputs("</h2>\n", o);
				if (src) {
					report_render_source_table(o, d,
						d->nsrc, 1);
					continue;
				}
				fputs("<table class=\"reporters\"><tr><th>"
					"reporter</th><th class=\"n\">reports"
					"</th><th class=\"n\">messages</th>"
					"<th class=\"n\">pass</th></tr>\n", o);
				for (size_t j = 0; j < d->nrep; j++) {
					fputs("<tr><td>", o);
					report_html_esc(o, d->rep[j].org);
					fprintf(o, "</td><td class=\"n\">%llu</td>"
						"<td class=\"n\">%llu</td><td "
						"class=\"n\">%.1f%%</td></tr>\n",
						(unsigned long long)d->rep[j].reports,
						(unsigned long long)d->rep[j].msgs,
						d->rep[j].msgs ? 100.0 *
						(double)d->rep[j].pass /
						(double)d->rep[j].msgs : 0.0);
				}
				fputs("</table>\n", o);
			}
			report_html_foot(o);
		}
		ik_summary_free(sv->cli->ctx, &sum);
		return 200;
	}
	if (strcmp(path, "/source") == 0) {
		static const char *const cols[] = { "report", "reporter",
			"begin", "count", "disposition", "dkim_eval",
			"spf_eval", "header_from", "envelope_from", "dkim",
			"spf", "reason" };
		const char *ip = arg(c, "ip");
		const struct ik_sum_domain *d;
		if (domain == NULL || ip == NULL)
			return 400;
		so.max_sources = 100000;
		if (ik_summary_build(sv->store, &so, &sum) != INKAN_OK)
			return 500;
		st = ik_owner_source_records(sv->store, domain, ip, 0, 1000,
			&r);
		if (st != INKAN_OK) {
			ik_summary_free(sv->cli->ctx, &sum);
			return 500;
		}
		d = pick(&sum, domain);
		if (json) {
			res_json(o, &r, cols);
		} else {
			report_html_head(o, "Source", 1);
			for (size_t j = 0; d && j < d->nsrc; j++)
				if (strcmp(d->src[j].ip, ip) == 0) {
					struct ik_sum_domain one = *d;
					one.src = &d->src[j];
					one.nsrc = 1;
					report_render_source_table(o, &one, 1, 0);
				}
			fputs("<h2>Records</h2>\n", o);
			res_table(o, &r, cols);
			report_html_foot(o);
		}
		ik_report_res_free(&r);
		ik_summary_free(sv->cli->ctx, &sum);
		return 200;
	}
	if (strcmp(path, "/failures") == 0) {
		static const char *const cols[] = { "id", "reporter",
			"reported_domain", "source_ip", "arrival_date",
			"auth_failure", "orig_from", "orig_subject", "has_arf" };
		if (ik_owner_failures(sv->store, domain, 1000, &r) != INKAN_OK)
			return 500;
		if (json) {
			res_json(o, &r, cols);
		} else {
			report_html_head(o, "Failure reports", 1);
			res_table(o, &r, cols);
			report_html_foot(o);
		}
		ik_report_res_free(&r);
		return 200;
	}
	if (strcmp(path, "/reports") == 0) {
		static const char *const cols[] = { "id", "org_name",
			"report_id", "begin", "end", "policy_domain", "records",
			"messages", "origin" };
		if (ik_owner_reports(sv->store, domain, 0, 5000, &r) !=
		    INKAN_OK)
			return 500;
		if (json) {
			res_json(o, &r, cols);
		} else {
			report_html_head(o, "Reports", 1);
			fputs("<table class=\"reports\"><tr><th>reporter</th>"
				"<th>report ID</th><th>begin</th><th>domain</th>"
				"<th class=\"n\">records</th><th class=\"n\">"
				"messages</th><th>raw</th></tr>\n", o);
			for (size_t i = 0; i < r.nrows; i++) {
				char date[32];
				time_t t = (time_t)strtoll(ik_report_res_get(&r,
					i, 3), NULL, 10);
				struct tm tm;
				gmtime_r(&t, &tm);
				strftime(date, sizeof(date), "%Y-%m-%d %H:%M",
					&tm);
				fputs("<tr><td>", o);
				report_html_esc(o, ik_report_res_get(&r, i, 1));
				fputs("</td><td>", o);
				report_html_esc(o, ik_report_res_get(&r, i, 2));
				fprintf(o, "</td><td>%s</td><td>", date);
				report_html_esc(o, ik_report_res_get(&r, i, 5));
				fprintf(o, "</td><td class=\"n\">%s</td><td "
					"class=\"n\">%s</td><td><a href=\"/raw?"
					"id=%s\">XML</a></td></tr>\n",
					ik_report_res_get(&r, i, 6),
					ik_report_res_get(&r, i, 7),
					ik_report_res_get(&r, i, 0));
			}
			fputs("</table>\n", o);
			report_html_foot(o);
		}
		ik_report_res_free(&r);
		return 200;
	}
	if (strcmp(path, "/raw") == 0 && !json) {
		const char *id = arg(c, "id");
		char *end;
		long long v;
		ik_buf x;
		if (id == NULL || (v = strtoll(id, &end, 10)) <= 0 || *end)
			return 400;
		ik_buf_init(&x, sv->cli->ctx, 512u << 20);
		st = ik_owner_raw(sv->store, v, 512u << 20, &x);
		if (st == INKAN_OK)
			fwrite(x.data ? x.data : "", 1, x.len, o);
		ik_buf_free(&x);
		*type = "text/plain; charset=utf-8";
		return st == INKAN_OK ? 200 : st == INKAN_ERR_NOT_FOUND ? 404 :
			500;
	}
	return 404;
}

static enum MHD_Result
handle(void *cls, struct MHD_Connection *c, const char *url,
	const char *method, const char *version, const char *upload,
	size_t *upload_size, void **state)
{
	struct serve *sv = cls;
	char *body = NULL;
	size_t len = 0;
	const char *type = "text/plain";
	FILE *o;
	int status;

	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
		const char *m = "read-only: GET and HEAD only\n";
		return send_buf(c, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain",
			strdup(m), strlen(m));
	}
	if ((o = open_memstream(&body, &len)) == NULL)
		return MHD_NO;
	status = page(sv, c, url, o, &type);
	fclose(o);
	if (status != 200) {
		free(body);
		char msg[64];
		snprintf(msg, sizeof(msg), "%d\n", status);
		return send_buf(c, (unsigned)status, "text/plain", strdup(msg),
			strlen(msg));
	}
	return send_buf(c, MHD_HTTP_OK, type, body, len);
}

static int
parse_listen(const char *s, struct sockaddr_storage *ss, socklen_t *sl)
{
	char host[128];
	const char *colon = strrchr(s, ':');
	long port;
	char *end;

	if (colon == NULL || (size_t)(colon - s) >= sizeof(host))
		return 0;
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = '\0';
	port = strtol(colon + 1, &end, 10);
	if (*end != '\0' || port < 0 || port > 65535)
		return 0;
	memset(ss, 0, sizeof(*ss));
	if (host[0] == '[') {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
		size_t hl = strlen(host);
		if (hl < 3 || host[hl - 1] != ']')
			return 0;
		host[hl - 1] = '\0';
		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)port);
		*sl = sizeof(*a);
		return inet_pton(AF_INET6, host + 1, &a->sin6_addr) == 1;
	}
	struct sockaddr_in *a = (struct sockaddr_in *)ss;
	a->sin_family = AF_INET;
	a->sin_port = htons((uint16_t)port);
	*sl = sizeof(*a);
	return inet_pton(AF_INET, host, &a->sin_addr) == 1;
}

int
cmd_report_serve(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		REPORT_VIEW_OPTIONS,
		{ "listen", required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 }
	};
	struct report_view_args a;
	struct serve sv;
	struct sockaddr_storage ss;
	socklen_t sl;
	const char *listen = "127.0.0.1:8025";
	struct MHD_Daemon *d;
	const union MHD_DaemonInfo *info;
	sigset_t set;
	int c, rc = CLI_OK, sig;

	memset(&a, 0, sizeof(a));
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (report_view_option(cli, c, optarg, &a, &rc)) {
			if (rc != CLI_OK)
				return rc;
			continue;
		}
		if (c == 'l') {
			listen = optarg;
			continue;
		}
		cli_usage(cli, stderr);
		return CLI_USAGE;
	}
	if (cli->help) {
		cli_usage(cli, stdout);
		return CLI_OK;
	}
	if (!parse_listen(listen, &ss, &sl)) {
		cli_error(cli, "--listen ADDR:PORT (127.0.0.1:8025, "
			"[::1]:8025)");
		return CLI_USAGE;
	}
	memset(&sv, 0, sizeof(sv));
	sv.cli = cli;
	sv.args = &a;
	if ((rc = report_open_store(cli, a.db, &sv.store)) != CLI_OK)
		return rc;
	/* block the stop signals before MHD starts its thread, so they
	 * come to sigwait below */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD |
		(ss.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0), 0, NULL, NULL,
		handle, &sv, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)64,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30, MHD_OPTION_END);
	if (d == NULL) {
		cli_error(cli, "cannot listen on %s", listen);
		inkan_report_store_close(sv.store);
		return CLI_TEMPFAIL;
	}
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	fprintf(cli->out, "serving http://%.*s:%u/ (read-only)\n",
		(int)(strrchr(listen, ':') - listen), listen,
		info ? info->port : 0);
	fflush(cli->out);
	sigwait(&set, &sig);
	MHD_stop_daemon(d);
	inkan_report_store_close(sv.store);
	return CLI_OK;
}
