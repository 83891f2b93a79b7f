/* SPDX-License-Identifier: MIT */
/*
 * inkan/address.h - RFC 5322 address lists and the DMARC author domain.
 *
 * The parser reads an address-list (RFC 5322 3.4 with the obsolete forms
 * of 4.4, group syntax in From as RFC 6854 allows, UTF-8 as RFC 6532
 * allows, RFC 2047 encoded words in display names). It is strict: any
 * byte that does not fit the grammar makes the whole value unparseable
 * (INKAN_ERR_SYNTAX); nothing is skipped. It is bounded: at most
 * INKAN_LIMIT_ADDRESSES mailboxes and INKAN_LIMIT_COMMENT_DEPTH nested
 * comments (INKAN_ERR_LIMIT past either), and time and memory are linear
 * in the input.
 *
 * What the parser refuses on purpose, although some mail carries it:
 *  - control characters (other than HTAB) and NUL anywhere, even where
 *    RFC 5322 4.1 lists obs-NO-WS-CTL; bare CR or LF (a CRLF followed by
 *    WSP is folding and is accepted);
 *  - bytes >= 0x80 that are not well-formed UTF-8;
 *  - a local part that starts or ends with a dot or has two dots in a row;
 *  - an angle-addr without "@domain", except the empty "<>".
 * What it accepts beyond RFC 5322: one trailing dot after a domain
 * ("a@example.com."), dropped in domain_ascii.
 *
 * Threading: a parsed list is read-only and may be shared between threads.
 * Memory: everything goes through the context's allocator, except the
 * short-lived buffer libidn2 allocates itself for each non-ASCII domain.
 */
#ifndef INKAN_ADDRESS_H
#define INKAN_ADDRESS_H

#include <stddef.h>

#include <inkan/ctx.h>
#include <inkan/msg.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * One mailbox. Every string is NUL-terminated UTF-8 and borrowed from the
 * list (or authors) it came from, valid until that is freed.
 */
typedef struct inkan_address {
	/* RFC 2047-decoded display name; NULL when there is none. Words
	 * are joined by one space where the input had white space or a
	 * comment between them; an encoded word that cannot be decoded
	 * (unknown charset, bad encoding, control characters) stays as
	 * written. */
	const char *display_name;
	/* quotes removed, quoted-pairs resolved, obs-local-part words
	 * joined with "."; "" for the empty address "<>" */
	const char *local_part;
	/* as written (atoms joined with "."; may be a U-label; a
	 * domain-literal keeps its brackets); NULL for "<>" */
	const char *domain;
	/* the domain as a DNS name: A-labels (libidn2, IDNA2008 with UTS 46
	 * non-transitional mapping, transitional as a fallback), lower case,
	 * no trailing dot. NULL when domain is NULL, when domain is a
	 * domain-literal, and when the domain is not a usable DNS name (IDNA
	 * refused it, a label over 63 or a name over 253 octets). */
	const char *domain_ascii;
	/* display name of the group the mailbox was in (decoded like
	 * display_name), or NULL outside a group */
	const char *group;
	/* 1 when domain is a domain-literal ("[192.0.2.1]"), else 0 */
	int domain_literal;
} inkan_address;

/* A parsed address list; opaque, owns all the strings it hands out. */
typedef struct inkan_address_list inkan_address_list;

/*
 * Parse @len bytes of an (unfolded) address header value. A NUL byte in
 * the value is a syntax error. On INKAN_OK *out is owned by the caller:
 * free it with inkan_address_list_free(). On any error *out is NULL:
 * INKAN_ERR_SYNTAX (not an address-list; this includes an empty value),
 * INKAN_ERR_LIMIT (more mailboxes than INKAN_LIMIT_ADDRESSES, comments
 * nested deeper than INKAN_LIMIT_COMMENT_DEPTH), INKAN_ERR_NOMEM,
 * INKAN_ERR_INVALID (NULL argument). @ctx is borrowed and must outlive
 * the list. An empty group ("undisclosed-recipients:;") parses to a list
 * with no mailbox in it.
 */
