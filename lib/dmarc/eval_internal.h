/* SPDX-License-Identifier: MIT */
/* eval_internal.h - the evaluator's layout, shared by eval.c and
 * decide.c. */
#ifndef INKAN_DMARC_EVAL_INTERNAL_H
#define INKAN_DMARC_EVAL_INTERNAL_H

#include "dmarc/dmarc_internal.h"

#define IK_DMARC_REASON_MAX 400
/* hard ceiling on max_author_domains */
#define IK_DMARC_AUTHORS_MAX 32

/* An authenticated identity handed in by the caller. */
struct ik_dmarc_ident {
	char domain[IK_DMARC_NAME_MAX + 1];	/* normalised, or as given */
	int usable;		/* domain is a usable DNS name */
	char *selector;		/* owned or NULL */
	int result;		/* inkan_dmarc_spf/dkim_result */
	int partial;		/* DKIM l= short of the body */
	struct ik_dmarc_walk *walk;	/* owned; its org domain walk */
};

struct ik_dmarc_author {
	char domain[IK_DMARC_NAME_MAX + 1];
	struct ik_dmarc_walk walk;	/* never moves: results borrow it */
	size_t exist_idx;
	int exist_started;
	inkan_dmarc_result res;
	inkan_dmarc_identity *ids;	/* owned: [0] SPF, then DKIM */
	inkan_dmarc_step *trace;	/* owned */
	char reason[IK_DMARC_REASON_MAX];
};

struct inkan_dmarc_eval {
	inkan_ctx *ctx;			/* borrowed */
	inkan_dmarc_options opt;
	struct ik_dmarc_table table;
	int author_set;
	unsigned from_flags;
	/* a From problem decided without DNS (PERMERROR) */
	int from_error;
	char from_reason[IK_DMARC_REASON_MAX];
	struct ik_dmarc_author *authors;	/* owned array */
	size_t nauthors;
	int spf_set;
	struct ik_dmarc_ident spf;
	int spf_is_helo;
	struct ik_dmarc_ident *dkim;	/* owned array */
	size_t ndkim, capdkim;
	int started, evaluated;
	inkan_status eval_status;
	inkan_dmarc_result overall;	/* PERMERROR results live here */
	const inkan_dmarc_result *final;
};

/* Evaluate author @a (decide.c). DNS outcomes become verdicts; only
 * NOMEM and friends are returned. */
inkan_status ik_dmarc_eval_author(inkan_dmarc_eval *ev,
	struct ik_dmarc_author *a);

/* Start the organizational-domain walk of @id now if it may be needed
 * by some author (decide.c). */
inkan_status ik_dmarc_prestart_ident(inkan_dmarc_eval *ev,
	struct ik_dmarc_ident *id);

/* The random source used when the options give none. */
uint32_t ik_dmarc_system_random(void *ud);

#endif
