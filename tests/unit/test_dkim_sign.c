/* SPDX-License-Identifier: MIT */
/*
 * test_dkim_sign.c - the signer (oversigned default set, several keys in
 * one pass, t=/x=/i=, folding), keys (generate, save 0600, publish,
 * load), key lookup through DNS (zone backend with faults), through a
 * callback and the key cache, and the signature cap.
 */
#include <errno.h>
#include <pthread.h>
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

#include <inkan/dkim.h>
#include <inkan/dns.h>
#include <inkan/msg.h>

#include "test_dkim_util.h"

#define NOW 1700000000
static int64_t now = NOW;

static const char msg_text[] =
	"Received: from x by y; Fri, 11 Jul 2003 21:00:37 -0700\r\n"
	"From: Joe <joe@example.com>\r\n"
	"To: Suzie <suzie@example.net>\r\n"
	"Cc: a@example.net, b@example.net\r\n"
	"Subject: Is dinner ready?\r\n"
	"Sender: list-bounces@example.com\r\n"
	"List-Id: <dinner.example.com>\r\n"
	"List-Unsubscribe: <mailto:u@example.com>\r\n"
	"list-id: <second.example.com>\r\n"
	"X-Other: not signed\r\n"
	"\r\n"
	"Hi.\r\n";

struct fixture {
	inkan_ctx *ctx;
	inkan_key *rsa, *ed;
	char *rsa_line, *ed_line;	/* "qname record" */
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	f->ctx = tu_ctx(&now);
	if (inkan_key_generate(f->ctx, INKAN_KEY_RSA, 0, &f->rsa) ||
	    inkan_key_generate(f->ctx, INKAN_KEY_ED25519, 0, &f->ed))
		return -1;
	f->rsa_line = tu_key_line(f->rsa, "rsa", "example.com");
	f->ed_line = tu_key_line(f->ed, "ed", "example.com");
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	inkan_key_free(f->rsa);
	inkan_key_free(f->ed);
	free(f->rsa_line);
	free(f->ed_line);
	inkan_ctx_free(f->ctx);
	free(f);
	return 0;
}

static void
sk_init(inkan_dkim_sign_key *sk, const char *sel, const inkan_key *key)
{
	memset(sk, 0, sizeof(*sk));
	sk->domain = "example.com";
	sk->selector = sel;
	sk->key = key;
}

/* the value of tag @t in the first DKIM-Signature, unfolded */
static char *
tag_value(const char *m, const char *t)
{
	char pat[16], *out = malloc(4096), *o = out;
	const char *p;

	snprintf(pat, sizeof(pat), " %s=", t);
	p = strstr(m, pat);
	if (p == NULL) {
		free(out);
		return NULL;
	}
	for (p += strlen(pat); *p && *p != ';' && o < out + 4095; p++)
		if (*p != '\r' && *p != '\n' && *p != '\t' && *p != ' ')
			*o++ = *p;
	*o = '\0';
	return out;
}

static void
test_two_keys_one_pass(void **state)
{
	struct fixture *f = *state;
	inkan_dkim_sign_key sk[2];
	struct tu_out out;
	inkan_status st;
	char *keys = tu_cat(f->rsa_line, "\n"), *k2, *m;
	const char *line, *eol;

	k2 = tu_cat(keys, f->ed_line);
	sk_init(&sk[0], "rsa", f->rsa);
	sk_init(&sk[1], "ed", f->ed);
	m = tu_sign(f->ctx, msg_text, strlen(msg_text), sk, 2, &st);
	assert_int_equal(st, INKAN_OK);
	assert_int_equal(tu_verify(f->ctx, 0, k2, NULL, m, strlen(m), 0, &out),
		INKAN_OK);
	assert_int_equal(out.n, 2);
	assert_int_equal(out.r[0].verdict, INKAN_DKIM_PASS);
	assert_int_equal(out.r[0].key_bits, 2048);
	assert_int_equal(out.r[1].verdict, INKAN_DKIM_PASS);
	assert_int_equal(out.r[1].key_bits, 256);
	/* relaxed/relaxed by default; no l=; t= now; lines <= 78 */
	assert_non_null(strstr(m, "c=relaxed/relaxed;"));
	assert_null(strstr(m, " l="));
	assert_non_null(strstr(m, "t=1700000000;"));
	assert_null(strstr(m, " x="));
	for (line = m; (eol = strstr(line, "\r\n")) != NULL &&
	    strncmp(line, "Received:", 9) != 0; line = eol + 2)
		assert_true(eol - line <= 78);
	free(m);
	free(k2);
	free(keys);
}

