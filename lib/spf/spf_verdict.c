/* SPDX-License-Identifier: MIT */
/*
 * spf_verdict.c - the verdict of a check: an arena for its strings, the
 * trace, the reason a check ended, and the names of results and reasons.
 *
 * Every string in a verdict passes through ik_spf_box_str(), which writes
 * bytes outside printable ASCII as \xHH: a verdict can be printed, logged
 * or put into JSON without anyone having to think about what the sender's
 * DNS records contained.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "spf_check.h"

struct ik_spf_block {
	struct ik_spf_block *next;
	size_t used, size;
	char data[];
};

void
ik_spf_scratch_init(ik_spf_scratch *s, const inkan_ctx *ctx)
{
	s->ctx = ctx;
	s->cur = s->first;
	s->left = sizeof(s->first);
	s->heap = NULL;
}

void *
ik_spf_scratch_alloc(void *scratch, size_t n)
{
	void *p = ik_spf_scratch_raw(scratch, n);

	if (p != NULL)
		memset(p, 0, n);
	return p;
}

void *
ik_spf_scratch_raw(ik_spf_scratch *s, size_t n)
{
	size_t need = (n + 15) & ~(size_t)15;
	char *p;

	if (need < n)
		return NULL;
	if (need > s->left) {
		size_t size = need > 8192 ? need : 8192;
		struct ik_spf_block *b;

		if (size > SIZE_MAX - sizeof(*b) - 16)
			return NULL;
		b = ik_malloc(s->ctx, sizeof(*b) + size + 16);
		if (b == NULL)
			return NULL;
		b->next = s->heap;
		s->heap = b;
		s->cur = b->data + ((16 - ((uintptr_t)b->data & 15)) & 15);
		s->left = size;
	}
	p = s->cur;
	s->cur += need;
	s->left -= need;
	return p;
}

void
ik_spf_scratch_free(ik_spf_scratch *s)
{
	struct ik_spf_block *b, *next;

	for (b = s->heap; b != NULL; b = next) {
		next = b->next;
		ik_free(s->ctx, b);
	}
	s->heap = NULL;
}

/* the box and its first arena block come in one allocation: a verdict
 * usually needs a few hundred bytes of strings */
#define BOX_FIRST_BLOCK 1024

ik_spf_box *
ik_spf_box_new(const inkan_ctx *ctx)
{
	ik_spf_box *box = ik_malloc(ctx, sizeof(*box) +
		sizeof(struct ik_spf_block) + BOX_FIRST_BLOCK);
	struct ik_spf_block *b;

	if (box == NULL)
		return NULL;
	memset(box, 0, sizeof(*box));
	box->ctx = ctx;
	b = (struct ik_spf_block *)(void *)(box + 1);
	b->next = NULL;
	b->used = 0;
	b->size = BOX_FIRST_BLOCK;
	box->blocks = b;
	box->inline_block = b;
	return box;
}

void
ik_spf_box_free(ik_spf_box *box)
{
	struct ik_spf_block *b, *next;

	if (box == NULL)
		return;
	for (b = box->blocks; b != NULL; b = next) {
		next = b->next;
		if (b != box->inline_block)
			ik_free(box->ctx, b);
	}
	ik_free(box->ctx, box->trace);
	ik_free(box->ctx, box);
}

static int
printable(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && c != '\\';
}

size_t
ik_spf_sanitised_pos(const char *s, size_t len, size_t pos)
{
	size_t i, out = 0;

	for (i = 0; i < len && i < pos; i++)
		out += printable((unsigned char)s[i]) ? 1 :
		    (s[i] == '\\' ? 2 : 4);
	return out;
}

static char *
arena_alloc(ik_spf_box *box, size_t n)
{
	struct ik_spf_block *b = box->blocks;

	if (b == NULL || b->size - b->used < n) {
		size_t size = n > 4000 ? n : 4000;

		b = ik_malloc(box->ctx, sizeof(*b) + size);
		if (b == NULL)
			return NULL;
		b->size = size;
		b->used = 0;
		b->next = box->blocks;
		box->blocks = b;
	}
	b->used += n;
	return b->data + b->used - n;
}

const char *
ik_spf_box_str(ik_spf_box *box, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, n = ik_spf_sanitised_pos(s, len, len);
	char *out, *p;

	if (n > SIZE_MAX - 1)
		return NULL;
	out = arena_alloc(box, n + 1);
	if (out == NULL)
		return NULL;
	if (n == len) {
		/* nothing to escape: the common case */
		memcpy(out, s, len);
		out[len] = '\0';
		return out;
	}
	for (i = 0, p = out; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (printable(c)) {
			*p++ = (char)c;
		} else if (c == '\\') {
			*p++ = '\\';
			*p++ = '\\';
		} else {
			*p++ = '\\';
			*p++ = 'x';
			*p++ = hex[c >> 4];
			*p++ = hex[c & 15];
		}
	}
	*p = '\0';
	return out;
}

