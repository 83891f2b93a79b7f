/* SPDX-License-Identifier: MIT */
/*
 * address_lex.h - tokens of RFC 5322 structured header values (internal).
 *
 * The lexer turns a header value into atoms, quoted strings, domain
 * literals and single-character specials, skipping CFWS (white space,
 * folding and nested comments) between them. Tokens point into the input;
 * nothing is allocated. Any byte that cannot start or continue a token is
 * an error, so the parser above never has to skip anything.
 */
#ifndef INKAN_MSG_ADDRESS_LEX_H
#define INKAN_MSG_ADDRESS_LEX_H

#include <stddef.h>

#include <inkan/status.h>

#include "core/buf.h"

enum ik_atok_type {
	IK_ATOK_END = 0,	/* end of input */
	IK_ATOK_ATOM,		/* 1*atext (RFC 5322 3.2.3, RFC 6532 3.2) */
	IK_ATOK_QSTRING,	/* quoted-string, span includes the quotes */
	IK_ATOK_DLIT,		/* domain-literal, span includes brackets */
	IK_ATOK_SPECIAL		/* one of < > @ , ; : . */
};

typedef struct ik_atoken {
	enum ik_atok_type type;
	char ch;		/* the character of a special */
	size_t start, end;	/* byte span in the input */
	int ws_before;		/* CFWS came between this and the previous */
} ik_atoken;

typedef struct ik_alex {
	const char *s;
	size_t len;
	size_t pos;		/* next byte not yet consumed */
	size_t max_depth;	/* comment nesting cap */
	int have_peek;
	ik_atoken peek;
	size_t peek_end;	/* pos after the peeked token */
} ik_alex;

void ik_alex_init(ik_alex *lx, const char *s, size_t len, size_t max_depth);

/* Look at the next token without taking it. INKAN_ERR_SYNTAX or
 * INKAN_ERR_LIMIT (comment depth) on bad input. */
inkan_status ik_alex_peek(ik_alex *lx, ik_atoken *t);

/* Take the next token. */
inkan_status ik_alex_next(ik_alex *lx, ik_atoken *t);

/* A position to come back to, and going back to it; the parser reads a
 * run of words twice at most, so lexing stays linear. */
size_t ik_alex_mark(const ik_alex *lx);
void ik_alex_rewind(ik_alex *lx, size_t mark);

/* 1 when @t is the special @c */
int ik_atok_is(const ik_atoken *t, char c);

/* Append the content of a quoted-string token: quotes dropped,
 * quoted-pairs resolved, folding CRLFs removed (RFC 5322 3.2.4). */
inkan_status ik_alex_unquote(const ik_alex *lx, const ik_atoken *t,
	ik_buf *out);

/* Length of the well-formed UTF-8 sequence (RFC 3629) at s[0..len), or 0
 * when it is malformed (overlong, surrogate, above U+10FFFF, cut). */
size_t ik_utf8_seq(const unsigned char *s, size_t len);

#endif
