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
#include <inkan/json.h>

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
	if (strlen(s) == 10 && s[4] == '-' && s[7] == '-' &&
	    strspn(s, "0123456789") == 4 && strspn(s + 5, "0123456789") == 2 &&
	    strspn(s + 8, "0123456789") == 2 &&
	    (y = (int)strtol(s, NULL, 10), m = (int)strtol(s + 5, NULL, 10),
	    d = (int)strtol(s + 8, NULL, 10), m >= 1 && m <= 12 && d >= 1 &&
	    d <= 31)) {
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

/* the summary through the library's JSON emitter; counts only (rates
 * are count / messages: the emitter writes no floating point) */
void
report_summary_json(inkan_json *j, const inkan_report_summary *sum)
{
	inkan_json_object_begin(j);
	inkan_json_key(j, "domains");
	inkan_json_array_begin(j);
	for (size_t i = 0; i < sum->nd; i++) {
		const inkan_report_sum_domain *d = &sum->d[i];
		inkan_json_object_begin(j);
		inkan_json_member_cstr(j, "domain", d->domain);
		inkan_json_member_cstr(j, "policy", d->p);
		inkan_json_key(j, "reports");
		inkan_json_uint(j, d->reports);
		inkan_json_key(j, "messages");
		inkan_json_uint(j, d->msgs);
		inkan_json_key(j, "dmarc_pass");
		inkan_json_uint(j, d->pass);
		inkan_json_key(j, "spf_aligned");
		inkan_json_uint(j, d->spf_aligned);
		inkan_json_key(j, "dkim_aligned");
		inkan_json_uint(j, d->dkim_aligned);
		inkan_json_member_int(j, "first", d->first);
		inkan_json_member_int(j, "last", d->last);
		inkan_json_member_bool(j, "ready", d->ready);
		inkan_json_member_int(j, "new_failing_sources",
			(int64_t)d->nnew_failing);
		inkan_json_member_cstr(j, "verdict", d->verdict);
		inkan_json_key(j, "classes");
		inkan_json_object_begin(j);
		for (int c = 0; c < INKAN_REPORT_SRC__COUNT; c++) {
			inkan_json_key(j, inkan_report_src_class_name(c));
			inkan_json_object_begin(j);
			inkan_json_key(j, "messages");
			inkan_json_uint(j, d->class_msgs[c]);
			inkan_json_key(j, "pass");
			inkan_json_uint(j, d->class_pass[c]);
			inkan_json_object_end(j);
		}
		inkan_json_object_end(j);
		inkan_json_key(j, "sources");
		inkan_json_array_begin(j);
		for (size_t k = 0; k < d->nsrc; k++) {
			const inkan_report_sum_source *s = &d->src[k];
			inkan_json_object_begin(j);
			inkan_json_member_cstr(j, "ip", s->ip);
			inkan_json_member_cstr(j, "ptr", s->ptr);
			inkan_json_member_bool(j, "ptr_confirmed",
				s->ptr_confirmed);
			inkan_json_member_cstr(j, "class",
				inkan_report_src_class_name(s->cls));
			inkan_json_member_cstr(j, "evidence", s->evidence);
			inkan_json_key(j, "messages");
			inkan_json_uint(j, s->msgs);
			inkan_json_key(j, "pass");
			inkan_json_uint(j, s->pass);
			inkan_json_key(j, "spf_aligned");
			inkan_json_uint(j, s->spf_aligned);
			inkan_json_key(j, "dkim_aligned");
			inkan_json_uint(j, s->dkim_aligned);
			inkan_json_member_int(j, "first_seen", s->first_seen);
			inkan_json_member_cstr(j, "why", s->why);
			inkan_json_member_cstr(j, "fix", s->fix);
			inkan_json_object_end(j);
		}
		inkan_json_array_end(j);
		inkan_json_key(j, "reporters");
		inkan_json_array_begin(j);
		for (size_t k = 0; k < d->nrep; k++) {
			inkan_json_object_begin(j);
			inkan_json_member_cstr(j, "org", d->rep[k].org);
			inkan_json_key(j, "reports");
			inkan_json_uint(j, d->rep[k].reports);
			inkan_json_key(j, "messages");
			inkan_json_uint(j, d->rep[k].msgs);
			inkan_json_key(j, "pass");
			inkan_json_uint(j, d->rep[k].pass);
			inkan_json_object_end(j);
		}
		inkan_json_array_end(j);
		inkan_json_key(j, "days");
		inkan_json_array_begin(j);
		for (size_t k = 0; k < d->ndays; k++) {
			inkan_json_object_begin(j);
			inkan_json_member_int(j, "day", d->days[k].day);
			inkan_json_key(j, "messages");
			inkan_json_uint(j, d->days[k].msgs);
			inkan_json_key(j, "pass");
			inkan_json_uint(j, d->days[k].pass);
			inkan_json_object_end(j);
		}
		inkan_json_array_end(j);
		inkan_json_object_end(j);
	}
	inkan_json_array_end(j);
	inkan_json_object_end(j);
}
