/* SPDX-License-Identifier: MIT */
/*
 * arc_suite.c - run ValiMail's ARC test suite (../shared/testsuites/arc,
 * read in place) against lib/arc.
 *
 *   arc_suite [-v] --validate arc-draft-validation-tests.yml
 *   arc_suite [-v] --sign arc-draft-sign-tests.yml
 *
 * Validation: each scenario's txt-records become static key records of
 * the DKIM handle (their YAML line breaks are where DNS would join
 * strings, so they are dropped); each message (LF line ends; lib/msg
 * makes them CRLF) goes through inkan_arc_verify and the chain status is
 * compared with cv, case-insensitively. The file repeats four keys of
 * one mapping; like the suite's own loader (PyYAML) the last one counts,
 * which gives 171 cases.
 *
 * Signing: the clock is the test's t, the key the scenario's private
 * key, the AMS h= the test's sig-headers, and the AAR records the
 * message's Authentication-Results of srv-id merged
 * (inkan_arc_authres_merge). The message is validated first and sealed
 * with that result. A case passes when the tags of the AS, AMS and AAR we
 * make equal the expected ones (as sets of tag=value with all white
 * space removed, as the suite's own runner compares them) apart from b=,
 * and the chain we made validates: pass, or for a cv=fail seal, the
 * "newest seal says cv=fail" failure. An expected empty AS means nothing
 * may be added. Identical b= values (the signer writes its tags in a
 * different order from dkimpy's, so they need not be) are counted and
 * shown (RFC 8617 4.1.2/4.1.3 ABNF puts i= first, dkimpy sorts the
 * tags, so the signed bytes and b= differ).
 *
 * Where the suite contradicts RFC 8617, the case is listed below with the
 * section that decides it and the status the RFC requires; the runner
 * checks for that status instead. Exit: 0 all passed, 1 failures, 2 the
 * runner could not run.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <inkan/arc.h>
#include <inkan/ctx.h>
#include <inkan/dkim.h>
#include <inkan/keys.h>
#include <inkan/msg.h>

#include "spf_yaml_zone.h"

static const struct contradiction {
	const char *test;
	const char *section;
	const char *want;	/* what RFC 8617 requires */
	const char *why;
} contradictions[] = {
	{ "cv_fail_i1_as_cv_fail", "RFC 8617 5.2 step 2",
	  "fail", "the suite expects \"\" (what dkimpy returned); step 2: "
	  "when the newest set's AS says cv=fail the status is fail" },
	{ "cv_fail_i2_as2_fail", "RFC 8617 5.2 step 2",
	  "fail", "the suite expects \"\"; the newest AS (i=2) says "
	  "cv=fail, so the status is fail" },
	{ "cv_fail_i2_as1_fail", "RFC 8617 5.2 step 3 C",
	  "fail", "the suite expects \"\"; the AS of i=1 says cv=fail, and "
	  "no cv= may be fail (i=1 must say none), so the status is fail" },
	{ "ams_fields_c_na", "RFC 8617 4.1.2, RFC 6376 3.5 c=",
	  "fail", "the AMS has no c= and verifies only as relaxed/relaxed; "
	  "the AMS has the semantics of DKIM-Signature, whose c= defaults "
	  "to simple/simple, under which this signature does not verify" },
	{ "ams_fields_h_empty", "RFC 8617 4.1.2, RFC 6376 3.5 h= and 6.1.1",
	  "fail", "the AMS has an empty h=; the AMS has DKIM-Signature's "
	  "syntax and semantics, where h= \"MUST NOT be empty\" (3.5, and "
	  "its ABNF needs a field name) and an h= without From is PERMFAIL "
	  "(6.1.1)" },
	{ "ams_fields_h_mis_hdr", "RFC 8617 4.1.2, RFC 6376 3.5 h= and 6.1.1",
	  "fail", "the AMS h= is \"from:to::date:...\": the empty name "
	  "between the colons is not a field-name (sig-h-tag ABNF), and a "
	  "malformed value MUST make the verifier return PERMFAIL "
	  "(signature syntax error, 6.1.1)" },
	{ NULL, NULL, NULL, NULL }
};

static int verbose;
static int64_t clock_now;

static int64_t
fixed_clock(void *ud)
{
	(void)ud;
	return clock_now;
}

