/* SPDX-License-Identifier: MIT */
/*
 * test_domain_state.c - the identity state file: written and read back
 * unchanged, atomically replaced, strict about every malformed line, and
 * the signing keys a milter gets from it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include <inkan/domain.h>

#include "domain/domain_internal.h"

int test_domain_state_group(void);

struct sfx {
	inkan_ctx *ctx;
	char dir[64];
};

static int
setup(void **state)
{
	struct sfx *f = calloc(1, sizeof(*f));

	if (f == NULL || inkan_ctx_new(NULL, &f->ctx) != INKAN_OK)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/inkan-test-state-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct sfx *f = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	inkan_ctx_free(f->ctx);
	free(f);
	return 0;
}

static char *
format(inkan_ctx *ctx, const inkan_domain *d)
{
	ik_dout o;
	char *s;

	ik_dout_init(&o, ctx, IK_DOMAIN_STATE_MAX);
	ik_domain_state_format(d, &o);
	assert_int_equal(ik_dout_take(&o, &s), INKAN_OK);
	return s;
}

static void
test_round_trip(void **state)
{
	struct sfx *f = *state;
	inkan_domain *d, *e;
	const inkan_domain_view *v;
	struct stat sb;
	char path[128], *a, *b;

	assert_int_equal(inkan_domain_new(f->ctx, "example.com", &d), INKAN_OK);
	assert_int_equal(inkan_domain_set_mail_from(d, "bounce",
		"mx.example.com"), INKAN_OK);
	assert_int_equal(inkan_domain_add_spf_ip(d, "2001:db8::/32"), INKAN_OK);
	assert_int_equal(inkan_domain_add_dmarc_rua(d, "mailto:r@example.net"),
		INKAN_OK);
	assert_int_equal(inkan_domain_set_dmarc_policy(d,
		INKAN_DMARC_POLICY_QUARANTINE), INKAN_OK);
	assert_int_equal(inkan_domain_set_ttl(d, 300), INKAN_OK);
	assert_int_equal(inkan_domain_generate_key(d, f->dir, NULL,
		INKAN_KEY_RSA, 1024, INKAN_DOMAIN_KEY_ACTIVE), INKAN_OK);
	assert_int_equal(inkan_domain_generate_key(d, f->dir, NULL,
		INKAN_KEY_ED25519, 0, INKAN_DOMAIN_KEY_PENDING), INKAN_OK);
	assert_int_equal(inkan_domain_save(d, f->dir), INKAN_OK);
	snprintf(path, sizeof(path), "%s/identity", f->dir);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(inkan_domain_load(f->ctx, f->dir, &e, NULL, 0),
		INKAN_OK);
	v = inkan_domain_get_view(e);
	assert_string_equal(v->mail_from, "bounce.example.com");
	assert_int_equal(v->ttl, 300);
	assert_int_equal(v->dmarc_policy, INKAN_DMARC_POLICY_QUARANTINE);
	assert_int_equal(v->nselectors, 2);
	assert_int_equal(v->selectors[0].bits, 1024);
	assert_int_equal(v->selectors[1].state, INKAN_DOMAIN_KEY_PENDING);
	assert_int_equal(v->nhistory, 2);
	/* the same text again: nothing lost, nothing added */
	a = format(f->ctx, d);
	b = format(f->ctx, e);
	assert_string_equal(a, b);
	inkan_free(f->ctx, a);
	inkan_free(f->ctx, b);
	/* saving again replaces the file; no temporary file is left */
	assert_int_equal(inkan_domain_save(e, f->dir), INKAN_OK);
	snprintf(path, sizeof(path), "ls -a '%s' | grep -q '^[.]identity[.]'",
		f->dir);
	assert_int_not_equal(system(path), 0);
	inkan_domain_free(d);
	inkan_domain_free(e);
}

#define HEAD "inkan-domain 1\ndomain example.com\n"
#define KEY "key s1 rsa 2048 active 1700000000 s1.pem AAAA\n"

