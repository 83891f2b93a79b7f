/* SPDX-License-Identifier: MIT */
/*
 * render_r53.c - a Route 53 change batch, the JSON that
 *   aws route53 change-resource-record-sets --hosted-zone-id Z \
 *       --change-batch file://batch.json
 * reads. Every change is an UPSERT, so applying it twice changes nothing.
 *
 * Route 53's rules for values: names are absolute with a final dot; a
 * TXT value is the record's strings, each in double quotes and at most
 * 255 characters, separated by a space, with '"' and '\' escaped and
 * other odd characters as \ooo octal; an MX value is "PRIORITY HOST".
 * An UPSERT replaces the whole RRset: at the apex, where other TXT
 * records live, the caller is told to merge them in (see the notes).
 */
#include <string.h>

#include <inkan/json.h>

#include "core/alloc.h"
#include "domain/domain_internal.h"

void ik_domain_render_r53(ik_dout *o, const inkan_domain_records *rs);

static int
dout_sink(void *arg, const char *s, size_t len)
{
	ik_dout_append(arg, s, len);
	return 0;
}

/* A JSON string literal through the library's one escaper. */
static void
json_str(ik_dout *o, const char *s)
{
	(void)inkan_json_escape(s, strlen(s), dout_sink, o);
}

/* The same for @s with a '.' after it (an absolute DNS name). */
static void
json_fqdn(ik_dout *o, const char *s)
{
	size_t len = strlen(s);
	char *full = ik_malloc(o->b.ctx, len + 2);

	if (full == NULL) {
		if (o->st == INKAN_OK)
			o->st = INKAN_ERR_NOMEM;
		return;
	}
	memcpy(full, s, len);
	full[len] = '.';
	(void)inkan_json_escape(full, len + 1, dout_sink, o);
	ik_free(o->b.ctx, full);
}

void
ik_domain_render_r53(ik_dout *o, const inkan_domain_records *rs)
{
	size_t i;

	ik_dout_puts(o, "{\n  \"Comment\": ");
	json_str(o, "inkan domain setup");
	ik_dout_puts(o, ",\n  \"Changes\": [");
	for (i = 0; i < rs->nrecords; i++) {
		const inkan_domain_record *r = &rs->records[i];
		const char *t = inkan_dns_type_name(r->type);
		ik_dout v;
		char *value = NULL;

		ik_dout_init(&v, o->b.ctx, 8192);
		if (r->type == INKAN_DNS_TYPE_TXT)
			ik_domain_txt_append_r53(&v, r->value,
				strlen(r->value));
		else if (r->type == INKAN_DNS_TYPE_MX)
			ik_dout_printf(&v, "%u %s.", r->preference, r->value);
		else
			ik_dout_printf(&v, "%s.", r->value);
		if (ik_dout_take(&v, &value) != INKAN_OK) {
			if (o->st == INKAN_OK)
				o->st = v.st;
			return;
		}
		ik_dout_printf(o, "%s\n    {\n      \"Action\": \"UPSERT\",\n"
			"      \"ResourceRecordSet\": {\n        \"Name\": ",
			i ? "," : "");
		json_fqdn(o, r->name);
		ik_dout_puts(o, ",\n        \"Type\": ");
		json_str(o, t != NULL ? t : "TXT");
		ik_dout_printf(o, ",\n        \"TTL\": %u,\n        "
			"\"ResourceRecords\": [ { \"Value\": ", r->ttl);
		json_str(o, value);
		ik_dout_puts(o, " } ]\n      }\n    }");
		ik_free(o->b.ctx, value);
	}
	ik_dout_puts(o, "\n  ]\n}\n");
}