static const char *
box_strz(ik_spf_check *c, const char *s)
{
	const char *r;

	if (s == NULL)
		return NULL;
	r = ik_spf_box_str(c->box, s, strlen(s));
	if (r == NULL)
		c->fatal = INKAN_ERR_NOMEM;
	return r;
}

void
ik_spf_set_reason(ik_spf_check *c, inkan_spf_reason reason,
	const char *domain, const char *problem, int force)
{
	inkan_spf_verdict *v = &c->box->pub;

	if (c->have_reason && !force)
		return;
	c->have_reason = 1;
	c->reason = reason;
	v->reason = reason;
	v->error_domain = box_strz(c, domain);
	v->problem = box_strz(c, problem);
}

void
ik_spf_set_limit(ik_spf_check *c, inkan_limit which, const char *problem)
{
	if (c->have_reason)
		return;
	ik_spf_set_reason(c, INKAN_SPF_REASON_LIMIT, NULL, problem, 0);
	c->box->pub.limit = which;
}

void
ik_spf_set_dns_error(ik_spf_check *c, const char *name, uint16_t type)
{
	char problem[128];
	const char *tn = inkan_dns_type_name(type);

	if (c->have_reason)
		return;
	snprintf(problem, sizeof(problem), "DNS lookup of %s failed "
		"(SERVFAIL, timeout or similar)", tn != NULL ? tn : "?");
	ik_spf_set_reason(c, INKAN_SPF_REASON_DNS_ERROR, name, problem, 0);
	c->box->pub.error_qtype = type;
}

void
ik_spf_set_syntax(ik_spf_check *c, const char *domain,
	const ik_spf_record *rec)
{
	inkan_spf_verdict *v = &c->box->pub;

	if (c->have_reason)
		return;
	ik_spf_set_reason(c, INKAN_SPF_REASON_SYNTAX, domain, rec->err_msg, 0);
	v->error_record = ik_spf_box_str(c->box, rec->text, rec->len);
	if (v->error_record == NULL)
		c->fatal = INKAN_ERR_NOMEM;
	v->error_pos = ik_spf_sanitised_pos(rec->text, rec->len,
		rec->err_pos);
}

void
ik_spf_trace(ik_spf_check *c, inkan_spf_step step, unsigned depth,
	const char *domain, const char *term, size_t term_len,
	const char *target, const char *note)
{
	ik_spf_box *box = c->box;
	inkan_spf_trace *t;

	if (!c->trace)
		return;
	if (box->pub.ntrace == IK_SPF_MAX_TRACE) {
		box->pub.trace_truncated = 1;
		return;
	}
	if (box->pub.ntrace == box->trace_cap) {
		size_t ncap = box->trace_cap ? box->trace_cap * 2 : 16;
		inkan_spf_trace *nt = ik_reallocarray(c->ctx, box->trace, ncap,
			sizeof(*nt));

		if (nt == NULL) {
			c->fatal = INKAN_ERR_NOMEM;
			return;
		}
		box->trace = nt;
		box->trace_cap = ncap;
		box->pub.trace = nt;
	}
	t = &box->trace[box->pub.ntrace++];
	memset(t, 0, sizeof(*t));
	t->step = step;
	t->depth = depth;
	t->domain = box_strz(c, domain);
	t->term = term != NULL ? ik_spf_box_str(box, term, term_len) : NULL;
	if (term != NULL && t->term == NULL)
		c->fatal = INKAN_ERR_NOMEM;
	t->target = box_strz(c, target);
	t->note = box_strz(c, note);
	t->dns_terms = c->dns_terms;
	t->void_lookups = c->void_lookups;
}

INKAN_API void
inkan_spf_verdict_free(inkan_spf_verdict *v)
{
	/* the public struct is the first member of the box */
	ik_spf_box_free((ik_spf_box *)(void *)v);
}

INKAN_API const char *
inkan_spf_result_name(inkan_spf_result r)
{
	static const char *const names[] = { "none", "neutral", "pass",
		"fail", "softfail", "temperror", "permerror" };

	return (unsigned)r < sizeof(names) / sizeof(names[0]) ?
	    names[r] : "?";
}

INKAN_API const char *
inkan_spf_reason_name(inkan_spf_reason r)
{
	static const char *const names[] = { "match", "default",
		"invalid-domain", "nxdomain", "no-record", "multiple-records",
		"syntax", "limit", "dns-error", "include-none",
		"redirect-none" };

	return (unsigned)r < sizeof(names) / sizeof(names[0]) ?
	    names[r] : "?";
}

INKAN_API const char *
inkan_spf_step_name(inkan_spf_step s)
{
	static const char *const names[] = { "record", "match", "no-match",
		"error", "redirect", "explanation" };

	return (unsigned)s < sizeof(names) / sizeof(names[0]) ?
	    names[s] : "?";
}
