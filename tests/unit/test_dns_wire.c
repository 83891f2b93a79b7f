/* SPDX-License-Identifier: MIT */
/* test_dns_wire.c - decoding response packets (RFC 1035 4.1): compression,
 * CNAME chains, negative TTLs, the AD bit, and hostile packets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <inkan/dns.h>
#include "core/alloc.h"
#include "dns/dns_internal.h"

static inkan_ctx *ctx;

struct pk {
	uint8_t b[8192];
	size_t n;
};

static void
u8(struct pk *p, unsigned v)
{
	assert_true(p->n < sizeof(p->b));
	p->b[p->n++] = (uint8_t)v;
}

static void
u16(struct pk *p, unsigned v)
{
	u8(p, v >> 8);
	u8(p, v & 0xff);
}

static void
u32(struct pk *p, uint32_t v)
{
	u16(p, v >> 16);
	u16(p, v & 0xffff);
}

/* an uncompressed name from dotted text ("" is the root) */
static void
name(struct pk *p, const char *text)
{
	while (*text != '\0') {
		const char *dot = strchr(text, '.');
		size_t len = dot ? (size_t)(dot - text) : strlen(text);
		u8(p, (unsigned)len);
		memcpy(p->b + p->n, text, len);
		p->n += len;
		text += len + (dot != NULL);
	}
	u8(p, 0);
}

static void
ptr(struct pk *p, unsigned off)
{
	u16(p, 0xc000 | off);
}

/* header + question for @qname/@qtype; returns the question's offset */
static size_t
header(struct pk *p, unsigned flags2, unsigned an, unsigned ns,
	const char *qname, unsigned qtype)
{
	p->n = 0;
	u16(p, 0x4242);
	u8(p, 0x81);		/* QR, RD */
	u8(p, flags2);		/* RA/AD/rcode */
	u16(p, 1);
	u16(p, an);
	u16(p, ns);
	u16(p, 0);
	name(p, qname);
	u16(p, qtype);
	u16(p, 1);
	return 12;
}

/* RR header (owner already written): type, class IN, ttl, rdlength */
static size_t
rrhead(struct pk *p, unsigned type, uint32_t ttl, unsigned rdlen)
{
	u16(p, type);
	u16(p, 1);
	u32(p, ttl);
	u16(p, rdlen);
	return p->n;
}

static inkan_dns_answer *
decode(const struct pk *p, const char *qname, unsigned qtype,
	inkan_status want)
{
	inkan_dns_answer *a = NULL;

	assert_int_equal(ik_dns_parse_packet(ctx, p->b, p->n, qname,
		(uint16_t)qtype, &a), want);
	return a;
}

static void
test_txt_with_compression(void **state)
{
	struct pk p;
	inkan_dns_answer *a;

	(void)state;
	header(&p, 0x80, 2, 0, "Example.COM", 16);
	ptr(&p, 12);			/* owner: the question name */
	rrhead(&p, 16, 300, 12);
	u8(&p, 5); memcpy(p.b + p.n, "hello", 5); p.n += 5;
	u8(&p, 5); memcpy(p.b + p.n, "world", 5); p.n += 5;
	ptr(&p, 12);
	rrhead(&p, 16, 100, 4);
	u8(&p, 3); memcpy(p.b + p.n, "two", 3); p.n += 3;
	a = decode(&p, "example.com", 16, INKAN_OK);
	assert_int_equal(a->outcome, INKAN_DNS_DATA);
	assert_int_equal(a->nrrs, 2);
	assert_int_equal(a->rrs[0].u.txt.nstrings, 2);
	assert_string_equal(a->rrs[0].u.txt.joined.data, "helloworld");
	assert_string_equal(a->rrs[1].u.txt.joined.data, "two");
	assert_int_equal(a->ttl, 100);
	assert_int_equal(a->secure, 0);
	ik_free(ctx, a);
}

