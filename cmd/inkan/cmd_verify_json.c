/* SPDX-License-Identifier: MIT */
/*
 * cmd_verify_json.c - `inkan --json verify` in full mode: the whole
 * result (inkan_verify_result) as one JSON object per message, on one
 * line. "signatures" and "skipped" have the shape of the DKIM-only mode,
 * so programs reading that keep working.
 */
#include <stdio.h>
#include <string.h>

#include <inkan/json.h>

#include "cli_mailbox.h"
#include "cmd_verify_full.h"

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

void
verify_dkim_json(inkan_json *j, const inkan_dkim_result *d)
{
	inkan_json_object_begin(j);
	inkan_json_member_cstr(j, "result", inkan_dkim_verdict_str(d->verdict));
	inkan_json_member_cstr(j, "reason", inkan_dkim_reason_str(d->reason));
	inkan_json_member_cstr(j, "d", d->domain);
	inkan_json_member_cstr(j, "i", d->auid);
	inkan_json_member_cstr(j, "s", d->selector);
	inkan_json_member_cstr(j, "a", d->algorithm);
	inkan_json_member_cstr(j, "b", d->b_prefix);
	inkan_json_member_int(j, "key_bits", d->key_bits);
	inkan_json_member_bool(j, "partial_body", d->partial_body);
	inkan_json_member_bool(j, "dmarc_usable", d->dmarc_usable);
	inkan_json_member_bool(j, "testing", d->testing);
	inkan_json_object_end(j);
}

static void
spf_json(inkan_json *j, const inkan_verify_result *r)
{
	const inkan_spf_verdict *s = r->spf;

	inkan_json_key(j, "spf");
	inkan_json_object_begin(j);
	inkan_json_member_cstr(j, "status", spf_status_name(r->spf_status));
	if (s == NULL) {
		inkan_json_member_cstr(j, "result", "none");
		inkan_json_object_end(j);
		return;
	}
	inkan_json_member_cstr(j, "result", inkan_spf_result_name(s->result));
	inkan_json_member_cstr(j, "reason", inkan_spf_reason_name(s->reason));
	inkan_json_member_cstr(j, "domain", s->domain);
	inkan_json_member_cstr(j, "sender", s->sender);
	inkan_json_member_cstr(j, "client_ip", s->client_ip);
	inkan_json_member_cstr(j, "helo", s->helo);
	inkan_json_member_cstr(j, "mechanism", s->mechanism);
	inkan_json_member_cstr(j, "mechanism_domain", s->mechanism_domain);
	inkan_json_member_cstr(j, "explanation", s->explanation);
	inkan_json_member_cstr(j, "problem", s->problem);
	inkan_json_member_cstr(j, "error_domain", s->error_domain);
	inkan_json_member_int(j, "dns_terms", s->dns_terms);
	inkan_json_member_int(j, "void_lookups", s->void_lookups);
	inkan_json_object_end(j);
}

