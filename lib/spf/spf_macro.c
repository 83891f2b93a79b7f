/* SPDX-License-Identifier: MIT */
/*
 * spf_macro.c - SPF macro expansion (RFC 7208 7.1 - 7.4).
 *
 * A macro value is split on its delimiters (default "."), optionally
 * reversed, cut to its rightmost N parts and joined with "." (7.3).
 * Upper-case letters are then URL-escaped (7.3, RFC 3986 2.3). A domain
 * expansion loses its trailing dot and is cut from the left, a label at a
 * time, to 253 bytes (7.3); this is done while writing, so an expansion
 * far longer than the buffer still yields the right rightmost labels.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/ascii.h"
#include "spf_macro.h"

#define DOMAIN_MAX 253

struct sink {
	ik_buf *out;
	int domain;		/* cut labels from the left when full */
	int escape;		/* URL-escape (upper-case macro letter) */
};

/* drop whole labels from the left while keeping every label that can
 * still be part of the final 253-byte name */
static void
compact(ik_buf *b)
{
	size_t k;

	if (b->len <= DOMAIN_MAX + 1)
		return;
	for (k = b->len - DOMAIN_MAX - 1; k > 0 && b->data[k] != '.'; k--)
		;
	if (b->data[k] != '.')
		return;
	memmove(b->data, b->data + k + 1, b->len - k - 1);
	b->len -= k + 1;
	b->data[b->len] = '\0';
}

static inkan_status
put_raw(struct sink *s, const char *p, size_t n)
{
	inkan_status st;

	while (n > 0) {
		size_t chunk = n > 256 ? 256 : n;

		st = ik_buf_append(s->out, p, chunk);
		if (st == INKAN_ERR_LIMIT && s->domain) {
			compact(s->out);
			st = ik_buf_append(s->out, p, chunk);
		}
		if (st != INKAN_OK)
			return st;
		p += chunk;
		n -= chunk;
	}
	return INKAN_OK;
}

/* RFC 3986 2.3 unreserved = ALPHA / DIGIT / "-" / "." / "_" / "~" */
static int
unreserved(unsigned char c)
{
	return ik_is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

static inkan_status
put(struct sink *s, const char *p, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i, start = 0;
	inkan_status st;

	if (!s->escape)
		return put_raw(s, p, n);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		char enc[3];

		if (unreserved(c))
			continue;
		st = put_raw(s, p + start, i - start);
		if (st != INKAN_OK)
			return st;
		enc[0] = '%';
		enc[1] = hex[c >> 4];
		enc[2] = hex[c & 15];
		st = put_raw(s, enc, 3);
		if (st != INKAN_OK)
			return st;
		start = i + 1;
	}
	return put_raw(s, p + start, n - start);
}

struct transform {
	size_t keep;		/* rightmost parts to keep; 0 = all */
	int reverse;
	const char *delims;	/* NULL = "." */
	size_t ndelims;
};

static int
is_delim(const struct transform *tf, char c)
{
	if (tf->delims == NULL)
		return c == '.';
	return memchr(tf->delims, c, tf->ndelims) != NULL;
}

/* emit v[a, b) with each delimiter written as "." */
static inkan_status
put_joined(struct sink *s, const struct transform *tf, const char *v,
	size_t a, size_t b)
{
	size_t i, start = a;
	inkan_status st;

	for (i = a; i < b; i++) {
		if (!is_delim(tf, v[i]))
			continue;
		if ((st = put(s, v + start, i - start)) != INKAN_OK ||
		    (st = put(s, ".", 1)) != INKAN_OK)
			return st;
		start = i + 1;
	}
	return put(s, v + start, b - start);
}

/* RFC 7208 7.3: split, reverse, keep the rightmost N, join with "." */
static inkan_status
put_value(struct sink *s, const struct transform *tf, const char *v,
	size_t n)
{
	size_t parts = 1, keep, i, skip, e, seen;
	inkan_status st;

	for (i = 0; i < n; i++)
		if (is_delim(tf, v[i]))
			parts++;
	keep = (tf->keep == 0 || tf->keep > parts) ? parts : tf->keep;
	if (!tf->reverse) {
		/* the last @keep parts: skip the first parts - keep */
		skip = parts - keep;
		for (i = 0; i < n && skip > 0; i++)
			if (is_delim(tf, v[i]))
				skip--;
		return put_joined(s, tf, v, i, n);
	}
	/* reversed, the rightmost @keep parts are the first @keep parts of
	 * the original, last one first */
	for (e = 0, seen = 0; e < n; e++)
		if (is_delim(tf, v[e]) && ++seen == keep)
			break;
	while (e > 0) {
		size_t b = e;

		while (b > 0 && !is_delim(tf, v[b - 1]))
			b--;
		if ((st = put(s, v + b, e - b)) != INKAN_OK)
			return st;
		if (b == 0)
			return INKAN_OK;
		if ((st = put(s, ".", 1)) != INKAN_OK)
			return st;
		e = b - 1;
	}
	/* the first part is empty (value starts with a delimiter) */
	return INKAN_OK;
}