static void
test_cname_chain_out_of_order(void **state)
{
	struct pk p;
	size_t t_off, b_off;
	inkan_dns_answer *a;

	(void)state;
	header(&p, 0xa0, 3, 0, "a.example", 15);	/* RA + AD */
	/* the final MX first, then the CNAMEs in reverse */
	t_off = p.n;
	name(&p, "c.example");
	rrhead(&p, 15, 60, 2 + 3 + 2);
	u16(&p, 5);
	u8(&p, 2); u8(&p, 'm'); u8(&p, 'x');
	ptr(&p, t_off + 2);		/* "mx" + "example" */
	b_off = p.n;
	name(&p, "b.example");
	rrhead(&p, 5, 30, 2 + 2);
	u8(&p, 1); u8(&p, 'c'); ptr(&p, b_off + 2);	/* c.example */
	ptr(&p, 12);			/* a.example */
	rrhead(&p, 5, 90, 2);
	ptr(&p, b_off);			/* b.example */
	a = decode(&p, "a.example", 15, INKAN_OK);
	assert_int_equal(a->outcome, INKAN_DNS_DATA);
	assert_int_equal(a->secure, 1);
	assert_int_equal(a->ncnames, 2);
	assert_string_equal(a->cnames[0], "b.example");
	assert_string_equal(a->cnames[1], "c.example");
	assert_int_equal(a->nrrs, 1);
	assert_int_equal(a->rrs[0].u.mx.preference, 5);
	assert_string_equal(a->rrs[0].u.mx.exchange, "mx.example");
	assert_int_equal(a->ttl, 30);
	ik_free(ctx, a);
}

static void
test_negative_answers(void **state)
{
	struct pk p;
	size_t soa;
	inkan_dns_answer *a;

	(void)state;
	header(&p, 0x83, 0, 1, "nx.example", 16);	/* NXDOMAIN */
	soa = p.n;
	name(&p, "example");
	rrhead(&p, 6, 3600, 4 + 4 + 20);
	u8(&p, 1); u8(&p, 'n'); ptr(&p, soa);	/* n.example */
	u8(&p, 1); u8(&p, 'h'); ptr(&p, soa);
	u32(&p, 1); u32(&p, 2); u32(&p, 3); u32(&p, 4); u32(&p, 120);
	a = decode(&p, "nx.example", 16, INKAN_OK);
	assert_int_equal(a->outcome, INKAN_DNS_NXDOMAIN);
	assert_int_equal(a->ttl, 120);		/* min(3600, 120) */
	ik_free(ctx, a);

	header(&p, 0x80, 0, 1, "nodata.example", 16);
	name(&p, "example");
	rrhead(&p, 6, 60, 1 + 1 + 20);
	u8(&p, 0); u8(&p, 0);			/* root MNAME, RNAME */
	u32(&p, 1); u32(&p, 2); u32(&p, 3); u32(&p, 4); u32(&p, 900);
	a = decode(&p, "nodata.example", 16, INKAN_OK);
	assert_int_equal(a->outcome, INKAN_DNS_NODATA);
	assert_int_equal(a->ttl, 60);		/* min(60, 900) */
	ik_free(ctx, a);

	header(&p, 0x82, 0, 0, "sf.example", 16);	/* SERVFAIL */
	a = decode(&p, "sf.example", 16, INKAN_OK);
	assert_int_equal(a->outcome, INKAN_DNS_TEMPFAIL);
	assert_int_equal(a->ttl, 0);
	ik_free(ctx, a);
	header(&p, 0x85, 0, 0, "r.example", 16);	/* REFUSED */
	a = decode(&p, "r.example", 16, INKAN_OK);
	assert_int_equal(a->rcode, INKAN_DNS_RCODE_REFUSED);
	assert_int_equal(a->outcome, INKAN_DNS_TEMPFAIL);
	ik_free(ctx, a);
}

