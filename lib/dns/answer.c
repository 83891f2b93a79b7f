/* SPDX-License-Identifier: MIT */
/*
 * answer.c - building inkan_dns_answer values.
 *
 * Every backend (zone, unbound, the cache's copies) builds answers here,
 * so that all of them follow one layout: the answer struct, its RR array,
 * the CNAME pointers, the TXT string array and all text in ONE allocation.
 * Strings are collected at offsets into a bounded buffer while building
 * and turned into pointers at the end.
 */
#include <string.h>

#include "core/alloc.h"
#include "dns_internal.h"
#include "dns/wire.h"

/* a DNS message is at most 64 KiB; decoded text stays within a few times
 * that even with every byte escaped */
#define AB_TEXT_MAX (1024 * 1024)
/* more RRs than fit in a 64 KiB message cannot come from one answer */
#define AB_RR_MAX 8192
#define AB_STR_MAX 65536

void
ik_dns_ab_init(ik_dns_ab *ab, const inkan_ctx *ctx, const char *qname,
	uint16_t qtype)
{
	memset(ab, 0, sizeof(*ab));
	ab->ctx = ctx;
	ab->st = INKAN_OK;
	ab->hdr.qtype = qtype;
	ab->hdr.rcode = INKAN_DNS_RCODE_NOERROR;
	ik_buf_init(&ab->text, ctx, AB_TEXT_MAX);
	ab->qname = 0;
	ab->st = ik_buf_append(&ab->text, qname, strlen(qname) + 1);
}

void
ik_dns_ab_cleanup(ik_dns_ab *ab)
{
	ik_buf_free(&ab->text);
	ik_free(ab->ctx, ab->cnames);
	ik_free(ab->ctx, ab->rrs);
	ik_free(ab->ctx, ab->strs);
	ab->cnames = NULL;
	ab->rrs = NULL;
	ab->strs = NULL;
}

/* append bytes plus a NUL; the offset of the copy in *off */
static void
add_text(ik_dns_ab *ab, const void *data, size_t len, size_t *off)
{
	*off = SIZE_MAX;
	if (ab->st != INKAN_OK)
		return;
	*off = ab->text.len;
	ab->st = ik_buf_append(&ab->text, data, len);
	if (ab->st == INKAN_OK)
		ab->st = ik_buf_putc(&ab->text, '\0');
}

void
ik_dns_ab_ttl(ik_dns_ab *ab, uint32_t ttl)
{
	if (!ab->have_ttl || ttl < ab->hdr.ttl)
		ab->hdr.ttl = ttl;
	ab->have_ttl = 1;
}

void
ik_dns_ab_cname(ik_dns_ab *ab, const char *target, uint32_t ttl)
{
	size_t *n, off;

	if (ab->st != INKAN_OK)
		return;
	if (ab->ncnames >= IK_DNS_CNAME_MAX) {
		ab->st = INKAN_ERR_LIMIT;
		return;
	}
	n = ik_reallocarray(ab->ctx, ab->cnames, ab->ncnames + 1,
		sizeof(*n));
	if (n == NULL) {
		ab->st = INKAN_ERR_NOMEM;
		return;
	}
	ab->cnames = n;
	add_text(ab, target, strlen(target), &off);
	if (ab->st == INKAN_OK)
		ab->cnames[ab->ncnames++] = off;
	ik_dns_ab_ttl(ab, ttl);
}

static ik_dns_ab_rr *
new_rr(ik_dns_ab *ab, uint16_t type, uint32_t ttl)
{
	ik_dns_ab_rr *rr;

	if (ab->st != INKAN_OK)
		return NULL;
	if (ab->nrrs == AB_RR_MAX) {
		ab->st = INKAN_ERR_LIMIT;
		return NULL;
	}
	if (ab->nrrs == ab->rrcap) {
		size_t ncap = ab->rrcap ? ab->rrcap * 2 : 4;
		rr = ik_reallocarray(ab->ctx, ab->rrs, ncap, sizeof(*rr));
		if (rr == NULL) {
			ab->st = INKAN_ERR_NOMEM;
			return NULL;
		}
		ab->rrs = rr;
		ab->rrcap = ncap;
	}
	rr = &ab->rrs[ab->nrrs];
	memset(rr, 0, sizeof(*rr));
	rr->type = type;
	rr->ttl = ttl;
	rr->name1 = rr->name2 = SIZE_MAX;
	rr->joined = rr->rdata = SIZE_MAX;
	return rr;
}