static void
test_default_header_set(void **state)
{
	struct fixture *f = *state;
	inkan_dkim_sign_key sk;
	inkan_status st;
	char *m, *h;

	sk_init(&sk, "rsa", f->rsa);
	m = tu_sign(f->ctx, msg_text, strlen(msg_text), &sk, 1, &st);
	assert_int_equal(st, INKAN_OK);
	h = tag_value(m, "h");
	assert_non_null(h);
	/* each name once per instance plus once; absent ones once;
	 * Sender and List-* because they are present; never X-Other or
	 * Received */
	assert_string_equal(h, "from:from:to:to:cc:cc:subject:subject:"
		"date:message-id:reply-to:in-reply-to:references:"
		"mime-version:content-type:content-transfer-encoding:"
		"sender:sender:list-id:list-id:list-id:"
		"list-unsubscribe:list-unsubscribe");
	free(h);
	free(m);
	/* Sender and List-* are not listed when absent */
	m = tu_sign(f->ctx, "From: a@example.com\r\n\r\nx\r\n", 26, &sk, 1,
		&st);
	h = tag_value(m, "h");
	assert_null(strstr(h, "sender"));
	assert_null(strstr(h, "list-"));
	free(h);
	free(m);
}

static void
test_sign_options(void **state)
{
	struct fixture *f = *state;
	inkan_dkim_sign_key sk;
	struct tu_out out;
	inkan_status st;
	const char *const hdrs[] = { "From", "Subject", NULL };
	char *m, *v;

	sk_init(&sk, "rsa", f->rsa);
	sk.lifetime = 86400;
	sk.auid = "joe;x@mail.example.com";
	sk.headers = hdrs;
	sk.header_canon = INKAN_DKIM_CANON_SIMPLE;
	m = tu_sign(f->ctx, msg_text, strlen(msg_text), &sk, 1, &st);
	assert_int_equal(st, INKAN_OK);
	v = tag_value(m, "x");
	assert_string_equal(v, "1700086400");
	free(v);
	v = tag_value(m, "i");
	assert_string_equal(v, "joe=3Bx@mail.example.com");
	free(v);
	v = tag_value(m, "h");
	assert_string_equal(v, "from:from:subject:subject");
	free(v);
	v = tag_value(m, "c");
	assert_string_equal(v, "simple/relaxed");
	free(v);
	assert_int_equal(tu_verify(f->ctx, 0, f->rsa_line, NULL, m, strlen(m),
		0, &out), INKAN_OK);
	assert_int_equal(out.r[0].verdict, INKAN_DKIM_PASS);
	assert_string_equal(out.r[0].auid, "joe;x@mail.example.com");
	free(m);
	/* i= outside d=, bad names: refused before signing */
	sk.auid = "joe@example.org";
	assert_null(tu_sign(f->ctx, msg_text, strlen(msg_text), &sk, 1, &st));
	assert_int_equal(st, INKAN_ERR_INVALID);
	sk.auid = NULL;
	sk.domain = "bad domain";
	assert_null(tu_sign(f->ctx, msg_text, strlen(msg_text), &sk, 1, &st));
	assert_int_equal(st, INKAN_ERR_INVALID);
}

