/* SPDX-License-Identifier: MIT */
/*
 * zone_backend.c - the zone resolver: inkan_resolver_ops over the zone
 * tables, with simulated latency and faults.
 *
 * A question is answered at start (the tables are immutable by then) and
 * given a ready time, start + $LATENCY; wait sleeps until then. So
 * questions in flight together overlap: N of them take about one latency,
 * as on a real network, and the counters below prove it structurally.
 * A timeout fault answers "timed out" without spending real time; a
 * latency above the query's timeout spends the timeout and then times
 * out, like a slow server.
 *
 * Threading: start/wait/free only read the tables and lock the counters.
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "zone_internal.h"

struct zquery {
	ik_zone *z;
	inkan_dns_answer *answer;
	struct timespec ready;	/* CLOCK_MONOTONIC */
	int counted;		/* still counted in z->inflight */
};

static void
inflight_done(struct zquery *q)
{
	if (!q->counted)
		return;
	pthread_mutex_lock(&q->z->mu);
	q->z->inflight--;
	pthread_mutex_unlock(&q->z->mu);
	q->counted = 0;
}

static inkan_status
zone_start(void *impl, const char *name, uint16_t type, uint32_t timeout_ms,
	void **qstate)
{
	ik_zone *z = impl;
	struct zquery *q;
	inkan_status st;
	int64_t delay;

	q = ik_calloc(z->ctx, 1, sizeof(*q));
	if (q == NULL)
		return INKAN_ERR_NOMEM;
	q->z = z;
	st = ik_zone_answer(z, name, type, &q->answer);
	if (st != INKAN_OK) {
		ik_free(z->ctx, q);
		return st;
	}
	delay = q->answer->timed_out ? 0 : z->latency_ms;
	if (delay > (int64_t)timeout_ms) {
		/* the server is slower than we wait: a timeout */
		inkan_dns_answer *slow;
		st = ik_dns_answer_fail(z->ctx, name, type,
			INKAN_DNS_RCODE_SERVFAIL, 1, &slow);
		if (st != INKAN_OK) {
			ik_free(z->ctx, q->answer);
			ik_free(z->ctx, q);
			return st;
		}
		ik_free(z->ctx, q->answer);
		q->answer = slow;
		delay = timeout_ms;
	}
	clock_gettime(CLOCK_MONOTONIC, &q->ready);
	q->ready.tv_sec += (time_t)(delay / 1000);
	q->ready.tv_nsec += (long)(delay % 1000) * 1000000;
	if (q->ready.tv_nsec >= 1000000000) {
		q->ready.tv_sec++;
		q->ready.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&z->mu);
	z->inflight++;
	if (z->inflight > z->max_inflight)
		z->max_inflight = z->inflight;
	pthread_mutex_unlock(&z->mu);
	q->counted = 1;
	*qstate = q;
	return INKAN_OK;
}

static inkan_status
zone_wait(void *impl, void *qstate, const inkan_dns_answer **answer)
{
	struct zquery *q = qstate;
	struct timespec now;

	(void)impl;
	/* sleep only when the answer is not ready yet: a sleep call costs
	 * even when its time has passed, and most zones have no latency */
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec < q->ready.tv_sec || (now.tv_sec == q->ready.tv_sec &&
	    now.tv_nsec < q->ready.tv_nsec))
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME,
		    &q->ready, NULL) == EINTR)
			;
	inflight_done(q);
	*answer = q->answer;
	return INKAN_OK;
}

static void
zone_free(void *impl, void *qstate)
{
	struct zquery *q = qstate;

	(void)impl;
	inflight_done(q);
	ik_free(q->z->ctx, q->answer);
	ik_free(q->z->ctx, q);
}

static void
zone_destroy(void *impl)
{
	ik_zone *z = impl;
	inkan_ctx *ctx = z->ctx;

	ik_zone_cleanup(z);
	ik_free(ctx, z);
}

