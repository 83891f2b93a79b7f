/* SPDX-License-Identifier: MIT */
/*
 * test_dkim_edge.c - the 24 DKIM edge cases, each message made here and
 * checked against the RFC-correct verdict (see inkan/dkim.h for how RFC
 * 6376 PERMFAIL maps onto RFC 8601 fail/permerror).
 *
 * Signatures with unusual tags are made by raw_sign(): it hashes and
 * signs like a signer would but takes the tag text verbatim, so every
 * signature below is cryptographically valid and the verdict is due to
 * the one property under test.
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
#include <inkan/msg.h>
#include "core/base64.h"
#include "core/alloc.h"
#include "crypto/crypto.h"
#include "dkim/dkim_internal.h"

#include "test_dkim_util.h"

#define NOW 1700000000
static int64_t now = NOW;

static const char base_msg[] =
	"From: Joe <joe@example.com>\r\n"
	"To: Suzie <suzie@example.net>\r\n"
	"Subject: Is dinner ready?\r\n"
	"Date: Fri, 11 Jul 2003 21:00:37 -0700\r\n"
	"Message-ID: <1@example.com>\r\n"
	"\r\n"
	"Hi.\r\n"
	"\r\n"
	"We lost the game.  Are you hungry yet?\r\n";

struct fixture {
	inkan_ctx *ctx;
	inkan_key *rsa;		/* 1024 bits: quick to make */
	inkan_key *ed;
	char *rsa_rec;		/* "v=DKIM1; k=rsa; p=..." */
	char *ed_rec;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char rec[1100];
	size_t len;

	f->ctx = tu_ctx(&now);
	if (inkan_key_generate(f->ctx, INKAN_KEY_RSA, 1024, &f->rsa) ||
	    inkan_key_generate(f->ctx, INKAN_KEY_ED25519, 0, &f->ed))
		return -1;
	if (inkan_key_dns_record(f->rsa, rec, sizeof(rec), &len))
		return -1;
	f->rsa_rec = strdup(rec);
	if (inkan_key_dns_record(f->ed, rec, sizeof(rec), &len))
		return -1;
	f->ed_rec = strdup(rec);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	inkan_key_free(f->rsa);
	inkan_key_free(f->ed);
	free(f->rsa_rec);
	free(f->ed_rec);
	inkan_ctx_free(f->ctx);
	free(f);
	return 0;
}

struct raw {
	ik_body_canon bc;
};

static inkan_status
raw_sink(void *ud, const char *data, size_t len)
{
	return ik_body_canon_update(&((struct raw *)ud)->bc, data, len);
}

/*
 * Sign @msg with the tags @tags (everything but bh= and b=), hashing the
 * header names @h (colon-separated, as in h=) with @alg, canonicalization
 * @hc/@bc and body limit @l (UINT64_MAX: none). Returns the new message.
 */
