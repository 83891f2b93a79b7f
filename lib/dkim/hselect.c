/* SPDX-License-Identifier: MIT */
/*
 * hselect.c - the header part of the DKIM hash (RFC 6376 3.7 step 2,
 * 5.4.2), shared by signer and verifier.
 *
 * 5.4.2: the k-th appearance of a name in h= takes the k-th instance of
 * that field counted from the bottom; when no instance is left the name
 * contributes nothing (this is what makes oversigning work). The field
 * being verified is not a candidate for its own h= (3.5 h=); the same
 * holds for an ARC-Message-Signature (RFC 8617 4.1.2 imports 3.5).
 */
#include <string.h>

#include "core/alloc.h"

#include "core/ascii.h"
#include "dkim_internal.h"

inkan_status
ik_dkim_hash_headers(ik_digest *d, ik_canon c, const inkan_msg *msg,
	const char *const *names, size_t n, const inkan_header *own)
{
	size_t own_below = 0, j, m, k, len, nlen[IK_DKIM_MAX_H], own_len = 0;
	const inkan_header *h;
	const char *raw, *own_name = NULL;
	char name[64];
	inkan_status st;

	if (n > IK_DKIM_MAX_H)
		return INKAN_ERR_LIMIT;		/* sig.c and sign.c cap it */
	for (j = 0; j < n; j++)
		nlen[j] = strlen(names[j]);

	if (own != NULL) {
		own_name = inkan_header_name(own, &own_len);
		if (own_len >= sizeof(name))
			return INKAN_ERR_LIMIT;	/* only our own names come here */
		memcpy(name, own_name, own_len);
		name[own_len] = '\0';
		while ((h = inkan_msg_find_from_bottom(msg, name,
		    own_below)) != NULL && h != own)
			own_below++;
	}
	for (j = 0; j < n; j++) {
		for (k = 0, m = 0; m < j; m++)
			k += nlen[m] == nlen[j] && ik_ascii_eq(names[m],
				nlen[m], names[j], nlen[j]) ? 1 : 0;
		if (own != NULL && k >= own_below &&
		    ik_ascii_eq(names[j], nlen[j], own_name, own_len))
			k++;
		h = inkan_msg_find_from_bottom(msg, names[j], k);
		if (h == NULL)
			continue;
		raw = inkan_header_raw(h, &len);
		if ((st = ik_canon_header(d, c, raw, len, 1)) != INKAN_OK)
			return st;
	}
	return INKAN_OK;
}

inkan_status
ik_dkim_sig_header_hash(const inkan_ctx *ctx, ik_digest *d,
	const inkan_msg *msg, const ik_dkim_sig *sig, unsigned char *out)
{
	size_t len;
	const char *raw;
	char *stripped;
	inkan_status st;

	if ((st = ik_digest_reset(d)) != INKAN_OK)
		return st;
	st = ik_dkim_hash_headers(d, sig->hcanon, msg, sig->h, sig->nh,
		sig->hdr);
	if (st != INKAN_OK)
		return st;
	raw = inkan_header_raw(sig->hdr, &len);
	stripped = ik_malloc(ctx, len + 1);
	if (stripped == NULL)
		return INKAN_ERR_NOMEM;
	len = ik_dkim_strip_b(raw, len, stripped);
	st = ik_canon_header(d, sig->hcanon, stripped, len, 0);
	ik_free(ctx, stripped);
	if (st == INKAN_OK)
		st = ik_digest_final(d, out);
	return st;
}