struct totals {
	unsigned run, passed, rfc, failed, b_same;
};

static char *
dup_node(yaml_document_t *doc, yaml_node_t *n)
{
	size_t len = 0;
	const char *s = yz_scalar(doc, n, &len);
	char *out = malloc(len + 1);

	if (out == NULL) {
		fprintf(stderr, "out of memory\n");
		exit(2);
	}
	if (s != NULL)
		memcpy(out, s, len);
	out[s != NULL ? len : 0] = '\0';
	return out;
}

/* the value of @key, taking the LAST pair with that key (PyYAML) */
static yaml_node_t *
get_last(yaml_document_t *doc, yaml_node_t *map, const char *key)
{
	yaml_node_pair_t *p;
	yaml_node_t *found = NULL, *k;
	size_t len;
	const char *s;

	if (map == NULL || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (p = map->data.mapping.pairs.start;
	    p < map->data.mapping.pairs.top; p++) {
		k = yaml_document_get_node(doc, p->key);
		s = yz_scalar(doc, k, &len);
		if (s != NULL && len == strlen(key) && memcmp(s, key, len) == 0)
			found = yaml_document_get_node(doc, p->value);
	}
	return found;
}

/* 1 if a later pair of @map has the same key as pair @p */
static int
overridden(yaml_document_t *doc, yaml_node_t *map, yaml_node_pair_t *p)
{
	yaml_node_pair_t *q;
	size_t l1, l2;
	const char *k1 = yz_scalar(doc, yaml_document_get_node(doc, p->key),
		&l1), *k2;

	for (q = p + 1; q < map->data.mapping.pairs.top; q++) {
		k2 = yz_scalar(doc, yaml_document_get_node(doc, q->key), &l2);
		if (k1 && k2 && l1 == l2 && memcmp(k1, k2, l1) == 0)
			return 1;
	}
	return 0;
}

/* a DKIM handle with the scenario's txt-records as static keys */
static inkan_dkim *
scenario_keys(inkan_ctx *ctx, yaml_document_t *doc, yaml_node_t *sc)
{
	yaml_node_t *recs = get_last(doc, sc, "txt-records");
	yaml_node_pair_t *p;
	inkan_dkim *dkim = NULL;
	char *name, *txt, *w, *r;

	if (inkan_dkim_new(ctx, &dkim) != INKAN_OK)
		return NULL;
	if (recs == NULL || recs->type != YAML_MAPPING_NODE)
		return dkim;
	for (p = recs->data.mapping.pairs.start;
	    p < recs->data.mapping.pairs.top; p++) {
		name = dup_node(doc, yaml_document_get_node(doc, p->key));
		txt = dup_node(doc, yaml_document_get_node(doc, p->value));
		for (r = w = txt; *r != '\0'; r++)
			if (*r != '\n')
				*w++ = *r;
		*w = '\0';
		if (inkan_dkim_add_key_record(dkim, name, txt) != INKAN_OK)
			fprintf(stderr, "cannot add key %s\n", name);
		free(name);
		free(txt);
	}
	return dkim;
}

static const struct contradiction *
find_contradiction(const char *test)
{
	const struct contradiction *c;

	for (c = contradictions; c->test != NULL; c++)
		if (strcmp(c->test, test) == 0)
			return c;
	return NULL;
}

/* validate @text; *res_out gets the status, *why the explanation */
static int
validate_text(inkan_ctx *ctx, inkan_dkim *dkim, const char *text,
	size_t len, const char **verdict, char *why, size_t whylen)
{
	inkan_msg *msg = NULL;
	inkan_arc_verify *v = NULL;
	const inkan_arc_result *r;
	int rc = -1;

	if (inkan_msg_new(ctx, &msg) != INKAN_OK ||
	    inkan_arc_verify_new(dkim, msg, &v) != INKAN_OK)
		goto out;
	if (inkan_msg_feed(msg, text, len) != INKAN_OK ||
	    inkan_msg_finish(msg) != INKAN_OK) {
		/* a message the parser refuses has no readable chain */
		*verdict = "none";
		snprintf(why, whylen, "message not parsed");
		rc = 0;
		goto out;
	}
	if (inkan_arc_verify_eom(v) != INKAN_OK ||
	    (r = inkan_arc_verify_result(v)) == NULL)
		goto out;
	*verdict = inkan_arc_verdict_str(r->verdict);
	inkan_arc_result_explain(r, why, whylen);
	rc = 0;
out:
	inkan_arc_verify_free(v);
	inkan_msg_free(msg);
	return rc;
}

static int
lower_eq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return 0;
	return *a == *b;
}

