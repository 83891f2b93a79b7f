/* SPDX-License-Identifier: MIT */
/*
 * psl.c - the Public Suffix List, for RFC 7489-style discovery.
 *
 * RFC 7489 3.2: the organizational domain is the registrable domain: one
 * label more than the longest public suffix the name ends in (with the
 * list's wildcard and exception rules; an unlisted TLD is a one-label
 * suffix). libpsl does the matching; this file only loads a list and
 * normalises input. RFC 9989 replaced this with the tree walk, but the
 * PSL remains a valid reported discovery method (RFC 9990).
 */
#include <libpsl.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/ascii.h"
#include "dmarc/dmarc_internal.h"

/* where Debian's publicsuffix package puts the list */
#define SYSTEM_PSL "/usr/share/publicsuffix/public_suffix_list.dat"

struct inkan_dmarc_psl {
	const inkan_ctx *ctx;
	psl_ctx_t *psl;		/* owned; psl_free() */
};

INKAN_API inkan_status
inkan_dmarc_psl_load(inkan_ctx *ctx, const char *path, inkan_dmarc_psl **out)
{
	inkan_dmarc_psl *p;
	psl_ctx_t *psl;

	if (out != NULL)
		*out = NULL;
	if (ctx == NULL || out == NULL)
		return INKAN_ERR_INVALID;
	if (path != NULL) {
		psl = psl_load_file(path);
	} else {
		psl = psl_load_file(SYSTEM_PSL);
		if (psl == NULL)
			psl = psl_latest(NULL);
	}
	if (psl == NULL || psl_suffix_count(psl) <= 0) {
		/* psl_builtin() is static data: psl_free() ignores it */
		psl_free(psl);
		return INKAN_ERR_IO;
	}
	if ((p = ik_calloc(ctx, 1, sizeof(*p))) == NULL) {
		psl_free(psl);
		return INKAN_ERR_NOMEM;
	}
	p->ctx = ctx;
	p->psl = psl;
	*out = p;
	return INKAN_OK;
}

INKAN_API void
inkan_dmarc_psl_free(inkan_dmarc_psl *p)
{
	if (p == NULL)
		return;
	psl_free(p->psl);
	ik_free(p->ctx, p);
}

INKAN_API inkan_status
inkan_dmarc_psl_registrable(const inkan_dmarc_psl *p, const char *domain,
	char *out, size_t outlen)
{
	char buf[4 * IK_DMARC_NAME_MAX + 2];
	const char *reg;
	size_t len;

	if (p == NULL || domain == NULL || out == NULL || outlen == 0)
		return INKAN_ERR_INVALID;
	out[0] = '\0';
	len = strlen(domain);
	/* a leading dot or an empty label is no domain (PSL tests) */
	if (len == 0 || domain[0] == '.' || len >= sizeof(buf))
		return INKAN_ERR_NOT_FOUND;
	memcpy(buf, domain, len + 1);
	/* libpsl matches lower-case input; the list's U-labels have no
	 * case, so ASCII lower-casing is enough */
	ik_ascii_lower(buf, len);
	if (len > 1 && buf[len - 1] == '.')
		buf[--len] = '\0';
	reg = psl_registrable_domain(p->psl, buf);
	if (reg == NULL)
		return INKAN_ERR_NOT_FOUND;
	len = strlen(reg);
	if (len >= outlen)
		return INKAN_ERR_LIMIT;
	memcpy(out, reg, len + 1);
	return INKAN_OK;
}

void
ik_dmarc_psl_org(const inkan_dmarc_psl *psl, const char *name, char *out)
{
	size_t len = strlen(name);

	if (psl == NULL || inkan_dmarc_psl_registrable(psl, name, out,
	    IK_DMARC_NAME_MAX + 1) != INKAN_OK ||
	    !ik_dmarc_is_under(name, out)) {
		/* a public suffix itself: it is its own organizational
		 * domain (RFC 7489 3.2 has nothing above it) */
		memcpy(out, name, len + 1);
	}
}
