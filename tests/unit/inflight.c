/* SPDX-License-Identifier: MIT */
/*
 * inflight.c - the counting resolver of inflight.h.
 */
#include <stdatomic.h>
#include <stdlib.h>

#include "inflight.h"

struct inflight {
	inkan_resolver *inner;
	int own;
	atomic_int now, most;
};

struct inflight_q {
	inkan_dns_query *q;
	int answered;
};

static inkan_status
if_start(void *impl, const char *name, uint16_t type, uint32_t timeout_ms,
	void **qstate)
{
	struct inflight *f = impl;
	struct inflight_q *q = calloc(1, sizeof(*q));
	inkan_status st;
	int now, most;

	(void)timeout_ms;	/* the inner resolver has its own */
	if (q == NULL)
		return INKAN_ERR_NOMEM;
	if ((st = inkan_dns_start(f->inner, name, type, &q->q)) != INKAN_OK) {
		free(q);
		return st;
	}
	now = atomic_fetch_add(&f->now, 1) + 1;
	most = atomic_load(&f->most);
	while (now > most &&
	    !atomic_compare_exchange_weak(&f->most, &most, now))
		;
	*qstate = q;
	return INKAN_OK;
}

/* a question stops counting when first answered, or when dropped */
static void
if_done(struct inflight *f, struct inflight_q *q)
{
	if (!q->answered) {
		q->answered = 1;
		atomic_fetch_sub(&f->now, 1);
	}
}

static inkan_status
if_wait(void *impl, void *qstate, const inkan_dns_answer **answer)
{
	struct inflight_q *q = qstate;
	inkan_status st = inkan_dns_wait(q->q, answer);

	if_done(impl, q);
	return st;
}

static void
if_free(void *impl, void *qstate)
{
	struct inflight_q *q = qstate;

	if_done(impl, q);
	inkan_dns_query_free(q->q);
	free(q);
}

static void
if_destroy(void *impl)
{
	struct inflight *f = impl;

	if (f->own)
		inkan_resolver_free(f->inner);
	free(f);
}

inkan_status
inflight_new(inkan_ctx *ctx, inkan_resolver *inner, int own,
	inkan_resolver **out, inflight **counter)
{
	static const inkan_resolver_ops ops = {
		if_start, if_wait, if_free, if_destroy
	};
	struct inflight *f = calloc(1, sizeof(*f));
	inkan_status st;

	if (f == NULL)
		return INKAN_ERR_NOMEM;
	f->inner = inner;
	f->own = own;
	atomic_init(&f->now, 0);
	atomic_init(&f->most, 0);
	if ((st = inkan_resolver_new(ctx, &ops, f, out)) != INKAN_OK) {
		free(f);
		return st;
	}
	*counter = f;
	return INKAN_OK;
}

int
inflight_most(const inflight *counter)
{
	return atomic_load(&((struct inflight *)counter)->most);
}
