/* SPDX-License-Identifier: MIT */
/*
 * unbound.c - the libunbound resolver backend.
 *
 * libunbound resolves in its own worker thread (ub_ctx_async(ub, 1));
 * results come back through a pipe (ub_fd) that one event thread of ours
 * polls and drains with ub_process(), which runs our callback. Waiters
 * sleep on a condition variable with their own deadline, so a question
 * never waits longer than INKAN_LIMIT_DNS_TIMEOUT_MS however slow the
 * server is. libunbound retries over TCP when an answer is truncated
 * (RFC 7766), so large TXT RRsets arrive whole.
 *
 * The answer packet (untrusted) is decoded by wire.c.
 *
 * Threading: all entry points may be called from many threads; one mutex
 * guards query states. ub_cancel() takes only libunbound's own lock and
 * callbacks run without it, so calling it under our mutex cannot deadlock.
 * A query freed while its callback may still run is left to the callback.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>
#include <unbound.h>

#include "core/alloc.h"
#include "core/ctx_internal.h"
#include "dns_internal.h"

struct ubq;

struct ubr {
	inkan_ctx *ctx;			/* borrowed */
	struct ub_ctx *ub;
	pthread_mutex_t mu;
	pthread_cond_t cv;		/* CLOCK_MONOTONIC */
	int started;			/* event thread and config done */
	int have_server;
	char *trust_anchor;
	pthread_t thread;
	int wake[2];			/* stops the event thread */
	int stop;
	struct ubq *abandoned;		/* freed before their callback */
};

struct ubq {
	struct ubr *b;
	struct ubq *next;		/* in b->abandoned */
	int id;
	int done;			/* answer set (or timed out) */
	int abandoned;
	int64_t deadline_ms;
	inkan_dns_answer *answer;
	uint16_t type;
	char name[];
};

static inkan_dns_answer *
decode_result(struct ubq *q, int err, struct ub_result *res)
{
	const inkan_ctx *ctx = q->b->ctx;
	inkan_dns_answer *a = NULL;
	ik_dns_ab ab;
	int i;

	if (err == 0 && res != NULL && res->bogus) {
		/* RFC 4035 5.5: bogus data is not to be used; the packet
		 * still holds it, so answer SERVFAIL like a validator does */
		ik_log(ctx, INKAN_LOG_WARNING, "DNSSEC: %s: bogus: %s",
			q->name, res->why_bogus ? res->why_bogus : "?");
		(void)ik_dns_answer_fail(ctx, q->name, q->type,
			INKAN_DNS_RCODE_SERVFAIL, 0, &a);
		return a;
	}
	if (err == 0 && res != NULL && res->answer_packet != NULL &&
	    res->answer_len > 0 &&
	    ik_dns_parse_packet(ctx, res->answer_packet,
	    (size_t)res->answer_len, q->name, q->type, &a) == INKAN_OK) {
		/* AD: what libunbound's validator concluded */
		a->secure = res->secure;
		return a;
	}
	if (err != 0 || res == NULL) {
		(void)ik_dns_answer_fail(ctx, q->name, q->type,
			INKAN_DNS_RCODE_SERVFAIL, 0, &a);
		return a;
	}
	/* no packet: fall back on the decoded RDATA list */
	ik_dns_ab_init(&ab, ctx, q->name, q->type);
	ab.hdr.rcode = (inkan_dns_rcode)(res->rcode & 0x0f);
	ab.hdr.secure = res->secure && !res->bogus;
	for (i = 0; res->data != NULL && res->data[i] != NULL && i < 8192;
	    i++)
		(void)ik_dns_ab_rdata(&ab, q->type, (uint32_t)res->ttl,
			(const uint8_t *)res->data[i], (size_t)res->len[i], 0,
			(size_t)res->len[i]);
	ik_dns_ab_ttl(&ab, res->ttl > 0 ? (uint32_t)res->ttl : 0);
	if (ik_dns_ab_finish(&ab, &a) != INKAN_OK)
		a = NULL;
	ik_dns_ab_cleanup(&ab);
	return a;
}

static void
query_destroy(struct ubq *q)
{
	const inkan_ctx *ctx = q->b->ctx;

	ik_free(ctx, q->answer);
	ik_free(ctx, q);
}

