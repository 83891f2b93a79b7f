/* SPDX-License-Identifier: MIT */
/*
 * spf_suite.c - run the openspf SPF test suites (RFC 7208 and RFC 4408
 * editions, YAML) against inkan_spf_check().
 *
 *   spf_suite [-v] FILE.yml ...
 *   spf_suite --emit FILE.yml      (no comparison: one line per test,
 *                                   "id TAB result TAB explanation")
 *
 * Each scenario's zonedata becomes a zone loaded into an in-memory zone
 * resolver; each test is a MAIL FROM check (an empty mailfrom is the null
 * sender, i.e. postmaster@HELO) with the default explanation "DEFAULT",
 * as in the suite's own driver. A test passes when the result is one of
 * the allowed ones and, if the test gives one, the explanation is equal.
 *
 * Where a test of the older RFC 4408 suite contradicts RFC 7208, it is
 * listed below with the section of RFC 7208 that decides it and the result
 * RFC 7208 requires; the runner then checks for that result. Every other
 * difference is a failure. Exit status: 0 all passed, 1 failures, 2 the
 * runner itself could not work.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <inkan/ctx.h>
#include <inkan/dns.h>
#include <inkan/spf.h>

#include "spf_yaml_zone.h"

/* RFC 4408-era expectations that RFC 7208 changed */
static const struct contradiction {
	const char *suite;	/* file name */
	const char *test;
	const char *section;	/* RFC 7208 section that decides */
	const char *result;	/* what RFC 7208 requires */
	const char *why;
} contradictions[] = {
	{ NULL, NULL, NULL, NULL, NULL }
};

static int verbose;
static int emit;	/* print results instead of comparing */

struct totals {
	unsigned run, passed, overridden, failed;
};

static const struct contradiction *
find_contradiction(const char *suite, const char *test, size_t tlen)
{
	const struct contradiction *c;
	const char *base = strrchr(suite, '/');

	base = base != NULL ? base + 1 : suite;
	for (c = contradictions; c->suite != NULL; c++)
		if (strcmp(c->suite, base) == 0 && strlen(c->test) == tlen &&
		    memcmp(c->test, test, tlen) == 0)
			return c;
	return NULL;
}

/* NUL-terminated copy of a scalar ("" if absent) */
static char *
dup_scalar(yaml_document_t *doc, yaml_node_t *n)
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

/* is @got among the expected results (a scalar or a list)? */
static int
result_allowed(yaml_document_t *doc, yaml_node_t *want, const char *got,
	struct strbuf *shown)
{
	yaml_node_item_t *it;
	size_t len;
	const char *s = yz_scalar(doc, want, &len);
	int ok = 0;

	if (s != NULL) {
		sb_add(shown, s, len);
		return len == strlen(got) && memcmp(s, got, len) == 0;
	}
	if (want == NULL || want->type != YAML_SEQUENCE_NODE)
		return 0;
	for (it = want->data.sequence.items.start;
	    it < want->data.sequence.items.top; it++) {
		s = yz_scalar(doc, yaml_document_get_node(doc, *it), &len);
		if (s == NULL)
			continue;
		if (shown->len > 0)
			sb_puts(shown, "|");
		sb_add(shown, s, len);
		if (len == strlen(got) && memcmp(s, got, len) == 0)
			ok = 1;
	}
	return ok;
}

static void
print_verdict(const inkan_spf_verdict *v)
{
	size_t i;

	printf("    result=%s reason=%s mechanism=%s problem=%s "
		"error_domain=%s terms=%u void=%u\n",
		inkan_spf_result_name(v->result),
		inkan_spf_reason_name(v->reason),
		v->mechanism ? v->mechanism : "-",
		v->problem ? v->problem : "-",
		v->error_domain ? v->error_domain : "-", v->dns_terms,
		v->void_lookups);
	if (v->explanation != NULL)
		printf("    explanation=\"%s\"\n", v->explanation);
	for (i = 0; verbose && i < v->ntrace; i++) {
		const inkan_spf_trace *t = &v->trace[i];

		printf("    %*s%-9s %s: %s%s%s%s%s\n", (int)t->depth * 2, "",
			inkan_spf_step_name(t->step), t->domain, t->term,
			t->target ? " -> " : "", t->target ? t->target : "",
			t->note ? "  ; " : "", t->note ? t->note : "");
	}
}

