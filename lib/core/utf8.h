/* SPDX-License-Identifier: MIT */
/*
 * utf8.h - a strict UTF-8 decoder (RFC 3629 4), shared by the JSON and
 * terminal escapers so both agree on what is valid.
 */
#ifndef INKAN_CORE_UTF8_H
#define INKAN_CORE_UTF8_H

#include <stddef.h>
#include <stdint.h>

/*
 * Decode the sequence at @s (@len > 0 bytes left). Returns its length
 * (1..4) and the code point in *cp, or 0 when the first byte does not
 * start a valid sequence: a continuation byte, C0/C1/F5..FF, a truncated
 * sequence, an overlong form, a surrogate, or a value past U+10FFFF.
 * The caller then treats that one byte as invalid and goes on.
 */
size_t ik_utf8_decode(const unsigned char *s, size_t len, uint32_t *cp);

#endif
