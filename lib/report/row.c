/* SPDX-License-Identifier: MIT */
/*
 * row.c - the report row: names of its enums, and validating a caller's
 * row into the flat record the writer queues (RFC 9990 3.1.1.7-14).
 *
 * DKIM results and override reasons are lists; they are stored as one
 * text column each, entries separated by RS and fields by FS (control
 * characters that cannot come from a validated row). The encoded text is
 * part of the grouping key, so two messages with the same signatures
 * land in the same record.
 */
#include <string.h>

#include "core/alloc.h"
#include "report/store_internal.h"

/* RFC 9990 3.1.3: no more than 100 signatures per row */
#define IK_REPORT_MAX_DKIM 100
#define IK_REPORT_MAX_REASONS 16
/* longest string field kept (a domain is at most 253; comments and
 * human results are cut here, with the cut marked) */
#define IK_REPORT_MAX_TEXT 1024
#define IK_REPORT_MAX_URIS 2048

const char *
inkan_report_result_name(inkan_report_result r)
{
	static const char *const names[] = {
		"none", "pass", "fail", "softfail", "policy", "neutral",
		"temperror", "permerror"
	};
	if ((unsigned)r >= sizeof names / sizeof names[0])
		return "none";
	return names[r];
}

const char *
inkan_report_disposition_name(inkan_report_disposition d)
{
	static const char *const names[] = {
		"none", "pass", "quarantine", "reject"
	};
	if ((unsigned)d >= sizeof names / sizeof names[0])
		return "none";
	return names[d];
}

const char *
inkan_report_override_name(inkan_report_override o)
{
	switch (o) {
	case INKAN_REPORT_OVERRIDE_LOCAL_POLICY: return "local_policy";
	case INKAN_REPORT_OVERRIDE_MAILING_LIST: return "mailing_list";
	case INKAN_REPORT_OVERRIDE_OTHER: return "other";
	case INKAN_REPORT_OVERRIDE_POLICY_TEST_MODE: return "policy_test_mode";
	case INKAN_REPORT_OVERRIDE_TRUSTED_FORWARDER:
		return "trusted_forwarder";
	}
	return "other";
}

/* A bump allocator over the record's single allocation. */
typedef struct arena {
	char *p;
	char *end;
} arena;

static size_t
text_len(const char *s, size_t max)
{
	return s ? strnlen(s, max) + 1 : 0;
}

/* Copy @s (at most @max bytes), replacing control characters so the
 * encoded lists and the XML stay well-formed; @lower folds ASCII case
 * (domains). NULL stays NULL. */
static char *
put(arena *a, const char *s, size_t max, int lower)
{
	if (!s)
		return NULL;
	size_t n = strnlen(s, max);
	char *d = a->p;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f)
			c = '?';
		else if (lower && c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		d[i] = (char)c;
	}
	d[n] = '\0';
	a->p += n + 1;
	return d;
}

/* Append @s to an encoded list being built at a->p (no NUL yet). */
static void
put_field(arena *a, const char *s, size_t max, int lower, char sep)
{
	if (!s)
		return;
	if (sep)
		*a->p++ = sep;
	size_t n = strnlen(s, max);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f)
			c = '?';
		else if (lower && c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		*a->p++ = (char)c;
	}
}

static int
policy_ok(inkan_dmarc_policy p)
{
	return (unsigned)p <= INKAN_DMARC_POLICY_REJECT;
}

static int
align_ok(char c)
{
	return c == 0 || c == 'r' || c == 's';
}

static inkan_status
validate(const inkan_report_row *r)
{
	if (!r->source_ip || !*r->source_ip || !r->header_from ||
	    !*r->header_from || !r->policy.domain || !*r->policy.domain)
		return INKAN_ERR_INVALID;
	if ((unsigned)r->spf_result > INKAN_REPORT_PERMERROR ||
	    (unsigned)r->disposition > INKAN_REPORT_DISP_REJECT ||
	    (unsigned)r->dmarc > INKAN_DMARC_PERMERROR)
		return INKAN_ERR_INVALID;
	if (r->ndkim > IK_REPORT_MAX_DKIM || (r->ndkim && !r->dkim) ||
	    r->nreasons > IK_REPORT_MAX_REASONS ||
	    (r->nreasons && !r->reasons))
		return INKAN_ERR_INVALID;
	for (size_t i = 0; i < r->ndkim; i++) {
		const inkan_report_dkim *d = &r->dkim[i];
		if (!d->domain || !*d->domain ||
		    (unsigned)d->result > INKAN_REPORT_PERMERROR ||
		    d->result == INKAN_REPORT_SOFTFAIL)
			return INKAN_ERR_INVALID;
	}
	for (size_t i = 0; i < r->nreasons; i++)
		if (r->reasons[i].type < INKAN_REPORT_OVERRIDE_LOCAL_POLICY ||
		    r->reasons[i].type >
		    INKAN_REPORT_OVERRIDE_TRUSTED_FORWARDER)
			return INKAN_ERR_INVALID;
	const inkan_report_policy *p = &r->policy;
	if (!policy_ok(p->p) || !policy_ok(p->sp) || !policy_ok(p->np) ||
	    !align_ok(p->adkim) || !align_ok(p->aspf) ||
	    (unsigned)p->discovery > INKAN_DMARC_DISCOVERY_PSL)
		return INKAN_ERR_INVALID;
	return INKAN_OK;
}

