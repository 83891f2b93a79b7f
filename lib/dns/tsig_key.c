/* SPDX-License-Identifier: MIT */
/*
 * tsig_key.c - TSIG keys in the form `nsupdate -k` reads (what BIND's
 * tsig-keygen and ddns-confgen write):
 *
 *   key "name" {
 *           algorithm hmac-sha256;
 *           secret "base64";
 *   };
 *
 * The file holds a shared secret and comes from wherever the user got it,
 * so it is parsed strictly and within bounds: one key statement, each of
 * algorithm and secret exactly once, comments (#, //, C style) and white
 * space around, nothing else. Algorithms are the HMAC ones of RFC 8945 6
 * (RFC 4635); HMAC-MD5 is refused. The secret is wiped when the key is
 * freed.
 */
#include <stdio.h>
#include <string.h>

#include "core/file.h"
#include "core/base64.h"
#include "core/alloc.h"
#include "core/ascii.h"
#include "crypto/crypto.h"
#include "dns/dns_internal.h"
#include "dns/tsig.h"

#define KEY_TEXT_MAX (16 * 1024)
#define TOKEN_MAX 1024
#define SECRET_MAX 512		/* bytes, decoded */

static const struct ik_tsig_alg algs[] = {
	{ "hmac-sha1", "SHA1", 20 },
	{ "hmac-sha224", "SHA224", 28 },
	{ "hmac-sha256", "SHA256", 32 },
	{ "hmac-sha384", "SHA384", 48 },
	{ "hmac-sha512", "SHA512", 64 },
};

enum tok { T_EOF, T_WORD, T_STRING, T_LBRACE, T_RBRACE, T_SEMI, T_BAD };

struct lex {
	const char *s;
	size_t len, pos, line;
	char tok[TOKEN_MAX + 1];
	size_t toklen;
	const char *why;		/* for T_BAD */
};

/* skip white space and comments; 0 on an unterminated comment */
static int
skip(struct lex *l)
{
	while (l->pos < l->len) {
		char c = l->s[l->pos];

		if (c == '\n') {
			l->line++;
			l->pos++;
		} else if (c == ' ' || c == '\t' || c == '\r') {
			l->pos++;
		} else if (c == '#' || (c == '/' && l->pos + 1 < l->len &&
		    l->s[l->pos + 1] == '/')) {
			while (l->pos < l->len && l->s[l->pos] != '\n')
				l->pos++;
		} else if (c == '/' && l->pos + 1 < l->len &&
		    l->s[l->pos + 1] == '*') {
			l->pos += 2;
			for (;;) {
				if (l->pos + 1 >= l->len)
					return 0;
				if (l->s[l->pos] == '\n')
					l->line++;
				if (l->s[l->pos] == '*' &&
				    l->s[l->pos + 1] == '/')
					break;
				l->pos++;
			}
			l->pos += 2;
		} else {
			break;
		}
	}
	return 1;
}

static int
word_char(int c)
{
	return ik_is_alnum(c) || c == '-' || c == '.' || c == '_' ||
		c == '+' || c == '/' || c == '=';
}

static enum tok
next(struct lex *l)
{
	char c;

	l->toklen = 0;
	if (!skip(l)) {
		l->why = "unterminated comment";
		return T_BAD;
	}
	if (l->pos >= l->len)
		return T_EOF;
	c = l->s[l->pos++];
	if (c == '{')
		return T_LBRACE;
	if (c == '}')
		return T_RBRACE;
	if (c == ';')
		return T_SEMI;
	if (c == '"') {
		while (l->pos < l->len && l->s[l->pos] != '"') {
			unsigned char b = (unsigned char)l->s[l->pos];

			if (b < ' ' || b >= 0x7f || b == '\\') {
				l->why = "odd byte in a quoted string";
				return T_BAD;
			}
			if (l->toklen == TOKEN_MAX) {
				l->why = "string too long";
				return T_BAD;
			}
			l->tok[l->toklen++] = (char)b;
			l->pos++;
		}
		if (l->pos >= l->len) {
			l->why = "unterminated string";
			return T_BAD;
		}
		l->pos++;
		l->tok[l->toklen] = '\0';
		return T_STRING;
	}
	if (word_char((unsigned char)c)) {
		l->tok[l->toklen++] = c;
		while (l->pos < l->len &&
		    word_char((unsigned char)l->s[l->pos])) {
			if (l->toklen == TOKEN_MAX) {
				l->why = "word too long";
				return T_BAD;
			}
			l->tok[l->toklen++] = l->s[l->pos++];
		}
		l->tok[l->toklen] = '\0';
		return T_WORD;
	}
	l->why = "unexpected character";
	return T_BAD;
}

