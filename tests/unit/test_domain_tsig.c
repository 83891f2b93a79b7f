/* SPDX-License-Identifier: MIT */
/*
 * test_domain_tsig.c - the TSIG key file parser, TSIG signing and the
 * check of signed responses (RFC 8945), DNS UPDATE messages (RFC 2136)
 * and the response decoder.
 *
 * The MACs are recomputed here with OpenSSL's HMAC directly from the
 * RFC's description (4.3), independently of lib/domain's code.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <inkan/domain.h>

#include "dns/tsig.h"
#include "dns/update.h"

int test_domain_tsig_group(void);

/* base64 of the 32 bytes 0x00..0x1f */
#define SECRET_B64 "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
#define KEYTEXT "key \"Upd.Example.\" {\n\talgorithm hmac-sha256;\n" \
	"\tsecret \"" SECRET_B64 "\";\n};\n"

static inkan_ctx *ctx;

static int
setup(void **state)
{
	(void)state;
	return inkan_ctx_new(NULL, &ctx) == INKAN_OK ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	inkan_ctx_free(ctx);
	return 0;
}

static inkan_tsig_key *
key(void)
{
	inkan_tsig_key *k;
	char err[128];

	assert_int_equal(inkan_tsig_key_parse(ctx, KEYTEXT, strlen(KEYTEXT),
		&k, err, sizeof(err)), INKAN_OK);
	return k;
}

static void
test_key_parse(void **state)
{
	static const struct {
		const char *text;
		inkan_status st;
		const char *err;
	} cases[] = {
		{ "", INKAN_ERR_SYNTAX, "key statement" },
		{ "key k { algorithm hmac-sha256; };", INKAN_ERR_SYNTAX,
		  "algorithm and a secret" },
		{ "key k { secret \"" SECRET_B64 "\"; };", INKAN_ERR_SYNTAX,
		  "algorithm and a secret" },
		{ "key k { algorithm hmac-md5; secret \"AA==\"; };",
		  INKAN_ERR_UNSUPPORTED, "hmac-md5" },
		{ "key k { algorithm rot13; secret \"AA==\"; };",
		  INKAN_ERR_SYNTAX, "unknown algorithm" },
		{ "key k { algorithm hmac-sha256; secret \"A*==\"; };",
		  INKAN_ERR_SYNTAX, "base64" },
		{ "key k { algorithm hmac-sha256; secret \"\"; };",
		  INKAN_ERR_SYNTAX, "base64" },
		{ "key k { algorithm hmac-sha256; algorithm hmac-sha1; };",
		  INKAN_ERR_SYNTAX, "twice" },
		{ "key k { algorithm hmac-sha256 secret \"AA==\"; };",
		  INKAN_ERR_SYNTAX, "expected ;" },
		{ "key k { algorithm hmac-sha256; secret \"AA==\"; }",
		  INKAN_ERR_SYNTAX, "after }" },
		{ "key k { algorithm hmac-sha256; secret \"AA==\"; };\n"
		  "key l { algorithm hmac-sha256; secret \"AA==\"; };",
		  INKAN_ERR_SYNTAX, "one key" },
		{ "key k { algorithm hmac-sha256; secret \"AA==\"; port 5; };",
		  INKAN_ERR_SYNTAX, "unknown key option" },
		{ "key a..b { algorithm hmac-sha256; secret \"AA==\"; };",
		  INKAN_ERR_SYNTAX, "DNS name" },
		{ "/* open comment key k {", INKAN_ERR_SYNTAX, "comment" },
		{ "key \"k { algorithm", INKAN_ERR_SYNTAX, "unterminated" },
		{ "key k { algorithm hmac-sha256; secret \"A\\A==\"; };",
		  INKAN_ERR_SYNTAX, "odd byte" },
		{ "key k ( algorithm hmac-sha256; );", INKAN_ERR_SYNTAX,
		  "expected {" },
	};
	inkan_tsig_key *k;
	char err[128], big[20000];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err[0] = '\0';
		assert_int_equal(inkan_tsig_key_parse(ctx, cases[i].text,
			strlen(cases[i].text), &k, err, sizeof(err)),
			cases[i].st);
		assert_null(k);
		if (strstr(err, cases[i].err) == NULL)
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err,
				cases[i].err);
	}
	/* what ddns-confgen writes: comments of all three kinds */
	{
		const char *t = "# comment\n// another\n/* and\n one */ key "
			"\"ddns-key.example.org\" {\n\talgorithm HMAC-SHA512;\n"
			"\tsecret \"" SECRET_B64 "\";\n};\n# after\n";

		assert_int_equal(inkan_tsig_key_parse(ctx, t, strlen(t), &k,
			err, sizeof(err)), INKAN_OK);
		assert_string_equal(inkan_tsig_key_name(k),
			"ddns-key.example.org");
		assert_string_equal(inkan_tsig_key_algorithm(k), "hmac-sha512");
		assert_int_equal(k->secret_len, 32);
		inkan_tsig_key_free(k);
	}
	k = key();
	assert_string_equal(inkan_tsig_key_name(k), "upd.example");
	assert_int_equal(k->alg->mac_len, 32);
	inkan_tsig_key_free(k);
	memset(big, ' ', sizeof(big));
	assert_int_equal(inkan_tsig_key_parse(ctx, big, sizeof(big), &k, err,
		sizeof(err)), INKAN_ERR_LIMIT);
	assert_int_equal(inkan_tsig_key_load(ctx, "/nonexistent/key", &k,
		err, sizeof(err)), INKAN_ERR_IO);
}

