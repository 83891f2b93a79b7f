/* SPDX-License-Identifier: MIT */
/*
 * inkan/authres.h - Authentication-Results (RFC 8601) and
 * ARC-Authentication-Results (RFC 8617 4.1.1): builder, parser, and the
 * authserv-id test used to delete forged fields (RFC 8601 5).
 *
 * Builder: collects an authserv-id and resinfos ("method=result" with a
 * comment, a reason and properties) and writes the field folded with CRLF
 * so that no line passes 78 characters where a fold point exists. Output
 * is capped at INKAN_AUTHRES_MAX_OUTPUT bytes (INKAN_ERR_LIMIT past it).
 *
 * Parser: reads the value of the field (everything after the colon) as
 * RFC 8601 2.2 defines it, with CFWS (nested comments, folding) wherever
 * that grammar allows it. It is strict about structure: anything that does
 * not fit is INKAN_ERR_SYNTAX, and a failed parse never hands out a
 * partial result. It is bounded: at most INKAN_LIMIT_AUTHRES_RESINFOS
 * resinfos, INKAN_LIMIT_COMMENT_DEPTH nested comments (INKAN_ERR_LIMIT
 * past either), input no longer than INKAN_LIMIT_HEADER_BYTES; time and
 * memory are linear in the input.
 *
 * Where the parser is more lenient than the grammar (real mail needs it):
 *  - a property value ("pvalue") may be any run of printable characters
 *    other than ( ) ; " \ : Gmail writes header.b=AbC+/dE= and many MTAs
 *    write policy.iprev=2001:db8::1 unquoted;
 *  - "reason=" may come after properties as well as before them (once);
 *  - one ";" after the last resinfo is accepted;
 *  - bytes >= 0x80 are accepted in tokens, quoted strings and comments
 *    (RFC 6532 UTF-8; the parser does not check the encoding);
 *  - folding may use bare LF as well as CRLF (milter values use LF).
 * Not accepted: a field without an authserv-id (Microsoft's
 * "Authentication-Results: spf=pass ..."), and "key=value" items that are
 * neither a reason nor a "ptype.property=value" ("action=none").
 *
 * Names of methods, results, ptypes and properties are kept as written
 * (case included); compare them ASCII case-insensitively. Unknown methods
 * and results are kept, and so is an authres-version other than 1: callers
 * decide what to trust (RFC 8601 2.6: check inkan_authres_version()).
 *
 * Threading: a builder belongs to one thread at a time; a parsed result is
 * read-only and may be shared.
 */
#ifndef INKAN_AUTHRES_H
#define INKAN_AUTHRES_H

#include <stddef.h>

#include <inkan/ctx.h>

