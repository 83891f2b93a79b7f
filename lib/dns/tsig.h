/* SPDX-License-Identifier: MIT */
/*
 * tsig.h - TSIG (RFC 8945) for DNS UPDATE (update.h): the key, the MAC
 * over a request, and the check of a response.
 *
 *   tsig_key.c   the key file parser (nsupdate -k form)
 *   tsig.c       signing requests, verifying responses (RFC 8945 4, 5);
 *                the HMAC itself is lib/crypto's (ik_hmac)
 */
#ifndef INKAN_DNS_TSIG_H
#define INKAN_DNS_TSIG_H

#include <stddef.h>
#include <stdint.h>

#include <inkan/dns.h>

#include "core/buf.h"
#include "dns/dns_internal.h"

#define IK_TSIG_TYPE 250	/* RFC 8945 4.1 */
#define IK_TSIG_MAC_MAX 64	/* SHA-512 */
#define IK_TSIG_FUDGE 300	/* RFC 8945 10: 300 s recommended */

/* TSIG error codes (RFC 8945 3) */
#define IK_TSIG_BADSIG 16
#define IK_TSIG_BADKEY 17
#define IK_TSIG_BADTIME 18
#define IK_TSIG_BADTRUNC 22

struct ik_tsig_alg {
	const char *name;	/* "hmac-sha256": BIND's and the wire's */
	const char *md;		/* OpenSSL digest name */
	size_t mac_len;
};

struct inkan_tsig_key {
	inkan_ctx *ctx;			/* borrowed */
	char name[IK_DNAME_TEXT_MAX];	/* lower case, no final dot */
	uint8_t name_wire[IK_DNAME_MAX];	/* canonical wire form */
	size_t name_wlen;
	const struct ik_tsig_alg *alg;
	unsigned char *secret;		/* owned, wiped when freed */
	size_t secret_len;
};

const struct ik_tsig_alg *ik_tsig_alg_find(const char *name);

/* the MAC of @data under @k (RFC 8945 6, RFC 4635); *outlen is the
 * algorithm's MAC length */
inkan_status ik_tsig_hmac(const inkan_tsig_key *k, const unsigned char *data,
	size_t len, unsigned char *out, size_t *outlen);

/*
 * Append a TSIG RR signed with @k to the DNS message in @msg (RFC 8945
 * 5.1) and add one to its ARCOUNT. The request MAC goes to @mac
 * (IK_TSIG_MAC_MAX bytes), its length to *maclen: the response's MAC
 * covers it.
 */
inkan_status ik_tsig_sign(const inkan_tsig_key *k, ik_buf *msg, int64_t now,
	unsigned char *mac, size_t *maclen);

/* What the TSIG of a response said. */
typedef struct ik_tsig_check {
	int present;		/* a TSIG RR was the last additional RR */
	int verified;		/* its MAC is right (and it is our key) */
	int time_ok;		/* time signed within fudge of now */
	uint16_t error;		/* the TSIG error field */
	int64_t server_time;	/* BADTIME: the server's clock, else 0 */
} ik_tsig_check;

/*
 * Check the TSIG of response @msg (@len bytes, untrusted) whose last
 * additional RR starts at @tsig_off (see ik_update_parse_response), for
 * the request whose MAC was @req_mac. INKAN_OK means the check could be
 * made: read @out for the outcome. INKAN_ERR_SYNTAX: the TSIG RR is
 * malformed.
 */
inkan_status ik_tsig_verify(const inkan_tsig_key *k, const uint8_t *msg,
	size_t len, size_t tsig_off, uint16_t orig_id,
	const unsigned char *req_mac, size_t req_maclen, int64_t now,
	ik_tsig_check *out);

#endif