static void
test_keys(void **state)
{
	struct fixture *f = *state;
	char dir[] = "/tmp/inkan-dkim-XXXXXX", path[300], rec[1100];
	inkan_key *k = NULL, *back = NULL;
	struct stat sb;
	size_t len;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/k.pem", dir);
	assert_int_equal(inkan_key_save_private(f->ed, path), INKAN_OK);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	/* never over an existing file */
	assert_int_equal(inkan_key_save_private(f->ed, path), INKAN_ERR_IO);
	assert_int_equal(errno, EEXIST);
	assert_int_equal(inkan_key_load_file(f->ctx, path, &back), INKAN_OK);
	assert_int_equal(inkan_key_get_type(back), INKAN_KEY_ED25519);
	/* same public key */
	assert_int_equal(inkan_key_dns_record(back, rec, sizeof(rec), &len),
		INKAN_OK);
	assert_non_null(strstr(f->ed_line, rec));
	assert_int_equal(len, strlen("v=DKIM1; k=ed25519; p=") + 44);
	inkan_key_free(back);
	unlink(path);
	rmdir(dir);
	/* size rules (RFC 8301 3.2) */
	assert_int_equal(inkan_key_generate(f->ctx, INKAN_KEY_RSA, 512, &k),
		INKAN_ERR_UNSUPPORTED);
	assert_int_equal(inkan_key_generate(f->ctx, INKAN_KEY_RSA, 8192, &k),
		INKAN_ERR_UNSUPPORTED);
	assert_int_equal(inkan_key_load(f->ctx, "garbage", 7, &k),
		INKAN_ERR_CRYPTO);
	/* too small a buffer says how much is needed */
	assert_int_equal(inkan_key_dns_record(f->rsa, rec, 10, &len),
		INKAN_ERR_LIMIT);
	assert_true(len > 300);
	/* RFC 8463 A.1: the seed gives the published key */
	assert_int_equal(inkan_key_load(f->ctx,
		"nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=\n", 45, &k),
		INKAN_OK);
	assert_int_equal(inkan_key_dns_record(k, rec, sizeof(rec), &len),
		INKAN_OK);
	assert_string_equal(rec, "v=DKIM1; k=ed25519; "
		"p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=");
	inkan_key_free(k);
}

/* ---- key lookup through DNS ----------------------------------------- */

static inkan_dkim_verdict
verify_dns(struct fixture *f, const char *zone, const char *m,
	inkan_dkim_reason *why)
{
	inkan_resolver *r = NULL;
	struct tu_out out;
	char err[200] = "";

	assert_int_equal(inkan_resolver_zone_new(f->ctx, &r), INKAN_OK);
	if (inkan_resolver_zone_load_mem(r, zone, SIZE_MAX, NULL, NULL, err,
	    sizeof(err)) != INKAN_OK)
		fail_msg("zone: %s", err);
	inkan_ctx_set_resolver(f->ctx, r);
	assert_int_equal(tu_verify(f->ctx, 0, NULL, NULL, m, strlen(m), 0,
		&out), INKAN_OK);
	inkan_ctx_set_resolver(f->ctx, NULL);
	inkan_resolver_free(r);
	assert_int_equal(out.n, 1);
	*why = out.r[0].reason;
	return out.r[0].verdict;
}

/* the record split into 100-byte TXT strings, in zone-file form */
static char *
zone_for(const char *line, const char *extra)
{
	const char *rec = strchr(line, ' ') + 1;
	size_t n = strlen(rec), i, cap = n * 2 + 512, o = 0;
	char *z = malloc(cap);

	o += (size_t)snprintf(z, cap, "rsa._domainkey.example.com. 300 IN TXT");
	for (i = 0; i < n; i += 100)
		o += (size_t)snprintf(z + o, cap - o, " \"%.*s\"",
			(int)(n - i < 100 ? n - i : 100), rec + i);
	snprintf(z + o, cap - o, "\n%s", extra);
	return z;
}