static void
dkim_json(inkan_json *j, const inkan_verify_result *r)
{
	size_t i;

	inkan_json_key(j, "signatures");
	inkan_json_array_begin(j);
	for (i = 0; i < r->ndkim; i++)
		verify_dkim_json(j, &r->dkim[i]);
	inkan_json_array_end(j);
	inkan_json_member_int(j, "skipped", (int64_t)r->dkim_skipped);
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
dmarc_json(inkan_json *j, const inkan_dmarc_result *d)
{
	size_t i;

	inkan_json_key(j, "dmarc");
	inkan_json_object_begin(j);
	inkan_json_member_cstr(j, "result", inkan_dmarc_verdict_name(
		d->verdict));
	inkan_json_member_cstr(j, "reason", d->reason);
	inkan_json_member_cstr(j, "author_domain", d->author_domain);
	inkan_json_member_cstr(j, "policy_domain", d->policy_domain);
	inkan_json_member_cstr(j, "org_domain", d->org_domain);
	inkan_json_member_cstr(j, "record", d->record ? d->record->text :
		NULL);
	inkan_json_member_cstr(j, "policy", d->record ?
		inkan_dmarc_policy_name(d->policy_evaluated) : NULL);
	inkan_json_member_cstr(j, "policy_applied",
		inkan_dmarc_policy_name(d->policy_applied));
	inkan_json_member_cstr(j, "disposition",
		inkan_dmarc_disposition_name(d->disposition));
	inkan_json_member_cstr(j, "override",
		inkan_dmarc_override_name(d->override));
	inkan_json_member_bool(j, "spf_aligned", d->spf_aligned);
	inkan_json_member_bool(j, "dkim_aligned", d->dkim_aligned);
	inkan_json_member_cstr(j, "spf_alignment", d->spf.domain ?
		alignment_name(d->spf.alignment) : NULL);
	inkan_json_key(j, "dkim_alignment");
	inkan_json_array_begin(j);
	for (i = 0; i < d->ndkim; i++) {
		inkan_json_object_begin(j);
		inkan_json_member_cstr(j, "d", d->dkim[i].domain);
		inkan_json_member_cstr(j, "alignment",
			alignment_name(d->dkim[i].alignment));
		inkan_json_object_end(j);
	}
	inkan_json_array_end(j);
	inkan_json_key(j, "trace");
	inkan_json_array_begin(j);
	for (i = 0; i < d->ntrace; i++) {
		inkan_json_object_begin(j);
		inkan_json_member_cstr(j, "domain", d->trace[i].domain);
		inkan_json_member_cstr(j, "outcome",
			step_name(d->trace[i].outcome));
		inkan_json_member_cstr(j, "record", d->trace[i].record);
		inkan_json_object_end(j);
	}
	inkan_json_array_end(j);
	inkan_json_object_end(j);
}

static void
notes_json(inkan_json *j, const inkan_verify_result *r)
{
	size_t i;

	inkan_json_key(j, "summary");
	inkan_json_array_begin(j);
	for (i = 0; i < r->nnotes; i++) {
		const inkan_verify_note *n = &r->notes[i];

		inkan_json_object_begin(j);
		inkan_json_member_cstr(j, "method", n->method);
		inkan_json_member_cstr(j, "result", n->result);
		inkan_json_member_bool(j, "problem", n->problem);
		inkan_json_member_cstr(j, "subject", n->subject);
		inkan_json_member_cstr(j, "detail", n->detail);
		inkan_json_member_cstr(j, "why", n->why);
		inkan_json_member_cstr(j, "fix", n->fix);
		inkan_json_object_end(j);
	}
	inkan_json_array_end(j);
}

int
verify_full_json(struct cli *cli, const struct verify_full *full,
	const struct cli_msg_src *src, const inkan_verify_result *r,
	int exit_code)
{
	inkan_json *j = cli_json_new(cli);
	int rc;

	if (j == NULL)
		return CLI_INTERNAL;
	inkan_json_object_begin(j);
	/* the file, and where in it for a mail folder */
	cli_mail_src_json(j, src);
	inkan_json_member_cstr(j, "verdict", inkan_verify_outcome_name(
		r->outcome));
	inkan_json_member_int(j, "exit", exit_code);
	inkan_json_key(j, "envelope");
	inkan_json_object_begin(j);
	inkan_json_member_cstr(j, "client_ip", full->ip);
	inkan_json_member_cstr(j, "helo", full->helo);
	inkan_json_member_cstr(j, "mail_from", full->mail_from);
	inkan_json_object_end(j);
	spf_json(j, r);
	dkim_json(j, r);
	dmarc_json(j, r->dmarc);
	notes_json(j, r);
	inkan_json_member_cstr(j, "authentication_results", r->authres);
	/* a header over the parser's caps: the limit it broke */
	inkan_json_member_cstr(j, "header_error", r->header_problem);
	inkan_json_object_end(j);
	rc = cli_json_finish(cli, j);
	inkan_json_free(j);
	return rc;
}
