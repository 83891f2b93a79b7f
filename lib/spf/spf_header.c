/* SPDX-License-Identifier: MIT */
/*
 * spf_header.c - recording a verdict: the Received-SPF header field
 * (RFC 7208 9.1) and the pieces of an Authentication-Results "spf="
 * resinfo (RFC 7208 9.2, RFC 8601 2.7.2) with a Gmail-style comment.
 *
 * RFC 7208 9.1: the field must hold no invalid characters, must not be
 * excessively long, and must not carry malicious data from the sender.
 * Verdict strings are already printable ASCII; here every value the
 * sender controls is cut to a bounded length, comments escape their
 * specials and key-value values are dot-atoms or quoted-strings.
 */
#include <string.h>

#include <inkan/authres.h>

#include "core/alloc.h"
#include "core/ascii.h"
#include "core/buf.h"
#include "spf_check.h"

#define VALUE_MAX 256		/* longest value copied from a verdict */
#define FIELD_MAX 8192

/* RFC 5322 3.2.3 atext */
static int
is_atext(unsigned char c)
{
	return ik_is_alnum(c) || (c != 0 && strchr("!#$%&'*+-/=?^_`{|}~",
	    c) != NULL);
}

static int
is_dot_atom(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || s[0] == '.' || s[n - 1] == '.')
		return 0;
	for (i = 0; i < n; i++) {
		if (s[i] == '.') {
			if (s[i + 1] == '.')
				return 0;
			continue;
		}
		if (!is_atext((unsigned char)s[i]))
			return 0;
	}
	return 1;
}

static size_t
bounded(const char *s)
{
	size_t n = strlen(s);

	return n > VALUE_MAX ? VALUE_MAX : n;
}

/* text inside a comment: ( ) \ become quoted-pairs when @esc */
static inkan_status
put_ctext(ik_buf *b, const char *s, int esc)
{
	size_t i, n = bounded(s);
	inkan_status st = INKAN_OK;

	for (i = 0; i < n && st == INKAN_OK; i++) {
		if (esc && (s[i] == '(' || s[i] == ')' || s[i] == '\\'))
			st = ik_buf_putc(b, '\\');
		if (st == INKAN_OK)
			st = ik_buf_putc(b, s[i]);
	}
	return st;
}

/* the comment after the result (without parentheses) */
static inkan_status
put_comment(ik_buf *b, const inkan_spf_verdict *v, const char *receiver,
	int esc)
{
	const char *who = v->identity == INKAN_SPF_IDENTITY_HELO ?
	    v->domain : v->sender;
	const char *detail = v->problem != NULL ? v->problem : "";
	inkan_status st = INKAN_OK;

	if (receiver != NULL && receiver[0] != '\0') {
		st = put_ctext(b, receiver, esc);
		if (st == INKAN_OK)
			st = ik_buf_puts(b, ": ");
	}
#define P(x) do { if (st == INKAN_OK) st = ik_buf_puts(b, x); } while (0)
#define T(x) do { if (st == INKAN_OK) st = put_ctext(b, x, esc); } while (0)
	switch (v->result) {
	case INKAN_SPF_PASS:
		P("domain of "); T(who); P(" designates "); T(v->client_ip);
		P(" as permitted sender");
		break;
	case INKAN_SPF_FAIL:
		P("domain of "); T(who); P(" does not designate ");
		T(v->client_ip); P(" as permitted sender");
		break;
	case INKAN_SPF_SOFTFAIL:
		P("domain of transitioning "); T(who);
		P(" does not designate "); T(v->client_ip);
		P(" as permitted sender");
		break;
	case INKAN_SPF_NEUTRAL:
		T(v->client_ip); P(" is neither permitted nor denied by "
		    "domain of "); T(who);
		break;
	case INKAN_SPF_NONE:
		T(who); P(" does not designate permitted sender hosts");
		break;
	case INKAN_SPF_TEMPERROR:
		P("error in processing during lookup of "); T(who);
		if (detail[0] != '\0') {
			P(": "); T(detail);
		}
		break;
	default:
		P("permanent error in processing domain of "); T(v->domain);
		if (detail[0] != '\0') {
			P(": "); T(detail);
		}
		break;
	}
#undef P
#undef T
	return st;
}

