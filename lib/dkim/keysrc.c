/* SPDX-License-Identifier: MIT */
/*
 * keysrc.c - where a DKIM key comes from: the cache, static records, a
 * lookup callback, or DNS (RFC 6376 3.6.2, 6.1.2).
 *
 * RFC 6376 3.6.2.2: the strings of one TXT RR are joined without
 * separators (done by the source); several RRs for one selector give
 * undefined results, which we report as a permanent error rather than
 * guess. 6.1.2 steps 2 and 3: no answer -> TEMPFAIL (key unavailable),
 * no record -> PERMFAIL (no key for signature).
 */
#include <stdio.h>
#include <string.h>

#include <inkan/dns.h>

#include "core/alloc.h"
#include "core/ascii.h"
#include "core/ctx_internal.h"
#include "dkim_internal.h"

#define KEY_TTL_DEFAULT 300
#define KEY_TTL_MAX 86400

INKAN_API inkan_status
inkan_dkim_key_answer_add(inkan_dkim_key_answer *ans, const char *txt,
	size_t len)
{
	if (ans == NULL || (txt == NULL && len > 0))
		return INKAN_ERR_INVALID;
	if (ans->count++ > 0)
		return INKAN_OK;	/* only the count matters now */
	if (len > IK_DKIM_MAX_KEY_RECORD) {
		/* still one record; it will not parse */
		len = IK_DKIM_MAX_KEY_RECORD + 1;
	}
	ans->first = ik_strndup(ans->ctx, txt ? txt : "", len);
	if (ans->first == NULL) {
		ans->st = INKAN_ERR_NOMEM;
		return INKAN_ERR_NOMEM;
	}
	ans->first_len = len;
	return INKAN_OK;
}

INKAN_API void
inkan_dkim_key_answer_set_ttl(inkan_dkim_key_answer *ans, uint32_t ttl)
{
	if (ans != NULL)
		ans->ttl = ttl;
}

/* Turn an answer (or a lookup status) into q->key / q->error. */
static inkan_status
finish(inkan_dkim *d, ik_dkim_keyq *q, inkan_status lookup,
	inkan_dkim_key_answer *ans)
{
	inkan_status st = INKAN_OK;
	int64_t now;

	q->done = 1;
	if (ans->st != INKAN_OK) {
		st = ans->st;
		q->error = INKAN_DKIM_R_INTERNAL;
	} else if (lookup == INKAN_ERR_NOT_FOUND ||
	    (lookup == INKAN_OK && ans->count == 0)) {
		q->error = INKAN_DKIM_R_NO_KEY;
	} else if (lookup != INKAN_OK) {
		/* SERVFAIL, timeout, anything else: try later */
		q->error = INKAN_DKIM_R_KEY_UNAVAILABLE;
	} else if (ans->count > 1) {
		q->error = INKAN_DKIM_R_KEY_MULTIPLE;
	} else {
		st = ik_dkim_key_from_record(d->ctx, ans->first,
			ans->first_len, &q->key);
		if (st != INKAN_OK) {
			q->error = INKAN_DKIM_R_INTERNAL;
		} else if (d->cache != NULL && ans->ttl > 0) {
			now = inkan_ctx_now(d->ctx);
			ik_dkim_cache_put(d->cache, q->qname, q->key, now +
				(ans->ttl > KEY_TTL_MAX ? KEY_TTL_MAX : ans->ttl));
		}
	}
	ik_free(d->ctx, ans->first);
	ans->first = NULL;
	return st;
}

static void
answer_init(inkan_dkim *d, inkan_dkim_key_answer *ans)
{
	memset(ans, 0, sizeof(*ans));
	ans->ctx = d->ctx;
	ans->ttl = KEY_TTL_DEFAULT;
}

static inkan_status
from_statics(inkan_dkim *d, ik_dkim_keyq *q)
{
	inkan_dkim_key_answer ans;
	size_t i, qlen = strlen(q->qname);

	answer_init(d, &ans);
	for (i = 0; i < d->nstatics; i++)
		if (ik_ascii_eqz(q->qname, qlen, d->statics[i].qname))
			inkan_dkim_key_answer_add(&ans, d->statics[i].txt,
				strlen(d->statics[i].txt));
	return finish(d, q, INKAN_OK, &ans);
}

static inkan_status
from_callback(inkan_dkim *d, ik_dkim_keyq *q)
{
	inkan_dkim_key_answer ans;
	inkan_status st;

	answer_init(d, &ans);
	st = d->lookup(d->lookup_ud, q->qname, &ans);
	return finish(d, q, st, &ans);
}

