/* SPDX-License-Identifier: MIT */
/* test_dmarc_util.h - a zone-backed DMARC evaluation for the tests. */
#ifndef TEST_DMARC_UTIL_H
#define TEST_DMARC_UTIL_H

#include <inkan/address.h>
#include <inkan/dmarc.h>
#include <inkan/dns.h>

struct dt {
	inkan_ctx *ctx;
	inkan_resolver *r;
	inkan_dmarc_options opt;
	inkan_dmarc_eval *ev;
	inkan_msg *msg;
	inkan_authors *authors;
	const inkan_dmarc_result *res;
};

/* cmocka setup/teardown: a context with an empty zone resolver */
int dt_setup(void **state);
int dt_teardown(void **state);

/* Load master-file text (absolute names) into the zone. */
void dt_zone(struct dt *t, const char *text);

/* A new evaluator with t->opt, author domain @author (or, when @from is
 * not NULL, the From fields of the header block @from). */
void dt_new(struct dt *t, const char *author, const char *from);

/* SPF outcome, DKIM outcome ("d" NULL: none added) */
void dt_spf(struct dt *t, inkan_dmarc_spf_result r, const char *mail_from,
	const char *helo);
void dt_dkim(struct dt *t, inkan_dmarc_dkim_result r, const char *d,
	int partial);

/* Evaluate (asserting INKAN_OK) and return the result. */
const inkan_dmarc_result *dt_eval(struct dt *t);

/* The trace as "name:outcome name:outcome ..." (R record, N none,
 * M multiple, T tempfail, S skipped). */
const char *dt_trace(const inkan_dmarc_step *s, size_t n);

#endif
