/* SPDX-License-Identifier: MIT */
/*
 * address.c - RFC 5322 address-list parser (inkan/address.h).
 *
 * Grammar: RFC 5322 3.4 (address-list, mailbox, name-addr, angle-addr,
 * group, addr-spec), 3.4.1 (local-part, domain), 3.2.5 (phrase), and the
 * obsolete forms of 4.4 (obs-addr-list and obs-group-list null members,
 * obs-route, obs-local-part, obs-domain, obs-phrase); CFWS comes from the
 * lexer (address_lex.c). RFC 6854 allows group syntax in From.
 *
 * A mailbox, a group name or a local part starts with a run of words and
 * dots whose meaning depends on what follows it ("@", "<" or ":"). The
 * run is scanned once to find that out and read again to build the
 * string, so each token is lexed at most twice: linear time.
 *
 * All strings of a list live in one pool buffer; records keep offsets
 * while it grows and become pointers at the end.
 */
#include <string.h>

#include "core/alloc.h"
#include "core/ctx_internal.h"
#include "msg/address_internal.h"
#include "msg/address_lex.h"
#include "msg/encoded_word.h"

#define NOSTR ((size_t)-1)

struct rec {
	size_t display, local, domain, ascii, group;
	int literal;
};

struct inkan_address_list {
	inkan_ctx *ctx;
	inkan_address *addrs;
	size_t n;
	char *pool;
};

struct parser {
	inkan_ctx *ctx;
	ik_alex lx;
	ik_buf pool;
	ik_buf scratch;		/* one decoded encoded-word */
	struct rec *recs;
	size_t n, cap, max;
	size_t group;		/* offset of the open group's name */
};

/* What a run of words and dots can be. */
struct run {
	size_t words;
	int phrase;	/* RFC 5322 3.2.5 phrase / obs-phrase */
	int local;	/* 3.4.1 dot-atom / quoted-string / obs-local-part */
};

static inkan_status
next_is(struct parser *p, char c)
{
	ik_atoken t;
	inkan_status st = ik_alex_next(&p->lx, &t);

	if (st != INKAN_OK)
		return st;
	return ik_atok_is(&t, c) ? INKAN_OK : INKAN_ERR_SYNTAX;
}

static int
is_word(const ik_atoken *t)
{
	return t->type == IK_ATOK_ATOM || t->type == IK_ATOK_QSTRING;
}

/* Scan (and consume) a run of words and dots; @after gets the token that
 * ended it, not consumed. */
static inkan_status
scan_run(struct parser *p, struct run *r, ik_atoken *after)
{
	ik_atoken t;
	inkan_status st;
	int prev_dot = 0, first = 1;

	memset(r, 0, sizeof(*r));
	r->phrase = 1;
	r->local = 1;
	for (;;) {
		if ((st = ik_alex_peek(&p->lx, &t)) != INKAN_OK)
			return st;
		if (is_word(&t)) {
			/* words must be separated by dots in a local part */
			if (!first && !prev_dot)
				r->local = 0;
			r->words++;
			prev_dot = 0;
		} else if (ik_atok_is(&t, '.')) {
			/* a phrase starts with a word; a local part has no
			 * leading, trailing or doubled dot */
			if (first)
				r->phrase = 0;
			if (first || prev_dot)
				r->local = 0;
			prev_dot = 1;
		} else {
			break;
		}
		first = 0;
		(void)ik_alex_next(&p->lx, &t);
	}
	if (prev_dot || r->words == 0)
		r->local = 0;
	if (r->words == 0)
		r->phrase = 0;
	*after = t;
	return INKAN_OK;
}

static inkan_status
end_string(struct parser *p)
{
	return ik_buf_putc(&p->pool, '\0');
}

/* Append the text of a word: atom as written, quoted-string unquoted */
static inkan_status
put_word(struct parser *p, const ik_atoken *t)
{
	if (t->type == IK_ATOK_QSTRING)
		return ik_alex_unquote(&p->lx, t, &p->pool);
	return ik_buf_append(&p->pool, p->lx.s + t->start, t->end - t->start);
}

