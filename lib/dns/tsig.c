/* SPDX-License-Identifier: MIT */
/*
 * tsig.c - TSIG signatures (RFC 8945) on DNS UPDATE requests and their
 * check on responses.
 *
 * Request (5.1): MAC over the message as it is before the TSIG RR is
 * added, then the TSIG variables (4.3.3): key name and algorithm name in
 * canonical wire form, class ANY, TTL 0, time signed, fudge, error, other
 * len, other data.
 * Response (5.3, 5.4): MAC over the request MAC (length + bytes, 4.3.1),
 * the response without its TSIG RR (ARCOUNT one less, the original ID in
 * the header, 4.3.2), then its TSIG variables. An unsigned TSIG (MAC size
 * 0: BADSIG, BADKEY) is never taken as verified; a truncated MAC is
 * accepted only as 5.2.2.1 allows (at least max(10, half the hash)).
 */
#include <string.h>

#include "core/alloc.h"
#include "crypto/crypto.h"
#include "dns/tsig.h"
#include "dns/wire.h"

#define CLASS_ANY 255

inkan_status
ik_tsig_hmac(const inkan_tsig_key *k, const unsigned char *data, size_t len,
	unsigned char *out, size_t *outlen)
{
	inkan_status st = ik_hmac(k->alg->md, k->secret, k->secret_len, data,
		len, out, IK_TSIG_MAC_MAX, outlen);

	/* a MAC of another length than the algorithm's is no MAC of it */
	if (st == INKAN_OK && *outlen != k->alg->mac_len)
		st = INKAN_ERR_CRYPTO;
	return st;
}

static inkan_status
alg_wire(const inkan_tsig_key *k, uint8_t *out, size_t *len)
{
	return ik_dname_from_text(k->alg->name, strlen(k->alg->name), NULL,
		out, len);
}

/* the TSIG variables (RFC 8945 4.3.3) after the message */
static inkan_status
variables(ik_buf *b, const inkan_tsig_key *k, const uint8_t *alg,
	size_t alglen, const uint8_t timers[8], unsigned error,
	const uint8_t *other, size_t otherlen)
{
	uint8_t tail[10];
	inkan_status st;

	ik_wire_put16(tail, CLASS_ANY);
	memset(tail + 2, 0, 4);			/* TTL 0 */
	st = ik_buf_append(b, k->name_wire, k->name_wlen);
	if (st == INKAN_OK)
		st = ik_buf_append(b, tail, 6);
	if (st == INKAN_OK)
		st = ik_buf_append(b, alg, alglen);
	if (st == INKAN_OK)
		st = ik_buf_append(b, timers, 8);	/* time, fudge */
	ik_wire_put16(tail, error);
	ik_wire_put16(tail + 2, (unsigned)otherlen);
	if (st == INKAN_OK)
		st = ik_buf_append(b, tail, 4);
	if (st == INKAN_OK && otherlen > 0)
		st = ik_buf_append(b, other, otherlen);
	return st;
}

