/* SPDX-License-Identifier: MIT */
/*
 * cmd_verify_json.c - `inkan --json verify` in full mode: the whole
 * result (inkan_verify_result) as one JSON object per message, on one
 * line. "signatures" and "skipped" have the shape of the DKIM-only mode,
 * so programs reading that keep working.
 */
#include <stdio.h>
#include <string.h>

#include "cmd_verify_full.h"

static void
str(FILE *o, const char *s)
{
	if (s == NULL)
		fputs("null", o);
	else
		cli_json_string(o, s, strlen(s));
}

static void
key(FILE *o, const char *k, const char *v)
{
	fprintf(o, ",\"%s\":", k);
	str(o, v);
}

static const char *
bool_str(int b)
{
	return b ? "true" : "false";
}

static const char *
spf_status_name(inkan_verify_spf_status s)
{
	switch (s) {
	case INKAN_VERIFY_SPF_CHECKED: return "checked";
	case INKAN_VERIFY_SPF_NO_IP: return "no-ip";
	case INKAN_VERIFY_SPF_NO_MAIL_FROM: return "no-mail-from";
	case INKAN_VERIFY_SPF_NO_HELO: return "no-helo";
	}
	return "?";
}

static void
spf_json(FILE *o, const inkan_verify_result *r)
{
	const inkan_spf_verdict *s = r->spf;

	fprintf(o, ",\"spf\":{\"status\":\"%s\"",
		spf_status_name(r->spf_status));
	if (s == NULL) {
		fputs(",\"result\":\"none\"}", o);
		return;
	}
	key(o, "result", inkan_spf_result_name(s->result));
	key(o, "reason", inkan_spf_reason_name(s->reason));
	key(o, "domain", s->domain);
	key(o, "sender", s->sender);
	key(o, "client_ip", s->client_ip);
	key(o, "helo", s->helo);
	key(o, "mechanism", s->mechanism);
	key(o, "mechanism_domain", s->mechanism_domain);
	key(o, "explanation", s->explanation);
	key(o, "problem", s->problem);
	key(o, "error_domain", s->error_domain);
	fprintf(o, ",\"dns_terms\":%u,\"void_lookups\":%u}", s->dns_terms,
		s->void_lookups);
}

static void
dkim_json(FILE *o, const inkan_verify_result *r)
{
	size_t i;

	fputs(",\"signatures\":[", o);
	for (i = 0; i < r->ndkim; i++) {
		const inkan_dkim_result *d = &r->dkim[i];
		fprintf(o, "%s{\"result\":\"%s\"", i ? "," : "",
			inkan_dkim_verdict_str(d->verdict));
		key(o, "reason", inkan_dkim_reason_str(d->reason));
		key(o, "d", d->domain);
		key(o, "i", d->auid);
		key(o, "s", d->selector);
		key(o, "a", d->algorithm);
		key(o, "b", d->b_prefix);
		fprintf(o, ",\"key_bits\":%u,\"partial_body\":%s,"
			"\"dmarc_usable\":%s,\"testing\":%s}", d->key_bits,
			bool_str(d->partial_body), bool_str(d->dmarc_usable),
			bool_str(d->testing));
	}
	fprintf(o, "],\"skipped\":%zu", r->dkim_skipped);
}

static const char *
alignment_name(inkan_dmarc_alignment a)
{
	switch (a) {
	case INKAN_DMARC_ALIGN_ALIGNED: return "aligned";
	case INKAN_DMARC_ALIGN_NOT_ALIGNED: return "not-aligned";
	case INKAN_DMARC_ALIGN_UNKNOWN: return "unknown";
	case INKAN_DMARC_ALIGN_PARTIAL_BODY: return "partial-body";
	case INKAN_DMARC_ALIGN_NOT_CHECKED: break;
	}
	return "not-checked";
}

static const char *
step_name(inkan_dmarc_step_outcome s)
{
	switch (s) {
	case INKAN_DMARC_STEP_RECORD: return "record";
	case INKAN_DMARC_STEP_NO_RECORD: return "no-record";
	case INKAN_DMARC_STEP_MULTIPLE: return "multiple";
	case INKAN_DMARC_STEP_TEMPFAIL: return "tempfail";
	case INKAN_DMARC_STEP_SKIPPED: return "skipped";
	}
	return "?";
}

static void
dmarc_json(FILE *o, const inkan_dmarc_result *d)
{
	size_t i;

	fprintf(o, ",\"dmarc\":{\"result\":\"%s\"",
		inkan_dmarc_verdict_name(d->verdict));
	key(o, "reason", d->reason);
	key(o, "author_domain", d->author_domain);
	key(o, "policy_domain", d->policy_domain);
	key(o, "org_domain", d->org_domain);
	key(o, "record", d->record ? d->record->text : NULL);
	key(o, "policy", d->record ?
		inkan_dmarc_policy_name(d->policy_evaluated) : NULL);
	key(o, "policy_applied", inkan_dmarc_policy_name(d->policy_applied));
	key(o, "disposition", inkan_dmarc_disposition_name(d->disposition));
	key(o, "override", inkan_dmarc_override_name(d->override));
	fprintf(o, ",\"spf_aligned\":%s,\"dkim_aligned\":%s",
		bool_str(d->spf_aligned), bool_str(d->dkim_aligned));
	key(o, "spf_alignment", d->spf.domain ?
		alignment_name(d->spf.alignment) : NULL);
	fputs(",\"dkim_alignment\":[", o);
	for (i = 0; i < d->ndkim; i++) {
		fprintf(o, "%s{\"d\":", i ? "," : "");
		str(o, d->dkim[i].domain);
		key(o, "alignment", alignment_name(d->dkim[i].alignment));
		fputc('}', o);
	}
	fputs("],\"trace\":[", o);
	for (i = 0; i < d->ntrace; i++) {
		fprintf(o, "%s{\"domain\":", i ? "," : "");
		str(o, d->trace[i].domain);
		key(o, "outcome", step_name(d->trace[i].outcome));
		key(o, "record", d->trace[i].record);
		fputc('}', o);
	}
	fputs("]}", o);
}

static void
notes_json(FILE *o, const inkan_verify_result *r)
{
	size_t i;

	fputs(",\"summary\":[", o);
	for (i = 0; i < r->nnotes; i++) {
		const inkan_verify_note *n = &r->notes[i];
		fprintf(o, "%s{\"method\":", i ? "," : "");
		str(o, n->method);
		key(o, "result", n->result);
		fprintf(o, ",\"problem\":%s", bool_str(n->problem));
		key(o, "subject", n->subject);
		key(o, "detail", n->detail);
		key(o, "why", n->why);
		key(o, "fix", n->fix);
		fputc('}', o);
	}
	fputc(']', o);
}

void
verify_full_json(struct cli *cli, const struct verify_full *full,
	const char *name, const inkan_verify_result *r, int exit_code)
{
	FILE *o = cli->out;

	fputs("{\"file\":", o);
	str(o, name);
	fprintf(o, ",\"verdict\":\"%s\",\"exit\":%d",
		inkan_verify_outcome_name(r->outcome), exit_code);
	fputs(",\"envelope\":{\"client_ip\":", o);
	str(o, full->ip);
	key(o, "helo", full->helo);
	key(o, "mail_from", full->mail_from);
	fputc('}', o);
	spf_json(o, r);
	dkim_json(o, r);
	dmarc_json(o, r->dmarc);
	notes_json(o, r);
	key(o, "authentication_results", r->authres);
	fputs("}", o);
	cli_json_done(cli);
}
