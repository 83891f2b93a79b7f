/* SPDX-License-Identifier: MIT */
/*
 * test_spf.c - SPF pieces that need no DNS: addresses, record syntax with
 * error positions, domain-spec rules, macro expansion (RFC 7208 7.4).
 * The DNS-using parts are in test_spf_check.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <inkan/ctx.h>
#include "core/buf.h"
#include "spf/spf_ip.h"
#include "spf/spf_macro.h"
#include "spf/spf_record.h"

static void
test_ip4(void **state)
{
	uint8_t a[4];

	(void)state;
	assert_true(ik_spf_ip4_parse("192.0.2.255", 11, a));
	assert_int_equal(a[0], 192);
	assert_int_equal(a[3], 255);
	assert_true(ik_spf_ip4_parse("0.0.0.0", 7, a));
	/* RFC 7208 5.6 qnum: no leading zeros, 0-255, four parts */
	assert_false(ik_spf_ip4_parse("192.0.02.1", 10, a));
	assert_false(ik_spf_ip4_parse("192.0.2.256", 11, a));
	assert_false(ik_spf_ip4_parse("1.2.3", 5, a));
	assert_false(ik_spf_ip4_parse("1.2.3.4.5", 9, a));
	assert_false(ik_spf_ip4_parse("1.2.3.", 6, a));
	assert_false(ik_spf_ip4_parse("1..3.4", 6, a));
	assert_false(ik_spf_ip4_parse("1.2.3.4:80", 10, a));
	assert_false(ik_spf_ip4_parse("", 0, a));
}

static int
ip6(const char *s, uint8_t out[16])
{
	return ik_spf_ip6_parse(s, strlen(s), out);
}

static void
test_ip6(void **state)
{
	uint8_t a[16];
	static const uint8_t want[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0xcb, 0x01 };

	(void)state;
	assert_true(ip6("2001:db8::cb01", a));
	assert_memory_equal(a, want, 16);
	assert_true(ip6("2001:DB8:0:0:0:0:0:CB01", a));
	assert_memory_equal(a, want, 16);
	assert_true(ip6("::", a));
	assert_true(ip6("::1", a));
	assert_true(ip6("1::", a));
	assert_true(ip6("::1.1.1.1", a));
	assert_int_equal(a[12], 1);
	assert_true(ip6("1:2:3:4:5:6:1.2.3.4", a));
	assert_true(ip6("1:2:3:4:5:6:7::", a));
	assert_false(ip6(":CAFE::BABE", a));	/* the suite's ip6-bad1 */
	assert_false(ip6("1::2::3", a));
	assert_false(ip6("1:::2", a));
	assert_false(ip6("1:2:3:4:5:6:7:8:9", a));
	assert_false(ip6("1:2:3:4:5:6:7", a));
	assert_false(ip6("1:2:3:4:5:6:7:8::", a));
	assert_false(ip6("12345::", a));
	assert_false(ip6("g::", a));
	assert_false(ip6("::1.2.3.04", a));
	assert_false(ip6("1.2.3.4::", a));
}

static void
test_ip_client(void **state)
{
	ik_spf_ip ip;
	char buf[64], rev[74];

	(void)state;
	/* RFC 7208 5: an IPv4-mapped client is an IPv4 client */
	assert_true(ik_spf_ip_parse("::FFFF:1.2.3.4", 14, &ip));
	assert_false(ip.v6);
	ik_spf_ip_format(&ip, buf);
	assert_string_equal(buf, "1.2.3.4");
	ik_spf_ip_reverse_name(&ip, rev);
	assert_string_equal(rev, "4.3.2.1.in-addr.arpa");
	assert_true(ik_spf_ip_parse("2001:db8::cb01", 14, &ip));
	assert_true(ip.v6);
	ik_spf_ip_format(&ip, buf);
	assert_string_equal(buf, "2001:db8::cb01");
	ik_spf_ip_dotted(&ip, buf);
	assert_string_equal(buf,
		"2.0.0.1.0.D.B.8.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.C.B.0.1");
	ik_spf_ip_reverse_name(&ip, rev);
	assert_string_equal(rev, "1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0."
		"0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa");
	/* RFC 5952: longest zero run, not a single group, lower case */
	assert_true(ik_spf_ip_parse("2001:db8:0:1:0:0:0:1", 20, &ip));
	ik_spf_ip_format(&ip, buf);
	assert_string_equal(buf, "2001:db8:0:1::1");
	assert_true(ik_spf_ip_parse("1:0:2:3:4:5:6:7", 15, &ip));
	ik_spf_ip_format(&ip, buf);
	assert_string_equal(buf, "1:0:2:3:4:5:6:7");
	assert_true(ik_spf_ip_parse("::", 2, &ip));
	ik_spf_ip_format(&ip, buf);
	assert_string_equal(buf, "::");
	assert_false(ik_spf_ip_parse("example.com", 11, &ip));
}

