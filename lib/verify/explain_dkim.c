/* SPDX-License-Identifier: MIT */
/*
 * explain_dkim.c - one summary line per DKIM-Signature (RFC 6376): who
 * signed (d=, s=), what the verdict means, and what to change. The short
 * reason (inkan_dkim_reason_str) goes in parentheses after the verdict;
 * the sentence says what probably happened, e.g. a body hash mismatch is
 * a message changed after signing, typically by a mailing list footer.
 */
#include <string.h>

#include "verify/verify_internal.h"

/* why = why, then (when after is not NULL) the key's DNS name, then
 * after; fix NULL: nothing the sender can do */
struct why_fix {
	const char *why;
	const char *after;
	const char *fix;
};

/* why and fix for each reason */
static struct why_fix
reason_text(inkan_dkim_reason r)
{
	struct why_fix t = { NULL, NULL, NULL };

	switch (r) {
	case INKAN_DKIM_R_BODY_HASH:
		t.why = "the message was changed after signing (a footer "
			"added by a list?)";
		break;
	case INKAN_DKIM_R_SIGNATURE:
		t.why = "the signed header fields were changed after signing, "
			"or the key at ";
		t.after = " is not the one that signed";
		t.fix = "if the key was rotated, publish the key the signer "
			"uses";
		break;
	case INKAN_DKIM_R_NO_KEY:
		t.why = "there is no key record at ";
		t.after = "";
		t.fix = "publish the key record there (inkan keygen prints "
			"it)";
		break;
	case INKAN_DKIM_R_KEY_UNAVAILABLE:
		t.why = "the key lookup at ";
		t.after = " failed or timed out";
		t.fix = "try again later";
		break;
	case INKAN_DKIM_R_KEY_REVOKED:
		t.why = "the key at ";
		t.after = " is revoked (empty p=)";
		t.fix = "sign with a key that is published";
		break;
	case INKAN_DKIM_R_KEY_MULTIPLE:
		t.why = "";
		t.after = " has more than one TXT record";
		t.fix = "publish exactly one key record there";
		break;
	case INKAN_DKIM_R_KEY_SYNTAX:
	case INKAN_DKIM_R_KEY_INVALID:
	case INKAN_DKIM_R_KEY_ALGORITHM:
	case INKAN_DKIM_R_KEY_HASH:
	case INKAN_DKIM_R_KEY_SERVICE:
		t.why = "the key record at ";
		t.after = " does not fit this signature";
		t.fix = "publish the record that belongs to the signing key "
			"(inkan keygen prints it)";
		break;
	case INKAN_DKIM_R_KEY_STRICT:
		t.why = "the key at ";
		t.after = " (t=s) does not allow an i= in a subdomain of d=";
		t.fix = "sign with i= in d= itself, or drop t=s from the key";
		break;
	case INKAN_DKIM_R_KEY_TOO_SMALL:
		t.why = "the RSA key at ";
		t.after = " is under 1024 bits (RFC 8301 3.2)";
		t.fix = "sign with a 2048-bit RSA or an Ed25519 key";
		break;
	case INKAN_DKIM_R_KEY_TOO_LARGE:
		t.why = "the RSA key at ";
		t.after = " is larger than verifiers accept";
		t.fix = "sign with a 2048-bit RSA or an Ed25519 key";
		break;
	case INKAN_DKIM_R_EXPIRED:
		t.why = "the signature has expired (x=)";
		t.fix = "the message is older than the signer allows, or the "
			"signer sets x= too short";
		break;
	case INKAN_DKIM_R_FUTURE:
		t.why = "the signature's time (t=) lies in the future";
		t.fix = "correct the signing server's clock";
		break;
	case INKAN_DKIM_R_ALGORITHM_HISTORIC:
		t.why = "rsa-sha1 is no longer accepted (RFC 8301 3.1)";
		t.fix = "sign with rsa-sha256 or ed25519-sha256";
		break;
	case INKAN_DKIM_R_FROM_NOT_SIGNED:
		t.why = "the signature does not cover the From field";
		t.fix = "sign the From field (h= must list from)";
		break;
	case INKAN_DKIM_R_BODY_LENGTH:
		t.why = "l= is longer than the body: the body was cut after "
			"signing";
		break;
	case INKAN_DKIM_R_PARTIAL_POLICY:
		t.why = "text after the signed part (l=) is unsigned, which "
			"local policy refuses";
		t.fix = "sign the whole body (no l=)";
		break;
	case INKAN_DKIM_R_INTERNAL:
		t.why = "the verifier ran out of memory or hit a bug";
		t.fix = "try again";
		break;
	default:	/* the signature field itself is malformed */
		t.why = "the DKIM-Signature field cannot be used";
		t.fix = "correct the signer's output";
		break;
	}
	return t;
}

