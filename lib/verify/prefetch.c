/* SPDX-License-Identifier: MIT */
/*
 * prefetch.c - start, at the end of the header section, the DMARC
 * questions that relaxed SPF alignment will need at the end of the
 * message, so that they do not cost a round trip after SPF.
 *
 * DMARC learns the SPF identity only with its result (RFC 9989 4.4.2: a
 * pass of the MAIL FROM domain aligns when its organizational domain is
 * the author's), and then walks the identity's tree (RFC 9989 4.10):
 * _dmarc.<MAIL FROM domain> and its parents. The names the author's own
 * walk already asked are shared inside the evaluator; the others (for
 * the usual custom MAIL FROM, bounce.example.com under example.com, just
 * _dmarc.bounce.example.com) are new questions asked only after SPF has
 * finished. The MAIL FROM domain is known from the envelope, so they can
 * be asked now. This only pays when the context's resolver is a cache,
 * which joins the evaluator's question to the one in flight or answers it
 * from memory; with any other resolver nothing is started.
 *
 * It is a guess at what the DMARC module will ask: a wrong guess costs a
 * question, never a different result.
 */
#include <string.h>

#include "core/ascii.h"
#include "verify/verify_internal.h"

/* the trailing labels two names have in common (ASCII case ignored);
 * *a_suffix points at the shared part in @a */
static size_t
common_labels(const char *a, const char *b, const char **a_suffix)
{
	size_t la = strlen(a), lb = strlen(b), ia, ib, n = 0;

	*a_suffix = a + la;
	while (la > 0 && lb > 0) {
		for (ia = la; ia > 0 && a[ia - 1] != '.'; ia--)
			;
		for (ib = lb; ib > 0 && b[ib - 1] != '.'; ib--)
			;
		if (!ik_ascii_eq(a + ia, la - ia, b + ib, lb - ib))
			break;
		n++;
		*a_suffix = a + ia;
		if (ia == 0 || ib == 0)
			break;
		la = ia - 1;
		lb = ib - 1;
	}
	return n;
}

static void
start_one(inkan_verify *v, inkan_resolver *r, const char *name)
{
	char q[IK_VERIFY_NAME_MAX + 8];
	size_t len = strlen(name);

	if (v->nprefetch >= IK_VERIFY_PREFETCH_MAX || len > IK_VERIFY_NAME_MAX)
		return;
	memcpy(q, "_dmarc.", 7);
	memcpy(q + 7, name, len + 1);
	if (inkan_dns_start(r, q, INKAN_DNS_TYPE_TXT,
	    &v->prefetch[v->nprefetch]) == INKAN_OK)
		v->nprefetch++;
}

void
ik_verify_prefetch_alignment(inkan_verify *v)
{
	inkan_resolver *r = inkan_ctx_resolver(v->ctx);
	inkan_dns_cache_stats stats;
	const char *spf = v->spf.domain, *suffix, *p;
	size_t i;

	if (r == NULL || spf == NULL || v->authors == NULL ||
	    v->spf.status != INKAN_VERIFY_SPF_CHECKED ||
	    v->opt.dmarc.discovery != INKAN_DMARC_DISCOVERY_TREEWALK ||
	    inkan_resolver_cache_stats(r, &stats) != INKAN_OK)
		return;
	for (i = 0; i < inkan_authors_domain_count(v->authors); i++) {
		const char *author = inkan_authors_domain_at(v->authors, i);
		/* an organizational domain has two labels at least, and must
		 * be a suffix of both for the walk to be made at all */
		if (common_labels(spf, author, &suffix) < 2 || suffix == spf)
			continue;
		/* the MAIL FROM domain and each parent above it, down to the
		 * shared part (the author's own walk asks that) */
		for (p = spf; p != NULL && p < suffix; ) {
			start_one(v, r, p);
			p = strchr(p, '.');
			if (p != NULL)
				p++;
		}
	}
}

void
ik_verify_prefetch_clear(inkan_verify *v)
{
	size_t i;

	for (i = 0; i < v->nprefetch; i++)
		inkan_dns_query_free(v->prefetch[i]);
	v->nprefetch = 0;
}
