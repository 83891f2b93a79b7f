/* SPDX-License-Identifier: MIT */
/*
 * agg_fields.c - the aggregate report model: which element path fills
 * which field, and the checks a record must pass before it is handed on.
 *
 * The schemas are RFC 7489 Appendix C and RFC 9990 Appendix A. Reporters
 * differ from both (missing <version>, <pct> in 9990 reports, empty
 * auth_results), so unknown elements are ignored and optional fields may
 * be absent; what we do check is what the store and the answers rely on:
 * the report key, the date range, the source IP, the count and the
 * enumerations (which are case-sensitive in both schemas).
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>

#include "report/agg_internal.h"
#include "core/ascii.h"

static const struct { const char *name; enum agg_elem e; } elems[] = {
	{ "feedback", E_FEEDBACK }, { "version", E_VERSION },
	{ "report_metadata", E_REPORT_METADATA }, { "org_name", E_ORG_NAME },
	{ "email", E_EMAIL }, { "extra_contact_info", E_EXTRA_CONTACT },
	{ "report_id", E_REPORT_ID }, { "date_range", E_DATE_RANGE },
	{ "begin", E_BEGIN }, { "end", E_END }, { "generator", E_GENERATOR },
	{ "error", E_ERROR }, { "policy_published", E_POLICY_PUBLISHED },
	{ "domain", E_DOMAIN }, { "adkim", E_ADKIM }, { "aspf", E_ASPF },
	{ "p", E_P }, { "sp", E_SP }, { "np", E_NP }, { "pct", E_PCT },
	{ "fo", E_FO }, { "testing", E_TESTING },
	{ "discovery_method", E_DISCOVERY }, { "record", E_RECORD },
	{ "row", E_ROW }, { "source_ip", E_SOURCE_IP }, { "count", E_COUNT },
	{ "policy_evaluated", E_POLICY_EVALUATED },
	{ "disposition", E_DISPOSITION }, { "dkim", E_DKIM }, { "spf", E_SPF },
	{ "reason", E_REASON }, { "type", E_TYPE }, { "comment", E_COMMENT },
	{ "identifiers", E_IDENTIFIERS }, { "header_from", E_HEADER_FROM },
	{ "envelope_from", E_ENVELOPE_FROM }, { "envelope_to", E_ENVELOPE_TO },
	{ "auth_results", E_AUTH_RESULTS }, { "selector", E_SELECTOR },
	{ "result", E_RESULT }, { "scope", E_SCOPE },
	{ "human_result", E_HUMAN_RESULT },
};

enum agg_elem
ik_agg_elem(const char *local)
{
	/* called for every element of a million-record report: compare
	 * the first byte before the whole name */
	for (size_t i = 0; i < sizeof(elems) / sizeof(elems[0]); i++)
		if (local[0] == elems[i].name[0] &&
		    strcmp(local, elems[i].name) == 0)
			return elems[i].e;
	return E_OTHER;
}

void
ik_agg_state_init(struct agg_state *st)
{
	size_t f = st->lim->max_field;

	ik_buf_init(&st->text, st->ctx, f);
	for (int i = 0; i < M__COUNT; i++)
		ik_buf_init(&st->meta_f[i], st->ctx, f);
	for (int i = 0; i < R__COUNT; i++)
		ik_buf_init(&st->rec_f[i], st->ctx, f);
	for (int i = 0; i < INKAN_AGG_MAX_AUTH; i++)
		for (int j = 0; j < A__COUNT; j++) {
			ik_buf_init(&st->dkim_f[i][j], st->ctx, f);
			ik_buf_init(&st->spf_f[i][j], st->ctx, f);
		}
}

