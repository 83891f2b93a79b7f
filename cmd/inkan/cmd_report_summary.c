/* SPDX-License-Identifier: MIT */
/*
 * cmd_report_summary.c - `inkan report summary`: the answers a domain
 * owner wants from the reports, per domain and period, and a check for
 * cron or CI (--check: exit 1 under --min-pass-rate or when a failing
 * source appears that was never seen before the period).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "cli_opt.h"
#include "cmd_report.h"
#include <inkan/json.h>

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

static void
print_text(FILE *o, const inkan_report_summary *sum)
{
	char a[16], b[16];

	if (sum->nd == 0)
		fputs("no aggregate reports stored for this period\n", o);
	for (size_t i = 0; i < sum->nd; i++) {
		const inkan_report_sum_domain *d = &sum->d[i];
		day(d->first, a, sizeof(a));
		day(d->last, b, sizeof(b));
		fprintf(o, "%s%s (p=%s; %llu report%s, %s to %s)\n", i ? "\n" :
			"", d->domain, *d->p ? d->p : "?",
			(unsigned long long)d->reports, d->reports == 1 ? "" :
			"s", a, b);
		fprintf(o, "  volume:        %llu messages\n",
			(unsigned long long)d->msgs);
		fprintf(o, "  DMARC pass:    %.1f%% (%llu)\n", pct(d->pass,
			d->msgs), (unsigned long long)d->pass);
		fprintf(o, "  SPF aligned:   %.1f%%\n", pct(d->spf_aligned,
			d->msgs));
		fprintf(o, "  DKIM aligned:  %.1f%%\n", pct(d->dkim_aligned,
			d->msgs));
		fputs("  by source class:", o);
		for (int c = 0; c < INKAN_REPORT_SRC__COUNT; c++)
			if (d->class_msgs[c])
				fprintf(o, " %s %.1f%% (pass %.0f%%)",
					inkan_report_src_class_name(c),
					pct(d->class_msgs[c], d->msgs),
					pct(d->class_pass[c], d->class_msgs[c]));
		fprintf(o, "\n  verdict: %s\n  top sources:\n", d->verdict);
		for (size_t j = 0; j < d->nsrc && j < 10; j++) {
			const inkan_report_sum_source *s = &d->src[j];
			fprintf(o, "    %-39s %8llu msgs  pass %5.1f%%  %-9s %s%s%s"
				"\n", s->ip, (unsigned long long)s->msgs,
				pct(s->pass, s->msgs), inkan_report_src_class_name(s->cls),
				s->evidence, *s->ptr ? "; PTR " : "",
				s->ptr);
			if (*s->why)
				fprintf(o, "      %s\n      fix: %s\n", s->why,
					s->fix);
		}
	}
}

static int
parse_rate(const char *s, double *out)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || (*end != '\0' && strcmp(end, "%") != 0) || v < 0 ||
	    v > 100)
		return 0;
	/* 0.95 and 95 both mean 95% */
	*out = v <= 1.0 && *end == '\0' && strchr(s, '.') ? v * 100 : v;
	return 1;
}

/* Prometheus text exposition format: label values escape \\, " and LF */
static void
prom_label(FILE *o, const char *v)
{
	for (; *v != '\0'; v++) {
		if (*v == '\\' || *v == '"')
			fputc('\\', o);
		if (*v == '\n')
			fputs("\\n", o);
		else
			fputc(*v, o);
	}
}

static void
print_prometheus(FILE *o, const inkan_report_summary *sum)
{
	static const struct { const char *name, *help; } m[] = {
		{ "inkan_dmarc_reports", "aggregate reports received" },
		{ "inkan_dmarc_messages", "messages the reports cover" },
		{ "inkan_dmarc_pass", "messages that passed DMARC" },
		{ "inkan_dmarc_spf_aligned", "messages with aligned SPF" },
		{ "inkan_dmarc_dkim_aligned", "messages with aligned DKIM" },
	};

	for (size_t k = 0; k < sizeof(m) / sizeof(m[0]); k++) {
		fprintf(o, "# HELP %s %s\n# TYPE %s gauge\n", m[k].name,
			m[k].help, m[k].name);
		for (size_t i = 0; i < sum->nd; i++) {
			const inkan_report_sum_domain *d = &sum->d[i];
			uint64_t v[] = { d->reports, d->msgs, d->pass,
				d->spf_aligned, d->dkim_aligned };
			fprintf(o, "%s{domain=\"", m[k].name);
			prom_label(o, d->domain);
			fprintf(o, "\"} %llu\n", (unsigned long long)v[k]);
		}
	}
	fputs("# HELP inkan_dmarc_class_messages messages by source class\n"
		"# TYPE inkan_dmarc_class_messages gauge\n", o);
	for (size_t i = 0; i < sum->nd; i++)
		for (int c = 0; c < INKAN_REPORT_SRC__COUNT; c++) {
			fputs("inkan_dmarc_class_messages{domain=\"", o);
			prom_label(o, sum->d[i].domain);
			fprintf(o, "\",class=\"%s\"} %llu\n",
				inkan_report_src_class_name(c),
				(unsigned long long)sum->d[i].class_msgs[c]);
		}
}

