/* SPDX-License-Identifier: MIT */
/*
 * check_dkim.c - one item per DKIM selector: the key record at
 * SEL._domainkey.DOMAIN (RFC 6376 3.6.2.1), read the way a verifier reads
 * it (CNAMEs followed, as Amazon SES's Easy DKIM delegation needs; the
 * strings of one TXT RR joined; several RRs an error, 3.6.2.2), parsed by
 * the DKIM module's own key record parser, then judged: revoked (empty
 * p=, 3.6.1), testing (t=y), key type and size (RFC 8301 3.2: verifiers
 * refuse RSA under 1024 bits; 2048 is what signers SHOULD use), and
 * compared with the key the identity holds.
 */
#include <stdio.h>
#include <string.h>

#include "core/ascii.h"
#include "crypto/crypto.h"
#include "dkim/dkim_internal.h"
#include "domain/check_internal.h"

void
ik_check_dkim_start(inkan_domain_checker *c)
{
	char name[IK_DOMAIN_NAME_MAX + 80];
	size_t i;

	for (i = 0; i < c->nsel; i++) {
		snprintf(name, sizeof(name), "%s._domainkey.%s",
			c->sel[i].name, c->domain);
		if (inkan_dns_start(inkan_ctx_resolver(c->ctx), name,
		    INKAN_DNS_TYPE_TXT, &c->sel[i].q) != INKAN_OK)
			c->sel[i].q = NULL;
	}
}

/* the p= value of a key record with white space removed, into @out */
static void
p_value(const char *rec, char *out, size_t cap)
{
	const char *p = rec;
	size_t n = 0;

	/* the tag "p" at the start or after ';', then '=' (FWS around) */
	for (;;) {
		p = strchr(p, 'p');
		if (p == NULL) {
			out[0] = '\0';
			return;
		}
		{
			const char *b = p, *a = p + 1;

			while (b > rec && ik_is_wsp((unsigned char)b[-1]))
				b--;
			while (ik_is_wsp((unsigned char)*a))
				a++;
			if ((b == rec || b[-1] == ';') && *a == '=') {
				p = a + 1;
				break;
			}
		}
		p++;
	}
	for (; *p != '\0' && *p != ';' && n + 1 < cap; p++)
		if (!ik_is_wsp((unsigned char)*p) && *p != '\r' && *p != '\n')
			out[n++] = *p;
	out[n] = '\0';
}

static void
judge_key(inkan_domain_checker *c, size_t it, struct ck_sel *s,
	const ik_dkim_key *key, const char *text)
{
	const inkan_domain_selector *e = s->expected;
	char pub[IK_DOMAIN_PUBKEY_MAX + 8];
	unsigned bits = key->pub != NULL ? ik_pubkey_bits(key->pub) : 0;
	int rsa = key->k == IK_DKIM_K_RSA;

	if (rsa)
		ik_check_detail(c, it, "RSA key of %u bits, \"%.60s%s\"", bits,
			text, strlen(text) > 60 ? "..." : "");
	else
		ik_check_detail(c, it, "Ed25519 key, \"%.60s%s\"", text,
			strlen(text) > 60 ? "..." : "");
	s->rsa = rsa;
	s->bits = bits;
	s->usable = 1;
	if (rsa && bits < 1024) {
		ik_check_find(c, it, INKAN_SEVERITY_ERROR, "dkim-key-too-small",
			"make a new key of 2048 bits (`inkan domain rotate`) "
			"and publish it", "%u-bit RSA key: verifiers refuse keys "
			"under 1024 bits (RFC 8301 3.2), so every signature "
			"fails", bits);
		ik_check_worsen(c, it, INKAN_DOMAIN_FAILED);
		s->usable = 0;
	} else if (rsa && bits < 2048) {
		ik_check_find(c, it, INKAN_SEVERITY_WARNING, "dkim-key-1024",
			"rotate to a 2048-bit key (`inkan domain rotate`)",
			"1024-bit RSA key: accepted, but RFC 8301 3.2 asks "
			"signers for 2048 bits and 1024 is within reach of "
			"attackers");
	} else if (rsa && bits > 4096) {
		ik_check_find(c, it, INKAN_SEVERITY_WARNING, "dkim-key-large",
			"use 2048 bits", "%u-bit RSA key: verifiers need only "
			"handle up to 4096 bits (RFC 8301 3.2)", bits);
	}
	s->ed25519 = key->k == IK_DKIM_K_ED25519;
	if (key->testing)
		ik_check_find(c, it, INKAN_SEVERITY_WARNING, "dkim-testing", "remove "
			"t=y from the key record once signing works",
			"t=y: the domain says it is testing DKIM; receivers may "
			"treat failures as if the mail were unsigned");
	if (!key->email_ok) {
		ik_check_find(c, it, INKAN_SEVERITY_ERROR, "dkim-service", "drop s= "
			"or make it s=email", "the key's s= does not allow "
			"email, so it signs nothing");
		ik_check_worsen(c, it, INKAN_DOMAIN_FAILED);
		s->usable = 0;
	}
	if (!(key->hashes & (1u << IK_HASH_SHA256))) {
		ik_check_find(c, it, INKAN_SEVERITY_ERROR, "dkim-hash", "drop h= or "
			"make it h=sha256", "the key's h= excludes sha256, the "
			"only hash RFC 8301 allows");
		ik_check_worsen(c, it, INKAN_DOMAIN_FAILED);
		s->usable = 0;
	}
	if (e == NULL || e->state == INKAN_DOMAIN_KEY_REVOKED)
		return;
	p_value(text, pub, sizeof(pub));
	if (strcmp(pub, e->public_key) != 0 ||
	    (e->type == INKAN_KEY_RSA) != rsa) {
		ik_check_find(c, it, INKAN_SEVERITY_ERROR, "dkim-key-mismatch",
			"publish the records again (`inkan domain publish`)",
			"the published key is not the key of %s in the state "
			"directory: mail signed with it fails", e->selector);
		ik_check_worsen(c, it, INKAN_DOMAIN_FAILED);
		s->usable = 0;
	}
	if (e->state == INKAN_DOMAIN_KEY_PENDING ||
	    e->state == INKAN_DOMAIN_KEY_RETIRED)
		s->usable = 0;	/* published, but not signing */
}