static void
run_validation(inkan_ctx *ctx, yaml_document_t *doc, yaml_node_t *sc,
	struct totals *tot)
{
	yaml_node_t *tests = get_last(doc, sc, "tests");
	yaml_node_pair_t *p;
	inkan_dkim *dkim = scenario_keys(ctx, doc, sc);
	const struct contradiction *c;
	char *id, *message, *cv, why[256];
	const char *got, *want;

	if (dkim == NULL || tests == NULL ||
	    tests->type != YAML_MAPPING_NODE) {
		fprintf(stderr, "bad scenario\n");
		exit(2);
	}
	for (p = tests->data.mapping.pairs.start;
	    p < tests->data.mapping.pairs.top; p++) {
		yaml_node_t *t = yaml_document_get_node(doc, p->value);
		if (overridden(doc, tests, p))
			continue;
		id = dup_node(doc, yaml_document_get_node(doc, p->key));
		message = dup_node(doc, get_last(doc, t, "message"));
		cv = dup_node(doc, get_last(doc, t, "cv"));
		c = find_contradiction(id);
		want = c != NULL ? c->want : cv;
		tot->run++;
		if (validate_text(ctx, dkim, message, strlen(message), &got,
		    why, sizeof(why)) < 0) {
			fprintf(stderr, "%s: the validator failed\n", id);
			exit(2);
		}
		if (lower_eq(got, want)) {
			if (c != NULL) {
				tot->rfc++;
				printf("RFC   %s: suite says \"%s\", %s requires "
					"%s: %s\n", id, cv, c->section, c->want,
					c->why);
			} else {
				tot->passed++;
			}
			if (verbose)
				printf("ok    %s: %s (%s)\n", id, got, why);
		} else {
			tot->failed++;
			printf("FAIL  %s: got %s (%s), want %s\n", id, got, why,
				want);
		}
		free(id);
		free(message);
		free(cv);
	}
	inkan_dkim_free(dkim);
}

/* "a=1; b = 2;" -> sorted "a=1" "b=2" set without b= (and without the
 * field name); returns a malloc'd string of the set, ';'-joined */
static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *
tag_set(const char *v, int keep_b, char **b_value)
{
	char *s = malloc(strlen(v) + 1), *w = s, *tok, *items[64], *out;
	size_t n = 0, i, total = 1;
	const char *r;

	if (s == NULL)
		exit(2);
	for (r = v; *r != '\0'; r++)
		if (!isspace((unsigned char)*r))
			*w++ = *r;
	*w = '\0';
	for (tok = strtok(s, ";"); tok != NULL && n < 64;
	    tok = strtok(NULL, ";")) {
		if (!keep_b && strncmp(tok, "b=", 2) == 0) {
			if (b_value != NULL)
				*b_value = strdup(tok + 2);
			continue;
		}
		items[n++] = tok;
	}
	qsort(items, n, sizeof(items[0]), cmp_str);
	for (i = 0; i < n; i++)
		total += strlen(items[i]) + 1;
	if ((out = malloc(total)) == NULL)
		exit(2);
	out[0] = '\0';
	for (i = 0; i < n; i++) {
		strcat(out, items[i]);
		strcat(out, ";");
	}
	free(s);
	return out;
}

/* the value of a made field "Name: value\r\n" */
static const char *
field_value(const char *f)
{
	const char *c = strchr(f, ':');

	return c != NULL ? c + 1 : f;
}

/* compare a made field with the expected tags; AAR keeps b-less form */
static int
same_tags(const char *made, const char *want, int is_aar, int *b_same)
{
	char *b1 = NULL, *b2 = NULL;
	char *s1 = tag_set(field_value(made), is_aar, &b1);
	char *s2 = tag_set(want, is_aar, &b2);
	int ok = strcmp(s1, s2) == 0;

	if (!ok && verbose)
		printf("      made %s\n      want %s\n", s1, s2);
	if (b1 != NULL && b2 != NULL && strcmp(b1, b2) == 0)
		(*b_same)++;
	free(s1);
	free(s2);
	free(b1);
	free(b2);
	return ok;
}

