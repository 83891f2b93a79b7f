/* SPDX-License-Identifier: MIT */
/*
 * zone_parse.c - RFC 1035 5 master files: entries, directives, RRs.
 *
 * Handled: $ORIGIN, $TTL (RFC 2308 4), $INCLUDE (relative to the including
 * file, bounded depth), "@", relative names, an omitted owner (the
 * previous one), an omitted TTL or class, "( ... )" across lines, ";"
 * comments, quoted strings with "\X" / "\DDD" escapes. Test directives:
 * $FAULT NAME [TYPE] timeout|servfail|refused and $LATENCY MS.
 *
 * The text is untrusted-ish (a user's zone, or the fuzzer): lines, tokens,
 * RRs and include depth are bounded, and nothing is read past the end.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/ascii.h"
#include "zone_internal.h"

/* tokens in one entry: a 64 KiB TXT RDATA of empty strings, plus slack */
#define MAX_TOKENS 70000

struct lexer {
	const char *s;
	size_t len, pos, line, line_start;
	ik_ztok *tok;
	size_t ntok, cap;
	int leading_ws;		/* the entry's line starts with blanks */
};

struct pstate {
	ik_zone *z;
	const ik_zone_src *src;
	uint8_t origin[IK_DNAME_MAX];
	uint8_t owner[IK_DNAME_MAX];
	int have_owner;
	int64_t default_ttl;	/* $TTL, -1 when unset */
	int64_t last_ttl;	/* last explicit TTL, -1 when none */
	uint8_t *rdata;		/* 65535-byte scratch */
	char *err;
	size_t errlen;
};

static inkan_status
fail(struct pstate *ps, size_t line, inkan_status st, const char *why)
{
	if (ps->err != NULL && ps->errlen > 0 && ps->err[0] == '\0')
		snprintf(ps->err, ps->errlen, "%s:%zu: %s", ps->src->label,
			line, why);
	return st;
}

static int
push_tok(struct lexer *lx, const inkan_ctx *ctx, const char *p, size_t len,
	int quoted)
{
	if (lx->ntok == MAX_TOKENS)
		return -1;
	if (lx->ntok == lx->cap) {
		size_t ncap = lx->cap ? lx->cap * 2 : 32;
		ik_ztok *t = ik_reallocarray(ctx, lx->tok, ncap, sizeof(*t));
		if (t == NULL)
			return -2;
		lx->tok = t;
		lx->cap = ncap;
	}
	if (lx->ntok == 0)
		lx->leading_ws = p != lx->s + lx->line_start;
	lx->tok[lx->ntok].p = p;
	lx->tok[lx->ntok].len = len;
	lx->tok[lx->ntok].quoted = quoted;
	lx->tok[lx->ntok].line = lx->line;
	lx->ntok++;
	return 0;
}

static int
is_delim(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ';' ||
		c == '(' || c == ')' || c == '"';
}

/* Read the next entry into lx->tok: 1 got one, 0 end of text, <0 error
 * with *why set (-2: out of memory). */
static int
next_entry(struct lexer *lx, const inkan_ctx *ctx, const char **why)
{
	int depth = 0, r;
	size_t start;

	lx->ntok = 0;
	while (lx->pos < lx->len) {
		char c = lx->s[lx->pos];

		if (lx->pos - lx->line_start > IK_ZONE_LINE_MAX) {
			*why = "line too long";
			return -1;
		}
		if (c == '\n') {
			lx->pos++;
			lx->line++;
			lx->line_start = lx->pos;
			if (depth == 0 && lx->ntok > 0)
				return 1;
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\r') {
			lx->pos++;
			continue;
		}
		if (c == ';') {
			while (lx->pos < lx->len && lx->s[lx->pos] != '\n')
				lx->pos++;
			continue;
		}
		if (c == '(' || c == ')') {
			if (c == '(' ? depth != 0 : depth != 1) {
				*why = c == '(' ? "nested parenthesis" :
					"unbalanced parenthesis";
				return -1;
			}
			depth += c == '(' ? 1 : -1;
			lx->pos++;
			continue;
		}
		if (c == '"') {
			start = ++lx->pos;
			while (lx->pos < lx->len && lx->s[lx->pos] != '"' &&
			    lx->s[lx->pos] != '\n') {
				if (lx->s[lx->pos] == '\\' &&
				    lx->pos + 1 < lx->len &&
				    lx->s[lx->pos + 1] != '\n')
					lx->pos++;
				lx->pos++;
			}
			if (lx->pos >= lx->len || lx->s[lx->pos] != '"') {
				*why = "unterminated quoted string";
				return -1;
			}
			r = push_tok(lx, ctx, lx->s + start, lx->pos - start,
				1);
			lx->pos++;
		} else {
			start = lx->pos;
			while (lx->pos < lx->len && !is_delim(lx->s[lx->pos])) {
				if (lx->s[lx->pos] == '\\' &&
				    lx->pos + 1 < lx->len &&
				    lx->s[lx->pos + 1] != '\n')
					lx->pos++;
				lx->pos++;
			}
			r = push_tok(lx, ctx, lx->s + start, lx->pos - start,
				0);
		}
		if (r == -2)
			return -2;
		if (r < 0) {
			*why = "too many fields in one record";
			return -1;
		}
	}
	if (depth != 0) {
		*why = "unbalanced parenthesis at end of file";
		return -1;
	}
	return lx->ntok > 0;
}