static void
test_bad_rrs_are_skipped(void **state)
{
	struct pk p;
	inkan_dns_answer *a;

	(void)state;
	header(&p, 0x80, 4, 0, "x.example", 1);
	ptr(&p, 12);
	rrhead(&p, 1, 10, 5);			/* A with 5 bytes */
	u32(&p, 0x01020304); u8(&p, 5);
	ptr(&p, 12);
	rrhead(&p, 1, 0x80000000u, 4);		/* RFC 2181 8: TTL 0 */
	u32(&p, 0xc0000201);
	ptr(&p, 12);
	rrhead(&p, 16, 10, 3);			/* TXT of another type */
	u8(&p, 2); u8(&p, 'h'); u8(&p, 'i');
	ptr(&p, 12);
	rrhead(&p, 257, 10, 3);			/* CAA: undecoded */
	u8(&p, 0); u8(&p, 1); u8(&p, 'x');
	a = decode(&p, "x.example", 1, INKAN_OK);
	assert_int_equal(a->nrrs, 1);
	assert_memory_equal(a->rrs[0].u.a, "\xc0\x00\x02\x01", 4);
	assert_int_equal(a->rrs[0].ttl, 0);
	ik_free(ctx, a);
	a = decode(&p, "x.example", 257, INKAN_OK);
	assert_int_equal(a->nrrs, 1);
	assert_int_equal(a->rrs[0].rdlen, 3);
	assert_memory_equal(a->rrs[0].rdata, "\x00\x01x", 3);
	ik_free(ctx, a);

	/* a TXT whose string runs past its RDATA */
	header(&p, 0x80, 1, 0, "t.example", 16);
	ptr(&p, 12);
	rrhead(&p, 16, 10, 3);
	u8(&p, 9); u8(&p, 'a'); u8(&p, 'b');
	a = decode(&p, "t.example", 16, INKAN_OK);
	assert_int_equal(a->nrrs, 0);
	assert_int_equal(a->outcome, INKAN_DNS_NODATA);
	ik_free(ctx, a);
}

static void
test_hostile_packets(void **state)
{
	struct pk p;
	size_t i;

	(void)state;
	/* too short, not a response */
	p.n = 11;
	memset(p.b, 0, sizeof(p.b));
	decode(&p, "x.example", 16, INKAN_ERR_SYNTAX);
	header(&p, 0x80, 0, 0, "x.example", 16);
	p.b[2] = 0x01;
	decode(&p, "x.example", 16, INKAN_ERR_SYNTAX);

	/* more RRs claimed than present */
	header(&p, 0x80, 65535, 65535, "x.example", 16);
	decode(&p, "x.example", 16, INKAN_ERR_SYNTAX);

	/* a pointer to itself, and a forward pointer */
	header(&p, 0x80, 1, 0, "x.example", 16);
	ptr(&p, p.n);
	rrhead(&p, 16, 1, 0);
	decode(&p, "x.example", 16, INKAN_ERR_SYNTAX);
	header(&p, 0x80, 1, 0, "x.example", 16);
	ptr(&p, p.n + 2);
	rrhead(&p, 16, 1, 0);
	decode(&p, "x.example", 16, INKAN_ERR_SYNTAX);

	/* pointers chained to build a name over 255 bytes */
	header(&p, 0x80, 1, 0, "x.example", 16);
	{
		size_t prev = 12;
		for (i = 0; i < 10; i++) {
			size_t here = p.n;
			u8(&p, 63);
			memset(p.b + p.n, 'a', 63);
			p.n += 63;
			ptr(&p, prev);
			prev = here;
		}
		ptr(&p, prev);
	}
	rrhead(&p, 16, 1, 0);
	decode(&p, "x.example", 16, INKAN_ERR_SYNTAX);

	/* RDATA longer than the packet */
	header(&p, 0x80, 1, 0, "x.example", 16);
	ptr(&p, 12);
	rrhead(&p, 16, 1, 200);
	decode(&p, "x.example", 16, INKAN_ERR_SYNTAX);

	/* a label type from RFC 6891's obsolete extended labels */
	header(&p, 0x80, 1, 0, "x.example", 16);
	u8(&p, 0x41);
	rrhead(&p, 16, 1, 0);
	decode(&p, "x.example", 16, INKAN_ERR_SYNTAX);

	/* every truncation of a good packet fails cleanly */
	header(&p, 0x80, 1, 0, "x.example", 16);
	ptr(&p, 12);
	rrhead(&p, 16, 1, 3);
	u8(&p, 2); u8(&p, 'o'); u8(&p, 'k');
	{
		size_t full = p.n;
		inkan_dns_answer *a = decode(&p, "x.example", 16, INKAN_OK);
		assert_int_equal(a->nrrs, 1);
		ik_free(ctx, a);
		for (p.n = 0; p.n < full; p.n++) {
			inkan_dns_answer *b = NULL;
			assert_int_not_equal(ik_dns_parse_packet(ctx, p.b, p.n,
				"x.example", 16, &b), INKAN_OK);
			assert_null(b);
		}
	}
}

