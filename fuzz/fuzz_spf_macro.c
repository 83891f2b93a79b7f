/* SPDX-License-Identifier: MIT */
/*
 * fuzz_spf_macro.c - SPF macro checking and expansion (RFC 7208 7) on
 * arbitrary bytes.
 *
 * Input: one byte of flags (mode, IPv4/IPv6), then "sender\nspec". The
 * spec is checked in the chosen mode and expanded whether or not it
 * passed (the expander must stay in bounds on anything). Invariants: a
 * domain expansion longer than 253 bytes has no dot left (labels are cut
 * from the left while one remains, RFC 7208 7.3), and no expansion
 * exceeds the buffer's maximum.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <inkan/ctx.h>

#include "core/buf.h"
#include "spf/spf_macro.h"
#include "spf/spf_record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static inkan_status
get_p(void *ud, const char **out)
{
	*out = ud;
	return INKAN_OK;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static inkan_ctx *ctx;
	static const ik_spf_ip v4 = { 0, { 192, 0, 2, 1 } };
	static const ik_spf_ip v6 = { 1, { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 1 } };
	ik_spf_macro_env env;
	const char *in = (const char *)data + 1, *nl, *at;
	char *sender;
	size_t n, slen, m_pos;
	uint32_t macros;
	const char *msg;
	ik_buf out;
	inkan_status st;
	int mode;

	if (ctx == NULL && inkan_ctx_new(NULL, &ctx) != INKAN_OK)
		abort();
	if (size < 1 || size > 16384)
		return 0;
	n = size - 1;
	nl = memchr(in, '\n', n);
	slen = nl != NULL ? (size_t)(nl - in) : 0;
	sender = malloc(slen + 1);
	if (sender == NULL)
		return 0;
	memcpy(sender, in, slen);
	sender[slen] = '\0';
	if (nl != NULL) {
		in = nl + 1;
		n -= slen + 1;
	}
	at = strrchr(sender, '@');
	memset(&env, 0, sizeof(env));
	env.sender = sender;
	env.local_len = at != NULL ? (size_t)(at - sender) : strlen(sender);
	env.domain = at != NULL ? at + 1 : "example.com";
	env.ip = (data[0] & 2) ? &v6 : &v4;
	env.helo = "helo.example";
	env.receiver = "mx.example";
	env.now = 1700000000;
	env.get_p = get_p;
	env.p_ud = (void *)"ptr.example.org";
	mode = data[0] % 3;
	(void)ik_spf_spec_check(in, n, mode == 0 ? IK_SPF_SPEC_DOMAIN :
	    mode == 1 ? IK_SPF_SPEC_MACRO : IK_SPF_SPEC_EXPLAIN, &macros,
	    &m_pos, &msg);
	ik_buf_init(&out, ctx, IK_SPF_EXPAND_MAX);
	st = ik_spf_expand(&env, in, n, (data[0] & 4) ? IK_SPF_EXPAND_EXPLAIN :
	    IK_SPF_EXPAND_DOMAIN, &out);
	if (st == INKAN_OK && !(data[0] & 4) && out.len > 0) {
		if (out.len > 253 && memchr(out.data, '.', out.len) != NULL)
			abort();
	}
	if (out.len > IK_SPF_EXPAND_MAX)
		abort();
	ik_buf_free(&out);
	free(sender);
	return 0;
}
