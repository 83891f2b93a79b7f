/* SPDX-License-Identifier: MIT */
/*
 * psl_conformance.c - the Public Suffix List's own test vectors
 * (tests.txt: "input expected-registrable-domain", "null" for none)
 * against the list they were written for, through libinkan's DMARC PSL
 * API. Usage: psl_conformance LIST TESTS. Exit 0 only when every vector
 * passes; prints each failure and a summary line.
 *
 * The file has 82 vectors; 4 of them ("Listed, but non-Internet, TLD":
 * local, example.local, ...) are commented out upstream because they
 * contradict the list's own "*" default rule ("local" is not listed, so
 * example.local IS registrable). They are run and shown for information
 * but not counted.
 */
#include <stdio.h>
#include <string.h>

#include <inkan/dmarc.h>

static int
check(const inkan_dmarc_psl *psl, const char *in, const char *want)
{
	char got[1024];
	inkan_status st;

	if (strcmp(in, "null") == 0)
		st = INKAN_ERR_NOT_FOUND;	/* a null input has none */
	else
		st = inkan_dmarc_psl_registrable(psl, in, got, sizeof(got));
	if (strcmp(want, "null") == 0) {
		if (st == INKAN_ERR_NOT_FOUND)
			return 1;
		printf("FAIL %s: want null, got %s\n", in,
			st == INKAN_OK ? got : inkan_strerror(st));
		return 0;
	}
	if (st == INKAN_OK && strcmp(got, want) == 0)
		return 1;
	printf("FAIL %s: want %s, got %s\n", in, want,
		st == INKAN_OK ? got : inkan_strerror(st));
	return 0;
}

int
main(int argc, char **argv)
{
	inkan_ctx *ctx = NULL;
	inkan_dmarc_psl *psl = NULL;
	char line[2048], in[1024], want[1024];
	unsigned total = 0, passed = 0, disabled = 0;
	FILE *f;

	if (argc != 3) {
		fprintf(stderr, "usage: %s LIST TESTS\n", argv[0]);
		return 2;
	}
	if (inkan_ctx_new(NULL, &ctx) != INKAN_OK ||
	    inkan_dmarc_psl_load(ctx, argv[1], &psl) != INKAN_OK) {
		fprintf(stderr, "cannot load %s\n", argv[1]);
		return 2;
	}
	if ((f = fopen(argv[2], "r")) == NULL) {
		perror(argv[2]);
		return 2;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		char *sp, *end;

		line[strcspn(line, "\r\n")] = '\0';
		if (strncmp(line, "//", 2) == 0 && line[2] != ' ' &&
		    line[2] != '\0' && strchr(line, ' ') != NULL) {
			/* a vector disabled upstream: show, do not count */
			char *p = strchr(line, ' ');
			char got[1024];
			*p = '\0';
			disabled++;
			printf("disabled upstream: %s (want %s): got %s\n",
				line + 2, p + 1,
				inkan_dmarc_psl_registrable(psl, line + 2, got,
				sizeof(got)) == INKAN_OK ? got : "null");
			continue;
		}
		if (line[0] == '\0' || strncmp(line, "//", 2) == 0)
			continue;
		sp = strchr(line, ' ');
		if (sp == NULL || strlen(line) >= sizeof(in)) {
			printf("BAD LINE %s\n", line);
			total++;
			continue;
		}
		*sp = '\0';
		end = sp + 1 + strcspn(sp + 1, " ");
		*end = '\0';
		memcpy(in, line, strlen(line) + 1);
		memcpy(want, sp + 1, strlen(sp + 1) + 1);
		total++;
		passed += (unsigned)check(psl, in, want);
	}
	fclose(f);
	printf("PSL conformance: %u/%u passed (%u disabled upstream)\n",
		passed, total, disabled);
	inkan_dmarc_psl_free(psl);
	inkan_ctx_free(ctx);
	return passed == total && total > 0 ? 0 : 1;
}
