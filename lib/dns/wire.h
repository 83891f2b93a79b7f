/* SPDX-License-Identifier: MIT */
/*
 * wire.h - reading and writing the big-endian integers of DNS messages
 * (RFC 1035 2.3.2: network byte order). The one set used by the packet
 * decoder, the zone backend, the UPDATE client and TSIG. The caller has
 * checked that the bytes are there.
 */
#ifndef INKAN_DNS_WIRE_H
#define INKAN_DNS_WIRE_H

#include <stdint.h>

static inline uint16_t
ik_wire_get16(const uint8_t *p)
{
	return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}

static inline uint32_t
ik_wire_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		(uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* RFC 8945 4.3.3: TSIG's 48-bit time signed */
static inline uint64_t
ik_wire_get48(const uint8_t *p)
{
	return (uint64_t)ik_wire_get16(p) << 32 | ik_wire_get32(p + 2);
}

static inline void
ik_wire_put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void
ik_wire_put32(uint8_t *p, uint32_t v)
{
	ik_wire_put16(p, (unsigned)(v >> 16));
	ik_wire_put16(p + 2, (unsigned)(v & 0xffff));
}

static inline void
ik_wire_put48(uint8_t *p, uint64_t v)
{
	ik_wire_put16(p, (unsigned)(v >> 32 & 0xffff));
	ik_wire_put32(p + 2, (uint32_t)v);
}

#endif
