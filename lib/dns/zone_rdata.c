/* SPDX-License-Identifier: MIT */
/*
 * zone_rdata.c - RDATA in master-file text (RFC 1035 5.1) to wire form,
 * for the types the zone backend serves, and TTL values.
 */
#include <arpa/inet.h>
#include <string.h>

#include "core/ascii.h"
#include "zone_internal.h"
#include "dns/wire.h"

#define RDATA_MAX 65535
/* RFC 2181 8: TTLs are 0 .. 2^31 - 1 */
#define TTL_MAX 0x7fffffffLL

int64_t
ik_zone_ttl(const char *p, size_t len)
{
	int64_t total = 0, cur = 0;
	size_t i;
	int digits = 0;

	if (len == 0 || !ik_is_digit((unsigned char)p[0]))
		return -1;
	for (i = 0; i < len; i++) {
		int64_t mult;
		char c = (char)ik_to_lower((unsigned char)p[i]);

		if (ik_is_digit((unsigned char)c)) {
			cur = cur * 10 + (c - '0');
			if (cur > TTL_MAX)
				return -1;
			digits = 1;
			continue;
		}
		/* BIND's units: 1w2d3h4m5s */
		switch (c) {
		case 's': mult = 1; break;
		case 'm': mult = 60; break;
		case 'h': mult = 3600; break;
		case 'd': mult = 86400; break;
		case 'w': mult = 604800; break;
		default: return -1;
		}
		if (!digits)
			return -1;
		total += cur * mult;
		if (total > TTL_MAX)
			return -1;
		cur = 0;
		digits = 0;
	}
	total += cur;
	return total > TTL_MAX ? -1 : total;
}

/* decode "\X" and "\DDD" escapes of one token into @out */
static int
unescape(const ik_ztok *t, uint8_t *out, size_t max, size_t *outlen)
{
	size_t i = 0, o = 0;

	while (i < t->len) {
		uint8_t b;

		if (t->p[i] != '\\') {
			b = (uint8_t)t->p[i++];
		} else if (i + 1 >= t->len) {
			return -1;
		} else if (!ik_is_digit((unsigned char)t->p[i + 1])) {
			b = (uint8_t)t->p[i + 1];
			i += 2;
		} else {
			unsigned v;
			if (i + 3 >= t->len ||
			    !ik_is_digit((unsigned char)t->p[i + 2]) ||
			    !ik_is_digit((unsigned char)t->p[i + 3]))
				return -1;
			v = (unsigned)(t->p[i + 1] - '0') * 100 +
				(unsigned)(t->p[i + 2] - '0') * 10 +
				(unsigned)(t->p[i + 3] - '0');
			if (v > 255)
				return -1;
			b = (uint8_t)v;
			i += 4;
		}
		if (o == max)
			return -2;
		out[o++] = b;
	}
	*outlen = o;
	return 0;
}

static inkan_status
put_name(const ik_ztok *t, const uint8_t *origin, uint8_t *out, size_t *len,
	const char **why)
{
	uint8_t wire[IK_DNAME_MAX];
	size_t wlen;

	if (t->len == 1 && t->p[0] == '@') {
		wlen = ik_dname_len(origin);
		memcpy(wire, origin, wlen);
	} else if (t->quoted || ik_dname_from_text(t->p, t->len, origin,
	    wire, &wlen) != INKAN_OK) {
		*why = "bad domain name";
		return INKAN_ERR_SYNTAX;
	}
	if (wlen > RDATA_MAX - *len) {
		*why = "RDATA too long";
		return INKAN_ERR_SYNTAX;
	}
	memcpy(out + *len, wire, wlen);
	*len += wlen;
	return INKAN_OK;
}

static int
parse_u32(const ik_ztok *t, uint32_t max, uint32_t *v)
{
	uint64_t x = 0;
	size_t i;

	if (t->len == 0 || t->len > 10 || t->quoted)
		return -1;
	for (i = 0; i < t->len; i++) {
		if (!ik_is_digit((unsigned char)t->p[i]))
			return -1;
		x = x * 10 + (uint64_t)(t->p[i] - '0');
	}
	if (x > max)
		return -1;
	*v = (uint32_t)x;
	return 0;
}