static void
test_dns_lookup(void **state)
{
	struct fixture *f = *state;
	inkan_dkim_sign_key sk;
	inkan_dkim_reason why;
	inkan_status st;
	char *m, *z;

	sk_init(&sk, "rsa", f->rsa);
	m = tu_sign(f->ctx, msg_text, strlen(msg_text), &sk, 1, &st);
	/* several strings of one RR are joined */
	z = zone_for(f->rsa_line, "");
	assert_int_equal(verify_dns(f, z, m, &why), INKAN_DKIM_PASS);
	free(z);
	/* two RRs: permerror */
	z = zone_for(f->rsa_line,
		"rsa._domainkey.example.com. 300 IN TXT \"v=DKIM1; p=\"\n");
	assert_int_equal(verify_dns(f, z, m, &why), INKAN_DKIM_PERMERROR);
	assert_int_equal(why, INKAN_DKIM_R_KEY_MULTIPLE);
	free(z);
	/* NXDOMAIN and NODATA: no key (permanent) */
	assert_int_equal(verify_dns(f, "other.example.com. TXT \"x\"\n", m,
		&why), INKAN_DKIM_PERMERROR);
	assert_int_equal(why, INKAN_DKIM_R_NO_KEY);
	assert_int_equal(verify_dns(f,
		"rsa._domainkey.example.com. A 192.0.2.1\n", m, &why),
		INKAN_DKIM_PERMERROR);
	assert_int_equal(why, INKAN_DKIM_R_NO_KEY);
	/* SERVFAIL and timeout: temperror */
	assert_int_equal(verify_dns(f,
		"$FAULT rsa._domainkey.example.com. TXT servfail\n", m, &why),
		INKAN_DKIM_TEMPERROR);
	assert_int_equal(why, INKAN_DKIM_R_KEY_UNAVAILABLE);
	assert_int_equal(inkan_ctx_set_limit(f->ctx,
		INKAN_LIMIT_DNS_TIMEOUT_MS, 50), INKAN_OK);
	assert_int_equal(verify_dns(f,
		"$FAULT rsa._domainkey.example.com. timeout\n", m, &why),
		INKAN_DKIM_TEMPERROR);
	assert_int_equal(inkan_ctx_set_limit(f->ctx,
		INKAN_LIMIT_DNS_TIMEOUT_MS, 5000), INKAN_OK);
	free(m);
}

/* ---- callback, key cache, cap ---------------------------------------- */

struct counting {
	const char *line;	/* "qname record" */
	int calls;
	inkan_status answer;
};

static inkan_status
counting_lookup(void *ud, const char *qname, inkan_dkim_key_answer *ans)
{
	struct counting *c = ud;
	const char *sp = strchr(c->line, ' ');

	c->calls++;
	if (c->answer != INKAN_OK)
		return c->answer;
	if (strncmp(c->line, qname, (size_t)(sp - c->line)) == 0)
		inkan_dkim_key_answer_add(ans, sp + 1, strlen(sp + 1));
	inkan_dkim_key_answer_set_ttl(ans, 60);
	return INKAN_OK;
}

static inkan_dkim_verdict
verify_with(inkan_dkim *d, inkan_ctx *ctx, const char *m)
{
	inkan_msg *msg = NULL;
	inkan_dkim_verify *v = NULL;
	inkan_dkim_verdict r;

	assert_int_equal(inkan_msg_new(ctx, &msg), INKAN_OK);
	assert_int_equal(inkan_dkim_verify_new(d, msg, &v), INKAN_OK);
	assert_int_equal(inkan_msg_feed(msg, m, strlen(m)), INKAN_OK);
	assert_int_equal(inkan_msg_finish(msg), INKAN_OK);
	assert_int_equal(inkan_dkim_verify_eom(v), INKAN_OK);
	r = inkan_dkim_verify_result(v, 0)->verdict;
	inkan_dkim_verify_free(v);
	inkan_msg_free(msg);
	return r;
}