static void
test_prefix(void **state)
{
	static const uint8_t a[4] = { 192, 0, 2, 129 }, b[4] = { 192, 0, 2,
		1 };

	(void)state;
	assert_true(ik_spf_ip_prefix_eq(a, b, 0));
	assert_true(ik_spf_ip_prefix_eq(a, b, 24));
	assert_false(ik_spf_ip_prefix_eq(a, b, 25));
	assert_false(ik_spf_ip_prefix_eq(a, b, 32));
	assert_true(ik_spf_ip_prefix_eq(a, a, 32));
}

/* parse @text; INKAN_OK or the error's position (as status SYNTAX) */
static inkan_status
parse(const char *text, size_t *errpos, ik_spf_record *rec)
{
	static inkan_ctx *ctx;
	inkan_status st;

	if (ctx == NULL)
		assert_int_equal(inkan_ctx_new(NULL, &ctx), INKAN_OK);
	st = ik_spf_record_parse(ctx, text, strlen(text), rec);
	if (errpos != NULL)
		*errpos = rec->err_pos;
	ik_spf_record_free(ctx, rec);	/* err_pos, err_msg stay */
	return st;
}

static void
check_ok(const char *text)
{
	ik_spf_record rec;

	if (parse(text, NULL, &rec) != INKAN_OK)
		fail_msg("\"%s\" should parse: %s at %zu", text, rec.err_msg,
			rec.err_pos);
}

static void
check_bad(const char *text, size_t pos)
{
	ik_spf_record rec;
	size_t at;

	if (parse(text, &at, &rec) != INKAN_ERR_SYNTAX)
		fail_msg("\"%s\" should not parse", text);
	if (at != pos)
		fail_msg("\"%s\": error at %zu, expected %zu", text, at, pos);
}

static void
test_record_ok(void **state)
{
	(void)state;
	check_ok("v=spf1");
	check_ok("v=spf1 ");
	check_ok("V=SpF1  -ALL");
	check_ok("v=spf1 +mx a:colo.example.com/28 -all");
	check_ok("v=spf1 a/24//64 mx//0 ?ptr ~ptr:example.com exists:%{i}."
		"%{l1r+-}._spf.%{d}");
	check_ok("v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 ip6:::1.1.1.1/0");
	check_ok("v=spf1 a:foo:bar/baz.example.com a:foo.example.xn--zckzah");
	check_ok("v=spf1 moo.cow-far_out=man:dog/cat ip4:1.2.3.4 -all");
	check_ok("v=spf1 redirect=_spf.example.com exp=explain.%{d}");
	check_ok("v=spf1 a:macro%%percent%_%_space%-url-space.example.com");
	check_ok("v=spf1 exists:%{ir}.%{v}.%{d2r}.%{H}.%{o5}.sbl.example.org");
	check_ok("v=spf1 foo=%{c}%{r}%{t} moo=");	/* unknown: macro-string */
	check_ok("v=spf1 include:example.com. -all");
	check_ok("v=spf1 a:1-2.example.123-4");	/* toplabel with a dash */
}

