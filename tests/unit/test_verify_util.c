/* SPDX-License-Identifier: MIT */
/* test_verify_util.c - see test_verify_util.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <inkan/authres.h>
#include <inkan/dkim.h>
#include <inkan/msg.h>

#include "core/base64.h"
#include "core/alloc.h"
#include "crypto/crypto.h"
#include "dkim/canon.h"
#include "dkim/dkim_internal.h"
#include "test_dkim_util.h"
#include "test_verify_util.h"

/*
 * The base zone. example.com sends from 192.0.2.0/26 and through a
 * provider listed by include (203.0.113.0/24), bounces to
 * bounce.example.com, and asks for p=reject. esp.example is a provider
 * with its own MAIL FROM domain; nodmarc.example publishes SPF but no
 * DMARC record. The DKIM keys are appended by vt_group_setup().
 */
static const char base_zone[] =
	"$ORIGIN example.com.\n"
	"@        MX  10 mail.example.com.\n"
	"mail     A   192.0.2.25\n"
	"mail     TXT \"v=spf1 a -all\"\n"
	"bounce   TXT \"v=spf1 ip4:192.0.2.0/26 include:_spf.example.net "
	"~all\"\n"
	"_dmarc   TXT \"v=DMARC1; p=reject; rua=mailto:d@example.com\"\n"
	"$ORIGIN example.net.\n"
	"_spf     TXT \"v=spf1 ip4:203.0.113.0/24 -all\"\n"
	"$ORIGIN esp.example.\n"
	"bounce   TXT \"v=spf1 ip4:198.51.100.0/24 ~all\"\n"
	"$ORIGIN nodmarc.example.\n"
	"@        TXT \"v=spf1 ip4:192.0.2.0/24 ~all\"\n";

char *
vt_message(const char *from_domain, const char *extra_body)
{
	char *m = malloc(2048);

	assert_non_null(m);
	snprintf(m, 2048,
		"From: Example Shop <orders@%s>\r\n"
		"To: Alice <alice@example.net>\r\n"
		"Subject: Your order has shipped\r\n"
		"Date: Tue, 25 Nov 2025 09:14:05 +0000\r\n"
		"Message-ID: <1234@example.com>\r\n"
		"\r\n"
		"Hello Alice,\r\n\r\nyour order 1234 has shipped.\r\n%s",
		from_domain ? from_domain : "example.com",
		extra_body ? extra_body : "");
	return m;
}

char *
vt_key_zone_line(const inkan_key *key, const char *sel, const char *domain)
{
	char rec[1100], *line;
	size_t len, i, n, cap;

	assert_int_equal(inkan_key_dns_record(key, rec, sizeof(rec), &len),
		INKAN_OK);
	cap = len + len / 200 * 4 + 256;
	line = malloc(cap);
	assert_non_null(line);
	n = (size_t)snprintf(line, cap, "%s._domainkey.%s. TXT", sel, domain);
	/* RFC 1035 3.3: a character-string holds at most 255 bytes */
	for (i = 0; i < len; i += 200)
		n += (size_t)snprintf(line + n, cap - n, " \"%.*s\"",
			(int)(len - i < 200 ? len - i : 200), rec + i);
	snprintf(line + n, cap - n, "\n");
	return line;
}

int
vt_group_setup(void **state)
{
	struct vt *f = calloc(1, sizeof(*f));
	char *l1, *l2, *l3, *l4, *z;
	size_t n;

	if (f == NULL)
		return -1;
	f->now = VT_NOW;
	f->style = INKAN_AUTHRES_STYLE_LF | INKAN_AUTHRES_STYLE_NO_WRAP;
	f->ctx = tu_ctx(&f->now);
	if (inkan_key_generate(f->ctx, INKAN_KEY_RSA, 2048, &f->rsa) ||
	    inkan_key_generate(f->ctx, INKAN_KEY_ED25519, 0, &f->ed) ||
	    inkan_key_generate(f->ctx, INKAN_KEY_RSA, 1024, &f->esp))
		return -1;
	l1 = vt_key_zone_line(f->rsa, "rsa", "example.com");
	l2 = vt_key_zone_line(f->ed, "ed", "example.com");
	l3 = vt_key_zone_line(f->esp, "s1", "esp.example");
	l4 = vt_key_zone_line(f->rsa, "rsa", "nodmarc.example");
	n = sizeof(base_zone) + strlen(l1) + strlen(l2) + strlen(l3) +
		strlen(l4);
	z = malloc(n);
	if (z == NULL)
		return -1;
	snprintf(z, n, "%s%s%s%s%s", base_zone, l1, l2, l3, l4);
	f->zone = z;
	free(l1);
	free(l2);
	free(l3);
	free(l4);
	*state = f;
	return 0;
}

