/* SPDX-License-Identifier: MIT */
/*
 * fuzz_authres.c - the Authentication-Results parser, the ARC variant,
 * the authserv-id test, and the builder, on arbitrary bytes.
 *
 * Invariants checked (abort() makes libFuzzer report a failure):
 *  - whatever parses claims its own authserv-id, with and without a
 *    context;
 *  - whatever parses as ARC-Authentication-Results has the instance that
 *    inkan_authres_arc_instance() reads;
 *  - whatever parses is accepted by the builder (properties with an
 *    unregistered ptype aside, which the builder refuses by design), and
 *    the built value parses again to the very same fields.
 * Small limits make the caps reachable.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <inkan/authres.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
registered(const char *ptype)
{
	static const char *const t[] = {
		"smtp", "header", "body", "policy", "dns"
	};
	size_t i, j;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		for (j = 0; t[i][j] != '\0'; j++) {
			char c = ptype[j];

			if (c >= 'A' && c <= 'Z')
				c = (char)(c + 32);
			if (c != t[i][j])
				break;
		}
		if (t[i][j] == '\0' && ptype[j] == '\0')
			return 1;
	}
	return 0;
}

static void
same(const char *a, const char *b)
{
	if ((a == NULL) != (b == NULL))
		abort();
	if (a != NULL && strcmp(a, b) != 0)
		abort();
}

static void
must(inkan_status st)
{
	/* the builder may refuse only for size, never for content that the
	 * parser produced */
	if (st != INKAN_OK && st != INKAN_ERR_LIMIT && st != INKAN_ERR_NOMEM)
		abort();
}

static void
compare(const inkan_authres *a, const inkan_authres *b)
{
	const inkan_authres_resinfo *x, *y;
	size_t i, j, k;

	same(inkan_authres_authserv_id(a), inkan_authres_authserv_id(b));
	same(inkan_authres_version(a), inkan_authres_version(b));
	if (inkan_authres_instance(a) != inkan_authres_instance(b) ||
	    inkan_authres_count(a) != inkan_authres_count(b))
		abort();
	for (i = 0; i < inkan_authres_count(a); i++) {
		x = inkan_authres_at(a, i);
		y = inkan_authres_at(b, i);
		same(x->method, y->method);
		same(x->method_version, y->method_version);
		same(x->result, y->result);
		same(x->reason, y->reason);
		same(x->comment, y->comment);
		for (j = 0, k = 0; j < x->nprops; j++) {
			if (!registered(x->props[j].ptype))
				continue;
			if (k >= y->nprops)
				abort();
			same(x->props[j].ptype, y->props[k].ptype);
			same(x->props[j].property, y->props[k].property);
			same(x->props[j].value, y->props[k].value);
			k++;
		}
		if (k != y->nprops)
			abort();
	}
}

static void
round_trip(inkan_ctx *ctx, const inkan_authres *ar)
{
	inkan_authres_builder *b = NULL;
	const inkan_authres_resinfo *x;
	inkan_authres *again = NULL;
	inkan_status st;
	char *text = NULL;
	size_t i, j, len;

	must(st = inkan_authres_builder_new(ctx,
		inkan_authres_authserv_id(ar), &b));
	if (st != INKAN_OK)
		return;
	must(st = inkan_authres_builder_set_version(b,
		inkan_authres_version(ar)));
	if (st == INKAN_OK)
		must(st = inkan_authres_builder_set_instance(b,
			inkan_authres_instance(ar)));
	for (i = 0; st == INKAN_OK && i < inkan_authres_count(ar); i++) {
		x = inkan_authres_at(ar, i);
		must(st = inkan_authres_builder_add(b, x->method,
			x->method_version, x->result));
		if (st == INKAN_OK && x->comment != NULL)
			must(st = inkan_authres_builder_comment(b, x->comment));
		if (st == INKAN_OK && x->reason != NULL)
			must(st = inkan_authres_builder_reason(b, x->reason));
		for (j = 0; st == INKAN_OK && j < x->nprops; j++) {
			if (!registered(x->props[j].ptype))
				continue;
			must(st = inkan_authres_builder_prop(b,
				x->props[j].ptype, x->props[j].property,
				x->props[j].value));
		}
	}
	if (st == INKAN_OK)
		must(st = inkan_authres_build_value(b, &text, &len));
	if (st == INKAN_OK) {
		if (inkan_authres_instance(ar) != 0)
			st = inkan_authres_parse_arc(ctx, text, len, &again);
		else
			st = inkan_authres_parse(ctx, text, len, &again);
		if (st != INKAN_OK)
			abort();
		compare(ar, again);
		inkan_authres_free(again);
	}
	inkan_free(ctx, text);
	inkan_authres_builder_free(b);
}

static void
check(inkan_ctx *ctx, const char *v, size_t size, int arc)
{
	inkan_authres *ar = NULL;
	const char *id;
	unsigned inst = 0;
	inkan_status st;

	st = arc ? inkan_authres_parse_arc(ctx, v, size, &ar) :
		inkan_authres_parse(ctx, v, size, &ar);
	if ((st == INKAN_OK) != (ar != NULL))
		abort();
	if (st != INKAN_OK)
		return;
	id = inkan_authres_authserv_id(ar);
	/* "." is the only id that is empty once its trailing dot goes */
	if (!arc && strcmp(id, ".") != 0 &&
	    (!inkan_authres_claims_authserv_id(ctx, v, size, id) ||
	    !inkan_authres_claims_authserv_id(NULL, v, size, id)))
		abort();
	if (arc && (inkan_authres_arc_instance(v, size, &inst) != INKAN_OK ||
	    inst != inkan_authres_instance(ar)))
		abort();
	round_trip(ctx, ar);
	inkan_authres_free(ar);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	inkan_ctx *ctx = NULL;
	const char *v = (const char *)data;
	unsigned inst;

	if (inkan_ctx_new(NULL, &ctx) != INKAN_OK)
		return 0;
	inkan_ctx_set_limit(ctx, INKAN_LIMIT_AUTHRES_RESINFOS, 16);
	inkan_ctx_set_limit(ctx, INKAN_LIMIT_COMMENT_DEPTH, 8);
	(void)inkan_authres_claims_authserv_id(ctx, v, size, "example.com");
	(void)inkan_authres_claims_authserv_id(ctx, v, size,
		"b\xc3\xbc" "cher.example");
	(void)inkan_authres_arc_instance(v, size, &inst);
	check(ctx, v, size, 0);
	check(ctx, v, size, 1);
	inkan_ctx_free(ctx);
	return 0;
}