static void
test_record_errors(void **state)
{
	(void)state;
	/* offsets point at the offending byte */
	check_bad("v=spf1 ip4:1.2.3.4 -all moo", 24);
	check_bad("v=spf1 -all.", 8);
	check_bad("v=spf1 -all:foo", 11);
	check_bad("v=spf1 ptr/0 -all", 10);
	check_bad("v=spf1 a/33", 8);
	check_bad("v=spf1 a//129", 9);
	check_bad("v=spf1 a/24/64", 11);
	check_bad("v=spf1 ip4:1.2.3.4/032", 18);
	check_bad("v=spf1 ip4:1.2.3.4//32", 18);
	check_bad("v=spf1 ip4:1.2.3", 11);
	check_bad("v=spf1 ip4", 10);
	check_bad("v=spf1 ip6::CAFE::BABE", 11);
	check_bad("v=spf1 ip6:::1/129", 14);
	check_bad("v=spf1 a:foo-bar -all", 9);
	check_bad("v=spf1 a:museum", 9);
	check_bad("v=spf1 a:museum.", 9);
	check_bad("v=spf1 a:111.222.33.44", 20);
	check_bad("v=spf1 a:example.-com", 17);
	check_bad("v=spf1 a:", 9);
	check_bad("v=spf1 include", 14);
	check_bad("v=spf1 include:ip5.example.com/24", 27);
	check_bad("v=spf1 exists", 13);
	check_bad("v=spf1 exp=", 11);
	check_bad("v=spf1 redirect=", 16);
	check_bad("v=spf1 redirect=a.example.com redirect=b.example.com", 30);
	check_bad("v=spf1 exp=a.example.com exp=b.example.com", 25);
	check_bad("v=spf1 redirect:t2.example.com", 7);
	check_bad("v=spf1 1up=foo", 7);
	check_bad("v=spf1 =all", 7);
	check_bad("v=spf1 moo.cow/far_out=man:dog/cat", 7);
	check_bad("v=spf1 foo=%abc", 11);
	check_bad("v=spf1 -exists:%(ir).sbl.example.com", 15);
	check_bad("v=spf1 exists:foo%.sbl.example.com", 17);
	check_bad("v=spf1 a:%{a}.example.com", 11);
	check_bad("v=spf1 -all exp=%{r}.example.com", 18);
	check_bad("v=spf1 a:%{d0}.example.com", 12);
	check_bad("v=spf1 a:%{d}.example.com%", 25);
	check_bad("v=spf1 a:%{d*}.example.com", 12);
	check_bad("v=spf1 a:ctrl.example.com\rptr -all", 25);
	check_bad("v=spf1 a:\xef\xbb\xbfgarbage.example.net -all", 9);
	check_bad("v=spf1 a\tmx", 8);
}

static void
test_record_fields(void **state)
{
	static inkan_ctx *ctx;
	ik_spf_record rec;
	const char *text = "v=spf1 -a:%{d2}.example.com/24//48 ip4:10.0.0.0/8 "
		"include:x.example.org redirect=r.example.net ~all";

	(void)state;
	assert_int_equal(inkan_ctx_new(NULL, &ctx), INKAN_OK);
	assert_int_equal(ik_spf_record_parse(ctx, text, strlen(text), &rec),
		INKAN_OK);
	assert_int_equal(rec.nterms, 5);
	assert_int_equal(rec.terms[0].kind, IK_SPF_A);
	assert_int_equal(rec.terms[0].qualifier, '-');
	assert_int_equal(rec.terms[0].cidr4, 24);
	assert_int_equal(rec.terms[0].cidr6, 48);
	assert_int_equal(rec.terms[0].spec_len, strlen("%{d2}.example.com"));
	assert_true(rec.terms[0].macros & IK_SPF_MACRO_BIT('d'));
	assert_int_equal(rec.terms[1].kind, IK_SPF_IP4);
	assert_int_equal(rec.terms[1].net[0], 10);
	assert_int_equal(rec.terms[1].cidr4, 8);
	assert_int_equal(rec.redirect, 3);
	assert_true(rec.has_all);
	assert_int_equal(rec.dns_terms, 3);	/* a include redirect */
	ik_spf_record_free(ctx, &rec);
	inkan_ctx_free(ctx);
}

static void
test_version(void **state)
{
	(void)state;
	assert_true(ik_spf_is_record("v=spf1", 6));
	assert_true(ik_spf_is_record("v=spf1 -all", 11));
	assert_true(ik_spf_is_record("V=SPF1 -all", 11));
	assert_false(ik_spf_is_record("v=spf10", 7));
	assert_false(ik_spf_is_record("v=spf1mx", 8));
	assert_false(ik_spf_is_record(" v=spf1", 7));
	assert_false(ik_spf_is_record("v=spf", 5));
}

/* ---- macros (RFC 7208 7.4) ---- */