static char *
raw_sign(inkan_ctx *ctx, const inkan_key *key, const char *msg,
	const char *tags, const char *h, ik_hash_alg alg, ik_canon hc,
	ik_canon bcanon, uint64_t l)
{
	ik_crypto *cr = NULL;
	ik_digest *bd = NULL, *hd = NULL;
	inkan_msg *m = NULL;
	struct raw *raw = malloc(sizeof(*raw));
	unsigned char bh[IK_HASH_MAX], hh[IK_HASH_MAX], *sig = NULL;
	size_t sig_len = 0, hlen = ik_hash_len(alg), n = 0, i;
	char bh64[64], *b64, *hdr, *out, names[512], *names_v[64];
	char *next, *tok;

	assert_int_equal(ik_crypto_new(ctx, &cr), INKAN_OK);
	assert_int_equal(ik_digest_new(cr, alg, &bd), INKAN_OK);
	assert_int_equal(ik_digest_new(cr, alg, &hd), INKAN_OK);
	ik_body_canon_init(&raw->bc, bcanon, bd, l);
	assert_int_equal(inkan_msg_new(ctx, &m), INKAN_OK);
	assert_int_equal(inkan_msg_add_body_sink(m, raw_sink, raw), INKAN_OK);
	assert_int_equal(inkan_msg_feed(m, msg, strlen(msg)), INKAN_OK);
	assert_int_equal(inkan_msg_finish(m), INKAN_OK);
	assert_int_equal(ik_body_canon_final(&raw->bc, bh), INKAN_OK);
	ik_b64_encode(bh, hlen, bh64);

	hdr = malloc(strlen(tags) + 200);
	snprintf(hdr, strlen(tags) + 200, "DKIM-Signature: %s; bh=%s; b=",
		tags, bh64);
	snprintf(names, sizeof(names), "%s", h);
	for (tok = names; tok != NULL && n < 64; tok = next) {
		next = strchr(tok, ':');
		if (next != NULL)
			*next++ = '\0';
		names_v[n++] = tok;
	}
	assert_int_equal(ik_dkim_hash_headers(hd, hc, m,
		(const char *const *)names_v, n, NULL), INKAN_OK);
	assert_int_equal(ik_canon_header(hd, hc, hdr, strlen(hdr), 0),
		INKAN_OK);
	assert_int_equal(ik_digest_final(hd, hh), INKAN_OK);
	assert_int_equal(ik_key_sign(cr, key, alg, hh, hlen, &sig, &sig_len),
		INKAN_OK);
	b64 = malloc(ik_b64_encoded_len(sig_len) + 1);
	ik_b64_encode(sig, sig_len, b64);
	i = strlen(hdr) + strlen(b64) + strlen(msg) + 3;
	out = malloc(i);
	snprintf(out, i, "%s%s\r\n%s", hdr, b64, msg);
	ik_free(ctx, sig);
	free(b64);
	free(hdr);
	free(raw);
	inkan_msg_free(m);
	ik_digest_free(bd);
	ik_digest_free(hd);
	ik_crypto_free(cr);
	return out;
}

/* the usual RSA signature with extra @tags, h=from:to:subject */
static char *
rsa_sig(struct fixture *f, const char *msg, const char *extra)
{
	char tags[512];

	snprintf(tags, sizeof(tags), "v=1; a=rsa-sha256; c=relaxed/relaxed; "
		"d=example.com; s=sel; h=from:to:subject%s%s",
		extra[0] ? "; " : "", extra);
	return raw_sign(f->ctx, f->rsa, msg, tags, "from:to:subject",
		IK_HASH_SHA256, IK_CANON_RELAXED, IK_CANON_RELAXED, UINT64_MAX);
}

/* verify @msg with the key record @rec under sel._domainkey.example.com */
static struct tu_res
check(struct fixture *f, unsigned flags, const char *rec, const char *msg)
{
	struct tu_out out;
	char keys[1200];

	snprintf(keys, sizeof(keys), "sel._domainkey.example.com %s", rec);
	assert_int_equal(tu_verify(f->ctx, flags, keys, NULL, msg,
		strlen(msg), 0, &out), INKAN_OK);
	assert_int_equal(out.n, 1);
	return out.r[0];
}

#define EXPECT(res, v, r) do { \
	struct tu_res res_ = (res); \
	assert_int_equal(res_.verdict, (v)); \
	assert_int_equal(res_.reason, (r)); \
} while (0)

/* 0: the baseline passes, so every other verdict is the tag's doing */
static void
test_baseline(void **state)
{
	struct fixture *f = *state;
	char *m = rsa_sig(f, base_msg, "");

	EXPECT(check(f, 0, f->rsa_rec, m), INKAN_DKIM_PASS, INKAN_DKIM_R_OK);
	free(m);
}

