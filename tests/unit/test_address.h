/* SPDX-License-Identifier: MIT */
/* test_address.h - helpers shared by the address parser's test files. */
#ifndef INKAN_TEST_ADDRESS_H
#define INKAN_TEST_ADDRESS_H

#include <inkan/address.h>

/* parse a C string; on failure asserts *out is NULL */
inkan_status parse(inkan_ctx *ctx, const char *v, inkan_address_list **out);
/* authors of a message with the given header section (CRLF lines) */
inkan_status authors_of_headers(inkan_ctx *ctx, const char *headers,
	inkan_authors **out);
/* authors of a message whose one From field carries @value */
inkan_status authors_of(inkan_ctx *ctx, const char *value,
	inkan_authors **out);
/* @value is one mailbox with domain_ascii @domain, a clean author */
void expect_one(inkan_ctx *ctx, const char *value, const char *domain);

/* in test_address_limits.c */
void test_ten_thousand_addresses(void **state);
void test_comments(void **state);
void test_allocation_failures(void **state);

#endif
