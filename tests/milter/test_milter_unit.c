/* SPDX-License-Identifier: MIT */
/*
 * test_milter_unit.c - the parts of inkan-milter that need no MTA: the
 * configuration parser and printer, networks, the custom MAIL FROM form,
 * the sign-or-verify decision and the action on a verdict (suite 'unit',
 * so it also runs under ASan+UBSan in CI).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../milter/config.h"
#include "../../milter/mail_from.h"
#include "../../milter/policy.h"

static struct mt_config *
parse_ok(const char *text)
{
	struct mt_config *c = NULL;
	char err[256];

	if (mt_config_parse(text, strlen(text), "t.conf", &c, err,
	    sizeof(err)) != 0)
		fail_msg("unexpected error: %s", err);
	return c;
}

static void
parse_err(const char *text, const char *want)
{
	struct mt_config *c = NULL;
	char err[256];

	assert_int_equal(mt_config_parse(text, strlen(text), "t.conf", &c,
		err, sizeof(err)), -1);
	assert_null(c);
	if (strstr(err, want) == NULL)
		fail_msg("error '%s' lacks '%s'", err, want);
}

#define BASE "socket = inet:8891@127.0.0.1\nauthserv_id = MX.Example.COM.\n"

static void
test_config_values(void **state)
{
	struct mt_config *c;

	(void)state;
	c = parse_ok(BASE "# comment\n\n  internal_networks = 10.0.0.0/8, "
		"::1\ninternal_networks = 192.0.2.7\nsign_daemons = submission "
		"ORIGINATING\nsign_domain = Example.COM /var/lib/x\n"
		"mail_from = example.com bounce.example.com tempfail\n"
		"on_temperror = accept\nquarantine = header\nmax_sessions = 9\n"
		"socket_mode = 0640\n");
	assert_string_equal(c->authserv_id, "mx.example.com");
	assert_int_equal(c->ninternal_networks, 3);
	assert_int_equal(c->nsign_daemons, 2);
	assert_string_equal(c->sign_domains[0].domain, "example.com");
	assert_string_equal(c->sign_domains[0].state_dir, "/var/lib/x");
	assert_int_equal(c->mail_from[0].fallback, MT_MAIL_FROM_TEMPFAIL);
	assert_int_equal(c->on_temperror, MT_TEMPERROR_ACCEPT);
	assert_int_equal(c->quarantine, MT_QUARANTINE_HEADER);
	assert_int_equal(c->max_sessions, 9);
	assert_int_equal(c->socket_mode, 0640);
	/* defaults */
	assert_int_equal(c->dns_timeout_ms, 5000);
	assert_int_equal(c->resign_window, 3600);
	assert_null(c->arc_seal_domain);
	assert_int_equal(c->narc_trusted_sealers, 0);
	mt_config_free(c);
	c = parse_ok(BASE "arc_trusted_sealers = Lists.Example.org, b.test\n"
		"arc_seal_domain = Fwd.Example\narc_seal_selector = arc1\n"
		"arc_seal_key = /etc/k.pem\n");
	assert_int_equal(c->narc_trusted_sealers, 2);
	assert_string_equal(c->arc_trusted_sealers[0], "lists.example.org");
	assert_string_equal(c->arc_seal_domain, "fwd.example");
	assert_string_equal(c->arc_seal_selector, "arc1");
	assert_string_equal(c->arc_seal_key, "/etc/k.pem");
	mt_config_free(c);
}

static void
test_config_errors(void **state)
{
	(void)state;
	parse_err(BASE "sign_domian = a.test /x\n", "t.conf:3: unknown key "
		"'sign_domian'");
	parse_err(BASE "\nmax_sessions = 0\n", "t.conf:4: max_sessions");
	parse_err(BASE "max_sessions = 12x\n", "t.conf:3:");
	parse_err(BASE "socket_mode = 0666\n", "socket_mode");
	parse_err(BASE "on_temperror = maybe\n", "on_temperror");
	parse_err(BASE "quarantine = hold\nquarantine = header\n", "twice");
	parse_err(BASE "internal_networks = 10.0.0.0/33\n", "10.0.0.0/33");
	parse_err(BASE "mail_from = a.test b.test\n", "not a subdomain");
	parse_err(BASE "mail_from = a.test x.a.test maybe\n", "fallback");
	parse_err(BASE "sign_domain = a.test relative/dir\n", "absolute");
	parse_err(BASE "sign_domain = a.test /x\nsign_domain = A.test /y\n",
		"given twice");
	parse_err(BASE "default_signing_domain = a..test\n", "domain name");
	parse_err(BASE "no equals sign\n", "key = value");
	parse_err("authserv_id = a.test\n", "socket is required");
	parse_err("socket = inet:8891@localhost\nauthserv_id = a.test\n",
		"IP address");
	parse_err("socket = unix:rel\nauthserv_id = a.test\n", "absolute");
	parse_err("socket = tcp:1\nauthserv_id = a.test\n", "unix:PATH");
	parse_err(BASE "opendkim_keytable = /k\n", "go together");
	parse_err(BASE "arc_seal_domain = a.test\narc_seal_selector = s\n",
		"arc_seal_domain, arc_seal_selector and arc_seal_key go");
	parse_err(BASE "arc_seal_domain = a.test\narc_seal_selector = s\n"
		"arc_seal_key = k.pem\n", "arc_seal_key: expected an absolute");
	parse_err(BASE "arc_trusted_sealers = a..test\n", "domain name");
	parse_err(BASE "authserv_id\001 = x\n", "control character");
}