static inkan_status
fail(struct lex *l, char *err, size_t errlen, const char *msg)
{
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "line %zu: %s", l->line, msg);
	return INKAN_ERR_SYNTAX;
}

const struct ik_tsig_alg *
ik_tsig_alg_find(const char *name)
{
	size_t i, n = strlen(name);

	/* a trailing dot is how the name looks on the wire */
	if (n > 0 && name[n - 1] == '.')
		n--;
	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++)
		if (ik_ascii_eqz(name, n, algs[i].name))
			return &algs[i];
	return NULL;
}

static inkan_status
set_name(inkan_tsig_key *k, const char *name)
{
	inkan_status st;

	st = ik_dname_from_text(name, strlen(name), NULL, k->name_wire,
		&k->name_wlen);
	if (st != INKAN_OK || k->name_wlen <= 1)
		return INKAN_ERR_SYNTAX;
	/* RFC 8945 4.3.3: the key name goes into the MAC in canonical
	 * (lower-case) form */
	ik_dname_lower(k->name_wire);
	ik_dname_to_text(k->name_wire, k->name);
	return INKAN_OK;
}

static inkan_status
set_secret(inkan_tsig_key *k, const char *b64, size_t len)
{
	size_t n;
	inkan_status st;

	k->secret = ik_malloc(k->ctx, SECRET_MAX);
	if (k->secret == NULL)
		return INKAN_ERR_NOMEM;
	st = ik_b64_decode(b64, len, IK_B64_FWS, k->secret, SECRET_MAX, &n);
	if (st != INKAN_OK || n == 0)
		return INKAN_ERR_SYNTAX;
	k->secret_len = n;
	return INKAN_OK;
}

/* the body of "key NAME { ... };" after the opening brace */
static inkan_status
body(struct lex *l, inkan_tsig_key *k, char *err, size_t errlen)
{
	enum tok t;
	int seen_alg = 0, seen_secret = 0;
	inkan_status st;

	for (;;) {
		t = next(l);
		if (t == T_RBRACE)
			break;
		if (t == T_BAD)
			return fail(l, err, errlen, l->why);
		if (t != T_WORD)
			return fail(l, err, errlen, "expected algorithm, "
				"secret or }");
		if (strcmp(l->tok, "algorithm") == 0) {
			if (seen_alg++)
				return fail(l, err, errlen, "algorithm given "
					"twice");
			t = next(l);
			if (t != T_WORD && t != T_STRING)
				return fail(l, err, errlen, t == T_BAD ? l->why :
					"algorithm needs a name");
			if (ik_ascii_eqz(l->tok, l->toklen, "hmac-md5") ||
			    ik_ascii_eqz(l->tok, l->toklen,
			    "hmac-md5.sig-alg.reg.int")) {
				fail(l, err, errlen, "hmac-md5 is not "
					"supported (RFC 8945 6: use "
					"hmac-sha256)");
				return INKAN_ERR_UNSUPPORTED;
			}
			if ((k->alg = ik_tsig_alg_find(l->tok)) == NULL)
				return fail(l, err, errlen, "unknown algorithm "
					"(hmac-sha1, -sha224, -sha256, -sha384, "
					"-sha512)");
		} else if (strcmp(l->tok, "secret") == 0) {
			if (seen_secret++)
				return fail(l, err, errlen, "secret given twice");
			if ((t = next(l)) != T_STRING)
				return fail(l, err, errlen, t == T_BAD ? l->why :
					"secret needs a quoted base64 string");
			st = set_secret(k, l->tok, l->toklen);
			if (st == INKAN_ERR_SYNTAX)
				return fail(l, err, errlen, "the secret is not "
					"base64 (or empty, or over 512 bytes)");
			if (st != INKAN_OK)
				return st;
		} else {
			return fail(l, err, errlen, "unknown key option");
		}
		if (next(l) != T_SEMI)
			return fail(l, err, errlen, "expected ;");
	}
	if (!seen_alg || !seen_secret)
		return fail(l, err, errlen, "the key needs an algorithm and a "
			"secret");
	return INKAN_OK;
}