static int
tok_is(const ik_ztok *t, const char *word)
{
	return !t->quoted && ik_ascii_eqz(t->p, t->len, word);
}

static inkan_status
parse_name(struct pstate *ps, const ik_ztok *t, uint8_t *out)
{
	uint8_t tmp[IK_DNAME_MAX];	/* @out may be ps->origin itself */
	size_t wlen;

	if (t->quoted)
		return fail(ps, t->line, INKAN_ERR_SYNTAX, "bad domain name");
	if (t->len == 1 && t->p[0] == '@') {
		memmove(out, ps->origin, ik_dname_len(ps->origin));
		return INKAN_OK;
	}
	if (ik_dname_from_text(t->p, t->len, ps->origin, tmp, &wlen) !=
	    INKAN_OK)
		return fail(ps, t->line, INKAN_ERR_SYNTAX, "bad domain name");
	memcpy(out, tmp, wlen);
	return INKAN_OK;
}

static inkan_status
dir_include(struct pstate *ps, const ik_ztok *tok, size_t ntok)
{
	uint8_t origin[IK_DNAME_MAX];
	ik_buf path;
	inkan_status st;

	if (!ps->src->allow_include)
		return fail(ps, tok[0].line, INKAN_ERR_SYNTAX,
			"$INCLUDE not allowed here");
	if (ntok < 2 || ntok > 3)
		return fail(ps, tok[0].line, INKAN_ERR_SYNTAX,
			"$INCLUDE needs FILE [ORIGIN]");
	if (ps->src->depth + 1 > IK_ZONE_INCLUDE_DEPTH)
		return fail(ps, tok[0].line, INKAN_ERR_LIMIT,
			"$INCLUDE nested too deep");
	memcpy(origin, ps->origin, ik_dname_len(ps->origin));
	if (ntok == 3 && (st = parse_name(ps, &tok[2], origin)) != INKAN_OK)
		return st;
	ik_buf_init(&path, ps->z->ctx, 4096);
	st = INKAN_OK;
	/* relative paths are relative to the including file */
	if (tok[1].p[0] != '/' && ps->src->dir != NULL) {
		st = ik_buf_puts(&path, ps->src->dir);
		if (st == INKAN_OK)
			st = ik_buf_putc(&path, '/');
	}
	if (st == INKAN_OK)
		st = ik_buf_append(&path, tok[1].p, tok[1].len);
	if (st == INKAN_OK && memchr(tok[1].p, '\0', tok[1].len) != NULL)
		st = INKAN_ERR_SYNTAX;
	if (st != INKAN_OK) {
		ik_buf_free(&path);
		return fail(ps, tok[0].line, st, "bad $INCLUDE path");
	}
	st = ik_zone_parse_file(ps->z, ik_buf_str(&path), origin,
		ps->src->depth + 1, ps->err, ps->errlen);
	ik_buf_free(&path);
	if (st != INKAN_OK)
		return fail(ps, tok[0].line, st, "in $INCLUDE");
	return INKAN_OK;
}