inkan_status
ik_tsig_sign(const inkan_tsig_key *k, ik_buf *msg, int64_t now,
	unsigned char *mac, size_t *maclen)
{
	uint8_t alg[IK_DNAME_MAX], timers[8], rr[10], tail[6];
	size_t alglen, rdlen;
	ik_buf in;
	inkan_status st;

	if (msg->len < 12 || now < 0)
		return INKAN_ERR_INVALID;
	if ((st = alg_wire(k, alg, &alglen)) != INKAN_OK)
		return st;
	ik_wire_put48(timers, (uint64_t)now);
	ik_wire_put16(timers + 6, IK_TSIG_FUDGE);
	ik_buf_init(&in, msg->ctx, msg->len + 2 * IK_DNAME_MAX + 64);
	st = ik_buf_append(&in, msg->data, msg->len);
	if (st == INKAN_OK)
		st = variables(&in, k, alg, alglen, timers, 0, NULL, 0);
	if (st == INKAN_OK)
		st = ik_tsig_hmac(k, (const unsigned char *)in.data, in.len,
			mac, maclen);
	ik_buf_free(&in);
	if (st != INKAN_OK)
		return st;
	/* the RR: NAME TYPE CLASS TTL RDLEN RDATA (4.2) */
	rdlen = alglen + 8 + 2 + *maclen + 6;
	ik_wire_put16(rr, IK_TSIG_TYPE);
	ik_wire_put16(rr + 2, CLASS_ANY);
	memset(rr + 4, 0, 4);
	ik_wire_put16(rr + 8, (unsigned)rdlen);
	ik_wire_put16(tail, ik_wire_get16((const uint8_t *)msg->data));	/* original ID */
	ik_wire_put16(tail + 2, 0);				/* error */
	ik_wire_put16(tail + 4, 0);				/* other len */
	st = ik_buf_append(msg, k->name_wire, k->name_wlen);
	if (st == INKAN_OK)
		st = ik_buf_append(msg, rr, 10);
	if (st == INKAN_OK)
		st = ik_buf_append(msg, alg, alglen);
	if (st == INKAN_OK)
		st = ik_buf_append(msg, timers, 8);
	ik_wire_put16(rr, (unsigned)*maclen);
	if (st == INKAN_OK)
		st = ik_buf_append(msg, rr, 2);
	if (st == INKAN_OK)
		st = ik_buf_append(msg, mac, *maclen);
	if (st == INKAN_OK)
		st = ik_buf_append(msg, tail, 6);
	if (st == INKAN_OK)	/* ARCOUNT + 1 */
		ik_wire_put16((uint8_t *)msg->data + 10,
			ik_wire_get16((const uint8_t *)msg->data + 10) + 1);
	return st;
}

/* an uncompressed wire name inside [p, end): its length, 0 if bad */
static size_t
plain_name(const uint8_t *p, const uint8_t *end)
{
	const uint8_t *s = p;

	while (p < end) {
		if (*p == 0)
			return (size_t)(p - s) + 1 <= IK_DNAME_MAX ?
				(size_t)(p - s) + 1 : 0;
		if (*p > 63)
			return 0;	/* a pointer: 4.2 forbids it here */
		p += *p + 1;
	}
	return 0;
}

struct tsig_rr {
	const uint8_t *alg;
	size_t alglen;
	const uint8_t *timers;		/* time (6) + fudge (2) */
	const uint8_t *mac;
	size_t maclen;
	unsigned orig_id, error;
	const uint8_t *other;
	size_t otherlen;
	int our_key;
};

static inkan_status
read_rr(const inkan_tsig_key *k, const uint8_t *msg, size_t len, size_t off,
	struct tsig_rr *t)
{
	uint8_t owner[IK_DNAME_MAX];
	const uint8_t *p, *end;
	size_t rdlen;

	if (ik_dns_read_name(msg, len, &off, owner) != INKAN_OK ||
	    len - off < 10)
		return INKAN_ERR_SYNTAX;
	p = msg + off;
	rdlen = ik_wire_get16(p + 8);
	if (ik_wire_get16(p) != IK_TSIG_TYPE || ik_wire_get16(p + 2) != CLASS_ANY ||
	    p[4] | p[5] | p[6] | p[7] || rdlen != len - off - 10)
		return INKAN_ERR_SYNTAX;	/* and it must end the message */
	p += 10;
	end = p + rdlen;
	if ((t->alglen = plain_name(p, end)) == 0)
		return INKAN_ERR_SYNTAX;
	t->alg = p;
	p += t->alglen;
	if (end - p < 10)
		return INKAN_ERR_SYNTAX;
	t->timers = p;
	t->maclen = ik_wire_get16(p + 8);
	p += 10;
	if ((size_t)(end - p) < t->maclen + 6)
		return INKAN_ERR_SYNTAX;
	t->mac = p;
	p += t->maclen;
	t->orig_id = ik_wire_get16(p);
	t->error = ik_wire_get16(p + 2);
	t->otherlen = ik_wire_get16(p + 4);
	p += 6;
	if ((size_t)(end - p) != t->otherlen)
		return INKAN_ERR_SYNTAX;
	t->other = p;
	t->our_key = ik_dname_eq(owner, k->name_wire);
	return INKAN_OK;
}