struct field {
	ik_buf *b;
	inkan_status st;
};

/* add " key=value;" (quoted when needed) */
static void
put_kv(struct field *f, const char *key, const char *value, int last)
{
	ik_buf item;
	size_t i, n;
	int quote;

	if (f->st != INKAN_OK || value == NULL)
		return;
	ik_buf_init(&item, f->b->ctx, 2 * VALUE_MAX + 64);
	n = bounded(value);
	quote = !is_dot_atom(value) || n < strlen(value);
	f->st = ik_buf_printf(&item, "%s=%s", key, quote ? "\"" : "");
	for (i = 0; i < n && f->st == INKAN_OK; i++) {
		if (quote && (value[i] == '"' || value[i] == '\\'))
			f->st = ik_buf_putc(&item, '\\');
		if (f->st == INKAN_OK)
			f->st = ik_buf_putc(&item, value[i]);
	}
	if (f->st == INKAN_OK)
		f->st = ik_buf_puts(&item, quote ? "\"" : "");
	if (f->st == INKAN_OK && !last)
		f->st = ik_buf_putc(&item, ';');
	if (f->st == INKAN_OK)
		f->st = ik_buf_putc(f->b, ' ');
	if (f->st == INKAN_OK)
		f->st = ik_buf_append(f->b, item.data, item.len);
	ik_buf_free(&item);
}

/*
 * RFC 5322 2.2.3: fold before a space that is outside quoted-strings so
 * that lines stay within 78 characters where a fold point allows it.
 */
static inkan_status
fold(ik_buf *b, const char *eol)
{
	ik_buf out;
	size_t i = 0, j, cut, len = b->len;
	char *q;
	inkan_status st = INKAN_OK;

	q = ik_malloc(b->ctx, len + 1);	/* 1: a fold point */
	if (q == NULL)
		return INKAN_ERR_NOMEM;
	{
		int quoted = 0;

		for (j = 0; j < len; j++) {
			char c = b->data[j];

			q[j] = c == ' ' && !quoted && j > 0;
			if (c == '\\' && quoted && j + 1 < len)
				q[++j] = 0;	/* a quoted-pair */
			else if (c == '"')
				quoted = !quoted;
		}
	}
	ik_buf_init(&out, b->ctx, FIELD_MAX + len);
	while (st == INKAN_OK && len - i > 78) {
		cut = 0;
		for (j = i + 1; j <= i + 78; j++)
			if (q[j])
				cut = j;
		for (j = i + 79; cut == 0 && j < len; j++)
			if (q[j])
				cut = j;
		if (cut == 0)
			break;
		st = ik_buf_append(&out, b->data + i, cut - i);
		if (st == INKAN_OK)
			st = ik_buf_puts(&out, eol);
		i = cut;
	}
	if (st == INKAN_OK)
		st = ik_buf_append(&out, b->data + i, len - i);
	ik_free(b->ctx, q);
	if (st == INKAN_OK) {
		ik_buf_free(b);
		*b = out;
	} else {
		ik_buf_free(&out);
	}
	return st;
}

