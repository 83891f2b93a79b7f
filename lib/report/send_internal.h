/* SPDX-License-Identifier: MIT */
/* send_internal.h - the pieces of `report send`: destinations, the mail,
 * the transports. */
#ifndef INKAN_REPORT_SEND_INTERNAL_H
#define INKAN_REPORT_SEND_INTERNAL_H

#include <inkan/keys.h>

#include "core/buf.h"
#include "report/report_internal.h"

/* One rua destination. */
typedef struct ik_report_dest {
	char addr[256];		/* local@host, percent-decoded */
	char host[256];		/* lower case */
	uint64_t size_limit;	/* RFC 7489 "!size" in bytes, 0: none */
} ik_report_dest;

/* mailto: URI -> destination. INKAN_ERR_UNSUPPORTED: another scheme;
 * INKAN_ERR_SYNTAX: not one plain address. */
inkan_status ik_report_dest_parse(const char *uri, ik_report_dest *d);

/* 1 when the deny list names the address, or its host or a parent */
int ik_report_denied(const inkan_report_settings *s,
	const ik_report_dest *d);

/* 1 when @host belongs to @policy_domain's organization (see dest.c) */
int ik_report_same_org(const inkan_dmarc_psl *psl, const char *policy_domain,
	const char *host);

typedef enum ik_report_auth {
	IK_REPORT_AUTH_OK,
	IK_REPORT_AUTH_NO,
	IK_REPORT_AUTH_TEMP,
	IK_REPORT_AUTH_REFUSED	/* internal: an override on another host */
} ik_report_auth;

/* RFC 9990 4: did @d's host agree to take reports for @policy_domain?
 * On OK, @d may have been replaced by the record's own rua (step 9) and
 * @why says so (else @why is empty). */
ik_report_auth ik_report_authorized(inkan_resolver *r,
	const char *policy_domain, ik_report_dest *d, char *why, size_t wl);
/* The same with the override read from @tagname ("rua", or "ruf" for
 * failure reports: RFC 9991 5 substitutes it for "rua") */
ik_report_auth ik_report_authorized_tag(inkan_resolver *r,
	const char *policy_domain, const char *tagname, ik_report_dest *d,
	char *why, size_t wl);

/* What goes into one report message. */
typedef struct ik_report_mail {
	const char *from;		/* From: and envelope sender */
	const char *to;
	const char *policy_domain;
	const char *receiver;		/* Submitter */
	const char *report_id;
	const char *filename;
	const unsigned char *gz;	/* the attachment, or NULL: a notice */
	size_t gzlen;
	const char *notice;		/* the text part */
	int64_t now;
} ik_report_mail;

/* Compose @m into @out (CRLF), DKIM-signed with @key for @domain/@selector
 * when @key is set. */
inkan_status ik_report_mail_compose(inkan_ctx *ctx, const ik_report_mail *m,
	const inkan_key *key, const char *domain, const char *selector,
	ik_buf *out);

/* @data (a whole message, CRLF) into @out, with a DKIM-Signature field
 * in front when @key is set */
inkan_status ik_report_mail_sign(inkan_ctx *ctx, const char *data,
	size_t len, const inkan_key *key, const char *domain,
	const char *selector, ik_buf *out);

/* Failure reports queued by inkan_report_failure_queue(): deliver the
 * pending ones (ruf_send.c), under the caller's send lock. */
inkan_status ik_report_send_failures(inkan_report_store *s,
	const inkan_report_settings *cfg, inkan_resolver *r,
	const inkan_dmarc_psl *psl, const inkan_key *key, const char *from,
	int64_t now, inkan_report_send_fn fn, void *ud,
	inkan_report_send_stats *stats);

/* Size of @n bytes once base64-encoded in 76-column lines */
uint64_t ik_report_b64_size(uint64_t n);

/* Hand @msg to the relay (HOST[:PORT]) or the sendmail binary.
 * INKAN_OK delivered; INKAN_ERR_IO / INKAN_ERR_TIMEOUT temporary;
 * INKAN_ERR_INVALID refused for good (5xx). @why gets the reason. */
inkan_status ik_report_transmit(const inkan_report_settings *s,
	const char *from, const char *to, const char *msg, size_t len,
	char *why, size_t wl);

#endif
