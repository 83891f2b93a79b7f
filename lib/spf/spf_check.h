/* SPDX-License-Identifier: MIT */
/*
 * spf_check.h - the state of one SPF check, shared by the files of
 * lib/spf: evaluation (spf_eval.c), lookups and prefetching (spf_dns.c),
 * validated PTR names and explanations (spf_ptr.c, spf_exp.c) and the
 * verdict (spf_verdict.c).
 *
 * One check runs in one thread; nothing here is shared between checks.
 */
#ifndef INKAN_SPF_CHECK_H
#define INKAN_SPF_CHECK_H

#include <time.h>

#include <inkan/dns.h>
#include <inkan/spf.h>

#include "core/buf.h"
#include "spf_ip.h"
#include "spf_macro.h"
#include "spf_record.h"

/* the time budget's clock: a coarse one costs a few ns and its few ms of
 * resolution do not matter against a budget of seconds */
#ifdef CLOCK_MONOTONIC_COARSE
#define IK_SPF_CLOCK CLOCK_MONOTONIC_COARSE
#else
#define IK_SPF_CLOCK CLOCK_MONOTONIC
#endif

/* include/redirect nesting is bounded by the term limit; this is the hard
 * ceiling whatever the limit is set to */
#define IK_SPF_MAX_DEPTH 64
/* questions one check may keep (prefetched or asked) */
#define IK_SPF_MAX_QUERIES 4096
/* nesting levels with a target buffer kept for the whole check */
#define IK_SPF_TBUFS 12
/* trace entries kept */
#define IK_SPF_MAX_TRACE 2048
/* longest explanation kept (RFC 7208 6.2 lets us limit it) */
#define IK_SPF_EXP_MAX 1024

/* ---- verdict under construction (spf_verdict.c) ---- */

struct ik_spf_block;

typedef struct ik_spf_box {
	inkan_spf_verdict pub;		/* must stay first */
	const inkan_ctx *ctx;
	struct ik_spf_block *blocks;	/* arena for every string */
	struct ik_spf_block *inline_block;	/* the one allocated with it */
	inkan_spf_trace *trace;
	size_t trace_cap;
} ik_spf_box;

ik_spf_box *ik_spf_box_new(const inkan_ctx *ctx);
void ik_spf_box_free(ik_spf_box *box);
/* copy [s, s+len) into the arena, bytes outside printable ASCII written
 * as \xHH; NULL on NOMEM */
const char *ik_spf_box_str(ik_spf_box *box, const char *s, size_t len);
/* offset in the sanitised copy of byte @pos of [s, s+len) */
size_t ik_spf_sanitised_pos(const char *s, size_t len, size_t pos);

/* ---- one question (spf_dns.c) ---- */

/* longest name kept in a question: 253 bytes, each maybe "\\"-escaped */
#define IK_SPF_QNAME_MAX 512

typedef struct ik_spf_q {
	char name[IK_SPF_QNAME_MAX];	/* DNS API form (escaped) */
	size_t len;
	uint16_t type;
	inkan_dns_query *q;
	const inkan_dns_answer *ans;	/* set once waited for */
} ik_spf_q;

/*
 * Scratch memory of one check: questions, parsed terms, names. Bumped,
 * never freed piecemeal; the first block lives inside the check (on the
 * caller's stack), more come from the heap, all go at the end.
 */
#define IK_SPF_SCRATCH_FIRST 6144
struct ik_spf_block;

typedef struct ik_spf_scratch {
	const inkan_ctx *ctx;
	char *cur;
	size_t left;
	struct ik_spf_block *heap;
	_Alignas(16) char first[IK_SPF_SCRATCH_FIRST];
} ik_spf_scratch;

void ik_spf_scratch_init(ik_spf_scratch *s, const inkan_ctx *ctx);
/* zeroed, 16-byte aligned; NULL on NOMEM */
void *ik_spf_scratch_alloc(void *scratch, size_t n);
/* the same, not zeroed */
void *ik_spf_scratch_raw(ik_spf_scratch *s, size_t n);
void ik_spf_scratch_free(ik_spf_scratch *s);