/* 1, 2, 3: x= expired, x= before t=, t= in the future (with skew) */
static void
test_times(void **state)
{
	struct fixture *f = *state;
	char tx[128];
	char *m;

	snprintf(tx, sizeof(tx), "t=%d; x=%d", NOW - 2000, NOW - 1000);
	m = rsa_sig(f, base_msg, tx);
	EXPECT(check(f, 0, f->rsa_rec, m), INKAN_DKIM_PERMERROR,
		INKAN_DKIM_R_EXPIRED);
	free(m);
	/* expired by less than the skew (300 s): still fine */
	snprintf(tx, sizeof(tx), "t=%d; x=%d", NOW - 2000, NOW - 100);
	m = rsa_sig(f, base_msg, tx);
	EXPECT(check(f, 0, f->rsa_rec, m), INKAN_DKIM_PASS, INKAN_DKIM_R_OK);
	free(m);
	snprintf(tx, sizeof(tx), "t=%d; x=%d", NOW - 10, NOW - 20);
	m = rsa_sig(f, base_msg, tx);
	EXPECT(check(f, 0, f->rsa_rec, m), INKAN_DKIM_PERMERROR,
		INKAN_DKIM_R_EXPIRY_ORDER);
	free(m);
	snprintf(tx, sizeof(tx), "t=%d", NOW + 3600);
	m = rsa_sig(f, base_msg, tx);
	EXPECT(check(f, 0, f->rsa_rec, m), INKAN_DKIM_PERMERROR,
		INKAN_DKIM_R_FUTURE);
	free(m);
	snprintf(tx, sizeof(tx), "t=%d", NOW + 100);
	m = rsa_sig(f, base_msg, tx);
	EXPECT(check(f, 0, f->rsa_rec, m), INKAN_DKIM_PASS, INKAN_DKIM_R_OK);
	free(m);
}

/* 4, 5: l= with text appended; l= longer than the body */
static void
test_body_length(void **state)
{
	struct fixture *f = *state;
	/* relaxed canonical body: "Hi.\r\n\r\nWe lost the game. Are you
	 * hungry yet?\r\n" = 5 + 2 + 39 */
	const uint64_t blen = 46;
	char tags[256], *m, *m2;
	struct tu_res r;

	snprintf(tags, sizeof(tags), "v=1; a=rsa-sha256; c=relaxed/relaxed; "
		"d=example.com; s=sel; h=from:to:subject; l=%llu",
		(unsigned long long)blen);
	m = raw_sign(f->ctx, f->rsa, base_msg, tags, "from:to:subject",
		IK_HASH_SHA256, IK_CANON_RELAXED, IK_CANON_RELAXED, blen);
	r = check(f, 0, f->rsa_rec, m);
	EXPECT(r, INKAN_DKIM_PASS, INKAN_DKIM_R_OK);
	assert_true(r.has_length);
	assert_false(r.partial);
	assert_true(r.dmarc_usable);
	m2 = tu_cat(m, "Click here: http://evil.example/\r\n");
	r = check(f, 0, f->rsa_rec, m2);
	EXPECT(r, INKAN_DKIM_PASS, INKAN_DKIM_R_OK);
	assert_true(r.partial);
	assert_false(r.dmarc_usable);
	assert_non_null(strstr(r.authres, "partial"));
	r = check(f, INKAN_DKIM_PARTIAL_FOR_DMARC, f->rsa_rec, m2);
	assert_true(r.dmarc_usable);
	EXPECT(check(f, INKAN_DKIM_REJECT_PARTIAL, f->rsa_rec, m2),
		INKAN_DKIM_POLICY, INKAN_DKIM_R_PARTIAL_POLICY);
	free(m2);
	free(m);
	/* 5: l= ten bytes past the end of the body */
	snprintf(tags, sizeof(tags), "v=1; a=rsa-sha256; c=relaxed/relaxed; "
		"d=example.com; s=sel; h=from:to:subject; l=%llu",
		(unsigned long long)blen + 10);
	m = raw_sign(f->ctx, f->rsa, base_msg, tags, "from:to:subject",
		IK_HASH_SHA256, IK_CANON_RELAXED, IK_CANON_RELAXED, blen + 10);
	EXPECT(check(f, 0, f->rsa_rec, m), INKAN_DKIM_PERMERROR,
		INKAN_DKIM_R_BODY_LENGTH);
	free(m);
}

