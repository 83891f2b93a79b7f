/* SPDX-License-Identifier: MIT */
/*
 * fuzz_report_uri.c - the report store URI parser (--db, milter config)
 * on arbitrary bytes. A parse that succeeds names a backend and gives a
 * non-empty target that is a copy of (a suffix of) the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <inkan/report.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *uri = malloc(size + 1);
	char target[4200];
	char small[8];
	inkan_report_backend be = (inkan_report_backend)99;

	if (uri == NULL)
		return 0;
	memcpy(uri, data, size);
	uri[size] = '\0';
	inkan_status st = inkan_report_store_uri_parse(uri, &be, target,
		sizeof(target));
	if (st == INKAN_OK) {
		size_t n = strlen(target), u = strlen(uri);
		if (n == 0 || n > u || memcmp(uri + (u - n), target, n) != 0)
			abort();
		if (be != INKAN_REPORT_BACKEND_SQLITE &&
		    be != INKAN_REPORT_BACKEND_POSTGRESQL)
			abort();
		/* a target that does not fit is an error, never a cut */
		st = inkan_report_store_uri_parse(uri, &be, small,
			sizeof(small));
		if ((n < sizeof(small)) != (st == INKAN_OK))
			abort();
	} else if (st != INKAN_ERR_SYNTAX && st != INKAN_ERR_LIMIT) {
		abort();
	}
	free(uri);
	return 0;
}
