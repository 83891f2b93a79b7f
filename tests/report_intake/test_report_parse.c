/* SPDX-License-Identifier: MIT */
/*
 * test_report_parse.c - the owner-side intake: extraction by content, the
 * aggregate XML parser on every shared sample (valid and invalid), failure
 * reports, and hostile input (DOCTYPE/entities, nesting, bombs).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <cmocka.h>
#include <zlib.h>

#include <inkan/inkan.h>
#include <inkan/report_intake.h>

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *b;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	b = malloc((size_t)n + 1);
	assert_non_null(b);
	assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
	b[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return b;
}

struct tally {
	inkan_ctx *ctx;
	unsigned reports, failures, errors, records;
	uint64_t messages;
	char last_err[1200];
	char last_domain[256];
	int skip_all;
};

static inkan_status
t_begin(void *arg, const inkan_agg_meta *m, int *skip)
{
	struct tally *t = arg;

	snprintf(t->last_domain, sizeof(t->last_domain), "%s", m->domain);
	*skip = t->skip_all;
	return INKAN_OK;
}

static inkan_status
t_record(void *arg, const inkan_agg_meta *m, const inkan_agg_record *r)
{
	struct tally *t = arg;

	t->records++;
	t->messages += r->count;
	return INKAN_OK;
}

static inkan_status
t_item(void *arg, const inkan_report_item *it)
{
	struct tally *t = arg;
	inkan_agg_sink sink = { t, t_begin, t_record, NULL };
	char err[512];
	inkan_status st;

	if (it->kind == INKAN_REPORT_FAILURE) {
		inkan_failure_report *fr;
		st = inkan_failure_parse(t->ctx, it->data, it->len, NULL, &fr,
			err, sizeof(err));
		if (st == INKAN_OK) {
			t->failures++;
			inkan_failure_free(t->ctx, fr);
		} else {
			t->errors++;
			snprintf(t->last_err, sizeof(t->last_err), "%s", err);
		}
		return INKAN_OK;
	}
	st = inkan_agg_parse(t->ctx, it->data, it->len, NULL, &sink, err,
		sizeof(err));
	if (st == INKAN_OK) {
		t->reports++;
	} else {
		t->errors++;
		snprintf(t->last_err, sizeof(t->last_err), "%s: %s", it->origin,
			err);
	}
	return INKAN_OK;
}

static void
t_error(void *arg, const char *origin, inkan_status st, const char *msg)
{
	struct tally *t = arg;

	t->errors++;
	snprintf(t->last_err, sizeof(t->last_err), "%s: %s", origin, msg);
}

static inkan_status
run(inkan_ctx *ctx, const void *d, size_t len, const char *origin,
	const inkan_report_limits *lim, struct tally *t)
{
	inkan_report_extract_cb cb = { t, t_item, t_error };

	t->ctx = ctx;
	return inkan_report_extract(ctx, d, len, origin, lim, &cb);
}

static unsigned
count_substr(const char *s, const char *needle)
{
	unsigned n = 0;

	for (const char *p = s; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

static void
test_aggregate_samples(void **state)
{
	inkan_ctx *ctx = *state;
	DIR *dir = opendir(SHARED_DMARC "/aggregate");
	struct dirent *de;
	unsigned files = 0;

	assert_non_null(dir);
	while ((de = readdir(dir)) != NULL) {
		char path[1024];
		struct tally t;
		size_t len;
		char *d;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/aggregate/%s", SHARED_DMARC,
			de->d_name);
		d = slurp(path, &len);
		memset(&t, 0, sizeof(t));
		assert_int_equal(run(ctx, d, len, de->d_name, NULL, &t),
			INKAN_OK);
		if (t.errors != 0)
			fail_msg("%s: %s", de->d_name, t.last_err);
		assert_int_equal(t.reports, 1);
		assert_true(t.records >= 1);
		/* plain XML: every <record> start tag became one record */
		if (strstr(de->d_name, ".xml") != NULL &&
		    strcmp(de->d_name + strlen(de->d_name) - 4, ".xml") == 0)
			assert_int_equal(t.records,
				count_substr(d, "<record>"));
		free(d);
		files++;
	}
	closedir(dir);
	assert_true(files >= 17);
}

