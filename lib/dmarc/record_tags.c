/* SPDX-License-Identifier: MIT */
/*
 * record_tags.c - the meaning of each DMARC tag: RFC 9989 4.7 (adkim,
 * aspf, fo, np, p, psd, rua, ruf, sp, t) and the RFC 7489 6.3 tags that
 * RFC 9989 Appendix C.5.2 removed (pct, rf, ri).
 *
 * Tag names and the keyword values are compared case-insensitively (the
 * ABNF's quoted strings are, RFC 5234 2.3). A bad value leaves the
 * default and adds a warning (RFC 9989 4.8). A repeated tag keeps the
 * first value: the later one is a syntax error to discard.
 *
 * Under RFC 7489 the tags it does not define (np, psd, t) are ignored
 * like any unknown tag; under RFC 9989 the removed ones are parsed, so
 * the inspector can show them, and ignored by the evaluator.
 */
#include <string.h>

#include "core/ascii.h"
#include "dmarc/record_tags.h"

enum tag_id {
	T_P, T_SP, T_NP, T_PSD, T_T, T_ADKIM, T_ASPF, T_FO, T_RUA, T_RUF,
	T_PCT, T_RF, T_RI, T_V, T_COUNT
};

static const char *const tag_names[T_COUNT] = {
	"p", "sp", "np", "psd", "t", "adkim", "aspf", "fo", "rua", "ruf",
	"pct", "rf", "ri", "v"
};

static int
tag_lookup(const char *name, size_t nlen)
{
	int i;

	for (i = 0; i < T_COUNT; i++)
		if (ik_ascii_eqz(name, nlen, tag_names[i]))
			return i;
	return -1;
}

static inkan_status
bad_value(struct ik_dmarc_rec *r, int id, const char *val, size_t vlen,
	const char *dflt)
{
	return ik_dmarc_rec_warn(r, INKAN_DMARC_WARN_BAD_VALUE, tag_names[id],
		"%s=%.*s is not valid; %s", tag_names[id],
		(int)(vlen > 40 ? 40 : vlen), val, dflt);
}

/* dmarc-request = "none" / "quarantine" / "reject" */
static inkan_dmarc_policy
parse_request(const char *v, size_t len)
{
	if (ik_ascii_eqz(v, len, "none"))
		return INKAN_DMARC_POLICY_NONE;
	if (ik_ascii_eqz(v, len, "quarantine"))
		return INKAN_DMARC_POLICY_QUARANTINE;
	if (ik_ascii_eqz(v, len, "reject"))
		return INKAN_DMARC_POLICY_REJECT;
	return INKAN_DMARC_POLICY_ABSENT;
}

/* dmarc-fo: a colon-separated set of 0, 1, d, s; 0 and 1 exclusive,
 * each at most once. Returns the bits, 0 when invalid. */
static unsigned
parse_fo(const char *v, size_t len)
{
	unsigned bits = 0, bit;
	size_t i = 0;

	while (i <= len) {
		size_t j = i;
		const char *t;
		size_t tlen;

		while (j < len && v[j] != ':')
			j++;
		t = v + i;
		tlen = j - i;
		while (tlen > 0 && ik_is_wsp((unsigned char)t[0])) {
			t++;
			tlen--;
		}
		while (tlen > 0 && ik_is_wsp((unsigned char)t[tlen - 1]))
			tlen--;
		if (tlen != 1)
			return 0;
		switch (ik_to_lower((unsigned char)t[0])) {
		case '0': bit = INKAN_DMARC_FO_0; break;
		case '1': bit = INKAN_DMARC_FO_1; break;
		case 'd': bit = INKAN_DMARC_FO_D; break;
		case 's': bit = INKAN_DMARC_FO_S; break;
		default: return 0;
		}
		if (bits & bit)
			return 0;
		bits |= bit;
		i = j + 1;
	}
	if ((bits & INKAN_DMARC_FO_0) && (bits & INKAN_DMARC_FO_1))
		return 0;
	return bits;
}

