/* SPDX-License-Identifier: MIT */
/*
 * update.h - the DNS UPDATE client (RFC 2136): messages and their
 * transport, for lib/domain's publisher (publish.c). The only code in
 * libinkan that opens sockets; resolving goes through the resolver.
 *
 *   update_msg.c  building UPDATE and query messages, RDATA, decoding
 *                 responses (untrusted: bounded, every length checked)
 *   update_io.c   one exchange with a server over UDP or TCP, within a
 *                 time budget
 */
#ifndef INKAN_DNS_UPDATE_H
#define INKAN_DNS_UPDATE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "core/buf.h"
#include "dns/dns_internal.h"

#define IK_DNS_MSG_MAX 65535
#define IK_UDP_MAX 512		/* RFC 1035 4.2.1 without EDNS */

/* RFC 2136 2.2 / RFC 6895 2.3 response codes beyond RFC 1035's */
#define IK_RCODE_YXDOMAIN 6
#define IK_RCODE_YXRRSET 7
#define IK_RCODE_NXRRSET 8
#define IK_RCODE_NOTAUTH 9
#define IK_RCODE_NOTZONE 10

typedef struct ik_upd {
	ik_buf b;
	uint16_t id;
	unsigned pr, up;	/* RRs in the prerequisite / update sections */
	inkan_status st;	/* sticky */
} ik_upd;

/* Start an UPDATE for @zone (RFC 2136 2.3: ZOCOUNT 1, SOA, IN). */
void ik_upd_init(ik_upd *u, const inkan_ctx *ctx, const char *zone,
	uint16_t id);
/* 2.4.2: the RRset @name/@type exists with exactly the RRs given as
 * prerequisites of this kind (call once per RR) */
void ik_upd_prereq_value(ik_upd *u, const char *name, uint16_t type,
	const uint8_t *rdata, size_t rdlen);
/* 2.4.3: no RRset @name/@type exists */
void ik_upd_prereq_none(ik_upd *u, const char *name, uint16_t type);
/* 2.5.2: delete the RRset @name/@type */
void ik_upd_delete_rrset(ik_upd *u, const char *name, uint16_t type);
/* 2.5.4: delete one RR */
void ik_upd_delete_rr(ik_upd *u, const char *name, uint16_t type,
	const uint8_t *rdata, size_t rdlen);
/* 2.5.1: add an RR */
void ik_upd_add(ik_upd *u, const char *name, uint16_t type, uint32_t ttl,
	const uint8_t *rdata, size_t rdlen);
/* Write the section counts; the message is u->b (or u->st). */
inkan_status ik_upd_finish(ik_upd *u);

/* RDATA (RFC 1035 3.3): TXT as character-strings of <= 255 bytes, MX,
 * a domain name (CNAME). Appended to @out. */
inkan_status ik_rdata_txt(ik_buf *out, const char *text, size_t len);
inkan_status ik_rdata_txt_strings(ik_buf *out, const inkan_dns_txt *t);
inkan_status ik_rdata_mx(ik_buf *out, uint16_t pref, const char *host);

/* A plain query for @name/@type (RD clear: ask the server itself). */
inkan_status ik_query_build(ik_buf *out, const char *name, uint16_t type,
	uint16_t id);

typedef struct ik_upd_resp {
	uint16_t id;
	int qr, opcode, tc, rcode;
	/* offset of the last additional RR when it is a TSIG RR, else 0 */
	size_t tsig_off;
} ik_upd_resp;

/* Decode the header and find the TSIG of a response (untrusted).
 * INKAN_ERR_SYNTAX when malformed. */
inkan_status ik_upd_parse_response(const uint8_t *msg, size_t len,
	ik_upd_resp *out);

/* "NOERROR", ..., "NOTZONE"; static */
const char *ik_upd_rcode_name(int rcode);

typedef struct ik_server {
	struct sockaddr_storage sa;
	socklen_t salen;
} ik_server;

/* "ADDR[@PORT]", IPv4 or IPv6, port 53 by default. */
inkan_status ik_server_parse(const char *text, ik_server *out);

/*
 * Send @q (@qlen bytes) to @srv and read the response with the same ID
 * into @resp (@cap bytes), within @timeout_ms. UDP: answers from
 * elsewhere or with another ID are ignored. TCP: RFC 1035 4.2.2 length
 * prefix. INKAN_ERR_TIMEOUT, INKAN_ERR_IO (refused, reset, ...).
 */
inkan_status ik_dns_exchange(const ik_server *srv, int tcp, const uint8_t *q,
	size_t qlen, uint32_t timeout_ms, uint8_t *resp, size_t cap,
	size_t *resplen);

#endif
