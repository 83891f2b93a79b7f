/* SPDX-License-Identifier: MIT */
/* test_authres.h - helpers shared by the two files of test_authres. */
#ifndef TEST_AUTHRES_H
#define TEST_AUTHRES_H

#include <inkan/authres.h>

inkan_ctx *ar_ctx(void);
inkan_authres *ar_parse_ok(inkan_ctx *ctx, const char *value);
void ar_assert_prop(const inkan_authres_resinfo *ri, size_t i,
	const char *ptype, const char *property, const char *value);

void test_parse_rfc8601_examples(void **state);
void test_parse_rfc8617_examples(void **state);
void test_parse_cfws_everywhere(void **state);
void test_parse_lenient_forms(void **state);
void test_parse_comment_ends_value(void **state);
void test_parse_malformed(void **state);
void test_parse_resinfo_limit(void **state);
void test_parse_other_limits(void **state);
void test_parse_arc_instance_only(void **state);
void test_parse_bad_arguments(void **state);

#define AR_PARSE_TESTS \
	cmocka_unit_test(test_parse_rfc8601_examples), \
	cmocka_unit_test(test_parse_rfc8617_examples), \
	cmocka_unit_test(test_parse_cfws_everywhere), \
	cmocka_unit_test(test_parse_lenient_forms), \
	cmocka_unit_test(test_parse_comment_ends_value), \
	cmocka_unit_test(test_parse_malformed), \
	cmocka_unit_test(test_parse_resinfo_limit), \
	cmocka_unit_test(test_parse_other_limits), \
	cmocka_unit_test(test_parse_arc_instance_only), \
	cmocka_unit_test(test_parse_bad_arguments),

#endif
