/* SPDX-License-Identifier: MIT */
/*
 * verify_internal.h - the per-message verifier (inkan/verify.h) inside:
 * its state, the SPF job (spf_job.c), the outcome and notes (outcome.c,
 * explain_*.c) and the Authentication-Results field (authres.c).
 */
#ifndef INKAN_VERIFY_INTERNAL_H
#define INKAN_VERIFY_INTERNAL_H

#include <pthread.h>

#include <inkan/address.h>
#include <inkan/dns.h>
#include <inkan/verify.h>

/* SPF, run on a worker thread from the envelope on (or inline at eom) */
struct ik_verify_spf {
	inkan_spf_request req;		/* strings point into the copies */
	char *client_ip, *helo, *mail_from;
	const char *domain;		/* the SPF domain (into mail_from or
					 * helo), NULL when not known */
	inkan_verify_spf_status status;
	int started;			/* thread created */
	int done;			/* verdict or status final */
	pthread_t thread;
	inkan_status st;		/* of inkan_spf_check() */
	inkan_spf_verdict *verdict;
	inkan_dns_query *pre;		/* INLINE: the TXT question started
					 * early, for a cache to join */
};

/* DMARC questions for SPF alignment started early (prefetch.c) */
#define IK_VERIFY_PREFETCH_MAX 4
#define IK_VERIFY_NAME_MAX 253

struct inkan_verify {
	inkan_ctx *ctx;
	inkan_verify_options opt;
	inkan_dkim *dkim;		/* borrowed or owned_dkim */
	inkan_dkim *owned_dkim;
	inkan_msg *msg;
	inkan_dkim_verify *dv;
	inkan_dmarc_eval *dmarc;
	inkan_authors *authors;
	struct ik_verify_spf spf;
	inkan_dns_query *prefetch[IK_VERIFY_PREFETCH_MAX];
	size_t nprefetch;
	int envelope_set;
	int eoh_done;
	int finished;
	inkan_status error;		/* sticky */
	/* the header section broke a cap of inkan/msg.h: the rest of the
	 * message is dropped, the verdict is permerror (header_limit.c) */
	inkan_status over_limit;
	/* DMARC when the From fields could not even be read (limit) */
	inkan_dmarc_result dmarc_fallback;
	inkan_dkim_result *dkim_res;
	inkan_verify_note *notes;
	size_t nnotes;
	char **strings;			/* made for the notes, owned */
	size_t nstrings, capstrings;
	char *authres;
	inkan_verify_result res;
};

/* spf_job.c */
inkan_status ik_verify_spf_setup(inkan_verify *v,
	const inkan_verify_envelope *env);
void ik_verify_spf_start(inkan_verify *v);
inkan_status ik_verify_spf_finish(inkan_verify *v);
void ik_verify_spf_clear(inkan_verify *v);

/* prefetch.c */
void ik_verify_prefetch_alignment(inkan_verify *v);
void ik_verify_prefetch_clear(inkan_verify *v);

/* outcome.c */
inkan_verify_outcome ik_verify_outcome(const inkan_verify_result *r);

/* notes.c: a formatted string owned by @v (NULL when out of memory;
 * callers treat that as INKAN_ERR_NOMEM) */
const char *ik_verify_strf(inkan_verify *v, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
inkan_verify_note *ik_verify_note_add(inkan_verify *v, const char *method,
	const char *result, int problem);
inkan_status ik_verify_notes(inkan_verify *v);

/* explain_spf.c, explain_dkim.c, explain_dmarc.c */
inkan_status ik_verify_explain_spf(inkan_verify *v);
inkan_status ik_verify_explain_dkim(inkan_verify *v);
inkan_status ik_verify_explain_dmarc(inkan_verify *v);

/* verify.c: hand SPF's result to the result and to DMARC */
inkan_status ik_verify_add_spf_result(inkan_verify *v);

/* header_limit.c */
int ik_verify_is_header_limit(inkan_status st);
inkan_status ik_verify_finish_over_limit(inkan_verify *v);

/* authres.c */
inkan_status ik_verify_build_authres(inkan_verify *v);

#endif
