/* SPDX-License-Identifier: MIT */
/*
 * session.h - one SMTP session and its current message, shared by the
 * libmilter callbacks (callbacks.c) and the two halves of the work:
 * signing (sign.c) and verifying (verify.c). A session belongs to the
 * libmilter thread that serves its connection.
 */
#ifndef INKAN_MILTER_SESSION_H
#define INKAN_MILTER_SESSION_H

#include <libmilter/mfapi.h>

#include <inkan/dkim.h>
#include <inkan/msg.h>
#include <inkan/verify.h>

#include "milter.h"
#include "policy.h"

/* Forged Authentication-Results fields removed per message, at most. */
#define MT_MAX_AR_DELETE 64

struct mt_message {
	struct mt_decision decision;
	char *mail_from;		/* envelope sender, no <> ("" null) */
	char rcpt[256];			/* first recipient, for the log */
	inkan_status error;		/* first failure while feeding */
	/* verify mode */
	inkan_verify *v;
	unsigned ar_seen;		/* Authentication-Results fields */
	int ar_delete[MT_MAX_AR_DELETE];	/* their 1-based indices */
	unsigned nar_delete;
	int ar_overflow;
	/* sign mode */
	inkan_msg *msg;
	inkan_dkim_sign *signer;
	char from_domain[256];
	const struct mt_key_domain *keys;
	char sign_note[320];		/* why not signed, for the log */
};

struct mt_session {
	struct mt_daemon *d;
	struct mt_state *st;		/* referenced for the session */
	char ip[64];			/* "" when not an IP client */
	char host[256];
	char helo[256];
	char daemon_name[64];
	int leadspc;			/* SMFIP_HDR_LEADSPC negotiated */
	int in_message;
	struct mt_message m;
};

/* Add a header at the top (index 0); @value may hold CRLF or LF line
 * breaks and may start with a space. 0 on success. */
int mt_session_insert_header(SMFICTX *ctx, struct mt_session *s,
	const char *name, const char *value);

/* 1 when @st says the message is over a bound of the parser (header
 * count, line length, header section size): permanent, refuse it. Every
 * other failure is ours, and temporary. */
int mt_status_is_message_bound(inkan_status st);

/* SMTP reply text: no CR/LF, no '%' (libmilter formats it). */
void mt_reply_clean(char *text);

/* sign.c */
int mt_sign_start(struct mt_session *s);
int mt_sign_header(struct mt_session *s, const char *name, const char *v);
int mt_sign_eoh(struct mt_session *s);
int mt_sign_body(struct mt_session *s, const unsigned char *b, size_t n);
sfsistat mt_sign_eom(SMFICTX *ctx, struct mt_session *s, char *log,
	size_t loglen);

/* verify.c */
int mt_verify_start(struct mt_session *s);
int mt_verify_header(struct mt_session *s, const char *name,
	const char *v);
int mt_verify_eoh(struct mt_session *s);
int mt_verify_body(struct mt_session *s, const unsigned char *b, size_t n);
sfsistat mt_verify_eom(SMFICTX *ctx, struct mt_session *s, char *log,
	size_t loglen);

#endif
