/* SPDX-License-Identifier: MIT */
/*
 * test_dkim_vectors.c - the vectors of ../shared/testsuites/dkim:
 * RFC 8463 appendix A (Ed25519 + RSA, both pass), RFC 6376 A.2 (fails:
 * its bh= is the relaxed hash under c=simple/simple), and the dkimpy data
 * files as that suite's README describes them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <inkan/authres.h>
#include <inkan/dkim.h>
#include <inkan/msg.h>

#include "test_dkim_util.h"

#define DATA DKIM_SUITE "/dkimpy-1.1.4-data/"

static int64_t now = 1700000000;

static char *
key_line_from_file(const char *qname, const char *file)
{
	size_t len, n;
	char *txt = tu_read(file, &len), *line;

	while (len > 0 && (txt[len - 1] == '\n' || txt[len - 1] == '\r'))
		txt[--len] = '\0';
	n = strlen(qname) + len + 2;
	line = malloc(n);
	assert_non_null(line);
	snprintf(line, n, "%s %s", qname, txt);
	free(txt);
	return line;
}

static void
test_rfc8463(void **state)
{
	inkan_ctx *ctx = tu_ctx(&now);
	struct tu_out out;
	size_t len, chunks[] = { 0, 1, 2, 7, 64 }, i;
	char *msg = tu_read(DKIM_SUITE "/rfc8463/signed.eml", &len);

	(void)state;
	for (i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
		assert_int_equal(tu_verify(ctx, 0, NULL,
			DKIM_SUITE "/rfc8463/keys.zone", msg, len, chunks[i],
			&out), INKAN_OK);
		assert_int_equal(out.n, 2);
		assert_int_equal(out.r[0].verdict, INKAN_DKIM_PASS);
		assert_int_equal(out.r[1].verdict, INKAN_DKIM_PASS);
	}
	assert_string_equal(out.r[0].selector, "brisbane");
	assert_int_equal(out.r[0].key_bits, 256);
	assert_string_equal(out.r[1].selector, "test");
	assert_int_equal(out.r[1].key_bits, 1024);
	assert_string_equal(out.r[0].auid, "@football.example.com");
	assert_true(out.r[0].dmarc_usable);
	assert_string_equal(out.r[0].authres, "dkim=pass "
		"header.i=@football.example.com header.s=brisbane "
		"header.b=\"/gCrinpc\"");
	assert_string_equal(out.r[1].authres, "dkim=pass "
		"header.i=@football.example.com header.s=test "
		"header.b=F45dVWDf");

	/* one byte of the body changed: both fail on the body hash */
	char *bad = tu_replace(msg, "We lost", "We won!");
	assert_non_null(bad);
	assert_int_equal(tu_verify(ctx, 0, NULL,
		DKIM_SUITE "/rfc8463/keys.zone", bad, strlen(bad), 0, &out),
		INKAN_OK);
	assert_int_equal(out.r[0].verdict, INKAN_DKIM_FAIL);
	assert_int_equal(out.r[0].reason, INKAN_DKIM_R_BODY_HASH);
	assert_int_equal(out.r[1].reason, INKAN_DKIM_R_BODY_HASH);
	free(bad);
	/* a signed header changed: the signatures no longer verify */
	bad = tu_replace(msg, "Subject: Is dinner ready?",
		"Subject: Is dinner ready!");
	assert_non_null(bad);
	assert_int_equal(tu_verify(ctx, 0, NULL,
		DKIM_SUITE "/rfc8463/keys.zone", bad, strlen(bad), 0, &out),
		INKAN_OK);
	assert_int_equal(out.r[0].reason, INKAN_DKIM_R_SIGNATURE);
	assert_int_equal(out.r[1].reason, INKAN_DKIM_R_SIGNATURE);
	free(bad);
	/* relaxed: extra whitespace in a signed header is fine */
	bad = tu_replace(msg, "Subject: Is dinner ready?",
		"Subject:   Is  dinner\tready? ");
	assert_int_equal(tu_verify(ctx, 0, NULL,
		DKIM_SUITE "/rfc8463/keys.zone", bad, strlen(bad), 0, &out),
		INKAN_OK);
	assert_int_equal(out.r[0].verdict, INKAN_DKIM_PASS);
	assert_int_equal(out.r[1].verdict, INKAN_DKIM_PASS);
	free(bad);
	/* no key published: permerror (no key) */
	assert_int_equal(tu_verify(ctx, 0, "", NULL, msg, len, 0, &out),
		INKAN_OK);
	assert_int_equal(out.r[0].verdict, INKAN_DKIM_PERMERROR);
	assert_int_equal(out.r[0].reason, INKAN_DKIM_R_NO_KEY);
	free(msg);
	inkan_ctx_free(ctx);
}