static int
sign_one(inkan_ctx *ctx, inkan_dkim *dkim, const inkan_key *key,
	const char *domain, const char *sel, yaml_document_t *doc,
	yaml_node_t *t, const char *id, struct totals *tot)
{
	char *message = dup_node(doc, get_last(doc, t, "message"));
	char *tstr = dup_node(doc, get_last(doc, t, "t"));
	char *hdrs = dup_node(doc, get_last(doc, t, "sig-headers"));
	char *srv = dup_node(doc, get_last(doc, t, "srv-id"));
	char *want[3], *names[64], *tok, *authres = NULL, *sealed = NULL;
	static const char *const keys[3] = { "AS", "AMS", "AAR" };
	inkan_msg *msg = NULL;
	inkan_arc_verify *v = NULL;
	inkan_arc_seal *s = NULL;
	inkan_arc_seal_key sk;
	const inkan_arc_result *r = NULL;
	const char *verdict = "?";
	char why[256] = "";
	size_t n = 0, i, len, total;
	int ok = 0, b_same = 0, expect_none;

	for (i = 0; i < 3; i++)
		want[i] = dup_node(doc, get_last(doc, t, keys[i]));
	expect_none = want[0][strspn(want[0], " \t\r\n")] == '\0';
	clock_now = strtoll(tstr, NULL, 10);
	for (tok = strtok(hdrs, ":"); tok != NULL && n < 63;
	    tok = strtok(NULL, ":"))
		names[n++] = tok;
	names[n] = NULL;
	memset(&sk, 0, sizeof(sk));
	sk.domain = domain;
	sk.selector = sel;
	sk.key = key;
	sk.headers = (const char *const *)names;
	if (inkan_msg_new(ctx, &msg) != INKAN_OK ||
	    inkan_arc_verify_new(dkim, msg, &v) != INKAN_OK ||
	    inkan_arc_seal_new(dkim, msg, &sk, &s) != INKAN_OK ||
	    inkan_msg_feed(msg, message, strlen(message)) != INKAN_OK ||
	    inkan_msg_finish(msg) != INKAN_OK ||
	    inkan_arc_verify_eom(v) != INKAN_OK ||
	    (r = inkan_arc_verify_result(v)) == NULL ||
	    inkan_arc_authres_merge(ctx, msg, srv, &authres) != INKAN_OK ||
	    inkan_arc_seal_eom(s, r, authres) != INKAN_OK) {
		printf("FAIL  %s: could not seal\n", id);
		goto out;
	}
	if (expect_none) {
		ok = inkan_arc_seal_count(s) == 0;
		if (!ok)
			printf("FAIL  %s: a set was added after cv=fail\n", id);
		goto out;
	}
	if (inkan_arc_seal_count(s) != 3) {
		printf("FAIL  %s: no set made\n", id);
		goto out;
	}
	ok = 1;
	for (i = 0; i < 3; i++)
		if (!same_tags(inkan_arc_seal_header(s, i, NULL), want[i],
		    i == 2, &b_same)) {
			printf("FAIL  %s: %s tags differ\n", id, keys[i]);
			ok = 0;
		}
	/* the chain we made must validate */
	total = strlen(message) + 1;
	for (i = 0; i < 3; i++)
		total += strlen(inkan_arc_seal_header(s, i, NULL));
	if ((sealed = malloc(total)) == NULL)
		exit(2);
	sealed[0] = '\0';
	for (i = 0; i < 3; i++)
		strcat(sealed, inkan_arc_seal_header(s, i, &len));
	strcat(sealed, message);
	if (validate_text(ctx, dkim, sealed, strlen(sealed), &verdict, why,
	    sizeof(why)) < 0)
		exit(2);
	if (strstr(inkan_arc_seal_header(s, 0, NULL), "cv=fail") != NULL ?
	    strcmp(verdict, "fail") != 0 || strstr(why, "cv=fail") == NULL :
	    strcmp(verdict, "pass") != 0) {
		printf("FAIL  %s: the sealed chain validates as %s (%s)\n",
			id, verdict, why);
		ok = 0;
	}
	if (verbose)
		for (i = 0; i < 3; i++)
			fputs(inkan_arc_seal_header(s, i, NULL), stdout);
out:
	if (ok)
		tot->passed++;
	else
		tot->failed++;
	tot->b_same += b_same == 2 ? 1 : 0;
	tot->run++;
	if (ok && verbose)
		printf("ok    %s (%s)\n", id, verdict);
	inkan_arc_seal_free(s);
	inkan_arc_verify_free(v);
	inkan_msg_free(msg);
	inkan_free(ctx, authres);
	free(sealed);
	for (i = 0; i < 3; i++)
		free(want[i]);
	free(message);
	free(tstr);
	free(hdrs);
	free(srv);
	return ok;
}