static void
judge_record(inkan_domain_checker *c, size_t it, struct ck_sel *s,
	const char *text, size_t len)
{
	const inkan_domain_selector *e = s->expected;
	ik_dkim_key *key = NULL;
	inkan_status st;

	st = ik_dkim_key_from_record(c->ctx, text, len, &key);
	if (st != INKAN_OK) {
		c->st = st;
		return;
	}
	switch (key->error) {
	case INKAN_DKIM_R_OK:
		if (key->k == IK_DKIM_K_UNKNOWN) {
			ik_check_find(c, it, INKAN_SEVERITY_ERROR, "dkim-key-type",
				"use k=rsa or k=ed25519", "unknown key type k=");
			ik_check_worsen(c, it, INKAN_DOMAIN_FAILED);
			break;
		}
		judge_key(c, it, s, key, text);
		if (e != NULL && e->state == INKAN_DOMAIN_KEY_REVOKED) {
			ik_check_find(c, it, INKAN_SEVERITY_WARNING, "dkim-not-revoked",
				"publish the records again", "the key was "
				"revoked in the state but is still published "
				"with its p=");
			ik_check_worsen(c, it, INKAN_DOMAIN_PENDING);
		}
		break;
	case INKAN_DKIM_R_KEY_REVOKED:
		ik_check_detail(c, it, "revoked key (empty p=)");
		if (e != NULL && e->state == INKAN_DOMAIN_KEY_REVOKED)
			break;	/* as the rotation wants */
		ik_check_find(c, it, INKAN_SEVERITY_ERROR, "dkim-revoked", "sign with "
			"another selector, or publish a key here (`inkan domain "
			"rotate`)", "the key is revoked (empty p=, RFC 6376 "
			"3.6.1): every signature with this selector fails");
		ik_check_worsen(c, it, INKAN_DOMAIN_FAILED);
		break;
	case INKAN_DKIM_R_KEY_INVALID:
		ik_check_find(c, it, INKAN_SEVERITY_ERROR, "dkim-key-invalid", "copy "
			"the p= value again, whole and without spaces inside "
			"the base64", "p= is not a usable %s public key (often "
			"a key cut short or mangled by a DNS editor)",
			key->k == IK_DKIM_K_ED25519 ? "Ed25519" : "RSA");
		ik_check_worsen(c, it, INKAN_DOMAIN_FAILED);
		break;
	default:
		ik_check_find(c, it, INKAN_SEVERITY_ERROR, "dkim-key-syntax", "publish "
			"the record exactly as `inkan domain setup` prints it",
			"the key record does not parse (RFC 6376 3.6.1: "
			"tag=value pairs, v=DKIM1 first if present, p= "
			"required)");
		ik_check_worsen(c, it, INKAN_DOMAIN_FAILED);
		break;
	}
	ik_dkim_key_unref(c->ctx, NULL, key);
}

