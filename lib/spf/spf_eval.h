/* SPDX-License-Identifier: MIT */
/* spf_eval.h - check_host() entry points for spf_api.c and spf_lint.c. */
#ifndef INKAN_SPF_EVAL_H
#define INKAN_SPF_EVAL_H

#include <stddef.h>

#include <inkan/spf.h>

struct ik_spf_check;

/* RFC 7208 4.3: @d is a well-formed multi-label domain name */
int ik_spf_domain_ok(const char *d, size_t len);
/* check_host(<ip>, @domain, <sender>) with the state set up in @c */
inkan_spf_result ik_spf_check_host(struct ik_spf_check *c,
	const char *domain);

#endif