static void
test_callback_and_cache(void **state)
{
	struct fixture *f = *state;
	struct counting c = { f->rsa_line, 0, INKAN_OK };
	inkan_dkim_sign_key sk;
	inkan_dkim *d = NULL;
	inkan_status st;
	char *m;

	sk_init(&sk, "rsa", f->rsa);
	m = tu_sign(f->ctx, msg_text, strlen(msg_text), &sk, 1, &st);
	assert_int_equal(inkan_dkim_new(f->ctx, &d), INKAN_OK);
	assert_int_equal(inkan_dkim_set_lookup(d, counting_lookup, &c),
		INKAN_OK);
	assert_int_equal(verify_with(d, f->ctx, m), INKAN_DKIM_PASS);
	assert_int_equal(verify_with(d, f->ctx, m), INKAN_DKIM_PASS);
	assert_int_equal(c.calls, 1);		/* the second came cached */
	now += 61;				/* past the TTL */
	assert_int_equal(verify_with(d, f->ctx, m), INKAN_DKIM_PASS);
	assert_int_equal(c.calls, 2);
	/* without a cache every message asks */
	assert_int_equal(inkan_dkim_set_cache_size(d, 0), INKAN_OK);
	assert_int_equal(verify_with(d, f->ctx, m), INKAN_DKIM_PASS);
	assert_int_equal(verify_with(d, f->ctx, m), INKAN_DKIM_PASS);
	assert_int_equal(c.calls, 4);
	c.answer = INKAN_ERR_TIMEOUT;
	assert_int_equal(verify_with(d, f->ctx, m), INKAN_DKIM_TEMPERROR);
	c.answer = INKAN_ERR_NOT_FOUND;
	assert_int_equal(verify_with(d, f->ctx, m), INKAN_DKIM_PERMERROR);
	now = NOW;
	inkan_dkim_free(d);
	free(m);
}

static void
test_signature_cap(void **state)
{
	struct fixture *f = *state;
	inkan_dkim_sign_key sk;
	struct tu_out out;
	inkan_status st;
	char *m, *m2;
	int i;

	sk_init(&sk, "ed", f->ed);
	m = tu_sign(f->ctx, msg_text, strlen(msg_text), &sk, 1, &st);
	for (i = 0; i < 11; i++) {
		m2 = tu_sign(f->ctx, m, strlen(m), &sk, 1, &st);
		free(m);
		m = m2;
	}
	assert_int_equal(tu_verify(f->ctx, 0, f->ed_line, NULL, m, strlen(m),
		0, &out), INKAN_OK);
	assert_int_equal(out.n, 10);
	assert_int_equal(out.skipped, 2);
	for (i = 0; i < 10; i++)
		assert_int_equal(out.r[i].verdict, INKAN_DKIM_PASS);
	assert_int_equal(inkan_ctx_set_limit(f->ctx,
		INKAN_LIMIT_DKIM_SIGNATURES, 3), INKAN_OK);
	assert_int_equal(tu_verify(f->ctx, 0, f->ed_line, NULL, m, strlen(m),
		0, &out), INKAN_OK);
	assert_int_equal(out.n, 3);
	assert_int_equal(out.skipped, 9);
	assert_int_equal(inkan_ctx_set_limit(f->ctx,
		INKAN_LIMIT_DKIM_SIGNATURES, 10), INKAN_OK);
	free(m);
}

/* one inkan_dkim (key cache, pooled contexts) and one key, many threads */
struct thread_job {
	struct fixture *f;
	inkan_dkim *d;
	const char *msg;
	int sign;
	int ok;
};