static void
put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* RFC 8945 4.3.3 variables for our test key, by hand */
static size_t
vars(uint8_t *out, uint64_t t, unsigned fudge, unsigned error)
{
	static const uint8_t name[] = "\x03upd\x07" "example";	/* + 0 */
	static const uint8_t alg[] = "\x0bhmac-sha256";
	size_t n = 0;
	int i;

	memcpy(out + n, name, sizeof(name));	/* includes the root 0 */
	n += sizeof(name);
	put16(out + n, 255);			/* class ANY */
	memset(out + n + 2, 0, 4);		/* TTL */
	n += 6;
	memcpy(out + n, alg, sizeof(alg));
	n += sizeof(alg);
	for (i = 5; i >= 0; i--)
		out[n + (size_t)i] = (uint8_t)(t >> (8 * (5 - i)));
	n += 6;
	put16(out + n, fudge);
	put16(out + n + 2, error);
	put16(out + n + 4, 0);
	return n + 6;
}

static void
hmac(const uint8_t *data, size_t len, unsigned char *mac)
{
	unsigned char secret[32];
	unsigned int ml = 0;
	int i;

	for (i = 0; i < 32; i++)
		secret[i] = (unsigned char)i;
	assert_non_null(HMAC(EVP_sha256(), secret, 32, data, len, mac, &ml));
	assert_int_equal(ml, 32);
}

static void
test_sign(void **state)
{
	inkan_tsig_key *k = key();
	unsigned char mac[IK_TSIG_MAC_MAX], want[32];
	uint8_t in[1024];
	size_t maclen, n, before;
	ik_buf b;
	ik_upd_resp h;

	(void)state;
	ik_buf_init(&b, ctx, 4096);
	assert_int_equal(ik_query_build(&b, "example.com", 16, 0x1234),
		INKAN_OK);
	before = b.len;
	memcpy(in, b.data, before);
	assert_int_equal(ik_tsig_sign(k, &b, 1700000000, mac, &maclen),
		INKAN_OK);
	assert_int_equal(maclen, 32);
	/* the MAC over the unsigned message and the variables (5.1) */
	n = before + vars(in + before, 1700000000, 300, 0);
	hmac(in, n, want);
	assert_memory_equal(mac, want, 32);
	/* ARCOUNT 1; the TSIG is the last RR; the MAC is in it */
	assert_int_equal(((uint8_t)b.data[10] << 8) | (uint8_t)b.data[11], 1);
	assert_int_equal(ik_upd_parse_response((const uint8_t *)b.data, b.len,
		&h), INKAN_OK);
	assert_int_equal(h.tsig_off, before);
	assert_memory_equal(b.data + b.len - 6 - 32, want, 32);
	/* original ID, error 0, other len 0 */
	assert_memory_equal(b.data + b.len - 6, "\x12\x34\0\0\0\0", 6);
	ik_buf_free(&b);
	inkan_tsig_key_free(k);
}