void
ik_agg_state_free(struct agg_state *st)
{
	ik_buf_free(&st->text);
	for (int i = 0; i < M__COUNT; i++)
		ik_buf_free(&st->meta_f[i]);
	for (int i = 0; i < R__COUNT; i++)
		ik_buf_free(&st->rec_f[i]);
	for (int i = 0; i < INKAN_AGG_MAX_AUTH; i++)
		for (int j = 0; j < A__COUNT; j++) {
			ik_buf_free(&st->dkim_f[i][j]);
			ik_buf_free(&st->spf_f[i][j]);
		}
}

void
ik_agg_fail(struct agg_state *st, inkan_status status, const char *fmt, ...)
{
	va_list ap;

	if (st->status != INKAN_OK)
		return;
	st->status = status;
	st->done = 1;
	if (st->err != NULL && st->errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(st->err, st->errlen, fmt, ap);
		va_end(ap);
	}
	if (st->parser != NULL)
		xmlStopParser(st->parser);
}

static void
set_field(struct agg_state *st, ik_buf *f)
{
	const char *t = st->text.data ? st->text.data : "";
	size_t n = st->text.len;

	while (n > 0 && (ik_is_wsp(*t) || *t == '\r' || *t == '\n')) {
		t++;
		n--;
	}
	while (n > 0 && (ik_is_wsp(t[n - 1]) || t[n - 1] == '\r' ||
	    t[n - 1] == '\n'))
		n--;
	ik_buf_reset(f);
	if (ik_buf_append(f, t, n) != INKAN_OK)
		ik_agg_fail(st, INKAN_ERR_NOMEM, "out of memory");
}

/* 1 when @v is one of the '|'-separated words of @set (exact case) */
static int
in_set(const char *v, const char *set)
{
	size_t n = strlen(v);

	for (const char *s = set; *s != '\0';) {
		const char *e = strchr(s, '|');
		size_t m = e ? (size_t)(e - s) : strlen(s);
		if (m == n && memcmp(s, v, n) == 0)
			return 1;
		if (e == NULL)
			break;
		s = e + 1;
	}
	return 0;
}

static int
in_set_nocase(const char *v, const char *set)
{
	size_t n = strlen(v);

	for (const char *s = set; *s != '\0';) {
		const char *e = strchr(s, '|');
		size_t m = e ? (size_t)(e - s) : strlen(s);
		if (ik_ascii_eq(s, m, v, n))
			return 1;
		if (e == NULL)
			break;
		s = e + 1;
	}
	return 0;
}

/* check an enumerated value; "" passes when @optional */
static int
check_enum(struct agg_state *st, const char *where, const char *v,
	const char *set, int optional)
{
	if (*v == '\0') {
		if (optional)
			return 1;
		ik_agg_fail(st, INKAN_ERR_SYNTAX, "%s: empty, expected one of "
			"%s", where, set);
		return 0;
	}
	if (in_set(v, set))
		return 1;
	if (in_set_nocase(v, set))
		ik_agg_fail(st, INKAN_ERR_SYNTAX, "%s: '%s' is not lower case "
			"(the schema's values are case-sensitive: %s)", where,
			v, set);
	else
		ik_agg_fail(st, INKAN_ERR_SYNTAX, "%s: '%.64s' is not one of "
			"%s", where, v, set);
	return 0;
}

/* check_enum for a record's field; "record N: @field" is only formatted
 * when the value is refused, since this runs for every record */
static int
check_rec_enum(struct agg_state *st, const char *field, const char *v,
	const char *set, int optional)
{
	char where[96];

	if ((*v == '\0' && optional) || (*v != '\0' && in_set(v, set)))
		return 1;
	snprintf(where, sizeof(where), "record %llu: %s",
		(unsigned long long)st->nrecords + 1, field);
	return check_enum(st, where, v, set, optional);
}

static int
parse_u64(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++) {
		if (!ik_is_digit(*s) || v > (UINT64_MAX - 9) / 10)
			return 0;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return 1;
}

static const char *
mf(struct agg_state *st, enum meta_field f)
{
	return ik_buf_str(&st->meta_f[f]);
}

