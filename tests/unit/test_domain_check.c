/* SPDX-License-Identifier: MIT */
/*
 * test_domain_check.c - inkan_domain_check() against zone files (the zone
 * backend of lib/dns, no network), and the key rotation state machine
 * with a fixed clock.
 *
 * The zones are what `inkan domain setup` renders, loaded back, plus one
 * change per test; the test asserts the item status and the finding that
 * change must cause.
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

#include "alloc_fail.h"

int test_domain_check_group(void);

/* the state parser is internal (domain_internal.h); a small wrapper */
inkan_status ik_domain_state_parse(inkan_ctx *ctx, const char *text,
	size_t len, inkan_domain **out, char *err, size_t errlen);

static inkan_status
ik_domain_state_parse_for_test(inkan_ctx *ctx, const char *t,
	inkan_domain **d)
{
	return ik_domain_state_parse(ctx, t, strlen(t), d, NULL, 0);
}

struct cf {
	inkan_ctx *ctx;
	inkan_resolver *r;
	inkan_domain *d;
	char dir[64];
	char *zone;		/* the rendered records */
	inkan_domain_checker *ck;
	const inkan_domain_report *rep;
	int64_t now;
};

static int64_t
fixed_clock(void *ud)
{
	return ((struct cf *)ud)->now;
}

