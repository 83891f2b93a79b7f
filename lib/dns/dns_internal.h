/* SPDX-License-Identifier: MIT */
/*
 * dns_internal.h - what the DNS module's files share: the resolver
 * object, domain names in wire form, the answer builder and the wire
 * (RDATA / packet) decoder.
 */
#ifndef INKAN_DNS_INTERNAL_H
#define INKAN_DNS_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <inkan/dns.h>

#include "core/buf.h"

struct inkan_resolver {
	inkan_ctx *ctx;				/* borrowed */
	const inkan_resolver_ops *ops;		/* borrowed, usually static */
	void *impl;				/* owned (ops->destroy) */
};

struct inkan_dns_query {
	inkan_resolver *r;			/* borrowed */
	void *qstate;				/* the backend's */
	const inkan_dns_answer *answer;		/* borrowed from qstate */
};

/* The backends' ops tables: inkan_resolver_* check which kind they got. */
extern const inkan_resolver_ops ik_zone_ops;
extern const inkan_resolver_ops ik_cache_ops;
extern const inkan_resolver_ops ik_unbound_ops;

/* ---- names (name.c) -------------------------------------------------- */

/* RFC 1035 2.3.4: 255 octets in wire form, 63 per label */
#define IK_DNAME_MAX 255
#define IK_LABEL_MAX 63
/* presentation form: every byte may become "\DDD" */
#define IK_DNAME_TEXT_MAX (IK_DNAME_MAX * 4 + 2)
/* CNAMEs followed for one question before it counts as a loop */
#define IK_DNS_CNAME_MAX 16

/*
 * Parse presentation text (@len bytes) into wire form in @out (at least
 * IK_DNAME_MAX bytes); *outlen gets the wire length. A name not ending in
 * '.' is relative: @origin (wire form) is appended, or, with @origin NULL,
 * it is taken as absolute. "." alone is the root. INKAN_ERR_SYNTAX on an
 * empty label, a bad escape, a label over 63 or a name over 255 bytes.
 */
inkan_status ik_dname_from_text(const char *text, size_t len,
	const uint8_t *origin, uint8_t *out, size_t *outlen);
/* Wire length of a well-formed wire name (as produced above). */
size_t ik_dname_len(const uint8_t *wire);
/* Write @wire as presentation text without the trailing dot ("." for
 * the root) into @out (IK_DNAME_TEXT_MAX bytes); returns the length. */
size_t ik_dname_to_text(const uint8_t *wire, char *out);
/* ASCII lower-case a wire name in place (labels only). */
void ik_dname_lower(uint8_t *wire);
/* Case-insensitive equality of two wire names. */
int ik_dname_eq(const uint8_t *a, const uint8_t *b);
/* Number of labels (the root has 0). */
size_t ik_dname_labels(const uint8_t *wire);
/* 1 if the first label is "*" (RFC 4592 2.1.1) */
int ik_dname_is_wildcard(const uint8_t *wire);
/* normalise presentation text: parse and print again (keeps case) */
inkan_status ik_dname_normalize(const char *text, char *out, size_t *outlen);

/* ---- answer builder (answer.c) ---------------------------------------- */

/*
 * Collects an answer piece by piece and lays it out in ONE allocation
 * (freed with ik_free(ctx, answer)), so that answers are cheap to free
 * and to hand around. Errors are sticky: check the status of finish().
 */
typedef struct ik_dns_ab_rr {
	uint16_t type;
	uint32_t ttl;
	uint8_t addr[16];
	uint16_t pref;
	size_t name1, name2;		/* offsets into text; SIZE_MAX: none */
	uint32_t soa[5];
	size_t str_first, nstr;		/* TXT strings in strs[] */
	size_t joined, joined_len;	/* TXT joined, offset into text */
	size_t rdata, rdlen;		/* raw RDATA, offset into text */
} ik_dns_ab_rr;

