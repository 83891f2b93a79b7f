/* SPDX-License-Identifier: MIT */
/*
 * config_net.c - IP networks of the configuration (internal_networks,
 * trusted_forwarders): parse "ADDR[/PREFIX]", test an address against a
 * network, format one back.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "config.h"

int
mt_net_parse(const char *text, struct mt_net *out)
{
	char buf[64];
	const char *slash;
	size_t alen;
	unsigned long prefix = 0;
	unsigned max;

	memset(out, 0, sizeof(*out));
	slash = strchr(text, '/');
	alen = slash != NULL ? (size_t)(slash - text) : strlen(text);
	if (alen == 0 || alen >= sizeof(buf))
		return -1;
	memcpy(buf, text, alen);
	buf[alen] = '\0';
	if (inet_pton(AF_INET, buf, out->addr) == 1) {
		out->v6 = 0;
		max = 32;
	} else if (inet_pton(AF_INET6, buf, out->addr) == 1) {
		out->v6 = 1;
		max = 128;
	} else {
		return -1;
	}
	if (slash == NULL) {
		out->prefix = max;
		return 0;
	}
	if (slash[1] == '\0' || strlen(slash + 1) > 3)
		return -1;
	for (slash++; *slash != '\0'; slash++) {
		if (*slash < '0' || *slash > '9')
			return -1;
		prefix = prefix * 10 + (unsigned long)(*slash - '0');
	}
	if (prefix > max)
		return -1;
	out->prefix = (unsigned)prefix;
	return 0;
}

static int
prefix_match(const uint8_t *a, const uint8_t *b, unsigned bits)
{
	unsigned full = bits / 8, rest = bits % 8;

	if (memcmp(a, b, full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	return ((a[full] ^ b[full]) & (0xffu << (8 - rest)) & 0xffu) == 0;
}

int
mt_net_contains(const struct mt_net *n, const char *ip_text)
{
	uint8_t a[16];
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0xff, 0xff };

	if (ip_text == NULL)
		return 0;
	if (inet_pton(AF_INET, ip_text, a) == 1)
		return !n->v6 && prefix_match(a, n->addr, n->prefix);
	if (inet_pton(AF_INET6, ip_text, a) != 1)
		return 0;
	if (n->v6)
		return prefix_match(a, n->addr, n->prefix);
	/* an IPv4-mapped IPv6 client matches IPv4 networks */
	return memcmp(a, mapped, 12) == 0 &&
		prefix_match(a + 12, n->addr, n->prefix);
}

void
mt_net_format(const struct mt_net *n, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	if (inet_ntop(n->v6 ? AF_INET6 : AF_INET, n->addr, a, sizeof(a)) ==
	    NULL)
		a[0] = '\0';
	snprintf(buf, len, "%s/%u", a, n->prefix);
}
