/* SPDX-License-Identifier: MIT */
/*
 * hselect.c - the header part of the DKIM hash (RFC 6376 3.7 step 2,
 * 5.4.2), shared by signer and verifier.
 *
 * 5.4.2: the k-th appearance of a name in h= takes the k-th instance of
 * that field counted from the bottom; when no instance is left the name
 * contributes nothing (this is what makes oversigning work). The field
 * being verified is not a candidate for its own h= (3.5 h=).
 */
#include <string.h>

#include "core/ascii.h"
#include "dkim_internal.h"

inkan_status
ik_dkim_hash_headers(ik_digest *d, ik_canon c, const inkan_msg *msg,
	const char *const *names, size_t n, const inkan_header *own)
{
	size_t own_below = 0, j, m, k, len, nlen[IK_DKIM_MAX_H];
	const inkan_header *h;
	const char *raw;
	inkan_status st;

	if (n > IK_DKIM_MAX_H)
		return INKAN_ERR_LIMIT;		/* sig.c and sign.c cap it */
	for (j = 0; j < n; j++)
		nlen[j] = strlen(names[j]);

	if (own != NULL)
		while ((h = inkan_msg_find_from_bottom(msg, "DKIM-Signature",
		    own_below)) != NULL && h != own)
			own_below++;
	for (j = 0; j < n; j++) {
		for (k = 0, m = 0; m < j; m++)
			k += nlen[m] == nlen[j] && ik_ascii_eq(names[m],
				nlen[m], names[j], nlen[j]) ? 1 : 0;
		if (own != NULL && k >= own_below &&
		    ik_ascii_eqz(names[j], nlen[j], "DKIM-Signature"))
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
