/* SPDX-License-Identifier: MIT */
/*
 * zone_answer.c - answering a question from the zone tables the way an
 * authoritative server (plus a resolver following CNAMEs) would:
 *
 *  - RFC 1034 4.3.2 / RFC 6604: CNAMEs are followed and reported; a chain
 *    longer than IK_DNS_CNAME_MAX is a loop and answers SERVFAIL; the
 *    rcode is the one of the last name.
 *  - RFC 4592 3.3.1: a wildcard "*.<closest encloser>" answers for names
 *    that do not exist, never for names that do (empty non-terminals
 *    included), and only at the closest encloser.
 *  - RFC 2308 / RFC 8020: NXDOMAIN when the name does not exist, NODATA
 *    (NOERROR, no RRs) when it exists, even only as a parent of others;
 *    the negative TTL comes from the closest SOA above, min(TTL, MINIMUM).
 *  - $FAULT: a fault on any name of the chain answers for it.
 */
#include <string.h>

#include "zone_internal.h"
#include "dns/wire.h"

/* the closest existing ancestor of @name (always found: the root exists
 * once anything is loaded), or NULL in an empty zone */
static const ik_znode *
closest_encloser(const ik_zone *z, const uint8_t *name)
{
	const ik_znode *n;

	while (name[0] != 0) {
		name += name[0] + 1;
		n = ik_zone_find(z, name);
		if (n != NULL && n->exists)
			return n;
	}
	return NULL;
}

/* RFC 2308 5 negative TTL from the nearest SOA at or above @name */
static void
negative_ttl(const ik_zone *z, ik_dns_ab *ab, const uint8_t *name)
{
	for (;;) {
		const ik_znode *n = ik_zone_find(z, name);
		size_t i;

		for (i = 0; n != NULL && i < n->nrrs; i++) {
			const ik_zrr *rr = n->rrs[i];
			uint32_t min;

			if (rr->type != INKAN_DNS_TYPE_SOA || rr->rdlen < 20)
				continue;
			min = ik_wire_get32(rr->rdata + rr->rdlen - 4);
			ik_dns_ab_ttl(ab, rr->ttl < min ? rr->ttl : min);
			return;
		}
		if (name[0] == 0)
			break;
		name += name[0] + 1;
	}
	ik_dns_ab_ttl(ab, IK_ZONE_DEFAULT_NEG_TTL);
}

/* the node answering for @name: itself, or the wildcard that covers it */
static const ik_znode *
match(const ik_zone *z, const uint8_t *name)
{
	const ik_znode *n = ik_zone_find(z, name), *ce;
	uint8_t wc[IK_DNAME_MAX];
	size_t celen;

	if (n != NULL && n->exists)
		return n;
	ce = closest_encloser(z, name);
	if (ce == NULL)
		return NULL;
	celen = ik_dname_len(ce->name);
	if (celen + 2 > IK_DNAME_MAX)
		return NULL;
	wc[0] = 1;
	wc[1] = '*';
	memcpy(wc + 2, ce->name, celen);
	n = ik_zone_find(z, wc);
	return n != NULL && n->exists ? n : NULL;
}

static inkan_dns_rcode
fault_rcode(enum ik_zone_fault f, int *timed_out)
{
	*timed_out = f == IK_FAULT_TIMEOUT;
	return f == IK_FAULT_REFUSED ? INKAN_DNS_RCODE_REFUSED :
		INKAN_DNS_RCODE_SERVFAIL;
}

static void
resolve(const ik_zone *z, ik_dns_ab *ab, uint8_t *cur, uint16_t qtype)
{
	size_t hops, i;

	for (hops = 0;; hops++) {
		enum ik_zone_fault f = ik_zone_fault_for(z, cur, qtype);
		const ik_znode *n;
		const ik_zrr *cname = NULL;
		size_t off = 0;

		if (f != IK_FAULT_NONE) {
			ab->hdr.rcode = fault_rcode(f, &ab->hdr.timed_out);
			return;
		}
		n = match(z, cur);
		if (n == NULL) {
			ab->hdr.rcode = INKAN_DNS_RCODE_NXDOMAIN;
			negative_ttl(z, ab, cur);
			return;
		}
		for (i = 0; i < n->nrrs; i++)
			if (n->rrs[i]->type == INKAN_DNS_TYPE_CNAME)
				cname = n->rrs[i];
		if (cname != NULL && qtype != INKAN_DNS_TYPE_CNAME) {
			char text[IK_DNAME_TEXT_MAX];

			if (hops >= IK_DNS_CNAME_MAX) {
				ab->hdr.rcode = INKAN_DNS_RCODE_SERVFAIL;
				return;
			}
			if (ik_dns_read_name(cname->rdata, cname->rdlen, &off,
			    cur) != INKAN_OK) {
				ab->hdr.rcode = INKAN_DNS_RCODE_SERVFAIL;
				return;
			}
			ik_dname_to_text(cur, text);
			ik_dns_ab_cname(ab, text, cname->ttl);
			continue;
		}
		for (i = 0; i < n->nrrs; i++)
			if (n->rrs[i]->type == qtype)
				(void)ik_dns_ab_rdata(ab, qtype, n->rrs[i]->ttl,
					n->rrs[i]->rdata, n->rrs[i]->rdlen, 0,
					n->rrs[i]->rdlen);
		if (ab->nrrs == 0)
			negative_ttl(z, ab, cur);
		return;
	}
}

inkan_status
ik_zone_answer(const ik_zone *z, const char *qname, uint16_t qtype,
	inkan_dns_answer **out)
{
	uint8_t cur[IK_DNAME_MAX];
	size_t len;
	ik_dns_ab ab;
	inkan_status st;

	*out = NULL;
	st = ik_dname_from_text(qname, strlen(qname), NULL, cur, &len);
	if (st != INKAN_OK)
		return st;
	ik_dns_ab_init(&ab, z->ctx, qname, qtype);
	resolve(z, &ab, cur, qtype);
	st = ik_dns_ab_finish(&ab, out);
	ik_dns_ab_cleanup(&ab);
	return st;
}
