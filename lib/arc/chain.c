/* SPDX-License-Identifier: MIT */
/*
 * chain.c - the ARC sets of a message and their structure (RFC 8617 4.2,
 * 5.2 steps 1-3), and the ARC-Seal hash input (5.1.1, 5.1.2).
 *
 * Every ARC field is sorted into its instance by the instance tag alone
 * (4.2.1); a field whose instance cannot be read fails the chain. Only
 * then are the seals parsed, because step 2 and step 3 C need cv=.
 * Input bounds: at most IK_ARC_MAX_FIELDS ARC fields are looked at, and
 * instances are 1..50, so the slot table is fixed.
 */
#include <string.h>

#include "arc_internal.h"
#include "core/alloc.h"
#include "core/ascii.h"
#include "dkim/taglist.h"

const char ik_arc_aar_name[] = "ARC-Authentication-Results";
const char ik_arc_ams_name[] = "ARC-Message-Signature";
const char ik_arc_as_name[] = "ARC-Seal";

int
ik_arc_field_kind(const inkan_header *h, int *kind)
{
	size_t len;
	const char *name = inkan_header_name(h, &len);

	if (ik_ascii_eqz(name, len, ik_arc_aar_name))
		*kind = 0;
	else if (ik_ascii_eqz(name, len, ik_arc_ams_name))
		*kind = 1;
	else if (ik_ascii_eqz(name, len, ik_arc_as_name))
		*kind = 2;
	else
		return 0;
	return 1;
}

unsigned
ik_arc_sig_instance(const char *value, size_t len)
{
	ik_taglist tl;
	const ik_tag *t;
	unsigned v = 0;
	size_t i;

	if (ik_taglist_parse(value, len, &tl) != IK_TAGLIST_OK)
		return 0;
	t = ik_taglist_get(&tl, "i");
	/* 4.2.1: 1*2DIGIT in 1..50; no sign, no leading zero games */
	if (t == NULL || t->value_len == 0 || t->value_len > 2)
		return 0;
	for (i = 0; i < t->value_len; i++) {
		if (!ik_is_digit((unsigned char)t->value[i]))
			return 0;
		v = v * 10 + (unsigned)(t->value[i] - '0');
	}
	return v >= 1 && v <= IK_ARC_MAX_INSTANCE ? v : 0;
}

static unsigned
field_instance(const inkan_header *h, int kind)
{
	size_t len;
	const char *value = inkan_header_value(h, &len);
	unsigned inst = 0;

	if (kind == 0)
		return inkan_authres_arc_instance(value, len, &inst) ==
			INKAN_OK ? inst : 0;
	return ik_arc_sig_instance(value, len);
}

static void
fail(ik_arc_chain *c, inkan_arc_reason r, unsigned inst)
{
	if (c->reason != INKAN_ARC_R_OK)
		return;		/* the first problem found is the one told */
	c->reason = r;
	c->fail_instance = inst;
}

/* step 1 and 3 A/B: sort the fields into slots */
static void
sort_fields(const inkan_msg *msg, ik_arc_chain *c)
{
	size_t i, n = inkan_msg_header_count(msg), seen = 0;
	const inkan_header *h, **dst;
	unsigned inst;
	int kind;

	for (i = 0; i < n; i++) {
		h = inkan_msg_header_at(msg, i);
		if (!ik_arc_field_kind(h, &kind))
			continue;
		c->present = 1;
		if (++seen > IK_ARC_MAX_FIELDS) {
			fail(c, INKAN_ARC_R_TOO_MANY, 0);
			return;
		}
		if ((inst = field_instance(h, kind)) == 0) {
			fail(c, INKAN_ARC_R_INSTANCE, 0);
			continue;
		}
		if (inst > c->n)
			c->n = inst;
		dst = kind == 0 ? &c->slot[inst - 1].aar : kind == 1 ?
			&c->slot[inst - 1].ams : &c->slot[inst - 1].as;
		if (*dst != NULL)
			fail(c, INKAN_ARC_R_DUPLICATE, inst);
		else
			*dst = h;
	}
}

/* the AAR's claims: its A-R payload, when it parses */
static inkan_status
read_claims(inkan_ctx *ctx, ik_arc_slot *s)
{
	size_t len;
	const char *value = inkan_header_value(s->aar, &len);
	inkan_status st;

	st = inkan_authres_parse_arc(ctx, value, len, &s->claims);
	if (st == INKAN_ERR_NOMEM)
		return st;
	return INKAN_OK;	/* unreadable claims do not break the chain */
}