/* start the TXT question now; it is answered while the body arrives */
static inkan_status
dns_start(inkan_dkim *d, ik_dkim_keyq *q, inkan_resolver *r)
{
	inkan_dns_query *dq = NULL;
	inkan_dkim_key_answer ans;
	inkan_status st;

	st = inkan_dns_start(r, q->qname, INKAN_DNS_TYPE_TXT, &dq);
	if (st == INKAN_OK) {
		q->pending = dq;
		return INKAN_OK;
	}
	if (st == INKAN_ERR_NOMEM)
		return st;
	/* a name DNS cannot carry has no key */
	answer_init(d, &ans);
	return finish(d, q, INKAN_ERR_NOT_FOUND, &ans);
}

static inkan_status
dns_wait(inkan_dkim *d, ik_dkim_keyq *q)
{
	const inkan_dns_answer *a = NULL;
	inkan_dkim_key_answer ans;
	inkan_status st, lookup = INKAN_OK;
	size_t i;

	answer_init(d, &ans);
	st = inkan_dns_wait(q->pending, &a);
	if (st != INKAN_OK)
		return st;
	switch (a->outcome) {
	case INKAN_DNS_DATA:
		/* each RR's strings are joined already (3.6.2.2) */
		for (i = 0; i < a->nrrs; i++)
			if (a->rrs[i].type == INKAN_DNS_TYPE_TXT)
				inkan_dkim_key_answer_add(&ans,
					a->rrs[i].u.txt.joined.data,
					a->rrs[i].u.txt.joined.len);
		ans.ttl = a->ttl;
		break;
	case INKAN_DNS_NODATA:
	case INKAN_DNS_NXDOMAIN:
		lookup = INKAN_ERR_NOT_FOUND;
		break;
	default:
		lookup = INKAN_ERR_DNS_TEMP;
		break;
	}
	inkan_dns_query_free(q->pending);
	q->pending = NULL;
	return finish(d, q, lookup, &ans);
}

inkan_status
ik_dkim_keyq_add(inkan_dkim *d, ik_dkim_keyq *qs, size_t *nq,
	const ik_dkim_sig *sig, size_t *idx)
{
	char qname[IK_DKIM_MAX_QNAME + 1];
	int n;
	size_t i;
	ik_dkim_keyq *q;

	/* RFC 6376 3.6.2.1: selector._domainkey.domain (ARC: RFC 8617
	 * 4.1.3 imports it) */
	n = snprintf(qname, sizeof(qname), "%s._domainkey.%s", sig->selector,
		sig->domain);
	if (n < 0 || (size_t)n >= sizeof(qname))
		return INKAN_ERR_INTERNAL;	/* sig.c checked the length */
	ik_ascii_lower(qname, (size_t)n);
	for (i = 0; i < *nq; i++)
		if (strcmp(qs[i].qname, qname) == 0) {
			*idx = i;
			return INKAN_OK;
		}
	q = &qs[*nq];
	memset(q, 0, sizeof(*q));
	if ((q->qname = ik_strndup(d->ctx, qname, (size_t)n)) == NULL)
		return INKAN_ERR_NOMEM;
	*idx = (*nq)++;
	return ik_dkim_keyq_start(d, q);
}

inkan_status
ik_dkim_keyq_start(inkan_dkim *d, ik_dkim_keyq *q)
{
	inkan_resolver *r;

	if (d->cache != NULL) {
		q->key = ik_dkim_cache_get(d->cache, q->qname,
			inkan_ctx_now(d->ctx));
		if (q->key != NULL) {
			q->done = 1;
			return INKAN_OK;
		}
	}
	if (d->nstatics > 0)
		return from_statics(d, q);
	/* a callback is synchronous: it runs in ik_dkim_keyq_wait() */
	if (d->lookup == NULL && (r = inkan_ctx_resolver(d->ctx)) != NULL)
		return dns_start(d, q, r);
	return INKAN_OK;
}

inkan_status
ik_dkim_keyq_wait(inkan_dkim *d, ik_dkim_keyq *q)
{
	inkan_dkim_key_answer ans;

	if (q->done)
		return INKAN_OK;
	if (q->pending != NULL)
		return dns_wait(d, q);
	if (d->lookup != NULL)
		return from_callback(d, q);
	/* no source at all: nothing can be found */
	answer_init(d, &ans);
	return finish(d, q, INKAN_ERR_NOT_FOUND, &ans);
}

void
ik_dkim_keyq_clear(inkan_dkim *d, ik_dkim_keyq *q)
{
	inkan_dns_query_free(q->pending);
	ik_dkim_key_unref(d->ctx, d->cache, q->key);
	ik_free(d->ctx, q->qname);
	memset(q, 0, sizeof(*q));
}
