/* SPDX-License-Identifier: MIT */
/*
 * inkan/dns.h - the DNS seam: resolver interface, answers, backends, cache.
 *
 * Protocol code never opens sockets: it asks an inkan_resolver. A question
 * is started with inkan_dns_start() and answered by inkan_dns_wait(), so a
 * caller starts every independent question first and then waits for each:
 * N questions cost about one round trip, not N.
 *
 *   inkan_dns_query *q;
 *   const inkan_dns_answer *a;
 *   if (inkan_dns_start(r, "example.com", INKAN_DNS_TYPE_TXT, &q) == INKAN_OK
 *       && inkan_dns_wait(q, &a) == INKAN_OK)
 *           ... use a until ...
 *   inkan_dns_query_free(q);
 *
 * Backends (all behind inkan_resolver_ops, so a program may plug its own):
 *  - zone:    answers from RFC 1035 master files, deterministic, no network,
 *             with test directives ($FAULT, $LATENCY); see docs/dns.md.
 *  - unbound: libunbound, asynchronous, system resolvers or a given server,
 *             DNSSEC-aware, TCP fallback for large answers.
 *  - cache:   in front of any resolver: TTLs honoured, negative answers
 *             cached briefly, errors not cached, questions in flight shared.
 *
 * Names (input): presentation form ("mail.example.com", trailing dot
 * optional); "\." and "\DDD" escapes are understood, other bytes are taken
 * literally. At most 63 bytes per label and 255 bytes in wire form.
 * Names (output): presentation form without the trailing dot (the root is
 * "."), in the case the data had (DNS compares names case-insensitively;
 * compare with a case-insensitive function). Bytes that are not printable
 * ASCII, and '.' or '\' inside a label, are written as "\DDD" / "\." /
 * "\\" escapes, so an output name can be fed back to inkan_dns_start().
 *
 * Threading: inkan_dns_start(), inkan_dns_wait(), inkan_dns_lookup() and
 * inkan_dns_query_free() may be called from many threads at once on one
 * resolver (the built-in backends and the cache lock internally). One
 * query handle is used by one thread at a time (it may be started in one
 * thread and waited for in another). Configuration calls (zone loading,
 * unbound options) and inkan_resolver_free() must not run concurrently
 * with anything else on that resolver; free every query first.
 */
#ifndef INKAN_DNS_H
#define INKAN_DNS_H

#include <stddef.h>
#include <stdint.h>

#include <inkan/ctx.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct inkan_resolver inkan_resolver;
typedef struct inkan_dns_query inkan_dns_query;

/* RR types (wire values) that libinkan decodes. Other types may be asked
 * for; their RRs come back undecoded (inkan_dns_rr.rdata). */
enum inkan_dns_type {
	INKAN_DNS_TYPE_A = 1,
	INKAN_DNS_TYPE_NS = 2,
	INKAN_DNS_TYPE_CNAME = 5,
	INKAN_DNS_TYPE_SOA = 6,
	INKAN_DNS_TYPE_PTR = 12,
	INKAN_DNS_TYPE_MX = 15,
	INKAN_DNS_TYPE_TXT = 16,
	INKAN_DNS_TYPE_AAAA = 28,
	INKAN_DNS_TYPE_SPF = 99	/* RFC 7208 3.1: obsolete, TXT layout */
};

/* Response codes (RFC 1035 4.1.1, RFC 6895 2.3), wire values. */
typedef enum inkan_dns_rcode {
	INKAN_DNS_RCODE_NOERROR = 0,
	INKAN_DNS_RCODE_FORMERR = 1,
	INKAN_DNS_RCODE_SERVFAIL = 2,
	INKAN_DNS_RCODE_NXDOMAIN = 3,
	INKAN_DNS_RCODE_NOTIMP = 4,
	INKAN_DNS_RCODE_REFUSED = 5
} inkan_dns_rcode;

/*
 * What an answer means to a protocol, derived from rcode, timeout and the
 * RRs (so SPF, DKIM and DMARC decide the same way):
 *  DATA     NOERROR with at least one RR of the type asked (after CNAMEs)
 *  NODATA   NOERROR, the name exists, no RR of that type (RFC 2308 2.2)
 *  NXDOMAIN the name does not exist (RFC 2308 2.1)
 *  TEMPFAIL anything else: SERVFAIL, REFUSED, other rcodes, a timeout, a
 *           CNAME loop, a network error: try again later (SPF temperror,
 *           DKIM TEMPFAIL). Never a permanent verdict.
 * NODATA and NXDOMAIN are both "void" in RFC 7208 4.6.4's sense.
 */
