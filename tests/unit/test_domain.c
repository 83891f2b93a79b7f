/* SPDX-License-Identifier: MIT */
/*
 * test_domain.c - lib/domain: the identity, the records it needs, their
 * renderers (zone, nsupdate, Route 53, table) and the state file.
 *
 * The rendered zone text is read back by the zone backend of lib/dns (an
 * independent RFC 1035 parser): what a DNS server would load from it must
 * be exactly the records of the model.
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

struct fx {
	inkan_ctx *ctx;
	char dir[64];
};

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (f == NULL || inkan_ctx_new(NULL, &f->ctx) != INKAN_OK)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/inkan-test-domain-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	inkan_ctx_free(f->ctx);
	free(f);
	return 0;
}

static inkan_domain *
identity(struct fx *f, unsigned rsa_bits, int ed)
{
	inkan_domain *d;

	assert_int_equal(inkan_domain_new(f->ctx, "Example.COM.", &d),
		INKAN_OK);
	assert_int_equal(inkan_domain_set_mail_from(d, "bounce",
		"mx.example.net"), INKAN_OK);
	assert_int_equal(inkan_domain_add_spf_ip(d, "192.0.2.0/24"), INKAN_OK);
	assert_int_equal(inkan_domain_add_spf_include(d, "_spf.example.net"),
		INKAN_OK);
	assert_int_equal(inkan_domain_add_dmarc_rua(d,
		"mailto:dmarc@example.com"), INKAN_OK);
	assert_int_equal(inkan_domain_generate_key(d, f->dir, "big", INKAN_KEY_RSA,
		rsa_bits, INKAN_DOMAIN_KEY_ACTIVE), INKAN_OK);
	if (ed)
		assert_int_equal(inkan_domain_generate_key(d, f->dir, NULL,
			INKAN_KEY_ED25519, 0, INKAN_DOMAIN_KEY_ACTIVE),
			INKAN_OK);
	return d;
}

/* Parse the quoted character-strings of one zone line's RDATA: each at
 * most 255 bytes, joined into @joined. Returns the number of strings. */
static size_t
read_strings(const char *p, char *joined, size_t cap)
{
	size_t n = 0, len = 0, one;

	for (;;) {
		while (*p == ' ')
			p++;
		if (*p != '"')
			break;
		p++;
		one = 0;
		while (*p != '"') {
			assert_true(*p != '\0');
			if (*p == '\\')
				p++;
			assert_true(len + 1 < cap);
			joined[len++] = *p++;
			one++;
		}
		p++;
		assert_true(one <= 255);
		n++;
	}
	assert_true(*p == '\0' || *p == '\n');
	joined[len] = '\0';
	return n;
}

/* every record of the zone rendering: absolute name, strings <= 255,
 * joined strings equal the model's value */
static void
check_zone_text(const inkan_domain_records *rs, const char *text)
{
	const char *line = text;
	size_t seen = 0, i;
	char name[300], type[16], *joined = malloc(8192);
	unsigned ttl;

	assert_non_null(joined);
	while (*line != '\0') {
		const char *nl = strchr(line, '\n');
		int off = 0;

		assert_non_null(nl);
		if (*line != ';') {
			/* NAME TTL IN TYPE RDATA */
			const char *sp = strchr(line, ' ');
			char *end;

			assert_non_null(sp);
			assert_true((size_t)(sp - line) < sizeof(name));
			memcpy(name, line, (size_t)(sp - line));
			name[sp - line] = '\0';
			ttl = (unsigned)strtoul(sp + 1, &end, 10);
			assert_true(strncmp(end, " IN ", 4) == 0);
			sp = strchr(end + 4, ' ');
			assert_non_null(sp);
			assert_true((size_t)(sp - (end + 4)) < sizeof(type));
			memcpy(type, end + 4, (size_t)(sp - (end + 4)));
			type[sp - (end + 4)] = '\0';
			off = (int)(sp + 1 - line);
			assert_true(name[strlen(name) - 1] == '.');
			name[strlen(name) - 1] = '\0';
			for (i = 0; i < rs->nrecords; i++)
				if (strcmp(rs->records[i].name, name) == 0 &&
				    strcmp(inkan_dns_type_name(
				    rs->records[i].type), type) == 0)
					break;
			assert_true(i < rs->nrecords);
			assert_int_equal(ttl, rs->records[i].ttl);
			if (strcmp(type, "TXT") == 0) {
				size_t n = read_strings(line + off, joined, 8192);

				assert_string_equal(joined, rs->records[i].value);
				assert_int_equal(n,
					(strlen(joined) + 254) / 255);
			} else {
				/* MX: "10 host." absolute */
				assert_true(nl[-1] == '.');
			}
			seen++;
		}
		line = nl + 1;
	}
	assert_int_equal(seen, rs->nrecords);
	free(joined);
}

