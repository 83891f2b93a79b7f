/* SPDX-License-Identifier: MIT */
/*
 * cmd_report_html.c - the dashboard's pages as HTML, and
 * `inkan report html --out FILE`, which writes the overview as one
 * self-contained file (inline CSS and SVG, no script, nothing fetched).
 *
 * Charts are SVG drawn here: no chart library, no CDN, so the pages work
 * offline and the file can be archived or attached. Every string from a
 * report is escaped; reporters control those bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "cli_opt.h"
#include "cmd_report.h"

void
report_html_esc(FILE *o, const char *s)
{
	for (; s != NULL && *s != '\0'; s++) {
		switch (*s) {
		case '<': fputs("&lt;", o); break;
		case '>': fputs("&gt;", o); break;
		case '&': fputs("&amp;", o); break;
		case '"': fputs("&quot;", o); break;
		case '\'': fputs("&#39;", o); break;
		default: fputc(*s, o);
		}
	}
}

/* for query strings in links: RFC 3986 unreserved stays, the rest %XX */
void
report_url_esc(FILE *o, const char *s)
{
	for (; s != NULL && *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '_' || c == '~' || c == ':')
			fputc(c, o);
		else
			fprintf(o, "%%%02X", c);
	}
}

static double
pct(uint64_t a, uint64_t b)
{
	return b ? 100.0 * (double)a / (double)b : 0.0;
}

static void
day(int64_t t, char *buf, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(buf, n, "%Y-%m-%d", &tm);
}

void
report_html_head(FILE *o, const char *title, int nav)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
		"<title>", o);
	report_html_esc(o, title);
	fputs("</title><style>"
		"body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}"
		"h1{font-size:1.4em}h2{font-size:1.2em;margin-top:1.5em}"
		"table{border-collapse:collapse;margin:.5em 0}"
		"td,th{border-bottom:1px solid #ddd;padding:3px 8px;"
		"text-align:left;vertical-align:top}"
		"td.n,th.n{text-align:right}"
		".ok{color:#176f2c}.bad{color:#b3261e}"
		".verdict{padding:.6em 1em;border-radius:6px;margin:.5em 0}"
		".verdict.ok{background:#e6f4ea}.verdict.bad{background:#fce8e6}"
		".card{display:inline-block;margin-right:2em}"
		".big{font-size:1.6em;font-weight:600}"
		"nav a{margin-right:1em}small{color:#666}"
		"</style></head><body>\n", o);
	if (nav)
		fputs("<nav><a href=\"/\">Overview</a><a href=\"/sources\">"
			"Sources</a><a href=\"/reporters\">Reporters</a>"
			"<a href=\"/failures\">Failure reports</a>"
			"<a href=\"/reports\">Reports</a></nav>\n", o);
	fputs("<h1>", o);
	report_html_esc(o, title);
	fputs("</h1>\n", o);
}

void
report_html_foot(FILE *o)
{
	fputs("<p><small>inkan report &mdash; read-only</small></p>"
		"</body></html>\n", o);
}

/* DMARC pass and fail per day: stacked bars */
static void
svg_days(FILE *o, const inkan_report_sum_domain *d)
{
	const int W = 720, H = 180, pad = 30;
	uint64_t max = 1;
	double bw;

	for (size_t i = 0; i < d->ndays; i++)
		if (d->days[i].msgs > max)
			max = d->days[i].msgs;
	bw = d->ndays ? (double)(W - pad) / (double)d->ndays : 0;
	fprintf(o, "<svg class=\"chart-days\" width=\"%d\" height=\"%d\" "
		"viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"pass and fail "
		"per day\" xmlns=\"http://www.w3.org/2000/svg\">", W, H + 20, W,
		H + 20);
	fprintf(o, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
		"stroke=\"#999\"/>", pad, H, W, H);
	fprintf(o, "<text x=\"0\" y=\"12\" font-size=\"10\">%llu</text>",
		(unsigned long long)max);
	for (size_t i = 0; i < d->ndays; i++) {
		const inkan_report_sum_day *y = &d->days[i];
		double x = pad + bw * (double)i;
		double hp = (double)H * (double)y->pass / (double)max;
		double hf = (double)H * (double)(y->msgs - y->pass) /
			(double)max;
		char date[16];
		day(y->day, date, sizeof(date));
		fprintf(o, "<g><title>%s: %llu pass, %llu fail</title>"
			"<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\""
			" fill=\"#34a853\"/><rect x=\"%.1f\" y=\"%.1f\" width="
			"\"%.1f\" height=\"%.1f\" fill=\"#ea4335\"/></g>", date,
			(unsigned long long)y->pass,
			(unsigned long long)(y->msgs - y->pass), x, H - hp,
			bw > 2 ? bw - 1 : bw, hp, x, H - hp - hf,
			bw > 2 ? bw - 1 : bw, hf);
	}
	if (d->ndays > 0) {
		char a[16], b[16];
		day(d->days[0].day, a, sizeof(a));
		day(d->days[d->ndays - 1].day, b, sizeof(b));
		fprintf(o, "<text x=\"%d\" y=\"%d\" font-size=\"10\">%s</text>"
			"<text x=\"%d\" y=\"%d\" font-size=\"10\" text-anchor="
			"\"end\">%s</text>", pad, H + 14, a, W, H + 14, b);
	}
	fputs("</svg>\n", o);
}