inkan_status
ik_arc_chain_collect(inkan_ctx *ctx, const inkan_msg *msg, int64_t now,
	uint64_t skew, ik_arc_chain *c)
{
	unsigned i;
	inkan_status st;
	ik_arc_slot *s;

	memset(c, 0, sizeof(*c));
	sort_fields(msg, c);
	if (!c->present || c->reason == INKAN_ARC_R_TOO_MANY || c->n == 0)
		return INKAN_OK;
	/* parse what there is, so that results can show every set */
	for (i = 0; i < c->n; i++) {
		s = &c->slot[i];
		if (s->aar != NULL && (st = read_claims(ctx, s)) != INKAN_OK)
			return st;
		if (s->as == NULL)
			continue;
		st = ik_dkim_sig_parse_kind(ctx, s->as, IK_SIG_AS, 0, now, skew,
			&s->seal);
		s->seal_parsed = 1;
		if (st != INKAN_OK)
			return st;
	}
	/* step 2: the newest seal says the chain already failed */
	s = &c->slot[c->n - 1];
	if (s->as != NULL && s->seal.cv != NULL && strcmp(s->seal.cv,
	    "fail") == 0) {
		c->reason = INKAN_ARC_R_OK;	/* this one wins */
		fail(c, INKAN_ARC_R_LAST_CV_FAIL, c->n);
		return INKAN_OK;
	}
	/* step 3 A and B: one of each in every instance 1..N */
	for (i = 0; i < c->n; i++) {
		s = &c->slot[i];
		if (s->aar == NULL || s->ams == NULL || s->as == NULL)
			fail(c, INKAN_ARC_R_MISSING, i + 1);
	}
	if (c->reason != INKAN_ARC_R_OK)
		return INKAN_OK;
	/* step 3 C: cv=none at 1, pass above; a seal we cannot read has no
	 * usable cv and fails here too */
	for (i = 0; i < c->n; i++) {
		s = &c->slot[i];
		if (s->seal.error != INKAN_DKIM_R_OK) {
			fail(c, INKAN_ARC_R_SEAL, i + 1);
			c->detail = s->seal.error;
			return INKAN_OK;
		}
		if (strcmp(s->seal.cv, i == 0 ? "none" : "pass") != 0) {
			fail(c, INKAN_ARC_R_CV, i + 1);
			return INKAN_OK;
		}
	}
	return INKAN_OK;
}

void
ik_arc_chain_clear(const inkan_ctx *ctx, ik_arc_chain *c)
{
	unsigned i;

	for (i = 0; i < IK_ARC_MAX_INSTANCE; i++) {
		if (c->slot[i].seal_parsed)
			ik_dkim_sig_clear(ctx, &c->slot[i].seal);
		inkan_authres_free(c->slot[i].claims);
	}
	memset(c, 0, sizeof(*c));
}

static inkan_status
hash_field(ik_digest *d, const inkan_header *h)
{
	size_t len;
	const char *raw = inkan_header_raw(h, &len);

	return ik_canon_header(d, IK_CANON_RELAXED, raw, len, 1);
}

inkan_status
ik_arc_seal_hash(const inkan_ctx *ctx, ik_digest *d, const ik_arc_chain *c,
	unsigned from, unsigned upto, const char *aar, size_t aar_len,
	const char *ams, size_t ams_len, const char *as, size_t as_len,
	unsigned char *out)
{
	const ik_arc_slot *s;
	size_t len;
	const char *raw;
	char *stripped;
	unsigned i;
	inkan_status st;

	if ((st = ik_digest_reset(d)) != INKAN_OK)
		return st;
	/* 5.1.1: increasing instance order, AAR AMS AS within a set */
	for (i = from; i < upto; i++) {
		s = &c->slot[i - 1];
		if ((st = hash_field(d, s->aar)) != INKAN_OK ||
		    (st = hash_field(d, s->ams)) != INKAN_OK ||
		    (st = hash_field(d, s->as)) != INKAN_OK)
			return st;
	}
	if (as != NULL) {
		/* sealing: the new set, its seal not yet signed */
		if ((st = ik_canon_header(d, IK_CANON_RELAXED, aar, aar_len,
		    1)) != INKAN_OK ||
		    (st = ik_canon_header(d, IK_CANON_RELAXED, ams, ams_len,
		    1)) != INKAN_OK ||
		    (st = ik_canon_header(d, IK_CANON_RELAXED, as, as_len,
		    0)) != INKAN_OK)
			return st;
		return ik_digest_final(d, out);
	}
	s = &c->slot[upto - 1];
	if ((st = hash_field(d, s->aar)) != INKAN_OK ||
	    (st = hash_field(d, s->ams)) != INKAN_OK)
		return st;
	raw = inkan_header_raw(s->as, &len);
	if ((stripped = ik_malloc(ctx, len + 1)) == NULL)
		return INKAN_ERR_NOMEM;
	len = ik_dkim_strip_b(raw, len, stripped);
	st = ik_canon_header(d, IK_CANON_RELAXED, stripped, len, 0);
	ik_free(ctx, stripped);
	if (st == INKAN_OK)
		st = ik_digest_final(d, out);
	return st;
}