#ifdef __cplusplus
extern "C" {
#endif

/* most bytes one built field may have, field name and CRLFs included */
#define INKAN_AUTHRES_MAX_OUTPUT (64 * 1024)

/* ---------------------------------------------------------------- */
/* Builder                                                          */
/* ---------------------------------------------------------------- */

typedef struct inkan_authres_builder inkan_authres_builder;

/* Layout flags for inkan_authres_builder_set_style(). */
/* line breaks are a bare LF: what libmilter's smfi_addheader() wants (the
 * MTA adds the CR) */
#define INKAN_AUTHRES_STYLE_LF 0x1u
/* one resinfo per line and no folding inside a resinfo (Gmail's layout);
 * lines may then pass 78 characters */
#define INKAN_AUTHRES_STYLE_NO_WRAP 0x2u

/*
 * Start a field for @authserv_id (RFC 8601 2.5; copied). It must be
 * non-empty and free of control characters other than HTAB; it is
 * written as a token when it is one, else as a quoted-string. *out is
 * owned by the caller: free it with inkan_authres_builder_free(). @ctx is
 * borrowed and must outlive the builder.
 */
INKAN_API inkan_status inkan_authres_builder_new(inkan_ctx *ctx,
	const char *authserv_id, inkan_authres_builder **out);

/* Free @b and everything it holds. NULL is a no-op. */
INKAN_API void inkan_authres_builder_free(inkan_authres_builder *b);

/*
 * Write an authres-version after the authserv-id (RFC 8601 2.2, 2.6):
 * @version is 1 or more digits (copied), NULL removes it. Version "1" is
 * what this specification is; leaving it out means the same.
 */
INKAN_API inkan_status inkan_authres_builder_set_version(
	inkan_authres_builder *b, const char *version);

/*
 * Make the field an ARC-Authentication-Results with instance @instance
 * (1 to 50, RFC 8617 4.2.1): the field name changes and "i=N; " comes
 * before the authserv-id. 0 turns it back into Authentication-Results.
 */
INKAN_API inkan_status inkan_authres_builder_set_instance(
	inkan_authres_builder *b, unsigned instance);

/* Layout: 0 (default: CRLF, folded at 78) or INKAN_AUTHRES_STYLE_* bits. */
INKAN_API inkan_status inkan_authres_builder_set_style(
	inkan_authres_builder *b, unsigned flags);

/*
 * Start a new resinfo "method[/version]=result" (RFC 8601 2.2). @method and
 * @result are Keywords (letters, digits, "-", not ending in "-");
 * @method_version is NULL or 1 or more digits. Strings are copied. The
 * calls below attach to the resinfo added last. With no resinfo at all
 * the field says "authserv-id; none".
 */
INKAN_API inkan_status inkan_authres_builder_add(inkan_authres_builder *b,
	const char *method, const char *method_version, const char *result);

/*
 * Set the reason (RFC 8601 2.2 reasonspec) of the current resinfo;
 * written as a token when it is one, else as a quoted-string. A second
 * call replaces the first. Control characters other than HTAB are
 * INKAN_ERR_INVALID.
 */
INKAN_API inkan_status inkan_authres_builder_reason(inkan_authres_builder *b,
	const char *reason);

/*
 * Add a comment, written "(...)" right after the result; parentheses and
 * backslashes are escaped, runs of white space become one space. Several
 * calls give several comments. Control characters other than HTAB are
 * INKAN_ERR_INVALID.
 */
INKAN_API inkan_status inkan_authres_builder_comment(
	inkan_authres_builder *b, const char *comment);

/*
 * Add a property "ptype.property=value" to the current resinfo. @ptype is
 * one of the registered property types: smtp, header, body, policy
 * (RFC 8601 2.3) or dns (RFC 8904); @property is a Keyword. @value is
 * written as it is when it is a MIME token or an addr-spec
 * ("[local-part]@domain", RFC 8601 2.2 pvalue), else as a quoted-string.
 * Control characters other than HTAB in @value are INKAN_ERR_INVALID.
 */
INKAN_API inkan_status inkan_authres_builder_prop(inkan_authres_builder *b,
	const char *ptype, const char *property, const char *value);

/*
 * The whole field: "Authentication-Results: ..." (or
 * "ARC-Authentication-Results: ...") folded as the style says, without a
 * final line break. On INKAN_OK *text (NUL-terminated) is owned by the
 * caller: free it with inkan_free(ctx, *text); *len (may be NULL) gets its
 * length. INKAN_ERR_LIMIT past INKAN_AUTHRES_MAX_OUTPUT bytes. The builder
 * is not changed and may be built again.
 */
INKAN_API inkan_status inkan_authres_build(const inkan_authres_builder *b,
	char **text, size_t *len);

/*
 * The field value alone, for a milter that adds the header as name and
 * value: what follows "Name: " in inkan_authres_build(), folded the same
 * way (the first line leaves room for the name). Ownership as above.
 */
INKAN_API inkan_status inkan_authres_build_value(
	const inkan_authres_builder *b, char **text, size_t *len);

/* ---------------------------------------------------------------- */
/* Parser                                                           */
/* ---------------------------------------------------------------- */

/* One "ptype.property=value"; strings borrowed from the parsed result. */
typedef struct inkan_authres_prop {
	const char *ptype;
	const char *property;
	/* quotes removed and quoted-pairs resolved for a quoted-string; an
	 * addr-spec with a quoted local-part keeps that quoted-string as
	 * written ("\"a b\"@example.com") so that it stays an address */
	const char *value;
} inkan_authres_prop;

/*
 * One resinfo. Strings are NUL-terminated, borrowed from the parsed result
 * and valid until inkan_authres_free(). Fields may be appended in later
 * versions; the library allocates these, never the caller.
 */
typedef struct inkan_authres_resinfo {
	const char *method;
	/* digits as written, or NULL when absent (RFC 8601 2.6: absent
	 * means "1") */
	const char *method_version;
	const char *result;
	/* quotes removed; NULL when there is no reason */
	const char *reason;
	/* the comments right after the result, without their outer
	 * parentheses, quoted-pairs resolved, runs of white space turned
	 * into one space, several comments joined by one space; NULL when
	 * there is none. Comments elsewhere are skipped. */
	const char *comment;
	const inkan_authres_prop *props;
	size_t nprops;
} inkan_authres_resinfo;

typedef struct inkan_authres inkan_authres;

/*
 * Parse the value of an Authentication-Results field (the bytes after the
 * colon; one final CRLF is allowed). On INKAN_OK *out is owned by the
 * caller: free it with inkan_authres_free(); @ctx is borrowed and must
 * outlive it. On error *out is NULL: INKAN_ERR_SYNTAX, INKAN_ERR_LIMIT
 * (see above), INKAN_ERR_NOMEM, INKAN_ERR_INVALID (NULL argument).
 */
INKAN_API INKAN_MUST_CHECK inkan_status inkan_authres_parse(inkan_ctx *ctx,
	const char *value, size_t len, inkan_authres **out);

/*
 * Parse the value of an ARC-Authentication-Results field (RFC 8617
 * 4.1.1): "i=N;" and then an authres-payload. The instance (1 to 50,
 * RFC 8617 4.2.1; outside that range is INKAN_ERR_SYNTAX) is kept in the
 * result, see inkan_authres_instance(). Ownership and errors as above.
 */
INKAN_API INKAN_MUST_CHECK inkan_status inkan_authres_parse_arc(
	inkan_ctx *ctx, const char *value, size_t len, inkan_authres **out);

/*
 * Only the instance of an ARC-Authentication-Results value, without
 * reading (or needing a valid) payload: ARC groups its sets by instance
 * even when a sealer wrote a payload this parser refuses. INKAN_OK with
 * *instance in 1..50, or INKAN_ERR_SYNTAX. No allocation.
 */
INKAN_API INKAN_MUST_CHECK inkan_status inkan_authres_arc_instance(
	const char *value, size_t len, unsigned *instance);

/* Free a parsed result. NULL is a no-op. */
INKAN_API void inkan_authres_free(inkan_authres *ar);

/* The authserv-id, quotes removed (never empty). */
INKAN_API const char *inkan_authres_authserv_id(const inkan_authres *ar);

/* The authres-version digits as written, or NULL when absent. */
INKAN_API const char *inkan_authres_version(const inkan_authres *ar);

/* The ARC instance for inkan_authres_parse_arc(), 0 otherwise. */
INKAN_API unsigned inkan_authres_instance(const inkan_authres *ar);

/* Number of resinfos; 0 for "authserv-id; none". */
INKAN_API size_t inkan_authres_count(const inkan_authres *ar);

/* Resinfo @index in the order written, or NULL when out of range. */
INKAN_API const inkan_authres_resinfo *inkan_authres_at(
	const inkan_authres *ar, size_t index);

/* ---------------------------------------------------------------- */
/* Forged-field test (RFC 8601 5)                                   */
/* ---------------------------------------------------------------- */

/*
 * 1 when the Authentication-Results value @value (@len bytes) claims the
 * authserv-id @authserv_id, 0 otherwise. The milter deletes such fields
 * when they arrive from outside (RFC 8601 5, 7.1).
 *
 * The test leans towards 1 because deleting is the safe direction:
 *  - comparison is ASCII case-insensitive, one trailing dot on either side
 *    is ignored, and when either side has non-ASCII bytes both are turned
 *    into A-labels first (RFC 8601 5: compare after A-label/U-label
 *    conversion; needs @ctx, skipped when @ctx is NULL);
 *  - leading comments and folding, a quoted-string authserv-id, and a
 *    version after it are understood;
 *  - only the authserv-id has to be readable: a value that is malformed
 *    after it still claims it;
 *  - when not even the authserv-id can be read (an unterminated comment
 *    or quote before it, a stray character, nothing at all), the value
 *    claims @authserv_id if @authserv_id appears anywhere in it as a
 *    whole word (see lib/authres/claims.c for why).
 * @value and @authserv_id are borrowed for the call. A NULL or empty
 * @authserv_id gives 0.
 */
INKAN_API int inkan_authres_claims_authserv_id(const inkan_ctx *ctx,
	const char *value, size_t len, const char *authserv_id);

#ifdef __cplusplus
}
#endif
#endif