/* the metadata is complete: check it and tell the sink */
static void
begin_report(struct agg_state *st)
{
	inkan_agg_meta *m = &st->meta;
	uint64_t b, e, pct;
	int skip = 0;
	inkan_status s;

	if (st->begun || st->done)
		return;
	st->begun = 1;
	m->org_name = mf(st, M_ORG);
	m->email = mf(st, M_EMAIL);
	m->extra_contact = mf(st, M_EXTRA);
	m->report_id = mf(st, M_ID);
	m->generator = mf(st, M_GENERATOR);
	m->version = mf(st, M_VERSION);
	m->domain = mf(st, M_DOMAIN);
	m->adkim = mf(st, M_ADKIM);
	m->aspf = mf(st, M_ASPF);
	m->p = mf(st, M_P);
	m->sp = mf(st, M_SP);
	m->np = mf(st, M_NP);
	m->fo = mf(st, M_FO);
	m->testing = mf(st, M_TESTING);
	m->discovery_method = mf(st, M_DISCOVERY);
	m->rfc9990 = st->rfc9990 || *m->generator || *m->np ||
		*m->testing || *m->discovery_method;
	m->pct = -1;

	if (*m->report_id == '\0') {
		ik_agg_fail(st, INKAN_ERR_SYNTAX, "report_metadata: no "
			"report_id (or it comes after the first record)");
		return;
	}
	if (!parse_u64(mf(st, M_BEGIN), &b) || !parse_u64(mf(st, M_END), &e) ||
	    b > INT64_MAX || e > INT64_MAX) {
		ik_agg_fail(st, INKAN_ERR_SYNTAX, "report_metadata/date_range: "
			"begin '%.32s' / end '%.32s' are not both seconds since "
			"the epoch", mf(st, M_BEGIN), mf(st, M_END));
		return;
	}
	if (b > e) {
		ik_agg_fail(st, INKAN_ERR_SYNTAX, "report_metadata/date_range: "
			"begin %llu is after end %llu", (unsigned long long)b,
			(unsigned long long)e);
		return;
	}
	/* RFC 9990 3.1.1: reports normally cover 24 hours, but a longer
	 * range is still a valid report and is stored as it says. */
	m->begin = (int64_t)b;
	m->end = (int64_t)e;
	if (*m->domain == '\0') {
		ik_agg_fail(st, INKAN_ERR_SYNTAX, "policy_published: no domain "
			"(or it comes after the first record)");
		return;
	}
	if (!check_enum(st, "policy_published/p", m->p,
	    "none|quarantine|reject", 1) ||
	    !check_enum(st, "policy_published/sp", m->sp,
	    "none|quarantine|reject", 1) ||
	    !check_enum(st, "policy_published/np", m->np,
	    "none|quarantine|reject", 1) ||
	    !check_enum(st, "policy_published/adkim", m->adkim, "r|s", 1) ||
	    !check_enum(st, "policy_published/aspf", m->aspf, "r|s", 1))
		return;
	if (*mf(st, M_PCT) != '\0') {
		if (!parse_u64(mf(st, M_PCT), &pct) || pct > 100) {
			ik_agg_fail(st, INKAN_ERR_SYNTAX, "policy_published/pct:"
				" '%.32s' is not 0-100", mf(st, M_PCT));
			return;
		}
		m->pct = (int)pct;
	}
	if (st->sink != NULL && st->sink->begin != NULL) {
		s = st->sink->begin(st->sink->arg, m, &skip);
		if (s != INKAN_OK) {
			ik_agg_fail(st, s, "storing the report failed: %s",
				inkan_strerror(s));
			return;
		}
		if (skip) {
			st->skipped = 1;
			st->done = 1;
			if (st->parser != NULL)
				xmlStopParser(st->parser);
		}
	}
}

