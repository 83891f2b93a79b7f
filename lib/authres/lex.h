/* SPDX-License-Identifier: MIT */
/*
 * lex.h - lexical pieces of RFC 8601 2.2 shared by the parser, the builder
 * (to decide what needs quoting) and the authserv-id test.
 *
 * Every function moves a cursor forward over a byte range; none looks
 * back, so a whole parse is linear in the input. Nothing here allocates
 * except through an ik_buf the caller passes in.
 */
#ifndef INKAN_AUTHRES_LEX_H
#define INKAN_AUTHRES_LEX_H

#include <stddef.h>
#include <stdint.h>

#include <inkan/status.h>

#include "core/buf.h"

typedef struct ik_ar_cur {
	const char *s;		/* borrowed input */
	size_t len;
	size_t pos;
	size_t max_depth;	/* comment nesting cap; SIZE_MAX for none */
} ik_ar_cur;

/*
 * Where the text of comments goes (RFC 8601 puts human-readable detail
 * there). Runs of white space become one space, and separate comments are
 * joined by one space, so the text does not depend on folding.
 */
typedef struct ik_ar_sink {
	ik_buf *buf;
	size_t start;		/* buf->len when capture began */
	int pending_space;
} ik_ar_sink;

void ik_ar_cur_init(ik_ar_cur *c, const char *s, size_t len,
	size_t max_depth);

static inline int
ik_ar_end(const ik_ar_cur *c)
{
	return c->pos >= c->len;
}

/* the byte at the cursor, or -1 at the end */
static inline int
ik_ar_peek(const ik_ar_cur *c)
{
	return c->pos < c->len ? (unsigned char)c->s[c->pos] : -1;
}

/* RFC 2045 5.1 token characters, plus bytes >= 0x80 (RFC 6532) */
int ik_ar_is_token_char(int c);
/* DIGIT, for the versions */
int ik_ar_is_digit_char(int c);
/* RFC 5321 4.1.2 Keyword (Ldh-str) characters: letters, digits, "-" */
int ik_ar_is_keyword_char(int c);
/* lenient pvalue characters: VCHAR other than ( ) ; " and backslash,
 * and bytes >= 0x80 */
int ik_ar_is_pvalue_char(int c);

/* length of the run of characters of class @cls starting at the cursor */
size_t ik_ar_span(const ik_ar_cur *c, int (*cls)(int));

/* 1 when @s[0..n) is a Keyword: 1 or more Ldh characters, last not "-" */
int ik_ar_is_keyword(const char *s, size_t n);

/*
 * Skip CFWS (RFC 5322 3.2.2): WSP, folding (CRLF or bare LF followed by
 * WSP), comments nested up to max_depth, and one final CRLF or LF at the
 * very end of the input. *seen (may be NULL) is set to 1 when anything was
 * skipped. @sink (may be NULL) receives the text of the comments.
 * INKAN_ERR_SYNTAX for an unterminated comment, a control character in a
 * comment or a line break that is not folding; INKAN_ERR_LIMIT past
 * max_depth; what the sink's buffer returns.
 */
inkan_status ik_ar_cfws(ik_ar_cur *c, ik_ar_sink *sink, int *seen);

/*
 * Read a quoted-string (RFC 5322 3.2.4 with RFC 6532 UTF-8); the cursor is
 * on the opening quote. @out (may be NULL) gets the content, quoted-pairs
 * resolved and the CRLF of folding removed. INKAN_ERR_SYNTAX when it is
 * unterminated or holds a control character other than HTAB.
 */
inkan_status ik_ar_quoted(ik_ar_cur *c, ik_buf *out);

/*
 * Read RFC 8617 3.9 "instance" and the ";" after it:
 * [CFWS] "i" [CFWS] "=" [CFWS] 1*2DIGIT [CFWS] ";", value 1 to 50.
 */
inkan_status ik_ar_instance(ik_ar_cur *c, unsigned *instance);

#endif
