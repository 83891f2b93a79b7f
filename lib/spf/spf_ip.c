/* SPDX-License-Identifier: MIT */
/*
 * spf_ip.c - IP address parsing, matching and formatting for SPF
 * (RFC 7208 5, 5.6, 7.3; RFC 4291 2.2; RFC 5952 4).
 */
#include <stdio.h>
#include <string.h>

#include "core/ascii.h"
#include "spf_ip.h"

/* RFC 7208 5.6 qnum: 0-255 without leading zeros */
static int
parse_qnum(const char *s, size_t len, uint8_t *out)
{
	unsigned v = 0;
	size_t i;

	if (len == 0 || len > 3 || (len > 1 && s[0] == '0'))
		return 0;
	for (i = 0; i < len; i++) {
		if (!ik_is_digit((unsigned char)s[i]))
			return 0;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v > 255)
		return 0;
	*out = (uint8_t)v;
	return 1;
}

int
ik_spf_ip4_parse(const char *s, size_t len, uint8_t out[4])
{
	size_t start = 0, i;
	int part = 0;

	for (i = 0; i <= len; i++) {
		if (i < len && s[i] != '.')
			continue;
		if (part == 4 || !parse_qnum(s + start, i - start, &out[part]))
			return 0;
		part++;
		start = i + 1;
	}
	return part == 4;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = ik_to_lower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * Parse a run of colon-separated groups (no "::" inside) into @g, at most
 * @max 16-bit groups. The last piece may be a dotted quad when @v4ok
 * (RFC 4291 2.2 form 3). Returns the number of groups, or -1.
 */
static int
parse_groups(const char *s, size_t len, uint16_t *g, int max, int v4ok)
{
	size_t start = 0, i, j;
	int n = 0;

	if (len == 0)
		return 0;
	for (i = 0; i <= len; i++) {
		size_t plen;
		unsigned v = 0;

		if (i < len && s[i] != ':')
			continue;
		plen = i - start;
		if (i == len && v4ok && memchr(s + start, '.', plen) != NULL) {
			uint8_t q[4];

			if (n + 2 > max || !ik_spf_ip4_parse(s + start, plen, q))
				return -1;
			g[n++] = (uint16_t)(q[0] << 8 | q[1]);
			g[n++] = (uint16_t)(q[2] << 8 | q[3]);
			return n;
		}
		if (plen == 0 || plen > 4 || n == max)
			return -1;
		for (j = start; j < i; j++) {
			int h = hexval((unsigned char)s[j]);

			if (h < 0)
				return -1;
			v = v << 4 | (unsigned)h;
		}
		g[n++] = (uint16_t)v;
		start = i + 1;
	}
	return n;
}

int
ik_spf_ip6_parse(const char *s, size_t len, uint8_t out[16])
{
	uint16_t head[8], tail[8], all[8];
	const char *dc = NULL;
	size_t i;
	int nh, nt, k;

	if (len < 2 || len > 45)
		return 0;
	for (i = 0; i + 1 < len; i++)
		if (s[i] == ':' && s[i + 1] == ':') {
			dc = s + i;
			break;
		}
	if (dc == NULL) {
		if (parse_groups(s, len, all, 8, 1) != 8)
			return 0;
	} else {
		size_t hl = (size_t)(dc - s), tl = len - hl - 2;

		/* a second "::" (or ":::") would show up as an empty group */
		nh = parse_groups(s, hl, head, 7, 0);
		if (nh < 0)
			return 0;
		nt = parse_groups(dc + 2, tl, tail, 7 - nh, 1);
		if (nt < 0 || nh + nt > 7)
			return 0;
		memset(all, 0, sizeof(all));
		memcpy(all, head, (size_t)nh * sizeof(uint16_t));
		memcpy(all + 8 - nt, tail, (size_t)nt * sizeof(uint16_t));
	}
	for (k = 0; k < 8; k++) {
		out[2 * k] = (uint8_t)(all[k] >> 8);
		out[2 * k + 1] = (uint8_t)(all[k] & 0xff);
	}
	return 1;
}

int
ik_spf_ip_parse(const char *s, size_t len, ik_spf_ip *out)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0xff, 0xff };

	memset(out, 0, sizeof(*out));
	if (ik_spf_ip4_parse(s, len, out->addr))
		return 1;
	if (!ik_spf_ip6_parse(s, len, out->addr))
		return 0;
	/* RFC 7208 5/9: an IPv4-mapped IPv6 client is an IPv4 client */
	if (memcmp(out->addr, mapped, 12) == 0) {
		memmove(out->addr, out->addr + 12, 4);
		memset(out->addr + 4, 0, 12);
		return 1;
	}
	out->v6 = 1;
	return 1;
}