static void
test_strict(void **state)
{
	struct sfx *f = *state;
	static const struct {
		const char *text;
		const char *err;
	} bad[] = {
		{ "domain example.com\n", "identity:1:" },
		{ "inkan-domain 2\n", "identity:1:" },
		{ HEAD "ttl 3600", "no newline" },
		{ HEAD "ttl  3600\n", "identity:3:" },
		{ HEAD "ttl 3600 \n", "identity:3:" },
		{ HEAD "ttl 036\n", "identity:3:" },
		{ HEAD "ttl 3600\nttl 3600\n", "twice" },
		{ HEAD "domain example.org\n", "identity:3:" },
		{ "inkan-domain 1\nttl 60\n", "domain must come first" },
		{ HEAD "colour blue\n", "unknown" },
		{ HEAD "mail-from bounce.example.org. mx.x\n", "subdomain" },
		{ HEAD "spf-ip 300.1.1.1\n", "spf-ip" },
		{ HEAD "spf-all +all\n", "spf-all" },
		{ HEAD "dmarc-policy strict\n", "policy" },
		{ HEAD "dmarc-rua http://x\n", "rua" },
		{ HEAD "rotation sideways 0\n", "rotation" },
		{ HEAD "key s1 rsa 2048 active 1700000000 s1.pem\n", "7 fields" },
		{ HEAD "key s1 dsa 2048 active 1 s1.pem AAAA\n", "key type" },
		{ HEAD "key s1 rsa 100 active 1 s1.pem AAAA\n", "key size" },
		{ HEAD "key s1 ed25519 2048 active 1 s1.pem AAAA\n", "key size" },
		{ HEAD "key s1 rsa 2048 asleep 1 s1.pem AAAA\n", "key state" },
		{ HEAD "key s1 rsa 2048 active 1 ../x.pem AAAA\n", "SELECTOR.pem" },
		{ HEAD "key s1 rsa 2048 active 1 s1.pem AA*A\n", "public key" },
		{ HEAD "key s1 rsa 2048 active 1 - AAAA\n", "key file" },
		{ HEAD "key s1 rsa 2048 revoked 1 - AAAA\n", "public key" },
		{ HEAD KEY KEY, "twice" },
		{ HEAD "key s_1. rsa 2048 active 1 s_1..pem AAAA\n", "selector" },
		{ HEAD "event 12\n", "event" },
		{ HEAD "event x hello\n", "event" },
		{ HEAD "ttl 3600\r\n", "control" },
		{ HEAD "# caf\xc3\xa9\n", "non-ASCII" },
	};
	char err[128];
	inkan_domain *d;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_equal(ik_domain_state_parse(f->ctx, bad[i].text,
			strlen(bad[i].text), &d, err, sizeof(err)),
			INKAN_ERR_SYNTAX);
		assert_null(d);
		if (strstr(err, bad[i].err) == NULL)
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err,
				bad[i].err);
	}
	/* NUL inside a line */
	assert_int_equal(ik_domain_state_parse(f->ctx, HEAD "ttl 60\0\n",
		sizeof(HEAD "ttl 60\0\n") - 1, &d, err, sizeof(err)),
		INKAN_ERR_SYNTAX);
	/* and a good one, with comments and blank lines */
	assert_int_equal(ik_domain_state_parse(f->ctx, "# x\n\n" HEAD KEY
		"event 5 rotated\n", strlen("# x\n\n" HEAD KEY
		"event 5 rotated\n"), &d, err, sizeof(err)), INKAN_OK);
	assert_int_equal(inkan_domain_get_view(d)->nselectors, 1);
	assert_string_equal(inkan_domain_get_view(d)->history[0].what,
		"rotated");
	inkan_domain_free(d);
}

static void
test_limits(void **state)
{
	struct sfx *f = *state;
	char *text = malloc(IK_DOMAIN_STATE_MAX + 2), err[128];
	inkan_domain *d;
	size_t n, i;

	assert_non_null(text);
	/* more keys than the table holds */
	n = (size_t)snprintf(text, 64, "%s", HEAD);
	for (i = 0; i <= IK_DOMAIN_MAX_SELECTORS; i++)
		n += (size_t)snprintf(text + n, 128, "key s%zu rsa 2048 active "
			"1 s%zu.pem AAAA\n", i, i);
	assert_int_equal(ik_domain_state_parse(f->ctx, text, n, &d, err,
		sizeof(err)), INKAN_ERR_SYNTAX);
	assert_non_null(strstr(err, "too many keys"));
	/* a long line */
	n = (size_t)snprintf(text, 64, "%s# ", HEAD);
	memset(text + n, 'x', 3000);
	text[n + 3000] = '\n';
	assert_int_equal(ik_domain_state_parse(f->ctx, text, n + 3001, &d, err,
		sizeof(err)), INKAN_ERR_SYNTAX);
	assert_non_null(strstr(err, "too long"));
	/* history past its cap keeps the newest */
	n = (size_t)snprintf(text, 64, "%s", HEAD);
	for (i = 0; i < IK_DOMAIN_MAX_HISTORY + 10; i++)
		n += (size_t)snprintf(text + n, 64, "event %zu e%zu\n", i, i);
	assert_int_equal(ik_domain_state_parse(f->ctx, text, n, &d, err,
		sizeof(err)), INKAN_OK);
	assert_int_equal(inkan_domain_get_view(d)->nhistory,
		IK_DOMAIN_MAX_HISTORY);
	assert_string_equal(inkan_domain_get_view(d)->history[0].what, "e10");
	inkan_domain_free(d);
	/* the whole file */
	memset(text, '#', IK_DOMAIN_STATE_MAX + 1);
	assert_int_equal(ik_domain_state_parse(f->ctx, text,
		IK_DOMAIN_STATE_MAX + 1, &d, err, sizeof(err)), INKAN_ERR_LIMIT);
	free(text);
	assert_int_equal(inkan_domain_load(f->ctx, f->dir, &d, NULL, 0),
		INKAN_ERR_NOT_FOUND);
}

