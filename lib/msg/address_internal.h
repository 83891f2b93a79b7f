/* SPDX-License-Identifier: MIT */
/*
 * address_internal.h - pieces shared by the address parser's files.
 */
#ifndef INKAN_MSG_ADDRESS_INTERNAL_H
#define INKAN_MSG_ADDRESS_INTERNAL_H

#include <stddef.h>

#include <inkan/address.h>

#include "core/buf.h"

/*
 * Append the DNS form of the domain @dom[0..len) (atoms as written, at
 * most one trailing dot; not a domain-literal) to @out: A-labels, lower
 * case, no trailing dot, no NUL. *ok is 0 (and @out unchanged) when the
 * domain is not a usable DNS name. Errors are only those of @out.
 */
inkan_status ik_addr_domain_ascii(const inkan_ctx *ctx, const char *dom,
	size_t len, ik_buf *out, int *ok);

#endif
