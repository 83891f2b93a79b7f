/* SPDX-License-Identifier: MIT */
/*
 * dkim.c - the long-lived inkan_dkim handle: flags, key sources, key
 * cache. Set up from one thread, then shared (see inkan/dkim.h).
 */
#include <string.h>

#include "core/file.h"
#include "core/alloc.h"
#include "core/ascii.h"
#include "core/ctx_internal.h"
#include "dkim_internal.h"

#define DEFAULT_CACHE 1024
#define KEY_FILE_MAX (1024 * 1024)

INKAN_API inkan_status
inkan_dkim_new(inkan_ctx *ctx, inkan_dkim **out)
{
	inkan_dkim *d;
	inkan_status st;

	if (out == NULL)
		return INKAN_ERR_INVALID;
	*out = NULL;
	if (ctx == NULL)
		return INKAN_ERR_INVALID;
	d = ik_calloc(ctx, 1, sizeof(*d));
	if (d == NULL)
		return INKAN_ERR_NOMEM;
	d->ctx = ctx;
	st = ik_crypto_new(ctx, &d->crypto);
	if (st == INKAN_OK)
		st = ik_dkim_cache_new(ctx, DEFAULT_CACHE, &d->cache);
	if (st != INKAN_OK) {
		inkan_dkim_free(d);
		return st;
	}
	*out = d;
	return INKAN_OK;
}

INKAN_API void
inkan_dkim_free(inkan_dkim *d)
{
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < d->nstatics; i++) {
		ik_free(d->ctx, d->statics[i].qname);
		ik_free(d->ctx, d->statics[i].txt);
	}
	ik_free(d->ctx, d->statics);
	ik_dkim_cache_free(d->cache);
	ik_crypto_free(d->crypto);
	ik_free(d->ctx, d);
}

INKAN_API void
inkan_dkim_set_flags(inkan_dkim *d, unsigned flags)
{
	if (d != NULL)
		d->flags = flags;
}

INKAN_API inkan_status
inkan_dkim_set_lookup(inkan_dkim *d, inkan_dkim_lookup_fn fn, void *ud)
{
	if (d == NULL)
		return INKAN_ERR_INVALID;
	d->lookup = fn;
	d->lookup_ud = ud;
	return INKAN_OK;
}

static inkan_status
add_static(inkan_dkim *d, const char *qname, size_t qlen, const char *txt,
	size_t tlen)
{
	struct ik_static_key *n;

	/* a trailing dot (absolute name) is the same name */
	if (qlen > 0 && qname[qlen - 1] == '.')
		qlen--;
	if (qlen == 0 || qlen > IK_DKIM_MAX_QNAME)
		return INKAN_ERR_INVALID;
	if (d->nstatics == d->capstatics) {
		size_t cap = d->capstatics ? d->capstatics * 2 : 8;
		n = ik_reallocarray(d->ctx, d->statics, cap, sizeof(*n));
		if (n == NULL)
			return INKAN_ERR_NOMEM;
		d->statics = n;
		d->capstatics = cap;
	}
	n = &d->statics[d->nstatics];
	n->qname = ik_strndup(d->ctx, qname, qlen);
	n->txt = ik_strndup(d->ctx, txt, tlen);
	if (n->qname == NULL || n->txt == NULL) {
		ik_free(d->ctx, n->qname);
		ik_free(d->ctx, n->txt);
		return INKAN_ERR_NOMEM;
	}
	d->nstatics++;
	return INKAN_OK;
}

INKAN_API inkan_status
inkan_dkim_add_key_record(inkan_dkim *d, const char *qname, const char *txt)
{
	if (d == NULL || qname == NULL || txt == NULL)
		return INKAN_ERR_INVALID;
	return add_static(d, qname, strlen(qname), txt, strlen(txt));
}

/* one "qname record" line; blank and '#' lines are skipped */
static inkan_status
key_file_line(inkan_dkim *d, const char *p, size_t n)
{
	size_t i = 0, name_end, start;

	while (n > 0 && (p[n - 1] == '\r' || ik_is_wsp((unsigned char)p[n - 1])))
		n--;
	while (i < n && ik_is_wsp((unsigned char)p[i]))
		i++;
	if (i == n || p[i] == '#')
		return INKAN_OK;
	start = i;
	while (i < n && !ik_is_wsp((unsigned char)p[i]))
		i++;
	name_end = i;
	while (i < n && ik_is_wsp((unsigned char)p[i]))
		i++;
	if (i == n)
		return INKAN_ERR_SYNTAX;
	return add_static(d, p + start, name_end - start, p + i, n - i);
}

INKAN_API inkan_status
inkan_dkim_load_key_file(inkan_dkim *d, const char *path)
{
	char *buf;
	size_t n, pos = 0, len;
	const char *lf;
	inkan_status st;

	if (d == NULL || path == NULL)
		return INKAN_ERR_INVALID;
	st = ik_file_read(d->ctx, path, KEY_FILE_MAX, 0, &buf, &n);
	if (st != INKAN_OK)
		return st == INKAN_ERR_NOT_FOUND ? INKAN_ERR_IO : st;
	while (st == INKAN_OK && pos < n) {
		lf = memchr(buf + pos, '\n', n - pos);
		len = lf ? (size_t)(lf - (buf + pos)) : n - pos;
		st = key_file_line(d, buf + pos, len);
		pos += len + 1;
	}
	ik_file_free(d->ctx, buf, n, 0);
	return st;
}

INKAN_API inkan_status
inkan_dkim_set_cache_size(inkan_dkim *d, size_t entries)
{
	ik_dkim_cache *c = NULL;
	inkan_status st;

	if (d == NULL)
		return INKAN_ERR_INVALID;
	if (entries > 0) {
		st = ik_dkim_cache_new(d->ctx, entries, &c);
		if (st != INKAN_OK)
			return st;
	}
	ik_dkim_cache_free(d->cache);
	d->cache = c;
	return INKAN_OK;
}
