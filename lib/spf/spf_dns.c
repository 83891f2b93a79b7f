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

/* the DNS API reads "\\" as an escape; a macro expansion is taken
 * literally (RFC 7208 4.8), so a backslash is written as "\\\\". 0 when
 * the name does not fit (it is then no name a query can be made for). */
static int
api_name(const char *name, size_t len, int escaped, ik_spf_q *q)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		if (n + 2 >= sizeof(q->name))
			return 0;
		if (name[i] == '\\' && !escaped)
			q->name[n++] = '\\';
		q->name[n++] = name[i];
	}
	q->name[n] = '\0';
	q->len = n;
	return 1;
}

static ik_spf_q *
find(ik_spf_check *c, const ik_spf_q *key)
{
	size_t i;

	for (i = 0; i < c->nq; i++)
		if (c->qs[i]->type == key->type &&
		    ik_ascii_eq(c->qs[i]->name, c->qs[i]->len, key->name,
		    key->len))
			return c->qs[i];
	return NULL;
}

/* start a question; NULL when it cannot even be started (the caller
 * then reports a failure) */
static ik_spf_q *
start(ik_spf_check *c, const char *name, size_t len, uint16_t type,
	int escaped)
{
	ik_spf_q key, *q;

	key.type = type;
	if (!api_name(name, len, escaped, &key))
		return NULL;
	q = find(c, &key);
	if (q != NULL)
		return q;
	if (c->nq == c->qcap) {
		size_t ncap = c->qcap ? c->qcap * 2 : 16;
		ik_spf_q **nq;

		if (c->nq >= IK_SPF_MAX_QUERIES)
			return NULL;
		nq = ik_spf_scratch_alloc(&c->scratch, ncap * sizeof(*nq));
		if (nq == NULL) {
			c->fatal = INKAN_ERR_NOMEM;
			return NULL;
		}
		if (c->nq > 0)
			memcpy(nq, c->qs, c->nq * sizeof(*nq));
		c->qs = nq;
		c->qcap = ncap;
	}
	/* every field is set below: no zeroing of the name buffer */
	q = ik_spf_scratch_raw(&c->scratch, sizeof(*q));
	if (q == NULL) {
		c->fatal = INKAN_ERR_NOMEM;
		return NULL;
	}
	memcpy(q->name, key.name, key.len + 1);
	q->len = key.len;
	q->type = type;
	q->ans = NULL;
	if (inkan_dns_start(c->res, q->name, type, &q->q) != INKAN_OK)
		q->q = NULL;	/* answered as a failure when waited for */
	c->qs[c->nq++] = q;
	return q;
}

void
ik_spf_prefetch(ik_spf_check *c, const char *name, uint16_t type,
	int escaped)
{
	size_t len = strlen(name);

	if (c->sequential || c->fatal != INKAN_OK)
		return;
	if (!escaped && !ik_spf_name_ok(name, len))
		return;
	(void)start(c, name, len, type, escaped);
}

static int
past_deadline(const ik_spf_check *c)
{
	struct timespec now;

	clock_gettime(IK_SPF_CLOCK, &now);
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
	q = start(c, name, len, type, escaped);
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

	/* the questions themselves are scratch memory */
	for (i = 0; i < c->nq; i++)
		inkan_dns_query_free(c->qs[i]->q);
	c->qs = NULL;
	c->nq = c->qcap = 0;
}
