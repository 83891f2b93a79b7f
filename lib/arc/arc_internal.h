/* SPDX-License-Identifier: MIT */
/*
 * arc_internal.h - structures shared by the files of lib/arc.
 *
 *   chain.c   collect the ARC sets of a message and check their
 *             structure (RFC 8617 5.2 steps 1-3)
 *   verify.c  per-message validation (5.2 steps 4-7)
 *   seal.c    per-message sealing (5.1)
 *   result.c  names, explanations, the Authentication-Results entry
 *
 * Signatures are DKIM's: the AMS goes through lib/dkim's verifier with
 * the field kind IK_SIG_AMS, the AS through its parser (IK_SIG_AS), key
 * lookups (ik_dkim_keyq) and key checks.
 */
#ifndef INKAN_ARC_INTERNAL_H
#define INKAN_ARC_INTERNAL_H

#include <inkan/arc.h>
#include <inkan/authres.h>

#include "dkim/dkim_internal.h"

/* more ARC header fields than three full sets per instance is refused
 * before anything is parsed */
#define IK_ARC_MAX_FIELDS (3 * IK_ARC_MAX_INSTANCE + 3)

extern const char ik_arc_aar_name[];
extern const char ik_arc_ams_name[];
extern const char ik_arc_as_name[];

/* One instance's fields, as found. */
typedef struct ik_arc_slot {
	const inkan_header *aar, *ams, *as;	/* borrowed from the msg */
	ik_dkim_sig seal;		/* the AS parsed (when as != NULL) */
	int seal_parsed;
	inkan_authres *claims;		/* the AAR parsed, or NULL */
} ik_arc_slot;

/* The chain of a message after the structural steps. */
typedef struct ik_arc_chain {
	int present;			/* some ARC field was seen */
	unsigned n;			/* N: the highest instance */
	inkan_arc_reason reason;	/* R_OK when steps 1-3 held */
	unsigned fail_instance;
	inkan_dkim_reason detail;
	ik_arc_slot slot[IK_ARC_MAX_INSTANCE];	/* [i - 1] */
} ik_arc_chain;

/*
 * RFC 8617 5.2 steps 1-3 over the header fields of @msg: group the
 * fields by instance, parse every ARC-Seal and AAR, check counts, gaps,
 * duplicates and cv= values. Problems go to chain->reason; a status is
 * returned only when the call failed (memory). @chain is zeroed first;
 * free what it holds with ik_arc_chain_clear().
 */
inkan_status ik_arc_chain_collect(inkan_ctx *ctx, const inkan_msg *msg,
	int64_t now, uint64_t skew, ik_arc_chain *chain);
void ik_arc_chain_clear(const inkan_ctx *ctx, ik_arc_chain *chain);

/* 1 when @h is an ARC field; *kind 0 AAR, 1 AMS, 2 AS */
int ik_arc_field_kind(const inkan_header *h, int *kind);

/*
 * The instance of an AMS or AS value (its i= tag, RFC 8617 4.2.1), or 0
 * when it has none that is valid.
 */
unsigned ik_arc_sig_instance(const char *value, size_t len);

/*
 * Feed ARC-Seal input for instance @upto (5.1.1: AAR, AMS, AS of each
 * instance 1..@upto in order, relaxed; the last AS with b= emptied and
 * no CRLF) to @d, taking instances below @from from @chain and instance
 * @upto from the raw fields @aar/@ams/@as when they are given (sealing)
 * or from @chain (verifying). @from is 1, or @upto for a cv=fail seal
 * (5.1.2).
 */
inkan_status ik_arc_seal_hash(const inkan_ctx *ctx, ik_digest *d,
	const ik_arc_chain *chain, unsigned from, unsigned upto,
	const char *aar, size_t aar_len, const char *ams, size_t ams_len,
	const char *as, size_t as_len, unsigned char *out);

#endif
