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

#include <microhttpd.h>
#include <inkan/json.h>

#include "cli.h"
#include "cli_opt.h"
#include "cmd_report.h"

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

/* the library's JSON emitter, writing into the page's memory stream */
static int
write_file(void *arg, const char *data, size_t len)
{
	return fwrite(data, 1, len, arg) == len ? 0 : -1;
}

static inkan_json *
json_on(struct serve *sv, FILE *o)
{
	inkan_json *j = NULL;

	if (inkan_json_new(sv->cli->ctx, write_file, o, &j) != INKAN_OK)
		return NULL;
	return j;
}

/* a result set as a JSON array of objects named by @cols */
static void
res_json(struct serve *sv, FILE *o, const inkan_report_table *r,
	const char *const *cols)
{
	inkan_json *j = json_on(sv, o);

	if (j == NULL)
		return;
	inkan_json_array_begin(j);
	for (size_t i = 0; i < inkan_report_table_rows(r); i++) {
		inkan_json_object_begin(j);
		for (size_t k = 0; k < inkan_report_table_cols(r); k++)
			inkan_json_member_cstr(j, cols[k],
				inkan_report_table_get(r, i, k));
		inkan_json_object_end(j);
	}
	inkan_json_array_end(j);
	(void)inkan_json_finish(j);
	inkan_json_free(j);
}

static void
res_table(FILE *o, const inkan_report_table *r, const char *const *cols)
{
	fputs("<table><tr>", o);
	for (size_t j = 0; j < inkan_report_table_cols(r); j++) {
		fputs("<th>", o);
		report_html_esc(o, cols[j]);
		fputs("</th>", o);
	}
	fputs("</tr>\n", o);
	for (size_t i = 0; i < inkan_report_table_rows(r); i++) {
		fputs("<tr>", o);
		for (size_t j = 0; j < inkan_report_table_cols(r); j++) {
			fputs("<td>", o);
			report_html_esc(o, inkan_report_table_get(r, i, j));
			fputs("</td>", o);
		}
		fputs("</tr>\n", o);
	}
	fputs("</table>\n", o);
}

static const inkan_report_sum_domain *
pick(const inkan_report_summary *sum, const char *domain)
{
	for (size_t i = 0; i < sum->nd; i++)
		if (domain == NULL || strcmp(sum->d[i].domain, domain) == 0)
			return &sum->d[i];
	return NULL;
}

