/* SPDX-License-Identifier: MIT */
/*
 * spf_dns.c - the questions of one SPF check: started early (prefetch),
 * answered in evaluation order, each asked at most once per check.
 *
 * Counting (terms, void lookups) is not done here but by the evaluator,
 * once per lookup it makes, so prefetching changes when an answer
 * arrives, never what the check concludes.
 */
#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "core/ascii.h"
#include "spf_check.h"

int
ik_spf_name_ok(const char *name, size_t len)
{
	size_t i, label = 0;

	/* RFC 7208 4.3, 4.8: empty labels and labels over 63 bytes make a
	 * name no query can be made for */
	if (len == 0 || len > 253)
		return 0;
	for (i = 0; i < len; i++) {
		if (name[i] != '.') {
			if (++label > 63)
				return 0;
			continue;
		}
		if (label == 0)
			return 0;
		label = 0;
	}
	return label > 0;
}

/* the DNS API reads "\" as an escape; a macro expansion is taken
 * literally (RFC 7208 4.8), so a backslash is written as "\\" */
static char *
api_name(ik_spf_check *c, const char *name, int escaped)
{
	size_t i, n = 0, len = strlen(name);
	char *out;

	if (escaped)
		return ik_strndup(c->ctx, name, len);
	for (i = 0; i < len; i++)
		if (name[i] == '\\')
			n++;
	out = ik_malloc(c->ctx, len + n + 1);
	if (out == NULL)
		return NULL;
	for (i = 0, n = 0; i < len; i++) {
		if (name[i] == '\\')
			out[n++] = '\\';
		out[n++] = name[i];
	}
	out[n] = '\0';
	return out;
}

static ik_spf_q *
find(ik_spf_check *c, const char *apiname, uint16_t type)
{
	size_t i, len = strlen(apiname);

	for (i = 0; i < c->nq; i++)
		if (c->qs[i].type == type &&
		    ik_ascii_eq(c->qs[i].name, strlen(c->qs[i].name), apiname,
		    len))
			return &c->qs[i];
	return NULL;
}

/* start a question; NULL when it cannot even be started (the caller
 * then reports a failure) */
static ik_spf_q *
start(ik_spf_check *c, const char *name, uint16_t type, int escaped)
{
	ik_spf_q *q;
	char *apiname;

	apiname = api_name(c, name, escaped);
	if (apiname == NULL) {
		c->fatal = INKAN_ERR_NOMEM;
		return NULL;
	}
	q = find(c, apiname, type);
	if (q != NULL) {
		ik_free(c->ctx, apiname);
		return q;
	}
	if (c->nq == c->qcap) {
		size_t ncap = c->qcap ? c->qcap * 2 : 16;
		ik_spf_q *nq;

		if (c->nq >= IK_SPF_MAX_QUERIES) {
			ik_free(c->ctx, apiname);
			return NULL;
		}
		nq = ik_reallocarray(c->ctx, c->qs, ncap, sizeof(*nq));
		if (nq == NULL) {
			ik_free(c->ctx, apiname);
			c->fatal = INKAN_ERR_NOMEM;
			return NULL;
		}
		c->qs = nq;
		c->qcap = ncap;
	}
	q = &c->qs[c->nq];
	memset(q, 0, sizeof(*q));
	q->name = apiname;
	q->type = type;
	if (inkan_dns_start(c->res, apiname, type, &q->q) != INKAN_OK)
		q->q = NULL;	/* answered as a failure when waited for */
	c->nq++;
	return q;
}

void
ik_spf_prefetch(ik_spf_check *c, const char *name, uint16_t type,
	int escaped)
{
	if (c->sequential || c->fatal != INKAN_OK)
		return;
	if (!escaped && !ik_spf_name_ok(name, strlen(name)))
		return;
	(void)start(c, name, type, escaped);
}

static int
past_deadline(const ik_spf_check *c)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > c->deadline.tv_sec ||
	    (now.tv_sec == c->deadline.tv_sec &&
	    now.tv_nsec >= c->deadline.tv_nsec);
}

enum ik_spf_look
ik_spf_lookup(ik_spf_check *c, const char *name, uint16_t type, int escaped,
	const inkan_dns_answer **ans)
{
	ik_spf_q *q;
	size_t len = strlen(name);

	*ans = NULL;
	if (c->fatal != INKAN_OK)
		return IK_LOOK_FATAL;
	if (len > 0 && name[len - 1] == '.')
		len--;
	if (!escaped && !ik_spf_name_ok(name, len))
		return IK_LOOK_VOID;
	/* RFC 7208 4.6.4: SHOULD bound the whole check's time */
	if (past_deadline(c))
		return IK_LOOK_TIME;
	q = start(c, name, type, escaped);
	if (q == NULL)
		return c->fatal != INKAN_OK ? IK_LOOK_FATAL : IK_LOOK_FAIL;
	if (q->ans == NULL) {
		inkan_status st;

		if (q->q == NULL)
			return IK_LOOK_FAIL;
		st = inkan_dns_wait(q->q, &q->ans);
		if (st == INKAN_ERR_NOMEM) {
			c->fatal = st;
			return IK_LOOK_FATAL;
		}
		if (st != INKAN_OK) {
			q->ans = NULL;
			return IK_LOOK_FAIL;
		}
	}
	switch (q->ans->outcome) {
	case INKAN_DNS_DATA:
		*ans = q->ans;
		return IK_LOOK_DATA;
	case INKAN_DNS_NODATA:
		return IK_LOOK_VOID;
	case INKAN_DNS_NXDOMAIN:
		return IK_LOOK_NXDOMAIN;
	default:
		return IK_LOOK_FAIL;
	}
}

void
ik_spf_queries_free(ik_spf_check *c)
{
	size_t i;

	for (i = 0; i < c->nq; i++) {
		inkan_dns_query_free(c->qs[i].q);
		ik_free(c->ctx, c->qs[i].name);
	}
	ik_free(c->ctx, c->qs);
	c->qs = NULL;
	c->nq = c->qcap = 0;
}
