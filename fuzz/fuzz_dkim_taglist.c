/* SPDX-License-Identifier: MIT */
/*
 * fuzz_dkim_taglist.c - the RFC 6376 3.2 tag-list parser, and the whole
 * DKIM-Signature path behind it.
 *
 * 1. ik_taglist_parse on the raw bytes: every span it returns lies inside
 *    the input, names are ALPHA *ALNUMPUNC, values hold no ';', and no
 *    two names are equal; the colon-list walker terminates on each value.
 * 2. The bytes as the value of a DKIM-Signature field in a small message,
 *    verified with a lookup that answers every name with an Ed25519 key:
 *    signature parsing (sig.c), b= removal, header selection and hashing
 *    all run on whatever the fuzzer makes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <inkan/dkim.h>
#include <inkan/msg.h>

#include "core/ascii.h"
#include "dkim/taglist.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_taglist(const char *s, size_t len)
{
	ik_taglist tl;
	size_t i, j, pos, n;
	const char *item;

	if (ik_taglist_parse(s, len, &tl) != IK_TAGLIST_OK)
		return;
	for (i = 0; i < tl.n; i++) {
		const ik_tag *t = &tl.tags[i];
		if (t->name < s || t->name + t->name_len > s + len ||
		    t->value < s || t->value + t->value_len > s + len ||
		    t->name_len == 0 || !ik_is_alpha((unsigned char)t->name[0]))
			abort();
		if (memchr(t->value, ';', t->value_len) != NULL)
			abort();
		for (j = 0; j < i; j++)
			if (tl.tags[j].name_len == t->name_len &&
			    memcmp(tl.tags[j].name, t->name, t->name_len) == 0)
				abort();
		pos = 0;
		n = 0;
		while (ik_colon_list_next(t->value, t->value_len, &pos, &item,
		    &j))
			if (++n > t->value_len + 1)
				abort();	/* must terminate */
	}
}

static inkan_status
any_key(void *ud, const char *qname, inkan_dkim_key_answer *ans)
{
	static const char rec[] = "v=DKIM1; k=ed25519; "
		"p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";

	(void)ud;
	(void)qname;
	return inkan_dkim_key_answer_add(ans, rec, sizeof(rec) - 1);
}

static void
verify_as_signature(const char *s, size_t len)
{
	static const char head[] = "DKIM-Signature: ";
	static const char rest[] = "\r\nFrom: a@example.com\r\n"
		"Subject: fuzz\r\n\r\nbody\r\n";
	inkan_ctx *ctx = NULL;
	inkan_dkim *d = NULL;
	inkan_msg *m = NULL;
	inkan_dkim_verify *v = NULL;
	size_t i;

	if (inkan_ctx_new(NULL, &ctx) != INKAN_OK)
		return;
	if (inkan_dkim_new(ctx, &d) == INKAN_OK &&
	    inkan_dkim_set_lookup(d, any_key, NULL) == INKAN_OK &&
	    inkan_msg_new(ctx, &m) == INKAN_OK &&
	    inkan_dkim_verify_new(d, m, &v) == INKAN_OK &&
	    inkan_msg_feed(m, head, sizeof(head) - 1) == INKAN_OK &&
	    inkan_msg_feed(m, s, len) == INKAN_OK &&
	    inkan_msg_feed(m, rest, sizeof(rest) - 1) == INKAN_OK &&
	    inkan_msg_finish(m) == INKAN_OK &&
	    inkan_dkim_verify_eom(v) == INKAN_OK) {
		for (i = 0; i < inkan_dkim_verify_count(v); i++) {
			const inkan_dkim_result *r =
				inkan_dkim_verify_result(v, i);
			char ar[2048];
			size_t arlen;
			/* random bytes never make a valid signature */
			if (r == NULL || r->verdict == INKAN_DKIM_PASS)
				abort();
			(void)inkan_dkim_result_authres(r, ar, sizeof(ar),
				&arlen);
		}
	}
	inkan_dkim_verify_free(v);
	inkan_msg_free(m);
	inkan_dkim_free(d);
	inkan_ctx_free(ctx);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;

	check_taglist(s, size);
	verify_as_signature(s, size);
	return 0;
}