/*
 * A domain-literal as written, unfolded: RFC 5322 3.4.1 allows FWS inside
 * the brackets, and the lexer accepts CR and LF there only as part of FWS
 * (CRLF WSP), so dropping them is exactly unfolding (2.2.3). Without this
 * a folded literal would hand a CRLF to callers.
 */
static inkan_status
put_literal(struct parser *p, const ik_atoken *t)
{
	size_t i;
	inkan_status st = INKAN_OK;

	for (i = t->start; i < t->end && st == INKAN_OK; i++)
		if (p->lx.s[i] != '\r' && p->lx.s[i] != '\n')
			st = ik_buf_putc(&p->pool, p->lx.s[i]);
	return st;
}

/*
 * Build a display name from a run already checked to be a phrase: words
 * and dots with one space where the input had CFWS, encoded-words
 * decoded, and the space between two encoded-words dropped (RFC 2047
 * 6.2).
 */
static inkan_status
build_phrase(struct parser *p, size_t *off)
{
	ik_atoken t;
	inkan_status st;
	int first = 1, ew, prev_ew = 0;

	*off = p->pool.len;
	for (;;) {
		if ((st = ik_alex_peek(&p->lx, &t)) != INKAN_OK)
			return st;
		if (!is_word(&t) && !ik_atok_is(&t, '.'))
			break;
		(void)ik_alex_next(&p->lx, &t);
		ew = 0;
		if (t.type == IK_ATOK_ATOM) {
			ik_buf_reset(&p->scratch);
			st = ik_ew_decode(p->lx.s + t.start, t.end - t.start,
				&p->scratch, &ew);
			if (st != INKAN_OK)
				return st;
		}
		if (!first && t.ws_before && !(ew && prev_ew) &&
		    (st = ik_buf_putc(&p->pool, ' ')) != INKAN_OK)
			return st;
		if (ew)
			st = ik_buf_append(&p->pool, p->scratch.data,
				p->scratch.len);
		else if (t.type == IK_ATOK_SPECIAL)
			st = ik_buf_putc(&p->pool, '.');
		else
			st = put_word(p, &t);
		if (st != INKAN_OK)
			return st;
		prev_ew = ew;
		first = 0;
	}
	return end_string(p);
}

/* Build a local part from a run checked to be one: words joined by "." */
static inkan_status
build_local(struct parser *p, size_t *off)
{
	ik_atoken t;
	inkan_status st;

	*off = p->pool.len;
	for (;;) {
		if ((st = ik_alex_peek(&p->lx, &t)) != INKAN_OK)
			return st;
		if (!is_word(&t) && !ik_atok_is(&t, '.'))
			break;
		(void)ik_alex_next(&p->lx, &t);
		st = is_word(&t) ? put_word(p, &t) : ik_buf_putc(&p->pool, '.');
		if (st != INKAN_OK)
			return st;
	}
	return end_string(p);
}

/*
 * RFC 5322 3.4.1 domain = dot-atom / domain-literal / obs-domain. One
 * trailing dot is accepted (see inkan/address.h). The domain is stored
 * as written, then its DNS form (address_domain.c) unless a literal.
 */
