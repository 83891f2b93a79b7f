/* SPDX-License-Identifier: MIT */
/* fuzz_report_xml - the aggregate report XML parser (lib/report). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <inkan/inkan.h>
#include <inkan/report_intake.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static inkan_status
on_begin(void *arg, const inkan_agg_meta *m, int *skip)
{
	/* touch every field so ASan sees stale pointers */
	*(size_t *)arg += strlen(m->org_name) + strlen(m->domain) +
		strlen(m->report_id);
	return INKAN_OK;
}

static inkan_status
on_record(void *arg, const inkan_agg_meta *m, const inkan_agg_record *r)
{
	size_t *n = arg;

	*n += strlen(r->source_ip) + strlen(r->header_from);
	for (size_t i = 0; i < r->ndkim; i++)
		*n += strlen(r->dkim_auth[i].domain);
	for (size_t i = 0; i < r->nspf; i++)
		*n += strlen(r->spf_auth[i].result);
	return INKAN_OK;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static inkan_ctx *ctx;
	size_t n = 0;
	inkan_agg_sink sink = { &n, on_begin, on_record, NULL };
	char err[256];

	if (ctx == NULL && inkan_ctx_new(NULL, &ctx) != INKAN_OK)
		return 0;
	(void)inkan_agg_parse(ctx, data, size, NULL, &sink, err, sizeof(err));
	return 0;
}