/* 1*DIGIT into *out, at most @max; 0 when not a number in range */
static int
parse_uint(const char *v, size_t len, unsigned long max, unsigned long *out)
{
	unsigned long n = 0;
	size_t i;

	if (len == 0 || len > 10)
		return 0;
	for (i = 0; i < len; i++) {
		if (!ik_is_digit((unsigned char)v[i]))
			return 0;
		n = n * 10 + (unsigned long)(v[i] - '0');
	}
	if (n > max)
		return 0;
	*out = n;
	return 1;
}

/* RFC 7489 6.4 dmarc-rfmt: Keyword *(*WSP ":" Keyword); only "afrf" is
 * registered (RFC 7489 11.3) */
static int
rf_known(const char *v, size_t len)
{
	size_t i = 0;

	while (i <= len) {
		size_t j = i, s, e;

		while (j < len && v[j] != ':')
			j++;
		s = i;
		e = j;
		while (s < e && ik_is_wsp((unsigned char)v[s]))
			s++;
		while (e > s && ik_is_wsp((unsigned char)v[e - 1]))
			e--;
		if (!ik_ascii_eqz(v + s, e - s, "afrf"))
			return 0;
		i = j + 1;
	}
	return 1;
}

static inkan_status
apply_policy(struct ik_dmarc_rec *r, int id, const char *v, size_t len)
{
	inkan_dmarc_policy pol = parse_request(v, len);
	inkan_dmarc_record *p = &r->pub;

	if (pol == INKAN_DMARC_POLICY_ABSENT) {
		if (id == T_P)
			p->p_invalid = 1;
		else if (id == T_SP)
			p->sp_invalid = 1;
		else
			p->np_invalid = 1;
		return bad_value(r, id, v, len, "treated as absent");
	}
	if (id == T_P)
		p->p = pol;
	else if (id == T_SP)
		p->sp = pol;
	else
		p->np = pol;
	return INKAN_OK;
}

static inkan_status
apply_char(struct ik_dmarc_rec *r, int id, const char *v, size_t len)
{
	inkan_dmarc_record *p = &r->pub;
	int c = len == 1 ? ik_to_lower((unsigned char)v[0]) : 0;

	switch (id) {
	case T_PSD:
		if (c != 'y' && c != 'n' && c != 'u')
			return bad_value(r, id, v, len, "using psd=u");
		p->psd = (char)c;
		return INKAN_OK;
	case T_T:
		if (c != 'y' && c != 'n')
			return bad_value(r, id, v, len, "using t=n");
		p->testing = c == 'y';
		return INKAN_OK;
	default:	/* adkim, aspf: dmarc-rors */
		if (c != 'r' && c != 's')
			return bad_value(r, id, v, len, "using relaxed");
		if (id == T_ADKIM)
			p->adkim = c == 's' ? INKAN_DMARC_ALIGN_STRICT :
				INKAN_DMARC_ALIGN_RELAXED;
		else
			p->aspf = c == 's' ? INKAN_DMARC_ALIGN_STRICT :
				INKAN_DMARC_ALIGN_RELAXED;
		return INKAN_OK;
	}
}

static inkan_status
apply_legacy(struct ik_dmarc_rec *r, int id, const char *v, size_t len)
{
	inkan_dmarc_record *p = &r->pub;
	unsigned long n;

	if (id == T_PCT) {
		p->pct_present = 1;
		if (!parse_uint(v, len, 100, &n))
			return bad_value(r, id, v, len, "using pct=100");
		p->pct = (int)n;
		return INKAN_OK;
	}
	if (id == T_RI) {
		if (!parse_uint(v, len, 0xffffffffUL, &n))
			return bad_value(r, id, v, len, "using ri=86400");
		p->ri = (uint32_t)n;
		return INKAN_OK;
	}
	if ((p->rf = ik_dmarc_rec_str(r, v, len)) == NULL)
		return INKAN_ERR_NOMEM;
	if (!rf_known(v, len))
		return bad_value(r, id, v, len,
			"only \"afrf\" is a registered format");
	return INKAN_OK;
}