static void
add_str(ik_dns_ab *ab, const uint8_t *data, size_t len)
{
	size_t off;

	if (ab->st != INKAN_OK)
		return;
	if (ab->nstrs == AB_STR_MAX) {
		ab->st = INKAN_ERR_LIMIT;
		return;
	}
	if (ab->nstrs == ab->strcap) {
		size_t ncap = ab->strcap ? ab->strcap * 2 : 8;
		void *p = ik_reallocarray(ab->ctx, ab->strs, ncap,
			sizeof(*ab->strs));
		if (p == NULL) {
			ab->st = INKAN_ERR_NOMEM;
			return;
		}
		ab->strs = p;
		ab->strcap = ncap;
	}
	add_text(ab, data, len, &off);
	if (ab->st != INKAN_OK)
		return;
	ab->strs[ab->nstrs].off = off;
	ab->strs[ab->nstrs].len = len;
	ab->nstrs++;
}

/* RFC 1035 3.3.14: TXT-DATA is one or more <character-string>s */
static inkan_status
decode_txt(ik_dns_ab *ab, ik_dns_ab_rr *rr, const uint8_t *p, size_t len)
{
	size_t i = 0, start_text;

	rr->str_first = ab->nstrs;
	if (len == 0)
		return INKAN_ERR_SYNTAX;
	while (i < len) {
		size_t n = p[i];
		if (n > len - i - 1)
			return INKAN_ERR_SYNTAX;
		add_str(ab, p + i + 1, n);
		i += n + 1;
	}
	rr->nstr = ab->nstrs - rr->str_first;
	/* RFC 7208 3.3, RFC 6376 3.6.2.2: joined without separators (read
	 * from @p again: the text buffer may move while it grows) */
	if (ab->st != INKAN_OK)
		return ab->st;
	start_text = ab->text.len;
	for (i = 0; i < len && ab->st == INKAN_OK; i += (size_t)p[i] + 1)
		ab->st = ik_buf_append(&ab->text, p + i + 1, p[i]);
	if (ab->st == INKAN_OK)
		ab->st = ik_buf_putc(&ab->text, '\0');
	rr->joined = start_text;
	rr->joined_len = ab->text.len - start_text - 1;
	return ab->st;
}

static inkan_status
read_name_text(ik_dns_ab *ab, const uint8_t *msg, size_t msglen, size_t *off,
	size_t *textoff)
{
	uint8_t wire[IK_DNAME_MAX];
	char text[IK_DNAME_TEXT_MAX];
	size_t n;
	inkan_status st;

	st = ik_dns_read_name(msg, msglen, off, wire);
	if (st != INKAN_OK)
		return st;
	n = ik_dname_to_text(wire, text);
	add_text(ab, text, n, textoff);
	return ab->st;
}