static void
test_default_dir(void **state)
{
	char buf[256];

	(void)state;
	setenv("XDG_STATE_HOME", "/x/state", 1);
	assert_int_equal(inkan_domain_default_state_dir("example.com", buf,
		sizeof(buf)), INKAN_OK);
	assert_string_equal(buf, "/x/state/inkan/example.com");
	setenv("XDG_STATE_HOME", "relative", 1);
	setenv("HOME", "/home/u", 1);
	assert_int_equal(inkan_domain_default_state_dir("example.com", buf,
		sizeof(buf)), INKAN_OK);
	assert_string_equal(buf, "/home/u/.local/state/inkan/example.com");
	assert_int_equal(inkan_domain_default_state_dir("../etc", buf,
		sizeof(buf)), INKAN_ERR_INVALID);
	assert_int_equal(inkan_domain_default_state_dir("example.com", buf,
		10), INKAN_ERR_LIMIT);
	unsetenv("HOME");
	unsetenv("XDG_STATE_HOME");
	assert_int_equal(inkan_domain_default_state_dir("example.com", buf,
		sizeof(buf)), INKAN_ERR_CONFIG);
}

static void
test_signing_keys(void **state)
{
	struct sfx *f = *state;
	inkan_domain *d;
	inkan_domain_signing_keys *k;
	inkan_key *key;
	char want[160];

	assert_int_equal(inkan_domain_new(f->ctx, "example.com", &d), INKAN_OK);
	assert_int_equal(inkan_domain_generate_key(d, f->dir, "ed",
		INKAN_KEY_ED25519, 0, INKAN_DOMAIN_KEY_ACTIVE), INKAN_OK);
	assert_int_equal(inkan_domain_generate_key(d, f->dir, "new",
		INKAN_KEY_RSA, 1024, INKAN_DOMAIN_KEY_PENDING), INKAN_OK);
	assert_int_equal(inkan_domain_save(d, f->dir), INKAN_OK);
	/* only the Ed25519 key is active */
	assert_int_equal(inkan_domain_signing_keys_get(f->ctx, f->dir, &k),
		INKAN_OK);
	assert_int_equal(k->nkeys, 1);
	assert_string_equal(k->keys[0].selector, "ed");
	inkan_domain_signing_keys_free(k);
	assert_int_equal(inkan_domain_generate_key(d, f->dir, "rsa",
		INKAN_KEY_RSA, 1024, INKAN_DOMAIN_KEY_ACTIVE), INKAN_OK);
	assert_int_equal(inkan_domain_save(d, f->dir), INKAN_OK);
	assert_int_equal(inkan_domain_signing_keys_get(f->ctx, f->dir, &k),
		INKAN_OK);
	assert_string_equal(k->domain, "example.com");
	assert_int_equal(k->nkeys, 2);
	/* RSA first */
	assert_string_equal(k->keys[0].selector, "rsa");
	assert_int_equal(k->keys[0].type, INKAN_KEY_RSA);
	snprintf(want, sizeof(want), "%s/rsa.pem", f->dir);
	assert_string_equal(k->keys[0].key_path, want);
	/* and the file really is the key */
	assert_int_equal(inkan_key_load_file(f->ctx, k->keys[0].key_path,
		&key), INKAN_OK);
	assert_int_equal(inkan_key_bits(key), 1024);
	inkan_key_free(key);
	inkan_domain_signing_keys_free(k);
	inkan_domain_free(d);
}

int
test_domain_state_group(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_round_trip, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_strict, setup, teardown),
		cmocka_unit_test_setup_teardown(test_limits, setup, teardown),
		cmocka_unit_test(test_default_dir),
		cmocka_unit_test_setup_teardown(test_signing_keys, setup,
			teardown),
	};

	return cmocka_run_group_tests_name("domain_state", tests, NULL, NULL);
}