typedef enum inkan_dns_outcome {
	INKAN_DNS_DATA = 0,
	INKAN_DNS_NODATA = 1,
	INKAN_DNS_NXDOMAIN = 2,
	INKAN_DNS_TEMPFAIL = 3
} inkan_dns_outcome;

/* A byte string that may hold any byte (including NUL). @data is also
 * NUL-terminated after @len bytes, for convenience. */
typedef struct inkan_dns_str {
	const char *data;
	size_t len;
} inkan_dns_str;

/* TXT and SPF RDATA (RFC 1035 3.3.14). */
typedef struct inkan_dns_txt {
	/* the character-strings of this one RR, in order (each <= 255) */
	const inkan_dns_str *strings;
	size_t nstrings;
	/* RFC 7208 3.3, RFC 6376 3.6.2.2: the strings of ONE RR joined
	 * without separators. Several RRs are never joined together. */
	inkan_dns_str joined;
} inkan_dns_txt;

typedef struct inkan_dns_mx {
	uint16_t preference;
	const char *exchange;	/* "." for a null MX (RFC 7505) */
} inkan_dns_mx;

typedef struct inkan_dns_soa {
	const char *mname;
	const char *rname;
	uint32_t serial;
	uint32_t refresh;
	uint32_t retry;
	uint32_t expire;
	uint32_t minimum;
} inkan_dns_soa;

/* One resource record. Which member of @u is valid depends on @type. */
typedef struct inkan_dns_rr {
	uint16_t type;
	uint32_t ttl;
	union {
		uint8_t a[4];		/* A, network order */
		uint8_t aaaa[16];	/* AAAA, network order */
		inkan_dns_txt txt;	/* TXT, SPF */
		inkan_dns_mx mx;	/* MX */
		const char *name;	/* CNAME, NS, PTR: the target */
		inkan_dns_soa soa;	/* SOA */
	} u;
	/* the RDATA as received, for types not decoded above (else NULL) */
	const uint8_t *rdata;
	size_t rdlen;
} inkan_dns_rr;

/*
 * An answer. Read-only; borrowed from the query it belongs to and valid
 * until inkan_dns_query_free(). Fields may be appended in later versions
 * (answers are only ever allocated by libinkan).
 */
typedef struct inkan_dns_answer {
	const char *qname;		/* the name asked, no trailing dot */
	uint16_t qtype;
	inkan_dns_outcome outcome;	/* use this to decide; see above */
	inkan_dns_rcode rcode;		/* SERVFAIL on a timeout */
	int timed_out;			/* 1: no answer in time */
	int secure;			/* 1: DNSSEC validated (AD): only
					 * with a trust anchor (unbound) */
	int from_cache;			/* 1: served by inkan's cache */
	/* seconds the answer may be reused: the smallest TTL of the RRs
	 * and CNAMEs (positive answers) or RFC 2308 5's min(SOA TTL, SOA
	 * MINIMUM) (negative answers); 0 for failures. From the cache, what
	 * is left of it. */
	uint32_t ttl;
	/* CNAMEs followed (RFC 1034 3.6.2): cnames[0] is the target of
	 * qname's CNAME, cnames[i] the target of cnames[i-1]'s. The RRs
	 * below belong to the last one (or to qname when ncnames == 0). */
	const char *const *cnames;
	size_t ncnames;
	/* the RRset of type qtype at the final name, in answer order */
	const inkan_dns_rr *rrs;
	size_t nrrs;
} inkan_dns_answer;

/* ---- consumer side -------------------------------------------------- */

/*
 * Start a question for @name / @type on @r; it is answered in the
 * background while the caller starts more. The per-query timeout is
 * INKAN_LIMIT_DNS_TIMEOUT_MS of the context @r was created with.
 * On INKAN_OK, *out is owned by the caller: free it with
 * inkan_dns_query_free() (whether or not it was waited for). @name is
 * copied. INKAN_ERR_SYNTAX: @name is not a possible DNS name (empty label,
 * label over 63 bytes, over 255 bytes).
 */
INKAN_API inkan_status inkan_dns_start(inkan_resolver *r, const char *name,
	uint16_t type, inkan_dns_query **out);

/*
 * Block until @q is answered or its timeout has passed; either way
 * INKAN_OK with *answer set (a timeout is an answer with timed_out = 1 and
 * outcome TEMPFAIL). Only INKAN_ERR_NOMEM/INVALID/INTERNAL otherwise.
 * *answer is borrowed until inkan_dns_query_free(q). Waiting twice returns
 * the same answer.
 */
INKAN_API INKAN_MUST_CHECK inkan_status inkan_dns_wait(inkan_dns_query *q,
	const inkan_dns_answer **answer);

