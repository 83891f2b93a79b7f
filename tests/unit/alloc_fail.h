/* SPDX-License-Identifier: MIT */
/*
 * alloc_fail.h - the one allocation-failure driver of the unit tests.
 *
 * A case is a piece of library work (run) done on a fresh context whose
 * allocator can be told to fail. alloc_fail_each() runs it once with no
 * failure: the reference, which must be the outcome the case expects.
 * Then it runs it again with allocation 1, 2, 3, ... failing, until a run
 * makes fewer allocations than the one chosen to fail. Each of those runs
 * must end in one of:
 *
 *   - the reference outcome (same status, same verdict text): the library
 *     absorbed the failure (a retry, a cache miss, a smaller buffer);
 *   - a temporary error: a status for which inkan_status_is_temporary()
 *     holds, or a verdict the case marks temporary (SPF temperror, DMARC
 *     temperror, verify outcome TEMPERROR).
 *
 * Anything else is a test failure: running out of memory must never turn
 * a pass into a fail, a permerror or another answer. After the case's
 * teardown and inkan_ctx_free() every block the allocator handed out must
 * be back (a leak check of its own, ASan or not).
 *
 * The allocator is thread-safe (atomics): work that runs on threads of
 * the library (verify's SPF thread) is failed in turn as well.
 */
#ifndef TEST_ALLOC_FAIL_H
#define TEST_ALLOC_FAIL_H

#include <stdatomic.h>

#include <inkan/ctx.h>
#include <inkan/status.h>

/* which allocations fail once armed */
typedef enum alloc_fail_mode {
	ALLOC_FAIL_ONE = 0,	/* only the Nth: error paths must recover */
	ALLOC_FAIL_FROM = 1	/* the Nth and every later one */
} alloc_fail_mode;

/* a counting allocator; zero it with alloc_fail_allocator() */
typedef struct alloc_fail_state {
	atomic_long count;	/* allocations (malloc and realloc) so far */
	atomic_long fail_at;	/* index (1-based) of the first to fail; 0: none */
	atomic_long failed;	/* allocations refused since armed */
	atomic_long live;	/* blocks handed out and not yet freed */
	alloc_fail_mode mode;
} alloc_fail_state;

/* What one run found. run() fills it; verdict is any text that says the
 * answer (a result name, the Authentication-Results field, ...). */
typedef struct alloc_fail_outcome {
	inkan_status status;
	int temporary;		/* 1: the verdict itself is a temporary error */
	char verdict[4096];
} alloc_fail_outcome;

typedef struct alloc_fail_case {
	const char *name;
	alloc_fail_mode mode;
	/* optional: prepare @ctx (resolver, zone, parsed input) before
	 * failures are armed; it must succeed. Returns what run() and
	 * teardown() get as @env (besides @arg). */
	void *(*setup)(inkan_ctx *ctx, void *arg);
	/* the work under test, with failures armed; it frees what it makes
	 * and describes the answer in @out */
	void (*run)(inkan_ctx *ctx, void *arg, void *env,
		alloc_fail_outcome *out);
	/* optional: undo setup() */
	void (*teardown)(inkan_ctx *ctx, void *arg, void *env);
	void *arg;
	/* the reference run must give exactly this */
	inkan_status expect_status;
	const char *expect;
	/* sanity bounds on the number of allocation points of one run */
	long min_points, max_points;
} alloc_fail_case;

/* Fill @a with the counting allocator over @s (nothing fails yet). */
void alloc_fail_allocator(alloc_fail_state *s, inkan_allocator *a);

/* From now on the allocation @n places later fails (see s->mode); 0 disarms. */
void alloc_fail_arm(alloc_fail_state *s, long n);

/* Write printf-style text into @out->verdict (truncation fails the test). */
void alloc_fail_verdict(alloc_fail_outcome *out, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Run @c as described at the top; cmocka assertions on any breach.
 * Returns the number of allocation points failed in turn. */
long alloc_fail_each(const alloc_fail_case *c);

#endif
