/* SPDX-License-Identifier: MIT */
/*
 * json.c - an ARC result as JSON through the library's one emitter
 * (inkan/json.h), for `inkan arc verify --json` and `inkan verify
 * --json`. Every string here may come from the message; the emitter
 * makes it valid JSON whatever it holds.
 */
#include <inkan/json.h>

#include "arc_internal.h"

static void
sig_member(inkan_json *j, const char *key, inkan_dkim_verdict v,
	inkan_dkim_reason r)
{
	inkan_json_key(j, key);
	if (v == INKAN_DKIM_NONE) {
		inkan_json_null(j);
		return;
	}
	inkan_json_object_begin(j);
	inkan_json_member_cstr(j, "result", inkan_dkim_verdict_str(v));
	inkan_json_member_cstr(j, "reason", inkan_dkim_reason_str(r));
	inkan_json_object_end(j);
}

static void
set_json(inkan_json *j, const inkan_arc_set *s)
{
	inkan_json_object_begin(j);
	inkan_json_member_int(j, "i", s->instance);
	inkan_json_member_cstr(j, "d", s->domain);
	inkan_json_member_cstr(j, "s", s->selector);
	inkan_json_member_cstr(j, "cv", s->cv);
	inkan_json_member_cstr(j, "ams_d", s->ams_domain);
	inkan_json_member_cstr(j, "ams_s", s->ams_selector);
	inkan_json_member_cstr(j, "authserv_id", s->authserv_id);
	inkan_json_member_cstr(j, "remote_ip", s->remote_ip);
	inkan_json_member_cstr(j, "spf", s->spf);
	inkan_json_member_cstr(j, "dkim", s->dkim);
	inkan_json_member_cstr(j, "dmarc", s->dmarc);
	sig_member(j, "ams", s->ams, s->ams_reason);
	sig_member(j, "seal", s->seal, s->seal_reason);
	inkan_json_object_end(j);
}

INKAN_API inkan_status
inkan_arc_result_json(const inkan_arc_result *r, inkan_json *j)
{
	char why[256];
	size_t i;

	if (r == NULL || j == NULL)
		return INKAN_ERR_INVALID;
	inkan_json_object_begin(j);
	inkan_json_member_cstr(j, "result", inkan_arc_verdict_str(r->verdict));
	inkan_json_member_cstr(j, "reason",
		inkan_arc_result_explain(r, why, sizeof(why)));
	inkan_json_member_int(j, "instances", r->instances);
	inkan_json_member_int(j, "fail_instance", r->fail_instance);
	inkan_json_member_int(j, "oldest_pass", r->oldest_pass);
	inkan_json_key(j, "sets");
	inkan_json_array_begin(j);
	for (i = 0; i < r->nsets; i++)
		set_json(j, &r->sets[i]);
	inkan_json_array_end(j);
	return inkan_json_object_end(j);
}