int
vt_teardown(void **state)
{
	struct vt *f = *state;

	inkan_verify_free(f->v);
	f->v = NULL;
	inkan_dkim_free(f->dkim);
	f->dkim = NULL;
	f->style = INKAN_AUTHRES_STYLE_LF | INKAN_AUTHRES_STYLE_NO_WRAP;
	inkan_ctx_set_resolver(f->ctx, NULL);
	inkan_resolver_free(f->res);
	f->res = NULL;
	return 0;
}

int
vt_group_teardown(void **state)
{
	struct vt *f = *state;

	vt_teardown(state);
	inkan_key_free(f->rsa);
	inkan_key_free(f->ed);
	inkan_key_free(f->esp);
	free(f->zone);
	inkan_ctx_free(f->ctx);
	free(f);
	return 0;
}

void
vt_zone(struct vt *f, const char *extra)
{
	inkan_resolver *zone = NULL;
	char err[256] = "";

	vt_teardown((void **)&f);
	assert_int_equal(inkan_resolver_zone_new(f->ctx, &zone), INKAN_OK);
	if (inkan_resolver_zone_load_mem(zone, f->zone, SIZE_MAX, NULL,
	    "base", err, sizeof(err)) != INKAN_OK)
		fail_msg("base zone: %s", err);
	if (extra != NULL && inkan_resolver_zone_load_mem(zone, extra,
	    SIZE_MAX, NULL, "extra", err, sizeof(err)) != INKAN_OK)
		fail_msg("extra zone: %s", err);
	assert_int_equal(inkan_resolver_cache_new(f->ctx, zone, 0, &f->res),
		INKAN_OK);
	inkan_ctx_set_resolver(f->ctx, f->res);
}

char *
vt_sign(struct vt *f, const char *msg, const inkan_key *k1, const char *d1,
	const char *s1, const inkan_key *k2, const char *d2, const char *s2)
{
	inkan_dkim_sign_key keys[2];
	inkan_status st = INKAN_OK;
	size_t n = 0;
	char *out;

	memset(keys, 0, sizeof(keys));
	if (k1 != NULL) {
		keys[n].domain = d1;
		keys[n].selector = s1;
		keys[n++].key = k1;
	}
	if (k2 != NULL) {
		keys[n].domain = d2;
		keys[n].selector = s2;
		keys[n++].key = k2;
	}
	out = tu_sign(f->ctx, msg, strlen(msg), keys, n, &st);
	assert_int_equal(st, INKAN_OK);
	assert_non_null(out);
	return out;
}

struct body {
	ik_body_canon bc;
};

static inkan_status
body_sink(void *ud, const char *data, size_t len)
{
	return ik_body_canon_update(&((struct body *)ud)->bc, data, len);
}