static void
test_config_print_roundtrip(void **state)
{
	struct mt_config *c, *d;
	char *a = NULL, *b = NULL;
	size_t alen = 0, blen = 0;
	FILE *f;

	(void)state;
	c = parse_ok(BASE "trusted_forwarders = 2001:db8::/32\n"
		"monitor_domains = a.test, b.test\nmail_from = a.test "
		"x.a.test\nstats_port = 9100\narc_trusted_sealers = l.test\n"
		"arc_seal_domain = f.test\narc_seal_selector = s1\n"
		"arc_seal_key = /k.pem\n");
	f = open_memstream(&a, &alen);
	mt_config_print(c, f);
	fclose(f);
	d = parse_ok(a);
	f = open_memstream(&b, &blen);
	mt_config_print(d, f);
	fclose(f);
	assert_string_equal(a, b);
	assert_non_null(strstr(a, "trusted_forwarders = 2001:db8::/32\n"));
	assert_non_null(strstr(a, "mail_from = a.test x.a.test keep\n"));
	assert_non_null(strstr(a, "arc_seal_key = /k.pem\n"));
	assert_non_null(strstr(a, "arc_trusted_sealers = l.test\n"));
	free(a);
	free(b);
	mt_config_free(c);
	mt_config_free(d);
}

static void
test_net(void **state)
{
	struct mt_net n;

	(void)state;
	assert_int_equal(mt_net_parse("10.1.0.0/16", &n), 0);
	assert_true(mt_net_contains(&n, "10.1.200.3"));
	assert_false(mt_net_contains(&n, "10.2.0.1"));
	assert_true(mt_net_contains(&n, "::ffff:10.1.0.9"));
	assert_false(mt_net_contains(&n, "2001:db8::1"));
	assert_false(mt_net_contains(&n, "not an ip"));
	assert_false(mt_net_contains(&n, NULL));
	assert_int_equal(mt_net_parse("2001:db8::/33", &n), 0);
	assert_true(mt_net_contains(&n, "2001:db8:7fff::1"));
	assert_false(mt_net_contains(&n, "2001:db8:8000::1"));
	assert_int_equal(mt_net_parse("0.0.0.0/0", &n), 0);
	assert_true(mt_net_contains(&n, "192.0.2.1"));
	assert_int_equal(mt_net_parse("192.0.2.1/", &n), -1);
	assert_int_equal(mt_net_parse("192.0.2.1/1x", &n), -1);
	assert_int_equal(mt_net_parse("/8", &n), -1);
}

static void
test_mail_from(void **state)
{
	char buf[128], back[128];
	const char *why;
	char longest[80];

	(void)state;
	assert_int_equal(mt_mail_from_rewrite("alice@example.com",
		"bounce.example.com", buf, sizeof(buf), &why), 0);
	assert_string_equal(buf, "ik+alice=example.com@bounce.example.com");
	assert_int_equal(mt_mail_from_original(buf, back, sizeof(back)), 0);
	assert_string_equal(back, "alice@example.com");
	/* a local part with '=' of its own: the last '=' splits */
	assert_int_equal(mt_mail_from_rewrite("a=b@example.com", "b.example.com",
		buf, sizeof(buf), &why), 0);
	assert_int_equal(mt_mail_from_original(buf, back, sizeof(back)), 0);
	assert_string_equal(back, "a=b@example.com");
	assert_int_equal(mt_mail_from_rewrite("", "b.example.com", buf,
		sizeof(buf), &why), -1);
	assert_string_equal(why, "null sender");
	assert_int_equal(mt_mail_from_rewrite("\"a b\"@example.com",
		"b.example.com", buf, sizeof(buf), &why), -1);
	memset(longest, 'x', 60);
	strcpy(longest + 60, "@e.com");
	assert_int_equal(mt_mail_from_rewrite(longest, "b.e.com", buf,
		sizeof(buf), &why), -1);
	assert_int_equal(mt_mail_from_original("alice@example.com", back,
		sizeof(back)), -1);
}

static void
test_decide(void **state)
{
	struct mt_config *c;
	struct mt_decision d;

	(void)state;
	c = parse_ok(BASE "internal_networks = 10.0.0.0/8\n"
		"sign_daemons = submission\n");
	mt_policy_decide(c, "alice", "192.0.2.1", "mx", &d);
	assert_int_equal(d.mode, MT_MODE_SIGN);
	assert_non_null(strstr(d.why, "authenticated as alice"));
	mt_policy_decide(c, "", "10.9.8.7", NULL, &d);
	assert_int_equal(d.mode, MT_MODE_SIGN);
	assert_non_null(strstr(d.why, "internal network 10.0.0.0/8"));
	mt_policy_decide(c, NULL, NULL, "submission", &d);
	assert_int_equal(d.mode, MT_MODE_SIGN);
	mt_policy_decide(c, NULL, "192.0.2.1", "smtpd", &d);
	assert_int_equal(d.mode, MT_MODE_VERIFY);
	mt_config_free(c);
}

