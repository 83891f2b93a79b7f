/* SPDX-License-Identifier: MIT */
/*
 * fuzz_milter_config.c - the inkan-milter configuration parser on
 * arbitrary bytes. Whatever it accepts must print back to a text that
 * parses again and prints the same (the printer writes the file's own
 * syntax), and every refusal must carry a message.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../milter/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *
print(const struct mt_config *c, size_t *len)
{
	char *text = NULL;
	FILE *f = open_memstream(&text, len);

	if (f == NULL)
		abort();
	mt_config_print(c, f);
	fclose(f);
	return text;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mt_config *c = NULL, *again = NULL;
	char err[256], *a, *b;
	size_t alen, blen;

	if (mt_config_parse((const char *)data, size, "fuzz", &c, err,
	    sizeof(err)) != 0) {
		if (c != NULL || err[0] == '\0')
			abort();
		return 0;
	}
	a = print(c, &alen);
	if (mt_config_parse(a, alen, "printed", &again, err,
	    sizeof(err)) != 0) {
		fprintf(stderr, "printed config does not parse: %s\n%s", err,
			a);
		abort();
	}
	b = print(again, &blen);
	if (alen != blen || memcmp(a, b, alen) != 0)
		abort();
	free(a);
	free(b);
	mt_config_free(c);
	mt_config_free(again);
	return 0;
}