enum { O_CHECK = 1, O_MIN_RATE, O_PROMETHEUS };

static const struct cli_opt summary_opts[] = {
	REPORT_VIEW_OPTIONS,
	{ "check", 0, O_CHECK, CLI_ARG_NONE, NULL, 0, 0,
	  "exit 1 under --min-pass-rate or on a new failing source" },
	{ "min-pass-rate", 0, O_MIN_RATE, CLI_ARG_STRING, "PCT", 0, 0,
	  "the lowest DMARC pass rate --check accepts (95, 95%, 0.95)" },
	{ "prometheus", 0, O_PROMETHEUS, CLI_ARG_NONE, NULL, 0, 0,
	  "per-domain counters in the Prometheus text format" },
	{ NULL, 0, 0, CLI_ARG_NONE, NULL, 0, 0, NULL }
};

static int
cmd_report_summary(struct cli *cli, int argc, char **argv)
{
	struct cli_args ca;
	struct report_view_args a;
	inkan_report_store *store = NULL;
	inkan_report_summary sum;
	int id, rc = CLI_OK, check = 0, prom = 0;
	double min_rate = -1;

	memset(&a, 0, sizeof(a));
	cli_args_init(&ca, cli, argc, argv);
	while ((id = cli_opt_next(&ca)) > 0) {
		if (report_view_option(cli, id, ca.val, &a, &rc))
			continue;
		switch (id) {
		case O_CHECK: check = 1; break;
		case O_PROMETHEUS: prom = 1; break;
		case O_MIN_RATE:
			if (!parse_rate(ca.val, &min_rate))
				rc = cli_usage_error(cli, "bad-value",
					"--min-pass-rate: a percentage (95, "
					"95%%, 0.95)");
			break;
		}
	}
	if (id < 0)
		return cli_args_end(&ca);
	if (rc == CLI_OK && ca.pos.n > 0)
		rc = cli_usage_error(cli, "extra-operand", "unexpected operand "
			"'%s'", ca.pos.v[0]);
	if (rc != CLI_OK) {
		cli_args_free(&ca);
		return rc;
	}
	if ((rc = report_view_build(cli, &a, &store, &sum)) != CLI_OK) {
		report_view_done(cli, &a, store, &sum);
		cli_args_free(&ca);
		return rc;
	}
	if (prom) {
		print_prometheus(cli->out, &sum);
	} else if (cli->json) {
		inkan_json *j = cli_json_new(cli);
		if (j == NULL) {
			rc = CLI_INTERNAL;
		} else {
			report_summary_json(j, &sum);
			if (cli_json_finish(cli, j) != CLI_OK)
				rc = CLI_INTERNAL;
			inkan_json_free(j);
		}
	} else {
		print_text(cli->out, &sum);
	}
	if (check) {
		for (size_t i = 0; i < sum.nd; i++) {
			const inkan_report_sum_domain *d = &sum.d[i];
			if (min_rate >= 0 && pct(d->pass, d->msgs) < min_rate) {
				fprintf(cli->err, "check: %s: DMARC pass rate "
					"%.2f%% is below %.2f%%\n", d->domain,
					pct(d->pass, d->msgs), min_rate);
				rc = CLI_VERDICT_FAIL;
			}
			for (size_t j = 0; j < d->nsrc; j++)
				if (d->src[j].new_failing) {
					fprintf(cli->err, "check: %s: new failing"
						" source %s (%s)\n", d->domain,
						d->src[j].ip, d->src[j].why);
					rc = CLI_VERDICT_FAIL;
				}
		}
	}
	report_view_done(cli, &a, store, &sum);
	cli_args_free(&ca);
	return rc;
}

const struct cli_command cmd_report_summary_command = {
	"summary", "per domain: volume, pass rates, sources, what fails and "
	"why, the roll-out verdict",
	"inkan report summary --db DB [--domain D] [--since WHEN] "
	"[--check --min-pass-rate PCT]", summary_opts,
	"Sources are classed as own (--own, --state, your SPF, a PTR in "
	"your domain),\nprovider (known services by confirmed PTR or "
	"SPF/DKIM domain), forwarder\n(SPF fails, your DKIM passes) or "
	"unknown, with the evidence. The verdict\nsays whether the next "
	"policy step (quarantine, then reject) is safe.",
	cmd_report_summary, NULL
};