static void
unlink_abandoned(struct ubr *b, struct ubq *q)
{
	struct ubq **pp = &b->abandoned;

	while (*pp != NULL && *pp != q)
		pp = &(*pp)->next;
	if (*pp == q)
		*pp = q->next;
}

/* runs in the event thread, from ub_process(), without libunbound locks */
static void
on_result(void *arg, int err, struct ub_result *res)
{
	struct ubq *q = arg;
	struct ubr *b = q->b;
	inkan_dns_answer *a = decode_result(q, err, res);

	ub_resolve_free(res);
	pthread_mutex_lock(&b->mu);
	if (q->abandoned) {
		unlink_abandoned(b, q);
		pthread_mutex_unlock(&b->mu);
		ik_free(b->ctx, a);
		query_destroy(q);
		return;
	}
	if (q->done) {			/* it timed out meanwhile */
		ik_free(b->ctx, a);
	} else {
		q->answer = a;		/* NULL: out of memory, see wait */
		q->done = 1;
	}
	q->id = 0;
	pthread_cond_broadcast(&b->cv);
	pthread_mutex_unlock(&b->mu);
}

static void *
event_loop(void *arg)
{
	struct ubr *b = arg;
	struct pollfd pfd[2];
	char drain[64];

	pfd[0].fd = ub_fd(b->ub);
	pfd[0].events = POLLIN;
	pfd[1].fd = b->wake[0];
	pfd[1].events = POLLIN;
	for (;;) {
		int stop;

		if (poll(pfd, 2, -1) < 0 && errno != EINTR)
			break;
		if (pfd[1].revents != 0 &&
		    read(b->wake[0], drain, sizeof(drain)) < 0 &&
		    errno != EINTR && errno != EAGAIN)
			break;
		pthread_mutex_lock(&b->mu);
		stop = b->stop;
		pthread_mutex_unlock(&b->mu);
		if (stop)
			break;
		if (pfd[0].revents != 0 && ub_process(b->ub) != 0)
			break;
	}
	return NULL;
}

/*
 * The zones libunbound answers by itself (RFC 6303 private and special
 * reverse zones, RFC 6761 special names), as unbound's default
 * local-zones. When inkan forwards to a resolver (a named server, or
 * resolv.conf's), that resolver is the authority the operator chose: a
 * site's DNS serving PTRs for 10.0.0.0/8 must be asked, or a PTR check of
 * an internal relay says "does not exist" although the records are there.
 * With full recursion the defaults stay: they keep such questions away
 * from the root servers (RFC 6303 3).
 */
static const char *const forwarded_local_zones[] = {
	"test.", "10.in-addr.arpa.", "16.172.in-addr.arpa.",
	"17.172.in-addr.arpa.", "18.172.in-addr.arpa.", "19.172.in-addr.arpa.",
	"20.172.in-addr.arpa.", "21.172.in-addr.arpa.", "22.172.in-addr.arpa.",
	"23.172.in-addr.arpa.", "24.172.in-addr.arpa.", "25.172.in-addr.arpa.",
	"26.172.in-addr.arpa.", "27.172.in-addr.arpa.", "28.172.in-addr.arpa.",
	"29.172.in-addr.arpa.", "30.172.in-addr.arpa.", "31.172.in-addr.arpa.",
	"168.192.in-addr.arpa.", "254.169.in-addr.arpa.",
	"2.0.192.in-addr.arpa.", "100.51.198.in-addr.arpa.",
	"113.0.203.in-addr.arpa.", "home.arpa.",
	"d.f.ip6.arpa.", "8.e.f.ip6.arpa.", "9.e.f.ip6.arpa.",
	"a.e.f.ip6.arpa.", "b.e.f.ip6.arpa.", "8.b.d.0.1.0.0.2.ip6.arpa.",
};

/* under mu, before the first question; 0 or a libunbound error */
static int
forward_local_zones(struct ubr *b)
{
	size_t i;
	int r;

	for (i = 0; i < sizeof(forwarded_local_zones) /
	    sizeof(forwarded_local_zones[0]); i++) {
		r = ub_ctx_zone_remove(b->ub, forwarded_local_zones[i]);
		/* a zone this libunbound version does not have is fine */
		if (r != 0 && r != UB_NOERROR && r != UB_SYNTAX)
			return r;
	}
	return 0;
}