static void
check_split(void **state, unsigned bits)
{
	struct fx *f = *state;
	inkan_domain *d = identity(f, bits, 1);
	inkan_domain_records *rs;
	char *text;
	size_t i;

	assert_int_equal(inkan_domain_records_make(d, &rs), INKAN_OK);
	/* RSA + Ed25519 + MX + 2 SPF + DMARC */
	assert_int_equal(rs->nrecords, 6);
	assert_string_equal(rs->records[0].name, "big._domainkey.example.com");
	/* 2048: 392 base64 bytes of key; 4096: 736: more than 255 */
	assert_true(strlen(rs->records[0].value) > (bits == 4096 ? 700 : 380));
	assert_int_equal(inkan_domain_render(f->ctx, rs,
		INKAN_DOMAIN_FORMAT_ZONE, &text), INKAN_OK);
	check_zone_text(rs, text);
	inkan_free(f->ctx, text);
	for (i = 0; i < rs->nrecords; i++)
		assert_null(strchr(rs->records[i].name, ' '));
	inkan_domain_records_free(rs);
	inkan_domain_free(d);
}

static void
test_split_2048(void **state)
{
	check_split(state, 2048);
}

static void
test_split_4096(void **state)
{
	check_split(state, 4096);
}

/* the zone rendering loaded by lib/dns's own master file parser gives
 * back each record whole: TXT strings of one RR joined, the MX */
static void
test_zone_loads(void **state)
{
	struct fx *f = *state;
	inkan_domain *d = identity(f, 4096, 1);
	inkan_domain_records *rs;
	inkan_resolver *r;
	inkan_dns_query *q;
	const inkan_dns_answer *a;
	char *text, err[256] = "";
	size_t i;

	assert_int_equal(inkan_domain_records_make(d, &rs), INKAN_OK);
	assert_int_equal(inkan_domain_render(f->ctx, rs,
		INKAN_DOMAIN_FORMAT_ZONE, &text), INKAN_OK);
	assert_int_equal(inkan_resolver_zone_new(f->ctx, &r), INKAN_OK);
	if (inkan_resolver_zone_load_mem(r, text, SIZE_MAX, NULL, "render",
	    err, sizeof(err)) != INKAN_OK)
		fail_msg("zone: %s", err);
	for (i = 0; i < rs->nrecords; i++) {
		const inkan_domain_record *rec = &rs->records[i];

		assert_int_equal(inkan_dns_lookup(r, rec->name, rec->type, &q,
			&a), INKAN_OK);
		assert_int_equal(a->nrrs, 1);
		if (rec->type == INKAN_DNS_TYPE_TXT) {
			assert_string_equal(a->rrs[0].u.txt.joined.data,
				rec->value);
			assert_int_equal(a->rrs[0].u.txt.nstrings,
				(strlen(rec->value) + 254) / 255);
		} else {
			assert_string_equal(a->rrs[0].u.mx.exchange, rec->value);
			assert_int_equal(a->rrs[0].u.mx.preference, 10);
		}
		inkan_dns_query_free(q);
	}
	inkan_resolver_free(r);
	inkan_free(f->ctx, text);
	inkan_domain_records_free(rs);
	inkan_domain_free(d);
}

