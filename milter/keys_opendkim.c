/* SPDX-License-Identifier: MIT */
/*
 * keys_opendkim.c - import of an OpenDKIM KeyTable + SigningTable, for
 * migration. The subset (inkan-milter.conf(5)):
 *   KeyTable:     NAME  DOMAIN:SELECTOR:/path/to/key
 *   SigningTable: *@DOMAIN  NAME      or      DOMAIN  NAME
 * Lines starting with '#' and blank lines are skipped. A SigningTable
 * pattern that is not one exact domain ("*", "*@*", "*.example.com") is
 * refused: it would sign mail of any domain with one key, OpenDKIM's most
 * common misconfiguration. A KeyTable DOMAIN of "%" is refused for the
 * same reason. The signing domain is the KeyTable's DOMAIN; it must equal
 * the SigningTable's (we sign with the From domain's own key only).
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "keys.h"

#define TABLE_MAX_BYTES (1024 * 1024)
#define TABLE_MAX_LINE 2048

struct kt_entry {
	char name[256];
	char domain[256];
	char selector[64];
	char path[1024];
};

/* Split a line into at most two white-space separated words. */
static int
split2(char *line, char **a, char **b)
{
	char *s = line, *end;

	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '\0' || *s == '#')
		return 0;
	*a = s;
	while (*s != '\0' && *s != ' ' && *s != '\t')
		s++;
	if (*s == '\0')
		return -1;
	*s++ = '\0';
	while (*s == ' ' || *s == '\t')
		s++;
	*b = s;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	if (*s == '\0' || strpbrk(s, " \t") != NULL)
		return -1;
	return 1;
}

static void
lower(char *s)
{
	for (; *s != '\0'; s++)
		*s = (char)tolower((unsigned char)*s);
}

static FILE *
open_table(const char *path, FILE *errs)
{
	FILE *f = fopen(path, "r");

	if (f == NULL && errs != NULL)
		fprintf(errs, "%s: %s\n", path, strerror(errno));
	return f;
}

static int
read_keytable(const char *path, struct kt_entry **out, size_t *n,
	FILE *errs)
{
	char line[TABLE_MAX_LINE], *a, *b, *c1, *c2;
	size_t lineno = 0, total = 0;
	struct kt_entry *e, *grown;
	int problems = 0, r;
	FILE *f = open_table(path, errs);

	if (f == NULL)
		return 1;
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		total += strlen(line);
		if (total > TABLE_MAX_BYTES || strchr(line, '\n') == NULL) {
			if (!feof(f) || total > TABLE_MAX_BYTES) {
				fprintf(errs, "%s:%zu: line or file too long\n",
					path, lineno);
				problems++;
				break;
			}
		}
		r = split2(line, &a, &b);
		if (r == 0)
			continue;
		c1 = r > 0 ? strchr(b, ':') : NULL;
		c2 = c1 != NULL ? strchr(c1 + 1, ':') : NULL;
		if (c2 == NULL || strlen(a) >= sizeof(e->name) ||
		    (size_t)(c1 - b) >= sizeof(e->domain) || c1 == b ||
		    (size_t)(c2 - c1 - 1) >= sizeof(e->selector) ||
		    c2 == c1 + 1 || strlen(c2 + 1) >= sizeof(e->path) ||
		    c2[1] != '/') {
			fprintf(errs, "%s:%zu: expected NAME "
				"DOMAIN:SELECTOR:/PATH\n", path, lineno);
			problems++;
			continue;
		}
		if (c1 - b == 1 && b[0] == '%') {
			fprintf(errs, "%s:%zu: DOMAIN '%%' (any From domain) "
				"is not supported: name the domain\n", path,
				lineno);
			problems++;
			continue;
		}
		grown = realloc(*out, (*n + 1) * sizeof(*grown));
		if (grown == NULL) {
			problems++;
			break;
		}
		*out = grown;
		e = &grown[(*n)++];
		snprintf(e->name, sizeof(e->name), "%s", a);
		snprintf(e->domain, sizeof(e->domain), "%.*s", (int)(c1 - b),
			b);
		lower(e->domain);
		snprintf(e->selector, sizeof(e->selector), "%.*s",
			(int)(c2 - c1 - 1), c1 + 1);
		snprintf(e->path, sizeof(e->path), "%s", c2 + 1);
	}
	fclose(f);
	return problems;
}

static const struct kt_entry *
kt_find(const struct kt_entry *e, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(e[i].name, name) == 0)
			return &e[i];
	return NULL;
}

int
mt_keys_load_opendkim(inkan_ctx *ctx, const char *keytable,
	const char *signingtable, struct mt_keys *k, FILE *out_log,
	FILE *errs)
{
	struct kt_entry *kt = NULL;
	const struct kt_entry *e;
	size_t nkt = 0, lineno = 0;
	char line[TABLE_MAX_LINE], *pat, *name, *dom;
	int problems, r;
	FILE *f;

	problems = read_keytable(keytable, &kt, &nkt, errs);
	f = problems == 0 ? open_table(signingtable, errs) : NULL;
	if (f == NULL) {
		free(kt);
		return problems > 0 ? problems : 1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		r = split2(line, &pat, &name);
		if (r == 0)
			continue;
		if (r < 0) {
			fprintf(errs, "%s:%zu: expected PATTERN NAME\n",
				signingtable, lineno);
			problems++;
			continue;
		}
		dom = strncmp(pat, "*@", 2) == 0 ? pat + 2 : pat;
		lower(dom);
		if (strpbrk(dom, "*@%") != NULL || strchr(dom, '.') == NULL) {
			fprintf(errs, "%s:%zu: pattern '%s' is refused: only "
				"*@DOMAIN or DOMAIN (one exact domain) is "
				"supported, so that no key signs for a domain "
				"by accident\n", signingtable, lineno, pat);
			problems++;
			continue;
		}
		e = kt_find(kt, nkt, name);
		if (e == NULL) {
			fprintf(errs, "%s:%zu: key '%s' is not in %s\n",
				signingtable, lineno, name, keytable);
			problems++;
			continue;
		}
		if (strcmp(e->domain, dom) != 0) {
			fprintf(errs, "%s:%zu: %s would sign mail from %s "
				"with d=%s: inkan-milter signs with the From "
				"domain's own key only\n", signingtable,
				lineno, name, dom, e->domain);
			problems++;
			continue;
		}
		problems += mt_keys_add(ctx, k, e->domain, e->selector,
			e->path, out_log, errs);
	}
	fclose(f);
	free(kt);
	return problems;
}