/* Cancel @q if still unanswered and free it with its answer. NULL ok. */
INKAN_API void inkan_dns_query_free(inkan_dns_query *q);

/*
 * Start + wait, for callers with a single question. On INKAN_OK, *q is
 * owned by the caller (inkan_dns_query_free()) and *answer borrowed from it.
 */
INKAN_API INKAN_MUST_CHECK inkan_status inkan_dns_lookup(inkan_resolver *r,
	const char *name, uint16_t type, inkan_dns_query **q,
	const inkan_dns_answer **answer);

/* "TXT" -> 16 (case-insensitive; also "TYPE16"); 0 when unknown. */
INKAN_API uint16_t inkan_dns_type_from_name(const char *name);
/* 16 -> "TXT"; NULL for a type without a name here. Static string. */
INKAN_API const char *inkan_dns_type_name(uint16_t type);
/* 3 -> "NXDOMAIN"; "RCODE" for others. Static string. */
INKAN_API const char *inkan_dns_rcode_name(int rcode);
/* INKAN_DNS_DATA -> "data" ...; static string. */
INKAN_API const char *inkan_dns_outcome_name(inkan_dns_outcome outcome);

/*
 * Attach a resolver to a context (NULL detaches). The context borrows @r:
 * it must outlive every use of the context; the owner frees it. Set it up
 * before sharing the context between threads.
 */
INKAN_API void inkan_ctx_set_resolver(inkan_ctx *ctx, inkan_resolver *r);
/* The resolver attached to @ctx, or NULL. Borrowed. */
INKAN_API inkan_resolver *inkan_ctx_resolver(const inkan_ctx *ctx);

/* Free a resolver (any kind) and what it owns. NULL is a no-op. */
INKAN_API void inkan_resolver_free(inkan_resolver *r);

/* ---- backend side: plug your own resolver --------------------------- */

/*
 * A backend. @impl is the backend's own state, given to
 * inkan_resolver_new(). Every function may be called from many threads
 * at once (the backend locks as it needs).
 *  start:   begin a question (name is normalised: no trailing dot,
 *           escapes as in output names); store the backend's query state
 *           in *qstate. Must not block for the network.
 *  wait:    block until answered or @timeout_ms (from start) passed, then
 *           set *answer (backend-owned, valid until free). A timeout is
 *           an answer with timed_out = 1, not an error.
 *  free:    cancel if needed and release @qstate and its answer.
 *  destroy: release @impl (called by inkan_resolver_free; optional).
 */
typedef struct inkan_resolver_ops {
	inkan_status (*start)(void *impl, const char *name, uint16_t type,
		uint32_t timeout_ms, void **qstate);
	inkan_status (*wait)(void *impl, void *qstate,
		const inkan_dns_answer **answer);
	void (*free)(void *impl, void *qstate);
	void (*destroy)(void *impl);
} inkan_resolver_ops;

/*
 * Wrap a backend. @ops is borrowed (usually static) and @impl is owned by
 * the resolver from INKAN_OK on (ops->destroy is called with it by
 * inkan_resolver_free). @ctx is borrowed and must outlive the resolver.
 */
INKAN_API inkan_status inkan_resolver_new(inkan_ctx *ctx,
	const inkan_resolver_ops *ops, void *impl, inkan_resolver **out);

/* ---- zone backend ---------------------------------------------------- */

/*
 * An empty zone resolver: every name is NXDOMAIN until zone files are
 * loaded. @ctx is borrowed and must outlive it; *out is owned by the
 * caller (inkan_resolver_free()).
 */
INKAN_API inkan_status inkan_resolver_zone_new(inkan_ctx *ctx,
	inkan_resolver **out);

/*
 * Load an RFC 1035 master file into @r (may be called several times: the
 * data adds up). Supported: $ORIGIN, $TTL, $INCLUDE (relative to the
 * including file, depth <= 8), types A AAAA MX PTR CNAME NS SOA TXT SPF,
 * and the test directives `$FAULT NAME [TYPE] timeout|servfail|refused`
 * and `$LATENCY MS` (see docs/dns.md). On an error, what was loaded
 * before it stays: treat the resolver as unusable. @err (may be NULL) gets
 * "file:line: message" (truncated to @errlen). Returns INKAN_ERR_SYNTAX
 * (bad file), INKAN_ERR_IO (unreadable), INKAN_ERR_LIMIT (too big).
 * Not thread-safe: load before the first question.
 */
INKAN_API inkan_status inkan_resolver_zone_load(inkan_resolver *r,
	const char *path, char *err, size_t errlen);