/* 6: rsa-sha1 is historic (RFC 8301 3.1) unless the legacy flag is on */
static void
test_rsa_sha1(void **state)
{
	struct fixture *f = *state;
	char *m = raw_sign(f->ctx, f->rsa, base_msg, "v=1; a=rsa-sha1; "
		"c=relaxed/relaxed; d=example.com; s=sel; h=from:to:subject",
		"from:to:subject", IK_HASH_SHA1, IK_CANON_RELAXED,
		IK_CANON_RELAXED, UINT64_MAX);

	EXPECT(check(f, 0, f->rsa_rec, m), INKAN_DKIM_PERMERROR,
		INKAN_DKIM_R_ALGORITHM_HISTORIC);
	EXPECT(check(f, INKAN_DKIM_ALLOW_RSA_SHA1, f->rsa_rec, m),
		INKAN_DKIM_PASS, INKAN_DKIM_R_OK);
	/* a key that allows only sha256 refuses it even then */
	char *rec = tu_replace(f->rsa_rec, "k=rsa;", "k=rsa; h=sha256;");
	EXPECT(check(f, INKAN_DKIM_ALLOW_RSA_SHA1, rec, m),
		INKAN_DKIM_PERMERROR, INKAN_DKIM_R_KEY_HASH);
	free(rec);
	free(m);
}

/* 7: a 512-bit key (RFC 8301 3.2: MUST NOT be considered valid) */
static void
test_small_key(void **state)
{
	struct fixture *f = *state;
	inkan_key *weak = NULL;
	char rec[1100], *m;
	size_t len;
	struct tu_res r;

	assert_int_equal(ik_key_generate_weak(f->ctx, 512, &weak), INKAN_OK);
	assert_int_equal(inkan_key_dns_record(weak, rec, sizeof(rec), &len),
		INKAN_OK);
	m = raw_sign(f->ctx, weak, base_msg, "v=1; a=rsa-sha256; "
		"c=relaxed/relaxed; d=example.com; s=sel; h=from:to:subject",
		"from:to:subject", IK_HASH_SHA256, IK_CANON_RELAXED,
		IK_CANON_RELAXED, UINT64_MAX);
	r = check(f, 0, rec, m);
	EXPECT(r, INKAN_DKIM_PERMERROR, INKAN_DKIM_R_KEY_TOO_SMALL);
	assert_int_equal(r.key_bits, 512);
	free(m);
	inkan_key_free(weak);
}

/* 8, 12, 13, 14: key records that do not fit */
static void
test_key_records(void **state)
{
	struct fixture *f = *state;
	char *m = rsa_sig(f, base_msg, ""), *rec;

	EXPECT(check(f, 0, "v=DKIM1; k=rsa; p=", m), INKAN_DKIM_FAIL,
		INKAN_DKIM_R_KEY_REVOKED);
	rec = tu_replace(f->rsa_rec, "k=rsa", "k=ed25519");
	EXPECT(check(f, 0, rec, m), INKAN_DKIM_PERMERROR,
		INKAN_DKIM_R_KEY_ALGORITHM);
	free(rec);
	rec = tu_replace(f->rsa_rec, "k=rsa;", "k=rsa; h=sha1;");
	EXPECT(check(f, 0, rec, m), INKAN_DKIM_PERMERROR,
		INKAN_DKIM_R_KEY_HASH);
	free(rec);
	rec = tu_replace(f->rsa_rec, "k=rsa;", "k=rsa; s=tlsrpt;");
	EXPECT(check(f, 0, rec, m), INKAN_DKIM_PERMERROR,
		INKAN_DKIM_R_KEY_SERVICE);
	free(rec);
	rec = tu_replace(f->rsa_rec, "k=rsa;", "k=rsa; s=email:tlsrpt;");
	EXPECT(check(f, 0, rec, m), INKAN_DKIM_PASS, INKAN_DKIM_R_OK);
	free(rec);
	/* the reverse of 12: an Ed25519 signature, key record k=rsa */
	free(m);
	m = raw_sign(f->ctx, f->ed, base_msg, "v=1; a=ed25519-sha256; "
		"c=relaxed/relaxed; d=example.com; s=sel; h=from:to:subject",
		"from:to:subject", IK_HASH_SHA256, IK_CANON_RELAXED,
		IK_CANON_RELAXED, UINT64_MAX);
	EXPECT(check(f, 0, f->ed_rec, m), INKAN_DKIM_PASS, INKAN_DKIM_R_OK);
	rec = tu_replace(f->ed_rec, "k=ed25519", "k=rsa");
	EXPECT(check(f, 0, rec, m), INKAN_DKIM_PERMERROR,
		INKAN_DKIM_R_KEY_ALGORITHM);
	free(rec);
	free(m);
}