const inkan_resolver_ops ik_zone_ops = {
	zone_start, zone_wait, zone_free, zone_destroy
};

INKAN_API inkan_status
inkan_resolver_zone_new(inkan_ctx *ctx, inkan_resolver **out)
{
	ik_zone *z;
	inkan_status st;

	if (out == NULL)
		return INKAN_ERR_INVALID;
	*out = NULL;
	if (ctx == NULL)
		return INKAN_ERR_INVALID;
	z = ik_malloc(ctx, sizeof(*z));
	if (z == NULL)
		return INKAN_ERR_NOMEM;
	st = ik_zone_init(z, ctx);
	if (st != INKAN_OK) {
		ik_free(ctx, z);
		return st;
	}
	st = inkan_resolver_new(ctx, &ik_zone_ops, z, out);
	if (st != INKAN_OK)
		zone_destroy(z);
	return st;
}

static ik_zone *
zone_of(inkan_resolver *r)
{
	return r != NULL && r->ops == &ik_zone_ops ? r->impl : NULL;
}

static void
clear_err(char *err, size_t errlen)
{
	if (err != NULL && errlen > 0)
		err[0] = '\0';
}

INKAN_API inkan_status
inkan_resolver_zone_load(inkan_resolver *r, const char *path, char *err,
	size_t errlen)
{
	ik_zone *z = zone_of(r);
	static const uint8_t root[1] = { 0 };

	clear_err(err, errlen);
	if (z == NULL || path == NULL)
		return INKAN_ERR_INVALID;
	return ik_zone_parse_file(z, path, root, 0, err, errlen);
}

static inkan_status
load_mem(inkan_resolver *r, const char *text, size_t len, const char *origin,
	const char *label, int allow_include, char *err, size_t errlen)
{
	ik_zone *z = zone_of(r);
	uint8_t o[IK_DNAME_MAX];
	size_t olen;
	ik_zone_src src;

	clear_err(err, errlen);
	if (z == NULL || text == NULL)
		return INKAN_ERR_INVALID;
	if (len == SIZE_MAX)
		len = strlen(text);
	if (len > IK_ZONE_FILE_MAX)
		return INKAN_ERR_LIMIT;
	o[0] = 0;
	if (origin != NULL &&
	    ik_dname_from_text(origin, strlen(origin), NULL, o, &olen) !=
	    INKAN_OK)
		return INKAN_ERR_INVALID;
	memset(&src, 0, sizeof(src));
	src.text = text;
	src.len = len;
	src.label = label != NULL ? label : "(memory)";
	src.dir = NULL;
	src.allow_include = allow_include;
	return ik_zone_parse(z, &src, o, err, errlen);
}

INKAN_API inkan_status
inkan_resolver_zone_load_mem(inkan_resolver *r, const char *text, size_t len,
	const char *origin, const char *label, char *err, size_t errlen)
{
	return load_mem(r, text, len, origin, label, 1, err, errlen);
}

inkan_status
ik_zone_load_mem_noinclude(inkan_resolver *r, const char *text, size_t len,
	char *err, size_t errlen)
{
	return load_mem(r, text, len, NULL, NULL, 0, err, errlen);
}

void
ik_zone_set_max_rrs(inkan_resolver *r, size_t max)
{
	ik_zone *z = zone_of(r);

	if (z != NULL)
		z->max_rrs = max;
}

void
ik_zone_set_latency(inkan_resolver *r, uint32_t ms)
{
	ik_zone *z = zone_of(r);

	if (z != NULL)
		z->latency_ms = ms;
}

size_t
ik_zone_max_inflight(inkan_resolver *r)
{
	ik_zone *z = zone_of(r);
	size_t n;

	if (z == NULL)
		return 0;
	pthread_mutex_lock(&z->mu);
	n = z->max_inflight;
	pthread_mutex_unlock(&z->mu);
	return n;
}