/* a signed UPDATE response to the request with MAC @req */
static size_t
response(uint8_t *out, const unsigned char *req, unsigned maclen_on_wire,
	uint64_t t, unsigned error, const char *owner_wire)
{
	static const uint8_t alg[] = "\x0bhmac-sha256";
	uint8_t in[1024];
	unsigned char mac[32];
	size_t n = 0, m, rd;

	/* header: ID 0x4242, QR, opcode 5, NOERROR, ZO 1, AR 1 */
	memset(out, 0, 12);
	put16(out, 0x4242);
	out[2] = 0x80 | (5 << 3);
	put16(out + 4, 1);
	put16(out + 10, 1);
	n = 12;
	memcpy(out + n, "\x07" "example\x03" "com\0\0\x06\0\x01", 17);
	n += 17;
	/* MAC input: request MAC, message with ARCOUNT 0, variables */
	put16(in, 32);
	memcpy(in + 2, req, 32);
	memcpy(in + 34, out, n);
	in[34 + 11] = 0;
	m = 34 + n + vars(in + 34 + n, t, 300, error);
	hmac(in, m, mac);
	/* the TSIG RR */
	memcpy(out + n, owner_wire, strlen(owner_wire) + 1);
	n += strlen(owner_wire) + 1;
	put16(out + n, 250);
	put16(out + n + 2, 255);
	memset(out + n + 4, 0, 4);
	rd = sizeof(alg) + 10 + maclen_on_wire + 6;
	put16(out + n + 8, (unsigned)rd);
	n += 10;
	memcpy(out + n, alg, sizeof(alg));
	n += sizeof(alg);
	out[n] = 0;
	out[n + 1] = (uint8_t)(t >> 32);
	out[n + 2] = (uint8_t)(t >> 24);
	out[n + 3] = (uint8_t)(t >> 16);
	out[n + 4] = (uint8_t)(t >> 8);
	out[n + 5] = (uint8_t)t;
	put16(out + n + 6, 300);
	put16(out + n + 8, maclen_on_wire);
	n += 10;
	memcpy(out + n, mac, maclen_on_wire < 32 ? maclen_on_wire : 32);
	if (maclen_on_wire > 32)
		memset(out + n + 32, 0, maclen_on_wire - 32);
	n += maclen_on_wire;
	put16(out + n, 0x4242);
	put16(out + n + 2, error);
	put16(out + n + 4, 0);
	return n + 6;
}

static int
verify(inkan_tsig_key *k, uint8_t *msg, size_t len, const unsigned char *req,
	int64_t now, ik_tsig_check *c)
{
	ik_upd_resp h;

	if (ik_upd_parse_response(msg, len, &h) != INKAN_OK ||
	    h.tsig_off == 0)
		return -1;
	if (ik_tsig_verify(k, msg, len, h.tsig_off, 0x4242, req, 32, now, c)
	    != INKAN_OK)
		return -2;
	return c->verified && c->time_ok;
}

static void
test_verify(void **state)
{
	inkan_tsig_key *k = key();
	unsigned char req[32];
	uint8_t msg[1024];
	const char *owner = "\x03upd\x07" "example";
	const char *upper = "\x03UPD\x07" "EXAMPLE";
	ik_tsig_check c;
	size_t n, i;

	(void)state;
	for (i = 0; i < 32; i++)
		req[i] = (unsigned char)(0xa0 + i);
	n = response(msg, req, 32, 1700000000, 0, owner);
	assert_int_equal(verify(k, msg, n, req, 1700000100, &c), 1);
	/* owner names compare without case */
	n = response(msg, req, 32, 1700000000, 0, upper);
	assert_int_equal(verify(k, msg, n, req, 1700000100, &c), 1);
	/* any byte changed before the TSIG breaks it, but the ID: the MAC
	 * covers the original ID (4.3.2), the caller matches IDs itself */
	for (i = 0; i < 29; i++) {
		n = response(msg, req, 32, 1700000000, 0, owner);
		msg[i] ^= 0x01;
		if (i < 2)
			assert_int_equal(verify(k, msg, n, req, 1700000100,
				&c), 1);
		else
			assert_int_not_equal(verify(k, msg, n, req, 1700000100,
				&c), 1);
	}
	/* another request MAC */
	n = response(msg, req, 32, 1700000000, 0, owner);
	req[0] ^= 1;
	assert_int_equal(verify(k, msg, n, req, 1700000100, &c), 0);
	req[0] ^= 1;
	/* outside the fudge */
	assert_int_equal(verify(k, msg, n, req, 1700000301, &c), 0);
	assert_int_equal(c.verified, 1);
	assert_int_equal(c.time_ok, 0);
	/* truncated to 16 (= half of 32): allowed (5.2.2.1) */
	n = response(msg, req, 16, 1700000000, 0, owner);
	assert_int_equal(verify(k, msg, n, req, 1700000000, &c), 1);
	/* to 8: too short to count */
	n = response(msg, req, 8, 1700000000, 0, owner);
	assert_int_equal(verify(k, msg, n, req, 1700000000, &c), 0);
	/* longer than the hash: malformed */
	n = response(msg, req, 40, 1700000000, 0, owner);
	assert_int_equal(verify(k, msg, n, req, 1700000000, &c), -2);
	/* an unsigned BADKEY answer: present, error, never verified */
	n = response(msg, req, 0, 1700000000, IK_TSIG_BADKEY, owner);
	assert_int_equal(verify(k, msg, n, req, 1700000000, &c), 0);
	assert_int_equal(c.present, 1);
	assert_int_equal(c.error, IK_TSIG_BADKEY);
	/* another key's name */
	n = response(msg, req, 32, 1700000000, 0, "\x05other\x07" "example");
	assert_int_equal(verify(k, msg, n, req, 1700000000, &c), 0);
	/* bytes after the TSIG: it is not the last RR */
	n = response(msg, req, 32, 1700000000, 0, owner);
	msg[n] = 0;
	assert_int_equal(verify(k, msg, n + 1, req, 1700000000, &c), -1);
	inkan_tsig_key_free(k);
}