/* 9, 10: i= and d= (6.1.1), key t=s (3.6.1) */
static void
test_identity(void **state)
{
	struct fixture *f = *state;
	char *m, *strict = tu_replace(f->rsa_rec, "k=rsa;", "k=rsa; t=s;");

	m = rsa_sig(f, base_msg, "i=joe@sub.example.com");
	EXPECT(check(f, 0, f->rsa_rec, m), INKAN_DKIM_PASS, INKAN_DKIM_R_OK);
	EXPECT(check(f, 0, strict, m), INKAN_DKIM_PERMERROR,
		INKAN_DKIM_R_KEY_STRICT);
	free(m);
	m = rsa_sig(f, base_msg, "i=joe@EXAMPLE.com");
	EXPECT(check(f, 0, strict, m), INKAN_DKIM_PASS, INKAN_DKIM_R_OK);
	free(m);
	m = rsa_sig(f, base_msg, "i=@other.org");
	EXPECT(check(f, 0, f->rsa_rec, m), INKAN_DKIM_PERMERROR,
		INKAN_DKIM_R_AUID_DOMAIN);
	free(m);
	m = rsa_sig(f, base_msg, "i=@notexample.com");
	EXPECT(check(f, 0, f->rsa_rec, m), INKAN_DKIM_PERMERROR,
		INKAN_DKIM_R_AUID_DOMAIN);
	free(m);
	free(strict);
}

/* 11, 15, 16, 17: h= without From, duplicate tag, v=2, unknown tag */
static void
test_tags(void **state)
{
	struct fixture *f = *state;
	char *m;

	m = raw_sign(f->ctx, f->rsa, base_msg, "v=1; a=rsa-sha256; "
		"c=relaxed/relaxed; d=example.com; s=sel; h=to:subject",
		"to:subject", IK_HASH_SHA256, IK_CANON_RELAXED,
		IK_CANON_RELAXED, UINT64_MAX);
	EXPECT(check(f, 0, f->rsa_rec, m), INKAN_DKIM_PERMERROR,
		INKAN_DKIM_R_FROM_NOT_SIGNED);
	free(m);
	m = rsa_sig(f, base_msg, "s=sel");
	EXPECT(check(f, 0, f->rsa_rec, m), INKAN_DKIM_PERMERROR,
		INKAN_DKIM_R_DUPLICATE_TAG);
	free(m);
	m = raw_sign(f->ctx, f->rsa, base_msg, "v=2; a=rsa-sha256; "
		"c=relaxed/relaxed; d=example.com; s=sel; h=from:to:subject",
		"from:to:subject", IK_HASH_SHA256, IK_CANON_RELAXED,
		IK_CANON_RELAXED, UINT64_MAX);
	EXPECT(check(f, 0, f->rsa_rec, m), INKAN_DKIM_PERMERROR,
		INKAN_DKIM_R_VERSION);
	free(m);
	m = rsa_sig(f, base_msg, "zz=future value; y2=1");
	EXPECT(check(f, 0, f->rsa_rec, m), INKAN_DKIM_PASS, INKAN_DKIM_R_OK);
	free(m);
}