static inkan_status
rdata_addr(int af, const ik_ztok *tok, size_t ntok, uint8_t *out,
	size_t *outlen, const char **why)
{
	char buf[64];

	if (ntok != 1 || tok[0].len >= sizeof(buf) || tok[0].quoted) {
		*why = "expected one address";
		return INKAN_ERR_SYNTAX;
	}
	memcpy(buf, tok[0].p, tok[0].len);
	buf[tok[0].len] = '\0';
	if (inet_pton(af, buf, out) != 1) {
		*why = af == AF_INET ? "bad IPv4 address" :
			"bad IPv6 address";
		return INKAN_ERR_SYNTAX;
	}
	*outlen = af == AF_INET ? 4 : 16;
	return INKAN_OK;
}

/* RFC 1035 3.3.14: one or more <character-string>s of <= 255 bytes */
static inkan_status
rdata_txt(const ik_ztok *tok, size_t ntok, uint8_t *out, size_t *outlen,
	const char **why)
{
	size_t i, n, len = 0;
	int r;

	if (ntok == 0) {
		*why = "TXT needs at least one string";
		return INKAN_ERR_SYNTAX;
	}
	for (i = 0; i < ntok; i++) {
		if (len >= RDATA_MAX) {
			*why = "RDATA too long";
			return INKAN_ERR_SYNTAX;
		}
		r = unescape(&tok[i], out + len + 1,
			RDATA_MAX - len - 1 < 255 ? RDATA_MAX - len - 1 : 255,
			&n);
		if (r == -1) {
			*why = "bad escape in string";
			return INKAN_ERR_SYNTAX;
		}
		if (r == -2) {
			*why = "string longer than 255 bytes";
			return INKAN_ERR_SYNTAX;
		}
		out[len] = (uint8_t)n;
		len += n + 1;
	}
	*outlen = len;
	return INKAN_OK;
}

static inkan_status
rdata_soa(const ik_ztok *tok, size_t ntok, const uint8_t *origin,
	uint8_t *out, size_t *outlen, const char **why)
{
	uint32_t serial;
	size_t len = 0, i;
	int64_t v;
	inkan_status st;

	if (ntok != 7) {
		*why = "SOA needs MNAME RNAME SERIAL REFRESH RETRY EXPIRE "
			"MINIMUM";
		return INKAN_ERR_SYNTAX;
	}
	st = put_name(&tok[0], origin, out, &len, why);
	if (st == INKAN_OK)
		st = put_name(&tok[1], origin, out, &len, why);
	if (st != INKAN_OK)
		return st;
	if (parse_u32(&tok[2], UINT32_MAX, &serial) < 0) {
		*why = "bad SOA serial";
		return INKAN_ERR_SYNTAX;
	}
	ik_wire_put32(out + len, serial);
	len += 4;
	for (i = 3; i < 7; i++) {
		v = tok[i].quoted ? -1 : ik_zone_ttl(tok[i].p, tok[i].len);
		if (v < 0) {
			*why = "bad SOA time value";
			return INKAN_ERR_SYNTAX;
		}
		ik_wire_put32(out + len, (uint32_t)v);
		len += 4;
	}
	*outlen = len;
	return INKAN_OK;
}

inkan_status
ik_zone_rdata(uint16_t type, const ik_ztok *tok, size_t ntok,
	const uint8_t *origin, uint8_t *out, size_t *outlen, const char **why)
{
	uint32_t pref;

	*outlen = 0;
	switch (type) {
	case INKAN_DNS_TYPE_A:
		return rdata_addr(AF_INET, tok, ntok, out, outlen, why);
	case INKAN_DNS_TYPE_AAAA:
		return rdata_addr(AF_INET6, tok, ntok, out, outlen, why);
	case INKAN_DNS_TYPE_TXT:
	case INKAN_DNS_TYPE_SPF:
		return rdata_txt(tok, ntok, out, outlen, why);
	case INKAN_DNS_TYPE_MX:
		if (ntok != 2 || parse_u32(&tok[0], 65535, &pref) < 0) {
			*why = "MX needs PREFERENCE EXCHANGE";
			return INKAN_ERR_SYNTAX;
		}
		out[0] = (uint8_t)(pref >> 8);
		out[1] = (uint8_t)pref;
		*outlen = 2;
		return put_name(&tok[1], origin, out, outlen, why);
	case INKAN_DNS_TYPE_CNAME:
	case INKAN_DNS_TYPE_NS:
	case INKAN_DNS_TYPE_PTR:
		if (ntok != 1) {
			*why = "expected one domain name";
			return INKAN_ERR_SYNTAX;
		}
		return put_name(&tok[0], origin, out, outlen, why);
	case INKAN_DNS_TYPE_SOA:
		return rdata_soa(tok, ntok, origin, out, outlen, why);
	default:
		*why = "unsupported record type";
		return INKAN_ERR_UNSUPPORTED;
	}
}
