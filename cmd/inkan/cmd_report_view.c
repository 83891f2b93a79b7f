/* SPDX-License-Identifier: MIT */
/*
 * cmd_report_view.c - what `report summary`, `serve` and `html` share:
 * the options that choose the data (--db, --domain, --since) and say what
 * is the owner's (--own NET, --state DIR of `inkan domain`), and the JSON
 * form of a summary.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd_report.h"

int
report_view_option(struct cli *cli, int c, const char *arg,
	struct report_view_args *a, int *rc)
{
	switch (c) {
	case 1001: a->db = arg; return 1;
	case 1002: a->domain = arg; return 1;
	case 1003: a->since = arg; return 1;
	case 1004:
		if (a->nown >= REPORT_MAX_NETS) {
			*rc = cli_usage_error(cli, "limit", "more than %d --own",
				REPORT_MAX_NETS);
		} else {
			a->own[a->nown++] = arg;
		}
		return 1;
	case 1005: a->state = arg; return 1;
	default: return 0;
	}
}

/* --since: seconds since the epoch, YYYY-MM-DD (UTC), or Nd / Nh before
 * the newest report in the store */
static int
parse_since(const char *s, int64_t newest, int64_t *out)
{
	char *end;
	long long v;
	int y, m, d;

	if (s == NULL) {
		*out = 0;
		return 1;
	}
	if (sscanf(s, "%4d-%2d-%2d", &y, &m, &d) == 3 && strlen(s) == 10 &&
	    m >= 1 && m <= 12 && d >= 1 && d <= 31) {
		/* days from the civil date (timegm is not POSIX) */
		int64_t yy = m <= 2 ? y - 1 : y;
		int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
		int64_t yoe = yy - era * 400;
		int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
		int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
		*out = (era * 146097 + doe - 719468) * 86400;
		return 1;
	}
	v = strtoll(s, &end, 10);
	if (end == s || v < 0)
		return 0;
	if (*end == '\0') {
		*out = v;
		return 1;
	}
	if ((*end == 'd' || *end == 'h') && end[1] == '\0') {
		*out = newest - v * (*end == 'd' ? 86400 : 3600);
		return 1;
	}
	return 0;
}

int
report_view_build(struct cli *cli, struct report_view_args *a,
	inkan_report_store **store, inkan_report_summary *sum)
{
	inkan_report_sum_opts o;
	inkan_status st;
	int rc;

	memset(&o, 0, sizeof(o));
	memset(sum, 0, sizeof(*sum));
	if (a->state != NULL) {
		char err[256] = "";
		st = inkan_domain_load(cli->ctx, a->state, &a->identity, err,
			sizeof(err));
		if (st != INKAN_OK) {
			cli_error(cli, "%s: %s", a->state, err[0] ? err :
				inkan_strerror(st));
			return CLI_INPUT;
		}
		const inkan_domain_view *v = inkan_domain_get_view(a->identity);
		for (size_t i = 0; i < v->nspf_ips && a->nown <
		    REPORT_MAX_NETS; i++)
			a->own[a->nown++] = v->spf_ips[i];
		for (size_t i = 0; i < v->nspf_includes && a->nincl <
		    REPORT_MAX_NETS; i++)
			a->incl[a->nincl++] = v->spf_includes[i];
	}
	if ((rc = report_open_store(cli, a->db, store)) != CLI_OK)
		return rc;
	if (!parse_since(a->since, inkan_report_newest(*store), &o.since)) {
		return cli_usage_error(cli, "bad-value", "--since: seconds "
			"since the epoch, YYYY-MM-DD, or Nd/Nh before the newest "
			"report");
	}
	o.domain = a->domain;
	o.own_nets = a->own;
	o.nown = a->nown;
	o.includes = a->incl;
	o.nincludes = a->nincl;
	st = inkan_report_summary_build(*store, &o, sum);
	if (st != INKAN_OK) {
		cli_error(cli, "reading the store: %s", inkan_strerror(st));
		return CLI_TEMPFAIL;
	}
	return CLI_OK;
}

void
report_view_done(struct cli *cli, struct report_view_args *a,
	inkan_report_store *store, inkan_report_summary *sum)
{
	inkan_report_summary_free(cli->ctx, sum);
	inkan_report_store_close(store);
	inkan_domain_free(a->identity);
	a->identity = NULL;
}