static void
act(const char *extra, const char *ip, inkan_dmarc_verdict v,
	inkan_dmarc_disposition disp, inkan_spf_result spf, struct mt_act *a)
{
	char text[512];
	struct mt_config *c;
	inkan_dmarc_result dr;
	inkan_spf_verdict sv;
	inkan_verify_result r;

	snprintf(text, sizeof(text), BASE "%s", extra);
	c = parse_ok(text);
	memset(&dr, 0, sizeof(dr));
	memset(&sv, 0, sizeof(sv));
	memset(&r, 0, sizeof(r));
	dr.verdict = v;
	dr.disposition = disp;
	dr.author_domain = "bank.test";
	dr.reason = "no authenticated identity aligned with bank.test";
	sv.result = spf;
	r.dmarc = &dr;
	r.spf = &sv;
	r.spf_status = INKAN_VERIFY_SPF_CHECKED;
	mt_policy_act(c, ip, &r, a);
	mt_config_free(c);
}

static void
test_act(void **state)
{
	struct mt_act a;

	(void)state;
	act("", "192.0.2.1", INKAN_DMARC_FAIL,
		INKAN_DMARC_DISPOSITION_REJECT, INKAN_SPF_FAIL, &a);
	assert_int_equal(a.action, MT_ACT_REJECT);
	assert_string_equal(a.rcode, "550");
	assert_string_equal(a.xcode, "5.7.1");
	assert_non_null(strstr(a.text, "bank.test"));
	assert_non_null(strstr(a.text, "aligned"));
	act("", "192.0.2.1", INKAN_DMARC_FAIL,
		INKAN_DMARC_DISPOSITION_QUARANTINE, INKAN_SPF_FAIL, &a);
	assert_int_equal(a.action, MT_ACT_QUARANTINE);
	act("quarantine = header\n", "192.0.2.1", INKAN_DMARC_FAIL,
		INKAN_DMARC_DISPOSITION_QUARANTINE, INKAN_SPF_FAIL, &a);
	assert_int_equal(a.action, MT_ACT_ACCEPT);
	act("", "192.0.2.1", INKAN_DMARC_TEMPERROR,
		INKAN_DMARC_DISPOSITION_NONE, INKAN_SPF_PASS, &a);
	assert_int_equal(a.action, MT_ACT_TEMPFAIL);
	assert_string_equal(a.rcode, "451");
	assert_memory_equal(a.xcode, "4.7.", 4);
	act("", "192.0.2.1", INKAN_DMARC_NONE, INKAN_DMARC_DISPOSITION_NONE,
		INKAN_SPF_TEMPERROR, &a);
	assert_int_equal(a.action, MT_ACT_TEMPFAIL);
	assert_string_equal(a.xcode, "4.7.24");
	/* SPF temperror with a DMARC pass (DKIM aligned): accepted */
	act("", "192.0.2.1", INKAN_DMARC_PASS, INKAN_DMARC_DISPOSITION_NONE,
		INKAN_SPF_TEMPERROR, &a);
	assert_int_equal(a.action, MT_ACT_ACCEPT);
	act("on_temperror = accept\n", "192.0.2.1", INKAN_DMARC_TEMPERROR,
		INKAN_DMARC_DISPOSITION_NONE, INKAN_SPF_PASS, &a);
	assert_int_equal(a.action, MT_ACT_ACCEPT);
	act("monitor_domains = bank.test\n", "192.0.2.1", INKAN_DMARC_FAIL,
		INKAN_DMARC_DISPOSITION_REJECT, INKAN_SPF_FAIL, &a);
	assert_int_equal(a.action, MT_ACT_ACCEPT);
	assert_true(a.monitor);
	act("trusted_forwarders = 192.0.2.0/24\n", "192.0.2.1",
		INKAN_DMARC_FAIL, INKAN_DMARC_DISPOSITION_REJECT,
		INKAN_SPF_FAIL, &a);
	assert_int_equal(a.action, MT_ACT_ACCEPT);
	assert_true(a.forwarder);
	assert_non_null(strstr(a.why, "trusted forwarder"));
	act("trusted_forwarders = 192.0.2.0/24\n", "198.51.100.1",
		INKAN_DMARC_FAIL, INKAN_DMARC_DISPOSITION_REJECT,
		INKAN_SPF_FAIL, &a);
	assert_int_equal(a.action, MT_ACT_REJECT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_values),
		cmocka_unit_test(test_config_errors),
		cmocka_unit_test(test_config_print_roundtrip),
		cmocka_unit_test(test_net),
		cmocka_unit_test(test_mail_from),
		cmocka_unit_test(test_decide),
		cmocka_unit_test(test_act),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