typedef struct ik_spf_check {
	const inkan_ctx *ctx;
	inkan_resolver *res;
	ik_spf_box *box;
	inkan_status fatal;		/* NOMEM and the like: stop at once */

	/* check_host() arguments that stay fixed (RFC 7208 4.1) */
	ik_spf_ip ip;
	char ipstr[46];
	char *sender;			/* owned */
	size_t local_len;
	const char *helo;		/* "" when none */
	const char *receiver;
	const char *default_exp;
	int64_t now;

	inkan_spf_cache *cache;		/* parsed records, or NULL */
	int sequential;			/* no prefetching */
	int trace;			/* fill the verdict's trace */
	int in_exp;			/* explanation phase: nothing counted */
	unsigned nest;			/* records being evaluated (stack) */
	unsigned dns_terms;
	unsigned void_lookups;
	size_t max_terms, max_void, max_mx, max_ptr;
	struct timespec deadline;	/* CLOCK_MONOTONIC */

	ik_spf_q **qs;			/* asked or prefetched questions */
	size_t nq, qcap;

	/* %{p}: validated names of <ip>, found once (spf_ptr.c) */
	int p_done;			/* 0 not yet, 1 found, -1 DNS error */
	char **p_names;
	size_t np;
	const char *p_domain;		/* <domain> for the current expansion */

	/* how the check ended (first writer of an error wins) */
	inkan_spf_reason reason;
	int have_reason;

	ik_buf tbuf[IK_SPF_TBUFS];	/* target names, one per level */

	ik_spf_scratch scratch;		/* last: not zeroed at the start */
} ik_spf_check;

/* what a lookup gave, for SPF's purposes */
enum ik_spf_look {
	IK_LOOK_DATA,		/* records of the type asked */
	IK_LOOK_VOID,		/* NXDOMAIN, NODATA, or a name no DNS query can
				 * be made for (RFC 7208 4.8: non-existent) */
	IK_LOOK_NXDOMAIN,	/* as VOID, but the name does not exist */
	IK_LOOK_FAIL,		/* SERVFAIL, timeout, ...: temperror */
	IK_LOOK_TIME,		/* the check's time budget ran out */
	IK_LOOK_FATAL		/* c->fatal is set */
};

/* 1 when @name (no trailing dot) can be asked: labels 1..63, <= 253 */
int ik_spf_name_ok(const char *name, size_t len);
/*
 * Start @name/@type unless already asked. @escaped: the name is already
 * in the DNS API's presentation form (it came from an answer). Errors
 * are remembered and come back from ik_spf_lookup(); prefetching never
 * fails the check.
 */
void ik_spf_prefetch(ik_spf_check *c, const char *name, uint16_t type,
	int escaped);
/* ask (or find the prefetched question) and wait; *ans on DATA */
enum ik_spf_look ik_spf_lookup(ik_spf_check *c, const char *name,
	uint16_t type, int escaped, const inkan_dns_answer **ans);
void ik_spf_queries_free(ik_spf_check *c);

/* ---- validated names and %{p} (spf_ptr.c) ---- */

/*
 * RFC 7208 5.5: the validated names of <ip> (raw bytes, lower case not
 * forced). *names is owned by the caller (ik_spf_names_free). Returns
 * DATA (maybe with no names), FAIL when the PTR lookup failed, or
 * TIME/FATAL; a void PTR answer or address answer is counted unless
 * in_exp, and past the void limit returns VOID with the limit set.
 */
enum ik_spf_look ik_spf_validated_names(ik_spf_check *c, char ***names,
	size_t *n, int *void_limit);
void ik_spf_names_free(ik_spf_check *c, char **names, size_t n);
/* 1 when @name equals @domain or ends in "." @domain (ASCII case) */
int ik_spf_name_within(const char *name, const char *domain);
/* the get_p callback of ik_spf_macro_env; @ud is the check */
inkan_status ik_spf_get_p(void *ud, const char **out);

/* ---- errors and the trace (spf_verdict.c) ---- */

/* record why the check ends; the first call wins unless @force */
void ik_spf_set_reason(ik_spf_check *c, inkan_spf_reason reason,
	const char *domain, const char *problem, int force);
void ik_spf_set_limit(ik_spf_check *c, inkan_limit which,
	const char *problem);
void ik_spf_set_dns_error(ik_spf_check *c, const char *name, uint16_t type);
void ik_spf_set_syntax(ik_spf_check *c, const char *domain,
	const ik_spf_record *rec);
void ik_spf_trace(ik_spf_check *c, inkan_spf_step step, unsigned depth,
	const char *domain, const char *term, size_t term_len,
	const char *target, const char *note);

/* ---- explanation (spf_exp.c) ---- */

/* RFC 7208 6.2: the explanation for a fail matched in @rec of @domain */
void ik_spf_explain(ik_spf_check *c, const ik_spf_record *rec,
	const char *domain, unsigned depth);

/* the macro environment for <domain> @domain */
void ik_spf_env(ik_spf_check *c, const char *domain, ik_spf_macro_env *env);

/* spf_lint.c: the fix for lint code @code, static; NULL for an unknown
 * code */
const char *ik_spf_lint_fix(const char *code);

#endif