static void
reset_record(struct agg_state *st)
{
	for (int i = 0; i < R__COUNT; i++)
		ik_buf_reset(&st->rec_f[i]);
	for (size_t i = 0; i < st->ndkim; i++)
		for (int j = 0; j < A__COUNT; j++)
			ik_buf_reset(&st->dkim_f[i][j]);
	for (size_t i = 0; i < st->nspf; i++)
		for (int j = 0; j < A__COUNT; j++)
			ik_buf_reset(&st->spf_f[i][j]);
	st->ndkim = st->nspf = st->nreasons = 0;
}

static int
check_auth(struct agg_state *st, const char *where, ik_buf *f, int spf)
{
	const char *r = ik_buf_str(&f[A_RESULT]);

	if (spf && strcmp(r, "hardfail") == 0) {
		/* vendor quirk: "hardfail" for RFC 7208 "fail" */
		ik_buf_reset(&f[A_RESULT]);
		ik_buf_puts(&f[A_RESULT], "fail");
		return 1;
	}
	return check_rec_enum(st, where, r, spf ?
		"none|neutral|pass|fail|softfail|temperror|permerror" :
		"none|pass|fail|policy|neutral|temperror|permerror", 0);
}

static void
end_record(struct agg_state *st)
{
	inkan_agg_record r;
	unsigned char addr[16];
	inkan_status s;
	unsigned long long n = (unsigned long long)st->nrecords + 1;

	memset(&r, 0, sizeof(r));
	r.source_ip = ik_buf_str(&st->rec_f[R_IP]);
	if (inet_pton(AF_INET, r.source_ip, addr) != 1 &&
	    inet_pton(AF_INET6, r.source_ip, addr) != 1) {
		ik_agg_fail(st, INKAN_ERR_SYNTAX, "record %llu (line %ld): "
			"source_ip '%.64s' is not an IP address", n,
			ik_agg_line(st), r.source_ip);
		return;
	}
	if (!parse_u64(ik_buf_str(&st->rec_f[R_COUNT]), &r.count)) {
		ik_agg_fail(st, INKAN_ERR_SYNTAX, "record %llu (line %ld): count "
			"'%.32s' is not a number", n, ik_agg_line(st),
			ik_buf_str(&st->rec_f[R_COUNT]));
		return;
	}
	r.disposition = ik_buf_str(&st->rec_f[R_DISPOSITION]);
	r.dkim = ik_buf_str(&st->rec_f[R_DKIM]);
	r.spf = ik_buf_str(&st->rec_f[R_SPF]);
	/* RFC 9990 adds "pass" for mail that passed DMARC */
	if (!check_rec_enum(st, "disposition", r.disposition,
	    "none|quarantine|reject|pass", 0))
		return;
	if (!check_rec_enum(st, "policy_evaluated/dkim", r.dkim, "pass|fail", 1))
		return;
	if (!check_rec_enum(st, "policy_evaluated/spf", r.spf, "pass|fail", 1))
		return;
	r.reason_type = ik_buf_str(&st->rec_f[R_REASON_TYPE]);
	r.reason_comment = ik_buf_str(&st->rec_f[R_REASON_COMMENT]);
	r.header_from = ik_buf_str(&st->rec_f[R_HEADER_FROM]);
	r.envelope_from = ik_buf_str(&st->rec_f[R_ENV_FROM]);
	r.envelope_to = ik_buf_str(&st->rec_f[R_ENV_TO]);
	for (size_t i = 0; i < st->ndkim; i++) {
		ik_buf *f = st->dkim_f[i];
		if (!check_auth(st, "auth_results/dkim/result", f, 0))
			return;
		r.dkim_auth[i].domain = ik_buf_str(&f[A_DOMAIN]);
		r.dkim_auth[i].selector = ik_buf_str(&f[A_SELECTOR]);
		r.dkim_auth[i].result = ik_buf_str(&f[A_RESULT]);
		r.dkim_auth[i].scope = "";
	}
	r.ndkim = st->ndkim;
	for (size_t i = 0; i < st->nspf; i++) {
		ik_buf *f = st->spf_f[i];
		if (!check_auth(st, "auth_results/spf/result", f, 1))
			return;
		r.spf_auth[i].domain = ik_buf_str(&f[A_DOMAIN]);
		r.spf_auth[i].selector = "";
		r.spf_auth[i].result = ik_buf_str(&f[A_RESULT]);
		r.spf_auth[i].scope = ik_buf_str(&f[A_SCOPE]);
	}
	r.nspf = st->nspf;
	if (st->sink != NULL && st->sink->record != NULL) {
		s = st->sink->record(st->sink->arg, &st->meta, &r);
		if (s != INKAN_OK) {
			ik_agg_fail(st, s, "storing record %llu failed: %s", n,
				inkan_strerror(s));
			return;
		}
	}
	st->nrecords++;
}

