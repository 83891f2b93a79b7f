/* SPDX-License-Identifier: MIT */
/*
 * resolver.c - the consumer side of inkan_resolver: start / wait / free,
 * the context attachment, type and rcode names.
 *
 * Threading: nothing here holds state besides the query handle, so these
 * functions are as thread-safe as the backend's ops (all built-in ones
 * are); see inkan/dns.h.
 */
#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "core/ascii.h"
#include "core/ctx_internal.h"
#include "dns_internal.h"

int64_t
ik_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
ik_mono_timespec(int64_t ms, struct timespec *ts)
{
	ts->tv_sec = (time_t)(ms / 1000);
	ts->tv_nsec = (long)(ms % 1000) * 1000000;
}

INKAN_API inkan_status
inkan_resolver_new(inkan_ctx *ctx, const inkan_resolver_ops *ops, void *impl,
	inkan_resolver **out)
{
	inkan_resolver *r;

	if (out == NULL)
		return INKAN_ERR_INVALID;
	*out = NULL;
	if (ctx == NULL || ops == NULL || ops->start == NULL ||
	    ops->wait == NULL || ops->free == NULL)
		return INKAN_ERR_INVALID;
	r = ik_calloc(ctx, 1, sizeof(*r));
	if (r == NULL)
		return INKAN_ERR_NOMEM;
	r->ctx = ctx;
	r->ops = ops;
	r->impl = impl;
	*out = r;
	return INKAN_OK;
}

INKAN_API void
inkan_resolver_free(inkan_resolver *r)
{
	if (r == NULL)
		return;
	if (r->ops->destroy != NULL)
		r->ops->destroy(r->impl);
	ik_free(r->ctx, r);
}

INKAN_API void
inkan_ctx_set_resolver(inkan_ctx *ctx, inkan_resolver *r)
{
	if (ctx != NULL)
		ctx->resolver = r;
}

INKAN_API inkan_resolver *
inkan_ctx_resolver(const inkan_ctx *ctx)
{
	return ctx != NULL ? ctx->resolver : NULL;
}

INKAN_API inkan_status
inkan_dns_start(inkan_resolver *r, const char *name, uint16_t type,
	inkan_dns_query **out)
{
	char norm[IK_DNAME_TEXT_MAX];
	size_t nlen;
	uint64_t timeout;
	inkan_dns_query *q;
	inkan_status st;

	if (out == NULL)
		return INKAN_ERR_INVALID;
	*out = NULL;
	if (r == NULL || name == NULL)
		return INKAN_ERR_INVALID;
	/* one spelling per name, so backends and the cache see the same */
	st = ik_dname_normalize(name, norm, &nlen);
	if (st != INKAN_OK)
		return st;
	timeout = inkan_ctx_limit(r->ctx, INKAN_LIMIT_DNS_TIMEOUT_MS);
	if (timeout > UINT32_MAX)
		timeout = UINT32_MAX;
	q = ik_calloc(r->ctx, 1, sizeof(*q));
	if (q == NULL)
		return INKAN_ERR_NOMEM;
	q->r = r;
	st = r->ops->start(r->impl, norm, type, (uint32_t)timeout,
		&q->qstate);
	if (st != INKAN_OK) {
		ik_free(r->ctx, q);
		return st;
	}
	*out = q;
	return INKAN_OK;
}

INKAN_API inkan_status
inkan_dns_wait(inkan_dns_query *q, const inkan_dns_answer **answer)
{
	inkan_status st;

	if (answer == NULL)
		return INKAN_ERR_INVALID;
	*answer = NULL;
	if (q == NULL)
		return INKAN_ERR_INVALID;
	if (q->answer == NULL) {
		st = q->r->ops->wait(q->r->impl, q->qstate, &q->answer);
		if (st != INKAN_OK)
			return st;
		if (q->answer == NULL)
			return INKAN_ERR_INTERNAL;
	}
	*answer = q->answer;
	return INKAN_OK;
}

INKAN_API void
inkan_dns_query_free(inkan_dns_query *q)
{
	if (q == NULL)
		return;
	q->r->ops->free(q->r->impl, q->qstate);
	ik_free(q->r->ctx, q);
}

INKAN_API inkan_status
inkan_dns_lookup(inkan_resolver *r, const char *name, uint16_t type,
	inkan_dns_query **q, const inkan_dns_answer **answer)
{
	inkan_status st;

	if (q == NULL || answer == NULL)
		return INKAN_ERR_INVALID;
	*answer = NULL;
	st = inkan_dns_start(r, name, type, q);
	if (st != INKAN_OK)
		return st;
	st = inkan_dns_wait(*q, answer);
	if (st != INKAN_OK) {
		inkan_dns_query_free(*q);
		*q = NULL;
	}
	return st;
}

static const struct {
	uint16_t type;
	const char *name;
} type_names[] = {
	{ INKAN_DNS_TYPE_A, "A" },
	{ INKAN_DNS_TYPE_NS, "NS" },
	{ INKAN_DNS_TYPE_CNAME, "CNAME" },
	{ INKAN_DNS_TYPE_SOA, "SOA" },
	{ INKAN_DNS_TYPE_PTR, "PTR" },
	{ INKAN_DNS_TYPE_MX, "MX" },
	{ INKAN_DNS_TYPE_TXT, "TXT" },
	{ INKAN_DNS_TYPE_AAAA, "AAAA" },
	{ INKAN_DNS_TYPE_SPF, "SPF" },
};

INKAN_API uint16_t
inkan_dns_type_from_name(const char *name)
{
	size_t i, len;
	unsigned long v = 0;

	if (name == NULL)
		return 0;
	len = strlen(name);
	for (i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++)
		if (ik_ascii_eqz(name, len, type_names[i].name))
			return type_names[i].type;
	/* RFC 3597 5: TYPEnnn */
	if (len < 5 || len > 9 || !ik_ascii_eq(name, 4, "TYPE", 4))
		return 0;
	for (i = 4; i < len; i++) {
		if (!ik_is_digit((unsigned char)name[i]))
			return 0;
		v = v * 10 + (unsigned long)(name[i] - '0');
	}
	return v >= 1 && v <= 65535 ? (uint16_t)v : 0;
}

INKAN_API const char *
inkan_dns_type_name(uint16_t type)
{
	size_t i;

	for (i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++)
		if (type_names[i].type == type)
			return type_names[i].name;
	return NULL;
}

INKAN_API const char *
inkan_dns_rcode_name(int rcode)
{
	switch (rcode) {
	case INKAN_DNS_RCODE_NOERROR: return "NOERROR";
	case INKAN_DNS_RCODE_FORMERR: return "FORMERR";
	case INKAN_DNS_RCODE_SERVFAIL: return "SERVFAIL";
	case INKAN_DNS_RCODE_NXDOMAIN: return "NXDOMAIN";
	case INKAN_DNS_RCODE_NOTIMP: return "NOTIMP";
	case INKAN_DNS_RCODE_REFUSED: return "REFUSED";
	default: return "RCODE";
	}
}

INKAN_API const char *
inkan_dns_outcome_name(inkan_dns_outcome outcome)
{
	switch (outcome) {
	case INKAN_DNS_DATA: return "data";
	case INKAN_DNS_NODATA: return "nodata";
	case INKAN_DNS_NXDOMAIN: return "nxdomain";
	case INKAN_DNS_TEMPFAIL: return "tempfail";
	}
	return "unknown";
}