/* overview, sources, reporters: from the summary */
static int
page_summary(struct serve *sv, struct MHD_Connection *c, FILE *o,
	const char *path, int json, const char **type,
	inkan_report_sum_opts *so, const char *domain)
{
	inkan_report_summary sum;

	so->max_sources = strcmp(path, "/sources") == 0 ? 10000 : 50;
	if (inkan_report_summary_build(sv->store, so, &sum) != INKAN_OK)
		return 500;
	if (json) {
		inkan_json *j = json_on(sv, o);
		if (j != NULL) {
			report_summary_json(j, &sum);
			(void)inkan_json_finish(j);
			inkan_json_free(j);
		}
	} else if (path[1] == '\0' || path[1] == 'o') {
		report_render_overview(o, &sum, 1);
	} else {
		const inkan_report_sum_domain *d;
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
	inkan_report_summary_free(sv->cli->ctx, &sum);
	return 200;
}

/* one source: its row in the summary and its records */
static int
page_source(struct serve *sv, struct MHD_Connection *c, FILE *o,
	const char *path, int json, const char **type,
	inkan_report_sum_opts *so, const char *domain)
{
	inkan_report_summary sum;
	inkan_report_table *r = NULL;
	inkan_status st = INKAN_OK;

	static const char *const cols[] = { "report", "reporter",
		"begin", "count", "disposition", "dkim_eval",
		"spf_eval", "header_from", "envelope_from", "dkim",
		"spf", "reason" };
	const char *ip = arg(c, "ip");
	const inkan_report_sum_domain *d;
	if (domain == NULL || ip == NULL)
		return 400;
	so->max_sources = 100000;
	if (inkan_report_summary_build(sv->store, so, &sum) != INKAN_OK)
		return 500;
	st = inkan_report_list_source(sv->store, domain, ip, 0, 1000,
		&r);
	if (st != INKAN_OK) {
		inkan_report_summary_free(sv->cli->ctx, &sum);
		return 500;
	}
	d = pick(&sum, domain);
	if (json) {
		res_json(sv, o, r, cols);
	} else {
		report_html_head(o, "Source", 1);
		for (size_t j = 0; d && j < d->nsrc; j++)
			if (strcmp(d->src[j].ip, ip) == 0) {
				inkan_report_sum_domain one = *d;
				one.src = &d->src[j];
				one.nsrc = 1;
				report_render_source_table(o, &one, 1, 0);
			}
		fputs("<h2>Records</h2>\n", o);
		res_table(o, r, cols);
		report_html_foot(o);
	}
	inkan_report_table_free(r);
	inkan_report_summary_free(sv->cli->ctx, &sum);
	return 200;
}

/* failure reports */
static int
page_failures(struct serve *sv, struct MHD_Connection *c, FILE *o,
	const char *path, int json, const char **type,
	inkan_report_sum_opts *so, const char *domain)
{
	inkan_report_table *r = NULL;

	static const char *const cols[] = { "id", "reporter",
		"reported_domain", "source_ip", "arrival_date",
		"auth_failure", "orig_from", "orig_subject", "has_arf" };
	if (inkan_report_list_failures(sv->store, domain, 1000, &r) !=
	    INKAN_OK)
		return 500;
	if (json) {
		res_json(sv, o, r, cols);
	} else {
		report_html_head(o, "Failure reports", 1);
		res_table(o, r, cols);
		report_html_foot(o);
	}
	inkan_report_table_free(r);
	return 200;
}

/* received reports, each linking its raw XML */
static int
page_reports(struct serve *sv, struct MHD_Connection *c, FILE *o,
	const char *path, int json, const char **type,
	inkan_report_sum_opts *so, const char *domain)
{
	inkan_report_table *r = NULL;

	static const char *const cols[] = { "id", "org_name",
		"report_id", "begin", "end", "policy_domain", "records",
		"messages", "origin" };
	if (inkan_report_list_reports(sv->store, domain, 0, 5000, &r) !=
	    INKAN_OK)
		return 500;
	if (json) {
		res_json(sv, o, r, cols);
	} else {
		report_html_head(o, "Reports", 1);
		fputs("<table class=\"reports\"><tr><th>reporter</th>"
			"<th>report ID</th><th>begin</th><th>domain</th>"
			"<th class=\"n\">records</th><th class=\"n\">"
			"messages</th><th>raw</th></tr>\n", o);
		for (size_t i = 0; i < inkan_report_table_rows(r); i++) {
			char date[32];
			time_t t = (time_t)strtoll(inkan_report_table_get(r,
				i, 3), NULL, 10);
			struct tm tm;
			gmtime_r(&t, &tm);
			strftime(date, sizeof(date), "%Y-%m-%d %H:%M",
				&tm);
			fputs("<tr><td>", o);
			report_html_esc(o, inkan_report_table_get(r, i, 1));
			fputs("</td><td>", o);
			report_html_esc(o, inkan_report_table_get(r, i, 2));
			fprintf(o, "</td><td>%s</td><td>", date);
			report_html_esc(o, inkan_report_table_get(r, i, 5));
			fprintf(o, "</td><td class=\"n\">%s</td><td "
				"class=\"n\">%s</td><td><a href=\"/raw?"
				"id=%s\">XML</a></td></tr>\n",
				inkan_report_table_get(r, i, 6),
				inkan_report_table_get(r, i, 7),
				inkan_report_table_get(r, i, 0));
		}
		fputs("</table>\n", o);
		report_html_foot(o);
	}
	inkan_report_table_free(r);
	return 200;
}

/* a report as received: text/plain, the reporter's bytes */
static int
page_raw(struct serve *sv, struct MHD_Connection *c, FILE *o,
	const char *path, int json, const char **type,
	inkan_report_sum_opts *so, const char *domain)
{
	inkan_status st;

	if (json)
		return 404;
	const char *id = arg(c, "id");
	char *end;
	long long v;
	char *x;
	size_t xl;
	if (id == NULL || (v = strtoll(id, &end, 10)) <= 0 || *end)
		return 400;
	st = inkan_report_raw(sv->store, v, 512u << 20, &x, &xl);
	if (st == INKAN_OK)
		fwrite(x, 1, xl, o);
	inkan_report_raw_free(sv->store, x);
	*type = "text/plain; charset=utf-8";
	return st == INKAN_OK ? 200 : st == INKAN_ERR_NOT_FOUND ? 404 :
		500;
}

static int
page(struct serve *sv, struct MHD_Connection *c, const char *url,
	FILE *o, const char **type)
{
	char path[64];
	int json;
	size_t n = strlen(url);
	inkan_report_sum_opts so;
	const char *domain = arg(c, "domain");
	static const struct {
		const char *path;
		int (*fn)(struct serve *, struct MHD_Connection *, FILE *,
			const char *, int, const char **,
			inkan_report_sum_opts *, const char *);
	} pages[] = {
		{ "/", page_summary }, { "/overview", page_summary },
		{ "/sources", page_summary }, { "/reporters", page_summary },
		{ "/source", page_source }, { "/failures", page_failures },
		{ "/reports", page_reports }, { "/raw", page_raw },
	};

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

	for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++)
		if (strcmp(path, pages[i].path) == 0)
			return pages[i].fn(sv, c, o, path, json, type, &so,
				domain);
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

enum { O_LISTEN = 1 };

static const struct cli_opt serve_opts[] = {
	REPORT_VIEW_OPTIONS,
	{ "listen", 0, O_LISTEN, CLI_ARG_STRING, "ADDR:PORT", 0, 0,
	  "where to listen (default 127.0.0.1:8025; port 0: any free)" },
	{ NULL, 0, 0, CLI_ARG_NONE, NULL, 0, 0, NULL }
};

static int
cmd_report_serve(struct cli *cli, int argc, char **argv)
{
	struct cli_args ca;
	struct report_view_args a;
	struct serve sv;
	struct sockaddr_storage ss;
	socklen_t sl;
	const char *listen = "127.0.0.1:8025";
	struct MHD_Daemon *d;
	const union MHD_DaemonInfo *info;
	sigset_t set;
	int id, rc = CLI_OK, sig;

	memset(&a, 0, sizeof(a));
	cli_args_init(&ca, cli, argc, argv);
	while ((id = cli_opt_next(&ca)) > 0) {
		if (report_view_option(cli, id, ca.val, &a, &rc))
			continue;
		if (id == O_LISTEN)
			listen = ca.val;
	}
	if (id < 0)
		return cli_args_end(&ca);
	cli_args_free(&ca);
	if (rc != CLI_OK)
		return rc;
	if (!parse_listen(listen, &ss, &sl))
		return cli_usage_error(cli, "bad-value", "--listen ADDR:PORT "
			"(127.0.0.1:8025, [::1]:8025)");
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
	fflush(cli->raw_out);	/* the filter does not pass the flush on */
	sigwait(&set, &sig);
	MHD_stop_daemon(d);
	inkan_report_store_close(sv.store);
	return CLI_OK;
}

const struct cli_command cmd_report_serve_command = {
	"serve", "a read-only dashboard of the stored reports (HTTP, "
	"loopback by default)",
	"inkan report serve --db DB [--listen 127.0.0.1:8025]", serve_opts,
	"Pages: / (overview), /sources, /source?domain=D&ip=IP, /reporters, "
	"/failures,\n/reports (with /raw?id=N); each also as .json. Stops on "
	"SIGINT or SIGTERM.",
	cmd_report_serve, NULL
};
