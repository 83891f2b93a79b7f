/* SPDX-License-Identifier: MIT */
/*
 * render.c - records in the forms people paste somewhere: a BIND zone
 * file snippet (RFC 1035 5), an nsupdate script, and a table for a
 * person using a web DNS editor. Route 53 is in render_r53.c.
 *
 * Names are absolute with their trailing dot wherever a program reads
 * them; TXT values are cut into quoted character-strings of at most 255
 * bytes (RFC 1035 3.3.14); a DNS TXT value longer than that is several
 * strings of ONE record, joined without separators by DKIM (RFC 6376
 * 3.6.2.2) and SPF (RFC 7208 3.3).
 */
#include <string.h>

#include "core/alloc.h"
#include "domain/domain_internal.h"

#define RENDER_MAX (256 * 1024)

static const char *
type_name(uint16_t t)
{
	const char *n = inkan_dns_type_name(t);

	return n != NULL ? n : "TYPE?";
}

/* the RDATA in master file form */
static void
rdata(ik_dout *o, const inkan_domain_record *r)
{
	if (r->type == INKAN_DNS_TYPE_TXT)
		ik_domain_txt_append(o, r->value, strlen(r->value), " ");
	else if (r->type == INKAN_DNS_TYPE_MX)
		ik_dout_printf(o, "%u %s.", r->preference, r->value);
	else
		ik_dout_printf(o, "%s.", r->value);
}

static void
zone(ik_dout *o, const inkan_domain_records *rs)
{
	size_t i;

	ik_dout_printf(o, "; records for %s (inkan domain setup); absolute "
		"names, load them into the zone of %s.\n", rs->domain,
		rs->domain);
	for (i = 0; i < rs->nrecords; i++) {
		const inkan_domain_record *r = &rs->records[i];

		ik_dout_printf(o, "; %s%s\n", r->purpose, r->shared ? " (keep "
			"the other TXT records here; replace only an old "
			"v=spf1 one)" : "");
		ik_dout_printf(o, "%s. %u IN %s ", r->name, r->ttl,
			type_name(r->type));
		rdata(o, r);
		ik_dout_puts(o, "\n");
	}
	for (i = 0; i < rs->nnotes; i++)
		ik_dout_printf(o, "; note: %s\n", rs->notes[i]);
}

static void
nsupdate(ik_dout *o, const inkan_domain_records *rs)
{
	size_t i;

	ik_dout_printf(o, "; nsupdate -k KEYFILE this-file   (records for "
		"%s)\n; add \"server ADDRESS [PORT]\" and \"zone %s.\" "
		"lines when nsupdate cannot find them in DNS\n", rs->domain,
		rs->domain);
	for (i = 0; i < rs->nrecords; i++) {
		const inkan_domain_record *r = &rs->records[i];

		ik_dout_printf(o, "; %s\n", r->purpose);
		if (r->shared) {
			/* the apex has other TXT records: never delete the
			 * whole RRset */
			ik_dout_printf(o, "; %s. holds other TXT records: if "
				"it has an old SPF record, delete exactly it "
				"first:\n; update delete %s. TXT \"v=spf1 "
				"...old text...\"\n", r->name, r->name);
		} else {
			/* a CNAME there (an old delegation) would make the
			 * add a no-op (RFC 2136 3.4.2.2) */
			ik_dout_printf(o, "update delete %s. CNAME\n"
				"update delete %s. %s\n", r->name, r->name,
				type_name(r->type));
		}
		ik_dout_printf(o, "update add %s. %u %s ", r->name, r->ttl,
			type_name(r->type));
		rdata(o, r);
		ik_dout_puts(o, "\n");
	}
	ik_dout_puts(o, "send\n");
}

/* the host part a web editor wants: the name without ".domain" */
static void
host_part(ik_dout *o, const char *name, const char *domain)
{
	size_t n = strlen(name), d = strlen(domain);

	if (n == d)
		ik_dout_puts(o, "@");
	else if (n > d + 1)
		ik_dout_append(o, name, n - d - 1);
	else
		ik_dout_puts(o, name);
}

static void
table(ik_dout *o, const inkan_domain_records *rs)
{
	size_t i, len;

	ik_dout_printf(o, "Records to publish for %s\n\n", rs->domain);
	for (i = 0; i < rs->nrecords; i++) {
		const inkan_domain_record *r = &rs->records[i];

		ik_dout_printf(o, "%zu. %s\n   Type:  %s\n   Host:  ", i + 1,
			r->purpose, type_name(r->type));
		host_part(o, r->name, rs->domain);
		ik_dout_printf(o, "   (full name: %s)\n   TTL:   %u\n",
			r->name, r->ttl);
		if (r->type == INKAN_DNS_TYPE_MX) {
			ik_dout_printf(o, "   Priority: %u\n   Value: %s\n",
				r->preference, r->value);
		} else {
			len = strlen(r->value);
			ik_dout_printf(o, "   Value: %s\n", r->value);
			if (len > 255) {
				ik_dout_printf(o, "   (%zu characters: if the "
					"editor asks for strings of at most "
					"255, enter:\n    ", len);
				ik_domain_txt_append(o, r->value, len, " ");
				ik_dout_puts(o, ")\n");
			}
		}
		if (r->shared)
			ik_dout_puts(o, "   Other TXT records at this name stay;"
				" replace only an old \"v=spf1\" one.\n");
		ik_dout_puts(o, "\n");
	}
	ik_dout_puts(o, "Pitfalls of web DNS editors:\n"
		"  - Host: most editors want only the part shown as Host and "
		"add the domain\n    themselves; entering the full name there "
		"gives name.DOMAIN.DOMAIN.\n"
		"  - Trailing dot: where an editor takes full names, some need "
		"a final \".\"\n    (absolute) and some add the domain again "
		"without it; check the result.\n"
		"  - Quotes: enter TXT values without quotes unless the editor "
		"shows them;\n    a value saved with quotes inside is a "
		"different value.\n"
		"  - 255 characters: one TXT string holds at most 255; DKIM "
		"keys are longer and\n    must be split into several strings "
		"of ONE record, never into two records.\n"
		"  - Underscores: _domainkey and _dmarc names need them; an "
		"editor that refuses\n    them cannot publish DKIM or "
		"DMARC.\n"
		"  - MX: the priority goes in its own field; the value is the "
		"host name only.\n");
	if (rs->nnotes > 0)
		ik_dout_puts(o, "\nNotes:\n");
	for (i = 0; i < rs->nnotes; i++)
		ik_dout_printf(o, "  - %s\n", rs->notes[i]);
}

void ik_domain_render_r53(ik_dout *o, const inkan_domain_records *rs);

INKAN_API inkan_status
inkan_domain_render(inkan_ctx *ctx, const inkan_domain_records *rs,
	inkan_domain_format format, char **text)
{
	ik_dout o;

	if (text == NULL)
		return INKAN_ERR_INVALID;
	*text = NULL;
	if (ctx == NULL || rs == NULL)
		return INKAN_ERR_INVALID;
	ik_dout_init(&o, ctx, RENDER_MAX);
	switch (format) {
	case INKAN_DOMAIN_FORMAT_ZONE: zone(&o, rs); break;
	case INKAN_DOMAIN_FORMAT_NSUPDATE: nsupdate(&o, rs); break;
	case INKAN_DOMAIN_FORMAT_ROUTE53: ik_domain_render_r53(&o, rs); break;
	case INKAN_DOMAIN_FORMAT_TABLE: table(&o, rs); break;
	default:
		return INKAN_ERR_INVALID;
	}
	return ik_dout_take(&o, text);
}