static const char *p_value = "mx.example.org";

static inkan_status
get_p(void *ud, const char **out)
{
	(void)ud;
	*out = p_value;
	return INKAN_OK;
}

static char *
expand(const char *sender, const char *ip, const char *s, int domain)
{
	static inkan_ctx *ctx;
	static ik_spf_ip addr;
	ik_spf_macro_env env;
	ik_buf out;
	const char *at = strrchr(sender, '@');
	char *r;

	if (ctx == NULL)
		assert_int_equal(inkan_ctx_new(NULL, &ctx), INKAN_OK);
	assert_true(ik_spf_ip_parse(ip, strlen(ip), &addr));
	memset(&env, 0, sizeof(env));
	env.sender = sender;
	env.local_len = (size_t)(at - sender);
	env.domain = at + 1;
	env.ip = &addr;
	env.helo = "mx.example.org";
	env.receiver = "example.net";
	env.now = 1234567890;
	env.get_p = get_p;
	ik_buf_init(&out, ctx, IK_SPF_EXPAND_MAX);
	assert_int_equal(ik_spf_expand(&env, s, strlen(s), domain ?
	    IK_SPF_EXPAND_DOMAIN : IK_SPF_EXPAND_EXPLAIN, &out), INKAN_OK);
	r = strdup(ik_buf_str(&out));
	ik_buf_free(&out);
	return r;
}

static void
expect(const char *s, const char *want)
{
	char *got = expand("strong-bad@email.example.com", "192.0.2.3", s, 1);

	if (strcmp(got, want) != 0)
		fail_msg("%s: \"%s\", expected \"%s\"", s, got, want);
	free(got);
}

static void
test_macro_rfc_examples(void **state)
{
	char *got;

	(void)state;
	expect("%{s}", "strong-bad@email.example.com");
	expect("%{o}", "email.example.com");
	expect("%{d}", "email.example.com");
	expect("%{d4}", "email.example.com");
	expect("%{d3}", "email.example.com");
	expect("%{d2}", "example.com");
	expect("%{d1}", "com");
	expect("%{dr}", "com.example.email");
	expect("%{d2r}", "example.email");
	expect("%{l}", "strong-bad");
	expect("%{l-}", "strong.bad");
	expect("%{lr}", "strong-bad");
	expect("%{lr-}", "bad.strong");
	expect("%{l1r-}", "strong");
	expect("%{ir}.%{v}._spf.%{d2}", "3.2.0.192.in-addr._spf.example.com");
	expect("%{lr-}.lp._spf.%{d2}", "bad.strong.lp._spf.example.com");
	expect("%{lr-}.lp.%{ir}.%{v}._spf.%{d2}",
		"bad.strong.lp.3.2.0.192.in-addr._spf.example.com");
	expect("%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}",
		"3.2.0.192.in-addr.strong.lp._spf.example.com");
	expect("%{d2}.trusted-domains.example.net",
		"example.com.trusted-domains.example.net");
	expect("%{p}", "mx.example.org");
	expect("%{p2}.x.example.", "example.org.x.example");
	got = expand("strong-bad@email.example.com", "2001:db8::cb01",
		"%{ir}.%{v}._spf.%{d2}", 1);
	/* the RFC's example, case aside (DNS names are case-insensitive) */
	assert_string_equal(got, "1.0.B.C.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0."
		"0.0.0.8.B.D.0.1.0.0.2.ip6._spf.example.com");
	free(got);
}

