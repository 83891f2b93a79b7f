/* SPDX-License-Identifier: MIT */
/*
 * check_ip.c - one item per sending IP:
 *  - a PTR record (RFC 1035 3.5 in-addr.arpa, RFC 3596 ip6.arpa), and
 *    forward-confirmed reverse DNS: a PTR name whose A/AAAA records give
 *    the IP back. Gmail requires both from every sender;
 *  - SPF: does the record of the MAIL FROM domain authorize the IP
 *    (inkan_spf_check, the real evaluation, RFC 7208 4)?
 */
#include <stdio.h>
#include <string.h>

#include "domain/check_internal.h"

static void
reverse_name(const struct ck_ip *ip, char *out, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = 0;
	int i;

	if (!ip->v6) {
		snprintf(out, len, "%u.%u.%u.%u.in-addr.arpa", ip->addr[3],
			ip->addr[2], ip->addr[1], ip->addr[0]);
		return;
	}
	/* RFC 3596 2.5: nibbles, least significant first */
	for (i = 15; i >= 0 && n + 4 < len; i--) {
		out[n++] = hex[ip->addr[i] & 0xf];
		out[n++] = '.';
		out[n++] = hex[ip->addr[i] >> 4];
		out[n++] = '.';
	}
	snprintf(out + n, len - n, "ip6.arpa");
}

void
ik_check_ip_start(inkan_domain_checker *c)
{
	char name[80];
	size_t i;

	for (i = 0; i < c->nips; i++) {
		reverse_name(&c->ips[i], name, sizeof(name));
		if (inkan_dns_start(inkan_ctx_resolver(c->ctx), name,
		    INKAN_DNS_TYPE_PTR, &c->ips[i].ptr_q) != INKAN_OK)
			c->ips[i].ptr_q = NULL;
	}
}

/* does one of @a's A/AAAA records equal the IP? */
static int
has_addr(const struct ck_ip *ip, const inkan_dns_answer *a)
{
	size_t i;

	if (a->outcome != INKAN_DNS_DATA)
		return 0;
	for (i = 0; i < a->nrrs; i++)
		if (memcmp(ip->v6 ? a->rrs[i].u.aaaa : a->rrs[i].u.a, ip->addr,
		    ip->v6 ? 16 : 4) == 0)
			return 1;
	return 0;
}

static void
reverse(inkan_domain_checker *c, size_t it, struct ck_ip *ip)
{
	const inkan_dns_answer *a = NULL, *fa;
	inkan_dns_query *fq[CK_MAX_PTR];
	size_t n, i;
	int temp = 0;

	ip->fcrdns = 0;
	if (ip->ptr_q == NULL || inkan_dns_wait(ip->ptr_q, &a) != INKAN_OK ||
	    a->outcome == INKAN_DNS_TEMPFAIL) {
		ip->fcrdns = -1;
		ik_check_status(c, it, INKAN_DOMAIN_TEMPORARY_FAILURE);
		ik_check_detail(c, it, "the PTR lookup failed");
		return;
	}
	if (a->outcome != INKAN_DNS_DATA) {
		ik_check_worsen(c, it, INKAN_DOMAIN_FAILED);
		ik_check_find(c, it, INKAN_SEVERITY_ERROR, "ip-no-ptr", ik_check_str(c, "ask "
			"whoever runs %s (the hosting provider) for a PTR "
			"record naming a host whose A/AAAA record is %s",
			ip->ip, ip->ip), "no PTR record for %s: Gmail requires "
			"reverse DNS from every sender and rejects or "
			"rate-limits mail without it", ip->ip);
		return;
	}
	if (a->nrrs > 1)
		ik_check_find(c, it, INKAN_SEVERITY_WARNING, "ip-ptr-several",
			"keep one PTR record", "%zu PTR records: receivers "
			"may look at only one of them", a->nrrs);
	n = a->nrrs < CK_MAX_PTR ? a->nrrs : CK_MAX_PTR;
	for (i = 0; i < n; i++)
		if (inkan_dns_start(inkan_ctx_resolver(c->ctx),
		    a->rrs[i].u.name, ip->v6 ? INKAN_DNS_TYPE_AAAA :
		    INKAN_DNS_TYPE_A, &fq[i]) != INKAN_OK)
			fq[i] = NULL;
	for (i = 0; i < n; i++) {
		if (fq[i] == NULL || inkan_dns_wait(fq[i], &fa) != INKAN_OK ||
		    fa->outcome == INKAN_DNS_TEMPFAIL)
			temp = 1;
		else if (ip->fcrdns == 0 && has_addr(ip, fa)) {
			ip->fcrdns = 1;
			ip->ptr_name = ik_check_str(c, "%s", a->rrs[i].u.name);
		}
		inkan_dns_query_free(fq[i]);
	}
	if (ip->fcrdns == 1)
		return;
	if (temp) {
		ip->fcrdns = -1;
		ik_check_status(c, it, INKAN_DOMAIN_TEMPORARY_FAILURE);
		return;
	}
	ik_check_worsen(c, it, INKAN_DOMAIN_FAILED);
	ik_check_find(c, it, INKAN_SEVERITY_ERROR, "ip-no-fcrdns", ik_check_str(c, "give %s "
		"an %s record for %s, or change the PTR to a name that has "
		"one", a->rrs[0].u.name, ip->v6 ? "AAAA" : "A", ip->ip),
		"the PTR name %s does not resolve back to %s: Gmail wants "
		"forward-confirmed reverse DNS", a->rrs[0].u.name, ip->ip);
}