inkan_status
ik_dmarc_apply_tag(struct ik_dmarc_rec *r, struct ik_dmarc_seen *seen,
	const char *name, size_t nlen, const char *val, size_t vlen,
	size_t position)
{
	int id = tag_lookup(name, nlen);
	inkan_dmarc_spec spec = r->pub.spec;
	inkan_status st;
	unsigned fo;

	if (id < 0 || id == T_V)
		return ik_dmarc_rec_warn(r, INKAN_DMARC_WARN_UNKNOWN_TAG, NULL,
			id == T_V ? "ignored a second v tag" :
			"ignored unknown tag \"%.*s\"",
			(int)(nlen > 20 ? 20 : nlen), name);
	if (seen->mask & (1u << id))
		return ik_dmarc_rec_warn(r, INKAN_DMARC_WARN_DUPLICATE_TAG,
			tag_names[id], "%s appears twice; the first is used",
			tag_names[id]);
	seen->mask |= 1u << id;
	if (spec == INKAN_DMARC_SPEC_RFC7489 &&
	    (id == T_NP || id == T_PSD || id == T_T))
		return ik_dmarc_rec_warn(r, INKAN_DMARC_WARN_NOT_IN_SPEC,
			tag_names[id], "%s is not part of RFC 7489; ignored",
			tag_names[id]);
	if (spec == INKAN_DMARC_SPEC_RFC9989 &&
	    (id == T_PCT || id == T_RF || id == T_RI)) {
		st = ik_dmarc_rec_warn(r, INKAN_DMARC_WARN_REMOVED_TAG,
			tag_names[id], "%s was removed by RFC 9989 "
			"(Appendix C.5.2); ignored", tag_names[id]);
		if (st != INKAN_OK)
			return st;
	}
	switch (id) {
	case T_P:
		seen->p_position = position;
		/* fall through */
	case T_SP:
	case T_NP:
		return apply_policy(r, id, val, vlen);
	case T_PSD:
	case T_T:
	case T_ADKIM:
	case T_ASPF:
		return apply_char(r, id, val, vlen);
	case T_FO:
		if ((fo = parse_fo(val, vlen)) == 0)
			return bad_value(r, id, val, vlen, "using fo=0");
		r->pub.fo = fo;
		return INKAN_OK;
	case T_RUA:
		return ik_dmarc_parse_urilist(r, "rua", val, vlen, &r->rua,
			&r->pub.nrua);
	case T_RUF:
		return ik_dmarc_parse_urilist(r, "ruf", val, vlen, &r->ruf,
			&r->pub.nruf);
	default:
		return apply_legacy(r, id, val, vlen);
	}
}

inkan_status
ik_dmarc_tags_finish(struct ik_dmarc_rec *r, const struct ik_dmarc_seen *seen)
{
	inkan_status st = INKAN_OK;

	r->pub.rua = r->rua;
	r->pub.ruf = r->ruf;
	if (!(seen->mask & (1u << T_P)))
		st = ik_dmarc_rec_warn(r, INKAN_DMARC_WARN_NO_POLICY, "p",
			"no p tag: the record only counts if rua has a "
			"valid URI (then p=none)");
	else if (r->pub.p_invalid)
		st = ik_dmarc_rec_warn(r, INKAN_DMARC_WARN_NO_POLICY, "p",
			"p is invalid: the record only counts if rua has a "
			"valid URI (then p=none)");
	else if (r->pub.spec == INKAN_DMARC_SPEC_RFC7489 &&
	    seen->p_position != 1)
		/* RFC 7489 6.3: "v" and "p" MUST appear in that order */
		st = ik_dmarc_rec_warn(r, INKAN_DMARC_WARN_SYNTAX, "p",
			"RFC 7489 wants p right after v; accepted anyway");
	if (st != INKAN_OK)
		return st;
	if ((seen->mask & (1u << T_FO)) && !(seen->mask & (1u << T_RUF)))
		st = ik_dmarc_rec_warn(r, INKAN_DMARC_WARN_FO_WITHOUT_RUF, "fo",
			"fo is ignored without ruf (RFC 9989 4.7)");
	return st;
}