static void
jstr(FILE *to, const char *s)
{
	cli_json_string(to, s, strlen(s));
}

static double
rate(uint64_t a, uint64_t b)
{
	return b ? (double)a / (double)b : 0.0;
}

void
report_summary_json(FILE *to, const inkan_report_summary *sum)
{
	fputs("{\"domains\":[", to);
	for (size_t i = 0; i < sum->nd; i++) {
		const inkan_report_sum_domain *d = &sum->d[i];
		fprintf(to, "%s{\"domain\":", i ? "," : "");
		jstr(to, d->domain);
		fputs(",\"policy\":", to);
		jstr(to, d->p);
		fprintf(to, ",\"reports\":%llu,\"messages\":%llu,"
			"\"dmarc_pass\":%llu,\"spf_aligned\":%llu,"
			"\"dkim_aligned\":%llu,\"dmarc_pass_rate\":%.6f,"
			"\"spf_aligned_rate\":%.6f,\"dkim_aligned_rate\":%.6f,"
			"\"first\":%lld,\"last\":%lld,\"ready\":%s,"
			"\"new_failing_sources\":%zu,\"verdict\":",
			(unsigned long long)d->reports,
			(unsigned long long)d->msgs, (unsigned long long)d->pass,
			(unsigned long long)d->spf_aligned,
			(unsigned long long)d->dkim_aligned,
			rate(d->pass, d->msgs), rate(d->spf_aligned, d->msgs),
			rate(d->dkim_aligned, d->msgs), (long long)d->first,
			(long long)d->last, d->ready ? "true" : "false",
			d->nnew_failing);
		jstr(to, d->verdict);
		fputs(",\"classes\":{", to);
		for (int c = 0; c < INKAN_REPORT_SRC__COUNT; c++)
			fprintf(to, "%s\"%s\":{\"messages\":%llu,\"pass\":%llu}",
				c ? "," : "", inkan_report_src_class_name(c),
				(unsigned long long)d->class_msgs[c],
				(unsigned long long)d->class_pass[c]);
		fputs("},\"sources\":[", to);
		for (size_t j = 0; j < d->nsrc; j++) {
			const inkan_report_sum_source *s = &d->src[j];
			fprintf(to, "%s{\"ip\":", j ? "," : "");
			jstr(to, s->ip);
			fputs(",\"ptr\":", to);
			jstr(to, s->ptr);
			fprintf(to, ",\"ptr_confirmed\":%s,\"class\":\"%s\","
				"\"evidence\":", s->ptr_confirmed ? "true" :
				"false", inkan_report_src_class_name(s->cls));
			jstr(to, s->evidence);
			fprintf(to, ",\"messages\":%llu,\"pass\":%llu,"
				"\"spf_aligned\":%llu,\"dkim_aligned\":%llu,"
				"\"first_seen\":%lld,\"why\":",
				(unsigned long long)s->msgs,
				(unsigned long long)s->pass,
				(unsigned long long)s->spf_aligned,
				(unsigned long long)s->dkim_aligned,
				(long long)s->first_seen);
			jstr(to, s->why);
			fputs(",\"fix\":", to);
			jstr(to, s->fix);
			fputc('}', to);
		}
		fputs("],\"reporters\":[", to);
		for (size_t j = 0; j < d->nrep; j++) {
			fprintf(to, "%s{\"org\":", j ? "," : "");
			jstr(to, d->rep[j].org);
			fprintf(to, ",\"reports\":%llu,\"messages\":%llu,"
				"\"pass\":%llu}",
				(unsigned long long)d->rep[j].reports,
				(unsigned long long)d->rep[j].msgs,
				(unsigned long long)d->rep[j].pass);
		}
		fputs("],\"days\":[", to);
		for (size_t j = 0; j < d->ndays; j++)
			fprintf(to, "%s{\"day\":%lld,\"messages\":%llu,"
				"\"pass\":%llu}", j ? "," : "",
				(long long)d->days[j].day,
				(unsigned long long)d->days[j].msgs,
				(unsigned long long)d->days[j].pass);
		fputs("]}", to);
	}
	fputs("]}", to);
}
