/* SPDX-License-Identifier: MIT */
/* test_dkim_util.c - see test_dkim_util.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <inkan/msg.h>

#include "test_dkim_util.h"

static int64_t
clock_fn(void *ud)
{
	return *(int64_t *)ud;
}

inkan_ctx *
tu_ctx(int64_t *now)
{
	inkan_ctx *ctx = NULL;

	assert_int_equal(inkan_ctx_new(NULL, &ctx), INKAN_OK);
	if (now != NULL)
		inkan_ctx_set_clock(ctx, clock_fn, now);
	return ctx;
}

char *
tu_read(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (f == NULL)
		fail_msg("cannot open %s", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	if (len != NULL)
		*len = (size_t)n;
	return buf;
}

static void
copy_str(char *dst, size_t cap, const char *src)
{
	snprintf(dst, cap, "%s", src ? src : "");
}

static void
add_keys(inkan_dkim *d, const char *keys)
{
	const char *p = keys, *nl, *sp;
	char qname[300], *txt;

	while (p != NULL && *p != '\0') {
		nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		sp = memchr(p, ' ', n);
		if (sp != NULL && (size_t)(sp - p) < sizeof(qname)) {
			memcpy(qname, p, (size_t)(sp - p));
			qname[sp - p] = '\0';
			txt = strndup(sp + 1, n - (size_t)(sp - p) - 1);
			assert_int_equal(inkan_dkim_add_key_record(d, qname,
				txt), INKAN_OK);
			free(txt);
		}
		p = nl ? nl + 1 : NULL;
	}
}

inkan_status
tu_verify(inkan_ctx *ctx, unsigned flags, const char *keys,
	const char *keyfile, const char *msg, size_t len, size_t chunk,
	struct tu_out *out)
{
	inkan_dkim *d = NULL;
	inkan_msg *m = NULL;
	inkan_dkim_verify *v = NULL;
	inkan_status st;
	size_t pos, i;

	memset(out, 0, sizeof(*out));
	assert_int_equal(inkan_dkim_new(ctx, &d), INKAN_OK);
	inkan_dkim_set_flags(d, flags);
	add_keys(d, keys);
	if (keyfile != NULL)
		assert_int_equal(inkan_dkim_load_key_file(d, keyfile),
			INKAN_OK);
	assert_int_equal(inkan_msg_new(ctx, &m), INKAN_OK);
	assert_int_equal(inkan_dkim_verify_new(d, m, &v), INKAN_OK);
	if (chunk == 0)
		chunk = len ? len : 1;
	for (pos = 0; pos < len; pos += chunk)
		assert_int_equal(inkan_msg_feed(m, msg + pos,
			len - pos < chunk ? len - pos : chunk), INKAN_OK);
	assert_int_equal(inkan_msg_finish(m), INKAN_OK);
	st = inkan_dkim_verify_eom(v);
	out->n = inkan_dkim_verify_count(v);
	out->skipped = inkan_dkim_verify_skipped(v);
	for (i = 0; i < out->n && i < TU_MAX; i++) {
		const inkan_dkim_result *r = inkan_dkim_verify_result(v, i);
		struct tu_res *t = &out->r[i];
		size_t alen;
		t->verdict = r->verdict;
		t->reason = r->reason;
		t->partial = r->partial_body;
		t->dmarc_usable = r->dmarc_usable;
		t->testing = r->testing;
		t->has_length = r->has_length;
		t->key_bits = r->key_bits;
		copy_str(t->domain, sizeof(t->domain), r->domain);
		copy_str(t->selector, sizeof(t->selector), r->selector);
		copy_str(t->auid, sizeof(t->auid), r->auid);
		copy_str(t->b_prefix, sizeof(t->b_prefix), r->b_prefix);
		assert_int_equal(inkan_dkim_result_authres(r, t->authres,
			sizeof(t->authres), &alen), INKAN_OK);
	}
	inkan_dkim_verify_free(v);
	inkan_msg_free(m);
	inkan_dkim_free(d);
	return st;
}

char *
tu_sign(inkan_ctx *ctx, const char *msg, size_t len,
	const inkan_dkim_sign_key *keys, size_t n, inkan_status *st)
{
	inkan_dkim *d = NULL;
	inkan_msg *m = NULL;
	inkan_dkim_sign *s = NULL;
	size_t i, total = len + 1, hl;
	char *out = NULL, *p;

	assert_int_equal(inkan_dkim_new(ctx, &d), INKAN_OK);
	assert_int_equal(inkan_msg_new(ctx, &m), INKAN_OK);
	assert_int_equal(inkan_dkim_sign_new(d, m, &s), INKAN_OK);
	for (i = 0; i < n; i++) {
		*st = inkan_dkim_sign_add(s, &keys[i]);
		if (*st != INKAN_OK)
			goto done;
	}
	assert_int_equal(inkan_msg_feed(m, msg, len), INKAN_OK);
	assert_int_equal(inkan_msg_finish(m), INKAN_OK);
	*st = inkan_dkim_sign_eom(s);
	if (*st != INKAN_OK)
		goto done;
	assert_int_equal(inkan_dkim_sign_count(s), n);
	for (i = 0; i < n; i++) {
		assert_non_null(inkan_dkim_sign_header(s, i, &hl));
		total += hl;
	}
	out = p = malloc(total);
	assert_non_null(out);
	for (i = 0; i < n; i++) {
		const char *h = inkan_dkim_sign_header(s, i, &hl);
		memcpy(p, h, hl);
		p += hl;
	}
	memcpy(p, msg, len);
	p[len] = '\0';
done:
	inkan_dkim_sign_free(s);
	inkan_msg_free(m);
	inkan_dkim_free(d);
	return out;
}

char *
tu_key_line(const inkan_key *key, const char *sel, const char *dom)
{
	char rec[1100], *line;
	size_t len;

	assert_int_equal(inkan_key_dns_record(key, rec, sizeof(rec), &len),
		INKAN_OK);
	len += strlen(sel) + strlen(dom) + 16;
	line = malloc(len);
	assert_non_null(line);
	snprintf(line, len, "%s._domainkey.%s %s", sel, dom, rec);
	return line;
}

char *
tu_replace(const char *s, const char *from, const char *to)
{
	const char *at = strstr(s, from);
	size_t a, f = strlen(from), t = strlen(to), rest;
	char *out;

	if (at == NULL)
		return NULL;
	a = (size_t)(at - s);
	rest = strlen(at + f);
	out = malloc(a + t + rest + 1);
	assert_non_null(out);
	memcpy(out, s, a);
	memcpy(out + a, to, t);
	memcpy(out + a + t, at + f, rest + 1);
	return out;
}

char *
tu_cat(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *out = malloc(la + lb + 1);

	assert_non_null(out);
	memcpy(out, a, la);
	memcpy(out + la, b, lb + 1);
	return out;
}