/* volume by source class, one bar each, pass part darker */
static void
svg_classes(FILE *o, const inkan_report_sum_domain *d)
{
	const int W = 480, row = 22;
	static const char *const col[] = { "#1a73e8", "#9334e6", "#f29900",
		"#80868b" };

	fprintf(o, "<svg class=\"chart-classes\" width=\"%d\" height=\"%d\" "
		"xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label="
		"\"volume by source class\">", W, row * INKAN_REPORT_SRC__COUNT + 4);
	for (int c = 0; c < INKAN_REPORT_SRC__COUNT; c++) {
		double w = (W - 200) * pct(d->class_msgs[c], d->msgs) / 100.0;
		double wp = (W - 200) * pct(d->class_pass[c], d->msgs) / 100.0;
		fprintf(o, "<text x=\"0\" y=\"%d\" font-size=\"12\">%s</text>"
			"<rect x=\"80\" y=\"%d\" width=\"%.1f\" height=\"16\" "
			"fill=\"%s\" opacity=\"0.35\"/><rect x=\"80\" y=\"%d\" "
			"width=\"%.1f\" height=\"16\" fill=\"%s\"/>"
			"<text x=\"%.1f\" y=\"%d\" font-size=\"12\">%.1f%%</text>",
			c * row + 14, inkan_report_src_class_name(c), c * row + 2, w,
			col[c], c * row + 2, wp, col[c], 86 + w, c * row + 14,
			pct(d->class_msgs[c], d->msgs));
	}
	fputs("</svg>\n", o);
}

void
report_render_overview(FILE *o, const inkan_report_summary *sum, int links)
{
	report_html_head(o, "DMARC reports: overview", links);
	if (sum->nd == 0)
		fputs("<p>No aggregate reports stored yet.</p>\n", o);
	for (size_t i = 0; i < sum->nd; i++) {
		const inkan_report_sum_domain *d = &sum->d[i];
		char a[16], b[16];
		day(d->first, a, sizeof(a));
		day(d->last, b, sizeof(b));
		fputs("<section class=\"domain\" data-domain=\"", o);
		report_html_esc(o, d->domain);
		fputs("\"><h2>", o);
		report_html_esc(o, d->domain);
		fprintf(o, " <small>p=%s, %llu reports, %s to %s</small></h2>\n",
			*d->p ? d->p : "?", (unsigned long long)d->reports, a, b);
		fprintf(o, "<div class=\"verdict %s\">", d->ready ? "ok" : "bad");
		report_html_esc(o, d->verdict);
		fputs("</div>\n", o);
		fprintf(o, "<div class=\"card\"><div class=\"big volume\">%llu"
			"</div>messages</div>", (unsigned long long)d->msgs);
		fprintf(o, "<div class=\"card\"><div class=\"big pass-rate\">"
			"%.1f%%</div>DMARC pass</div>", pct(d->pass, d->msgs));
		fprintf(o, "<div class=\"card\"><div class=\"big spf-rate\">"
			"%.1f%%</div>SPF aligned</div>", pct(d->spf_aligned,
			d->msgs));
		fprintf(o, "<div class=\"card\"><div class=\"big dkim-rate\">"
			"%.1f%%</div>DKIM aligned</div>\n",
			pct(d->dkim_aligned, d->msgs));
		fputs("<h3>Pass (green) and fail (red) per day</h3>\n", o);
		svg_days(o, d);
		fputs("<h3>Volume by source class</h3>\n", o);
		svg_classes(o, d);
		fputs("<h3>Top sources</h3>\n", o);
		report_render_source_table(o, d, 10, links);
		fputs("</section>\n", o);
	}
	report_html_foot(o);
}