static int
setup(void **state)
{
	struct cf *f = calloc(1, sizeof(*f));
	inkan_domain_records *rs;

	if (f == NULL || inkan_ctx_new(NULL, &f->ctx) != INKAN_OK)
		return -1;
	f->now = 1700000000;
	inkan_ctx_set_clock(f->ctx, fixed_clock, f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/inkan-test-check-XXXXXX");
	if (mkdtemp(f->dir) == NULL ||
	    inkan_domain_new(f->ctx, "example.com", &f->d) != INKAN_OK ||
	    inkan_domain_set_mail_from(f->d, "bounce", "mx.example.com") !=
	    INKAN_OK || inkan_domain_add_spf_ip(f->d, "192.0.2.10") !=
	    INKAN_OK || inkan_domain_add_dmarc_rua(f->d,
	    "mailto:dmarc@example.com") != INKAN_OK ||
	    inkan_domain_generate_key(f->d, f->dir, "s1", INKAN_KEY_RSA, 0,
	    INKAN_DOMAIN_KEY_ACTIVE) != INKAN_OK ||
	    inkan_domain_records_make(f->d, &rs) != INKAN_OK ||
	    inkan_domain_render(f->ctx, rs, INKAN_DOMAIN_FORMAT_ZONE,
	    &f->zone) != INKAN_OK)
		return -1;
	inkan_domain_records_free(rs);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct cf *f = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	inkan_domain_checker_free(f->ck);
	inkan_ctx_set_resolver(f->ctx, NULL);
	inkan_resolver_free(f->r);
	inkan_free(f->ctx, f->zone);
	inkan_domain_free(f->d);
	inkan_ctx_free(f->ctx);
	free(f);
	return 0;
}

#define BASE "$ORIGIN example.com.\n" \
	"@ 300 IN SOA ns h 1 3600 600 86400 60\n" \
	"mx IN A 192.0.2.25\nout IN A 192.0.2.10\n" \
	"$ORIGIN 2.0.192.in-addr.arpa.\n10 IN PTR out.example.com.\n" \
	"20 IN PTR nowhere.example.com.\n"

/* load BASE + (with_setup ? the rendered records : "") + extra, with
 * lines of the rendered records that contain @drop left out */
static void
zone(struct cf *f, int with_setup, const char *drop, const char *extra)
{
	char err[256] = "", *text, *line, *save = NULL;
	size_t cap = strlen(BASE) + strlen(f->zone) + strlen(extra) + 64;

	text = malloc(cap);
	assert_non_null(text);
	snprintf(text, cap, "%s", BASE);
	if (with_setup) {
		char *copy = strdup(f->zone);

		assert_non_null(copy);
		/* strtok is banned in the library; a test may split lines
		 * by hand just as well */
		for (line = copy; line != NULL && *line != '\0'; line = save) {
			char *nl = strchr(line, '\n');

			save = nl != NULL ? nl + 1 : NULL;
			if (nl != NULL)
				*nl = '\0';
			if (drop != NULL && strstr(line, drop) != NULL)
				continue;
			strncat(text, line, cap - strlen(text) - 2);
			strncat(text, "\n", cap - strlen(text) - 1);
		}
		free(copy);
	}
	strncat(text, extra, cap - strlen(text) - 1);
	inkan_ctx_set_resolver(f->ctx, NULL);
	inkan_resolver_free(f->r);
	assert_int_equal(inkan_resolver_zone_new(f->ctx, &f->r), INKAN_OK);
	if (inkan_resolver_zone_load_mem(f->r, text, SIZE_MAX, NULL, "test",
	    err, sizeof(err)) != INKAN_OK)
		fail_msg("zone: %s\n%s", err, text);
	inkan_ctx_set_resolver(f->ctx, f->r);
	free(text);
}

static void
run(struct cf *f, const char *ip, const char *const *sels, size_t nsels)
{
	inkan_domain_check_options o;

	memset(&o, 0, sizeof(o));
	o.ips = &ip;
	o.nips = ip != NULL;
	o.selectors = sels;
	o.nselectors = nsels;
	inkan_domain_checker_free(f->ck);
	f->ck = NULL;
	assert_int_equal(inkan_domain_check(f->ctx, "example.com", f->d, &o,
		&f->ck, &f->rep), INKAN_OK);
}

static const inkan_domain_item *
item(struct cf *f, inkan_domain_area area, const char *name)
{
	size_t i;

	for (i = 0; i < f->rep->nitems; i++)
		if (f->rep->items[i].area == area &&
		    strcmp(f->rep->items[i].name, name) == 0)
			return &f->rep->items[i];
	fail_msg("no item %s %s", inkan_domain_area_name(area), name);
	return NULL;
}

static const inkan_finding *
finding(const inkan_domain_item *it, const char *code)
{
	size_t i;

	for (i = 0; i < it->nfindings; i++)
		if (strcmp(it->findings[i].code, code) == 0)
			return &it->findings[i];
	return NULL;
}

static void
expect(struct cf *f, inkan_domain_area area, const char *name,
	inkan_domain_status st, const char *code, inkan_severity sev)
{
	const inkan_domain_item *it = item(f, area, name);
	const inkan_finding *fd;

	assert_int_equal(it->status, st);
	if (code == NULL)
		return;
	fd = finding(it, code);
	if (fd == NULL)
		fail_msg("%s: no finding %s", name, code);
	assert_int_equal(fd->severity, sev);
	assert_non_null(fd->message);
}

static void
test_good(void **state)
{
	struct cf *f = *state;
	size_t i;

	zone(f, 1, NULL, "");
	run(f, "192.0.2.10", NULL, 0);
	for (i = 0; i < f->rep->nitems; i++)
		if (f->rep->items[i].status != INKAN_DOMAIN_SUCCESS)
			fail_msg("%s is %s", f->rep->items[i].name,
				inkan_domain_status_name(
				f->rep->items[i].status));
	assert_int_equal(f->rep->errors, 0);
	assert_int_equal(f->rep->warnings, 0);
	assert_int_equal(f->rep->nsummary, 1);
	assert_non_null(strstr(f->rep->summary[0], "from 192.0.2.10 will pass "
		"DMARC via SPF and DKIM"));
	assert_non_null(strstr(f->rep->summary[0], "MAIL FROM "
		"bounce.example.com"));
	for (i = 0; i < f->rep->ngmail; i++)
		assert_int_not_equal(f->rep->gmail[i].met, 0);
	/* without --ip: the SPF record is taken as usable */
	run(f, NULL, NULL, 0);
	assert_non_null(strstr(f->rep->summary[0], "from an IP its SPF record "
		"authorizes will pass DMARC via SPF and DKIM"));
}

static void
test_pending(void **state)
{
	struct cf *f = *state;

	/* nothing published but the base */
	zone(f, 0, NULL, "");
	run(f, NULL, NULL, 0);
	expect(f, INKAN_DOMAIN_AREA_DKIM, "s1._domainkey.example.com",
		INKAN_DOMAIN_PENDING, "dkim-missing", INKAN_SEVERITY_ERROR);
	expect(f, INKAN_DOMAIN_AREA_SPF, "example.com", INKAN_DOMAIN_PENDING,
		"spf-no-record", INKAN_SEVERITY_ERROR);
	expect(f, INKAN_DOMAIN_AREA_MAIL_FROM, "bounce.example.com",
		INKAN_DOMAIN_PENDING, "mail-from-no-mx", INKAN_SEVERITY_ERROR);
	expect(f, INKAN_DOMAIN_AREA_DMARC, "_dmarc.example.com",
		INKAN_DOMAIN_PENDING, "dmarc-missing", INKAN_SEVERITY_ERROR);
	assert_non_null(strstr(f->rep->summary[0], "no DMARC verdict"));
}

static void
test_dkim(void **state)
{
	struct cf *f = *state;
	inkan_key *k;
	char rec[1100], extra[4096];
	size_t len;
	const char *sels[] = { "s1", "alias", "two", "test", "weak" };

	/* another key than the state's under s1, a CNAME delegation,
	 * two records, t=y, and a 1024-bit key */
	assert_int_equal(inkan_key_generate(f->ctx, INKAN_KEY_RSA, 1024, &k),
		INKAN_OK);
	assert_int_equal(inkan_key_dns_record(k, rec, sizeof(rec), &len),
		INKAN_OK);
	inkan_key_free(k);
	snprintf(extra, sizeof(extra), "$ORIGIN example.com.\n"
		"s1._domainkey IN TXT \"%.250s\" \"%s\"\n"
		"alias._domainkey IN CNAME s1.dkim.example.net.\n"
		"$ORIGIN example.net.\ns1.dkim IN TXT \"v=DKIM1; k=ed25519; "
		"p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\"\n"
		"$ORIGIN example.com.\n"
		"two._domainkey IN TXT \"v=DKIM1; p=\"\n"
		"two._domainkey IN TXT \"v=DKIM1; k=rsa; p=\"\n"
		"test._domainkey IN TXT \"v=DKIM1; k=ed25519; t=y; "
		"p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\"\n"
		"weak._domainkey IN TXT \"%.250s\" \"%s\"\n", rec,
		len > 250 ? rec + 250 : "", rec, len > 250 ? rec + 250 : "");
	zone(f, 1, "s1._domainkey", extra);
	run(f, NULL, sels, 5);
	expect(f, INKAN_DOMAIN_AREA_DKIM, "s1._domainkey.example.com",
		INKAN_DOMAIN_FAILED, "dkim-key-mismatch", INKAN_SEVERITY_ERROR);
	expect(f, INKAN_DOMAIN_AREA_DKIM, "alias._domainkey.example.com",
		INKAN_DOMAIN_SUCCESS, "dkim-cname", INKAN_SEVERITY_NOTE);
	expect(f, INKAN_DOMAIN_AREA_DKIM, "two._domainkey.example.com",
		INKAN_DOMAIN_FAILED, "dkim-several-records",
		INKAN_SEVERITY_ERROR);
	expect(f, INKAN_DOMAIN_AREA_DKIM, "test._domainkey.example.com",
		INKAN_DOMAIN_SUCCESS, "dkim-testing", INKAN_SEVERITY_WARNING);
	expect(f, INKAN_DOMAIN_AREA_DKIM, "weak._domainkey.example.com",
		INKAN_DOMAIN_SUCCESS, "dkim-key-1024", INKAN_SEVERITY_WARNING);
	/* the mismatched s1 does not count; the others do */
	assert_null(strstr(f->rep->summary[0], "s1"));
	assert_non_null(strstr(f->rep->summary[0], "weak"));
	/* with an RSA key, an Ed25519 key is fine */
	assert_null(finding(item(f, INKAN_DOMAIN_AREA_DKIM,
		"test._domainkey.example.com"), "dkim-ed25519-only"));
	/* without one, Gmail cannot verify */
	zone(f, 1, "s1._domainkey", "$ORIGIN example.com.\n"
		"test._domainkey IN TXT \"v=DKIM1; k=ed25519; "
		"p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\"\n");
	run(f, NULL, sels + 3, 1);
	expect(f, INKAN_DOMAIN_AREA_DKIM, "test._domainkey.example.com",
		INKAN_DOMAIN_SUCCESS, "dkim-ed25519-only",
		INKAN_SEVERITY_WARNING);
}

static void
test_temporary(void **state)
{
	struct cf *f = *state;

	zone(f, 1, NULL, "$FAULT s1._domainkey.example.com. TXT servfail\n"
		"$FAULT 10.2.0.192.in-addr.arpa. PTR timeout\n");
	run(f, "192.0.2.10", NULL, 0);
	expect(f, INKAN_DOMAIN_AREA_DKIM, "s1._domainkey.example.com",
		INKAN_DOMAIN_TEMPORARY_FAILURE, NULL, 0);
	expect(f, INKAN_DOMAIN_AREA_IP, "192.0.2.10",
		INKAN_DOMAIN_TEMPORARY_FAILURE, NULL, 0);
	assert_int_equal(f->rep->temporary, 2);
}

static void
test_mail_from_and_dmarc(void **state)
{
	struct cf *f = *state;

	zone(f, 1, "MX", "$ORIGIN example.com.\n"
		"bounce IN MX 0 .\n");
	run(f, NULL, NULL, 0);
	expect(f, INKAN_DOMAIN_AREA_MAIL_FROM, "bounce.example.com",
		INKAN_DOMAIN_FAILED, "mail-from-null-mx", INKAN_SEVERITY_ERROR);
	zone(f, 1, "MX", "$ORIGIN example.com.\n"
		"bounce IN MX 10 elsewhere.example.net.\n"
		"elsewhere.example.net. IN AAAA 2001:db8::25\n");
	run(f, NULL, NULL, 0);
	expect(f, INKAN_DOMAIN_AREA_MAIL_FROM, "bounce.example.com",
		INKAN_DOMAIN_SUCCESS, "mail-from-mx-other",
		INKAN_SEVERITY_WARNING);
	/* RFC 5321 5.1: an MX whose target has no address takes no
	 * bounce: the target name does not exist, or exists without A/AAAA */
	zone(f, 1, "MX", "$ORIGIN example.com.\n"
		"bounce IN MX 10 gone.example.com.\n");
	run(f, NULL, NULL, 0);
	expect(f, INKAN_DOMAIN_AREA_MAIL_FROM, "bounce.example.com",
		INKAN_DOMAIN_FAILED, "mail-from-mx-target",
		INKAN_SEVERITY_ERROR);
	zone(f, 1, "MX", "$ORIGIN example.com.\n"
		"bounce IN MX 10 txtonly.example.com.\n"
		"txtonly IN TXT \"no address here\"\n");
	run(f, NULL, NULL, 0);
	expect(f, INKAN_DOMAIN_AREA_MAIL_FROM, "bounce.example.com",
		INKAN_DOMAIN_FAILED, "mail-from-mx-target",
		INKAN_SEVERITY_ERROR);
	/* the set-up's own MX (mx.example.com has an A): no such finding */
	zone(f, 1, NULL, "");
	run(f, NULL, NULL, 0);
	assert_null(finding(item(f, INKAN_DOMAIN_AREA_MAIL_FROM,
		"bounce.example.com"), "mail-from-mx-target"));
	/* np: absent sp and np fall back to p=reject (RFC 9989 4.10.1), so
	 * there is nothing to add; sp=quarantine leaves np at quarantine */
	zone(f, 1, "_dmarc", "$ORIGIN example.com.\n_dmarc IN TXT "
		"\"v=DMARC1; p=reject; rua=mailto:dmarc@example.com\"\n");
	run(f, NULL, NULL, 0);
	assert_null(finding(item(f, INKAN_DOMAIN_AREA_DMARC,
		"_dmarc.example.com"), "dmarc-np"));
	zone(f, 1, "_dmarc", "$ORIGIN example.com.\n_dmarc IN TXT "
		"\"v=DMARC1; p=reject; sp=quarantine; "
		"rua=mailto:dmarc@example.com\"\n");
	run(f, NULL, NULL, 0);
	expect(f, INKAN_DOMAIN_AREA_DMARC, "_dmarc.example.com",
		INKAN_DOMAIN_SUCCESS, "dmarc-np", INKAN_SEVERITY_NOTE);
	/* removed tags, sp=none under p=reject, no rua */
	zone(f, 1, "_dmarc", "$ORIGIN example.com.\n_dmarc IN TXT "
		"\"v=DMARC1; p=reject; sp=none; pct=50; ri=3600\"\n");
	run(f, NULL, NULL, 0);
	expect(f, INKAN_DOMAIN_AREA_DMARC, "_dmarc.example.com",
		INKAN_DOMAIN_SUCCESS, "dmarc-removed-tag",
		INKAN_SEVERITY_WARNING);
	expect(f, INKAN_DOMAIN_AREA_DMARC, "_dmarc.example.com",
		INKAN_DOMAIN_SUCCESS, "dmarc-sp-none", INKAN_SEVERITY_WARNING);
	expect(f, INKAN_DOMAIN_AREA_DMARC, "_dmarc.example.com",
		INKAN_DOMAIN_SUCCESS, "dmarc-no-rua", INKAN_SEVERITY_WARNING);
}

static void
test_inherited(void **state)
{
	struct cf *f = *state;
	const char *sels[] = { "x" };
	inkan_domain_check_options o;

	/* a subdomain without its own record: the parent's applies */
	zone(f, 1, NULL, "$ORIGIN example.com.\nsub IN A 192.0.2.1\n");
	memset(&o, 0, sizeof(o));
	o.selectors = sels;
	o.nselectors = 1;
	assert_int_equal(inkan_domain_check(f->ctx, "sub.example.com", NULL,
		&o, &f->ck, &f->rep), INKAN_OK);
	expect(f, INKAN_DOMAIN_AREA_DMARC, "_dmarc.sub.example.com",
		INKAN_DOMAIN_SUCCESS, "dmarc-inherited", INKAN_SEVERITY_NOTE);
	/* an identity for another domain is refused */
	inkan_domain_checker_free(f->ck);
	f->ck = NULL;
	assert_int_equal(inkan_domain_check(f->ctx, "example.org", f->d, NULL,
		&f->ck, &f->rep), INKAN_ERR_INVALID);
	o.nips = 1;
	o.ips = sels;	/* "x" is no IP */
	assert_int_equal(inkan_domain_check(f->ctx, "example.com", NULL, &o,
		&f->ck, &f->rep), INKAN_ERR_SYNTAX);
}

static void
test_ips(void **state)
{
	struct cf *f = *state;
	const char *ips[] = { "192.0.2.20", "192.0.2.99" };
	inkan_domain_check_options o;

	zone(f, 1, NULL, "");
	memset(&o, 0, sizeof(o));
	o.ips = ips;
	o.nips = 2;
	assert_int_equal(inkan_domain_check(f->ctx, "example.com", f->d, &o,
		&f->ck, &f->rep), INKAN_OK);
	/* a PTR to a name without an address; SPF softfail */
	expect(f, INKAN_DOMAIN_AREA_IP, "192.0.2.20", INKAN_DOMAIN_FAILED,
		"ip-no-fcrdns", INKAN_SEVERITY_ERROR);
	expect(f, INKAN_DOMAIN_AREA_IP, "192.0.2.20", INKAN_DOMAIN_FAILED,
		"ip-spf", INKAN_SEVERITY_ERROR);
	expect(f, INKAN_DOMAIN_AREA_IP, "192.0.2.99", INKAN_DOMAIN_FAILED,
		"ip-no-ptr", INKAN_SEVERITY_ERROR);
	/* DKIM still carries it */
	assert_int_equal(f->rep->nsummary, 2);
	assert_non_null(strstr(f->rep->summary[1], "192.0.2.99 will pass "
		"DMARC via DKIM only (SPF gives softfail for MAIL FROM "
		"bounce.example.com)"));
}

/* ---- rotation ------------------------------------------------------ */

static size_t
count(const inkan_domain *d, inkan_domain_key_state s)
{
	const inkan_domain_view *v = inkan_domain_get_view(d);
	size_t i, n = 0;

	for (i = 0; i < v->nselectors; i++)
		n += v->selectors[i].state == s;
	return n;
}

static void
test_rotate(void **state)
{
	struct cf *f = *state;
	inkan_domain_rotate_need need;
	inkan_domain *e;
	char path[128];
	int64_t until;

	assert_int_equal(inkan_domain_generate_key(f->d, f->dir, "e1",
		INKAN_KEY_ED25519, 0, INKAN_DOMAIN_KEY_ACTIVE), INKAN_OK);
	/* start: a new key per type, pending */
	assert_int_equal(inkan_domain_rotate_step(f->d, f->dir, 0, 3600,
		&need, &until), INKAN_OK);
	assert_int_equal(need, INKAN_DOMAIN_ROTATE_PUBLISH);
	assert_int_equal(count(f->d, INKAN_DOMAIN_KEY_PENDING), 2);
	assert_int_equal(inkan_domain_get_view(f->d)->grace, 3600);
	/* not visible yet: still publish */
	assert_int_equal(inkan_domain_rotate_step(f->d, f->dir, 0, 0, &need,
		&until), INKAN_OK);
	assert_int_equal(need, INKAN_DOMAIN_ROTATE_PUBLISH);
	/* visible: switch, then wait for the grace period */
	f->now += 10;
	assert_int_equal(inkan_domain_rotate_step(f->d, f->dir, 1, 0, &need,
		&until), INKAN_OK);
	assert_int_equal(need, INKAN_DOMAIN_ROTATE_WAIT);
	assert_int_equal(until, f->now + 3600);
	assert_int_equal(count(f->d, INKAN_DOMAIN_KEY_ACTIVE), 2);
	assert_int_equal(count(f->d, INKAN_DOMAIN_KEY_RETIRED), 2);
	/* stop here; a later run reads the state and continues */
	assert_int_equal(inkan_domain_save(f->d, f->dir), INKAN_OK);
	assert_int_equal(inkan_domain_load(f->ctx, f->dir, &e, NULL, 0),
		INKAN_OK);
	f->now += 3599;
	assert_int_equal(inkan_domain_rotate_step(e, f->dir, 0, 0, &need,
		&until), INKAN_OK);
	assert_int_equal(need, INKAN_DOMAIN_ROTATE_WAIT);
	f->now += 1;
	assert_int_equal(inkan_domain_rotate_step(e, f->dir, 0, 0, &need,
		&until), INKAN_OK);
	assert_int_equal(need, INKAN_DOMAIN_ROTATE_PUBLISH);
	assert_int_equal(count(e, INKAN_DOMAIN_KEY_REVOKED), 2);
	snprintf(path, sizeof(path), "%s/s1.pem", f->dir);
	assert_int_not_equal(access(path, F_OK), 0);
	assert_int_equal(inkan_domain_rotate_step(e, f->dir, 1, 0, &need,
		&until), INKAN_OK);
	assert_int_equal(need, INKAN_DOMAIN_ROTATE_DONE);
	assert_int_equal(inkan_domain_get_view(e)->rotation,
		INKAN_DOMAIN_ROT_NONE);
	/* the next rotation forgets the revoked keys */
	assert_int_equal(inkan_domain_rotate_step(e, f->dir, 0, 0, &need,
		&until), INKAN_OK);
	assert_int_equal(count(e, INKAN_DOMAIN_KEY_REVOKED), 0);
	assert_int_equal(count(e, INKAN_DOMAIN_KEY_PENDING), 2);
	inkan_domain_free(e);
	/* nothing active: nothing to rotate */
	assert_int_equal(inkan_domain_new(f->ctx, "example.net", &e), INKAN_OK);
	assert_int_equal(inkan_domain_rotate_step(e, f->dir, 0, 0, &need,
		&until), INKAN_ERR_STATE);
	inkan_domain_free(e);
}

/* ---- allocation failures (alloc_fail.h) ------------------------- */

static const char af_key[] = "key k { algorithm hmac-sha256; secret "
	"\"QUJD\"; };";
static const char af_ident[] = "inkan-domain 1\ndomain example.com\n"
	"mail-from bounce.example.com mx.example.com\nspf-ip 192.0.2.1"
	"\ndmarc-rua mailto:d@example.com\nkey s1 rsa 2048 active 1 "
	"s1.pem AAAA\nevent 1 made\n";

static void *
af_setup(inkan_ctx *ctx, void *arg)
{
	struct cf *f = arg;
	inkan_resolver *r = NULL;
	char err[64];

	inkan_ctx_set_clock(ctx, fixed_clock, f);
	assert_int_equal(inkan_resolver_zone_new(ctx, &r), INKAN_OK);
	assert_int_equal(inkan_resolver_zone_load_mem(r, BASE, SIZE_MAX, NULL,
		NULL, err, sizeof(err)), INKAN_OK);
	assert_int_equal(inkan_resolver_zone_load_mem(r, f->zone, SIZE_MAX,
		NULL, NULL, err, sizeof(err)), INKAN_OK);
	inkan_ctx_set_resolver(ctx, r);
	return r;
}

static void
af_teardown(inkan_ctx *ctx, void *arg, void *env)
{
	(void)arg;
	inkan_ctx_set_resolver(ctx, NULL);
	inkan_resolver_free(env);
}

/* the report's counts and each item's status */
static void
af_describe(const inkan_domain_report *rep, size_t rendered,
	alloc_fail_outcome *out)
{
	char items[2048] = "";
	size_t i, off = 0;

	for (i = 0; i < rep->nitems; i++) {
		const inkan_domain_item *it = &rep->items[i];
		size_t k;
		int n = snprintf(items + off, sizeof(items) - off, " %s=%s",
			inkan_domain_area_name(it->area),
			inkan_domain_status_name(it->status));

		assert_true(n > 0 && (size_t)n < sizeof(items) - off);
		off += (size_t)n;
		for (k = 0; k < it->nfindings; k++) {
			n = snprintf(items + off, sizeof(items) - off, "%c%s",
				k == 0 ? '(' : ',', it->findings[k].code);
			assert_true(n > 0 && (size_t)n < sizeof(items) - off);
			off += (size_t)n;
		}
		if (it->nfindings > 0) {
			assert_true(off + 1 < sizeof(items));
			items[off++] = ')';
			items[off] = '\0';
		}
	}
	alloc_fail_verdict(out, "rendered %zu bytes; %zu errors %zu warnings "
		"%zu notes;%s", rendered, rep->errors, rep->warnings,
		rep->notes, items);
}

/* the state parser, records, rendering in every format, the TSIG key
 * parser and a whole check of the zone the setup published */
static void
af_run(inkan_ctx *ctx, void *arg, void *env, alloc_fail_outcome *out)
{
	inkan_domain *d = NULL;
	inkan_domain_records *rs = NULL;
	inkan_domain_checker *ck = NULL;
	const inkan_domain_report *rep = NULL;
	inkan_tsig_key *k = NULL;
	size_t rendered = 0;
	char *text;
	int fmt;
	inkan_status st;

	(void)arg;
	(void)env;
	st = ik_domain_state_parse_for_test(ctx, af_ident, &d);
	if (st == INKAN_OK)
		st = inkan_domain_records_make(d, &rs);
	for (fmt = 0; st == INKAN_OK && fmt < 4; fmt++) {
		st = inkan_domain_render(ctx, rs, (inkan_domain_format)fmt,
			&text);
		if (st == INKAN_OK) {
			rendered += strlen(text);
			inkan_free(ctx, text);
		}
	}
	if (st == INKAN_OK) {
		st = inkan_tsig_key_parse(ctx, af_key, strlen(af_key), &k,
			NULL, 0);
		inkan_tsig_key_free(k);
	}
	if (st == INKAN_OK)
		st = inkan_domain_check(ctx, "example.com", d, NULL, &ck,
			&rep);
	out->status = st;
	if (st == INKAN_OK) {
		/* DNS failures are TEMPORARY_FAILURE items */
		out->temporary = rep->temporary > 0;
		af_describe(rep, rendered, out);
	}
	inkan_domain_checker_free(ck);
	inkan_domain_records_free(rs);
	inkan_domain_free(d);
}

static void
test_nomem(void **state)
{
	const alloc_fail_case c = {
		.name = "domain records+render+check", .mode = ALLOC_FAIL_ONE,
		.setup = af_setup, .run = af_run, .teardown = af_teardown,
		.arg = *state, .expect_status = INKAN_OK,
		/* the identity's key (AAAA) is not the published one */
		.expect = "rendered 5367 bytes; 1 errors 0 warnings 1 notes; "
			"DKIM=FAILED(dkim-key-mismatch) SPF=SUCCESS MAIL "
			"FROM=SUCCESS SPF=SUCCESS DMARC=SUCCESS(dmarc-p-none)",
		.min_points = 100, .max_points = 100000,
	};

	alloc_fail_each(&c);
}

int
test_domain_check_group(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_good, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pending, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dkim, setup, teardown),
		cmocka_unit_test_setup_teardown(test_temporary, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_mail_from_and_dmarc,
			setup, teardown),
		cmocka_unit_test_setup_teardown(test_inherited, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_ips, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rotate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nomem, setup, teardown),
	};

	return cmocka_run_group_tests_name("domain_check", tests, NULL, NULL);
}
