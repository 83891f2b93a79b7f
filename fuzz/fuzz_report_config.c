/* SPDX-License-Identifier: MIT */
/*
 * fuzz_report_config.c - the report sender's configuration parser on
 * arbitrary bytes. An error always says which line; a parsed config has
 * its defaults or checked values (caps in range, paths absolute).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <inkan/report.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static inkan_ctx *ctx;
	inkan_report_config *c = NULL;
	char err[256];

	if (ctx == NULL && inkan_ctx_new(NULL, &ctx) != INKAN_OK)
		abort();
	inkan_status st = inkan_report_config_parse(ctx, (const char *)data,
		size, &c, err, sizeof(err));
	if (st != INKAN_OK) {
		if (c != NULL || err[0] == '\0')
			abort();
		return 0;
	}
	const inkan_report_settings *s = inkan_report_config_settings(c);
	if (s->rate_cap < 1 || s->size_cap < 1024 || s->retention_days < 1 ||
	    s->ndeny > 256 || (s->dkim_key && s->dkim_key[0] != '/') ||
	    (s->sendmail && s->sendmail[0] != '/'))
		abort();
	for (size_t i = 0; i < s->ndeny; i++)
		if (s->deny[i] == NULL || s->deny[i][0] == '\0')
			abort();
	inkan_report_config_free(c);
	return 0;
}