typedef struct ik_dns_ab {
	const inkan_ctx *ctx;
	inkan_status st;
	inkan_dns_answer hdr;		/* the scalar fields */
	int have_ttl;
	ik_buf text;			/* every string, NUL-terminated */
	size_t qname;			/* offset into text */
	size_t *cnames;
	size_t ncnames;
	ik_dns_ab_rr *rrs;
	size_t nrrs, rrcap;
	struct { size_t off, len; } *strs;
	size_t nstrs, strcap;
} ik_dns_ab;

void ik_dns_ab_init(ik_dns_ab *ab, const inkan_ctx *ctx, const char *qname,
	uint16_t qtype);
void ik_dns_ab_cleanup(ik_dns_ab *ab);
/* add a CNAME target to the chain (text form) */
void ik_dns_ab_cname(ik_dns_ab *ab, const char *target, uint32_t ttl);
/*
 * Decode one RR's RDATA at @msg[@off..@off+@rdlen) and add it. @msg is the
 * whole packet so that compressed names (RFC 1035 4.1.4) inside RDATA can
 * be followed; for stand-alone RDATA pass msg = rdata, off = 0.
 * INKAN_ERR_SYNTAX when the RDATA is malformed (the builder stays usable:
 * the RR is skipped).
 */
inkan_status ik_dns_ab_rdata(ik_dns_ab *ab, uint16_t type, uint32_t ttl,
	const uint8_t *msg, size_t msglen, size_t off, size_t rdlen);
/* Lower the answer TTL to @ttl if smaller. */
void ik_dns_ab_ttl(ik_dns_ab *ab, uint32_t ttl);
/* Set rcode/timeout, compute the outcome and lay out the answer. */
inkan_status ik_dns_ab_finish(ik_dns_ab *ab, inkan_dns_answer **out);

/* A failure answer without data (SERVFAIL; @timed_out sets the flag). */
inkan_status ik_dns_answer_fail(const inkan_ctx *ctx, const char *qname,
	uint16_t qtype, inkan_dns_rcode rcode, int timed_out,
	inkan_dns_answer **out);
/* Deep copy of any answer into one allocation. */
inkan_status ik_dns_answer_copy(const inkan_ctx *ctx,
	const inkan_dns_answer *src, inkan_dns_answer **out);
/* The outcome an answer's rcode/flags/RRs mean (see dns.h). */
inkan_dns_outcome ik_dns_outcome(const inkan_dns_answer *a);

/* ---- wire format (wire.c) -------------------------------------------- */

/*
 * Read a possibly compressed name at @msg[*off] into wire form @out
 * (IK_DNAME_MAX bytes), advancing *off past it. Pointers must point
 * backwards; a bounded number are followed. INKAN_ERR_SYNTAX if malformed.
 */
inkan_status ik_dns_read_name(const uint8_t *msg, size_t msglen, size_t *off,
	uint8_t *out);

/*
 * Decode a whole DNS response packet (untrusted) into an answer for the
 * question @qname/@qtype: rcode, AD, the CNAME chain from qname, the RRs of
 * qtype at its end, TTLs, and for negative answers the SOA's negative TTL
 * from the authority section. INKAN_ERR_SYNTAX if the packet is malformed.
 */
inkan_status ik_dns_parse_packet(const inkan_ctx *ctx, const uint8_t *msg,
	size_t len, const char *qname, uint16_t qtype, inkan_dns_answer **out);

/* ---- time (resolver.c) ------------------------------------------------- */

/* monotonic milliseconds; a timespec for pthread_cond_timedwait */
int64_t ik_mono_ms(void);
void ik_mono_timespec(int64_t ms, struct timespec *ts);

/* ---- zone backend internals used by tests and the fuzzer -------------- */

/* Parse zone text without $INCLUDE (the fuzzer must not open files). */
inkan_status ik_zone_load_mem_noinclude(inkan_resolver *r, const char *text,
	size_t len, char *err, size_t errlen);
/* Limits on what one zone resolver may hold (defaults in zone_db.c). */
void ik_zone_set_max_rrs(inkan_resolver *r, size_t max);
/* Override $LATENCY (the fuzzer must not sleep). */
void ik_zone_set_latency(inkan_resolver *r, uint32_t ms);
/* Largest number of questions that were in flight at once. */
size_t ik_zone_max_inflight(inkan_resolver *r);

#endif
