/* SPDX-License-Identifier: MIT */
/*
 * spf_macro.h - SPF macro expansion (RFC 7208 7).
 *
 * The expander trusts that the string passed ik_spf_spec_check() (it
 * still never reads or writes out of bounds on bad input: a malformed
 * macro is copied through). Output goes to a bounded buffer.
 */
#ifndef INKAN_SPF_MACRO_H
#define INKAN_SPF_MACRO_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "spf_ip.h"

/* the most bytes one expansion may produce before it is cut short */
#define IK_SPF_EXPAND_MAX 8192

typedef struct ik_spf_macro_env {
	const char *sender;		/* <sender>, local-part filled in */
	size_t local_len;		/* bytes before the '@' in sender */
	const char *domain;		/* <domain> (current) */
	const ik_spf_ip *ip;
	const char *helo;		/* "" when unknown */
	const char *receiver;		/* %{r}: "unknown" when unset */
	int64_t now;			/* %{t} */
	/* %{p}: computes the validated name once (it may do DNS); writes a
	 * borrowed string into *out. NULL: "unknown". */
	inkan_status (*get_p)(void *ud, const char **out);
	void *p_ud;
} ik_spf_macro_env;

enum ik_spf_expand_mode {
	/* a domain-spec for a DNS query: trailing dot dropped, then
	 * truncated from the left to 253 bytes (RFC 7208 7.3) */
	IK_SPF_EXPAND_DOMAIN,
	/* explanation text: kept as is */
	IK_SPF_EXPAND_EXPLAIN
};

/*
 * Expand @s (@len bytes) into @out (reset first). INKAN_OK, or
 * INKAN_ERR_LIMIT when an explanation would exceed the buffer's max,
 * INKAN_ERR_NOMEM, or a status from get_p. Domain expansions never fail
 * for length: labels cut from the left keep the rightmost part.
 */
inkan_status ik_spf_expand(const ik_spf_macro_env *env, const char *s,
	size_t len, enum ik_spf_expand_mode mode, ik_buf *out);

#endif