static inkan_status
explain_pass(inkan_verify *v, inkan_verify_note *n,
	const inkan_dkim_result *r)
{
	const char *bits = "";

	/* the size says something for RSA only (Ed25519 is always 256) */
	if (r->key_bits > 0 && strncmp(r->algorithm, "rsa-", 4) == 0 &&
	    (bits = ik_verify_strf(v, ", %u-bit key", r->key_bits)) == NULL)
		return INKAN_ERR_NOMEM;
	n->why = ik_verify_strf(v, "signed by %s, selector %s (%s%s)%s%s",
		r->domain, r->selector, r->algorithm, bits,
		r->testing ? "; the key is in testing mode (t=y)" : "",
		r->partial_body ? "; but l= leaves the end of the body "
		"unsigned" : "");
	if (r->partial_body && !r->dmarc_usable)
		n->fix = ik_verify_strf(v, "sign the whole body (no l=): "
			"DMARC does not count a signature that covers only part "
			"of it");
	return n->why != NULL ? INKAN_OK : INKAN_ERR_NOMEM;
}

static inkan_status
explain_one(inkan_verify *v, const inkan_dkim_result *r)
{
	inkan_verify_note *n;
	struct why_fix t;
	const char *key;
	const char *d = r->domain ? r->domain : "(no d=)";
	const char *s = r->selector ? r->selector : "(no s=)";

	n = ik_verify_note_add(v, "dkim", inkan_dkim_verdict_str(r->verdict),
		r->verdict != INKAN_DKIM_PASS);
	n->subject = ik_verify_strf(v, "%s, selector %s", d, s);
	if (n->subject == NULL)
		return INKAN_ERR_NOMEM;
	if (r->verdict == INKAN_DKIM_PASS && r->domain && r->selector &&
	    r->algorithm)
		return explain_pass(v, n, r);
	n->detail = inkan_dkim_reason_str(r->reason);
	t = reason_text(r->reason);
	key = ik_verify_strf(v, "%s._domainkey.%s", s, d);
	if (key == NULL)
		return INKAN_ERR_NOMEM;
	n->why = ik_verify_strf(v, "%s: %s%s%s", n->subject, t.why,
		t.after != NULL ? key : "", t.after != NULL ? t.after : "");
	n->fix = t.fix;
	return n->why != NULL ? INKAN_OK : INKAN_ERR_NOMEM;
}

inkan_status
ik_verify_explain_dkim(inkan_verify *v)
{
	const inkan_dmarc_result *dm = v->res.dmarc;
	inkan_verify_note *n;
	inkan_status st;
	size_t i;

	for (i = 0; i < v->res.ndkim; i++)
		if ((st = explain_one(v, &v->res.dkim[i])) != INKAN_OK)
			return st;
	if (v->res.ndkim > 0)
		return INKAN_OK;
	if (v->res.header_error != INKAN_OK) {
		n = ik_verify_note_add(v, "dkim", "permerror", 1);
		n->subject = "";
		n->detail = "header limit";
		n->why = ik_verify_strf(v, "no signature was checked: the %s",
			v->res.header_problem);
		n->fix = "legitimate mail rarely does this; if yours does, "
			"raise the limit";
		return n->why != NULL ? INKAN_OK : INKAN_ERR_NOMEM;
	}
	n = ik_verify_note_add(v, "dkim", "none", 1);
	n->subject = "";
	n->why = "the message has no DKIM signature";
	n->fix = dm->author_domain != NULL ?
		ik_verify_strf(v, "sign outgoing mail with DKIM, with "
		"d=%s", dm->author_domain) :
		"sign outgoing mail with DKIM";
	return n->fix != NULL ? INKAN_OK : INKAN_ERR_NOMEM;
}
