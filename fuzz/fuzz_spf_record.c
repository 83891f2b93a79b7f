/* SPDX-License-Identifier: MIT */
/*
 * fuzz_spf_record.c - the SPF record parser (RFC 7208 4.5, 4.6.1, 5, 6,
 * 7.1) and the record lint on arbitrary bytes.
 *
 * Invariants checked: a parse either succeeds with terms that lie inside
 * the record, or fails with an error position inside it; every accepted
 * domain-spec passes ik_spf_spec_check() again; the lint of the same text
 * (no resolver: nothing is looked up) never fails but for memory.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <inkan/spf.h>

#include "spf/spf_record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static inkan_ctx *ctx;
	const char *text = (const char *)data;
	ik_spf_record rec;
	inkan_spf_lint *lint = NULL;
	inkan_status st;
	size_t i;

	if (ctx == NULL && inkan_ctx_new(NULL, &ctx) != INKAN_OK)
		abort();
	if (size > 65536)
		return 0;
	st = ik_spf_record_parse(ctx, text, size, &rec);
	if (st == INKAN_OK) {
		for (i = 0; i < rec.nterms; i++) {
			const ik_spf_term *t = &rec.terms[i];
			uint32_t m;
			size_t pos;
			const char *msg;

			if (t->pos + t->text_len > size ||
			    t->text != rec.text + t->pos)
				abort();
			if (t->spec != NULL && (t->spec < t->text ||
			    t->spec + t->spec_len > t->text + t->text_len))
				abort();
			if (t->spec != NULL && t->kind != IK_SPF_UNKNOWN_MOD &&
			    !ik_spf_spec_check(t->spec, t->spec_len,
			    IK_SPF_SPEC_DOMAIN, &m, &pos, &msg))
				abort();
			if ((t->kind == IK_SPF_IP4 && t->cidr4 > 32) ||
			    t->cidr6 > 128)
				abort();
		}
		if (rec.redirect >= (long)rec.nterms ||
		    rec.exp >= (long)rec.nterms)
			abort();
	} else if (st == INKAN_ERR_SYNTAX) {
		if (rec.err_msg == NULL || (size > 0 && rec.err_pos > size))
			abort();
	} else if (st != INKAN_ERR_NOMEM) {
		abort();
	}
	ik_spf_record_free(ctx, &rec);
	st = inkan_spf_lint_record(ctx, "fuzz.example", text, size, &lint);
	if (st != INKAN_OK && st != INKAN_ERR_NOMEM)
		abort();
	inkan_spf_lint_free(lint);
	return 0;
}
