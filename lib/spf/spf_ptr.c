/* SPDX-License-Identifier: MIT */
/*
 * spf_ptr.c - validated domain names of the client address (RFC 7208 5.5)
 * for the ptr mechanism and the %{p} macro (7.3).
 *
 * Only the first INKAN_LIMIT_SPF_PTR_NAMES PTR names are used (4.6.4);
 * their address lookups are started together. A failed PTR lookup makes
 * ptr not match and %{p} "unknown"; a failed address lookup skips that
 * name (5.5). Void answers count against the void limit like any other
 * lookup made while evaluating terms (not while building an explanation).
 */
#include <string.h>

#include "core/alloc.h"
#include "core/ascii.h"
#include "spf_check.h"

int
ik_spf_name_within(const char *name, const char *domain)
{
	size_t nl = strlen(name), dl = strlen(domain);

	if (nl > 0 && name[nl - 1] == '.')
		nl--;
	if (dl > 0 && domain[dl - 1] == '.')
		dl--;
	if (nl == dl)
		return ik_ascii_eq(name, nl, domain, dl);
	return nl > dl && name[nl - dl - 1] == '.' &&
	    ik_ascii_eq(name + nl - dl, dl, domain, dl);
}

/* a name from an answer (with \DDD and \X escapes) as raw bytes */
static char *
unescape(const inkan_ctx *ctx, const char *s)
{
	size_t len = strlen(s), i, n = 0;
	char *out = ik_malloc(ctx, len + 1);

	if (out == NULL)
		return NULL;
	for (i = 0; i < len; i++) {
		if (s[i] == '\\' && i + 3 < len && ik_is_digit(
		    (unsigned char)s[i + 1]) && ik_is_digit(
		    (unsigned char)s[i + 2]) && ik_is_digit(
		    (unsigned char)s[i + 3])) {
			out[n++] = (char)((s[i + 1] - '0') * 100 +
			    (s[i + 2] - '0') * 10 + (s[i + 3] - '0'));
			i += 3;
		} else if (s[i] == '\\' && i + 1 < len) {
			out[n++] = s[++i];
		} else {
			out[n++] = s[i];
		}
	}
	out[n] = '\0';
	return out;
}

void
ik_spf_names_free(ik_spf_check *c, char **names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		ik_free(c->ctx, names[i]);
	ik_free(c->ctx, names);
}

/* count one void answer; 1 when that goes past the limit */
static int
count_void(ik_spf_check *c)
{
	if (c->in_exp)
		return 0;
	c->void_lookups++;
	return c->void_lookups > c->max_void;
}

static int
address_matches(const ik_spf_check *c, const inkan_dns_answer *ans)
{
	size_t i;

	for (i = 0; i < ans->nrrs; i++) {
		const inkan_dns_rr *rr = &ans->rrs[i];

		if (!c->ip.v6 && rr->type == INKAN_DNS_TYPE_A &&
		    memcmp(rr->u.a, c->ip.addr, 4) == 0)
			return 1;
		if (c->ip.v6 && rr->type == INKAN_DNS_TYPE_AAAA &&
		    memcmp(rr->u.aaaa, c->ip.addr, 16) == 0)
			return 1;
	}
	return 0;
}

enum ik_spf_look
ik_spf_validated_names(ik_spf_check *c, char ***names, size_t *n,
	int *void_limit)
{
	const inkan_dns_answer *ptrs, *addrs;
	uint16_t type = c->ip.v6 ? INKAN_DNS_TYPE_AAAA : INKAN_DNS_TYPE_A;
	char rev[74];
	size_t k, i;
	enum ik_spf_look look;

	*names = NULL;
	*n = 0;
	*void_limit = 0;
	ik_spf_ip_reverse_name(&c->ip, rev);
	look = ik_spf_lookup(c, rev, INKAN_DNS_TYPE_PTR, 0, &ptrs);
	if (look == IK_LOOK_VOID || look == IK_LOOK_NXDOMAIN) {
		*void_limit = count_void(c);
		return *void_limit ? IK_LOOK_VOID : IK_LOOK_DATA;
	}
	if (look != IK_LOOK_DATA)
		return look;
	/* RFC 7208 4.6.4: records past the first 10 MUST be ignored */
	k = ptrs->nrrs < c->max_ptr ? ptrs->nrrs : c->max_ptr;
	for (i = 0; i < k; i++)
		if (ptrs->rrs[i].type == INKAN_DNS_TYPE_PTR)
			ik_spf_prefetch(c, ptrs->rrs[i].u.name, type, 1);
	*names = ik_calloc(c->ctx, k ? k : 1, sizeof(char *));
	if (*names == NULL) {
		c->fatal = INKAN_ERR_NOMEM;
		return IK_LOOK_FATAL;
	}
	for (i = 0; i < k; i++) {
		const char *name = ptrs->rrs[i].u.name;

		if (ptrs->rrs[i].type != INKAN_DNS_TYPE_PTR)
			continue;
		look = ik_spf_lookup(c, name, type, 1, &addrs);
		if (look == IK_LOOK_VOID || look == IK_LOOK_NXDOMAIN) {
			if (count_void(c)) {
				*void_limit = 1;
				return IK_LOOK_VOID;
			}
			continue;
		}
		if (look == IK_LOOK_FAIL)
			continue;	/* RFC 7208 5.5: skip that name */
		if (look != IK_LOOK_DATA)
			return look;
		if (!address_matches(c, addrs))
			continue;
		(*names)[*n] = unescape(c->ctx, name);
		if ((*names)[*n] == NULL) {
			c->fatal = INKAN_ERR_NOMEM;
			return IK_LOOK_FATAL;
		}
		++*n;
	}
	return IK_LOOK_DATA;
}

inkan_status
ik_spf_get_p(void *ud, const char **out)
{
	ik_spf_check *c = ud;
	const char *pick = NULL;
	size_t i;

	*out = "unknown";
	if (!c->p_done) {
		int void_limit;
		enum ik_spf_look look = ik_spf_validated_names(c, &c->p_names,
			&c->np, &void_limit);

		if (look == IK_LOOK_FATAL)
			return c->fatal;
		if (look == IK_LOOK_TIME)
			return INKAN_ERR_TIMEOUT;
		if (void_limit) {
			ik_spf_names_free(c, c->p_names, c->np);
			c->p_names = NULL;
			c->np = 0;
			return INKAN_ERR_LIMIT;
		}
		c->p_done = look == IK_LOOK_DATA ? 1 : -1;
	}
	/* RFC 7208 7.3: <domain> itself, else a subdomain of it, else any */
	for (i = 0; i < c->np && pick == NULL; i++)
		if (ik_spf_name_within(c->p_names[i], c->p_domain) &&
		    strlen(c->p_names[i]) == strlen(c->p_domain))
			pick = c->p_names[i];
	for (i = 0; i < c->np && pick == NULL; i++)
		if (ik_spf_name_within(c->p_names[i], c->p_domain))
			pick = c->p_names[i];
	if (pick == NULL && c->np > 0)
		pick = c->p_names[0];
	if (pick != NULL)
		*out = pick;
	return INKAN_OK;
}
