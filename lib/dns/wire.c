/* SPDX-License-Identifier: MIT */
/*
 * wire.c - decoding DNS response packets (RFC 1035 4.1) into answers.
 *
 * The packet comes from the network (through libunbound) and is treated
 * as hostile: every offset is checked against the length, compression
 * pointers must point backwards and are followed a bounded number of
 * times, the RR counts from the header are capped by what the packet can
 * hold. Fuzzed by fuzz/fuzz_dns_answer.c.
 */
#include <string.h>

#include "core/alloc.h"
#include "dns_internal.h"
#include "dns/wire.h"

/* RFC 1035 4.1.4: a name has at most 127 labels, so more pointer hops
 * than that can only be a loop */
#define MAX_POINTER_HOPS 128
/* an RR takes at least 11 bytes (root owner + 10), a question 5 */
#define MIN_RR_BYTES 11

inkan_status
ik_dns_read_name(const uint8_t *msg, size_t msglen, size_t *off,
	uint8_t *out)
{
	size_t p = *off, o = 0, end = SIZE_MAX;
	unsigned hops = 0;

	for (;;) {
		uint8_t c;

		if (p >= msglen)
			return INKAN_ERR_SYNTAX;
		c = msg[p];
		if ((c & 0xc0) == 0xc0) {
			size_t target;

			if (p + 1 >= msglen || ++hops > MAX_POINTER_HOPS)
				return INKAN_ERR_SYNTAX;
			target = (size_t)(c & 0x3f) << 8 | msg[p + 1];
			if (end == SIZE_MAX)
				end = p + 2;
			/* only backwards: forward pointers allow loops */
			if (target >= p)
				return INKAN_ERR_SYNTAX;
			p = target;
			continue;
		}
		if ((c & 0xc0) != 0)
			return INKAN_ERR_SYNTAX;	/* RFC 6891 9: obsolete */
		if (c == 0) {
			out[o++] = 0;
			*off = end == SIZE_MAX ? p + 1 : end;
			return INKAN_OK;
		}
		if ((size_t)c + 1 > msglen - p ||
		    o + (size_t)c + 2 > IK_DNAME_MAX)
			return INKAN_ERR_SYNTAX;
		memcpy(out + o, msg + p, (size_t)c + 1);
		o += (size_t)c + 1;
		p += (size_t)c + 1;
	}
}

/* one RR of the answer or authority section, located in the packet */
struct wrr {
	uint8_t owner[IK_DNAME_MAX];
	uint16_t type;
	uint16_t rclass;
	uint32_t ttl;
	size_t rdoff, rdlen;
};

static inkan_status
read_rr(const uint8_t *msg, size_t len, size_t *off, struct wrr *rr)
{
	inkan_status st = ik_dns_read_name(msg, len, off, rr->owner);

	if (st != INKAN_OK)
		return st;
	if (len - *off < 10)
		return INKAN_ERR_SYNTAX;
	rr->type = ik_wire_get16(msg + *off);
	rr->rclass = ik_wire_get16(msg + *off + 2);
	rr->ttl = ik_wire_get32(msg + *off + 4);
	/* RFC 2181 8: a TTL with the top bit set is taken as 0 */
	if (rr->ttl > 0x7fffffffu)
		rr->ttl = 0;
	rr->rdlen = ik_wire_get16(msg + *off + 8);
	*off += 10;
	if (rr->rdlen > len - *off)
		return INKAN_ERR_SYNTAX;
	rr->rdoff = *off;
	*off += rr->rdlen;
	return INKAN_OK;
}

/* follow qname's CNAMEs and collect the qtype RRset at the end */
static void
collect_answer(ik_dns_ab *ab, const uint8_t *msg, size_t len,
	const struct wrr *rrs, size_t n, const uint8_t *qname, uint16_t qtype)
{
	uint8_t cur[IK_DNAME_MAX];
	size_t i, hops = 0;
	int moved;

	memcpy(cur, qname, ik_dname_len(qname));
	do {
		moved = 0;
		for (i = 0; i < n; i++) {
			uint8_t target[IK_DNAME_MAX];
			char text[IK_DNAME_TEXT_MAX];
			size_t o = rrs[i].rdoff;

			if (rrs[i].type != INKAN_DNS_TYPE_CNAME ||
			    qtype == INKAN_DNS_TYPE_CNAME ||
			    !ik_dname_eq(rrs[i].owner, cur))
				continue;
			if (ik_dns_read_name(msg, rrs[i].rdoff + rrs[i].rdlen,
			    &o, target) != INKAN_OK)
				continue;
			if (++hops > IK_DNS_CNAME_MAX) {
				/* a loop: the server should have said so */
				ab->hdr.rcode = INKAN_DNS_RCODE_SERVFAIL;
				return;
			}
			ik_dname_to_text(target, text);
			ik_dns_ab_cname(ab, text, rrs[i].ttl);
			memcpy(cur, target, ik_dname_len(target));
			moved = 1;
			break;
		}
	} while (moved);
	for (i = 0; i < n; i++)
		if (rrs[i].type == qtype && ik_dname_eq(rrs[i].owner, cur))
			(void)ik_dns_ab_rdata(ab, rrs[i].type, rrs[i].ttl,
				msg, len, rrs[i].rdoff, rrs[i].rdlen);
}