/* apply the deferred configuration and start the event thread; under mu */
static inkan_status
ensure_started(struct ubr *b)
{
	int r = 0;

	if (b->started)
		return INKAN_OK;
	if (!b->have_server && b->trust_anchor == NULL)
		r = ub_ctx_resolvconf(b->ub, NULL);
	if (r == 0 && b->trust_anchor != NULL)
		r = ub_ctx_add_ta_file(b->ub, b->trust_anchor);
	/* forwarding: the chosen resolver answers the special zones too,
	 * .test (RFC 6761 6.2) and the RFC 6303 reverse zones; this also
	 * ends the set-up phase of the ub_ctx */
	if (r == 0 && (b->have_server || b->trust_anchor == NULL))
		r = forward_local_zones(b);
	if (r != 0) {
		ik_log(b->ctx, INKAN_LOG_ERROR, "libunbound: %s",
			ub_strerror(r));
		return INKAN_ERR_CONFIG;
	}
	if (pipe(b->wake) != 0)
		return INKAN_ERR_IO;
	if (pthread_create(&b->thread, NULL, event_loop, b) != 0) {
		close(b->wake[0]);
		close(b->wake[1]);
		return INKAN_ERR_NOMEM;
	}
	b->started = 1;
	return INKAN_OK;
}

static inkan_status
ub_start(void *impl, const char *name, uint16_t type, uint32_t timeout_ms,
	void **qstate)
{
	struct ubr *b = impl;
	struct ubq *q;
	size_t len = strlen(name);
	int r, id = 0;
	inkan_status st;

	q = ik_calloc(b->ctx, 1, sizeof(*q) + len + 1);
	if (q == NULL)
		return INKAN_ERR_NOMEM;
	q->b = b;
	q->type = type;
	memcpy(q->name, name, len + 1);
	q->deadline_ms = ik_mono_ms() + timeout_ms;
	pthread_mutex_lock(&b->mu);
	st = ensure_started(b);
	if (st != INKAN_OK) {
		pthread_mutex_unlock(&b->mu);
		ik_free(b->ctx, q);
		return st;
	}
	/* the callback may run before we return: it needs the lock first */
	r = ub_resolve_async(b->ub, q->name, type, 1 /* IN */, q, on_result,
		&id);
	if (r != 0) {
		pthread_mutex_unlock(&b->mu);
		ik_log(b->ctx, INKAN_LOG_WARNING, "libunbound: %s: %s",
			name, ub_strerror(r));
		ik_free(b->ctx, q);
		return r == UB_NOMEM ? INKAN_ERR_NOMEM : INKAN_ERR_DNS_TEMP;
	}
	if (!q->done)
		q->id = id;
	pthread_mutex_unlock(&b->mu);
	*qstate = q;
	return INKAN_OK;
}

static inkan_status
ub_wait_answer(void *impl, void *qstate, const inkan_dns_answer **answer)
{
	struct ubr *b = impl;
	struct ubq *q = qstate;
	struct timespec ts;
	inkan_status st = INKAN_OK;

	ik_mono_timespec(q->deadline_ms, &ts);
	pthread_mutex_lock(&b->mu);
	while (!q->done) {
		int r = pthread_cond_timedwait(&b->cv, &b->mu, &ts);
		if (r == ETIMEDOUT && !q->done) {
			st = ik_dns_answer_fail(b->ctx, q->name, q->type,
				INKAN_DNS_RCODE_SERVFAIL, 1, &q->answer);
			q->done = 1;
		}
	}
	if (st == INKAN_OK && q->answer == NULL)
		st = INKAN_ERR_NOMEM;
	*answer = q->answer;
	pthread_mutex_unlock(&b->mu);
	return st;
}

static void
ub_free_query(void *impl, void *qstate)
{
	struct ubr *b = impl;
	struct ubq *q = qstate;

	pthread_mutex_lock(&b->mu);
	if (q->id != 0 && ub_cancel(b->ub, q->id) != 0) {
		/* the callback is under way: it frees the query */
		q->abandoned = 1;
		q->next = b->abandoned;
		b->abandoned = q;
		pthread_mutex_unlock(&b->mu);
		return;
	}
	pthread_mutex_unlock(&b->mu);
	query_destroy(q);
}