/* "a.b.c.d" from 4 bytes, no printf: this runs on every check */
static size_t
put_quad(char *out, const uint8_t *a, int reverse)
{
	size_t pos = 0;
	int i;

	for (i = 0; i < 4; i++) {
		unsigned v = a[reverse ? 3 - i : i];

		if (i > 0)
			out[pos++] = '.';
		if (v >= 100)
			out[pos++] = (char)('0' + v / 100);
		if (v >= 10)
			out[pos++] = (char)('0' + v / 10 % 10);
		out[pos++] = (char)('0' + v % 10);
	}
	out[pos] = '\0';
	return pos;
}

int
ik_spf_ip_prefix_eq(const uint8_t *a, const uint8_t *b, unsigned prefix)
{
	unsigned full = prefix / 8, rest = prefix % 8;

	if (memcmp(a, b, full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	return ((a[full] ^ b[full]) & (0xff << (8 - rest)) & 0xff) == 0;
}

void
ik_spf_ip_format(const ik_spf_ip *ip, char out[46])
{
	int best = -1, bestlen = 0, i, run, pos = 0;
	unsigned g[8];

	if (!ip->v6) {
		put_quad(out, ip->addr, 0);
		return;
	}
	for (i = 0; i < 8; i++)
		g[i] = (unsigned)ip->addr[2 * i] << 8 | ip->addr[2 * i + 1];
	/* RFC 5952 4.2: compress the longest run (first on a tie) of two
	 * or more zero groups */
	for (i = 0; i < 8; i += run > 0 ? run : 1) {
		run = 0;
		while (i + run < 8 && g[i + run] == 0)
			run++;
		if (run >= 2 && run > bestlen) {
			best = i;
			bestlen = run;
		}
	}
	out[0] = '\0';
	for (i = 0; i < 8; i++) {
		if (i == best) {
			pos += snprintf(out + pos, (size_t)(46 - pos), "::");
			i += bestlen - 1;
			continue;
		}
		pos += snprintf(out + pos, (size_t)(46 - pos), "%s%x",
			(i == 0 || i == best + bestlen) ? "" : ":", g[i]);
	}
}

void
ik_spf_ip_dotted(const ik_spf_ip *ip, char out[64])
{
	static const char hex[] = "0123456789ABCDEF";
	int i, pos = 0;

	if (!ip->v6) {
		put_quad(out, ip->addr, 0);
		return;
	}
	for (i = 0; i < 16; i++) {
		out[pos++] = hex[ip->addr[i] >> 4];
		out[pos++] = '.';
		out[pos++] = hex[ip->addr[i] & 15];
		out[pos++] = i == 15 ? '\0' : '.';
	}
}

void
ik_spf_ip_reverse_name(const ik_spf_ip *ip, char out[74])
{
	static const char hex[] = "0123456789abcdef";
	int i, pos = 0;

	if (!ip->v6) {
		memcpy(out + put_quad(out, ip->addr, 1), ".in-addr.arpa", 14);
		return;
	}
	for (i = 15; i >= 0; i--) {
		out[pos++] = hex[ip->addr[i] & 15];
		out[pos++] = '.';
		out[pos++] = hex[ip->addr[i] >> 4];
		out[pos++] = '.';
	}
	memcpy(out + pos, "ip6.arpa", 9);
}