inkan_status
ik_tsig_verify(const inkan_tsig_key *k, const uint8_t *msg, size_t len,
	size_t tsig_off, uint16_t orig_id, const unsigned char *req_mac,
	size_t req_maclen, int64_t now, ik_tsig_check *out)
{
	uint8_t alg[IK_DNAME_MAX], lenbuf[2], head[12];
	unsigned char mac[IK_TSIG_MAC_MAX];
	size_t alglen, maclen, min;
	struct tsig_rr t;
	ik_buf in;
	uint64_t signed_at, fudge;
	inkan_status st;

	memset(out, 0, sizeof(*out));
	if (tsig_off < 12 || tsig_off >= len)
		return INKAN_ERR_SYNTAX;
	if ((st = read_rr(k, msg, len, tsig_off, &t)) != INKAN_OK)
		return st;
	out->present = 1;
	out->error = (uint16_t)t.error;
	if (t.error == IK_TSIG_BADTIME && t.otherlen == 6)
		out->server_time = (int64_t)ik_wire_get48(t.other);
	if ((st = alg_wire(k, alg, &alglen)) != INKAN_OK)
		return st;
	/* 5.2.2.1: longer than the hash is malformed; shorter than
	 * max(10, half) is not a signature we take */
	if (t.maclen > k->alg->mac_len)
		return INKAN_ERR_SYNTAX;
	min = k->alg->mac_len / 2 > 10 ? k->alg->mac_len / 2 : 10;
	if (!t.our_key || t.alglen != alglen || !ik_dname_eq(t.alg, alg) ||
	    t.maclen < min || t.orig_id != orig_id)
		return INKAN_OK;		/* present, not verified */
	memcpy(head, msg, 12);
	ik_wire_put16(head, t.orig_id);				/* 4.3.2 */
	if (ik_wire_get16(head + 10) == 0)
		return INKAN_ERR_SYNTAX;
	ik_wire_put16(head + 10, ik_wire_get16(head + 10) - 1);		/* ARCOUNT - 1 */
	ik_wire_put16(lenbuf, (unsigned)req_maclen);
	ik_buf_init(&in, k->ctx, len + req_maclen + 2 * IK_DNAME_MAX + 64);
	st = ik_buf_append(&in, lenbuf, 2);			/* 4.3.1 */
	if (st == INKAN_OK)
		st = ik_buf_append(&in, req_mac, req_maclen);
	if (st == INKAN_OK)
		st = ik_buf_append(&in, head, 12);
	if (st == INKAN_OK)
		st = ik_buf_append(&in, msg + 12, tsig_off - 12);
	if (st == INKAN_OK)
		st = variables(&in, k, alg, alglen, t.timers, t.error,
			t.other, t.otherlen);
	if (st == INKAN_OK)
		st = ik_tsig_hmac(k, (const unsigned char *)in.data, in.len,
			mac, &maclen);
	ik_buf_free(&in);
	if (st != INKAN_OK)
		return st;
	out->verified = ik_crypto_memeq(mac, t.mac, t.maclen);
	signed_at = ik_wire_get48(t.timers);
	fudge = ik_wire_get16(t.timers + 6);
	/* 5.4.3: the response's time must be within its fudge of ours */
	out->time_ok = now >= 0 && ((uint64_t)now > signed_at ?
		(uint64_t)now - signed_at : signed_at - (uint64_t)now) <=
		fudge;
	return INKAN_OK;
}