/* a response signed by dnspython 2.3 (an independent implementation) to
 * an UPDATE it signed itself with the same key; made with
 *   dns.message.make_response(request).to_wire() */
static void
test_dnspython_vector(void **state)
{
	static const char req_hex[] = "009de91aabf083f42f4b2da2aa4c2dc70c44cc"
		"674c09337da6a5199e539bfe26";
	static const char resp_hex[] = "5151a8000001000000000001076578616d70"
		"6c6503636f6d000006000103757064076578616d706c650000fa00ff000000"
		"00003d0b686d61632d7368613235360000006b07110a012c00201e0e546a7d"
		"55ea7ae2451d516114d75bdde446672d6f310cc771e390d60cc7e251510000"
		"0000";
	inkan_tsig_key *k = key();
	unsigned char req[32];
	uint8_t resp[sizeof(resp_hex) / 2];
	ik_upd_resp h;
	ik_tsig_check c;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(req); i++)
		req[i] = (unsigned char)strtoul((char[3]){ req_hex[2 * i],
			req_hex[2 * i + 1], 0 }, NULL, 16);
	for (i = 0; i < sizeof(resp); i++)
		resp[i] = (uint8_t)strtoul((char[3]){ resp_hex[2 * i],
			resp_hex[2 * i + 1], 0 }, NULL, 16);
	assert_int_equal(ik_upd_parse_response(resp, sizeof(resp), &h),
		INKAN_OK);
	assert_int_equal(h.id, 0x5151);
	assert_int_equal(h.opcode, 5);
	assert_int_equal(h.qr, 1);
	assert_true(h.tsig_off > 12);
	assert_int_equal(ik_tsig_verify(k, resp, sizeof(resp), h.tsig_off,
		0x5151, req, sizeof(req), 1795625226, &c), INKAN_OK);
	assert_int_equal(c.verified, 1);
	assert_int_equal(c.time_ok, 1);
	req[5] ^= 0x40;
	assert_int_equal(ik_tsig_verify(k, resp, sizeof(resp), h.tsig_off,
		0x5151, req, sizeof(req), 1795625226, &c), INKAN_OK);
	assert_int_equal(c.verified, 0);
	inkan_tsig_key_free(k);
}

