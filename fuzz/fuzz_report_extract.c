/* SPDX-License-Identifier: MIT */
/*
 * fuzz_report_extract - finding reports in unknown input: sniffing, gzip,
 * zip, MIME (base64, quoted-printable, multipart), mbox, and the failure
 * report parser on what it finds.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <inkan/inkan.h>
#include <inkan/report_intake.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static inkan_ctx *ctx;

static inkan_status
on_item(void *arg, const inkan_report_item *it)
{
	char err[256];

	if (it->kind == INKAN_REPORT_FAILURE) {
		inkan_failure_report *fr;
		if (inkan_failure_parse(ctx, it->data, it->len, arg, &fr, err,
		    sizeof(err)) == INKAN_OK)
			inkan_failure_free(ctx, fr);
	} else {
		(void)inkan_agg_parse(ctx, it->data, it->len, arg, NULL, err,
			sizeof(err));
	}
	return INKAN_OK;
}

static void
on_error(void *arg, const char *origin, inkan_status st, const char *msg)
{
	(void)strlen(origin);
	(void)strlen(msg);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	inkan_report_limits lim;
	inkan_report_extract_cb cb = { &lim, on_item, on_error };

	if (ctx == NULL && inkan_ctx_new(NULL, &ctx) != INKAN_OK)
		return 0;
	/* small bounds keep each run fast; the code paths are the same */
	inkan_report_limits_default(&lim);
	lim.max_xml = 1u << 20;
	lim.max_input = 1u << 20;
	(void)inkan_report_extract(ctx, data, size, "fuzz", &lim, &cb);
	return 0;
}
