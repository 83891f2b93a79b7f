/* SPDX-License-Identifier: MIT */
/*
 * test_dkim.c - DKIM building blocks: the tag-list parser (RFC 6376 3.2),
 * key records (3.6.1), canonicalization (3.4, with the examples of 3.4.5
 * and the empty-body hashes of 3.4.3/3.4.4), chunking invariance, and
 * the b= removal of 3.7.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <inkan/dkim.h>
#include "core/base64.h"
#include "crypto/crypto.h"
#include "dkim/canon.h"
#include "dkim/dkim_internal.h"
#include "dkim/taglist.h"

#include "test_dkim_util.h"

#define DATA DKIM_SUITE "/dkimpy-1.1.4-data/"

static void
tl(const char *s, ik_taglist_error want, size_t ntags, ik_taglist *out)
{
	assert_int_equal(ik_taglist_parse(s, strlen(s), out), want);
	if (want == IK_TAGLIST_OK)
		assert_int_equal(out->n, ntags);
}

static int
val_is(const ik_taglist *t, const char *name, const char *v)
{
	const ik_tag *tag = ik_taglist_get(t, name);

	return tag != NULL && tag->value_len == strlen(v) &&
		memcmp(tag->value, v, tag->value_len) == 0;
}

static void
test_taglist(void **state)
{
	ik_taglist t;
	char big[64 * 8 + 16];
	size_t i, n = 0;

	(void)state;
	tl("v=1; a=rsa-sha256", IK_TAGLIST_OK, 2, &t);
	assert_true(val_is(&t, "a", "rsa-sha256"));
	/* WSP around tags and '=' is not part of the value; inside it is */
	tl("  a = b c ;\tx=\t y ;", IK_TAGLIST_OK, 2, &t);
	assert_true(val_is(&t, "a", "b c"));
	assert_true(val_is(&t, "x", "y"));
	/* FWS (CRLF WSP) where the grammar allows it */
	tl("a=b;\r\n c=d\r\n\te", IK_TAGLIST_OK, 2, &t);
	assert_true(val_is(&t, "c", "d\r\n\te"));
	tl("p=", IK_TAGLIST_OK, 1, &t);
	assert_true(val_is(&t, "p", ""));
	tl("a=b; ", IK_TAGLIST_OK, 1, &t);
	tl("a_1=b", IK_TAGLIST_OK, 1, &t);
	/* tags are case-sensitive: A and a are different tags */
	tl("a=1; A=2", IK_TAGLIST_OK, 2, &t);
	tl("a=b; a=c", IK_TAGLIST_DUPLICATE, 0, &t);
	tl("", IK_TAGLIST_SYNTAX, 0, &t);
	tl(" ; ", IK_TAGLIST_SYNTAX, 0, &t);
	tl("a=b;;", IK_TAGLIST_SYNTAX, 0, &t);
	tl("a=b;c", IK_TAGLIST_SYNTAX, 0, &t);
	tl("1a=b", IK_TAGLIST_SYNTAX, 0, &t);
	tl("a-b=c", IK_TAGLIST_SYNTAX, 0, &t);
	tl("a=b\x01", IK_TAGLIST_SYNTAX, 0, &t);
	tl("a=b\r\nc=d", IK_TAGLIST_SYNTAX, 0, &t);	/* CRLF without WSP */
	tl("a=\xc3\xa9t\xc3\xa9", IK_TAGLIST_OK, 1, &t); /* UTF-8 allowed */
	for (i = 0; i < 65; i++)
		n += (size_t)snprintf(big + n, sizeof(big) - n, "t%zu=1;", i);
	tl(big, IK_TAGLIST_TOO_MANY, 0, &t);
}

static void
test_colon_list(void **state)
{
	const char *v = "from : to:\r\n subject", *item;
	size_t pos = 0, n, count = 0;
	const char *want[] = { "from", "to", "subject" };

	(void)state;
	while (ik_colon_list_next(v, strlen(v), &pos, &item, &n)) {
		assert_true(count < 3);
		assert_int_equal(n, strlen(want[count]));
		assert_memory_equal(item, want[count], n);
		count++;
	}
	assert_int_equal(count, 3);
	pos = 0;
	count = 0;
	while (ik_colon_list_next("a::b", 4, &pos, &item, &n))
		count += n == 0;
	assert_int_equal(count, 1);	/* the empty item is reported */
}