static void
test_rfc6376_a2_fails(void **state)
{
	inkan_ctx *ctx = tu_ctx(&now);
	struct tu_out out;
	size_t len;
	char *msg = tu_read(DKIM_SUITE "/rfc6376/A2-signed-as-printed.eml",
		&len);

	(void)state;
	assert_int_equal(tu_verify(ctx, 0, NULL,
		DKIM_SUITE "/rfc6376/keys.zone", msg, len, 0, &out), INKAN_OK);
	assert_int_equal(out.n, 1);
	assert_int_equal(out.r[0].verdict, INKAN_DKIM_FAIL);
	assert_int_equal(out.r[0].reason, INKAN_DKIM_R_BODY_HASH);
	free(msg);
	inkan_ctx_free(ctx);
}

static void
test_dkimpy_signed(void **state)
{
	inkan_ctx *ctx = tu_ctx(&now);
	struct tu_out out;
	size_t len;
	char *keys, *rsa, *msg;

	(void)state;
	rsa = key_line_from_file("test._domainkey.football.example.com",
		DATA "test.txt");
	keys = tu_cat(rsa, "\nbrisbane._domainkey.football.example.com "
		"v=DKIM1; k=ed25519; "
		"p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=");
	msg = tu_read(DATA "rfc6376.signed.msg", &len);
	assert_int_equal(tu_verify(ctx, 0, keys, NULL, msg, len, 3, &out),
		INKAN_OK);
	assert_int_equal(out.n, 2);
	assert_int_equal(out.r[0].verdict, INKAN_DKIM_PASS);
	assert_int_equal(out.r[1].verdict, INKAN_DKIM_PASS);
	free(msg);
	msg = tu_read(DATA "rfc6376.signed.rsa.msg", &len);
	assert_int_equal(tu_verify(ctx, 0, keys, NULL, msg, len, 0, &out),
		INKAN_OK);
	assert_int_equal(out.n, 1);
	assert_int_equal(out.r[0].verdict, INKAN_DKIM_PASS);
	free(msg);
	free(keys);
	free(rsa);

	/* Exim's Ed25519 signature (folded before the ';') */
	keys = key_line_from_file("sed._domainkey.test.ex",
		DATA "eximtest.dns");
	msg = tu_read(DATA "ed25519test2.msg", &len);
	assert_int_equal(tu_verify(ctx, 0, keys, NULL, msg, len, 0, &out),
		INKAN_OK);
	assert_int_equal(out.r[0].verdict, INKAN_DKIM_PASS);
	free(msg);
	free(keys);
	inkan_ctx_free(ctx);
}

/* Gmail's published 20120113 key, as dkimpy's own test embeds it */
static const char gmail_key[] =
	"20120113._domainkey.gmail.com k=rsa; "
	"p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA1Kd87/UeJjenpabgbFwh"
	"+eBCsSTrqmwIYYvywlbhbqoo2DymndFkbjOVIPIldNs/m40KF+yzMn1skyoxcTUGCQ"
	"s8g3FgD2Ap3ZB5DekAo5wMmk4wimDO+U8QzI3SD07y2+07wlNWwIt8svnxgdxGkVbb"
	"hzY8i+RQ9DpSVpPbF7ykQxtKXkv/ahW3KjViiAH+ghvvIhkx4xYSIc9oSwVmAl5Oct"
	"MEeWUwg8Istjqz8BZeTWbf41fbNhte7Y+YqZOwq1Sd0DbvYAD9NOZK9vlfuac0598H"
	"Y+vtSBczUiKERHv1yRbcaQtZFh5wtiRrN04BLUTD21MycBX5jYchHjPY/wIDAQAB";

static void
test_dkimpy_degenerate_folding(void **state)
{
	inkan_ctx *ctx = tu_ctx(&now);
	struct tu_out out;
	size_t len;
	char *msg = tu_read(DATA "test2.message", &len);

	(void)state;
	assert_int_equal(tu_verify(ctx, 0, gmail_key, NULL, msg, len, 0,
		&out), INKAN_OK);
	assert_int_equal(out.n, 1);
	assert_int_equal(out.r[0].verdict, INKAN_DKIM_PASS);
	assert_int_equal(out.r[0].key_bits, 2048);
	free(msg);
	inkan_ctx_free(ctx);
}