static inkan_status
decode(ik_dns_ab *ab, ik_dns_ab_rr *rr, const uint8_t *msg, size_t msglen,
	size_t off, size_t rdlen)
{
	const uint8_t *p = msg + off;
	size_t end = off + rdlen, o = off, i;
	inkan_status st;

	(void)msglen;	/* the caller checked off + rdlen <= msglen */
	switch (rr->type) {
	case INKAN_DNS_TYPE_A:
		if (rdlen != 4)
			return INKAN_ERR_SYNTAX;
		memcpy(rr->addr, p, 4);
		return INKAN_OK;
	case INKAN_DNS_TYPE_AAAA:
		if (rdlen != 16)
			return INKAN_ERR_SYNTAX;
		memcpy(rr->addr, p, 16);
		return INKAN_OK;
	case INKAN_DNS_TYPE_TXT:
	case INKAN_DNS_TYPE_SPF:
		return decode_txt(ab, rr, p, rdlen);
	case INKAN_DNS_TYPE_MX:
		if (rdlen < 3)
			return INKAN_ERR_SYNTAX;
		rr->pref = (uint16_t)(p[0] << 8 | p[1]);
		o += 2;
		/* FALLTHROUGH */
	case INKAN_DNS_TYPE_CNAME:
	case INKAN_DNS_TYPE_NS:
	case INKAN_DNS_TYPE_PTR:
		/* names in these RDATA may be compressed (RFC 3597 4) */
		st = read_name_text(ab, msg, end, &o, &rr->name1);
		if (st == INKAN_OK && o != end)
			st = INKAN_ERR_SYNTAX;
		return st;
	case INKAN_DNS_TYPE_SOA:
		st = read_name_text(ab, msg, end, &o, &rr->name1);
		if (st == INKAN_OK)
			st = read_name_text(ab, msg, end, &o, &rr->name2);
		if (st != INKAN_OK)
			return st;
		if (end - o != 20)
			return INKAN_ERR_SYNTAX;
		for (i = 0; i < 5; i++)
			rr->soa[i] = ik_wire_get32(msg + o + 4 * i);
		return INKAN_OK;
	default:
		rr->rdlen = rdlen;
		add_text(ab, p, rdlen, &rr->rdata);
		return ab->st;
	}
}

inkan_status
ik_dns_ab_rdata(ik_dns_ab *ab, uint16_t type, uint32_t ttl,
	const uint8_t *msg, size_t msglen, size_t off, size_t rdlen)
{
	ik_dns_ab_rr *rr;
	size_t keep_text, keep_strs;
	inkan_status st;

	if (off > msglen || rdlen > msglen - off)
		return INKAN_ERR_SYNTAX;
	keep_text = ab->text.len;
	keep_strs = ab->nstrs;
	rr = new_rr(ab, type, ttl);
	if (rr == NULL)
		return ab->st;
	st = decode(ab, rr, msg, msglen, off, rdlen);
	if (ab->st != INKAN_OK)
		return ab->st;
	if (st != INKAN_OK) {
		/* skip the malformed RR and forget what it added */
		ab->text.len = keep_text;
		ab->nstrs = keep_strs;
		return st;
	}
	ab->nrrs++;
	ik_dns_ab_ttl(ab, ttl);
	return INKAN_OK;
}

inkan_dns_outcome
ik_dns_outcome(const inkan_dns_answer *a)
{
	if (a->timed_out)
		return INKAN_DNS_TEMPFAIL;
	if (a->rcode == INKAN_DNS_RCODE_NXDOMAIN)
		return INKAN_DNS_NXDOMAIN;
	if (a->rcode != INKAN_DNS_RCODE_NOERROR)
		return INKAN_DNS_TEMPFAIL;
	return a->nrrs > 0 ? INKAN_DNS_DATA : INKAN_DNS_NODATA;
}

#define ALIGN_UP(n) (((n) + sizeof(void *) - 1) & ~(sizeof(void *) - 1))