static ik_dkim_key *
key_of(inkan_ctx *ctx, const char *txt)
{
	ik_dkim_key *k = NULL;

	assert_int_equal(ik_dkim_key_from_record(ctx, txt, strlen(txt), &k),
		INKAN_OK);
	assert_non_null(k);
	return k;
}

static ik_dkim_key *
key_file(inkan_ctx *ctx, const char *name)
{
	char path[512];
	size_t len;
	char *txt;
	ik_dkim_key *k;

	snprintf(path, sizeof(path), DATA "%s", name);
	txt = tu_read(path, &len);
	while (len > 0 && (txt[len - 1] == '\n' || txt[len - 1] == '\r'))
		txt[--len] = '\0';
	k = key_of(ctx, txt);
	free(txt);
	return k;
}

static void
test_key_records(void **state)
{
	inkan_ctx *ctx = tu_ctx(NULL);
	ik_dkim_key *k;

	(void)state;
	k = key_file(ctx, "test.txt");
	assert_int_equal(k->error, INKAN_DKIM_R_OK);
	assert_int_equal(k->k, IK_DKIM_K_RSA);
	assert_int_equal(ik_pubkey_bits(k->pub), 1024);
	assert_true(k->email_ok);
	ik_dkim_key_unref(ctx, NULL, k);
	/* no k=: rsa is the default */
	k = key_file(ctx, "test2.txt");
	assert_int_equal(k->error, INKAN_DKIM_R_OK);
	assert_int_equal(k->k, IK_DKIM_K_RSA);
	ik_dkim_key_unref(ctx, NULL, k);
	/* p= as a bare RSAPublicKey instead of SubjectPublicKeyInfo */
	k = key_file(ctx, "2048_testkey_wo_markers.pub.rsa.txt");
	assert_int_equal(k->error, INKAN_DKIM_R_OK);
	assert_int_equal(ik_pubkey_bits(k->pub), 2048);
	ik_dkim_key_unref(ctx, NULL, k);
	k = key_file(ctx, "1024_testkey_wo_markers.pub.rsa.txt");
	assert_int_equal(ik_pubkey_bits(k->pub), 1024);
	ik_dkim_key_unref(ctx, NULL, k);
	k = key_file(ctx, "badk.txt");
	assert_int_equal(k->k, IK_DKIM_K_UNKNOWN);
	assert_null(k->pub);
	ik_dkim_key_unref(ctx, NULL, k);
	k = key_file(ctx, "badversion.txt");
	assert_int_equal(k->error, INKAN_DKIM_R_KEY_SYNTAX);
	ik_dkim_key_unref(ctx, NULL, k);
	k = key_file(ctx, "test_bad.txt");
	assert_int_equal(k->error, INKAN_DKIM_R_KEY_INVALID);
	ik_dkim_key_unref(ctx, NULL, k);
	k = key_file(ctx, "test_tlsrpt.txt");
	assert_int_equal(k->error, INKAN_DKIM_R_OK);
	assert_false(k->email_ok);
	ik_dkim_key_unref(ctx, NULL, k);
	k = key_file(ctx, "ed25519test.dns");
	assert_int_equal(k->error, INKAN_DKIM_R_OK);
	assert_int_equal(k->k, IK_DKIM_K_ED25519);
	assert_int_equal(ik_pubkey_bits(k->pub), 256);
	ik_dkim_key_unref(ctx, NULL, k);

	k = key_of(ctx, "v=DKIM1; p=");
	assert_int_equal(k->error, INKAN_DKIM_R_KEY_REVOKED);
	ik_dkim_key_unref(ctx, NULL, k);
	k = key_of(ctx, "k=rsa; v=DKIM1; p=");	/* v= must come first */
	assert_int_equal(k->error, INKAN_DKIM_R_KEY_SYNTAX);
	ik_dkim_key_unref(ctx, NULL, k);
	k = key_of(ctx, "v=DKIM1; k=rsa");	/* p= is required */
	assert_int_equal(k->error, INKAN_DKIM_R_KEY_SYNTAX);
	ik_dkim_key_unref(ctx, NULL, k);
	k = key_of(ctx, "v=DKIM1; p=; p=");
	assert_int_equal(k->error, INKAN_DKIM_R_KEY_SYNTAX);
	ik_dkim_key_unref(ctx, NULL, k);
	k = key_of(ctx, "v=DKIM1; h=sha1 : foo; t=y:s:x; s=email:tlsrpt; "
		"n=notes; zz=unknown; k=ed25519; "
		"p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=");
	assert_int_equal(k->error, INKAN_DKIM_R_OK);
	assert_int_equal(k->hashes, 1u << IK_HASH_SHA1);
	assert_true(k->testing && k->strict && k->email_ok);
	ik_dkim_key_unref(ctx, NULL, k);
	/* an Ed25519 key must be 32 bytes */
	k = key_of(ctx, "k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMl");
	assert_int_equal(k->error, INKAN_DKIM_R_KEY_INVALID);
	ik_dkim_key_unref(ctx, NULL, k);
	k = key_of(ctx, "p=not base64!");
	assert_int_equal(k->error, INKAN_DKIM_R_KEY_SYNTAX);
	ik_dkim_key_unref(ctx, NULL, k);
	inkan_ctx_free(ctx);
}

