/* SPDX-License-Identifier: MIT */
/*
 * fuzz_address.c - the address-list parser and From author extraction on
 * arbitrary bytes.
 *
 * The bytes go to inkan_address_list_parse() and, as the value of a From
 * field, through inkan_msg_feed() to inkan_authors_from_msg(). Small caps
 * make the limits reachable. Every result is checked for what
 * inkan/address.h promises: strings are UTF-8 without control bytes,
 * domain_ascii is a lower-case DNS name, the statuses are the documented
 * ones, and both routes agree when the field carries the same bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <inkan/address.h>
#include <inkan/msg.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_ADDRESSES 50

static void
check_text(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (s == NULL)
		return;
	for (; *p != '\0'; p++)
		if (*p < 0x20 && *p != '\t')
			abort();
}

static void
check_ascii_domain(const char *d)
{
	size_t i, n;

	if (d == NULL)
		return;
	n = strlen(d);
	if (n == 0 || n > 253 || d[n - 1] == '.' || d[0] == '.')
		abort();
	for (i = 0; i < n; i++) {
		if (!((d[i] >= 'a' && d[i] <= 'z') ||
		    (d[i] >= '0' && d[i] <= '9') || d[i] == '-' ||
		    d[i] == '_' || d[i] == '.'))
			abort();
	}
}

static void
check_address(const inkan_address *a)
{
	if (a == NULL || a->local_part == NULL)
		abort();
	if (a->domain == NULL && a->domain_ascii != NULL)
		abort();
	if (a->domain_literal && (a->domain == NULL || a->domain[0] != '[' ||
	    a->domain_ascii != NULL))
		abort();
	check_text(a->display_name);
	check_text(a->local_part);
	check_text(a->domain);
	check_text(a->group);
	check_ascii_domain(a->domain_ascii);
}

/* the From route; *ran is 0 when the message parser refused the bytes,
 * *count gets the authors (or -1 when the call failed) */
static inkan_status
authors(inkan_ctx *ctx, const uint8_t *data, size_t size, int *ran,
	long *count)
{
	inkan_msg *m = NULL;
	inkan_authors *a = NULL;
	inkan_status st = INKAN_OK;
	size_t i;

	*ran = 0;
	*count = -1;
	if (inkan_msg_new(ctx, &m) != INKAN_OK)
		return INKAN_ERR_NOMEM;
	if (inkan_msg_feed(m, "From: ", 6) != INKAN_OK ||
	    inkan_msg_feed(m, data, size) != INKAN_OK ||
	    inkan_msg_feed(m, "\r\n\r\n", 4) != INKAN_OK ||
	    inkan_msg_finish(m) != INKAN_OK)
		goto out;
	*ran = 1;
	st = inkan_authors_from_msg(ctx, m, &a);
	if (st != INKAN_OK) {
		if (a != NULL || (st != INKAN_ERR_LIMIT &&
		    st != INKAN_ERR_NOMEM))
			abort();
		goto out;
	}
	*count = (long)inkan_authors_count(a);
	for (i = 0; i < inkan_authors_count(a); i++)
		check_address(inkan_authors_at(a, i));
	for (i = 0; i < inkan_authors_domain_count(a); i++)
		check_ascii_domain(inkan_authors_domain_at(a, i));
	if (inkan_authors_domain_count(a) > inkan_authors_count(a))
		abort();
	if ((inkan_authors_domain_count(a) > 1) !=
	    !!(inkan_authors_flags(a) & INKAN_FROM_MULTIPLE_DOMAINS))
		abort();
	if ((inkan_authors_count(a) > 1) !=
	    !!(inkan_authors_flags(a) & INKAN_FROM_MULTIPLE_ADDRESSES))
		abort();
	inkan_authors_free(a);
out:
	inkan_msg_free(m);
	return st;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	inkan_ctx *ctx = NULL;
	inkan_address_list *l = NULL;
	inkan_status st, ast = INKAN_OK;
	long n = -1, an;
	int ran;
	size_t i;

	if (inkan_ctx_new(NULL, &ctx) != INKAN_OK)
		return 0;
	inkan_ctx_set_limit(ctx, INKAN_LIMIT_ADDRESSES, MAX_ADDRESSES);
	inkan_ctx_set_limit(ctx, INKAN_LIMIT_COMMENT_DEPTH, 8);

	st = inkan_address_list_parse(ctx, (const char *)data, size, &l);
	if (st == INKAN_OK) {
		if (l == NULL || inkan_address_list_count(l) > MAX_ADDRESSES)
			abort();
		n = (long)inkan_address_list_count(l);
		for (i = 0; i < inkan_address_list_count(l); i++)
			check_address(inkan_address_list_at(l, i));
		if (inkan_address_list_at(l, (size_t)n) != NULL)
			abort();
		inkan_address_list_free(l);
	} else if (l != NULL || (st != INKAN_ERR_SYNTAX &&
	    st != INKAN_ERR_LIMIT && st != INKAN_ERR_NOMEM)) {
		abort();
	}

	ast = authors(ctx, data, size, &ran, &an);
	/* with no line break in the bytes, the From value is the same bytes
	 * (less white space at the ends, which is CFWS): same verdict */
	if (ran && memchr(data, '\r', size) == NULL &&
	    memchr(data, '\n', size) == NULL) {
		if (st == INKAN_OK && (ast != INKAN_OK || an != n))
			abort();
		if (st == INKAN_ERR_SYNTAX && (ast != INKAN_OK || an != 0))
			abort();
		if (st == INKAN_ERR_LIMIT && ast != INKAN_ERR_LIMIT)
			abort();
	}
	inkan_ctx_free(ctx);
	return 0;
}
