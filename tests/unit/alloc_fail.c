/* SPDX-License-Identifier: MIT */
/*
 * alloc_fail.c - the allocation-failure driver (see alloc_fail.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "alloc_fail.h"

/* 1 when the allocation about to be made must fail */
static int
refuse(alloc_fail_state *s)
{
	long n = atomic_fetch_add(&s->count, 1) + 1;
	long at = atomic_load(&s->fail_at);

	if (at == 0 || n < at || (n > at && s->mode == ALLOC_FAIL_ONE))
		return 0;
	atomic_fetch_add(&s->failed, 1);
	return 1;
}

static void *
af_alloc(void *ud, size_t size)
{
	alloc_fail_state *s = ud;
	void *p;

	if (refuse(s))
		return NULL;
	if ((p = malloc(size)) != NULL)
		atomic_fetch_add(&s->live, 1);
	return p;
}

static void *
af_realloc(void *ud, void *old, size_t size)
{
	alloc_fail_state *s = ud;
	void *p;

	if (refuse(s))
		return NULL;
	p = realloc(old, size);
	if (p != NULL && old == NULL)
		atomic_fetch_add(&s->live, 1);
	return p;
}

static void
af_free(void *ud, void *p)
{
	alloc_fail_state *s = ud;

	if (p != NULL)
		atomic_fetch_sub(&s->live, 1);
	free(p);
}

void
alloc_fail_allocator(alloc_fail_state *s, inkan_allocator *a)
{
	atomic_init(&s->count, 0);
	atomic_init(&s->fail_at, 0);
	atomic_init(&s->failed, 0);
	atomic_init(&s->live, 0);
	s->mode = ALLOC_FAIL_ONE;
	a->alloc = af_alloc;
	a->realloc = af_realloc;
	a->free = af_free;
	a->ud = s;
}

void
alloc_fail_arm(alloc_fail_state *s, long n)
{
	atomic_store(&s->failed, 0);
	atomic_store(&s->fail_at, n > 0 ? atomic_load(&s->count) + n : 0);
}

void
alloc_fail_verdict(alloc_fail_outcome *out, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(out->verdict, sizeof(out->verdict), fmt, ap);
	va_end(ap);
	assert_true(n >= 0 && (size_t)n < sizeof(out->verdict));
}

/* one run of @c with allocation @n failing (0: none); 1 when one failed */
static int
run_one(const alloc_fail_case *c, long n, alloc_fail_outcome *out)
{
	alloc_fail_state s;
	inkan_allocator a;
	inkan_ctx *ctx = NULL;
	void *env = NULL;
	long failed;

	alloc_fail_allocator(&s, &a);
	s.mode = c->mode;
	assert_int_equal(inkan_ctx_new(&a, &ctx), INKAN_OK);
	if (c->setup != NULL)
		env = c->setup(ctx, c->arg);
	memset(out, 0, sizeof(*out));
	out->status = INKAN_ERR_INTERNAL;	/* run() must say */
	alloc_fail_arm(&s, n);
	c->run(ctx, c->arg, env, out);
	failed = atomic_load(&s.failed);
	alloc_fail_arm(&s, 0);
	if (c->teardown != NULL)
		c->teardown(ctx, c->arg, env);
	inkan_ctx_free(ctx);
	if (atomic_load(&s.live) != 0)
		fail_msg("%s: allocation %ld failed: %ld block(s) leaked",
			c->name, n, atomic_load(&s.live));
	return failed > 0;
}

long
alloc_fail_each(const alloc_fail_case *c)
{
	alloc_fail_outcome ref, got;
	long n;

	/* the reference: what the work gives when memory is plentiful */
	assert_int_equal(run_one(c, 0, &ref), 0);
	if (ref.status != c->expect_status || ref.temporary ||
	    strcmp(ref.verdict, c->expect) != 0)
		fail_msg("%s: clean run gave %s \"%s\"%s, expected %s \"%s\"",
			c->name, inkan_strerror(ref.status), ref.verdict,
			ref.temporary ? " (temporary)" : "",
			inkan_strerror(c->expect_status), c->expect);
	for (n = 1; n <= c->max_points; n++) {
		if (!run_one(c, n, &got)) {
			/* fewer than n allocations: every point was failed;
			 * this last run failed nothing and must be the same */
			assert_int_equal(got.status, ref.status);
			assert_string_equal(got.verdict, ref.verdict);
			break;
		}
		if (got.status == ref.status && !got.temporary &&
		    strcmp(got.verdict, ref.verdict) == 0)
			continue;
		if (inkan_status_is_temporary(got.status) ||
		    (got.status == INKAN_OK && got.temporary))
			continue;
		fail_msg("%s: with allocation %ld failing: %s \"%s\"; the "
			"clean run gave %s \"%s\" (only that or a temporary "
			"error is allowed)", c->name, n,
			inkan_strerror(got.status), got.verdict,
			inkan_strerror(ref.status), ref.verdict);
	}
	if (n > c->max_points)
		fail_msg("%s: more than %ld allocation points", c->name,
			c->max_points);
	if (n - 1 < c->min_points)
		fail_msg("%s: only %ld allocation points, expected at least "
			"%ld", c->name, n - 1, c->min_points);
	print_message("# %s: %ld allocation points failed in turn\n",
		c->name, n - 1);
	return n - 1;
}
