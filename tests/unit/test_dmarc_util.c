/* SPDX-License-Identifier: MIT */
/* test_dmarc_util.c - see test_dmarc_util.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "test_dmarc_util.h"

int
dt_setup(void **state)
{
	struct dt *t = calloc(1, sizeof(*t));

	if (t == NULL || inkan_ctx_new(NULL, &t->ctx) != INKAN_OK ||
	    inkan_resolver_zone_new(t->ctx, &t->r) != INKAN_OK)
		return -1;
	inkan_ctx_set_resolver(t->ctx, t->r);
	inkan_dmarc_options_init(&t->opt);
	*state = t;
	return 0;
}

int
dt_teardown(void **state)
{
	struct dt *t = *state;

	inkan_dmarc_eval_free(t->ev);
	inkan_authors_free(t->authors);
	inkan_msg_free(t->msg);
	inkan_resolver_free(t->r);
	inkan_ctx_free(t->ctx);
	free(t);
	return 0;
}

void
dt_zone(struct dt *t, const char *text)
{
	char err[256] = "";

	if (inkan_resolver_zone_load_mem(t->r, text, SIZE_MAX, NULL, "test",
	    err, sizeof(err)) != INKAN_OK)
		fail_msg("zone: %s", err);
}

void
dt_new(struct dt *t, const char *author, const char *from)
{
	inkan_dmarc_eval_free(t->ev);
	inkan_authors_free(t->authors);
	inkan_msg_free(t->msg);
	t->ev = NULL;
	t->authors = NULL;
	t->msg = NULL;
	t->res = NULL;
	assert_int_equal(inkan_dmarc_eval_new(t->ctx, &t->opt, &t->ev),
		INKAN_OK);
	if (from == NULL) {
		assert_int_equal(inkan_dmarc_set_author_domain(t->ev, author),
			INKAN_OK);
		return;
	}
	assert_int_equal(inkan_msg_new(t->ctx, &t->msg), INKAN_OK);
	assert_int_equal(inkan_msg_feed(t->msg, from, strlen(from)), INKAN_OK);
	assert_int_equal(inkan_msg_finish(t->msg), INKAN_OK);
	assert_int_equal(inkan_authors_from_msg(t->ctx, t->msg, &t->authors),
		INKAN_OK);
	assert_int_equal(inkan_dmarc_set_authors(t->ev, t->authors), INKAN_OK);
}

void
dt_spf(struct dt *t, inkan_dmarc_spf_result r, const char *mail_from,
	const char *helo)
{
	assert_int_equal(inkan_dmarc_set_spf(t->ev, r, mail_from, helo),
		INKAN_OK);
}

void
dt_dkim(struct dt *t, inkan_dmarc_dkim_result r, const char *d, int partial)
{
	assert_int_equal(inkan_dmarc_add_dkim(t->ev, r, d, "s1", partial),
		INKAN_OK);
}

const inkan_dmarc_result *
dt_eval(struct dt *t)
{
	assert_int_equal(inkan_dmarc_evaluate(t->ev, &t->res), INKAN_OK);
	assert_non_null(t->res);
	assert_non_null(t->res->reason);
	return t->res;
}

const char *
dt_trace(const inkan_dmarc_step *s, size_t n)
{
	static char buf[4096];
	static const char code[] = "RNMTS";
	size_t i, len = 0;

	buf[0] = '\0';
	for (i = 0; i < n && len < sizeof(buf) - 300; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s:%c",
			i ? " " : "", s[i].domain, code[s[i].outcome]);
	return buf;
}
