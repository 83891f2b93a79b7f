/* SPDX-License-Identifier: MIT */
/* ascii.c - locale-independent comparisons (see ascii.h). */
#include <string.h>

#include "ascii.h"

int
ik_ascii_eq(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t i;

	if (alen != blen)
		return 0;
	for (i = 0; i < alen; i++)
		if (ik_to_lower((unsigned char)a[i]) !=
		    ik_to_lower((unsigned char)b[i]))
			return 0;
	return 1;
}

int
ik_ascii_eqz(const char *a, size_t alen, const char *b)
{
	return ik_ascii_eq(a, alen, b, strlen(b));
}

void
ik_ascii_lower(char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		s[i] = (char)ik_to_lower((unsigned char)s[i]);
}
