/* SPDX-License-Identifier: MIT */
/*
 * taglist.h - RFC 6376 3.2 tag=value lists (DKIM-Signature values, key
 * records), parsed into spans of the input; nothing is copied.
 *
 * The input may contain FWS (CRLF followed by WSP) wherever the grammar
 * allows it; the unfolded value of a header field has none. Values keep
 * inner whitespace and lose the WSP around them (RFC 6376 3.2: "any WSP
 * after the '=' and any WSP before the terminating ';' is not part of the
 * value"). Bytes >= 0x80 are allowed in values (3.2 implementation note:
 * do not preclude UTF-8).
 */
#ifndef INKAN_DKIM_TAGLIST_H
#define INKAN_DKIM_TAGLIST_H

#include <stddef.h>

#include <inkan/status.h>

/* more tags than this in one list is refused (RFC 6376 defines 14) */
#define IK_TAGLIST_MAX 64

typedef struct ik_tag {
	const char *name;
	size_t name_len;
	const char *value;	/* may be empty (then value_len 0) */
	size_t value_len;
} ik_tag;

typedef struct ik_taglist {
	ik_tag tags[IK_TAGLIST_MAX];
	size_t n;
} ik_taglist;

typedef enum ik_taglist_error {
	IK_TAGLIST_OK = 0,
	IK_TAGLIST_SYNTAX,	/* not a tag-list */
	IK_TAGLIST_DUPLICATE,	/* RFC 6376 3.2: the whole list is invalid */
	IK_TAGLIST_TOO_MANY	/* over IK_TAGLIST_MAX */
} ik_taglist_error;

/* Parse @len bytes of @s into @out (spans into @s). */
ik_taglist_error ik_taglist_parse(const char *s, size_t len, ik_taglist *out);

/* The tag named exactly @name (tags are case-sensitive), or NULL. */
const ik_tag *ik_taglist_get(const ik_taglist *tl, const char *name);

/* Value equals the C string @s exactly / ASCII case-insensitively. */
int ik_tag_is(const ik_tag *t, const char *s);
int ik_tag_is_nocase(const ik_tag *t, const char *s);

/*
 * Walk a colon-separated list inside a value (h=, q=, key h=, s=, t=):
 * FWS is allowed around each colon. Call with *pos = 0; each call gives
 * the next item (trimmed) and returns 1, or returns 0 at the end. An
 * empty item is returned as such (length 0) so that callers can refuse it.
 */
int ik_colon_list_next(const char *v, size_t len, size_t *pos,
	const char **item, size_t *item_len);

#endif