static void
test_dkimpy_bad_domain(void **state)
{
	inkan_ctx *ctx = tu_ctx(&now);
	struct tu_out out;
	size_t len;
	char *msg = tu_read(DATA "test.message.baddomain", &len);

	(void)state;
	assert_int_equal(tu_verify(ctx, 0, NULL, NULL, msg, len, 0, &out),
		INKAN_OK);
	assert_int_equal(out.r[0].verdict, INKAN_DKIM_PERMERROR);
	assert_int_equal(out.r[0].reason, INKAN_DKIM_R_DOMAIN);
	free(msg);
	inkan_ctx_free(ctx);
}

/* sign @msgfile with @keyfile, verify with the record in @recfile */
static inkan_dkim_verdict
round_trip(inkan_ctx *ctx, const char *msgfile, const char *keyfile,
	const char *recfile, inkan_dkim_canon c, inkan_dkim_reason *why)
{
	inkan_key *key = NULL;
	inkan_dkim_sign_key sk;
	struct tu_out out;
	inkan_status st;
	size_t len;
	char *msg = tu_read(msgfile, &len), *signed_msg, *keys;

	assert_int_equal(inkan_key_load_file(ctx, keyfile, &key), INKAN_OK);
	memset(&sk, 0, sizeof(sk));
	sk.domain = "example.com";
	sk.selector = "test";
	sk.key = key;
	sk.header_canon = sk.body_canon = c;
	signed_msg = tu_sign(ctx, msg, len, &sk, 1, &st);
	assert_int_equal(st, INKAN_OK);
	keys = key_line_from_file("test._domainkey.example.com", recfile);
	assert_int_equal(tu_verify(ctx, 0, keys, NULL, signed_msg,
		strlen(signed_msg), 5, &out), INKAN_OK);
	/* ours is on top; a message may carry older signatures below */
	assert_true(out.n >= 1);
	assert_string_equal(out.r[0].domain, "example.com");
	*why = out.r[0].reason;
	free(keys);
	free(signed_msg);
	free(msg);
	inkan_key_free(key);
	return out.r[0].verdict;
}

static void
test_dkimpy_round_trips(void **state)
{
	inkan_ctx *ctx = tu_ctx(&now);
	inkan_dkim_reason why;
	static const struct {
		const char *msg, *key, *rec;
	} ok[] = {
		{ "test.message", "test.private", "test.txt" },
		{ "test.message", "test.private", "test2.txt" },
		{ "rfc6376.msg", "ed25519test.key", "ed25519test.dns" },
		{ "message.mbox", "1024_testkey.key",
		  "1024_testkey_wo_markers.pub.txt" },
		{ "test_extra.message", "1024_testkey.key",
		  "1024_testkey_wo_markers.pub.rsa.txt" },
		{ "rfc6376.w1258.msg", "2048_testkey.key",
		  "2048_testkey_wo_markers.pub.txt" },
		{ "test.message", "2048_testkey.key",
		  "2048_testkey_wo_markers.pub.rsa.txt" },
		{ "test.message", "2048_testkey_PKCS8.key",
		  "2048_testkey_PKCS8.key.pub.txt" },
	};
	size_t i;
	int c;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		char m[512], k[512], r[512];
		snprintf(m, sizeof(m), DATA "%s", ok[i].msg);
		snprintf(k, sizeof(k), DATA "%s", ok[i].key);
		snprintf(r, sizeof(r), DATA "%s", ok[i].rec);
		for (c = 1; c <= 2; c++)
			assert_int_equal(round_trip(ctx, m, k, r,
				(inkan_dkim_canon)c, &why), INKAN_DKIM_PASS);
	}
	/* the bad records of the suite */
	assert_int_equal(round_trip(ctx, DATA "test.message",
		DATA "test.private", DATA "badk.txt", 0, &why),
		INKAN_DKIM_PERMERROR);
	assert_int_equal(why, INKAN_DKIM_R_KEY_ALGORITHM);
	assert_int_equal(round_trip(ctx, DATA "test.message",
		DATA "test.private", DATA "badversion.txt", 0, &why),
		INKAN_DKIM_PERMERROR);
	assert_int_equal(why, INKAN_DKIM_R_KEY_SYNTAX);
	assert_int_equal(round_trip(ctx, DATA "test.message",
		DATA "test.private", DATA "test_bad.txt", 0, &why),
		INKAN_DKIM_PERMERROR);
	assert_int_equal(why, INKAN_DKIM_R_KEY_INVALID);
	assert_int_equal(round_trip(ctx, DATA "test.message",
		DATA "test.private", DATA "test_tlsrpt.txt", 0, &why),
		INKAN_DKIM_PERMERROR);
	assert_int_equal(why, INKAN_DKIM_R_KEY_SERVICE);
	/* a key that does not match the signature */
	assert_int_equal(round_trip(ctx, DATA "test.message",
		DATA "1024_testkey.key", DATA "test.txt", 0, &why),
		INKAN_DKIM_FAIL);
	assert_int_equal(why, INKAN_DKIM_R_SIGNATURE);
	inkan_ctx_free(ctx);
}

