/* SPDX-License-Identifier: MIT */
/*
 * dmarc_internal.h - what the DMARC module's files share: the record's
 * private layout, the per-evaluation table of _dmarc lookups, discovery
 * (tree walk and PSL) and domain-name helpers.
 */
#ifndef INKAN_DMARC_INTERNAL_H
#define INKAN_DMARC_INTERNAL_H

#include <stddef.h>

#include <inkan/dmarc.h>
#include <inkan/dns.h>

#include "core/buf.h"

/* longest record text accepted (a TXT RR of 16 strings) */
#define IK_DMARC_RECORD_MAX 4096
/* rua/ruf URIs kept per tag; more are dropped with a warning */
#define IK_DMARC_URIS_MAX 16
/* warnings kept per record */
#define IK_DMARC_WARNINGS_MAX 24
/* RFC 1035 2.3.4, presentation form without the trailing dot */
#define IK_DMARC_NAME_MAX 253
/* a DNS name has at most 127 labels */
#define IK_DMARC_LABELS_MAX 128

/* ---- records (record.c, record_tags.c) ---------------------------- */

struct ik_dmarc_rec {
	inkan_dmarc_record pub;		/* first: the public view */
	const inkan_ctx *ctx;		/* borrowed */
	inkan_dmarc_uri *rua, *ruf;	/* owned arrays */
	inkan_dmarc_warning *warn;	/* owned array */
	size_t nwarn;
	/* every string the record hands out, freed with it */
	char **strs;
	size_t nstrs, capstrs;
	int dropped_warnings;
};

/* 1 when @text starts with a DMARC version tag (RFC 9989 4.7 "v"). Sets
 * *rest to the offset after "v=DMARC1" and its separator. */
int ik_dmarc_is_record(const char *text, size_t len, size_t *rest);

/* Keep a copy of @s[0..len) in @r; NULL on out of memory. */
char *ik_dmarc_rec_str(struct ik_dmarc_rec *r, const char *s, size_t len);

/* Add a warning (text printf-formatted); silently dropped past the cap.
 * Returns INKAN_ERR_NOMEM only. */
inkan_status ik_dmarc_rec_warn(struct ik_dmarc_rec *r,
	inkan_dmarc_warning_code code, const char *tag, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Parse a rua/ruf value into @r (record_uri.c). */
inkan_status ik_dmarc_parse_urilist(struct ik_dmarc_rec *r, const char *tag,
	const char *v, size_t len, inkan_dmarc_uri **out, size_t *n);

/* ---- domain names (name.c) ------------------------------------------- */

/*
 * Normalise a domain to lower-case A-labels without a trailing dot into
 * @out (IK_DMARC_NAME_MAX + 1 bytes). INKAN_ERR_SYNTAX when it is not a
 * usable DNS name.
 */
inkan_status ik_dmarc_norm_domain(const inkan_ctx *ctx, const char *in,
	char *out);

/* Number of labels of a normalised name. */
size_t ik_dmarc_label_count(const char *name);

/* The suffix of @name with its @keep last labels (a pointer into it). */
const char *ik_dmarc_last_labels(const char *name, size_t keep);

/* 1 when @sub equals @parent or ends in "." @parent (both normalised). */
int ik_dmarc_is_under(const char *sub, const char *parent);

/* ---- the lookup table (lookup.c) ------------------------------------- */

/* One "_dmarc.<domain>" TXT question, shared by every walk of an
 * evaluation so each name is asked once. */
struct ik_dmarc_lookup {
	char *domain;			/* owned, normalised */
	inkan_dns_query *q;		/* owned until freed */
	int done;
	inkan_dmarc_step_outcome outcome;
	struct ik_dmarc_rec *rec;	/* owned, for STEP_RECORD */
};

/* Existence question for a name (RFC 8020), also shared. */
struct ik_dmarc_exist {
	char *domain;
	inkan_dns_query *q;
	int done;
	int exists;			/* 1, 0 (NXDOMAIN), -1 (tempfail) */
};

struct ik_dmarc_table {
	inkan_ctx *ctx;			/* borrowed */
	inkan_resolver *resolver;	/* borrowed */
	inkan_dmarc_spec spec;
	struct ik_dmarc_lookup *l;
	size_t n, cap, max;
	struct ik_dmarc_exist *e;
	size_t ne, cape;
};

void ik_dmarc_table_init(struct ik_dmarc_table *t, inkan_ctx *ctx,
	inkan_dmarc_spec spec);
void ik_dmarc_table_free(struct ik_dmarc_table *t);
/* Start the question for _dmarc.@domain if not asked yet; *idx gets its
 * slot. A start failure is recorded as TEMPFAIL, not returned. */
inkan_status ik_dmarc_table_start(struct ik_dmarc_table *t,
	const char *domain, size_t *idx);
/* Wait for slot @idx and classify its answer. */
inkan_status ik_dmarc_table_wait(struct ik_dmarc_table *t, size_t idx);
/* Start / wait for the existence question of @domain. */
inkan_status ik_dmarc_exist_start(struct ik_dmarc_table *t,
	const char *domain, size_t *idx);
inkan_status ik_dmarc_exist_wait(struct ik_dmarc_table *t, size_t idx,
	int *exists);

/* ---- discovery (walk.c, psl.c) --------------------------------------- */

#define IK_DMARC_WALK_MAX 16

/* One walk: the names the RFC would ask, in order, and what was found. */
struct ik_dmarc_walk {
	char start[IK_DMARC_NAME_MAX + 1];
	size_t idx[IK_DMARC_WALK_MAX];	/* slots in the table */
	size_t nnames;
	/* the first name is assumed to have no record (not asked) */
	int skip_first;
	/* names read so far, in order (the trace) */
	size_t nread;
	int tempfail;			/* a needed answer failed */
	/* the decision, once made */
	int decided;
	const char *org;		/* borrowed from the table, or start */
	struct ik_dmarc_rec *policy_rec;	/* NULL: none applies */
	const char *policy_domain;
};

/* Build the names of @w for @start (normalised) and start their
 * questions (tree walk or PSL, per @method). */
inkan_status ik_dmarc_walk_begin(struct ik_dmarc_table *t,
	struct ik_dmarc_walk *w, const char *start, int skip_first,
	inkan_dmarc_discovery method, const inkan_dmarc_psl *psl);

/* Read the answers in order and decide the organizational domain and
 * the policy record (RFC 9989 4.10.1 / 4.10.2, or RFC 7489 6.6.3). Sets
 * w->tempfail when a needed answer failed (then org/policy are unset). */
inkan_status ik_dmarc_walk_decide(struct ik_dmarc_table *t,
	struct ik_dmarc_walk *w, inkan_dmarc_discovery method);

/* Only the policy record (RFC 9989 4.10.1 first query shortcut): 1 when
 * the first name has a record, reading just that answer. */
inkan_status ik_dmarc_walk_first(struct ik_dmarc_table *t,
	struct ik_dmarc_walk *w, int *has_record);

/* The trace of @w as public steps; array owned by the caller (ik_free),
 * strings borrowed from the table. */
inkan_status ik_dmarc_walk_trace(const struct ik_dmarc_table *t,
	const struct ik_dmarc_walk *w, inkan_dmarc_step **out, size_t *n);

/* PSL registrable domain of @name into @out (IK_DMARC_NAME_MAX + 1), or
 * the name itself when it has none. */
void ik_dmarc_psl_org(const inkan_dmarc_psl *psl, const char *name,
	char *out);

#endif