static void
run_signing(inkan_ctx *ctx, yaml_document_t *doc, yaml_node_t *sc,
	struct totals *tot)
{
	yaml_node_t *tests = get_last(doc, sc, "tests");
	yaml_node_pair_t *p;
	inkan_dkim *dkim = scenario_keys(ctx, doc, sc);
	char *domain = dup_node(doc, get_last(doc, sc, "domain"));
	char *sel = dup_node(doc, get_last(doc, sc, "sel"));
	char *pem = dup_node(doc, get_last(doc, sc, "privatekey"));
	inkan_key *key = NULL;
	char *id;

	if (dkim == NULL || tests == NULL ||
	    inkan_key_load(ctx, pem, strlen(pem), &key) != INKAN_OK) {
		fprintf(stderr, "bad signing scenario\n");
		exit(2);
	}
	for (p = tests->data.mapping.pairs.start;
	    p < tests->data.mapping.pairs.top; p++) {
		if (overridden(doc, tests, p))
			continue;
		id = dup_node(doc, yaml_document_get_node(doc, p->key));
		sign_one(ctx, dkim, key, domain, sel, doc,
			yaml_document_get_node(doc, p->value), id, tot);
		free(id);
	}
	inkan_key_free(key);
	inkan_dkim_free(dkim);
	free(domain);
	free(sel);
	free(pem);
}

int
main(int argc, char **argv)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	struct totals tot = { 0, 0, 0, 0, 0 };
	inkan_ctx *ctx = NULL;
	const char *path = NULL;
	int sign = -1, i;
	FILE *f;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-v") == 0)
			verbose = 1;
		else if (strcmp(argv[i], "--validate") == 0)
			sign = 0;
		else if (strcmp(argv[i], "--sign") == 0)
			sign = 1;
		else
			path = argv[i];
	}
	if (path == NULL || sign < 0) {
		fprintf(stderr, "usage: arc_suite [-v] --validate|--sign "
			"FILE.yml\n");
		return 2;
	}
	if ((f = fopen(path, "rb")) == NULL) {
		perror(path);
		return 2;
	}
	if (inkan_ctx_new(NULL, &ctx) != INKAN_OK)
		return 2;
	/* validation: signatures carry t=12345; now is any later time */
	clock_now = 1700000000;
	inkan_ctx_set_clock(ctx, fixed_clock, NULL);
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_file(&parser, f);
	for (;;) {
		yaml_node_t *root;
		if (!yaml_parser_load(&parser, &doc)) {
			fprintf(stderr, "%s: YAML error\n", path);
			return 2;
		}
		if ((root = yaml_document_get_root_node(&doc)) == NULL) {
			yaml_document_delete(&doc);
			break;
		}
		if (sign)
			run_signing(ctx, &doc, root, &tot);
		else
			run_validation(ctx, &doc, root, &tot);
		yaml_document_delete(&doc);
	}
	yaml_parser_delete(&parser);
	fclose(f);
	inkan_ctx_free(ctx);
	printf("%s: %u/%u pass (%u as the suite says, %u where RFC 8617 "
		"overrides it), %u fail\n", sign ? "signing" : "validation",
		tot.passed + tot.rfc, tot.run, tot.passed, tot.rfc,
		tot.failed);
	if (sign)
		printf("signing: b= identical to the suite's in %u/%u sets\n",
			tot.b_same, tot.run);
	return tot.failed == 0 && tot.run > 0 ? 0 : 1;
}