static void
check_one(inkan_ctx *ctx, const char *file, unsigned records,
	uint64_t messages, const char *domain)
{
	char path[1024];
	struct tally t;
	size_t len;
	char *d;

	snprintf(path, sizeof(path), "%s/aggregate/%s", SHARED_DMARC, file);
	d = slurp(path, &len);
	memset(&t, 0, sizeof(t));
	assert_int_equal(run(ctx, d, len, file, NULL, &t), INKAN_OK);
	assert_int_equal(t.errors, 0);
	assert_int_equal(t.records, records);
	assert_int_equal(t.messages, messages);
	assert_string_equal(t.last_domain, domain);
	free(d);
}

static void
test_known_counts(void **state)
{
	inkan_ctx *ctx = *state;

	/* counts read off the files by hand */
	check_one(ctx, "draft-aggregate-reporting-sample-dmarc-xml-0.2.xml",
		1, 123, "example.com");
	check_one(ctx, "parsedmarc-ikea.com!example.de!1538690400!1538776800"
		".xml", 1, 1, "example.de");
	check_one(ctx, "parsedmarc-mimecast-weird-gzip.eml", 1, 1, "ab.id.au");
}

static void
test_invalid_samples(void **state)
{
	inkan_ctx *ctx = *state;
	static const struct { const char *file, *want; } cases[] = {
		{ "parsedmarc-invalid_xml.xml", "not well-formed" },
		{ "parsedmarc-invalid_utf_8.xml", "UTF-8" },
		{ "parsedmarc-report_with_upper_cased_pass.xml",
		  "'None' is not lower case" },
		/* its first defect: an empty <disposition> */
		{ "opendmarc-bad.com!example.com!1337140800!1337227200.xml",
		  "record 1: disposition: empty" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char path[1024];
		struct tally t;
		size_t len;
		char *d;

		snprintf(path, sizeof(path), "%s/aggregate-invalid/%s",
			SHARED_DMARC, cases[i].file);
		d = slurp(path, &len);
		memset(&t, 0, sizeof(t));
		assert_int_equal(run(ctx, d, len, cases[i].file, NULL, &t),
			INKAN_OK);
		assert_int_equal(t.reports, 0);
		assert_int_equal(t.errors, 1);
		/* the message names the file and the problem */
		assert_non_null(strstr(t.last_err, cases[i].file));
		if (strstr(t.last_err, cases[i].want) == NULL)
			fail_msg("%s: got '%s'", cases[i].file, t.last_err);
		free(d);
	}
}

static void
test_failure_samples(void **state)
{
	inkan_ctx *ctx = *state;
	static const struct { const char *file, *ip, *domain; int arf; } c[] = {
		{ "parsedmarc-domain.de-sharepoint.eml", "10.10.10.10",
		  "domain.de", 1 },
		{ "parsedmarc-exim_plain_text_only_no_arf_part.eml",
		  "203.0.113.68", "example.com", 0 },
		{ "parsedmarc-dmarc_ruf_report_linkedin.eml", NULL, NULL, 1 },
		{ "parsedmarc-netease-rent-reminder.eml", NULL, NULL, 1 },
	};

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		char path[1024], err[256];
		inkan_failure_report *fr;
		struct tally t;
		size_t len;
		char *d;

		snprintf(path, sizeof(path), "%s/failure/%s", SHARED_DMARC,
			c[i].file);
		d = slurp(path, &len);
		memset(&t, 0, sizeof(t));
		assert_int_equal(run(ctx, d, len, c[i].file, NULL, &t),
			INKAN_OK);
		if (t.failures != 1)
			fail_msg("%s: %s", c[i].file, t.last_err);
		assert_int_equal(inkan_failure_parse(ctx, d, len, NULL, &fr,
			err, sizeof(err)), INKAN_OK);
		assert_int_equal(fr->has_arf, c[i].arf);
		assert_true(*fr->source_ip != '\0');
		assert_true(*fr->reported_domain != '\0');
		if (c[i].ip != NULL)
			assert_string_equal(fr->source_ip, c[i].ip);
		if (c[i].domain != NULL)
			assert_string_equal(fr->reported_domain, c[i].domain);
		inkan_failure_free(ctx, fr);
		free(d);
	}
}

static const char good_head[] =
	"<?xml version=\"1.0\"?>\n<feedback><report_metadata>"
	"<org_name>o</org_name><email>e@x</email><report_id>r1</report_id>"
	"<date_range><begin>1</begin><end>2</end></date_range>"
	"</report_metadata><policy_published><domain>example.com</domain>"
	"<p>none</p></policy_published>";

