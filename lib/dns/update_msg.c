/* SPDX-License-Identifier: MIT */
/*
 * update_msg.c - DNS UPDATE messages (RFC 2136) and the decoding of the
 * responses to them.
 *
 * An UPDATE has the header (opcode 5), a zone section of one entry (the
 * zone's name, SOA, IN), prerequisites, updates, and additional records
 * (our TSIG). How an RR in each section reads (2.4, 2.5):
 *   prerequisite "RRset exists, value dependent"  class IN,   TTL 0, RDATA
 *   prerequisite "RRset does not exist"           class NONE, TTL 0, empty
 *   update "delete an RRset"                      class ANY,  TTL 0, empty
 *   update "delete an RR"                         class NONE, TTL 0, RDATA
 *   update "add an RR"                            class IN,   TTL,   RDATA
 * Responses are untrusted: every count and length is checked against the
 * packet, and names go through lib/dns's bounded reader.
 */
#include <string.h>

#include "dns/update.h"
#include "dns/wire.h"

#define CLASS_IN 1
#define CLASS_NONE 254
#define CLASS_ANY 255
#define OPCODE_UPDATE 5

static void
app(ik_upd *u, const void *p, size_t n)
{
	if (u->st == INKAN_OK)
		u->st = ik_buf_append(&u->b, p, n);
}

static void
name(ik_upd *u, const char *text)
{
	uint8_t w[IK_DNAME_MAX];
	size_t n;

	if (u->st != INKAN_OK)
		return;
	/* our names are absolute without the final dot */
	u->st = ik_dname_from_text(text, strlen(text), NULL, w, &n);
	app(u, w, n);
}

static void
rr(ik_upd *u, const char *owner, uint16_t type, unsigned cls, uint32_t ttl,
	const uint8_t *rdata, size_t rdlen)
{
	uint8_t f[10];

	if (rdlen > 65535) {
		u->st = INKAN_ERR_LIMIT;
		return;
	}
	name(u, owner);
	ik_wire_put16(f, type);
	ik_wire_put16(f + 2, cls);
	ik_wire_put16(f + 4, (unsigned)(ttl >> 16));
	ik_wire_put16(f + 6, (unsigned)(ttl & 0xffff));
	ik_wire_put16(f + 8, (unsigned)rdlen);
	app(u, f, 10);
	if (rdlen > 0)
		app(u, rdata, rdlen);
}

void
ik_upd_init(ik_upd *u, const inkan_ctx *ctx, const char *zone, uint16_t id)
{
	uint8_t h[12], q[4];

	ik_buf_init(&u->b, ctx, IK_DNS_MSG_MAX);
	u->st = INKAN_OK;
	u->id = id;
	u->pr = u->up = 0;
	memset(h, 0, sizeof(h));
	ik_wire_put16(h, id);
	h[2] = OPCODE_UPDATE << 3;
	ik_wire_put16(h + 4, 1);			/* ZOCOUNT */
	app(u, h, sizeof(h));
	name(u, zone);
	ik_wire_put16(q, INKAN_DNS_TYPE_SOA);		/* 2.3: ZTYPE must be SOA */
	ik_wire_put16(q + 2, CLASS_IN);
	app(u, q, 4);
}

void
ik_upd_prereq_value(ik_upd *u, const char *owner, uint16_t type,
	const uint8_t *rdata, size_t rdlen)
{
	if (u->up > 0 && u->st == INKAN_OK)
		u->st = INKAN_ERR_STATE;	/* sections are in order */
	rr(u, owner, type, CLASS_IN, 0, rdata, rdlen);
	u->pr++;
}

void
ik_upd_prereq_none(ik_upd *u, const char *owner, uint16_t type)
{
	if (u->up > 0 && u->st == INKAN_OK)
		u->st = INKAN_ERR_STATE;
	rr(u, owner, type, CLASS_NONE, 0, NULL, 0);
	u->pr++;
}

void
ik_upd_delete_rrset(ik_upd *u, const char *owner, uint16_t type)
{
	rr(u, owner, type, CLASS_ANY, 0, NULL, 0);
	u->up++;
}

void
ik_upd_delete_rr(ik_upd *u, const char *owner, uint16_t type,
	const uint8_t *rdata, size_t rdlen)
{
	rr(u, owner, type, CLASS_NONE, 0, rdata, rdlen);
	u->up++;
}

void
ik_upd_add(ik_upd *u, const char *owner, uint16_t type, uint32_t ttl,
	const uint8_t *rdata, size_t rdlen)
{
	rr(u, owner, type, CLASS_IN, ttl, rdata, rdlen);
	u->up++;
}

inkan_status
ik_upd_finish(ik_upd *u)
{
	if (u->st != INKAN_OK)
		return u->st;
	if (u->pr > 65535 || u->up > 65535)
		return u->st = INKAN_ERR_LIMIT;
	ik_wire_put16((uint8_t *)u->b.data + 6, u->pr);	/* PRCOUNT (ANCOUNT) */
	ik_wire_put16((uint8_t *)u->b.data + 8, u->up);	/* UPCOUNT (NSCOUNT) */
	return INKAN_OK;
}

