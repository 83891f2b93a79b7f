/* SPDX-License-Identifier: MIT */
/*
 * ascii.h - locale-independent character classes and comparisons.
 *
 * Mail protocols are defined over ASCII; the C library's ctype functions
 * depend on the locale and are undefined for negative chars, so libinkan
 * uses these instead.
 */
#ifndef INKAN_CORE_ASCII_H
#define INKAN_CORE_ASCII_H

#include <stddef.h>

static inline int ik_is_alpha(int c)
{ return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static inline int ik_is_digit(int c) { return c >= '0' && c <= '9'; }
static inline int ik_is_alnum(int c) { return ik_is_alpha(c) || ik_is_digit(c); }
/* RFC 5234 WSP */
static inline int ik_is_wsp(int c) { return c == ' ' || c == '\t'; }
static inline int ik_to_lower(int c)
{ return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c; }
static inline int ik_is_xdigit(int c)
{ return ik_is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

/* ASCII case-insensitive comparison of two byte ranges: 1 when equal */
int ik_ascii_eq(const char *a, size_t alen, const char *b, size_t blen);
/* same, with b a C string */
int ik_ascii_eqz(const char *a, size_t alen, const char *b);
/* lower-case a byte range in place */
void ik_ascii_lower(char *s, size_t len);

#endif
