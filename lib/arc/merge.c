/* SPDX-License-Identifier: MIT */
/*
 * merge.c - the Authentication-Results a sealer records in its AAR when
 * another verifier of the same ADMD wrote them (RFC 8617 4.1.1: "the AAR
 * MUST contain the combined authres-payload with all of the
 * authentication results from within the participating ADMD").
 */
#include <string.h>

#include "arc_internal.h"
#include "core/alloc.h"
#include "core/ascii.h"
#include "core/buf.h"

/* the resinfos of an A-R value: what follows "authserv-id [version];" */
static const char *
payload(const char *v, size_t len, size_t *plen)
{
	const char *semi = memchr(v, ';', len), *end = v + len;

	if (semi == NULL)
		return NULL;
	semi++;
	while (semi < end && (ik_is_wsp((unsigned char)*semi) ||
	    *semi == '\r' || *semi == '\n'))
		semi++;
	while (end > semi && (ik_is_wsp((unsigned char)end[-1]) ||
	    end[-1] == '\r' || end[-1] == '\n' || end[-1] == ';'))
		end--;
	*plen = (size_t)(end - semi);
	return semi;
}

INKAN_API inkan_status
inkan_arc_authres_merge(inkan_ctx *ctx, const inkan_msg *msg,
	const char *authserv_id, char **value)
{
	size_t i, n, len, plen, found = 0;
	const inkan_header *h;
	const char *v, *p;
	ik_buf b;
	inkan_status st;

	if (value == NULL)
		return INKAN_ERR_INVALID;
	*value = NULL;
	if (ctx == NULL || msg == NULL || authserv_id == NULL ||
	    authserv_id[0] == '\0')
		return INKAN_ERR_INVALID;
	n = inkan_msg_count_named(msg, "Authentication-Results");
	ik_buf_init(&b, ctx, 64 * 1024);
	st = ik_buf_puts(&b, authserv_id);
	for (i = 0; st == INKAN_OK && i < n; i++) {
		h = inkan_msg_find(msg, "Authentication-Results", i);
		v = inkan_header_value(h, &len);
		if (!inkan_authres_claims_authserv_id(ctx, v, len, authserv_id))
			continue;
		if ((p = payload(v, len, &plen)) == NULL || plen == 0)
			continue;
		found++;
		st = ik_buf_append(&b, ";\r\n\t", 4);
		if (st == INKAN_OK)
			st = ik_buf_append(&b, p, plen);
	}
	if (st == INKAN_OK && found == 0)
		st = INKAN_ERR_NOT_FOUND;
	if (st == INKAN_OK)
		st = ik_buf_take(&b, value, NULL);
	ik_buf_free(&b);
	return st;
}