static inkan_status
letter_value(const ik_spf_macro_env *env, int letter, char *tmp,
	size_t tmpsize, const char **v, size_t *n)
{
	const char *at;
	inkan_status st;

	switch (letter) {
	case 's':
		*v = env->sender;
		break;
	case 'l':
		*v = env->sender;
		*n = env->local_len;
		return INKAN_OK;
	case 'o':
		at = env->sender + env->local_len;
		*v = *at == '@' ? at + 1 : at;
		break;
	case 'd':
		*v = env->domain;
		break;
	case 'i':
		ik_spf_ip_dotted(env->ip, tmp);
		*v = tmp;
		break;
	case 'c':
		ik_spf_ip_format(env->ip, tmp);
		*v = tmp;
		break;
	case 'v':
		*v = env->ip->v6 ? "ip6" : "in-addr";
		break;
	case 'h':
		*v = env->helo;
		break;
	case 'r':
		*v = env->receiver;
		break;
	case 't':
		snprintf(tmp, tmpsize, "%" PRId64, env->now);
		*v = tmp;
		break;
	case 'p':
		*v = "unknown";
		if (env->get_p != NULL) {
			st = env->get_p(env->p_ud, v);
			if (st != INKAN_OK)
				return st;
		}
		break;
	default:
		*v = "";
		break;
	}
	*n = strlen(*v);
	return INKAN_OK;
}

/* one "%{...}" starting at s[*i] == '%'; *i ends after the '}' */
static inkan_status
expand_one(const ik_spf_macro_env *env, struct sink *sink, const char *s,
	size_t len, size_t *i)
{
	struct transform tf = { 0, 0, NULL, 0 };
	size_t p = *i + 2, dstart;
	int letter, upper;
	char tmp[64];
	const char *v;
	size_t n;
	inkan_status st;

	if (p >= len) {
		st = put_raw(sink, s + *i, len - *i);
		*i = len;
		return st;
	}
	upper = s[p] >= 'A' && s[p] <= 'Z';
	letter = ik_to_lower((unsigned char)s[p++]);
	while (p < len && ik_is_digit((unsigned char)s[p])) {
		/* RFC 7208 7.3: at least 127 must work; more is all parts */
		tf.keep = tf.keep > 100000 ? tf.keep :
		    tf.keep * 10 + (size_t)(s[p] - '0');
		p++;
	}
	if (p < len && (s[p] == 'r' || s[p] == 'R')) {
		tf.reverse = 1;
		p++;
	}
	dstart = p;
	while (p < len && s[p] != '}')
		p++;
	if (p > dstart) {
		tf.delims = s + dstart;
		tf.ndelims = p - dstart;
	}
	*i = p < len ? p + 1 : len;
	st = letter_value(env, letter, tmp, sizeof(tmp), &v, &n);
	if (st != INKAN_OK)
		return st;
	sink->escape = upper;
	st = put_value(sink, &tf, v, n);
	sink->escape = 0;
	return st;
}

inkan_status
ik_spf_expand(const ik_spf_macro_env *env, const char *s, size_t len,
	enum ik_spf_expand_mode mode, ik_buf *out)
{
	struct sink sink = { out, mode == IK_SPF_EXPAND_DOMAIN, 0 };
	size_t i = 0, start = 0;
	inkan_status st;

	ik_buf_reset(out);
	while (i < len) {
		if (s[i] != '%' || i + 1 >= len) {
			i++;
			continue;
		}
		if ((st = put_raw(&sink, s + start, i - start)) != INKAN_OK)
			return st;
		switch (s[i + 1]) {
		case '%':
			st = put_raw(&sink, "%", 1);
			i += 2;
			break;
		case '_':
			st = put_raw(&sink, " ", 1);
			i += 2;
			break;
		case '-':
			st = put_raw(&sink, "%20", 3);
			i += 2;
			break;
		case '{':
			st = expand_one(env, &sink, s, len, &i);
			break;
		default:
			st = put_raw(&sink, s + i, 1);
			i++;
			break;
		}
		if (st != INKAN_OK)
			return st;
		start = i;
	}
	if ((st = put_raw(&sink, s + start, len - start)) != INKAN_OK)
		return st;
	if (mode != IK_SPF_EXPAND_DOMAIN)
		return INKAN_OK;
	/* RFC 7208 7.3: trailing dots must be accepted; then cut labels
	 * from the left until the name fits in 253 bytes */
	if (out->len > 0 && out->data[out->len - 1] == '.')
		out->data[--out->len] = '\0';
	while (out->len > DOMAIN_MAX) {
		char *dot = memchr(out->data, '.', out->len);

		if (dot == NULL)
			break;
		out->len -= (size_t)(dot - out->data) + 1;
		memmove(out->data, dot + 1, out->len + 1);
	}
	return INKAN_OK;
}