/* 18, 19: a second From above or below the signed one (5.4.2) */
static void
test_extra_from(void **state)
{
	struct fixture *f = *state;
	inkan_dkim_sign_key sk;
	inkan_status st;
	char *m, *m2, *sig_end;

	/* h=from once: a From added above is not the one selected (DKIM
	 * passes; DMARC must reject the two-author message), one added
	 * below is selected first and breaks the signature */
	m = rsa_sig(f, base_msg, "");
	sig_end = strstr(m, "From: Joe");
	assert_non_null(sig_end);
	m2 = tu_replace(m, "From: Joe", "From: Evil <e@evil.example>\r\n"
		"From: Joe");
	EXPECT(check(f, 0, f->rsa_rec, m2), INKAN_DKIM_PASS,
		INKAN_DKIM_R_OK);
	free(m2);
	m2 = tu_replace(m, "To: Suzie", "From: Evil <e@evil.example>\r\n"
		"To: Suzie");
	EXPECT(check(f, 0, f->rsa_rec, m2), INKAN_DKIM_FAIL,
		INKAN_DKIM_R_SIGNATURE);
	free(m2);
	free(m);
	/* inkan's signer oversigns From: both placements now fail */
	memset(&sk, 0, sizeof(sk));
	sk.domain = "example.com";
	sk.selector = "sel";
	sk.key = f->rsa;
	m = tu_sign(f->ctx, base_msg, strlen(base_msg), &sk, 1, &st);
	assert_int_equal(st, INKAN_OK);
	EXPECT(check(f, 0, f->rsa_rec, m), INKAN_DKIM_PASS, INKAN_DKIM_R_OK);
	m2 = tu_replace(m, "From: Joe", "From: Evil <e@evil.example>\r\n"
		"From: Joe");
	EXPECT(check(f, 0, f->rsa_rec, m2), INKAN_DKIM_FAIL,
		INKAN_DKIM_R_SIGNATURE);
	free(m2);
	m2 = tu_replace(m, "To: Suzie", "From: Evil <e@evil.example>\r\n"
		"To: Suzie");
	EXPECT(check(f, 0, f->rsa_rec, m2), INKAN_DKIM_FAIL,
		INKAN_DKIM_R_SIGNATURE);
	free(m2);
	free(m);
}

static char *
sign_lib(struct fixture *f, const char *msg, inkan_dkim_canon c)
{
	inkan_dkim_sign_key sk;
	inkan_status st;
	char *m;

	memset(&sk, 0, sizeof(sk));
	sk.domain = "example.com";
	sk.selector = "sel";
	sk.key = f->rsa;
	sk.header_canon = sk.body_canon = c;
	m = tu_sign(f->ctx, msg, strlen(msg), &sk, 1, &st);
	assert_int_equal(st, INKAN_OK);
	return m;
}

/* every CRLF of @s as a bare LF */
static char *
to_lf(const char *s)
{
	char *out = malloc(strlen(s) + 1), *o = out;

	for (; *s; s++)
		if (!(s[0] == '\r' && s[1] == '\n'))
			*o++ = *s;
	*o = '\0';
	return out;
}