INKAN_API inkan_status
inkan_spf_received_spf(const inkan_ctx *ctx, const inkan_spf_verdict *v,
	const char *receiver, unsigned flags, char **text)
{
	ik_buf b;
	struct field f;
	const char *mech = NULL, *problem = NULL;
	inkan_status st;

	if (text == NULL)
		return INKAN_ERR_INVALID;
	*text = NULL;
	if (ctx == NULL || v == NULL)
		return INKAN_ERR_INVALID;
	ik_buf_init(&b, ctx, FIELD_MAX);
	st = ik_buf_printf(&b, "Received-SPF: %s (",
		inkan_spf_result_name(v->result));
	if (st == INKAN_OK)
		st = put_comment(&b, v, receiver, 1);
	if (st == INKAN_OK)
		st = ik_buf_putc(&b, ')');
	f.b = &b;
	f.st = st;
	/* RFC 7208 9.1: mechanism, or "default" when none matched */
	if (v->reason == INKAN_SPF_REASON_MATCH)
		mech = v->mechanism;
	else if (v->reason == INKAN_SPF_REASON_DEFAULT)
		mech = "default";
	if (v->result == INKAN_SPF_TEMPERROR ||
	    v->result == INKAN_SPF_PERMERROR)
		problem = v->problem != NULL ? v->problem :
		    inkan_spf_reason_name(v->reason);
	put_kv(&f, "client-ip", v->client_ip, 0);
	if (v->identity == INKAN_SPF_IDENTITY_MAILFROM)
		put_kv(&f, "envelope-from", v->sender, 0);
	put_kv(&f, "helo", v->helo, 0);
	if (receiver != NULL && receiver[0] != '\0')
		put_kv(&f, "receiver", receiver, 0);
	put_kv(&f, "mechanism", mech, 0);
	put_kv(&f, "problem", problem, 0);
	put_kv(&f, "identity", v->identity == INKAN_SPF_IDENTITY_HELO ?
	    "helo" : "mailfrom", 1);
	st = f.st;
	if (st == INKAN_OK && !(flags & INKAN_SPF_HDR_NO_FOLD))
		st = fold(&b, (flags & INKAN_SPF_HDR_LF) ? "\n" : "\r\n");
	if (st == INKAN_OK)
		st = ik_buf_take(&b, text, NULL);
	ik_buf_free(&b);
	return st;
}

INKAN_API inkan_status
inkan_spf_authres_parts(const inkan_ctx *ctx, const inkan_spf_verdict *v,
	const char *receiver, const char **property, const char **value,
	char **comment)
{
	ik_buf b;
	inkan_status st;

	if (property == NULL || value == NULL || comment == NULL)
		return INKAN_ERR_INVALID;
	*comment = NULL;
	if (ctx == NULL || v == NULL)
		return INKAN_ERR_INVALID;
	/* RFC 8601 2.7.2: smtp.mailfrom / smtp.helo */
	if (v->identity == INKAN_SPF_IDENTITY_HELO) {
		*property = "helo";
		*value = v->helo != NULL ? v->helo : v->domain;
	} else {
		*property = "mailfrom";
		*value = v->sender;
	}
	ik_buf_init(&b, ctx, FIELD_MAX);
	/* plain text: the authres builder escapes what a comment needs */
	st = put_comment(&b, v, receiver, 0);
	if (st == INKAN_OK)
		st = ik_buf_take(&b, comment, NULL);
	ik_buf_free(&b);
	return st;
}

INKAN_API inkan_status
inkan_spf_authres_add(const inkan_ctx *ctx, inkan_authres_builder *b,
	const inkan_spf_verdict *v, const char *receiver)
{
	const char *prop, *value;
	char *comment = NULL;
	inkan_status st;

	if (b == NULL)
		return INKAN_ERR_INVALID;
	st = inkan_spf_authres_parts(ctx, v, receiver, &prop, &value,
		&comment);
	/* RFC 8601 2.7.2: the result names are RFC 7208's */
	if (st == INKAN_OK)
		st = inkan_authres_builder_add(b, "spf", NULL,
			inkan_spf_result_name(v->result));
	if (st == INKAN_OK)
		st = inkan_authres_builder_comment(b, comment);
	if (st == INKAN_OK)
		st = inkan_authres_builder_prop(b, "smtp", prop, value);
	ik_free(ctx, comment);
	return st;
}