/* hash of canonicalizing @in in chunks of @chunk (0: whole) */
static void
body_hash(inkan_ctx *ctx, ik_canon c, const char *in, size_t len,
	size_t chunk, uint64_t limit, unsigned char *out, uint64_t *total)
{
	ik_crypto *cr = NULL;
	ik_digest *d = NULL;
	ik_body_canon *bc = malloc(sizeof(*bc));
	size_t pos;

	assert_non_null(bc);
	assert_int_equal(ik_crypto_new(ctx, &cr), INKAN_OK);
	assert_int_equal(ik_digest_new(cr, IK_HASH_SHA256, &d), INKAN_OK);
	ik_body_canon_init(bc, c, d, limit);
	if (chunk == 0)
		chunk = len ? len : 1;
	for (pos = 0; pos < len; pos += chunk)
		assert_int_equal(ik_body_canon_update(bc, in + pos,
			len - pos < chunk ? len - pos : chunk), INKAN_OK);
	assert_int_equal(ik_body_canon_final(bc, out), INKAN_OK);
	if (total != NULL)
		*total = bc->total;
	free(bc);
	ik_digest_free(d);
	ik_crypto_free(cr);
}

static void
sha256_of(inkan_ctx *ctx, const char *in, size_t len, unsigned char *out)
{
	ik_crypto *cr = NULL;
	ik_digest *d = NULL;

	assert_int_equal(ik_crypto_new(ctx, &cr), INKAN_OK);
	assert_int_equal(ik_digest_new(cr, IK_HASH_SHA256, &d), INKAN_OK);
	assert_int_equal(ik_digest_update(d, in, len), INKAN_OK);
	assert_int_equal(ik_digest_final(d, out), INKAN_OK);
	ik_digest_free(d);
	ik_crypto_free(cr);
}

static void
b64(const unsigned char *h, char *out)
{
	ik_b64_encode(h, 32, out);
}

/* long relaxed bodies already canonical (single SPs, CRLF line ends):
 * each hashes as the text itself, whole and in odd chunks. Line lengths
 * 16 to 79 put line ends at every offset of the canonicalizer's 4 KB
 * stage (a CRLF stored at its very end once overran it; memcheck and the
 * sanitizer build catch that) */
static void
test_body_canon_long_relaxed(void **state)
{
	inkan_ctx *ctx = tu_ctx(NULL);
	size_t cap = 3 * 4096 + 128, n, len, i, j;
	char *in = malloc(cap);
	unsigned char got[32], want[32];
	static const size_t chunks[] = { 0, 4093, 17 };

	(void)state;
	assert_non_null(in);
	for (len = 16; len < 80; len++) {
		for (n = 0; n + len + 2 < cap;) {
			for (i = 0; i < len; i++, n++)
				in[n] = (i % 9 == 8 && i + 1 < len) ? ' ' :
					(char)('a' + (i + n) % 26);
			in[n++] = '\r';
			in[n++] = '\n';
		}
		sha256_of(ctx, in, n, want);
		for (j = 0; j < sizeof(chunks) / sizeof(chunks[0]); j++) {
			body_hash(ctx, IK_CANON_RELAXED, in, n, chunks[j],
				UINT64_MAX, got, NULL);
			assert_memory_equal(got, want, 32);
		}
	}
	free(in);
	inkan_ctx_free(ctx);
}