static inkan_status
parse_domain(struct parser *p, struct rec *r)
{
	ik_atoken t;
	inkan_status st;
	size_t dlen;
	char *copy;
	int ok;

	if ((st = ik_alex_next(&p->lx, &t)) != INKAN_OK)
		return st;
	r->domain = p->pool.len;
	if (t.type == IK_ATOK_DLIT) {
		r->literal = 1;
		if ((st = put_literal(p, &t)) != INKAN_OK)
			return st;
		return end_string(p);
	}
	if (t.type != IK_ATOK_ATOM)
		return INKAN_ERR_SYNTAX;
	if ((st = put_word(p, &t)) != INKAN_OK)
		return st;
	for (;;) {
		if ((st = ik_alex_peek(&p->lx, &t)) != INKAN_OK)
			return st;
		if (!ik_atok_is(&t, '.'))
			break;
		(void)ik_alex_next(&p->lx, &t);
		if ((st = ik_buf_putc(&p->pool, '.')) != INKAN_OK)
			return st;
		if ((st = ik_alex_peek(&p->lx, &t)) != INKAN_OK)
			return st;
		if (t.type != IK_ATOK_ATOM)
			break;	/* the trailing dot */
		(void)ik_alex_next(&p->lx, &t);
		if ((st = put_word(p, &t)) != INKAN_OK)
			return st;
	}
	dlen = p->pool.len - r->domain;
	if ((st = end_string(p)) != INKAN_OK)
		return st;
	/* a copy: the pool may move while the DNS form is appended */
	if ((copy = ik_strndup(p->ctx, p->pool.data + r->domain, dlen)) == NULL)
		return INKAN_ERR_NOMEM;
	r->ascii = p->pool.len;
	st = ik_addr_domain_ascii(p->ctx, copy, dlen, &p->pool, &ok);
	ik_free(p->ctx, copy);
	if (st != INKAN_OK)
		return st;
	if (!ok) {
		r->ascii = NOSTR;
		return INKAN_OK;
	}
	return end_string(p);
}

/* RFC 5322 3.4.1 addr-spec = local-part "@" domain */
static inkan_status
parse_addr_spec(struct parser *p, struct rec *r)
{
	size_t mark = ik_alex_mark(&p->lx);
	struct run run;
	ik_atoken t;
	inkan_status st;

	if ((st = scan_run(p, &run, &t)) != INKAN_OK)
		return st;
	if (!run.local || !ik_atok_is(&t, '@'))
		return INKAN_ERR_SYNTAX;
	ik_alex_rewind(&p->lx, mark);
	if ((st = build_local(p, &r->local)) != INKAN_OK)
		return st;
	if ((st = next_is(p, '@')) != INKAN_OK)
		return st;
	return parse_domain(p, r);
}

/* RFC 5322 4.4 obs-route = obs-domain-list ":"; its domains are dropped
 * (4.4: "ignored") but must still be well-formed */
static inkan_status
skip_route(struct parser *p, struct rec *r)
{
	size_t keep = p->pool.len;
	ik_atoken t;
	inkan_status st;
	int need_domain = 1;

	/* obs-domain-list = *(CFWS / ",") "@" domain
	 *                   *("," [CFWS] ["@" domain]) */
	for (;;) {
		if ((st = ik_alex_next(&p->lx, &t)) != INKAN_OK)
			return st;
		if (ik_atok_is(&t, ',')) {
			continue;
		} else if (ik_atok_is(&t, '@')) {
			if ((st = parse_domain(p, r)) != INKAN_OK)
				return st;
			need_domain = 0;
			/* after a domain only "," or ":" may come */
			if ((st = ik_alex_peek(&p->lx, &t)) != INKAN_OK)
				return st;
			if (!ik_atok_is(&t, ',') && !ik_atok_is(&t, ':'))
				return INKAN_ERR_SYNTAX;
		} else if (ik_atok_is(&t, ':') && !need_domain) {
			break;
		} else {
			return INKAN_ERR_SYNTAX;
		}
	}
	/* forget the route's domains */
	p->pool.len = keep;
	if (p->pool.data != NULL)
		p->pool.data[keep] = '\0';
	r->domain = r->ascii = NOSTR;
	r->literal = 0;
	return INKAN_OK;
}

/* RFC 5322 3.4 angle-addr (and obs-angle-addr), from the "<" */
static inkan_status
parse_angle(struct parser *p, struct rec *r)
{
	ik_atoken t;
	inkan_status st;

	if ((st = next_is(p, '<')) != INKAN_OK)
		return st;
	if ((st = ik_alex_peek(&p->lx, &t)) != INKAN_OK)
		return st;
	if (ik_atok_is(&t, '>')) {
		/* "<>": no address at all; kept (see inkan/address.h) so
		 * the author check can flag it rather than miss it */
		r->local = p->pool.len;
		if ((st = end_string(p)) != INKAN_OK)
			return st;
		return next_is(p, '>');
	}
	if ((ik_atok_is(&t, '@') || ik_atok_is(&t, ',')) &&
	    (st = skip_route(p, r)) != INKAN_OK)
		return st;
	if ((st = parse_addr_spec(p, r)) != INKAN_OK)
		return st;
	return next_is(p, '>');
}