static void
test_records_content(void **state)
{
	struct fx *f = *state;
	inkan_domain *d = identity(f, 2048, 0);
	inkan_domain_records *rs;
	const inkan_domain_view *v = inkan_domain_get_view(d);

	assert_string_equal(v->domain, "example.com");
	assert_string_equal(v->mail_from, "bounce.example.com");
	assert_int_equal(inkan_domain_records_make(d, &rs), INKAN_OK);
	assert_int_equal(rs->nrecords, 5);
	assert_int_equal(rs->records[1].type, INKAN_DNS_TYPE_MX);
	assert_string_equal(rs->records[1].name, "bounce.example.com");
	assert_string_equal(rs->records[2].value, "v=spf1 ip4:192.0.2.0/24 "
		"include:_spf.example.net ~all");
	assert_false(rs->records[2].shared);
	assert_string_equal(rs->records[3].name, "example.com");
	assert_true(rs->records[3].shared);
	assert_string_equal(rs->records[4].name, "_dmarc.example.com");
	assert_string_equal(rs->records[4].value,
		"v=DMARC1; p=none; rua=mailto:dmarc@example.com");
	assert_true(rs->nnotes >= 2);
	inkan_domain_records_free(rs);
	/* the later stages, and -all */
	assert_int_equal(inkan_domain_set_dmarc_policy(d,
		INKAN_DMARC_POLICY_REJECT), INKAN_OK);
	inkan_domain_set_spf_hard_fail(d, 1);
	assert_int_equal(inkan_domain_records_make(d, &rs), INKAN_OK);
	assert_string_equal(rs->records[4].value,
		"v=DMARC1; p=reject; rua=mailto:dmarc@example.com");
	assert_non_null(strstr(rs->records[3].value, " -all"));
	inkan_domain_records_free(rs);
	inkan_domain_free(d);
}

static void
test_bad_input(void **state)
{
	struct fx *f = *state;
	inkan_domain *d;

	assert_int_equal(inkan_domain_new(f->ctx, "com", &d), INKAN_ERR_SYNTAX);
	assert_int_equal(inkan_domain_new(f->ctx, "a..b", &d),
		INKAN_ERR_SYNTAX);
	assert_int_equal(inkan_domain_new(f->ctx, "example.com", &d), INKAN_OK);
	/* MAIL FROM must be a proper subdomain */
	assert_int_equal(inkan_domain_set_mail_from(d, "example.com", "mx.x"),
		INKAN_ERR_SYNTAX);
	assert_int_equal(inkan_domain_set_mail_from(d, "bounce.example.org.",
		"mx.x"), INKAN_ERR_SYNTAX);
	assert_int_equal(inkan_domain_set_mail_from(d, "mail.bounce", "mx.x"),
		INKAN_ERR_SYNTAX);
	assert_int_equal(inkan_domain_set_mail_from(d, "Bounce", "mx.x"),
		INKAN_OK);
	assert_string_equal(inkan_domain_get_view(d)->mail_from,
		"bounce.example.com");
	assert_int_equal(inkan_domain_set_mail_from(d, "b.example.com.",
		"mx.x"), INKAN_OK);
	assert_string_equal(inkan_domain_get_view(d)->mail_from,
		"b.example.com");
	assert_int_equal(inkan_domain_set_mail_from(d, "bounce", NULL),
		INKAN_ERR_INVALID);
	assert_int_equal(inkan_domain_add_spf_ip(d, "192.0.2.300"),
		INKAN_ERR_SYNTAX);
	assert_int_equal(inkan_domain_add_spf_ip(d, "192.0.2.0/33"),
		INKAN_ERR_SYNTAX);
	assert_int_equal(inkan_domain_add_spf_ip(d, "2001:db8::/032"),
		INKAN_ERR_SYNTAX);
	assert_int_equal(inkan_domain_add_spf_ip(d, "2001:db8::/32"),
		INKAN_OK);
	assert_int_equal(inkan_domain_add_dmarc_rua(d, "https://x.example"),
		INKAN_ERR_SYNTAX);
	assert_int_equal(inkan_domain_add_dmarc_rua(d,
		"mailto:a@b.example,mailto:c@d.example"), INKAN_ERR_SYNTAX);
	assert_int_equal(inkan_domain_set_ttl(d, 5), INKAN_ERR_INVALID);
	assert_int_equal(inkan_domain_generate_key(d, f->dir, "bad sel",
		INKAN_KEY_RSA, 0, INKAN_DOMAIN_KEY_ACTIVE), INKAN_ERR_SYNTAX);
	inkan_domain_free(d);
}