INKAN_API inkan_status inkan_address_list_parse(inkan_ctx *ctx,
	const char *value, size_t len, inkan_address_list **out);

/* Number of mailboxes, over all groups; 0 for NULL. */
INKAN_API size_t inkan_address_list_count(const inkan_address_list *l);

/* Mailbox @i in the order written, or NULL when out of range. Borrowed
 * until inkan_address_list_free(). */
INKAN_API const inkan_address *inkan_address_list_at(
	const inkan_address_list *l, size_t i);

/* Free @l and every string it holds. NULL is a no-op. */
INKAN_API void inkan_address_list_free(inkan_address_list *l);

/*
 * The author (RFC5322.From) of a message, as DMARC needs it (RFC 9989
 * 5.3.1, RFC 7489 6.6.1). RFC 9989 counts domains, not mailboxes: DMARC
 * can evaluate a message as is when inkan_authors_domain_count() is 1 and
 * no flag other than INKAN_FROM_MULTIPLE_ADDRESSES is set. Every other
 * case is flagged so the caller decides (RFC 9989 11.5); nothing is
 * hidden.
 */
typedef enum inkan_from_flag {
	/* no From field at all */
	INKAN_FROM_NONE = 1,
	/* more than one From field (RFC 5322 3.6 allows one); the
	 * addresses and domains of all of them are reported */
	INKAN_FROM_MULTIPLE_FIELDS = 2,
	/* more than one mailbox, over all From fields */
	INKAN_FROM_MULTIPLE_ADDRESSES = 4,
	/* a From field that is not an address-list (its addresses are not
	 * reported), or a mailbox whose domain is not a usable DNS name
	 * (the mailbox is reported with domain_ascii NULL) */
	INKAN_FROM_UNPARSEABLE = 8,
	/* more than one distinct domain_ascii */
	INKAN_FROM_MULTIPLE_DOMAINS = 16,
	/* a From field or mailbox without a domain name: "<>", an empty
	 * group, a domain-literal */
	INKAN_FROM_NO_DOMAIN = 32
} inkan_from_flag;

typedef struct inkan_authors inkan_authors;

/*
 * Parse every From field of @msg (borrowed for the call only; the result
 * copies what it keeps). On INKAN_OK *out is owned by the caller: free it
 * with inkan_authors_free(); syntax problems are reported as flags, not as
 * a status. Other outcomes leave *out NULL: INKAN_ERR_LIMIT (over all From
 * fields more mailboxes than INKAN_LIMIT_ADDRESSES, or comments nested
 * deeper than INKAN_LIMIT_COMMENT_DEPTH; permanent: DMARC cannot be
 * evaluated), INKAN_ERR_NOMEM, INKAN_ERR_INVALID. @ctx must outlive *out.
 */
INKAN_API inkan_status inkan_authors_from_msg(inkan_ctx *ctx,
	const inkan_msg *msg, inkan_authors **out) INKAN_MUST_CHECK;

/* Bitwise OR of inkan_from_flag values; 0 for a clean single author. */
INKAN_API unsigned inkan_authors_flags(const inkan_authors *a);

/* Mailboxes over all parseable From fields, in order. */
INKAN_API size_t inkan_authors_count(const inkan_authors *a);

/* Mailbox @i, or NULL when out of range; borrowed until
 * inkan_authors_free(). */
INKAN_API const inkan_address *inkan_authors_at(const inkan_authors *a,
	size_t i);

/* Number of distinct domain_ascii values (the author domains). */
INKAN_API size_t inkan_authors_domain_count(const inkan_authors *a);

/* Author domain @i in first-seen order (A-labels, lower case), or NULL
 * when out of range; borrowed until inkan_authors_free(). */
INKAN_API const char *inkan_authors_domain_at(const inkan_authors *a,
	size_t i);

/* Free @a. NULL is a no-op. */
INKAN_API void inkan_authors_free(inkan_authors *a);

#ifdef __cplusplus
}
#endif
#endif