static inkan_status
dir_fault(struct pstate *ps, const ik_ztok *tok, size_t ntok)
{
	uint8_t name[IK_DNAME_MAX];
	uint16_t type = 0;
	enum ik_zone_fault kind;
	const ik_ztok *k = &tok[ntok - 1];
	inkan_status st;

	if (ntok < 3 || ntok > 4)
		return fail(ps, tok[0].line, INKAN_ERR_SYNTAX,
			"$FAULT needs NAME [TYPE] timeout|servfail|refused");
	if (tok_is(k, "timeout"))
		kind = IK_FAULT_TIMEOUT;
	else if (tok_is(k, "servfail"))
		kind = IK_FAULT_SERVFAIL;
	else if (tok_is(k, "refused"))
		kind = IK_FAULT_REFUSED;
	else
		return fail(ps, k->line, INKAN_ERR_SYNTAX,
			"$FAULT kind must be timeout, servfail or refused");
	if ((st = parse_name(ps, &tok[1], name)) != INKAN_OK)
		return st;
	if (ntok == 4) {
		char tname[16];
		if (tok[2].len >= sizeof(tname) || tok[2].quoted)
			return fail(ps, tok[2].line, INKAN_ERR_SYNTAX,
				"unknown record type");
		memcpy(tname, tok[2].p, tok[2].len);
		tname[tok[2].len] = '\0';
		type = inkan_dns_type_from_name(tname);
		if (type == 0)
			return fail(ps, tok[2].line, INKAN_ERR_SYNTAX,
				"unknown record type");
	}
	st = ik_zone_add_fault(ps->z, name, type, kind);
	return st == INKAN_OK ? st : fail(ps, tok[0].line, st, "$FAULT");
}

static inkan_status
directive(struct pstate *ps, const ik_ztok *tok, size_t ntok)
{
	const ik_ztok *d = &tok[0];
	int64_t v;

	if (tok_is(d, "$ORIGIN")) {
		if (ntok != 2)
			return fail(ps, d->line, INKAN_ERR_SYNTAX,
				"$ORIGIN needs one name");
		return parse_name(ps, &tok[1], ps->origin);
	}
	if (tok_is(d, "$TTL")) {
		v = ntok == 2 && !tok[1].quoted ?
			ik_zone_ttl(tok[1].p, tok[1].len) : -1;
		if (v < 0)
			return fail(ps, d->line, INKAN_ERR_SYNTAX,
				"$TTL needs one TTL value");
		ps->default_ttl = v;
		return INKAN_OK;
	}
	if (tok_is(d, "$INCLUDE"))
		return dir_include(ps, tok, ntok);
	if (tok_is(d, "$FAULT"))
		return dir_fault(ps, tok, ntok);
	if (tok_is(d, "$LATENCY")) {
		v = ntok == 2 && !tok[1].quoted &&
			ik_is_digit((unsigned char)tok[1].p[0]) ?
			ik_zone_ttl(tok[1].p, tok[1].len) : -1;
		if (v < 0 || v > 600000)
			return fail(ps, d->line, INKAN_ERR_SYNTAX,
				"$LATENCY needs milliseconds (<= 600000)");
		ps->z->latency_ms = (uint32_t)v;
		return INKAN_OK;
	}
	return fail(ps, d->line, INKAN_ERR_SYNTAX, "unknown directive");
}

static inkan_status
record(struct pstate *ps, const ik_ztok *tok, size_t ntok, int leading_ws)
{
	size_t i = 0, rdlen;
	int64_t ttl = -1;
	int have_class = 0;
	uint16_t type = 0;
	char tname[16];
	const char *why = "bad record";
	inkan_status st;

	/* RFC 1035 5.1: a blank owner means the previous owner */
	if (!leading_ws) {
		if ((st = parse_name(ps, &tok[0], ps->owner)) != INKAN_OK)
			return st;
		ps->have_owner = 1;
		i = 1;
	} else if (!ps->have_owner) {
		return fail(ps, tok[0].line, INKAN_ERR_SYNTAX,
			"record without an owner name");
	}
	/* [TTL] [class] in either order, then the type */
	for (; i < ntok; i++) {
		if (tok_is(&tok[i], "IN") && !have_class) {
			have_class = 1;
		} else if (!tok[i].quoted && ttl < 0 &&
		    ik_is_digit((unsigned char)tok[i].p[0])) {
			ttl = ik_zone_ttl(tok[i].p, tok[i].len);
			if (ttl < 0)
				return fail(ps, tok[i].line, INKAN_ERR_SYNTAX,
					"bad TTL");
		} else if (tok_is(&tok[i], "CH") || tok_is(&tok[i], "HS") ||
		    tok_is(&tok[i], "CS")) {
			return fail(ps, tok[i].line, INKAN_ERR_UNSUPPORTED,
				"only class IN is supported");
		} else {
			break;
		}
	}
	if (i < ntok && !tok[i].quoted && tok[i].len < sizeof(tname)) {
		memcpy(tname, tok[i].p, tok[i].len);
		tname[tok[i].len] = '\0';
		type = inkan_dns_type_from_name(tname);
	}
	if (type == 0)
		return fail(ps, i < ntok ? tok[i].line : tok[0].line,
			INKAN_ERR_SYNTAX, i < ntok ? "unknown record type" :
			"record without a type");
	st = ik_zone_rdata(type, tok + i + 1, ntok - i - 1, ps->origin,
		ps->rdata, &rdlen, &why);
	if (st != INKAN_OK)
		return fail(ps, tok[i].line, st, why);
	/* RFC 2308 4: $TTL, else the last explicit TTL */
	if (ttl >= 0)
		ps->last_ttl = ttl;
	else if (ps->default_ttl >= 0)
		ttl = ps->default_ttl;
	else if (ps->last_ttl >= 0)
		ttl = ps->last_ttl;
	else
		ttl = IK_ZONE_DEFAULT_TTL;
	st = ik_zone_add_rr(ps->z, ps->owner, type, (uint32_t)ttl, ps->rdata,
		rdlen, &why);
	if (st != INKAN_OK)
		return fail(ps, tok[0].line, st, why ? why : "cannot add");
	return INKAN_OK;
}

