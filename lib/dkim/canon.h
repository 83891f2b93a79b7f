/* SPDX-License-Identifier: MIT */
/*
 * canon.h - RFC 6376 3.4 canonicalization, feeding a digest directly.
 *
 * Header fields are canonicalized one at a time from their wire form
 * (inkan_header_raw). The body canonicalizer is a streaming state machine:
 * it keeps O(1) state (deferred CRLFs and whitespace) between chunks, and
 * hands the digest large runs through a staging buffer, since a digest
 * update per short run would cost more than the hashing.
 */
#ifndef INKAN_DKIM_CANON_H
#define INKAN_DKIM_CANON_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/crypto.h"

typedef enum ik_canon {
	IK_CANON_SIMPLE = 0,
	IK_CANON_RELAXED = 1
} ik_canon;

/*
 * Feed the canonical form of one header field (@raw: "Name: value"
 * wire form, folded lines kept) to @d. @with_crlf 0 leaves out the final
 * CRLF (the DKIM-Signature field itself, RFC 6376 3.7 step 2); then @raw
 * may lack it.
 */
inkan_status ik_canon_header(ik_digest *d, ik_canon c, const char *raw,
	size_t len, int with_crlf);

#define IK_BODY_STAGE 4096

typedef struct ik_body_canon {
	ik_canon canon;
	ik_digest *digest;	/* borrowed */
	uint64_t limit;		/* l=, UINT64_MAX when absent */
	uint64_t hashed;	/* canonical bytes given to the digest */
	uint64_t total;		/* canonical bytes produced in all */
	uint64_t crlfs;		/* deferred line ends (maybe trailing) */
	int cr;			/* a CR was seen; is an LF next? */
	int wsp;		/* relaxed: a WSP run is pending */
	int content;		/* some non-empty line was produced */
	size_t nstage;
	unsigned char stage[IK_BODY_STAGE];
} ik_body_canon;

void ik_body_canon_init(ik_body_canon *bc, ik_canon c, ik_digest *d,
	uint64_t limit);
inkan_status ik_body_canon_update(ik_body_canon *bc, const char *data,
	size_t len);
/* Finish (RFC 6376 3.4.3/3.4.4 end-of-body rules) and write the digest
 * to @out; bc->total is then the canonical body length. */
inkan_status ik_body_canon_final(ik_body_canon *bc, unsigned char *out);

/*
 * Gathering small body pieces: a message parser may hand the body over
 * line by line, and each call into the canonicalizers has a fixed cost
 * (and the 8-byte fast path stops short of a piece's end). Pieces under
 * IK_BATCH_SMALL are copied into @buf (IK_BATCH bytes, the caller's) and
 * passed on to @fn in larger runs; larger pieces go straight through.
 */
#define IK_BATCH 8192
#define IK_BATCH_SMALL 1024

typedef inkan_status (*ik_feed_fn)(void *ud, const char *data, size_t len);

inkan_status ik_batch_add(char *buf, size_t *n, const char *data, size_t len,
	ik_feed_fn fn, void *ud);
inkan_status ik_batch_flush(char *buf, size_t *n, ik_feed_fn fn, void *ud);

#endif