static inkan_status
parse_str(inkan_ctx *ctx, const char *xml, char *err, size_t errlen)
{
	struct tally t;
	inkan_agg_sink sink = { &t, t_begin, t_record, NULL };

	memset(&t, 0, sizeof(t));
	return inkan_agg_parse(ctx, xml, strlen(xml), NULL, &sink, err, errlen);
}

static void
test_hostile_xml(void **state)
{
	inkan_ctx *ctx = *state;
	char err[512], *deep;
	size_t n = 0;

	/* billion laughs: refused at the DOCTYPE, nothing expanded */
	assert_int_equal(parse_str(ctx, "<?xml version=\"1.0\"?>\n"
		"<!DOCTYPE lolz [<!ENTITY lol \"lol\">"
		"<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
		"<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]>"
		"<feedback>&lol3;</feedback>", err, sizeof(err)),
		INKAN_ERR_SYNTAX);
	assert_non_null(strstr(err, "DOCTYPE"));
	/* external entity (XXE) */
	assert_int_equal(parse_str(ctx, "<?xml version=\"1.0\"?>\n"
		"<!DOCTYPE f SYSTEM \"file:///etc/passwd\"><feedback/>", err,
		sizeof(err)), INKAN_ERR_SYNTAX);
	/* an undeclared entity is an error, not an expansion */
	assert_int_equal(parse_str(ctx, "<feedback>&xxe;</feedback>", err,
		sizeof(err)), INKAN_ERR_SYNTAX);
	/* deep nesting */
	deep = malloc(20000 * 10);
	n += (size_t)sprintf(deep, "<feedback>");
	for (int i = 0; i < 10000; i++)
		n += (size_t)sprintf(deep + n, "<a>");
	assert_int_equal(parse_str(ctx, deep, err, sizeof(err)),
		INKAN_ERR_LIMIT);
	assert_non_null(strstr(err, "nested deeper"));
	free(deep);
	/* not a report at all */
	assert_int_equal(parse_str(ctx, "<html><body/></html>", err,
		sizeof(err)), INKAN_ERR_SYNTAX);
	assert_non_null(strstr(err, "not <feedback>"));
	/* a record with a bad IP names the record */
	{
		char x[2048];
		snprintf(x, sizeof(x), "%s<record><row><source_ip>1.2.3</source_ip>"
			"<count>1</count><policy_evaluated><disposition>none"
			"</disposition></policy_evaluated></row><identifiers>"
			"<header_from>example.com</header_from></identifiers>"
			"</record></feedback>", good_head);
		assert_int_equal(parse_str(ctx, x, err, sizeof(err)),
			INKAN_ERR_SYNTAX);
		assert_non_null(strstr(err, "record 1"));
		assert_non_null(strstr(err, "source_ip"));
		/* hardfail is read as fail (vendor quirk) */
		snprintf(x, sizeof(x), "%s<record><row><source_ip>1.2.3.4"
			"</source_ip><count>7</count><policy_evaluated>"
			"<disposition>none</disposition></policy_evaluated></row>"
			"<identifiers><header_from>example.com</header_from>"
			"</identifiers><auth_results><spf><domain>x</domain>"
			"<result>hardfail</result></spf></auth_results></record>"
			"</feedback>", good_head);
		assert_int_equal(parse_str(ctx, x, err, sizeof(err)), INKAN_OK);
	}
}

/* gzip of @n zero bytes */
static unsigned char *
gz_zeros(size_t n, size_t *outlen)
{
	z_stream z;
	unsigned char *out = malloc(n / 100 + 65536), *in = calloc(1, 1 << 20);
	size_t left = n;

	memset(&z, 0, sizeof(z));
	assert_int_equal(deflateInit2(&z, 9, Z_DEFLATED, 16 + 15, 9,
		Z_DEFAULT_STRATEGY), Z_OK);
	z.next_out = out;
	z.avail_out = (uInt)(n / 100 + 65536);
	while (left > 0) {
		size_t c = left > (1 << 20) ? (1 << 20) : left;
		z.next_in = in;
		z.avail_in = (uInt)c;
		left -= c;
		assert_true(deflate(&z, left ? Z_NO_FLUSH : Z_FINISH) != Z_STREAM_ERROR);
	}
	*outlen = z.total_out;
	deflateEnd(&z);
	free(in);
	return out;
}