inkan_status
ik_report_rec_new(const inkan_ctx *ctx, const inkan_report_row *r,
	ik_report_rec **out)
{
	*out = NULL;
	inkan_status st = validate(r);
	if (st != INKAN_OK)
		return st;
	const size_t T = IK_REPORT_MAX_TEXT;
	size_t need = sizeof(ik_report_rec) + 1;
	need += text_len(r->source_ip, T) + text_len(r->header_from, T) +
	    text_len(r->envelope_from, T) + text_len(r->envelope_to, T) +
	    text_len(r->spf_domain, T) + text_len(r->spf_human, T) +
	    text_len(r->policy.domain, T) + text_len(r->policy.fo, T) +
	    text_len(r->policy.rua, IK_REPORT_MAX_URIS) +
	    text_len(r->policy.ruf, IK_REPORT_MAX_URIS) +
	    text_len(r->policy.error, T);
	need += 1;	/* dkim list NUL */
	for (size_t i = 0; i < r->ndkim; i++)
		need += 4 + 4 + text_len(r->dkim[i].domain, T) +
		    text_len(r->dkim[i].selector, T) +
		    text_len(r->dkim[i].human_result, T);
	need += 1;	/* reasons list NUL */
	for (size_t i = 0; i < r->nreasons; i++)
		need += 4 + 4 + text_len(r->reasons[i].comment, T);

	/* every byte after the struct is written below: zero only the
	 * struct (this runs once per message) */
	ik_report_rec *rec = ik_malloc(ctx, need);
	if (!rec)
		return INKAN_ERR_NOMEM;
	memset(rec, 0, sizeof *rec);
	arena a = { (char *)(rec + 1), (char *)rec + need };
	rec->time = r->time;
	rec->source_ip = put(&a, r->source_ip, T, 1);
	rec->header_from = put(&a, r->header_from, T, 1);
	rec->envelope_from = put(&a, r->envelope_from, T, 1);
	rec->envelope_to = put(&a, r->envelope_to, T, 1);
	rec->spf_domain = put(&a, r->spf_domain, T, 1);
	rec->spf_scope_mfrom = r->spf_scope_mfrom ? 1 : 0;
	rec->spf_result = (int)r->spf_result;
	rec->spf_human = put(&a, r->spf_human, T, 0);

	/* DKIM list: domain FS selector FS result FS human, RS between */
	rec->dkim = a.p;
	for (size_t i = 0; i < r->ndkim; i++) {
		const inkan_report_dkim *d = &r->dkim[i];
		if (i)
			*a.p++ = IK_REPORT_RS;
		put_field(&a, d->domain, T, 1, 0);
		put_field(&a, d->selector ? d->selector : "", T, 1,
		    IK_REPORT_FS);
		*a.p++ = IK_REPORT_FS;
		*a.p++ = (char)('0' + (int)d->result);
		put_field(&a, d->human_result, T, 0, IK_REPORT_FS);
	}
	*a.p++ = '\0';

	rec->dmarc = (int)r->dmarc;
	rec->dkim_aligned = r->dkim_aligned ? 1 : 0;
	rec->spf_aligned = r->spf_aligned ? 1 : 0;
	rec->disposition = (int)r->disposition;

	/* reasons: type digit FS comment, RS between */
	rec->reasons = a.p;
	for (size_t i = 0; i < r->nreasons; i++) {
		if (i)
			*a.p++ = IK_REPORT_RS;
		*a.p++ = (char)('0' + (int)r->reasons[i].type);
		put_field(&a, r->reasons[i].comment, T, 0, IK_REPORT_FS);
	}
	*a.p++ = '\0';

	const inkan_report_policy *p = &r->policy;
	rec->policy_domain = put(&a, p->domain, T, 1);
	rec->p = (int)p->p;
	rec->sp = (int)p->sp;
	rec->np = (int)p->np;
	rec->adkim[0] = p->adkim;
	rec->aspf[0] = p->aspf;
	rec->fo = put(&a, p->fo, T, 0);
	rec->testing = p->testing ? 1 : 0;
	rec->discovery = (int)p->discovery;
	rec->rua = put(&a, p->rua, IK_REPORT_MAX_URIS, 0);
	rec->ruf = put(&a, p->ruf, IK_REPORT_MAX_URIS, 0);
	rec->ri = p->ri;
	rec->error = put(&a, p->error, T, 0);
	rec->flags = r->flags;
	if (a.p > a.end) {
		/* cannot happen: sizes above bound every write */
		ik_free(ctx, rec);
		return INKAN_ERR_INTERNAL;
	}
	*out = rec;
	return INKAN_OK;
}