inkan_status
ik_zone_parse(ik_zone *z, const ik_zone_src *src, const uint8_t *origin,
	char *err, size_t errlen)
{
	struct lexer lx;
	struct pstate ps;
	const char *why = NULL;
	inkan_status st = INKAN_OK;
	int r;

	memset(&lx, 0, sizeof(lx));
	lx.s = src->text;
	lx.len = src->len;
	lx.line = 1;
	memset(&ps, 0, sizeof(ps));
	ps.z = z;
	ps.src = src;
	ps.err = err;
	ps.errlen = errlen;
	ps.default_ttl = -1;
	ps.last_ttl = -1;
	memcpy(ps.origin, origin, ik_dname_len(origin));
	ps.rdata = ik_malloc(z->ctx, 65536);
	if (ps.rdata == NULL)
		return INKAN_ERR_NOMEM;
	while (st == INKAN_OK) {
		r = next_entry(&lx, z->ctx, &why);
		if (r == 0)
			break;
		if (r == -2) {
			st = INKAN_ERR_NOMEM;
		} else if (r < 0) {
			st = fail(&ps, lx.line, INKAN_ERR_SYNTAX, why);
		} else if (!lx.leading_ws && !lx.tok[0].quoted &&
		    lx.tok[0].len > 0 && lx.tok[0].p[0] == '$') {
			st = directive(&ps, lx.tok, lx.ntok);
		} else {
			st = record(&ps, lx.tok, lx.ntok, lx.leading_ws);
		}
	}
	ik_free(z->ctx, lx.tok);
	ik_free(z->ctx, ps.rdata);
	return st;
}

inkan_status
ik_zone_parse_file(ik_zone *z, const char *path, const uint8_t *origin,
	int depth, char *err, size_t errlen)
{
	FILE *f;
	ik_buf text, dir;
	char chunk[8192];
	size_t n;
	const char *slash;
	ik_zone_src src;
	inkan_status st = INKAN_OK;

	f = fopen(path, "rb");
	if (f == NULL) {
		if (err != NULL && errlen > 0 && err[0] == '\0')
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return INKAN_ERR_IO;
	}
	ik_buf_init(&text, z->ctx, IK_ZONE_FILE_MAX);
	while (st == INKAN_OK && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		st = ik_buf_append(&text, chunk, n);
	if (st == INKAN_OK && ferror(f))
		st = INKAN_ERR_IO;
	fclose(f);
	if (st != INKAN_OK) {
		if (err != NULL && errlen > 0 && err[0] == '\0')
			snprintf(err, errlen, "%s: %s", path,
				st == INKAN_ERR_LIMIT ? "file too large" :
				inkan_strerror(st));
		ik_buf_free(&text);
		return st;
	}
	ik_buf_init(&dir, z->ctx, 4096);
	slash = strrchr(path, '/');
	st = slash ? ik_buf_append(&dir, path, (size_t)(slash - path) +
		(slash == path)) : ik_buf_puts(&dir, ".");
	memset(&src, 0, sizeof(src));
	src.text = ik_buf_str(&text);
	src.len = text.len;
	src.label = path;
	src.dir = ik_buf_str(&dir);
	src.allow_include = 1;
	src.depth = depth;
	if (st == INKAN_OK)
		st = ik_zone_parse(z, &src, origin, err, errlen);
	ik_buf_free(&dir);
	ik_buf_free(&text);
	return st;
}