/* the private key is created 0600 and never over an existing file */
static void
test_key_files(void **state)
{
	struct fx *f = *state;
	inkan_domain *d;
	struct stat sb;
	char path[128];

	assert_int_equal(inkan_domain_new(f->ctx, "example.org", &d), INKAN_OK);
	snprintf(path, sizeof(path), "%s/sub", f->dir);
	assert_int_equal(inkan_domain_generate_key(d, path, "s1",
		INKAN_KEY_ED25519, 0, INKAN_DOMAIN_KEY_ACTIVE), INKAN_OK);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0700);
	snprintf(path, sizeof(path), "%s/sub/s1.pem", f->dir);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	/* a key file left by someone else is not overwritten */
	snprintf(path, sizeof(path), "%s/sub/s2.pem", f->dir);
	assert_non_null(fopen(path, "w"));
	snprintf(path, sizeof(path), "%s/sub", f->dir);
	assert_int_equal(inkan_domain_generate_key(d, path, "s2",
		INKAN_KEY_ED25519, 0, INKAN_DOMAIN_KEY_ACTIVE), INKAN_ERR_IO);
	assert_int_equal(inkan_domain_get_view(d)->nselectors, 1);
	inkan_domain_free(d);
}

static void
test_txt_quote(void **state)
{
	struct fx *f = *state;
	char *out, big[600];

	assert_int_equal(inkan_domain_txt_quote(f->ctx, "a\"b\\c\x01", 6,
		&out), INKAN_OK);
	assert_string_equal(out, "\"a\\\"b\\\\c\\001\"");
	inkan_free(f->ctx, out);
	memset(big, 'x', sizeof(big));
	assert_int_equal(inkan_domain_txt_quote(f->ctx, big, 510, &out),
		INKAN_OK);
	assert_int_equal(strlen(out), 510 + 2 * 2 + 1);
	assert_true(out[256] == '"' && out[257] == ' ' && out[258] == '"');
	inkan_free(f->ctx, out);
	assert_int_equal(inkan_domain_txt_quote(f->ctx, "", 0, &out), INKAN_OK);
	assert_string_equal(out, "\"\"");
	inkan_free(f->ctx, out);
}

static void
test_route53(void **state)
{
	struct fx *f = *state;
	inkan_domain *d = identity(f, 2048, 0);
	inkan_domain_records *rs;
	char *text, *p;
	size_t n = 0;

	assert_int_equal(inkan_domain_records_make(d, &rs), INKAN_OK);
	assert_int_equal(inkan_domain_render(f->ctx, rs,
		INKAN_DOMAIN_FORMAT_ROUTE53, &text), INKAN_OK);
	/* the DKIM value: two quoted strings inside one JSON string */
	p = strstr(text, "\"Value\": \"\\\"v=DKIM1; k=rsa; p=");
	assert_non_null(p);
	assert_non_null(strstr(p, "\\\" \\\""));
	assert_non_null(strstr(text, "\"Name\": \"big._domainkey.example.com."
		"\""));
	assert_non_null(strstr(text, "\"Value\": \"10 mx.example.net.\""));
	for (p = text; (p = strstr(p, "\"UPSERT\"")) != NULL; p++)
		n++;
	assert_int_equal(n, rs->nrecords);
	inkan_free(f->ctx, text);
	assert_int_equal(inkan_domain_render(f->ctx, rs,
		INKAN_DOMAIN_FORMAT_NSUPDATE, &text), INKAN_OK);
	assert_non_null(strstr(text, "update delete _dmarc.example.com. TXT\n"));
	/* the apex TXT RRset is never deleted as a whole */
	assert_null(strstr(text, "update delete example.com. TXT\n"));
	assert_non_null(strstr(text, "\nsend\n"));
	inkan_free(f->ctx, text);
	assert_int_equal(inkan_domain_render(f->ctx, rs,
		INKAN_DOMAIN_FORMAT_TABLE, &text), INKAN_OK);
	assert_non_null(strstr(text, "Host:  _dmarc "));
	assert_non_null(strstr(text, "Host:  @ "));
	inkan_free(f->ctx, text);
	inkan_domain_records_free(rs);
	inkan_domain_free(d);
}

int test_domain_state_group(void);
int test_domain_tsig_group(void);
int test_domain_check_group(void);

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_split_2048, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_split_4096, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_zone_loads, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_records_content, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_bad_input, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_key_files, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_txt_quote, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_route53, setup, teardown),
	};
	int rc = cmocka_run_group_tests_name("domain", tests, NULL, NULL);

	rc |= test_domain_state_group();
	rc |= test_domain_tsig_group();
	return rc | test_domain_check_group();
}
