/* SPDX-License-Identifier: MIT */
/*
 * taglist.c - RFC 6376 3.2 tag=value list parser (see taglist.h).
 *
 *   tag-list  =  tag-spec *( ";" tag-spec ) [ ";" ]
 *   tag-spec  =  [FWS] tag-name [FWS] "=" [FWS] tag-value [FWS]
 *   tag-name  =  ALPHA *ALNUMPUNC
 *   tag-value =  [ tval *( 1*(WSP / FWS) tval ) ]
 *   tval      =  1*VALCHAR      VALCHAR = %x21-3A / %x3C-7E
 *
 * A state machine over the bytes, one pass, no allocation. Trailing WSP
 * after the final ";" is accepted (common in key records).
 */
#include <string.h>

#include "core/ascii.h"
#include "taglist.h"

/* length of FWS at s[i] (WSP, or CRLF followed by WSP), 0 if none */
static size_t
fws_at(const char *s, size_t len, size_t i)
{
	if (i < len && ik_is_wsp((unsigned char)s[i]))
		return 1;
	if (i + 2 < len && s[i] == '\r' && s[i + 1] == '\n' &&
	    ik_is_wsp((unsigned char)s[i + 2]))
		return 3;
	return 0;
}

static size_t
skip_fws(const char *s, size_t len, size_t i)
{
	size_t n;

	while ((n = fws_at(s, len, i)) > 0)
		i += n;
	return i;
}

static int
is_valchar(unsigned char c)
{
	/* %x21-3A / %x3C-7E, plus 8-bit (RFC 6376 3.2 note on UTF-8):
	 * all but CTLs, SP, ';' and DEL */
	return c > 0x20 && c != ';' && c != 0x7f;
}

static int
is_alnumpunc(unsigned char c)
{
	return ik_is_alnum(c) || c == '_';
}

ik_taglist_error
ik_taglist_parse(const char *s, size_t len, ik_taglist *out)
{
	size_t i = 0, j, k, vstart, vend, n;
	ik_tag *t;

	out->n = 0;
	for (;;) {
		i = skip_fws(s, len, i);
		if (i == len)
			/* empty list, or a trailing ";" */
			return out->n > 0 ? IK_TAGLIST_OK : IK_TAGLIST_SYNTAX;
		if (!ik_is_alpha((unsigned char)s[i]))
			return IK_TAGLIST_SYNTAX;
		if (out->n == IK_TAGLIST_MAX)
			return IK_TAGLIST_TOO_MANY;
		t = &out->tags[out->n];
		t->name = s + i;
		for (j = i; j < len && is_alnumpunc((unsigned char)s[j]); j++)
			;
		t->name_len = j - i;
		i = skip_fws(s, len, j);
		if (i == len || s[i] != '=')
			return IK_TAGLIST_SYNTAX;
		i = skip_fws(s, len, i + 1);
		/* value: tvals separated by WSP/FWS, up to ';' or the end */
		vstart = vend = i;
		while (i < len && s[i] != ';') {
			if (is_valchar((unsigned char)s[i])) {
				/* a whole tval at once (b= and bh= are long) */
				while (++i < len &&
				    is_valchar((unsigned char)s[i]))
					;
				vend = i;
			} else if ((n = fws_at(s, len, i)) > 0)
				i += n;
			else
				return IK_TAGLIST_SYNTAX;
		}
		t->value = s + vstart;
		t->value_len = vend - vstart;
		/* RFC 6376 3.2: a duplicate makes the entire list invalid */
		for (k = 0; k < out->n; k++)
			if (out->tags[k].name_len == t->name_len &&
			    memcmp(out->tags[k].name, t->name,
				t->name_len) == 0)
				return IK_TAGLIST_DUPLICATE;
		out->n++;
		if (i == len)
			return IK_TAGLIST_OK;
		i++;	/* the ';' */
	}
}

const ik_tag *
ik_taglist_get(const ik_taglist *tl, const char *name)
{
	size_t i, n = strlen(name);

	for (i = 0; i < tl->n; i++)
		if (tl->tags[i].name_len == n &&
		    memcmp(tl->tags[i].name, name, n) == 0)
			return &tl->tags[i];
	return NULL;
}

int
ik_tag_is(const ik_tag *t, const char *s)
{
	size_t n = strlen(s);

	return t->value_len == n && memcmp(t->value, s, n) == 0;
}

int
ik_tag_is_nocase(const ik_tag *t, const char *s)
{
	return ik_ascii_eqz(t->value, t->value_len, s);
}

int
ik_colon_list_next(const char *v, size_t len, size_t *pos,
	const char **item, size_t *item_len)
{
	size_t i = *pos, start, end;

	if (i > len)
		return 0;
	i = skip_fws(v, len, i);
	start = end = i;
	while (i < len && v[i] != ':') {
		size_t n = fws_at(v, len, i);
		if (n > 0) {
			i += n;
		} else {
			end = ++i;
		}
	}
	*item = v + start;
	*item_len = end - start;
	/* past the colon; one past len marks the end */
	*pos = i + 1;
	return 1;
}