/* the chain bound holds even when the packet loops */
static void
test_cname_loop_in_packet(void **state)
{
	struct pk p;
	size_t b_off;
	inkan_dns_answer *a;

	(void)state;
	header(&p, 0x80, 2, 0, "a.example", 16);
	ptr(&p, 12);				/* a.example CNAME */
	rrhead(&p, 5, 10, 4);
	b_off = p.n;
	u8(&p, 1); u8(&p, 'b'); ptr(&p, 14);	/* b.example */
	ptr(&p, b_off);				/* b.example CNAME */
	rrhead(&p, 5, 10, 2);
	ptr(&p, 12);				/* back to a.example */
	a = decode(&p, "a.example", 16, INKAN_OK);
	assert_int_equal(a->outcome, INKAN_DNS_TEMPFAIL);
	assert_true(a->ncnames <= IK_DNS_CNAME_MAX);
	ik_free(ctx, a);
}

static void
test_names(void **state)
{
	uint8_t w[IK_DNAME_MAX], w2[IK_DNAME_MAX];
	char t[IK_DNAME_TEXT_MAX];
	size_t n;
	char long_name[300];

	(void)state;
	assert_int_equal(ik_dname_from_text("a\\.b\\032c.Example.", 18, NULL,
		w, &n), INKAN_OK);
	assert_int_equal(ik_dname_labels(w), 2);
	ik_dname_to_text(w, t);
	assert_string_equal(t, "a\\.b\\032c.Example");
	assert_int_equal(ik_dname_from_text("A\\.B c.example", 14, NULL, w2,
		&n), INKAN_OK);
	assert_true(ik_dname_eq(w, w2));
	assert_int_equal(ik_dname_from_text(".", 1, NULL, w, &n), INKAN_OK);
	assert_int_equal(n, 1);
	ik_dname_to_text(w, t);
	assert_string_equal(t, ".");
	assert_int_equal(ik_dname_from_text("a\\256", 5, NULL, w, &n),
		INKAN_ERR_SYNTAX);
	assert_int_equal(ik_dname_from_text("a\\", 2, NULL, w, &n),
		INKAN_ERR_SYNTAX);
	assert_int_equal(ik_dname_from_text(".a", 2, NULL, w, &n),
		INKAN_ERR_SYNTAX);
	/* 64-byte label; 254 vs 253 text bytes */
	memset(long_name, 'a', 64);
	assert_int_equal(ik_dname_from_text(long_name, 64, NULL, w, &n),
		INKAN_ERR_SYNTAX);
	memset(long_name, 'a', sizeof(long_name));
	for (n = 63; n < sizeof(long_name); n += 64)
		long_name[n] = '.';
	assert_int_equal(ik_dname_from_text(long_name, 253, NULL, w, &n),
		INKAN_OK);
	assert_int_equal(n, 255);
	assert_int_equal(ik_dname_from_text(long_name, 255, NULL, w, &n),
		INKAN_ERR_SYNTAX);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_txt_with_compression),
		cmocka_unit_test(test_cname_chain_out_of_order),
		cmocka_unit_test(test_negative_answers),
		cmocka_unit_test(test_bad_rrs_are_skipped),
		cmocka_unit_test(test_hostile_packets),
		cmocka_unit_test(test_cname_loop_in_packet),
		cmocka_unit_test(test_names),
	};

	int rc;

	if (inkan_ctx_new(NULL, &ctx) != INKAN_OK)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	inkan_ctx_free(ctx);
	return rc;
}
