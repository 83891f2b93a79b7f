/* SPDX-License-Identifier: MIT */
/*
 * agg_internal.h - state of the aggregate report parser, shared by the
 * SAX glue (agg_parse.c) and the field model (agg_fields.c).
 */
#ifndef INKAN_REPORT_AGG_INTERNAL_H
#define INKAN_REPORT_AGG_INTERNAL_H

#include <inkan/report_intake.h>
#include "core/buf.h"

/* The element names the parser knows; everything else is E_OTHER and its
 * content is ignored (RFC 9990 <extension>, vendor additions). */
enum agg_elem {
	E_OTHER = 0, E_FEEDBACK, E_VERSION, E_REPORT_METADATA, E_ORG_NAME,
	E_EMAIL, E_EXTRA_CONTACT, E_REPORT_ID, E_DATE_RANGE, E_BEGIN, E_END,
	E_GENERATOR, E_ERROR, E_POLICY_PUBLISHED, E_DOMAIN, E_ADKIM, E_ASPF,
	E_P, E_SP, E_NP, E_PCT, E_FO, E_TESTING, E_DISCOVERY, E_RECORD, E_ROW,
	E_SOURCE_IP, E_COUNT, E_POLICY_EVALUATED, E_DISPOSITION, E_DKIM, E_SPF,
	E_REASON, E_TYPE, E_COMMENT, E_IDENTIFIERS, E_HEADER_FROM,
	E_ENVELOPE_FROM, E_ENVELOPE_TO, E_AUTH_RESULTS, E_SELECTOR, E_RESULT,
	E_SCOPE, E_HUMAN_RESULT
};

enum meta_field {
	M_ORG, M_EMAIL, M_EXTRA, M_ID, M_GENERATOR, M_VERSION, M_BEGIN, M_END,
	M_DOMAIN, M_ADKIM, M_ASPF, M_P, M_SP, M_NP, M_PCT, M_FO, M_TESTING,
	M_DISCOVERY, M__COUNT
};

enum rec_field {
	R_IP, R_COUNT, R_DISPOSITION, R_DKIM, R_SPF, R_REASON_TYPE,
	R_REASON_COMMENT, R_HEADER_FROM, R_ENV_FROM, R_ENV_TO, R__COUNT
};

enum auth_field { A_DOMAIN, A_SELECTOR, A_RESULT, A_SCOPE, A__COUNT };

#define AGG_MAX_DEPTH_HARD 64

struct agg_state {
	const inkan_ctx *ctx;
	const inkan_report_limits *lim;
	const inkan_agg_sink *sink;
	void *parser;			/* xmlParserCtxtPtr */
	char *err;
	size_t errlen;
	inkan_status status;		/* first failure; OK while going */
	int skipped;			/* sink said "already have it" */
	int done;			/* stop requested */
	unsigned depth;
	enum agg_elem path[AGG_MAX_DEPTH_HARD];
	ik_buf text;			/* text of the innermost element */
	ik_buf meta_f[M__COUNT];
	ik_buf rec_f[R__COUNT];
	ik_buf dkim_f[INKAN_AGG_MAX_AUTH][A__COUNT];
	ik_buf spf_f[INKAN_AGG_MAX_AUTH][A__COUNT];
	size_t ndkim, nspf;
	size_t nreasons;
	int rfc9990;
	int begun;			/* sink->begin was called */
	int seen_root;
	uint64_t nrecords;
	inkan_agg_meta meta;
};

/* agg_fields.c */
enum agg_elem ik_agg_elem(const char *local);
void ik_agg_state_init(struct agg_state *st);
void ik_agg_state_free(struct agg_state *st);
/* an element opened/closed at st->depth (path already pushed) */
void ik_agg_open(struct agg_state *st);
void ik_agg_close(struct agg_state *st);
/* the document ended well formed */
void ik_agg_finish(struct agg_state *st);
/* record a failure (first one wins) and stop the parser */
void ik_agg_fail(struct agg_state *st, inkan_status status, const char *fmt,
	...) __attribute__((format(printf, 3, 4)));
/* the current line, for messages */
long ik_agg_line(const struct agg_state *st);

#endif