static void
ub_destroy(void *impl)
{
	struct ubr *b = impl;
	struct ubq *q, *next;

	if (b->started) {
		pthread_mutex_lock(&b->mu);
		b->stop = 1;
		pthread_mutex_unlock(&b->mu);
		if (write(b->wake[1], "x", 1) != 1)
			ik_log(b->ctx, INKAN_LOG_ERROR,
				"unbound: cannot wake the event thread");
		pthread_join(b->thread, NULL);
		close(b->wake[0]);
		close(b->wake[1]);
	}
	/* no callback can run any more */
	ub_ctx_delete(b->ub);
	for (q = b->abandoned; q != NULL; q = next) {
		next = q->next;
		query_destroy(q);
	}
	pthread_mutex_destroy(&b->mu);
	pthread_cond_destroy(&b->cv);
	ik_free(b->ctx, b->trust_anchor);
	ik_free(b->ctx, b);
}

const inkan_resolver_ops ik_unbound_ops = {
	ub_start, ub_wait_answer, ub_free_query, ub_destroy
};

static inkan_status
init_sync(struct ubr *b)
{
	pthread_condattr_t ca;

	if (pthread_mutex_init(&b->mu, NULL) != 0)
		return INKAN_ERR_NOMEM;
	if (pthread_condattr_init(&ca) != 0 ||
	    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) != 0 ||
	    pthread_cond_init(&b->cv, &ca) != 0) {
		pthread_mutex_destroy(&b->mu);
		return INKAN_ERR_NOMEM;
	}
	pthread_condattr_destroy(&ca);
	return INKAN_OK;
}

INKAN_API inkan_status
inkan_resolver_unbound_new(inkan_ctx *ctx, const char *server,
	inkan_resolver **out)
{
	struct ubr *b;
	inkan_status st;
	int r = 0;

	if (out == NULL)
		return INKAN_ERR_INVALID;
	*out = NULL;
	if (ctx == NULL)
		return INKAN_ERR_INVALID;
	b = ik_calloc(ctx, 1, sizeof(*b));
	if (b == NULL)
		return INKAN_ERR_NOMEM;
	b->ctx = ctx;
	b->ub = ub_ctx_create();
	if (b->ub == NULL) {
		ik_free(ctx, b);
		return INKAN_ERR_NOMEM;
	}
	st = init_sync(b);
	if (st != INKAN_OK) {
		ub_ctx_delete(b->ub);
		ik_free(ctx, b);
		return st;
	}
	/* threads, not a forked process; answers as they come */
	r = ub_ctx_async(b->ub, 1);
	/* libunbound's library defaults (few sockets, 2 TCP streams) are
	 * made for one question at a time; a milter has many in flight */
	if (r == 0)
		r = ub_ctx_set_option(b->ub, "outgoing-range:", "256");
	if (r == 0)
		r = ub_ctx_set_option(b->ub, "outgoing-num-tcp:", "16");
	if (r == 0 && server != NULL) {
		/* a server on loopback is what tests and local resolvers
		 * use; unbound refuses to query it by default */
		r = ub_ctx_set_option(b->ub, "do-not-query-localhost:", "no");
		if (r == 0)
			r = ub_ctx_set_fwd(b->ub, server);
		b->have_server = 1;
	}
	if (r != 0) {
		ik_log(ctx, INKAN_LOG_ERROR, "libunbound: %s%s%s",
			server ? server : "", server ? ": " : "",
			ub_strerror(r));
		st = INKAN_ERR_CONFIG;
	}
	if (st == INKAN_OK)
		st = inkan_resolver_new(ctx, &ik_unbound_ops, b, out);
	if (st != INKAN_OK)
		ub_destroy(b);
	return st;
}

INKAN_API inkan_status
inkan_resolver_unbound_trust_anchor(inkan_resolver *r, const char *path)
{
	struct ubr *b;

	if (r == NULL || path == NULL || r->ops != &ik_unbound_ops)
		return INKAN_ERR_INVALID;
	b = r->impl;
	if (b->started)
		return INKAN_ERR_STATE;
	ik_free(b->ctx, b->trust_anchor);
	b->trust_anchor = ik_strdup(b->ctx, path);
	return b->trust_anchor != NULL ? INKAN_OK : INKAN_ERR_NOMEM;
}