char *
vt_sign_l(struct vt *f, const char *msg, const inkan_key *key,
	const char *domain, const char *selector)
{
	static const char *const names[] = { "from", "to", "subject", "date" };
	ik_crypto *cr = NULL;
	ik_digest *bd = NULL, *hd = NULL;
	inkan_msg *m = NULL;
	struct body *b = malloc(sizeof(*b));
	unsigned char bh[IK_HASH_MAX], hh[IK_HASH_MAX], *sig = NULL;
	size_t sig_len = 0, cap;
	char bh64[64], *b64, hdr[512], *out;

	assert_non_null(b);
	assert_int_equal(ik_crypto_new(f->ctx, &cr), INKAN_OK);
	assert_int_equal(ik_digest_new(cr, IK_HASH_SHA256, &bd), INKAN_OK);
	assert_int_equal(ik_digest_new(cr, IK_HASH_SHA256, &hd), INKAN_OK);
	/* no limit while hashing: total then is the canonical length */
	ik_body_canon_init(&b->bc, IK_CANON_RELAXED, bd, UINT64_MAX);
	assert_int_equal(inkan_msg_new(f->ctx, &m), INKAN_OK);
	assert_int_equal(inkan_msg_add_body_sink(m, body_sink, b), INKAN_OK);
	assert_int_equal(inkan_msg_feed(m, msg, strlen(msg)), INKAN_OK);
	assert_int_equal(inkan_msg_finish(m), INKAN_OK);
	assert_int_equal(ik_body_canon_final(&b->bc, bh), INKAN_OK);
	ik_b64_encode(bh, ik_hash_len(IK_HASH_SHA256), bh64);
	snprintf(hdr, sizeof(hdr), "DKIM-Signature: v=1; a=rsa-sha256; "
		"c=relaxed/relaxed; d=%s; s=%s; t=%lld; l=%llu; "
		"h=from:to:subject:date; bh=%s; b=", domain, selector,
		(long long)f->now, (unsigned long long)b->bc.total, bh64);
	assert_int_equal(ik_dkim_hash_headers(hd, IK_CANON_RELAXED, m, names,
		4, NULL), INKAN_OK);
	assert_int_equal(ik_canon_header(hd, IK_CANON_RELAXED, hdr,
		strlen(hdr), 0), INKAN_OK);
	assert_int_equal(ik_digest_final(hd, hh), INKAN_OK);
	assert_int_equal(ik_key_sign(cr, key, IK_HASH_SHA256, hh,
		ik_hash_len(IK_HASH_SHA256), &sig, &sig_len), INKAN_OK);
	b64 = malloc(ik_b64_encoded_len(sig_len) + 1);
	assert_non_null(b64);
	ik_b64_encode(sig, sig_len, b64);
	cap = strlen(hdr) + strlen(b64) + strlen(msg) + 3;
	out = malloc(cap);
	assert_non_null(out);
	snprintf(out, cap, "%s%s\r\n%s", hdr, b64, msg);
	ik_free(f->ctx, sig);
	free(b64);
	free(b);
	inkan_msg_free(m);
	ik_digest_free(bd);
	ik_digest_free(hd);
	ik_crypto_free(cr);
	return out;
}

const inkan_verify_result *
vt_run(struct vt *f, const char *msg, const char *ip, const char *helo,
	const char *mail_from, unsigned flags, size_t chunk)
{
	inkan_verify_options o;
	inkan_verify_envelope env = { ip, helo, mail_from };
	const inkan_verify_result *res = NULL;
	size_t len = strlen(msg), off, n;

	inkan_verify_free(f->v);
	f->v = NULL;
	inkan_verify_options_init(&o);
	o.authserv_id = "mx.test";
	o.flags = flags;
	o.dkim = f->dkim;
	o.authres_style = f->style;
	assert_int_equal(inkan_verify_new(f->ctx, &o, &f->v), INKAN_OK);
	if (ip != NULL || helo != NULL || mail_from != NULL)
		assert_int_equal(inkan_verify_set_envelope(f->v, &env),
			INKAN_OK);
	for (off = 0; off < len; off += n) {
		n = chunk == 0 || len - off < chunk ? len - off : chunk;
		assert_int_equal(inkan_verify_feed(f->v, msg + off, n),
			INKAN_OK);
	}
	assert_int_equal(inkan_verify_eom(f->v, &res), INKAN_OK);
	assert_non_null(res);
	assert_non_null(res->dmarc);
	assert_non_null(res->authres);
	return res;
}

const inkan_verify_note *
vt_note(const inkan_verify_result *r, const char *method, size_t nth)
{
	size_t i;

	for (i = 0; i < r->nnotes; i++)
		if (strcmp(r->notes[i].method, method) == 0 && nth-- == 0)
			return &r->notes[i];
	fail_msg("no %s note", method);
	return NULL;
}

void
vt_has(const char *file, int line, const char *hay, const char *needle)
{
	if (hay == NULL || strstr(hay, needle) == NULL)
		fail_msg("%s:%d: \"%s\" not found in \"%s\"", file, line, needle,
			hay ? hay : "(null)");
}
