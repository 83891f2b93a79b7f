/* SPDX-License-Identifier: MIT */
/*
 * name.c - domain names as DMARC compares them.
 *
 * RFC 9989 4.4: comparisons are case-insensitive (RFC 4343); 5.3.1: a
 * U-label author domain becomes an A-label (RFC 5890 2.3). Every name the
 * module keeps is normalised once - lower case, A-labels, no trailing
 * dot - so later comparisons are plain byte comparisons. The conversion
 * is the address parser's (one rule for the whole library).
 */
#include <string.h>

#include "core/buf.h"
#include "dmarc/dmarc_internal.h"
#include "msg/address_internal.h"

inkan_status
ik_dmarc_norm_domain(const inkan_ctx *ctx, const char *in, char *out)
{
	ik_buf b;
	inkan_status st;
	int ok = 0;
	size_t len;

	if (in == NULL)
		return INKAN_ERR_INVALID;
	len = strlen(in);
	if (len == 0 || len > 4 * IK_DMARC_NAME_MAX + 1)
		return INKAN_ERR_SYNTAX;
	ik_buf_init(&b, ctx, IK_DMARC_NAME_MAX);
	st = ik_addr_domain_ascii(ctx, in, len, &b, &ok);
	if (st == INKAN_OK && (!ok || b.len == 0 || b.len > IK_DMARC_NAME_MAX))
		st = INKAN_ERR_SYNTAX;
	if (st == INKAN_ERR_LIMIT)
		st = INKAN_ERR_SYNTAX;
	if (st == INKAN_OK)
		memcpy(out, b.data, b.len + 1);
	ik_buf_free(&b);
	return st;
}

size_t
ik_dmarc_label_count(const char *name)
{
	size_t n = 1;

	if (*name == '\0')
		return 0;
	for (; *name != '\0'; name++)
		if (*name == '.')
			n++;
	return n;
}

const char *
ik_dmarc_last_labels(const char *name, size_t keep)
{
	size_t n = ik_dmarc_label_count(name);

	while (n > keep) {
		const char *dot = strchr(name, '.');
		if (dot == NULL)
			break;
		name = dot + 1;
		n--;
	}
	return name;
}

int
ik_dmarc_is_under(const char *sub, const char *parent)
{
	size_t sl = strlen(sub), pl = strlen(parent);

	if (sl == pl)
		return memcmp(sub, parent, sl) == 0;
	return sl > pl && sub[sl - pl - 1] == '.' &&
		memcmp(sub + sl - pl, parent, pl) == 0;
}