static void
test_gzip_bombs(void **state)
{
	inkan_ctx *ctx = *state;
	inkan_report_limits lim;
	struct tally t;
	unsigned char *gz;
	size_t len;

	inkan_report_limits_default(&lim);
	/* 64 MiB of zeros, ~1000:1: refused by ratio */
	gz = gz_zeros(64u << 20, &len);
	memset(&t, 0, sizeof(t));
	assert_int_equal(run(ctx, gz, len, "bomb.gz", &lim, &t), INKAN_OK);
	assert_int_equal(t.reports, 0);
	assert_int_equal(t.errors, 1);
	assert_non_null(strstr(t.last_err, "bomb.gz"));
	assert_non_null(strstr(t.last_err, "decompression bomb"));
	/* same stream under a small size cap: refused by size */
	lim.max_ratio = 1u << 30;
	lim.max_xml = 4u << 20;
	memset(&t, 0, sizeof(t));
	assert_int_equal(run(ctx, gz, len, "big.gz", &lim, &t), INKAN_OK);
	assert_int_equal(t.errors, 1);
	assert_non_null(strstr(t.last_err, "limit of"));
	/* truncated */
	memset(&t, 0, sizeof(t));
	assert_int_equal(run(ctx, gz, len / 2, "cut.gz", NULL, &t), INKAN_OK);
	assert_int_equal(t.errors, 1);
	free(gz);
}

static void
test_mbox_and_mime(void **state)
{
	inkan_ctx *ctx = *state;
	char path[1024], *xml, *mbox, *b64;
	size_t len, n = 0, bn = 0;
	struct tally t;
	static const char tbl[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

	snprintf(path, sizeof(path), "%s/aggregate/%s", SHARED_DMARC,
		"draft-aggregate-reporting-sample-dmarc-xml-0.2.xml");
	xml = slurp(path, &len);
	b64 = malloc(len * 2 + 16);
	for (size_t i = 0; i < len; i += 3) {
		unsigned v = (unsigned char)xml[i] << 16;
		if (i + 1 < len) v |= (unsigned char)xml[i + 1] << 8;
		if (i + 2 < len) v |= (unsigned char)xml[i + 2];
		b64[bn++] = tbl[(v >> 18) & 63];
		b64[bn++] = tbl[(v >> 12) & 63];
		b64[bn++] = i + 1 < len ? tbl[(v >> 6) & 63] : '=';
		b64[bn++] = i + 2 < len ? tbl[v & 63] : '=';
		if (bn % 77 == 76)
			b64[bn++] = '\n';
	}
	b64[bn] = '\0';
	mbox = malloc(bn * 3 + 4096);
	for (int m = 0; m < 1; m++)
		n += (size_t)sprintf(mbox + n, "From x@y Thu Jan  1 00:00:00 2026\n"
			"From: r@reporter.example\nSubject: Report %d\n"
			"MIME-Version: 1.0\nContent-Type: multipart/mixed; "
			"boundary=\"b%d\"\n\n--b%d\nContent-Type: text/plain\n\n"
			"hello\n--b%d\nContent-Type: application/octet-stream; "
			"name=\"r.xml\"\nContent-Transfer-Encoding: base64\n\n%s\n"
			"--b%d--\n\n", m, m, m, m, b64, m);
	memset(&t, 0, sizeof(t));
	assert_int_equal(run(ctx, mbox, n, "box", NULL, &t), INKAN_OK);
	if (t.errors)
		fail_msg("%s", t.last_err);
	assert_int_equal(t.reports, 1);
	assert_int_equal(t.messages, 123);
	/* a message with nothing in it */
	memset(&t, 0, sizeof(t));
	assert_int_equal(run(ctx, "Subject: hi\n\nhello\n", 19, "m", NULL, &t),
		INKAN_ERR_NOT_FOUND);
	free(xml);
	free(b64);
	free(mbox);
}

static int
setup(void **state)
{
	inkan_ctx *ctx;

	if (inkan_ctx_new(NULL, &ctx) != INKAN_OK)
		return -1;
	*state = ctx;
	return 0;
}

static int
teardown(void **state)
{
	inkan_ctx_free(*state);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_aggregate_samples),
		cmocka_unit_test(test_known_counts),
		cmocka_unit_test(test_invalid_samples),
		cmocka_unit_test(test_failure_samples),
		cmocka_unit_test(test_hostile_xml),
		cmocka_unit_test(test_gzip_bombs),
		cmocka_unit_test(test_mbox_and_mime),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
