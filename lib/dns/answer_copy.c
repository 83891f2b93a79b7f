/* SPDX-License-Identifier: MIT */
/*
 * answer_copy.c - deep copies of answers (the cache keeps answers longer
 * than the backend's query lives).
 *
 * The copy goes through the same path as every other answer: each RR is
 * written back to RDATA and decoded by the builder. That costs a little
 * on a cache miss but keeps one layout and one decoder, and it also checks
 * answers from a program's own backend (a TXT string over 255 bytes or a
 * bad name is refused with INKAN_ERR_SYNTAX instead of being passed on).
 */
#include <string.h>

#include "core/alloc.h"
#include "dns_internal.h"
#include "dns/wire.h"

/* RDATA is at most 65535 bytes (RFC 1035 3.2.1) */
#define RDATA_MAX 65535

static inkan_status
put_name(const char *text, uint8_t *buf, size_t *len)
{
	uint8_t wire[IK_DNAME_MAX];
	size_t wlen;
	inkan_status st;

	if (text == NULL)
		return INKAN_ERR_SYNTAX;
	st = ik_dname_from_text(text, strlen(text), NULL, wire, &wlen);
	if (st != INKAN_OK)
		return st;
	if (wlen > RDATA_MAX - *len)
		return INKAN_ERR_SYNTAX;
	memcpy(buf + *len, wire, wlen);
	*len += wlen;
	return INKAN_OK;
}

/* write @rr as RDATA into @buf (RDATA_MAX bytes) */
static inkan_status
to_rdata(const inkan_dns_rr *rr, uint8_t *buf, size_t *len)
{
	size_t i;
	inkan_status st;

	*len = 0;
	switch (rr->type) {
	case INKAN_DNS_TYPE_A:
		memcpy(buf, rr->u.a, 4);
		*len = 4;
		return INKAN_OK;
	case INKAN_DNS_TYPE_AAAA:
		memcpy(buf, rr->u.aaaa, 16);
		*len = 16;
		return INKAN_OK;
	case INKAN_DNS_TYPE_TXT:
	case INKAN_DNS_TYPE_SPF:
		for (i = 0; i < rr->u.txt.nstrings; i++) {
			const inkan_dns_str *s = &rr->u.txt.strings[i];
			if (s->len > 255 || s->len + 1 > RDATA_MAX - *len)
				return INKAN_ERR_SYNTAX;
			buf[(*len)++] = (uint8_t)s->len;
			if (s->len > 0)
				memcpy(buf + *len, s->data, s->len);
			*len += s->len;
		}
		return INKAN_OK;
	case INKAN_DNS_TYPE_MX:
		buf[0] = (uint8_t)(rr->u.mx.preference >> 8);
		buf[1] = (uint8_t)rr->u.mx.preference;
		*len = 2;
		return put_name(rr->u.mx.exchange, buf, len);
	case INKAN_DNS_TYPE_CNAME:
	case INKAN_DNS_TYPE_NS:
	case INKAN_DNS_TYPE_PTR:
		return put_name(rr->u.name, buf, len);
	case INKAN_DNS_TYPE_SOA:
		st = put_name(rr->u.soa.mname, buf, len);
		if (st == INKAN_OK)
			st = put_name(rr->u.soa.rname, buf, len);
		if (st != INKAN_OK)
			return st;
		ik_wire_put32(buf + *len, rr->u.soa.serial);
		ik_wire_put32(buf + *len + 4, rr->u.soa.refresh);
		ik_wire_put32(buf + *len + 8, rr->u.soa.retry);
		ik_wire_put32(buf + *len + 12, rr->u.soa.expire);
		ik_wire_put32(buf + *len + 16, rr->u.soa.minimum);
		*len += 20;
		return INKAN_OK;
	default:
		if (rr->rdlen > RDATA_MAX || (rr->rdlen && rr->rdata == NULL))
			return INKAN_ERR_SYNTAX;
		if (rr->rdlen > 0)
			memcpy(buf, rr->rdata, rr->rdlen);
		*len = rr->rdlen;
		return INKAN_OK;
	}
}

inkan_status
ik_dns_answer_copy(const inkan_ctx *ctx, const inkan_dns_answer *src,
	inkan_dns_answer **out)
{
	static const uint8_t none[1];
	ik_dns_ab ab;
	uint8_t *buf;
	size_t i, len;
	inkan_status st = INKAN_OK;

	*out = NULL;
	buf = ik_malloc(ctx, RDATA_MAX + 256);
	if (buf == NULL)
		return INKAN_ERR_NOMEM;
	ik_dns_ab_init(&ab, ctx, src->qname ? src->qname : "", src->qtype);
	ab.hdr = *src;
	ab.hdr.cnames = NULL;
	ab.hdr.ncnames = 0;
	ab.hdr.rrs = NULL;
	ab.hdr.nrrs = 0;
	ab.have_ttl = 1;
	for (i = 0; i < src->ncnames && st == INKAN_OK; i++) {
		if (src->cnames[i] == NULL)
			st = INKAN_ERR_SYNTAX;
		else
			ik_dns_ab_cname(&ab, src->cnames[i], src->ttl);
	}
	for (i = 0; i < src->nrrs && st == INKAN_OK; i++) {
		st = to_rdata(&src->rrs[i], buf, &len);
		if (st == INKAN_OK)
			st = ik_dns_ab_rdata(&ab, src->rrs[i].type,
				src->rrs[i].ttl, len ? buf : none,
				len ? len : 1, 0, len);
	}
	/* the answer's TTL is the source's, whatever the RRs say */
	ab.hdr.ttl = src->ttl;
	if (st == INKAN_OK)
		st = ik_dns_ab_finish(&ab, out);
	ik_dns_ab_cleanup(&ab);
	ik_free(ctx, buf);
	return st;
}