/* the body canonicalizer equals the canonical text the RFC prints */
static void
expect_body(inkan_ctx *ctx, ik_canon c, const char *in, const char *canon)
{
	unsigned char got[32], want[32];
	size_t chunk;
	uint64_t total = 0;

	sha256_of(ctx, canon, strlen(canon), want);
	for (chunk = 0; chunk <= 5; chunk++) {
		body_hash(ctx, c, in, strlen(in), chunk, UINT64_MAX, got,
			&total);
		assert_memory_equal(got, want, 32);
		assert_int_equal(total, strlen(canon));
	}
}

static void
test_body_canon(void **state)
{
	inkan_ctx *ctx = tu_ctx(NULL);
	unsigned char h[32];
	char s[64];
	/* RFC 6376 3.4.5 example body */
	const char *body = " C \r\nD \t E\r\n\r\n\r\n";

	(void)state;
	expect_body(ctx, IK_CANON_RELAXED, body, " C\r\nD E\r\n");
	expect_body(ctx, IK_CANON_SIMPLE, body, " C \r\nD \t E\r\n");
	/* 3.4.3 / 3.4.4: the empty body hashes */
	body_hash(ctx, IK_CANON_SIMPLE, "", 0, 0, UINT64_MAX, h, NULL);
	b64(h, s);
	assert_string_equal(s, "frcCV1k9oG9oKj3dpUqdJg1PxRT2RSN/XKdLCPjaYaY=");
	body_hash(ctx, IK_CANON_RELAXED, "", 0, 0, UINT64_MAX, h, NULL);
	b64(h, s);
	assert_string_equal(s, "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
	/* only empty lines: the same as empty */
	expect_body(ctx, IK_CANON_SIMPLE, "\r\n\r\n", "\r\n");
	expect_body(ctx, IK_CANON_RELAXED, " \r\n\t\r\n", "");
	/* no final CRLF: one is added */
	expect_body(ctx, IK_CANON_SIMPLE, "abc", "abc\r\n");
	expect_body(ctx, IK_CANON_RELAXED, "abc \t", "abc\r\n");
	/* a lone CR is an ordinary byte; WSP before it is not trailing */
	expect_body(ctx, IK_CANON_RELAXED, "a \rb\r\n", "a \rb\r\n");
	expect_body(ctx, IK_CANON_SIMPLE, "a\r", "a\r\r\n");
	expect_body(ctx, IK_CANON_RELAXED, "a \r", "a \r\r\n");
	/* empty lines inside stay; leading WSP becomes one SP */
	expect_body(ctx, IK_CANON_RELAXED, "a\r\n\r\n  b\r\n\r\n",
		"a\r\n\r\n b\r\n");
	expect_body(ctx, IK_CANON_SIMPLE, "a\r\n \r\n\r\n", "a\r\n \r\n");
	inkan_ctx_free(ctx);
}

static void
test_body_length_limit(void **state)
{
	inkan_ctx *ctx = tu_ctx(NULL);
	unsigned char got[32], want[32];
	uint64_t total;

	(void)state;
	/* l=5 hashes the first five canonical bytes only */
	sha256_of(ctx, "hello", 5, want);
	body_hash(ctx, IK_CANON_SIMPLE, "hello world\r\n", 13, 3, 5, got,
		&total);
	assert_memory_equal(got, want, 32);
	assert_int_equal(total, 13);
	inkan_ctx_free(ctx);
}

static void
header_hash(inkan_ctx *ctx, ik_canon c, const char *raw, int crlf,
	unsigned char *out)
{
	ik_crypto *cr = NULL;
	ik_digest *d = NULL;

	assert_int_equal(ik_crypto_new(ctx, &cr), INKAN_OK);
	assert_int_equal(ik_digest_new(cr, IK_HASH_SHA256, &d), INKAN_OK);
	assert_int_equal(ik_canon_header(d, c, raw, strlen(raw), crlf),
		INKAN_OK);
	assert_int_equal(ik_digest_final(d, out), INKAN_OK);
	ik_digest_free(d);
	ik_crypto_free(cr);
}

static void
expect_header(inkan_ctx *ctx, ik_canon c, const char *raw, const char *canon,
	int crlf)
{
	unsigned char got[32], want[32];

	sha256_of(ctx, canon, strlen(canon), want);
	header_hash(ctx, c, raw, crlf, got);
	assert_memory_equal(got, want, 32);
}

static void
test_header_canon(void **state)
{
	inkan_ctx *ctx = tu_ctx(NULL);

	(void)state;
	/* RFC 6376 3.4.5 example 1 */
	expect_header(ctx, IK_CANON_RELAXED, "A: X\r\n", "a:X\r\n", 1);
	expect_header(ctx, IK_CANON_RELAXED, "B : Y\t\r\n\tZ  \r\n",
		"b:Y Z\r\n", 1);
	expect_header(ctx, IK_CANON_SIMPLE, "B : Y\t\r\n\tZ  \r\n",
		"B : Y\t\r\n\tZ  \r\n", 1);
	/* folded right after the colon */
	expect_header(ctx, IK_CANON_RELAXED, "Subject:\r\n  hello  there\r\n",
		"subject:hello there\r\n", 1);
	/* the signature field itself: no CRLF at the end */
	expect_header(ctx, IK_CANON_RELAXED, "DKIM-Signature: a=1;\r\n b=",
		"dkim-signature:a=1; b=", 0);
	expect_header(ctx, IK_CANON_SIMPLE, "DKIM-Signature: a=1; b=\r\n",
		"DKIM-Signature: a=1; b=", 0);
	inkan_ctx_free(ctx);
}

static void
strip(const char *in, const char *want)
{
	char out[256];
	size_t n = ik_dkim_strip_b(in, strlen(in), out);

	assert_int_equal(n, strlen(want));
	assert_memory_equal(out, want, n);
}

static void
test_strip_b(void **state)
{
	(void)state;
	strip("DKIM-Signature: bh=xyz; b=abc\r\n def ; d=x\r\n",
		"DKIM-Signature: bh=xyz; b=; d=x\r\n");
	strip("DKIM-Signature: b = ab\r\n\tcd\r\n",
		"DKIM-Signature: b =\r\n");
	strip("DKIM-Signature: bh=1;b=\r\n", "DKIM-Signature: bh=1;b=\r\n");
	/* a value containing "b=" is not the b= tag */
	strip("DKIM-Signature: z=xb=1; b=2\r\n", "DKIM-Signature: z=xb=1; b=\r\n");
}

static void
test_domain_syntax(void **state)
{
	(void)state;
	assert_true(ik_dkim_domain_ok("example.com", 11, 0));
	assert_true(ik_dkim_domain_ok("a-b.example", 11, 0));
	assert_false(ik_dkim_domain_ok("com", 3, 0));
	assert_false(ik_dkim_domain_ok("-a.com", 6, 0));
	assert_false(ik_dkim_domain_ok("a-.com", 6, 0));
	assert_false(ik_dkim_domain_ok("a..com", 6, 0));
	assert_false(ik_dkim_domain_ok("a.com.", 6, 0));
	assert_false(ik_dkim_domain_ok("legitimate.com(.attacker.com", 28, 0));
	assert_true(ik_dkim_domain_ok("sel_2020", 8, 1));
	assert_false(ik_dkim_domain_ok("s el", 4, 1));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_taglist),
		cmocka_unit_test(test_colon_list),
		cmocka_unit_test(test_key_records),
		cmocka_unit_test(test_body_canon),
		cmocka_unit_test(test_body_canon_long_relaxed),
		cmocka_unit_test(test_body_length_limit),
		cmocka_unit_test(test_header_canon),
		cmocka_unit_test(test_strip_b),
		cmocka_unit_test(test_domain_syntax),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
