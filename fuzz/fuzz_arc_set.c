/* SPDX-License-Identifier: MIT */
/*
 * fuzz_arc_set.c - ARC header sets (RFC 8617): instance parsing, chain
 * structure, seal and AMS parsing and verification, on arbitrary
 * messages, and sealing on top of them.
 *
 * The input is a message (header section, then anything). It is
 * validated with one Ed25519 key known for fz._domainkey.fuzz.example, so
 * a well-formed set signed by that name reaches the hashing and the
 * signature check. The result must keep its promises: none exactly when
 * no ARC field is present; at most 50 sets; a failing instance within
 * 1..50; a pass with N sets has instances == N >= 1.
 *
 * Then the message is sealed with that key. When it had no ARC field at
 * all, the sealed message (our three fields on top of the input) must
 * validate as pass: a property that ties the sealer to the validator
 * (skipped when the input would change meaning under the new fields: a
 * first line that is a continuation, or a parse error).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <inkan/arc.h>
#include <inkan/ctx.h>
#include <inkan/dkim.h>
#include <inkan/keys.h>
#include <inkan/msg.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static inkan_ctx *g_ctx;
static inkan_key *g_key;
static char g_record[256];

static int64_t
fixed_clock(void *ud)
{
	(void)ud;
	return 1700000000;
}

static int
setup(void)
{
	size_t len;

	if (g_ctx != NULL)
		return 0;
	if (inkan_ctx_new(NULL, &g_ctx) != INKAN_OK ||
	    inkan_key_generate(g_ctx, INKAN_KEY_ED25519, 0, &g_key) !=
	    INKAN_OK ||
	    inkan_key_dns_record(g_key, g_record, sizeof(g_record), &len) !=
	    INKAN_OK)
		abort();
	inkan_ctx_set_clock(g_ctx, fixed_clock, NULL);
	inkan_ctx_set_limit(g_ctx, INKAN_LIMIT_HEADER_FIELDS, 400);
	return 0;
}

struct run {
	inkan_arc_verdict verdict;
	int parsed;		/* the message parsed */
	int had_arc;
	char *sealed;		/* fields + input (malloc), or NULL */
	size_t sealed_len;
};

static int
is_arc(const inkan_header *h)
{
	size_t n;
	const char *name = inkan_header_name(h, &n);

	return (n == 8 && strncasecmp(name, "ARC-Seal", 8) == 0) ||
		(n == 21 && strncasecmp(name, "ARC-Message-Signature", 21) ==
		0) || (n == 26 && strncasecmp(name,
		"ARC-Authentication-Results", 26) == 0);
}

static void
check(const inkan_arc_result *r, int had_arc)
{
	if ((r->verdict == INKAN_ARC_NONE) != !had_arc)
		abort();
	if (r->nsets > INKAN_ARC_MAX_SETS || r->instances > INKAN_ARC_MAX_SETS ||
	    r->fail_instance > INKAN_ARC_MAX_SETS)
		abort();
	if (r->verdict == INKAN_ARC_PASS && (r->instances == 0 ||
	    r->nsets != r->instances || r->reason != INKAN_ARC_R_OK ||
	    r->oldest_pass > r->instances))
		abort();
	if (r->verdict == INKAN_ARC_FAIL && r->reason == INKAN_ARC_R_OK)
		abort();
}

static void
one(const uint8_t *data, size_t size, int seal_it, struct run *out)
{
	inkan_dkim *dkim = NULL;
	inkan_msg *msg = NULL;
	inkan_arc_verify *v = NULL;
	inkan_arc_seal *s = NULL;
	inkan_arc_seal_key k;
	const inkan_arc_result *r;
	size_t i, total, len;

	memset(out, 0, sizeof(*out));
	memset(&k, 0, sizeof(k));
	k.domain = "fuzz.example";
	k.selector = "fz";
	k.key = g_key;
	if (inkan_dkim_new(g_ctx, &dkim) != INKAN_OK ||
	    inkan_dkim_add_key_record(dkim, "fz._domainkey.fuzz.example",
	    g_record) != INKAN_OK ||
	    inkan_msg_new(g_ctx, &msg) != INKAN_OK ||
	    inkan_arc_verify_new(dkim, msg, &v) != INKAN_OK ||
	    (seal_it && inkan_arc_seal_new(dkim, msg, &k, &s) != INKAN_OK))
		goto out;
	if (inkan_msg_feed(msg, data, size) != INKAN_OK ||
	    inkan_msg_finish(msg) != INKAN_OK)
		goto out;
	out->parsed = 1;
	for (i = 0; i < inkan_msg_header_count(msg); i++)
		out->had_arc |= is_arc(inkan_msg_header_at(msg, i));
	if (inkan_arc_verify_eom(v) != INKAN_OK ||
	    (r = inkan_arc_verify_result(v)) == NULL)
		goto out;
	check(r, out->had_arc);
	out->verdict = r->verdict;
	if (s == NULL || inkan_arc_seal_eom(s, r, "fuzz.example; none") !=
	    INKAN_OK || inkan_arc_seal_count(s) != 3)
		goto out;
	for (total = size, i = 0; i < 3; i++)
		total += strlen(inkan_arc_seal_header(s, i, NULL));
	if ((out->sealed = malloc(total)) == NULL)
		goto out;
	for (total = 0, i = 0; i < 3; i++) {
		const char *f = inkan_arc_seal_header(s, i, &len);
		memcpy(out->sealed + total, f, len);
		total += len;
	}
	memcpy(out->sealed + total, data, size);
	out->sealed_len = total + size;
out:
	inkan_arc_seal_free(s);
	inkan_arc_verify_free(v);
	inkan_msg_free(msg);
	inkan_dkim_free(dkim);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct run a, b;

	setup();
	one(data, size, 1, &a);
	/* the sealer and the validator agree on a fresh chain */
	if (a.parsed && !a.had_arc && a.sealed != NULL && size > 0 &&
	    data[0] != ' ' && data[0] != '\t') {
		one((const uint8_t *)a.sealed, a.sealed_len, 0, &b);
		if (b.parsed && b.verdict != INKAN_ARC_PASS)
			abort();
		free(b.sealed);
	}
	free(a.sealed);
	return 0;
}
