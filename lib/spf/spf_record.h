/* SPDX-License-Identifier: MIT */
/*
 * spf_record.h - a parsed SPF record (RFC 7208 4.5, 4.6.1, 5, 6, 7.1).
 *
 * The parser checks the whole record before anything is evaluated, as
 * RFC 7208 4.6 requires: any syntax error anywhere makes the record a
 * permerror. Terms keep pointers into the record's own copy of the text.
 */
#ifndef INKAN_SPF_RECORD_H
#define INKAN_SPF_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include <inkan/ctx.h>

enum ik_spf_kind {
	IK_SPF_ALL, IK_SPF_INCLUDE, IK_SPF_A, IK_SPF_MX, IK_SPF_PTR,
	IK_SPF_IP4, IK_SPF_IP6, IK_SPF_EXISTS,
	/* modifiers */
	IK_SPF_REDIRECT, IK_SPF_EXP, IK_SPF_UNKNOWN_MOD
};

/* the macro letters a domain-spec uses, as a bit set over 'a'..'z' */
#define IK_SPF_MACRO_BIT(c) (1u << ((c) - 'a'))

typedef struct ik_spf_term {
	enum ik_spf_kind kind;
	char qualifier;			/* '+' '-' '~' '?' (mechanisms) */
	const char *text;		/* the term as written */
	size_t text_len;
	size_t pos;			/* byte offset in the record */
	const char *spec;		/* domain-spec / modifier value or NULL */
	size_t spec_len;
	uint32_t macros;		/* IK_SPF_MACRO_BIT set of letters used */
	unsigned cidr4, cidr6;		/* a, mx, ip4, ip6 */
	uint8_t net[16];		/* ip4 (4 bytes), ip6 */
} ik_spf_term;

typedef struct ik_spf_record {
	const char *text;		/* borrowed: the caller's bytes */
	size_t len;
	ik_spf_term *terms;		/* owned unless an allocator gave it */
	int terms_owned;
	size_t nterms;
	long redirect;			/* index of redirect=, or -1 */
	long exp;			/* index of exp=, or -1 */
	int has_all;
	size_t dns_terms;		/* include a mx ptr exists (+redirect) */
	/* on INKAN_ERR_SYNTAX: where and what */
	size_t err_pos;
	const char *err_msg;		/* static string */
} ik_spf_record;

/*
 * RFC 7208 4.5: 1 when @text starts with the version section "v=spf1"
 * (ASCII case-insensitive) followed by SP or the end.
 */
int ik_spf_is_record(const char *text, size_t len);

/*
 * Parse a selected record (it starts with v=spf1). @text is borrowed: the
 * terms point into it, so it must outlive @rec. INKAN_OK, or
 * INKAN_ERR_SYNTAX with rec->err_pos / err_msg set (the record stays
 * valid to free), or INKAN_ERR_NOMEM. Free with ik_spf_record_free() in
 * every case. ik_spf_record_parse_with() takes the terms array from
 * @alloc (zeroed memory the caller releases) instead of the heap.
 */
inkan_status ik_spf_record_parse(const inkan_ctx *ctx, const char *text,
	size_t len, ik_spf_record *rec);
inkan_status ik_spf_record_parse_with(const inkan_ctx *ctx, const char *text,
	size_t len, ik_spf_record *rec, void *(*alloc)(void *ud, size_t n),
	void *ud);
void ik_spf_record_free(const inkan_ctx *ctx, ik_spf_record *rec);

/*
 * Macro-string syntax (RFC 7208 7.1). @mode: IK_SPF_SPEC_DOMAIN for a
 * domain-spec (also checks domain-end; c r t not allowed),
 * IK_SPF_SPEC_MACRO for an unknown modifier's macro-string,
 * IK_SPF_SPEC_EXPLAIN for an explain-string (spaces, c r t allowed).
 * Returns 1 when valid; else 0 with *errpos (offset) and *msg set.
 * *macros gets the set of letters used.
 */
enum ik_spf_spec_mode {
	IK_SPF_SPEC_DOMAIN, IK_SPF_SPEC_MACRO, IK_SPF_SPEC_EXPLAIN
};
int ik_spf_spec_check(const char *s, size_t len, enum ik_spf_spec_mode mode,
	uint32_t *macros, size_t *errpos, const char **msg);

/* the mechanism name as a static string ("include", "redirect", ...) */
const char *ik_spf_kind_name(enum ik_spf_kind kind);
int ik_spf_kind_is_dns(enum ik_spf_kind kind);

#endif
