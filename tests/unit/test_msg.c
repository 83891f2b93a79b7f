/* SPDX-License-Identifier: MIT */
/* test_msg.c - the streaming header parser: chunking, folding, caps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <inkan/msg.h>

static int
setup(void **state)
{
	inkan_ctx *ctx = NULL;

	if (inkan_ctx_new(NULL, &ctx) != INKAN_OK)
		return -1;
	*state = ctx;
	return 0;
}

static int
teardown(void **state)
{
	inkan_ctx_free(*state);
	return 0;
}

static void
test_smoke(void **state)
{
	inkan_msg *m = NULL;
	static const char in[] = "From: a@b.example\r\n\r\nbody\r\n";

	assert_int_equal(inkan_msg_new(*state, &m), INKAN_OK);
	assert_int_equal(inkan_msg_feed(m, in, sizeof(in) - 1), INKAN_OK);
	assert_int_equal(inkan_msg_finish(m), INKAN_OK);
	assert_int_equal(inkan_msg_header_count(m), 1);
	inkan_msg_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_smoke),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
