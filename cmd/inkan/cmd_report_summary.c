/* SPDX-License-Identifier: MIT */
/*
 * cmd_report_summary.c - `inkan report summary`: the answers a domain
 * owner wants from the reports, per domain and period, and a check for
 * cron or CI (--check: exit 1 under --min-pass-rate or when a failing
 * source appears that was never seen before the period).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "cmd_report.h"

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
print_text(FILE *o, const struct ik_summary *sum)
{
	char a[16], b[16];

	if (sum->nd == 0)
		fputs("no aggregate reports stored for this period\n", o);
	for (size_t i = 0; i < sum->nd; i++) {
		const struct ik_sum_domain *d = &sum->d[i];
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
		for (int c = 0; c < IK_SRC__COUNT; c++)
			if (d->class_msgs[c])
				fprintf(o, " %s %.1f%% (pass %.0f%%)",
					ik_src_class_name(c),
					pct(d->class_msgs[c], d->msgs),
					pct(d->class_pass[c], d->class_msgs[c]));
		fprintf(o, "\n  verdict: %s\n  top sources:\n", d->verdict);
		for (size_t j = 0; j < d->nsrc && j < 10; j++) {
			const struct ik_sum_source *s = &d->src[j];
			fprintf(o, "    %-39s %8llu msgs  pass %5.1f%%  %-9s %s%s%s"
				"\n", s->ip, (unsigned long long)s->msgs,
				pct(s->pass, s->msgs), ik_src_class_name(s->cls),
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

int
cmd_report_summary(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		REPORT_VIEW_OPTIONS,
		{ "check", no_argument, NULL, 'c' },
		{ "min-pass-rate", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	struct report_view_args a;
	inkan_report_store *store = NULL;
	struct ik_summary sum;
	int c, rc = CLI_OK, check = 0;
	double min_rate = -1;

	memset(&a, 0, sizeof(a));
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (report_view_option(cli, c, optarg, &a, &rc)) {
			if (rc != CLI_OK)
				return rc;
			continue;
		}
		switch (c) {
		case 'c': check = 1; break;
		case 'r':
			if (!parse_rate(optarg, &min_rate)) {
				cli_error(cli, "--min-pass-rate: a percentage "
					"(95, 95%%, 0.95)");
				return CLI_USAGE;
			}
			break;
		default:
			cli_usage(cli, stderr);
			return CLI_USAGE;
		}
	}
	if (cli->help) {
		cli_usage(cli, stdout);
		return CLI_OK;
	}
	if (optind < argc) {
		cli_error(cli, "unexpected argument '%s'", argv[optind]);
		return CLI_USAGE;
	}
	if ((rc = report_view_build(cli, &a, &store, &sum)) != CLI_OK) {
		report_view_done(cli, &a, store, &sum);
		return rc;
	}
	if (cli->json)
		report_summary_json(cli->out, &sum);
	else
		print_text(cli->out, &sum);
	if (check) {
		for (size_t i = 0; i < sum.nd; i++) {
			const struct ik_sum_domain *d = &sum.d[i];
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
	return rc;
}