static inkan_status
add_rec(struct parser *p, const struct rec *r)
{
	struct rec *n;
	size_t ncap;

	/* INKAN_LIMIT_ADDRESSES: a clear error, never a truncated list */
	if (p->n >= p->max)
		return INKAN_ERR_LIMIT;
	if (p->n == p->cap) {
		ncap = p->cap ? p->cap * 2 : 4;
		if (ncap > p->max)
			ncap = p->max;
		n = ik_reallocarray(p->ctx, p->recs, ncap, sizeof(*n));
		if (n == NULL)
			return INKAN_ERR_NOMEM;
		p->recs = n;
		p->cap = ncap;
	}
	p->recs[p->n++] = *r;
	return INKAN_OK;
}

/*
 * RFC 5322 3.4 mailbox = name-addr / addr-spec, or (when @in_group is 0)
 * group = display-name ":" [group-list] ";" [CFWS].
 */
static inkan_status parse_group(struct parser *p);

static inkan_status
parse_address(struct parser *p, int in_group)
{
	size_t mark = ik_alex_mark(&p->lx);
	struct rec r = { NOSTR, NOSTR, NOSTR, NOSTR, NOSTR, 0 };
	struct run run;
	ik_atoken t;
	inkan_status st;

	r.group = p->group;
	if ((st = scan_run(p, &run, &t)) != INKAN_OK)
		return st;
	if (ik_atok_is(&t, '@')) {
		ik_alex_rewind(&p->lx, mark);
		st = parse_addr_spec(p, &r);
	} else if (ik_atok_is(&t, '<') && (run.words == 0 || run.phrase)) {
		ik_alex_rewind(&p->lx, mark);
		if (run.words > 0 &&
		    (st = build_phrase(p, &r.display)) != INKAN_OK)
			return st;
		st = parse_angle(p, &r);
	} else if (ik_atok_is(&t, ':') && run.phrase && !in_group) {
		ik_alex_rewind(&p->lx, mark);
		return parse_group(p);
	} else {
		return INKAN_ERR_SYNTAX;
	}
	if (st != INKAN_OK)
		return st;
	return add_rec(p, &r);
}

/* group-list = mailbox-list / CFWS / obs-group-list, then ";" */
static inkan_status
parse_group(struct parser *p)
{
	ik_atoken t;
	inkan_status st;

	if ((st = build_phrase(p, &p->group)) != INKAN_OK)
		return st;
	if ((st = next_is(p, ':')) != INKAN_OK)
		return st;
	for (;;) {
		/* obs-mbox-list / obs-group-list: empty members */
		if ((st = ik_alex_peek(&p->lx, &t)) != INKAN_OK)
			return st;
		if (ik_atok_is(&t, ',')) {
			(void)ik_alex_next(&p->lx, &t);
			continue;
		}
		if (ik_atok_is(&t, ';'))
			break;
		if ((st = parse_address(p, 1)) != INKAN_OK)
			return st;
		if ((st = ik_alex_peek(&p->lx, &t)) != INKAN_OK)
			return st;
		if (!ik_atok_is(&t, ',') && !ik_atok_is(&t, ';'))
			return INKAN_ERR_SYNTAX;
	}
	p->group = NOSTR;
	return next_is(p, ';');
}