void
ik_agg_open(struct agg_state *st)
{
	const enum agg_elem *pa = st->path;
	unsigned d = st->depth;

	if (d == 2 && pa[1] == E_RECORD) {
		begin_report(st);
		reset_record(st);
	} else if (d == 4 && pa[1] == E_RECORD && pa[2] == E_AUTH_RESULTS &&
	    (pa[3] == E_DKIM || pa[3] == E_SPF)) {
		size_t *n = pa[3] == E_DKIM ? &st->ndkim : &st->nspf;
		if (*n >= INKAN_AGG_MAX_AUTH) {
			ik_agg_fail(st, INKAN_ERR_LIMIT, "record %llu (line "
				"%ld): more than %d %s results",
				(unsigned long long)st->nrecords + 1,
				ik_agg_line(st), INKAN_AGG_MAX_AUTH,
				pa[3] == E_DKIM ? "dkim" : "spf");
			return;
		}
		(*n)++;
	} else if (d == 4 && pa[1] == E_RECORD && pa[2] == E_ROW &&
	    pa[3] == E_POLICY_EVALUATED) {
		/* nothing to do */
	} else if (d == 5 && pa[1] == E_RECORD && pa[3] == E_POLICY_EVALUATED &&
	    pa[4] == E_REASON) {
		st->nreasons++;
	}
}

static void
close_meta(struct agg_state *st, const enum agg_elem *pa, unsigned d)
{
	static const struct { enum agg_elem e; enum meta_field f; } md[] = {
		{ E_ORG_NAME, M_ORG }, { E_EMAIL, M_EMAIL },
		{ E_EXTRA_CONTACT, M_EXTRA }, { E_REPORT_ID, M_ID },
		{ E_GENERATOR, M_GENERATOR },
	}, pp[] = {
		{ E_DOMAIN, M_DOMAIN }, { E_ADKIM, M_ADKIM }, { E_ASPF, M_ASPF },
		{ E_P, M_P }, { E_SP, M_SP }, { E_NP, M_NP }, { E_PCT, M_PCT },
		{ E_FO, M_FO }, { E_TESTING, M_TESTING },
		{ E_DISCOVERY, M_DISCOVERY },
	};

	if (d == 3 && pa[1] == E_REPORT_METADATA) {
		for (size_t i = 0; i < sizeof(md) / sizeof(md[0]); i++)
			if (md[i].e == pa[2])
				set_field(st, &st->meta_f[md[i].f]);
	} else if (d == 3 && pa[1] == E_POLICY_PUBLISHED) {
		for (size_t i = 0; i < sizeof(pp) / sizeof(pp[0]); i++)
			if (pp[i].e == pa[2])
				set_field(st, &st->meta_f[pp[i].f]);
	} else if (d == 4 && pa[1] == E_REPORT_METADATA &&
	    pa[2] == E_DATE_RANGE) {
		if (pa[3] == E_BEGIN)
			set_field(st, &st->meta_f[M_BEGIN]);
		else if (pa[3] == E_END)
			set_field(st, &st->meta_f[M_END]);
	}
}