/* SPF for postmaster@@domain from the IP; *res gets the result */
static int
spf(inkan_domain_checker *c, const struct ck_ip *ip, const char *domain,
	inkan_spf_result *res, const char **mech)
{
	inkan_spf_request req;
	inkan_spf_verdict *v = NULL;
	char sender[IK_DOMAIN_NAME_MAX + 16];

	snprintf(sender, sizeof(sender), "postmaster@%s", domain);
	memset(&req, 0, sizeof(req));
	req.client_ip = ip->ip;
	req.mail_from = sender;
	req.helo = ip->ptr_name != NULL ? ip->ptr_name : c->domain;
	if (inkan_spf_check(c->ctx, &req, INKAN_SPF_IDENTITY_MAILFROM, &v) !=
	    INKAN_OK)
		return 0;
	*res = v->result;
	*mech = v->mechanism != NULL ? ik_check_str(c, "%s", v->mechanism) : NULL;
	inkan_spf_verdict_free(v);
	return 1;
}

static void
one(inkan_domain_checker *c, struct ck_ip *ip)
{
	const char *dom = ik_check_spf_domain(c), *mech = NULL;
	inkan_spf_result r = INKAN_SPF_NONE;
	size_t it = ik_check_item_new(c, INKAN_DOMAIN_AREA_IP, ip->ip);

	if (it == SIZE_MAX)
		return;
	reverse(c, it, ip);
	if (!spf(c, ip, dom, &r, &mech)) {
		ik_check_status(c, it, INKAN_DOMAIN_TEMPORARY_FAILURE);
		return;
	}
	ip->spf = r;
	ip->spf_done = 1;
	ik_check_detail(c, it, "PTR %s%s; SPF %s for MAIL FROM %s%s%s",
		ip->ptr_name != NULL ? ip->ptr_name : ip->fcrdns == 0 ?
		"not confirmed" : "unknown",
		ip->fcrdns == 1 ? " (forward-confirmed)" : "",
		inkan_spf_result_name(r), dom, mech ? " via " : "",
		mech ? mech : "");
	if (r == INKAN_SPF_TEMPERROR) {
		ik_check_status(c, it, INKAN_DOMAIN_TEMPORARY_FAILURE);
	} else if (r != INKAN_SPF_PASS) {
		ik_check_worsen(c, it, INKAN_DOMAIN_FAILED);
		ik_check_find(c, it, INKAN_SEVERITY_ERROR, "ip-spf",
			r == INKAN_SPF_NONE ? ik_check_str(c, "publish the SPF "
			"record of %s first (see its SPF item)", dom) :
			r == INKAN_SPF_PERMERROR ?
			ik_check_str(c, "repair the SPF record of %s first (see its "
			"SPF item)", dom) : ik_check_str(c, "add %s:%s to the SPF "
			"record of %s (inkan domain setup --spf-ip %s)",
			ip->v6 ? "ip6" : "ip4", ip->ip, dom, ip->ip),
			"SPF gives %s for %s sending with MAIL FROM %s: that "
			"mail cannot align through SPF",
			inkan_spf_result_name(r), ip->ip, dom);
	}
	/* mail without the custom MAIL FROM (or HELO checks) uses the
	 * domain's own record */
	if (c->mail_from[0] != '\0' && spf(c, ip, c->domain, &r, &mech) &&
	    r != INKAN_SPF_PASS && r != INKAN_SPF_TEMPERROR)
		ik_check_find(c, it, INKAN_SEVERITY_WARNING, "ip-spf-domain",
			r == INKAN_SPF_NONE ? ik_check_str(c, "publish an SPF "
			"record for %s (see its SPF item)", c->domain) :
			r == INKAN_SPF_PERMERROR ?
			ik_check_str(c, "repair the SPF record of %s (see its SPF "
			"item)", c->domain) :
			ik_check_str(c, "add %s:%s to the SPF record of %s too",
			ip->v6 ? "ip6" : "ip4", ip->ip, c->domain), "the SPF "
			"record of %s itself gives %s for %s: mail sent "
			"without the custom MAIL FROM fails SPF",
			c->domain, inkan_spf_result_name(r), ip->ip);
}

void
ik_check_ip(inkan_domain_checker *c)
{
	size_t i;

	for (i = 0; i < c->nips; i++)
		one(c, &c->ips[i]);
}