static void
test_update_message(void **state)
{
	ik_upd u;
	ik_buf rd;
	ik_upd_resp h;

	(void)state;
	ik_buf_init(&rd, ctx, 1024);
	ik_upd_init(&u, ctx, "example.com", 7);
	ik_upd_prereq_none(&u, "example.com", 16);
	assert_int_equal(ik_rdata_txt(&rd, "v=spf1 -all", 11), INKAN_OK);
	ik_upd_delete_rrset(&u, "_dmarc.example.com", 16);
	ik_upd_add(&u, "_dmarc.example.com", 16, 300,
		(const uint8_t *)rd.data, rd.len);
	assert_int_equal(ik_upd_finish(&u), INKAN_OK);
	/* opcode 5; ZO 1, PR 1, UP 2, AD 0 */
	assert_memory_equal(u.b.data, "\x00\x07\x28\x00\x00\x01\x00\x01"
		"\x00\x02\x00\x00", 12);
	/* zone section: example.com SOA IN */
	assert_memory_equal(u.b.data + 12, "\x07" "example\x03" "com\0\0\x06"
		"\0\x01", 17);
	/* prerequisite: class NONE, TTL 0, no RDATA */
	assert_memory_equal(u.b.data + 29 + 13, "\0\x10\0\xfe\0\0\0\0\0\0",
		10);
	assert_int_equal(ik_upd_parse_response((const uint8_t *)u.b.data,
		u.b.len, &h), INKAN_OK);
	assert_int_equal(h.opcode, 5);
	assert_int_equal(h.tsig_off, 0);
	ik_buf_free(&u.b);
	/* sections come in order */
	ik_upd_init(&u, ctx, "example.com", 7);
	ik_upd_delete_rrset(&u, "a.example.com", 16);
	ik_upd_prereq_none(&u, "example.com", 16);
	assert_int_equal(ik_upd_finish(&u), INKAN_ERR_STATE);
	ik_buf_free(&u.b);
	/* a 600-byte TXT becomes 255 + 255 + 90 */
	{
		char t[600];

		memset(t, 'k', sizeof(t));
		ik_buf_reset(&rd);
		assert_int_equal(ik_rdata_txt(&rd, t, sizeof(t)), INKAN_OK);
		assert_int_equal(rd.len, 603);
		assert_int_equal((uint8_t)rd.data[0], 255);
		assert_int_equal((uint8_t)rd.data[256], 255);
		assert_int_equal((uint8_t)rd.data[512], 90);
	}
	ik_buf_free(&rd);
}

static void
test_response_parser(void **state)
{
	uint8_t m[64];
	ik_upd_resp h;

	(void)state;
	memset(m, 0, sizeof(m));
	assert_int_equal(ik_upd_parse_response(m, 11, &h), INKAN_ERR_SYNTAX);
	/* a count past the end */
	put16(m + 4, 1);
	assert_int_equal(ik_upd_parse_response(m, 12, &h), INKAN_ERR_SYNTAX);
	/* a compression loop */
	m[12] = 0xc0;
	m[13] = 12;
	assert_int_equal(ik_upd_parse_response(m, 18, &h), INKAN_ERR_SYNTAX);
	/* an RR whose RDATA runs past the end */
	memset(m, 0, sizeof(m));
	put16(m + 10, 1);
	put16(m + 12 + 1 + 8, 100);
	assert_int_equal(ik_upd_parse_response(m, 12 + 11 + 4, &h),
		INKAN_ERR_SYNTAX);
	/* 65535 RRs claimed in 12 bytes */
	memset(m, 0xff, 12);
	assert_int_equal(ik_upd_parse_response(m, 12, &h), INKAN_ERR_SYNTAX);
}

static void
test_server_parse(void **state)
{
	ik_server s;

	(void)state;
	assert_int_equal(ik_server_parse("127.0.0.1", &s), INKAN_OK);
	assert_int_equal(ik_server_parse("::1@5353", &s), INKAN_OK);
	assert_int_equal(s.sa.ss_family, AF_INET6);
	assert_int_equal(ik_server_parse("192.0.2.1@0", &s), INKAN_ERR_SYNTAX);
	assert_int_equal(ik_server_parse("192.0.2.1@65536", &s),
		INKAN_ERR_SYNTAX);
	assert_int_equal(ik_server_parse("192.0.2.1@", &s), INKAN_ERR_SYNTAX);
	assert_int_equal(ik_server_parse("ns.example", &s), INKAN_ERR_SYNTAX);
	assert_int_equal(ik_server_parse("@53", &s), INKAN_ERR_SYNTAX);
}

int
test_domain_tsig_group(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_parse),
		cmocka_unit_test(test_sign),
		cmocka_unit_test(test_verify),
		cmocka_unit_test(test_dnspython_vector),
		cmocka_unit_test(test_update_message),
		cmocka_unit_test(test_response_parser),
		cmocka_unit_test(test_server_parse),
	};

	return cmocka_run_group_tests_name("domain_tsig", tests, setup,
		teardown);
}