static void
close_record(struct agg_state *st, const enum agg_elem *pa, unsigned d)
{
	ik_buf *rf = st->rec_f;

	if (d == 4 && pa[2] == E_ROW) {
		if (pa[3] == E_SOURCE_IP)
			set_field(st, &rf[R_IP]);
		else if (pa[3] == E_COUNT)
			set_field(st, &rf[R_COUNT]);
	} else if (d == 4 && pa[2] == E_IDENTIFIERS) {
		if (pa[3] == E_HEADER_FROM)
			set_field(st, &rf[R_HEADER_FROM]);
		else if (pa[3] == E_ENVELOPE_FROM)
			set_field(st, &rf[R_ENV_FROM]);
		else if (pa[3] == E_ENVELOPE_TO)
			set_field(st, &rf[R_ENV_TO]);
	} else if (d == 5 && pa[2] == E_ROW && pa[3] == E_POLICY_EVALUATED) {
		if (pa[4] == E_DISPOSITION)
			set_field(st, &rf[R_DISPOSITION]);
		else if (pa[4] == E_DKIM)
			set_field(st, &rf[R_DKIM]);
		else if (pa[4] == E_SPF)
			set_field(st, &rf[R_SPF]);
	} else if (d == 5 && pa[2] == E_AUTH_RESULTS &&
	    (pa[3] == E_DKIM || pa[3] == E_SPF)) {
		ik_buf *f = pa[3] == E_DKIM ? st->dkim_f[st->ndkim - 1] :
			st->spf_f[st->nspf - 1];
		if (pa[4] == E_DOMAIN)
			set_field(st, &f[A_DOMAIN]);
		else if (pa[4] == E_SELECTOR)
			set_field(st, &f[A_SELECTOR]);
		else if (pa[4] == E_RESULT)
			set_field(st, &f[A_RESULT]);
		else if (pa[4] == E_SCOPE)
			set_field(st, &f[A_SCOPE]);
	} else if (d == 6 && pa[2] == E_ROW && pa[4] == E_REASON &&
	    st->nreasons == 1) {
		if (pa[5] == E_TYPE)
			set_field(st, &rf[R_REASON_TYPE]);
		else if (pa[5] == E_COMMENT)
			set_field(st, &rf[R_REASON_COMMENT]);
	}
}

void
ik_agg_close(struct agg_state *st)
{
	const enum agg_elem *pa = st->path;
	unsigned d = st->depth;

	if (d < 2 || pa[0] != E_FEEDBACK)
		return;
	if (d == 2 && pa[1] == E_VERSION) {
		set_field(st, &st->meta_f[M_VERSION]);
	} else if (d == 2 && pa[1] == E_RECORD) {
		if (!st->done)
			end_record(st);
	} else if (pa[1] == E_RECORD) {
		if (!st->done)
			close_record(st, pa, d);
	} else {
		close_meta(st, pa, d);
	}
}

void
ik_agg_finish(struct agg_state *st)
{
	inkan_status s;

	if (!st->seen_root) {
		ik_agg_fail(st, INKAN_ERR_SYNTAX, "no <feedback> element");
		return;
	}
	begin_report(st);
	if (st->done)
		return;
	if (st->sink != NULL && st->sink->end != NULL) {
		s = st->sink->end(st->sink->arg, &st->meta, st->nrecords);
		if (s != INKAN_OK)
			ik_agg_fail(st, s, "storing the report failed: %s",
				inkan_strerror(s));
	}
}

void
inkan_report_limits_default(inkan_report_limits *lim)
{
	lim->max_xml = 256u << 20;
	lim->max_input = 256u << 20;
	lim->max_ratio = 1000;
	lim->max_parts = 64;
	lim->max_nesting = 6;
	lim->max_depth = 24;
	lim->max_field = 16u << 10;
}