/*
 * The same from memory (@text, @len bytes; need not be NUL-terminated);
 * @origin is the initial $ORIGIN (NULL: the root) and @label names the
 * text in error messages (NULL: "(memory)"). $INCLUDE paths are relative
 * to the current directory. Handy in tests:
 *   inkan_resolver_zone_load_mem(r, "a.example. TXT \"v=spf1 -all\"\n",
 *       SIZE_MAX, NULL, NULL, NULL, 0);
 * (@len SIZE_MAX: @text is NUL-terminated.)
 */
INKAN_API inkan_status inkan_resolver_zone_load_mem(inkan_resolver *r,
	const char *text, size_t len, const char *origin, const char *label,
	char *err, size_t errlen);

/* ---- unbound backend ------------------------------------------------ */

/*
 * A libunbound resolver. @server NULL: the system's resolvers from
 * /etc/resolv.conf; else "ADDR[@PORT]" (IPv4 or IPv6): every question goes
 * to that server, which may be a recursive resolver or an authoritative
 * server such as Knot (answers are taken as they come; loopback is
 * allowed, and names under .test are asked of it rather than answered
 * NXDOMAIN locally, RFC 6761 6.2). @ctx is borrowed and must outlive it;
 * *out is owned by the caller. Bogus DNSSEC answers come back SERVFAIL.
 * INKAN_ERR_CONFIG: bad @server or libunbound refused the set-up.
 */
INKAN_API inkan_status inkan_resolver_unbound_new(inkan_ctx *ctx,
	const char *server, inkan_resolver **out);

/*
 * Validate DNSSEC with the trust anchor in @path (a file of DS/DNSKEY
 * RRs, as unbound-anchor writes). With no server given this also makes
 * libunbound recurse from the root itself instead of asking resolv.conf's
 * servers. Call before the first question.
 */
INKAN_API inkan_status inkan_resolver_unbound_trust_anchor(inkan_resolver *r,
	const char *path);

/* ---- cache ------------------------------------------------------------ */

/*
 * A caching resolver in front of @backend. On INKAN_OK the cache owns
 * @backend (freed with it); on error the caller still owns it.
 * @max_entries bounds the size (least recently used entries go first;
 * 0: a default of 10000). Positive answers are kept for their TTL (at most
 * one day), negative ones for min(their TTL, 5 minutes), failures not at
 * all. Two questions for the same name and type while one is in flight
 * share the backend's answer.
 */
INKAN_API inkan_status inkan_resolver_cache_new(inkan_ctx *ctx,
	inkan_resolver *backend, size_t max_entries, inkan_resolver **out);

typedef struct inkan_dns_cache_stats {
	uint64_t hits;		/* answered from a stored answer */
	uint64_t misses;	/* sent to the backend */
	uint64_t joins;		/* shared a question already in flight */
	uint64_t evictions;	/* dropped to stay within max_entries */
	size_t entries;		/* answers stored now */
} inkan_dns_cache_stats;

/* Counters of a cache resolver. INKAN_ERR_INVALID if @r is no cache. */
INKAN_API inkan_status inkan_resolver_cache_stats(inkan_resolver *r,
	inkan_dns_cache_stats *out);

/* ---- TSIG keys, for DNS UPDATE (RFC 8945; inkan_domain_publish()) ---- */

typedef struct inkan_tsig_key inkan_tsig_key;

/*
 * Parse a TSIG key in the form `nsupdate -k` reads: one BIND statement
 *   key "name" { algorithm hmac-sha256; secret "base64"; };
 * (comments #, // and C style allowed). Algorithms: hmac-sha1,
 * hmac-sha224, hmac-sha256, hmac-sha384, hmac-sha512 (hmac-md5 is
 * refused as INKAN_ERR_UNSUPPORTED). INKAN_ERR_SYNTAX when malformed
 * (@err gets "line N: message"); the text may be at most 16 KiB
 * (INKAN_ERR_LIMIT). *out is the caller's: inkan_tsig_key_free(); it
 * keeps the secret, which is wiped when freed.
 */
INKAN_API inkan_status inkan_tsig_key_parse(inkan_ctx *ctx, const char *text,
	size_t len, inkan_tsig_key **out, char *err, size_t errlen);
/* The same from a file (INKAN_ERR_IO when unreadable). */
INKAN_API inkan_status inkan_tsig_key_load(inkan_ctx *ctx, const char *path,
	inkan_tsig_key **out, char *err, size_t errlen);
INKAN_API void inkan_tsig_key_free(inkan_tsig_key *k);
/* The key's name and algorithm name (borrowed from @k). */
INKAN_API const char *inkan_tsig_key_name(const inkan_tsig_key *k);
INKAN_API const char *inkan_tsig_key_algorithm(const inkan_tsig_key *k);

#ifdef __cplusplus
}
#endif
#endif