static void
test_dkimpy_nofrom_refused(void **state)
{
	inkan_ctx *ctx = tu_ctx(&now);
	inkan_key *key = NULL;
	inkan_dkim_sign_key sk;
	inkan_status st;
	size_t len;
	char *msg = tu_read(DATA "test_nofrom.message", &len);

	(void)state;
	assert_int_equal(inkan_key_load_file(ctx, DATA "test.private", &key),
		INKAN_OK);
	memset(&sk, 0, sizeof(sk));
	sk.domain = "example.com";
	sk.selector = "test";
	sk.key = key;
	assert_null(tu_sign(ctx, msg, len, &sk, 1, &st));
	assert_int_equal(st, INKAN_ERR_SYNTAX);
	inkan_key_free(key);
	free(msg);
	inkan_ctx_free(ctx);
}

/* the results as an Authentication-Results field (inkan/authres.h) */
static void
test_authres_builder(void **state)
{
	inkan_ctx *ctx = tu_ctx(&now);
	inkan_dkim *d = NULL;
	inkan_msg *m = NULL;
	inkan_dkim_verify *v = NULL;
	inkan_authres_builder *b = NULL;
	char *text = NULL, *bad;
	size_t len, i;
	char *msg = tu_read(DKIM_SUITE "/rfc8463/signed.eml", &len);

	(void)state;
	/* the RSA signature broken: one pass, one fail with a reason */
	bad = tu_replace(msg, "b=F45dVWDf", "b=F45dVWDg");
	assert_int_equal(inkan_dkim_new(ctx, &d), INKAN_OK);
	assert_int_equal(inkan_dkim_load_key_file(d,
		DKIM_SUITE "/rfc8463/keys.zone"), INKAN_OK);
	assert_int_equal(inkan_msg_new(ctx, &m), INKAN_OK);
	assert_int_equal(inkan_dkim_verify_new(d, m, &v), INKAN_OK);
	assert_int_equal(inkan_msg_feed(m, bad, strlen(bad)), INKAN_OK);
	assert_int_equal(inkan_msg_finish(m), INKAN_OK);
	assert_int_equal(inkan_dkim_verify_eom(v), INKAN_OK);
	assert_int_equal(inkan_authres_builder_new(ctx, "mx.example.net", &b),
		INKAN_OK);
	assert_int_equal(inkan_authres_builder_set_style(b,
		INKAN_AUTHRES_STYLE_NO_WRAP), INKAN_OK);
	for (i = 0; i < inkan_dkim_verify_count(v); i++)
		assert_int_equal(inkan_dkim_result_to_authres(
			inkan_dkim_verify_result(v, i), b), INKAN_OK);
	assert_int_equal(inkan_authres_build(b, &text, NULL), INKAN_OK);
	assert_non_null(strstr(text, "dkim=pass "
		"header.i=@football.example.com header.s=brisbane "
		"header.b=\"/gCrinpc\""));
	assert_non_null(strstr(text, "dkim=fail reason=\"signature did not "
		"verify\" header.i=@football.example.com header.s=test "
		"header.b=F45dVWDg"));
	inkan_free(ctx, text);
	inkan_authres_builder_free(b);
	inkan_dkim_verify_free(v);
	inkan_msg_free(m);
	inkan_dkim_free(d);
	free(bad);
	free(msg);
	inkan_ctx_free(ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc8463),
		cmocka_unit_test(test_rfc6376_a2_fails),
		cmocka_unit_test(test_dkimpy_signed),
		cmocka_unit_test(test_dkimpy_degenerate_folding),
		cmocka_unit_test(test_dkimpy_bad_domain),
		cmocka_unit_test(test_dkimpy_round_trips),
		cmocka_unit_test(test_dkimpy_nofrom_refused),
		cmocka_unit_test(test_authres_builder),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