inkan_status
ik_rdata_txt(ik_buf *out, const char *text, size_t len)
{
	size_t i, n;
	uint8_t l;
	inkan_status st = INKAN_OK;

	/* RFC 1035 3.3.14: one or more <character-string>s */
	if (len == 0) {
		l = 0;
		return ik_buf_append(out, &l, 1);
	}
	for (i = 0; i < len && st == INKAN_OK; i += n) {
		n = len - i < 255 ? len - i : 255;
		l = (uint8_t)n;
		st = ik_buf_append(out, &l, 1);
		if (st == INKAN_OK)
			st = ik_buf_append(out, text + i, n);
	}
	return st;
}

inkan_status
ik_rdata_txt_strings(ik_buf *out, const inkan_dns_txt *t)
{
	size_t i;
	uint8_t l;
	inkan_status st = INKAN_OK;

	for (i = 0; i < t->nstrings && st == INKAN_OK; i++) {
		if (t->strings[i].len > 255)
			return INKAN_ERR_SYNTAX;
		l = (uint8_t)t->strings[i].len;
		st = ik_buf_append(out, &l, 1);
		if (st == INKAN_OK)
			st = ik_buf_append(out, t->strings[i].data,
				t->strings[i].len);
	}
	return st;
}

inkan_status
ik_rdata_mx(ik_buf *out, uint16_t pref, const char *host)
{
	uint8_t w[IK_DNAME_MAX], p[2];
	size_t n;
	inkan_status st;

	if ((st = ik_dname_from_text(host, strlen(host), NULL, w, &n)) !=
	    INKAN_OK)
		return st;
	ik_wire_put16(p, pref);
	st = ik_buf_append(out, p, 2);
	return st == INKAN_OK ? ik_buf_append(out, w, n) : st;
}

inkan_status
ik_query_build(ik_buf *out, const char *qname, uint16_t type, uint16_t id)
{
	uint8_t h[12], w[IK_DNAME_MAX], q[4];
	size_t n;
	inkan_status st;

	if ((st = ik_dname_from_text(qname, strlen(qname), NULL, w, &n)) !=
	    INKAN_OK)
		return st;
	memset(h, 0, sizeof(h));
	ik_wire_put16(h, id);
	ik_wire_put16(h + 4, 1);
	ik_wire_put16(q, type);
	ik_wire_put16(q + 2, CLASS_IN);
	st = ik_buf_append(out, h, 12);
	if (st == INKAN_OK)
		st = ik_buf_append(out, w, n);
	return st == INKAN_OK ? ik_buf_append(out, q, 4) : st;
}

inkan_status
ik_upd_parse_response(const uint8_t *msg, size_t len, ik_upd_resp *out)
{
	uint8_t w[IK_DNAME_MAX];
	size_t off = 12, i, start = 0;
	unsigned qd, an, ns, ar, type = 0;

	memset(out, 0, sizeof(*out));
	if (msg == NULL || len < 12)
		return INKAN_ERR_SYNTAX;
	out->id = (uint16_t)ik_wire_get16(msg);
	out->qr = msg[2] >> 7;
	out->opcode = (msg[2] >> 3) & 0xf;
	out->tc = (msg[2] >> 1) & 1;
	out->rcode = msg[3] & 0xf;
	qd = ik_wire_get16(msg + 4);
	an = ik_wire_get16(msg + 6);
	ns = ik_wire_get16(msg + 8);
	ar = ik_wire_get16(msg + 10);
	/* each entry takes at least 5 bytes: the counts cannot run past
	 * the packet, and the reads below are bounded by it anyway */
	for (i = 0; i < qd; i++) {
		if (ik_dns_read_name(msg, len, &off, w) != INKAN_OK ||
		    len - off < 4)
			return INKAN_ERR_SYNTAX;
		off += 4;
	}
	for (i = 0; i < (size_t)an + ns + ar; i++) {
		size_t rdlen;

		start = off;
		if (ik_dns_read_name(msg, len, &off, w) != INKAN_OK ||
		    len - off < 10)
			return INKAN_ERR_SYNTAX;
		type = ik_wire_get16(msg + off);
		rdlen = ik_wire_get16(msg + off + 8);
		off += 10;
		if (len - off < rdlen)
			return INKAN_ERR_SYNTAX;
		off += rdlen;
	}
	if (off != len && !out->tc)
		return INKAN_ERR_SYNTAX;	/* trailing bytes */
	/* RFC 8945 5.2: the TSIG, if any, is the last additional RR */
	if (ar > 0 && type == 250)
		out->tsig_off = start;
	return INKAN_OK;
}

const char *
ik_upd_rcode_name(int rcode)
{
	static const char *const names[] = {
		"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP",
		"REFUSED", "YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH",
		"NOTZONE"
	};

	return rcode >= 0 && rcode <= 10 ? names[rcode] : "RCODE?";
}