static inkan_status
parse(struct lex *l, inkan_tsig_key *k, char *err, size_t errlen)
{
	enum tok t = next(l);
	inkan_status st;

	if (t != T_WORD || strcmp(l->tok, "key") != 0)
		return fail(l, err, errlen, t == T_BAD ? l->why :
			"expected a key statement");
	t = next(l);
	if (t != T_WORD && t != T_STRING)
		return fail(l, err, errlen, t == T_BAD ? l->why :
			"the key needs a name");
	if (set_name(k, l->tok) != INKAN_OK)
		return fail(l, err, errlen, "the key name is not a DNS name");
	if (next(l) != T_LBRACE)
		return fail(l, err, errlen, "expected {");
	if ((st = body(l, k, err, errlen)) != INKAN_OK)
		return st;
	if (next(l) != T_SEMI)
		return fail(l, err, errlen, "expected ; after }");
	t = next(l);
	if (t != T_EOF)
		return fail(l, err, errlen, t == T_BAD ? l->why : "one key "
			"statement only");
	return INKAN_OK;
}

INKAN_API inkan_status
inkan_tsig_key_parse(inkan_ctx *ctx, const char *text, size_t len,
	inkan_tsig_key **out, char *err, size_t errlen)
{
	struct lex l;
	inkan_tsig_key *k;
	inkan_status st;

	if (out == NULL)
		return INKAN_ERR_INVALID;
	*out = NULL;
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (ctx == NULL || (text == NULL && len > 0))
		return INKAN_ERR_INVALID;
	if (len > KEY_TEXT_MAX)
		return INKAN_ERR_LIMIT;
	if ((k = ik_calloc(ctx, 1, sizeof(*k))) == NULL)
		return INKAN_ERR_NOMEM;
	k->ctx = ctx;
	memset(&l, 0, sizeof(l));
	l.s = text;
	l.len = len;
	l.line = 1;
	st = parse(&l, k, err, errlen);
	/* the token buffer may hold the secret */
	ik_crypto_wipe(l.tok, sizeof(l.tok));
	if (st != INKAN_OK) {
		inkan_tsig_key_free(k);
		return st;
	}
	*out = k;
	return INKAN_OK;
}

INKAN_API inkan_status
inkan_tsig_key_load(inkan_ctx *ctx, const char *path, inkan_tsig_key **out,
	char *err, size_t errlen)
{
	char *buf;
	size_t len;
	inkan_status st;

	if (out == NULL)
		return INKAN_ERR_INVALID;
	*out = NULL;
	if (ctx == NULL || path == NULL)
		return INKAN_ERR_INVALID;
	st = ik_file_read(ctx, path, KEY_TEXT_MAX, IK_FILE_SECRET, &buf, &len);
	if (st != INKAN_OK)
		return st == INKAN_ERR_NOT_FOUND ? INKAN_ERR_IO : st;
	st = inkan_tsig_key_parse(ctx, buf, len, out, err, errlen);
	ik_file_free(ctx, buf, len, IK_FILE_SECRET);
	return st;
}

INKAN_API void
inkan_tsig_key_free(inkan_tsig_key *k)
{
	if (k == NULL)
		return;
	if (k->secret != NULL) {
		ik_crypto_wipe(k->secret, SECRET_MAX);
		ik_free(k->ctx, k->secret);
	}
	ik_free(k->ctx, k);
}

INKAN_API const char *
inkan_tsig_key_name(const inkan_tsig_key *k)
{
	return k != NULL ? k->name : NULL;
}

INKAN_API const char *
inkan_tsig_key_algorithm(const inkan_tsig_key *k)
{
	return k != NULL && k->alg != NULL ? k->alg->name : NULL;
}