static void *
thread_main(void *arg)
{
	struct thread_job *j = arg;
	inkan_dkim_sign_key sk;
	int i;

	sk_init(&sk, "rsa", j->f->rsa);
	for (i = 0; i < 40; i++) {
		inkan_msg *m = NULL;
		inkan_dkim_verify *v = NULL;
		inkan_dkim_sign *s = NULL;
		if (inkan_msg_new(j->f->ctx, &m) != INKAN_OK)
			break;
		if (j->sign) {
			if (inkan_dkim_sign_new(j->d, m, &s) == INKAN_OK &&
			    inkan_dkim_sign_add(s, &sk) == INKAN_OK &&
			    inkan_msg_feed(m, j->msg, strlen(j->msg)) ==
			    INKAN_OK && inkan_msg_finish(m) == INKAN_OK &&
			    inkan_dkim_sign_eom(s) == INKAN_OK)
				j->ok++;
		} else if (inkan_dkim_verify_new(j->d, m, &v) == INKAN_OK &&
		    inkan_msg_feed(m, j->msg, strlen(j->msg)) == INKAN_OK &&
		    inkan_msg_finish(m) == INKAN_OK &&
		    inkan_dkim_verify_eom(v) == INKAN_OK &&
		    inkan_dkim_verify_count(v) == 2 &&
		    inkan_dkim_verify_result(v, 0)->verdict ==
		    INKAN_DKIM_PASS &&
		    inkan_dkim_verify_result(v, 1)->verdict ==
		    INKAN_DKIM_PASS) {
			j->ok++;
		}
		inkan_dkim_sign_free(s);
		inkan_dkim_verify_free(v);
		inkan_msg_free(m);
	}
	return NULL;
}

static void
test_threads(void **state)
{
	struct fixture *f = *state;
	struct thread_job jobs[6];
	pthread_t tid[6];
	inkan_dkim_sign_key sk[2];
	inkan_dkim *d = NULL;
	inkan_status st;
	char *m, *keys = tu_cat(f->rsa_line, "\n"), *k2;
	int i;

	k2 = tu_cat(keys, f->ed_line);
	sk_init(&sk[0], "rsa", f->rsa);
	sk_init(&sk[1], "ed", f->ed);
	m = tu_sign(f->ctx, msg_text, strlen(msg_text), sk, 2, &st);
	assert_int_equal(inkan_dkim_new(f->ctx, &d), INKAN_OK);
	/* a tiny cache: entries come and go while threads hold keys */
	assert_int_equal(inkan_dkim_set_cache_size(d, 1), INKAN_OK);
	assert_int_equal(inkan_dkim_add_key_record(d,
		"rsa._domainkey.example.com", strchr(f->rsa_line, ' ') + 1),
		INKAN_OK);
	assert_int_equal(inkan_dkim_add_key_record(d,
		"ed._domainkey.example.com", strchr(f->ed_line, ' ') + 1),
		INKAN_OK);
	for (i = 0; i < 6; i++) {
		jobs[i].f = f;
		jobs[i].d = d;
		jobs[i].msg = i < 4 ? m : msg_text;
		jobs[i].sign = i >= 4;
		jobs[i].ok = 0;
		assert_int_equal(pthread_create(&tid[i], NULL, thread_main,
			&jobs[i]), 0);
	}
	for (i = 0; i < 6; i++) {
		pthread_join(tid[i], NULL);
		assert_int_equal(jobs[i].ok, 40);
	}
	inkan_dkim_free(d);
	free(m);
	free(k2);
	free(keys);
}

static void
test_no_signature(void **state)
{
	struct fixture *f = *state;
	struct tu_out out;

	assert_int_equal(tu_verify(f->ctx, 0, NULL, NULL, msg_text,
		strlen(msg_text), 0, &out), INKAN_OK);
	assert_int_equal(out.n, 0);
	assert_string_equal(inkan_dkim_verdict_str(INKAN_DKIM_NONE), "none");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_keys_one_pass),
		cmocka_unit_test(test_default_header_set),
		cmocka_unit_test(test_sign_options),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_dns_lookup),
		cmocka_unit_test(test_callback_and_cache),
		cmocka_unit_test(test_signature_cap),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_no_signature),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