static void
one(inkan_domain_checker *c, struct ck_sel *s)
{
	const inkan_dns_answer *a = NULL;
	char name[IK_DOMAIN_NAME_MAX + 80];
	size_t it;

	snprintf(name, sizeof(name), "%s._domainkey.%s", s->name, c->domain);
	it = ik_check_item_new(c, INKAN_DOMAIN_AREA_DKIM, name);
	if (it == SIZE_MAX)
		return;
	s->item = it;
	if (s->q == NULL || inkan_dns_wait(s->q, &a) != INKAN_OK ||
	    a->outcome == INKAN_DNS_TEMPFAIL) {
		ik_check_status(c, it, INKAN_DOMAIN_TEMPORARY_FAILURE);
		ik_check_detail(c, it, "the DNS lookup failed (%s)", a != NULL &&
			a->timed_out ? "timeout" : a != NULL ?
			inkan_dns_rcode_name(a->rcode) : "not asked");
		return;
	}
	if (a->ncnames > 0)
		ik_check_find(c, it, INKAN_SEVERITY_NOTE, "dkim-cname", NULL,
			"delegated by CNAME to %s (as Amazon SES Easy DKIM "
			"does); the key is read there",
			a->cnames[a->ncnames - 1]);
	if (a->outcome != INKAN_DNS_DATA) {
		ik_check_status(c, it, INKAN_DOMAIN_PENDING);
		ik_check_detail(c, it, "no key record (%s)", a->outcome ==
			INKAN_DNS_NXDOMAIN ? "the name does not exist" :
			"no TXT record");
		ik_check_find(c, it, INKAN_SEVERITY_ERROR, "dkim-missing", "publish "
			"the DKIM record from `inkan domain setup` (or wait for "
			"it to reach the name servers)", "no DKIM key at %s: "
			"signatures with selector %s cannot be verified",
			a->ncnames ? a->cnames[a->ncnames - 1] : name, s->name);
		return;
	}
	if (a->nrrs > 1) {
		ik_check_find(c, it, INKAN_SEVERITY_ERROR, "dkim-several-records",
			"keep one TXT record at this name (a long key is "
			"several strings of ONE record, not several records)",
			"%zu TXT records: verifiers may use either or give up "
			"(RFC 6376 3.6.2.2)", a->nrrs);
		ik_check_worsen(c, it, INKAN_DOMAIN_FAILED);
		return;
	}
	judge_record(c, it, s, a->rrs[0].u.txt.joined.data,
		a->rrs[0].u.txt.joined.len);
}

void
ik_check_dkim(inkan_domain_checker *c)
{
	size_t i;

	int rsa = 0;

	for (i = 0; i < c->nsel; i++) {
		one(c, &c->sel[i]);
		rsa |= c->sel[i].usable && c->sel[i].rsa;
	}
	/* Ed25519 alone is not enough for Gmail: say so only then */
	for (i = 0; i < c->nsel && !rsa; i++)
		if (c->sel[i].usable && c->sel[i].ed25519)
			ik_check_find(c, c->sel[i].item, INKAN_SEVERITY_WARNING,
				"dkim-ed25519-only", "add an RSA-2048 key and "
				"sign with both (inkan domain setup --key-type "
				"both)", "Ed25519 key, and no usable RSA key: "
				"Gmail and many other receivers do not verify "
				"Ed25519 (RFC 8463) signatures yet");
	if (c->nsel == 0) {
		size_t it = ik_check_item_new(c, INKAN_DOMAIN_AREA_DKIM,
			c->domain);

		ik_check_status(c, it, INKAN_DOMAIN_PENDING);
		ik_check_detail(c, it, "no selector to check");
		ik_check_find(c, it, INKAN_SEVERITY_ERROR, "dkim-no-selector", "give "
			"--selector NAME (the s= of your DKIM-Signature "
			"fields), or set up keys with `inkan domain setup`",
			"DKIM keys live at SELECTOR._domainkey.%s and cannot "
			"be found without their selector", c->domain);
	}
}