inkan_status
ik_dns_ab_finish(ik_dns_ab *ab, inkan_dns_answer **out)
{
	size_t sz_hdr, sz_rrs, sz_cn, sz_strs, total, i;
	char *block, *text;
	inkan_dns_answer *a;
	inkan_dns_rr *rrs;
	const char **cn;
	inkan_dns_str *strs;

	*out = NULL;
	if (ab->st != INKAN_OK)
		return ab->st;
	sz_hdr = ALIGN_UP(sizeof(inkan_dns_answer));
	sz_rrs = ALIGN_UP(ab->nrrs * sizeof(inkan_dns_rr));
	sz_cn = ALIGN_UP(ab->ncnames * sizeof(char *));
	sz_strs = ALIGN_UP(ab->nstrs * sizeof(inkan_dns_str));
	total = sz_hdr + sz_rrs + sz_cn + sz_strs + ab->text.len + 1;
	block = ik_malloc(ab->ctx, total);
	if (block == NULL)
		return INKAN_ERR_NOMEM;
	a = (inkan_dns_answer *)(void *)block;
	rrs = (inkan_dns_rr *)(void *)(block + sz_hdr);
	cn = (const char **)(void *)(block + sz_hdr + sz_rrs);
	strs = (inkan_dns_str *)(void *)(block + sz_hdr + sz_rrs + sz_cn);
	text = block + sz_hdr + sz_rrs + sz_cn + sz_strs;
	memcpy(text, ab->text.data, ab->text.len);
	text[ab->text.len] = '\0';

	*a = ab->hdr;
	a->qname = text + ab->qname;
	a->cnames = ab->ncnames ? cn : NULL;
	a->ncnames = ab->ncnames;
	for (i = 0; i < ab->ncnames; i++)
		cn[i] = text + ab->cnames[i];
	for (i = 0; i < ab->nstrs; i++) {
		strs[i].data = text + ab->strs[i].off;
		strs[i].len = ab->strs[i].len;
	}
	a->rrs = ab->nrrs ? rrs : NULL;
	a->nrrs = ab->nrrs;
	for (i = 0; i < ab->nrrs; i++) {
		const ik_dns_ab_rr *s = &ab->rrs[i];
		inkan_dns_rr *d = &rrs[i];

		memset(d, 0, sizeof(*d));
		d->type = s->type;
		d->ttl = s->ttl;
		switch (s->type) {
		case INKAN_DNS_TYPE_A:
			memcpy(d->u.a, s->addr, 4);
			break;
		case INKAN_DNS_TYPE_AAAA:
			memcpy(d->u.aaaa, s->addr, 16);
			break;
		case INKAN_DNS_TYPE_TXT:
		case INKAN_DNS_TYPE_SPF:
			d->u.txt.strings = strs + s->str_first;
			d->u.txt.nstrings = s->nstr;
			d->u.txt.joined.data = text + s->joined;
			d->u.txt.joined.len = s->joined_len;
			break;
		case INKAN_DNS_TYPE_MX:
			d->u.mx.preference = s->pref;
			d->u.mx.exchange = text + s->name1;
			break;
		case INKAN_DNS_TYPE_CNAME:
		case INKAN_DNS_TYPE_NS:
		case INKAN_DNS_TYPE_PTR:
			d->u.name = text + s->name1;
			break;
		case INKAN_DNS_TYPE_SOA:
			d->u.soa.mname = text + s->name1;
			d->u.soa.rname = text + s->name2;
			d->u.soa.serial = s->soa[0];
			d->u.soa.refresh = s->soa[1];
			d->u.soa.retry = s->soa[2];
			d->u.soa.expire = s->soa[3];
			d->u.soa.minimum = s->soa[4];
			break;
		default:
			d->rdata = (const uint8_t *)text + s->rdata;
			d->rdlen = s->rdlen;
			break;
		}
	}
	if (a->rcode != INKAN_DNS_RCODE_NOERROR &&
	    a->rcode != INKAN_DNS_RCODE_NXDOMAIN)
		a->ttl = 0;
	if (a->timed_out) {
		a->rcode = INKAN_DNS_RCODE_SERVFAIL;
		a->ttl = 0;
	}
	a->outcome = ik_dns_outcome(a);
	*out = a;
	return INKAN_OK;
}

inkan_status
ik_dns_answer_fail(const inkan_ctx *ctx, const char *qname, uint16_t qtype,
	inkan_dns_rcode rcode, int timed_out, inkan_dns_answer **out)
{
	ik_dns_ab ab;
	inkan_status st;

	ik_dns_ab_init(&ab, ctx, qname, qtype);
	ab.hdr.rcode = rcode;
	ab.hdr.timed_out = timed_out;
	st = ik_dns_ab_finish(&ab, out);
	ik_dns_ab_cleanup(&ab);
	return st;
}
