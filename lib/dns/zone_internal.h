/* SPDX-License-Identifier: MIT */
/*
 * zone_internal.h - the zone backend's data: a hash table of names (wire
 * form, lower-cased), each with its RRs (type, TTL, RDATA in wire form) and
 * any test faults. Filled by the master-file parser, read by the answer
 * logic; immutable while questions are answered (so no lock on lookups).
 */
#ifndef INKAN_DNS_ZONE_INTERNAL_H
#define INKAN_DNS_ZONE_INTERNAL_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "dns_internal.h"

/* default cap on RRs held by one zone resolver (all files together) */
#define IK_ZONE_MAX_RRS_DEFAULT 1000000
/* bytes in one physical line of a master file */
#define IK_ZONE_LINE_MAX 65536
/* bytes in one master file */
#define IK_ZONE_FILE_MAX (64 * 1024 * 1024)
/* $INCLUDE nesting */
#define IK_ZONE_INCLUDE_DEPTH 8
/* TTL when neither the RR, $TTL nor an earlier RR gives one */
#define IK_ZONE_DEFAULT_TTL 3600
/* negative TTL when no SOA is above the name (RFC 2308 needs an SOA) */
#define IK_ZONE_DEFAULT_NEG_TTL 60

enum ik_zone_fault {
	IK_FAULT_NONE = 0,
	IK_FAULT_TIMEOUT,
	IK_FAULT_SERVFAIL,
	IK_FAULT_REFUSED
};

typedef struct ik_zrr {
	uint16_t type;
	uint16_t rdlen;
	uint32_t ttl;
	uint8_t rdata[];
} ik_zrr;

typedef struct ik_zfault {
	uint16_t type;		/* 0: every type */
	uint8_t kind;		/* enum ik_zone_fault */
} ik_zfault;

typedef struct ik_znode {
	struct ik_znode *next;	/* hash chain */
	uint32_t hash;
	int exists;		/* has RRs or a descendant with RRs */
	ik_zrr **rrs;
	size_t nrrs, rrcap;
	ik_zfault *faults;
	size_t nfaults;
	uint8_t name[];		/* lower-case wire form */
} ik_znode;

typedef struct ik_zone {
	inkan_ctx *ctx;			/* borrowed */
	ik_znode **buckets;
	size_t nbuckets, nnodes;
	size_t nrrs, max_rrs;
	uint32_t latency_ms;		/* $LATENCY */
	pthread_mutex_t mu;		/* guards the counters below */
	size_t inflight, max_inflight;
} ik_zone;

/* ---- zone_db.c ---- */
inkan_status ik_zone_init(ik_zone *z, inkan_ctx *ctx);
void ik_zone_cleanup(ik_zone *z);
/* the node for @name (any case), or NULL */
ik_znode *ik_zone_find(const ik_zone *z, const uint8_t *name);
/*
 * Add an RR at @name. INKAN_ERR_LIMIT past max_rrs; INKAN_ERR_SYNTAX with
 * *why set when it breaks RFC 1034 3.6.2 (CNAME and other data).
 */
inkan_status ik_zone_add_rr(ik_zone *z, const uint8_t *name, uint16_t type,
	uint32_t ttl, const uint8_t *rdata, size_t rdlen, const char **why);
/* Add a test fault for @name (type 0: all types). */
inkan_status ik_zone_add_fault(ik_zone *z, const uint8_t *name,
	uint16_t type, enum ik_zone_fault kind);
/* The fault for @name/@type, IK_FAULT_NONE when none. */
enum ik_zone_fault ik_zone_fault_for(const ik_zone *z, const uint8_t *name,
	uint16_t type);

/* ---- zone_answer.c ---- */
/* Answer @qname/@qtype from the tables (faults included). */
inkan_status ik_zone_answer(const ik_zone *z, const char *qname,
	uint16_t qtype, inkan_dns_answer **out);

/* ---- zone_parse.c ---- */
typedef struct ik_zone_src {
	const char *text;		/* the whole file */
	size_t len;
	const char *label;		/* file name for messages */
	const char *dir;		/* for relative $INCLUDE; NULL: none */
	int allow_include;
	int depth;
} ik_zone_src;

inkan_status ik_zone_parse(ik_zone *z, const ik_zone_src *src,
	const uint8_t *origin, char *err, size_t errlen);
/* read a whole file (bounded) and parse it */
inkan_status ik_zone_parse_file(ik_zone *z, const char *path,
	const uint8_t *origin, int depth, char *err, size_t errlen);

/* ---- zone_rdata.c ---- */
typedef struct ik_ztok {
	const char *p;
	size_t len;
	int quoted;
	size_t line;
} ik_ztok;

/* TTL with optional BIND units (1h30m); -1 if malformed or too big */
int64_t ik_zone_ttl(const char *p, size_t len);
/*
 * Encode the RDATA tokens of one RR of @type as wire RDATA into @out
 * (65535 bytes); names are relative to @origin. On error *why says what.
 */
inkan_status ik_zone_rdata(uint16_t type, const ik_ztok *tok, size_t ntok,
	const uint8_t *origin, uint8_t *out, size_t *outlen, const char **why);

#endif