static void
test_macro_details(void **state)
{
	char *got, longs[600];
	size_t i;

	(void)state;
	expect("%%%_%-", "% %20");
	/* RFC 7208 7.3: delimiters, several at once, joined with "." */
	got = expand("foo-bar+zip+quux@e12.example.com", "1.2.3.4",
		"%{l2r+-}.user.%{d2}", 1);
	assert_string_equal(got, "bar.foo.user.example.com");
	free(got);
	got = expand("a.b-c_d@x.example.com", "1.2.3.4", "%{l-_}.%{l3}", 1);
	assert_string_equal(got, "a.b.c.d.a.b-c_d");
	free(got);
	/* empty parts are kept */
	got = expand("a..b@x.example.com", "1.2.3.4", "%{lr}", 1);
	assert_string_equal(got, "b..a");
	free(got);
	got = expand("a.b@x.example.com", "1.2.3.4", "%{l127r}%{d999}", 1);
	assert_string_equal(got, "b.ax.example.com");
	free(got);
	/* upper case: URL-escaped (RFC 3986 unreserved kept) */
	got = expand("~jack&jill=up-a_b3.c@e8.example.com", "1.2.3.4",
		"l=%{L} s=%{S}", 0);
	assert_string_equal(got, "l=~jack%26jill%3Dup-a_b3.c "
		"s=~jack%26jill%3Dup-a_b3.c%40e8.example.com");
	free(got);
	got = expand("x@example.com", "2001:db8::1", "%{c} %{r} %{t} %{v}", 0);
	assert_string_equal(got, "2001:db8::1 example.net 1234567890 ip6");
	free(got);
	/* explanations keep their trailing dot, domains lose it */
	got = expand("x@example.com", "1.2.3.4", "This is a test.", 0);
	assert_string_equal(got, "This is a test.");
	free(got);
	got = expand("x@example.com", "1.2.3.4", "%{d}.", 1);
	assert_string_equal(got, "example.com");
	free(got);
	/* RFC 7208 7.3: over 253, labels are cut from the left */
	memset(longs, 0, sizeof(longs));
	for (i = 0; i < 50; i++)
		memcpy(longs + i * 10, "abcdefghi.", 10);
	memcpy(longs + 500, "example.com", 11);
	got = expand("x@example.com", "1.2.3.4", longs, 1);
	assert_true(strlen(got) <= 253);
	assert_true(strlen(got) > 240);
	assert_string_equal(got + strlen(got) - 11, "example.com");
	assert_memory_equal(got, "abcdefghi.", 10);
	free(got);
}

static void
test_macro_huge(void **state)
{
	/* an expansion far over the buffer still ends in the right labels */
	char *sender = malloc(4000), *got;
	char spec[200];
	size_t i, n = 0;

	(void)state;
	for (i = 0; i < 3990; i += 2)
		memcpy(sender + i, "a.", 2);
	memcpy(sender + 3990, "@x.com", 7);
	for (i = 0; i < 10; i++, n += 5)
		memcpy(spec + n, "%{l}.", 5);
	memcpy(spec + n, "tail.example", 13);
	got = expand(sender, "1.2.3.4", spec, 1);
	assert_true(strlen(got) <= 253);
	assert_string_equal(got + strlen(got) - 12, "tail.example");
	free(got);
	free(sender);
}

static void
test_spec_check(void **state)
{
	uint32_t m;
	size_t pos;
	const char *msg;

	(void)state;
	assert_true(ik_spf_spec_check("%{d}", 4, IK_SPF_SPEC_DOMAIN, &m, &pos,
		&msg));
	assert_true(ik_spf_spec_check(".com", 4, IK_SPF_SPEC_DOMAIN, &m, &pos,
		&msg));
	assert_false(ik_spf_spec_check("%{d}.", 5, IK_SPF_SPEC_DOMAIN, &m,
		&pos, &msg));
	assert_false(ik_spf_spec_check("%{d}com", 7, IK_SPF_SPEC_DOMAIN, &m,
		&pos, &msg));
	assert_true(ik_spf_spec_check("a b %{c}", 8, IK_SPF_SPEC_EXPLAIN, &m,
		&pos, &msg));
	assert_true(m & IK_SPF_MACRO_BIT('c'));
	assert_false(ik_spf_spec_check("a b", 3, IK_SPF_SPEC_MACRO, &m, &pos,
		&msg));
	assert_int_equal(pos, 1);
	assert_false(ik_spf_spec_check("The %{x}-files.", 15,
		IK_SPF_SPEC_EXPLAIN, &m, &pos, &msg));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ip4),
		cmocka_unit_test(test_ip6),
		cmocka_unit_test(test_ip_client),
		cmocka_unit_test(test_prefix),
		cmocka_unit_test(test_version),
		cmocka_unit_test(test_record_ok),
		cmocka_unit_test(test_record_errors),
		cmocka_unit_test(test_record_fields),
		cmocka_unit_test(test_macro_rfc_examples),
		cmocka_unit_test(test_macro_details),
		cmocka_unit_test(test_macro_huge),
		cmocka_unit_test(test_spec_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