void
report_render_source_table(FILE *o, const inkan_report_sum_domain *d,
	size_t max, int links)
{
	fputs("<table class=\"sources\"><tr><th>source</th><th>PTR</th>"
		"<th>class</th><th class=\"n\">messages</th><th class=\"n\">"
		"pass</th><th>what fails, and the fix</th></tr>\n", o);
	for (size_t j = 0; j < d->nsrc && j < max; j++) {
		const inkan_report_sum_source *s = &d->src[j];
		fputs("<tr><td>", o);
		if (links) {
			fputs("<a href=\"/source?domain=", o);
			report_url_esc(o, d->domain);
			fputs("&amp;ip=", o);
			report_url_esc(o, s->ip);
			fputs("\">", o);
		}
		report_html_esc(o, s->ip);
		fputs(links ? "</a></td><td>" : "</td><td>", o);
		report_html_esc(o, s->ptr);
		if (*s->ptr && !s->ptr_confirmed)
			fputs(" <small>(unconfirmed)</small>", o);
		fprintf(o, "</td><td title=\"");
		report_html_esc(o, s->evidence);
		fprintf(o, "\">%s<br><small>", inkan_report_src_class_name(s->cls));
		report_html_esc(o, s->evidence);
		fprintf(o, "</small></td><td class=\"n\">%llu</td><td class=\"n "
			"%s\">%.1f%%</td><td>", (unsigned long long)s->msgs,
			s->pass == s->msgs ? "ok" : "bad", pct(s->pass, s->msgs));
		report_html_esc(o, s->why);
		if (*s->fix) {
			fputs("<br><small>fix: ", o);
			report_html_esc(o, s->fix);
			fputs("</small>", o);
		}
		fputs("</td></tr>\n", o);
	}
	fputs("</table>\n", o);
}

enum { O_OUT = 1 };

static const struct cli_opt html_opts[] = {
	REPORT_VIEW_OPTIONS,
	{ "out", 'o', O_OUT, CLI_ARG_STRING, "FILE", 0, 0,
	  "write the overview here (- for stdout)" },
	{ NULL, 0, 0, CLI_ARG_NONE, NULL, 0, 0, NULL }
};

static int
cmd_report_html(struct cli *cli, int argc, char **argv)
{
	struct cli_args ca;
	struct report_view_args a;
	inkan_report_store *store = NULL;
	inkan_report_summary sum;
	const char *out = NULL;
	int id, rc = CLI_OK;
	FILE *f;

	memset(&a, 0, sizeof(a));
	cli_args_init(&ca, cli, argc, argv);
	while ((id = cli_opt_next(&ca)) > 0) {
		if (report_view_option(cli, id, ca.val, &a, &rc))
			continue;
		if (id == O_OUT)
			out = ca.val;
	}
	if (id < 0)
		return cli_args_end(&ca);
	if (rc == CLI_OK && out == NULL)
		rc = cli_usage_error(cli, "missing-option", "--out FILE is "
			"required");
	if (rc != CLI_OK) {
		cli_args_free(&ca);
		return rc;
	}
	if ((rc = report_view_build(cli, &a, &store, &sum)) != CLI_OK) {
		report_view_done(cli, &a, store, &sum);
		cli_args_free(&ca);
		return rc;
	}
	f = strcmp(out, "-") == 0 ? cli->raw_out : fopen(out, "w");
	if (f == NULL) {
		cli_error(cli, "%s: cannot write", out);
		rc = CLI_INPUT;
	} else {
		report_render_overview(f, &sum, 0);
		if (f != cli->raw_out && fclose(f) != 0) {
			cli_error(cli, "%s: write failed", out);
			rc = CLI_INPUT;
		}
	}
	report_view_done(cli, &a, store, &sum);
	cli_args_free(&ca);
	return rc;
}

const struct cli_command cmd_report_html_command = {
	"html", "write the dashboard's overview as one self-contained HTML "
	"file",
	"inkan report html --db DB --out FILE [--domain D] [--since WHEN]",
	html_opts,
	"Inline CSS and SVG; no script, nothing fetched: to attach or "
	"archive.",
	cmd_report_html, NULL
};