static int
run_test(inkan_ctx *ctx, const char *suite, yaml_document_t *doc,
	const char *id, size_t idlen, yaml_node_t *t, struct totals *tot)
{
	inkan_spf_request req;
	inkan_spf_verdict *v = NULL;
	char *helo = dup_scalar(doc, yz_get(doc, t, "helo"));
	char *host = dup_scalar(doc, yz_get(doc, t, "host"));
	char *mailfrom = dup_scalar(doc, yz_get(doc, t, "mailfrom"));
	yaml_node_t *want_exp = yz_get(doc, t, "explanation");
	const struct contradiction *con;
	struct strbuf shown;
	inkan_status st;
	int ok;

	sb_init(&shown);
	memset(&req, 0, sizeof(req));
	req.client_ip = host;
	req.mail_from = mailfrom;
	req.helo = helo;
	req.default_explanation = "DEFAULT";
	req.flags = verbose ? INKAN_SPF_FLAG_TRACE : 0;
	st = inkan_spf_check(ctx, &req, INKAN_SPF_IDENTITY_MAILFROM, &v);
	tot->run++;
	if (emit) {
		printf("%.*s\t%s\t%s\t%s\n", (int)idlen, id, st == INKAN_OK ?
		    inkan_spf_result_name(v->result) : inkan_strerror(st),
		    st == INKAN_OK && v->explanation ? v->explanation : "-",
		    st == INKAN_OK ? inkan_spf_reason_name(v->reason) : "-");
		tot->passed++;
		goto out;
	}
	if (st != INKAN_OK) {
		printf("FAIL %.*s: inkan_spf_check: %s\n", (int)idlen, id,
			inkan_strerror(st));
		tot->failed++;
		goto out;
	}
	con = find_contradiction(suite, id, idlen);
	if (con != NULL) {
		ok = strcmp(inkan_spf_result_name(v->result), con->result) == 0;
		sb_puts(&shown, con->result);
	} else {
		ok = result_allowed(doc, yz_get(doc, t, "result"),
			inkan_spf_result_name(v->result), &shown);
	}
	if (ok && want_exp != NULL) {
		size_t len;
		const char *e = yz_scalar(doc, want_exp, &len);

		ok = e != NULL && v->explanation != NULL &&
		    strlen(v->explanation) == len &&
		    memcmp(v->explanation, e, len) == 0;
		if (!ok)
			printf("FAIL %.*s: explanation \"%.*s\" wanted, got "
				"\"%s\"\n", (int)idlen, id, (int)len,
				e ? e : "", v->explanation ? v->explanation :
				"(none)");
	} else if (!ok) {
		printf("FAIL %.*s: %s wanted, got %s\n", (int)idlen, id,
			shown.data, inkan_spf_result_name(v->result));
	}
	if (!ok) {
		tot->failed++;
		print_verdict(v);
	} else if (con != NULL) {
		tot->overridden++;
		if (verbose)
			printf("RFC7208 %.*s: %s (RFC 7208 %s: %s)\n",
				(int)idlen, id, con->result, con->section,
				con->why);
	} else {
		tot->passed++;
	}
out:
	inkan_spf_verdict_free(v);
	sb_free(&shown);
	free(helo);
	free(host);
	free(mailfrom);
	return 0;
}

static int
run_scenario(inkan_ctx *ctx, const char *suite, yaml_document_t *doc,
	struct totals *tot)
{
	yaml_node_t *root = yaml_document_get_root_node(doc);
	yaml_node_t *tests = yz_get(doc, root, "tests");
	inkan_resolver *res = NULL;
	struct strbuf zone;
	yaml_node_pair_t *p;
	char err[256] = "";
	inkan_status st;

	if (root == NULL)
		return 0;	/* an empty document at the end */
	if (tests == NULL || tests->type != YAML_MAPPING_NODE) {
		fprintf(stderr, "%s: a scenario without tests\n", suite);
		return -1;
	}
	sb_init(&zone);
	if (yz_zone_text(doc, yz_get(doc, root, "zonedata"), &zone, err,
	    sizeof(err)) < 0) {
		fprintf(stderr, "%s: zonedata: %s\n", suite, err);
		sb_free(&zone);
		return -1;
	}
	st = inkan_resolver_zone_new(ctx, &res);
	if (st == INKAN_OK)
		st = inkan_resolver_zone_load_mem(res, zone.data, zone.len,
			NULL, "zonedata", err, sizeof(err));
	if (st != INKAN_OK) {
		fprintf(stderr, "%s: zone: %s %s\n%s", suite,
			inkan_strerror(st), err, zone.data);
		inkan_resolver_free(res);
		sb_free(&zone);
		return -1;
	}
	if (verbose > 1)
		printf("%s", zone.data);
	inkan_ctx_set_resolver(ctx, res);
	for (p = tests->data.mapping.pairs.start;
	    p < tests->data.mapping.pairs.top; p++) {
		size_t idlen;
		const char *id = yz_scalar(doc, yaml_document_get_node(doc,
			p->key), &idlen);

		if (id == NULL)
			continue;
		run_test(ctx, suite, doc, id, idlen,
			yaml_document_get_node(doc, p->value), tot);
	}
	inkan_ctx_set_resolver(ctx, NULL);
	inkan_resolver_free(res);
	sb_free(&zone);
	return 0;
}

static int
run_file(inkan_ctx *ctx, const char *path, struct totals *tot)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	FILE *f = fopen(path, "rb");
	int rc = 0;

	if (f == NULL) {
		perror(path);
		return -1;
	}
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_file(&parser, f);
	for (;;) {
		if (!yaml_parser_load(&parser, &doc)) {
			fprintf(stderr, "%s: YAML error: %s (line %zu)\n", path,
				parser.problem ? parser.problem : "?",
				parser.problem_mark.line + 1);
			rc = -1;
			break;
		}
		if (yaml_document_get_root_node(&doc) == NULL) {
			yaml_document_delete(&doc);
			break;
		}
		if (run_scenario(ctx, path, &doc, tot) < 0)
			rc = -1;
		yaml_document_delete(&doc);
	}
	yaml_parser_delete(&parser);
	fclose(f);
	return rc;
}

int
main(int argc, char **argv)
{
	inkan_ctx *ctx = NULL;
	int i, bad = 0;

	if (inkan_ctx_new(NULL, &ctx) != INKAN_OK)
		return 2;
	for (i = 1; i < argc; i++) {
		struct totals tot = { 0, 0, 0, 0 };

		if (strcmp(argv[i], "-v") == 0) {
			verbose++;
			continue;
		}
		if (strcmp(argv[i], "--emit") == 0) {
			emit = 1;
			continue;
		}
		if (run_file(ctx, argv[i], &tot) < 0) {
			inkan_ctx_free(ctx);
			return 2;
		}
		if (!emit)
			printf("%s: %u tests: %u passed, %u decided by RFC 7208 "
				"over the suite, %u failed\n", argv[i], tot.run,
				tot.passed, tot.overridden, tot.failed);
		if (tot.failed > 0)
			bad = 1;
	}
	inkan_ctx_free(ctx);
	return bad;
}