/* RFC 5322 3.4 address-list / 4.4 obs-addr-list */
static inkan_status
parse_list(struct parser *p)
{
	ik_atoken t;
	inkan_status st;
	size_t addresses = 0;

	for (;;) {
		if ((st = ik_alex_peek(&p->lx, &t)) != INKAN_OK)
			return st;
		if (ik_atok_is(&t, ',')) {
			(void)ik_alex_next(&p->lx, &t);
			continue;
		}
		if (t.type == IK_ATOK_END)
			break;
		if ((st = parse_address(p, 0)) != INKAN_OK)
			return st;
		addresses++;
		if ((st = ik_alex_peek(&p->lx, &t)) != INKAN_OK)
			return st;
		if (!ik_atok_is(&t, ',') && t.type != IK_ATOK_END)
			return INKAN_ERR_SYNTAX;
	}
	/* at least one address (a group counts, even an empty one) */
	return addresses > 0 ? INKAN_OK : INKAN_ERR_SYNTAX;
}

static const char *
str_at(const char *pool, size_t off)
{
	return off == NOSTR ? NULL : pool + off;
}

/* Turn the records into the public list; takes the pool. */
static inkan_status
finish(struct parser *p, inkan_address_list **out)
{
	inkan_address_list *l;
	inkan_status st;
	size_t i, plen;

	if ((l = ik_calloc(p->ctx, 1, sizeof(*l))) == NULL)
		return INKAN_ERR_NOMEM;
	l->ctx = p->ctx;
	if (p->n > 0 &&
	    (l->addrs = ik_calloc(p->ctx, p->n, sizeof(*l->addrs))) == NULL) {
		ik_free(p->ctx, l);
		return INKAN_ERR_NOMEM;
	}
	if ((st = ik_buf_take(&p->pool, &l->pool, &plen)) != INKAN_OK) {
		ik_free(p->ctx, l->addrs);
		ik_free(p->ctx, l);
		return st;
	}
	for (i = 0; i < p->n; i++) {
		l->addrs[i].display_name = str_at(l->pool, p->recs[i].display);
		l->addrs[i].local_part = str_at(l->pool, p->recs[i].local);
		l->addrs[i].domain = str_at(l->pool, p->recs[i].domain);
		l->addrs[i].domain_ascii = str_at(l->pool, p->recs[i].ascii);
		l->addrs[i].group = str_at(l->pool, p->recs[i].group);
		l->addrs[i].domain_literal = p->recs[i].literal;
	}
	l->n = p->n;
	*out = l;
	return INKAN_OK;
}

INKAN_API inkan_status
inkan_address_list_parse(inkan_ctx *ctx, const char *value, size_t len,
	inkan_address_list **out)
{
	struct parser p;
	inkan_status st;

	if (out != NULL)
		*out = NULL;
	if (ctx == NULL || out == NULL || (value == NULL && len > 0))
		return INKAN_ERR_INVALID;
	/* strings come from the input: decoding and IDNA grow them a few
	 * times at most, so 16 times the input bounds the pool */
	if (len > (SIZE_MAX - 4096) / 16)
		return INKAN_ERR_LIMIT;
	memset(&p, 0, sizeof(p));
	p.ctx = ctx;
	p.max = ik_limit(ctx, INKAN_LIMIT_ADDRESSES);
	p.group = NOSTR;
	ik_alex_init(&p.lx, value == NULL ? "" : value, len,
		ik_limit(ctx, INKAN_LIMIT_COMMENT_DEPTH));
	ik_buf_init(&p.pool, ctx, 16 * len + 4096);
	ik_buf_init(&p.scratch, ctx, 4 * len + 16);
	st = parse_list(&p);
	if (st == INKAN_OK)
		st = finish(&p, out);
	ik_buf_free(&p.pool);
	ik_buf_free(&p.scratch);
	ik_free(ctx, p.recs);
	return st;
}

INKAN_API size_t
inkan_address_list_count(const inkan_address_list *l)
{
	return l == NULL ? 0 : l->n;
}

INKAN_API const inkan_address *
inkan_address_list_at(const inkan_address_list *l, size_t i)
{
	if (l == NULL || i >= l->n)
		return NULL;
	return &l->addrs[i];
}

INKAN_API void
inkan_address_list_free(inkan_address_list *l)
{
	if (l == NULL)
		return;
	ik_free(l->ctx, l->addrs);
	ik_free(l->ctx, l->pool);
	ik_free(l->ctx, l);
}