/* 20, 21, 22: LF-only, trailing whitespace and blank lines, no final CRLF */
static void
test_line_endings(void **state)
{
	struct fixture *f = *state;
	int c;

	for (c = INKAN_DKIM_CANON_SIMPLE; c <= INKAN_DKIM_CANON_RELAXED; c++) {
		char *m = sign_lib(f, base_msg, (inkan_dkim_canon)c), *m2, *m3;
		m2 = to_lf(m);
		EXPECT(check(f, 0, f->rsa_rec, m2), INKAN_DKIM_PASS,
			INKAN_DKIM_R_OK);
		free(m2);
		m2 = tu_cat(m, "\r\n\r\n\r\n");
		EXPECT(check(f, 0, f->rsa_rec, m2), INKAN_DKIM_PASS,
			INKAN_DKIM_R_OK);
		free(m2);
		m2 = tu_replace(m, "yet?\r\n", "yet?  \t\r\n \r\n\r\n");
		if (c == INKAN_DKIM_CANON_RELAXED)
			EXPECT(check(f, 0, f->rsa_rec, m2), INKAN_DKIM_PASS,
				INKAN_DKIM_R_OK);
		else
			EXPECT(check(f, 0, f->rsa_rec, m2), INKAN_DKIM_FAIL,
				INKAN_DKIM_R_BODY_HASH);
		free(m2);
		/* no final CRLF: canonicalization adds it back */
		m2 = strdup(m);
		m2[strlen(m2) - 2] = '\0';
		EXPECT(check(f, 0, f->rsa_rec, m2), INKAN_DKIM_PASS,
			INKAN_DKIM_R_OK);
		/* signed without a final CRLF, delivered with one */
		m3 = sign_lib(f, "From: a@example.com\r\n\r\nHello",
			(inkan_dkim_canon)c);
		EXPECT(check(f, 0, f->rsa_rec, m3), INKAN_DKIM_PASS,
			INKAN_DKIM_R_OK);
		free(m2);
		m2 = tu_cat(m3, "\r\n");
		EXPECT(check(f, 0, f->rsa_rec, m2), INKAN_DKIM_PASS,
			INKAN_DKIM_R_OK);
		free(m2);
		free(m3);
		free(m);
	}
}

/* 23: a field folded right after its colon */
static void
test_folded_after_colon(void **state)
{
	struct fixture *f = *state;
	const char *msg = "From: a@example.com\r\nSubject:\r\n  folded\r\n"
		"\tsubject\r\n\r\nbody\r\n";
	int c;

	for (c = INKAN_DKIM_CANON_SIMPLE; c <= INKAN_DKIM_CANON_RELAXED; c++) {
		char *m = sign_lib(f, msg, (inkan_dkim_canon)c), *m2;
		EXPECT(check(f, 0, f->rsa_rec, m), INKAN_DKIM_PASS,
			INKAN_DKIM_R_OK);
		/* refolded in transit */
		m2 = tu_replace(m, "Subject:\r\n  folded\r\n\tsubject",
			"Subject: folded subject");
		if (c == INKAN_DKIM_CANON_RELAXED)
			EXPECT(check(f, 0, f->rsa_rec, m2), INKAN_DKIM_PASS,
				INKAN_DKIM_R_OK);
		else
			EXPECT(check(f, 0, f->rsa_rec, m2), INKAN_DKIM_FAIL,
				INKAN_DKIM_R_SIGNATURE);
		free(m2);
		free(m);
	}
}

/* 24: an empty body, both canonicalizations (3.4.3, 3.4.4 hashes) */
static void
test_empty_body(void **state)
{
	struct fixture *f = *state;
	const char *msgs[] = { "From: a@example.com\r\n\r\n",
		"From: a@example.com\r\n" };
	size_t i;

	for (i = 0; i < 2; i++) {
		char *s = sign_lib(f, msgs[i], INKAN_DKIM_CANON_SIMPLE);
		char *r = sign_lib(f, msgs[i], INKAN_DKIM_CANON_RELAXED);
		assert_non_null(strstr(s, "bh=frcCV1k9oG9oKj3dpUqdJg1PxRT2RSN/"
			"XKdLCPjaYaY="));
		assert_non_null(strstr(r, "bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NM"
			"pJWZG3hSuFU="));
		EXPECT(check(f, 0, f->rsa_rec, s), INKAN_DKIM_PASS,
			INKAN_DKIM_R_OK);
		EXPECT(check(f, 0, f->rsa_rec, r), INKAN_DKIM_PASS,
			INKAN_DKIM_R_OK);
		free(s);
		free(r);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_baseline),
		cmocka_unit_test(test_times),
		cmocka_unit_test(test_body_length),
		cmocka_unit_test(test_rsa_sha1),
		cmocka_unit_test(test_small_key),
		cmocka_unit_test(test_key_records),
		cmocka_unit_test(test_identity),
		cmocka_unit_test(test_tags),
		cmocka_unit_test(test_extra_from),
		cmocka_unit_test(test_line_endings),
		cmocka_unit_test(test_folded_after_colon),
		cmocka_unit_test(test_empty_body),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
