/* SPDX-License-Identifier: MIT */
/*
 * spf_ip.h - IP addresses as SPF sees them (RFC 7208 5, 5.6, 7.3).
 *
 * Parsing is strict to the RFC's ABNF: ip4-network is a dotted quad with
 * no leading zeros (5.6), ip6-network is RFC 4291 2.2 text. An IPv4-mapped
 * IPv6 client address is an IPv4 client (RFC 7208 5, paragraph 9).
 */
#ifndef INKAN_SPF_IP_H
#define INKAN_SPF_IP_H

#include <stddef.h>
#include <stdint.h>

typedef struct ik_spf_ip {
	int v6;			/* 0: IPv4 in addr[0..3]; 1: IPv6 */
	uint8_t addr[16];
} ik_spf_ip;

/* RFC 7208 5.6 ip4-network; 1 on success */
int ik_spf_ip4_parse(const char *s, size_t len, uint8_t out[4]);
/* RFC 4291 2.2 text form (all three forms); 1 on success */
int ik_spf_ip6_parse(const char *s, size_t len, uint8_t out[16]);
/* a client address, IPv4 or IPv6; an IPv4-mapped one becomes IPv4 */
int ik_spf_ip_parse(const char *s, size_t len, ik_spf_ip *out);
/* first @prefix bits of @a and @b (each 4 or 16 bytes) are equal */
int ik_spf_ip_prefix_eq(const uint8_t *a, const uint8_t *b, unsigned prefix);
/*
 * %{c}: dotted quad, or RFC 5952 text for IPv6 (lower case, longest run
 * of two or more zero groups compressed). @out has room for 46 bytes.
 */
void ik_spf_ip_format(const ik_spf_ip *ip, char out[46]);
/*
 * %{i}: dotted quad, or the 32 nibbles of an IPv6 address in dot format
 * (upper case, as the openspf suite expects; DNS names are
 * case-insensitive). @out has room for 64 bytes.
 */
void ik_spf_ip_dotted(const ik_spf_ip *ip, char out[64]);
/* reverse lookup name under in-addr.arpa or ip6.arpa; 74 bytes */
void ik_spf_ip_reverse_name(const ik_spf_ip *ip, char out[74]);

#endif