/* RFC 2308 5: a negative answer lives min(SOA TTL, SOA MINIMUM) */
static void
negative_ttl(ik_dns_ab *ab, const uint8_t *msg, const struct wrr *rrs,
	size_t n)
{
	size_t i, o;
	uint8_t name[IK_DNAME_MAX];

	for (i = 0; i < n; i++) {
		if (rrs[i].type != INKAN_DNS_TYPE_SOA)
			continue;
		o = rrs[i].rdoff;
		/* skip MNAME and RNAME; MINIMUM is the last field */
		if (ik_dns_read_name(msg, rrs[i].rdoff + rrs[i].rdlen, &o,
		    name) != INKAN_OK ||
		    ik_dns_read_name(msg, rrs[i].rdoff + rrs[i].rdlen, &o,
		    name) != INKAN_OK ||
		    rrs[i].rdoff + rrs[i].rdlen - o != 20)
			continue;
		ik_dns_ab_ttl(ab, rrs[i].ttl);
		ik_dns_ab_ttl(ab, ik_wire_get32(msg + o + 16));
		return;
	}
}

inkan_status
ik_dns_parse_packet(const inkan_ctx *ctx, const uint8_t *msg, size_t len,
	const char *qname, uint16_t qtype, inkan_dns_answer **out)
{
	uint8_t qwire[IK_DNAME_MAX], skip[IK_DNAME_MAX];
	size_t qwlen, off = 12, i, n_an, n_ns, n_qd, n, cap;
	struct wrr *rrs = NULL;
	ik_dns_ab ab;
	inkan_status st;

	*out = NULL;
	st = ik_dname_from_text(qname, strlen(qname), NULL, qwire, &qwlen);
	if (st != INKAN_OK)
		return st;
	if (len < 12 || (msg[2] & 0x80) == 0)	/* not a response */
		return INKAN_ERR_SYNTAX;
	n_qd = ik_wire_get16(msg + 4);
	n_an = ik_wire_get16(msg + 6);
	n_ns = ik_wire_get16(msg + 8);
	for (i = 0; i < n_qd; i++) {
		st = ik_dns_read_name(msg, len, &off, skip);
		if (st != INKAN_OK)
			return st;
		if (len - off < 4)
			return INKAN_ERR_SYNTAX;
		off += 4;
	}
	/* the counts are untrusted: never allocate for more RRs than the
	 * rest of the packet could hold */
	cap = (len - off) / MIN_RR_BYTES;
	n = n_an + n_ns;
	if (n > cap)
		n = cap;
	rrs = ik_calloc(ctx, n ? n : 1, sizeof(*rrs));
	if (rrs == NULL)
		return INKAN_ERR_NOMEM;
	for (i = 0; i < n; i++) {
		st = read_rr(msg, len, &off, &rrs[i]);
		if (st != INKAN_OK)
			goto done;
	}
	if (n < n_an + n_ns) {
		st = INKAN_ERR_SYNTAX;
		goto done;
	}
	ik_dns_ab_init(&ab, ctx, qname, qtype);
	ab.hdr.rcode = (inkan_dns_rcode)(msg[3] & 0x0f);
	ab.hdr.secure = (msg[3] & 0x20) != 0;	/* RFC 4035 3.2.3: AD */
	if (ab.hdr.rcode == INKAN_DNS_RCODE_NOERROR ||
	    ab.hdr.rcode == INKAN_DNS_RCODE_NXDOMAIN)
		collect_answer(&ab, msg, len, rrs, n_an, qwire, qtype);
	if (ab.nrrs == 0)
		negative_ttl(&ab, msg, rrs + n_an, n_ns);
	st = ik_dns_ab_finish(&ab, out);
	ik_dns_ab_cleanup(&ab);
done:
	ik_free(ctx, rrs);
	return st;
}
